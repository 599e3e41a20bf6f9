"""Special matrices and two matrix functions for ``jaxlike.scipy.linalg`` (kept apart from ``linalg.py`` for its
length), as ``jax.scipy.linalg`` has them.

Built from vectors, batched over leading dimensions (JAX's; scipy reads only 1-d input), traced or plain, and
differentiable in their entries: toeplitz, hankel, circulant, companion, leslie, fiedler, fiedler_companion,
convolution_matrix. Each gathers its vector(s) through a constant index matrix, so the derivative is a
scatter-add back. Built from a size alone, so concrete (their values come from scipy, cast to JAX's dtypes):
hilbert, invhilbert, pascal and invpascal (float, as JAX's; the binomials are computed exactly, then rounded),
helmert, hadamard, dft.

``polar`` is computed from the reduced SVD for either ``method`` (JAX's default, QDWH, is an iteration
converging to the same factors); traced complex matrices are refused, as ``svd`` refuses them.
``solve_sylvester`` (A X + X B = C) solves the Kronecker form (I (x) A + B^T (x) I) vec X = vec C by LU for
``method="schur"`` (JAX's default runs Bartels-Stewart on Schur forms, which jaxlike lacks: the same solution,
at O((m n)^3) cost, so meant for small m and n) and JAX's eigendecomposition formula for ``method="eigen"``.
Both give NaN where an eigenvalue sum |lambda_A + lambda_B| falls below ``tol`` (the equation is then singular
or nearly so), as JAX's.
A front-end module: imports jaxlike.numpy and numpy (scipy for the concrete constructors)."""

import math
import operator

import numpy as np

from .. import numpy as jnp
from ..numpy._base import asarray_or_var

__all__ = ["toeplitz", "hankel", "circulant", "companion", "leslie", "fiedler", "fiedler_companion",
           "convolution_matrix", "hilbert", "invhilbert", "pascal", "invpascal", "helmert", "hadamard", "dft",
           "polar", "solve_sylvester"]


def _scipy():
    import scipy.linalg
    return scipy.linalg


def _inexact(x):
    dt = jnp.result_type(x)
    return x if dt.kind in "fc" else jnp.asarray(x, dtype=np.float64)


def _vector(x, fname, what="c"):
    x = asarray_or_var(x)
    if jnp.ndim(x) == 0:
        if fname in ("hankel", "convolution_matrix"):
            raise ValueError(f"{fname}: {what} must be at least 1-dimensional, got a scalar")
        x = jnp.reshape(x, (1,))
    return x


def _length(x):
    return int(jnp.shape(x)[-1])


def _common_batch(*xs):
    """xs broadcast to one batch shape in front of their own last dimension."""
    batch = np.broadcast_shapes(*(tuple(int(d) for d in jnp.shape(x)[:-1]) for x in xs))
    return [jnp.broadcast_to(x, batch + (_length(x),)) for x in xs]


def _gather(v, index):
    """v[..., index] for a constant integer index matrix: (..., k) -> (..., rows, cols)."""
    return jnp.take(v, index, axis=-1)


# -- from vectors: traced or plain, batched --------------------------------------------------------------------
def toeplitz(c, r=None):
    """A[..., i, j] = c[..., i - j] for i >= j, r[..., j - i] above (r[..., 0] unused); r defaults to conj(c)
    (Hermitian for a real c[0]). Shape (..., len(c), len(r)), batch dimensions broadcast."""
    c = _vector(c, "toeplitz")
    r = jnp.conj(c) if r is None else _vector(r, "toeplitz", "r")
    c, r = _common_batch(c, r)
    rows, cols = _length(c), _length(r)
    dt = jnp.promote_types(jnp.result_type(c), jnp.result_type(r))
    if rows == 0 or cols == 0:
        return jnp.zeros(tuple(jnp.shape(c)[:-1]) + (rows, cols), dtype=dt)
    values = jnp.concatenate([jnp.flip(c, -1), r[..., 1:]], axis=-1).astype(dt)
    return _gather(values, rows - 1 - np.arange(rows)[:, None] + np.arange(cols)[None, :])


def hankel(c, r=None):
    """A[..., i, j] = v[..., i + j] with v = c followed by r[..., 1:] (constant anti-diagonals; r[..., 0] unused);
    r defaults to zeros. Shape (..., len(c), len(r))."""
    c = _vector(c, "hankel")
    r = jnp.zeros_like(c) if r is None else _vector(r, "hankel", "r")
    c, r = _common_batch(c, r)
    rows, cols = _length(c), _length(r)
    dt = jnp.promote_types(jnp.result_type(c), jnp.result_type(r))
    if rows == 0 or cols == 0:
        return jnp.zeros(tuple(jnp.shape(c)[:-1]) + (rows, cols), dtype=dt)
    values = jnp.concatenate([c, r[..., 1:]], axis=-1).astype(dt)
    return _gather(values, np.arange(rows)[:, None] + np.arange(cols)[None, :])


