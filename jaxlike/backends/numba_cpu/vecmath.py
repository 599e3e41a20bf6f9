"""``exp``, ``sigmoid``, ``sin``/``cos``, ``log``, ``log1p``, ``expm1``, ``tanh`` and ``atan`` that LLVM
vectorizes, for fused float32 and float64 loops (``simd.vecmath_template`` puts them in place of the C
library's calls). exp is described here; the others where they are defined.

numba calls the C library's scalar ``expf``/``exp`` (numba from PyPI has no SVML), so an elementwise loop
with an exp runs one element at a time: ~3 ns per element here, against ~0.4 for numpy's SIMD exp. These
versions are straight-line code (Cody-Waite range reduction, Cephes' polynomial (float32) or a degree-13 one
with error-free sums (float64), 2**n built from the exponent bits) with no calls and no branches, so the loop
vectorizes (8 wide in float32, 4 in float64 on AVX2): float32 exp 3x and sigmoid 5x faster, float64 exp
1.5-2x. Accuracy, checked over the whole range in the tests: float32 exp within 1 ulp of the correctly
rounded result, float64 within 0.64 ulp (98.7% correctly rounded; the C library's 99.9%); denormal results
and the inf/NaN/overflow cases agree with numpy.

Why the integer tricks: numba computes ``math.floor`` and integer arithmetic in int64, and AVX2 has no
vector float -> int64 conversion, which scalarizes the loop. float32 builds 2**n in int32; float64 reads n
out of the low bits of n + 1.5 * 2**52 (exact for |n| < 2**51), so neither converts.
"""

import math

import numba
import numpy as np
from llvmlite import binding as llvm
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic


def _target_has_fma():
    """Whether numba compiles for a CPU with fused multiply-add (the host, unless NUMBA_CPU_NAME says
    otherwise): without one, LLVM's fma is a C-library call in every iteration."""
    if numba.config.CPU_NAME:
        return "+fma" in (numba.config.CPU_FEATURES or "")
    return bool(llvm.get_host_cpu_features().get("fma", False))


_FMA = _target_has_fma()


@intrinsic
def _mad(typingctx, a, b, c):
    """a * b + c, in one rounding (an FMA instruction) where the target has one, else as written. Used for
    the polynomial steps only: it halves their instructions (float64 exp over 1e7 elements 16-19 -> 13 ms)
    and is at least as accurate; the error-free sums around them stay plain."""
    if not (a == b == c and isinstance(a, types.Float)):
        return None

    def codegen(context, builder, sig, args):
        if not _FMA:
            return builder.fadd(builder.fmul(args[0], args[1]), args[2])
        fty = context.get_value_type(sig.return_type)
        fn = builder.module.declare_intrinsic("llvm.fma", [fty], ir.FunctionType(fty, [fty, fty, fty]))
        return builder.call(fn, args)
    return a(a, b, c), codegen


@intrinsic
def _clamp(typingctx, x, lo, hi):
    """x limited to [lo, hi] as one max and one min instruction. The comparisons carry LLVM's ``nnan``
    flag, which is what lets it use them: for a NaN x the result is unspecified (not undefined
    behaviour), so callers must select their NaN result after (exp does: ``out if x == x else x``)."""
    if not (x == lo == hi and isinstance(x, types.Float)):
        return None

    def codegen(context, builder, sig, args):
        x, lo, hi = args
        nnan = ("nnan",)
        x = builder.select(builder.fcmp_ordered(">", x, lo, flags=nnan), x, lo, flags=nnan)
        return builder.select(builder.fcmp_ordered("<", x, hi, flags=nnan), x, hi, flags=nnan)
    return x(x, x, x), codegen


@intrinsic
def _rint(typingctx, x):
    """x rounded to the nearest integer (ties to even): one rounding instruction, where
    ``floor(x + 0.5)`` takes an add and a rounding."""
    if not isinstance(x, types.Float):
        return None

    def codegen(context, builder, sig, args):
        fty = context.get_value_type(sig.return_type)
        fn = builder.module.declare_intrinsic("llvm.rint", [fty], ir.FunctionType(fty, [fty]))
        return builder.call(fn, args)
    return x(x), codegen


