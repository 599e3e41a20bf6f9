"""QR decomposition, batched over leading dimensions: ``qr_q`` and ``qr_r`` (numpy's ``linalg.qr``; one
primitive per output, sharing one LAPACK call through ``matrix.SharedCall``, for the reason ``decomp.py``
gives). ``full_matrices=False`` is numpy's mode "reduced" (Q (..., m, k), R (..., k, n), k = min(m, n)),
True its mode "complete" (Q (..., m, m), R (..., m, n)).

Derivatives hold where they are defined, as in JAX: with the reduced factors (and the complete ones where they
are the same, m <= n), and where the leading square block of R has no zero on its diagonal. With X = dA R^-1,
C = Q^T X and W = tril(C, -1) - tril(C, -1)^T (skew), the JVP is dQ = Q (W - C) + X, dR = (C - W) R. Its
transpose is the VJP: with M = gR R^T - Q^T gQ and N the symmetric matrix taking M's upper triangle (diagonal
included), gA = (gQ + Q N) R^-T. A wide A = [A1 A2] (m < n) has the Q and R1 of its square block A1 and
R2 = Q^T A2: the square rule on A1, and dR2 = dQ^T A2 + Q^T dA2, whose transpose adds A2 gR2^T to gQ and
gives gA2 = Q gR2. The extra columns of a complete Q for m > n are any orthonormal completion: that raises.
Imports core and ops only."""

import numpy as np

from ..core.graph import const
from ..core.types import TensorType
from ..core.primitive import Primitive, Kind, register
from ._rules import Sample
from ._batch import leading
from .decomp import solve
from .layout import slice_, concatenate, broadcast_to
from .matrix import (result_dtype, lapack_operand, check_matrix, SharedCall, mT, mm, int_size, distinct_sv, min_dim)


@SharedCall
def _qr_both(x, full_matrices):
    x, dt = lapack_operand(x)
    q, r = np.linalg.qr(x, mode="complete" if full_matrices else "reduced")
    return q.astype(dt), r.astype(dt)


def _k(x, full_matrices):
    return x.shape[-2] if full_matrices else min_dim(x)


def _q_shape(x, *, full_matrices):
    check_matrix(x, "qr")
    return TensorType(result_dtype(x.dtype, "qr"), x.shape[:-1] + (_k(x, full_matrices),))


def _r_shape(x, *, full_matrices):
    check_matrix(x, "qr")
    return TensorType(result_dtype(x.dtype, "qr"), x.shape[:-2] + (_k(x, full_matrices), x.shape[-1]))


def _differentiable(x, full_matrices):
    """The number of rows m where A is wide (m < n), else None; raises where no derivative is defined."""
    m_, n_ = int_size(x.shape[-2]), int_size(x.shape[-1])
    if full_matrices and m_ > n_:
        raise ValueError(f"qr: the derivative of the complete factors of a {m_}x{n_} matrix is not defined: Q's "
                         "extra columns are any orthonormal completion; use mode='reduced'")
    return m_ if m_ < n_ else None


def _columns(x, start, stop):
    return slice_(x, index=((None, None, None),) * (x.ndim - 1) + ((start, stop, None),))


def _strict_lower(x):
    n = int_size(x.shape[-1])
    return x * const(np.tril(np.ones((n, n)), -1).astype(x.dtype))


def _right_solve(b, r):
    """b R^-1 for upper-triangular R: (R^-T b^T)^T."""
    return mT(solve(mT(r), mT(b)))


def _right_solve_t(b, r):
    """b R^-T: (R^-1 b^T)^T."""
    return mT(solve(r, mT(b)))


