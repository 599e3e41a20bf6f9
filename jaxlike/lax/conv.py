"""``jax.lax``'s convolutions (re-exported by ``jaxlike.lax``): ``conv_general_dilated`` with JAX's semantics
(padding strings or (lo, hi) pairs, negative allowed; strides; lhs dilation, i.e. transposed convolution;
rhs dilation, i.e. atrous; feature and batch groups; dimension numbers such as ("NHWC", "HWIO", "NHWC");
any number of spatial dimensions), and its wrappers ``conv``, ``conv_with_general_padding``,
``conv_transpose``, ``conv_dimension_numbers`` / ``ConvDimensionNumbers``.

A convolution here is a composite, not a primitive: the input is padded and dilated (``windows.pad_dilate``),
strided slices, one per kernel offset and spatial axis, are stacked into the patches (im2col,
``windows.stack_windows``) and ONE ``contract`` with K = C * prod(kernel) turns them into the output, which the
CPU backend lowers to a single GEMM. Gradients of every order, vmap, every backend and the reference
interpreter come from those primitives. The input's sizes stay symbolic (one compiled function serves every
batch and image size); the kernel's spatial sizes decide how many slices there are, so they are read as
Python ints (a traced kernel makes ``compile`` specialize on sizes; a constant kernel does not).
A front-end module: imports core, the jaxlike.numpy front end and ``windows``.
"""

import collections

import numpy as np

from ..core.graph import Var
from ..core.types import is_known
from .. import numpy as jnp
from .windows import int_tuple, padtype_to_pads, explicit_pads, pad_dilate, window_bounds, stack_windows, \
    _concrete_size

__all__ = ["conv_general_dilated", "conv", "conv_with_general_padding", "conv_transpose",
           "conv_dimension_numbers", "conv_general_permutations", "ConvDimensionNumbers"]

ConvDimensionNumbers = collections.namedtuple("ConvDimensionNumbers", ["lhs_spec", "rhs_spec", "out_spec"])
ConvDimensionNumbers.__doc__ = """Axis positions: lhs_spec = (batch, feature, spatial...), rhs_spec = (out
feature, in feature, spatial...), out_spec = (batch, feature, spatial...), as JAX's."""

_SPATIAL_LETTERS = "xyzuvwrst"


def conv_general_permutations(dimension_numbers):
    """JAX's permutations for string dimension numbers: spatial axes in the kernel spec's order."""
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    charpairs = (("N", "C"), ("O", "I"), ("N", "C"))
    for i, (a, b) in enumerate(charpairs):
        spec = dimension_numbers[i]
        if not spec.count(a) == spec.count(b) == 1:
            raise TypeError(f"convolution dimension_numbers[{i}] must contain the characters {a!r} and {b!r} "
                            f"exactly once, got {spec!r}")
        if len(spec) != len(set(spec)):
            raise TypeError(f"convolution dimension_numbers[{i}] cannot have duplicate characters, got {spec!r}")
    if not set(lhs_spec) - {"N", "C"} == set(rhs_spec) - {"O", "I"} == set(out_spec) - {"N", "C"}:
        raise TypeError(f"convolution dimension_numbers elements must each have the same set of spatial "
                        f"characters, got {dimension_numbers!r}")

    def perm(spec, pair):
        spatial = [i for i, c in enumerate(spec) if c not in pair]
        if spec is not rhs_spec:
            spatial = sorted(spatial, key=lambda i: rhs_spec.index(spec[i]))
        return (spec.index(pair[0]), spec.index(pair[1])) + tuple(spatial)

    return tuple(perm(s, p) for s, p in zip(dimension_numbers, charpairs))


