"""Regression tests for places where the Theano front end disagreed with Theano (found by running the same
programs under PyTensor, Theano's maintained fork). Expected values are hand-derived or numpy's; nothing here
needs PyTensor."""

import numpy as np
import pytest

import jaxlike as theano
import jaxlike.tensor as T
from jaxlike.tensor import DisconnectedInputError
from jaxlike.tensor.shared_randomstreams import RandomStreams


def test_clip_gradient_includes_the_bounds_and_bounds_get_the_rest():
    # catches: clip as max/min, which splits the gradient (0.5) where x sits on a bound
    x, lo, hi = T.dvector("x"), T.dscalar("lo"), T.dscalar("hi")
    weights = np.arange(1.0, 7.0)
    cost = T.sum(T.clip(x, lo, hi) * weights)
    i = T.ivector("i")
    f = theano.function([x, lo, hi, i], [T.clip(x, lo, hi)] + T.grad(cost, [x, lo, hi])
                        + [T.clip(i, 0, 2), T.clip(x, 2.0, 1.0)])
    xv = np.array([-1.0, 1.5, 0.5, 2.0, -3.0, 0.0])
    value, gx, glo, ghi, ci, crossed = f(xv, -1.0, 1.5, np.array([-1, 1, 3], "int32"))
    np.testing.assert_array_equal(value, [-1.0, 1.5, 0.5, 1.5, -1.0, 0.0])
    np.testing.assert_array_equal(gx, [1.0, 2.0, 3.0, 0.0, 0.0, 6.0])     # bounds included
    assert float(glo) == 5.0 and float(ghi) == 4.0                         # strictly outside only
    np.testing.assert_array_equal(ci, [0, 1, 2])
    assert ci.dtype == np.int32
    # min > max: Theano's x < min ? min : (x > max ? max : x), elementwise
    np.testing.assert_array_equal(crossed, [2.0, 2.0, 2.0, 1.0, 2.0, 2.0])


def test_set_and_inc_subtensor_take_values_of_static_shape_at_symbolic_indices():
    # catches: ConcretizationError "size n is symbolic here" when the value's size is a number (T.arange(3))
    # and the indexed subtensor's is symbolic (y[i])
    y, i, x = T.dvector("y"), T.lvector("i"), T.dmatrix("x")
    f = theano.function([y, i, x], [T.inc_subtensor(y[i], T.arange(3)),
                                    T.set_subtensor(y[i], T.arange(3).astype("float64")),
                                    T.inc_subtensor(y[i], T.ones(3, dtype="int32")),
                                    T.inc_subtensor(x[i, 1:], T.ones((3, 2))),
                                    T.inc_subtensor(x[0, i % 3], T.ones(3))])
    yv, iv, xv = np.arange(5.0), np.array([1, 1, 4]), np.zeros((5, 3))
    inc, put, inc_int, inc2, inc_row = f(yv, iv, xv)
    np.testing.assert_array_equal(inc, [0.0, 2.0, 2.0, 3.0, 6.0])     # repeated index 1 adds 0 and 1
    assert put[4] == 2.0 and put[0] == 0.0 and put[1] in (0.0, 1.0)
    np.testing.assert_array_equal(inc_int, [0.0, 3.0, 2.0, 3.0, 5.0])
    want = np.zeros((5, 3))
    want[1, 1:] = 2.0
    want[4, 1:] = 1.0
    np.testing.assert_array_equal(inc2, want)
    np.testing.assert_array_equal(inc_row[0], [0.0, 3.0, 0.0])   # i % 3 is [1, 1, 1]
    with pytest.raises(Exception, match="size"):
        f(yv, np.array([1, 2]), xv)   # two indices for three values


def test_argmax_argmin_over_several_axes_and_keepdims():
    # catches: TypeError "axis must be an int, got tuple" (Theano reduces over axis tuples)
    x = T.dtensor3("x")
    xv = np.random.RandomState(0).randn(2, 3, 4)
    f = theano.function([x], [T.argmax(x, axis=(0, 2)), T.argmin(x, axis=[2, 0], keepdims=True),
                              T.argmax(x, axis=None, keepdims=True), T.argmax(x, axis=-1, keepdims=True)])
    amax, amin, flat, last = f(xv)
    moved = xv.transpose(1, 0, 2).reshape(3, -1)
    np.testing.assert_array_equal(amax, moved.argmax(1))
    np.testing.assert_array_equal(amin, moved.argmin(1).reshape(1, 3, 1))
    np.testing.assert_array_equal(flat, np.full((1, 1, 1), xv.argmax()))
    np.testing.assert_array_equal(last, xv.argmax(-1)[..., None])
    with pytest.raises(ValueError, match="argmax: axis"):
        T.argmax(x, axis=(0, 3))


