"""``jax.lax``'s collectives over named vmap axes: ``psum``, ``pmean``, ``pmax``, ``pmin``, ``all_gather``,
``axis_index``, ``axis_size``, and built from those, ``psum_scatter``, ``pshuffle`` and ``ppermute``. ``vmap(f, axis_name='i')`` binds the name while it traces ``f``
(``core/axes.py``); the primitives are in ``ops/collectives.py``. A tuple of names reduces over each in
turn (the sum over ``('i', 'j')`` is the sum over ``'i'`` of the sum over ``'j'``). Each takes a pytree.
``axis_index_groups`` is refused, as JAX's vmap refuses it."""

import numpy as np

from .. import pytree
from ..core.graph import as_var
from ..core import axes
from ..core.errors import ConcretizationError, user_frame, where
from ..ops import collectives as C
from ..ops.math import div, add, mul, convert, maximum, minimum, select
from ..ops.index import take
from ..core.types import is_known
from ..autodiff import zeros_like
from .control import _leaf_var

__all__ = ["psum", "pmean", "pmax", "pmin", "all_gather", "axis_index", "axis_size", "psum_scatter", "pshuffle",
           "ppermute"]


def _names(axis_name, what):
    names = axis_name if isinstance(axis_name, (tuple, list)) else (axis_name,)
    for n in names:
        try:
            hash(n)
        except TypeError:
            raise TypeError(f"{what}: axis_name must be a hashable name or a tuple of them, got {axis_name!r}"
                            f"{where(user_frame())}") from None
    return tuple(names)


def _groups(axis_index_groups, what):
    if axis_index_groups is not None:
        raise NotImplementedError(f"{what}: axis_index_groups is not supported under vmap (JAX's vmap refuses "
                                  f"it too){where(user_frame())}")


def _over(op, x, axis_name, what):
    names = _names(axis_name, what)
    leaves, tree = pytree.flatten(x)
    out = []
    for k, leaf in enumerate(leaves):
        v = _leaf_var(leaf, f"{what}: x")
        for n in names:
            _, carrier = axes.lookup(n, what)
            v = op(v, carrier, axis_name=n)
        out.append(v)
    return pytree.unflatten(tree, out)


def psum(x, axis_name, *, axis_index_groups=None):
    """The sum of ``x`` over the named axis (every element gets the total)."""
    _groups(axis_index_groups, "psum")
    return _over(C.psum, x, axis_name, "psum")


def pmax(x, axis_name, *, axis_index_groups=None):
    _groups(axis_index_groups, "pmax")
    return _over(C.pmax, x, axis_name, "pmax")


def pmin(x, axis_name, *, axis_index_groups=None):
    _groups(axis_index_groups, "pmin")
    return _over(C.pmin, x, axis_name, "pmin")


def pmean(x, axis_name, *, axis_index_groups=None):
    """The mean of ``x`` over the named axis (or axes)."""
    _groups(axis_index_groups, "pmean")
    # NOTE: divided by the psum of a one, which is the size also where the size is symbolic (under compile)
    return pytree.tree_map(lambda t: div(t, psum(as_var(np.ones((), t.dtype)), axis_name)),
                           _over(C.psum, x, axis_name, "pmean"))


def all_gather(x, axis_name, *, axis_index_groups=None, axis=0, tiled=False):
    """The named axis's values of ``x`` stacked along a new axis ``axis`` (``tiled``: concatenated along
    ``axis``), the same in every element."""
    _groups(axis_index_groups, "all_gather")
    names = _names(axis_name, "all_gather")
    if len(names) != 1:
        raise NotImplementedError(f"all_gather: one axis name at a time, got {axis_name!r}{where(user_frame())}")
    name = names[0]
    size, carrier = axes.lookup(name, "all_gather")
    leaves, tree = pytree.flatten(x)
    out = []
    for leaf in leaves:
        v = _leaf_var(leaf, "all_gather: x")
        a = axis + v.ndim + (0 if tiled else 1) if axis < 0 else axis
        out.append(C.all_gather(v, carrier, axis_name=name, axis=a, tiled=bool(tiled), count=size))
    return pytree.unflatten(tree, out)


