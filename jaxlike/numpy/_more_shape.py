"""More shape and layout functions with numpy's signatures: stacking and splitting (dstack, column_stack,
append, array_split, hsplit/vsplit/dsplit), repetition (tile, repeat, kron), reordering (flip, rot90, roll,
rollaxis), pad, cross, and sorting (sort, argsort, partition, take_along_axis); diagonals and triangles are
in ``_diagonals``.

Plain arrays go straight to numpy. Traced values compose slice/concatenate/reshape/broadcast_to, ``take`` with
constant indices, and the ``ops.sort`` primitives; all are linear in the data, so gradients are exact. Functions
whose result shape depends on a size they cannot name symbolically (tile over two symbolic axes, array_split,
pad with reflection...) read that size as an int: under ``compile`` that specializes the trace to concrete
shapes, which is automatic. roll, tile and repeat keep symbolic sizes otherwise.
"""

import operator

import numpy as np

from ..core.types import is_known, dims_equal, dim_prod
from ..ops import layout as L
from ..ops import index as I
from ..ops import sort as S
from ..ops import math as om
from ..ops._rules import normalize_axis, normalize_axes
from ..core.graph import Var, const
from ._base import asarray_or_var, as_var, is_traced, ndim, shape, dtype_of
from . import _shape as _sh
from ._diagonals import positions_along
from ._pad_ramp import python_end_values, ramp_block


def _int(d):
    # NOTE: int() of a symbolic size raises ConcretizationError; compile() then retraces with concrete shapes.
    return int(d)


def _all(arrays):
    arrays = [asarray_or_var(a) for a in arrays]
    return arrays, is_traced(*arrays)


def _keep(y, like_shape):
    """Re-assert a shape that a slice left symbolic (reversing a symbolic axis keeps its size)."""
    if len(y.shape) == len(like_shape) and all(dims_equal(a, b) for a, b in zip(y.shape, like_shape)):
        return y
    return L.reshape(y, shape=tuple(like_shape))


# -- dims and stacking -------------------------------------------------------------------------------------
def atleast_3d(*arys):
    """Views with at least three dimensions: (N,) -> (1, N, 1), (M, N) -> (M, N, 1), as numpy."""
    out = []
    for a in arys:
        a = asarray_or_var(a)
        if not is_traced(a):
            out.append(np.atleast_3d(a))
            continue
        nd = ndim(a)
        if nd == 0:
            a = _sh.reshape(a, (1, 1, 1))
        elif nd == 1:
            a = _sh.reshape(a, (1,) + tuple(shape(a)) + (1,))
        elif nd == 2:
            a = _sh.reshape(a, tuple(shape(a)) + (1,))
        out.append(a)
    return out[0] if len(out) == 1 else out


def rollaxis(a, axis, start=0):
    """Move ``axis`` to before position ``start`` (numpy's older spelling of moveaxis)."""
    a = asarray_or_var(a)
    if not is_traced(a):
        return np.rollaxis(a, axis, start)
    n = ndim(a)
    axis = normalize_axis(axis, n)
    if not -n <= start <= n:
        raise np.exceptions.AxisError(f"rollaxis: start {start} is out of bounds for rank {n} (allowed "
                                      f"-{n} <= start <= {n})")
    start = start % (n + 1) if start < 0 else start
    if axis < start:
        start -= 1
    if axis == start:
        return a
    order = [i for i in range(n) if i != axis]
    order.insert(start, axis)
    return _sh.transpose(a, order)


def dstack(tup):
    arrays, traced = _all(tup)
    if not traced:
        return np.dstack(arrays)
    return _sh.concatenate([atleast_3d(a) for a in arrays], axis=2)


def column_stack(tup):
    """1-D arrays become columns; 2-D arrays are joined as they are."""
    arrays, traced = _all(tup)
    if not traced:
        return np.column_stack(arrays)
    cols = [_sh.reshape(a, tuple(shape(a)) + (1,)) if ndim(a) < 2 else a for a in arrays]
    cols = [_sh.reshape(c, (1, 1)) if ndim(c) == 1 else c for c in cols]
    return _sh.concatenate(cols, axis=1)


