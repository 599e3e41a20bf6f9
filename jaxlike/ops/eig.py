"""Eigendecomposition of general (non-symmetric) square matrices, batched over leading dimensions:
``eig_values`` and ``eig_vectors`` (numpy's ``linalg.eig``; one primitive per output, sharing one LAPACK geev
call through ``matrix.SharedCall``, for the reason ``decomp.py`` gives). Both results are always complex, as in
JAX: complex64 for float16/float32/complex64 operands, complex128 otherwise. A real matrix runs LAPACK's real
geev (as numpy does), so its complex eigenvalues come in exact conjugate pairs; the eigenvectors are LAPACK's:
unit 2-norm with the largest-modulus component real. A matrix holding inf or NaN gets NaN + NaN i for all its
eigenvalues and eigenvector entries (JAX's answer; numpy's eig raises LinAlgError), on every backend and
matrix by matrix in a batch.

Derivatives follow JAX (complex values under its convention: the VJP is the transpose of the JVP, not the
adjoint; a real operand's cotangent is the real part). With P = V^-1 dA V: dw = diag(P) (valid where the
eigenvalue is simple), and for the eigenvectors (JAX's ``enable_eigvec_derivs`` rule, nondegenerate
perturbation theory) dV = U + V diag(c) with U = V (F o P), F[i, j] = 1 / (w[j] - w[i]) off the diagonal, and
c the complex scale that keeps LAPACK's normalisation: c_j = -Re(v_j^H u_j) - i Im(u_kj) / v_kj at the
largest-modulus row k of v_j. That is the derivative of what LAPACK returns only where the eigenvalues are
distinct and the largest component of each eigenvector is unique (JAX asks users to opt in to it for this
reason); it is not finite at repeated eigenvalues. The VJPs are those JVPs transposed.
OPAQUE: the numba CPU backend compiles geev (``linalg_kernels.py``); other backends call the numpy rule.
Imports core and ops only.
"""

import numpy as np

from ..core.types import TensorType
from ..core.primitive import Primitive, Kind, register
from . import math as m
from .reduce import reduce_sum, reduce_max
from ._rules import Sample
from ._batch import leading
from .decomp import solve, _gap_inverse
from .matrix import check_matrix, SharedCall, mT, mm, diag_part, row, col


def eig_dtype(dt):
    """The complex dtype of eig's results for an operand of dtype ``dt`` (JAX's: complex64 for 32-bit and
    narrower floats, complex128 for float64, integers and bools)."""
    dt = np.dtype(dt)
    return np.dtype(np.complex64) if dt in (np.float16, np.float32, np.complex64) else np.dtype(np.complex128)


@SharedCall
def eig_np(x):
    """numpy's eig of any numeric operand, in eig's complex dtype (integers in float64, float16 in float32)."""
    x = np.asarray(x)
    cdt = eig_dtype(x.dtype)
    work = x.astype(np.float32 if x.dtype == np.float16 else np.float64 if x.dtype.kind in "biu" else x.dtype)
    if work.shape[-1] == 0:
        return np.zeros(x.shape[:-1], cdt), np.zeros(x.shape, cdt)
    finite = np.isfinite(work).all(axis=(-2, -1))
    # NOTE: the non-finite matrices are factored as zeros and their results overwritten: numpy refuses the
    # whole batch for one of them
    w, v = np.linalg.eig(np.where(finite[..., None, None], work, 0) if not finite.all() else work)
    w, v = w.astype(cdt), v.astype(cdt)
    nan = cdt.type(complex(np.nan, np.nan))
    w[~finite], v[~finite] = nan, nan
    return w, v


def _values_shape(x):
    check_matrix(x, "eig", square=True)
    return TensorType(eig_dtype(x.dtype), x.shape[:-1])


def _vectors_shape(x):
    check_matrix(x, "eig", square=True)
    return TensorType(eig_dtype(x.dtype), x.shape)


def _complex(t, dt):
    return t if t.dtype == dt else m.convert(t, dtype=dt)


def _back(g, x):
    """A cotangent computed in complex, for operand ``x``: the real part where ``x`` is real."""
    return g if x.dtype.kind == "c" else m.convert(g, dtype=x.dtype)


def _p_matrix(t, v):
    """V^-1 dA V for tangent dA."""
    return mm(solve(v, _complex(t, v.dtype)), v)


def _largest_row_mask(v):
    """1 at each column's largest-modulus entry (the one LAPACK makes real), else 0, in v's dtype. The comparison
    carries no derivative: the row is constant where it is unique."""
    a = m.abs_(v)
    top = reduce_max(a, axes=(v.ndim - 2,))
    return m.convert(m.eq(a, row(top)), dtype=v.dtype)