@intrinsic
def _scale_f32(typingctx, p, n):
    """p * 2**n for an integral float32 n in [-150, 128], as p * 2**h * 2**(n - h) with h = n >> 1: each
    factor is a normal float32, so results down to the denormals and up to inf are one correctly rounded
    product. The exponents are worked out in int32 (one conversion, shifts and adds)."""
    if p != types.float32 or n != types.float32:
        return None

    def codegen(context, builder, sig, args):
        i32 = ir.IntType(32)
        k = builder.fptosi(args[1], i32)
        h = builder.ashr(k, ir.Constant(i32, 1))
        bias, shift = ir.Constant(i32, 127), ir.Constant(i32, 23)
        f_h = builder.bitcast(builder.shl(builder.add(h, bias), shift), ir.FloatType())
        f_l = builder.bitcast(builder.shl(builder.add(builder.sub(k, h), bias), shift), ir.FloatType())
        return builder.fmul(builder.fmul(args[0], f_h), f_l)
    return types.float32(types.float32, types.float32), codegen


_LOG2E = np.float32(1.4426950408889634)
_LN2_HI = np.float32(0.693359375)        # ln 2 split so that n * _LN2_HI is exact for |n| <= 2**8
_LN2_LO = np.float32(-2.12194440e-4)
_P0, _P1, _P2 = np.float32(1.9875691500e-4), np.float32(1.3981999507e-3), np.float32(8.3334519073e-3)
_P3, _P4, _P5 = np.float32(4.1665795894e-2), np.float32(1.6666665459e-1), np.float32(5.0000001201e-1)
_ONE = np.float32(1.0)
_LOW, _HIGH = np.float32(-104.0), np.float32(89.0)   # below: 0 (exp(-103.97) is the smallest denormal); above: inf


@njit(inline="always", error_model="numpy", cache=True)
def exp_f32(x):
    xc = _clamp(x, _LOW, _HIGH)
    n = _rint(xc * _LOG2E)
    r = _mad(-n, _LN2_LO, _mad(-n, _LN2_HI, xc))
    p = _mad(_mad(_mad(_mad(_mad(_P0, r, _P1), r, _P2), r, _P3), r, _P4), r, _P5)
    p = p * r * r + r + _ONE
    out = _scale_f32(p, n)
    return out if x == x else x


@njit(inline="always", error_model="numpy", cache=True)
def sigmoid_f32(x):
    """1 / (1 + exp(-x)) from exp(-|x|): no overflow, exact tails (e / (1 + e) for x < 0), one exp."""
    e = exp_f32(-abs(x))
    return (_ONE if x >= 0 else e) / (_ONE + e)


@intrinsic
def _scale_f64(typingctx, p, n):
    """p * 2**n for an integral float64 n in [-1075, 1024], as ``_scale_f32`` does in float32. n is read
    from the low bits of n + 1.5 * 2**52 (exact for |n| < 2**51) and halved with a logical shift of
    n + 2048: AVX2 converts no float64 to int64 and shifts no int64 arithmetically."""
    if p != types.float64 or n != types.float64:
        return None

    def codegen(context, builder, sig, args):
        i64 = ir.IntType(64)
        shifted = builder.fadd(args[1], ir.Constant(ir.DoubleType(), 6755399441055744.0))
        k = builder.sub(builder.bitcast(shifted, i64), ir.Constant(i64, 0x4338000000000000 - 2048))
        h = builder.lshr(k, ir.Constant(i64, 1))                 # floor(n / 2) + 1024
        l = builder.sub(k, h)                                     # n - floor(n / 2) + 1024
        shift, bias = ir.Constant(i64, 52), ir.Constant(i64, 1023 - 1024)
        f_h = builder.bitcast(builder.shl(builder.add(h, bias), shift), ir.DoubleType())
        f_l = builder.bitcast(builder.shl(builder.add(l, bias), shift), ir.DoubleType())
        return builder.fmul(builder.fmul(args[0], f_h), f_l)
    return types.float64(types.float64, types.float64), codegen