def circulant(c):
    """A[..., i, j] = c[..., (i - j) mod n]: each column the one before, shifted down cyclically."""
    c = _vector(c, "circulant")
    n = _length(c)
    return _gather(c, (np.arange(n)[:, None] - np.arange(n)[None, :]) % n)


def companion(a):
    """The (n - 1) x (n - 1) companion matrix of the polynomial a[..., 0] x^(n-1) + ... + a[..., n-1]: first row
    -a[..., 1:] / a[..., 0], ones on the subdiagonal. A zero leading coefficient gives inf/NaN (JAX's; scipy
    raises)."""
    a = _inexact(_vector(a, "companion", "a"))
    n = _length(a)
    if n < 2:
        raise ValueError(f"companion: the length of a along the last axis must be at least 2, got shape "
                         f"{tuple(jnp.shape(a))}")
    first = -a[..., 1:] / a[..., :1]
    below = jnp.broadcast_to(np.eye(n - 2, n - 1, dtype=jnp.result_type(a)), tuple(jnp.shape(a)[:-1]) + (n - 2, n - 1))
    return jnp.concatenate([jnp.expand_dims(first, -2), below], axis=-2)


def leslie(f, s):
    """The Leslie matrix: fecundities f (..., n) as its first row, survival rates s (..., n - 1) on the
    subdiagonal."""
    f, s = _vector(f, "leslie", "f"), _vector(s, "leslie", "s")
    n = _length(f)
    if n < 2:
        raise ValueError(f"leslie: the length of f along the last axis must be at least 2, got shape "
                         f"{tuple(jnp.shape(f))}")
    if _length(s) != n - 1:
        raise ValueError(f"leslie: the length of s along the last axis must be one less than f's ({n - 1}), got f "
                         f"of shape {tuple(jnp.shape(f))} and s of shape {tuple(jnp.shape(s))}")
    f, s = _common_batch(f, s)
    dt = jnp.promote_types(jnp.result_type(f), jnp.result_type(s))
    below = jnp.expand_dims(s.astype(dt), -1) * np.eye(n - 1, n, dtype=dt)
    return jnp.concatenate([jnp.expand_dims(f.astype(dt), -2), below], axis=-2)


def fiedler(a):
    """F[..., i, j] = |a[..., i] - a[..., j]|: symmetric, zero diagonal."""
    a = _vector(a, "fiedler", "a")
    return jnp.abs(jnp.expand_dims(a, -1) - jnp.expand_dims(a, -2))


def fiedler_companion(a):
    """The pentadiagonal Fiedler companion matrix of the polynomial a (descending powers, a[..., 0] != 0): the
    same eigenvalues as ``companion(a)``, (..., n - 1, n - 1)."""
    a = _inexact(_vector(a, "fiedler_companion", "a"))
    if _length(a) == 0:
        raise ValueError(f"fiedler_companion: the last axis of a must have nonzero length, got shape "
                         f"{tuple(jnp.shape(a))}")
    n = _length(a) - 1
    batch = tuple(jnp.shape(a)[:-1])
    if n == 0:
        return jnp.zeros(batch + (0, 0), dtype=jnp.result_type(a))
    a = a / a[..., :1]
    if n == 1:
        return jnp.reshape(-a[..., 1:], batch + (1, 1))
    i, j = np.arange(n)[:, None], np.arange(n)[None, :]
    even, odd = i % 2 == 0, i % 2 == 1
    zero, one = np.zeros((), jnp.result_type(a)), np.ones((), jnp.result_type(a))
    first = jnp.expand_dims(-a[..., 1:2], -1)
    conditions = [(i == 0) & (j == 0), (i == 1) & (j == 0), (j == i + 1) & even, (j == i + 2) & even,
                  (j == i - 1) & even & (i >= 2), (j == i - 2) & odd & (i >= 3)]
    choices = [first, one, -_gather(a, np.minimum(i + 2, n) + 0 * j), one, -_gather(a, np.minimum(i + 1, n) + 0 * j),
               one]
    out = jnp.broadcast_to(zero, batch + (n, n))
    for cond, choice in reversed(list(zip(conditions, choices))):   # NOTE: the first matching condition wins
        out = jnp.where(cond, choice, out)
    return out


