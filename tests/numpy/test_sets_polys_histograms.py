"""The set operations (union1d, intersect1d, setdiff1d, setxor1d, unique_all/counts/inverse/values), insert,
delete and lexsort, the polynomial routines poly, polydiv, polyfit and roots, and histogram2d, histogramdd and
histogram_bin_edges: numpy's results on plain arrays, the same (or JAX's, where JAX differs: ``size=``
padding, polydiv's untrimmed remainder, complex roots) on traced values under the reference backend, their
gradients, and clear errors where a traced value cannot work. One bundle also runs on the default backend.
"""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike.core.errors import ConcretizationError
from jaxlike.test_util import check_grads

RNG = np.random.default_rng(5)
A = np.array([5, 3, 3, 7, 1, 9])
B = np.array([3, 7, 2, 2, 8])
F1 = np.array([[2.5, -1.0, 2.5], [0.0, 4.0, -1.0]])
F2 = np.array([4.0, 0.0, 0.5, 2.5, 6.0])


def fast(f):
    return jaxlike.compile(f, mode="FAST_COMPILE")


def assert_same(got, want):
    if isinstance(want, tuple):
        assert isinstance(got, tuple) and len(got) == len(want)
        for g, w in zip(got, want):
            assert_same(g, w)
        return
    got = np.asarray(got)
    assert got.dtype == np.asarray(want).dtype, (got.dtype, np.asarray(want).dtype)
    np.testing.assert_array_equal(got, want)


def padded(values, size, fill):
    values = np.asarray(values)
    return np.concatenate([values[:size], np.full(max(size - len(values), 0), fill, values.dtype)])


# -- set operations ---------------------------------------------------------------------------------------------
SET_PAIRS = [(A, B), (F1, F2), (A, A[:0]), (np.array([1, 2]), np.array([3, 4]))]
SET_FUNCS = {"union1d": np.union1d, "setdiff1d": np.setdiff1d, "setxor1d": np.setxor1d,
             "intersect1d": np.intersect1d}


@pytest.mark.parametrize("name", sorted(SET_FUNCS))
def test_set_operations_match_numpy_and_pad_as_jax_with_size(name):
    """Concrete without size= is numpy's; with size= (concrete and traced) the first values padded with JAX's
    default fill: the smallest value of the result (0 when it is empty), 0 for setdiff1d."""
    ours, theirs = getattr(jnp, name), SET_FUNCS[name]
    for a, b in SET_PAIRS:
        want = theirs(a, b)
        assert_same(ours(a, b), want)
        default = 0 if name == "setdiff1d" or want.size == 0 else want.min()
        for size in (want.size + 3, max(want.size - 1, 0)):
            expect = padded(want, size, default)
            assert_same(ours(a, b, size=size), expect)
            assert_same(fast(lambda a, b: ours(a, b, size=size))(a, b), expect)
        assert_same(fast(lambda a, b: ours(a, b, size=want.size + 2, fill_value=-1))(a, b),
                    padded(want, want.size + 2, -1))


def test_set_operations_jax_values():
    """Hand-checked against jax.numpy (x64) for A and B."""
    np.testing.assert_array_equal(fast(lambda a, b: jnp.union1d(a, b, size=10))(A, B), [1, 2, 3, 5, 7, 8, 9, 1, 1, 1])
    np.testing.assert_array_equal(fast(lambda a, b: jnp.setdiff1d(a, b, size=5))(A, B), [1, 5, 9, 0, 0])
    np.testing.assert_array_equal(fast(lambda a, b: jnp.setxor1d(a, b, size=8))(A, B), [1, 2, 5, 8, 9, 1, 1, 1])
    got = fast(lambda a, b: jnp.intersect1d(a, b, return_indices=True, size=4))(A, B)
    for g, w in zip(got, ([3, 7, 3, 3], [1, 3, 6, 6], [0, 1, 5, 5])):
        np.testing.assert_array_equal(g, w)


