"""Statistics of jaxlike.numpy, one table row per call: order statistics (median, quantile, percentile, every
quantile method on data with ties, q at 0 and 1), the nan-skipping reductions (NaN inputs, all-NaN slices),
cov/corrcoef, trapezoid, histogram (values on edges, empty bins), bincount, digitize, searchsorted and interp;
values on plain and traced arrays, derivatives to second order away from ties and kinks; then the errors, the
places where traced input departs from numpy on purpose, and a few functions through the Numba backend.
"""

import inspect
import warnings

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike.numpy import _statistics
from _surface import Row, check_row, traced, ids

# numpy's own warnings on the expected values (the traced versions give the same NaN silently)
pytestmark = pytest.mark.filterwarnings("ignore:All-NaN:RuntimeWarning", "ignore:Degrees of freedom:RuntimeWarning",
                                        "ignore:Mean of empty slice:RuntimeWarning")


def distinct(*shapes):
    """Args maker: values spread over [-2, 2] at least 0.03 apart, so finite differences never swap two."""
    def make(rng):
        out = []
        for s in shapes:
            n = int(np.prod(s))
            out.append((rng.permutation(np.linspace(-2, 2, n)) + rng.uniform(0, 0.01, n)).reshape(s))
        return tuple(out)
    return make


def with_nans(shape, all_nan_row=False):
    """Args maker: distinct values with a few NaNs (every row keeps two or more values unless all_nan_row)."""
    def make(rng):
        (x,) = distinct(shape)(rng)
        x[0, 1] = x[-1, 0] = x[-1, -1] = np.nan
        if all_nan_row:
            x[1] = np.nan
        return (x,)
    return make


def ties(rng):
    """Rows of 7 and 8 values with repeats, for the methods' choices between neighbours."""
    return (np.array([[1.0, 2, 2, 3, 5, 5, 5], [9.0, 0, 1, 1, 0, 4, 1]]),
            np.array([[4.0, 4, 1, 7, 2, 2, 8, 3], [0.0, 0, 0, 0, 1, 1, 1, 1]]))


def fixed(*arrays):
    return lambda rng: tuple(np.array(a) for a in arrays)


Q = [0.0, 0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 1.0]
A, A3 = (4, 5), (2, 3, 4)
EDGES = np.array([0.0, 0.5, 0.5, 1.0, 3.0])  # a repeated edge makes an empty bin
ON_EDGES = np.array([0.0, 0.25, 0.5, 0.5, 1.0, 2.0, 2.5, 3.0, -1.0, 3.5])
METHODS = ["inverted_cdf", "averaged_inverted_cdf", "closest_observation", "interpolated_inverted_cdf", "hazen",
           "weibull", "linear", "median_unbiased", "normal_unbiased", "lower", "higher", "midpoint", "nearest"]