def test_cumsum_cumprod_keep_the_integer_dtype_and_variable_methods():
    # catches: int32 running sums widened to int64 (numpy's rule; Theano's CumOp keeps the input type),
    # x.sort() / x.zeros_like() / x.copy() missing, and T.fill promoting the value to the model's dtype
    i, x = T.ivector("i"), T.dmatrix("x")
    c = x.copy(name="c")
    assert c.name == "c" and c is not x
    f = theano.function([i, x], [T.cumsum(i), T.cumprod(i), x.sort(), x.sort(axis=0), x.zeros_like(),
                                 x.ones_like(dtype="int32"), c, T.fill(x, i[0])])
    iv, xv = np.array([3, -1, 2], "int32"), np.array([[3.0, 1.0], [0.0, 2.0]])
    cs, cp, s1, s0, z, o, cc, filled = f(iv, xv)
    assert filled.dtype == np.int32   # T.fill keeps the value's dtype (Theano's second)
    np.testing.assert_array_equal(filled, np.full((2, 2), 3))
    assert cs.dtype == np.int32 and cp.dtype == np.int32
    np.testing.assert_array_equal(cs, [3, 2, 4])
    np.testing.assert_array_equal(cp, [3, -3, -6])
    np.testing.assert_array_equal(s1, np.sort(xv))
    np.testing.assert_array_equal(s0, np.sort(xv, axis=0))
    np.testing.assert_array_equal(z, np.zeros((2, 2)))
    assert o.dtype == np.int32
    np.testing.assert_array_equal(cc, xv)


def test_tensor_functions_of_concrete_values_are_symbolic():
    # catches: T.arange(3), T.zeros(...), T.exp(array) coming back as numpy arrays, without .eval(),
    # .dimshuffle or .broadcastable
    np.testing.assert_array_equal(T.arange(3).dimshuffle("x", 0).eval(), [[0, 1, 2]])
    np.testing.assert_array_equal((T.arange(3) * 2).eval(), [0, 2, 4])
    assert T.zeros((2, 3)).eval().shape == (2, 3)
    np.testing.assert_allclose(T.exp(np.zeros(2)).eval(), [1.0, 1.0])
    assert float(T.sum(np.ones(3)).eval()) == 3.0
    m, a = T.max_and_argmax(np.array([1.0, 5.0, 2.0]))
    assert float(m.eval()) == 5.0 and int(a.eval()) == 1


def test_function_with_a_dict_of_outputs_returns_a_dict():
    # catches: "cannot use an object of type dict as an array" (Theano 1.0 takes a dict of outputs)
    x = T.dscalar("x")
    f = theano.function([x], {"double": x * 2, "plus": x + 1})
    assert f(1.5) == {"double": 3.0, "plus": 2.5}
    assert f.output_keys == ["double", "plus"]
    with pytest.raises(TypeError, match="keys of a dict of outputs must be strings"):
        theano.function([x], {1: x})


def test_random_streams_without_size_draw_one_number_per_parameter_element():
    # catches: size=None drawing ONE number broadcast to a vector low/avg (every element equal),
    # random_integers refusing a symbolic size (size=x.shape), and RandomStreams.multinomial missing
    srng = RandomStreams(7)
    v = T.dvector("v")
    f = theano.function([v], [srng.uniform(low=v, high=v + 1), srng.normal(avg=v, std=1.0),
                              srng.random_integers(v.shape, -1, 1), srng.uniform(),
                              srng.multinomial(v.shape, n=2, pvals=[0.2, 0.8])])
    vv = np.zeros(4000)
    u, n, ri, scalar, counts = f(vv)
    # RandomStreams.multinomial (Theano's shared_randomstreams has it, not only MRG): size + (k,) counts
    assert counts.shape == (4000, 2) and counts.dtype == np.int64 and np.all(counts.sum(1) == 2)
    assert np.all(np.abs(counts.mean(0) - [0.4, 1.6]) < 0.05)
    assert u.shape == n.shape == ri.shape == (4000,) and scalar.shape == ()
    assert len(np.unique(u)) == 4000 and len(np.unique(n)) == 4000
    assert 0.0 <= u.min() and u.max() < 1.0
    assert abs(u.mean() - 0.5) < 0.03 and abs(n.std() - 1.0) < 0.05
    assert ri.dtype == np.int64 and set(np.unique(ri)) == {-1, 0, 1}
    assert np.all(np.abs(np.bincount(ri + 1) - 4000 / 3) < 150)


