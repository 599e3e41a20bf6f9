"""``jaxlike.example_libraries.optimizers`` and ``stax`` against JAX 0.10's (values recorded from JAX with 64-bit
mode; JAX is not imported here): every optimizer's trajectory on a small quadratic against a numpy
re-implementation and JAX's values, eager and in one compiled step whose step index is traced; each stax layer's
initial parameters for the same key (digests), its output and output shape; an MLP (with Dropout) and a convnet
(Conv, BatchNorm, MaxPool, Flatten, Dense, LogSoftmax) trained a few steps under ``jaxlike.jit`` and eagerly,
against JAX's losses; serialization of a state; errors that name the bad argument.

What it catches: a bias correction off by one step (adam's ``i + 1``), a momentum applied before or after the
wrong term (nesterov), sm3's accumulators reduced over the wrong axes, a key split in another order than JAX's
(every parameter would differ), a pooling or transposed-convolution shape rule off by one, Dropout keeping with
probability 1 - rate, an optimizer state that is not a pytree (jit would reject it or retrace per step).
"""

import pickle
import subprocess
import sys

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
import jaxlike.random as R
from jaxlike.example_libraries import optimizers as O
from jaxlike.example_libraries import stax

# -- the optimizers' problem: a quadratic in a pytree of a matrix and a scalar --------------------------------
A = np.array([[3.0, 0.5, 0.0], [0.5, 2.0, -0.3], [0.0, -0.3, 1.0]])
C = np.array([[1.0, -0.5, 0.25], [0.0, 2.0, -1.0]])
PARAMS0 = {"W": np.array([[1.0, -2.0, 0.5], [0.3, 0.0, -1.0]]), "b": np.array(0.7)}


def quad_loss(p):
    W, b = p["W"], p["b"]
    return 0.5 * jnp.sum((W @ A) * W) - jnp.sum(W * C) + 2.0 * (b - 1.0) ** 2 + b * jnp.sum(W)


def quad_grad(p):
    W, b = np.asarray(p["W"]), np.asarray(p["b"])
    return {"W": W @ A - C + b, "b": 4.0 * (b - 1.0) + W.sum()}


CONFIGS = [("sgd", (0.05,)), ("momentum", (0.05, 0.9)), ("nesterov", (0.05, 0.8)), ("adagrad", (0.1,)),
           ("rmsprop", (0.05,)), ("rmsprop_momentum", (0.05,)), ("adam", (0.1,)), ("adamax", (0.1,)), ("sm3", (0.1,))]

TRAJ = {   # JAX 0.10's parameters after 4 steps from PARAMS0 (W, b), float64
    'sgd': ([[0.684895709375, -1.604023031875, 0.190737730625], [0.010877815625, 0.1234301225, -1.158065201875]], 1.0874187999999998),
    'momentum': ([[0.286757928125, -1.113993956875, -0.200991600625], [-0.353308309375, 0.27367466, -1.360453151875]], 1.5622256125),
    'nesterov': ([[0.227583934735, -1.131580621011, -0.308658424591], [-0.394845778695, 0.241209289156, -1.446856981603]], 1.56730228288),
    'adagrad': ([[0.930816335267575, -1.930918182241069, 0.430551402584466], [0.230838323923047, 0.068207543610022, -1.069359507221835]], 0.7692040059034794),
    'rmsprop': ([[0.579740396739813, -1.592127318955464, 0.052841487240601], [-0.115367388983443, 0.269203758262419, -1.44142897071026]], 1.1272113347502888),
    'rmsprop_momentum': ([[-0.01569488731246, -1.027228053947035, -0.602367832762361], [-0.700381879597146, 0.554705038849546, -2.0830413659955]], 1.7359292937804076),
    'adam': ([[0.603268625801771, -1.604853381563698, 0.10049153791966], [-0.096382178635396, 0.362532615099365, -1.398794874183825]], 1.097060312123122),
    'adamax': ([[0.627372715327516, -1.6355074192555, 0.105809331651503], [-0.070442452386016, 0.300511248669298, -1.38738645424481]], 1.0753632241719513),
    'sm3': ([[0.930816337408409, -1.93091818074088, 0.430551404872238], [0.230851149914824, 0.055611770208967, -1.053775057949944]], 0.7691999566975826),
}


