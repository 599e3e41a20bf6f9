"""``jaxlike.custom_jvp`` and ``jaxlike.custom_vjp``, with JAX's own documentation examples: the rule is what
differentiation uses (not the traced function's derivative), in both modes where JAX allows, under
``compile``, ``vmap`` and to second order; the function still runs eagerly and fuses once inlined; misuse
raises errors naming the function."""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike.test_util import check_grads


@jaxlike.custom_jvp
def log1pexp(x):
    return jnp.log(1.0 + jnp.exp(x))


@log1pexp.defjvp
def _log1pexp_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return log1pexp(x), (1.0 - 1.0 / (1.0 + jnp.exp(x))) * t


@jaxlike.custom_vjp
def clip_gradient(lo, hi, x):
    return x


def _clip_fwd(lo, hi, x):
    return x, (lo, hi)


def _clip_bwd(res, g):
    lo, hi = res
    return (None, None, jnp.clip(g, lo, hi))


clip_gradient.defvjp(_clip_fwd, _clip_bwd)


def test_custom_jvp_is_used_in_both_modes_where_the_traced_derivative_overflows():
    # exp(100) / (1 + exp(100)) is nan through the traced function's own derivative at x = 1000
    assert jaxlike.grad(log1pexp)(1000.0) == 1.0
    assert jaxlike.compile(jaxlike.grad(log1pexp))(1000.0) == 1.0
    primal, tangent = jaxlike.jvp(log1pexp, (3.0,), (2.0,))
    assert np.isclose(primal, np.log1p(np.exp(3.0))) and np.isclose(tangent, 2.0 / (1.0 + np.exp(-3.0)))
    xs = np.array([-2.0, 0.5, 1000.0])
    np.testing.assert_allclose(jaxlike.vmap(jaxlike.grad(log1pexp))(xs), 1.0 / (1.0 + np.exp(-xs)))
    np.testing.assert_allclose(jaxlike.compile(jaxlike.vmap(jaxlike.grad(log1pexp)))(xs), 1.0 / (1.0 + np.exp(-xs)))
    check_grads(log1pexp, (np.array([-1.5, 0.2, 2.0]),), order=2)


def test_custom_jvp_runs_eagerly_and_through_jacobians():
    assert np.isclose(log1pexp(2.0), np.log1p(np.exp(2.0)))
    x = np.array([0.3, -0.4])
    want = np.diag(1.0 / (1.0 + np.exp(-x)))
    np.testing.assert_allclose(jaxlike.jacfwd(log1pexp)(x), want)
    np.testing.assert_allclose(jaxlike.jacrev(log1pexp)(x), want)


def test_custom_vjp_rule_replaces_the_derivative_and_forward_mode_is_refused():
    assert jaxlike.grad(lambda x: clip_gradient(-0.5, 0.5, x) * 3.0)(2.0) == 0.5
    g = jaxlike.compile(jaxlike.grad(lambda x: jnp.sum(clip_gradient(-0.5, 0.5, x) * jnp.array([3.0, 0.1, -2.0]))))
    np.testing.assert_allclose(g(np.ones(3)), [0.5, 0.1, -0.5])
    np.testing.assert_allclose(jaxlike.vmap(jaxlike.grad(lambda x: clip_gradient(-1.0, 1.0, x) * 4.0))(np.ones(2)),
                               [1.0, 1.0])
    with pytest.raises(TypeError, match="forward mode"):
        jaxlike.jvp(lambda x: clip_gradient(-0.5, 0.5, x), (1.0,), (1.0,))


def test_custom_vjp_with_residuals_pytrees_and_second_order():
    @jaxlike.custom_vjp
    def f(p, x):
        return {"y": jnp.sin(p["a"] * x), "z": p["b"] * x}

    def fwd(p, x):
        return f(p, x), (p, x, jnp.cos(p["a"] * x))

    def bwd(res, g):
        p, x, c = res
        gy = g["y"] * c
        return ({"a": jnp.sum(gy * x), "b": jnp.sum(g["z"] * x)}, gy * p["a"] + g["z"] * p["b"])
    f.defvjp(fwd, bwd)
    p, x = {"a": 0.7, "b": -1.3}, np.array([0.2, -0.5, 1.1])
    check_grads(lambda p, x: f(p, x), (p, x), order=2, modes=("rev",))


def test_functions_fuse_once_inlined():
    """Catches: a custom node reaching the backend (it would run as its own step, not fused)."""
    g = jaxlike.compile(jaxlike.value_and_grad(lambda x: jnp.sum(log1pexp(x) * 2.0)))
    g(np.ones(4))
    assert "custom_jvp_call" not in str(g.optimized_graph(np.ones(4)))


def test_misuse_is_reported():
    @jaxlike.custom_jvp
    def no_rule(x):
        return x * 2.0
    with pytest.raises(AttributeError, match="defjvp"):
        jaxlike.grad(no_rule)(1.0)

    @jaxlike.custom_jvp
    def closes(x):
        return x * w
    w = None

    def outer(a, b):
        nonlocal w
        w = b
        return closes(a)
    closes.defjvp(lambda p, t: (closes(p[0]), t[0]))
    with pytest.raises(TypeError, match="does not take as arguments"):
        jaxlike.grad(outer, argnums=(0, 1))(1.0, 2.0)

    @jaxlike.custom_vjp
    def bad(x):
        return x
    bad.defvjp(lambda x: (x, ()), lambda res, g: g)   # not a tuple of cotangents
    with pytest.raises(TypeError, match="one cotangent per differentiable argument"):
        jaxlike.grad(bad)(1.0)
