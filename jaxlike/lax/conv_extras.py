"""``jax.lax``'s convolution helpers beyond ``conv.py`` (re-exported by ``jaxlike.lax``):
``conv_general_dilated_patches`` (the windows a convolution reads, as features), ``conv_general_dilated_local``
(an unshared, locally connected convolution) and the shape arithmetic ``conv_shape_tuple``,
``conv_general_shape_tuple`` and ``conv_transpose_shape_tuple``. Both operations are built as JAX builds
them, from ``conv_general_dilated`` and ``dot_general``, so they differentiate as those do.
A front-end module: imports core and jaxlike.numpy."""

import math
import operator

import numpy as np

from ..core.errors import user_frame, where as _at
from .. import numpy as jnp
from .elementwise import _array, _dtype, _is_python_scalar
from .conv import (conv_general_dilated, conv_dimension_numbers, conv_general_permutations,
                   _conv_transpose_padding)
from .structural import dot_general
from .windows import padtype_to_pads

__all__ = ["conv_general_dilated_patches", "conv_general_dilated_local", "conv_shape_tuple",
           "conv_general_shape_tuple", "conv_transpose_shape_tuple"]


def _here():
    return _at(user_frame())


def _ints(seq, fname, what):
    try:
        return tuple(operator.index(d) for d in seq)
    except TypeError:
        raise TypeError(f"lax.{fname}: {what} must be a sequence of integers, got {seq!r}{_here()}") from None


def _operand(x, fname):
    x = _array(x, fname, 0)
    x = np.asarray(x) if _is_python_scalar(x) else x
    if _dtype(x).kind not in "fc":
        raise TypeError(f"lax.{fname} does not accept dtype {_dtype(x)}; accepted: floating, complex{_here()}")
    return x


def conv_general_dilated_patches(lhs, filter_shape, window_strides, padding, lhs_dilation=None, rhs_dilation=None,
                                 dimension_numbers=None, precision=None, preferred_element_type=None):
    """The patches a convolution with a filter of spatial shape ``filter_shape`` reads: the output has
    ``C * prod(filter_shape)`` features (channel-major: feature ``c * prod(filter_shape) + p`` is channel c at
    filter position p), laid out by ``dimension_numbers`` as ``conv_general_dilated``'s output. Computed as
    JAX does, by a grouped convolution with a one-hot filter."""
    fname = "conv_general_dilated_patches"
    x = _operand(lhs, fname)
    filter_shape = _ints(filter_shape, fname, "filter_shape")
    shape = tuple(int(d) for d in jnp.shape(x))
    if len(filter_shape) != len(shape) - 2:
        raise ValueError(f"lax.{fname}: filter_shape {filter_shape} must have one entry per spatial dimension of "
                         f"lhs ({len(shape) - 2}){_here()}")
    dn = conv_dimension_numbers(shape, (1, 1) + filter_shape, dimension_numbers)
    lhs_spec, rhs_spec, _ = dn
    size = math.prod(filter_shape)
    channels = shape[lhs_spec[1]]
    rhs = np.eye(size, dtype=_dtype(x)).reshape((size, 1) + filter_shape)
    rhs = np.tile(rhs, (channels,) + (1,) * (rhs.ndim - 1))
    rhs = np.moveaxis(rhs, (0, 1), (rhs_spec[0], rhs_spec[1]))
    return conv_general_dilated(x, rhs, window_strides, padding, lhs_dilation=lhs_dilation,
                                rhs_dilation=rhs_dilation, dimension_numbers=dn, feature_group_count=channels,
                                precision=precision, preferred_element_type=preferred_element_type)


