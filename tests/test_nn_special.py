"""``jaxlike.nn`` activations and ``jaxlike.scipy.special``: values against numpy formulas (eager and
compiled, float64 and float32), gradients against finite differences (``check_grads``), and the points
where a naive form gives NaN or inf (xlogy at 0, elu of large x, logsumexp of -inf)."""

import math

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike import nn
from jaxlike.scipy import special
from jaxlike.test_util import check_grads

X = np.array([-7.5, -2.0, -1.0, -0.3, 0.0, 0.4, 1.0, 2.5, 30.0])
_erf = np.vectorize(math.erf)
_sig = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731

# (name, jaxlike function, numpy reference)
CASES = [
    ("relu6", nn.relu6, lambda x: np.clip(x, 0, 6)),
    ("silu", nn.silu, lambda x: x * _sig(x)),
    ("log_sigmoid", nn.log_sigmoid, lambda x: -np.logaddexp(0, -x)),
    ("leaky_relu", nn.leaky_relu, lambda x: np.where(x >= 0, x, 0.01 * x)),
    ("hard_tanh", nn.hard_tanh, lambda x: np.clip(x, -1, 1)),
    ("elu", nn.elu, lambda x: np.where(x > 0, x, np.expm1(np.minimum(x, 0)))),
    ("celu", lambda x: nn.celu(x, 0.5), lambda x: np.maximum(x, 0) + 0.5 * np.expm1(np.minimum(x, 0) / 0.5)),
    ("selu", nn.selu, lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * np.expm1(
        np.minimum(x, 0)))),
    ("gelu_tanh", nn.gelu, lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))),
    ("gelu_exact", lambda x: nn.gelu(x, approximate=False), lambda x: x * 0.5 * (1 + _erf(x / np.sqrt(2)))),
    ("hard_sigmoid", nn.hard_sigmoid, lambda x: np.clip(x + 3, 0, 6) / 6),
    ("hard_silu", nn.hard_silu, lambda x: x * np.clip(x + 3, 0, 6) / 6),
    ("mish", nn.mish, lambda x: x * np.tanh(np.logaddexp(0, x))),
    ("soft_sign", nn.soft_sign, lambda x: x / (np.abs(x) + 1)),
    ("squareplus", nn.squareplus, lambda x: (x + np.sqrt(x * x + 4)) / 2),
    ("sparse_plus", nn.sparse_plus, lambda x: np.where(x <= -1, 0, np.where(x >= 1, x, (x + 1) ** 2 / 4))),
    ("erf", special.erf, _erf),
    ("erfc", special.erfc, np.vectorize(math.erfc)),
    ("ndtr", special.ndtr, lambda x: 0.5 * np.vectorize(math.erfc)(-x / np.sqrt(2))),
    ("expit", special.expit, _sig),
]


@pytest.fixture(scope="module")
def compiled():
    """One compiled function returning every case, so the file compiles once per dtype."""
    return jaxlike.compile(lambda x: tuple(f(x) for _, f, _ in CASES))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_values_match_the_formulas_eager_and_compiled(compiled, dtype):
    x = X.astype(dtype)
    tol = 1e-12 if dtype == "float64" else 2e-6
    for (name, f, ref), got in zip(CASES, compiled(x)):
        with np.errstate(over="ignore"):
            want = ref(X).astype(dtype)
        assert got.dtype == np.dtype(dtype), name
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol, err_msg=name)
        np.testing.assert_allclose(f(x), want, rtol=tol, atol=tol, err_msg=name + " (eager)")


@pytest.mark.parametrize("name, f", [(n, f) for n, f, _ in CASES
                                     if n not in ("relu6", "hard_tanh", "hard_sigmoid", "hard_silu",
                                                  "leaky_relu", "sparse_plus")])
def test_gradients_match_finite_differences(name, f):
    """Smooth activations away from kinks; the piecewise ones are checked by value above."""
    check_grads(lambda x: jnp.sum(f(x)), (np.array([-1.3, -0.4, 0.35, 1.7]),), order=1)


def test_piecewise_gradients_are_the_slopes_of_their_pieces():
    x = np.array([-8.0, -2.0, -0.5, 0.5, 2.0, 8.0])
    g = jaxlike.grad(lambda x: jnp.sum(nn.relu6(x) + nn.hard_tanh(x) + nn.leaky_relu(x) + nn.sparse_plus(x)))(x)
    want = ((x > 0) & (x < 6)).astype(float) + (np.abs(x) < 1) + np.where(x >= 0, 1, 0.01) + \
        np.where(x <= -1, 0, np.where(x >= 1, 1, (x + 1) / 2))
    np.testing.assert_allclose(g, want, rtol=1e-12)


def test_xlogy_and_entr_are_zero_at_zero_with_finite_gradients():
    """Catches: x * log(y) at x = y = 0 (NaN) and its gradient through the untaken branch (0 * inf)."""
    f = jaxlike.compile(lambda x, y: (special.xlogy(x, y), special.xlog1py(x, y - 1), special.entr(x)))
    x, y = np.array([0.0, 0.0, 2.0, 0.5, -1.0]), np.array([0.0, 3.0, 3.0, 0.25, 1.0])
    a, b, c = f(x, y)
    np.testing.assert_allclose(a, [0, 0, 2 * np.log(3), 0.5 * np.log(0.25), 0.0], rtol=1e-12)
    np.testing.assert_allclose(b, a, rtol=1e-12)
    np.testing.assert_allclose(c, [0, 0, -2 * np.log(2), -0.5 * np.log(0.5), -np.inf], rtol=1e-12)
    gx, gy = jaxlike.grad(lambda x, y: jnp.sum(special.xlogy(x, y)), argnums=(0, 1))(x[:4], y[:4] + 1.0)
    assert np.all(np.isfinite(gx)) and np.all(np.isfinite(gy))
    np.testing.assert_allclose(gy, x[:4] / (y[:4] + 1.0), rtol=1e-12)


