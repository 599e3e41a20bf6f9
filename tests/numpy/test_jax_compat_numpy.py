"""jax.numpy behaviour that numpy does not have, or has differently: eigh / eigvalsh symmetrizing their input
(JAX's default), take's mode='fill', unique's size= / fill_value= for traced values, and the names
copy, isin, in1d and the integer and bool dtypes. Expected values come from numpy and from hand values.

What it catches: an eigh gradient that reads one triangle (lower-triangular) where JAX's is symmetric, a
fill that leaks a clamped element or its gradient, an out-of-range default that no longer raises, a unique
whose padding, first-occurrence index, inverse or counts drift from numpy's on the part they share.
"""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike.test_util import check_grads

FC = "FAST_COMPILE"
_R = np.random.default_rng(3)


def _fc(f):
    return jaxlike.compile(f, mode=FC)


# -- eigh / eigvalsh -----------------------------------------------------------------------------------------
S = np.array([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]])
A = S + np.triu(_R.uniform(-1, 1, (3, 3)), 1)             # not symmetric


def test_eigh_gradient_is_symmetric():
    """For f = sum(w**3) at a symmetric S, df/dS = V diag(3 w^2) V^T (symmetric); numpy's triangle rule gave
    a lower-triangular gradient with doubled off-diagonal entries."""
    w, v = np.linalg.eigh(S)
    want = (v * 3 * w ** 2) @ v.T
    for fn in (lambda a: jnp.sum(jnp.linalg.eigh(a)[0] ** 3), lambda a: jnp.sum(jnp.linalg.eigvalsh(a) ** 3)):
        np.testing.assert_allclose(jaxlike.grad(fn)(S), want, rtol=1e-12)
        np.testing.assert_allclose(_fc(jaxlike.grad(fn))(S), want, rtol=1e-12)


def test_eigh_values_of_a_nonsymmetric_input():
    """Default: the eigen-decomposition of (a + a^T) / 2, eager and traced alike; symmetrize_input=False:
    numpy's, from the UPLO triangle."""
    sym = (A + A.T) / 2
    want = np.linalg.eigvalsh(sym)
    np.testing.assert_allclose(jnp.linalg.eigh(A).eigenvalues, want, rtol=1e-12)
    np.testing.assert_allclose(_fc(lambda a: jnp.linalg.eigh(a)[0])(A), want, rtol=1e-12)
    np.testing.assert_allclose(_fc(jnp.linalg.eigvalsh)(A), want, rtol=1e-12)
    np.testing.assert_allclose(jnp.linalg.eigvalsh(A), want, rtol=1e-12)
    for uplo in ("L", "U"):
        want = np.linalg.eigvalsh(A, UPLO=uplo)
        np.testing.assert_allclose(jnp.linalg.eigh(A, UPLO=uplo, symmetrize_input=False)[0], want, rtol=1e-12)
        got = _fc(lambda a: jnp.linalg.eigh(a, UPLO=uplo, symmetrize_input=False)[0])(A)
        np.testing.assert_allclose(got, want, rtol=1e-12)
        got = _fc(lambda a: jnp.linalg.eigvalsh(a, uplo, symmetrize_input=False))(A)
        np.testing.assert_allclose(got, want, rtol=1e-12)


def test_eigh_gradients_against_finite_differences():
    """Eager and traced now read the same matrix, so finite differences on a nonsymmetric input agree."""
    check_grads(lambda a: jnp.linalg.eigvalsh(a), (A,), order=2, modes=("rev",))
    check_grads(lambda a: jnp.linalg.eigh(a)[1] ** 2, (A,), order=1)
    check_grads(lambda a: jnp.linalg.eigh(a, UPLO="U", symmetrize_input=False)[0], (A,), order=1)


# -- take(mode='fill' / 'clip') ------------------------------------------------------------------------------
M = np.arange(6.0).reshape(2, 3)
IDX = np.array([[7, -1], [0, -4]])                        # 7 and -4 are out of range for 3


