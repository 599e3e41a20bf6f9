"""Diagonals and triangles with numpy's signatures: diagonal, diag, diagflat, tril, triu, and the column - row
mask behind them (also eye's, tri's and trace's). For sizes known only at the call they compare positions
instead of gathering, or take a strided slice of the flattened planes whose bounds are sums and products of
the sizes, so one trace serves every size.
"""

import numpy as np

from ..core.types import is_known, dims_equal, dim_prod, dim_sum
from ..ops import layout as L
from ..ops import index as I
from ..ops import math as om
from ..ops._rules import normalize_axis
from ..core.graph import const
from ._base import asarray_or_var, is_traced, ndim, shape, dtype_of
from . import _shape as _sh


def diagonal_mask(rows, cols, k, compare="eq"):
    """The (rows, cols) bool matrix of ``compare(column - row, k)`` for any sizes: diagonal k (``eq``), the
    lower (``le``) or upper (``ge``) triangle from it. Behind diagonal, diag, tril/triu, trace, eye and tri."""
    offsets = om.sub(L.reshape(positions_along(cols), shape=(1, cols)),
                     L.reshape(positions_along(rows), shape=(rows, 1)))
    return getattr(om, compare)(offsets, const(np.int64(k)))


def zero_outside(mask, x):
    """``x`` where ``mask`` holds, else 0 of x's dtype."""
    return om.select(mask, x, const(np.zeros((), dtype_of(x))))


def positions_along(n):
    """0, 1, ..., n - 1 (int64) for a size n: a constant when n is known, else of the symbolic size itself."""
    if is_known(n):
        return const(np.arange(n, dtype=np.int64))
    from ..ops.scan import positions
    return positions(n)


# -- the functions -------------------------------------------------------------------------------------
def diagonal(a, offset=0, axis1=0, axis2=1):
    """The ``offset`` diagonal of the (axis1, axis2) planes, as the last axis (numpy's layout)."""
    a = asarray_or_var(a)
    if not is_traced(a):
        return np.diagonal(a, offset, axis1, axis2)
    nd = ndim(a)
    if nd < 2:
        raise ValueError("diagonal requires an array of at least two dimensions")
    i1, i2 = normalize_axis(axis1, nd), normalize_axis(axis2, nd)
    if i1 == i2:
        raise ValueError("axis1 and axis2 cannot be the same")
    x = _sh.moveaxis(a, (i1, i2), (-2, -1))
    offset = int(offset)
    rows, cols = shape(x)[-2:]
    if offset == 0 and not is_known(rows) and dims_equal(rows, cols):
        # NOTE: square planes of one symbolic size n: row i of the masked plane sums to x[i, i] (the other
        # entries add exact zeros), so the length stays n where the gather would need a concrete one
        from ._reductions import sum as _sum
        return _sum(zero_outside(diagonal_mask(rows, cols, 0), x), axis=-1, dtype=dtype_of(x))
    if not (is_known(rows) and is_known(cols)):
        return _strided_diagonal(x, offset)
    length = max(0, min(rows, cols - offset) if offset >= 0 else min(rows + offset, cols))
    start_r, start_c = max(0, -offset), max(0, offset)
    flat_idx = (np.arange(length) + start_r) * cols + np.arange(length) + start_c
    flat = _sh.reshape(x, tuple(shape(x)[:-2]) + (rows * cols,))
    return I.take(flat, const(flat_idx.astype(np.int64)), axis=ndim(flat) - 1)


def _strided_diagonal(x, offset):
    """Diagonal ``offset`` of x's last two axes of symbolic sizes: the main diagonal of the planes cut to start
    at that diagonal, whose flattened (r * c) elements 0, c + 1, 2 (c + 1), ... below c * c are exactly the
    min(r, c) diagonal entries (r <= c: the slice ends at r * c; r > c: at c * c), so the length is a size of
    the result and nothing is read as an int."""
    lead = (None, None, None)
    if offset:
        cut = (offset, None, None) if offset > 0 else lead
        x = L.slice_(x, index=(lead,) * (ndim(x) - 2) + ((-offset, None, None) if offset < 0 else lead, cut))
    rows, cols = shape(x)[-2:]
    flat = L.reshape(x, shape=tuple(shape(x)[:-2]) + (dim_prod([rows, cols]),))
    return L.slice_(flat, index=(lead,) * (ndim(flat) - 1) + ((0, dim_prod([cols, cols]), dim_sum([cols, 1])),))


def diag(v, k=0):
    """A 1-D v becomes a square matrix with v on diagonal k; a 2-D v gives its diagonal k."""
    v = asarray_or_var(v)
    if not is_traced(v):
        return np.diag(v, k)
    if ndim(v) == 2:
        return diagonal(v, k)
    if ndim(v) != 1:
        raise ValueError("diag: input must be 1- or 2-d")
    k = int(k)
    if not is_known(shape(v)[0]):  # NOTE: v along the diagonal of a matrix of v's symbolic size
        n = shape(v)[0]
        square = zero_outside(diagonal_mask(n, n, 0), L.reshape(v, shape=(1, n)))
        if k == 0:
            return square
        from ._more_shape import pad  # NOTE: k shifts it up (right) or down (left) by |k| rows of zeros
        return pad(square, ((0, k), (k, 0)) if k > 0 else ((-k, 0), (0, -k)))
    n = int(shape(v)[0])
    size = n + abs(k)
    idx = (np.arange(n) + max(0, -k)) * size + np.arange(n) + max(0, k)
    flat = I.scatter_add(v, const(idx.astype(np.int64)), axis=0, shape=(size * size,))
    return _sh.reshape(flat, (size, size))


def diagflat(v, k=0):
    v = asarray_or_var(v)
    if not is_traced(v):
        return np.diagflat(v, k)
    return diag(_sh.ravel(v), k)


def _triangle(x, k, lower, fname):
    x = asarray_or_var(x)
    if not is_traced(x):
        return (np.tril if lower else np.triu)(x, k)
    if ndim(x) < 1:
        raise ValueError(f"{fname}: input must be at least 1-d")
    dims = list(shape(x)[-2:]) * (2 if ndim(x) == 1 else 1)
    k = int(k)
    if all(is_known(d) for d in dims):
        mask = const(np.tri(*dims, k=k, dtype=bool) if lower else ~np.tri(*dims, k=k - 1, dtype=bool))
    else:  # NOTE: compares column - row with k, so a symbolic size needs no concrete one
        mask = diagonal_mask(*dims, k, "le" if lower else "ge")
    return zero_outside(mask, x)


def tril(m, k=0):
    """Lower triangle (entries above diagonal k zeroed) of the last two axes."""
    return _triangle(m, k, True, "tril")


def triu(m, k=0):
    return _triangle(m, k, False, "triu")
