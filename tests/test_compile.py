"""compile(): one trace per (dtype, rank, size-1 pattern), not per size; specialization when traced code reads
a size as an int; static_argnums; pytree arguments and results; constants from Python scalars and captured
arrays; clear call-time errors for inconsistent sizes; and the seed XOR network trained with
compile(value_and_grad). Compiled functions are built once per module: backend compiles are expensive."""

import types

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike import nn


class Counted:
    """A function that counts how often it is traced (a Python side effect runs only while tracing)."""

    def __init__(self, fn):
        self.fn, self.traces = fn, 0

    def __call__(self, *args):
        self.traces += 1
        return self.fn(*args)


@pytest.fixture(scope="module")
def mlp():
    body = Counted(lambda x, w: jnp.tanh(x @ w).sum(axis=1))
    return body, jaxlike.compile(body)


def test_one_trace_serves_every_batch_size(mlp):
    """Catches: sizes leaking into the signature (a recompile per batch size)."""
    body, f = mlp
    w = np.linspace(-1, 1, 6).reshape(3, 2)
    for n in (3, 5, 7):
        x = np.arange(n * 3.0).reshape(n, 3) / 10
        assert np.allclose(f(x, w), np.tanh(x @ w).sum(axis=1))
    assert body.traces == 1


def test_size_one_dtype_and_rank_patterns_retrace(mlp):
    body, f = mlp
    w = np.ones((3, 2))
    f(np.ones((4, 3)), w)
    before = body.traces
    f(np.ones((1, 3)), w)  # a size-1 dim broadcasts: a different program
    assert body.traces == before + 1
    f(np.ones((4, 3), np.float32), w.astype(np.float32))
    assert body.traces == before + 2
    out = f(np.ones((6, 3), np.float32), w.astype(np.float32))
    assert body.traces == before + 2 and out.dtype == np.float32


def test_reading_a_size_as_an_int_specializes_per_size():
    body = Counted(lambda x: x * x.shape[0] + sum(x[i] for i in range(x.shape[0])))
    f = jaxlike.compile(body)
    for n in (3, 5, 3, 5):
        x = np.arange(float(n))
        assert np.allclose(f(x), x * n + x.sum())
    first = body.traces
    f(np.arange(3.0))
    f(np.arange(5.0))
    assert body.traces == first, "each specialized size is traced once and then cached"
    f(np.arange(4.0))
    assert body.traces == first + 1


def _reads_sizes_as_python_values(x):
    n = x.shape[0]
    factor = (1.0 if n in {3, 4} else 2.0) * {(4,): 10.0, (6,): 30.0}.get(x.shape, -1.0)
    factor += (1.0 if n else -1.0) + len(str(n)) + (1.0 if isinstance(n, int) else 0.5)
    factor += -n + abs(-n) * 0.5 + (n & 1) + divmod(n, 4)[1] + float(np.sqrt(n)) + round(n / 3)
    return x.sum() * factor + factor + np.ones(n).sum()


def test_user_code_reading_a_size_as_a_python_value_sees_the_int():
    # NOTE: truth, hashing (set and dict lookups), text, isinstance, unary and bitwise arithmetic and numpy
    # functions of a size: each asks for the concrete size, as int() does, instead of answering for the symbol
    f = jaxlike.compile(_reads_sizes_as_python_values)
    for n in (0, 4, 6, 4):
        x = np.arange(float(n))
        assert np.allclose(f(x), _reads_sizes_as_python_values(x)), n


def test_static_argnums():
    body = Counted(lambda x, k, mode: x ** k if mode == "pow" else x * k)
    f = jaxlike.compile(body, static_argnums=(1, 2))
    x = np.arange(4.0)
    assert np.array_equal(f(x, 2, "pow"), x ** 2)
    assert np.array_equal(f(x, 3, "pow"), x ** 3)
    assert np.array_equal(f(x, 3, "mul"), x * 3)
    assert np.array_equal(f(x + 1, 3, "pow"), (x + 1) ** 3)
    assert body.traces == 3
    with pytest.raises(TypeError, match="hashable"):
        f(x, [2], "pow")
    g = jaxlike.compile(lambda x, k: x * k, static_argnums=1)
    with pytest.raises(TypeError, match="static_argnums"):
        g(x)


def test_decorator_form_with_options():
    @jaxlike.compile(static_argnums=1)
    def power(x, k):
        return x ** k

    assert np.array_equal(power(np.arange(3.0), 2), [0.0, 1.0, 4.0])