def append(arr, values, axis=None):
    arr, values = asarray_or_var(arr), asarray_or_var(values)
    if not is_traced(arr, values):
        return np.append(arr, values, axis=axis)
    if axis is None:
        return _sh.concatenate([_sh.ravel(arr), _sh.ravel(values)], axis=0)
    return _sh.concatenate([arr, values], axis=axis)


def array_split(ary, indices_or_sections, axis=0):
    """Split into sections; unlike ``split``, the sections need not be equal (the first ones get one more)."""
    ary = asarray_or_var(ary)
    if not is_traced(ary):
        return np.array_split(ary, indices_or_sections, axis=axis)
    ax = normalize_axis(axis, ndim(ary))
    if isinstance(indices_or_sections, (int, np.integer)):
        sections = int(indices_or_sections)
        if sections <= 0:
            raise ValueError("array_split: number sections must be larger than 0")
        each, extra = divmod(_int(shape(ary)[ax]), sections)
        sizes = [each + 1] * extra + [each] * (sections - extra)
        bounds = list(np.cumsum([0] + sizes))
    else:
        bounds = [0] + [int(i) for i in indices_or_sections] + [None]
    full = (slice(None),) * ax
    return [ary[full + (slice(lo, hi),)] for lo, hi in zip(bounds[:-1], bounds[1:])]


def _split_along(ary, indices_or_sections, axis, fname, min_ndim):
    ary = asarray_or_var(ary)
    if ndim(ary) < min_ndim:
        raise ValueError(f"{fname} only works on arrays of {min_ndim} or more dimensions (got {ndim(ary)})")
    return _sh.split(ary, indices_or_sections, axis=axis) if is_traced(ary) else \
        np.split(ary, indices_or_sections, axis=axis)


def hsplit(ary, indices_or_sections):
    return _split_along(ary, indices_or_sections, 1 if ndim(asarray_or_var(ary)) > 1 else 0, "hsplit", 1)


def vsplit(ary, indices_or_sections):
    return _split_along(ary, indices_or_sections, 0, "vsplit", 2)


def dsplit(ary, indices_or_sections):
    return _split_along(ary, indices_or_sections, 2, "dsplit", 3)


# -- repetition ------------------------------------------------------------------------------------------------
def tile(A, reps):
    """Repeat the whole array ``reps`` times per axis (broadcast in an interleaved shape, then merge)."""
    A = asarray_or_var(A)
    if not is_traced(A):
        return np.tile(A, reps)
    reps = tuple(operator.index(r) for r in np.atleast_1d(reps))  # NOTE: numpy's TypeError for 2.7
    if any(r < 0 for r in reps):
        raise ValueError(f"tile: negative repetitions in {reps}")
    nd = max(ndim(A), len(reps))
    reps = (1,) * (nd - len(reps)) + reps
    dims = (1,) * (nd - ndim(A)) + tuple(shape(A))
    if all(r == 1 for r in reps):
        return _sh.reshape(A, dims)
    x = _sh.reshape(A, tuple(v for d in dims for v in (1, d)))
    x = _sh.broadcast_to(x, tuple(v for r, d in zip(reps, dims) for v in (r, d)))
    return _merged(x, list(zip(reps, dims)))


def _merged(x, pairs):
    """``x`` (shaped as the broadcast (r, d) pairs, in order) with each pair merged into one axis of size
    r * d: a product of sizes (DimProd) where d is symbolic, so one trace serves every shape, 0 included."""
    return L.reshape(x, shape=tuple(dim_prod([r, d]) for r, d in pairs))


