"""Integer-array indexing: ``take`` (gather along one axis) and its transpose ``scatter_add``, which adds
repeated indices' cotangents together. Out-of-range indices raise IndexError in every backend.
Imports core only."""

import numpy as np

from ..core.types import TensorType, Sym
from ..core.primitive import Primitive, Kind, LINEAR, register
from ._rules import Sample
from ._batch import with_batch
from .layout import reshape, broadcast_to, expand_back


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

def _along_form(x_shape, idx, axis, size):
    """Batched indices for ``take_along``: ``idx`` (batch axis first) broadcast to the gathered shape
    (batch, *pre, *index dims, *post) and the position of the gathered axis, for an operand of per-example
    shape ``x_shape`` gathered along ``axis``."""
    pre, post, k = tuple(x_shape[:axis]), tuple(x_shape[axis + 1:]), idx.ndim - 1
    ishape = tuple(idx.shape[1:]) or (1,)
    idx = reshape(idx, shape=(size,) + ishape) if k == 0 else idx
    idx = expand_back(idx, tuple(range(1, 1 + len(pre))) + tuple(range(1 + len(pre) + len(ishape),
                                                                        1 + len(pre) + len(ishape) + len(post))),
                      1 + len(pre) + len(ishape) + len(post))
    return broadcast_to(idx, shape=(size,) + pre + ishape + post), 1 + len(pre), pre, ishape, post


def _take_batch(args, batched, size, *, axis):
    from .sort import take_along
    x, idx = args
    if not batched[1]:
        return take(x, idx, axis=axis + 1)
    # NOTE: batched indices gather with take_along, which pairs each batch's indices with its own operand
    x = with_batch(x, batched[0], size)
    idx_b, a, pre, ishape, post = _along_form(x.shape[1:], idx, axis, size)
    extra = ishape[1:]
    xe = expand_back(x, tuple(range(a + 1, a + 1 + len(extra))), x.ndim + len(extra))
    xe = broadcast_to(xe, shape=(size,) + pre + (x.shape[a],) + extra + post)
    out = take_along(xe, idx_b, axis=a)
    return reshape(out, shape=(size,) + pre + post) if idx.ndim == 1 else out


def _scatter_batch(args, batched, size, *, axis, shape):
    from .sort import put_along_add
    from .reduce import reduce_sum
    g, idx = args
    if not batched[1]:
        return scatter_add(g, idx, axis=axis + 1, shape=(size,) + tuple(shape))
    g = with_batch(g, batched[0], size)
    idx_b, a, pre, ishape, post = _along_form(shape, idx, axis, size)
    if idx.ndim == 1:
        g = reshape(g, shape=idx_b.shape)
    extra = ishape[1:]
    full = (size,) + pre + (shape[axis],) + extra + post
    out = put_along_add(g, idx_b, axis=a, shape=full)
    return reduce_sum(out, axes=tuple(range(a + 1, a + 1 + len(extra)))) if extra else out


take = register(Primitive(
    "take", Kind.OPAQUE, shape=_take_shape, numpy=_take_np,
    vjp=lambda g, ans, x, idx, *, axis: (scatter_add(g, idx, axis=axis, shape=x.shape), None),
    jvp=LINEAR, differentiable=(0,), batch=_take_batch,
    samples=lambda rng: [Sample(rng.normal(size=s), np.array(i, dtype=d), axis=a) for s, i, d, a in _CASES]))

scatter_add = register(Primitive(
    "scatter_add", Kind.OPAQUE,
    shape=lambda g, idx, *, axis, shape: TensorType(g.dtype, shape),
    numpy=_scatter_np,
    vjp=lambda g, ans, u, idx, *, axis, shape: (take(g, idx, axis=axis), None),
    jvp=LINEAR, differentiable=(0,),
    batch=_scatter_batch,
    samples=lambda rng: [Sample(rng.normal(size=s[:a] + np.shape(i) + s[a + 1:]), np.array(i, dtype=d),
                                axis=a, shape=s) for s, i, d, a in _CASES],
    doc="zeros of `shape` with g added at idx along axis (repeated indices accumulate)"))


# -- a range whose length is a computed value ------------------------------------------------------------------
def _iota_shape(count):
    if count.ndim != 0 or count.dtype.kind not in "iu":
        raise TypeError(f"iota counts with an integer scalar, got {count.type!r}")
    return TensorType(np.int64, (Sym(),))   # NOTE: a size known only when the count is computed


iota = register(Primitive(
    "iota", Kind.OPAQUE, shape=_iota_shape,
    numpy=lambda count: np.arange(max(int(count), 0), dtype=np.int64),
    vjp=None, differentiable=(),
    samples=lambda rng: [Sample(np.int64(n)) for n in (0, 1, 5)],
    doc="0, 1, ..., count - 1 for an integer scalar count computed in the graph (a slice of x[i * b:(i + 1) * b] "
        "takes these positions); its length is a size bound when the count is known"))
