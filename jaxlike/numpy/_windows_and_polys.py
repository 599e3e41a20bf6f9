"""Numerical routines of numpy's surface: polynomials (polyval, polyadd, polysub, polymul, polyder, polyint,
vander), 1-D convolve and correlate, window functions and i0, logspace and geomspace, and the float
decomposition functions (copysign, ldexp, frexp, modf, divmod). ``_utilities`` re-exports these names and
shares the small argument helpers defined here (it imports this module, never the other way round).

Plain arrays go straight to numpy. Traced values repeat numpy's own arithmetic where it is written in Python
(polyval's Horner loop, vander's running product, i0's Chebyshev series, logspace's power of a linspace), so
values match numpy's to rounding and the derivatives are those of that arithmetic. Polynomial lengths and
convolution sizes are read as ints (a compiled function specializes on them). Windows are constants.
"""

import operator

import numpy as np

from ..core.graph import Var, const
from ..core.types import Sym
from ..ops import math as m
from ..ops import index as I
from ..ops.reduce import reduce_sum
from ..ops._rules import broadcast_shapes, normalize_axis
from ._base import asarray_or_var, is_traced, ndim, shape, dtype_of, reject_complex, as_var
from . import _shape as _sh
from ._elementwise import astype
from ._creation import linspace
from ._more_elementwise import trunc, signbit, floor_divide
from ._more_reductions import cumprod
from ._more_shape import flip
from ._complex import conj

__all__ = [
    "polyval", "polyadd", "polysub", "polymul", "polyder", "polyint", "vander", "convolve", "correlate",
    "hamming", "hanning", "blackman", "bartlett", "kaiser", "i0", "logspace", "geomspace", "copysign", "ldexp",
    "frexp", "modf", "divmod"]


# -- helpers (shared with _utilities) ------------------------------------------------------------------------
def _no_out(out, fname):
    if out is not None:
        raise TypeError(f"{fname}: out= is not supported (traced arrays are immutable); use the return value")


def _static_int(value, what, fname):
    """A Python int for a size-like argument; a traced value cannot set an output's shape."""
    if isinstance(value, Var):
        raise TypeError(f"{fname}: {what} must be a concrete int (it sets the output's shape), got a traced value")
    if isinstance(value, Sym):
        return int(value)  # NOTE: raises ConcretizationError, on which compile retraces with concrete sizes
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{fname}: {what} must be an int, got {type(value).__name__}") from None


def _numpy_dtypes(ufunc, *xs):
    """numpy's output dtype(s) of ``ufunc`` on operands of these dtypes (Python scalars stay weak): the same
    result types, and numpy's TypeError for unsupported ones."""
    dummies = [x if isinstance(x, (bool, int, float, complex)) else np.zeros((), dtype_of(x)) for x in xs]
    with np.errstate(all="ignore"):
        out = ufunc(*dummies)
    return tuple(np.asarray(o).dtype for o in out) if isinstance(out, tuple) else np.asarray(out).dtype


def _to(x, dt):
    if isinstance(x, Var):
        return x if x.dtype == dt else m.convert(x, dtype=dt)
    return np.asarray(x, dtype=dt)


def _result_dtype(*xs):
    return np.result_type(*[x.dtype if isinstance(x, Var) else x for x in xs])


def _length(p, what, fname):
    if ndim(p) != 1:
        raise ValueError(f"{fname}: {what} must be 1-d, got shape {shape(p)}")
    return int(shape(p)[0])  # NOTE: reading the length specializes a compiled trace on it


# -- polynomials (coefficients highest power first, as numpy's poly* functions) ------------------------------
def polyval(p, x):
    """p[0] * x**(n-1) + ... + p[n-1], by numpy's Horner loop (y = y * x + p[i] from y = zeros_like(x))."""
    p, x = asarray_or_var(p), asarray_or_var(x)
    if not is_traced(p, x):
        return np.polyval(p, x)
    if ndim(p) == 0:
        raise TypeError("polyval: p must be a sequence of coefficients (highest power first), got a 0-d value")
    if not isinstance(x, Var):
        x = np.asarray(x)
    y = _sh.broadcast_to(const(np.zeros((), x.dtype)), x.shape) if isinstance(x, Var) else np.zeros_like(x)
    for i in range(int(shape(p)[0])):
        # NOTE: a numpy scalar coefficient counts as an array in numpy's promotion; a 0-d array keeps that
        y = y * x + (p[i] if isinstance(p, Var) else np.asarray(p[i]))
    return y


