"""jaxlike.scipy.linalg's LU (lu, lu_factor, lu_solve) and special matrices against scipy.linalg: traced (the
reference backend) and on plain arrays, batched, derivatives against finite differences, one bundle compiled by
the default (numba) backend, and argument errors.

What it catches: pivots off by one or applied in the wrong order, a permutation inverted (a = P L U versus
P a = L U), lu_solve's transposed solves in the wrong order or without the conjugate, L/U of rectangular
matrices cut at the wrong size, the LU derivative of the wrong factor.
"""

import warnings

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
import jaxlike.scipy.linalg as L
from jaxlike.test_util import check_grads

S = pytest.importorskip("scipy.linalg")

RNG = np.random.default_rng(3)


def fast(f):
    return jaxlike.compile(f, mode="FAST_COMPILE")


def pivoted(shape, cplx=False):
    """Well-conditioned matrices whose partial pivoting interchanges rows (no near ties)."""
    a = RNG.uniform(-1, 1, shape) + 3 * np.eye(*shape[-2:])
    if cplx:
        a = a + 1j * RNG.uniform(-1, 1, shape)
    return a[..., RNG.permutation(shape[-2]), :]


# -- LU ------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (3, 5), (1, 1)])
@pytest.mark.parametrize("permute_l", [False, True])
def test_lu_matches_scipy(shape, permute_l):
    a = pivoted(shape)
    want = S.lu(a, permute_l=permute_l)
    for got in (fast(lambda x: L.lu(x, permute_l=permute_l))(a), L.lu(a, permute_l=permute_l)):
        assert len(got) == len(want)
        for g, w in zip(got, want):
            assert g.shape == w.shape and g.dtype == w.dtype
            np.testing.assert_allclose(g, w, atol=1e-13)


def test_lu_factor_matches_scipy_and_reconstructs():
    for a in (pivoted((4, 4)), pivoted((3, 3), cplx=True), RNG.uniform(-1, 1, (5, 5)),
              np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 1.0, 1.0]])):       # singular: a zero pivot
        lu, piv = fast(L.lu_factor)(a)
        want_lu, want_piv = _quiet_lu_factor(a)
        assert piv.dtype == np.int32 and lu.dtype == a.dtype
        np.testing.assert_array_equal(piv, want_piv)
        np.testing.assert_allclose(lu, want_lu, atol=1e-13)
    a = pivoted((2, 3, 5, 4))                                            # batched, rectangular
    p, low, up = fast(L.lu)(a)
    assert p.shape == (2, 3, 5, 5) and low.shape == (2, 3, 5, 4) and up.shape == (2, 3, 4, 4)
    np.testing.assert_allclose(p @ low @ up, a, atol=1e-13)
    lu, piv = fast(L.lu_factor)(a)
    for i in np.ndindex(2, 3):
        want_lu, want_piv = S.lu_factor(a[i])
        np.testing.assert_array_equal(piv[i], want_piv)
        np.testing.assert_allclose(lu[i], want_lu, atol=1e-13)


def _quiet_lu_factor(a):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")          # scipy warns of the singular matrix's zero pivot
        return S.lu_factor(a)


def test_lu_dtypes():
    assert fast(L.lu_factor)(pivoted((3, 3)).astype(np.float32))[0].dtype == np.float32
    assert fast(L.lu_factor)(np.array([[1, 2], [3, 4]]))[0].dtype == np.float64
    p, low, up = fast(L.lu)(pivoted((3, 3), cplx=True))
    assert p.dtype == np.float64 and low.dtype == up.dtype == np.complex128      # p is real, as scipy's and JAX's


@pytest.mark.parametrize("trans", [0, 1, 2])
def test_lu_solve_matches_scipy(trans):
    for a in (pivoted((4, 4)), pivoted((4, 4), cplx=True)):
        factors = S.lu_factor(a)
        for b in (RNG.normal(size=(4, 2)), RNG.normal(size=4)):
            want = S.lu_solve(factors, b, trans=trans)
            got = fast(lambda a, b: L.lu_solve(L.lu_factor(a), b, trans=trans))(a, b)
            assert got.shape == want.shape
            np.testing.assert_allclose(got, want, atol=1e-13)
            # traced factors from scipy (plain lu, traced piv) and plain arrays
            np.testing.assert_allclose(fast(lambda lu, piv, b: L.lu_solve((lu, piv), b, trans=trans))(*factors, b),
                                       want, atol=1e-13)
            np.testing.assert_allclose(L.lu_solve(factors, b, trans=trans), want, atol=1e-13)


