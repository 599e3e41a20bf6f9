"""The beta distribution: logpdf, pdf, cdf, logcdf, sf, logsf (``a``, ``b``, ``loc``, ``scale``); the CDF is
``special.betainc`` and the survival function I_(1-z)(b, a), as JAX's, which keeps the upper tail's digits.
A front-end module: imports jaxlike.numpy and jaxlike.scipy.special."""

import numpy as np

from ... import numpy as jnp
from .. import special
from ._util import floats, positive_scale, outside


def logpdf(x, a, b, loc=0, scale=1):
    x, a, b, loc, scale = floats(x, a, b, loc, scale)
    z = (x - loc) / scale
    inside = (z >= 0) & (z <= 1)
    safe = jnp.where(inside, z, 0.5)
    value = special.xlogy(a - 1.0, safe) + special.xlog1py(b - 1.0, -safe) - special.betaln(a, b) - jnp.log(scale)
    return positive_scale(jnp.where((a > 0) & (b > 0), jnp.where(inside, value, outside(-np.inf, z, a, b)), np.nan), scale)


def pdf(x, a, b, loc=0, scale=1):
    return jnp.exp(logpdf(x, a, b, loc, scale))


def _tail(upper, x, a, b, loc, scale):
    """P(X <= x) (P(X > x) with ``upper``): betainc inside (0, 1), whose arguments are 1/2 outside it so that
    its derivative at the ends (infinite for a < 1 or b < 1) reaches no gradient."""
    x, a, b, loc, scale = floats(x, a, b, loc, scale)
    z = (x - loc) / scale
    inside = (z > 0) & (z < 1)
    safe = jnp.where(inside, z, 0.5)
    value = special.betainc(b, a, 1.0 - safe) if upper else special.betainc(a, b, safe)
    below, above = (1.0, 0.0) if upper else (0.0, 1.0)
    edge = outside(jnp.where(z <= 0, below, above), z, a, b)
    return positive_scale(jnp.where((a > 0) & (b > 0), jnp.where(inside, value, edge), np.nan), scale)


def cdf(x, a, b, loc=0, scale=1):
    return _tail(False, x, a, b, loc, scale)


def _log_of(value, other):
    """log(value), as log1p(-other) where value > 1/2 (other = 1 - value, computed directly): log(cdf) is 0
    wherever cdf rounds to 1 (scipy's logcdf is -sf there). Each log sees 1/2 where the other is taken."""
    upper = value > 0.5
    return jnp.where(upper, jnp.log1p(-jnp.where(upper, other, 0.5)), jnp.log(jnp.where(upper, 0.5, value)))


def logcdf(x, a, b, loc=0, scale=1):
    return _log_of(cdf(x, a, b, loc, scale), sf(x, a, b, loc, scale))


def sf(x, a, b, loc=0, scale=1):
    return _tail(True, x, a, b, loc, scale)


def logsf(x, a, b, loc=0, scale=1):
    return _log_of(sf(x, a, b, loc, scale), cdf(x, a, b, loc, scale))
