"""``jaxlike.numpy.linalg``: numpy's linalg names over traced values, batched over leading dimensions as numpy
is, with gradients: inv, solve, det, slogdet, cholesky, eigh, eigvalsh, eig, eigvals (from ``_eig``), svd,
svdvals, qr, pinv, lstsq, cond, tensorsolve, tensorinv, norm, vector_norm, matrix_norm, matrix_power,
matrix_rank, multi_dot, and numpy 2's matrix_transpose/vecdot/trace/diagonal/outer/cross/matmul/tensordot.

Plain arrays go straight to ``numpy.linalg``. Integers are computed in float64 and float16 in float32, as numpy
does. Decompositions bind the ``ops.decomp`` primitives (one per output, see there why); ``cholesky``
reads only the triangle numpy reads, so its gradient is zero on the other one; ``eigh`` and ``eigvalsh``
follow JAX instead: they use (a + a^H) / 2 unless ``symmetrize_input=False``, so their gradient is
symmetric. Where a derivative does not exist (repeated eigenvalues or singular values for the vectors, norms
at 0), the result is not finite, as in JAX; det's derivative, the cofactor matrix, is finite everywhere.
``inv`` and ``solve`` of an exactly singular matrix (and what needs them: slogdet's derivative there, where
log|det| is -inf) raise numpy's LinAlgError where JAX returns inf and NaN: an error that says the matrix is
singular, rather than values that spread through the rest of a step.
"""

from collections import namedtuple

import numpy as np

from ..ops import decomp as D
from ..ops import qr as Q
from ..ops import math as m
from ..ops._rules import normalize_axis, broadcast_shapes
from ._base import asarray_or_var, is_traced, ndim, shape, dtype_of
from . import _shape as _sh
from . import _reductions as R
from . import _products as P
from ._more_shape import cross as _cross
from ._diagonals import tril, triu, diagonal as _diagonal
from ._more_reductions import trace as _trace
from ._eig import eig, eigvals, EigResult  # noqa: F401  (general eig: kept in its own module for length)

LinAlgError = np.linalg.LinAlgError
SlogdetResult = namedtuple("SlogdetResult", ["sign", "logabsdet"])
EighResult = namedtuple("EighResult", ["eigenvalues", "eigenvectors"])
SVDResult = namedtuple("SVDResult", ["U", "S", "Vh"])
QRResult = namedtuple("QRResult", ["Q", "R"])


def _float(a):
    dt = dtype_of(a)
    return a if dt.kind in "fc" else m.convert(a, dtype=D.result_dtype(dt))


def _magnitude(x):
    """Norms of a complex array are norms of its magnitudes (``|z|``, real)."""
    return m.abs_(x) if dtype_of(x).kind == "c" else x


def _square(a, fname):
    if ndim(a) < 2:
        raise LinAlgError(f"{ndim(a)}-dimensional array given to {fname}. Array must be at least two-dimensional")
    r, c = shape(a)[-2:]
    if isinstance(r, int) and isinstance(c, int) and r != c:
        raise LinAlgError(f"{fname}: last 2 dimensions of the array must be square, got {r}x{c}")


def _prep(a, fname, square=True):
    a = asarray_or_var(a)
    if not is_traced(a):
        return a, False
    if square:
        _square(a, fname)
    elif ndim(a) < 2:
        raise LinAlgError(f"{ndim(a)}-dimensional array given to {fname}. Array must be at least two-dimensional")
    return _float(a), True


def inv(a):
    """Inverse over the last two axes."""
    a, traced = _prep(a, "inv")
    return D.inv(a) if traced else np.linalg.inv(a)


