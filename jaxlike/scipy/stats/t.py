"""Student's t distribution: logpdf, pdf, cdf, sf (``df``, ``loc``, ``scale``; JAX has the first two). The
CDF's tail is I_(df / (df + z^2))(df / 2, 1/2) / 2 (``special.betainc``); df = inf is the normal
distribution. A front-end module: imports jaxlike.numpy and jaxlike.scipy.special."""

import numpy as np

from ... import numpy as jnp
from .. import special
from .._incomplete import betainc_pair
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


def _tails(x, df, loc, scale):
    """(cdf, sf, df, scale). The tail beyond |z| is I_w(df / 2, 1/2) / 2 with w = df / (df + z^2), taken with
    1 - w = z^2 / (df + z^2) both to full precision, as 1 / (1 + z^2 / df) and 1 / (1 + df / z^2) (an
    overflowing z^2 gives 0 and 1, not inf / inf). Near 0, where 1 - w underflows and the infinite derivative
    of I there would meet d(1 - w)/dz = 0 (NaN), the CDF is 1/2 + z pdf(0), exact to 1e-16 for
    |z| < 1e-8 sqrt(df); the betainc sees z = 1 there. df = inf is the normal distribution."""
    x, df, loc, scale = floats(x, df, loc, scale)
    z = (x - loc) / scale
    normal = df == np.inf
    dff = jnp.where(normal | ~(df > 0), 1.0, df)
    tiny = z * z < 1e-16 * dff
    zs = jnp.where(tiny, 1.0, z)
    z2 = zs * zs
    tail = 0.5 * betainc_pair(0.5 * dff, 0.5, 1.0 / (1.0 + z2 / dff), 1.0 / (1.0 + dff / z2))
    tail = jnp.where(normal, special.ndtr(-jnp.where(z > 0, z, -z)), tail)
    linear = jnp.where(tiny, z, 0.0) * jnp.exp(-special.betaln(0.5, 0.5 * dff) - 0.5 * jnp.log(dff))
    tiny = tiny & ~normal
    cdf = jnp.where(tiny, 0.5 + linear, jnp.where(z > 0, 1.0 - tail, tail))
    sf = jnp.where(tiny, 0.5 - linear, jnp.where(z > 0, tail, 1.0 - tail))
    return cdf, sf, df, scale


def cdf(x, df, loc=0, scale=1):
    value, _, df, scale = _tails(x, df, loc, scale)
    return positive_scale(jnp.where(df > 0, value, np.nan), scale)


def sf(x, df, loc=0, scale=1):
    _, value, df, scale = _tails(x, df, loc, scale)
    return positive_scale(jnp.where(df > 0, value, np.nan), scale)
