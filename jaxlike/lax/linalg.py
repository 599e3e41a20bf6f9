"""``jaxlike.lax.linalg``, as ``jax.lax.linalg``: cholesky, cholesky_update, eig, eigh, hessenberg,
householder_product, lu, lu_pivots_to_permutation, ormqr, qr (pivoting too), svd, symmetric_product,
triangular_solve, tridiagonal and tridiagonal_solve, with JAX's signatures, result order (``eigh`` gives (v, w);
``svd`` (u, s, vh); ``eig`` a list [w, vl?, vr?]), int32 pivots and permutations, batching over leading
dimensions and argument checks (dtypes floating or complex and alike where JAX requires it, batch dimensions
equal rather than broadcast).

Each is composed of the decompositions ``jaxlike.numpy.linalg`` and ``ops.lu`` already have and of jnp ops, so
all are differentiable (JAX's cholesky_update, hessenberg, tridiagonal, householder_product and ormqr are not),
and only the complete QR factors of a tall matrix carry a rule of their own (JAX's, as a custom_jvp).
Triangular and tridiagonal solves are general solves of the triangle or of the dense tridiagonal matrix
(O(n^3) where LAPACK's trsm/gtsv are O(n^2 k) and O(n k), for derivatives in every argument);
``cholesky_update`` is the upper Cholesky factor of R^T R + w w^T (JAX's Givens rotations leave a positive
diagonal, so the two are the same factor); the left eigenvectors of ``eig`` are the columns of inv(vr)^H under
geev's normalisation; hessenberg and tridiagonal run LAPACK's unblocked gehd2/hetd2 steps (larfg's reflector
convention), as n - 1 unrolled two-sided reflections; pivoted QR picks geqp3's columns by Gram-Schmidt norms.
Complex operands work where ``jaxlike.numpy.linalg`` takes them (lu, eig, the solves, the reflector functions);
traced complex cholesky/eigh/qr/svd are refused there. Not provided: schur (LAPACK's QR iterations, whose
Schur vectors nothing here reproduces) and qdwh (JAX's QR-based Halley iteration for the polar decomposition:
its iterates, iteration count and convergence flag would need that algorithm ported step for step).
A front-end module: imports jaxlike.numpy, custom_derivatives, lax.control, ops.lu and numpy."""

import enum

import numpy as np

from .. import numpy as jnp
from ..custom_derivatives import custom_jvp
from ..numpy._base import asarray_or_var, is_traced
from ..ops import lu as LU
from .control import stop_gradient

__all__ = ["cholesky", "cholesky_update", "eig", "eigh", "lu", "lu_pivots_to_permutation", "qr", "svd",
           "symmetric_product", "triangular_solve", "tridiagonal_solve", "hessenberg", "tridiagonal", "ormqr",
           "householder_product", "EigImplementation",
           "EighImplementation", "SvdAlgorithm"]


class EigImplementation(enum.Enum):
    """``eig``'s ``implementation``: LAPACK (or None) is the one there is here."""
    CUSOLVER = "cusolver"
    MAGMA = "magma"
    LAPACK = "lapack"


class EighImplementation(enum.Enum):
    """``eigh``'s ``implementation``: QR (or None), LAPACK's syevd as JAX's CPU backend uses for either."""
    QR = "qr"
    JACOBI = "jacobi"
    QDWH = "qdwh"


class SvdAlgorithm(enum.Enum):
    """``svd``'s ``algorithm``: DEFAULT and DIVIDE_AND_CONQUER (or None), LAPACK's gesdd."""
    DEFAULT = "default"
    QR = "QR"
    JACOBI = "Jacobi"
    POLAR = "polar"
    DIVIDE_AND_CONQUER = "divide_and_conquer"


# -- argument checks ----------------------------------------------------------------------------------------------
def _dtype(x):
    return np.dtype(jnp.result_type(x))


def _inexact(x, fname, name, kinds="fc"):
    x = asarray_or_var(x)
    if not isinstance(x, np.ndarray) and not is_traced(x):
        x = np.asarray(x)
    dt = _dtype(x)
    if dt.kind not in kinds:
        want = "floating" if kinds == "f" else "floating or complex"
        raise TypeError(f"{fname}: {name} must be {want}, got dtype {dt}")
    return x


def _same_dtype(fname, **arrays):
    dts = {name: _dtype(a) for name, a in arrays.items()}
    if len(set(dts.values())) > 1:
        raise TypeError(f"{fname} requires arguments of the same dtype, got "
                        + ", ".join(f"{k}: {v}" for k, v in dts.items()))


