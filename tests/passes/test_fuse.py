"""The fuse pass (passes/fuse.py) and the fused node format (ops/fused.py): which groups form, what is
materialized, and that the fused graph computes what the unfused one does (the reference interpreter runs
fused nodes by interpreting their bodies). Every fused graph here is also checked against the documented
format, which the backends rely on."""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike.core.graph import Var, Graph, to_text, const
from jaxlike.core.interpret import interpret
from jaxlike.core.primitive import Kind
from jaxlike.core.types import TensorType, Sym, is_known, dims_equal
from jaxlike.autodiff import backward, ones_like
from jaxlike.ops import math as m
from jaxlike.ops.layout import broadcast_to
from jaxlike.ops.fused import Body, fusable_kind, remap_kind, iteration_shape, fused as FUSED
from jaxlike.passes.fuse import fuse
from jaxlike.passes.pipeline import optimize, PASSES


def var(*shape, dtype="float64"):
    return Var(TensorType(dtype, shape))


def fused_nodes(graph):
    return [v for v in graph.eqns() if v.prim is FUSED]


def _non1(shape, same=lambda d: d):
    return sorted((("k", d) if is_known(d) else ("s", id(same(d)))) for d in shape
                  if not (is_known(d) and d == 1))


def _equated_sizes(body):
    """Size symbols a body's elementwise ops and broadcasts meet at (the fused loop checks them equal)."""
    parent = {}

    def find(s):
        while id(s) in parent:
            s = parent[id(s)]
        return s
    for b in body.eqns():
        if fusable_kind(b) == "elementwise" or remap_kind(b) == "broadcast":
            for x in b.inputs:
                for d, e in zip(x.shape, b.shape[b.ndim - x.ndim:]):
                    if isinstance(d, Sym) and isinstance(e, Sym) and find(d) is not find(e):
                        parent[id(find(d))] = find(e)
    return find


def check_format(graph):
    """The invariants ops/fused.py documents, for every fused node of ``graph``."""
    for v in fused_nodes(graph):
        attrs = dict(v.attrs)
        body = attrs["body"]
        assert isinstance(body, Body) and isinstance(body, Graph)
        assert len(body.outputs) == 1 and body.root.type == v.type
        assert len(body.inputs) == len(v.inputs)
        for b, x in zip(body.inputs, v.inputs):
            assert b.is_input and b.type == x.type
        assert attrs["sizes"] == body.syms
        same = _equated_sizes(body)
        space = _non1(iteration_shape(body), same)
        reduces = [b for b in body.eqns() if b.prim.kind is Kind.REDUCE]
        assert len(reduces) <= 1 and (not reduces or reduces[0] is body.root)
        for b in body.nodes():
            if b.is_const:
                assert b.ndim == 0
                continue
            if b.is_input:
                continue
            assert fusable_kind(b) is not None, b.prim.name
            if b.prim.kind is Kind.REDUCE:
                continue
            chain = b
            while remap_kind(chain) is not None and not chain.inputs[0].is_input:
                chain = chain.inputs[0]
            remap_of_input = remap_kind(chain) is not None and chain.inputs[0].is_input
            assert _non1(b.shape, same) in (space, []) or remap_of_input, (b.prim.name, b.shape)
    return graph


def run(graph, *args):
    with np.errstate(all="ignore"):
        return interpret(graph, list(args))


def assert_same(before, after, *args):
    (o1, u1), (o2, u2) = run(before, *args), run(after, *args)
    for a, b in zip(o1 + u1, o2 + u2):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)


def value_and_grad_graph(fn, *shapes):
    xs = [var(*s) for s in shapes]
    y = fn(*xs)
    gs = backward([y], [ones_like(y)], xs)
    return Graph(xs, [y] + gs)


