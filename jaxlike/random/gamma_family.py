"""``jax.random``'s gamma family (re-exported by ``jaxlike.random``): gamma, loggamma, beta, dirichlet,
chisquare, f, t, generalized_normal, ball. Their distributions are JAX's; their values are not (JAX runs one
rejection loop per element on split keys, here one vectorized loop draws for every element per round).

Gamma is Marsaglia and Tsang's squeeze-rejection (2000), vectorized: a ``lax.while_loop`` whose carry holds the
round counter, the accepted mask and the samples; round ``i`` draws a normal and a uniform for every element
from ``fold_in(key, i)`` and keeps the candidates only where nothing was accepted yet, so an element's value
depends only on the key, its index and the round, and the compiled loop (traced once) draws what the eager one
does. ``a < 1`` is boosted to ``a + 1`` and scaled by ``u ** (1 / a)``, in log space (``loggamma``), so tiny
``a`` does not underflow to 0; beta and dirichlet normalize loggamma draws with a log-sum-exp.

Samples are differentiable in their parameters by implicit reparameterization, as in JAX: d x / d a =
-(d P(a, x) / d a) / p(x; a), P the regularized lower incomplete gamma (Cephes's series below x = max(a, 1),
its continued fraction above, both differentiated in a), through a ``custom_jvp`` (both modes; second
derivatives in forward mode over either, as the rule's own loops are while loops).
Concrete parameters out of range raise ValueError; traced ones give NaN, as in JAX.
A front-end module: imports jaxlike.numpy, jaxlike.lax, jaxlike.custom_derivatives and jaxlike.random.
"""

import numpy as np

from .. import numpy as jnp
from .. import lax
from ..core.graph import Var
from ..ops._rules import broadcast_shapes
from ..core.types import Sym
from ..custom_derivatives import custom_jvp
from ..scipy import special as _special
from . import uniform, normal, exponential, split, fold_in, _float_dtype, _shape, _check_key

__all__ = ["gamma", "loggamma", "beta", "dirichlet", "chisquare", "f", "t", "generalized_normal", "ball"]


# -- parameters and shapes (shared with counts.py) -------------------------------------------------------------
def shape_of(x):
    return tuple(x.shape) if isinstance(x, Var) else np.shape(x)


def param(x, dtype, fname, name, lo=None, hi=None, lo_open=False):
    """``x`` as an array of ``dtype``; a non-number (a string, an object array) is refused by name, and so is
    a concrete value outside the range (``check_range``)."""
    if isinstance(x, Var):
        if x.dtype.kind not in "biuf":
            raise TypeError(f"random.{fname}: {name} must be a real array, got {x.type!r}")
        return jnp.astype(x, dtype)
    arr = np.asarray(x)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"random.{fname}: {name} must be a real number or array, got {type(x).__name__} "
                        f"of dtype {arr.dtype}")
    check_range(arr, fname, name, lo, hi, lo_open)
    return arr.astype(dtype)


def check_range(x, fname, name, lo=None, hi=None, lo_open=False):
    """A concrete parameter outside [lo, hi] (or (lo, hi] with ``lo_open``) is an error; NaN passes (it gives
    NaN, as in JAX), and so does a traced one (checked only where its values are known)."""
    if isinstance(x, Var):
        return
    arr = np.asarray(x)
    bad = np.zeros(arr.shape, bool)
    if lo is not None:
        bad |= (arr <= lo) if lo_open else (arr < lo)
    if hi is not None:
        bad |= arr > hi
    if bad.any():
        rng = f"{'>' if lo_open else '>='} {lo}" + (f" and <= {hi}" if hi is not None else "")
        raise ValueError(f"random.{fname}: {name} must be {rng}, got {arr[bad].flat[0]!r}"
                         + (f" (in an array of shape {arr.shape})" if arr.ndim else ""))


def param_shape(shape, fname, *params):
    """``shape``, or the parameters' broadcast shape when it is None; a given shape must be one the
    parameters broadcast to (JAX's rule)."""
    return shape_for(shape, fname, [shape_of(p) for p in params])


