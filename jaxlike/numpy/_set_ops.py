"""Set operations on 1-D arrays, as ``jax.numpy`` has them: ``union1d``, ``intersect1d``, ``setdiff1d``,
``setxor1d`` and the array API's ``unique_all``, ``unique_counts``, ``unique_inverse``, ``unique_values``.

Plain arrays without ``size=`` go to numpy. The result's length depends on the values, so a traced input
needs JAX's ``size=``: the first ``size`` values, padded with ``fill_value`` (JAX's defaults: the smallest
value of the result for union, intersection and xor, 0 for setdiff1d); concrete input given ``size=`` gets
the same padded result. The sized forms compose ``_sets``' ``unique`` (whose padding repeats the smallest
value and counts 0, so ``counts > 0`` marks the real entries) with ``isin`` and ``nonzero(size=)``.
A front-end module: imports core, ops and the jaxlike.numpy modules below it.
"""

import operator
from collections import namedtuple

import numpy as np

from ..core.errors import ConcretizationError, user_frame, where as _at
from ._base import asarray_or_var, is_traced, shape, dtype_of
from ._elementwise import where, equal, greater, logical_and, nonzero, astype
from ._reductions import sum as _sum, argmax
from ._shape import ravel, concatenate
from ._more_shape import argsort
from ._creation import full, arange, ones
from ._utilities import take
from ._sets import isin, unique

__all__ = ["union1d", "intersect1d", "setdiff1d", "setxor1d", "unique_all", "unique_counts", "unique_inverse",
           "unique_values"]

UniqueAllResult = namedtuple("UniqueAllResult", ["values", "indices", "inverse_indices", "counts"])
UniqueCountsResult = namedtuple("UniqueCountsResult", ["values", "counts"])
UniqueInverseResult = namedtuple("UniqueInverseResult", ["values", "inverse_indices"])


def _check_size(fname, size, *arrays):
    """``size`` as an int, or None where numpy can compute the result; a traced input needs one."""
    if size is None:
        if is_traced(*arrays):
            raise ConcretizationError(
                f"{fname} of a traced array{_at(user_frame())}: the result's length depends on the values, "
                "unknown while the graph is built. Pass size= (the first size sorted values, padded with "
                "fill_value) or call it on concrete arrays.")
        return None
    if isinstance(size, bool) or is_traced(size):
        raise TypeError(f"{fname}: size must be a non-negative int, got {size!r}{_at(user_frame())}")
    try:
        size = operator.index(size)
    except TypeError:
        raise TypeError(f"{fname}: size must be a non-negative int, got {size!r}{_at(user_frame())}") from None
    if size < 0:
        raise ValueError(f"{fname}: size must be a non-negative int, got {size}{_at(user_frame())}")
    return size


def _flat(x):
    x = asarray_or_var(x)
    return ravel(x if is_traced(x) else np.asarray(x))


def _common(a1, a2):
    """Both flattened, in their common dtype (numpy's result for the concatenation)."""
    a1, a2 = _flat(a1), _flat(a2)
    dt = np.result_type(dtype_of(a1), dtype_of(a2))
    return astype(a1, dt), astype(a2, dt)


def _length(a):
    return int(shape(a)[0])   # NOTE: reading the length specializes a compiled trace on it


def _distinct(a):
    """``a``'s sorted distinct values padded to ``a``'s length, and a mask of the real ones."""
    values, counts = unique(a, return_counts=True, size=_length(a))
    return values, greater(counts, 0)


def _first_marked(values, mask, size, fill_value, default):
    """The first ``size`` entries of ``values`` where ``mask`` holds, padded with ``fill_value`` (when None:
    0 for ``default`` 'zero'; for 'smallest' the smallest of them, 0 when there are none, which needs sorted
    ``values``), and a mask of the real ones."""
    n = _length(values)
    if n == 0:
        return full(size, np.asarray(0 if fill_value is None else fill_value).astype(dtype_of(values))), None
    idx = nonzero(mask, size=size, fill_value=0)[0]
    picked, found = take(values, idx), arange(size) < _sum(mask)
    if fill_value is None:
        zero = np.zeros((), dtype_of(values))
        fill = zero if default == "zero" or size == 0 else where(_sum(mask) > 0, picked[0], zero)
    else:
        fill = astype(asarray_or_var(fill_value), dtype_of(values))
    return where(found, picked, fill), found


def union1d(ar1, ar2, *, size=None, fill_value=None):
    """The sorted distinct values in either array (both flattened)."""
    ar1, ar2 = asarray_or_var(ar1), asarray_or_var(ar2)
    size = _check_size("union1d", size, ar1, ar2)
    if size is None:
        return np.union1d(ar1, ar2)
    return unique(concatenate([_flat(ar1), _flat(ar2)]), size=size, fill_value=fill_value)


