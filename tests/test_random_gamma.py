"""jaxlike.random's rejection-sampled distributions (gamma_family.py, counts.py): every distribution against scipy's
CDF (Kolmogorov-Smirnov for continuous ones, chi-square over the support for counts) and its mean and
variance, shapes and dtypes, compiled (numba) draws equal to eager ones, errors, and the implicit
reparameterization derivative of gamma draws against finite differences of the inverse CDF.

What it catches: a wrong squeeze or acceptance test (the distribution drifts, most visibly in the tails the
KS test sees), a lost a < 1 boost or one applied outside log space (tiny a underflows to 0 or NaN), a Knuth
count off by one, a PTRS/BTRS constant or branch threshold wrong (rates and counts on both sides of 10), a
p >= 1/2 flip forgotten, a multinomial whose counts do not sum to n, a compiled loop that draws other keys
than the eager one, a derivative with the wrong sign or a missing digamma term.
"""

import numpy as np
import pytest
from scipy import special as sp
from scipy import stats

import jaxlike
import jaxlike.numpy as jnp
import jaxlike.random as R
from jaxlike.random.gamma_family import sample_grad

N = 20000
KEY = R.PRNGKey(11)
P_MIN = 1e-3


def _loggamma_cdf(a):
    """P(log X <= y), X ~ Gamma(a): gammainc(a, e^y), and x^a / Gamma(a + 1) where e^y underflows."""
    def cdf(y):
        y = np.asarray(y, float)
        with np.errstate(under="ignore", over="ignore"):
            tiny = np.exp(np.minimum(a * y - sp.gammaln(a + 1), 0.0))
            return np.where(y < -700, tiny, sp.gammainc(a, np.exp(np.maximum(y, -700))))
    return cdf


def _ball_coordinate_cdf(x):
    """The first coordinate of a uniform point in the 3-d unit ball: density (3/4)(1 - x^2)."""
    return 0.75 * (x - x ** 3 / 3) + 0.5


CONTINUOUS = [   # name, parameters, keywords, scipy CDF, mean, variance
    ("gamma", (0.2,), {}, stats.gamma(0.2).cdf, 0.2, 0.2),
    ("gamma", (1.0,), {}, stats.gamma(1.0).cdf, 1.0, 1.0),
    ("gamma", (3.7,), {}, stats.gamma(3.7).cdf, 3.7, 3.7),
    ("gamma", (150.0,), {}, stats.gamma(150.0).cdf, 150.0, 150.0),
    ("loggamma", (1e-3,), {}, _loggamma_cdf(1e-3), sp.digamma(1e-3), sp.polygamma(1, 1e-3)),
    ("loggamma", (0.5,), {}, _loggamma_cdf(0.5), sp.digamma(0.5), sp.polygamma(1, 0.5)),
    ("loggamma", (5.0,), {}, _loggamma_cdf(5.0), sp.digamma(5.0), sp.polygamma(1, 5.0)),
    ("beta", (0.5, 0.5), {}, stats.beta(0.5, 0.5).cdf, 0.5, 0.125),
    ("beta", (2.0, 5.0), {}, stats.beta(2, 5).cdf, 2 / 7, 10 / (49 * 8)),
    ("beta", (0.05, 0.3), {}, stats.beta(0.05, 0.3).cdf, 0.05 / 0.35, 0.3 * 0.05 / (0.35 ** 2 * 1.35)),
    ("chisquare", (0.5,), {}, stats.chi2(0.5).cdf, 0.5, 1.0),
    ("chisquare", (3.0,), {}, stats.chi2(3).cdf, 3.0, 6.0),
    ("chisquare", (40.0,), {}, stats.chi2(40).cdf, 40.0, 80.0),
    ("f", (3.0, 12.0), {}, stats.f(3, 12).cdf, 1.2, 2 * 144 * 13 / (3 * 100 * 8)),
    ("f", (0.8, 9.0), {}, stats.f(0.8, 9).cdf, 9 / 7, None),
    ("t", (0.7,), {}, stats.t(0.7).cdf, None, None),
    ("t", (3.0,), {}, stats.t(3).cdf, 0.0, None),
    ("t", (30.0,), {}, stats.t(30).cdf, 0.0, 30 / 28),
    ("generalized_normal", (0.5,), {}, stats.gennorm(0.5).cdf, 0.0, stats.gennorm(0.5).var()),
    ("generalized_normal", (1.0,), {}, stats.gennorm(1.0).cdf, 0.0, 2.0),
    ("generalized_normal", (2.0,), {}, stats.gennorm(2.0).cdf, 0.0, 0.5),
    ("generalized_normal", (4.0,), {}, stats.gennorm(4.0).cdf, 0.0, stats.gennorm(4.0).var()),
]


