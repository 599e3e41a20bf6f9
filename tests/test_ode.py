"""``jaxlike.experimental.ode.odeint`` and ``jaxlike.flatten_util.ravel_pytree`` against closed forms, finite
differences and JAX 0.10.2's values (float64, ``jax_enable_x64``), recorded below as literals. Most checks run
eagerly or on the reference interpreter (``mode="FAST_COMPILE"``); one compiles with numba."""

import subprocess
import sys

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike.experimental.ode import odeint
from jaxlike.flatten_util import ravel_pytree
from _finite_differences import central_difference


def interp(f):
    return jaxlike.compile(f, mode="FAST_COMPILE")


def lotka_volterra(y, t, a, b, c, d):
    x, z = y
    return jnp.stack([a * x - b * x * z, c * x * z - d * z])


def pendulum(s, t, b, c):
    return {"th": s["om"], "om": -b * s["om"] - c * jnp.sin(s["th"])}


def lv_loss(y0, ts, a, d):
    ys = odeint(lotka_volterra, y0, ts, a, 1.0, 1.0, d)
    return jnp.sum(ys[:, 0] ** 2) + jnp.sum(jnp.sin(ys[:, 1]))


Y0 = np.array([1.0, 1.0])
TS = np.linspace(0., 5., 6)
TS4 = np.linspace(0., 3., 4)

# JAX: odeint(lotka_volterra, Y0, TS, 1.5, 1.0, 1.0, 3.0)
JAX_LV = np.array([[1., 1.], [2.7728509386292197, 0.25871088018783545], [6.777189178130186, 2.01275390690942],
                   [0.9703304237727186, 1.9098537375796947], [1.8843728134496398, 0.3234785480726165],
                   [6.098494944471047, 0.6281380039073103]])
# JAX: lv_loss(Y0, TS4, 1.5, 3.0) and jax.grad(lv_loss, (0, 1, 2, 3)) there
JAX_LV_LOSS = 58.50482685386617
JAX_LV_GRAD = (np.array([-65.4526835861183, -0.9203314033522156]),
               np.array([30.805079072113426, 19.030994852513555, -50.35356042049571, 0.5174864958687303]),
               -35.8217730527797, 50.13246846724824)


# -- ravel_pytree -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("tree,dtype,flat", [
    ((1.0, np.float32(2)), np.float64, [1., 2.]),           # a Python float is float64, not weak (as JAX)
    ({"a": np.ones(2, np.float32), "b": 3}, np.float32, [1., 1., 3.]),   # ints do not widen a float
    ((np.int32(1), np.int16(2)), np.int32, [1, 2]),
    ((True, 1), np.int64, [1, 1]),
    ((np.arange(6.).reshape(2, 3), 1j), np.complex128, [0, 1, 2, 3, 4, 5, 1j]),
])
def test_ravel_pytree_promotes_and_unravel_restores_each_leaf(tree, dtype, flat):
    got, unravel = ravel_pytree(tree)
    assert got.dtype == dtype and got.shape == (len(flat),)
    np.testing.assert_array_equal(np.asarray(got), np.asarray(flat, dtype))
    back = unravel(got)
    leaves, treedef = jaxlike.tree_util.tree_flatten(tree)
    back_leaves, back_def = jaxlike.tree_util.tree_flatten(back)
    assert back_def == treedef
    for b, leaf in zip(back_leaves, leaves):
        want = np.asarray(leaf)
        assert np.asarray(b).dtype == jnp.asarray(leaf).dtype and np.shape(b) == want.shape
        np.testing.assert_array_equal(np.asarray(b), want)


def test_ravel_pytree_empty_tree_and_bad_vectors():
    for tree in ((), None, {"a": []}):
        flat, unravel = ravel_pytree(tree)
        assert flat.shape == (0,) and flat.dtype == np.float32
        assert unravel(flat) == tree
    flat, unravel = ravel_pytree((1.0, np.float32(2)))
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        unravel(flat[:1])
    with pytest.raises(TypeError, match="dtype float32.*float64"):
        unravel(flat.astype(np.float32))
    # one dtype among the leaves: unravel keeps the vector's dtype (JAX's dtype-polymorphic unravel)
    flat, unravel = ravel_pytree({"w": np.ones((2, 2)), "b": np.zeros(2)})
    assert unravel(jnp.arange(6, dtype=np.float32))["w"].dtype == np.float32


