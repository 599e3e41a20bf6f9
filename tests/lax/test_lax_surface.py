"""The ``jax.lax`` operation surface of ``jaxlike.lax`` (elementwise.py, special.py, structural.py,
reductions.py), one table row per case: values against a numpy reference on plain arrays and traced through
``jaxlike.compile(mode="FAST_COMPILE")``, JVP and VJP to second order against finite differences, then a few
Numba-compiled functions that each check many ops at once.

What it catches: numpy semantics leaking into lax (floor division where lax truncates, ``%`` where lax takes
C's fmod, numpy's round-half-even where lax rounds away from zero, numpy's promotion where lax refuses mixed
dtypes), undefined shifts (by the bit width or more), a wrong bit count, non-saturating float-to-int casts,
lost interior or negative padding, a dot_general that orders its result dimensions wrongly, sort/top_k tie and
NaN orders, an associative_scan that drops or repeats an element for some length, and wrong gradients.
"""

import math
import zlib

import numpy as np
import pytest
import scipy.special as sps

import jaxlike
import jaxlike.lax as lax
import jaxlike.numpy as jnp
from jaxlike import pytree
from jaxlike.test_util import check_grads


def _fold_rows(rows, init):
    """A fold of a * 0.5 + b * b along each row of ``rows``, first element first: lax.reduce's general form."""
    acc = np.full(rows.shape[0], init)
    for column in rows.T:
        acc = acc * 0.5 + column * column
    return acc


class Row:
    """``fn(*args)`` (jaxlike.lax) against ``ref(*args)`` (numpy); ``args(rng)`` makes the inputs;
    ``grad=False`` where the result is integer, boolean or piecewise constant."""

    def __init__(self, id, fn, args, ref, grad=True, order=2, rtol=1e-9, atol=1e-12):
        self.id, self.fn, self.args, self.ref, self.grad, self.order = id, fn, args, ref, grad, order
        self.rtol, self.atol = rtol, atol

    def __repr__(self):
        return self.id


def assert_same(got, want, rtol, atol, what):
    """Same tree, shapes and dtypes; values close (NaN where NaN; signed zeros kept for floats)."""
    gl, _ = pytree.flatten(got)
    wl, _ = pytree.flatten(want)
    assert len(gl) == len(wl), f"{what}: {len(gl)} outputs, reference {len(wl)}"
    for k, (g, w) in enumerate(zip(gl, wl)):
        g, w = np.asarray(g), np.asarray(w)
        assert g.shape == w.shape, f"{what} output {k}: shape {g.shape}, reference {w.shape}"
        assert g.dtype == w.dtype, f"{what} output {k}: dtype {g.dtype}, reference {w.dtype}"
        if w.dtype.kind in "fc":
            np.testing.assert_allclose(g, w, rtol=rtol, atol=atol, equal_nan=True, err_msg=f"{what} output {k}")
        else:
            np.testing.assert_array_equal(g, w, err_msg=f"{what} output {k}")


def check_row(row):
    args = row.args(np.random.default_rng(zlib.crc32(row.id.encode())))
    with np.errstate(all="ignore"):
        want = row.ref(*args)
        assert_same(row.fn(*args), want, row.rtol, row.atol, f"{row.id} on plain arrays")
        assert_same(jaxlike.compile(row.fn, mode="FAST_COMPILE")(*args), want, row.rtol, row.atol,
                    f"{row.id} traced")
    if row.grad:
        check_grads(row.fn, args, order=row.order)


def uniform(lo, hi, *shapes):
    return lambda rng: tuple(rng.uniform(lo, hi, size=s) for s in shapes)


def signed(lo, hi, *shapes):
    return lambda rng: tuple(rng.uniform(lo, hi, size=s) * rng.choice([-1.0, 1.0], size=s) for s in shapes)


def ints(lo, hi, dtype, *shapes):
    return lambda rng: tuple(rng.integers(lo, hi, size=s).astype(dtype) for s in shapes)


def fixed(*arrays):
    return lambda rng: tuple(np.asarray(a) for a in arrays)


S = (2, 3)

# -- numpy references for what numpy spells differently --------------------------------------------------------


def ref_round_away(x):
    return np.where(np.abs(x - np.trunc(x)) >= 0.5, np.trunc(x) + np.sign(x), np.trunc(x))


def ref_trunc_div(a, b):
    safe = np.where(b == 0, 1, b)
    q = np.array([int(x / y) if y else 0 for x, y in zip(a.ravel().tolist(), safe.ravel().tolist())])
    return np.where(b == 0, np.array(-1).astype(a.dtype), q.reshape(a.shape).astype(a.dtype))


def ref_rem(a, b):
    return np.where(b == 0, a, np.fmod(a, np.where(b == 0, 1, b))).astype(a.dtype)


def _bitwise_ref(fn, a, b=None):
    """Per element on Python ints (two's complement in the dtype's width), wrapped back into the dtype."""
    dt = a.dtype
    bits = dt.itemsize * 8
    mask = (1 << bits) - 1
    bs = b.ravel().tolist() if b is not None else [None] * a.size
    out = [fn(int(x) & mask, y, bits) & mask for x, y in zip(a.ravel().tolist(), bs)]
    return np.array(out, dtype=np.uint64).astype(dt).reshape(a.shape)


def ref_shl(a, b):
    return _bitwise_ref(lambda u, s, bits: u << s if 0 <= s < bits else 0, a, b)


def ref_shr_logical(a, b):
    return _bitwise_ref(lambda u, s, bits: u >> s if 0 <= s < bits else 0, a, b)


def ref_shr_arith(a, b):
    def sra(u, s, bits):
        v = u - (1 << bits) if u >> (bits - 1) else u    # the bits read as a signed number
        return v >> (s if 0 <= s < bits else bits - 1)
    return _bitwise_ref(sra, a, b)


def ref_popcount(a):
    return _bitwise_ref(lambda u, _, bits: bin(u).count("1"), a)


def ref_clz(a):
    return _bitwise_ref(lambda u, _, bits: bits - u.bit_length(), a)


def ref_lgamma(x):
    return np.array([math.lgamma(v) if not (v <= 0 and v == int(v)) else np.inf for v in x.ravel()]).reshape(x.shape)


def ref_integer_pow(x, y):
    out = np.ones_like(x)
    for _ in range(abs(y)):
        out = out * x
    return 1 / out if y < 0 else out


def ref_convert_f2i(x, dt):
    info = np.iinfo(dt)
    t = np.trunc(np.where(np.isnan(x), 0, x))
    return np.array([info.max if v >= info.max else info.min if v <= info.min else int(v) for v in t.ravel()],
                    dtype=dt).reshape(x.shape)