@pytest.mark.parametrize("name, params, kw, cdf, mean, var", CONTINUOUS,
                         ids=[f"{c[0]}{c[1]}" for c in CONTINUOUS])
def test_continuous_draws_follow_scipys_distribution(name, params, kw, cdf, mean, var):
    """Catches: a draw from another distribution (KS on 20000 draws with a fixed key), a wrong scale, or a
    mean or variance off by more than 5 standard errors."""
    x = np.asarray(getattr(R, name)(KEY, *params, shape=(N,), **kw))
    assert x.shape == (N,) and x.dtype == np.float64 and np.all(np.isfinite(x))
    assert stats.kstest(x, cdf).pvalue > P_MIN
    if mean is not None:
        sd = np.sqrt(var if var is not None else x.var())
        assert abs(x.mean() - mean) < 5 * sd / np.sqrt(N)
    if var is not None:
        # NOTE: the variance's standard error needs the fourth moment; 10% is > 5 of them at N = 20000
        assert abs(x.var() / var - 1) < 0.1


def test_dirichlet_marginals_are_betas():
    """Catches: coordinates that are not Beta(alpha_i, sum - alpha_i) or rows that do not sum to 1."""
    alpha = np.array([0.3, 1.0, 2.5])
    x = np.asarray(R.dirichlet(KEY, alpha, (N,)))
    assert x.shape == (N, 3)
    np.testing.assert_allclose(x.sum(-1), 1.0, rtol=1e-12)
    for i in range(3):
        assert stats.kstest(x[:, i], stats.beta(alpha[i], alpha.sum() - alpha[i]).cdf).pvalue > P_MIN
        assert abs(x[:, i].mean() - alpha[i] / alpha.sum()) < 0.01


def test_dirichlet_with_tiny_alphas_gives_vertices_not_nan():
    """Catches: normalizing gamma draws that underflow to 0 (0 / 0 = NaN); as alpha -> 0 the draws sit at
    the vertices, vertex i with probability alpha_i / sum(alpha)."""
    alpha = np.array([1e-3, 2e-3, 3e-3])
    x = np.asarray(R.dirichlet(KEY, alpha, (N,)))
    assert np.all(np.isfinite(x))
    np.testing.assert_allclose(x.sum(-1), 1.0, rtol=1e-12)
    share = (x > 0.5).mean(0)
    want = alpha / alpha.sum()
    assert np.all(np.abs(share - want) < 5 * np.sqrt(want * (1 - want) / N) + 0.01)


def test_beta_with_tiny_parameters_is_finite():
    """Catches: X / (X + Y) computed from gamma draws that both underflow (NaN instead of 0 or 1)."""
    x = np.asarray(R.beta(KEY, 1e-3, 3e-3, (N,)))
    assert np.all(np.isfinite(x)) and np.all((x >= 0) & (x <= 1))
    assert abs((x > 0.5).mean() - 0.25) < 0.02


def test_gamma_with_tiny_a_underflows_to_zero_where_loggamma_does_not():
    """Catches: loggamma computed as log(gamma(a)) (-inf for tiny a) instead of in log space."""
    lg = np.asarray(R.loggamma(KEY, 1e-4, (1000,)))
    g = np.asarray(R.gamma(KEY, 1e-4, (1000,)))
    assert np.all(np.isfinite(lg)) and np.median(lg) < -1000
    np.testing.assert_array_equal(g, np.exp(lg))


def test_ball_is_uniform_in_the_lp_ball():
    """Catches: a radius not scaled as u^(1/d) (the norm's distribution) or a wrong p-norm: for p = 2 the
    first coordinate has density (3/4)(1 - x^2) and ||x||^3 is uniform; for p = 1 ||x||_1^2 is uniform."""
    x = np.asarray(R.ball(KEY, 3, 2, (N,)))
    assert x.shape == (N, 3)
    r = np.linalg.norm(x, axis=-1)
    assert r.max() <= 1 and stats.kstest(r ** 3, "uniform").pvalue > P_MIN
    assert stats.kstest(x[:, 0], _ball_coordinate_cdf).pvalue > P_MIN
    y = np.asarray(R.ball(KEY, 2, 1.0, (N,)))
    assert stats.kstest(np.abs(y).sum(-1) ** 2, "uniform").pvalue > P_MIN


