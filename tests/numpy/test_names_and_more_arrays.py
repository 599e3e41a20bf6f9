"""jax.numpy's names and small array functions (``_names`` and ``_more_arrays``): the numpy-2 aliases, scalar
type names, introspection, print options and I/O wrappers; nextafter/spacing, matvec/vecmat, the functional
writes (fill_diagonal, put, place), resize, trim_zeros, unwrap, sort_complex, extract, piecewise,
apply_over_axes, mask_indices, einsum_path, packbits/unpackbits. Each array function runs on plain arrays and
traced through the reference backend, against numpy (or JAX's values where JAX differs from numpy, written
by hand); the differentiable ones under check_grads; bad input gives its error; one bundle runs through the
default (numba) backend.
"""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike.core.errors import ConcretizationError
from jaxlike.test_util import check_grads

FC = "FAST_COMPILE"
RNG = np.random.default_rng(5)
X = RNG.uniform(-2, 2, (3, 4))
A3 = RNG.uniform(-1, 1, (2, 3, 4))


def fc(f, *args):
    return jaxlike.compile(f, mode=FC)(*args)


def both(f, *args):
    """f eagerly on plain arrays and traced under the reference backend."""
    return f(*args), fc(f, *args)


def same(got, want, exact=True):
    got = np.asarray(got)
    assert got.dtype == np.asarray(want).dtype, (got.dtype, np.asarray(want).dtype)
    (np.testing.assert_array_equal if exact else np.testing.assert_allclose)(got, want)


# -- names ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("alias,name", [("acos", "arccos"), ("acosh", "arccosh"), ("asin", "arcsin"),
                                        ("asinh", "arcsinh"), ("atan", "arctan"), ("atanh", "arctanh"),
                                        ("atan2", "arctan2"), ("pow", "power")])
def test_array_api_aliases(alias, name):
    assert getattr(jnp, alias) is getattr(jnp, name)
    args = (np.array([0.2, 0.7]),) * (2 if name in ("arctan2", "power") else 1)
    if name == "arccosh":
        args = (np.array([1.5, 3.0]),)
    for got in both(getattr(jnp, alias), *args):
        same(got, getattr(np, alias)(*args), exact=False)


def test_scalar_type_names():
    pairs = {"double": np.float64, "single": np.float32, "cdouble": np.complex128, "csingle": np.complex64,
             "int_": np.int64, "uint": np.uint64, "generic": np.generic, "number": np.number,
             "integer": np.integer, "signedinteger": np.signedinteger, "unsignedinteger": np.unsignedinteger,
             "floating": np.floating, "inexact": np.inexact, "complexfloating": np.complexfloating,
             "character": np.character, "flexible": np.flexible, "object_": np.object_}
    for name, t in pairs.items():
        assert getattr(jnp, name) is t, name
    assert jnp.issubdtype(jnp.float32, jnp.floating) and not jnp.issubdtype(jnp.int8, jnp.inexact)
    assert jnp.zeros(2, dtype=jnp.single).dtype == np.float32


@pytest.mark.parametrize("dt", ["int8", "uint16", "int64", "bool"])
def test_bitwise_count(dt):
    x = np.array([-128, -1, 0, 5, 127], dtype=np.int64).astype(dt)
    for got in both(jnp.bitwise_count, x):
        same(got, np.bitwise_count(x))


def test_bitwise_count_of_floats_is_refused():
    with pytest.raises(TypeError, match="bitwise_count: x must be an integer"):
        fc(jnp.bitwise_count, X)


def test_isdtype():
    for dt in (np.float32, np.int8, np.uint64, np.bool_, np.complex64):
        for kind in ("bool", "signed integer", "unsigned integer", "integral", "real floating",
                     "complex floating", "numeric", ("bool", "real floating")):
            assert jnp.isdtype(dt, kind) == np.isdtype(np.dtype(dt), kind), (dt, kind)
    # NOTE: JAX's, not numpy's: anything np.dtype accepts, for dtype and kind alike
    assert jnp.isdtype(float, float) and jnp.isdtype("int32", ("bool", np.int32)) and not jnp.isdtype("f4", float)
    with pytest.raises(ValueError, match="isdtype: kind must be one of"):
        jnp.isdtype(np.float32, "floating point")
    with pytest.raises(TypeError, match="isdtype: kind must be a dtype"):
        jnp.isdtype(np.float32, object())


