"""Regressions found by differential testing of the transformations of control flow and custom derivatives
against JAX (grad, jvp, vmap, jacfwd/jacrev, compile of lax.scan, cond, fori_loop, custom_jvp/custom_vjp,
stop_gradient). Each test holds the case that gave a wrong answer or an error where JAX gives a value;
expected values are numpy formulas, hand derivatives or finite differences (CI has no JAX).
``mode="FAST_COMPILE"`` traces as compile does (symbolic sizes) without numba's compile time.
"""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike import lax

FC = "FAST_COMPILE"


# -- lax.stop_gradient of a pytree ---------------------------------------------------------------------------
def test_stop_gradient_takes_a_pytree():
    # NOTE: JAX maps it over the leaves; it raised "cannot use an object of type dict as an array"
    x = np.array([0.3, -0.7, 1.1])

    def f(x):
        d = lax.stop_gradient({"a": x, "b": (x * 2.0, 3)})
        return jnp.sum(d["a"] * x) + jnp.sum(d["b"][0]) * d["b"][1]
    np.testing.assert_allclose(jaxlike.grad(f)(x), x)
    out = lax.stop_gradient((x, [np.arange(3)]))
    np.testing.assert_allclose(out[0], x)
    np.testing.assert_array_equal(out[1][0], np.arange(3))


# -- custom_vjp / custom_jvp rules that return the wrong shapes ---------------------------------------------
def _doubling_vjp(bwd, fwd_out=lambda x: x * 2.0):
    @jaxlike.custom_vjp
    def f(x):
        return x * 2.0
    f.defvjp(lambda x: (fwd_out(x), None), bwd)
    return f


@pytest.mark.parametrize("bwd", [lambda r, g: (g.sum(),), lambda r, g: (g[:2],), lambda r, g: (g[:, None] * g,)],
                         ids=["scalar", "shorter", "matrix"])
def test_custom_vjp_bwd_cotangent_of_another_shape_raises(bwd):
    # NOTE: the cotangent was broadcast or returned as is: grad of a (3,) argument was 3.0, [1, 1] or a (3, 3)
    f = _doubling_vjp(bwd)
    with pytest.raises(ValueError, match=r"bwd returns a cotangent for argument 0 of shape .* for an argument "
                                         r"of shape \(3,\)"):
        jaxlike.grad(lambda a: jnp.sum(f(a)))(np.ones(3))


def test_custom_vjp_bwd_cotangent_shapes_in_a_pytree():
    @jaxlike.custom_vjp
    def f(d, s):
        return d["w"] * s
    f.defvjp(lambda d, s: (f(d, s), (d, s)), lambda r, g: ({"w": jnp.sum(g)}, None))
    with pytest.raises(ValueError, match=r"argument 0\['w'\] of shape \(\)"):
        jaxlike.grad(lambda w: jnp.sum(f({"w": w}, 2.0)))(np.ones(3))
    # the right shapes (and a None cotangent) still work
    f.defvjp(lambda d, s: (f(d, s), (d, s)), lambda r, g: ({"w": g * r[1] * 10.0}, None))
    np.testing.assert_allclose(jaxlike.grad(lambda w: jnp.sum(f({"w": w}, 2.0)))(np.ones(3)), np.full(3, 20.0))


def test_custom_vjp_fwd_output_of_another_shape_raises():
    f = _doubling_vjp(lambda r, g: (g,), fwd_out=lambda x: x[:2])
    with pytest.raises(TypeError, match=r"fwd returns a primal output of shape \(2,\) where the function returns "
                                        r"shape \(3,\)"):
        jaxlike.grad(lambda a: jnp.sum(f(a)))(np.ones(3))


def test_custom_jvp_rule_primal_of_another_shape_raises():
    @jaxlike.custom_jvp
    def f(x):
        return x * 2.0

    @f.defjvp
    def f_jvp(primals, tangents):
        return primals[0][:2] * 2.0, tangents[0] * 2.0
    with pytest.raises(TypeError, match=r"jvp rule returns a primal output of shape \(2,\)"):
        jaxlike.jvp(f, (np.ones(3),), (np.ones(3),))


