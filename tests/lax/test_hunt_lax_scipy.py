"""Regressions found by comparing jaxlike.lax, jaxlike.scipy and jaxlike.nn against JAX and finite differences:
gradients at the edges of xlogy, gammaln, digamma and sigmoid, dtypes kept through Python-number operands,
eager results that came back as graph nodes, and JAX arguments that were missing (lax.map's batch_size,
logsumexp's where)."""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike import lax, nn
from jaxlike.scipy import special


def test_xlogy_and_xlog1py_gradient_in_x_at_x_zero_is_the_log():
    """Catches: the select on x == 0 that zeroed d/dx there (it is log(y): log 2 at x = 0, y = 2)."""
    x, y = np.array([0.0, 0.0, 1.5, 0.0]), np.array([2.0, 0.5, 3.0, 0.0])
    gx, gy = jaxlike.grad(lambda a, b: jnp.sum(special.xlogy(a, b)), argnums=(0, 1))(x, y)
    np.testing.assert_allclose(gx, [np.log(2.0), np.log(0.5), np.log(3.0), 0.0], rtol=1e-15)
    np.testing.assert_allclose(gy, [0.0, 0.0, 0.5, 0.0], rtol=1e-15)
    gx1 = jaxlike.grad(lambda a: jnp.sum(special.xlog1py(a, y - 1.0)))(x)
    np.testing.assert_allclose(gx1, gx, rtol=1e-15)
    # the values at x = 0 stay exactly 0, also where log(y) is not finite
    v = special.xlogy(np.zeros(4), np.array([0.0, 0.5, np.inf, -1.0]))
    assert np.array_equal(v, np.zeros(4)) and not np.any(np.signbit(v))
    assert np.array_equal(special.xlog1py(np.zeros(2), np.array([-1.0, np.inf])), np.zeros(2))


def test_gammaln_and_digamma_gradients_are_finite_for_huge_arguments():
    """Catches: the untaken reflection branch evaluated sinpi at x itself; its polynomial overflowed past
    x = 1e13 and 0 * inf put NaN into the gradient (gammaln at 1e20, betaln at (0.5, 1e300))."""
    x = np.array([1e14, 1e20, 1e300])
    g = jaxlike.grad(lambda v: jnp.sum(special.gammaln(v)))(x)
    np.testing.assert_allclose(g, np.log(x) - 0.5 / x, rtol=1e-14)
    np.testing.assert_allclose(jaxlike.grad(lambda v: jnp.sum(special.digamma(v)))(x), 1.0 / x, rtol=1e-12)
    ga, gb = jaxlike.grad(lambda a, b: special.betaln(a, b), argnums=(0, 1))(0.5, 1e300)
    # d/da = psi(a) - psi(a + b), d/db = psi(b) - psi(a + b) ~ -a / b
    np.testing.assert_allclose([ga, gb], [-1.9635100260214235 - np.log(1e300), -5e-301], rtol=1e-13)
    # reflection still differentiates where it is taken
    np.testing.assert_allclose(jaxlike.grad(special.gammaln)(-2.5), 1.1031566406452432, rtol=1e-12)


def test_sigmoid_gradient_keeps_its_digits_in_the_tails():
    """Catches: the VJP g * s * (1 - s), whose 1 - s cancels: 0.1% off at x = 30 in float64, 0 in float32."""
    x = np.array([-30.0, -1.0, 0.0, 1.0, 30.0, 40.0])
    want = np.exp(-np.abs(x)) / (1.0 + np.exp(-np.abs(x))) ** 2
    g = jaxlike.grad(lambda v: jnp.sum(nn.sigmoid(v)))(x)
    np.testing.assert_allclose(g, want, rtol=1e-14)
    g32 = jaxlike.grad(lambda v: jnp.sum(nn.sigmoid(v)))(x.astype(np.float32))
    assert g32.dtype == np.float32
    np.testing.assert_allclose(g32, want, rtol=1e-6)


def test_dynamic_update_index_in_dim_is_an_array_eagerly():
    """Catches: the update reshaped as a graph node, so the eager result was an unevaluated Var."""
    x = np.arange(12.0).reshape(3, 4)
    out = lax.dynamic_update_index_in_dim(x, np.full(3, -1.0), 2, axis=1)
    assert isinstance(out, np.ndarray) and out.dtype == np.float64
    want = x.copy()
    want[:, 2] = -1.0
    np.testing.assert_array_equal(out, want)
    want = x.copy()
    want[2] = 7.0
    np.testing.assert_array_equal(lax.dynamic_update_index_in_dim(x, np.full(4, 7.0), -1, axis=0), want)


