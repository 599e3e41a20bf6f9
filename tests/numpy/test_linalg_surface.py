"""jaxlike.numpy.linalg, one table row per call: values against numpy.linalg (batched, integer input,
numpy 2 semantics such as solve's 1-D right-hand side), and JVP/VJP to second order against finite
differences. Eigen- and singular vectors are determined up to sign, so rows that return them compare a
sign-free function of them (squares, or the rank-one products u v^T).

What it catches: a wrong matrix-calculus rule (inverse, Cholesky, eigh, SVD, pinv), a transpose or batch
axis mixed up, the triangle numpy reads (UPLO) ignored, a norm order computed over the wrong axes.
"""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from _surface import Row, check_row, ids, traced, signed
from jaxlike.test_util import check_grads


def _wc(*shapes):
    """Well-conditioned square matrices."""
    return lambda r: tuple(r.uniform(-1, 1, s) + 3 * np.eye(s[-1]) for s in shapes)


def _spd(*shapes):
    def make(r):
        out = []
        for s in shapes:
            a = r.uniform(-1, 1, s)
            out.append(a @ np.swapaxes(a, -1, -2) + s[-1] * np.eye(s[-1]))
        return tuple(out)
    return make


def _sym_spread(*shapes):
    """Symmetric matrices with well separated eigenvalues, plus noise above the diagonal (which eigh with
    UPLO='L' must ignore)."""
    def make(r):
        out = []
        for s in shapes:
            q, _ = np.linalg.qr(r.standard_normal(s))
            w = np.arange(1.0, s[-1] + 1) * 1.3 - 2
            a = (q * w) @ np.swapaxes(q, -1, -2)
            out.append(a + np.triu(r.uniform(-5, 5, s), 1))
        return tuple(out)
    return make


def _rect(*shapes):
    """Matrices with distinct, well separated singular values."""
    def make(r):
        out = []
        for s in shapes:
            k = min(s[-2:])
            u, _ = np.linalg.qr(r.standard_normal(s[:-1] + (k,)))
            v, _ = np.linalg.qr(r.standard_normal(s[:-2] + (s[-1], k)))
            out.append((u * (np.arange(k, 0, -1) + 0.5)) @ np.swapaxes(v, -1, -2))
        return tuple(out)
    return make


def _uv(res):
    """Sign-free form of an SVD: the sum over k of s_k-weighted rank-one u_k v_k^T, weighted by k to make the
    order matter."""
    u, s, vh = res
    k = np.arange(1.0, s.shape[-1] + 1)
    return (u * k) @ vh


def _tri(m):
    """numpy's triangle reading: jnp's eigh/eigvalsh/cholesky symmetrize their input by default, as JAX's."""
    return {} if m is np else {"symmetrize_input": False}


def _eigvec_sq(m, a, **kw):
    return m.linalg.eigh(a, **kw, **_tri(m))[1] ** 2


