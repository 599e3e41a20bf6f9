"""``jaxlike.scipy.signal``, as ``jax.scipy.signal``: convolve, correlate (``method`` "auto"/"direct"/"fft"),
fftconvolve (``axes`` too), convolve2d, correlate2d (``boundary="fill"`` with ``fillvalue=0`` only, as JAX),
detrend ("constant", "linear", breakpoints ``bp``), and from ``_spectral`` stft, istft, csd and welch.

The direct method is one ``lax.conv_general_dilated`` of the larger input with the flipped smaller one (JAX
swaps the inputs so that the kernel is the smaller: it requires one input to be no larger than the other in
every dimension); the FFT method multiplies the spectra zero-padded to the full size and crops the result as
scipy's ``_centered`` does. Integer inputs are promoted to float, as JAX's. Everything is composed of
``jaxlike.numpy`` and ``jaxlike.lax``, so it is differentiable in both inputs with no rule of its own and
works the same on plain arrays (numpy results) and traced values. ``precision`` is accepted and ignored
(products run at the operands' precision).
A front-end module: imports jaxlike.numpy and jaxlike.lax."""

import operator

import numpy as np

from .. import numpy as jnp
from .. import lax
from ..numpy._base import asarray_or_var, shape, ndim

__all__ = ["convolve", "correlate", "fftconvolve", "convolve2d", "correlate2d", "detrend", "stft", "istft", "csd",
           "welch"]

_MODES = ("full", "same", "valid")


def _inexact(*xs):
    """The operands promoted together to an inexact dtype (integers and bools to float64)."""
    xs = [asarray_or_var(x) for x in xs]
    dt = np.dtype(jnp.result_type(*xs))
    if dt.kind not in "fc":
        dt = np.dtype("float64")
    return [jnp.asarray(x, dtype=dt) for x in xs]


def _sizes(x):
    return tuple(int(s) for s in shape(x))


def _check_mode(mode, fname):
    if mode not in _MODES:
        raise ValueError(f"{fname}: mode must be one of {list(_MODES)}, got {mode!r}")


def _conv_direct(in1, in2, mode, fname, late=False):
    _check_mode(mode, fname)
    in1, in2 = _inexact(in1, in2)
    if ndim(in1) != ndim(in2):
        raise ValueError(f"{fname}: in1 and in2 must have the same number of dimensions, got "
                         f"{ndim(in1)} and {ndim(in2)}")
    s1, s2 = _sizes(in1), _sizes(in2)
    if 0 in s1 or 0 in s2:
        raise ValueError(f"{fname}: zero-size arrays are not supported, got shapes {s1} and {s2}")
    if ndim(in1) == 0:
        return in1 * in2
    no_swap, swap = all(a >= b for a, b in zip(s1, s2)), all(a <= b for a, b in zip(s1, s2))
    if not (no_swap or swap):
        raise ValueError(f"{fname}: one input must be smaller than the other in every dimension, got shapes "
                         f"{s1} and {s2}")
    if swap and not no_swap:
        in1, in2 = in2, in1
    big, small = _sizes(in1), _sizes(in2)
    if mode == "valid":
        padding = [(0, 0)] * len(small)
    elif mode == "full":
        padding = [(k - 1, k - 1) for k in small]
    else:
        # NOTE: "same" is centred on the first argument as given, also when the inputs were swapped
        padding = _same_padding(big, small, s1, late)
    out = lax.conv_general_dilated(in1[None, None], jnp.flip(in2)[None, None], (1,) * len(small), padding)
    return out[0, 0]


def _same_padding(big, small, first, late):
    """Pads, per dimension, so that the valid convolution of ``big`` (padded) with ``small`` has the size of
    ``first`` and sits where scipy's centred crop of the full result puts it (``late``: where an odd margin
    puts the extra element before the crop rather than after it, correlate2d's centring)."""
    pads = []
    for b, k, o in zip(big, small, first):
        full = b + k - 1
        start = (full - o + (1 if late else 0)) // 2
        pads.append((k - 1 - start, o - b + start))
    return pads


