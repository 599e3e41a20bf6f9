"""numpy calls that once gave another dtype or value than numpy, or raised where numpy works: explicit
``dtype=`` on scans, einsum's integer and boolean result dtypes, argmax/argmin ``keepdims``, numpy's ufunc
keywords (``dtype=``, ``casting=``; a clear refusal of ``where=``), float16 means, linspace's result dtype,
the ``shape=`` of the *_like functions and the ``dtype=`` of the joining functions, ``pad`` (traced, complex
and large-integer constants, dict widths, odd reflections, ``stat_length``, mode median), cov's ``dtype=``,
``average`` with weights over an axis tuple, the ``where=`` of the nan-reductions, scalar boolean indices
(``x[True]``), and the functions and methods that were missing (``gradient``, ``put_along_axis``, ``.take``,
``.mT``).

Each case runs on plain arrays and traced for the reference backend (no Numba compile); one bundle of the
traced cases also runs through the default backend.
"""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike.test_util import check_grads

RNG = np.random.default_rng(11)
X = RNG.uniform(-2, 2, (3, 4))
X3 = RNG.uniform(-2, 2, (2, 3, 5))
XN = np.where(X > 1.2, np.nan, X)
I8 = np.array([100, 100, 100, -7], np.int8)
U8 = np.array([200, 100, 255, 3], np.uint8)
I32 = (np.arange(12, dtype=np.int32).reshape(3, 4) - 5) * 20
CO = np.array([0.0, 1.0, 1.5, 3.5, 4.0])


def _put(a, i, v, axis):
    a = np.array(a, copy=True)
    np.put_along_axis(a, i, v, axis)
    return a