ORDER_ROWS = [
    Row("median", lambda m, x: m.median(x), distinct(A)),
    Row("median axis=1 even count", lambda m, x: m.median(x, axis=1), distinct((3, 4))),
    Row("median axis tuple keepdims", lambda m, x: m.median(x, axis=(0, 2), keepdims=True), distinct(A3)),
    Row("median with NaN", lambda m, x: m.median(x, axis=0), with_nans(A), grad=False),
    Row("median of ints", lambda m, x: m.median(x, axis=1), fixed([[3, 1, 2, 2], [5, 5, 0, 7]]), grad=False),
    Row("median ties", lambda m, x, y: (m.median(x, axis=1), m.median(y, axis=-1)), ties, grad=False),
    Row("quantile q array axis=0", lambda m, x: m.quantile(x, np.array([0.13, 0.61, 0.87]), axis=0), distinct(A)),
    Row("quantile q=0 and q=1", lambda m, x: m.quantile(x, [0.0, 1.0], axis=1), distinct(A)),
    Row("quantile traced q", lambda m, x, q: m.quantile(x, q, axis=1), lambda r: distinct(A)(r) + (
        np.array([0.07, 0.33, 0.62, 0.91]),)),
    Row("quantile keepdims axis None", lambda m, x: m.quantile(x, 0.3, keepdims=True), distinct(A3)),
    Row("percentile midpoint", lambda m, x: m.percentile(x, [10, 50], axis=-1, method="midpoint"), distinct(A3)),
    Row("percentile weibull", lambda m, x: m.percentile(x, 37.0, axis=(0, 1), method="weibull"), distinct(A3)),
    Row("quantile lower picks an element", lambda m, x: m.quantile(x, 0.4, axis=1, method="lower"), distinct(A)),
    Row("percentile of ints", lambda m, x: m.percentile(x, [0, 30, 100], axis=0), fixed([[3, 1], [9, 2], [4, 4]]),
        grad=False),
    Row("quantile of ints, integral q", lambda m, x: m.quantile(x, 1, axis=0), fixed([[3, 1], [9, 2]]), grad=False),
    Row("quantile float32 weak q", lambda m, x: m.quantile(x.astype(np.float32), 0.3), distinct(A), grad=False,
        rtol=1e-6),
    Row("quantile float32 array q", lambda m, x: m.quantile(x.astype(np.float32), np.array([0.3])), distinct(A),
        grad=False, rtol=1e-6),
    Row("quantile NaN propagates", lambda m, x: m.quantile(x, [0.2, 0.8], axis=1), with_nans(A), grad=False),
    Row("quantile 2-D q", lambda m, x: m.quantile(x, np.array([[0.2, 0.5], [0.7, 0.9]]), axis=0), distinct(A)),
] + [
    Row(f"quantile method={k}", lambda m, x, y, k=k: (m.quantile(x, Q, axis=1, method=k),
                                                     m.quantile(y, Q, axis=-1, method=k)), ties, grad=False)
    for k in METHODS
] + [
    Row("nanquantile method=nearest ties", lambda m, x: m.nanquantile(x, Q, axis=1, method="nearest"),
        lambda r: (np.where(ties(r)[1] == 8, np.nan, ties(r)[1]),), grad=False),
    Row("nanmedian", lambda m, x: m.nanmedian(x, axis=1), with_nans(A)),
    Row("nanmedian axis None", lambda m, x: m.nanmedian(x), with_nans(A)),
    Row("nanmedian all-NaN row", lambda m, x: m.nanmedian(x, axis=1, keepdims=True), with_nans(A, True),
        grad=False),
    Row("nanquantile", lambda m, x: m.nanquantile(x, [0.2, 0.9], axis=1), with_nans(A)),
    Row("nanpercentile axis tuple", lambda m, x: m.nanpercentile(x, 40, axis=(0, 1), keepdims=True),
        lambda r: (np.where(r.random(A3) < 0.2, np.nan, distinct(A3)(r)[0]),)),
    Row("nanpercentile all-NaN row hazen", lambda m, x: m.nanpercentile(x, [5, 95], axis=1, method="hazen"),
        with_nans(A, True), grad=False),
    Row("nanmedian of ints", lambda m, x: m.nanmedian(x), fixed([[3, 1, 2, 2], [5, 5, 0, 7]]), grad=False),
    Row("median of empty slices", lambda m, x: (m.median(x, axis=0), m.nanmedian(x, axis=0),
                                                m.median(x.astype(np.int64), axis=0)), fixed(np.zeros((0, 3))),
        grad=False),
]

