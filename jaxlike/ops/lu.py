"""LU decomposition with partial pivoting, batched over leading dimensions, as JAX's ``lax.linalg.lu``: for an
(..., m, n) operand, ``lu_packed`` is the (..., m, n) matrix holding L below its diagonal (L's unit diagonal
implied) and U on and above it, ``lu_pivots`` the (..., k) row interchanges (0-based, k = min(m, n): row i was
swapped with row pivots[i] at step i, LAPACK getrf's ipiv less one), ``lu_permutation`` the (..., m) permutation
they make, with a[..., permutation, :] = L @ U. One primitive per output, sharing one factorization through
``matrix.SharedCall``, for the reason ``decomp.py`` gives; the pivots and the permutation are int32 (JAX's).

numpy has no LU, so the numpy rule is the textbook right-looking elimination, vectorised over the batch and the
trailing submatrix, one column at a time, with LAPACK's pivot choice: the first largest |re| + |im| in the
column (|x| for reals), and no division where the pivot is zero (that column is zero below it already), so a
singular matrix factors as getrf factors it. The numba CPU backend runs LAPACK getrf itself
(``linalg_kernels.py``); the two agree to rounding and choose the same pivots except at near ties.

The derivative is JAX's: with x = P dA (rows permuted), L the m x m unit lower and U the n x n upper factor (each
completed with the identity where the matrix is not square), la = L^-1 x and lau = la U^-1, the tangent of
the packed matrix is L tril(lau, -1) + triu(lau) U; the VJP is its transpose. It holds where the pivots do not
change (no ties) and U's diagonal has no zero. The pivots and permutation are integers, which carry no
derivative (as ``argmax``'s and ``argsort``'s): no rules, and their operand is marked not differentiable, so
differentiating through ``lu`` passes them by (``det_sign`` has a zero rule because its sign is a float).
Imports core and ops only."""

import numpy as np

from ..core.graph import const
from ..core.types import TensorType
from ..core.primitive import Primitive, Kind, register
from . import math as m
from ._rules import Sample
from ._batch import leading
from .decomp import solve
from .linalg import contract
from .matrix import result_dtype, lapack_operand, check_matrix, SharedCall, mT, mm, int_size, min_dim, col, row

_INT = np.dtype(np.int32)


def _pivot_size(x):
    return np.abs(x.real) + np.abs(x.imag) if x.dtype.kind == "c" else np.abs(x)


@SharedCall
def lu_np(x):
    """(packed LU, pivots, permutation) of any numeric (..., m, n) operand, as the primitives return them."""
    a, dt = lapack_operand(x)
    a = a.copy()
    rows, cols = a.shape[-2:]
    k = min(rows, cols)
    batch = a.shape[:-2]
    a = a.reshape((int(np.prod(batch)), rows, cols))    # NOTE: not -1: ambiguous with no elements
    pivots = np.zeros((a.shape[0], k), _INT)
    perm = np.broadcast_to(np.arange(rows, dtype=_INT), (a.shape[0], rows)).copy()
    every = np.arange(a.shape[0])
    for j in range(k):
        p = j + np.argmax(_pivot_size(a[:, j:, j]), axis=-1)
        pivots[:, j] = p
        a[every, j], a[every, p] = a[every, p], a[every, j].copy()
        perm[every, j], perm[every, p] = perm[every, p], perm[every, j].copy()
        pivot = a[:, j, j]
        a[:, j + 1:, j] /= np.where(pivot == 0, 1, pivot)[:, None]
        a[:, j + 1:, j + 1:] -= a[:, j + 1:, j, None] * a[:, j, None, j + 1:]
    return (a.reshape(batch + (rows, cols)).astype(dt), pivots.reshape(batch + (k,)),
            perm.reshape(batch + (rows,)))


def _packed_shape(x):
    check_matrix(x, "lu")
    return TensorType(result_dtype(x.dtype), x.shape)


def _pivots_shape(x):
    check_matrix(x, "lu")
    return TensorType(_INT, x.shape[:-2] + (min_dim(x),))


def _permutation_shape(x):
    check_matrix(x, "lu")
    return TensorType(_INT, x.shape[:-1])


def _mask(rows, cols, dt, lower, diagonal):
    """Constant lower (strictly, unless ``diagonal``) or upper (with the diagonal) triangle mask."""
    if lower:
        w = np.tril(np.ones((rows, cols)), 0 if diagonal else -1)
    else:
        w = np.triu(np.ones((rows, cols)))
    return const(w.astype(dt))


def _times_const(a, c, right):
    """a @ c (``right``) or c @ a for a batched a and a constant 2-d c."""
    batch = "abcdefghijklmnopqrstuvw"[:a.ndim - 2]
    if right:
        return contract(a, const(c), spec=f"{batch}xy,yz->{batch}xz")
    return contract(const(c), a, spec=f"xy,{batch}yz->{batch}xz")


