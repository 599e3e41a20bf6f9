"""Statistics: median/percentile/quantile (and nan-skipping forms), nanmax/nanmin/nanargmax/nanargmin,
nanvar/nanstd, count_nonzero, cov, corrcoef, trapezoid, histogram, bincount, digitize, searchsorted, interp.

Plain arrays go straight to numpy. Traced values compose existing wrappers: a quantile sorts the reduced axes
(merged, moved last) and gathers at positions computed from each slice's count (per slice for the nan forms,
so no shape depends on how many NaNs there are); searchsorted, under histogram, digitize and interp, stably sorts
needles and haystack together. Derivatives follow the gathered and interpolated values. Where numpy's output
shape depends on the data, traced input follows JAX: bincount needs ``length=``, histogram an int or edges.
"""

import operator

import numpy as np

from ..core.types import is_known
from ..ops import index as I
from ..ops.reduce import count
from ..ops.sort import searchsorted as _searchsorted
from ..ops._rules import normalize_axes, normalize_axis
from ._base import asarray_or_var, as_var, is_traced, ndim, shape, dtype_of, from_parts
from . import _elementwise as E
from . import _more_elementwise as ME
from . import _more_reductions as MR
from . import _more_shape as MS
from ._diagonals import diagonal as _diagonal
from . import _reductions as R
from . import _shape as S
from ._complex import conj, real, imag
from ._creation import linspace, ones_like, zeros_like
from ._weighted_quantile import weighted_quantile

__all__ = ["median", "percentile", "quantile", "nanmedian", "nanpercentile", "nanquantile", "nanmax", "nanmin",
           "nanargmax", "nanargmin", "nanvar", "nanstd", "count_nonzero", "cov", "corrcoef", "trapezoid",
           "histogram", "bincount", "digitize", "searchsorted", "interp"]

_NO_VALUE = np._NoValue
astype = E.astype


def _no_out(out, fname):
    if out is not None:
        raise TypeError(f"{fname}: out= is not supported (traced arrays are immutable); use the return value")


def _given(**kwargs):  # the optional keywords passed: numpy tells 'not given' from None
    return {k: v for k, v in kwargs.items() if v is not _NO_VALUE}


def _sizes(a):
    # NOTE: two symbolic sizes may or may not be equal: reading them as ints makes compile() specialize.
    return tuple(int(d) for d in shape(a))


def _real_only(fname, a):
    if dtype_of(a).kind == "c":
        raise TypeError(f"{fname}: a must be an array of real numbers, got dtype {dtype_of(a)}")


def _named(fn, name, npfn, doc):
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"numpy's ``{npfn.__name__}``: {doc}"
    return fn


# -- quantiles ---------------------------------------------------------------------------------------------------
# Hyndman & Fan's continuous methods: virtual index n*q + alpha + q*(1 - alpha - beta) - 1 (numpy's table).
_CONTINUOUS = {"interpolated_inverted_cdf": (0.0, 1.0), "hazen": (0.5, 0.5), "weibull": (0.0, 0.0),
               "linear": (1.0, 1.0), "median_unbiased": (1 / 3.0, 1 / 3.0), "normal_unbiased": (3 / 8.0, 3 / 8.0)}
_DISCRETE = ("inverted_cdf", "closest_observation", "lower", "higher", "nearest")
_METHODS = (*_DISCRETE, "averaged_inverted_cdf", "midpoint", *_CONTINUOUS)


def _positions(method, n, q):
    """(previous index, next index, weight of the next or None) in a sorted slice of ``n`` (an int, or int64 per
    slice) values for float64 quantiles ``q``, by numpy's formulas so every method picks numpy's elements."""
    if method in ("lower", "higher", "nearest"):
        idx = {"lower": E.floor, "higher": E.ceil, "nearest": ME.rint}[method]((n - 1) * q)
        return idx, idx, None
    if method in ("inverted_cdf", "closest_observation"):
        v = n * q - (1.0 if method == "inverted_cdf" else 1.5)
        prev = E.floor(v)
        # at a tie inverted_cdf takes the lower; closest_observation the even order statistic (1-based)
        odd = E.equal(E.mod(prev, 2.0), 1.0) if method == "closest_observation" else True
        idx = E.where(E.logical_and(E.equal(v, prev), odd), prev, prev + 1)
        return idx, idx, None
    alpha, beta = _CONTINUOUS.get(method, (1.0, 1.0))
    # NOTE: numpy writes linear as (n - 1) * q, which rounds differently from the general formula.
    v = (n - 1) * q if method in ("linear", "midpoint") else n * q - 1 if method == "averaged_inverted_cdf" \
        else n * q + (alpha + q * (1 - alpha - beta)) - 1
    if method == "midpoint":
        v = 0.5 * (E.floor(v) + E.ceil(v))
    prev = E.floor(v)
    gamma = E.where(E.equal(v, prev), 0.0, 0.5) if method == "midpoint" else \
        E.where(E.equal(v, prev), 0.5, 1.0) if method == "averaged_inverted_cdf" else v - prev
    # Beyond either end both neighbours are the end element (numpy's _get_indexes).
    gamma = E.where(E.logical_or(E.greater_equal(v, n - 1), E.less(v, 0)), 0.0, gamma)
    return prev, prev + 1, gamma