def _leading_zeros(p, count):
    zeros = np.zeros((count,) + tuple(int(d) for d in shape(p)[1:]), dtype=dtype_of(p))
    return _sh.concatenate([zeros, p])


def _poly_combine(a1, a2, subtract):
    fname = "polysub" if subtract else "polyadd"
    a1, a2 = asarray_or_var(a1), asarray_or_var(a2)
    if not is_traced(a1, a2):
        return (np.polysub if subtract else np.polyadd)(a1, a2)
    a1, a2 = _sh.atleast_1d(a1), _sh.atleast_1d(a2)
    diff = _length(a2, "a2", fname) - _length(a1, "a1", fname)
    if diff > 0:
        a1 = _leading_zeros(a1, diff)
    elif diff < 0:
        a2 = _leading_zeros(a2, -diff)
    return a1 - a2 if subtract else a1 + a2


def polyadd(a1, a2):
    """Sum of two polynomials (the shorter one padded with leading zeros)."""
    return _poly_combine(a1, a2, subtract=False)


def polysub(a1, a2):
    """Difference of two polynomials."""
    return _poly_combine(a1, a2, subtract=True)


def polymul(a1, a2):
    """Product of two polynomials: the convolution of their coefficients."""
    a1, a2 = asarray_or_var(a1), asarray_or_var(a2)
    if not is_traced(a1, a2):
        return np.polymul(a1, a2)
    return convolve(_sh.atleast_1d(a1), _sh.atleast_1d(a2))


def polyder(p, m=1):
    """The ``m``-th derivative's coefficients: p[:-1] * [n, ..., 1], ``m`` times (integers stay integers)."""
    order = _static_int(m, "m", "polyder")
    if order < 0:
        raise ValueError(f"polyder: order of derivative must be positive (see polyint), got m={order}")
    p = asarray_or_var(p)
    if not is_traced(p):
        return np.polyder(p, order)
    for _ in range(order):
        n = _length(p, "p", "polyder") - 1
        p = p[:-1] * np.arange(n, 0, -1)
    return p


def polyint(p, m=1, k=None):
    """The ``m``-th antiderivative's coefficients; ``k`` holds the integration constants (one, or one per
    integration, the first used first), zeros by default."""
    order = _static_int(m, "m", "polyint")
    if order < 0:
        raise ValueError(f"polyint: order of integral must be positive (see polyder), got m={order}")
    p = asarray_or_var(p)
    consts = None if k is None else asarray_or_var(k)
    if not is_traced(p, consts):
        return np.polyint(p, order, k)
    consts = _sh.atleast_1d(np.zeros(order) if consts is None else consts)
    if _length(consts, "k", "polyint") == 1 and order > 1:
        consts = consts[0] * np.ones(order)
    if _length(consts, "k", "polyint") < order:
        raise ValueError(f"polyint: k must be a scalar or a rank-1 array of length 1 or >= m={order}, got "
                         f"{shape(consts)[0]} constants")
    for i in range(order):
        n = _length(p, "p", "polyint")
        p = _sh.concatenate([p / np.arange(n, 0, -1), consts[i:i + 1]])
    return p