def solve(a, b):
    """x with a @ x = b. As numpy 2: b is a vector only when it is 1-D, else (..., M, K); batch axes broadcast."""
    a, b = asarray_or_var(a), asarray_or_var(b)
    if not is_traced(a, b):
        return np.linalg.solve(a, b)
    a = _float(asarray_or_var(a))
    _square(a, "solve")
    b = _float(b)
    vector = ndim(b) == 1
    if vector:
        b = _sh.reshape(b, tuple(shape(b)) + (1,))
    if ndim(b) < 2:
        raise ValueError(f"solve: b must be at least 1-D, got rank {ndim(b)}")
    batch = broadcast_shapes(tuple(shape(a)[:-2]), tuple(shape(b)[:-2]))
    a = _sh.broadcast_to(a, tuple(batch) + tuple(shape(a)[-2:]))
    b = _sh.broadcast_to(b, tuple(batch) + tuple(shape(b)[-2:]))
    x = D.solve(a, b)
    return _sh.reshape(x, tuple(shape(x)[:-1])) if vector else x


def det(a):
    a, traced = _prep(a, "det")
    return D.det(a) if traced else np.linalg.det(a)


def slogdet(a):
    """(sign, log|det|), without the overflow of det; the sign has zero derivative."""
    a, traced = _prep(a, "slogdet")
    if not traced:
        return SlogdetResult(*np.linalg.slogdet(a))
    return SlogdetResult(D.det_sign(a), D.logabsdet(a))


def _from_triangle(a, lower):
    """The symmetric matrix numpy's eigh/cholesky see: one triangle mirrored onto the other."""
    if lower:
        return tril(a) + _sh.swapaxes(tril(a, -1), -1, -2)
    return triu(a) + _sh.swapaxes(triu(a, 1), -1, -2)


def cholesky(a, /, *, upper=False, symmetrize_input=True):
    """Lower Cholesky factor L (a = L L^T); ``upper=True`` gives L^T. As JAX's, it factors (a + a^H) / 2 by
    default (its gradient is then symmetric, the direction a symmetric matrix can move in);
    ``symmetrize_input=False`` reads a's lower triangle (upper: the upper one)."""
    a, traced = _prep(a, "cholesky")
    if not traced and np.iscomplexobj(a):
        return np.linalg.cholesky(_symmetrized(a) if symmetrize_input else a, upper=upper)
    # NOTE: plain arrays too go through the primitive: a matrix that is not positive definite gives NaN, as
    # in JAX, eagerly and compiled alike (numpy raises)
    L = D.cholesky(_symmetrized(a) if symmetrize_input else _from_triangle(a, lower=not upper))
    return D.mT(L) if upper else L


def _uplo(UPLO):
    if UPLO not in ("L", "U"):
        raise ValueError(f"UPLO argument must be 'L' or 'U', got {UPLO!r}")
    return UPLO == "L"


def _symmetrized(a):
    """(a + a^H) / 2: what JAX's eigh decomposes by default. Its gradient is the symmetric part of the
    cotangent, the direction a symmetric matrix can move in, where one triangle's gives twice the off-diagonal
    entries to one side and 0 to the other."""
    if not is_traced(a):
        return (a + np.conj(np.swapaxes(a, -1, -2))) / 2
    at = _sh.swapaxes(a, -1, -2)
    return (a + (m.conj(at) if dtype_of(a).kind == "c" else at)) * 0.5


def eigh(a, UPLO=None, symmetrize_input=True):
    """(eigenvalues ascending, eigenvectors as columns) of a symmetric (Hermitian) matrix, as JAX's: of
    (a + a^H) / 2 by default, else (``symmetrize_input=False``) of the ``UPLO`` triangle ('L' when None)
    mirrored, as numpy's. The two agree on a symmetric ``a``."""
    lower = _uplo("L" if UPLO is None else UPLO)
    a, traced = _prep(a, "eigh")
    if not traced:
        return EighResult(*np.linalg.eigh(_symmetrized(a) if symmetrize_input else a, UPLO="L" if lower else "U"))
    s = _symmetrized(a) if symmetrize_input else _from_triangle(a, lower)
    return EighResult(D.eigh_values(s), D.eigh_vectors(s))