def conv_dimension_numbers(lhs_shape, rhs_shape, dimension_numbers):
    """A ``ConvDimensionNumbers`` from None (NCHW / OIHW / NCHW), a ConvDimensionNumbers, or three strings."""
    if len(lhs_shape) != len(rhs_shape):
        raise TypeError(f"convolution requires lhs and rhs ndim to be equal, got {len(lhs_shape)} and "
                        f"{len(rhs_shape)}")
    if dimension_numbers is None:
        iota = tuple(range(len(lhs_shape)))
        return ConvDimensionNumbers(iota, iota, iota)
    if isinstance(dimension_numbers, ConvDimensionNumbers):
        for name, spec in zip(ConvDimensionNumbers._fields, dimension_numbers):
            if sorted(spec) != list(range(len(lhs_shape))):
                raise TypeError(f"convolution dimension_numbers.{name} must be a permutation of "
                                f"0..{len(lhs_shape) - 1}, got {spec!r}")
        return ConvDimensionNumbers(*(tuple(int(i) for i in s) for s in dimension_numbers))
    if isinstance(dimension_numbers, (list, tuple)):
        if len(dimension_numbers) != 3:
            raise TypeError(f"convolution dimension_numbers list/tuple must be length 3, got "
                            f"{len(dimension_numbers)}")
        if not all(isinstance(e, str) for e in dimension_numbers):
            raise TypeError(f"convolution dimension_numbers elements must be strings (e.g. 'NHWC', 'HWIO', "
                            f"'NHWC'), got {dimension_numbers!r}")
        for i, spec in enumerate(dimension_numbers):
            if len(spec) != len(lhs_shape):
                raise TypeError(f"convolution dimension_numbers[{i}] = {spec!r} must have one letter per "
                                f"axis of lhs and rhs (rank {len(lhs_shape)})")
        return ConvDimensionNumbers(*conv_general_permutations(tuple(dimension_numbers)))
    raise TypeError(f"convolution dimension_numbers must be tuple/list or None, got "
                    f"{type(dimension_numbers).__name__}")


def _as_array(x):
    return x if isinstance(x, Var) else jnp.asarray(x)


def _count(value, what):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"conv_general_dilated: {what} must be a positive int, got {value!r}")
    return int(value)


def _check_divides(size, by, what, fname):
    if is_known(size) and size % by:
        raise ValueError(f"{fname}: {what}")