def _eig_values_jvp(tangents, w, x):
    return diag_part(_p_matrix(tangents[0], eig_vectors(x)))


def _eig_values_vjp(g, w, x):
    v = eig_vectors(x)
    vt = mT(v)
    return (_back(solve(vt, col(_complex(g, v.dtype)) * vt), x),)


def _eig_vectors_jvp(tangents, v, x):
    w = eig_values(x)
    u = mm(v, _gap_inverse(w) * _p_matrix(tangents[0], v))
    mask = _largest_row_mask(v)
    axis = (v.ndim - 2,)
    re = -m.real(reduce_sum(m.conj(v) * u, axes=axis))
    im = -m.imag(reduce_sum(mask * u, axes=axis)) / m.real(reduce_sum(mask * v, axes=axis))
    c = m.convert(re, dtype=v.dtype) + m.convert(im, dtype=v.dtype) * 1j
    return u + v * row(c)


def _eig_vectors_vjp(g, v, x):
    # The transpose of the JVP, paired as Re(sum(t * g)): the c term sends -Re(s_j) conj(v_j) and
    # -i Im(s_j) / v_kj (at row k) back to U, where s_j = sum_i g_ij v_ij; then U = V (F o P) and P = V^-1 dA V
    # transpose to F o (V^T gU) and V^-T gP V^T.
    w = eig_values(x)
    g = _complex(g, v.dtype)
    mask = _largest_row_mask(v)
    axis = (v.ndim - 2,)
    s = reduce_sum(g * v, axes=axis)
    r = m.real(reduce_sum(mask * v, axes=axis))
    gu = g - row(m.convert(m.real(s), dtype=v.dtype)) * m.conj(v) \
        + mask * row(m.convert(m.imag(s) / r, dtype=v.dtype) * -1j)
    gp = _gap_inverse(w) * mm(mT(v), gu)
    vt = mT(v)
    return (_back(solve(vt, mm(gp, vt)), x),)


def _separated(rng, shape, dtype):
    """Matrices S D S^-1 with well separated eigenvalues (the vector rules divide by the gaps): for a real dtype
    D is block diagonal with a 2x2 rotation-scaling block (a conjugate pair) when n >= 2."""
    n = shape[-1]
    batch = shape[:-2]
    base = np.arange(n, dtype=float) * 1.3 - 0.6 * n
    d = np.zeros(batch + (n, n))
    d[..., range(n), range(n)] = base + rng.uniform(-0.15, 0.15, batch + (n,))
    if np.dtype(dtype).kind == "c":
        d = d + 1j * np.eye(n) * rng.uniform(-1, 1, batch + (n,))[..., None, :]
    elif n >= 2:
        d[..., 1, 1] = d[..., 0, 0]
        d[..., 0, 1], d[..., 1, 0] = 0.8, -0.8        # the block [[x, 0.8], [-0.8, x]]: eigenvalues x +- 0.8i
    s = rng.uniform(-1, 1, shape) + 2 * np.eye(n)
    if np.dtype(dtype).kind == "c":
        s = s + 1j * rng.uniform(-0.5, 0.5, shape)
    return (s @ d @ np.linalg.inv(s)).astype(dtype)


def _samples(rng):
    return [Sample(_separated(rng, s, dt)) for s, dt in
            [((3, 3), np.float64), ((2, 4, 4), np.float64), ((1, 2, 2), np.float64), ((1, 1), np.float64),
             ((0, 3, 3), np.float64), ((3, 3), np.complex128), ((2, 2, 2), np.complex128)]]


eig_values = register(Primitive(
    "eig_values", Kind.OPAQUE, shape=_values_shape, numpy=lambda x: eig_np(x)[0],
    batch=leading(lambda: eig_values),
    vjp=_eig_values_vjp, jvp=_eig_values_jvp, samples=_samples,
    doc="eigenvalues of a general square matrix, complex, in LAPACK geev's order"))

eig_vectors = register(Primitive(
    "eig_vectors", Kind.OPAQUE, shape=_vectors_shape, numpy=lambda x: eig_np(x)[1],
    batch=leading(lambda: eig_vectors),
    vjp=_eig_vectors_vjp, jvp=_eig_vectors_jvp, samples=_samples,
    doc="right eigenvectors (columns) of a general square matrix, complex, unit norm with the largest component "
        "real (LAPACK's); their derivative needs distinct eigenvalues and a unique largest component"))

__all__ = ["eig_values", "eig_vectors", "eig_dtype", "eig_np"]
