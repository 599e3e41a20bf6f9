"""``x[key]`` on traced values: ints, slices, None, Ellipsis, and integer arrays (one, or several on adjacent
axes), lowered to slice, reshape and take. Gradients come from those primitives (scatter-add for repeats)."""

from operator import index as operator_index

import numpy as np

from ..core.graph import Var, const
from ..core.types import is_known
from ..ops import layout as L
from ..ops import index as I
from ..ops import math as m
from ..ops.reduce import count
from ._base import asarray_or_var


def _is_array_index(k):
    return isinstance(k, (Var, np.ndarray, list))


class _MaskIndices(np.ndarray):
    """Indices that came from a numpy boolean mask; ``mask_len`` is the mask's length along the dim it
    indexes, checked against the array's size (numpy raises IndexError on a mismatch)."""


def _mask_indices(idx, n):
    out = np.asarray(idx).view(_MaskIndices)
    out.mask_len = int(n)
    return out


def _checked_mask(k, x, dim):
    """Plain indices for a mask that fits dim ``dim`` of ``x``; for a symbolic size, indices that a size
    mismatch sends out of range, so take raises IndexError instead of picking the wrong elements."""
    d = x.shape[dim]
    idx = np.asarray(k).view(np.ndarray)
    if is_known(d):
        if d != k.mask_len:
            raise IndexError(f"boolean index did not match indexed array along axis {dim}; size of axis is {d} "
                             f"but size of corresponding boolean axis is {k.mask_len}")
        return idx
    n = count(x, (dim,), np.int64)
    return m.select(m.eq(n, k.mask_len), const(idx.astype(np.int64)), n)


def _normalize_key(key, nd):
    if not isinstance(key, tuple):
        key = (key,)
    key = list(key)
    for k in key:
        if isinstance(k, Var) and k.dtype == np.bool_:
            raise IndexError("boolean-mask indexing with a traced mask has a data-dependent shape; use "
                             "jnp.where(mask, x, 0) instead")
    out = []
    for k in key:
        if isinstance(k, (np.ndarray, list)) and np.asarray(k).dtype == np.bool_:
            mask = np.asarray(k)
            out.extend(_mask_indices(i, n) for i, n in zip(np.nonzero(mask), mask.shape))
        else:
            out.append(k)
    key = out
    consumed = sum(1 for k in key if k is not None and k is not Ellipsis)
    if sum(1 for k in key if k is Ellipsis) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    if consumed > nd:
        raise IndexError(f"too many indices for array: array is {nd}-dimensional, but {consumed} were indexed")
    if Ellipsis in [k for k in key if not _is_array_index(k)]:
        pos = next(i for i, k in enumerate(key) if k is Ellipsis and not _is_array_index(k))
        key[pos:pos + 1] = [slice(None)] * (nd - consumed)
    else:
        key += [slice(None)] * (nd - consumed)
    return key


def _computed_slices(x, key):
    """``x`` with the slices whose bounds are computed values (Theano's minibatch ``data[i * b:(i + 1) * b]``)
    taken, and the key with full slices in their place. Python's rules: negative bounds count from the end,
    bounds clip to the axis, an empty range for stop <= start; the length is a size known when the bounds
    are (``iota``)."""
    dim, out = 0, []
    for k in key:
        if isinstance(k, slice) and any(isinstance(b, Var) for b in (k.start, k.stop, k.step)):
            n = count(x, (dim,), np.int64)
            n = const(np.int64(n)) if isinstance(n, int) else n
            if k.step is None or (not isinstance(k.step, Var) and operator_index(k.step) == 1):
                start, stop = (_bound(b, n, default) for b, default in ((k.start, _i64(0)), (k.stop, n)))
                x = I.take(x, m.add(start, I.iota(m.maximum(m.sub(stop, start), _i64(0)))), axis=dim)
            else:
                x = I.take(x, _stepped_positions(k, n), axis=dim)
            k = slice(None)
        out.append(k)
        dim += k is not None
    return x, out