def convolution_matrix(a, n, mode="full"):
    """The Toeplitz matrix A with A @ v = convolve(a, v, mode) for v of length n: (k, n) with k = m + n - 1
    ('full'), max(m, n) ('same') or max(m, n) - min(m, n) + 1 ('valid'), m = len(a); batched over a's leading
    dimensions."""
    n = operator.index(n)
    if n <= 0:
        raise ValueError(f"convolution_matrix: n must be a positive integer, got {n}")
    if mode not in ("full", "valid", "same"):
        raise ValueError(f"convolution_matrix: mode must be one of 'full', 'valid', 'same', got {mode!r}")
    a = _vector(a, "convolution_matrix", "a")
    m = _length(a)
    if m < 1:
        raise ValueError(f"convolution_matrix: len(a) must be at least 1, got shape {tuple(jnp.shape(a))}")
    pad = [(0, 0)] * (jnp.ndim(a) - 1) + [(0, n - 1)]
    padded, flipped = jnp.pad(a, pad), jnp.pad(jnp.flip(a, -1), pad)
    total = m + n - 1
    if mode == "same":
        trim = min(n, m) - 1
        begin, end = trim // 2, trim - trim // 2
    elif mode == "valid":
        begin = end = min(n, m) - 1
    else:
        begin = end = 0
    return toeplitz(padded[..., begin:total - end], flipped[..., total - n - begin:total - begin])


# -- from a size: concrete -------------------------------------------------------------------------------------
def _size(n, fname):
    try:
        return operator.index(n)
    except TypeError:
        raise TypeError(f"{fname}: n must be a concrete int (the matrix's size), got {type(n).__name__}") from None


def hilbert(n):
    """H[i, j] = 1 / (i + j + 1), float64."""
    return _scipy().hilbert(_size(n, "hilbert")).astype(np.float64)


def invhilbert(n):
    """The inverse of ``hilbert(n)``, float64 (its integer entries exceed float64's range of exact integers
    from n = 14 on; JAX has no ``exact=``)."""
    return np.asarray(_scipy().invhilbert(_size(n, "invhilbert"), exact=True), dtype=np.float64)


def _kind(kind, fname):
    kind = "symmetric" if kind is None else kind
    if kind not in ("symmetric", "lower", "upper"):
        raise ValueError(f"{fname}: kind must be one of 'symmetric', 'lower', 'upper', got {kind!r}")
    return kind


def pascal(n, kind=None):
    """The Pascal matrix (binomial coefficients; 'symmetric', 'lower' or 'upper'), float64 as JAX's float."""
    return np.asarray(_scipy().pascal(_size(n, "pascal"), _kind(kind, "pascal"), exact=True), dtype=np.float64)


def invpascal(n, kind=None):
    """The inverse of ``pascal(n, kind)``, float64."""
    return np.asarray(_scipy().invpascal(_size(n, "invpascal"), _kind(kind, "invpascal"), exact=True),
                      dtype=np.float64)


def helmert(n, full=False):
    """The (n - 1, n) Helmert contrasts (orthonormal rows orthogonal to ones), with the row of 1/sqrt(n) on top
    when ``full``."""
    n = _size(n, "helmert")
    if n < 1:
        raise ValueError(f"helmert: n must be a positive integer, got {n}")
    return _scipy().helmert(n, full=full).astype(np.float64)


def hadamard(n, dtype=int):
    """The Sylvester-construction Hadamard matrix of order n (a power of 2): H H^T = n I."""
    n = _size(n, "hadamard")
    if n < 1 or not math.log2(n).is_integer():
        raise ValueError(f"hadamard: n must be a positive power of 2, got {n}")
    return _scipy().hadamard(n, dtype=dtype)


def dft(n, scale=None, *, dtype=None):
    """W[i, j] = exp(-2 pi i i j / n), unscaled, or divided by sqrt(n) ('sqrtn', unitary) or n ('n'); complex128
    unless ``dtype`` names another complex dtype."""
    n = _size(n, "dft")
    if scale not in (None, "sqrtn", "n"):
        raise ValueError(f"dft: scale must be None, 'sqrtn' or 'n', got {scale!r}")
    dtype = np.dtype(np.complex128 if dtype is None else dtype)
    if dtype.kind != "c":
        raise ValueError(f"dft: dtype must be a complex floating-point type, got {dtype}")
    return _scipy().dft(n, scale=scale).astype(dtype)


