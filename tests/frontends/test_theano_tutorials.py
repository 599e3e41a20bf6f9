"""The programs of Theano's tutorial and of the deeplearning.net tutorials, as written there but for the
import line (``import jaxlike as theano``), each checked against numpy computed here. Most functions run in
FAST_COMPILE mode (the reference interpreter, cheap); the training loops the tutorials time compile with
numba. Each test's docstring names the bugs it caught when it was written (each fails without its fix).
"""

import numpy
import numpy as np
import pytest

import jaxlike as theano
import jaxlike.tensor as T
from jaxlike import function, pp
from jaxlike.ifelse import ifelse
from jaxlike.tensor.shared_randomstreams import RandomStreams

from .test_tensor import numgrad

FC = "FAST_COMPILE"


def softmax_rows(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


# -- "Baby steps - algebra" and "More examples" -----------------------------------------------------------
def test_baby_steps_plural_constructors_defaults_and_named_inputs():
    """Catches: T.dscalars/T.dmatrices/T.scalars missing; theano.In and theano.Param missing (default values,
    a keyword name other than the variable's)."""
    a, b = T.dmatrices('a', 'b')
    diff = a - b
    f = function([a, b], [diff, abs(diff), diff ** 2], mode=FC)
    A, B = np.array([[1., 1.], [1., 1.]]), np.array([[0., 1.], [2., 3.]])
    for got, want in zip(f(A, B), [A - B, np.abs(A - B), (A - B) ** 2]):
        np.testing.assert_array_equal(got, want)
    assert [v.name for v in T.scalars('p', 'q')] == ['p', 'q'] and len(T.fvectors(3)) == 3
    assert T.imatrices('m')[0].dtype == np.int32

    x, y, w = T.dscalars('x', 'y', 'w')
    z = (x + y) * w
    f = function([x, theano.In(y, value=1), theano.In(w, value=2, name='w_by_name')], z, mode=FC)
    assert [float(f(33)), float(f(33, 2)), float(f(33, 0, 1)), float(f(33, w_by_name=1)),
            float(f(33, w_by_name=1, y=0))] == [68., 70., 33., 34., 33.]
    g = function([x, theano.Param(y, default=1)], x + y, mode=FC)
    assert float(g(33)) == 34.0
    with pytest.raises(TypeError, match="missing value for input"):
        f(y=3)


def test_shared_accumulator_givens_and_function_copy():
    """Catches: Function.copy missing (swap= and delete_updates=, from the tutorial's "Copying functions")."""
    state = theano.shared(0)
    inc = T.iscalar('inc')
    accumulator = function([inc], state, updates=[(state, state + inc)])
    assert int(accumulator(1)) == 0 and int(accumulator(300)) == 1 and state.get_value() == 301
    state.set_value(-1)
    accumulator(3)
    assert state.get_value() == 2
    foo = T.scalar(dtype=state.dtype)
    skip_shared = function([inc, foo], state * 2 + inc, givens=[(state, foo)], mode=FC)
    assert int(skip_shared(1, 3)) == 7 and state.get_value() == 2

    new_state = theano.shared(0)
    new_accumulator = accumulator.copy(swap={state: new_state})
    new_accumulator(100)
    assert new_state.get_value() == 100 and state.get_value() == 2
    null_accumulator = accumulator.copy(delete_updates=True)
    assert int(null_accumulator(9000)) == 2 and state.get_value() == 2
    with pytest.raises(TypeError, match="swap must map shared variables"):
        accumulator.copy(swap={inc: new_state})


def test_random_streams_rng_state_round_trip():
    """Catches: ``rv_u.rng`` missing, and with it the tutorial's seeding of one draw and its
    get_state/set_state round trip (v3 == v1)."""
    srng = RandomStreams(seed=234)
    rv_u = srng.uniform((2, 2))
    f = function([], rv_u, mode=FC)
    nearly_zeros = function([], rv_u + rv_u - 2 * rv_u, mode=FC)
    np.testing.assert_allclose(nearly_zeros(), 0, atol=1e-15)

    rng_val = rv_u.rng.get_value(borrow=True)
    rng_val.seed(89234)
    rv_u.rng.set_value(rng_val, borrow=True)
    first = f()
    rv_u.rng.set_value(rng_val)
    np.testing.assert_array_equal(f(), first)            # the same seed, the same numbers

    srng.seed(902340)
    state_after_v0 = rv_u.rng.get_value().get_state()
    nearly_zeros()                                        # advances rv_u's generator
    v1 = f()
    rng = rv_u.rng.get_value(borrow=True)
    rng.set_state(state_after_v0)
    rv_u.rng.set_value(rng, borrow=True)
    v2, v3 = f(), f()
    assert not np.allclose(v1, v2)
    np.testing.assert_array_equal(v1, v3)
    with pytest.raises(AttributeError, match="not a RandomStreams draw"):
        (rv_u * 2).rng


def test_logistic_regression_example_matches_numpy_training():
    """The tutorial's "A real example" compiled with numba: ten training steps against numpy's gradient
    descent (catches any error in the fused forward/backward/update call)."""
    rng = numpy.random.RandomState(42)
    N, feats = 40, 7
    D = (rng.randn(N, feats), rng.randint(size=N, low=0, high=2))
    x, y = T.dmatrix("x"), T.dvector("y")
    w = theano.shared(rng.randn(feats), name="w")
    b = theano.shared(0., name="b")
    p_1 = 1 / (1 + T.exp(-T.dot(x, w) - b))
    prediction = p_1 > 0.5
    xent = -y * T.log(p_1) - (1 - y) * T.log(1 - p_1)
    cost = xent.mean() + 0.01 * (w ** 2).sum()
    gw, gb = T.grad(cost, [w, b])
    train = theano.function(inputs=[x, y], outputs=[prediction, xent],
                            updates=((w, w - 0.1 * gw), (b, b - 0.1 * gb)))
    wn, bn = w.get_value(), float(b.get_value())
    for _ in range(10):
        pred, err = train(D[0], D[1])
        p = sigmoid(D[0] @ wn + bn)
        np.testing.assert_allclose(err, -D[1] * np.log(p) - (1 - D[1]) * np.log(1 - p), rtol=1e-10)
        np.testing.assert_array_equal(pred, p > 0.5)
        wn, bn = wn - 0.1 * (D[0].T @ (p - D[1]) / N + 0.02 * wn), bn - 0.1 * np.mean(p - D[1])
    np.testing.assert_allclose(w.get_value(), wn, rtol=1e-10)
    np.testing.assert_allclose(b.get_value(), bn, rtol=1e-10, atol=1e-14)


# -- "Derivatives", "Conditions", "Printing", "Graph structures" --------------------------------------------
def test_derivatives_page_and_optimized_graph_printing():
    """Catches: ``f.maker.fgraph`` missing (the tutorial prints ``pp(f.maker.fgraph.outputs[0])``), and
    ``var.owner.op``/``owner.inputs`` missing (Graph structures)."""
    x = T.dscalar('x')
    f = theano.function([x], T.grad(x ** 2, x))
    assert float(f(4)) == 8.0 and np.isclose(f(94.2), 188.4)
    assert pp(f.maker.fgraph.outputs[0]) == '(TensorConstant{2.0} * x)'
    xm = T.dmatrix('x')
    z = xm + T.dmatrix('y')
    assert z.owner.op.name == "add" and z.owner.inputs[0] is xm and xm.owner is None

    v = T.dvector('v')
    y = v ** 2
    J, updates = theano.scan(lambda i, y, v: T.grad(y[i], v), sequences=T.arange(y.shape[0]),
                             non_sequences=[y, v])
    H = theano.gradient.hessian((v ** 3).sum(), v)
    W, V = T.dmatrices('W', 'V')
    u = T.dvector('u')
    JV = T.Rop(T.dot(u, W), W, V)
    VJ = T.Lop(T.dot(u, W), W, u)
    Hv = T.Rop(T.grad(T.sum(v ** 2), v), v, u)
    f = function([v, W, V, u], [J, H, JV, VJ, Hv], updates=updates, mode=FC)
    vv, WW, VV, uu = np.array([4., 1.]), np.ones((2, 2)), 2 * np.ones((2, 2)), np.array([0., 1.])
    for got, want in zip(f(vv, WW, VV, uu), [np.diag(2 * vv), np.diag(6 * vv), uu @ VV, np.outer(uu, uu),
                                             2 * uu]):
        np.testing.assert_allclose(got, want)


def test_conditions_with_theano_mode_object():
    """Catches: ``theano.Mode(linker='vm')`` missing (the Conditions page compiles with it)."""
    a, b = T.scalars('a', 'b')
    x, y = T.matrices('x', 'y')
    z_switch = T.switch(T.lt(a, b), T.mean(x), T.mean(y))
    z_lazy = ifelse(T.lt(a, b), T.mean(x), T.mean(y))
    f = theano.function([a, b, x, y], [z_switch, z_lazy], mode=theano.Mode(linker='vm', optimizer=None))
    ones, zeros = np.ones((3, 3)), np.zeros((3, 3))
    assert [float(r) for r in f(0., 1., ones, zeros)] == [1.0, 1.0]
    assert [float(r) for r in f(2., 1., ones, zeros)] == [0.0, 0.0]


def test_pydotprint_writes_dot_and_profile_summary(tmp_path, capsys):
    """Catches: ``theano.printing.pydotprint`` missing, and ``f.profile.summary()`` (profile=True)."""
    x = T.dvector('x')
    f = theano.function([x], T.exp(x) * 2, profile=True, mode=FC, name="expf")
    f([1.0, 2.0])
    out = tmp_path / "pics" / "f.dot"
    theano.printing.pydotprint(f, outfile=str(out), var_with_name_simple=True)
    assert out.read_text().startswith("digraph") and "exp" in out.read_text()
    text = f.profile.summary()
    assert "expf" in text and "expf" in capsys.readouterr().out
    f.profile.reset()    # NOTE: keeps this function out of the report printed at exit


# -- "Loop" (scan) -------------------------------------------------------------------------------------------
def test_scan_page_examples():
    """The scan page's examples in one function; catches: T.arange of an iscalar (a value-dependent size,
    TracerBoolError before), n_steps given as a symbolic size (x.shape[0], ConcretizationError before)."""
    k, A = T.iscalar("k"), T.dvector("A")
    result, _ = theano.scan(lambda prior, A: prior * A, outputs_info=T.ones_like(A), non_sequences=A,
                            n_steps=k, strict=True)
    up_to = T.iscalar("up_to")
    seq = T.arange(up_to)
    tri, _ = theano.scan(lambda v, s: s + v, sequences=seq,
                         outputs_info=T.as_tensor_variable(np.asarray(0, seq.dtype)))
    X, W, U, V, P, Y = T.dmatrices('X', 'W', 'U', 'V', 'P', 'Y')
    b_sym = T.dvector("b_sym")
    x0 = T.dvector("x0")
    rnn, _ = theano.scan(lambda y, p, x_tm1: T.tanh(T.dot(x_tm1, W) + T.dot(y, U) + T.dot(p, V)),
                         sequences=[Y, P[::-1]], outputs_info=[x0])
    taps, _ = theano.scan(lambda x_tm2, x_tm1: T.dot(x_tm2, U) + T.dot(x_tm1, V) + T.tanh(T.dot(x_tm1, W)
                                                                                         + b_sym),
                          n_steps=k, outputs_info=[dict(initial=X, taps=[-2, -1])])
    norms, _ = theano.scan(lambda x_i: T.sqrt((x_i ** 2).sum()), sequences=[X.T], n_steps=X.shape[1])
    trace, _ = theano.scan(lambda i, j, t_f: X[i, j] + t_f, sequences=[T.arange(X.shape[0]),
                                                                      T.arange(X.shape[1])],
                           outputs_info=np.asarray(0.))
    f = function([A, k, up_to, X, W, U, V, P, Y, b_sym, x0],
                 [result[-1], tri, seq, rnn, taps, norms, trace[-1]], mode=FC)
    rng = np.random.RandomState(0)
    a = np.arange(5.)
    x, w, u, v = rng.randn(2, 2), rng.randn(2, 2) / 2, rng.randn(2, 2) / 2, rng.randn(2, 2) / 2
    p, y, b, x0v = rng.randn(5, 2), rng.randn(5, 2), rng.randn(2), rng.randn(2)
    got = f(a, 4, 15, x, w, u, v, p, y, b, x0v)
    np.testing.assert_allclose(got[0], a ** 4)
    np.testing.assert_array_equal(got[1], np.cumsum(np.arange(15)))
    assert got[2].dtype == np.int64 and got[1].dtype == np.int64   # Theano widens arange's integer bounds
    want, h = [], x0v
    for i in range(5):
        h = np.tanh(h @ w + y[i] @ u + p[4 - i] @ v)
        want.append(h)
    np.testing.assert_allclose(got[3], want, rtol=1e-12)
    rows = [x[0], x[1]]
    for i in range(4):
        rows.append(rows[-2] @ u + rows[-1] @ v + np.tanh(rows[-1] @ w + b))
    np.testing.assert_allclose(got[4], rows[2:], rtol=1e-12)
    np.testing.assert_allclose(got[5], np.sqrt((x ** 2).sum(0)))
    np.testing.assert_allclose(got[6], np.trace(x))
    assert f(a, 4, 0, x, w, u, v, p, y, b, x0v)[1].shape == (0,)


def test_scan_strict_rejects_a_shared_variable_not_in_non_sequences():
    """Catches: strict=True accepted and ignored (Theano refuses a step reading a shared variable it was not
    given), or refusing an outside variable that is not shared (Theano passes those in itself)."""
    k, A = T.iscalar("k"), T.dvector("A")
    out, _ = theano.scan(lambda prior: prior * A, outputs_info=T.ones_like(A), n_steps=k, strict=True)
    np.testing.assert_allclose(theano.function([A, k], out[-1])(np.array([2.0, 3.0]), 3), [8.0, 27.0])
    counter = theano.shared(0)
    with pytest.raises(ValueError, match="strict=True"):
        theano.scan(lambda: {counter: counter + 1}, n_steps=k, strict=True)


def test_scan_accumulates_shared_updates_and_random_draws():
    """The scan page's "accumulating the number of loops" and its binomial noise inside a scan."""
    kk = theano.shared(0)
    n_sym = T.iscalar("n_sym")
    _, updates = theano.scan(lambda: {kk: (kk + 1)}, n_steps=n_sym)
    accumulator = theano.function([n_sym], [], updates=updates, allow_input_downcast=True, mode=FC)
    accumulator(5)
    assert kk.get_value() == 5


@pytest.fixture(scope="module")
def until_fn():
    max_value = T.dscalar('max_value')
    values, _ = theano.scan(lambda previous_power, max_value: (previous_power * 2,
                                                                theano.scan_module.until(previous_power * 2
                                                                                         > max_value)),
                            outputs_info=T.constant(np.float64(1.)), non_sequences=max_value, n_steps=1024)
    x = T.dvector('x')
    steps = theano.shared(0)
    r, up = theano.scan(lambda v, acc: (acc + v, {steps: steps + 1},
                                        theano.scan_module.until(acc + v > 5)),
                        sequences=x, outputs_info=T.constant(np.float64(0)))
    cost = T.sum(r * x[:r.shape[0]])
    return theano.function([max_value, x], [values, r, T.grad(cost, x)], updates=up), steps


@pytest.mark.parametrize("limit, xs", [(45.0, [1., 2., 3., 4., 5.]), (0.5, [6., 1.]), (1e300, [1., 1.])])
def test_scan_until_stops_after_the_first_true_condition(until_fn, limit, xs):
    """``theano.scan_module.until`` (compiled): outputs up to and including the step whose condition is
    true, shared updates counted for the steps run only, and the gradient of the kept steps (against central
    differences)."""
    f, steps = until_fn
    steps.set_value(0)
    xs = np.array(xs)
    powers, r, g = f(limit, xs)
    want = [2.0]
    while want[-1] <= limit and len(want) < 1024:
        want.append(want[-1] * 2)
    np.testing.assert_array_equal(powers, want)
    acc = np.cumsum(xs)
    n = int(np.argmax(acc > 5)) + 1 if (acc > 5).any() else len(xs)
    np.testing.assert_array_equal(r, acc[:n])
    assert steps.get_value() == n

    def cost(v):
        a = np.cumsum(v)
        m = int(np.argmax(a > 5)) + 1 if (a > 5).any() else len(v)
        return np.sum(a[:m] * v[:m])
    np.testing.assert_allclose(g, numgrad(cost, xs), rtol=1e-6, atol=1e-8)


def test_until_must_come_last():
    with pytest.raises(TypeError, match="until"):
        theano.scan(lambda v: (theano.scan_module.until(v > 0), v), sequences=T.dvector())


# -- "Broadcasting" and "Shape information" ---------------------------------------------------------------
def test_broadcasting_and_shape_information():
    """Catches: T.TensorType, T.patternbroadcast, T.unbroadcast, T.specify_shape, T.shape, T.alloc missing."""
    f_row = T.TensorType(broadcastable=(True, False), dtype='float32')
    assert f_row().broadcastable == (True, False) and f_row().dtype == np.float32
    r = T.drow('r')
    assert T.unbroadcast(r, 0).broadcastable == (False, False) and r.broadcastable == (True, False)
    m = T.dmatrix('m')
    assert T.patternbroadcast(m, (True, False)).broadcastable == (True, False)
    assert T.shape_padleft(T.dvector()).broadcastable == (True, False)

    x = T.dmatrix('x')
    x_specify_shape = T.specify_shape(x, (2, 2))
    assert x_specify_shape.type.shape == (2, 2)
    f = function([x, r], [x_specify_shape ** 2, T.shape(x), T.alloc(np.float64(0.5), 3, x.shape[1]),
                          T.unbroadcast(r, 0) * 2], mode=FC)
    xv = np.arange(4.).reshape(2, 2)
    sq, shp, al, ub = f(xv, [[1., 2.]])
    np.testing.assert_array_equal(sq, xv ** 2)
    np.testing.assert_array_equal(shp, [2, 2])
    np.testing.assert_array_equal(al, np.full((3, 2), 0.5))
    np.testing.assert_array_equal(ub, [[2., 4.]])
    for bad in (np.ones((1, 4)), np.ones((2, 3)), np.ones((3, 2))):
        with pytest.raises(ValueError):
            f(bad, [[1., 2.]])
    with pytest.raises(ValueError, match="specify_shape"):
        T.specify_shape(x, (2,))


def test_constructed_and_shared_variables_are_true_but_comparisons_raise():
    """Catches: ``if not input:`` (the RBM tutorial) and ``if not W:`` with a shared W (the SdA builds its
    dA layers so) raised TracerBoolError; Theano's variables are true, only comparisons refuse."""
    x = T.matrix('input')
    w = theano.shared(np.zeros(2))
    assert x and w and not (not x)
    with pytest.raises(Exception, match="bool"):
        bool(x < 1)


def test_int_division_follows_floatx():
    """Catches: under floatX=float32, int / int gave float64 (Theano's int_division='floatX' gives
    floatX)."""
    old = theano.config.floatX
    theano.config.floatX = "float32"
    try:
        a, b = T.iscalars('a', 'b')
        v = T.ivector('v')
        assert (a / b).dtype == np.float32 and (v / 2).dtype == np.float32
        res = function([a, b, v], [a / b, v / b], mode=FC)(7, 2, np.array([1, 2, 3], dtype=np.int32))
        assert [r.dtype for r in res] == [np.float32, np.float32]
        np.testing.assert_array_equal(res[1], np.float32([0.5, 1.0, 1.5]))
    finally:
        theano.config.floatX = old
    assert (T.iscalar() / T.iscalar()).dtype == np.float64


# -- deeplearning.net tutorials ------------------------------------------------------------------------------
class LogisticRegression(object):
    def __init__(self, input, n_in, n_out):
        self.W = theano.shared(value=numpy.zeros((n_in, n_out), dtype=theano.config.floatX), name='W',
                               borrow=True)
        self.b = theano.shared(value=numpy.zeros((n_out,), dtype=theano.config.floatX), name='b', borrow=True)
        self.p_y_given_x = T.nnet.softmax(T.dot(input, self.W) + self.b)
        self.y_pred = T.argmax(self.p_y_given_x, axis=1)
        self.params = [self.W, self.b]
        self.input = input

    def negative_log_likelihood(self, y):
        return -T.mean(T.log(self.p_y_given_x)[T.arange(y.shape[0]), y])

    def errors(self, y):
        return T.mean(T.neq(self.y_pred, y))


def shared_dataset(data_xy, borrow=True):
    data_x, data_y = data_xy
    shared_x = theano.shared(numpy.asarray(data_x, dtype=theano.config.floatX), borrow=borrow)
    shared_y = theano.shared(numpy.asarray(data_y, dtype=theano.config.floatX), borrow=borrow)
    return shared_x, T.cast(shared_y, 'int32')


DATA_RNG = np.random.RandomState(0)
XD = DATA_RNG.rand(60, 8)
YD = (XD[:, :3].sum(1) * 1.3).astype(int) % 3


def test_logistic_sgd_minibatches_from_shared_data():
    """logistic_sgd.py (compiled): minibatch givens from shared data with T.cast labels, the NLL indexed by
    T.arange, errors by T.neq, then a test_model loop; against numpy's SGD."""
    train_set_x, train_set_y = shared_dataset((XD, YD))
    batch_size, learning_rate = 20, 0.13
    index, x, y = T.lscalar(), T.matrix('x'), T.ivector('y')
    classifier = LogisticRegression(input=x, n_in=8, n_out=3)
    cost = classifier.negative_log_likelihood(y)
    batch = {x: train_set_x[index * batch_size: (index + 1) * batch_size],
             y: train_set_y[index * batch_size: (index + 1) * batch_size]}
    test_model = theano.function(inputs=[index], outputs=classifier.errors(y), givens=batch)
    g_W, g_b = T.grad(cost=cost, wrt=classifier.W), T.grad(cost=cost, wrt=classifier.b)
    train_model = theano.function(inputs=[index], outputs=cost, givens=batch,
                                  updates=[(classifier.W, classifier.W - learning_rate * g_W),
                                           (classifier.b, classifier.b - learning_rate * g_b)])
    W, b = np.zeros((8, 3)), np.zeros(3)
    for _ in range(2):
        for i in range(3):
            c = train_model(i)
            xb, yb = XD[i * 20:(i + 1) * 20], YD[i * 20:(i + 1) * 20]
            p = softmax_rows(xb @ W + b)
            assert np.isclose(c, -np.mean(np.log(p[np.arange(20), yb])), rtol=1e-12)
            d = p.copy()
            d[np.arange(20), yb] -= 1
            W, b = W - learning_rate * xb.T @ d / 20, b - learning_rate * d.sum(0) / 20
    np.testing.assert_allclose(classifier.W.get_value(), W, rtol=1e-10, atol=1e-14)
    errors = [float(test_model(i)) for i in range(3)]
    want = [np.mean(np.argmax(XD[i * 20:(i + 1) * 20] @ W + b, 1) != YD[i * 20:(i + 1) * 20]) for i in range(3)]
    assert errors == want


class dA(object):
    def __init__(self, numpy_rng, theano_rng=None, input=None, n_visible=784, n_hidden=500, W=None, bhid=None,
                 bvis=None):
        self.n_visible, self.n_hidden = n_visible, n_hidden
        if not theano_rng:
            theano_rng = RandomStreams(numpy_rng.randint(2 ** 30))
        if not W:
            bound = 4 * numpy.sqrt(6. / (n_hidden + n_visible))
            initial_W = numpy.asarray(numpy_rng.uniform(low=-bound, high=bound, size=(n_visible, n_hidden)),
                                      dtype=theano.config.floatX)
            W = theano.shared(value=initial_W, name='W', borrow=True)
        if not bvis:
            bvis = theano.shared(value=numpy.zeros(n_visible, dtype=theano.config.floatX), borrow=True)
        if not bhid:
            bhid = theano.shared(value=numpy.zeros(n_hidden, dtype=theano.config.floatX), name='b', borrow=True)
        self.W, self.b, self.b_prime = W, bhid, bvis
        self.W_prime = self.W.T
        self.theano_rng = theano_rng
        self.x = T.dmatrix(name='input') if input is None else input
        self.params = [self.W, self.b, self.b_prime]

    def get_corrupted_input(self, input, corruption_level):
        return self.theano_rng.binomial(size=input.shape, n=1, p=1 - corruption_level,
                                        dtype=theano.config.floatX) * input

    def get_hidden_values(self, input):
        return T.nnet.sigmoid(T.dot(input, self.W) + self.b)

    def get_reconstructed_input(self, hidden):
        return T.nnet.sigmoid(T.dot(hidden, self.W_prime) + self.b_prime)

    def get_cost_updates(self, corruption_level, learning_rate):
        tilde_x = self.get_corrupted_input(self.x, corruption_level)
        y = self.get_hidden_values(tilde_x)
        z = self.get_reconstructed_input(y)
        L = - T.sum(self.x * T.log(z) + (1 - self.x) * T.log(1 - z), axis=1)
        cost = T.mean(L)
        gparams = T.grad(cost, self.params)
        updates = [(param, param - learning_rate * gparam) for param, gparam in zip(self.params, gparams)]
        return (cost, updates)


def test_sda_pretraining_functions_with_in_defaults_and_shared_weights():
    """SdA.py's pretraining_functions: dA layers built on a hidden layer's shared W (``if not W:``), the
    corruption level and learning rate as ``theano.In`` inputs with defaults, called by keyword; the
    uncorrupted cost and update against numpy, the corruption's keep rate against 1 - level."""
    Xb = (DATA_RNG.rand(40, 12) > 0.5).astype(theano.config.floatX)
    train_set_x = theano.shared(Xb, borrow=True)
    index, x = T.lscalar('index'), T.matrix('x')
    rng = numpy.random.RandomState(123)
    W_hidden = theano.shared(rng.uniform(-0.5, 0.5, (12, 5)), name='W')
    b_hidden = theano.shared(np.zeros(5), name='b')
    da = dA(numpy_rng=rng, theano_rng=RandomStreams(rng.randint(2 ** 30)), input=x, n_visible=12, n_hidden=5,
            W=W_hidden, bhid=b_hidden)
    corruption_level, learning_rate = T.scalar('corruption'), T.scalar('lr')
    cost, updates = da.get_cost_updates(corruption_level, learning_rate)
    fn = theano.function(inputs=[index, theano.In(corruption_level, value=0.2), theano.In(learning_rate, value=0.1)],
                         outputs=cost, updates=updates, givens={x: train_set_x[index * 20: (index + 1) * 20]},
                         mode=FC)
    W0 = W_hidden.get_value()
    c = fn(index=0, corruption=0.0, lr=0.5)
    xb = Xb[:20]
    y = sigmoid(xb @ W0)
    z = sigmoid(y @ W0.T)
    np.testing.assert_allclose(c, np.mean(-np.sum(xb * np.log(z) + (1 - xb) * np.log(1 - z), 1)), rtol=1e-12)
    dz = (z - xb) / 20
    dy = dz @ W0 * y * (1 - y)
    np.testing.assert_allclose(W_hidden.get_value(), W0 - 0.5 * (xb.T @ dy + dz.T @ y), rtol=1e-10)
    fn(1)                                                  # both defaults
    corrupt = theano.function([x, corruption_level], da.get_corrupted_input(x, corruption_level), mode=FC)
    kept = corrupt(np.ones((200, 50)), 0.3)
    assert set(np.unique(kept)) <= {0.0, 1.0} and abs(kept.mean() - 0.7) < 0.02


def test_rbm_persistent_cd_gibbs_chain_with_scan_updates():
    """rbm.py: a Gibbs chain in scan (``outputs_info=[None] * 5 + [chain_start]``, ``n_steps=k``) whose
    random-key updates are merged into the training function's, ``consider_constant=[chain_end]``, and the
    persistent chain; the free-energy cost gradient is checked against numpy on the chain's own samples."""
    n_visible, n_hidden, k = 6, 4, 3
    rng = numpy.random.RandomState(1234)
    W = theano.shared(rng.uniform(-0.5, 0.5, (n_visible, n_hidden)), name='W')
    hbias, vbias = theano.shared(np.zeros(n_hidden), name='hbias'), theano.shared(np.zeros(n_visible), name='vbias')
    theano_rng = RandomStreams(rng.randint(2 ** 30))
    input = None
    if not input:
        input = T.matrix('input')

    def free_energy(v_sample):
        wx_b = T.dot(v_sample, W) + hbias
        return -T.sum(T.log(1 + T.exp(wx_b)), axis=1) - T.dot(v_sample, vbias)

    def gibbs_hvh(h0_sample):
        pre_sigmoid_v1 = T.dot(h0_sample, W.T) + vbias
        v1_mean = T.nnet.sigmoid(pre_sigmoid_v1)
        v1_sample = theano_rng.binomial(size=v1_mean.shape, n=1, p=v1_mean, dtype=theano.config.floatX)
        pre_sigmoid_h1 = T.dot(v1_sample, W) + hbias
        h1_mean = T.nnet.sigmoid(pre_sigmoid_h1)
        h1_sample = theano_rng.binomial(size=h1_mean.shape, n=1, p=h1_mean, dtype=theano.config.floatX)
        return [pre_sigmoid_v1, v1_mean, v1_sample, pre_sigmoid_h1, h1_mean, h1_sample]

    persistent = theano.shared(np.zeros((5, n_hidden)), borrow=True)
    ([_, _, nv_samples, _, _, nh_samples], updates) = theano.scan(
        gibbs_hvh, outputs_info=[None, None, None, None, None, persistent], n_steps=k, name="gibbs_hvh")
    chain_end = nv_samples[-1]
    cost = T.mean(free_energy(input)) - T.mean(free_energy(chain_end))
    gparams = T.grad(cost, [W, hbias, vbias], consider_constant=[chain_end])
    for gparam, param in zip(gparams, [W, hbias, vbias]):
        updates[param] = param - gparam * T.cast(0.1, dtype=theano.config.floatX)
    updates[persistent] = nh_samples[-1]
    assert len(updates) == 4 + 2      # two random keys advanced by the chain
    train = theano.function([input], [cost, chain_end], updates=updates, mode=FC)
    data = (rng.rand(5, n_visible) > 0.5).astype(float)
    W0, rng_before = W.get_value(), [key.get_value().get_state() for key, _ in theano_rng.state_updates]
    c, v_end = train(data)
    assert set(np.unique(v_end)) <= {0.0, 1.0} and set(np.unique(persistent.get_value())) <= {0.0, 1.0}

    def np_free_energy(v):
        return -np.sum(np.log1p(np.exp(v @ W0)), 1)
    np.testing.assert_allclose(c, np.mean(np_free_energy(data)) - np.mean(np_free_energy(v_end)), rtol=1e-12)
    gW = (-data.T @ sigmoid(data @ W0) + v_end.T @ sigmoid(v_end @ W0)) / 5
    np.testing.assert_allclose(W.get_value(), W0 - 0.1 * gW, rtol=1e-10)
    assert all(not np.array_equal(key.get_value().get_state(), old)
               for (key, _), old in zip(theano_rng.state_updates, rng_before))


def test_lstm_with_masks_and_adadelta_split_functions():
    """lstm.py (f_grad_shared compiled): embeddings indexed by an int64 matrix and reshaped with symbolic
    sizes, T.alloc initial states (missing before), a masked scan, mean pooling, softmax NLL, and Adadelta
    split into f_grad_shared/f_update with shared accumulators ``theano.shared(p.get_value() * 0.)``."""
    dim, n_words, ydim = 4, 10, 3
    rng = numpy.random.RandomState(0)
    fX = theano.config.floatX
    params = {'Wemb': 0.01 * rng.rand(n_words, dim), 'lstm_W': rng.randn(dim, 4 * dim) / 2,
              'lstm_U': rng.randn(dim, 4 * dim) / 2, 'lstm_b': np.zeros(4 * dim), 'U': 0.5 * rng.randn(dim, ydim),
              'b': np.zeros(ydim)}
    tparams = {kk: theano.shared(v, name=kk) for kk, v in params.items()}

    def _slice(_x, n, dim):
        return _x[:, n * dim:(n + 1) * dim]

    def _step(m_, x_, h_, c_):
        preact = T.dot(h_, tparams['lstm_U'])
        preact += x_
        i = T.nnet.sigmoid(_slice(preact, 0, dim))
        f = T.nnet.sigmoid(_slice(preact, 1, dim))
        o = T.nnet.sigmoid(_slice(preact, 2, dim))
        c = f * c_ + i * T.tanh(_slice(preact, 3, dim))
        c = m_[:, None] * c + (1. - m_)[:, None] * c_
        h = o * T.tanh(c)
        h = m_[:, None] * h + (1. - m_)[:, None] * h_
        return h, c

    x, mask, y = T.matrix('x', dtype='int64'), T.matrix('mask', dtype=fX), T.vector('y', dtype='int64')
    n_timesteps, n_samples = x.shape[0], x.shape[1]
    emb = tparams['Wemb'][x.flatten()].reshape([n_timesteps, n_samples, dim])
    state_below = T.dot(emb, tparams['lstm_W']) + tparams['lstm_b']
    rval, _ = theano.scan(_step, sequences=[mask, state_below],
                          outputs_info=[T.alloc(numpy.asarray(0., dtype=fX), n_samples, dim),
                                        T.alloc(numpy.asarray(0., dtype=fX), n_samples, dim)],
                          name='lstm_layers', n_steps=n_timesteps)
    proj = (rval[0] * mask[:, :, None]).sum(axis=0) / mask.sum(axis=0)[:, None]
    pred = T.nnet.softmax(T.dot(proj, tparams['U']) + tparams['b'])
    cost = -T.log(pred[T.arange(n_samples), y] + 1e-8).mean()
    tp = list(tparams.values())
    grads = T.grad(cost, wrt=tp)
    zipped_grads = [theano.shared(p.get_value() * numpy.asarray(0., dtype=fX), name='%s_grad' % kk)
                    for kk, p in tparams.items()]
    running_up2 = [theano.shared(p.get_value() * 0., name='%s_rup2' % kk) for kk, p in tparams.items()]
    running_grads2 = [theano.shared(p.get_value() * 0., name='%s_rgrad2' % kk) for kk, p in tparams.items()]
    f_grad_shared = theano.function([x, mask, y], cost, name='adadelta_f_grad_shared',
                                    updates=[(zg, g) for zg, g in zip(zipped_grads, grads)]
                                    + [(rg2, 0.95 * rg2 + 0.05 * (g ** 2)) for rg2, g in zip(running_grads2, grads)])
    updir = [-T.sqrt(ru2 + 1e-6) / T.sqrt(rg2 + 1e-6) * zg
             for zg, ru2, rg2 in zip(zipped_grads, running_up2, running_grads2)]
    lr = T.scalar(name='lr')
    f_update = theano.function([lr], [], on_unused_input='ignore', name='adadelta_f_update', mode=FC,
                               updates=[(ru2, 0.95 * ru2 + 0.05 * (ud ** 2)) for ud, ru2 in zip(updir, running_up2)]
                               + [(p, p + ud) for p, ud in zip(tp, updir)])
    xs = rng.randint(0, n_words, size=(5, 3))
    ms = np.ones((5, 3))
    ms[3:, 0] = 0

    def np_cost(P):
        sb = P['Wemb'][xs.flatten()].reshape(5, 3, dim) @ P['lstm_W'] + P['lstm_b']
        h, c, hs = np.zeros((3, dim)), np.zeros((3, dim)), []
        for t in range(5):
            pre = h @ P['lstm_U'] + sb[t]
            cn = sigmoid(pre[:, dim:2 * dim]) * c + sigmoid(pre[:, :dim]) * np.tanh(pre[:, 3 * dim:])
            m = ms[t][:, None]
            cn = m * cn + (1 - m) * c
            h, c = m * sigmoid(pre[:, 2 * dim:3 * dim]) * np.tanh(cn) + (1 - m) * h, cn
            hs.append(h)
        proj = (np.array(hs) * ms[:, :, None]).sum(0) / ms.sum(0)[:, None]
        p = softmax_rows(proj @ P['U'] + P['b'])
        return -np.log(p[np.arange(3), ys] + 1e-8).mean()

    ys = np.array([0, 2, 1])
    np.testing.assert_allclose(f_grad_shared(xs, ms, ys), np_cost(params), rtol=1e-12)
    w_flat = params['lstm_U'].ravel()
    numeric = numgrad(lambda v: np_cost(dict(params, lstm_U=v.reshape(dim, 4 * dim))), w_flat).reshape(dim, -1)
    np.testing.assert_allclose(zipped_grads[2].get_value(), numeric, rtol=1e-5, atol=1e-9)
    before = tparams['U'].get_value()
    f_update(0.1)
    step = -np.sqrt(1e-6) / np.sqrt(0.05 * zipped_grads[4].get_value() ** 2 + 1e-6) * zipped_grads[4].get_value()
    np.testing.assert_allclose(tparams['U'].get_value(), before + step, rtol=1e-10)


def test_word_embeddings_elman_rnn_with_vector_softmax_rows():
    """rnnslu's Elman net: ``emb[idxs].reshape((idxs.shape[0], de*cs))``, a scan with ``n_steps=x.shape[0]``
    (ConcretizationError before) whose step takes the softmax of a vector, which Theano pads to a (1, n) row
    (the tutorial reads ``s[:, 0, :]``; IndexError before), and categorical_crossentropy."""
    nv, de, cs, nh, nc = 20, 4, 3, 5, 4
    rng = np.random.RandomState(3)
    emb = theano.shared(0.2 * rng.uniform(-1.0, 1.0, (nv + 1, de)))
    Wx, Wh = theano.shared(0.2 * rng.uniform(-1.0, 1.0, (de * cs, nh))), theano.shared(0.2 * rng.uniform(-1, 1, (nh, nh)))
    W, bh = theano.shared(0.2 * rng.uniform(-1.0, 1.0, (nh, nc))), theano.shared(numpy.zeros(nh))
    b, h0 = theano.shared(numpy.zeros(nc)), theano.shared(numpy.zeros(nh))
    idxs = T.imatrix()
    x = emb[idxs].reshape((idxs.shape[0], de * cs))
    y_sentence = T.ivector('y_sentence')

    def recurrence(x_t, h_tm1):
        h_t = T.nnet.sigmoid(T.dot(x_t, Wx) + T.dot(h_tm1, Wh) + bh)
        s_t = T.nnet.softmax(T.dot(h_t, W) + b)
        return [h_t, s_t]

    [h, s], _ = theano.scan(fn=recurrence, sequences=x, outputs_info=[h0, None], n_steps=x.shape[0])
    p_y_given_x_sentence = s[:, 0, :]
    y_pred = T.argmax(p_y_given_x_sentence, axis=1)
    sentence_nll = -T.mean(T.log(p_y_given_x_sentence)[T.arange(x.shape[0]), y_sentence])
    xent = T.nnet.categorical_crossentropy(p_y_given_x_sentence, y_sentence).mean()
    normalize = theano.function(inputs=[], mode=FC,
                                updates={emb: emb / T.sqrt((emb ** 2).sum(axis=1)).dimshuffle(0, 'x')})
    f = theano.function([idxs, y_sentence], [sentence_nll, xent, y_pred], mode=FC)
    I = rng.randint(0, nv + 1, size=(6, cs)).astype('int32')
    Y = rng.randint(0, nc, size=6).astype('int32')
    xx = emb.get_value()[I].reshape(6, de * cs)
    hh, probs = np.zeros(nh), []
    for t in range(6):
        hh = sigmoid(xx[t] @ Wx.get_value() + hh @ Wh.get_value())
        probs.append(softmax_rows(hh @ W.get_value()))
    probs = np.array(probs)
    nll, ce, pred = f(I, Y)
    want = -np.mean(np.log(probs[np.arange(6), Y]))
    np.testing.assert_allclose([nll, ce], [want, want], rtol=1e-12)
    np.testing.assert_array_equal(pred, probs.argmax(1))
    normalize()
    np.testing.assert_allclose(np.linalg.norm(emb.get_value(), axis=1), 1.0)


# -- Theano API the tutorials' neighbours use ------------------------------------------------------------------
API_X = np.array([[-1.3, 0.4, 2.0], [0.7, -0.2, 1.1]])
API_CASES = [   # (name, Theano expression of x, numpy reference of a)
    ("flatten(2)", lambda x: T.shape_padleft(x).flatten(2), lambda a: a.reshape(1, -1)),
    ("norm(2, axis=1)", lambda x: x.norm(2, axis=1), lambda a: np.linalg.norm(a, axis=1)),
    ("norm(3)", lambda x: x.norm(3), lambda a: np.sum(np.abs(a) ** 3) ** (1 / 3)),
    ("norm(1)", lambda x: x.norm(1, axis=0), lambda a: np.abs(a).sum(0)),
    ("batched_dot", lambda x: T.batched_dot(x, x), lambda a: np.sum(a * a, 1)),
    ("batched_dot 3-d", lambda x: T.batched_dot(x.dimshuffle(0, 1, 'x'), x.dimshuffle(0, 'x', 1)),
     lambda a: a[:, :, None] * a[:, None, :]),
    ("repeat", lambda x: T.extra_ops.repeat(x, 2, axis=1), lambda a: np.repeat(a, 2, 1)),
    ("repeat flat", lambda x: T.extra_ops.repeat(x, 3), lambda a: np.repeat(a, 3)),
    ("fill", lambda x: T.fill(x, 3.0) * x, lambda a: 3.0 * a),
    ("largest", lambda x: T.largest(x, 0.5, -x), lambda a: np.maximum(np.maximum(a, 0.5), -a)),
    ("smallest", lambda x: T.smallest(x, 0.5), lambda a: np.minimum(a, 0.5)),
    ("erf", lambda x: T.erf(x), lambda a: np.vectorize(__import__("math").erf)(a)),
    ("exp2", lambda x: T.exp2(x), np.exp2),
    ("power", lambda x: T.power(x, 3), lambda a: a ** 3),
    ("ptp", lambda x: T.ptp(x, axis=0), lambda a: np.ptp(a, 0)),
    ("softsign", lambda x: T.nnet.softsign(x), lambda a: a / (1 + np.abs(a))),
    ("elu", lambda x: T.nnet.elu(x), lambda a: np.where(a > 0, a, np.expm1(a))),
    ("logsoftmax", lambda x: T.nnet.logsoftmax(x), lambda a: a - np.log(np.exp(a).sum(1, keepdims=True))),
    ("det", lambda x: T.nlinalg.det(x[:, :2]), lambda a: np.linalg.det(a[:, :2])),
    ("matrix_inverse", lambda x: T.nlinalg.matrix_inverse(x[:, 1:]), lambda a: np.linalg.inv(a[:, 1:])),
    ("trace", lambda x: T.nlinalg.trace(x[:, 1:]), lambda a: np.trace(a[:, 1:])),
    ("arange(1, n)", lambda x: x[0, T.arange(1, x.shape[1])], lambda a: a[0, 1:]),
    ("x[:y.shape[0]]", lambda x: x[0][:x.shape[0]], lambda a: a[0, :2]),
]


@pytest.fixture(scope="module")
def api_fn():
    """One FAST_COMPILE function: every case's value and the gradient of sum(value * weights)."""
    x = T.dmatrix('x')
    outs = []
    for _, expr, ref in API_CASES:
        y = expr(x)
        weights = np.linspace(0.5, 1.5, int(np.prod(np.shape(ref(API_X))))).reshape(np.shape(ref(API_X)))
        outs += [y, T.grad(T.sum(y * weights), x)]
    return function([x], outs, mode=FC)


@pytest.mark.parametrize("k", range(len(API_CASES)), ids=[c[0] for c in API_CASES])
def test_theano_api_additions_values_and_gradients(api_fn, k):
    """Catches: x.flatten(ndim) (numpy's ravel took the ndim), x.norm, T.batched_dot, T.extra_ops.repeat
    (symbolic sizes), T.fill/second, T.largest/smallest, T.erf, T.exp2, T.power, T.ptp, T.nnet.softsign/elu/
    logsoftmax, T.nlinalg, T.arange with a symbolic stop and an int start, and slicing by another array's size
    (``x[:y.shape[0]]``, ConcretizationError before) all missing or failing; gradients against central
    differences of the numpy reference."""
    name, _, ref = API_CASES[k]
    got = api_fn(API_X)
    value, grad = got[2 * k], got[2 * k + 1]
    want = ref(API_X)
    np.testing.assert_allclose(value, want, rtol=1e-12, atol=1e-14)
    weights = np.linspace(0.5, 1.5, int(np.prod(np.shape(want)))).reshape(np.shape(want))
    np.testing.assert_allclose(grad, numgrad(lambda a: np.sum(ref(a) * weights), API_X), rtol=1e-6, atol=1e-8)


def test_to_one_hot():
    y = T.ivector('y')
    got = function([y], T.extra_ops.to_one_hot(y, 4), mode=FC)(np.array([0, 3, 1], dtype=np.int32))
    np.testing.assert_array_equal(got, np.eye(4)[[0, 3, 1]])
    with pytest.raises(TypeError, match="to_one_hot"):
        T.extra_ops.to_one_hot(T.dvector(), 3)


def test_compiled_repeat_and_its_gradient_in_one_function():
    """Catches (numba_cpu backend, rows.plan): the kernel filling the cotangent of a repeat's reshape joined
    a row-tile group that runs before the reshape binding its size (n2), and numba failed with "Variable 'n2'
    is not defined". Compiled with numba, against numpy."""
    x = T.dmatrix('x')
    y = T.extra_ops.repeat(x, 2, axis=1)
    f = theano.function([x], [y, T.grad(T.sum(y * 1.3), x)])
    a = np.arange(6.).reshape(2, 3)
    value, grad = f(a)
    np.testing.assert_array_equal(value, np.repeat(a, 2, 1))
    np.testing.assert_allclose(grad, np.full((2, 3), 2.6))


def test_pprint_of_the_logistic_regression_prediction_writes_dot_infix():
    """The Printing page's ``pprint(prediction)``: catches T.dot printed as ``contract{spec='ab,b->a'}(x, w)``
    where Theano writes ``(x \\dot w)``."""
    x = T.dmatrix("x")
    w, b = theano.shared(np.ones(3), name="w"), theano.shared(0., name="b")
    prediction = 1 / (1 + T.exp(-T.dot(x, w) - b)) > 0.5
    assert theano.printing.pprint(prediction) == \
        "((TensorConstant{1} / (TensorConstant{1} + exp((-(x \\dot w) - b)))) > TensorConstant{0.5})"
    assert pp(T.dot(w, w)) == "(w \\dot w)" and "dot" not in pp(T.outer(w, w))


def test_logistic_sgd_errors_reads_the_dtype_as_a_string():
    """Catches: ``y.dtype.startswith('int')`` (logistic_sgd's ``errors``) failing because dtypes were numpy
    dtypes; the dtype must still compare and hash as Theano's string and read as numpy's dtype."""
    import jaxlike as theano
    import jaxlike.tensor as T
    x, y = T.matrix("x"), T.ivector("y")
    y_pred = T.argmax(T.nnet.softmax(T.dot(x, np.ones((3, 4)))), axis=1)
    assert y.dtype.startswith("int") and y.dtype == "int32" and y.dtype == np.int32 and y.dtype.kind == "i"
    assert {"float64": 1}[x.dtype] == 1 and str(x.dtype) == "float64"
    errors = T.mean(T.neq(y_pred, y)) if y.dtype.startswith("int") else None
    f = theano.function([x, y], errors)
    assert f(np.eye(3), np.array([0, 1, 2], np.int32)) == pytest.approx(2 / 3)


def test_special_functions_and_their_gradients():
    """Catches: T.gammaln / T.psi / T.tri_gamma / T.erfinv / T.gamma missing or bound to the wrong function."""
    import scipy.special as S
    import jaxlike as theano
    import jaxlike.tensor as T
    x = T.dvector("x")
    f = theano.function([x], [T.gammaln(x), T.psi(x), T.tri_gamma(x), T.erfinv(x / 10), T.gamma(x),
                              T.grad(T.sum(T.gammaln(x)), x)])
    v = np.array([0.5, 2.5, 7.5])
    for got, want in zip(f(v), [S.gammaln(v), S.digamma(v), S.polygamma(1, v), S.erfinv(v / 10), S.gamma(v),
                                S.digamma(v)]):
        np.testing.assert_allclose(got, want, rtol=1e-13)
