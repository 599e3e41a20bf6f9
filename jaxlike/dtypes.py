"""``jax.dtypes``'s names, for ported code: ``float0`` (the tangent dtype of integer and boolean values: an
array of it holds no data), ``canonicalize_dtype``, ``issubdtype``, ``result_type``, ``promote_types``,
``finfo``/``iinfo``. jaxlike computes in 64 bits as JAX does with ``jax_enable_x64``, so a dtype is its own
canonical form. A front-end module: imports numpy only."""

import numpy as np

from .numpy import issubdtype, result_type, promote_types, finfo, iinfo  # noqa: F401

__all__ = ["float0", "canonicalize_dtype", "issubdtype", "result_type", "promote_types", "finfo", "iinfo"]

float0 = np.dtype([("float0", np.void, 0)])


def canonicalize_dtype(dtype, allow_extended_dtype=False):
    """``dtype`` as a numpy dtype: every dtype is canonical here (JAX with 64-bit types enabled)."""
    return np.dtype(dtype)
