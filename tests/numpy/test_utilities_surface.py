"""The rest of jaxlike.numpy's everyday surface (``_utilities`` and ``_windows_and_polys``), one table row per
call: gathers, grids and index helpers, polynomials, convolutions, windows, whole-array comparisons, float
decomposition, numpy 2's array-API names, apply_along_axis and vectorize. Each row runs on plain arrays, traced
through ``compile`` and (where differentiable) under check_grads to second order; then the dtype utilities,
run-time index checks, error messages, and a few functions through the Numba CPU backend.
"""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from _surface import Row, check_row, uniform, signed, ids, traced

A = (3, 4)


def _ints(lo, hi, *shapes):
    return lambda rng: tuple(rng.integers(lo, hi, size=s) for s in shapes)


def _with_ints(float_shape, lo, hi, int_shape):
    """A float array and an int64 array (a traced index argument next to a differentiated one)."""
    return lambda rng: (rng.uniform(-1, 1, float_shape), rng.integers(lo, hi, size=int_shape))


def _near(rng):
    """x and y with equal, close, far, infinite and NaN entries (for the comparisons)."""
    x = rng.uniform(-1, 1, (2, 5))
    y = x.copy()
    y[0, 1] += 1e-9
    y[0, 2] += 1e-3
    x[1, 0], y[1, 0] = np.nan, np.nan
    x[1, 1], y[1, 1] = np.inf, np.inf
    x[1, 2], y[1, 2] = -np.inf, np.inf
    return x, y


def _close_only(rng):
    x = rng.uniform(-1, 1, (2, 3))
    return x, x + 1e-10


def _fractions(rng):
    """Non-integral values of both signs, well inside float range (modf, divmod, frexp are smooth there)."""
    return (np.round(rng.uniform(-20, 20, (2, 5)), 3) + 0.1234,)


def _positive_pair(rng):
    return rng.uniform(0.5, 2.0, ()), rng.uniform(3.0, 9.0, ())


