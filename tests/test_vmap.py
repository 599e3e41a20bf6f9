"""``vmap``, and the Jacobians built on batching: results against a Python loop over examples, the axes
options, composition with grad and compile, errors, and the graph size of a Jacobian not growing with it."""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike import vmap, grad, jacrev, jacfwd, hessian
from jaxlike.core.graph import Var, toposort
from jaxlike.core.types import TensorType

rng = np.random.default_rng(7)
XS = rng.normal(size=(5, 3))
W = rng.normal(size=(3, 2))


def layer_loss(x, w):
    return jnp.sum(jnp.tanh(x @ w)) + x[0] * jnp.max(x)


def _loop(f, *args, axes=None):
    axes = axes or [0] * len(args)
    n = next(np.shape(a)[ax] for a, ax in zip(args, axes) if ax is not None)
    rows = [f(*[a if ax is None else np.take(a, k, axis=ax) for a, ax in zip(args, axes)]) for k in range(n)]
    return np.stack([np.asarray(r) for r in rows])


def test_vmap_equals_a_loop_over_examples():
    got = vmap(layer_loss, in_axes=(0, None))(XS, W)
    np.testing.assert_allclose(got, _loop(layer_loss, XS, W, axes=[0, None]), rtol=1e-13)


def test_per_example_gradients_compiled_serve_every_batch_size():
    per_example = jaxlike.compile(vmap(grad(layer_loss), in_axes=(0, None)))
    for n in (5, 2, 9):
        xs = rng.normal(size=(n, 3))
        want = _loop(grad(layer_loss), xs, W, axes=[0, None])
        np.testing.assert_allclose(per_example(xs, W), want, rtol=1e-12)
    assert len(per_example._cache) == 1   # sizes stay symbolic: one compilation for all three


def test_in_axes_out_axes_and_tuple_outputs():
    f = lambda x: (x * 2.0, jnp.outer(x, x))  # noqa: E731
    a, b = vmap(f, in_axes=1, out_axes=(0, 2))(XS)
    np.testing.assert_allclose(a, XS.T * 2)
    np.testing.assert_allclose(b, np.einsum("ib,jb->ijb", XS, XS))
    c, d = vmap(lambda x, w: (x @ w, w.sum()), in_axes=(0, None), out_axes=(1, None))(XS, W)
    np.testing.assert_allclose(c, (XS @ W).T)
    np.testing.assert_allclose(d, W.sum())


def test_container_arguments_map_every_array():
    params = {"w": rng.normal(size=(4, 3, 2)), "b": rng.normal(size=(4, 2))}
    f = lambda p, x: jnp.sum(jnp.sin(x @ p["w"] + p["b"]))  # noqa: E731
    got = vmap(f, in_axes=(0, None))(params, XS[0])
    want = [f({"w": params["w"][k], "b": params["b"][k]}, XS[0]) for k in range(4)]
    np.testing.assert_allclose(got, want, rtol=1e-13)


def test_nested_vmap_and_grad_of_vmap():
    x = rng.normal(size=(4, 5, 3))
    f = lambda v: jnp.sum(v ** 3) * jnp.sin(v[1])  # noqa: E731
    np.testing.assert_allclose(vmap(vmap(f))(x), np.array([[f(v) for v in row] for row in x]), rtol=1e-13)
    total = lambda xs: jnp.sum(vmap(f)(xs))  # noqa: E731
    np.testing.assert_allclose(grad(total)(XS), _loop(grad(f), XS), rtol=1e-12)


def test_batched_indices_gather_per_example():
    x = rng.normal(size=(4, 5, 3))
    idx = rng.integers(-5, 5, size=(4, 2, 2))
    f = lambda v, i: jnp.sum(v[i] ** 2)  # noqa: E731
    g = jaxlike.compile(vmap(grad(f)))
    np.testing.assert_allclose(g(x, idx), _loop(grad(f), x, idx), rtol=1e-12)
    with pytest.raises(IndexError):
        g(x, idx + 10)


def test_vmap_errors_name_the_problem():
    with pytest.raises(ValueError, match="different sizes: 5 and 4"):
        vmap(lambda a, b: a + b)(XS, XS[:4])
    with pytest.raises(ValueError, match="at least one mapped argument"):
        vmap(jnp.sin, in_axes=None)(XS)
    with pytest.raises(ValueError, match="in_axes=2 for argument 0 of rank 2"):
        vmap(jnp.sin, in_axes=2)(XS)
    with pytest.raises(ValueError, match="in_axes has 1 entries for 2 arguments"):
        vmap(layer_loss, in_axes=(0,))(XS, W)
    with pytest.raises(ValueError, match="out_axes=None for an output that depends"):
        vmap(jnp.sin, out_axes=None)(XS)


@pytest.mark.parametrize("mode", ["FAST_RUN", "FAST_COMPILE"])
def test_compiled_vmap_checks_that_mapped_sizes_agree_at_call_time(mode):
    """Catches: sizes that a compiled caller's arguments leave symbolic were taken as one and never compared
    when no op combined the arguments, so numba's reshape failed with "total size of new array must be
    unchanged" (or two independent outputs came back with different batch sizes)."""
    f = jaxlike.compile(vmap(lambda a, b: (a.reshape(-1), jnp.sum(b))), mode=mode)
    got = f(XS, XS[:, :2])
    np.testing.assert_allclose(got[1], XS[:, :2].sum(axis=1))
    with pytest.raises(ValueError, match=r"broadcast_to: .*4.*5.*test_vmap\.py"):
        f(XS, XS[:4])


def _jacobian_graph_size(jac, n):
    x = Var(TensorType(np.float64, (n,)))
    return len(toposort([jac(lambda v: jnp.tanh(v) * jnp.sum(v ** 2))(x)]))


@pytest.mark.parametrize("jac", [jacrev, jacfwd])
def test_a_jacobian_graph_does_not_grow_with_the_size(jac):
    # one VJP (JVP) applied to a batch of basis vectors, not one per element
    assert _jacobian_graph_size(jac, 4) == _jacobian_graph_size(jac, 64)


def test_large_hessian_compiles_as_one_graph_and_matches_the_gradient_jacobian():
    n = 64
    x = np.linspace(-1, 1, n)
    f = lambda v: jnp.sum(jnp.sin(v) * v ** 3) + jnp.sum(v) ** 2  # noqa: E731
    H = jaxlike.compile(hessian(f))(x)
    d2 = np.diag(-np.sin(x) * x ** 3 + 6 * x ** 2 * np.cos(x) + 6 * x * np.sin(x)) + 2.0
    np.testing.assert_allclose(H, d2, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("jac", [jacrev, jacfwd])
def test_a_compiled_jacobian_serves_every_size(jac):
    f = lambda v: jnp.tanh(v) * jnp.sum(v ** 2)  # noqa: E731
    c = jaxlike.compile(jac(f))
    for n in (2, 5):
        x = np.linspace(-1, 1, n)
        want = np.diag((1 - np.tanh(x) ** 2) * np.sum(x ** 2)) + np.outer(np.tanh(x), 2 * x)
        np.testing.assert_allclose(c(x), want, rtol=1e-13, atol=1e-15)
    assert len(c._cache) == 1
