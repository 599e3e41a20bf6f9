"""The numba_cpu backend against the reference interpreter: every primitive in the registry (its samples,
float32 copies and special values), composite graphs (training steps with in-place updates, softmax
cross-entropy, gather/scatter, slices and concatenation, keepdims reductions, broadcasting, size-1 and
empty dims, two batch sizes through one compiled function), the parallel kernels, errors, the generated
source and the call overhead. The disk cache has its own file (test_numba_cache.py)."""

import re
import sys
import time
import warnings

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike.core.graph import Var, Graph
from jaxlike.core.types import TensorType, Sym
from jaxlike.core.errors import ShapeError
from jaxlike.core.primitive import REGISTRY, Primitive, Kind, register, bind
from jaxlike.autodiff import backward, ones_like
from jaxlike.ops._rules import sample_cases
from jaxlike.ops.fused import fused as FUSED
from jaxlike.ops.index import take
from jaxlike.passes.fuse import fuse as fuse_graph

from conftest import nb, typed, graph_of, compile_graph, check, assert_close, tol, reference

# -- the registry sweep -------------------------------------------------------------------------------------
SPECIAL = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, 1e300, -1e300, 1e-300, 710.0])


CHUNK = 24         # kernels per compiled sweep graph: numba's cost is per kernel, and huge entries swap
# per elementwise op: the largest rank and a broadcast; attrs-driven ops keep 6. An empty array runs no
# iteration of any op's template, so empty operands are checked once, for every kind of loop, in
# test_size_one_and_empty_dims (an empty sample per op was 62 of the sweep's 529 kernels).
MAX_SAMPLES = 2


def _pick(cases, limit):
    """The samples that exercise different loop shapes: the largest rank, a broadcast (a size-1 dim or
    fewer dims than another operand), an empty array (past ``limit`` for elementwise ops); then the rest in
    order, up to ``limit``."""
    def shapes(c):
        return [np.shape(a) for a in c[0]]
    chosen = []
    for want in (lambda c: max(len(s) for s in shapes(c)) == max(max(len(s) for s in shapes(d)) for d in cases),
                 lambda c: any(1 in s for s in shapes(c)) or len({len(s) for s in shapes(c)}) > 1,
                 lambda c: any(0 in s for s in shapes(c))):
        hit = next((c for c in cases if want(c) and not any(c is d for d in chosen)), None)
        if hit is not None:
            chosen.append(hit)
    chosen += [c for c in cases if not any(c is d for d in chosen)]
    return chosen[:limit]


def _cases(prim, rng):
    cases = [(args, attrs, "sample") for args, attrs in sample_cases(prim, rng)]
    if prim.kind is not Kind.ELEMENTWISE:
        return cases[:6]
    picked = _pick(cases, MAX_SAMPLES)
    for args, attrs, _ in cases:
        arrs = [np.asarray(a) for a in args]
        if any(a.dtype == np.float64 for a in arrs) and max(a.ndim for a in arrs) >= 1:
            picked.append((tuple(a.astype(np.float32) if a.dtype == np.float64 else a for a in arrs), attrs,
                           "float32 copy"))
            break
    f64 = [np.asarray(a).dtype == np.float64 for a in cases[0][0]] if cases else []
    if cases and all(f64) and len(f64) == 1:
        picked.append(((SPECIAL,), cases[0][1], "special values"))
    elif cases and all(f64) and len(f64) == 2:
        a, b = np.meshgrid(SPECIAL, SPECIAL)
        picked.append(((a.ravel(), b.ravel()), cases[0][1], "special values"))
    return picked


def _plan():
    """prim name -> sweep chunk: primitives in registry order, packed into graphs of about CHUNK kernels."""
    rng = np.random.default_rng(0)
    plan, chunks, size = {}, [[]], 0
    for name, prim in sorted(REGISTRY.items()):
        if name == "fused":
            continue
        cases = _cases(prim, rng)
        if size + len(cases) > CHUNK and chunks[-1]:
            chunks.append([])
            size = 0
        chunks[-1].append((name, cases))
        size += len(cases)
        plan[name] = len(chunks) - 1
    return plan, chunks


_PLAN = None
_SWEEP = {}


def sweep(name):
    """Results of the compiled sweep graph holding ``name``'s samples: [(label, got, want)] (got None when
    the shape rule rejected the sample)."""
    global _PLAN
    if _PLAN is None:
        _PLAN = _plan()
    plan, chunks = _PLAN
    k = plan.get(name)
    if k is None:
        return None
    if k not in _SWEEP:
        inputs, arrays, outs, labels = [], [], [], []
        for pname, cases in chunks[k]:
            prim = REGISTRY[pname]
            for j, (args, attrs, what) in enumerate(cases):
                vs = [typed(a) for a in args]
                try:
                    out = bind(prim, *vs, **attrs)
                except Exception as e:  # reported per op by the test
                    labels.append((pname, f"{what} {j}: bind failed: {e}", None))
                    continue
                inputs += vs
                arrays += [np.asarray(a) for a in args]
                labels.append((pname, f"{what} {j} {[np.shape(a) for a in args]} {attrs}", len(outs)))
                outs.append(out)
        graph = Graph(inputs, outs)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got, _ = compile_graph(graph)(*arrays)
        want, _ = reference(graph, arrays)
        res = {}
        for pname, label, j in labels:
            res.setdefault(pname, []).append((label, None, None) if j is None else (label, got[j], want[j]))
        _SWEEP[k] = res
    return _SWEEP[k].get(name)


@pytest.mark.parametrize("name", sorted(n for n in REGISTRY if n != "fused"))
def test_registry_primitive_matches_reference(name):
    """Every registered primitive, on its samples (plus float32 copies and special values for elementwise
    ops), compiled by numba_cpu equals the reference interpreter (float64 to 1e-12). Would catch a wrong
    cast, broadcast index, reduction init, lowering or fallback for any op."""
    results = sweep(name)
    assert results, f"primitive {name} has no samples: add samples= to its definition so backends are checked"
    for label, got, want in results:
        assert got is not None, f"{name}: {label}"
        rtol = tol(np.asarray(want).dtype)
        if "special" in label or name in ("logaddexp", "pow", "arctan2", "sinh", "cosh", "tanh", "expm1",
                                          "softplus", "tan"):
            rtol = max(rtol, 4e-15 if np.asarray(want).dtype == np.float64 else 4e-7)
        assert_close(got, want, rtol=rtol, atol=0.0, what=f"{name}: {label}")


def test_every_primitive_without_a_lowering_runs_through_objmode_with_a_warning():
    """A primitive the backend does not know (a colleague's new op) still compiles, through numba.objmode
    calling its numpy rule, and says so once."""
    name = "test_numba_cpu_cumsum_twice"
    prim = REGISTRY.get(name) or register(Primitive(
        name, Kind.OPAQUE, shape=lambda x, *, axis: x,
        numpy=lambda x, *, axis: np.cumsum(x, axis=axis) * 2))
    try:
        n = Sym()
        x = Var(TensorType("float64", (n, 3)))
        g = Graph([x], [jnp.exp(bind(prim, jnp.sin(x), axis=0)) + 1.0])
        nb.support._WARNED.discard(name)
        with pytest.warns(UserWarning, match="no lowering for primitive 'test_numba_cpu_cumsum_twice'"):
            exe = compile_graph(g)
        assert "numba.objmode" in exe.source
        check(exe, g, np.random.rand(4, 3))
    finally:
        REGISTRY.pop(name, None)


