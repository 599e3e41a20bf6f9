"""Weighted quantiles of traced arrays (quantile, percentile and the nan-skipping pair): numpy's
``method="inverted_cdf"`` with ``weights``, its only weighted method. Each slice is sorted with its weights, the
weights' running sum normalized into a CDF, and the result is the first element whose CDF reaches q: the count
of CDF values below q (leading zero weights count as -1, so q = 0 skips elements of weight 0, as numpy). Used
by ``_statistics``' quantile family; imports the numpy front end's pieces only.
"""

import numpy as np

from ..ops._rules import normalize_axes
from ._base import asarray_or_var, ndim, shape, dtype_of
from . import _elementwise as E
from . import _more_elementwise as ME
from . import _more_reductions as MR
from . import _more_shape as MS
from . import _reductions as R
from . import _shape as S


def weighted_quantile(fname, a, q, axis, method, keepdims, weights, skip_nan=False):
    """``fname``'s weighted quantiles of ``a`` at ``q`` (already in [0, 1]) along ``axis`` (None, an int or a
    tuple; the reduced axes are merged into one): differentiable in ``a`` through the elements chosen; NaN for a
    slice holding NaN (``skip_nan``: whose values are all NaN; NaNs then weigh nothing) or whose weights sum to
    NaN, inf or zero (where numpy raises, on values a trace cannot see)."""
    if method != "inverted_cdf":
        raise ValueError(f"{fname}: only method 'inverted_cdf' supports weights (numpy's rule), got {method!r}")
    w = asarray_or_var(weights)
    full = tuple(shape(a))
    axes = normalize_axes(axis, ndim(a))
    if ndim(w) == 1 and len(axes) == 1 and ndim(a) > 1:
        w = S.reshape(w, tuple(-1 if i == axes[0] else 1 for i in range(ndim(a))))
    elif ndim(w) != ndim(a):
        raise ValueError(f"{fname}: weights must have a's shape {full} or be 1-d along one axis, got {shape(w)}")
    kept = [i for i in range(ndim(a)) if i not in axes]
    kept_shape = tuple(full[i] for i in kept)
    x, wx = (S.reshape(S.transpose(v, kept + list(axes)), kept_shape + (-1,)) for v in (a, S.broadcast_to(w, full)))
    if skip_nan and dtype_of(x).kind == "f":
        wx = E.where(E.isnan(x), 0, wx)
    order = MS.argsort(x, axis=-1)
    ordered = MS.take_along_axis(x, order, axis=-1)
    cdf = MR.cumsum(E.astype(MS.take_along_axis(wx, order, axis=-1), np.float64), axis=-1)
    total = cdf[..., -1:]
    cdf = cdf / total
    q_arr = asarray_or_var(q)
    if dtype_of(q_arr).kind == "f":
        cdf = E.astype(cdf, dtype_of(q_arr))  # NOTE: numpy compares in q's float type (0.4 is not exact)
    cdf = E.where(E.equal(cdf, 0), -1.0, cdf)
    qs = S.reshape(q_arr, (-1,))
    below = E.less(S.expand_dims(cdf, -2), S.reshape(qs, (-1, 1)))          # (..., q, n)
    n = shape(x)[-1]
    idx = E.minimum(R.sum(E.astype(below, np.int64), axis=-1), n - 1)        # (..., q)
    res = MS.take_along_axis(ordered, idx, axis=-1)
    if dtype_of(res).kind == "f":
        bad = E.logical_not(E.logical_and(ME.isfinite(total), E.greater(total, 0)))
        if not skip_nan:
            bad = E.logical_or(R.any(E.isnan(x), axis=-1, keepdims=True), bad)
        res = E.where(bad, np.nan, res)
    rest = tuple(1 if i in axes else d for i, d in enumerate(full)) if keepdims else kept_shape
    return S.reshape(S.moveaxis(res, -1, 0), tuple(shape(q_arr)) + rest)
