"""The exponential integrals and their relatives for ``jaxlike.scipy.special``: exp1 (E1), expn (E_n), expi (Ei),
spence (the real dilogarithm), dawsn (Dawson's integral) and erfcx (the scaled complementary error function),
real arguments, computed in float64 and returned in the argument's float dtype (float32 stays float32).

Method, all loop-free (a fixed number of fused elementwise operations, no while loop):

- E_n(x), n >= 0 an integer: the power series E_n = (-x)^(n-1) / (n-1)! (psi(n) - log x) - sum_(k != n-1)
  (-x)^k / ((k - n + 1) k!) (27 terms) for x <= 1.5 and n <= 50; otherwise the continued fraction
  e^-x / (x + n - 1 n / (x + n + 2 - 2 (n + 1) / (x + n + 4 - ...))) evaluated backwards from a depth of 64
  (about 1e-15 of its limit from x = 1.5 on, and for any x once n > 30); exp1 is E_1. The series' terms cancel
  up to about 1e-14 just below 1.5 (n = 2, 3); a lower switch would need a deeper fraction.
- Ei(x): Cephes's ei.c rational approximations for x > 0 (seven intervals up to 64 and beyond), -E1(-x) for
  x < 0; e^x taken as two halves, so Ei overflows where it does (x = 716.4), not where e^x does.
- spence: Cephes's spence.c (a rational function of w after mapping x onto [1/2, 3/2], with its log terms).
- dawsn: Cody, Paciorek and Thacher's rational approximations (Cephes's dawsn.c), three intervals.
- erfcx: e^(x^2) erfc(x) with x = h + l split so that h^2 is exact (e^(x^2) = e^(h^2) e^(l (2h + l)): a
  rounded x^2 would carry an error of x^2 eps into the result), erfc from the C library (relatively accurate
  to about 1 ulp); for x > 25 the asymptotic series (sqrt(pi) x)^-1 sum_k (-1)^k (2k-1)!! / (2x^2)^k, nine terms
  (the first omitted one is 2e-21 there).

Measured against scipy (float64, sweeps over 1e-6 .. 700 and the negative axis, see
tests/scipy/test_special_more.py): exp1, expn, expi, dawsn and erfcx to about 1e-14 relative away from Ei's zero
at x = 0.3725 (there, as for any value near a simple zero, the error is absolute, about 1e-16); spence to about
1e-15; where scipy itself is off (Ei at 40, E_51 at 442, erfcx below -15, dawsn near 0, by 1e-14 .. 6e-14),
against mpmath. Edge values as scipy's (exp1(0) = inf, exp1(x < 0) = NaN, expi(0) = -inf, expn(n >= 2, 0) = 1/(n-1),
erfcx(-inf) = inf, ...) except spence(inf), which is -inf (the limit) where scipy gives NaN.

Derivatives through ``custom_jvp``, exactly: exp1' = -e^-x / x, expn' = -E_(n-1) (n = 0: -e^-x (x + 1) / x^2),
expi' = e^x / x, spence'(x) = log(x) / (1 - x) (-1 at 1), dawsn' = 1 - 2x dawsn(x) and erfcx' = 2x erfcx(x) -
2/sqrt(pi), the last two from their asymptotic forms beyond the switch, where the difference would cancel;
the rules are built of the plain composites, so higher orders differentiate those.
A front-end module: imports jaxlike.numpy, ops.special and jaxlike.custom_derivatives."""

import math

import numpy as np

from .. import numpy as jnp
from ..custom_derivatives import custom_jvp
from ..ops import special as _special
from ._gamma import _real_float, _floats, digamma, gammaln, _in_float64, _polevl

_EULER = 0.5772156649015329
_SERIES_TERMS = 27
_CF_DEPTH = 64
_SERIES_LIMIT = 1.5


# -- E_n and E1 -------------------------------------------------------------------------------------------------
# E1(x) + gamma + log x = x sum_j (-1)^j x^j / ((j + 1) (j + 1)!)
_E1_SERIES = tuple((-1.0) ** j / ((j + 1) * math.factorial(j + 1)) for j in range(_SERIES_TERMS))


