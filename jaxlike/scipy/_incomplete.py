"""The regularized incomplete gamma and beta functions for ``jaxlike.scipy.special``: gammainc (P), gammaincc
(Q) and betainc (I_x(a, b)), real arguments, broadcast, computed in float64 and returned in the arguments'
float dtype; edge values (x = 0, inf, a = 0, inf, out of range, NaN) as scipy's.

Method (Cephes's, as scipy's and XLA's): P by its power series where x <= max(a, 1), Q by its continued
fraction beyond, the other as the complement (then at least about 1/2, so no digits are lost), and a small Q
below x = 1.1 by Cephes's own series; I_x(a, b) by its continued fraction (Numerical Recipes' betacf, the
convergents as a forward recurrence) on x below (a + 1) / (a + b + 2), where it converges, else on 1 - x
by symmetry. The terms run in a ``lax.while_loop`` over the whole array until every element has converged
to float64's epsilon (about 8 sqrt(a) terms near x = a), so the graph stays small at any a. The prefactors
x^a e^-x / Gamma(a) and x^a (1 - x)^b / B(a, b) are taken in log space; for a >= 8 the first as
a (log(x / a) - d) + log(a / 2 pi) / 2 - (Stirling's tail), d = (x - a) / a, which keeps the digits that
a log x - x - lgamma(a) cancels away near x = a. Measured (mpmath at 50 digits): gammainc/gammaincc to
1.5e-13 relative for a in [1e-3, 1e3], x in [0, 1e3], down to 1e-250 (scipy's own is off by 1e-12 in the
far tails); betainc to 3e-13 for a, b in [1e-2, 300] (the complement 1 - I_(1-x)(b, a) of a small I is
absolutely, not relatively, accurate; large a with x near 1 loses more: 2e-12 at a = 5e4, 1 - x = 1e-4).

Derivatives through ``custom_jvp`` (the iterations are never differentiated, so reverse mode works): in x
exactly, x^(a-1) e^-x / Gamma(a) and x^(a-1) (1-x)^(b-1) / B(a, b); in a (and b) by the recurrences
differentiated term by term inside the loops (XLA's igamma_grad_a does the same for a), to 1e-13 (gamma)
and 1e-11 (beta; JAX has only the x-derivative of betainc). Second derivatives: in x exact, mixed ones
exact, in a and b by a five-point difference of the first (about 1e-10; JAX has none).
A front-end module: imports jaxlike.numpy, jaxlike.lax and jaxlike.custom_derivatives."""

import math

import numpy as np

from .. import numpy as jnp
from .. import lax
from ..custom_derivatives import custom_jvp
from ._gamma import gammaln, digamma, betaln, _floats, _stirling_tail, _SHIFT

_EPS = float(np.finfo(np.float64).eps)
# NOTE: the series needs about 8 sqrt(a) terms near x = a; the bounds only stop a runaway, they never truncate
# a converging element for a below 1e8
_MAX_TERMS = 100000
_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


def _f64(*xs):
    """The operands broadcast together in float64 and the dtype the results go back to."""
    dt = jnp.result_type(*xs)
    xs = jnp.broadcast_arrays(*[jnp.astype(x, np.float64) for x in xs])
    return xs, dt


# -- incomplete gamma ----------------------------------------------------------------------------------------
def _log_gamma_prefactor(a, x):
    """log(x^a e^-x / Gamma(a)) for a > 0, x > 0. For a >= 8 Stirling's form of lgamma(a) is subtracted
    analytically: a log x - x - lgamma(a) = a (log(x / a) - d) + log(a / 2 pi) / 2 - tail(a), d = (x - a) / a,
    with log(x / a) as log1p(d) near x = a: the error is about eps |x - a| instead of eps a log a (1e-13 at
    a = 1000)."""
    big = a >= _SHIFT
    ab = jnp.where(big, a, float(_SHIFT))
    d = (x - ab) / ab
    # NOTE: log1p(d) only near x = a: for x << a it rounds 1 + d (2e-9 off at a = 59, x = 2e-4)
    near = jnp.abs(d) < 0.5
    log_ratio = jnp.where(near, jnp.log1p(jnp.where(near, d, 0.0)), jnp.log(x / ab))
    stirling = ab * (log_ratio - d) + 0.5 * jnp.log(ab) - _HALF_LOG_2PI - _stirling_tail(ab)
    asmall = jnp.where(big, 1.0, a)
    direct = asmall * jnp.log(x) - x - gammaln(asmall)
    return jnp.where(big, stirling, direct)