def ref_pad(x, value, config):
    """Interior padding by scattering into a grid, then low/high by numpy pad and slicing."""
    for ax, (lo, hi, k) in enumerate(config):
        n = x.shape[ax]
        size = n + max(n - 1, 0) * k
        shp = list(x.shape)
        shp[ax] = size
        grid = np.full(shp, value, dtype=x.dtype)
        idx = [slice(None)] * x.ndim
        idx[ax] = slice(0, size, k + 1)
        grid[tuple(idx)] = x
        widths = [(0, 0)] * x.ndim
        widths[ax] = (max(lo, 0), max(hi, 0))
        grid = np.pad(grid, widths, constant_values=value)
        idx = [slice(None)] * x.ndim
        idx[ax] = slice(max(-lo, 0), grid.shape[ax] - max(-hi, 0))
        x = grid[tuple(idx)]
    return x


def ref_dot_general(a, b, dims):
    (lc, rc), (lb, rb) = dims
    lf = [i for i in range(a.ndim) if i not in lc and i not in lb]
    rf = [i for i in range(b.ndim) if i not in rc and i not in rb]
    a2 = np.transpose(a, list(lb) + lf + list(lc))
    b2 = np.transpose(b, list(rb) + list(rc) + rf)
    nb = int(np.prod([a.shape[i] for i in lb], dtype=int))
    nk = int(np.prod([a.shape[i] for i in lc], dtype=int))
    out = np.matmul(a2.reshape(nb, -1, nk), b2.reshape(nb, nk, -1))
    return out.reshape([a.shape[i] for i in lb] + [a.shape[i] for i in lf] + [b.shape[i] for i in rf])


def ref_cum(fn, x, axis, reverse):
    x = np.flip(x, axis) if reverse else x
    out = fn.accumulate(x, axis=axis)
    return np.flip(out, axis) if reverse else out


def ref_top_k(x, k):
    """Descending, ties in index order, NaN first: a stable sort on (NaN first, -value)."""
    order = np.lexsort((-np.where(np.isnan(x), 0, x), ~np.isnan(x)), axis=-1)[..., :k]
    return np.take_along_axis(x, order, -1), order.astype(np.int32)


def ref_linear_scan(a, b):
    """h_i = a_i h_(i-1) + b_i from h_-1 = 0, and the running product of a."""
    h, p, hs, ps = 0.0, 1.0, [], []
    for ai, bi in zip(a, b):
        h, p = ai * h + bi, p * ai
        hs.append(h)
        ps.append(p)
    return np.array(ps), np.array(hs)


