"""Compiled matrix decompositions for the generated modules (``_la.<name>``): numba's own ``np.linalg``
(LAPACK through scipy's capsules, as BLAS is) applied matrix by matrix over the leading dimensions, with
each primitive's own conventions (``ops/decomp.py``): cholesky of the symmetrized operand, det/slogdet,
inv, solve, pinv; geev for eig_values/eig_vectors (``ops/eig.py``) and getrf for the lu_* ops (``ops/lu.py``).
Without them these ran their numpy rule through ``numba.objmode``: 8-17 us a call for an 8 x 8 matrix against
~1 here. float16 and integer operands never reach these (the lowering casts first).

numba's np.linalg refuses a matrix holding inf or NaN (LinAlgError) where numpy computes on: det of such a
matrix is inf or NaN, and inv/solve give what LAPACK gives. A non-finite matrix therefore goes to LAPACK's
getrf/gesv here directly (numba's own bindings, without its finiteness check), as numpy's umath_linalg does.
Imports numpy, numba and the ops that numba compiles here (``ops.decomp.cofactor_of_matrix``)."""

import numpy as np
from numba import njit
from numba.core import types
from numba.extending import overload
from numba.np import linalg as _nl

from ...ops.decomp import cofactor_of_matrix


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
def _eye(rows, cols, dtype_of):
    """The (rows, cols) identity in ``dtype_of``'s dtype."""
    out = np.zeros((rows, cols), dtype_of.dtype)
    for i in range(min(rows, cols)):
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
            try:
                out[b] = np.linalg.cholesky(np.ascontiguousarray(0.5 * (flat[b] + flat[b].T)))
            except Exception:   # noqa: BLE001 -- numba raises LinAlgError; JAX gives NaN (ops/decomp.py)
                out[b] = np.tril(np.full(flat.shape[1:], np.nan))
    return out.reshape(x.shape)


@njit(cache=True)
def inv(x):
    flat = _batch(x)
    out = np.empty_like(flat)
    for b in range(flat.shape[0]):
        if flat.shape[1]:
            n = flat.shape[1]
            out[b] = np.linalg.inv(flat[b]) if _finite(flat[b]) else _gesv(flat[b], _eye(n, n, flat))
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


_cofactor_of_matrix = njit(cache=True)(cofactor_of_matrix)


@njit(cache=True)
def cofactor(x):
    flat = _batch(x)
    out = np.empty_like(flat)
    for b in range(flat.shape[0]):
        out[b] = _cofactor_of_matrix(flat[b])
    return out.reshape(x.shape)


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


@njit(cache=True)
def _nan_eig(n, cdt):
    nan = complex(np.nan, np.nan)
    w, v = np.empty(n, dtype=cdt), np.empty((n, n), dtype=cdt)
    w[:] = nan
    v[:] = nan
    return w, v


def _geev(a):
    """(eigenvalues, right eigenvectors as columns) of a square matrix, both complex, as numpy's eig computes
    them, inside compiled code only: numba compiles ``_geev_impl`` below in its place."""
    raise TypeError("_geev runs only inside numba-compiled code (its implementation is _geev_impl)")


@overload(_geev)
def _geev_impl(a):
    # NOTE: numba's own np.linalg.eig of a real matrix raises where an eigenvalue is complex (it cannot change
    # the result type at run time); this calls the real geev itself and unpacks LAPACK's conjugate-pair columns
    # into complex vectors, as numpy does, so that complex pairs stay exact conjugates.
    # NOTE: a matrix holding inf or NaN gets NaN results, as JAX's eig (numba's and numpy's raise LinAlgError)
    cdt = np.complex64 if a.dtype in (types.float32, types.complex64) else np.complex128
    if isinstance(a.dtype, types.Complex):
        def cimpl(a):
            if not _finite(a):
                return _nan_eig(a.shape[-1], cdt)
            return np.linalg.eig(a)
        return cimpl
    rgeev = _nl._LAPACK().numba_ez_rgeev(a.dtype)
    kind = ord(_nl.get_blas_kind(a.dtype, "eig"))

    def impl(a):
        n = a.shape[-1]
        if not _finite(a):
            return _nan_eig(n, cdt)
        acpy = _nl._copy_to_fortran_order(a)
        wr, wi = np.empty(n, dtype=a.dtype), np.empty(n, dtype=a.dtype)
        vl = np.empty((n, 1), dtype=a.dtype)
        vr = np.empty((n, n), dtype=a.dtype)     # C order: row i is LAPACK's column i
        r = rgeev(kind, ord("N"), ord("V"), n, acpy.ctypes, n, wr.ctypes, wi.ctypes, vl.ctypes, 1, vr.ctypes, n)
        _nl._dummy_liveness_func([acpy.size, vl.size, vr.size, wr.size, wi.size])
        if r < 0:
            raise ValueError("geev: an argument had an illegal value")
        if r > 0:
            raise np.linalg.LinAlgError("Eigenvalues did not converge")
        w = np.empty(n, dtype=cdt)
        v = np.empty((n, n), dtype=cdt)
        i = 0
        while i < n:
            w[i] = complex(wr[i], wi[i])
            if wi[i] == 0:
                for j in range(n):
                    v[j, i] = vr[i, j]
                i += 1
            else:
                w[i + 1] = complex(wr[i + 1], wi[i + 1])
                for j in range(n):
                    v[j, i] = complex(vr[i, j], vr[i + 1, j])
                    v[j, i + 1] = complex(vr[i, j], -vr[i + 1, j])
                i += 2
        return w, v
    return impl


