"""The JAX-style transformations and how they compose: grad of grad, compile of grad, grad of compile, jvp of
grad, vjp, value_and_grad with has_aux, argnums tuples, pytrees of parameters, jacrev/jacfwd/jacobian/
hessian; every result against finite differences. Also the seed tutorial's f'(15) = 4.3474040903."""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike import grad, value_and_grad, vjp, jvp, jacrev, jacfwd, jacobian, hessian
from jaxlike.test_util import check_grads


def seed_f(x):
    return jnp.exp(jnp.sin(x ** 2))


def _numerical_jacobian(f, x, eps=1e-6):
    x = np.asarray(x, dtype=np.float64)
    cols = []
    for k in range(x.size):
        e = np.zeros(x.size)
        e[k] = eps
        e = e.reshape(x.shape)
        cols.append((np.asarray(f(x + e)) - np.asarray(f(x - e))) / (2 * eps))
    out_shape = np.shape(f(x))
    return np.stack(cols, axis=-1).reshape(out_shape + x.shape)


def _fd(f, x, eps=1e-6):
    return (f(x + eps) - f(x - eps)) / (2 * eps)


@pytest.fixture(scope="module")
def compiled_seed_grad():
    return jaxlike.compile(grad(seed_f))


# -- the seed claim ------------------------------------------------------------------------------------------
def test_seed_derivative_at_15(compiled_seed_grad):
    """The tutorial's number, through the un-compiled (interpreted) and compiled paths."""
    assert abs(float(grad(seed_f)(15.0)) - 4.3474040903) < 1e-9
    assert abs(float(compiled_seed_grad(15.0)) - 4.3474040903) < 1e-9
    assert abs(float(compiled_seed_grad(np.float64(15.0))) - 4.3474040903) < 1e-9


def test_seed_derivative_matches_finite_differences_on_many_points(compiled_seed_grad):
    xs = np.linspace(-3, 3, 13)
    want = _fd(lambda x: np.exp(np.sin(x ** 2)), xs)
    got = np.array([compiled_seed_grad(float(x)) for x in xs])
    assert np.allclose(got, want, rtol=1e-6, atol=1e-6)


# -- composition ---------------------------------------------------------------------------------------------
def test_grad_of_grad_matches_finite_differences():
    d1 = grad(seed_f)
    d2 = grad(d1)
    d3 = grad(d2)
    for x in (0.3, 1.1, -2.0):
        assert np.isclose(d2(x), _fd(d1, x), rtol=1e-6, atol=1e-6)
        assert np.isclose(d3(x), _fd(d2, x), rtol=1e-5, atol=1e-5)


def test_compile_of_grad_and_grad_of_compile_agree():
    f = jaxlike.compile(lambda w, x: jnp.sum(jnp.tanh(x @ w) ** 2))
    w, x = np.random.default_rng(1).normal(size=(3, 2)), np.random.default_rng(2).normal(size=(4, 3))
    g1 = grad(f)(w, x)                         # grad of a compiled function: inlined into the trace
    g2 = jaxlike.compile(grad(f))(w, x)        # compile of that
    g3 = jaxlike.compile(grad(f.__wrapped__))(w, x)
    want = _numerical_jacobian(lambda w_: np.sum(np.tanh(x @ w_) ** 2), w)
    for g in (g1, g2, g3):
        assert np.allclose(g, want, atol=1e-7)


def test_grad_of_compiled_function_with_static_argument():
    cf = jaxlike.compile(lambda x, n: x ** n, static_argnums=1)
    assert np.isclose(grad(cf)(2.0, 3), 12.0)
    assert np.isclose(grad(cf)(2.0, 4), 32.0)


def test_jvp_of_grad_is_the_hessian_vector_product():
    f = lambda x: jnp.sum(jnp.sin(x) * x[0])  # noqa: E731
    x, v = np.array([0.1, 0.2, 0.7]), np.array([1.0, -2.0, 0.5])
    g, hv = jvp(grad(f), (x,), (v,))
    H = _numerical_jacobian(grad(f), x)
    assert np.allclose(hv, H @ v, atol=1e-6)
    assert np.allclose(g, grad(f)(x))


def test_nested_grad_keeps_perturbations_apart():
    """Catches: perturbation confusion: d/dx [x * d/dy (x*y)] is 2x, not 3x or x."""
    assert np.isclose(grad(lambda x: x * grad(lambda y: x * y)(2.0))(3.0), 6.0)
    # d/dx [d/dy sin(x y)]_{y=x} = d/dx [x cos(x^2)]
    got = grad(lambda x: grad(lambda y: jnp.sin(x * y))(x))(0.7)
    assert np.isclose(got, np.cos(0.49) - 2 * 0.49 * np.sin(0.49))