def _factors(packed):
    """L (m x m, unit lower) and U (n x n, upper) of the packed matrix, completed with the identity."""
    rows, cols = int_size(packed.shape[-2]), int_size(packed.shape[-1])
    k = min(rows, cols)
    dt = packed.dtype
    # NOTE: L = strict lower part of packed[..., :, :k] padded to m columns; U = upper part of packed[..., :k, :]
    # padded to n rows. Written as products with constant 0/1 matrices, so they stay plain jaxlike ops.
    to_l = np.eye(cols, rows) * (np.arange(cols) < k)[:, None]      # (n, m): keeps columns < k
    lower = _times_const(packed * _mask(rows, cols, dt, True, False), to_l.astype(dt), right=True)
    l_ = lower + const(np.eye(rows, dtype=dt))
    to_u = np.eye(cols, rows) * (np.arange(rows) < k)[None, :]      # (n, m): keeps rows < k
    upper = _times_const(packed * _mask(rows, cols, dt, False, True), to_u.astype(dt), right=False)
    tail = np.diag((np.arange(cols) >= k).astype(float))
    u_ = upper + const(tail.astype(dt))
    return l_, u_


def _permutation_matrix(perm, rows, dt):
    """P with P[i, j] = 1 where perm[i] == j: (P a) = a[perm]."""
    positions = const(np.arange(rows, dtype=_INT))
    return m.convert(m.eq(col(perm), row(positions)), dtype=dt)


def _lu_packed_jvp(tangents, packed, x):
    (t,) = tangents
    rows, cols = int_size(x.shape[-2]), int_size(x.shape[-1])
    dt = packed.dtype
    t = t if t.dtype == dt else m.convert(t, dtype=dt)
    l_, u_ = _factors(packed)
    p = _permutation_matrix(lu_permutation(x), rows, dt)
    la = solve(l_, mm(p, t))
    lau = mT(solve(mT(u_), mT(la)))                    # la U^-1
    return mm(l_, lau * _mask(rows, cols, dt, True, False)) + mm(lau * _mask(rows, cols, dt, False, True), u_)


def _lu_packed_vjp(g, packed, x):
    rows, cols = int_size(x.shape[-2]), int_size(x.shape[-1])
    dt = packed.dtype
    l_, u_ = _factors(packed)
    g_lau = mm(mT(l_), g) * _mask(rows, cols, dt, True, False) + mm(g, mT(u_)) * _mask(rows, cols, dt, False, True)
    g_la = mT(solve(u_, mT(g_lau)))                    # g_lau U^-T
    g_x = solve(mT(l_), g_la)                          # L^-T g_la
    out = mm(mT(_permutation_matrix(lu_permutation(x), rows, dt)), g_x)
    return (out if x.dtype == dt else m.convert(out, dtype=x.dtype),)


_SHAPES = [(3, 3), (2, 4, 4), (1, 3, 3), (4, 2), (2, 4), (2, 3, 2), (1, 1), (0, 3, 3), (3, 0)]


def _samples(rng):
    # NOTE: pivots must not change under the finite-difference steps, and U must stay far from singular:
    # diagonally dominant matrices with their rows shuffled, so that the pivoting has rows to interchange.
    def make(shape, cplx=False):
        a = rng.uniform(-1, 1, shape) + 3 * np.eye(*shape[-2:])
        if cplx:
            a = a + 1j * rng.uniform(-1, 1, shape)
        return a[..., rng.permutation(shape[-2]), :]
    return [Sample(make(s)) for s in _SHAPES] + [Sample(make((2, 3, 3), cplx=True))]


lu_packed = register(Primitive(
    "lu_packed", Kind.OPAQUE, shape=_packed_shape, numpy=lambda x: lu_np(x)[0],
    batch=leading(lambda: lu_packed),
    vjp=_lu_packed_vjp, jvp=_lu_packed_jvp, samples=_samples,
    doc="the packed LU factors of partial-pivoting LU (L strictly below the diagonal, U on and above); its "
        "derivative holds where the pivots do not change"))

lu_pivots = register(Primitive(
    "lu_pivots", Kind.OPAQUE, shape=_pivots_shape, numpy=lambda x: lu_np(x)[1],
    batch=leading(lambda: lu_pivots), differentiable=(), samples=_samples,
    doc="0-based row interchanges of partial-pivoting LU (int32, no derivative)"))

lu_permutation = register(Primitive(
    "lu_permutation", Kind.OPAQUE, shape=_permutation_shape, numpy=lambda x: lu_np(x)[2],
    batch=leading(lambda: lu_permutation), differentiable=(), samples=_samples,
    doc="the row permutation of partial-pivoting LU (int32, x[perm] = L U; no derivative)"))

__all__ = ["lu_packed", "lu_pivots", "lu_permutation", "lu_np"]