_LOG2E_64 = 1.4426950408889634
_LN2_HI_64, _LN2_LO_64 = 6.93145751953125e-1, 1.42860682030941723212e-6   # n * _LN2_HI_64 is exact
# Taylor coefficients 1/k!, k = 2..13: on |r| <= ln(2)/2 the truncation error is below 1e-18
_T2, _T3, _T4, _T5, _T6, _T7 = 1 / 2, 1 / 6, 1 / 24, 1 / 120, 1 / 720, 1 / 5040
_T8, _T9, _T10, _T11, _T12, _T13 = 1 / 40320, 1 / 362880, 1 / 3628800, 1 / 39916800, 1 / 479001600, 1 / 6227020800
_LOW_64, _HIGH_64 = -746.0, 710.0   # below: 0 (exp(-745.13) is the smallest denormal); above: inf


@njit(inline="always", error_model="numpy", cache=True)
def exp_f64(x):
    """Within 0.64 ulp, correctly rounded for 98.7% of arguments (exp(1) is numpy's e): r and 1 + r are
    carried with their rounding errors (error-free sums), which the polynomial's tail then absorbs."""
    xc = _clamp(x, _LOW_64, _HIGH_64)
    n = _rint(xc * _LOG2E_64)
    r_hi = _mad(-n, _LN2_HI_64, xc)       # exact either way: n * _LN2_HI_64 is
    r_lo = -(n * _LN2_LO_64)
    r = r_hi + r_lo
    r_err = (r_hi - r) + r_lo
    q = _mad(_mad(_mad(_mad(_mad(_mad(_mad(_mad(_mad(_mad(_mad(_T13, r, _T12), r, _T11), r, _T10), r, _T9), r,
                                                   _T8), r, _T7), r, _T6), r, _T5), r, _T4), r, _T3), r, _T2)
    one_r = 1.0 + r
    one_r_err = (1.0 - one_r) + r
    e = one_r + (one_r_err + (r * r * q + r_err * (1.0 + r)))
    out = _scale_f64(e, n)
    return out if x == x else x


@njit(inline="always", error_model="numpy", cache=True)
def sigmoid_f64(x):
    """As ``sigmoid_f32``, in float64."""
    e = exp_f64(-abs(x))
    return (1.0 if x >= 0 else e) / (1.0 + e)


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
def _two_sum(a, b):
    """a + b and its rounding error (Knuth's TwoSum, no condition on the magnitudes)."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


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
def _sin_poly(z, z_lo, zz):
    return z + (z_lo + z * zz * _mad(_mad(_mad(_mad(_mad(_S1, zz, _S2), zz, _S3), zz, _S4), zz, _S5), zz, _S6))


@njit(inline="always", error_model="numpy", cache=True)
def _cos_poly(z, z_lo, zz):
    # NOTE: 1 - zz/2 rounded, and what that rounding lost added back with the tail (fdlibm's form)
    hz = 0.5 * zz
    w = 1.0 - hz
    tail = zz * zz * _mad(_mad(_mad(_mad(_mad(_C1, zz, _C2), zz, _C3), zz, _C4), zz, _C5), zz, _C6)
    return w + (((1.0 - w) - hz) + (tail - z * z_lo))


@njit(inline="always", error_model="numpy", cache=True)
def sin_f64(x):
    """sin for |x| < TRIG_LIMIT (sin(-0.0) is -0.0, NaN gives NaN)."""
    z, z_lo, q = _quadrant(x)
    zz = z * z
    y = _cos_poly(z, z_lo, zz) if (q == 1.0 or q == 3.0) else _sin_poly(z, z_lo, zz)
    y = -y if q >= 2.0 else y
    return x if x == 0.0 else y     # NOTE: keeps the sign of a zero, which z + (...) loses


@njit(inline="always", error_model="numpy", cache=True)
def cos_f64(x):
    """cos for |x| < TRIG_LIMIT."""
    z, z_lo, q = _quadrant(x)
    zz = z * z
    y = _sin_poly(z, z_lo, zz) if (q == 1.0 or q == 3.0) else _cos_poly(z, z_lo, zz)
    return -y if (q == 1.0 or q == 2.0) else y


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


@njit(inline="always", error_model="numpy", cache=True)
def sin_f32(x):
    """sin of a float32 below TRIG_LIMIT."""
    z, q = _quadrant_short(np.float64(x))
    zz = z * z
    y = _cos_short(zz) if (q == 1.0 or q == 3.0) else _sin_short(z, zz)
    y = np.float32(-y if q >= 2.0 else y)
    return x if x == 0 else y       # NOTE: keeps the sign of a zero


@njit(inline="always", error_model="numpy", cache=True)
def cos_f32(x):
    """cos of a float32 below TRIG_LIMIT."""
    z, q = _quadrant_short(np.float64(x))
    zz = z * z
    y = _sin_short(z, zz) if (q == 1.0 or q == 3.0) else _cos_short(zz)
    return np.float32(-y if (q == 1.0 or q == 2.0) else y)


_LN2_64 = 0.6931471805599453


@njit(inline="always", error_model="numpy", cache=True)
def _expm1_wide(y):
    """expm1(y) to ~2**-30 of the result, for float64 y in [-18, 89] that came from float32 (float32's
    expm1 and tanh): one reduction constant, Taylor terms to r^9 (truncation 2**-30.6 of p at ln(2)/2), and
    2**n * p + (2**n - 1) in one FMA, which float64's 29 spare bits make as good as exact for float32."""
    n = _rint(y * _LOG2E_64)
    r = _mad(-n, _LN2_64, y)
    p = _mad(r * r, _mad(_mad(_mad(_mad(_mad(_mad(_mad(_T9, r, _T8), r, _T7), r, _T6), r, _T5), r, _T4), r, _T3),
                         r, _T2), r)
    two_n = _scale_f64(1.0, n)
    return _mad(two_n, p, two_n - 1.0)


