"""The binomial distribution: logpmf, pmf (``n``, ``p``, ``loc``). Differentiable in p (and n, through the
gamma function). A front-end module: imports jaxlike.numpy and jaxlike.scipy.special."""

import numpy as np

from ... import numpy as jnp
from .. import special
from ._util import floats, outside


def logpmf(k, n, p, loc=0):
    k, n, p, loc = floats(k, n, p, loc)
    k = k - loc
    inside = (k >= 0) & (k <= n) & (k == jnp.floor(k))
    safe = jnp.where(inside, k, 0.0)
    value = (special.gammaln(n + 1) - special.gammaln(safe + 1) - special.gammaln(n - safe + 1)
             + special.xlogy(safe, p) + special.xlog1py(n - safe, -p))
    return jnp.where((p < 0) | (p > 1) | (n < 0) | (n != jnp.floor(n)), np.nan,
                     jnp.where(inside, value, outside(-np.inf, k, n, p)))


def pmf(k, n, p, loc=0):
    return jnp.exp(logpmf(k, n, p, loc))
