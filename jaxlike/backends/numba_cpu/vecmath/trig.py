"""sin, cos and tan (below TRIG_LIMIT) and atan in float32 and float64 that LLVM vectorizes. sin/cos loops are
"two-pass" (``simd.two_pass``): beyond the limit the kernel reruns with the C library.
"""

import math

import numpy as np
from numba import njit

from .arith import _mad, _rint, _two_sum, _ONE, _TWO_32, _inline_everywhere

# -- sin and cos (float64) ------------------------------------------------------------------------------------
# x = j * pi/2 + z with |z| <= pi/4. pi/2 is split as fdlibm does: three 33-bit parts and a tail, so j * part
# is exact for |j| < 2**20 (|x| < TRIG_LIMIT); the subtractions are carried with their rounding errors
# (error-free sums), about 150 bits of pi/2 in all, enough for the doubles closest to a multiple of pi/2.
# Larger arguments go to the C library's sin/cos: the loops that use these record whether any argument
# reached TRIG_LIMIT and rerun their scalar form if one did (``loops.py``).
TRIG_LIMIT = 1048576.0      # 2**20
_TWO_OVER_PI = 0.6366197723675814
_PIO2_1, _PIO2_2, _PIO2_3 = 1.57079632673412561417e+00, 6.07710050630396597660e-11, 2.02226624871116645580e-21
_PIO2_3T = 8.47842766036889956997e-32
# Cephes' minimax coefficients for sin and cos on [-pi/4, pi/4]
_S1, _S2, _S3 = 1.58962301576546568060e-10, -2.50507477628578072866e-8, 2.75573136213857245213e-6
_S4, _S5, _S6 = -1.98412698295895385996e-4, 8.33333333332211858878e-3, -1.66666666666666307295e-1
_C1, _C2, _C3 = -1.13585365213876817300e-11, 2.08757008419747316778e-9, -2.75573141792967388112e-7
_C4, _C5, _C6 = 2.48015872888517045348e-5, -1.38888888888730564116e-3, 4.16666666666665929218e-2


@njit(inline="always", error_model="numpy", cache=True)
def _quadrant(x):
    """(z, its low part, j mod 4) with x = j * pi/2 + z: all in float64, so the loop needs no float -> int64
    conversion."""
    j = np.floor(x * _TWO_OVER_PI + 0.5)
    a = x - j * _PIO2_1                 # NOTE: exact (Sterbenz): x and j * _PIO2_1 are within pi/4
    s1, e1 = _two_sum(a, -(j * _PIO2_2))
    s2, e2 = _two_sum(s1, -(j * _PIO2_3))
    tail = (e1 + e2) - j * _PIO2_3T
    z = s2 + tail
    return z, (s2 - z) + tail, j - 4.0 * np.floor(j * 0.25)


@njit(inline="always", error_model="numpy", cache=True)
def _sin_parts(z, z_lo, zz):
    """sin(z + z_lo) as an unevaluated sum: z and a small rest."""
    return z, z_lo + z * zz * _mad(_mad(_mad(_mad(_mad(_S1, zz, _S2), zz, _S3), zz, _S4), zz, _S5), zz, _S6)


@njit(inline="always", error_model="numpy", cache=True)
def _cos_parts(z, z_lo, zz):
    """cos(z + z_lo) as an unevaluated sum: 1 - zz/2 rounded, and what that rounding lost with the tail
    (fdlibm's form)."""
    hz = 0.5 * zz
    w = 1.0 - hz
    tail = zz * zz * _mad(_mad(_mad(_mad(_mad(_C1, zz, _C2), zz, _C3), zz, _C4), zz, _C5), zz, _C6)
    return w, ((1.0 - w) - hz) + (tail - z * z_lo)


@njit(inline="always", error_model="numpy", cache=True)
def _sin_poly(z, z_lo, zz):
    hi, lo = _sin_parts(z, z_lo, zz)
    return hi + lo


