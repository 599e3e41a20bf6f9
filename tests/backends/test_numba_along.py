"""The along-axis helpers (numba_cpu/along.py) and their lowerings: argmax/argmin, cumsum/cumprod, argsort
(radix and insertion), take_along/put_along_add, against numpy on values that stress them (ties, NaNs,
signed zeros, infinities, every integer width), along leading and trailing axes, and compiled without a
``numba.objmode`` fallback.

Each compiled function serves many shapes and dtypes (sizes are symbolic), so the module compiles a few."""

import warnings

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp

pytest.importorskip("jaxlike.backends.numba_cpu")

_DTYPES = [np.float64, np.float32, np.int64, np.int32, np.int8, np.uint64, np.uint8, np.bool_]


def _values(rng, shape, dt):
    """Values with many ties; floats also with NaNs (of both signs), -0.0 and infinities."""
    if dt == np.bool_:
        return rng.random(shape) < 0.5
    if np.issubdtype(dt, np.floating):
        x = (rng.integers(-4, 4, shape) + rng.standard_normal(shape) * (rng.random(shape) < 0.3)).astype(dt)
        for frac, val in ((0.1, np.nan), (0.05, -np.nan), (0.1, -0.0), (0.04, np.inf), (0.04, -np.inf)):
            x[rng.random(shape) < frac] = val
        return x
    info = np.iinfo(dt)
    if rng.random() < 0.5:
        return rng.integers(max(info.min, -3), 4, shape).astype(dt)
    return rng.integers(info.min, info.max, shape, endpoint=True, dtype=dt)


@pytest.fixture(scope="module")
def along_fns():
    with warnings.catch_warnings():
        warnings.simplefilter("error")      # NOTE: an objmode fallback warns
        fns = {
            "argmax": jaxlike.compile(lambda x: (jnp.argmax(x, axis=0), jnp.argmax(x, axis=1), jnp.argmax(x))),
            "argmin": jaxlike.compile(lambda x: (jnp.argmin(x, axis=0), jnp.argmin(x, axis=1), jnp.argmin(x))),
            "scan": jaxlike.compile(lambda x: (jnp.cumsum(x, axis=0), jnp.cumsum(x, axis=1), jnp.cumprod(x, axis=0),
                                               jnp.cumprod(x, axis=1))),
            "sort": jaxlike.compile(lambda x: (jnp.argsort(x, axis=0), jnp.argsort(x, axis=1), jnp.sort(x, axis=1))),
        }
    return fns


def _want(kind, x):
    if kind in ("argmax", "argmin"):
        f = getattr(np, kind)
        return f(x, axis=0), f(x, axis=1), f(x)
    if kind == "scan":
        return np.cumsum(x, 0), np.cumsum(x, 1), np.cumprod(x, 0), np.cumprod(x, 1)
    return np.argsort(x, 0, kind="stable"), np.argsort(x, 1, kind="stable"), np.sort(x, 1)


@pytest.mark.parametrize("kind", ["argmax", "argmin", "scan", "sort"])
def test_along_axis_ops_equal_numpy_on_ties_nans_and_every_dtype(along_fns, kind):
    """Catches: argmax/argmin not returning the first extreme or the first NaN (the vector lanes and the
    column-wise form), a scan not in numpy's order or dtype (results must be equal, not close), argsort
    not stable, not putting NaNs last or telling -0.0 from 0.0, wrong keys for unsigned or narrow integers,
    and the radix path (rows over 48) against the insertion one."""
    rng = np.random.default_rng(21)
    f = along_fns[kind]
    for trial in range(24):
        dt = _DTYPES[trial % len(_DTYPES)]
        shape = [(3, 5), (1, 7), (7, 1), (70, 3), (2, 130), (60, 60)][trial % 6]
        x = _values(rng, shape, dt)
        if kind == "scan" and dt == np.bool_:
            continue
        with np.errstate(all="ignore"):
            want = _want(kind, x)
            got = f(x)
        for g, w in zip(got, want):
            assert g.dtype == w.dtype and np.array_equal(g, w, equal_nan=np.issubdtype(w.dtype, np.inexact)), \
                (kind, dt, shape, x, g, w)


