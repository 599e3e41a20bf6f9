"""jaxlike.scipy.special's incomplete gamma and beta functions and modified Bessel functions, and the
distribution functions built on them (stats gamma, chi2, beta, t cdf/sf/logcdf/logsf), against scipy over wide
ranges, against mpmath at points where scipy itself is off by 1e-12, and derivatives against finite
differences (the reference interpreter) and exact identities (P' = the gamma density, i0' = i1, ...).

What it catches: the complement 1 - P taken where Q is small (3 digits lost near x = 0 for tiny a), the
prefactor a log x - x - lgamma(a) cancelling its digits at large a, the series/fraction switch off by a
region, an a-derivative that does not converge or converges to the wrong limit, a branch not taken putting
NaN into a gradient (x = 0, outside a distribution's support, t = 0 in t.cdf), float32 promoted to float64,
the Bessel series/asymptotic switch off by a term, derivative rules of i1/i1e wrong at 0.

Reference tables (GAMMA, BETA, T below) were computed with mpmath 1.3.0 at 50 digits (gammainc/betainc with
regularized=True; each small tail taken from its own integral, never as 1 - the other; the derivatives in a
and b by mp.diff), rounded to float64 once; scipy is the reference for the broad sweeps.
"""

import numpy as np
import pytest
import scipy.special as S
import scipy.stats as SS

import jaxlike
import jaxlike.scipy.special as J
import jaxlike.scipy.stats as JS
from jaxlike.test_util import check_grads

from _scipy_checks import traced as _traced, close as _close

GAMMA = [  # (a, x, P, Q, dP/da)
    (0.001, 0.001, 0.9936876467088603, 0.00631235329113971, -6.2932038249004245),
    (0.001, 0.5, 0.9994399333435292, 0.0005600666564707498, -0.5603594001080031),
    (0.001, 10.0, 0.9999999958306922, 4.169307817190262e-09, -4.181661586291809e-06),
    (0.5, 1e-10, 1.1283791670579e-05, 0.9999887162083294, -0.00026023065019619644),
    (0.5, 0.3, 0.5614219739190002, 0.4385780260809999, -0.7705703513753519),
    (0.5, 30.0, 0.9999999999999906, 9.485737571073848e-15, -5.118991143389857e-14),
    (1.0, 1.0, 0.6321205588285577, 0.36787944117144233, -0.4317297106348987),
    (2.5, 1.0, 0.15085496391539036, 0.8491450360846097, -0.1800996069540415),
    (2.5, 4.0, 0.8437643724222776, 0.15623562757772233, -0.14765686908718714),
    (10.0, 3.0, 0.0011024881301154798, 0.9988975118698845, -0.0014156364605752093),
    (10.0, 10.0, 0.5420702855281478, 0.4579297144718522, -0.12721482320991925),
    (10.0, 25.0, 0.9997785233617512, 0.00022147663824878357, -0.00022661830393258108),
    (30.0, 25.0, 0.18210391597745512, 0.8178960840225449, -0.049954877425834855),
    (100.0, 90.0, 0.15822098918643016, 0.8417790108135699, -0.02461191684397991),
    (100.0, 110.0, 0.8417213299399129, 0.15827867006008708, -0.023808656854890385),
    (300.0, 350.0, 0.9971042274681777, 0.002895772531822272, -0.0004987459625364274),
    (1000.0, 900.0, 0.0005499022657117829, 0.9994500977342882, -6.245709035841566e-05),
    (1000.0, 1000.0, 0.5042052441802155, 0.4957947558197845, -0.012616713994069625),
    (1000.0, 1100.0, 0.99894067674607, 0.0010593232539299773, -0.00011048987784079389),
    (701.7, 138.9, 1.2133871846577087e-251, 1.0, -1.9666752606760506e-251),
    (345.5, 719.7, 1.0, 7.83001927024733e-55, -5.778046571719076e-55),
    (0.0014, 0.72, 0.999495563724443, 0.0005044362755569627, -0.3607050324859873),
    (50.0, 500.0, 1.0, 2.306076738035398e-148, -5.338175087346224e-148),
    (0.2, 1000.0, 1.0, 0.0, -0.0),
]
BETA = [  # (a, b, x, I, dI/da, dI/db)
    (0.5, 0.5, 0.3, 0.36901011956554536, -0.6428114811572838, 0.46874458391550544),
    (2.0, 3.0, 0.4, 0.5248, -0.24086937608755657, 0.15634433641359877),
    (2.8, 0.0123, 0.816, 0.007329067981006739, -0.003252371493367629, 0.5977090739037594),
    (0.0108, 215.0, 3.9e-05, 0.955411142417963, -4.043444125899644, 4.770682586210466e-05),
    (60.18, 0.01316, 0.999999, 0.11356321014315275, -0.00019542999682152233, 8.129126200199192),
    (80.0, 0.86, 0.315, 3.7854808763872195e-41, -4.3794741745592196e-41, 1.8353247231758954e-40),
    (10.0, 10.0, 0.5, 0.5, -0.09109295719523648, 0.09109295719523648),
    (100.0, 200.0, 0.33, 0.4566181633339974, -0.03255067462503459, 0.0161400846730874),
    (300.0, 300.0, 0.52, 0.8364026079847839, -0.009884749024717606, 0.010288203473920678),
    (1.0, 1.0, 0.7, 0.7, -0.2496724607571127, 0.3611918412977808),
    (0.3, 4.0, 0.9, 0.9999869225286149, -6.220462004774831e-05, 3.227341182130158e-05),
    (25.0, 2.0, 0.05, 7.3760747909546e-32, -2.1813623240727594e-31, 2.069100028978959e-31),
]
T = [  # (t, df, cdf)
    (-3.0, 100000.0, 0.0013502304420323595),
    (-0.5, 100000.0, 0.308538088827209),
    (-40.0, 3.0, 1.7190340394579263e-05),
    (-1e-12, 1.0, 0.4999999999996817),
    (2.0, 7.5, 0.9585515023509168),
    (-1.0, 0.3, 0.34161139088051673),
]