def shape_for(shape, fname, shapes):
    try:
        both = broadcast_shapes(*shapes)
    except Exception as e:
        raise ValueError(f"random.{fname}: the parameters' shapes {shapes} do not broadcast together") from e
    if shape is None:
        return both
    shape = _shape(shape, fname)
    if any(isinstance(d, Sym) for d in tuple(shape) + tuple(both)):
        return shape
    try:
        ok = broadcast_shapes(shape, both) == shape
    except Exception:
        ok = False
    if not ok:
        raise ValueError(f"random.{fname}: shape {shape} is not broadcast-compatible with the parameters' "
                         f"shape {both} (it must be a shape they broadcast to)")
    return shape


def rounds_key(key, i):
    """Two keys for rejection round ``i``: the draws of every round are independent of the other rounds'."""
    k = split(fold_in(key, i))
    return k[0], k[1]


# -- derivatives: implicit reparameterization ------------------------------------------------------------------
_SERIES_TERMS = 100000      # NOTE: the series needs about 8 sqrt(a) terms near x = a; a bound keeps NaN out
_FRACTION_TERMS = 2000      # Cephes's (and XLA's) bound on the continued fraction


def _series_grad(a, x, dtype):
    """sum_n c_n and its derivative in a, c_n = x^n / ((a + 1) ... (a + n)): P(a, x) = x^a e^-x / Gamma(a + 1)
    times the sum (Cephes's igam series, differentiated term by term)."""
    eps = dtype.type(np.finfo(dtype).eps)

    def step(carry):
        i, on, r, c, total, dc, dtotal = carry
        r2 = r + 1
        dc2 = dc * (x / r2) - c * x / (r2 * r2)
        c2 = c * (x / r2)
        keep = lambda new, old: jnp.where(on, new, old)     # noqa: E731
        r, c, dc = keep(r2, r), keep(c2, c), keep(dc2, dc)
        total, dtotal = keep(total + c2, total), keep(dtotal + dc2, dtotal)
        return i + 1, on & (jnp.abs(dc2) > eps * jnp.abs(dtotal)), r, c, total, dc, dtotal

    one, zero = jnp.ones_like(a), jnp.zeros_like(a)
    init = (np.int64(0), x > 0, a, one, one, zero, zero)
    out = lax.while_loop(lambda c: jnp.any(c[1]) & (c[0] < _SERIES_TERMS), step, init)
    return out[4], out[6]


def _fraction_grad(a, x, dtype):
    """Q(a, x)'s continued fraction (Cephes's igamc: Q = x^a e^-x / Gamma(a) times it) and its derivative in
    a, the convergents' recurrences differentiated (as XLA's random_gamma_grad)."""
    eps = dtype.type(np.finfo(dtype).eps)
    y = 1 - a
    z = x + y + 1
    pkm2, qkm2, pkm1, qkm1 = jnp.ones_like(x), x, x + 1, z * x
    ans = pkm1 / qkm1
    zero = jnp.zeros_like(x)
    dqkm1 = -x
    dans = -ans * dqkm1 / qkm1

    def step(carry):
        i, on, ans, y, z, c, pkm1, qkm1, pkm2, qkm2, dpkm2, dqkm2, dpkm1, dqkm1, dans = carry
        c, y, z = c + 1, y + 1, z + 2
        yc = y * c
        pk, qk = pkm1 * z - pkm2 * yc, qkm1 * z - qkm2 * yc
        nonzero = qk != 0
        qs = jnp.where(nonzero, qk, dtype.type(1))
        ans2 = jnp.where(nonzero, pk / qs, ans)
        dpk = dpkm1 * z - pkm1 - dpkm2 * yc + pkm2 * c
        dqk = dqkm1 * z - qkm1 - dqkm2 * yc + qkm2 * c
        dans2 = jnp.where(nonzero, (dpk - ans2 * dqk) / qs, dans)
        moving = jnp.where(nonzero, jnp.abs(dans2 - dans), dtype.type(1)) > eps
        # NOTE: the convergents grow geometrically; all four scale together, so their ratios are unchanged
        big = jnp.abs(pk) > 1 / eps
        scale = jnp.where(big, eps, dtype.type(1))
        new = (ans2, y, z, c, pk * scale, qk * scale, pkm1 * scale, qkm1 * scale, dpkm1 * scale, dqkm1 * scale,
               dpk * scale, dqk * scale, dans2)
        old = (ans, y, z, c, pkm1, qkm1, pkm2, qkm2, dpkm2, dqkm2, dpkm1, dqkm1, dans)
        kept = tuple(jnp.where(on, n, o) for n, o in zip(new, old))
        return (i + 1, on & moving) + kept

    init = (np.int64(0), x > 0, ans, y, z, zero, pkm1, qkm1, pkm2, qkm2, zero, zero, zero, dqkm1, dans)
    out = lax.while_loop(lambda c: jnp.any(c[1]) & (c[0] < _FRACTION_TERMS), step, init)
    return out[2], out[14]


