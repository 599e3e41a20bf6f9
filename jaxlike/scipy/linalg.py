"""``jaxlike.scipy.linalg``, as ``jax.scipy.linalg``: solve_triangular, cho_factor, cho_solve, cholesky, qr,
solve (``assume_a``), inv, det, eigh (generalized too), svd, lstsq, pinv, block_diag, expm, lu, lu_factor,
lu_solve, and (from ``_special_matrices``) the special matrices and polar/solve_sylvester. Differentiable:
each is composed of ``jaxlike.numpy.linalg`` and the ``ops.lu`` primitives (decompositions with their own
rules), so nothing here has a derivative of its own; ``lu_solve`` is triangular solves on the packed factors,
differentiable in them and in b. On plain arrays each calls scipy itself (a runtime dependency:
numba's BLAS comes from it), so results are scipy's exactly.

Triangular solves go through the general solver on the triangle (LU of a triangular matrix), O(n^3) where
scipy's is O(n^2 k): the derivative then needs no rule of its own, and the cost is that of the Cholesky or QR
before it. ``expm`` is Higham's scaling and squaring with the degree-13 Padé approximant; the number of
squarings depends on the values, so it runs as a fixed loop of ``max_squarings`` steps that square only while
needed (exact, and differentiable, at the price of that many matrix products).
A front-end module: imports jaxlike.numpy, jaxlike.lax.control (scan), ops.lu and numpy."""

import numpy as np

from .. import numpy as jnp
from ..lax.control import scan
from ..numpy._base import asarray_or_var, is_traced
from ..ops import lu as LU
from ._special_matrices import *  # noqa: F401,F403  (toeplitz ... dft, polar, solve_sylvester: kept apart for length)
from ._special_matrices import __all__ as _SPECIAL

__all__ = ["solve_triangular", "cho_factor", "cho_solve", "cholesky", "qr", "solve", "inv", "det", "eigh", "svd",
           "lstsq", "pinv", "block_diag", "expm", "lu", "lu_factor", "lu_solve"] + _SPECIAL


def _scipy():
    import scipy.linalg
    return scipy.linalg


def _plain(*xs):
    xs = [asarray_or_var(x) for x in xs]
    return None if is_traced(*xs) else xs


def _float(a):
    return a if jnp.result_type(a).kind in "fc" else jnp.asarray(a, dtype=np.float64)


def _swap(a):
    return jnp.swapaxes(a, -1, -2)


def _batch_of_vectors(a, b):
    """b holds one vector per matrix of a batched a (b.ndim == a.ndim - 1), as JAX reads it; scipy and
    numpy read such a b as one matrix, so a (3, 4, 4) a with a (3, 4) b was refused."""
    return jnp.ndim(a) > 2 and jnp.ndim(b) == jnp.ndim(a) - 1


def _trans_code(trans):
    codes = {0: 0, 1: 1, 2: 2, "N": 0, "T": 1, "C": 2}
    if trans not in codes:
        raise ValueError(f"solve_triangular: trans must be 0, 1, 2, 'N', 'T' or 'C', got {trans!r}")
    return codes[trans]


def solve_triangular(a, b, trans=0, lower=False, unit_diagonal=False, overwrite_b=False, debug=None,
                     check_finite=True):
    """x with op(T) x = b, T the lower (``lower``) or upper triangle of a (the other is not read), with ones on
    the diagonal for ``unit_diagonal``; op is T, T^T (trans 1/'T') or T^H (2/'C')."""
    code = _trans_code(trans)
    if _batch_of_vectors(a, b):
        x = solve_triangular(a, jnp.expand_dims(b, -1), trans, lower, unit_diagonal)
        return jnp.squeeze(x, -1)
    plain = _plain(a, b)
    if plain is not None:
        return _scipy().solve_triangular(*plain, trans=trans, lower=lower, unit_diagonal=unit_diagonal)
    a, b = _float(asarray_or_var(a)), asarray_or_var(b)
    tri = jnp.tril(a) if lower else jnp.triu(a)
    if unit_diagonal:
        n = int(jnp.shape(a)[-1])
        tri = tri - tri * jnp.eye(n, dtype=tri.dtype) + jnp.eye(n, dtype=tri.dtype)
    if code:
        tri = _swap(jnp.conj(tri) if code == 2 else tri)
    return jnp.linalg.solve(tri, b)