ROWS = [
    Row("inv", lambda m, a: m.linalg.inv(a), _wc((3, 3))),
    Row("inv batched", lambda m, a: m.linalg.inv(a), _wc((2, 3, 3))),
    Row("solve matrix rhs", lambda m, a, b: m.linalg.solve(a, b), lambda r: _wc((3, 3))(r) + (r.normal(size=(3, 2)),)),
    Row("solve vector rhs", lambda m, a, b: m.linalg.solve(a, b), lambda r: _wc((3, 3))(r) + (r.normal(size=3),)),
    Row("solve broadcast batch", lambda m, a, b: m.linalg.solve(a, b),
        lambda r: _wc((2, 1, 3, 3))(r) + (r.normal(size=(4, 3, 2)),)),
    Row("det", lambda m, a: m.linalg.det(a), _wc((3, 3))),
    Row("det batched", lambda m, a: m.linalg.det(a), _wc((2, 2, 2))),
    Row("slogdet", lambda m, a: tuple(m.linalg.slogdet(a)), lambda r: (r.normal(size=(2, 3, 3)),)),
    Row("slogdet fields", lambda m, a: m.linalg.slogdet(a).logabsdet, lambda r: (r.normal(size=(3, 3)),)),
    Row("cholesky", lambda m, a: m.linalg.cholesky(a), _spd((3, 3))),
    Row("cholesky batched", lambda m, a: m.linalg.cholesky(a), _spd((2, 4, 4))),
    Row("cholesky reads the lower triangle", lambda m, a: m.linalg.cholesky(a + np.triu(np.ones((3, 3)), 1),
                                                                           **_tri(m)), _spd((3, 3))),
    Row("cholesky symmetrizes", lambda m, a: m.linalg.cholesky(
        a + (np.triu(np.ones((3, 3)), 1) if m is not np else (np.ones((3, 3)) - np.eye(3)) / 2)), _spd((3, 3))),
    Row("cholesky upper", lambda m, a: m.linalg.cholesky(a, upper=True), _spd((3, 3))),
    Row("eigh values", lambda m, a: m.linalg.eigh(a, **_tri(m))[0], _sym_spread((3, 3))),
    Row("eigh vectors", _eigvec_sq, _sym_spread((3, 3))),
    Row("eigh batched UPLO=U", lambda m, a: _eigvec_sq(m, np.swapaxes(a, -1, -2) if m is np else
                                                       jnp.swapaxes(a, -1, -2), UPLO="U"), _sym_spread((2, 3, 3))),
    Row("eigh fields", lambda m, a: m.linalg.eigh(a, **_tri(m)).eigenvalues, _sym_spread((4, 4))),
    Row("eigvalsh", lambda m, a: m.linalg.eigvalsh(a, **_tri(m)), _sym_spread((2, 3, 3))),
    Row("svd values", lambda m, a: m.linalg.svd(a, compute_uv=False), _rect((3, 2))),
    Row("svd reduced square", lambda m, a: _uv(m.linalg.svd(a)), _rect((3, 3))),
    Row("svd reduced tall", lambda m, a: _uv(m.linalg.svd(a, full_matrices=False)), _rect((4, 2))),
    Row("svd reduced wide batched", lambda m, a: _uv(m.linalg.svd(a, full_matrices=False)), _rect((2, 2, 4))),
    Row("svd full tall values", lambda m, a: m.linalg.svd(a)[0].shape == (4, 4) and
        m.abs(m.linalg.svd(a)[0][:, :2]), _rect((4, 2)), grad=False),
    Row("svdvals", lambda m, a: m.linalg.svdvals(a), _rect((2, 3))),
    Row("pinv", lambda m, a: m.linalg.pinv(a), _rect((4, 3))),
    Row("pinv wide batched", lambda m, a: m.linalg.pinv(a), _rect((2, 2, 3))),
    Row("pinv rtol", lambda m, a: m.linalg.pinv(a, rtol=1e-8), _rect((3, 3))),
    Row("norm", lambda m, x: m.linalg.norm(x), lambda r: (r.normal(size=(3, 4)),)),
    Row("norm keepdims", lambda m, x: m.linalg.norm(x, keepdims=True), lambda r: (r.normal(size=(3, 4)),)),
    Row("norm vector ord=1 axis", lambda m, x: m.linalg.norm(x, 1, axis=-1), lambda r: (r.normal(size=(3, 4)),)),
    Row("norm vector ord=inf", lambda m, x: m.linalg.norm(x, np.inf, axis=0), lambda r: (r.normal(size=(3, 4)),)),
    Row("norm vector ord=-inf", lambda m, x: m.linalg.norm(x, -np.inf), lambda r: (r.normal(size=5),)),
    Row("norm vector ord=3", lambda m, x: m.linalg.norm(x, 3, axis=1, keepdims=True),
        lambda r: (r.normal(size=(3, 4)),)),
    Row("norm vector ord=0", lambda m, x: m.linalg.norm(x, 0), lambda r: (r.normal(size=5),), grad=False),
    Row("norm matrix fro", lambda m, x: m.linalg.norm(x, "fro", axis=(2, 0)), lambda r: (r.normal(size=(3, 2, 4)),)),
    Row("norm matrix nuc", lambda m, x: m.linalg.norm(x, "nuc"), _rect((3, 4))),
    Row("norm matrix 2", lambda m, x: m.linalg.norm(x, 2, axis=(1, 2)), _rect((2, 3, 3))),
    Row("norm matrix -2", lambda m, x: m.linalg.norm(x, -2), _rect((4, 3))),
    Row("norm matrix 1", lambda m, x: m.linalg.norm(x, 1), lambda r: (r.normal(size=(3, 4)),)),
    Row("norm matrix -1 axes", lambda m, x: m.linalg.norm(x, -1, axis=(1, 0), keepdims=True),
        lambda r: (r.normal(size=(3, 4)),)),
    Row("norm matrix inf", lambda m, x: m.linalg.norm(x, np.inf, axis=(0, 2)), lambda r: (r.normal(size=(3, 2, 4)),)),
    Row("norm matrix -inf", lambda m, x: m.linalg.norm(x, -np.inf), lambda r: (r.normal(size=(3, 4)),)),
    Row("vector_norm", lambda m, x: m.linalg.vector_norm(x, axis=(0, 2), ord=1.5), signed(0.3, 2, (2, 3, 4))),
    Row("vector_norm all", lambda m, x: m.linalg.vector_norm(x, keepdims=True), lambda r: (r.normal(size=(2, 3)),)),
    Row("matrix_norm", lambda m, x: m.linalg.matrix_norm(x, ord=1), lambda r: (r.normal(size=(2, 3, 4)),)),
    Row("matrix_power", lambda m, a: m.linalg.matrix_power(a, 5), lambda r: (r.uniform(-0.6, 0.6, (3, 3)),)),
    Row("matrix_power negative", lambda m, a: m.linalg.matrix_power(a, -2), _wc((2, 3, 3))),
    Row("matrix_power zero", lambda m, a: m.linalg.matrix_power(a, 0), _wc((3, 3)), grad=False),
    Row("matrix_rank", lambda m, a: m.linalg.matrix_rank(a), lambda r: (np.outer(r.normal(size=4), r.normal(size=3))
                                                                         + np.outer(r.normal(size=4), r.normal(size=3)),),
        grad=False),
    Row("multi_dot", lambda m, a, b, c, d: m.linalg.multi_dot([a, b, c, d]),
        lambda r: (r.normal(size=5), r.normal(size=(5, 2)), r.normal(size=(2, 6)), r.normal(size=(6, 3)))),
    Row("matrix_transpose", lambda m, x: m.linalg.matrix_transpose(x), lambda r: (r.normal(size=(2, 3, 4)),)),
    Row("vecdot", lambda m, x, y: m.linalg.vecdot(x, y, axis=0), lambda r: (r.normal(size=(3, 4)), r.normal(size=(3, 1)))),
    Row("linalg trace", lambda m, x: m.linalg.trace(x, offset=1), lambda r: (r.normal(size=(2, 3, 4)),)),
    Row("linalg diagonal", lambda m, x: m.linalg.diagonal(x), lambda r: (r.normal(size=(2, 3, 4)),)),
    Row("linalg cross", lambda m, x, y: m.linalg.cross(x, y), lambda r: (r.normal(size=(4, 3)), r.normal(size=3))),
    Row("linalg outer", lambda m, x, y: m.linalg.outer(x, y), lambda r: (r.normal(size=3), r.normal(size=2))),
    Row("qr reduced tall", lambda m, a: tuple(m.linalg.qr(a)), _rect((4, 2))),
    Row("qr square batched", lambda m, a: tuple(m.linalg.qr(a)), _rect((2, 3, 3))),
    Row("qr complete square", lambda m, a: tuple(m.linalg.qr(a, mode="complete")), _rect((3, 3))),
    Row("qr r", lambda m, a: m.linalg.qr(a, mode="r"), _rect((5, 3))),
    Row("qr fields", lambda m, a: m.linalg.qr(a).Q, _rect((3, 2))),
    Row("qr wide", lambda m, a: tuple(m.linalg.qr(a)), _rect((2, 4))),
    Row("qr complete wide batched", lambda m, a: tuple(m.linalg.qr(a, mode="complete")), _rect((2, 2, 3))),
    Row("qr complete tall values", lambda m, a: tuple(m.linalg.qr(a, mode="complete")), _rect((4, 2)), grad=False),
    Row("lstsq tall", lambda m, a, b: tuple(m.linalg.lstsq(a, b)[:2]), lambda r: _rect((5, 3))(r) + (r.normal(size=(5, 2)),)),
    Row("lstsq vector rhs", lambda m, a, b: tuple(m.linalg.lstsq(a, b)[:2]), lambda r: _rect((5, 3))(r) + (r.normal(size=5),)),
    Row("lstsq wide", lambda m, a, b: m.linalg.lstsq(a, b)[0], lambda r: _rect((2, 4))(r) + (r.normal(size=2),)),
    Row("lstsq rank and values", lambda m, a, b: tuple(m.linalg.lstsq(a, b, rcond=None)[2:]),
        lambda r: _rect((4, 3))(r) + (r.normal(size=4),), grad=False),
    Row("cond", lambda m, a: m.linalg.cond(a), _rect((4, 3))),
    Row("cond -2", lambda m, a: m.linalg.cond(a, -2), _rect((2, 3, 3))),
    Row("cond fro", lambda m, a: m.linalg.cond(a, "fro"), _wc((3, 3))),
    Row("cond 1 batched", lambda m, a: m.linalg.cond(a, 1), _wc((2, 3, 3))),
    Row("tensorsolve", lambda m, a, b: m.linalg.tensorsolve(a, b),
        lambda r: (r.uniform(-1, 1, (2, 3, 6)) + 3 * np.eye(6).reshape(2, 3, 6), r.normal(size=(2, 3)))),
    Row("tensorsolve axes", lambda m, a, b: m.linalg.tensorsolve(a, b, axes=(0,)),
        lambda r: (np.moveaxis(r.uniform(-1, 1, (4, 2, 2)) + 3 * np.eye(4).reshape(4, 2, 2), 0, -1).copy()
                   .transpose(2, 0, 1).copy(), r.normal(size=(2, 2)))),
    Row("tensorinv", lambda m, a: m.linalg.tensorinv(a, ind=1),
        lambda r: ((r.uniform(-1, 1, (4, 4)) + 3 * np.eye(4)).reshape(4, 2, 2),)),
    Row("integer input", lambda m, a: m.linalg.inv(a), lambda r: (np.array([[2, 1], [1, 3]]),), grad=False),
]