def test_pytree_arguments_and_results():
    @jaxlike.compile
    def f(params, batch):
        h = batch["x"] @ params["w"] + params["b"]
        return {"out": h, "stats": [jnp.mean(h), (jnp.max(h), 2.0)]}, None

    params = {"w": np.arange(6.0).reshape(3, 2), "b": np.array([1.0, -1.0])}
    batch = {"x": np.ones((4, 3))}
    res, nothing = f(params, batch)
    h = batch["x"] @ params["w"] + params["b"]
    assert nothing is None
    assert np.allclose(res["out"], h) and np.isclose(res["stats"][0], h.mean())
    assert np.isclose(res["stats"][1][0], h.max()) and np.isclose(res["stats"][1][1], 2.0)


def test_python_scalars_and_captured_arrays_become_constants():
    table = np.array([1.0, 2.0, 3.0])
    scale = 0.5

    def f(x):
        return x * table + scale * 2

    cf = jaxlike.compile(f)
    x = np.array([1.0, 1.0, 1.0])
    assert np.allclose(cf(x), f(x))
    g = cf.graph(x)
    assert len(g.inputs) == 1, "captured values are not extra inputs"
    text = g.text()
    assert "[1.,2.,3.]" in text and "1.0" in text
    table[0] = 100.0  # the user's array stays writable; the compiled function keeps the traced value (JAX)
    assert np.allclose(cf(x), [1.0 + 1.0, 3.0, 4.0])


def test_python_scalar_arguments_are_weak_and_keep_float32():
    f = jaxlike.compile(lambda x, s: x * s)
    out = f(np.ones(3, np.float32), 2.5)
    assert out.dtype == np.float32 and np.allclose(out, 2.5)
    assert np.allclose(f(np.ones(3), 3), 3.0)


def test_results_match_eager_numpy():
    fns = [
        (lambda x: jnp.where(x > 0, jnp.log1p(x), -x ** 2),
         lambda x: np.where(x > 0, np.log1p(np.abs(x)), -x ** 2)),
        (lambda x: jnp.max(x, axis=0) - jnp.min(x, axis=1)[:, None], lambda x: x.max(0) - x.min(1)[:, None]),
        (lambda x: nn.softmax(x, axis=-1), lambda x: np.exp(x) / np.exp(x).sum(-1, keepdims=True)),
        (lambda x: x.T[::2] @ x, lambda x: x.T[::2] @ x),
    ]
    x = np.random.default_rng(0).normal(size=(4, 4))
    for f, ref in fns:
        assert np.allclose(jaxlike.compile(f)(x), ref(x))


def test_size_mismatch_among_symbolic_sizes_is_an_error_at_call_time():
    """Catches: a compiled function that assumed two symbolic sizes equal (from tracing x + y, or x @ y)
    returning a wrong result, or crashing, when a call breaks the assumption."""
    add = jaxlike.compile(lambda x, y: x + y)
    assert np.array_equal(add(np.ones(3), np.ones(3)), np.full(3, 2.0))
    with pytest.raises(ValueError, match=r"\b3\b.*\b4\b|\b4\b.*\b3\b"):
        add(np.ones(3), np.ones(4))
    with pytest.raises(ValueError):
        add(np.ones((2, 3)), np.ones((2, 4)))
    dot = jaxlike.compile(lambda a, b: a @ b)
    assert np.array_equal(dot(np.ones((2, 3)), np.ones((3, 4))), np.full((2, 4), 3.0))
    with pytest.raises(ValueError, match=r"\b3\b.*\b4\b|\b4\b.*\b3\b"):
        dot(np.ones((2, 3)), np.ones((4, 5)))