def _chisquare_pvalue(x, pmf, hi):
    """Chi-square goodness of fit of integer draws over 0..hi-1 plus the tail, cells with expectation >= 5."""
    ks = np.arange(hi)
    probs = np.append(pmf(ks), 0.0)
    probs[-1] = 1 - probs[:-1].sum()
    counts = np.append(np.bincount(np.minimum(x.astype(np.int64), hi), minlength=hi + 1)[:hi], (x >= hi).sum())
    expected = probs * len(x)
    keep = expected >= 5
    obs = np.append(counts[keep], counts[~keep].sum())
    exp = np.append(expected[keep], expected[~keep].sum())
    if exp[-1] < 5:
        obs, exp = obs[:-1], exp[:-1]
        exp = exp * obs.sum() / exp.sum()
    return stats.chisquare(obs, exp).pvalue


@pytest.mark.parametrize("lam", [0.7, 4.0, 9.99, 10.0, 25.0, 400.0])
def test_poisson_follows_scipys_pmf(lam):
    """Catches: Knuth's count off by one (rates below 10) or a PTRS constant wrong (from 10), by a chi-square
    test over the support and the mean and variance."""
    x = np.asarray(R.poisson(KEY, lam, (N,)))
    assert x.dtype == np.int64 and x.min() >= 0
    assert _chisquare_pvalue(x, stats.poisson(lam).pmf, int(lam + 8 * np.sqrt(lam) + 10)) > P_MIN
    assert abs(x.mean() - lam) < 5 * np.sqrt(lam / N)
    assert abs(x.var() / lam - 1) < 0.1


@pytest.mark.parametrize("n, p", [(7, 0.3), (40, 0.2), (30, 0.9), (200, 0.3), (1000, 0.75), (13.7, 0.4),
                                  (100000, 0.01)])
def test_binomial_follows_scipys_pmf(n, p):
    """Catches: the inversion (n min(p, 1-p) <= 10) or BTRS (beyond) drawing another distribution, the
    p >= 1/2 flip forgotten, or a non-integer n not floored (as numpy and JAX do)."""
    x = np.asarray(R.binomial(KEY, n, p, (N,)))
    nf = np.floor(n)
    assert x.dtype == np.float64 and np.all(x == np.round(x)) and x.min() >= 0 and x.max() <= nf
    dist = stats.binom(nf, p)
    assert _chisquare_pvalue(x, dist.pmf, int(nf) + 1) > P_MIN
    assert abs(x.mean() - dist.mean()) < 5 * dist.std() / np.sqrt(N)
    assert abs(x.var() / dist.var() - 1) < 0.1


def test_binomial_edge_probabilities():
    """Catches: p = 0 or 1 looping forever or giving other than 0 or n; n = 0 giving other than 0."""
    got = np.asarray(R.binomial(KEY, np.array([10.0, 10.0, 0.0, 1e6]), np.array([0.0, 1.0, 0.5, 1.0])))
    np.testing.assert_array_equal(got, [0.0, 10.0, 0.0, 1e6])
    np.testing.assert_array_equal(R.poisson(KEY, np.zeros(5)), np.zeros(5, np.int64))


def test_multinomial_counts():
    """Catches: counts that do not sum to n, a category's marginal other than Binomial(n, p_i), or the
    covariance -n p_i p_j of the sequential construction wrong."""
    p = np.array([0.2, 0.3, 0.1, 0.4])
    x = np.asarray(R.multinomial(KEY, 60, p, shape=(N, 4)))
    assert x.shape == (N, 4) and x.dtype == np.float64
    np.testing.assert_array_equal(x.sum(-1), 60.0)
    for i in range(4):
        assert _chisquare_pvalue(x[:, i], stats.binom(60, p[i]).pmf, 61) > P_MIN
    want = 60 * (np.diag(p) - np.outer(p, p))
    np.testing.assert_allclose(np.cov(x.T), want, atol=0.35)
    batch = np.asarray(R.multinomial(KEY, np.array([5.0, 1000.0]), np.array([[0.5, 0.5], [0.9, 0.1]])))
    assert batch.shape == (2, 2)
    np.testing.assert_array_equal(batch.sum(-1), [5.0, 1000.0])