@pytest.mark.parametrize("assume_unique", [False, True])
def test_intersect1d_indices_and_assume_unique(assume_unique):
    a, b = (np.array([9, 4, 1, 7]), np.array([7, 2, 9, 5, 0])) if assume_unique else (A, B)
    want = np.intersect1d(a, b, assume_unique=assume_unique, return_indices=True)
    assert_same(jnp.intersect1d(a, b, assume_unique, True), want)
    got = fast(lambda a, b: jnp.intersect1d(a, b, assume_unique, True, size=len(want[0]) + 1))(a, b)
    n = len(want[0])
    for g, w, pad in zip(got, want, (want[0].min(), len(a), len(b))):
        np.testing.assert_array_equal(g, padded(w, n + 1, pad))
    kept = fast(lambda a, b: jnp.setdiff1d(a, b, assume_unique=assume_unique, size=len(a)))(a, b)
    np.testing.assert_array_equal(kept, padded(np.setdiff1d(a, b, assume_unique), len(a), 0))
    xor = fast(lambda a, b: jnp.setxor1d(a, b, assume_unique=assume_unique, size=9))(a, b)
    want_xor = np.setxor1d(a, b, assume_unique)
    np.testing.assert_array_equal(xor, padded(want_xor, 9, want_xor.min()))


def test_set_operations_promote_like_numpy():
    a, b = np.array([1, 2, 3], np.int32), np.array([2.5, 3.0])
    for name in ("union1d", "intersect1d", "setxor1d"):
        got = fast(lambda a, b: getattr(jnp, name)(a, b, size=5))(a, b)
        assert got.dtype == getattr(np, name)(a, b).dtype == np.float64


UNIQUE_X = np.array([[3.0, np.nan, 1.0], [3.0, np.nan, -2.0]])


@pytest.mark.parametrize("name,fields", [("unique_all", ("values", "indices", "inverse_indices", "counts")),
                                         ("unique_counts", ("values", "counts")),
                                         ("unique_inverse", ("values", "inverse_indices")),
                                         ("unique_values", None)])
def test_unique_family_matches_numpy_and_pads(name, fields):
    """NaNs are all distinct (the array API's equal_nan=False); the inverse keeps x's shape; with size= the
    padding repeats the smallest value, its index that value's, its count 0 (JAX's)."""
    want = getattr(np, name)(UNIQUE_X)
    got = getattr(jnp, name)(UNIQUE_X)
    if fields is None:
        np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(fast(lambda x: jnp.unique_values(x, size=7))(UNIQUE_X),
                                      padded(want, 7, want[0]))
        return
    assert got._fields == fields
    for f in fields:
        np.testing.assert_array_equal(getattr(got, f), getattr(want, f))
    traced = fast(lambda x: getattr(jnp, name)(x, size=7))(UNIQUE_X)
    assert type(traced).__name__ == type(got).__name__
    pads = {"values": want.values[0], "counts": 0, "indices": getattr(want, "indices", [0])[0]}  # the smallest
    for f in fields:
        w = getattr(want, f)
        np.testing.assert_array_equal(getattr(traced, f), w if f == "inverse_indices" else padded(w, 7, pads[f]))
    short = fast(lambda x: getattr(jnp, name)(x, size=2, fill_value=-9.0))(UNIQUE_X)
    np.testing.assert_array_equal(short.values, want.values[:2])


@pytest.mark.parametrize("call", [lambda a: jnp.union1d(a, B), lambda a: jnp.setdiff1d(B, a),
                                  lambda a: jnp.setxor1d(a, a), lambda a: jnp.intersect1d(a, B),
                                  lambda a: jnp.unique_all(a), lambda a: jnp.unique_values(a)])
def test_traced_set_operation_without_size_is_a_clear_error(call):
    with pytest.raises(ConcretizationError, match=r"(union1d|setdiff1d|setxor1d|intersect1d|unique_\w+) of a "
                                                  r"traced array.*size="):
        fast(call)(A)


def test_bad_size_is_refused():
    with pytest.raises(ValueError, match="union1d: size must be a non-negative int, got -1"):
        jnp.union1d(A, B, size=-1)
    with pytest.raises(TypeError, match="setxor1d: size must be a non-negative int, got 2.5"):
        jnp.setxor1d(A, B, size=2.5)


