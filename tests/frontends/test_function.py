"""``jaxlike.function`` and ``jaxlike.shared``: Theano's calling conventions (outputs, updates, givens, input
conversion) and every error case. Most tests run in FAST_COMPILE mode (the reference interpreter: the front
end's behaviour does not depend on the backend); the update tests also run in the default mode, whose
backend may write updates in place, and one runs the GPU backend in numba's CUDA simulator.
"""

import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

import jaxlike
import jaxlike.tensor as T
from jaxlike.core.types import Sym

MODE = "FAST_COMPILE"
BOTH_MODES = [MODE, None]


def fn(inputs, outputs=None, **kw):
    kw.setdefault("mode", MODE)
    return jaxlike.function(inputs, outputs, **kw)


# -- outputs ---------------------------------------------------------------------------------------------
def test_output_forms():
    # catches: a single output wrapped in a list, a list output unwrapped, outputs=None not giving []
    x = T.dscalar("x")
    assert isinstance(fn([x], x * 2)(3), np.ndarray)
    one = fn([x], [x * 2])(3)
    assert isinstance(one, list) and len(one) == 1 and one[0] == 6
    assert fn([x], (x, x + 1))(3) == [3, 4]
    assert fn([x], on_unused_input="ignore")(3) == []


def test_outputs_are_zero_d_arrays_as_in_the_tutorial():
    # catches: numpy scalars or Python floats where Theano returns 0-d arrays ([array(8.0), array(6.0)])
    x1, x2 = T.scalar(), T.scalar()
    z = fn([x1, x2], [x1 * x2, x1 ** 2 + x2 ** 0.5])(2, 4)
    assert all(type(v) is np.ndarray and v.ndim == 0 and v.dtype == np.float64 for v in z)
    with np.printoptions(legacy="1.13"):
        assert repr(z) == "[array(8.0), array(6.0)]"


def test_outputs_never_alias_arguments_or_shared_storage():
    # catches: the caller mutating a returned array and thereby changing a shared variable or its own input
    s = jaxlike.shared(np.zeros(3), name="s")
    x = T.dvector("x")
    f = fn([x], [x, s])
    arg = np.ones(3)
    out_x, out_s = f(arg)
    assert out_x is not arg and out_s is not s.get_value(borrow=True)
    out_s[:] = 5
    out_x[:] = 7
    assert s.get_value().sum() == 0 and arg.sum() == 3


# -- inputs ----------------------------------------------------------------------------------------------
def test_inputs_accept_lists_scalars_and_castable_arrays():
    x, y = T.dvector("x"), T.dscalar("y")
    f = fn([x, y], T.sum(x) * y)
    assert f([1, 2], 3) == 9
    assert f(np.array([1, 2], dtype=np.int64), np.int64(3)) == 9
    assert f(np.array([1.5, 2.5], dtype=np.float32), np.float32(2)) == 8
    assert f((1.0, 2.0), True) == 3


def test_float64_data_into_float32_input_needs_allow_input_downcast():
    # catches: silent precision loss, or refusing data Theano accepts
    x = T.fvector("x")
    f = fn([x], x * 2)
    with pytest.raises(TypeError, match=r"input 0 \(x\).*float64.*allow_input_downcast=True"):
        f(np.array([0.1, 0.2]))
    with pytest.raises(TypeError, match="cannot store"):
        f([0.1])  # 0.1 changes value in float32
    assert f([0.5, 2]).dtype == np.float32  # exact in float32: accepted, as Theano does
    g = fn([x], x * 2, allow_input_downcast=True)
    np.testing.assert_allclose(g(np.array([0.1])), [np.float32(0.1) * 2])
    i = T.ivector("i")
    with pytest.raises(TypeError, match="int64"):
        fn([i], i + 1)(np.array([1, 2], dtype=np.int64))
    assert fn([i], i + 1)([1, 2]).dtype == np.int32
    s = T.iscalar("s")
    with pytest.raises(TypeError, match=r"input 0 \(s\).*cannot convert"):
        fn([s], s * 2)(2 ** 40)
    with pytest.raises(TypeError, match=r"input 0 \(s\).*cannot store 2.5 exactly"):
        fn([s], s * 2)(2.5)


