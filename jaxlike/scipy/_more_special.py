"""More of ``jax.scipy.special`` for ``jaxlike.scipy.special``: boxcox and boxcox1p, loggamma (real), bernoulli,
sici, fresnel, owens_t, bessel_jn and hyp1f1; real arguments, float32 kept as float32.

Method and measured accuracy (float64, against scipy and mpmath, tests/scipy/test_special_more.py):

- boxcox(x, l) = log(x) E(l log x) with E(u) = expm1(u) / u, E by its Taylor series (19 terms) where |u| < 1/2:
  the same value as expm1(l log x) / l, but smooth through l = 0, so that autodiff gives both derivatives to full
  precision (d/dl = log(x)^2 E'(u), (log x)^2 / 2 at l = 0, which (x^l log x - (x^l - 1) / l) / l cancels away);
  boxcox1p likewise with log1p. About 1e-16 relative.
- loggamma: gammaln for x >= 0 (inf at 0, as scipy's), NaN for x < 0 (scipy's and JAX's for real arguments).
- bernoulli(n): B_0 .. B_n (B_1 = -1/2) exactly in rationals (the Akiyama-Tanigawa recurrence, cached), then
  rounded once; +-inf where B_n overflows float64 (n >= 260).
- sici: Cephes's sici.c (rational approximations below 4, the auxiliary functions f, g beyond, the
  asymptotic form past 1e9): about 1e-15, absolute near Ci's zeros.
- fresnel: Cephes's fresnl.c, with sin and cos of pi x^2 / 2 taken after reducing x^2 / 2 modulo 2 exactly
  (x = 2m + s: x^2 / 2 = s (x - s/2) mod 2): about 1e-15 for |x| < 1e4.
- owens_t: T(h, a) = e^(-h^2/2) / (2 pi) int_0^b e^(-h^2 u^2 / 2) / (1 + u^2) du for |a| <= 1 by a 24-point
  Gauss-Legendre rule on [0, b], b = min(|a|, 9 / |h|) (the integrand beyond 9 / |h| is below e^-40 of its
  start), which keeps T relatively accurate for large h; for |a| > 1 the identity T(h, a) = (erfc(h') + erfc(ah')
  - erfc(h') erfc(ah')) / 4 - T(ah, 1/a), h' = |h| / sqrt(2). About 1e-15 relative for |a| <= 1, 4e-14 beyond
  (the identity's difference).
- bessel_jn(z, v=..., n_iter=50): J_0 .. J_v at z by Miller's backward recurrence, as JAX's (Zhang and Jin's
  BJNDD), but carried as the ratios r_k = J_k / J_(k-1) = z / (2k - z r_(k+1)), so that nothing overflows for a
  small z (the plain recurrence overflowed at z = 1e-3), then normalised by J_0 + 2 sum J_2k = 1. Accurate
  (1e-15) while n_iter is well above |z| (JAX's rule of thumb for n_iter holds).
- hyp1f1(a, b, x): Kummer's series in a ``lax.while_loop`` until every element's terms fall below eps of the
  sum (up to 20000 terms; about x + a few sqrt(x) for large x), with its derivatives in a, b and x summed term
  by term in the same loop; x < 0 through Kummer's transformation e^x 1F1(b - a; b; -x). About 4e-14 for
  x >= 0 and for x < 0 with a <= b (a, b in [0.1, 20], |x| <= 60); for x < 0 and a > b the transformed series
  alternates for its first a - b terms, which cancels up to 1e-8 there (JAX's direct series for x < 0 cancels
  to no digits at all at x = -40). First derivatives only: a second would reverse the while loop.

Derivatives through ``custom_jvp``: Si' = sin(x) / x, Ci' = cos(x) / x, S' = sin(pi x^2 / 2), C' = cos(pi x^2 / 2),
dT/dh = -e^(-h^2/2) erf(ah / sqrt 2) / (2 sqrt(2 pi)), dT/da = e^(-(1+a^2) h^2 / 2) / (2 pi (1 + a^2)), J_n' =
(J_(n-1) - J_(n+1)) / 2, hyp1f1's from its loop; boxcox and loggamma through their composites.
A front-end module: imports jaxlike.numpy, jaxlike.lax, ops.special and jaxlike.custom_derivatives."""

