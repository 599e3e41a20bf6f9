"""JAX's conveniences a ported program calls: config.update with JAX's flag names, block_until_ready,
device_put/device_get, devices, default_backend and the Array type.

What it catches: a JAX flag silently ignored or mapped to the wrong jaxlike flag, a traced value passed to
device_get returning a graph node instead of an error, isinstance(result, jaxlike.Array) false for results.
"""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp


@pytest.fixture
def restore_config():
    saved = {k: getattr(jaxlike.config, k) for k in ("floatX", "device", "mode", "nan_guard", "cache_dir")}
    yield
    for k, v in saved.items():
        setattr(jaxlike.config, k, v)


def test_config_update_maps_jax_flags(restore_config):
    cfg = jaxlike.config
    cfg.update("jax_enable_x64", False)
    assert cfg.floatX == "float32" and jnp.zeros(2).dtype == np.float32
    cfg.update("jax_enable_x64", True)
    assert cfg.floatX == "float64"
    cfg.update("jax_disable_jit", True)
    assert cfg.disable_jit is True and cfg.mode == "FAST_RUN"
    cfg.update("jax_disable_jit", False)
    assert cfg.disable_jit is False
    cfg.update("jax_debug_nans", True)
    assert cfg.nan_guard is True
    cfg.update("jax_platforms", "gpu,cpu")
    assert cfg.device == "cuda" and jaxlike.default_backend() == "gpu"
    cfg.update("jax_platform_name", "cpu")
    assert cfg.device == "cpu" and jaxlike.default_backend() == "cpu"
    cfg.update("jax_default_matmul_precision", "highest")
    cfg.update("floatX", "float32")                        # jaxlike's own names pass through
    assert cfg.floatX == "float32"
    with pytest.raises(AttributeError, match="no jaxlike counterpart"):
        cfg.update("jax_log_compiles", True)
    with pytest.raises(ValueError, match="'cpu' or 'gpu'"):
        cfg.update("jax_platform_name", "tpu")


def test_arrays_and_devices():
    f = jaxlike.jit(lambda x: x * 2)
    x = jaxlike.device_put(np.arange(3.0))
    y = jaxlike.block_until_ready(f(x))
    np.testing.assert_array_equal(y, [0, 2, 4])
    assert isinstance(y, jaxlike.Array) and isinstance(np.float32(1), jaxlike.Array)
    assert not isinstance([1.0], jaxlike.Array)
    assert jaxlike.compile(lambda v: v + 1 if isinstance(v, jaxlike.Array) else None)(np.ones(2)) is not None
    got = jaxlike.device_get({"a": [1, 2.5], "b": y})
    assert isinstance(got["a"][1], np.ndarray) and got["b"] is y
    assert jaxlike.devices() == jaxlike.devices("cpu") and jaxlike.devices()[0].platform == "cpu"
    assert jaxlike.device_count("cpu") == 1
    with pytest.raises(TypeError, match="no data yet"):
        jaxlike.compile(lambda v: jaxlike.device_get(v))(np.ones(2))
    with pytest.raises(ValueError, match="unknown backend"):
        jaxlike.devices("tpu")
