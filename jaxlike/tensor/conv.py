"""``theano.tensor.nnet.conv2d`` (Theano 1.0's abstract 2-D convolution) and, as this module, the old
``theano.tensor.nnet.conv`` API (``conv.conv2d(input, filters, image_shape=..., filter_shape=...)``, whose
keywords this ``conv2d`` accepts too). Theano convolves for real: ``filter_flip=True`` (the default) flips the
kernel, where JAX's ``conv_general_dilated`` cross-correlates. Built on ``jaxlike.lax.conv`` (one im2col
contraction), so gradients, compilation and every backend come with it.
A front-end module: imports core, jaxlike.numpy and jaxlike.lax.
"""

import numpy as np

from ..core.types import is_known, MAY_SPECIALIZE
from .. import numpy as jnp
from ..lax.conv import conv_general_dilated
from .basic import as_tensor_variable

__all__ = ["conv2d"]


def _hint(shape, name, rank=4):
    if shape is None:
        return None
    try:
        dims = tuple(shape)
    except TypeError:
        raise TypeError(f"conv2d: {name} must be a tuple of {rank} ints or None, got {shape!r}") from None
    if len(dims) != rank:
        raise ValueError(f"conv2d: {name} must have {rank} entries, got {len(dims)}: {shape!r}")
    for d in dims:
        if d is not None and (isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d < 0):
            raise TypeError(f"conv2d: {name} entries must be non-negative ints or None, got {d!r} in {shape!r}")
    return tuple(None if d is None else int(d) for d in dims)


def _check_hint(var, hint, name, what):
    if hint is None:
        return
    for axis, (d, h) in enumerate(zip(var.shape, hint)):
        if h is not None and is_known(d) and d != h:
            raise ValueError(f"conv2d: {name}={hint} does not match the {what}'s shape {tuple(var.shape)} "
                             f"(axis {axis}: {h} vs {d})")


def int_pair(value, name, fname="conv2d", single=True):
    """``value`` as a pair of ints: a pair, or (with ``single``) one int for both dims; else a TypeError
    naming ``fname``'s argument ``name``."""
    if single and isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return (int(value), int(value))
    expected = "an int or a pair of ints" if single else "a pair of ints"
    try:
        items = tuple(value)
    except TypeError:
        raise TypeError(f"{fname}: {name} must be {expected}, got {value!r}") from None
    if len(items) != 2 or any(isinstance(v, bool) or not isinstance(v, (int, np.integer)) for v in items):
        raise TypeError(f"{fname}: {name} must be a pair of ints, got {value!r}")
    return tuple(int(v) for v in items)


def _kernel_sizes(filters, filter_shape):
    """The filters' (rows, cols): from their type, a shared variable's value, or the filter_shape hint. They
    decide how many slices the convolution takes, so they must be known to build the graph."""
    known = list(filters.shape[2:])
    if not all(is_known(d) for d in known) and hasattr(filters, "get_value"):
        value_shape = np.shape(filters.get_value(borrow=True))
        if len(value_shape) == 4:
            known = [d if is_known(d) else value_shape[2 + k] for k, d in enumerate(known)]
    if filter_shape is not None:
        known = [d if is_known(d) or filter_shape[2 + k] is None else filter_shape[2 + k]
                 for k, d in enumerate(known)]
    if not all(is_known(d) for d in known):
        if MAY_SPECIALIZE.get():
            return tuple(int(d) for d in known)   # NOTE: under compile(): asks the tracer for concrete sizes
        raise ValueError(f"conv2d: the filters' spatial size is symbolic ({filters.type!r}); pass "
                         "filter_shape=(nfilters, channels, rows, cols) (as Theano's tutorials do) or use a "
                         "shared variable for the filters")
    return tuple(int(d) for d in known)