def test_check_grads_on_compositions():
    x = np.array([0.3, -0.8, 1.4])
    check_grads(lambda x: grad(lambda y: jnp.sum(jnp.tanh(y) ** 3))(x), (x,), order=2)
    check_grads(jaxlike.compile(lambda x: jnp.sum(jnp.exp(x) / (1 + x ** 2))), (x,), order=2)


# -- vjp / jvp -----------------------------------------------------------------------------------------------
def test_vjp_with_pytree_outputs_and_cotangent_checks():
    def f(p):
        return {"a": p[0] * 2.0, "b": [jnp.sum(p[1] ** 2)]}

    p = (np.ones(2), np.arange(3.0))
    out, pullback = vjp(f, p)
    assert np.array_equal(out["a"], [2.0, 2.0]) and np.isclose(out["b"][0], 5.0)
    (ct,) = pullback({"a": np.array([1.0, 3.0]), "b": [2.0]})
    assert np.array_equal(ct[0], [2.0, 6.0]) and np.array_equal(ct[1], 4.0 * np.arange(3.0))
    with pytest.raises(TypeError, match="does not match the output structure"):
        pullback({"a": np.ones(2)})
    with pytest.raises(ValueError, match="rank"):
        pullback({"a": np.ones((2, 2)), "b": [1.0]})


def test_vjp_has_aux():
    out, pullback, aux = vjp(lambda x: (x * 3.0, {"n": x.shape[0]}), np.ones(2), has_aux=True)
    assert aux == {"n": 2}
    assert np.array_equal(pullback(np.ones(2))[0], [3.0, 3.0])


def test_jvp_with_pytree_primals_and_tangent_checks():
    out, tan = jvp(lambda d: d["x"] * d["y"], ({"x": 2.0, "y": 3.0},), ({"x": 1.0, "y": 0.5},))
    assert out == 6.0 and np.isclose(tan, 3.0 + 1.0)
    with pytest.raises(ValueError, match="tangent shape"):
        jvp(lambda x: x, (np.ones(2),), (np.ones(3),))
    with pytest.raises(TypeError, match="tangent structure"):
        jvp(lambda x: x, ((1.0, 2.0),), ([1.0, 2.0],))
    with pytest.raises(ValueError, match="2 primals but 1 tangents"):
        jvp(lambda x, y: x, (1.0, 2.0), (1.0,))



def test_tangents_and_cotangents_must_have_their_primals_dtype_and_shape():
    """Catches: jvp/linearize taking a float32 or integer tangent for a float64 primal, and vjp_fn a float32
    or integer cotangent for a float64 output, silently (JAX raises TypeError naming both dtypes); the error
    names the leaf. Python numbers of the primal's kind still take its dtype, as JAX's weak types do."""
    x = np.ones(3)
    _, pullback = vjp(lambda v: {"a": v * 2.0}, x)
    _, f_jvp = jaxlike.linearize(lambda v: v * 2.0, x)
    bad_dtypes = [
        (lambda: jvp(lambda v: v * 2.0, (x,), (np.ones(3, int),)),
         r"jvp: tangents\[0\] has dtype int64 but its primal has float64"),
        (lambda: jvp(lambda d: d["w"], ({"w": x},), ({"w": x.astype(np.float32)},)),
         r"tangents\[0\]\['w'\] has dtype float32"),
        (lambda: f_jvp(x.astype(np.float32)), "linearize: tangent 0 has dtype float32 but its primal has float64"),
        (lambda: pullback({"a": x.astype(np.float32)}),
         r"vjp_fn: cotangent\['a'\] has dtype float32 but its output has float64"),
        (lambda: pullback({"a": np.ones(3, int)}), "cotangent.* has dtype int64"),
    ]
    for call, message in bad_dtypes:
        with pytest.raises(TypeError, match=message + ".*test_api.py"):
            call()
    with pytest.raises(ValueError, match=r"cotangent\['a'\] has shape \(2,\) but its output has \(3,\)"):
        pullback({"a": np.ones(2)})
    out, tangent = jvp(lambda v: v * 2.0, (np.float32(1.5),), (1.0,))
    assert tangent.dtype == np.float32 and tangent == 2.0
    (ct,) = vjp(lambda v: jnp.sum(v), x.astype(np.float32))[1](1.0)
    assert ct.dtype == np.float32

