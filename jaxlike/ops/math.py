"""Elementwise arithmetic and transcendental primitives: numpy reference, VJP (written in jaxlike ops, so
higher derivatives come free; JVPs are derived), and the scalar template fused loops use.

Scalar templates are plain Python with ``math.*`` (``cmath.*`` for the complex ones; ``np.cbrt``, which math
lacks in numba, with a ``cuda.cbrt`` override in the CUDA backend), so @njit and @cuda.jit both compile them;
each one agrees with numpy on NaN, inf and 0 (NaN-propagating max/min, stable sigmoid/softplus/logaddexp). Ops
without a complex template reject complex operands.

Complex values follow JAX's convention: a cotangent of a complex value z = x + iy is dL/dx - i dL/dy, so the
VJP of a holomorphic op is ``g * f'(z)`` (the same rule as for reals, no conjugate) and the gradient of a real
function of z is its ``grad``; real(), imag(), conj() and abs() carry the non-holomorphic parts.
Imports core and ops._rules only.
"""

import warnings

import numpy as np

from ._rules import (elementwise, dtype_float, dtype_same, dtype_bool, dtype_true_divide, dtype_signed,
                     dtype_bool_as_int8, unary_samples, binary_samples,
                     signed_samples, bool_samples, Sample)

# NOTE: rules run only while differentiating, after every op below exists, so they may use any of them.


def _np_sigmoid(x):
    # NOTE: in the float result type first: an unsigned integer's -|x| wraps around (uint8 -3 is 253)
    x = np.asarray(x)
    x = x.astype(np.result_type(x, np.float16)) if x.dtype.kind in "biu" else x
    with np.errstate(over="ignore"):
        e = np.exp(-np.abs(x))
        return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(np.result_type(x, np.float16))


def _np_softplus(x):
    x = np.asarray(x)
    x = x.astype(np.result_type(x, np.float16)) if x.dtype.kind in "biu" else x   # NOTE: as in _np_sigmoid
    return (np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))).astype(np.result_type(x, np.float16))


def _np_pow(x, y):
    # NOTE: Python scalars stay Python scalars, so they promote weakly (float32 ** 2.5 is float32).
    if np.asarray(x).dtype.kind in "iu" and np.asarray(y).dtype.kind in "iu" and np.any(np.asarray(y) < 0):
        raise ValueError("integers to negative integer powers are not allowed")
    return np.power(x, y)


def _np_div(x, y):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.true_divide(x, y)


def _quiet(fn):
    def run(*args):
        with np.errstate(all="ignore"):
            return fn(*args)
    run.__name__ = fn.__name__
    return run


def _real_part_dtype(x):
    """complex64 -> float32, complex128 -> float64; real dtypes unchanged (abs, real, imag)."""
    return (np.dtype("float32") if x.dtype == np.complex64 else np.dtype("float64")
            if x.dtype.kind == "c" else x.dtype), x.weak


# -- unary --------------------------------------------------------------------------------------------
neg = elementwise("neg", 1, np.negative, "(-{0})", vjp=lambda g, ans, x: (-g,), dtype=dtype_signed,
                  complex_scalar="(-{0})")
exp = elementwise("exp", 1, _quiet(np.exp), "math.exp({0})", dtype=dtype_float,
                  vjp=lambda g, ans, x: (g * ans,), complex_scalar="cmath.exp({0})")
log = elementwise("log", 1, _quiet(np.log),
                  "(math.log({0}) if {0} > 0.0 else (-math.inf if {0} == 0.0 else math.nan))",
                  dtype=dtype_float, vjp=lambda g, ans, x: (g / x,),
                  samples=unary_samples(0.2, 3.0),
                  complex_scalar="(cmath.log({0}) if {0} != 0 else complex(-math.inf, 0.0))")
log2 = elementwise("log2", 1, _quiet(np.log2),
                   "(math.log2({0}) if {0} > 0.0 else (-math.inf if {0} == 0.0 else math.nan))",
                   dtype=dtype_float, vjp=lambda g, ans, x: (g / (x * 0.6931471805599453),),
                   samples=unary_samples(0.2, 3.0))
log10 = elementwise("log10", 1, _quiet(np.log10),
                    "(math.log10({0}) if {0} > 0.0 else (-math.inf if {0} == 0.0 else math.nan))",
                    dtype=dtype_float, vjp=lambda g, ans, x: (g / (x * 2.302585092994046),),
                    samples=unary_samples(0.2, 3.0))