# -- composite graphs ----------------------------------------------------------------------------------------
def _mlp_step(dtype):
    n = Sym()
    x, y = Var(TensorType(dtype, (n, 2))), Var(TensorType(dtype, (n, 1)))
    w1, b1 = Var(TensorType(dtype, (2, 3))), Var(TensorType(dtype, (3,)))
    w2, b2 = Var(TensorType(dtype, (3, 1))), Var(TensorType(dtype, (1,)))
    h = jaxlike.nn.sigmoid(jnp.dot(x, w1) + b1)
    out = jaxlike.nn.sigmoid(jnp.dot(h, w2) + b2)
    loss = jnp.mean((out - y) ** 2)
    grads = backward([loss], [ones_like(loss)], [w1, b1, w2, b2])
    lr = np.asarray(0.5, dtype)
    ups = [(p, p - lr * g) for p, g in zip([w1, b1, w2, b2], grads)]
    return Graph([x, y, w1, b1, w2, b2], [loss, out], ups)


@pytest.fixture(scope="module", params=["float64", "float32"])
def mlp(request):
    g = _mlp_step(request.param)
    return request.param, g, compile_graph(g, pipeline="FAST_RUN")


def test_mlp_step_updates_in_place_and_matches_reference(mlp):
    """A two-layer training step: loss, outputs and all four parameter updates equal the reference, and the
    update values come back as the very state arrays, written in place (Theano semantics)."""
    dtype, g, exe = mlp
    rng = np.random.default_rng(1)
    args = [rng.random((6, 2)), rng.random((6, 1)), rng.random((2, 3)), rng.random(3), rng.random((3, 1)),
            rng.random(1)]
    args = [a.astype(dtype) for a in args]
    want_o, want_u = reference(g, args)
    state = [a.copy() for a in args]
    outs, ups = exe(*state)
    for got, want in zip(list(outs) + list(ups), want_o + want_u):
        assert_close(got, want, rtol=tol(dtype) * 10)
    for k, u in enumerate(ups):
        assert u is state[2 + k], "update value should be the state array, written in place"
    np.testing.assert_array_equal(state[2], ups[0])


def test_mlp_step_second_batch_size_reuses_the_compiled_code(mlp):
    """Sizes are symbolic: a batch of 6 and a batch of 11 run through one numba specialization."""
    dtype, g, exe = mlp
    rng = np.random.default_rng(2)
    for n in (11, 1, 6):
        args = [rng.random((n, 2)), rng.random((n, 1)), rng.random((2, 3)), rng.random(3), rng.random((3, 1)),
                rng.random(1)]
        check(exe, g, *[a.astype(dtype) for a in args], rtol=tol(dtype) * 10)
    assert len(exe.entry.signatures) == 1


def test_xor_seed_with_theano_function_and_shared_updates():
    """The XOR tutorial network (seed 000): concatenate a bias, dot, sigmoid, squared error, and updates of
    shared weights through jaxlike.function in FAST_RUN (this backend), step for step against numpy."""
    T = pytest.importorskip("jaxlike.tensor")
    x, y = T.dvector(), T.dscalar()

    def layer(x, w):
        b = np.array([1], dtype="float64")
        return jaxlike.tensor.nnet.sigmoid(T.dot(w.T, T.concatenate([x, b])))

    rng = np.random.default_rng(3)
    t1 = rng.random((3, 3))
    t2 = rng.random((4, 1))
    theta1, theta2 = jaxlike.shared(t1.copy()), jaxlike.shared(t2.copy())
    hid = layer(x, theta1)
    out = T.sum(layer(hid, theta2))
    cost = (out - y) ** 2
    step = jaxlike.function([x, y], cost, updates=[(theta1, theta1 - 0.1 * T.grad(cost, wrt=theta1)),
                                                   (theta2, theta2 - 0.1 * T.grad(cost, wrt=theta2))],
                            mode="FAST_RUN")
    assert step.executable.backend == "numba_cpu"

    def sig(z):
        return 1 / (1 + np.exp(-z))

    data = [([0.0, 1.0], 1.0), ([1.0, 1.0], 0.0), ([1.0, 0.0], 1.0), ([0.0, 0.0], 0.0)]
    for epoch in range(3):
        for xv, yv in data:
            xv = np.array(xv)
            xb = np.append(xv, 1.0)
            h = sig(t1.T @ xb)
            hb = np.append(h, 1.0)
            o = sig(t2.T @ hb).sum()
            c = (o - yv) ** 2
            d_o = 2 * (o - yv) * o * (1 - o)
            g2 = np.outer(hb, [d_o])
            d_h = (t2[:3, 0] * d_o) * h * (1 - h)
            g1 = np.outer(xb, d_h)
            t1, t2 = t1 - 0.1 * g1, t2 - 0.1 * g2
            got = step(xv, yv)
            np.testing.assert_allclose(got, c, rtol=1e-12)
            np.testing.assert_allclose(theta1.get_value(), t1, rtol=1e-12)
            np.testing.assert_allclose(theta2.get_value(), t2, rtol=1e-12)


def _graph(fn, *shapes_dtypes):
    xs = [Var(TensorType(dt, shape)) for shape, dt in shapes_dtypes]
    out = fn(*xs)
    return Graph(xs, list(out) if isinstance(out, (list, tuple)) else [out])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_softmax_cross_entropy_value_and_gradient(dtype):
    """log_softmax cross-entropy and its gradient through jaxlike.compile (FAST_RUN: the stabilizing rewrites,
    fusion, this backend), with logits large enough to overflow a naive exp."""
    def loss(z, y):
        return -jnp.mean(jnp.sum(y * jaxlike.nn.log_softmax(z, axis=1), axis=1))

    f = jaxlike.compile(jaxlike.value_and_grad(loss), options={"parallel": False})
    rng = np.random.default_rng(4)
    for n in (5, 9):
        z = (rng.standard_normal((n, 4)) * 300).astype(dtype)
        y = np.eye(4, dtype=dtype)[rng.integers(0, 4, n)]
        v, g = f(z, y)
        v_ref, g_ref = jaxlike.value_and_grad(loss)(z, y)
        assert_close(v, np.asarray(v_ref), rtol=tol(dtype) * 10, atol=1e-6 if dtype == "float32" else 1e-12)
        assert_close(g, np.asarray(g_ref), rtol=tol(dtype) * 10, atol=1e-6 if dtype == "float32" else 1e-15)
    assert f._compiled._entry_for((z, y)).exe.backend == "numba_cpu"


