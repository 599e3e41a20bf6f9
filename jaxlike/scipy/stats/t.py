"""Student's t distribution: logpdf, pdf (``df``, ``loc``, ``scale``). A front-end module: imports
jaxlike.numpy and jaxlike.scipy.special."""

import numpy as np

from ... import numpy as jnp
from .. import special
from ._util import floats, positive_scale


def logpdf(x, df, loc=0, scale=1):
    x, df, loc, scale = floats(x, df, loc, scale)
    z = (x - loc) / scale
    # NOTE: df = inf is the normal distribution (its limit); the finite form would be inf - inf there
    normal = df == np.inf
    dff = jnp.where(normal, 1.0, df)
    half = 0.5 * (dff + 1.0)
    # NOTE: lgamma((df + 1) / 2) - lgamma(df / 2) - log(pi) / 2 is -betaln(1/2, df / 2), whose difference form
    # keeps the digits the two log-gammas lose to cancellation for a large df (1e-8 off at df = 1e8)
    value = (-special.betaln(0.5, 0.5 * dff) - 0.5 * jnp.log(dff)
             - half * jnp.log1p(z * z / dff) - jnp.log(scale))
    value = jnp.where(normal, -0.5 * z * z - 0.9189385332046727 - jnp.log(scale), value)
    return positive_scale(jnp.where(df > 0, value, np.nan), scale)


def pdf(x, df, loc=0, scale=1):
    return jnp.exp(logpdf(x, df, loc, scale))