def test_ravel_pytree_on_traced_values_differentiates_and_compiles():
    def f(x):
        flat, unravel = ravel_pytree({"a": x, "b": (2 * x, jnp.sin(x[0]))})
        return jnp.sum(flat ** 2) + unravel(3 * flat)["b"][1]
    x = np.array([1.0, 2.0])
    want = [10 * x[0] + np.sin(2 * x[0]) + 3 * np.cos(x[0]), 10 * x[1]]
    np.testing.assert_allclose(jaxlike.grad(f)(x), want, rtol=1e-14)
    np.testing.assert_allclose(interp(f)(x), 5 * (x ** 2).sum() + np.sin(1.) ** 2 + 3 * np.sin(1.), rtol=1e-14)


# -- odeint: values ------------------------------------------------------------------------------------------
def test_exponential_decay_matches_the_closed_form_and_jax():
    ts = np.linspace(0., 2., 5)
    ys = odeint(lambda y, t, k: -k * y, jnp.array([1.0, 2.0]), ts, 0.7)
    np.testing.assert_allclose(ys, np.exp(-0.7 * ts)[:, None] * [1., 2.], rtol=1e-7)
    jax_ys = [[1., 2.], [0.7046880889278857, 1.4093761778557714], [0.496585306663409, 0.993170613326818],
              [0.34993775017722356, 0.6998755003544471], [0.24659696330987577, 0.49319392661975153]]
    np.testing.assert_allclose(ys, jax_ys, rtol=1e-13)
    # a tighter tolerance tightens the error (the tolerances reach the error control)
    tight = odeint(lambda y, t, k: -k * y, jnp.array([1.0, 2.0]), ts, 0.7, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(tight, np.exp(-0.7 * ts)[:, None] * [1., 2.], rtol=1e-11)


def test_harmonic_oscillator_with_a_pytree_state():
    w, ts = 3.0, np.linspace(0., 10., 11)
    out = odeint(lambda s, t: {"x": s["v"], "v": -w ** 2 * s["x"]}, {"x": 1.0, "v": 0.0}, ts,
                 rtol=1e-10, atol=1e-10)
    assert sorted(out) == ["v", "x"] and out["x"].shape == (11,)
    np.testing.assert_allclose(out["x"], np.cos(w * ts), atol=1e-8)
    np.testing.assert_allclose(out["v"], -w * np.sin(w * ts), atol=3e-8)
    # complex state: y' = i y
    z = odeint(lambda y, t: 1j * y, jnp.array([1.0 + 0j]), ts[:3])
    assert z.dtype == np.complex128
    np.testing.assert_allclose(z[:, 0], np.exp(1j * ts[:3]), atol=1e-7)


def test_nonlinear_systems_match_jax():
    np.testing.assert_allclose(odeint(lotka_volterra, Y0, TS, 1.5, 1.0, 1.0, 3.0), JAX_LV, rtol=1e-12)
    out = odeint(pendulum, {"th": np.pi - 0.1, "om": 0.0}, np.array([0., 1., 2.5, 4.]), 0.25, 5.0)
    np.testing.assert_allclose(out["th"], [3.041592653589793, 2.702109042525728, -1.4280695176094687,
                                           0.4214408011894737], rtol=1e-12)
    np.testing.assert_allclose(out["om"], [0., -0.9010611488068055, -2.2066950733960438, 3.0262107758100414],
                               rtol=1e-12)
    # hmax bounds the step: a looser tolerance with small steps gives JAX's other values
    hmax = odeint(lotka_volterra, Y0, TS, 1.5, 1.0, 1.0, 3.0, hmax=0.05, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(hmax[1:3], [[2.772850902458676, 0.2587108790088426],
                                           [6.7771895067114745, 2.0127536293407773]], rtol=1e-12)


def test_leaf_dtypes_and_a_single_time():
    out = odeint(lambda y, t: (-y[0], -2 * y[1]), (jnp.array([1.0], jnp.float32), jnp.array(2.0)), np.array([0., 1.]))
    assert out[0].dtype == np.float32 and out[1].dtype == np.float64
    np.testing.assert_allclose(out[1], [2., 2 * np.exp(-2.)], rtol=1e-7)
    # float32 state, float64 times: JAX gives 0.36787939071655273 too
    y = odeint(lambda y, t: -y, jnp.array([1.0], jnp.float32), np.array([0., 1.]))
    assert y.dtype == np.float32 and float(y[1, 0]) == np.float32(0.36787939071655273)
    np.testing.assert_array_equal(odeint(lambda y, t: -y, jnp.array([3.0]), np.array([0.5])), [[3.0]])


def test_exhausted_mxstep_and_a_blow_up_give_jax_values():
    # extrapolating the last step's quartic far beyond its interval magnifies rounding: 1e-7, not 1e-12
    mx = odeint(lotka_volterra, Y0, TS, 1.5, 1.0, 1.0, 3.0, mxstep=5)
    np.testing.assert_allclose(mx, [[1., 1.], [2.7873519779700491, 0.27921684001137004],
                                    [9.2597573515355283, 0.98974237547872557], [19.259300303990436, 8.8724520537197371],
                                    [-143.79995315545051, 120.12986671855776], [-1656.9887400711987, 905.35375263675905]],
                               rtol=1e-7)
    # y' = y^2 blows up at t = 1; within 20 steps of it the output is the last quartic's value at t = 2
    blow = odeint(lambda y, t: y ** 2, jnp.array([1.0]), np.array([0., 0.5, 2.0]), mxstep=20)
    np.testing.assert_allclose(blow[1], [1.9999999583118893], rtol=1e-12)
    np.testing.assert_allclose(blow[2], [9252.8953008585559], rtol=1e-8)
    # a stiff system whose first steps are all rejected: no accepted step, 0/0 time, NaN (JAX's too)
    stiff = lambda y, t: -1e4 * (y - jnp.cos(t))
    assert np.isnan(odeint(stiff, jnp.array([0.0]), np.array([0., 1.]), mxstep=2)[1, 0])
    np.testing.assert_allclose(odeint(stiff, jnp.array([0.0]), np.array([0., 1.]), mxstep=3)[1],
                               [-3.8800203247965744e+14], rtol=1e-7)


# -- odeint: derivatives -------------------------------------------------------------------------------------
def test_adjoint_gradients_match_jax_and_finite_differences():
    value, grads = jaxlike.value_and_grad(lv_loss, (0, 1, 2, 3))(Y0, TS4, 1.5, 3.0)
    np.testing.assert_allclose(value, JAX_LV_LOSS, rtol=1e-12)
    for got, want in zip(grads, JAX_LV_GRAD):
        np.testing.assert_allclose(got, want, rtol=1e-9)

    def tight(y0, ts, a, d):
        ys = odeint(lotka_volterra, y0, ts, a, 1.0, 1.0, d, rtol=1e-10, atol=1e-10)
        return float(np.sum(np.asarray(ys)[:, 0] ** 2) + np.sum(np.sin(np.asarray(ys)[:, 1])))
    fd = [central_difference(lambda v: tight(v, TS4, 1.5, 3.0), Y0, 1e-5),
          central_difference(lambda v: tight(Y0, v, 1.5, 3.0), TS4, 1e-5),
          central_difference(lambda v: tight(Y0, TS4, v, 3.0), 1.5, 1e-5),
          central_difference(lambda v: tight(Y0, TS4, 1.5, v), 3.0, 1e-5)]
    for got, want in zip(grads, fd):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_gradients_through_pytree_state_closures_and_integer_args():
    pts = np.array([0., 1., 2.5, 4.])
    g = jaxlike.grad(lambda c, th0: odeint(pendulum, {"th": th0, "om": 0.0}, pts, 0.25, c)["th"][-1], (0, 1))
    np.testing.assert_allclose(g(5.0, np.pi - 0.1), (1.1651137717256237, -14.330304127607022), rtol=1e-9)
    # a traced value func closes over gets its derivative (JAX's closure_convert): d/dk of e^{-k}
    g = jaxlike.grad(lambda k: odeint(lambda y, t: -k * y, jnp.array([1.0]), np.array([0., 1.]))[-1, 0])
    np.testing.assert_allclose(g(0.7), -np.exp(-0.7), rtol=1e-7)
    # an integer argument has no derivative but does not stop the others' (JAX's adjoint fails on it)
    g = jaxlike.grad(lambda y0: odeint(lambda y, t, n: -n * y, y0, np.array([0., 1.]), 2)[-1, 0])
    np.testing.assert_allclose(g(jnp.array([1.0])), [np.exp(-2.)], rtol=1e-7)
    # d/dt of the outputs: y' = cos(t) y has y = exp(sin t); d y(t2) / d t2 = cos(t2) y(t2), d/dt0 = -cos(t0) y(t2)
    ts = np.array([0.3, 1., 3.])
    g = jaxlike.grad(lambda ts: odeint(lambda y, t: jnp.cos(t) * y, jnp.array([1.0]), ts)[-1, 0])(ts)
    y2 = np.exp(np.sin(3.) - np.sin(0.3))
    np.testing.assert_allclose(g, [-np.cos(0.3) * y2, 0., np.cos(3.) * y2], rtol=1e-7, atol=1e-12)


def test_vmap_of_odeint_and_of_its_gradient():
    ks = np.array([0.5, 1.0, 2.0])
    solve = lambda k: odeint(lambda y, t: -k * y, jnp.array([1.0]), np.array([0., 1.]))[-1, 0]
    np.testing.assert_allclose(jaxlike.vmap(solve)(ks), np.exp(-ks), rtol=1e-7)
    np.testing.assert_allclose(jaxlike.vmap(jaxlike.grad(solve))(ks), -np.exp(-ks), rtol=1e-7)


def test_compiled_odeint_and_gradient_equal_eager():
    f = lambda y0, a: odeint(lotka_volterra, y0, TS, a, 1.0, 1.0, 3.0)
    np.testing.assert_allclose(interp(f)(Y0, 1.5), f(Y0, 1.5), rtol=1e-14)
    g = jaxlike.grad(lv_loss, (0, 1, 2, 3))
    for got, want in zip(interp(g)(Y0, TS4, 1.5, 3.0), g(Y0, TS4, 1.5, 3.0)):
        np.testing.assert_allclose(got, want, rtol=1e-13)
    # a closed-over argument of the compiled function reaches the adjoint as an operand
    h = jaxlike.grad(lambda k: odeint(lambda y, t: -k * y, jnp.array([1.0]), np.array([0., 1.]))[-1, 0])
    np.testing.assert_allclose(interp(h)(0.7), h(0.7), rtol=1e-13)


def test_numba_compiled_value_and_gradient():
    def loss(y0, k):
        ys = odeint(lambda y, t, k: -k * y + jnp.sin(t), y0, np.array([0., 0.5, 2.0]), k)
        return jnp.sum(ys[1:] ** 2)
    f = jaxlike.value_and_grad(loss, (0, 1))
    y0 = np.array([1.0, -0.5])
    (v, (gy, gk)), (ev, (egy, egk)) = jaxlike.jit(f)(y0, 0.8), f(y0, 0.8)
    np.testing.assert_allclose(v, ev, rtol=1e-13)
    np.testing.assert_allclose(gy, egy, rtol=1e-12)
    np.testing.assert_allclose(gk, egk, rtol=1e-12)
    np.testing.assert_allclose(gk, central_difference(lambda k: float(loss(y0, k)), 0.8, 1e-5), rtol=1e-5)


# -- odeint: bad input ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("call,error,match", [
    (lambda: odeint(3, jnp.ones(1), np.array([0., 1.])), TypeError, "func must be callable"),
    (lambda: odeint(lambda y, t: -y, jnp.ones(1), np.array([0, 1])), TypeError, "t must be an array of floats"),
    (lambda: odeint(lambda y, t: -y, jnp.ones(1), np.ones((2, 2))), ValueError, "t must be a non-empty 1-D"),
    (lambda: odeint(lambda y, t, s: -y, jnp.ones(1), np.array([0., 1.]), "a"), TypeError, r"\*args must be arrays"),
    (lambda: odeint(lambda y, t: jnp.ones(3), jnp.ones(1), np.array([0., 1.])), ValueError, "func must return"),
    (lambda: odeint(lambda y, t: -y, jnp.ones(1), np.array([0., 1.]), rtol="x"), TypeError, "rtol must be"),
    (lambda: odeint(lambda y, t: -y, jnp.array([1]), np.array([0., 1.])), TypeError, "y0 must hold floating"),
])
def test_bad_input_names_the_argument(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_import_jaxlike_leaves_the_experimental_package_unloaded():
    code = "import sys, jaxlike\nprint(sorted(m for m in sys.modules if m.startswith('jaxlike.experimental')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