def eigvalsh(a, UPLO="L", *, symmetrize_input=True):
    """The eigenvalues of ``eigh`` (ascending), with its ``symmetrize_input``."""
    lower = _uplo("L" if UPLO is None else UPLO)
    a, traced = _prep(a, "eigvalsh")
    if not traced:
        return np.linalg.eigvalsh(_symmetrized(a) if symmetrize_input else a, UPLO="L" if lower else "U")
    return D.eigh_values(_symmetrized(a) if symmetrize_input else _from_triangle(a, lower))


def svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    """(U, S, Vh) with a = U diag(S) Vh, or S alone. Derivatives: S always; U and Vh where singular values are
    distinct, and not for the extra vectors of ``full_matrices=True`` on non-square input (as JAX)."""
    a, traced = _prep(a, "svd", square=False)
    if not traced:
        return np.linalg.svd(a, full_matrices=full_matrices, compute_uv=compute_uv, hermitian=hermitian)
    if not compute_uv:
        return D.svd_s(a)
    r, c = shape(a)[-2:]
    # NOTE: square matrices use the reduced form, whose derivative exists; it equals the full one.
    full = bool(full_matrices) and not (r is c or (isinstance(r, int) and isinstance(c, int) and r == c))
    return SVDResult(D.svd_u(a, full_matrices=full), D.svd_s(a), D.svd_vh(a, full_matrices=full))


def svdvals(x, /):
    return svd(x, compute_uv=False)


def _is_square(a):
    r, c = shape(a)[-2:]
    return r is c or (isinstance(r, int) and isinstance(c, int) and r == c)


def qr(a, mode="reduced"):
    """(Q, R) with a = Q R, batched: modes "reduced" (Q (..., M, K), R (..., K, N), K = min(M, N)), "complete"
    (Q (..., M, M)) and "r" (R alone). Derivatives for M >= N with the reduced factors (square matrices in
    either mode) where R's diagonal has no zero, as in JAX; "raw" (LAPACK's Householder form) is numpy's only."""
    if mode not in ("reduced", "complete", "r", "raw"):
        raise ValueError(f"qr: unrecognized mode {mode!r}; expected 'reduced', 'complete', 'r' or 'raw'")
    a, traced = _prep(a, "qr", square=False)
    if not traced:
        return np.linalg.qr(a, mode=mode)
    if mode == "raw":
        raise NotImplementedError("qr: mode='raw' (LAPACK's Householder reflectors) is not supported for traced "
                                  "arrays; use 'reduced', 'complete' or 'r'")
    # NOTE: a square matrix's complete factors are its reduced ones, whose derivative exists
    full = mode == "complete" and not _is_square(a)
    r = Q.qr_r(a, full_matrices=full)
    return r if mode == "r" else QRResult(Q.qr_q(a, full_matrices=full), r)


def pinv(a, rcond=None, hermitian=False, *, rtol=np._NoValue):
    """Moore-Penrose pseudo-inverse; singular values below ``rcond`` (or ``rtol``) times the largest are
    dropped. Its derivative assumes the rank does not change near ``a``."""
    a = asarray_or_var(a)
    if not is_traced(a):
        return np.linalg.pinv(a, rcond=rcond, hermitian=hermitian, rtol=rtol)
    if ndim(a) < 2:
        raise LinAlgError(f"{ndim(a)}-dimensional array given to pinv. Array must be at least two-dimensional")
    a = _float(a)
    if rcond is None:
        if rtol is np._NoValue:
            rcond = 1e-15
        elif rtol is None:
            rcond = int(max(shape(a)[-2:])) * float(np.finfo(dtype_of(a)).eps)
        else:
            rcond = rtol
    elif rtol is not np._NoValue:
        raise ValueError("`rtol` and `rcond` can't be both set.")
    if np.ndim(rcond) != 0 or is_traced(rcond):
        raise TypeError("pinv: rcond/rtol must be a Python number for traced arrays")
    return D.pinv(a, rtol=float(rcond))


LstsqResult = namedtuple("LstsqResult", ["x", "residuals", "rank", "singular_values"])