NAN_ROWS = [
    Row("nanmax", lambda m, x: m.nanmax(x, axis=1), with_nans(A)),
    Row("nanmin keepdims", lambda m, x: m.nanmin(x, axis=0, keepdims=True), with_nans(A)),
    Row("nanmax axis None", lambda m, x: m.nanmax(x), with_nans(A)),
    Row("nanmin all-NaN row", lambda m, x: m.nanmin(x, axis=1), with_nans(A, True), grad=False),
    Row("nanmax initial", lambda m, x: m.nanmax(x, axis=1, initial=0.5), with_nans(A, True), grad=False),
    Row("nanmin where initial", lambda m, x: m.nanmin(x, axis=1, where=np.arange(5) % 2 == 0, initial=9.0),
        with_nans(A)),
    Row("nanmax ints", lambda m, x: m.nanmax(x, axis=0), fixed([[3, 1], [9, 2]]), grad=False),
    Row("nanargmax", lambda m, x: m.nanargmax(x, axis=1), with_nans(A), grad=False),
    Row("nanargmin keepdims", lambda m, x: m.nanargmin(x, axis=0, keepdims=True), with_nans(A), grad=False),
    Row("nanargmin axis None", lambda m, x: m.nanargmin(x), with_nans(A), grad=False),
    Row("nanargmax NaN and -inf", lambda m, x: m.nanargmax(x), fixed([np.nan, -np.inf]), grad=False),
    Row("nanvar", lambda m, x: m.nanvar(x, axis=1), with_nans(A)),
    Row("nanvar ddof keepdims", lambda m, x: m.nanvar(x, axis=(0, 1), ddof=1, keepdims=True),
        lambda r: (np.where(r.random(A3) < 0.2, np.nan, distinct(A3)(r)[0]),)),
    Row("nanvar where", lambda m, x: m.nanvar(x, axis=1, where=np.arange(5) != 2), with_nans(A)),
    Row("nanvar correction", lambda m, x: m.nanvar(x, correction=1), with_nans(A)),
    Row("nanvar too few values", lambda m, x: m.nanvar(x, axis=1, ddof=3), with_nans(A, True), grad=False),
    Row("nanvar ints", lambda m, x: m.nanvar(x, axis=1), fixed([[3, 1, 2, 2], [5, 5, 0, 7]]), grad=False),
    Row("nanstd", lambda m, x: m.nanstd(x, axis=0, ddof=1), with_nans((5, 3))),
    Row("nanstd float32", lambda m, x: m.nanstd(x.astype(np.float32), axis=1), with_nans(A), grad=False,
        rtol=1e-6),
    Row("count_nonzero", lambda m, x: m.count_nonzero(m.round(x), axis=1), distinct(A), grad=False),
    Row("count_nonzero keepdims of bools", lambda m, x: m.count_nonzero(x > 0, axis=(0, 2), keepdims=True),
        distinct(A3), grad=False),
    Row("count_nonzero with NaN", lambda m, x: m.count_nonzero(m.floor(x)), with_nans(A), grad=False),
]

COV_ROWS = [
    Row("cov", lambda m, x: m.cov(x), distinct((3, 6))),
    Row("cov rowvar=False bias", lambda m, x: m.cov(x, rowvar=False, bias=True), distinct((6, 3))),
    Row("cov ddof", lambda m, x: m.cov(x, ddof=2), distinct((3, 6))),
    Row("cov y", lambda m, x, y: m.cov(x, y), distinct((2, 5), (5,))),
    Row("cov 1-D", lambda m, x: m.cov(x), distinct((6,))),
    Row("cov fweights aweights", lambda m, x, a: m.cov(x, fweights=np.array([1, 3, 1, 2, 1]), aweights=a),
        lambda r: distinct((2, 5))(r) + (r.uniform(0.5, 2.0, 5),)),
    Row("cov aweights ddof=0", lambda m, x, a: m.cov(x, aweights=a, ddof=0),
        lambda r: distinct((2, 5))(r) + (r.uniform(0.5, 2.0, 5),)),
    Row("cov ints", lambda m, x: m.cov(x), fixed([[1, 2, 4], [3, 1, 0]]), grad=False),
    Row("corrcoef", lambda m, x: m.corrcoef(x), distinct((3, 6))),
    Row("corrcoef y rowvar=False", lambda m, x, y: m.corrcoef(x, y, rowvar=False), distinct((6, 2), (6, 1))),
    Row("corrcoef one variable", lambda m, x: m.corrcoef(x), distinct((5,))),
    Row("trapezoid", lambda m, y: m.trapezoid(y), distinct(A)),
    Row("trapezoid dx axis=0", lambda m, y: m.trapezoid(y, dx=0.3, axis=0), distinct(A)),
    Row("trapezoid x 1-D", lambda m, y, x: m.trapezoid(y, x, axis=1), lambda r: distinct(A)(r) + (
        np.cumsum(r.uniform(0.2, 1.0, 5)),)),
    Row("trapezoid x like y", lambda m, y, x: m.trapezoid(y, x, axis=0), distinct(A, A)),
    Row("trapezoid ints", lambda m, y: m.trapezoid(y), fixed([1, 4, 2]), grad=False),
]

