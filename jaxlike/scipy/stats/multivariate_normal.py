"""The multivariate normal distribution: logpdf and pdf of x (..., d) with ``mean`` (d,) and ``cov`` (a
(d, d) matrix, a (d,) diagonal or a scalar, as scipy accepts), through cov's Cholesky factor L: the
Mahalanobis term is |L^-1 (x - mean)|^2 and log det(cov) = 2 sum(log diag L). A front-end module: imports
jaxlike.numpy and jaxlike.scipy.linalg."""

from ... import numpy as jnp
from .. import linalg
from ._util import floats

_LOG_2PI = 1.8378770664093453


def logpdf(x, mean=None, cov=1, allow_singular=False):
    if allow_singular:
        raise NotImplementedError("multivariate_normal.logpdf: allow_singular=True is not supported (the "
                                  "density goes through cov's Cholesky factor)")
    x, = floats(x)
    # NOTE: the dimension comes from mean or cov, as scipy's: with a scalar mean and cov (d = 1) each element
    # of x is its own point (x = [0.1, 0.2, 0.3] gives three densities, not one of a 3-vector)
    if mean is not None and jnp.ndim(mean) >= 1:
        d = int(jnp.shape(mean)[-1])
    elif jnp.ndim(cov) >= 1:
        d = int(jnp.shape(cov)[-1])
    else:
        d = 1
    if d == 1 and (jnp.ndim(x) == 0 or int(jnp.shape(x)[-1]) != 1):
        x = jnp.reshape(x, tuple(jnp.shape(x)) + (1,))
    if int(jnp.shape(x)[-1]) != d:
        raise ValueError(f"multivariate_normal: x's last axis has {int(jnp.shape(x)[-1])} entries, the mean and "
                         f"cov describe {d} dimensions")
    mean = jnp.zeros((d,), x.dtype) if mean is None else mean
    mean = jnp.reshape(mean, (1,)) if d == 1 and jnp.ndim(mean) == 0 else mean
    x, mean, cov = floats(x, mean, cov)
    if jnp.ndim(cov) == 0:
        cov = cov * jnp.eye(d, dtype=cov.dtype)
    elif jnp.ndim(cov) == 1:
        cov = jnp.diag(cov)
    if jnp.ndim(cov) != 2 or tuple(int(n) for n in jnp.shape(cov)) != (d, d):
        raise ValueError(f"multivariate_normal: cov must be a scalar, a ({d},) diagonal or a ({d}, {d}) matrix for "
                         f"{d}-dimensional x, got shape {tuple(jnp.shape(cov))}")
    low = jnp.linalg.cholesky(cov)
    diff = x - mean
    batch = tuple(jnp.shape(diff)[:-1])
    flat = jnp.reshape(diff, (-1, d))
    y = linalg.solve_triangular(low, jnp.transpose(flat), lower=True)
    maha = jnp.reshape(jnp.sum(y * y, axis=0), batch)
    half_logdet = jnp.sum(jnp.log(jnp.diagonal(low)))
    return -0.5 * (d * _LOG_2PI + maha) - half_logdet


def pdf(x, mean=None, cov=1, allow_singular=False):
    return jnp.exp(logpdf(x, mean, cov, allow_singular))