def lstsq(a, b, rcond=None):
    """(x, residuals, rank, singular values) of min ||a x - b||, x = pinv(a) b (numpy's ``rcond``: singular
    values below rcond times the largest are dropped; None is eps * max(M, N)). Residuals (squared norms per
    column of b) are given when M > N, else empty, as numpy's, except that a rank-deficient tall ``a`` gets them
    too (numpy's empty result there depends on the values). The derivative assumes the rank is constant."""
    a, b = asarray_or_var(a), asarray_or_var(b)
    if not is_traced(a, b):
        return np.linalg.lstsq(a, b, rcond=rcond)
    if ndim(a) != 2 or ndim(b) not in (1, 2):
        raise LinAlgError(f"lstsq: a must be 2-D and b 1-D or 2-D, got ranks {ndim(a)} and {ndim(b)}")
    a, b = _float(a), _float(b)
    common = np.promote_types(dtype_of(a), dtype_of(b))     # NOTE: numpy solves in one dtype (s included)
    a, b = (v if dtype_of(v) == common else m.convert(v, dtype=common) for v in (a, b))
    rows, cols = (int(d) for d in shape(a))
    if int(shape(b)[0]) != rows:
        raise LinAlgError(f"lstsq: incompatible dimensions: a has {rows} rows, b has {int(shape(b)[0])}")
    if rcond is None:
        rcond = float(np.finfo(dtype_of(a)).eps) * max(rows, cols)
    x = P.matmul(D.pinv(a, rtol=float(rcond)), b)
    s = D.svd_s(a)
    if min(rows, cols) == 0:
        rank = np.int32(0)      # NOTE: no singular values, and max() of none has no identity
    else:
        rank = m.convert(R.sum(m.gt(s, R.max(s) * rcond)), dtype=np.dtype("int32"))   # numpy's (LAPACK's) int
    if rows > cols:
        err = _magnitude(b - P.matmul(a, x))
        residuals = R.sum(err * err, axis=0)
        residuals = _sh.reshape(residuals, (1,)) if ndim(b) == 1 else residuals
    else:
        residuals = np.zeros((0,), dtype_of(x))
    return LstsqResult(x, residuals, rank, s)


def cond(x, p=None):
    """Condition number in the norm ``p`` (None/2, -2: ratio of extreme singular values; 'fro', 'nuc', 1, -1,
    inf, -inf: norm(x) * norm(inv(x)))."""
    x = asarray_or_var(x)
    if not is_traced(x):
        return np.linalg.cond(x, p=p)
    x = _float(x)
    if ndim(x) < 2:
        raise LinAlgError(f"{ndim(x)}-dimensional array given to cond. Array must be at least two-dimensional")
    if any(isinstance(d, int) and d == 0 for d in shape(x)[-2:]):
        raise LinAlgError("cond is not defined on empty arrays")
    if p in (None, 2, -2):
        s = D.svd_s(x)
        big, small = R.max(s, axis=-1), R.min(s, axis=-1)
        return big / small if p != -2 else small / big
    _square(x, "cond")
    # NOTE: a singular matrix (LAPACK's zero pivot, where inv raises) has condition number inf, as numpy's
    # and JAX's; it is inverted as the identity in its place
    singular = _sh.expand_dims(D.det_sign(x) == 0, (-2, -1))
    eye = np.eye(int(shape(x)[-1]), dtype=dtype_of(x))
    inverse = D.inv(m.where(singular, eye, x))
    c = norm(x, ord=p, axis=(-2, -1), keepdims=True) * norm(inverse, ord=p, axis=(-2, -1), keepdims=True)
    return _sh.squeeze(m.where(singular, np.array(np.inf, dtype_of(c)), c), (-2, -1))


def _prod(dims):
    out = 1
    for d in dims:
        out *= int(d)
    return out


