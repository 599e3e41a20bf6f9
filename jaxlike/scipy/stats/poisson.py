"""The Poisson distribution: logpmf, pmf (``mu``, ``loc``); 0 probability off the non-negative integers.
A front-end module: imports jaxlike.numpy and jaxlike.scipy.special."""

import numpy as np

from ... import numpy as jnp
from .. import special
from ._util import floats, outside


def logpmf(k, mu, loc=0):
    k, mu, loc = floats(k, mu, loc)
    k = k - loc
    inside = (k >= 0) & (k == jnp.floor(k))
    safe = jnp.where(inside, k, 0.0)
    value = special.xlogy(safe, mu) - special.gammaln(safe + 1) - mu
    return jnp.where(mu < 0, np.nan, jnp.where(inside, value, outside(-np.inf, k, mu)))


def pmf(k, mu, loc=0):
    return jnp.exp(logpmf(k, mu, loc))
