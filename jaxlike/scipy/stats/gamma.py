"""The gamma distribution: logpdf, pdf (shape ``a``, ``loc``, ``scale``). A front-end module: imports
jaxlike.numpy and jaxlike.scipy.special."""

import numpy as np

from ... import numpy as jnp
from .. import special
from ._util import floats, positive_scale, outside


def logpdf(x, a, loc=0, scale=1):
    x, a, loc, scale = floats(x, a, loc, scale)
    z = (x - loc) / scale
    inside = z >= 0
    safe = jnp.where(inside, z, 1.0)
    value = special.xlogy(a - 1.0, safe) - safe - special.gammaln(a) - jnp.log(scale)
    return positive_scale(jnp.where(a > 0, jnp.where(inside, value, outside(-np.inf, z, a)), np.nan), scale)


def pdf(x, a, loc=0, scale=1):
    return jnp.exp(logpdf(x, a, loc, scale))
