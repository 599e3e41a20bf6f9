"""The logistic distribution: logpdf, pdf, cdf, logcdf, sf, logsf, ppf, isf (``loc``, ``scale``), written
with softplus so that no tail overflows. A front-end module: imports jaxlike.numpy, jaxlike.nn and
jaxlike.scipy.special."""

from ... import numpy as jnp
from ... import nn
from .. import special
from ._util import floats, standardized, positive_scale


def logpdf(x, loc=0, scale=1):
    z, scale = standardized(x, loc, scale)
    # NOTE: the symmetric form on each side: -z - 2 softplus(-z) is inf - inf at z = -inf
    value = jnp.where(z < 0, z - 2.0 * nn.softplus(z), -z - 2.0 * nn.softplus(-z))
    return positive_scale(value - jnp.log(scale), scale)


def pdf(x, loc=0, scale=1):
    return jnp.exp(logpdf(x, loc, scale))


def cdf(x, loc=0, scale=1):
    z, scale = standardized(x, loc, scale)
    return positive_scale(special.expit(z), scale)


def logcdf(x, loc=0, scale=1):
    z, scale = standardized(x, loc, scale)
    return positive_scale(-nn.softplus(-z), scale)


def sf(x, loc=0, scale=1):
    z, scale = standardized(x, loc, scale)
    return positive_scale(special.expit(-z), scale)


def logsf(x, loc=0, scale=1):
    z, scale = standardized(x, loc, scale)
    return positive_scale(-nn.softplus(z), scale)


def ppf(q, loc=0, scale=1):
    q, loc, scale = floats(q, loc, scale)
    return positive_scale(loc + scale * special.logit(q), scale)


def isf(q, loc=0, scale=1):
    q, loc, scale = floats(q, loc, scale)
    return positive_scale(loc - scale * special.logit(q), scale)