# -- log, log1p, expm1, tanh -----------------------------------------------------------------------------------
# numpy 2 runs these with SIMD (AVX-512 here); the C library's scalar calls kept our loops 4-35x slower than
# numpy's (1M float64: log 4.4 vs 1.2 ms, tanh 15.8 vs 2.0; float32 tanh 16.3 vs 0.5). float64 versions
# below, float32 ones after them.
_LG1, _LG2, _LG3 = 6.666666666666735130e-01, 3.999999999940941908e-01, 2.857142874366239149e-01
_LG4, _LG5, _LG6 = 2.222219843214978396e-01, 1.818357216161805012e-01, 1.531383769920937332e-01
_LG7 = 1.479819860511658591e-01   # minimax coefficients of (log((1+s)/(1-s)) - 2s) / s on s^2 <= 0.0295
_LN2_HI_LOG, _LN2_LO_LOG = 6.93147180369123816490e-01, 1.90821492927058770002e-10   # k * _LN2_HI_LOG is exact
_TINY_64 = 2.2250738585072014e-308   # the smallest normal float64
_SQRT2 = 1.4142135623730951


_BITS = {types.float32: (32, 23, 127, ir.FloatType), types.float64: (64, 52, 1023, ir.DoubleType)}


@intrinsic
def _mantissa(typingctx, y):
    """The significand of a positive normal float as a float of its type in [1, 2) (exponent bits set to 1's)."""
    if y not in _BITS:
        return None
    width, frac, bias, fty = _BITS[y]

    def codegen(context, builder, sig, args):
        ity = ir.IntType(width)
        bits = builder.bitcast(args[0], ity)
        bits = builder.or_(builder.and_(bits, ir.Constant(ity, (1 << frac) - 1)), ir.Constant(ity, bias << frac))
        return builder.bitcast(bits, fty())
    return y(y), codegen


@intrinsic
def _exponent(typingctx, y):
    """The unbiased binary exponent of a positive normal float, as a float of its type (a logical shift:
    AVX2 has no 64-bit arithmetic one)."""
    if y not in _BITS:
        return None
    width, frac, bias, fty = _BITS[y]

    def codegen(context, builder, sig, args):
        ity = ir.IntType(width)
        e = builder.sub(builder.lshr(builder.bitcast(args[0], ity), ir.Constant(ity, frac)), ir.Constant(ity, bias))
        return builder.sitofp(e, fty())
    return y(y), codegen


