"""The Cauchy distribution: logpdf, pdf, cdf, logcdf, sf, logsf, ppf, isf (``loc``, ``scale``).
A front-end module: imports jaxlike.numpy."""

import numpy as np

from ... import numpy as jnp
from ._util import floats, standardized, positive_scale

_LOG_PI = 1.1447298858494002


def logpdf(x, loc=0, scale=1):
    z, scale = standardized(x, loc, scale)
    # NOTE: past |z| = 1e150, z * z overflows; log1p(z^2) is 2 log|z| there to the last bit
    big = jnp.abs(z) > 1e150
    tail = 2.0 * jnp.log(jnp.abs(jnp.where(big, z, 1.0)))
    return positive_scale(-_LOG_PI - jnp.log(scale) - jnp.where(big, tail, jnp.log1p(jnp.where(big, 0.0, z) ** 2)), scale)


def _lower_tail(z):
    """The standard CDF at z, as arctan(-1 / z) / pi below z = -1 (0.5 + arctan(z) / pi cancels to 0 in the
    far tail: log cdf(-1e300) was -inf, not -691.9)."""
    far = z < -1.0
    return jnp.where(far, jnp.arctan(-1.0 / jnp.where(far, z, -1.0)) / np.pi, 0.5 + jnp.arctan(z) / np.pi)


def pdf(x, loc=0, scale=1):
    return jnp.exp(logpdf(x, loc, scale))


def cdf(x, loc=0, scale=1):
    z, scale = standardized(x, loc, scale)
    return positive_scale(_lower_tail(z), scale)


def _log_lower_tail(z):
    """log of the standard CDF, as log1p(-sf) above 0, where the CDF rounds to 1."""
    upper = z > 0
    return jnp.where(upper, jnp.log1p(-_lower_tail(-jnp.where(upper, z, 0.0))), jnp.log(_lower_tail(z)))


def logcdf(x, loc=0, scale=1):
    z, scale = standardized(x, loc, scale)
    return positive_scale(_log_lower_tail(z), scale)


def sf(x, loc=0, scale=1):
    z, scale = standardized(x, loc, scale)
    return positive_scale(_lower_tail(-z), scale)


def logsf(x, loc=0, scale=1):
    z, scale = standardized(x, loc, scale)
    return positive_scale(_log_lower_tail(-z), scale)


def _standard_ppf(q):
    """tan(pi (q - 1/2)), from the form that keeps q's digits: q - 1/2 is exact for q in [1/4, 3/4]; beyond,
    -cot(pi q) for small q and -cot(pi (q - 1)) for q near 1 (tan(pi (q - 1/2)) would round q = 1e-12)."""
    middle, low = jnp.abs(q - 0.5) <= 0.25, q < 0.5
    centre = jnp.tan(np.pi * (jnp.where(middle, q, 0.5) - 0.5))
    tail = jnp.where(low, q, q - 1.0)
    tail = -1.0 / jnp.tan(np.pi * jnp.where(middle | (tail == 0), 0.1, tail))
    value = jnp.where(middle, centre, tail)
    value = jnp.where(q == 0, -np.inf, jnp.where(q == 1, np.inf, value))
    return jnp.where((q < 0) | (q > 1), np.nan, value)


def ppf(q, loc=0, scale=1):
    q, loc, scale = floats(q, loc, scale)
    return positive_scale(loc + scale * _standard_ppf(q), scale)


def isf(q, loc=0, scale=1):
    q, loc, scale = floats(q, loc, scale)
    return positive_scale(loc - scale * _standard_ppf(q), scale)