def test_a_slice_of_at_most_one_element_broadcasts():
    """x[:, :1] and x[:, -1:] have a symbolic size that is 1 unless x is empty: broadcast against another
    size, the compiled function traces with the concrete sizes and broadcasts as numpy does. Would catch:
    the slice's size taken to equal the other operand's (a ShapeError at call time for a[:, :1] +
    b[:1, :], which numpy broadcasts to the outer sum); slices of two or more elements still symbolic."""
    a, b = np.arange(20.0).reshape(5, 4), np.arange(24.0).reshape(4, 6)
    outer = jaxlike.compile(lambda a, b: a[:, :1] + b[:1, :])
    assert np.array_equal(outer(a, b), a[:, :1] + b[:1, :])
    centred = jaxlike.compile(lambda a: a - a[:, -1:])
    for x in (a, b, np.ones((3, 1))):
        assert np.array_equal(centred(x), x - x[:, -1:])
    pairs = jaxlike.compile(lambda a: a[:, 1:3] * 2.0 + a[:, 2:4])
    assert np.array_equal(pairs(a), a[:, 1:3] * 2.0 + a[:, 2:4])
    assert np.array_equal(jaxlike.grad(lambda a: jnp.sum(a - a[:, :1]))(a), np.where(np.arange(4) == 0, -3.0, 1.0)
                          * np.ones((5, 1)))
    assert jaxlike.make_jaxpr(lambda a, b: a[:, :1] + b[:1, :])(a, b).outputs[0].shape == (5, 6)
    column = jaxlike.compile(lambda a, u: jnp.squeeze(a[:, 1:2], axis=1) * u)
    assert np.array_equal(column(a, np.arange(5.0)), a[:, 1] * np.arange(5.0))
    # NOTE: a graph built directly (Theano's) cannot retrace: its sizes stay symbolic, taken equal as Theano does
    import jaxlike.tensor as T
    x, y = T.dmatrix("x"), T.dmatrix("y")
    assert np.array_equal(jaxlike.function([x, y], x[:, :1] + y)(a, np.ones((5, 1))), a[:, :1] + 1.0)


def test_errors_inside_compiled_functions_name_the_user_line():
    def f(x):
        return jnp.sum(x, axis=2)  # <- bad axis

    with pytest.raises(ValueError, match=r"sum: axis 2 .*test_compile.py"):
        jaxlike.compile(f)(np.ones((2, 3)))

    def g(x):
        if x.sum() > 0:  # <- traced branch
            return x
        return -x

    with pytest.raises(jaxlike.TracerBoolError, match="test_compile.py.*jnp.where"):
        jaxlike.compile(g)(np.ones(3))


def test_keyword_arguments_bind_to_their_positions_and_share_the_signature_cache():
    f = jaxlike.compile(lambda x, y=2.0: x * y)
    np.testing.assert_array_equal(f(x=np.ones(2)), [2.0, 2.0])
    np.testing.assert_array_equal(f(np.ones(2), y=3.0), [3.0, 3.0])
    np.testing.assert_array_equal(f(np.ones(2), 3.0), [3.0, 3.0])
    np.testing.assert_array_equal(f(np.ones(2)), [2.0, 2.0])
    assert len(f._cache) == 2   # NOTE: y left out keeps its default inside the function, as JAX's jit
    with pytest.raises(TypeError, match="unexpected keyword argument 'z'"):
        f(np.ones(2), z=1.0)
    g = jaxlike.compile(lambda *xs: xs[0])
    with pytest.raises(TypeError, match="its own parameters are named ones"):
        g(x=np.ones(2))


def test_keyword_only_parameters_negative_static_argnums_and_keywords_to_gradients():
    """Catches: a keyword-only parameter (``def f(x, *, training)``) refused even as a static_argnames, a
    negative static_argnums ending in a bare StopIteration, and grad/jacfwd/jacrev refusing keyword arguments
    (JAX passes them through, not differentiated)."""
    def k(x, *, scale=2.0, shift):
        return x * scale + shift
    f = jaxlike.jit(k)
    x = np.arange(3.0)
    np.testing.assert_array_equal(f(x, shift=1.0), x * 2 + 1)
    np.testing.assert_array_equal(f(x, scale=3.0, shift=np.ones(3)), x * 3 + 1)
    with pytest.raises(TypeError, match="keyword-only argument: 'shift'"):
        f(x)
    g = jaxlike.jit(lambda x, n, *, mode="a": x * n if mode == "a" else x, static_argnums=-1,
                    static_argnames="mode")
    np.testing.assert_array_equal(g(x, 2, mode="a"), x * 2)
    np.testing.assert_array_equal(g(x, 2, mode="b"), x)
    with pytest.raises(ValueError, match="for a function of 1 parameters"):
        jaxlike.jit(lambda x: x, static_argnums=-3)
    h = jaxlike.jit(lambda x, n: x * n, static_argnums=-1)
    np.testing.assert_array_equal(h(x, 3), x * 3)

    def loss(x, y=2.0):
        return jnp.sum(x * y)
    for transform in (jaxlike.grad, jaxlike.jacfwd, jaxlike.jacrev):
        np.testing.assert_array_equal(transform(loss)(x, y=3.0), [3.0, 3.0, 3.0])
    assert jaxlike.value_and_grad(loss)(x, y=3.0)[0] == 9.0