def _shape(x):
    return tuple(int(d) for d in jnp.shape(x))


def _matrices(x, fname, name, square=True):
    if jnp.ndim(x) < 2:
        raise ValueError(f"{fname}: {name} must be a matrix (or a stack of them) of rank >= 2, got shape "
                         f"{_shape(x)}")
    rows, cols = _shape(x)[-2:]
    if square and rows != cols:
        raise ValueError(f"{fname}: {name} must be square matrices [..., n, n], got shape {_shape(x)}")
    return x


def _same_batch(fname, **arrays):
    batches = {name: _shape(a)[:-2] for name, a in arrays.items()}
    if len(set(batches.values())) > 1:
        raise ValueError(f"{fname}: the batch dimensions must be equal (they are not broadcast), got "
                         + ", ".join(f"{k}: {v}" for k, v in batches.items()))


def _swap(x):
    return jnp.swapaxes(x, -1, -2)


def _h(x):
    return _swap(jnp.conj(x)) if _dtype(x).kind == "c" else _swap(x)


def _eye(n, dtype):
    return np.eye(n, dtype=dtype)


# -- Cholesky ------------------------------------------------------------------------------------------------------
def cholesky(x, *, symmetrize_input=True):
    """The lower factor L of x = L L^H: of (x + x^H) / 2, or with ``symmetrize_input=False`` of the lower
    triangle of x (the upper one is not read)."""
    x = _matrices(_inexact(x, "cholesky", "x"), "cholesky", "x")
    return jnp.linalg.cholesky(x, symmetrize_input=symmetrize_input)


def cholesky_update(r_matrix, w_vector):
    """The upper-triangular R' with R'^T R' = R^T R + w w^T, for R upper triangular (real, unbatched, as
    JAX's). JAX's rotations make R''s diagonal positive whatever the signs of R's, so R' is the Cholesky
    factor of that sum; computed as that factor, it is also differentiable (JAX's is not)."""
    r = _inexact(r_matrix, "cholesky_update", "r_matrix", kinds="f")
    w = _inexact(w_vector, "cholesky_update", "w_vector", kinds="f")
    _same_dtype("cholesky_update", r_matrix=r, w_vector=w)
    if jnp.ndim(r) != 2 or jnp.ndim(w) != 1:
        raise TypeError(f"cholesky_update: r_matrix must have rank 2 and w_vector rank 1, got shapes {_shape(r)} "
                        f"and {_shape(w)}")
    n = _shape(r)[0]
    if _shape(r) != (n, n) or _shape(w) != (n,):
        raise ValueError(f"cholesky_update: r_matrix must be square and w_vector of its size, got shapes "
                         f"{_shape(r)} and {_shape(w)}")
    return jnp.linalg.cholesky(jnp.matmul(_swap(r), r) + jnp.outer(w, w), upper=True, symmetrize_input=False)


# -- eigendecompositions -------------------------------------------------------------------------------------------
def eigh(x, *, lower=True, symmetrize_input=True, sort_eigenvalues=True, subset_by_index=None,
         implementation=None):
    """(v, w): eigenvectors as columns and eigenvalues ascending (always sorted, as JAX's on CPU), of
    (x + x^H) / 2, or with ``symmetrize_input=False`` of the ``lower`` (or upper) triangle of x mirrored.
    ``subset_by_index`` (start, end) keeps the eigenpairs start..end-1 (JAX's semantics; its CPU backend
    refuses any but (0, n))."""
    x = _matrices(_inexact(x, "eigh", "x"), "eigh", "x")
    if implementation not in (None, EighImplementation.QR):
        raise NotImplementedError(f"eigh: implementation {implementation} is not available on CPU; use None or "
                                  "EighImplementation.QR")
    n = _shape(x)[-1]
    if subset_by_index is not None:
        start, end = _subset(subset_by_index, n, "eigh")
    w, v = jnp.linalg.eigh(x, UPLO="L" if lower else "U", symmetrize_input=symmetrize_input)
    if subset_by_index is not None and (start, end) != (0, n):
        w, v = w[..., start:end], v[..., :, start:end]
    return v, w


