"""float32 ``exp`` and ``sigmoid`` that LLVM vectorizes, for fused float32 loops.

numba calls the C library's scalar ``expf`` (numba from PyPI has no SVML), so an elementwise loop with an
exp runs one element at a time: ~3 ns per element here, against ~0.4 for numpy's SIMD exp. These versions
are straight-line float32 code (Cody-Waite range reduction, Cephes' degree-6 polynomial, 2**n built from the
exponent bits in 32-bit integer arithmetic) with no calls and no branches, so the loop vectorizes 8 wide on
AVX2: 3x faster for exp, 5x for sigmoid, and within 1 ulp of the correctly rounded exp (checked over the
whole float32 range in the tests; denormal results and the inf/NaN/overflow cases agree with numpy).

Why 32-bit integers: numba computes ``math.floor`` and integer arithmetic in int64, and AVX2 has no vector
float -> int64 conversion, which scalarizes the loop; the intrinsic below stays in float32/int32.
"""

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic


@intrinsic
def _pow2_f32(typingctx, n):
    """2 ** n for an integral float32 n in [-126, 127]: (n + 127) << 23 read as a float32."""
    if n != types.float32:
        return None

    def codegen(context, builder, sig, args):
        i32 = ir.IntType(32)
        k = builder.add(builder.fptosi(args[0], i32), ir.Constant(i32, 127))
        return builder.bitcast(builder.shl(k, ir.Constant(i32, 23)), ir.FloatType())
    return types.float32(types.float32), codegen


_LOG2E = np.float32(1.4426950408889634)
_LN2_HI = np.float32(0.693359375)        # ln 2 split so that n * _LN2_HI is exact for |n| <= 2**8
_LN2_LO = np.float32(-2.12194440e-4)
_P0, _P1, _P2 = np.float32(1.9875691500e-4), np.float32(1.3981999507e-3), np.float32(8.3334519073e-3)
_P3, _P4, _P5 = np.float32(4.1665795894e-2), np.float32(1.6666665459e-1), np.float32(5.0000001201e-1)
_ONE, _HALF = np.float32(1.0), np.float32(0.5)
_LOW, _HIGH = np.float32(-104.0), np.float32(89.0)   # below: 0 (exp(-103.97) is the smallest denormal); above: inf


@njit(inline="always", error_model="numpy", cache=True)
def exp_f32(x):
    xc = x if x > _LOW else _LOW
    xc = xc if xc < _HIGH else _HIGH
    n = np.floor(xc * _LOG2E + _HALF)
    r = (xc - n * _LN2_HI) - n * _LN2_LO
    p = ((((_P0 * r + _P1) * r + _P2) * r + _P3) * r + _P4) * r + _P5
    p = p * r * r + r + _ONE
    # NOTE: 2**n as two factors, so results down to the denormals (n >= -150) and up to inf (n = 128) are
    # one correctly scaled product each
    h = np.floor(n * _HALF)
    out = p * _pow2_f32(h) * _pow2_f32(n - h)
    return out if x == x else x


@njit(inline="always", error_model="numpy", cache=True)
def sigmoid_f32(x):
    """1 / (1 + exp(-x)) from exp(-|x|): no overflow, exact tails (e / (1 + e) for x < 0), one exp."""
    e = exp_f32(-abs(x))
    return (_ONE if x >= 0 else e) / (_ONE + e)