def test_lu_solve_batched():
    a = pivoted((3, 4, 4))
    b, vecs = RNG.normal(size=(3, 4, 2)), RNG.normal(size=(3, 4))
    f = fast(lambda a, b, v: (L.lu_solve(L.lu_factor(a), b), L.lu_solve(L.lu_factor(a), v, trans=1)))
    x, y = f(a, b, vecs)
    np.testing.assert_allclose(x, np.linalg.solve(a, b), atol=1e-13)
    np.testing.assert_allclose(y, np.linalg.solve(np.swapaxes(a, -1, -2), vecs[..., None])[..., 0], atol=1e-13)
    # plain batched arrays take the same path
    np.testing.assert_allclose(L.lu_solve(L.lu_factor(a), b), x, atol=1e-13)


def test_lu_gradients():
    a = pivoted((4, 4))
    check_grads(lambda x: L.lu_factor(x)[0], (a,), order=2)
    for shape in [(5, 3), (3, 5)]:
        check_grads(lambda x: L.lu(x)[1:], (pivoted(shape),), order=2)
    check_grads(lambda x: L.lu(x, permute_l=True), (pivoted((2, 3, 3), cplx=True),), order=1)
    b = RNG.normal(size=(4, 2))
    for trans in (0, 1, 2):
        check_grads(lambda x, y: L.lu_solve(L.lu_factor(x), y, trans=trans), (a, b), order=2)
    check_grads(lambda x, y: L.lu_solve(L.lu_factor(x), y, trans=2), (pivoted((4, 4), cplx=True), b[:, 0]),
                order=1)
    # the LU solve's gradient is the inverse's: d/db sum(w * x) = a^-T w
    w = RNG.normal(size=(4, 2))
    got = jaxlike.grad(lambda y: jnp.sum(L.lu_solve(L.lu_factor(a), y) * w))(b)
    np.testing.assert_allclose(got, np.linalg.solve(a.T, w), atol=1e-12)


def test_lu_errors():
    with pytest.raises(ValueError, match="lu_factor: expected a matrix .* got rank 1"):
        fast(L.lu_factor)(np.ones(3))
    with pytest.raises(ValueError, match="lu_solve: trans must be 0, 1 or 2, got 3"):
        L.lu_solve(S.lu_factor(np.eye(2)), np.ones(2), trans=3)
    with pytest.raises(TypeError, match=r"lu_solve: the first argument must be the \(lu, piv\) pair"):
        L.lu_solve(np.eye(2), np.ones(2))
    with pytest.raises(ValueError, match="lu_solve: lu must be square"):
        fast(lambda a, b: L.lu_solve((a, np.zeros(2, np.int32)), b))(np.ones((3, 2)), np.ones(3))
    with pytest.raises(ValueError, match="lu_solve: b's rows must match lu's size 2"):
        fast(lambda a, b: L.lu_solve(L.lu_factor(a), b))(np.eye(2), np.ones((3, 1)))


# -- special matrices --------------------------------------------------------------------------------------------
C4, R3 = RNG.normal(size=4), RNG.normal(size=3)
CPLX = RNG.normal(size=3) + 1j * RNG.normal(size=3)
POLY = np.array([2.0, -3.0, 0.5, 4.0, 1.0, -1.5])

