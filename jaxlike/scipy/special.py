"""``jaxlike.scipy.special``, as ``jax.scipy.special``: erf, erfc, erfinv, ndtri, expit, logit, logsumexp, xlogy, xlog1py,
entr, rel_entr, kl_div, huber, pseudo_huber, ndtr, log_ndtr, softmax, log_softmax; from ``_gamma.py``
gammaln, digamma, gamma, gammasgn, beta, betaln, multigammaln, factorial, comb, poch, zeta, polygamma; from
``_incomplete.py`` gammainc, gammaincc, betainc; from ``_bessel.py`` i0, i1, i0e, i1e; from
``_exponential_integrals.py`` exp1, expi, expn, spence, dawsn, erfcx; from ``_more_special.py`` boxcox, boxcox1p,
loggamma, bernoulli, sici, fresnel, owens_t, bessel_jn, hyp1f1. Differentiable, and
safe where a naive form's untaken branch would put a NaN into the gradient (xlogy at x = 0). A front-end module: imports ops and jaxlike.numpy."""

import numpy as np

from ..ops import special as _special
from ..custom_derivatives import custom_jvp
from .. import numpy as jnp
from .. import nn
from ..numpy._base import asarray_or_var
from ._gamma import (_polevl, _floats, gammaln, digamma, gamma, gammasgn, beta, betaln, multigammaln,  # noqa: F401
                     factorial, comb, poch, zeta, polygamma)
from .._lazy import lazy_names

# NOTE: imported when first used (``_lazy.py``): 25 ms of every ``import jaxlike`` otherwise
__getattr__, __dir__ = lazy_names(globals(), {
    "_incomplete": ("gammainc", "gammaincc", "betainc"),
    "_bessel": ("i0", "i1", "i0e", "i1e"),
    "_exponential_integrals": ("exp1", "expi", "expn", "spence", "dawsn", "erfcx"),
    "_more_special": ("boxcox", "boxcox1p", "loggamma", "bernoulli", "sici", "fresnel", "owens_t", "bessel_jn",
                      "hyp1f1")})

__all__ = ["erf", "erfc", "erfinv", "ndtri", "expit", "logit", "logsumexp", "xlogy", "xlog1py", "entr", "rel_entr",
           "kl_div", "huber", "pseudo_huber", "ndtr", "log_ndtr", "softmax", "log_softmax", "gammaln", "digamma", "gamma", "gammasgn", "beta", "betaln",
           "multigammaln", "factorial", "comb", "poch", "zeta", "polygamma", "gammainc", "gammaincc", "betainc",
           "i0", "i1", "i0e", "i1e", "exp1", "expi", "expn", "spence", "dawsn", "erfcx", "boxcox", "boxcox1p",
           "loggamma", "bernoulli", "sici", "fresnel", "owens_t", "bessel_jn", "hyp1f1"]


def erf(x):
    return _special.erf(asarray_or_var(x))


def erfc(x):
    return _special.erfc(asarray_or_var(x))


# Giles, "Approximating the erfinv function" (GPU Computing Gems, 2011), single-precision form: the start of
# the Newton steps in ``erfinv``
_GILES_CENTRAL = (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
                  -0.00125372503, -0.00417768164, 0.246640727, 1.50140941)
_GILES_TAIL = (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
               0.00943887047, 1.00167406, 2.83297682)
_TWO_OVER_SQRT_PI = 1.1283791670955126


def _erfinv_magnitude(a, c):
    """x >= 0 with erf(x) = a, given a in [0, 1) and c = 1 - a, each to full relative precision (the tails
    need c, which 1 - a loses for a near 1): Giles' single-precision approximation, then three Newton steps,
    on erf(x) = a below 0.5 (relative accuracy for tiny a) and on log erfc(x) = log(c) above (nearly
    quadratic there, so the tails converge too). Differentiable: at convergence the derivative of the
    iteration is 1 / erf'(x)."""
    w = -(jnp.log(c) + jnp.log1p(a))            # -log(1 - a^2)
    central, far = w < 5.0, w > 30.0
    x = jnp.where(central, _polevl(_GILES_CENTRAL, jnp.where(central, w, 2.5) - 2.5),
                  _polevl(_GILES_TAIL, jnp.sqrt(jnp.where(central, 5.0, jnp.minimum(w, 30.0))) - 3.0)) * a
    # NOTE: beyond erfc(x) = 1e-13 Giles' fit extrapolates (to NaN for c = 1e-300); there erfc(x) ~
    # exp(-x^2) / (x sqrt(pi)) gives x^2 = L - log(x sqrt(pi)) with L = -log(c), one substitution from sqrt(L)
    big = -jnp.log(jnp.where(far, c, 1e-14))
    x = jnp.where(far, jnp.sqrt(big - jnp.log(jnp.sqrt(big) * 1.7724538509055159)), x)
    small = a < 0.5
    c = jnp.where(small, 0.5, c)
    for _ in range(3):
        slope = _TWO_OVER_SQRT_PI * jnp.exp(-x * x)
        tail = erfc(x)
        x = jnp.where(small, x - (erf(x) - a) / slope, x + (jnp.log(tail) - jnp.log(c)) * tail / slope)
    return x