_PARTS = {"series": ("c", "total"), "alt": ("fac", "alt"), "fraction": ("ans", "pkm1", "qkm1", "pkm2", "qkm2")}
_PARTS_DA = {"series": ("dc", "dtotal"), "alt": (), "fraction": ("dans", "dpkm1", "dqkm1", "dpkm2", "dqkm2")}


def _gamma_loop(a_s, x_s, x_alt, a_f, x_f, parts, with_da):
    """A while loop over some of the three expansions (``parts``), each element using the one its inputs
    select (the others get inputs on which they stop at once: x_s = 0, x_alt = 0, a_f = 1):

    - "series": P's series sum_n c_n, c_0 = 1, c_n = c_(n-1) x / (a + n): P = x^a e^-x / Gamma(a + 1) times it;
    - "alt": Cephes's igamc series sum_(n >= 1) (-x)^n / (n! (a + n)), a small Q near x = 0 without the
      complement's cancellation;
    - "fraction": Q's continued fraction (Cephes's igamc: Q = x^a e^-x / Gamma(a) times it), as convergents.

    ``with_da`` carries the a-derivatives of the series and of the convergents along (XLA's igamma_grad_a does
    the same). Returns a dict of the final carries."""
    names = tuple(k for part in parts for k in _PARTS[part] + (_PARTS_DA[part] if with_da else ()))

    def step(carry):
        n, on, v = carry[0], carry[1], dict(zip(names, carry[2:]))
        n = n + 1.0
        new, moving = {}, False
        r = a_s + n
        if "series" in parts:
            ratio = x_s / r
            new["c"] = v["c"] * ratio
            new["total"] = v["total"] + new["c"]
            moving = moving | (jnp.abs(new["c"]) > _EPS * jnp.abs(v["total"]))
            if with_da:
                new["dc"] = (v["dc"] - v["c"] / r) * ratio
                new["dtotal"] = v["dtotal"] + new["dc"]
                moving = moving | (jnp.abs(new["dc"]) > _EPS * jnp.abs(v["dtotal"]))
        if "alt" in parts:
            new["fac"] = v["fac"] * (-x_alt / n)
            term = new["fac"] / r
            new["alt"] = v["alt"] + term
            moving = moving | (jnp.abs(term) > _EPS * jnp.abs(v["alt"]))
        if "fraction" in parts:
            y = 1.0 - a_f + n
            z = x_f + 2.0 - a_f + 2.0 * n
            yc = y * n
            pk, qk = v["pkm1"] * z - v["pkm2"] * yc, v["qkm1"] * z - v["qkm2"] * yc
            nonzero = qk != 0
            qs = jnp.where(nonzero, qk, 1.0)
            new["ans"] = jnp.where(nonzero, pk / qs, v["ans"])
            moving = moving | (jnp.abs(new["ans"] - v["ans"]) > _EPS * jnp.abs(new["ans"]))
            # NOTE: the convergents grow geometrically; all scale together, so their ratios are unchanged
            scale = jnp.where(jnp.abs(pk) > 1 / _EPS, _EPS, 1.0)
            new.update(pkm1=pk * scale, qkm1=qk * scale, pkm2=v["pkm1"] * scale, qkm2=v["qkm1"] * scale)
            if with_da:
                # NOTE: d y / d a = d z / d a = -1, so d (y n) / d a = -n
                dpk = v["dpkm1"] * z - v["pkm1"] - v["dpkm2"] * yc + v["pkm2"] * n
                dqk = v["dqkm1"] * z - v["qkm1"] - v["dqkm2"] * yc + v["qkm2"] * n
                new["dans"] = jnp.where(nonzero, (dpk - new["ans"] * dqk) / qs, v["dans"])
                moving = moving | (jnp.abs(new["dans"] - v["dans"]) > _EPS * jnp.abs(new["dans"]))
                new.update(dpkm1=dpk * scale, dqkm1=dqk * scale, dpkm2=v["dpkm1"] * scale, dqkm2=v["dqkm1"] * scale)
        return (n, on & moving) + tuple(jnp.where(on, new[k], v[k]) for k in names)

    zero = jnp.zeros_like(a_s)
    one = zero + 1.0
    z0 = x_f + 2.0 - a_f
    init = dict(c=one, total=one, fac=one, alt=zero, pkm1=x_f + 1.0, qkm1=z0 * x_f, pkm2=one, qkm2=x_f)
    init["ans"] = init["pkm1"] / init["qkm1"]
    init.update(dc=zero, dtotal=zero, dpkm1=zero, dqkm1=-x_f, dpkm2=zero, dqkm2=zero)
    init["dans"] = init["ans"] / z0     # NOTE: -ans dq / q with dq = -x, q = z0 x
    out = lax.while_loop(lambda c: jnp.any(c[1]) & (c[0] < _MAX_TERMS), step,
                         (jnp.sum(zero), zero == 0.0) + tuple(init[k] for k in names))
    return dict(zip(names, out[2:]))