# -- value_and_grad, argnums, pytrees ------------------------------------------------------------------------
def test_value_and_grad_with_has_aux_and_pytree_params():
    def loss(p, x):
        pred = x @ p["w"] + p["b"]
        return jnp.sum(pred ** 2), {"pred": pred, "n": 4}

    p = {"w": np.ones((3, 2)), "b": np.zeros(2)}
    x = np.arange(12.0).reshape(4, 3)
    (val, aux), g = value_and_grad(loss, has_aux=True)(p, x)
    pred = x @ p["w"] + p["b"]
    assert np.isclose(val, np.sum(pred ** 2)) and np.allclose(aux["pred"], pred)
    assert set(g) == {"w", "b"}
    assert np.allclose(g["w"], 2 * x.T @ pred) and np.allclose(g["b"], 2 * pred.sum(0))
    g2, aux2 = grad(loss, has_aux=True)(p, x)
    assert np.allclose(g2["w"], g["w"]) and np.allclose(aux2["pred"], pred)


def test_argnums_tuples_and_negative_argnums():
    f = lambda a, b, c: jnp.sum(a * b * c)  # noqa: E731
    a, b, c = np.array([1.0, 2.0]), np.array([3.0, 4.0]), np.array([5.0, 6.0])
    ga, gc = grad(f, argnums=(0, 2))(a, b, c)
    assert np.allclose(ga, b * c) and np.allclose(gc, a * b)
    assert np.allclose(grad(f, argnums=-1)(a, b, c), a * b)
    (ga1,) = grad(f, argnums=(0,))(a, b, c)
    assert np.allclose(ga1, b * c)
    # a repeated index gives the gradient each time, as JAX (was zeros for all but the last copy)
    gb, ga, gb2 = grad(f, argnums=(1, 0, 1))(a, b, c)
    assert np.allclose(gb, a * c) and np.allclose(gb2, a * c) and np.allclose(ga, b * c)
    assert all(np.allclose(g, a * c) for g in jaxlike.jacobian(f, argnums=(1, 1))(a, b, c))


@pytest.mark.parametrize("params", [
    {"w": np.array([0.5, -1.0]), "b": [0.3, np.array([0.1, 0.2])]},
    [np.array([0.5, -1.0]), (0.3, np.array([0.1, 0.2]))],
    (np.array([0.5, -1.0]), {"b": 0.3, "c": np.array([0.1, 0.2])}),
], ids=["dict", "list", "tuple"])
def test_gradients_keep_the_parameter_tree(params):
    leaves, tree = jaxlike.pytree.flatten(params)

    def loss(p):
        return sum(jnp.sum(jnp.sin(leaf) * (i + 1)) for i, leaf in enumerate(jaxlike.pytree.flatten(p)[0]))

    g = grad(loss)(params)
    g_leaves, g_tree = jaxlike.pytree.flatten(g)
    assert g_tree == tree
    for i, (leaf, gl) in enumerate(zip(leaves, g_leaves)):
        assert np.allclose(gl, np.cos(leaf) * (i + 1))
    check_grads(loss, (params,), order=1)


def test_grad_of_a_constant_function_is_zero_and_stop_gradient_blocks():
    assert grad(lambda x: 3.0)(1.0) == 0.0
    assert np.array_equal(grad(lambda x: jnp.sum(jnp.stop_gradient(x) * x))(np.arange(3.0)), np.arange(3.0))
    assert np.array_equal(grad(lambda x, y: jnp.sum(x), argnums=1)(np.ones(2), np.ones(3)), np.zeros(3))


# -- Jacobians and Hessians ----------------------------------------------------------------------------------
JAC_CASES = [
    (lambda x: jnp.sin(x) * x[0], np.array([0.1, 0.5, -0.4])),
    (lambda x: x @ np.arange(6.0).reshape(3, 2), np.ones((2, 3))),
    (lambda x: jnp.sum(x ** 2, axis=1), np.array([[0.1, 0.2], [0.3, -0.4], [1.0, 2.0]])),
    (lambda x: jnp.tanh(x), 0.5),
]


@pytest.mark.parametrize("jac", [jacrev, jacfwd, jacobian])
@pytest.mark.parametrize("case", range(len(JAC_CASES)))
def test_jacobians_match_finite_differences(jac, case):
    f, x = JAC_CASES[case]
    J = jac(f)(x)
    want = _numerical_jacobian(lambda y: np.asarray(f(y)), x)
    assert np.shape(J) == want.shape
    assert np.allclose(J, want, atol=1e-7)


