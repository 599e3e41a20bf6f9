"""More elementwise functions with numpy's names and keywords, all composites of the ``ops.math`` primitives:
exp2/log2/log10, cbrt, hypot, sinc, round/rint/trunc, fmod, fmax/fmin, logaddexp2, the numpy-2 ``clip``,
nan_to_num, select, and the float predicates.

Plain arrays go straight to numpy (same values and dtypes as numpy, no graph); traced values get the
composite, whose derivatives come from the primitives'. Rounding functions have a zero derivative, as in
JAX. Constants are Python floats, which are weak: a float32 argument keeps float32 values and gradients.
"""

import math as _math

import numpy as np

from ..ops import math as m
from ..core.primitive import eager_type
from ..ops._rules import dtype_float
from ._base import asarray_or_var, is_traced, dtype_of, reject_complex, from_parts
from ._ufunc import ufunc_keywords

_LN2 = _math.log(2.0)
_LN10 = _math.log(10.0)
_NO_VALUE = np._NoValue


def _args(*xs):
    xs = tuple(asarray_or_var(x) for x in xs)
    return xs, is_traced(*xs)


@ufunc_keywords(np.fabs)
def fabs(x):
    """Absolute value as a float (numpy's ``fabs``); its derivative at 0 is 0, as ``abs``'s."""
    (x,), traced = _args(x)
    if not traced:
        return np.fabs(x)
    reject_complex("fabs", x)
    return m.abs_(_as_float(x))


def _as_float(x):
    """x in the float dtype numpy's unary float functions give its dtype (int8 -> float16, int64 -> float64)."""
    if isinstance(x, (bool, int, float)):
        return float(x)  # NOTE: stays a weak Python scalar, so it does not widen a float32 operand
    dt = dtype_of(x)
    if dt.kind in "fc":
        return x
    with np.errstate(all="ignore"):
        return m.convert(x, dtype=np.sin(np.zeros((), dtype=dt)).dtype)


@ufunc_keywords(np.positive)
def positive(x):
    (x,), traced = _args(x)
    if not traced:
        return np.positive(x)
    if x.dtype == np.bool_:
        raise TypeError("positive: numpy has no boolean positive (its ufunc raises for bool); convert to an "
                        "integer dtype first")
    return x


@ufunc_keywords(np.exp2)
def exp2(x):
    """2 ** x."""
    (x,), traced = _args(x)
    return np.exp2(x) if not traced else m.pow_(2.0, _as_float(x))


def _complex_log_over(z, ln_base):
    """log(z) / ln_base part by part: a complex division would turn log(0) = -inf + 0j into -inf + nanj."""
    lz = m.log(z)
    return from_parts(m.real(lz) / ln_base, m.imag(lz) / ln_base)


@ufunc_keywords(np.log2)
def log2(x):
    (x,), traced = _args(x)
    if not traced:
        return np.log2(x)
    x = _as_float(x)
    return _complex_log_over(x, _LN2) if dtype_of(x).kind == "c" else m.log2(x)


@ufunc_keywords(np.log10)
def log10(x):
    (x,), traced = _args(x)
    if not traced:
        return np.log10(x)
    x = _as_float(x)
    return _complex_log_over(x, _LN10) if dtype_of(x).kind == "c" else m.log10(x)


@ufunc_keywords(np.cbrt)
def cbrt(x):
    """Real cube root (negative for negative x); the derivative at 0 is inf, as JAX's."""
    (x,), traced = _args(x)
    if not traced:
        return np.cbrt(x)
    reject_complex("cbrt", x)
    return m.cbrt(_as_float(x))


@ufunc_keywords(np.deg2rad)
def deg2rad(x):
    (x,), traced = _args(x)
    if not traced:
        return np.deg2rad(x)
    reject_complex("deg2rad", x)
    return _as_float(x) * (_math.pi / 180.0)


@ufunc_keywords(np.rad2deg)
def rad2deg(x):
    (x,), traced = _args(x)
    if not traced:
        return np.rad2deg(x)
    reject_complex("rad2deg", x)
    return _as_float(x) * (180.0 / _math.pi)


radians, degrees = deg2rad, rad2deg


def sinc(x):
    """sin(pi x) / (pi x), 1 at 0. Near 0 a Taylor polynomial takes over, so the value and the derivatives
    of every order checked (first and second) are right at 0 too (JAX uses a series there as well)."""
    (x,), traced = _args(x)
    if not traced:
        return np.sinc(x)
    x = x if dtype_of(x).kind in "fc" else m.convert(x, dtype=np.dtype("float64"))
    small = m.lt(m.abs_(x), 1e-3)
    px = m.where(small, 1.0, x) * _math.pi
    y2 = (x * _math.pi) * (x * _math.pi)
    series = 1.0 - y2 / 6.0 + y2 * y2 / 120.0 - y2 * y2 * y2 / 5040.0
    return m.where(small, series, m.sin(px) / px)