def test_float32_survives_python_number_operands_and_polygamma():
    """Catches: float64 results from float32 inputs (JAX and compile keep float32), through a select between
    Python numbers (entr, rel_entr, xlogy(x, 3.0)), Python numbers made float64 arrays first (betaln,
    poch) and polygamma's float64 order."""
    x = np.float32([0.5, 2.0, 3.0])
    results = {"entr": special.entr(x), "rel_entr": special.rel_entr(x, x + 1), "xlogy": special.xlogy(x, 3.0),
               "xlog1py": special.xlog1py(2.0, x), "kl_div": special.kl_div(x, 3.0), "betaln": special.betaln(x, 2.5),
               "poch": special.poch(x, 2.5), "polygamma": special.polygamma(2, x),
               "polygamma_array": special.polygamma(np.array([0, 1, 3]), x)}
    assert {k: v.dtype for k, v in results.items()} == {k: np.dtype("float32") for k in results}
    np.testing.assert_allclose(results["polygamma"], [-16.828796644234316, -0.4041138063191885,
                                                      -0.15411379933357226], rtol=1e-5)
    np.testing.assert_allclose(results["xlogy"], x * np.log(3.0), rtol=1e-6)
    assert special.entr(np.array([0.5])).dtype == np.float64


def test_fori_loop_counter_joins_a_float32_carry():
    """Catches: an int64 counter, so carry * 2 + i was float64 and the loop refused its float32 carry (JAX's
    int32 counter keeps float32)."""
    a = np.ones(3, np.float32)

    def f(v):
        return lax.fori_loop(0, 4, lambda i, c: c * 2 + i, v)
    out = f(a)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, np.full(3, 27.0))
    np.testing.assert_array_equal(jaxlike.grad(lambda v: jnp.sum(f(v)))(a), np.full(3, 16.0))
    assert lax.fori_loop(1, 4, lambda i, c: c + i, 0) == 6


@pytest.mark.parametrize("batch_size", [1, 3, 7, 10])
def test_map_with_batch_size_matches_the_plain_map(batch_size):
    """Catches: lax.map without JAX's batch_size keyword (TypeError); the batches of vmap plus a remainder
    must give the plain map's pytree."""
    x = np.random.default_rng(0).normal(size=(7, 3))

    def f(row):
        return {"s": jnp.sum(row ** 2), "v": jnp.sin(row) * row[0]}
    got, want = lax.map(f, x, batch_size=batch_size), lax.map(f, x)
    np.testing.assert_allclose(got["s"], want["s"], rtol=1e-15)
    np.testing.assert_allclose(got["v"], want["v"], rtol=1e-15)
    g = jaxlike.grad(lambda v: jnp.sum(lax.map(lambda r: jnp.sin(r) * r[0], v, batch_size=batch_size)))(x)
    np.testing.assert_allclose(g, jaxlike.grad(lambda v: jnp.sum(lax.map(lambda r: jnp.sin(r) * r[0], v)))(x),
                               rtol=1e-14)


def test_map_batch_size_must_be_a_positive_int():
    with pytest.raises(TypeError, match="batch_size must be a positive int"):
        lax.map(lambda r: r, np.ones((3, 2)), batch_size=0)


def test_logsumexp_of_integers_and_with_where():
    """Catches: an integer operand met initial=-inf in the max (OverflowError), and the missing ``where``
    keyword of jax.nn.logsumexp / jax.scipy.special.logsumexp."""
    np.testing.assert_allclose(special.logsumexp(np.array([1, 2, 3])), np.log(np.exp([1, 2, 3]).sum()), rtol=1e-15)
    ints = np.array([[1, 2], [3, 4]])
    np.testing.assert_allclose(nn.logsumexp(ints, axis=1), np.log(np.exp(ints).sum(1)), rtol=1e-15)
    x = np.array([[np.inf, 2.0], [0.0, 1.0], [5.0, 6.0]])
    keep = np.array([[False, True], [True, True], [False, False]])
    want = [2.0, np.log(1 + np.e), -np.inf]
    np.testing.assert_allclose(nn.logsumexp(x, axis=1, where=keep), want, rtol=1e-15)
    np.testing.assert_allclose(special.logsumexp(x, axis=1, b=2.0, where=keep), np.array(want) + np.log(2.0))
    out, sign = nn.logsumexp(x, axis=1, b=np.array([1.0, -3.0]), where=keep, return_sign=True)
    np.testing.assert_allclose(out[:2], [np.log(3.0) + 2.0, np.log(3 * np.e - 1)], rtol=1e-15)
    np.testing.assert_array_equal(sign, [-1.0, -1.0, 0.0])
    # a masked-out inf puts no NaN into the gradient
    g = jaxlike.grad(lambda v: jnp.sum(nn.logsumexp(v, axis=1, where=keep[:2])))(x[:2])
    np.testing.assert_allclose(g, [[0.0, 1.0], [1 / (1 + np.e), np.e / (1 + np.e)]], rtol=1e-15)
    f = jaxlike.compile(lambda v: special.logsumexp(v, axis=1, where=keep[:2]))
    np.testing.assert_allclose(f(x[:2]), want[:2], rtol=1e-15)


