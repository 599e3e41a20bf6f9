"""``theano.tensor.signal.pool``: ``pool_2d`` (Theano 1.0's max / sum / average pooling of the last two axes,
with ``ignore_border``, strides and padding) and ``max_pool_2d_same_size``. Pooling is a composite of strided
slices gathered in a new axis and one reduction (``jaxlike.lax.windows``), so gradients, compilation and
every backend come with it, and sizes stay symbolic (one compiled function serves every image size).

Max pooling's gradient: each window's cotangent is split equally among the elements that tie for its
maximum, so every window passes on exactly its cotangent (Theano's MaxPoolGrad gives the whole cotangent to
each tied element; JAX's to one of them). Without ties the three agree.
A front-end module: imports core, jaxlike.numpy, jaxlike.lax and the tensor front end.
"""

import warnings

import numpy as np

from ...core.types import is_known
from ... import numpy as jnp
from ...lax.windows import pad_dilate, window_bounds, stack_windows, _identity
from ..basic import as_tensor_variable
from ..conv import int_pair

__all__ = ["pool_2d", "max_pool_2d_same_size", "Pool"]

MODES = ("max", "sum", "average_inc_pad", "average_exc_pad")


def _pair(value, name):
    return int_pair(value, name, "pool_2d", single=False)


def _deprecated(new, old, new_name, old_name, default=None):
    if old is None:
        return new
    if new is not None and new != default:
        raise ValueError(f"pool_2d: you can't provide a value to both {new_name!r} and {old_name!r}; provide "
                         f"only {new_name!r}")
    warnings.warn(f"DEPRECATION: the {old_name!r} parameter of pool_2d is replaced by {new_name!r}",
                  DeprecationWarning, stacklevel=3)
    return old


def _windows(x, window, stride, ignore_border):
    """``x``'s windows over its last two axes, gathered in a new trailing axis (``x`` already padded:
    symmetrically for ignore_border=True, by max(ws, stride) - 1 at the high end otherwise). With
    ignore_border=False the number of windows is Theano's ceil((n - max(ws, stride)) / stride) + 1, from
    constant slice bounds."""
    per_axis = []
    for ax, k, s in ((x.ndim - 2, window[0], stride[0]), (x.ndim - 1, window[1], stride[1])):
        if ignore_border:
            bounds = window_bounds(k, s)
        else:
            m = max(k, s)
            bounds = [slice(i, -(2 * m - 1 - s - i) or None, s) for i in range(k)]
        per_axis.append((ax, bounds))
    return stack_windows(jnp.expand_dims(x, x.ndim), per_axis)


def _extend(x, window, stride, pad, ignore_border, fill):
    """``x`` padded for ``_windows``: ``pad`` on both sides (ignore_border=True), or enough at the high end
    for the partial windows Theano keeps (ignore_border=False)."""
    config = [(0, 0, 1)] * (x.ndim - 2)
    for ax, (k, s, p) in enumerate(zip(window, stride, pad)):
        if ignore_border:
            config.append((p, p, 1))
            continue
        hi = max(k, s) - 1
        n = x.shape[x.ndim - 2 + ax]
        if is_known(n) and s < k and n <= k - s:
            hi += k - n   # NOTE: an image smaller than the window still gives one (partial) window, as Theano's
        config.append((0, hi, 1))
    return pad_dilate(x, fill, config)