def test_consider_constant_stops_at_the_variable_which_keeps_its_own_gradient():
    # catches: a wrt listed in consider_constant getting zeros (Theano: its gradient), and a wrt reached only
    # through a constant getting zeros (Theano: DisconnectedInputError)
    x, w = T.dvector("x"), T.dscalar("w")
    y = T.exp(x)
    cost = T.sum(y ** 2) + T.sum(x * 3) + T.sum(x * w) ** 2
    g_y, g_x = T.grad(cost, [y, x], consider_constant=[y])
    g_w = T.grad(cost, w, consider_constant=[w])
    f = theano.function([x, w], [g_y, g_x, g_w])
    xv = np.array([0.0, 1.0])
    gy, gx, gw = f(xv, 2.0)
    np.testing.assert_allclose(gy, 2 * np.exp(xv))
    np.testing.assert_allclose(gx, 3.0 + 2 * np.sum(xv * 2.0) * 2.0)
    np.testing.assert_allclose(gw, 2 * np.sum(xv * 2.0) * np.sum(xv))
    with pytest.raises(DisconnectedInputError):
        T.grad(T.sum(y ** 2), x, consider_constant=[y])


def test_grad_scale_multiplies_the_gradient_only():
    x, m = T.dvector("x"), T.dscalar("m")
    by_number = theano.gradient.grad_scale(x ** 2, 3.0)
    by_var = theano.gradient.grad_scale(x ** 2, m)
    f = theano.function([x, m], [by_number, T.grad(T.sum(by_number ** 2), x), T.grad(T.sum(by_var), x)])
    xv = np.array([1.0, 2.0])
    value, g_number, g_var = f(xv, -0.5)
    np.testing.assert_array_equal(value, xv ** 2)
    np.testing.assert_allclose(g_number, 3.0 * 4 * xv ** 3)
    np.testing.assert_allclose(g_var, -0.5 * 2 * xv)
    with pytest.raises(TypeError, match="grad_scale: multiplier"):
        theano.gradient.grad_scale(x, "2")


def test_reductions_accept_theano_keywords():
    # catches: TypeError on Theano's acc_dtype / no_zeros_in_input / op / corrected keywords
    x = T.dvector("x")
    f = theano.function([x], [T.sum(x, acc_dtype="float64"), T.prod(x, no_zeros_in_input=True),
                              T.mean(x, None, None, False, True), T.var(x, corrected=True),
                              T.std(x, axis=0, corrected=True)])
    xv = np.array([1.0, 2.0, 4.0])
    s, p, m, v, sd = f(xv)
    assert float(s) == 7.0 and float(p) == 8.0 and m.shape == (1,)
    np.testing.assert_allclose([v, sd], [np.var(xv), np.std(xv)])


def test_scan_step_returning_updates_before_outputs_is_a_clear_error():
    s = theano.shared(np.float64(0.0))
    x = T.dvector("x")
    with pytest.raises(ValueError, match="outputs first, then the updates"):
        theano.scan(lambda xi: ({s: s + xi}, xi * 2), sequences=x)


def test_float_functions_of_narrow_integers_and_booleans_are_float32():
    # catches: numpy's float16 for bool/int8/uint8 (Theano's upgrade_to_float gives float32), T.inv of ints
    # computed as integer reciprocal, identity_like missing, and x.repeat failing on symbolic sizes
    b, i, x = T.bvector("b"), T.ivector("i"), T.dmatrix("x")
    outs = [T.exp(b), T.tanh(b > 0), T.sqrt(T.cast(b, "uint8")), T.nnet.sigmoid(b), T.nnet.softplus(b),
            T.exp(i), T.log1p(T.cast(i, "int16")), T.identity_like(x), x.repeat(2, axis=1), T.inv(i)]
    f = theano.function([b, i, x], outs)
    bv, iv, xv = np.array([1, 2, 3], "int8"), np.array([1, 2], "int32"), np.array([[1.0, 2.0, 3.0]] * 2)
    got = f(bv, iv, xv)
    assert [g.dtype for g in got[:5]] == [np.float32] * 5
    assert got[5].dtype == np.float64 and got[6].dtype == np.float32
    np.testing.assert_allclose(got[0], np.exp(bv.astype(np.float32)), rtol=1e-6)
    np.testing.assert_allclose(got[3], 1 / (1 + np.exp(-bv.astype(np.float64))), rtol=1e-6)
    np.testing.assert_array_equal(got[7], np.eye(2, 3))
    np.testing.assert_array_equal(got[8], np.repeat(xv, 2, axis=1))
    np.testing.assert_array_equal(got[9], [1.0, 0.5])   # not integer reciprocal (0 for |x| > 1)