import functools
import math
from fractions import Fraction

import numpy as np

from .. import numpy as jnp
from .. import lax
from ..custom_derivatives import custom_jvp
from ..ops import special as _special
from ._gamma import _real_float, _floats, gammaln, _in_float64, _polevl
from ._incomplete import _f64


# -- boxcox ----------------------------------------------------------------------------------------------------
_EXPM1_OVER_U = tuple(1.0 / math.factorial(k + 1) for k in range(19))[::-1]


def _expm1_over(u):
    """expm1(u) / u, 1 at 0, as a series where |u| < 1/2 so that its derivatives do not cancel there."""
    small = jnp.abs(u) < 0.5
    us = jnp.where(small, u, 0.0)
    ub = jnp.where(small, 1.0, u)
    return jnp.where(small, _polevl(_EXPM1_OVER_U, us), jnp.expm1(ub) / ub)


def _boxcox_of_log(log_x, lmbda, at_zero, at_inf):
    """(x^l - 1) / l given log x (finite where ``at_zero``, ``at_inf`` are False)."""
    inside = ~(at_zero | at_inf)
    lx = jnp.where(inside, log_x, 1.0)
    value = lx * _expm1_over(lmbda * lx)
    # NOTE: the limits: x -> 0 gives -1/l for l > 0, -inf otherwise; x -> inf gives -1/l for l < 0, inf otherwise
    safe_l = jnp.where(lmbda == 0, 1.0, lmbda)
    zero_edge = jnp.where(lmbda > 0, -1.0 / safe_l, -np.inf)
    inf_edge = jnp.where(lmbda < 0, -1.0 / safe_l, np.inf)
    out = jnp.where(at_zero, zero_edge, jnp.where(at_inf, inf_edge, value))
    return jnp.where(jnp.isnan(lmbda), np.nan, out)


def boxcox(x, lmbda):
    """The Box-Cox transformation (x^lmbda - 1) / lmbda (log x at lmbda = 0) for x >= 0, NaN for x < 0.
    Differentiable in both arguments."""
    x, lmbda = _floats(x, lmbda, fname="boxcox")
    with np.errstate(all="ignore"):
        ok = (x > 0) & (x < np.inf)
        log_x = jnp.log(jnp.where(ok, x, 1.0))
        out = _boxcox_of_log(log_x, lmbda, x == 0, x == np.inf)
        return jnp.where((x < 0) | jnp.isnan(x), np.nan, out)


def boxcox1p(x, lmbda):
    """The Box-Cox transformation of 1 + x, ((1 + x)^lmbda - 1) / lmbda, accurate for small x; NaN below -1."""
    x, lmbda = _floats(x, lmbda, fname="boxcox1p")
    with np.errstate(all="ignore"):
        ok = (x > -1) & (x < np.inf)
        log_x = jnp.log1p(jnp.where(ok, x, 0.0))
        out = _boxcox_of_log(log_x, lmbda, x == -1, x == np.inf)
        return jnp.where((x < -1) | jnp.isnan(x), np.nan, out)


# -- loggamma, bernoulli -------------------------------------------------------------------------------------
def loggamma(x):
    """The principal branch of log Gamma(x) for real x: gammaln(x) for x >= 0 (inf at 0), NaN for x < 0 (the
    real-argument answer of scipy and JAX; complex arguments are not supported here)."""
    x = _real_float(x, "loggamma")
    inside = x >= 0
    return jnp.where(inside, gammaln(jnp.where(inside, x, 1.0)), np.nan)


_BERNOULLI_EXACT = 260     # B_260 = -3.6e+309 is the first to overflow float64


