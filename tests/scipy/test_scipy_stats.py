"""jaxlike.scipy.stats (and the special functions it leans on) against scipy: values in the body, the tails
and outside the support, traced and on plain arrays; derivatives against finite differences inside the
support, with no NaN in the gradient at points outside it; one numba-compiled function.

What it catches: a tail computed as log of an underflowed CDF (-inf where scipy is finite), a branch outside
the support leaking NaN into the gradient, loc/scale applied in the wrong order, cov's diagonal and scalar
forms mishandled, a log_ndtr branch boundary off by a region.
"""

import numpy as np
import pytest
import scipy.special as ss
import scipy.stats as S

import jaxlike
import jaxlike.numpy as jnp
import jaxlike.scipy.special as js
import jaxlike.scipy.stats as J
from jaxlike.test_util import check_grads

X = np.array([-40.0, -12.0, -3.0, -0.5, 0.0, 0.3, 1.0, 2.5, 9.0, 40.0])
Q = np.array([0.0, 1e-12, 0.01, 0.3, 0.5, 0.9, 1 - 1e-9, 1.0])
K = np.array([-1.0, 0.0, 1.0, 2.0, 3.0, 1.5])
INSIDE = np.array([-2.0, -0.4, 0.3, 1.1, 2.2])       # away from kinks and support edges, for finite differences
POSITIVE = np.array([0.2, 0.7, 1.3, 2.9])

CONTINUOUS = {   # distribution: (functions, loc, scale, x points for the gradient check)
    "norm": (["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"], 0.4, 1.7, INSIDE),
    "expon": (["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"], -0.1, 2.0, POSITIVE),
    "laplace": (["logpdf", "pdf", "cdf"], 0.5, 0.8, INSIDE),
    "logistic": (["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"], -0.3, 1.4, INSIDE),
    "uniform": (["logpdf", "pdf", "cdf"], -0.5, 3.0, np.array([-0.2, 0.4, 1.9])),
    "cauchy": (["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"], 0.2, 0.6, INSIDE),
}
QUANTILES = {"norm": ["ppf", "isf"], "expon": ["ppf", "isf"], "logistic": ["ppf", "isf"], "uniform": ["ppf"],
             "cauchy": ["ppf", "isf"]}

ROWS = [(d, f) for d, (fs, *_rest) in CONTINUOUS.items() for f in fs]
QROWS = [(d, f) for d, fs in QUANTILES.items() for f in fs]


def _check(got, want, what, rtol=1e-12):
    np.testing.assert_allclose(np.asarray(got), want, rtol=rtol, atol=1e-300, err_msg=what)


@pytest.mark.parametrize("dist, fn", ROWS, ids=[f"{d}.{f}" for d, f in ROWS])
def test_continuous(dist, fn):
    _, loc, scale, inside = CONTINUOUS[dist]
    ours, theirs = getattr(getattr(J, dist), fn), getattr(getattr(S, dist), fn)
    with np.errstate(all="ignore"):
        want = theirs(X, loc, scale)
    _check(ours(X, loc, scale), want, f"{dist}.{fn} plain", rtol=1e-11)
    _check(jaxlike.compile(ours, mode="FAST_COMPILE")(X, loc, scale), want, f"{dist}.{fn} traced", rtol=1e-11)
    check_grads(lambda x, l, s: ours(x, l, s), (inside, loc, scale), order=1)
    g = jaxlike.grad(lambda x: jnp.sum(jnp.where(jnp.isfinite(ours(x, loc, scale)), ours(x, loc, scale), 0.0)))(X)
    assert np.all(np.isfinite(g)), f"{dist}.{fn}: NaN/inf in the gradient at {X[~np.isfinite(g)]}"


@pytest.mark.parametrize("dist, fn", QROWS, ids=[f"{d}.{f}" for d, f in QROWS])
def test_quantiles(dist, fn):
    _, loc, scale, _ = CONTINUOUS[dist]
    ours, theirs = getattr(getattr(J, dist), fn), getattr(getattr(S, dist), fn)
    with np.errstate(all="ignore"):
        want = theirs(Q, loc, scale)
    _check(jaxlike.compile(ours, mode="FAST_COMPILE")(Q, loc, scale), want, f"{dist}.{fn}", rtol=1e-9)
    check_grads(lambda q, l, s: ours(q, l, s), (np.array([0.1, 0.45, 0.8]), loc, scale), order=1)


def test_a_non_positive_scale_is_nan():
    assert np.isnan(J.norm.logpdf(0.3, 0.0, -1.0)) and np.isnan(J.expon.cdf(0.3, 0.0, 0.0))


@pytest.mark.parametrize("dist, p", [("bernoulli", 0.3), ("geom", 0.25)])
def test_discrete(dist, p):
    mod, ref = getattr(J, dist), getattr(S, dist)
    for fn in ["logpmf", "pmf", "cdf"]:
        with np.errstate(all="ignore"):
            want = getattr(ref, fn)(K, p)
        _check(jaxlike.compile(getattr(mod, fn), mode="FAST_COMPILE")(K, p), want, f"{dist}.{fn}")
    check_grads(lambda q: mod.logpmf(np.array([1.0, 2.0, 3.0]) if dist == "geom" else np.array([0.0, 1.0]), q),
                (p,), order=2)
    if dist == "bernoulli":
        _check(mod.ppf(Q, p), S.bernoulli.ppf(Q, p), "bernoulli.ppf")