def cholesky(a, lower=False, overwrite_a=False, check_finite=True):
    """The Cholesky factor of a: upper (a = U^H U, scipy's default) or ``lower``."""
    plain = _plain(a)
    if plain is not None:
        return _scipy().cholesky(plain[0], lower=lower)
    return jnp.linalg.cholesky(a, upper=not lower, symmetrize_input=False)   # NOTE: one triangle, as scipy


def cho_factor(a, lower=False, overwrite_a=False, check_finite=True):
    """(c, lower) for ``cho_solve``; c is the factor with zeros in the other triangle (as JAX's; scipy leaves
    a's values there)."""
    return cholesky(a, lower=lower), lower


def cho_solve(c_and_lower, b, overwrite_b=False, check_finite=True):
    """x with a x = b from ``cho_factor(a)``."""
    if not isinstance(c_and_lower, (tuple, list)) or len(c_and_lower) != 2:
        raise TypeError("cho_solve: the first argument must be the (c, lower) pair cho_factor returns")
    c, lower = c_and_lower
    if _batch_of_vectors(c, b):
        return jnp.squeeze(cho_solve((c, lower), jnp.expand_dims(b, -1)), -1)
    plain = _plain(c, b)
    if plain is not None:
        return _scipy().cho_solve((plain[0], lower), plain[1])
    if lower:
        return solve_triangular(c, solve_triangular(c, b, lower=True), trans=2, lower=True)
    return solve_triangular(c, solve_triangular(c, b, trans=2, lower=False), lower=False)


def qr(a, overwrite_a=False, lwork=None, mode="full", pivoting=False, check_finite=True):
    """scipy's modes: "full" (Q square), "economic" (reduced), "r" (a 1-tuple (R,), as scipy's), "raw" is
    refused; ``pivoting`` is not supported on traced arrays."""
    plain = _plain(a)
    if plain is not None:
        return _scipy().qr(plain[0], mode=mode, pivoting=pivoting)
    if pivoting:
        raise NotImplementedError("scipy.linalg.qr: pivoting=True is not supported for traced arrays")
    modes = {"full": "complete", "economic": "reduced", "r": "r"}
    if mode not in modes:
        raise ValueError(f"scipy.linalg.qr: mode must be 'full', 'economic' or 'r', got {mode!r}")
    if mode != "r":
        return tuple(jnp.linalg.qr(a, mode=modes[mode]))
    # NOTE: R of the reduced factors padded with zero rows: scipy's R, with the derivative the reduced one has
    r = jnp.linalg.qr(a, mode="r")
    rows, k = int(jnp.shape(a)[-2]), int(jnp.shape(r)[-2])
    return (jnp.pad(r, [(0, 0)] * (jnp.ndim(r) - 2) + [(0, rows - k), (0, 0)]),)


def solve(a, b, lower=False, overwrite_a=False, overwrite_b=False, check_finite=True, assume_a="gen",
          transposed=False):
    """x with a x = b. ``assume_a`` 'sym', 'her' or 'pos' reads only the ``lower`` (or upper) triangle of a,
    as scipy's; 'gen' reads all of it."""
    plain = _plain(a, b)
    if plain is not None:
        return _scipy().solve(*plain, lower=lower, assume_a=assume_a, transposed=transposed)
    kinds = ("gen", "general", "sym", "symmetric", "her", "hermitian", "pos", "positive definite")
    if assume_a not in kinds:
        raise ValueError(f"scipy.linalg.solve: assume_a must be one of {', '.join(map(repr, kinds))}, "
                         f"got {assume_a!r}")
    a = _float(asarray_or_var(a))
    if assume_a not in ("gen", "general"):
        tri = jnp.tril(a) if lower else jnp.triu(a)
        other = jnp.tril(a, -1) if lower else jnp.triu(a, 1)
        mirrored = _swap(jnp.conj(other) if assume_a in ("her", "hermitian") else other)
        a = tri + mirrored
    if transposed:
        a = _swap(a)
    return jnp.linalg.solve(a, b)