ROWS = [
    # -- gathers
    Row("take flat", lambda m, x: m.take(x, np.array([0, 5, -1, 5])), uniform(-1, 1, A)),
    Row("take axis", lambda m, x: m.take(x, np.array([[2, 0], [1, 1]]), axis=1), uniform(-1, 1, A)),
    Row("take scalar index", lambda m, x: m.take(x, 2, axis=-1), uniform(-1, 1, A)),
    Row("take wrap", lambda m, x: m.take(x, np.array([-7, 9, 2]), axis=-1, mode="wrap"), uniform(-1, 1, A)),
    Row("take clip", lambda m, x: m.take(x, np.array([-3, 10, 1]), axis=0, mode="clip"), uniform(-1, 1, A)),
    Row("take traced indices", lambda m, x, i: m.take(x, i, axis=1), _with_ints(A, -4, 4, (5,))),
    Row("take traced wrap", lambda m, x, i: m.take(x, i, mode="wrap"), _with_ints(A, -30, 30, (2, 3))),
    Row("take traced clip", lambda m, x, i: m.take(x, i, axis=0, mode="clip"), _with_ints(A, -5, 6, (4,))),
    Row("choose", lambda m, x, y, z: m.choose(np.array([0, 2, 1, 0]), [x, y, z]),
        uniform(-1, 1, A, (4,), (1, 4))),
    Row("choose traced index", lambda m, x, i: m.choose(i, [x, 2 * x, -x]), _with_ints(A, 0, 3, A)),
    Row("choose wrap", lambda m, x, y: m.choose(np.array([[-1, 3], [2, 0]]), (x, y), mode="wrap"),
        uniform(-1, 1, (2, 2), (2, 2))),
    Row("choose traced clip", lambda m, x, i: m.choose(i, [x, x * x], mode="clip"), _with_ints((4,), -3, 5, (4,))),
    Row("choose from array", lambda m, x, i: m.choose(i, x), _with_ints(A, 0, 3, (4,))),
    Row("take from constant", lambda m, i: m.take(np.arange(12.0).reshape(A), i, axis=1, mode="clip"),
        _ints(-2, 6, (2, 2)), grad=False),
    Row("compress", lambda m, x: m.compress([True, False, True], x, axis=0), uniform(-1, 1, A)),
    Row("compress flat short", lambda m, x: m.compress(np.array([0, 1, 1, 0, 1]), x), uniform(-1, 1, A)),
    Row("compress axis -1", lambda m, x: m.compress([False, True, False, True], x, axis=-1), uniform(-1, 1, A)),
    # -- grids and index helpers
    Row("meshgrid xy", lambda m, x, y: m.meshgrid(x, y), uniform(-1, 1, (3,), (2,))),
    Row("meshgrid ij three", lambda m, x, y, z: m.meshgrid(x, y, z, indexing="ij"),
        uniform(-1, 1, (3,), (2,), (2, 2))),
    Row("meshgrid sparse", lambda m, x, y, z: m.meshgrid(x, y, z, sparse=True), uniform(-1, 1, (3,), (2,), (4,))),
    Row("meshgrid one", lambda m, x: m.meshgrid(x), uniform(-1, 1, (3,))),
    Row("tri", lambda m, x: x * m.tri(3, 4, k=1), uniform(-1, 1, A)),
    Row("constants sized by a traced shape", lambda m, x: (x * m.tri(x.shape[0], x.shape[1]), x * m.hanning(x.shape[1]),
                                                           m.unravel_index(np.array([5]), x.shape)), uniform(-1, 1, A)),
    Row("indices", lambda m, x: x * m.indices((3, 4))[1] + m.indices((3, 4), sparse=True)[0], uniform(-1, 1, A)),
    Row("ix_ gather", lambda m, x: x[m.ix_(np.array([0, 2]), [True, False, True, True])], uniform(-1, 1, A)),
    Row("ix_ traced", lambda m, i, j: m.ix_(i, j), _ints(0, 5, (3,), (2,)), grad=False),
    Row("unravel_index", lambda m, i: m.unravel_index(i, (3, 4, 5)), _ints(0, 60, (2, 3)), grad=False),
    Row("unravel_index F", lambda m, i: m.unravel_index(i, (3, 4), order="F"), _ints(0, 12, (5,)), grad=False),
    Row("ravel_multi_index", lambda m, i, j: m.ravel_multi_index((i, j), (3, 4)), _ints(0, 3, (5,), (5,)),
        grad=False),
    Row("ravel_multi_index modes F", lambda m, i, j: m.ravel_multi_index((i, j), (3, 4), mode=("wrap", "clip"),
                                                                          order="F"),
        _ints(-6, 7, (2, 3), (3,)), grad=False),
    Row("triu_indices", lambda m, x: x[m.triu_indices(3, 1, 4)], uniform(-1, 1, A)),
    Row("tril_indices", lambda m, x: x[m.tril_indices(3, -1)], uniform(-1, 1, (3, 3))),
    Row("diag_indices", lambda m, x: x[m.diag_indices(3)], uniform(-1, 1, (3, 3))),
    Row("indices_from", lambda m, x, y: (x[m.triu_indices_from(x, 1)], x[m.tril_indices_from(x)],
                                         y[m.diag_indices_from(y)]), uniform(-1, 1, A, (2, 2, 2))),
    # -- spaced sequences
    Row("logspace", lambda m, a, b: m.logspace(a, b, num=5), uniform(-1, 1, (), ())),
    Row("logspace base endpoint", lambda m, a, b: m.logspace(a, b, 4, endpoint=False, base=2.0),
        uniform(-1, 1, (), ())),
    Row("logspace arrays axis", lambda m, a, b: m.logspace(a, b, 3, axis=-1), uniform(-1, 1, (2,), (3, 1))),
    Row("logspace array base", lambda m, a, b: m.logspace(0.5, 1.5, 3, base=a) * b,
        uniform(1.5, 3, (2,), (3, 2))),
    Row("logspace num 1", lambda m, a, b: (m.logspace(a, b, 1), m.logspace(a, b, 1, endpoint=False, axis=-1)),
        uniform(-1, 1, (), (2,))),
    Row("geomspace", lambda m, a, b: m.geomspace(a, b, num=5), _positive_pair),
    Row("geomspace negative", lambda m, a, b: m.geomspace(-a, -b, 4, endpoint=False), _positive_pair),
    Row("geomspace arrays axis", lambda m, a, b: m.geomspace(a, b, 3, axis=1), uniform(1, 3, (2,), (2,))),
    Row("geomspace num 1", lambda m, a, b: m.geomspace(a, b, 1), _positive_pair),
    # -- polynomials
    Row("vander", lambda m, x: m.vander(x), uniform(-2, 2, (4,))),
    Row("vander N increasing", lambda m, x: m.vander(x, 3, increasing=True), uniform(-2, 2, (5,))),
    Row("vander N 1", lambda m, x: m.vander(x, 1), uniform(-2, 2, (3,))),
    Row("vander with zero", lambda m, x: m.vander(x * np.array([1.0, 0.0, 1.0]), 4), uniform(-2, 2, (3,))),
    Row("polyval", lambda m, p, x: m.polyval(p, x), uniform(-2, 2, (4,), (2, 3))),
    Row("polyval list", lambda m, x: m.polyval([3.0, -1.0, 0.5], x), uniform(-2, 2, (5,))),
    Row("polyval scalar x", lambda m, p: m.polyval(p, 1.5), uniform(-2, 2, (3,))),
    Row("polyval float32", lambda m, p, x: m.polyval(p.astype(np.float32), x.astype(np.float32)),
        uniform(-2, 2, (3,), (4,)), rtol=1e-6),
    Row("polyadd", lambda m, a, b: m.polyadd(a, b), uniform(-2, 2, (2,), (4,))),
    Row("polyadd longer first", lambda m, a, b: m.polyadd(a, b), uniform(-2, 2, (5,), (3,))),
    Row("polysub", lambda m, a, b: (m.polysub(a, b), m.polysub(b, a)), uniform(-2, 2, (2,), (4,))),
    Row("polymul", lambda m, a, b: m.polymul(a, b), uniform(-2, 2, (3,), (4,))),
    Row("polyder", lambda m, p: m.polyder(p), uniform(-2, 2, (5,))),
    Row("polyder twice", lambda m, p: m.polyder(p, 2), uniform(-2, 2, (4,))),
    Row("polyder past degree", lambda m, p: m.polyder(p, 5) + 1.0, uniform(-2, 2, (3,))),
    Row("polyder zero", lambda m, p: m.polyder(p, 0), uniform(-2, 2, (3,))),
    Row("polyint", lambda m, p: m.polyint(p), uniform(-2, 2, (4,))),
    Row("polyint twice k", lambda m, p, k: m.polyint(p, 2, k), uniform(-2, 2, (3,), (2,))),
    Row("polyint scalar k", lambda m, p: m.polyint(p, 3, k=1.5), uniform(-2, 2, (3,))),
    # -- convolution
    Row("convolve full", lambda m, a, v: m.convolve(a, v), uniform(-1, 1, (6,), (3,))),
    Row("convolve same", lambda m, a, v: m.convolve(a, v, "same"), uniform(-1, 1, (6,), (4,))),
    Row("convolve same longer kernel", lambda m, a, v: m.convolve(a, v, mode="same"), uniform(-1, 1, (3,), (6,))),
    Row("convolve valid", lambda m, a, v: m.convolve(a, v, mode="valid"), uniform(-1, 1, (7,), (3,))),
    Row("convolve valid swapped", lambda m, a, v: m.convolve(a, v, "valid"), uniform(-1, 1, (2,), (5,))),
    Row("convolve length one", lambda m, a, v: m.convolve(a, v), uniform(-1, 1, (4,), (1,))),
    Row("convolve float32", lambda m, a, v: m.convolve(a.astype(np.float32), v.astype(np.float32), "same"),
        uniform(-1, 1, (5,), (3,)), rtol=1e-6),
    Row("correlate valid", lambda m, a, v: m.correlate(a, v), uniform(-1, 1, (6,), (3,))),
    Row("correlate full", lambda m, a, v: m.correlate(a, v, "full"), uniform(-1, 1, (4,), (6,))),
    Row("correlate same", lambda m, a, v: (m.correlate(a, v, "same"), m.correlate(v, a, "same")),
        uniform(-1, 1, (5,), (4,))),
    Row("correlate same even shorter first", lambda m, a, v: m.correlate(a, v, "same"), uniform(-1, 1, (2,), (5,))),
    Row("correlate valid swapped", lambda m, a, v: m.correlate(a, v), uniform(-1, 1, (3,), (5,))),
    # -- windows and i0
    Row("windows", lambda m, x: (x * m.hamming(4), x * m.hanning(4), x * m.blackman(4), x * m.bartlett(4),
                                 x * m.kaiser(4, 2.5), m.hamming(1), m.kaiser(0, 1.0)), uniform(-1, 1, A)),
    Row("i0", lambda m, x: m.i0(x), uniform(-12, 12, (3, 5)), rtol=1e-12),
    Row("i0 large", lambda m, x: m.i0(x), uniform(8.5, 30, (4,)), rtol=1e-12),
    Row("i0 int", lambda m, x: m.i0(x.astype(np.int64)) + x, uniform(-10, 10, (5,))),
    # -- whole-array comparisons
    Row("isclose", lambda m, x, y: m.isclose(x, y), _near, grad=False),
    Row("isclose tolerances", lambda m, x, y: m.isclose(x, y, rtol=0.0, atol=1e-2, equal_nan=True), _near,
        grad=False),
    Row("isclose int", lambda m, i, j: m.isclose(i, j), _ints(0, 3, (5,), (5,)), grad=False),
    Row("allclose", lambda m, x, y: (m.allclose(x, y), m.allclose(x, y, equal_nan=True)), _near, grad=False),
    Row("allclose true", lambda m, x, y: m.allclose(x, y), _close_only, grad=False),
    Row("array_equal", lambda m, x, y: (m.array_equal(x, y), m.array_equal(x, x), m.array_equal(x, x, equal_nan=True),
                                        m.array_equal(x, x[:1]), m.array_equal(x[:0], y[:0])), _near, grad=False),
    Row("array_equiv", lambda m, x, y: (m.array_equiv(x, x[:1]), m.array_equiv(x[:1], x[:1, :]),
                                        m.array_equiv(x, y[:, :2]), m.array_equiv(x[0], y[1])), _near, grad=False),
    # -- float decomposition
    Row("copysign", lambda m, x, y: m.copysign(x, y), signed(0.1, 2, (2, 5), (5,))),
    Row("copysign zeros", lambda m, x: m.copysign(x, np.array([0.0, -0.0, -1.0])), signed(0.1, 2, (3,))),
    Row("copysign int", lambda m, i: m.copysign(i, -1), _ints(-5, 5, (4,)), grad=False),
    Row("ldexp", lambda m, x, e: m.ldexp(x, e), _with_ints((2, 3), -40, 40, (3,))),
    Row("ldexp extremes", lambda m, x: m.ldexp(x, np.array([1100, -1080, -1060, 2000, -2100, 1030])),
        uniform(0.5, 1, (6,)), atol=0, grad=False),
    Row("frexp", lambda m, x: m.frexp(x), _fractions),
    Row("modf", lambda m, x: m.modf(x), _fractions),
    Row("divmod", lambda m, x, y: m.divmod(x, y), lambda rng: (rng.uniform(-9, 9, (6,)) + 0.05,
                                                               rng.choice([-2.5, 1.75, 3.0], 6))),
    Row("divmod int", lambda m, i, j: m.divmod(i, j), _ints(1, 9, (6,), (6,)), grad=False),
    # -- numpy 2 array-API names
    Row("block 2-d", lambda m, a, b, c, d: m.block([[a, b], [c, d]]), uniform(-1, 1, (2, 2), (2, 3), (1, 2), (1, 3))),
    Row("block 1-d", lambda m, a, b: m.block([a, b, 1.5]), uniform(-1, 1, (2,), (3,))),
    Row("block ranks", lambda m, a, b: m.block([[a], [b]]), uniform(-1, 1, (3,), (2, 3))),
    Row("block 3 levels", lambda m, a, b: m.block([[[a, b]], [[b, a]]]), uniform(-1, 1, (1, 2, 2), (1, 2, 1))),
    Row("unstack", lambda m, x: m.unstack(x), uniform(-1, 1, A)),
    Row("unstack axis", lambda m, x: m.unstack(x, axis=-1), uniform(-1, 1, (2, 3, 2))),
    Row("vecdot", lambda m, x, y: m.vecdot(x, y), uniform(-1, 1, A, (4,))),
    Row("vecdot axis", lambda m, x, y: m.vecdot(x, y, axis=0), uniform(-1, 1, A, (3, 1))),
    Row("vecdot complex", lambda m, x, y: m.vecdot(x * (1 + 2j), y + 0.5j), uniform(-1, 1, (3,), (3,))),
    Row("matrix_transpose", lambda m, x: m.matrix_transpose(x), uniform(-1, 1, (2, 3, 4))),
    Row("permute_dims", lambda m, x: (m.permute_dims(x, (2, 0, 1)), m.permute_dims(x)), uniform(-1, 1, (2, 3, 4))),
    Row("concat", lambda m, x, y: (m.concat([x, y], axis=1), m.concat((x, y), axis=None)), uniform(-1, 1, A, (3, 2))),
    # -- calling the user's function
    Row("apply_along_axis scalar", lambda m, x: m.apply_along_axis(lambda r: m.sum(r * r), 1, x), uniform(-1, 1, A)),
    Row("apply_along_axis vector", lambda m, x: m.apply_along_axis(lambda r: m.cumsum(r) * r[0], 0, x),
        uniform(-1, 1, (2, 3, 4))),
    Row("apply_along_axis matrix", lambda m, x, y: m.apply_along_axis(lambda r, s: m.outer(r, s), -1, x, y),
        uniform(-1, 1, A, (2,))),
    Row("vectorize", lambda m, x, y: m.vectorize(lambda a, b: m.sin(a) * b + 1.0)(x, y), uniform(-1, 1, A, (4,))),
    Row("vectorize signature", lambda m, x, y: m.vectorize(lambda a, b: m.dot(a, b), signature="(n),(n)->()")(x, y),
        uniform(-1, 1, (2, 3, 4), (3, 4))),
    Row("vectorize two outputs", lambda m, x: m.vectorize(lambda r: (m.max(r), r * 2.0), signature="(n)->(),(n)")(x),
        uniform(-1, 1, A)),
    Row("vectorize excluded keyword", lambda m, x, y: m.vectorize(lambda a, b, power: a * b ** power,
                                                                  excluded={"power"})(x, y, power=2),
        uniform(-1, 1, (3,), (2, 1))),
]


