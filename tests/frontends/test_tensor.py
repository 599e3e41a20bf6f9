"""The Theano-style graph builders (``jaxlike.tensor``): typed constructors, printing, ops, dimshuffle, T.grad
and nnet. Values are checked through ``jaxlike.function`` in FAST_COMPILE mode (the reference interpreter:
these tests are about the graphs the front end builds, not a backend); gradients against finite differences.
"""

import warnings

import numpy as np
import pytest

import jaxlike
import jaxlike.tensor as T
import jaxlike.tensor.nnet as nnet
from jaxlike.core.graph import Graph, to_text
from jaxlike.core.types import Sym
from _finite_differences import central_difference

MODE = "FAST_COMPILE"


def fn(inputs, outputs, **kw):
    return jaxlike.function(inputs, outputs, mode=MODE, **kw)


numgrad = central_difference   # NOTE: the name the other Theano test files import from here


# -- constructors and types --------------------------------------------------------------------------------
@pytest.mark.parametrize("make, dtype, ndim", [
    (T.scalar, "float64", 0), (T.vector, "float64", 1), (T.matrix, "float64", 2), (T.tensor3, "float64", 3),
    (T.tensor4, "float64", 4), (T.dscalar, "float64", 0), (T.dvector, "float64", 1),
    (T.dmatrix, "float64", 2),
    (T.fscalar, "float32", 0), (T.fvector, "float32", 1), (T.fmatrix, "float32", 2), (T.iscalar, "int32", 0),
    (T.ivector, "int32", 1), (T.imatrix, "int32", 2), (T.lscalar, "int64", 0), (T.lvector, "int64", 1)])
def test_constructors_make_input_vars_with_symbolic_sizes(make, dtype, ndim):
    # catches: a wrong dtype/rank, or a concrete size that would make one function serve one shape only
    v = make()
    assert v.is_input and v.dtype == np.dtype(dtype) and v.ndim == ndim
    assert all(isinstance(d, Sym) for d in v.shape)
    assert make("named").name == "named"


def test_dtype_argument_and_default_floatx():
    # catches: dtype= ignored (the minibatch slides declare float32 matrices), floatX not read at call time
    assert T.matrix("input", dtype="float32").dtype == np.float32
    old = jaxlike.config.floatX
    try:
        jaxlike.config.floatX = "float32"
        assert T.scalar().dtype == np.float32 and T.dscalar().dtype == np.float64
    finally:
        jaxlike.config.floatX = old
    assert T.scalar().dtype == np.float64


def test_constructor_errors():
    # catches: T.dscalar(dtype='float32') silently making a float64, a dtype passed as the name
    with pytest.raises(TypeError, match="makes float64 variables"):
        T.dscalar(dtype="float32")
    with pytest.raises(TypeError, match="name must be a str"):
        T.matrix(np.float32)
    with pytest.raises(TypeError, match="does not support"):
        T.matrix(dtype="complex256")


def test_row_and_col_broadcast_their_size_one_dim():
    # catches: row/col typed as plain matrices (adding a row to a matrix would then be a size mismatch)
    r, m = T.row("r"), T.matrix("m")
    assert r.shape[0] == 1 and isinstance(r.shape[1], Sym)
    assert T.col().shape[1] == 1
    f = fn([r, m], m + r)
    np.testing.assert_allclose(f([[1.0, 2.0]], np.zeros((3, 2))), np.tile([1.0, 2.0], (3, 1)))
    with pytest.raises(ValueError, match="fixed to size 1"):
        f(np.ones((2, 2)), np.zeros((3, 2)))


