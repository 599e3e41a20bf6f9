"""Reductions and scans of jaxlike.numpy, one table row per call: numpy's keywords (axis as int, negative or
tuple, keepdims, ddof, dtype), values on plain and traced arrays, derivatives to second order, and the cases
where the textbook gradient breaks (products with zeros, extremes with ties).
"""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from _surface import Row, check_row, uniform, ids

A = (3, 4)
A3 = (2, 3, 4)


def _with_zeros(rng):
    x = rng.uniform(0.5, 1.5, (3, 4)) * rng.choice([-1.0, 1.0], (3, 4))
    x[0, 1] = 0.0
    x[2, 0] = x[2, 3] = 0.0
    return (x,)


ROWS = [
    Row("sum", lambda m, x: m.sum(x), uniform(-2, 2, A)),
    Row("sum axis=-1 keepdims", lambda m, x: m.sum(x, axis=-1, keepdims=True), uniform(-2, 2, A3)),
    Row("sum axis tuple", lambda m, x: m.sum(x, axis=(0, 2)), uniform(-2, 2, A3)),
    Row("prod", lambda m, x: m.prod(x, axis=1), uniform(0.5, 1.5, A)),
    Row("prod keepdims", lambda m, x: m.prod(x, axis=0, keepdims=True), uniform(-1.5, 1.5, A)),
    Row("mean", lambda m, x: m.mean(x, axis=(0, 1)), uniform(-2, 2, A3)),
    Row("mean keepdims", lambda m, x: m.mean(x, axis=-2, keepdims=True), uniform(-2, 2, A3)),
    Row("var", lambda m, x: m.var(x), uniform(-2, 2, A)),
    Row("var ddof=1 axis=0", lambda m, x: m.var(x, axis=0, ddof=1), uniform(-2, 2, A)),
    Row("std", lambda m, x: m.std(x, axis=1), uniform(-2, 2, A)),
    Row("std ddof keepdims", lambda m, x: m.std(x, axis=-1, ddof=1, keepdims=True), uniform(-2, 2, A3)),
    Row("max", lambda m, x: m.max(x, axis=1), uniform(-2, 2, A)),
    Row("min keepdims", lambda m, x: m.min(x, axis=0, keepdims=True), uniform(-2, 2, A)),
    Row("amax", lambda m, x: m.amax(x), uniform(-2, 2, A)),
    Row("amin", lambda m, x: m.amin(x, axis=(0, 2)), uniform(-2, 2, A3)),
    Row("max initial", lambda m, x: m.max(x, axis=1, initial=0.5), uniform(-2, 2, A)),
    Row("min initial all axes", lambda m, x: m.min(x, initial=-0.5), uniform(-2, 2, A3)),
    Row("max initial no axes", lambda m, x: m.max(x, axis=(), initial=0.5), uniform(-2, 2, A)),
    Row("max initial empty axis", lambda m, x: m.max(x, axis=0, initial=-1.0), uniform(-2, 2, (0, 4))),
    Row("min where initial", lambda m, x: m.min(x, axis=0, where=x > -1.0, initial=3.0), uniform(-2, 2, A3)),
    Row("sum where initial", lambda m, x: m.sum(x, axis=1, where=x > 0, initial=1.5), uniform(-2, 2, A)),
    Row("prod where", lambda m, x: m.prod(x, axis=0, where=np.arange(4) % 2 == 0), uniform(0.5, 1.5, A)),
    Row("sum int initial", lambda m, x: m.sum((x > 0).astype(np.int32), initial=2), uniform(-2, 2, A),
        grad=False),
    Row("mean where", lambda m, x: m.mean(x, axis=1, where=x > -1.5), uniform(-2, 2, A)),
    Row("mean where keepdims", lambda m, x: m.mean(x, axis=(0, 2), where=np.arange(4) < 3, keepdims=True),
        uniform(-2, 2, A3)),
    Row("var where ddof", lambda m, x: m.var(x, axis=0, where=x < 1.0, ddof=1), uniform(-2, 2, (6, 3))),
    Row("std where", lambda m, x: m.std(x, where=x > -1.8), uniform(-2, 2, A)),
    Row("var mean given", lambda m, x: m.var(x, axis=1, mean=m.mean(x, axis=1, keepdims=True)), uniform(-2, 2, A)),
    Row("std correction", lambda m, x: m.std(x, axis=0, correction=1), uniform(-2, 2, A)),
    Row("all where", lambda m, x: m.all(x > -1.0, axis=1, where=x > 0.5), uniform(-2, 2, A), grad=False),
    Row("any where", lambda m, x: m.any(x > 1.0, axis=0, where=x < 1.5), uniform(-2, 2, A), grad=False),
    Row("all", lambda m, x: m.all(x > -1.5, axis=1), uniform(-2, 2, A), grad=False),
    Row("any keepdims", lambda m, x: m.any(x > 1.5, axis=0, keepdims=True), uniform(-2, 2, A), grad=False),
    Row("cumsum", lambda m, x: m.cumsum(x), uniform(-2, 2, A)),
    Row("cumsum axis=-1", lambda m, x: m.cumsum(x, axis=-1), uniform(-2, 2, A3)),
    Row("cumsum dtype", lambda m, x: m.cumsum(x, axis=0, dtype=np.float32), uniform(-2, 2, A), grad=False,
        rtol=1e-6),
    Row("cumprod", lambda m, x: m.cumprod(x, axis=1), uniform(0.5, 1.5, A)),
    Row("cumprod flat", lambda m, x: m.cumprod(x), uniform(-1.2, 1.2, (5,))),
    Row("cumprod with zeros", lambda m, x: m.cumprod(x, axis=1), _with_zeros),
    Row("cumprod with zeros axis 0", lambda m, x: m.cumprod(x, axis=0), _with_zeros),
    Row("cumulative_sum", lambda m, x: m.cumulative_sum(x, axis=1, include_initial=True), uniform(-2, 2, A)),
    Row("cumulative_prod", lambda m, x: m.cumulative_prod(x, axis=0), uniform(0.5, 1.5, A)),
    Row("nancumsum", lambda m, x: m.nancumsum(x, axis=1), lambda r: (np.where(r.random(A) < 0.2, np.nan,
                                                                                r.uniform(-2, 2, A)),)),
    Row("nancumprod", lambda m, x: m.nancumprod(x), lambda r: (np.where(r.random(A) < 0.2, np.nan,
                                                                          r.uniform(0.5, 1.5, A)),)),
    Row("nansum", lambda m, x: m.nansum(x, axis=0), lambda r: (np.where(r.random(A) < 0.2, np.nan,
                                                                         r.uniform(-2, 2, A)),)),
    Row("nanmean", lambda m, x: m.nanmean(x, axis=1), lambda r: (np.where(r.random(A) < 0.2, np.nan,
                                                                           r.uniform(-2, 2, A)),)),
    Row("diff", lambda m, x: m.diff(x), uniform(-2, 2, A)),
    Row("diff n=2 axis=0", lambda m, x: m.diff(x, n=2, axis=0), uniform(-2, 2, (5, 3))),
    Row("diff prepend append", lambda m, x: m.diff(x, axis=1, prepend=0.5, append=x[:, :1]), uniform(-2, 2, A)),
    Row("diff bool", lambda m, x: m.diff(x > 0), uniform(-2, 2, A), grad=False),
    Row("ediff1d", lambda m, x: m.ediff1d(x, to_begin=[1.0, 2.0], to_end=3.0), uniform(-2, 2, A)),
    Row("trace", lambda m, x: m.trace(x), uniform(-2, 2, A)),
    Row("trace offset axes", lambda m, x: m.trace(x, offset=-1, axis1=2, axis2=0), uniform(-2, 2, (4, 3, 3))),
    Row("ptp", lambda m, x: m.ptp(x, axis=1), uniform(-2, 2, A)),
    Row("average weights", lambda m, x, w: m.average(x, axis=1, weights=w), uniform(0.5, 2, A, (4,))),
    Row("average returned", lambda m, x, w: m.average(x, weights=w, returned=True), uniform(0.5, 2, A, A)),
]