@pytest.mark.parametrize("row", ROWS, ids=ids(ROWS))
def test_row(row):
    check_row(row)


def _float_samples(dt):
    """Random bit patterns (every exponent, subnormals included) plus the special values."""
    rng = np.random.default_rng(7)
    bits = rng.integers(0, np.iinfo(np.int64).max, 4000).view(np.float64)
    special = [0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, -5e-324, 2.0 ** -1022, 0.5, 1.0, 2.0 ** 1023, 3.0]
    with np.errstate(all="ignore"):
        return np.concatenate([bits, special]).astype(dt)


@pytest.mark.parametrize("dt", [np.float64, np.float32])
def test_float_decomposition_is_exact(dt):
    """Catches: an exponent taken from log2 without correction, a power of two that overflows (2**1074 for a
    subnormal) or a subnormal result rounded twice; signs of zeros included."""
    x = _float_samples(dt)
    e = np.random.default_rng(8).integers(-2300, 2300, x.size).astype(np.int32)
    with np.errstate(all="ignore"):
        got = traced(lambda v, k: (jnp.frexp(v), jnp.ldexp(v, k), jnp.modf(v)))(x, e)
        want = (np.frexp(x), np.ldexp(x, e), np.modf(x))
    for g, w in zip([*got[0], got[1], *got[2]], [*want[0], want[1], *want[2]]):
        assert g.dtype == w.dtype
        np.testing.assert_array_equal(g, w)
        np.testing.assert_array_equal(np.signbit(g), np.signbit(w))


