"""Neural-network functions, numerically stable: sigmoid and softplus are primitives with stable kernels;
the rest compose them. A front-end module: imports ops and jaxlike.numpy."""

from .ops.math import sigmoid as _sigmoid, softplus as _softplus
from .ops.special import erfc as _erfc_prim
from . import numpy as jnp
from .numpy._base import asarray_or_var


def sigmoid(x):
    return _sigmoid(asarray_or_var(x))


def softplus(x):
    return _softplus(asarray_or_var(x))


def _erfc(x):
    return _erfc_prim(asarray_or_var(x))


def relu(x):
    return jnp.maximum(x, 0)


def tanh(x):
    return jnp.tanh(x)


def logsumexp(x, axis=None, keepdims=False):
    """log(sum(exp(x))) with the max subtracted first, so large x does not overflow."""
    x = asarray_or_var(x)
    mx = jnp.stop_gradient(jnp.max(x, axis=axis, keepdims=True))
    # NOTE: a slice of -inf (or an inf) would give inf - inf = NaN; its result is its max, as in JAX
    mx = jnp.where(jnp.isfinite(mx), mx, 0.0)
    out = jnp.log(jnp.sum(jnp.exp(x - mx), axis=axis, keepdims=True)) + mx
    if not keepdims:
        out = jnp.squeeze(out, axis=axis) if axis is not None else jnp.reshape(out, ())
    return out


def log_softmax(x, axis=-1):
    x = asarray_or_var(x)
    return x - logsumexp(x, axis=axis, keepdims=True)


def softmax(x, axis=-1):
    x = asarray_or_var(x)
    e = jnp.exp(x - jnp.stop_gradient(jnp.max(x, axis=axis, keepdims=True)))
    return e / jnp.sum(e, axis=axis, keepdims=True)


def one_hot(labels, num_classes, dtype=None):
    import numpy as np
    labels = asarray_or_var(labels)
    return jnp.astype(jnp.equal(jnp.expand_dims(labels, -1), np.arange(num_classes)), dtype or np.float64)


# -- activations as in jax.nn ------------------------------------------------------------------------------
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def relu6(x):
    return jnp.minimum(jnp.maximum(x, 0), 6)


def silu(x):
    """x * sigmoid(x) (also called swish)."""
    x = asarray_or_var(x)
    return x * sigmoid(x)


swish = silu


def log_sigmoid(x):
    """log(sigmoid(x)) = -softplus(-x), finite for every x."""
    return -softplus(-asarray_or_var(x))


def leaky_relu(x, negative_slope=0.01):
    x = asarray_or_var(x)
    return jnp.where(x >= 0, x, negative_slope * x)


def hard_tanh(x):
    return jnp.clip(x, -1, 1)


def elu(x, alpha=1.0):
    """x for x > 0, alpha * (exp(x) - 1) otherwise (expm1 of where(x > 0, 0, x), so large x does not overflow
    the untaken branch and its gradient; min(x, 0) sent half of x's gradient at 0 to the constant, 0.5 not 1)."""
    x = asarray_or_var(x)
    return jnp.where(x > 0, x, alpha * jnp.expm1(jnp.where(x > 0, 0.0, x)))


def celu(x, alpha=1.0):
    x = asarray_or_var(x)
    return jnp.where(x > 0, x, alpha * jnp.expm1(jnp.where(x > 0, 0.0, x) / alpha))   # as elu, at 0 too


def selu(x):
    return _SELU_SCALE * elu(x, _SELU_ALPHA)


def gelu(x, approximate=True):
    """x * Phi(x), Phi the standard normal CDF: with ``approximate`` (JAX's default) the tanh form, else
    exactly, through erfc."""
    x = asarray_or_var(x)
    if approximate:
        return 0.5 * x * (1 + jnp.tanh(0.7978845608028654 * (x + 0.044715 * (x * x * x))))
    return x * (_erfc(-x * 0.7071067811865476) / 2)


def glu(x, axis=-1):
    """The first half of ``x`` along ``axis`` gated by the sigmoid of the second half."""
    a, b = jnp.split(asarray_or_var(x), 2, axis=axis)
    return a * sigmoid(b)


def hard_sigmoid(x):
    return relu6(asarray_or_var(x) + 3.0) / 6.0


def hard_silu(x):
    x = asarray_or_var(x)
    return x * hard_sigmoid(x)


hard_swish = hard_silu


def mish(x):
    x = asarray_or_var(x)
    return x * jnp.tanh(softplus(x))


def soft_sign(x):
    x = asarray_or_var(x)
    return x / (jnp.abs(x) + 1)


def squareplus(x, b=4):
    x = asarray_or_var(x)
    return (x + jnp.sqrt(x * x + b)) / 2


def sparse_plus(x):
    x = asarray_or_var(x)
    return jnp.where(x <= -1, 0.0, jnp.where(x >= 1, x, (x + 1) ** 2 / 4))


def standardize(x, axis=-1, mean=None, variance=None, epsilon=1e-5):
    """(x - mean) / sqrt(variance + epsilon), the moments over ``axis`` unless given."""
    x = asarray_or_var(x)
    if mean is None:
        mean = jnp.mean(x, axis=axis, keepdims=True)
    if variance is None:
        variance = jnp.mean(x * x, axis=axis, keepdims=True) - mean * mean
    return (x - mean) / jnp.sqrt(variance + epsilon)
