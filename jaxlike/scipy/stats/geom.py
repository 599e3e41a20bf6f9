"""The geometric distribution on k = 1, 2, ...: logpmf, pmf, cdf (``p``, ``loc``). Differentiable in p.
A front-end module: imports jaxlike.numpy and jaxlike.scipy.special."""

import numpy as np

from ... import numpy as jnp
from .. import special
from ._util import floats, outside


def logpmf(k, p, loc=0):
    k, p, loc = floats(k, p, loc)
    k = k - loc
    inside = (k >= 1) & (k == jnp.floor(k))
    value = special.xlog1py(jnp.where(inside, k, 1.0) - 1.0, -p) + jnp.log(p)
    return jnp.where((p <= 0) | (p > 1), np.nan, jnp.where(inside, value, outside(-np.inf, k, p)))


def pmf(k, p, loc=0):
    return jnp.exp(logpmf(k, p, loc))


def cdf(k, p, loc=0):
    k, p, loc = floats(k, p, loc)
    k = jnp.floor(k - loc)
    value = jnp.where(k >= 1, -jnp.expm1(special.xlog1py(jnp.maximum(k, 1.0), -p)), 0.0)
    return jnp.where((p <= 0) | (p > 1) | jnp.isnan(k), np.nan, value)
