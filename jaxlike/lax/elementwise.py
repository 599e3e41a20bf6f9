"""``jax.lax``'s element-wise operations (re-exported by ``jaxlike.lax``): arithmetic, comparisons, bitwise
ops and shifts, rounding, ``clamp``, ``integer_pow``, ``convert_element_type``, complex parts. Special
functions (lgamma, digamma, erf_inv, nextafter...) live in ``special.py``.

Each op is a thin graph builder over ``jaxlike.numpy`` (or a composite of it), with lax's contract rather than
numpy's: no implicit promotion (``lax.add(int32, float32)`` raises TypeError naming both dtypes), only equal
ranks broadcast (or a rank-0 operand), and each op accepts only the dtype kinds JAX accepts. A Python scalar
is weak: it takes the dtype of the array it meets when its kind matches (a Python float meets float arrays, a
Python int integer arrays), as in JAX with 32-bit defaults. (JAX with ``jax_enable_x64`` rejects
``lax.add(float32_array, 2.0)``; jaxlike keeps the scalar usable.)
A front-end module: imports core, ops and jaxlike.numpy."""

import enum
import numbers

import numpy as np

from ..core.graph import Var
from ..core.errors import user_frame, where as _at
from ..core.types import canonical_dtype
from ..ops import math as m
from .. import numpy as jnp
from ..numpy._base import from_parts

__all__ = ["abs", "acos", "acosh", "add", "asin", "asinh", "atan", "atan2", "atanh", "bitwise_and",
           "bitwise_not", "bitwise_or", "bitwise_xor", "cbrt", "ceil", "clamp", "clz", "complex", "conj",
           "convert_element_type", "cos", "cosh", "div", "eq", "exp", "exp2", "expm1", "floor", "ge", "gt", "imag",
           "integer_pow", "is_finite", "le", "log", "log1p", "logistic", "lt", "max", "min", "mul", "ne", "neg",
           "population_count", "pow", "real", "rem", "round", "RoundingMethod", "rsqrt", "shift_left",
           "shift_right_arithmetic", "shift_right_logical", "sign", "sin", "sinh", "sqrt", "square", "sub", "tan",
           "tanh"]

_KIND_NAMES = {"b": "bool", "i": "signed integer", "u": "unsigned integer", "f": "floating", "c": "complex"}
_PY_KIND = {bool: "b", int: "i", float: "f", complex: "c"}
_DEFAULT = {"b": np.dtype(bool), "i": np.dtype("int64"), "f": np.dtype("float64"), "c": np.dtype("complex128")}


def _here():
    return _at(user_frame())


def _is_python_scalar(x):
    return type(x) in _PY_KIND


def _is_weak(x):
    """A Python scalar, or a traced one (a Python number passed to a compiled function stays weak)."""
    return _is_python_scalar(x) or (isinstance(x, Var) and x.type.weak)


def _weak_kind(x):
    return _PY_KIND[type(x)] if _is_python_scalar(x) else x.dtype.kind


def _dtype(x):
    return x.dtype if isinstance(x, Var) else np.asarray(x).dtype


def _ndim(x):
    return x.ndim if isinstance(x, Var) else np.ndim(x)


def _array(x, fname, pos):
    """A Var stays a Var; anything else becomes a numpy array of a supported dtype."""
    if isinstance(x, Var) or _is_python_scalar(x):
        return x
    arr = np.asarray(x)
    if arr.dtype == object or arr.dtype.kind in "USVM":
        raise TypeError(f"lax.{fname}: argument {pos} must be an array or a number, got {type(x).__name__}"
                        + _here())
    canonical_dtype(arr.dtype, f"lax.{fname} argument {pos} dtype")
    return arr


def _accepts(fname, x, kinds, pos=0):
    dt = _dtype(x)
    if dt.kind not in kinds:
        accepted = ", ".join(_KIND_NAMES[k] for k in kinds)
        raise TypeError(f"lax.{fname} does not accept dtype {dt} (argument {pos}); accepted dtypes: {accepted}"
                        + _here())