def _tangent_parts(t, x, full_matrices):
    """Q, A's row count where A is wide (else None), dQ and dR1 (of A's first m columns where A is wide)."""
    wide = _differentiable(x, full_matrices)
    q, r = qr_q(x, full_matrices=full_matrices), qr_r(x, full_matrices=full_matrices)
    if wide is not None:
        r, t = _columns(r, 0, wide), _columns(t, 0, wide)
    dx_rinv = _right_solve(t, r)
    c = mm(mT(q), dx_rinv)
    low = _strict_lower(c)
    skew = low - mT(low)
    return q, wide, mm(q, skew - c) + dx_rinv, mm(c - skew, r)


def _q_jvp(tangents, q, x, *, full_matrices):
    return _tangent_parts(tangents[0], x, full_matrices)[2]


def _r_jvp(tangents, r, x, *, full_matrices):
    (t,) = tangents
    q, wide, dq, dr = _tangent_parts(t, x, full_matrices)
    if wide is None:
        return dr
    rest = mm(mT(dq), _columns(x, wide, None)) + mm(mT(q), _columns(t, wide, None))
    return concatenate(dr, rest, axis=x.ndim - 1)


def _upper_symmetric(m):
    """The symmetric matrix whose upper triangle (diagonal included) is m's."""
    return m - _strict_lower(m) + _strict_lower(mT(m))


def _square_vjp(gq, gr, q, r):
    """gA of the square rule for cotangents gQ and gR (either None for 0)."""
    m = (mm(gr, mT(r)) if gr is not None else 0) - (mm(mT(q), gq) if gq is not None else 0)
    n = mm(q, _upper_symmetric(m))
    return _right_solve_t(n if gq is None else gq + n, r)


def _vjp(gq, gr, x, full_matrices):
    wide = _differentiable(x, full_matrices)
    q, r = qr_q(x, full_matrices=full_matrices), qr_r(x, full_matrices=full_matrices)
    if wide is None:
        return (_square_vjp(gq, gr, q, r),)
    r1, rest = _columns(r, 0, wide), _columns(x, wide, None)
    if gr is None:
        g1, g2 = _square_vjp(gq, None, q, r1), broadcast_to(const(np.zeros((), rest.dtype)), shape=rest.shape)
    else:
        gr1, gr2 = _columns(gr, 0, wide), _columns(gr, wide, None)
        carried = mm(rest, mT(gr2))
        g1, g2 = _square_vjp(carried if gq is None else gq + carried, gr1, q, r1), mm(q, gr2)
    return (concatenate(g1, g2, axis=x.ndim - 1),)


def _q_vjp(g, q, x, *, full_matrices):
    return _vjp(g, None, x, full_matrices)


def _r_vjp(g, r, x, *, full_matrices):
    return _vjp(None, g, x, full_matrices)


def _samples(rng):
    """R's square block away from singular: tall, square and wide, batched and empty; the complete mode on
    square and wide matrices only (its derivative is undefined otherwise)."""
    cases = [Sample(distinct_sv(rng, s), full_matrices=False) for s in [(3, 3), (4, 2), (2, 3, 2), (1, 1),
                                                                        (0, 3, 2), (4, 1), (2, 4), (2, 2, 3)]]
    return cases + [Sample(distinct_sv(rng, s), full_matrices=True) for s in [(2, 3, 3), (2, 5)]]


qr_q = register(Primitive(
    "qr_q", Kind.OPAQUE, shape=_q_shape, numpy=lambda x, *, full_matrices: _qr_both(x, full_matrices=full_matrices)[0],
    batch=leading(lambda: qr_q), vjp=_q_vjp, jvp=_q_jvp, samples=_samples,
    doc="Q of a QR decomposition (orthonormal columns); no derivative for complete factors of m > n"))

qr_r = register(Primitive(
    "qr_r", Kind.OPAQUE, shape=_r_shape, numpy=lambda x, *, full_matrices: _qr_both(x, full_matrices=full_matrices)[1],
    batch=leading(lambda: qr_r), vjp=_r_vjp, jvp=_r_jvp, samples=_samples,
    doc="R of a QR decomposition (upper triangular); no derivative for complete factors of m > n"))

__all__ = ["qr_q", "qr_r"]
