"""The normal distribution truncated to [a, b] (in standard units): logpdf, pdf, logcdf, cdf, logsf, sf (``a``,
``b``, ``loc``, ``scale``). The normalizer Phi(b) - Phi(a) is taken in log space from the tail it is small
in (log_ndtr of the side away from the mass), so truncations far in a tail stay finite.
A front-end module: imports jaxlike.numpy, jaxlike.nn and jaxlike.scipy.special."""

import numpy as np

from ... import numpy as jnp
from ... import nn
from .. import special
from ._util import floats, positive_scale, outside

_HALF_LOG_2PI = 0.9189385332046727


def _log_mass(lo, hi):
    """log(Phi(hi) - Phi(lo)) for lo < hi: from the right tail when the interval lies right of 0."""
    right = lo > 0
    upper = jnp.where(right, special.log_ndtr(-lo), special.log_ndtr(hi))
    lower = jnp.where(right, special.log_ndtr(-hi), special.log_ndtr(lo))
    # NOTE: an interval far in a tail has upper = lower = -inf (mass 0): log 0, not -inf - -inf = NaN
    empty = upper == -np.inf
    return jnp.where(empty, -np.inf, upper + nn.log1mexp(jnp.where(empty, 1.0, upper - lower)))


def _parts(x, a, b, loc, scale):
    x, a, b, loc, scale = floats(x, a, b, loc, scale)
    return (x - loc) / scale, a, b, scale


def logpdf(x, a, b, loc=0, scale=1):
    z, a, b, scale = _parts(x, a, b, loc, scale)
    inside = (z >= a) & (z <= b)
    value = -0.5 * z * z - _HALF_LOG_2PI - _log_mass(a, b) - jnp.log(scale)
    return positive_scale(jnp.where(a < b, jnp.where(inside, value, outside(-np.inf, z, a, b)), np.nan), scale)


def pdf(x, a, b, loc=0, scale=1):
    return jnp.exp(logpdf(x, a, b, loc, scale))


def logcdf(x, a, b, loc=0, scale=1):
    z, a, b, scale = _parts(x, a, b, loc, scale)
    inside = z > a
    zc = jnp.clip(z, a, b)
    value = _log_mass(a, jnp.where(inside, zc, b)) - _log_mass(a, b)
    value = jnp.where(z >= b, 0.0, value)
    return positive_scale(jnp.where(a < b, jnp.where(inside, value, outside(-np.inf, z, a, b)), np.nan), scale)


def cdf(x, a, b, loc=0, scale=1):
    return jnp.exp(logcdf(x, a, b, loc, scale))


def logsf(x, a, b, loc=0, scale=1):
    z, a, b, scale = _parts(x, a, b, loc, scale)
    inside = z < b
    zc = jnp.clip(z, a, b)
    value = _log_mass(jnp.where(inside, zc, a), b) - _log_mass(a, b)
    value = jnp.where(z <= a, 0.0, value)
    return positive_scale(jnp.where(a < b, jnp.where(inside, value, outside(-np.inf, z, a, b)), np.nan), scale)


def sf(x, a, b, loc=0, scale=1):
    return jnp.exp(logsf(x, a, b, loc, scale))
