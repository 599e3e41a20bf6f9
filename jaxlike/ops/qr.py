"""QR decomposition, batched over leading dimensions: ``qr_q`` and ``qr_r`` (numpy's ``linalg.qr``; one
primitive per output, sharing one LAPACK call through ``matrix.SharedCall``, for the reason ``decomp.py``
gives). ``full_matrices=False`` is numpy's mode "reduced" (Q (..., m, k), R (..., k, n), k = min(m, n)),
True its mode "complete" (Q (..., m, m), R (..., m, n)).

Derivatives hold where they are defined, as in JAX: for m >= n with the reduced factors (a square matrix in
either mode), and where R's diagonal has no zero (A of full column rank). With X = dA R^-1, C = Q^T X and
W = tril(C, -1) - tril(C, -1)^T (skew), the JVP is dQ = Q (W - C) + X, dR = (C - W) R. Its transpose is
the VJP: with M = gR R^T - Q^T gQ and N the symmetric matrix taking M's upper triangle (diagonal included),
gA = (gQ + Q N) R^-T. The extra columns of a complete Q for m > n are any orthonormal completion, and a wide
matrix's R mixes columns Q does not see: both raise, naming the case.
Imports core and ops only."""

import numpy as np

from ..core.graph import const
from ..core.types import TensorType
from ..core.primitive import Primitive, Kind, register
from ._rules import Sample
from ._batch import leading
from .decomp import solve
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
    m_, n_ = int_size(x.shape[-2]), int_size(x.shape[-1])
    if m_ < n_:
        raise NotImplementedError(
            f"qr: the derivative for a wide matrix ({m_}x{n_}, more columns than rows) is not implemented (as in "
            "JAX): R's last columns depend on columns Q does not see. Differentiate the QR of the transpose, or of "
            "the first m columns")
    if full_matrices and m_ > n_:
        raise ValueError(f"qr: the derivative of the complete factors of a {m_}x{n_} matrix is not defined: Q's "
                         "extra columns are any orthonormal completion; use mode='reduced'")


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
    _differentiable(x, full_matrices)
    q, r = qr_q(x, full_matrices=full_matrices), qr_r(x, full_matrices=full_matrices)
    dx_rinv = _right_solve(t, r)
    c = mm(mT(q), dx_rinv)
    low = _strict_lower(c)
    return q, r, dx_rinv, c, low - mT(low)


def _q_jvp(tangents, q, x, *, full_matrices):
    q, _, dx_rinv, c, skew = _tangent_parts(tangents[0], x, full_matrices)
    return mm(q, skew - c) + dx_rinv


def _r_jvp(tangents, r, x, *, full_matrices):
    _, r, _, c, skew = _tangent_parts(tangents[0], x, full_matrices)
    return mm(c - skew, r)


def _upper_symmetric(m):
    """The symmetric matrix whose upper triangle (diagonal included) is m's."""
    return m - _strict_lower(m) + _strict_lower(mT(m))


def _q_vjp(g, q, x, *, full_matrices):
    _differentiable(x, full_matrices)
    r = qr_r(x, full_matrices=full_matrices)
    n = _upper_symmetric(-mm(mT(q), g))
    return (_right_solve_t(g + mm(q, n), r),)


def _r_vjp(g, r, x, *, full_matrices):
    _differentiable(x, full_matrices)
    q = qr_q(x, full_matrices=full_matrices)
    n = _upper_symmetric(mm(g, mT(r)))
    return (_right_solve_t(mm(q, n), r),)


def _samples(rng):
    """Full column rank (R's diagonal away from 0): tall and square, batched and empty; the complete mode on
    square matrices only (its derivative is undefined otherwise)."""
    cases = [Sample(distinct_sv(rng, s), full_matrices=False) for s in [(3, 3), (4, 2), (2, 3, 2), (1, 1),
                                                                        (0, 3, 2), (4, 1)]]
    return cases + [Sample(distinct_sv(rng, (2, 3, 3)), full_matrices=True)]


qr_q = register(Primitive(
    "qr_q", Kind.OPAQUE, shape=_q_shape, numpy=lambda x, *, full_matrices: _qr_both(x, full_matrices=full_matrices)[0],
    batch=leading(lambda: qr_q), vjp=_q_vjp, jvp=_q_jvp, samples=_samples,
    doc="Q of a QR decomposition (orthonormal columns); derivative for m >= n, reduced factors"))

qr_r = register(Primitive(
    "qr_r", Kind.OPAQUE, shape=_r_shape, numpy=lambda x, *, full_matrices: _qr_both(x, full_matrices=full_matrices)[1],
    batch=leading(lambda: qr_r), vjp=_r_vjp, jvp=_r_jvp, samples=_samples,
    doc="R of a QR decomposition (upper triangular); derivative for m >= n, reduced factors"))

__all__ = ["qr_q", "qr_r"]