# -- the target example -----------------------------------------------------------------------------------
def test_value_and_grad_is_one_reduction_kernel_and_one_gradient_kernel():
    """sum(exp(sin(x**2)) * cos(x)) and its gradient: two fused nodes, each reading x once; the gradient
    recomputes exp(sin(x**2)) instead of reading a stored copy (would catch a pass that materializes shared
    values between forward and backward, or splits either group)."""
    n = Sym()
    g = optimize(value_and_grad_graph(lambda x: jnp.sum(jnp.exp(jnp.sin(x ** 2)) * jnp.cos(x)), (n,)))
    f = check_format(g)
    nodes = fused_nodes(f)
    assert len(nodes) == 2 and len(f.eqns()) == 2
    fwd, bwd = f.outputs
    assert fwd.prim is FUSED and bwd.prim is FUSED
    assert [i is f.inputs[0] for i in fwd.inputs] == [True]
    assert [i is f.inputs[0] for i in bwd.inputs] == [True]
    assert dict(fwd.attrs)["body"].root.prim.name == "reduce_sum"
    assert all(b.prim.kind is Kind.ELEMENTWISE for b in dict(bwd.attrs)["body"].eqns())
    x = np.linspace(-2, 2, 9)
    before = optimize(value_and_grad_graph(lambda x: jnp.sum(jnp.exp(jnp.sin(x ** 2)) * jnp.cos(x)), (n,)),
                      excluding=("fuse",))
    assert_same(before, f, x)


def test_pipeline_runs_fuse_last_in_fast_run_and_debug_mode():
    assert PASSES["FAST_RUN"][-1] is fuse and PASSES["DEBUG_MODE"][-1] is fuse
    assert fuse not in PASSES["FAST_COMPILE"]


def test_fuse_is_pure_and_idempotent():
    """The input graph is not mutated, and fusing a fused graph changes nothing (a fused node is opaque)."""
    x = var(Sym())
    g = Graph([x], [m.exp(x) * 2.0 + 1.0])
    before = to_text(g)
    f = fuse(g)
    assert to_text(g) == before
    assert fuse(f) is f
    assert len(fused_nodes(f)) == 1


def test_graph_without_fusable_nodes_is_returned_unchanged():
    a, b = var(3, 4), var(4, 5)
    g = Graph([a, b], [jnp.dot(a, b)])
    assert fuse(g) is g


# -- boundaries ---------------------------------------------------------------------------------------------
def test_opaque_ops_are_group_boundaries():
    """exp before a matmul and the bias add after it are separate groups; contract stays a top-level node
    (would catch fusing across an OPAQUE op)."""
    n = Sym()
    a, w, b = var(n, 3), var(3, 4), var(4)
    g = Graph([a, w, b], [jnp.tanh(jnp.dot(jnp.exp(a), w) + b)])
    f = check_format(fuse(g))
    prims = [v.prim.name for v in f.eqns()]
    assert prims == ["fused", "contract", "fused"]
    assert_same(g, f, np.random.rand(5, 3), np.random.rand(3, 4), np.random.rand(4))


def test_take_and_size_of_are_boundaries():
    n = Sym()
    x, i = var(n, 3), var(Sym(), dtype="int64")
    g = Graph([x, i], [jnp.mean(jnp.exp(x)[i] * 2.0)])
    f = check_format(fuse(g))
    names = [v.prim.name for v in f.eqns()]
    assert "take" in names and "size_of" in names
    assert all(v.prim.name in ("fused", "take", "size_of") for v in f.eqns())
    assert_same(g, f, np.random.rand(4, 3), np.array([0, 3, 1]))


def test_reduction_result_feeds_a_new_group_and_its_keepdims_reshape_is_a_load():
    """x - max(x, axis=1, keepdims): the reduction is one kernel; the subtraction is another, which reads the
    reduced values through the 1-dim reshape as index arithmetic (no third kernel for the reshape)."""
    n0, n1 = Sym(), Sym()
    x = var(n0, n1)
    g = Graph([x], [x - jnp.max(x, axis=1, keepdims=True)])
    f = check_format(fuse(g))
    nodes = fused_nodes(f)
    assert len(nodes) == 2
    assert dict(nodes[0].attrs)["body"].root.prim.name == "reduce_max"
    second = dict(nodes[1].attrs)["body"]
    assert any(remap_kind(b) == "reshape" for b in second.eqns())
    assert_same(g, f, np.random.rand(4, 5))


