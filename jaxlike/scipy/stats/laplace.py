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
    # NOTE: each side through its own exp, not exp(-|z|): abs has gradient 0 at 0, which made the gradient
    # of the cdf at x = loc 0 instead of the density 1 / (2 scale)
    below = z < 0
    return positive_scale(jnp.where(below, 0.5 * jnp.exp(jnp.where(below, z, 0.0)),
                                    1.0 - 0.5 * jnp.exp(-jnp.where(below, 0.0, z))), scale)