def test_number_arguments_take_the_lookup_by_type_and_keep_the_conventions():
    # catches: the hot path for float/bool/complex arguments (one lookup by the arguments' types) returning
    # a number instead of a 0-d array, serving a float32 signature to a float call, or skipping the checks
    f = jaxlike.compile(lambda x, s: x * 2.0 + s)
    out = f(1.5, 1.0)
    assert type(out) is np.ndarray and out.shape == () and out.dtype == np.float64 and out == 4.0
    assert f._compiled._inline_calls, "float arguments should be served by the inline type tests"
    again = f(2.0, 0.5)
    assert type(again) is np.ndarray and again == 4.5 and again is not out
    assert f(True, 1.0) == 3.0 and f(True, 1.0).dtype == np.float64
    assert f(1j, 0.0) == 2j and f(1j, 0.0).dtype == np.complex128
    f32 = f(np.float32(1.5), 1.0)
    assert f32.dtype == np.float32 and f32 == 4.0
    assert f(3, 1.0) == 7.0
    with pytest.raises(OverflowError, match="does not fit in int64"):
        f(2 ** 63, 1.0)     # the inline test checks the range; the general path says why
    pair = jaxlike.compile(lambda x: (x, x + 1.0))
    assert [float(v) for v in pair(1.0)] == [1.0, 2.0] and isinstance(pair(1.0), tuple)
    assert f(1.0, s=1.0) == 3.0


def test_the_direct_call_of_a_compiled_signature_takes_only_c_contiguous_arrays():
    # catches: the inline signature test calling numba's compiled entry directly (callpath._direct_call) with
    # a strided, read-only or Fortran-ordered array, which its C-contiguous form would read as contiguous
    f = jaxlike.compile(lambda x, y: jnp.sum(jnp.sin(x) * jnp.cos(2.0 * x[::-1])) * y)
    x = np.linspace(0.0, 2.0, 12).reshape(3, 4)
    f(x, 1.5)   # compiles the signature and writes its inline test
    f(x, 1.5)   # the first call through the test finds the compiled form
    env = f.__globals__
    entry, dispatched = env["s0_entry"], []

    def counting_entry(*args):
        dispatched.append(args)
        return entry(*args)

    def check(x, direct):
        before = len(dispatched)
        assert float(f(x, 1.5)) == pytest.approx(np.sum(np.sin(x) * np.cos(2.0 * x[::-1])) * 1.5, rel=1e-12)
        assert (len(dispatched) == before) == direct
    env["s0_entry"] = counting_entry
    assert env["s0_fast"] is not None
    check(x, direct=True)
    check(x[:, ::2], direct=False)
    check(np.asfortranarray(x), direct=False)
    read_only = x.copy()
    read_only.flags.writeable = False
    check(read_only, direct=False)
    check(x + 1.0, direct=True)


def test_number_signatures_are_tested_inline_and_everything_else_takes_the_general_path():
    # catches: the generated __call__ (callpath.signature_dispatch) serving a signature to the wrong arity
    # (a default argument left out), dropping an argument on its way to the general path, answering for a
    # type it was not compiled for, or outliving a switch to profiling (whose calls must all be timed)
    f = jaxlike.compile(lambda x, y=2.0: x * y)
    assert f(1.5) == 3.0 and f(1.5, 3.0) == 4.5
    assert isinstance(f, types.FunctionType) and f.__name__ == "<lambda>"    # vectorcall: no argument tuple
    assert "s0_k0" in f.__code__.co_names     # the type test of the first signature
    assert f(1.5) == 3.0 and f(1.5, 3.0) == 4.5 and f(True) == 2.0
    np.testing.assert_array_equal(f(np.arange(3.0), 2.0), [0.0, 2.0, 4.0])
    assert f(np.float32(2.0)).dtype == np.float32
    assert f(1.0, y=1.0) == 1.0
    with pytest.raises(TypeError):
        f(1.0, 2.0, 3.0)
    other = jaxlike.compile(lambda x: x + 1.0)
    assert other(1.0) == 2.0 and f(1.0) == 2.0 and other.__code__ is not f.__code__
    before = jaxlike.config.profile
    try:
        jaxlike.config.profile = True
        g = jaxlike.compile(lambda x: x * 3.0)
        assert g(1.0) == 3.0 and g(2.0) == 6.0
        assert g.__code__ is g._compiled._general_code[0] and g._compiled._profile.calls == 2
    finally:
        jaxlike.config.profile = before


