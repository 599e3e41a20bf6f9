"""Reductions over a tuple of axes (the result drops them; ``keepdims`` is a reshape in the wrappers), and
``size_of``, the element count over axes that ``mean``/``var`` divide by when sizes are symbolic.
Imports core and ops only."""

import numpy as np

from ..core import types as _types
from ..core.types import TensorType, Sym
from ..core.primitive import Primitive, Kind, LINEAR, register
from ._rules import dtype_int_or_float, real_only, Sample
from ._batch import shifted
from . import math as m
from .layout import broadcast_to, expand_back


def reduce_shape(x, *, axes, initial=None):
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


def _extreme_vjp(g, ans, x, *, axes, initial=None):
    hit = m.eq(x, _bcast_back(ans, x, axes))
    hitf = m.convert(hit, dtype=x.dtype)
    count = reduce_sum(hitf, axes=axes)
    return (m.where(hit, _bcast_back(g / count, x, axes), 0),)


def _extreme_jvp(tangents, ans, x, *, axes, initial=None):
    (t,) = tangents
    hitf = m.convert(m.eq(x, _bcast_back(ans, x, axes)), dtype=x.dtype)
    # NOTE: no element is the extreme where ``initial`` won (or the slice is empty): a tangent of 0 there
    count = reduce_sum(hitf, axes=axes)
    return reduce_sum(t * hitf, axes=axes) / (count if initial is None else m.maximum(count, 1))


def _sum_np(x, *, axes):
    return np.sum(x, axis=axes)


def _prod_partials(x, axes):
    """d prod(x) / d x_i = prod of the other elements, without dividing by a zero.

    ``others`` is that product with zeros counted as 1. The partials are written so that their own
    derivatives (the Hessian) are right too: with one zero z in a reduced group, the partial of a non-zero
    x_i is others_i * x_z (value 0); with two zeros z1, z2, a zero's partial is others * (z1 + z2 - x_i)
    (the other zero) and a non-zero's is others_i * ((z1 + z2)**2 - z1**2 - z2**2) / 2 (= z1 * z2). With
    three or more zeros every partial and every Hessian entry is 0; third derivatives there are not exact."""
    zero = m.eq(x, 0)
    safe = m.where(zero, 1, x)
    others = _bcast_back(reduce_prod(safe, axes=axes), x, axes) / safe
    nzb = _bcast_back(reduce_sum(m.convert(zero, dtype=x.dtype), axes=axes), x, axes)
    the_zero = _bcast_back(reduce_sum(m.where(zero, x, 0), axes=axes), x, axes)
    one_zero = m.where(zero, others, others * the_zero)
    zero_sq = _bcast_back(reduce_sum(m.where(zero, x * x, 0), axes=axes), x, axes)
    two_zeros = m.where(zero, others * (the_zero - x), others * ((the_zero * the_zero - zero_sq) * 0.5))
    return m.where(m.eq(nzb, 0), others, m.where(m.eq(nzb, 1), one_zero, m.where(m.eq(nzb, 2), two_zeros, 0)))


def _prod_vjp(g, ans, x, *, axes):
    return (_bcast_back(g, x, axes) * _prod_partials(x, axes),)


def _prod_jvp(tangents, ans, x, *, axes):
    (t,) = tangents
    return reduce_sum(t * _prod_partials(x, axes), axes=axes)


_REDUCE_CASES = [((2, 3), (0,)), ((2, 3), (1,)), ((2, 3), (0, 1)), ((2, 3), ()), ((1, 4), (0,)), ((), ()),
                 ((2, 3, 2), (0, 2)), ((0, 3), (1,))]


def _reduce_samples(rng, empty_axis=True):
    cases = [Sample(rng.uniform(-2, 2, s), axes=a) for s, a in _REDUCE_CASES]
    if empty_axis:  # max/min of nothing has no value
        cases.append(Sample(rng.uniform(-2, 2, (0, 3)), axes=(0,)))
    return cases


def _extreme_samples(rng):
    """max/min: an ``initial`` that wins some slices, and one that is the whole result of an empty axis (values
    that every dtype holds, as the registry tests also run the samples cast to unsigned ints and bools)."""
    return _reduce_samples(rng, empty_axis=False) + [
        Sample(rng.uniform(-2, 2, (3, 4)), axes=(1,), initial=1.0), Sample(rng.uniform(-2, 2, (3, 4)), axes=(0, 1),
                                                                          initial=0.0),
        Sample(rng.uniform(-2, 2, (0, 3)), axes=(0,), initial=1.0)]


