"""JAX names outside jaxlike.numpy that ported programs use: nn activations' gradients at their kinks (JAX's
custom JVPs), nn.softmax / log_softmax with ``where``, nn.one_hot with ``axis``, random.key_data of split keys,
jaxlike.debug.print and jaxlike.checkpoint / remat. Expected values are hand values and numpy formulas.

What it catches: an activation that splits a tie between branches (maximum's 0.5/0.5) where JAX gives the
gradient to one side, a rewrite of an activation that changes its value at NaN, inf or -0.0, a masked-out
element that leaks into a softmax's normalizer or turns its gradient into NaN, one_hot's new axis put in
the wrong place, a print of graph variables instead of values, a checkpoint wrapper that changes values.
"""

import functools

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike import nn
from jaxlike.test_util import check_grads

FC = "FAST_COMPILE"
SPECIAL = np.array([-np.inf, -7.0, -6.0, -3.0, -1.0, -0.5, -0.0, 0.0, 0.5, 1.0, 3.0, 6.0, 7.0, np.inf, np.nan])

# (name, function, numpy value, {point: JAX's derivative there})
KINKS = [
    ("relu", nn.relu, lambda x: np.maximum(x, 0), {0.0: 0.0, -0.0: 0.0, np.nan: 0.0, 1.0: 1.0, -1.0: 0.0}),
    ("relu6", nn.relu6, lambda x: np.minimum(np.maximum(x, 0), 6), {0.0: 0.0, 6.0: 0.0, 3.0: 1.0, 7.0: 0.0,
                                                                    np.nan: 0.0}),
    ("hard_tanh", nn.hard_tanh, lambda x: np.clip(x, -1, 1), {1.0: 1.0, -1.0: 1.0, 0.0: 1.0, 3.0: 0.0}),
    ("hard_sigmoid", nn.hard_sigmoid, lambda x: np.minimum(np.maximum(x + 3, 0), 6) / 6,
     {-3.0: 0.0, 3.0: 0.0, 0.0: 1 / 6}),
    ("hard_silu", nn.hard_silu, lambda x: x * np.minimum(np.maximum(x + 3, 0), 6) / 6,
     {-3.0: 0.0, 3.0: 1.0, 0.0: 0.5}),
    ("leaky_relu", nn.leaky_relu, lambda x: np.where(x >= 0, x, 0.01 * x), {0.0: 1.0, -1.0: 0.01}),
]


@pytest.mark.parametrize("name,fn,ref,derivs", KINKS, ids=[k[0] for k in KINKS])
def test_activation_gradient_at_kinks_is_jaxs(name, fn, ref, derivs):
    points = np.array(list(derivs))
    want = np.array(list(derivs.values()))
    eager = np.array([jaxlike.grad(fn)(p) for p in points])
    compiled = jaxlike.compile(jaxlike.vmap(jaxlike.grad(fn)), mode=FC)(points)
    np.testing.assert_array_equal(eager, want, err_msg=f"{name}: grad, eager")
    np.testing.assert_array_equal(compiled, want, err_msg=f"{name}: vmap(grad), compiled")


@pytest.mark.parametrize("name,fn,ref,derivs", KINKS, ids=[k[0] for k in KINKS])
def test_activation_values_unchanged_at_special_points(name, fn, ref, derivs):
    """The select forms keep every value of the min/max forms: NaN stays NaN, the sign of 0 is kept."""
    with np.errstate(invalid="ignore"):
        want = ref(SPECIAL)
    for got in (fn(SPECIAL), jaxlike.compile(fn, mode=FC)(SPECIAL)):
        got = np.asarray(got)
        np.testing.assert_array_equal(got, want, err_msg=name)
        assert np.array_equal(np.signbit(got), np.signbit(want)), name
    x32 = SPECIAL[np.isfinite(SPECIAL)].astype(np.float32)
    assert np.asarray(fn(x32)).dtype == np.float32