BIN_ROWS = [
    Row("histogram", lambda m, a: m.histogram(a), fixed(ON_EDGES), grad=False),
    Row("histogram range, values on edges", lambda m, a: m.histogram(a, 4, range=(0, 2)), fixed(ON_EDGES),
        grad=False),
    Row("histogram edges, empty bin", lambda m, a: m.histogram(a, EDGES), fixed(ON_EDGES), grad=False),
    Row("histogram traced edges", lambda m, a, e: m.histogram(a, e), fixed(ON_EDGES, EDGES), grad=False),
    Row("histogram density", lambda m, a: m.histogram(a, 3, density=True), fixed(ON_EDGES), grad=False),
    Row("histogram weights", lambda m, a, w: m.histogram(a, 3, range=(-1, 2), weights=w), fixed(
        ON_EDGES, np.arange(10.0)), grad=False),
    Row("histogram constant data", lambda m, a: m.histogram(a, 2), fixed([2.0, 2.0]), grad=False),
    Row("histogram ints float32", lambda m, a, b: (m.histogram(a, 3), m.histogram(b.astype(np.float32), 3)),
        fixed([1, 2, 2, 5, 7], [0.5, 1.5, 9.0]), grad=False),
    Row("histogram NaN outside range", lambda m, a: m.histogram(a, 3, range=(0, 2)), fixed([2.0, np.nan, 1.0]),
        grad=False),
    Row("histogram 2-D input", lambda m, a: m.histogram(a, 5), distinct(A3), grad=False),
    Row("histogram weights gradient", lambda m, a, w: m.histogram(a, 3, range=(0, 1), weights=w, density=True)[0],
        fixed([0.05, 0.21, 0.5, 0.62, 0.9, 0.97], [1.0, 2.0, 0.5, 1.5, 3.0, 0.25])),
    Row("histogram edges gradient", lambda m, a: m.histogram(a, 4)[1], distinct((7,))),
    Row("bincount length", lambda m, x: m.bincount(x, length=5), fixed([1, 1, 4, 0, 3, 3, 3]), grad=False,
        ref=lambda x: np.bincount(x, minlength=5)),
    Row("bincount length drops larger", lambda m, x: m.bincount(x, length=3), fixed([1, 1, 4, 0]), grad=False,
        ref=lambda x: np.bincount(x)[:3]),
    Row("bincount weights", lambda m, x, w: m.bincount(x, w, length=4), fixed([0, 2, 2, 1, 2], [1., 2, 3, 4, 5]),
        ref=lambda x, w: np.bincount(x, w, minlength=4)),
    Row("digitize", lambda m, x, b: m.digitize(x, b), fixed([0.0, 1, 1.5, 2, 5, np.nan], [1.0, 2, 3]), grad=False),
    Row("digitize right", lambda m, x, b: m.digitize(x, b, right=True), fixed([0.0, 1, 1.5, 2, 5], [1.0, 2, 3]),
        grad=False),
    Row("digitize decreasing", lambda m, x, b: (m.digitize(x, b), m.digitize(x, b, right=True)),
        fixed([[0.0, 1, 1.5], [2, 3, 5]], [3.0, 2, 1]), grad=False),
    Row("digitize constant bins", lambda m, x: (m.digitize(x, [3.0, 2, 1]), m.digitize(x, [1, 2])),
        fixed([0.0, 1, 1.5, 2, 5]), grad=False),
    Row("searchsorted", lambda m, a, v: (m.searchsorted(a, v), m.searchsorted(a, v, side="right")),
        fixed([1.0, 2, 2, 3, np.nan], [[0.0, 2, 2.5], [3, 4, np.nan]]), grad=False),
    Row("searchsorted sorter", lambda m, a, v: m.searchsorted(a, v, sorter=np.array([1, 2, 3, 0])),
        fixed([3.0, 1, 2, 2], [0.0, 2, 2.5, 3, 4]), grad=False),
    Row("searchsorted ints in floats", lambda m, a, v: m.searchsorted(a, v, "right"), fixed([1, 2, 2, 5],
                                                                                            [0.5, 2, 9]), grad=False),
    Row("interp", lambda m, x, xp, fp: m.interp(x, xp, fp),
        fixed([-1.0, 0.3, 1.2, 2.9, 4.0], [0.0, 1, 2, 3], [1.0, -1, 2, 0])),
    Row("interp left right 2-D x", lambda m, x, fp: m.interp(x, [0.0, 1, 2, 3], fp, left=-5.0, right=7.0),
        fixed([[-1.0, 0.3], [2.9, 4.0]], [1.0, -1, 2, 0])),
    Row("interp period", lambda m, x, fp: m.interp(x, [0.0, 1, 2, 3], fp, period=3.5),
        fixed([-1.2, 0.3, 1.2, 3.4, 4.1], [1.0, -1, 2, 0])),
    Row("interp on the points", lambda m, x: m.interp(x, [0.0, 1, 2], [1.0, np.inf, 2]), fixed(
        [0.0, 0.5, 1.0, 2.0, np.nan]), grad=False),
    Row("interp one point", lambda m, x: m.interp(x, [0.5], [3.0]), fixed([0.0, 0.5, 1.0]), grad=False),
    Row("interp complex fp float32 x", lambda m, x: m.interp(x.astype(np.float32), [0.0, 1], [1 + 1j, 2 - 1j]),
        fixed([-1.0, 0.25, 2.0]), grad=False),
]