# -- insert, delete, lexsort ------------------------------------------------------------------------------------
M = np.arange(12.0).reshape(3, 4) / 4
INSERTS = [(1, 9.0, None), ([1, 3, 3, -1], [7.0, 8.0, 9.0, 10.0], None), (1, [1.0, 2.0, 3.0], 1),
           ([1], [1.0, 2.0, 3.0], 1), (slice(0, 4, 2), 5.0, 1), (-1, [[1.0, 2.0, 3.0, 4.0]], 0),
           (2, [[1.0], [2.0], [3.0]], 1), (np.array([0, 3]), [[1.5], [2.5]], 0), (3, 7, -1)]


@pytest.mark.parametrize("obj,values,axis", INSERTS, ids=repr)
def test_insert_matches_numpy(obj, values, axis):
    want = np.insert(M, obj, values, axis)
    assert_same(jnp.insert(M, obj, values, axis), want)
    assert_same(fast(lambda m, v: jnp.insert(m, obj, v, axis))(M, np.asarray(values, float)), want)
    if not isinstance(obj, slice):   # a traced obj too (JAX's): only the order along the axis is computed
        assert_same(fast(lambda m, o, v: jnp.insert(m, o, v, axis))(M, np.asarray(obj), np.asarray(values, float)),
                    want)


def test_insert_casts_values_to_the_arrays_dtype():
    ints = np.arange(6).reshape(2, 3)
    assert_same(fast(lambda a, v: jnp.insert(a, 1, v, axis=1))(ints, np.array([2.7, -1.2])),
                np.insert(ints, 1, [2.7, -1.2], axis=1))


DELETES = [(1, None), ([0, 2, 2], 1), (slice(None, None, 2), 0), (np.array([True, False, True]), 0), (-1, 1),
           ([], 0), (slice(1, None), None)]


@pytest.mark.parametrize("obj,axis", DELETES, ids=repr)
def test_delete_matches_numpy(obj, axis):
    want = np.delete(M, obj, axis)
    assert_same(jnp.delete(M, obj, axis), want)
    assert_same(fast(lambda m: jnp.delete(m, obj, axis))(M), want)


def test_insert_delete_errors_are_numpys_and_a_traced_obj_is_refused():
    for call in (lambda m: jnp.insert(m, 20, 1.0), lambda m: jnp.delete(m, 5, 0)):
        with pytest.raises(IndexError, match="out of bounds"):
            fast(call)(M)
        with pytest.raises(IndexError, match="out of bounds"):
            call(M)
    with pytest.raises(np.exceptions.AxisError):
        fast(lambda m: jnp.delete(m, 0, axis=2))(M)
    with pytest.raises(ConcretizationError, match="delete: obj is traced.*assume_unique_indices=True"):
        fast(lambda m, i: jnp.delete(m, [i, 0]))(M, 1)
    with pytest.raises(ValueError, match="insert: a traced obj must be an integer index or 1-d array"):
        fast(lambda m, i: jnp.insert(m, i > 0, 0.0))(M, np.array([1, 0]))


def test_traced_positions_follow_jax():
    """insert at traced indices wraps negatives once and clips the rest into [0, n] (numpy raises there);
    delete at traced distinct indices with assume_unique_indices=True."""
    row = np.arange(4.0)
    got = fast(lambda o: jnp.insert(row, o, 9.0))(np.array([-7, 10, 2]))
    np.testing.assert_array_equal(got, [9.0, 0.0, 1.0, 9.0, 2.0, 3.0, 9.0])   # jax.numpy's result
    assert_same(fast(lambda o: jnp.insert(row, o, [5.0]))(np.zeros(0, int)), row)
    drop = fast(lambda m, o: jnp.delete(m, o, axis=1, assume_unique_indices=True))
    for obj in ([3, 0], [-1], [], [1, 2, 0, 3]):
        assert_same(drop(M, np.array(obj, int)), np.delete(M, obj, axis=1))
    assert_same(fast(lambda m, o: jnp.delete(m, o, assume_unique_indices=True))(M, np.array([5, 0, 11])),
                np.delete(M, [5, 0, 11]))
    weights = RNG.normal(size=(5, 4))
    grad = fast(jaxlike.grad(lambda v, o: jnp.sum(jnp.insert(M, o, v, axis=0) * weights)))
    # the values for indices 2 and 0 land in rows 3 and 0; each one's gradient is its row's weights
    np.testing.assert_allclose(grad(RNG.normal(size=(2, 4)), np.array([2, 0])), weights[[3, 0]])