def test_along_axis_ops_compile_without_objmode(along_fns):
    """Catches: a primitive of these families falling back to numba.objmode (a warning, the GIL, a Python
    call per use) because its lowering went missing."""
    x = np.ones((3, 4))
    for f in along_fns.values():
        assert "objmode" not in f.source(x)
    g = jaxlike.compile(lambda x, i: (jnp.take_along_axis(x, i, axis=1),
                                      jaxlike.grad(lambda y: jnp.sum(jnp.take_along_axis(y, i, axis=1) ** 2))(x)))
    assert "objmode" not in g.source(x, np.zeros((3, 2), np.int64))


def test_sorted_values_without_the_permutation():
    """``jnp.sort`` whose permutation nothing else reads sorts the values (``along.sort3``: arrays of
    NUMPY_SORT_MIN elements or more through numpy's sort, smaller ones through numba's). Catches: NaNs not last, a row
    of one path sorted by the other's rules, a dtype or axis mixed up, and the gradient of a sort losing the
    permutation it needs."""
    from jaxlike.backends.numba_cpu.along import NUMPY_SORT_MIN
    rng = np.random.default_rng(4)
    f = jaxlike.compile(lambda x: (jnp.sort(x, axis=0), jnp.sort(x, axis=1)))
    long_row = NUMPY_SORT_MIN + 3
    for trial, dt in enumerate([np.float64, np.float32, np.int64, np.int8, np.uint8, np.bool_]):
        for shape in [(3, long_row), (long_row, 2), (5, 40)]:
            x = _values(rng, shape, dt)
            for g, w in zip(f(x), (np.sort(x, 0), np.sort(x, 1))):
                assert g.dtype == w.dtype and np.array_equal(g, w, equal_nan=np.issubdtype(dt, np.inexact)), \
                    (dt, shape)
    src = f.source(x)
    assert src.count("_al.sort3(") == 2 and "argsort3" not in src
    w = rng.standard_normal(long_row)
    g = jaxlike.compile(jaxlike.grad(lambda x: jnp.sum(jnp.sort(x) * w)))
    x = rng.standard_normal(long_row)
    want = np.empty(long_row)
    want[np.argsort(x, kind="stable")] = w
    np.testing.assert_allclose(g(x), want, rtol=1e-15)
    assert "argsort3" in g.source(x)


def test_searchsorted_is_a_binary_search_equal_to_numpy():
    """Catches: NaN not sorted last (a NaN needle goes before the haystack's NaNs on the left side, after them
    on the right), ties on the wrong side, rank-0 and 2-D needles, integer and bool dtypes, an empty haystack;
    and the search done by sorting haystack and needles together (O((n + k) log(n + k)): 78 ms for 10^4
    needles in 10^6 values, 1.1-1.7 ms searched)."""
    rng = np.random.default_rng(8)
    fns = {side: jaxlike.compile(lambda a, v, side=side: jnp.searchsorted(a, v, side=side))
           for side in ("left", "right")}
    for dt in (np.float64, np.float32, np.int64, np.uint8, np.bool_):
        for n, shape in [(40, (3, 7)), (1, (5,)), (0, (4,)), (300, ())]:
            a = np.sort(_values(rng, (n,), dt))
            v = _values(rng, shape, dt) if shape else np.asarray(_values(rng, (1,), dt)[0])
            for side, f in fns.items():
                got = f(a, v)
                assert np.array_equal(got, np.searchsorted(a, v, side=side)), (dt, n, shape, side, a, v, got)
    src = fns["left"].source(np.zeros(3), np.zeros((2, 2)))
    assert "_al.searchsorted(" in src and "argsort" not in src and "objmode" not in src


