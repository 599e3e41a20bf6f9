"""jaxlike.scipy's signal, fft (DCT), integrate, ndimage, interpolate and cluster modules and the stats
additions (gumbel_l, gumbel_r, vonmises, sem, mode, rankdata) against scipy: on plain arrays, traced (one
compiled function checks them all) and differentiated (against finite differences).

What it catches: "same" mode centred on the wrong input when the inputs are swapped (scipy centres on in1),
correlate2d's own "same" centring for an even kernel, the FFT crop off by one for an even full length, the
DCT reordering wrong for odd lengths, the inverse DCT pairing y_k with the wrong mirror term, a map_coordinates
fold ("reflect", "mirror") off by one outside the input, an interpolator gathering a numpy table with traced
indices, Gumbel tails that round to 0 (log(1 - exp(-a)) by the wrong formula), ties ranked by position.
"""

import warnings

import numpy as np
import pytest
import scipy.cluster.vq as SV
import scipy.fft as SF
import scipy.integrate as SI
import scipy.interpolate as SIP
import scipy.ndimage as SN
import scipy.signal as SS
import scipy.stats as ST

import jaxlike
import jaxlike.numpy as jnp
import jaxlike.scipy.fft as F
import jaxlike.scipy.integrate as I
import jaxlike.scipy.interpolate as IP
import jaxlike.scipy.ndimage as N
import jaxlike.scipy.signal as S
import jaxlike.scipy.stats as J
from jaxlike.scipy.cluster import vq as VQ
from jaxlike.test_util import check_grads

from _scipy_checks import close

RNG = np.random.default_rng(0)
SHAPES = [((7,), (3,)), ((3,), (7,)), ((6,), (6,)), ((5,), (4,)), ((4, 5), (2, 3)), ((2, 3), (4, 5)),
          ((4, 4), (4, 2)), ((3, 4, 5), (2, 2, 3))]


def _pair(s1, s2, complex_):
    a, b = RNG.normal(size=s1), RNG.normal(size=s2)
    if complex_:
        a, b = a + 1j * RNG.normal(size=s1), b + 1j * RNG.normal(size=s2)
    return a, b


@pytest.mark.parametrize("complex_", [False, True], ids=["real", "complex"])
@pytest.mark.parametrize("s1, s2", SHAPES, ids=[f"{a}x{b}" for a, b in SHAPES])
def test_convolve_and_correlate_match_scipy(s1, s2, complex_):
    a, b = _pair(s1, s2, complex_)
    for mode in ["full", "same", "valid"]:
        for method in ["direct", "fft"]:
            for name in ["convolve", "correlate"]:
                got = getattr(S, name)(a, b, mode, method=method)
                want = getattr(SS, name)(a, b, mode, method=method)
                assert got.shape == want.shape, (name, mode, method)
                np.testing.assert_allclose(got, want, atol=1e-12, err_msg=f"{name} {mode} {method}")
        np.testing.assert_allclose(S.fftconvolve(a, b, mode), SS.fftconvolve(a, b, mode), atol=1e-12)
        if len(s1) == 2:
            np.testing.assert_allclose(S.convolve2d(a, b, mode), SS.convolve2d(a, b, mode), atol=1e-12)
            got, want = S.correlate2d(a, b, mode), SS.correlate2d(a, b, mode)
            assert got.shape == want.shape
            np.testing.assert_allclose(got, want, atol=1e-12, err_msg=f"correlate2d {mode}")


def test_fftconvolve_axes_and_dtypes():
    a, b = RNG.normal(size=(4, 9)), RNG.normal(size=(4, 3))
    for mode in ["full", "same", "valid"]:
        np.testing.assert_allclose(S.fftconvolve(a, b, mode, axes=1), SS.fftconvolve(a, b, mode, axes=1), atol=1e-12)
        np.testing.assert_allclose(S.fftconvolve(a, b, mode, axes=[-1]), SS.fftconvolve(a, b, mode, axes=-1),
                                   atol=1e-12)
    got = S.convolve(np.array([1, 2, 3, 2, 1]), np.array([1, 1, 1]))
    assert got.dtype == np.float64 and got.tolist() == [1, 3, 6, 7, 6, 3, 1]
    assert S.convolve(a.astype(np.float32), b.astype(np.float32)).dtype == np.float32


