"""Reductions over a tuple of axes (the result drops them; ``keepdims`` is a reshape in the wrappers), and
``size_of``, the element count over axes that ``mean``/``var`` divide by when sizes are symbolic.
Imports core and ops only."""

import numpy as np

from ..core.types import TensorType, Sym
from ..core.primitive import Primitive, Kind, LINEAR, register
from ._rules import dtype_int_or_float
from . import math as m
from .layout import broadcast_to, expand_back


def reduce_shape(x, *, axes):
    for a in axes:
        if not 0 <= a < x.ndim:
            raise ValueError(f"axis {a} out of range for rank {x.ndim}")
    shape = tuple(d for i, d in enumerate(x.shape) if i not in axes)
    dt = x.dtype
    return TensorType(dt, shape)


def sum_shape(x, *, axes):
    t = reduce_shape(x, axes=axes)
    dt, _ = dtype_int_or_float(x)
    if dt.kind in "iu" and dt.itemsize < 8:
        dt = np.dtype("int64") if dt.kind == "i" else np.dtype("uint64")
    return TensorType(dt, t.shape)


def _bcast_back(v, x, axes):
    return broadcast_to(expand_back(v, axes, x.ndim), shape=x.shape)


def _extreme_vjp(g, ans, x, *, axes):
    hit = m.eq(x, _bcast_back(ans, x, axes))
    hitf = m.convert(hit, dtype=x.dtype)
    count = reduce_sum(hitf, axes=axes)
    return (m.where(hit, _bcast_back(g / count, x, axes), 0),)


def _extreme_jvp(tangents, ans, x, *, axes):
    (t,) = tangents
    hitf = m.convert(m.eq(x, _bcast_back(ans, x, axes)), dtype=x.dtype)
    return reduce_sum(t * hitf, axes=axes) / reduce_sum(hitf, axes=axes)


def _sum_np(x, *, axes):
    return np.sum(x, axis=axes)


def _prod_vjp(g, ans, x, *, axes):
    # NOTE: exact when x has no zeros; with zeros the product's gradient needs the prefix/suffix form
    # (left for the scans family), so zeros get the product of the other elements via a where.
    safe = m.where(m.eq(x, 0), 1, x)
    others = _bcast_back(reduce_prod(safe, axes=axes), x, axes) / safe
    nz = reduce_sum(m.convert(m.eq(x, 0), dtype=x.dtype), axes=axes)
    nzb = _bcast_back(nz, x, axes)
    factor = m.where(m.eq(nzb, 0), others, m.where(m.logical_and(m.eq(nzb, 1), m.eq(x, 0)), others, 0))
    return (_bcast_back(g, x, axes) * factor,)


reduce_sum = register(Primitive(
    "reduce_sum", Kind.REDUCE, shape=sum_shape, numpy=_sum_np,
    vjp=lambda g, ans, x, *, axes: (_bcast_back(g, x, axes),), jvp=LINEAR,
    scalar={"init": "0", "combine": "{acc} + {0}"}))
reduce_max = register(Primitive(
    "reduce_max", Kind.REDUCE, shape=reduce_shape, numpy=lambda x, *, axes: np.max(x, axis=axes),
    vjp=_extreme_vjp, jvp=_extreme_jvp,
    scalar={"init": "-math.inf", "combine": "({0} if ({0} > {acc} or {0} != {0}) else {acc})"}))
reduce_min = register(Primitive(
    "reduce_min", Kind.REDUCE, shape=reduce_shape, numpy=lambda x, *, axes: np.min(x, axis=axes),
    vjp=_extreme_vjp, jvp=_extreme_jvp,
    scalar={"init": "math.inf", "combine": "({0} if ({0} < {acc} or {0} != {0}) else {acc})"}))
reduce_prod = register(Primitive(
    "reduce_prod", Kind.REDUCE, shape=sum_shape, numpy=lambda x, *, axes: np.prod(x, axis=axes),
    vjp=_prod_vjp, scalar={"init": "1", "combine": "{acc} * {0}"}))


def _size_of_shape(x, *, axes, dtype):
    return TensorType(dtype, ())


def _size_of_np(x, *, axes, dtype):
    n = 1
    for a in axes:
        n *= np.shape(x)[a]
    return np.asarray(n, dtype=dtype)


size_of = register(Primitive(
    "size_of", Kind.OPAQUE, shape=_size_of_shape, numpy=_size_of_np,
    vjp=lambda g, ans, x, *, axes, dtype: (None,), differentiable=(),
    doc="number of elements of x over axes, as a scalar of dtype (reads only x's shape)"))


def count(x, axes, dtype):
    """Element count over axes: a Python int when the sizes are known, else a size_of node."""
    dims = [x.shape[a] for a in axes]
    if any(isinstance(d, Sym) for d in dims):
        return size_of(x, axes=tuple(axes), dtype=np.dtype(dtype))
    n = 1
    for d in dims:
        n *= d
    return n


def _argext_shape(x, *, axis):
    return TensorType(np.int64, tuple(d for i, d in enumerate(x.shape) if i != axis))


argmax = register(Primitive("argmax", Kind.OPAQUE, shape=_argext_shape,
                            numpy=lambda x, *, axis: np.argmax(x, axis=axis),
                            vjp=lambda g, ans, x, *, axis: (None,), differentiable=()))
argmin = register(Primitive("argmin", Kind.OPAQUE, shape=_argext_shape,
                            numpy=lambda x, *, axis: np.argmin(x, axis=axis),
                            vjp=lambda g, ans, x, *, axis: (None,), differentiable=()))