ROWS = ORDER_ROWS + NAN_ROWS + COV_ROWS + BIN_ROWS


@pytest.mark.parametrize("row", ROWS, ids=ids(ROWS))
def test_row(row):
    check_row(row)


def test_every_public_name_is_exported_with_numpys_parameters():
    """Catches: a function missing from __all__ (so from jaxlike.numpy), or taking numpy's arguments in
    another order (so positional calls would mean something else)."""
    for name in _statistics.__all__:
        ours = inspect.signature(getattr(jnp, name)).parameters
        theirs = inspect.signature(getattr(np, name)).parameters
        assert [p for p in theirs if p not in ours] == [], name
        positional = [p for p, v in theirs.items() if v.kind in (v.POSITIONAL_ONLY, v.POSITIONAL_OR_KEYWORD)]
        assert list(ours)[:len(positional)] == positional, name
    assert jnp.median.__name__ == "median" and "numpy's ``median``" in jnp.median.__doc__


def test_median_gradient_is_split_between_the_middle_elements():
    np.testing.assert_allclose(jaxlike.grad(lambda v: jnp.median(v))(np.array([3.0, 1, 2, 5])), [0.5, 0, 0.5, 0])
    np.testing.assert_allclose(jaxlike.grad(lambda v: jnp.median(v))(np.array([3.0, 1, 2])), [0, 0, 1])


def test_all_nan_slices_have_zero_gradient():
    """Catches: a NaN (0 / 0, or a gathered NaN's tangent) leaking into the gradient of the other entries."""
    x = with_nans(A, True)(np.random.default_rng(0))[0]
    for f in (jnp.nanmedian, jnp.nanmax, jnp.nanvar, lambda v, axis: jnp.nanquantile(v, 0.3, axis=axis)):
        g = jaxlike.grad(lambda v: jnp.sum(jnp.nan_to_num(f(v, axis=1))))(x)
        assert np.all(np.isfinite(g)) and np.all(g[1] == 0), g


