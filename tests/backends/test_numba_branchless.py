"""numba_cpu's branchless templates (numba_cpu/branchless.py): select, maximum, minimum, the max/min
reductions, and float division, log, sqrt and the inverse trig functions without domain guards.

What it catches: a template that reintroduces a conditional expression (each one costs numba's SSA
reconstruction a walk over the whole entry), ``select_`` picking the wrong operand or losing a dtype, NaN
not propagating through maximum/minimum or the reductions, and a special value (x / 0, log of 0 or of a
negative, sqrt(-1), arctanh(+-1)) differing from numpy's where the guard used to produce it.
"""

import re

import numpy as np
import pytest
from numba import njit

import jaxlike
import jaxlike.numpy as jnp
from jaxlike.backends.numba_cpu import support as _rt

SPECIAL = np.array([-np.inf, -2.0, -1.0, -0.5, -0.0, 0.0, 0.5, 1.0, 2.0, np.inf, np.nan])


def _ops(x, y, c):
    return (jnp.where(c, x, y), jnp.maximum(x, y), jnp.minimum(x, y), x / y, jnp.log(x), jnp.log2(x),
            jnp.log10(x), jnp.log1p(x), jnp.sqrt(x), jnp.arcsin(x), jnp.arccos(x), jnp.arctanh(x),
            jnp.max(x, axis=1), jnp.min(y, axis=1))


@pytest.fixture(scope="module")
def compiled():
    return jaxlike.compile(_ops)


def _grid(dtype):
    x, y = (a.astype(dtype) for a in np.meshgrid(SPECIAL, SPECIAL))
    return x, y, x > y


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_special_values_equal_numpys(compiled, dtype):
    x, y, c = _grid(dtype)
    got = compiled(x, y, c)
    with np.errstate(all="ignore"):
        want = [np.where(c, x, y), np.maximum(x, y), np.minimum(x, y), x / y, np.log(x), np.log2(x), np.log10(x),
                np.log1p(x), np.sqrt(x), np.arcsin(x), np.arccos(x), np.arctanh(x), np.max(x, axis=1),
                np.min(y, axis=1)]
    for k, (g, w) in enumerate(zip(got, want)):
        assert g.dtype == w.dtype, k
        np.testing.assert_allclose(g, w, rtol=4 * float(np.finfo(dtype).eps), atol=0, err_msg=f"output {k}")
        num = ~np.isnan(w)
        assert np.array_equal(np.signbit(g[num]), np.signbit(w[num])), (k, g, w)


def test_the_kernels_have_no_conditional_expressions(compiled):
    src = compiled.source(*_grid(np.float64))
    assert "_rt.select_(" in src
    code = [ln for ln in src.splitlines() if not ln.lstrip().startswith("#")]
    assert not [ln for ln in code if re.search(r"\bif\b.*\belse\b", ln)], src


@njit
def _select(c, a, b):
    return _rt.select_(c, a, b)


def test_select_unifies_its_operands_and_takes_the_condition():
    assert _select(True, 1, 2.5) == 1.0 and isinstance(_select(True, 1, 2.5), float)
    assert _select(False, np.float32(1), np.float32(2)) == np.float32(2)
    assert _select(np.bool_(True), np.int64(-3), np.int32(4)) == -3
    assert np.isnan(_select(False, 0.0, np.nan))


@pytest.fixture(scope="module")
def integer_ops():
    return jaxlike.compile(lambda x, n: (jnp.left_shift(x, n), jnp.right_shift(x, n), jnp.sign(x), x // n, x % n))


@pytest.mark.parametrize("dtype", [np.int64, np.uint64, np.int8, np.uint8])
def test_shifts_sign_and_division_of_integers_equal_numpys(integer_ops, dtype):
    """Catches: a shift by the width or more (or by a negative count) not giving numpy's 0 or sign fill once
    the guard is a select, sign's 1/-1 computed in the wrong type (uint64 through float64 is exact), and
    integer // and % without their guards: a zero divisor (numpy's 0), INT_MIN // -1 (numpy's INT_MIN)."""
    info = np.iinfo(dtype)
    values = np.array([info.min, info.min + 1, -3 if info.min < 0 else 3, 0, 1, 5, info.max], dtype)
    counts = np.array([0, 1, 3, info.bits - 1, info.bits, info.bits + 5] + ([-1] if info.min < 0 else []), dtype)
    x, n = (a.ravel() for a in np.meshgrid(values, counts))
    got = integer_ops(x, n)
    with np.errstate(all="ignore"):
        want = (np.left_shift(x, n), np.right_shift(x, n), np.sign(x), x // n, x % n)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype and np.array_equal(g, w), (dtype, x, n, g, w)