def vander(x, N=None, increasing=False):
    """Columns x**(N-1), ..., x, 1 (or the reverse): numpy's running product, so a zero x has exact powers and
    derivatives (no 0 ** -1)."""
    x = asarray_or_var(x)
    if not is_traced(x):
        return np.vander(x, N, increasing)
    if ndim(x) != 1:
        raise ValueError(f"vander: x must be a one-dimensional array or sequence, got shape {shape(x)}")
    cols = int(shape(x)[0]) if N is None else _static_int(N, "N", "vander")
    if cols < 0:
        raise ValueError(f"vander: N must be nonnegative, got {cols}")
    x = _to(x, np.promote_types(x.dtype, np.int64))
    rows = shape(x)[0]
    ones = _sh.broadcast_to(const(np.ones((1, 1), dtype=x.dtype)), (rows, 1))
    if cols <= 1:
        powers = ones[:, :cols]
    else:
        column = _sh.reshape(x, (rows, 1))
        powers = _sh.concatenate([ones, cumprod(_sh.broadcast_to(column, (rows, cols - 1)), axis=1)], axis=1)
    return powers if increasing else flip(powers, axis=1)


# -- convolution -----------------------------------------------------------------------------------------------
_CONV_MODES = ("full", "same", "valid")


def _full_convolution(a, v, n, k):
    """out[t] = sum_j a[t - j] * v[j] over the j with 0 <= t - j < n, for t < n + k - 1: one gather of ``a``
    into the matrix of its reversed windows, the products with ``v`` and a masked sum (differentiable in ``a``
    and in ``v``). Only the products of real entries are summed, as numpy's: a zero padding of ``a`` times an
    infinite ``v[j]`` would be a NaN where numpy's output is finite."""
    if k > n:
        a, v, n, k = v, a, k, n  # NOTE: convolution commutes; the shorter kernel gathers fewer entries
    dt = _result_dtype(a, v)
    a, v = _to(a, dt), _to(v, dt)
    offsets = np.arange(n + k - 1)[:, None] - np.arange(k)[None, :]
    overlaps = (offsets >= 0) & (offsets < n)
    gathered = I.take(as_var(a), const(np.clip(offsets, 0, n - 1)), axis=0)
    products = m.where(const(overlaps), gathered * as_var(v), np.zeros((), dt))
    return _to(reduce_sum(products, axes=(1,)), dt)  # NOTE: back from the wider sum of bools and small ints


def _convolution(a, v, mode, correlating):
    fname = "correlate" if correlating else "convolve"
    if mode not in _CONV_MODES:
        raise ValueError(f"{fname}: mode must be one of {_CONV_MODES}, got {mode!r}")
    a, v = asarray_or_var(a), asarray_or_var(v)
    if not is_traced(a, v):
        return (np.correlate if correlating else np.convolve)(a, v, mode)
    n, k = _length(a, "a", fname), _length(v, "v", fname)
    if n == 0 or k == 0:
        raise ValueError(f"{fname}: {'a' if n == 0 else 'v'} cannot be empty")
    if correlating:
        v = flip(conj(v))  # NOTE: correlation is convolution with the reversed, conjugated kernel
    full = _full_convolution(a, v, n, k)
    short, long_ = min(n, k), max(n, k)
    if mode == "full":
        return full
    if mode == "valid":
        return full[short - 1:long_]
    # NOTE: numpy centres 'same' on the shorter operand, except correlate with the longer kernel second
    start = n // 2 if correlating and k > n else (short - 1) // 2
    return full[start:start + long_]


def convolve(a, v, mode="full"):
    """Discrete 1-D convolution (numpy's modes 'full', 'same', 'valid'); differentiable in both inputs."""
    return _convolution(a, v, mode, correlating=False)


def correlate(a, v, mode="valid"):
    """Cross-correlation c[k] = sum_n a[n + k] * conj(v[n]) (numpy's modes and its default 'valid')."""
    return _convolution(a, v, mode, correlating=True)


# -- windows (constants) and i0 -------------------------------------------------------------------------------
def _window_length(M, fname):
    if isinstance(M, Var):
        raise TypeError(f"{fname}: M must be a concrete number (a window is a constant array), got a traced "
                        "value")
    return M


def hamming(M):
    return np.hamming(_window_length(M, "hamming"))


def hanning(M):
    return np.hanning(_window_length(M, "hanning"))


def blackman(M):
    return np.blackman(_window_length(M, "blackman"))