def _subset(subset, size, fname):
    try:
        start, end = (int(i) for i in subset)
    except (TypeError, ValueError):
        raise TypeError(f"{fname}: subset_by_index must be a pair (start, end) of ints, got {subset!r}") from None
    if not 0 <= start <= end <= size:
        raise ValueError(f"{fname}: subset_by_index {(start, end)} must satisfy 0 <= start <= end <= {size}")
    return start, end


def eig(x, *, compute_left_eigenvectors=True, compute_right_eigenvectors=True, enable_eigvec_derivs=False,
        implementation=None, use_magma=None):
    """[w, vl, vr] (vl and vr as asked for): eigenvalues in LAPACK's order and eigenvectors as columns, all
    complex, normalised as LAPACK's geev (unit 2-norm, largest-magnitude component real). vl holds the left
    eigenvectors, vl[..., :, j]^H x = w[j] vl[..., :, j]^H, the columns of inv(vr)^H so normalised, with that
    component positive: geev's own choice for complex x; for real x geev leaves its sign to the algorithm, so
    JAX's vl may differ from this one in the sign of a column. Eigenvector derivatives are always available
    (``enable_eigvec_derivs`` is accepted; JAX refuses them without it); they hold where the eigenvalues are
    distinct."""
    x = _matrices(_inexact(x, "eig", "x"), "eig", "x")
    if implementation not in (None, EigImplementation.LAPACK):
        raise NotImplementedError(f"eig: implementation {implementation} is not available; use None or "
                                  "EigImplementation.LAPACK")
    if not (compute_left_eigenvectors or compute_right_eigenvectors):
        return [jnp.linalg.eigvals(x)]
    w, vr = jnp.linalg.eig(x)
    out = [w]
    if compute_left_eigenvectors:
        vl = _lapack_normalized(_h(jnp.linalg.inv(vr)))
        if _dtype(x).kind == "f":
            # NOTE: geev's left and right vectors of a real eigenvalue are Z y and Z x (Z the Schur vectors, y
            # and x the triangular factor's vectors with 1 at the eigenvalue's place, zero above resp. below it),
            # rescaled by positive factors, so vl^T vr > 0: that fixes the sign it leaves to the algorithm
            overlap = jnp.real(jnp.sum(jnp.conj(vl) * vr, axis=-2, keepdims=True))
            flip = (jnp.imag(w)[..., None, :] == 0) & (overlap < 0)
            vl = jnp.where(flip, -vl, vl)
        out.append(vl)
    if compute_right_eigenvectors:
        out.append(vr)
    return out


def _lapack_normalized(v):
    """Columns scaled to unit 2-norm, then turned so that their first largest-magnitude component is real and
    positive (set exactly real, as geev sets it)."""
    mag = jnp.abs(v)
    v = v / jnp.sqrt(jnp.sum(mag * mag, axis=-2, keepdims=True)).astype(v.dtype)
    rows = np.arange(_shape(v)[-2])[:, None]
    top = rows == jnp.argmax(jnp.abs(v), axis=-2)[..., None, :]
    pivot = jnp.sum(jnp.where(top, v, 0), axis=-2, keepdims=True)
    v = v * (jnp.conj(pivot) / jnp.abs(pivot).astype(v.dtype))
    return jnp.where(top, jnp.real(v).astype(v.dtype), v)


# -- LU ------------------------------------------------------------------------------------------------------------
def lu(x):
    """(lu, pivots, permutation) of partial-pivoting LU, P x = L U: L below the diagonal of ``lu`` (its unit
    diagonal implied) and U on and above it, the (..., min(m, n)) row interchanges (0-based, int32: row i was
    swapped with row pivots[i] at step i) and the (..., m) permutation they make (int32,
    x[..., permutation, :] = L @ U). Differentiable in ``lu`` where the pivots do not change."""
    x = _matrices(_inexact(x, "lu", "x"), "lu", "x", square=False)
    if not is_traced(x):
        return tuple(LU.lu_np(x))
    return LU.lu_packed(x), LU.lu_pivots(x), LU.lu_permutation(x)