def test_detrend_matches_scipy():
    d = RNG.normal(size=(3, 11)).cumsum(1) + 1j * RNG.normal(size=(3, 11))
    for type_ in ["linear", "constant"]:
        for axis, bps in [(1, [0, [3], [2, 7], [10], [1, 2]]), (-1, [[5]]), (0, [0, [1], [2]])]:
            for bp in bps:
                np.testing.assert_allclose(S.detrend(d, axis, type_, bp), SS.detrend(d, axis, type_, bp),
                                           atol=1e-12, err_msg=f"{type_} axis={axis} bp={bp}")
    np.testing.assert_allclose(S.detrend(np.arange(6) ** 2), SS.detrend((np.arange(6) ** 2).astype(float)),
                               atol=1e-12)


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 8, 9])
def test_dct_and_idct_match_scipy(n):
    x = RNG.normal(size=(3, n))
    for v in [x, x + 1j * RNG.normal(size=(3, n))]:
        for norm in [None, "backward", "ortho"]:
            for kw in [{}, dict(axis=0), dict(n=4), dict(n=6, axis=-1)]:
                for name in ["dct", "idct"]:
                    got, want = getattr(F, name)(v, norm=norm, **kw), getattr(SF, name)(v, norm=norm, **kw)
                    assert got.dtype == want.dtype and got.shape == want.shape, (name, norm, kw)
                    np.testing.assert_allclose(got, want, atol=1e-12, err_msg=f"{name} {norm} {kw}")


def test_dctn_idctn_match_scipy():
    x = RNG.normal(size=(3, 4, 5))
    for norm in [None, "ortho"]:
        for kw in [{}, dict(s=(3, 7)), dict(axes=(0, 2)), dict(s=(2, 6), axes=(2, 0)), dict(axes=1)]:
            np.testing.assert_allclose(F.dctn(x, norm=norm, **kw), SF.dctn(x, norm=norm, **kw), atol=1e-12)
            np.testing.assert_allclose(F.idctn(x, norm=norm, **kw), SF.idctn(x, norm=norm, **kw), atol=1e-12)
    np.testing.assert_allclose(F.idctn(F.dctn(x)), x, atol=1e-12)
    got = F.dct(x.astype(np.float32))
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, SF.dct(x), rtol=1e-5, atol=1e-5)


def test_trapezoid_matches_scipy():
    y, x = RNG.normal(size=(4, 6)), np.sort(RNG.normal(size=6))
    np.testing.assert_allclose(I.trapezoid(y), SI.trapezoid(y))
    np.testing.assert_allclose(I.trapezoid(y, x), SI.trapezoid(y, x))
    np.testing.assert_allclose(I.trapezoid(y, dx=0.3, axis=0), SI.trapezoid(y, dx=0.3, axis=0))
    assert I.trapezoid(np.arange(5)) == 8.0


# JAX's "constant" and "wrap" are scipy's "grid-constant" and "grid-wrap"
_SCIPY_MODE = {"constant": "grid-constant", "wrap": "grid-wrap"}


@pytest.mark.parametrize("shape", [(7,), (4, 5), (3, 2, 4)], ids=str)
def test_map_coordinates_matches_scipy(shape):
    img = RNG.normal(size=shape)
    coords = [RNG.uniform(-3, s + 2, size=(2, 5)) for s in shape]
    for order in [0, 1]:
        for mode in ["constant", "nearest", "wrap", "mirror", "reflect"]:
            got = N.map_coordinates(img, coords, order, mode, cval=1.5)
            want = SN.map_coordinates(img, np.array(coords), order=order, mode=_SCIPY_MODE.get(mode, mode),
                                      cval=1.5)
            assert got.shape == want.shape
            np.testing.assert_allclose(got, want, atol=1e-12, err_msg=f"order={order} mode={mode}")
    ints = RNG.integers(0, 100, size=shape)
    got = N.map_coordinates(ints, np.array(coords), 1, "nearest")
    assert got.dtype == ints.dtype
    np.testing.assert_array_equal(got, SN.map_coordinates(ints, np.array(coords), order=1, mode="nearest"))