def test_take_along_and_its_transpose_match_numpy_with_repeats_negatives_and_bad_indices():
    """Catches: take_along reading the wrong row or not wrapping negative indices (along either axis),
    put_along_add (its gradient) not accumulating repeated indices, and an out-of-range index or
    mismatched index shape read instead of raised."""
    rng = np.random.default_rng(22)
    f = jaxlike.compile(lambda x, i, j: (jnp.take_along_axis(x, i, axis=0), jnp.take_along_axis(x, j, axis=1),
                                         jaxlike.grad(lambda y: jnp.sum(jnp.take_along_axis(y, i, axis=0) * 3))(x)))
    for shape in [(4, 3), (1, 5), (6, 6)]:
        x = rng.standard_normal(shape)
        i = rng.integers(-shape[0], shape[0], (shape[0] + 2, shape[1]))
        j = rng.integers(-shape[1], shape[1], (shape[0], shape[1] + 2))
        a, b, g = f(x, i, j)
        np.testing.assert_array_equal(a, np.take_along_axis(x, i, axis=0))
        np.testing.assert_array_equal(b, np.take_along_axis(x, j, axis=1))
        want = np.zeros_like(x)
        np.add.at(want, (i % shape[0], np.arange(shape[1])[None, :]), 3.0)
        np.testing.assert_array_equal(g, want)
    ok = np.zeros((3, 4), np.int64)
    with pytest.raises(IndexError, match="out of bounds"):
        f(np.ones((3, 3)), np.full((2, 3), 3), ok[:, :3])
    with pytest.raises(ValueError, match="has size 4"):
        f(np.ones((3, 3)), np.zeros((2, 4), np.int64), ok[:, :3])


def test_cumsum_gradient_and_linear_recurrence_match_the_reference():
    """Catches: the reverse scans (cumsum's and cumprod's gradients, the linear recurrence) running from the
    wrong end or starting from the wrong element, including zeros in cumprod's input."""
    rng = np.random.default_rng(23)
    x = rng.standard_normal((5, 4))
    x[1, 2] = 0.0
    fn = lambda y: jnp.sum(jnp.cumsum(y, axis=0) * jnp.cumprod(y, axis=1) ** 2)   # noqa: E731
    got = jaxlike.compile(jaxlike.grad(fn))(x)
    want = jaxlike.grad(fn)(x)     # NOTE: the eager path runs the numpy rules
    np.testing.assert_allclose(got, want, rtol=1e-12)
    eps = 1e-6
    fd = np.zeros_like(x)
    for k in np.ndindex(x.shape):
        d = np.zeros_like(x)
        d[k] = eps
        fd[k] = (float(fn(x + d)) - float(fn(x - d))) / (2 * eps)
    np.testing.assert_allclose(got, fd, rtol=1e-5, atol=1e-6)


def test_gather_of_single_elements_rows_and_columns():
    """Catches: the single-element gather (x[idx] of a vector, a matrix's columns) reading the wrong row or
    not wrapping negative indices, next to the row gather; and out-of-range indices read instead of
    raised."""
    rng = np.random.default_rng(24)
    f = jaxlike.compile(lambda v, m, i, j: (v[i], m[i % 5], m[:, j]))
    v, m = rng.standard_normal(9), rng.standard_normal((5, 7))
    i, j = rng.integers(-9, 9, 40), rng.integers(-7, 7, 11)
    a, b, c = f(v, m, i, j)
    np.testing.assert_array_equal(a, v[i])
    np.testing.assert_array_equal(b, m[i % 5])
    np.testing.assert_array_equal(c, m[:, j])
    with pytest.raises(IndexError, match="out of bounds"):
        f(v, m, np.array([9]), j)
    with pytest.raises(IndexError, match="out of bounds"):
        f(v, m, i, np.array([-8]))
