"""Wrong answers found by differential testing of ``jaxlike.numpy`` against numpy and ``jax.numpy`` (and two
JAX keywords that were refused), one test per fix. Expected values come from numpy or are derived by hand (no
JAX needed). Traced cases run on the reference backend (``mode="FAST_COMPILE"``, no Numba compile); two
cases also go through Numba, with two input sizes for one compile where the sizes matter.
"""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike import lax


def _traced(f, *args):
    return jaxlike.compile(f, mode="FAST_COMPILE")(*args)


def _same(got, want):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape and got.dtype == want.dtype, (got, want)
    np.testing.assert_array_equal(got, want)


def test_complex_from_non_finite_imaginary_part_keeps_the_real_part():
    """Catches: re + im * 1j as a complex product, whose real part im * 0 is NaN when im is inf or NaN, so
    lax.complex(1, inf) gave nan+infj (and traced complex rounding of such values)."""
    re = np.array([1.0, np.inf, -np.inf, np.nan, 2.0, 3.0, 1.5])
    im = np.array([np.inf, 1.0, np.nan, 2.0, -np.inf, np.nan, -0.5])
    want = np.array([complex(a, b) for a, b in zip(re, im)])
    got = _traced(lambda a, b: (lax.complex(a, b), lax.complex(a.astype(np.float32), b.astype(np.float32)),
                                jnp.round(lax.complex(a, b))), re, im)
    _same(got[0], want)
    _same(got[1], want.astype(np.complex64))
    _same(got[2], np.round(want))


def test_complex_log2_log10_at_zero_and_infinity():
    """Catches: log(z) / ln(10) as a complex division, giving -inf+nanj for log10(0j) (numpy: -inf+0j)."""
    z = np.array([0j, -1 + 0j, 1j, np.inf + 0j, complex(-0.0, -0.0), 2 + 3j, complex(-np.inf, 1.0)])
    with np.errstate(all="ignore"):
        got = _traced(lambda v: (jnp.log10(v), jnp.log2(v)), z)
        want = (np.log10(z), np.log2(z))
    for g, w in zip(got, want):
        assert g.dtype == w.dtype
        np.testing.assert_allclose(g.real, w.real, rtol=1e-15)
        np.testing.assert_allclose(g.imag, w.imag, rtol=1e-15)


def test_cov_rowvar_false_transposes_a_single_row():
    """Catches: traced cov/corrcoef keeping numpy 1's rule (a (1, k) m not transposed under rowvar=False), so
    one observation of k variables gave a 0-d 0.5 instead of numpy 2's (and JAX's) k x k NaN matrix."""
    x, v = np.array([[1.0, 2.0]]), np.array([1.0, 4.0])
    z = np.arange(6.0).reshape(3, 2) ** 2
    cases = [lambda m, a: m.cov(a, rowvar=False), lambda m, a: m.corrcoef(a, rowvar=False),
             lambda m, a: m.cov(v, a, rowvar=False), lambda m, a: m.cov(z, z[:, :1], rowvar=False),
             lambda m, a: m.cov(v, rowvar=False)]
    with np.errstate(all="ignore"):
        for f in cases:
            want = f(np, x)
            got = _traced(lambda a: f(jnp, a), x)
            assert np.shape(got) == np.shape(want)
            np.testing.assert_allclose(got, want, equal_nan=True)


def test_traced_linspace_with_integer_dtype_rounds_down():
    """Catches: traced endpoints with an integer dtype truncated toward 0 (2, 0, -2, ...) where numpy 2 and JAX
    floor (2, -1, -3, ...); plain endpoints already went through numpy."""
    f = lambda a, b: (jnp.linspace(a, b, 5, dtype=int), jnp.linspace(a, b, 4, endpoint=False, dtype=np.int8))
    for a, b in [(np.array(2), np.array(-7)), (np.array([0.0, 1.0]), np.array([2.0, -1.0]))]:
        got = _traced(f, a, b)
        _same(got[0], np.linspace(a, b, 5, dtype=int))
        _same(got[1], np.linspace(a, b, 4, endpoint=False, dtype=np.int8))
    _same(got[0][:, 1], [1, 0, 0, -1, -1])