@functools.cache
def _bernoulli_numbers(n):
    """B_0 .. B_n (B_1 = -1/2) as float64, from exact rationals (Akiyama-Tanigawa: B_m^+, then B_1's sign) up
    to order 259; beyond, 0 at the odd orders and the sign (-1)^(k+1) of B_2k times inf (the exact recurrence
    took 5 s for n = 1000)."""
    exact = min(n, _BERNOULLI_EXACT - 1)
    out, a = [], [Fraction(0)] * (exact + 1)
    for m in range(exact + 1):
        a[m] = Fraction(1, m + 1)
        for j in range(m, 0, -1):
            a[j - 1] = j * (a[j - 1] - a[j])
        out.append(float(a[0]))
    if n >= 1:
        out[1] = -out[1]
    out += [0.0 if m % 2 else (math.inf if m % 4 == 2 else -math.inf) for m in range(exact + 1, n + 1)]
    return np.array(out, dtype=np.float64)


def bernoulli(n):
    """The Bernoulli numbers B_0 .. B_n (n + 1 values, B_1 = -1/2) for a concrete non-negative int n."""
    if hasattr(n, "_id") or isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"bernoulli: n must be a concrete non-negative int, got {type(n).__name__} {n!r}")
    if n < 0:
        raise ValueError(f"bernoulli: n must be >= 0, got {n}")
    return jnp.asarray(_bernoulli_numbers(int(n)).copy())


# -- sici --------------------------------------------------------------------------------------------------------
_SN = (-8.39167827910303881427e-11, 4.62591714427012837309e-8, -9.75759303843632795789e-6,
       9.76945438170435310816e-4, -4.13470316229406538752e-2, 1.00000000000000000302e0)
_SD = (2.03269266195951942049e-12, 1.27997891179943299903e-9, 4.41827842801218905784e-7,
       9.96412122043875552487e-5, 1.42085239326149893930e-2, 9.99999999999999996984e-1)
_CN = (2.02524002389102268789e-11, -1.35249504915790756375e-8, 3.59325051419993077021e-6,
       -4.74007206873407909465e-4, 2.89159652607555242092e-2, -1.00000000000000000080e0)
_CD = (4.07746040061880559506e-12, 3.06780997581887812692e-9, 1.23210355685883423679e-6,
       3.17442024775032769882e-4, 5.10028056236446052392e-2, 4.00000000000000000080e0)
_FN4 = (4.23612862892216586994e0, 5.45937717161812843388e0, 1.62083287701538329132e0, 1.67006611831323023771e-1,
        6.81020132472518137426e-3, 1.08936580650328664411e-4, 5.48900223421373614008e-7)
_FD4 = (1.0, 8.16496634205391016773e0, 7.30828822505564552187e0, 1.86792257950184183883e0,
        1.78792052963149907262e-1, 7.01710668322789753610e-3, 1.10034357153915731354e-4, 5.48900252756255700982e-7)
_GN4 = (8.71001698973114191777e-2, 6.11379109952219284151e-1, 3.97180296392337498885e-1, 7.48527737628469092119e-2,
        5.38868681462177273157e-3, 1.61999794598934024525e-4, 1.97963874140963632189e-6, 7.82579040744090311069e-9)
_GD4 = (1.0, 1.64402202413355338886e0, 6.66296701268987968381e-1, 9.88771761277688796203e-2,
        6.22396345441768420760e-3, 1.73221081474177119497e-4, 2.02659182086343991969e-6, 7.82579218933534490868e-9)
_FN8 = (4.55880873470465315206e-1, 7.13715274100146711374e-1, 1.60300158222319456320e-1, 1.16064229408124407915e-2,
        3.49556442447859055605e-4, 4.86215430826454749482e-6, 3.20092790091004902806e-8, 9.41779576128512936592e-11,
        9.70507110881952024631e-14)
_FD8 = (1.0, 9.17463611873684053703e-1, 1.78685545332074536321e-1, 1.22253594771971293032e-2,
        3.58696481881851580297e-4, 4.92435064317881464393e-6, 3.21956939101046018377e-8, 9.43720590350276732376e-11,
        9.70507110881952025725e-14)