def _sorted_slices(a, axis, skip_nan):
    """``a``'s reduced axes merged into a last one and sorted (NaNs last); the count per slice (an int, or the
    non-NaNs); the slices giving NaN, or None; a function laying out a kept + (k,) result (q's axes first)."""
    axes = normalize_axes(axis, ndim(a))
    kept = [i for i in range(ndim(a)) if i not in axes]
    x, kept_shape = S.transpose(a, kept + list(axes)), tuple(shape(a)[i] for i in kept)
    x = x if len(axes) == 1 else S.reshape(x, kept_shape + (-1,))
    floating = dtype_of(x).kind == "f"
    if skip_nan and floating:
        n = R.sum(astype(E.logical_not(E.isnan(x)), np.int64), axis=-1, keepdims=True)
        nan_out = E.equal(n, 0)
    else:
        d = shape(x)[-1]
        n = d if is_known(d) else count(x, (len(kept),), np.int64)
        nan_out = E.greater(R.sum(astype(E.isnan(x), np.int64), axis=-1, keepdims=True), 0) if floating else \
            None if is_known(d) and d > 0 else E.equal(n, 0)  # an empty int slice's median is NaN too

    def finish(res, q_shape, keepdims):
        rest = tuple(1 if i in axes else d for i, d in enumerate(shape(a))) if keepdims else kept_shape
        return S.reshape(S.moveaxis(res, -1, 0), tuple(q_shape) + rest)
    # NOTE: one padding element, never gathered from a non-empty slice, makes an empty one read NaN (numpy)
    pad = S.broadcast_to(as_var(np.array(np.nan if floating else 0, dtype_of(x))), kept_shape + (1,))
    return S.concatenate([MS.sort(x, axis=-1), pad], axis=-1), n, nan_out, finish


def _gather(ordered, idx, n):
    # NOTE: clipped to the slice's own count, so a nan-skipping slice never reaches its NaNs (sorted last).
    idx = astype(E.maximum(E.minimum(idx, n - 1), 0), np.int64)
    if ndim(idx) != ndim(ordered):
        idx = S.reshape(idx, (1,) * (ndim(ordered) - 1) + (-1,))
    return MS.take_along_axis(ordered, idx, axis=-1)


def _value_dtype(a):
    return dtype_of(a) if dtype_of(a).kind == "f" else np.dtype(np.float64)


def _quantile(fname, a, q, axis, method, keepdims, skip_nan, weak_q):
    if method not in _METHODS:
        raise ValueError(f"{fname}: {method!r} is not a valid method. Use one of: {', '.join(_METHODS)}")
    _real_only(fname, a)
    if ndim(q) > 2:
        raise ValueError(f"{fname}: q must be a scalar or 1d, got shape {shape(q)}")
    # numpy takes the elements themselves (keeping an integer dtype) for the discrete methods, and for linear
    # when q is integral (then q is 0 or 1).
    integral = method == "linear" and dtype_of(q).kind in "iub"
    value_dt = _value_dtype(a)
    out_dt = dtype_of(a) if method in _DISCRETE or integral else \
        (value_dt if weak_q else np.result_type(value_dt, dtype_of(q)))
    ordered, n, nan_out, finish = _sorted_slices(a, axis, skip_nan)
    qf = S.reshape(astype(q, np.float64), (-1,))
    prev, nxt, gamma = _positions("lower" if integral else method, n, qf)
    res = _gather(ordered, prev, n)
    if gamma is not None:
        lo, hi = astype(res, value_dt), astype(_gather(ordered, nxt, n), value_dt)
        diff = astype(hi - lo, out_dt)
        lo, hi, t = astype(lo, out_dt), astype(hi, out_dt), astype(gamma, out_dt)
        # numpy's _lerp: from the nearer end, so t = 1 gives hi exactly
        res = E.where(E.greater_equal(t, 0.5), hi - diff * (1 - t), lo + diff * t)
    if out_dt.kind == "f":
        if is_traced(q):  # a traced q cannot be range-checked up front: out-of-range quantiles give NaN
            q_bad = E.logical_not(E.logical_and(E.greater_equal(qf, 0.0), E.less_equal(qf, 1.0)))
            nan_out = E.logical_or(q_bad, False if nan_out is None else nan_out)
        if nan_out is not None:
            res = E.where(nan_out, np.nan, res)
    return finish(res, shape(q), keepdims)


