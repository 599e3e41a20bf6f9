"""``jax.lax``'s general gather and scatters (re-exported by ``jaxlike.lax``): ``gather``, ``scatter``,
``scatter_add``, ``scatter_sub``, ``scatter_mul``, ``scatter_min``, ``scatter_max``, ``scatter_apply``, with
``GatherDimensionNumbers``, ``ScatterDimensionNumbers`` and ``GatherScatterMode``.

Every form lowers onto one flat read: the operand raveled and, for each element of a gather's result (or of a
scatter's updates), its position in that raveled operand, computed from the start indices, the window offsets
and the batching dimensions. A gather is ``take`` at those positions, so its gradient is ``scatter_add``'s and
vmap batches it as it batches ``take``; ``scatter_add`` is the ``scatter_add`` primitive at them. The other
scatters sort the positions so that each operand element sees its updates together: ``scatter`` keeps the last
one (JAX leaves the winner unspecified; its CPU backend, like numpy, keeps the last), ``scatter_min``/``max``
the extreme one and ``scatter_mul`` a segmented product. Out-of-range windows are clamped (``CLIP``, and a
gather's ``PROMISE_IN_BOUNDS``, as XLA does), filled (a gather's ``FILL_OR_DROP``) or sent to one extra slot
past the operand's end that is then dropped (a scatter's ``FILL_OR_DROP`` and ``PROMISE_IN_BOUNDS``).
``indices_are_sorted`` and ``unique_indices`` are accepted as hints and unused (so ``scatter_mul``
differentiates with repeated indices, where JAX asks for ``unique_indices=True``); ``ONE_HOT`` mode is refused.
A front-end module: imports core, ops and jaxlike.numpy."""

import enum
import operator
from typing import NamedTuple, Sequence

import numpy as np

from ..core.graph import as_var
from ..core.errors import user_frame, where as _at
from ..ops.index import scatter_add as _scatter_add_p
from .. import numpy as jnp
from ..numpy._base import is_traced
from .elementwise import _array, _dtype, _is_python_scalar
from .reductions import associative_scan

__all__ = ["GatherDimensionNumbers", "ScatterDimensionNumbers", "GatherScatterMode", "gather", "scatter",
           "scatter_add", "scatter_sub", "scatter_mul", "scatter_min", "scatter_max", "scatter_apply"]


def _here():
    return _at(user_frame())


class GatherDimensionNumbers(NamedTuple):
    """How a gather's operand, start indices and result relate (XLA's fields; the index vector is always the
    last dimension of the start indices)."""
    offset_dims: Sequence[int]
    collapsed_slice_dims: Sequence[int]
    start_index_map: Sequence[int]
    operand_batching_dims: Sequence[int] = ()
    start_indices_batching_dims: Sequence[int] = ()


class ScatterDimensionNumbers(NamedTuple):
    """How a scatter's operand, indices and updates relate (XLA's fields; the index vector is always the last
    dimension of the indices)."""
    update_window_dims: Sequence[int]
    inserted_window_dims: Sequence[int]
    scatter_dims_to_operand_dims: Sequence[int]
    operand_batching_dims: Sequence[int] = ()
    scatter_indices_batching_dims: Sequence[int] = ()


class GatherScatterMode(enum.Enum):
    """What an out-of-range index does: ``CLIP`` clamps the window into range; ``FILL_OR_DROP`` fills a
    gathered window with ``fill_value`` and drops a scattered one; ``PROMISE_IN_BOUNDS`` clamps gathers and
    drops scatters (XLA's behaviour). ``ONE_HOT`` is JAX's too, and refused by jaxlike."""
    CLIP = 1
    FILL_OR_DROP = 2
    PROMISE_IN_BOUNDS = 3
    ONE_HOT = 4

    @staticmethod
    def from_any(s):
        if isinstance(s, GatherScatterMode):
            return s
        if s == "clip":
            return GatherScatterMode.CLIP
        if s is None or s == "fill" or s == "drop":
            return GatherScatterMode.FILL_OR_DROP
        if s == "promise_in_bounds":
            return GatherScatterMode.PROMISE_IN_BOUNDS
        if s == "one_hot":
            return GatherScatterMode.ONE_HOT
        raise ValueError(f'Unknown gather mode "{s}"')


