"""``jax.lax``'s special functions (re-exported by ``jaxlike.lax``): ``erf``, ``erfc``, ``erf_inv``, ``lgamma``,
``digamma``, ``nextafter``, the incomplete gamma and beta functions (``igamma``, ``igammac``, ``igamma_grad_a``,
``random_gamma_grad``, ``betainc``) and ``bessel_i0e``/``bessel_i1e``, for floating operands only (as in JAX).

``lgamma`` and ``digamma`` are ``scipy.special``'s ``gammaln`` and ``digamma`` (composites, see there) with lax's
dtype checks.
``nextafter`` is exact: frexp/ldexp give the spacing of the floats around x.
A front-end module: imports core, ops, jaxlike.numpy, jaxlike.scipy."""

import numpy as np

from .. import numpy as jnp
from ..scipy import special as _sp
from ..numpy._windows_and_polys import frexp, ldexp
from .elementwise import operands

__all__ = ["erf", "erfc", "erf_inv", "lgamma", "digamma", "nextafter", "igamma", "igammac", "igamma_grad_a",
           "random_gamma_grad", "betainc", "bessel_i0e", "bessel_i1e"]


def erf(x):
    """The error function."""
    (x,) = operands("erf", [x], "f")
    return _sp.erf(x)


def erfc(x):
    """1 - erf(x), accurate where erf(x) is near 1."""
    (x,) = operands("erfc", [x], "f")
    return _sp.erfc(x)


def erf_inv(x):
    """The inverse of erf on [-1, 1] (+-inf at +-1, NaN outside)."""
    (x,) = operands("erf_inv", [x], "f")
    return _sp.erfinv(x)


def lgamma(x):
    """log |Gamma(x)| (``scipy.special.gammaln``)."""
    (x,) = operands("lgamma", [x], "f")
    return _sp.gammaln(x)


def digamma(x):
    """psi(x) = d lgamma(x) / dx (``scipy.special.digamma``)."""
    (x,) = operands("digamma", [x], "f")
    return _sp.digamma(x)


def nextafter(x1, x2):
    """The next float after x1 in the direction of x2 (x2 itself when they are equal; NaN if either is NaN).
    Exact and subnormal-aware: the step is the spacing of the floats at x1, halved below a power of two."""
    x, y = operands("nextafter", [x1, x2], "f")
    dt = x.dtype
    info = np.finfo(dt)
    digits = info.nmant + 1
    min_exp = int(np.log2(info.smallest_subnormal))
    with np.errstate(all="ignore"):
        finite = jnp.isfinite(x)
        mag = jnp.abs(jnp.where(finite, x, 1.0))
        mant, e = frexp(jnp.where(mag == 0, 1.0, mag).astype(dt))
        away = (y > x) == (x > 0)             # NOTE: the step grows |x|
        e_step = e - digits - jnp.where(away | (mant != 0.5), 0, 1)
        e_step = jnp.maximum(e_step, min_exp)
        step = ldexp(np.asarray(1.0, dt), e_step).astype(dt)
        direction = jnp.where(y > x, 1.0, -1.0).astype(dt)
        moved = x + direction * step
        tiny = (direction * info.smallest_subnormal).astype(dt)
        out = jnp.where(x == 0, tiny, moved)
        out = jnp.where(finite, out, jnp.where(x > 0, info.max, -info.max).astype(dt))
        out = jnp.where(x == y, y, out)
        return jnp.where(jnp.isnan(x) | jnp.isnan(y), np.asarray(np.nan, dt), out).astype(dt)


def igamma(a, x):
    """The regularized lower incomplete gamma function P(a, x) (``scipy.special.gammainc``)."""
    a, x = operands("igamma", [a, x], "f")
    return _sp.gammainc(a, x)


def igammac(a, x):
    """The regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x) (``scipy.special.gammaincc``)."""
    a, x = operands("igammac", [a, x], "f")
    return _sp.gammaincc(a, x)


def igamma_grad_a(a, x):
    """d P(a, x) / d a, element by element (the derivative gammainc's own rule gives)."""
    from ..api import jvp
    a, x = operands("igamma_grad_a", [a, x], "f")
    a, x = jnp.broadcast_arrays(a, x)
    # NOTE: P is elementwise, so its JVP along ones is each element's own derivative
    return jvp(lambda b: _sp.gammainc(b, x), (a,), (jnp.ones_like(a),))[1]


def random_gamma_grad(a, x):
    """d x / d a of a Gamma(a, 1) draw x, at fixed quantile (the implicit derivative ``random.gamma`` uses)."""
    from ..random.gamma_family import sample_grad
    a, x = operands("random_gamma_grad", [a, x], "f")
    return sample_grad(a, x, False)


def betainc(a, b, x):
    """The regularized incomplete beta function I_x(a, b) (``scipy.special.betainc``)."""
    a, b, x = operands("betainc", [a, b, x], "f")
    return _sp.betainc(a, b, x)


def bessel_i0e(x):
    """exp(-|x|) I0(x), the exponentially scaled modified Bessel function of order 0."""
    (x,) = operands("bessel_i0e", [x], "f")
    return _sp.i0e(x)


def bessel_i1e(x):
    """exp(-|x|) I1(x), the exponentially scaled modified Bessel function of order 1."""
    (x,) = operands("bessel_i1e", [x], "f")
    return _sp.i1e(x)
