"""Shape and layout functions with numpy's signatures, built on reshape/transpose/broadcast_to/slice/
concatenate."""

import operator

import numpy as np

from ..core.graph import Var
from ..core.types import is_known, Sym, DimExpr
from ..ops import layout as L
from ..ops.layout import size_expression
from ..ops._rules import normalize_axis, normalize_axes, broadcast_shapes
from ._base import asarray_or_var, as_var, ndim, shape, is_traced


def reshape(a, *newshape, shape=None, order="C"):
    if shape is not None:  # numpy 2.1 spells the target shape=
        if newshape:
            raise TypeError("reshape: give the new shape either positionally or as shape=, not both")
        newshape = (shape,)
    if order != "C":
        raise ValueError(f"reshape: order={order!r} is not supported; jaxlike arrays are C-ordered (use order='C', "
                         "or transpose before and after)")
    if len(newshape) == 1 and isinstance(newshape[0], (tuple, list)):
        newshape = tuple(newshape[0])
    elif len(newshape) == 1 and isinstance(newshape[0], int):
        newshape = (newshape[0],)
    a = asarray_or_var(a)
    newshape = tuple(_size(d, k) for k, d in enumerate(newshape))
    if not is_traced(a):
        return np.reshape(a, newshape)
    if len(newshape) == a.ndim and all(x is y for x, y in zip(newshape, a.shape)):
        return a
    return L.reshape(a, shape=newshape)


def shape_entries(newshape, ndim=None):
    """Theano's reshape target as a tuple of sizes: ints and scalars as they are, or a symbolic integer vector's
    first ``ndim`` entries (all of them where its length is known and ``ndim`` is None)."""
    if isinstance(newshape, Var) and newshape.ndim == 1:
        n = newshape.shape[0] if ndim is None else ndim
        if not is_known(n):
            raise TypeError("reshape: a symbolic shape vector of unknown length needs ndim= (the rank it gives)")
        return tuple(newshape[i] for i in range(int(n)))
    shape = tuple(newshape) if isinstance(newshape, (tuple, list)) else (newshape,)
    if ndim is not None and len(shape) != ndim:
        raise ValueError(f"reshape: newshape {shape} has {len(shape)} entries but ndim={ndim}")
    return shape


def _size(d, k):
    """Entry ``k`` of a reshape target: an int, a symbolic size, or a graph integer: computed from sizes alone
    (Theano's ``x.shape[0] * x.shape[1]``) it becomes the product or sum of those sizes, otherwise a size bound
    from its value when the graph runs."""
    if isinstance(d, (Sym, DimExpr)):
        return d
    if isinstance(d, Var):
        size = size_expression(d)
        if size is not None:
            return size
        if d.ndim != 0 or d.dtype.kind not in "iu":
            raise TypeError(f"reshape: size {k} of the new shape must be an integer scalar, got {d.type!r}")
        # NOTE: a size read off a value (Theano's x.reshape((n, -1)) with n an input) is the length of iota(n),
        # bound when the graph runs; the reshape checks it against the array's size then
        from ..ops.index import iota
        return iota(d).shape[0]
    return operator.index(d)  # NOTE: numpy's TypeError for a float size, where int() would truncate it


def ravel(a, order="C"):
    return reshape(a, (-1,), order="C" if order in ("K", "A") else order)


def transpose(a, axes=None):
    a = asarray_or_var(a)
    n = ndim(a)
    perm = tuple(range(n))[::-1] if axes is None else tuple(normalize_axis(x, n) for x in axes)
    if perm == tuple(range(n)):
        return a
    return L.transpose(a, perm=perm)


def swapaxes(a, axis1, axis2):
    n = ndim(a)
    perm = list(range(n))
    i, j = normalize_axis(axis1, n), normalize_axis(axis2, n)
    perm[i], perm[j] = perm[j], perm[i]
    return transpose(a, perm)