# -- rounding (zero derivative everywhere, as JAX) --------------------------------------------------------------
def _rint(x):
    """Round half to even, written with floor: r = floor(x) is exact, so x - r decides the direction, and r is
    odd when r - 2 floor(r / 2) is 1 (exact too; a float ``mod`` is a C call that kept compiled loops scalar,
    2.8x slower than numpy). Complex values round their two parts (numpy)."""
    if dtype_of(x).kind == "c":
        return from_parts(_rint(m.real(x)), _rint(m.imag(x)))
    if dtype_of(x).kind != "f":
        return x
    r = m.floor(x)
    d = x - r
    odd = m.eq(r - 2.0 * m.floor(r * 0.5), 1.0)
    up = m.logical_or(m.gt(d, 0.5), m.logical_and(m.eq(d, 0.5), odd))
    out = m.where(up, r + 1.0, r)
    return m.where(m.eq(out, 0.0), x * 0.0, out)  # NOTE: x * 0 keeps numpy's sign: round(-0.2) is -0.0


@ufunc_keywords(np.rint)
def rint(x):
    (x,), traced = _args(x)
    return np.rint(x) if not traced else _rint(_as_float(x))


def round(a, decimals=0, out=None):
    """Round half to even to ``decimals`` places (numpy's scaling: multiply, rint, divide)."""
    _no_out(out, "round")
    (a,), traced = _args(a)
    if not traced:
        return np.round(a, decimals)
    decimals = int(decimals)
    dt = dtype_of(a)
    if dt.kind == "b":
        a, dt = _as_float(a), np.dtype("float16")
    if dt.kind in "iu":
        if decimals >= 0:
            return a
        return m.convert(round(m.convert(a, dtype=np.dtype("float64")), decimals), dtype=dt)
    if dt.kind == "c" and decimals != 0:
        # NOTE: part by part, as JAX: a complex product and quotient by 10**decimals mixed the parts (inf+1j
        # became inf+nanj where the scaled real part overflowed)
        return from_parts(round(m.real(a), decimals), round(m.imag(a), decimals))
    if dt == np.float16 and decimals != 0:
        # NOTE: JAX scales in float32; numpy's float16 10**decimals overflows from decimals=5 (all NaN)
        return m.convert(round(m.convert(a, dtype=np.dtype("float32")), decimals), dtype=dt)
    if decimals == 0:
        return _rint(a)
    if decimals > 0:
        f = 10.0 ** decimals
        return _rint(a * f) / f
    f = 10.0 ** (-decimals)
    return _rint(a / f) * f


around = round_ = round


@ufunc_keywords(np.trunc)
def trunc(x):
    """Round toward zero."""
    (x,), traced = _args(x)
    if not traced:
        return np.trunc(x)
    reject_complex("trunc", x)
    if dtype_of(x).kind != "f":
        return x
    return m.where(m.lt(x, 0), m.ceil(x), m.floor(x))


def fix(x):
    (x,), traced = _args(x)
    return np.fix(x) if not traced else trunc(x)


@ufunc_keywords(np.floor_divide)
def floor_divide(x1, x2):
    (x1, x2), traced = _args(x1, x2)
    if not traced:
        return np.floor_divide(x1, x2)
    return m.floor_divide(x1, x2)


# -- two-operand functions ---------------------------------------------------------------------------------------
@ufunc_keywords(np.fmod)
def fmod(x1, x2):
    """C's remainder: the result has the sign of the dividend (numpy's ``mod`` takes the divisor's). Its
    derivative is (1, -trunc(x1 / x2))."""
    (x1, x2), traced = _args(x1, x2)
    if not traced:
        return np.fmod(x1, x2)
    r = m.mod(x1, x2)
    cross = m.logical_and(m.ne(r, 0), m.ne(m.lt(x1, 0), m.lt(x2, 0)))
    out = m.where(cross, r - x2, r)
    if out.dtype.kind != "f":
        return out  # NOTE: x1 * 0 would widen a bool's int8 result to int64 (bool * a Python int)
    # NOTE: a zero remainder takes the dividend's sign, as in C; the stop_gradient difference (+0.0, which
    # keeps a -0.0) gives it r's derivative, 1 in x1 (x1 * 0 alone made fmod's derivative 0 at multiples of x2)
    out = m.where(m.eq(out, 0), x1 * 0 - (m.stop_gradient(r) - r), out)
    # NOTE: a finite x1 over an infinite x2 is x1 (C's fmod); the floor mod's inf - inf there is NaN
    return m.where(m.logical_and(m.eq(m.abs_(x2), np.inf), m.lt(m.abs_(x1), np.inf)), x1, out)