def test_isscalar_counts_0d_arrays_as_jax_does():
    cases = [1, 1.0, np.float32(1), np.array(1.0), [1], "a", None, np.array([1]), jnp.array(2.0)]
    assert [jnp.isscalar(c) for c in cases] == [True, True, True, True, False, True, False, False, True]
    seen = []
    fc(lambda a, b: (seen.append((jnp.isscalar(a), jnp.isscalar(b))), a)[1], np.array(1.0), X)
    assert seen[0] == (True, False)
    assert jnp.iterable([1]) and not jnp.iterable(3)


def test_print_options_and_array_text():
    with jnp.printoptions(precision=2):
        assert jnp.get_printoptions()["precision"] == 2
        assert jnp.array_str(np.array([1.23456])) == "[1.23]"
        assert jnp.array_repr(np.array([1.23456])) == "array([1.23])"
    assert jnp.get_printoptions()["precision"] == np.get_printoptions()["precision"] != 2
    jnp.set_printoptions(precision=3)
    try:
        assert np.get_printoptions()["precision"] == 3
    finally:
        jnp.set_printoptions(precision=8)


def test_io_wrappers(tmp_path):
    buf = np.array([1.5, -2.0]).tobytes()
    out = jnp.frombuffer(buf)
    same(out, np.array([1.5, -2.0]))
    out[0] = 9.0  # NOTE: a copy: the bytes object is not writable and must not be aliased
    same(jnp.frombuffer(b"\x01\x02\x03", dtype=np.uint8, count=2, offset=1), np.array([2, 3], np.uint8))
    same(jnp.fromstring("1 2 3", dtype=int, sep=" "), np.array([1, 2, 3]))
    same(jnp.from_dlpack(np.arange(3.0)), np.arange(3.0))
    jnp.save(tmp_path / "a.npy", X)
    loaded = jnp.load(tmp_path / "a.npy")
    same(loaded, X)
    assert hasattr(loaded, "at")  # a jnp array, as JAX's load gives
    jnp.savez(tmp_path / "b.npz", x=X, y=np.arange(3))
    with jnp.load(tmp_path / "b.npz") as z:
        same(z["y"], np.arange(3))
    for fn in (jnp.fromiter, jnp.fromfile):
        with pytest.raises(NotImplementedError, match="side effect"):
            fn(iter([1, 2]), float)


def test_fromfunction_maps_the_function_as_jax_does():
    same(jnp.fromfunction(lambda i, j: i * 10 + j, (3, 2)), np.fromfunction(lambda i, j: i * 10 + j, (3, 2)))
    same(jnp.fromfunction(lambda i: i * 2, 4, dtype=int), np.arange(4) * 2)
    # NOTE: the function sees one index per axis (JAX's vmap); numpy would sum the whole grids
    same(jnp.fromfunction(lambda i, j: jnp.sum(jnp.stack([i, j])), (2, 3)), np.add.outer(np.arange(2.0), np.arange(3.0)))
    got = fc(lambda s: jnp.fromfunction(lambda i, j, k: s * i + j + k, (2, 3), k=1.0), np.array(5.0))
    same(got, 5.0 * np.arange(2.0)[:, None] + np.arange(3.0) + 1.0)
    with pytest.raises(ValueError, match="non-negative"):
        jnp.fromfunction(lambda i: i, (-1,))


# -- nextafter, spacing ----------------------------------------------------------------------------------------
SPECIAL = np.array([0.0, -0.0, 1.0, -1.0, 2.5, 1e-310, np.inf, -np.inf, np.nan])


def test_nextafter_matches_numpy():
    y = np.array([1.0, -1.0, 2.0, -2.0, 2.5, 0.0, 0.0, np.inf, 1.0])
    for got in both(jnp.nextafter, SPECIAL, y):
        same(got, np.nextafter(SPECIAL, y))
    x32 = SPECIAL.astype(np.float32)
    for got in both(lambda a: jnp.nextafter(a, 3.0), x32):       # a Python float keeps float32
        same(got, np.nextafter(x32, np.float32(3.0)))
    i8 = np.array([1, -2, 3], np.int8)
    for got in both(lambda a, b: jnp.nextafter(a, b), i8, np.array([[0.5], [7.0]], np.float32)):
        same(got, np.nextafter(i8, np.array([[0.5], [7.0]], np.float32)))


@pytest.mark.parametrize("dt", [np.float16, np.float32, np.float64])
def test_spacing_matches_numpy(dt):
    info = np.finfo(dt)
    x = np.concatenate([SPECIAL, [info.max, -info.max, info.smallest_subnormal, info.tiny, -3.7]]).astype(dt)
    with np.errstate(all="ignore"):
        want = np.spacing(x)
        for got in both(jnp.spacing, x):
            same(got, want)
    for got in both(jnp.spacing, np.array([1, 4], np.int16)):
        same(got, np.spacing(np.array([1, 4], np.int16)))


