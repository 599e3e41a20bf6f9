"""Integer-array indexing: ``take`` (gather along one axis) and its transpose ``scatter_add``, which adds
repeated indices' cotangents together. Out-of-range indices raise IndexError in every backend.
Imports core only."""

import numpy as np

from ..core.types import TensorType
from ..core.primitive import Primitive, Kind, LINEAR, register


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


take = register(Primitive(
    "take", Kind.OPAQUE, shape=_take_shape, numpy=_take_np,
    vjp=lambda g, ans, x, idx, *, axis: (scatter_add(g, idx, axis=axis, shape=x.shape), None),
    jvp=LINEAR, differentiable=(0,)))

scatter_add = register(Primitive(
    "scatter_add", Kind.OPAQUE,
    shape=lambda g, idx, *, axis, shape: TensorType(g.dtype, shape),
    numpy=_scatter_np,
    vjp=lambda g, ans, u, idx, *, axis, shape: (take(g, idx, axis=axis), None),
    jvp=LINEAR, differentiable=(0,),
    doc="zeros of `shape` with g added at idx along axis (repeated indices accumulate)"))
