"""Theano's ``theano.compile`` names that Theano programs reach for: ``MonitorMode`` (call Python functions
before and after every op of a function, as the docs' NaN-hunting recipe does), ``DebugMode``, ``Mode``,
``get_default_mode`` and ``function``. ``jaxlike.compile`` is JAX's ``jit`` (the JAX API takes the name), so
these are attributes of that function (``attach``), and ``theano.compile.MonitorMode(...)`` works after
``import jaxlike as theano``. A front-end module: imports core and this package."""

import inspect
import types

import numpy as np

from ..config import config
from ..core.interpret import interpret
from ..backends.base import Executable
from .function import Mode, function
from .graph_nodes import Apply


class DebugMode(Mode):
    """Theano's ``DebugMode(...)``: jaxlike's DEBUG_MODE (every call checked against the reference
    interpreter); Theano's checking options are accepted, as DEBUG_MODE makes its own checks."""

    def __init__(self, *args, **kwargs):
        super().__init__(optimizer="fast_run")
        self.name = "DEBUG_MODE"

    def __repr__(self):
        return "DebugMode()"


class _Thunk:
    """What a monitor function gets as ``fn``: ``inputs`` and ``outputs``, lists of one-element lists holding
    the op's values (``output[0]``), as Theano's thunks have them. The outputs hold None before the op runs."""

    __slots__ = ("inputs", "outputs")

    def __init__(self, inputs):
        self.inputs, self.outputs = [[x] for x in inputs], [[None]]


class MonitorMode(Mode):
    """``MonitorMode(pre_func=None, post_func=None, optimizer='default', linker=None)``: a function compiled in
    this mode runs op by op on the reference interpreter and calls ``pre_func(i, node, fn)`` before and
    ``post_func(i, node, fn)`` after each op (``i`` counts the ops, ``node`` is its ``Apply`` with ``node.op``,
    ``fn.inputs`` / ``fn.outputs`` hold the values). Functions of four parameters get Theano 1.0's later
    ``(fgraph, i, node, fn)``. The ops are the program's own (the graph after CSE, unfused), evaluated by
    numpy: slow by design, for finding where a NaN first appears."""

    def __init__(self, pre_func=None, post_func=None, optimizer="default", linker=None):
        super().__init__(linker=linker, optimizer=optimizer)
        # NOTE: the graph after CSE alone, so the monitor sees the ops the program wrote, not fused loops
        self.name = "FAST_COMPILE"
        self.pre_func, self.post_func = pre_func, post_func

    def __repr__(self):
        return f"MonitorMode(pre_func={self.pre_func!r}, post_func={self.post_func!r})"

    def monitored(self, exe, fgraph):
        """``exe`` (built for this mode's optimizer) as an Executable that runs its graph op by op with the
        monitor functions; ``fgraph`` is what 4-parameter monitors get first."""
        hooks = [_with_fgraph(f, fgraph) for f in (self.pre_func, self.post_func)]
        graph = exe.graph

        def run(*arrays):
            thunks, count = {}, [0]

            def before(v, ins):
                thunks[v._id] = (count[0], Apply(v), _Thunk(ins))
                count[0] += 1
                if hooks[0] is not None:
                    hooks[0](*thunks[v._id])

            def after(v, out, _):
                i, node, thunk = thunks.pop(v._id)
                thunk.outputs[0][0] = out
                if hooks[1] is not None:
                    hooks[1](i, node, thunk)

            return interpret(graph, [np.asarray(a) for a in arrays], on_value=after, before=before)
        return Executable(run, exe.source, graph, "monitor")


def _with_fgraph(fn, fgraph):
    if fn is None:
        return None
    try:
        takes_fgraph = len(inspect.signature(fn).parameters) == 4
    except (TypeError, ValueError):
        takes_fgraph = False
    return (lambda i, node, thunk: fn(fgraph, i, node, thunk)) if takes_fgraph else fn


def get_default_mode():
    """The Mode of ``config.mode`` (Theano's ``theano.compile.mode.get_default_mode()``)."""
    return DebugMode() if config.mode == "DEBUG_MODE" else Mode(
        optimizer="fast_compile" if config.mode == "FAST_COMPILE" else "fast_run")


def attach(compile_fn):
    """Give ``jaxlike.compile`` the ``theano.compile`` names above."""
    names = dict(Mode=Mode, MonitorMode=MonitorMode, DebugMode=DebugMode, function=function,
                 get_default_mode=get_default_mode)
    for name, value in names.items():
        setattr(compile_fn, name, value)
    compile_fn.mode = types.SimpleNamespace(Mode=Mode, get_default_mode=get_default_mode)
    compile_fn.monitormode = types.SimpleNamespace(MonitorMode=MonitorMode)
    compile_fn.debugmode = types.SimpleNamespace(DebugMode=DebugMode)
