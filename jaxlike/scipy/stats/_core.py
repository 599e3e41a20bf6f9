"""The sample statistics of ``jax.scipy.stats``: ``sem`` (standard error of the mean, ``nan_policy``
"propagate" or "omit"), ``mode`` (most frequent value along an axis, the smallest among ties, and its count)
and ``rankdata`` (ranks from 1, ties by "average", "min", "max", "dense" or "ordinal"; all NaN where the
data hold a NaN, as scipy's "propagate"). As in JAX, ``mode`` and ``rankdata`` support only
``nan_policy="propagate"`` and ``rankdata`` returns floats for every method.

``mode`` and ``rankdata`` work on the sorted data: equal values are runs, and the first and last position
of each element's run come from running maxima/minima of the run starts/ends, so no data-dependent shapes
arise while tracing (NaNs count as equal to each other, as JAX's ``unique``). Ranks have no derivative.
A front-end module: imports jaxlike.numpy and jaxlike.lax."""

from typing import NamedTuple

import numpy as np

from ... import numpy as jnp
from ... import lax
from ...numpy._base import asarray_or_var, ndim, shape


class ModeResult(NamedTuple):
    mode: object
    count: object


def _axis(axis, nd, fname):
    if axis is None:
        return None
    if not -nd <= axis < nd:
        raise ValueError(f"{fname}: axis {axis} out of range for an array of rank {nd}")
    return axis % nd


def _check_nan_policy(nan_policy, allowed, fname):
    if nan_policy not in ("propagate", "omit", "raise"):
        raise ValueError(f"{fname}: illegal nan_policy value {nan_policy!r}; expected one of "
                         "{'propagate', 'omit', 'raise'}")
    if nan_policy not in allowed:
        raise NotImplementedError(f"{fname}: nan_policy={nan_policy!r} is not supported (as in JAX); check for "
                                  "NaNs outside the function")


def sem(a, axis=0, ddof=1, nan_policy="propagate", *, keepdims=False):
    """The standard error of the mean along ``axis`` (all axes for None): the ``ddof``-corrected standard
    deviation over the square root of the count (of the non-NaN values, with ``nan_policy="omit"``)."""
    _check_nan_policy(nan_policy, ("propagate", "omit"), "sem")
    a = asarray_or_var(a)
    if np.dtype(jnp.result_type(a)).kind not in "fc":
        a = jnp.asarray(a, dtype=np.float64)
    axis = _axis(axis, ndim(a), "sem")
    dt = np.dtype(jnp.result_type(a))
    if nan_policy == "propagate":
        sizes = tuple(int(s) for s in shape(a))
        count = int(np.prod(sizes)) if axis is None else sizes[axis]
        with np.errstate(divide="ignore", invalid="ignore"):
            return jnp.std(a, axis=axis, ddof=ddof, keepdims=keepdims) / dt.type(np.sqrt(count))
    count = jnp.sum(~jnp.isnan(a), axis=axis, keepdims=keepdims)
    with np.errstate(divide="ignore", invalid="ignore"):
        return jnp.nanstd(a, axis=axis, ddof=ddof, keepdims=keepdims) / jnp.asarray(jnp.sqrt(count), dtype=dt)


def _runs(sorted_x):
    """For data sorted along the last axis: each position's run start and run end (inclusive), as indices."""
    n = int(shape(sorted_x)[-1])
    left, right = sorted_x[..., 1:], sorted_x[..., :-1]
    differs = (left != right) & ~(jnp.isnan(left) & jnp.isnan(right))
    true = jnp.ones(tuple(int(s) for s in shape(sorted_x)[:-1]) + (1,), dtype=bool)
    starts = jnp.concatenate([true, differs], axis=-1)
    ends = jnp.concatenate([differs, true], axis=-1)
    pos = np.arange(n)
    last_axis = ndim(sorted_x) - 1
    first = lax.cummax(jnp.where(starts, pos, 0), axis=last_axis)
    last = lax.cummin(jnp.where(ends, pos, n), axis=last_axis, reverse=True)
    return first, last, starts


def mode(a, axis=0, nan_policy="propagate", keepdims=False):
    """The most frequent value along ``axis`` (the flattened data for None), the smallest of the tied
    ones, and how often it occurs: ``ModeResult(mode, count)``."""
    _check_nan_policy(nan_policy, ("propagate",), "mode")
    x = jnp.atleast_1d(asarray_or_var(a))
    nd = ndim(x)
    axis = _axis(axis, nd, "mode")
    sizes = tuple(int(s) for s in shape(x))
    if axis is None:
        out_shape = (1,) * nd if keepdims else ()
        x, axis = jnp.reshape(x, (-1, 1)), 0
    else:
        out_shape = tuple(1 if i == axis else s for i, s in enumerate(sizes)) if keepdims else \
            tuple(s for i, s in enumerate(sizes) if i != axis)
    x = jnp.moveaxis(x, axis, -1)
    if int(shape(x)[-1]) == 0:
        return ModeResult(jnp.full(out_shape, np.nan), jnp.zeros(out_shape, dtype=np.int64))
    s = jnp.sort(x, axis=-1)
    first, last, _ = _runs(s)
    counts = last - first + 1
    # NOTE: argmax takes the first of the largest counts, which in sorted data is the smallest value
    best = jnp.argmax(counts, axis=-1, keepdims=True)
    values = jnp.take_along_axis(s, best, axis=-1)
    count = jnp.max(counts, axis=-1, keepdims=True)
    return ModeResult(jnp.reshape(values, out_shape), jnp.reshape(count, out_shape))


_METHODS = ("average", "min", "max", "dense", "ordinal")


def rankdata(a, method="average", *, axis=None, nan_policy="propagate"):
    """The ranks of ``a`` (from 1) along ``axis``, or of the flattened data for None, as floats; tied values
    share a rank chosen by ``method``; a slice that holds a NaN is all NaN."""
    _check_nan_policy(nan_policy, ("propagate",), "rankdata")
    if method not in _METHODS:
        raise ValueError(f"rankdata: unknown method {method!r}; expected one of {_METHODS}")
    x = asarray_or_var(a)
    if axis is None:
        x, axis = jnp.ravel(x), 0
    elif ndim(x) == 0:
        raise ValueError("rankdata: a must have at least one dimension when axis is given")
    axis = _axis(axis, ndim(x), "rankdata")
    x = jnp.moveaxis(x, axis, -1)
    n = int(shape(x)[-1])
    if n == 0:
        return jnp.moveaxis(jnp.asarray(x, dtype=np.float64), -1, axis)
    order = jnp.argsort(x, axis=-1, stable=True)
    s = jnp.take_along_axis(x, order, axis=-1)
    if method == "ordinal":
        ranks = jnp.broadcast_to(np.arange(1.0, n + 1), tuple(int(v) for v in shape(s)))
    else:
        first, last, starts = _runs(s)
        if method == "min":
            ranks = first + 1.0
        elif method == "max":
            ranks = last + 1.0
        elif method == "average":
            ranks = (first + last) * 0.5 + 1.0
        else:
            ranks = jnp.asarray(jnp.cumsum(starts, axis=-1), dtype=np.float64)
    # NOTE: ranks are in sorted order; the inverse permutation puts them back where their values were
    ranks = jnp.take_along_axis(ranks, jnp.argsort(order, axis=-1), axis=-1)
    if np.dtype(jnp.result_type(x)).kind in "fc":
        ranks = jnp.where(jnp.any(jnp.isnan(x), axis=-1, keepdims=True), np.nan, ranks)
    return jnp.moveaxis(ranks, -1, axis)