# (id, fn(m, *args), args): fn(np, ...) gives the expected result; ``ref`` columns replace it where numpy's
# spelling differs (put_along_axis writes in place there).
CASES = [
    ("cumsum int8 dtype=int8", lambda m, a: m.cumsum(a, dtype=np.int8), (I8,)),
    ("cumsum int8 dtype=int16", lambda m, a: m.cumsum(a, dtype=np.int16), (I8,)),
    ("cumprod uint8 dtype=uint8", lambda m, a: m.cumprod(a, dtype=np.uint8), (U8,)),
    ("cumsum bool dtype=bool", lambda m, a: m.cumsum(a > 0, axis=1, dtype=bool), (X,)),
    ("cumulative_sum dtype include_initial", lambda m, a: m.cumulative_sum(a, axis=0, dtype=np.int8,
                                                                           include_initial=True), (I32,)),
    ("nancumsum dtype", lambda m, a: m.nancumsum(a, dtype=np.int8), (I32,)),
    ("einsum int32 reduce", lambda m, a: m.einsum("ij->j", a), (I32,)),
    ("einsum bool reduce", lambda m, a: m.einsum("ij->", a > 0), (X,)),
    ("einsum int8 matmul", lambda m, a: m.einsum("ij,kj->ik", a, a), (I32.astype(np.int8),)),
    ("einsum int trace", lambda m, a: m.einsum("ii", a), (I32[:, :3],)),
    ("argmax keepdims", lambda m, a: m.argmax(a, axis=-1, keepdims=True), (X3,)),
    ("argmin keepdims flat", lambda m, a: m.argmin(a, keepdims=True), (X3,)),
    ("argmax bool keepdims", lambda m, a: m.argmax(a > 0, axis=0, keepdims=True), (X,)),
    ("add dtype=float32", lambda m, a: m.add(a, a, dtype=np.float32), (I32,)),
    ("sqrt dtype=float32", lambda m, a: m.sqrt(a, dtype=np.float32), (np.abs(X),)),
    ("multiply int8 dtype wraps", lambda m, a: m.multiply(a, 3, dtype=np.int8), (I8,)),
    ("negative dtype=int8", lambda m, a: m.negative(a, dtype=np.int8), (I32,)),
    ("less dtype=bool", lambda m, a: m.less(a, 0.5, dtype=bool), (I32,)),
    ("hypot dtype=float32", lambda m, a: m.hypot(a, 2, dtype=np.float32), (I32,)),
    ("add casting=unsafe", lambda m, a: m.add(a, a, dtype=np.int64, casting="unsafe"), (X,)),
    ("left_shift dtype=int16", lambda m, a: m.left_shift(a, 1, dtype=np.int16), (I8,)),
    ("square bool", lambda m, a: m.square(a > 0), (X,)),
    ("mean float16", lambda m, a: m.mean(a.astype(np.float16), axis=1), (RNG.uniform(-2, 2, (3, 400)),)),
    ("linspace float32", lambda m: m.linspace(np.float32(0), np.float32(1), 7), ()),
    ("linspace complex", lambda m: m.linspace(0, 1j, 3), ()),
    ("zeros_like shape", lambda m, a: m.zeros_like(a, shape=(2, 5)), (X,)),
    ("full_like shape dtype", lambda m, a: m.full_like(a, 2.7, shape=4, dtype=np.int8), (X,)),
    ("ones_like shape=()", lambda m, a: m.ones_like(a, shape=()), (I32,)),
    ("concatenate dtype", lambda m, a, b: m.concatenate([a, b], dtype=np.float32), (X, I32)),
    ("concatenate axis=None dtype", lambda m, a, b: m.concatenate([a, b], axis=None, dtype=complex), (X, I32)),
    ("stack dtype negative axis", lambda m, a, b: m.stack([a, b], axis=-1, dtype=np.float32), (X, I32)),
    ("hstack dtype", lambda m, a, b: m.hstack([a, b], dtype=np.float32), (X, I32)),
    ("pad complex constant", lambda m, a: m.pad(a, 1, constant_values=1j), (X + 0j,)),
    ("pad int64 constant past 2**53", lambda m, a: m.pad(a, (1, 2), constant_values=2 ** 60 + 1),
     (I32.astype(np.int64),)),
    ("pad traced constant", lambda m, a, c: m.pad(a, ((1, 0), (2, 1)), constant_values=c), (X, np.array([1.5, -2.5]))),
    ("pad reflect odd wider than the axis", lambda m, a: m.pad(a, ((2, 5), (9, 1)), mode="reflect", reflect_type="odd"),
     (X,)),
    ("pad symmetric odd int8", lambda m, a: m.pad(a, (6, 3), mode="symmetric", reflect_type="odd"), (I8,)),
    ("pad mean stat_length per side", lambda m, a: m.pad(a, ((1, 3), (0, 2)), mode="mean",
                                                         stat_length=((1, 3), (2, 10))), (X,)),
    ("pad maximum stat_length int", lambda m, a: m.pad(a, 2, mode="maximum", stat_length=2), (I32,)),
    ("pad median", lambda m, a: m.pad(a, (2, 1), mode="median", stat_length=3), (I32,)),
    ("pad dict widths", lambda m, a: m.pad(a, {-1: 1, 0: (0, 2)}, mode="edge"), (X,)),
    ("cov dtype float32", lambda m, a: m.cov(a, dtype=np.float32), (X,)),
    ("average weights axis tuple", lambda m, a, w: m.average(a, axis=(2, 0), weights=w),
     (X3, np.abs(X3[0, :2, :].T) + 0.5)),
    ("nanmean where", lambda m, a: m.nanmean(a, axis=1, where=X < 1.5), (XN,)),
    ("nansum where initial", lambda m, a: m.nansum(a, axis=0, where=X < 1.5, initial=2.0), (XN,)),
    ("nanprod where", lambda m, a: m.nanprod(a, where=X > -1.0), (XN,)),
    ("gradient", lambda m, a: m.gradient(a), (X,)),
    ("gradient coords edge_order=2", lambda m, a: m.gradient(a, CO, edge_order=2), (X3[0, 0],)),
    ("gradient axis tuple mixed spacing", lambda m, a: m.gradient(a, 0.5, CO, axis=(0, -1)), (X3,)),
    ("gradient int8 to float64", lambda m, a: m.gradient(a, 2.0), (I8,)),
    ("gradient float32 with 0-d spacing", lambda m, a: m.gradient(a.astype(np.float32), np.array(0.5)), (X,)),
    ("put_along_axis", lambda m, a: (m.put_along_axis(a, np.array([[0], [2], [1]]), 9.0, axis=1, inplace=False)
                                     if m is jnp else _put(a, np.array([[0], [2], [1]]), 9.0, 1)), (X,)),
    ("put_along_axis axis=None int", lambda m, a: (m.put_along_axis(a, np.array([0, 11, -1]), 7, axis=None,
                                                                    inplace=False)
                                                   if m is jnp else _put(a, np.array([0, 11, -1]), 7, None)), (I32,)),
]


