"""Set membership and unique values: ``isin``, ``in1d`` and ``unique``, as ``jax.numpy`` has them.

Plain arrays go to numpy. Traced values compose existing ops, no primitive of their own: ``isin`` compares
every element with every test element (JAX's 'compare_all'); ``unique`` sorts, marks the first element of each
run of equal values, and gathers the marked positions with ``nonzero(size=)``. Its result's length is the
number of distinct values, so a traced input needs JAX's ``size=`` (the first ``size`` sorted values, padded
with ``fill_value``), and concrete input given ``size=`` gets the same padded result.
A front-end module: imports core, ops and the jaxlike.numpy modules below it.
"""

import numpy as np

from ..core.errors import ConcretizationError, user_frame, where as _at
from ..core.types import is_known
from ..ops.reduce import count
from ._base import asarray_or_var, is_traced, ndim, shape, dtype_of
from ._elementwise import where, equal, not_equal, isnan, logical_and, logical_not, nonzero, astype
from ._reductions import any as _any, all as _all, sum as _sum
from ._shape import ravel, reshape, concatenate
from ._more_shape import argsort
from ._more_reductions import cumsum
from ._creation import full, arange, zeros
from ._utilities import take

__all__ = ["isin", "in1d", "unique"]

_METHODS = ("auto", "compare_all", "binary_search", "sort")


def isin(element, test_elements, assume_unique=False, invert=False, *, method="auto"):
    """Whether each entry of ``element`` is in ``test_elements`` (``element``'s shape; ``invert`` negates).
    ``method`` is JAX's choice of algorithm, which does not change the result: traced values always compare
    all pairs, n*m comparisons (a sort would be n log m, but compare-all fuses into one loop, JAX's 'auto')."""
    if method not in _METHODS:
        raise ValueError(f"isin: method must be one of {_METHODS}, got {method!r}{_at(user_frame())}")
    element, test_elements = asarray_or_var(element), asarray_or_var(test_elements)
    if not is_traced(element, test_elements):
        return np.isin(element, test_elements, assume_unique=assume_unique, invert=invert)
    e, t = ravel(element)[:, None], ravel(test_elements)[None, :]
    # NOTE: an empty test_elements needs no case of its own: any over an empty axis is False, all is True
    hit = _all(not_equal(e, t), axis=-1) if invert else _any(equal(e, t), axis=-1)
    return reshape(hit, tuple(shape(element)))


def in1d(ar1, ar2, assume_unique=False, invert=False, *, method="auto"):
    """``isin`` of the flattened ``ar1`` (numpy's older name, which numpy 2.4 and JAX no longer have)."""
    return isin(ravel(asarray_or_var(ar1)), ar2, assume_unique=assume_unique, invert=invert, method=method)


def unique(ar, return_index=False, return_inverse=False, return_counts=False, axis=None, *, equal_nan=True,
           size=None, fill_value=None, sorted=True):
    """The sorted distinct values of ``ar`` (flattened unless ``axis``), and on request the index of each
    one's first occurrence, the inverse (the position in the result of each entry of ``ar``, ``ar``'s shape
    when flattened) and the counts. ``equal_nan``: all NaNs count as one value. ``size`` (JAX's, needed for
    traced values): return the first ``size`` values, padded with ``fill_value`` (default the smallest
    value; the padding's index is that of the smallest value, its count 0). ``sorted`` is unused, as in JAX."""
    ar = asarray_or_var(ar)
    if size is None:
        if is_traced(ar):
            raise ConcretizationError(
                f"unique of a traced array{_at(user_frame())}: the number of distinct values sets the result's "
                "shape, unknown while the graph is built. Pass size= (the first size sorted values, padded with "
                "fill_value) or call it on a concrete array.")
        return np.unique(ar, return_index=return_index, return_inverse=return_inverse,
                         return_counts=return_counts, axis=axis, equal_nan=equal_nan)
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 0:
        raise TypeError(f"unique: size must be a non-negative int, got {size!r}{_at(user_frame())}")
    if axis is not None and not (ndim(ar) == 1 and axis in (0, -1)):
        raise NotImplementedError(f"unique: axis={axis!r} together with size= (or on a traced array) is not "
                                  f"supported; pass axis=None for the flattened array{_at(user_frame())}")
    out = _unique_sized(ar, int(size), equal_nan, fill_value, return_index, return_inverse, return_counts)
    return out[0] if len(out) == 1 else out


def _unique_sized(ar, size, equal_nan, fill_value, return_index, return_inverse, return_counts):
    """JAX's construction: sort, mark where a run of equal values starts, and gather the first ``size``
    marks. All of it is gathers, comparisons and a cumsum, so concrete and traced input share it."""
    flat, dt = ravel(ar), dtype_of(ar)
    n = shape(flat)[0]
    if is_known(n) and n == 0:
        if size and fill_value is None:
            raise ValueError(f"unique: an empty array with size={size} needs a fill_value{_at(user_frame())}")
        empty = zeros(0, dtype=np.int64)
        return _pick((full(size, np.asarray(fill_value if size else 0).astype(dt)), empty,
                      zeros(tuple(shape(ar)), dtype=np.int64), empty), return_index, return_inverse, return_counts)
    perm = argsort(flat)                                 # NOTE: stable, so an index is a first occurrence
    aux = take(flat, perm)
    new = not_equal(aux[1:], aux[:-1])
    if equal_nan and dt.kind in "fc":
        new = logical_and(new, logical_not(logical_and(isnan(aux[1:]), isnan(aux[:-1]))))
    mask = concatenate([np.ones(1, bool), new])
    # NOTE: nonzero pads with n, so that the counts below are 0 for the padding
    starts = nonzero(mask, size=size + 1, fill_value=n if is_known(n) else count(flat, (0,), np.int64))[0]
    found = arange(size) < _sum(mask)
    first = where(found, starts[:size], 0)                # the padding reads the smallest value, as JAX's
    values = take(aux, first)
    if fill_value is not None:
        values = where(found, values, astype(asarray_or_var(fill_value), dt))
    index = take(perm, first) if return_index else None
    inverse = reshape(take(cumsum(mask) - 1, argsort(perm)), tuple(shape(ar))) if return_inverse else None
    counts = starts[1:] - starts[:-1] if return_counts else None
    return _pick((values, index, inverse, counts), return_index, return_inverse, return_counts)


def _pick(parts, return_index, return_inverse, return_counts):
    return tuple(p for p, keep in zip(parts, (True, return_index, return_inverse, return_counts)) if keep)
