"""The rest of JAX's top-level API a JAX program reaches for: ``jit`` (static_argnames, keyword arguments),
``make_jaxpr``, ``eval_shape``, ``linearize`` and ``tree_util``."""

import collections

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike import tree_util


def test_jit_is_compile_with_static_argnames_and_keywords():
    @jaxlike.jit
    def f(x, scale=2.0):
        return jnp.sum(jnp.sin(x)) * scale

    x = np.linspace(0, 1, 5)
    assert np.isclose(f(x), 2 * np.sin(x).sum()) and np.isclose(f(x, scale=3.0), 3 * np.sin(x).sum())

    def g(x, n):
        for _ in range(n):       # a Python loop over a static argument
            x = jnp.tanh(x)
        return x

    gj = jaxlike.jit(g, static_argnames="n")
    np.testing.assert_allclose(gj(x, n=3), np.tanh(np.tanh(np.tanh(x))))
    np.testing.assert_allclose(gj(x, 1), np.tanh(x))
    with pytest.raises(ValueError, match="static_argnames 'm' is not a parameter of g"):
        jaxlike.jit(g, static_argnames="m")
    np.testing.assert_allclose(jaxlike.jit(static_argnums=1, donate_argnums=0)(g)(x, 2), np.tanh(np.tanh(x)))


def test_make_jaxpr_shows_the_typed_graph():
    jaxpr = jaxlike.make_jaxpr(lambda x, y: jnp.sin(x) * y)(np.ones(3), 2.0)
    text = str(jaxpr)
    assert "sin(" in text and "mul(" in text and "f64[n" in text
    assert len(jaxpr.eqns()) == 2 and len(jaxpr.inputs) == 2
    static = jaxlike.make_jaxpr(lambda x, k: x ** k, static_argnums=1)(np.ones(2), 3)
    assert len(static.inputs) == 1


def test_eval_shape_computes_nothing():
    calls = []

    def f(x, w):
        calls.append(1)
        return {"h": jnp.tanh(x @ w), "n": jnp.sum(x, axis=0).astype(np.float32)}

    out = jaxlike.eval_shape(f, jaxlike.ShapeDtypeStruct((8, 3), np.float64), np.ones((3, 5)))
    assert out == {"h": jaxlike.ShapeDtypeStruct((8, 5), np.float64),
                   "n": jaxlike.ShapeDtypeStruct((3,), np.float32)}
    assert out["h"].ndim == 2 and "ShapeDtypeStruct(shape=(8, 5), dtype=float64)" == repr(out["h"])


def test_linearize_is_the_jvp_at_a_fixed_point():
    f = lambda x: jnp.sin(x) * jnp.sum(x ** 2)  # noqa: E731
    x = np.array([0.3, -0.2, 0.8])
    y, f_jvp = jaxlike.linearize(f, x)
    np.testing.assert_allclose(y, f(x))
    J = jaxlike.jacfwd(f)(x)
    for t in (np.array([1.0, 0, 0]), np.array([0.5, -1.0, 2.0])):
        np.testing.assert_allclose(f_jvp(t), J @ t, rtol=1e-13)
    with pytest.raises(ValueError, match="tangent 0 has shape"):
        f_jvp(np.ones(2))


def test_tree_util():
    Point = collections.namedtuple("Point", "x y")
    tree = {"a": [1.0, (2.0, None)], "b": Point(3.0, 4.0)}
    leaves, td = tree_util.tree_flatten(tree)
    assert leaves == [1.0, 2.0, 3.0, 4.0] and tree_util.tree_leaves(tree) == leaves
    assert tree_util.tree_unflatten(td, [v * 2 for v in leaves]) == \
        {"a": [2.0, (4.0, None)], "b": Point(6.0, 8.0)}
    assert tree_util.tree_map(lambda u, v: u + v, tree, tree)["b"] == Point(6.0, 8.0)
    assert tree_util.tree_reduce(lambda u, v: u + v, tree) == 10.0
    assert tree_util.tree_structure(tree) == td
    with pytest.raises(ValueError, match="tree 1 has structure"):
        tree_util.tree_map(lambda u, v: u, tree, [1.0])
    with pytest.raises(ValueError, match="has 4 leaves, got 3"):
        tree_util.tree_unflatten(td, [1, 2, 3])