def test_regular_grid_interpolator_matches_scipy():
    grid = (np.sort(RNG.uniform(0, 5, 5)), np.array([0.0, 1, 2.5]))
    q = np.stack([RNG.uniform(-1, 6, 9), RNG.uniform(-0.5, 3, 9)], -1)
    for values in [RNG.normal(size=(5, 3)), RNG.normal(size=(5, 3, 2))]:
        for method in ["linear", "nearest"]:
            for fill in [np.nan, 0.5, None]:
                got = IP.RegularGridInterpolator(grid, values, method, False, fill)(q)
                want = SIP.RegularGridInterpolator(grid, values, method, False, fill)(q)
                close(got, want, 1e-12, f"{method} fill={fill}", atol=1e-12)
            interp = IP.RegularGridInterpolator(grid, values, method)
            want = SIP.RegularGridInterpolator(grid, values, method, False)
            close(interp((q[:, 0], q[:, 1])), want((q[:, 0], q[:, 1])), 1e-12, "tuple", atol=1e-12)
            close(interp(q.reshape(3, 3, 2)), want(q.reshape(3, 3, 2)), 1e-12, "3x3 points", atol=1e-12)


X = np.array([-800, -40, -3, -1, 0, 0.5, 1.5, 3, 10, 40, 800.0])


@pytest.mark.parametrize("dist", ["gumbel_l", "gumbel_r"])
def test_gumbel_matches_scipy(dist):
    for fn in ["logpdf", "pdf", "logcdf", "cdf", "logsf", "sf"]:
        for args in [(), (0.3, 1.7), (0.3, -1.0)]:
            with np.errstate(all="ignore"):
                want = getattr(getattr(ST, dist), fn)(X, *args)
            close(getattr(getattr(J, dist), fn)(X, *args), want, 1e-12, f"{fn} {args}", atol=1e-300)
    p = np.array([-0.1, 0, 1e-300, 0.2, 0.5, 0.9, 1 - 1e-15, 1, 1.2])
    with np.errstate(all="ignore"):
        close(getattr(J, dist).ppf(p, 0.3, 1.7), getattr(ST, dist).ppf(p, 0.3, 1.7), 1e-12, "ppf")


def test_vonmises_matches_scipy():
    x = np.array([-3.0, -1, 0, 1, 2, 3.1])
    for kappa in [0.01, 0.5, 2.0, 50.0, 800.0]:
        close(J.vonmises.logpdf(x, kappa), ST.vonmises.logpdf(x, kappa), 1e-10, f"kappa={kappa}")
        close(J.vonmises.pdf(x, kappa), ST.vonmises.pdf(x, kappa), 1e-10, f"kappa={kappa}")
    # NOTE: periodic beyond [-pi, pi] (as JAX's), and NaN for a non-positive kappa
    np.testing.assert_allclose(J.vonmises.logpdf(x + 2 * np.pi, 2.0), ST.vonmises.logpdf(x, 2.0), rtol=1e-10)
    assert np.isnan(J.vonmises.logpdf(x, 0.0)).all() and np.isnan(J.vonmises.logpdf(x, -1.0)).all()


def test_sem_mode_rankdata_match_scipy():
    a = RNG.integers(0, 4, size=(7, 5)).astype(float)
    a[2, 1] = np.nan
    for axis in [0, 1, -1, None]:
        for keepdims in [False, True]:
            for policy in ["propagate", "omit"]:
                with np.errstate(all="ignore"), warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    want = ST.sem(a, axis, nan_policy=policy, keepdims=keepdims)
                close(J.sem(a, axis, nan_policy=policy, keepdims=keepdims), want, 1e-12, f"sem {axis} {policy}")
            for data in [a[:, 2:], a[:, 2:].astype(int)]:
                got, want = J.mode(data, axis, keepdims=keepdims), ST.mode(data, axis, keepdims=keepdims)
                np.testing.assert_array_equal(got.mode, want.mode)
                np.testing.assert_array_equal(got.count, want.count)
        for method in ["average", "min", "max", "dense", "ordinal"]:
            close(J.rankdata(a, method, axis=axis), ST.rankdata(a, method, axis=axis), 0, f"{method} {axis}")
            np.testing.assert_array_equal(J.rankdata(a[:, 2:], method, axis=axis),
                                          ST.rankdata(a[:, 2:], method, axis=axis))
    # NOTE: NaNs count as one value (JAX's mode, and scipy's); among tied counts the smallest value wins
    nan_col = np.array([[np.nan, 1.0], [np.nan, 3], [3, 3], [3, 1]])
    got = J.mode(nan_col)
    np.testing.assert_array_equal(got.mode, [3.0, 1.0])
    np.testing.assert_array_equal(got.count, [2, 2])
    np.testing.assert_array_equal(J.mode(np.array([[np.nan], [np.nan], [1.0]])).mode, [np.nan])