def inv(a, overwrite_a=False, check_finite=True):
    plain = _plain(a)
    return _scipy().inv(plain[0]) if plain is not None else jnp.linalg.inv(a)


def det(a, overwrite_a=False, check_finite=True):
    plain = _plain(a)
    return _scipy().det(plain[0]) if plain is not None else jnp.linalg.det(a)


def eigh(a, b=None, lower=True, eigvals_only=False, overwrite_a=False, overwrite_b=False, turbo=True,
         eigvals=None, type=1, check_finite=True, subset_by_index=None, subset_by_value=None, driver=None):
    """Eigenvalues (ascending) and eigenvectors of the symmetric a (its ``lower`` or upper triangle), or of
    the generalized problem with b positive definite: a v = w b v (``type=1``), a b v = w v (2) or b a v = w v
    (3). Through b's Cholesky factor L, the standard problem of L^-1 a L^-H (type 1) or L^H a L (2 and 3),
    whose vectors L^-H (1, 2) or L (3) turn back, normalized as scipy's (v^H b v = I; v^H b^-1 v = I for 3).
    ``subset_by_index`` (or JAX's older ``eigvals``) (lo, hi) keeps eigenpairs lo..hi; ``subset_by_value``
    would give a size that depends on the values and is refused for traced arrays."""
    subset = subset_by_index if subset_by_index is not None else eigvals
    if type not in (1, 2, 3):
        raise ValueError(f"scipy.linalg.eigh: type must be 1, 2 or 3, got {type!r}")
    plain = _plain(a) if b is None else _plain(a, b)
    if plain is not None:
        return _scipy().eigh(*plain, lower=lower, eigvals_only=eigvals_only, type=type, subset_by_index=subset,
                             subset_by_value=subset_by_value)
    if subset_by_value is not None:
        raise NotImplementedError("scipy.linalg.eigh: subset_by_value= gives as many eigenpairs as fall in the "
                                  "interval, a size that depends on the values; use subset_by_index= or mask w")
    uplo = "L" if lower else "U"
    if b is None:
        w, v = jnp.linalg.eigh(a, UPLO=uplo, symmetrize_input=False)   # NOTE: scipy reads one triangle
    else:
        a = _float(asarray_or_var(a))
        low = jnp.linalg.cholesky(b, upper=not lower, symmetrize_input=False)
        low = _swap(jnp.conj(low)) if not lower else low
        sym = jnp.tril(a) + _swap(jnp.conj(jnp.tril(a, -1))) if lower else jnp.triu(a) + _swap(jnp.conj(jnp.triu(a, 1)))
        if type == 1:
            half = solve_triangular(low, sym, lower=True)                       # L^-1 a
            c = _swap(jnp.conj(solve_triangular(low, _swap(jnp.conj(half)), lower=True)))   # L^-1 a L^-H
        else:
            c = jnp.matmul(_swap(jnp.conj(low)), jnp.matmul(sym, low))        # L^H a L
        w, u = jnp.linalg.eigh(c)
        v = jnp.matmul(low, u) if type == 3 else solve_triangular(low, u, trans=2, lower=True)
    if subset is not None:
        n = int(jnp.shape(w)[-1])
        lo, hi = (int(i) for i in subset)
        if not 0 <= lo <= hi < n:
            raise ValueError(f"scipy.linalg.eigh: subset_by_index {tuple(subset)} is not within [0, {n - 1}]")
        w, v = w[..., lo:hi + 1], v[..., lo:hi + 1]
    return w if eigvals_only else (w, v)