@pytest.mark.parametrize("row", ROWS, ids=ids(ROWS))
def test_row(row):
    check_row(row)


# -- the decompositions' own outputs, identities and conventions --------------------------------------------------
def test_svd_reconstructs_and_its_vectors_are_orthonormal(rng):
    a = rng.normal(size=(2, 5, 3))
    u, s, vh = traced(lambda x: jnp.linalg.svd(x, full_matrices=False))(a)
    np.testing.assert_allclose((u * s[..., None, :]) @ vh, a, atol=1e-12)
    np.testing.assert_allclose(np.swapaxes(u, -1, -2) @ u, np.broadcast_to(np.eye(3), (2, 3, 3)), atol=1e-12)
    uf, sf, vhf = traced(jnp.linalg.svd)(a)
    assert uf.shape == (2, 5, 5) and vhf.shape == (2, 3, 3)
    np.testing.assert_allclose(sf, np.linalg.svd(a, compute_uv=False))


def test_eigh_vectors_diagonalize(rng):
    q, _ = np.linalg.qr(rng.normal(size=(4, 4)))
    a = (q * np.array([-1.0, 0.5, 2.0, 3.0])) @ q.T
    w, v = traced(jnp.linalg.eigh)(a)
    np.testing.assert_allclose(v @ np.diag(w) @ v.T, a, atol=1e-12)


