"""The vectorizable exp, sigmoid, sin and cos (numba_cpu/vecmath.py) against a more precise numpy over the whole range
(float32 against float64, float64 against long double), and their use in compiled loops.

What it catches: a wrong polynomial coefficient or range reduction (errors above 1 ulp), a wrong 2**n at the
ends of the range (overflow to inf, denormals, 0), NaN not propagating, and a float32 loop still calling the C
library's expf (which keeps it from vectorizing).
"""

import math
import re

import numpy as np
import pytest
from numba import njit

import jaxlike
import jaxlike.numpy as jnp
from jaxlike import nn
from jaxlike.backends.numba_cpu import vecmath


@njit
def _map(fn, x, out):
    for i in range(x.shape[0]):
        out[i] = fn(x[i])


@njit
def _map2(fn, y, x, out):
    for i in range(x.shape[0]):
        out[i] = fn(y[i], x[i])


def _map_exp(x, out):
    _map(vecmath.exp_f32, x, out)


def _map_sigmoid(x, out):
    _map(vecmath.sigmoid_f32, x, out)


def _map_exp64(x, out):
    _map(vecmath.exp_f64, x, out)


def _map_sigmoid64(x, out):
    _map(vecmath.sigmoid_f64, x, out)


def test_exp_f64_within_one_ulp_mostly_correctly_rounded_and_special_values():
    x = np.concatenate([np.linspace(-750.0, 712.0, 1_000_001),
                        np.float64([0.0, -0.0, 1e-300, 709.78, 709.79, -745.1, -745.2, np.inf, -np.inf, np.nan])])
    out = np.empty_like(x)
    _map_exp64(x, out)
    with np.errstate(over="ignore", under="ignore"):
        want = np.exp(x.astype(np.longdouble))
    normal = (want < np.finfo(np.float64).max) & (want >= np.finfo(np.float64).tiny)
    ulps = np.abs((out[normal].astype(np.longdouble) - want[normal]) / np.spacing(want[normal].astype(np.float64)))
    assert float(ulps.max()) <= 0.7
    assert np.mean(out[normal] == want[normal].astype(np.float64)) > 0.98  # correctly rounded
    assert vecmath.exp_f64(1.0) == np.e
    denormal = (want > 0) & (want < np.finfo(np.float64).tiny)
    assert float(np.abs(out[denormal] - want[denormal]).max()) <= 5e-324
    assert np.all(np.isinf(out[want > np.finfo(np.float64).max])) and np.all(out[want == 0] == 0)
    assert np.isnan(out[-1]) and out[-3] == np.inf and out[-2] == 0 and out[-10] == 1


@pytest.mark.parametrize("fn,ref,bound", [(vecmath.sin_f64, np.sin, 1.0), (vecmath.cos_f64, np.cos, 1.0),
                                          (vecmath.tan_f64, np.tan, 1.15)], ids=["sin", "cos", "tan"])
def test_sin_cos_tan_f64_within_their_bounds_up_to_the_limit_and_special_values(fn, ref, bound):
    """Catches: a wrong reduction or polynomial (tan: the quotient without sin's and cos's low parts was 2.1
    ulp), the multiples of pi/4, and signed zeros."""
    rng = np.random.default_rng(0)
    lim = vecmath.TRIG_LIMIT
    x = np.concatenate([rng.uniform(-4, 4, 200_000), rng.uniform(-1e3, 1e3, 200_000),
                        rng.uniform(-lim, lim, 200_000), np.linspace(-10, 10, 100_001),
                        np.arange(-64, 65) * (np.pi / 4), np.float64([1e-300, -5e-324, lim * 0.999])])
    out = np.empty_like(x)
    _map(fn, x, out)
    want = ref(x.astype(np.longdouble))
    ulps = np.abs((out.astype(np.longdouble) - want) / np.spacing(np.abs(want).astype(np.float64)))
    assert float(ulps.max()) < bound
    assert np.mean(out == want.astype(np.float64)) > 0.95  # correctly rounded
    special = np.float64([0.0, -0.0, np.nan])
    got = np.empty_like(special)
    _map(fn, special, got)
    np.testing.assert_array_equal(np.signbit(got[:2]), np.signbit(ref(special[:2])))
    assert got[0] == ref(0.0) and np.isnan(got[2])


def test_sigmoid_f64_both_tails():
    x = np.concatenate([np.linspace(-740.0, 40.0, 200_001), np.float64([np.nan, np.inf, -np.inf])])
    out = np.empty_like(x)
    _map_sigmoid64(x, out)
    xl = x[:-3].astype(np.longdouble)
    want = np.where(xl >= 0, 1 / (1 + np.exp(-xl)), np.exp(xl) / (1 + np.exp(xl)))
    ok = want >= np.finfo(np.float64).tiny
    ulps = np.abs((out[:-3][ok].astype(np.longdouble) - want[ok]) / np.spacing(want[ok].astype(np.float64)))
    assert float(ulps.max()) <= 3.0
    assert np.isnan(out[-3]) and out[-2] == 1 and out[-1] == 0


def _ulps(got, want64):
    want32 = want64.astype(np.float32)
    return np.abs(got.astype(np.float64) - want64) / np.spacing(np.abs(want32)).astype(np.float64)


@pytest.fixture(scope="module")
def grid():
    x = np.linspace(-110.0, 95.0, 1_000_001, dtype=np.float32)
    return np.concatenate([x, np.float32([0.0, -0.0, 1e-30, -1e-30, 88.72, 88.73, -87.3, -103.9, -104.0])])


def test_exp_within_one_ulp_over_the_float32_range(grid):
    out = np.empty_like(grid)
    _map_exp(grid, out)
    with np.errstate(over="ignore", under="ignore"):
        want = np.exp(grid.astype(np.float64))
    normal = (want < np.finfo(np.float32).max) & (want >= np.finfo(np.float32).tiny)
    assert _ulps(out[normal], want[normal]).max() <= 1.0
    denormal = (want > 0) & (want < np.finfo(np.float32).tiny)
    # NOTE: denormals have a fixed absolute spacing (1.4e-45); within one of it
    assert np.abs(out[denormal].astype(np.float64) - want[denormal]).max() <= 1.5e-45
    assert np.all(np.isinf(out[want >= 2.0 ** 128]))
    assert np.all(out[grid <= -104.0] == 0)


def test_exp_special_values():
    x = np.float32([np.nan, np.inf, -np.inf, 0.0, 89.0, -200.0])
    out = np.empty_like(x)
    _map_exp(x, out)
    assert np.isnan(out[0]) and out[1] == np.inf and out[2] == 0 and out[3] == 1 and out[4] == np.inf
    assert out[5] == 0


