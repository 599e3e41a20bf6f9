"""jaxlike.scipy.linalg against scipy.linalg: each function traced (the reference backend) and on plain
arrays, its derivatives against finite differences, one compiled (numba) function, and its argument errors.

What it catches: a triangle read from the wrong side (lower/upper, trans 'T' vs 'C'), cho_solve's two solves
in the wrong order, scipy's 'full'/'economic'/'r' QR modes mixed up, a generalized eigenproblem's vectors not
turned back by the Cholesky factor, expm's scaling and squaring stopping early or squaring too often.
"""

import numpy as np
import pytest
import scipy.linalg as S

import jaxlike
import jaxlike.numpy as jnp
import jaxlike.scipy.linalg as L
from jaxlike.test_util import check_grads

_R = np.random.default_rng(7)
A = _R.uniform(-1, 1, (4, 4)) + 4 * np.eye(4)
B = _R.normal(size=(4, 2))
SPD = A @ A.T
NOISE_UP, NOISE_LOW = np.triu(np.ones((4, 4)), 1), np.tril(np.ones((4, 4)), -1)

CASES = {
    "solve_triangular lower": (lambda m, a, b: m.solve_triangular(a, b, lower=True), (A, B)),
    "solve_triangular upper T unit": (lambda m, a, b: m.solve_triangular(a, b, trans="T", unit_diagonal=True), (A, B)),
    "solve_triangular vector C": (lambda m, a, b: m.solve_triangular(a, b, trans=2, lower=True), (A, B[:, 0])),
    "cholesky": (lambda m, a: m.cholesky(a), (SPD,)),
    "cholesky lower": (lambda m, a: m.cholesky(a, lower=True), (SPD,)),
    "cho_solve": (lambda m, a, b: m.cho_solve(m.cho_factor(a), b), (SPD, B)),
    "cho_solve lower": (lambda m, a, b: m.cho_solve(m.cho_factor(a, lower=True), b), (SPD, B)),
    "qr full": (lambda m, a: m.qr(a), (A,)),
    "qr economic": (lambda m, a: m.qr(a, mode="economic"), (A[:, :3],)),
    "qr r tall": (lambda m, a: m.qr(a, mode="r"), (A[:, :3],)),
    "solve pos upper": (lambda m, a, b: m.solve(a, b, assume_a="pos"), (SPD + NOISE_LOW, B)),
    "solve sym lower": (lambda m, a, b: m.solve(a, b, assume_a="sym", lower=True), (SPD + NOISE_UP, B)),
    "solve transposed": (lambda m, a, b: m.solve(a, b, transposed=True), (A, B)),
    "inv": (lambda m, a: m.inv(a), (A,)),
    "det": (lambda m, a: m.det(a), (A,)),
    "eigh values": (lambda m, a: m.eigh(a, eigvals_only=True), (A + A.T,)),
    "eigh generalized values": (lambda m, a, b: m.eigh(a, b, eigvals_only=True), (A + A.T, SPD)),
    "eigh generalized upper": (lambda m, a, b: m.eigh(a, b, lower=False)[0], (A + A.T + NOISE_LOW, SPD + NOISE_LOW)),
    "eigh generalized vectors": (lambda m, a, b: m.eigh(a, b)[1] ** 2, (A + A.T, SPD)),
    "eigh generalized type 2": (lambda m, a, b: m.eigh(a, b, type=2)[1] ** 2, (A + A.T, SPD)),
    "eigh generalized type 3 upper": (lambda m, a, b: m.eigh(a, b, type=3, lower=False)[1] ** 2,
                                      (A + A.T + NOISE_LOW, SPD + NOISE_LOW)),
    "eigh subset": (lambda m, a: m.eigh(a, subset_by_index=(1, 2))[1] ** 2, (A + A.T,)),
    "eigh generalized subset": (lambda m, a, b: m.eigh(a, b, type=2, subset_by_index=(0, 1), eigvals_only=True),
                                (A + A.T, SPD)),
    "svd values": (lambda m, a: m.svd(a, compute_uv=False), (A[:3],)),
    "lstsq": (lambda m, a, b: m.lstsq(a, b)[0], (A[:, :2], B)),
    "pinv": (lambda m, a: m.pinv(a), (A[:, :3],)),
    "pinv atol": (lambda m, a: m.pinv(a, atol=0.5, rtol=0.01), (A[:, :3],)),
    "block_diag": (lambda m, a, b: m.block_diag(a, b, a[0], 2.0), (A, B)),
    "expm": (lambda m, a: m.expm(a), (A,)),
    "expm small norm": (lambda m, a: m.expm(a * 1e-3), (A,)),
    "expm needs squarings": (lambda m, a: m.expm(a * 3), (A,)),
}