def bartlett(M):
    return np.bartlett(_window_length(M, "bartlett"))


def kaiser(M, beta):
    if isinstance(beta, Var):
        raise TypeError("kaiser: beta must be a concrete number (a window is a constant array), got a traced value")
    return np.kaiser(_window_length(M, "kaiser"), beta)


# Cephes' Chebyshev coefficients for I0, as numpy's i0 uses them: exp(-x) I0(x) on [0, 8], and
# exp(-x) sqrt(x) I0(x) on (8, inf) in the variable 32/x - 2.
_I0_SMALL = [
    -4.4153416464793395e-18, 3.3307945188222384e-17, -2.431279846547955e-16, 1.715391285555133e-15,
    -1.1685332877993451e-14, 7.676185498604936e-14, -4.856446783111929e-13, 2.95505266312964e-12,
    -1.726826291441556e-11, 9.675809035373237e-11, -5.189795601635263e-10, 2.6598237246823866e-09,
    -1.300025009986248e-08, 6.046995022541919e-08, -2.670793853940612e-07, 1.1173875391201037e-06,
    -4.4167383584587505e-06, 1.6448448070728896e-05, -5.754195010082104e-05, 0.00018850288509584165,
    -0.0005763755745385824, 0.0016394756169413357, -0.004324309995050576, 0.010546460394594998,
    -0.02373741480589947, 0.04930528423967071, -0.09490109704804764, 0.17162090152220877,
    -0.3046826723431984, 0.6767952744094761]
_I0_LARGE = [
    -7.233180487874754e-18, -4.830504485944182e-18, 4.46562142029676e-17, 3.461222867697461e-17,
    -2.8276239805165836e-16, -3.425485619677219e-16, 1.7725601330565263e-15, 3.8116806693526224e-15,
    -9.554846698828307e-15, -4.150569347287222e-14, 1.54008621752141e-14, 3.8527783827421426e-13,
    7.180124451383666e-13, -1.7941785315068062e-12, -1.3215811840447713e-11, -3.1499165279632416e-11,
    1.1889147107846439e-11, 4.94060238822497e-10, 3.3962320257083865e-09, 2.266668990498178e-08,
    2.0489185894690638e-07, 2.8913705208347567e-06, 6.889758346916825e-05, 0.0033691164782556943,
    0.8044904110141088]


def _chebyshev(x, coefficients):
    """numpy's _chbevl (the Clenshaw recurrence), step for step."""
    b0, b1, b2 = coefficients[0], 0.0, 0.0
    for c in coefficients[1:]:
        b2, b1 = b1, b0
        b0 = x * b1 - b2 + c
    return 0.5 * (b0 - b2)


def i0(x):
    """Modified Bessel function of the first kind, order 0 (numpy's Cephes series). Each branch sees a safe
    input where it is not selected, so the other's inf/NaN never reaches the gradient; i0'(0) is 0."""
    x = asarray_or_var(x)
    if not is_traced(x):
        return np.i0(x)
    if dtype_of(x).kind == "c":
        raise TypeError("i0 not supported for complex values")
    if dtype_of(x).kind != "f":
        x = _to(x, np.dtype("float64"))
    x = m.abs_(x)
    small = m.le(x, 8.0)
    xs, xl = m.select(small, x, 0.0), m.select(small, 9.0, x)
    near = m.exp(xs) * _chebyshev(xs / 2.0 - 2, _I0_SMALL)
    far = m.exp(xl) * _chebyshev(32.0 / xl - 2.0, _I0_LARGE) / m.sqrt(xl)
    return m.select(small, near, far)


