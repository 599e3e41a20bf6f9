"""Theano front end against Theano's rules (as PyTensor 3.0.7 keeps them; every expected dtype and value
below was read off PyTensor): Python numbers autocast to the narrowest dtype that holds them, type
equality by dtype and broadcastable pattern, argmax/argmin methods over several axes, and boolean-mask
indexing of symbolic tensors (reads, writes and gradients)."""

import contextlib

import numpy as np
import pytest

import jaxlike
import jaxlike as theano
import jaxlike.numpy as jnp
import jaxlike.tensor as T


@contextlib.contextmanager
def floatx(name):
    saved = jaxlike.config.floatX
    jaxlike.config.floatX = name
    try:
        yield
    finally:
        jaxlike.config.floatX = saved


def u8():
    return T.vector(dtype="uint8")


def boolv():
    return T.vector(dtype="bool")


# (expression, dtype with floatX float64, dtype with floatX float32), as PyTensor types them
AUTOCAST = [
    (lambda: T.bvector() - 1, "int8", "int8"),
    (lambda: u8() - 1, "int16", "int16"),
    (lambda: 1 - u8(), "int16", "int16"),
    (lambda: u8() + 255, "int16", "int16"),
    (lambda: u8() * -1, "int16", "int16"),
    (lambda: T.bvector() * 300, "int16", "int16"),
    (lambda: T.bvector() > 300, "bool", "bool"),
    (lambda: T.bvector() + 2 ** 40, "int64", "int64"),
    (lambda: T.ivector() + 1, "int32", "int32"),
    (lambda: T.ivector() + 2 ** 31, "int64", "int64"),
    (lambda: T.wvector() + 70000, "int32", "int32"),
    (lambda: T.vector(dtype="uint16") + 1, "int32", "int32"),
    (lambda: T.vector(dtype="uint32") + 1, "int64", "int64"),
    (lambda: T.fvector() * 2.0, "float32", "float32"),
    (lambda: T.fvector() + 1000, "float32", "float32"),
    (lambda: T.fvector() + 100000, "float64", "float64"),
    (lambda: T.iscalar() / 2, "float64", "float32"),
    (lambda: 2 / T.iscalar(), "float64", "float32"),
    (lambda: T.iscalar() / 2.0, "float64", "float64"),
    (lambda: T.iscalar() // 2, "int32", "int32"),
    (lambda: T.iscalar() % 3, "int32", "int32"),
    (lambda: T.iscalar() ** 2, "int32", "int32"),
    (lambda: T.fscalar() ** 0.5, "float32", "float32"),
    (lambda: T.bscalar() ** 0.5, "float32", "float32"),
    (lambda: T.lscalar() * 1.5, "float64", "float64"),
    (lambda: T.iscalar() * 1.5, "float64", "float64"),
    (lambda: T.wscalar() * 1.5, "float32", "float32"),
    (lambda: T.bscalar() * 1.5, "float32", "float32"),
    (lambda: T.bscalar() * 0.1, "float64", "float32"),
    (lambda: T.fvector() * np.float64(2.0), "float64", "float64"),
    (lambda: T.fvector() * np.float32(0.1), "float32", "float32"),
    (lambda: T.bvector() * np.int64(1), "int64", "int64"),
    (lambda: T.bvector() * np.int8(1), "int8", "int8"),
    (lambda: T.ivector() * np.float32(1), "float64", "float64"),
    (lambda: boolv() + 1, "int8", "int8"),
    (lambda: boolv() * 1.5, "float32", "float32"),
    (lambda: u8() & 1, "int16", "int16"),
    (lambda: T.fvector() + 1j, "complex128", "complex128"),
    (lambda: T.add(T.bvector(), 300), "int16", "int16"),
    (lambda: T.true_div(T.iscalar(), 2), "float64", "float32"),
    (lambda: T.maximum(u8(), -1), "int16", "int16"),
    (lambda: T.switch(T.bvector() > 0, T.bvector(), 300), "int16", "int16"),
    (lambda: T.sub(1, u8()), "int16", "int16"),
    (lambda: T.clip(T.bvector(), 0, 300), "int16", "int16"),
    (lambda: T.fill(T.bvector(), 300), "int16", "int16"),
    (lambda: T.constant(1), "int8", "int8"),
    (lambda: T.constant(0.1), "float64", "float32"),
    (lambda: T.constant(300), "int16", "int16"),
    (lambda: T.constant(2 ** 40), "int64", "int64"),
    (lambda: T.as_tensor_variable(3), "int8", "int8"),
    (lambda: T.arange(3), "int64", "int64"),
    (lambda: T.arange(0.0, 1.0, 0.1), "float64", "float32"),
    (lambda: T.arange(np.float32(3)), "float32", "float32"),
    (lambda: 1.0 - (T.fvector() > 0), "float32", "float32"),
    (lambda: (T.fvector() > 0) * 1, "int8", "int8"),
    (lambda: T.switch(T.fvector() > 0, 1, 0), "int8", "int8"),
    (lambda: 2 ** T.bvector(), "int8", "int8"),
    (lambda: T.fill(T.fvector(), 1), "int8", "int8"),
    (lambda: T.stack([T.fvector().sum(), 1]), "float32", "float32"),
    (lambda: T.stack([T.bvector()[0], 1.5]), "float32", "float32"),
    (lambda: T.fvector().astype("floatX"), "float64", "float32"),
    (lambda: theano.scan(lambda a: a - 1, sequences=u8())[0], "int16", "int16"),
]


# jaxlike's deliberate differences (jaxlike/tensor/autocast.py), both with floatX float64 only: a Python
# float that float32 does not hold exactly meets a single-precision operand as float32, and a float that is
# no operand is float64. (expression, PyTensor's dtype with floatX float64, ours, both with floatX float32)
SINGLE_PRECISION_KEPT = [
    (lambda: T.constant(2.0), "float32", "float64", "float32"),
    (lambda: T.arange(0.0, 5.0, 1.0), "float32", "float64", "float32"),
    (lambda: T.alloc(0.0, 3), "float32", "float64", "float32"),
    (lambda: T.fvector() * 0.1, "float64", "float32", "float32"),
    (lambda: 0.1 * T.fvector(), "float64", "float32", "float32"),
    (lambda: T.fvector() + 1e40, "float64", "float32", "float32"),
    (lambda: T.cvector() + 0.1, "complex128", "complex64", "complex64"),
    (lambda: T.mul(T.fvector(), 0.1), "float64", "float32", "float32"),
    (lambda: T.switch(T.fvector() > 0, T.fvector(), 0.1), "float64", "float32", "float32"),
    (lambda: T.fill(T.fvector(), 0.1), "float64", "float32", "float32"),
]


@pytest.mark.parametrize("floatx_name", ["float64", "float32"])
def test_python_numbers_take_theanos_dtypes(floatx_name):
    column = 1 if floatx_name == "float64" else 2
    with floatx(floatx_name):
        got = [str(case[0]().dtype) for case in AUTOCAST + SINGLE_PRECISION_KEPT]
    want = [case[column] for case in AUTOCAST] + [case[2 if column == 1 else 3] for case in SINGLE_PRECISION_KEPT]
    bad = [(i, g, w) for i, (g, w) in enumerate(zip(got, want)) if g != w]
    assert not bad, f"(case index, got, wanted): {bad}"


def test_autocast_values_and_what_keeps_jaxlikes_rule():
    """Catches: uint8 - 1 wrapping to 255 and int8 * 300 overflowing (the number was cast to the tensor's
    dtype), and the rule leaking where the number is jaxlike's own or a JAX-style trace's."""
    u, b, f = u8(), T.bvector(), T.fvector()
    out = theano.function([u, b, f], [u - 1, b * 300, f * 0.1, T.clip(b, 0, 300), b * 0.1],
                          mode="FAST_COMPILE")(
        np.array([0, 5], np.uint8), np.array([-2, 100], np.int8), np.array([1.0, 3.0], np.float32))
    np.testing.assert_array_equal(out[4], np.array([-2, 100]) * 0.1)
    assert [o.dtype for o in out] == [np.int16, np.int16, np.float32, np.int16, np.float64]
    np.testing.assert_array_equal(out[0], [-1, 4])
    np.testing.assert_array_equal(out[1], [-600, 30000])
    np.testing.assert_array_equal(out[2], np.float32([1.0, 3.0]) * np.float32(0.1))
    np.testing.assert_array_equal(out[3], [0, 100])
    # library code's numbers (arccosh's log(2) constant) stay in the operand's dtype
    assert str(T.arccosh(T.fvector()).dtype) == "float32"
    # the JAX front end keeps NEP 50 weak numbers
    shape = jaxlike.eval_shape(lambda v: (v - 1, v * 0.1), np.zeros(3, np.uint8))
    assert [s.dtype for s in shape] == [np.uint8, np.float64]
    shape = jaxlike.eval_shape(lambda v: v * 0.1, np.zeros(3, np.float32))
    assert shape.dtype == np.float32
    with pytest.raises(OverflowError, match="fits in no integer dtype"):
        T.constant(2 ** 70)


def test_types_compare_by_dtype_and_broadcastable_pattern():
    a, b = T.ivector(), T.ivector()
    assert a.type == b.type and hash(a.type) == hash(b.type) and not a.type != b.type
    assert b.type in {a.type} and a.type == T.TensorType("int32", (False,))
    assert a.type != T.lvector().type and T.row().type != T.matrix().type and T.row().type != T.col().type
    assert T.row().type == T.TensorType(jaxlike.config.floatX, (True, False))
    assert str(T.row("r").type) == "TensorType(float64, row)" and str(a.type) == "TensorType(int32, vector)"
    assert theano.shared(np.zeros(3)).type == T.dvector().type
    assert (a + 1).type == b.type and (a * 1.5).type != b.type
    # calling a type makes a fresh variable of it, with sizes of its own
    c = a.type("c")
    assert c.name == "c" and c.type == a.type and c is not a and c.shape[0] is not a.shape[0]
    with pytest.raises(TypeError, match="broadcastable must be a tuple of bools"):
        T.TensorType("float64", "row")


def test_argmax_argmin_methods_over_several_axes():
    x = T.dtensor3("x")
    xv = np.random.default_rng(0).normal(size=(2, 3, 4))
    outs = [x.argmax(axis=(0, 1)), x.argmin(axis=(0, 2)), x.argmax(axis=[1, 2], keepdims=True),
            x.argmin((2, 1), True), x.max(axis=(0, 1)), x.min(axis=[1, 2]), x.argmax(axis=-1), x.argmin()]
    assert [o.broadcastable for o in outs[:4]] == [(False,), (False,), (False, True, True),
                                                   (False, True, True)]
    got = theano.function([x], outs, mode="FAST_COMPILE")(xv)
    np.testing.assert_array_equal(got[0], xv.reshape(6, 4).argmax(0))
    np.testing.assert_array_equal(got[1], xv.transpose(1, 0, 2).reshape(3, 8).argmin(1))
    np.testing.assert_array_equal(got[2], xv.reshape(2, 12).argmax(1)[:, None, None])
    np.testing.assert_array_equal(got[3], xv.reshape(2, 12).argmin(1)[:, None, None])
    np.testing.assert_array_equal(got[4], xv.max((0, 1)))
    np.testing.assert_array_equal(got[5], xv.min((1, 2)))
    np.testing.assert_array_equal(got[6], xv.argmax(-1))
    assert got[7] == xv.argmin()
    with pytest.raises(ValueError, match="axis must be None or ints"):
        x.argmax(axis=(0, 3))


def test_boolean_mask_reads_writes_and_gradients():
    """Values as PyTensor's AdvancedBooleanSubtensor / AdvancedBooleanIncSubtensor give them."""
    x, y = T.dmatrix("x"), T.dvector("y")
    bm, r = T.matrix("bm", dtype="bool"), T.vector("r", dtype="bool")
    m8 = T.bmatrix("m8")
    pos = x[x > 0]
    outs = [pos, x[bm], x[r], x[:, x[0] > 0], x[r, 0], x[m8],
            T.set_subtensor(x[x > 0], 0.0), T.set_subtensor(x[x > 0], y), T.inc_subtensor(x[bm], y),
            T.set_subtensor(x[r], 7.0),
            T.grad(T.sum(pos ** 2), x), T.grad(T.sum(T.set_subtensor(x[x > 0], 0.0) * 3), x),
            *T.grad(T.sum(T.inc_subtensor(x[x > 0], y) ** 2), [x, y]),
            x[x > 100], T.flatnonzero(x), T.nonzero_values(x), x.nonzero_values()]
    assert [o.ndim for o in outs[:6]] == [1, 1, 2, 2, 1, 3]
    f = theano.function([x, y, bm, r, m8], outs, on_unused_input="ignore")
    xv = np.array([[1.0, -2.0, 3.0], [-4.0, 5.0, -6.0]])
    mv = np.array([[1, 0, 1], [0, 0, 1]], np.int8)
    got = f(xv, np.array([1.0, 2.0, 3.0]), mv.astype(bool), np.array([False, True]), mv)
    want = [[1.0, 3.0, 5.0], [1.0, 3.0, -6.0], [[-4.0, 5.0, -6.0]], [[1.0, 3.0], [-4.0, -6.0]], [-4.0],
            xv[mv],
            [[0.0, -2.0, 0.0], [-4.0, 0.0, -6.0]], [[1.0, -2.0, 2.0], [-4.0, 3.0, -6.0]],
            [[2.0, -2.0, 5.0], [-4.0, 5.0, -3.0]], [[1.0, -2.0, 3.0], [7.0, 7.0, 7.0]],
            [[2.0, 0.0, 6.0], [0.0, 10.0, 0.0]], [[0.0, 3.0, 0.0], [3.0, 0.0, 3.0]],
            [[4.0, -4.0, 10.0], [-8.0, 16.0, -12.0]], [4.0, 10.0, 16.0],
            np.zeros(0), [0, 1, 2, 3, 4, 5], xv.ravel(), xv.ravel()]
    for k, (g, w) in enumerate(zip(got, want)):
        np.testing.assert_array_equal(g, np.asarray(w, dtype=g.dtype), err_msg=f"output {k}")
    zeros = np.array([[0.0, 2.0, 0.0], [1.0, 0.0, 3.0]])
    got = f(zeros, np.ones(3), mv.astype(bool), np.array([True, True]), mv)
    np.testing.assert_array_equal(got[15], [1, 3, 5])
    np.testing.assert_array_equal(got[16], [2.0, 1.0, 3.0])
    np.testing.assert_array_equal(got[1], [0.0, 0.0, 3.0])
    np.testing.assert_array_equal(got[3], [[2.0], [0.0]])


def test_boolean_mask_size_mismatch_and_jax_traces():
    x = T.dmatrix("x")
    r = T.vector("r", dtype="bool")
    f = theano.function([x, r], x[r], mode="FAST_COMPILE")
    with pytest.raises(IndexError):
        f(np.ones((2, 3)), np.array([False, False, True]))
    with pytest.raises(IndexError):     # no True entry: no index to send out of range but the one added
        f(np.ones((2, 3)), np.array([False, False, False]))
    with pytest.raises(IndexError):
        f(np.ones((2, 3)), np.zeros(0, bool))
    assert f(np.ones((3, 2)), np.array([False, False, False])).shape == (0, 2)
    assert f(np.ones((0, 2)), np.zeros(0, bool)).shape == (0, 2)
    known = T.constant(np.ones((2, 2))) + T.dscalar()
    with pytest.raises(IndexError, match="size of axis is 2 but size of corresponding boolean axis is 3"):
        known[T.constant(np.ones(3)) > T.dscalar()]
    # jit gives no shape that depends on values: the JAX front end still refuses a traced mask
    with pytest.raises(IndexError, match="data-dependent shape"):
        jaxlike.eval_shape(lambda v: v[v > 0], np.ones(3))
    assert jnp.asarray(np.arange(3.0))[np.array([True, False, True])].tolist() == [0.0, 2.0]


def test_switch_gradients_sink_as_theano_does():
    """Catches: the gradient of switch(x > 0, log(x), 0) at x = 0 as NaN (select(c, g, 0) / x is 0/0 there),
    where Theano's local_mul_switch_sink and local_div_switch_sink give 0. Expected values are PyTensor
    3.0.7's for the same graphs; the JAX front end keeps JAX's NaN."""
    x = T.dvector("x")
    exprs = [T.switch(x > 0, T.log(x), 0), T.switch(x <= 0, 0, T.sqrt(x)), T.switch(x > 0, x * T.log(x), 0)]
    f = theano.function([x], [T.grad(T.sum(e), x) for e in exprs])
    got = f(np.array([0.0, 1.0, -1.0, 4.0]))
    np.testing.assert_allclose(got[0], [0.0, 1.0, 0.0, 0.25])
    np.testing.assert_allclose(got[1], [0.0, 0.5, 0.0, 0.25])
    np.testing.assert_allclose(got[2], [0.0, 1.0, 0.0, 1.0 + np.log(4.0)])
    jax_style = jaxlike.grad(lambda v: jnp.sum(jnp.where(v > 0, jnp.log(v), 0.0)))(np.array([0.0, 1.0]))
    assert np.isnan(jax_style[0]) and jax_style[1] == 1.0


def test_sizes_convert_as_theano_scalars():
    """Catches: x.shape[0].astype(...) failing (Theano's sizes are int64 scalar variables with astype)."""
    x = T.dmatrix("x")
    f = theano.function([x], [x.shape[0].astype("float32"), T.sum(x) / x.shape[1].astype("floatX")])
    count, mean = f(np.ones((3, 4)))
    assert count.dtype == np.float32 and float(count) == 3.0 and float(mean) == 3.0


def test_reshape_takes_ndim_and_a_symbolic_shape_vector():
    """Catches: ``x.reshape(shape, ndim=2)`` refused (no ndim keyword) and ``T.reshape(x, s, ndim=2)`` with an
    ``lvector`` shape reading its length as an int, where Theano takes both."""
    v, s = T.dvector("v"), T.lvector("s")
    out = [v.reshape((2, 3), ndim=2), v.reshape(s, ndim=2), T.reshape(v, s, ndim=2)]
    f = theano.function([v, s], out + [T.grad(T.sum(T.reshape(v, s, ndim=2)[0] ** 2), v)])
    x = np.arange(6.0)
    *shaped, g = f(x, np.array([2, 3]))
    for y in shaped:
        assert np.array_equal(y, x.reshape(2, 3))
    assert np.allclose(g, [0.0, 2.0, 4.0, 0.0, 0.0, 0.0])
    assert np.array_equal(f(x, np.array([3, 2]))[1], x.reshape(3, 2))
    with pytest.raises(ValueError):
        f(x, np.array([4, 2]))
    with pytest.raises(ValueError, match="ndim=3"):
        v.reshape((2, 3), ndim=3)
    with pytest.raises(TypeError, match="needs ndim"):
        T.reshape(v, s)