def _quantile_function(name, npfn, scale, skip_nan, doc):
    def fn(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, *, weights=None):
        _no_out(out, name)
        a, q_arr = asarray_or_var(a), asarray_or_var(q)
        if not is_traced(a, q_arr, weights):
            return npfn(a, q, axis=axis, overwrite_input=overwrite_input, method=method, keepdims=keepdims,
                        weights=weights)
        if scale != 1:
            q_arr = E.true_divide(q_arr, scale)
        if not is_traced(q_arr) and not np.all((np.asarray(q_arr) >= 0) & (np.asarray(q_arr) <= 1)):
            what = "Percentiles" if scale == 100 else "Quantiles"
            raise ValueError(f"{name}: {what} must be in the range [0, {scale}], got {np.asarray(q).tolist()}")
        if weights is not None:
            _real_only(name, a)
            return weighted_quantile(name, a, q_arr, axis, method, keepdims, weights, skip_nan)
        weak_q = type(q) in (int, float)  # numpy: a Python scalar q does not widen a float32 result
        return _quantile(name, a, q_arr, axis, method, keepdims, skip_nan, weak_q)
    return _named(fn, name, npfn, doc)


_QUANTILE_DOC = (
    "the ``q``-th {what} (a scalar or an array, whose axes come first in the result) along ``axis`` (None, an "
    "int or a tuple), by any of numpy's 13 ``method``s.{nan} Differentiable in ``a`` (through the elements "
    "interpolated) and in a traced ``q``; a traced q out of range gives NaN (numpy raises ValueError). "
    "``weights`` with method='inverted_cdf', as numpy (``_weighted_quantile``).")
_SKIPS = " NaNs are skipped: each slice's count differs, its shape does not; all-NaN slices give NaN."
quantile, percentile, nanquantile, nanpercentile = (
    _quantile_function(name, getattr(np, name), scale, skip, _QUANTILE_DOC.format(
        what="percentiles (q in [0, 100])" if scale == 100 else "quantiles (q in [0, 1])", nan=_SKIPS * skip))
    for name, scale, skip in (("quantile", 1, False), ("percentile", 100, False), ("nanquantile", 1, True),
                              ("nanpercentile", 100, True)))


def _median_function(name, npfn, skip_nan, doc):
    def fn(a, axis=None, out=None, overwrite_input=False, keepdims=False):
        _no_out(out, name)
        a = asarray_or_var(a)
        if not is_traced(a):
            return npfn(a, axis=axis, overwrite_input=overwrite_input, keepdims=keepdims)
        _real_only(name, a)
        ordered, n, nan_out, finish = _sorted_slices(a, axis, skip_nan)
        lo_i, hi_i = (n - 1) // 2, n // 2
        lo, hi = (astype(_gather(ordered, i, n), _value_dtype(a)) for i in (lo_i, hi_i))
        res = E.where(E.equal(lo_i, hi_i), lo, (lo + hi) / 2)  # numpy: the mean of the middle one or two
        return finish(res if nan_out is None else E.where(nan_out, np.nan, res), (), keepdims)
    return _named(fn, name, npfn, doc)


median = _median_function("median", np.median, False, "the median along ``axis`` (None, an int or a tuple); "
                          "NaN where a slice holds one. The gradient goes to the middle one or two elements.")
nanmedian = _median_function("nanmedian", np.nanmedian, True, "the median of each slice's non-NaN values (NaN "
                             "for an all-NaN slice, without numpy's warning).")


# -- nan-skipping reductions -------------------------------------------------------------------------------------
def _extreme_fill(dt, largest):
    if dt.kind in "iu":
        return np.array(np.iinfo(dt).min if largest else np.iinfo(dt).max, dtype=dt)
    return np.array((-np.inf if largest else np.inf) if dt.kind == "f" else not largest, dtype=dt)