# -- printing --------------------------------------------------------------------------------------------
def test_printing_matches_the_tutorial():
    # catches: print(a) showing an internal repr instead of Theano's text (seed 001's "Step 1" slide)
    a, b, c = T.scalar(), T.matrix(), T.matrix("ha ha ha")
    assert [str(a), str(b), str(c)] == ["<TensorType(float64, scalar)>", "<TensorType(float64, matrix)>",
                                        "ha ha ha"]
    assert repr(b) == str(b)
    assert str(T.fvector()) == "<TensorType(float32, vector)>"
    assert str(T.row()) == "<TensorType(float64, row)>"
    x = T.dscalar("x")
    assert str(T.exp(x)) == "Elemwise{exp}.0"
    assert str(T.dot(b, c)).startswith("contract")
    assert str(T.constant(2.0)) == "TensorConstant{2.0}"


def test_printing_leaves_graph_text_unchanged():
    # catches: the Theano __str__/__repr__ leaking into core.graph.to_text
    x = T.dscalar()
    text = to_text(Graph([x], [T.exp(x)]))
    assert text == "{ lambda a:f64[] .\n  b:f64[] = exp(a)\n  in (b) }"


# -- ops -------------------------------------------------------------------------------------------------
def test_elementwise_ops_and_python_numbers_mix():
    # catches: an op bound to the wrong primitive, or numpy/Python operands rejected
    x = T.dvector("x")
    xs = np.array([0.3, 1.2, 2.5])
    outs = [T.exp(x), T.sin(x), T.cos(x), T.log(x), T.tanh(x), T.sqrt(x), T.abs_(-x), x ** 2, 2 * x + 1,
            x / 4 - np.array([1.0, 2.0, 3.0]), T.maximum(x, 1.0), T.minimum(x, 1.0), T.clip(x, 0.5, 2.0),
            T.sqr(x), T.log1p(x), T.sgn(x - 1)]
    want = [np.exp(xs), np.sin(xs), np.cos(xs), np.log(xs), np.tanh(xs), np.sqrt(xs), np.abs(xs), xs ** 2,
            2 * xs + 1, xs / 4 - [1, 2, 3], np.maximum(xs, 1), np.minimum(xs, 1), np.clip(xs, 0.5, 2.0),
            xs ** 2, np.log1p(xs), np.sign(xs - 1)]
    got = fn([x], outs)(xs)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-12)


def test_comparisons_and_switch():
    # catches: comparisons returning Python bools, switch taking gradients through the condition
    z = T.dvector("z")
    zs = np.array([-1.5, 0.0, 2.0])
    lt, ge, relu, mask = fn([z], [z < 0, z >= 0, T.switch(z < 0, 0, z), z * (z > 0)])(zs)
    np.testing.assert_array_equal(lt, [True, False, False])
    np.testing.assert_array_equal(ge, [False, True, True])
    np.testing.assert_array_equal(relu, [0.0, 0.0, 2.0])
    np.testing.assert_array_equal(mask, [-0.0, 0.0, 2.0])
    g = fn([z], T.grad(T.sum(T.switch(z < 0, 0, z) ** 2), z))(zs)
    np.testing.assert_allclose(g, [0.0, 0.0, 4.0])


def test_reductions_with_axis_and_keepdims():
    m = T.dmatrix("m")
    ms = np.arange(6.0).reshape(2, 3)
    got = fn([m], [T.sum(m), T.sum(m, axis=0), m.sum(axis=1), T.mean(m), T.mean(m, axis=1), T.max(m),
                   T.min(m, axis=0), T.max(m, axis=1, keepdims=True), T.prod(m + 1), T.argmax(m, axis=1)])(ms)
    want = [ms.sum(), ms.sum(0), ms.sum(1), ms.mean(), ms.mean(1), ms.max(), ms.min(0),
            ms.max(1, keepdims=True), (ms + 1).prod(), ms.argmax(1)]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w)
        assert np.shape(g) == np.shape(w)


def test_mean_of_integers_is_float64():
    v = T.ivector()
    out = fn([v], T.mean(v))([1, 2])
    assert out.dtype == np.float64 and out == 1.5


