"""Matrix helpers the decompositions share (``decomp.py``, ``qr.py``): dtype and shape checks, the numpy operand
LAPACK computes on, a one-entry cache for sibling primitives of one decomposition, batched matrix algebra
written in jaxlike ops (for the rules, so they differentiate again), and sample matrices for the registry
tests. Imports core and ops only."""

import threading

import numpy as np

from ..core.graph import const
from ..core.types import TensorType, Sym, is_known
from ..core.errors import ShapeError
from ._rules import Sample
from .linalg import contract
from .layout import transpose, reshape
from .reduce import reduce_sum

_LETTERS = "abcdefghijklmnopqrstuvw"


# -- dtypes, shapes ----------------------------------------------------------------------------------------
def result_dtype(dt, real_only=None):
    """numpy's linalg computes integers and bools in float64 and keeps float32/float64 and complex; float16
    (which LAPACK lacks) is computed in float32 and rounded back. ``real_only`` names an op whose rules hold
    for real matrices only (the Hermitian decompositions): complex then raises TypeError."""
    dt = np.dtype(dt)
    if dt.kind == "c" and real_only:
        raise TypeError(f"{real_only} of complex matrices is not supported (its derivative needs Hermitian "
                        f"conjugates); inv, solve and det accept complex matrices")
    return dt if dt.kind in "fc" else np.dtype("float64")


def lapack_operand(x):
    x = np.asarray(x)
    dt = result_dtype(x.dtype)
    return x.astype(np.float32 if dt == np.float16 else dt), dt


def same_size(a, b):
    return not (is_known(a) and is_known(b) and a != b)


def check_matrix(x, what, square=False):
    if x.ndim < 2:
        raise ShapeError(f"{what} needs an array of at least 2 dimensions (..., M, N), got rank {x.ndim}")
    if square and not same_size(x.shape[-2], x.shape[-1]):
        raise ShapeError(f"{what} needs square matrices in the last two dimensions, got {x!r}")


def square_shape(what, complex_ok=False):
    def rule(x):
        check_matrix(x, what, square=True)
        return TensorType(result_dtype(x.dtype, None if complex_ok else what), x.shape)
    return rule


def sym_np(x):
    return (x + np.swapaxes(x, -1, -2)) / 2


class SharedCall:
    """One-entry cache so that sibling primitives (U, s and Vh of one SVD) run one decomposition. The
    operand is compared by value, so an array reused or written in place never gets a stale result, and
    callers get copies, so a backend that reuses an output buffer cannot change what the cache holds."""

    def __init__(self, fn):
        self.fn, self.lock, self.last = fn, threading.Lock(), None

    def __call__(self, x, **kw):
        x = np.asarray(x)
        key = (x.shape, x.dtype.str, tuple(sorted(kw.items())))
        with self.lock:
            last = self.last
        if last is not None and last[0] == key and np.array_equal(last[1], x):
            return tuple(a.copy() for a in last[2])
        out = self.fn(x, **kw)
        with self.lock:
            self.last = (key, x.copy(), out)
        return tuple(a.copy() for a in out)


# -- matrix helpers written in jaxlike ops (used by the rules) -----------------------------------------------
def mT(x):
    """Swap the last two dimensions."""
    perm = tuple(range(x.ndim - 2)) + (x.ndim - 1, x.ndim - 2)
    return transpose(x, perm=perm)


def mm(a, b):
    """Batched matrix product of (..., i, j) and (..., j, k) with the same batch dimensions."""
    batch = _LETTERS[:a.ndim - 2]
    return contract(a, b, spec=f"{batch}xy,{batch}yz->{batch}xz")


def int_size(d):
    # NOTE: int() of a symbolic size raises ConcretizationError, which makes compile() retrace with concrete
    # shapes; the identity masks below need the size as a number.
    return int(d)


def eye_like(x, n=None):
    n = x.shape[-1] if n is None else n
    return const(np.eye(int_size(n), dtype=x.dtype))


def diag_part(x):
    """(..., n, n) -> (..., n)."""
    return reduce_sum(x * eye_like(x), axes=(x.ndim - 1,))


def diag_embed(v):
    """(..., n) -> (..., n, n) with v on the diagonal."""
    return reshape(v, shape=v.shape[:-1] + (1, v.shape[-1])) * eye_like(v)


def trace_of(x):
    return reduce_sum(diag_part(x), axes=(x.ndim - 2,))


def col(v):
    """(..., n) -> (..., n, 1)."""
    return reshape(v, shape=v.shape + (1,))


def row(v):
    """(..., n) -> (..., 1, n)."""
    return reshape(v, shape=v.shape[:-1] + (1, v.shape[-1]))


def sym(x):
    return (x + mT(x)) * 0.5


def matrix_samples(rng, make, shapes=((3, 3), (2, 2, 2), (1, 3, 3), (1, 1), (0, 2, 2), (0, 0))):
    return [Sample(make(rng, s)) for s in shapes]


def well_conditioned(rng, shape):
    return rng.uniform(-1, 1, size=shape) + 3 * np.eye(shape[-1])


def spd(rng, shape):
    a = rng.uniform(-1, 1, size=shape)
    return a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])


def spread_eigs(rng, shape):
    """Symmetric matrices with well separated eigenvalues (eigenvector rules divide by the gaps)."""
    n = shape[-1]
    q, _ = np.linalg.qr(rng.standard_normal(shape))
    w = np.arange(1, n + 1, dtype=float) * 1.5 - n + rng.uniform(-0.2, 0.2, size=shape[:-1])
    return (q * w[..., None, :]) @ np.swapaxes(q, -1, -2)


def distinct_sv(rng, shape):
    """Matrices with well separated nonzero singular values (the U and V rules divide by their gaps)."""
    m_, n_ = shape[-2:]
    k = min(m_, n_)
    u, _ = np.linalg.qr(rng.standard_normal(shape[:-2] + (m_, k)))
    v, _ = np.linalg.qr(rng.standard_normal(shape[:-2] + (n_, k)))
    s = np.arange(k, 0, -1, dtype=float) + 0.5 + rng.uniform(0, 0.3, size=shape[:-2] + (k,))
    return (u * s[..., None, :]) @ np.swapaxes(v, -1, -2)


def min_dim(x):
    """min(m, n) of (..., m, n): a number, m itself when m is n, else a fresh size bound by the result."""
    m_, n_ = x.shape[-2:]
    if is_known(m_) and is_known(n_):
        return min(m_, n_)
    if is_known(m_) and m_ == 1 or is_known(n_) and n_ == 1:
        return 1
    return m_ if m_ is n_ else Sym()


__all__ = ["result_dtype", "lapack_operand", "same_size", "check_matrix", "square_shape", "sym_np", "SharedCall", "mT", "mm", "int_size", "eye_like", "diag_part", "diag_embed", "trace_of", "col", "row", "sym", "matrix_samples", "well_conditioned", "spd", "spread_eigs", "distinct_sv", "min_dim"]
