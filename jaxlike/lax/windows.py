"""``jax.lax``'s windowed reductions (re-exported by ``jaxlike.lax``): ``reduce_window`` (add, max, min, mul
over sliding windows, with padding, strides, base and window dilation), ``padtype_to_pads`` and
``reduce_window_shape_tuple``; and the window machinery ``conv.py`` and Theano's pooling share: ``pad_dilate``
(lax.pad's edge, negative and interior padding) and ``stack_windows`` (the windows as new trailing axes, from
one strided slice per window offset and axis).

Everything here is a composite of slices, concatenation, reshapes and reductions, so gradients of every
order, vmap, every backend and the reference interpreter come with the primitives. Window slices carry
constant bounds (``x[i : -(k-1-i) or None : s]``), so sizes stay symbolic: one compiled function serves every
input size. A front-end module: imports core and the jaxlike.numpy front end.
"""

import builtins
import operator

import numpy as np

from ..core.errors import ConcretizationError
from ..core.graph import Var
from ..core.types import is_known
from .. import numpy as jnp

__all__ = ["reduce_window", "padtype_to_pads", "reduce_window_shape_tuple"]


# -- argument checks ---------------------------------------------------------------------------------------
def int_tuple(value, n, what, fname, minimum=1, default=1):
    """``value`` as a tuple of ``n`` Python ints >= ``minimum`` (None gives ``default`` everywhere)."""
    if value is None:
        return (default,) * n
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = (value,) * n
    try:
        items = tuple(value)
    except TypeError:
        raise TypeError(f"{fname}: {what} must be a sequence of {n} ints, got {value!r}") from None
    if len(items) != n:
        raise ValueError(f"{fname}: {what} must have {n} entries (one per dimension it applies to), got "
                         f"{len(items)}: {value!r}")
    out = []
    for v in items:
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise TypeError(f"{fname}: {what} must hold integers, got {v!r} ({type(v).__name__}) in {value!r}")
        if v < minimum:
            raise ValueError(f"{fname}: {what} must be >= {minimum}, got {value!r}")
        out.append(int(v))
    return tuple(out)


def _concrete_size(d, fname, why):
    """``d`` as a Python int. A symbolic size raises ConcretizationError, which under ``compile`` makes the
    tracer specialize on sizes (and elsewhere, e.g. in a Theano graph, says what needed the size)."""
    if is_known(d):
        return int(d)
    try:
        return int(d)
    except ConcretizationError as e:
        raise ConcretizationError(f"{fname}: {why} must be known, but it is the symbolic size {d!r} ({e})") \
            from None


