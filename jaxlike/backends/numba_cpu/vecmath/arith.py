"""The arithmetic the vectorizable functions are built from: a fused multiply-add, a clamp and a rounding
that LLVM emits as single instructions, 2**n scaling from the exponent bits, Knuth's error-free sum, and a
float's significand and exponent as floats.

Why the integer tricks: numba computes ``math.floor`` and integer arithmetic in int64, and AVX2 has no
vector float -> int64 conversion, which scalarizes the loop. float32 builds 2**n in int32; float64 reads n
out of the low bits of n + 1.5 * 2**52 (exact for |n| < 2**51), so neither converts.
"""

import numba
import numpy as np
from llvmlite import binding as llvm
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

_ONE, _HALF_32, _TWO_32 = np.float32(1.0), np.float32(0.5), np.float32(2.0)

def _target_has_fma():
    """Whether numba compiles for a CPU with fused multiply-add (the host, unless NUMBA_CPU_NAME says
    otherwise): without one, LLVM's fma is a C-library call in every iteration."""
    if numba.config.CPU_NAME:
        return "+fma" in (numba.config.CPU_FEATURES or "")
    return bool(llvm.get_host_cpu_features().get("fma", False))


_FMA = _target_has_fma()


@intrinsic
def _inline_everywhere(typingctx):
    """Marks the calling function ``alwaysinline`` for LLVM. The plain njit functions of this package are
    meant to be inlined by LLVM into the loops that call them, which then vectorize; left to its cost
    model, LLVM kept the larger ones (sinh, asinh: expm1 or log in two parts) as calls, and 1M float64
    sinh took 17 ms in a scalar loop instead of ~2.5."""
    def codegen(context, builder, signature, args):
        builder.function.attributes.add("alwaysinline")
        return context.get_dummy_value()
    return types.none(), codegen


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


def _unary_intrinsic(llvm_name, doc):
    @intrinsic
    def fn(typingctx, x):
        if not isinstance(x, types.Float):
            return None

        def codegen(context, builder, sig, args):
            fty = context.get_value_type(sig.return_type)
            return builder.call(builder.module.declare_intrinsic(llvm_name, [fty], ir.FunctionType(fty, [fty])),
                                args)
        return x(x), codegen
    fn.__doc__ = doc
    return fn


floor_ = _unary_intrinsic("llvm.floor", "floor(x) as a float: one rounding instruction (numba's math.floor "
                                        "goes through int64, which keeps a loop scalar, and loses -0.0)")
ceil_ = _unary_intrinsic("llvm.ceil", "ceil(x) as a float, as ``floor_``")


_rint = _unary_intrinsic("llvm.rint", "x rounded to the nearest integer (ties to even): one rounding instruction, "
                                      "where ``floor(x + 0.5)`` takes an add and a rounding.")


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


@njit(error_model="numpy", cache=True)
def _two_sum(a, b):
    """a + b and its rounding error (Knuth's TwoSum, no condition on the magnitudes)."""
    _inline_everywhere()
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


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


# x = 2**k * z with z in [v, 2v), v = 0.708984375 (near sqrt(1/2)), and which of 128 intervals z is in: the
# intervals are equal steps of z's bit pattern from v's (_TABLE_START), and 1.0 lies in the middle of one
# of them (``log.log_table``).
_TABLE_START = 0x3ff0000000000000 - 149 * 2 ** 44
TABLE_BITS = 7


@intrinsic
def _split_for_table(typingctx, x):
    """(z, k, i) for a positive normal float64 x = 2**k * z, k as a float, i the interval of z. Integer
    work only in adds, logical shifts and masks (AVX2 has no 64-bit arithmetic shift or float conversion):
    k + 2048 is the top bits of x's bits - _TABLE_START + 2**63, and becomes a float through 2**52's
    significand."""
    if x != types.float64:
        return None
    ret = types.Tuple((types.float64, types.float64, types.int64))

    def codegen(context, builder, sig, args):
        i64, f64 = ir.IntType(64), ir.DoubleType()

        def const(v):
            return ir.Constant(i64, v - 2 ** 64 if v >= 2 ** 63 else v)
        bits = builder.bitcast(args[0], i64)
        u = builder.add(bits, const((2 ** 63 - _TABLE_START) % 2 ** 64))
        k_biased = builder.lshr(u, const(52))
        index = builder.and_(builder.lshr(u, const(52 - TABLE_BITS)), const(2 ** TABLE_BITS - 1))
        z_bits = builder.add(builder.sub(bits, builder.shl(k_biased, const(52))), const(2 ** 63))
        k_as_float = builder.bitcast(builder.or_(k_biased, const(0x4330000000000000)), f64)
        k = builder.fsub(k_as_float, ir.Constant(f64, 2.0 ** 52 + 2048.0))
        return context.make_tuple(builder, sig.return_type, [builder.bitcast(z_bits, f64), k, index])
    return ret(types.float64), codegen


trunc_ = _unary_intrinsic("llvm.trunc", "x rounded toward zero, as a float: one rounding instruction")


@intrinsic
def _like(typingctx, x, c):
    """The constant c as a float of x's type: one body serves float32 and float64 (a float64 literal would
    carry a float32 computation into float64, whose roundings differ)."""
    if not (isinstance(x, types.Float) and isinstance(c, (types.Float, types.Integer))):
        return None

    def codegen(context, builder, sig, args):
        return context.cast(builder, args[1], sig.args[1], sig.args[0])
    return x(x, c), codegen
