"""Result dtypes and values of jaxlike.numpy at integer/bool/float32 edges, compiled and interpreted, against
numpy 2 on the same call: Python ints that do not fit an integer array's dtype, numpy scalars (strong under
NEP 50), float-only binary ufuncs on integers, bool/int results of square/reciprocal/fmod, all/any over empty
axes, var with ddof >= n, clip with out-of-range integer bounds, and sum/prod over no axes (0-d input or
axis=()). Each of these once returned a silent wrong value or dtype. Functions are compiled once per module and
mode (fixtures), each returning many results.
"""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp

pytestmark = pytest.mark.filterwarnings("ignore:Degrees of freedom", "ignore:numba_cpu cannot compile")

U8 = np.array([0, 1, 200, 255, 3], np.uint8)
U64 = np.array([0, 1, 2 ** 63, 2 ** 64 - 1, 3], np.uint64)
I8 = np.array([1, -3, 127, -128, 0, 2, -1], np.int8)
B = np.array([True, False, True, True, False])
F32 = np.array([1.5, -2.5, 0.5, 3.25, -0.0], np.float32)


def _compare(got, want):
    assert len(got) == len(want)
    for k, (g, w) in enumerate(zip(got, want)):
        g, w = np.asarray(g), np.asarray(w)
        assert g.dtype == w.dtype, f"result {k}: dtype {g.dtype}, numpy gives {w.dtype}"
        assert g.shape == w.shape, f"result {k}: shape {g.shape}, numpy gives {w.shape}"
        if w.dtype.kind == "f":
            np.testing.assert_allclose(g, w, rtol=1e-6 if w.dtype == np.float32 else 1e-12, equal_nan=True,
                                       err_msg=f"result {k}")
        else:
            np.testing.assert_array_equal(g, w, err_msg=f"result {k}")


def _both(fn):
    """A module fixture compiling ``fn(xp, *args)`` with jnp, in the compiled and the interpreted mode."""
    @pytest.fixture(scope="module", params=["FAST_RUN", "FAST_COMPILE"])
    def fixture(request):
        return jaxlike.compile(lambda *args: fn(jnp, *args), mode=request.param)
    return fixture


def _check(compiled, fn, *args):
    with np.errstate(all="ignore"):
        want = fn(np, *args)
    _compare(compiled(*args), want)


# -- Python ints out of an integer array's range ----------------------------------------------------------
def _oob_values(xp, u8, u64):
    return (u8 / -1, xp.true_divide(-1, u8), u8 < -1, -1 < u8, u8 == 256, u8 <= 300, u8 != -1, 300 > u8,
            xp.arctan2(u64, -1), xp.logaddexp(-1, u64), xp.logical_and(u8, 256), xp.logical_or(-1, u8),
            u64 + 2 ** 63, u64 >= -1, xp.maximum(u64, 2 ** 64 - 1), xp.arctan2(u8.astype(np.int32), -1))


oob_values = _both(_oob_values)


def test_python_int_outside_the_dtype_keeps_its_value_where_numpy_does(oob_values):
    """Catches: a Python int cast to the integer array's dtype before a float op or a comparison
    (uint8_array / -1 divided by 255, uint8_array < -1 was True for all but 255, uint8_array == 256 matched
    0, logical_and(x, 256) was False), and uint64_array + 2**63 raising where numpy adds."""
    _check(oob_values, _oob_values, U8, U64)