def _i64(v):
    return const(np.int64(v))


def _stepped_positions(k, n):
    """The positions ``slice(start, stop, step).indices(n)`` walks, for a computed step (Theano's ``v[::s]``)
    or computed bounds with a step: Python's rules for either sign of the step, chosen by its value. A zero
    step, which Python refuses, gives no positions."""
    step = _as_int64(k.step, "slice step")
    ahead = m.gt(step, _i64(0))
    first = m.select(ahead, _bound(k.start, n, _i64(0)), _bound(k.start, n, m.sub(n, _i64(1)), lo=-1))
    last = m.select(ahead, _bound(k.stop, n, n), _bound(k.stop, n, _i64(-1), lo=-1))
    sign = m.select(ahead, _i64(1), _i64(-1))
    steps = m.floor_divide(m.add(m.sub(last, first), m.sub(step, sign)), step)
    return m.add(first, m.mul(step, I.iota(m.maximum(steps, _i64(0)))))


def _as_int64(b, what):
    b = asarray_or_var(b)
    if not isinstance(b, Var):
        b = const(np.int64(operator_index(b)))
    if b.ndim != 0 or b.dtype.kind not in "iu":
        raise IndexError(f"{what}s must be integer scalars, got {b.type!r}")
    return m.convert(b, dtype=np.dtype(np.int64))


def _bound(b, n, default, lo=0):
    """A slice bound counted from the end when negative and clipped to [lo, n + lo] (a step down stops at -1,
    before the first entry); ``default`` (None's) is taken as it is."""
    if b is None:
        return default
    b = _as_int64(b, "slice bound")
    b = m.select(m.lt(b, _i64(0)), m.add(b, n), b)
    return m.minimum(m.maximum(b, _i64(lo)), m.add(n, _i64(lo)))


def getitem(x, key):
    x = asarray_or_var(x)
    if not isinstance(x, Var):
        return np.asarray(x)[key]
    if any(type(k) in (bool, np.bool_) for k in (key if isinstance(key, tuple) else (key,))):
        return _scalar_bool_getitem(x, key if isinstance(key, tuple) else (key,))
    key = _normalize_key(key, x.ndim)
    x, key = _computed_slices(x, key)
    index, out_shape, arrays = [], [], []
    basic_only = not any(_is_array_index(k) for k in key)
    picks = []  # (position in the result, int index) for ints on symbolic dims
    dim = 0
    for pos, k in enumerate(key):
        if k is None:
            out_shape.append(1)
            continue
        d = x.shape[dim]
        if isinstance(k, (int, np.integer)):
            k = int(k)
            if is_known(d):
                if not -d <= k < d:
                    raise IndexError(f"index {k} is out of bounds for axis {dim} with size {d}")
                k %= d
                index.append((k, k + 1, None))
            elif basic_only:
                # NOTE: slice(k, k+1) of a symbolic dim is silently empty when k is out of range (and the
                # reshape that drops the dim then fails with an unrelated message); a 0-d index to take
                # raises IndexError naming the index and the size.
                key[pos] = slice(None)
                index.append((None, None, None))
                picks.append((len(out_shape), k))
                out_shape.append(None)
            else:
                index.append((k, (k + 1) or None, None))
        elif isinstance(k, slice):
            st = [None if v is None else int(v) for v in (k.start, k.stop, k.step)]
            index.append(tuple(st))
            out_shape.append(None)  # filled from the sliced type below
        elif _is_array_index(k):
            if isinstance(k, _MaskIndices):
                k = _checked_mask(k, x, dim)
            index.append((None, None, None))
            arrays.append((len(out_shape), k, dim))
            out_shape.append(None)
        else:
            raise IndexError(f"unsupported index {k!r} of type {type(k).__name__}: use ints, slices, None, "
                             "Ellipsis or integer arrays")
        dim += 1
    y = x
    if any(t != (None, None, None) for t in index):
        y = L.slice_(x, index=tuple(index))
    kept = iter(d for d, k in zip(y.shape, [k for k in key if k is not None])
                if not isinstance(k, (int, np.integer)))
    shape = tuple(next(kept) if s is None else s for s in out_shape)
    if len(shape) != y.ndim or not all(a is b for a, b in zip(shape, y.shape)):
        y = L.reshape(y, shape=shape)
    for p, k in reversed(picks):
        y = I.take(y, const(np.int64(k)), axis=p)
    if arrays:
        before, moved = y.ndim - len(arrays), _separated(arrays)
        y = _advanced(y, arrays)
        # NOTE: numpy counts integers beside arrays as advanced indices too: when a slice, Ellipsis or None
        # separates them (x[0, :, [1, 3]]), the broadcast axes go first, as for arrays separated by slices
        adv = [i for i, k in enumerate(key) if isinstance(k, (int, np.integer)) or _is_array_index(k)]
        if adv != list(range(adv[0], adv[-1] + 1)) and arrays[0][0] > 0 and not moved:
            from ._shape import moveaxis
            r, a0 = y.ndim - before, arrays[0][0]
            y = moveaxis(y, list(range(a0, a0 + r)), list(range(r)))
    return y