def tensorsolve(a, b, axes=None):
    """x with tensordot(a, x, x.ndim) = b: a's first b.ndim axes against b, the rest x's shape."""
    a, b = asarray_or_var(a), asarray_or_var(b)
    if not is_traced(a, b):
        return np.linalg.tensorsolve(a, b, axes=axes)
    if axes is not None:
        axes = (axes,) if isinstance(axes, (int, np.integer)) else tuple(axes)
        a = _sh.moveaxis(a, axes, tuple(range(ndim(a) - len(axes), ndim(a))))
    x_shape = tuple(shape(a)[ndim(b):])
    rows, cols = _prod(shape(a)[:ndim(b)]), _prod(x_shape)
    if rows != cols:
        raise LinAlgError(f"tensorsolve: a's leading axes hold {rows} elements and its trailing ones {cols}; "
                          "they must be equal (a square problem)")
    x = solve(_sh.reshape(a, (rows, cols)), _sh.reshape(b, (rows,)))
    return _sh.reshape(x, x_shape)


def tensorinv(a, ind=2):
    """The inverse of a for tensordot over ``ind`` axes: shape a.shape[ind:] + a.shape[:ind]."""
    a = asarray_or_var(a)
    if not is_traced(a):
        return np.linalg.tensorinv(a, ind=ind)
    if not isinstance(ind, (int, np.integer)) or ind <= 0:
        raise ValueError(f"tensorinv: ind must be a positive integer, got {ind!r}")
    front, back = tuple(shape(a)[:ind]), tuple(shape(a)[ind:])
    rows, cols = _prod(front), _prod(back)
    if rows != cols:
        raise LinAlgError(f"tensorinv: the first {ind} axes hold {rows} elements and the rest {cols}; they must be "
                          "equal")
    return _sh.reshape(inv(_sh.reshape(a, (rows, cols))), back + front)


# -- norms ----------------------------------------------------------------------------------------------------
def _vector_norm(x, ord, axis, keepdims):
    if isinstance(ord, str):
        raise ValueError(f"Invalid norm order '{ord}' for vectors")
    x = _magnitude(x)
    if ord is None or ord == 2:
        return m.sqrt(R.sum(x * x, axis=axis, keepdims=keepdims))
    if ord == np.inf:
        return R.max(m.abs_(x), axis=axis, keepdims=keepdims)
    if ord == -np.inf:
        return R.min(m.abs_(x), axis=axis, keepdims=keepdims)
    if ord == 0:
        return R.sum(m.convert(m.ne(x, 0), dtype=dtype_of(x)), axis=axis, keepdims=keepdims)
    if ord == 1:
        return R.sum(m.abs_(x), axis=axis, keepdims=keepdims)
    ord = float(ord)
    return m.pow_(R.sum(m.pow_(m.abs_(x), ord), axis=axis, keepdims=keepdims), 1.0 / ord)


def _entrywise_matrix_norm(x, ord, row, col):
    if ord in (None, "fro", "f"):
        return m.sqrt(R.sum(x * x, axis=(row, col)))
    if ord in (1, -1):
        c = col - 1 if col > row else col
        return (R.max if ord == 1 else R.min)(R.sum(m.abs_(x), axis=row), axis=c)
    r = row - 1 if row > col else row
    return (R.max if ord == np.inf else R.min)(R.sum(m.abs_(x), axis=col), axis=r)


def _matrix_norm(x, ord, row, col, keepdims):
    if ord in (2, -2, "nuc"):
        s = D.svd_s(_sh.moveaxis(x, (row, col), (-2, -1)))
        out = {2: R.max, -2: R.min, "nuc": R.sum}[ord](s, axis=-1)
    elif ord in (None, "fro", "f", 1, -1, np.inf, -np.inf):
        out = _entrywise_matrix_norm(_magnitude(x), ord, row, col)
    else:
        raise ValueError(f"Invalid norm order {ord!r} for matrices")
    if keepdims:
        dims = list(shape(out))
        for ax in sorted((row, col)):
            dims.insert(ax, 1)
        out = _sh.reshape(out, tuple(dims))
    return out