def _mode(fname, mode, default):
    if mode is None:
        mode = default
    elif not isinstance(mode, GatherScatterMode):
        try:
            mode = GatherScatterMode.from_any(mode)
        except ValueError:
            raise ValueError(f"lax.{fname}: mode must be 'clip', 'fill', 'drop', 'promise_in_bounds' or a "
                             f"GatherScatterMode, got {mode!r}{_here()}") from None
    if mode is GatherScatterMode.ONE_HOT:
        raise NotImplementedError(f"lax.{fname}: mode=ONE_HOT is not supported by jaxlike (use CLIP, "
                                  f"FILL_OR_DROP or PROMISE_IN_BOUNDS){_here()}")
    return mode


# -- checks -----------------------------------------------------------------------------------------------------
def _ints(seq, fname, what):
    try:
        return tuple(operator.index(d) for d in seq)
    except TypeError:
        raise TypeError(f"lax.{fname}: {what} must be a sequence of integers, got {seq!r}{_here()}") from None


def _dimset(seq, n, fname, what, sorted_=True):
    dims = _ints(seq, fname, what)
    for d in dims:
        if not 0 <= d < n:
            raise ValueError(f"lax.{fname}: {what} {dims} has {d}, out of range for rank {n}{_here()}")
    if len(set(dims)) != len(dims):
        raise ValueError(f"lax.{fname}: {what} {dims} repeats a dimension{_here()}")
    if sorted_ and list(dims) != sorted(dims):
        raise ValueError(f"lax.{fname}: {what} must be sorted, got {dims}{_here()}")
    return dims


def _sizes(x):
    # NOTE: int() of a symbolic size asks compile() to retrace with concrete sizes
    return tuple(int(d) for d in jnp.shape(x))


def _indices(x, fname, what):
    x = _array(x, fname, 1)
    x = np.asarray(x) if _is_python_scalar(x) else x
    if _dtype(x).kind not in "iu":
        raise TypeError(f"lax.{fname}: {what} must be integers, got dtype {_dtype(x)}{_here()}")
    if jnp.ndim(x) < 1:
        raise ValueError(f"lax.{fname}: {what} needs an index-vector (last) dimension, got a scalar; add a "
                         f"trailing dimension of size 1{_here()}")
    return jnp.astype(x, np.int64) if _dtype(x) != np.int64 else x


def _check_batching(fname, op_shape, idx_shape, op_batch, idx_batch, names):
    op_name, idx_name = names
    if len(op_batch) != len(idx_batch):
        raise ValueError(f"lax.{fname}: {op_name} {op_batch} and {idx_name} {idx_batch} must have the same "
                         f"length{_here()}")
    for a, b in zip(op_batch, idx_batch):
        if op_shape[a] != idx_shape[b]:
            raise ValueError(f"lax.{fname}: batching dimension {a} of the operand has size {op_shape[a]} but "
                             f"dimension {b} of the indices has size {idx_shape[b]}{_here()}")


# -- the flat positions -----------------------------------------------------------------------------------------
def _positions(op_shape, idx, index_map, collapsed, op_batch, idx_batch, sizes, clip):
    """For start indices ``idx`` (shape ``B + (K,)``) and window sizes ``sizes`` (one per operand dimension):
    each window element's position in the raveled operand, shape ``B + W`` (W: the window dimensions that are
    neither collapsed nor batching, in operand order), and, unless ``clip``, whether each window lies wholly in
    range (shape ``B``; its positions are clamped, so every one is a valid position)."""
    b_shape = _sizes(idx)[:-1]
    nb = len(b_shape)
    window = [d for d in range(len(op_shape)) if d not in collapsed and d not in op_batch]
    nd = nb + len(window)
    strides = [int(np.prod(op_shape[d + 1:], dtype=np.int64)) for d in range(len(op_shape))]

    def along(values, at):
        return np.asarray(values, np.int64).reshape(tuple(-1 if k == at else 1 for k in range(nd)))

    flat, ok = np.zeros((1,) * nd, np.int64), None
    for k, d in enumerate(index_map):
        s = idx[..., k]
        hi = op_shape[d] - sizes[d]
        if not clip:
            inside = (s >= 0) & (s <= hi)
            ok = inside if ok is None else ok & inside
        s = jnp.clip(s, 0, hi)
        flat = flat + jnp.reshape(s * strides[d], b_shape + (1,) * len(window))
    for d, j in zip(op_batch, idx_batch):
        flat = flat + along(np.arange(op_shape[d]) * strides[d], j)
    for j, d in enumerate(window):
        flat = flat + along(np.arange(sizes[d]) * strides[d], nb + j)
    return jnp.broadcast_to(flat, b_shape + tuple(sizes[d] for d in window)), ok