def fftconvolve(in1, in2, mode="full", axes=None):
    """The convolution of ``in1`` and ``in2`` through FFTs of both, zero-padded to the full size along
    ``axes`` (all by default); the other axes must match and are convolved independently."""
    _check_mode(mode, "fftconvolve")
    in1, in2 = _inexact(in1, in2)
    nd = ndim(in1)
    if nd != ndim(in2):
        raise ValueError(f"fftconvolve: in1 and in2 should have the same dimensionality, got {nd} and {ndim(in2)}")
    s1, s2 = _sizes(in1), _sizes(in2)
    if axes is None:
        axes = tuple(range(nd))
    else:
        try:
            axes = tuple(operator.index(a) for a in np.atleast_1d(np.asarray(axes, dtype=object)).ravel())
        except TypeError:
            raise TypeError(f"fftconvolve: axes must be integers, got {axes!r}") from None
        if any(not -nd <= a < nd for a in axes):
            raise ValueError(f"fftconvolve: axes {axes} out of range for arrays of rank {nd}")
        axes = tuple(sorted({a % nd for a in axes}))
    mapped = [i for i in range(nd) if i not in axes]
    if any(s1[i] != s2[i] for i in mapped):
        raise ValueError(f"fftconvolve: mapped axes must have the same shape; got in1.shape={s1} "
                         f"in2.shape={s2} axes={axes}")
    if 0 in s1 or 0 in s2:
        raise ValueError(f"fftconvolve: zero-size arrays are not supported, got shapes {s1} and {s2}")
    if not axes:
        return in1 * in2
    full = [s1[a] + s2[a] - 1 for a in axes]
    complex_in = np.dtype(jnp.result_type(in1)).kind == "c"
    if complex_in:
        out = jnp.fft.ifftn(jnp.fft.fftn(in1, full, axes) * jnp.fft.fftn(in2, full, axes), full, axes)
    else:
        out = jnp.fft.irfftn(jnp.fft.rfftn(in1, full, axes) * jnp.fft.rfftn(in2, full, axes), full, axes)
    out = jnp.asarray(out, dtype=jnp.result_type(in1))
    if mode == "full":
        return out
    if mode == "same":
        keep = [s1[a] for a in axes]
    else:
        keep = [max(s1[a], s2[a]) - min(s1[a], s2[a]) + 1 for a in axes]
    index = [slice(None)] * nd
    for a, f, k in zip(axes, full, keep):
        start = (f - k) // 2
        index[a] = slice(start, start + k)
    return out[tuple(index)]


def convolve(in1, in2, mode="full", method="auto", precision=None):
    """The N-dimensional convolution of ``in1`` and ``in2``; "auto" is the direct method, as JAX's."""
    if method == "fft":
        return fftconvolve(in1, in2, mode=mode)
    if method in ("direct", "auto"):
        return _conv_direct(in1, in2, mode, "convolve")
    raise ValueError(f"convolve: method must be 'auto', 'fft' or 'direct', got {method!r}")


def correlate(in1, in2, mode="full", method="auto", precision=None):
    """The N-dimensional cross-correlation: the convolution with ``in2`` reversed and conjugated."""
    in2 = asarray_or_var(in2)
    if method not in ("auto", "direct", "fft"):
        raise ValueError(f"correlate: method must be 'auto', 'fft' or 'direct', got {method!r}")
    return convolve(in1, jnp.flip(jnp.conj(in2)), mode, method=method)


def _check_2d(in1, in2, boundary, fillvalue, fname):
    if boundary != "fill":
        raise NotImplementedError(f"{fname}: only boundary='fill' is supported (as in JAX), got {boundary!r}")
    if not (isinstance(fillvalue, (int, float, complex, np.number)) and fillvalue == 0):
        raise NotImplementedError(f"{fname}: only fillvalue=0 is supported (as in JAX), got {fillvalue!r}")
    if ndim(in1) != 2 or ndim(in2) != 2:
        raise ValueError(f"{fname}: in1 and in2 must be 2-dimensional, got ranks {ndim(in1)} and {ndim(in2)}")