def test_gather_scatter_gradient_with_repeated_indices():
    """x[idx] with repeated and negative indices, and its gradient (scatter-add accumulates repeats)."""
    n, m = Sym(), Sym()
    x, idx = Var(TensorType("float64", (n, 3))), Var(TensorType("int64", (m,)))
    y = jnp.sum(take(x, idx, axis=0) ** 2 * np.arange(1.0, 4.0))
    (gx,) = backward([y], [ones_like(y)], [x])
    g = Graph([x, idx], [y, gx, take(x, jnp.minimum(idx, 2), axis=1)])
    exe = compile_graph(g, pipeline="FAST_RUN")
    check(exe, g, np.random.rand(5, 3), np.array([0, 2, 2, -1, 4, 0]))
    check(exe, g, np.random.rand(3, 3), np.array([1, 1, 1]))
    with pytest.raises(IndexError, match="index 5 is out of bounds for axis 0 with size 5"):
        exe(np.random.rand(5, 3), np.array([0, 5]))
    with pytest.raises(IndexError, match="out of bounds"):
        exe(np.random.rand(5, 3), np.array([-6]))


def test_concatenate_slices_and_their_gradients():
    n = Sym()
    x, w = Var(TensorType("float64", (n, 4))), Var(TensorType("float64", (n, 2)))

    def f(x, w):
        c = jnp.concatenate([x[1:, ::2], jnp.exp(w[:-1])], axis=1)
        return jnp.sum(c * c) + jnp.sum(x[-1])

    y = f(x, w)
    gx, gw = backward([y], [ones_like(y)], [x, w])
    g = Graph([x, w], [y, gx, gw, jnp.concatenate([x, w], axis=1)])
    exe = compile_graph(g, pipeline="FAST_RUN")
    for rows in (4, 2):
        check(exe, g, np.random.rand(rows, 4), np.random.rand(rows, 2))


@pytest.mark.parametrize("dtype", ["float64", "float32", "complex128"])
def test_matrix_vector_products_on_either_side(dtype):
    """Catches the matrix-vector path (a loop or support.gemv_blas on the arrays themselves) reading the matrix in the
    wrong orientation, on either side of the vector, from a strided vector, below and above the size where
    BLAS takes over, and its gradient products."""
    n, m = Sym(), Sym()
    w, x, y = (Var(TensorType(dtype, (n, m))), Var(TensorType(dtype, (m,))), Var(TensorType(dtype, (n,))))
    outs = [w @ x, jnp.transpose(w) @ y, y @ w, x @ jnp.transpose(w), w @ x[::-1], w @ (x * 2.0)]
    g = Graph([w, x, y], outs)
    exe = compile_graph(g, pipeline="FAST_RUN")
    assert exe.source.count("_rt.gemv_blas(") >= 4
    rng = np.random.default_rng(3)

    def sample(*shape):
        z = rng.standard_normal(shape)
        return (z + 1j * rng.standard_normal(shape) if dtype == "complex128" else z).astype(dtype)
    for rows, cols in ((3, 2), (1, 1), (0, 4), (70, 50)):
        # NOTE: float32 sums of 50 terms with cancellation: BLAS and numpy's order differ in the last bits
        check(exe, g, sample(rows, cols), sample(cols), sample(rows), atol=1e-5 if dtype == "float32" else 0)


@pytest.mark.parametrize("index", [(slice(1, None), slice(None, None, 2)), (slice(-3, 1, -2), slice(None, None, -1)),
                                   (slice(None, None, -1), slice(-2, None)), (slice(10, None), slice(None)),
                                   (slice(None, -10, -3), slice(1, 100, 2))], ids=str)
def test_slice_gradients_scatter_with_pythons_slice_rules(index):
    """Catches the gradient of a slice (written by loops: numba's slice assignment cost ~2.9 s of compile)
    starting at the wrong element for negative starts and steps, starts beyond the size, or empty slices,
    at several sizes through one compiled function; and a state updated with a new array of its shape
    (copied into it by the same loops) taking wrong values."""
    n, m = Sym(), Sym()
    x = Var(TensorType("float64", (n, m)))
    y = jnp.sum(x[index] ** 3)
    (gx,) = backward([y], [ones_like(y)], [x])
    g = Graph([x], [y, gx])
    exe = compile_graph(g, pipeline="FAST_RUN")
    assert not re.search(r"\w\[[^\]]*:[^\]]*\] = ", exe.source.split("def entry")[1]), exe.source
    for shape in ((6, 4), (3, 5), (1, 1), (0, 3)):
        check(exe, g, np.random.default_rng(4).random(shape))


def test_vector_concatenation_copies_each_part_into_place():
    """Catches vectors joined (copied into place, not np.concatenate) at wrong offsets, an empty part
    shifting the rest, a cast part (int into float) or a rank-0 one lost, and the gradient's slices."""
    n, m = Sym(), Sym()
    x, k, s = Var(TensorType("float64", (n,))), Var(TensorType("int64", (m,))), Var(TensorType("float64", ()))
    joined = jnp.concatenate([x, k, jnp.reshape(s, (1,)), jnp.exp(x)])
    y = jnp.sum(joined * joined)
    gx, gs = backward([y], [ones_like(y)], [x, s])
    g = Graph([x, k, s], [joined, gx, gs])
    exe = compile_graph(g, pipeline="FAST_RUN")
    assert "np.concatenate" not in exe.source
    for a, b in ((3, 2), (0, 4), (5, 0)):
        check(exe, g, np.random.rand(a), np.arange(b) - 1, np.float64(2.5))


def test_reductions_with_axes_and_keepdims_including_integers():
    """sum/max/min/prod/mean/var over several axes, keepdims, integer and boolean inputs (integer max starts
    from the dtype's minimum, not -inf), and all/any."""
    def f(x, i, b):
        return [jnp.sum(x, axis=0, keepdims=True), jnp.max(x, axis=1), jnp.min(x, axis=(0, 2)),
                jnp.prod(x, axis=2, keepdims=True), jnp.mean(x, axis=(1, 2)), jnp.var(x, axis=0),
                jnp.max(i, axis=0), jnp.min(i, axis=1, keepdims=True), jnp.sum(i), jnp.prod(i, axis=1),
                jnp.all(b, axis=1), jnp.any(b, axis=0), jnp.sum(b), jnp.max(-x), jnp.sum(x * 0.0, axis=())]
    rng = np.random.default_rng(5)
    x = rng.standard_normal((3, 4, 5))
    i = rng.integers(-100, -1, (4, 3)).astype(np.int32)
    b = rng.random((4, 3)) > 0.5
    g = graph_of(f, x, i, b)
    exe = compile_graph(g, pipeline="FAST_RUN")
    check(exe, g, x, i, b)
    check(exe, g, rng.standard_normal((2, 1, 7)), rng.integers(-5, 5, (1, 2)).astype(np.int32),
          rng.random((1, 2)) > 0.5)