def _close(got, want, what):
    got = got if isinstance(got, tuple) else (got,)
    want = want if isinstance(want, tuple) else (want,)
    assert len(got) == len(want), what
    for g, w in zip(got, want):
        np.testing.assert_allclose(np.asarray(g), w, rtol=1e-9, atol=1e-11, err_msg=what)


@pytest.mark.parametrize("name", list(CASES))
def test_against_scipy_and_finite_differences(name):
    fn, args = CASES[name]
    want = fn(S, *args)
    _close(fn(L, *args), want, f"{name} on plain arrays")
    _close(jaxlike.compile(lambda *a: fn(L, *a), mode="FAST_COMPILE")(*args), want, f"{name} traced")
    check_grads(lambda *a: fn(L, *a), args, order=1)


@pytest.mark.parametrize("name", ["cho_solve lower", "expm needs squarings", "eigh generalized values"])
def test_second_derivatives(name):
    fn, args = CASES[name]
    check_grads(lambda *a: fn(L, *a), args, order=2, modes=("rev",))


def test_compiled_with_batched_expm():
    """One numba-compiled function: a Cholesky solve and a stack of matrix exponentials."""
    f = jaxlike.compile(lambda a, b: (L.cho_solve(L.cho_factor(a), b), L.expm(jnp.stack([a / 8, -a / 8]))))
    x, e = f(SPD, B)
    np.testing.assert_allclose(x, S.cho_solve(S.cho_factor(SPD), B), rtol=1e-10)
    np.testing.assert_allclose(e, np.stack([S.expm(SPD / 8), S.expm(-SPD / 8)]), rtol=1e-9)


def test_bad_arguments_raise_clear_errors():
    """Catches: an unknown trans/mode/assume_a silently treated as the default, cho_solve given a bare matrix."""
    traced = lambda f: jaxlike.compile(f, mode="FAST_COMPILE")      # noqa: E731
    with pytest.raises(ValueError, match="trans must be"):
        traced(lambda a, b: L.solve_triangular(a, b, trans="X"))(A, B)
    with pytest.raises(ValueError, match="assume_a must be"):
        traced(lambda a, b: L.solve(a, b, assume_a="banded"))(A, B)
    with pytest.raises(ValueError, match="mode must be"):
        traced(lambda a: L.qr(a, mode="reduced"))(A)
    with pytest.raises(TypeError, match="the .c, lower. pair"):
        traced(lambda a, b: L.cho_solve(a, b))(A, B)
    with pytest.raises(ValueError, match="square"):
        traced(lambda a: L.expm(a))(B)


def test_pinv_cutoff_and_rank_are_scipys():
    """Catches: scipy's cutoff atol + rtol * max(s) read as numpy's relative one (or atol ignored), and the
    rank of return_rank counted from another cutoff."""
    m = _R.normal(size=(5, 3)) @ np.diag([1.0, 1e-3, 1e-9]) @ _R.normal(size=(3, 4))
    fn = jaxlike.compile(lambda a: (L.pinv(a, atol=1e-6, return_rank=True), L.pinv(a, rtol=1e-2, return_rank=True),
                                    L.pinv(a, return_rank=True)), mode="FAST_COMPILE")
    for (inverse, rank), kw in zip(fn(m), [dict(atol=1e-6), dict(rtol=1e-2), {}]):
        want, want_rank = S.pinv(m, return_rank=True, **kw)
        np.testing.assert_allclose(inverse, want, rtol=1e-7, atol=1e-9)
        assert int(rank) == want_rank
    with pytest.raises(NotImplementedError, match="subset_by_value"):
        jaxlike.compile(lambda a: L.eigh(a, subset_by_value=(0.0, 1.0)), mode="FAST_COMPILE")(A + A.T)
    with pytest.raises(ValueError, match="not within"):
        jaxlike.compile(lambda a: L.eigh(a, subset_by_index=(2, 4)), mode="FAST_COMPILE")(A + A.T)


def test_lstsq_residue_of_a_vector_and_expm_of_an_empty_matrix():
    """Catches: scipy.linalg.lstsq giving numpy's (1,) residue array for a 1-D b where scipy gives a scalar,
    and expm of a 0x0 matrix failing in the 1-norm's max over nothing (scipy returns it)."""
    rng = np.random.default_rng(5)
    a, b = rng.normal(size=(5, 3)), rng.normal(size=5)
    fn = jaxlike.compile(lambda u, v: L.lstsq(u, v), mode="FAST_COMPILE")
    for got, want in zip(fn(a, b), S.lstsq(a, b)):
        assert np.shape(got) == np.shape(want)
        np.testing.assert_allclose(got, want, rtol=1e-10)
    assert np.shape(fn(a, b[:, None])[1]) == (1,)
    empty = jaxlike.compile(L.expm, mode="FAST_COMPILE")(np.zeros((0, 0)))
    assert empty.shape == (0, 0) and S.expm(np.zeros((0, 0))).shape == (0, 0)