@njit(inline="always", error_model="numpy", cache=True)
def _log_plus(x, c):
    """log(x) + c for x > 0 finite and a small c, c added with the last terms (log1p's correction): x =
    2**k * (1 + f) with 1 + f in [sqrt(2)/2, sqrt(2)), log(1 + f) = 2s + s * R(s^2) with s = f / (2 + f),
    k * ln 2 in two parts. Denormal x is scaled by 2**52 first."""
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


@njit(inline="always", error_model="numpy", cache=True)
def log_f64(x):
    """log(x) for x > 0 (zero, negatives and NaN are the op template's) and +inf: within 0.7 ulp."""
    out = _log_plus(x, 0.0)
    return out if x < np.inf else x


@njit(inline="always", error_model="numpy", cache=True)
def log1p_f64(x):
    """log(1 + x) for x > -1 (the template's domain): log(u), u = 1 + x, corrected by u's rounding error,
    log(1 + x) = log(u) - ((u - 1) - x) / u to first order; x itself where u rounds to 1."""
    u = 1.0 + x
    out = _log_plus(u, -((u - 1.0) - x) / u)
    return x if u == 1.0 else (out if u < np.inf else u)


@njit(inline="always", error_model="numpy", cache=True)
def _expm1_reduced(xc):
    """x = n ln 2 + r as in exp_f64 and p = expm1(r) from the same polynomial without its leading 1, carried
    with its rounding error: (p, p_lo, n)."""
    n = _rint(xc * _LOG2E_64)
    r_hi = _mad(-n, _LN2_HI_64, xc)
    r_lo = -(n * _LN2_LO_64)
    r = r_hi + r_lo
    r_err = (r_hi - r) + r_lo
    q = _mad(_mad(_mad(_mad(_mad(_mad(_mad(_mad(_mad(_mad(_mad(_T13, r, _T12), r, _T11), r, _T10), r, _T9), r,
                                                   _T8), r, _T7), r, _T6), r, _T5), r, _T4), r, _T3), r, _T2)
    t = r * r * q + r_err * (1.0 + r)
    p = r + t
    return p, (r - p) + t, n      # |r| >= |t|: the second is p's rounding error


@njit(inline="always", error_model="numpy", cache=True)
def _expm1_small(p, p_lo, n):
    """2**n * p + (2**n - 1) as hi + lo: both terms exact for n <= 52, summed error-free."""
    hi, lo = _two_sum(_scale_f64(p, n), _scale_f64(1.0, n) - 1.0)
    return hi, lo + _scale_f64(p_lo, n)


@njit(inline="always", error_model="numpy", cache=True)
def _expm1_parts(x):
    """expm1(x) as an unevaluated sum hi + lo (lo within an ulp of hi), for x not NaN: ``_expm1_small`` for n
    <= 52; for larger n 2**n * (1 + p) - 1, which overflows as exp does (2**n * (1 + p) is scaled in two
    steps, as exp's result is: 2**1024 alone would be inf). Below -40 the result rounds to -1."""
    p, p_lo, n = _expm1_reduced(_clamp(x, -40.0, _HIGH_64))
    hi, lo = _expm1_small(p, p_lo, n)
    big, big_lo = _two_sum(1.0, p)          # n > 52: 2**n * (1 + p) - 1, the 1 + p error-free
    big_lo = _scale_f64(big_lo + p_lo, n) - 1.0
    small = n <= 52.0
    return (hi if small else _scale_f64(big, n)), (lo if small else big_lo)


@njit(inline="always", error_model="numpy", cache=True)
def expm1_f64(x):
    """exp(x) - 1 without the cancellation (see ``_expm1_parts``)."""
    hi, lo = _expm1_parts(x)
    out = hi + lo
    return out if (x == x and x != 0.0) else x     # NaN, and -0.0's sign