@njit(inline="always", error_model="numpy", cache=True)
def _cos_poly(z, z_lo, zz):
    hi, lo = _cos_parts(z, z_lo, zz)
    return hi + lo


@njit(error_model="numpy", cache=True)
def sin_f64(x):
    """sin for |x| < TRIG_LIMIT (sin(-0.0) is -0.0, NaN gives NaN)."""
    _inline_everywhere()
    z, z_lo, q = _quadrant(x)
    zz = z * z
    y = _cos_poly(z, z_lo, zz) if (q == 1.0 or q == 3.0) else _sin_poly(z, z_lo, zz)
    y = -y if q >= 2.0 else y
    return x if x == 0.0 else y     # NOTE: keeps the sign of a zero, which z + (...) loses


@njit(error_model="numpy", cache=True)
def cos_f64(x):
    """cos for |x| < TRIG_LIMIT."""
    _inline_everywhere()
    z, z_lo, q = _quadrant(x)
    zz = z * z
    y = _sin_poly(z, z_lo, zz) if (q == 1.0 or q == 3.0) else _cos_poly(z, z_lo, zz)
    return -y if (q == 1.0 or q == 2.0) else y


@njit(error_model="numpy", cache=True)
def tan_f64(x):
    """tan for |x| < TRIG_LIMIT: sin(z) / cos(z), or -cos(z) / sin(z) in the odd quadrants."""
    _inline_everywhere()
    z, z_lo, q = _quadrant(x)
    zz = z * z
    s_hi, s_rest = _sin_parts(z, z_lo, zz)
    c_hi, c_rest = _cos_parts(z, z_lo, zz)
    s, c = s_hi + s_rest, c_hi + c_rest
    s_lo, c_lo = (s_hi - s) + s_rest, (c_hi - c) + c_rest     # exact: the first parts are the larger
    odd = q == 1.0 or q == 3.0
    num, num_lo = (-c if odd else s), (-c_lo if odd else s_lo)
    den, den_lo = (s if odd else c), (s_lo if odd else c_lo)
    rcp = 1.0 / den
    y = num * rcp
    # one Newton step on y * den = num with both low parts: sin and cos each rounded would leave 2.1 ulp
    y = _mad(_mad(-y, den, num) + (num_lo - y * den_lo), rcp, y)
    return x if x == 0.0 else y


# float32 sin and cos compute in float64 but need only ~2**-30 of it: pi/2 in two parts (x - j * _PIO2_1 exact,
# the second product's rounding ~2**-53 of j * 6e-11, pi/2's remaining tail 2e-21 * j: far below the smallest
# reduced value of a float32 under TRIG_LIMIT, ~2**-30) and Taylor polynomials to z^11 / z^10 (truncation
# 2**-28 of the result at pi/4). Within 0.502 ulp over every 7th float32 in [1, 2**20); the float64 forms
# rounded took 2.2x as long (1M values 1.77 vs 0.81 ms in one thread).
_PIO2_1T = 6.07710050650619224932e-11     # pi/2 - _PIO2_1
_F2, _F4, _F6, _F8, _F10 = -1 / 2, 1 / 24, -1 / 720, 1 / 40320, -1 / 3628800
_F3, _F5, _F7, _F9, _F11 = -1 / 6, 1 / 120, -1 / 5040, 1 / 362880, -1 / 39916800


@njit(inline="always", error_model="numpy", cache=True)
def _quadrant_short(x):
    j = _rint(x * _TWO_OVER_PI)
    z = (x - j * _PIO2_1) - j * _PIO2_1T
    return z, j - 4.0 * np.floor(j * 0.25)


@njit(inline="always", error_model="numpy", cache=True)
def _sin_short(z, zz):
    return _mad(z * zz, _mad(_mad(_mad(_mad(_F11, zz, _F9), zz, _F7), zz, _F5), zz, _F3), z)