ELEMENTWISE = [
    Row("abs", lax.abs, signed(0.2, 2, S), np.abs),
    Row("neg", lax.neg, uniform(-2, 2, S), np.negative),
    Row("sign", lax.sign, signed(0.2, 2, S), np.sign),
    Row("sign signed zeros and NaN", lax.sign, fixed([-0.0, 0.0, np.nan, -np.inf, 3.0]),
        lambda x: np.array([-0.0, 0.0, np.nan, -1.0, 1.0]), grad=False),
    Row("square", lax.square, uniform(-2, 2, S), np.square),
    Row("sqrt", lax.sqrt, uniform(0.2, 3, S), np.sqrt),
    Row("rsqrt", lax.rsqrt, uniform(0.2, 3, S), lambda x: 1 / np.sqrt(x)),
    Row("cbrt", lax.cbrt, signed(0.2, 3, S), np.cbrt),
    Row("exp", lax.exp, uniform(-2, 2, S), np.exp),
    Row("exp2", lax.exp2, uniform(-2, 2, S), np.exp2),
    Row("expm1", lax.expm1, uniform(-2, 2, S), np.expm1),
    Row("log", lax.log, uniform(0.2, 3, S), np.log),
    Row("log1p", lax.log1p, uniform(-0.5, 3, S), np.log1p),
    Row("logistic", lax.logistic, uniform(-4, 4, S), lambda x: 1 / (1 + np.exp(-x))),
    Row("sin", lax.sin, uniform(-3, 3, S), np.sin),
    Row("cos", lax.cos, uniform(-3, 3, S), np.cos),
    Row("tan", lax.tan, uniform(-1.2, 1.2, S), np.tan),
    Row("asin", lax.asin, uniform(-0.9, 0.9, S), np.arcsin),
    Row("acos", lax.acos, uniform(-0.9, 0.9, S), np.arccos),
    Row("atan", lax.atan, uniform(-3, 3, S), np.arctan),
    Row("sinh", lax.sinh, uniform(-2, 2, S), np.sinh),
    Row("cosh", lax.cosh, uniform(-2, 2, S), np.cosh),
    Row("tanh", lax.tanh, uniform(-2, 2, S), np.tanh),
    Row("asinh", lax.asinh, uniform(-3, 3, S), np.arcsinh),
    Row("acosh", lax.acosh, uniform(1.2, 4, S), np.arccosh),
    Row("atanh", lax.atanh, uniform(-0.9, 0.9, S), np.arctanh),
    Row("erf", lax.erf, uniform(-2, 2, S), sps.erf),
    Row("erfc", lax.erfc, uniform(-2, 2, S), sps.erfc),
    Row("erf_inv", lax.erf_inv, uniform(-0.95, 0.95, S), sps.erfinv, rtol=1e-7),
    Row("lgamma", lax.lgamma, uniform(0.05, 12, (9,)), ref_lgamma, rtol=1e-12, atol=1e-13),
    Row("lgamma negative", lax.lgamma, lambda r: (-r.integers(0, 6, 9) - r.uniform(0.2, 0.8, 9),), ref_lgamma, rtol=1e-11),
    Row("lgamma poles and infinities", lax.lgamma, fixed([0.0, -1.0, -3.0, np.inf, -np.inf, np.nan, 1.0, 2.0]),
        lambda x: np.array([np.inf, np.inf, np.inf, np.inf, np.inf, np.nan, 0.0, 0.0]), grad=False),
    Row("digamma", lax.digamma, uniform(0.05, 12, (9,)), sps.digamma, rtol=1e-12, atol=1e-13),
    Row("digamma negative", lax.digamma, lambda r: (-r.integers(0, 6, 9) - r.uniform(0.2, 0.8, 9),), sps.digamma, rtol=1e-11),
    Row("digamma poles", lax.digamma, fixed([0.0, -2.0, np.inf, -np.inf]),
        lambda x: np.array([np.nan, np.nan, np.inf, np.nan]), grad=False),
    Row("floor", lax.floor, uniform(-3, 3, S), np.floor, grad=False),
    Row("ceil", lax.ceil, uniform(-3, 3, S), np.ceil, grad=False),
    Row("round away from zero", lax.round, fixed([0.5, 1.5, 2.5, -0.5, -2.5, 0.49999999999999994, -0.3, 1.7]),
        ref_round_away, grad=False),
    Row("round to nearest even", lambda x: lax.round(x, lax.RoundingMethod.TO_NEAREST_EVEN),
        fixed([0.5, 1.5, 2.5, -0.5, -2.5, 0.49999999999999994]), np.rint, grad=False),
    Row("is_finite", lax.is_finite, fixed([1.0, np.inf, -np.inf, np.nan]), np.isfinite, grad=False),
    Row("add", lax.add, uniform(-2, 2, S, S), np.add),
    Row("add rank-0 and size-1 broadcast", lambda x, y, z: lax.add(lax.add(x, y), z),
        uniform(-2, 2, (2, 3), (), (1, 3)), lambda x, y, z: x + y + z),
    Row("sub", lax.sub, uniform(-2, 2, S, S), np.subtract),
    Row("mul", lax.mul, uniform(-2, 2, S, S), np.multiply),
    Row("div", lax.div, lambda r: (r.uniform(-2, 2, S), r.uniform(0.5, 2, S)), np.divide),
    Row("rem (sign of the dividend)", lax.rem, lambda r: (r.uniform(-5, 5, S), r.uniform(0.7, 1.3, S) *
                                                           r.choice([-1, 1], S)), np.fmod),
    Row("pow", lax.pow, lambda r: (r.uniform(0.5, 2, S), r.uniform(-2, 2, S)), np.power),
    Row("pow integer exponent", lax.pow, lambda r: (r.uniform(-2, 2, S), r.integers(-3, 4, S).astype(np.int32)),
        lambda x, y: x ** y.astype(float)),
    Row("atan2", lax.atan2, signed(0.3, 2, S, S), np.arctan2),
    Row("max", lax.max, uniform(-2, 2, S, S), np.maximum),
    Row("min", lax.min, uniform(-2, 2, S, S), np.minimum),
    Row("max NaN", lax.max, fixed([np.nan, 1.0], [1.0, np.nan]), np.maximum, grad=False),
    Row("Python scalars are weak", lambda x: lax.mul(lax.add(x, 2.0), 3.0), lambda r: (r.uniform(-2, 2, S)
                                                                                     .astype(np.float32),),
        lambda x: (x + np.float32(2)) * np.float32(3), rtol=1e-6),
    Row("Python scalar arguments stay weak when traced", lambda x, s, n: (lax.add(x, s), lax.pad(x, s, [(1, 0, 1), (0, 0, 0)]),
                                                                          lax.clamp(s, x, 1.0), lax.shift_left(n, 2)),
        lambda r: (r.uniform(-2, 2, S).astype(np.float32), 0.5, np.arange(3, dtype=np.uint8)),
        lambda x, s, n: (x + np.float32(s), ref_pad(x, np.float32(s), [(1, 0, 1), (0, 0, 0)]),
                         np.clip(x, np.float32(s), np.float32(1)), n << 2), grad=False, rtol=1e-6),
    Row("clamp scalar bounds", lambda x: lax.clamp(-1.0, x, 1.0), fixed([-2.0, -0.5, 0.3, 2.0, np.nan]),
        lambda x: np.clip(x, -1, 1), grad=False),
    Row("clamp", lax.clamp, lambda r: (r.uniform(-2, -0.5, S), r.uniform(-3, 3, S), r.uniform(0.5, 2, S)),
        lambda lo, x, hi: np.clip(x, lo, hi)),
    Row("clamp lo > hi", lambda x: lax.clamp(2.0, x, 1.0), fixed([-1.0, 5.0, 1.5]),
        lambda x: np.minimum(np.maximum(x, 2.0), 1.0), grad=False),
    Row("integer_pow 3", lambda x: lax.integer_pow(x, 3), uniform(-2, 2, S), lambda x: x ** 3),
    Row("integer_pow 8", lambda x: lax.integer_pow(x, 8), uniform(-1.5, 1.5, S), lambda x: ref_integer_pow(x, 8)),
    Row("integer_pow -3", lambda x: lax.integer_pow(x, -3), signed(0.5, 2, S), lambda x: ref_integer_pow(x, -3)),
    Row("integer_pow 0", lambda x: lax.integer_pow(x, 0), uniform(-2, 2, S), np.ones_like),
    Row("integer_pow 3 at 0 (no NaN gradient)", lambda x: lax.integer_pow(x, 3), fixed([0.0, 1.0]), lambda x: x ** 3),
    Row("eq ne lt le gt ge", lambda x, y: (lax.eq(x, y), lax.ne(x, y), lax.lt(x, y), lax.le(x, y), lax.gt(x, y),
                                           lax.ge(x, y)),
        fixed([1.0, 2.0, 3.0, np.nan], [1.0, 3.0, 2.0, np.nan]),
        lambda x, y: (x == y, x != y, x < y, x <= y, x > y, x >= y), grad=False),
    Row("nextafter", lax.nextafter,
        fixed([1.0, 1.0, 0.0, 0.0, np.inf, 5e-324, 1.0, 2.0, -1.0, np.nan], [2.0, 0.0, 1.0, -1.0, 0.0, 0.0, 1.0, 0.0,
                                                                              -2.0, 1.0]),
        np.nextafter, grad=False, rtol=0, atol=0),
    Row("nextafter float32", lax.nextafter, lambda r: (r.standard_normal(20).astype(np.float32) *
                                                       np.float32(10.0) ** r.integers(-40, 38, 20).astype(np.float32),
                                                       r.standard_normal(20).astype(np.float32)),
        np.nextafter, grad=False, rtol=0, atol=0),
    Row("complex, real, imag, conj", lambda x, y: (lax.real(lax.complex(x, y)), lax.imag(lax.conj(lax.complex(x, y)))),
        uniform(-2, 2, S, S), lambda x, y: (x, -y)),
    Row("complex float32", lax.complex, lambda r: (r.uniform(-2, 2, S).astype(np.float32),
                                                   r.uniform(-2, 2, S).astype(np.float32)),
        lambda x, y: x + np.complex64(1j) * y, grad=False),
    Row("conj of real is complex", lax.conj, uniform(-2, 2, S), lambda x: x.astype(complex), grad=False),
    Row("abs and sign of complex", lambda z: (lax.abs(z), lax.sign(z)), fixed([3 + 4j, 0j, -2j]),
        lambda z: (np.abs(z), np.array([0.6 + 0.8j, 0, -1j])), grad=False),
    Row("convert float to int saturates", lambda x: lax.convert_element_type(x, np.int32),
        fixed([1.7, -1.7, 3e10, -3e10, np.nan, np.inf, -np.inf, -0.0]), lambda x: ref_convert_f2i(x, np.int32),
        grad=False),
    Row("convert float to int64 saturates at 2**63", lambda x: lax.convert_element_type(x, np.int64),
        fixed([2.0 ** 63, -2.0 ** 63, 3e20, -3e20, 1e18, np.nan]), lambda x: ref_convert_f2i(x, np.int64), grad=False),
    Row("convert float to uint8 saturates", lambda x: lax.convert_element_type(x, np.uint8),
        fixed([1.7, -1.7, 255.5, 300.0, np.nan, -np.inf]), lambda x: ref_convert_f2i(x, np.uint8), grad=False),
    Row("convert to bool, from complex", lambda x, z: (lax.convert_element_type(x, np.bool_),
                                                       lax.convert_element_type(z, np.float64)),
        fixed([0.5, 0.0, np.nan], [1 + 2j, -3j, 0j]), lambda x, z: (x != 0, z.real), grad=False),
    Row("convert float32 roundtrip keeps the gradient",
        lambda x: lax.convert_element_type(lax.convert_element_type(x, np.float32), np.float64),
        uniform(-2, 2, S), lambda x: x.astype(np.float32).astype(np.float64), grad=False),
]

