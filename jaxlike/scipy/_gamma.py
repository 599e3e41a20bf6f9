"""The gamma function and its relatives for ``jaxlike.scipy.special``: gammaln and digamma (composites: the
recurrence shifts x below 8 up to x + 8, where the asymptotic series are accurate to about 1e-15; reflection
below 1/2), and from them gamma, gammasgn, beta, betaln, multigammaln, factorial, comb, poch; the Hurwitz
zeta function (Euler-Maclaurin summation) and polygamma. Real arguments only. Differentiable through the
composites. A front-end module: imports jaxlike.numpy."""

import functools
import math

import numpy as np

from .. import numpy as jnp
from ..custom_derivatives import custom_jvp
from ..numpy._base import asarray_or_var


def _real_float(x, fname, complex_ok=False):
    x = asarray_or_var(x)
    x = x if hasattr(x, "_id") else np.asarray(x)    # NOTE: Python numbers too: the results are arrays
    dt = jnp.result_type(x)
    if dt.kind == "c" and not complex_ok:
        raise TypeError(f"{fname} is defined here for real arguments, got {dt}")
    return x if dt.kind in "fc" else jnp.asarray(x, dtype=np.float64)


def _in_float64(fn, *xs):
    """fn of float32 (float16) operands computed in float64 and rounded back to their dtype: the shift and
    reflection formulas cancel digits near lgamma's zeros (gammaln(2.5) in float32 was 8e-6 off, 20 times
    JAX's error)."""
    dt = jnp.result_type(*xs)
    out = fn(*[jnp.astype(x, np.float64) for x in xs])
    return jnp.astype(out, dt) if dt != np.float64 else out


_SHIFT = 8
_HALF_LOG_2PI = 0.9189385332046727
# Stirling: lgamma(z) = (z - 1/2) log z - z + log(2 pi) / 2 + sum_k B_2k / (2k (2k - 1) z^(2k - 1))
_STIRLING = (1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156)
# psi(z) = log z - 1 / (2z) - sum_k B_2k / (2k z^2k)
_PSI = (1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132, -691 / 32760, 1 / 12)


def _series(coefficients, w):
    """sum_k c_k w^k for k = 0.. (Horner)."""
    acc = coefficients[-1]
    for c in coefficients[-2::-1]:
        acc = acc * w + c
    return acc


def _polevl(coefficients, w):
    """sum_k c_k w^(K - k), the highest power first (Cephes's order; Horner)."""
    acc = coefficients[0]
    for c in coefficients[1:]:
        acc = acc * w + c
    return acc


# sin(pi f) and cos(pi f) for |f| <= 1/2 as their Taylor polynomials (the first omitted terms are below 1e-17):
# the reflection formulas need them only there, and a polynomial keeps the fused loop free of sin and cos,
# whose range reduction doubles the compiled loop (gammaln compiled in 17 s with them, 2 s without)
_SINPI = tuple((-1) ** k * math.pi ** (2 * k + 1) / math.factorial(2 * k + 1) for k in range(12))
_COSPI = tuple((-1) ** k * math.pi ** (2 * k) / math.factorial(2 * k) for k in range(12))


def _sinpi(f):
    return f * _series(_SINPI, f * f)


def _cospi(f):
    return _series(_COSPI, f * f)


def _lgamma_positive(x):
    """lgamma on x > 0 (any value where x <= 0 is computed but discarded by the caller)."""
    small = x < _SHIFT
    z = jnp.where(small, x + _SHIFT, x)
    stirling = (z - 0.5) * jnp.log(z) - z + _HALF_LOG_2PI + _series(_STIRLING, 1 / (z * z)) / z
    xs = jnp.where(small, x, 1.0)   # NOTE: keeps the product finite where it is not used (x up to 1e308)
    prod = xs
    for k in range(1, _SHIFT):
        prod = prod * (xs + k)
    return jnp.where(small, stirling - jnp.log(prod), stirling)


def _zeta_at_integers(count):
    """zeta(k) - 1 for k = 2 .. count + 1 in float64: the sum from n = 2 to 999 (smallest terms first) and the
    Euler-Maclaurin tail from 1000 (its first omitted term is below 1e-20 of the sum)."""
    n = np.arange(999, 1, -1, dtype=np.float64)
    out = []
    for k in range(2, count + 2):
        m = 1000.0
        tail = m ** (1 - k) / (k - 1) + 0.5 * m ** -k + k / 12 * m ** (-k - 1) - k * (k + 1) * (k + 2) / 720 * m ** (-k - 3)
        out.append(float(np.sum(n ** -float(k))) + tail)
    return np.array(out)