def test_dot_products_and_transpose():
    # catches: dot lowering to the wrong contraction for vector/matrix mixes
    a, b, v = T.dmatrix(), T.dmatrix(), T.dvector()
    A = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    B = np.array([[2.0, 4.0], [6.0, 8.0]])
    V = np.array([1.0, -1.0])
    mm, mv, vm, t, s = fn([a, b, v], [T.dot(a, b), T.dot(a, v), T.dot(v, b), a.T, T.dot(v, v)])(A, B, V)
    np.testing.assert_allclose(mm, A @ B)
    np.testing.assert_allclose(mv, A @ V)
    np.testing.assert_allclose(vm, V @ B)
    np.testing.assert_allclose(t, A.T)
    np.testing.assert_allclose(s, 2.0)


def test_dot_with_a_list_of_symbolic_variables_stacks_them():
    # catches: T.dot(w, [a1, a2]) (seed 001's XOR gate) failing or contracting the wrong axis
    w, a1, a2 = T.dvector("w"), T.dvector("a1"), T.dvector("a2")
    f = fn([w, a1, a2], T.dot(w, [a1, a2]))
    np.testing.assert_allclose(f([2.0, 3.0], [1.0], [10.0]), [32.0])
    np.testing.assert_allclose(f([2.0, 3.0], [1.0, 2.0], [10.0, 20.0]), [32.0, 64.0])


def test_concatenate_and_stack():
    x, y = T.dvector(), T.dvector()
    b = np.array([1.0])
    c, s0, s1, old = fn([x, y], [T.concatenate([x, b]), T.stack([x, y]), T.stack([x, y], axis=1),
                                 T.stack(x, y)])([1.0, 2.0], [3.0, 4.0])
    np.testing.assert_array_equal(c, [1.0, 2.0, 1.0])
    np.testing.assert_array_equal(s0, [[1, 2], [3, 4]])
    np.testing.assert_array_equal(s1, [[1, 3], [2, 4]])
    np.testing.assert_array_equal(old, s0)
    with pytest.raises(TypeError, match="list or tuple"):
        T.concatenate(x)


def test_reshape_flatten_and_indexing():
    m = T.dmatrix()
    ms = np.arange(12.0).reshape(3, 4)
    r, f1, f2, row, sl, el = fn([m], [m.reshape((4, 3)), T.flatten(m), T.flatten(T.reshape(m, (3, 2, 2)), 2),
                                      m[1], m[:, 1:3], m[2, 3]])(ms)
    np.testing.assert_array_equal(r, ms.reshape(4, 3))
    np.testing.assert_array_equal(f1, ms.ravel())
    np.testing.assert_array_equal(f2, ms.reshape(3, 4))
    np.testing.assert_array_equal(row, ms[1])
    np.testing.assert_array_equal(sl, ms[:, 1:3])
    assert el == 11.0


def test_cast():
    x = T.dvector()
    out = fn([x], T.cast(x, "float32"))([1.5])
    assert out.dtype == np.float32
    assert T.cast(x, "floatX").dtype == np.float64
    with pytest.raises(TypeError, match="cast target"):
        T.cast(x, "float128")


# -- dimshuffle ------------------------------------------------------------------------------------------
def test_dimshuffle_column_broadcasts_a_bias_over_a_minibatch():
    # catches: b.dimshuffle(0, 'x') (the minibatch slides) not broadcasting along the batch dim
    W, x, b = T.dmatrix("W"), T.dmatrix("x"), T.dvector("b")
    col = b.dimshuffle(0, "x")
    assert col.ndim == 2 and col.shape[1] == 1 and col.shape[0] is b.shape[0]
    f = fn([W, x, b], T.dot(W, x) + col)
    Wv, xv, bv = np.arange(6.0).reshape(3, 2), np.ones((2, 5)), np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(f(Wv, xv, bv), Wv @ xv + bv[:, None])


