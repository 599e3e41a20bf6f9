"""The Bernoulli distribution: logpmf, pmf, cdf, ppf (``p``, ``loc``). Differentiable in p.
A front-end module: imports jaxlike.numpy and jaxlike.scipy.special."""

import numpy as np

from ... import numpy as jnp
from .. import special
from ._util import floats, outside


def logpmf(k, p, loc=0):
    k, p, loc = floats(k, p, loc)
    k = k - loc
    inside = (k == 0) | (k == 1)
    value = special.xlogy(k, p) + special.xlog1py(1.0 - k, -p)
    return jnp.where((p < 0) | (p > 1), np.nan, jnp.where(inside, value, outside(-np.inf, k, p)))


def pmf(k, p, loc=0):
    return jnp.exp(logpmf(k, p, loc))


def cdf(k, p, loc=0):
    k, p, loc = floats(k, p, loc)
    k = k - loc
    value = jnp.where(k < 0, 0.0, jnp.where(k < 1, 1.0 - p, 1.0))
    return jnp.where((p < 0) | (p > 1) | jnp.isnan(k), np.nan, value)


def ppf(q, p, loc=0):
    q, p, loc = floats(q, p, loc)
    value = jnp.where(q > 1.0 - p, 1.0, 0.0) + loc
    value = jnp.where(q == 0, loc - 1.0, jnp.where(q == 1, loc + 1.0, value))    # q = 1: the top of the support
    return jnp.where((p < 0) | (p > 1) | (q < 0) | (q > 1) | jnp.isnan(q), np.nan, value)