@pytest.mark.parametrize("row", ROWS, ids=ids(ROWS))
def test_row(row):
    check_row(row)


def test_cumprod_gradient_is_exact_at_zeros():
    """Catches: the division-based cumprod gradient (reverse_cumsum(g * y) / x), NaN wherever x has a zero."""
    x = np.array([2.0, 0.0, 3.0, 0.0, 5.0])
    g = jaxlike.grad(lambda v: jnp.sum(jnp.cumprod(v)))(x)
    # d/dx_i sum_k prod_{j<=k} x_j, by hand: only prefixes through index 1 are non-zero.
    np.testing.assert_allclose(g, [1.0, 2.0 + 2 * 3.0, 0.0, 0.0, 0.0])
    h = jaxlike.hessian(lambda v: jnp.sum(jnp.cumprod(v)))(x)
    assert np.all(np.isfinite(h))
    np.testing.assert_allclose(h[1, 2], 2.0)  # d2/dx1 dx2 of x0 x1 x2 = x0


def test_prod_gradient_with_one_zero():
    x = np.array([[2.0, 0.0, 3.0]])
    np.testing.assert_allclose(jaxlike.grad(lambda v: jnp.prod(v))(x), [[0.0, 6.0, 0.0]])


def test_max_gradient_is_shared_between_ties():
    """Catches: a max gradient that picks one of several equal maxima (JAX shares it equally)."""
    x = np.array([1.0, 3.0, 3.0, 2.0])
    np.testing.assert_allclose(jaxlike.grad(lambda v: jnp.max(v))(x), [0, 0.5, 0.5, 0])


