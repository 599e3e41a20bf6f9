"""More polynomial routines (``poly``, ``polydiv``, ``polyfit``, ``roots``) and multi-dimensional histograms
(``histogram2d``, ``histogramdd``, ``histogram_bin_edges``), as ``jax.numpy`` has them.

Plain arrays go to numpy where JAX's result is numpy's. Traced values compose existing functions:
``poly`` multiplies out (x - z_k) one root at a time, ``polydiv`` is JAX's long division (its remainder keeps
``u``'s length unless ``trim_leading_zeros``), ``polyfit`` solves the column-scaled Vandermonde system with
``linalg.lstsq`` as JAX and numpy do, ``roots`` takes ``linalg.eigvals`` of the companion matrix as numpy and
JAX do (traced input needs ``strip_zeros=False``, as in JAX: the leading zeros become NaN roots).
The histograms follow numpy (float64 counts, edges as ``histogram`` computes them, which they reuse),
differentiable in the weights; a traced sample needs int bins or explicit edges.
A front-end module: imports core, ops and the jaxlike.numpy modules below it.
"""

import builtins
import operator
import warnings

import numpy as np

from ..core.errors import ConcretizationError, user_frame, where as _at
from ._base import asarray_or_var, is_traced, ndim, shape, dtype_of
from ._elementwise import astype, sqrt, where, equal
from ._reductions import sum as _sum, all as _all, argmin as _argmin
from ._more_shape import roll, argsort
from ._shape import atleast_1d, atleast_2d, concatenate, stack, reshape, transpose
from ._creation import zeros, ones
from ._products import dot, outer
from ._more_reductions import diff
from ._windows_and_polys import vander, _static_int
from ._statistics import histogram, searchsorted, bincount
from . import linalg

__all__ = ["poly", "polydiv", "polyfit", "roots", "histogram_bin_edges", "histogram2d", "histogramdd"]


def _inexact(dt):
    """JAX's promote_dtypes_inexact: integers and booleans compute in float64."""
    return dt if dt.kind in "fc" else np.dtype(np.float64)


def _complex(dt):
    return np.dtype(np.complex64) if _inexact(dt) in (np.float16, np.float32, np.complex64) else \
        np.dtype(np.complex128)


def _vector(x, fname, what):
    x = atleast_1d(asarray_or_var(x))
    if ndim(x) != 1:
        raise ValueError(f"{fname}: {what} must be 1-d, got shape {tuple(shape(x))}{_at(user_frame())}")
    return x


# -- polynomials (coefficients highest power first) ----------------------------------------------------------
def poly(seq_of_zeros):
    """Coefficients of the monic polynomial with these roots (of the characteristic polynomial for a square
    matrix: complex, from its eigenvalues). Integers give float64; complex roots give a complex result even
    for conjugate pairs (JAX's; numpy returns the real part there)."""
    z = atleast_1d(asarray_or_var(seq_of_zeros))
    dims = tuple(int(d) for d in shape(z))
    if len(dims) == 2 and dims[0] == dims[1] != 0:
        z = linalg.eigvals(z)     # NOTE: complex even where they are real, as JAX
    elif len(dims) != 1:
        raise ValueError(f"poly: seq_of_zeros must be 1d or a non-empty square 2d array, got shape {dims}"
                         f"{_at(user_frame())}")
    dt = _inexact(dtype_of(z))
    if not is_traced(z):
        return np.asarray(np.poly(z) if len(z) else 1.0, dt)
    z, coeffs = astype(z, dt), ones(1, dt)
    zero = zeros(1, dt)
    for k in range(dims[0]):
        # NOTE: numpy's convolve(a, [1, -z_k]), term by term: the same products and sums
        coeffs = concatenate([coeffs, zero]) - z[k] * concatenate([zero, coeffs])
    return coeffs


