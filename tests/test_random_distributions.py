"""jaxlike.random's distributions built from uniform and normal draws: JAX's own values (recorded from JAX
0.10 with 64-bit mode, and compared live when JAX is installed), their moments over large samples, compiled
draws equal to eager ones, and errors.

What it catches: a construction that differs from JAX's (another uniform range, a sign, a log of u instead of
1 - u), so a program ported from JAX draws other numbers; a wrong scale or shape parameter (moments); a
Haar-orthogonal sample that is orthogonal but not uniform (R's signs not folded into Q).
"""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
import jaxlike.random as R

KEY = R.PRNGKey(3)
RECORDED = [   # name, positional parameters, keywords, JAX 0.10's values for PRNGKey(3)
    ("laplace", (), {'shape': (3,)}, [-1.312247933924612, 0.098264836373606, 0.740080809107691]),
    ("logistic", (), {'shape': (3,)}, [1.860823458993228, -0.187731775889814, -1.160713399242891]),
    ("cauchy", (), {'shape': (3,)}, [2.222063381352994, -0.148081030668511, -1.07474370041384]),
    ("lognormal", (0.5,), {'shape': (3,)}, [1.737482086351531, 0.942909737882405, 0.70081792618761]),
    ("pareto", (2.0,), {'shape': (3,)}, [2.725624448408196, 1.352344997212206, 1.145976709986782]),
    ("rayleigh", (1.5,), {'shape': (3,)}, [0.806580714938673, 1.887155021772451, 2.539591690312512]),
    ("weibull_min", (1.0, 2.0), {'shape': (3,)}, [1.416119738752538, 0.77696862294673, 0.5220293003508]),
    ("wald", ([1.0, 2.0, 3.0],), {}, [0.398654164569996, 1.105462119271903, 2.995905541858982]),
    ("triangular", (0.0, 0.3, 1.0), {'shape': (3,)}, [0.693039139334586, 0.381326489720589, 0.267509447102999]),
    ("geometric", (0.3,), {'shape': (3,)}, [1, 3, 5]),
    ("rademacher", (), {'shape': (3,)}, [-1, 1, 1]),
    ("maxwell", (), {'shape': (3,)}, [1.319132457634038, 0.97134504489373, 2.034393790917265]),
    ("double_sided_maxwell", (1.0, 2.0), {'shape': (3,)}, [3.086201571980329, 3.602046654751556, 4.283610594278013]),
    ("orthogonal", (2,), {}, [[0.840922815103473, -0.541155078548146], [-0.541155078548146, -0.840922815103473]]),
    ("multivariate_normal", ([0.0, 1.0], [[2.0, 0.5], [0.5, 1.0]]), {'shape': (2,)}, [[1.562527762675809, 1.280655801675636], [-1.005526094615999, -0.024576877279783]]),
]


def _args(a):
    return tuple(np.asarray(x) if isinstance(x, list) else x for x in a)


@pytest.mark.parametrize("name, a, kw, want", RECORDED, ids=[r[0] for r in RECORDED])
def test_values_match_jaxs_recorded_values(name, a, kw, want):
    got = getattr(R, name)(KEY, *_args(a), **kw)
    np.testing.assert_allclose(got, np.asarray(want), rtol=1e-12, atol=1e-14)


def test_values_match_jax_live():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    for name, a, kw, _ in RECORDED:
        want = np.asarray(getattr(jax.random, name)(jax.random.PRNGKey(7), *_args(a), **kw))
        got = np.asarray(getattr(R, name)(R.PRNGKey(7), *_args(a), **kw))
        assert got.dtype == want.dtype, name
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14, err_msg=name)


N = 40000
MOMENTS = [   # name, parameters, keywords, mean, variance
    ("laplace", (), {}, 0.0, 2.0),
    ("logistic", (), {}, 0.0, np.pi ** 2 / 3),
    ("lognormal", (0.5,), {}, np.exp(0.125), (np.exp(0.25) - 1) * np.exp(0.25)),
    ("pareto", (5.0,), {}, 5 / 4, 5 / (16 * 3)),
    ("rayleigh", (1.5,), {}, 1.5 * np.sqrt(np.pi / 2), (4 - np.pi) / 2 * 2.25),
    ("weibull_min", (2.0, 3.0), {}, 2.0 * 0.8929795115692492, 4.0 * (0.9027452929509336 - 0.8929795115692492 ** 2)),
    ("wald", (2.0,), {}, 2.0, 8.0),
    ("triangular", (0.0, 0.3, 1.0), {}, 1.3 / 3, (1 + 0.09 - 0.3) / 18),
    ("geometric", (0.3,), {}, 1 / 0.3, 0.7 / 0.09),
    ("rademacher", (), {}, 0.0, 1.0),
    ("maxwell", (), {}, 2 * np.sqrt(2 / np.pi), 3 - 8 / np.pi),
    ("double_sided_maxwell", (1.0, 2.0), {}, 1.0, 4 * 3.0),
]


