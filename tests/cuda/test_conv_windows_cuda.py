"""lax.conv_general_dilated and lax.reduce_window (composites of slices, stacks, reshapes, one contract and
reductions) on the GPU backend in the CUDA simulator, against the reference interpreter.

Catches a lowering the composites need that the CUDA backend lacks or gets wrong (strided slices with
negative stops, the stacked im2col patches, the GEMM with a batch index, the fills the padding builds from
the data), with symbolic sizes and with the kernel's gradient."""

import numpy as np

import jaxlike
import jaxlike.numpy as jnp
from jaxlike import lax
from jaxlike.core.graph import Graph
from jaxlike.passes.fuse import fuse
from jaxlike.passes.pipeline import optimize
from jaxlike.runtime.trace import trace

RNG = np.random.default_rng(5)


def _graph(fn, args, concrete):
    ins, outs, _ = trace(fn, args, concrete_shapes=concrete)
    return fuse(optimize(Graph(ins, outs)))


def test_conv_pool_value_and_grad_symbolic_sizes(gpu):
    """A padded conv -> tanh -> max pool with a constant kernel, traced with symbolic sizes, and its input
    gradient."""
    w = 0.5 * RNG.normal(size=(3, 2, 2, 2))

    def f(x):
        h = lax.conv_general_dilated(x, w, (1, 1), [(1, 0), (0, 1)])
        return jnp.sum(lax.reduce_window(jnp.tanh(h), -np.inf, jnp.maximum, (1, 1, 2, 2), (1, 1, 2, 2), "VALID"))

    x = RNG.normal(size=(2, 2, 5, 4))
    gpu.compare(_graph(jaxlike.value_and_grad(f), (x,), concrete=False), [x])


def test_grouped_dilated_conv_kernel_gradient(gpu):
    """A strided, SAME, dilated, grouped conv -> padded sum pool, differentiated in both input and kernel."""
    def f(x, w):
        h = lax.conv_general_dilated(x, w, (2, 1), "SAME", rhs_dilation=(1, 2), feature_group_count=2)
        return jnp.sum(lax.reduce_window(jnp.tanh(h), 0.0, jnp.add, (1, 1, 2, 2), (1, 1, 1, 1),
                                         [(0, 0), (0, 0), (1, 0), (0, 1)]))

    x, w = RNG.normal(size=(2, 2, 5, 4)), 0.5 * RNG.normal(size=(4, 1, 2, 3))
    gpu.compare(_graph(jaxlike.value_and_grad(f, argnums=(0, 1)), (x, w), concrete=True), [x, w])