def padtype_to_pads(in_shape, window_shape, window_strides, padding):
    """JAX's ``lax.padtype_to_pads``: (lo, hi) per dimension for 'VALID', 'SAME' (the odd pad element at the
    end) or 'SAME_LOWER' (at the start). 'SAME' with stride 1 needs no concrete size; with a larger stride
    it reads the size (under ``compile`` that specializes on it)."""
    if not isinstance(padding, str):
        raise TypeError(f"padtype_to_pads: padding must be 'VALID', 'SAME' or 'SAME_LOWER', got {padding!r}")
    kind = padding.upper()
    if kind == "VALID":
        return [(0, 0)] * len(window_shape)
    if kind not in ("SAME", "SAME_LOWER"):
        raise ValueError(f"padding must be 'VALID', 'SAME', 'SAME_LOWER' or a sequence of (low, high) pairs, "
                         f"got {padding!r}")
    pads = []
    for n, k, s in zip(in_shape, window_shape, window_strides):
        if s == 1:
            total = k - 1    # ceil(n / 1) = n for every n: no size needed
        else:
            n = _concrete_size(n, "padtype_to_pads", f"padding={padding!r} with stride {s}")
            total = max(0, (-(-n // s) - 1) * s + k - n)
        lo = total // 2 if kind == "SAME" else total - total // 2
        pads.append((lo, total - lo))
    return pads


def explicit_pads(padding, n, fname):
    """A sequence of ``n`` (lo, hi) int pairs (negative allowed) from the user's ``padding``."""
    try:
        pairs = [tuple(p) for p in padding]
    except TypeError:
        raise TypeError(f"{fname}: padding must be 'VALID', 'SAME', 'SAME_LOWER' or a sequence of {n} "
                        f"(low, high) pairs, got {padding!r}") from None
    if len(pairs) != n or any(len(p) != 2 for p in pairs):
        raise ValueError(f"{fname}: padding must hold {n} (low, high) pairs, got {padding!r}")
    for p in pairs:
        for v in p:
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
                raise TypeError(f"{fname}: padding must hold integers, got {v!r} in {padding!r}")
    return [(int(lo), int(hi)) for lo, hi in pairs]


# -- padding and dilation with a fill value -----------------------------------------------------------------
def _fill_like(ref, ax, width, value):
    """An array of ``value`` shaped as ``ref`` with ``width`` (None: unchanged) along axis ``ax``."""
    shape = tuple(width if i == ax and width is not None else d for i, d in enumerate(ref.shape))
    return jnp.broadcast_to(jnp.asarray(value, ref.dtype), shape)


def pad_dilate(x, value, config):
    """lax.pad: ``config`` holds (lo, hi, interior_stride) per axis; ``interior_stride`` d puts d - 1 fill
    values between neighbours (XLA's interior padding + 1), then lo/hi fill values go at the ends (a negative
    one removes elements). The fill is ``value`` (a scalar, possibly traced)."""
    out = x
    for ax, (lo, hi, d) in enumerate(config):
        if d > 1:
            fill = _fill_like(out, ax, None, value)
            stacked = jnp.stack([out] + [fill] * (d - 1), axis=ax + 1)
            merged = list(out.shape)
            merged[ax] = -1
            out = jnp.reshape(stacked, tuple(merged))
            out = out[(slice(None),) * ax + (slice(None, -(d - 1)),)]
        if lo < 0 or hi < 0:
            out = out[(slice(None),) * ax + (slice(-lo if lo < 0 else None, hi if hi < 0 else None),)]
        parts = [_fill_like(out, ax, width, value) if width > 0 else None for width in (lo, hi)]
        if parts[0] is not None or parts[1] is not None:
            out = jnp.concatenate([p for p in (parts[0], out, parts[1]) if p is not None], axis=ax)
    return out


# -- windows ------------------------------------------------------------------------------------------------
def window_bounds(k, stride, dilation=1):
    """The slice, along one axis, holding element i of every whole window, for each offset i < k: constant
    bounds, so the size stays symbolic (floor((n - span) / stride) + 1 windows; partial ones are dropped)."""
    span = (k - 1) * dilation + 1
    return [slice(i * dilation, -(span - 1 - i * dilation) or None, stride) for i in range(k)]


def stack_windows(x, per_axis):
    """The windows of ``x`` gathered into its LAST axis, which must not be a window axis: ``per_axis`` holds
    (axis, slices) pairs (slices from ``window_bounds``); each pair's slices are concatenated along the last
    axis, so it grows by the window size. After offsets i1 along the first pair's axis, ..., im along the
    last's, element (i1, ..., im, l) of a window sits at last-axis index ((im * k(m-1) + ...) * k1 + i1) * L + l
    (L the original last size): reshaped, the last axes are (km, ..., k1, L), row-major.
    NOTE: axis by axis (k1 + k2 slices for a k1 x k2 window, not k1 * k2) and concatenated along an existing
    axis (one copy of each slice, no reshape per slice): the graph and numba's compile time grow with the
    window's sides, and the patches are contiguous for the GEMM."""
    out = x
    for ax, slices in per_axis:
        if ax in (-1, out.ndim - 1):
            raise ValueError("stack_windows: the last axis collects the windows; it cannot be a window axis")
        lead = (slice(None),) * ax
        parts = [out[lead + (sl,)] for sl in slices]
        out = parts[0] if len(parts) == 1 else jnp.concatenate(parts, axis=out.ndim - 1)
    return out


# -- reduce_window --------------------------------------------------------------------------------------------
def _reducer_table():
    """Functions ``reduce_window`` recognizes, by identity: Python's operators, numpy's and jaxlike's ufuncs,
    and whatever ``jaxlike.lax`` defines under lax's names (add, mul, max, min)."""
    table = {operator.add: "add", operator.mul: "mul", builtins.max: "max", builtins.min: "min",
             np.add: "add", np.multiply: "mul", np.maximum: "max", np.minimum: "min",
             jnp.add: "add", jnp.multiply: "mul", jnp.maximum: "max", jnp.minimum: "min"}
    from .. import lax
    for name, kind in (("add", "add"), ("mul", "mul"), ("max", "max"), ("min", "min")):
        fn = getattr(lax, name, None)
        if callable(fn):
            table[fn] = kind
    return table


_REDUCE = {"add": jnp.sum, "mul": jnp.prod, "max": jnp.max, "min": jnp.min}
_COMBINE = {"add": jnp.add, "mul": jnp.multiply, "max": jnp.maximum, "min": jnp.minimum}


def _identity(kind, dtype):
    """The monoid's identity in ``dtype``: what padding and dilation holes contribute (nothing)."""
    if kind in ("add", "mul"):
        return np.asarray(0 if kind == "add" else 1).astype(dtype)
    if dtype.kind == "f":
        return np.asarray(-np.inf if kind == "max" else np.inf).astype(dtype)
    if dtype.kind == "b":
        return np.asarray(kind == "min")
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return np.asarray(info.min if kind == "max" else info.max).astype(dtype)
    raise TypeError(f"reduce_window: {kind} over {dtype} operands is not supported")


def _is_identity(init, identity):
    if isinstance(init, Var):
        return False
    v = np.asarray(init)
    return v.shape == () and v.item() == identity.item()


def reduce_window(operand, init_value, computation, window_dimensions, window_strides=None, padding="VALID",
                  base_dilation=None, window_dilation=None):
    """JAX's ``lax.reduce_window`` for the four monoids: ``computation`` is add, mul, max or min (``lax.add``,
    ``jnp.maximum``, ``operator.add``, ``max``...). ``init_value`` starts each
    reduction (-inf for max pooling, 0 for sum pooling). As XLA computes it, padding and base-dilation holes
    contribute nothing and a non-identity init is combined in once per window (JAX's results).
    Max/min's gradient splits each window's cotangent equally among the elements that tie for the window's
    extreme (JAX picks one), so every window passes on its whole cotangent."""
    table = _reducer_table()
    kind = table.get(computation) if _hashable(computation) else None
    if kind is None:
        raise TypeError(f"reduce_window: computation must be one of add, mul, max, min (lax.add, lax.max, "
                        f"lax.min, lax.mul, jnp.add, jnp.maximum, jnp.minimum, jnp.multiply, operator.add, "
                        f"operator.mul, max, min), got {computation!r}")
    x = jnp.asarray(operand) if not isinstance(operand, Var) else operand
    nd = x.ndim
    if isinstance(init_value, Var):
        if init_value.ndim != 0:
            raise TypeError(f"reduce_window: init_value must be a scalar, got shape {init_value.shape}")
    elif np.ndim(init_value) != 0:
        raise TypeError(f"reduce_window: init_value must be a scalar, got shape {np.shape(init_value)}")
    window = int_tuple(window_dimensions, nd, "window_dimensions", "reduce_window", minimum=1)
    strides = int_tuple(window_strides, nd, "window_strides", "reduce_window", minimum=1)
    base = int_tuple(base_dilation, nd, "base_dilation", "reduce_window", minimum=1)
    wdil = int_tuple(window_dilation, nd, "window_dilation", "reduce_window", minimum=1)
    spans = [(k - 1) * r + 1 for k, r in zip(window, wdil)]
    if isinstance(padding, str):
        dilated = [_dilated_size(d, b, s) for d, b, s in zip(x.shape, base, strides)]
        pads = padtype_to_pads(dilated, spans, strides, padding)
    else:
        pads = explicit_pads(padding, nd, "reduce_window")
    init = init_value if isinstance(init_value, Var) else np.asarray(init_value).astype(x.dtype)
    identity = _identity(kind, np.dtype(x.dtype))
    xp = pad_dilate(x, identity, [(lo, hi, b) for (lo, hi), b in zip(pads, base)])
    axes = [ax for ax in range(nd) if window[ax] > 1 or strides[ax] > 1]
    out = xp
    if axes:
        # NOTE: one reduction over all of a window's elements (not axis by axis), so ties split evenly
        out = stack_windows(jnp.expand_dims(xp, nd), [(ax, window_bounds(window[ax], strides[ax], wdil[ax]))
                                                       for ax in axes])
        out = _REDUCE[kind](out, axis=nd)
    if not _is_identity(init_value, identity):
        out = _COMBINE[kind](out, init)
    return out if not hasattr(out, "astype") or out.dtype == x.dtype else out.astype(x.dtype)


def _hashable(fn):
    try:
        hash(fn)
        return True
    except TypeError:
        return False


def _dilated_size(d, b, stride):
    """The size after base dilation ``b``, for string padding, which reads it only where ``stride`` > 1."""
    if b == 1 or (stride == 1 and not is_known(d)):
        return d
    d = _concrete_size(d, "reduce_window", f"string padding with stride {stride}")
    return 0 if d == 0 else (d - 1) * b + 1


def reduce_window_shape_tuple(operand_shape, window_dimensions, window_strides, padding, base_dilation=None,
                              window_dilation=None):
    """The output shape of ``reduce_window`` for a concrete ``operand_shape`` and explicit (lo, hi) pads."""
    nd = len(operand_shape)
    base = int_tuple(base_dilation, nd, "base_dilation", "reduce_window_shape_tuple")
    wdil = int_tuple(window_dilation, nd, "window_dilation", "reduce_window_shape_tuple")
    pads = explicit_pads(padding, nd, "reduce_window_shape_tuple")
    out = []
    for n, k, s, (lo, hi), b, r in zip(operand_shape, window_dimensions, window_strides, pads, base, wdil):
        padded = (0 if n == 0 else (n - 1) * b + 1) + lo + hi
        span = (k - 1) * r + 1
        out.append(max(0, (padded - span) // s + 1) if padded >= span else 0)
    return tuple(out)