def test_nextafter_and_spacing_gradients():
    # NOTE: JAX defines none; these are the derivatives almost everywhere (nextafter moves with x1, not x2)
    x, y = np.array([0.3, -1.7, 2.2]), np.array([1.0, -3.0, -5.0])
    check_grads(jnp.nextafter, (x, y), order=1)
    same(jaxlike.grad(lambda a: jnp.spacing(a).sum())(x), np.zeros(3))


# -- matvec, vecmat --------------------------------------------------------------------------------------------
def test_matvec_vecmat_match_numpy_and_differentiate():
    m, v = RNG.uniform(-1, 1, (2, 1, 3, 4)), RNG.uniform(-1, 1, (5, 4))
    for got in both(jnp.matvec, m, v):
        same(got, np.matvec(m, v), exact=False)
    w = RNG.uniform(-1, 1, (5, 3)) + 1j * RNG.uniform(-1, 1, (5, 3))
    for got in both(jnp.vecmat, w, m):
        same(got, np.vecmat(w, m), exact=False)
    check_grads(jnp.matvec, (m[0, 0], v[0]), order=2)
    check_grads(jnp.vecmat, (v[:2, :3], m[1, 0]), order=2)
    with pytest.raises(ValueError, match="matvec: x1 must have at least 2"):
        fc(jnp.matvec, v[0], v[0])


# -- functional writes --------------------------------------------------------------------------------------------
def _np_fill(a, val, wrap=False):
    a = np.array(a, copy=True)
    np.fill_diagonal(a, val, wrap)
    return a


@pytest.mark.parametrize("shape,val,wrap", [((3, 4), 7.0, False), ((5, 3), np.array([1.0, 2.0]), False),
                                            ((7, 3), np.array([1.0, 2.0, 3.0, 4.0]), True),
                                            ((3, 3, 3), np.array([-1.0, -2.0]), False)])
def test_fill_diagonal(shape, val, wrap):
    a = RNG.uniform(-1, 1, shape)
    want = _np_fill(a, val, wrap)
    for got in both(lambda x, v: jnp.fill_diagonal(x, v, wrap, inplace=False), a, val):
        same(got, want)
    same(fc(lambda x: jnp.fill_diagonal(x, 3, wrap, inplace=False), a.astype(np.int32)),
         _np_fill(a.astype(np.int32), 3, wrap))


def test_fill_diagonal_gradient_and_refusals():
    check_grads(lambda a, v: jnp.fill_diagonal(a, v, inplace=False), (X, np.array([0.5, -0.5])), order=2)
    with pytest.raises(NotImplementedError, match="inplace=False"):
        jnp.fill_diagonal(X, 1.0)
    with pytest.raises(ValueError, match="at least 2-d"):
        fc(lambda a: jnp.fill_diagonal(a, 0.0, inplace=False), X[0])
    with pytest.raises(ValueError, match="equal length"):
        jnp.fill_diagonal(A3, 0.0, inplace=False)


# JAX's values: mode None wraps indices in [-size, 0) and clamps the rest; of repeated indices the last wins
PUTS = [
    (None, [-1, 7, 2, 2], [10, 20, 30, 40], [0, 1, 40, 3, 20]),
    (None, [-9, 1], [10, 20], [10, 20, 2, 3, 4]),
    ("clip", [-1, 7], [10, 20], [10, 1, 2, 3, 20]),
    ("wrap", [-1, 7, 12], [10, 20], [0, 1, 10, 3, 10]),
    (None, [[0, 3], [4, 1]], [9], [9, 9, 2, 9, 9]),
]


@pytest.mark.parametrize("mode,ind,v,want", PUTS)
def test_put_matches_jax(mode, ind, v, want):
    a, ind, v = np.arange(5), np.array(ind), np.array(v)
    f = lambda x, i, w: jnp.put(x, i, w, mode=mode, inplace=False)  # noqa: E731
    same(f(a, ind, v), np.array(want))
    same(fc(f, a, ind, v), np.array(want))
    same(fc(lambda x, w: f(x, ind, w), a.astype(float), v.astype(float)), np.array(want, float))
    assert np.array_equal(a, np.arange(5))