def test_derivatives_of_the_decomposition():
    x = np.array([0.3, -5.5, 1e-300, 1024.0])
    np.testing.assert_array_equal(jaxlike.grad(lambda v: jnp.sum(jnp.frexp(v)[0]))(x), 2.0 ** -np.frexp(x)[1])
    np.testing.assert_array_equal(jaxlike.grad(lambda v: jnp.sum(jnp.ldexp(v, np.array([3, -2, 1000, -1]))))(x),
                                  [8.0, 0.25, 2.0 ** 1000, 0.5])
    np.testing.assert_array_equal(jaxlike.grad(lambda v: jnp.sum(jnp.modf(v)[0] + jnp.divmod(v, 2.0)[1]))(x), 2.0)
    np.testing.assert_array_equal(jaxlike.grad(lambda v: jnp.sum(jnp.copysign(v, -1.0)))(x), -np.sign(x))
    g = jaxlike.grad(lambda v: jnp.sum(jnp.i0(v)))(np.array([0.0, 8.0, -30.0]))
    assert g[0] == 0.0 and np.all(np.isfinite(g)), g


@pytest.mark.parametrize("call", [
    lambda v, i: jnp.take(v, i),
    lambda v, i: jnp.choose(i, [v, v, v]),
    lambda v, i: jnp.unravel_index(i, (2, 2)),
    lambda v, i: jnp.ravel_multi_index((i, i), (3, 3)),
], ids=["take", "choose", "unravel_index", "ravel_multi_index"])
def test_traced_indices_out_of_range_raise_when_run(call):
    """A traced index numpy would reject raises IndexError when the compiled function runs (the run-time check
    is a one-element gather), instead of returning some other element."""
    f = traced(call)
    v = np.arange(3.0)
    f(v, np.array([0, 1, 2]))
    with pytest.raises(IndexError, match="out of bounds"):
        f(v, np.array([0, 4, 1]))
    with pytest.raises(IndexError, match="out of bounds"):
        f(v, np.array([-5, 0, 1]))