def _reference(name, args, x, steps):
    """The optimizer re-implemented on one numpy array, from the papers' update rules in JAX's conventions."""
    lr = args[0]
    m, v, accs = np.zeros_like(x), np.zeros_like(x), [np.zeros(n) for n in np.atleast_1d(x).shape]
    for i in range(steps):
        g = yield x
        if name == "sgd":
            x = x - lr * g
        elif name in ("momentum", "nesterov"):
            m = args[1] * m + g
            x = x - lr * (m if name == "momentum" else args[1] * m + g)
        elif name == "adagrad":
            v = v + g * g
            m = 0.1 * g * np.where(v > 0, 1 / np.sqrt(np.where(v > 0, v, 1)), 0) + 0.9 * m
            x = x - lr * m
        elif name in ("rmsprop", "rmsprop_momentum"):
            v = 0.9 * v + 0.1 * g * g
            step = lr * g / np.sqrt(v + 1e-8)
            m = 0.9 * m + step if name == "rmsprop_momentum" else step
            x = x - m
        elif name == "adam":
            m, v = 0.1 * g + 0.9 * m, 0.001 * g * g + 0.999 * v
            x = x - lr * (m / (1 - 0.9 ** (i + 1))) / (np.sqrt(v / (1 - 0.999 ** (i + 1))) + 1e-8)
        elif name == "adamax":
            m, v = 0.1 * g + 0.9 * m, np.maximum(0.999 * v, np.abs(g))
            x = x - lr / (1 - 0.9 ** (i + 1)) * m / (v + 1e-8)
        elif name == "sm3":
            g1 = np.atleast_1d(g)
            cover = accs[0].reshape((-1,) + (1,) * (g1.ndim - 1))
            if g1.ndim == 2:
                cover = np.minimum(cover, accs[1][None, :])
            acc = cover + g1 * g1
            m = 0.1 * g1 * np.where(acc > 0, 1 / np.sqrt(np.where(acc > 0, acc, 1)), 0) + 0.9 * np.atleast_1d(m)
            x = (np.atleast_1d(x) - lr * m).reshape(np.shape(x))
            accs = [acc.max(axis=tuple(a for a in range(g1.ndim) if a != k)) for k in range(g1.ndim)]
    yield x


