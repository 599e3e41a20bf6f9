"""``jaxlike.scipy.fft``, as ``jax.scipy.fft``: the discrete cosine transform of type 2 and its inverse, on
one axis (``dct``, ``idct``, length ``n``) or several (``dctn``, ``idctn``, shape ``s``), with ``norm`` None
(= "backward") or "ortho". Like JAX, only type 2 exists; other types raise NotImplementedError.

Both go through one complex FFT of the same length (Makhoul's reordering): the forward transform reads the
input with the even samples first and the odd ones reversed after them, and rotates the spectrum by
exp(-i pi k / 2N); the inverse undoes the rotation (pairing y_k with y_{N-k}), runs the inverse FFT and
puts the samples back in place. The reorderings are fixed gathers and the rotations real products, so the
derivatives come from ``jnp.fft``'s. Complex input is transformed as its real and imaginary parts.
A front-end module: imports jaxlike.numpy."""

import operator

import numpy as np

from .. import numpy as jnp
from ..numpy._base import asarray_or_var, ndim, shape, from_parts

__all__ = ["dct", "dctn", "idct", "idctn"]


def _check(x, type, norm, fname):
    if type != 2:
        raise NotImplementedError(f"{fname}: only type=2 is implemented (as in JAX), got type={type!r}")
    if norm not in (None, "backward", "ortho"):
        raise ValueError(f"{fname}: norm must be None, 'backward' or 'ortho', got {norm!r}")
    x = asarray_or_var(x)
    if np.dtype(jnp.result_type(x)).kind not in "fc":
        x = jnp.asarray(x, dtype=np.float64)
    return x


def _axis(axis, nd, fname):
    try:
        axis = operator.index(axis)
    except TypeError:
        raise TypeError(f"{fname}: axis must be an integer, got {axis!r}") from None
    if not -nd <= axis < nd:
        raise ValueError(f"{fname}: axis {axis} out of range for an array of rank {nd}")
    return axis % nd


def _resize(x, axis, n, fname):
    """x cut or zero-padded at the end of ``axis`` to length n."""
    size = int(shape(x)[axis])
    if n is None or n == size:
        return x
    try:
        n = operator.index(n)
    except TypeError:
        raise TypeError(f"{fname}: n must be an integer, got {n!r}") from None
    if n < 1:
        raise ValueError(f"{fname}: n (the transform length) must be positive, got {n}")
    if n < size:
        return jnp.take(x, np.arange(n), axis=axis)
    pads = [(0, n - size if a == axis else 0) for a in range(ndim(x))]
    return jnp.pad(x, pads)


def _ortho_factors(n, dtype):
    f = np.full(n, np.sqrt(1.0 / (2 * n)))
    f[0] = np.sqrt(1.0 / (4 * n))
    return f.astype(dtype)


def _along(values, axis, nd):
    return values.reshape(tuple(-1 if a == axis else 1 for a in range(nd)))


def _split(fn, x, *args):
    """fn on the real and imaginary parts of a complex x, recombined; fn itself on a real one."""
    if np.dtype(jnp.result_type(x)).kind == "c":
        return from_parts(fn(jnp.real(x), *args), fn(jnp.imag(x), *args))
    return fn(x, *args)


def _dct_real(x, axis, norm):
    nd, n = ndim(x), int(shape(x)[axis])
    dt = np.dtype(jnp.result_type(x))
    order = np.r_[np.arange(0, n, 2), np.arange(n - 1 - (n % 2 == 1), 0, -2)] if n > 1 else np.arange(1)
    spectrum = jnp.fft.fft(jnp.take(x, order, axis=axis), axis=axis)
    theta = np.pi * np.arange(n) / (2 * n)
    out = 2 * (jnp.real(spectrum) * _along(np.cos(theta).astype(dt), axis, nd)
               + jnp.imag(spectrum) * _along(np.sin(theta).astype(dt), axis, nd))
    if norm == "ortho":
        out = out * _along(_ortho_factors(n, dt), axis, nd)
    return out


