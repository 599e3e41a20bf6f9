"""The generalized normal distribution: logpdf, pdf (shape ``beta``, ``loc``, ``scale``); beta = 2 is a
normal of variance 1/2, beta = 1 the Laplace distribution. A front-end module: imports jaxlike.numpy and
jaxlike.scipy.special."""

import numpy as np

from ... import numpy as jnp
from .. import special
from ._util import floats, positive_scale


def logpdf(x, beta, loc=0, scale=1):
    x, beta, loc, scale = floats(x, beta, loc, scale)
    z = (x - loc) / scale
    value = jnp.log(beta) - float(np.log(2.0)) - special.gammaln(1.0 / beta) - jnp.abs(z) ** beta - jnp.log(scale)
    return positive_scale(jnp.where(beta > 0, value, np.nan), scale)


def pdf(x, beta, loc=0, scale=1):
    return jnp.exp(logpdf(x, beta, loc, scale))