def test_python_float_into_floatx_scalar_is_accepted():
    old = jaxlike.config.floatX
    try:
        jaxlike.config.floatX = "float32"
        x = T.scalar("x")
        out = fn([x], x * 2)(0.1)
    finally:
        jaxlike.config.floatX = old
    assert out.dtype == np.float32 and out == np.float32(0.1) * 2


def test_bad_arguments_name_the_input():
    x, y = T.dvector("x"), T.dmatrix("y")
    f = fn([x, y], T.sum(x) + T.sum(y))
    with pytest.raises(TypeError, match=r"input 1 \(y\).*wrong number of dimensions: expected 2.*got 1"):
        f([1.0], [1.0])
    with pytest.raises(TypeError, match=r"expected 2 arguments \(x, y\), got 1"):
        f([1.0])
    with pytest.raises(TypeError, match=r"input 0 \(x\).*cannot convert"):
        f(["a"], [[1.0]])
    with pytest.raises(TypeError, match="symbolic variable"):
        f(x, [[1.0]])
    with pytest.raises(TypeError, match=r"input 0 \(x\).*cannot convert"):
        f([[1.0], [1.0, 2.0]], [[1.0]])


def test_keyword_arguments_by_input_name():
    x, y = T.dscalar("x"), T.dscalar("y")
    f = fn([x, y], x - y)
    assert f(y=1.0, x=5.0) == 4 and f(5.0, y=2.0) == 3
    with pytest.raises(TypeError, match="unknown keyword argument 'z'"):
        f(1.0, z=2.0)
    with pytest.raises(TypeError, match="both by position and by name"):
        f(1.0, x=2.0)
    with pytest.raises(TypeError, match="missing value for input"):
        f(x=1.0)
    # inputs without names take no keywords (their call path has no **kwargs, a dict per call)
    a, b = T.dscalar(), T.dvector()
    g = fn([a, b], a * b)
    np.testing.assert_allclose(g(2.0, [1.0, 3.0]), [2.0, 6.0])
    for bad in (dict(a=1.0), dict(a0=1.0, a1=[1.0])):
        with pytest.raises(TypeError, match="jaxlike.function"):
            g(**bad)
    with pytest.raises(TypeError, match="expected 2 arguments"):
        g(1.0)


def test_invalid_inputs_lists():
    x = T.dscalar("x")
    s = jaxlike.shared(1.0, name="s")
    with pytest.raises(TypeError, match="inputs must be a list"):
        fn(x, x)
    with pytest.raises(TypeError, match="shared variable s, which cannot be an explicit input"):
        fn([s], s * 2)
    with pytest.raises(TypeError, match="must be a symbolic variable"):
        fn([np.ones(2)], x)
    with pytest.raises(TypeError, match="constant"):
        fn([T.constant(1.0)], x)
    with pytest.raises(ValueError, match="appears twice"):
        fn([x, x], x)


