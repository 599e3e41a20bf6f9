"""The Pareto distribution: logpdf, pdf, cdf, logcdf, sf, logsf (shape ``b``, ``loc``, ``scale``), on z >= 1.
A front-end module: imports jaxlike.numpy."""

import numpy as np

from ... import numpy as jnp
from ._util import floats, positive_scale, outside


def _z(x, b, loc, scale):
    x, b, loc, scale = floats(x, b, loc, scale)
    return (x - loc) / scale, b, scale


def logpdf(x, b, loc=0, scale=1):
    z, b, scale = _z(x, b, loc, scale)
    inside = z >= 1
    value = jnp.log(b) - (b + 1.0) * jnp.log(jnp.where(inside, z, 1.0)) - jnp.log(scale)
    return positive_scale(jnp.where(b > 0, jnp.where(inside, value, outside(-np.inf, z, b)), np.nan), scale)


def pdf(x, b, loc=0, scale=1):
    return jnp.exp(logpdf(x, b, loc, scale))


def logsf(x, b, loc=0, scale=1):
    z, b, scale = _z(x, b, loc, scale)
    return positive_scale(jnp.where(b > 0, -b * jnp.log(jnp.maximum(z, 1.0)), np.nan), scale)


def sf(x, b, loc=0, scale=1):
    return jnp.exp(logsf(x, b, loc, scale))


def cdf(x, b, loc=0, scale=1):
    return -jnp.expm1(logsf(x, b, loc, scale))


def logcdf(x, b, loc=0, scale=1):
    return jnp.log(cdf(x, b, loc, scale))