_GN8 = (6.97359953443276214934e-1, 3.30410979305632063225e-1, 3.84878767649974295920e-2, 1.71718239052347903558e-3,
        3.48941165502279436777e-5, 3.47131167084116673800e-7, 1.70404452782044526189e-9, 3.85945925430276600453e-12,
        3.14040098946363334640e-15)
_GD8 = (1.0, 1.68548898811011640017e0, 4.87852258695304967486e-1, 4.67913194259625806320e-2,
        1.90284426674399523638e-3, 3.68475504442561108162e-5, 3.57043223443740838771e-7, 1.72693748966316146736e-9,
        3.87830166023954706752e-12, 3.14040098946363335242e-15)
_EULER = 0.5772156649015329


def _sici(x):
    """(Si, Ci) of float64 x (Ci of |x| for x < 0, the real part, as scipy's)."""
    with np.errstate(all="ignore"):
        ax = jnp.abs(x)
        small = ax <= 4.0
        xs = jnp.where(small & (ax > 0), ax, 1.0)
        z = xs * xs
        si_small = xs * _polevl(_SN, z) / _polevl(_SD, z)
        ci_small = _EULER + jnp.log(xs) + z * _polevl(_CN, z) / _polevl(_CD, z)
        huge = ax > 1e9
        xf = jnp.where(small | huge | jnp.isnan(ax), 5.0, ax)
        s, c = jnp.sin(xf), jnp.cos(xf)
        w = 1.0 / (xf * xf)
        mid = xf < 8.0
        f = jnp.where(mid, _polevl(_FN4, w) / _polevl(_FD4, w), _polevl(_FN8, w) / _polevl(_FD8, w)) / xf
        g = w * jnp.where(mid, _polevl(_GN4, w) / _polevl(_GD4, w), _polevl(_GN8, w) / _polevl(_GD8, w))
        si_far, ci_far = 0.5 * np.pi - f * c - g * s, f * s - g * c
        xh = jnp.where(huge & (ax < np.inf), ax, 1e10)
        si_huge = jnp.where(ax == np.inf, 0.5 * np.pi, 0.5 * np.pi - jnp.cos(xh) / xh)
        ci_huge = jnp.where(ax == np.inf, 0.0, jnp.sin(xh) / xh)
        si = jnp.where(small, si_small, jnp.where(huge, si_huge, si_far))
        ci = jnp.where(small, ci_small, jnp.where(huge, ci_huge, ci_far))
        si = jnp.where(ax == 0, 0.0, jnp.where(x < 0, -si, si))
        ci = jnp.where(ax == 0, -np.inf, jnp.where(x == -np.inf, np.nan, ci))
        nan = jnp.isnan(x)
        return jnp.where(nan, np.nan, si), jnp.where(nan, np.nan, ci)


@custom_jvp
def _sici_fn(x):
    both = _in_float64(lambda v: jnp.stack(_sici(v)), x)
    return both[0], both[1]


@_sici_fn.defjvp
def _sici_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    with np.errstate(all="ignore"):
        nonzero = x != 0
        safe = jnp.where(nonzero, x, 1.0)
        d_si = jnp.where(nonzero, jnp.sin(safe) / safe, 1.0)
        d_ci = jnp.where(nonzero, jnp.cos(safe) / safe, np.inf)
    return _sici_fn(x), (t * d_si, t * d_ci)


def sici(x):
    """The sine and cosine integrals (Si(x), Ci(x)): Si = int_0^x sin(t)/t dt, Ci = gamma + log x +
    int_0^x (cos t - 1)/t dt (for x < 0 the real part, Ci(|x|), as scipy's)."""
    return _sici_fn(_real_float(x, "sici"))


# -- fresnel ----------------------------------------------------------------------------------------------------
_FR_SN = (-2.99181919401019853726e3, 7.08840045257738576863e5, -6.29741486205862506537e7,
          2.54890880573376359104e9, -4.42979518059697779103e10, 3.18016297876567817986e11)