def test_insert_delete_gradients():
    check_grads(lambda a, v: jnp.insert(a, [1, 3, 3], v, axis=1), (M, RNG.normal(size=(3, 3))), order=1)
    check_grads(lambda a, v: jnp.insert(a, 2, v), (M, np.array([0.5, 0.25])), order=1)
    check_grads(lambda a, v: jnp.insert(a, 1, v, axis=0), (M, np.array(0.5)), order=1)   # broadcast: summed
    check_grads(lambda a: jnp.delete(a, [0, 2], axis=1) ** 2, (M,), order=1)


KEYS = RNG.integers(0, 3, (3, 4, 6))


@pytest.mark.parametrize("make,axis", [(lambda k: [k[0, 0], k[1, 0]], -1), (lambda k: k, -1), (lambda k: k, 0),
                                       (lambda k: [k[0].astype(float), k[1]], 1), (lambda k: [k[2, 1]], 0)])
def test_lexsort_matches_numpy(make, axis):
    want = np.lexsort(make(KEYS), axis=axis)
    assert_same(jnp.lexsort(make(KEYS), axis=axis), want)
    assert_same(fast(lambda k: jnp.lexsort(make(k), axis=axis))(KEYS), want)


def test_lexsort_bad_keys():
    with pytest.raises(ValueError, match="lexsort: all keys need the same shape"):
        fast(lambda k: jnp.lexsort([k[0, 0], k[0, 0, :3]]))(KEYS)
    with pytest.raises(TypeError, match="0-d"):
        fast(lambda k: jnp.lexsort(k[0, 0, 0]))(KEYS)


# -- polynomials --------------------------------------------------------------------------------------------------
ROOTS = np.array([1.0, -2.0, 0.5, 3.0])


@pytest.mark.parametrize("z", [ROOTS, ROOTS.astype(np.float32), np.array([1, 2, 2]), np.array([1 + 2j, 3.0 - 1j])],
                         ids=["f64", "f32", "int", "complex"])
def test_poly_matches_numpy(z):
    want = np.poly(z)
    assert_same(jnp.poly(z), want)
    got = fast(jnp.poly)(z)
    assert got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=1e-6 if z.dtype == np.float32 else 1e-13)


def test_poly_jax_differences_and_errors():
    """Conjugate roots and matrices stay complex (JAX's; numpy returns the real part); no roots give 1."""
    for z in (np.array([1j, -1j]), np.eye(2)):
        got = jnp.poly(z)
        assert got.dtype == np.complex128
        np.testing.assert_allclose(got, np.poly(z), atol=1e-14)
    assert_same(fast(jnp.poly)(np.array([1j, -1j])), np.array([1, 0, 1], complex))
    assert_same(jnp.poly(np.zeros(0)), np.asarray(1.0))
    with pytest.raises(ValueError, match=r"poly: seq_of_zeros must be 1d .* got shape \(2, 3\)"):
        fast(jnp.poly)(np.ones((2, 3)))
    check_grads(jnp.poly, (ROOTS[:3],), order=2)


def test_poly_of_a_traced_matrix_is_its_characteristic_polynomial():
    """The eigenvalues' polynomial (linalg.eigvals): numpy's coefficients, complex as JAX's, differentiable."""
    a = RNG.uniform(-1, 1, (4, 4)) + np.diag([1.0, 2.0, -1.5, 3.0])
    got = fast(jnp.poly)(a)
    assert got.dtype == np.complex128
    np.testing.assert_allclose(got, np.poly(a), atol=1e-12)
    np.testing.assert_allclose(got[1], -np.trace(a), atol=1e-12)          # coefficients of det(xI - a)
    np.testing.assert_allclose(got[-1], np.linalg.det(a), atol=1e-12)
    assert fast(jnp.poly)(a.astype(np.float32)).dtype == np.complex64
    # d(c_1)/da = -I and d(c_n)/da = det(a) a^-T for n = 4 (even): the characteristic polynomial's derivatives
    np.testing.assert_allclose(jaxlike.grad(lambda x: jnp.real(jnp.poly(x)[1]))(a), -np.eye(4), atol=1e-10)
    np.testing.assert_allclose(jaxlike.grad(lambda x: jnp.real(jnp.poly(x)[-1]))(a),
                               np.linalg.det(a) * np.linalg.inv(a).T, atol=1e-10)
    check_grads(lambda x: jnp.poly(x), (a[:3, :3],), order=1)


