"""A gradient graph can name a symbolic size (in an attr) whose defining node it never computes: the
gradient of sum(concatenate([x, x]) * w) broadcasts to the concatenation's size without needing the
concatenation itself. Graphs must compute such size providers, or the size cannot be bound."""

import numpy as np

import jaxlike
import jaxlike.numpy as jnp


def _f(x, w):
    return jnp.sum(jnp.concatenate([x, x]) * w)


def test_eager_grad_through_concatenate_size():
    g = jaxlike.grad(_f)(np.arange(3.0), np.arange(6.0))
    np.testing.assert_allclose(g, [3.0, 5.0, 7.0])


def test_compiled_grad_binds_the_concatenation_size_for_each_batch_size():
    c = jaxlike.compile(jaxlike.grad(_f), mode="FAST_COMPILE")
    np.testing.assert_allclose(c(np.arange(3.0), np.arange(6.0)), [3.0, 5.0, 7.0])
    np.testing.assert_allclose(c(np.arange(4.0), np.arange(8.0)), [4.0, 6.0, 8.0, 10.0])
    assert "concatenate" in c.graph(np.arange(3.0), np.arange(6.0)).text()