_FR_SD = (1.0, 2.81376268889994315696e2, 4.55847810806532581675e4, 5.17343888770096400730e6,
          4.19320245898111231129e8, 2.24411795645340920940e10, 6.07366389490084639049e11)
_FR_CN = (-4.98843114573573548651e-8, 9.50428062829859605134e-6, -6.45191435683965050962e-4,
          1.88843319396703850064e-2, -2.05525900955013891793e-1, 9.99999999999999998822e-1)
_FR_CD = (3.99982968972495980367e-12, 9.15439215774657478799e-10, 1.25001862479598821474e-7,
          1.22262789024179030997e-5, 8.68029542941784300606e-4, 4.12142090722199792936e-2, 1.00000000000000000118e0)
_FR_FN = (4.21543555043677546506e-1, 1.43407919780758885261e-1, 1.15220955073585758835e-2, 3.45017939782574027900e-4,
          4.63613749287867322088e-6, 3.05568983790257605827e-8, 1.02304514164907233465e-10,
          1.72010743268161828879e-13, 1.34283276233062758925e-16, 3.76329711269987889006e-20)
_FR_FD = (1.0, 7.51586398353378947175e-1, 1.16888925859191382142e-1, 6.44051526508858611005e-3,
          1.55934409164153020873e-4, 1.84627567348930545870e-6, 1.12699224763999035261e-8, 3.60140029589371370404e-11,
          5.88754533621578410010e-14, 4.52001434074129701496e-17, 1.25443237090011264384e-20)
_FR_GN = (5.04442073643383265887e-1, 1.97102833525523411709e-1, 1.87648584092575249293e-2, 6.84079380915393090172e-4,
          1.15138826111884280931e-5, 9.82852443688422223854e-8, 4.45344415861750144738e-10,
          1.08268041139020870318e-12, 1.37555460633261799868e-15, 8.36354435630677421531e-19,
          1.86958710162783235106e-22)
_FR_GD = (1.0, 1.47495759925128324529e0, 3.37748989120019970451e-1, 2.53603741420338795122e-2,
          8.14679107184306179049e-4, 1.27545075667729118702e-5, 1.04314589657571990585e-7, 4.60680728146520428211e-10,
          1.10273215066240270757e-12, 1.38796531259578871258e-15, 8.39158816283118707363e-19,
          1.86958710162783236342e-22)


def _sincos_half_pi_square(x):
    """sin and cos of pi x^2 / 2 for finite x >= 0, with x^2 / 2 reduced modulo 2 without forming x^2."""
    s = jnp.fmod(x, 2.0)
    r = jnp.fmod(s * (x - 0.5 * s), 2.0)
    return jnp.sin(np.pi * r), jnp.cos(np.pi * r)


def _fresnel(x):
    """(S, C) of float64 x (odd functions)."""
    with np.errstate(all="ignore"):
        ax = jnp.abs(x)
        finite = ax < np.inf
        xa = jnp.where(finite, ax, 0.0)
        x2 = xa * xa
        small = x2 < 2.5625
        t = x2 * x2
        s_small = xa * x2 * _polevl(_FR_SN, t) / _polevl(_FR_SD, t)
        c_small = xa * _polevl(_FR_CN, t) / _polevl(_FR_CD, t)
        xf = jnp.where(small, 2.0, xa)
        sin_, cos_ = _sincos_half_pi_square(xf)
        pt = np.pi * xf * xf
        u = 1.0 / (pt * pt)
        f = 1.0 - u * _polevl(_FR_FN, u) / _polevl(_FR_FD, u)
        g = _polevl(_FR_GN, u) / (_polevl(_FR_GD, u) * pt)
        px = np.pi * xf
        # NOTE: past 36974 f = 1 and g = 0 to double precision (Cephes's switch); the formula below is the same
        c_far = 0.5 + (f * sin_ - g * cos_) / px
        s_far = 0.5 - (f * cos_ + g * sin_) / px
        s_val = jnp.where(finite, jnp.where(small, s_small, s_far), 0.5)
        c_val = jnp.where(finite, jnp.where(small, c_small, c_far), 0.5)
        neg, nan = x < 0, jnp.isnan(x)
        s_val, c_val = jnp.where(nan, np.nan, s_val), jnp.where(nan, np.nan, c_val)
        return jnp.where(neg, -s_val, s_val), jnp.where(neg, -c_val, c_val)


