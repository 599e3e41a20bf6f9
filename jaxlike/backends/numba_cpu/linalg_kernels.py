"""Compiled matrix decompositions for the generated modules (``_la.<name>``): numba's own ``np.linalg``
(LAPACK through scipy's capsules, as BLAS is) applied matrix by matrix over the leading dimensions, with
each primitive's own conventions (``ops/decomp.py``): cholesky of the symmetrized operand, det/slogdet,
inv, solve, pinv. Without them these ran their numpy rule through ``numba.objmode``: 8-17 us a call for an
8 x 8 matrix against ~1 here. float16 and integer operands never reach these (the lowering casts first).
Imports numpy and numba only."""

import numpy as np
from numba import njit


@njit(cache=True)
def _batch(x):
    """x as a C-contiguous (batch, m, n) array."""
    a = np.ascontiguousarray(x)
    count = 1
    for i in range(a.ndim - 2):
        count *= a.shape[i]     # NOTE: not -1 in the reshape: with no elements it would be ambiguous
    return a.reshape((count, a.shape[-2], a.shape[-1]))


@njit(cache=True)
def cholesky(x):
    flat = _batch(x)
    out = np.zeros_like(flat)
    for b in range(flat.shape[0]):
        if flat.shape[1]:
            out[b] = np.linalg.cholesky(np.ascontiguousarray(0.5 * (flat[b] + flat[b].T)))
    return out.reshape(x.shape)


@njit(cache=True)
def inv(x):
    flat = _batch(x)
    out = np.empty_like(flat)
    for b in range(flat.shape[0]):
        if flat.shape[1]:
            out[b] = np.linalg.inv(flat[b])
    return out.reshape(x.shape)


@njit(cache=True)
def solve(a, rhs):
    fa, fb = _batch(a), _batch(rhs)
    out = np.empty_like(fb)
    for b in range(fa.shape[0]):
        if fa.shape[1] and fb.shape[2]:
            out[b] = np.linalg.solve(fa[b], fb[b])
    return out.reshape(rhs.shape)


@njit(cache=True)
def det(x):
    flat = _batch(x)
    out = np.ones(flat.shape[0], flat.dtype)
    for b in range(flat.shape[0]):
        if flat.shape[1]:
            out[b] = np.linalg.det(flat[b])
    return out.reshape(x.shape[:-2])


@njit(cache=True)
def logabsdet(x):
    flat = _batch(x)
    out = np.zeros(flat.shape[0], np.abs(flat[:1, :1, :1]).dtype)
    for b in range(flat.shape[0]):
        if flat.shape[1]:
            out[b] = np.linalg.slogdet(flat[b])[1]
    return out.reshape(x.shape[:-2])


@njit(cache=True)
def det_sign(x):
    flat = _batch(x)
    out = np.ones(flat.shape[0], flat.dtype)
    for b in range(flat.shape[0]):
        if flat.shape[1]:
            out[b] = np.linalg.slogdet(flat[b])[0]
    return out.reshape(x.shape[:-2])


@njit(cache=True)
def pinv(x, rtol):
    flat = _batch(x)
    m, n = flat.shape[1], flat.shape[2]
    out = np.zeros((flat.shape[0], n, m), flat.dtype)
    for b in range(flat.shape[0]):
        if m and n:
            out[b] = np.linalg.pinv(flat[b], rcond=rtol)
    return out.reshape(x.shape[:-2] + (n, m))
