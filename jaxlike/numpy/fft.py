"""``jaxlike.numpy.fft``: numpy's discrete Fourier transforms over traced values, differentiable (fft, ifft,
fft2, ifft2, fftn, ifftn, rfft, irfft, rfft2, irfft2, rfftn, irfftn, hfft, ihfft; fftfreq, rfftfreq, fftshift,
ifftshift). numpy's ``n``/``s`` (crop or zero-pad each axis first) and ``norm`` ("backward", "ortho",
"forward") hold; float32 input gives complex64, as numpy 2.

Everything binds the one complex primitive ``ops.fft``. The real transforms are built from it: rfft is the
complex transform of the real input with the redundant half dropped, irfft extends the half spectrum to the
Hermitian full one (conjugates mirrored) before the inverse and keeps the real part, which is what numpy's
c2r computes (the imaginary parts of the zero and Nyquist terms drop out). That costs about twice a dedicated
real transform, and gives their derivatives from the primitive's with no rule of their own.
Plain arrays go straight to ``numpy.fft``. A front-end module: imports ops and jaxlike.numpy."""

import operator

import numpy as np

from ..ops import fft as _F
from ._base import asarray_or_var, is_traced, ndim, shape, dtype_of
from . import _shape as _sh
from ._complex import conj, real
from ._elementwise import astype
from ._more_shape import pad, flip, roll

_NORMS = (None, "backward", "ortho", "forward")


def _complex_dtype(dt):
    dt = np.dtype(dt)
    if dt.kind == "c":
        return dt
    return np.dtype(np.complex64) if dt in (np.float32, np.float16) else np.dtype(np.complex128)


def _norm_factor(norm, count, inverse):
    if norm not in _NORMS:
        raise ValueError(f'Invalid norm value {norm!r}; should be "backward", "ortho" or "forward".')
    if norm == "ortho":
        return 1.0 / np.sqrt(count)
    scaled = ("forward",) if not inverse else (None, "backward")
    return 1.0 / count if norm in scaled else 1.0


def _integers(values, what, fname):
    """``values`` (one or a sequence) as a tuple of ints; a float such as n=2.5 raises instead of truncating."""
    try:
        return tuple(operator.index(v) for v in np.atleast_1d(np.asarray(values, dtype=object)).ravel())
    except TypeError:
        raise TypeError(f"{fname}: {what} must be integers, got {values!r}") from None


def _axes(x, s, axes, fname):
    nd = ndim(x)
    if axes is None:
        axes = tuple(range(nd - len(s), nd)) if s is not None else tuple(range(nd))
    given = _integers(axes, "axes", fname)
    if any(not -nd <= a < nd for a in given):
        raise np.exceptions.AxisError(f"{fname}: axes {given} out of range for an array of rank {nd}")
    return tuple(a + nd if a < 0 else a for a in given)


def _axes_and_sizes(x, s, axes, fname):
    axes = _axes(x, s, axes, fname)
    if s is None:
        s = tuple(int(shape(x)[a]) for a in axes)
    s = _integers(s, "the sizes n/s", fname)
    if len(s) != len(axes):
        raise ValueError(f"{fname}: shape s {s} and axes {axes} have different lengths")
    if any(n < 1 for n in s):
        raise ValueError(f"{fname}: invalid number of data points {s}; each must be at least 1")
    return axes, s


def _cut(x, axis, start, stop):
    return x[(slice(None),) * axis + (slice(start, stop),)]


def _fit(x, axis, n):
    """Crop or zero-pad axis to n points."""
    have = int(shape(x)[axis])
    if have > n:
        return _cut(x, axis, 0, n)
    if have < n:
        widths = [(0, 0)] * ndim(x)
        widths[axis] = (0, n - have)
        return pad(x, widths)
    return x


def _c2c(x, s, axes, norm, inverse, fname):
    x = asarray_or_var(x)
    axes, s = _axes_and_sizes(x, s, axes, fname)
    for a, n in zip(axes, s):
        x = _fit(x, a, n)
    x = _as_complex(x)
    out = _F.fft(x, axes=axes, inverse=inverse)
    factor = _norm_factor(norm, int(np.prod(s)), inverse)
    return out if factor == 1.0 else out * np.asarray(factor, np.finfo(dtype_of(out)).dtype)


def _as_complex(x):
    dt = _complex_dtype(dtype_of(x))
    return x if dtype_of(x) == dt else astype(x, dt)


def _numpy_or(fn, x, *args, **kw):
    x = asarray_or_var(x)
    return None if is_traced(x) else getattr(np.fft, fn)(x, *args, **kw)


def fftn(a, s=None, axes=None, norm=None):
    plain = _numpy_or("fftn", a, s, axes, norm)
    return plain if plain is not None else _c2c(a, s, axes, norm, False, "fftn")


def ifftn(a, s=None, axes=None, norm=None):
    plain = _numpy_or("ifftn", a, s, axes, norm)
    return plain if plain is not None else _c2c(a, s, axes, norm, True, "ifftn")


def fft(a, n=None, axis=-1, norm=None):
    plain = _numpy_or("fft", a, n, axis, norm)
    return plain if plain is not None else _c2c(a, None if n is None else (n,), (axis,), norm, False, "fft")


