"""Scans along one axis: ``cumsum``, ``cumprod`` and ``linear_recurrence`` (h[i] = a[i] * h[i-1] + b[i]), the
op the products' derivatives are written in.

Why a recurrence primitive: the textbook cumprod gradient, reverse_cumsum(g * ans) / x, divides by x and so
is NaN wherever x has a zero. Written as a linear recurrence it needs no division, is exact at zeros, and its
own VJP/JVP are recurrences again, so every derivative order stays exact.
All three are OPAQUE (a backend without a lowering calls the ``numpy`` rule). ``reverse=True`` scans from the
last element to the first. Imports core and ops only.
"""

import numpy as np

from ..core.graph import const
from ..core.types import TensorType, is_known
from ..core.errors import ShapeError
from ..core.primitive import Primitive, Kind, LINEAR, register
from ._rules import same_dims, Sample
from ._batch import shifted
from .layout import slice_, slice_grad, broadcast_to


def _accumulator_dtype(dt):
    """numpy's cumsum/cumprod widen bool and small integers to the platform integer (as np.sum does)."""
    if dt.kind == "b":
        return np.dtype("int64")
    if dt.kind in "iu" and dt.itemsize < 8:
        return np.dtype("int64") if dt.kind == "i" else np.dtype("uint64")
    return dt


def _check_axis(x, axis):
    if not 0 <= axis < x.ndim:
        raise ValueError(f"axis {axis} is out of range for rank {x.ndim} (wrappers normalise negative axes)")


def _scan_shape(x, *, axis, reverse):
    _check_axis(x, axis)
    return TensorType(_accumulator_dtype(x.dtype), x.shape)


def _along(fn, x, axis, reverse):
    """Run a forward numpy scan, flipping around it for a reverse one."""
    if not reverse:
        return fn(x, axis=axis)
    return np.flip(fn(np.flip(x, axis), axis=axis), axis)


_SCAN_CASES = [((4,), 0, False), ((4,), 0, True), ((2, 3), 1, False), ((3, 2), 0, True), ((1, 3), 0, False),
               ((2, 1), 1, True), ((0, 2), 0, False), ((2, 0), 1, True)]


def _scan_samples(rng):
    return [Sample(rng.uniform(-2, 2, size=s), axis=a, reverse=r) for s, a, r in _SCAN_CASES]


# -- shifting by one step along an axis -------------------------------------------------------------------
def shift(x, axis, toward_end=True):
    """x moved one step along ``axis`` with a zero entering: out[i] = x[i-1] (``toward_end``) or x[i+1].

    Built from slice and its transpose slice_grad, so the result keeps x's type exactly (symbolic sizes
    included) and a length-0 or length-1 axis needs no special case."""
    keep = (None, -1, None) if toward_end else (1, None, None)
    put = (1, None, None) if toward_end else (None, -1, None)
    full = (None, None, None)
    body = slice_(x, index=tuple(keep if i == axis else full for i in range(x.ndim)))
    return slice_grad(body, shape=x.shape, index=tuple(put if i == axis else full for i in range(x.ndim)))


def exclusive(h, axis, reverse, fill):
    """The running value *before* each position: h[i-1] (h[i+1] when reverse), ``fill`` at the start."""
    out = shift(h, axis, toward_end=not reverse)
    if fill == 0:
        return out
    ones = broadcast_to(const(np.ones((), dtype=h.dtype)), shape=h.shape)
    first = 1 - shift(ones, axis, toward_end=not reverse)  # 1 at the scan's first position, 0 elsewhere
    return out + first * fill


# -- cumsum ----------------------------------------------------------------------------------------------
cumsum = register(Primitive(
    "cumsum", Kind.OPAQUE, shape=_scan_shape, batch=shifted(lambda: cumsum, "axis"),
    numpy=lambda x, *, axis, reverse: _along(np.cumsum, np.asarray(x), axis, reverse),
    vjp=lambda g, ans, x, *, axis, reverse: (cumsum(g, axis=axis, reverse=not reverse),),
    jvp=LINEAR, samples=_scan_samples,
    doc="running sum along axis (from the end when reverse); its transpose is the reverse running sum"))


def positions(n):
    """0, 1, ..., n - 1 (int64) for a size n, symbolic ones included: of that very size (a running count of
    ones), where np.arange would need a concrete one."""
    from .math import sub
    ones = broadcast_to(const(np.ones((), np.int64)), shape=(n,))
    return sub(cumsum(ones, axis=0, reverse=False), const(np.int64(1)))