def _extreme_np(npfn):
    def rule(x, *, axes, initial=None):
        return npfn(x, axis=axes) if initial is None else npfn(x, axis=axes, initial=initial)
    return rule


def _prod_samples(rng):
    with_zero = rng.uniform(0.5, 1.5, (2, 4))
    with_zero[1, 2] = 0.0
    zeros = rng.uniform(0.5, 1.5, (2, 4))
    zeros[0, 1] = zeros[0, 3] = 0.0     # two zeros in a group (row 0), three in row 1: Hessians are exact
    zeros[1, :3] = 0.0
    return _reduce_samples(rng) + [Sample(with_zero, axes=(1,)), Sample(with_zero, axes=(0, 1)),
                                   Sample(zeros, axes=(1,))]


reduce_sum = register(Primitive(
    "reduce_sum", Kind.REDUCE, shape=sum_shape, numpy=_sum_np,
    vjp=lambda g, ans, x, *, axes: (_bcast_back(g, x, axes),), jvp=LINEAR,
    scalar={"init": "0", "combine": "{acc} + {0}"}, samples=_reduce_samples))
reduce_max = register(Primitive(
    "reduce_max", Kind.REDUCE, shape=real_only("max", reduce_shape), numpy=_extreme_np(np.max),
    vjp=_extreme_vjp, jvp=_extreme_jvp,
    scalar={"init": "-math.inf", "combine": "({0} if ({0} > {acc} or {0} != {0}) else {acc})"},
    samples=_extreme_samples,
    doc="the largest element over axes; with ``initial`` (an attribute), that value takes part in every slice "
        "and an empty slice is it, where without one an empty slice is an error"))
reduce_min = register(Primitive(
    "reduce_min", Kind.REDUCE, shape=real_only("min", reduce_shape), numpy=_extreme_np(np.min),
    vjp=_extreme_vjp, jvp=_extreme_jvp,
    scalar={"init": "math.inf", "combine": "({0} if ({0} < {acc} or {0} != {0}) else {acc})"},
    samples=_extreme_samples, doc="the smallest element over axes; ``initial`` as reduce_max's"))
reduce_prod = register(Primitive(
    "reduce_prod", Kind.REDUCE, shape=sum_shape, numpy=lambda x, *, axes: np.prod(x, axis=axes),
    vjp=_prod_vjp, jvp=_prod_jvp, scalar={"init": "1", "combine": "{acc} * {0}"}, samples=_prod_samples))


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
    batch=lambda args, batched, size, *, axes, dtype: broadcast_to(
        size_of(args[0], axes=tuple(a + 1 for a in axes), dtype=dtype), shape=(size,)),
    samples=lambda rng: [Sample(rng.uniform(size=s), axes=a, dtype=np.dtype(d))
                         for s, a, d in [((1, 3), (0,), "f8"), ((2, 3), (0, 1), "i8"), ((0, 4), (0,), "f4"),
                                         ((3,), (), "f8")]],
    doc="number of elements of x over axes, as a scalar of dtype (reads only x's shape)"))


_types.SIZE_VALUE = lambda x, axis: size_of(x, axes=(axis,), dtype=np.dtype(np.int64))   # for Sym.value


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


def _argext_samples(rng):
    return [Sample(rng.uniform(-2, 2, s), axis=a) for s, a in [((5,), 0), ((2, 3), 0), ((1, 3), 1), ((0, 3), 1)]]


argmax = register(Primitive("argmax", Kind.OPAQUE, shape=real_only("argmax", _argext_shape),
                            numpy=lambda x, *, axis: np.argmax(x, axis=axis),
                            vjp=lambda g, ans, x, *, axis: (None,), differentiable=(), samples=_argext_samples,
                            batch=shifted(lambda: argmax, "axis")))
argmin = register(Primitive("argmin", Kind.OPAQUE, shape=real_only("argmin", _argext_shape),
                            numpy=lambda x, *, axis: np.argmin(x, axis=axis),
                            vjp=lambda g, ans, x, *, axis: (None,), differentiable=(), samples=_argext_samples,
                            batch=shifted(lambda: argmin, "axis")))