_EULER_GAMMA = 0.5772156649015329


@functools.cache
def _taylor_at_1_and_2():
    """lgamma(1 + z) = -gamma z + sum_k zeta(k) (-z)^k / k and lgamma(2 + z) = (1 - gamma) z + sum_k (zeta(k) - 1)
    (-z)^k / k for |z| <= 1/2: coefficients of z^1 .. z^51 (the second converges twice as fast: 27 terms).
    Computed on first use, not at import (the zeta sums cost a few ms of every process's start-up)."""
    zeta_minus_1 = _zeta_at_integers(50)
    at_1 = (-_EULER_GAMMA,) + tuple((zeta_minus_1 + 1.0) * (-1.0) ** np.arange(2, 52) / np.arange(2, 52))
    at_2 = (1 - _EULER_GAMMA,) + tuple(zeta_minus_1[:26] * (-1.0) ** np.arange(2, 28) / np.arange(2, 28))
    return at_1, at_2


def _near_one_or_two(x):
    """lgamma on [1/2, 5/2) from its Taylor series at 1 or 2, exact 0 there and relatively accurate near them
    (the shift to x + 8 leaves an absolute error of about 1e-15 there, e.g. lgamma(2) = 1.8e-15)."""
    at_two = x >= 1.5
    z = jnp.where(at_two, x - 2.0, x - 1.0)
    at_1, at_2 = _taylor_at_1_and_2()
    return z * jnp.where(at_two, _series(at_2, z), _series(at_1, z))


def _reflection_frac(x, neg):
    """x minus its nearest integer where the reflection is taken, 0 elsewhere: a large positive x left in made
    the untaken sinpi polynomial overflow (x^23 is inf past 1e13), and 0 * inf put NaN into the gradient
    (gammaln's and digamma's at 1e20, betaln's at (0.5, 1e300)). The integer carries no derivative: rint's zero
    rule multiplies the cotangent by 0, which is NaN for the infinite one of digamma's gradient at 1e-300."""
    return jnp.where(neg, x - jnp.stop_gradient(jnp.rint(jnp.where(neg, x, 0.0))), 0.0)


def gammaln(x):
    """log |Gamma(x)|: inf at 0 and the negative integers, inf at +-inf, NaN at NaN. A composite: the
    recurrence Gamma(x + 1) = x Gamma(x) shifts x below 8 up to x + 8, where Stirling's series is accurate to
    about 1e-15 with the terms kept here; x < 1/2 uses the reflection formula. Its derivative is digamma
    (JAX's definition), to about 1e-13. On [1/2, 5/2) the Taylor series at 1 and 2 keep it relatively accurate near
    its zeros (exactly 0 at 1 and 2)."""
    x = _real_float(x, "gammaln")
    if jnp.result_type(x) != np.float64:
        return _in_float64(gammaln, x)
    return _gammaln64(x)


@custom_jvp
def _gammaln64(x):
    with np.errstate(all="ignore"):
        neg = x < 0.5
        xp = jnp.where(neg, 1 - x, x)
        xp = jnp.where(jnp.isfinite(xp), xp, 2.0)
        near = (xp >= 0.5) & (xp < 2.5)
        core = jnp.where(near, _near_one_or_two(jnp.where(near, xp, 1.0)), _lgamma_positive(xp))
        # NOTE: reflection log|Gamma(x)| = log(pi / |sin(pi x)|) - lgamma(1 - x); sin(pi x) is taken at x's
        # distance to the nearest integer so that it is exactly 0 at the integers
        frac = _reflection_frac(x, neg)
        s = jnp.abs(_sinpi(frac))
        reflected = float(np.log(np.pi)) - jnp.log(jnp.where(s == 0, 1.0, s)) - core
        out = jnp.where(neg, jnp.where(s == 0, np.inf, reflected), core)
        out = jnp.where(jnp.isinf(x), np.inf, out)
        return jnp.astype(jnp.where(jnp.isnan(x), np.nan, out), x.dtype)


