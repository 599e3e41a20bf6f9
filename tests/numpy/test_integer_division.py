"""Integer mod and floor division by zero give numpy's 0 (floats: NaN / +-inf), compiled and interpreted,
through the operators and the jnp functions: compiled code would raise or cast NaN/inf to garbage."""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp


def _ops(a, b):
    return a % b, a // b, jnp.mod(a, b), jnp.floor_divide(a, b), a // 2, 7 // b


@pytest.fixture(scope="module", params=["FAST_RUN", "FAST_COMPILE"])
def ops(request):
    return jaxlike.compile(_ops, mode=request.param)


@pytest.mark.parametrize("dtype", ["int64", "int32", "float64"])
def test_division_by_zero_matches_numpy(ops, dtype):
    a = np.array([5, 7, -3, 0, -8], dtype)
    b = np.array([0, 2, 0, 0, 3], dtype)
    with np.errstate(all="ignore"):
        want = _ops(a, b)
    got = ops(a, b)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype
        np.testing.assert_array_equal(g, w)