def _common_float(x1, x2):
    """x1 and x2 in the float dtype numpy's float-only binary ufuncs (hypot, heaviside) compute in: the
    operands' promoted dtype (a Python scalar weakly), made a float as a unary float function makes it
    (int8 with int8 -> float16, int8 with a Python float -> float64). Python scalars stay weak."""
    dt, weak = dtype_float(eager_type(x1), eager_type(x2))
    if weak:
        return _as_float(x1), _as_float(x2)
    return tuple(float(x) if type(x) in (bool, int, float) else
                 (x if dtype_of(x) == dt else m.convert(x, dtype=dt)) for x in (x1, x2))


@ufunc_keywords(np.hypot)
def hypot(x1, x2):
    """sqrt(x1^2 + x2^2) without overflow or underflow: the larger magnitude is factored out (JAX's form)."""
    (x1, x2), traced = _args(x1, x2)
    if not traced:
        return np.hypot(x1, x2)
    reject_complex("hypot", x1, x2)
    x1, x2 = _common_float(x1, x2)
    a, b = m.abs_(x1), m.abs_(x2)
    big, small = m.maximum(a, b), m.minimum(a, b)
    zero = m.eq(big, 0)
    safe = m.where(zero, 1.0, big)
    ratio = small / safe
    out = m.where(zero, big, big * m.sqrt(1.0 + ratio * ratio))
    return m.where(m.logical_or(m.eq(a, np.inf), m.eq(b, np.inf)), np.inf, out)


@ufunc_keywords(np.logaddexp2)
def logaddexp2(x1, x2):
    """log2(2^x1 + 2^x2) without overflow."""
    (x1, x2), traced = _args(x1, x2)
    if not traced:
        return np.logaddexp2(x1, x2)
    return m.logaddexp(_as_float(x1) * _LN2, _as_float(x2) * _LN2) / _LN2


@ufunc_keywords(np.fmax)
def fmax(x1, x2):
    """Elementwise maximum that ignores a NaN operand; half the gradient to each operand at ties (JAX)."""
    (x1, x2), traced = _args(x1, x2)
    if not traced:
        return np.fmax(x1, x2)
    return m.where(m.isnan(x2), x1, m.where(m.isnan(x1), x2, m.maximum(x1, x2)))


@ufunc_keywords(np.fmin)
def fmin(x1, x2):
    (x1, x2), traced = _args(x1, x2)
    if not traced:
        return np.fmin(x1, x2)
    return m.where(m.isnan(x2), x1, m.where(m.isnan(x1), x2, m.minimum(x1, x2)))


@ufunc_keywords(np.float_power)
def float_power(x1, x2):
    """x1 ** x2 computed in float64 (numpy's ``float_power``)."""
    (x1, x2), traced = _args(x1, x2)
    if not traced:
        return np.float_power(x1, x2)
    return m.pow_(_to_f64(x1), _to_f64(x2))


def _to_f64(x):
    """x in float64, or complex128 where it is complex (numpy's float_power)."""
    if isinstance(x, (bool, int, float)):
        return float(x)
    if isinstance(x, complex):
        return x
    want = np.dtype("complex128" if dtype_of(x).kind == "c" else "float64")
    return x if dtype_of(x) == want else m.convert(x, dtype=want)


@ufunc_keywords(np.heaviside)
def heaviside(x1, x2):
    """0 for x1 < 0, x2 at 0, 1 for x1 > 0; no gradient to x1 (a step), x2's passes where x1 == 0."""
    (x1, x2), traced = _args(x1, x2)
    if not traced:
        return np.heaviside(x1, x2)
    reject_complex("heaviside", x1, x2)
    x1, x2 = _common_float(x1, x2)
    step = m.where(m.lt(x1, 0), 0.0, m.where(m.gt(x1, 0), 1.0, x2))
    # NOTE: selecting x1 where it is NaN keeps numpy's NaN and lets x1's dtype join the promotion (and the
    # broadcast); an arithmetic form such as step * (x1 * 0 + 1) turned +-inf into NaN.
    return m.where(m.isnan(x1), m.stop_gradient(x1), step)