def svd(a, full_matrices=True, compute_uv=True, overwrite_a=False, check_finite=True, lapack_driver="gesdd"):
    plain = _plain(a)
    if plain is not None:
        return _scipy().svd(plain[0], full_matrices=full_matrices, compute_uv=compute_uv)
    out = jnp.linalg.svd(a, full_matrices=full_matrices, compute_uv=compute_uv)
    return tuple(out) if compute_uv else out


def lstsq(a, b, cond=None, overwrite_a=False, overwrite_b=False, check_finite=True, lapack_driver=None):
    """(x, residues, rank, s), as scipy's (``cond`` is numpy's rcond)."""
    plain = _plain(a, b)
    if plain is not None:
        return _scipy().lstsq(*plain, cond=cond)
    x, residues, rank, sv = jnp.linalg.lstsq(a, b, rcond=cond)
    if jnp.ndim(b) == 1 and jnp.size(residues) == 1:
        residues = jnp.reshape(residues, ())    # NOTE: scipy's residue of one right-hand side is a scalar
    return x, residues, rank, sv


def pinv(a, *, atol=None, rtol=None, return_rank=False, check_finite=True):
    """scipy's pseudo-inverse: singular values at most atol + rtol * max(s) are dropped (rtol max(M, N) * eps by
    default); ``return_rank`` also returns how many are kept."""
    plain = _plain(a)
    if plain is not None:
        return _scipy().pinv(plain[0], atol=atol, rtol=rtol, return_rank=return_rank)
    a = _float(asarray_or_var(a))
    rtol = max(int(d) for d in jnp.shape(a)[-2:]) * float(np.finfo(jnp.result_type(a)).eps) if rtol is None else rtol
    if atol is None and not return_rank:
        return jnp.linalg.pinv(a, rtol=rtol)
    if (atol or 0.0) < 0 or rtol < 0:
        raise ValueError("scipy.linalg.pinv: atol and rtol values must be positive")
    # NOTE: scipy's cutoff atol + rtol * max(s), which pinv's relative one cannot express; the derivative is the
    # singular value decomposition's (distinct singular values)
    u, sv, vh = jnp.linalg.svd(a, full_matrices=False)
    keep = sv > (atol or 0.0) + jnp.max(sv, axis=-1, initial=0.0, keepdims=True) * rtol
    inverse = jnp.matmul(_swap(jnp.conj(vh)) * jnp.where(keep, 1 / jnp.where(keep, sv, 1), 0)[..., None, :],
                         _swap(jnp.conj(u)))
    return (inverse, jnp.sum(keep, axis=-1)) if return_rank else inverse


def block_diag(*arrs):
    """The block-diagonal matrix of the given 0-D, 1-D (rows) or 2-D arrays."""
    if not arrs:
        return np.zeros((1, 0))
    mats = [asarray_or_var(a) for a in arrs]
    if not is_traced(*mats):
        return _scipy().block_diag(*mats)
    mats = [jnp.reshape(a, (1, -1)) if jnp.ndim(a) < 2 else a for a in mats]
    if any(jnp.ndim(a) != 2 for a in mats):
        raise ValueError("block_diag: arguments must have 2 or fewer dimensions, got ranks "
                         f"{[jnp.ndim(a) for a in arrs]}")
    widths = [int(jnp.shape(a)[1]) for a in mats]
    total = sum(widths)
    rows, start = [], 0
    for a, w in zip(mats, widths):
        rows.append(jnp.pad(a, ((0, 0), (start, total - start - w))))
        start += w
    return jnp.concatenate(rows, axis=0)


# Padé [13/13] coefficients for exp (Higham 2005, table 10.4's b_0 .. b_13) and the largest 1-norm it serves.
_PADE13 = (64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0, 129060195264000.0,
           10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0, 40840800.0, 960960.0, 16380.0, 182.0,
           1.0)