U, V = np.array([1.0, -3.0, 2.0, 5.0]), np.array([2.0, -1.0])


def test_polydiv_keeps_the_remainders_length_as_jax():
    q, r = np.polydiv(U, V)
    full_r = np.concatenate([np.zeros(len(U) - len(r)), r])
    for got in (jnp.polydiv(U, V), fast(lambda u, v: jnp.polydiv(u, v))(U, V)):
        np.testing.assert_allclose(got[0], q, rtol=1e-14)
        np.testing.assert_allclose(got[1], full_r, atol=1e-14)
    np.testing.assert_allclose(jnp.polydiv(U, V, trim_leading_zeros=True)[1], r)
    q, r = jnp.polydiv([1, 2], [1, 2, 3])                     # divisor of higher degree: q = 0, r = u
    assert_same(q, np.zeros(1))
    assert_same(r, np.array([1.0, 2.0]))
    with pytest.raises(ConcretizationError, match="trim_leading_zeros"):
        fast(lambda u, v: jnp.polydiv(u, v, trim_leading_zeros=True))(U, V)
    check_grads(lambda u, v: jnp.polydiv(u, v), (U, V), order=1)


XS = np.linspace(-1.0, 2.0, 9)
YS = np.stack([XS ** 2 - XS, np.cos(XS)], 1)


@pytest.mark.parametrize("kw", [{}, dict(full=True), dict(cov=True), dict(cov="unscaled"), dict(w=np.linspace(1, 2, 9)),
                                dict(rcond=1e-3, full=True)], ids=repr)
def test_polyfit_matches_numpy(kw):
    for y in (YS[:, 0], YS):
        want = np.polyfit(XS, y, 2, **kw)
        eager, traced = jnp.polyfit(XS, y, 2, **kw), fast(lambda x, y: jnp.polyfit(x, y, 2, **kw))(XS, y)
        want = want if isinstance(want, tuple) else (want,)
        for got in (eager, traced):
            got = got if isinstance(got, tuple) else (got,)
            assert len(got) == len(want)
            for g, w in zip(got, want):
                assert np.shape(g) == np.shape(w)
                np.testing.assert_allclose(g, w, rtol=1e-9, atol=1e-12)


def test_polyfit_errors_and_gradient():
    with pytest.raises(ValueError, match="polyfit: expected deg >= 0"):
        fast(lambda x, y: jnp.polyfit(x, y, -1))(XS, YS)
    with pytest.raises(TypeError, match="polyfit: expected x and y to have same length"):
        fast(lambda x, y: jnp.polyfit(x, y[:4], 1))(XS, YS)
    with pytest.raises(ValueError, match="number of data points"):
        fast(lambda x, y: jnp.polyfit(x[:3], y[:3], 2, cov=True))(XS, YS)
    with pytest.raises(TypeError, match="polyfit: deg must be a concrete int"):
        fast(lambda x, y, d: jnp.polyfit(x, y, d))(XS, YS, 2)
    np.testing.assert_allclose(fast(lambda x, y: jnp.polyfit(x, y, 2.0))(XS, YS), np.polyfit(XS, YS, 2.0), atol=1e-12)
    check_grads(lambda y: jnp.polyfit(XS, y, 2), (YS[:, 1],), order=1)
    check_grads(lambda x, y, w: jnp.polyfit(x, y, 1, w=w), (XS, YS, np.linspace(1, 2, 9)), order=1)


