"""Theano's other derivative operators: ``T.jacobian``, ``T.hessian``, ``T.Rop``, ``T.Lop`` (also reachable as
``theano.gradient.*`` with ``import jaxlike as theano``), compiled with ``theano.function`` on symbolic sizes
and checked against closed forms and finite differences."""

import numpy as np
import pytest

import jaxlike as theano
import jaxlike.tensor as T


def numerical_jacobian(f, x, eps=1e-6):
    return np.stack([(f(x + eps * e) - f(x - eps * e)) / (2 * eps) for e in np.eye(x.size)], axis=-1)


def _closed_form_jacobian(x):
    # d/dx of tanh(x) * sum(x**2)
    return np.diag((1 - np.tanh(x) ** 2) * np.sum(x ** 2)) + np.outer(np.tanh(x), 2 * x)


def test_jacobian_and_hessian_compile_once_for_every_size():
    x = T.dvector("x")
    f = theano.function([x], [T.jacobian(T.tanh(x) * T.sum(x ** 2), x), T.hessian(T.sum(T.sin(x) * x ** 3), x)])
    for n in (1, 4, 9):
        xv = np.linspace(-1, 1, n)
        J, H = f(xv)
        np.testing.assert_allclose(J, _closed_form_jacobian(xv), rtol=1e-13, atol=1e-15)
        d2 = -np.sin(xv) * xv ** 3 + 6 * xv ** 2 * np.cos(xv) + 6 * xv * np.sin(xv)
        np.testing.assert_allclose(H, np.diag(d2), rtol=1e-13, atol=1e-15)


def test_jacobian_of_a_matrix_expression_against_a_list_of_wrt():
    W, b = T.dmatrix("W"), T.dvector("b")
    x = T.dvector("x")
    y = T.nnet.sigmoid(T.dot(x, W) + b)
    jW, jb = T.jacobian(y, [W, b])
    f = theano.function([x, W, b], [jW, jb])
    rng = np.random.default_rng(0)
    xv, Wv, bv = rng.normal(size=3), rng.normal(size=(3, 2)), rng.normal(size=2)
    got_W, got_b = f(xv, Wv, bv)
    g = lambda Wf: 1 / (1 + np.exp(-(xv @ Wf.reshape(3, 2) + bv)))  # noqa: E731
    np.testing.assert_allclose(got_W.reshape(2, 6), numerical_jacobian(g, Wv.ravel()), atol=1e-7)
    s = 1 / (1 + np.exp(-(xv @ Wv + bv)))
    np.testing.assert_allclose(got_b, np.diag(s * (1 - s)), rtol=1e-12)
    assert got_W.shape == (2, 3, 2)


def test_rop_and_lop_are_jacobian_products():
    x, v, u = T.dvector("x"), T.dvector("v"), T.dvector("u")
    y = T.tanh(x) * T.sum(x ** 2)
    f = theano.function([x, v, u], [T.Rop(y, x, v), T.Lop(y, x, u), theano.gradient.jacobian(y, x)])
    rng = np.random.default_rng(1)
    xv, vv, uv = rng.normal(size=4), rng.normal(size=4), rng.normal(size=4)
    r, lo, J = f(xv, vv, uv)
    np.testing.assert_allclose(r, J @ vv, rtol=1e-12)
    np.testing.assert_allclose(lo, uv @ J, rtol=1e-12)


def test_scalar_expression_jacobian_is_its_gradient_and_errors_are_clear():
    x = T.dvector("x")
    g = theano.function([x], T.jacobian(T.sum(x ** 2), x))
    np.testing.assert_allclose(g(np.array([1.0, 2.0])), [2.0, 4.0])
    with pytest.raises(TypeError, match="hessian: wrt must be a vector"):
        T.hessian(T.sum(T.dmatrix("m") ** 2), T.dmatrix("m2"))
    with pytest.raises(TypeError, match="jacobian: wrt must be a symbolic variable"):
        T.jacobian(x * 2, np.ones(3))
    with pytest.raises(T.DisconnectedInputError):
        T.jacobian(x * 2, T.dvector("other"))
    with pytest.raises(ValueError, match="Rop: 2 eval_points for 1 variables"):
        T.Rop(x * 2, x, [x, x])