INTEGER = []
for _dt in (np.int8, np.int32, np.uint8, np.uint64):
    _lo = 0 if np.dtype(_dt).kind == "u" else -100
    _n = np.dtype(_dt).name
    INTEGER += [
        Row(f"div {_n} (truncates; x / 0 is -1)", lax.div, ints(_lo, 100, _dt, (24,), (24,)), ref_trunc_div,
            grad=False),
        Row(f"rem {_n} (fmod; x % 0 is x)", lax.rem, ints(_lo, 100, _dt, (24,), (24,)), ref_rem, grad=False),
        Row(f"shift_left {_n}", lax.shift_left, lambda r, d=_dt, lo=_lo: (
            r.integers(lo, 100, 24).astype(d), r.integers(0, 80, 24).astype(d)), ref_shl, grad=False),
        Row(f"shift_right_arithmetic {_n}", lax.shift_right_arithmetic, lambda r, d=_dt, lo=_lo: (
            r.integers(lo, 100, 24).astype(d), r.integers(0, 80, 24).astype(d)), ref_shr_arith, grad=False),
        Row(f"shift_right_logical {_n}", lax.shift_right_logical, lambda r, d=_dt, lo=_lo: (
            r.integers(lo, 100, 24).astype(d), r.integers(0, 80, 24).astype(d)), ref_shr_logical, grad=False),
        Row(f"population_count {_n}", lax.population_count, lambda r, d=_dt: (np.concatenate([
            np.array([np.iinfo(d).min, np.iinfo(d).max, 0, 1], dtype=d), r.integers(np.iinfo(d).min,
                                                                                     np.iinfo(d).max, 20, dtype=d)]),),
            ref_popcount, grad=False),
        Row(f"clz {_n}", lax.clz, lambda r, d=_dt: (np.concatenate([
            np.array([np.iinfo(d).min, np.iinfo(d).max, 0, 1], dtype=d), r.integers(np.iinfo(d).min,
                                                                                     np.iinfo(d).max, 20, dtype=d)]),),
            ref_clz, grad=False),
        Row(f"add mul neg sign integer_pow {_n}", lambda a, b: (lax.add(a, b), lax.mul(a, b), lax.neg(a), lax.sign(a),
                                                                 lax.integer_pow(a, 3), lax.square(a)),
            ints(_lo, 100, _dt, (12,), (12,)),
            lambda a, b: (a + b, a * b, -a, np.sign(a), a * a * a, a * a), grad=False),
        Row(f"bitwise {_n}", lambda a, b: (lax.bitwise_and(a, b), lax.bitwise_or(a, b), lax.bitwise_xor(a, b),
                                           lax.bitwise_not(a)),
            ints(_lo, 100, _dt, (12,), (12,)), lambda a, b: (a & b, a | b, a ^ b, ~a), grad=False),
    ]
INTEGER += [
    Row("bitwise and max of bools", lambda a, b: (lax.bitwise_and(a, b), lax.bitwise_or(a, b), lax.bitwise_xor(a, b),
                                                  lax.bitwise_not(a), lax.max(a, b), lax.lt(a, b)),
        fixed([True, False, True, False], [True, True, False, False]),
        lambda a, b: (a & b, a | b, a ^ b, ~a, a | b, ~a & b), grad=False),
    Row("convert int to int wraps", lambda a: lax.convert_element_type(a, np.int8), fixed([300, -129, 5]),
        lambda a: a.astype(np.int8), grad=False),
]

_A = (((2,), (1,)), ((0,), (0,)))
_B = (((2,), (0,)), ((1,), (2,)))