def test_array_and_tree_signatures_are_tested_inline_with_the_general_paths_rules():
    # catches: the inline tests of signature_dispatch serving a call the general path would have compiled
    # anew (another dtype, rank, size-1 pattern, key set, container type or length), passing the leaves in
    # another order than flattening does, or rebuilding the outputs' tree wrongly
    calls = []

    def loss(p, x):
        calls.append(1)
        return jnp.sum(jnp.tanh(p["w"] @ x + p["b"])) * p["s"]

    f = jaxlike.compile(jaxlike.value_and_grad(loss))
    rng = np.random.default_rng(0)
    p = {"w": rng.normal(size=(3, 2)), "b": rng.normal(size=3), "s": 2.0}
    x = rng.normal(size=2)

    def want(p, x):
        t = np.tanh(p["w"] @ x + p["b"])
        g = (1 - t ** 2) * p["s"]
        return np.sum(t) * p["s"], {"w": np.outer(g, x), "b": g, "s": np.sum(t)}

    def check(p, x):
        value, grads = f(p, x)
        v, g = want(p, x)
        np.testing.assert_allclose(value, v, rtol=1e-12)
        assert type(grads) is dict and sorted(grads) == ["b", "s", "w"]
        for k in g:
            np.testing.assert_allclose(grads[k], g[k], rtol=1e-12, err_msg=k)

    check(p, x)
    assert len(calls) == 1 and f._compiled._inline_calls
    code = f.__code__
    for _ in range(3):
        check({"w": rng.normal(size=(5, 4)), "b": rng.normal(size=5), "s": 0.5}, rng.normal(size=4))
    assert len(calls) == 1 and f.__code__ is code, "a new size should be served by the inline test"
    check({"w": rng.normal(size=(1, 2)), "b": rng.normal(size=1), "s": 1.0}, x)     # size-1 dims: new
    assert len(calls) == 2
    f(p, x.astype(np.float32))                                                       # another dtype: new
    assert len(calls) == 3
    f(p, x.astype(np.float32))
    assert len(calls) == 3
    with pytest.raises(KeyError, match="s"):
        f({"w": p["w"], "b": p["b"]}, x)                                               # a key missing: traced
    _, grads = f({"w": p["w"], "b": p["b"], "s": 2.0, "extra": 1.0}, x)               # a key more: new
    assert len(calls) == 5 and grads["extra"] == 0.0 and sorted(grads) == ["b", "extra", "s", "w"]
    h = jaxlike.compile(lambda t: [t[0] * 2.0, (t[1], None)])
    out = h((np.ones(2), 3.0))
    assert type(out) is list and type(out[1]) is tuple and out[1][1] is None
    np.testing.assert_array_equal(out[0], [2.0, 2.0])
    assert h._compiled._inline_calls and out[1][0] == 3.0
    out32 = h((np.ones(2, np.float32), 3.0))                                           # another dtype: new
    assert out32[0].dtype == np.float32 and len(h._compiled._cache) == 2
    assert h([np.ones(2), 3.0])[0].tolist() == [2.0, 2.0] and len(h._compiled._cache) == 3   # a list: new


def test_graph_and_source_are_available_per_signature():
    f = jaxlike.compile(lambda x: jnp.exp(x) * 2.0)
    x = np.ones(3)
    assert "exp(a)" in f.graph(x).text()
    assert isinstance(f.source(x), str) and f.source(x)
    assert "1 signature" in repr(f._compiled)
    assert f.__wrapped__.__name__ == "<lambda>" and "1 signature compiled" in f._repr_html_()


def test_source_without_arguments_shows_the_one_signature_or_asks_for_arguments():
    """Catches ``f.source()`` after a call tracing the function with no arguments (the user's function then
    failed with an unrelated message), and a silent pick among several signatures."""
    f = jaxlike.compile(jaxlike.grad(lambda x: jnp.sum(jnp.exp(x))))
    x = np.ones(3)
    f(x)
    assert f.source() == f.source(x) and f.graph() is f.graph(x)
    f(np.ones((2, 2)))
    with pytest.raises(TypeError, match="2 compiled signatures: pass example arguments"):
        f.source()
    none = jaxlike.compile(lambda: jnp.ones(2) * 3.0)
    np.testing.assert_array_equal(none(), [3.0, 3.0])
    assert "def entry():" in none.source()    # NOTE: a function of no arguments: its own signature
    s = jaxlike.compile(lambda x, n: x * n, static_argnums=1)
    s(x, 2)
    assert s.source() == s.source(x, 2)


