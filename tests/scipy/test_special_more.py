"""jaxlike.scipy.special's exponential integrals (exp1, expi, expn), spence, dawsn, erfcx, the Box-Cox transforms,
loggamma, bernoulli, sici, fresnel, owens_t, bessel_jn and hyp1f1: values against scipy over wide sweeps and
against mpmath where scipy itself is off by 1e-14 .. 4e-13; edge values; float32 kept; traced and vmapped forms;
derivatives against finite differences (check_grads) and exact identities.

What it catches: a rational approximation's interval or coefficient wrong, a series/fraction switch that leaves
a region unconverged, erfcx as a naive e^(x^2) erfc(x) (x^2's rounding error times x^2), an untaken branch putting
NaN or inf into a value or a gradient (x = 0, x < 0, x = inf), a derivative rule that cancels at large x, boxcox's
l-derivative cancelling near l = 0, owens_t's large-h values lost to an unscaled quadrature, the backward Bessel
recurrence overflowing at small z, float32 promoted to float64.

Reference table MP below: mpmath 1.4.1 at 50 digits (ei, expint, exp(x^2) erfc, sqrt(pi)/2 exp(-x^2) erfi,
polylog(2, 1 - x), fresnels/fresnelc, si/ci, hyp1f1, quad of Owen's integrand, besselj), rounded once to
float64. Exact Bernoulli numbers from their definition (any table, e.g. Abramowitz and Stegun 23.2).
"""

import numpy as np
import pytest
import scipy.special as S

import jaxlike
import jaxlike.scipy.special as J
from jaxlike.test_util import check_grads

from _scipy_checks import traced as _traced, close as _close

MP = [  # (function, arguments, value)
    ("expi", (40.25,), 7705685769793696.0),
    ("expi", (715.0,), 4.643625670370571e+307),          # scipy's is inf: e^715 overflows, Ei does not
    ("expi", (-3.0,), -0.013048381094197037),
    ("expn", (51, 442.25), 1.738957636201369e-195),      # scipy: 6e-14 off
    ("expn", (2, 1.875), 0.04421032651613235),
    ("expn", (5, 0.001), 0.24966691650035058),
    ("exp1", (2.0,), 0.04890051070806112),
    ("erfcx", (-19.625,), 3.676869278484465e+167),       # scipy: 2e-14 off (x^2 rounded)
    ("erfcx", (-25.375,), 8.693114149612753e+279),
    ("erfcx", (24.875,), 0.022662704925749063),
    ("erfcx", (300.0,), 0.0018806214973780646),
    ("dawsn", (0.0108,), 0.010799160231180776),          # scipy: 8e-15 off
    ("dawsn", (3.25,), 0.162570914560687),
    ("dawsn", (6.25,), 0.08106609406101173),
    ("spence", (0.5,), 0.5822405264650125),
    ("spence", (1.0009765625,), -0.0009763241848443766),
    ("spence", (30.0,), -7.280084707384271),
    ("hyp1f1", (0.5, 1.5, -30.0), 0.16180215937964007),
    ("hyp1f1", (2.5, 7.0, 45.0), 587903495836613.9),
    ("hyp1f1", (0.25, 19.0, -2.5), 0.9694651009161653),
    ("owens_t", (10.0, 2.0), 3.809926512080263e-24),
    ("owens_t", (3.0, 3.0), 0.0006749490158150473),
    ("owens_t", (7.0, 0.5), 6.396704462156891e-13),
    ("owens_t", (0.5, 0.25), 0.03432021712709421),
]
FRESNEL = [(4286.5, 0.5000686060867727, 0.49997158242978984),    # scipy: 4e-13 off
           (1.5, 0.6975049600820931, 0.4452611760398215), (0.001, 5.235987755982066e-10, 0.0009999999999997533)]
SICI = [(7.5, 1.5106815309433859, 0.11563320323793427), (1e5, 1.570806320399394, 3.5758791572935135e-07)]

