"""Tiered execution: a new signature's first call runs on the reference interpreter while a background
thread compiles its numba_cpu entry; calls switch to the compiled entry as soon as it is ready.

Why: numba's start-up and compile cost 0.5-5 s for an ordinary training step, so without tiers a new
function's first result waits for all of it (in a notebook, every edited cell). The interpreter runs the same
optimized graph (stabilized and fused; ``core.interpret`` is the oracle every backend is tested against),
so the first result comes in milliseconds and agrees with the compiled one to rounding.

Only the first call of a signature is interpreted; the next waits for the compiled entry. Interpreting
more calls meanwhile only pays where cores are idle: on this project's 2-core machine 60 steps of an MLP
(two 1000x1000 float32 products a step) reached their end 1.5 s later when every call before the compile's
end was interpreted, since numpy's BLAS threads and the compile took the same cores. The compile starts
when the first call returns: started with it, it would hold the GIL whenever the interpreter came back
from a numpy kernel. A first call the interpreter rejects (an index out of range, sizes that disagree)
waits for the compiled entry and raises its error, the one users see without tiers.

Graphs with loops (scan, while_loop, fori_loop) are compiled before their first call as they were: the
interpreter runs a loop step by step in Python, which can take longer than compiling it. So are calls whose
array arguments hold more than ``INTERPRET_MAX_BYTES``: the interpreter writes every intermediate of a fused
loop to memory (ten temporaries of a 10^7-element argument are most of a GB), and on large data the compile
is the smaller part of the time anyway.

The compile thread is not a daemon: a script whose last call returned while its compile still ran waits
for it at exit, so that the disk cache has the entry for the next process. Compiles run one at a time, in
the order their first calls came. ``config.tiered = False`` (or ``JAXLIKE_FLAGS=tiered=False``) compiles
every signature before its first call; the test suite does, to test the compiled code from the first call.
"""

import collections
import importlib.util
import os
import sys
import threading
import warnings

import numpy as np

from ..backends.base import Executable
from ..control.body import LoopBody

INTERPRET_MAX_BYTES = 64 << 20
# NOTE: the code generator recurses once per op of a fused body (``build.room_to_recurse``); a thread's
# default stack is what the main thread's ulimit allows at most, often less
_COMPILE_STACK_BYTES = 256 << 20


class _Job:
    __slots__ = ("compile", "done", "result", "error")

    def __init__(self, compile):
        self.compile, self.done, self.result, self.error = compile, threading.Event(), None, None

    def run(self):
        try:
            self.result = self.compile()
        except BaseException as e:  # NOTE: reported by the first call that needs the result, in its thread
            self.error = e
        finally:
            self.compile = None
            self.done.set()


_LOCK = threading.Lock()
_QUEUE = collections.deque()
_WORKER = []


def _submit(job):
    with _LOCK:
        _QUEUE.append(job)
        if _WORKER:
            return
        before = threading.stack_size()
        threading.stack_size(_COMPILE_STACK_BYTES)
        try:
            worker = threading.Thread(target=_work, name="jaxlike-compile", daemon=False)
            worker.start()
        finally:
            threading.stack_size(before)
        _WORKER.append(worker)


def _work():
    while True:
        with _LOCK:
            if not _QUEUE:
                _WORKER.clear()
                return
            job = _QUEUE.popleft()
        job.run()


def _before_fork():
    # NOTE: a child forked while the compile thread holds a lock (numba's, the code generator's) would never
    # see it released
    wait_for_compiles()


os.register_at_fork(before=_before_fork)


def wait_for_compiles(timeout=None):
    """Block until the compiles started so far have finished (returns whether they have)."""
    with _LOCK:
        worker = _WORKER[0] if _WORKER else None
    if worker is not None and worker is not threading.current_thread():
        worker.join(timeout)
        return not worker.is_alive()
    return True