def repeat(a, repeats, axis=None):
    """Repeat each element ``repeats`` times (an int, or one count per element along ``axis``)."""
    a = asarray_or_var(a)
    if is_traced(repeats):
        raise TypeError("repeat: traced repeat counts give a data-dependent shape; pass concrete counts")
    if not is_traced(a):
        return np.repeat(a, repeats, axis=axis)
    if axis is None:
        a, axis = _sh.ravel(a), 0
    ax = normalize_axis(axis, ndim(a))
    counts = np.asarray(repeats)
    if counts.dtype.kind not in "iub":
        raise TypeError(f"repeat: repeats must be integers, got {counts.dtype}")
    n = shape(a)[ax]
    if counts.ndim == 0 or counts.size == 1:
        r = int(counts.reshape(()))
        if r < 0:
            raise ValueError("repeat: negative dimensions are not allowed")
        if r == 1:
            return a
        dims = tuple(shape(a))
        x = _sh.reshape(a, dims[:ax + 1] + (1,) + dims[ax + 1:])
        x = _sh.broadcast_to(x, dims[:ax + 1] + (r,) + dims[ax + 1:])
        return _merged(x, [(1, d) for d in dims[:ax]] + [(r, n)] + [(1, d) for d in dims[ax + 1:]])
    if counts.ndim != 1 or counts.size != _int(n):
        raise ValueError(f"repeat: repeats of shape {counts.shape} do not match axis {ax} of size {n}")
    if np.any(counts < 0):
        raise ValueError("repeat: negative dimensions are not allowed")
    return I.take(a, const(np.repeat(np.arange(_int(n)), counts)), axis=ax)


def kron(a, b):
    """Kronecker product: block (i, j, ...) is a[i, j, ...] * b (ranks aligned by prepending 1s)."""
    a, b = asarray_or_var(a), asarray_or_var(b)
    if not is_traced(a, b):
        return np.kron(a, b)
    nd = max(ndim(a), ndim(b))
    sa = (1,) * (nd - ndim(a)) + tuple(shape(a))
    sb = (1,) * (nd - ndim(b)) + tuple(shape(b))
    xa = _sh.reshape(a, tuple(v for d in sa for v in (d, 1)))
    xb = _sh.reshape(b, tuple(v for d in sb for v in (1, d)))
    return _merged(xa * xb, list(zip(sa, sb)))


# -- reordering ----------------------------------------------------------------------------------------------------
def flip(m, axis=None):
    """Reverse the order of elements along ``axis`` (all axes when None)."""
    m = asarray_or_var(m)
    if not is_traced(m):
        return np.flip(m, axis)
    axes = normalize_axes(axis, ndim(m))
    if not axes:
        return m
    index = tuple((None, None, -1) if i in axes else (None, None, None) for i in range(ndim(m)))
    return _keep(L.slice_(m, index=index), shape(m))


def fliplr(m):
    if ndim(asarray_or_var(m)) < 2:
        raise ValueError("fliplr: input must be >= 2-d")
    return flip(m, 1)


def flipud(m):
    if ndim(asarray_or_var(m)) < 1:
        raise ValueError("flipud: input must be >= 1-d")
    return flip(m, 0)


def rot90(m, k=1, axes=(0, 1)):
    """Rotate by 90 degrees ``k`` times in the plane of ``axes`` (from the first toward the second)."""
    m = asarray_or_var(m)
    if not is_traced(m):
        return np.rot90(m, k, axes)
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError("rot90: len(axes) must be 2")
    nd = ndim(m)
    a0, a1 = normalize_axis(axes[0], nd), normalize_axis(axes[1], nd)
    if a0 == a1:
        raise ValueError("rot90: axes must be different")
    k %= 4
    if k == 0:
        return m
    if k == 2:
        return flip(flip(m, a0), a1)
    perm = list(range(nd))
    perm[a0], perm[a1] = perm[a1], perm[a0]
    if k == 1:
        return _sh.transpose(flip(m, a1), perm)
    return flip(_sh.transpose(m, perm), a1)


