"""Integer-array indexing: ``take`` (gather along one axis) and its transpose ``scatter_add``, which adds
repeated indices' cotangents together. Out-of-range indices raise IndexError in every backend.
Imports core only."""

import numpy as np

from ..core.types import TensorType
from ..core.primitive import Primitive, Kind, LINEAR, register
from ._rules import Sample


def _take_shape(x, idx, *, axis):
    if idx.dtype.kind not in "iu":
        raise TypeError(f"indices must be integers, got {idx.dtype}")
    return TensorType(x.dtype, x.shape[:axis] + idx.shape + x.shape[axis + 1:])


def _take_np(x, idx, *, axis):
    x = np.asarray(x)
    n = x.shape[axis]
    idx = np.asarray(idx)
    if idx.size and (idx.max() >= n or idx.min() < -n):
        bad = idx.max() if idx.max() >= n else idx.min()
        raise IndexError(f"index {bad} is out of bounds for axis {axis} with size {n}")
    return np.take(x, idx, axis=axis)


def _scatter_np(g, idx, *, axis, shape):
    g = np.asarray(g)
    out = np.zeros(shape, dtype=g.dtype)
    idx = np.asarray(idx)
    n = shape[axis]
    if idx.size and (idx.max() >= n or idx.min() < -n):
        raise IndexError(f"index out of bounds for axis {axis} with size {n}")
    np.add.at(out, (slice(None),) * axis + (idx,), g)
    return out


# (operand shape, indices, index dtype, axis): repeats (scatter_add must accumulate), negatives, empty.
_CASES = [((4, 3), [0, 3, 1, 1], "i8", 0), ((2, 5), [[4, 0], [2, 2]], "i4", 1), ((4,), [-1, 0], "i8", 0),
          ((3, 2), [], "i8", 0), ((0, 3), [2, 0], "u1", 1), ((5,), 3, "i8", 0), ((1, 3), [0, 0, -1], "i8", 0),
          ((4, 1), [2], "i8", 0)]

take = register(Primitive(
    "take", Kind.OPAQUE, shape=_take_shape, numpy=_take_np,
    vjp=lambda g, ans, x, idx, *, axis: (scatter_add(g, idx, axis=axis, shape=x.shape), None),
    jvp=LINEAR, differentiable=(0,),
    samples=lambda rng: [Sample(rng.normal(size=s), np.array(i, dtype=d), axis=a) for s, i, d, a in _CASES]))

scatter_add = register(Primitive(
    "scatter_add", Kind.OPAQUE,
    shape=lambda g, idx, *, axis, shape: TensorType(g.dtype, shape),
    numpy=_scatter_np,
    vjp=lambda g, ans, u, idx, *, axis, shape: (take(g, idx, axis=axis), None),
    jvp=LINEAR, differentiable=(0,),
    samples=lambda rng: [Sample(rng.normal(size=s[:a] + np.shape(i) + s[a + 1:]), np.array(i, dtype=d),
                                axis=a, shape=s) for s, i, d, a in _CASES],
    doc="zeros of `shape` with g added at idx along axis (repeated indices accumulate)"))