def can_tier(graph, device, mode):
    """Whether ``graph`` may start on the interpreter (see the module docstring): on the CPU in FAST_RUN,
    without profiling or NaN guards, with no loop, and where numba_cpu is installed (checked without
    importing numba, which is half a second of the first call)."""
    from ..config import config
    if not config.tiered or device != "cpu" or mode != "FAST_RUN" or config.profile or config.nan_guard:
        return False
    if _has_loop(graph):
        return False
    backend = sys.modules.get("jaxlike.backends.numba_cpu")
    if backend is not None:   # NOTE: maybe half imported, by the compile thread; a namespace package has no file
        return getattr(backend, "__file__", None) is not None
    spec = importlib.util.find_spec("jaxlike.backends.numba_cpu")
    return (spec is not None and spec.has_location and importlib.util.find_spec("numba") is not None)


def _has_loop(graph):
    """Whether a node of ``graph`` or of a cond's branches steps a loop (a cond alone interprets as fast as
    the rest: one branch)."""
    return any(isinstance(a, LoopBody) and (v.prim.name != "cond" or _has_loop(a))
               for v in graph.nodes() if v.prim is not None for _, a in v.attrs)


class TieredExecutable(Executable):
    """An Executable that runs ``graph`` on the interpreter until the compile thread has the numba_cpu
    Executable (compiled with ``options``, and for the types of the first call's arguments: numba compiles
    lazily, on a dispatcher's first call). ``when_compiled(callback)``: ``callback(executable)`` runs once, in
    the thread of the first call that finds the compiled entry ready, so that a front end can replace its
    call path with the compiled one's (``direct``)."""

    def __init__(self, graph, options):
        from ..backends import get_backend
        self.run, self.graph, self.backend = self._run, graph, "numba_cpu"
        self._options = options
        self._interpreted = get_backend("reference").compile(graph)
        self._compiled = self._job = None
        self._callbacks = []
        self._upgrading = threading.Lock()
        self._waits = False   # NOTE: after the first call

    @property
    def tier(self):
        """Which one serves calls: "interpreter" until a call has taken the compiled entry, then "compiled"."""
        return "interpreter" if self._compiled is None else "compiled"

    def when_compiled(self, callback):
        self._callbacks.append(callback)

    @property
    def source(self):
        return self.compiled().source

    def _compile(self, arrays):
        from ..backends import get_backend
        exe = get_backend("numba_cpu").compile(self.graph, self._options)
        if arrays is not None and hasattr(exe, "prepare"):
            exe.prepare(arrays)
        return exe

    def _start(self, arrays):
        with _LOCK:
            if self._job is None:
                self._job = _Job(lambda: self._compile(arrays))
                start = True
            else:
                start = False
        if start:
            _submit(self._job)
        return self._job

    def compiled(self):
        """The compiled Executable, waiting for it if need be (the interpreter's when compiling failed)."""
        if self._compiled is None:
            job = self._start(None)
            job.done.wait()
            with self._upgrading:   # NOTE: threads that find it ready together run the callbacks once
                if self._compiled is None:
                    if job.error is not None:
                        warnings.warn(f"numba_cpu could not compile this graph ({type(job.error).__name__}: "
                                      f"{job.error}); it keeps running on the reference interpreter", stacklevel=3)
                    result = self._interpreted if job.error is not None else job.result
                    for callback in self._callbacks:
                        callback(result)
                    self._callbacks.clear()
                    self._compiled = result
        return self._compiled

    def _run(self, *arrays):
        if self._waits or sum(a.nbytes for a in arrays if type(a) is np.ndarray) > INTERPRET_MAX_BYTES:
            return self.compiled().run(*arrays)
        self._waits = True
        try:
            # NOTE: the compiled entry's callers pass rank-0 arguments as Python numbers, which numba types by
            # the graph's input; the interpreter would take a float for float64 where the input is float32
            result = self._interpreted.run(*[a if type(a) is np.ndarray else np.asarray(a, v.dtype)
                                             for a, v in zip(arrays, self.graph.inputs)])
        except Exception:
            # NOTE: bad arguments (an index out of range, sizes that disagree) get the compiled entry's error,
            # of the type and wording a function compiled before its first call raises
            return self.compiled().run(*arrays)
        self._start(arrays)
        return result