def ifft(a, n=None, axis=-1, norm=None):
    plain = _numpy_or("ifft", a, n, axis, norm)
    return plain if plain is not None else _c2c(a, None if n is None else (n,), (axis,), norm, True, "ifft")


def fft2(a, s=None, axes=(-2, -1), norm=None):
    return fftn(a, s, axes, norm)


def ifft2(a, s=None, axes=(-2, -1), norm=None):
    return ifftn(a, s, axes, norm)


def rfftn(a, s=None, axes=None, norm=None):
    """The n-d transform of real input, the last axis cut to n // 2 + 1 (the rest are conjugates)."""
    plain = _numpy_or("rfftn", a, s, axes, norm)
    if plain is not None:
        return plain
    a = asarray_or_var(a)
    if dtype_of(a).kind == "c":
        raise TypeError(f"rfftn: expected real input, got {dtype_of(a)}")
    axes, s = _axes_and_sizes(a, s, axes, "rfftn")
    full = _c2c(a, s, axes, norm, False, "rfftn")
    return _cut(full, axes[-1], 0, s[-1] // 2 + 1)


def irfftn(a, s=None, axes=None, norm=None):
    """The inverse of rfftn: real output, the last axis of length s[-1] (default 2 (m - 1))."""
    plain = _numpy_or("irfftn", a, s, axes, norm)
    if plain is not None:
        return plain
    a = asarray_or_var(a)
    # NOTE: axes are checked before the default s reads them (x % ndim would wrap a bad axis onto a good one)
    axes = _axes(a, s, axes, "irfftn")
    if s is None:
        s = tuple(int(shape(a)[x]) for x in axes[:-1]) + (2 * (int(shape(a)[axes[-1]]) - 1),)
    axes, s = _axes_and_sizes(a, s, axes, "irfftn")
    last, n = axes[-1], s[-1]
    x = _as_complex(a)
    if len(axes) > 1:
        x = _c2c(x, s[:-1], axes[:-1], norm, True, "irfftn")
    half = _fit(x, last, n // 2 + 1)
    mirrored = conj(flip(_cut(half, last, 1, (n + 1) // 2), axis=last))
    full = _sh.concatenate([half, mirrored], axis=last)
    out = real(_F.fft(full, axes=(last,), inverse=True))
    factor = _norm_factor(norm, n, True)
    return out if factor == 1.0 else out * np.asarray(factor, dtype_of(out))


def rfft(a, n=None, axis=-1, norm=None):
    plain = _numpy_or("rfft", a, n, axis, norm)
    return plain if plain is not None else rfftn(a, None if n is None else (n,), (axis,), norm)


def irfft(a, n=None, axis=-1, norm=None):
    plain = _numpy_or("irfft", a, n, axis, norm)
    return plain if plain is not None else irfftn(a, None if n is None else (n,), (axis,), norm)


def rfft2(a, s=None, axes=(-2, -1), norm=None):
    return rfftn(a, s, axes, norm)


def irfft2(a, s=None, axes=(-2, -1), norm=None):
    return irfftn(a, s, axes, norm)


def _swap_direction(norm):
    if norm not in _NORMS:
        raise ValueError(f'Invalid norm value {norm!r}; should be "backward", "ortho" or "forward".')
    return {None: "forward", "backward": "forward", "ortho": "ortho", "forward": "backward"}[norm]


def hfft(a, n=None, axis=-1, norm=None):
    """The transform of a signal with Hermitian symmetry, given its first half: real output of length n."""
    plain = _numpy_or("hfft", a, n, axis, norm)
    return plain if plain is not None else irfft(conj(asarray_or_var(a)), n, axis, _swap_direction(norm))


def ihfft(a, n=None, axis=-1, norm=None):
    plain = _numpy_or("ihfft", a, n, axis, norm)
    return plain if plain is not None else conj(rfft(a, n, axis, _swap_direction(norm)))


def fftfreq(n, d=1.0, *, dtype=None):
    """Sample frequencies of an n-point transform (a numpy array: n and d are numbers)."""
    out = np.fft.fftfreq(_integers(n, "n", "fftfreq")[0], d)
    return out.astype(dtype) if dtype is not None else out


def rfftfreq(n, d=1.0, *, dtype=None):
    out = np.fft.rfftfreq(_integers(n, "n", "rfftfreq")[0], d)
    return out.astype(dtype) if dtype is not None else out


def _shift(x, axes, sign, fname):
    x = asarray_or_var(x)
    if not is_traced(x):
        return getattr(np.fft, fname)(x, axes)
    axes = _axes(x, None, axes, fname)
    return roll(x, tuple(sign * (int(shape(x)[a]) // 2) for a in axes), axis=axes)


def fftshift(x, axes=None):
    """The zero frequency moved to the centre."""
    return _shift(x, axes, 1, "fftshift")


def ifftshift(x, axes=None):
    return _shift(x, axes, -1, "ifftshift")


__all__ = ["fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft", "irfft", "rfft2", "irfft2", "rfftn", "irfftn",
           "hfft", "ihfft", "fftfreq", "rfftfreq", "fftshift", "ifftshift"]