def lu_pivots_to_permutation(pivots, permutation_size):
    """The int32 permutation of range(permutation_size) that the row interchanges ``pivots`` (..., k), int32,
    make: interchange i swaps entries i and pivots[..., i], in order."""
    pivots = asarray_or_var(pivots)
    if not is_traced(pivots):
        pivots = np.asarray(pivots)
    if _dtype(pivots) != np.int32:
        raise TypeError(f"lu_pivots_to_permutation: pivots must be int32, got dtype {_dtype(pivots)}")
    if jnp.ndim(pivots) < 1:
        raise ValueError("lu_pivots_to_permutation: pivots must have rank >= 1, got a scalar")
    k = _shape(pivots)[-1]
    if not isinstance(permutation_size, (int, np.integer)) or permutation_size < k:
        raise ValueError(f"lu_pivots_to_permutation: permutation_size must be an int >= the number of pivots {k}, "
                         f"got {permutation_size!r}")
    size = int(permutation_size)
    batch = _shape(pivots)[:-1]
    if not is_traced(pivots):
        perm = np.broadcast_to(np.arange(size, dtype=np.int32), batch + (size,)).copy()
        flat, piv = perm.reshape(-1, size), pivots.reshape(-1, k)
        for row, swaps in zip(flat, piv):
            for i, j in enumerate(swaps):
                row[i], row[j] = row[j], row[i]
        return perm
    positions = np.arange(size, dtype=np.int32)
    perm = jnp.broadcast_to(positions, batch + (size,))
    # NOTE: k static steps of where(): the interchanges run in order, each reading the permutation so far
    for i in range(k):
        target = pivots[..., i, None]
        here, there = perm[..., i, None], jnp.take_along_axis(perm, target, axis=-1)
        perm = jnp.where(positions == i, there, jnp.where(positions == target, here, perm))
    return perm


# -- QR and SVD ----------------------------------------------------------------------------------------------------
def qr(x, *, pivoting=False, full_matrices=True, use_magma=None):
    """(q, r) with x = q r: q (..., m, m) and r (..., m, n) (``full_matrices``), or q (..., m, k) and r
    (..., k, n), k = min(m, n). With ``pivoting``, (q, r, p): x[..., :, p] = q r, p (..., n) int32 the column
    order LAPACK geqp3 picks (at step i the remaining column of largest norm after projecting out the first i,
    the first such at ties, swapped into place i). Differentiable as JAX's: where R's diagonal has no zero, the
    complete factors of a tall matrix included (JAX's rule, for the Householder completion of q)."""
    x = _matrices(_inexact(x, "qr", "x"), "qr", "x", square=False)
    p = _column_pivots(x) if pivoting else None
    if pivoting:
        x = jnp.take_along_axis(x, jnp.broadcast_to(jnp.expand_dims(p, -2), _shape(x)), axis=-1)
    rows, cols = _shape(x)[-2:]
    if full_matrices and rows > cols and is_traced(x):
        q, r = _qr_complete_tall(x)
    else:
        q, r = jnp.linalg.qr(x, mode="complete" if full_matrices else "reduced")
    return (q, r, p) if pivoting else (q, r)


@custom_jvp
def _qr_complete_tall(x):
    return tuple(jnp.linalg.qr(x, mode="complete"))


def _thin_qr_jvp(q, r, dx):
    """(dq, dr) of the reduced factors of an m >= n matrix (JAX's ``_thin_qr_jvp``)."""
    dx_rinv = triangular_solve(r, dx)
    qt_dx_rinv = jnp.matmul(_h(q), dx_rinv)
    low = jnp.tril(qt_dx_rinv, -1)
    do = low - _h(low)
    if _dtype(q).kind == "c":
        # NOTE: the imaginary part of the diagonal, which the skew-Hermitian part above leaves out
        do = do + _eye(_shape(r)[-1], _dtype(q)) * (qt_dx_rinv - jnp.real(qt_dx_rinv).astype(_dtype(q)))
    return jnp.matmul(q, do - qt_dx_rinv) + dx_rinv, jnp.matmul(qt_dx_rinv - do, r)


@_qr_complete_tall.defjvp
def _qr_complete_tall_jvp(primals, tangents):
    # JAX's rule (arXiv:2409.13374, eqs. 32-33): the thin factors' tangent, and that of the Householder
    # completion Q_mp through Z = Q_pn (Q_nn - I)^-1
    (x,), (dx,) = primals, tangents
    q, r = _qr_complete_tall(x)
    rows, cols = _shape(x)[-2:]
    q_mn = q[..., :, :cols]
    dq_mn, dr_nn = _thin_qr_jvp(q_mn, r[..., :cols, :], dx)
    q_nn, q_pn, q_mp = q_mn[..., :cols, :], q_mn[..., cols:, :], q[..., :, cols:]
    z_h = jnp.linalg.solve(_h(q_nn - _eye(cols, _dtype(q))), _h(q_pn))
    inner = dq_mn[..., cols:, :] - jnp.matmul(_h(z_h), dq_mn[..., :cols, :])
    dq_mp = jnp.matmul(dq_mn, z_h) - jnp.matmul(q_mn + jnp.matmul(q_mp, _h(z_h)), _h(inner))
    dq = jnp.concatenate([dq_mn, dq_mp], axis=-1)
    dr = jnp.concatenate([dr_nn, jnp.zeros(_shape(dr_nn)[:-2] + (rows - cols, cols), _dtype(dr_nn))], axis=-2)
    return (q, r), (dq, dr)