def test_vq_matches_scipy():
    obs, book = RNG.normal(size=(9, 3)), RNG.normal(size=(4, 3))
    for o, b in [(obs, book), (obs[:, 0], book[:, 0])]:
        code, dist = VQ.vq(o, b)
        want_code, want_dist = SV.vq(o, b)
        np.testing.assert_array_equal(code, want_code)
        np.testing.assert_allclose(dist, want_dist, rtol=1e-12)


def test_spectral_functions_match_scipy():
    x, y = RNG.normal(size=(2, 100)), RNG.normal(size=(2, 90))
    for kw in [{}, dict(nperseg=31, noverlap=10, nfft=40), dict(window=("tukey", 0.3), nperseg=16, detrend="linear"),
               dict(nperseg=16, scaling="spectrum", return_onesided=False), dict(nperseg=16, average="median"),
               dict(window=np.hanning(24), fs=3.0)]:
        for got, want in [(S.welch(x, **kw), SS.welch(x, **kw)), (S.csd(x, y, **kw), SS.csd(x, y, **kw))]:
            for g, w in zip(got, want):
                assert g.dtype == w.dtype and g.shape == w.shape, kw
                np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-13, err_msg=str(kw))
    long = RNG.normal(size=600)
    np.testing.assert_allclose(S.welch(long)[1], SS.welch(long)[1], rtol=1e-10)   # nperseg 256 by default
    for kw in [dict(nperseg=32), dict(nperseg=31, noverlap=10, nfft=40), dict(nperseg=16, boundary="even"),
               dict(nperseg=16, boundary="odd"), dict(nperseg=16, boundary=None, padded=False),
               dict(nperseg=16, return_onesided=False, window="hamming")]:
        got, want = S.stft(x, **kw), SS.stft(x, **kw)
        for g, w in zip(got, want):
            assert g.dtype == w.dtype and g.shape == w.shape, kw
            np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-13, err_msg=str(kw))
        inverse = {k: v for k, v in kw.items() if k in ("nperseg", "noverlap", "nfft", "window")}
        inverse.update(input_onesided=kw.get("return_onesided", True), boundary=kw.get("boundary", 1) is not None)
        for g, w in zip(S.istft(want[2], **inverse), SS.istft(want[2], **inverse)):
            np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-13, err_msg=f"istft {kw}")
    z = SS.stft(x.T, nperseg=16, axis=0)[2]
    np.testing.assert_allclose(S.stft(x.T, nperseg=16, axis=0)[2], z, atol=1e-13)
    np.testing.assert_allclose(S.istft(z, nperseg=16, time_axis=-1, freq_axis=0)[1],
                               SS.istft(z, nperseg=16, time_axis=-1, freq_axis=0)[1], atol=1e-13)


def _inputs():
    a, b = RNG.normal(size=9), RNG.normal(size=4)
    A, B = RNG.normal(size=(5, 6)), RNG.normal(size=(2, 3))
    grid = (np.arange(5.0), np.arange(6.0) * 0.5)
    q = np.array([[1.3, 0.7], [3.9, 2.2], [-1.0, 0.3]])
    return a, b, A, B, IP.RegularGridInterpolator(grid, A), q


def _check_traced(f, compile_mode):
    args = _inputs()
    got = jaxlike.compile(f, mode=compile_mode)(*args)
    want = f(*args)
    flat_got, flat_want = jaxlike.tree_util.tree_leaves(got), jaxlike.tree_util.tree_leaves(want)
    assert len(flat_got) == len(flat_want)
    for i, (g, w) in enumerate(zip(flat_got, flat_want)):
        close(g, w, 1e-12, f"output {i}", atol=1e-12)
    return args, got