def test_jacrev_and_jacfwd_compile():
    f = lambda x: jnp.sin(x) * jnp.sum(x)  # noqa: E731
    x = np.array([0.1, 0.5, -0.4])
    for jac in (jacrev, jacfwd):
        assert np.allclose(jaxlike.compile(jac(f))(x), jac(f)(x))


def test_hessian_matches_finite_differences_of_the_gradient():
    f = lambda x: jnp.sum(jnp.exp(x[0] * x) * jnp.sin(x))  # noqa: E731
    x = np.array([0.3, -0.2, 0.8])
    H = hessian(f)(x)
    assert np.allclose(H, _numerical_jacobian(grad(f), x), atol=1e-6)
    assert np.allclose(H, H.T, atol=1e-10)
    assert np.allclose(jaxlike.compile(hessian(f))(x), H)


def test_jacobian_with_respect_to_a_second_argument():
    f = lambda a, b: a * jnp.sin(b)  # noqa: E731
    a, b = np.array([1.0, 2.0]), np.array([0.3, 0.4])
    assert np.allclose(jacrev(f, argnums=1)(a, b), np.diag(a * np.cos(b)))
    assert np.allclose(jacfwd(f, argnums=1)(a, b), np.diag(a * np.cos(b)))


def test_jacobians_and_hessian_over_an_argnums_tuple():
    f = lambda a, b: a * jnp.sin(b) + a[0] * b  # noqa: E731
    a, b = np.array([1.0, 2.0]), np.array([0.3, 0.4])
    for jac in (jacrev, jacfwd):
        ja, jb = jac(f, argnums=(0, 1))(a, b)
        assert np.allclose(ja, _numerical_jacobian(lambda a_: np.asarray(f(a_, b)), a), atol=1e-7)
        assert np.allclose(jb, _numerical_jacobian(lambda b_: np.asarray(f(a, b_)), b), atol=1e-7)
    s = lambda a, b: jnp.sum(a * a * jnp.sin(b))  # noqa: E731
    (haa, hab), (hba, hbb) = hessian(s, argnums=(0, 1))(a, b)
    assert np.allclose(haa, np.diag(2 * np.sin(b))) and np.allclose(hbb, np.diag(-a * a * np.sin(b)))
    assert np.allclose(hab, np.diag(2 * a * np.cos(b))) and np.allclose(hba, hab.T)



def test_jacobians_of_pytree_outputs_and_arguments_nest_as_in_jax():
    """Catches: jacrev/jacfwd/jacobian/hessian of a function returning a tuple or dict (a raw numpy "setting
    an array element with a sequence", or a TypeError) and of a dict argument (a bare array for one leaf,
    "container of 2 arrays" for two). JAX nests the output's tree outside, then the argnums tuple, then the
    argument's tree; compiled, too."""
    x = np.array([0.3, -0.2, 0.8])
    f = lambda v: (jnp.sin(v), {"s": jnp.sum(v ** 2)})  # noqa: E731
    params = {"a": x, "b": np.array([1.0, 2.0])}
    for jac in (jacrev, jacfwd):
        tuple_out = jac(f)(x)
        assert isinstance(tuple_out, tuple) and set(tuple_out[1]) == {"s"}
        np.testing.assert_allclose(tuple_out[0], np.diag(np.cos(x)))
        np.testing.assert_allclose(tuple_out[1]["s"], 2 * x)
        dict_in = jac(lambda p: p["a"] * jnp.sum(p["b"]))(params)
        assert set(dict_in) == {"a", "b"} and dict_in["a"].shape == (3, 3)
        np.testing.assert_allclose(dict_in["b"], np.repeat(x[:, None], 2, axis=1))
        assert set(jac(lambda p: p["a"] * 2.0)({"a": x})) == {"a"}
        both = jac(lambda a, b: {"p": a * b[0]}, argnums=(0, 1))(x, np.array([2.0]))
        assert set(both) == {"p"} and both["p"][0].shape == (3, 3) and both["p"][1].shape == (3, 1)
    H = hessian(lambda p: jnp.sum(p["a"] ** 2) * jnp.sum(p["b"]))(params)
    assert set(H) == {"a", "b"} and set(H["a"]) == {"a", "b"}
    np.testing.assert_allclose(H["a"]["b"], np.repeat(2 * x[:, None], 2, axis=1))
    np.testing.assert_allclose(jaxlike.compile(jacobian(f))(x)[1]["s"], 2 * x)