def polydiv(u, v, *, trim_leading_zeros=False):
    """(quotient, remainder) of ``u`` / ``v`` by long division. The remainder keeps ``u``'s length (JAX's;
    numpy trims its leading zeros) unless ``trim_leading_zeros``, which drops leading entries below
    sqrt(eps) and needs a concrete result."""
    u, v = _vector(u, "polydiv", "u"), _vector(v, "polydiv", "v")
    dt = _inexact(np.result_type(dtype_of(u), dtype_of(v)))
    u, v = astype(u, dt), astype(v, dt)
    m, n = int(shape(u)[0]) - 1, int(shape(v)[0]) - 1
    if n < 0:
        raise ValueError(f"polydiv: v must have at least one coefficient, got none{_at(user_frame())}")
    scale, quotient = 1.0 / v[0], []
    for k in range(m - n + 1):
        d = scale * u[k]
        quotient.append(d)
        u = u - concatenate([zeros(k, dt), d * v, zeros(m - n - k, dt)])
    quotient = stack(quotient) if quotient else zeros(1, dt)
    if trim_leading_zeros:
        if is_traced(u):
            raise ConcretizationError(f"polydiv: trim_leading_zeros=True on traced input{_at(user_frame())}: the "
                                      "remainder's length would depend on its values. Leave it False.")
        small = np.abs(u) < np.sqrt(np.finfo(dt).eps)
        u = u[:0] if small.all() else u[int(np.argmin(small)):]
    return quotient, u


def polyfit(x, y, deg, rcond=None, full=False, w=None, cov=False):
    """Least-squares coefficients (highest power first) of the degree-``deg`` polynomial through (x, y), y 1-d
    or one fit per column; ``w`` weighs the unsquared residuals. ``full``: (p, residuals, rank, singular
    values, rcond); ``cov``: (p, covariance), scaled by residuals / (M - deg - 1) unless 'unscaled'. No
    RankWarning (JAX's). Differentiable in x, y and w where the rank is constant."""
    x, y = asarray_or_var(x), asarray_or_var(y)
    w = None if w is None else asarray_or_var(w)
    if not is_traced(x, y, w, deg):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", np.exceptions.RankWarning)
            return np.polyfit(x, y, deg, rcond, full, w, cov)
    deg = int(deg) if not is_traced(deg) else _static_int(deg, "deg", "polyfit")   # NOTE: numpy and JAX take 2.0
    order = deg + 1
    if deg < 0:
        raise ValueError(f"polyfit: expected deg >= 0, got {deg}{_at(user_frame())}")
    if ndim(x) != 1 or int(shape(x)[0]) == 0:
        raise TypeError(f"polyfit: expected a non-empty 1D vector for x, got shape {tuple(shape(x))}"
                        f"{_at(user_frame())}")
    if ndim(y) not in (1, 2):
        raise TypeError(f"polyfit: expected 1D or 2D array for y, got shape {tuple(shape(y))}{_at(user_frame())}")
    if int(shape(x)[0]) != int(shape(y)[0]):
        raise TypeError(f"polyfit: expected x and y to have same length, got {shape(x)[0]} and {shape(y)[0]}"
                        f"{_at(user_frame())}")
    dt = _inexact(np.result_type(dtype_of(x), dtype_of(y)))
    x, y = astype(x, dt), astype(y, dt)
    points = int(shape(x)[0])
    if rcond is None:
        rcond = points * float(np.finfo(dtype_of(x)).eps)
    lhs, rhs = vander(x, order), y
    if w is not None:
        if ndim(w) != 1 or int(shape(w)[0]) != points:
            raise TypeError(f"polyfit: expected a 1-d w of y's length {points}, got shape {tuple(shape(w))}"
                            f"{_at(user_frame())}")
        w = astype(w, _inexact(dtype_of(w)))
        lhs = lhs * w[:, None]
        rhs = rhs * (w[:, None] if ndim(rhs) == 2 else w)
    # NOTE: unit columns improve the conditioning; the scale is divided out of the solution again
    scale = sqrt(_sum(lhs * lhs, axis=0))
    lhs = lhs / scale[None, :]
    c, resids, rank, s = linalg.lstsq(lhs, rhs, rcond)
    c = c / (scale[:, None] if ndim(c) == 2 else scale)
    if full:
        return c, resids, rank, s, np.asarray(rcond)
    if not cov:
        return c
    covariance = linalg.inv(dot(transpose(lhs), lhs)) / outer(scale, scale)
    if cov == "unscaled":
        fac = np.ones(1)
    else:
        if points <= order:
            raise ValueError(f"polyfit: the number of data points ({points}) must exceed order ({order}) to scale "
                             f"the covariance matrix{_at(user_frame())}")
        fac = resids / (points - order)
    return c, (covariance * fac if ndim(y) == 1 else covariance[:, :, None] * fac[None, None, :])