def _weak_to(x, dtype, fname, pos):
    """A (possibly traced) Python scalar as ``dtype``, if its kind matches and its value fits (JAX's weak
    typing)."""
    kind = _weak_kind(x)
    compatible = kind == dtype.kind or (kind == "i" and dtype.kind == "u")
    if not compatible:
        what = f"a Python {type(x).__name__} ({x!r})" if _is_python_scalar(x) else f"a weak {x.dtype} scalar"
        raise TypeError(f"lax.{fname} requires arguments to have the same dtypes, got {dtype} and {what} at "
                        f"argument {pos}; lax does not promote (convert with lax.convert_element_type, or use "
                        f"jnp.{fname}, which promotes){_here()}")
    if isinstance(x, Var):
        return x if x.dtype == dtype else m.convert(x, dtype=dtype)
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        if not info.min <= x <= info.max:
            raise OverflowError(f"lax.{fname}: Python int {x} at argument {pos} is out of bounds for {dtype}"
                                + _here())
    return np.asarray(x, dtype=dtype)


def _promoting(fname):
    """The hint naming jnp's promoting function of that name, where jnp has one (lax.igamma's is
    scipy.special.gammainc, which the message does not guess)."""
    from .. import numpy as jnp
    return f" (jnp.{fname} is a similar function that promotes)" if hasattr(jnp, fname) else " (cast one first)"


def operands(fname, xs, kinds):
    """lax's operand contract for an n-ary element-wise op: every array operand has one dtype, of a kind in
    ``kinds``; Python scalars take that dtype; ranks are equal or 0. Returns the operands as arrays/Vars."""
    xs = [_array(x, fname, i) for i, x in enumerate(xs)]
    strong = [(i, x) for i, x in enumerate(xs) if not _is_weak(x)]
    if strong:
        dt = _dtype(strong[0][1])
        for i, x in strong[1:]:
            if _dtype(x) != dt:
                raise TypeError(f"lax.{fname} requires arguments to have the same dtypes, got "
                                + ", ".join(str(_dtype(y)) for _, y in strong) + _promoting(fname) + _here())
    else:
        kinds_seen = {_weak_kind(x) for x in xs}
        if len(kinds_seen) > 1:
            raise TypeError(f"lax.{fname} requires arguments of one kind, got weak (Python) "
                            + ", ".join(str(_dtype(x)) for x in xs) + _here())
        dt = _DEFAULT[kinds_seen.pop()]
    xs = [_weak_to(x, dt, fname, i) if _is_weak(x) else x for i, x in enumerate(xs)]
    _accepts(fname, xs[0], kinds)
    ranks = {_ndim(x) for x in xs} - {0}
    if len(ranks) > 1:
        raise TypeError(f"lax.{fname}: arrays must have the same number of dimensions, got ranks "
                        + ", ".join(str(_ndim(x)) for x in xs) + " (only a rank-0 operand broadcasts; use "
                        "lax.broadcast_in_dim or lax.expand_dims)" + _here())
    return xs


def _unary(fname, kinds, impl, doc):
    def fn(x):
        (x,) = operands(fname, [x], kinds)
        return impl(x)
    fn.__name__ = fn.__qualname__ = fname
    fn.__doc__ = doc
    return fn


def _binary(fname, kinds, impl, doc):
    def fn(x, y):
        x, y = operands(fname, [x, y], kinds)
        return impl(x, y)
    fn.__name__ = fn.__qualname__ = fname
    fn.__doc__ = doc
    return fn


def _fill(value, dtype):
    return np.asarray(value).astype(dtype)