def _complex_empty(a, shape):
    """An empty array of ``shape`` in the complex dtype of ``a``'s (complex64 for float32), compiled only."""
    raise TypeError("_complex_empty runs only inside numba-compiled code")


@overload(_complex_empty)
def _complex_empty_impl(a, shape):
    cdt = np.complex64 if a.dtype in (types.float32, types.complex64) else np.complex128

    def impl(a, shape):
        return np.empty(shape, cdt)
    return impl


@njit(cache=True)
def eig_values(x):
    flat = _batch(x)
    n = flat.shape[1]
    out = _complex_empty(flat, (flat.shape[0], n))
    for b in range(flat.shape[0]):
        if n:
            out[b] = _geev(flat[b])[0]
    return out.reshape(x.shape[:-1])


@njit(cache=True)
def eig_vectors(x):
    flat = _batch(x)
    n = flat.shape[1]
    out = _complex_empty(flat, (flat.shape[0], n, n))
    for b in range(flat.shape[0]):
        if n:
            out[b] = _geev(flat[b])[1]
    return out.reshape(x.shape)


def _getrf_mn(a):
    """(LU in Fortran order, 1-based pivots) of an m x n matrix (LAPACK getrf; a zero pivot is not an error),
    inside compiled code only: numba compiles ``_getrf_mn_impl`` below in its place."""
    raise TypeError("_getrf_mn runs only inside numba-compiled code (its implementation is _getrf_mn_impl)")


@overload(_getrf_mn)
def _getrf_mn_impl(a):
    getrf = _nl._LAPACK().numba_xxgetrf(a.dtype)
    kind = ord(_nl.get_blas_kind(a.dtype, "getrf"))

    def impl(a):
        m, n = a.shape
        lu = _nl._copy_to_fortran_order(a)
        ipiv = np.empty(min(m, n), dtype=_nl.F_INT_nptype)
        if m and n:
            info = getrf(kind, m, n, lu.ctypes, m, ipiv.ctypes)
            if info < 0:
                raise ValueError("getrf: an argument had an illegal value")
        _nl._dummy_liveness_func([lu.size, ipiv.size])
        return lu, ipiv
    return impl


@njit(cache=True)
def lu_packed(x):
    flat = _batch(x)
    out = np.empty_like(flat)
    for b in range(flat.shape[0]):
        out[b] = _getrf_mn(flat[b])[0]
    return out.reshape(x.shape)


@njit(cache=True)
def lu_pivots(x):
    flat = _batch(x)
    k = min(flat.shape[1], flat.shape[2])
    out = np.empty((flat.shape[0], k), np.int32)
    for b in range(flat.shape[0]):
        out[b] = _getrf_mn(flat[b])[1] - 1
    return out.reshape(x.shape[:-2] + (k,))


@njit(cache=True)
def lu_permutation(x):
    flat = _batch(x)
    m = flat.shape[1]
    out = np.empty((flat.shape[0], m), np.int32)
    for b in range(flat.shape[0]):
        ipiv = _getrf_mn(flat[b])[1]
        for i in range(m):
            out[b, i] = i
        for j in range(ipiv.shape[0]):
            p = ipiv[j] - 1
            out[b, j], out[b, p] = out[b, p], out[b, j]
    return out.reshape(x.shape[:-1])