def norm(x, ord=None, axis=None, keepdims=False):
    """Vector norms (``axis`` an int, or x 1-D) and matrix norms (``axis`` a pair, or x 2-D), numpy's ``ord``s:
    vectors None/2, inf, -inf, 0, 1, any p; matrices None/'fro', 'nuc', 1, -1, 2, -2, inf, -inf."""
    x = asarray_or_var(x)
    if not is_traced(x):
        return np.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims)
    x = _float(x)
    nd = ndim(x)
    if axis is None:
        if ord is None:
            mag = _magnitude(x)
            out = m.sqrt(R.sum(mag * mag))
            return _sh.reshape(out, (1,) * nd) if keepdims else out
        if nd not in (1, 2):
            raise ValueError("Improper number of dimensions to norm.")
        axis = tuple(range(nd))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    if len(axes) == 1:
        return _vector_norm(x, ord, normalize_axis(axes[0], nd), keepdims)
    if len(axes) == 2:
        row, col = normalize_axis(axes[0], nd), normalize_axis(axes[1], nd)
        if row == col:
            raise ValueError("Duplicate axes given.")
        return _matrix_norm(x, ord, row, col, keepdims)
    raise ValueError("Improper number of dimensions to norm.")


def vector_norm(x, /, *, axis=None, keepdims=False, ord=2):
    """numpy 2's vector norm: over all elements when ``axis`` is None, or over a tuple of axes together."""
    x = asarray_or_var(x)
    if not is_traced(x):
        return np.linalg.vector_norm(x, axis=axis, keepdims=keepdims, ord=ord)
    x = _float(x)
    nd = ndim(x)
    axes = tuple(range(nd)) if axis is None else ((axis,) if isinstance(axis, (int, np.integer)) else tuple(axis))
    axes = tuple(sorted(normalize_axis(a, nd) for a in axes))
    rest = [i for i in range(nd) if i not in axes]
    flat = _sh.reshape(_sh.transpose(x, rest + list(axes)), tuple(shape(x)[i] for i in rest) + (-1,))
    out = _vector_norm(flat, ord, len(rest), False)
    if keepdims:
        out = _sh.reshape(out, tuple(1 if i in axes else shape(x)[i] for i in range(nd)))
    return out


def matrix_norm(x, /, *, keepdims=False, ord="fro"):
    """numpy 2's matrix norm over the last two axes."""
    x = asarray_or_var(x)
    if not is_traced(x):
        return np.linalg.matrix_norm(x, keepdims=keepdims, ord=ord)
    return norm(x, ord=ord, axis=(-2, -1), keepdims=keepdims)


# -- products and powers ---------------------------------------------------------------------------------------------
def matrix_power(a, n):
    """a @ a @ ... (n times) by repeated squaring; n < 0 inverts first, n = 0 gives the identity."""
    a = asarray_or_var(a)
    if not is_traced(a):
        return np.linalg.matrix_power(a, n)
    if not isinstance(n, (int, np.integer)):
        raise TypeError(f"matrix_power: exponent must be an integer, got {type(n).__name__}")
    _square(a, "matrix_power")
    if n == 0:
        eye = np.eye(int(shape(a)[-1]), dtype=dtype_of(a))
        return _sh.broadcast_to(eye, tuple(shape(a)))
    if n < 0:
        a, n = inv(a), -n
    result, base = None, a
    while n:
        if n & 1:
            result = base if result is None else P.matmul(result, base)
        n >>= 1
        if n:
            base = P.matmul(base, base)
    return result