def test_sizes_stay_symbolic_where_none_is_read():
    """Catches: a size compared with an int (which specializes the trace): one compiled entry serves every
    length for these."""
    f = traced(lambda v, i: (jnp.take(v, i, mode="wrap"), jnp.take(v, i, mode="clip"), jnp.choose(i % 2, [v[:3], 2.0]),
                             jnp.frexp(v)[0], jnp.ldexp(v, 2), jnp.copysign(v, -1.0), jnp.isclose(v, 2.0),
                             jnp.allclose(v, v), jnp.array_equal(v, v), jnp.i0(v), jnp.meshgrid(v, i),
                             jnp.vectorize(lambda a, b: a * b)(v, 2.0), jnp.unravel_index(jnp.abs(i), (3, 4)),
                             jnp.logspace(v, v + 1, 3), jnp.block([v, v]), jnp.vecdot(v, v)))
    i = np.array([0, -1, 7])
    for n in (3, 5, 8):
        v = np.arange(1.0, n + 1)
        out = f(v, i)
        np.testing.assert_array_equal(out[0], np.take(v, i, mode="wrap"))
        np.testing.assert_array_equal(out[11], 2.0 * v)
    assert len(f._cache) == 1


def test_whole_array_comparisons_give_traced_booleans():
    seen = []

    def f(x, y):
        verdicts = (jnp.allclose(x, y), jnp.array_equal(x, y), jnp.array_equiv(x, y[:1]), jnp.array_equal(x, y[:1]))
        seen.extend(type(v).__name__ for v in verdicts[:3])
        return verdicts

    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    out = jaxlike.compile(f, mode="FAST_COMPILE")(x, x + np.array([[0.0, 1e-9], [0.0, 0.0]]))
    assert seen == ["Var"] * 3
    assert [bool(o) for o in out] == [True, False, False, False]
    assert all(np.asarray(o).dtype == np.bool_ for o in out)
    g = jaxlike.grad(lambda v: jnp.where(jnp.allclose(v, 1.0), 2.0, 3.0) * jnp.sum(v))(np.ones(3))
    np.testing.assert_array_equal(g, [2.0, 2.0, 2.0])