def test_missing_and_unused_inputs():
    # catches: a forgotten input surfacing as an obscure error at call time; Theano raises on unused ones
    x, y = T.dscalar("x"), T.dscalar("y")
    with pytest.raises(T.MissingInputError, match="depend on y"):
        fn([x], x + y)
    with pytest.raises(T.UnusedInputError, match="y"):
        fn([x, y], x * 2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        f = fn([x, y], x * 2, on_unused_input="warn")
    assert f(1.0, 2.0) == 2 and caught
    assert fn([x, y], x * 2, on_unused_input="ignore")(1.0, 2.0) == 2
    with pytest.raises(ValueError, match="on_unused_input"):
        fn([x], x, on_unused_input="sometimes")


def test_an_input_read_only_for_its_size_counts_as_used():
    # catches: seed 001's gradient example 3 (d sum(A * B)/dA = B) failing as 'A unused'
    A, B = T.matrix(), T.matrix()
    g = T.grad(T.sum(A * B), A)
    f = fn([A, B], g)
    np.testing.assert_array_equal(f([[1, 2], [3, 4]], [[2, 4], [6, 8]]), [[2, 4], [6, 8]])


def test_a_gradient_that_needs_no_input_value_still_uses_the_costs_inputs():
    """Catches: T.grad(2 * x, x) (a constant) and T.grad(x * w, x) (w alone) making function() raise
    UnusedInputError for x; Theano's gradient starts from ones_like(cost), which reads x. Built on, too."""
    x, w, z = T.dscalar("x"), T.dscalar("w"), T.dscalar("z")
    assert fn([x], T.grad(2 * x, x))(3.0) == 2.0
    assert fn([x, w], T.grad(x * w, x))(3.0, 5.0) == 5.0
    assert fn([x, w], T.grad(x * w, x) * 3 + 1)(3.0, 5.0) == 16.0
    with pytest.raises(T.UnusedInputError, match="z"):
        fn([x, w, z], T.grad(x * w, x))


def test_an_intermediate_variable_as_input_cuts_the_graph():
    x = T.dscalar("x")
    h = x * 10
    f = fn([h], h + 1)
    assert f(2.0) == 3.0


# -- shared variables -------------------------------------------------------------------------------------
def test_shared_constructor_types():
    # catches: theano.shared(0.) not being a float64 scalar (seed 001), sizes fixed at construction
    b = jaxlike.shared(0.)
    assert b.dtype == np.float64 and b.ndim == 0
    assert jaxlike.shared(3).dtype == np.int64
    # catches: a shared variable's dtype being a numpy dtype, where Theano's is a str (W.dtype.startswith)
    w = jaxlike.shared(np.zeros(2, np.float32))
    assert w.dtype.startswith("float") and w.dtype == "float32" and w.dtype.itemsize == 4
    w = jaxlike.shared(np.ones((2, 3), dtype=np.float32), name="w")
    assert w.dtype == np.float32 and all(isinstance(d, Sym) for d in w.shape)
    assert str(w) == "w" and str(jaxlike.shared(np.ones(2))) == "<TensorType(float64, vector)>"
    r = jaxlike.shared(np.ones((1, 3)), broadcastable=(True, False))
    assert r.shape[0] == 1
    with pytest.raises(TypeError, match="concrete initial value"):
        jaxlike.shared(T.dscalar())
    with pytest.raises(TypeError, match="expects a numpy array"):
        jaxlike.shared("abc")
    with pytest.raises(TypeError, match="rectangular"):
        jaxlike.shared([[1.0], [1.0, 2.0]])
    with pytest.raises(TypeError, match="broadcastable"):
        jaxlike.shared(np.ones(2), broadcastable=(True, False))


def test_get_value_copies_unless_borrowed_and_borrow_keeps_the_array():
    data = np.arange(3.0)
    s = jaxlike.shared(data)
    s.get_value()[0] = 100
    assert s.get_value()[0] == 0
    data[1] = 50  # borrow=False copied the initial value
    assert s.get_value()[1] == 1
    s.get_value(borrow=True)[2] = 7
    assert s.get_value()[2] == 7
    kept = np.zeros(2)
    borrowed = jaxlike.shared(kept, borrow=True)
    assert np.shares_memory(borrowed.get_value(borrow=True), kept)
    borrowed.get_value(borrow=True)[0] = 3.0
    assert kept[0] == 3.0


def test_set_value_accepts_lists_and_scalars_and_may_change_shape():
    # catches: set_value([0., 0.]) (seed 001) rejected; a new shape invalidating a compiled function
    w = jaxlike.shared(np.array([1.0, 1.0]), name="w")
    x = T.dvector("x")
    f = fn([x], T.dot(w, x))
    w.set_value([0.0, 2.0])
    assert f([3.0, 4.0]) == 8.0
    w.set_value(np.array([1.0, 1.0, 1.0]))
    assert f([1.0, 2.0, 3.0]) == 6.0
    b = jaxlike.shared(0.)
    b.set_value(3)
    assert b.get_value() == 3.0 and b.get_value().dtype == np.float64
    src = np.array([5.0, 6.0])
    w.set_value(src)
    src[0] = 0
    assert w.get_value()[0] == 5.0


def test_set_value_rejects_dtype_and_rank_changes():
    w = jaxlike.shared(np.zeros(2, dtype=np.float32), name="w")
    with pytest.raises(TypeError, match="set_value of shared variable w.*float64"):
        w.set_value(np.zeros(2))
    with pytest.raises(TypeError, match="wrong number of dimensions"):
        w.set_value(np.zeros((2, 2), dtype=np.float32))
    i = jaxlike.shared(np.zeros(2, dtype=np.int64))
    with pytest.raises(TypeError, match="cannot store"):
        i.set_value([0.5, 1.0])
    r = jaxlike.shared(np.ones((1, 3)), broadcastable=(True, False))
    with pytest.raises(ValueError, match="fixed to size 1"):
        r.set_value(np.ones((2, 3)))


def test_function_of_shared_variables_only():
    # catches: inputs=[] (seed 002's train() and test()) not working
    X = jaxlike.shared(np.array([[1, 0], [0, 1]]), name="X")
    W = jaxlike.shared(np.array([[2.0], [3.0]]), name="W")
    f = fn([], T.dot(X, W))
    np.testing.assert_array_equal(f(), [[2.0], [3.0]])


# -- updates ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", BOTH_MODES)
def test_updates_apply_after_the_outputs_and_all_read_old_values(mode):
    # catches: an update seeing another update's new value, or the output seeing the updated value
    a = jaxlike.shared(np.array([1.0, 2.0]), name="a")
    b = jaxlike.shared(np.array([10.0, 20.0]), name="b")
    c = jaxlike.shared(0.0, name="c")
    f = fn([], [a + b, c], updates=[(a, b), (b, a), (c, c + T.sum(a))], mode=mode)
    out, cv = f()
    np.testing.assert_array_equal(out, [11.0, 22.0])
    assert cv == 0.0
    np.testing.assert_array_equal(a.get_value(), [10.0, 20.0])
    np.testing.assert_array_equal(b.get_value(), [1.0, 2.0])
    assert c.get_value() == 3.0
    f()
    np.testing.assert_array_equal(a.get_value(), [1.0, 2.0])
    assert c.get_value() == 33.0


@pytest.mark.parametrize("mode", BOTH_MODES)
def test_gradient_descent_updates_match_numpy(mode):
    # catches: wrong update arithmetic or lost state across calls (the seeds' training loops)
    x, y_hat = T.dvector("x"), T.dscalar("y_hat")
    w = jaxlike.shared(np.array([-1.0, 1.0]), name="w")
    b = jaxlike.shared(0.0, name="b")
    y = 1 / (1 + T.exp(-(T.dot(w, x) + b)))
    cost = T.sum((y - y_hat) ** 2)
    dw, db = T.grad(cost, [w, b])
    step = fn([x, y_hat], cost, updates={w: w - 0.1 * dw, b: b - 0.1 * db}, mode=mode)
    W, B = np.array([-1.0, 1.0]), 0.0
    xv = np.array([1.0, -1.0])
    for _ in range(5):
        yv = 1 / (1 + np.exp(-(W @ xv + B)))
        want_cost = (yv - 1) ** 2
        d = 2 * (yv - 1) * yv * (1 - yv)
        W, B = W - 0.1 * d * xv, B - 0.1 * d
        np.testing.assert_allclose(step(xv, 1), want_cost, rtol=1e-12)
    np.testing.assert_allclose(w.get_value(), W, rtol=1e-12)
    np.testing.assert_allclose(b.get_value(), B, rtol=1e-12)


@pytest.mark.parametrize("mode", BOTH_MODES)
def test_stored_updates_never_alias_arguments_outputs_or_each_other(mode):
    # catches: a shared variable holding the caller's array (or a view of it), two shared variables holding
    # one array, or an output that is the stored state: a later in-place update would change them all
    x = T.dvector("x")
    a = jaxlike.shared(np.zeros(4), name="a")
    b = jaxlike.shared(np.zeros((2, 2)), name="b")
    c = jaxlike.shared(np.zeros(4), name="c")
    d = jaxlike.shared(np.zeros(4), name="d")
    e = x * 2
    f = fn([x], e, updates=[(a, x), (b, x.reshape((2, 2))), (c, e), (d, e)], mode=mode)
    arg = np.arange(4.0)
    out = f(arg)
    arrays = [arg, out] + [v.get_value(borrow=True) for v in (a, b, c, d)]
    for i, p in enumerate(arrays):
        for q in arrays[i + 1:]:
            assert not np.shares_memory(p, q)
    arg[:] = -1
    out[:] = -2
    np.testing.assert_array_equal(a.get_value(), [0, 1, 2, 3])
    np.testing.assert_array_equal(b.get_value(), [[0, 1], [2, 3]])
    np.testing.assert_array_equal(c.get_value(), d.get_value())
    np.testing.assert_array_equal(c.get_value(), [0, 2, 4, 6])


def test_arrays_the_entry_allocated_come_back_without_a_copy():
    # catches: the call path copying every array numba returns (its base is numba's MemInfo, never None):
    # a full extra pass over each output and returned update; and, the other way, keeping a view of an
    # argument, of stored state, or of memory another output or update also holds
    x = T.dvector("x")
    s = jaxlike.shared(np.zeros(3), name="s")
    t = jaxlike.shared(np.zeros(2), name="t")
    twice = x * 2
    f = jaxlike.function([x], [T.exp(x), x[1:], twice[:2], twice[1:], s[1:]], updates=[(t, twice[1:])])
    assert f._fast is not None
    arg = np.arange(3.0)
    fresh, tail, head2, tail2, state_tail = f(arg)
    owner = fresh.base
    assert owner is not None and type(owner).__name__ == "_MemInfo" and owner.parent is None, \
        "a fresh output of the numba entry was copied on its way out"
    np.testing.assert_allclose(fresh, np.exp(arg))
    stored = t.get_value(borrow=True)
    arrays = [arg, tail, head2, tail2, state_tail, stored, s.get_value(borrow=True)]
    assert not any(np.shares_memory(p, q) for i, p in enumerate(arrays) for q in arrays[i + 1:])
    np.testing.assert_array_equal(head2, [0, 2])
    np.testing.assert_array_equal(tail2, [2, 4])
    np.testing.assert_array_equal(stored, [2, 4])


def test_the_generated_call_path_keeps_the_conventions():
    # catches: the numba backend's generated call path (runtime/callpath.py) diverging from the general one:
    # arguments it passes inline (exact ndarrays, float, np.float64) or converts, its argument errors, 0-d
    # outputs, outputs copied off the stored state, in-place versus returned updates (a swap reads values the
    # other update overwrites, so at least one comes back), kwargs
    x, y, n = T.dvector("x"), T.dscalar("y"), T.lscalar("n")
    a = jaxlike.shared(np.array([1.0, 2.0]), name="a")
    b = jaxlike.shared(np.array([3.0, 4.0]), name="b")
    f = jaxlike.function([x, y, n], [T.sum(x) * y + n, a, x * 2], updates=[(a, b), (b, a + x)])
    assert f._fast is not None, "the numba backend should give this function a generated call path"
    total, out_a, twice = f(np.array([1.0, 2.0]), np.float64(2.0), 1)
    assert type(total) is np.ndarray and total.ndim == 0 and total == 7
    np.testing.assert_array_equal(out_a, [1, 2])
    np.testing.assert_array_equal(a.get_value(), [3, 4])
    np.testing.assert_array_equal(b.get_value(), [2, 4])
    out_a[:] = 9  # the output was a copy of a's old storage, not a's storage
    arrays = [a.get_value(borrow=True), b.get_value(borrow=True), out_a, twice]
    assert not any(np.shares_memory(p, q) for i, p in enumerate(arrays) for q in arrays[i + 1:])
    total, _, twice = f([1, 2], 2, np.int64(0))  # list, int and np.int64 go through the converters
    assert total == 6 and twice.tolist() == [2, 4]
    assert f(y=1.0, x=np.zeros(2), n=3)[0] == 3
    with pytest.raises(TypeError, match=r"input 0 \(x\).*wrong number of dimensions: expected 1.*got 2"):
        f(np.zeros((2, 2)), 1.0, 1)
    with pytest.raises(TypeError, match=r"input 1 \(y\).*cannot convert"):
        f(np.zeros(2), "a", 1)
    with pytest.raises(TypeError, match=r"expected 3 arguments"):
        f(np.zeros(2), 1.0)
    with pytest.raises(TypeError, match=r"expected 3 arguments"):
        f(np.zeros(2), 1.0, 1, 2)
    assert f(np.zeros(2), 1.0, n=5)[0] == 5   # a keyword after positionals: the general path binds it
    # the call path is the class's own __call__ (one frame), and a second function gets its own class
    from jaxlike.tensor.function import Function
    assert isinstance(f, Function) and type(f) is not Function and "entry(a0, a1, a2" in type(f).__call__.source
    g = jaxlike.function([x], x + 1.0)
    assert type(g) is not type(f) and g(np.ones(2)).tolist() == [2.0, 2.0]
    # a shared value of the wrong rank stored behind the API's back reaches the entry's own check
    b._data = np.zeros((2, 2))
    with pytest.raises(TypeError, match=r"argument 4: expected a float64 array of rank 1"):
        f(np.zeros(2), 1.0, 1)


def test_theano_functions_hold_the_gil_where_compiled_functions_release_it():
    # catches: the release_gil option not reaching the generated entry (numba's nogil) from either front end
    x = T.dvector("x")
    held = jaxlike.function([x], T.exp(x) * 2.0).source.split("def entry")[0].rsplit("@njit", 1)[1]
    assert "nogil=False" in held
    released = jaxlike.compile(lambda v: jaxlike.numpy.exp(v) * 2.0).source(np.ones(2))
    assert "nogil=True" in released.split("def entry")[0].rsplit("@njit", 1)[1]
    kept = jaxlike.compile(lambda v: jaxlike.numpy.exp(v) * 3.0, options={"release_gil": False})
    assert "nogil=False" in kept.source(np.ones(2)).split("def entry")[0].rsplit("@njit", 1)[1]


def test_the_direct_call_is_taken_only_where_its_checks_hold():
    # catches: the generated call path calling numba's compiled entry directly (runtime/callpath.py) with
    # what the entry was not compiled for, which numba's dispatch would have typed anew: a strided or
    # read-only argument, a state replaced by set_value, or a borrowed array whose owner reshapes it in place
    x = T.dvector("x")
    w = jaxlike.shared(np.ones(3), name="w")
    step = jaxlike.function([x], T.sum(w * x), updates=[(w, w - 0.5 * x)])
    assert step._fast is not None
    env = type(step).__call__.__globals__
    entry, dispatched = env["entry"], []

    def counting_entry(*args):
        dispatched.append(args)
        return entry(*args)
    env["entry"] = counting_entry
    want = np.ones(3)

    def check(arg, direct):
        nonlocal want
        before = len(dispatched)
        out = step(arg)
        assert float(out) == float(np.sum(want * arg))
        want = want - 0.5 * arg
        np.testing.assert_array_equal(w.get_value(), want)
        assert (len(dispatched) == before) == direct
    check(np.array([1.0, 2.0, 3.0]), direct=False)     # the first call finds the direct form
    assert env["fast"] is not None
    check(np.array([0.5, 1.0, 0.0]), direct=True)
    check(np.arange(6.0)[::2], direct=False)            # strided
    ro = np.array([1.0, 0.0, 1.0])
    ro.flags.writeable = False
    check(ro, direct=False)
    check(np.ones(3), direct=True)
    w.set_value([1.0, 1.0, 1.0, 1.0])                   # a new array of another shape
    want = np.ones(4)
    check(np.ones(4), direct=False)
    check(np.full(4, 2.0), direct=True)
    kept = np.ones(3)
    w.set_value(kept, borrow=True)
    want = np.ones(3)
    check(np.ones(3), direct=False)
    kept.shape = (3, 1)         # the owner's array object changes rank; the variable's view does not
    check(np.ones(3), direct=True)
    np.testing.assert_array_equal(kept[:, 0], want)     # the borrowed memory is still the one updated
    strided = np.ones(6)
    w.set_value(strided[::2], borrow=True)              # state the C-contiguous form cannot take
    want = np.ones(3)
    for _ in range(5):
        check(np.ones(3), direct=False)
    np.testing.assert_array_equal(strided[::2], want)
    w.set_value(np.ones(3))
    want = np.ones(3)
    check(np.ones(3), direct=False)
    check(np.ones(3), direct=True)


def test_shared_state_shared_between_functions():
    s = jaxlike.shared(0, name="count")
    inc = fn([], s, updates=[(s, s + 1)])
    read = fn([], s * 10)
    assert [int(inc()) for _ in range(3)] == [0, 1, 2]
    assert read() == 30


def test_update_errors():
    s = jaxlike.shared(np.zeros(2, dtype=np.float32), name="s")
    x = T.dvector("x")
    with pytest.raises(TypeError, match=r"update of s: the expression has dtype float64.*"
                                        r"T.cast\(expr, 'float32'\)"):
        fn([x], updates=[(s, x)])
    with pytest.raises(TypeError, match="rank 0"):
        fn([], updates=[(s, T.sum(s))])
    with pytest.raises(TypeError, match="not a shared variable"):
        fn([x], updates=[(x, x + 1)])
    with pytest.raises(ValueError, match="two update expressions"):
        fn([], updates=[(s, s * 2), (s, s * 3)])
    with pytest.raises(TypeError, match="must be a pair"):
        fn([], updates=[(s,)])
    with pytest.raises(TypeError, match="cannot store"):
        fn([], updates=[(s, np.array([0.1, 0.2]))])
    ok = fn([], updates=[(s, s * 0.5 + 1)])  # Python floats keep float32
    ok()
    np.testing.assert_array_equal(s.get_value(), [1, 1])
    fn([], updates=[(s, [3.0, 4.0])])()  # a concrete value converts when exact
    np.testing.assert_array_equal(s.get_value(), [3, 4])
    assert s.get_value().dtype == np.float32


def test_update_may_change_a_shared_shape():
    s = jaxlike.shared(np.ones(2), name="s")
    grow = fn([], updates=[(s, T.concatenate([s, s]))])
    grow()
    grow()
    assert s.get_value().shape == (8,)


# -- givens ----------------------------------------------------------------------------------------------
def test_givens_substitutes_a_minibatch_slice_of_shared_data():
    # catches: givens ignored, or substitution losing the symbolic sizes (Theano's minibatch idiom)
    data = jaxlike.shared(np.arange(12.0).reshape(6, 2), name="data")
    rows = T.lvector("rows")
    x = T.dmatrix("x")
    f = fn([rows], T.sum(x, axis=0), givens={x: data[rows]})
    np.testing.assert_array_equal(f([2, 3]), [4.0 + 6.0, 5.0 + 7.0])
    h = fn([], T.sum(x, axis=0), givens={x: data[2:4]})
    np.testing.assert_array_equal(h(), [4.0 + 6.0, 5.0 + 7.0])
    with pytest.raises(RuntimeError, match="is an input of the function"):
        fn([x], T.sum(x), givens=[(x, np.ones((2, 2)))], on_unused_input="ignore")


def test_givens_can_replace_a_shared_variable():
    w = jaxlike.shared(np.array([1.0, 2.0]), name="w")
    v = T.dvector("v")
    f = fn([v], T.sum(w * 2), givens={w: v})
    assert f([5.0, 5.0]) == 20.0


def test_givens_errors():
    x = T.dvector("x")
    with pytest.raises(TypeError, match="dtype float32.*T.cast"):
        fn([], T.sum(x), givens={x: T.fvector()})
    with pytest.raises(TypeError, match="rank 2"):
        fn([], T.sum(x), givens={x: T.dmatrix()})
    with pytest.raises(TypeError, match="not a symbolic variable"):
        fn([x], x, givens={"x": x})


# -- modes, profile, eval --------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["FAST_RUN", "FAST_COMPILE", "DEBUG_MODE", "DebugMode"])
def test_modes(mode):
    x = T.dvector("x")
    f = jaxlike.function([x], T.exp(x), mode=mode)
    np.testing.assert_allclose(f([0.0, 1.0]), [1.0, np.e])


def test_bad_mode():
    x = T.dscalar()
    with pytest.raises(ValueError, match="mode must be one of"):
        jaxlike.function([x], x, mode="FAST")


def test_profile_records_calls():
    x = T.dscalar("x")
    f = jaxlike.function([x], x * 2, mode=MODE, profile=True, name="double")
    for _ in range(3):
        f(1.0)
    assert f(x=2.0) == 4.0
    assert f.profile.name == "double" and f.profile.row()["calls"] == 4
    assert "double" in str(jaxlike.profile.report())


def test_eval():
    x, y = T.dscalar("x"), T.dscalar("y")
    z = x * y
    assert z.eval({x: 2.0, y: 3.0}) == 6.0
    assert z.eval({x: 4.0, y: 3.0}) == 12.0
    assert T.constant(5.0).eval() == 5.0


def test_source_and_graph_are_exposed():
    x = T.dscalar("x")
    f = fn([x], T.exp(x))
    assert "exp" in f.source and f.graph.inputs[0] is x
    assert repr(jaxlike.function([x], x, name="ident", mode=MODE)) == "<jaxlike.function 'ident'>"


_CUDASIM_SCRIPT = r"""
import numpy as np
import jaxlike, jaxlike.tensor as T
x = T.dvector("x")
w = jaxlike.shared(np.array([0.5, -0.25]), name="w")
cost = T.sum((T.dot(w, x) - 1.0) ** 2)
cpu = jaxlike.function([x], cost, updates=[(w, w - 0.1 * T.grad(cost, w))], mode="FAST_COMPILE")
jaxlike.config.device = "gpu"
gpu = jaxlike.function([x], cost, updates=[(w, w - 0.1 * T.grad(cost, w))])
assert gpu.executable.backend == "numba_cuda", gpu.executable.backend
costs = [float(gpu([1.0, 2.0])) for _ in range(3)] + [float(cpu([1.0, 2.0]))]
W = np.array([0.5, -0.25]); want = []
for _ in range(4):
    r = W @ [1.0, 2.0] - 1.0; want.append(r * r); W = W - 0.1 * 2 * r * np.array([1.0, 2.0])
np.testing.assert_allclose(costs, want, rtol=1e-12)
np.testing.assert_allclose(w.get_value(), W, rtol=1e-12)
print("ok")
"""


def test_shared_state_kept_on_the_gpu_backend_in_the_cuda_simulator():
    # catches: device arrays (the GPU backend's update values) copied to the host every call, or not
    # accepted by a CPU function afterwards
    pytest.importorskip("numba.cuda")
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1")
    env.pop("JAXLIKE_FLAGS", None)
    res = subprocess.run([sys.executable, "-c", _CUDASIM_SCRIPT], capture_output=True, text=True, env=env,
                         timeout=600)
    assert res.returncode == 0 and res.stdout.strip().endswith("ok"), res.stderr[-3000:]


def test_arguments_of_the_exact_dtype_skip_the_conversion(monkeypatch):
    """Catches: the call path's dtype test failing for every argument (it compared a Theano variable's dtype,
    a str since DtypeName, by identity with numpy's), so each call ran Theano's conversion rules: the seed XOR
    net's step went from 0.85 to 3.1 us."""
    F = sys.modules["jaxlike.tensor.function"]     # the module (jaxlike.tensor.function is the function)
    x, y, s = T.dvector("x"), T.dmatrix("y"), T.dscalar("s")
    f = jaxlike.function([x, y, s], T.sum(x) + T.sum(y) * s)
    assert f(np.ones(2), np.ones((2, 2)), 2.0) == 10.0

    def refuse(*args, **kwargs):
        raise AssertionError("filter_value called for an argument of the exact dtype")
    monkeypatch.setattr(F, "filter_value", refuse)
    assert f(np.ones(2), np.ones((2, 2)), 2.0) == 10.0
    assert f(np.ones(2), np.ones((2, 2)), np.float64(3.0)) == 14.0