def _default_fill(dtype):
    if dtype.kind in "fc":
        return np.nan
    if dtype.kind == "i":
        return np.iinfo(dtype).min
    if dtype.kind == "u":
        return np.iinfo(dtype).max
    return True


def gather(operand, start_indices, dimension_numbers, slice_sizes, *, unique_indices=False,
           indices_are_sorted=False, mode=None, fill_value=None):
    """XLA's gather: for each index vector of ``start_indices`` (its last dimension), the window of
    ``slice_sizes`` starting there (``start_index_map`` says which operand dimension each index entry
    starts), with ``collapsed_slice_dims`` removed and batching dimensions paired. ``mode`` None is JAX's
    default, ``PROMISE_IN_BOUNDS`` (clamped, as XLA does); ``FILL_OR_DROP`` gives ``fill_value`` (NaN for
    floats, the minimum signed, maximum unsigned integer, True) for windows not wholly in range. Negative
    indices do not wrap. ``unique_indices`` and ``indices_are_sorted`` are hints, unused."""
    fname = "gather"
    x = _array(operand, fname, 0)
    x = np.asarray(x) if _is_python_scalar(x) else x
    mode = _mode(fname, mode, GatherScatterMode.PROMISE_IN_BOUNDS)
    idx = _indices(start_indices, fname, "start_indices")
    if not isinstance(dimension_numbers, GatherDimensionNumbers):
        raise TypeError(f"lax.gather: dimension_numbers must be a GatherDimensionNumbers, got "
                        f"{type(dimension_numbers).__name__}{_here()}")
    dn = dimension_numbers
    op_shape, idx_shape = _sizes(x), _sizes(idx)
    r, nb = len(op_shape), len(idx_shape) - 1
    sizes = _ints(slice_sizes, fname, "slice_sizes")
    if len(sizes) != r:
        raise ValueError(f"lax.gather: slice_sizes must have one entry per operand dimension ({r}), got "
                         f"{sizes}{_here()}")
    for d, (s, n) in enumerate(zip(sizes, op_shape)):
        if not 0 <= s <= n:
            raise ValueError(f"lax.gather: slice_sizes[{d}] = {s} must be in [0, {n}] (operand shape "
                             f"{op_shape}){_here()}")
    collapsed = _dimset(dn.collapsed_slice_dims, r, fname, "collapsed_slice_dims")
    op_batch = _dimset(dn.operand_batching_dims, r, fname, "operand_batching_dims")
    index_map = _dimset(dn.start_index_map, r, fname, "start_index_map", sorted_=False)
    idx_batch = _dimset(dn.start_indices_batching_dims, nb, fname, "start_indices_batching_dims", sorted_=False)
    _check_batching(fname, op_shape, idx_shape, op_batch, idx_batch,
                    ("operand_batching_dims", "start_indices_batching_dims"))
    for name, dims in (("collapsed_slice_dims", collapsed), ("operand_batching_dims", op_batch)):
        for d in dims:
            if sizes[d] != 1:
                raise ValueError(f"lax.gather: {name} has {d}, whose slice size must be 1, got "
                                 f"slice_sizes[{d}] = {sizes[d]}{_here()}")
    if set(collapsed) & set(op_batch) or set(index_map) & set(op_batch):
        raise ValueError(f"lax.gather: operand_batching_dims {op_batch} must not appear in "
                         f"collapsed_slice_dims {collapsed} or start_index_map {index_map}{_here()}")
    if len(index_map) != idx_shape[-1]:
        raise ValueError(f"lax.gather: start_index_map {index_map} must have one entry per element of the index "
                         f"vector (start_indices.shape[-1] = {idx_shape[-1]}){_here()}")
    n_window = r - len(collapsed) - len(op_batch)
    offset_dims = _dimset(dn.offset_dims, n_window + nb, fname, "offset_dims")
    if len(offset_dims) != n_window:
        raise ValueError(f"lax.gather: offset_dims {offset_dims} must have one entry per operand dimension that "
                         f"is neither collapsed nor batching ({n_window}){_here()}")
    clip = mode is not GatherScatterMode.FILL_OR_DROP
    flat, ok = _positions(op_shape, idx, index_map, collapsed, op_batch, idx_batch, sizes, clip)
    out = jnp.take(jnp.ravel(x), flat, axis=0)
    if ok is not None:
        dt = _dtype(x)
        fill = _default_fill(dt) if fill_value is None else fill_value
        ok = jnp.reshape(ok, idx_shape[:-1] + (1,) * n_window)
        out = jnp.where(ok, out, np.asarray(fill).astype(dt))
    rest = iter(range(nb))
    perm = [nb + offset_dims.index(p) if p in offset_dims else next(rest) for p in range(nb + n_window)]
    return jnp.transpose(out, perm) if perm != sorted(perm) else out


