"""``jax.lax``'s dynamic slices: ``dynamic_slice``, ``dynamic_update_slice`` and their ``_in_dim`` and
``_index_in_dim`` forms, with traced starts (JAX's rule: a negative start counts from the end, then each is
clamped so the window fits). Built from the core's gather and the numpy front end's ``.at`` writes."""

import numpy as np

from ..core.graph import Var, as_var
from ..core.types import is_known, dims_equal
from ..core.errors import user_frame, where
from ..ops.layout import reshape
from ..ops.math import convert, select as _select
from ..ops.index import take
from ..ops.reduce import size_of
from ..ops.scan import positions
from .control import _leaf_var, _clip


def dynamic_slice(operand, start_indices, slice_sizes):
    """``jax.lax.dynamic_slice``: the window of ``slice_sizes`` starting at ``start_indices`` (traced ints
    allowed), a negative start counting from the end and each start clamped so the window fits, as in JAX."""
    x = _leaf_var(operand, "dynamic_slice: operand")
    starts = list(start_indices)
    sizes = [int(k) if is_known(k) else k for k in slice_sizes]
    if len(starts) != x.ndim or len(sizes) != x.ndim:
        raise TypeError(f"dynamic_slice: operand of rank {x.ndim} needs {x.ndim} start indices and slice sizes, "
                        f"got {len(starts)} and {len(sizes)}" + where(user_frame()))
    _check_window("dynamic_slice", "slice size", x, starts, sizes)
    if _concrete(x, *starts):
        window = tuple(slice(c, c + k) for c, k in zip(_clamped(starts, x.value.shape, sizes), sizes))
        return np.array(x.value[window], copy=True)
    for axis, (s, size) in enumerate(zip(starts, sizes)):
        n = x.shape[axis]
        if dims_equal(size, n):
            continue    # NOTE: the whole axis (the only way a symbolic size can be a slice size)
        n_v = as_var(np.int64(n)) if is_known(n) else size_of(x, axes=(axis,), dtype=np.dtype("int64"))
        # NOTE: a symbolic size is another array's (dynamic_update_slice's update, an argument of compile):
        # the window is 0..size-1 of that size; one larger than the axis fails in take, naming both
        offsets = as_var(np.arange(size, dtype=np.int64)) if is_known(size) else positions(size)
        size_v = size if is_known(size) else size.value(specialize=False)
        start = convert(_leaf_var(s, "dynamic_slice: start index"), dtype="int64")
        start = _clip(_select(start < 0, start + n_v, start), n_v - size_v)
        x = take(x, start + offsets, axis=axis)
    return x


def dynamic_update_slice(operand, update, start_indices):
    """``jax.lax.dynamic_update_slice``: ``operand`` with the window at ``start_indices`` replaced by ``update``
    (starts as in ``dynamic_slice``: negative ones from the end, clamped so the window fits)."""
    from ..numpy._at import write
    x = _leaf_var(operand, "dynamic_update_slice: operand")
    u = _leaf_var(update, "dynamic_update_slice: update")
    if u.ndim != x.ndim:
        raise TypeError(f"dynamic_update_slice: update of rank {u.ndim} for an operand of rank {x.ndim}")
    sizes = [int(d) if is_known(d) else d for d in u.shape]
    _check_window("dynamic_update_slice", "update size", x, list(start_indices), sizes)
    if _concrete(x, u, *start_indices):
        out = np.array(x.value, copy=True)
        window = tuple(slice(c, c + k) for c, k in zip(_clamped(start_indices, out.shape, sizes), sizes))
        out[window] = u.value
        return out
    return write(lambda z: dynamic_slice(z, start_indices, sizes), x, u)


def _check_window(fname, what, x, starts, sizes):
    """JAX's TypeErrors for a window larger than its axis and a start that is not an integer, checked before the
    eager path too: it cut the window to fit (dynamic_slice of 5 rows from 4 gave 4) or failed in numpy's
    broadcast, and truncated a float start."""
    for axis, (size, n) in enumerate(zip(sizes, x.shape)):
        if is_known(size) and is_known(n) and size > n:
            raise TypeError(f"{fname}: {what} {size} is larger than axis {axis} of size {n}" + where(user_frame()))
    for s in starts:
        if isinstance(s, (float, np.floating, bool, np.bool_)) or \
                isinstance(s, (Var, np.ndarray)) and s.dtype.kind not in "iu":
            kind = s.type if isinstance(s, Var) else type(s).__name__
            raise TypeError(f"{fname}: start indices must be integers, got {kind}" + where(user_frame()))


def _concrete(*values):
    return not any(isinstance(v, Var) and not v.is_const for v in values)


def _clamped(starts, shape, sizes):
    """JAX's starts: a negative one counts from the end, then each is clamped so its window fits."""
    out = []
    for s, n, k in zip(starts, shape, sizes):
        s = int(np.asarray(s.value if isinstance(s, Var) else s))
        out.append(int(np.clip(s + n if s < 0 else s, 0, max(n - k, 0))))
    return out


def dynamic_slice_in_dim(operand, start_index, slice_size, axis=0):
    x = _leaf_var(operand, "dynamic_slice_in_dim: operand")
    starts = [0] * x.ndim
    starts[axis] = start_index
    sizes = list(x.shape)
    sizes[axis] = slice_size
    return dynamic_slice(x, starts, sizes)


def dynamic_index_in_dim(operand, index, axis=0, keepdims=True):
    y = dynamic_slice_in_dim(operand, index, 1, axis)
    return y if keepdims else reshape(y, shape=tuple(d for k, d in enumerate(y.shape) if k != axis))


def dynamic_update_slice_in_dim(operand, update, start_index, axis):
    x = _leaf_var(operand, "dynamic_update_slice_in_dim: operand")
    starts = [0] * x.ndim
    starts[axis] = start_index
    return dynamic_update_slice(x, update, starts)


def dynamic_update_index_in_dim(operand, update, index, axis):
    x = _leaf_var(operand, "dynamic_update_index_in_dim: operand")
    u = _leaf_var(update, "dynamic_update_index_in_dim: update")
    if u.ndim == x.ndim - 1:
        # NOTE: a constant update is reshaped as an array: reshape of a constant Var is a graph node, which
        # made the eager result an unevaluated Var
        shape = tuple(u.shape[:axis]) + (1,) + tuple(u.shape[axis:])
        u = np.reshape(u.value, shape) if u.is_const else reshape(u, shape=shape)
    return dynamic_update_slice_in_dim(x, u, index, axis)


__all__ = ["dynamic_slice", "dynamic_update_slice", "dynamic_slice_in_dim", "dynamic_index_in_dim",
           "dynamic_update_slice_in_dim", "dynamic_update_index_in_dim"]