def test_traced_departures_from_numpy():
    """Where numpy needs the data's values, traced input follows JAX: -1 for an all-NaN nanargmax slice
    (numpy raises), NaN for an out-of-range traced q (numpy raises), negative bincount values dropped."""
    x = np.array([[1.0, np.nan], [np.nan, np.nan]])
    np.testing.assert_array_equal(traced(lambda v: jnp.nanargmax(v, axis=1))(x), [0, -1])
    with pytest.raises(ValueError, match="All-NaN slice"):
        np.nanargmax(x, axis=1)
    got = traced(lambda v, q: jnp.quantile(v, q))(np.arange(4.0), np.array([0.5, 1.5, -0.1]))
    np.testing.assert_allclose(got, [1.5, np.nan, np.nan])
    np.testing.assert_array_equal(traced(lambda v: jnp.bincount(v, length=3))(np.array([2, -1, 0, 2])), [1, 0, 2])
    # plain arrays with length= pad or cut numpy's answer to that length
    np.testing.assert_array_equal(jnp.bincount(np.array([1, 1, 4]), length=3), [0, 2, 0])
    np.testing.assert_array_equal(jnp.bincount(np.array([1, 1]), length=4), [0, 2, 0, 0])


def test_weighted_quantiles_match_numpys_inverted_cdf():
    """quantile/percentile with weights= (numpy's method="inverted_cdf") on traced arrays: along either axis or
    all of a, weights of a's shape or 1-d along the axis, scalar and vector q (0 and 1 included), keepdims,
    leading zero weights (q = 0 skips them, as numpy), integer values (taken as they are); the gradient goes
    to the element chosen; a slice with NaN or with weights summing to 0 gives NaN (numpy raises). Would
    catch: the CDF compared in float64 against a float q, zero weights counted, an off-by-one at q = 1."""
    rng = np.random.default_rng(11)
    a, w = rng.standard_normal((5, 7)), rng.uniform(0, 2, (5, 7))
    w[0, :3] = 0.0
    qs = np.array([0.0, 0.1, 0.25, 0.5, 0.9, 1.0])
    for kw, ww in [({"axis": 1}, w), ({"axis": 0}, w), ({"axis": None}, w), ({"axis": 1}, w[0] + 0.5),
                   ({"axis": 0}, w[:, 3]), ({"axis": -1, "keepdims": True}, w), ({"axis": None, "keepdims": True}, w)]:
        # NOTE: the reference interpreter (FAST_COMPILE) for the semantics; ``med`` below runs on numba
        f = jaxlike.compile(lambda a, ww, kw=kw: [jnp.quantile(a, q, method="inverted_cdf", weights=ww, **kw)
                                                  for q in (qs, 0.3)], mode="FAST_COMPILE")
        for got, q in zip(f(a, ww), (qs, 0.3)):
            want = np.quantile(a, q, method="inverted_cdf", weights=ww, **kw)
            assert got.shape == want.shape and np.array_equal(got, want), (kw, q)
    pct = jaxlike.compile(lambda a, ww: jnp.percentile(a, [10, 50], axis=1, method="inverted_cdf", weights=ww),
                          mode="FAST_COMPILE")
    assert np.array_equal(pct(a, w), np.percentile(a, [10, 50], axis=1, method="inverted_cdf", weights=w))
    ai, wi = rng.integers(0, 10, (4, 6)), rng.integers(0, 3, (4, 6)) + np.eye(4, 6, dtype=np.int64)
    med = jaxlike.compile(lambda a, ww: jnp.quantile(a, 0.5, axis=1, method="inverted_cdf", weights=ww))
    assert np.array_equal(med(ai, wi), np.quantile(ai, 0.5, axis=1, method="inverted_cdf", weights=wi))
    g = jaxlike.grad(lambda a: jnp.sum(jnp.quantile(a, 0.5, axis=1, method="inverted_cdf", weights=w)))(a)
    chosen = np.quantile(a, 0.5, axis=1, method="inverted_cdf", weights=w)
    assert np.array_equal(g, (a == chosen[:, None]).astype(float))
    a[1, 2], w[3] = np.nan, 0.0
    assert np.isnan(med(a, w)[[1, 3]]).all() and not np.isnan(med(a, w)[[0, 2, 4]]).any()
    # tuple axes, and nanquantile: NaNs weigh nothing, an all-NaN slice gives NaN
    b, v = rng.standard_normal((3, 4, 5)), rng.uniform(0, 1, (3, 4, 5))
    b[0, 1, 2], b[1, 2, :] = np.nan, np.nan
    for fn, npfn, kw in [(jnp.quantile, np.quantile, {"axis": (0, 2)}),
                         (jnp.nanquantile, np.nanquantile, {"axis": (0, 2), "keepdims": True}),
                         (jnp.nanquantile, np.nanquantile, {"axis": 2}), (jnp.nanpercentile, np.nanpercentile, {})]:
        q = qs * 100 if fn is jnp.nanpercentile else qs
        f = jaxlike.compile(lambda b, v, fn=fn, kw=kw, q=q: fn(b, q, method="inverted_cdf", weights=v, **kw),
                            mode="FAST_COMPILE")
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            want = npfn(b, q, method="inverted_cdf", weights=v, **kw)
        got = f(b, v)
        assert got.shape == want.shape and np.array_equal(got, want, equal_nan=True), (fn.__name__, kw)