def _fraction(n, x):
    """e^-x / (x + n - 1 n / (x + n + 2 - ...)), from depth 48 back; x > 0."""
    t = x + n + 2.0 * _CF_DEPTH
    for k in range(_CF_DEPTH, 0, -1):
        t = x + n + 2.0 * (k - 1) - k * (n + k - 1.0) / t
    return jnp.exp(-x) / t


def _e1(x):
    """E1 for float64 x; NaN below 0, inf at 0, 0 at inf."""
    with np.errstate(all="ignore"):
        ok = (x > 0) & (x < np.inf)
        near = ok & (x <= _SERIES_LIMIT)
        xs = jnp.where(near, x, 1.0)
        series = -_EULER - jnp.log(xs) + xs * _polevl(_E1_SERIES[::-1], xs)
        xf = jnp.where(ok & ~near, x, 4.0)
        value = jnp.where(near, series, _fraction(1.0, xf))
        edge = jnp.where(x == 0, np.inf, jnp.where(x == np.inf, 0.0, np.nan))
        return jnp.where(ok, value, edge)


def _en(n, x):
    """E_n for float64 n, x (n truncated to an integer, as scipy does)."""
    with np.errstate(all="ignore"):
        n = jnp.where(n >= 0, jnp.floor(n), n)
        ok = (x > 0) & (x < np.inf) & (n >= 1) & (n < np.inf)
        near = ok & (x <= _SERIES_LIMIT) & (n <= 50)
        xs, ns = jnp.where(near, x, 1.0), jnp.where(near, n, 1.0)
        # NOTE: the k = n - 1 term is the log term; the others as a running (-x)^k / k!
        power, total = jnp.ones_like(xs), jnp.zeros_like(xs)
        for k in range(_SERIES_TERMS):
            if k:
                power = power * (-xs) / k
            d = k - ns + 1.0
            total = total + jnp.where(d == 0, 0.0, power / jnp.where(d == 0, 1.0, d))
        lead_log = jnp.where(ns == 1, 0.0, (ns - 1.0) * jnp.log(xs)) - gammaln(ns)
        lead_sign = jnp.where(jnp.fmod(ns - 1.0, 2.0) == 1, -1.0, 1.0)
        series = lead_sign * jnp.exp(lead_log) * (digamma(ns) - jnp.log(xs)) - total
        far = ok & ~near
        value = jnp.where(near, series, _fraction(jnp.where(far, n, 1.0), jnp.where(far, x, 4.0)))
        # NOTE: E_0 = e^-x / x; at x = 0, E_n = 1 / (n - 1) for n >= 2 and inf below; NaN for n < 0, x < 0
        x0 = jnp.where(x > 0, x, 1.0)
        value = jnp.where((n == 0) & (x > 0), jnp.exp(-x0) / x0, value)
        at_zero = jnp.where(n >= 2, 1.0 / jnp.where(n >= 2, n - 1.0, 1.0), np.inf)
        edge = jnp.where(x == 0, at_zero, jnp.where(x == np.inf, 0.0, np.nan))
        edge = jnp.where((n < 0) | (x < 0) | jnp.isnan(n) | jnp.isnan(x), np.nan, edge)
        return jnp.where(ok | ((n == 0) & (x > 0) & (x < np.inf)), value, edge)


def _en_slope(n, x):
    """d E_n / dx = -E_(n-1); for n = 0, -e^-x (x + 1) / x^2."""
    with np.errstate(all="ignore"):
        down = _en(jnp.where(n >= 1, n - 1.0, 0.0), x)
        x0 = jnp.where(x > 0, x, 1.0)
        zeroth = -jnp.exp(-x0) * (x0 + 1.0) / (x0 * x0)
        return jnp.where(n >= 1, -down, jnp.where(x > 0, zeroth, np.nan))


@custom_jvp
def _exp1(x):
    return _in_float64(_e1, x)


@_exp1.defjvp
def _exp1_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    with np.errstate(all="ignore"):
        safe = jnp.where(x > 0, x, 1.0)
        slope = jnp.where(x > 0, -jnp.exp(-safe) / safe, jnp.where(x == 0, -np.inf, np.nan))
    return _in_float64(_e1, x), t * jnp.astype(slope, jnp.result_type(x))


@custom_jvp
def _expn(n, x):
    return _in_float64(_en, n, x)