def test_sigmoid_accurate_in_both_tails(grid):
    out = np.empty_like(grid)
    _map_sigmoid(grid, out)
    x = grid.astype(np.float64)
    with np.errstate(over="ignore"):
        want = np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x)))
    normal = want >= np.finfo(np.float32).tiny
    # NOTE: exp's ulp, 1 + e and one division: 2.6 ulp at worst here (1 / (1 + expf(-x)) with the C library's
    # expf reaches 2.96)
    assert _ulps(out[normal], want[normal]).max() <= 3.0
    x = np.float32([np.nan, np.inf, -np.inf])
    out = np.empty_like(x)
    _map_sigmoid(x, out)
    assert np.isnan(out[0]) and out[1] == 1 and out[2] == 0


def test_float32_loops_use_the_vectorizable_versions():
    z = np.linspace(-30, 30, 1001, dtype=np.float32)
    for fn, want in [(lambda z: jnp.exp(z) * 2, np.exp(z.astype(np.float64)) * 2),
                     (nn.sigmoid, 1 / (1 + np.exp(-z.astype(np.float64)))),
                     (lambda z: 1 / (1 + jnp.exp(-z)), 1 / (1 + np.exp(-z.astype(np.float64))))]:
        f = jaxlike.compile(fn)
        out = f(z)
        assert out.dtype == np.float32
        np.testing.assert_allclose(out, want, rtol=4e-7)
        src = f.source(z)
        assert "_vm." in src and "math.exp(" not in src
    z64 = z.astype(np.float64)
    f64 = jaxlike.compile(lambda z: (jnp.exp(z), nn.sigmoid(z)))
    e, s = f64(z64)
    np.testing.assert_allclose(e, np.exp(z64), rtol=1e-15)
    np.testing.assert_allclose(s, 1 / (1 + np.exp(-z64)), rtol=1e-15)
    assert "_vm.exp_f64(" in f64.source(z64) and "_vm.sigmoid_f64(" in f64.source(z64)


def test_every_plain_vecmath_function_is_inlined_into_its_loop():
    """The exp, log and hyperbolic functions are plain njit functions marked ``alwaysinline`` for LLVM
    (``arith._inline_everywhere``): a loop over one of them holds no call to it. Would catch: LLVM's cost
    model keeping the larger ones as calls (sinh, asinh: 1M float64 values 17 ms in a scalar loop, ~2.5
    vectorized)."""
    names = ["exp", "expm1", "sigmoid", "tanh", "log", "log1p", "sinh", "cosh", "asinh", "atanh"]
    for dtype, suffix in [(np.float64, "f64"), (np.float32, "f32")]:
        x, out = np.linspace(0.1, 0.9, 40).astype(dtype), np.empty(40, dtype)

        @njit
        def loop(x, out):
            for i in range(x.shape[0]):
                out[i] = (exp_(x[i]) + expm1_(x[i]) + sigmoid_(x[i]) + tanh_(x[i]) + log_(x[i]) + log1p_(x[i])
                          + sinh_(x[i]) + cosh_(x[i]) + asinh_(x[i]) + atanh_(x[i]))
        fns = [getattr(vecmath, f"{n}_{suffix}") for n in names]
        exp_, expm1_, sigmoid_, tanh_, log_, log1p_, sinh_, cosh_, asinh_, atanh_ = fns
        loop(x, out)
        want = sum(f(v) for f, v in zip([np.exp, np.expm1, lambda v: 1 / (1 + np.exp(-v)), np.tanh, np.log,
                                         np.log1p, np.sinh, np.cosh, np.arcsinh, np.arctanh], [x.astype(float)] * 10))
        np.testing.assert_allclose(out, want, rtol=1e-6 if dtype == np.float32 else 1e-14)
        asm = "\n".join(loop.inspect_asm().values())
        calls = re.findall(r"(?:call\w*|movabsq)\s+\$?(_ZN7jaxlike8backends9numba_cpu7vecmath\w+)", asm)
        assert not calls, sorted(set(calls))


def test_float32_pow_is_float64_rounded_once_with_c99_special_cases():
    """``vecmath.pow_f32`` (in place of powf in float32 loops) against float64's pow rounded to float32, bit
    for bit but for rare halfway cases (within 1 ulp there), on every pair of special values (signed zeros, +-1, +-inf, NaN, odd and even integers, halves,
    the extremes of float32) and on random pairs; the loop holds no call to it. Would catch: a special case
    chosen wrong (0 ** -1, (-0) ** 3, (-inf) ** 0.5, (-1) ** inf, 1 ** nan, nan ** 0), the sign of an odd
    power lost, a result rounded twice."""
    special = np.array([0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 3.0, -3.0, 1.5, -1.5, np.inf, -np.inf,
                        np.nan, 1e-45, 3e38, -3e38, 0.75, 1e-3, 7.0, -7.0, 2.0 ** 24 + 2, 2.0 ** 24 - 1], np.float32)
    x, y = (a.ravel() for a in np.meshgrid(special, special))
    rng = np.random.default_rng(6)
    x = np.concatenate([x, rng.uniform(0, 100, 5000), -rng.uniform(0, 10, 500)]).astype(np.float32)
    y = np.concatenate([y, rng.uniform(-20, 20, 5000), np.round(rng.uniform(-10, 10, 500))]).astype(np.float32)
    f = jaxlike.compile(lambda x, y: x ** y)
    with np.errstate(all="ignore"):
        got = f(x, y)
        want = np.power(x.astype(np.float64), y.astype(np.float64)).astype(np.float32)
    assert got.dtype == np.float32 and "_vm.pow_f32(" in f.source(x, y)
    gi, wi = got.view(np.int32).astype(np.int64), want.view(np.int32).astype(np.int64)
    same = (gi == wi) | (np.isnan(got) & np.isnan(want))
    # NOTE: one rounding of a float64 result is off by an ulp where the exact value lies within float64's
    # error of a float32 halfway point: (2**24 - 1) ** 1.5 is 68719470592.00009, halfway 68719470592
    near = np.isfinite(want) & (want != 0) & (np.abs(gi - wi) <= 1)
    assert (same | near).all(), list(zip(x[~same][:10], y[~same][:10], got[~same][:10], want[~same][:10]))
    assert same.mean() > 0.999
    assert not _calls_in_a_loop_of(vecmath.pow_f32, x, y)


def _calls_in_a_loop_of(fn, x, y):
    """The calls to the C library's pow/powf or to vecmath's own symbols in a compiled loop of ``fn``."""
    @njit
    def loop(x, y, out):
        for i in range(x.shape[0]):
            out[i] = fn(x[i], y[i])
    loop(x, y, np.empty_like(x))
    asm = "\n".join(loop.inspect_asm().values())
    return re.findall(r"(?:call\w*|movabsq)\s+\$?(\w*powf?\b|_ZN7jaxlike8backends9numba_cpu7vecmath\w+)", asm)