def test_reduction_of_unsigned_and_small_ints_uses_the_dtype_range():
    g = _graph(lambda u, s: [jnp.max(u, axis=0), jnp.min(u, axis=0), jnp.max(s), jnp.min(s), jnp.sum(u)],
               ((Sym(), 3), "uint8"), ((Sym(),), "int16"))
    exe = compile_graph(g)
    check(exe, g, np.array([[0, 255, 7], [3, 254, 9]], np.uint8), np.array([-32768, 5, 32767], np.int16))


def test_broadcasting_of_rows_columns_and_scalars():
    def f(col, row, s, m):
        return [col + row * s, jnp.exp(col) * m - row, jnp.maximum(m, col), (col > row) & (m < s)]
    rng = np.random.default_rng(6)
    g = graph_of(f, rng.random((4, 1)), rng.random((1, 3)), np.float64(0.3), rng.random((4, 3)))
    exe = compile_graph(g, pipeline="FAST_RUN")
    check(exe, g, rng.random((4, 1)), rng.random((1, 3)), 0.3, rng.random((4, 3)))
    check(exe, g, rng.random((2, 1)), rng.random((1, 5)), np.float64(-1.5), rng.random((2, 5)))


def test_size_one_and_empty_dims():
    """Empty arrays flow through elementwise ops (a vectorized one, a two-pass one with its range flag, one
    of the C library's, an integer one), reductions with an identity (sum of nothing is 0) and matmul with
    an empty inner dimension; max over an empty axis raises ValueError like numpy."""
    def f(x, y, w):
        return [jnp.exp(x) * 2.0, jnp.sum(x, axis=0), jnp.sum(x, axis=1), jnp.dot(y, w), jnp.prod(x),
                jnp.max(y, axis=0), jnp.sin(x) % 0.7, jnp.arctan2(x, x + 1.0), jnp.astype(x, np.int64) // 3]
    g = graph_of(f, np.zeros((0, 3)), np.zeros((2, 0)), np.zeros((0, 4)))
    exe = compile_graph(g, pipeline="FAST_RUN")
    check(exe, g, np.zeros((0, 3)), np.ones((2, 2)), np.ones((2, 4)))
    with pytest.raises(ValueError, match="zero-size array to reduction operation"):
        exe(np.zeros((0, 3)), np.zeros((0, 0)), np.zeros((0, 4)))
    g1 = graph_of(lambda a, b: [a * b, jnp.sum(a * b, axis=1)], np.ones((1, 1)), np.ones((1, 1)))
    check(compile_graph(g1), g1, np.full((1, 1), 3.0), np.full((1, 1), 2.0))


def test_symbolic_sizes_two_batch_sizes_one_compiled_function():
    """jaxlike.compile traces once per signature, not per size: both batch sizes use one executable."""
    f = jaxlike.compile(lambda x, w: jnp.tanh(x @ w).sum(axis=1), options={"parallel": False})
    w = np.random.rand(3, 2)
    for n in (4, 17):
        x = np.random.rand(n, 3)
        np.testing.assert_allclose(f(x, w), np.tanh(x @ w).sum(axis=1), rtol=1e-12)
    assert len(f._cache) == 1
    assert f._compiled._entry_for((x, w)).exe.backend == "numba_cpu"


def test_matmul_variants_batch_transposed_vector_and_integer():
    rng = np.random.default_rng(7)

    def f(a, b, c, v, i, j):
        return [a @ b, jnp.einsum("bij,bkj->bik", c, c), a.T @ a, a @ v, v @ a.T @ a @ v, i @ j,
                jnp.einsum("ij,ij->", a, a), jnp.outer(v, v)]
    args = (rng.random((4, 3)), rng.random((3, 5)), rng.random((2, 3, 4)), rng.random(3),
            rng.integers(-3, 3, (2, 3)), rng.integers(-3, 3, (3, 2)))
    g = graph_of(f, *args)
    exe = compile_graph(g, pipeline="FAST_RUN")
    check(exe, g, *args)


def test_non_contiguous_and_python_scalar_arguments():
    """Transposed and strided views are valid arguments (numba specializes on the layout); rank-0 inputs take
    Python scalars or 0-d arrays."""
    g = graph_of(lambda x, s: [jnp.exp(x) * s, jnp.sum(x, axis=0)], np.ones((3, 4)), np.float64(2.0))
    exe = compile_graph(g)
    base = np.random.rand(8, 6)
    check(exe, g, base.T[::2, 1:4], 2.5)
    check(exe, g, base[::3, ::2], np.array(0.5))


# -- updates ---------------------------------------------------------------------------------------------------
def test_updates_read_old_values_swap_and_cycles():
    """Theano semantics: a <- b and b <- a swap; a <- a + b and b <- a * b both read the old a and b (the
    two kernels overwrite each other's inputs, so one must go through a temporary); an output that is a state
    returns its old value."""
    n = Sym()
    a, b, c = (Var(TensorType("float64", (n,))) for _ in range(3))
    swap = Graph([a, b], [a], updates=[(a, b), (b, a)])
    cyc = Graph([a, b, c], [jnp.sum(a)], updates=[(a, a + b), (b, a * b), (c, c * 2.0)])
    for g in (swap, cyc):
        exe = compile_graph(g, pipeline="FAST_RUN")
        args = [np.random.rand(4) for _ in g.inputs]
        want_o, want_u = reference(g, args)
        state = [x.copy() for x in args]
        outs, ups = exe(*state)
        for got, want in zip(list(outs) + list(ups), want_o + want_u):
            np.testing.assert_allclose(got, want, rtol=1e-15)
        for (s, _), u in zip(g.updates, ups):
            k = next(i for i, v in enumerate(g.inputs) if v is s)
            assert u is state[k], "each update is written into its own state array"
    np.testing.assert_array_equal(outs[0], want_o[0])


def _gemm_updates(case):
    """W <- W - lr * (A @ B) in the forms an SGD step takes, and cases that must not add into W; with the
    graph, its size symbols (m, k, n)."""
    m, k, n = Sym(), Sym(), Sym()
    W, V = Var(TensorType("float64", (m, n))), Var(TensorType("float64", (k, n)))
    A, B = Var(TensorType("float64", (m, k))), Var(TensorType("float64", (k, n)))
    lr = Var(TensorType("float64", ()))
    graphs = {
        "plain": lambda: Graph([W, A, B, lr], [jnp.sum(A)], updates=[(W, W - lr * jnp.dot(A, B))]),
        "plus": lambda: Graph([W, A, B], [], updates=[(W, W + jnp.dot(A, B) * 0.5)]),
        "transposed": lambda: Graph([W, A, B], [], updates=[(W, W - 0.1 * jnp.dot(B.T, A.T).T)]),
        "reads_state": lambda: Graph([W, V, A], [], updates=[(W, W - 0.1 * jnp.dot(A, V)),
                                                           (V, V - 0.1 * jnp.dot(A.T, W))]),
        "also_output": lambda: Graph([W, A, B], [jnp.dot(A, B)], updates=[(W, W - 0.1 * jnp.dot(A, B))]),
    }
    return graphs[case](), (m, k, n)


@pytest.mark.parametrize("case,fused", [("plain", 1), ("plus", 1), ("transposed", 0), ("reads_state", 0),
                                        ("also_output", 0)])
def test_weight_update_adds_the_product_into_the_state(case, fused):
    """``W - lr * (A @ B)`` is one BLAS call adding into W (beta = 1), with Theano's old-value semantics: not
    where the product reads a state another update writes in place (V's product reads the old W), nor where
    the product is also an output, nor (not matched yet) where the update transposes the product. Sizes
    below and above the BLAS threshold."""
    g, syms = _gemm_updates(case)
    exe = compile_graph(g, pipeline="FAST_RUN")
    assert exe.source.count("_rt.gemm_acc(") == fused, exe.source
    rng = np.random.default_rng(11)
    for sizes in [(3, 2, 4), (40, 30, 20), (1, 50, 60)]:
        size = {id(s): v for s, v in zip(syms, sizes)}
        args = [rng.standard_normal(tuple(size[id(d)] for d in v.shape)) for v in g.inputs]
        want_o, want_u = reference(g, args)
        state = [a.copy() for a in args]
        outs, ups = exe(*state)
        for got, want in zip(list(outs) + list(ups), want_o + want_u):
            assert_close(got, want, rtol=1e-12, atol=1e-12)
        for (s, _), u in zip(g.updates, ups):
            assert u is state[next(i for i, v in enumerate(g.inputs) if v is s)], "written into the state"


def test_update_with_a_different_shape_or_dtype_returns_a_new_array():
    n = Sym()
    a = Var(TensorType("float64", (n,)))
    k = Var(TensorType("int64", ()))
    g = Graph([a, k], [], updates=[(a, jnp.concatenate([a, a])), (k, k + 1)])
    exe = compile_graph(g)
    a0 = np.arange(3.0)
    outs, ups = exe(a0, np.array(4))
    np.testing.assert_array_equal(ups[0], np.concatenate([np.arange(3.0)] * 2))
    assert ups[0] is not a0 and int(ups[1]) == 5


def test_one_number_out_with_states_written_in_place_returns_the_number_alone():
    """A training step's shape (a scalar cost, vector states updated in place): the entry returns the cost
    itself (no tuples to box), and ``run`` still hands back the 0-d cost and the caller's own arrays, in
    update order; a second update that cannot be written in place keeps the tuple form."""
    n = Sym()
    w, v = Var(TensorType("float64", (n,))), Var(TensorType("float64", (n,)))
    g = Graph([w, v], [jnp.sum(w * v)], updates=[(w, w - 0.5 * v), (v, v * 2.0)])
    exe = compile_graph(g)
    assert exe.direct.bare and "return (" not in exe.source.split("def entry")[1]
    w0, v0 = np.arange(3.0), np.ones(3)
    outs, ups = exe(w0, v0)
    assert outs[0].shape == () and float(outs[0]) == 3.0
    assert ups[0] is w0 and ups[1] is v0
    np.testing.assert_array_equal(w0, [-0.5, 0.5, 1.5])
    np.testing.assert_array_equal(v0, [2.0, 2.0, 2.0])
    grown = compile_graph(Graph([w, v], [jnp.sum(w)], updates=[(w, w - v), (v, jnp.concatenate([v, v]))]))
    assert not grown.direct.bare
    outs, ups = grown(np.ones(2), np.ones(2))
    assert float(outs[0]) == 2.0 and ups[1].shape == (4,)


def test_rank0_state_written_into_a_0d_array():
    k = Var(TensorType("float64", ()))
    g = Graph([k], [k * 1.0], updates=[(k, k + 1.0)])
    exe = compile_graph(g)
    s = np.array(2.0)
    outs, ups = exe(s)
    assert float(outs[0]) == 2.0 and float(ups[0]) == 3.0 and ups[0] is s


# -- parallel kernels ---------------------------------------------------------------------------------------------
def test_parallel_variants_match_serial_results():
    """With a threshold of 0 every loop runs its prange variant: elementwise, reduction over a kept first
    axis, over the first axis (per-thread partials), full reductions of sum/max/prod, integers."""
    def f(x, i):
        return [jnp.exp(x) * 2.0 + x.T, jnp.sum(x, axis=1), jnp.sum(jnp.sin(x), axis=0), jnp.max(x),
                jnp.prod(1.0 + x * 1e-3), jnp.min(i, axis=0), jnp.sum(i), jnp.max(x, axis=(0, 1))]
    rng = np.random.default_rng(8)
    g = graph_of(f, rng.random((5, 5)), rng.integers(0, 9, (5, 5)))
    exe = compile_graph(g, parallel=True, par_threshold=0)
    assert exe.source.count("prange(") >= 3 and "_par(" in exe.source   # siblings share one loop
    for n in (1, 3, 37):
        x = rng.standard_normal((n, n))
        x[0, 0] = np.nan if n == 3 else x[0, 0]
        check(exe, g, x, rng.integers(-9, 9, (n, n)), rtol=1e-13)
    serial = compile_graph(g)
    assert "prange(" not in serial.source


def test_fastmath_option_reaches_the_decorators():
    g = graph_of(lambda x: jnp.exp(x) + 1.0, np.ones(3))
    assert "fastmath=True" in compile_graph(g, fastmath=True).source
    assert "fastmath=False" in compile_graph(g).source


# -- errors ------------------------------------------------------------------------------------------------------
def test_operands_assumed_equal_are_checked_with_a_clear_error():
    """x + y traced with two symbolic sizes assumes they are equal; a call where they differ raises a
    ShapeError naming the op and both sizes instead of reading out of bounds."""
    f = jaxlike.compile(lambda x, y: x + y, options={"parallel": False})
    np.testing.assert_array_equal(f(np.ones(3), np.ones(3)), np.full(3, 2.0))
    with pytest.raises(ShapeError, match=r"add: operand 1 has size 4 at dim 0 where the result has 3"):
        f(np.ones(3), np.ones(4))


def test_a_size_comparison_is_emitted_once_and_still_raises():
    """x + y and x * y over two symbolic sizes assume the same equality twice (and its gradient again); the
    entry compares the sizes once (each check costs numba compile time) and that check still fires."""
    f = jaxlike.compile(jaxlike.value_and_grad(lambda x, y: jnp.sum((x + y) * (x * y) - y / x), argnums=(0, 1)),
                        options={"parallel": False})
    x, y = np.linspace(1, 2, 3), np.linspace(2, 3, 3)
    val, (gx, gy) = f(x, y)
    np.testing.assert_allclose(val, np.sum((x + y) * (x * y) - y / x), rtol=1e-13)
    np.testing.assert_allclose(gx, (x * y) + (x + y) * y + y / x ** 2, rtol=1e-13)
    src = f.source(x, y)
    checks = [frozenset(line.split("(", 1)[1].split(", ")[:2]) for line in src.splitlines()
              if line.strip().startswith("_rt.check_size(")]
    assert len(checks) == len(set(checks)) >= 1
    with pytest.raises(ShapeError, match=r"operand 1 has size 4 at dim 0 where the result has 3"):
        f(np.ones(3), np.ones(4))


def test_drop_repeated_checks_keeps_the_first_and_anything_not_a_bare_check():
    from jaxlike.backends.numba_cpu.lowering import drop_repeated_checks
    raise_a = "    raise ShapeError('a {} {}', n0, n1)"
    lines = ["n0 = a.shape[0]", "if n0 != n1:", raise_a, "x = 1", "if n1 != n0:", raise_a,
             "if (n0 * n2) != n3:", raise_a, "if (n0 * n2) != n3:", raise_a,
             "for i in range(n0):", "    if n0 != n1:", "        raise ShapeError('b')",
             "if n0 != n1:", raise_a, "    y = 2", "if n0 != n4:", raise_a,
             "_rt.check_size(n4, n0, 'c {} {}')", "_rt.check_size(x.shape[1], (n0 * n2), 'd {} {}')",
             "_rt.check_size((n0 * n2), x.shape[1], 'e {} {}')", "    _rt.check_size(n5, n0, 'f {} {}')",
             "_rt.check_size(n5, n0, 'g {} {}')"]
    assert drop_repeated_checks(lines) == [
        "n0 = a.shape[0]", "if n0 != n1:", raise_a, "x = 1", "if (n0 * n2) != n3:", raise_a,
        "for i in range(n0):", "    if n0 != n1:", "        raise ShapeError('b')",
        "if n0 != n1:", raise_a, "    y = 2", "if n0 != n4:", raise_a,
        "_rt.check_size(x.shape[1], (n0 * n2), 'd {} {}')", "    _rt.check_size(n5, n0, 'f {} {}')",
        "_rt.check_size(n5, n0, 'g {} {}')"]


def test_results_allocated_with_their_sizes_are_not_checked_again():
    f = jaxlike.compile(lambda w, x, b: jnp.reshape(w @ x, (-1,)) + jnp.reshape(b, (3,)),
                        options={"parallel": False})
    w, x, b = np.ones((3, 2)), np.ones(2), np.ones((1, 3))
    np.testing.assert_allclose(f(w, x, b), np.full(3, 3.0))
    checked = re.findall(r"check_size\((\w+)\.shape\[\d\], ", f.source(w, x, b))
    assert checked and set(checked) <= {"a", "b", "c"}     # only the arguments


def test_argument_checks_of_the_executable():
    g = graph_of(lambda x, w: x @ w, np.ones((2, 3)), np.ones((3, 2)), symbolic=False)
    exe = compile_graph(g)
    with pytest.raises(ShapeError, match=r"argument 0 \(a\): dim 1 has size 4 where f64\[2,3\] needs 3"):
        exe(np.ones((2, 4)), np.ones((3, 2)))
    with pytest.raises(TypeError, match="argument 1: expected a float64 array of rank 2"):
        exe(np.ones((2, 3)), np.ones((3, 2), np.int64))
    with pytest.raises(TypeError, match="argument 0: expected a float64 array of rank 2"):
        exe(np.ones(3), np.ones((3, 2)))


def test_matmul_inner_size_mismatch_is_a_shape_error():
    f = jaxlike.compile(lambda a, b: a @ b, options={"parallel": False})
    with pytest.raises(ShapeError, match="contract: index"):
        f(np.ones((2, 3)), np.ones((4, 2)))


def test_reshape_and_concatenate_size_mismatches_name_the_op_and_line():
    """Catches: numba's own errors ("total size of new array must be unchanged", "np.concatenate(): input
    sizes over dimension 1 do not match"), which named neither the op, the sizes nor the user's line."""
    import jaxlike.tensor as T
    v, m = T.dvector("v"), T.dmatrix("m")
    f = jaxlike.function([v, m], [v.reshape((3, 3)), T.concatenate([m, m.T], axis=0)])
    with pytest.raises(ShapeError, match=r"reshape: cannot reshape an array of size 4 into shape \(3, 3\) "
                                         r"\(size 9\) \(at test_numba_cpu.py:\d+\)"):
        f(np.ones(4), np.ones((3, 3)))
    with pytest.raises(ShapeError, match=r"concatenate: operand 1 at dim 1 has size 2 where the other operand "
                                         r"has 3 \(at test_numba_cpu.py"):
        f(np.ones(9), np.ones((2, 3)))
    out = f(np.arange(9.0), np.ones((3, 3)))
    np.testing.assert_array_equal(out[0], np.arange(9.0).reshape(3, 3))
    assert out[1].shape == (6, 3)


def test_reshape_minus_one_beside_a_runtime_zero_is_refused_as_numpy_does():
    """Catches: numba's reshape took the -1 of (-1, n) for 0 when n was 0 at run time, a (0, 0) result where
    numpy, JAX and the reference interpreter refuse the ambiguous -1."""
    f = jaxlike.compile(lambda x: x.reshape(-1, x.shape[2]), options={"parallel": False})
    with pytest.raises(ShapeError, match=r"size 0 into shape \(-1, n\d+\): its other sizes multiply to 0.*"
                                         r"\(at test_numba_cpu.py:\d+\)"):
        f(np.zeros((2, 3, 0)))
    np.testing.assert_array_equal(f(np.arange(24.0).reshape(2, 3, 4)), np.arange(24.0).reshape(6, 4))
    assert f(np.zeros((0, 3, 4))).shape == (0, 4)


def test_float16_graph_falls_back_to_the_reference_backend():
    g = graph_of(lambda x: x * 2, np.ones(3, np.float16))
    with pytest.warns(UserWarning, match="float16"):
        exe = nb.compile(g, {})
    assert exe.backend == "reference"
    np.testing.assert_array_equal(exe(np.ones(3, np.float16))[0][0], np.full(3, 2, np.float16))


# -- the generated source and the call path ---------------------------------------------------------------------
def test_source_is_one_module_with_one_entry_and_readable_kernels():
    f = jaxlike.compile(jaxlike.value_and_grad(lambda x: jnp.sum(jnp.exp(jnp.sin(x ** 2)) * jnp.cos(x))),
                        options={"parallel": False})
    x = np.linspace(-1, 1, 7)
    v, g = f(x)
    src = f.source(x)
    assert src.count("def entry(") == 1 and src.count("@njit(cache=True") == 1
    # value and gradient read x in one loop (siblings.py); each body's equations precede the kernel
    assert "# k0_siblings: b = fused(a); c = fused(a)" in src and "reduce_sum(b_f) axes=(0,)" in src
    assert "#   { lambda a:f64[n0] ." in src and "n0 = a.shape[0]" in src
    assert "math.exp(" in src and "math.sin(" in src  # sin and cos keep this loop scalar: the C library exp
    ref_v, ref_g = jaxlike.value_and_grad(lambda x: jnp.sum(jnp.exp(jnp.sin(x ** 2)) * jnp.cos(x)))(x)
    np.testing.assert_allclose(v, ref_v, rtol=1e-12)
    np.testing.assert_allclose(g, ref_g, rtol=1e-12)
    kernels = f.optimized_graph(x).eqns()
    assert [k.prim for k in kernels] == [FUSED, FUSED]


def test_call_overhead_of_a_scalar_function_is_microseconds():
    """The executable's call is one Python frame plus one numba dispatch (measured ~2 us; the bound is loose
    because the machine is shared): would catch per-call Python work such as re-checking or converting."""
    g = graph_of(lambda x: jnp.exp(jnp.sin(x ** 2)), np.float64(1.0))
    exe = compile_graph(g)
    exe(1.5)
    best = 1e9
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(2000):
            exe(1.5)
        best = min(best, (time.perf_counter() - t) / 2000)
    assert best < 30e-6, f"{best * 1e6:.1f} us per call"


def test_parallel_auto_follows_the_thread_count():
    """parallel="auto" (the default) emits prange variants only where numba has at least 4 threads, and
    the chunked form of sin/cos kernels (simd.chunked) where it has at least 2 (neither under the workqueue
    threading layer: see tests/trust/test_threads.py)."""
    import numba
    threads = numba.config.NUMBA_NUM_THREADS
    g = graph_of(lambda x: jnp.exp(x) * 2.0, np.ones(3))
    src = nb.compile(fuse_graph(g), {}).source
    assert ("prange(" in src) == (threads >= nb.MIN_THREADS_FOR_PARALLEL)
    g = graph_of(lambda x: jnp.sin(x) * 2.0, np.ones(3))
    src = nb.compile(fuse_graph(g), {}).source
    assert ("[_lo:_hi]" in src) == (threads >= 2 and nb.threads_are_reentrant())


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_gemm_small_loop_and_blas_paths_agree_with_the_reference(dtype):
    """support.gemm runs products up to SMALL_GEMM multiply-adds as a loop and larger ones through BLAS:
    one compiled product, called at sizes on both sides of the threshold, with transposed operands."""
    from jaxlike.backends.numba_cpu import support
    g = graph_of(lambda a, b: [jnp.dot(a, b), jnp.dot(a.T, a)], np.ones((2, 3), dtype), np.ones((3, 4), dtype))
    exe = compile_graph(g)
    assert "_rt.gemm(" in exe.source
    rng = np.random.default_rng(11)
    for m, k, n in [(2, 3, 1), (1, 1, 1), (12, 12, 14), (40, 60, 30), (0, 3, 2)]:
        assert (m * k * n <= support.SMALL_GEMM) == ((m, k, n) not in [(40, 60, 30)])
        a = rng.standard_normal((m, k)).astype(dtype)
        b = rng.standard_normal((k, n)).astype(dtype)
        # NOTE: float32 sums of 60 products cancel: an absolute bound for them
        check(exe, g, a, b, rtol=1e-5 if dtype == "float32" else 1e-12, atol=1e-4 if dtype == "float32" else 0)


def test_keep_freed_memory_sets_glibc_malloc_once_and_obeys_the_flag(monkeypatch):
    """Catches: the malloc tuning (intermediates reused instead of page-faulted in afresh every call) being
    applied with the flag off, applied twice, or calling mallopt with the wrong parameter numbers."""
    from jaxlike.backends import numba_cpu as B

    class FakeLibc:
        def __init__(self):
            self.calls = []

        def mallopt(self, param, value):
            self.calls.append((param, value))
            return 1

    monkeypatch.setattr(B, "_MALLOC_TUNED", [])
    before = jaxlike.config.keep_freed_memory
    try:
        jaxlike.config.keep_freed_memory = False
        libc = FakeLibc()
        assert B.keep_freed_memory(libc) is False and libc.calls == []
        jaxlike.config.keep_freed_memory = True
        assert B.keep_freed_memory(libc) is True
        assert libc.calls == [(-3, 32 << 20), (-1, 512 << 20)]  # M_MMAP_THRESHOLD, M_TRIM_THRESHOLD
        assert B.keep_freed_memory(libc) is False and len(libc.calls) == 2
    finally:
        jaxlike.config.keep_freed_memory = before


def _vma_flags(address):
    """The VmFlags of the mapping holding ``address`` (Linux /proc/self/smaps), or None."""
    inside = False
    with open("/proc/self/smaps") as f:
        for line in f:
            head = line.split()[0]
            if "-" in head and not head.endswith(":"):
                lo, hi = (int(t, 16) for t in head.split("-"))
                inside = lo <= address < hi
            elif inside and head == "VmFlags:":
                return line.split()[1:]
    return None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="madvise and /proc/self/smaps are Linux's")
