"""``jax.random``'s distributions built from uniform and normal draws (re-exported by ``jaxlike.random``):
laplace, logistic, cauchy, lognormal, pareto, rayleigh, weibull_min, wald, triangular, geometric, rademacher,
maxwell, double_sided_maxwell, orthogonal, multivariate_normal. Each is JAX's own construction from the same
uniform or normal draw, so with JAX's key the values agree with JAX's (bit for bit where the construction
only scales uniform bits, to ~1e-12 relative where an inverse error function or a log enters).
The gamma family (gamma, beta, dirichlet, chisquare, t, poisson, binomial) needs rejection sampling and is not
here. A front-end module: imports jaxlike.numpy and the rest of jaxlike.random."""

import numpy as np

from .. import numpy as jnp
from ..core.graph import Var
from . import uniform, normal, exponential, bernoulli, split, _float_dtype, _shape, _fit_shape, _Shaped

__all__ = ["laplace", "logistic", "cauchy", "lognormal", "pareto", "rayleigh", "weibull_min", "wald", "triangular",
           "geometric", "rademacher", "maxwell", "double_sided_maxwell", "orthogonal", "multivariate_normal"]


def _param(x, dtype):
    return jnp.astype(x, dtype) if isinstance(x, Var) else np.asarray(x, dtype)


def _param_shape(shape, fname, **params):
    """``shape``, or the parameters' broadcast shape when it is None; a given shape must be what they
    broadcast to (JAX's rule), checked here so a mismatch names the parameter."""
    return _fit_shape(shape, fname, params)


def laplace(key, shape=(), dtype=None):
    """Standard Laplace floats: sign(u) log1p(-|u|), u uniform in (-1, 1)."""
    dtype, shape = _float_dtype(dtype, "laplace"), _shape(shape, "laplace")
    u = uniform(key, shape, dtype, minval=-1.0 + np.finfo(dtype).epsneg, maxval=1.0)
    return jnp.sign(u) * jnp.log1p(-jnp.abs(u))


def logistic(key, shape=(), dtype=None):
    """Standard logistic floats: logit(u)."""
    dtype, shape = _float_dtype(dtype, "logistic"), _shape(shape, "logistic")
    u = uniform(key, shape, dtype, minval=np.finfo(dtype).tiny, maxval=1.0)
    return jnp.log(u) - jnp.log1p(-u)


def cauchy(key, shape=(), dtype=None):
    """Standard Cauchy floats: tan(pi (u - 1/2))."""
    dtype, shape = _float_dtype(dtype, "cauchy"), _shape(shape, "cauchy")
    u = uniform(key, shape, dtype, minval=np.finfo(dtype).eps, maxval=1.0)
    return jnp.tan(dtype.type(np.pi) * (u - dtype.type(0.5)))


def lognormal(key, sigma=np.float32(1), shape=None, dtype=None):
    """exp(sigma * z), z standard normal."""
    dtype = _float_dtype(dtype, "lognormal")
    sigma = _param(sigma, dtype)
    return jnp.exp(normal(key, _param_shape(shape, "lognormal", sigma=sigma), dtype) * sigma)


def pareto(key, b, shape=None, dtype=None):
    """Pareto(b) floats on [1, inf): exp(e / b), e exponential."""
    dtype = _float_dtype(dtype, "pareto")
    b = _param(b, dtype)
    return jnp.exp(exponential(key, _param_shape(shape, "pareto", b=b), dtype) / b)


def rayleigh(key, scale, shape=None, dtype=None):
    """scale * sqrt(-2 log u)."""
    dtype = _float_dtype(dtype, "rayleigh")
    scale = _param(scale, dtype)
    shape = _param_shape(shape, "rayleigh", scale=scale)
    u = uniform(key, shape, dtype)
    return jnp.broadcast_to(scale, shape) * jnp.sqrt(jnp.log(u) * dtype.type(-2))


def weibull_min(key, scale, concentration, shape=(), dtype=None):
    """scale * (-log1p(-u)) ** (1 / concentration)."""
    dtype = _float_dtype(dtype, "weibull_min")
    scale, concentration = _param(scale, dtype), _param(concentration, dtype)
    # NOTE: as in JAX, a draw of ``shape`` broadcast with the parameters (so the default () takes theirs)
    _fit_shape(shape, "weibull_min", {"scale": scale, "concentration": concentration}, exact=False)
    shape = _shape(shape, "weibull_min")
    u = uniform(key, shape, dtype, minval=0.0, maxval=1.0)
    return jnp.power(-jnp.log1p(-u), 1.0 / concentration) * scale


def wald(key, mean, shape=None, dtype=None):
    """Inverse Gaussian floats with the given mean and shape parameter 1 (Michael, Schucany and Haas 1976)."""
    dtype = _float_dtype(dtype, "wald")
    mean = _param(mean, dtype)
    shape = _param_shape(shape, "wald", mean=mean)
    k1, k2 = split(key)
    mean = jnp.broadcast_to(mean, shape)
    v, z = normal(k1, shape, dtype), uniform(k2, shape, dtype)
    y = v * v
    x = mean + mean * mean * y / 2 - mean / 2 * jnp.sqrt(4 * mean * y + mean * mean * y * y)
    return jnp.where(z <= mean / (mean + x), x, mean * mean / x)