VECTOR_CASES = {   # name: (call, arguments, scipy's result for 1-d arguments)
    "toeplitz": (lambda m, c: m.toeplitz(c), (C4,), lambda: S.toeplitz(C4)),
    "toeplitz complex": (lambda m, c: m.toeplitz(c), (CPLX,), lambda: S.toeplitz(CPLX)),
    "toeplitz c r": (lambda m, c, r: m.toeplitz(c, r), (C4, R3), lambda: S.toeplitz(C4, R3)),
    "toeplitz int": (lambda m, c: m.toeplitz(c), (np.arange(3),), lambda: S.toeplitz(np.arange(3))),
    "hankel": (lambda m, c: m.hankel(c), (C4,), lambda: S.hankel(C4)),
    "hankel c r": (lambda m, c, r: m.hankel(c, r), (C4, R3), lambda: S.hankel(C4, R3)),
    "circulant": (lambda m, c: m.circulant(c), (C4,), lambda: S.circulant(C4)),
    "companion": (lambda m, a: m.companion(a), (POLY,), lambda: S.companion(POLY)),
    "companion int": (lambda m, a: m.companion(a), (np.array([1, -6, 11, -6]),),
                      lambda: S.companion([1.0, -6.0, 11.0, -6.0])),
    "leslie": (lambda m, f, s: m.leslie(f, s), (C4, R3), lambda: S.leslie(C4, R3)),
    "fiedler": (lambda m, a: m.fiedler(a), (C4,), lambda: S.fiedler(C4)),
    "fiedler int": (lambda m, a: m.fiedler(a), (np.array([1, 4, 12, 45]),), lambda: S.fiedler([1, 4, 12, 45])),
    "fiedler_companion": (lambda m, a: m.fiedler_companion(a), (POLY,), lambda: S.fiedler_companion(POLY)),
    "fiedler_companion 3": (lambda m, a: m.fiedler_companion(a), (POLY[:3],), lambda: S.fiedler_companion(POLY[:3])),
    "fiedler_companion 2": (lambda m, a: m.fiedler_companion(a), (POLY[:2],), lambda: S.fiedler_companion(POLY[:2])),
    "convolution_matrix full": (lambda m, a: m.convolution_matrix(a, 3), (C4,), lambda: S.convolution_matrix(C4, 3)),
    "convolution_matrix same": (lambda m, a: m.convolution_matrix(a, 6, "same"), (C4,),
                                lambda: S.convolution_matrix(C4, 6, "same")),
    "convolution_matrix valid": (lambda m, a: m.convolution_matrix(a, 2, "valid"), (C4,),
                                 lambda: S.convolution_matrix(C4, 2, "valid")),
}


@pytest.mark.parametrize("name", sorted(VECTOR_CASES))
def test_matrices_from_vectors_match_scipy(name):
    call, args, want = VECTOR_CASES[name]
    want = want()
    for got in (call(L, *args), fast(lambda *a: call(L, *a))(*args)):
        got = np.asarray(got)
        assert got.shape == want.shape
        if np.asarray(args[0]).dtype.kind == "i" and "companion" not in name:
            assert got.dtype == want.dtype
        np.testing.assert_allclose(got, want, atol=1e-13)


def test_matrices_from_vectors_batch_over_leading_dims():
    c, r = RNG.normal(size=(2, 1, 4)), RNG.normal(size=(3, 5))
    got = fast(lambda c, r: (L.toeplitz(c, r), L.hankel(c, r), L.circulant(c), L.companion(c), L.fiedler(c),
                             L.fiedler_companion(r), L.leslie(r, c), L.convolution_matrix(r, 3, "same")))(c, r)
    shapes = [(2, 3, 4, 5), (2, 3, 4, 5), (2, 1, 4, 4), (2, 1, 3, 3), (2, 1, 4, 4), (3, 4, 4), (2, 3, 5, 5), (3, 5, 3)]
    assert [g.shape for g in got] == shapes
    np.testing.assert_allclose(got[0][1, 2], S.toeplitz(c[1, 0], r[2]))
    np.testing.assert_allclose(got[1][0, 1], S.hankel(c[0, 0], r[1]))
    np.testing.assert_allclose(got[2][1, 0], S.circulant(c[1, 0]))
    np.testing.assert_allclose(got[3][0, 0], S.companion(c[0, 0]))
    np.testing.assert_allclose(got[5][2], S.fiedler_companion(r[2]), atol=1e-13)
    np.testing.assert_allclose(got[6][1, 2], S.leslie(r[2], c[1, 0]))
    np.testing.assert_allclose(got[7][1], S.convolution_matrix(r[1], 3, "same"))


def test_matrices_from_vectors_gradients_and_properties():
    check_grads(lambda c, r: L.toeplitz(c, r), (C4, R3), order=1)
    check_grads(lambda c: L.toeplitz(c), (CPLX,), order=1)
    check_grads(lambda c, r: L.hankel(c, r), (C4, R3), order=1)
    check_grads(L.circulant, (C4,), order=1)
    check_grads(L.companion, (POLY,), order=2)
    check_grads(L.leslie, (C4, R3), order=1)
    check_grads(L.fiedler, (C4,), order=1)
    check_grads(L.fiedler_companion, (POLY,), order=2)
    check_grads(lambda a: L.convolution_matrix(a, 3, "same"), (C4,), order=1)
    # A @ v is the convolution; both companion matrices have the polynomial's roots as eigenvalues
    v = RNG.normal(size=5)
    for mode in ("full", "same", "valid"):
        np.testing.assert_allclose(fast(lambda a: L.convolution_matrix(a, 5, mode))(C4) @ v, np.convolve(C4, v, mode),
                                   atol=1e-13)
    roots = np.sort_complex(np.roots(POLY))
    for make in (L.companion, L.fiedler_companion):
        np.testing.assert_allclose(np.sort_complex(fast(lambda a: jnp.linalg.eigvals(make(a)))(POLY)), roots,
                                   atol=1e-10)


