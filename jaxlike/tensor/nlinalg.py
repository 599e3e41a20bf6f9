"""``theano.tensor.nlinalg``: ``det``, ``matrix_inverse``, ``trace``, ``diag``/``extract_diag``/``alloc_diag``
and ``pinv`` with Theano's names, each a call of ``jaxlike.numpy.linalg`` (differentiable there). A
front-end module: imports jaxlike.numpy and tensor.basic.
"""

from .. import numpy as jnp
from .basic import as_tensor_variable, diag as _diag


def _matrix(x, fname):
    x = as_tensor_variable(x)
    if x.ndim != 2:
        raise TypeError(f"{fname} expects a matrix, got rank {x.ndim} ({x.type!r})")
    return x


def det(x):
    """The determinant of the square matrix ``x``."""
    return jnp.linalg.det(_matrix(x, "det"))


def matrix_inverse(x):
    """The inverse of the square matrix ``x``."""
    return jnp.linalg.inv(_matrix(x, "matrix_inverse"))


def pinv(x):
    """The Moore-Penrose pseudo-inverse of ``x``."""
    return jnp.linalg.pinv(_matrix(x, "pinv"))


def trace(x):
    """The sum of the diagonal of the matrix ``x``."""
    return jnp.sum(_diag(_matrix(x, "trace")))


def extract_diag(x):
    return _diag(_matrix(x, "extract_diag"))


def alloc_diag(v):
    return _diag(v)


diag = _diag


def eigh(a, UPLO="L"):
    """``(w, v)``: the eigenvalues (ascending) and eigenvectors of the symmetric matrix ``a``."""
    return tuple(jnp.linalg.eigh(_matrix(a, "eigh"), UPLO=UPLO))


def svd(a, full_matrices=1, compute_uv=1):
    """``(U, s, V)`` with ``a = U diag(s) V``, or ``s`` alone when ``compute_uv`` is false."""
    out = jnp.linalg.svd(_matrix(a, "svd"), full_matrices=bool(full_matrices), compute_uv=bool(compute_uv))
    return tuple(out) if compute_uv else out


def qr(a, mode="reduced"):
    """``(q, r)`` with ``a = q r`` (``mode='r'``: r alone)."""
    out = jnp.linalg.qr(_matrix(a, "qr"), mode=mode)
    return tuple(out) if isinstance(out, (tuple, list)) else out


def norm(x, ord):
    """Theano's ``nlinalg.norm(x, ord)`` of a vector or a matrix (numpy's ``ord`` values)."""
    x = as_tensor_variable(x)
    if x.ndim not in (1, 2):
        raise ValueError(f"norm: expected a vector or a matrix, got rank {x.ndim} ({x.type!r})")
    return jnp.linalg.norm(x, ord)


def matrix_power(M, n):
    """``M`` multiplied by itself ``n`` times (``n`` a non-negative int)."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise TypeError(f"matrix_power: n must be a non-negative int, got {n!r}")
    return jnp.linalg.matrix_power(_matrix(M, "matrix_power"), n)


def matrix_dot(*args):
    """``dot(args[0], dot(args[1], ...))``: the product of several matrices, left to right."""
    out = args[0]
    for a in args[1:]:
        out = jnp.dot(out, a)
    return out


__all__ = ["det", "matrix_inverse", "pinv", "trace", "extract_diag", "alloc_diag", "diag", "eigh", "svd",
           "qr", "norm", "matrix_power", "matrix_dot"]