def moveaxis(a, source, destination):
    n = ndim(a)
    src = [normalize_axis(s, n) for s in np.atleast_1d(source)]
    dst = [normalize_axis(d, n) for d in np.atleast_1d(destination)]
    order = [i for i in range(n) if i not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return transpose(a, order)


def expand_dims(a, axis):
    a = asarray_or_var(a)
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    out_nd = ndim(a) + len(axes)
    axes = normalize_axes(tuple(axes), out_nd)
    return L.expand_back(a, axes, out_nd) if is_traced(a) else np.expand_dims(a, axes)


def squeeze(a, axis=None):
    a = asarray_or_var(a)
    shp = shape(a)
    if axis is None:
        axes = tuple(i for i, d in enumerate(shp) if is_known(d) and d == 1)
    else:
        axes = normalize_axes(axis, len(shp))
        for i in axes:
            # NOTE: int() of a symbolic size raises ConcretizationError; compile() then retraces with concrete sizes
            size = int(shp[i]) if isinstance(shp[i], Sym) else shp[i]
            if size != 1:
                raise ValueError(f"cannot select an axis to squeeze out which has size not equal to one "
                                 f"(axis {i}, size {size})")
    return reshape(a, tuple(d for i, d in enumerate(shp) if i not in axes))


def broadcast_to(array, shape, subok=False):  # noqa: A002  (numpy's parameter names)
    a, shape_ = asarray_or_var(array), shape
    shape_ = tuple(shape_) if isinstance(shape_, (tuple, list)) else (shape_,)
    if not is_traced(a):
        if all(is_known(d) for d in shape_):
            return np.broadcast_to(a, shape_)
        # NOTE: a constant broadcast to a symbolic shape stays symbolic; np.broadcast_to would read the sizes
        # as ints and make a compiled caller specialise on them
        a = as_var(a)
    if len(shape_) == a.ndim and all(x is y or (is_known(x) and is_known(y) and x == y)
                                     for x, y in zip(shape_, a.shape)):
        return a
    return L.broadcast_to(a, shape=shape_)


def broadcast_arrays(*args):
    args = [asarray_or_var(a) for a in args]
    target = broadcast_shapes(*[shape(a) for a in args])
    return [broadcast_to(a, target) for a in args]


def concatenate(arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    arrays = [_cast_for_join(asarray_or_var(a), dtype, casting, "concatenate") for a in arrays]
    if out is not None:
        raise TypeError("concatenate: out= is not supported; use the return value")
    if axis is None:
        arrays = [ravel(a) for a in arrays]
        axis = 0
    if not is_traced(*arrays):
        return np.concatenate(arrays, axis=axis)
    if len(arrays) == 1:
        return arrays[0]
    return L.concatenate(*arrays, axis=normalize_axis(axis, ndim(arrays[0])))


def _cast_for_join(a, dtype, casting, fname):
    """numpy's dtype= for the joining functions: each input cast first, refused as numpy refuses it."""
    if dtype is None:
        return a
    from ._base import dtype_of
    from ._elementwise import astype
    if not np.can_cast(dtype_of(a), dtype, casting):
        raise TypeError(f"{fname}: cannot cast array data from {dtype_of(a)} to {np.dtype(dtype)} according to the "
                        f"rule {casting!r}")
    return astype(a, dtype)


def stack(arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    arrays = [_cast_for_join(asarray_or_var(a), dtype, casting, "stack") for a in arrays]
    if out is not None:
        raise TypeError("stack: out= is not supported; use the return value")
    if not arrays:
        raise ValueError("need at least one array to stack")
    nd = ndim(arrays[0]) + 1
    ax = normalize_axis(axis, nd)
    return concatenate([expand_dims(a, ax) for a in arrays], axis=ax)


def atleast_1d(*arys):
    out = [_atleast_1d(asarray_or_var(a)) for a in arys]
    return out[0] if len(out) == 1 else out  # NOTE: several arrays give a list, as numpy


def _atleast_1d(a):
    return reshape(a, (1,)) if ndim(a) == 0 else a


def atleast_2d(*arys):
    out = [_atleast_2d(asarray_or_var(a)) for a in arys]
    return out[0] if len(out) == 1 else out


def _atleast_2d(a):
    if ndim(a) >= 2:
        return a
    return reshape(_atleast_1d(a), (1,) + tuple(shape(_atleast_1d(a))))


def hstack(tup, *, dtype=None, casting="same_kind"):
    arrs = [atleast_1d(a) for a in tup]
    return concatenate(arrs, axis=0 if ndim(arrs[0]) == 1 else 1, dtype=dtype, casting=casting)


def vstack(tup, *, dtype=None, casting="same_kind"):
    return concatenate([atleast_2d(a) for a in tup], axis=0, dtype=dtype, casting=casting)


row_stack = vstack


def split(ary, indices_or_sections, axis=0):
    ary = asarray_or_var(ary)
    ax = normalize_axis(axis, ndim(ary))
    n = shape(ary)[ax]
    if isinstance(indices_or_sections, (int, np.integer)):
        sections = int(indices_or_sections)
        if sections <= 0:
            raise ValueError(f"split: the number of sections must be positive, got {sections}")
        if not is_known(n):
            # NOTE: a symbolic size stays symbolic: the sections are the rows of a (sections, -1) reshape of the
            # axis, which checks when it runs that they are equal (an LSTM's jnp.split of its gates compiled
            # once per shape when the size was read)
            rows = reshape(ary, tuple(shape(ary)[:ax]) + (sections, -1) + tuple(shape(ary)[ax + 1:]))
            return [rows[(slice(None),) * ax + (i,)] for i in range(sections)]
        size = int(n)
        if size % sections:
            raise ValueError("array split does not result in an equal division")
        step = size // sections
        bounds = [i * step for i in range(sections + 1)]
    elif isinstance(indices_or_sections, (tuple, list, np.ndarray)):
        bounds = [0] + [operator.index(i) for i in indices_or_sections] + [None]
    else:
        raise TypeError(f"split: indices_or_sections must be an int or a sequence of ints, got "
                        f"{indices_or_sections!r}")
    out = []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        index = [slice(None)] * ndim(ary)
        index[ax] = slice(lo, hi)
        out.append(ary[tuple(index)])
    return out