def test_dtype_utilities_accept_traced_values():
    seen = {}

    def f(x, i):
        seen["result_type"] = jnp.result_type(x, i, 1.0)  # NOTE: the Python float stays weak
        seen["can_cast"] = (jnp.can_cast(x, np.float64), jnp.can_cast(x, np.int8))
        seen["info"] = (jnp.finfo(x).eps, jnp.iinfo(i).max)
        seen["issubdtype"] = (jnp.issubdtype(x, np.floating), jnp.issubdtype(i, np.floating))
        seen["broadcast"] = jnp.broadcast_shapes(x.shape, (1, 1))
        return x

    traced(f)(np.ones(3, np.float32), np.ones(3, np.int16))
    assert seen["result_type"] == np.float32
    assert seen["can_cast"] == (True, False)
    assert seen["info"] == (np.finfo(np.float32).eps, np.iinfo(np.int16).max)
    assert seen["issubdtype"] == (True, False)
    assert len(seen["broadcast"]) == 2 and seen["broadcast"][0] == 1
    assert jnp.broadcast_shapes((2, 1), 3) == (2, 3)
    assert jnp.promote_types("i2", "f4") == np.float32 and jnp.dtype("f8") == np.float64


def test_vectorize_decorator_and_otypes():
    @jnp.vectorize(signature="(n)->()")
    def norm(r):
        return jnp.sqrt(jnp.sum(r * r))

    x = np.arange(12.0).reshape(3, 4)
    np.testing.assert_allclose(traced(norm)(x), np.linalg.norm(x, axis=1))
    np.testing.assert_allclose(norm(x), np.linalg.norm(x, axis=1))
    half = jnp.vectorize(lambda a: a / 2, otypes="f")
    assert traced(half)(x).dtype == np.float32 and half(x).dtype == np.float32
    g = jaxlike.grad(lambda v: jnp.sum(norm(v)))(x)
    np.testing.assert_allclose(g, x / np.linalg.norm(x, axis=1, keepdims=True))


