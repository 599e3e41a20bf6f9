"""``x.at[index].set(v)`` and its siblings (``add``, ``subtract``, ``multiply``, ``divide``, ``power``, ``min``,
``max``, ``apply``, ``get``) on traced values, as in JAX: a new array, the operand untouched.

A write is the transpose of the read: ``scatter(v)``, the values placed where ``x[index]`` reads (zeros
elsewhere, repeated positions summed), is the VJP of the indexing applied to ``v``, so every index form that
``x[index]`` accepts works here, and the gradients come from the same primitives. Where an index may repeat
a position (an integer array index: traced, or concrete with repeats or negative entries), ``.at[]`` sorts the
writes by position instead (``reduce_writes``): ``set`` keeps the last value written, as numpy and JAX on the
CPU do, and ``min``, ``max``, ``multiply``, ``divide`` and ``power`` combine every value written to a position
(``.at[[0, 0]].min([3, 1])`` is min(x[0], 3, 1)). ``apply`` applies once per position (JAX: once per write), and
``write`` used directly stores the mean of repeated writes (``put_along_axis`` keeps the last, as ``set``). The arrays ``jnp``'s constructors return (``_array.Array``) have ``.at``
too, through these same rules; a plain numpy array has none. A front-end module.
"""

import numpy as np

from ..core.graph import Var, substitute, as_var
from ..core.types import TensorType, is_known
from ..autodiff import backward
from ..ops import math as m
from ..ops.index import scatter_add
from ..ops.layout import broadcast_to, reshape
from ..ops.scan import positions
from ._indexing import getitem


def scatter_like(read, x, values):
    """``values`` placed where ``read(x)`` reads from ``x`` (zeros elsewhere, repeats summed): the transpose of
    the linear map ``read``, and how many times each position is read. Values broadcast to the read's shape
    and take ``x``'s dtype."""
    if x.dtype.kind not in "fc":
        return _scatter_by_position(read, x, values)
    stand_in = Var(TensorType(x.dtype, x.shape))
    y = read(stand_in)
    values = as_var(values)
    if values.dtype != x.dtype:
        values = m.convert(values, dtype=x.dtype)
    if tuple(values.shape) != tuple(y.shape):
        values = broadcast_to(values, shape=y.shape)
    ones = broadcast_to(as_var(np.ones((), x.dtype)), shape=y.shape)
    placed, counts = [backward([y], [c], [stand_in])[0] for c in (values, ones)]
    # NOTE: the transposes read only the stand-in's sizes, never its values; they are x's sizes
    placed, counts = substitute([placed, counts], {stand_in: x})
    return placed, counts


def _scatter_by_position(read, x, values):
    """``scatter_like`` for integers and booleans, which reverse mode does not carry: the read applied to each
    position's flat index says where every element it reads comes from, and ``scatter_add`` puts the values
    there (exact for any int64; booleans are placed as int64 counts of True)."""
    pos, flat_values, n = _flat_writes(read, x, values, np.dtype(np.int64) if x.dtype.kind == "b" else x.dtype)
    ones = broadcast_to(as_var(np.ones((), np.int64)), shape=pos.shape)
    placed, counts = [reshape(scatter_add(v, pos, axis=0, shape=(n,)), shape=x.shape) for v in (flat_values, ones)]
    return placed, counts


def write(read, x, values, combine=None):
    """``x`` with the positions ``read`` reads replaced by ``values`` (after ``combine(old, values)``)."""
    if combine is not None:
        values = combine(read(x), as_var(values))
    placed, counts = scatter_like(read, x, values)
    if counts.dtype.kind == "c":
        counts = m.real(counts)     # NOTE: counted in x's dtype, which has no order for complex values
    hit = m.gt(counts, 0)
    if x.dtype.kind in "iub":
        mean = m.floor_divide(placed, m.maximum(counts, 1)) if x.dtype.kind != "b" else placed
    else:
        mean = m.div(placed, m.maximum(counts, 1))
    return m.select(hit, m.convert(mean, dtype=x.dtype), x)


