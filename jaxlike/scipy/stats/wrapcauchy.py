"""The wrapped Cauchy distribution on [0, 2 pi): logpdf, pdf (``c`` in (0, 1)). A front-end module: imports
jaxlike.numpy."""

import numpy as np

from ... import numpy as jnp
from ._util import floats, outside


def logpdf(x, c):
    x, c = floats(x, c)
    inside = (x >= 0) & (x <= 2 * np.pi)
    value = jnp.log1p(-c * c) - float(np.log(2 * np.pi)) - jnp.log1p(c * c - 2 * c * jnp.cos(x))
    return jnp.where((c > 0) & (c < 1), jnp.where(inside, value, outside(-np.inf, x, c)), np.nan)


def pdf(x, c):
    return jnp.exp(logpdf(x, c))
