"""Sorting: ``argsort`` (a stable permutation, no gradient), ``searchsorted`` (insertion points in a sorted
vector, no gradient) and the per-position gather ``take_along`` with its transpose ``put_along_add``.
``sort(x)`` is the composite ``take_along(x, argsort(x))``, so its gradient routes each output's cotangent back
to the element that landed there, which is JAX's convention (with a stable sort, tied elements keep their
order and each gets its own position's cotangent).

All four are OPAQUE: a backend without a lowering calls the numpy rule. Imports core and ops only.
"""

import numpy as np

from ..core.types import TensorType, is_known
from ..core.errors import ShapeError
from ..core.primitive import Primitive, Kind, LINEAR, register
from ._rules import real_only, Sample
from ._batch import shifted, with_batch


def _check_axis(x, axis):
    if not 0 <= axis < x.ndim:
        raise ValueError(f"axis {axis} is out of range for rank {x.ndim} (wrappers normalise negative axes)")


# -- argsort -------------------------------------------------------------------------------------------------
def _argsort_shape(x, *, axis):
    _check_axis(x, axis)
    return TensorType(np.int64, x.shape)


def _argsort_np(x, *, axis):
    # NOTE: stable, so ties keep their order and every backend agrees on the permutation.
    return np.argsort(np.asarray(x), axis=axis, kind="stable").astype(np.int64)


def _argsort_samples(rng):
    tied = np.array([[1.0, 0.5, 1.0, 0.5], [2.0, 2.0, 2.0, -1.0]])
    with_nan = np.array([0.3, np.nan, -1.0, np.nan, 2.0])
    return [Sample(rng.uniform(-2, 2, (5,)), axis=0), Sample(tied, axis=1), Sample(tied, axis=0),
            Sample(with_nan, axis=0), Sample(rng.uniform(-2, 2, (1, 3)), axis=0),
            Sample(rng.uniform(-2, 2, (0, 3)), axis=1)]


argsort = register(Primitive(
    "argsort", Kind.OPAQUE, shape=real_only("argsort", _argsort_shape), numpy=_argsort_np, vjp=lambda g, ans, x, *, axis: (None,),
    differentiable=(), samples=_argsort_samples, batch=shifted(lambda: argsort, "axis"),
    doc="indices that sort x along axis (stable; NaNs last, as numpy)"))


# -- searchsorted ---------------------------------------------------------------------------------------------
def _searchsorted_shape(a, v, *, right):
    if a.ndim != 1:
        raise ShapeError(f"searchsorted: the sorted array must be 1-D, got rank {a.ndim}")
    if a.dtype != v.dtype:
        raise TypeError(f"searchsorted: the sorted array is {a.dtype} and the values {v.dtype} (the wrappers "
                        f"convert both to one dtype)")
    return TensorType(np.int64, v.shape)


def _searchsorted_np(a, v, *, right):
    return np.asarray(np.searchsorted(np.asarray(a), np.asarray(v), side="right" if right else "left"), np.int64)


def _searchsorted_samples(rng):
    hay = np.array([-1.0, 0.0, 0.0, 2.0, np.nan, np.nan])
    needles = np.array([[-2.0, 0.0, 0.5], [2.0, np.nan, np.inf]])
    ints = np.array([1, 3, 3, 7])
    return [Sample(hay, needles, right=False), Sample(hay, needles, right=True),
            Sample(np.sort(rng.uniform(-1, 1, 9)), rng.uniform(-1.2, 1.2, (4,)), right=False),
            Sample(ints, np.array([0, 3, 8]), right=True), Sample(ints, np.array(3), right=False),
            Sample(np.zeros(0), np.array([1.0]), right=True)]


def _searchsorted_batch(args, batched, size, *, right):
    """v batched alone: one search, v's batch axis leads the result. a batched: each row of a counts, for each
    of its values, the elements that go before it (O(n) per value; a search per row is no primitive here)."""
    a, v = args
    if not batched[0]:
        return searchsorted(a, v, right=right)
    from .layout import reshape
    from .math import convert, isnan, logical_and, logical_not, logical_or, lt
    from .reduce import reduce_sum
    v = with_batch(v, batched[1], size)
    rest = tuple(v.shape[1:])
    ab = reshape(a, shape=(size,) + (1,) * len(rest) + (a.shape[1],))
    vb = reshape(v, shape=tuple(v.shape) + (1,))
    if right:       # NOTE: NaN sorts last: y goes before x unless x < y, or y is NaN and x is not
        before = logical_not(logical_or(lt(vb, ab), logical_and(isnan(ab), logical_not(isnan(vb)))))
    else:
        before = logical_or(lt(ab, vb), logical_and(isnan(vb), logical_not(isnan(ab))))
    return reduce_sum(convert(before, dtype=np.dtype(np.int64)), axes=(len(rest) + 1,))