def test_activation_kinks_compiled_with_numba():
    """One numba-compiled function: the fused select forms and their gradients."""
    g = jaxlike.compile(jaxlike.vmap(jaxlike.grad(lambda x: nn.relu(x) + nn.relu6(x) + nn.hard_tanh(x))))
    np.testing.assert_array_equal(g(np.array([0.0, 6.0, 1.0, -1.0, 0.5])), [1.0, 1.0, 3.0, 1.0, 3.0])


def test_relu_of_integers_stays_integer():
    x = np.array([-2, 0, 3], np.int32)
    out = nn.relu(x)
    assert out.dtype == np.int32 and list(out) == [0, 0, 3]


# -- softmax / log_softmax with where ------------------------------------------------------------------------
X = np.array([[1.0, -2.0, 3.0, 0.5], [0.2, 40.0, -1.0, 2.0], [1.0, 2.0, 3.0, 4.0]])
MASK = np.array([[True, False, True, True], [True, False, True, False], [False, False, False, False]])


def _np_softmax(x, keep, axis):
    e = np.where(keep, np.exp(x - np.max(np.where(keep, x, -np.inf), axis=axis, keepdims=True, initial=-np.inf)), 0)
    with np.errstate(invalid="ignore"):
        return np.where(keep, e / e.sum(axis=axis, keepdims=True), 0)


@pytest.mark.parametrize("axis", [-1, 0, None])
def test_softmax_where_against_numpy(axis):
    """Masked-out entries give 0 (softmax) and -inf (log_softmax); the large masked-out 40.0 does not shift
    the kept ones; the all-masked row is all 0 / -inf, not NaN."""
    want = _np_softmax(X, MASK, axis)
    with np.errstate(divide="ignore"):
        want_log = np.where(MASK, np.log(np.where(MASK, want, 1.0)), -np.inf)
    for f, w in ((nn.softmax, want), (nn.log_softmax, want_log)):
        np.testing.assert_allclose(f(X, axis=axis, where=MASK), w, rtol=1e-13)
        got = jaxlike.compile(lambda x, m: f(x, axis=axis, where=m), mode=FC)(X, MASK)
        np.testing.assert_allclose(got, w, rtol=1e-13)


def test_softmax_where_broadcasts_and_defaults_unchanged():
    keep = np.array([True, False, True, True])
    np.testing.assert_allclose(nn.softmax(X, where=keep), _np_softmax(X, np.broadcast_to(keep, X.shape), -1),
                               rtol=1e-13)
    e = np.exp(X - X.max(-1, keepdims=True))
    np.testing.assert_allclose(nn.softmax(X), e / e.sum(-1, keepdims=True), rtol=1e-13)


def test_softmax_where_gradients():
    """Against finite differences on the rows with something kept; the all-masked row's gradient is 0."""
    w = np.arange(1.0, 5.0)
    check_grads(lambda x: jnp.sum(nn.softmax(x, where=MASK[:2]) * w), (X[:2],), order=2, modes=("rev",))
    check_grads(lambda x: jnp.sum(jnp.where(MASK[:2], nn.log_softmax(x, where=MASK[:2]), 0) * w), (X[:2],),
                order=1)
    g = jaxlike.grad(lambda x: jnp.sum(nn.softmax(x, where=MASK) * w)
                     + jnp.sum(jnp.where(MASK, nn.log_softmax(x, where=MASK), 0)))(X)
    assert np.all(np.isfinite(g)) and np.all(g[2] == 0) and np.all(g[~MASK] == 0)


# -- one_hot ----------------------------------------------------------------------------------------------------
def test_one_hot_axis_and_dtype():
    labels = np.array([[0, 2], [1, 5]])                   # 5 is out of range: a row of zeros
    last = (labels[..., None] == np.arange(3)).astype(np.float64)
    np.testing.assert_array_equal(nn.one_hot(labels, 3), last)
    for axis in (0, 1, -2, 2):
        want = np.moveaxis(last, -1, axis)
        np.testing.assert_array_equal(nn.one_hot(labels, 3, axis=axis), want)
        np.testing.assert_array_equal(jaxlike.compile(lambda x: nn.one_hot(x, 3, axis=axis), mode=FC)(labels), want)
    out = nn.one_hot(np.array([0, 2]), 3, dtype=np.float32, axis=0)
    assert out.dtype == np.float32 and out.tolist() == [[1, 0], [0, 0], [0, 1]]