def _column_pivots(x):
    """geqp3's column permutation: k steps of modified Gram-Schmidt on the columns in their current order, each
    swapping the largest remaining residual column into place (only the integer order leaves, so the values
    are held constant)."""
    rows, cols = _shape(x)[-2:]
    positions = np.arange(cols)
    perm = jnp.broadcast_to(positions.astype(np.int32), _shape(x)[:-2] + (cols,))
    rest = stop_gradient(x)
    for i in range(min(rows, cols)):
        mag = jnp.abs(rest)
        norms = jnp.where(positions >= i, jnp.sum(mag * mag, axis=-2), -1)
        j = jnp.argmax(norms, axis=-1)[..., None]
        order = jnp.where(positions == i, j, jnp.where(positions == j, i, positions))
        perm = jnp.take_along_axis(perm, order.astype(np.int32), axis=-1)
        rest = jnp.take_along_axis(rest, jnp.broadcast_to(jnp.expand_dims(order, -2), _shape(x)), axis=-1)
        col = rest[..., :, i:i + 1]
        size = jnp.sqrt(jnp.sum(jnp.abs(col) ** 2, axis=-2, keepdims=True))
        unit = col / jnp.where(size == 0, 1, size).astype(col.dtype)
        rest = rest - unit * jnp.sum(jnp.conj(unit) * rest, axis=-2, keepdims=True)
    return perm


def svd(x, *, full_matrices=True, compute_uv=True, subset_by_index=None, algorithm=None):
    """(u, s, vh) with x = u diag(s) vh (s descending, real), or s alone. ``subset_by_index`` (start, end) keeps
    singular triplets start..end-1 and needs ``full_matrices=False`` unless it is (0, min(m, n)) (JAX's
    semantics; its CPU backend refuses any other). ``algorithm``: None, DEFAULT or DIVIDE_AND_CONQUER (LAPACK
    gesdd, numpy's); JAX's QR (gesvd) may pick other signs for the vectors and is not offered."""
    x = _matrices(_inexact(x, "svd", "x"), "svd", "x", square=False)
    if algorithm not in (None, SvdAlgorithm.DEFAULT, SvdAlgorithm.DIVIDE_AND_CONQUER):
        raise NotImplementedError(f"svd: algorithm {algorithm} is not available; use None, SvdAlgorithm.DEFAULT "
                                  "or SvdAlgorithm.DIVIDE_AND_CONQUER")
    rows, cols = _shape(x)[-2:]
    rank = min(rows, cols)
    start, end = (0, rank) if subset_by_index is None else _subset(subset_by_index, rank, "svd")
    if full_matrices and (start, end) != (0, rank):
        raise ValueError("svd: full_matrices and subset_by_index cannot both be set")
    if not compute_uv:
        return jnp.linalg.svd(x, compute_uv=False)[..., start:end]
    u, s, vh = jnp.linalg.svd(x, full_matrices=full_matrices)
    if (start, end) != (0, rank):
        u, s, vh = u[..., :, start:end], s[..., start:end], vh[..., start:end, :]
    return u, s, vh