@_expn.defjvp
def _expn_jvp(primals, tangents):
    (n, x), (_, t) = primals, tangents
    return _in_float64(_en, n, x), t * _in_float64(_en_slope, n, x)


def exp1(x):
    """The exponential integral E1(x) = int_x^inf e^-t / t dt for x >= 0 (inf at 0, NaN below)."""
    return _exp1(_real_float(x, "exp1"))


def expn(n, x):
    """The generalized exponential integral E_n(x) = int_1^inf e^(-x t) / t^n dt (scipy's and JAX's ``expn``):
    n a non-negative integer (a float n is truncated, as scipy's), x >= 0. Differentiable in x."""
    n, x = _floats(n, x, fname="expn")
    return _expn(n, x)


# -- Ei -----------------------------------------------------------------------------------------------------------
# Cephes ei.c: on (0, 2], Ei = gamma + log x + x A(x) / B(x); beyond, Ei = e^x / x (1 + w A(w) / B(w)), w = 1 / x,
# one pair of polynomials per interval (2, 4], (4, 8], (8, 16], (16, 32], (32, 64], (64, inf)
_EI_SMALL = ((-5.350447357812542947283e0, 2.185049168816613393830e2, -4.176572384826693777058e3,
              5.541176756393557601232e4, -3.313381331178144034309e5, 1.592627163384945414220e6),
             (1.0, -5.250547959112862969197e1, 1.259616186786790571525e3, -1.756549581973534652631e4,
              1.493062117002725991967e5, -7.294949239640527645655e5, 1.592627163384945429726e6))
_EI_FAR = (
    ((1.981808503259689673238e-2, -1.271645625984917501326e0, -2.088160335681228318920e0, 2.755544509187936721172e0,
      -4.409507048701600257171e-1, 4.665623805935891391017e-2, -1.545042679673485262580e-3, 7.059980605299617478514e-5),
     (1.0, 1.476498670914921440652e0, 5.629177174822436244827e-1, 1.699017897879307263248e-1,
      2.291647179034212017463e-2, 4.450150439728752875043e-3, 1.727439612206521482874e-4, 3.953167195549672482304e-5)),
    ((-1.373215375871208729803e0, -7.084559133740838761406e-1, 1.580806855547941010501e0, -2.601500427425622944234e-1,
      2.994674694113713763365e-2, -1.038086040188744005513e-3, 4.371064420753005429514e-5, 2.141783679522602903795e-6),
     (1.0, 8.585231423622028380768e-1, 4.483285822873995129957e-1, 7.687932158124475434091e-2,
      2.449868241021887685904e-2, 8.832165941927796567926e-4, 4.590952299511353531215e-4, -4.729848351866523044863e-6,
      2.665195537390710170105e-6)),
    ((-2.106934601691916512584e0, 1.732733869664688041885e0, -2.423619178935841904839e-1, 2.322724180937565842585e-2,
      2.372880440493179832059e-4, -8.343219561192552752335e-5, 1.363408795605250394881e-5, -3.655412321999253963714e-7,
      1.464941733975961318456e-8, 6.176407863710360207074e-10),
     (1.0, -2.298062239901678075778e-1, 1.105077041474037862347e-1, -1.566542966630792353556e-2,
      2.761106850817352773874e-3, -2.089148012284048449115e-4, 1.708528938807675304186e-5, -4.459311796356686423199e-7,
      1.394634930353847498145e-8, 6.150865933977338354138e-10)),
    ((-2.458119367674020323359e-1, -1.483382253322077687183e-1, 7.248291795735551591813e-2, -1.348315687380940523823e-2,
      1.342775069788636972294e-3, -7.942465637159712264564e-5, 2.644179518984235952241e-6, -4.239473659313765177195e-8),
     (1.0, -1.044225908443871106315e-1, -2.676453128101402655055e-1, 9.695000254621984627876e-2,
      -1.601745692712991078208e-2, 1.496414899205908021882e-3, -8.462452563778485013756e-5, 2.728938403476726394024e-6,
      -4.239462431819542051337e-8)),
    ((1.212561118105456670844e-1, -5.823133179043894485122e-1, 2.348887314557016779211e-1, -3.040034318113248237280e-2,
      1.510082146865190661777e-3, -2.523137095499571377122e-5),
     (1.0, -1.002252150365854016662e0, 2.928709694872224144953e-1, -3.337004338674007801307e-2,
      1.560544881127388842819e-3, -2.523137093603234562648e-5)),
    ((-7.657847078286127362028e-1, 6.886192415566705051750e-1, -2.132598113545206124553e-1, 3.346107552384193813594e-2,
      -3.076541477344756050249e-3, 1.747119316454907477380e-4, -6.103711682274170530369e-6, 1.218032765428652199087e-7,
      -1.086076102793290233007e-9),
     (1.0, -1.888802868662308731041e0, 1.066691687211408896850e0, -2.751915982306380647738e-1,
      3.930852688233823569726e-2, -3.414684558602365085394e-3, 1.866844370703555398195e-4, -6.345146083130515357861e-6,
      1.239754287483206878024e-7, -1.086076102793126632978e-9)),
)