def test_ddof_and_correction_together_are_refused():
    with pytest.raises(ValueError, match="ddof and correction"):
        jaxlike.grad(lambda v: jnp.std(v, ddof=1, correction=1))(np.ones(3))


def test_max_min_where_needs_initial():
    """numpy: a max/min has no identity, so a mask without initial= has nothing for an all-masked slice."""
    with pytest.raises(ValueError, match="needs initial="):
        jaxlike.grad(lambda v: jnp.max(v, where=v > 0))(np.ones(3))
    with pytest.raises(TypeError, match="initial= must be a concrete"):
        jaxlike.grad(lambda v: jnp.min(v, initial=v[0]))(np.ones(3))


def test_max_initial_compiles_for_every_size_including_empty():
    """max with initial= on the numba backend: one compiled function for every length, an empty one
    included (the initial value, where a plain max raises), and its gradient (none to initial's slab)."""
    f = jaxlike.compile(jaxlike.value_and_grad(lambda v: jnp.sum(jnp.max(v * v, axis=0, initial=0.25))))
    for n in (0, 2, 5):  # NOTE: not 1, as a size-1 dim is a broadcast and its own entry
        x = np.linspace(-1.0, 0.7, 2 * n).reshape(n, 2)  # no ties among the squares
        val, g = f(x)
        np.testing.assert_allclose(val, np.sum(np.max(x * x, axis=0, initial=0.25)))
        want = np.zeros_like(x)
        if n:
            top = np.argmax(x * x, axis=0)
            for j, i in enumerate(top):
                if x[i, j] ** 2 > 0.25:
                    want[i, j] = 2 * x[i, j]
        np.testing.assert_allclose(g, want)
    assert len(f._cache) == 1


def test_scans_reject_bad_axes():
    x = jnp.asarray(np.ones((2, 3)))
    with pytest.raises(np.exceptions.AxisError):
        jaxlike.grad(lambda v: jnp.sum(jnp.cumsum(v, axis=2)))(np.ones((2, 3)))
    with pytest.raises(ValueError, match="axis must be given"):
        jaxlike.grad(lambda v: jnp.sum(jnp.cumulative_sum(v)))(np.ones((2, 3)))
    with pytest.raises(ValueError, match="non-negative"):
        jaxlike.grad(lambda v: jnp.sum(jnp.diff(v, n=-1)))(np.ones(3))
    assert x.shape == (2, 3)


def test_scans_keep_symbolic_sizes():
    """cumsum/cumprod/diff need no concrete size: one compiled function serves every length."""
    f = jaxlike.compile(lambda v: jnp.sum(jnp.cumprod(v) + jnp.cumsum(v)) + jnp.sum(jnp.diff(v)),
                        mode="FAST_COMPILE")
    for n in (3, 5, 8):
        x = np.linspace(0.5, 1.5, n)
        np.testing.assert_allclose(f(x), np.sum(np.cumprod(x) + np.cumsum(x)) + np.sum(np.diff(x)))
    assert len(f._cache) == 1
    g = jaxlike.compile(jaxlike.grad(lambda v: jnp.sum(jnp.cumprod(v))), mode="FAST_COMPILE")
    for n in (3, 6):
        x = np.linspace(0.5, 1.5, n)
        np.testing.assert_allclose(g(x), jaxlike.grad(lambda v: jnp.sum(jnp.cumprod(v)))(x))
    assert len(g._cache) == 1


@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_scan_gradients_keep_the_dtype(dtype):
    x = np.array([0.5, 1.5, 2.0], dtype=dtype)
    for f in (jnp.cumsum, jnp.cumprod, jnp.diff, lambda v: jnp.nancumsum(v)):
        g = jaxlike.grad(lambda v: jnp.sum(f(v)))(x)
        assert g.dtype == np.dtype(dtype)