def _flat_writes(read, x, values, dtype=None):
    """(flat position in ``x`` of each element ``read`` reads, ``values`` broadcast to the read and flattened in
    ``dtype`` (``x``'s by default), ``x``'s size): a write as a list of (position, value) pairs."""
    n = reshape(x, shape=(-1,)).shape[0]
    read_from = read(reshape(positions(n), shape=x.shape))
    values, dtype = as_var(values), x.dtype if dtype is None else dtype
    if values.dtype != dtype:
        values = m.convert(values, dtype=dtype)
    if tuple(values.shape) != tuple(read_from.shape):
        values = broadcast_to(values, shape=read_from.shape)
    return reshape(read_from, shape=(-1,)), reshape(values, shape=(-1,)), n


def reduce_writes(read, x, values, kind):
    """``x`` with each position ``read`` reads combined with all the values written to it: ``kind`` is 'min',
    'max' (NaN propagates), 'mul', or 'last' (the last value written replaces it). The writes are sorted by
    position (and value), so each position's run is together; min and max take its first or last element, mul
    a segmented product."""
    from .. import numpy as jnp
    from ..lax import associative_scan
    pos, u, n = _flat_writes(read, x, values)
    as_int = x.dtype == np.bool_      # NOTE: booleans combine as integers (max is OR, min and mul are AND)
    if as_int:
        u = m.convert(u, dtype="int64")
    if kind in ("mul", "last"):
        order = jnp.argsort(pos)
    else:
        by_value = jnp.argsort(u)     # NOTE: stable sorts: by value, then by position
        order = jnp.take(by_value, jnp.argsort(jnp.take(pos, by_value)))
    ps, us = jnp.take(pos, order), jnp.take(u, order)
    at = positions(ps.shape[0])
    first = (ps != jnp.roll(ps, 1)) | (at == 0)
    last = (ps != jnp.roll(ps, -1)) | (at == ps.shape[0] - 1)
    if kind == "mul":
        _, us = associative_scan(lambda a, b: (b[0], jnp.where(a[0] == b[0], a[1] * b[1], b[1])), (ps, us))
    pick = first if kind == "min" else last
    zero = as_var(np.zeros((), us.dtype))

    def placed(v):
        return reshape(scatter_add(v, ps, axis=0, shape=(n,)), shape=x.shape)
    hit = m.gt(placed(m.convert(pick, dtype="int64")), 0)
    best = placed(m.select(pick, us, broadcast_to(zero, shape=us.shape)))
    old = m.convert(x, dtype="int64") if as_int else x
    out = best if kind == "last" else {"min": m.minimum, "max": m.maximum, "mul": m.mul}[kind](old, best)
    if kind == "min" and x.dtype.kind == "f":
        nan_in = m.gt(placed(m.convert(m.ne(u, u), dtype="int64")), 0)   # NOTE: NaN sorted last: not first
        out = m.select(nan_in, broadcast_to(as_var(np.asarray(np.nan, x.dtype)), shape=x.shape), out)
    out = m.ne(out, 0) if as_int else out
    return m.select(hit, out, x)


def _jax_options(method):
    """A ``.at[]`` method with JAX's keyword options: ``mode`` (and ``fill_value`` for ``get``) as
    ``_Ref._moded`` applies them; ``indices_are_sorted``, ``unique_indices`` and ``out_sharding`` are hints
    that change no result, accepted and ignored."""
    def moded(self, *args, indices_are_sorted=False, unique_indices=False, mode=None, out_sharding=None,
              **fill):
        if fill and (method.__name__ != "get" or set(fill) != {"fill_value"}):
            raise TypeError(f"at[].{method.__name__}() got an unexpected keyword argument {next(iter(fill))!r}")
        ref, axes = self._moded(mode, fill.get("fill_value"))
        if ref is self:
            return method(self, *args)
        out = method(ref, *args)
        return out if method.__name__ == "get" else _unpadded(out, axes)
    moded.__name__ = method.__name__
    moded.__doc__ = method.__doc__
    return moded