# -- unary math ---------------------------------------------------------------------------------------------
abs = _unary("abs", "ifc", jnp.abs, "|x|; complex input gives its real magnitude.")
acos = _unary("acos", "fc", jnp.arccos, "arccos(x).")
acosh = _unary("acosh", "fc", jnp.arccosh, "arccosh(x).")
asin = _unary("asin", "fc", jnp.arcsin, "arcsin(x).")
asinh = _unary("asinh", "fc", jnp.arcsinh, "arcsinh(x).")
atan = _unary("atan", "fc", jnp.arctan, "arctan(x).")
atanh = _unary("atanh", "fc", jnp.arctanh, "arctanh(x).")
cbrt = _unary("cbrt", "f", jnp.cbrt, "The real cube root.")
ceil = _unary("ceil", "f", jnp.ceil, "Round toward +inf (zero gradient).")
cos = _unary("cos", "fc", jnp.cos, "cos(x).")
cosh = _unary("cosh", "fc", jnp.cosh, "cosh(x).")
exp = _unary("exp", "fc", jnp.exp, "e ** x.")
exp2 = _unary("exp2", "fc", jnp.exp2, "2 ** x.")
expm1 = _unary("expm1", "fc", jnp.expm1, "exp(x) - 1, accurate near 0.")
floor = _unary("floor", "f", jnp.floor, "Round toward -inf (zero gradient).")
is_finite = _unary("is_finite", "f", jnp.isfinite, "Neither inf nor NaN (a bool array).")
log = _unary("log", "fc", jnp.log, "The natural logarithm.")
log1p = _unary("log1p", "fc", jnp.log1p, "log(1 + x), accurate near 0.")
neg = _unary("neg", "iufc", jnp.negative, "-x (unsigned integers wrap).")
sin = _unary("sin", "fc", jnp.sin, "sin(x).")
sinh = _unary("sinh", "fc", jnp.sinh, "sinh(x).")
sqrt = _unary("sqrt", "fc", jnp.sqrt, "The square root.")
square = _unary("square", "iufc", lambda x: x * x, "x * x.")
tan = _unary("tan", "fc", jnp.tan, "tan(x).")
tanh = _unary("tanh", "fc", jnp.tanh, "tanh(x).")


def _rsqrt(x):
    return 1 / jnp.sqrt(x)


rsqrt = _unary("rsqrt", "fc", _rsqrt, "1 / sqrt(x) (inf at 0).")


def _logistic(x):
    # NOTE: the sigmoid primitive is the stable kernel for real input; complex input has no such primitive
    return m.sigmoid(x) if _dtype(x).kind == "f" else 1 / (1 + jnp.exp(-x))


logistic = _unary("logistic", "fc", _logistic, "1 / (1 + exp(-x)).")


def _sign(x):
    kind = _dtype(x).kind
    if kind == "c":
        mag = jnp.abs(x)
        return jnp.where(mag == 0, x * 0, x / jnp.where(mag == 0, 1, mag).astype(x.dtype))
    if kind == "f":
        # NOTE: x * 0 keeps -0.0 (JAX's sign(-0.0) is -0.0, numpy's is 0.0) and a zero gradient
        return jnp.where(x == 0, x * 0, jnp.sign(x))
    return jnp.sign(x)


sign = _unary("sign", "iufc", _sign, "-1, 0 or 1 (signed zeros and NaN kept); x / |x| for complex x.")


class RoundingMethod(enum.IntEnum):
    """How ``lax.round`` breaks ties (0.5, 2.5, ...)."""
    AWAY_FROM_ZERO = 0
    TO_NEAREST_EVEN = 1


def round(x, rounding_method=RoundingMethod.AWAY_FROM_ZERO):
    """Round to the nearest integer (float in, float out, zero gradient): ties away from zero by default,
    ``RoundingMethod.TO_NEAREST_EVEN`` (or 1) for banker's rounding."""
    (x,) = operands("round", [x], "f")
    try:
        method = RoundingMethod(int(rounding_method))
    except (TypeError, ValueError):
        raise ValueError(f"lax.round: rounding_method must be a lax.RoundingMethod (0 or 1), got "
                         f"{rounding_method!r}{_here()}") from None
    if method == RoundingMethod.TO_NEAREST_EVEN:
        return jnp.rint(x)
    # NOTE: not floor(|x| + 0.5): that sum rounds 0.49999999999999994 up to 1.0; x - trunc(x) is exact
    t = jnp.trunc(x)
    return jnp.where(jnp.abs(x - t) >= 0.5, t + jnp.sign(x), t)


# -- binary arithmetic ------------------------------------------------------------------------------------
add = _binary("add", "iufc", jnp.add, "x + y.")
sub = _binary("sub", "iufc", jnp.subtract, "x - y.")
mul = _binary("mul", "iufc", jnp.multiply, "x * y.")
atan2 = _binary("atan2", "f", jnp.arctan2, "arctan(x / y) in the quadrant of (y, x).")
max = _binary("max", "iufb", jnp.maximum, "The element-wise maximum (NaN propagates; ties share the gradient).")
min = _binary("min", "iufb", jnp.minimum, "The element-wise minimum (NaN propagates; ties share the gradient).")