def axis_index(axis_name):
    """This element's position along the named axis (int32)."""
    _, carrier = axes.lookup(axis_name, "axis_index")
    return C.axis_index(carrier, axis_name=axis_name)


def axis_size(axis_name):
    """The size of the named axis: an int, or a symbolic size under compile."""
    size = 1
    for n in _names(axis_name, "axis_size"):
        size = size * axes.lookup(n, "axis_size")[0]
    return size


def _one_name(axis_name, what):
    names = _names(axis_name, what)
    if len(names) != 1:
        raise NotImplementedError(f"{what}: one axis name at a time, got {axis_name!r}{where(user_frame())}")
    return names[0]


def psum_scatter(x, axis_name, *, scatter_dimension=0, axis_index_groups=None, tiled=False):
    """The psum of ``x``, of which each element keeps its own slice along ``scatter_dimension`` (whose size is
    the axis size; ``tiled``: a multiple of it, each element keeping its block). all_gather's transpose."""
    _groups(axis_index_groups, "psum_scatter")
    name = _one_name(axis_name, "psum_scatter")
    me = convert(axis_index(name), dtype="int64")

    def one(v):
        total = psum(v, name)
        d = scatter_dimension + v.ndim if scatter_dimension < 0 else scatter_dimension
        if not tiled:
            return take(total, me, axis=d)
        block = v.shape[d] // axis_size(name) if is_known(v.shape[d]) and is_known(axis_size(name)) else None
        if block is None:
            # NOTE: compile retraces with concrete sizes on this error
            raise ConcretizationError("psum_scatter(tiled=True): the block each element keeps is a size divided "
                                      "by the axis size, which needs concrete sizes" + where(user_frame()))
        return take(total, add(mul(me, block), as_var(np.arange(block, dtype=np.int64))), axis=d)
    return pytree.tree_map(one, x)


def pshuffle(x, axis_name, *, perm):
    """Element ``i`` gets the value of element ``perm[i]`` (``perm`` a permutation of the axis)."""
    name = _one_name(axis_name, "pshuffle")
    perm = [int(p) for p in perm]
    if sorted(perm) != list(range(len(perm))):
        raise ValueError(f"pshuffle: perm must be a permutation of 0..n-1, got {perm}{where(user_frame())}")
    src = take(as_var(np.array(perm, np.int64)), convert(axis_index(name), dtype="int64"), axis=0)
    return pytree.tree_map(lambda v: take(all_gather(v, name), src, axis=0), x)


def ppermute(x, axis_name, perm):
    """Element ``dst`` gets the value of element ``src`` for each pair ``(src, dst)`` of ``perm``; an element
    no pair sends to gets zeros."""
    name = _one_name(axis_name, "ppermute")
    pairs = [(int(a), int(b)) for a, b in perm]
    dsts = [b for _, b in pairs]
    if len(set(dsts)) != len(dsts) or len({a for a, _ in pairs}) != len(pairs) or \
            any(a < 0 or b < 0 for a, b in pairs):
        raise ValueError(f"ppermute: perm must be (source, destination) pairs with no index sent or received "
                         f"twice, got {perm}{where(user_frame())}")
    n = max([max(p) for p in pairs], default=-1) + 1
    table = np.full(n + 1, -1, np.int64)    # NOTE: the last entry answers every element past the table
    for a, b in pairs:
        table[b] = a
    me = convert(axis_index(name), dtype="int64")
    src = take(as_var(table), minimum(me, n), axis=0)
    has = src >= 0

    def one(v):
        got = take(all_gather(v, name), maximum(src, 0), axis=0)
        return select(has, got, zeros_like(got))
    return pytree.tree_map(one, x)