STRUCTURAL = [
    Row("broadcast", lambda x: lax.broadcast(x, (2,)), uniform(-1, 1, (3,)), lambda x: np.broadcast_to(x, (2, 3))),
    Row("broadcast_in_dim", lambda x: lax.broadcast_in_dim(x, (2, 4, 3), (0, 2)), uniform(-1, 1, (1, 3)),
        lambda x: np.broadcast_to(x[:, None, :], (2, 4, 3))),
    Row("concatenate", lambda x, y: lax.concatenate([x, y, x], 1), uniform(-1, 1, (2, 3), (2, 1)),
        lambda x, y: np.concatenate([x, y, x], 1)),
    Row("dot matrix-matrix", lax.dot, uniform(-1, 1, (2, 3), (3, 4)), np.dot),
    Row("dot vector-vector", lax.dot, uniform(-1, 1, (3,), (3,)), np.dot),
    Row("dot_general batched", lambda a, b: lax.dot_general(a, b, _A), uniform(-1, 1, (5, 2, 3), (5, 3, 4)),
        lambda a, b: ref_dot_general(a, b, _A)),
    Row("dot_general batch dims in the middle", lambda a, b: lax.dot_general(a, b, _B),
        uniform(-1, 1, (2, 5, 3, 7), (3, 4, 5)), lambda a, b: ref_dot_general(a, b, _B)),
    Row("dot_general outer", lambda a, b: lax.dot_general(a, b, (((), ()), ((), ()))), uniform(-1, 1, (3,), (2,)),
        np.multiply.outer),
    Row("dot_general preferred_element_type int32", lambda a, b: lax.dot_general(
        a, b, (((1,), (0,)), ((), ())), preferred_element_type=np.int32), ints(-100, 100, np.int8, (2, 6), (6, 3)),
        lambda a, b: a.astype(np.int32) @ b.astype(np.int32), grad=False),
    Row("dot_general bool", lambda a, b: lax.dot_general(a, b, (((1,), (0,)), ((), ()))),
        lambda r: (r.random((3, 4)) > 0.7, r.random((4, 2)) > 0.7), lambda a, b: (a.astype(int) @ b) > 0, grad=False),
    Row("expand_dims", lambda x: lax.expand_dims(x, (0, 3)), uniform(-1, 1, S), lambda x: x[None, :, :, None]),
    Row("full and full_like", lambda x: (lax.full((2, 3), 1.5), lax.full_like(x, 3), lax.full_like(x, 2, np.int32, (4,))),
        uniform(-1, 1, S), lambda x: (np.full((2, 3), 1.5), np.full(x.shape, 3.0), np.full(4, 2, np.int32)),
        grad=False),
    Row("iota and broadcasted_iota", lambda x: (lax.iota(np.int32, 4), lax.broadcasted_iota(np.float32, (2, 3), 1)),
        uniform(-1, 1, S), lambda x: (np.arange(4, dtype=np.int32), np.broadcast_to(np.arange(3, dtype=np.float32),
                                                                                      (2, 3))), grad=False),
    Row("reshape", lambda x: lax.reshape(x, (3, 2)), uniform(-1, 1, S), lambda x: x.reshape(3, 2)),
    Row("reshape with dimensions", lambda x: lax.reshape(x, (3, 2), (1, 0)), uniform(-1, 1, S),
        lambda x: x.T.reshape(3, 2)),
    Row("rev", lambda x: lax.rev(x, (0, 1)), uniform(-1, 1, S), lambda x: x[::-1, ::-1]),
    Row("slice with strides", lambda x: lax.slice(x, (0, 1), (3, 7), (2, 3)), uniform(-1, 1, (3, 7)),
        lambda x: x[0:3:2, 1:7:3]),
    Row("slice_in_dim negative", lambda x: lax.slice_in_dim(x, -3, -1, axis=1), uniform(-1, 1, (2, 5)),
        lambda x: x[:, -3:-1]),
    Row("index_in_dim", lambda x: (lax.index_in_dim(x, -1, 1), lax.index_in_dim(x, 0, 0, keepdims=False)),
        uniform(-1, 1, S), lambda x: (x[:, -1:], x[0])),
    Row("squeeze", lambda x: lax.squeeze(x, (0, -1)), uniform(-1, 1, (1, 3, 1)), lambda x: x[0, :, 0]),
    Row("transpose", lambda x: lax.transpose(x, (2, 0, 1)), uniform(-1, 1, (2, 3, 4)), lambda x: x.transpose(2, 0, 1)),
    Row("collapse", lambda x: (lax.collapse(x, 1, 3), lax.collapse(x, 1)), uniform(-1, 1, (2, 3, 4, 2)),
        lambda x: (x.reshape(2, 12, 2), x.reshape(2, 24))),
    Row("select_n int32", lambda w, a, b, c: lax.select_n(w, a, b, c),
        lambda r: (np.array([0, 1, 2, 1, 0], np.int32),) + uniform(-1, 1, (5,), (5,), (5,))(r),
        lambda w, a, b, c: np.choose(w, [a, b, c])),
    Row("select_n bool", lambda w, a, b: lax.select_n(w, a, b),
        lambda r: (np.array([True, False, True]),) + uniform(-1, 1, (3,), (3,))(r), lambda w, a, b: np.where(w, b, a)),
]
for _cfg in ([(1, 2, 1)], [(-1, -2, 1)], [(-3, 1, 0)], [(0, 0, 3)], [(2, -4, 2)], [(-9, 0, 2)], [(-5, 0, 1)]):
    STRUCTURAL.append(Row(f"pad {_cfg}", lambda x, v, c=_cfg: lax.pad(x, v, c),
                          lambda r: (r.uniform(-1, 1, 5), np.float64(r.uniform(-1, 1))),
                          lambda x, v, c=_cfg: ref_pad(x, v, c)))
STRUCTURAL += [
    Row("pad 2d interior and negative", lambda x, v: lax.pad(x, v, [(-1, 2, 2), (1, -2, 1)]),
        lambda r: (r.uniform(-1, 1, (2, 3)), np.float64(0.5)), lambda x, v: ref_pad(x, v, [(-1, 2, 2), (1, -2, 1)])),
    Row("pad empty operand", lambda x: lax.pad(x, 5.0, [(1, 1, 2)]), fixed(np.ones(0)), lambda x: np.full(2, 5.0),
        grad=False),
    Row("pad integer", lambda x: lax.pad(x, 7, [(1, 1, 1)]), fixed(np.arange(3)),
        lambda x: np.array([7, 0, 7, 1, 7, 2, 7]), grad=False),
]

_X = [[3.0, 1.0, np.nan, 1.0], [2.0, 5.0, 5.0, 0.0]]