# -- incomplete gamma --------------------------------------------------------------------------------------------
def test_gammainc_against_mpmath():
    """1e-12 relative everywhere, also in the far tails (P = 1e-251, Q = 1e-148) and at a = 1000, x = 1000,
    where a log x - x - lgamma(a) cancels 4 digits of 7000."""
    a, x, p, q, dp = (np.array(c) for c in zip(*GAMMA))
    _close(J.gammainc(a, x), p, 1e-12, "gammainc eager")
    _close(_traced(J.gammaincc)(a, x), q, 1e-12, "gammaincc traced")
    grad_a = _traced(jaxlike.vmap(jaxlike.grad(lambda a, x: J.gammainc(a, x))))
    _close(grad_a(a, x), dp, 1e-11, "d gammainc / d a")


def test_gammainc_sweep_and_edges_against_scipy():
    a = np.concatenate([np.geomspace(1e-3, 1e3, 13), [0.0, -1.0, np.inf, np.nan]])
    x = np.concatenate([[0.0], np.geomspace(1e-4, 1e3, 15), [np.inf, -1.0, np.nan]])
    A, X = np.meshgrid(a, x)
    with np.errstate(all="ignore"):
        for name in ("gammainc", "gammaincc"):
            want = getattr(S, name)(A, X)
            got = getattr(J, name)(A, X)
            # NOTE: scipy's own far tails are off by up to 1.1e-12 (see the mpmath test)
            _close(got, want, 3e-12, name, atol=1e-300)
            assert got.dtype == np.float64 and got.shape == A.shape


def test_gammainc_float32_and_broadcasting():
    a = np.array([[0.5], [3.0], [40.0]], dtype=np.float32)
    x = np.array([0.1, 2.0, 35.0, 300.0], dtype=np.float32)
    got = _traced(J.gammainc)(a, x)
    assert got.dtype == np.float32 and got.shape == (3, 4)
    want = S.gammainc(a.astype(np.float64), x.astype(np.float64)).astype(np.float32)     # 1e-88 underflows to 0
    _close(got, want, 1e-6, "float32")
    assert J.gammaincc(np.float32(2.5), x).dtype == np.float32      # a Python-like scalar stays weak


def test_gammainc_gradients():
    """d/dx is the density exactly (JAX's at x = 0: 0 for a > 1, 1 at a = 1, inf below); d/da against finite
    differences in both modes; second derivatives in reverse mode (which must never reverse the loops), in x
    and in a (JAX has none in a)."""
    a, x = np.array([0.5, 2.5, 30.0]), np.array([0.3, 4.0, 25.0])
    dx = _traced(jaxlike.grad(lambda x: J.gammainc(a, x).sum()))(x)
    _close(dx, SS.gamma.pdf(x, a), 1e-13, "d gammainc / d x")
    check_grads(J.gammaincc, (a[:2], x[:2]), order=1)
    check_grads(lambda x: J.gammainc(2.5, x), (x,), order=2, modes=("rev",))
    # NOTE: d^2 P(a, 1) / d a^2 at a = 2.5 from mpmath (mp.diff, 40 digits): 0.17286396981617788
    second = _traced(jaxlike.grad(jaxlike.grad(lambda a: J.gammainc(a, 1.0))))(2.5)
    assert float(second) == pytest.approx(0.17286396981617788, rel=1e-9)
    at_zero = _traced(jaxlike.vmap(jaxlike.grad(J.gammainc, argnums=1)))(np.array([2.5, 1.0, 0.5]), np.zeros(3))
    np.testing.assert_array_equal(at_zero, [0.0, 1.0, np.inf])