def test_put_matches_numpy_in_range_2d_and_differentiates():
    a, ind, v = X.copy(), np.array([11, 0, 5, 0]), np.array([1.0, 2.0])
    want = X.copy()
    np.put(want, ind, v)
    for got in both(lambda x, i, w: jnp.put(x, i, w, inplace=False), a, ind, v):
        same(got, want)
    check_grads(lambda x, w: jnp.put(x, ind, w, inplace=False), (X, np.array([1.0, 2.0, 3.0])), order=2)


def test_put_refusals():
    with pytest.raises(ValueError, match="inplace=False"):
        jnp.put(X, 0, 1.0)
    with pytest.raises(NotImplementedError, match="mode='raise'"):
        jnp.put(X, 0, 1.0, mode="raise", inplace=False)
    with pytest.raises(ValueError, match="mode must be"):
        jnp.put(X, 0, 1.0, mode="drop", inplace=False)
    with pytest.raises(TypeError, match="ind must be integers"):
        fc(lambda a: jnp.put(a, np.array([0.5]), 1.0, inplace=False), X)


def test_place():
    a, mask, vals = np.arange(6.0), np.array([0, 1, 0, 1, 1, 0]), np.array([-1.0, -2.0])
    want = a.copy()
    np.place(want, mask, vals)
    for got in both(lambda x, m, v: jnp.place(x, m, v, inplace=False), a, mask, vals):
        same(got, want)
    same(fc(lambda x, v: jnp.place(x, mask, v, inplace=False), a, vals), want)
    same(jnp.place(X, X > 5, 1.0, inplace=False), X)
    check_grads(lambda x, v: jnp.place(x, X > 0, v, inplace=False), (X, np.array([1.0, 2.0, 3.0])), order=2)
    with pytest.raises(ValueError, match="inplace=False"):
        jnp.place(a, mask, vals)
    with pytest.raises(ValueError, match="same size, got 6 and 5"):
        fc(lambda x: jnp.place(x, mask[:5], vals, inplace=False), a)
    with pytest.raises(ValueError, match="empty vals"):
        jnp.place(a, mask, np.zeros(0), inplace=False)


# -- reshaping by value ----------------------------------------------------------------------------------------
def test_resize():
    for new_shape in [(2, 4), 3, (0,), (3, 5)]:
        for got in both(lambda a: jnp.resize(a, new_shape), np.arange(5)):
            same(got, np.resize(np.arange(5), new_shape))
    same(fc(lambda a: jnp.resize(a, (2, 2)), np.zeros(0)), np.zeros((2, 2)))
    check_grads(lambda a: jnp.resize(a, (3, 5)), (X[0],), order=2)
    with pytest.raises(ValueError, match="non-negative"):
        fc(lambda a: jnp.resize(a, (2, -1)), X)


def test_trim_zeros():
    f = np.array([0, 0, 1, 0, 2, 0, 0])
    for trim in ("fb", "f", "b", "F"):
        same(jnp.trim_zeros(f, trim), np.trim_zeros(f, trim))
    g = np.zeros((4, 5))
    g[1, 2], g[2, 3] = 1.0, 2.0
    for axis in (None, 0, 1, (0, 1)):
        same(jnp.trim_zeros(g, axis=axis), np.trim_zeros(g, axis=axis))
    same(jnp.trim_zeros([0.0, 0.0]), np.zeros(0))
    with pytest.raises(ConcretizationError, match="trim_zeros of a traced array"):
        fc(jnp.trim_zeros, f)


def test_unwrap():
    p = np.array([[0.0, 3.0, 6.5, 1.0, -4.0], [0.1, 6.4, 12.6, 2.0, 2.2]])
    cases = [dict(), dict(axis=0), dict(discont=4.0), dict(period=5.0), dict(period=5.0, discont=1.0)]
    for kw in cases:
        for got in both(lambda a: jnp.unwrap(a, **kw), p):
            same(got, np.unwrap(p, **kw), exact=False)
    q = np.array([0, 7, 14, 3, 8, -6])
    for period in (10, 7):
        for got in both(lambda a: jnp.unwrap(a, period=period), q):
            same(got, np.unwrap(q, period=period))
    got = fc(jnp.unwrap, p.astype(np.float32))
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, np.unwrap(p.astype(np.float32)), rtol=1e-5, atol=1e-5)
    check_grads(jnp.unwrap, (p,), order=2)
    with pytest.raises(ValueError, match="complex input"):
        fc(jnp.unwrap, p + 0j)