def test_quantiles_keep_symbolic_sizes():
    """median/quantile/nanquantile need no concrete size: one compiled function serves every length."""
    f = traced(lambda v: (jnp.median(v, axis=1), jnp.percentile(v, [30, 70], axis=0), jnp.nanquantile(v, 0.4)))
    for n in (3, 4, 7):
        x = np.linspace(-1.0, 2.0, 2 * n).reshape(2, n) ** 2
        x[0, 1] = np.nan
        want = (np.median(x, axis=1), np.percentile(x, [30, 70], axis=0), np.nanquantile(x, 0.4))
        for g, w in zip(f(x), want):
            np.testing.assert_allclose(g, w, rtol=1e-12)
    assert len(f._cache) == 1


def _raises(exc, match, fn, *args):
    with pytest.raises(exc, match=match):
        traced(fn)(*args)


X = np.arange(6.0).reshape(2, 3)


@pytest.mark.parametrize("exc,match,fn,args", [
    (ValueError, "'middle' is not a valid method", lambda v: jnp.quantile(v, 0.5, method="middle"), (X,)),
    (ValueError, r"Quantiles must be in the range \[0, 1\]", lambda v: jnp.quantile(v, [0.5, 1.2]), (X,)),
    (ValueError, r"Percentiles must be in the range \[0, 100\]", lambda v: jnp.nanpercentile(v, 150), (X,)),
    (ValueError, "q must be a scalar or 1d", lambda v: jnp.quantile(v, np.full((1, 1, 1), 0.5)), (X,)),
    (TypeError, "real numbers", lambda v: jnp.median(v * 1j), (X,)),
    (ValueError, "only method 'inverted_cdf' supports weights", lambda v: jnp.quantile(v, 0.5, weights=v), (X,)),
    (ValueError, "weights must have a's shape", lambda v: jnp.quantile(v, 0.5, axis=None, weights=v[0],
                                                                          method="inverted_cdf"), (X,)),
    (TypeError, "out= is not supported", lambda v: jnp.nanmax(v, out=v), (X,)),
    (ValueError, "needs initial=", lambda v: jnp.nanmax(v, where=v > 1), (X,)),
    (ValueError, "ddof and correction", lambda v: jnp.nanvar(v, ddof=1, correction=1), (X,)),
    (ValueError, "more than 2 dimensions", lambda v: jnp.cov(v[None]), (X,)),
    (ValueError, "ddof must be integer", lambda v: jnp.cov(v, ddof=1.5), (X,)),
    (ValueError, "fweights cannot be negative", lambda v: jnp.cov(v, fweights=np.array([1, -1, 1])), (X,)),
    (TypeError, "fweights must be integer", lambda v: jnp.cov(v, fweights=np.array([1, 1.5, 1])), (X,)),
    (RuntimeError, "incompatible numbers of samples and aweights", lambda v: jnp.cov(v, aweights=np.ones(2)),
     (X,)),
    (ValueError, "`bins` must be positive", lambda v: jnp.histogram(v, bins=0), (X,)),
    (TypeError, "`bins` must be an integer", lambda v: jnp.histogram(v, bins=2.5), (X,)),
    (ValueError, "picks the number of bins from the data", lambda v: jnp.histogram(v, bins="auto"), (X,)),
    (ValueError, "must increase monotonically", lambda v: jnp.histogram(v, bins=[0, 2, 1]), (X,)),
    (ValueError, "`bins` must be 1d", lambda v: jnp.histogram(v, bins=v), (X,)),
    (ValueError, "max must be larger than min", lambda v: jnp.histogram(v, range=(2, 1)), (X,)),
    (ValueError, "not finite", lambda v: jnp.histogram(v, range=(0, np.inf)), (X,)),
    (ValueError, "weights should have the same shape", lambda v: jnp.histogram(v, weights=v[0]), (X,)),
    (ValueError, "pass length=", lambda v: jnp.bincount(v), (np.array([1, 2]),)),
    (ValueError, "'minlength' must not be negative", lambda v: jnp.bincount(v, minlength=-1, length=2),
     (np.array([1, 2]),)),
    (TypeError, "x must be non-negative integers", lambda v: jnp.bincount(v, length=2), (np.array([1.0]),)),
    (ValueError, "x must be 1-D", lambda v: jnp.bincount(v, length=2), (np.array([[1]]),)),
    (ValueError, "weights and list don't have the same length",
     lambda v: jnp.bincount(v, np.ones(3), length=3), (np.array([1, 2]),)),
    (ValueError, "monotonically increasing or decreasing", lambda v: jnp.digitize(v, [1.0, 3, 2]), (X,)),
    (TypeError, "may not be complex", lambda v: jnp.digitize(v * 1j, v[0]), (X,)),
    (ValueError, "side must be 'left' or 'right'", lambda v: jnp.searchsorted(v[0], v, side="middle"), (X,)),
    (ValueError, "a must be 1-D", lambda v: jnp.searchsorted(v, 1.0), (X,)),
    (ValueError, "fp and xp are not of the same length", lambda v: jnp.interp(v, [0.0, 1], [1.0]), (X,)),
    (ValueError, "array of sample points is empty", lambda v: jnp.interp(v, [], []), (X,)),
    (ValueError, "period must be a non-zero value", lambda v: jnp.interp(v, [0.0, 1], [1.0, 2], period=0), (X,)),
    (ValueError, "xp and fp must be 1-D", lambda v: jnp.interp(v[0], v, v), (X,)),
], ids=lambda p: p if isinstance(p, str) else "")
def test_bad_input_is_named(exc, match, fn, args):
    _raises(exc, match, fn, *args)


