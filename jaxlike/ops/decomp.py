"""Matrix decompositions and inverses, batched over leading dimensions as numpy's linalg is: ``inv``,
``solve``, ``det``, ``logabsdet``/``det_sign`` (slogdet), ``cholesky``, ``eigh_values``/``eigh_vectors``,
``svd_s``/``svd_u``/``svd_vh``, ``pinv``. Their shared helpers are in ``matrix.py``.

Multi-output decompositions are one primitive per output, each with the numpy computation shared through a
one-entry cache. Why not one primitive returning a packed array: with separate outputs the cotangent of an
unused output never enters the rules, and that matters, because the rules of U/V divide by eigenvalue or
singular-value gaps: a loss that reads only the singular values (nuclear norm, ``norm(ord=2)``) keeps a
finite gradient at repeated values, as in JAX, instead of 0 * inf = NaN from a packed cotangent.

``cholesky`` and the ``eigh_*`` ops symmetrize their operand ((x + x^T) / 2, as JAX does), so their rules
are the derivatives of what the numpy rule computes for any input; the numpy-style wrappers build the
symmetric operand from the triangle numpy reads (``UPLO``). Rules are the standard matrix-calculus results
(Giles 2008; Murray 2016 for Cholesky; Townsend 2016 for SVD), written in jaxlike ops so they differentiate
again. Rules build identity masks, so differentiating needs the matrix sizes concrete (``compile`` retraces
with concrete shapes when they are symbolic); the values themselves work with symbolic sizes.
All are OPAQUE: a backend without a lowering calls the numpy rule. Imports core and ops only.
"""

import numpy as np

from ..core.graph import const
from ..core.types import TensorType
from ..core.errors import ShapeError
from ..core.primitive import Primitive, Kind, register
from . import math as m
from .layout import reshape
from .reduce import reduce_sum
from ._rules import Sample
from ._batch import leading

# NOTE: mT, mm, diag_part, ... stay importable from here (numpy.linalg reads them from decomp)
from .matrix import (result_dtype, lapack_operand, same_size, check_matrix, square_shape, sym_np, SharedCall, mT,
                     mm, int_size, eye_like, diag_part, diag_embed, trace_of, col, row, sym, matrix_samples,
                     well_conditioned, spd, spread_eigs, distinct_sv,
                     min_dim)


# -- inv ------------------------------------------------------------------------------------------------------
def _inv_np(x):
    x, dt = lapack_operand(x)
    return np.linalg.inv(x).astype(dt)


inv = register(Primitive(
    "inv", Kind.OPAQUE, shape=square_shape("inv", complex_ok=True), numpy=_inv_np,
    batch=leading(lambda: inv),
    vjp=lambda g, ans, x: (-mm(mT(ans), mm(g, mT(ans))),),
    jvp=lambda ts, ans, x: -mm(ans, mm(ts[0], ans)),
    samples=lambda rng: matrix_samples(rng, well_conditioned),
    doc="matrix inverse over the last two dimensions"))


# -- solve ----------------------------------------------------------------------------------------------------
def _solve_shape(a, b):
    check_matrix(a, "solve", square=True)
    check_matrix(b, "solve (right-hand side)")
    if a.ndim != b.ndim or not all(same_size(x, y) for x, y in zip(a.shape[:-2], b.shape[:-2])):
        raise ShapeError(f"solve needs equal batch dimensions (the wrapper broadcasts them), got {a!r} and {b!r}")
    if not same_size(a.shape[-1], b.shape[-2]):
        raise ShapeError(f"solve: {a!r} cannot solve for right-hand sides {b!r} (sizes {a.shape[-1]} and "
                         f"{b.shape[-2]} differ)")
    return TensorType(result_dtype(np.promote_types(a.dtype, b.dtype)), b.shape)


def _solve_np(a, b):
    a, b = np.asarray(a), np.asarray(b)
    dt = result_dtype(np.promote_types(a.dtype, b.dtype))
    work = np.float32 if dt == np.float16 else dt
    return np.linalg.solve(a.astype(work), b.astype(work)).astype(dt)


