"""The Theano API beyond the basics: indexing writes (``T.set_subtensor``/``T.inc_subtensor``), sorts and
scans, ``T.round`` modes, ``T.eye``/``T.tile``/``T.diag`` on symbolic sizes, ``theano.ifelse``,
``theano.gradient.zero_grad``/``disconnected_grad`` and ``theano.printing.pprint``. Values are compared with
numpy through ``jaxlike.function`` in FAST_COMPILE mode (the reference interpreter), gradients with finite
differences; one test compiles with numba, as the training loops that use these functions do.
"""

import gc

import numpy as np
import pytest

import jaxlike as theano
import jaxlike.tensor as T
from jaxlike.ifelse import ifelse
from jaxlike.gradient import zero_grad, disconnected_grad, DisconnectedInputError
from jaxlike.printing import pprint

from .test_tensor import fn, numgrad  # NOTE: FAST_COMPILE functions and central differences, as there

X = np.arange(12.0).reshape(3, 4) / 7.0


# -- set_subtensor / inc_subtensor ------------------------------------------------------------------------
def test_set_and_inc_subtensor_match_numpy_for_every_index_form():
    # catches: the index lost between x[idx] and the write, a write into the subtensor instead of x
    x, v, idx, i = T.dmatrix("x"), T.dvector("v"), T.lvector("idx"), T.lscalar("i")
    cases = [(lambda a: a[1:, 0], (slice(1, None), 0), 5.0), (lambda a: a[-1], -1, 9.0),
             (lambda a: a[:, ::2], (slice(None), slice(None, None, 2)), -1.0), (lambda a: a[i], 2, 3.0)]
    outs, expected = [], []
    for read, index, value in cases:
        outs += [T.set_subtensor(read(x), value), T.inc_subtensor(read(x), value)]
        put, added = X.copy(), X.copy()
        put[index] = value
        added[index] += value
        expected += [put, added]
    outs += [T.set_subtensor(x[idx], v), T.inc_subtensor(x[idx, 1:], v[:3]),
             T.set_subtensor(x[:], 0.5), T.set_subtensor(x[1][2:], v[:2])]
    a = X.copy()
    a[[2, 0]] = np.arange(4.0)
    b = X.copy()
    b[[2, 0], 1:] += np.arange(3.0)
    c = X[1].copy()
    c[2:] = [0.0, 1.0]
    expected += [a, b, np.full_like(X, 0.5), c]
    got = fn([x, v, idx, i], outs)(X, np.arange(4.0), [2, 0], 2)
    assert len(got) == len(expected)
    for k, (g, e) in enumerate(zip(got, expected)):
        np.testing.assert_allclose(g, e, err_msg=f"output {k}")


def test_repeated_indices_accumulate_in_inc_and_the_last_wins_in_set():
    # catches: inc_subtensor keeping one of the repeated increments (Theano adds them all)
    x, idx, y = T.dvector("x"), T.lvector("idx"), T.dvector("y")
    f = fn([x, idx, y], [T.inc_subtensor(x[idx], y), T.set_subtensor(x[idx], y),
                         T.set_subtensor(x[idx], 7.0)])
    inc, put, same = f(np.zeros(4), [1, 1, 3], [1.0, 2.0, 5.0])
    expected_inc = np.zeros(4)
    np.add.at(expected_inc, [1, 1, 3], [1.0, 2.0, 5.0])
    np.testing.assert_allclose(inc, expected_inc)
    np.testing.assert_allclose(put, [0.0, 2.0, 0.0, 5.0])   # the last value written, as numpy's assignment
    np.testing.assert_allclose(same, [0.0, 7.0, 0.0, 7.0])  # equal values: exactly Theano's result


def test_subtensor_writes_on_integer_tensors():
    # catches: integer tensors routed through reverse mode (which carries floats only)
    x, idx = T.lvector("x"), T.lvector("idx")
    f = fn([x, idx], [T.inc_subtensor(x[idx], 2), T.set_subtensor(x[1:], -1)])
    inc, put = f(np.array([1, 2, 3]), [0, 0])
    np.testing.assert_array_equal(inc, [5, 2, 3])
    np.testing.assert_array_equal(put, [1, -1, -1])
    assert inc.dtype == np.int64 and put.dtype == np.int64