def test_fast_compile_mode_runs_the_reference_interpreter():
    f = jaxlike.compile(lambda x: jnp.sin(x) + 1.0, mode="FAST_COMPILE")
    x = np.linspace(0, 1, 5)
    assert np.allclose(f(x), np.sin(x) + 1.0)
    assert f._compiled._entry_for((x,)).exe.backend == "reference"


# -- the seed's XOR network, JAX style -----------------------------------------------------------------------
def xor_loss(params, x, y):
    w1, b1, w2, b2 = params
    hidden = nn.sigmoid(x @ w1 + b1)
    out = nn.sigmoid(hidden @ w2 + b2)[:, 0]
    return jnp.mean((out - y) ** 2)


@pytest.fixture(scope="module")
def xor_step():
    @jaxlike.compile
    def step(params, x, y):
        loss, grads = jaxlike.value_and_grad(xor_loss)(params, x, y)
        return tuple(p - 5.0 * g for p, g in zip(params, grads)), loss

    return step


def test_xor_network_learns_with_compiled_value_and_grad(xor_step):
    """The seed tutorials' 2-2-1 sigmoid network: one compiled step (forward, backward, update)."""
    rng = np.random.default_rng(0)
    params = (rng.normal(size=(2, 2)), rng.normal(size=2), rng.normal(size=(2, 1)), rng.normal(size=1))
    x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0.0, 1.0, 1.0, 0.0])
    first = None
    for _ in range(2000):
        params, loss = xor_step(params, x, y)
        first = float(loss) if first is None else first
    assert float(loss) < 0.01 < first
    w1, b1, w2, b2 = params
    pred = 1 / (1 + np.exp(-((1 / (1 + np.exp(-(x @ w1 + b1)))) @ w2 + b2)))[:, 0]
    assert np.array_equal(np.round(pred), y)
    assert np.isclose(float(xor_loss(params, x, y)), float(loss), rtol=0.05)


def test_static_arguments_take_their_defaults_and_keywords():
    """Catches: a static_argnames parameter with a default that could not be left out ("static_argnums=(1,)
    but <lambda> got 1 arguments"; JAX uses the default), while defaults of the other parameters stay Python
    values inside the function (compile(jnp.sort)(x) must not trace axis=-1)."""
    monkeypatch_mode = jaxlike.config.mode
    jaxlike.config.mode = "FAST_COMPILE"     # NOTE: binding only: no numba
    try:
        traces = []

        def body(x, mode="neg"):
            traces.append(mode)
            return -x if mode == "neg" else x * 2.0
        f = jaxlike.jit(body, static_argnames="mode")
        x = np.arange(3.0)
        for out in (f(x), f(x, "neg"), f(x, mode="neg"), f(x=x), f(mode="neg", x=x)):
            np.testing.assert_array_equal(out, -x)
        np.testing.assert_array_equal(f(x, mode="dbl"), x * 2.0)
        assert traces == ["neg", "dbl"]
        with pytest.raises(TypeError, match="missing a required argument: 'x'"):
            f(mode="neg")
        np.testing.assert_array_equal(jaxlike.compile(jnp.sort)(x[::-1]), x)
        np.testing.assert_array_equal(jaxlike.compile(lambda a, axis=0, k=2.0: a * k)(x, k=3.0), x * 3.0)
    finally:
        jaxlike.config.mode = monkeypatch_mode


def test_fast_compile_results_are_arrays_of_their_own():
    """Catches: the reference backend (mode FAST_COMPILE) returned the argument itself or a view of it (x.T, a
    slice), so writing to a result changed the caller's array, and constant results came back read-only."""
    f = jaxlike.compile(lambda x: (x, x.T, x[1:], x, jnp.ones(3)), mode="FAST_COMPILE")
    a = np.zeros((2, 2))
    outs = f(a)
    for k, out in enumerate(outs[:4]):
        out[...] = k + 1
    assert not a.any() and outs[0][0, 0] == 1 and outs[3][0, 0] == 4
    outs[4][0] = 5.0      # writable


def test_grad_allow_int_gives_float0_zeros_for_integer_arguments():
    """Catches: grad(..., allow_int=True) refused as an unexpected keyword."""
    g = jaxlike.grad(lambda n, y: n * y, argnums=(0, 1), allow_int=True)(3, 2.0)
    assert g[0].dtype == jaxlike.dtypes.float0 and g[0].shape == () and g[1] == 3.0
    with pytest.raises(TypeError, match="requires floating-point inputs"):
        jaxlike.grad(lambda n, y: n * y)(3, 2.0)