# -- scatters ---------------------------------------------------------------------------------------------------
def _segment_add(values, positions, n):
    """zeros(n) with ``values`` added at ``positions`` (repeats accumulate)."""
    if is_traced(values, positions):
        return _scatter_add_p(as_var(values), as_var(positions), axis=0, shape=(n,))
    values = np.asarray(values)
    out = np.zeros(n, values.dtype)
    np.add.at(out, np.asarray(positions), values)
    return out


def _scatter_form(fname, operand, indices, updates, dn, mode):
    """Checked arguments as (operand, its shape, flat positions (size n; N past the end for a dropped window),
    flat updates), for an operand of N elements."""
    x = _array(operand, fname, 0)
    x = np.asarray(x) if _is_python_scalar(x) else x
    mode = _mode(fname, mode, GatherScatterMode.FILL_OR_DROP)
    idx = _indices(indices, fname, "scatter_indices")
    if not isinstance(dn, ScatterDimensionNumbers):
        raise TypeError(f"lax.{fname}: dimension_numbers must be a ScatterDimensionNumbers, got "
                        f"{type(dn).__name__}{_here()}")
    u = _array(updates, fname, 2)
    dt = _dtype(x)
    if _is_python_scalar(u):
        u = np.asarray(u).astype(dt)
    elif _dtype(u) != dt:
        raise TypeError(f"lax.{fname} requires arguments to have the same dtypes, got {dt} (operand) and "
                        f"{_dtype(u)} (updates){_here()}")
    op_shape, idx_shape, u_shape = _sizes(x), _sizes(idx), _sizes(u)
    r, nb = len(op_shape), len(idx_shape) - 1
    window_dims = _dimset(dn.update_window_dims, len(u_shape), fname, "update_window_dims")
    inserted = _dimset(dn.inserted_window_dims, r, fname, "inserted_window_dims")
    op_batch = _dimset(dn.operand_batching_dims, r, fname, "operand_batching_dims")
    index_map = _dimset(dn.scatter_dims_to_operand_dims, r, fname, "scatter_dims_to_operand_dims",
                        sorted_=False)
    idx_batch = _dimset(dn.scatter_indices_batching_dims, nb, fname, "scatter_indices_batching_dims",
                        sorted_=False)
    _check_batching(fname, op_shape, idx_shape, op_batch, idx_batch,
                    ("operand_batching_dims", "scatter_indices_batching_dims"))
    if set(inserted) & set(op_batch) or set(index_map) & set(op_batch):
        raise ValueError(f"lax.{fname}: operand_batching_dims {op_batch} must not appear in "
                         f"inserted_window_dims {inserted} or scatter_dims_to_operand_dims {index_map}{_here()}")
    if len(index_map) != idx_shape[-1]:
        raise ValueError(f"lax.{fname}: scatter_dims_to_operand_dims {index_map} must have one entry per element "
                         f"of the index vector (scatter_indices.shape[-1] = {idx_shape[-1]}){_here()}")
    window = [d for d in range(r) if d not in inserted and d not in op_batch]
    if len(window) != len(window_dims):
        raise ValueError(f"lax.{fname}: update_window_dims {window_dims} must have one entry per operand "
                         f"dimension that is neither inserted nor batching ({len(window)}){_here()}")
    scatter_dims = [d for d in range(len(u_shape)) if d not in window_dims]
    if tuple(u_shape[d] for d in scatter_dims) != idx_shape[:-1]:
        raise ValueError(f"lax.{fname}: updates of shape {u_shape} have scatter dimensions of sizes "
                         f"{tuple(u_shape[d] for d in scatter_dims)}, which must be the index batch shape "
                         f"{idx_shape[:-1]} (scatter_indices shape {idx_shape}){_here()}")
    sizes = [1] * r
    for d, w in zip(window, window_dims):
        sizes[d] = u_shape[w]
        if sizes[d] > op_shape[d]:
            raise ValueError(f"lax.{fname}: update window dimension {w} has size {sizes[d]}, larger than operand "
                             f"dimension {d} ({op_shape[d]}){_here()}")
    clip = mode is GatherScatterMode.CLIP
    flat, ok = _positions(op_shape, idx, index_map, inserted, op_batch, idx_batch, sizes, clip)
    n_all = int(np.prod(op_shape, dtype=np.int64))
    if ok is not None:
        flat = jnp.where(jnp.reshape(ok, idx_shape[:-1] + (1,) * len(window)), flat, n_all)
    u = jnp.transpose(u, scatter_dims + list(window_dims))
    return x, op_shape, jnp.ravel(flat), jnp.ravel(u)