def sample_grad(a, sample, log_space):
    """d x / d a for a Gamma(a) draw x (d log x / d a for ``log_space``, where ``sample`` is log x): the
    implicit derivative -(d P(a, x) / d a) / p(x; a), whose x^a e^-x / Gamma(a) factors cancel, so no overflow
    or underflow enters. The series serves x <= max(a, 1), the continued fraction beyond (Cephes's split)."""
    dtype = np.dtype(a.dtype)
    x = jnp.exp(sample) if log_space else sample
    log_x = sample if log_space else jnp.log(jnp.where(x > 0, x, dtype.type(1)))
    valid = (a > 0) & (a < np.inf) & (x >= 0) & (x < np.inf)
    fraction = valid & (x > 1) & (x > a)
    series = valid & ~fraction
    a_s, x_s = jnp.where(series, a, dtype.type(1)), jnp.where(series, x, dtype.type(0))
    total, dtotal = _series_grad(a_s, x_s, dtype)
    from_series = -(dtotal + total * (log_x - _special.digamma(a_s + 1))) / a_s
    a_f, x_f = jnp.where(fraction, a, dtype.type(1)), jnp.where(fraction, x, dtype.type(2))
    ans, dans = _fraction_grad(a_f, x_f, dtype)
    from_fraction = dans + ans * (jnp.log(x_f) - _special.digamma(a_f))
    d_log = jnp.where(fraction, from_fraction, from_series)
    # NOTE: d log x / d a is finite where x underflows to 0 (tiny a), d x / d a is then 0
    out = d_log if log_space else d_log * x
    return jnp.where(valid, out, dtype.type(np.nan))


def _with_derivative(log_space):
    @custom_jvp
    def attached(sample, a):
        return sample

    @attached.defjvp
    def rule(primals, tangents):
        sample, a = primals
        # NOTE: the sample passed on through ``attached`` again, so that a second derivative sees x's own
        # dependence on a (through this rule) inside d x / d a
        out = attached(sample, a)
        return out, sample_grad(a, out, log_space) * tangents[1]
    return attached


_ATTACHED = {True: _with_derivative(True), False: _with_derivative(False)}


def attach_gamma_grad(sample, a, log_space):
    """``sample`` (drawn from ``stop_gradient(a)``) with its implicit derivative in ``a`` attached."""
    if not isinstance(a, Var):
        return sample
    return _ATTACHED[log_space](sample, jnp.broadcast_to(a, tuple(sample.shape)))


# -- the sampler --------------------------------------------------------------------------------------------
_SQUEEZE = 0.0331


def _log_gamma_at_least_one(key, alpha, dtype):
    """log of Gamma(alpha) draws for alpha >= 1 (alpha already of the draw's shape): Marsaglia and Tsang.
    NaN where alpha is NaN or below 1 (the caller boosts those), inf where it is inf."""
    # NOTE: comparisons, not jnp.isfinite (x - x == 0 there, which warns at inf); NaN fails them
    ok = (alpha >= 1) & (alpha < np.inf)
    safe = jnp.where(ok, alpha, dtype.type(1))
    d = safe - dtype.type(1 / 3)
    c = dtype.type(1 / 3) / jnp.sqrt(d)
    shape = tuple(safe.shape) if isinstance(safe, Var) else safe.shape

    def step(carry):
        i, done, logv = carry
        kx, ku = rounds_key(key, i)
        x = normal(kx, shape, dtype)
        # NOTE: 1 - u lies in (0, 1], so its log is finite
        u = dtype.type(1) - uniform(ku, shape, dtype)
        v = dtype.type(1) + c * x
        positive = v > 0
        # NOTE: log V = 3 log v kept exact in log space: loggamma of a large a loses nothing to exp/log
        lv = dtype.type(3) * jnp.log(jnp.where(positive, v, dtype.type(1)))
        x2 = x * x
        squeeze = u < dtype.type(1) - dtype.type(_SQUEEZE) * (x2 * x2)
        full = jnp.log(u) < dtype.type(0.5) * x2 + d * (dtype.type(1) - jnp.exp(lv) + lv)
        accept = positive & (squeeze | full)
        return i + 1, done | accept, jnp.where(accept & ~done, lv, logv)

    init = (np.int64(0), ~ok, jnp.zeros_like(safe))
    _, _, logv = lax.while_loop(lambda carry: jnp.any(~carry[1]), step, init)
    out = jnp.log(d) + logv
    return jnp.where(ok, out, jnp.where(alpha == np.inf, dtype.type(np.inf), dtype.type(np.nan)))