@njit(inline="always", error_model="numpy", cache=True)
def _cos_short(zz):
    return _mad(zz, _mad(_mad(_mad(_mad(_F10, zz, _F8), zz, _F6), zz, _F4), zz, _F2), 1.0)


@njit(error_model="numpy", cache=True)
def sin_f32(x):
    """sin of a float32 below TRIG_LIMIT."""
    _inline_everywhere()
    z, q = _quadrant_short(np.float64(x))
    zz = z * z
    y = _cos_short(zz) if (q == 1.0 or q == 3.0) else _sin_short(z, zz)
    y = np.float32(-y if q >= 2.0 else y)
    return x if x == 0 else y       # NOTE: keeps the sign of a zero


@njit(error_model="numpy", cache=True)
def cos_f32(x):
    """cos of a float32 below TRIG_LIMIT."""
    _inline_everywhere()
    z, q = _quadrant_short(np.float64(x))
    zz = z * z
    y = _sin_short(z, zz) if (q == 1.0 or q == 3.0) else _cos_short(zz)
    return np.float32(-y if (q == 1.0 or q == 2.0) else y)


@njit(error_model="numpy", cache=True)
def tan_f32(x):
    """tan of a float32 below TRIG_LIMIT."""
    _inline_everywhere()
    z, q = _quadrant_short(np.float64(x))
    zz = z * z
    s, c = _sin_short(z, zz), _cos_short(zz)
    odd = q == 1.0 or q == 3.0
    y = np.float32((-c if odd else s) / (s if odd else c))
    return x if x == 0 else y


# atan: |x| is taken to t near 0 by atan(x) = atan(c) + atan((x - c) / (1 + c x)) for c = 0, 1/2, 1, 3/2 and
# inf by ranges (fdlibm's split), then an odd minimax polynomial of degree 23 in t; atan(c) in two parts.
_AT0, _AT1, _AT2 = 3.33333333333329318027e-01, -1.99999999998764832476e-01, 1.42857142725034663711e-01
_AT3, _AT4, _AT5 = -1.11111104054623557880e-01, 9.09088713343650656196e-02, -7.69187620504482999495e-02
_AT6, _AT7, _AT8 = 6.66107313738753120669e-02, -5.83357013379057348645e-02, 4.97687799461593236017e-02
_AT9, _AT10 = -3.65315727442169155270e-02, 1.62858201153657823623e-02
_ATAN_HI = (4.63647609000806093515e-01, 7.85398163397448278999e-01, 9.82793723247329054082e-01,
            1.57079632679489655800e+00)
_ATAN_LO = (2.26987774529616870924e-17, 3.06161699786838301793e-17, 1.39033110312309984516e-17,
            6.12323399573676603587e-17)
_AH0, _AH1, _AH2, _AH3 = _ATAN_HI
_AL0, _AL1, _AL2, _AL3 = _ATAN_LO


@njit(inline="always", error_model="numpy", cache=True)
def _atan_parts(a):
    """atan(a) for a >= 0 as hi + rest, hi the range's atan(c) (exact) or 0; each lane picks its range's
    constants by selects, so the loop stays straight."""
    r0, r1, r2, r3 = a < 0.4375, a < 0.6875, a < 1.1875, a < 2.4375
    num = a if r0 else (2.0 * a - 1.0 if r1 else (a - 1.0 if r2 else (a - 1.5 if r3 else -1.0)))
    den = 1.0 if r0 else (2.0 + a if r1 else (a + 1.0 if r2 else (1.0 + 1.5 * a if r3 else a)))
    hi = 0.0 if r0 else (_AH0 if r1 else (_AH1 if r2 else (_AH2 if r3 else _AH3)))
    lo = 0.0 if r0 else (_AL0 if r1 else (_AL1 if r2 else (_AL2 if r3 else _AL3)))
    t = num / den
    z = t * t
    w = z * z
    s1 = z * _mad(w, _mad(w, _mad(w, _mad(w, _mad(w, _AT10, _AT8), _AT6), _AT4), _AT2), _AT0)
    s2 = w * _mad(w, _mad(w, _mad(w, _mad(w, _AT9, _AT7), _AT5), _AT3), _AT1)
    return hi, -((t * (s1 + s2) - lo) - t)