def clip(a, a_min=_NO_VALUE, a_max=_NO_VALUE, out=None, *, min=_NO_VALUE, max=_NO_VALUE):
    """Limit values to [a_min, a_max] (either may be None; numpy 2 also spells them ``min=``/``max=``).
    At a boundary the gradient is shared half and half between ``a`` and the bound (JAX's maximum/minimum)."""
    _no_out(out, "clip")
    lo = _one_of(a_min, min, "a_min", "min")
    hi = _one_of(a_max, max, "a_max", "max")
    (a,), traced = _args(a)
    if not traced and not is_traced(lo, hi):
        return np.clip(a, lo, hi)
    if dtype_of(a).kind in "iu":
        # NOTE: numpy's own rule: a Python int bound beyond the integer dtype's range is no bound at all
        info = np.iinfo(dtype_of(a))
        lo = None if type(lo) is int and lo <= info.min else lo
        hi = None if type(hi) is int and hi >= info.max else hi
    if lo is not None:
        a = m.maximum(a, asarray_or_var(lo))
    if hi is not None:
        a = m.minimum(a, asarray_or_var(hi))
    return a


def _one_of(positional, keyword, pname, kname):
    if positional is not _NO_VALUE and keyword is not _NO_VALUE:
        raise ValueError(f"clip: pass either {pname} or {kname}=, not both")
    v = keyword if positional is _NO_VALUE else positional
    return None if v is _NO_VALUE else v


def _no_out(out, fname):
    if out is not None:
        raise TypeError(f"{fname}: out= is not supported (arrays are immutable inside traced functions); "
                        "use the return value")


def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    """NaN -> ``nan``, +inf -> ``posinf`` (default: the dtype's largest finite value), -inf -> ``neginf``.
    The gradient passes through the finite entries and is 0 at the replaced ones."""
    (x,), traced = _args(x)
    if not traced:
        return np.nan_to_num(x, copy=copy, nan=nan, posinf=posinf, neginf=neginf)
    dt = dtype_of(x)
    if dt.kind == "c":
        return from_parts(nan_to_num(m.real(x), nan=nan, posinf=posinf, neginf=neginf),
                          nan_to_num(m.imag(x), nan=nan, posinf=posinf, neginf=neginf))
    if dt.kind != "f":
        return x
    info = np.finfo(dt)
    posinf = float(info.max) if posinf is None else posinf
    neginf = float(info.min) if neginf is None else neginf
    out = m.where(m.eq(x, np.inf), posinf, m.where(m.eq(x, -np.inf), neginf, x))
    return m.where(m.isnan(x), nan, out)


def select(condlist, choicelist, default=0):
    """The first choice whose condition holds, elementwise (numpy's ``select``); no gradient to conditions."""
    if len(condlist) != len(choicelist):
        raise ValueError(f"select: list of cases must be same length as list of conditions ({len(condlist)} "
                         f"conditions, {len(choicelist)} choices)")
    conds = [asarray_or_var(c) for c in condlist]
    choices = [asarray_or_var(c) for c in choicelist]
    default = asarray_or_var(default)
    if not is_traced(*conds, *choices, default):
        return np.select(conds, choices, default)
    for i, c in enumerate(conds):
        if dtype_of(c) != np.bool_:
            raise TypeError(f"select: invalid entry {i} in condlist: should be boolean ndarray, got {dtype_of(c)}")
    out = default
    for c, v in zip(reversed(conds), reversed(choices)):
        out = m.select(c, v, out)
    return out


# -- float predicates (boolean results, no gradient) -----------------------------------------------------------------
@ufunc_keywords(np.isfinite)
def isfinite(x):
    (x,), traced = _args(x)
    if not traced:
        return np.isfinite(x)
    if dtype_of(x).kind not in "fc":
        return m.eq(x, x)
    # NOTE: inf - inf and nan - nan are NaN. |x| < inf is the same test, but W5's softmax ran 1.5 ms (4%) slower
    # with it, and the stabilizer matches this form in nn.log_softmax; the reference interpreter is quiet on it.
    return m.eq(x - x, 0)


@ufunc_keywords(np.isinf)
def isinf(x):
    (x,), traced = _args(x)
    if not traced:
        return np.isinf(x)
    if dtype_of(x).kind not in "fc":
        return m.ne(x, x)
    return m.eq(m.abs_(x), np.inf)


def isposinf(x):
    (x,), traced = _args(x)
    if not traced:
        return np.isposinf(x)
    reject_complex("isposinf", x)
    return m.eq(x, np.inf)


def isneginf(x):
    (x,), traced = _args(x)
    if not traced:
        return np.isneginf(x)
    reject_complex("isneginf", x)
    return m.eq(x, -np.inf)


@ufunc_keywords(np.signbit)
def signbit(x):
    """True where the sign bit is set: -0.0 and a NaN with its sign set included."""
    (x,), traced = _args(x)
    if not traced:
        return np.signbit(x)
    if dtype_of(x).kind != "f":
        return m.lt(x, 0)
    return m.signbit(x)