def _gamma_terms(a_s, x_s, x_alt, a_f, x_f, with_da):
    """The three expansions' sums: in one loop for the values (each loop is a separately compiled module,
    about 6 s of numba each); with the a-derivatives in two, the series' and the fraction's, since numba
    refuses a call of more than 30 arguments (CPython passes those as *args), which the carries, their
    buffers and the loop's inputs would pass."""
    if not with_da:
        return _gamma_loop(a_s, x_s, x_alt, a_f, x_f, ("series", "alt", "fraction"), False)
    ones = jnp.zeros_like(a_s) + 1.0
    out = _gamma_loop(a_s, x_s, x_alt, ones, ones, ("series", "alt"), True)
    out.update(_gamma_loop(ones, jnp.zeros_like(x_s), x_alt, a_f, x_f, ("fraction",), True))
    return out


def _incomplete_gamma(a, x, with_da=False):
    """[P, Q] in the arguments' float dtype, and dP/da after them ``with_da``."""
    (a, x), dt = _f64(a, x)
    with np.errstate(all="ignore"):
        valid = (a > 0) & (a < np.inf) & (x > 0) & (x < np.inf)
        fraction = valid & (x > 1) & (x > a)
        series = valid & ~fraction
        a_s, x_s = jnp.where(series, a, 1.0), jnp.where(series, x, 0.0)
        # NOTE: Cephes's choice: below x = 1.1, where Q is small (a below about -0.4 / log x, or 1.1 x), its
        # own series; the complement 1 - P lost up to 3 digits there (a = 1e-3, x = 0.7)
        x_lo = jnp.where(series & (x <= 1.1), x, 0.5)
        small_q = series & (x <= 1.1) & jnp.where(x_lo < 0.5, a * jnp.log(x_lo) >= -0.4, a <= 1.1 * x_lo)
        a_f, x_f = jnp.where(fraction, a, 1.0), jnp.where(fraction, x, 2.0)
        terms = _gamma_terms(a_s, x_s, jnp.where(small_q, x, 0.0), a_f, x_f, with_da)
        total, alt, ans = terms["total"], terms["alt"], terms["ans"]
        lp_s = _log_gamma_prefactor(a_s, jnp.where(series, x, 1.0))
        front = jnp.exp(lp_s) / a_s
        p_series = front * total
        a_q, log_x_q = jnp.where(small_q, a, 1.0), jnp.log(jnp.where(small_q, x, 1.0))
        q_small = -jnp.expm1(a_q * log_x_q - gammaln(a_q + 1.0)) - jnp.exp(a_q * log_x_q - gammaln(a_q)) * alt
        q_series = jnp.where(small_q, q_small, 1.0 - p_series)
        lp_f = _log_gamma_prefactor(a_f, x_f)
        q_fraction = jnp.exp(lp_f) * ans
        p = jnp.where(fraction, 1.0 - q_fraction, p_series)
        q = jnp.where(fraction, q_fraction, q_series)
        # NOTE: the edges as scipy's: P(0, x > 0) = 1, P(a, 0) = 0, P(a, inf) = 1, P(inf, finite x) = 0 (JAX
        # gives NaN there); NaN for a < 0, x < 0, a = x = 0, a = x = inf and NaN operands
        p_edge = jnp.where(((a == 0) & (x > 0)) | ((x == np.inf) & (a < np.inf)), 1.0,
                           jnp.where(((x == 0) & (a > 0)) | ((a == np.inf) & (x < np.inf)), 0.0, np.nan))
        p_edge = jnp.where((a < 0) | (x < 0), np.nan, p_edge)
        p = jnp.where(valid, p, p_edge)
        q = jnp.where(valid, q, 1.0 - p_edge)
        out = [jnp.astype(p, dt), jnp.astype(q, dt)]
        if not with_da:
            return out
        log_x = jnp.log(jnp.where(series, x, 1.0))
        dp_series = p_series * (log_x - digamma(a_s + 1.0)) + front * terms["dtotal"]
        dq_fraction = q_fraction * (jnp.log(x_f) - digamma(a_f)) + jnp.exp(lp_f) * terms["dans"]
        dp_da = jnp.where(fraction, -dq_fraction, dp_series)
        dp_da = jnp.where(valid, dp_da, jnp.where(jnp.isnan(p_edge), np.nan, 0.0))
        return out + [jnp.astype(dp_da, dt)]