def test_dimshuffle_general_patterns():
    t = T.tensor3()
    ts = np.arange(24.0).reshape(2, 3, 4)
    a, b, c = fn([t], [t.dimshuffle(2, 0, 1), t.dimshuffle("x", 1, "x", 0, 2), t.dimshuffle((1, 0, 2))])(ts)
    np.testing.assert_array_equal(a, ts.transpose(2, 0, 1))
    np.testing.assert_array_equal(b, ts.transpose(1, 0, 2)[None, :, None])
    np.testing.assert_array_equal(c, ts.transpose(1, 0, 2))
    r = T.row()
    dropped = r.dimshuffle(1)
    assert dropped.ndim == 1
    np.testing.assert_array_equal(fn([r], dropped)([[1.0, 2.0]]), [1.0, 2.0])
    np.testing.assert_array_equal(T.dimshuffle(np.ones((2, 3)), 1, "x", 0).shape, (3, 1, 2))


def test_dimshuffle_errors():
    # catches: dropping a dim whose size may not be 1 (a silent reshape error at run time)
    m = T.matrix("m")
    with pytest.raises(ValueError, match="drops dim 1 of m"):
        m.dimshuffle(0)
    with pytest.raises(ValueError, match="repeats dim 0"):
        m.dimshuffle(0, 0)
    with pytest.raises(ValueError, match="names dim 2"):
        m.dimshuffle(0, 2)
    with pytest.raises(TypeError, match="dim indices or 'x'"):
        m.dimshuffle(0, "y")


# -- grad ------------------------------------------------------------------------------------------------
def test_grad_of_the_seed_expression():
    # catches: a wrong chain rule: d/dx exp(sin(x**2)) at 15 is 4.3474040903 (seed 000)
    x = T.dscalar()
    fx = T.exp(T.sin(x ** 2))
    fprime = fn([x], T.grad(fx, wrt=x))
    assert abs(float(fprime(15)) - 4.3474040903) < 1e-9
    assert abs(float(fprime(15)) - 30 * np.cos(225) * np.exp(np.sin(225))) < 1e-12


def test_grad_list_returns_list_and_matches_finite_differences():
    w, x, b = T.dvector("w"), T.dvector("x"), T.dscalar("b")
    cost = T.sum((nnet.sigmoid(T.dot(w, x) + b) - 0.3) ** 2)
    gw, gx, gb = T.grad(cost, [w, x, b])
    f = fn([w, x, b], [gw, gx, gb])
    W, X, B = np.array([0.5, -1.0]), np.array([1.0, 2.0]), 0.25

    def c(Wv, Xv, Bv):
        return ((1 / (1 + np.exp(-(Wv @ Xv + Bv))) - 0.3) ** 2)

    got = f(W, X, B)
    np.testing.assert_allclose(got[0], numgrad(lambda v: c(v, X, B), W), rtol=1e-6)
    np.testing.assert_allclose(got[1], numgrad(lambda v: c(W, v, B), X), rtol=1e-6)
    np.testing.assert_allclose(got[2], numgrad(lambda v: c(W, X, v), B), rtol=1e-6)
    assert isinstance(T.grad(cost, (w,)), tuple) and isinstance(T.grad(cost, [w]), list)


def test_grad_with_respect_to_shared_variables_and_intermediates():
    # catches: shared variables not usable as wrt (every seed's training update needs them)
    w = jaxlike.shared(np.array([1.0, 2.0]), name="w")
    x = T.dvector("x")
    h = w * x
    cost = T.sum(h ** 2)
    gw, gh = T.grad(cost, [w, h])
    f = fn([x], [gw, gh])
    got_w, got_h = f([3.0, 4.0])
    np.testing.assert_allclose(got_w, 2 * np.array([3.0, 8.0]) * [3.0, 4.0])
    np.testing.assert_allclose(got_h, 2 * np.array([3.0, 8.0]))


def test_grad_of_a_float32_graph_stays_float32():
    x = T.fvector()
    g = T.grad(T.sum(x * 0.5), x)
    assert g.dtype == np.float32


