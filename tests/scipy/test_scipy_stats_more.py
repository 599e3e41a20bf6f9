"""jaxlike.scipy.stats's gamma-family and other distributions (poisson, gamma, chi2, beta, t, dirichlet,
binom, nbinom, betabinom, multinomial, gennorm, pareto, truncnorm, wrapcauchy) against scipy.stats: values
inside and outside the support, traced; derivatives to second order in the parameters.

What it catches: a normalizing constant with the wrong gamma/beta terms, 0 * log 0 as NaN at the support's
edge (gamma with a = 1 at 0, binom with p = 0), a pmf that is not -inf off the integers, a truncated normal's
normalizer computed as a difference of CDFs that both round to 1 (a truncation far in the right tail).
"""

import numpy as np
import pytest
import scipy.stats as S

import jaxlike
import jaxlike.scipy.stats as J
from jaxlike.test_util import check_grads

K = np.array([-1.0, 0, 1, 2, 3, 7, 1.5, 40])
X = np.array([-1.0, 0.0, 0.3, 1.0, 2.5, 10.0])
U = np.array([-0.1, 0.0, 0.2, 0.5, 0.99, 1.0, 1.2])
Z = np.array([-40, -3, -1, 0, 0.5, 1.5, 2, 3, 10, 40.0])

CASES = [   # id, distribution, function, arguments after x, points, rtol
    ("poisson", "poisson", "logpmf", (3.5,), K, 1e-13),
    ("poisson loc", "poisson", "pmf", (0.5, 1), K, 1e-13),
    ("gamma", "gamma", "logpdf", (2.5, 0.1, 1.5), X, 1e-13),
    ("gamma a<1", "gamma", "logpdf", (0.5,), X, 1e-13),
    ("gamma a=1 at 0", "gamma", "logpdf", (1.0,), X, 1e-13),
    ("chi2", "chi2", "logpdf", (3.0,), X, 1e-13),
    ("beta", "beta", "logpdf", (2.0, 3.5), U, 1e-13),
    ("beta a<1", "beta", "logpdf", (0.5, 0.7), U, 1e-13),
    ("t", "t", "logpdf", (3.0, 0.5, 2.0), X, 1e-13),
    ("binom", "binom", "logpmf", (10, 0.3), K, 1e-13),
    ("binom p=0", "binom", "logpmf", (10, 0.0), K, 1e-13),
    ("nbinom", "nbinom", "logpmf", (5, 0.4), K, 1e-13),
    ("betabinom", "betabinom", "logpmf", (10, 2.0, 3.0), K, 1e-13),
    ("gennorm", "gennorm", "logpdf", (1.5, 0.2, 0.7), X, 1e-13),
    ("wrapcauchy", "wrapcauchy", "logpdf", (0.4,), np.array([-0.1, 0, 1, 3, 6.2, 7.0]), 1e-13),
] + [(f"pareto {f}", "pareto", f, (2.5, 0.0, 1.2), X + 1, 1e-13)
     for f in ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"]] + [
    (f"truncnorm [{a}, {b}] {f}", "truncnorm", f, (a, b, 0.3, 1.1), Z, 1e-9)
    for a, b in [(-1.0, 2.0), (3.0, 5.0), (-8.0, -6.0), (20.0, 25.0)]
    for f in ["logpdf", "pdf", "logcdf", "cdf", "logsf", "sf"]]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_against_scipy(case):
    _, dist, fn, args, points, rtol = case
    ours = getattr(getattr(J, dist), fn)
    with np.errstate(all="ignore"):
        want = getattr(getattr(S, dist), fn)(points, *args)
    got = np.asarray(jaxlike.compile(lambda x: ours(x, *args), mode="FAST_COMPILE")(points))
    same = (np.isnan(got) & np.isnan(want)) | (got == want)
    np.testing.assert_allclose(np.where(same, 0, got), np.where(same, 0, want), rtol=rtol, atol=1e-300)


def test_multivariate_counts_and_simplex():
    al, x = np.array([0.5, 2.0, 3.0]), np.array([0.2, 0.3, 0.5])
    columns = np.array([[0.2, 0.1], [0.3, 0.6], [0.5, 0.3]])
    np.testing.assert_allclose(J.dirichlet.logpdf(x, al), S.dirichlet.logpdf(x, al), rtol=1e-13)
    np.testing.assert_allclose(J.dirichlet.logpdf(columns, al), S.dirichlet.logpdf(columns, al), rtol=1e-13)
    assert J.dirichlet.logpdf(np.array([0.2, 0.3, 0.6]), al) == -np.inf
    counts, p = np.array([[1.0, 2, 3], [0, 0, 6], [1, 1, 1]]), np.array([0.2, 0.3, 0.5])
    np.testing.assert_allclose(J.multinomial.logpmf(counts, 6, p), S.multinomial.logpmf(counts, 6, p), rtol=1e-13)
    with pytest.raises(ValueError, match=r"x must be \(K,\) or \(K, N\)"):
        J.dirichlet.logpdf(np.ones(4) / 4, al)


@pytest.mark.parametrize("name, fn, args", [
    ("gamma", lambda a, s: J.gamma.logpdf(np.array([0.3, 2.0]), a, 0.0, s), (2.5, 1.5)),
    ("beta", lambda a, b: J.beta.logpdf(np.array([0.3, 0.7]), a, b), (2.5, 1.5)),
    ("t", lambda d: J.t.logpdf(np.array([0.3, -2.0]), d), (3.5,)),
    ("binom", lambda p: J.binom.logpmf(np.array([0.0, 3.0, 10.0]), 10, p), (0.3,)),
    ("poisson", lambda m: J.poisson.logpmf(np.array([0.0, 3.0]), m), (2.5,)),
    ("dirichlet", lambda al: J.dirichlet.logpdf(np.array([0.2, 0.3, 0.5]), al), (np.array([0.5, 2.0, 3.0]),)),
    ("truncnorm", lambda lo, x: J.truncnorm.logpdf(x, lo, 2.0), (-1.0, np.array([0.0, 1.5]))),
])
def test_parameter_gradients(name, fn, args):
    check_grads(fn, args, order=2 if name != "truncnorm" else 1)
