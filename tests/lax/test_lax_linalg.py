"""jaxlike.lax.linalg against jax.lax.linalg's semantics: values recorded from JAX 0.10 (float64) as literals,
numpy/scipy and closed forms (residuals, reconstructions), on plain arrays, traced by the reference backend and
compiled by the default (numba) backend in one bundle; derivatives against finite differences; argument errors.

What it catches: eigh's (v, w) order or triangle swapped, symmetrize_input ignored, pivots and permutation
confused or not int32, a triangular solve flag (side, triangle, transpose, conjugate, unit diagonal) dropped or
applied in the wrong order, tridiagonal diagonals shifted by one, symmetric_product's output triangle,
cholesky_update's convention (R^T R, upper), eig's left eigenvectors unnormalised or of the wrong matrix,
reflectors (hessenberg, tridiagonal, ormqr) off LAPACK's sign convention, order or storage.
"""

import itertools

import numpy as np
import pytest

import jaxlike
import jaxlike.lax as lax
import jaxlike.numpy as jnp
from jaxlike.test_util import check_grads

S = pytest.importorskip("scipy.linalg")
L = lax.linalg
RNG = np.random.default_rng(7)
X = np.array([[4.0, 1.0, 2.0], [0.5, 3.0, 0.0], [1.0, -1.0, 5.0]])     # not symmetric


def fast(f):
    return jaxlike.compile(f, mode="FAST_COMPILE")


def both(f, *args):
    """f on plain arrays and traced by the reference backend."""
    return f(*args), fast(f)(*args)


def spd(shape):
    a = RNG.normal(size=shape)
    return a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])