def _loggamma_draw(key, a, shape, dtype):
    """log Gamma(a) draws of ``shape`` (``a`` already of ``dtype`` and broadcastable), with no derivative."""
    a = jnp.broadcast_to(lax.stop_gradient(a), shape)
    k_loop, k_boost = split(key)
    small = a < 1
    boosted = _log_gamma_at_least_one(k_loop, jnp.where(small, a + dtype.type(1), a), dtype)
    # NOTE: log u with u uniform on (0, 1] (-exponential): the boost log(u) / a stays finite for tiny a
    log_u = -exponential(k_boost, shape, dtype)
    positive = a > 0
    boost = jnp.where(positive, log_u / jnp.where(positive, a, dtype.type(1)), dtype.type(-np.inf))
    boost = jnp.where(log_u == 0, dtype.type(0), boost)
    return jnp.where(small, boosted + boost, boosted)


def _gamma_args(key, a, shape, dtype, fname):
    _check_key(key, fname)
    dtype = _float_dtype(dtype, fname)
    a = param(a, dtype, fname, "a", 0)
    return a, param_shape(shape, fname, a), dtype


def loggamma(key, a, shape=None, dtype=None):
    """log of Gamma(a, 1) draws, accurate where the draws themselves underflow (a below ~1e-3); a >= 0."""
    a, shape, dtype = _gamma_args(key, a, shape, dtype, "loggamma")
    return attach_gamma_grad(_loggamma_draw(key, a, shape, dtype), a, True)


def gamma(key, a, shape=None, dtype=None):
    """Gamma(a, 1) draws (shape ``a``, scale 1), a >= 0; ``shape`` defaults to ``a``'s shape."""
    a, shape, dtype = _gamma_args(key, a, shape, dtype, "gamma")
    return attach_gamma_grad(jnp.exp(_loggamma_draw(key, a, shape, dtype)), a, False)


def _normalized(log_x, log_y):
    """x / (x + y) from log x and log y, without overflow or 0 / 0 where both underflow."""
    top = jnp.maximum(log_x, log_y)
    top = jnp.where(jnp.abs(top) < np.inf, top, 0.0)
    ex, ey = jnp.exp(log_x - top), jnp.exp(log_y - top)
    return ex / (ex + ey)


def beta(key, a, b, shape=None, dtype=None):
    """Beta(a, b) draws on [0, 1]: X / (X + Y), X ~ Gamma(a), Y ~ Gamma(b), computed from their logs so small
    a and b give 0s and 1s in the right proportions instead of NaN."""
    _check_key(key, "beta")
    dtype = _float_dtype(dtype, "beta")
    a, b = param(a, dtype, "beta", "a", 0), param(b, dtype, "beta", "b", 0)
    shape = param_shape(shape, "beta", a, b)
    ka, kb = split(key)
    return _normalized(loggamma(ka, jnp.broadcast_to(a, shape), shape, dtype),
                       loggamma(kb, jnp.broadcast_to(b, shape), shape, dtype))


def dirichlet(key, alpha, shape=None, dtype=None):
    """Dirichlet(alpha) draws over alpha's last axis: shape ``shape + alpha.shape[-1:]`` (``shape`` defaults to
    ``alpha.shape[:-1]``); the softmax of loggamma draws, so tiny alphas give vertices, not 0 / 0."""
    _check_key(key, "dirichlet")
    dtype = _float_dtype(dtype, "dirichlet")
    ashape = shape_of(alpha)
    if len(ashape) < 1:
        raise ValueError(f"random.dirichlet: alpha must have at least one axis (the categories), got shape "
                         f"{ashape}")
    alpha = param(alpha, dtype, "dirichlet", "alpha", 0)
    batch = shape_for(shape, "dirichlet", [tuple(ashape[:-1])])
    full = tuple(batch) + tuple(ashape[-1:])
    logs = loggamma(key, jnp.broadcast_to(alpha, full), full, dtype)
    top = jnp.max(logs, axis=-1, keepdims=True)
    top = jnp.where(jnp.abs(top) < np.inf, top, dtype.type(0))
    e = jnp.exp(logs - top)
    return e / jnp.sum(e, axis=-1, keepdims=True)