def _extreme_function(name, npfn, largest):
    def fn(a, axis=None, out=None, keepdims=False, initial=_NO_VALUE, where=_NO_VALUE):
        _no_out(out, name)
        a = asarray_or_var(a)
        if not is_traced(a, initial, where):
            return npfn(a, axis=axis, keepdims=keepdims, **_given(initial=initial, where=where))
        _real_only(name, a)
        if where is not _NO_VALUE and initial is _NO_VALUE:
            raise ValueError(f"{name}: a where= mask needs initial= (the value where nothing is selected), as numpy")
        dt = dtype_of(a)
        valid = E.logical_not(E.isnan(a)) if dt.kind == "f" else None
        if where is not _NO_VALUE:
            mask = E.not_equal(asarray_or_var(where), False)
            valid = mask if valid is None else E.logical_and(valid, mask)
        filled = a if valid is None else E.where(valid, a, _extreme_fill(dt, largest))
        if initial is not _NO_VALUE:  # NOTE: an empty or all-NaN slice is then ``initial``, as numpy
            return (R.max if largest else R.min)(filled, axis=axis, keepdims=keepdims, initial=initial)
        res = (R.max if largest else R.min)(filled, axis=axis, keepdims=keepdims)
        if dt.kind == "f":  # an all-NaN slice is NaN (numpy also warns)
            res = E.where(R.any(valid, axis=axis, keepdims=keepdims), res, np.nan)
        return res
    return _named(fn, name, npfn, f"the {'max' if largest else 'min'}imum ignoring NaNs (NaN for an all-NaN "
                  "slice); the gradient is shared between tied extremes.")


nanmax, nanmin = _extreme_function("nanmax", np.nanmax, True), _extreme_function("nanmin", np.nanmin, False)


def _arg_function(name, npfn, largest):
    def fn(a, axis=None, out=None, *, keepdims=False):
        _no_out(out, name)
        a = asarray_or_var(a)
        if not is_traced(a):
            return npfn(a, axis=axis, keepdims=keepdims)
        _real_only(name, a)
        pick = R.argmax if largest else R.argmin
        if dtype_of(a).kind != "f":
            res = pick(a, axis=axis)
        else:
            nan = E.isnan(a)
            # numpy's own rule: NaN becomes -inf (+inf), then argmax (argmin)
            res = pick(E.where(nan, -np.inf if largest else np.inf, a), axis=axis)
            res = E.where(R.all(nan, axis=axis), -1, res)
        if keepdims:
            res = S.reshape(res, (1,) * ndim(a)) if axis is None else S.expand_dims(res, normalize_axis(axis, ndim(a)))
        return res
    return _named(fn, name, npfn, f"the index of the {'max' if largest else 'min'}imum ignoring NaNs. An all-NaN "
                  "slice of traced input gives -1 (JAX's convention): numpy raises ValueError, which needs values.")


nanargmax, nanargmin = _arg_function("nanargmax", np.nanargmax, True), _arg_function("nanargmin", np.nanargmin, False)


def nanvar(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=_NO_VALUE, mean=_NO_VALUE,
           correction=_NO_VALUE):
    """Variance of the non-NaN values (those selected by ``where``); NaN where no more than ``ddof`` remain.
    No gradient reaches a NaN entry."""
    _no_out(out, "nanvar")
    a = asarray_or_var(a)
    if not is_traced(a, where, mean):
        return np.nanvar(a, axis=axis, dtype=dtype, ddof=ddof, keepdims=keepdims,
                         **_given(where=where, mean=mean, correction=correction))
    if correction is not _NO_VALUE:
        if ddof != 0:
            raise ValueError("nanvar: ddof and correction can't be provided simultaneously.")
        ddof = correction
    x = astype(a, dtype if dtype is not None else (dtype_of(a) if dtype_of(a).kind in "fc" else np.float64))
    axes = normalize_axes(axis, ndim(x))
    valid = E.logical_not(E.isnan(x))
    if where is not _NO_VALUE:
        valid = E.logical_and(valid, E.not_equal(asarray_or_var(where), False))
    cnt = R.sum(astype(valid, dtype_of(real(x))), axis=axes, keepdims=True)
    if mean is _NO_VALUE:
        # NOTE: max(count, 1) keeps an all-NaN slice's gradient at 0 instead of 0 / 0 (its value is NaN anyway)
        avg = R.sum(E.where(valid, x, 0), axis=axes, keepdims=True) / E.maximum(cnt, 1)
    else:
        avg = asarray_or_var(mean)
    centered = E.where(valid, x - avg, 0)
    squares = real(centered * conj(centered)) if dtype_of(x).kind == "c" else centered * centered
    enough = E.greater(cnt - ddof, 0)
    var = E.where(enough, R.sum(squares, axis=axes, keepdims=True) / E.where(enough, cnt - ddof, 1), np.nan)
    return var if keepdims else S.squeeze(var, axis=axes)