def test_pad_linear_ramp_is_numpys_to_the_bit():
    """Catches: the ramp as a weighted mean edge * w + end * (1 - w), an ulp off numpy's linspace at times,
    which the floor of integer arrays made a whole unit (pad(int, 7, 'linear_ramp', end_values=(5, -2)) had
    1 where numpy has 2); float32 ramps off by an ulp (numpy works in float64 for one or two end values);
    complex ramps refused (floor of a complex value)."""
    a = np.arange(12).reshape(3, 4) - 5
    cases = [(a, 7, (5, -2)), (a, ((2, 5), (6, 1)), 0), (a.astype(np.uint8) + 6, 3, 0),
             (np.linspace(-7, 9, 12).reshape(3, 4), 3, 0),
             (np.linspace(-7, 9, 12, dtype=np.float32).reshape(3, 4), 7, (5, -2)),
             (np.linspace(-7, 9, 12, dtype=np.float32).reshape(3, 4), 3, ((1.5, 2), (3, 4))),
             (np.array([1 + 2j, 3 - 1j]), 2, 1j)]
    for x, w, ev in cases:
        want = np.pad(x, w, mode="linear_ramp", end_values=ev)
        _same(_traced(lambda v: jnp.pad(v, w, mode="linear_ramp", end_values=ev), x), want)
    got = jaxlike.compile(lambda v: jnp.pad(v, 7, mode="linear_ramp", end_values=(5, -2)))
    for x in (a, np.arange(20).reshape(4, 5) * 3 - 20):    # one Numba compile, two sizes
        _same(got(x), np.pad(x, 7, mode="linear_ramp", end_values=(5, -2)))


def test_take_along_axis_refuses_indices_below_minus_n():
    """Catches: traced take_along_axis adding n to every negative index, so -n-1 became -1, which take_along
    reads as the last entry (-11 on a size-10 axis gave x[9], and put_along_axis wrote there); numpy raises."""
    v, m = np.arange(10.0), np.arange(12.0).reshape(3, 4)
    bad = [(lambda a, i: jnp.take_along_axis(a, i, axis=0), v, np.array([-11, 0])),
           (lambda a, i: jnp.take_along_axis(a, i, axis=0), v, np.array([-20, 0])),
           (lambda a, i: jnp.take_along_axis(a, i, axis=1), m, np.array([[-5], [0], [1]])),
           (lambda a, i: jnp.put_along_axis(a, i, 5.0, axis=0, inplace=False), v, np.array([-11]))]
    for f, a, i in bad:
        with pytest.raises(IndexError, match="out of bounds"):
            _traced(f, a, i)
    _same(_traced(lambda a, i: jnp.take_along_axis(a, i, axis=1), m, np.array([[-4], [0], [-1]])),
          np.take_along_axis(m, np.array([[-4], [0], [-1]]), axis=1))
    with pytest.raises(IndexError, match="-11 is out of bounds"):     # what Numba runs checks it too
        jaxlike.compile(lambda a, i: jnp.take_along_axis(a, i, axis=0))(v, np.array([-11, 0]))


def test_round_float16_and_complex_with_decimals():
    """Catches: float16 scaled by a float16 10**decimals (inf from decimals=5: every value inf or NaN; JAX
    scales in float32), and complex values scaled by complex products, which mixed the parts (a real part
    that overflowed when scaled made the imaginary part NaN)."""
    x = np.array([0.5, 1.5, 123.4, -7.25, 6e4, 2.5], np.float16)
    with np.errstate(all="ignore"):
        for d in (1, 3, 5, 20):
            want = np.round(x.astype(np.float32), d).astype(np.float16)
            _same(_traced(lambda a: jnp.round(a, d), x), want)
        _same(_traced(lambda a: jnp.round(a, 5), x), x)
    z = np.array([1e30 + 1j, 2.5 + 1e30j, 1.25 - 3.5j, 0.125 + 0.135j], np.complex64)
    for d in (20, 2):
        got = _traced(lambda a: jnp.round(a, d), z)
        with np.errstate(all="ignore"):
            np.testing.assert_allclose(got.real, np.round(z.real, d), rtol=1e-6)
            np.testing.assert_allclose(got.imag, np.round(z.imag, d), rtol=1e-6)
    _same(_traced(lambda a: jnp.round(a, 20), z)[0], np.complex64(complex(np.inf, 1.0)))   # numpy and JAX too