@pytest.mark.parametrize("call,err,match", [
    (lambda v: jnp.take(v, np.array([0]), mode="bogus"), ValueError, "mode must be one of"),
    (lambda v: jnp.take(v, np.array([1.5])), TypeError, "must be integers"),
    (lambda v: jnp.take(v, np.array([0, 16])), IndexError, "index 16 is out of bounds"),
    (lambda v: jnp.take(v[:0], np.array([0]), axis=0, mode="wrap"), IndexError, "empty"),
    (lambda v: jnp.take(v, [0], out=v), TypeError, "out= is not supported"),
    (lambda v: jnp.compress(v[0] > 0, v), TypeError, "condition must be concrete"),
    (lambda v: jnp.compress(np.ones((2, 2), bool), v), ValueError, "1-d"),
    (lambda v: jnp.compress([True] * 5, v, axis=0), IndexError, "out of bounds"),
    (lambda v: jnp.choose(np.array([3]), [v, v]), ValueError, "invalid entry in choice array"),
    (lambda v: jnp.choose(np.array([0.5]), [v]), TypeError, "must be integers"),
    (lambda v: jnp.choose(jnp.astype(v, int), []), ValueError, "at least one"),
    (lambda v: jnp.meshgrid(v, indexing="yx"), ValueError, "indexing must be"),
    (lambda v: jnp.ix_(v), ValueError, "1 dimensional"),
    (lambda v: jnp.ix_(v[0]), TypeError, "integers or booleans"),
    (lambda v: jnp.ix_(v[0] > 0), TypeError, "traced boolean"),
    (lambda v: jnp.unravel_index(v, (2, 2)), TypeError, "must be integers"),
    (lambda v: jnp.unravel_index(jnp.astype(v, int), (2, -1)), ValueError, "non-negative"),
    (lambda v: jnp.unravel_index(jnp.astype(v, int), (2, 2), order="K"), ValueError, "order must be"),
    (lambda v: jnp.ravel_multi_index((jnp.astype(v, int),), (2, 3)), ValueError, "sequence of length 2"),
    (lambda v: jnp.ravel_multi_index((jnp.astype(v, int),) * 2, (5, 5), mode="nope"), ValueError, "mode"),
    (lambda v: jnp.ravel_multi_index((jnp.astype(v, int), np.array([7])), (5, 5)), ValueError, "invalid entry"),
    (lambda v: jnp.tri(v[0, 0]), TypeError, "N must be a concrete int"),
    (lambda v: jnp.indices((2, 2.5)), TypeError, "must be an int"),
    (lambda v: jnp.triu_indices_from(v[0]), ValueError, "must be 2-d"),
    (lambda v: jnp.diag_indices_from(v[:2]), ValueError, "equal length"),
    (lambda v: jnp.polyder(v[0], -1), ValueError, "order of derivative must be positive"),
    (lambda v: jnp.polyint(v[0], -1), ValueError, "order of integral must be positive"),
    (lambda v: jnp.polyint(v[0], 3, k=[1.0, 2.0]), ValueError, "k must be a scalar"),
    (lambda v: jnp.polyval(v[0, 0], 2.0), TypeError, "sequence of coefficients"),
    (lambda v: jnp.polyadd(v, v[0, :2]) + v[0, 0], ValueError, "a1 must be 1-d"),
    (lambda v: jnp.vander(v), ValueError, "one-dimensional"),
    (lambda v: jnp.vander(v[0], -1), ValueError, "nonnegative"),
    (lambda v: jnp.convolve(v[0], v[1], mode="middle"), ValueError, "mode must be one of"),
    (lambda v: jnp.convolve(v, v[0]), ValueError, "a must be 1-d"),
    (lambda v: jnp.correlate(v[0], v[0, :0]), ValueError, "v cannot be empty"),
    (lambda v: jnp.hamming(v[0, 0]), TypeError, "M must be a concrete number"),
    (lambda v: jnp.kaiser(4, v[0, 0]), TypeError, "beta must be a concrete number"),
    (lambda v: jnp.i0(v * 1j), TypeError, "complex"),
    (lambda v: jnp.ldexp(v, 1.5), TypeError, "ldexp"),
    (lambda v: jnp.frexp(v * 1j), TypeError, "complex"),
    (lambda v: jnp.geomspace(v[0], v[1], -1), ValueError, "must be non-negative"),
    (lambda v: jnp.geomspace(v[0] * 1j, v[1], 3), TypeError, "complex"),
    (lambda v: jnp.block([(v, v)]), TypeError, "tuple"),
    (lambda v: jnp.block([[v], v]), ValueError, "depths are mismatched"),
    (lambda v: jnp.block([v, []]), ValueError, "cannot be empty"),
    (lambda v: jnp.unstack(v[0, 0]), ValueError, "at least 1-d"),
    (lambda v: jnp.vecdot(v, v[0, :3]), ValueError, "differ in size"),
    (lambda v: jnp.vecdot(v[0, 0], v), ValueError, "at least one dimension"),
    (lambda v: jnp.matrix_transpose(v[0]), ValueError, "at least 2-dimensional"),
    (lambda v: jnp.broadcast_shapes((2, 3), (4,)), ValueError, "broadcast"),
    (lambda v: jnp.vectorize(lambda a, b: a @ b, signature="(n),(n)->()")(v, v[:, :3]), ValueError,
     "inconsistent size for core dimension 'n'"),
    (lambda v: jnp.vectorize(lambda a: a, signature="(n)->")(v), ValueError, "not a valid gufunc signature"),
    (lambda v: jnp.vectorize(lambda a, b: a, signature="(n),()->()")(v), TypeError, "takes 2 vectorized"),
    (lambda v: jnp.vectorize(lambda a: a, signature="(m,n)->()")(v[0]), ValueError, "need at least 2"),
])
def test_bad_arguments_name_the_problem(call, err, match):
    with pytest.raises(err, match=match):
        jaxlike.grad(lambda v: jnp.sum(jnp.stack([jnp.sum(jnp.asarray(o)) for o in _leaves(call(v))])))(np.ones((4, 4)))


def _leaves(out):
    return [o for leaf in out for o in _leaves(leaf)] if isinstance(out, (tuple, list)) else [out]


def _convolutions(xp, a, v, c, i, b):
    out = []
    for fn in (xp.convolve, xp.correlate):
        for mode in ("full", "same", "valid"):
            out += [fn(a, v, mode), fn(v, a, mode), fn(c, c[1:] * np.inf, mode), fn(c[1:] * np.inf, c, mode),
                    fn(i, i[:3], mode), fn(b, b[:2], mode)]
    return out