# -- incomplete beta ---------------------------------------------------------------------------------------------
def test_betainc_against_mpmath():
    a, b, x, i, da, db = (np.array(c) for c in zip(*BETA))
    _close(_traced(J.betainc)(a, b, x), i, 5e-13, "betainc")
    grads = _traced(jaxlike.vmap(jaxlike.grad(J.betainc, argnums=(0, 1))))(a, b, x)
    _close(grads[0], da, 5e-11, "d betainc / d a")
    _close(grads[1], db, 5e-11, "d betainc / d b")


def test_betainc_sweep_and_edges_against_scipy():
    rng = np.random.default_rng(0)
    a, b = 10 ** rng.uniform(-2, 2.5, 200), 10 ** rng.uniform(-2, 2.5, 200)
    x = np.clip(a / (a + b) * 10 ** rng.uniform(-0.3, 0.3, 200), 0, 1)
    _close(J.betainc(a, b, x), S.betainc(a, b, x), 5e-12, "betainc sweep", atol=1e-300)
    v = np.array([-1.0, 0.0, 0.5, 2.0, np.inf, np.nan])
    A, B, X = np.meshgrid(v, v, np.array([-0.5, 0.0, 0.3, 1.0, 1.5, np.nan]))
    with np.errstate(all="ignore"):
        _close(J.betainc(A, B, X), S.betainc(A, B, X), 1e-14, "betainc edges")
    assert J.betainc(np.float32(2.0), 3.0, np.float32(0.4)).dtype == np.float32


def test_betainc_gradients():
    a, b, x = np.array([0.7, 3.0, 40.0]), np.array([2.0, 0.4, 25.0]), np.array([0.2, 0.95, 0.6])
    dx = _traced(jaxlike.grad(lambda x: J.betainc(a, b, x).sum()))(x)
    _close(dx, SS.beta.pdf(x, a, b), 1e-13, "d betainc / d x")
    check_grads(J.betainc, (a, b, x), order=1)
    check_grads(lambda x: J.betainc(2.0, 3.0, x), (x,), order=2, modes=("rev",))


# -- Bessel --------------------------------------------------------------------------------------------------
XB = np.concatenate([[0.0, -0.0, 1e-300, -1e-8, 19.99, 20.0, 20.01, 709.0, np.inf, -np.inf, np.nan],
                     np.linspace(-30, 30, 241), np.geomspace(1e-6, 700, 60)])


@pytest.mark.parametrize("name", ["i0e", "i1e", "i0", "i1"])
def test_bessel_against_scipy(name):
    want = getattr(S, name)(XB)
    _close(_traced(getattr(J, name))(XB), want, 3e-15, name)
    x32 = XB[np.abs(XB) < 80].astype(np.float32)
    got = getattr(J, name)(x32)
    assert got.dtype == np.float32
    _close(got, getattr(S, name)(x32.astype(np.float64)), 1e-6, name + " float32")


def test_bessel_overflow_where_the_function_does():
    """I0(712) = 3.4e307 is finite: e^712 alone overflows (scipy's i0 is inf from 709.8)."""
    assert np.isfinite(J.i0(712.0)) and np.isinf(J.i0(714.0)) and J.i1(-714.0) == -np.inf
    assert float(J.i0(712.0)) == pytest.approx(float(S.i0e(712.0)) * np.exp(356.0) * np.exp(356.0), rel=1e-14)


def test_bessel_derivatives():
    x = np.array([-25.0, -0.4, 5.0])
    for name, order in (("i0e", 1), ("i1e", 2), ("i0", 2), ("i1", 1)):
        check_grads(getattr(J, name), (x,), order=order)
    xs = np.array([0.0, 2.0, -7.0])
    _close(_traced(jaxlike.vmap(jaxlike.grad(J.i0)))(xs), S.i1(xs), 1e-15, "i0' = i1")
    _close(_traced(jaxlike.vmap(jaxlike.grad(J.i1)))(xs[1:]), S.i0(xs[1:]) - S.i1(xs[1:]) / xs[1:], 1e-14, "i1'")
    assert float(jaxlike.grad(J.i1)(0.0)) == 0.5 and float(jaxlike.grad(J.i1e)(0.0)) == 0.5
    assert float(jaxlike.grad(J.i0e)(0.0)) == 0.0


# -- distributions -----------------------------------------------------------------------------------------------
XG = np.array([-1.0, 0.0, 1e-3, 0.5, 2.0, 7.0, 40.0, np.inf, np.nan])
XBETA = np.array([-0.5, 0.0, 1e-5, 0.2, 0.5, 0.9, 1 - 1e-9, 1.0, 1.5, np.nan])