# -- shapes and dtypes ------------------------------------------------------------------------------------
def test_shapes_and_dtypes():
    """Catches: a default shape other than the parameters' broadcast shape, a dtype argument ignored, or
    draws of a shape that reuse the same numbers for every element."""
    a = np.array([[0.5], [2.0]])
    assert R.gamma(KEY, a).shape == (2, 1)
    assert R.gamma(KEY, a, (2, 3)).shape == (2, 3)
    assert R.gamma(KEY, a, (2, 3), np.float32).dtype == np.float32
    assert R.beta(KEY, np.ones(3), np.ones((2, 1))).shape == (2, 3)
    assert R.dirichlet(KEY, np.ones((2, 4))).shape == (2, 4)
    assert R.dirichlet(KEY, np.ones(4), (5, 3)).shape == (5, 3, 4)
    assert R.f(KEY, np.ones(3), 2.0).shape == (3,)
    assert R.t(KEY, 3.0, (4,), np.float32).dtype == np.float32
    assert R.chisquare(KEY, np.ones((2, 2))).shape == (2, 2)
    assert R.generalized_normal(KEY, 1.5, (3, 2)).shape == (3, 2)
    assert R.ball(KEY, 4, 1.5, (3,)).shape == (3, 4)
    assert R.poisson(KEY, np.ones(3), dtype=np.int32).dtype == np.int32
    assert R.poisson(KEY, 2.0, (2, 3)).shape == (2, 3)
    assert R.binomial(KEY, 10, np.full(3, 0.5), dtype=np.float32).dtype == np.float32
    assert R.multinomial(KEY, 10, np.ones(3) / 3).shape == (3,)
    g = np.asarray(R.gamma(KEY, 2.0, (50,)))
    assert len(np.unique(g)) == 50
    assert R.gamma(KEY, 2.0, (0,)).shape == (0,)


def test_special_parameter_values_and_traced_nan():
    """Catches: a loop that never ends on a NaN or infinite parameter (traced values are not checked), and
    a = 0 not giving the degenerate 0."""
    got = jaxlike.compile(lambda a: R.gamma(KEY, a), mode="FAST_COMPILE")(np.array([np.nan, np.inf, 0.0, -1.0]))
    assert np.isnan(got[0]) and got[1] == np.inf and got[2] == 0.0 and np.isnan(got[3])
    lam = jaxlike.compile(lambda lam: R.poisson(KEY, lam), mode="FAST_COMPILE")(np.array([np.nan, -1.0, 3.0]))
    np.testing.assert_array_equal(lam[:2], [-1, -1])
    b = jaxlike.compile(lambda n, p: R.binomial(KEY, n, p), mode="FAST_COMPILE")(
        np.array([np.inf, 10.0, -1.0]), np.array([0.5, np.nan, 0.5]))
    assert b[0] == np.inf and np.isnan(b[1]) and np.isnan(b[2])


# -- compiled draws --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def compiled():
    """One numba-compiled function: gamma, its derivative and poisson draws (binomial's loop is checked under
    the reference interpreter below: compiled too it took 36 s of numba compile, the file's largest cost)."""
    return jaxlike.compile(lambda key, a, lam: (
        R.gamma(key, a), jaxlike.grad(lambda b: jnp.sum(R.gamma(key, b)))(a), R.poisson(key, lam)))


@pytest.mark.parametrize("size", [5, 3000])
def test_compiled_draws_equal_eager_draws(compiled, size):
    """Catches: a compiled loop that draws other keys or rounds than the eager one, or accepts differently
    (and one compilation serving two sizes, as the rounds' draws have a symbolic shape)."""
    rng = np.random.default_rng(size)
    a = rng.choice([0.01, 0.5, 1.0, 3.0, 100.0], size)
    lam = rng.choice([0.5, 5.0, 9.9, 10.0, 300.0], size)
    key = R.PRNGKey(size)
    g, dg, k = compiled(key, a, lam)
    np.testing.assert_allclose(g, R.gamma(key, a), rtol=1e-12)
    np.testing.assert_allclose(dg, sample_grad(a, np.asarray(g), False), rtol=1e-10)
    np.testing.assert_array_equal(k, R.poisson(key, lam))