def _scalar_bool_getitem(x, key):
    """numpy's 0-d boolean index: a new axis where it stands, of length 1 for True and 0 for False. (Python's
    True is also the int 1, which would otherwise pick row 1.)"""
    # NOTE: numpy makes the boolean an advanced index, the integers beside it too, and moves their joint axis
    # to the front when they are not adjacent; only the adjacent, single-boolean case keeps it in place
    adv = [i for i, k in enumerate(key) if isinstance(k, (int, np.integer, np.bool_))]
    if (any(_is_array_index(k) for k in key) or sum(type(k) in (bool, np.bool_) for k in key) > 1
            or adv != list(range(adv[0], adv[-1] + 1))):
        raise IndexError("a scalar boolean index together with array indices, other scalar booleans or "
                         "non-adjacent integers is not supported (numpy merges them into one advanced index); "
                         "index in two steps")
    flags = [bool(k) if type(k) in (bool, np.bool_) else None for k in key]
    y = getitem(x, tuple(None if f is not None else k for f, k in zip(flags, key)))
    consumed = sum(1 for f, k in zip(flags, key) if f is None and k is not None and k is not Ellipsis)
    pos, empty = 0, []
    for f, k in zip(flags, key):
        if f is not None or k is None or isinstance(k, slice):
            if f is False:
                empty.append(pos)
            pos += 1
        elif k is Ellipsis:
            pos += x.ndim - consumed
    if not empty:
        return y
    return getitem(y, tuple(slice(0, 0) if i in empty else slice(None) for i in range(y.ndim)))


def _index_var(k, size, wrap=False):
    """An integer index operand; ``wrap`` maps negatives to n+k (needed before linearising several
    indices). ``size`` is an int or a scalar node (``count``) for a symbolic size."""
    if isinstance(k, Var):
        if k.dtype.kind not in "iu":
            raise IndexError(f"arrays used as indices must be of integer type, got {k.dtype}")
        # NOTE: take itself accepts -n..n-1 and raises IndexError beyond, so a single index is passed as
        # is: wrapping it here made -2n..-n-1 look valid.
        if wrap and k.dtype.kind == "i":
            k = m.select(m.lt(k, 0), k + size, k)
        return k
    arr = np.asarray(k)
    if arr.dtype.kind not in "iu":
        raise IndexError(f"arrays used as indices must be of integer (or boolean) type, got {arr.dtype}")
    if is_known(size):
        if arr.size and (arr.max() >= size or arr.min() < -size):
            bad = arr.max() if arr.max() >= size else arr.min()
            raise IndexError(f"index {bad} is out of bounds for size {size}")
        return const(arr % size if size else arr)
    return _index_var(const(arr.astype(np.int64)), size, wrap)


