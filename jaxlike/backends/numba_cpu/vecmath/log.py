"""log and log1p in float32 and float64 that LLVM vectorizes: x = 2**k * (1 + f) from the bit fields, log(1 + f)
from s = f / (2 + f) and a polynomial in s^2 (fdlibm's scheme). numpy 2 runs these with SIMD; the C library's
scalar calls kept our loops 4-11x slower than numpy's (1M float64: log 4.4 vs 1.2 ms).

``log_parts``: float64 log as hi + lo to ~2**-68 of the result, for pow (whose exp turns an absolute
error of y log x, up to 745, into a relative one) and log2/log10 (the two parts times 1/ln 2 or 1/ln 10 in
two parts: correctly rounded but for rare cases, so exact at powers of 2 and 10 as numpy's are; log(x) /
ln 2 missed 21% of the powers of 2): a table of 128 points c puts z / c within 2**-8 of 1.
"""

import decimal
import struct

import numpy as np
from numba import njit

from .arith import (_mad, _mantissa, _exponent, _ONE, _HALF_32, _TWO_32, _inline_everywhere, _split_for_table,
                    _two_sum, _TABLE_START, TABLE_BITS)
from .exp import _LN2_HI, _LN2_LO

_LG1, _LG2, _LG3 = 6.666666666666735130e-01, 3.999999999940941908e-01, 2.857142874366239149e-01
_LG4, _LG5, _LG6 = 2.222219843214978396e-01, 1.818357216161805012e-01, 1.531383769920937332e-01
_LG7 = 1.479819860511658591e-01   # minimax coefficients of (log((1+s)/(1-s)) - 2s) / s on s^2 <= 0.0295
_LN2_HI_LOG, _LN2_LO_LOG = 6.93147180369123816490e-01, 1.90821492927058770002e-10   # k * _LN2_HI_LOG is exact
_TINY_64 = 2.2250738585072014e-308   # the smallest normal float64
_SQRT2 = 1.4142135623730951


@njit(error_model="numpy", cache=True)
def _log_plus(x, c):
    """log(x) + c for x > 0 finite and a small c, c added with the last terms (log1p's correction): x =
    2**k * (1 + f) with 1 + f in [sqrt(2)/2, sqrt(2)), log(1 + f) = 2s + s * R(s^2) with s = f / (2 + f),
    k * ln 2 in two parts. Denormal x is scaled by 2**52 first."""
    _inline_everywhere()
    tiny = x < _TINY_64
    y = x * 4503599627370496.0 if tiny else x
    m = _mantissa(y)
    k = _exponent(y) - (52.0 if tiny else 0.0)
    big = m > _SQRT2
    m = m * 0.5 if big else m
    k = k + 1.0 if big else k
    f = m - 1.0
    s = f / (2.0 + f)
    z = s * s
    w = z * z
    r = _mad(w, _mad(w, _mad(w, _LG7, _LG5), _LG3), _LG1) * z + _mad(w, _mad(w, _LG6, _LG4), _LG2) * w
    half_ff = 0.5 * f * f
    return k * _LN2_HI_LOG - ((half_ff - (s * (half_ff + r) + (k * _LN2_LO_LOG + c))) - f)


@njit(error_model="numpy", cache=True)
def _domain(x, low, out, neg_inf, nan):
    """``out`` where x > low, -inf at low, NaN below it and at NaN: the edges of log's domain, as numpy's."""
    _inline_everywhere()
    return out if x > low else (neg_inf if x == low else nan)


@njit(error_model="numpy", cache=True)
def log_f64(x):
    """log(x): within 0.7 ulp for x > 0, inf at inf, -inf at 0, NaN below 0 and at NaN."""
    _inline_everywhere()
    out = _log_plus(x, 0.0)
    return _domain(x, 0.0, out if x < np.inf else x, -np.inf, np.nan)