def test_gradient_of_singular_values_is_finite_at_repeated_values():
    """s alone has a derivative where singular values repeat (here the identity); the U/V rules are never
    entered because each output is its own primitive (see ops/decomp.py)."""
    g = jaxlike.grad(lambda a: jnp.linalg.norm(a, "nuc"))(np.eye(3))
    np.testing.assert_allclose(g, np.eye(3), atol=1e-12)
    g = jaxlike.grad(lambda a: jnp.sum(jnp.linalg.eigvalsh(a)))(np.eye(3))
    np.testing.assert_allclose(g, np.eye(3), atol=1e-12)


def test_eigh_gradient_ignores_the_upper_triangle(rng):
    """With symmetrize_input=False eigh reads the lower triangle only, as numpy's, so the upper one gets
    exactly zero gradient (the default, JAX's, is symmetric: tests/numpy/test_jax_compat_numpy.py)."""
    a = _sym_spread((3, 3))(rng)[0]
    g = jaxlike.grad(lambda x: jnp.sum(jnp.linalg.eigh(x, symmetrize_input=False)[0] ** 3))(a)
    assert np.all(np.triu(g, 1) == 0) and np.any(np.tril(g) != 0)


def test_cholesky_gradient_matches_the_symmetric_formula(rng):
    """For f(A) = sum(L), d f / d A restricted to symmetric perturbations: compare with a central difference
    along a symmetric direction."""
    a = _spd((3, 3))(rng)[0]
    d = rng.normal(size=(3, 3))
    d = d + d.T
    g = jaxlike.grad(lambda x: jnp.sum(jnp.linalg.cholesky(x) ** 2))(a)
    eps = 1e-6
    fd = (np.sum(np.linalg.cholesky(a + eps * d) ** 2) - np.sum(np.linalg.cholesky(a - eps * d) ** 2)) / (2 * eps)
    np.testing.assert_allclose(np.sum(g * d), fd, rtol=1e-6)


