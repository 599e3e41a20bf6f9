"""jaxlike.numpy.linalg.eig and eigvals of general square matrices: numpy's eigenvalues (compared as sorted
sets) and eigenvectors satisfying A V = V diag(w) with unit norm and a real largest component (LAPACK's
normalisation), JAX's always-complex dtypes, batching over leading dimensions and vmap, gradients of eigenvalues
and eigenvectors against finite differences (first and second order), real gradients for real matrices, clear
errors, NaN results for matrices holding inf or NaN (JAX's; numpy raises), and one bundle through the default
numba backend (its compiled LAPACK geev kernel).
"""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike.test_util import check_grads

RNG = np.random.default_rng(11)


def fast(f):
    return jaxlike.compile(f, mode="FAST_COMPILE")


def separated(shape, complex_=False):
    """S D S^-1 with eigenvalues at least ~1 apart (a conjugate pair for real matrices of size >= 2)."""
    n = shape[-1]
    d = np.diag(np.arange(n) * 1.5 - n / 2).astype(complex if complex_ else float)
    if complex_:
        d += np.diag(1j * np.linspace(-1, 1, n))
    elif n >= 2:
        d[0, 1], d[1, 0] = 0.7, -0.7
        d[1, 1] = d[0, 0]
    s = RNG.uniform(-1, 1, shape) + 2 * np.eye(n) + (1j * RNG.uniform(-0.5, 0.5, shape) if complex_ else 0)
    return s @ d @ np.linalg.inv(s)


def as_set(w):
    """Eigenvalues in a canonical order along the last axis (by rounded real, then imaginary part: exact
    sort_complex would let last-bit differences reorder a conjugate pair)."""
    w = np.asarray(w).reshape(-1, np.shape(w)[-1])
    keys = [np.lexsort((np.round(r.imag, 5), np.round(r.real, 5))) for r in w]
    return np.stack([r[k] for r, k in zip(w, keys)]) if len(w) else w


def check_decomposition(a, w, v, tol):
    a = np.asarray(a).astype(w.dtype)
    assert w.shape == a.shape[:-1] and v.shape == a.shape
    np.testing.assert_allclose(a @ v, v * w[..., None, :], atol=tol * max(1, np.abs(a).max()))
    np.testing.assert_allclose(np.linalg.norm(v, axis=-2), 1, atol=tol)
    top = np.take_along_axis(v, np.argmax(np.abs(v), axis=-2)[..., None, :], axis=-2)
    np.testing.assert_allclose(top.imag, 0, atol=tol)
    want = np.linalg.eigvals(np.asarray(a, complex if np.iscomplexobj(a) else float))
    np.testing.assert_allclose(as_set(w), as_set(want), atol=tol * 10)


@pytest.mark.parametrize("shape,complex_", [((4, 4), False), ((2, 3, 3, 3), False), ((3, 3), True),
                                            ((2, 4, 4), True), ((1, 1), False), ((1, 2, 2), False)])
def test_traced_eig_matches_numpy(shape, complex_):
    a = separated(shape, complex_)
    w, v = fast(jnp.linalg.eig)(a)
    assert w.dtype == v.dtype == np.complex128
    check_decomposition(a, w, v, 1e-10)
    np.testing.assert_allclose(fast(jnp.linalg.eigvals)(a), w, atol=1e-12)   # the same order as eig's
    cw, cv = jnp.linalg.eig(a)                                                # plain arrays: numpy, then complex
    assert cw.dtype == cv.dtype == np.complex128
    np.testing.assert_allclose(cw, w, atol=1e-12)
    np.testing.assert_allclose(cv, v, atol=1e-12)


def test_real_matrices_keep_exact_conjugate_pairs_and_real_eigenvalues():
    a = np.array([[0.0, -2.0, 0.0], [2.0, 0.0, 0.0], [0.0, 0.0, 3.0]])   # eigenvalues +-2i, 3
    w = fast(jnp.linalg.eigvals)(a)
    np.testing.assert_allclose(as_set(w)[0], [-2j, 2j, 3], atol=1e-14)
    pair = w[np.abs(w.imag) > 1]
    assert pair[0] == np.conj(pair[1])
    tri = np.triu(RNG.uniform(-1, 1, (4, 4))) + np.diag([1.0, 2.0, 3.0, 4.0])
    assert np.all(fast(jnp.linalg.eigvals)(tri).imag == 0)
    np.testing.assert_allclose(np.sort(fast(jnp.linalg.eigvals)(tri).real), np.sort(np.diag(tri)), atol=1e-12)


@pytest.mark.parametrize("dtype,want", [(np.float32, np.complex64), (np.complex64, np.complex64),
                                        (np.float64, np.complex128), (np.int64, np.complex128),
                                        (np.float16, np.complex64), (np.complex128, np.complex128)])
def test_result_dtypes_are_jaxs(dtype, want):
    a = np.array([[2, 1], [-3, 1]]).astype(dtype)       # eigenvalues (3 +- i sqrt(11)) / 2
    for got in (fast(jnp.linalg.eig)(a), jnp.linalg.eig(a)):
        assert got[0].dtype == got[1].dtype == want
        check_decomposition(a, *got, 1e-6 if want == np.complex128 else 2e-3)
    assert fast(jnp.linalg.eigvals)(a).dtype == jnp.linalg.eigvals(a).dtype == want


def test_empty_matrices_and_batches():
    for shape in [(0, 0), (3, 0, 0), (0, 2, 2)]:
        a = np.zeros(shape)
        w, v = fast(jnp.linalg.eig)(a)
        assert w.shape == shape[:-1] and v.shape == shape and w.dtype == np.complex128
        assert jnp.linalg.eigvals(a).shape == shape[:-1]