log1p = elementwise("log1p", 1, _quiet(np.log1p),
                    "(math.log1p({0}) if {0} > -1.0 else (-math.inf if {0} == -1.0 else math.nan))",
                    dtype=dtype_float, vjp=lambda g, ans, x: (g / (1 + x),),
                    samples=unary_samples(-0.5, 3.0),
                    # NOTE: log|1+z| = log1p(2x + x^2 + y^2) / 2 keeps the precision of small z
                    complex_scalar="complex(0.5 * math.log1p(2.0 * {0}.real + {0}.real * {0}.real + {0}.imag "
                                   "* {0}.imag), math.atan2({0}.imag, 1.0 + {0}.real))")
expm1 = elementwise("expm1", 1, _quiet(np.expm1), "math.expm1({0})", dtype=dtype_float,
                    vjp=lambda g, ans, x: (g * (ans + 1),),
                    # NOTE: e^x cos y - 1 = expm1(x) cos y - 2 sin^2(y/2) keeps the precision of small z
                    complex_scalar="complex(math.expm1({0}.real) * math.cos({0}.imag) - 2.0 * "
                                   "math.sin(0.5 * {0}.imag) ** 2, math.exp({0}.real) * math.sin({0}.imag))")
sqrt = elementwise("sqrt", 1, _quiet(np.sqrt),
                   "(math.sqrt({0}) if {0} >= 0.0 else math.nan)", dtype=dtype_float,
                   vjp=lambda g, ans, x: (g * 0.5 / ans,), samples=unary_samples(0.2, 3.0),
                   complex_scalar="cmath.sqrt({0})")
cbrt = elementwise("cbrt", 1, np.cbrt, "np.cbrt({0})", dtype=dtype_float,
                   vjp=lambda g, ans, x: (g / (3 * ans * ans),), samples=signed_samples(0.2, 3.0),
                   doc="The real cube root (negative for negative x); its derivative at 0 is inf, as JAX's")
sin = elementwise("sin", 1, _quiet(np.sin), "math.sin({0})", dtype=dtype_float,
                  vjp=lambda g, ans, x: (g * cos(x),), complex_scalar="cmath.sin({0})")
cos = elementwise("cos", 1, _quiet(np.cos), "math.cos({0})", dtype=dtype_float,
                  vjp=lambda g, ans, x: (-(g * sin(x)),), complex_scalar="cmath.cos({0})")
tan = elementwise("tan", 1, _quiet(np.tan), "math.tan({0})", dtype=dtype_float,
                  vjp=lambda g, ans, x: (g * (1 + ans * ans),), samples=unary_samples(-1.2, 1.2),
                  complex_scalar="cmath.tan({0})")
arcsin = elementwise("arcsin", 1, _quiet(np.arcsin),
                     "(math.asin({0}) if -1.0 <= {0} <= 1.0 else math.nan)", dtype=dtype_float,
                     vjp=lambda g, ans, x: (g / sqrt(1 - x * x),), samples=unary_samples(-0.9, 0.9),
                     complex_scalar="cmath.asin({0})")
arccos = elementwise("arccos", 1, _quiet(np.arccos),
                     "(math.acos({0}) if -1.0 <= {0} <= 1.0 else math.nan)", dtype=dtype_float,
                     vjp=lambda g, ans, x: (-(g / sqrt(1 - x * x)),), samples=unary_samples(-0.9, 0.9),
                     complex_scalar="cmath.acos({0})")
arctan = elementwise("arctan", 1, _quiet(np.arctan), "math.atan({0})", dtype=dtype_float,
                     vjp=lambda g, ans, x: (g / (1 + x * x),), complex_scalar="cmath.atan({0})")
sinh = elementwise("sinh", 1, _quiet(np.sinh), "math.sinh({0})", dtype=dtype_float,
                   vjp=lambda g, ans, x: (g * cosh(x),), complex_scalar="cmath.sinh({0})")
cosh = elementwise("cosh", 1, _quiet(np.cosh), "math.cosh({0})", dtype=dtype_float,
                   vjp=lambda g, ans, x: (g * sinh(x),), complex_scalar="cmath.cosh({0})")
tanh = elementwise("tanh", 1, _quiet(np.tanh), "math.tanh({0})", dtype=dtype_float,
                   vjp=lambda g, ans, x: (g * (1 - ans * ans),), complex_scalar="cmath.tanh({0})")