def chisquare(key, df, shape=None, dtype=None):
    """Chi-square(df) draws: 2 Gamma(df / 2) (from loggamma, as JAX); df > 0."""
    _check_key(key, "chisquare")
    dtype = _float_dtype(dtype, "chisquare")
    df = param(df, dtype, "chisquare", "df", 0)
    shape = param_shape(shape, "chisquare", df)
    return jnp.exp(loggamma(key, df / dtype.type(2), shape, dtype)) * dtype.type(2)


def f(key, dfnum, dfden, shape=None, dtype=None):
    """F(dfnum, dfden) draws: (chi2(dfnum) / dfnum) / (chi2(dfden) / dfden)."""
    _check_key(key, "f")
    dtype = _float_dtype(dtype, "f")
    dfnum = param(dfnum, dtype, "f", "dfnum", 0, lo_open=True)
    dfden = param(dfden, dtype, "f", "dfden", 0, lo_open=True)
    shape = param_shape(shape, "f", dfnum, dfden)
    k_den, k_num = split(key)
    num = chisquare(k_num, dfnum, shape, dtype) / dfnum
    return num / (chisquare(k_den, dfden, shape, dtype) / dfden)


def t(key, df, shape=None, dtype=None):
    """Student's t(df) draws: z sqrt((df / 2) / Gamma(df / 2)), z standard normal (JAX's construction)."""
    _check_key(key, "t")
    dtype = _float_dtype(dtype, "t")
    df = param(df, dtype, "t", "df", 0, lo_open=True)
    shape = param_shape(shape, "t", df)
    k_n, k_g = split(key)
    half = df / dtype.type(2)
    return normal(k_n, shape, dtype) * jnp.sqrt(half / gamma(k_g, half, shape, dtype))


def generalized_normal(key, p, shape=(), dtype=None):
    """Generalized normal draws, density exp(-|x|^p) / (2 Gamma(1 + 1/p)): a random sign times
    Gamma(1/p) ** (1/p); p > 0."""
    _check_key(key, "generalized_normal")
    dtype = _float_dtype(dtype, "generalized_normal")
    p = param(p, dtype, "generalized_normal", "p", 0, lo_open=True)
    shape = param_shape(shape, "generalized_normal", p)
    k_g, k_s = split(key)
    g = gamma(k_g, dtype.type(1) / p, shape, dtype)
    sign = jnp.where(uniform(k_s, shape, dtype) < dtype.type(0.5), dtype.type(-1), dtype.type(1))
    return sign * g ** (dtype.type(1) / p)


def ball(key, d, p=2, shape=(), dtype=None):
    """Uniform draws from the unit Lp ball in d dimensions, shape ``(*shape, d)``: generalized-normal
    coordinates over (their p-norm^p plus an exponential) ^ (1/p) (Barthe, Guedon, Mendelson, Naor 2005)."""
    _check_key(key, "ball")
    dtype = _float_dtype(dtype, "ball")
    if isinstance(d, (bool, np.bool_)) or not isinstance(d, (int, np.integer)) or d < 0:
        raise TypeError(f"random.ball: d must be a non-negative Python int (the dimension), got {d!r}")
    if isinstance(p, Var) or np.ndim(p) != 0:
        raise TypeError(f"random.ball: p must be a number (the norm's order), got {type(p).__name__}")
    p = param(p, dtype, "ball", "p", 0, lo_open=True)
    shape = _shape(shape, "ball")
    k_g, k_e = split(key)
    g = generalized_normal(k_g, p, tuple(shape) + (int(d),), dtype)
    e = exponential(k_e, shape, dtype)
    radius = (jnp.sum(jnp.abs(g) ** p, axis=-1) + e) ** (dtype.type(1) / p)
    return g / jnp.expand_dims(radius, -1)