def _redirected(x, index, mode, fill_value):
    """(``x`` with one more slot along each axis an integer entry of ``index`` indexes, holding ``fill_value``
    (JAX's default fill where None), the index with those entries in range or at the slot, the padded axes)."""
    from .. import numpy as jnp
    from ._indexing import _default_fill
    from ..ops.reduce import count
    entries = list(index) if isinstance(index, tuple) else [index]
    taken = sum(_dims_read(k) for k in entries)
    axis, out, padded = 0, [], []
    for k in entries:
        if k is Ellipsis:
            axis += x.ndim - taken
        elif k is not None and not isinstance(k, slice) and _dims_read(k) == 1 and not _is_mask(k):
            n = x.shape[axis] if is_known(x.shape[axis]) else count(x, (axis,), np.int64)
            k = m.convert(as_var(k), dtype="int64")
            wrapped = m.select(m.lt(k, 0), m.add(k, n), k)
            if mode == "clip":
                k = m.minimum(m.maximum(wrapped, 0), m.maximum(m.sub(n, 1), 0))
            else:
                k = m.select(m.logical_and(m.ge(k, m.neg(n)), m.lt(k, n)), wrapped, n)
                padded.append(axis)
        out.append(k)
        axis += _dims_read(k)
    fill = np.asarray(_default_fill(x.dtype) if fill_value is None else fill_value).astype(x.dtype)
    for a in padded:
        slot = list(x.shape)
        slot[a] = 1
        x = jnp.concatenate([x, jnp.broadcast_to(fill, tuple(slot))], axis=a)
    return x, tuple(out), padded


def _unpadded(y, axes):
    return getitem(y, tuple(slice(None, -1) if a in axes else slice(None) for a in range(y.ndim))) if axes else y


def _is_mask(k):
    return (isinstance(k, Var) and k.dtype == np.bool_) or (
        isinstance(k, (np.ndarray, list, bool, np.bool_)) and np.asarray(k).dtype == np.bool_)


def _dims_read(k):
    """How many of the array's axes index entry ``k`` reads (a mask reads as many as its rank)."""
    if k is None or k is Ellipsis:
        return 0
    if _is_mask(k):
        return k.ndim if isinstance(k, Var) else np.ndim(k)   # NOTE: a scalar bool adds an axis, reading none
    return 1


class _Ref:
    __slots__ = ("x", "index")

    def __init__(self, x, index):
        self.x, self.index = x, index

    def _read(self, z):
        return getitem(z, self.index)

    def _may_repeat(self):
        """Whether the index may read one position twice: an integer array index, unless it is one concrete
        array of distinct non-negative entries (the rest, slices, ints and masks, never repeat)."""
        arrays = []
        for k in self.index if isinstance(self.index, tuple) else (self.index,):
            if k is None or k is Ellipsis or isinstance(k, (slice, int, np.integer, bool, np.bool_)):
                continue
            k = k if isinstance(k, Var) else np.asarray(k)
            if k.dtype.kind in "iu" and k.ndim > 0:
                arrays.append(k)
        if not arrays:
            return False
        if len(arrays) > 1 or isinstance(arrays[0], Var):
            return True
        flat = np.asarray(arrays[0]).ravel()
        return bool(np.any(flat < 0)) or np.unique(flat).size < flat.size

    def _reduce(self, values, kind, combine):
        if self._may_repeat():
            return reduce_writes(self._read, self.x, values, kind)
        return write(self._read, self.x, values, combine)

    def _moded(self, mode, fill_value=None):
        """This reference with JAX's out-of-range ``mode`` applied: itself for the default (out-of-range
        positions raise, as numpy's indexing) and 'promise_in_bounds'; for 'clip', 'drop' and 'fill' one on a
        copy of ``x`` with a slot of ``fill_value`` after each axis an integer entry indexes, where the index
        sends what is out of range (or clamped into range, 'clip'). Returns (reference, the padded axes)."""
        if mode in (None, "promise_in_bounds"):
            return self, ()
        if mode not in ("clip", "drop", "fill"):
            raise ValueError(f"at[]: mode must be one of 'promise_in_bounds', 'clip', 'drop', 'fill', got {mode!r}")
        x, index, axes = _redirected(self.x, self.index, mode, fill_value)
        return type(self)(x, index), axes

    @_jax_options
    def get(self):
        # NOTE: fill_value is _jax_options's: it fills the slot _moded pads
        return getitem(self.x, self.index)

    @_jax_options
    def set(self, values):
        return self._reduce(values, "last", None)

    @_jax_options
    def add(self, values):
        placed, _ = scatter_like(self._read, self.x, values)
        return m.add(self.x, placed)

    @_jax_options
    def subtract(self, values):
        return self.add(m.neg(as_var(values)))

    @_jax_options
    def multiply(self, values):
        return self._reduce(values, "mul", lambda a, b: a * b)

    mul = multiply

    @_jax_options
    def divide(self, values):
        if self.x.dtype.kind not in "fc" or not self._may_repeat():
            return write(self._read, self.x, values, lambda a, b: a / b)
        return reduce_writes(self._read, self.x, m.div(as_var(np.ones((), self.x.dtype)), as_var(values)), "mul")

    @_jax_options
    def power(self, values):
        if not self._may_repeat():
            return write(self._read, self.x, values, lambda a, b: a ** b)
        # NOTE: JAX's rule, x ** (the product of the exponents written to each position): a position named
        # twice is raised twice, (x ** a) ** b, not once
        ones = broadcast_to(as_var(np.ones((), self.x.dtype)), shape=self.x.shape)
        return m.pow_(self.x, reduce_writes(self._read, ones, values, "mul"))

    @_jax_options
    def min(self, values):
        return self._reduce(values, "min", m.minimum)

    @_jax_options
    def max(self, values):
        return self._reduce(values, "max", m.maximum)

    @_jax_options
    def apply(self, func):
        once = write(self._read, self.x, 0, lambda old, _: func(old))
        if not self._may_repeat():
            return once
        # NOTE: JAX applies func once per occurrence: a position named k times gets func k times. The further
        # applications run over the whole array (func is elementwise, as lax.scatter_apply's), as many times as
        # the most named position needs beyond one: none when no position repeats
        from ..lax.control import scan
        counts = type(self)(broadcast_to(as_var(np.zeros((), np.int64)), shape=self.x.shape), self.index).add(
            np.ones((), np.int64))
        extra = m.maximum(_max_of(counts) - 1, 0)

        def again(carry, _):
            y, r = carry
            return (m.select(m.gt(counts, r), m.convert(func(y), dtype=self.x.dtype), y), r + 1), None
        (out, _), _ = scan(again, (once, np.int64(1)), None, length=extra)
        return out