REDUCTIONS = [
    Row("reduce_sum", lambda x: lax.reduce_sum(x, (1,)), uniform(-1, 1, (3, 4)), lambda x: x.sum(1)),
    Row("reduce_prod", lambda x: lax.reduce_prod(x, (0, 1)), uniform(0.5, 1.5, (3, 2)), np.prod),
    Row("reduce_max", lambda x: lax.reduce_max(x, (0,)), uniform(-1, 1, (3, 4)), lambda x: x.max(0)),
    Row("reduce_min", lambda x: lax.reduce_min(x, (1,)), uniform(-1, 1, (3, 4)), lambda x: x.min(1)),
    Row("reduce_max NaN and empty", lambda x, e: (lax.reduce_max(x, (1,)), lax.reduce_min(e, (0,))),
        fixed(_X, np.ones((0, 2), np.int32)), lambda x, e: (np.max(x, 1), np.full(2, np.iinfo(np.int32).max,
                                                                                    np.int32)), grad=False),
    Row("reduce_sum int8 wraps", lambda x: lax.reduce_sum(x, (0,)), fixed(np.array([100, 100, 3], np.int8)),
        lambda x: np.int8(-53), grad=False),
    Row("reduce_and/or/xor", lambda b, i: (lax.reduce_and(b, (1,)), lax.reduce_or(b, (1,)), lax.reduce_xor(b, (1,)),
                                           lax.reduce_and(i, (0, 2)), lax.reduce_or(i, (0, 2)), lax.reduce_xor(i, (0, 2))),
        lambda r: (r.random((3, 5)) > 0.4, r.integers(-100, 100, (5, 2, 3))),
        lambda b, i: (b.all(1), b.any(1), np.logical_xor.reduce(b, 1),
                      np.bitwise_and.reduce(i.transpose(1, 0, 2).reshape(2, 15), 1),
                      np.bitwise_or.reduce(i.transpose(1, 0, 2).reshape(2, 15), 1),
                      np.bitwise_xor.reduce(i.transpose(1, 0, 2).reshape(2, 15), 1)), grad=False),
    Row("argmax argmin", lambda x: (lax.argmax(x, 1, np.int32), lax.argmin(x, 0, np.int64)), fixed(_X),
        lambda x: (np.argmax(x, 1).astype(np.int32), np.argmin(x, 0)), grad=False),
    Row("reduce add with init", lambda x: lax.reduce(x, 1.0, lax.add, (1,)), uniform(-1, 1, (3, 4)),
        lambda x: x.sum(1) + 1),
    Row("reduce tuple of computations", lambda x, y: lax.reduce((x, y), (2.0, -np.inf),
                                                                lambda a, b: (a[0] * b[0], lax.max(b[1], a[1])), (0,)),
        uniform(0.5, 1.5, (4, 2), (4, 2)), lambda x, y: (2 * x.prod(0), y.max(0))),
    Row("reduce general computation", lambda x: lax.reduce(x, 0.5, lambda a, b: a * 0.5 + b * b, (0, 2)),
        uniform(-1, 1, (3, 2, 4)), lambda x: _fold_rows(x.transpose(1, 0, 2).reshape(2, 12), 0.5)),
    Row("reduce variadic argmax", lambda x, i: lax.reduce(
        (x, i), (-np.inf, np.int64(-1)),
        lambda a, b: (lax.select(a[0] >= b[0], a[0], b[0]), lax.select(a[0] >= b[0], a[1], b[1])), (1,)),
        lambda r: (np.round(r.uniform(0, 3, (3, 5))), np.broadcast_to(np.arange(5), (3, 5)).copy()),
        lambda x, i: (x.max(1), np.argmax(x, 1)), grad=False),
    Row("cumsum", lambda x: (lax.cumsum(x, 1), lax.cumsum(x, 0, reverse=True)), uniform(-1, 1, (3, 4)),
        lambda x: (np.cumsum(x, 1), ref_cum(np.add, x, 0, True))),
    Row("cumprod", lambda x: (lax.cumprod(x, 1), lax.cumprod(x, 0, reverse=True)), uniform(0.5, 1.5, (3, 4)),
        lambda x: (np.cumprod(x, 1), ref_cum(np.multiply, x, 0, True))),
    Row("cumsum int8 wraps", lambda x: lax.cumsum(x), fixed(np.array([100, 100, -3], np.int8)),
        lambda x: np.cumsum(x).astype(np.int8), grad=False),
    Row("cummax cummin", lambda x: (lax.cummax(x, 1), lax.cummin(x, 0, reverse=True)), uniform(-1, 1, (3, 7)),
        lambda x: (ref_cum(np.maximum, x, 1, False), ref_cum(np.minimum, x, 0, True))),
    Row("cumlogsumexp", lambda x: (lax.cumlogsumexp(x, 1), lax.cumlogsumexp(x, 1, reverse=True)),
        uniform(-3, 3, (2, 9)), lambda x: (ref_cum(np.logaddexp, x, 1, False), ref_cum(np.logaddexp, x, 1, True))),
    Row("cumlogsumexp without overflow", lax.cumlogsumexp, fixed([1.0, 2.0, -np.inf, 1000.0]),
        lambda x: np.logaddexp.accumulate(x), grad=False),
    Row("sort", lax.sort, uniform(-1, 1, (3, 6)), np.sort),
    Row("sort NaN last, dimension 0", lambda x: lax.sort(x, 0), fixed([[3.0, np.nan], [np.nan, 1.0], [-np.inf, 2.0]]),
        lambda x: np.sort(x, 0), grad=False),
    Row("sort tuple by two keys", lambda a, b, c: lax.sort((a, b, c), num_keys=2),
        lambda r: (r.integers(0, 3, 12), r.integers(0, 3, 12), r.uniform(-1, 1, 12)),
        lambda a, b, c: tuple(v[np.lexsort((b, a))] for v in (a, b, c))),
    Row("sort_key_val", lambda k, v: lax.sort_key_val(k, v, dimension=0),
        lambda r: (r.integers(0, 4, (8, 2)), r.uniform(-1, 1, (8, 2))),
        lambda k, v: (np.sort(k, 0, kind="stable"), np.take_along_axis(v, np.argsort(k, 0, kind="stable"), 0))),
    Row("sort complex and bool", lambda z, b: (lax.sort(z), lax.sort(b)),
        fixed([1 + 2j, 1 + 1j, 5j, -1j], [True, False, True]), lambda z, b: (np.sort(z), np.sort(b)), grad=False),
    Row("top_k ties in index order", lambda x: lax.top_k(x, 4), lambda r: (r.integers(0, 4, (3, 9)) * 1.0,),
        lambda x: ref_top_k(x, 4), grad=False),
    Row("top_k distinct", lambda x: lax.top_k(x, 3), uniform(-1, 1, (2, 6)), lambda x: ref_top_k(x, 3)),
    Row("top_k NaN first, 0.0 above -0.0", lambda x, z: (lax.top_k(x, 3), lax.top_k(z, 3)),
        fixed([1.0, np.nan, 3.0, -np.inf, np.nan], [-0.0, 0.0, -0.0]),
        lambda x, z: (ref_top_k(x, 3), (np.array([0.0, -0.0, -0.0]), np.array([1, 0, 2], np.int32))), grad=False),
    Row("top_k integers, k = 0", lambda x: (lax.top_k(x, 2), lax.top_k(x, 0)), fixed([[1, 3, 2], [0, -1, 7]]),
        lambda x: ((np.array([[3, 2], [7, 0]]), np.array([[1, 2], [2, 0]], np.int32)),
                   (np.zeros((2, 0), int), np.zeros((2, 0), np.int32))), grad=False),
    Row("associative_scan add, reverse", lambda x: (lax.associative_scan(lax.add, x),
                                                    lax.associative_scan(lax.add, x, reverse=True, axis=1)),
        uniform(-1, 1, (3, 11)), lambda x: (np.cumsum(x, 0), ref_cum(np.add, x, 1, True))),
    Row("associative_scan pytree (linear recurrence)",
        lambda a, b: lax.associative_scan(lambda p, q: (p[0] * q[0], q[0] * p[1] + q[1]), (a, b)),
        lambda r: (r.uniform(0.5, 1.5, 13), r.uniform(-1, 1, 13)), ref_linear_scan),
    Row("associative_scan non-commutative (matrix products)",
        lambda m: lax.associative_scan(lambda p, q: lax.dot_general(p, q, (((2,), (1,)), ((0,), (0,)))), m),
        uniform(-1, 1, (6, 2, 2)), lambda m: np.array([np.linalg.multi_dot([np.eye(2)] + list(m[:i + 1]))
                                                        for i in range(len(m))])),
]
for _n in range(0, 10):
    REDUCTIONS.append(Row(f"associative_scan length {_n}", lambda x: lax.associative_scan(lax.add, x),
                          fixed(np.arange(1.0, _n + 1)), np.cumsum, grad=False))