_THETA13 = 5.371920351148152


def expm(A, *, upper_triangular=False, max_squarings=16):
    """The matrix exponential (batched over leading dimensions). Where ``A``'s 1-norm needs more than
    ``max_squarings`` squarings (above 5.37 * 2**max_squarings) the result is not finite, as JAX's."""
    A = asarray_or_var(A)
    if not is_traced(A):
        return _scipy().expm(A)
    A = _float(A)
    if jnp.ndim(A) < 2:
        raise ValueError(f"expm: expected a square matrix (or a stack of them), got rank {jnp.ndim(A)}")
    n = int(jnp.shape(A)[-1])
    if int(jnp.shape(A)[-2]) != n:
        raise ValueError(f"expm: expected square matrices, got {jnp.shape(A)[-2]}x{n}")
    if n == 0:
        return A        # NOTE: the 1-norm below is a max over nothing
    norm = jnp.max(jnp.sum(jnp.abs(A), axis=-2), axis=-1)
    squarings = jnp.maximum(0, jnp.ceil(jnp.log2(jnp.maximum(norm, 1e-300) / _THETA13)))
    too_many = squarings > max_squarings
    squarings = jnp.minimum(squarings, max_squarings)
    scaled = A / jnp.expand_dims(jnp.exp2(squarings), (-1, -2)).astype(A.dtype)
    b = _PADE13
    eye = jnp.eye(n, dtype=A.dtype)
    a2 = scaled @ scaled
    a4 = a2 @ a2
    a6 = a4 @ a2
    u = scaled @ (a6 @ (b[13] * a6 + b[11] * a4 + b[9] * a2) + b[7] * a6 + b[5] * a4 + b[3] * a2 + b[1] * eye)
    v = a6 @ (b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2 + b[0] * eye
    r = jnp.linalg.solve(v - u, v + u)

    def square_while_needed(x, step):
        return jnp.where(jnp.expand_dims(step < squarings, (-1, -2)), x @ x, x), None

    r, _ = scan(square_while_needed, r, jnp.arange(max_squarings))
    return jnp.where(jnp.expand_dims(too_many, (-1, -2)), np.nan, r)


# -- LU ----------------------------------------------------------------------------------------------------------
def _lu_operand(a, fname):
    a = asarray_or_var(a)
    if jnp.ndim(a) < 2:
        raise ValueError(f"{fname}: expected a matrix (or a stack of them) of rank >= 2, got rank {jnp.ndim(a)}")
    return _float(a)


def lu_factor(a, overwrite_a=False, check_finite=True):
    """(lu, piv): L below the diagonal (its unit diagonal implied) and U on and above it in one matrix, and the
    0-based row interchanges (int32: row i was swapped with row piv[i]), for ``lu_solve``. Batched over leading
    dimensions; differentiable in ``lu`` where the pivots do not change (JAX's rule)."""
    a = _lu_operand(a, "lu_factor")
    if not is_traced(a):
        return _scipy().lu_factor(a) if jnp.ndim(a) == 2 else LU.lu_np(a)[:2]
    return LU.lu_packed(a), LU.lu_pivots(a)


def lu(a, permute_l=False, overwrite_a=False, check_finite=True):
    """(p, l, u) with a = p @ l @ u (p a permutation matrix, real, l unit lower trapezoidal (m, k), u upper
    (k, n), k = min(m, n)), or (p @ l, u) with ``permute_l``; batched over leading dimensions."""
    a = _lu_operand(a, "lu")
    if not is_traced(a) and jnp.ndim(a) == 2:
        return _scipy().lu(a, permute_l=permute_l)
    rows, cols = (int(d) for d in jnp.shape(a)[-2:])
    k = min(rows, cols)
    if is_traced(a):
        packed, perm = LU.lu_packed(a), LU.lu_permutation(a)
    else:
        packed, _, perm = LU.lu_np(a)
    real = np.zeros(0, jnp.result_type(packed)).real.dtype
    p = jnp.asarray(jnp.expand_dims(perm, -2) == np.arange(rows)[:, None], dtype=real)    # p[i, j] = perm[j] == i
    low = jnp.tril(packed, -1)[..., :, :k] + jnp.eye(rows, k, dtype=jnp.result_type(packed))
    up = jnp.triu(packed)[..., :k, :]
    return (jnp.matmul(p, low), up) if permute_l else (p, low, up)


def _pivots_to_permutation(piv, rows):
    """The permutation the row interchanges ``piv`` (..., k) make of range(rows): perm[..., i] is the row of the
    original matrix that ends up in row i."""
    if not is_traced(piv):
        piv = np.asarray(piv)
        perm = np.broadcast_to(np.arange(rows), piv.shape[:-1] + (rows,)).copy()
        for j in range(piv.shape[-1]):
            here = perm[..., j].copy()
            there = np.take_along_axis(perm, piv[..., j, None], -1)[..., 0]
            perm[..., j] = there
            np.put_along_axis(perm, piv[..., j, None], here[..., None], -1)
        return perm
    positions = np.arange(rows)
    perm = jnp.broadcast_to(jnp.asarray(positions, dtype=jnp.result_type(piv)), tuple(jnp.shape(piv)[:-1]) + (rows,))
    for j in range(int(jnp.shape(piv)[-1])):
        target = piv[..., j, None]
        here, there = perm[..., j, None], jnp.take_along_axis(perm, target, -1)
        perm = jnp.where(positions == j, there, jnp.where(positions == target, here, perm))
    return perm


def lu_solve(lu_and_piv, b, trans=0, overwrite_b=False, check_finite=True):
    """x with a x = b (``trans`` 0), a^T x = b (1) or a^H x = b (2), from ``lu_factor(a)``: a permutation and two
    triangular solves, differentiable in ``lu`` and ``b``. b is a vector (n,), a matrix (..., n, k), or one vector
    per matrix of a batched lu (..., n)."""
    if not isinstance(lu_and_piv, (tuple, list)) or len(lu_and_piv) != 2:
        raise TypeError("lu_solve: the first argument must be the (lu, piv) pair lu_factor returns")
    if trans not in (0, 1, 2):
        raise ValueError(f"lu_solve: trans must be 0, 1 or 2, got {trans!r}")
    packed, piv = (asarray_or_var(x) for x in lu_and_piv)
    b = asarray_or_var(b)
    if jnp.ndim(packed) < 2 or int(jnp.shape(packed)[-1]) != int(jnp.shape(packed)[-2]):
        raise ValueError(f"lu_solve: lu must be square matrices (..., n, n), got shape {tuple(jnp.shape(packed))}")
    if jnp.ndim(b) == 1 or _batch_of_vectors(packed, b):
        return jnp.squeeze(lu_solve((packed, piv), jnp.expand_dims(b, -1), trans), -1)
    n = int(jnp.shape(packed)[-1])
    if int(jnp.shape(b)[-2]) != n:
        raise ValueError(f"lu_solve: b's rows must match lu's size {n}, got b of shape {tuple(jnp.shape(b))}")
    if not is_traced(packed, piv, b) and jnp.ndim(packed) == 2 and jnp.ndim(b) == 2:
        return _scipy().lu_solve((packed, piv), b, trans=trans)
    perm = _pivots_to_permutation(piv, n)
    p = jnp.asarray(jnp.expand_dims(perm, -1) == np.arange(n), dtype=jnp.result_type(packed, b))  # (p b) = b[perm]
    if trans == 0:
        y = solve_triangular(packed, jnp.matmul(p, b), lower=True, unit_diagonal=True)
        return solve_triangular(packed, y, lower=False)
    y = solve_triangular(packed, b, trans=trans, lower=False)
    return jnp.matmul(_swap(p), solve_triangular(packed, y, trans=trans, lower=True, unit_diagonal=True))