@_gammaln64.defjvp
def _gammaln64_jvp(primals, tangents):
    # NOTE: digamma, as JAX defines it: the composite's own derivative was 0 at the poles (a constant inf
    # branch), and gamma's (through exp(gammaln)) NaN past its overflow at 171.6, where it is inf
    (x,), (t,) = primals, tangents
    return _gammaln64(x), t * digamma(x)


def _digamma_positive(x):
    small = x < _SHIFT
    z = jnp.where(small, x + _SHIFT, x)
    w = 1 / (z * z)
    asym = jnp.log(z) - 0.5 / z - w * _series(_PSI, w)
    xs = jnp.where(small, x, 1.0)
    total = 1 / xs
    for k in range(1, _SHIFT):
        total = total + 1 / (xs + k)
    return jnp.where(small, asym - total, asym)


def digamma(x):
    """psi(x) = d lgamma(x) / dx: NaN at 0 (as JAX's; scipy gives -inf at +0), the negative integers, -inf and
    NaN; inf at inf. The same shift to x + 8 and the asymptotic series of psi, reflection below 1/2. Its
    derivative is polygamma(1, x) (JAX's definition): inf at the poles."""
    x = _real_float(x, "digamma")
    if jnp.result_type(x) != np.float64:
        return _in_float64(digamma, x)
    return _digamma64(x)


@custom_jvp
def _digamma64(x):
    with np.errstate(all="ignore"):
        neg = x < 0.5
        xp = jnp.where(neg, 1 - x, x)
        xp = jnp.where(jnp.isfinite(xp), xp, 2.0)
        core = _digamma_positive(xp)
        frac = _reflection_frac(x, neg)
        f = jnp.where(frac == 0, 0.25, frac)
        # NOTE: reflection psi(x) = psi(1 - x) - pi cot(pi x), with pi cot(pi f) as (1 / f) (pi cos(pi f) /
        # (sin(pi f) / f)), the second factor a series in f^2 (no sin or cos in the compiled loop); below 1e-100
        # f^2 changes nothing. The derivative is _digamma64_jvp's, not this composite's (0 at the poles)
        w = jnp.where(jnp.abs(f) < 1e-100, 0.0, f * f)
        cot = (np.pi * _series(_COSPI, w) / _series(_SINPI, w)) / f
        out = jnp.where(neg, jnp.where(frac == 0, np.nan, core - cot), core)
        out = jnp.where(x == np.inf, np.inf, jnp.where(x == -np.inf, np.nan, out))
        return jnp.astype(jnp.where(jnp.isnan(x), np.nan, out), x.dtype)


@_digamma64.defjvp
def _digamma64_jvp(primals, tangents):
    # NOTE: the composite's own derivative was 0 at the poles (a constant NaN branch), where trigamma is inf
    (x,), (t,) = primals, tangents
    return _digamma64(x), t * _polygamma_order(1, x)


@functools.partial(custom_jvp, nondiff_argnums=(0,))
def _polygamma_order(k, x):
    """polygamma(k, x) for a Python int k >= 1, whose derivative is polygamma(k + 1, x) (JAX's rule): the
    zeta composite's own derivative was 0 at the poles, where the next order is inf or NaN."""
    order = np.asarray(k + 1.0, dtype=jnp.result_type(x))
    return (-1.0) ** (k + 1) * float(np.exp(np.sum(np.log(np.arange(1, k + 1))))) * zeta(order, x)


@_polygamma_order.defjvp
def _polygamma_order_jvp(k, primals, tangents):
    (x,), (t,) = primals, tangents
    return _polygamma_order(k, x), t * _polygamma_order(k + 1, x)


def _floats(*xs, fname, complex_ok=False):
    """The operands as arrays (or Vars) of their common inexact dtype: float64 for integers and bools, complex
    only with ``complex_ok`` (a TypeError naming ``fname`` otherwise)."""
    # NOTE: the common dtype is read before Python numbers become float64 arrays, so they stay weak as in JAX
    # (betaln(float32, 2.5) and xlogy(float32, 3.0) were float64)
    weak = jnp.result_type(*[asarray_or_var(x) for x in xs])
    xs = [_real_float(x, fname, complex_ok) for x in xs]
    dt = weak if weak.kind in "fc" else jnp.result_type(*xs)
    return [x if jnp.result_type(x) == dt else jnp.asarray(x, dtype=dt) for x in xs]