ROWS = ELEMENTWISE + INTEGER + STRUCTURAL + REDUCTIONS


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_lax_row(row):
    check_row(row)


def test_row_ids_unique():
    """Catches a copy-pasted row that would shadow another's seed and name."""
    ids = [r.id for r in ROWS]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


# -- lax's strictness: clear errors ----------------------------------------------------------------------------
I32, F32, F64 = np.arange(3, dtype=np.int32), np.ones(3, np.float32), np.ones(3)

ERRORS = [
    ("add int32 float32", lambda: lax.add(I32, F32), TypeError, "int32, float32"),
    ("add float32 float64", lambda: lax.add(F32, F64), TypeError, "float32, float64"),
    ("add int array, float scalar", lambda: lax.add(I32, 2.5), TypeError, "int32"),
    ("add float array, int scalar", lambda: lax.add(F32, 2), TypeError, "float32"),
    ("int scalar out of range", lambda: lax.add(np.int8([1]), 300), OverflowError, "int8"),
    ("add ranks", lambda: lax.add(np.ones((2, 3)), F64), TypeError, "same number of dimensions"),
    ("add bool", lambda: lax.add(np.array([True]), np.array([True])), TypeError, "does not accept dtype bool"),
    ("exp int", lambda: lax.exp(I32), TypeError, "does not accept dtype int32"),
    ("lt complex", lambda: lax.lt(F64 * 1j, F64 * 1j), TypeError, "complex128"),
    ("shift float", lambda: lax.shift_left(F64, F64), TypeError, "float64"),
    ("real of real", lambda: lax.real(F64), TypeError, "float64"),
    ("round int", lambda: lax.round(I32), TypeError, "int32"),
    ("round method", lambda: lax.round(F64, "up"), ValueError, "rounding_method"),
    ("integer_pow float exponent", lambda: lax.integer_pow(F64, 2.5), TypeError, "Python int"),
    ("integer_pow negative of ints", lambda: lax.integer_pow(I32, -1), TypeError, "negative powers"),
    ("pow int base", lambda: lax.pow(I32, I32), TypeError, "int32"),
    ("clamp bound shape", lambda: lax.clamp(np.zeros(2), F64, 1.0), TypeError, "min.shape"),
    ("clamp bound dtype", lambda: lax.clamp(F32, F64, 1.0), TypeError, "float32"),
    ("concatenate dtypes", lambda: lax.concatenate([F64, F32], 0), TypeError, "float64, float32"),
    ("broadcast_in_dim sizes", lambda: lax.broadcast_in_dim(np.ones((2, 3)), (2, 4, 3), (1, 2)), TypeError,
     "must either be 1"),
    ("dot 3d", lambda: lax.dot(np.ones((2, 2, 3)), np.ones((3, 4))), ValueError, "dot_general"),
    ("dot_general contracting sizes", lambda: lax.dot_general(np.ones((2, 3)), np.ones((4, 3)), (((1,), (1,)), ((0,), (0,)))),
     TypeError, "batch dimensions"),
    ("pad negative interior", lambda: lax.pad(F64, 0.0, [(0, 0, -1)]), ValueError, "interior"),
    ("pad too negative", lambda: lax.pad(F64, 0.0, [(-4, 0, 0)]), ValueError, "not at least 0"),
    ("pad value dtype", lambda: lax.pad(F32, np.float64(0), [(1, 1, 0)]), TypeError, "float32 and float64"),
    ("reshape -1", lambda: lax.reshape(F64, (-1,)), TypeError, "non-negative"),
    ("reshape size", lambda: lax.reshape(F64, (2, 2)), TypeError, "holds 3"),
    ("slice out of bounds", lambda: lax.slice(F64, (0,), (4,)), TypeError, "limit 4"),
    ("squeeze size", lambda: lax.squeeze(np.ones((1, 2)), (1,)), ValueError, "size not equal to one"),
    ("select_n cases", lambda: lax.select_n(np.array([True]), F64, F32), TypeError, "float64, float32"),
    ("reduce_and float", lambda: lax.reduce_and(F64, (0,)), TypeError, "bool or int"),
    ("reduce computation dtype", lambda: lax.reduce(F64, 0.0, lambda a, b: (a > b), (0,)), TypeError,
     "scalar of dtype float64"),
    ("cumsum bool", lambda: lax.cumsum(np.array([True])), TypeError, "bool"),
    ("sort num_keys", lambda: lax.sort((F64, F64), num_keys=3), ValueError, "num_keys"),
    ("top_k k", lambda: lax.top_k(F64, 4), ValueError, "k=4"),
    ("associative_scan lengths", lambda: lax.associative_scan(lax.add, (np.ones(3), np.ones(2))), ValueError,
     "same size"),
    ("argmax index dtype", lambda: lax.argmax(F64, 0, np.float32), TypeError, "index_dtype"),
]


@pytest.mark.parametrize("case", ERRORS, ids=[c[0] for c in ERRORS])
def test_lax_errors(case):
    """Each bad call raises the documented type with a message naming what was wrong (not a numpy crash or a
    silently promoted answer)."""
    _, call, exc, text = case
    with pytest.raises(exc) as info:
        call()
    assert text in str(info.value), str(info.value)
    assert "lax." in str(info.value) or exc is OverflowError, str(info.value)


# -- compiled (Numba) checks: one compiled function serves many ops --------------------------------------------
def _integer_ops(a, b):
    return (lax.div(a, b), lax.rem(a, b), lax.shift_left(a, b), lax.shift_right_arithmetic(a, b),
            lax.shift_right_logical(a, b), lax.population_count(a), lax.clz(a), lax.convert_element_type(a, np.uint8),
            lax.integer_pow(a, 3), lax.sign(a))


def _float_ops(x, y):
    return (lax.round(x), lax.round(x, lax.RoundingMethod.TO_NEAREST_EVEN), lax.sign(x), lax.clamp(-1.0, x, 1.0),
            lax.rem(x, y), lax.convert_element_type(x * 1e9, np.int32), lax.lgamma(y), lax.digamma(y),
            lax.nextafter(x, y), lax.logistic(x))


