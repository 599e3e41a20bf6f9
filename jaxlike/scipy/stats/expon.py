"""The exponential distribution: logpdf, pdf, cdf, logcdf, sf, logsf, ppf, isf (``loc``, ``scale``).
A front-end module: imports jaxlike.numpy."""

import numpy as np

from ... import numpy as jnp
from ._util import floats, standardized, positive_scale, outside

_LOG_2 = 0.6931471805599453


def logpdf(x, loc=0, scale=1):
    z, scale = standardized(x, loc, scale)
    inside = z >= 0
    return positive_scale(jnp.where(inside, -jnp.where(inside, z, 0.0) - jnp.log(scale), outside(-np.inf, z)), scale)


def pdf(x, loc=0, scale=1):
    return jnp.exp(logpdf(x, loc, scale))


def cdf(x, loc=0, scale=1):
    z, scale = standardized(x, loc, scale)
    return positive_scale(-jnp.expm1(-jnp.maximum(z, 0.0)), scale)


def logcdf(x, loc=0, scale=1):
    z, scale = standardized(x, loc, scale)
    inside = z > 0
    zs = jnp.where(inside, z, 1.0)
    # log(1 - exp(-z)): through expm1 near 0, log1p beyond log 2, each where it keeps its digits
    value = jnp.where(zs < _LOG_2, jnp.log(-jnp.expm1(-zs)), jnp.log1p(-jnp.exp(-zs)))
    return positive_scale(jnp.where(inside, value, outside(-np.inf, z)), scale)


def sf(x, loc=0, scale=1):
    return jnp.exp(logsf(x, loc, scale))


def logsf(x, loc=0, scale=1):
    z, scale = standardized(x, loc, scale)
    return positive_scale(-jnp.maximum(z, 0.0), scale)


def ppf(q, loc=0, scale=1):
    q, loc, scale = floats(q, loc, scale)
    inside = (q >= 0) & (q <= 1)
    return positive_scale(jnp.where(inside, loc - scale * jnp.log1p(-jnp.where(inside, q, 0.0)), np.nan), scale)


def isf(q, loc=0, scale=1):
    q, loc, scale = floats(q, loc, scale)
    inside = (q >= 0) & (q <= 1)
    return positive_scale(jnp.where(inside, loc - scale * jnp.log(jnp.where(inside, q, 1.0)), np.nan), scale)