def _assert_same(got, want, what):
    if isinstance(want, (tuple, list)):
        assert isinstance(got, (tuple, list)) and len(got) == len(want), f"{what}: {got!r} vs {want!r}"
        for g, w in zip(got, want):
            _assert_same(g, w, what)
        return
    g, w = np.asarray(got), np.asarray(want)
    assert g.shape == w.shape, f"{what}: shape {g.shape}, numpy {w.shape}"
    assert g.dtype == w.dtype, f"{what}: dtype {g.dtype}, numpy {w.dtype}"
    if w.dtype.kind in "fc":
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-12, equal_nan=True, err_msg=what)
    else:
        np.testing.assert_array_equal(g, w, err_msg=what)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_matches_numpy_eager_and_traced(case):
    name, fn, args = case
    with np.errstate(all="ignore"):
        want = fn(np, *args)
        _assert_same(fn(jnp, *args), want, f"{name} on plain arrays")
        _assert_same(jaxlike.compile(lambda *a: fn(jnp, *a), mode="FAST_COMPILE")(*args), want, f"{name} traced")


def _bundle(x, i8, i32, xn):
    return (jnp.cumsum(i8, dtype=np.int8), jnp.einsum("ij->j", i32), jnp.argmax(x, axis=1, keepdims=True),
            jnp.add(i32, i32, dtype=np.float32), jnp.gradient(x, 0.5, axis=0), jnp.cov(x, dtype=np.float32),
            jnp.nanmean(xn, axis=0, where=x < 1.5), jnp.pad(x, 1, constant_values=x[0, 0]),
            jnp.put_along_axis(x, np.array([[1], [0], [3]]), -1.0, axis=1, inplace=False))


def _bundle_np(x, i8, i32, xn):
    return (np.cumsum(i8, dtype=np.int8), np.einsum("ij->j", i32), np.argmax(x, axis=1, keepdims=True),
            np.add(i32, i32, dtype=np.float32), np.gradient(x, 0.5, axis=0), np.cov(x, dtype=np.float32),
            np.nanmean(xn, axis=0, where=x < 1.5), np.pad(x, 1, constant_values=x[0, 0]),
            _put(x, np.array([[1], [0], [3]]), -1.0, 1))


def test_default_backend_bundle():
    """The same fixes through ``jaxlike.compile``'s default backend (one compile for all of them)."""
    args = (X, I8, I32, XN)
    _assert_same(jaxlike.compile(_bundle)(*args), _bundle_np(*args), "default backend")


def test_ufunc_where_is_refused_clearly():
    """numpy leaves the masked-out entries uninitialized without out=; the message names the explicit form."""
    with pytest.raises(TypeError, match=r"where= is not supported.*jnp\.where"):
        jnp.add(X, X, where=X > 0)
    with pytest.raises(TypeError, match="out= is not supported"):
        jaxlike.compile(lambda a: jnp.exp(a, out=a), mode="FAST_COMPILE")(X)


def test_ufunc_dtype_refusals_are_numpys():
    """Casts numpy refuses under its casting rule are refused the same way, traced or not."""
    for f in (lambda a: jnp.add(a, a, dtype=np.int64), lambda a: jnp.sqrt(a, dtype=np.int64)):
        with pytest.raises(TypeError):
            f(X)
        with pytest.raises(TypeError):
            jaxlike.compile(f, mode="FAST_COMPILE")(X)
    with pytest.raises(TypeError, match="cannot cast"):
        jaxlike.compile(lambda a: jnp.concatenate([a, a], dtype=np.int32), mode="FAST_COMPILE")(X)


def test_put_along_axis_in_place_is_refused():
    with pytest.raises(ValueError, match="inplace=False"):
        jnp.put_along_axis(X, np.array([[0], [1], [2]]), 1.0, axis=1)