@njit(error_model="numpy", cache=True)
def log1p_f64(x):
    """log(1 + x) for x > -1 (the template's domain): log(u), u = 1 + x, corrected by u's rounding error,
    log(1 + x) = log(u) - ((u - 1) - x) / u to first order; x itself where u rounds to 1."""
    _inline_everywhere()
    u = 1.0 + x
    out = _log_plus(u, -((u - 1.0) - x) / u)
    return _domain(x, -1.0, x if u == 1.0 else (out if u < np.inf else u), -np.inf, np.nan)


# float32: as float64 with float32 constants and a shorter polynomial (Taylor's 2/3, 2/5, 2/7, 2/9 in
# s^2 <= 0.0295): within 1 ulp of float64's result.
_TINY_32 = np.float32(1.17549435e-38)
_SQRT2_32 = np.float32(1.4142135)
_L1, _L2, _L3, _L4 = np.float32(2 / 3), np.float32(2 / 5), np.float32(2 / 7), np.float32(2 / 9)
_NEG_INF_32, _NAN_32 = np.float32(-np.inf), np.float32(np.nan)


@njit(error_model="numpy", cache=True)
def _log_plus_f32(x, c):
    _inline_everywhere()
    tiny = x < _TINY_32
    y = x * np.float32(8388608.0) if tiny else x
    m = _mantissa(y)
    k = _exponent(y) - (np.float32(23.0) if tiny else np.float32(0.0))
    big = m > _SQRT2_32
    m = m * _HALF_32 if big else m
    k = k + _ONE if big else k
    f = m - _ONE
    s = f / (_TWO_32 + f)
    z = s * s
    r = _mad(_mad(_mad(_L4, z, _L3), z, _L2), z, _L1) * z
    half_ff = _HALF_32 * f * f
    return k * _LN2_HI - ((half_ff - (s * (half_ff + r) + (k * _LN2_LO + c))) - f)


@njit(error_model="numpy", cache=True)
def log_f32(x):
    _inline_everywhere()
    out = _log_plus_f32(x, np.float32(0.0))
    return _domain(x, np.float32(0.0), out if x < np.float32(np.inf) else x, _NEG_INF_32, _NAN_32)


@njit(error_model="numpy", cache=True)
def log1p_f32(x):
    _inline_everywhere()
    u = _ONE + x
    out = _log_plus_f32(u, -((u - _ONE) - x) / u)
    return _domain(x, -_ONE, x if u == _ONE else (out if u < np.float32(np.inf) else u), _NEG_INF_32, _NAN_32)


def log_table():
    """Per interval of ``arith._split_for_table``: 1 / c for c its midpoint (1.0 in the interval holding 1,
    where log x is then r itself, exact to its last bit) and -log(1 / c), exactly, as hi + lo."""
    def value(bits):
        return struct.unpack("<d", struct.pack("<Q", bits))[0]
    step, context = 2 ** (52 - TABLE_BITS), decimal.Context(prec=40)
    inverse, log_hi, log_lo = [], [], []
    for i in range(2 ** TABLE_BITS):
        a, b = value(_TABLE_START + i * step), value(_TABLE_START + (i + 1) * step)
        inv = 1.0 if a <= 1.0 < b else 1.0 / (0.5 * (a + b))
        exact = -context.ln(decimal.Decimal(inv))
        hi = float(exact)
        inverse.append(inv)
        log_hi.append(hi)
        log_lo.append(float(exact - decimal.Decimal(hi)))
    return np.array(inverse), np.array(log_hi), np.array(log_lo)


_INV_C, _LOG_C_HI, _LOG_C_LO = log_table()
_LN2_HI_PARTS, _LN2_LO_PARTS = 0.693147180559663, 2.8235290563031577e-13   # 12 low bits zero: k * hi is exact
# log1p(r) - r + r^2 / 2 = r^3 (1/3 - r/4 + ... + r^6/9): Taylor's next term is below 2**-83 of r for |r| <= 2**-8
_R3, _R4, _R5, _R6, _R7, _R8, _R9 = 1 / 3, -1 / 4, 1 / 5, -1 / 6, 1 / 7, -1 / 8, 1 / 9