# -- products and solves -------------------------------------------------------------------------------------------
def symmetric_product(a_matrix, c_matrix, *, alpha=1.0, beta=0.0, symmetrize_output=False):
    """alpha a a^T + beta c for real a (..., m, n) and symmetric c (..., m, m); ``symmetrize_output`` mirrors
    the lower triangle onto the upper one (JAX guarantees only the lower triangle otherwise; on CPU it is the
    whole product, as here)."""
    a = _inexact(a_matrix, "symmetric_product", "a_matrix", kinds="f")
    c = _inexact(c_matrix, "symmetric_product", "c_matrix", kinds="f")
    _same_dtype("symmetric_product", a_matrix=a, c_matrix=c)
    _matrices(a, "symmetric_product", "a_matrix", square=False)
    _matrices(c, "symmetric_product", "c_matrix")
    if jnp.ndim(a) != jnp.ndim(c):
        raise TypeError(f"symmetric_product: a_matrix and c_matrix must have the same number of batch dimensions, "
                        f"got shapes {_shape(a)} and {_shape(c)}")
    _same_batch("symmetric_product", a_matrix=a, c_matrix=c)
    if _shape(a)[-2] != _shape(c)[-1]:
        raise ValueError(f"symmetric_product: a_matrix (..., m, n) and c_matrix (..., m, m) do not match, got "
                         f"shapes {_shape(a)} and {_shape(c)}")
    out = alpha * jnp.matmul(a, _swap(a)) + beta * c
    if symmetrize_output:
        out = jnp.tril(out) + _swap(jnp.tril(out, -1))
    return out


def triangular_solve(a, b, *, left_side=False, lower=False, transpose_a=False, conjugate_a=False,
                     unit_diagonal=False):
    """x with op(a) x = b (``left_side``) or x op(a) = b, op(a) the ``lower`` (or upper) triangle of a (the
    other not read; ones on the diagonal, not read either, for ``unit_diagonal``), transposed for
    ``transpose_a`` and conjugated for ``conjugate_a``. b (..., m, n) (left) or (..., n, m); a b of one rank
    less than a is one vector per matrix."""
    a = _matrices(_inexact(a, "triangular_solve", "a"), "triangular_solve", "a")
    b = _inexact(b, "triangular_solve", "b")
    _same_dtype("triangular_solve", a=a, b=b)
    vector = jnp.ndim(b) == jnp.ndim(a) - 1
    if vector:
        b = jnp.expand_dims(b, -1 if left_side else -2)
    if jnp.ndim(b) != jnp.ndim(a):
        raise ValueError(f"triangular_solve: b must have the rank of a (or one less), got shapes {_shape(a)} and "
                         f"{_shape(b)}")
    _same_batch("triangular_solve", a=a, b=b)
    m = _shape(a)[-1]
    if _shape(b)[-2 if left_side else -1] != m:
        raise ValueError(f"triangular_solve: incompatible shapes a {_shape(a)} and b {_shape(b)} for "
                         f"left_side={left_side}")
    tri = jnp.tril(a) if lower else jnp.triu(a)
    if unit_diagonal:
        tri = jnp.where(np.eye(m, dtype=bool), np.ones((), _dtype(a)), tri)
    if transpose_a:
        tri = _swap(tri)
    if conjugate_a and _dtype(a).kind == "c":
        tri = jnp.conj(tri)
    x = jnp.linalg.solve(tri, b) if left_side else _swap(jnp.linalg.solve(_swap(tri), _swap(b)))
    if vector:
        x = x[..., 0] if left_side else x[..., 0, :]
    return x


def tridiagonal_solve(dl, d, du, b, *, perturb_singular=False):
    """x with A x = b for the tridiagonal A: A[i, i-1] = dl[i], A[i, i] = d[i], A[i, i+1] = du[i] (dl[0] and
    du[-1] are not read). dl, d, du (..., m); b (..., m, n) with the same batch dimensions. Solved as the dense
    A with partial pivoting, as LAPACK gtsv pivots; differentiable in all four arguments."""
    names = ("dl", "d", "du", "b")
    dl, d, du, b = (_inexact(v, "tridiagonal_solve", n) for v, n in zip((dl, d, du, b), names))
    _same_dtype("tridiagonal_solve", dl=dl, d=d, du=du, b=b)
    if perturb_singular:
        raise NotImplementedError("tridiagonal_solve: perturb_singular=True (LAPACK's perturbed pivots) is not "
                                  "supported")
    if not _shape(dl) == _shape(d) == _shape(du) or jnp.ndim(d) < 1:
        raise TypeError(f"tridiagonal_solve: dl, d and du must have one shape (..., m), got {_shape(dl)}, "
                        f"{_shape(d)} and {_shape(du)}")
    if jnp.ndim(b) < 2 or _shape(b)[:-1] != _shape(d):
        raise TypeError(f"tridiagonal_solve: b must have shape (..., m, n) with (..., m) the diagonals' shape "
                        f"{_shape(d)}, got {_shape(b)}")
    m = _shape(d)[-1]
    dt = _dtype(d)
    below, above = np.eye(m, k=-1, dtype=dt), np.eye(m, k=1, dtype=dt)
    dense = (jnp.expand_dims(d, -1) * _eye(m, dt) + jnp.expand_dims(dl, -1) * below
             + jnp.expand_dims(du, -1) * above)
    return jnp.linalg.solve(dense, b)


