"""The chi-squared distribution: logpdf, pdf, cdf, logcdf, sf, logsf (``df``, ``loc``, ``scale``): a gamma of
shape df / 2 and scale 2. A front-end module: imports the gamma distribution."""

from ... import numpy as jnp
from . import gamma
from ._util import floats


def logpdf(x, df, loc=0, scale=1):
    x, df, loc, scale = floats(x, df, loc, scale)
    return gamma.logpdf(x, df / 2.0, loc, 2.0 * scale)


def pdf(x, df, loc=0, scale=1):
    return jnp.exp(logpdf(x, df, loc, scale))


def cdf(x, df, loc=0, scale=1):
    x, df, loc, scale = floats(x, df, loc, scale)
    return gamma.cdf(x, df / 2.0, loc, 2.0 * scale)


def logcdf(x, df, loc=0, scale=1):
    x, df, loc, scale = floats(x, df, loc, scale)
    return gamma.logcdf(x, df / 2.0, loc, 2.0 * scale)


def sf(x, df, loc=0, scale=1):
    x, df, loc, scale = floats(x, df, loc, scale)
    return gamma.sf(x, df / 2.0, loc, 2.0 * scale)


def logsf(x, df, loc=0, scale=1):
    x, df, loc, scale = floats(x, df, loc, scale)
    return gamma.logsf(x, df / 2.0, loc, 2.0 * scale)