def conv_general_dilated_local(lhs, rhs, window_strides, padding, filter_shape, lhs_dilation=None,
                               rhs_dilation=None, dimension_numbers=None, precision=None):
    """A locally connected convolution: like ``conv_general_dilated`` but with a different filter at each
    output position. ``rhs`` has, in ``dimension_numbers``' kernel layout, out features, in features times
    ``prod(filter_shape)`` (channel-major, as the patches), and the output's spatial sizes."""
    fname = "conv_general_dilated_local"
    x = _operand(lhs, fname)
    w = _operand(rhs, fname)
    if _dtype(w) != _dtype(x):
        raise TypeError(f"lax.{fname} requires arguments to have the same dtypes, got {_dtype(x)} and "
                        f"{_dtype(w)}{_here()}")
    filter_shape = _ints(filter_shape, fname, "filter_shape")
    patches = conv_general_dilated_patches(x, filter_shape, window_strides, padding, lhs_dilation=lhs_dilation,
                                           rhs_dilation=rhs_dilation, dimension_numbers=dimension_numbers)
    _, rhs_spec, out_spec = conv_dimension_numbers(tuple(int(d) for d in jnp.shape(x)), (1, 1) + filter_shape,
                                                   dimension_numbers)
    lhs_b = list(out_spec[2:])
    rhs_b = [rhs_spec[2:][i] for i in sorted(range(len(lhs_b)), key=lambda k: lhs_b[k])]
    dn = (([out_spec[1]], [rhs_spec[1]]), (sorted(lhs_b), rhs_b))
    out = dot_general(patches, w, dn)
    return jnp.moveaxis(out, (-2, -1), (out_spec[0], out_spec[1]))


def _stride_dim(d, k, s):
    return max(0, (d - k) // s + 1)


def conv_shape_tuple(lhs_shape, rhs_shape, strides, pads, batch_group_count=1):
    """A convolution's output shape for ``lhs_shape`` (N, C, spatial...) and ``rhs_shape`` (O, I,
    spatial...), ``strides`` and ``pads`` ('SAME', 'VALID' or (low, high) pairs)."""
    fname = "conv_shape_tuple"
    lhs_shape, rhs_shape = _ints(lhs_shape, fname, "lhs_shape"), _ints(rhs_shape, fname, "rhs_shape")
    strides = _ints(strides, fname, "strides")
    if isinstance(pads, str):
        pads = padtype_to_pads(lhs_shape[2:], rhs_shape[2:], strides, pads)
    pads = [tuple(p) for p in pads]
    if len(pads) != len(lhs_shape) - 2:
        raise TypeError(f"lax.{fname}: wrong number of explicit pads: expected {len(lhs_shape) - 2}, got "
                        f"{len(pads)}{_here()}")
    padded = [d + lo + hi for d, (lo, hi) in zip(lhs_shape[2:], pads)]
    if any(p < 0 for p in padded):
        raise ValueError(f"lax.{fname}: negative padding {pads} is larger than lhs_shape[2:] = {lhs_shape[2:]}"
                         f"{_here()}")
    if batch_group_count > 1 and lhs_shape[0] % batch_group_count:
        raise ValueError(f"lax.{fname}: batch_group_count {batch_group_count} must divide the batch size "
                         f"{lhs_shape[0]}{_here()}")
    space = tuple(_stride_dim(d, k, s) for d, k, s in zip(padded, rhs_shape[2:], strides))
    return (lhs_shape[0] // batch_group_count, rhs_shape[0]) + space


def conv_general_shape_tuple(lhs_shape, rhs_shape, window_strides, padding, dimension_numbers):
    """``conv_shape_tuple`` for shapes laid out by ``dimension_numbers``, the result laid out likewise."""
    lhs_perm, rhs_perm, out_perm = conv_general_permutations(dimension_numbers)
    out = conv_shape_tuple(np.take(lhs_shape, lhs_perm), np.take(rhs_shape, rhs_perm), window_strides, padding)
    return tuple(int(d) for d in np.take(out, np.argsort(out_perm)))


def conv_transpose_shape_tuple(lhs_shape, rhs_shape, window_strides, padding, dimension_numbers):
    """The output shape of ``conv_transpose`` for shapes laid out by ``dimension_numbers``."""
    fname = "conv_transpose_shape_tuple"
    lhs_perm, rhs_perm, out_perm = conv_general_permutations(dimension_numbers)
    lhs_t = [int(d) for d in np.take(lhs_shape, lhs_perm)]
    rhs_t = [int(d) for d in np.take(rhs_shape, rhs_perm)]
    strides = _ints(window_strides, fname, "window_strides")
    if isinstance(padding, str):
        padding = [_conv_transpose_padding(k, s, padding) for k, s in zip(rhs_t[2:], strides)]
    total = [int(sum(p)) for p in padding]
    space = [(i - 1) * s - k + 2 + p for i, k, s, p in zip(lhs_t[2:], rhs_t[2:], strides, total)]
    out = (lhs_t[0], rhs_t[0]) + tuple(space)
    return tuple(int(d) for d in np.take(out, np.argsort(out_perm)))