X = np.concatenate([np.geomspace(1e-6, 700, 160), [1.0, 2.0, 2.0000001, 4.0, 8.0, 64.0, 64.5]])


@pytest.mark.parametrize("name, args, want", MP, ids=[f"{m[0]}{m[1]}" for m in MP])
def test_against_mpmath(name, args, want):
    assert float(getattr(J, name)(*args)) == pytest.approx(want, rel=2e-14 if name in ("expn", "owens_t") else 3e-15,
                                                                abs=1e-300)


def test_fresnel_and_sici_against_mpmath():
    for x, s, c in FRESNEL:
        got = J.fresnel(x)
        assert float(got[0]) == pytest.approx(s, rel=1e-15) and float(got[1]) == pytest.approx(c, rel=1e-15)
    for x, si, ci in SICI:
        got = J.sici(-x)
        assert float(got[0]) == pytest.approx(-si, rel=1e-15) and float(got[1]) == pytest.approx(ci, rel=1e-12)


# -- sweeps against scipy ------------------------------------------------------------------------------------------
def test_exponential_integrals_against_scipy():
    """Traced (the reference interpreter) and eager; Ei's zero at 0.3725 is absolutely, not relatively, accurate."""
    _close(_traced(J.exp1)(X), S.exp1(X), 1e-14, "exp1")
    _close(J.expi(X), S.expi(X), 3e-14, "expi", atol=1e-16)
    _close(J.expi(-X), S.expi(-X), 1e-14, "expi x < 0")
    n = np.array([0, 1, 2, 3, 7, 20, 50, 51, 200, 6000])[:, None]
    _close(_traced(J.expn)(n, X[X < 300]), S.expn(n, X[X < 300]), 3e-14, "expn")


# NOTE: the tolerances are scipy's own errors (see the mpmath table): dawsn's near 0.01, erfcx's e^(x^2) below -15
@pytest.mark.parametrize("name, xs, rtol", [("spence", X, 2e-15), ("dawsn", np.concatenate([X, -X]), 3e-14),
                                            ("erfcx", np.concatenate([X, -X[X < 26.5]]), 1e-13)])
def test_one_argument_functions_against_scipy(name, xs, rtol):
    _close(getattr(J, name)(xs), getattr(S, name)(xs), rtol, name)


def test_sici_fresnel_owens_t_bessel_jn_against_scipy():
    xs = np.concatenate([np.geomspace(1e-6, 1e4, 120), [4.0, 8.0, 2e9]])
    xs = np.concatenate([xs, -xs])
    for k in range(2):
        _close(J.sici(xs)[k], S.sici(xs)[k], 1e-14, "sici", atol=1e-16)
        # NOTE: scipy's own fresnel is 4e-13 off at x = 4e3 (see the mpmath table)
        _close(_traced(J.fresnel)(xs)[k], S.fresnel(xs)[k], 1e-12, "fresnel")
    h = np.array([0.0, 1e-3, 0.3, 1.0, 2.5, 7.0, 20.0, 40.0, np.inf])
    a = np.array([-3.0, -0.5, 0.0, 0.01, 0.4, 1.0, 1.7, 10.0, 1e3, np.inf])[:, None]
    _close(J.owens_t(h, a), S.owens_t(h, a), 1e-13, "owens_t")
    _close(J.owens_t(-h, a), S.owens_t(-h, a), 1e-13, "owens_t h < 0")
    z = np.concatenate([np.linspace(-20, 20, 81), [1e-3, 1e-8, 0.0]])
    jn = _traced(lambda z: J.bessel_jn(z, v=6))(z)
    assert jn.shape == (7,) + z.shape
    for k in range(7):
        _close(jn[k], S.jv(k, z), 1e-13, f"J_{k}", atol=1e-15)


