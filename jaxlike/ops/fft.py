"""The discrete Fourier transform: ``fft`` of a complex array over a tuple of axes, forward (exp(-2 pi i jk/n))
or ``inverse`` (exp(+2 pi i jk/n)), unnormalized both ways; ``jaxlike.numpy.fft`` scales it (numpy's ``norm``)
and builds the real transforms from it.

Linear, so its JVP is the transform of the tangent; its VJP, under JAX's convention for complex values (the
transpose, not the adjoint: see ops/math.py), is the same transform of the cotangent, as the DFT matrix is
symmetric. OPAQUE: numba has no FFT, so the CPU backend runs numpy's pocketfft through objmode.
Imports core and ops only."""

import numpy as np

from ..core.types import TensorType
from ..core.primitive import Primitive, Kind, LINEAR, register
from ._rules import Sample
from ._batch import shifted


def _shape(x, *, axes, inverse):
    if x.dtype.kind != "c":
        raise TypeError(f"fft transforms complex arrays (the numpy-style wrappers convert), got {x.dtype}")
    if len(set(axes)) != len(axes) or any(not 0 <= a < x.ndim for a in axes):
        raise ValueError(f"fft: axes {axes} must be distinct axes of an array of rank {x.ndim}")
    return TensorType(x.dtype, x.shape)


def _numpy(x, *, axes, inverse):
    x = np.asarray(x)
    if not axes or any(x.shape[a] == 0 for a in axes):
        return x.copy()     # NOTE: pocketfft refuses 0 points; the transform of nothing is nothing
    # NOTE: norm="forward" leaves numpy's inverse unscaled (it scales the forward transform instead)
    out = np.fft.ifftn(x, axes=axes, norm="forward") if inverse else np.fft.fftn(x, axes=axes)
    return out.astype(x.dtype, copy=False)


def _samples(rng):
    def c(*shape):
        return (rng.uniform(-1, 1, shape) + 1j * rng.uniform(-1, 1, shape)).astype(np.complex128)
    return [Sample(c(5), axes=(0,), inverse=False), Sample(c(4), axes=(0,), inverse=True),
            Sample(c(3, 4), axes=(0, 1), inverse=False), Sample(c(2, 3, 4), axes=(2,), inverse=True),
            Sample(c(2, 3, 4), axes=(0, 2), inverse=False), Sample(c(0, 3), axes=(0,), inverse=False),
            Sample(c(1, 3).astype(np.complex64), axes=(1,), inverse=False)]


fft = register(Primitive(
    "fft", Kind.OPAQUE, shape=_shape, numpy=_numpy,
    vjp=lambda g, ans, x, *, axes, inverse: (fft(g, axes=axes, inverse=inverse),), jvp=LINEAR,
    batch=shifted(lambda: fft, "axes"), samples=_samples,
    doc="unnormalized discrete Fourier transform over axes (inverse: the conjugate kernel, no 1/n)"))

__all__ = ["fft"]