def test_more_theano_names_exist_and_compute_numpy_values():
    # catches: AttributeError on names Theano programs use (T.as_tensor, T.take, T.tril, extra_ops.diff,
    # nlinalg.svd, theano.Out, ...)
    from jaxlike.tensor import nlinalg, extra_ops, Out
    x, v, a, b = T.dmatrix("x"), T.dvector("v"), T.dscalar("a"), T.dscalar("b")
    outs = [T.as_tensor([1.0, 2.0]), T.take(x, [1, 0], axis=1), T.tril(x), T.triu(x, 1),
            T.horizontal_stack(x, x), T.vertical_stack(x, x), T.stacklists([[a, b], [b, a]]), T.trunc(v),
            T.allclose(v, v + 1), T.ceil_intdiv(T.arange(7), 3), extra_ops.diff(v), extra_ops.fill_diagonal(x, 9.0),
            nlinalg.svd(x, compute_uv=0), nlinalg.norm(v, 2), nlinalg.matrix_power(x[:, :2], 2), Out(v * 2),
            T.nnet.selu(v), T.nnet.softmax_with_bias(x, v), T.nnet.sigmoid_binary_crossentropy(v, T.ones_like(v))]
    xv, vv = np.arange(6.0).reshape(2, 3), np.array([-1.5, 0.2, 3.7])
    got = theano.function([x, v, a, b], outs)(xv, vv, 1.0, 2.0)
    shifted = np.exp(xv + vv)
    want = [[1.0, 2.0], xv[:, [1, 0]], np.tril(xv), np.triu(xv, 1), np.hstack([xv, xv]), np.vstack([xv, xv]),
            [[1.0, 2.0], [2.0, 1.0]], np.trunc(vv), False, [0, 1, 1, 1, 2, 2, 2], np.diff(vv),
            [[9.0, 1.0, 2.0], [3.0, 9.0, 5.0]], np.linalg.svd(xv, compute_uv=False), np.linalg.norm(vv),
            xv[:, :2] @ xv[:, :2], vv * 2,
            1.0507009873554805 * np.where(vv > 0, vv, 1.6732632423543772 * np.expm1(vv)),
            shifted / shifted.sum(1, keepdims=True), np.log1p(np.exp(-vv))]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-12)
    assert "int8" in T.discrete_dtypes and "float32" in T.float_dtypes
    assert float(T.get_scalar_constant_value(T.constant(3.0))) == 3.0
    with pytest.raises(T.NotScalarConstantError):
        T.get_scalar_constant_value(v)


def test_variables_compare_by_identity_as_in_theano():
    # catches: TracerBoolError from `param in params` / params.index(p) (an elementwise == made a graph)
    x, y = T.dvector("x"), T.dvector("y")
    W, b = theano.shared(np.ones(2)), theano.shared(np.zeros(2))
    params = [W, b]
    assert b in params and x not in params and (x * 2) not in [x, y]
    assert params.index(b) == 1 and [y, x].index(x) == 1
    assert (x == y) is False and (x != y) is True and (W == W) is True
    assert {W: 1}[W] == 1 and len({x, y, W, b}) == 4
    np.testing.assert_array_equal(theano.function([x], T.eq(x, 1.0))(np.array([1.0, 2.0])), [True, False])


def test_arange_of_python_floats_is_float32_under_floatx_float32():
    old = theano.config.floatX
    theano.config.floatX = "float32"
    try:
        r = T.arange(0.0, 1.0, 0.25)
    finally:
        theano.config.floatX = old
    assert r.dtype == np.float32
    np.testing.assert_array_equal(r.eval(), [0.0, 0.25, 0.5, 0.75])


def test_reshape_to_products_of_sizes_and_flatten_serve_every_shape():
    """Catches: Theano's x.reshape((x.shape[0] * x.shape[1], x.shape[2])) refused (a size computed in the
    graph), a reshape to an input scalar's value refused, and flatten/tile/repeat merging axes with a -1 that
    an empty leading axis leaves undetermined."""
    x, n = T.tensor3("x"), T.iscalar("n")
    f = theano.function([x], [x.reshape((x.shape[0] * x.shape[1], x.shape[2])), T.flatten(x, 2),
                              T.tile(x, (2, 1, 3)), T.repeat(x, 2, axis=2)])
    for shape in [(2, 3, 4), (3, 3, 5), (0, 3, 5), (2, 0, 1)]:
        v = np.arange(np.prod(shape), dtype=float).reshape(shape)
        want = [v.reshape(shape[0] * shape[1], shape[2]), v.reshape(shape[0], shape[1] * shape[2]),
                np.tile(v, (2, 1, 3)), np.repeat(v, 2, axis=2)]
        for got, w in zip(f(v), want):
            assert got.shape == w.shape
            np.testing.assert_array_equal(got, w)
    g = theano.function([x, n], x.reshape((n, -1)))
    v = np.arange(24.0).reshape(2, 3, 4)
    for rows in (4, 6, 1):
        np.testing.assert_array_equal(g(v, rows), v.reshape(rows, -1))


def test_out_is_exported_at_the_top_as_theano_out():
    """Catches: theano.Out (an output with borrow=) existing only as jaxlike.tensor.Out."""
    x = T.dvector("x")
    np.testing.assert_array_equal(theano.function([x], theano.Out(x * 2, borrow=True))(np.ones(2)), [2.0, 2.0])