def test_one_hot_errors_name_the_argument():
    with pytest.raises(TypeError, match=r"num_classes must be a concrete int.*test_jax_names\.py"):
        nn.one_hot(np.array([0]), 3.0)
    with pytest.raises(ValueError, match=r"axis 3 is out of range for the 2-D result.*test_jax_names\.py"):
        nn.one_hot(np.array([0]), 3, axis=3)
    with pytest.raises(TypeError):
        nn.one_hot(np.array([0]), 3, np.float32)         # dtype is keyword-only, as JAX's


# -- random.key_data ---------------------------------------------------------------------------------------------
def test_key_data_of_split_keys():
    key = jaxlike.random.PRNGKey(0)
    keys = jaxlike.random.split(key, 3)
    np.testing.assert_array_equal(jaxlike.random.key_data(keys), keys)
    np.testing.assert_array_equal(jaxlike.random.key_data(key), key)
    grid = jaxlike.random.split(key, (2, 3))
    assert jaxlike.random.key_data(grid).shape == (2, 3, 2)
    np.testing.assert_array_equal(jaxlike.random.wrap_key_data(keys), keys)
    got = jaxlike.compile(lambda k: jaxlike.random.key_data(jaxlike.random.split(k, 4)), mode=FC)(key)
    np.testing.assert_array_equal(got, jaxlike.random.split(key, 4))
    with pytest.raises(TypeError, match=r"shape \(3, 3\).*test_jax_names\.py"):
        jaxlike.random.key_data(np.zeros((3, 3), np.uint32))


# -- debug.print ------------------------------------------------------------------------------------------------
def test_debug_print_prints_concrete_values(capsys):
    jaxlike.debug.print("x={x} y={}", np.arange(3), x={"a": 1.5})
    assert capsys.readouterr().out == "x={'a': 1.5} y=[0 1 2]\n"


def test_debug_print_prints_traced_values_when_the_graph_runs(capsys):
    """A traced argument prints its value each time the graph runs (tests/test_debug_print.py has the rest),
    here on the interpreter (FAST_COMPILE) and through grad with a keyword tree."""
    f = jaxlike.compile(lambda x: (jaxlike.debug.print("x {}", x), x)[1], mode=FC)
    f(np.ones(2))
    assert capsys.readouterr().out == "x [1. 1.]\n"
    jaxlike.grad(lambda x: (jaxlike.debug.print("{v}", v={"w": x}), x)[1])(1.5)
    assert capsys.readouterr().out == "{'w': array(1.5)}\n"


# -- checkpoint / remat -----------------------------------------------------------------------------------------
def test_checkpoint_keeps_values_and_gradients():
    """The decorator marks the function (a scan of it recomputes its step in the backward loop:
    tests/test_loops.py) and changes no value or gradient."""
    f = lambda x: jnp.sum(jnp.sin(x) ** 2)  # noqa: E731
    x = np.linspace(0.1, 1.0, 4)
    for wrapped in (jaxlike.checkpoint(f), jaxlike.remat(f)):
        assert wrapped.__jaxlike_remat__ and wrapped.__wrapped__ is f
        assert wrapped(x) == f(x) and np.array_equal(jaxlike.grad(wrapped)(x), jaxlike.grad(f)(x))
    deco = functools.partial(jaxlike.checkpoint, prevent_cse=False, policy=lambda *a, **k: True, static_argnums=(1,))
    g = deco(lambda x, n: x ** n)
    assert g(3.0, 2) == 9.0 and jaxlike.grad(g)(3.0, 2) == 6.0
    with pytest.raises(TypeError, match=r"policy must be None or a callable.*test_jax_names\.py"):
        jaxlike.checkpoint(f, policy="dots")
    with pytest.raises(TypeError, match=r"static_argnums must be an int or a tuple of ints"):
        jaxlike.checkpoint(f, static_argnums="0")
