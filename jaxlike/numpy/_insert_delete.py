"""``insert``, ``delete`` and ``lexsort``, as ``jax.numpy`` has them.

Plain arrays go to numpy. For traced ``arr``/``values``, numpy itself works out where each output entry comes
from: it runs ``insert``/``delete`` on arrays of positions (those of ``arr``'s entries, then those of
``values``'), and the result is one gather of that position array from the flattened inputs. Results,
broadcasting of ``values`` and errors are numpy's, and the gradient (the gather's) reaches ``arr`` and
``values``. A traced ``obj`` works where JAX's does, its positions computed by comparisons: ``insert`` at
traced indices (wrapped and clipped, as JAX, instead of numpy's IndexError) and ``delete`` at distinct ones
(JAX's ``assume_unique_indices``); otherwise ``obj`` must be concrete, as it sets the result's shape.
``lexsort`` chains stable argsorts from the least significant key (the first) to the primary one (the last).
A front-end module: imports core, ops and the jaxlike.numpy modules below it.
"""

import numpy as np

from ..core.errors import ConcretizationError, user_frame, where as _at
from ._base import asarray_or_var, is_traced, ndim, shape, dtype_of
from ..ops._rules import normalize_axis
from ._elementwise import astype, where, less, greater_equal, equal
from ._reductions import sum as _sum, any as _any, argmax
from ._shape import ravel, concatenate, broadcast_to
from ._more_shape import argsort, sort, take_along_axis
from ._more_elementwise import clip
from ._utilities import take

__all__ = ["insert", "delete", "lexsort"]


def _dims(x):
    return tuple(int(d) for d in shape(x))   # NOTE: reading the sizes specializes a compiled trace on them


def _any_traced(obj):
    return is_traced(obj) or (isinstance(obj, (list, tuple)) and is_traced(asarray_or_var(obj)))


def _concrete_obj(obj, fname, hint=""):
    if _any_traced(obj):
        raise ConcretizationError(
            f"{fname}: obj is traced{_at(user_frame())}: the positions set the result's shape, unknown while the "
            f"graph is built. Pass obj as a concrete int, slice or array of indices{hint}.")
    return obj


def _delete_unique(arr, obj, axis):
    """JAX's deletion at distinct traced indices: output j reads entry j plus the number of deleted
    positions at or below it, counted against the sorted indices shifted down by their rank."""
    if dtype_of(obj).kind not in "iu":
        raise TypeError(f"delete: a traced obj must hold integer indices, got dtype {dtype_of(obj)}"
                        f"{_at(user_frame())}")
    if axis is None:
        arr, axis = ravel(arr), 0
    ax = normalize_axis(axis, ndim(arr))
    n = _dims(arr)[ax]
    obj = ravel(astype(obj, np.int64))
    k = int(shape(obj)[0])
    if k > n:
        raise ValueError(f"delete: {k} distinct indices cannot be deleted from an axis of size {n}"
                         f"{_at(user_frame())}")
    obj = sort(clip(where(less(obj, 0), obj + n, obj), 0, n)) - np.arange(k)
    keep = np.arange(n - k)
    keep = keep + _sum(astype(greater_equal(keep[None, :], obj[:, None]), np.int64), axis=0)
    return take(arr, keep, axis=ax)


def insert(arr, obj, values, axis=None):
    """``arr`` with ``values`` inserted before the index/indices/slice ``obj`` along ``axis`` (``arr``
    flattened when None), ``values`` cast to ``arr``'s dtype and broadcast as numpy does. A traced ``obj``
    (an int index or 1-d int array) is wrapped once and clipped into [0, n], as JAX does."""
    arr, values = asarray_or_var(arr), asarray_or_var(values)
    traced_obj = _any_traced(obj)
    if not is_traced(arr, values) and not traced_obj:
        return np.insert(arr, obj, values, axis=axis)
    values = astype(values if is_traced(values) else np.asarray(values), dtype_of(arr))
    n = int(np.prod(_dims(arr), dtype=np.int64))
    positions = np.arange(n + int(np.prod(_dims(values), dtype=np.int64)), dtype=np.int64)
    index = asarray_or_var(obj) if traced_obj else obj
    if traced_obj:
        if ndim(index) > 1 or dtype_of(index).kind not in "iu":
            raise ValueError(f"insert: a traced obj must be an integer index or 1-d array of them, got "
                             f"{dtype_of(index)}{list(_dims(index))}{_at(user_frame())}")
        # NOTE: numpy places everything for indices of this shape, all 0 (the values first, in order);
        # only the order along the axis then depends on the traced indices
        obj = np.zeros(_dims(index), np.int64)
    where_from = np.insert(positions[:n].reshape(_dims(arr)), obj, positions[n:].reshape(_dims(values)), axis=axis)
    out = take(concatenate([ravel(arr), ravel(values)]), where_from)
    if not traced_obj:
        return out
    ax = 0 if axis is None else normalize_axis(axis, ndim(arr))
    return _reorder(out, index, ax, n if axis is None else _dims(arr)[ax])


