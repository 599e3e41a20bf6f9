"""The gamma distribution: logpdf, pdf, cdf, logcdf, sf, logsf (shape ``a``, ``loc``, ``scale``); the CDF and
survival function are ``special.gammainc`` and ``gammaincc`` (the upper tail computed directly, so logsf stays
finite where 1 - cdf rounds to 0). A front-end module: imports jaxlike.numpy and jaxlike.scipy.special."""

import numpy as np

from ... import numpy as jnp
from .. import special
from ._util import floats, positive_scale, outside


def logpdf(x, a, loc=0, scale=1):
    x, a, loc, scale = floats(x, a, loc, scale)
    z = (x - loc) / scale
    inside = z >= 0
    safe = jnp.where(inside, z, 1.0)
    value = special.xlogy(a - 1.0, safe) - safe - special.gammaln(a) - jnp.log(scale)
    return positive_scale(jnp.where(a > 0, jnp.where(inside, value, outside(-np.inf, z, a)), np.nan), scale)


def pdf(x, a, loc=0, scale=1):
    return jnp.exp(logpdf(x, a, loc, scale))


def _tail(fn, below, x, a, loc, scale):
    """``fn(a, z)`` for z = (x - loc) / scale > 0 and ``below`` at z <= 0 (its value at 0 for both tails);
    the function sees z = 1 there, so its derivative at 0 (infinite for a < 1) reaches no gradient."""
    x, a, loc, scale = floats(x, a, loc, scale)
    z = (x - loc) / scale
    inside = z > 0
    value = fn(a, jnp.where(inside, z, 1.0))
    return positive_scale(jnp.where(a > 0, jnp.where(inside, value, outside(below, z, a)), np.nan), scale)


def cdf(x, a, loc=0, scale=1):
    return _tail(special.gammainc, 0.0, x, a, loc, scale)


def _log_of(value, other):
    """log(value), as log1p(-other) where value > 1/2 (other = 1 - value, computed directly): log(cdf) is 0
    wherever cdf rounds to 1 (scipy's logcdf is -sf there). Each log sees 1/2 where the other is taken."""
    upper = value > 0.5
    return jnp.where(upper, jnp.log1p(-jnp.where(upper, other, 0.5)), jnp.log(jnp.where(upper, 0.5, value)))


def logcdf(x, a, loc=0, scale=1):
    return _log_of(cdf(x, a, loc, scale), sf(x, a, loc, scale))


def sf(x, a, loc=0, scale=1):
    return _tail(special.gammaincc, 1.0, x, a, loc, scale)


def logsf(x, a, loc=0, scale=1):
    return _log_of(sf(x, a, loc, scale), cdf(x, a, loc, scale))