@njit(inline="always", error_model="numpy", cache=True)
def tanh_f64(x):
    """tanh(|x|) = e / (e + 2) with e = expm1(2|x|): no cancellation at any size; |x| >= 20 rounds to 1. e
    needs no more than ``_expm1_small`` even where 2**n - 1 rounds (n > 52): there tanh's result moves by
    2/e < 2**-51 of e's error. One division: t = e * (1/d), which the Newton step corrects (0.70 ulp as with
    two divisions, 2.6 -> 2.0 ms for 1M values)."""
    a = _clamp(abs(x), 0.0, 20.0)
    p, p_lo, n = _expm1_reduced(a + a)
    e, e_lo = _expm1_small(p, p_lo, n)
    d, d_lo = _two_sum(e, 2.0)
    rcp = 1.0 / d
    t = e * rcp
    # one Newton step on t * d = e, with e's and d's low parts: (e - t * d) / d, the product error-free
    out = t + (_mad(-t, d, e) + (e_lo - t * (d_lo + e_lo))) * rcp
    out = math.copysign(out, x)
    return out if x == x else x


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
def atan_f64(x):
    """atan(x) within 1 ulp; each lane picks its range's constants by selects, so the loop stays straight."""
    a = abs(x)
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
    out = math.copysign(hi - ((t * (s1 + s2) - lo) - t), x)
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


@njit(inline="always", error_model="numpy", cache=True)
def atan_f32(x):
    """As atan_f64 in float32 arithmetic: within 1 ulp of float64's result."""
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


# float32: log and log1p as the float64 ones with float32 constants and a shorter polynomial (Taylor's
# 2/3, 2/5, 2/7, 2/9 in s^2 <= 0.0295); tanh from exp_f32 (1 - 2 / (exp(2|x|) + 1)) above 0.5625 and its odd
# Taylor polynomial below (terms to x^17; the next is 4e-9 of the result at 0.5625); expm1 in float64 without
# error-free sums. Within 1 ulp (log, log1p), 0.5 ulp (expm1) and 1.5 ulp (tanh) of float64's result.
_TINY_32 = np.float32(1.17549435e-38)
_SQRT2_32, _HALF_32, _TWO_32 = np.float32(1.4142135), np.float32(0.5), np.float32(2.0)
_L1, _L2, _L3, _L4 = np.float32(2 / 3), np.float32(2 / 5), np.float32(2 / 7), np.float32(2 / 9)
_TH3, _TH5, _TH7, _TH9 = np.float32(-1 / 3), np.float32(2 / 15), np.float32(-17 / 315), np.float32(62 / 2835)
_TH11, _TH13 = np.float32(-1382 / 155925), np.float32(21844 / 6081075)
_TH15, _TH17 = np.float32(-929569 / 638512875), np.float32(6404582 / 10854718875)


@njit(inline="always", error_model="numpy", cache=True)
def _log_plus_f32(x, c):
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


@njit(inline="always", error_model="numpy", cache=True)
def log_f32(x):
    out = _log_plus_f32(x, np.float32(0.0))
    return out if x < np.float32(np.inf) else x


@njit(inline="always", error_model="numpy", cache=True)
def log1p_f32(x):
    u = _ONE + x
    out = _log_plus_f32(u, -((u - _ONE) - x) / u)
    return x if u == _ONE else (out if u < np.float32(np.inf) else u)


@njit(inline="always", error_model="numpy", cache=True)
def expm1_f32(x):
    """In float64 (``_expm1_wide``), rounded once: within 0.5 ulp plus double rounding, as fast as the float32
    form with error-free sums it replaced (which reached 1.07 ulp)."""
    out = np.float32(_expm1_wide(_clamp(np.float64(x), -18.0, 89.0)))   # expm1(-17.33) rounds to -1 in float32
    return out if (x == x and x != 0) else x     # NaN, and -0.0's sign


@njit(inline="always", error_model="numpy", cache=True)
def tanh_f32(x):
    a = abs(x)
    z = x * x
    p = _mad(_mad(_mad(_mad(_mad(_mad(_mad(_TH17, z, _TH15), z, _TH13), z, _TH11), z, _TH9), z, _TH7), z, _TH5),
             z, _TH3)
    near0 = _mad(x * z, p, x)
    far = _ONE - _TWO_32 / (exp_f32(a + a) + _ONE)
    out = near0 if a < np.float32(0.5625) else math.copysign(far, x)
    return out if (x == x and x != 0) else x     # NaN, and -0.0's sign