def test_vmap_equals_batched():
    a = separated((3, 4, 4))
    got = fast(jaxlike.vmap(jnp.linalg.eigvals))(a)
    np.testing.assert_allclose(got, fast(jnp.linalg.eigvals)(a), atol=1e-12)


def test_errors_name_the_problem():
    with pytest.raises(np.linalg.LinAlgError, match="eig: last 2 dimensions of the array must be square, got 2x3"):
        jnp.linalg.eig(np.ones((2, 3)))
    with pytest.raises(np.linalg.LinAlgError, match="eig.*must be square"):      # sizes symbolic: found at run time
        fast(jnp.linalg.eig)(np.ones((2, 3)))
    with pytest.raises(np.linalg.LinAlgError, match="1-dimensional array given to eigvals"):
        fast(jnp.linalg.eigvals)(np.ones(3))


@pytest.mark.parametrize("dtype,want", [(np.float64, np.complex128), (np.float32, np.complex64),
                                        (np.complex128, np.complex128), (np.complex64, np.complex64)])
def test_non_finite_matrices_give_nan_like_jax(dtype, want):
    """Catches: LinAlgError for a matrix holding NaN or inf (numpy's and numba's eig refuse it; JAX returns
    NaN + NaN i for every eigenvalue and eigenvector entry), in the numpy rule and in the compiled geev kernel,
    and one such matrix spoiling the rest of its batch."""
    a = np.stack([np.array([[2, 1], [-3, 1]]), np.array([[np.nan, 0], [0, 1]]), np.array([[1, np.inf], [0, 1]]),
                  np.array([[1, 0], [0, -np.inf]])]).astype(dtype)
    both = lambda x: (jnp.linalg.eig(x), jnp.linalg.eigvals(x))    # noqa: E731
    for (w, v), values in (both(a), fast(both)(a), jaxlike.compile(both)(a)):   # numpy, interpreter, numba
        assert w.dtype == v.dtype == values.dtype == want and w.shape == (4, 2) and v.shape == (4, 2, 2)
        check_decomposition(a[0], w[0], v[0], 2e-3)
        for part in (w[1:].real, w[1:].imag, v[1:].real, v[1:].imag, values[1:].real, values[1:].imag):
            assert np.all(np.isnan(part))


def test_eigenvalue_gradients():
    a = separated((4, 4))
    check_grads(jnp.linalg.eigvals, (a,), order=2)
    check_grads(jnp.linalg.eigvals, (separated((2, 3, 3), complex_=True),), order=2)

    def loss(x):
        w = jnp.linalg.eigvals(x)
        return jnp.sum(jnp.abs(w) ** 2 + 3 * jnp.real(w) - jnp.imag(w) ** 2)
    g = jaxlike.grad(loss)(a)
    assert g.dtype == np.float64                      # a real matrix gets a real gradient (JAX's convention)
    check_grads(loss, (a,), order=2)
    # d(sum w) = d(trace a): the gradient of the eigenvalue sum is the identity
    np.testing.assert_allclose(jaxlike.grad(lambda x: jnp.real(jnp.sum(jnp.linalg.eigvals(x))))(a), np.eye(4),
                               atol=1e-12)


def test_eigenvector_gradients_follow_lapacks_normalisation():
    for a in (separated((3, 3)), separated((2, 3, 3), complex_=True)):
        check_grads(lambda x: jnp.linalg.eig(x)[1], (a,), order=2)
    a = separated((4, 4))
    weights = RNG.uniform(-1, 1, (4, 4))

    def loss(x):
        w, v = jnp.linalg.eig(x)
        return jnp.sum(jnp.real(v) * weights + jnp.imag(v) ** 2) + jnp.sum(jnp.abs(w))
    check_grads(loss, (a,), order=1)
    # the normalisation's constraints: |v_j| stays 1 and the largest component stays real along any tangent
    t = RNG.uniform(-1, 1, (4, 4))
    _, dv = jaxlike.jvp(lambda x: jnp.linalg.eig(x)[1], (a,), (t,))
    v = jnp.linalg.eig(a)[1]
    np.testing.assert_allclose(np.sum(np.real(np.conj(v) * dv), axis=0), 0, atol=1e-10)
    rows = np.argmax(np.abs(v), axis=0)
    np.testing.assert_allclose(dv[rows, np.arange(4)].imag, 0, atol=1e-10)


def test_default_backend_bundle():
    """eig, eigvals (float64, float32 and complex) and an eigenvalue gradient compiled by numba_cpu."""
    a, c = separated((2, 4, 4)), separated((3, 3), complex_=True)

    def bundle(a, c):
        w, v = jnp.linalg.eig(a)
        grad = jaxlike.grad(lambda x: jnp.sum(jnp.abs(jnp.linalg.eigvals(x))))(a)
        return w, v, jnp.linalg.eigvals(a.astype(np.float32)), jnp.linalg.eig(c), grad

    w, v, w32, (wc, vc), grad = jaxlike.compile(bundle)(a, c)
    check_decomposition(a, w, v, 1e-10)
    check_decomposition(c, wc, vc, 1e-10)
    assert w32.dtype == np.complex64
    np.testing.assert_allclose(as_set(w32), as_set(w), atol=1e-4)
    want = fast(jaxlike.grad(lambda x: jnp.sum(jnp.abs(jnp.linalg.eigvals(x)))))(a)
    np.testing.assert_allclose(grad, want, atol=1e-10)
