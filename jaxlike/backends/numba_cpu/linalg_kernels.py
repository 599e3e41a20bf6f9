"""Compiled matrix decompositions for the generated modules (``_la.<name>``): numba's own ``np.linalg``
(LAPACK through scipy's capsules, as BLAS is) applied matrix by matrix over the leading dimensions, with
each primitive's own conventions (``ops/decomp.py``): cholesky of the symmetrized operand, det/slogdet,
inv, solve, pinv. Without them these ran their numpy rule through ``numba.objmode``: 8-17 us a call for an
8 x 8 matrix against ~1 here. float16 and integer operands never reach these (the lowering casts first).

numba's np.linalg refuses a matrix holding inf or NaN (LinAlgError) where numpy computes on: det of such a
matrix is inf or NaN, and inv/solve give what LAPACK gives. A non-finite matrix therefore goes to LAPACK's
getrf/gesv here directly (numba's own bindings, without its finiteness check), as numpy's umath_linalg does.
Imports numpy and numba only."""

import numpy as np
from numba import njit
from numba.extending import overload
from numba.np import linalg as _nl


def _getrf(a):
    """(LU in Fortran order, pivots, LAPACK info) of a square matrix, inside compiled code only: numba compiles
    the implementation ``_getrf_impl`` below in its place."""
    raise TypeError("_getrf runs only inside numba-compiled code (its implementation is _getrf_impl)")


def _gesv(a, b):
    """The solution of a x = b (2-D b), LinAlgError where LAPACK finds a zero pivot, inside compiled code only:
    numba compiles ``_gesv_impl`` below in its place."""
    raise TypeError("_gesv runs only inside numba-compiled code (its implementation is _gesv_impl)")


@overload(_getrf)
def _getrf_impl(a):
    getrf = _nl._LAPACK().numba_xxgetrf(a.dtype)
    kind = ord(_nl.get_blas_kind(a.dtype, "getrf"))

    def impl(a):
        n = a.shape[-1]
        lu = _nl._copy_to_fortran_order(a)
        ipiv = np.empty(n, dtype=_nl.F_INT_nptype)
        info = getrf(kind, n, n, lu.ctypes, n, ipiv.ctypes)
        _nl._dummy_liveness_func([lu.size, ipiv.size])
        return lu, ipiv, info
    return impl


@overload(_gesv)
def _gesv_impl(a, b):
    gesv = _nl._LAPACK().numba_xgesv(a.dtype)
    kind = ord(_nl.get_blas_kind(a.dtype, "gesv"))

    def impl(a, b):
        n, nrhs = a.shape[-1], b.shape[-1]
        lu = _nl._copy_to_fortran_order(a)
        x = _nl._copy_to_fortran_order(b)
        ipiv = np.empty(n, dtype=_nl.F_INT_nptype)
        info = gesv(kind, n, nrhs, lu.ctypes, n, ipiv.ctypes, x.ctypes, n)
        _nl._dummy_liveness_func([lu.size, x.size, ipiv.size])
        if info > 0:
            raise np.linalg.LinAlgError("Singular matrix")
        return x
    return impl


@njit(cache=True)
def _finite(m):
    return np.all(np.isfinite(m))


@njit(cache=True)
def _slogdet_lu(m):
    """numpy's slogdet from an LU factorization (sign 0 and -inf where a pivot is exactly 0), for any input."""
    lu, ipiv, info = _getrf(m)
    one = np.ones(1, m.dtype)[0]
    if info > 0:
        return one * 0, -np.inf
    sign = one
    for k in range(m.shape[0]):
        if ipiv[k] != k + 1:
            sign = -sign
    logdet = 0.0
    for k in range(m.shape[0]):
        d = lu[k, k]
        size = np.abs(d)
        # NOTE: a real pivot flips the sign when negative (d / |d| would be NaN at d = inf), as numpy's
        if d.imag == 0:
            if d.real < 0:
                sign = -sign
        else:
            sign = sign * (d / size)
        logdet += np.log(size)
    return sign, logdet


@njit(cache=True)
def _identity_like(m):
    out = np.zeros_like(m)
    for i in range(m.shape[0]):
        out[i, i] = 1
    return out


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
            out[b] = np.linalg.inv(flat[b]) if _finite(flat[b]) else _gesv(flat[b], _identity_like(flat[b]))
    return out.reshape(x.shape)


@njit(cache=True)
def solve(a, rhs):
    fa, fb = _batch(a), _batch(rhs)
    out = np.empty_like(fb)
    for b in range(fa.shape[0]):
        if fa.shape[1] and fb.shape[2]:
            if _finite(fa[b]) and _finite(fb[b]):
                out[b] = np.linalg.solve(fa[b], fb[b])
            else:
                out[b] = _gesv(fa[b], fb[b])
    return out.reshape(rhs.shape)


@njit(cache=True)
def det(x):
    flat = _batch(x)
    out = np.ones(flat.shape[0], flat.dtype)
    for b in range(flat.shape[0]):
        if flat.shape[1]:
            if _finite(flat[b]):
                out[b] = np.linalg.det(flat[b])
            else:
                sign, logdet = _slogdet_lu(flat[b])
                out[b] = sign * np.exp(logdet)
    return out.reshape(x.shape[:-2])


@njit(cache=True)
def logabsdet(x):
    flat = _batch(x)
    out = np.zeros(flat.shape[0], np.abs(flat[:1, :1, :1]).dtype)
    for b in range(flat.shape[0]):
        if flat.shape[1]:
            out[b] = np.linalg.slogdet(flat[b])[1] if _finite(flat[b]) else _slogdet_lu(flat[b])[1]
    return out.reshape(x.shape[:-2])


@njit(cache=True)
def det_sign(x):
    flat = _batch(x)
    out = np.ones(flat.shape[0], flat.dtype)
    for b in range(flat.shape[0]):
        if flat.shape[1]:
            out[b] = np.linalg.slogdet(flat[b])[0] if _finite(flat[b]) else _slogdet_lu(flat[b])[0]
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