def _solve_vjp(g, x, a, b):
    gb = solve(mT(a), g)
    return -mm(gb, mT(x)), gb


def _solve_jvp(tangents, x, a, b):
    ta, tb = tangents
    rhs = tb if tb is not None else None
    if ta is not None:
        rhs = -mm(ta, x) if rhs is None else rhs - mm(ta, x)
    return solve(a, rhs)


def _solve_samples(rng):
    return [Sample(well_conditioned(rng, sa), rng.uniform(-1, 1, size=sb)) for sa, sb in
            [((3, 3), (3, 2)), ((2, 2, 2), (2, 2, 1)), ((1, 2, 2), (1, 2, 3)), ((0, 2, 2), (0, 2, 2)),
             ((2, 2), (2, 0))]]


solve = register(Primitive(
    "solve", Kind.OPAQUE, shape=_solve_shape, numpy=_solve_np, vjp=_solve_vjp, jvp=_solve_jvp,
    batch=leading(lambda: solve),
    samples=_solve_samples, doc="x with a @ x = b for (..., M, M) a and (..., M, K) b (equal batch dims)"))


# -- det, slogdet -------------------------------------------------------------------------------------------------
def _det_shape(x):
    check_matrix(x, "det", square=True)
    return TensorType(result_dtype(x.dtype), x.shape[:-2])


def _slogdet_shape(x):
    check_matrix(x, "slogdet", square=True)
    return TensorType(result_dtype(x.dtype, "slogdet"), x.shape[:-2])


def _det_np(x):
    x, dt = lapack_operand(x)
    return np.asarray(np.linalg.det(x)).astype(dt)


def _logabsdet_np(x):
    x, dt = lapack_operand(x)
    return np.asarray(np.linalg.slogdet(x)[1]).astype(dt)


def _det_sign_np(x):
    x, dt = lapack_operand(x)
    return np.asarray(np.linalg.slogdet(x)[0]).astype(dt)


def _inv_t(x):
    return mT(inv(x))


def _scalar_to_matrix(s):
    return reshape(s, shape=s.shape + (1, 1))


def _cofactor_np(x):
    x, dt = lapack_operand(x)
    flat = x.reshape((int(np.prod(x.shape[:-2])),) + x.shape[-2:])
    out = np.empty_like(flat)
    for b, a in enumerate(flat):
        out[b] = cofactor_of_matrix(a)
    return out.reshape(x.shape).astype(dt)


def cofactor_of_matrix(a):
    """The cofactors of one square matrix: det(a) * inv(a)^T while the LU finds no zero pivot, else from the
    SVD a = u diag(s) vh: det(u) det(vh) conj(u) diag(p) conj(vh), p_i the product of the singular values but
    s_i; NaN for a matrix holding inf or NaN. numba compiles this same function for the CPU backend
    (``linalg_kernels.cofactor``), so it keeps to what numba's numpy supports."""
    out = np.empty_like(a)
    if a.shape[0] == 0:
        return out
    if not np.all(np.isfinite(a)):
        out[:] = np.nan
        return out
    d = np.linalg.det(a)
    if d != 0:
        out[:] = d * np.linalg.inv(a).T
        return out
    u, s, vh = np.linalg.svd(a)
    p = np.ones_like(s)
    for i in range(s.shape[0]):
        for j in range(s.shape[0]):
            if j != i:
                p[i] *= s[j]
    out[:] = (np.linalg.det(u) * np.linalg.det(vh)) * ((np.conj(u) * p) @ np.conj(vh))
    return out


def _cofactor_jvp(ts, ans, x):
    """d(det(x) inv(x)^T) = tr(inv(x) dx) C - C dx^T inv(x)^T, with C the cofactors."""
    return _scalar_to_matrix(trace_of(solve(x, ts[0]))) * ans - mm(mm(ans, mT(ts[0])), _inv_t(x))


def _cofactor_vjp(g, ans, x):
    """The transpose of ``_cofactor_jvp``: sum(g * C) inv(x)^T - inv(x)^T g^T C."""
    inv_t = _inv_t(x)
    return (_scalar_to_matrix(reduce_sum(g * ans, axes=(x.ndim - 2, x.ndim - 1))) * inv_t
            - mm(mm(inv_t, mT(g)), ans),)


