"""The beta distribution: logpdf, pdf (``a``, ``b``, ``loc``, ``scale``). A front-end module: imports
jaxlike.numpy and jaxlike.scipy.special."""

import numpy as np

from ... import numpy as jnp
from .. import special
from ._util import floats, positive_scale, outside


def logpdf(x, a, b, loc=0, scale=1):
    x, a, b, loc, scale = floats(x, a, b, loc, scale)
    z = (x - loc) / scale
    inside = (z >= 0) & (z <= 1)
    safe = jnp.where(inside, z, 0.5)
    value = special.xlogy(a - 1.0, safe) + special.xlog1py(b - 1.0, -safe) - special.betaln(a, b) - jnp.log(scale)
    return positive_scale(jnp.where((a > 0) & (b > 0), jnp.where(inside, value, outside(-np.inf, z, a, b)), np.nan), scale)


def pdf(x, a, b, loc=0, scale=1):
    return jnp.exp(logpdf(x, a, b, loc, scale))