def test_grad_cost_must_be_a_float_scalar():
    x = T.dvector("x")
    with pytest.raises(TypeError, match="cost must be a scalar.*T.sum"):
        T.grad(x ** 2, x)
    with pytest.raises(TypeError, match="floating-point"):
        T.grad(T.sum(T.ivector()), x)
    with pytest.raises(TypeError, match="symbolic scalar expression"):
        T.grad(3.0, x)
    with pytest.raises(TypeError, match=r"wrt\[1\] must be a symbolic variable"):
        T.grad(T.sum(x), [x, np.ones(2)])


def test_grad_disconnected_inputs():
    # catches: a wrt the cost ignores silently getting zeros under Theano's default 'raise'
    x, y = T.dscalar("x"), T.dscalar("y")
    cost = x ** 2
    with pytest.raises(T.DisconnectedInputError, match="not part of the computational graph.*y"):
        T.grad(cost, [x, y])
    gx, gy = T.grad(cost, [x, y], disconnected_inputs="ignore")
    assert float(fn([x, y], gy, on_unused_input="ignore")(1.0, 2.0)) == 0.0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        g = T.grad(cost, y, disconnected_inputs="warn")
    assert any("not part of the computational graph" in str(w.message) for w in caught)
    assert g.ndim == 0
    assert T.grad(cost, y, disconnected_inputs="ignore", return_disconnected="None") is None
    with pytest.raises(ValueError, match="disconnected_inputs must be one of"):
        T.grad(cost, x, disconnected_inputs="maybe")


def test_grad_through_non_differentiable_path_is_zero_not_disconnected():
    x = T.dvector("x")
    cost = T.sum(T.cast(x > 0, "float64")) * 1.0
    g = T.grad(cost, x)
    np.testing.assert_array_equal(fn([x], g)([1.0, -1.0]), [0.0, 0.0])


def test_grad_consider_constant_blocks_the_path():
    x = T.dscalar("x")
    y = x ** 2
    g = T.grad(y * x, x, consider_constant=[y])
    assert float(fn([x], g)(3.0)) == 9.0  # d(c * x)/dx with c = x**2 held fixed


def test_same_graph_text_as_the_jax_style_front_end():
    # catches: the Theano front end building its own semantics instead of the shared primitives
    import jaxlike.numpy as jnp

    def f(u):
        return jnp.exp(jnp.sin(u ** 2))

    x = T.dscalar()
    fx = T.exp(T.sin(x ** 2))
    arg = np.float64(15.0)
    assert to_text(Graph([x], [fx])) == to_text(jaxlike.compile(f).graph(arg))
    assert to_text(Graph([x], [T.grad(fx, x)])) == to_text(jaxlike.compile(jaxlike.grad(f)).graph(arg))


# -- nnet ------------------------------------------------------------------------------------------------
def test_nnet_activations():
    z = T.dvector("z")
    zs = np.array([-800.0, -1.0, 0.0, 2.0, 800.0])
    sig, sp, relu, leaky, hard = fn([z], [nnet.sigmoid(z), nnet.softplus(z), nnet.relu(z),
                                          nnet.relu(z, alpha=0.1), nnet.hard_sigmoid(z)])(zs)
    np.testing.assert_allclose(sig, [0.0, 1 / (1 + np.e), 0.5, 1 / (1 + np.exp(-2)), 1.0])
    np.testing.assert_allclose(sp, [0.0, np.log1p(np.exp(-1)), np.log(2), 2 + np.log1p(np.exp(-2)), 800.0])
    np.testing.assert_array_equal(relu, [0, 0, 0, 2, 800])
    np.testing.assert_allclose(leaky, [-80, -0.1, 0, 2, 800])
    np.testing.assert_allclose(hard, [0, 0.3, 0.5, 0.9, 1])
    assert T.nnet is nnet


def test_softmax_rows_sum_to_one_and_are_stable():
    m = T.dmatrix()
    ms = np.array([[1.0, 2.0, 3.0], [1000.0, 1000.0, 0.0]])
    out = fn([m], nnet.softmax(m))(ms)
    e = np.exp(ms - ms.max(1, keepdims=True))
    np.testing.assert_allclose(out, e / e.sum(1, keepdims=True))
    vec = T.dvector()
    # NOTE: Theano pads a vector to a (1, n) row (the RNN tutorials read softmax(h)[0] or s[:, 0, :])
    np.testing.assert_allclose(fn([vec], nnet.softmax(vec))([0.0, 0.0]), [[0.5, 0.5]])
    with pytest.raises(TypeError, match="vector or a matrix"):
        nnet.softmax(T.tensor3())