def test_float64_pow_within_0_65_ulp_with_c99_special_cases():
    """``vecmath.pow_f64`` (log in two parts, exp of two parts) against long double's pow: within 0.65 ulp
    over bases from 2**-1000 to 2**1000, bases near 1 with exponents up to 7e5, and exponents driving the
    result to the ends of the range (denormal results within one ulp of the denormal step); numpy's
    result on every pair of special values; the loop holds no call. Would catch: log's low part dropped
    (errors of ~50 ulp where |y log x| nears 700), a table entry off, a special case chosen wrong."""
    special = np.array([0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 3.0, -3.0, 1.5, -1.5, np.inf, -np.inf,
                        np.nan, 5e-324, 1e-310, 1.7e308, -1.7e308, 0.75, 7.0, -7.0, 2.0 ** 53 + 2, 2.0 ** 53 - 1,
                        1e300, -1e-300])
    xs, ys = (a.ravel() for a in np.meshgrid(special, special))
    rng = np.random.default_rng(7)
    n = 20000
    x = np.concatenate([np.exp2(rng.uniform(-1000, 1000, n)), rng.uniform(0.999, 1.001, n), rng.uniform(0, 3, n),
                        -rng.uniform(0, 10, 500)])
    y = np.concatenate([rng.uniform(-0.7, 0.7, n), rng.uniform(-7e5, 7e5, n), rng.uniform(-745, 709, n)
                        / np.log(x[2 * n:3 * n]), np.round(rng.uniform(-30, 30, 500))])
    f = jaxlike.compile(lambda x, y: x ** y)
    got = f(x, y)
    assert "_vm.pow_f64(" in f.source(x, y)
    exact = np.power(x.astype(np.longdouble), y.astype(np.longdouble))
    normal = np.isfinite(exact) & (np.abs(exact) >= np.finfo(np.float64).tiny) & (np.abs(exact) < 1.7e308)
    step = np.spacing(np.abs(exact[normal]).astype(np.float64)).astype(np.longdouble)
    ulps = np.abs((got[normal] - exact[normal]) / step)
    assert normal.sum() > 55000 and ulps.max() < 0.65, (ulps.max(), x[normal][np.argmax(ulps)])
    tiny = np.isfinite(exact) & ~normal & (exact != 0)
    assert tiny.sum() > 50 and (np.abs(got[tiny] - exact[tiny]) <= 5e-324).all()
    got = f(xs, ys)
    with np.errstate(all="ignore"):
        want = np.power(xs, ys)
        near = np.abs(got - want) <= np.spacing(np.abs(want))        # ordinary results: checked above
    same = (got.view(np.int64) == want.view(np.int64)) | (np.isnan(got) & np.isnan(want))
    ordinary = np.isfinite(want) & (np.abs(want) >= np.finfo(np.float64).tiny)
    assert (same | (ordinary & near)).all(), \
        [(a, b, g, w) for a, b, g, w, ok in zip(xs, ys, got, want, same | (ordinary & near)) if not ok][:5]
    assert not _calls_in_a_loop_of(vecmath.pow_f64, x, y)


def test_log2_log10_correctly_rounded_and_exact_at_powers():
    """log2 and log10 (``vecmath.log._log_scaled``: log in two parts times 1/ln b in two parts) within 0.501
    ulp of long double over the float64 range, exact at every power of 2 (float32 too) and of 10, numpy's
    domain (0 -> -inf, negatives -> NaN, inf -> inf). Would catch: log(x) / ln 2 (21% of the powers of 2
    off by an ulp, 55% of the powers of 10), a low part dropped."""
    k = np.arange(-1074, 1024.0)
    t = np.arange(-300, 300.0)
    f2, f10 = jaxlike.compile(jnp.log2), jaxlike.compile(jnp.log10)
    assert np.array_equal(f2(np.exp2(k)), k) and np.array_equal(f10(10.0 ** t), t)
    k32 = np.arange(-149, 128.0)
    assert np.array_equal(f2(np.exp2(k32).astype(np.float32)), k32.astype(np.float32))
    x = np.exp(np.random.default_rng(10).uniform(-740, 709, 20000))
    for f, ref, name in ((f2, np.log2, "log2"), (f10, np.log10, "log10")):
        exact = ref(x.astype(np.longdouble))
        ulps = np.abs((f(x) - exact) / np.spacing(np.abs(exact).astype(np.float64)))
        assert ulps.max() < 0.501, (name, x[np.argmax(ulps)])
        special = np.array([0.0, -0.0, -1.0, np.inf, -np.inf, np.nan])
        with np.errstate(all="ignore"):
            assert np.array_equal(f(special), ref(special), equal_nan=True)
        assert f"_vm.{name}_f64(" in f.source(x)