# -- matrix functions ------------------------------------------------------------------------------------------
def polar(a, side="right", *, method="qdwh", eps=None, max_iterations=None):
    """(u, p) with a = u p (``side`` 'right', p (n, n)) or a = p u ('left', p (m, m)), u with orthonormal columns
    (rows when n > m) and p positive semidefinite: from the reduced SVD a = U S V^H, u = U V^H and p = V S V^H
    (or U S U^H). Batched over leading dimensions; differentiable where the singular values are distinct."""
    a = _inexact(asarray_or_var(a))
    if jnp.ndim(a) < 2:
        raise ValueError(f"polar: the input a must be at least a 2-D array, got rank {jnp.ndim(a)}")
    if side not in ("right", "left"):
        raise ValueError(f"polar: side must be 'right' or 'left', got {side!r}")
    if method not in ("qdwh", "svd"):
        raise ValueError(f"polar: method must be 'qdwh' or 'svd', got {method!r}")
    u, s, vh = jnp.linalg.svd(a, full_matrices=False)
    s = s.astype(jnp.result_type(u))

    def herm(x):
        return jnp.conj(jnp.swapaxes(x, -1, -2))
    if side == "right":
        return u @ vh, (herm(vh) * jnp.expand_dims(s, -2)) @ vh
    return u @ vh, (u * jnp.expand_dims(s, -2)) @ herm(u)


def _kron_operator(a, b):
    """I (x) A + B^T (x) I acting on X flattened by rows: (A (x) I_n + I_m (x) B^T), (..., m n, m n)."""
    m, n = int(jnp.shape(a)[-1]), int(jnp.shape(b)[-1])
    batch = tuple(jnp.shape(a)[:-2])
    left = jnp.reshape(a[..., :, None, :, None] * np.eye(n)[:, None, :], batch + (m * n, m * n))
    right = jnp.reshape(np.eye(m)[:, None, :, None] * jnp.swapaxes(b, -1, -2)[..., None, :, None, :],
                        batch + (m * n, m * n))
    return left + right


def solve_sylvester(A, B, C, *, method="schur", tol=1e-8):
    """X with A X + X B = C for A (..., m, m), B (..., n, n), C (..., m, n), batch dimensions broadcast. See the
    module docstring for the two methods; NaN where some |eig(A)_i + eig(B)_j| < tol."""
    A, B, C = (asarray_or_var(x) for x in (A, B, C))
    dt = jnp.result_type(A, B, C)
    dt = dt if dt.kind in "fc" else np.dtype(np.float64)
    A, B, C = (jnp.asarray(x, dtype=dt) for x in (A, B, C))
    if min(jnp.ndim(A), jnp.ndim(B), jnp.ndim(C)) < 2:
        raise ValueError("solve_sylvester: A, B and C must be matrices (rank >= 2), got ranks "
                         f"{jnp.ndim(A)}, {jnp.ndim(B)}, {jnp.ndim(C)}")
    m, n = (int(d) for d in jnp.shape(C)[-2:])
    if tuple(int(d) for d in jnp.shape(A)[-2:]) != (m, m) or tuple(int(d) for d in jnp.shape(B)[-2:]) != (n, n):
        raise ValueError(f"solve_sylvester: incompatible shapes: A {tuple(jnp.shape(A))} must be (..., {m}, {m}) "
                         f"and B {tuple(jnp.shape(B))} (..., {n}, {n}) for C {tuple(jnp.shape(C))}")
    if method not in ("schur", "eigen"):
        raise ValueError(f"solve_sylvester: method must be 'schur' or 'eigen', got {method!r}")
    batch = np.broadcast_shapes(*(tuple(int(d) for d in jnp.shape(x)[:-2]) for x in (A, B, C)))
    A, B, C = (jnp.broadcast_to(x, batch + tuple(int(d) for d in jnp.shape(x)[-2:])) for x in (A, B, C))
    wa, wb = jnp.linalg.eigvals(A), jnp.linalg.eigvals(B)
    sums = jnp.expand_dims(wa, -1) + jnp.expand_dims(wb, -2)
    small = jnp.abs(sums) < tol
    singular = jnp.any(small, axis=(-2, -1))
    if method == "schur":
        # NOTE: a singular system is solved with the identity in its place (LAPACK would refuse it); its result is
        # replaced by NaN below
        op = jnp.where(jnp.expand_dims(singular, (-2, -1)), np.eye(m * n, dtype=dt), _kron_operator(A, B))
        x = jnp.reshape(jnp.linalg.solve(op, jnp.reshape(C, batch + (m * n, 1))), batch + (m, n))
    else:
        va, vb = jnp.linalg.eig(A)[1], jnp.linalg.eig(B)[1]
        f = jnp.linalg.solve(va, C.astype(jnp.result_type(va)) @ vb)
        x = va @ (f / jnp.where(small, 1, sums)) @ jnp.linalg.inv(vb)
        x = x if dt.kind == "c" else jnp.real(x)
    return jnp.where(jnp.expand_dims(singular, (-2, -1)), np.nan, x)