def _int_div(x, y):
    """Quotient truncated toward zero (C's, not Python's floor); x / 0 is -1 (all bits set), as in XLA."""
    dt = _dtype(x)
    zero = y == 0
    safe = jnp.where(zero, _fill(1, dt), y)
    q = jnp.floor_divide(x, safe)
    if dt.kind == "i":
        r = x - q * safe
        # NOTE: floor and truncation differ by one exactly when the division is inexact and the signs differ
        q = jnp.where((r != 0) & ((x < 0) != (safe < 0)), q + _fill(1, dt), q)
    return jnp.where(zero, _fill(-1, dt), q)


def _div(x, y):
    return _int_div(x, y) if _dtype(x).kind in "iu" else jnp.divide(x, y)


div = _binary("div", "iufc", _div, "x / y; integers truncate toward zero (-7 / 2 is -3, unlike //).")


def _rem(x, y):
    if _dtype(x).kind in "iu":
        # NOTE: where y == 0 the quotient is -1 and y * q is 0, so the remainder is x (XLA's rule)
        return x - y * _int_div(x, y)
    return jnp.fmod(x, y)


rem = _binary("rem", "iuf", _rem, "C's fmod: the remainder takes the dividend's sign (unlike %).")


def pow(x, y):
    """x ** y for floating or complex x; y has x's dtype or is an integer array (then computed in x's dtype)."""
    x = _array(x, "pow", 0)
    y = _array(y, "pow", 1)
    if _is_weak(x) and _is_weak(y):
        x, y = operands("pow", [x, y], "fc")
    elif _is_weak(x):
        x = _weak_to(x, _dtype(y), "pow", 0)
    elif _is_weak(y):
        # NOTE: an integer exponent is allowed (and computed in x's dtype), so a weak int y always fits
        y = _weak_to(y, _dtype(x), "pow", 1) if _weak_kind(y) != "i" else jnp.astype(y, _dtype(x))
    _accepts("pow", x, "fc", 0)
    if _dtype(y).kind in "iu":
        y = jnp.astype(y, _dtype(x))
    operands("pow", [x, y], "fc")
    return jnp.power(x, y)


def integer_pow(x, y):
    """x ** y for a Python integer y, by repeated squaring: exact for integers and differentiable everywhere
    (the gradient of x ** 3 at 0 is 0, not NaN). Integers cannot take negative powers."""
    (x,) = operands("integer_pow", [x], "iufc")
    if isinstance(y, bool) or not isinstance(y, numbers.Real) or int(y) != y:
        raise TypeError(f"lax.integer_pow: the exponent y must be a Python int, got {y!r}{_here()}")
    y = int(y)
    if y < 0 and _dtype(x).kind in "iu":
        raise TypeError(f"lax.integer_pow: integers cannot be raised to negative powers, got exponent {y}"
                        + _here())
    if y == 0:
        return jnp.ones_like(x)
    acc, base, n = None, x, -y if y < 0 else y
    while True:
        if n & 1:
            acc = base if acc is None else acc * base
        n >>= 1
        if not n:
            break
        base = base * base
    return 1 / acc if y < 0 else acc


def clamp(min, x, max):
    """``min <= x <= max`` clipped (JAX's argument order: the bounds around the operand). Bounds have x's dtype
    and either x's shape or shape (). The gradient reaches x strictly inside, a bound strictly beyond it."""
    x = _array(x, "clamp", 1)
    if _is_python_scalar(x):
        x = np.asarray(x)
    _accepts("clamp", x, "iuf", 1)
    bounds = []
    for pos, (name, b) in ((0, ("min", min)), (2, ("max", max))):
        b = _array(b, "clamp", pos)
        b = _weak_to(b, _dtype(x), "clamp", pos) if _is_weak(b) else b
        if _dtype(b) != _dtype(x):
            raise TypeError(f"lax.clamp requires arguments to have the same dtypes, got {name} {_dtype(b)} and "
                            f"operand {_dtype(x)}{_here()}")
        bs, xs = tuple(jnp.shape(b)), tuple(jnp.shape(x))
        # NOTE: symbolic sizes (traced) cannot be compared here; the selects below check them when run
        if bs != () and (len(bs) != len(xs) or any(isinstance(a, int) and isinstance(c, int) and a != c
                                                    for a, c in zip(bs, xs))):
            raise TypeError(f"lax.clamp requires {name}.shape == operand.shape or {name}.shape == (), got "
                            f"{name}.shape={bs}, operand.shape={xs}{_here()}")
        bounds.append(b)
    lo, hi = bounds
    inside = (x > lo) & (x < hi)
    # NOTE: at a tie (x == lo) no one gets a gradient, as in JAX; NaN in x stays NaN
    v = jnp.where(inside, x, jnp.stop_gradient(x))
    v = jnp.where(x < lo, lo, v)
    v = jnp.where(v > hi, hi, v)
    if _dtype(x).kind == "f":
        # NOTE: a NaN bound gives NaN, as XLA's clamp (a comparison with NaN alone would return x)
        v = jnp.where(jnp.isnan(lo) | jnp.isnan(hi), np.nan, v)
    return v