# -- a loop length or fori_loop bound that is a size under compile -------------------------------------------
def test_scan_length_from_a_shape_under_compile():
    # NOTE: x.shape[0] is a symbolic size while compile traces (a Python int to JAX): it raised "scan: length
    # must be a Python int, got Sym"
    def f(x):
        return lax.scan(lambda c, _: (c * 2.0 + 1.0, c), x[0], None, length=x.shape[0])
    g = jaxlike.compile(f, mode=FC)
    for n in (1, 3, 4):
        x = np.arange(2.0 * n).reshape(n, 2)
        c, ys = g(x)
        want = [x[0]]
        for _ in range(n):
            want.append(want[-1] * 2.0 + 1.0)
        np.testing.assert_allclose(c, want[-1])
        np.testing.assert_allclose(ys, np.stack(want[:-1]))


def test_scan_symbolic_length_against_known_rows():
    f = jaxlike.compile(lambda x: lax.scan(lambda c, y: (c + y, c), x[0], np.ones((3, 2)), length=x.shape[0]),
                        mode=FC)
    np.testing.assert_allclose(f(np.zeros((3, 2)))[0], np.full(2, 3.0))
    with pytest.raises(jaxlike.ShapeError, match="xs has 3 rows but the loop has length 4"):
        f(np.zeros((4, 2)))


@pytest.mark.parametrize("lower", [0, 1])
def test_fori_loop_bound_from_a_shape_is_differentiable(lower):
    # NOTE: it raised "fori_loop: upper: expected arrays or numbers, got Sym"; as a scan (JAX's static bounds)
    # it has a gradient, which a while_loop would refuse
    def f(x):
        return jnp.sum(lax.fori_loop(lower, x.shape[0], lambda i, c: c * 2.0 + x[i] ** 2, x[0]))

    def by_hand(x):
        n = x.shape[0]
        g = np.zeros_like(x)
        g[0] = 2.0 ** (n - lower)
        for i in range(lower, n):
            g[i] += 2.0 * x[i] * 2.0 ** (n - 1 - i)
        return g
    g = jaxlike.compile(jaxlike.grad(f), mode=FC)
    for n in (2, 4):
        x = np.arange(1.0, 1.0 + 2 * n).reshape(n, 2) / 4
        np.testing.assert_allclose(g(x), by_hand(x))


# -- cond whose results have a size the branch computes, under compile ----------------------------------------
def test_cond_with_branch_sized_results_under_compile_has_a_safe_gradient():
    # NOTE: x[:2] of a symbolic size is a size the branch computes, so every branch was computed and one
    # selected, and the untaken sqrt's derivative at 0 made the gradient NaN (JAX: 0)
    def f(x):
        return jnp.sum(lax.cond(jnp.all(x > 0), lambda x: jnp.sqrt(x[:2]), lambda x: x[:2] * 0.0, x))
    g = jaxlike.compile(jaxlike.grad(f), mode=FC)
    np.testing.assert_array_equal(g(np.array([0.0, 1.0, 2.0])), np.zeros(3))
    np.testing.assert_allclose(g(np.array([1.0, 4.0, 2.0, 3.0])), [0.5, 0.25, 0.0, 0.0])


# -- custom_jvp / custom_vjp called with keywords or defaults -----------------------------------------------
def test_custom_jvp_keyword_and_default_arguments_reach_the_rule():
    # NOTE: a keyword was refused (unexpected keyword argument) and a default was missing from the rule's
    # primals (IndexError); JAX binds both to positions by the function's signature
    @jaxlike.custom_jvp
    def f(x, y=2.0):
        return x * y

    @f.defjvp
    def f_jvp(primals, tangents):
        (x, y), (dx, dy) = primals, tangents
        return f(x, y), dx * y * 3.0 + dy * x
    x = np.array([0.3, -0.7, 1.1])
    np.testing.assert_allclose(jaxlike.grad(lambda x: jnp.sum(f(x, y=5.0)))(x), np.full(3, 15.0))
    np.testing.assert_allclose(jaxlike.grad(lambda x: jnp.sum(f(x)))(x), np.full(3, 6.0))
    np.testing.assert_allclose(jaxlike.grad(lambda y: jnp.sum(f(x, y=y)))(2.0), np.sum(x))
    np.testing.assert_allclose(f(x, y=5.0), x * 5.0)