def test_numba_backend():
    """Two real Numba compiles: the forward values of several functions at once, and a gradient through
    median, percentile and interp, against numpy and the reference interpreter."""
    rng = np.random.default_rng(3)
    x, xq = distinct((3, 5))(rng)[0], np.array([-2.5, -0.3, 0.4, 1.7, 3.0])
    x[0, 2] = np.nan
    xp = np.array([-2.0, 0.0, 1.0, 2.0])

    def forward(v, at):
        return (jnp.nanmedian(v, axis=1), jnp.percentile(v[1:], [10, 50, 90], axis=0), jnp.interp(at, xp, v[1, :4]),
                jnp.histogram(v[1:], bins=4, range=(-2, 2)), jnp.digitize(at, xp), jnp.nanvar(v, axis=1))
    got, want = jaxlike.compile(forward)(x, xq), forward(x, xq)
    for g, w in zip(jaxlike.pytree.flatten(got)[0], jaxlike.pytree.flatten(want)[0]):
        assert np.asarray(g).dtype == np.asarray(w).dtype
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-14)

    def loss(v):
        return (jnp.sum(jnp.median(v, axis=0) ** 2) + jnp.sum(jnp.percentile(v, 35, axis=1))
                + jnp.sum(jnp.interp(xq, xp, v[0, :4]) ** 2))
    y = x[1:]
    np.testing.assert_allclose(jaxlike.compile(jaxlike.grad(loss))(y), jaxlike.grad(loss)(y), rtol=1e-12)