def conv_general_dilated(lhs, rhs, window_strides, padding, lhs_dilation=None, rhs_dilation=None,
                         dimension_numbers=None, feature_group_count=1, batch_group_count=1, precision=None,
                         preferred_element_type=None):
    """General n-d convolution (a cross-correlation, as in JAX and XLA: the kernel is not flipped).

    ``lhs`` is (batch, in features, spatial...) and ``rhs`` (out features, in features / feature_group_count,
    spatial...) unless ``dimension_numbers`` says otherwise. ``padding`` is 'VALID', 'SAME', 'SAME_LOWER'
    or one (low, high) pair per spatial dimension (negative values crop). ``lhs_dilation`` inserts
    d - 1 zeros between input elements (a transposed convolution); ``rhs_dilation`` spaces the kernel taps.
    ``precision`` is accepted and ignored: products run in the operands' precision.

    >>> conv_general_dilated(np.ones((1, 1, 4)), np.ones((1, 1, 2)), (1,), 'VALID')
    array([[[2., 2., 2.]]])
    """
    fname = "conv_general_dilated"
    lhs, rhs = _as_array(lhs), _as_array(rhs)
    if lhs.ndim != rhs.ndim:
        raise TypeError(f"{fname}: lhs and rhs must have the same rank, got lhs {tuple(lhs.shape)} (rank "
                        f"{lhs.ndim}) and rhs {tuple(rhs.shape)} (rank {rhs.ndim})")
    if lhs.ndim < 2:
        raise TypeError(f"{fname}: lhs and rhs need rank >= 2 (batch and feature axes), got rank {lhs.ndim}")
    nsp = lhs.ndim - 2
    if nsp > len(_SPATIAL_LETTERS):
        raise ValueError(f"{fname}: at most {len(_SPATIAL_LETTERS)} spatial dimensions, got {nsp}")
    if preferred_element_type is not None:
        lhs, rhs = lhs.astype(preferred_element_type), rhs.astype(preferred_element_type)
    elif np.dtype(lhs.dtype) != np.dtype(rhs.dtype):
        raise TypeError(f"{fname}: lhs and rhs must have the same dtype, got {lhs.dtype} and {rhs.dtype} "
                        "(cast one, or pass preferred_element_type)")
    if np.dtype(lhs.dtype).kind not in "fiuc":
        raise TypeError(f"{fname}: operands must be numeric, got {lhs.dtype}")
    dn = conv_dimension_numbers(lhs.shape, rhs.shape, dimension_numbers)
    strides = int_tuple(window_strides, nsp, "window_strides", fname)
    ldil = int_tuple(lhs_dilation, nsp, "lhs_dilation", fname)
    rdil = int_tuple(rhs_dilation, nsp, "rhs_dilation", fname)
    groups = _count(feature_group_count, "feature_group_count")
    bgroups = _count(batch_group_count, "batch_group_count")
    if groups > 1 and bgroups > 1:
        raise ValueError(f"{fname}: at most one of feature_group_count and batch_group_count may exceed 1, "
                         f"got {groups} and {bgroups}")
    x = jnp.transpose(lhs, (dn.lhs_spec[0],) + tuple(dn.lhs_spec[2:]) + (dn.lhs_spec[1],))   # (N, *S, C)
    w = jnp.transpose(rhs, dn.rhs_spec)                                                       # (O, I, *K)
    kernel = tuple(_concrete_size(d, fname, "the kernel's spatial size") for d in w.shape[2:])
    spans = [(k - 1) * r + 1 for k, r in zip(kernel, rdil)]
    if isinstance(padding, str):
        if any(d != 1 for d in ldil):
            raise ValueError(f"{fname}: string padding is not implemented for transposed convolution "
                             "(lhs_dilation != 1): give explicit (low, high) pairs or use conv_transpose")
        pads = padtype_to_pads(x.shape[1:-1], spans, strides, padding)
    else:
        pads = explicit_pads(padding, nsp, fname)
    n, c = x.shape[0], x.shape[-1]
    o, i = w.shape[0], w.shape[1]
    if is_known(c) and is_known(i) and c != i * groups:
        raise ValueError(f"{fname}: lhs has {c} input features but rhs expects {i} x feature_group_count "
                         f"{groups} = {i * groups} (lhs {tuple(lhs.shape)}, rhs {tuple(rhs.shape)})")
    _check_divides(o, groups, f"feature_group_count={groups} must divide the {o} output features of rhs "
                   f"{tuple(rhs.shape)}", fname)
    _check_divides(o, bgroups, f"batch_group_count={bgroups} must divide the {o} output features of rhs "
                   f"{tuple(rhs.shape)}", fname)
    _check_divides(n, bgroups, f"batch_group_count={bgroups} must divide the lhs batch size {n}", fname)
    if any(k == 0 for k in kernel):
        raise ValueError(f"{fname}: the kernel's spatial sizes must be positive, got {kernel}")

    xp = pad_dilate(x, np.zeros((), x.dtype), [(0, 0, 1)] + [(lo, hi, d) for (lo, hi), d in zip(pads, ldil)]
                    + [(0, 0, 1)])
    patches = stack_windows(xp, [(1 + k, window_bounds(kernel[k], strides[k], rdil[k])) for k in range(nsp)])
    out_spatial = tuple(patches.shape[1:nsp + 1])
    # patches: (N, *So, K) with K = (k_last, ..., k_first, C) row-major: the im2col matrix, contiguous
    sp = _SPATIAL_LETTERS[:nsp]
    taps = "".join("abdefhjklm"[k] for k in range(nsp))
    rtaps = taps[::-1]
    # NOTE: -1 only where a size is symbolic: a reshape of an empty result (a window wider than the padded
    # input) cannot infer it
    if groups > 1:
        patches = jnp.reshape(patches, (n,) + out_spatial + kernel[::-1] + (groups, i))
        kern = jnp.reshape(w, (groups, o // groups if is_known(o) else -1, i) + kernel)
        out = jnp.einsum(f"n{sp}{rtaps}gc,goc{taps}->n{sp}go", patches, kern)
        out = jnp.reshape(out, (n,) + out_spatial + (o,))
    elif bgroups > 1:
        # NOTE: XLA's batch groups: group g takes lhs examples [g * N/B, (g + 1) * N/B) and output features
        # [g * O/B, (g + 1) * O/B); the output holds N/B examples.
        patches = jnp.reshape(patches, (bgroups, n // bgroups if is_known(n) else -1) + out_spatial + kernel[::-1]
                              + (c,))
        kern = jnp.reshape(w, (bgroups, o // bgroups if is_known(o) else -1, i) + kernel)
        out = jnp.einsum(f"Bn{sp}{rtaps}c,Boc{taps}->n{sp}Bo", patches, kern)
        out = jnp.reshape(out, (out.shape[0],) + out_spatial + (o,))
    else:
        patches = jnp.reshape(patches, (n,) + out_spatial + kernel[::-1] + (c,))
        out = jnp.einsum(f"n{sp}{rtaps}c,oc{taps}->n{sp}o", patches, w)
    out = out.astype(x.dtype) if out.dtype != x.dtype else out
    # out's axes are (N, *So, O); out_spec names the position of (N, O, *So) in the result
    where = {0: 0, 1: nsp + 1}
    where.update({2 + k: 1 + k for k in range(nsp)})
    inverse = {pos: canon for canon, pos in enumerate(dn.out_spec)}
    perm = tuple(where[inverse[j]] for j in range(nsp + 2))
    return out if perm == tuple(range(nsp + 2)) else jnp.transpose(out, perm)


def conv(lhs, rhs, window_strides, padding, precision=None, preferred_element_type=None):
    """``lax.conv``: NCHW input, OIHW kernel, no dilation."""
    return conv_general_dilated(lhs, rhs, window_strides, padding, precision=precision,
                                preferred_element_type=preferred_element_type)


def conv_with_general_padding(lhs, rhs, window_strides, padding, lhs_dilation, rhs_dilation, precision=None,
                              preferred_element_type=None):
    """``lax.conv_with_general_padding``: NCHW / OIHW with explicit padding and both dilations."""
    return conv_general_dilated(lhs, rhs, window_strides, padding, lhs_dilation=lhs_dilation,
                                rhs_dilation=rhs_dilation, precision=precision,
                                preferred_element_type=preferred_element_type)


def _conv_transpose_padding(k, s, padding):
    if padding == "SAME":
        pad_len = k + s - 2
        pad_a = k - 1 if s > k - 1 else int(np.ceil(pad_len / 2))
    elif padding == "VALID":
        pad_len = k + s - 2 + max(k - s, 0)
        pad_a = k - 1
    elif isinstance(padding, tuple):
        pads = tuple(k - p - 1 for p in padding)
        pad_a, pad_len = pads[0], sum(pads)
    else:
        raise ValueError(f"conv_transpose: padding must be 'SAME', 'VALID' or (low, high) pairs, got {padding!r}")
    return pad_a, pad_len - pad_a


_TRANSPOSE_DEFAULTS = {2: ("NC", "IO", "NC"), 3: ("NHC", "HIO", "NHC"), 4: ("NHWC", "HWIO", "NHWC"),
                       5: ("NHWDC", "HWDIO", "NHWDC")}


def conv_transpose(lhs, rhs, strides, padding, rhs_dilation=None, dimension_numbers=None, transpose_kernel=False,
                   precision=None, preferred_element_type=None, use_consistent_padding=False):
    """``lax.conv_transpose``: the fractionally strided convolution (lhs_dilation = strides), with JAX's
    TensorFlow-style defaults (NHWC / HWIO). 'SAME' and 'VALID' name the forward convolution's padding; (lo,
    hi) pairs are the transposed convolution's own padding unless ``use_consistent_padding`` (then, as
    PyTorch, the forward one's). ``transpose_kernel`` flips the kernel and swaps its feature axes, making the
    result the gradient of the forward ``conv_general_dilated`` with respect to its input."""
    lhs, rhs = _as_array(lhs), _as_array(rhs)
    if lhs.ndim != rhs.ndim or lhs.ndim < 2:
        raise TypeError(f"conv_transpose: lhs and rhs must have the same rank >= 2, got {tuple(lhs.shape)} and "
                        f"{tuple(rhs.shape)}")
    if dimension_numbers is None:
        if lhs.ndim not in _TRANSPOSE_DEFAULTS:
            raise ValueError(f"conv_transpose: no default dimension_numbers for rank {lhs.ndim}; pass them")
        dimension_numbers = _TRANSPOSE_DEFAULTS[lhs.ndim]
    dn = conv_dimension_numbers(lhs.shape, rhs.shape, dimension_numbers)
    nsp = lhs.ndim - 2
    strides = int_tuple(strides, nsp, "strides", "conv_transpose")
    rdil = int_tuple(rhs_dilation, nsp, "rhs_dilation", "conv_transpose")
    kernel = [_concrete_size(rhs.shape[a], "conv_transpose", "the kernel's spatial size") for a in dn.rhs_spec[2:]]
    spans = [(k - 1) * r + 1 for k, r in zip(kernel, rdil)]
    if use_consistent_padding or (isinstance(padding, str) and padding in ("SAME", "VALID")):
        per_dim = [padding] * nsp if isinstance(padding, str) else [tuple(p) for p in
                                                                      explicit_pads(padding, nsp, "conv_transpose")]
        pads = [_conv_transpose_padding(k, s, p) for k, s, p in zip(spans, strides, per_dim)]
    elif isinstance(padding, str):
        raise ValueError(f"conv_transpose: padding must be 'SAME', 'VALID' or (low, high) pairs, got {padding!r}")
    else:
        pads = explicit_pads(padding, nsp, "conv_transpose")
    if transpose_kernel:
        rhs = jnp.flip(rhs, axis=tuple(dn.rhs_spec[2:]))
        rhs = jnp.swapaxes(rhs, dn.rhs_spec[0], dn.rhs_spec[1])
    return conv_general_dilated(lhs, rhs, (1,) * nsp, pads, strides, rdil, dn, precision=precision,
                                preferred_element_type=preferred_element_type)