def _gamma_density(a, x):
    """dP/dx = x^(a-1) e^-x / Gamma(a), the prefactor over x; at x = 0, 0 for a > 1, 1 at a = 1 and inf
    below, as JAX's; 0 at x = inf; NaN where P is."""
    (a, x), dt = _f64(a, x)
    with np.errstate(all="ignore"):
        valid = (a > 0) & (a < np.inf) & (x > 0) & (x < np.inf)
        x_d, a_d = jnp.where(valid, x, 1.0), jnp.where(valid, a, 1.0)
        density = jnp.exp(_log_gamma_prefactor(a_d, x_d)) / x_d
        a_0 = jnp.where((x == 0) & (a > 0) & (a < np.inf), a, 2.0)
        at_zero = jnp.where(a_0 > 1, 0.0, jnp.where(a_0 == 1, 1.0, np.inf))
        defined = (a >= 0) & (x >= 0) & ~((a == 0) & (x == 0)) & ~((a == np.inf) & (x == np.inf))
        edge = jnp.where(defined, jnp.where(x == 0, at_zero, 0.0), np.nan)
        return jnp.astype(jnp.where(valid, density, edge), dt)


@custom_jvp
def _gamma_da(a, x):
    return _incomplete_gamma(a, x, with_da=True)[2]