def _inf_or_nan(at_one, negative, like):
    return jnp.astype(jnp.where(at_one, jnp.where(negative, -np.inf, np.inf), np.nan), like.dtype)


def erfinv(y):
    """The inverse of erf on [-1, 1] (+-inf at +-1, NaN outside); erf(erfinv(y)) is y to an ulp. Its derivative
    sqrt(pi)/2 exp(erfinv(y)^2) is +inf at +-1."""
    return _erfinv(asarray_or_var(y))


@custom_jvp
def _erfinv(y):
    return _erfinv_value(y)


@_erfinv.defjvp
def _erfinv_jvp(primals, tangents):
    (y,), (t,) = primals, tangents
    # NOTE: from the value, so the edges' +-inf give an infinite slope (the selects of the value gave 0); the
    # rule uses the plain composite, whose own derivative serves higher orders
    out = _erfinv_value(y)
    return out, t * (0.8862269254527580 * jnp.exp(out * out))


def _erfinv_value(y):
    # NOTE: eager numpy evaluates every branch of the selects below, including the ones at |y| >= 1
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # NOTE: not abs(y): its derivative at 0 is 0, which made erfinv's gradient 0 there (2 / sqrt(pi))
        a = jnp.where(y < 0, -y, y)
        inside = a < 1.0
        safe = jnp.where(inside, a, 0.0)
        x = _erfinv_magnitude(safe, 1.0 - safe)
        return jnp.where(inside, jnp.where(y < 0, -x, x), _inf_or_nan(a == 1.0, y < 0, x))