# -- comparisons ----------------------------------------------------------------------------------------------
eq = _binary("eq", "biufc", jnp.equal, "x == y (a bool array).")
ne = _binary("ne", "biufc", jnp.not_equal, "x != y (a bool array).")
lt = _binary("lt", "biuf", jnp.less, "x < y (a bool array).")
le = _binary("le", "biuf", jnp.less_equal, "x <= y (a bool array).")
gt = _binary("gt", "biuf", jnp.greater, "x > y (a bool array).")
ge = _binary("ge", "biuf", jnp.greater_equal, "x >= y (a bool array).")

# -- bits -----------------------------------------------------------------------------------------------------
bitwise_and = _binary("bitwise_and", "biu", jnp.bitwise_and, "x & y (logical and for bools).")
bitwise_or = _binary("bitwise_or", "biu", jnp.bitwise_or, "x | y (logical or for bools).")
bitwise_xor = _binary("bitwise_xor", "biu", jnp.bitwise_xor, "x ^ y (logical xor for bools).")
bitwise_not = _unary("bitwise_not", "biu", jnp.invert, "~x (logical not for bools).")


def _bits(dt):
    return np.dtype(dt).itemsize * 8


def _as_unsigned(x):
    dt = _dtype(x)
    return x if dt.kind == "u" else jnp.astype(x, np.dtype(f"uint{_bits(dt)}"))


def _as_signed(x):
    dt = _dtype(x)
    return x if dt.kind == "i" else jnp.astype(x, np.dtype(f"int{_bits(dt)}"))


def _out_of_range(s, dt):
    # NOTE: a shift by a negative amount or by the width or more is defined by XLA (0, or the sign fill);
    # in C and numba it is undefined, so the amount is made safe first
    return (s < 0) | (s >= _fill(_bits(dt), dt))


def _safe_amount(s, dt):
    return jnp.where(_out_of_range(s, dt), _fill(0, dt), s)


def _shift_left(x, s):
    dt = _dtype(x)
    return jnp.where(_out_of_range(s, dt), _fill(0, dt), jnp.left_shift(x, _safe_amount(s, dt)))


def _shift_right_arithmetic(x, s):
    dt = _dtype(x)
    sx = _as_signed(x)
    # NOTE: numpy's >> on signed integers is arithmetic; unsigned operands are shifted as their signed bits
    sdt = _dtype(sx)
    ss = jnp.astype(_safe_amount(s, dt), sdt)
    out = jnp.where(_out_of_range(s, dt), jnp.where(sx < 0, _fill(-1, sdt), _fill(0, sdt)),
                    jnp.right_shift(sx, ss))
    return jnp.astype(out, dt) if dt != sdt else out


def _shift_right_logical(x, s):
    dt = _dtype(x)
    ux = _as_unsigned(x)
    udt = _dtype(ux)
    us = jnp.astype(_safe_amount(s, dt), udt)
    out = jnp.where(_out_of_range(s, dt), _fill(0, udt), jnp.right_shift(ux, us))
    return jnp.astype(out, dt) if dt != udt else out


shift_left = _binary("shift_left", "iu", _shift_left,
                     "x << y; shifts by a negative amount or by the bit width or more give 0.")
shift_right_arithmetic = _binary("shift_right_arithmetic", "iu", _shift_right_arithmetic,
                                 "x >> y filling with the sign bit (of the bits, for unsigned x); shifts out of "
                                 "range give 0 or -1.")
shift_right_logical = _binary("shift_right_logical", "iu", _shift_right_logical,
                              "x >> y filling with zeros (signed x is shifted as its bits); shifts out of range "
                              "give 0.")