def _structural_ops(x, v):
    return (lax.pad(x, v, [(1, -1, 2), (-1, 2, 1)]), lax.top_k(x, 3), lax.sort(x, 0), lax.cumlogsumexp(x, 1),
            lax.cummax(x, 0, True), lax.associative_scan(lax.add, x, axis=1),
            lax.dot_general(x, x, (((1,), (1,)), ((), ()))), lax.argmin(x, 0, np.int32),
            lax.reduce(x, 0.0, lax.add, (0,)), lax.slice(x, (0, 1), (3, 5), (2, 2)))


@pytest.fixture(scope="module")
def compiled():
    return {f.__name__: jaxlike.compile(f) for f in (_integer_ops, _float_ops, _structural_ops)}


def _compare_compiled(fn, got, args, rtol=1e-13):
    with np.errstate(all="ignore"):
        want = fn(*args)     # the eager (numpy) path of the same functions, itself checked by the rows above
    assert_same(got, want, rtol, 0.0, f"{fn.__name__} compiled")


@pytest.mark.parametrize("dtype", [np.int32, np.uint8, np.int64])
def test_compiled_integer_ops(compiled, dtype):
    """Numba's shifts, casts and integer division are undefined or differ from numpy exactly where lax is
    specified (shifts by >= the width, signed/unsigned reinterpretation, division by zero, INT_MIN)."""
    rng = np.random.default_rng(3)
    info = np.iinfo(dtype)
    a = np.concatenate([rng.integers(max(info.min, -100), 100, 40), [info.min, info.max, 0]]).astype(dtype)
    b = np.concatenate([rng.integers(0, 70, 40), [0, 3, 0]]).astype(dtype)
    _compare_compiled(_integer_ops, compiled["_integer_ops"](a, b), (a, b))


def test_compiled_float_ops(compiled):
    """Rounding ties, signed zeros, NaN through clamp, saturating casts and the special functions' selects."""
    rng = np.random.default_rng(4)
    x = np.concatenate([rng.uniform(-3, 3, 30), [0.5, -0.5, 2.5, -2.5, -0.0, np.nan, np.inf, -np.inf]])
    y = np.concatenate([rng.uniform(-3, 3, 30), [1.0, 2.0, -1.0, 0.0, 0.0, 1.0, 0.0, 0.0]])
    _compare_compiled(_float_ops, compiled["_float_ops"](x, y), (x, y))


@pytest.mark.parametrize("shape", [(3, 5), (4, 8)])
def test_compiled_structural_ops(compiled, shape):
    """Interior/negative pads, sorts, scans and contractions compiled, at two sizes (one compiled function)."""
    x = np.random.default_rng(5).standard_normal(shape)
    x[0, :2] = x[1, :2]   # ties for top_k and sort
    _compare_compiled(_structural_ops, compiled["_structural_ops"](x, 0.25), (x, 0.25))


def _padded_loss(x, v):
    return jnp.sum(jnp.sin(lax.pad(jnp.tanh(x), v, [(1, 2, 1), (0, 3, 2)])) * v)


def test_compiled_pad_keeps_sizes_symbolic():
    """Catches: lax.pad reading every size as an int (its bounds check), so compile() retraced and compiled
    again for each operand shape. Without negative low/high the result size cannot go negative; one compiled
    value and gradient serves every shape, an empty dimension included."""
    fn = jaxlike.compile(jaxlike.value_and_grad(_padded_loss, argnums=(0, 1)))
    for shape in [(3, 5), (6, 2), (0, 4)]:
        x = np.random.default_rng(6).standard_normal(shape)
        (val, (gx, gv)) = fn(x, 0.25)
        h = 1e-6
        want = np.sum(np.sin(ref_pad(np.tanh(x), 0.25, [(1, 2, 1), (0, 3, 2)])) * 0.25)
        np.testing.assert_allclose(val, want, rtol=1e-13)
        np.testing.assert_allclose(gv, (_padded_loss(x, 0.25 + h) - _padded_loss(x, 0.25 - h)) / (2 * h), rtol=1e-7)
        if x.size:
            e = np.zeros(shape)
            e[-1, 0] = h
            np.testing.assert_allclose(gx[-1, 0], (_padded_loss(x + e, 0.25) - _padded_loss(x - e, 0.25)) / (2 * h),
                                       rtol=1e-6)
    assert len(fn._cache) == 1


def test_special_values_of_acosh_rem_and_clamp():
    """Catches: acosh as log(x + sqrt(x * x - 1)) overflowing to inf past 1e154 (acosh(1e300) is 691.47) and
    giving inf instead of NaN at -1e300; rem (C's fmod) built on the floor mod, whose inf - inf made
    rem(-0.5, inf) NaN instead of -0.5 (in float32 and float64, numba too through the same graph); and clamp
    with a NaN bound returning x (XLA: NaN)."""
    fn = jaxlike.compile(lambda x, y, lo: (lax.acosh(x), lax.rem(x, y), lax.clamp(lo, x, 2.0)), mode="FAST_COMPILE")
    x = np.array([1e300, -1e300, 1e200, 1 + 1e-10, 3.0, -0.5, 3.0, np.inf])
    y = np.array([2.0, np.inf, -np.inf, np.inf, 0.5, np.inf, -np.inf, np.inf])
    lo = np.array([0.0, np.nan, 0.0, 0.0, np.nan, -1.0, 0.0, 0.0])
    for dt in [np.float64, np.float32]:
        with np.errstate(invalid="ignore", over="ignore"):
            want = (np.arccosh(x.astype(dt)), np.fmod(x.astype(dt), y.astype(dt)),
                    np.where(np.isnan(lo), np.nan, np.clip(x, lo, 2.0)).astype(dt))
        for got, ref in zip(fn(x.astype(dt), y.astype(dt), lo.astype(dt)), want):
            assert got.dtype == dt
            np.testing.assert_allclose(got, ref, rtol=1e-14 if dt == np.float64 else 1e-6)
    check_grads(lax.acosh, (np.array([1.05, 1.5, 3.0, 1e3]),), order=2)
    # the composite lax.acosh binds, with numpy's dtypes for integer and bool operands too
    arccosh = jaxlike.compile(jnp.arccosh, mode="FAST_COMPILE")
    for v in [np.int8([1, 100]), np.array([True, True]), np.float16([1.5, 200.0, 60000.0]), np.uint16([3, 9])]:
        got, want = arccosh(v), np.arccosh(v)
        assert got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=2e-3)
