"""``jax.lax``'s collectives over named vmap axes: ``psum``, ``pmean``, ``pmax``, ``pmin``, ``all_gather``,
``axis_index``, ``axis_size``. ``vmap(f, axis_name='i')`` binds the name while it traces ``f``
(``core/axes.py``); the primitives are in ``ops/collectives.py``. A tuple of names reduces over each in
turn (the sum over ``('i', 'j')`` is the sum over ``'i'`` of the sum over ``'j'``). Each takes a pytree.
``axis_index_groups`` is refused, as JAX's vmap refuses it."""

import numpy as np

from .. import pytree
from ..core.graph import as_var
from ..core import axes
from ..core.errors import user_frame, where
from ..ops import collectives as C
from ..ops.math import div
from .control import _leaf_var

__all__ = ["psum", "pmean", "pmax", "pmin", "all_gather", "axis_index", "axis_size"]


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