class _At:
    """``x.at``: ``[index]`` gives the updates of ``ref``'s kind (``_array`` has the eager arrays' own)."""
    __slots__ = ("x", "ref")

    def __init__(self, x, ref=None):
        self.x, self.ref = x, ref or _Ref

    def __getitem__(self, index):
        return self.ref(self.x, index)


def at(self):
    return _At(self)


def set_at(x, index, values):
    """``x.at[index].set(values)`` for a traced ``x`` (Theano's ``set_subtensor``)."""
    return _Ref(x, index).set(values)


def put_along_axis(arr, indices, values, axis, inplace=True, mode=None):
    """numpy's put_along_axis as a pure function, JAX's spelling: ``inplace=False`` returns ``arr`` with
    ``values`` written where ``take_along_axis(arr, indices, axis)`` reads (numpy itself writes into ``arr``
    and returns None, which an immutable array cannot do). A position written more than once keeps the last
    value, as numpy's does."""
    from ._base import asarray_or_var, is_traced
    from ._more_shape import take_along_axis
    if inplace:
        raise ValueError("put_along_axis: jaxlike arrays are immutable, so it cannot write in place; pass "
                         "inplace=False and use the returned array")
    if mode not in (None, "promise_in_bounds"):
        raise ValueError(f"put_along_axis: mode={mode!r} is not supported (out-of-range indices raise)")
    arr, indices, values = (asarray_or_var(v) for v in (arr, indices, values))
    if not is_traced(arr, indices, values):
        out = np.array(arr, copy=True)
        np.put_along_axis(out, indices, values, axis)
        return out
    read = (lambda z: take_along_axis(z, indices, axis))
    if is_traced(indices) or _repeats_along(np.asarray(indices), axis, arr.shape):
        return reduce_writes(read, as_var(arr), values, "last")
    return write(read, as_var(arr), values)


def _repeats_along(indices, axis, shape):
    """Whether concrete ``indices`` name one position twice in a line along ``axis`` (negative ones wrapped);
    True where a size is symbolic (it cannot be told)."""
    if indices.size == 0:
        return False
    sizes = [d if is_known(d) else None for d in shape]
    n = (int(np.prod(sizes)) if None not in sizes else None) if axis is None else sizes[axis]
    if n is None:
        return True
    if axis is None:
        indices, axis = indices.ravel(), 0
    ordered = np.sort(np.mod(indices, max(n, 1)), axis=axis)
    return bool(np.any(np.diff(ordered, axis=axis) == 0))


__all__ = ["at", "set_at", "scatter_like", "write", "reduce_writes", "put_along_axis"]


def _max_of(counts):
    from ..ops.reduce import reduce_max
    return reduce_max(counts, axes=tuple(range(counts.ndim))) if counts.ndim else counts

