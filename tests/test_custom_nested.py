"""Custom JVP rules built from the transforms themselves (a rule that calls ``jvp``, or takes the Jacobian of the
linear map ``jvp`` gives), differentiated again from outside (``jacfwd``, ``jacrev``, ``hessian``, ``vmap``,
under ``compile``), checked against derivatives worked out by hand; and a rule whose tangent has the wrong
shape, refused in every mode as JAX refuses it."""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike import lax
from jaxlike.core.graph import toposort


def _sin_times(x):
    return jnp.sin(x) * x


@jaxlike.custom_jvp
def sin_times(x):
    return _sin_times(x)


@sin_times.defjvp
def _sin_times_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    # NOTE: the rule's tangent is the Jacobian of the linear map u -> jvp(f, x, u), applied to t
    jac = jaxlike.jacobian(lambda u: jaxlike.jvp(_sin_times, (x,), (u,))[1])(t)
    return _sin_times(x), jnp.dot(jac, t) if jnp.ndim(t) else jac * t


@jaxlike.custom_jvp
def gram(x):
    return jnp.dot(x, jnp.transpose(x))


@gram.defjvp
def _gram_jvp(primals, tangents):
    return jaxlike.jvp(lambda x: jnp.dot(x, jnp.transpose(x)), primals, tangents)


def _d_sin_times(x):
    return np.cos(x) * x + np.sin(x)


def _d2_sin_times(x):
    return 2.0 * np.cos(x) - np.sin(x) * x


def test_a_rule_built_from_the_jacobian_of_a_jvp_differentiates_again():
    x = np.array([0.3, -0.7, 1.1])
    np.testing.assert_allclose(jaxlike.jacfwd(sin_times)(x), np.diag(_d_sin_times(x)), atol=1e-12)
    np.testing.assert_allclose(jaxlike.jacrev(sin_times)(x), np.diag(_d_sin_times(x)), atol=1e-12)
    np.testing.assert_allclose(jaxlike.hessian(sin_times)(0.4), _d2_sin_times(0.4), atol=1e-12)
    # the Jacobian of a function that calls jvp of the custom function: d/dx (f'(x) * x)
    jj = jaxlike.jacrev(lambda z: jaxlike.jvp(sin_times, (z,), (z,))[1])(x)
    np.testing.assert_allclose(jj, np.diag(_d2_sin_times(x) * x + _d_sin_times(x)), atol=1e-12)
    np.testing.assert_allclose(jaxlike.vmap(jaxlike.grad(sin_times))(x), _d_sin_times(x), atol=1e-12)


def _gram_jacobian(x):
    m, n = x.shape
    eye = np.eye(m)
    # d (x x^T)[i, j] / d x[a, b] = [i == a] x[j, b] + [j == a] x[i, b]
    return np.einsum("ia,jb->ijab", eye, x) + np.einsum("ja,ib->ijab", eye, x)


def test_compiled_jacrev_of_a_custom_function_with_a_matrix_output():
    # the Jacobian's row count, the size of the flattened output, was read off the custom call's output: the
    # compiled graph computed that call only to provide a size, and inlining the call after differentiation
    # never removed it (compile looped forever; a hessian lost the size and failed with a KeyError)
    x = np.arange(6.0).reshape(2, 3) / 5
    graph = jaxlike.make_jaxpr(jaxlike.jacrev(gram))(x)
    assert all(v.prim is None or v.prim.name != "custom_jvp_call" for v in toposort(list(graph.size_roots)))
    np.testing.assert_allclose(jaxlike.compile(jaxlike.jacrev(gram))(x), _gram_jacobian(x), atol=1e-12)
    np.testing.assert_allclose(jaxlike.jacfwd(gram)(x), _gram_jacobian(x), atol=1e-12)


@jaxlike.custom_jvp
def wrong_tangent(x):
    return jnp.sin(x)


@wrong_tangent.defjvp
def _wrong_tangent_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    # NOTE: a Jacobian where its product with the tangent belongs: shape (3, 3) for a (3,) output
    return jnp.sin(x), jaxlike.jacobian(lambda u: jaxlike.jvp(jnp.sin, (x,), (u,))[1])(t) * t


@pytest.mark.parametrize("transform", [jaxlike.jacfwd, jaxlike.jacrev, lambda f: lambda x: jaxlike.jvp(f, (x,), (x,))])
def test_a_tangent_of_the_wrong_shape_is_refused_in_every_mode(transform):
    # reverse mode used to transpose the ill-shaped tangent map silently into a wrong Jacobian
    with pytest.raises(TypeError, match=r"wrong_tangent: the jvp rule returns a tangent output of shape \(3, 3\) "
                                        r"for a primal output of shape \(3,\)"):
        transform(wrong_tangent)(np.array([0.3, -0.7, 1.1]))


def test_custom_linear_solve_transposes_through_the_matvec_pullback():
    # transpose_solve receives the transposed matvec, a vjp of matvec; it was called with the cotangent's
    # leaves as separate arguments and failed for every transform
    a = np.array([[3.0, 1.0, 0.2], [0.5, 4.0, 1.0], [0.1, 0.3, 2.0]])
    b = np.array([1.0, -2.0, 0.5])

    def solve(matvec, rhs):
        return jnp.linalg.solve(jaxlike.jacobian(matvec)(rhs), rhs)

    def x_of(b):
        return lax.custom_linear_solve(lambda x: jnp.dot(a, x), b, solve, transpose_solve=solve)

    inv = np.linalg.inv(a)
    np.testing.assert_allclose(jaxlike.jacrev(x_of)(b), inv, atol=1e-12)
    np.testing.assert_allclose(jaxlike.grad(lambda b: jnp.sum(x_of(b)))(b), inv.sum(axis=0), atol=1e-12)


def test_a_size_read_off_a_custom_result_compiles_without_the_call():
    """Catches: inlining the custom call rebuilt the reshape that only binds the size n, but later graphs took
    the old reshape (still holding the call) for its provider and re-added it: compile looped without end.
    Run in a thread so that a regression fails here instead of hanging the suite."""
    import threading

    f = jaxlike.compile(lambda x: jnp.arange(jnp.reshape(gram(x), (-1,)).shape[0]) * 1.0)
    out = []
    worker = threading.Thread(target=lambda: out.append(f(np.ones((2, 3)))), daemon=True)
    worker.start()
    worker.join(120)
    assert out, "compile did not finish in 120 s"
    np.testing.assert_array_equal(out[0], np.arange(4.0))
    assert all(v.prim is None or "custom" not in v.prim.name for v in f.optimized_graph(np.ones((2, 3))).nodes())