def test_roots_are_complex_and_traced_roots_need_strip_zeros_false():
    p = np.array([0.0, 1.0, -3.0, 2.0, 0.0])
    got = jnp.roots(p)
    assert got.dtype == np.complex128
    np.testing.assert_allclose(np.sort_complex(got), [0, 1, 2], atol=1e-12)
    assert jnp.roots(np.array([1.0, 2.0], np.float32)).dtype == np.complex64
    kept = jnp.roots(p, strip_zeros=False)                   # JAX's: zero roots last, then one NaN per leading 0
    np.testing.assert_allclose(np.sort_complex(kept[:3]), [0, 1, 2], atol=1e-12)
    assert kept[2] == 0 and np.isnan(kept[3].real) and np.isnan(kept[3].imag)
    assert np.isnan(jnp.roots(np.zeros(3), strip_zeros=False)).all() and jnp.roots(np.zeros(3)).size == 0
    assert_same(jnp.roots([3.0]), np.zeros(0, complex))
    traced = fast(lambda p: jnp.roots(p, strip_zeros=False))(p)
    assert traced.dtype == np.complex128 and traced.shape == (4,)
    np.testing.assert_allclose(np.sort_complex(traced[:3]), [0, 1, 2], atol=1e-12)
    assert traced[2] == 0 and np.isnan(traced[3].real) and np.isnan(traced[3].imag)
    for q in (p, np.array([0, 0, 1, 2, 3]), np.array([1.0, 0.0, 0.0])):     # plain and traced: the same order
        np.testing.assert_allclose(fast(lambda q: jnp.roots(q, strip_zeros=False))(q), jnp.roots(q, strip_zeros=False),
                                   atol=1e-14)
    assert np.isnan(fast(lambda p: jnp.roots(p, strip_zeros=False))(np.zeros(3))).all()
    with pytest.raises(ConcretizationError, match="roots of a traced array with strip_zeros=True.*strip_zeros=False"):
        fast(jnp.roots)(p)


def test_traced_roots_match_numpy_and_differentiate():
    p = np.array([2.0, -3.0, 0.5, 4.0, 1.0])                 # two real roots and a complex pair
    got = fast(lambda p: jnp.roots(p, strip_zeros=False))(p)
    np.testing.assert_allclose(got, np.roots(p), atol=1e-12)   # the same companion matrix: numpy's order
    f32 = fast(lambda p: jnp.roots(p, strip_zeros=False))(p.astype(np.float32))
    assert f32.dtype == np.complex64
    np.testing.assert_allclose(f32, np.roots(p), atol=1e-4)
    # a simple root r of p moves by dr = -dp(r) / p'(r) when the coefficients move by dp
    r = np.roots(p)
    t = RNG.uniform(-1, 1, 5)
    _, dr = jaxlike.jvp(lambda q: jnp.roots(q, strip_zeros=False), (p,), (t,))
    np.testing.assert_allclose(dr, -np.polyval(t, r) / np.polyval(np.polyder(p), r), atol=1e-10)
    check_grads(lambda q: jnp.roots(q, strip_zeros=False), (p,), order=2)


# -- histograms ------------------------------------------------------------------------------------------------------
SAMPLE = RNG.normal(size=(40, 3))
W = RNG.uniform(0.1, 1.0, 40)
DD_CASES = [dict(bins=4), dict(bins=[3, np.array([-1.0, 0.0, 0.5, 2.0]), 2], density=True),
            dict(bins=3, range=[(-1, 1), None, (0, 3)], weights=True), dict(bins=(2, 1, 5), weights=True, density=True)]


@pytest.mark.parametrize("kw", DD_CASES, ids=repr)
def test_histogramdd_matches_numpy(kw):
    def call(lib, s, w):
        return lib.histogramdd(s, **{**kw, **({"weights": w} if "weights" in kw else {})})
    want = call(np, SAMPLE, W)
    for got in (call(jnp, SAMPLE, W), fast(lambda s, w: call(jnp, s, w))(SAMPLE, W)):
        assert np.asarray(got[0]).dtype == np.float64
        np.testing.assert_allclose(got[0], want[0], rtol=1e-12)
        assert len(got[1]) == 3
        for g, w in zip(got[1], want[1]):
            np.testing.assert_allclose(g, w, rtol=1e-14)