# -- Householder reflectors ----------------------------------------------------------------------------------------
def _reflector(col, pivot, below):
    """LAPACK's larfg on col[..., pivot] (alpha) and the entries of col where ``below`` holds (x): (v, tau, beta)
    with (I - tau v v^H)^H [alpha; x] = [beta; 0], beta real, v 1 at ``pivot`` and zero outside it and x; tau = 0
    (the identity) where x is zero and alpha real."""
    n = _shape(col)[-1]
    alpha = col[..., pivot]
    x = jnp.where(below, col, 0)
    mag = jnp.abs(x)
    size2 = jnp.sum(mag * mag, axis=-1)
    re, im = jnp.real(alpha), jnp.imag(alpha)
    trivial = (size2 == 0) & (im == 0)
    beta = -jnp.where(re >= 0, 1, -1) * jnp.sqrt(re * re + im * im + size2)
    safe = jnp.where(trivial, 1, beta)
    tau = ((beta - re) / safe).astype(_dtype(col)) - (1j * im / safe if _dtype(col).kind == "c" else 0)
    scale = 1 / jnp.where(trivial, 1, alpha - beta)
    v = x * jnp.expand_dims(scale, -1) + (np.arange(n) == pivot).astype(_dtype(col))
    return v, jnp.where(trivial, 0, tau), jnp.where(trivial, re, beta)


def _two_sided(work, v, tau):
    """H^H work H for H = I - tau v v^H (right side first, as LAPACK's gehd2)."""
    t = jnp.expand_dims(tau, (-1, -2))
    work = work - t * jnp.expand_dims(jnp.sum(work * jnp.expand_dims(v, -2), axis=-1), -1) \
        * jnp.expand_dims(jnp.conj(v), -2)
    return work - jnp.conj(t) * jnp.expand_dims(v, -1) * jnp.expand_dims(
        jnp.sum(jnp.expand_dims(jnp.conj(v), -1) * work, axis=-2), -2)


def hessenberg(a):
    """(a, taus) as LAPACK gehrd leaves them: the upper Hessenberg matrix H = Q^H a Q on and above the first
    subdiagonal, below it the reflectors v_i (column i, v_i's 1 at row i+1 implied), and taus (..., n-1),
    Q = H_0 ... H_{n-2}, H_i = I - taus[i] v_i v_i^H (the last is the identity for real a, as gehrd's)."""
    a = _matrices(_inexact(a, "hessenberg", "a"), "hessenberg", "a")
    n = _shape(a)[-1]
    rows, work, store, taus = np.arange(n)[:, None], a, 0, []
    for i in range(n - 1):
        v, tau, beta = _reflector(work[..., :, i], i + 1, rows[:, 0] >= i + 2)
        work = _two_sided(work, v, tau)
        column = (np.arange(n) == i) & (rows >= i + 1)
        work = jnp.where(column, jnp.where(rows == i + 1, jnp.expand_dims(beta, (-1, -2)).astype(_dtype(a)), 0), work)
        store = store + jnp.where(column & (rows >= i + 2), jnp.expand_dims(v, -1), 0)
        taus.append(tau)
    taus = jnp.stack(taus, axis=-1) if taus else jnp.zeros(_shape(a)[:-2] + (0,), _dtype(a))
    return work + store, taus