@njit(error_model="numpy", cache=True)
def atan_f64(x):
    """atan(x) within 1 ulp."""
    _inline_everywhere()
    hi, rest = _atan_parts(abs(x))
    out = math.copysign(hi + rest, x)
    return out if x == x else x


# float32 atan: the same ranges, float32 atan(c) in two parts, and a degree-4 polynomial in t^2 fitted here
# (weighted least squares iterated towards minimax on t^2 <= 0.4375^2: 1.2e-9 of the result at worst)
_AF0, _AF1, _AF2 = np.float32(0.33333305), np.float32(-0.19997767), np.float32(0.1423004)
_AF3, _AF4 = np.float32(-0.10493653), np.float32(0.05825203)
_AFH0, _AFH1, _AFH2, _AFH3 = np.float32(0.4636476), np.float32(0.7853982), np.float32(0.98279375), np.float32(1.5707964)
_AFL0, _AFL1 = np.float32(5.0121587e-09), np.float32(-2.1855694e-08)
_AFL2, _AFL3 = np.float32(-2.5131424e-08), np.float32(-4.371139e-08)
_Q0, _Q1, _Q2, _Q3 = np.float32(0.4375), np.float32(0.6875), np.float32(1.1875), np.float32(2.4375)
_ONE_HALF_32, _ZERO_32 = np.float32(1.5), np.float32(0.0)


@njit(error_model="numpy", cache=True)
def atan_f32(x):
    """As atan_f64 in float32 arithmetic: within 1 ulp of float64's result."""
    _inline_everywhere()
    a = abs(x)
    r0, r1, r2, r3 = a < _Q0, a < _Q1, a < _Q2, a < _Q3
    num = a if r0 else (_TWO_32 * a - _ONE if r1 else (a - _ONE if r2 else (a - _ONE_HALF_32 if r3 else -_ONE)))
    den = _ONE if r0 else (_TWO_32 + a if r1 else (a + _ONE if r2 else (_ONE + _ONE_HALF_32 * a if r3 else a)))
    hi = _ZERO_32 if r0 else (_AFH0 if r1 else (_AFH1 if r2 else (_AFH2 if r3 else _AFH3)))
    lo = _ZERO_32 if r0 else (_AFL0 if r1 else (_AFL1 if r2 else (_AFL2 if r3 else _AFL3)))
    t = num / den
    z = t * t
    p = _mad(_mad(_mad(_mad(_AF4, z, _AF3), z, _AF2), z, _AF1), z, _AF0) * z
    out = math.copysign(hi - ((t * p - lo) - t), x)
    return out if x == x else x


# -- asin, acos, atan2 ------------------------------------------------------------------------------------------
# fdlibm's forms: asin(x) = x + x R(x^2) below 0.5 (R a rational minimax fit on [0, 0.25]), and above it
# pi/2 - 2 asin(s) with s = sqrt((1 - |x|) / 2), where s's rounding error comes back from an FMA (t - s^2) and
# pi/2 - 2s is summed error-free; acos by the same pieces. Each lane evaluates R once, at its own t.
# atan2 is atan(|y| / |x|) taken to the quadrant (pi - z for a negative x, -0.0 included) with the C99
# special cases (zeros, infinities) as selects; within 1.4 ulp (the quotient's rounding and atan's).
_PIO2_HI, _PIO2_LO = 1.57079632679489655800e+00, 6.12323399573676603587e-17
_PI_HI, _PI_LO = 3.14159265358979311600e+00, 1.22464679914735317723e-16
_PIO4 = 7.85398163397448278999e-01
_PS0, _PS1, _PS2 = 1.66666666666666657415e-01, -3.25565818622400915405e-01, 2.01212532134862925881e-01
_PS3, _PS4, _PS5 = -4.00555345006794114027e-02, 7.91534994289814532176e-04, 3.47933107596021167570e-05
_QS1, _QS2 = -2.40339491173441421878e+00, 2.02094576023350569471e+00
_QS3, _QS4 = -6.88283971605453293030e-01, 7.70381505559019352791e-02