# -- spaced sequences ------------------------------------------------------------------------------------------
def logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    """base ** linspace(start, stop), numpy's way: a Python scalar base stays weak (float32 endpoints give
    float32), an array base broadcasts against the endpoints."""
    start, stop = asarray_or_var(start), asarray_or_var(stop)
    if not is_traced(start, stop, base):
        return np.logspace(start, stop, num, endpoint, base, dtype, axis)
    if isinstance(base, np.generic) or not isinstance(base, (float, int)):
        base = asarray_or_var(base)
        base = base if isinstance(base, Var) else np.asarray(base)  # NOTE: numpy scalars promote as arrays
        if ndim(base):
            nd = max(ndim(start), ndim(stop), ndim(base))
            start, stop, base = [_sh.reshape(x, (1,) * (nd - ndim(x)) + tuple(shape(x))) for x in (start, stop, base)]
            base = _sh.expand_dims(base, axis)
    # NOTE: jnp.linspace of traced endpoints gives NaN for num=1 (its step is NaN); the first of two points
    # is start, as numpy's single point
    y = linspace(start, stop, num=2 if num == 1 else num, endpoint=endpoint, axis=axis)
    if num == 1:
        y = y[(slice(None),) * normalize_axis(axis, ndim(y)) + (slice(0, 1),)]
    out = m.pow_(base, y)
    return out if dtype is None else astype(out, dtype)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """Numbers spaced evenly on a log scale from ``start`` to ``stop`` (numpy's algorithm: both negative is
    fine, the endpoints are exact). A traced zero endpoint gives NaN (numpy raises for a concrete one)."""
    start, stop = asarray_or_var(start), asarray_or_var(stop)
    if not is_traced(start, stop):
        return np.geomspace(start, stop, num, endpoint, dtype, axis)
    reject_complex("geomspace", start, stop)
    num = _static_int(num, "num", "geomspace")
    if num < 0:
        raise ValueError(f"geomspace: number of samples, {num}, must be non-negative")
    dt = np.result_type(_result_dtype(start * 1.0, stop * 1.0), float(num), np.zeros((), dtype).dtype)
    start, stop = _to(start, dt), _to(stop, dt)
    sign = m.sign(start)
    start, stop = start / sign, stop / sign
    rest = tuple(broadcast_shapes(shape(start), shape(stop)))
    ends = [_sh.reshape(_sh.broadcast_to(e, rest), (1,) + rest) for e in (start, stop)]
    inner = num - 2 if endpoint else num - 1
    parts = [ends[0]]
    if inner > 0:  # NOTE: no linspace when every point is an endpoint: its NaN step would reach the gradient
        spaced = logspace(m.log(start) / np.log(10.0), m.log(stop) / np.log(10.0), num, endpoint, base=10.0)
        parts.append(_to(spaced, dt)[1:1 + inner])
    if endpoint and num > 1:
        parts.append(ends[1])
    result = _sh.concatenate(parts)[:num]
    result = result * sign
    if axis != 0:
        result = _sh.moveaxis(result, 0, axis)
    return result if dtype is None else astype(result, dtype)


# -- float decomposition -----------------------------------------------------------------------------------
def copysign(x1, x2):
    """|x1| with the sign of x2 (-0.0 counts as negative); the derivative in x1 is +-1, in x2 zero."""
    (x1, x2) = asarray_or_var(x1), asarray_or_var(x2)
    if not is_traced(x1, x2):
        return np.copysign(x1, x2)
    reject_complex("copysign", x1, x2)
    dt = _numpy_dtypes(np.copysign, x1, x2)
    magnitude = m.abs_(_to(x1, dt))
    return _to(m.select(signbit(x2), -magnitude, magnitude), dt)


# Powers of two past these need more than one factor (2**1023 is the largest finite double, 2**-1074 the
# smallest subnormal); an exponent past the clip range overflows or underflows any finite double anyway.
_MAX_EXP, _MIN_EXP = 1023, -1074
_CLIP_LOW, _CLIP_HIGH = -2148, 2100


