"""Neural-network functions, numerically stable: sigmoid and softplus are primitives with stable kernels;
the rest compose them. A front-end module: imports ops and jaxlike.numpy."""

from .ops.math import sigmoid as _sigmoid, softplus as _softplus
from . import numpy as jnp
from .numpy._base import asarray_or_var


def sigmoid(x):
    return _sigmoid(asarray_or_var(x))


def softplus(x):
    return _softplus(asarray_or_var(x))


def relu(x):
    return jnp.maximum(x, 0)


def tanh(x):
    return jnp.tanh(x)


def logsumexp(x, axis=None, keepdims=False):
    """log(sum(exp(x))) with the max subtracted first, so large x does not overflow."""
    x = asarray_or_var(x)
    mx = jnp.stop_gradient(jnp.max(x, axis=axis, keepdims=True))
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