def _in_a(f, a):
    """d f / d a by the five-point central difference with step 1e-3 min(a, sqrt(a)) (P and I vary in a on
    that scale, so the truncation error is about 1e-12 and the rounding error about 1e-10 relative). For the
    second derivatives in a and b only: forward mode through the while loops would be exact, but its
    tangent loops start from constants, which vmap's batching of a custom_jvp rule cannot close over."""
    a64 = jnp.astype(a, np.float64)
    h = 1e-3 * jnp.where((a64 > 0) & (a64 < np.inf), jnp.where(a64 < 1, a64, jnp.sqrt(a64)), 1.0)
    return [(8.0 * (p1 - m1) - (p2 - m2)) / (12.0 * h)
            for p2, p1, m1, m2 in zip(f(a64 + 2 * h), f(a64 + h), f(a64 - h), f(a64 - 2 * h))]


@_gamma_da.defjvp
def _gamma_da_jvp(primals, tangents):
    """dP/da with its own derivatives, so that a second derivative never reverses the while loops: in x the
    density's derivative in a, density (log x - psi(a)), exact; in a ``_in_a``'s difference (1e-10)."""
    a, x = primals
    da = _incomplete_gamma(a, x, with_da=True)[2]
    (d2a,) = _in_a(lambda u: _incomplete_gamma(u, jnp.astype(x, np.float64), with_da=True)[2:], a)
    (a64, x64), dt = _f64(a, x)
    valid = (a64 > 0) & (a64 < np.inf) & (x64 > 0) & (x64 < np.inf)
    a_v, x_v = jnp.where(valid, a64, 1.0), jnp.where(valid, x64, 1.0)
    mixed = jnp.exp(_log_gamma_prefactor(a_v, x_v)) / x_v * (jnp.log(x_v) - digamma(a_v))
    mixed = jnp.where(valid, mixed, jnp.where(jnp.isnan(da), np.nan, 0.0))
    return da, tangents[0] * jnp.astype(d2a, dt) + tangents[1] * jnp.astype(mixed, dt)


@custom_jvp
def _lower_gamma(a, x):
    return _incomplete_gamma(a, x)[0]


@_lower_gamma.defjvp
def _lower_gamma_jvp(primals, tangents):
    p = _incomplete_gamma(*primals)[0]
    return p, tangents[0] * _gamma_da(*primals) + tangents[1] * _gamma_density(*primals)


@custom_jvp
def _upper_gamma(a, x):
    return _incomplete_gamma(a, x)[1]


@_upper_gamma.defjvp
def _upper_gamma_jvp(primals, tangents):
    q = _incomplete_gamma(*primals)[1]
    return q, -(tangents[0] * _gamma_da(*primals) + tangents[1] * _gamma_density(*primals))


def gammainc(a, x):
    """The regularized lower incomplete gamma function P(a, x) = gamma(a, x) / Gamma(a) (scipy's and JAX's
    ``gammainc``): 0 at x = 0, 1 at x = inf, 1 at a = 0 (x > 0), NaN for a < 0 or x < 0. Differentiable in
    both arguments (see the module's docstring for the accuracy)."""
    a, x = _floats(a, x, fname="gammainc")
    return _lower_gamma(a, x)


def gammaincc(a, x):
    """The regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x), computed directly where it is
    small (its continued fraction), so the upper tail keeps its relative accuracy."""
    a, x = _floats(a, x, fname="gammaincc")
    return _upper_gamma(a, x)


# -- incomplete beta -----------------------------------------------------------------------------------------
_BETA = ("A", "B", "Ap", "Bp")


