"""The beta-binomial distribution: logpmf, pmf (``n``, ``a``, ``b``, ``loc``). A front-end module: imports
jaxlike.numpy and jaxlike.scipy.special."""

import numpy as np

from ... import numpy as jnp
from .. import special
from ._util import floats, outside


def logpmf(k, n, a, b, loc=0):
    k, n, a, b, loc = floats(k, n, a, b, loc)
    k = k - loc
    inside = (k >= 0) & (k <= n) & (k == jnp.floor(k))
    safe = jnp.where(inside, k, 0.0)
    choose = special.gammaln(n + 1) - special.gammaln(safe + 1) - special.gammaln(n - safe + 1)
    value = choose + special.betaln(safe + a, n - safe + b) - special.betaln(a, b)
    return jnp.where((a <= 0) | (b <= 0) | (n < 0) | (n != jnp.floor(n)), np.nan,
                     jnp.where(inside, value, outside(-np.inf, k, n, a, b)))


def pmf(k, n, a, b, loc=0):
    return jnp.exp(logpmf(k, n, a, b, loc))