def _idct_real(y, axis, norm):
    nd, n = ndim(y), int(shape(y)[axis])
    dt = np.dtype(jnp.result_type(y))
    if norm == "ortho":
        y = y / _along(_ortho_factors(n, dt), axis, nd)
    # y_{N-k} for k = 0..N-1, with y_N = 0
    mirrored = jnp.take(y, np.r_[0, np.arange(n - 1, 0, -1)], axis=axis) * _along(
        np.r_[0.0, np.ones(n - 1)].astype(dt), axis, nd)
    theta = np.pi * np.arange(n) / (2 * n)
    c, s = _along(np.cos(theta).astype(dt), axis, nd), _along(np.sin(theta).astype(dt), axis, nd)
    # (cos + i sin)(y_k - i y_{N-k}) / 2
    spectrum = from_parts((y * c + mirrored * s) * 0.5, (y * s - mirrored * c) * 0.5)
    v = jnp.real(jnp.fft.ifft(spectrum, axis=axis))
    order = np.r_[np.arange(0, n, 2), np.arange(n - 1 - (n % 2 == 1), 0, -2)] if n > 1 else np.arange(1)
    return jnp.take(v, np.argsort(order), axis=axis)


def dct(x, type=2, n=None, axis=-1, norm=None):
    """The type-2 DCT of ``x`` along ``axis`` (cut or zero-padded to length ``n``), scipy's scaling:
    y_k = 2 sum_n x_n cos(pi k (2n + 1) / 2N), or orthonormal with ``norm="ortho"``."""
    x = _check(x, type, norm, "dct")
    axis = _axis(axis, ndim(x), "dct")
    return _split(_dct_real, _resize(x, axis, n, "dct"), axis, norm)


def idct(x, type=2, n=None, axis=-1, norm=None):
    """The inverse of ``dct`` (a type-3 DCT, scaled by 1/2N unless ``norm="ortho"``) along ``axis``."""
    x = _check(x, type, norm, "idct")
    axis = _axis(axis, ndim(x), "idct")
    return _split(_idct_real, _resize(x, axis, n, "idct"), axis, norm)


def _axes_and_sizes(x, s, axes, fname):
    nd = ndim(x)
    if s is not None:
        try:
            s = [operator.index(v) for v in np.atleast_1d(np.asarray(s, dtype=object)).ravel()]
        except TypeError:
            raise TypeError(f"{fname}: s must be integers, got {s!r}") from None
        if len(s) > nd:
            raise ValueError(f"{fname}: s must have at most x.ndim ({nd}) elements, got {len(s)}")
    if axes is None:
        axes = list(range(nd - len(s), nd)) if s is not None else list(range(nd))
    else:
        axes = [_axis(a, nd, fname) for a in np.atleast_1d(np.asarray(axes, dtype=object)).ravel()]
    if s is not None and len(s) != len(axes):
        raise ValueError(f"{fname}: s and axes must have the same length, got {len(s)} and {len(axes)}")
    return axes, (s if s is not None else [None] * len(axes))


def _along_axes(kernel, x, type, s, axes, norm, fname):
    x = _check(x, type, norm, fname)
    axes, sizes = _axes_and_sizes(x, s, axes, fname)
    for axis, n in zip(axes, sizes):
        x = _split(kernel, _resize(x, axis, n, fname), axis, norm)
    return x


def dctn(x, type=2, s=None, axes=None, norm=None):
    """The type-2 DCT over several axes (all by default, or the last len(s)), each cut or padded to ``s``."""
    return _along_axes(_dct_real, x, type, s, axes, norm, "dctn")


def idctn(x, type=2, s=None, axes=None, norm=None):
    """The inverse of ``dctn`` over several axes (all by default, or the last len(s))."""
    return _along_axes(_idct_real, x, type, s, axes, norm, "idctn")
