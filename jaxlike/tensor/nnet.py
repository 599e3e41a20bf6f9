"""``theano.tensor.nnet``: sigmoid, softplus, relu, softmax and the two cross-entropies, with Theano's
signatures and semantics. sigmoid and softplus are jaxlike's stable primitives; the rest compose
``jaxlike.nn`` and ``jaxlike.numpy``. A front-end module: imports ops, nn and jaxlike.numpy.
"""

from .. import nn as _nn
from .. import numpy as jnp
from .basic import as_tensor_variable
from .float_rules import to_theano_float
from . import conv  # noqa: F401  (theano.tensor.nnet.conv, the old API: conv.conv2d(..., image_shape=...))
from .conv import conv2d  # noqa: F401  (Theano 1.0's theano.tensor.nnet.conv2d)

# NOTE: Theano's float dtype for integer and boolean inputs (float32 for bool/int8/uint8, not float16)
sigmoid = to_theano_float(_nn.sigmoid)
softplus = to_theano_float(_nn.softplus)


def ultra_fast_sigmoid(x):
    """Theano's approximation; here the exact, stable sigmoid (it is already one fused kernel)."""
    return sigmoid(x)


hard_sigmoid_slope, hard_sigmoid_shift = 0.2, 0.5


def hard_sigmoid(x):
    """Piecewise-linear sigmoid: clip(0.2 * x + 0.5, 0, 1)."""
    return jnp.clip(hard_sigmoid_slope * as_tensor_variable(x) + hard_sigmoid_shift, 0.0, 1.0)


def relu(x, alpha=0):
    """max(x, 0); with ``alpha`` the leaky form ``x if x > 0 else alpha * x``."""
    x = as_tensor_variable(x)
    if isinstance(alpha, (int, float)) and alpha == 0:
        return jnp.maximum(x, 0)
    return jnp.where(x > 0, x, alpha * x)


def softmax(c):
    """Softmax along the last axis of a matrix (rows sum to one), max-shifted for stability. A vector gives a
    (1, n) row, as Theano's softmax pads it (the RNN tutorials index the result as ``s[:, 0, :]``)."""
    c = as_tensor_variable(c)
    if c.ndim not in (1, 2):
        raise TypeError(f"softmax expects a vector or a matrix, got rank {c.ndim} ({c.type!r}); use "
                        "jaxlike.nn.softmax(x, axis=...) for other ranks")
    if c.ndim == 1:
        c = jnp.reshape(c, (1,) + tuple(c.shape))
    return _nn.softmax(c, axis=-1)


def softsign(x):
    """x / (1 + |x|)."""
    x = as_tensor_variable(x)
    return x / (1.0 + jnp.abs(x))


def elu(x, alpha=1):
    """x where x > 0, else alpha * (exp(x) - 1)."""
    x = as_tensor_variable(x)
    return jnp.where(x > 0, x, alpha * jnp.expm1(jnp.minimum(x, 0)))


def selu(x):
    """Theano's scaled ELU: ``scale * elu(x, alpha)`` with the self-normalizing constants."""
    return 1.0507009873554804934193349852946 * elu(x, 1.6732632423543772848170429916717)


def softmax_with_bias(x, b):
    """``softmax(x + b)`` for a matrix ``x`` and a bias vector ``b`` (one per column)."""
    return softmax(as_tensor_variable(x) + b)


def sigmoid_binary_crossentropy(output, target):
    """``binary_crossentropy(sigmoid(output), target)`` from the logits ``output``, computed stably:
    ``target * softplus(-output) + (1 - target) * softplus(output)``."""
    output, target = as_tensor_variable(output), as_tensor_variable(target)
    return target * softplus(-output) + (1.0 - target) * softplus(output)


def crossentropy_categorical_1hot(coding_dist, true_idx):
    """``-log(coding_dist[i, true_idx[i]])`` per row (Theano's op behind categorical_crossentropy)."""
    return categorical_crossentropy(coding_dist, true_idx)


def logsoftmax(c):
    """log(softmax(c)) along the last axis, computed stably (a vector gives a (1, n) row, as softmax)."""
    return jnp.log(softmax(c))


def binary_crossentropy(output, target):
    """Elementwise ``-(target * log(output) + (1 - target) * log(1 - output))``; ``output`` holds
    probabilities (e.g. a sigmoid's result)."""
    output, target = as_tensor_variable(output), as_tensor_variable(target)
    return -(target * jnp.log(output) + (1.0 - target) * jnp.log(1.0 - output))


def categorical_crossentropy(coding_dist, true_dist):
    """Cross-entropy per row: ``-sum(true_dist * log(coding_dist), axis=-1)`` when ``true_dist`` holds
    distributions (same rank), or ``-log(coding_dist[i, true_dist[i]])`` when it holds integer class indices
    (one rank lower; ``coding_dist`` must then be a matrix)."""
    coding_dist, true_dist = as_tensor_variable(coding_dist), as_tensor_variable(true_dist)
    if true_dist.ndim == coding_dist.ndim:
        return -jnp.sum(true_dist * jnp.log(coding_dist), axis=coding_dist.ndim - 1)
    if true_dist.ndim == coding_dist.ndim - 1:
        if coding_dist.ndim != 2:
            raise TypeError(f"categorical_crossentropy with integer labels expects a matrix of "
                            f"probabilities, got rank {coding_dist.ndim}")
        if true_dist.dtype.kind not in "iu":
            raise TypeError(f"categorical_crossentropy: class indices must be integers, got "
                            f"{true_dist.dtype}")
        # NOTE: log before the pick, so that log(softmax(x)) meets the stabilizer's log_softmax rule (the
        # picked probability underflows to 0 for a logit gap past ~745: inf loss, NaN gradient)
        return -jnp.take_along_axis(jnp.log(coding_dist), jnp.expand_dims(true_dist, 1), axis=1)[:, 0]
    raise TypeError(f"categorical_crossentropy: rank mismatch between coding and true distributions "
                    f"({coding_dist.type!r} and {true_dist.type!r})")