def roots(p, *, strip_zeros=True):
    """Roots of the polynomial with coefficients ``p``, always complex (JAX's; numpy returns real roots as
    real). Leading zeros are stripped (numpy's roots, in numpy's order), or with ``strip_zeros=False`` give NaN
    roots at the end, as JAX's jit-friendly form computes them, traced or not: the eigenvalues of the companion
    matrix of p with its leading zeros rolled to the end (so that they become zero roots), zero roots moved
    last, and one NaN per leading zero in their place. Traced ``p`` needs ``strip_zeros=False`` (the number of
    roots would depend on its values)."""
    p = _vector(p, "roots", "p")
    cdt = _complex(dtype_of(p))
    if not is_traced(p) and (strip_zeros or int(shape(p)[0]) < 2):
        p = np.asarray(p, _inexact(dtype_of(p)))
        return np.roots(p).astype(cdt) if p.size >= 2 else np.zeros(0, cdt)
    if strip_zeros:
        raise ConcretizationError(f"roots of a traced array with strip_zeros=True{_at(user_frame())}: the number of "
                                  "roots would depend on the values (the leading zeros). Pass strip_zeros=False, "
                                  "as in JAX: leading zeros then give NaN roots at the end.")
    n = int(shape(p)[0])
    p = astype(p, _inexact(dtype_of(p)))
    if n < 2:
        return zeros(0, cdt)
    is_zero = equal(p, 0)
    lead = where(_all(is_zero), n, _argmin(is_zero))
    p = where(equal(lead, n), ones(n, dtype_of(p)), p)     # NOTE: as JAX, all zeros become ones, no LAPACK error
    p = roll(p, -lead)          # the leading zeros move to the end: they become zero roots, made NaN below
    top = -p[1:] / p[0]
    companion = concatenate([reshape(top, (1, n - 1)), np.eye(n - 2, n - 1, dtype=dtype_of(p))], axis=0)
    found = linalg.eigvals(companion)
    found = found[argsort(astype(equal(found, 0), np.int8))]          # stable: the zero roots go last
    return where(np.arange(n - 1) < n - 1 - lead, found, np.asarray(np.nan + 1j * np.nan, cdt))


# -- histograms -----------------------------------------------------------------------------------------------
def _any_traced(x):
    if isinstance(x, (list, tuple)):
        return any(_any_traced(e) for e in x)
    return is_traced(x)


def histogram_bin_edges(a, bins=10, range=None, weights=None):  # noqa: A002  (numpy's parameter name)
    """The bin edges ``histogram`` uses for these arguments."""
    if not _any_traced([a, bins, range, weights]):
        return np.histogram_bin_edges(a, bins, range, weights)
    return histogram(a, bins, range, None, weights)[1]


def _sample_columns(sample):
    """numpy's reading of ``sample``: an (N, D) array, else a sequence of D 1-d arrays (or one 1-d array)."""
    s = asarray_or_var(sample)
    if isinstance(sample, (list, tuple)) or ndim(s) != 2:
        s = transpose(atleast_2d(s))
    return s