def test_smaller_iteration_space_is_computed_once_not_per_row():
    """x[n0, n1] * exp(b[n1]): exp(b) is its own kernel over n1 elements instead of being recomputed for
    every row of the product (would catch fusing values of a smaller iteration space into a bigger loop)."""
    n0, n1 = Sym(), Sym()
    x, b = var(n0, n1), var(n1)
    g = Graph([x, b], [x * jnp.exp(b)])
    f = check_format(fuse(g))
    nodes = fused_nodes(f)
    assert len(nodes) == 2
    small, big = nodes
    assert small.shape == (n1,) and dict(small.attrs)["body"].root.prim.name == "exp"
    assert any(i is small for i in big.inputs)
    assert_same(g, f, np.random.rand(3, 4), np.random.rand(4))


def test_broadcast_leaf_and_scalars_stay_inside_the_group():
    """A row vector operand broadcast over rows is read with index 0 on its 1-dim, and a rank-0 computation
    (lr * 0.5) is loop-invariant: both live in one group."""
    n0, n1 = Sym(), Sym()
    x, row, lr = var(n0, n1), var(1, n1), var()
    g = Graph([x, row, lr], [x * row + lr * 0.5])
    f = check_format(fuse(g))
    assert len(fused_nodes(f)) == 1
    assert_same(g, f, np.random.rand(3, 4), np.random.rand(1, 4), np.float64(0.1))


def test_transpose_is_index_arithmetic_inside_a_group():
    n = Sym()
    x = var(n, n)
    g = Graph([x], [jnp.exp(x) + jnp.exp(x).T])
    f = check_format(fuse(g))
    assert len(fused_nodes(f)) == 1
    assert_same(g, f, np.random.rand(4, 4))


def test_values_used_by_many_groups_are_materialized_past_max_dup():
    """e = exp(x) feeding five reductions: recomputing it five times is bounded by max_dup, so e becomes a
    kernel of its own that the reductions read (would catch unbounded recomputation)."""
    n = Sym()
    x = var(n)
    e = jnp.exp(jnp.sin(x))
    outs = [jnp.sum(e * float(k)) for k in range(5)]
    g = Graph([x], outs)
    f = check_format(fuse(g, max_dup=3))
    nodes = fused_nodes(f)
    assert len(nodes) == 6
    shared = [v for v in nodes if v.ndim == 1]
    assert len(shared) == 1
    f2 = check_format(fuse(g, max_dup=5))
    assert len(fused_nodes(f2)) == 5
    assert_same(g, f, np.random.rand(7))
    assert_same(g, f2, np.random.rand(7))


def test_outputs_and_updates_are_materialized_and_updates_kept():
    n = Sym()
    w, x = var(n), var(n)
    h = jnp.exp(x)
    new_w = w - 0.1 * h
    g = Graph([w, x], [h, jnp.sum(h)], updates=[(w, new_w)])
    f = check_format(fuse(g))
    assert len(f.updates) == 1 and f.updates[0][0] is w and f.updates[0][1].prim is FUSED
    assert f.outputs[0].prim is FUSED
    assert_same(g, f, np.random.rand(5), np.random.rand(5))


def test_output_that_is_an_input_or_constant_is_left_alone():
    x = var(Sym())
    g = Graph([x], [x, m.exp(x)])
    f = fuse(g)
    assert f.outputs[0] is x


def test_sizes_attr_carries_sizes_the_operands_do_not_show():
    """broadcast_to(2.0, (n,)) has no operand of size n: the size travels in ``sizes`` and the interpreter
    resolves it (would catch a body whose sizes cannot be bound)."""
    n = Sym()
    x = var(n)
    z = broadcast_to(m.mul(const(2.0), 1.5), shape=(n,))
    g = Graph([x], [x * 0.0 + 1.0, z])
    f = check_format(fuse(g))
    zn = f.outputs[1]
    assert zn.prim is FUSED and len(zn.inputs) == 0
    assert dict(zn.attrs)["sizes"] == (n,)
    assert_same(g, f, np.random.rand(4))


def test_integer_and_boolean_groups():
    n = Sym()
    i, j = var(n, dtype="int32"), var(n, dtype="int32")
    g = Graph([i, j], [jnp.sum(jnp.where(i > j, i * 2, j)), (i % 3) == 1])
    f = check_format(fuse(g))
    assert len(fused_nodes(f)) == 2
    assert_same(g, f, np.arange(6, dtype=np.int32), np.array([5, 4, 3, 2, 1, 0], dtype=np.int32))