def test_binary_crossentropy_matches_theano_formula():
    o, t = T.dvector(), T.dvector()
    os_, ts = np.array([0.9, 0.2, 0.5]), np.array([1.0, 0.0, 1.0])
    got = fn([o, t], nnet.binary_crossentropy(o, t))(os_, ts)
    np.testing.assert_allclose(got, -(ts * np.log(os_) + (1 - ts) * np.log(1 - os_)))


def test_categorical_crossentropy_with_distributions_and_with_labels():
    # catches: the integer-label form picking the wrong entries (or not being differentiable)
    p, t, lab = T.dmatrix(), T.dmatrix(), T.ivector()
    ps = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.3, 0.3, 0.4]])
    ts = np.eye(3)[[0, 2, 1]]
    dist, by_label = fn([p, t, lab], [nnet.categorical_crossentropy(p, t),
                                      nnet.categorical_crossentropy(p, lab)])(ps, ts, [0, 2, 1])
    want = -np.log([0.7, 0.8, 0.3])
    np.testing.assert_allclose(dist, want)
    np.testing.assert_allclose(by_label, want)
    g = fn([p, lab], T.grad(T.mean(nnet.categorical_crossentropy(p, lab)), p))(ps, [0, 2, 1])
    expect = np.zeros_like(ps)
    expect[[0, 1, 2], [0, 2, 1]] = -1 / (3 * np.array([0.7, 0.8, 0.3]))
    np.testing.assert_allclose(g, expect)
    with pytest.raises(TypeError, match="rank mismatch"):
        nnet.categorical_crossentropy(p, T.tensor3())
    with pytest.raises(TypeError, match="must be integers"):
        nnet.categorical_crossentropy(p, T.dvector())