def roll(a, shift, axis=None):
    """Shift elements cyclically along ``axis`` (the flattened array when None); shift and axis may be tuples.
    A symbolic size stays symbolic: the elements are gathered from positions (i - shift) mod n."""
    a = asarray_or_var(a)
    if not is_traced(a):
        return np.roll(a, shift, axis)
    if axis is None:
        return _sh.reshape(roll(_sh.ravel(a), shift, 0), tuple(shape(a)))
    if isinstance(shift, Var) and not shift.is_const:   # NOTE: a traced shift (Theano's T.roll(x, k)), as JAX
        if shift.ndim != 0 or shift.dtype.kind not in "iu":
            raise TypeError(f"roll: a traced shift must be an integer scalar, got {shift.type!r}")
        return _gathered_roll(a, om.convert(shift, dtype=np.dtype(np.int64)), normalize_axis(int(axis), ndim(a)))
    shifts, axes = np.broadcast_arrays(np.atleast_1d(shift), np.atleast_1d(axis))
    total = {}
    for s, ax in zip(shifts.tolist(), axes.tolist()):
        ax = normalize_axis(int(ax), ndim(a))
        total[ax] = total.get(ax, 0) + int(s)
    for ax, s in total.items():
        n = shape(a)[ax]
        if not is_known(n):
            a = _gathered_roll(a, const(np.int64(s)), ax)
            continue
        s = s % n if n else 0
        if s == 0:
            continue
        full = (slice(None),) * ax
        a = _sh.concatenate([a[full + (slice(n - s, None),)], a[full + (slice(None, n - s),)]], axis=ax)
    return a


def _gathered_roll(a, shift, ax):
    """``a`` rolled by ``shift`` (an int64 scalar of the graph) along ``ax``: element i is gathered from
    (i - shift) mod n, for a size n that may be symbolic."""
    from ..ops.reduce import count
    return I.take(a, om.mod(om.sub(positions_along(shape(a)[ax]), shift), count(a, (ax,), np.int64)), axis=ax)


# -- pad -------------------------------------------------------------------------------------------------------------
_INDEX_MODES = ("edge", "reflect", "symmetric", "wrap")


def pad(array, pad_width, mode="constant", **kwargs):
    """numpy's pad for modes constant (``constant_values``, traced ones too), edge, reflect, symmetric (even
    or odd reflections, ``_pad_odd``), wrap, linear_ramp (``end_values``), maximum, minimum, mean and
    median (``stat_length`` too), and empty (zeros). Axes are padded in order, so corners follow numpy's rules."""
    array = asarray_or_var(array)
    if not is_traced(array, asarray_or_var(kwargs.get("constant_values", 0))):
        return np.pad(array, pad_width, mode=mode, **kwargs)
    array = as_var(array)
    nd = ndim(array)
    if isinstance(pad_width, dict):     # numpy 2.3: {axis: width or (before, after)}, other axes unpadded
        pad_width = [pad_width.get(ax, pad_width.get(ax - nd, 0)) for ax in range(nd)]
        pad_width = [(w, w) if np.ndim(w) == 0 else tuple(w) for w in pad_width]
    widths = _per_axis(pad_width, nd, "pad_width", np.int64)
    if np.any(widths < 0):
        raise ValueError(f"pad: index can't contain negative values, got pad_width={pad_width!r}")
    allowed = {"constant": {"constant_values"}, "linear_ramp": {"end_values"}, "reflect": {"reflect_type"},
               "symmetric": {"reflect_type"}, "maximum": {"stat_length"}, "minimum": {"stat_length"},
               "mean": {"stat_length"}, "median": {"stat_length"}}
    if mode not in allowed and mode not in _INDEX_MODES and mode != "empty":
        raise ValueError(f"pad: mode {mode!r} is not supported; use one of constant, edge, reflect, symmetric, "
                         "wrap, linear_ramp, maximum, minimum, mean, median, empty")
    unexpected = set(kwargs) - allowed.get(mode, set())
    if unexpected:
        raise ValueError(f"pad: unsupported keyword arguments for mode {mode!r}: {sorted(unexpected)}")
    odd = kwargs.get("reflect_type", "even")
    if odd not in ("even", "odd"):
        raise ValueError(f"pad: reflect_type must be 'even' or 'odd', got {odd!r}")
    odd = odd == "odd"
    lengths = kwargs.get("stat_length")
    if lengths is not None:
        lengths = _per_axis(lengths, nd, "stat_length", np.int64)
        if np.any(lengths < 0):
            raise ValueError("pad: index can't contain negative values (stat_length)")
        if mode not in ("mean", "median") and np.any(lengths == 0):
            raise ValueError("pad: stat_length of 0 yields no value for padding")
    values = kwargs.get("constant_values", kwargs.get("end_values", 0))
    if is_traced(asarray_or_var(values)) and mode == "constant":
        values = _sh.broadcast_to(asarray_or_var(values), (nd, 2))
    else:
        # NOTE: no cast to float here: an int64 constant past 2**53, or a complex one, must reach astype intact
        values = _per_axis(values, nd, "constant_values", None)
        if mode == "linear_ramp" and python_end_values(kwargs.get("end_values", 0)):
            values = values.tolist()
    out = array
    for ax in range(nd):
        before, after = (int(w) for w in widths[ax])
        if before == 0 and after == 0:
            continue
        if odd:
            from ._pad_odd import odd_block
            if is_known(shape(out)[ax]) and shape(out)[ax] == 0:
                raise ValueError(f"pad: can't extend empty axis {ax} using modes other than 'constant' or 'empty'")
            out = _sh.concatenate([p for p in (odd_block(out, ax, -before, 0, mode), out,
                                               odd_block(out, ax, 0, after, mode)) if p is not None], axis=ax)
            continue
        if mode in _INDEX_MODES:
            n = shape(out)[ax]
            if not is_known(n):
                out = _sh.concatenate([p for p in (_index_block(out, ax, -before, 0, mode), out,
                                                   _index_block(out, ax, 0, after, mode)) if p is not None],
                                      axis=ax)
                continue
            if n == 0:
                raise ValueError(f"pad: can't extend empty axis {ax} using modes other than 'constant' or 'empty'")
            idx = np.pad(np.arange(n), (before, after), mode=mode)
            out = I.take(out, const(idx), axis=ax)
            continue
        stat = (None, None) if lengths is None else (int(lengths[ax][0]), int(lengths[ax][1]))
        out = _sh.concatenate([p for p in (_pad_block(out, ax, before, mode, values[ax][0], True, stat[0]), out,
                                           _pad_block(out, ax, after, mode, values[ax][1], False, stat[1]))
                               if p is not None], axis=ax)
    return out