def _scale_by_power_of_two(x, e):
    """x * 2**e for float64 x and integral float64 e, rounded once as C's ldexp. One factor 2**e is exact
    while it is representable; above, up to three factors of at most 2**1023 (the value only grows, so no
    step rounds before the last); below, x * 2**(e + 1074) stays normal (or the result is 0 anyway) and the
    final * 2**-1074 rounds once."""
    e = m.minimum(m.maximum(e, float(_CLIP_LOW)), float(_CLIP_HIGH))
    big, tiny = m.gt(e, float(_MAX_EXP)), m.lt(e, float(_MIN_EXP))
    first = m.select(big, float(_MAX_EXP), m.select(tiny, e - float(_MIN_EXP), e))
    second = m.select(big, m.minimum(e - _MAX_EXP, float(_MAX_EXP)), m.select(tiny, float(_MIN_EXP), 0.0))
    third = m.select(big, m.maximum(e - 2 * _MAX_EXP, 0.0), 0.0)
    return x * m.pow_(2.0, first) * m.pow_(2.0, second) * m.pow_(2.0, third)


def ldexp(x1, x2):
    """x1 * 2**x2 for integer x2, exact (rounded once, subnormal results included). The derivative in x1
    is 2**x2; x2 is an integer and has none."""
    x1, x2 = asarray_or_var(x1), asarray_or_var(x2)
    if not is_traced(x1, x2):
        return np.ldexp(x1, x2)
    reject_complex("ldexp", x1)
    dt = _numpy_dtypes(np.ldexp, x1, x2)  # NOTE: raises numpy's TypeError for a float exponent
    f64 = np.dtype("float64")
    exponent = float(x2) if isinstance(x2, (bool, int)) else _to(x2, f64)
    return _to(_scale_by_power_of_two(_to(x1, f64), exponent), dt)


def frexp(x):
    """Mantissa in [0.5, 1) (with x's sign) and int32 exponent with x = mantissa * 2**exponent; 0, inf and
    NaN give (x, 0). Exact: the exponent estimated from log2 is corrected by one step either way, and the
    mantissa is an exact scaling. The mantissa's derivative is 2**-exponent."""
    x = asarray_or_var(x)
    if not is_traced(x):
        return np.frexp(x)
    reject_complex("frexp", x)
    mant_dt, exp_dt = _numpy_dtypes(np.frexp, x)
    f64 = np.dtype("float64")
    xf = _to(x, f64)
    mag = m.abs_(xf)
    regular = m.logical_and(m.gt(mag, 0.0), m.lt(mag, np.inf))
    safe = m.select(regular, mag, 1.0)
    e = m.floor(m.log(safe) / np.log(2.0)) + 1.0
    frac = _scale_by_power_of_two(safe, -e)
    up = m.ge(frac, 1.0)
    e, frac = m.select(up, e + 1.0, e), m.select(up, frac * 0.5, frac)
    down = m.lt(frac, 0.5)
    e, frac = m.select(down, e - 1.0, e), m.select(down, frac * 2.0, frac)
    mantissa = m.select(regular, m.select(m.lt(xf, 0.0), -frac, frac), xf)
    return _to(mantissa, mant_dt), _to(m.select(regular, e, 0.0), exp_dt)


def modf(x):
    """(fractional part, integral part), both with x's sign (numpy's: modf(-2.0) is (-0.0, -2.0), modf(inf) is
    (0.0, inf)). The fractional part's derivative is 1 (integral x included), the integral part's 0."""
    x = asarray_or_var(x)
    if not is_traced(x):
        return np.modf(x)
    reject_complex("modf", x)
    dt, _ = _numpy_dtypes(np.modf, x)
    xf = _to(x, dt)
    whole = trunc(xf)
    # NOTE: -(whole - x) equals x - whole but is -0.0 where x is a negative integer, as numpy's
    frac = m.select(signbit(xf), -(whole - xf), xf - whole)
    infinite = m.eq(m.abs_(xf), np.inf)
    return m.select(infinite, m.select(signbit(xf), -0.0, 0.0), frac), whole


def divmod(x1, x2):  # noqa: A001  (numpy's name)
    """(floor_divide(x1, x2), mod(x1, x2)); only the remainder has a derivative."""
    x1, x2 = asarray_or_var(x1), asarray_or_var(x2)
    if not is_traced(x1, x2):
        return np.divmod(x1, x2)
    return floor_divide(x1, x2), m.mod(x1, x2)