def test_matrices_from_vectors_errors():
    with pytest.raises(ValueError, match="companion: the length of a along the last axis must be at least 2"):
        fast(L.companion)(np.ones(1))
    with pytest.raises(ValueError, match=r"leslie: the length of s .* one less than f's \(3\)"):
        fast(L.leslie)(np.ones(4), np.ones(2))
    with pytest.raises(ValueError, match="hankel: c must be at least 1-dimensional"):
        L.hankel(1.0)
    with pytest.raises(ValueError, match="convolution_matrix: n must be a positive integer, got 0"):
        L.convolution_matrix(C4, 0)
    with pytest.raises(ValueError, match="convolution_matrix: mode must be one of"):
        L.convolution_matrix(C4, 2, "wide")
    with pytest.raises(ValueError, match="fiedler_companion: the last axis of a must have nonzero length"):
        L.fiedler_companion(np.zeros(0))


SIZE_CASES = {   # name: (ours, scipy's (made float where JAX's is float))
    "hilbert": (lambda n: L.hilbert(n), lambda n: S.hilbert(n)),
    "invhilbert": (lambda n: L.invhilbert(n), lambda n: S.invhilbert(n)),
    "pascal": (lambda n: L.pascal(n), lambda n: S.pascal(n).astype(float)),
    "pascal lower": (lambda n: L.pascal(n, "lower"), lambda n: S.pascal(n, "lower").astype(float)),
    "invpascal upper": (lambda n: L.invpascal(n, "upper"), lambda n: S.invpascal(n, "upper").astype(float)),
    "invpascal": (lambda n: L.invpascal(n), lambda n: S.invpascal(n).astype(float)),
    "helmert": (lambda n: L.helmert(n), lambda n: S.helmert(n)),
    "helmert full": (lambda n: L.helmert(n, full=True), lambda n: S.helmert(n, full=True)),
    "dft sqrtn": (lambda n: L.dft(n, "sqrtn"), lambda n: S.dft(n, "sqrtn")),
    "hadamard": (lambda n: L.hadamard(2 ** n), lambda n: S.hadamard(2 ** n)),
}


@pytest.mark.parametrize("name", sorted(SIZE_CASES))
def test_matrices_from_sizes_match_scipy(name):
    ours, theirs = SIZE_CASES[name]
    for n in (1, 2, 5):
        got, want = ours(n), theirs(n)
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-15)


def test_matrices_from_sizes_properties_and_errors():
    np.testing.assert_allclose(L.invhilbert(6) @ L.hilbert(6), np.eye(6), atol=1e-6)
    np.testing.assert_allclose(L.invpascal(6) @ L.pascal(6), np.eye(6), atol=1e-9)
    assert L.dft(4, dtype=np.complex64).dtype == np.complex64 and L.hadamard(4, dtype=np.float32).dtype == np.float32
    with pytest.raises(ValueError, match="hadamard: n must be a positive power of 2, got 6"):
        L.hadamard(6)
    with pytest.raises(ValueError, match="dft: dtype must be a complex floating-point type, got float64"):
        L.dft(3, dtype=np.float64)
    with pytest.raises(ValueError, match="pascal: kind must be one of"):
        L.pascal(3, "diagonal")
    with pytest.raises(TypeError, match="hilbert: n must be a concrete int"):
        fast(lambda n: L.hilbert(n))(np.int64(3))


# -- polar, solve_sylvester --------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (3, 5)])
@pytest.mark.parametrize("side", ["right", "left"])
def test_polar_matches_scipy(shape, side):
    a = RNG.normal(size=shape)
    want = S.polar(a, side)
    for got in (L.polar(a, side), fast(lambda x: L.polar(x, side))(a)):
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, atol=1e-12)
    u, p = fast(lambda x: L.polar(x, side))(RNG.normal(size=(2,) + shape))
    assert u.shape == (2,) + shape and p.shape == (2,) + ((shape[1],) * 2 if side == "right" else (shape[0],) * 2)