def _counted(dt):
    # NOTE: booleans combine as integers (add is OR, mul is AND once converted back), as XLA's bool scatters
    return np.dtype(np.int64) if dt == np.bool_ else dt


def _placed(values, pos, n, op_shape):
    return jnp.reshape(_segment_add(values, pos, n + 1)[:n], op_shape)


def _back(out, dt):
    return (out != 0) if dt == np.bool_ else out


def scatter_add(operand, scatter_indices, updates, dimension_numbers, *, indices_are_sorted=False,
                unique_indices=False, mode=None):
    """``operand`` with ``updates`` added at the windows that ``scatter_indices`` start (repeats accumulate;
    out-of-range windows are dropped unless ``mode='clip'``)."""
    x, shp, pos, u = _scatter_form("scatter_add", operand, scatter_indices, updates, dimension_numbers, mode)
    dt = _dtype(x)
    n = int(np.prod(shp, dtype=np.int64))
    return _back(jnp.astype(x, _counted(dt)) + _placed(jnp.astype(u, _counted(dt)), pos, n, shp), dt)


def scatter_sub(operand, scatter_indices, updates, dimension_numbers, *, indices_are_sorted=False,
                unique_indices=False, mode=None):
    """``operand`` with ``updates`` subtracted at the windows (repeats accumulate)."""
    x, shp, pos, u = _scatter_form("scatter_sub", operand, scatter_indices, updates, dimension_numbers, mode)
    if _dtype(x) == np.bool_:
        raise TypeError(f"lax.scatter_sub does not accept dtype bool{_here()}")
    n = int(np.prod(shp, dtype=np.int64))
    return x - _placed(u, pos, n, shp)


def _sorted_by_position(pos, u, key=None):
    """Positions and updates reordered so that each position's updates are together, in their order (or
    ascending by ``key``, NaN last); and where each run of one position starts and ends."""
    order = jnp.argsort(pos)
    if key is not None:
        by_key = jnp.argsort(key)
        order = jnp.take(by_key, jnp.argsort(jnp.take(pos, by_key, axis=0)), axis=0)
    ps, us = jnp.take(pos, order, axis=0), jnp.take(u, order, axis=0)
    change = ps[1:] != ps[:-1]
    true = np.ones((1,), bool)
    return ps, us, jnp.concatenate([true, change]), jnp.concatenate([change, true])


def scatter(operand, scatter_indices, updates, dimension_numbers, *, indices_are_sorted=False,
            unique_indices=False, mode=None):
    """``operand`` with its windows at ``scatter_indices`` replaced by ``updates``. Where windows overlap the
    last update wins (and alone gets the gradient), as on JAX's CPU backend (JAX leaves it unspecified)."""
    x, shp, pos, u = _scatter_form("scatter", operand, scatter_indices, updates, dimension_numbers, mode)
    if int(jnp.shape(u)[0]) == 0:
        return x
    dt = _dtype(x)
    n = int(np.prod(shp, dtype=np.int64))
    ps, us, _, last = _sorted_by_position(pos, jnp.astype(u, _counted(dt)))
    hit = _placed(jnp.astype(last, np.int64), ps, n, shp) > 0
    placed = _back(_placed(jnp.where(last, us, np.zeros((), _counted(dt))), ps, n, shp), dt)
    return jnp.where(hit, placed, x)


