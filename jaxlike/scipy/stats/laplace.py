"""The Laplace distribution: logpdf, pdf, cdf (``loc``, ``scale``). A front-end module: imports
jaxlike.numpy."""

from ... import numpy as jnp
from ._util import standardized, positive_scale

_LOG_2 = 0.6931471805599453


def logpdf(x, loc=0, scale=1):
    z, scale = standardized(x, loc, scale)
    return positive_scale(-_LOG_2 - jnp.log(scale) - jnp.abs(z), scale)


def pdf(x, loc=0, scale=1):
    return jnp.exp(logpdf(x, loc, scale))


def cdf(x, loc=0, scale=1):
    z, scale = standardized(x, loc, scale)
    half_tail = 0.5 * jnp.exp(-jnp.abs(z))
    return positive_scale(jnp.where(z < 0, half_tail, 1.0 - half_tail), scale)