def test_general_reshape_is_not_fused():
    """A reshape that merges dims moves data in a non-elementwise order: it stays a top-level node."""
    n = Sym()
    x = var(n, 3)
    g = Graph([x], [jnp.exp(jnp.reshape(jnp.exp(x), (-1,)))])
    f = check_format(fuse(g))
    assert [v.prim.name for v in f.eqns()] == ["fused", "reshape", "fused"]
    assert_same(g, f, np.random.rand(4, 3))


def test_fused_node_has_no_derivative_and_says_why():
    x = var(Sym())
    f = fuse(Graph([x], [jnp.sum(jnp.exp(x))]))
    y = f.outputs[0]
    with pytest.raises(TypeError, match="after differentiation"):
        backward([y], [ones_like(y)], [x])


def test_printed_fused_node_is_one_line_per_node():
    x = var(Sym())
    f = fuse(Graph([x], [jnp.sum(jnp.exp(x) * 2.0)]))
    text = to_text(f)
    assert len(text.splitlines()) == 3
    assert "fused(a) body={ lambda a:f64[" in text and "reduce_sum" in text


def test_softmax_cross_entropy_gradient_fuses_and_matches():
    """A realistic backward pass: log_softmax cross-entropy and its gradient."""
    n0, n1 = Sym(), Sym()
    z, y = var(n0, n1), var(n0, n1)
    f = check_format(optimize(Graph([z, y], _loss_and_grad(z, y))))
    assert all(v.prim.name in ("fused", "size_of") for v in f.eqns())
    zz = np.random.rand(4, 3)
    yy = np.eye(3)[[0, 2, 1, 1]]
    before = optimize(Graph([z, y], _loss_and_grad(z, y)), excluding=("fuse",))
    assert_same(before, f, zz, yy)


def test_a_reshape_that_only_renames_sizes_is_fused():
    """Catches the gradient's renaming reshape cutting a loop: with z and y each carrying their own size
    symbols (as traced arguments do), the cotangent of y * log_softmax(z) comes back typed with y's sizes and
    is reshaped to z's; the mul and its consumers must still share loops (W5 wrote y * c out for it)."""
    z, y = var(Sym(), Sym()), var(Sym(), Sym())
    unfused = optimize(Graph([z, y], _loss_and_grad(z, y)), excluding=("fuse",))
    assert any(v.prim.name == "reshape" and v.ndim == 2 for v in unfused.eqns()), "no renaming reshape to test"
    f = check_format(optimize(Graph([z, y], _loss_and_grad(z, y))))
    assert all(v.prim.name in ("fused", "size_of") for v in f.eqns()), to_text(f)
    zz = np.random.rand(4, 3)
    yy = np.eye(3)[[0, 2, 1, 1]]
    assert_same(unfused, f, zz, yy)


def _loss_and_grad(z, y):
    loss = -jnp.mean(jnp.sum(y * jaxlike.nn.log_softmax(z, axis=1), axis=1))
    (gz,) = backward([loss], [ones_like(loss)], [z])
    return [loss, gz]


def test_every_fused_graph_of_a_training_step_is_well_formed():
    """An MLP step (two layers, sigmoid, squared error) through the FAST_RUN pipeline: every body follows
    the documented format and the values match the unfused pipeline's."""
    n = Sym()
    x, y, w1, w2 = var(n, 2), var(n, 1), var(2, 3), var(3, 1)
    h = jaxlike.nn.sigmoid(jnp.dot(x, w1))
    out = jaxlike.nn.sigmoid(jnp.dot(h, w2))
    loss = jnp.mean((out - y) ** 2)
    g1, g2 = backward([loss], [ones_like(loss)], [w1, w2])
    g = Graph([x, y, w1, w2], [loss], updates=[(w1, w1 - 0.5 * g1), (w2, w2 - 0.5 * g2)])
    f = check_format(optimize(g))
    assert len(f.updates) == 2
    args = (np.random.rand(4, 2), np.random.rand(4, 1), np.random.rand(2, 3), np.random.rand(3, 1))
    before = optimize(g, excluding=("fuse",))
    assert_same(before, f, *args)
    assert all(dims_equal(a, b) for s, u in f.updates for a, b in zip(s.shape, u.shape))