# -- check_grads itself ----------------------------------------------------------------------------------------
def _elementwise_prim(name, numpy, vjp):
    from jaxlike.core.primitive import Primitive, Kind
    from jaxlike.ops._rules import elementwise_shape, dtype_float
    return Primitive(name, Kind.ELEMENTWISE, shape=elementwise_shape(dtype_float), numpy=numpy, vjp=vjp,
                     extra={"nin": 1})


def test_check_grads_catches_a_wrong_first_derivative_and_names_it():
    """Catches: a gradient checker that passes wrong rules, or whose message does not say where."""
    bad_sin = _elementwise_prim("bad_sin", np.sin, lambda g, ans, x: (g * jnp.cos(x) * 1.01,))
    args = (2.0, np.array([0.1, 0.5]))
    for mode, label in (("fwd", "JVP (order 1, mode fwd)"), ("rev", "VJP (order 1, mode rev)")):
        with pytest.raises(AssertionError) as info:
            check_grads(lambda a, x: a * bad_sin(x), args, order=1, modes=(mode,))
        msg = str(info.value)
        assert label in msg and "argument 1" in msg, msg
        assert "expected" in msg or "<JVP_fd(tangent), cotangent>" in msg


def test_check_grads_catches_a_wrong_second_derivative_only_at_order_2():
    bad_cos = _elementwise_prim("bad_cos", np.cos, lambda g, ans, x: (g * jnp.sin(x),))  # sign flipped
    good_sin = _elementwise_prim("good_sin", np.sin, lambda g, ans, x: (g * bad_cos(x),))
    x = (np.array([0.3, 0.9]),)
    check_grads(good_sin, x, order=1)
    for mode in ("fwd", "rev"):
        with pytest.raises(AssertionError, match=r"of (JVP|VJP) \(order 2, mode " + mode):
            check_grads(good_sin, x, order=2, modes=(mode,))


def test_check_grads_holds_integer_leaves_fixed_and_walks_pytrees():
    check_grads(lambda x, k: x ** k, (np.array([0.5, 1.5]), 3), order=2)
    check_grads(lambda p: jnp.sum(p["w"] * p["b"][0]) + p["b"][1], ({"w": np.ones(2), "b": [0.5, 2.0]},))
    check_grads(lambda x: jnp.tanh(x) * 2.0, (np.array([0.5, -1.0], np.float32),), order=2)


def test_check_grads_rejects_bad_arguments():
    with pytest.raises(ValueError, match="order"):
        check_grads(jnp.sin, (1.0,), order=0)
    with pytest.raises(ValueError, match="modes"):
        check_grads(jnp.sin, (1.0,), modes=("backward",))
    with pytest.raises(TypeError, match="no floating-point argument"):
        check_grads(lambda k: k * 2, (3,))
    with pytest.raises(TypeError, match="tuple or list"):
        check_grads(jnp.sin, 1.0)


@pytest.mark.parametrize("module", ["jaxlike.api", "jaxlike.test_util"])
def test_docstring_examples_run(module):
    """Catches: a documented example that no longer works."""
    import doctest
    import importlib
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted and not result.failed


def test_transformations_differentiate_the_stabilized_function():
    """Catches: grad/vjp/jvp/jacobian built on the naive log(softmax(x)): its value was rewritten to the
    log_softmax form, but the gradient divided by a probability that had underflowed to 0 (NaN)."""
    def log_softmax(x):
        return jnp.log(jnp.exp(x) / jnp.sum(jnp.exp(x)))
    x = np.array([1000.0, -1000.0, 0.0])
    p = np.array([1.0, 0.0, np.exp(-1000.0)])
    want = np.array([1.0, 1.0, 1.0]) - 3 * p           # the gradient of sum(log_softmax(x))
    f = lambda x: jnp.sum(log_softmax(x))  # noqa: E731
    value, g = jaxlike.value_and_grad(f)(x)
    assert value == -3000.0 and np.allclose(g, want)
    assert np.allclose(jaxlike.compile(jaxlike.grad(f))(x), want)
    out, pull = jaxlike.vjp(log_softmax, x)
    assert np.allclose(out, [0.0, -2000.0, -1000.0]) and np.allclose(pull(np.ones(3))[0], want)
    assert np.allclose(jaxlike.jvp(f, (x,), (np.ones(3),))[1], want.sum())
    assert np.allclose(jaxlike.jacrev(log_softmax)(x).sum(0), want)
    assert np.allclose(jaxlike.jacfwd(log_softmax)(x).sum(0), want)
