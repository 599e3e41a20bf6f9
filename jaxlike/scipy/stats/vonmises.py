"""The von Mises distribution of an angle: logpdf, pdf (concentration ``kappa`` > 0, NaN otherwise), as
JAX's: exp(kappa cos x) / (2 pi I0(kappa)) for every real x (periodic, not cut to [-pi, pi]). The normalizer
uses the scaled Bessel function i0e (I0(k) = i0e(k) e^k) so that a large kappa does not overflow.
A front-end module: imports jaxlike.numpy and jaxlike.scipy.special."""

import numpy as np

from ... import numpy as jnp
from .. import special
from ._util import floats


def logpdf(x, kappa):
    x, kappa = floats(x, kappa)
    # NOTE: kappa (cos x - 1) rather than kappa cos x - kappa: the two large terms cancel before rounding
    value = kappa * (jnp.cos(x) - 1) - jnp.log(2 * np.pi * special.i0e(kappa))
    return jnp.where(kappa > 0, value, np.nan)


def pdf(x, kappa):
    return jnp.exp(logpdf(x, kappa))
