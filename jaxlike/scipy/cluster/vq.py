"""``jaxlike.scipy.cluster.vq``, as ``jax.scipy.cluster.vq``: ``vq`` assigns each observation to its nearest
code in a code book (Euclidean distance) and returns the codes and the distances; the distances are
differentiable in both inputs (except where an observation sits exactly on its code, where the norm has no
derivative, as in JAX). A front-end module: imports jaxlike.numpy."""

import numpy as np

from ... import numpy as jnp
from ...numpy._base import asarray_or_var, ndim, shape

__all__ = ["vq"]


def vq(obs, code_book, check_finite=True):
    """``(code, dist)``: for each row of ``obs`` (M, N) (or each element of a 1-D ``obs``), the index of the
    nearest row of ``code_book`` (K, N) and the distance to it. ``check_finite`` is accepted and ignored, as
    in JAX (the check would need the values of traced inputs)."""
    obs, code_book = asarray_or_var(obs), asarray_or_var(code_book)
    dt = np.dtype(jnp.result_type(obs, code_book))
    if dt.kind not in "fc":
        dt = np.dtype("float64")
    obs, code_book = jnp.asarray(obs, dtype=dt), jnp.asarray(code_book, dtype=dt)
    if ndim(obs) != ndim(code_book):
        raise ValueError(f"vq: obs and code_book should have the same rank, got {ndim(obs)} and {ndim(code_book)}")
    if ndim(obs) == 1:
        obs, code_book = obs[:, None], code_book[:, None]
    if ndim(obs) != 2:
        raise ValueError(f"vq: obs and code_book must be 1- or 2-dimensional, got rank {ndim(obs)}")
    if int(shape(obs)[1]) != int(shape(code_book)[1]):
        raise ValueError(f"vq: obs and code_book must have the same number of features, got "
                         f"{int(shape(obs)[1])} and {int(shape(code_book)[1])}")
    if int(shape(code_book)[0]) == 0:
        raise ValueError("vq: code_book must hold at least one code")
    dist = jnp.linalg.norm(obs[:, None, :] - code_book[None, :, :], axis=-1)
    code = jnp.argmin(dist, axis=-1)
    return code, jnp.take_along_axis(dist, code[:, None], axis=-1)[:, 0]