def nanstd(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=_NO_VALUE, mean=_NO_VALUE,
           correction=_NO_VALUE):
    """Square root of ``nanvar`` (as numpy computes it)."""
    _no_out(out, "nanstd")
    return E.sqrt(nanvar(a, axis, dtype, None, ddof, keepdims, where=where, mean=mean, correction=correction))


def count_nonzero(a, axis=None, *, keepdims=False):
    """Number of non-zero entries (NaN counts, as in numpy), int64."""
    a = asarray_or_var(a)
    if not is_traced(a):
        return np.count_nonzero(a, axis=axis, keepdims=keepdims)
    return R.sum(astype(E.not_equal(a, 0), np.int64), axis=axis, keepdims=keepdims)


# -- covariance and integration ------------------------------------------------------------------------------
def _observations(v, rowvar, dtype, what):
    v = asarray_or_var(v)
    if ndim(v) > 2:
        raise ValueError(f"cov: {what} has more than 2 dimensions (got shape {shape(v)})")
    # NOTE: numpy 2 and JAX transpose any 2-D m (a row (1, k) is k variables); y keeps numpy's one-row rule
    one_var = ndim(v) == 1 if what == "m" else int(shape(S.atleast_2d(v))[0]) == 1
    return S.transpose(astype(S.atleast_2d(v), dtype)) if not rowvar and not one_var else astype(S.atleast_2d(v), dtype)


def _sample_weights(w, n_obs, kind):
    w = asarray_or_var(w)
    if ndim(w) > 1:
        raise RuntimeError(f"cov: cannot handle multidimensional {kind}")
    if int(shape(w)[0]) != int(n_obs):
        raise RuntimeError(f"cov: incompatible numbers of samples and {kind} ({n_obs} and {shape(w)[0]})")
    if not is_traced(w):
        if kind == "fweights" and not np.all(w == np.around(w)):
            raise TypeError("cov: fweights must be integer")
        if np.any(w < 0):
            raise ValueError(f"cov: {kind} cannot be negative")
    return astype(w, np.float64)


def cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None, *, dtype=None):
    """Covariance matrix of the variables in the rows of ``m`` (columns when ``rowvar`` is False), ``y``'s
    appended; 0-d for one variable, as numpy's. Differentiable in ``m``, ``y`` and the weights."""
    if not is_traced(*(asarray_or_var(v) for v in (m, y, fweights, aweights) if v is not None)):
        return np.cov(m, y, rowvar, bias, ddof, fweights, aweights, dtype=dtype)
    if ddof is not None and ddof != int(ddof):
        raise ValueError("cov: ddof must be integer")
    if dtype is None:
        dtype = np.result_type(*(dtype_of(asarray_or_var(v)) for v in (m, y) if v is not None), np.float64)
    X = _observations(m, rowvar, dtype, "m")
    if y is not None:
        X = S.concatenate([X, _observations(y, rowvar, dtype, "y")], axis=0)
    ddof = (0 if bias else 1) if ddof is None else ddof
    n_obs = shape(X)[1]
    w = None if fweights is None else _sample_weights(fweights, n_obs, "fweights")
    if aweights is not None:
        aw = _sample_weights(aweights, n_obs, "aweights")
        w = aw if w is None else w * aw
    avg, w_sum = MR.average(X, axis=1, weights=w, returned=True)
    w_sum = w_sum[0]
    if w is None:
        fact = (n_obs if is_known(n_obs) else count(X, (1,), np.int64)) - ddof
    elif ddof == 0 or aweights is None:
        fact = w_sum - ddof
    else:
        fact = w_sum - ddof * R.sum(w * aw) / w_sum
    fact = E.maximum(fact, 0)  # numpy warns and divides by 0 when there are too few observations
    X = X - avg[:, None]
    weighted = X if w is None else X * w
    c = X @ S.transpose(conj(weighted) if dtype_of(X).kind == "c" else weighted)
    # NOTE: numpy scales in place (c *= 1 / fact), keeping c's dtype (float32 for dtype=float32)
    return S.squeeze(c * E.astype(E.true_divide(1, fact), np.finfo(dtype_of(c)).dtype))