arcsinh = elementwise("arcsinh", 1, _quiet(np.arcsinh), "math.asinh({0})", dtype=dtype_float,
                      vjp=lambda g, ans, x: (g / sqrt(x * x + 1),), complex_scalar="cmath.asinh({0})")
arctanh = elementwise("arctanh", 1, _quiet(np.arctanh),
                      "(math.atanh({0}) if -1.0 < {0} < 1.0 else (math.copysign(math.inf, {0}) "
                      "if abs({0}) == 1.0 else math.nan))", dtype=dtype_float,
                      vjp=lambda g, ans, x: (g / (1 - x * x),), samples=unary_samples(-0.9, 0.9),
                      complex_scalar="cmath.atanh({0})")
def _inverse_abs(r):
    """1 / r for r = |z|, with 1 where z = 0 (the quotients it scales are 0 there)."""
    return 1 / where(eq(r, 0), 1, r)


def _abs_vjp(g, ans, x):
    if x.dtype.kind != "c":
        return (g * sign(x),)
    # NOTE: |z| is real and not holomorphic: its cotangent is g * conj(z) / |z|, 0 at z = 0.
    return (g * conj(x) * _inverse_abs(ans),)


def _sign_vjp(g, ans, x):
    if x.dtype.kind != "c":
        return (None,)
    # NOTE: sign(z) = z / |z| is not constant off the real line: the quotient rule, with |z|'s cotangent
    # (real) taken from the product's.
    inv = _inverse_abs(abs_(x))
    c_r = real(g * x) * -(inv * inv)
    return (g * inv + c_r * conj(x) * inv,)


def _sign_jvp(tangents, ans, x):
    if x.dtype.kind != "c":
        return None
    # NOTE: not holomorphic, so not the VJP read as a diagonal Jacobian: d(z/r) = dz/r - z dr/r^2 with
    # dr = Re(conj(z) dz) / r.
    t = tangents[0]
    inv = _inverse_abs(abs_(x))
    return t * inv - x * (real(conj(x) * t) * (inv * inv * inv))


abs_ = elementwise("abs", 1, np.abs, "abs({0})", vjp=_abs_vjp,
                   samples=signed_samples(), complex_scalar="abs({0})", dtype=_real_part_dtype)
sign = elementwise("sign", 1, np.sign,
                   "(1 if {0} > 0 else (-1 if {0} < 0 else {0} - {0}))", vjp=_sign_vjp, jvp=_sign_jvp,
                   dtype=dtype_signed,
                   samples=signed_samples(), complex_scalar="({0} / abs({0}) if {0} != 0 else {0})")
# NOTE: math.floor returns an int (garbage for inf/nan and |x| >= 2**63 once compiled) and loses the sign of
# -0.0; floats of magnitude >= 2**52 are already integral, and the result always has the sign of x.
floor = elementwise("floor", 1, np.floor,
                    "({0} if not (abs({0}) < 4503599627370496.0) else math.copysign(float(math.floor({0})), {0}))",
                    vjp=lambda g, ans, x: (None,))
ceil = elementwise("ceil", 1, np.ceil,
                   "({0} if not (abs({0}) < 4503599627370496.0) else math.copysign(float(math.ceil({0})), {0}))",
                   vjp=lambda g, ans, x: (None,))
# NOTE: 1 / (1 + exp(-x)) is accurate to the last bit down to x = -80, where exp(-x) is still finite in
# float32 (overflow starts at 88.7); below it sigmoid(x) = exp(x) to 1e-34. One exp and a branch that real
# data always takes (the form with a branch at 0 mispredicts half the time and costs a second exp).
sigmoid = elementwise("sigmoid", 1, _np_sigmoid,
                      "(1.0 / (1.0 + math.exp(-{0})) if {0} >= -80.0 else math.exp({0}))",
                      # NOTE: 1 - sigmoid(x) is sigmoid(-x), but computed as 1 - ans it cancels (the gradient
                      # at 30 was 0.1% off in float64 and 0 in float32)
                      dtype=dtype_float, vjp=lambda g, ans, x: (g * ans * sigmoid(neg(x)),),
                      doc="1 / (1 + exp(-x)), computed without overflow for large |x|")