def _extreme(fname, operand, scatter_indices, updates, dimension_numbers, mode, largest):
    x, shp, pos, u = _scatter_form(fname, operand, scatter_indices, updates, dimension_numbers, mode)
    dt = _dtype(x)
    if dt.kind == "c":
        raise TypeError(f"lax.{fname} does not accept complex dtype {dt}{_here()}")
    if int(jnp.shape(u)[0]) == 0:
        return x
    n = int(np.prod(shp, dtype=np.int64))
    ci = _counted(dt)
    ps, us, first, last = _sorted_by_position(pos, jnp.astype(u, ci), jnp.astype(u, np.int8) if dt == np.bool_
                                              else u)
    pick = last if largest else first
    hit = _placed(jnp.astype(pick, np.int64), ps, n, shp) > 0
    best = _back(_placed(jnp.where(pick, us, np.zeros((), ci)), ps, n, shp), dt)
    if dt.kind == "f":
        # NOTE: a NaN among a position's updates makes the result NaN, as lax.max/min propagate it
        nan_in = _placed(jnp.astype(jnp.isnan(u), np.int64), pos, n, shp) > 0
        best = jnp.where(nan_in, np.asarray(np.nan, dt), best)
    combine = jnp.maximum if largest else jnp.minimum
    res = jnp.where(hit, combine(x, best), x)
    if dt.kind != "f" or not is_traced(x, u):
        return res
    # NOTE: the value is res; the gradient is shared equally by every candidate equal to it (the operand
    # element and the updates), as JAX's scatter_max/min gradients are
    from .control import stop_gradient
    res = stop_gradient(res)
    res_ext = jnp.concatenate([jnp.ravel(res), np.zeros((1,), dt)])
    eq_u = (u == jnp.take(res_ext, pos, axis=0)) & (pos < n)
    eq_x = x == res
    zero = np.zeros((), dt)
    num = _placed(jnp.where(eq_u, u, zero), pos, n, shp) + jnp.where(eq_x, x, zero)
    den = _placed(jnp.astype(eq_u, dt), pos, n, shp) + jnp.astype(eq_x, dt)
    return res + (num - stop_gradient(num)) / jnp.maximum(den, np.ones((), dt))


def scatter_max(operand, scatter_indices, updates, dimension_numbers, *, indices_are_sorted=False,
                unique_indices=False, mode=None):
    """``operand`` with each windowed element replaced by the maximum of it and its updates (NaN propagates;
    tied candidates share the gradient, as in JAX)."""
    return _extreme("scatter_max", operand, scatter_indices, updates, dimension_numbers, mode, True)


def scatter_min(operand, scatter_indices, updates, dimension_numbers, *, indices_are_sorted=False,
                unique_indices=False, mode=None):
    """``operand`` with each windowed element replaced by the minimum of it and its updates (NaN propagates;
    tied candidates share the gradient, as in JAX)."""
    return _extreme("scatter_min", operand, scatter_indices, updates, dimension_numbers, mode, False)


def scatter_mul(operand, scatter_indices, updates, dimension_numbers, *, indices_are_sorted=False,
                unique_indices=False, mode=None):
    """``operand`` with each windowed element multiplied by all of its updates (a segmented product, exact
    for integers). Differentiable with repeated indices too (JAX refuses gradients unless
    ``unique_indices=True``)."""
    x, shp, pos, u = _scatter_form("scatter_mul", operand, scatter_indices, updates, dimension_numbers, mode)
    if int(jnp.shape(u)[0]) == 0:
        return x
    dt = _dtype(x)
    ci = _counted(dt)
    n = int(np.prod(shp, dtype=np.int64))
    ps, us, _, last = _sorted_by_position(pos, jnp.astype(u, ci))

    def step(a, b):
        same = a[0] == b[0]
        return b[0], jnp.where(same, a[1] * b[1], b[1])
    _, prods = associative_scan(step, (ps, us))
    hit = _placed(jnp.astype(last, np.int64), ps, n, shp) > 0
    factor = _placed(jnp.where(last, prods, np.zeros((), ci)), ps, n, shp)
    return _back(jnp.where(hit, jnp.astype(x, ci) * factor, jnp.astype(x, ci)), dt)


def scatter_apply(operand, scatter_indices, func, dimension_numbers, *, update_shape=(),
                  indices_are_sorted=False, unique_indices=False, mode=None):
    """``operand`` with ``func`` (element-wise) applied to the elements in the windows. ``update_shape`` is
    the shape updates would have. An element in several windows gets ``func`` once (JAX's CPU backend
    applies it once per window)."""
    shape = _ints(update_shape, "scatter_apply", "update_shape")
    x = _array(operand, "scatter_apply", 0)
    x = np.asarray(x) if _is_python_scalar(x) else x
    dt = _dtype(x)
    marks = np.zeros(shape, dt)
    _, shp, pos, _ = _scatter_form("scatter_apply", x, scatter_indices, marks, dimension_numbers, mode)
    n = int(np.prod(shp, dtype=np.int64))
    hit = _placed(np.ones(int(np.prod(shape, dtype=np.int64)), np.int64), pos, n, shp) > 0
    applied = func(x)
    if _dtype(applied) != dt:
        applied = jnp.astype(applied, dt)
    return jnp.where(hit, applied, x)