def _index_block(x, ax, start, stop, mode):
    """The ``stop - start`` entries that pad mode ``mode`` puts at positions start..stop-1 relative to the ends
    of axis ``ax`` (negative: before the first entry; from 0: after the last), for a symbolic length n. The
    source of each is a function of its position and n alone (numpy's repeated reflections are periodic), so
    one trace serves every n; an empty axis gives out-of-range positions, which ``take`` reports."""
    if start == stop:
        return None
    from ..ops.reduce import size_of
    n = size_of(x, axes=(ax,), dtype=np.dtype(np.int64))
    j = const(np.arange(start, stop, dtype=np.int64))
    if stop > 0:
        j = om.add(j, n)
    one, two = const(np.int64(1)), const(np.int64(2))
    if mode == "edge":
        src = om.minimum(om.maximum(j, const(np.int64(0))), om.sub(n, one))
    elif mode == "wrap":
        src = om.mod(j, n)
    else:
        # NOTE: symmetric repeats the edge (period 2n), reflect does not (period 2n - 2, and 1 when n is 1)
        period = om.mul(n, two) if mode == "symmetric" else om.maximum(om.sub(om.mul(n, two), two), one)
        m = om.mod(j, period)
        last = om.sub(period, one) if mode == "symmetric" else period
        src = om.select(om.lt(m, n), m, om.sub(last, m))
    return I.take(x, src, axis=ax)


def _per_axis(value, nd, what, cast):
    try:
        return np.broadcast_to(np.asarray(value, dtype=cast), (nd, 2))
    except ValueError:
        raise ValueError(f"pad: {what}={value!r} cannot be broadcast to ({nd}, 2) (one (before, after) per "
                         "axis)") from None


def _pad_block(x, ax, width, mode, value, at_start, stat_length=None):
    if width == 0:
        return None
    dims = tuple(width if i == ax else d for i, d in enumerate(shape(x)))
    dt = dtype_of(x)
    if mode in ("constant", "empty"):
        if is_traced(value):
            from ._elementwise import astype
            return _sh.broadcast_to(astype(value, dt), dims)
        return _sh.broadcast_to(const(np.asarray(0 if mode == "empty" else value).astype(dt)), dims)
    from . import _reductions as R
    if mode == "linear_ramp":
        return ramp_block(_edge(x, ax, at_start), ax, width, value, at_start, dims)
    from ._statistics import median
    stat = {"maximum": R.max, "minimum": R.min, "mean": R.mean, "median": median}[mode]
    if stat_length is not None:     # the statistic of the stat_length entries nearest this end (all, if fewer)
        k = stat_length
        x = x[(slice(None),) * ax + (slice(0, k) if at_start or not k else slice(-k, None),)]
    v = stat(x, axis=ax, keepdims=True)
    if dt.kind in "iu" and mode in ("mean", "median"):
        v = om.convert(_rint_for_mean(v), dtype=dt)
    return _sh.broadcast_to(v, dims)