softplus = elementwise("softplus", 1, _quiet(_np_softplus),
                       "(max({0}, 0.0) + math.log1p(math.exp(-abs({0}))))", dtype=dtype_float,
                       vjp=lambda g, ans, x: (g * sigmoid(x),),
                       doc="log(1 + exp(x)) without overflow")
stop_gradient = elementwise("stop_gradient", 1, lambda x: np.array(x, copy=True), "{0}",
                            vjp=lambda g, ans, x: (None,), differentiable=(), complex_scalar="{0}")

# -- binary -------------------------------------------------------------------------------------------
add = elementwise("add", 2, np.add, "({0} + {1})", vjp=lambda g, ans, x, y: (g, g), complex_scalar="({0} + {1})")
sub = elementwise("sub", 2, np.subtract, "({0} - {1})", vjp=lambda g, ans, x, y: (g, -g), dtype=dtype_signed,
                  complex_scalar="({0} - {1})")
mul = elementwise("mul", 2, np.multiply, "({0} * {1})", vjp=lambda g, ans, x, y: (g * y, g * x),
                  complex_scalar="({0} * {1})")
# numpy's x / 0 (+-inf by the signs, NaN for 0 / 0 and NaN / 0), where compiled code would raise
_BY_ZERO = "(math.copysign(math.inf, {0}) * math.copysign(1.0, {1}) if {0} != 0 and {0} == {0} else math.nan)"
div = elementwise("div", 2, _np_div, "({0} / {1} if {1} != 0 else " + _BY_ZERO + ")",
                  dtype=dtype_true_divide, vjp=lambda g, ans, x, y: (g / y, -(g * ans / y)),
                  samples=binary_samples(-2, 2, 0.5, 2.0),
                  # NOTE: numpy divides the parts by 0.0 (inf+infj, nan+nanj) where numba would raise
                  complex_scalar="({0} / {1} if {1} != 0 else complex({0}.real / 0.0, {0}.imag / 0.0))")
pow_ = elementwise("pow", 2, _quiet(_np_pow), "({0} ** {1})",
                   vjp=lambda g, ans, x, y: (
                       # NOTE: x ** 0 has derivative 0 even at x = 0 (JAX); the exponent swap keeps 0 * inf
                       # out of both this value and its own derivative.
                       g * y * x ** where(eq(y, 0), 1, y - 1),
                       g * log(where(eq(x, 0), 1, x)) * ans),
                   dtype=dtype_bool_as_int8, samples=binary_samples(0.5, 2.0, -2.0, 2.0),
                   complex_scalar="({0} ** {1})")
maximum = elementwise("maximum", 2, np.maximum, "({0} if ({0} > {1} or {0} != {0}) else {1})",
                      vjp=lambda g, ans, x, y: (g * _tie_share(x, y, gt), g * _tie_share(y, x, gt)))
minimum = elementwise("minimum", 2, np.minimum, "({0} if ({0} < {1} or {0} != {0}) else {1})",
                      vjp=lambda g, ans, x, y: (g * _tie_share(x, y, lt), g * _tie_share(y, x, lt)))
arctan2 = elementwise("arctan2", 2, np.arctan2, "math.atan2({0}, {1})", dtype=dtype_float,
                      vjp=lambda g, ans, y, x: (g * x / (x * x + y * y), -(g * y / (x * x + y * y))),
                      samples=binary_samples(0.3, 2.0))
logaddexp = elementwise("logaddexp", 2, np.logaddexp,
                        "(({0} + 0.6931471805599453) if {0} == {1} else "
                        "(max({0}, {1}) + math.log1p(math.exp(-abs({0} - {1})))))",
                        dtype=dtype_float,
                        vjp=lambda g, ans, x, y: (g * _logaddexp_share(x, y), g * _logaddexp_share(y, x)))


def _logaddexp_share(x, y):
    """d logaddexp(x, y) / dx = exp(x - ans) = sigmoid(x - y), which stays finite where x or y is infinite (1
    beside a finite y, where exp(inf - inf) is NaN); 1/2 where x == y, the limit along the diagonal, infinite
    arguments too."""
    return where(eq(x, y), 0.5, sigmoid(x - y))
