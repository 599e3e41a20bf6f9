"""The Dirichlet distribution: logpdf, pdf of x on the simplex, as scipy's: ``alpha`` (K,), x (K,) or (K, N)
(N points along the second axis); -inf off the simplex (negative entries, or a sum away from 1 by more
than 1e-6 of K). A front-end module: imports jaxlike.numpy and jaxlike.scipy.special."""

import numpy as np

from ... import numpy as jnp
from .. import special
from ._util import floats


def logpdf(x, alpha):
    x, alpha = floats(x, alpha)
    if jnp.ndim(alpha) != 1:
        raise ValueError(f"dirichlet: alpha must be 1-D (K,), got shape {tuple(jnp.shape(alpha))}")
    if jnp.ndim(x) not in (1, 2) or int(jnp.shape(x)[0]) != int(jnp.shape(alpha)[0]):
        raise ValueError(f"dirichlet: x must be (K,) or (K, N) with K = {jnp.shape(alpha)[0]}, got shape "
                         f"{tuple(jnp.shape(x))}")
    a = alpha if jnp.ndim(x) == 1 else alpha[:, None]
    norm = jnp.sum(special.gammaln(alpha)) - special.gammaln(jnp.sum(alpha))
    value = jnp.sum(special.xlogy(a - 1.0, x), axis=0) - norm
    k = int(jnp.shape(alpha)[0])
    on_simplex = jnp.all(x >= 0, axis=0) & (jnp.abs(jnp.sum(x, axis=0) - 1.0) <= 1e-6 * k)
    return jnp.where(jnp.all(alpha > 0), jnp.where(on_simplex, value, -np.inf), np.nan)


def pdf(x, alpha):
    return jnp.exp(logpdf(x, alpha))
