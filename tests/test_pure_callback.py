"""``jaxlike.pure_callback``: a Python function called from traced and compiled code (JAX's).

Each test says what it would catch. Compiled cases run numba_cpu's code (conftest turns tiering off), where the
call is an objmode block; the interpreter runs the primitive's numpy rule.
"""

import math

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike import ShapeDtypeStruct, lax


def _lgamma(a):
    return np.vectorize(math.lgamma)(a)


def _scaled_lgamma(x):
    return jaxlike.pure_callback(lambda a: _lgamma(a) * 2, ShapeDtypeStruct(x.shape, x.dtype), x) + 1


def test_eager_compiled_and_every_size(capsys):
    """Catches: the call made once at trace time (with graph variables), or one compile serving a second size
    with the first call's shapes."""
    x = np.array([1.5, 2.5, 7.0])
    np.testing.assert_allclose(_scaled_lgamma(x), _lgamma(x) * 2 + 1, rtol=1e-14)
    f = jaxlike.compile(_scaled_lgamma)
    for v in (x, np.array([3.0])):
        np.testing.assert_allclose(f(v), _lgamma(v) * 2 + 1, rtol=1e-14)
    assert "pure_callback" in f.source(x)


def test_results_as_a_tree_with_cast_dtypes():
    """Catches: a tree of results regrouped in another order, or a result returned in the callback's dtype
    rather than the declared one (JAX casts)."""
    spec = {"s": ShapeDtypeStruct((), np.float64), "d": ShapeDtypeStruct((3,), np.float32)}
    f = jaxlike.compile(lambda x: jaxlike.pure_callback(lambda a: {"s": a.sum(), "d": a * 2}, spec, x))
    out = f(np.arange(3.0))
    assert float(out["s"]) == 3.0
    assert out["d"].dtype == np.float32 and out["d"].tolist() == [0.0, 2.0, 4.0]


def test_inside_a_scan_body_it_runs_every_step():
    """Catches: a host call in a loop body failing to compile (numba cannot inline a step holding objmode),
    or run once instead of per step."""
    def body(c, x):
        y = jaxlike.pure_callback(lambda a: np.exp(a), ShapeDtypeStruct((), np.float64), x)
        return c + y, y
    total, ys = jaxlike.compile(lambda xs: lax.scan(body, 0.0, xs))(np.arange(3.0))
    np.testing.assert_allclose(ys, np.exp(np.arange(3.0)), rtol=1e-15)
    np.testing.assert_allclose(total, np.exp(np.arange(3.0)).sum(), rtol=1e-15)


def test_vmap_methods():
    """Catches: vmap calling the function with a batch it did not ask for: "sequential" gets one element per
    call, "expand_dims" the unmapped arguments with a leading axis of 1, "broadcast_all" every argument
    mapped; and no method given must be refused, as in JAX."""
    shapes = []

    def record(a, b):
        shapes.append((a.shape, b.shape))
        return a * b.sum(axis=-1, keepdims=a.ndim > 1 and b.ndim > 1)

    def f(method):
        return lambda x, y: jaxlike.pure_callback(record, ShapeDtypeStruct(x.shape, x.dtype), x, y,
                                                  vmap_method=method)
    x, y = np.arange(6.0).reshape(2, 3), np.arange(3.0)
    for method, calls in (("sequential", [((3,), (3,))] * 2), ("expand_dims", [((2, 3), (1, 3))]),
                          ("broadcast_all", [((2, 3), (2, 3))])):
        shapes.clear()
        np.testing.assert_allclose(jaxlike.vmap(f(method), in_axes=(0, None))(x, y), x * 3.0)
        assert shapes == calls, method
    with pytest.raises(NotImplementedError, match="vmap_method"):
        jaxlike.vmap(f(None), in_axes=(0, None))(x, y)


def test_errors_name_the_problem():
    """Catches: a wrong result shape passed on as garbage, a derivative silently zero, bad specs failing
    deep inside."""
    with pytest.raises(RuntimeError, match=r"result 0 of the callback has shape \(1,\).*says \(3,\)"):
        jaxlike.compile(lambda x: jaxlike.pure_callback(lambda a: a[:1], ShapeDtypeStruct(x.shape, x.dtype), x))(
            np.ones(3))
    with pytest.raises(TypeError, match="no derivative"):
        jaxlike.grad(lambda x: jnp.sum(_scaled_lgamma(x)))(np.ones(2))
    with pytest.raises(TypeError, match=r"leaf 0 is int"):
        jaxlike.pure_callback(np.sin, 3, np.ones(2))
    with pytest.raises(TypeError, match="callback must be callable"):
        jaxlike.pure_callback(3, ShapeDtypeStruct((), np.float64))


def test_custom_jvp_gives_it_a_derivative():
    """Catches: a pure_callback inside custom_jvp's primal still refusing grad (the rule must replace it)."""
    @jaxlike.custom_jvp
    def lgamma(x):
        return jaxlike.pure_callback(_lgamma, ShapeDtypeStruct(x.shape, x.dtype), x)

    @lgamma.defjvp
    def _(primals, tangents):
        (x,), (t,) = primals, tangents
        return lgamma(x), jaxlike.scipy.special.digamma(x) * t
    x = np.array([1.5, 4.0])
    np.testing.assert_allclose(jaxlike.compile(jaxlike.grad(lambda x: jnp.sum(lgamma(x))))(x),
                               [0.03648997397857652, 1.2561176684318005], rtol=1e-12)