def _edge(x, ax, first):
    """The first (or last) slice of x along ax, typed with size 1 there (a slice of a symbolic size is not)."""
    piece = x[(slice(None),) * ax + ((slice(0, 1) if first else slice(-1, None)),)]
    return _sh.reshape(piece, tuple(1 if i == ax else d for i, d in enumerate(shape(x))))


def _rint_for_mean(v):
    from ._more_elementwise import rint
    return rint(v)


# -- cross ---------------------------------------------------------------------------------------------------------
def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cross product of 3-vectors (2-vectors have z = 0; two 2-vectors give the z component only)."""
    a, b = asarray_or_var(a), asarray_or_var(b)
    if not is_traced(a, b):
        return np.cross(a, b, axisa, axisb, axisc, axis)
    if axis is not None:
        axisa = axisb = axisc = axis
    a = _sh.moveaxis(a, normalize_axis(axisa, ndim(a)), -1)
    b = _sh.moveaxis(b, normalize_axis(axisb, ndim(b)), -1)
    na, nb = shape(a)[-1], shape(b)[-1]
    if na not in (2, 3) or nb not in (2, 3):
        raise ValueError(f"cross: incompatible dimensions for cross product (dimension must be 2 or 3), got "
                         f"{na} and {nb}")
    a0, a1 = a[..., 0], a[..., 1]
    b0, b1 = b[..., 0], b[..., 1]
    if na == 2 and nb == 2:
        return a0 * b1 - a1 * b0
    a2 = a[..., 2] if na == 3 else None
    b2 = b[..., 2] if nb == 3 else None
    cx = (a1 * b2 if b2 is not None else 0) - (a2 * b1 if a2 is not None else 0)
    cy = (a2 * b0 if a2 is not None else 0) - (a0 * b2 if b2 is not None else 0)
    cz = a0 * b1 - a1 * b0
    out = _sh.stack(_sh.broadcast_arrays(cx, cy, cz), axis=-1)
    return _sh.moveaxis(out, -1, normalize_axis(axisc, ndim(out)))


# -- sorting -------------------------------------------------------------------------------------------------------
def argsort(a, axis=-1, kind=None, order=None, *, stable=None, descending=False):
    """Indices that sort ``a`` (always stable, so ties keep their order, also with JAX's ``descending``); an
    integer result, no gradient."""
    a = asarray_or_var(a)
    _no_order(order, "argsort")
    if descending:      # NOTE: JAX's: reversed indices of the reversed array, so equal values keep their order
        a, ax = (_sh.ravel(a), 0) if axis is None else (a, normalize_axis(axis, ndim(a)))
        n = shape(a)[ax] if is_known(shape(a)[ax]) else _count(a, ax)
        return n - 1 - flip(argsort(flip(a, ax), ax), ax)
    if not is_traced(a):
        return np.argsort(a, axis=axis, kind="stable")
    if axis is None:
        a, axis = _sh.ravel(a), 0
    ax = normalize_axis(axis, ndim(a))
    if dtype_of(a).kind != "c":
        return S.argsort(a, axis=ax)
    # NOTE: numpy's complex order: by real part, ties by imaginary part (NaNs last in each): two stable sorts
    by_imag = S.argsort(om.imag(a), axis=ax)
    return S.take_along(by_imag, S.argsort(S.take_along(om.real(a), by_imag, axis=ax), axis=ax), axis=ax)


def _no_order(order, fname):
    if order is not None:
        raise ValueError(f"{fname}: order= applies to structured arrays, which jaxlike does not support")


def sort(a, axis=-1, kind=None, order=None, *, stable=None, descending=False):
    """Sorted copy along ``axis`` (flattened when None; largest first with JAX's ``descending``). The gradient
    sends each output's cotangent to the element that was placed there (a stable sort), as JAX does."""
    a = asarray_or_var(a)
    _no_order(order, "sort")
    if descending:
        return flip(sort(a, axis=axis), axis=None if axis is None else axis)
    if not is_traced(a):
        return np.sort(a, axis=axis, kind=kind, stable=stable)
    if axis is None:
        a, axis = _sh.ravel(a), 0
    ax = normalize_axis(axis, ndim(a))
    return S.take_along(a, argsort(a, axis=ax), axis=ax)


def msort(a):
    """Sort along the first axis (removed from numpy 2; kept for old code)."""
    return sort(a, axis=0)


def _check_kth(kth, n, fname):
    for k in np.atleast_1d(kth).tolist():
        if not -n <= int(k) < n:
            raise ValueError(f"{fname}: kth(={k}) out of bounds ({n})")


def partition(a, kth, axis=-1, kind="introselect", order=None):
    """A valid partition: every element before position ``kth`` is <= the element there and every one after
    is >=. It is the full sort (a legal partition), so its values may order differently inside the two
    parts than numpy's; the gradient follows the elements, as sort's."""
    a = asarray_or_var(a)
    _no_order(order, "partition")
    if not is_traced(a):
        return np.partition(a, kth, axis=axis, kind=kind)
    if axis is None:
        a, axis = _sh.ravel(a), 0
    ax = normalize_axis(axis, ndim(a))
    _check_kth(kth, _int(shape(a)[ax]), "partition")
    return sort(a, axis=ax)


def argpartition(a, kth, axis=-1, kind="introselect", order=None):
    """Indices of a valid partition (those of the full stable sort; see ``partition``)."""
    a = asarray_or_var(a)
    _no_order(order, "argpartition")
    if not is_traced(a):
        return np.argpartition(a, kth, axis=axis, kind=kind)
    if axis is None:
        a, axis = _sh.ravel(a), 0
    ax = normalize_axis(axis, ndim(a))
    _check_kth(kth, _int(shape(a)[ax]), "argpartition")
    return argsort(a, axis=ax)


def take_along_axis(arr, indices, axis=-1):
    """out[..., i, ...] = arr[..., indices[..., i, ...], ...]; the other axes broadcast, negatives wrap."""
    arr, indices = asarray_or_var(arr), asarray_or_var(indices)
    if not is_traced(arr, indices):
        return np.take_along_axis(arr, indices, axis=axis)
    if dtype_of(indices).kind not in "iu":
        raise IndexError(f"take_along_axis: indices must be integers, got {dtype_of(indices)}")
    if axis is None:
        arr, axis = _sh.ravel(arr), 0
        if ndim(indices) != 1:
            raise ValueError("take_along_axis: when axis=None, indices must be one-dimensional")
    if ndim(indices) != ndim(arr):
        raise ValueError(f"take_along_axis: indices and arr must have the same number of dimensions "
                         f"(got {ndim(indices)} and {ndim(arr)})")
    ax = normalize_axis(axis, ndim(arr))
    sa, si = list(shape(arr)), list(shape(indices))
    from ..ops._rules import broadcast_shapes
    common = list(broadcast_shapes(tuple(d for i, d in enumerate(sa) if i != ax),
                                   tuple(d for i, d in enumerate(si) if i != ax)))
    arr = _sh.broadcast_to(arr, tuple(common[:ax]) + (sa[ax],) + tuple(common[ax:]))
    indices = _sh.broadcast_to(indices, tuple(common[:ax]) + (si[ax],) + tuple(common[ax:]))
    n = shape(arr)[ax]
    if dtype_of(indices).kind == "i":
        size = n if is_known(n) else _count(arr, ax)
        # NOTE: below -n left as is, for take_along to refuse: wrapped, -n-1 became -1 (take_along reads it)
        indices = om.select(om.logical_and(om.lt(indices, 0), om.ge(indices, -size)), indices + size, indices)
    return S.take_along(arr, indices, axis=ax)


def _count(x, ax):
    from ..ops.reduce import count
    return count(x, (ax,), np.int64)