def _beta_fraction(a, b, x, wrt=""):
    """The continued fraction 1 / (1 + d_1 / (1 + d_2 / (1 + ...))) of I_x(a, b) = x^a (1 - x)^b /
    (a B(a, b)) times it (Numerical Recipes' betacf), d_(2m+1) = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1))
    and d_(2m) = m (b - m) x / ((a + 2m - 1)(a + 2m)), evaluated as the convergents A_n / B_n (A_n = A_(n-1) +
    d_n A_(n-2), two terms a step) and, for ``wrt`` "a" or "b", their derivatives in it carried along (one
    argument a loop: numba refuses a call of more than 30 arguments, which carrying both would pass). Returns
    (the fraction, its derivative in ``wrt`` or None)."""
    names = _BETA + tuple(k + wrt for k in _BETA if wrt)

    def apply(v, d, dd):
        """One term: (A, B) <- (A + d Ap, B + d Bp), the old (A, B) becoming (Ap, Bp); dd = d d / d wrt."""
        new = dict(A=v["A"] + d * v["Ap"], B=v["B"] + d * v["Bp"], Ap=v["A"], Bp=v["B"])
        if wrt:
            new["A" + wrt] = v["A" + wrt] + dd * v["Ap"] + d * v["Ap" + wrt]
            new["B" + wrt] = v["B" + wrt] + dd * v["Bp"] + d * v["Bp" + wrt]
            new["Ap" + wrt], new["Bp" + wrt] = v["A" + wrt], v["B" + wrt]
        return new

    def step(carry):
        m, on, v = carry[0], carry[1], dict(zip(names, carry[2:]))
        am = a + m
        num, den = am * (a + b + m), (a + 2.0 * m) * (a + 2.0 * m + 1.0)
        d = -num * x / den
        if wrt == "a":
            dd = -x * ((2.0 * a + b + 2.0 * m) * den - num * (4.0 * m + 2.0 * a + 1.0)) / (den * den)
        else:
            dd = -x * am / den
        w = apply(v, d, dd)
        k = m + 1.0
        den = (a + 2.0 * k - 1.0) * (a + 2.0 * k)
        d = k * (b - k) * x / den
        w = apply(dict(v, **w), d, -d * (4.0 * k + 2.0 * a - 1.0) / den if wrt == "a" else k * x / den)
        # NOTE: the convergents grow or shrink geometrically; all scale together, so their ratios are unchanged
        size = jnp.abs(w["B"])
        scale = jnp.where(size > 1 / _EPS, _EPS, jnp.where(size < _EPS, 1 / _EPS, 1.0))
        new = {key: val * scale for key, val in w.items()}
        # NOTE: the fraction and its derivative are not carried but read off the convergents (the ratios do not
        # change with the scaling): two carries fewer keep the step's call within numba's 30 arguments
        f_old, f = _ratio(v, wrt)[0], _ratio(w, wrt)[0]
        moving = jnp.abs(f - f_old) > _EPS * jnp.abs(f)
        if wrt:
            df_old, df = _ratio(v, wrt)[1], _ratio(w, wrt)[1]
            # NOTE: relative to the terms the derivative's quotient rule cancels, not to the result: its
            # rounding wobbles by 1e-14 relative where they nearly cancel, and an eps test never stopped
            noise = 4 * _EPS * (jnp.abs(w["A" + wrt]) + jnp.abs(f * w["B" + wrt])) / jnp.abs(w["B"])
            moving = moving | (jnp.abs(df - df_old) > noise)
        return (m + 1.0, on & moving) + tuple(jnp.where(on, new[key], v[key]) for key in names)

    zero = jnp.zeros_like(x)
    one = zero + 1.0
    # NOTE: A_0 / B_0 = 0 / 1 and A_1 / B_1 = 1 / 1, before the first d
    init = dict(A=one, B=one, Ap=zero, Bp=one)
    init.update({k + wrt: zero for k in _BETA if wrt})
    out = lax.while_loop(lambda c: jnp.any(c[1]) & (c[0] < _MAX_TERMS), step,
                         (jnp.sum(zero), zero == 0.0) + tuple(init[k] for k in names))
    return _ratio(dict(zip(names, out[2:])), wrt)


def _ratio(v, wrt):
    """(A / B, d(A / B) / d wrt) of convergents ``v`` (the second None without ``wrt``)."""
    f = v["A"] / v["B"]
    return f, ((v["A" + wrt] - f * v["B" + wrt]) / v["B"] if wrt else None)


