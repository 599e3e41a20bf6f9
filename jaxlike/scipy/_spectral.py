"""The spectral functions of ``jaxlike.scipy.signal`` (kept apart for length), as ``jax.scipy.signal``'s:
``stft`` and its inverse ``istft``, the cross spectral density ``csd`` and Welch's power spectral density
``welch`` (``average`` "mean" or "median"), with scipy's windows (a name, a tuple, or an array), segment
lengths, overlaps, FFT lengths, detrending, boundary extensions and scalings.

The signal is cut into overlapping segments by one gather with a fixed index table (segment starts plus
offsets), each segment detrended, windowed and transformed along the last axis; ``istft`` transforms back,
windows again and overlap-adds the segments by one scatter-add into the output, then divides by the
overlap-added squared window. Everything is composed of ``jaxlike.numpy`` (with ``signal.detrend``), so it
is differentiable in the signal. Windows other than "hann" come from ``scipy.signal.get_window``, imported
when first needed. A front-end module: imports jaxlike.numpy and jaxlike.scipy.signal's detrend."""

import operator
import warnings

import numpy as np

from .. import numpy as jnp
from ..numpy._base import asarray_or_var, ndim, shape

__all__ = ["stft", "istft", "csd", "welch"]


def _int(value, what, fname):
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{fname}: {what} must be an integer, got {value!r}") from None


def _window(window, nperseg, dtype, fname):
    """(window array, segment length) from a window name or tuple (length ``nperseg``) or an array."""
    if isinstance(window, (str, tuple)):
        if window == "hann":
            # NOTE: the periodic Hann window, scipy's get_window("hann", n) (fftbins=True)
            win = np.sin(np.pi * np.arange(nperseg) / nperseg) ** 2 if nperseg > 1 else np.ones(1)
        else:
            from scipy.signal import get_window
            win = get_window(window, nperseg)
        return np.asarray(win, dtype=dtype), nperseg
    win = asarray_or_var(window)
    if ndim(win) != 1:
        raise ValueError(f"{fname}: window must be 1-D, got rank {ndim(win)}")
    return jnp.asarray(win, dtype=dtype), int(shape(win)[0])


def _odd_ext(x, n):
    if n < 1:
        return x
    if n > int(shape(x)[-1]) - 1:
        raise ValueError(f"the boundary extension length ({n}) must not exceed the signal length less one "
                         f"({int(shape(x)[-1]) - 1})")
    left = 2 * x[..., :1] - jnp.flip(x[..., 1:n + 1], axis=-1)
    right = 2 * x[..., -1:] - jnp.flip(x[..., -n - 1:-1], axis=-1)
    return jnp.concatenate([left, x, right], axis=-1)


def _extend(x, n, boundary):
    pads = [(0, 0)] * (ndim(x) - 1) + [(n, n)]
    if boundary == "even":
        return jnp.pad(x, pads, mode="reflect")
    if boundary == "odd":
        return _odd_ext(x, n)
    if boundary == "constant":
        return jnp.pad(x, pads, mode="edge")
    return jnp.pad(x, pads)


_BOUNDARIES = ("even", "odd", "constant", "zeros", None)


def _segments_fft(x, win, detrend_func, nperseg, nstep, nfft, twosided):
    """The windowed FFTs of the segments: (..., segments, frequencies)."""
    length = int(shape(x)[-1])
    starts = np.arange(0, length - nperseg + 1, nstep)
    seg = jnp.take(x, starts[:, None] + np.arange(nperseg), axis=-1)
    seg = detrend_func(seg) * win
    if twosided:
        return jnp.fft.fft(seg, n=nfft)
    return jnp.fft.rfft(jnp.real(seg), n=nfft)