def test_custom_vjp_keyword_and_default_arguments():
    @jaxlike.custom_vjp
    def f(x, y=2.0):
        return x * y
    f.defvjp(lambda x, y: (f(x, y), (x, y)), lambda r, g: (g * r[1] * 3.0, jnp.sum(g * r[0])))
    x = np.array([0.3, -0.7, 1.1])
    np.testing.assert_allclose(jaxlike.grad(lambda x: jnp.sum(f(x, y=5.0)))(x), np.full(3, 15.0))
    np.testing.assert_allclose(jaxlike.grad(lambda x: jnp.sum(f(x)))(x), np.full(3, 6.0))
    with pytest.raises(TypeError, match="could not be bound"):
        f(x, z=1.0)


def test_symbolic_zeros_keyword():
    @jaxlike.custom_jvp
    def f(x):
        return x * 2.0
    f.defjvp(lambda p, t: (f(*p), t[0] * 5.0), symbolic_zeros=False)
    assert float(jaxlike.grad(f)(1.0)) == 5.0

    @jaxlike.custom_vjp
    def h(x):
        return x * 2.0
    h.defvjp(lambda x: (h(x), None), lambda r, g: (g * 7.0,), symbolic_zeros=False, optimize_remat=True)
    assert float(jaxlike.grad(h)(1.0)) == 7.0
    with pytest.raises(NotImplementedError, match="symbolic_zeros=True"):
        h.defvjp(lambda x: (h(x), None), lambda r, g: (g,), symbolic_zeros=True)


def test_map_with_batch_size_over_no_rows():
    # NOTE: it made no batch and no remainder, and failed with UnboundLocalError; JAX gives the empty stack
    ys = lax.map(lambda r: (r * 2.0, jnp.sum(r)), np.zeros((0, 3)), batch_size=2)
    assert ys[0].shape == (0, 3) and ys[1].shape == (0,)


def test_scan_step_may_return_a_list_pair():
    # NOTE: JAX reads the step's result as a pair of any sequence kind; a list was refused
    c, ys = lax.scan(lambda c, r: [c * r, c], 1.0, np.array([2.0, 3.0, 4.0]))
    assert float(c) == 24.0
    np.testing.assert_allclose(ys, [1.0, 2.0, 6.0])


def test_cond_operand_keyword():
    # NOTE: JAX's older spelling cond(pred, t, f, operand=x); it was an unexpected keyword argument
    x = np.array([0.3, -0.7])
    g = jaxlike.grad(lambda x: lax.cond(x[0] > 0, lambda v: v[0] ** 2, lambda v: v[1] * 3.0, operand=x))
    np.testing.assert_allclose(g(x), [0.6, 0.0])
    with pytest.raises(TypeError, match="no operands can be passed positionally"):
        lax.cond(True, lambda v: v, lambda v: v, x, operand=x)


@pytest.mark.parametrize("per_step", [lambda c: c[:2], lambda c: c[1:] * 2.0,
                                      lambda c: jnp.reshape(jnp.outer(c, c), -1), lambda c: jnp.log(c[:1])],
                         ids=["head", "tail", "reshape", "log"])
def test_empty_scan_under_compile_with_a_per_step_size_the_step_computes(per_step):
    # NOTE: with symbolic sizes x[:2] has a size the step computes; a loop of length 0 raised "cannot know the
    # shape of a per-step result" where JAX gives an empty stack of the traced shape
    def f(x, xs):
        return lax.scan(lambda c, r: (c * r + 1.0, per_step(c)), x, xs)
    g = jaxlike.compile(f, mode=FC)
    x = np.array([0.3, -0.7, 1.1])
    for n in (2, 0):
        xs = np.ones((n, 3))
        c, ys = g(x, xs)
        want = f(x, xs)[1]
        assert ys.shape == want.shape == (n,) + np.shape(per_step(x))
        np.testing.assert_allclose(ys, want)


def test_grad_of_vmap_sums_a_custom_vjp_cotangent_over_the_batch():
    # NOTE: for an argument vmap does not map (in_axes None) the batched bwd gave one cotangent per example:
    # the gradient had the batch axis, (2, 3) for a (3,) argument
    @jaxlike.custom_vjp
    def f(x, w):
        return jnp.sin(x) * w
    f.defvjp(lambda x, w: (f(x, w), (x, w)), lambda r, g: (jnp.cos(r[0]) * r[1] * g * 2.0, None))
    x, W = np.array([0.3, -0.7, 1.1]), np.array([[1.0, 2.0, 3.0], [-0.5, 0.5, 4.0]])
    g = jaxlike.grad(lambda x: jnp.sum(jaxlike.vmap(f, in_axes=(None, 0))(x, W)))(x)
    np.testing.assert_allclose(g, 2.0 * np.cos(x) * W.sum(0))
    gw = jaxlike.grad(lambda w: jnp.sum(jaxlike.vmap(f, in_axes=(0, None))(W, w)))(x)
    np.testing.assert_allclose(gw, np.zeros(3))