def test_full_svd_of_a_rectangle_has_no_vector_derivative():
    with pytest.raises(ValueError, match="full_matrices=True"):
        jaxlike.grad(lambda a: jnp.sum(jnp.linalg.svd(a)[0]))(np.ones((3, 2)))
    jaxlike.grad(lambda a: jnp.sum(jnp.linalg.svd(a)[1]))(np.eye(3, 2))  # the singular values are fine


def test_det_gradient_is_the_cofactor_matrix(rng):
    a = _wc((3, 3))(rng)[0]
    np.testing.assert_allclose(jaxlike.grad(jnp.linalg.det)(a), np.linalg.det(a) * np.linalg.inv(a).T, rtol=1e-10)


def _cofactors(a):
    n = a.shape[0]
    return np.array([[(-1) ** (i + j) * np.linalg.det(np.delete(np.delete(a, i, 0), j, 1)) for j in range(n)]
                     for i in range(n)])


def test_det_gradient_at_singular_matrices_is_the_cofactor_matrix(rng):
    """Catches: LinAlgError (inv of a singular matrix) where det's gradient, the matrix of cofactors, is
    finite: rank n-1 (nonzero cofactors) and rank n-2 (all zero), batched, compiled and not, and complex."""
    rank1 = np.outer([1.0, 2.0, 3.0], [1.0, -1.0, 2.0]) + np.outer([0.0, 1.0, 1.0], [2.0, 0.0, 1.0])
    batch = np.stack([rank1, np.outer([1.0, 2.0, 3.0], [1.0, 1.0, 0.5]), np.zeros((3, 3)), _wc((3, 3))(rng)[0]])
    want = np.stack([_cofactors(a) for a in batch])
    grad = jaxlike.grad(lambda a: jnp.sum(jnp.linalg.det(a)))
    for f in (grad, jaxlike.compile(grad)):
        np.testing.assert_allclose(f(batch), want, atol=1e-12)
    z = rank1 + 1j * np.outer([1.0, 0.0, 2.0], [0.5, 1.0, 1.0])
    z[2] = z[0] + z[1]
    np.testing.assert_allclose(jaxlike.grad(jnp.linalg.det, holomorphic=True)(z), _cofactors(z), atol=1e-12)
    check_grads(lambda a: jnp.linalg.det(a @ a.T + np.eye(3)), (rank1,), order=2)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("fn", [jnp.linalg.inv, jnp.linalg.det, lambda a: jnp.linalg.slogdet(a)[1],
                                jnp.linalg.cholesky, lambda a: jnp.linalg.eigh(a)[0], jnp.linalg.pinv,
                                lambda a: jnp.linalg.svd(a)[1], jnp.linalg.norm],
                         ids=["inv", "det", "slogdet", "cholesky", "eigh", "pinv", "svd", "norm"])