def _det_jvp(ts, x):
    return reduce_sum(cofactor(x) * ts[0], axes=(x.ndim - 2, x.ndim - 1))


cofactor = register(Primitive(
    "cofactor", Kind.OPAQUE, shape=square_shape("cofactor", complex_ok=True), numpy=_cofactor_np,
    batch=leading(lambda: cofactor), vjp=_cofactor_vjp, jvp=_cofactor_jvp,
    samples=lambda rng: matrix_samples(rng, well_conditioned),
    doc="the matrix of cofactors, det(x) * inv(x)^T where x is invertible, and defined at singular matrices too "
        "(det's derivative; its own derivatives need x invertible)"))

det = register(Primitive(
    "det", Kind.OPAQUE, shape=_det_shape, numpy=_det_np,
    batch=leading(lambda: det),
    vjp=lambda g, ans, x: (_scalar_to_matrix(g) * cofactor(x),),
    jvp=lambda ts, ans, x: _det_jvp(ts, x),
    samples=lambda rng: matrix_samples(rng, well_conditioned),
    doc="determinant; its derivative is the matrix of cofactors, finite at singular matrices too"))

logabsdet = register(Primitive(
    "logabsdet", Kind.OPAQUE, shape=_slogdet_shape, numpy=_logabsdet_np,
    batch=leading(lambda: logabsdet),
    vjp=lambda g, ans, x: (_scalar_to_matrix(g) * _inv_t(x),),
    jvp=lambda ts, ans, x: trace_of(solve(x, ts[0])),
    samples=lambda rng: matrix_samples(rng, well_conditioned),
    doc="log |det x| (the second output of slogdet), without the overflow of log(abs(det(x)))"))

det_sign = register(Primitive(
    "det_sign", Kind.OPAQUE, shape=_slogdet_shape, numpy=_det_sign_np,
    batch=leading(lambda: det_sign),
    vjp=lambda g, ans, x: (None,), jvp=lambda ts, ans, x: None,
    samples=lambda rng: matrix_samples(rng, well_conditioned),
    doc="sign of det x (the first output of slogdet); piecewise constant, so its derivative is zero"))


# -- cholesky -----------------------------------------------------------------------------------------------------
def _cholesky_np(x):
    """The factor of each matrix, or where one is not positive definite a lower triangle of NaN (JAX's answer:
    a value to test, not an error raised from compiled code)."""
    x, dt = lapack_operand(x)
    x = sym_np(x)
    try:
        return np.linalg.cholesky(x).astype(dt)
    except np.linalg.LinAlgError:
        flat = x.reshape((-1,) + x.shape[-2:])
        out = np.zeros_like(flat)
        for b in range(flat.shape[0]):
            try:
                out[b] = np.linalg.cholesky(flat[b])
            except np.linalg.LinAlgError:
                out[b] = np.tril(np.full(flat.shape[1:], np.nan))
        return out.reshape(x.shape).astype(dt)


def _phi(x):
    """Lower triangle with the diagonal halved: the projection in the Cholesky derivative."""
    n = int_size(x.shape[-1])
    w = np.tril(np.ones((n, n)), -1) + 0.5 * np.eye(n)
    return x * const(w.astype(x.dtype))


def _cholesky_jvp(tangents, L, x):
    # dL = L phi(L^-1 dA L^-T) with dA the symmetrized tangent (the op symmetrizes its operand).
    (t,) = tangents
    left = solve(L, sym(t))               # L^-1 dA
    inner = mT(solve(L, mT(left)))        # L^-1 dA L^-T
    return mm(L, _phi(inner))


def _cholesky_vjp(g, L, x):
    # The transpose of the JVP above: S = L^-T phi(L^T g) L^-1, then symmetrized.
    p = _phi(mm(mT(L), g))
    left = solve(mT(L), p)                # L^-T P
    s = mT(solve(mT(L), mT(left)))        # L^-T P L^-1
    return (sym(s),)