@pytest.mark.parametrize("call, name", [
    (lambda: lax.cond(True, 1, lambda v: v, 0.0), "cond: true_fun"),
    (lambda: lax.switch(0, [lambda v: v, 2], 0.0), r"switch: branches\[1\]"),
    (lambda: lax.scan(3, 0.0, np.ones(2)), "scan: f"),
    (lambda: lax.while_loop(lambda v: v < 1, None, 0.0), "while_loop: body_fun"),
    (lambda: lax.fori_loop(0, 2, "f", 0.0), "fori_loop: body_fun"),
    (lambda: lax.map(None, np.ones(2)), "map: f")], ids=["cond", "switch", "scan", "while", "fori", "map"])
def test_a_function_argument_that_is_not_callable_is_named(call, name):
    # NOTE: it failed as "'int' object is not callable", naming no argument (JAX's TypeError names it)
    with pytest.raises(TypeError, match=name + " must be callable"):
        call()


def test_scan_unroll_must_be_a_bool_or_a_positive_int():
    with pytest.raises(ValueError, match="unroll must be a bool or a positive int, got -1"):
        lax.scan(lambda c, r: (c, c), 0.0, np.ones(2), unroll=-1)
    for unroll in (True, False, 3):
        assert float(lax.scan(lambda c, r: (c + r, c), 0.0, np.ones(2), unroll=unroll)[0]) == 2.0


def test_jvp_and_linearize_take_has_aux():
    # NOTE: JAX's has_aux keyword of jvp and linearize was refused (unexpected keyword argument)
    xs = np.array([[1.0, 2.0], [3.0, -1.0]])

    def f(x):
        c, ys = lax.scan(lambda c, r: (c * r, c), x, xs)
        return c, {"ys": ys, "n": 3}
    x, t = np.array([0.5, 2.0]), np.array([1.0, -1.0])
    out, tan, aux = jaxlike.jvp(f, (x,), (t,), has_aux=True)
    np.testing.assert_allclose(out, x * xs[0] * xs[1])
    np.testing.assert_allclose(tan, t * xs[0] * xs[1])
    np.testing.assert_allclose(aux["ys"], [x, x * xs[0]])
    assert aux["n"] == 3
    out2, f_jvp, aux2 = jaxlike.linearize(f, x, has_aux=True)
    np.testing.assert_allclose(out2, out)
    np.testing.assert_allclose(f_jvp(t), tan)
    np.testing.assert_allclose(aux2["ys"], aux["ys"])


def test_custom_jvp_nondiff_argument_may_be_traced():
    # NOTE: JAX stops the gradient of a traced nondiff argument; here the function "read traced values it does
    # not take as arguments" under compile
    from functools import partial

    @partial(jaxlike.custom_jvp, nondiff_argnums=(0,))
    def f(k, x):
        return x * k["a"] + k["b"]

    @f.defjvp
    def f_jvp(k, primals, tangents):
        return f(k, primals[0]), tangents[0] * k["a"] * 2.0

    def loss(x, a):
        return jnp.sum(f({"a": a, "b": a * 2.0}, x) ** 2)
    x, a = np.array([0.3, -0.7, 1.1]), np.array([0.9, -2.1, 3.3])
    grad = jaxlike.compile(jaxlike.grad(loss, argnums=(0, 1)), mode=FC)
    gx, ga = grad(x, a)
    np.testing.assert_allclose(gx, 2.0 * (x * a + 2.0 * a) * 2.0 * a)
    np.testing.assert_array_equal(ga, np.zeros(3))     # stopped, as in JAX
    # k = x: the rule's k is stopped too, so the Hessian is 8 a^2 on the diagonal (JAX's)
    hess = jaxlike.compile(jaxlike.hessian(lambda x: jnp.sum(f({"a": x, "b": 1.0}, x) ** 2)), mode=FC)
    np.testing.assert_allclose(hess(x), np.diag(8.0 * x ** 2))
    np.testing.assert_allclose(jaxlike.compile(lambda k, x: f({"a": k, "b": 1.0}, x), mode=FC)(a, x), x * a + 1.0)


