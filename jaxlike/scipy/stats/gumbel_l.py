"""The left-skewed Gumbel (minimum extreme value) distribution, the mirror image of ``gumbel_r``: logpdf,
pdf, logcdf, cdf, logsf, sf, ppf (``loc``, ``scale``). The CDF is 1 - exp(-exp(z)), written with expm1 (its log
with ``log1mexp``) so that it keeps its digits in both tails. A front-end module: imports jaxlike.numpy."""

import numpy as np

from ... import numpy as jnp
from ._util import floats, standardized, positive_scale, log1mexp


def logpdf(x, loc=0, scale=1):
    z, scale = standardized(x, loc, scale)
    return positive_scale(z - jnp.exp(z) - jnp.log(scale), scale)


def pdf(x, loc=0, scale=1):
    return jnp.exp(logpdf(x, loc, scale))


def logcdf(x, loc=0, scale=1):
    z, scale = standardized(x, loc, scale)
    return positive_scale(log1mexp(jnp.exp(z)), scale)


def cdf(x, loc=0, scale=1):
    z, scale = standardized(x, loc, scale)
    return positive_scale(-jnp.expm1(-jnp.exp(z)), scale)


def logsf(x, loc=0, scale=1):
    z, scale = standardized(x, loc, scale)
    return positive_scale(-jnp.exp(z), scale)


def sf(x, loc=0, scale=1):
    return jnp.exp(logsf(x, loc, scale))


def ppf(p, loc=0, scale=1):
    """The quantile loc + scale log(-log(1 - p)): -inf at p = 0 and inf at p = 1 (as scipy), NaN outside
    [0, 1]."""
    p, loc, scale = floats(p, loc, scale)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = loc + scale * jnp.log(-jnp.log1p(-p))
    return positive_scale(jnp.where((p >= 0) & (p <= 1), value, np.nan), scale)