@custom_jvp
def _sincos_fn(x):
    s, c = _sincos_half_pi_square(x)
    return s, c


@_sincos_fn.defjvp
def _sincos_jvp(primals, tangents):
    """d/dx of (sin, cos)(pi x^2 / 2) = pi x (cos, -sin): written out, since the reduction's fmod has no
    derivative at the multiples of 2 (jnp.fmod's gradient is 0 there, which made fresnel's second derivative 0
    at x = 2)."""
    (x,), (t,) = primals, tangents
    s, c = _sincos_half_pi_square(x)
    return (s, c), (t * np.pi * x * c, -(t * np.pi * x * s))


@custom_jvp
def _fresnel_fn(x):
    both = _in_float64(lambda v: jnp.stack(_fresnel(v)), x)
    return both[0], both[1]


@_fresnel_fn.defjvp
def _fresnel_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    ax = jnp.abs(x)
    # NOTE: sin is even in x, cos too: |x| only keeps the reduction's fmod on non-negative values
    sin_, cos_ = _sincos_fn(jnp.where(ax < np.inf, ax, 0.0))
    return _fresnel_fn(x), (t * sin_, t * cos_)


def fresnel(x):
    """The Fresnel integrals (S(x), C(x)) = (int_0^x sin(pi t^2 / 2) dt, int_0^x cos(pi t^2 / 2) dt)."""
    return _fresnel_fn(_real_float(x, "fresnel"))


# -- owens_t ---------------------------------------------------------------------------------------------------
_GL_NODES, _GL_WEIGHTS = (tuple(v) for v in np.polynomial.legendre.leggauss(24))
_SQRT_HALF = math.sqrt(0.5)


def _owens_t_small_a(h, a):
    """T(h, a) for h >= 0, 0 <= a <= 1 (float64), by Gauss-Legendre on [0, min(a, 9 / h)]."""
    with np.errstate(all="ignore"):
        b = jnp.where(h * a > 9.0, 9.0 / jnp.where(h > 0, h, 1.0), a)
        half, h2 = 0.5 * b, h * h
        total = jnp.zeros_like(b)
        for node, weight in zip(_GL_NODES, _GL_WEIGHTS):
            u = half * (node + 1.0)
            u2 = u * u
            total = total + weight * jnp.exp(-0.5 * h2 * u2) / (1.0 + u2)
        return jnp.exp(-0.5 * h2) * half * total / (2.0 * np.pi)


def _owens_t(h, a):
    with np.errstate(all="ignore"):
        nan = jnp.isnan(h) | jnp.isnan(a)
        ah, aa = jnp.abs(jnp.where(nan, 0.0, h)), jnp.abs(jnp.where(nan, 0.0, a))
        big = aa > 1.0
        # NOTE: for |a| > 1 the rule runs at (|a h|, 1 / |a|); a h = inf * 0 at h = 0 is 0 there
        hq = jnp.where(big, jnp.where(ah == 0, 0.0, aa * ah), ah)
        aq = jnp.where(big, 1.0 / aa, aa)
        hq_f = jnp.where(hq < np.inf, hq, 0.0)
        t = jnp.where(hq < np.inf, _owens_t_small_a(hq_f, aq), 0.0)
        e_h, e_ah = _special.erfc(ah * _SQRT_HALF), _special.erfc(hq * _SQRT_HALF)
        # NOTE: erf products where both are small (Patefield and Tandy's switch at a h <= 0.67)
        small_ah = hq <= 0.67
        reflected = jnp.where(small_ah, 0.25 - 0.25 * _special.erf(ah * _SQRT_HALF) * _special.erf(hq * _SQRT_HALF),
                              0.25 * (e_h + e_ah - e_h * e_ah)) - t
        out = jnp.where(big, reflected, t)
        out = jnp.where(a < 0, -out, out)
        return jnp.where(nan, np.nan, out)


