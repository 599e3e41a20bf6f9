"""jaxlike.numpy.fft against numpy.fft: every transform traced (reference backend) with numpy's n/s/axes/norm
and dtypes, its derivatives to second order against finite differences, one numba-compiled function, and its
argument errors.

What it catches: a norm applied to the wrong direction, a crop/pad on the wrong axis, rfft's half spectrum cut
one short (odd lengths), irfft's Hermitian extension mirrored off by one or not conjugated, the inverse of the
other axes of irfftn applied after the Hermitian extension (it does not commute with conj), float32 input
computed or returned in complex128, a VJP that conjugates (JAX's convention transposes).
"""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike.test_util import check_grads

_R = np.random.default_rng(11)
X = _R.normal(size=(3, 8))
Z = X + 1j * _R.normal(size=(3, 8))
X5 = _R.normal(size=(4, 5))

CASES = {
    "fft": (lambda m, a: m.fft.fft(a), (Z,)),
    "fft n crop": (lambda m, a: m.fft.fft(a, 5), (Z,)),
    "fft n pad axis 0": (lambda m, a: m.fft.fft(a, 6, axis=0), (Z,)),
    "ifft ortho": (lambda m, a: m.fft.ifft(a, norm="ortho"), (Z,)),
    "ifft forward": (lambda m, a: m.fft.ifft(a, norm="forward"), (Z,)),
    "fft forward": (lambda m, a: m.fft.fft(a, norm="forward"), (Z,)),
    "fft of real": (lambda m, a: m.fft.fft(a), (X,)),
    "fft2": (lambda m, a: m.fft.fft2(a), (Z,)),
    "ifftn s": (lambda m, a: m.fft.ifftn(a, s=(4, 6), axes=(0, 1)), (Z,)),
    "rfft": (lambda m, a: m.fft.rfft(a), (X,)),
    "rfft odd": (lambda m, a: m.fft.rfft(a), (X5,)),
    "rfft n axis 0": (lambda m, a: m.fft.rfft(a, 11, axis=0), (X,)),
    "irfft": (lambda m, a: m.fft.irfft(a), (Z,)),
    "irfft odd n": (lambda m, a: m.fft.irfft(a, 7), (Z,)),
    "irfft long n ortho": (lambda m, a: m.fft.irfft(a, 20, norm="ortho"), (Z,)),
    "rfft2": (lambda m, a: m.fft.rfft2(a), (X,)),
    "irfft2": (lambda m, a: m.fft.irfft2(a), (Z,)),
    "rfftn axes": (lambda m, a: m.fft.rfftn(a, axes=(1, 0)), (X,)),
    "irfftn s": (lambda m, a: m.fft.irfftn(a, s=(2, 9), axes=(0, 1)), (Z,)),
    "hfft": (lambda m, a: m.fft.hfft(a), (Z,)),
    "ihfft ortho": (lambda m, a: m.fft.ihfft(a, norm="ortho"), (X,)),
    "fftshift": (lambda m, a: m.fft.fftshift(a), (X5,)),
    "ifftshift axes": (lambda m, a: m.fft.ifftshift(a, axes=1), (X5,)),
    "float32 rfft": (lambda m, a: m.fft.rfft(a), (X.astype(np.float32),)),
    "round trip": (lambda m, a: m.fft.irfft(m.fft.rfft(a), 8), (X,)),
}
GRAD_ORDER_2 = {"fft n crop", "irfft odd n", "irfftn s", "hfft", "rfft odd", "fft2"}


@pytest.mark.parametrize("name", list(CASES))
def test_against_numpy_and_finite_differences(name):
    fn, args = CASES[name]
    want = fn(np, *args)
    got = jaxlike.compile(lambda *a: fn(jnp, *a), mode="FAST_COMPILE")(*args)
    assert np.asarray(got).dtype == want.dtype and np.shape(got) == want.shape
    tol = 1e-5 if want.dtype in (np.complex64, np.float32) else 1e-12
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)
    np.testing.assert_allclose(fn(jnp, *args), want, rtol=tol, atol=tol)     # plain arrays: numpy itself
    if want.dtype not in (np.complex64, np.float32):
        check_grads(lambda *a: fn(jnp, *a), args, order=2 if name in GRAD_ORDER_2 else 1)


def test_compiled_spectral_loss():
    """One numba-compiled value and gradient: a power-spectrum penalty and a circular convolution."""
    kernel = np.fft.rfft(np.array([0.5, 0.25, 0, 0, 0, 0, 0, 0.25]))

    def loss(x):
        smooth = jnp.fft.irfft(jnp.fft.rfft(x) * kernel, 8)
        return jnp.sum(jnp.abs(jnp.fft.fft(x)[..., 1:3]) ** 2) + jnp.sum(smooth ** 2)
    v, g = jaxlike.compile(jaxlike.value_and_grad(loss))(X)
    want = np.sum(np.abs(np.fft.fft(X)[..., 1:3]) ** 2) + np.sum(np.fft.irfft(np.fft.rfft(X) * kernel, 8) ** 2)
    assert np.isclose(v, want, rtol=1e-12)
    np.testing.assert_allclose(g, jaxlike.grad(loss)(X), rtol=1e-10, atol=1e-12)


def test_bad_arguments():
    """Catches: an unknown norm treated as the default, s and axes of different lengths zipped short,
    complex input to rfft silently dropping its imaginary part."""
    traced = lambda f: jaxlike.compile(f, mode="FAST_COMPILE")     # noqa: E731
    with pytest.raises(ValueError, match="Invalid norm"):
        traced(lambda a: jnp.fft.fft(a, norm="unitary"))(Z)
    with pytest.raises(ValueError, match="different lengths"):
        traced(lambda a: jnp.fft.fftn(a, s=(2, 3), axes=(0,)))(Z)
    with pytest.raises(TypeError, match="expected real input"):
        traced(lambda a: jnp.fft.rfft(a))(Z)
    with pytest.raises(ValueError, match="at least 1"):
        traced(lambda a: jnp.fft.fft(a, 0))(Z)


def test_axes_and_sizes_are_checked_not_wrapped():
    """Catches: irfft's axis taken modulo the rank (axis=5 of a matrix silently transformed axis 1, and a 0-d
    input crashed with ZeroDivisionError), a non-integer n or axis truncated (n=2.5 cropped to 2), and
    fftshift's out-of-range axes crashing with IndexError."""
    traced = lambda f: jaxlike.compile(f, mode="FAST_COMPILE")     # noqa: E731
    for fn, arg in [(lambda a: jnp.fft.irfft(a, axis=5), Z), (lambda a: jnp.fft.irfft(a, axis=-3), Z),
                    (lambda a: jnp.fft.irfft(a), np.zeros(())), (lambda a: jnp.fft.hfft(a), np.zeros(())),
                    (lambda a: jnp.fft.fftshift(a, axes=5), X), (lambda a: jnp.fft.irfftn(a, axes=(0, 2)), Z)]:
        with pytest.raises(np.exceptions.AxisError, match="out of range"):
            traced(fn)(arg)
    for fn in [lambda a: jnp.fft.fft(a, n=2.5), lambda a: jnp.fft.fft(a, axis=1.5),
               lambda a: jnp.fft.rfftn(a, s=(2.0, 3))]:
        with pytest.raises(TypeError, match="must be integers"):
            traced(fn)(X)
    with pytest.raises(TypeError, match="must be integers"):
        jnp.fft.fftfreq(2.5)
    np.testing.assert_allclose(traced(lambda a: jnp.fft.irfft(a, axis=np.int64(-2)))(Z), np.fft.irfft(Z, axis=-2))