def test_dtype_is_kept_through_values_and_gradients(fn, dtype):
    a = (np.eye(3) * 3 + np.array([[0.2, 0.1, 0.0], [0.1, 0.3, 0.2], [0.0, 0.2, 0.1]])).astype(dtype)
    assert traced(fn)(a).dtype == np.dtype(dtype)
    assert jaxlike.grad(lambda x: jnp.sum(fn(x)))(a).dtype == np.dtype(dtype)


def test_float16_is_computed_in_float32():
    a = (np.eye(2) * 2).astype(np.float16)
    out = traced(jnp.linalg.inv)(a)
    assert out.dtype == np.float16
    np.testing.assert_allclose(out, np.eye(2) / 2)


def test_batch_and_shape_errors_are_clear():
    with pytest.raises(np.linalg.LinAlgError, match="square"):
        jaxlike.grad(lambda a: jnp.sum(jnp.linalg.inv(a)))(np.ones((2, 3)))
    with pytest.raises(np.linalg.LinAlgError, match="two-dimensional"):
        jaxlike.grad(lambda a: jnp.linalg.det(a))(np.ones(3))
    with pytest.raises(ValueError, match="Invalid norm order"):
        jaxlike.grad(lambda a: jnp.linalg.norm(a, "nuc", axis=0))(np.ones((2, 2)))
    with pytest.raises(ValueError, match="UPLO"):
        jnp.linalg.eigh(np.eye(2), UPLO="X")


def test_compiled_decompositions_check_square_operands_when_they_run():
    """Catches: numba's LinAlgError ("Last 2 dimensions of the array must be square", from numba's own file)
    where two symbolic sizes left the shape rule unable to tell; and an empty max's error without the user's
    line."""
    f = jaxlike.compile(lambda a, b: (jnp.linalg.det(a), jnp.linalg.solve(a, b), jnp.linalg.inv(a).max()))
    assert np.allclose(f(np.eye(2) * 2, np.ones(2))[1], [0.5, 0.5])
    with pytest.raises(ValueError, match=r"det: the matrices have 3 columns but 2 rows; .*\(at test_linalg"):
        f(np.ones((2, 3)), np.ones(2))
    with pytest.raises(ValueError, match=r"solve: the right-hand side has 3 rows where the matrix has 2 \(at"):
        f(np.eye(2), np.ones(3))
    with pytest.raises(ValueError, match=r"reduce_max: zero-size array .* \(at test_linalg_surface.py:\d+\)"):
        f(np.zeros((0, 0)), np.zeros(0))


def test_decompositions_compile_with_symbolic_sizes_and_differentiate_with_concrete_ones(rng):
    """The forward values work on symbolic sizes; gradients need an identity mask, so compile retraces
    them with concrete shapes (one entry per size) and still gets them right."""
    f = traced(lambda a: jnp.sum(jnp.linalg.inv(a)))
    for n in (2, 3):
        a = _wc((n, n))(rng)[0]
        np.testing.assert_allclose(f(a), np.sum(np.linalg.inv(a)))
    assert len(f._cache) == 1
    g = traced(jaxlike.grad(lambda a: jnp.linalg.slogdet(a)[1]))
    for n in (2, 3):
        a = _wc((n, n))(rng)[0]
        np.testing.assert_allclose(g(a), np.linalg.inv(a).T, rtol=1e-10)


def test_sibling_outputs_share_one_decomposition_safely(rng):
    """U, s and Vh (and eigh's two outputs) come from one cached decomposition; writing into one returned
    array must not change what a later sibling call returns."""
    from jaxlike.ops import decomp as D
    a = rng.normal(size=(3, 3))
    u = D.svd_u.numpy(a, full_matrices=False)
    u[...] = 0.0
    np.testing.assert_allclose(D.svd_vh.numpy(a, full_matrices=False), np.linalg.svd(a)[2])
    np.testing.assert_allclose(D.svd_u.numpy(a, full_matrices=False), np.linalg.svd(a)[0])
    b = a.copy()
    w = D.eigh_values.numpy(b + b.T)
    b[0, 0] += 1.0  # a changed operand (same shape and dtype) must be recomputed, not served from the cache
    np.testing.assert_allclose(D.eigh_values.numpy(b + b.T), np.linalg.eigvalsh(b + b.T))
    assert not np.allclose(w, D.eigh_values.numpy(b + b.T))