def test_cbrt_within_half_an_ulp_exact_on_cubes_and_special_values():
    """``vecmath.cbrt_f64`` against long double over the whole float64 range (denormals included): within
    0.501 ulp, exact on the cubes of integers, x itself at +-0, +-inf and NaN; float32 is float64's rounded.
    Would catch: the exponent's split by 3 wrong at multiples of 3, the last Newton step dropped (errors of
    ~1e-10), the denormal scaling off (jnp.cbrt was |x| ** (1/3) with 1/3 rounded: 100 ulp there)."""
    rng = np.random.default_rng(9)
    x = np.concatenate([np.exp2(rng.uniform(-1074, 1024, 20000)) * rng.choice([-1, 1], 20000),
                        rng.uniform(-10, 10, 5000), np.arange(-300, 300.0) ** 3])
    f = jaxlike.compile(jnp.cbrt)
    got = f(x)
    assert "_vm.cbrt_f64(" in f.source(x)
    exact = np.cbrt(x.astype(np.longdouble))
    nonzero = x != 0
    ulps = np.abs((got[nonzero] - exact[nonzero]) / np.spacing(np.abs(exact[nonzero]).astype(np.float64)))
    assert ulps.max() < 0.501, x[nonzero][np.argmax(ulps)]
    assert np.array_equal(got[-600:], np.arange(-300, 300.0))
    special = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, -5e-324])
    got = f(special)
    # NOTE: the correctly rounded roots; glibc's cbrt on an AMD EPYC is 1 ulp off at the smallest denormal
    want = np.cbrt(special.astype(np.longdouble)).astype(np.float64)
    assert np.array_equal(got, want, equal_nan=True)
    assert np.array_equal(np.signbit(got), np.signbit(want))
    x32 = (rng.uniform(-1e3, 1e3, 5000)).astype(np.float32)
    got32 = jaxlike.compile(jnp.cbrt)(x32)
    assert got32.dtype == np.float32 and np.array_equal(got32, np.cbrt(x32.astype(np.float64)).astype(np.float32))
    assert jaxlike.grad(jnp.cbrt)(8.0) == pytest.approx(1 / 12, rel=1e-15)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_float_mod_and_floor_divide_vectorized_match_numpy_bit_for_bit(dtype):
    """Float % and // through ``vecmath.remainder`` (fmod from trunc(x / y) and one FMA) against numpy's, bit
    for bit: quotients near integers (where x / y rounds up to one), signed zeros, infinite and NaN
    operands, zero divisors (the template's), and quotients past 2**51 (float32: 2**22), where the kernel
    reruns in its C-library form. Would catch: the FMA's remainder not exact, a quotient one too far left
    uncorrected (remainders of the wrong sign), float32 computed in float64, a large quotient not rerun."""
    rng = np.random.default_rng(8)
    n = 20000
    near = np.round(rng.uniform(-1e4, 1e4, n)) * 0.1          # multiples of 0.1, whose quotients round
    x = np.concatenate([rng.standard_normal(n) * 100, near, np.exp(rng.uniform(-30, 30, n)) * rng.choice([-1, 1], n),
                        [0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0, 3.0, -3.0, 1e30, -1e30]]).astype(dtype)
    y = np.concatenate([rng.choice([1.5, -1.5, 0.1, -0.1, 7.0, 1e-3], n), np.full(n, 0.1),
                        np.exp(rng.uniform(-30, 30, n)) * rng.choice([-1, 1], n),
                        [1.5, -1.5, 1.5, -1.5, 2.0, np.inf, -np.inf, 0.0, -0.0, 1e-20, 3.0]]).astype(dtype)
    f = jaxlike.compile(lambda x, y: (x % y, x // y, x % dtype(1.5), x // dtype(0.1)))
    itype = np.int64 if dtype == np.float64 else np.int32
    for big in (False, True):
        with np.errstate(over="ignore"):
            xs = x * dtype(1e25) if big else x     # NOTE: quotients past the limit rerun the kernel
        got = f(xs, y)
        with np.errstate(all="ignore"):
            want = (np.mod(xs, y), np.floor_divide(xs, y), np.mod(xs, dtype(1.5)), np.floor_divide(xs, dtype(0.1)))
        for g, w in zip(got, want):
            assert g.dtype == dtype
            bad = (g.view(itype) != w.view(itype)) & ~(np.isnan(g) & np.isnan(w))
            assert not bad.any(), list(zip(xs[bad][:5], y[bad][:5], g[bad][:5], w[bad][:5]))
    src = f.source(x, y)
    assert "_vm.mod_(" in src and "_vm.floordiv_(" in src and "_vm.too_big(" in src


@pytest.mark.parametrize("axis", [1, None])
def test_reductions_of_vecmath_values_buffer_the_inner_loop(axis):
    """Catches: a buffered reduction (values into a row buffer, then accumulated) that drops the tail of a
    row, mixes rows, or starts a row from the last row's sum; one that no longer buffers (the exp loop
    stays scalar, 2-4x slower); a block (the buffer holds 512 values, not a whole row: a sum over 10^7
    values allocated 80 MB more) that drops or repeats values at its edges, in the lane sum, the lane max and
    an in-order product. One compiled function serves every row length."""
    rng = np.random.default_rng(0)
    f = jaxlike.compile(lambda x: jnp.sum(jnp.exp(x), axis=axis))
    g = jaxlike.compile(lambda x: jnp.max(nn.sigmoid(x), axis=1))
    h = jaxlike.compile(lambda x: jnp.prod(jnp.exp(x * np.float32(0.01)), axis=1))
    for width in (37, 0, 1, 512, 513, 1300):
        x = rng.standard_normal((5, width)).astype(np.float32)
        x64 = x.astype(np.float64)
        np.testing.assert_allclose(f(x), np.sum(np.exp(x64), axis=axis), rtol=1e-6)
        np.testing.assert_allclose(h(x), np.prod(np.exp(x64 * 0.01), axis=1), rtol=1e-5)
        if width:
            np.testing.assert_allclose(g(x), np.max(1 / (1 + np.exp(-x64)), axis=1), rtol=1e-6)
    assert "_buf[" in f.source(x) and "_buf = _rt.stack_vector(512, " in f.source(x)
    assert "_buf = _rt.stack_vector(512, " in h.source(x)


# -- sin/cos in compiled loops: the vectorized pass and its C-library rerun --------------------------------
def _value_and_grad_w4():
    return jaxlike.value_and_grad(lambda x: jnp.sum(jnp.exp(jnp.sin(x ** 2)) * jnp.cos(x)))


@pytest.fixture(scope="module")
def w4_pair():
    return jaxlike.compile(_value_and_grad_w4()), jaxlike.compile(_value_and_grad_w4(), mode="FAST_COMPILE")


@pytest.mark.parametrize("case", ["small", "one huge argument", "inf and nan", "length not a block multiple"])
def test_two_pass_sibling_kernel_matches_the_reference(w4_pair, case):
    """Catches: the vectorized pass's result kept although an argument was beyond TRIG_LIMIT (the rerun
    must give the C library's values exactly), a blocked accumulation that drops or repeats the tail block,
    and NaN/inf handling that differs from numpy's."""
    f, ref = w4_pair
    x = np.random.default_rng(1).standard_normal(2000) * 3
    if case == "one huge argument":
        x[1234] = 3e4   # x**2 = 9e8 is beyond the limit
    elif case == "inf and nan":
        x[[5, 77]] = [np.inf, np.nan]
    elif case == "length not a block multiple":
        x = x[:1537]
    (v, g), (rv, rg) = f(x), ref(x)
    if case == "inf and nan":
        assert np.isnan(v) and np.isnan(rv)
        np.testing.assert_array_equal(np.isnan(g), np.isnan(rg))
        ok = ~np.isnan(rg)
        np.testing.assert_allclose(g[ok], rg[ok], rtol=1e-13, atol=1e-13)
        return
    np.testing.assert_allclose(v, rv, rtol=1e-12)
    np.testing.assert_allclose(g, rg, rtol=1e-13, atol=1e-14)
    if case == "one huge argument":
        # NOTE: the C library's values, not numpy's (with AVX-512 numpy has its own exp). The vector pass's
        # reduction is off by ~1e-8 at x**2 = 9e8, so this fails unless the rerun replaced it.
        t = x[1234]
        e = math.exp(math.sin(t * t))
        want = math.cos(t) * e * math.cos(t * t) * 2.0 * t - e * math.sin(t)
        assert abs(g[1234] - want) <= 1e-13 * abs(want)
    src = f.source(x)
    assert "_vm.sin_f64(" in src and "_vm.cos_f64(" in src and "math.sin(" in src and "_buf0[" in src


@pytest.fixture(scope="module")
def w4_chunked():
    """W4 with every call above the threshold: the kernel runs on chunks in parallel (simd.chunked)."""
    _need_chunks()
    return jaxlike.compile(_value_and_grad_w4(), options={"par_threshold": 1})


def _need_chunks():
    import numba
    from jaxlike.backends.numba_cpu import threads_are_reentrant
    if numba.config.NUMBA_NUM_THREADS < 2 or not threads_are_reentrant():
        pytest.skip("chunked kernels need at least 2 numba threads and a reentrant threading layer")


@pytest.mark.parametrize("n", [0, 1, 511, 513, 5000])
def test_chunked_trig_kernel_matches_the_serial_one(w4_pair, w4_chunked, n):
    """Catches: chunks that skip elements or overlap (sizes below one block, not a block multiple, more
    blocks than chunks) and partial sums dropped or counted twice. Each element gets exactly the serial
    kernel's arithmetic, so the gradient is equal; the sum differs only in how the chunks' sums combine."""
    f, _ = w4_pair
    x = np.random.default_rng(4).standard_normal(n) * 3
    (v, g), (sv, sg) = w4_chunked(x), f(x)
    np.testing.assert_array_equal(g, sg)
    np.testing.assert_allclose(v, sv, rtol=1e-13, atol=1e-300)
    for _ in range(3):
        assert w4_chunked(x)[0] == v    # NOTE: the chunks' sums combine in a fixed order
    if n == 1:
        return    # NOTE: a size-1 dim is traced as known (it broadcasts): nothing to chunk
    src = w4_chunked.source(x)
    assert "def k0_siblings_par(" in src and "prange(" in src and "k0_siblings(p0[_lo:_hi]" in src


def test_chunked_trig_kernel_reruns_only_the_chunk_with_a_huge_argument(w4_chunked):
    """One argument beyond TRIG_LIMIT in the middle chunk: that chunk reruns in the C library's form (its
    element gets libm's value), the others keep the vectorized one; the sum stays the reference's."""
    x = np.random.default_rng(5).standard_normal(8000)
    x[4100] = 3e4
    v, g = w4_chunked(x)
    t = x[4100]
    e = math.exp(math.sin(t * t))
    want = math.cos(t) * e * math.cos(t * t) * 2.0 * t - e * math.sin(t)
    assert abs(g[4100] - want) <= 1e-13 * abs(want)
    np.testing.assert_allclose(v, np.sum(np.exp(np.sin(x ** 2)) * np.cos(x)), rtol=1e-12)
    np.testing.assert_allclose(g, np.cos(x) * np.exp(np.sin(x ** 2)) * np.cos(x ** 2) * 2 * x
                               - np.exp(np.sin(x ** 2)) * np.sin(x), rtol=1e-12, atol=1e-12)


def test_chunked_single_kernels_and_where_chunks_do_not_apply():
    """A single fused map and a whole sum of sin/cos (loops.kernel) run chunked; a rank-2 space, a kernel
    without sin/cos and ``parallel=False`` get no chunked variant."""
    _need_chunks()
    x = np.random.default_rng(6).uniform(-5, 5, 3000)
    m = jaxlike.compile(lambda x: jnp.sin(x) * 2.0, options={"par_threshold": 1})
    np.testing.assert_allclose(m(x), np.sin(x) * 2.0, rtol=1e-15)
    s = jaxlike.compile(lambda x: jnp.sum(jnp.cos(x)), options={"par_threshold": 1})
    np.testing.assert_allclose(s(x), np.sum(np.cos(x)), rtol=1e-13)
    for fn in (m, s):
        assert "_par(" in fn.source(x) and "[_lo:_hi]" in fn.source(x)
    assert "_par(" not in m.source(x.reshape(60, 50))
    assert "_par(" not in jaxlike.compile(lambda x: jnp.exp(x) * 2.0).source(x)
    assert "_par(" not in jaxlike.compile(lambda x: jnp.sin(x) * 2.0, options={"parallel": False}).source(x)


def test_two_pass_single_kernel_and_row_reduction():
    """A fused kernel (not siblings) with sin, and a row-wise sum of cos values."""
    x = np.random.default_rng(2).uniform(-5, 5, (7, 300))
    f = jaxlike.compile(lambda x: jnp.sin(x) * 2.0)
    np.testing.assert_allclose(f(x), np.sin(x) * 2.0, rtol=1e-15)
    assert "_vm.sin_f64(" in f.source(x)
    big = x.copy()
    big[3, 3] = 1e12
    np.testing.assert_array_equal(f(big), np.sin(big) * 2.0)
    r = jaxlike.compile(lambda x: jnp.sum(jnp.cos(x), axis=1))
    np.testing.assert_allclose(r(x), np.sum(np.cos(x), axis=1), rtol=1e-13)
    np.testing.assert_allclose(r(big), np.sum(np.cos(big), axis=1), rtol=1e-13)


def test_a_kernel_writing_into_its_own_operand_is_not_two_pass():
    """Catches: a Theano update written in place (the kernel reads and writes the state array) taking the
    two-pass form: the rerun would read the values the first pass already overwrote."""
    import jaxlike.tensor as T
    s = jaxlike.shared(np.array([0.5, 1e9, 2.0]), name="s")
    step = jaxlike.function([], [], updates=[(s, T.sin(s) + s)])
    step()
    want = np.array([0.5, 1e9, 2.0])
    want = np.sin(want) + want
    np.testing.assert_array_equal(s.get_value(), want)
    assert not re.search(r"def \w+_vec\(", step.source), step.source


def test_blocked_sibling_reductions_without_trig():
    """Value and gradient of a float64 exp loss: the siblings accumulate block by block (vecmath exp), the
    sum equals the reference's for a length that is not a block multiple, row sums included."""
    x = np.random.default_rng(3).standard_normal((3, 1100))
    f = jaxlike.compile(jaxlike.value_and_grad(lambda x: jnp.sum(jnp.exp(x) * x)))
    v, g = f(x)
    np.testing.assert_allclose(v, np.sum(np.exp(x) * x), rtol=1e-13)
    np.testing.assert_allclose(g, np.exp(x) * x + np.exp(x), rtol=1e-14, atol=1e-15)
    assert "_vm.exp_f64(" in f.source(x) and "_buf0[" in f.source(x)


@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 23, 31, 32, 33, 95, 1000])
def test_lane_sum_covers_every_element_once(n):
    """Catches a lane sum (support.lane_sum: vectors of 8 x 4) that drops the tail (n not a multiple of 32),
    reads past n, or counts an element twice: integers sum exactly in any order, and float data stays
    within a few ulps of the exact sum."""
    from math import fsum
    from jaxlike.backends.numba_cpu.support import lane_sum
    buf = np.arange(1.0, n + 1)
    assert lane_sum(buf, n) == n * (n + 1) / 2
    x = np.random.default_rng(n).standard_normal(n + 3)
    assert abs(lane_sum(x, n) - fsum(x[:n])) <= 4 * np.spacing(max(np.abs(x[:n]).sum(), 1.0))
    x32 = x.astype(np.float32)
    assert lane_sum(x32, n) == pytest.approx(fsum(x32[:n].astype(np.float64)), rel=1e-14, abs=1e-14)
    past = np.full(n + 40, 1e300)
    past[:n] = 1.0
    assert lane_sum(past, n) == n
    assert lane_sum(np.arange(-5, n + 3, dtype=np.int32)[5:], n) == n * (n - 1) // 2


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_max_and_min_reduce_their_rows_in_lanes(dtype):
    """Catches: a lane reduction (support.lane_max/lane_min, selects in vector lanes) that skips the tail of a
    row (length 37 is not a multiple of 8), loses a NaN (np.max propagates it), takes the first element's
    sign wrongly, or carries one row's result into the next; and a loop that no longer buffers its row (the
    NaN-aware select chain stays scalar, ~4x slower)."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((6, 37)).astype(dtype)
    x[1, 36] = np.nan           # in the tail
    x[2, 3] = np.nan            # in the lanes
    x[3] = -np.inf
    x[4, 0] = 50.0              # the first element is the max
    x[5] = -np.arange(37, dtype=dtype)
    fmax = jaxlike.compile(lambda x: (jnp.max(x, axis=1), jnp.min(x, axis=1), jnp.max(x), jnp.min(x[3:])))
    got = fmax(x)
    want = (np.max(x, axis=1), np.min(x, axis=1), np.max(x), np.min(x[3:]))
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)
    assert "_rt.lane_max(" in fmax.source(x) and "_rt.lane_min(" in fmax.source(x)


# -- log, log1p, expm1, tanh ---------------------------------------------------------------------------------
def _log_args(rng, n):
    return np.exp(rng.uniform(-745.0, 709.0, n))          # every binade, denormals included


def _log1p_args(rng, n):
    small = rng.standard_normal(n // 2) * np.exp(rng.uniform(-60.0, 0.0, n // 2))
    return np.concatenate([rng.uniform(-1.0, 1.0, n // 4), np.clip(small, -0.999, None),
                           np.exp(rng.uniform(-5.0, 700.0, n - n // 2 - n // 4))])


def _expm1_args(rng, n):
    return np.concatenate([rng.uniform(-50.0, 709.7, n // 2),
                           rng.standard_normal(n - n // 2) * np.exp(rng.uniform(-60.0, 1.0, n - n // 2))])


def _tanh_args(rng, n):
    return np.concatenate([rng.uniform(-25.0, 25.0, n // 2),
                           rng.standard_normal(n - n // 2) * np.exp(rng.uniform(-700.0, 1.0, n - n // 2))])


def _sinh_args(rng, n):
    m = n - n // 2 - n // 8
    return np.concatenate([rng.uniform(-710.4, 710.4, n // 4), rng.uniform(708.0, 710.47, n // 8),
                           rng.uniform(-25.0, 25.0, n // 4),
                           rng.standard_normal(m) * np.exp(rng.uniform(-700.0, 1.0, m))])


def _asinh_args(rng, n):
    return np.concatenate([rng.uniform(-3.0, 3.0, n // 2),
                           rng.standard_normal(n - n // 2) * np.exp(rng.uniform(-700.0, 700.0, n - n // 2))])


def _atanh_args(rng, n):
    m = n - n // 2 - n // 4
    return np.concatenate([rng.uniform(-1.0, 1.0, n // 2), (1 - np.exp(rng.uniform(-36.0, -1.0, n // 4))),
                           rng.uniform(-1.0, 1.0, m) * np.exp(rng.uniform(-700.0, 0.0, m))])


def _asin_args(rng, n):
    m = n - n // 2 - n // 4
    near1 = 1 - np.exp(rng.uniform(-36.0, -1.0, n // 4))
    return np.concatenate([rng.uniform(-1.0, 1.0, n // 2), np.where(rng.random(n // 4) < 0.5, near1, -near1),
                           rng.uniform(-1.0, 1.0, m) * np.exp(rng.uniform(-700.0, 0.0, m))])


_ASIN_SPECIAL = [-1.0, -0.9999999999999999, -0.975, -0.5, -0.49999999999999994, -1e-300, -0.0, 0.0, 5e-324, 0.5,
                 0.975, 1.0, np.nan]
_SINH_SPECIAL = [-np.inf, -710.48, -710.47, -22.0, -1e-300, -0.0, 0.0, 5e-324, 1e-8, 0.5, 21.99, 22.01, 709.0,
                 709.78, 710.47, 710.48, 1e300, np.inf, np.nan]
# (function, numpy reference, arguments over the domain, special arguments inside it)
_NEW = {"log": (np.log, _log_args, [5e-324, 1e-310, 2.2250738585072014e-308, 1.0, 2.0, 1.7e308, np.inf]),
        "log1p": (np.log1p, _log1p_args, [-0.9999999999999999, -1e-300, -0.0, 0.0, 1e-300, 1e-16, -1.6e-16,
                                          1e300, np.inf]),
        "expm1": (np.expm1, _expm1_args, [-np.inf, -1000.0, -40.0, -37.5, -1e-300, -0.0, 0.0, 1e-300, 0.3466,
                                          36.9, 709.5, 709.78, 709.79, 1000.0, np.inf, np.nan]),
        "tanh": (np.tanh, _tanh_args, [-np.inf, -20.0, -19.0625, -1e-300, -0.0, 0.0, 5e-324, 0.55, 19.0625,
                                       20.0, 710.0, np.inf, np.nan]),
        "atan": (np.arctan, _tanh_args, [-np.inf, -1e300, -2.4375, -1.1875, -0.6875, -0.4375, -1e-300, -0.0, 0.0,
                                         5e-324, 0.4375, 0.6875, 1.0, 1.1875, 1.5, 2.4375, 1e300, np.inf, np.nan]),
        "sinh": (np.sinh, _sinh_args, _SINH_SPECIAL),
        "cosh": (np.cosh, _sinh_args, _SINH_SPECIAL),
        "asinh": (np.arcsinh, _asinh_args, [-np.inf, -1e300, -268435456.0, -1e-16, -0.0, 0.0, 5e-324, 0.5,
                                            268435455.9, 268435456.0, 1.7e308, np.inf, np.nan]),
        "asin": (np.arcsin, _asin_args, _ASIN_SPECIAL),
        "acos": (np.arccos, _asin_args, _ASIN_SPECIAL),
        "atanh": (np.arctanh, _atanh_args, [-0.9999999999999999, -0.5, -1e-300, -0.0, 0.0, 5e-324,
                                            0.4999999999999999, 0.5, 0.75, 0.9999999999999999, np.nan])}

# the edges of the domains, and beyond: the fused loops' templates call these without a guard (branchless.py)
_OUTSIDE = [-np.inf, -2.0, -1.0, -0.5, -0.0, 0.0, 1.0, 2.0, np.inf, np.nan, -5e-324]

# float64 ulps against long double (below 0.9 where not listed): sinh, cosh, asinh, atanh are fdlibm-style
# compositions of exp/expm1/log1p (glibc documents up to 2 ulp for them)
_BOUND64 = {"sinh": 1.35, "cosh": 1.35, "asinh": 1.25, "atanh": 1.1}


# float32 ulps against float64's result
_BOUND32 = {"log": 1.0, "log1p": 1.0, "expm1": 0.51, "tanh": 1.5, "atan": 1.0, "sinh": 0.51, "cosh": 0.51,
            "asinh": 0.51, "atanh": 0.51, "asin": 0.51, "acos": 0.51}


@pytest.mark.parametrize("name", list(_NEW))
def test_vecmath_functions_within_their_ulp_bounds_and_special_values(name):
    """Catches: a wrong coefficient or reduction in the vectorizable log/log1p/expm1/tanh/atan/sinh/cosh/asinh/
    atanh (float64 within 0.9 ulp of the long double result over the range, or its ``_BOUND64``; float32
    within ``_BOUND32`` of float64's: 0.51 where it computes in float64 and rounds once), the cancellations
    they exist to avoid (log1p, expm1, tanh, sinh, asinh, atanh near 0), the ranges' seams (sinh/cosh past
    22 and 709, asinh at 2**28, atanh at 0.5), the denormal inputs of log, and the special values (inf,
    overflow, -1 and +-1 limits, signed zeros, NaN)."""
    ref, args, special = _NEW[name]
    f64, f32 = getattr(vecmath, name + "_f64"), getattr(vecmath, name + "_f32")
    x = args(np.random.default_rng(11), 200000)
    out = np.empty_like(x)
    _map(f64, x, out)
    want = ref(x.astype(np.longdouble))
    ulps = np.abs((out.astype(np.longdouble) - want) / np.spacing(np.abs(want).astype(np.float64)))
    assert float(ulps[np.isfinite(want.astype(np.float64))].max()) < _BOUND64.get(name, 0.9)
    with np.errstate(over="ignore"):
        x32 = x.astype(np.float32)
    domain = {"log1p": x32 > -1, "log": x32 > 0, "atanh": np.abs(x32) < 1, "asin": np.abs(x32) <= 1,
              "acos": np.abs(x32) <= 1}.get(name, True)
    x32 = x32[np.isfinite(x32) & domain]
    out32 = np.empty_like(x32)
    _map(f32, x32, out32)
    want32 = ref(x32.astype(np.float64))
    ok = np.abs(want32) < float(np.finfo(np.float32).max)
    assert _ulps(out32[ok], want32[ok]).max() <= _BOUND32[name]
    for dt, fn in ((np.float64, f64), (np.float32, f32)):
        with np.errstate(all="ignore"):
            s = np.array(special + _OUTSIDE, dt)
            sw = ref(s)
        so = np.empty_like(s)
        _map(fn, s, so)
        np.testing.assert_allclose(so, sw, rtol=3 * float(np.finfo(dt).eps), atol=0)
        num = ~np.isnan(sw)     # NOTE: a NaN's sign means nothing (x86's invalid-operation NaN is negative)
        assert np.array_equal(np.signbit(so[num]), np.signbit(sw[num])), (s, so, sw)


@pytest.mark.parametrize("name", ["log", "log2", "log10", "log1p", "atanh", "asin", "acos"])
def test_functions_with_a_domain_give_numpys_values_outside_it(name):
    """Catches: a log of 0 or of a negative, a log1p at or below -1, an atanh at or beyond +-1 (or an asin/acos
    beyond 1) giving the polynomial's garbage instead of numpy's -inf, inf or NaN: the fused loops call these
    for every element, with no guard of their own (branchless.py)."""
    ref = {"log": np.log, "log2": np.log2, "log10": np.log10, "log1p": np.log1p, "atanh": np.arctanh,
           "asin": np.arcsin, "acos": np.arccos}[name]
    for dt in (np.float64, np.float32):
        with np.errstate(over="ignore"):
            x = np.array(_OUTSIDE + [-1e300, 0.5, -0.9999999999999999, 5e-324], dt)
        got = np.empty_like(x)
        _map(getattr(vecmath, f"{name}_{'f64' if dt == np.float64 else 'f32'}"), x, got)
        with np.errstate(all="ignore"):
            want = ref(x)
        np.testing.assert_allclose(got, want, rtol=2 * float(np.finfo(dt).eps), atol=0, err_msg=f"{name} {dt}")
        num = ~np.isnan(want)
        assert np.array_equal(np.signbit(got[num]), np.signbit(want[num])), (name, dt, x, got, want)


def test_atan2_within_one_and_a_half_ulp_and_the_c99_special_cases():
    """Catches: a wrong quadrant (x < 0, x = -0.0), the quotient's or atan's error beyond 1.4 ulp, pi - pi/2
    not rounding to pi/2 (atan2(1, -0.0)), and every zero/infinity/NaN combination against numpy, in both
    precisions."""
    rng = np.random.default_rng(15)
    y = rng.standard_normal(200000) * np.exp(rng.uniform(-40, 40, 200000))
    x = rng.standard_normal(200000) * np.exp(rng.uniform(-40, 40, 200000))
    out = np.empty_like(x)
    _map2(vecmath.atan2_f64, y, x, out)
    want = np.arctan2(y.astype(np.longdouble), x.astype(np.longdouble))
    assert float(np.max(np.abs((out.astype(np.longdouble) - want) / np.spacing(np.abs(want).astype(np.float64))))) < 1.4
    y32, x32 = y.astype(np.float32), x.astype(np.float32)
    ok = np.isfinite(y32) & np.isfinite(x32)
    out32 = np.empty_like(x32[ok])
    _map2(vecmath.atan2_f32, y32[ok], x32[ok], out32)
    assert _ulps(out32, np.arctan2(y32[ok].astype(np.float64), x32[ok].astype(np.float64))).max() <= 0.51
    special = [0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, np.nan, 5e-324, 1e308]
    for dt, fn in ((np.float64, vecmath.atan2_f64), (np.float32, vecmath.atan2_f32)):
        with np.errstate(over="ignore"):    # NOTE: 1e308 becomes inf in float32, a case worth keeping
            sy, sx = (a.ravel().astype(dt) for a in np.meshgrid(special, special))
        got = np.empty_like(sx)
        _map2(fn, sy, sx, got)
        w = np.arctan2(sy.astype(np.float64), sx.astype(np.float64)).astype(dt)   # NOTE: numpy's float32
        np.testing.assert_array_equal(got, w)                                       # atan2(inf, inf) is 1 ulp low
        assert np.array_equal(np.signbit(got[~np.isnan(w)]), np.signbit(w[~np.isnan(w)]))


def test_compiled_loops_vectorize_log_tanh_and_keep_the_op_templates_domain():
    """Catches: a loop with log/log1p/expm1/tanh/arctan/sinh/cosh/arcsinh/arctanh/arcsin/arccos/arctan2 still
    calling the C library (scalar, 4-35x slower than numpy), and the templates' domain handling lost on the
    way (log of 0 and negatives, log1p at -1 and below, arctanh/arcsin/arccos at +-1 and beyond, NaN), in
    float64 and float32."""
    f = jaxlike.compile(lambda x: (jnp.log(x), jnp.log1p(x), jnp.expm1(x) * 2.0, jnp.tanh(x) + 1.0,
                                   jnp.arctan(x) * 2.0, jnp.sinh(x) * 2.0, jnp.cosh(x) * 2.0, jnp.arcsinh(x) * 2.0,
                                   jnp.arctanh(x) * 2.0, jnp.arcsin(x) * 2.0, jnp.arccos(x) * 2.0,
                                   jnp.arctan2(x, x - 1.0) * 2.0))
    for dt in (np.float64, np.float32):
        x = np.array([-2.0, -1.0, -0.5, -0.0, 0.0, 1e-30, 0.5, 3.0, 90.0, np.inf, -np.inf, np.nan], dt)
        got = f(x)
        with np.errstate(all="ignore"):
            want = [np.log(x), np.log1p(x), np.expm1(x) * dt(2), np.tanh(x) + dt(1), np.arctan(x) * dt(2),
                    np.sinh(x) * dt(2), np.cosh(x) * dt(2), np.arcsinh(x) * dt(2), np.arctanh(x) * dt(2),
                    np.arcsin(x) * dt(2), np.arccos(x) * dt(2), np.arctan2(x, x - dt(1)) * dt(2)]
        for g, w in zip(got, want):
            assert g.dtype == dt
            np.testing.assert_allclose(g, w, rtol=4 * float(np.finfo(dt).eps))
        src = f.source(x)
        assert set(re.findall(r"math\.(\w+)\(", src.split("def entry")[1])) <= {"copysign"}, src
        assert all(f"_vm.{n}_" in src for n in ("log", "log1p", "expm1", "tanh", "atan", "sinh", "cosh", "asinh",
                                                "atanh", "asin", "acos", "atan2"))


@pytest.mark.parametrize("name", ["sin", "cos", "tan"])
def test_sin_cos_tan_f32_within_half_an_ulp_up_to_the_limit(name):
    """Catches: a wrong reduction constant, quadrant or polynomial term in the float32 forms (which compute
    in float64 with a two-part pi/2 and short polynomials): every 97th float32 in [1, 2**20), where the
    reduction cancels most, and random small ones, against long double; zeros keep their sign, inf and NaN
    give NaN."""
    start, stop = np.float32(1.0).view(np.int32), np.float32(vecmath.TRIG_LIMIT).view(np.int32)
    x = np.arange(start, stop, 97, dtype=np.int32).view(np.float32)
    x = np.concatenate([x, -x[::5], np.random.default_rng(13).uniform(-1, 1, 100000).astype(np.float32),
                        np.float32([1e-40, -1e-40, 1e-20, 0.7853982, 1.5707964, 3.1415927, 1048575.9])])
    out = np.empty_like(x)
    _map(getattr(vecmath, name + "_f32"), x, out)
    want = getattr(np, name)(x.astype(np.longdouble)).astype(np.float64)
    assert _ulps(out, want).max() <= 0.51
    odd = np.float32([0.0, -0.0, np.inf, -np.inf, np.nan])
    got = np.empty_like(odd)
    _map(getattr(vecmath, name + "_f32"), odd, got)
    with np.errstate(invalid="ignore"):
        np.testing.assert_array_equal(got, getattr(np, name)(odd))
    assert np.array_equal(np.signbit(got[:2]), np.signbit(getattr(np, name)(odd[:2])))


def test_sin_cos_tan_take_their_vector_forms():
    """Catches: float32 sin/cos/tan loops (and float64 tan) still calling the C library (scalar, 12x slower
    than numpy), values off by more than half an ulp of float64's below the limit, and the rerun of an argument
    beyond vecmath.TRIG_LIMIT or inf/NaN lost, in a map and in the value and gradient of W4's expression (a
    two-pass sibling kernel)."""
    rng = np.random.default_rng(12)
    f = jaxlike.compile(lambda x: (jnp.sin(x) * 2, jnp.cos(x) + 1, jnp.tan(x) * 2))
    x = (rng.standard_normal(5000) * 3).astype(np.float32)
    s, c, t = f(x)
    x64 = x.astype(np.float64)
    assert _ulps(s / np.float32(2), np.sin(x64)).max() <= 0.51
    np.testing.assert_allclose(c, np.cos(x64) + 1, rtol=0, atol=1.8e-7)  # half an ulp of cos and of c
    assert _ulps(t / np.float32(2), np.tan(x64)).max() <= 0.51
    src = f.source(x)
    assert "_vm.sin_f32(" in src and "_vm.cos_f32(" in src and "_vm.tan_f32(" in src
    odd = np.array([0.0, -0.0, np.inf, np.nan, 3e6, -1e30, 1e-40, 1.5], np.float32)
    s, c, t = f(odd)
    with np.errstate(invalid="ignore"):
        np.testing.assert_allclose(s, np.sin(odd.astype(np.float64)) * 2, rtol=1.2e-7)
        np.testing.assert_allclose(c, np.cos(odd.astype(np.float64)) + 1, rtol=1.2e-7)
        np.testing.assert_allclose(t, np.tan(odd.astype(np.float64)) * 2, rtol=1.2e-7)
    assert np.signbit(s[1]) and np.signbit(t[1])
    f64 = jaxlike.compile(lambda x: jnp.tan(x) * 2)
    xd = np.concatenate([rng.standard_normal(5000) * 3, [0.0, -0.0, np.nan, 3e6, 1e300]])
    assert "_vm.tan_f64(" in f64.source(xd)
    with np.errstate(invalid="ignore"):
        np.testing.assert_allclose(f64(xd), np.tan(xd) * 2, rtol=3e-16)   # beyond the limit: the C library
    g = jaxlike.compile(_value_and_grad_w4())
    for xs in (x, np.concatenate([x, [np.float32(5e6)]])):
        v, d = g(xs)
        x64, sq = xs.astype(np.float64), (xs * xs).astype(np.float64)   # NOTE: x ** 2 rounds in float32
        np.testing.assert_allclose(v, np.sum(np.exp(np.sin(sq)) * np.cos(x64)), rtol=1e-5)
        want = np.exp(np.sin(sq)) * (np.cos(sq) * 2 * x64 * np.cos(x64) - np.sin(x64))
        np.testing.assert_allclose(d, want, rtol=2e-5, atol=2e-5 * np.abs(want).max())


def test_rounding_is_vectorized_and_exact_at_halves_signed_zeros_and_large_values():
    """Catches: floor/ceil back on numba's math.floor (through int64: garbage past 2**63 if the guard
    goes, and a scalar loop without AVX-512), and round/rint on a float ``mod`` (a C call that kept the loop
    scalar, 2.8x slower than numpy) or wrong at halves (to even), at -0.0 and -0.4 (numpy keeps the sign),
    at 2**52 + 0.5 style values and at inf/NaN, in both precisions."""
    f = jaxlike.compile(lambda x: (jnp.floor(x), jnp.ceil(x), jnp.round(x), jnp.rint(x), jnp.round(x, 2)))
    rng = np.random.default_rng(14)
    for dt in (np.float64, np.float32):
        big = 2.0 ** 52 if dt == np.float64 else 2.0 ** 23
        x = np.concatenate([rng.standard_normal(2000) * 5, np.arange(-6, 6, 0.5),
                            [-0.0, 0.0, -0.4, 0.4, np.inf, -np.inf, np.nan, big + 1, -(big + 1), big - 0.5,
                             -(big - 0.5), 0.49999997, 1e30, -1e-30]]).astype(dt)
        src = f.source(x)
        assert "_vm.floor_(" in src and "_vm.ceil_(" in src and "math.floor" not in src.split("def entry")[1]
        with np.errstate(all="ignore"):
            want = [np.floor(x), np.ceil(x), np.round(x), np.rint(x), np.round(x, 2)]
        for g, w in zip(f(x), want):
            assert g.dtype == dt
            assert np.array_equal(g, w, equal_nan=True) and np.array_equal(np.signbit(g), np.signbit(w)), (x, g, w)
