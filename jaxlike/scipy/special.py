"""``jaxlike.scipy.special``, as ``jax.scipy.special``: erf, erfc, expit, logit, logsumexp, xlogy, xlog1py,
entr, ndtr, softmax, log_softmax. Differentiable, and safe where a naive form's untaken branch would put a
NaN into the gradient (xlogy at x = 0). A front-end module: imports ops and jaxlike.numpy."""

import numpy as np

from ..ops import special as _special
from .. import numpy as jnp
from .. import nn
from ..numpy._base import asarray_or_var

__all__ = ["erf", "erfc", "expit", "logit", "logsumexp", "xlogy", "xlog1py", "entr", "ndtr", "softmax",
           "log_softmax"]


def erf(x):
    return _special.erf(asarray_or_var(x))


def erfc(x):
    return _special.erfc(asarray_or_var(x))


expit = nn.sigmoid
softmax = nn.softmax
log_softmax = nn.log_softmax


def logit(x):
    """log(x / (1 - x))."""
    x = asarray_or_var(x)
    return jnp.log(x) - jnp.log1p(-x)


def logsumexp(a, axis=None, b=None, keepdims=False, return_sign=False):
    """log(sum(b * exp(a))) over ``axis`` without overflow; with ``return_sign``, (log|sum|, sign)."""
    a = asarray_or_var(a)
    if b is None and not return_sign:
        return nn.logsumexp(a, axis=axis, keepdims=keepdims)
    b = 1.0 if b is None else asarray_or_var(b)
    top = jnp.stop_gradient(jnp.max(a, axis=axis, keepdims=True))
    top = jnp.where(jnp.isfinite(top), top, 0.0)
    total = jnp.sum(b * jnp.exp(a - top), axis=axis, keepdims=True)
    sign = jnp.sign(total)
    out = jnp.log(jnp.abs(total)) + top
    if not keepdims:
        squeeze = (lambda v: jnp.squeeze(v, axis=axis)) if axis is not None else (lambda v: jnp.reshape(v, ()))
        out, sign = squeeze(out), squeeze(sign)
    if return_sign:
        return out, sign
    return jnp.where(sign < 0, np.nan, out)


def xlogy(x, y):
    """x * log(y), 0 where x == 0 (also for y == 0), with a finite gradient there."""
    x, y = asarray_or_var(x), asarray_or_var(y)
    zero = x == 0
    return jnp.where(zero, 0.0, x * jnp.log(jnp.where(zero, 1.0, y)))


def xlog1py(x, y):
    """x * log1p(y), 0 where x == 0 (also for y == -1)."""
    x, y = asarray_or_var(x), asarray_or_var(y)
    zero = x == 0
    return jnp.where(zero, 0.0, x * jnp.log1p(jnp.where(zero, 0.0, y)))


def entr(x):
    """-x log x for x > 0, 0 at 0, -inf for x < 0."""
    x = asarray_or_var(x)
    return jnp.where(x > 0, -xlogy(x, x), jnp.where(x == 0, 0.0, -np.inf))


def ndtr(x):
    """The standard normal CDF, 0.5 * erfc(-x / sqrt(2))."""
    return 0.5 * erfc(-asarray_or_var(x) * 0.7071067811865476)