def test_hyp1f1_against_scipy():
    """x >= 0 and x < 0 with a <= b to 1e-13; for x < 0 and a > b Kummer's transformation alternates for a - b
    terms, which loses digits (3e-9 at a = 19, b = 3.7, x = -23): checked to 1e-7 there."""
    rng = np.random.default_rng(0)
    a, b, x = rng.uniform(0.1, 20, 300), rng.uniform(0.1, 20, 300), rng.uniform(-50, 50, 300)
    got, want = J.hyp1f1(a, b, x), S.hyp1f1(a, b, x)
    good = (x >= 0) | (a <= b)
    _close(got[good], want[good], 1e-13, "hyp1f1")
    _close(got[~good], want[~good], 1e-7, "hyp1f1, x < 0, a > b")
    edges = (np.array([0.0, 2.0, 1.0, -1.0, 0.5, -2.0, np.nan]), np.array([1.0, 2.0, 0.0, 1.0, -1.0, 3.0, 1.0]),
             np.array([1.0, 3.0, 1.0, 2.0, 1.0, 5.0, 1.0]))
    _close(J.hyp1f1(*edges), S.hyp1f1(*edges), 1e-15, "hyp1f1 edges")


def test_edges():
    """Edge values as scipy's, except spence(inf) = -inf and fresnel(1e300) = 1/2 (the limits; scipy's are NaN)
    and expi past 709.8 (finite up to 716.4, where scipy's is inf)."""
    e = np.array([0.0, -0.0, -1.0, np.inf, -np.inf, np.nan, 1e300, -1e300])
    with np.errstate(all="ignore"):
        for name in ("exp1", "expi", "dawsn", "erfcx", "loggamma"):
            _close(getattr(J, name)(e), getattr(S, name)(e), 2e-15, name)
        for k in range(2):
            _close(J.sici(e)[k], S.sici(e)[k], 0, "sici")
            # NOTE: scipy's fresnel is NaN at +-1e300 (its x^2 overflows); the limits +-1/2 hold to the last bit
            _close(J.fresnel(e[:6])[k], S.fresnel(e[:6])[k], 0, "fresnel")
            np.testing.assert_array_equal(J.fresnel(e[6:])[k], [0.5, -0.5])
        _close(J.spence(e[e != np.inf]), S.spence(e[e != np.inf]), 0, "spence")
        assert J.spence(np.inf) == -np.inf
        n, x = np.array([0, 1, 2, 3, -1, 2, 4, 1]), np.array([0.0, 0.0, 0.0, 0.0, 1.0, -1.0, np.inf, np.nan])
        _close(J.expn(n, x), S.expn(n, x), 0, "expn")


# -- boxcox, loggamma, bernoulli ----------------------------------------------------------------------------
def test_boxcox_against_scipy():
    lam = np.array([-3.0, -1.0, -1e-9, 0.0, 1e-12, 0.3, 2.0])[:, None]
    x = np.concatenate([[0.0, np.inf, -1.0, np.nan], np.geomspace(1e-5, 1e5, 30)])
    with np.errstate(all="ignore"):
        _close(_traced(J.boxcox)(x, lam), S.boxcox(x, lam), 1e-15, "boxcox")
        _close(J.boxcox1p(x - 1, lam), S.boxcox1p(x - 1, lam), 1e-15, "boxcox1p")
        _close(J.boxcox1p(1e-10, 0.5), S.boxcox1p(1e-10, 0.5), 1e-15, "boxcox1p small x")


def test_boxcox_derivatives():
    """d/dl at l = 0 is log(x)^2 / 2, also near 0, where (x^l log x - (x^l - 1) / l) / l cancels."""
    x = np.array([0.5, 3.0, 40.0])
    for lmbda in (0.0, 1e-9, 0.7):
        d = _traced(jaxlike.vmap(jaxlike.grad(J.boxcox, argnums=1), in_axes=(0, None)))(x, lmbda)
        u = lmbda * np.log(x)
        want = np.log(x) ** 2 / 2 if lmbda < 1e-6 else (u * np.exp(u) - np.expm1(u)) / lmbda ** 2
        _close(d, want, 1e-8 if lmbda else 1e-15, f"d boxcox / d lmbda at {lmbda}")
    dx = jaxlike.vmap(jaxlike.grad(J.boxcox))(x, np.full(3, 0.7))
    _close(dx, x ** -0.3, 1e-15, "d boxcox / d x")
    check_grads(J.boxcox1p, (x, np.array([0.0, -0.4, 1.3])), order=2)