def _reorder(out, index, ax, n):
    """``out`` holds the k inserted slices first along ``ax``, then the ``n`` of the array: move them before
    the traced ``index`` (one per slice, or one for all), wrapping negative indices and clipping the rest to
    [0, n] as JAX does (numpy raises)."""
    total = _dims(out)[ax]
    k = total - n
    if k == 0:
        return out
    index = astype(ravel(index), np.int64)
    if _dims(index)[0] != k:
        index = broadcast_to(index[0], (k,))             # NOTE: one index (0-d or size 1) for every slice
    index = clip(where(less(index, 0), index + n, index), 0, n)
    order = argsort(index)                               # NOTE: stable: equal indices keep the values' order
    slot = take(index, order) + np.arange(k)             # the output position of the j-th value in that order
    p = np.arange(total)
    is_value = equal(p[:, None], slot[None, :])
    # an array slice's position p less the values placed before it is its index among the array's
    source = where(_any(is_value, axis=1), take(order, argmax(is_value, axis=1)),
                   k + p - _sum(astype(less(slot[None, :], p[:, None]), np.int64), axis=1))
    return take(out, source, axis=ax)


def delete(arr, obj, axis=None, *, assume_unique_indices=False):
    """``arr`` without the entries at the index/indices/slice/boolean mask ``obj`` along ``axis`` (``arr``
    flattened when None). A traced ``obj`` needs JAX's ``assume_unique_indices=True``: integer indices without
    repeats (not checked), as JAX clipped into [-n, n] instead of numpy's IndexError."""
    arr = asarray_or_var(arr)
    if assume_unique_indices and _any_traced(obj):
        return _delete_unique(arr, asarray_or_var(obj), axis)
    obj = _concrete_obj(obj, "delete", "; or, for distinct integer indices, pass assume_unique_indices=True")
    if not is_traced(arr):
        return np.delete(arr, obj, axis=axis)
    positions = np.arange(int(np.prod(_dims(arr), dtype=np.int64)), dtype=np.int64).reshape(_dims(arr))
    return take(ravel(arr), np.delete(positions, obj, axis=axis))


def lexsort(keys, axis=-1):
    """Indices that sort by the last key, ties broken by the one before it, and so on (a stable sort): int64,
    the keys' shape. ``keys``: a sequence of equally shaped arrays, or an array whose first axis runs over
    them."""
    if isinstance(keys, (list, tuple)):
        keys = [asarray_or_var(k) for k in keys]
        if not is_traced(*keys):
            return np.lexsort(keys, axis=axis)
    else:
        arr = asarray_or_var(keys)
        if not is_traced(arr):
            return np.lexsort(arr, axis=axis)
        if ndim(arr) == 0:
            raise TypeError(f"lexsort: keys must be a sequence of arrays or an array of at least 1 dimension, got "
                            f"a 0-d array{_at(user_frame())}")
        keys = [arr[i] for i in range(int(shape(arr)[0]))]
    if not keys:
        raise TypeError(f"lexsort: keys must hold at least one key, got none{_at(user_frame())}")
    if any(_dims(k) != _dims(keys[0]) for k in keys):
        raise ValueError(f"lexsort: all keys need the same shape, got shapes {[_dims(k) for k in keys]}"
                         f"{_at(user_frame())}")
    if ndim(keys[0]) == 0:
        raise ValueError(f"lexsort: the keys must be at least 1-d, got 0-d keys{_at(user_frame())}")
    order = argsort(keys[0], axis=axis)
    for key in keys[1:]:
        # NOTE: stable, so entries tied on this key keep the order the earlier keys gave them
        order = take_along_axis(order, argsort(take_along_axis(key, order, axis=axis), axis=axis), axis=axis)
    return order