def conv2d(input, filters, input_shape=None, filter_shape=None, border_mode="valid", subsample=(1, 1),
           filter_flip=True, image_shape=None, filter_dilation=(1, 1), num_groups=1, unshared=False, **kwargs):
    """Theano 1.0's ``conv2d``: ``input`` (batch, channels, rows, cols) and ``filters`` (nfilters,
    channels / num_groups, rows, cols) give (batch, nfilters, out rows, out cols).

    ``border_mode``: 'valid' (no padding), 'full' (every partial overlap: pad kernel span - 1), 'half' (pad
    span // 2: same size for odd kernels and stride 1), an int or a pair of ints (symmetric padding per
    axis), or a pair of (low, high) pairs. ``subsample``: strides. ``filter_dilation``: spacing of the
    kernel taps. ``filter_flip=False`` cross-correlates. ``input_shape``/``filter_shape`` (and the old
    ``image_shape``) are hints: checked against the arguments where both are known, and the filter's spatial
    size is taken from ``filter_shape`` when the filters' type leaves it symbolic.
    """
    unknown = set(kwargs) - {"imshp", "kshp", "imshp_logical", "kshp_logical", "kshp_logical_top_aligned",
                             "verbose", "version", "direction_hint", "nkern", "bsize", "dx", "dy", "unroll_batch",
                             "unroll_kern", "unroll_patch", "openmp"}
    if unknown:
        raise TypeError(f"conv2d() got unexpected keyword arguments {sorted(unknown)}")
    if unshared:
        raise NotImplementedError("conv2d: unshared=True (a separate filter per output position, 6-D filters) is "
                                  "not implemented; use unshared=False")
    if image_shape is not None:
        if input_shape is not None:
            raise ValueError("conv2d: pass input_shape or its deprecated name image_shape, not both")
        input_shape = image_shape
    input, filters = as_tensor_variable(input), as_tensor_variable(filters)
    if input.ndim != 4:
        raise TypeError(f"conv2d: input must be 4-D (batch, channels, rows, cols), got rank {input.ndim} "
                        f"({input.type!r})")
    if filters.ndim != 4:
        raise TypeError(f"conv2d: filters must be 4-D (nfilters, channels, rows, cols), got rank {filters.ndim} "
                        f"({filters.type!r})")
    input_shape, filter_shape = _hint(input_shape, "input_shape"), _hint(filter_shape, "filter_shape")
    _check_hint(input, input_shape, "input_shape", "input")
    _check_hint(filters, filter_shape, "filter_shape", "filters")
    if isinstance(num_groups, bool) or not isinstance(num_groups, (int, np.integer)) or num_groups < 1:
        raise ValueError(f"conv2d: num_groups must be a positive int, got {num_groups!r}")
    strides = int_pair(subsample, "subsample")
    dilation = int_pair(filter_dilation, "filter_dilation")
    if min(strides) < 1 or min(dilation) < 1:
        raise ValueError(f"conv2d: subsample and filter_dilation must be >= 1, got {subsample!r} and "
                         f"{filter_dilation!r}")
    kernel = _kernel_sizes(filters, filter_shape)
    nf, nc = filters.shape[0], filters.shape[1]
    if filter_shape is not None:
        nf = filter_shape[0] if not is_known(nf) and filter_shape[0] is not None else nf
        nc = filter_shape[1] if not is_known(nc) and filter_shape[1] is not None else nc
    filters = jnp.reshape(filters, (nf, nc) + kernel)
    spans = [(k - 1) * d + 1 for k, d in zip(kernel, dilation)]
    pads = _border(border_mode, spans)
    if input.dtype != filters.dtype:
        dt = np.promote_types(input.dtype, filters.dtype)
        input, filters = input.astype(dt), filters.astype(dt)
    if filter_flip:
        filters = filters[:, :, ::-1, ::-1]
    ch, ci = input.shape[1], filters.shape[1]
    if is_known(ch) and is_known(ci) and ch != ci * num_groups:
        raise ValueError(f"conv2d: input has {ch} channels but the filters expect {ci} x num_groups {num_groups}"
                         f" = {ci * num_groups} (input {input.type!r}, filters {filters.type!r})")
    return conv_general_dilated(input, filters, strides, pads, rhs_dilation=dilation,
                                feature_group_count=int(num_groups))


def _border(border_mode, spans):
    if isinstance(border_mode, str):
        if border_mode == "valid":
            return [(0, 0), (0, 0)]
        if border_mode == "full":
            return [(s - 1, s - 1) for s in spans]
        if border_mode == "half":
            return [(s // 2, s // 2) for s in spans]
        raise ValueError(f"conv2d: border_mode must be 'valid', 'full', 'half', an int or a pair, got "
                         f"{border_mode!r}")
    if isinstance(border_mode, (int, np.integer)) and not isinstance(border_mode, bool):
        border_mode = (border_mode, border_mode)
    try:
        items = tuple(border_mode)
    except TypeError:
        raise TypeError(f"conv2d: border_mode must be 'valid', 'full', 'half', an int or a pair, got "
                        f"{border_mode!r}") from None
    if len(items) != 2:
        raise ValueError(f"conv2d: border_mode must have 2 entries (rows, cols), got {border_mode!r}")
    pads = []
    for p in items:
        lo, hi = (p, p) if isinstance(p, (int, np.integer)) else int_pair(p, "border_mode entry")
        if isinstance(lo, bool) or lo < 0 or hi < 0:
            raise ValueError(f"conv2d: border_mode padding must be non-negative ints, got {border_mode!r}")
        pads.append((int(lo), int(hi)))
    return pads