def gammasgn(x):
    """The sign of Gamma(x): 1 for x > 0 (and +0), -1 at -0, alternating between the negative integers and NaN
    at them, as scipy's."""
    x = _real_float(x, "gammasgn")
    with np.errstate(all="ignore"):
        negative = jnp.where(jnp.fmod(jnp.floor(-x), 2.0) == 0, -1.0, 1.0)    # Gamma < 0 on (-1, 0), (-3, -2)...
        out = jnp.where(x > 0, 1.0, jnp.where((x == jnp.floor(x)) | jnp.isnan(x), np.nan, negative))
        out = jnp.where(x == 0, jnp.where(jnp.signbit(x), -1.0, 1.0), out)
        return out.astype(x.dtype)


def gamma(x):
    """Gamma(x) = gammasgn(x) exp(gammaln(x)): inf past 171.6, +-inf at +-0 and NaN at the negative integers."""
    x = _real_float(x, "gamma")
    if jnp.result_type(x) != np.float64:
        return _in_float64(gamma, x)      # NOTE: exp of a float32 gammaln would carry its rounding times |log|
    with np.errstate(all="ignore"):
        pole = (x <= 0) & (x == jnp.floor(x))
        value = gammasgn(jnp.where(pole, 1.0, x)) * jnp.exp(gammaln(x))
        at_zero = jnp.where(jnp.signbit(x), -np.inf, np.inf)
        return jnp.where(pole, jnp.where(x == 0, at_zero, np.nan), value).astype(x.dtype)


def _stirling_tail(z):
    """lgamma(z) - ((z - 1/2) log z - z + log(2 pi) / 2) for z >= 8."""
    return _series(_STIRLING, 1 / (z * z)) / z


def betaln(a, b):
    """log |B(a, b)|. With the larger argument b >= 8, lgamma(b) - lgamma(a + b) is taken from Stirling's
    series as a difference (-a log b - (a + b - 1/2) log1p(a / b) + a + tails), which keeps its digits where
    the two log-gammas nearly cancel (betaln(1, 1e10) = -log(1e10) to the last bit, not to 1e-6)."""
    a, b = _floats(a, b, fname="betaln")
    lo, hi = jnp.minimum(a, b), jnp.maximum(a, b)
    # NOTE: the difference form holds for any a once b and a + b are past the shift (also for a < 0)
    big = (hi >= _SHIFT) & (lo + hi >= _SHIFT) & (hi < np.inf)
    safe_hi = jnp.where(big, hi, _SHIFT)
    safe_lo = jnp.where(big, lo, 1.0)
    ratio = (-safe_lo * jnp.log(safe_hi) - (safe_lo + safe_hi - 0.5) * jnp.log1p(safe_lo / safe_hi) + safe_lo
             + _stirling_tail(safe_hi) - _stirling_tail(safe_lo + safe_hi))
    return jnp.where(big, gammaln(lo) + ratio, gammaln(a) + gammaln(b) - gammaln(a + b))


def beta(a, b):
    """B(a, b) = Gamma(a) Gamma(b) / Gamma(a + b), with its sign for negative arguments."""
    a, b = _floats(a, b, fname="beta")
    return gammasgn(a) * gammasgn(b) * gammasgn(a + b) * jnp.exp(betaln(a, b))


def multigammaln(a, d):
    """log of the multivariate gamma function of dimension d (an int): d(d-1)/4 log pi + sum_j lgamma(a - j/2)."""
    if not isinstance(d, (int, np.integer)) or d < 1:
        raise ValueError(f"multigammaln: d must be a positive int, got {d!r}")
    a = _real_float(a, "multigammaln")
    out = float(d * (d - 1) / 4 * np.log(np.pi))     # NOTE: a Python float keeps a float32 a float32
    for j in range(int(d)):
        out = out + gammaln(a - j / 2)
    return out


def factorial(n, exact=False):
    """n! = Gamma(n + 1) as a float, 0 for n < 0 (scipy's ``exact=True`` integers are not available traced)."""
    if exact:
        raise NotImplementedError("factorial: exact=True (arbitrary-precision integers) is not supported; use "
                                  "exact=False")
    n = _real_float(n, "factorial")
    return jnp.where(n < 0, 0.0, gamma(jnp.where(n < 0, 0.0, n) + 1.0)).astype(n.dtype)