def test_sort_complex():
    z = np.array([[1 + 2j, 1 - 1j, 0 + 5j, 1 + 0j], [-2 + 1j, -2 - 3j, 4 + 0j, -2 + 1j]])
    for got in both(jnp.sort_complex, z):
        same(got, np.sort_complex(z))
    for dt, want in [(np.int8, np.complex64), (np.int64, np.complex128), (np.float32, np.complex64),
                     (np.float64, np.complex128), (np.complex64, np.complex64)]:
        x = np.array([3, 1, 2], dt)
        for got in both(jnp.sort_complex, x):
            same(got, np.sort(x).astype(want))   # NOTE: float32 stays single precision, as in JAX


def test_extract():
    cond, arr = np.array([[1, 0], [1, 1]]), np.arange(4.0).reshape(2, 2)
    same(jnp.extract(cond, arr), np.extract(cond, arr))
    same(fc(lambda a: jnp.extract(cond, a), arr), np.extract(cond, arr))
    for got in both(lambda c, a: jnp.extract(c, a, size=4, fill_value=-1.0), np.array([1, 0, 1, 0]), np.arange(4.0)):
        same(got, np.array([0.0, 2.0, -1.0, -1.0]))
    same(fc(lambda a: jnp.extract(np.array([1, 0, 1]), a), np.arange(4.0)), np.array([0.0, 2.0]))
    same(fc(lambda c: jnp.extract(c, np.arange(4.0), size=2), np.array([0, 1, 1, 1])), np.array([1.0, 2.0]))
    check_grads(lambda a: jnp.extract(X > 0, a), (X,), order=2)
    check_grads(lambda a: jnp.extract(X > 0, a, size=3), (X,), order=2)
    with pytest.raises(ConcretizationError, match="extract with a traced condition"):
        fc(lambda c: jnp.extract(c, np.arange(4.0)), np.array([0, 1, 1, 1]))
    with pytest.raises(ValueError, match="size must be in"):
        jnp.extract(np.ones(4), np.arange(4.0), size=5)
    with pytest.raises(ValueError, match="past the end"):
        jnp.extract(np.ones(5), np.arange(4.0))


def test_piecewise():
    x = np.linspace(-2.0, 2.0, 9)
    f = lambda m, a: m.piecewise(a, [a < 0, a >= 1], [lambda v: -v, lambda v: v ** 2, 0.5])  # noqa: E731
    for got in both(lambda a: f(jnp, a), x):
        same(got, f(np, x))
    for got in both(lambda a: jnp.piecewise(a, [a < 0, a > -1], [lambda v, k: k * v, 7], 3), x):
        same(got, np.piecewise(x, [x < 0, x > -1], [lambda v, k: k * v, 7], 3))
    xi = np.arange(-3, 3)
    same(fc(lambda a: jnp.piecewise(a, [a > 0], [lambda v: v / 2]), xi), np.piecewise(xi, [xi > 0], [lambda v: v / 2]))
    check_grads(lambda a: f(jnp, a), (x + 0.05,), order=2)
    stacked = fc(lambda a: jnp.piecewise(a, jnp.stack([a < 0, a > 1]), [lambda v: -v, 3.0, lambda v: v]), x)
    same(stacked, np.piecewise(x, [x < 0, x > 1], [lambda v: -v, 3.0, lambda v: v]))
    with pytest.raises(ValueError, match="either 2 or 3 functions"):
        jnp.piecewise(x, [x < 0, x > 1], [0.0])


def test_apply_over_axes():
    for axes in ([0, 2], [-1], 1):
        for got in both(lambda a: jnp.apply_over_axes(jnp.sum, a, axes), A3):
            same(got, np.apply_over_axes(np.sum, A3, axes), exact=False)
    same(fc(lambda a: jnp.apply_over_axes(lambda v, ax: jnp.cumsum(v, axis=ax), a, [0, 1]), A3),
         np.apply_over_axes(lambda v, ax: np.cumsum(v, axis=ax), A3, [0, 1]), exact=False)
    check_grads(lambda a: jnp.apply_over_axes(jnp.max, a, [1]), (A3,), order=2)
    with pytest.raises(ValueError, match="keep the rank"):
        jnp.apply_over_axes(lambda v, ax: jnp.sum(v), A3, [0])


def test_mask_indices():
    for k in (0, 1, -1):
        for fn in ("triu", "tril"):
            for g, w in zip(jnp.mask_indices(4, getattr(jnp, fn), k), np.mask_indices(4, getattr(np, fn), k)):
                same(g, w)
    i, j = jnp.mask_indices(3, jnp.triu, 1, size=4)
    same(i, np.array([0, 0, 1, 0]))
    same(j, np.array([1, 2, 2, 0]))