def test_laplace_cdf_gradient_at_the_location_is_the_density():
    """Catches: 1 - exp(-|z|) / 2 differentiated through abs, whose gradient at 0 is 0: d cdf / dx at x = loc
    was 0, not 1 / (2 scale)."""
    from jaxlike.scipy.stats import laplace
    x = np.array([-2.0, 0.5, 2.0])
    g = jaxlike.grad(lambda v: jnp.sum(laplace.cdf(v, 0.5, 2.0)))(x)
    np.testing.assert_allclose(g, np.exp(-np.abs(x - 0.5) / 2.0) / 4.0, rtol=1e-15)
    np.testing.assert_allclose(jaxlike.grad(lambda m: laplace.cdf(0.5, m, 2.0))(0.5), -0.25, rtol=1e-15)
    np.testing.assert_allclose(laplace.cdf(np.array([-800.0, -2.0, 0.5, 800.0]), 0.5, 2.0),
                               [0.5 * np.exp(-400.25), 0.5 * np.exp(-1.25), 0.5, 1.0], rtol=1e-15)


def test_t_logpdf_keeps_its_digits_for_a_large_df():
    """Catches: lgamma((df + 1) / 2) - lgamma(df / 2), which cancels: 1e-8 off at df = 1e8. The reference is
    the asymptotic series of log Gamma(b + 1/2) / Gamma(b) (its next term is below 1e-40 there)."""
    from jaxlike.scipy.stats import t
    df, x = 1e8, 1.5
    b = df / 2
    ratio = 0.5 * np.log(b) - 1 / (8 * b) + 1 / (192 * b ** 3)
    want = ratio - 0.5 * np.log(df * np.pi) - (df + 1) / 2 * np.log1p(x * x / df)
    np.testing.assert_allclose(t.logpdf(x, df), want, rtol=1e-15)
    # the gradient in df still matches a central difference at a small df
    eps = 1e-6
    fd = (t.logpdf(x, 3.0 + eps) - t.logpdf(x, 3.0 - eps)) / (2 * eps)
    np.testing.assert_allclose(jaxlike.grad(lambda d: t.logpdf(x, d))(3.0), fd, rtol=1e-7)


def test_dynamic_slices_refuse_oversized_windows_and_float_starts_eagerly():
    """Catches: the eager path cut an oversized window to fit (5 rows of 4 gave 4 rows), failed in numpy's
    broadcast for an oversized update, and truncated a float start; traced, the same calls raise."""
    x = np.ones((4, 3))
    with pytest.raises(TypeError, match="slice size 5 is larger than axis 0"):
        lax.dynamic_slice(x, (0, 0), (5, 3))
    with pytest.raises(TypeError, match="update size 5 is larger than axis 0"):
        lax.dynamic_update_slice(x, np.ones((5, 3)), (0, 0))
    with pytest.raises(TypeError, match="start indices must be integers"):
        lax.dynamic_slice(x, (0.5, 0), (2, 3))
    with pytest.raises(TypeError, match="start indices must be integers"):
        jaxlike.compile(lambda a, i: lax.dynamic_slice(a, (i, 0), (2, 3)))(x, 1.0)
    np.testing.assert_array_equal(lax.dynamic_slice(x, (np.int32(3), 1), (2, 2)), np.ones((2, 2)))


