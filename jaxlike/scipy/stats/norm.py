"""The normal distribution: logpdf, pdf, cdf, logcdf, sf, logsf, ppf, isf (``loc``, ``scale``). The log CDF
and log survival function go through ``special.log_ndtr``: finite far into the tails, where log(cdf) is
-inf. A front-end module: imports jaxlike.numpy and jaxlike.scipy.special."""

from ... import numpy as jnp
from .. import special
from ._util import floats, standardized, positive_scale

_HALF_LOG_2PI = 0.9189385332046727


def logpdf(x, loc=0, scale=1):
    z, scale = standardized(x, loc, scale)
    return positive_scale(-0.5 * z * z - jnp.log(scale) - _HALF_LOG_2PI, scale)


def pdf(x, loc=0, scale=1):
    return jnp.exp(logpdf(x, loc, scale))


def cdf(x, loc=0, scale=1):
    z, scale = standardized(x, loc, scale)
    return positive_scale(special.ndtr(z), scale)


def logcdf(x, loc=0, scale=1):
    z, scale = standardized(x, loc, scale)
    return positive_scale(special.log_ndtr(z), scale)


def sf(x, loc=0, scale=1):
    z, scale = standardized(x, loc, scale)
    return positive_scale(special.ndtr(-z), scale)


def logsf(x, loc=0, scale=1):
    z, scale = standardized(x, loc, scale)
    return positive_scale(special.log_ndtr(-z), scale)


def ppf(q, loc=0, scale=1):
    q, loc, scale = floats(q, loc, scale)
    return positive_scale(loc + scale * special.ndtri(q), scale)


def isf(q, loc=0, scale=1):
    q, loc, scale = floats(q, loc, scale)
    return positive_scale(loc - scale * special.ndtri(q), scale)