def tridiagonal(a, *, lower=True):
    """(a, d, e, taus) as LAPACK sytrd/hetrd leave them for the Hermitian matrix held in a's ``lower`` (or
    upper) triangle (the other is not read, and comes back as it was): Q^H a Q = T with diagonal d and off
    diagonal e (both real), T's entries and the reflectors in that triangle of a (v_i below the subdiagonal
    in column i, or above the superdiagonal in column i+1), taus (..., n-1)."""
    a = _matrices(_inexact(a, "tridiagonal", "a"), "tridiagonal", "a")
    n, dt = _shape(a)[-1], _dtype(a)
    rows, cols = np.arange(n)[:, None], np.arange(n)
    real_diag = jnp.real(jnp.diagonal(a, axis1=-2, axis2=-1)).astype(dt)
    tri = jnp.tril(a, -1) if lower else jnp.triu(a, 1)
    work = tri + _h(tri) + jnp.expand_dims(real_diag, -1) * _eye(n, dt)
    store, taus, e = 0, [None] * (n - 1), [None] * (n - 1)
    # NOTE: lower works down from column 0 (reflector i on rows i+1..), upper up from column n-1 (rows ..j-1)
    for i in range(n - 1) if lower else range(n - 2, -1, -1):
        j, pivot = (i, i + 1) if lower else (i + 1, i)
        part = rows[:, 0] >= i + 2 if lower else rows[:, 0] < i
        v, taus[i], e[i] = _reflector(work[..., :, j], pivot, part)
        work = _two_sided(work, v, taus[i])
        store = store + jnp.where((cols == j) & part[:, None], jnp.expand_dims(v, -1), 0)
    d = jnp.real(jnp.diagonal(work, axis1=-2, axis2=-1))
    e = jnp.stack(e, axis=-1) if e else jnp.zeros(_shape(d)[:-1] + (0,), d.dtype)
    taus = jnp.stack(taus, axis=-1) if taus else jnp.zeros(_shape(a)[:-2] + (0,), dt)
    off = rows == cols + 1 if lower else rows + 1 == cols
    band = jnp.expand_dims(d, -1) * _eye(n, dt) + jnp.where(
        off, jnp.expand_dims(jnp.pad(e, [(0, 0)] * (jnp.ndim(e) - 1) + [(0, 1)]), -2 if lower else -1), 0)
    return (jnp.triu(a, 1) if lower else jnp.tril(a, -1)) + band + store, d, e, taus


def ormqr(a, taus, c, *, left=True, transpose=False):
    """Q c, Q^H c (``transpose``), c Q or c Q^H (``left=False``) for Q = H_0 ... H_{k-1}, H_i = I - taus[i] v_i
    v_i^H, v_i column i of a below the diagonal with 1 on it (geqrf's storage), without forming Q."""
    a = _matrices(_inexact(a, "ormqr", "a"), "ormqr", "a", square=False)
    taus, c = _inexact(taus, "ormqr", "taus"), _inexact(c, "ormqr", "c")
    _same_dtype("ormqr", a=a, taus=taus, c=c)
    _matrices(c, "ormqr", "c", square=False)
    m, k = _shape(a)[-2], _shape(taus)[-1]
    if _shape(c)[-2 if left else -1] != m:
        raise ValueError(f"ormqr: c's {'rows' if left else 'columns'} must match a's rows {m}, got a of shape "
                         f"{_shape(a)} and c of shape {_shape(c)}")
    if _shape(taus)[:-1] != _shape(a)[:-2] or _shape(c)[:-2] != _shape(a)[:-2] or k > min(_shape(a)[-2:]):
        raise ValueError(f"ormqr: taus must be (..., k), k <= min(m, n), and c (..., rows, cols) with a's batch "
                         f"dimensions, got a {_shape(a)}, taus {_shape(taus)}, c {_shape(c)}")
    vs = jnp.tril(a[..., :, :k], -1) + np.eye(m, k, dtype=_dtype(a))
    taus = jnp.conj(taus) if transpose else taus
    for i in (range(k - 1, -1, -1) if left != transpose else range(k)):
        v, t = vs[..., :, i], jnp.expand_dims(taus[..., i], (-1, -2))
        if left:
            c = c - t * jnp.expand_dims(v, -1) * jnp.expand_dims(jnp.sum(jnp.expand_dims(jnp.conj(v), -1) * c,
                                                                          axis=-2), -2)
        else:
            c = c - t * jnp.expand_dims(jnp.sum(c * jnp.expand_dims(v, -2), axis=-1), -1) \
                * jnp.expand_dims(jnp.conj(v), -2)
    return c


def householder_product(a, taus):
    """The first n columns of H_0 ... H_{k-1} (LAPACK orgqr/ungqr) for a (..., m, n), m >= n, holding the
    reflectors as ``ormqr`` reads them and taus (..., k), k <= n."""
    a = _matrices(_inexact(a, "householder_product", "a"), "householder_product", "a", square=False)
    m, n = _shape(a)[-2:]
    if m < n:
        raise ValueError(f"householder_product: a must have at least as many rows as columns, got shape {_shape(a)}")
    eye = jnp.broadcast_to(np.eye(m, n, dtype=_dtype(a)), _shape(a))
    return ormqr(a, taus, eye)