def _incomplete_beta(a, b, x, y, with_dab=False):
    """[I_x(a, b)] in the arguments' float dtype, and dI/da, dI/db after it ``with_dab``; y is 1 - x, passed
    where the caller has it to more digits than 1 - x keeps (t.cdf). The fraction runs on (a, b, x) below the
    mean (a + 1) / (a + b + 2), where it converges, and on (b, a, y) above (I = 1 - I_y(b, a))."""
    (a, b, x, y), dt = _f64(a, b, x, y)
    with np.errstate(all="ignore"):
        valid = (a > 0) & (a < np.inf) & (b > 0) & (b < np.inf) & (x > 0) & (x < 1)
        flip = x * (a + b + 2.0) > a + 1.0
        # NOTE: the other inputs where invalid: a = b = 1, x = 1/2 converge at once and stay finite
        a_w = jnp.where(valid, jnp.where(flip, b, a), 1.0)
        b_w = jnp.where(valid, jnp.where(flip, a, b), 1.0)
        x_w = jnp.where(valid, jnp.where(flip, y, x), 0.5)
        y_w = jnp.where(valid, jnp.where(flip, x, y), 0.5)
        f = _beta_fraction(a_w, b_w, x_w)[0]
        # NOTE: log x from y where x is near 1 (and the other way): a log x has the absolute error a eps / y
        # of log's argument otherwise (4e-12 at a = 5e4, y = 9e-5)
        log_x = jnp.where(x_w > 0.5, jnp.log1p(-y_w), jnp.log(x_w))
        log_y = jnp.where(y_w > 0.5, jnp.log1p(-x_w), jnp.log(y_w))
        log_front = a_w * log_x + b_w * log_y - betaln(a_w, b_w) - jnp.log(a_w)
        front = jnp.exp(log_front)
        part = front * f
        value = jnp.where(flip, 1.0 - part, part)
        # NOTE: the edges as scipy's and JAX's: 0 at x = 0, 1 at x = 1; for 0 < x < 1, 1 at a = 0 or b = inf and
        # 0 at b = 0 or a = inf; NaN outside [0, 1], for negative a or b, a = b = 0 and a = b = inf
        defined = ((a >= 0) & (b >= 0) & (x >= 0) & (x <= 1) & ~((a == 0) & (b == 0))
                   & ~((a == np.inf) & (b == np.inf)))
        edge = jnp.where((x == 1) | ((x > 0) & ((a == 0) | (b == np.inf))), 1.0, 0.0)
        value = jnp.where(valid, value, jnp.where(defined, edge, np.nan))
        out = [jnp.astype(value, dt)]
        if not with_dab:
            return out
        psi_ab = digamma(a_w + b_w)
        fa = _beta_fraction(a_w, b_w, x_w, "a")[1]
        fb = _beta_fraction(a_w, b_w, x_w, "b")[1]
        d_first = part * (log_x - digamma(a_w) + psi_ab - 1.0 / a_w) + front * fa
        d_second = part * (log_y - digamma(b_w) + psi_ab) + front * fb
        d_a = jnp.where(flip, -d_second, d_first)
        d_b = jnp.where(flip, -d_first, d_second)
        d_edge = jnp.where(defined, 0.0, np.nan)
        return out + [jnp.astype(jnp.where(valid, d_a, d_edge), dt), jnp.astype(jnp.where(valid, d_b, d_edge), dt)]