def test_large_arrays_the_entry_allocates_are_advised_into_huge_pages():
    """Catches: the entry no longer advising its large allocations (each call page-faults an 80 MB result in
    4 KB pages: W4 ~30 ms slower), advising small ones (a syscall per call on the tiny-function hot path),
    or an advice that misses the array's own pages (a rounding error in the page range)."""
    from jaxlike.backends.numba_cpu import support
    f = jaxlike.compile(lambda x: jnp.sin(x) * 2.0)
    big = np.ones(support.HUGE_PAGE_BYTES // 8 * 4)
    assert "_rt.advise_huge(" in f.source(big)       # sizes are symbolic: it may be large
    out = f(big)
    np.testing.assert_allclose(out, np.sin(big) * 2.0)
    flags = _vma_flags(out.ctypes.data + out.nbytes // 2)
    assert flags is not None and "hg" in flags
    assert support.may_be_large(("n",), np.float64)
    assert not support.may_be_large((3, 2), np.float64)
    assert support.may_be_large((1024, 1024), np.float32)
    assert not support.may_be_large((1024, 1023), np.float32)


def test_an_entry_with_one_number_returns_it_bare_and_two_as_tuples():
    """Catches: the bare return (a scalar function's entry returns its number, not nested tuples: ~40 ns of a
    ~200 ns call) applied to an entry with more than one output, where the wrappers unpack (outputs,
    updates). States written in place: test_one_number_out_with_states_written_in_place_returns_the_number_alone."""
    n = Sym()
    a = Var(TensorType("float64", (n,)))
    one = compile_graph(Graph([a], [jnp.sum(a * 2.0)]), pipeline="FAST_RUN")
    two = compile_graph(Graph([a], [jnp.sum(a), jnp.max(a)]), pipeline="FAST_RUN")
    assert one.direct.bare and not two.direct.bare
    x = np.arange(4.0)
    assert type(one.direct.entry(x)) is float and one.direct.entry(x) == 12.0
    outs, ups = one(x)
    assert type(outs[0]) is np.ndarray and outs[0].shape == () and outs[0] == 12.0 and ups == ()
    assert [float(v) for v in two(x)[0]] == [6.0, 3.0]


def test_fusable_nodes_only_a_size_provider_reaches_are_compiled_not_run_through_objmode():
    """Found by the fuzzer: the gradient of sum(concatenate([expm1(3 tanh(x)), x]) * w) names the
    concatenation's symbolic size, so the concatenation and what it reads stay in the graph as size
    providers; with a trailing 1-dim they reached the backend unwrapped and ran through numba.objmode."""
    def loss(x, w):
        return jnp.sum(jnp.concatenate([jnp.expm1(3.0 * jnp.tanh(x)), x], axis=1) * w)
    rng = np.random.default_rng(5)
    x, w = rng.random((2, 3, 1)), rng.random((2, 6, 1))
    g = jaxlike.compile(jaxlike.grad(loss))
    assert "objmode" not in g.source(x, w)
    np.testing.assert_allclose(g(x, w), jaxlike.grad(loss)(x, w), rtol=1e-13)


def test_a_strided_operand_reaches_blas_without_a_performance_warning():
    """Would catch: numba's dot typing a strided slice ('A' layout) and warning, in the user's console,
    that 'np.vdot() is faster on contiguous arrays' (support.blas_layout copies such an operand first). The
    gemm is compiled afresh here: the package's own copy may come from numba's disk cache, already typed."""
    import numba
    from numba.core.errors import NumbaPerformanceWarning
    from jaxlike.backends.numba_cpu import support
    fresh = numba.njit(support.gemm.py_func)
    rng = np.random.default_rng(2)
    a, b = rng.random((90, 70))[::2], rng.random((70, 30))
    out = np.empty((45, 30))
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        fresh(a, b, out)
    assert not [w for w in seen if issubclass(w.category, NumbaPerformanceWarning)]
    np.testing.assert_allclose(out, a @ b, rtol=1e-12)


def test_slices_of_the_callers_arrays_are_views_unless_they_leave_or_an_update_overwrites():
    """A slice of an argument that is only read in the entry is a view of it (``lowering.borrows``): no
    copy per slice. One that is an output is a copy (the caller may write into it), and a slice of a state
    an update overwrites stays a copy taken before the write (Theano's read-old-values). Would catch: a
    returned slice sharing the argument's memory, a view of a state read after the state was overwritten in
    place, views of views handed out as fresh memory."""
    x = np.arange(10.0)
    diff = jaxlike.compile(lambda x: x[1:] - x[:-1])
    assert np.array_equal(diff(x), np.ones(9))
    body = diff.source(x).split("def entry")[1]
    assert "= a[1:]\n" in body and ".copy()" not in body
    tail = jaxlike.compile(lambda x: (x[2:], x[:3] * 2.0))
    out, _ = tail(x)
    out[0] = -1.0
    assert x[2] == 2.0 and ".copy()" in tail.source(x)
    s = jaxlike.shared(np.arange(6.0))
    step = jaxlike.function([], jaxlike.tensor.sum(s[1:] * 10.0), updates=[(s, s * 2.0 + s[::-1])])
    assert step() == 150.0 and np.array_equal(s.get_value(), np.arange(6.0) * 2.0 + np.arange(6.0)[::-1])
    assert step() == 10.0 * np.sum((np.arange(6.0) * 2.0 + np.arange(6.0)[::-1])[1:])


def test_a_lone_reshape_is_a_view_not_a_copying_loop():
    """A reshape that only inserts or drops size-1 dims and is nothing's loop input (jnp.stack's expand_dims
    before its concatenation) is lowered as a reshape, a view of an argument or a fresh value, instead of a
    one-node fused loop copying it (stack of two 1000 x 1000: 2.8 -> 1.2 ms, numpy 1.2). One that leaves
    the entry is still its own memory. Would catch: the loop back, or a returned reshape aliasing an argument."""
    a, b = np.arange(6.0).reshape(2, 3), np.arange(6.0, 12.0).reshape(2, 3)
    stack = jaxlike.compile(lambda a, b: jnp.stack([a, b]))
    assert np.array_equal(stack(a, b), np.stack([a, b]))
    body = stack.source(a, b).split("def entry")[1]
    assert body.count("_rt.reshaped(") == 2 and "fused" not in body and ".copy()" not in body
    expand = jaxlike.compile(lambda a: a[None])
    out = expand(a)
    out[0, 0, 0] = -1.0
    assert a[0, 0] == 0.0 and out.shape == (1, 2, 3)


def test_compiled_linalg_of_non_finite_matrices_computes_as_numpy():
    """Catches: numba's np.linalg refusing any inf or NaN (LinAlgError 'Array must not contain infs or
    NaNs') where numpy computes on: det of a matrix holding inf is inf, a NaN gives NaN (or 0 where LAPACK
    meets a zero pivot first), inv/solve give LAPACK's values, and a zero pivot is still 'Singular matrix'."""
    f = jaxlike.compile(lambda a, b: (jnp.linalg.det(a), *jnp.linalg.slogdet(a), jnp.linalg.solve(a, b)))
    g = jaxlike.compile(jnp.linalg.inv)
    a = np.array([[[np.inf, 1.0], [1.0, 1.0]], [[np.nan, 0.0], [0.0, 1.0]], [[2.0, 1.0], [1.0, 1.0]],
                  [[-np.inf, 1.0], [1.0, 1.0]]])
    b = np.array([[[1.0], [1.0]], [[1.0], [2.0]], [[1.0], [np.nan]], [[3.0], [1.0]]])
    with np.errstate(invalid="ignore"):
        want = (np.linalg.det(a), *np.linalg.slogdet(a), np.linalg.solve(a, b))
        for got, ref in zip(f(a, b), want):
            np.testing.assert_array_equal(got, ref)
        np.testing.assert_array_equal(g(a), np.linalg.inv(a))
    with pytest.raises(np.linalg.LinAlgError, match="[Ss]ingular"):
        g(np.array([[np.nan, 1.0], [1.0, 1.0]]))     # getrf meets an exact zero pivot, as numpy's


def test_a_small_two_dimensional_update_runs_pasted_and_a_large_one_called():
    """Catches the pasted copy of a called 2-D kernel (``paste.small_first``, run up to SMALL_WORK elements)
    computing anything other than the called kernel: an outer-product update of a matrix on both sides of the
    bound, values against numpy, and a kernel of vecmath functions left called only."""
    n, m = Sym(), Sym()
    w, a, b = Var(TensorType("float64", (n, m))), Var(TensorType("float64", (m,))), Var(TensorType("float64", (n,)))
    update = w - 0.1 * (jnp.reshape(b, (-1, 1)) * a)
    g = Graph([w, a, b], [update])
    exe = compile_graph(g, pipeline="FAST_RUN")
    assert re.search(r"if n\w* \* n\w* <= 1024:", exe.source.split("def entry")[1])
    rng = np.random.default_rng(5)
    for rows, cols in ((3, 2), (40, 30), (32, 32), (33, 32)):
        check(exe, g, rng.standard_normal((rows, cols)), rng.standard_normal(cols), rng.standard_normal(rows))
    with_exp = Graph([w, a, b], [jnp.exp(update)])
    assert "<= 1024:" not in compile_graph(with_exp, pipeline="FAST_RUN").source.split("def entry")[1]