def setdiff1d(ar1, ar2, assume_unique=False, *, size=None, fill_value=None):
    """The sorted distinct values of ``ar1`` that are not in ``ar2`` (``assume_unique``: ``ar1``'s values in
    its own order, not de-duplicated). With ``size``, the padding is ``fill_value``, 0 by default (JAX's)."""
    ar1, ar2 = asarray_or_var(ar1), asarray_or_var(ar2)
    size = _check_size("setdiff1d", size, ar1, ar2)
    if size is None:
        return np.setdiff1d(ar1, ar2, assume_unique=assume_unique)
    a1, a2 = _flat(ar1), _flat(ar2)
    if _length(a1) == 0:
        return _first_marked(a1, None, size, fill_value, "zero")[0]
    values, real = (a1, ones(_length(a1), dtype=bool)) if assume_unique else _distinct(a1)
    return _first_marked(values, logical_and(real, isin(values, a2, invert=True)), size, fill_value, "zero")[0]


def setxor1d(ar1, ar2, assume_unique=False, *, size=None, fill_value=None):
    """The sorted distinct values in exactly one of the arrays."""
    ar1, ar2 = asarray_or_var(ar1), asarray_or_var(ar2)
    size = _check_size("setxor1d", size, ar1, ar2)
    if size is None:
        return np.setxor1d(ar1, ar2, assume_unique=assume_unique)
    a1, a2 = _common(ar1, ar2)
    parts, marks = [], []
    for mine, other in ((a1, a2), (a2, a1)):
        if not _length(mine):
            continue
        values, real = (mine, ones(_length(mine), dtype=bool)) if assume_unique else _distinct(mine)
        parts.append(values)
        marks.append(logical_and(real, isin(values, other, invert=True)))
    if not parts:
        return _first_marked(a1, None, size, fill_value, "smallest")[0]
    # NOTE: the marked values of the two parts are distinct (each is missing from the other array), so one
    # stable sort of both orders the result
    values, keep = concatenate(parts), concatenate(marks)
    order = argsort(values)
    return _first_marked(take(values, order), take(keep, order), size, fill_value, "smallest")[0]


def intersect1d(ar1, ar2, assume_unique=False, return_indices=False, *, size=None, fill_value=None):
    """The sorted distinct values in both arrays; ``return_indices``: also the index of each one's first
    occurrence in the flattened ``ar1`` and ``ar2``. With ``size``, the padding's indices are the arrays'
    lengths (out of bounds), as JAX's."""
    ar1, ar2 = asarray_or_var(ar1), asarray_or_var(ar2)
    size = _check_size("intersect1d", size, ar1, ar2)
    if size is None:
        return np.intersect1d(ar1, ar2, assume_unique=assume_unique, return_indices=return_indices)
    a1, a2 = _common(ar1, ar2)
    n1, n2 = _length(a1), _length(a2)
    if n1 == 0 or n2 == 0:
        values = _first_marked(a1[:0], None, size, fill_value, "smallest")[0]
        return (values, full(size, n1), full(size, n2)) if return_indices else values
    if assume_unique:
        order = argsort(a1)
        values, real = take(a1, order), ones(n1, dtype=bool)
    else:
        values, real = _distinct(a1)
    values, found = _first_marked(values, logical_and(real, isin(values, a2)), size, fill_value, "smallest")
    if not return_indices:
        return values
    # NOTE: the first equal entry of each array: numpy's indices for unique input, and unique's first
    # occurrence otherwise
    firsts = [where(found, argmax(equal(values[:, None], a[None, :]), axis=1), n) for a, n in ((a1, n1), (a2, n2))]
    return (values,) + tuple(firsts)


def _unique_api(fname, x, size, fill_value, **returns):
    x = asarray_or_var(x)
    size = _check_size(fname, size, x)
    if size is None:
        return None, getattr(np, fname)(x)
    return unique(x, equal_nan=False, size=size, fill_value=fill_value, **returns), None


def unique_all(x, /, *, size=None, fill_value=None):
    """(values, indices, inverse_indices, counts) of the distinct values of ``x`` (NaNs all distinct, as the
    array API); the inverse has ``x``'s shape."""
    ours, theirs = _unique_api("unique_all", x, size, fill_value, return_index=True, return_inverse=True,
                               return_counts=True)
    return UniqueAllResult(*(ours if theirs is None else theirs))


def unique_counts(x, /, *, size=None, fill_value=None):
    """(values, counts) of the distinct values of ``x``."""
    ours, theirs = _unique_api("unique_counts", x, size, fill_value, return_counts=True)
    return UniqueCountsResult(*(ours if theirs is None else theirs))


def unique_inverse(x, /, *, size=None, fill_value=None):
    """(values, inverse_indices) of the distinct values of ``x``; the inverse has ``x``'s shape."""
    ours, theirs = _unique_api("unique_inverse", x, size, fill_value, return_inverse=True)
    return UniqueInverseResult(*(ours if theirs is None else theirs))


def unique_values(x, /, *, size=None, fill_value=None):
    """The sorted distinct values of ``x`` (NaNs all distinct)."""
    ours, theirs = _unique_api("unique_values", x, size, fill_value)
    return ours if theirs is None else theirs