def test_top_k_along_an_axis_fori_loop_unroll_and_standardize_where():
    """Catches: JAX keywords that raised TypeError here: lax.top_k(axis=), lax.fori_loop(unroll=) and
    nn.standardize(where=)."""
    x = np.random.default_rng(1).normal(size=(4, 5, 3))
    values, idx = lax.top_k(x, 2, axis=0)
    order = np.argsort(-x, axis=0, kind="stable")[:2]
    np.testing.assert_array_equal(idx, order)
    assert idx.dtype == np.int32 and values.shape == (2, 5, 3)
    np.testing.assert_array_equal(values, np.take_along_axis(x, order, axis=0))
    g = jaxlike.grad(lambda v: jnp.sum(lax.top_k(v, 1, axis=1)[0]))(x)
    np.testing.assert_array_equal(g, (x == x.max(axis=1, keepdims=True)).astype(float))
    with pytest.raises(ValueError, match="axis 3 is out of range"):
        lax.top_k(x, 2, axis=3)
    a = np.ones(3, np.float32)
    np.testing.assert_array_equal(lax.fori_loop(0, 3, lambda i, c: c * 2, a, unroll=2), np.full(3, 8.0))
    with pytest.raises(ValueError, match="unroll"):
        jaxlike.compile(lambda n, v: lax.fori_loop(0, n, lambda i, c: c * 2, v, unroll=2))(np.int64(3), a)
    y = np.random.default_rng(2).normal(size=(3, 5))
    keep = y > -0.5
    mean = np.array([r[k].mean() for r, k in zip(y, keep)])[:, None]
    var = np.array([r[k].var() for r, k in zip(y, keep)])[:, None]
    np.testing.assert_allclose(nn.standardize(y, where=keep), (y - mean) / np.sqrt(var + 1e-5), rtol=1e-12)


def test_triangular_and_cholesky_solves_of_a_batch_of_vectors():
    """Catches: a (..., n) b with a batched (..., n, n) a read as one matrix (scipy's and numpy's reading), so
    JAX's batch of vectors was refused ("shapes of a (4, 4) and b (3, 4) are incompatible")."""
    from jaxlike.scipy import linalg
    rng = np.random.default_rng(3)
    low = np.tril(rng.normal(size=(3, 4, 4))) + 4 * np.eye(4)
    b = rng.normal(size=(3, 4))
    want = np.stack([np.linalg.solve(m.T, v) for m, v in zip(low, b)])
    np.testing.assert_allclose(linalg.solve_triangular(low, b, lower=True, trans="T"), want, rtol=1e-12)
    f = jaxlike.compile(lambda a, v: linalg.solve_triangular(a, v, lower=True, trans="T"))
    np.testing.assert_allclose(f(low, b), want, rtol=1e-12)
    want = np.stack([np.linalg.solve(m @ m.T, v) for m, v in zip(low, b)])
    np.testing.assert_allclose(linalg.cho_solve((low, True), b), want, rtol=1e-12)
    g = jaxlike.grad(lambda v: jnp.sum(linalg.cho_solve((low, True), v)))(b)
    np.testing.assert_allclose(g, np.stack([np.linalg.solve(m @ m.T, np.ones(4)) for m in low]), rtol=1e-12)


def test_relu6_of_integers_is_a_float_array_as_in_jax():
    """Catches: relu6 of an int array stayed int64 (JAX's bound is the float 6.)."""
    out = nn.relu6(np.array([-1, 3, 9]))
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, [0.0, 3.0, 6.0])
    assert nn.relu6(np.float32([7.0])).dtype == np.float32


def test_variance_scaling_accepts_jaxs_fan_geo_avg_mode():
    """Catches: mode='fan_geo_avg' (n = sqrt(fan_in * fan_out), as in JAX) refused with a ValueError."""
    from jaxlike import random
    from jaxlike.nn import initializers
    init = initializers.variance_scaling(0.5, "fan_geo_avg", "normal")
    w = np.asarray(init(random.PRNGKey(3), (3, 4), np.float64))
    base = np.asarray(initializers.variance_scaling(0.5, "fan_in", "normal")(random.PRNGKey(3), (3, 4), np.float64))
    # the same draws, scaled by sqrt(fan_in / sqrt(fan_in * fan_out)) = (3 / 4) ** 0.25
    np.testing.assert_allclose(w, base * (3 / 4) ** 0.25, rtol=1e-14)
    w = np.asarray(init(random.PRNGKey(0), (400, 900), np.float64))
    assert abs(w.var() / (0.5 / 600) - 1) < 0.05
