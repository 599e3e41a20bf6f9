"""The multinomial distribution: logpmf, pmf of counts x (..., K) with ``n`` trials and probabilities ``p``
(..., K); -inf where the counts are not non-negative integers summing to n. A front-end module: imports
jaxlike.numpy and jaxlike.scipy.special."""

import numpy as np

from ... import numpy as jnp
from .. import special
from ._util import floats


def logpmf(x, n, p):
    x, n, p = floats(x, n, p)
    valid = jnp.all((x >= 0) & (x == jnp.floor(x)), axis=-1) & (jnp.sum(x, axis=-1) == n)
    value = special.gammaln(n + 1) + jnp.sum(special.xlogy(x, p) - special.gammaln(x + 1), axis=-1)
    return jnp.where(valid, value, -np.inf)


def pmf(x, n, p):
    return jnp.exp(logpmf(x, n, p))