def test_softmax_cross_entropy_with_labels_and_log_softmax_stay_finite():
    """Catches: the integer-label cross-entropy of a softmax took the log of the picked probability (0 for a
    logit gap past ~745: inf loss, NaN gradient; the one-hot form was finite), and T.grad differentiated the
    naive log(softmax(x)) while only its value was rewritten (NaN gradient). The stabilizer's form is what
    T.grad differentiates now (the values are rewritten by FAST_RUN, the default mode)."""
    x, lab = T.dmatrix(), T.ivector()
    logits = np.array([[1000.0, -1000.0, 0.0], [-800.0, 30.0, 0.0], [0.5, 0.25, -0.5]])
    labels = np.array([1, 0, 2], np.int32)
    ce = nnet.categorical_crossentropy(nnet.softmax(x), lab)
    loss, g = jaxlike.function([x, lab], [ce, T.grad(ce.sum(), x)])(logits, labels)
    logp = logits - np.log(np.sum(np.exp(logits - logits.max(1, keepdims=True)), 1, keepdims=True)) \
        - logits.max(1, keepdims=True)
    np.testing.assert_allclose(loss, -logp[[0, 1, 2], labels], rtol=1e-12)
    np.testing.assert_allclose(g, np.exp(logp) - np.eye(3)[labels], rtol=1e-9, atol=1e-12)
    ls = T.log(nnet.softmax(x))
    value, g = jaxlike.function([x], [ls, T.grad(ls.sum(), x)])(logits)
    np.testing.assert_allclose(value, logp, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(g, 1 - 3 * np.exp(logp), rtol=1e-9, atol=1e-12)
    # the gradient with respect to an intermediate keeps that variable (no rewrite may remove it)
    p = nnet.softmax(x)
    gp = jaxlike.function([x], T.grad(T.log(p).sum(), p))(logits[2:])
    np.testing.assert_allclose(gp, 1 / np.exp(logp[2:]), rtol=1e-12)


def test_symbolic_shapes_are_values_in_theano_graphs():
    """Catches: x.shape[0] in a Theano graph was a size that raised ConcretizationError in any arithmetic, so
    the tutorials' negative log-likelihood -T.mean(T.log(p)[T.arange(y.shape[0]), y]) could not be built."""
    x, y = T.dmatrix("x"), T.ivector("y")
    f = jaxlike.function([x], [x.shape[0], T.sum(x) / x.shape[0], x.shape[0] * x.shape[1] - 1,
                               T.arange(x.shape[1])])
    for rows in (4, 2):
        n, mean_row_sum, cells, columns = f(np.ones((rows, 3)))
        assert n == rows and mean_row_sum == 3.0 and cells == rows * 3 - 1
        assert np.array_equal(columns, [0, 1, 2])
    p = nnet.softmax(x)
    nll = -T.mean(T.log(p)[T.arange(y.shape[0]), y])
    value, g = jaxlike.function([x, y], [nll, T.grad(nll, x)])(
        np.array([[1.0, 2.0], [3.0, 1.0], [0.0, 0.0]]), np.array([1, 0, 1], np.int32))
    probs = np.exp([[1.0, 2.0], [3.0, 1.0], [0.0, 0.0]])
    probs /= probs.sum(1, keepdims=True)
    np.testing.assert_allclose(value, -np.mean(np.log(probs[[0, 1, 2], [1, 0, 1]])), rtol=1e-12)
    np.testing.assert_allclose(g, (probs - np.eye(2)[[1, 0, 1]]) / 3, rtol=1e-10)
    flat = jaxlike.function([x], x.reshape((x.shape[0] * x.shape[1],)))    # a product of sizes, as Theano's
    assert flat(np.ones((2, 3))).shape == (6,) and flat(np.ones((0, 3))).shape == (0,)
    # the whole shape as a value: a tuple of sizes becomes the int64 vector of their values
    cells, dims = jaxlike.function([x], [T.prod(x.shape), T.as_tensor_variable(x.shape) * 2])(np.ones((2, 3)))
    assert cells == 6 and np.array_equal(dims, [4, 6])


def test_slices_with_computed_bounds_as_in_the_minibatch_tutorials():
    """Catches: data[i * b:(i + 1) * b] with a symbolic i (the tutorials' givens) raised a TracerBoolError about
    float(). Python's slice rules hold for computed bounds: negatives count from the end, bounds clip, an
    empty range is empty; the gradient reaches the rows taken."""
    i, a, b = T.lscalar("i"), T.lscalar("a"), T.lscalar("b")
    data = jaxlike.shared(np.arange(12.0).reshape(6, 2))
    y = T.dmatrix("y")
    cost = T.sum(y ** 2)
    step = jaxlike.function([i], [cost, T.grad(cost, y)], givens={y: data[i * 2:(i + 1) * 2]})
    for k in (0, 2):
        rows = np.arange(12.0).reshape(6, 2)[k * 2:(k + 1) * 2]
        value, g = step(k)
        assert value == np.sum(rows ** 2) and np.array_equal(g, 2 * rows)
    window = jaxlike.function([a, b], [data[a:b, 1], T.grad(T.sum(data[a:b] ** 2), data)])
    full = np.arange(12.0).reshape(6, 2)
    for lo, hi in [(2, 5), (-3, 100), (5, 2), (-100, 2), (0, 0)]:
        got, g = window(lo, hi)
        want = np.zeros_like(full)
        want[lo:hi] = 2 * full[lo:hi]
        assert np.array_equal(got, full[lo:hi, 1]) and np.array_equal(g, want), (lo, hi)
    with pytest.raises(IndexError, match="slice bounds must be integer"):
        data[T.dscalar("x"):b]


def test_slices_with_a_computed_step():
    """Catches: v[::s] with a symbolic s (Theano allows it) raising a TracerBoolError about float(), and a
    computed slice refusing a step. Python's rules for both signs of the step, bounds computed or not, and
    the gradient to the entries taken."""
    v, a, b, s = T.dvector("v"), T.lscalar("a"), T.lscalar("b"), T.lscalar("s")
    f = jaxlike.function([v, a, b, s], [v[a:b:s], v[::s], v[a::s], v[:b:-2], v[1:b:2],
                                        T.grad(T.sum(v[a:b:s] ** 2), v)], mode="FAST_COMPILE")
    for n in (0, 1, 6):
        x = np.arange(1.0, n + 1)
        for lo, hi, st in [(0, 6, 2), (-2, -7, -1), (5, 0, -2), (1, 100, 3), (-100, 3, 1), (4, 1, 1), (2, 4, -1)]:
            got = f(x, lo, hi, st)
            want = (x[lo:hi:st], x[::st], x[lo::st], x[:hi:-2], x[1:hi:2])
            for g, w in zip(got, want):
                np.testing.assert_array_equal(g, w)
            grad = np.zeros_like(x)
            grad[lo:hi:st] = 2 * x[lo:hi:st]
            np.testing.assert_array_equal(got[-1], grad)
    compiled = jaxlike.function([v, s], v[::s])
    np.testing.assert_array_equal(compiled(np.array([1.0, 2.0, 3.0, 4.0]), 2), [1.0, 3.0])
    np.testing.assert_array_equal(compiled(np.array([1.0, 2.0, 3.0, 4.0]), -3), [4.0, 1.0])


def test_allocations_of_a_computed_size():
    """Catches: T.zeros((n,)) with n an input put the Var itself in the type (f64[n]) and the function then
    called n unused; the size is now iota(n)'s, bound when n is known."""
    n, x = T.iscalar("n"), T.dvector("x")
    f = jaxlike.function([n, x], [T.zeros((n,)), T.ones((n, 2)) * 3, T.zeros((n,)) + T.sum(x)])
    for k in (3, 0):
        zeros, threes, filled = f(k, np.ones(2))
        assert np.array_equal(zeros, np.zeros(k)) and np.array_equal(threes, np.full((k, 2), 3.0))
        assert np.array_equal(filled, np.full(k, 2.0))
    with pytest.raises(TypeError, match="integer scalar"):
        T.zeros((x,))


def test_shared_variables_read_only_for_their_size_are_arguments():
    """Catches: the gradient of sum(dot(x, W)) with respect to a shared W reads W's shape but not its values,
    so W was left out of the function's arguments and its sizes were never bound (numba: "fused needs a size
    that no value computed before it determines"). Also a symbolic mean for RandomStreams.normal."""
    from jaxlike.tensor.shared_randomstreams import RandomStreams
    x = T.dmatrix("x")
    W, w = jaxlike.shared(np.ones((3, 2))), jaxlike.shared(np.ones(3))
    grad_w = jaxlike.function([x], T.grad(T.sum(T.dot(x, W)), W))
    np.testing.assert_array_equal(grad_w(np.ones((4, 3))), np.full((3, 2), 4.0))
    like = jaxlike.function([], [T.zeros_like(w), T.arange(w.shape[0])])
    assert np.array_equal(like()[0], np.zeros(3)) and np.array_equal(like()[1], [0, 1, 2])
    w.set_value(np.ones(5))
    assert np.array_equal(like()[1], np.arange(5))
    mu = T.dscalar("mu")
    draws = jaxlike.function([mu], RandomStreams(1).normal((20000,), avg=mu), mode="FAST_COMPILE")(5.0)
    assert abs(draws.mean() - 5.0) < 0.05


def test_an_axis_error_names_the_function_the_user_called():
    """Catches: the name of a decorator's shim ('wrapped: axis 3 ...') in the message of T.sum's axis error."""
    with pytest.raises(np.exceptions.AxisError, match=r"^sum: axis 3 is out of bounds .*test_tensor.py"):
        T.sum(T.dvector(), axis=3)