def test_custom_jvp_tangent_of_another_dtype_raises():
    # NOTE: the tangent was cast to the primal's dtype; JAX raises a TypeError naming both dtypes
    @jaxlike.custom_jvp
    def f(x):
        return x * 2.0

    @f.defjvp
    def f_jvp(primals, tangents):
        return f(primals[0]), (tangents[0] * 2.0).astype(np.float32)
    with pytest.raises(TypeError, match="tangent output of dtype float32 for a primal output of dtype float64"):
        jaxlike.jvp(f, (np.ones(3),), (np.ones(3),))

    @jaxlike.custom_jvp
    def g(x):
        return jnp.sum(x)

    @g.defjvp
    def g_jvp(primals, tangents):
        return g(primals[0]), 0.0     # a Python number takes the primal's dtype
    assert jaxlike.jvp(g, (np.ones(3, np.float32),), (np.ones(3, np.float32),))[1].dtype == np.float32


def test_vmap_keeps_loop_and_cond_results_no_example_changes_unbatched():
    # NOTE: a carry (or cond result) that does not depend on the mapped argument came back broadcast, so
    # out_axes=None refused it ("depends on the mapped arguments"); JAX returns it once
    X, xs = np.array([0.5, 2.0]), np.ones((3, 2))
    scanned = jaxlike.vmap(lambda x: lax.scan(lambda c, r: ((c[0] * x, c[1] + 1.0), None), (1.0, 0.0), xs)[0],
                           out_axes=(0, None))(X)
    np.testing.assert_allclose(scanned[0], X ** 3)
    assert float(scanned[1]) == 3.0
    looped = jaxlike.vmap(lambda x: lax.while_loop(lambda c: c[1] < 3, lambda c: (c[0] * x, c[1] + 1), (1.0, 0)),
                          out_axes=(0, None))(X)
    np.testing.assert_allclose(looped[0], X ** 3)
    assert int(looped[1]) == 3
    f = jaxlike.compile(lambda p: jaxlike.vmap(lambda x: lax.cond(p, lambda x: (x * 2.0, 3.0), lambda x: (x, 4.0), x),
                                               out_axes=(0, None))(X), mode=FC)
    out = f(False)
    np.testing.assert_allclose(out[0], X)
    assert float(out[1]) == 4.0


def test_jacobian_of_a_gradient_through_cond_in_scan():
    # NOTE: forward mode reads a loop's values from the loop that carries the tangents; batching that loop
    # over the Jacobian's basis must not leave a value computed from the unbatched tangent (the result was
    # an unevaluated graph node once unbatched loop results kept no batch axis)
    xs = np.array([[0.5, -1.0], [2.0, 0.3], [-0.4, 1.5]])

    def f(x):
        def step(c, r):
            c = lax.cond(jnp.sum(c) > 0, lambda c: c * r, lambda c: c + r ** 2, c)
            return c, jnp.sum(c)
        c, ys = lax.scan(step, x, xs)
        return jnp.sum(c * ys[-1])
    x = np.array([0.3, 0.2])
    h = jaxlike.jacfwd(jaxlike.grad(f))(x)
    g, eps = jaxlike.grad(f), 1e-6
    fd = np.stack([(g(x + eps * e) - g(x - eps * e)) / (2 * eps) for e in np.eye(2)], axis=1)
    assert isinstance(h, np.ndarray)
    np.testing.assert_allclose(h, fd, rtol=1e-6, atol=1e-6)


def test_jacrev_refuses_an_integer_output():
    # NOTE: JAX's TypeError; the Jacobian of a loop's integer counter came back as zeros
    xs = np.ones((3, 2))

    def f(x):
        return lax.scan(lambda c, r: ((c[0] * r, c[1] + 1), None), (x, 0), xs)[0]
    with pytest.raises(TypeError, match="jacrev requires a real floating-point output, got int64"):
        jaxlike.jacrev(f)(np.ones(2))
    np.testing.assert_allclose(jaxlike.jacrev(lambda x: f(x)[0])(np.ones(2)), np.eye(2))