def test_compiled_with_numba():
    """One numba-compiled function (compiling is the slow part) holding a call of each kind of kernel the
    modules lower to (convolution, FFT, gathers with folded indices, sort and running extrema, argmin),
    against the same calls on plain arrays."""
    def f(a, b, A, B, interp, q):
        return (S.convolve(a, b), S.correlate2d(A, B, "same"), S.fftconvolve(A, B, "same"), F.dct(a),
                F.idctn(A, norm="ortho"), N.map_coordinates(A, [a[:5] + 2, b[:2].repeat(3)[:5] + 3], 1, "reflect"),
                interp(q), J.mode(jnp.round(A), axis=1), J.rankdata(jnp.round(A), axis=0),
                VQ.vq(A, B[:, :1].repeat(6, 1)), S.istft(S.stft(A, nperseg=4)[2], nperseg=4))

    (a, b, A, B, _, _), got = _check_traced(f, None)
    np.testing.assert_allclose(got[0], SS.convolve(a, b), atol=1e-12)
    np.testing.assert_allclose(got[1], SS.correlate2d(A, B, "same"), atol=1e-12)


def test_traced_on_the_interpreter():
    """The remaining calls traced (the reference interpreter runs the optimized graph), against plain arrays."""
    def f(a, b, A, B, interp, q):
        return (S.correlate(a, b, "same"), S.convolve(a, b, "valid", method="fft"), S.convolve2d(A, B),
                S.detrend(A, 0, bp=[2]), F.idct(a, norm="ortho"), F.dctn(A, s=(4, 7)), I.trapezoid(A, dx=0.5, axis=0),
                N.map_coordinates(A, [a[:4] * 3, b * 3], 0, "constant", cval=2.0),
                IP.RegularGridInterpolator(interp.grid, A, "nearest", fill_value=0.0)(q),
                J.gumbel_r.logsf(a, 0.2, 1.3), J.gumbel_l.logcdf(a), J.gumbel_l.ppf(0.3, b[0], 2.0),
                J.vonmises.logpdf(a, 2.0), J.sem(A), J.rankdata(jnp.round(a), "dense"),
                S.welch(A, nperseg=4, average="median"), S.csd(A, B.repeat(3, 0)[:5], nperseg=3, window="hamming"))

    _check_traced(f, "FAST_COMPILE")


def test_gradients():
    a, b = RNG.normal(size=9), RNG.normal(size=4)
    A, B = RNG.normal(size=(5, 6)), RNG.normal(size=(2, 3))
    check_grads(lambda a, b: S.convolve(a, b, "same"), (a, b), order=1)
    check_grads(lambda a, b: S.fftconvolve(a, b, "valid"), (a, b), order=1)
    check_grads(lambda A, B: S.correlate2d(A, B, "full"), (A, B), order=1)
    check_grads(lambda A: S.detrend(A, 1, bp=[3]), (A,), order=1)
    check_grads(lambda a: F.dct(a, norm="ortho"), (a,), order=1)
    check_grads(lambda A: F.idctn(A), (A,), order=1)
    check_grads(lambda y, x: I.trapezoid(y, x), (a, np.cumsum(np.abs(a) + 0.1)), order=1)
    check_grads(lambda A, x: N.map_coordinates(A, [x + 2.1, x * 0.5 + 2.3], 1, "nearest"), (A, b * 0.3), order=1)
    check_grads(lambda v, q: IP.RegularGridInterpolator((np.arange(5.0), np.arange(6.0) * 0.5), v)(q),
                (A, np.array([[1.3, 0.7], [3.9, 2.2]])), order=1)
    check_grads(lambda x, loc, scale: J.gumbel_l.logcdf(x, loc, scale), (a, 0.2, 1.3), order=2)
    check_grads(lambda x, loc, scale: J.gumbel_r.logsf(x, loc, scale), (a, 0.2, 1.3), order=2)
    check_grads(lambda x, loc, scale: J.gumbel_r.logpdf(x, loc, scale), (a, 0.2, 1.3), order=2)
    check_grads(lambda x, kappa: J.vonmises.logpdf(x, kappa), (a, 1.7), order=2)
    check_grads(lambda A: J.sem(A, axis=1), (A,), order=2)
    check_grads(lambda obs, book: VQ.vq(obs, book)[1], (A, B[:, :1].repeat(6, 1) + 0.1), order=1)
    check_grads(lambda x: S.welch(x, nperseg=4, detrend="linear")[1], (a,), order=1)
    check_grads(lambda x, y: S.csd(x, y, nperseg=4)[1], (a, a[::-1] + 1), order=1)
    check_grads(lambda x: S.istft(S.stft(x, nperseg=4, noverlap=1)[2], nperseg=4, noverlap=1)[1], (a,), order=1)