def test_gradient_of_gradient_and_pad_and_put():
    """Derivatives through the new paths: samples and coordinates of gradient, a traced pad constant, the
    values written by put_along_axis, and the weights of average over an axis tuple."""
    check_grads(lambda f, c: jnp.gradient(f, c, edge_order=2), (X3[0, 0], CO), order=2)
    check_grads(lambda a, c: jnp.pad(a, ((1, 0), (2, 1)), constant_values=c), (X, np.array(0.5)), order=1)
    check_grads(lambda a: jnp.pad(a, ((2, 5), (6, 1)), mode="reflect", reflect_type="odd"), (X,), order=1)
    check_grads(lambda a, v: jnp.put_along_axis(a, np.array([[0, 3], [2, 1], [1, 0]]), v, axis=1, inplace=False),
                (X, RNG.normal(size=(3, 2))), order=1)
    check_grads(lambda a, w: jnp.average(a, axis=(0, 2), weights=w), (X3, RNG.uniform(0.5, 1.5, (2, 5))), order=1)


@pytest.mark.parametrize("key", [True, False, (1, False), (slice(None), True, 2), (..., np.False_, 0),
                                 (None, np.True_, 0, None)], ids=repr)
def test_scalar_boolean_index_adds_an_axis(key):
    """Catches: Python's True read as the int 1 under tracing (``x[True]`` gave row 1 instead of x[None])."""
    x = X3
    got = jaxlike.compile(lambda a: a[key], mode="FAST_COMPILE")(x)
    _assert_same(got, x[key], f"x[{key!r}]")


def test_scalar_boolean_index_numpy_merges_is_refused():
    with pytest.raises(IndexError, match="scalar boolean"):
        jaxlike.compile(lambda a: a[0, ..., True], mode="FAST_COMPILE")(X3)


def test_traced_take_and_mT_methods():
    got = jaxlike.compile(lambda a: (a.take([0, -1], axis=1), a.mT), mode="FAST_COMPILE")(X3)
    _assert_same(got, (X3.take([0, -1], axis=1), X3.mT), "methods")


@pytest.mark.parametrize("axis", [(0, 2), None])
def test_average_weights_of_as_rank_but_another_shape_are_refused_when_traced(axis):
    a, w = np.arange(24.0).reshape(2, 3, 4), np.arange(1.0, 9.0).reshape(2, 1, 4)
    with pytest.raises(ValueError if axis else TypeError) as numpy_error:
        np.average(a, axis=axis, weights=w)
    f = jaxlike.compile(lambda a, w: jnp.average(a, axis=axis, weights=w), mode="FAST_COMPILE")
    with pytest.raises(type(numpy_error.value), match="(?i)shape"):
        f(a, w)


def test_a_jnp_array_indexed_by_a_traced_counter_or_argument():
    from jaxlike import lax
    b = jnp.arange(5.0)
    assert float(lax.fori_loop(0, 5, lambda i, c: c + b[i], 0.0)) == 10.0
    window = jaxlike.compile(lambda i: b[i:i + 2].sum() + b[i], mode="FAST_COMPILE")
    assert float(window(1)) == 1.0 + 2.0 + 1.0
    assert float(jaxlike.grad(lambda x: b[2] * x)(1.0)) == 2.0
    assert type(b[1:3]) is type(b) and list(b[[0, 2]]) == [0.0, 2.0]


def test_einsum_under_compile_with_a_constant_operand_and_a_slice_of_one_row():
    """Catches: einsum_path's proxies giving a symbolic label 16 beside a constant's known 3 ("Size of label
    'j' ... does not match"), and a slice of at most one row taken as equal to the other operand's rows (a
    ShapeError from the contraction's mul when it ran)."""
    x = np.arange(9.0).reshape(3, 3) / 7
    w = np.arange(1.0, 10.0).reshape(3, 3)
    got = jaxlike.compile(lambda x: (jnp.einsum("ij,jk,ki", x, w, x), jnp.einsum("...i,...i->...", x[:1], x)))(x)
    assert np.isclose(got[0], np.einsum("ij,jk,ki", x, w, x), rtol=1e-14)
    np.testing.assert_allclose(got[1], np.einsum("...i,...i->...", x[:1], x), rtol=1e-14)