# -- Cholesky and eigh ---------------------------------------------------------------------------------------------
def test_cholesky_symmetrizes_or_reads_the_lower_triangle():
    want_sym = np.array([[2.0, 0, 0], [0.375, 1.6909686573085854, 0], [0.75, -0.46201329434660804, 2.055247847790381]])
    want_low = np.array([[2.0, 0, 0], [0.25, 1.713913650100261, 0], [0.5, -0.6563924617405255, 2.07825622486021]])
    junk_above = X + np.triu(RNG.normal(size=(3, 3)), 1)
    for got in both(lambda x: L.cholesky(x), X):
        np.testing.assert_allclose(got, want_sym, atol=1e-14)
    for got in both(lambda x: L.cholesky(x, symmetrize_input=False), junk_above):
        np.testing.assert_allclose(got, want_low, atol=1e-14)
    a = spd((2, 3, 4, 4)).astype(np.float32)
    got = fast(L.cholesky)(a)
    assert got.dtype == np.float32 and got.shape == a.shape
    np.testing.assert_allclose(got, np.linalg.cholesky(a), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("lower,symmetrize,want_w", [
    (True, True, [2.0576021301696397, 3.8608756097261323, 6.081522260104226]),
    (True, False, [2.159928190835778, 4.077063898617895, 5.763007910546325]),
    (False, True, [2.0576021301696388, 3.860875609726133, 6.081522260104227]),
    (False, False, [1.8548973087995775, 3.4760236029181333, 6.669079088282289]),
])
def test_eigh_returns_vectors_then_values(lower, symmetrize, want_w):
    if symmetrize:
        seen = (X + X.T) / 2
    else:
        tri = np.tril(X) if lower else np.triu(X)
        seen = tri + np.tril(tri, -1).T if lower else tri + np.triu(tri, 1).T
    for v, w in both(lambda x: L.eigh(x, lower=lower, symmetrize_input=symmetrize), X):
        assert v.shape == (3, 3) and w.shape == (3,)
        np.testing.assert_allclose(w, want_w, atol=1e-13)
        np.testing.assert_allclose(seen @ v, v * w, atol=1e-12)
        np.testing.assert_allclose(v.T @ v, np.eye(3), atol=1e-13)
    a = spd((2, 5, 5))
    v, w = fast(lambda x: L.eigh(x, subset_by_index=(1, 4)))(a)
    assert v.shape == (2, 5, 3) and w.shape == (2, 3)
    np.testing.assert_allclose(w, np.linalg.eigvalsh(a)[..., 1:4], atol=1e-12)
    np.testing.assert_allclose(a @ v, v * w[..., None, :], atol=1e-11)


# -- LU ------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape,cplx", [((4, 4), False), ((5, 3), False), ((3, 5), True), ((2, 4, 4), True)])
def test_lu_matches_lapack(shape, cplx):
    x = RNG.normal(size=shape) + (1j * RNG.normal(size=shape) if cplx else 0)
    k = min(shape[-2:])
    for packed, piv, perm in both(L.lu, x):
        assert piv.dtype == perm.dtype == np.int32 and packed.dtype == x.dtype
        assert piv.shape == shape[:-2] + (k,) and perm.shape == shape[:-1]
        for i in np.ndindex(shape[:-2]):
            want_packed, want_piv = S.lu_factor(x[i])
            np.testing.assert_array_equal(piv[i], want_piv)
            np.testing.assert_allclose(packed[i], want_packed, atol=1e-13)
            low = np.tril(packed[i], -1)[:, :k] + np.eye(shape[-2], k)
            np.testing.assert_allclose(x[i][perm[i]], low @ np.triu(packed[i])[:k], atol=1e-13)
    assert fast(L.lu)(x.astype(np.complex64 if cplx else np.float32))[0].dtype == (np.complex64 if cplx else
                                                                                   np.float32)


def test_lu_pivots_to_permutation():
    piv = np.array([[2, 2, 2], [1, 0, 2]], np.int32)
    for got in both(lambda p: L.lu_pivots_to_permutation(p, 4), piv):
        assert got.dtype == np.int32
        np.testing.assert_array_equal(got, [[2, 0, 1, 3], [0, 1, 2, 3]])      # JAX's
    x = RNG.normal(size=(3, 6, 4))
    _, piv, perm = L.lu(x)
    for got in both(lambda p: L.lu_pivots_to_permutation(p, 6), piv):
        np.testing.assert_array_equal(got, perm)


# -- QR and SVD ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (2, 4, 4)])
def test_qr_and_svd_shapes_and_values(shape):
    x = RNG.normal(size=shape)
    m, n = shape[-2:]
    k = min(m, n)
    for full in (True, False):
        for q, r in both(lambda a: L.qr(a, full_matrices=full), x):
            assert q.shape == shape[:-2] + (m, m if full else k) and r.shape == shape[:-2] + ((m if full else k), n)
            want_q, want_r = np.linalg.qr(x, mode="complete" if full else "reduced")
            np.testing.assert_allclose(q, want_q, atol=1e-13)
            np.testing.assert_allclose(r, want_r, atol=1e-13)
        for u, s, vh in both(lambda a: L.svd(a, full_matrices=full), x):
            assert u.shape == shape[:-2] + (m, m if full else k) and vh.shape == shape[:-2] + ((n if full else k), n)
            for got, want in zip((u, s, vh), np.linalg.svd(x, full_matrices=full)):
                np.testing.assert_allclose(got, want, atol=1e-12)
    for s in both(lambda a: L.svd(a, compute_uv=False), x):
        np.testing.assert_allclose(s, np.linalg.svd(x, compute_uv=False), atol=1e-12)
    u, s, vh = fast(lambda a: L.svd(a, full_matrices=False, subset_by_index=(1, k)))(x)
    want_u, want_s, want_vh = np.linalg.svd(x, full_matrices=False)
    np.testing.assert_allclose(s, want_s[..., 1:], atol=1e-12)
    np.testing.assert_allclose(u, want_u[..., 1:], atol=1e-12)
    np.testing.assert_allclose(vh, want_vh[..., 1:, :], atol=1e-12)


def test_pivoted_qr_picks_geqp3s_columns():
    tied = np.eye(4)[:, [2, 0, 3, 1]] * np.array([1.0, 2.0, 2.0, 1.0])     # ties go to the first column
    for q, r, p in both(lambda a: L.qr(a, pivoting=True), tied):
        assert p.dtype == np.int32
        np.testing.assert_array_equal(p, [1, 2, 0, 3])                        # JAX's
        np.testing.assert_allclose(q @ r, tied[:, p], atol=1e-14)
    for shape in [(5, 3), (3, 5), (6, 6)]:
        x = RNG.normal(size=shape)
        want_q, want_r, want_p = S.qr(x, pivoting=True)
        for full in (True, False):
            for q, r, p in both(lambda a: L.qr(a, pivoting=True, full_matrices=full), x):
                np.testing.assert_array_equal(p, want_p)
                k = q.shape[-1]
                np.testing.assert_allclose(q, want_q[:, :k], atol=1e-12)
                np.testing.assert_allclose(r, want_r[:k], atol=1e-12)
    x = RNG.normal(size=(2, 3, 4, 5))
    p = fast(lambda a: L.qr(a, pivoting=True)[2])(x)
    for i in np.ndindex(2, 3):
        np.testing.assert_array_equal(p[i], S.qr(x[i], pivoting=True)[2])


# -- solves and products -------------------------------------------------------------------------------------------
_FLAGS = list(itertools.product([False, True], repeat=5))


def test_triangular_solve_every_flag_combination():
    a = RNG.normal(size=(2, 4, 4)) + 1j * RNG.normal(size=(2, 4, 4)) + 4 * np.eye(4)
    b_left = RNG.normal(size=(2, 4, 3)) + 1j * RNG.normal(size=(2, 4, 3))
    b_right = np.swapaxes(b_left, -1, -2)

    def solve_all(a, b_left, b_right):
        return [L.triangular_solve(a, b_left if left else b_right, left_side=left, lower=lower, transpose_a=tr,
                                   conjugate_a=cj, unit_diagonal=unit) for left, lower, tr, cj, unit in _FLAGS]

    for results in both(solve_all, a, b_left, b_right):
        for (left, lower, tr, cj, unit), x in zip(_FLAGS, results):
            op = np.tril(a) if lower else np.triu(a)
            if unit:
                op = op - op * np.eye(4) + np.eye(4)
            op = np.swapaxes(op, -1, -2) if tr else op
            op = np.conj(op) if cj else op
            got_b = op @ x if left else x @ op
            np.testing.assert_allclose(got_b, b_left if left else b_right, atol=1e-12,
                                       err_msg=f"left={left} lower={lower} transpose={tr} conj={cj} unit={unit}")
    unread = np.array([[np.nan, 7.0], [2.0, np.inf]])                  # the diagonal and the upper triangle
    for x in both(lambda a, b: L.triangular_solve(a, b, left_side=True, lower=True, unit_diagonal=True), unread,
                  np.ones((2, 1))):
        np.testing.assert_array_equal(x, [[1.0], [-1.0]])
    vec = RNG.normal(size=(2, 4))
    real_a = a.real
    for x in both(lambda a, b: L.triangular_solve(a, b, left_side=True, lower=True), real_a, vec):
        assert x.shape == (2, 4)
        np.testing.assert_allclose(np.einsum("bij,bj->bi", np.tril(real_a), x), vec, atol=1e-12)


def test_tridiagonal_solve_matches_jax():
    dl, d, du = np.array([0.0, 1, -2, 0.5]), np.array([4.0, 5, 6, 3]), np.array([1.0, 2, 1, 0])
    b = np.array([[1.0, 0], [2, 1], [3, 0], [4, -1]])
    want = np.array([[0.19579500657030224, -0.04073587385019711], [0.21681997371879108, 0.16294349540078845],
                     [0.3600525624178712, 0.11300919842312747], [1.2733245729303548, -0.3521681997371879]])
    unread_set = (np.array([9.0, 1, -2, 0.5]), d, np.array([1.0, 2, 1, 7]), b)    # dl[0], du[-1] are not read
    for args in ((dl, d, du, b), unread_set):
        for got in both(L.tridiagonal_solve, *args):
            np.testing.assert_allclose(got, want, atol=1e-14)
    dl, d, du = RNG.normal(size=(3, 2, 5)) + 1j * RNG.normal(size=(3, 2, 5))
    b = RNG.normal(size=(2, 5, 3)).astype(complex)
    dense = (np.eye(5) * d[..., None] + np.eye(5, k=-1) * dl[..., None] + np.eye(5, k=1) * du[..., None])
    np.testing.assert_allclose(fast(L.tridiagonal_solve)(dl, d, du, b), np.linalg.solve(dense, b), atol=1e-12)


def test_symmetric_product_and_cholesky_update_match_jax():
    a, c = np.arange(6.0).reshape(2, 3), np.arange(4.0).reshape(2, 2)
    for got in both(lambda a, c: L.symmetric_product(a, c, alpha=2.0, beta=3.0), a, c):
        np.testing.assert_allclose(got, [[10.0, 31.0], [34.0, 109.0]])
    for got in both(lambda a, c: L.symmetric_product(a, c, alpha=2.0, beta=3.0, symmetrize_output=True), a, c):
        np.testing.assert_allclose(got, [[10.0, 34.0], [34.0, 109.0]])
    r = np.array([[2.0, 1, 0.5], [0, -1.5, 0.3], [0, 0, 1.2]])               # one negative diagonal entry
    w = np.array([0.3, -0.7, 1.1])
    want = np.array([[2.02237484, 0.885098036, 0.657642675], [0, 1.71947709, -0.757252450], [0, 0, 1.40857192]])
    for got in both(L.cholesky_update, r, w):
        np.testing.assert_allclose(got, want, atol=1e-8)


# -- eig -----------------------------------------------------------------------------------------------------------
def test_eig_left_and_right_vectors_are_geevs():
    complex_x = RNG.normal(size=(4, 4)) + 1j * RNG.normal(size=(4, 4))
    real_x = spd((4, 4)) + 0.1 * RNG.normal(size=(4, 4))          # real eigenvalues: geev's signs are fixed too
    for x in (complex_x, real_x):
        want_w, want_vl, want_vr = S.eig(x, left=True, right=True)
        for w, vl, vr in both(L.eig, x):
            assert w.dtype == vl.dtype == vr.dtype == np.complex128
            np.testing.assert_allclose(w, want_w, atol=1e-12)
            np.testing.assert_allclose(vl, want_vl, atol=1e-12)
            np.testing.assert_allclose(vr, want_vr, atol=1e-12)
    x = RNG.normal(size=(2, 5, 5))                                  # complex pairs: geev's sign is its own
    for w, vl, vr in both(L.eig, x):
        np.testing.assert_allclose(np.conj(np.swapaxes(vl, -1, -2)) @ x, w[..., :, None] * np.conj(
            np.swapaxes(vl, -1, -2)), atol=1e-12)
        np.testing.assert_allclose(np.linalg.norm(vl, axis=-2), 1, atol=1e-13)
        top = np.take_along_axis(vl, np.argmax(np.abs(vl), axis=-2)[..., None, :], axis=-2)
        pair = w.imag[..., None, :] != 0
        assert np.all(top.imag == 0) and np.all(top.real[pair] > 0)
        assert np.all(np.sum(np.conj(vl) * vr, axis=-2).real[~pair[..., 0, :]] > 0)      # geev's rule for real w
    for got in both(lambda a: L.eig(a, compute_left_eigenvectors=False, compute_right_eigenvectors=False), x):
        assert len(got) == 1
        np.testing.assert_allclose(got[0], np.linalg.eigvals(x), atol=1e-12)
    assert [o.dtype for o in fast(L.eig)(x.astype(np.float32))] == [np.complex64] * 3


# -- Householder reflectors (LAPACK's storage, which JAX returns as is) --------------------------------------------
LP = pytest.importorskip("scipy.linalg.lapack")


@pytest.mark.parametrize("cplx", [False, True])
def test_hessenberg_and_tridiagonal_are_lapacks(cplx):
    x = RNG.normal(size=(5, 5)) + (1j * RNG.normal(size=(5, 5)) if cplx else 0)
    want_h, want_tau, _ = (LP.zgehrd if cplx else LP.dgehrd)(x)
    for h, tau in both(L.hessenberg, x):
        assert tau.shape == (4,) and tau.dtype == x.dtype
        np.testing.assert_allclose(h, want_h, atol=1e-13)
        np.testing.assert_allclose(tau, want_tau[:4], atol=1e-13)
    for lower in (True, False):
        unread = np.triu(RNG.normal(size=(5, 5)), 1) if lower else np.tril(RNG.normal(size=(5, 5)), -1)
        want = (LP.zhetrd if cplx else LP.dsytrd)(x, lower=int(lower))[:4]
        for got in both(lambda a: L.tridiagonal(a, lower=lower), x + unread):
            assert got[1].dtype == got[2].dtype == np.float64 and got[3].dtype == x.dtype
            np.testing.assert_allclose(got[0], want[0] + unread, atol=1e-13)       # the other triangle as it was
            for g, w in zip(got[1:], want[1:]):
                np.testing.assert_allclose(g, w, atol=1e-13)


def test_householder_product_and_ormqr_apply_geqrfs_q():
    x = RNG.normal(size=(2, 5, 3)) + 1j * RNG.normal(size=(2, 5, 3))
    raw, taus = zip(*[LP.zgeqrf(m)[:2] for m in x])
    raw, taus = np.stack(raw), np.stack(taus)
    q = np.linalg.qr(x, mode="complete")[0]
    for got in both(L.householder_product, raw, taus):
        np.testing.assert_allclose(got, q[..., :3], atol=1e-13)
    c = RNG.normal(size=(2, 5, 2)) + 1j * RNG.normal(size=(2, 5, 2))
    qh = np.conj(np.swapaxes(q, -1, -2))

    def products(raw, taus, c):
        return [L.ormqr(raw, taus, c if left else np.swapaxes(c, -1, -2), left=left, transpose=tr)
                for left, tr in itertools.product([True, False], repeat=2)]
    wants = [qh @ c, q @ c, np.swapaxes(c, -1, -2) @ qh, np.swapaxes(c, -1, -2) @ q]
    for results in both(products, raw, taus, c):
        for got, want in zip(results, wants):
            np.testing.assert_allclose(got, want, atol=1e-13)


# -- derivatives and the compiled bundle ---------------------------------------------------------------------------
def test_derivatives_match_finite_differences():
    x = spd((2, 3, 3)) + 0.3 * RNG.normal(size=(2, 3, 3))
    check_grads(lambda a: L.cholesky(a), (x,), order=1)
    check_grads(lambda a: L.cholesky(a, symmetrize_input=False), (x,), order=1)

    def eigh_signed(a):
        v, w = L.eigh(a, lower=False, symmetrize_input=False)
        return v * jnp.sign(v[..., :1, :]), w
    check_grads(eigh_signed, (x,), order=1)
    check_grads(lambda a: L.lu(a)[0], (RNG.normal(size=(2, 4, 3)),), order=1)
    check_grads(lambda a: L.qr(a, full_matrices=False), (RNG.normal(size=(4, 3)),), order=1)
    check_grads(lambda a: L.qr(a, full_matrices=False, pivoting=True)[:2], (RNG.normal(size=(4, 3)),), order=1)
    check_grads(lambda a: L.qr(a, pivoting=True)[:2], (RNG.normal(size=(2, 4, 2)),), order=1)    # complete, tall
    check_grads(lambda a: L.svd(a, compute_uv=False), (RNG.normal(size=(4, 3)),), order=1)
    t, b = RNG.normal(size=(2, 3, 3)) + 3 * np.eye(3), RNG.normal(size=(2, 3, 2))
    check_grads(lambda a, b: L.triangular_solve(a, b, left_side=True, lower=True, transpose_a=True), (t, b), order=1)
    check_grads(lambda a, b: L.triangular_solve(a, b, unit_diagonal=True), (t, np.swapaxes(b, -1, -2)), order=1)
    dl, d, du = RNG.normal(size=(3, 4)) + np.array([[0], [4], [0]])
    check_grads(L.tridiagonal_solve, (dl, d, du, RNG.normal(size=(4, 2))), order=1)
    check_grads(lambda a, c: L.symmetric_product(a, c, alpha=2.0, beta=0.5, symmetrize_output=True),
                (RNG.normal(size=(3, 4)), RNG.normal(size=(3, 3))), order=1)
    check_grads(L.cholesky_update, (np.linalg.cholesky(spd((3, 3))).T, RNG.normal(size=3)), order=1)
    check_grads(L.eig, (RNG.normal(size=(3, 3)),), order=1)
    check_grads(L.hessenberg, (RNG.normal(size=(4, 4)),), order=1)
    check_grads(lambda a: L.tridiagonal(a, lower=False), (RNG.normal(size=(4, 4)),), order=1)
    raw, taus = LP.dgeqrf(RNG.normal(size=(5, 3)))[:2]
    check_grads(L.householder_product, (raw, taus), order=1)
    check_grads(lambda a, t, c: L.ormqr(a, t, c, left=False, transpose=True), (raw, taus, RNG.normal(size=(2, 5))),
                order=1)


def test_complete_tall_qr_gradient_is_jaxs():
    x = np.array([[0.3, -1.2, 0.5], [1.1, 0.4, -0.7], [-0.6, 0.9, 0.2], [0.8, -0.3, 1.4], [0.1, 0.6, -0.5]])
    want = np.array([[-0.2705217740744017, -0.378982719230373, -0.26872283181106843],         # JAX's
                     [0.34042644025128477, 0.14774702425059594, 0.30772653953698487],
                     [0.07934367954053237, 0.005542918814131003, 0.11548920808048448],
                     [-0.13963904342930716, 0.04820779254921837, -0.11412443398704344],
                     [-1.3399510958632774, -0.8406739365743975, -0.9728927190943752]])
    got = fast(jaxlike.grad(lambda a: jnp.sum(L.qr(a)[0][:, 4])))(x)      # the last Householder column
    np.testing.assert_allclose(got, want, atol=1e-12)


def test_one_bundle_compiled_by_the_default_backend():
    x = spd((2, 3, 3)) + 0.3 * RNG.normal(size=(2, 3, 3))
    t, b = RNG.normal(size=(2, 3, 3)) + 3 * np.eye(3), RNG.normal(size=(2, 3, 2))
    dl, d, du = RNG.normal(size=(3, 4)) + np.array([[0], [4], [0]])

    def bundle(x, t, b, dl, d, du, bt, r, w):
        packed, piv, _ = L.lu(t)
        return (L.cholesky(x), L.eigh(x)[1], L.eigh(x)[0], packed, piv, L.lu_pivots_to_permutation(piv, 4),
                *L.qr(t[0, :, :2]), *L.qr(b, pivoting=True), *L.svd(t, full_matrices=False),
                L.triangular_solve(t, b, left_side=True, lower=True, transpose_a=True, unit_diagonal=True),
                L.tridiagonal_solve(dl, d, du, bt), L.symmetric_product(t, x, alpha=2.0, beta=0.5),
                L.cholesky_update(r, w), *L.eig(t), *L.hessenberg(t), *L.tridiagonal(x),
                L.householder_product(*L.hessenberg(t)))

    args = (x, t, b, dl, d, du, RNG.normal(size=(4, 2)), np.linalg.cholesky(spd((3, 3))).T, RNG.normal(size=3))
    got, want = jaxlike.compile(bundle)(*args), bundle(*args)
    assert len(got) == len(want) == 28
    for i, (g, w) in enumerate(zip(got, want)):
        assert g.dtype == w.dtype and g.shape == w.shape, i
        np.testing.assert_allclose(g, w, atol=1e-11, err_msg=f"output {i}")


# -- errors --------------------------------------------------------------------------------------------------------
_I3 = np.eye(3)


@pytest.mark.parametrize("call,error,words", [
    (lambda: L.lu(np.eye(3, dtype=np.int32)), TypeError, "x must be floating"),
    (lambda: L.cholesky(np.ones((2, 3))), ValueError, "x must be square"),
    (lambda: L.qr(np.ones(3)), ValueError, "rank >= 2"),
    (lambda: L.lu_pivots_to_permutation(np.array([2, 2], np.int64), 3), TypeError, "pivots must be int32"),
    (lambda: L.lu_pivots_to_permutation(np.array([2, 2, 2], np.int32), 2), ValueError, "permutation_size"),
    (lambda: L.triangular_solve(_I3, np.ones((3, 3), np.float32)), TypeError, "same dtype"),
    (lambda: L.triangular_solve(_I3, np.ones((2, 4))), ValueError, "incompatible shapes"),
    (lambda: L.triangular_solve(np.stack([_I3, _I3]), np.ones((1, 3, 3))), ValueError, "batch dimensions"),
    (lambda: L.svd(_I3, subset_by_index=(0, 2)), ValueError, "full_matrices and subset_by_index"),
    (lambda: L.eigh(_I3, subset_by_index=(2, 5)), ValueError, "subset_by_index"),
    (lambda: L.tridiagonal_solve(np.ones(3), np.ones(3), np.ones(3), np.ones(3)), TypeError, "b must have shape"),
    (lambda: L.tridiagonal_solve(np.ones(3), np.ones(4), np.ones(3), np.ones((3, 1))), TypeError, "dl, d and du"),
    (lambda: L.symmetric_product(np.ones((3, 4)) * 1j, np.ones((3, 3))), TypeError, "a_matrix must be floating"),
    (lambda: L.symmetric_product(np.ones((2, 3, 4)), np.ones((3, 3))), TypeError, "batch dimensions"),
    (lambda: L.cholesky_update(_I3[None], np.ones((1, 3))), TypeError, "r_matrix must have rank 2"),
    (lambda: L.cholesky_update(_I3, np.ones(4)), ValueError, "w_vector"),
    (lambda: L.svd(_I3, algorithm=L.SvdAlgorithm.JACOBI), NotImplementedError, "algorithm"),
    (lambda: L.householder_product(np.ones((3, 5)), np.ones(2)), ValueError, "at least as many rows"),
    (lambda: L.ormqr(np.ones((5, 3)), np.ones(2), np.ones((4, 2))), ValueError, "c's rows"),
    (lambda: L.ormqr(np.ones((5, 3)), np.ones(4), np.ones((5, 2))), ValueError, "k <= min"),
    (lambda: L.hessenberg(np.ones((3, 4))), ValueError, "a must be square"),
])
def test_bad_arguments_are_named(call, error, words):
    with pytest.raises(error, match=words):
        call()