@njit(inline="always", error_model="numpy", cache=True)
def _asin_parts(a):
    """For 0 <= a <= 1: (r, s, s_lo, t) with t = a^2 below 0.5, else (1 - a) / 2 (exact), s + s_lo =
    sqrt(t) and r = R(t), so that asin(a) = a + a r below 0.5 and asin(s + s_lo) = s + (s_lo + s r)."""
    t = a * a if a < 0.5 else (1.0 - a) * 0.5
    p = t * _mad(t, _mad(t, _mad(t, _mad(t, _mad(t, _PS5, _PS4), _PS3), _PS2), _PS1), _PS0)
    q = _mad(t, _mad(t, _mad(t, _mad(t, _QS4, _QS3), _QS2), _QS1), 1.0)
    s = math.sqrt(t)
    s_lo = _mad(-s, s, t) / (s + s) if s > 0.0 else 0.0
    return p / q, s, s_lo, t


@njit(error_model="numpy", cache=True)
def asin_f64(x):
    """asin for -1 <= x <= 1 (the op template's domain)."""
    _inline_everywhere()
    a = abs(x)
    r, s, s_lo, _ = _asin_parts(a)
    h, h_lo = _two_sum(_PIO2_HI, -2.0 * s)
    far = h + (h_lo + (_PIO2_LO - 2.0 * (s_lo + s * r)))
    return math.copysign(_mad(a, r, a) if a < 0.5 else far, x)


@njit(error_model="numpy", cache=True)
def acos_f64(x):
    """acos for -1 <= x <= 1."""
    _inline_everywhere()
    a = abs(x)
    r, s, s_lo, _ = _asin_parts(a)
    near = _PIO2_HI - (x - (_PIO2_LO - x * r))
    right = 2.0 * (s + (s_lo + s * r))                        # x >= 0.5: 2 asin(s)
    h, h_lo = _two_sum(_PI_HI, -2.0 * s)                     # x <= -0.5: pi - 2 asin(s)
    left = h + (h_lo + (_PI_LO - 2.0 * (s_lo + s * r)))
    out = near if a < 0.5 else (right if x > 0.0 else left)
    return out if x == x else x


@njit(error_model="numpy", cache=True)
def atan2_f64(y, x):
    _inline_everywhere()
    a, b = abs(y), abs(x)
    hi, rest = _atan_parts(a / b)
    both_inf, both_zero = (a == np.inf) & (b == np.inf), (a == 0.0) & (b == 0.0)   # NOTE: & keeps it branch-free
    hi = _PIO4 if both_inf else (0.0 if both_zero else hi)
    rest = 0.0 if both_inf | both_zero else rest
    p, p_lo = _two_sum(_PI_HI, -hi)             # pi - atan in parts: pi - pi/2 must round to pi/2
    out = p + ((p_lo + _PI_LO) - rest) if math.copysign(1.0, x) < 0.0 else hi + rest
    out = math.copysign(out, y)
    return out if out == out else x + y     # NOTE: a NaN as numpy's (not with y's sign)


@njit(error_model="numpy", cache=True)
def asin_f32(x):
    _inline_everywhere()
    return np.float32(asin_f64(np.float64(x)))


@njit(error_model="numpy", cache=True)
def acos_f32(x):
    _inline_everywhere()
    return np.float32(acos_f64(np.float64(x)))


@njit(error_model="numpy", cache=True)
def atan2_f32(y, x):
    _inline_everywhere()
    return np.float32(atan2_f64(np.float64(y), np.float64(x)))