@custom_jvp
def _owens_t_fn(h, a):
    return _in_float64(_owens_t, h, a)


@_owens_t_fn.defjvp
def _owens_t_jvp(primals, tangents):
    (h, a), (th, ta) = primals, tangents
    with np.errstate(all="ignore"):
        d_h = -jnp.exp(-0.5 * h * h) * _special.erf(a * h * _SQRT_HALF) / (2.0 * math.sqrt(2.0 * np.pi))
        d_a = jnp.exp(-0.5 * (1.0 + a * a) * h * h) / (2.0 * np.pi * (1.0 + a * a))
    return _owens_t_fn(h, a), th * d_h + ta * d_a


def owens_t(h, a):
    """Owen's T function T(h, a) = (1 / 2 pi) int_0^a e^(-h^2 (1 + x^2) / 2) / (1 + x^2) dx (even in h, odd in
    a). Differentiable in both arguments."""
    h, a = _floats(h, a, fname="owens_t")
    return _owens_t_fn(h, a)


# -- bessel_jn ---------------------------------------------------------------------------------------------------
def _jn_orders(z, count, n_iter):
    """J_0 .. J_(count-1) at float64 z (a list), from the ratios r_k = J_k / J_(k-1) from order n_iter down."""
    with np.errstate(all="ignore"):
        r = jnp.zeros_like(z)
        ratios = [None] * (n_iter + 1)
        for k in range(n_iter, 0, -1):
            r = z / (2.0 * k - z * r)
            ratios[k] = r
        products, p, norm = [], jnp.ones_like(z), jnp.ones_like(z)
        for k in range(1, n_iter + 1):
            p = p * ratios[k]
            if k < count:
                products.append(p)
            if k % 2 == 0:
                norm = norm + 2.0 * p
        j0 = 1.0 / norm
        return [j0] + [j0 * q for q in products]


@functools.cache
def _bessel_jn_fn(v, n_iter):
    @custom_jvp
    def jn(z):
        return _in_float64(lambda x: jnp.stack(_jn_orders(x, v + 1, n_iter)), z)

    @jn.defjvp
    def jn_jvp(primals, tangents):
        (z,), (t,) = primals, tangents
        orders = _jn_orders(jnp.astype(z, np.float64), v + 2, n_iter)
        slopes = [-orders[1]] + [0.5 * (orders[k - 1] - orders[k + 1]) for k in range(1, v + 1)]
        return jn(z), t * jnp.astype(jnp.stack(slopes), jnp.result_type(z))
    return jn


def bessel_jn(z, *, v, n_iter=50):
    """The Bessel functions of the first kind J_0(z) .. J_v(z) of real z, shape (v + 1,) + z.shape (JAX's
    ``bessel_jn``): ``v`` a concrete int >= 0; ``n_iter`` the starting order of the backward recurrence, which
    must be well above |z| (JAX's rule of thumb: 50 serves |z| up to about 25)."""
    for name, value, low in (("v", v, 0), ("n_iter", n_iter, 1)):
        if hasattr(value, "_id") or isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"bessel_jn: {name} must be a concrete int, got {type(value).__name__} {value!r}")
        if value < low:
            raise ValueError(f"bessel_jn: {name} must be >= {low}, got {value}")
    z = _real_float(z, "bessel_jn")
    return _bessel_jn_fn(int(v), max(int(n_iter), int(v) + 1))(z)


# -- hyp1f1 ------------------------------------------------------------------------------------------------------
_HYP_MAX_TERMS = 20000
_EPS = float(np.finfo(np.float64).eps)