def _ei(x):
    """Ei for float64 x."""
    with np.errstate(all="ignore"):
        pos = (x > 0) & (x < np.inf)
        small = pos & (x <= 2.0)
        xs = jnp.where(small, x, 1.0)
        value = _EULER + jnp.log(xs) + xs * _polevl(_EI_SMALL[0], xs) / _polevl(_EI_SMALL[1], xs)
        xf = jnp.where(pos & ~small, x, 4.0)
        w = 1.0 / xf
        ratio = jnp.zeros_like(w)
        for k, (a, b) in enumerate(_EI_FAR):
            lo, hi = 2.0 ** (k + 1), 2.0 ** (k + 2) if k < len(_EI_FAR) - 1 else np.inf
            inside = (xf > lo) & (xf <= hi)
            ratio = jnp.where(inside, _polevl(a, w) / _polevl(b, w), ratio)
        half = jnp.exp(0.5 * xf)
        value = jnp.where(small, value, half * (w * (1.0 + w * ratio)) * half)
        negative = -_e1(jnp.where(x < 0, -x, 1.0))
        edge = jnp.where(x == 0, -np.inf, jnp.where(x == np.inf, np.inf, np.nan))
        return jnp.where(pos, value, jnp.where(x < 0, negative, edge))


@custom_jvp
def _expi(x):
    return _in_float64(_ei, x)


@_expi.defjvp
def _expi_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    with np.errstate(all="ignore"):
        slope = jnp.exp(x) / x
    return _in_float64(_ei, x), t * slope


def expi(x):
    """The exponential integral Ei(x) = PV int_-inf^x e^t / t dt (-E1(-x) for x < 0; -inf at 0)."""
    return _expi(_real_float(x, "expi"))


# -- spence ----------------------------------------------------------------------------------------------------
_SPENCE_A = (4.65128586073990045278e-5, 7.31589045238094711071e-3, 1.33847639578309018650e-1,
             8.79691311754530315341e-1, 2.71149851196553469920e0, 4.25697156008121755724e0,
             3.29771340985225106936e0, 1.00000000000000000126e0)
_SPENCE_B = (6.90990488912553276999e-4, 2.54043763932544379113e-2, 2.82974860602568089943e-1,
             1.41172597751831069617e0, 3.63800533345137075418e0, 5.03278880143316990390e0,
             3.54771340985225096217e0, 9.99999999999999998740e-1)
_PI2_6 = math.pi ** 2 / 6


def _spence(x):
    """Cephes's spence for float64 x: x > 2 maps to 1/x, x > 3/2 to w = 1/x - 1, x < 1/2 to w = -x (with the
    reflection terms), else w = x - 1."""
    with np.errstate(all="ignore"):
        ok = (x > 0) & (x < np.inf)
        xs = jnp.where(ok, x, 1.0)
        inverted = xs > 2.0
        y = jnp.where(inverted, 1.0 / xs, xs)
        upper = y > 1.5
        lower = y < 0.5
        w = jnp.where(upper, 1.0 / y - 1.0, jnp.where(lower, -y, y - 1.0))
        core = -w * _polevl(_SPENCE_A, w) / _polevl(_SPENCE_B, w)
        # NOTE: log(1 - y) only where y < 1/2 (else 1 - y may be 0 or negative)
        yl = jnp.where(lower, y, 0.25)
        core = jnp.where(lower, _PI2_6 - jnp.log(yl) * jnp.log1p(-yl) - core, core)
        z = jnp.log(y)
        value = jnp.where(inverted | upper, -0.5 * z * z - core, core)
        edge = jnp.where(x == 0, _PI2_6, jnp.where(x == np.inf, -np.inf, np.nan))
        return jnp.where(ok, value, edge)