def pool_2d(input, ws=None, ignore_border=None, stride=None, pad=(0, 0), mode="max", ds=None, st=None,
            padding=None):
    """Pool the last two axes of ``input`` (rank >= 2) over ``ws`` windows moved by ``stride`` (default
    ``ws``).

    ``mode``: 'max', 'sum', 'average_inc_pad' (padding counts in the mean) or 'average_exc_pad' (only real
    elements count). ``ignore_border=True`` drops the windows that would cross the border (output
    floor((n + 2 * pad - ws) / stride) + 1); False (Theano 1.0's default, with a warning when not given)
    keeps the partial ones (ceil sizes) and needs ``pad == (0, 0)``. ``ds``/``st``/``padding`` are the
    deprecated names of ``ws``/``stride``/``pad``. Padding adds nothing to max and sums (it is skipped, as
    Theano's). With symbolic sizes and ignore_border=False, an image smaller than ws - stride gives an empty
    output where Theano gives one partial window (with a known size it gives Theano's).
    """
    ws = _deprecated(ws, ds, "ws", "ds")
    if ws is None:
        raise ValueError("pool_2d: you must provide a tuple value for the window size (ws)")
    stride = _deprecated(stride, st, "stride", "st")
    pad = _deprecated(pad, padding, "pad", "padding", default=(0, 0))
    x = as_tensor_variable(input)
    if x.ndim < 2:
        raise NotImplementedError(f"pool_2d requires an input of rank >= 2, got rank {x.ndim} ({x.type!r})")
    if mode == "max_deterministic":
        mode = "max"
    if mode not in MODES:
        raise ValueError(f"pool_2d: mode must be one of {MODES}, got {mode!r}")
    if ignore_border is None:
        warnings.warn("pool_2d: ignore_border defaults to False (Theano 1.0's default, which was to change to "
                      "True); pass ignore_border explicitly", UserWarning, stacklevel=2)
        ignore_border = False
    window = _pair(ws, "ws")
    stride = window if stride is None else _pair(stride, "stride")
    pad = _pair(pad if pad is not None else (0, 0), "pad")
    if min(window) < 1 or min(stride) < 1 or min(pad) < 0:
        raise ValueError(f"pool_2d: ws and stride must be >= 1 and pad >= 0, got ws={ws!r}, stride={stride!r}, "
                         f"pad={pad!r}")
    if pad != (0, 0) and not ignore_border:
        raise NotImplementedError("pool_2d: padding works only with ignore_border=True")
    if pad[0] >= window[0] or pad[1] >= window[1]:
        raise NotImplementedError(f"pool_2d: padding must be smaller than the window, got pad={pad} and "
                                  f"ws={window}")
    dtype = np.dtype(x.dtype)
    kind = "max" if mode == "max" else "add"
    xp = _extend(x, window, stride, pad, ignore_border, _identity(kind, dtype))
    stacked = _windows(xp, window, stride, ignore_border)
    last = x.ndim   # NOTE: one reduction over the whole window, so tied maxima share its cotangent evenly
    if mode == "max":
        return jnp.max(stacked, axis=last)
    total = jnp.sum(stacked, axis=last)
    if mode == "sum":
        return total.astype(dtype)
    if mode == "average_inc_pad" and ignore_border:
        return (total / (window[0] * window[1])).astype(dtype)
    # the number of real elements (and, for inc_pad, padding) in each window, from a mask padded alike
    mask = jnp.ones_like(x[(0,) * (x.ndim - 2)])
    # NOTE: the mask's zero padding is what leaves the pad out of average_exc_pad's count (inc_pad gets here
    # only with ignore_border=False, where pad is (0, 0) and the partial windows count their real elements)
    mask = _extend(mask, window, stride, pad, ignore_border, np.zeros((), mask.dtype))
    count = jnp.sum(_windows(mask, window, stride, ignore_border), axis=2)
    return (total / count).astype(dtype)


def max_pool_2d_same_size(input, patch_size):
    """Theano's ``max_pool_2d_same_size``: ``input``'s shape, keeping each non-overlapping patch's maximum
    where it occurs (every tied position) and zero elsewhere, including the rows and columns past the last
    whole patch."""
    from ... import api
    x = as_tensor_variable(input)
    window = _pair(patch_size, "patch_size")
    if x.ndim < 2:
        raise NotImplementedError(f"max_pool_2d_same_size requires rank >= 2, got rank {x.ndim}")

    def patches(v):
        return _windows(v, window, window, True)

    stacked, pullback = api.vjp(patches, x)
    best = jnp.max(stacked, axis=x.ndim, keepdims=True)
    # NOTE: the transpose of the slicing puts each patch element back where it came from
    (out,) = pullback(jnp.where(stacked == best, best, jnp.zeros_like(best)))
    return out


class Pool:
    """Theano's op class, as a callable: ``Pool(ignore_border, mode=...)(input, ws, stride, pad)``."""

    def __init__(self, ignore_border=False, mode="max", ndim=2):
        if ndim != 2:
            raise NotImplementedError(f"Pool: only ndim=2 is implemented, got {ndim}")
        self.ignore_border, self.mode = ignore_border, mode

    def __call__(self, input, ws, stride=None, pad=(0, 0)):
        return pool_2d(input, ws, ignore_border=self.ignore_border, stride=stride, pad=pad, mode=self.mode)
