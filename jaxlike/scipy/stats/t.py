"""Student's t distribution: logpdf, pdf (``df``, ``loc``, ``scale``). A front-end module: imports
jaxlike.numpy and jaxlike.scipy.special."""

import numpy as np

from ... import numpy as jnp
from .. import special
from ._util import floats, positive_scale


def logpdf(x, df, loc=0, scale=1):
    x, df, loc, scale = floats(x, df, loc, scale)
    z = (x - loc) / scale
    half = 0.5 * (df + 1.0)
    value = (special.gammaln(half) - special.gammaln(0.5 * df) - 0.5 * jnp.log(df * np.pi)
             - half * jnp.log1p(z * z / df) - jnp.log(scale))
    return positive_scale(jnp.where(df > 0, value, np.nan), scale)


def pdf(x, df, loc=0, scale=1):
    return jnp.exp(logpdf(x, df, loc, scale))