def ndtri(p):
    """The inverse of the standard normal CDF: sqrt(2) erfinv(2p - 1), with 1 - |2p - 1| formed as 2p (or
    2(1 - p), exact for p >= 1/2) so that the tails keep their digits (2p - 1 rounds p = 1e-12 to 5 digits)."""
    p = asarray_or_var(p)
    p = p if jnp.result_type(p).kind == "f" else jnp.asarray(p, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        inside = (p > 0) & (p < 1)
        lower = p < 0.5
        c = jnp.where(inside, jnp.where(lower, 2.0 * p, 2.0 * (1.0 - p)), 1.0)
        x = 1.4142135623730951 * _erfinv_magnitude(1.0 - c, c)
        return jnp.where(inside, jnp.where(lower, -x, x), _inf_or_nan((p == 0) | (p == 1), p == 0, x))


expit = nn.sigmoid
softmax = nn.softmax
log_softmax = nn.log_softmax


def logit(x):
    """log(x / (1 - x))."""
    x = asarray_or_var(x)
    return jnp.log(x) - jnp.log1p(-x)


def logsumexp(a, axis=None, b=None, keepdims=False, return_sign=False, where=None):
    """log(sum(b * exp(a))) over ``axis`` without overflow (``where``: the elements that count); with
    ``return_sign``, (log|sum|, sign)."""
    if b is None and not return_sign:
        return nn.logsumexp(a, axis=axis, keepdims=keepdims, where=where)
    a = nn._inexact(a)
    if b is None:
        b = 1.0
    else:
        # NOTE: a and b promoted together first, as JAX's promote_args_inexact: float32 a with float64 b is
        # computed in float64, not exp'd in float32 and then widened
        b = asarray_or_var(b)
        common = jnp.promote_types(jnp.result_type(a), jnp.result_type(b))
        a, b = jnp.astype(a, common), jnp.astype(b, common)
    if where is not None:
        a = jnp.where(asarray_or_var(where), a, -np.inf)
    top = jnp.stop_gradient(jnp.max(a, axis=axis, keepdims=True, initial=-np.inf))
    top = jnp.where(jnp.isfinite(top), top, 0.0)
    total = jnp.sum(b * jnp.exp(a - top), axis=axis, keepdims=True)
    sign = jnp.sign(total)
    out = jnp.log(jnp.abs(total)) + top
    if not keepdims:
        squeeze = (lambda v: jnp.squeeze(v, axis=axis)) if axis is not None else (lambda v: jnp.reshape(v, ()))
        out, sign = squeeze(out), squeeze(sign)
    if return_sign:
        return out, sign
    return jnp.where(sign < 0, np.nan, out)


def xlogy(x, y):
    """x * log(y): +0 where x == 0 (also for y == 0) unless y is NaN, as scipy's and JAX's. Its derivative is
    JAX's, log(y) dx + x / y dy, except where x == 0 and log(y) is not finite (y <= 0, y = inf): 0 there, so that
    a select around xlogy (entr at 0) gets no NaN from its untaken branch (JAX's is -inf and NaN)."""
    return _xlogy(*_floats(x, y, fname="xlogy", complex_ok=True))


def xlog1py(x, y):
    """x * log1p(y): +0 where x == 0 (also for y == -1) unless y is NaN; the derivative as xlogy's."""
    return _xlog1py(*_floats(x, y, fname="xlog1py", complex_ok=True))


def _safe_at_zero(x, y, edge, replacement):
    """y, with ``replacement`` where x == 0 and y is at or below ``edge`` or infinite (NaN stays NaN)."""
    return jnp.where((x == 0) & ((y <= edge) | (y == np.inf)), replacement, y)


def _zero_where_x_is(x, y, product):
    # NOTE: a select, not the product alone: 0 * log(y < 1) is -0.0 where scipy and JAX give +0.0, and the
    # `+ 0.0` that once turned it into +0.0 is dropped by the simplifier's x + 0 -> x rule when compiled
    return jnp.where((x == 0) & ~jnp.isnan(y), jnp.zeros_like(product), product)


# NOTE: custom rules, as JAX's: the select above gives x == 0 no derivative in x, where JAX's is log(y)
@custom_jvp
def _xlogy(x, y):
    return _zero_where_x_is(x, y, x * jnp.log(_safe_at_zero(x, y, 0.0, 1.0)))


@_xlogy.defjvp
def _xlogy_jvp(primals, tangents):
    (x, y), (tx, ty) = primals, tangents
    safe = _safe_at_zero(x, y, 0.0, 1.0)
    return _xlogy(x, y), tx * jnp.log(safe) + ty * (x / safe)


@custom_jvp
def _xlog1py(x, y):
    return _zero_where_x_is(x, y, x * jnp.log1p(_safe_at_zero(x, y, -1.0, 0.0)))


@_xlog1py.defjvp
def _xlog1py_jvp(primals, tangents):
    (x, y), (tx, ty) = primals, tangents
    safe = _safe_at_zero(x, y, -1.0, 0.0)
    return _xlog1py(x, y), tx * jnp.log1p(safe) + ty * (x / (1.0 + safe))


def entr(x):
    """-x log x for x > 0, 0 at 0, -inf for x < 0; its derivative -(1 + log x) is +inf at 0."""
    return _entr(asarray_or_var(x))


@custom_jvp
def _entr(x):
    return _entr_value(x)


@_entr.defjvp
def _entr_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    with np.errstate(divide="ignore", invalid="ignore"):
        return _entr_value(x), t * -(1.0 + jnp.log(x))


def _entr_value(x):
    # NOTE: the edge values take x's dtype: a select between two Python floats is a float64 array eagerly,
    # which made entr of float32 float64
    return _nan_from(jnp.where(x > 0, -xlogy(x, x), jnp.where(x == 0, jnp.zeros_like(x), -np.inf)), x)


def ndtr(x):
    """The standard normal CDF, 0.5 * erfc(-x / sqrt(2))."""
    return 0.5 * erfc(-asarray_or_var(x) * 0.7071067811865476)


def log_ndtr(x):
    """log of the standard normal CDF without underflow: log1p(-ndtr(-x)) above 0, log(ndtr(x)) down to
    -20 (-10 in float32, where ndtr underflows sooner), and below that the asymptotic series
    log(phi(x) / -x) + log(1 - 1/x^2 + 3/x^4 - ...), whose next term is below 1e-15 there. Each branch sees
    only inputs in its own range, so the untaken ones put no NaN into the gradient."""
    x = asarray_or_var(x)
    dt = jnp.result_type(x)
    x = x if dt.kind == "f" else jnp.asarray(x, dtype=np.float64)
    low = -10.0 if jnp.result_type(x) == np.float32 else -20.0
    upper = x > 0.0
    middle = (x > low) & ~upper
    far = jnp.where(upper | middle, low - 1.0, x)
    near = jnp.where(middle, x, 0.0)
    high = jnp.where(upper, x, 1.0)
    w = 1.0 / (far * far)
    # (2k - 1)!! (-w)^k for k = 1..8, Horner from the innermost term
    series = 1.0
    for k in range(8, 0, -1):
        series = 1.0 - (2 * k - 1) * w * series
    asymptotic = -0.5 * far * far - jnp.log(-far) - 0.9189385332046727 + jnp.log(series)
    return jnp.where(upper, jnp.log1p(-ndtr(-high)), jnp.where(middle, jnp.log(ndtr(near)), asymptotic))


def rel_entr(x, y):
    """x log(x / y) for x, y > 0; 0 at x = 0 (y >= 0); inf otherwise."""
    x, y = _floats(x, y, fname="rel_entr")
    both = (x > 0) & (y > 0)
    safe_x, safe_y = jnp.where(both, x, 1.0), jnp.where(both, y, 1.0)
    inside = safe_x * (jnp.log(safe_x) - jnp.log(safe_y))
    out = jnp.where(both, inside, jnp.where((x == 0) & (y >= 0), jnp.zeros_like(inside), np.inf))
    return _nan_from(out, x, y)


def _nan_from(out, *xs):
    """NaN where any operand is NaN (scipy's answer), where a support test alone would give inf or 0."""
    nan = jnp.isnan(xs[0])
    for x in xs[1:]:
        nan = nan | jnp.isnan(x)
    return jnp.where(nan, np.nan, out)


def kl_div(x, y):
    """x log(x / y) - x + y for x, y > 0; y at x = 0 (y >= 0); inf otherwise."""
    x, y = _floats(x, y, fname="kl_div")
    both = (x > 0) & (y > 0)
    safe_x, safe_y = jnp.where(both, x, 1.0), jnp.where(both, y, 1.0)
    inside = safe_x * (jnp.log(safe_x) - jnp.log(safe_y)) - safe_x + safe_y
    return _nan_from(jnp.where(both, inside, jnp.where((x == 0) & (y >= 0), y, np.inf)), x, y)


def huber(delta, r):
    """r^2 / 2 where |r| <= delta, delta (|r| - delta / 2) beyond; inf for delta < 0."""
    delta, r = asarray_or_var(delta), asarray_or_var(r)
    a = jnp.abs(r)
    return jnp.where(delta < 0, np.inf, jnp.where(a <= delta, 0.5 * r * r, delta * (a - 0.5 * delta)))


def pseudo_huber(delta, r):
    """delta^2 (sqrt(1 + (r / delta)^2) - 1); inf for delta < 0, 0 for delta = 0, r^2 / 2 for delta = inf (the
    limit). Computed as r^2 / (sqrt(1 + t^2) + 1) for t = |r| / delta <= 1 and as delta |r| / (sqrt(1 + u^2) + u)
    with u = 1 / t beyond: the same value without the cancellation of sqrt(1 + t^2) - 1 (0 instead of 0.5 at
    delta = 1e10, r = 1) or the overflow of delta^2 (NaN at delta = 1e300, r = 0)."""
    delta, r = asarray_or_var(delta), asarray_or_var(r)
    ok = delta > 0
    d = jnp.where(ok, delta, 1.0)
    a = jnp.abs(r)
    small = a <= d
    rs = jnp.where(small, r, 0.0)
    t = rs / d
    near = rs * rs / (jnp.sqrt(1.0 + t * t) + 1.0)
    ab = jnp.where(small, d, a)
    u = d / ab
    far = d * ab / (jnp.sqrt(1.0 + u * u) + u)
    edge = jnp.where(delta == 0, 0.0, jnp.where(delta < 0, np.inf, np.nan))
    return jnp.where(ok, jnp.where(small, near, far), edge)