searchsorted = register(Primitive(
    "searchsorted", Kind.OPAQUE, shape=real_only("searchsorted", _searchsorted_shape), numpy=_searchsorted_np,
    vjp=lambda g, ans, a, v, *, right: (None, None), differentiable=(), samples=_searchsorted_samples,
    batch=_searchsorted_batch,
    doc="how many of the sorted vector a are below each v (right: at most v); NaNs sort last, as numpy"))


# -- take_along / put_along_add -------------------------------------------------------------------------------
def _along_shape(x, idx, axis):
    if idx.dtype.kind not in "iu":
        raise TypeError(f"indices must be integers, got {idx.dtype}")
    if x.ndim != idx.ndim:
        raise ShapeError(f"indices of rank {idx.ndim} for an array of rank {x.ndim} (they must match)")
    _check_axis(x, axis)
    for i, (a, b) in enumerate(zip(x.shape, idx.shape)):
        if i != axis and is_known(a) and is_known(b) and a != b:
            raise ShapeError(f"indices of shape {idx.shape} do not match the array's shape {x.shape} outside "
                             f"axis {axis}")


def _take_along_shape(x, idx, *, axis):
    _along_shape(x, idx, axis)
    return TensorType(x.dtype, idx.shape)


def _check_bounds(idx, n, axis):
    if idx.size and (idx.max() >= n or idx.min() < -n):
        bad = idx.max() if idx.max() >= n else idx.min()
        raise IndexError(f"index {bad} is out of bounds for axis {axis} with size {n}")


def _grid(idx, axis):
    """Full index tuple addressing out[..., idx[...], ...]: open ranges on the other axes."""
    nd = idx.ndim
    return tuple(idx if i == axis else np.arange(d).reshape((-1,) + (1,) * (nd - i - 1))
                 for i, d in enumerate(idx.shape))


def _take_along_np(x, idx, *, axis):
    x, idx = np.asarray(x), np.asarray(idx)
    if x.ndim != idx.ndim or any(a != b for i, (a, b) in enumerate(zip(x.shape, idx.shape)) if i != axis):
        raise ValueError(f"indices of shape {idx.shape} do not match the array's shape {x.shape} outside axis {axis}")
    _check_bounds(idx, x.shape[axis], axis)
    return x[_grid(idx, axis)]


def _put_along_np(g, idx, *, axis, shape):
    g, idx = np.asarray(g), np.asarray(idx)
    _check_bounds(idx, shape[axis], axis)
    out = np.zeros(shape, dtype=g.dtype)
    np.add.at(out, _grid(idx, axis), g)
    return out


def _put_along_shape(g, idx, *, axis, shape):
    _along_shape(TensorType(g.dtype, shape), idx, axis)
    return TensorType(g.dtype, shape)


# (operand shape, indices, axis): a permutation, repeats (put_along_add must accumulate), negatives, empty.
_CASES = [((4,), [2, 0, 3, 1], 0), ((2, 3), [[2, 2, 0], [1, 0, 0]], 1), ((3, 2), [[0, 2], [-1, 1]], 0),
          ((1, 3), [[2, 1, 1]], 1), ((0, 3), np.zeros((0, 2), int), 1), ((2, 0), np.zeros((2, 0), int), 1)]

take_along = register(Primitive(
    "take_along", Kind.OPAQUE, shape=_take_along_shape, numpy=_take_along_np,
    vjp=lambda g, ans, x, idx, *, axis: (put_along_add(g, idx, axis=axis, shape=x.shape), None),
    jvp=LINEAR, differentiable=(0,), batch=shifted(lambda: take_along, "axis"),
    samples=lambda rng: [Sample(rng.normal(size=s), np.array(i, dtype=np.int64), axis=a) for s, i, a in _CASES],
    doc="out[..., i, ...] = x[..., idx[..., i, ...], ...] along axis (numpy's take_along_axis)"))

put_along_add = register(Primitive(
    "put_along_add", Kind.OPAQUE, shape=_put_along_shape, numpy=_put_along_np,
    vjp=lambda g, ans, u, idx, *, axis, shape: (take_along(g, idx, axis=axis), None),
    jvp=LINEAR, differentiable=(0,), batch=shifted(lambda: put_along_add, "axis", extend=("shape",)),
    samples=lambda rng: [Sample(rng.normal(size=np.shape(i)), np.array(i, dtype=np.int64), axis=a, shape=s)
                         for s, i, a in _CASES],
    doc="zeros of `shape` with g added at idx along axis (repeats accumulate): the transpose of take_along"))