cholesky = register(Primitive(
    "cholesky", Kind.OPAQUE, shape=square_shape("cholesky"), numpy=_cholesky_np,
    batch=leading(lambda: cholesky),
    vjp=_cholesky_vjp, jvp=_cholesky_jvp, samples=lambda rng: matrix_samples(rng, spd),
    doc="lower Cholesky factor of (x + x^T) / 2"))


# -- eigh -----------------------------------------------------------------------------------------------------------
def _nan_where_not_finite(decompose, x):
    """``decompose`` of each matrix of x, with all results NaN for a matrix holding inf or NaN (JAX's answer;
    numpy's eigh raises for some and gives NaN for others, its svd raises). Those matrices are decomposed as
    zeros and overwritten, as numpy refuses the whole batch for one of them."""
    finite = np.isfinite(x).all(axis=(-2, -1))
    if finite.all():
        return decompose(x)
    out = decompose(np.where(finite[..., None, None], x, 0))
    for r in out:
        r[~finite] = np.nan
    return out


@SharedCall
def _eigh_both(x):
    x, dt = lapack_operand(x)
    w, v = _nan_where_not_finite(lambda a: np.linalg.eigh(sym_np(a)), x)
    return w.astype(dt), v.astype(dt)


def _eigvals_shape(x):
    check_matrix(x, "eigh", square=True)
    return TensorType(result_dtype(x.dtype, "eigh"), x.shape[:-1])


def _gap_inverse(w):
    """F[i, j] = 1 / (w[j] - w[i]) off the diagonal, 0 on it (the where keeps NaN out of the derivatives)."""
    diff = row(w) - col(w)
    on_diag = m.convert(eye_like(w), dtype=np.dtype(bool))
    return m.where(on_diag, 0, 1 / m.where(on_diag, 1, diff))


def _eigh_values_jvp(tangents, w, x):
    v = eigh_vectors(x)
    return diag_part(mm(mT(v), mm(sym(tangents[0]), v)))


def _eigh_values_vjp(g, w, x):
    v = eigh_vectors(x)
    return (mm(v * row(g), mT(v)),)


def _eigh_vectors_jvp(tangents, v, x):
    w = eigh_values(x)
    return mm(v, _gap_inverse(w) * mm(mT(v), mm(sym(tangents[0]), v)))


def _eigh_vectors_vjp(g, v, x):
    w = eigh_values(x)
    return (sym(mm(v, mm(_gap_inverse(w) * mm(mT(v), g), mT(v)))),)


def _eigh_samples(rng):
    return matrix_samples(rng, spread_eigs)


eigh_values = register(Primitive(
    "eigh_values", Kind.OPAQUE, shape=_eigvals_shape, numpy=lambda x: _eigh_both(x)[0],
    batch=leading(lambda: eigh_values),
    vjp=_eigh_values_vjp, jvp=_eigh_values_jvp, samples=_eigh_samples,
    doc="ascending eigenvalues of (x + x^T) / 2"))

eigh_vectors = register(Primitive(
    "eigh_vectors", Kind.OPAQUE, shape=square_shape("eigh"), numpy=lambda x: _eigh_both(x)[1],
    batch=leading(lambda: eigh_vectors),
    vjp=_eigh_vectors_vjp, jvp=_eigh_vectors_jvp, samples=_eigh_samples,
    doc="eigenvectors (columns) of (x + x^T) / 2; their derivative is not finite at repeated eigenvalues"))


# -- svd: U is (..., m, k), s is (..., k), Vh is (..., k, n) with k = min(m, n), or m and n with full_matrices ----
@SharedCall
def _svd_all(x, full_matrices):
    x, dt = lapack_operand(x)
    u, s, vh = _nan_where_not_finite(lambda a: np.linalg.svd(a, full_matrices=full_matrices), x)
    return u.astype(dt), s.astype(dt), vh.astype(dt)


def _svd_s_shape(x):
    check_matrix(x, "svd")
    return TensorType(result_dtype(x.dtype, "svd"), x.shape[:-2] + (min_dim(x),))


def _svd_u_shape(x, *, full_matrices):
    check_matrix(x, "svd")
    return TensorType(result_dtype(x.dtype, "svd"), x.shape[:-1] + (x.shape[-2] if full_matrices else min_dim(x),))