def _beta_density(a, b, x):
    """dI/dx = x^(a-1) (1 - x)^(b-1) / B(a, b); at x = 0 and 1 its limits (0, 1 / B or inf), NaN where I is."""
    (a, b, x), dt = _f64(a, b, x)
    with np.errstate(all="ignore"):
        ok = (a > 0) & (a < np.inf) & (b > 0) & (b < np.inf) & (x >= 0) & (x <= 1)
        a_s, b_s, x_s = jnp.where(ok, a, 1.0), jnp.where(ok, b, 1.0), jnp.where(ok, x, 0.5)
        from .special import xlogy, xlog1py     # NOTE: here, as special imports this module
        log_density = xlogy(a_s - 1.0, x_s) + xlog1py(b_s - 1.0, -x_s) - betaln(a_s, b_s)
        defined = (a >= 0) & (b >= 0) & (x >= 0) & (x <= 1)
        return jnp.astype(jnp.where(ok, jnp.exp(log_density), jnp.where(defined, 0.0, np.nan)), dt)


@custom_jvp
def _beta_dab(a, b, x, y):
    return tuple(_incomplete_beta(a, b, x, y, with_dab=True)[1:])


@_beta_dab.defjvp
def _beta_dab_jvp(primals, tangents):
    """dI/da and dI/db with their own derivatives, so that a second derivative never reverses the while loop:
    in x the density's derivatives in a and b, exact; in a and b ``_in_a``'s differences (1e-10). y's tangent
    is not read: it is 1 - x, whose change x's tangent carries."""
    a, b, x, y = primals
    t_a, t_b, t_x, _ = tangents
    dt = jnp.result_type(a, b, x)
    x64, y64 = jnp.astype(x, np.float64), jnp.astype(y, np.float64)
    out = tuple(_incomplete_beta(a, b, x, y, with_dab=True)[1:])
    daa, dba = _in_a(lambda u: _incomplete_beta(u, jnp.astype(b, np.float64), x64, y64, with_dab=True)[1:], a)
    (dbb,) = _in_a(lambda v: _incomplete_beta(jnp.astype(a, np.float64), v, x64, y64, with_dab=True)[2:], b)
    (a64, b64, x64), _ = _f64(a, b, x)
    ok = (a64 > 0) & (a64 < np.inf) & (b64 > 0) & (b64 < np.inf) & (x64 > 0) & (x64 < 1)
    a_s, b_s, x_s = jnp.where(ok, a64, 1.0), jnp.where(ok, b64, 1.0), jnp.where(ok, x64, 0.5)
    density, psi_ab = _beta_density(a_s, b_s, x_s), digamma(a_s + b_s)
    dxa = jnp.where(ok, density * (jnp.log(x_s) - digamma(a_s) + psi_ab), 0.0)
    dxb = jnp.where(ok, density * (jnp.log1p(-x_s) - digamma(b_s) + psi_ab), 0.0)
    d = [jnp.astype(v, dt) for v in (daa, dba, dbb, dxa, dxb)]
    return out, (t_a * d[0] + t_b * d[1] + t_x * d[3], t_a * d[1] + t_b * d[2] + t_x * d[4])


@custom_jvp
def _regularized_beta(a, b, x, y):
    return _incomplete_beta(a, b, x, y)[0]


@_regularized_beta.defjvp
def _regularized_beta_jvp(primals, tangents):
    d_a, d_b = _beta_dab(*primals)
    return (_incomplete_beta(*primals)[0],
            tangents[0] * d_a + tangents[1] * d_b + tangents[2] * _beta_density(*primals[:3]))


def betainc(a, b, x):
    """The regularized incomplete beta function I_x(a, b) = B(x; a, b) / B(a, b) (scipy's and JAX's
    ``betainc``). Differentiable in all three arguments (JAX: in x only), see the module's docstring."""
    a, b, x = _floats(a, b, x, fname="betainc")
    return _regularized_beta(a, b, x, 1.0 - x)


def betainc_pair(a, b, x, y):
    """I_x(a, b) given x and y = 1 - x both (not checked), each to its own relative precision: where x is
    near 1, I_x depends on y's digits, which 1 - x rounds away (t.cdf at df = 1e5, t = 3 lost 4e-12)."""
    a, b, x, y = _floats(a, b, x, y, fname="betainc")
    return _regularized_beta(a, b, x, y)