def _spectral(x, y, fs, window, nperseg, noverlap, nfft, detrend_type, return_onesided, scaling, axis, mode,
              boundary, padded, fname):
    from .signal import detrend
    if boundary not in _BOUNDARIES:
        raise ValueError(f"{fname}: unknown boundary option {boundary!r}, must be one of {list(_BOUNDARIES)}")
    if scaling not in ("density", "spectrum"):
        raise ValueError(f"{fname}: unknown scaling {scaling!r}; use 'density' or 'spectrum'")
    x = asarray_or_var(x)
    operands = [x] if y is None else [x, asarray_or_var(y)]
    dt = np.dtype(jnp.result_type(*operands))
    if dt.kind not in "fc":
        dt = np.dtype("float64")
    operands = [jnp.asarray(v, dtype=dt) for v in operands]
    real_dt = np.dtype(jnp.result_type(jnp.real(operands[0])))
    nd = ndim(operands[0])
    if y is not None and ndim(operands[1]) != nd:
        raise ValueError(f"{fname}: x and y must have the same rank, got {nd} and {ndim(operands[1])}")
    axis = _int(axis, "axis", fname)
    if not -nd <= axis < nd:
        raise ValueError(f"{fname}: axis {axis} out of range for an array of rank {nd}")
    operands = [jnp.moveaxis(v, axis, -1) for v in operands]
    lengths = [int(shape(v)[-1]) for v in operands]
    if len(operands) == 2 and lengths[0] != lengths[1]:
        # NOTE: the shorter of x and y is zero-padded to the longer, as scipy's
        n = max(lengths)
        operands = [jnp.pad(v, [(0, 0)] * (nd - 1) + [(0, n - m)]) for v, m in zip(operands, lengths)]
    length = max(lengths)
    if nperseg is not None:
        nperseg = _int(nperseg, "nperseg", fname)
        if nperseg < 1:
            raise ValueError(f"{fname}: nperseg must be a positive integer, got {nperseg}")
    if isinstance(window, (str, tuple)):
        # NOTE: 256 by default, as scipy's and JAX's documentation say (JAX's code takes the whole signal)
        nperseg = 256 if nperseg is None else nperseg
        if nperseg > length:
            warnings.warn(f"nperseg = {nperseg} is greater than input length = {length}, using nperseg = {length}")
            nperseg = length
        win, nperseg = _window(window, nperseg, real_dt, fname)
    else:
        win, size = _window(window, None, real_dt, fname)
        if length < size:
            raise ValueError(f"{fname}: window is longer than the input signal ({size} > {length})")
        if nperseg is not None and nperseg != size:
            raise ValueError(f"{fname}: nperseg ({nperseg}) differs from the length of window ({size})")
        nperseg = size
    noverlap = nperseg // 2 if noverlap is None else _int(noverlap, "noverlap", fname)
    nfft = nperseg if nfft is None else _int(nfft, "nfft", fname)
    if nfft < nperseg:
        raise ValueError(f"{fname}: nfft ({nfft}) must be greater than or equal to nperseg ({nperseg})")
    if noverlap >= nperseg:
        raise ValueError(f"{fname}: noverlap ({noverlap}) must be less than nperseg ({nperseg})")
    nstep = nperseg - noverlap
    if boundary is not None:
        operands = [_extend(v, nperseg // 2, boundary) for v in operands]
    if padded:
        extra = (-(int(shape(operands[0])[-1]) - nperseg) % nstep) % nperseg
        operands = [jnp.pad(v, [(0, 0)] * (nd - 1) + [(0, extra)]) for v in operands]
    if isinstance(detrend_type, str):
        def detrend_func(d):
            return detrend(d, axis=-1, type=detrend_type)
    elif callable(detrend_type):
        detrend_func = detrend_type
    elif not detrend_type:
        def detrend_func(d):
            return d
    else:
        raise ValueError(f"{fname}: unsupported detrend type {detrend_type!r}")
    wsum = jnp.sum(win)
    scale = 1.0 / (fs * jnp.sum(win * win)) if scaling == "density" else 1.0 / (wsum * wsum)
    if mode == "stft":
        scale = jnp.sqrt(scale)
    twosided = not return_onesided
    if return_onesided and dt.kind == "c":
        warnings.warn("Input data is complex, switching to return_onesided=False")
        twosided = True
    spectra = [_segments_fft(v, win, detrend_func, nperseg, nstep, nfft, twosided) for v in operands]
    if y is not None:
        result = jnp.conj(spectra[0]) * spectra[1]
    elif mode == "psd":
        result = jnp.real(jnp.conj(spectra[0]) * spectra[0])
    else:
        result = spectra[0]
    result = result * scale
    if not twosided and mode == "psd":
        # NOTE: the one-sided density holds the negative frequencies' power too (not at 0 and Nyquist)
        double = np.full(nfft // 2 + 1, 2.0)
        double[0] = 1.0
        if nfft % 2 == 0:
            double[-1] = 1.0
        result = result * double.astype(real_dt)
    freqs = (np.fft.fftfreq(nfft) if twosided else np.fft.rfftfreq(nfft)).astype(real_dt) * fs
    n_ext = int(shape(operands[0])[-1])
    time = np.arange(nperseg / 2, n_ext - nperseg / 2 + 1, nstep).astype(real_dt)
    if boundary is not None:
        time = time - nperseg / 2
    time = time / fs
    cdt = np.dtype("complex64") if real_dt == np.float32 else np.dtype("complex128")
    result = jnp.asarray(result, dtype=cdt if (y is not None or mode == "stft") else real_dt)
    # (..., segments, frequencies) -> frequencies where the signal's axis was, segments last
    result = jnp.moveaxis(result, -1, axis % nd)
    return freqs, time, result


def stft(x, fs=1.0, window="hann", nperseg=256, noverlap=None, nfft=None, detrend=False, return_onesided=True,
         boundary="zeros", padded=True, axis=-1):
    """The short-time Fourier transform ``(f, t, Zxx)`` of ``x`` along ``axis`` (scipy's "spectrum" scaling:
    the segments' FFTs over the window's sum)."""
    return _spectral(x, None, fs, window, nperseg, noverlap, nfft, detrend, return_onesided, "spectrum", axis,
                     "stft", boundary, padded, "stft")


def csd(x, y, fs=1.0, window="hann", nperseg=None, noverlap=None, nfft=None, detrend="constant",
        return_onesided=True, scaling="density", axis=-1, average="mean"):
    """The cross spectral density ``(f, Pxy)`` of ``x`` and ``y`` by Welch's method (``y=None``: x's power
    spectral density), the segments' periodograms averaged by ``average`` ("mean" or "median")."""
    if average not in ("mean", "median"):
        raise ValueError(f"csd: average must be 'median' or 'mean', got {average!r}")
    freqs, _, pxy = _spectral(x, y, fs, window, nperseg, noverlap, nfft, detrend, return_onesided, scaling, axis,
                              "psd", None, False, "csd")
    if y is not None and np.dtype(jnp.result_type(pxy)).kind != "c":
        pxy = jnp.asarray(pxy, dtype=np.complex128)
    if ndim(pxy) >= 2 and 0 not in tuple(int(s) for s in shape(pxy)):
        count = int(shape(pxy)[-1])
        if count > 1 and average == "median":
            # NOTE: the median of exponentially distributed periodograms is biased low; scipy divides it out
            ii = np.arange(2.0, count, 2)
            bias = 1 + np.sum(1.0 / (ii + 1) - 1.0 / ii)
            if np.dtype(jnp.result_type(pxy)).kind == "c":
                from ..numpy._base import from_parts
                pxy = from_parts(jnp.median(jnp.real(pxy), axis=-1), jnp.median(jnp.imag(pxy), axis=-1)) / bias
            else:
                pxy = jnp.median(pxy, axis=-1) / bias
        elif count > 1:
            pxy = jnp.mean(pxy, axis=-1)
        else:
            pxy = jnp.reshape(pxy, tuple(int(s) for s in shape(pxy))[:-1])
    return freqs, pxy


def welch(x, fs=1.0, window="hann", nperseg=None, noverlap=None, nfft=None, detrend="constant",
          return_onesided=True, scaling="density", axis=-1, average="mean"):
    """The power spectral density ``(f, Pxx)`` of ``x`` by Welch's method (``csd`` of x with itself)."""
    freqs, pxx = csd(x, None, fs, window, nperseg, noverlap, nfft, detrend, return_onesided, scaling, axis, average)
    return freqs, jnp.real(pxx)


def _overlap_add(frames, nstep):
    """Frames (..., count, length) added into one signal, frame i starting at i * nstep."""
    sizes = tuple(int(s) for s in shape(frames))
    count, length = sizes[-2], sizes[-1]
    total = nstep * (count - 1) + length
    index = (np.arange(count)[:, None] * nstep + np.arange(length)).ravel()
    flat = jnp.reshape(frames, sizes[:-2] + (count * length,))
    dt = np.dtype(jnp.result_type(frames))
    return jnp.zeros(sizes[:-2] + (total,), dtype=dt).at[..., index].add(flat)


def istft(Zxx, fs=1.0, window="hann", nperseg=None, noverlap=None, nfft=None, input_onesided=True,
          boundary=True, time_axis=-1, freq_axis=-2):
    """The inverse short-time Fourier transform ``(t, x)``: each segment's inverse FFT, windowed and
    overlap-added, over the overlap-added squared window (scipy's least-squares inversion)."""
    z = asarray_or_var(Zxx)
    nd = ndim(z)
    if nd < 2:
        raise ValueError(f"istft: Zxx must be at least 2-D, got rank {nd}")
    for what, a in (("freq_axis", freq_axis), ("time_axis", time_axis)):
        if not -nd <= _int(a, what, "istft") < nd:
            raise ValueError(f"istft: {what} {a} out of range for Zxx of rank {nd}")
    freq_axis, time_axis = freq_axis % nd, time_axis % nd
    if freq_axis == time_axis:
        raise ValueError("istft: time_axis and freq_axis must differ")
    dt = np.dtype(jnp.result_type(z))
    cdt = dt if dt.kind == "c" else (np.dtype("complex64") if dt == np.float32 else np.dtype("complex128"))
    z = jnp.asarray(z, dtype=cdt)
    nfreq = int(shape(z)[freq_axis])
    n_default = 2 * (nfreq - 1) if input_onesided else nfreq
    nperseg = n_default if not nperseg else _int(nperseg, "nperseg", "istft")
    if nperseg < 1:
        raise ValueError(f"istft: nperseg must be a positive integer, got {nperseg}")
    if nfft is None:
        nfft = n_default + 1 if input_onesided and nperseg == n_default + 1 else n_default
    else:
        nfft = _int(nfft, "nfft", "istft")
    if nfft < nperseg:
        raise ValueError(f"istft: the FFT length nfft ({nfft}) must be at least nperseg ({nperseg})")
    noverlap = nperseg // 2 if not noverlap else _int(noverlap, "noverlap", "istft")
    if noverlap >= nperseg:
        raise ValueError(f"istft: noverlap ({noverlap}) must be less than nperseg ({nperseg})")
    nstep = nperseg - noverlap
    outer = [i for i in range(nd) if i not in (freq_axis, time_axis)]
    z = jnp.transpose(z, outer + [time_axis, freq_axis])
    segs = (jnp.fft.irfft(z, n=nfft, axis=-1) if input_onesided else jnp.fft.ifft(z, n=nfft, axis=-1))
    segs = segs[..., :nperseg]
    real_dt = np.dtype(jnp.result_type(jnp.real(segs)))
    win, size = _window(window, nperseg, real_dt, "istft")
    if size != nperseg:
        raise ValueError(f"istft: window must have length of nperseg ({nperseg}), got {size}")
    segs = segs * (jnp.sum(win) * win)
    x = _overlap_add(segs, nstep)
    count = int(shape(segs)[-2])
    norm = _overlap_add(jnp.broadcast_to(win * win, (count, nperseg)), nstep)
    if boundary:
        half = nperseg // 2
        x, norm = x[..., half:int(shape(x)[-1]) - half], norm[half:int(shape(norm)[-1]) - half]
    x = x / jnp.where(norm > 1e-10, norm, 1.0)
    if ndim(x) > 1 and time_axis != nd - 1:
        x = jnp.moveaxis(x, -1, time_axis - 1 if freq_axis < time_axis else time_axis)
    # NOTE: the times count along the first axis of x, whatever time_axis is (scipy's and JAX's quirk)
    time = np.arange(int(shape(x)[0])).astype(real_dt) / fs
    return time, x