def test_qr_refuses_derivatives_that_do_not_exist():
    """Catches: a gradient through the extra columns of a complete Q (not unique) returned as if it were one
    (JAX refuses it too)."""
    a = _rect((4, 2))(np.random.default_rng(0))[0]
    with pytest.raises(ValueError, match="orthonormal completion"):
        jaxlike.grad(lambda x: jnp.sum(jnp.linalg.qr(x, mode="complete")[0]))(a)


def test_qr_and_lstsq_bad_arguments():
    """Catches: an unknown mode or mismatched lstsq operands reaching LAPACK as a raw error."""
    x = jnp.ones((3, 2))
    with pytest.raises(ValueError, match="unrecognized mode"):
        jaxlike.grad(lambda a: jnp.sum(jnp.linalg.qr(a, mode="economic")[1]))(np.eye(2))
    with pytest.raises(np.linalg.LinAlgError, match="3 rows, b has 4"):
        jaxlike.compile(lambda a, b: jnp.linalg.lstsq(a, b)[0])(np.asarray(x), np.ones(4))


def test_lstsq_of_empty_and_mixed_dtype_problems_and_cond_of_empty():
    """Catches: lstsq's rank as max() over no singular values (a crash on an (M, 0) or (0, N) problem, which
    numpy answers: x of zeros, residuals |b|^2 when M > 0 = N, rank 0), singular values in a's float32 while
    numpy computes a float32 a against a float64 b in float64, and cond of an empty matrix failing inside a
    reduction instead of numpy's LinAlgError."""
    fn = traced(lambda a, b: tuple(jnp.linalg.lstsq(a, b)))
    rng = np.random.default_rng(3)
    for a, b in [(np.zeros((3, 0)), np.ones(3)), (np.zeros((3, 0)), np.ones((3, 2))), (np.zeros((0, 3)), np.ones(0)),
                 (rng.normal(size=(4, 3)).astype(np.float32), rng.normal(size=(4, 2)))]:
        for got, want in zip(fn(a, b), np.linalg.lstsq(a, b)):
            got = np.asarray(got)
            assert got.shape == np.shape(want) and got.dtype == np.asarray(want).dtype, (a.shape, got, want)
            np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-12)
    with pytest.raises(np.linalg.LinAlgError, match="empty"):
        jaxlike.grad(lambda a: jnp.linalg.cond(a))(np.zeros((0, 3)))


def test_cond_of_a_singular_matrix_is_inf_compiled():
    """Catches: cond in the 1/inf/'fro' norms inverting the matrix, so a singular one raised inv's
    LinAlgError where numpy (and JAX) answer inf; the batch's regular matrix keeps its value and gradient."""
    a = np.stack([np.array([[1.0, 2.0], [2.0, 4.0]]), np.array([[2.0, 1.0], [1.0, 3.0]])])
    norms = [1, -1, np.inf, -np.inf, "fro"]
    fn = jaxlike.compile(lambda x: tuple(jnp.linalg.cond(x, p) for p in norms))
    with np.errstate(all="ignore"):
        want = [np.linalg.cond(a, p) for p in norms]
    for got, w in zip(fn(a), want):
        np.testing.assert_allclose(got, w, rtol=1e-13)
    check_grads(lambda x: jnp.linalg.cond(x, 1) + jnp.linalg.cond(x, "fro"), (a[1],), order=1)


def test_cholesky_of_a_matrix_that_is_not_positive_definite_is_nan():
    """Catches: LinAlgError raised from compiled code (numba's and numpy's cholesky raise) where JAX answers
    NaN in that matrix's lower triangle; the batch's other matrices keep their factors."""
    a = np.stack([np.eye(2) * 4.0, -np.eye(2), np.array([[1.0, 2.0], [2.0, 1.0]])])
    want_nan = np.array([[np.nan, 0.0], [np.nan, np.nan]])
    for got in (jnp.linalg.cholesky(a), jaxlike.compile(jnp.linalg.cholesky)(a),
                jaxlike.compile(jnp.linalg.cholesky, mode="FAST_COMPILE")(a)):
        np.testing.assert_array_equal(got[0], np.eye(2) * 2.0)
        np.testing.assert_array_equal(got[1], want_nan)
        np.testing.assert_array_equal(got[2], want_nan)
