"""pow and cbrt that LLVM vectorizes, with C99's special cases chosen by selects. numba lowers ``x ** y`` to the C
library's pow/powf, one call per element, which also keeps the loop scalar (1M float32 ``abs(x) ** 1.5``:
6.3 ms, numpy's 1.2, this form 2.8; float64 12.6 ms, numpy's 2.9, this form 3.6).

float32 computes exp(y * log|x|) in float64 and rounds once: log|x| is within 0.7 ulp of float64 and y is
exact, so y * log|x| is off by about 2e-16 of itself, at most ~2e-14 absolute where the result is a finite
float32 (|y log|x|| < 104), and exp keeps that relative: far inside float32's half ulp (3e-8).

float64 needs more: exp turns the absolute error of t = y log|x| (up to 745) into the result's relative
error, so log|x| comes in two parts to ~2**-68 of itself (``log.log_parts``), t as an error-free product
plus y times the low part, and exp takes both parts (``exp.exp_sum``).

cbrt: x = 2**(3q) * M with M in [1, 8), y ~ M**(-1/3) from a polynomial (7e-6) and one Newton step without
division (5e-11), t = M y^2, and a last Newton step on t with the residual M - t^3 taken exactly by FMAs:
within half an ulp but for the last step's own rounding. (jaxlike.numpy's cbrt was |x| ** (1/3) with 1/3
rounded: 100 ulp off near the denormals.)
"""

import math

import numpy as np
from numba import njit

from .arith import _mad, _rint, _inline_everywhere, _mantissa, _exponent, _scale_f64, floor_
from .exp import exp_f64, exp_sum
from .log import _TINY_64, log_f64, log_parts


@njit(error_model="numpy", cache=True)
def _c99_pow(a, b, mag):
    """a ** b from mag, |a| ** b where |a| is finite and nonzero (anything elsewhere): 1 for b == 0 or a == 1
    (NaN included); NaN for other NaNs and for a finite negative a with a finite non-integer b; the zero,
    infinite and |a| == 1 cases by their rules; the sign of a kept for odd integer b.

    Each case is one comparison, later cases overriding earlier ones (a negative non-integer power of -inf
    is first NaN, then the rule for infinite a): a range test such as 0 < |a| < inf becomes an integer
    compare against all-ones, which LLVM rebuilt in each iteration from a register last written at the
    end of the previous one, chaining the iterations (1M float64 pow 3.5 -> 7 ms)."""
    _inline_everywhere()
    ax = abs(a)
    whole = b == _rint(b)
    half = 0.5 * b
    odd = whole and half != _rint(half)
    mag = np.nan if (a < 0.0 and not whole) else mag
    mag = (np.inf if b < 0.0 else 0.0) if ax == 0.0 else mag
    mag = (0.0 if b < 0.0 else np.inf) if ax == np.inf else mag
    below = (np.inf if b < 0.0 else 0.0) if ax < 1.0 else (0.0 if b < 0.0 else np.inf)
    mag = (1.0 if ax == 1.0 else below) if abs(b) == np.inf else mag
    out = -mag if (odd and math.copysign(1.0, a) < 0.0) else mag
    out = np.nan if (a != a or b != b) else out
    return 1.0 if (b == 0.0 or a == 1.0) else out


@njit(error_model="numpy", cache=True)
def pow_f32(x, y):
    _inline_everywhere()
    a, b = np.float64(x), np.float64(y)
    return np.float32(_c99_pow(a, b, exp_f64(b * log_f64(abs(a)))))


@njit(error_model="numpy", cache=True)
def pow_f64(x, y):
    """Within 0.64 ulp (exp's; log's part adds ~2**-58 of the result)."""
    _inline_everywhere()
    hi, lo = log_parts(abs(x))
    t = y * hi
    return _c99_pow(x, y, exp_sum(t, _mad(y, hi, -t) + y * lo))


def _inverse_cube_root_fit():
    """Coefficients (low first) of a degree-5 polynomial within 7e-6 of m**(-1/3) on [1, 2] (Chebyshev)."""
    fit = np.polynomial.Chebyshev.interpolate(lambda m: m ** (-1.0 / 3.0), 5, domain=[1.0, 2.0])
    return tuple(float(c) for c in fit.convert(kind=np.polynomial.Polynomial).coef)


_C0, _C1, _C2, _C3, _C4, _C5 = _inverse_cube_root_fit()
_CBRT_HALF, _CBRT_QUARTER = 2.0 ** (-1.0 / 3.0), 2.0 ** (-2.0 / 3.0)


@njit(error_model="numpy", cache=True)
def _cube_root_parts(a):
    """(t, M, y, q) for a positive finite a = 2**(3q) * M: t ~ M**(1/3) within ~1e-10, y ~ 1 / t^2 as well
    (``cbrt_f64`` finishes t); denormals are scaled by 2**54 first."""
    _inline_everywhere()
    tiny = a < _TINY_64
    a = a * 18014398509481984.0 if tiny else a
    m = _mantissa(a)
    e = _exponent(a)
    q = floor_((e + 0.5) * (1.0 / 3.0))           # e = 3q + rem, rem in 0..2, whatever the rounding
    rem = e - 3.0 * q
    big = _scale_f64(m, rem)
    y = _mad(_mad(_mad(_mad(_mad(_C5, m, _C4), m, _C3), m, _C2), m, _C1), m, _C0)
    y = y * (1.0 if rem == 0.0 else (_CBRT_HALF if rem == 1.0 else _CBRT_QUARTER))
    y = _mad(y * (1.0 / 3.0), _mad(-big * y, y * y, 1.0), y)      # Newton on 1/M - y^3 = 0
    return big * y * y, big, y, (q - 18.0 if tiny else q)


@njit(error_model="numpy", cache=True)
def cbrt_f64(x):
    _inline_everywhere()
    a = abs(x)
    t, big, y, q = _cube_root_parts(a)
    sq = t * t
    residual = _mad(-sq, t, big) - _mad(t, t, -sq) * t          # M - t^3, exact to ~2**-100 of M
    t = _mad(residual * (1.0 / 3.0), y * y, t)
    out = math.copysign(_scale_f64(t, q), x)
    return x if (a == 0.0 or a == np.inf or x != x) else out     # 0, inf and NaN: x itself


@njit(error_model="numpy", cache=True)
def cbrt_f32(x):
    """float64's, rounded once (double rounding only within 2**-29 of a halfway point)."""
    _inline_everywhere()
    return np.float32(cbrt_f64(np.float64(x)))