def test_interpreted_draws_equal_eager_draws():
    """Catches: the reference interpreter's loop drawing otherwise than the eager one (dirichlet, t,
    multinomial, ball build on the loops)."""
    fn = jaxlike.compile(lambda key, alpha, df, p, n, q: (R.dirichlet(key, alpha), R.t(key, df),
                                                          R.multinomial(key, 20, p), R.ball(key, 3, 1.5),
                                                          R.binomial(key, n, q)),
                         mode="FAST_COMPILE")
    alpha, df, p = np.array([0.1, 1.0, 4.0]), np.array([0.7, 5.0]), np.array([0.25, 0.75])
    n, q = np.array([5.0, 50.0, 1000.0, 13.7]), np.array([0.3, 0.9, 0.5, 0.2])
    got = fn(KEY, alpha, df, p, n, q)
    want = (R.dirichlet(KEY, alpha), R.t(KEY, df), R.multinomial(KEY, 20, p), R.ball(KEY, 3, 1.5),
            R.binomial(KEY, n, q))
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-12)


# -- errors -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("call, error, words", [
    (lambda: R.gamma(KEY, -1.0), ValueError, "a must be >= 0"),
    (lambda: R.beta(KEY, 1.0, np.array([1.0, -2.0])), ValueError, "b must be >= 0"),
    (lambda: R.t(KEY, 0.0), ValueError, "df must be > 0"),
    (lambda: R.f(KEY, 1.0, -1.0), ValueError, "dfden"),
    (lambda: R.generalized_normal(KEY, -1.0), ValueError, "p must be > 0"),
    (lambda: R.poisson(KEY, -0.5), ValueError, "lam must be >= 0"),
    (lambda: R.binomial(KEY, 10, 1.5), ValueError, "p must be >= 0 and <= 1"),
    (lambda: R.binomial(KEY, -3, 0.5), ValueError, "n must be >= 0"),
    (lambda: R.multinomial(KEY, 10, 0.5), ValueError, "at least one axis"),
    (lambda: R.dirichlet(KEY, 1.0), ValueError, "at least one axis"),
    (lambda: R.gamma(KEY, np.ones(2), (3,)), ValueError, "not broadcast-compatible"),
    (lambda: R.beta(KEY, np.ones(2), np.ones(3)), ValueError, "do not broadcast"),
    (lambda: R.gamma(KEY, 1.0, dtype=np.int32), TypeError, "float32 or float64"),
    (lambda: R.poisson(KEY, 1.0, dtype=np.float64), TypeError, "integer dtype"),
    (lambda: R.gamma(KEY, "a"), TypeError, "real number"),
    (lambda: R.gamma(np.zeros(3), 1.0), TypeError, "expected a key"),
    (lambda: R.ball(KEY, 2.5), TypeError, "d must be"),
    (lambda: R.ball(KEY, 2, np.ones(2)), TypeError, "p must be a number"),
])
def test_errors(call, error, words):
    """Catches: bad input crashing deep inside the loop, looping forever, or giving NaN without a word."""
    with pytest.raises(error, match=words):
        call()


# -- derivatives ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("a", [1e-3, 0.05, 0.3, 1.0, 2.5, 10.0, 100.0, 3000.0])
def test_sample_derivative_matches_the_inverse_cdf(a):
    """Catches: a wrong implicit derivative (sign, digamma term, series/continued-fraction split at x = a):
    x(a) = P^-1(a, u) at fixed u, differentiated by central differences, on both sides of x = a and in the
    tails; in log space too, where x underflows for tiny a."""
    u = np.array([1e-6, 0.01, 0.2, 0.5, 0.8, 0.99, 1 - 1e-6])
    x = sp.gammaincinv(a, u)
    h = a * 1e-4
    fd = (-sp.gammaincinv(a + 2 * h, u) + 8 * sp.gammaincinv(a + h, u) - 8 * sp.gammaincinv(a - h, u)
          + sp.gammaincinv(a - 2 * h, u)) / (12 * h)
    got = np.asarray(sample_grad(np.full_like(u, a), x, False))
    ok = x > 0
    np.testing.assert_allclose(got[ok], fd[ok], rtol=1e-5)
    got_log = np.asarray(sample_grad(np.full_like(u, a), np.log(np.where(ok, x, 1.0)), True))
    np.testing.assert_allclose(got_log[ok], fd[ok] / x[ok], rtol=1e-5)