def test_loggamma_and_bernoulli():
    x = np.array([1e-300, 0.5, 1.0, 2.0, 3.7, 1e5, -0.5, -2.0])
    _close(_traced(J.loggamma)(x), S.loggamma(x), 1e-14, "loggamma")
    assert J.loggamma(np.float32(2.5)).dtype == np.float32
    b = J.bernoulli(20)
    exact = [1, -1 / 2, 1 / 6, 0, -1 / 30, 0, 1 / 42, 0, -1 / 30, 0, 5 / 66, 0, -691 / 2730, 0, 7 / 6, 0,
             -3617 / 510, 0, 43867 / 798, 0, -174611 / 330]
    np.testing.assert_array_equal(b, np.array(exact))
    big = J.bernoulli(300)
    assert big.shape == (301,) and big[258] == pytest.approx(S.bernoulli(258)[258], rel=1e-11)
    assert big[300] == -np.inf and big[299] == 0       # B_300 = -2.2e+375 overflows
    with pytest.raises(TypeError, match="concrete non-negative int"):
        J.bernoulli(2.0)
    with pytest.raises(ValueError, match="n must be >= 0, got -1"):
        J.bernoulli(-1)


# -- dtypes, vmap, derivatives --------------------------------------------------------------------------------
ONE_ARG = ["exp1", "expi", "spence", "dawsn", "erfcx", "loggamma"]


def test_float32_kept_and_vmap():
    x32 = np.array([0.2, 1.5, 6.0, 30.0], dtype=np.float32)
    for name in ONE_ARG:
        got = getattr(J, name)(x32)
        assert got.dtype == np.float32, name
        _close(got, getattr(S, name)(x32.astype(np.float64)), 1e-6, name + " float32")
    for fn in (J.sici, J.fresnel):
        assert all(v.dtype == np.float32 for v in fn(x32))
    assert J.bessel_jn(x32, v=2).dtype == np.float32 and J.expn(2, x32).dtype == np.float32
    assert J.owens_t(x32, 0.5).dtype == np.float32 and J.boxcox(x32, 0.5).dtype == np.float32
    assert J.hyp1f1(np.float32(0.5), 1.5, x32).dtype == np.float32
    xs = np.array([0.4, 2.5, 9.0])
    _close(_traced(jaxlike.vmap(J.owens_t, in_axes=(0, None)))(xs, 0.6), S.owens_t(xs, 0.6), 1e-14, "vmap owens_t")
    _close(_traced(jaxlike.vmap(lambda x: J.bessel_jn(x, v=2)))(xs), S.jv(np.arange(3)[:, None], xs).T, 1e-14,
           "vmap bessel_jn")
    _close(_traced(jaxlike.vmap(J.hyp1f1))(xs, xs + 1, -xs), S.hyp1f1(xs, xs + 1, -xs), 1e-13, "vmap hyp1f1")


