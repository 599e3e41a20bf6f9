"""Bitwise ops, shifts, gcd and lcm: the operators & | ^ ~ << >> and the jnp functions give numpy's values and
dtypes on every integer dtype and on bools, compiled and interpreted.

The silent wrong answer this guards against: ``&``, ``|``, ``^`` and ``~`` on integer arrays used to compute
the logical ops (``6 & 3`` gave True, ``~5`` gave False)."""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
import jaxlike.tensor as T


def _ops(a, b):
    return (a & b, a | b, a ^ b, ~a, jnp.bitwise_and(a, 5), 6 | b, jnp.bitwise_xor(a, b), jnp.invert(b))


def _shifts(a, c):
    return a << c, a >> c, jnp.left_shift(a, c), jnp.right_shift(a, c)


def _euclid(a, b):
    return jnp.gcd(a, b), jnp.lcm(a, b)


@pytest.fixture(scope="module", params=["FAST_RUN", "FAST_COMPILE"])
def mode(request):
    return request.param


@pytest.fixture(scope="module")
def compiled(mode):
    return {f.__name__: jaxlike.compile(f, mode=mode) for f in (_ops, _shifts, _euclid)}


def _same(got, want):
    for g, w in zip(got, want):
        g, w = np.asarray(g), np.asarray(w)
        assert g.dtype == w.dtype, (g.dtype, w.dtype)
        np.testing.assert_array_equal(g, w)