def _mod_template(args, dtype, core="{0} % {1}"):
    """``%`` with numpy's result for a zero divisor (NaN for floats, 0 for integers), where compiled code would
    raise ZeroDivisionError or, cast from NaN, return garbage. ``core``: the nonzero divisor's expression (a
    backend's own float remainder keeps these cases)."""
    a, b = args
    # NOTE: b is the zero of its own type: a literal 0 would make numba compute uint64 results in float64
    return f"({core.format(a, b)} if {b} != 0 else {'math.nan' if np.dtype(dtype).kind == 'f' else b})"


mod = elementwise("mod", 2, _quiet(np.mod), _mod_template, vjp=lambda g, ans, x, y: (g, -(g * floor(x / y))),
                  dtype=dtype_bool_as_int8, samples=binary_samples(0.5, 3.0, 0.7, 1.3))


def _floor_divide_template(args, dtype, core="{0} // {1}"):
    """``//`` with numpy's results. A float's is CPython's divmod, as numba compiles it (1.0 // 0.1 is 9.0, where
    floor(1.0 / 0.1) is 10; inf // 1.5 is NaN; x // 0.0 is x / 0.0). An integer's is exact (floor(x / y) in
    float64 was not past 2**53), 0 for a zero divisor, and the wrapped negation for -1 (numba gives 0 for
    INT64_MIN // -1, numpy INT64_MIN). ``core``: a float's expression for a nonzero divisor, as ``_mod_template``."""
    a, b = args
    kind = np.dtype(dtype).kind
    if kind == "f":
        # NOTE: numba raises ZeroDivisionError for x // 0.0 under its Python error model
        return f"({core.format(a, b)} if {b} != 0 else " + _BY_ZERO.format(a, b) + ")"
    if kind == "u":
        return f"({a} // {b} if {b} != 0 else {b})"      # NOTE: b, the zero of its own type (a literal 0 is int64)
    return f"({a} // {b} if ({b} != 0 and {b} != -1) else (-{a} if {b} == -1 else {b}))"


floor_divide = elementwise("floor_divide", 2, _quiet(np.floor_divide), _floor_divide_template,
                           vjp=lambda g, ans, x, y: (None, None), dtype=dtype_bool_as_int8,
                           samples=binary_samples(0.5, 3.0, 0.7, 1.3),
                           doc="numpy's floor_divide: the floor of the quotient, from divmod for floats")


def _tie_share(x, y, better):
    """1 where x wins, 1/2 at ties (JAX's convention), 0 where y wins."""
    return where(better(x, y), 1.0, where(eq(x, y), 0.5, 0.0))


# -- comparisons and logic (no gradient through booleans) -----------------------------------------------
def _cmp(name, npfn, op, ordered=True):
    return elementwise(name, 2, npfn, "({0} " + op + " {1})", dtype=dtype_bool,
                       vjp=lambda g, ans, x, y: (None, None), differentiable=(),
                       complex_scalar=None if ordered else "({0} " + op + " {1})")


lt = _cmp("lt", np.less, "<")
le = _cmp("le", np.less_equal, "<=")
gt = _cmp("gt", np.greater, ">")
ge = _cmp("ge", np.greater_equal, ">=")
eq = _cmp("eq", np.equal, "==", ordered=False)
ne = _cmp("ne", np.not_equal, "!=", ordered=False)
logical_and = elementwise("logical_and", 2, np.logical_and, "(bool({0}) and bool({1}))", dtype=dtype_bool,
                          vjp=lambda g, ans, x, y: (None, None), differentiable=(), samples=bool_samples(2))
logical_or = elementwise("logical_or", 2, np.logical_or, "(bool({0}) or bool({1}))", dtype=dtype_bool,
                         vjp=lambda g, ans, x, y: (None, None), differentiable=(), samples=bool_samples(2))
logical_xor = elementwise("logical_xor", 2, np.logical_xor, "(bool({0}) != bool({1}))", dtype=dtype_bool,
                          vjp=lambda g, ans, x, y: (None, None), differentiable=(), samples=bool_samples(2))
logical_not = elementwise("logical_not", 1, np.logical_not, "(not {0})", dtype=dtype_bool,
                          vjp=lambda g, ans, x: (None,), differentiable=(), samples=bool_samples(1))


def _isnan_samples(rng):
    return [(np.where(rng.random(s) < 0.3, np.nan, rng.uniform(-2, 2, s)),) for s in [(), (4,), (1, 3), (0, 2)]]


isnan = elementwise("isnan", 1, np.isnan, "({0} != {0})", dtype=dtype_bool,
                    vjp=lambda g, ans, x: (None,), differentiable=(), samples=_isnan_samples,
                    complex_scalar="({0} != {0})")