def _spence_slope(x):
    with np.errstate(all="ignore"):
        one = x == 1
        safe = jnp.where(one | (x <= 0), 2.0, x)
        # NOTE: log(x) / (1 - x) -> -1 at x = 1; log1p keeps its digits near there
        d = safe - 1.0
        near = jnp.abs(d) < 0.5
        ratio = jnp.where(near, -jnp.log1p(jnp.where(near, d, 0.0)) / d, jnp.log(safe) / (1.0 - safe))
        return jnp.where(one, -1.0, jnp.where(x == 0, np.inf, jnp.where(x > 0, ratio, np.nan)))


@custom_jvp
def _spence_fn(x):
    return _in_float64(_spence, x)


@_spence_fn.defjvp
def _spence_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return _in_float64(_spence, x), t * _in_float64(_spence_slope, x)


def spence(x):
    """Spence's function int_1^x log(t) / (1 - t) dt for real x >= 0 (scipy's convention: the dilogarithm
    Li2(1 - x)); NaN for x < 0."""
    return _spence_fn(_real_float(x, "spence"))


# -- dawsn ---------------------------------------------------------------------------------------------------
# Cody, Paciorek and Thacher (1970), Cephes dawsn.c: [0, 3.25): x AN(x^2) / AD(x^2); [3.25, 6.25) and beyond:
# (1 + t N(t) / D(t)) / (2x), t = 1 / x^2
_DAWSN_AN = (1.13681498971755972054e-11, 8.49262267667473811108e-10, 1.94434204175553054283e-8,
             9.53151741254484363489e-7, 3.07828309874913200438e-6, 3.52513368520288738649e-4,
             -8.50149846724410912031e-4, 4.22618223005546594270e-2, -9.17480371773452345351e-2,
             9.99999999999999994612e-1)
_DAWSN_AD = (2.40372073066762605484e-11, 1.48864681368493396752e-9, 5.21265281010541664570e-8,
             1.27258478273186970203e-6, 2.32490249820789513991e-5, 3.25524741826057911661e-4,
             3.48805814657162590916e-3, 2.79448531198828973716e-2, 1.58874241960120565368e-1,
             5.74918629489320327824e-1, 1.00000000000000000539e0)
_DAWSN_BN = (5.08955156417900903354e-1, -2.44754418142697847934e-1, 9.41512335303534411857e-2,
             -2.18711255142039025206e-2, 3.66207612329569181322e-3, -4.23209114460388756528e-4,
             3.59641304793896631888e-5, -2.14640351719968974225e-6, 9.10010780076391431042e-8,
             -2.40274520828250956942e-9, 3.59233385440928410398e-11)
_DAWSN_BD = (1.0, -6.31839869873368190192e-1, 2.36706788228248691528e-1, -5.31806367003223277662e-2,
             8.48041718586295374409e-3, -9.47996768486665330168e-4, 7.81025592944552338085e-5,
             -4.55875153252442634831e-6, 1.89100358111421846170e-7, -4.91324691331920606875e-9,
             7.18466403235734541950e-11)
_DAWSN_CN = (-5.90592860534773254987e-1, 6.29235242724368800674e-1, -1.72858975380388136411e-1,
             1.64837047825189632310e-2, -4.86827613020462700845e-4)
_DAWSN_CD = (1.0, -2.69820057197544900361e0, 1.73270799045947845857e0, -3.93708582281939493482e-1,
             3.44278924041233391079e-2, -9.73655226040941223894e-4)