@pytest.mark.parametrize("name, args", CONFIGS, ids=[c[0] for c in CONFIGS])
def test_trajectories_match_numpy_and_jax(name, args):
    init, update, get_params = getattr(O, name)(*args)
    state = init(PARAMS0)
    refs = {k: _reference(name, args, PARAMS0[k].copy(), 4) for k in PARAMS0}
    expect = {k: next(r) for k, r in refs.items()}
    for i in range(4):
        g = quad_grad(get_params(state))
        state = update(i, g, state)
        expect = {k: refs[k].send(g[k]) for k in refs}
        got = get_params(state)
        for k in got:
            np.testing.assert_allclose(got[k], expect[k], rtol=1e-13, atol=1e-15, err_msg=f"{name} step {i} {k}")
    W, b = TRAJ[name]
    np.testing.assert_allclose(got["W"], W, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(got["b"], b, rtol=1e-12)
    assert np.shape(got["b"]) == () and got["W"].shape == (2, 3)


SCHEDULES = [
    (O.constant(0.3), lambda i: 0.3),
    (O.exponential_decay(0.1, 2, 0.5), lambda i: 0.1 * 0.5 ** (i / 2)),
    (O.inverse_time_decay(0.1, 2, 0.5), lambda i: 0.1 / (1 + 0.5 * i / 2)),
    (O.inverse_time_decay(0.1, 2, 0.5, staircase=True), lambda i: 0.1 / (1 + 0.5 * (i // 2))),
    (O.polynomial_decay(0.1, 3, 0.01, 2.0), lambda i: (1 - min(i, 3) / 3) ** 2 * 0.09 + 0.01),
    (O.piecewise_constant([1, 3], [0.1, 0.05, 0.01]), lambda i: 0.1 if i <= 1 else 0.05 if i <= 3 else 0.01),
]


@pytest.mark.parametrize("k", range(len(SCHEDULES)))
def test_schedules(k):
    schedule, want = SCHEDULES[k]
    for i in range(7):
        np.testing.assert_allclose(schedule(i), want(i), rtol=1e-15, err_msg=f"step {i}")
    assert O.make_schedule(schedule) is schedule
    assert O.make_schedule(0.2)(5) == 0.2
    # a Python step keeps a float32 model float32 (JAX's weak types); piecewise_constant's values are a
    # float64 array, as JAX's in 64-bit mode
    init, update, get_params = O.sgd(schedule)
    x = get_params(update(2, np.ones(2, np.float32), init(np.ones(2, np.float32))))
    assert x.dtype == (np.float64 if k == len(SCHEDULES) - 1 else np.float32)


@pytest.mark.parametrize("name, args", CONFIGS, ids=[c[0] for c in CONFIGS])
def test_float32_parameters_keep_their_dtype(name, args):
    init, update, get_params = getattr(O, name)(*args)
    state = init({"w": np.ones((2, 3), np.float32), "s": np.float32(2.0)})
    for i in range(2):
        state = update(i, {"w": np.full((2, 3), 0.5, np.float32), "s": np.float32(-1.0)}, state)
    assert all(np.asarray(leaf).dtype in (np.float32, np.int64) for leaf in jaxlike.tree_util.tree_leaves(state))
    assert get_params(state)["w"].dtype == np.float32 and np.shape(get_params(state)["s"]) == ()


def test_one_compiled_step_updates_every_optimizer_with_a_traced_step_index():
    """The tutorials' pattern: ``opt_state = jit(step)(i, opt_state)``; the state pytrees pass through jit, the
    step index is traced (one compile for every i), and the schedules read it."""
    # NOTE: three optimizers, not all: each adds its own gradient to the one compiled graph (the eager test
    # above covers the others' arithmetic). sm3's state holds a list and the parameter's shape
    names = ["sm3", "rmsprop_momentum"]
    opts = [getattr(O, name)(*dict(CONFIGS)[name]) for name in names]
    opts += [O.sgd(O.exponential_decay(0.1, 2, 0.5)), O.adam(O.piecewise_constant([1, 2], [0.1, 0.05, 0.01]))]

    def step(i, states):
        new = tuple(update(i, jaxlike.grad(quad_loss)(get(s)), s) for (_, update, get), s in zip(opts, states))
        return new, tuple(get(s) for (_, _, get), s in zip(opts, new))

    compiled = jaxlike.jit(step)
    states = eager = tuple(init(PARAMS0) for init, _, _ in opts)
    for i in range(4):
        states, params = compiled(i, states)
        eager, eager_params = step(i, eager)
        assert all(isinstance(s, O.OptimizerState) for s in states)
    assert len(compiled._cache) == 1     # i traced: the same compiled step for every index
    for name, p, e in zip(names, params, eager_params):
        np.testing.assert_allclose(p["W"], TRAJ[name][0], rtol=1e-12, atol=1e-14, err_msg=name)
        np.testing.assert_allclose(p["b"], TRAJ[name][1], rtol=1e-12, err_msg=name)
        np.testing.assert_allclose(e["W"], p["W"], rtol=1e-12, atol=1e-14, err_msg=name)
    # JAX's values for the two scheduled optimizers (recorded under jax.jit, the step index traced)
    np.testing.assert_allclose(params[-2]["W"], [[0.604154565121251, -1.517045821588964, 0.104820677655797],
                                                 [-0.061266488972664, 0.146421720839266, -1.206586859472956]],
                               rtol=1e-12)
    np.testing.assert_allclose(params[-2]["b"], 1.1742419540966655, rtol=1e-12)
    np.testing.assert_allclose(params[-1]["W"], [[0.740991300005644, -1.741447162630843, 0.240154644087705],
                                                 [0.041085610145827, 0.250202778664836, -1.259618087445364]],
                               rtol=1e-12)
    np.testing.assert_allclose(params[-1]["b"], 0.959093359390904, rtol=1e-12)


def test_state_serializes_and_tree_mismatch_is_refused():
    init, update, get_params = O.momentum(0.1, 0.9)
    state = update(0, quad_grad(PARAMS0), init(PARAMS0))
    marked = O.unpack_optimizer_state(state)
    assert sorted(marked) == ["W", "b"] and isinstance(marked["W"], O.JoinPoint)
    back = O.pack_optimizer_state(pickle.loads(pickle.dumps(marked)))
    assert back.tree_def == state.tree_def and back.subtree_defs == state.subtree_defs
    for a, b in zip(jaxlike.tree_util.tree_leaves(back), jaxlike.tree_util.tree_leaves(state)):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(get_params(back)["W"], get_params(state)["W"])
    with pytest.raises(TypeError, match="gradient tree that did not match"):
        update(1, {"W": np.zeros((2, 3))}, state)
    with pytest.raises(TypeError, match="marked_pytree"):
        O.pack_optimizer_state({"W": np.zeros(2)})
    with pytest.raises(TypeError, match="opt_state"):
        get_params(PARAMS0)


def test_l2_norm_and_clip_grads():
    tree = {"a": np.array([3.0, 0.0]), "b": (np.array([[4.0]]), np.array(12.0))}
    np.testing.assert_allclose(O.l2_norm(tree), 13.0)
    clipped = O.clip_grads(tree, 6.5)
    np.testing.assert_allclose(clipped["a"], [1.5, 0.0])
    np.testing.assert_allclose(clipped["b"][1], 6.0)
    np.testing.assert_allclose(O.clip_grads(tree, 20.0)["b"][0], [[4.0]])


# -- stax ----------------------------------------------------------------------------------------------------
def wave(shape, phase=0.0):
    return np.sin(0.37 * np.arange(int(np.prod(shape))) + phase).reshape(shape) * 1.5


def digest(a):
    """Three numbers that change when any element does (and when elements trade places)."""
    a = np.asarray(a, np.float64)
    w = np.cos(0.11 * np.arange(a.size)).reshape(a.shape)
    return [float(a.sum()), float((a * w).sum()), float((a * a).sum())]


LAYERS = [   # id, layer, input shape
    ("Dense", stax.Dense(5), (-1, 7)),
    ("Conv", stax.Conv(4, (3, 2), (2, 1), "SAME"), (-1, 7, 6, 3)),
    ("GeneralConv", stax.GeneralConv(("NCHW", "OIHW", "NCHW"), 4, (2, 3), padding=[(1, 0), (0, 2)]), (-1, 3, 5, 6)),
    ("ConvTranspose", stax.ConvTranspose(2, (3, 3), (2, 2)), (-1, 4, 3, 3)),
    ("Conv1DTranspose", stax.Conv1DTranspose(3, (3,), (2,), "SAME"), (-1, 5, 2)),
    ("BatchNorm", stax.BatchNorm(), (-1, 4, 3, 5)),
    ("BatchNorm_center", stax.BatchNorm(axis=0, scale=False, beta_init=stax.randn(0.5)), (-1, 6)),
    ("MaxPool", stax.MaxPool((2, 2)), (-1, 5, 4, 3)),
    ("MaxPool_same", stax.MaxPool((3, 2), (2, 2), "SAME"), (-1, 5, 4, 3)),
    ("SumPool", stax.SumPool((2, 3), (1, 2)), (-1, 5, 6, 2)),
    ("AvgPool_same", stax.AvgPool((3, 3), (2, 2), "SAME"), (-1, 5, 4, 3)),
    ("AvgPool_spec", stax.AvgPool((2, 2), (2, 1), "SAME", spec="NCHW"), (-1, 2, 5, 4)),
    ("Flatten", stax.Flatten, (-1, 3, 2, 2)),
] + [(name, getattr(stax, name), (-1, 6)) for name in ("Gelu", "Selu", "Elu", "LeakyRelu", "Softplus", "Sigmoid",
                                                        "Softmax", "LogSoftmax", "Tanh", "Exp", "Relu")] + [
    ("Dropout", stax.Dropout(0.6), (-1, 4, 5)),
    ("residual", stax.serial(stax.FanOut(2), stax.parallel(stax.serial(stax.Dense(4), stax.Tanh), stax.Identity),
                             stax.FanInSum), (-1, 4)),
    ("concat", stax.serial(stax.FanOut(3), stax.parallel(stax.Dense(2), stax.Identity, stax.Dense(3)),
                           stax.FanInConcat()), (-1, 4)),
    ("shape_dependent", stax.shape_dependent(lambda shape: stax.Dense(2 * shape[-1])), (-1, 3)),
]

# JAX 0.10's values for PRNGKey(3) and wave inputs (batch 2): output shape, digests of the params' leaves,
# digest of the output. Pooling layers: JAX's init_fun turns the -1 batch into 0 (max(0, ...) of its
# window arithmetic); here -1 passes through, as every other layer's does.
LAYER_VALUES = {
    'Dense': ((-1, 5), [[4.257093910397, -2.986398845887, 5.444415549125], [-0.01638453344, -0.015940043117, 8.187404e-05]], [1.141456791737, 2.342302883918, 23.679573474895]),
    'Conv': ((-1, 4, 6, 4), [[1.985706601929, -1.867619973842, 2.393431497], [-1.666072e-06, -1.618993e-06, 1e-12]], [-0.067200691879, -0.47672956532, 156.951529326187]),
    'GeneralConv': ((-1, 4, 5, 6), [[1.985706601929, -1.867619973842, 2.393431497], [-1.666072e-06, -1.618993e-06, 1e-12]], [-4.637305966722, -2.532450146071, 142.611661781049]),
    'ConvTranspose': ((-1, 9, 7, 2), [[2.683568574121, -1.399741217855, 1.877773936501], [-4.81957e-07, -4.8054e-07, 0.0]], [2.917581083432, -21.258602464362, 69.330033365806]),
    'Conv1DTranspose': ((-1, 10, 3), [[1.153941550737, -0.274983182273, 2.3148117688], [-1.092567e-06, -1.076432e-06, 0.0]], [0.589168426064, 3.288163258591, 14.857043468105]),
    'BatchNorm': ((-1, 4, 3, 5), [[0.0, 0.0, 0.0], [5.0, 4.820647554036, 5.0]], [0.0, 0.56186770159, 119.99892318249]),
    'BatchNorm_center': ((-1, 6), [[-1.099197256263, -1.048036385774, 0.695180237027]], [-2.198394512525, -0.546305085267, 13.388754774957]),
    'MaxPool': ((-1, 4, 3, 3), [], [83.337713270078, 13.052117453396, 110.848131078894]),
    'MaxPool_same': ((-1, 3, 2, 3), [], [47.942852641641, -5.361515921916, 66.584043094416]),
    'SumPool': ((-1, 4, 2, 2), [], [-0.60019134279, 4.944908828596, 327.623708149596]),
    'AvgPool_same': ((-1, 3, 2, 3), [], [0.392054273341, 4.89816517258, 4.878841618354]),
    'AvgPool_spec': ((-1, 2, 3, 4), [], [6.381822005607, -2.575263899032, 38.210046907346]),
    'Flatten': ((-1, 12), [], [7.046580354131, 1.108563027675, 27.983405484663]),
    'Gelu': ((-1, 6), [], [6.605614330992, 5.963593236778, 7.671717880985]),
    'Selu': ((-1, 6), [], [5.87117461199, 6.309372264845, 13.170399748733]),
    'Elu': ((-1, 6), [], [6.592603728051, 6.429004214127, 10.40128118479]),
    'LeakyRelu': ((-1, 6), [], [8.062179274106, 7.049515979639, 9.552114988171]),
    'Softplus': ((-1, 6), [], [12.598267319058, 10.504025871832, 16.029436383833]),
    'Sigmoid': ((-1, 6), [], [7.278725388893, 5.942715770412, 4.856007451098]),
    'Softmax': ((-1, 6), [], [2.0, 1.616861096803, 0.46237672594]),
    'LogSoftmax': ((-1, 6), [], [-24.238558520502, -17.68727342442, 55.118949380659]),
    'Tanh': ((-1, 6), [], [3.915681288669, 4.197715896899, 5.610425161392]),
    'Exp': ((-1, 6), [], [26.301779921286, 22.399652013756, 82.240167479384]),
    'Relu': ((-1, 6), [], [8.084946237906, 7.058902217779, 9.551899691763]),
    'Dropout': ((-1, 4, 5), [], [12.89286013796, 5.321373379799, 74.793398410737]),
    'residual': ((-1, 4), [[-1.573755984991, -1.02581572595, 3.852791159934], [0.025652987224, 0.02531190276, 0.000395339991]], [6.612598682475, 5.758014231263, 11.179300757226]),
    'concat': ((-1, 9), [[0.315077841787, 0.313662630241, 0.684639098175], [0.007567115366, 0.007524553294, 4.9867482e-05], [-2.051570542055, -1.647628533084, 2.457809404751], [-0.02121324506, -0.021317647371, 0.000483707406]], [4.23054881889, 3.656684755658, 14.067498942843]),
    'shape_dependent': ((-1, 6), [[1.489732136167, -0.35500176181, 3.858019614667], [-0.026934203746, -0.024933895753, 0.000193169584]], [4.659003174123, 4.303312920922, 12.983629857458]),
}


@pytest.mark.parametrize("name, layer, shape", LAYERS, ids=[c[0] for c in LAYERS])
def test_layer_params_shapes_and_outputs_match_jax(name, layer, shape):
    init_fun, apply_fun = layer
    out_shape, params = init_fun(R.PRNGKey(3), shape)
    want_shape, want_params, want_out = LAYER_VALUES[name]
    assert tuple(out_shape) == want_shape
    leaves = jaxlike.tree_util.tree_leaves(params)
    assert len(leaves) == len(want_params)
    for leaf, want in zip(leaves, want_params):
        np.testing.assert_allclose(digest(leaf), want, rtol=1e-10, atol=2e-12)
    x = wave(tuple(2 if d == -1 else d for d in shape))
    y = np.asarray(apply_fun(params, x, rng=R.PRNGKey(7)))
    assert y.shape == tuple(2 if d == -1 else d for d in want_shape)
    np.testing.assert_allclose(digest(y), want_out, rtol=1e-10, atol=2e-12)


def test_dropout_keeps_with_probability_rate_and_only_in_train_mode():
    x = np.ones((200, 50))
    _, apply_fun = stax.Dropout(0.25)
    y = np.asarray(apply_fun((), x, rng=R.PRNGKey(0)))
    assert set(np.unique(y)) == {0.0, 4.0} and abs((y > 0).mean() - 0.25) < 0.02
    _, test_apply = stax.Dropout(0.25, mode="test")
    np.testing.assert_array_equal(test_apply((), x, rng=R.PRNGKey(0)), x)


def mlp():
    return stax.serial(stax.Dense(16), stax.Relu, stax.Dropout(0.8), stax.Dense(3), stax.LogSoftmax)


def convnet():
    return stax.serial(stax.Conv(4, (3, 3), padding="SAME"), stax.BatchNorm(), stax.Relu,
                       stax.MaxPool((2, 2), (2, 2)), stax.Flatten, stax.Dense(3), stax.LogSoftmax)


MLP_LOSSES = [1.0515926224213927, 0.9608940412545738, 0.9462513526816563, 0.8481853225334577]   # JAX 0.10's
CONVNET_LOSSES = [1.6605597065270485, 1.0718813456585148, 0.5993228124062622, 0.347028626226869]


@pytest.mark.parametrize("net, opt, shape, x, want", [
    (mlp, O.adam(0.01), (-1, 5), wave((8, 5)), MLP_LOSSES),
    (convnet, O.momentum(0.1, 0.9), (-1, 6, 6, 2), wave((4, 6, 6, 2), 0.3), CONVNET_LOSSES)], ids=["mlp", "convnet"])
def test_training_compiled_and_eager_match_jax(net, opt, shape, x, want):
    init_fun, apply_fun = net()
    out_shape, params = init_fun(R.PRNGKey(0), shape)
    assert out_shape == (-1, 3)
    opt_init, opt_update, get_params = opt
    labels = np.eye(3)[np.arange(len(x)) % 3]

    def loss(p, x, t, key):
        return -jnp.mean(jnp.sum(apply_fun(p, x, rng=key) * t, axis=1))

    def update(i, opt_state, x, t, key):
        value, grads = jaxlike.value_and_grad(loss)(get_params(opt_state), x, t, key)
        return opt_update(i, grads, opt_state), value

    keys = R.split(R.PRNGKey(1), 3)
    compiled = jaxlike.jit(update)
    for run in (compiled, update):
        opt_state, losses = opt_init(params), []
        for i in range(3):
            opt_state, value = run(i, opt_state, x, labels, keys[i])
            losses.append(float(value))
        losses.append(float(loss(get_params(opt_state), x, labels, keys[0])))
        np.testing.assert_allclose(losses, want, rtol=1e-11, err_msg=getattr(run, "__name__", ""))
    assert len(compiled._cache) == 1


def test_combinators_and_initializer_aliases():
    init_fun, apply_fun = stax.parallel(stax.Dense(2), stax.Flatten)
    shapes, params = init_fun(R.PRNGKey(0), [(-1, 3), (-1, 2, 2)])
    assert shapes == ((-1, 2), (-1, 4)) and params[1] == ()
    out = apply_fun(params, [np.ones((5, 3)), np.ones((5, 2, 2))])
    assert [np.shape(o) for o in out] == [(5, 2), (5, 4)]
    # None for the batch size passes through where JAX's does
    assert stax.serial(stax.Dense(3), stax.BatchNorm(axis=0), stax.Flatten)[0](R.PRNGKey(0), (None, 4))[0] == (None, 3)
    assert stax.glorot is stax.glorot_normal and stax.randn is stax.normal and stax.logsoftmax is stax.log_softmax
    np.testing.assert_array_equal(stax.zeros(R.PRNGKey(0), (2,)), [0.0, 0.0])
    np.testing.assert_array_equal(stax.ones(R.PRNGKey(0), (2,)), [1.0, 1.0])


@pytest.mark.parametrize("make, match", [
    (lambda: stax.Dense(0), "out_dim"),
    (lambda: stax.Dense(3)[0](R.PRNGKey(0), "batch"), "input_shape"),
    (lambda: stax.Conv(4, (3,)), "filter_shape"),
    (lambda: stax.Conv(4, (3, 3), strides=(2,)), "strides"),
    (lambda: stax.Conv(4, (3, 3))[0](R.PRNGKey(0), (-1, 8, 3)), "input_shape"),
    (lambda: stax.GeneralConv(("NHWC", "HWIO"), 4, (3, 3)), "dimension_numbers"),
    (lambda: stax.MaxPool((2, 2), padding="FULL"), "padding"),
    (lambda: stax.AvgPool((2, 2), spec="HW"), "spec"),
    (lambda: stax.Dropout(1.5), "rate"),
    (lambda: stax.Dropout(0.5)[1]((), np.ones(3)), "rng"),
    (lambda: stax.serial(stax.Dense), r"layers\[0\]"),
    (lambda: stax.serial(), "layers"),
    (lambda: stax.BatchNorm(axis=3)[0](R.PRNGKey(0), (-1, 4)), "axis"),
    (lambda: stax.FanInConcat(axis=2)[0](R.PRNGKey(0), [(-1, 2), (-1, 3)]), "axis"),
    (lambda: stax.parallel(stax.Dense(2), stax.Tanh)[0](R.PRNGKey(0), [(-1, 3)]), "input_shape"),
    (lambda: stax.serial(stax.Dense(2), stax.Tanh)[1]([()], np.ones((1, 3))), "params"),
    (lambda: O.sgd(np.ones(2)), "step_size"),
    (lambda: O.adam("fast"), "step_size"),
    (lambda: O.piecewise_constant([1, 2], [0.1, 0.2]), "boundaries"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_bad_input_names_the_argument(make, match):
    with pytest.raises((TypeError, ValueError), match=match):
        make()


def test_import_jaxlike_leaves_example_libraries_to_the_user():
    code = "import sys, jaxlike; print('jaxlike.example_libraries' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