def test_polar_gradients_and_errors():
    a = np.random.default_rng(0).normal(size=(4, 3))      # singular values 2.2, 0.9, 0.3: well apart
    check_grads(lambda x: L.polar(x), (a,), order=1)
    check_grads(lambda x: L.polar(x, "left")[1], (a[:3],), order=1)
    with pytest.raises(ValueError, match="polar: side must be 'right' or 'left', got 'up'"):
        L.polar(a, "up")
    with pytest.raises(ValueError, match="polar: the input a must be at least a 2-D array"):
        fast(L.polar)(np.ones(3))


@pytest.mark.parametrize("method", ["schur", "eigen"])
def test_solve_sylvester_matches_scipy(method):
    rng = np.random.default_rng(4)       # NOTE: shifted so that no eigenvalue sum is near 0 (well posed)
    a, b, c = rng.normal(size=(3, 3)) + 1.5 * np.eye(3), rng.normal(size=(2, 2)) + np.eye(2), rng.normal(size=(3, 2))
    want = S.solve_sylvester(a, b, c)
    for got in (L.solve_sylvester(a, b, c, method=method),
                fast(lambda a, b, c: L.solve_sylvester(a, b, c, method=method))(a, b, c)):
        assert got.dtype == np.float64
        np.testing.assert_allclose(got, want, atol=1e-12)
    ac, cc = a + 1j * rng.normal(size=(3, 3)), c + 1j * rng.normal(size=(3, 2))
    got = fast(lambda a, b, c: L.solve_sylvester(a, b, c, method=method))(ac, b, cc)
    # NOTE: b made complex for scipy: scipy 1.17's solve_sylvester of a complex a with a real b whose eigenvalues
    # are a complex pair returns a wrong X (it mixes b's real Schur form into the complex solver)
    np.testing.assert_allclose(got, S.solve_sylvester(ac, b.astype(complex), cc), atol=1e-12)
    np.testing.assert_allclose(ac @ got + got @ b, cc, atol=1e-12)
    batched = fast(lambda a, b, c: L.solve_sylvester(a, b, c, method=method))(
        rng.normal(size=(2, 3, 3)) + 1.5 * np.eye(3), b, rng.normal(size=(4, 1, 3, 2)))
    assert batched.shape == (4, 2, 3, 2)
    check_grads(lambda a, b, c: L.solve_sylvester(a, b, c, method=method), (a, b, c), order=1)


def test_solve_sylvester_singular_and_errors():
    got = fast(L.solve_sylvester)(np.eye(2), -np.eye(2), np.ones((2, 2)))      # eig(A) + eig(B) = 0: singular
    assert np.isnan(got).all()
    assert np.isnan(L.solve_sylvester(np.eye(2), -np.eye(2), np.ones((2, 2)), method="eigen")).all()
    with pytest.raises(ValueError, match=r"solve_sylvester: incompatible shapes: A \(3, 3\) must be"):
        L.solve_sylvester(np.eye(3), np.eye(2), np.ones((2, 2)))
    with pytest.raises(ValueError, match="solve_sylvester: method must be 'schur' or 'eigen'"):
        L.solve_sylvester(np.eye(2), np.eye(2), np.ones((2, 2)), method="bartels")


# -- the default (numba) backend ----------------------------------------------------------------------------------
def test_bundle_on_the_default_backend():
    """LU (the compiled getrf kernels), lu_solve with its gradient, and the special matrices built from vectors
    compile and agree with the reference backend (one compile: slow)."""
    def bundle(a, b, c):
        lu_piv = L.lu_factor(a)
        grad = jaxlike.grad(lambda x: jnp.sum(L.lu_solve(L.lu_factor(x), b) ** 2))(a)
        return (lu_piv, L.lu(a), L.lu_solve(lu_piv, b, trans=1), grad, L.toeplitz(c), L.companion(c),
                L.fiedler_companion(c), L.solve_sylvester(a[:2, :2], a[1:, 1:], b[:2]))
    args = (pivoted((3, 3)), RNG.normal(size=(3, 2)), POLY)
    got, want = jaxlike.compile(bundle)(*args), fast(bundle)(*args)
    flat_got, flat_want = jaxlike.pytree.flatten(got)[0], jaxlike.pytree.flatten(want)[0]
    assert len(flat_got) == len(flat_want) == 11
    for g, w in zip(flat_got, flat_want):
        assert g.dtype == w.dtype
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-13)
    np.testing.assert_array_equal(flat_got[1], S.lu_factor(args[0])[1])
