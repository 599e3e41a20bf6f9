"""A smaller set of the jaxlike.numpy surface through the default ``jaxlike.compile`` backend (Numba when it
loads): the new primitives (scans, sorting, decompositions), which a backend runs through its own lowering or
its numpy fallback, and a gradient through all of them. Numba compiles are slow, so every function is
bundled into two compiled functions that the module shares; each is checked against numpy and against the
reference interpreter.
"""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp


def _forward(x, a, spd, idx):
    return {
        "cumsum": jnp.cumsum(x, axis=1), "cumprod": jnp.cumprod(x, axis=0), "sort": jnp.sort(x, axis=0),
        "take_along": jnp.take_along_axis(x, idx, axis=1), "hypot": jnp.hypot(x, 1.5), "round": jnp.round(x, 1),
        "sinc": jnp.sinc(x), "inv": jnp.linalg.inv(a), "solve": jnp.linalg.solve(a, x[:, :3].T),
        "det": jnp.linalg.det(a), "slogdet": jnp.linalg.slogdet(a)[1], "cholesky": jnp.linalg.cholesky(spd),
        "eigvalsh": jnp.linalg.eigvalsh(spd), "svdvals": jnp.linalg.svd(x, compute_uv=False),
        "pinv": jnp.linalg.pinv(x),
    }


def _loss(x, a, spd):
    u, s, vh = jnp.linalg.svd(x, full_matrices=False)
    w, v = jnp.linalg.eigh(spd)
    return (jnp.sum(jnp.cumprod(x, axis=1)) + jnp.sum(jnp.sort(x) * np.arange(4.0)) + jnp.linalg.slogdet(a)[1]
            + jnp.sum(jnp.linalg.cholesky(spd)) + jnp.sum(w ** 2) + jnp.sum(v ** 4)
            + jnp.sum((u * np.arange(1.0, 4.0)) @ vh))


@pytest.fixture(scope="module")
def inputs():
    rng = np.random.default_rng(7)
    x = rng.uniform(0.5, 1.5, (3, 4)) * np.array([1, -1, 1, -1])
    a = rng.uniform(-1, 1, (3, 3)) + 3 * np.eye(3)
    q, _ = np.linalg.qr(rng.normal(size=(3, 3)))
    spd = (q * np.array([1.0, 2.5, 4.0])) @ q.T
    idx = np.array([[3, 0, 0], [1, 2, 3], [0, 0, 1]])
    return x, a, spd, idx


@pytest.fixture(scope="module")
def forward_compiled():
    return jaxlike.compile(_forward)


@pytest.fixture(scope="module")
def grad_compiled():
    return jaxlike.compile(jaxlike.grad(_loss, argnums=(0, 1, 2)))


def test_forward_values_match_numpy_and_the_reference(forward_compiled, inputs):
    got = forward_compiled(*inputs)
    ref = jaxlike.compile(_forward, mode="FAST_COMPILE")(*inputs)
    want = _forward(*inputs)  # plain arrays: numpy itself
    assert set(got) == set(want)
    for k in want:
        np.testing.assert_allclose(got[k], want[k], rtol=1e-10, atol=1e-12, err_msg=k)
        np.testing.assert_allclose(got[k], ref[k], rtol=1e-12, atol=1e-13, err_msg=k)
        assert np.asarray(got[k]).dtype == np.asarray(want[k]).dtype, k


def test_gradient_through_everything_matches_the_reference(grad_compiled, inputs):
    x, a, spd, _ = inputs
    got = grad_compiled(x, a, spd)
    ref = jaxlike.grad(_loss, argnums=(0, 1, 2))(x, a, spd)
    for g, r in zip(got, ref):
        np.testing.assert_allclose(g, r, rtol=1e-9, atol=1e-11)


def test_gradient_matches_finite_differences(inputs):
    from jaxlike.test_util import check_grads
    x, a, spd, _ = inputs
    check_grads(_loss, (x, a, spd), order=1, modes=("rev",))


def test_gradient_of_a_full_contraction_compiles():
    """Catches: a backend that cannot run a contract with a 0-d operand, which is what the VJP of a full
    contraction (a trace by einsum, vdot) produces."""
    a = np.arange(9.0).reshape(3, 3) + np.eye(3)
    g = jaxlike.compile(jaxlike.grad(lambda m: jnp.einsum("ij,jk,ki", m, m, m)))
    np.testing.assert_allclose(g(a), 3 * (a @ a).T)