def test_bad_arguments_name_the_argument():
    x, k = np.arange(5.0), np.ones(2)
    with pytest.raises(ValueError, match="mode must be one of"):
        S.convolve(x, k, "middle")
    with pytest.raises(ValueError, match="method must be"):
        S.correlate(x, k, method="slow")
    with pytest.raises(ValueError, match="same number of dimensions"):
        S.convolve(x, np.ones((2, 2)))
    with pytest.raises(ValueError, match="smaller than the other in every dimension"):
        S.convolve(np.ones((2, 5)), np.ones((3, 2)))
    with pytest.raises(NotImplementedError, match="boundary='fill'"):
        S.convolve2d(np.ones((3, 3)), np.ones((2, 2)), boundary="wrap")
    with pytest.raises(NotImplementedError, match="fillvalue=0"):
        S.correlate2d(np.ones((3, 3)), np.ones((2, 2)), fillvalue=1.0)
    with pytest.raises(ValueError, match="2-dimensional"):
        S.convolve2d(x, k)
    with pytest.raises(ValueError, match="mapped axes"):
        S.fftconvolve(np.ones((4, 9)), np.ones((1, 3)), axes=1)
    with pytest.raises(ValueError, match="type must be"):
        S.detrend(x, type="quadratic")
    with pytest.raises(ValueError, match="breakpoints bp"):
        S.detrend(x, bp=[7])
    with pytest.raises(NotImplementedError, match="type=2"):
        F.dct(x, type=3)
    with pytest.raises(ValueError, match="norm must be"):
        F.idct(x, norm="forward")
    with pytest.raises(ValueError, match="s and axes"):
        F.dctn(np.ones((3, 3)), s=(2, 2), axes=(0,))
    with pytest.raises(NotImplementedError, match="order must be 0 or 1"):
        N.map_coordinates(x, [x], 3)
    with pytest.raises(NotImplementedError, match="mode 'grid-wrap'"):
        N.map_coordinates(x, [x], 1, mode="grid-wrap")
    with pytest.raises(ValueError, match="coordinates must be a sequence of length input.ndim"):
        N.map_coordinates(np.ones((2, 2)), [x], 1)
    with pytest.raises(NotImplementedError, match="bounds_error"):
        IP.RegularGridInterpolator((x,), x, bounds_error=True)
    with pytest.raises(ValueError, match="method 'cubic'"):
        IP.RegularGridInterpolator((x,), x, method="cubic")
    with pytest.raises(ValueError, match="sample points xi have dimension 3"):
        IP.RegularGridInterpolator((x, x), np.ones((5, 5)))(np.ones((2, 3)))
    with pytest.raises(ValueError, match="unknown method"):
        J.rankdata(x, "mean")
    with pytest.raises(NotImplementedError, match="nan_policy='omit'"):
        J.mode(x, nan_policy="omit")
    with pytest.raises(ValueError, match="illegal nan_policy"):
        J.sem(x, nan_policy="skip")
    with pytest.raises(ValueError, match="same rank"):
        VQ.vq(np.ones((3, 2)), np.ones(2))
    with pytest.raises(ValueError, match="noverlap"):
        S.welch(np.ones(20), nperseg=8, noverlap=8)
    with pytest.raises(ValueError, match="nfft"):
        S.stft(np.ones(20), nperseg=8, nfft=4)
    with pytest.raises(ValueError, match="boundary option"):
        S.stft(np.ones(20), nperseg=8, boundary="periodic")
    with pytest.raises(ValueError, match="average must be"):
        S.csd(np.ones(20), np.ones(20), average="mode")
    with pytest.raises(ValueError, match="time_axis and freq_axis must differ"):
        S.istft(np.ones((5, 4)), time_axis=0, freq_axis=0)