@pytest.mark.parametrize("cov", ["matrix", "diagonal", "scalar"])
def test_multivariate_normal(cov):
    r = np.random.default_rng(3)
    x, mean = r.normal(size=(2, 5, 3)), r.normal(size=3)
    a = r.normal(size=(3, 3))
    c = {"matrix": a @ a.T + 3 * np.eye(3), "diagonal": np.array([0.5, 1.5, 2.0]), "scalar": 1.7}[cov]
    want = S.multivariate_normal.logpdf(x, mean, c)
    _check(jaxlike.compile(J.multivariate_normal.logpdf, mode="FAST_COMPILE")(x, mean, c), want, cov, rtol=1e-10)
    _check(J.multivariate_normal.pdf(x[0, 0], mean, c), S.multivariate_normal.pdf(x[0, 0], mean, c), cov, rtol=1e-10)
    check_grads(J.multivariate_normal.logpdf, (x[0, :2], mean, c), order=2, modes=("rev",))


def test_multivariate_normal_rejects_a_cov_of_the_wrong_size():
    with pytest.raises(ValueError, match=r"cov must be .* \(3, 3\) matrix"):
        J.multivariate_normal.logpdf(np.zeros(3), np.zeros(3), np.eye(2))


SPECIAL = {   # name: (scipy function, arguments)
    "log_ndtr": (ss.log_ndtr, (np.array([-1e3, -40, -20.5, -19.5, -10, -3, -1e-3, 0, 1e-3, 2, 5.9, 6.1, 10.0]),)),
    "rel_entr": (ss.rel_entr, (np.array([0, 0, 1, 2, -1, 3.0]), np.array([0, 2, 3, 0.5, 1, 0.0]))),
    "kl_div": (ss.kl_div, (np.array([0, 0, 1, 2, -1, 3.0]), np.array([0, 2, 3, 0.5, 1, 0.0]))),
    "huber": (ss.huber, (np.array([1, 1, 2, -1, 0.0]), np.array([0.5, -3, 1, 1, 2.0]))),
    "pseudo_huber": (ss.pseudo_huber, (np.array([1, 1, 2, -1, 0.0]), np.array([0.5, -3, 1, 1, 2.0]))),
}


@pytest.mark.parametrize("name", list(SPECIAL))
def test_special(name):
    ref, args = SPECIAL[name]
    got = jaxlike.compile(getattr(js, name), mode="FAST_COMPILE")(*args)
    _check(got, ref(*args), name, rtol=1e-14)


def test_log_ndtr_float32_and_gradient():
    x = np.array([-50, -11, -10.5, -9.5, -3, 0, 1, 7], np.float32)
    got = js.log_ndtr(jaxlike.compile(lambda v: v, mode="FAST_COMPILE")(x))
    np.testing.assert_allclose(got, ss.log_ndtr(x.astype(np.float64)), rtol=2e-6)
    check_grads(js.log_ndtr, (np.array([-30.0, -20.5, -19.5, -3, -0.1, 0.1, 2, 10]),), order=2)


def test_compiled_loss():
    """One numba-compiled function: a Gaussian negative log-likelihood and a Laplace prior, with its gradient."""
    def loss(mu, x):
        return -jnp.sum(J.norm.logpdf(x, mu, 2.0)) - J.laplace.logpdf(mu, 0.0, 1.0)
    vg = jaxlike.compile(jaxlike.value_and_grad(loss))
    x = np.linspace(-1, 3, 7)
    v, g = vg(0.7, x)
    assert np.isclose(v, -np.sum(S.norm.logpdf(x, 0.7, 2.0)) - S.laplace.logpdf(0.7, 0.0, 1.0), rtol=1e-12)
    assert np.isclose(g, -np.sum((x - 0.7) / 4.0) + 1.0, rtol=1e-12)


def _same(got, want, rtol, what):
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    same = (np.isnan(got) & np.isnan(want)) | (got == want)
    np.testing.assert_allclose(np.where(same, 0, got), np.where(same, 0, want), rtol=rtol, atol=0, err_msg=what)