def comb(N, k, exact=False, repetition=False):
    """N choose k as a float (0 where k < 0, k > N or N < 0); ``repetition`` counts multisets."""
    if exact:
        raise NotImplementedError("comb: exact=True (arbitrary-precision integers) is not supported; use exact=False")
    N, k = _floats(N, k, fname="comb")
    if repetition:
        N = N + k - 1
    ok = (k >= 0) & (N >= 0) & (k <= N)
    n_, k_ = jnp.where(ok, N, 1.0), jnp.where(ok, k, 0.0)
    # NOTE: 1 / ((N + 1) B(N - k + 1, k + 1)): betaln keeps the digits that gammaln(N + 1) - gammaln(N - k + 1)
    # loses for a large N (comb(1e10, 1) was 9999974587, comb(1e300, 1) was 1)
    value = jnp.exp(-jnp.log1p(n_) - betaln(n_ - k_ + 1, k_ + 1))
    exact_ints = (n_ == jnp.floor(n_)) & (k_ == jnp.floor(k_)) & (value < 2.0 ** 52)
    # NOTE: rounded to the exact integer in value only: the gradient is that of the smooth value (jnp.round's
    # is 0, which made comb's gradient 0 at integer arguments)
    value = value + jnp.stop_gradient(jnp.where(exact_ints, jnp.round(value) - value, 0.0))
    inf_n = jnp.where(k_ == jnp.floor(k_), np.inf, np.nan)
    value = jnp.where(k_ == 0, 1.0, jnp.where(n_ == np.inf, inf_n, value))
    return jnp.astype(jnp.where(ok, value, 0.0), jnp.result_type(N))


def poch(z, m):
    """The rising factorial Gamma(z + m) / Gamma(z)."""
    z, m = _floats(z, m, fname="poch")
    plain = gammasgn(z + m) * gammasgn(z) * jnp.exp(gammaln(z + m) - gammaln(z))
    # NOTE: for z > 0 and z + m > 0 the ratio is Gamma(m) / B(z, m) (m > 0) or B(z + m, -m) / Gamma(-m)
    # (m < 0), through betaln, which keeps the digits gammaln(z + m) - gammaln(z) loses for a large z
    # (poch(1e10, 1) was 9999974587)
    finite = jnp.isfinite(z) & jnp.isfinite(m)
    up, down = finite & (m > 0) & (z > 0), finite & (m < 0) & (z + m > 0)
    mu, zu = jnp.where(up, m, 1.0), jnp.where(up, z, 1.0)
    md, zd = jnp.where(down, -m, 1.0), jnp.where(down, z + m, 1.0)
    rising = jnp.exp(gammaln(mu) - betaln(zu, mu))
    falling = jnp.exp(betaln(zd, md) - gammaln(md))
    return jnp.where(m == 0, 1.0, jnp.where(up, rising, jnp.where(down, falling, plain))).astype(z.dtype)


# Euler-Maclaurin: B_2j / (2j)! for j = 1..9
_EM = (1 / 12, -1 / 720, 1 / 30240, -1 / 1209600, 1 / 47900160, -691 / 1307674368000, 1 / 74724249600,
       -3617 / 10670622842880000, 43867 / 5109094217170944000)
_EM_TERMS = 9


def _hurwitz_positive(s, a):
    """sum_k (k + a)^-s for s > 1 and a > 0 (any other value is computed but discarded by the caller):
    Euler-Maclaurin after 9 explicit terms, 9 correction terms, about 1e-16 relative."""
    total = 0.0
    for k in range(_EM_TERMS):
        total = total + (a + k) ** -s
    w = a + _EM_TERMS
    total = total + w ** (1 - s) / (s - 1) + 0.5 * w ** -s
    big = float(np.finfo(jnp.result_type(s)).max)
    rising, power = jnp.minimum(s, big), w ** (-s - 1)
    for j, c in enumerate(_EM):
        total = total + c * rising * power
        # NOTE: capped: for a huge x (1e300, inf) the rising factorial overflows where power is 0
        rising = jnp.minimum(rising * (s + 2 * j + 1) * (s + 2 * j + 2), big)
        power = power / (w * w)
    return total