def test_logsumexp_with_weights_signs_and_infinities():
    a = np.array([[1000.0, 1000.0, -np.inf], [-np.inf, -np.inf, -np.inf]])
    out = special.logsumexp(a, axis=1)
    np.testing.assert_allclose(out, [1000 + np.log(2), -np.inf])
    b = np.array([1.0, -3.0])
    v, s = special.logsumexp(np.array([0.0, 0.0]), b=b, return_sign=True)
    assert s == -1 and np.isclose(v, np.log(2))
    assert np.isnan(special.logsumexp(np.array([0.0, 0.0]), b=b))
    g = jaxlike.grad(lambda x: special.logsumexp(x, b=np.array([1.0, 2.0, 3.0])))(np.array([0.1, 0.2, 0.3]))
    w = np.array([1.0, 2.0, 3.0]) * np.exp([0.1, 0.2, 0.3])
    np.testing.assert_allclose(g, w / w.sum(), rtol=1e-12)


def test_logsumexp_of_an_empty_axis_is_minus_inf():
    """Catches: the max subtracted for stability raising on an empty axis (JAX and scipy give -inf there),
    compiled with a size known only at the call, and its gradient of shape (2, 0)."""
    f = jaxlike.compile(lambda x: (nn.logsumexp(x, axis=1), special.logsumexp(x, axis=1, b=2.0),
                                   nn.log_softmax(x, axis=1)))
    for shape in ((2, 0), (2, 3)):
        x = np.linspace(-1.0, 1.0, int(np.prod(shape))).reshape(shape)
        a, b, c = f(x)
        with np.errstate(divide="ignore"):
            want = np.log(np.sum(np.exp(x), axis=1))
            np.testing.assert_allclose(a, want, rtol=1e-12)
            np.testing.assert_allclose(b, want + np.log(2.0), rtol=1e-12)
        assert c.shape == shape
    g = jaxlike.grad(lambda x: jnp.sum(nn.logsumexp(x, axis=1)))(np.zeros((2, 0)))
    assert g.shape == (2, 0)


def test_elu_of_large_inputs_has_no_overflow_in_the_untaken_branch():
    g = jaxlike.grad(lambda x: jnp.sum(nn.elu(x) + nn.selu(x) + nn.celu(x)))(np.array([800.0, -800.0]))
    np.testing.assert_allclose(g, [1 + 1.0507009873554805 + 1, 0.0], atol=1e-300)


def test_glu_standardize_and_logit():
    x = np.arange(12.0).reshape(3, 4) / 10
    np.testing.assert_allclose(nn.glu(x), x[:, :2] * _sig(x[:, 2:]), rtol=1e-12)
    s = jaxlike.compile(nn.standardize)(x)
    np.testing.assert_allclose(s, (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-5),
                               rtol=1e-10)
    p = np.array([0.1, 0.5, 0.9])
    np.testing.assert_allclose(special.expit(special.logit(p)), p, rtol=1e-12)


def test_erfinv_inverts_erf_to_an_ulp_across_the_range_and_its_edges():
    """Catches: a Newton iteration that has not converged in the tails (the rough start is 4% off near
    1 - 1e-15) or loses tiny arguments (erfinv(1e-300) must be 8.86e-301)."""
    y = np.concatenate([np.linspace(-0.999999, 0.999999, 2001), [1 - 1e-15, -1 + 1e-12, 1e-300, 0.0]])
    x = jaxlike.compile(special.erfinv)(y)
    np.testing.assert_allclose(np.vectorize(math.erf)(x), y, rtol=0, atol=3e-16)
    assert abs(x[-2] / 8.862269254527580e-301 - 1) < 1e-12 and x[-1] == 0.0
    np.testing.assert_allclose(special.erfinv(np.array([1 - 1e-15])), [5.675915739], rtol=1e-9)
    edges = special.erfinv(np.array([1.0, -1.0, 1.5], np.float32))
    assert edges.dtype == np.float32 and edges[0] == np.inf and edges[1] == -np.inf and np.isnan(edges[2])
    np.testing.assert_allclose(special.ndtri(np.array([0.025, 0.5, 0.975])), [-1.959963984540054, 0,
                                                                               1.959963984540054], atol=1e-14)
    check_grads(lambda y: jnp.sum(special.erfinv(y)), (np.array([-0.9, -0.2, 0.05, 0.7]),), order=1)


def test_elu_family_gradients_at_zero():
    """Catches: elu/celu/selu built on minimum(x, 0), whose tie rule sends half of x's gradient at 0 to the
    constant: elu'(0) was 0.5 (it is 1 from both sides), selu'(0) 0.879 (JAX: 1.7581, its left derivative)."""
    from jaxlike import nn
    assert jaxlike.grad(nn.elu)(0.0) == 1.0 and jaxlike.grad(nn.celu)(0.0) == 1.0
    assert np.isclose(jaxlike.grad(nn.selu)(0.0), 1.0507009873554805 * 1.6732632423543772)
    assert np.isclose(jaxlike.grad(nn.elu)(-1.0), np.exp(-1.0))
    np.testing.assert_allclose(nn.elu(np.array([-1000.0, 0.0, 2.0, 1000.0])), [-1.0, 0.0, 2.0, 1000.0])
