"""Integer mod and floor division by zero give numpy's 0 (floats: NaN / +-inf), compiled and interpreted,
through the operators and the jnp functions: compiled code would raise or cast NaN/inf to garbage."""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp


def _ops(a, b):
    # NOTE: the where() mixes a Python int into a select's values (the interpreter's weak-constant cast)
    return a % b, a // b, jnp.mod(a, b), jnp.floor_divide(a, b), a // 2, 7 // b, jnp.where(a > b, a, 7)


@pytest.fixture(scope="module", params=["FAST_RUN", "FAST_COMPILE"])
def ops(request):
    return jaxlike.compile(_ops, mode=request.param)


def _check(ops, a, b):
    with np.errstate(all="ignore"):
        want = _ops(a, b)
    got = ops(a, b)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype
        np.testing.assert_array_equal(g, w)


@pytest.mark.parametrize("dtype", ["int64", "int32", "float64"])
def test_division_by_zero_matches_numpy(ops, dtype):
    a = np.array([5, 7, -3, 0, -8], dtype)
    b = np.array([0, 2, 0, 0, 3], dtype)
    _check(ops, a, b)


@pytest.mark.parametrize("dtype", ["int64", "uint64", "int8", "bool"])
def test_integer_floor_division_is_exact_past_float_precision_and_wraps_at_minus_one(ops, dtype):
    """Catches: integer floor division computed as floor(a / b) in float64 (wrong past 2**53: (2**53 + 1) // 1
    gave 2**53), numba's 0 for INT64_MIN // -1 (numpy wraps to INT64_MIN), and the signs of floored
    results."""
    info = np.iinfo(dtype) if dtype != "bool" else None
    if dtype == "bool":
        a, b = np.array([True, False, True, False]), np.array([True, True, False, False])
    elif dtype == "uint64":
        a = np.array([2 ** 64 - 1, 2 ** 53 + 1, 7, 0, 2 ** 63 + 5], np.uint64)
        b = np.array([3, 1, 2, 0, 2 ** 63], np.uint64)
    else:
        a = np.array([info.min, info.max, -7, 7, info.min, -1, 2 ** 53 + 1 if dtype == "int64" else 100], dtype)
        b = np.array([-1, 3, 2, -2, 7, info.min, 1], dtype)
    _check(ops, a, b)


def test_float_floor_division_is_numpys_divmod_not_the_floor_of_the_quotient(ops):
    """Catches: floor(a / b), which differs from numpy where the quotient rounds up to an integer (1.0 // 0.1
    is 9.0, floor(1.0 / 0.1) is 10.0) and at infinities (inf // 1.5 is NaN), for operators and jnp functions
    alike, with signed zeros."""
    a = np.array([1.0, 1.0, np.inf, -np.inf, 5.0, -0.0, 0.3, -1.0, 7.5, 1e308])
    b = np.array([0.1, -0.1, 1.5, 2.0, np.inf, 3.0, 0.1, np.inf, -2.5, 1e-308])
    with np.errstate(all="ignore"):
        want = _ops(a, b)
    got = ops(a, b)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)
        assert np.array_equal(np.signbit(g[~np.isnan(w)]), np.signbit(w[~np.isnan(w)]))


def test_fmod_derivative_at_exact_multiples_is_one():
    """Catches: the zero remainder written as x1 * 0 (for its sign), whose derivative is 0: fmod's derivative
    in x1 was 0 at the multiples of x2 (JAX: 1), and fresnel's second derivative 0 at x = 2 with it."""
    for x in (2.0, 4.0, -2.0, 0.0, -0.0, 3.0):
        assert jaxlike.grad(lambda v: jnp.fmod(v, 2.0))(x) == 1.0
        got = jaxlike.compile(lambda v: jnp.fmod(v, 2.0))(x)
        assert got == np.fmod(x, 2.0) and np.signbit(got) == np.signbit(np.fmod(x, 2.0))
    assert jaxlike.grad(lambda y: jnp.fmod(4.0, y))(2.0) == -2.0