def zeta(x, q=None):
    """The Hurwitz zeta function sum_k (k + q)^-x for x > 1 (the Riemann zeta function for q = 1 or None),
    for q > 0 and, where x is an integer (so that each term is real), for a negative non-integer q, as
    scipy's and JAX's. inf at x = 1; NaN for x < 1 and for a non-integer x with q < 0. At q = 0, -1, -2, ...
    one term is 0^-x: inf for an even x, NaN for an odd or non-integer one (its sign depends on the side;
    JAX's values, where scipy gives inf). Euler-Maclaurin after 9 explicit terms, 9 correction terms: about
    1e-16 relative for q > 0. Float32 and float16 are computed in float64."""
    x = _real_float(x, "zeta")
    q = jnp.asarray(1.0, dtype=jnp.result_type(x)) if q is None else q
    x, q = _floats(x, q, fname="zeta")
    if jnp.result_type(x) != np.float64:
        return _in_float64(zeta, x, q)
    with np.errstate(all="ignore"):
        integral = x == jnp.floor(x)
        pole = (q <= 0) & (q == jnp.floor(q))       # -inf too, as scipy's and JAX's
        neg = (x > 1) & integral & jnp.isfinite(x) & (q < 0) & ~pole
        valid = (x > 1) & (q > 0) | neg
        s = jnp.where(valid, x, 2.0)
        qn = jnp.where(neg, q, -0.5)
        # NOTE: for q < 0 the terms q, .., q + m - 1 are negative. With e = q + m - 1 (in (-1, 0)) they are
        # (-1)^x (j - e)^-x, j = 0 .. m - 1, whose sum is (-1)^x (zeta(x, -e) - zeta(x, 1 - q)), and the rest is
        # zeta(x, f), f = q + m: a fixed amount of work for any q (scipy sums the m terms). The two terms
        # nearest the poles, f^-x and (-1)^x (-e)^-x, are taken out of the sums: for an odd x they cancel
        # exactly at the half-integers, where the sums' rounding had cost 2e-13 (polygamma(4, -0.5)). e and
        # f are exact (Sterbenz), which keeps those terms' digits; the integer m carries no derivative
        m = jnp.stop_gradient(jnp.ceil(-qn))
        e, f = qn + (m - 1), qn + m
        # NOTE: q = inf (zeta 0) is set apart: the sums' derivative there was inf / inf = NaN (trigamma's, so
        # digamma's second derivative, at inf)
        a = jnp.where(neg, 1 + f, jnp.where(valid & (q < np.inf), q, 1.0))
        sums = _hurwitz_positive(s, jnp.stack([a, 1 - e, 1 - qn]))
        sign = jnp.where(jnp.fmod(s, 2.0) == 0, 1.0, -1.0)
        reflected = (f ** -s + sign * (-e) ** -s) + sums[0] + sign * (sums[1] - sums[2])
        out = jnp.where(neg, reflected, jnp.where(q == np.inf, 0.0, sums[0]))
        even = (x > 1) & (jnp.fmod(x, 2.0) == 0)
        out = jnp.where(valid, out, jnp.where(pole & even, np.inf, np.nan))
        out = jnp.where(x == 1, np.inf, out)        # NOTE: any q, NaN too, as scipy's and JAX's
        return out.astype(jnp.result_type(x))


def polygamma(n, x):
    """The n-th derivative of digamma: digamma for n = 0, (-1)^(n+1) n! zeta(n + 1, x) beyond (x > 0 and the
    negative non-integers; at the poles inf for an odd n, NaN for an even one, as JAX's)."""
    n_arr = np.asarray(n) if not hasattr(n, "_id") else None
    if n_arr is None or n_arr.dtype.kind not in "iub" and not np.all(n_arr == np.floor(n_arr)):
        raise TypeError("polygamma: n must be a concrete non-negative integer (or array of them)")
    if np.any(n_arr < 0):
        raise ValueError(f"polygamma: n must be >= 0, got {n!r}")
    x = _real_float(x, "polygamma")
    # NOTE: the order goes to zeta in x's dtype: a float64 order made polygamma of float32 float64
    dt = jnp.result_type(x)
    if n_arr.ndim == 0:
        k = int(n_arr)
        return digamma(x) if k == 0 else _polygamma_order(k, x)
    signs = np.where(n_arr % 2 == 1, 1.0, -1.0)
    facts = np.exp(np.vectorize(lambda v: np.sum(np.log(np.arange(1, v + 1))))(n_arr))
    higher = (signs * facts).astype(dt) * zeta((n_arr + 1.0).astype(dt), x)
    return jnp.where(n_arr == 0, digamma(x), higher)