# -- the factorizations with several outputs: one call gives all of them (lowering_linalg shares it) ----------
@njit(cache=True)
def eigh(x):
    """(eigenvalues, eigenvectors) of each (x + x^T) / 2, in x's dtype (numpy's rule casts the real eigenvalues
    of a complex matrix back); all NaN for a matrix holding inf or NaN, as the primitive's rule gives."""
    flat = _batch(x)
    n = flat.shape[1]
    w, v = np.empty((flat.shape[0], n), flat.dtype), np.empty_like(flat)
    for b in range(flat.shape[0]):
        if not n:
            continue
        m = np.ascontiguousarray(0.5 * (flat[b] + flat[b].T))
        if _finite(m):
            wb, vb = np.linalg.eigh(m)
            w[b], v[b] = wb, vb
        else:
            w[b], v[b] = np.nan, np.nan
    return w.reshape(x.shape[:-1]), v.reshape(x.shape)


@njit(cache=True)
def svd(x, full_matrices):
    """(U, s, Vh) of each matrix, as numpy's svd (gesdd): s in x's dtype; an empty matrix's U and Vh are
    identities; all NaN for a matrix holding inf or NaN, as the primitive's rule gives."""
    flat = _batch(x)
    m, n = flat.shape[1], flat.shape[2]
    k = min(m, n)
    ucols, vrows = (m, n) if full_matrices else (k, k)
    u = np.empty((flat.shape[0], m, ucols), flat.dtype)
    s = np.empty((flat.shape[0], k), flat.dtype)
    vh = np.empty((flat.shape[0], vrows, n), flat.dtype)
    for b in range(flat.shape[0]):
        if not k:
            u[b], vh[b] = _eye(m, ucols, flat), _eye(vrows, n, flat)
            continue
        if not _finite(flat[b]):
            u[b], s[b], vh[b] = np.nan, np.nan, np.nan
            continue
        ub, sb, vb = np.linalg.svd(np.ascontiguousarray(flat[b]), full_matrices=full_matrices)
        u[b], s[b], vh[b] = ub, sb, vb
    lead = x.shape[:-2]
    return u.reshape(lead + (m, ucols)), s.reshape(lead + (k,)), vh.reshape(lead + (vrows, n))


def _qr_factors(a, complete):
    """(Q, R) of one matrix by geqrf and orgqr/ungqr, as numpy's qr computes them (no finiteness check: NaN
    spreads as LAPACK spreads it), inside compiled code only: numba compiles ``_qr_factors_impl`` instead."""
    raise TypeError("_qr_factors runs only inside numba-compiled code (its implementation is _qr_factors_impl)")


@overload(_qr_factors)
def _qr_factors_impl(a, complete):
    geqrf = _nl._LAPACK().numba_ez_geqrf(a.dtype)
    xxgqr = _nl._LAPACK().numba_ez_xxgqr(a.dtype)
    kind = ord(_nl.get_blas_kind(a.dtype, "qr"))

    def impl(a, complete):
        m, n = a.shape
        k = min(m, n)
        cols = m if complete else k
        work = np.zeros((max(n, cols), m), a.dtype).T      # Fortran order, leading dimension m
        work[:, :n] = a
        tau = np.zeros(max(k, 1), a.dtype)
        if k:
            geqrf(kind, m, n, work.ctypes, m, tau.ctypes)
        r = np.zeros((cols if complete else k, n), a.dtype)
        for i in range(min(r.shape[0], k)):
            for j in range(i, n):
                r[i, j] = work[i, j]
        if k:
            xxgqr(kind, m, cols, k, work.ctypes, m, tau.ctypes)
            q = np.ascontiguousarray(work[:, :cols])
        else:
            q = _eye(m, cols, a)
        _nl._dummy_liveness_func([work.size, tau.size])
        return q, r
    return impl


@njit(cache=True)
def qr(x, full_matrices):
    """(Q, R) of each matrix: numpy's mode "complete" for ``full_matrices``, else "reduced"."""
    flat = _batch(x)
    m, n = flat.shape[1], flat.shape[2]
    cols = m if full_matrices else min(m, n)
    q = np.empty((flat.shape[0], m, cols), flat.dtype)
    r = np.empty((flat.shape[0], cols, n), flat.dtype)
    for b in range(flat.shape[0]):
        q[b], r[b] = _qr_factors(flat[b], full_matrices)
    lead = x.shape[:-2]
    return q.reshape(lead + (m, cols)), r.reshape(lead + (cols, n))