def test_subtensor_gradients_match_finite_differences():
    # catches: gradients reaching y through positions that were not written, or x through overwritten ones
    x, y, idx = T.dmatrix("x"), T.dvector("y"), T.lvector("idx")
    w = np.linspace(-1.0, 2.0, 12).reshape(3, 4)
    positions = np.array([2, 0])
    cost_set = T.sum(w * T.set_subtensor(x[idx, 1], y) ** 2)
    cost_inc = T.sum(w * T.tanh(T.inc_subtensor(x[1:, ::2], y[:2])))
    f = fn([x, y, idx], T.grad(cost_set, [x, y]) + T.grad(cost_inc, [x, y]))
    y0 = np.array([0.3, -0.7])
    gx_set, gy_set, gx_inc, gy_inc = f(X, y0, positions)

    def set_np(a, b):
        a = a.copy()
        a[positions, 1] = b
        return np.sum(w * a ** 2)

    def inc_np(a, b):
        a = a.copy()
        a[1:, ::2] += b
        return np.sum(w * np.tanh(a))

    np.testing.assert_allclose(gx_set, numgrad(lambda a: set_np(a, y0), X), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(gy_set, numgrad(lambda b: set_np(X, b), y0), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(gx_inc, numgrad(lambda a: inc_np(a, y0), X), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(gy_inc, numgrad(lambda b: inc_np(X, b), y0), rtol=1e-6, atol=1e-8)


def test_subtensor_errors_name_the_argument():
    # catches: set_subtensor(x, y) silently returning y, or writing into the wrong tensor
    x, y = T.dmatrix("x"), T.dvector("y")
    with pytest.raises(TypeError, match="indexing expression such as x\\[idx\\].*got x"):
        T.set_subtensor(x, y)
    with pytest.raises(TypeError, match="indexing expression"):
        T.inc_subtensor(x * 2, y)
    with pytest.raises(TypeError, match="2-dimensional value into a 1-dimensional subtensor"):
        T.set_subtensor(x[0], x)


def test_indexing_records_do_not_outlive_their_expressions():
    # catches: the side table keeping every indexed graph alive
    from jaxlike.tensor import subtensor
    gc.collect()
    before = len(subtensor._SOURCES)
    for _ in range(50):
        T.dvector()[1:]
    gc.collect()
    assert len(subtensor._SOURCES) <= before


def test_sgd_on_embedding_rows_with_inc_subtensor_compiled_with_numba():
    # catches: the write graphs not compiling with the numba backend, or updates of a shared matrix
    # through a subtensor (the word-embedding idiom) applying anything but the sum of the row updates
    table = theano.shared(np.ones((5, 3)), name="table")
    idx, g = T.lvector("idx"), T.dmatrix("g")
    step = theano.function([idx, g], [T.set_subtensor(table[idx], g).sum(axis=1)],
                           updates=[(table, T.inc_subtensor(table[idx], -0.5 * g))])
    rows = np.array([4, 1, 4])
    grads = np.arange(9.0).reshape(3, 3)
    (sums,) = step(rows, grads)
    expected = np.ones((5, 3))
    np.add.at(expected, rows, -0.5 * grads)
    np.testing.assert_allclose(table.get_value(), expected)
    put = np.ones((5, 3))
    put[1] = grads[1]
    put[4] = grads[2]     # row 4 is set twice: the last row written, as numpy's assignment
    np.testing.assert_allclose(sums, put.sum(axis=1))


# -- sorts, scans, rounding, construction ---------------------------------------------------------------
def test_sort_argsort_cumsum_cumprod_match_numpy_with_gradients():
    # catches: Theano's axis=None (flatten) or axis=-1 defaults mixed up
    x = T.dmatrix("x")
    a = np.array([[3.0, -1.0, 2.0, 0.5], [0.1, 4.0, -2.0, 1.5], [2.0, 2.5, -0.3, 0.7]])
    outs = [T.sort(x), T.sort(x, axis=0), T.sort(x, axis=None), T.argsort(x), T.argsort(x, axis=None),
            T.cumsum(x), T.cumsum(x, axis=1), T.cumprod(x, axis=0), T.cumprod(x)]
    w = np.linspace(0.5, 1.5, 12).reshape(3, 4)
    cost = T.sum(w * T.sort(x, axis=0)) + T.sum(T.cumsum(x, axis=1) ** 2) + T.sum(T.cumprod(x, axis=0))
    got = fn([x], outs + [T.grad(cost, x)])(a)
    expected = [np.sort(a), np.sort(a, axis=0), np.sort(a, axis=None), np.argsort(a, kind="stable"),
                np.argsort(a, axis=None, kind="stable"), np.cumsum(a), np.cumsum(a, axis=1),
                np.cumprod(a, axis=0), np.cumprod(a)]
    for k, (g, e) in enumerate(zip(got, expected)):
        np.testing.assert_allclose(g, e, err_msg=f"output {k}")
    assert got[3].dtype == np.int64

    def cost_np(b):
        return (np.sum(w * np.sort(b, axis=0)) + np.sum(np.cumsum(b, axis=1) ** 2)
                + np.sum(np.cumprod(b, axis=0)))

    np.testing.assert_allclose(got[-1], numgrad(cost_np, a), rtol=1e-6, atol=1e-7)
    with pytest.raises(ValueError, match="kind must be one of"):
        T.sort(x, kind="bogo")


def test_round_defaults_to_half_to_even_and_has_theano_modes():
    # catches: half_away_from_zero computed as floor(|x| + 0.5), which rounds 0.49999999999999994 up
    x = T.dvector("x")
    a = np.array([0.5, 1.5, 2.5, -0.5, -1.5, -2.6, 0.49999999999999994, 3.2, -0.0])
    f = fn([x], [T.round(x), T.round(x, mode="half_to_even"), T.round(x, mode="half_away_from_zero"),
                 T.iround(x, mode="half_away_from_zero"), T.grad(T.sum(T.round(x, "half_away_from_zero")), x)])
    default, even, away, iaway, grad = f(a)
    np.testing.assert_array_equal(default, np.round(a))
    np.testing.assert_array_equal(even, np.round(a))
    expected_away = np.sign(a) * np.floor(np.abs(a) + 0.5)
    expected_away[6] = 0.0
    np.testing.assert_array_equal(away, expected_away)
    np.testing.assert_array_equal(iaway, expected_away.astype(np.int64))
    assert iaway.dtype == np.int64
    np.testing.assert_array_equal(grad, np.zeros_like(a))
    with pytest.raises(ValueError, match="mode must be"):
        T.round(x, mode="up")


def test_where_all_any_join_match_numpy():
    # catches: T.where taken as numpy's one-argument where, join's axis-first signature
    x, y = T.dmatrix("x"), T.dmatrix("y")
    f = fn([x, y], [T.where(x > 0.5, x, y), T.all(x > 0), T.any(x > 1.5, axis=1),
                    T.all(x >= 0, axis=0, keepdims=True), T.join(1, x, y, x), T.join(0, [x, y])])
    b = -X
    got = f(X, b)
    expected = [np.where(X > 0.5, X, b), np.all(X > 0), np.any(X > 1.5, axis=1),
                np.all(X >= 0, axis=0, keepdims=True), np.concatenate([X, b, X], axis=1),
                np.concatenate([X, b])]
    for k, (g, e) in enumerate(zip(got, expected)):
        np.testing.assert_array_equal(g, e, err_msg=f"output {k}")
    assert got[1].dtype == np.bool_
    assert T.join(0, x) is x


def test_eye_tile_diag_on_symbolic_sizes_match_numpy():
    # catches: numpy's eye/tile/diag reading symbolic sizes as ints (Theano's dims are all symbolic)
    x, v, k = T.dmatrix("x"), T.dvector("v"), T.lscalar("k")
    outs = [T.eye(x.shape[0]), T.eye(x.shape[0], x.shape[1], k), T.eye(3, 4, 1, dtype="int32"),
            T.tile(x, (2, 3)), T.tile(v, (2, 1, 3)), T.tile(v, 2, ndim=2),
            T.diag(v), T.diag(v, 1), T.diag(v, -2), T.diag(x), T.diag(x, 1), T.diag(x, -2), T.diag(x, 9)]
    vv = np.array([1.0, -2.0, 3.0])
    cost = T.sum(T.diag(v, 1) * T.tile(T.diag(x), (4, 1))[:, :, None][:4, :, 0].sum())
    got = fn([x, v, k], outs + [T.grad(cost, [x, v])[0]])(X, vv, -1)
    expected = [np.eye(3), np.eye(3, 4, -1), np.eye(3, 4, 1, dtype=np.int32), np.tile(X, (2, 3)),
                np.tile(vv, (2, 1, 3)), np.tile(vv, (1, 2)), np.diag(vv), np.diag(vv, 1), np.diag(vv, -2),
                np.diag(X), np.diag(X, 1), np.diag(X, -2), np.diag(X, 9)]
    for i, (g, e) in enumerate(zip(got, expected)):
        assert g.shape == e.shape, f"output {i}"
        np.testing.assert_array_equal(g, e, err_msg=f"output {i}")
    assert got[0].dtype == np.dtype(theano.config.floatX) and got[2].dtype == np.int32

    def cost_np(a):
        return np.sum(np.diag(vv, 1) * np.tile(np.diag(a), (4, 1)).sum())

    np.testing.assert_allclose(got[-1], numgrad(cost_np, X), rtol=1e-6, atol=1e-7)
    n, v = T.iscalar("n"), T.dscalar("v")
    sized = theano.function([n, v], [T.eye(n), T.eye(n, 2, 1), T.alloc(v, n, 2)])
    for size in (3, 1):
        for g, e in zip(sized(size, 1.5), [np.eye(size), np.eye(size, 2, 1), np.full((size, 2), 1.5)]):
            np.testing.assert_array_equal(g, e)
    with pytest.raises(TypeError, match="integer scalar"):
        T.eye(T.dscalar("f"))
    with pytest.raises(TypeError, match="reps must be a tuple of Python ints"):
        T.tile(x, (k, 1))


# -- ifelse, zero_grad, disconnected_grad ---------------------------------------------------------------
def test_ifelse_selects_a_branch_and_its_gradient():
    # catches: the gradient flowing into the branch not taken, list branches paired wrongly
    a, b, c = T.dscalar("a"), T.dvector("b"), T.iscalar("c")
    out = ifelse(T.gt(a, 0), a * b, b ** 2)
    pair = ifelse(c, [a, b], [a * 2, b - 1])
    f = fn([a, b, c], [out, T.grad(T.sum(out), b)] + pair)
    bb = np.array([1.0, 2.0])
    r = f(3.0, bb, 0)
    np.testing.assert_allclose(r[0], 3.0 * bb)
    np.testing.assert_allclose(r[1], [3.0, 3.0])
    np.testing.assert_allclose(r[2], 6.0)
    np.testing.assert_allclose(r[3], bb - 1)
    r = f(-1.0, bb, 1)
    np.testing.assert_allclose(r[0], bb ** 2)
    np.testing.assert_allclose(r[1], 2 * bb)
    np.testing.assert_allclose(r[2], -1.0)
    np.testing.assert_allclose(r[3], bb)
    assert theano.ifelse.ifelse is ifelse


def test_ifelse_errors():
    # catches: branches of different types silently promoted, a vector condition silently broadcast
    a, b = T.dvector("a"), T.ivector("b")
    with pytest.raises(TypeError, match="same type.*f64.*i32"):
        ifelse(T.iscalar(), a, b)
    with pytest.raises(TypeError, match="condition must be a scalar"):
        ifelse(a, a, a)
    with pytest.raises(ValueError, match="2 outputs but else_branch has 1"):
        ifelse(T.iscalar(), [a, a], [a])
    # catches: a size-1 branch broadcast by the select to the other's size (ifelse(c, v, zeros(1)) gave
    # zeros of v's length where the else branch was taken)
    with pytest.raises(TypeError, match="one shape.*f64\\[1\\]"):
        ifelse(T.iscalar(), a, T.zeros((1,)))
    with pytest.raises(TypeError, match="one shape"):
        ifelse(T.iscalar(), T.zeros((2, 3)), T.ones((2, 4)))
    f = fn([a], ifelse(T.lt(a[0], 0), a, a * 2))
    np.testing.assert_array_equal(f(np.array([1.0, 2.0])), [2.0, 4.0])


def test_zero_grad_gives_zeros_and_disconnected_grad_disconnects():
    # catches: disconnected_grad giving zeros (Theano raises), zero_grad raising, values changed
    x, y = T.dvector("x"), T.dvector("y")
    cost = T.sum(zero_grad(x) * x + disconnected_grad(y) * x)
    gx = T.grad(cost, x)
    g_zero = T.grad(T.sum(zero_grad(x) ** 2), x)
    g_ignored = T.grad(T.sum(disconnected_grad(y) ** 2), y, disconnected_inputs="ignore")
    f = fn([x, y], [cost, gx, g_zero, g_ignored])
    xv, yv = np.array([1.0, -2.0]), np.array([3.0, 0.5])
    value, grad_x, zeros, ignored = f(xv, yv)
    np.testing.assert_allclose(value, np.sum(xv * xv + yv * xv))
    np.testing.assert_allclose(grad_x, xv + yv)
    np.testing.assert_array_equal(zeros, [0.0, 0.0])
    np.testing.assert_array_equal(ignored, [0.0, 0.0])
    with pytest.raises(DisconnectedInputError):
        T.grad(T.sum(disconnected_grad(y) * x), y)
    with pytest.raises(DisconnectedInputError):
        T.grad(T.sum(disconnected_grad(y) * x), y, consider_constant=[x])
    # another path to y keeps it connected
    np.testing.assert_allclose(fn([y], T.grad(T.sum(disconnected_grad(y) * y), y))(yv), yv)
    assert theano.gradient.zero_grad is zero_grad


# -- pprint --------------------------------------------------------------------------------------------
def test_pprint_writes_one_infix_line():
    # catches: unparenthesised infix (ambiguous), named intermediates expanded, constants unreadable
    x, y = T.dscalar("x"), T.dvector("y")
    assert pprint(x ** 2) == "(x ** TensorConstant{2})"
    assert pprint(T.exp(x) * 2 - -x) == "((exp(x) * TensorConstant{2}) - -x)"
    hidden = T.tanh(y)
    hidden.name = "h"
    assert pprint(hidden + 1) == "(h + TensorConstant{1})"
    assert pprint(hidden) == "tanh(y)"
    assert pprint(y[1:]) == "y[1:]"
    assert "reduce_sum{axes=(0,)}(y)" in theano.printing.pp(T.sum(y))
    assert pprint([x, x + 1]) == "x\n(x + TensorConstant{1})"
    assert theano.pp is pprint