def _extremes(dtype):
    if dtype == "bool":
        return np.array([True, False, True, False]), np.array([True, True, False, False])
    info = np.iinfo(dtype)
    a = np.array([info.min, info.max, 0, 1, 6, 5, info.max // 3, info.min // 2 if info.min else 7], dtype)
    b = np.array([info.max, info.min, 3, 1, 3, 7, 12, info.max], dtype)
    return a, b


@pytest.mark.parametrize("dtype", ["int64", "int32", "int8", "uint8", "uint16", "uint64", "bool"])
def test_bitwise_operators_match_numpy(compiled, dtype):
    a, b = _extremes(dtype)
    _same(compiled["_ops"](a, b), _ops(a, b))


def test_integer_and_is_bitwise_not_logical(compiled):
    """Catches: the old mapping of & | ^ ~ to the logical ops on integers."""
    got = compiled["_ops"](np.array([6, 12]), np.array([3, 10]))
    np.testing.assert_array_equal(got[0], [2, 8])
    np.testing.assert_array_equal(got[1], [7, 14])
    np.testing.assert_array_equal(got[2], [5, 6])
    np.testing.assert_array_equal(got[3], [-7, -13])


def test_masks_built_from_comparisons_still_combine_logically(mode):
    f = jaxlike.compile(lambda x: (((x > 0) & (x < 2)) | ~(x != 3.0), (x > 1) ^ (x > 2)), mode=mode)
    x = np.array([0.5, 3.0, -1.0, 1.5, 2.5])
    _same(f(x), (((x > 0) & (x < 2)) | ~(x != 3.0), (x > 1) ^ (x > 2)))


@pytest.mark.parametrize("dtype, counts", [("int64", [-3, -1, 0, 1, 31, 63, 64, 65, 200]),
                                           ("int8", [-3, -1, 0, 1, 6, 7, 8, 9, 100]),
                                           ("uint8", [0, 1, 6, 7, 8, 9, 100, 255]),
                                           ("uint64", [0, 1, 62, 63, 64, 65, 2 ** 63, 2 ** 64 - 1])])
def test_shifts_by_every_count_match_numpy(compiled, dtype, counts):
    """Catches: shifts by the bit width or more, or by negative counts: undefined in C and LLVM (x86 masks the
    count, so 1 << 64 gave 1), 0 or the sign fill in numpy."""
    a, _ = _extremes(dtype)
    x = np.repeat(a[:, None], len(counts), axis=1)
    c = np.broadcast_to(np.array(counts, dtype), x.shape).copy()
    _same(compiled["_shifts"](x, c), _shifts(x, c))


def test_shifts_of_bools_compute_in_int8(compiled):
    a, b = _extremes("bool")
    _same(compiled["_shifts"](a, b), _shifts(a, b))


@pytest.mark.parametrize("dtype", ["int8", "int16", "int64", "uint8", "uint64"])
def test_gcd_and_lcm_match_numpy_on_extremes(compiled, dtype):
    """Catches: an unrolled Euclid with too few steps (consecutive Fibonacci numbers take the most) and the
    most negative value, whose magnitude only the unsigned dtype holds."""
    info = np.iinfo(dtype)
    fib = [1, 1]
    while fib[-1] + fib[-2] <= info.max:
        fib.append(fib[-1] + fib[-2])
    a = np.array([fib[-1], info.min, info.max, 0, 0, 12, -18 if info.min else 18, info.min, 7], dtype)
    b = np.array([fib[-2], 0, info.max - 1, 0, 5, 18, 12, info.min, 1], dtype)
    with np.errstate(over="ignore"):
        want = _euclid(a, b)
    _same(compiled["_euclid"](a, b), want)


def test_gcd_of_random_values_matches_numpy(compiled):
    rng = np.random.default_rng(0)
    a = rng.integers(-10 ** 6, 10 ** 6, 200)
    b = rng.integers(-10 ** 6, 10 ** 6, 200)
    _same(compiled["_euclid"](a, b), _euclid(a, b))


def test_plain_arrays_get_numpys_own_results():
    a = np.array([12, 7], np.int16)
    _same([jnp.bitwise_and(a, 4), jnp.left_shift(a, 2), jnp.gcd(a, 18), jnp.invert(a)],
          [a & 4, a << 2, np.gcd(a, 18), ~a])


@pytest.mark.parametrize("fn", [lambda x: x & 1, lambda x: ~x, lambda x: jnp.left_shift(x, 1),
                                lambda x: jnp.gcd(x, 2)])
def test_float_operands_are_refused_as_numpy_refuses_them(fn):
    with pytest.raises(TypeError, match="integer"):
        jaxlike.compile(fn)(np.array([1.5, 2.0]))


def test_python_int_out_of_the_arrays_range_is_an_overflow_error():
    with pytest.raises(OverflowError, match="256"):
        jaxlike.compile(lambda x: x & 256)(np.array([1, 2], np.uint8))
    with pytest.raises(OverflowError, match="-1"):
        jaxlike.compile(lambda x: x | -1)(np.array([1, 2], np.uint64))


def test_uint64_with_a_python_int_past_int64_keeps_every_bit(compiled):
    x = np.array([2 ** 64 - 1, 2 ** 63 + 5, 3], np.uint64)
    got = jaxlike.compile(lambda v: (v & (2 ** 63 + 1), v ^ (2 ** 64 - 1)))(x)
    _same(got, (x & np.uint64(2 ** 63 + 1), x ^ np.uint64(2 ** 64 - 1)))


def test_gradient_through_a_bitwise_mask_is_the_masked_gradient():
    """A bitwise op has no gradient of its own, but a mask built with it selects where gradients flow."""
    def f(x):
        keep = (x > 0) & (x < 2)
        return jnp.sum(jnp.where(keep, x ** 2, 0.0))
    x = np.array([0.5, 3.0, -1.0, 1.5])
    np.testing.assert_allclose(jaxlike.grad(f)(x), np.where((x > 0) & (x < 2), 2 * x, 0.0))


def test_theano_and_or_xor_invert_are_bitwise():
    a, b = T.lvector("a"), T.lvector("b")
    f = jaxlike.function([a, b], [T.and_(a, b), T.or_(a, b), T.xor(a, b), T.invert(a), a & b])
    x, y = np.array([6, 12, -1]), np.array([3, 10, 5])
    _same(f(x, y), [x & y, x | y, x ^ y, ~x, x & y])