# -- linear_recurrence -----------------------------------------------------------------------------------
def _linrec_shape(a, b, *, axis, reverse):
    # NOTE: two different symbolic sizes may still be equal; the numpy rule checks them when they bind.
    if a.ndim != b.ndim or any(is_known(x) and is_known(y) and x != y for x, y in zip(a.shape, b.shape)):
        raise ShapeError(f"linear_recurrence needs operands of one shape, got {a!r} and {b!r}")
    _check_axis(b, axis)
    shape = tuple(y if is_known(y) or not is_known(x) else x for x, y in zip(a.shape, b.shape))
    return TensorType(_linrec_dtype(a.dtype, b.dtype), shape)


def _linrec_dtype(da, db):
    dt = np.promote_types(da, db)
    return dt if dt.kind in "fc" else np.dtype("float64")


def _linrec_np(a, b, *, axis, reverse):
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        raise ValueError(f"linear_recurrence needs operands of one shape, got {a.shape} and {b.shape}")
    dt = _linrec_dtype(a.dtype, b.dtype)
    a, b = np.moveaxis(a, axis, 0), np.moveaxis(b, axis, 0)
    out = np.empty(b.shape, dtype=dt)
    order = range(b.shape[0] - 1, -1, -1) if reverse else range(b.shape[0])
    acc = None
    with np.errstate(all="ignore"):
        for i in order:
            # NOTE: the first step is b alone (h[-1] = 0), so a's first entry never multiplies anything and an
            # inf there cannot turn 0 * inf into NaN.
            acc = b[i].astype(dt) if acc is None else a[i] * acc + b[i]
            out[i] = acc
    return np.moveaxis(out, 0, axis)


def _linrec_vjp(g, h, a, b, *, axis, reverse):
    # h[i] = a[i] h[i-1] + b[i]  =>  the adjoint runs the other way: lam[i] = g[i] + a[i+1] lam[i+1].
    lam = linear_recurrence(shift(a, axis, toward_end=reverse), g, axis=axis, reverse=not reverse)
    return lam * exclusive(h, axis, reverse, 0), lam


def _linrec_jvp(tangents, h, a, b, *, axis, reverse):
    ta, tb = tangents
    drive = None
    if ta is not None:
        drive = ta * exclusive(h, axis, reverse, 0)
    if tb is not None:
        drive = tb if drive is None else drive + tb
    if drive.ndim != h.ndim or not same_dims(drive.shape, h.shape):
        drive = broadcast_to(drive, shape=h.shape)
    return linear_recurrence(a, drive, axis=axis, reverse=reverse)


def _linrec_samples(rng):
    return [Sample(rng.uniform(-1.5, 1.5, size=s), rng.uniform(-2, 2, size=s), axis=a, reverse=r)
            for s, a, r in _SCAN_CASES]


linear_recurrence = register(Primitive(
    "linear_recurrence", Kind.OPAQUE, shape=_linrec_shape, numpy=_linrec_np,
    batch=shifted(lambda: linear_recurrence, "axis"),
    vjp=_linrec_vjp, jvp=_linrec_jvp, samples=_linrec_samples,
    doc="h[i] = a[i] * h[i-1] + b[i] along axis with h[-1] = 0 (a's first entry is unused); reverse runs "
        "from the last index down"))


# -- cumprod ---------------------------------------------------------------------------------------------
def _cumprod_vjp(g, ans, x, *, axis, reverse):
    # d ans[k] / d x[i] = prod of x[j], j <= k, j != i = (prod_{j<i} x[j]) * (prod_{i<j<=k} x[j]); summing
    # g[k] times the second factor over k >= i is a reverse recurrence, the first factor is the exclusive scan.
    lam = linear_recurrence(shift(x, axis, toward_end=reverse), g, axis=axis, reverse=not reverse)
    return (lam * exclusive(ans, axis, reverse, 1),)


def _cumprod_jvp(tangents, ans, x, *, axis, reverse):
    (t,) = tangents
    return linear_recurrence(x, t * exclusive(ans, axis, reverse, 1), axis=axis, reverse=reverse)


cumprod = register(Primitive(
    "cumprod", Kind.OPAQUE, shape=_scan_shape, batch=shifted(lambda: cumprod, "axis"),
    numpy=lambda x, *, axis, reverse: _along(np.cumprod, np.asarray(x), axis, reverse),
    vjp=_cumprod_vjp, jvp=_cumprod_jvp, samples=_scan_samples,
    doc="running product along axis; derivatives are recurrences, exact where x has zeros"))