def test_derivative_of_draws_in_both_modes():
    """Catches: the derivative lost (a silent zero through the sampler's stop_gradient), or reverse and
    forward mode disagreeing, for gamma and loggamma; and loggamma's finite where gamma's draw underflows."""
    a = np.array([1e-4, 0.5, 2.0, 30.0])
    w = np.array([1.0, 2.0, 3.0, 4.0])
    x = np.asarray(R.gamma(KEY, a))
    want = np.asarray(sample_grad(a, x, False))
    assert np.all(want[1:] > 0)
    np.testing.assert_allclose(jaxlike.grad(lambda b: jnp.sum(R.gamma(KEY, b) * w))(a), want * w, rtol=1e-12)
    _, tan = jaxlike.jvp(lambda b: R.gamma(KEY, b), (a,), (w,))
    np.testing.assert_allclose(tan, want * w, rtol=1e-12)
    lx = np.asarray(R.loggamma(KEY, a))
    dl = np.asarray(jaxlike.grad(lambda b: jnp.sum(R.loggamma(KEY, b)))(a))
    assert np.all(np.isfinite(dl)) and dl[0] > 1e3
    np.testing.assert_allclose(dl, sample_grad(a, lx, True), rtol=1e-12)


def test_vmap_over_the_shape_parameter_and_its_derivative():
    """Catches: the sample's derivative rule (a custom_jvp whose rule calls itself) batched eagerly under vmap,
    each batched rule batching the next: vmap of R.gamma over a recursed without end."""
    a = np.array([0.5, 2.0, 30.0])
    draw = lambda b: R.gamma(KEY, b, (3,))   # noqa: E731
    np.testing.assert_array_equal(jaxlike.vmap(draw)(a), np.stack([draw(b) for b in a]))
    per_a = jaxlike.vmap(jaxlike.grad(lambda b: jnp.sum(draw(b))))(a)
    np.testing.assert_allclose(per_a, [jaxlike.grad(lambda b: jnp.sum(draw(b)))(b) for b in a], rtol=1e-12)
    np.testing.assert_allclose(jaxlike.grad(lambda b: jnp.sum(jaxlike.vmap(draw)(b)))(a), per_a, rtol=1e-12)


def test_derivative_matches_the_expectation():
    """Catches: a derivative right per draw but biased overall: d E[f(X)] / da for X ~ Gamma(a), estimated
    from the draws' derivatives, against the exact value (E[X^2] = a (a + 1), derivative 2a + 1), and for
    Beta(a, b)'s mean a / (a + b) (derivative b / (a + b)^2)."""
    a = 1.7
    d = jaxlike.grad(lambda b: jnp.mean(R.gamma(KEY, b, (N,)) ** 2))(a)
    assert abs(d / (2 * a + 1) - 1) < 0.03
    db = jaxlike.grad(lambda b: jnp.mean(R.beta(KEY, b, 3.0, (N,))))(a)
    assert abs(db / (3.0 / (a + 3.0) ** 2) - 1) < 0.03


def test_second_derivative_in_forward_mode():
    """Catches: a rule whose d x / d a treats x as independent of a (the second derivative then misses
    d/dx (d x / d a) * d x / d a): forward over reverse and forward over forward against central second
    differences of the inverse CDF; reverse over reverse is refused with a message (the rule's loops)."""
    for a0 in (0.4, 2.0, 30.0):
        x0 = float(R.gamma(KEY, a0))
        u = sp.gammainc(a0, x0)
        h = 1e-3 * a0
        fd2 = (sp.gammaincinv(a0 + h, u) - 2 * x0 + sp.gammaincinv(a0 - h, u)) / h ** 2
        fwd_rev = jaxlike.jvp(jaxlike.grad(lambda a: R.gamma(KEY, a)), (a0,), (1.0,))[1]
        fwd_fwd = jaxlike.jvp(lambda a: jaxlike.jvp(lambda b: R.gamma(KEY, b), (a,), (1.0,))[1], (a0,), (1.0,))[1]
        np.testing.assert_allclose([fwd_rev, fwd_fwd], [fd2, fd2], rtol=1e-5)
    with pytest.raises(TypeError, match="not reverse-differentiable"):
        jaxlike.grad(jaxlike.grad(lambda a: R.gamma(KEY, a)))(2.0)


@pytest.mark.parametrize("name, params, cdf", [("gamma", (0.3,), stats.gamma(0.3).cdf),
                                               ("beta", (0.5, 2.0), stats.beta(0.5, 2.0).cdf),
                                               ("t", (4.0,), stats.t(4.0).cdf)])
def test_float32_draws(name, params, cdf):
    """Catches: a float32 draw losing its distribution (a constant or a loop test left in float64 that
    changes the acceptance) or its dtype."""
    x = np.asarray(getattr(R, name)(KEY, *[np.float32(v) for v in params], shape=(N,), dtype=np.float32))
    assert x.dtype == np.float32 and np.all(np.isfinite(x))
    assert stats.kstest(x.astype(np.float64), cdf).pvalue > P_MIN