def test_einsum_path():
    a, b, c = np.ones((50, 4)), np.ones((4, 30)), np.ones((30, 2))
    path, report = jnp.einsum_path("ij,jk,kl->il", a, b, c)
    assert path == [(1, 2), (0, 1)] and "Optimized scaling" in str(report)   # JAX's path
    assert jnp.einsum_path("ij,jk,kl,lm->im", a, b, c, np.ones((2, 50)))[0] == [(1, 2), (0, 2), (0, 1)]
    assert jnp.einsum_path("ij,jk,kl->il", a, b, c, optimize=False)[0] == [(0, 1, 2)]
    assert jnp.einsum_path("ij,jk,kl->il", a, b, c, optimize=[(0, 1), (0, 1)])[0] == [(0, 1), (0, 1)]
    seen = []
    fc(lambda x: (seen.append(jnp.einsum_path("ij,jk,kl->il", x, b, c)[0]), x)[1], a)
    assert seen[0] == path
    with pytest.raises(ValueError, match="optimize must be"):
        jnp.einsum_path("ij,jk->ik", a, b, optimize="dp")


BITS = np.array([[1, 0, 1, 1, 0, 0, 1, 1, 1], [0, 0, 0, 1, 0, 1, 0, 0, 0]], bool)


@pytest.mark.parametrize("axis", [None, 0, 1, -1])
@pytest.mark.parametrize("bitorder", ["big", "little"])
def test_packbits_unpackbits(axis, bitorder):
    for x in (BITS, BITS.astype(np.int32) * 3):
        for got in both(lambda a: jnp.packbits(a, axis=axis, bitorder=bitorder), x):
            same(got, np.packbits(x, axis=axis, bitorder=bitorder))
    u = np.packbits(BITS, axis=axis if axis is not None else -1)
    for count in (None, 3, 20, -2):
        for got in both(lambda a: jnp.unpackbits(a, axis=axis, count=count, bitorder=bitorder), u):
            same(got, np.unpackbits(u, axis=axis, count=count, bitorder=bitorder))


def test_bits_refusals():
    with pytest.raises(TypeError, match="packbits: a must be an integer"):
        fc(jnp.packbits, X)
    with pytest.raises(TypeError, match="unpackbits: a must be a uint8"):
        fc(jnp.unpackbits, BITS.astype(np.int32))
    with pytest.raises(ValueError, match="bitorder must be"):
        fc(lambda a: jnp.packbits(a, bitorder="middle"), BITS)


def test_under_vmap_and_grad():
    v = jaxlike.vmap
    ind = np.array([[0, 1], [3, 3], [-1, 2]])
    want = X.copy()
    for r, i in zip(want, ind):
        r[i] = [9.0, 8.0]
    same(v(lambda a, i: jnp.put(a, i, np.array([9.0, 8.0]), inplace=False))(X, ind), want)
    same(v(jnp.nextafter)(X, -X), np.nextafter(X, -X))
    same(v(lambda a, m: jnp.place(a, m, np.array([7.0]), inplace=False))(X, X > 0), np.where(X > 0, 7.0, X))
    same(v(jnp.matvec, in_axes=(None, 0))(X, X), X @ X.T, exact=False)
    same(v(jnp.sort_complex)(X + 1j * X[::-1]), np.sort_complex(X + 1j * X[::-1]))
    same(v(jnp.packbits)(X > 0), np.packbits(X > 0, axis=1))
    same(jaxlike.grad(lambda a: v(lambda r: jnp.resize(r, 6))(a).sum())(X), np.ones((3, 4)) + [1.0, 1.0, 0.0, 0.0])


# -- the default backend ---------------------------------------------------------------------------------------
def _bundle(m, x, v, i):
    return (m.nextafter(x, 0.0), m.matvec(x, v), m.put(x, i, v[:2], inplace=False),
            m.fill_diagonal(x, v[:2], inplace=False), m.unwrap(x * 4, axis=0), m.packbits(x > 0, axis=1),
            m.piecewise(v, [v < 0], [lambda t: t * t, lambda t: t]))


def test_default_backend_bundle():
    x, v, i = X, RNG.uniform(-1, 1, 4), np.array([5, -1])
    got = jaxlike.compile(lambda *a: _bundle(jnp, *a))(x, v, i)
    want = _bundle(jnp, x, v, i)
    for g, w in zip(got, want):
        same(g, w, exact=False)