def corrcoef(x, y=None, rowvar=True, *, dtype=None):
    """Pearson correlation coefficients, clipped to [-1, 1] as numpy's."""
    if not is_traced(*(asarray_or_var(v) for v in (x, y) if v is not None)):
        return np.corrcoef(x, y, rowvar, dtype=dtype)
    c = cov(x, y, rowvar, dtype=dtype)
    if ndim(c) == 0:
        return c / c
    stddev = E.sqrt(real(_diagonal(c)))
    c = c / stddev[:, None] / stddev[None, :]
    if dtype_of(c).kind == "c":
        return from_parts(E.clip(real(c), -1, 1), E.clip(imag(c), -1, 1))
    return E.clip(c, -1, 1)


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """Integral of ``y`` along ``axis`` by the trapezoidal rule, at sample points ``x`` (1-D along the axis,
    or y's shape) or spacing ``dx``; differentiable in all three."""
    y, x = asarray_or_var(y), None if x is None else asarray_or_var(x)
    if not is_traced(y, x, dx):
        return np.trapezoid(y, x, dx, axis)
    ax = normalize_axis(axis, ndim(y))
    if x is None:
        d = dx
    elif ndim(x) == 1:
        d = S.reshape(MR.diff(x), tuple(-1 if i == ax else 1 for i in range(ndim(y))))
    else:
        d = MR.diff(x, axis=ax)
    before = (slice(None),) * ax
    return R.sum(d * (y[before + (slice(1, None),)] + y[before + (slice(None, -1),)]) / 2.0, axis=ax)


# -- searching and binning -------------------------------------------------------------------------------------
def _count_below(hay, needles, side):
    """How many of the sorted 1-D ``hay`` are < each needle (side 'left') or <= it ('right'), NaN last: a binary
    search per needle (the ``searchsorted`` primitive)."""
    dt = np.result_type(dtype_of(hay), dtype_of(needles))
    return _searchsorted(as_var(astype(hay, dt)), as_var(astype(needles, dt)), right=side == "right")


def searchsorted(a, v, side="left", sorter=None, *, method="scan"):
    """Indices where ``v``'s elements would be inserted into the sorted 1-D ``a`` (int64, v's shape): a binary
    search per element of v, whichever of JAX's ``method`` (a speed choice there) is named."""
    if side not in ("left", "right") or method not in ("scan", "scan_unrolled", "sort", "compare_all"):
        raise ValueError(f"searchsorted: side must be 'left' or 'right' (got {side!r}), method 'scan', "
                         f"'scan_unrolled', 'sort' or 'compare_all' (got method={method!r})")
    a, v = asarray_or_var(a), asarray_or_var(v)
    sorter = None if sorter is None else asarray_or_var(sorter)
    if not is_traced(a, v, sorter):
        return np.searchsorted(a, v, side=side, sorter=sorter)
    if ndim(a) != 1:
        raise ValueError(f"searchsorted: a must be 1-D, got shape {shape(a)}")
    if sorter is not None:
        a = I.take(as_var(a), as_var(sorter), axis=0)
    return _count_below(a, v, side)


def digitize(x, bins, right=False):
    """Index of the bin of each ``x``. Constant ``bins`` must be monotonic (checked); traced bins count as
    decreasing when ``bins[-1] < bins[0]`` (JAX's rule) and are not checked."""
    x, bins = asarray_or_var(x), asarray_or_var(bins)
    if not is_traced(x, bins):
        return np.digitize(x, bins, right=right)
    if dtype_of(x).kind == "c":
        raise TypeError("digitize: x may not be complex")
    if ndim(bins) != 1:
        raise ValueError(f"digitize: bins must be 1-D, got shape {shape(bins)}")
    side, n = ("left" if right else "right"), int(shape(bins)[0])
    if n == 0:
        return zeros_like(x, dtype=np.int64)
    if not is_traced(bins):
        steps = np.diff(bins)
        if not (np.all(steps >= 0) or np.all(steps <= 0)):
            raise ValueError("digitize: bins must be monotonically increasing or decreasing")
        return _count_below(bins, x, side) if np.all(steps >= 0) else n - _count_below(bins[::-1], x, side)
    return E.where(E.greater_equal(bins[-1], bins[0]), _count_below(bins, x, side),
                   n - _count_below(bins[::-1], x, side))