def triangular(key, left, mode, right, shape=None, dtype=None):
    """Triangular floats on [left, right] peaking at mode, by the inverse CDF."""
    dtype = _float_dtype(dtype, "triangular")
    left, mode, right = (_param(p, dtype) for p in (left, mode, right))
    shape = _param_shape(shape, "triangular", left=left, mode=mode, right=right)
    left, mode, right = (jnp.broadcast_to(p, shape) for p in (left, mode, right))
    fc = (mode - left) / (right - left)
    u = uniform(key, shape, dtype)
    rising = left + jnp.sqrt(u * (right - left) * (mode - left))
    falling = right - jnp.sqrt((1 - u) * (right - left) * (right - mode))
    return jnp.where(u < fc, rising, falling)


def geometric(key, p, shape=None, dtype=np.int64):
    """Trials up to the first success (1, 2, ...) with success probability p."""
    p = p if isinstance(p, Var) else np.asarray(p)
    fdt = p.dtype if p.dtype.kind == "f" else np.dtype("float64")
    p = _param(p, fdt)
    shape = _param_shape(shape, "geometric", p=p)
    u = uniform(key, shape, fdt)
    u = jnp.where(u == 0, fdt.type(1), u)
    return jnp.astype(jnp.floor(jnp.log(u) / jnp.broadcast_to(jnp.log1p(-p), shape)) + 1, dtype)


def rademacher(key, shape=(), dtype=np.int64):
    """-1 or +1 with equal probability."""
    shape = _shape(shape, "rademacher")
    return jnp.astype(2 * jnp.astype(bernoulli(key, 0.5, shape), np.int64) - 1, dtype)


def maxwell(key, shape=(), dtype=None):
    """One-sided Maxwell floats: the length of a standard normal 3-vector."""
    dtype, shape = _float_dtype(dtype, "maxwell"), _shape(shape, "maxwell")
    return jnp.linalg.norm(normal(key, shape + (3,), dtype), axis=-1)


def double_sided_maxwell(key, loc, scale, shape=(), dtype=None):
    """A Maxwell draw with a random sign, scaled and shifted."""
    dtype = _float_dtype(dtype, "double_sided_maxwell")
    loc, scale = _param(loc, dtype), _param(scale, dtype)
    # NOTE: () means the parameters' shape; JAX appends their shape to a given one as well, which its
    # documentation does not describe, so a given shape is the result's shape here
    shape = None if isinstance(shape, (tuple, list)) and not shape else shape
    shape = _param_shape(shape, "double_sided_maxwell", loc=loc, scale=scale)
    k1, k2 = split(key)
    return rademacher(k2, shape, dtype) * maxwell(k1, shape, dtype) * scale + loc


def orthogonal(key, n, shape=(), dtype=None, m=None):
    """Matrices (*shape, n, m) with orthonormal columns (n >= m) or rows, uniform over that set (Haar): the Q
    of a Gaussian matrix's QR with the signs of R's diagonal moved into it (Mezzadri 2007)."""
    dtype, shape = _float_dtype(dtype, "orthogonal"), _shape(shape, "orthogonal")
    m = n if m is None else int(m)
    z = normal(key, shape + (max(n, m), min(n, m)), dtype)
    q, r = jnp.linalg.qr(z)
    x = q * jnp.expand_dims(jnp.sign(jnp.linalg.diagonal(r)), -2)
    return jnp.swapaxes(x, -1, -2) if n < m else x


def multivariate_normal(key, mean, cov, shape=None, dtype=None, method="cholesky"):
    """Draws of N(mean, cov) of shape ``shape + mean.shape[-1:]``: mean + F z, F cov's Cholesky factor, or
    U sqrt(S) from its SVD or eigendecomposition (``method`` 'svd'/'eigh', for singular covariances)."""
    if method not in ("svd", "eigh", "cholesky"):
        raise ValueError(f"random.multivariate_normal: method must be 'svd', 'eigh' or 'cholesky', got {method!r}")
    mean, cov = jnp.asarray(mean), jnp.asarray(cov)
    if dtype is None:
        dtype = jnp.result_type(mean, cov, 0.0)
    dtype = _float_dtype(dtype, "multivariate_normal")
    mean, cov = _param(mean, dtype), _param(cov, dtype)
    if jnp.ndim(mean) < 1 or jnp.ndim(cov) < 2:
        raise ValueError(f"random.multivariate_normal: needs mean.ndim >= 1 and cov.ndim >= 2, got "
                         f"{jnp.ndim(mean)} and {jnp.ndim(cov)}")
    # NOTE: int() of a traced symbolic size makes compile retrace with concrete shapes; two symbolic sizes
    # compared as they are always differ (a traced mean and cov were refused)
    n = int(jnp.shape(mean)[-1])
    if tuple(int(d) for d in jnp.shape(cov)[-2:]) != (n, n):
        raise ValueError(f"random.multivariate_normal: cov must have shape (..., {n}, {n}) for a mean of length "
                         f"{n}, got {tuple(jnp.shape(cov))}")
    shape = _fit_shape(shape, "multivariate_normal", {"mean (without its last axis)": _Shaped(jnp.shape(mean)[:-1]),
                                                      "cov (without its last two axes)": _Shaped(jnp.shape(cov)[:-2])})
    if method == "svd":
        u, s, _ = jnp.linalg.svd(cov)
        factor = u * jnp.sqrt(s[..., None, :])
    elif method == "eigh":
        w, v = jnp.linalg.eigh(cov)
        factor = v * jnp.sqrt(w[..., None, :])
    else:
        # NOTE: of (cov + cov^T) / 2, as JAX's cholesky (symmetrize_input): the same factor for a symmetric
        # cov, and a derivative in cov that is symmetric, not confined to its lower triangle
        factor = jnp.linalg.cholesky((cov + jnp.swapaxes(cov, -1, -2)) / 2)
    z = normal(key, tuple(shape) + (n,), dtype)
    return mean + jnp.einsum("...ij,...j->...i", factor, z)