def test_at_power_with_a_repeated_index_raises_once_per_write():
    """Catches: .at[idx].power(w) applying one exponent per position, so x.at[[1, 1]].power([2, 3]) gave x**2
    or x**3 (JAX: x ** (2 * 3), the exponents' product)."""
    v, w = np.arange(6.0) + 1, np.array([2.0, 3.0, 0.5, 2.0])
    f = lambda b, e: (b.at[np.array([1, 1, 2, -4])].power(e), b.astype(np.int64).at[np.array([1, 1])].power(2),
                      b.at[np.array([0, 3])].power(e[:2]))
    want = (np.array([1.0, 64.0, 3.0, 4.0, 5.0, 6.0]), np.array([1, 16, 3, 4, 5, 6]),
            np.array([1.0, 2.0, 3.0, 64.0, 5.0, 6.0]))
    for got, exp in zip(_traced(f, v, w), want):
        _same(got, exp)
    g = jaxlike.grad(lambda e: jnp.sum(jnp.asarray(v).at[np.array([1, 1])].power(e)))(np.array([2.0, 3.0]))
    np.testing.assert_allclose(g, np.log(2.0) * 64 * np.array([3.0, 2.0]))   # d/de of 2 ** (e0 * e1)


def test_integer_and_array_indices_separated_by_a_slice_put_the_array_axes_first():
    """Catches: x[0, :, [1, 3]] on a (2, 3, 4, 5) array traced giving shape (3, 2, 5) (numpy and JAX: (2, 3, 5):
    the integer is an advanced index too, and advanced indices split by a slice, Ellipsis or None put their
    broadcast axes first); .at[] writes follow the same read."""
    x, I = np.arange(120.0).reshape(2, 3, 4, 5), np.array
    keys = [(0, slice(None), I([1, 3])), (1, Ellipsis, I([0, -1, 2])), (0, None, I([1, 2])),
            (-1, slice(None), -2, I([0, 1])), (I([[1], [0]]), slice(None), 2),
            (slice(None), 1, slice(None), I([2, 3])), (None, 0, I([1, 2])), (slice(None), 0, I([1, 2]))]
    got = _traced(lambda a: tuple(a[k] for k in keys), x)
    for k, g in zip(keys, got):
        _same(g, x[k])
    v = np.arange(30.0).reshape(2, 3, 5)
    want = x.copy()
    want[0, :, [1, 3]] = v
    _same(_traced(lambda a, b: a.at[0, :, I([1, 3])].set(b), x, v), want)
    g = jaxlike.grad(lambda a: jnp.sum(a[0, :, I([1, 3])] * v))(x)
    want = np.zeros_like(x)
    want[0, :, [1, 3]] = v
    _same(g, want)


def test_sort_and_argsort_descending():
    """Catches: JAX's ``descending=True`` refused (TypeError). JAX's rule, checked by hand: largest first, NaN
    first (the reverse of the ascending order), and equal values keep their original order in argsort."""
    a = np.array([3.0, np.nan, 1.0, 3.0, 2.0])
    m = np.array([[2, 1, 2], [0, 0, 5]])
    f = lambda v, w: (jnp.sort(v, descending=True), jnp.argsort(v, descending=True),
                      jnp.argsort(w, axis=None, descending=True), jnp.argsort(w, axis=0, descending=True),
                      jnp.sort(w, axis=None, descending=True))
    want = ([np.nan, 3.0, 3.0, 2.0, 1.0], [1, 0, 3, 4, 2], [5, 0, 2, 1, 3, 4], [[0, 0, 1], [1, 1, 0]],
            [5, 2, 2, 1, 0, 0])
    for got in (f(a, m), _traced(f, a, m)):
        for g, w in zip(got, want):
            np.testing.assert_array_equal(g, w)


def test_searchsorted_accepts_jaxs_method():
    """Catches: JAX's ``method=`` (a speed choice: every method gives the same indices) refused with TypeError;
    an unknown method is a ValueError naming it."""
    a, v = np.array([1.0, 2.0, 2.0, 3.0]), np.array([2.0, 0.0, 9.0])
    for method in ("scan", "scan_unrolled", "sort", "compare_all"):
        _same(_traced(lambda x, y: jnp.searchsorted(x, y, side="right", method=method), a, v),
              np.searchsorted(a, v, side="right"))
    with pytest.raises(ValueError, match="method='bogus'"):
        jnp.searchsorted(a, v, method="bogus")


def test_signbit_sees_the_sign_of_a_nan_and_of_zero_when_traced():
    """Catches: traced signbit built from comparisons, False for -nan (numpy and JAX: True), and copysign
    taking +1 for a negative NaN sign."""
    x = np.array([-0.0, 0.0, np.copysign(np.nan, -1.0), np.nan, -np.inf, 2.5, -1e-300])
    for dt in (np.float64, np.float32):
        v = x.astype(dt)
        got = jaxlike.compile(lambda a: (jnp.signbit(a), jnp.copysign(jnp.ones_like(a), a)))(v)
        np.testing.assert_array_equal(got[0], np.signbit(v))
        np.testing.assert_array_equal(got[1], np.copysign(1, v))