def test_exact_derivatives():
    """The rules against the closed forms (to rounding), also where the naive forms cancel (erfcx' and dawsn'
    at large x, spence' near 1)."""
    x = np.array([0.3, 1.0 + 1e-9, 3.0, 30.0, 1e4])
    grad = lambda f: _traced(jaxlike.vmap(jaxlike.grad(f)))(x)      # noqa: E731
    _close(grad(J.exp1), -np.exp(-x) / x, 1e-15, "exp1'")
    _close(grad(J.expi), np.exp(x) / x, 1e-15, "expi'")
    _close(grad(lambda x: J.expn(3, x)), -S.expn(2, x), 3e-14, "expn'")
    _close(grad(J.spence), np.log(x) / (1 - x), 1e-7, "spence'")       # 1 - x rounds at 1 + 1e-9
    assert float(jaxlike.grad(J.spence)(1.0)) == -1.0
    # NOTE: at x = 1e4, 2x erfcx(x) - 2/sqrt(pi) = -5.6e-9 cancels 8 digits; references from mpmath (60 digits)
    _close(grad(J.erfcx)[3:], [-0.0006258354105074841, -5.641895750849127e-09], 1e-13, "erfcx' large x")
    _close(grad(J.erfcx)[:3], 2 * x[:3] * S.erfcx(x[:3]) - 2 / np.sqrt(np.pi), 1e-14, "erfcx'")
    _close(grad(J.dawsn)[:3], 1 - 2 * x[:3] * S.dawsn(x[:3]), 1e-13, "dawsn'")
    _close(grad(J.dawsn)[4:], [-5.000000075000002e-09], 1e-9, "dawsn' at 1e4")
    si, ci = (_traced(jaxlike.vmap(jaxlike.grad(lambda x, k=k: J.sici(x)[k])))(x) for k in range(2))
    _close(si, np.sin(x) / x, 1e-15, "Si'")
    _close(ci, np.cos(x) / x, 1e-15, "Ci'")
    s_, c_ = (_traced(jaxlike.vmap(jaxlike.grad(lambda x, k=k: J.fresnel(x)[k])))(x[:3]) for k in range(2))
    _close(s_, np.sin(np.pi * x[:3] ** 2 / 2), 1e-14, "S'")
    _close(c_, np.cos(np.pi * x[:3] ** 2 / 2), 1e-14, "C'", atol=1e-15)       # cos(9 pi / 2) = 0


@pytest.mark.parametrize("name", ONE_ARG)
def test_check_grads_one_argument(name):
    check_grads(getattr(J, name), (np.array([0.3, 1.7, 3.9, 12.0]),), order=2, modes=("rev",))


def test_check_grads_more_arguments():
    x = np.array([0.3, 1.7, 3.9, 12.0])
    check_grads(lambda x: J.expn(3, x), (x,), order=1)
    check_grads(J.owens_t, (x, np.array([0.2, -0.7, 1.5, 3.0])), order=1)
    check_grads(lambda z: J.bessel_jn(z, v=3), (x,), order=1)
    check_grads(J.sici, (x,), order=1, modes=("rev",))
    # NOTE: x = 2: the reduction of x^2 / 2 modulo 2 has no derivative there (the second derivative was 0)
    check_grads(J.fresnel, (np.array([0.5, 2.0]),), order=2, modes=("rev",))
    check_grads(J.hyp1f1, (np.array([0.5, 2.0, 3.0]), np.array([1.5, 0.7, 4.0]), np.array([2.0, -3.0, 10.0])),
                order=1)
    assert float(jaxlike.grad(lambda z: J.bessel_jn(z, v=1)[1])(0.0)) == 0.5


def test_errors():
    with pytest.raises(TypeError, match="exp1 is defined here for real arguments, got complex128"):
        J.exp1(np.array([1j]))
    with pytest.raises(TypeError, match="bessel_jn: v must be a concrete int, got float 2.0"):
        J.bessel_jn(1.0, v=2.0)
    with pytest.raises(ValueError, match="bessel_jn: v must be >= 0, got -1"):
        J.bessel_jn(1.0, v=-1)


def test_numba_backend():
    """The default backend: erfcx (the exact split of x^2 must survive compilation) and hyp1f1 (a while loop)
    with its gradient in x."""
    x = np.array([-5.0, 0.3, 6.0, 24.9, 26.0, 1e3])
    _close(jaxlike.compile(J.erfcx)(x), S.erfcx(x), 3e-15, "numba erfcx")
    f = jaxlike.compile(jaxlike.grad(lambda x: J.hyp1f1(0.5, 1.5, x).sum()))
    xs = np.array([-3.0, 0.4, 7.0])
    _close(f(xs), 0.5 / 1.5 * S.hyp1f1(1.5, 2.5, xs), 1e-13, "numba d hyp1f1 / d x")