@pytest.mark.parametrize("name, a, kw, mean, var", MOMENTS, ids=[m[0] for m in MOMENTS])
def test_moments(name, a, kw, mean, var):
    x = np.asarray(getattr(R, name)(R.PRNGKey(1), *a, shape=(N,), **kw), float)
    assert abs(x.mean() - mean) < 5 * np.sqrt(var / N), (x.mean(), mean)
    assert abs(x.var() / var - 1) < 0.1, (x.var(), var)


def test_cauchy_quartiles():
    x = np.asarray(R.cauchy(R.PRNGKey(1), (N,)))
    np.testing.assert_allclose(np.percentile(x, [25, 50, 75]), [-1, 0, 1], atol=0.05)


def test_orthogonal_is_orthogonal_and_uniform():
    q = np.asarray(R.orthogonal(R.PRNGKey(2), 3, (4000,)))
    np.testing.assert_allclose(np.einsum("bij,bik->bjk", q, q), np.broadcast_to(np.eye(3), (4000, 3, 3)), atol=1e-12)
    # Haar: every entry has mean 0 (the first column of an unsigned QR is biased towards R's positive diagonal)
    assert np.all(np.abs(q.mean(axis=0)) < 0.05)
    wide = np.asarray(R.orthogonal(R.PRNGKey(2), 2, m=4))
    np.testing.assert_allclose(wide @ wide.T, np.eye(2), atol=1e-12)


@pytest.mark.parametrize("method", ["cholesky", "svd", "eigh"])
def test_multivariate_normal_covariance(method):
    cov = np.array([[2.0, 0.6, 0.0], [0.6, 1.0, -0.3], [0.0, -0.3, 0.5]])
    x = np.asarray(R.multivariate_normal(R.PRNGKey(4), np.array([1.0, -2.0, 0.0]), cov, (N,), method=method))
    np.testing.assert_allclose(x.mean(0), [1, -2, 0], atol=0.03)
    np.testing.assert_allclose(np.cov(x.T), cov, atol=0.05)


def test_compiled_draws_equal_eager_draws():
    def draws(key, scale):
        k1, k2, k3 = R.split(key, 3)
        return R.laplace(k1, (4,)), R.rayleigh(k2, scale, (4,)), R.multivariate_normal(k3, jnp.zeros(2), jnp.eye(2) * scale)
    got = jaxlike.compile(draws)(KEY, 1.5)
    want = draws(KEY, 1.5)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-13)


def test_bad_arguments():
    with pytest.raises(ValueError, match="method must be"):
        R.multivariate_normal(KEY, np.zeros(2), np.eye(2), method="qr")
    with pytest.raises(ValueError, match=r"cov must have shape \(\.\.\., 2, 2\)"):
        R.multivariate_normal(KEY, np.zeros(2), np.eye(3))
    with pytest.raises(TypeError, match="dtype must be float32 or float64"):
        R.laplace(KEY, (2,), np.int32)


def test_multivariate_normal_with_traced_mean_and_cov():
    """Catches: cov's shape compared with (n, n) while both were symbolic sizes of a traced mean and cov,
    which never compare equal, so compile refused every traced call ('cov must have shape (..., n2, n2)')."""
    fn = jaxlike.compile(lambda key, m, c: R.multivariate_normal(key, m, c, (4,)), mode="FAST_COMPILE")
    for n in (2, 3):
        mean, cov = np.arange(n, dtype=float), np.eye(n) + 0.25
        np.testing.assert_allclose(fn(KEY, mean, cov), R.multivariate_normal(KEY, mean, cov, (4,)), rtol=1e-12)
    with pytest.raises(ValueError, match="cov must have shape"):
        fn(KEY, np.zeros(2), np.eye(3))