def interp(x, xp, fp, left=None, right=None, period=None):
    """Piecewise-linear interpolation of the points (``xp``, increasing, not checked, as numpy; ``fp``) at
    ``x``, ``left``/``right`` outside (fp's ends by default), ``period`` for angles. float64 (complex128 for
    complex fp) as numpy's; differentiable in x (between the points), xp, fp, left and right."""
    args = [None if v is None else asarray_or_var(v) for v in (x, xp, fp, left, right, period)]
    if not is_traced(*args):
        return np.interp(x, xp, fp, left, right, period)
    x, xp, fp, left, right, period = args
    if dtype_of(x).kind == "c" or dtype_of(xp).kind == "c":
        raise TypeError("interp: x and xp must be real")
    if ndim(xp) != 1 or ndim(fp) != 1:
        raise ValueError(f"interp: xp and fp must be 1-D, got shapes {shape(xp)} and {shape(fp)}")
    n = int(shape(xp)[0])
    if int(shape(fp)[0]) != n:
        raise ValueError(f"interp: fp and xp are not of the same length ({shape(fp)[0]} and {n}).")
    if n == 0:
        raise ValueError("interp: array of sample points is empty")
    x, xp = astype(x, np.float64), as_var(astype(xp, np.float64))
    fp = as_var(astype(fp, np.complex128 if dtype_of(fp).kind == "c" else np.float64))
    if period is not None:
        if not is_traced(period) and period == 0:
            raise ValueError("interp: period must be a non-zero value")
        period, left, right = E.abs(period), None, None
        x, xp = E.mod(x, period), E.mod(xp, period)
        order = MS.argsort(xp)
        xp, fp = I.take(xp, order, axis=0), I.take(fp, order, axis=0)
        xp = S.concatenate([xp[-1:] - period, xp, xp[0:1] + period])
        fp, n = S.concatenate([fp[-1:], fp, fp[0:1]]), n + 2
    # the last point at or below x; x on a point gives that point's value exactly (numpy)
    j = E.clip(_count_below(xp, x, "right") - 1, 0, n - 1)
    inside = I.take(fp, j, axis=0)
    if n > 1:
        s = E.minimum(j, n - 2)
        x0, x1, f0, f1 = (I.take(v, i, axis=0) for v in (xp, fp) for i in (s, s + 1))
        slope = (f1 - f0) / (x1 - x0)
        line = slope * (x - x0) + f0
        # numpy: a NaN from one end (infinite values) tries the other; equal ends give that value
        line = E.where(E.isnan(line), slope * (x - x1) + f1, line)
        line = E.where(E.logical_and(E.isnan(line), E.equal(f0, f1)), f0, line)
        inside = E.where(E.equal(x, I.take(xp, j, axis=0)), inside, line)
    below = fp[0] if left is None else astype(left, dtype_of(fp))
    above = fp[-1] if right is None else astype(right, dtype_of(fp))
    return E.where(E.less(x, xp[0]), below, E.where(E.greater(x, xp[-1]), above, inside))


def _outer_edges(a, range_):
    """First and last bin edge (numpy's _get_outer_edges): the range, or the data's min and max."""
    if range_ is not None:
        first, last = range_
        if not is_traced(first, last):
            if first > last:
                raise ValueError("histogram: max must be larger than min in range parameter.")
            if not (np.isfinite(first) and np.isfinite(last)):
                raise ValueError(f"histogram: supplied range of [{first}, {last}] is not finite")
    elif is_known(shape(a)[0]) and shape(a)[0] == 0:
        first, last = 0, 1
    else:
        # NOTE: NaN data gives NaN edges and empty bins here; numpy raises ValueError (it sees the values)
        first, last = R.min(a), R.max(a)
    if is_traced(first, last):
        same = E.equal(first, last)
        return E.where(same, first - 0.5, first), E.where(same, last + 0.5, last)
    return (first - 0.5, last + 0.5) if first == last else (first, last)


