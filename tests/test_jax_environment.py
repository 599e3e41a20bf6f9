"""JAX's switches and environment names: ``disable_jit``, ``clear_caches``, ``linear_transpose``, ``typeof``,
the process and device conveniences, and the tracing annotations that change nothing here.

Each test says what it would catch.
"""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike import debug


def test_disable_jit_runs_the_python_on_values_and_restores_compiled_calls(capsys):
    """Catches: disable_jit still tracing (Python control flow on values would raise TracerBoolError, a
    print would show a graph variable), a compiled signature's inline test serving calls while jit is off,
    or the compiled path not coming back after the block (and the flag not restored)."""
    calls = []

    @jaxlike.jit
    def f(x):
        calls.append(type(x))
        if float(jnp.sum(x)) > 0:
            return x * 2.0
        return x - 1.0

    g = jaxlike.jit(lambda x: x * 3.0)
    np.testing.assert_allclose(g(np.ones(2)), [3.0, 3.0])
    with pytest.raises(jaxlike.TracerBoolError):
        f(np.ones(2))
    calls.clear()
    with jaxlike.disable_jit():
        np.testing.assert_allclose(f(np.ones(2)), [2.0, 2.0])
        np.testing.assert_allclose(f(-np.ones(2)), [-2.0, -2.0])
        assert calls == [np.ndarray, np.ndarray]
        seen = []
        h = jaxlike.jit(lambda x: seen.append(x) or x + 1.0)
        h(np.ones(1))
        assert type(seen[0]) is np.ndarray
        assert jaxlike.config.disable_jit is True
    assert jaxlike.config.disable_jit is False
    np.testing.assert_allclose(g(np.ones(2)), [3.0, 3.0])
    assert g.__code__.co_name != "__call__" or g._compiled._inline_calls
    jaxlike.config.update("jax_disable_jit", True)
    try:
        jaxlike.jit(lambda x: debug.print("x {}", x) or x)(np.array([1.5]))
        assert capsys.readouterr().out == "x [1.5]\n"
    finally:
        jaxlike.config.update("jax_disable_jit", False)


def test_clear_caches_forgets_compiled_signatures():
    """Catches: clear_caches leaving a signature served by the inline test of an executable it dropped."""
    g = jaxlike.jit(lambda x: x + 1.0)
    g(1.0)
    assert len(g._cache) == 1
    jaxlike.clear_caches()
    assert len(g._cache) == 0
    assert g(2.0) == 3.0 and len(g._cache) == 1


def test_linear_transpose_is_the_adjoint():
    """Catches: a transpose that is not the adjoint (<A x, y> = <x, A^T y>) or that loses the tuple of
    cotangents for several primals."""
    rng = np.random.default_rng(0)
    A, B = rng.normal(size=(2, 3)), rng.normal(size=(2, 4))
    t = jaxlike.linear_transpose(lambda x, z: A @ x + B @ z, np.zeros(3), np.zeros(4))
    y = rng.normal(size=2)
    tx, tz = t(y)
    np.testing.assert_allclose(tx, A.T @ y, rtol=1e-14)
    np.testing.assert_allclose(tz, B.T @ y, rtol=1e-14)


def test_typeof_and_the_environment():
    """Catches: names a ported JAX program calls missing or giving a multi-process answer."""
    assert jaxlike.typeof(np.ones((2, 3), np.float32)) == jaxlike.ShapeDtypeStruct((2, 3), np.float32)
    assert jaxlike.typeof(2.0).shape == ()
    seen = []
    jaxlike.jit(lambda x: seen.append(jaxlike.typeof(x)) or x)(np.ones(4, np.int32))
    assert seen[0].dtype == np.int32 and len(seen[0].shape) == 1
    assert jaxlike.local_device_count() == 1 and jaxlike.process_index() == 0 and jaxlike.process_count() == 1
    assert jaxlike.effects_barrier() is None
    text = jaxlike.print_environment_info(return_string=True)
    assert "numba:" in text and np.__version__ in text
    before = jaxlike.config.device
    with jaxlike.default_device(jaxlike.devices("cpu")[0]):
        assert jaxlike.config.device == "cpu"
    assert jaxlike.config.device == before
    with pytest.raises(TypeError, match="default_device"):
        jaxlike.default_device(3)
    with jaxlike.named_scope("block"), jaxlike.ensure_compile_time_eval():
        assert jaxlike.named_call(lambda x: x + 1, name="f")(1) == 2
