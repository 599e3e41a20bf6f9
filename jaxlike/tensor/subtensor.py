"""Theano's indexing writes: ``T.set_subtensor(x[idx], y)`` and ``T.inc_subtensor(x[idx], y)``.

Theano passes the subtensor expression ``x[idx]`` itself, not ``x`` and ``idx``, so every ``Var.__getitem__``
result remembers its source array and key in a side table that forgets an entry when its result is
collected. The write is then the transpose of the read (``jaxlike.numpy._at``): every index form that
``x[idx]`` accepts works (symbolic boolean masks too: ``masks`` makes them integer indices), and gradients
flow to ``x`` and ``y`` through the same primitives.

Semantics, as Theano's: the result is a new tensor (``inplace`` is accepted and ignored); ``y`` broadcasts to
the shape of ``x[idx]`` and is cast to ``x``'s dtype; ``inc_subtensor`` with repeated indices adds every
value (``x[[0, 0]] += [1, 2]`` adds 3). ``set_subtensor`` with repeated indices stores the mean of the values
written to that position: the stored value is one of them whenever they agree, and Theano leaves the winner
unspecified otherwise. A front-end module: imports core, ops and jaxlike.numpy.
"""

import weakref

from ..core.graph import Var, as_var
from ..core.types import Sym
from ..core.errors import user_frame, where
from ..ops import layout as L
from ..ops import math as m
from ..numpy._at import scatter_like, set_at
from ..numpy._indexing import getitem
from .. import numpy as jnp
from .var import var_str
from .masks import has_symbolic_mask, expand_masks
from .autocast import in_theano_graph

# result Var id -> (weak reference to the result, weak reference to the indexed array, key); an entry leaves
# with its result. The array is held weakly as the result keeps it alive (it is the result's ancestor, or
# the result itself for `x[:]`, which a strong reference would keep alive forever).
_SOURCES = {}


def _forget(result_id):
    return lambda _ref: _SOURCES.pop(result_id, None)


def _symbolic_bounds(key):
    """``key`` with the symbolic sizes in its slices (``x[:y.shape[0]]``) as graph values: a computed bound.
    Inside a ``jaxlike.compile`` trace, reading the size asks for a concrete one, as any read of a size."""
    def bound(b):
        return b.value() if isinstance(b, Sym) else b

    def entry(k):
        if isinstance(k, slice) and any(isinstance(b, Sym) for b in (k.start, k.stop, k.step)):
            return slice(bound(k.start), bound(k.stop), bound(k.step))
        return k
    return tuple(entry(k) for k in key) if isinstance(key, tuple) else entry(key)


def _recording_getitem(x, key):
    key = _symbolic_bounds(key)
    # NOTE: only Theano graphs: the JAX front end refuses a traced mask (jit cannot give a value-dependent shape)
    if has_symbolic_mask(key) and in_theano_graph(x):
        key = expand_masks(x, key)
    y = getitem(x, key)
    if y is x and x._id in _SOURCES and _SOURCES[x._id][1]() is not x:
        # NOTE: `x[:]` is x itself; when x is b[i], a node of its own keeps x's entry, so that
        # set_subtensor(x[:], v) writes into x, not into b
        y = L.reshape(x, shape=x.shape)
    _SOURCES[y._id] = (weakref.ref(y, _forget(y._id)), weakref.ref(x), key)
    return y


def indexed_source(expr):
    """``(x, key)`` when ``expr`` was built as ``x[key]``, else None."""
    entry = _SOURCES.get(expr._id) if isinstance(expr, Var) else None
    if entry is None or entry[0]() is not expr or entry[1]() is None:
        return None
    return entry[1](), entry[2]


def _source_and_read(x, y, fname):
    source = indexed_source(x)
    if source is None:
        what = var_str(x) if isinstance(x, Var) else f"{type(x).__name__} {x!r}"
        raise TypeError(f"{fname}: the first argument must be an indexing expression such as x[idx] or "
                        f"x[2:, i] (Theano passes the subtensor, not the tensor), got {what}"
                        + where(user_frame()))
    array, key = source
    y = as_var(y)
    if y.ndim > x.ndim:
        raise TypeError(f"{fname}: trying to write a {y.ndim}-dimensional value into a {x.ndim}-dimensional "
                        f"subtensor (y has type {y.type!r}, x[idx] has type {x.type!r})" + where(user_frame()))
    return array, (lambda z: getitem(z, key)), _fitted(y, x)


def _fitted(y, x):
    """``y`` broadcast to the subtensor ``x``'s own (symbolic) sizes where one side's size is a number and
    the other's symbolic (``y[i]`` with ``T.arange(3)``): the writes compare the two shapes while building
    the graph, which a symbolic size cannot answer. An elementwise add unifies the sizes (checked when the
    function runs), and a reshape to ``x.shape`` gives back ``x``'s own size objects."""
    pairs = zip(reversed(tuple(y.shape)), reversed(tuple(x.shape)))
    if not any(isinstance(a, Sym) != isinstance(b, Sym) or (isinstance(a, Sym) and a is not b)
               for a, b in pairs):
        return y
    unified = jnp.add(y, jnp.zeros_like(x, dtype=y.dtype))
    return L.reshape(unified, shape=x.shape)


def set_subtensor(x, y, inplace=False, tolerate_inplace_aliasing=False):
    """A copy of the tensor that ``x = t[idx]`` indexes, with ``t[idx]`` replaced by ``y``.

    >>> import jaxlike.tensor as T
    >>> t = T.dvector('t')
    >>> str(T.set_subtensor(t[1:], 0.0).type)
    'f64[n0]'
    """
    array, _, y = _source_and_read(x, y, "set_subtensor")
    # NOTE: a position an integer index repeats keeps the last value, as Theano's (numpy's) assignment does
    return set_at(array, indexed_source(x)[1], y)


def inc_subtensor(x, y, inplace=False, set_instead_of_inc=False, tolerate_inplace_aliasing=False):
    """A copy of the tensor that ``x = t[idx]`` indexes, with ``y`` added to ``t[idx]`` (repeated indices
    add once per occurrence); ``set_instead_of_inc=True`` is ``set_subtensor``."""
    if set_instead_of_inc:
        return set_subtensor(x, y)
    array, read, y = _source_and_read(x, y, "inc_subtensor")
    placed, _ = scatter_like(read, array, y)
    return m.add(array, placed)


def install():
    Var.__getitem__ = _recording_getitem


install()

__all__ = ["set_subtensor", "inc_subtensor"]