def histogram(a, bins=10, range=None, density=None, weights=None):  # noqa: A002  (numpy's parameter name)
    """(counts, edges) of the flattened ``a`` in ``bins`` equal bins over ``range`` (default: the data's min and
    max) or between given edges: edges[i] <= v < edges[i+1], the last bin closed, values outside dropped. Counts
    are int64 (weights' dtype, differentiable in them) or a density; a string ``bins`` needs plain arrays."""
    a = asarray_or_var(a)
    weights = None if weights is None else asarray_or_var(weights)
    if not is_traced(a, weights, bins, *(range or ())):
        return np.histogram(a, bins, range, density, weights)
    if isinstance(bins, str):
        raise ValueError(f"histogram: bins={bins!r} picks the number of bins from the data's values, which a "
                         "traced array has none of; pass an int or the bin edges")
    if weights is not None and _sizes(weights) != _sizes(a):
        raise ValueError(f"histogram: weights should have the same shape as a ({shape(weights)} and {shape(a)}).")
    a = S.ravel(a)
    if is_traced(bins) or np.ndim(bins) != 0:
        edges = asarray_or_var(bins)
        if ndim(edges) != 1:
            raise ValueError(f"histogram: `bins` must be 1d, when an array (got shape {shape(edges)})")
        if not is_traced(edges) and np.any(np.diff(edges) < 0):
            raise ValueError("histogram: `bins` must increase monotonically, when an array")
        n_bins = int(shape(edges)[0]) - 1
    else:
        try:
            n_bins = operator.index(bins)
        except TypeError:
            raise TypeError(f"histogram: `bins` must be an integer, a string, or an array, got {bins!r}") from None
        if n_bins < 1:
            raise ValueError(f"histogram: `bins` must be positive, when an integer (got {n_bins})")
        first, last = _outer_edges(a, range)
        edge_dt = np.result_type(*(dtype_of(v) if is_traced(v) else v for v in (first, last)), dtype_of(a))
        edge_dt = edge_dt if edge_dt.kind in "fc" else np.dtype(np.float64)
        # numpy's linspace formula either way, so the edges (and the bins they decide) are numpy's
        edges = astype(linspace(first, last, n_bins + 1), edge_dt) if is_traced(first, last) else \
            np.linspace(first, last, n_bins + 1, endpoint=True, dtype=edge_dt)
    # each value's bin; slot n_bins collects those outside (and NaN), dropped at the end
    slot = _count_below(edges, a, "right") - 1
    slot = E.where(E.equal(a, edges[-1]), n_bins - 1, slot)
    slot = E.where(E.logical_and(E.greater_equal(slot, 0), E.less(slot, n_bins)), slot, n_bins)
    each = S.ravel(weights) if weights is not None else ones_like(a, dtype=np.int64)
    counts = I.scatter_add(as_var(each), slot, axis=0, shape=(n_bins + 1,))[:n_bins]
    if density:
        counts = counts / astype(MR.diff(edges), np.float64) / R.sum(counts)
    return counts, edges


def bincount(x, weights=None, minlength=0, *, length=None):
    """Count of each non-negative int in the 1-D ``x`` (the sum of ``weights``: float64, differentiable). numpy's
    length, max(x) + 1, needs x's values: traced x needs ``length=`` (JAX's keyword: exactly that length, larger
    values and, unlike numpy's ValueError, negative ones dropped; minlength is then ignored)."""
    x = asarray_or_var(x)
    weights = None if weights is None else asarray_or_var(weights)
    if operator.index(minlength) < 0:
        raise ValueError(f"bincount: 'minlength' must not be negative (got {minlength})")
    if not is_traced(x, weights):
        out = np.bincount(x, weights, minlength)
        return out if length is None else np.pad(out[:length], (0, max(operator.index(length) - len(out), 0)))
    if length is None:
        raise ValueError("bincount: the output length (max(x) + 1 in numpy) depends on the values of x, which a "
                         "traced array does not have; pass length= (a static int, as in JAX)")
    if operator.index(length) < 0:
        raise ValueError(f"bincount: length must be non-negative, got {length}")
    if ndim(x) != 1:
        raise ValueError(f"bincount: x must be 1-D, got shape {shape(x)}")
    if dtype_of(x).kind not in "iub":
        raise TypeError(f"bincount: x must be non-negative integers, got dtype {dtype_of(x)}")
    if weights is not None and _sizes(weights) != _sizes(x):
        raise ValueError(f"bincount: The weights and list don't have the same length ({shape(weights)} and "
                         f"{shape(x)}).")
    w = ones_like(x, dtype=np.int64) if weights is None else astype(weights, np.float64)
    xi = astype(x, np.int64)
    slot = E.where(E.logical_and(E.greater_equal(xi, 0), E.less(xi, length)), xi, length)
    return I.scatter_add(as_var(w), as_var(slot), axis=0, shape=(length + 1,))[:length]