@pytest.mark.parametrize("fn", ["cdf", "logcdf", "sf", "logsf"])
def test_gamma_chi2_beta_against_scipy(fn):
    """Also logcdf where cdf rounds to 1 (it is -sf there, not 0) and logsf likewise."""
    with np.errstate(all="ignore"):
        _close(_traced(getattr(JS.gamma, fn))(XG, 2.5, 0.1, 1.5), getattr(SS.gamma, fn)(XG, 2.5, 0.1, 1.5), 1e-13,
               "gamma " + fn)
        _close(getattr(JS.gamma, fn)(XG, 0.3), getattr(SS.gamma, fn)(XG, 0.3), 1e-13, "gamma a < 1 " + fn)
        _close(getattr(JS.chi2, fn)(XG, 3.0), getattr(SS.chi2, fn)(XG, 3.0), 1e-13, "chi2 " + fn)
        _close(getattr(JS.beta, fn)(XBETA, 2.5, 0.7), getattr(SS.beta, fn)(XBETA, 2.5, 0.7), 1e-13, "beta " + fn)
        xs = XBETA * 4 - 1
        _close(getattr(JS.beta, fn)(xs, 30.0, 50.0, -1, 4), getattr(SS.beta, fn)(xs, 30.0, 50.0, -1, 4), 1e-12,
               "beta loc/scale " + fn)
        assert np.all(np.isnan(getattr(JS.gamma, fn)(XG, 2.0, 0.0, -1.0)))       # scale <= 0
        assert np.all(np.isnan(getattr(JS.beta, fn)(XBETA, 0.0, 1.0)))             # a <= 0


def test_t_cdf_and_sf():
    xt = np.array([-1e300, -50.0, -3.0, -0.5, 0.0, 0.5, 3.0, 50.0, np.inf, np.nan])
    with np.errstate(all="ignore"):
        for df in [0.5, 1.0, 3.0, 30.0, np.inf]:
            _close(_traced(JS.t.cdf)(xt, df), SS.t.cdf(xt, df), 1e-13, f"t.cdf df={df}")
            # NOTE: df = inf is the normal tail, whose erfc is 1.2e-13 off at z = 25
            _close(JS.t.sf(xt, df, 0.5, 2.0), SS.t.sf(xt, df, 0.5, 2.0), 3e-13, f"t.sf df={df}")
    t, df, want = (np.array(c) for c in zip(*T))
    # NOTE: at df = 1e5, t = -3 the fraction is evaluated at x = 1 - 9e-5, where its value is the reciprocal
    # of a sum that cancels to 1e-4: 2e-12 (scipy's Boost has a series for that corner)
    _close(JS.t.cdf(t, df), want, 3e-12, "t.cdf against mpmath (large df, t near 0)")


def test_distribution_gradients():
    """d cdf / d x is the pdf, also at t = 0 and with a < 1; no NaN in a gradient outside the support."""
    x = np.array([-2.0, -1e-20, 0.0, 0.3, 4.0])
    dt = _traced(jaxlike.vmap(jaxlike.grad(JS.t.cdf), in_axes=(0, None)))(x, 3.0)
    _close(dt, SS.t.pdf(x, 3.0), 1e-13, "t.cdf'")
    xg = np.array([-1.0, 0.0, 0.4, 3.0])
    dg = _traced(jaxlike.vmap(jaxlike.grad(JS.gamma.cdf), in_axes=(0, None)))(xg, 0.5)
    _close(dg[2:], SS.gamma.pdf(xg[2:], 0.5), 1e-13, "gamma.cdf'")
    assert np.all(dg[:2] == 0)
    xb = np.array([-1.0, 0.0, 0.4, 1.0, 2.0])
    db = _traced(jaxlike.vmap(jaxlike.grad(JS.beta.sf), in_axes=(0, None, None)))(xb, 0.5, 0.7)
    assert np.all(np.isfinite(db)) and db[2] == pytest.approx(-SS.beta.pdf(0.4, 0.5, 0.7), rel=1e-13)
    check_grads(lambda df: JS.t.cdf(np.array([-3.0, 0.7]), df), (np.array(4.5),), order=1, modes=("rev",))
    check_grads(lambda a, s: JS.gamma.logsf(3.0, a, 0.0, s), (np.array(1.7), np.array(1.2)), order=1, modes=("rev",))


def test_numba_backend():
    """The default backend: the value (one while loop) and the gradient in x (no loop: the density)."""
    a, x = np.array([0.5, 2.5, 30.0, 1e-3]), np.array([0.3, 4.0, 25.0, 0.5])
    _close(jaxlike.compile(J.gammainc)(a, x), S.gammainc(a, x), 1e-13, "numba gammainc")
    _close(jaxlike.compile(jaxlike.grad(lambda x: J.gammainc(2.5, x).sum()))(x), SS.gamma.pdf(x, 2.5), 1e-13,
           "numba d gammainc / d x")