@pytest.mark.parametrize("call", [lambda x: x + -1, lambda x: -1 - x, lambda x: x * 256, lambda x: x ** -1,
                                  lambda x: jnp.maximum(x, -1), lambda x: jnp.fmax(-1, x), lambda x: x % 300,
                                  lambda x: jnp.mod(x, -1), lambda x: x // 256])
def test_python_int_outside_the_dtype_raises_for_integer_results(call):
    """Catches: uint8_array + -1 (and *, **, //, %, maximum, fmax) silently wrapping to 255 where numpy 2
    raises OverflowError; the error names the op and the dtype, at trace time."""
    with pytest.raises(OverflowError, match="out of bounds for uint8"):
        jaxlike.compile(call, mode="FAST_COMPILE")(U8)


# -- numpy scalars, float-only ufuncs on integers, bool/int results --------------------------------------
def _promotion(xp, f32, i8, b, nz):
    return (f32 * np.float64(2.0), f32 + np.float32(1.0), f32 * 2.0, xp.add(f32, np.float64(1.0)),
            f32 - np.complex128(1j), i8 + np.int64(1),
            xp.hypot(i8, 2.0), xp.hypot(2.5, i8), xp.hypot(b, 2), xp.hypot(f32, 2.0), xp.hypot(f32, i8[:5]),
            xp.heaviside(i8, 0.5), xp.heaviside(f32, 0.5), xp.heaviside(i8.astype(np.int32), 2),
            xp.square(b), xp.reciprocal(b), xp.reciprocal(nz), xp.fmod(b, True), xp.fmod(i8, 3),
            xp.fmod(f32, -1.5))


promotion = _both(_promotion)


def test_numpy_scalars_are_strong_and_float_only_ufuncs_promote_as_numpy(promotion):
    """Catches: np.float64(2.0) read as a weak Python float (float32_array * np.float64(2) stayed float32;
    numpy 2 gives float64), hypot(int8, 2.0) in float16 (numpy: float64), heaviside(int8, 2) in float64
    (numpy: float16), square/reciprocal of bools as bool/float64 (numpy: int8), integer reciprocal as a float
    (numpy keeps the integer dtype: 1, -1 or 0), and fmod(bool, True) as int64 (numpy: int8)."""
    _check(promotion, _promotion, F32, I8, B, np.array([1, -1, 2, -2, 127, -128], np.int8))


def _float16(xp, u8, i8, b):
    return (xp.arctan2(u8, -1), xp.logaddexp(u8, -1), xp.hypot(i8, 2), xp.heaviside(i8, 2),
            xp.heaviside(b, True))


float16 = _both(_float16)


def test_float_only_ufuncs_on_small_integers_give_float16_as_numpy(float16):
    """Catches: heaviside(int8, 2) in float64 and arctan2(uint8, -1) with -1 cast to 255 (numpy: float16, with
    -1's value). numba has no float16 arithmetic, so both modes run the interpreter here."""
    _check(float16, _float16, U8, I8, B)


def test_positive_of_bool_raises_as_numpy():
    """Catches: jnp.positive(bool_array) returning the bools, where numpy's ufunc has no boolean loop."""
    with pytest.raises(TypeError, match="positive"):
        jaxlike.compile(jnp.positive, mode="FAST_COMPILE")(B)


# -- reductions over empty axes and ddof --------------------------------------------------------------------
def _empty_reductions(xp, e, eb, x):
    return (xp.all(e), xp.any(e), xp.all(eb, axis=0), xp.any(eb, axis=-2, keepdims=True),
            xp.all(e, axis=(0, 1), keepdims=True), xp.any(e, axis=1), xp.all(x), xp.any(x * 0),
            xp.all(x, axis=-1), xp.any(x > 2, axis=0, keepdims=True),
            xp.sum(e), xp.prod(e), xp.sum(eb, axis=0), xp.prod(eb))


empty_reductions = _both(_empty_reductions)


def test_all_and_any_over_empty_axes_are_numpys_identities(empty_reductions):
    """Catches: all/any built on min/max, which raised 'zero-size array to reduction' for an empty axis
    where numpy gives True (all) and False (any)."""
    x = np.array([[1.0, 2.0, 3.0], [0.0, 5.0, np.nan]])
    _check(empty_reductions, _empty_reductions, np.zeros((0, 3)), np.zeros((0, 3), bool), x)


def _ddof(xp, x, xi):
    return (xp.var(x, ddof=5), xp.var(x, ddof=6), xp.std(x, ddof=7), xp.var(x, axis=-1, ddof=1),
            xp.var(xi, ddof=3), xp.var(x[:0], ddof=1), xp.var(x, ddof=4))


ddof = _both(_ddof)


def test_var_with_ddof_at_least_n_is_inf_not_negative(ddof):
    """Catches: var dividing by n - ddof, which gave -10.0 for var(arange(5), ddof=6) where numpy divides by
    max(n - ddof, 0) and gives inf (NaN for a zero sum of squares)."""
    _check(ddof, _ddof, np.arange(5.0), np.array([1, 2, 4], np.int8))


# -- clip with integer bounds -------------------------------------------------------------------------------------
def _clip(xp, u8, i8):
    return (xp.clip(u8, -1, 300), xp.clip(u8, -1, 5), xp.clip(u8, 2, 2 ** 70), xp.clip(i8, -200, 200),
            xp.clip(i8, None, 1000), xp.clip(i8, -5, 3), xp.clip(u8, 300 - 299, None))


clip = _both(_clip)


def test_clip_drops_python_int_bounds_beyond_the_dtype(clip):
    """Catches: clip(uint8_array, -1, 300) raising (or wrapping -1 to 255) where numpy treats an integer
    bound beyond the dtype's range as no bound."""
    _check(clip, _clip, U8, I8)


# -- sum/prod over no axes ---------------------------------------------------------------------------------------
def _no_axes(xp, x, s, i8):
    return (xp.sum(s > 0), xp.sum(s > 0) + xp.sum(s > 0), xp.sum(i8[0]), xp.sum(x > 0, axis=()),
            xp.prod(i8, axis=()), xp.prod(s > 0), xp.sum(i8.astype(np.uint8), axis=()), xp.mean(x > 0, axis=()),
            xp.sum(x > 0, axis=(), keepdims=True), xp.sum(x > 0, axis=(), dtype=np.int8), xp.cumsum(s > 0),
            xp.nansum(x > 0, axis=()), xp.nanprod(i8[1], axis=()), xp.sum(x, axis=()))


no_axes = _both(_no_axes)


def test_sum_and_prod_over_no_axes_promote_as_numpy(no_axes):
    """Catches: sum/prod of a 0-d array or with axis=() returning the input unchanged, so sum(0-d bool) stayed
    bool (sum(b) + sum(b) was True, numpy 2) and int8 stayed int8 (numpy: int64, uint8 -> uint64), on traced
    values and on plain arrays alike."""
    args = (np.array([[1.0, -2.0, 0.0], [3.0, 0.5, -1.0]]), np.array(3.0), I8)
    _check(no_axes, _no_axes, *args)
    _compare(_no_axes(jnp, *args), _no_axes(np, *args))