def _dawsn_parts(x):
    """(dawsn(x), t R(t) where |x| >= 3.25 so that dawsn = (1 + t R) / (2x), with a flag for that region)."""
    with np.errstate(all="ignore"):
        ax = jnp.abs(x)
        near = ax < 3.25
        xs = jnp.where(near, ax, 1.0)
        x2 = xs * xs
        value = xs * _polevl(_DAWSN_AN, x2) / _polevl(_DAWSN_AD, x2)
        xf = jnp.where(near | jnp.isnan(x), 4.0, ax)
        t = 1.0 / (xf * xf)
        mid = xf < 6.25
        tail = t * jnp.where(mid, _polevl(_DAWSN_BN, t) / _polevl(_DAWSN_BD, t),
                             _polevl(_DAWSN_CN, t) / _polevl(_DAWSN_CD, t))
        value = jnp.where(near, value, 0.5 * (1.0 + tail) / xf)
        value = jnp.where(x < 0, -value, value)
        return jnp.where(jnp.isnan(x), np.nan, value), tail, near


def _dawsn(x):
    return _dawsn_parts(x)[0]


def _dawsn_slope(x):
    """1 - 2x dawsn(x); beyond 3.25 it is -t R(t) exactly, where the difference would cancel."""
    value, tail, near = _dawsn_parts(x)
    return jnp.where(near, 1.0 - 2.0 * x * value, -tail)


@custom_jvp
def _dawsn_fn(x):
    return _in_float64(_dawsn, x)


@_dawsn_fn.defjvp
def _dawsn_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return _in_float64(_dawsn, x), t * _in_float64(_dawsn_slope, x)


def dawsn(x):
    """Dawson's integral e^(-x^2) int_0^x e^(t^2) dt (odd; about 1 / (2x) for large |x|)."""
    return _dawsn_fn(_real_float(x, "dawsn"))


# -- erfcx ---------------------------------------------------------------------------------------------------
_ERFCX_SPLIT = 25.0
# (-1)^k (2k - 1)!! / 2^k, k = 0..8
_ERFCX_ASYMPTOTIC = tuple((-1) ** k * math.prod(range(1, 2 * k, 2)) / 2.0 ** k for k in range(9))
_SQRT_PI = math.sqrt(math.pi)


def _erfcx_parts(x):
    """(erfcx(x), t P1(t) with erfcx = (1 + t P1(t)) / (sqrt(pi) x) beyond the split, the flag for that)."""
    with np.errstate(all="ignore"):
        far = x > _ERFCX_SPLIT
        # NOTE: below -26.7 e^(x^2) overflows (erfcx(x) ~ 2 e^(x^2)); the clamp keeps inf out of x - h
        xs = jnp.where(far | jnp.isnan(x), 0.0, jnp.maximum(x, -27.0))
        h = jnp.rint(xs * 1048576.0) / 1048576.0      # 2^20: h has at most 25 significant bits, h^2 is exact
        lo = xs - h
        near = jnp.exp(h * h) * jnp.exp(lo * (2.0 * h + lo)) * _special.erfc(xs)
        xf = jnp.where(far, x, 2.0 * _ERFCX_SPLIT)
        t = 1.0 / (xf * xf)
        tail = t * _polevl(_ERFCX_ASYMPTOTIC[:0:-1], t)
        value = jnp.where(far, (1.0 + tail) / (_SQRT_PI * xf), near)
        value = jnp.where(x < -27.0, np.inf, value)
        return jnp.where(jnp.isnan(x), np.nan, value), tail, far


def _erfcx(x):
    return _erfcx_parts(x)[0]


def _erfcx_slope(x):
    """2x erfcx(x) - 2 / sqrt(pi); beyond the split 2 t P1(t) / sqrt(pi) exactly (the difference cancels)."""
    value, tail, far = _erfcx_parts(x)
    with np.errstate(all="ignore"):
        return jnp.where(far, (2.0 / _SQRT_PI) * tail, 2.0 * x * value - 2.0 / _SQRT_PI)


@custom_jvp
def _erfcx_fn(x):
    return _in_float64(_erfcx, x)


@_erfcx_fn.defjvp
def _erfcx_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return _in_float64(_erfcx, x), t * _in_float64(_erfcx_slope, x)


def erfcx(x):
    """The scaled complementary error function e^(x^2) erfc(x), accurate for large x (about 1 / (sqrt(pi) x)),
    inf below x = -26.7."""
    return _erfcx_fn(_real_float(x, "erfcx"))