def _hyp1f1_sums(a, b, y):
    """For y >= 0: sum_k t_k, sum_k t_k H_a(k), -sum_k t_k H_b(k) and sum_k k t_k with t_0 = 1, t_(k+1) =
    t_k (a + k) y / ((b + k)(k + 1)) and H_c(k) = sum_(j < k) 1 / (c + j): 1F1 and its derivatives in a, b and
    (times y) in y, in one ``while_loop`` run until every element's terms are below eps of their sums."""
    def step(carry):
        k, on, term, s, ha, hb, sa, sb, sk = carry
        # NOTE: at a + k = 0 (a a negative integer) the series ends; the 1 / 0 is kept out of the sums
        ha = ha + jnp.where(a + k == 0, 0.0, 1.0 / jnp.where(a + k == 0, 1.0, a + k))
        hb = hb + 1.0 / (b + k)
        term = term * (a + k) / (b + k) * y / (k + 1.0)
        k = k + 1.0
        new = (term, s + term, ha, hb, sa + term * ha, sb - term * hb, sk + k * term)
        moving = ((jnp.abs(term) > _EPS * jnp.abs(new[1])) | (jnp.abs(term * ha) > _EPS * jnp.abs(new[4]))
                  | (jnp.abs(term * hb) > _EPS * jnp.abs(new[5])))
        old = (carry[2], s, carry[4], carry[5], sa, sb, sk)
        return (k, on & moving) + tuple(jnp.where(on, n_, o_) for n_, o_ in zip(new, old))

    zero = jnp.zeros_like(y)
    one = zero + 1.0
    out = lax.while_loop(lambda c: jnp.any(c[1]) & (c[0] < _HYP_MAX_TERMS), step,
                         (jnp.sum(zero), zero == 0.0, one, one, zero, zero, zero, zero, zero))
    return out[3], out[6], out[7], out[8]


def _hyp1f1_parts(a, b, x):
    """(1F1, d/da, d/db, d/dx) in float64; x < 0 through Kummer's transformation 1F1(a; b; x) = e^x
    1F1(b - a; b; -x), whose terms do not alternate (for b > a > 0), so no digits cancel."""
    (a, b, x), dt = _f64(a, b, x)
    with np.errstate(all="ignore"):
        pole = (b <= 0) & (b == jnp.floor(b))
        ok = jnp.isfinite(a) & jnp.isfinite(b) & jnp.isfinite(x) & ~pole
        neg = x < 0
        a_s = jnp.where(ok, jnp.where(neg, b - a, a), 0.0)
        b_s = jnp.where(ok, b, 1.0)
        y = jnp.where(ok, jnp.abs(x), 0.0)
        s, sa, sb, sk = _hyp1f1_sums(a_s, b_s, y)
        ex = jnp.exp(jnp.where(neg & ok, x, 0.0))
        fy = jnp.where(y > 0, sk / jnp.where(y > 0, y, 1.0), a_s / b_s)
        parts = [ex * s, jnp.where(neg, -ex * sa, sa), jnp.where(neg, ex * (sa + sb), sb),
                 jnp.where(neg, ex * (s - fy), fy)]
        # NOTE: scipy's edges: inf where b is 0 or a negative integer (JAX's 1 at a = b = 0 aside), NaN operands
        nan = jnp.isnan(a) | jnp.isnan(b) | jnp.isnan(x)
        edge = jnp.where(nan, np.nan, jnp.where(pole, np.inf, np.nan))
        return [jnp.astype(jnp.where(ok, p, edge), dt) for p in parts]


@custom_jvp
def _hyp1f1_fn(a, b, x):
    return _hyp1f1_parts(a, b, x)[0]


@_hyp1f1_fn.defjvp
def _hyp1f1_jvp(primals, tangents):
    value, d_a, d_b, d_x = _hyp1f1_parts(*primals)
    return value, tangents[0] * d_a + tangents[1] * d_b + tangents[2] * d_x


def hyp1f1(a, b, x):
    """Kummer's confluent hypergeometric function 1F1(a; b; x) = sum_k (a)_k x^k / ((b)_k k!) for real a, b, x
    (inf at b = 0, -1, -2, ...). Differentiable (first order) in all three arguments."""
    a, b, x = _floats(a, b, x, fname="hyp1f1")
    return _hyp1f1_fn(a, b, x)