def test_histogram2d_and_bin_edges_match_numpy():
    x, y = SAMPLE[:, 0], SAMPLE[:, 1]
    edges = np.array([-2.0, -0.5, 0.0, 1.0, 3.0])
    for kw in (dict(bins=(3, 5)), dict(bins=edges, density=True), dict(bins=[2, edges], range=[(-1, 1), None])):
        want = np.histogram2d(x, y, **kw)
        for got in (jnp.histogram2d(x, y, **kw), fast(lambda x, y: jnp.histogram2d(x, y, **kw))(x, y)):
            for g, w in zip(got, want):
                np.testing.assert_allclose(g, w, rtol=1e-12)
    for kw in (dict(bins=5), dict(bins=4, range=(-1, 2)), dict(bins=edges)):
        want = np.histogram_bin_edges(x, **kw)
        np.testing.assert_allclose(jnp.histogram_bin_edges(x, **kw), want)
        np.testing.assert_allclose(fast(lambda x: jnp.histogram_bin_edges(x, **kw))(x), want, rtol=1e-14)
    # the sample as D 1-d arrays, and int data (float64 edges, as numpy)
    ints = RNG.integers(0, 5, (2, 30))
    want = np.histogramdd(list(ints), bins=3)
    got = fast(lambda a, b: jnp.histogramdd([a, b], bins=3))(ints[0], ints[1])
    np.testing.assert_allclose(got[0], want[0])
    np.testing.assert_allclose(got[1][1], want[1][1])


def test_histogram_errors_and_weight_gradients():
    with pytest.raises(ValueError, match="bins='auto'"):
        fast(lambda s: jnp.histogram_bin_edges(s, "auto"))(SAMPLE[:, 0])
    with pytest.raises(ValueError, match=r"histogramdd: `bins\[1\]` must be positive"):
        fast(lambda s: jnp.histogramdd(s, bins=[2, 0, 2]))(SAMPLE)
    with pytest.raises(ValueError, match=r"`bins\[0\]` must be monotonically increasing"):
        fast(lambda s: jnp.histogramdd(s, bins=[np.array([1.0, 0.0]), 2, 2]))(SAMPLE)
    with pytest.raises(ValueError, match=r"the dimension of bins \(2\) must be equal"):
        fast(lambda s: jnp.histogramdd(s, bins=[2, 2]))(SAMPLE)
    with pytest.raises(ValueError, match="one weight per sample"):
        fast(lambda s, w: jnp.histogramdd(s, weights=w))(SAMPLE, W[:5])
    check_grads(lambda w: jnp.histogramdd(SAMPLE, bins=3, weights=w, density=True)[0], (W,), order=1)
    check_grads(lambda w: jnp.histogram2d(SAMPLE[:, 0], SAMPLE[:, 1], bins=3, weights=w)[0], (W,), order=1)


# -- the default (numba) backend ----------------------------------------------------------------------------------
def test_bundle_on_the_default_backend():
    """The sized set path (unique, isin, nonzero), the gathers of insert, lexsort's chained sorts and
    histogramdd's searchsorted and bincount compile and agree with the reference backend (one compile: slow)."""
    def bundle(a, b, v, y, w):
        return (jnp.intersect1d(a, b, size=3, return_indices=True), jnp.insert(v, [1, 2], y[:2]),
                jnp.lexsort([a, b]), jnp.histogramdd(jnp.stack([v, y], 1), bins=2, weights=w))
    args = (np.array([3, 1, 2, 3, 5]), np.array([5, 0, 3, 3, 4]), np.array([0.5, 1.0, 2.0, 3.5, 4.0]),
            np.array([1.0, 2.0, 2.5, 4.0, 5.0]), np.linspace(0.5, 1.0, 5))
    got, want = jaxlike.compile(bundle)(*args), fast(bundle)(*args)
    flat_got, flat_want = jaxlike.pytree.flatten(got)[0], jaxlike.pytree.flatten(want)[0]
    assert len(flat_got) == len(flat_want) == 8
    for g, w in zip(flat_got, flat_want):
        np.testing.assert_allclose(g, w, rtol=1e-12)
    np.testing.assert_allclose(flat_got[0], padded(np.intersect1d(args[0], args[1]), 3, 3))
    np.testing.assert_allclose(flat_got[5], np.histogramdd(np.stack([args[2], args[3]], 1), bins=2,
                                                            weights=args[4])[0])
