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

__all__ = ["det", "matrix_inverse", "pinv", "trace", "extract_diag", "alloc_diag", "diag"]