def test_take_fill_values():
    want = np.array([[[-1.0, 2.0], [0.0, -1.0]], [[-1.0, 5.0], [3.0, -1.0]]])
    np.testing.assert_array_equal(jnp.take(M, IDX, axis=1, mode="fill", fill_value=-1), want)
    for f in (lambda a, i: jnp.take(a, i, axis=1, mode="fill", fill_value=-1),
              lambda a, i: jnp.take(M, i, axis=1, mode="fill", fill_value=-1),
              lambda a, i: jnp.take(a, IDX, axis=1, mode="fill", fill_value=-1)):
        np.testing.assert_array_equal(_fc(f)(M, IDX), want)
    flat = _fc(lambda a, i: jnp.take(a, i, mode="fill"))(M, IDX)          # axis=None: the flattened array
    np.testing.assert_array_equal(flat, [[np.nan, 5.0], [0.0, 2.0]])


@pytest.mark.parametrize("dtype,fill", [(np.float32, np.nan), (np.int32, np.iinfo(np.int32).min),
                                        (np.uint8, 255), (np.bool_, True)])
def test_take_fill_defaults_are_jaxs(dtype, fill):
    """NaN for inexact dtypes, the most negative signed / largest unsigned integer, True for bool."""
    a = np.array([0, 1, 0]).astype(dtype)
    for got in (jnp.take(a, np.array([5, 1]), mode="fill"), _fc(lambda x: jnp.take(x, np.array([5, 1]),
                                                                                    mode="fill"))(a)):
        got = np.asarray(got)
        assert got.dtype == dtype
        np.testing.assert_array_equal(got, np.array([fill, a[1]]).astype(dtype))


def test_take_fill_gradient_reaches_only_what_was_read():
    check_grads(lambda a: jnp.take(a, IDX, axis=1, mode="fill", fill_value=0.5), (M,), order=2)
    g = jaxlike.grad(lambda a: jnp.sum(jnp.take(a, IDX, axis=1, mode="fill")))(M)  # NaN fill, no NaN gradient
    np.testing.assert_array_equal(g, [[1.0, 0.0, 1.0], [1.0, 0.0, 1.0]])


def test_take_clip_and_the_default_raise():
    idx = np.array([7, -1, -4])
    np.testing.assert_array_equal(_fc(lambda a, i: jnp.take(a, i, axis=1, mode="clip"))(M, idx),
                                  np.take(M, idx, axis=1, mode="clip"))
    with pytest.raises(IndexError):
        _fc(lambda a, i: jnp.take(a, i, axis=1))(M, idx)
    with pytest.raises(ValueError, match=r"mode must be one of \('raise', 'wrap', 'clip', 'fill'\)"):
        jnp.take(M, idx, mode="drop")
    with pytest.raises(IndexError, match="empty axis"):
        jnp.take(np.zeros((2, 0)), np.array([0]), axis=1, mode="fill")


# -- unique ---------------------------------------------------------------------------------------------------
NANS = np.array([3.0, np.nan, 1.0, np.nan, 3.0])


def test_unique_size_pads_as_jax():
    """JAX's documented result: the first ``size`` sorted values padded with fill_value; the padding's
    index is the smallest value's and its count 0."""
    want = ([1.0, 3.0, np.nan, -1.0, -1.0], [2, 0, 1, 2, 2], [1, 2, 0, 2, 1], [1, 2, 2, 0, 0])
    f = lambda x: jnp.unique(x, return_index=True, return_inverse=True, return_counts=True,  # noqa: E731
                             size=5, fill_value=-1)
    for got in (f(NANS), _fc(f)(NANS)):
        for g, w in zip(got, want):
            np.testing.assert_array_equal(g, w)
    np.testing.assert_array_equal(jnp.unique(NANS, size=2), [1.0, 3.0])                 # truncated
    np.testing.assert_array_equal(_fc(lambda x: jnp.unique(x, size=4))(np.array([3.0, 1, 3])), [1.0, 3, 1, 1])
    np.testing.assert_array_equal(jnp.unique(NANS, equal_nan=False, size=4), [1.0, 3.0, np.nan, np.nan])
    vals, counts = jnp.unique(np.array([3.0, 1, 3, 5, 5]), return_counts=True, size=2)
    np.testing.assert_array_equal(vals, [1.0, 3.0])
    np.testing.assert_array_equal(counts, [1, 2])


