"""``jaxlike.debug``: JAX's ``jax.debug.print`` and ``jax.debug.callback``.

On concrete values it prints at once, as JAX does. Under ``compile``, ``grad``, ``vjp``, ``jvp`` and ``vmap``
the arguments are graph variables: the print (or callback) becomes a node (``ops/callbacks.py``) that runs
each time the graph does, on the values of that call (from compiled code through ``numba.objmode`` on the CPU, on the host
for the GPU backend), under vmap once per batch element, in a loop body on every step and in a cond branch
when it is taken (see ``core/effects.py``). A front-end module: imports pytree, core and ops.
"""

import builtins

import numpy as np

from . import pytree
from .core import effects
from .core.errors import user_frame, where
from .core.graph import Var, const
from .ops.callbacks import debug_print, next_serial

__all__ = ["print", "callback"]


def print(fmt, *args, ordered=False, partitioned=False, **kwargs):
    """Print ``fmt.format(*args, **kwargs)`` (JAX's signature: ``ordered`` and ``partitioned`` change nothing
    on one device, where prints run in program order). Traced arguments print their values each time the
    compiled or transformed function runs."""
    if not isinstance(fmt, str):
        raise TypeError(f"debug.print: fmt must be a format string, got {type(fmt).__name__}{where(user_frame())}")
    _effect("debug.print", fmt, None, args, kwargs)


def callback(callback, *args, ordered=False, partitioned=False, **kwargs):
    """Call ``callback(*args, **kwargs)`` with the arguments' values as numpy arrays, each time the compiled or
    transformed function runs (JAX's ``jax.debug.callback``; its result is ignored). A compiled function that
    holds one is not kept in the on-disk cache across processes (the callback is part of its key)."""
    if not callable(callback):
        raise TypeError(f"debug.callback: callback must be callable, got {type(callback).__name__}"
                        f"{where(user_frame())}")
    _effect("debug.callback", "", callback, args, kwargs)


def _effect(name, fmt, fn, args, kwargs):
    leaves, tree = pytree.flatten((args, kwargs))
    if not any(isinstance(leaf, Var) for leaf in leaves) and not effects.tracing():
        if fn is None:
            builtins.print(fmt.format(*args, **kwargs))
        else:
            fn(*args, **kwargs)
        return
    paths = [p for i, a in enumerate(args) for p in pytree.leaf_paths(a, f"args[{i}]")] + \
        [p for k in sorted(kwargs) for p in pytree.leaf_paths(kwargs[k], f"{k}=")]
    for leaf, path in zip(leaves, paths):
        if not isinstance(leaf, Var) and np.asarray(leaf).dtype.kind not in "biufc":
            raise TypeError(f"{name}{where(user_frame())}: {path} is {type(leaf).__name__} {leaf!r}; only arrays "
                            "and numbers can be passed from a traced function (write text into fmt)")
    # NOTE: values known while tracing are constants of the graph: under compile they print on each call
    leaves = [leaf if isinstance(leaf, Var) else const(np.asarray(leaf)) for leaf in leaves]
    attrs = {} if fn is None else {"callback": fn}
    effects.record(debug_print(*leaves, fmt=fmt, tree=tree, levels=0, serial=next_serial(), **attrs))