def _dim_edges(column, b, range_i, i):
    """numpy's edges of dimension ``i``: ``b`` equal bins over the range (as ``histogram``'s) or ``b``'s values."""
    if not is_traced(b) and np.ndim(b) == 0:
        try:
            count = operator.index(b)
        except TypeError:
            raise TypeError(f"histogramdd: `bins[{i}]` must be an integer, when a scalar, got {b!r}"
                            f"{_at(user_frame())}") from None
        if count < 1:
            raise ValueError(f"histogramdd: `bins[{i}]` must be positive, when an integer, got {count}"
                             f"{_at(user_frame())}")
        return histogram_bin_edges(column, count, range_i)
    b = asarray_or_var(b)
    if ndim(b) != 1:
        raise ValueError(f"histogramdd: `bins[{i}]` must be a scalar or 1d array, got shape {tuple(shape(b))}"
                         f"{_at(user_frame())}")
    if not is_traced(b) and np.any(b[:-1] > b[1:]):
        raise ValueError(f"histogramdd: `bins[{i}]` must be monotonically increasing, when an array"
                         f"{_at(user_frame())}")
    return b


def histogramdd(sample, bins=10, range=None, density=None, weights=None):  # noqa: A002
    """(counts, [edges per dimension]) of the N points of ``sample`` (an (N, D) array or D 1-d arrays).
    ``bins``: an int for every dimension, or one int or edge array per dimension; ``range``: one (min, max)
    or None per dimension. Counts are float64 (the sum of ``weights``, differentiable in them), or a density."""
    if not _any_traced([sample, bins, range, weights]):
        return np.histogramdd(sample, bins, range, density, weights)
    s = _sample_columns(sample)
    points, dims = (int(d) for d in shape(s))
    if weights is not None:
        weights = asarray_or_var(weights)
        if tuple(int(d) for d in shape(weights)) != (points,):
            raise ValueError(f"histogramdd: weights must hold one weight per sample, shape ({points},), got "
                             f"{tuple(shape(weights))}{_at(user_frame())}")
    if isinstance(bins, str):
        raise ValueError(f"histogramdd: bins must be an int or arrays of edges, got {bins!r}{_at(user_frame())}")
    if isinstance(bins, (list, tuple)):
        per_dim = list(bins)
    elif ndim(asarray_or_var(bins)) == 0:
        per_dim = [bins] * dims
    else:
        per_dim = [bins[i] for i in builtins.range(int(shape(bins)[0]))]
    if len(per_dim) != dims:
        raise ValueError(f"histogramdd: the dimension of bins ({len(per_dim)}) must be equal to the dimension of "
                         f"the sample ({dims}){_at(user_frame())}")
    if range is None:
        range = (None,) * dims  # noqa: A001
    elif len(range) != dims:
        raise ValueError(f"histogramdd: range must have one entry per dimension ({dims}), got {len(range)}"
                         f"{_at(user_frame())}")
    edges = [_dim_edges(s[:, i], per_dim[i], range[i], i) for i in builtins.range(dims)]
    nbin = [int(shape(e)[0]) + 1 for e in edges]
    # each point's flat bin among nbin (with an underflow and an overflow slot per dimension), as numpy
    flat = 0
    for i, e in enumerate(edges):
        column = s[:, i]
        slot = searchsorted(e, column, side="right")
        slot = where(equal(column, e[-1]), slot - 1, slot)
        flat = flat * nbin[i] + slot
    counts = bincount(flat, weights, length=int(np.prod(nbin)))
    hist = astype(reshape(counts, tuple(nbin)), np.float64)[(slice(1, -1),) * dims]
    if density:
        total = _sum(hist)
        for i, e in enumerate(edges):
            hist = hist / reshape(astype(diff(e), np.float64), tuple(-1 if j == i else 1 for j in builtins.range(dims)))
        hist = hist / total
    return hist, edges


def histogram2d(x, y, bins=10, range=None, density=None, weights=None):  # noqa: A002
    """(counts, x edges, y edges) of the points (x[i], y[i]): ``histogramdd`` of the two columns. ``bins``:
    one int or edge array for both, or a pair of them."""
    if is_traced(bins):
        count = int(shape(bins)[0]) if ndim(bins) == 1 else 1
    else:
        count = len(bins) if isinstance(bins, (list, tuple)) or np.ndim(bins) > 0 else 1
    if count not in (1, 2):
        bins = [bins, bins]
    hist, edges = histogramdd([asarray_or_var(x), asarray_or_var(y)], bins, range, density, weights)
    return hist, edges[0], edges[1]
