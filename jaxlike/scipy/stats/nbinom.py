"""The negative binomial distribution (failures before the n-th success): logpmf, pmf (``n``, ``p``,
``loc``). A front-end module: imports jaxlike.numpy and jaxlike.scipy.special."""

import numpy as np

from ... import numpy as jnp
from .. import special
from ._util import floats, outside


def logpmf(k, n, p, loc=0):
    k, n, p, loc = floats(k, n, p, loc)
    k = k - loc
    inside = (k >= 0) & (k == jnp.floor(k))
    safe = jnp.where(inside, k, 0.0)
    value = (special.gammaln(n + safe) - special.gammaln(safe + 1) - special.gammaln(n)
             + special.xlogy(n, p) + special.xlog1py(safe, -p))
    return jnp.where((p <= 0) | (p > 1) | (n <= 0), np.nan, jnp.where(inside, value, outside(-np.inf, k, n, p)))


def pmf(k, n, p, loc=0):
    return jnp.exp(logpmf(k, n, p, loc))