@njit(error_model="numpy", cache=True)
def log_parts(x):
    """log(x) as hi + lo for a positive finite x (denormals scaled by 2**52 first): x = 2**k * z, r = z / c - 1
    exactly as r + r_lo (z * (1/c) error-free), and k ln 2 + log(c) + r - r^2 / 2 summed error-free, the
    smaller terms and the polynomial tail in lo (not renormalized: lo may reach 2**-17 of hi, which the
    callers' sums allow)."""
    _inline_everywhere()
    tiny = x < _TINY_64
    z, k, i = _split_for_table(x * 4503599627370496.0 if tiny else x)
    k = k - 52.0 if tiny else k
    inv = _INV_C[i]
    p = z * inv
    p_err = _mad(z, inv, -p)
    r0 = p - 1.0                          # exact: p is within 2**-7 of 1
    r = r0 + p_err
    r_lo = p_err - (r - r0)
    sq = r * r
    sq_err = _mad(r, r, -sq)
    s, e1 = _two_sum(k * _LN2_HI_PARTS, _LOG_C_HI[i])
    s, e2 = _two_sum(s, r)
    s, e3 = _two_sum(s, -0.5 * sq)
    tail = sq * r * _mad(_mad(_mad(_mad(_mad(_mad(_R9, r, _R8), r, _R7), r, _R6), r, _R5), r, _R4), r, _R3)
    lo = (e1 + e2 + e3) + (k * _LN2_LO_PARTS + _LOG_C_LO[i]) + (r_lo - 0.5 * sq_err - r * r_lo) + tail
    hi = s + lo
    return hi, lo - (hi - s)


@njit(error_model="numpy", cache=True)
def _fast_two_sum(a, b):
    """a + b and its rounding error where |a| >= |b| or a == 0 (Dekker): k ln 2 is 0 or beyond log(c), log(c)
    is 0 (c = 1) or beyond r, and r beyond r^2 / 2."""
    _inline_everywhere()
    s = a + b
    return s, b - (s - a)


def _inverse_log_parts(base):
    """1 / ln(base) as hi + lo."""
    exact = 1 / decimal.Context(prec=40).ln(decimal.Decimal(base))
    return float(exact), float(exact - decimal.Decimal(float(exact)))


_INV_LN2_HI, _INV_LN2_LO = _inverse_log_parts(2)
_INV_LN10_HI, _INV_LN10_LO = _inverse_log_parts(10)


@njit(error_model="numpy", cache=True)
def _log_scaled(x, c_hi, c_lo):
    """log(x) * c for x > 0 (and inf: x), c = c_hi + c_lo, from ``log_parts``; -inf at 0, NaN below."""
    _inline_everywhere()
    hi, lo = log_parts(x)
    p = hi * c_hi
    out = p + (_mad(hi, c_hi, -p) + _mad(lo, c_hi, hi * c_lo))
    return _domain(x, 0.0, out if x < np.inf else x, -np.inf, np.nan)


@njit(error_model="numpy", cache=True)
def log2_f64(x):
    _inline_everywhere()
    return _log_scaled(x, _INV_LN2_HI, _INV_LN2_LO)


@njit(error_model="numpy", cache=True)
def log10_f64(x):
    _inline_everywhere()
    return _log_scaled(x, _INV_LN10_HI, _INV_LN10_LO)


@njit(error_model="numpy", cache=True)
def _log_scaled_f32(x, c):
    """float64's log times c, rounded once: ~2**-52 off before the rounding (exact at powers of the base)."""
    _inline_everywhere()
    out = np.float32(log_f64(np.float64(x)) * c)
    return out if x < np.float32(np.inf) else x


@njit(error_model="numpy", cache=True)
def log2_f32(x):
    _inline_everywhere()
    return _log_scaled_f32(x, _INV_LN2_HI)


@njit(error_model="numpy", cache=True)
def log10_f32(x):
    _inline_everywhere()
    return _log_scaled_f32(x, _INV_LN10_HI)
