"""``Array``: what ``jaxlike.numpy``'s constructors (``zeros``, ``ones``, ``full``, ``arange``, ``array``,
``asarray``, ``eye``, ``linspace``, the ``*_like`` functions) return for concrete arguments. It is a numpy
array, so everything numpy does with it stays as it was, and it has JAX's ``.at[index]`` (``set``, ``add``,
``subtract``, ``multiply``, ``divide``, ``power``, ``min``, ``max``, ``apply``, ``get``): the JAX idiom
``jnp.zeros(n).at[idx].add(v)`` builds its array from constants, so under ``compile``/``grad``/``vmap`` the
array is concrete while ``idx`` and ``v`` are traced.

The update is the traced one (``_at.py``) applied to the array as a constant: one set of semantics for
eager and traced values (``set`` at repeated positions stores their mean, out-of-range positions raise as
numpy's indexing does). With every argument concrete the result is computed at once and is an ``Array``.
"""

import numpy as np

from ..core.graph import Graph, Var, const, free_inputs
from ..core.interpret import interpret
from ._at import at as _traced_at, _At

_METHODS = ("get", "set", "add", "subtract", "multiply", "mul", "divide", "power", "min", "max", "apply")


class Array(np.ndarray):
    """A numpy array with JAX's functional ``.at[index]`` updates (see the module docstring)."""

    @property
    def at(self):
        return _At(np.asarray(self), _EagerRef)

    def __getitem__(self, index):
        # NOTE: a traced index (a loop counter in fori_loop, an argument of compile) makes a graph, as a JAX
        # array does; numpy's own indexing would ask the tracer for an int and fail with its generic IndexError
        t = type(index)
        if t is int or (t is slice and not _traced_bounds(index)) or not _has_tracer(index):
            return _GETITEM(self, index)
        return const(np.asarray(self))[index]


_GETITEM = np.ndarray.__getitem__


def _traced_bounds(s):
    return isinstance(s.start, Var) or isinstance(s.stop, Var) or isinstance(s.step, Var)


def _has_tracer(index):
    for p in (index if type(index) is tuple else (index,)):
        if isinstance(p, Var) or (type(p) is slice and _traced_bounds(p)):
            return True
    return False


def eager(value):
    """``value`` as an ``Array`` when it is a plain numpy array (a view: no copy), else as it is."""
    return value.view(Array) if type(value) is np.ndarray else value


class _EagerRef:
    __slots__ = ("x", "index")

    def __init__(self, x, index):
        self.x, self.index = x, index

    def __getattr__(self, name):
        if name not in _METHODS:
            raise AttributeError(f"'.at[...]' has no method {name!r}; it has {', '.join(_METHODS)}")
        ref = _traced_at(const(self.x))[self.index]

        def update(*args, **kwargs):
            return _value(getattr(ref, name)(*args, **kwargs))
        update.__name__ = name
        return update


def _value(out):
    """The update's result: a graph when a traced index or value took part, else its value, computed now."""
    if not isinstance(out, Var):
        return eager(np.asarray(out))
    if out.is_const:
        return eager(np.array(out.value))
    if free_inputs([out]):
        return out
    return eager(interpret(Graph([], [out]), [])[0][0])


__all__ = ["Array", "eager"]