def test_convolution_sums_only_the_overlapping_products():
    """Catches: convolve/correlate multiplying the zero padding by the whole kernel, so an infinite (or NaN)
    entry made NaNs where numpy's output is finite: convolve([1, 2, 3], [1, inf]) gave [nan, inf, inf, inf]
    for numpy's [1, inf, inf, inf]. Every mode, both argument orders, complex, int32 and bool keep numpy's
    dtype and pattern of non-finite entries."""
    a, v = np.array([1.0, -2.0, 3.0, np.inf, 0.5, 2.0]), np.array([np.nan, 1.0, 2.0])
    args = (a, v, np.array([1 + 2j, 1 + 0j, 2 - 1j, 3j]), np.array([1, 2, 3, 4, 5], np.int32),
            np.array([True, False, True]))
    with np.errstate(all="ignore"):
        want = _convolutions(np, *args)
    got = jaxlike.compile(lambda *x: _convolutions(jnp, *x))(*args)
    for k, (g, w) in enumerate(zip(got, want)):
        assert g.dtype == w.dtype and g.shape == w.shape, k
        np.testing.assert_array_equal(np.isfinite(g), np.isfinite(w), err_msg=f"result {k}")
        np.testing.assert_allclose(g[np.isfinite(w)], w[np.isfinite(w)], err_msg=f"result {k}")


def test_numpys_parameters_are_accepted_in_numpys_order():
    """Catches: a numpy keyword missing, or positional arguments in another order (``take(x, i, 0)`` must
    mean axis 0). Ufuncs (copysign, ldexp, frexp, modf, divmod) only need their operands."""
    from jaxlike.numpy import _utilities
    import inspect
    for name in _utilities.__all__:
        theirs, ours = getattr(np, name, None), getattr(jnp, name)
        if name in ("dtype", "promote_types") or isinstance(theirs, np.ufunc):
            continue
        theirs, ours = inspect.signature(theirs).parameters, inspect.signature(ours).parameters
        plain = (inspect.Parameter.VAR_KEYWORD, inspect.Parameter.VAR_POSITIONAL)
        missing = [p for p, v in theirs.items() if p not in ours and v.kind not in plain]
        assert not missing, f"{name}: numpy's parameters {missing} are not accepted"
        positional = [p for p, v in theirs.items() if v.kind in (v.POSITIONAL_ONLY, v.POSITIONAL_OR_KEYWORD)]
        ours_positional = [p for p, v in ours.items() if v.kind in (v.POSITIONAL_ONLY, v.POSITIONAL_OR_KEYWORD)]
        assert ours_positional[:len(positional)] == positional, name


def test_through_the_numba_backend():
    """Three functions compiled for the Numba CPU backend (no mode argument), against numpy."""
    def signal(a, v, p, i):
        gx, gy = jnp.meshgrid(a[:2], v)
        return jnp.polyval(p, jnp.convolve(jnp.take(a, i, mode="clip"), v, "same")) + jnp.i0(a[:1]), gx * gy

    a, v, p, i = np.linspace(-1, 1, 7), np.array([0.25, 0.5, 0.25]), np.array([1.0, -2.0, 0.5]), np.array([0, 3, 9, -2])
    got = jaxlike.compile(signal)(a, v, p, i)
    gx, gy = np.meshgrid(a[:2], v)
    np.testing.assert_allclose(got[0], np.polyval(p, np.convolve(np.take(a, i, mode="clip"), v, "same")) + np.i0(a[:1]))
    np.testing.assert_allclose(got[1], gx * gy)

    def floats(x, e):
        return jnp.ldexp(x, e), jnp.frexp(x), jnp.modf(x), jnp.correlate(x, x[:3] * 2.0, "full"), jnp.isclose(x, 3.5)

    x = np.array([5e-324, 3.5, -0.0, -7.25, 1e300, 2.0 ** -1030])
    e = np.array([1070, -3, 4, 2, -30, -40])
    got = jaxlike.compile(floats)(x, e)
    want = (np.ldexp(x, e), np.frexp(x), np.modf(x), np.correlate(x, x[:3] * 2.0, "full"), np.isclose(x, 3.5))
    for g, w in zip(_leaves(got), _leaves(want)):
        np.testing.assert_array_equal(g, w)

    loss = jaxlike.grad(lambda s, k: jnp.sum(jnp.convolve(s, k, "valid") ** 2), argnums=(0, 1))
    for g, w in zip(jaxlike.compile(loss)(a, v), loss(a, v)):
        np.testing.assert_allclose(g, w, rtol=1e-12)