def _svd_vh_shape(x, *, full_matrices):
    check_matrix(x, "svd")
    return TensorType(result_dtype(x.dtype, "svd"), x.shape[:-2] + (x.shape[-1] if full_matrices else min_dim(x),
                                                               x.shape[-1]))


def _svd_parts(x):
    return svd_u(x, full_matrices=False), svd_s(x), svd_vh(x, full_matrices=False)


def _reduced_only(x, full_matrices):
    # NOTE: the extra singular vectors of a full SVD of a non-square matrix are any orthonormal completion:
    # they have no derivative (JAX refuses the same).
    if full_matrices and int_size(x.shape[-2]) != int_size(x.shape[-1]):
        raise ValueError("svd: the derivative of U and Vh with full_matrices=True is not defined for non-square "
                         f"matrices (here {x.shape[-2]}x{x.shape[-1]}): the extra singular vectors are not "
                         "unique; use full_matrices=False")


def _sq_gap_inverse(s):
    """F[i, j] = 1 / (s[j]^2 - s[i]^2) off the diagonal, 0 on it."""
    return _gap_inverse(s * s)


def _tall(x):
    return int_size(x.shape[-2]) > int_size(x.shape[-1])


def _wide(x):
    return int_size(x.shape[-2]) < int_size(x.shape[-1])


def _svd_s_jvp(tangents, s, x):
    u, _, vh = _svd_parts(x)
    return diag_part(mm(mT(u), mm(tangents[0], mT(vh))))


def _svd_s_vjp(g, s, x):
    u, _, vh = _svd_parts(x)
    return (mm(u * row(g), vh),)


def _svd_u_jvp(tangents, u, x, *, full_matrices):
    _reduced_only(x, full_matrices)
    _, s, vh = _svd_parts(x)
    t = tangents[0]
    ds = mm(mT(u), mm(t, mT(vh)))                  # U^T dA V
    dss = ds * row(s)
    du = mm(u, _sq_gap_inverse(s) * (dss + mT(dss)))
    if _tall(x):
        dav = mm(t, mT(vh))
        du = du + (dav - mm(u, mm(mT(u), dav))) / row(s)
    return du


def _svd_u_vjp(g, u, x, *, full_matrices):
    # The transpose of the JVP: U [F o (U^T gU - gU^T U)] S V^T + (I - U U^T) gU S^-1 V^T.
    _reduced_only(x, full_matrices)
    _, s, vh = _svd_parts(x)
    ug = mm(mT(u), g)
    inner = (_sq_gap_inverse(s) * (ug - mT(ug))) * row(s)
    out = mm(u, mm(inner, vh))
    if _tall(x):
        out = out + mm((g - mm(u, ug)) / row(s), vh)
    return (out,)


def _svd_vh_jvp(tangents, vh, x, *, full_matrices):
    _reduced_only(x, full_matrices)
    u, s, _ = _svd_parts(x)
    t = tangents[0]
    ds = mm(mT(u), mm(t, mT(vh)))
    sds = col(s) * ds
    dv = mm(mT(vh), _sq_gap_inverse(s) * (sds + mT(sds)))
    if _wide(x):
        dau = mm(mT(t), u)
        dv = dv + (dau - mm(mT(vh), mm(vh, dau))) / row(s)
    return mT(dv)


def _svd_vh_vjp(g, vh, x, *, full_matrices):
    # With gV = g^T: U S [F o (V^T gV - gV^T V)] V^T + U S^-1 gV^T (I - V V^T).
    _reduced_only(x, full_matrices)
    u, s, _ = _svd_parts(x)
    vg = mm(vh, mT(g))                              # V^T gV
    inner = col(s) * (_sq_gap_inverse(s) * (vg - mT(vg)))
    out = mm(u, mm(inner, vh))
    if _wide(x):
        out = out + mm(u, (g - mm(mT(vg), vh)) / col(s))
    return (out,)


_SVD_SHAPES = [(3, 3), (4, 2), (2, 4), (2, 3, 2), (1, 2, 3), (0, 3, 2), (3, 1)]


