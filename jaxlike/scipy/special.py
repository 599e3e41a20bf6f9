"""``jaxlike.scipy.special``, as ``jax.scipy.special``: erf, erfc, erfinv, ndtri, expit, logit, logsumexp, xlogy, xlog1py,
entr, ndtr, softmax, log_softmax. Differentiable, and safe where a naive form's untaken branch would put a
NaN into the gradient (xlogy at x = 0). A front-end module: imports ops and jaxlike.numpy."""

import numpy as np

from ..ops import special as _special
from .. import numpy as jnp
from .. import nn
from ..numpy._base import asarray_or_var

__all__ = ["erf", "erfc", "erfinv", "ndtri", "expit", "logit", "logsumexp", "xlogy", "xlog1py", "entr", "ndtr", "softmax",
           "log_softmax"]


def erf(x):
    return _special.erf(asarray_or_var(x))


def erfc(x):
    return _special.erfc(asarray_or_var(x))


# Giles, "Approximating the erfinv function" (GPU Computing Gems, 2011), single-precision form: the start of
# the Newton steps in ``erfinv``
_GILES_CENTRAL = (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
                  -0.00125372503, -0.00417768164, 0.246640727, 1.50140941)
_GILES_TAIL = (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
               0.00943887047, 1.00167406, 2.83297682)
_TWO_OVER_SQRT_PI = 1.1283791670955126


def _horner(coefficients, w):
    p = coefficients[0]
    for c in coefficients[1:]:
        p = c + p * w
    return p


def erfinv(y):
    """The inverse of erf on [-1, 1] (+-inf at +-1, NaN outside): Giles' single-precision approximation, then
    three Newton steps, on erf(x) = |y| below 0.5 (relative accuracy for tiny y) and on log erfc(x) =
    log(1 - |y|) above (nearly quadratic there, so the tails converge too). erf(erfinv(y)) is y to an ulp.
    Differentiable: at convergence the derivative of the iteration is 1 / erf'(x)."""
    y = asarray_or_var(y)
    # NOTE: eager numpy evaluates every branch of the selects below, including the ones at |y| >= 1
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        w = -jnp.log1p(-y * y)
        central = w < 5.0
        start = jnp.where(central, _horner(_GILES_CENTRAL, jnp.where(central, w, 2.5) - 2.5),
                          _horner(_GILES_TAIL, jnp.sqrt(jnp.where(central, 5.0, w)) - 3.0)) * y
        a, x = jnp.abs(y), jnp.abs(start)
        small = a < 0.5
        c = jnp.where(small, 0.5, 1.0 - a)
        for _ in range(3):
            slope = _TWO_OVER_SQRT_PI * jnp.exp(-x * x)
            tail = erfc(x)
            x = jnp.where(small, x - (erf(x) - a) / slope, x + (jnp.log(tail) - jnp.log(c)) * tail / slope)
        edge = jnp.astype(jnp.where(a == 1.0, jnp.where(y < 0, -np.inf, np.inf), np.nan), x.dtype)
        return jnp.where(a < 1.0, jnp.where(y < 0, -x, x), edge)


def ndtri(p):
    """The inverse of the standard normal CDF, sqrt(2) * erfinv(2p - 1)."""
    return 1.4142135623730951 * erfinv(2.0 * asarray_or_var(p) - 1.0)


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