def _separated(arrays):
    axes = [a for a, _, _ in arrays]
    return axes != list(range(axes[0], axes[0] + len(axes)))


def _advanced(y, arrays):
    axes = [a for a, _, _ in arrays]
    if _separated(arrays):
        # NOTE: numpy puts the broadcast index axes first when slices separate the arrays (x[i, :, j]): the
        # indexed axes moved to the front make them adjacent, and the gather leaves its axes there
        y = L.transpose(y, perm=tuple(axes + [a for a in range(y.ndim) if a not in axes]))
        return _advanced(y, [(i, k, d) for i, (_, k, d) in enumerate(arrays)])
    a0 = axes[0]
    if len(arrays) == 1:
        return I.take(y, _index_var(arrays[0][1], y.shape[a0]), axis=a0)
    from ._shape import broadcast_arrays, reshape
    sizes = [y.shape[a] if is_known(y.shape[a]) else count(y, (a,), np.int64) for a in axes]
    idx = broadcast_arrays(*[_index_var(k, n, wrap=True) for (_, k, _), n in zip(arrays, sizes)])
    lin, ok, total = idx[0], None, sizes[0]
    for i, n in zip(idx, sizes):
        inside = m.logical_and(m.ge(i, 0), m.lt(i, n))
        ok = inside if ok is None else m.logical_and(ok, inside)
    for i, n in zip(idx[1:], sizes[1:]):
        lin = lin * n + i
        total = total * n
    # NOTE: an index out of range on one axis would land on a valid element of the merged axis; sending
    # it to `total` (out of range there) makes take raise IndexError instead of returning another element.
    lin = m.select(ok, lin, total)
    merged = y.shape[:a0] + (-1,) + y.shape[axes[-1] + 1:]
    y2 = reshape(y, merged)
    return I.take(y2, lin, axis=a0)


def _default_fill(dt):
    """JAX's fill for take's mode='fill': NaN for inexact dtypes, True for bool, the most negative value for
    signed integers and the largest for unsigned ones (values no valid entry is likely to be)."""
    if dt.kind in "fc":
        return np.nan
    if dt.kind == "b":
        return True
    return np.iinfo(dt).min if dt.kind == "i" else np.iinfo(dt).max


def take_fill(a, idx, axis, fill_value=None):
    """``take`` with JAX's mode='fill': ``a``'s entries at the int64 indices ``idx`` along ``axis`` (already
    normalized), and ``fill_value`` (None: ``_default_fill``) where an index is outside [-n, n). A gather at a
    clamped index under a select, so the gradient reaches only the entries that were read."""
    dt = np.dtype(a.dtype)
    fill = np.array(_default_fill(dt) if fill_value is None else fill_value).astype(dt)
    n, traced = a.shape[axis], isinstance(a, Var) or isinstance(idx, Var)
    if is_known(n) and n == 0 and not any(is_known(d) and d == 0 for d in idx.shape):
        raise IndexError("take: cannot do a non-empty take from an empty axis")
    if not traced:
        ok = (idx >= -n) & (idx < n)
        got = np.take(a, np.where(ok, idx, 0), axis=axis)
        return np.where(ok.reshape(ok.shape + (1,) * (a.ndim - axis - 1)), got, fill)
    from ._elementwise import where
    from ._shape import reshape
    size = n if is_known(n) else count(a, (axis,), np.int64)
    a, idx = (v if isinstance(v, Var) else const(np.asarray(v)) for v in (a, idx))
    ok = m.logical_and(m.ge(idx, -size), m.lt(idx, size))
    got = I.take(a, m.select(ok, idx, 0), axis=axis)
    return where(reshape(ok, tuple(ok.shape) + (1,) * (a.ndim - axis - 1)), got, fill)
