"""The uniform distribution on [loc, loc + scale]: logpdf, pdf, cdf, ppf. A front-end module: imports
jaxlike.numpy."""

import numpy as np

from ... import numpy as jnp
from ._util import floats, positive_scale, outside


def logpdf(x, loc=0, scale=1):
    x, loc, scale = floats(x, loc, scale)
    inside = (x >= loc) & (x <= loc + scale)
    return positive_scale(jnp.where(inside, -jnp.log(jnp.where(scale > 0, scale, 1.0)), outside(-np.inf, x, loc)), scale)


def pdf(x, loc=0, scale=1):
    return jnp.exp(logpdf(x, loc, scale))


def cdf(x, loc=0, scale=1):
    x, loc, scale = floats(x, loc, scale)
    return positive_scale(jnp.clip((x - loc) / scale, 0.0, 1.0), scale)


def ppf(q, loc=0, scale=1):
    q, loc, scale = floats(q, loc, scale)
    return positive_scale(jnp.where((q >= 0) & (q <= 1), loc + q * scale, np.nan), scale)