def test_a_scans_stacked_concatenation_keeps_its_summed_size():
    """Catches: a per-step concatenation's stacked size (n + m, a DimSum) taken for 1 by the broadcast rule
    (ShapeError "has size 5 at dim 1 where the result has 1"), and its gradient's step allocating a buffer
    for a slice size made inside the step (numba NameError)."""
    f = jaxlike.compile(lambda x, xs: (lambda ys: ys * ys)(lax.scan(lambda c, r: (c, jnp.concatenate([r, c])), x, xs)[1]))
    assert f(np.ones(3), np.ones((4, 2))).shape == (4, 5) and f(np.ones(2), np.ones((5, 3))).shape == (5, 5)

    def h(x, ys):
        return jnp.sum(lax.scan(lambda c, y: (c, jnp.sum(jnp.concatenate([y, c]) * jnp.sum(c * c))), x, ys)[1])
    x, ys = np.array([1.0, 2.0, 0.5]), np.arange(8.0).reshape(4, 2)
    want = 4 * np.sum(x * x) + 2 * x * (ys.sum() + 4 * x.sum())
    np.testing.assert_allclose(jaxlike.compile(jaxlike.grad(h))(x, ys), want, rtol=1e-12)


def test_checkpoint_policies_and_names_from_ported_code():
    """Catches: jax.checkpoint_policies and jax.ad_checkpoint.checkpoint_name missing (AttributeError in
    ported code); they change no value here, as checkpoint itself does not."""
    from jaxlike.ad_checkpoint import checkpoint_name
    policies = jaxlike.checkpoint_policies
    f = jaxlike.checkpoint(lambda x: jnp.sin(checkpoint_name(x * 2.0, "h")),
                           policy=policies.save_only_these_names("h"))
    x = np.array([0.5, 1.0])
    np.testing.assert_allclose(jaxlike.grad(lambda v: jnp.sum(f(v)))(x), 2 * np.cos(2 * x), rtol=1e-14)
    for policy in (policies.everything_saveable, policies.nothing_saveable, policies.dots_saveable,
                   policies.dots_with_no_batch_dims_saveable,
                   policies.save_from_both_policies(policies.dots_saveable, policies.nothing_saveable)):
        assert jaxlike.checkpoint(jnp.sin, policy=policy)(0.5) == np.sin(0.5)
    assert policies.save_only_these_names("h")(None, name="h") and not policies.nothing_saveable(None)
    with pytest.raises(TypeError, match="name must be a str"):
        checkpoint_name(x, 3)


def test_jvp_takes_float0_tangents_for_integer_primals():
    """Catches: jvp refusing an integer primal (JAX takes a float0 tangent for it), or taking an integer
    tangent for it silently. Integer and boolean outputs get float0 tangents, as in JAX (inside a trace,
    zeros of their dtype)."""
    float0 = jaxlike.dtypes.float0
    out, tan = jaxlike.jvp(lambda x, n: (x * n, n * 2, x > 0), (2.0, 3), (1.0, np.zeros((), float0)))
    assert out[0] == 6.0 and out[1] == 6 and bool(out[2]) and tan[0] == 3.0
    assert tan[1].dtype == float0 and tan[2].dtype == float0 and tan[2].shape == ()
    inside = jaxlike.compile(lambda x: jaxlike.jvp(lambda y: (y * 2, jaxlike.numpy.argmax(y)), (x,), (x,))[1])
    assert inside(np.ones(3))[1] == 0
    with pytest.raises(TypeError, match="has dtype float0"):
        jaxlike.jvp(lambda x, n: x * n, (2.0, 3), (1.0, 0))
    f = jaxlike.compile(lambda x, n, t: jaxlike.jvp(lambda a, b: a * b, (x, n), (t, np.zeros(np.shape(n), float0))))
    np.testing.assert_array_equal(f(np.ones(3), np.arange(3), np.full(3, 2.0))[1], [0.0, 2.0, 4.0])
    assert jaxlike.dtypes.canonicalize_dtype("float32") == np.float32


def test_a_numpy_scalar_carry_keeps_its_dtype():
    """Catches: a loop carry started from a numpy scalar (x[0] of a float64 array; np.float64 is a Python
    float) taken as a weak Python number, so a float32 step narrowed it to float32 (JAX keeps float64)."""
    x = jnp.array([1.0, 2.0])
    out = lax.scan(lambda c, _: (c + jnp.ones((), np.float32), None), x[0], None, length=2)[0]
    assert out.dtype == np.float64 and float(out) == 3.0
    assert lax.fori_loop(0, 3, lambda i, c: c + np.float32(1), np.float64(0.0)).dtype == np.float64
    assert lax.scan(lambda c, _: (c + jnp.ones((), np.float32), None), 1.0, None, length=2)[0].dtype == np.float32