def convolve2d(in1, in2, mode="full", boundary="fill", fillvalue=0, precision=None):
    """The 2-D convolution of ``in1`` and ``in2`` (zero boundary)."""
    in1, in2 = asarray_or_var(in1), asarray_or_var(in2)
    _check_2d(in1, in2, boundary, fillvalue, "convolve2d")
    return _conv_direct(in1, in2, mode, "convolve2d")


def correlate2d(in1, in2, mode="full", boundary="fill", fillvalue=0, precision=None):
    """The 2-D cross-correlation of ``in1`` and ``in2`` (zero boundary), as scipy's ``correlate2d``, whose
    "same" centring and whose results where ``in2`` is the larger differ from ``correlate``'s."""
    in1, in2 = asarray_or_var(in1), asarray_or_var(in2)
    _check_2d(in1, in2, boundary, fillvalue, "correlate2d")
    _check_mode(mode, "correlate2d")
    s1, s2 = _sizes(in1), _sizes(in2)
    swap = all(a <= b for a, b in zip(s1, s2))
    if (mode == "valid" and swap and s1 != s2) or (mode == "full" and swap):
        out = _conv_direct(jnp.flip(in2), jnp.conj(in1), mode, "correlate2d")
        return jnp.conj(out) if mode == "full" else out
    # NOTE: scipy's "same" here is correlate's crop of the full result moved by one element where the margin
    # is odd (it reverses in1, convolves and reverses back); the crop is moved rather than the data reversed,
    # since a flip of conv_general_dilated's output miscompiles on numba_cpu (garbage values)
    return _conv_direct(in1, jnp.flip(jnp.conj(in2)), mode, "correlate2d", late=True)


def detrend(data, axis=-1, type="linear", bp=0, overwrite_data=None):
    """``data`` less its least-squares constant (``type="constant"``) or linear fit along ``axis``; with
    breakpoints ``bp``, a separate line on each piece between them."""
    if overwrite_data is not None:
        raise NotImplementedError("detrend: overwrite_data is not supported (as in JAX)")
    if type not in ("linear", "constant"):
        raise ValueError(f"detrend: type must be 'linear' or 'constant', got {type!r}")
    data, = _inexact(data)
    nd = ndim(data)
    if not -nd <= axis < nd:
        raise ValueError(f"detrend: axis {axis} out of range for an array of rank {nd}")
    if type == "constant":
        return data - jnp.mean(data, axis=axis, keepdims=True)
    x = jnp.moveaxis(data, axis, 0)
    n = _sizes(x)[0]
    cuts = np.sort(np.unique(np.r_[0, np.asarray(bp, dtype=np.int64).ravel(), n]))
    if cuts[0] < 0 or cuts[-1] > n:
        raise ValueError(f"detrend: breakpoints bp must lie in [0, {n}] (the length along axis), got {bp!r}")
    real = np.dtype(jnp.result_type(jnp.real(x)))
    pieces = []
    for lo, hi in zip(cuts[:-1], cuts[1:]):
        seg = x[int(lo):int(hi)]
        m = int(hi - lo)
        if m == 1:
            # NOTE: a line through one point fits it exactly (the least-squares answer scipy's lstsq gives)
            pieces.append(seg - seg)
            continue
        t = np.arange(m, dtype=np.float64)
        t = (t - t.mean()).reshape((m,) + (1,) * (nd - 1))
        centred = seg - jnp.mean(seg, axis=0, keepdims=True)
        slope = jnp.sum(centred * t.astype(real), axis=0, keepdims=True) / float(np.sum(t * t))
        pieces.append(centred - slope * t.astype(real))
    out = pieces[0] if len(pieces) == 1 else jnp.concatenate(pieces, axis=0)
    return jnp.moveaxis(out, 0, axis)


from ._spectral import stft, istft, csd, welch  # noqa: E402,F401  (it imports detrend from here)