def _signbit_samples(rng):
    neg_nan = np.copysign(np.nan, -1.0)
    return [(np.array(v),) for v in ([-0.0, 0.0, neg_nan, np.nan, -np.inf, 2.5, -1e-300],)] + \
        [(rng.uniform(-2, 2, s),) for s in [(), (1, 3), (0, 2)]]


# NOTE: the sign bit itself (numpy's signbit): -0.0 and a NaN with its sign set have it, which no comparison sees
signbit = elementwise("signbit", 1, np.signbit, "(math.copysign(1.0, {0}) < 0.0)", dtype=dtype_bool,
                      vjp=lambda g, ans, x: (None,), differentiable=(), samples=_signbit_samples)


def _select_dtype(c, a, b):
    return dtype_same(a, b)


def _select_samples(rng):
    shapes = [((), (), ()), ((3,), (3,), (3,)), ((2, 3), (3,), ()), ((2, 1), (1, 3), (2, 3)), ((0, 2), (2,), ())]
    return [(rng.random(c) < 0.5, rng.uniform(-2, 2, a), rng.uniform(-2, 2, b)) for c, a, b in shapes]


select = elementwise("select", 3, np.where, "({1} if {0} else {2})", dtype=_select_dtype,
                     vjp=lambda g, ans, c, a, b: (None, where(c, g, 0), where(c, 0, g)),
                     differentiable=(1, 2), samples=_select_samples, complex_scalar="({1} if {0} else {2})")


def where(cond, a, b):
    """``cond ? a : b`` elementwise; no gradient flows to ``cond``."""
    return select(cond, a, b)


def convert_shape(x, *, dtype):
    from ..core.types import TensorType, canonical_dtype
    return TensorType(canonical_dtype(dtype, "a conversion to dtype"), x.shape)


from ..core.primitive import Primitive, Kind, register  # noqa: E402

def _astype(x, *, dtype):
    # NOTE: quiet about NaN/inf cast to integers, as compiled code is (floor_divide's where() discards them),
    # and about complex to real, which keeps the real part (numpy's astype; backends cast the same way).
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
        return np.asarray(x).astype(dtype)


convert = register(Primitive(
    "convert", Kind.ELEMENTWISE, shape=convert_shape,
    numpy=_astype,
    # NOTE: complex -> real keeps the real part, so its cotangent is complex(g, 0), and real -> complex's
    # cotangent is the real part of g: both are a convert back.
    vjp=lambda g, ans, x, *, dtype: (convert(g, dtype=x.dtype) if x.dtype.kind in "fc" else None,),
    scalar="{0}", complex_scalar="{0}", extra={"nin": 1}, differentiable=(0,), doc="astype",
    samples=lambda rng: [Sample(rng.uniform(-2, 2, s).astype(src), dtype=np.dtype(dst))
                         for s, src, dst in [((), "f8", "f8"), ((1, 3), "f4", "f8"), ((3,), "f8", "f4"),
                                             ((0, 2), "f8", "f8"), ((4,), "f8", "i8"), ((2, 2), "f8", "bool")]]))


# -- parts of complex values ----------------------------------------------------------------------------
def _complex_samples(rng):
    return [(rng.uniform(-2, 2, s) + 1j * rng.uniform(-2, 2, s),) for s in [(), (3,), (2, 3), (1, 4), (0, 2)]]


# NOTE: the front end binds these to complex operands only (real(x) of a real x is x itself).
real = elementwise("real", 1, np.real, "{0}.real", dtype=_real_part_dtype, complex_scalar="{0}.real",
                   vjp=lambda g, ans, x: (convert(g, dtype=x.dtype),), samples=_complex_samples,
                   doc="real part; its cotangent is complex(g, 0)")
imag = elementwise("imag", 1, np.imag, "{0}.imag", dtype=_real_part_dtype, complex_scalar="{0}.imag",
                   vjp=lambda g, ans, x: (g * -1j,), samples=_complex_samples,
                   doc="imaginary part; its cotangent is -1j * g (JAX's convention)")
conj = elementwise("conj", 1, np.conjugate, "{0}", complex_scalar="{0}.conjugate()",
                   vjp=lambda g, ans, x: (conj(g),), samples=_complex_samples, doc="complex conjugate")