def multi_dot(arrays, *, out=None):
    """Chained dot products, multiplied in the order that needs the fewest flops (classic dynamic
    programme over the concrete sizes); the first/last argument may be 1-D."""
    if out is not None:
        raise TypeError("multi_dot: out= is not supported")
    arrays = [asarray_or_var(a) for a in arrays]
    if len(arrays) < 2:
        raise ValueError("Expecting at least two arrays.")
    if not is_traced(*arrays):
        return np.linalg.multi_dot(arrays)
    first_1d, last_1d = ndim(arrays[0]) == 1, ndim(arrays[-1]) == 1
    if first_1d:
        arrays[0] = _sh.reshape(arrays[0], (1, -1))
    if last_1d:
        arrays[-1] = _sh.reshape(arrays[-1], (-1, 1))
    for i, a in enumerate(arrays):
        if ndim(a) != 2:
            raise ValueError(f"multi_dot: array {i} has {ndim(a)} dimensions; only the first and last may be 1-D, "
                             "the others must be 2-D")
    dims = [shape(arrays[0])[0]] + [shape(a)[1] for a in arrays]
    sizes = [d if isinstance(d, int) else 64 for d in dims]  # symbolic sizes: a neutral guess
    order = _chain_order(sizes)
    result = _chain(arrays, order, 0, len(arrays) - 1)
    if first_1d and last_1d:
        return _sh.reshape(result, ())
    if first_1d:
        return _sh.reshape(result, (-1,))
    if last_1d:
        return _sh.reshape(result, (-1,))
    return result


def _chain_order(p):
    n = len(p) - 1
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = float("inf")
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + p[i] * p[k + 1] * p[j + 1]
                if c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k
    return split


def _chain(arrays, split, i, j):
    if i == j:
        return arrays[i]
    k = split[i][j]
    return P.dot(_chain(arrays, split, i, k), _chain(arrays, split, k + 1, j))


def matrix_rank(A, tol=None, hermitian=False, *, rtol=None):
    """Number of singular values above the tolerance (an integer: no gradient)."""
    A = asarray_or_var(A)
    if not is_traced(A):
        return np.linalg.matrix_rank(A, tol=tol, hermitian=hermitian, rtol=rtol)
    A = _float(A)
    if ndim(A) < 2:
        return m.convert(R.any(m.ne(A, 0)), dtype=np.dtype("int64"))
    s = D.svd_s(A)
    if tol is None:
        factor = rtol if rtol is not None else int(max(shape(A)[-2:])) * float(np.finfo(dtype_of(A)).eps)
        tol = R.max(s, axis=-1, keepdims=True) * factor
    else:
        tol = _sh.expand_dims(asarray_or_var(tol), -1) if ndim(asarray_or_var(tol)) else tol
    return R.sum(m.gt(s, tol), axis=-1)


def matrix_transpose(x, /):
    x = asarray_or_var(x)
    if ndim(x) < 2:
        raise ValueError(f"matrix_transpose: input must be at least 2-D, got rank {ndim(x)}")
    return np.swapaxes(x, -1, -2) if not is_traced(x) else _sh.swapaxes(x, -1, -2)


def vecdot(x1, x2, /, *, axis=-1):
    """Dot product along ``axis`` with broadcasting over the rest."""
    x1, x2 = asarray_or_var(x1), asarray_or_var(x2)
    if not is_traced(x1, x2):
        return np.linalg.vecdot(x1, x2, axis=axis)
    return R.sum(x1 * x2, axis=axis)


def trace(x, /, *, offset=0, dtype=None):
    """Sum of the ``offset`` diagonal of the last two axes (numpy 2's linalg.trace)."""
    return _trace(x, offset=offset, axis1=-2, axis2=-1, dtype=dtype)


def diagonal(x, /, *, offset=0):
    return _diagonal(x, offset=offset, axis1=-2, axis2=-1)


def outer(x1, x2, /):
    if ndim(asarray_or_var(x1)) != 1 or ndim(asarray_or_var(x2)) != 1:
        raise ValueError("linalg.outer: input arrays must be one-dimensional")
    return P.outer(x1, x2)


def cross(x1, x2, /, *, axis=-1):
    """Cross product of 3-vectors along ``axis`` (numpy 2's linalg.cross accepts only 3-vectors)."""
    n1, n2 = shape(asarray_or_var(x1))[axis], shape(asarray_or_var(x2))[axis]
    if n1 != 3 or n2 != 3:
        raise ValueError(f"linalg.cross: both input arrays must be (arrays of) 3-dimensional vectors, got sizes "
                         f"{n1} and {n2}")
    return _cross(x1, x2, axis=axis)


matmul = P.matmul
tensordot = P.tensordot