@pytest.mark.parametrize("seed", range(4))
def test_unique_matches_numpy_where_they_share(seed):
    r = np.random.default_rng(seed)
    x = r.integers(-3, 4, size=(3, 5))
    want = np.unique(x, return_index=True, return_inverse=True, return_counts=True)
    eager = jnp.unique(x, return_index=True, return_inverse=True, return_counts=True)
    traced = _fc(lambda a: jnp.unique(a, return_index=True, return_inverse=True, return_counts=True,
                                      size=len(want[0])))(x)
    for e, t, w in zip(eager, traced, want):
        np.testing.assert_array_equal(e, w)
        np.testing.assert_array_equal(t, w)


def test_unique_errors():
    with pytest.raises(jaxlike.ConcretizationError, match=r"unique of a traced array \(at test_jax_compat_numpy"
                                                          r"\.py:\d+\).*Pass size="):
        _fc(jnp.unique)(NANS)
    with pytest.raises(NotImplementedError, match=r"axis=1 together with size="):
        jnp.unique(np.eye(2), axis=1, size=2)
    with pytest.raises(ValueError, match="needs a fill_value"):
        jnp.unique(np.zeros(0), size=2)
    np.testing.assert_array_equal(jnp.unique(np.zeros(0), size=2, fill_value=7), [7.0, 7.0])


# -- isin / in1d / copy / dtype names ----------------------------------------------------------------------------
@pytest.mark.parametrize("invert", [False, True])
def test_isin_against_numpy(invert):
    el, test = np.array([[3, 1, 2], [5, 5, 0]]), np.array([1.0, 5.0, np.nan])
    want = np.isin(el, test, invert=invert)
    np.testing.assert_array_equal(jnp.isin(el, test, invert=invert), want)
    np.testing.assert_array_equal(_fc(lambda a, b: jnp.isin(a, b, invert=invert))(el, test), want)
    np.testing.assert_array_equal(_fc(lambda a: jnp.isin(a, test, invert=invert, method="sort"))(el), want)
    empty = _fc(lambda a, b: jnp.isin(a, b, invert=invert))(el, np.zeros(0))
    np.testing.assert_array_equal(empty, np.full(el.shape, invert))
    np.testing.assert_array_equal(_fc(lambda a: jnp.in1d(a, test, invert=invert))(el), want.ravel())
    with pytest.raises(ValueError, match=r"method must be one of .*got 'hash'"):
        jnp.isin(el, test, method="hash")


def test_copy():
    x = np.array([1.0, 2.0])
    c = jnp.copy(x)
    c[0] = 9.0
    assert x[0] == 1.0
    assert jaxlike.grad(lambda a: jnp.sum(jnp.copy(a) * a))(2.0) == 4.0
    np.testing.assert_array_equal(_fc(jnp.copy)(x), x)


def test_dtype_names():
    for name in ("uint8", "uint16", "uint32", "uint64", "int8", "int16", "bool_", "bool"):
        assert np.dtype(getattr(jnp, name)) == np.dtype(name if name != "bool" else "bool_"), name
    assert not hasattr(jnp, "bfloat16")                    # not supported: absent rather than a wrong type
    got = _fc(lambda x: jnp.astype(x, jnp.uint32) + jnp.astype(x > 1, jnp.bool).astype(jnp.uint16))(np.arange(3.0))
    assert got.dtype == np.uint32 and got.tolist() == [0, 1, 3]


def test_take_fill_and_unique_compiled_with_numba():
    """One numba-compiled function: the fill select, the sort-and-mark and the nonzero gather."""
    f = jaxlike.compile(lambda a, i: (jnp.take(a, i, mode="fill", fill_value=-1.0),
                                      jnp.unique(a, return_counts=True, size=3, fill_value=0.0)))
    took, (vals, counts) = f(np.array([2.0, 1.0, 2.0, 7.0]), np.array([3, 9, -1, -5]))
    np.testing.assert_array_equal(took, [7.0, -1.0, 7.0, -1.0])
    np.testing.assert_array_equal(vals, [1.0, 2.0, 7.0])
    np.testing.assert_array_equal(counts, [1, 2, 1])