def _popcount_unsigned(u):
    """SWAR bit count (Hacker's Delight 5-1) on an unsigned array, in its own dtype, without multiplication
    (whose wrap-around numpy would warn about)."""
    dt = _dtype(u)
    bits = _bits(dt)

    def mask(byte):
        return _fill(int.from_bytes(bytes([byte]) * (bits // 8), "little"), dt)

    def shr(v, k):
        return jnp.right_shift(v, _fill(k, dt))

    u = u - (shr(u, 1) & mask(0x55))
    u = (u & mask(0x33)) + (shr(u, 2) & mask(0x33))
    u = (u + shr(u, 4)) & mask(0x0F)
    k = 8
    while k < bits:
        u = u + shr(u, k)
        k *= 2
    return u & _fill(0xFF if bits > 8 else 0x0F, dt)


def _population_count(x):
    dt = _dtype(x)
    c = _popcount_unsigned(_as_unsigned(x))
    return jnp.astype(c, dt) if _dtype(c) != dt else c


def _clz(x):
    dt = _dtype(x)
    u = _as_unsigned(x)
    udt = _dtype(u)
    k = 1
    while k < _bits(dt):
        u = u | jnp.right_shift(u, _fill(k, udt))   # NOTE: smears the highest set bit into every lower one
        k *= 2
    c = _fill(_bits(dt), udt) - _popcount_unsigned(u)
    return jnp.astype(c, dt) if udt != dt else c


population_count = _unary("population_count", "iu", _population_count, "The number of set bits, in x's dtype.")
clz = _unary("clz", "iu", _clz, "The number of leading zero bits, in x's dtype (the bit width for 0).")

# -- complex parts ----------------------------------------------------------------------------------------------


def complex(x, y):
    """x + i y from real arrays of one dtype (float32 gives complex64, float64 complex128)."""
    x, y = operands("complex", [x, y], "f")
    if _dtype(x) == np.float16:
        raise TypeError("lax.complex does not accept float16 (there is no complex32)" + _here())
    return from_parts(x, y)


def _conj(x):
    if _dtype(x).kind == "f":
        x = jnp.astype(x, np.complex64 if _dtype(x) == np.float32 else np.complex128)
    return jnp.conj(x)


conj = _unary("conj", "fc", _conj, "The complex conjugate (real input gives a complex result, as in JAX).")
real = _unary("real", "c", jnp.real, "The real part of a complex array.")
imag = _unary("imag", "c", jnp.imag, "The imaginary part of a complex array.")


# -- conversion -------------------------------------------------------------------------------------------------
def convert_element_type(operand, new_dtype, weak_type=False, sharding=None):
    """``operand`` as ``new_dtype`` with XLA's rules: float to integer truncates toward zero and saturates
    (inf to the dtype's bounds, NaN to 0, negative values to 0 for unsigned); anything to bool is ``!= 0``;
    complex to real keeps the real part; integer to integer wraps. Differentiable between inexact dtypes."""
    x = _array(operand, "convert_element_type", 0)
    if _is_python_scalar(x):
        x = np.asarray(x)
    new = canonical_dtype(new_dtype, "lax.convert_element_type new_dtype")
    src = _dtype(x)
    if src == new:
        return x
    if new.kind == "b":
        return x != _fill(0, src)
    if src.kind == "c" and new.kind != "c":
        x, src = jnp.real(x), _dtype(jnp.real(x))
    if src.kind == "f" and new.kind in "iu":
        info = np.iinfo(new)
        lo = np.asarray(info.min, dtype=src) if np.finfo(src).max > -info.min else np.asarray(-np.inf, src)
        hi = np.asarray(info.max, dtype=src)
        # NOTE: float32(2**31 - 1) rounds up to 2**31 (compared as Python ints: numpy would round info.max too)
        if np.isfinite(hi) and int(hi) > info.max:
            hi = np.nextafter(hi, np.asarray(0, src))
        if not np.isfinite(hi):
            hi = np.asarray(np.finfo(src).max, src)
        t = jnp.trunc(jnp.where(jnp.isnan(x), _fill(0, src), x))
        out = jnp.astype(jnp.clip(t, lo, hi), new)
        # NOTE: values beyond the largest float that fits saturate to the integer bound itself
        return jnp.where(t > hi, _fill(info.max, new), jnp.where(t < lo, _fill(info.min, new), out))
    return jnp.astype(x, new)