def _svd_samples(rng, attrs=True):
    cases = [Sample(distinct_sv(rng, s), **({"full_matrices": False} if attrs else {})) for s in _SVD_SHAPES]
    if attrs:  # full_matrices=True: square matrices only (the derivative is undefined otherwise)
        cases += [Sample(distinct_sv(rng, (2, 3, 3)), full_matrices=True),
                  Sample(distinct_sv(rng, (0, 3, 3)), full_matrices=True)]
    return cases


svd_s = register(Primitive(
    "svd_s", Kind.OPAQUE, shape=_svd_s_shape, numpy=lambda x: _svd_all(x, full_matrices=False)[1],
    batch=leading(lambda: svd_s),
    vjp=_svd_s_vjp, jvp=_svd_s_jvp, samples=lambda rng: _svd_samples(rng, attrs=False),
    doc="singular values, descending"))

svd_u = register(Primitive(
    "svd_u", Kind.OPAQUE, shape=_svd_u_shape,
    batch=leading(lambda: svd_u),
    numpy=lambda x, *, full_matrices: _svd_all(x, full_matrices=full_matrices)[0],
    vjp=_svd_u_vjp, jvp=_svd_u_jvp, samples=_svd_samples,
    doc="left singular vectors; derivative not finite at repeated singular values, undefined for the extra "
        "columns of a full SVD"))

svd_vh = register(Primitive(
    "svd_vh", Kind.OPAQUE, shape=_svd_vh_shape,
    batch=leading(lambda: svd_vh),
    numpy=lambda x, *, full_matrices: _svd_all(x, full_matrices=full_matrices)[2],
    vjp=_svd_vh_vjp, jvp=_svd_vh_jvp, samples=_svd_samples,
    doc="right singular vectors (as rows)"))


# -- pinv ---------------------------------------------------------------------------------------------------------------
def _pinv_shape(x, *, rtol):
    check_matrix(x, "pinv")
    return TensorType(result_dtype(x.dtype, "pinv"), x.shape[:-2] + (x.shape[-1], x.shape[-2]))


def _pinv_np(x, *, rtol):
    x, dt = lapack_operand(x)
    return np.linalg.pinv(x, rtol=rtol).astype(dt)


def _pinv_jvp(tangents, p, x):
    # Golub & Pereyra (1973), valid where the rank does not change:
    # dP = -P dA P + P P^T dA^T (I - A P) + (I - P A) dA^T P^T P.
    t = tangents[0]
    m_, n_ = x.shape[-2:]
    out = -mm(p, mm(t, p))
    out = out + mm(mm(p, mT(p)), mm(mT(t), eye_like(x, m_) - mm(x, p)))
    out = out + mm(eye_like(x, n_) - mm(p, x), mm(mT(t), mm(mT(p), p)))
    return out


def _pinv_vjp(g, p, x, *, rtol):
    m_, n_ = x.shape[-2:]
    out = -mm(mT(p), mm(g, mT(p)))
    out = out + mm(eye_like(x, m_) - mm(x, p), mm(mT(g), mm(p, mT(p))))
    out = out + mm(mm(mT(p), p), mm(mT(g), eye_like(x, n_) - mm(p, x)))
    return (out,)


def _pinv_samples(rng):
    return [Sample(distinct_sv(rng, s), rtol=1e-10) for s in [(3, 3), (4, 2), (2, 4), (2, 3, 2), (1, 2, 3),
                                                               (0, 3, 2)]]


pinv = register(Primitive(
    "pinv", Kind.OPAQUE, shape=_pinv_shape, numpy=_pinv_np,
    batch=leading(lambda: pinv),
    vjp=_pinv_vjp, jvp=lambda ts, p, x, *, rtol: _pinv_jvp(ts, p, x), samples=_pinv_samples,
    doc="Moore-Penrose pseudo-inverse (singular values below rtol * largest are dropped); its derivative "
        "assumes the rank is constant near x"))

__all__ = ["inv", "solve", "det", "logabsdet", "det_sign", "cholesky", "eigh_values", "eigh_vectors", "svd_s",
           "svd_u", "svd_vh", "pinv", "mT", "mm", "diag_part", "diag_embed", "trace_of", "result_dtype"]