def test_nan_arguments_give_nan_not_an_off_support_value():
    """Catches: a support test alone deciding the answer (NaN >= 0 is False), so a NaN argument got -inf
    (log densities), 0 (densities, CDFs) or 0/1 (bernoulli's cdf/ppf) where scipy answers NaN."""
    nan = np.array([np.nan, 0.5, 2.0])
    fn = jaxlike.compile(lambda v: (J.expon.logpdf(v), J.expon.logcdf(v), J.uniform.logpdf(v), J.gamma.logpdf(v, 2.0),
                                    J.beta.logpdf(v, 2.0, 3.0), J.pareto.logpdf(v, 2.0), J.truncnorm.logpdf(v, -1.0, 2.0),
                                    J.wrapcauchy.logpdf(v, 0.5), J.poisson.logpmf(v, 2.0), J.binom.logpmf(v, 5.0, 0.3),
                                    J.nbinom.logpmf(v, 5.0, 0.3), J.betabinom.logpmf(v, 5.0, 2.0, 3.0),
                                    J.bernoulli.logpmf(v, 0.3), J.bernoulli.cdf(v, 0.3), J.bernoulli.ppf(v, 0.3),
                                    J.geom.logpmf(v, 0.3), J.geom.cdf(v, 0.3)), mode="FAST_COMPILE")
    want = (S.expon.logpdf(nan), S.expon.logcdf(nan), S.uniform.logpdf(nan), S.gamma.logpdf(nan, 2.0),
            S.beta.logpdf(nan, 2.0, 3.0), S.pareto.logpdf(nan, 2.0), S.truncnorm.logpdf(nan, -1.0, 2.0),
            S.wrapcauchy.logpdf(nan, 0.5), S.poisson.logpmf(nan, 2.0), S.binom.logpmf(nan, 5, 0.3),
            S.nbinom.logpmf(nan, 5, 0.3), S.betabinom.logpmf(nan, 5, 2.0, 3.0), S.bernoulli.logpmf(nan, 0.3),
            S.bernoulli.cdf(nan, 0.3), S.bernoulli.ppf(nan, 0.3), S.geom.logpmf(nan, 0.3), S.geom.cdf(nan, 0.3))
    for i, (got, ref) in enumerate(zip(fn(nan), want)):
        _same(got, ref, 1e-12, f"function {i}")
    _same(J.poisson.logpmf(np.array([-1.0, 1.5]), np.nan), [np.nan, np.nan], 0, "poisson with NaN mu")


def test_edges_tails_and_parameters_scipy_handles():
    """Catches: logistic.logpdf(-inf) as inf - inf = NaN, t with df = inf (the normal) as NaN, Cauchy's
    log-density overflowing z * z and its far-tail CDF cancelling to 0 (-inf logs where scipy is finite),
    truncnorm's CDF NaN far in a tail (-inf - -inf), a binomial n that is not an integer accepted, bernoulli's
    ppf(1) below the top of the support, and gennorm/wrapcauchy turning float32 into float64."""
    x = np.array([-np.inf, -1e300, -30.0, -2.0, 0.0, 1.5, 1e300, np.inf])
    for dist, args in [("logistic", ()), ("cauchy", ()), ("t", (np.inf,)), ("t", (3.0,))]:
        for fn in ["logpdf", "logcdf", "logsf"]:
            if hasattr(getattr(J, dist), fn):
                _same(getattr(getattr(J, dist), fn)(x, *args), getattr(getattr(S, dist), fn)(x, *args), 1e-12,
                      f"{dist}.{fn}")
    _same(J.truncnorm.cdf(x, -np.inf, np.inf), S.truncnorm.cdf(x, -np.inf, np.inf), 1e-12, "truncnorm.cdf")
    _same(J.truncnorm.sf(x, 0.0, np.inf), S.truncnorm.sf(x, 0.0, np.inf), 1e-12, "truncnorm.sf")
    _same(J.binom.logpmf(np.array([0.0, 1.0]), 5.5, 0.3), [np.nan, np.nan], 0, "binom with n = 5.5")
    _same(J.bernoulli.ppf(np.array([1.0, 0.0, 0.5]), 0.0), S.bernoulli.ppf([1.0, 0.0, 0.5], 0.0), 0, "bernoulli.ppf")
    f32 = np.float32([0.5, 1.0])
    assert J.gennorm.logpdf(f32, np.float32(2.0)).dtype == np.float32
    assert J.wrapcauchy.logpdf(f32, np.float32(0.5)).dtype == np.float32
    check_grads(lambda v: J.logistic.logpdf(v) + J.cauchy.logcdf(v) + J.t.logpdf(v, np.inf), (INSIDE,), order=2)


def test_multivariate_normal_dimension_comes_from_mean_and_cov():
    """Catches: the dimension read off x, so x = [0.1, 0.2, 0.3] with a scalar mean and cov was one density of
    a 3-vector instead of three univariate ones (scipy's and JAX's reading), and an x whose last axis does not
    match the mean passing silently."""
    x = np.array([0.1, 0.2, 0.3])
    for mean, cov in [(0.0, 1.0), (0.5, 2.0), (np.zeros(3), 1.0), (np.zeros(3), np.diag([1.0, 2.0, 3.0]))]:
        _same(J.multivariate_normal.logpdf(x, mean, cov), S.multivariate_normal.logpdf(x, mean, cov), 1e-13, "mvn")
    _same(J.multivariate_normal.logpdf(x[:, None], 0.0, 1.0), S.multivariate_normal.logpdf(x[:, None], 0.0, 1.0),
          1e-13, "mvn (3, 1)")
    with pytest.raises(ValueError, match="3 dimensions"):
        J.multivariate_normal.logpdf(np.ones(4), np.zeros(3))
