"""The rewrite engine and the algebraic rules of passes/simplify.py.

Each rule: the graph text after the pass (which names the rewrite) and equality with the reference interpreter
on random inputs before vs after (rtol 1e-12 in float64). Then the guards: no rewrite that changes a dtype or a
symbolic size, float x*0 untouched, the input graph never mutated, cycles among rules terminate.
"""

import textwrap

import numpy as np
import pytest

import jaxlike.numpy as jnp
from jaxlike.core.graph import Var, Graph, const, to_text
from jaxlike.core.interpret import interpret
from jaxlike.core.types import TensorType, Sym, dims_equal
from jaxlike.ops import math as m
from jaxlike.ops.layout import reshape, broadcast_to
from jaxlike.ops.reduce import reduce_sum
from jaxlike.ops.linalg import contract as m_contract
from jaxlike.passes.simplify import simplify, rewrite, simplify_table

N = Sym()  # the symbolic batch size every case below shares


def var(shape, dtype="float64"):
    return Var(TensorType(dtype, shape))


def text(s):
    """Expected graph text, written with n0 for the symbolic size N (whose number depends on import order)."""
    return textwrap.dedent(s).strip("\n").replace("n0", repr(N))


def case_text(body):
    return "\n".join([text("{ lambda a:f64[n0,3] .")] + ["  " + line for line in text(body).splitlines()])


def concrete(v, n=4):
    return tuple(n if isinstance(d, Sym) else d for d in v.shape)


def random_args(graph, rng, low=0.5, high=2.0):
    out = []
    for v in graph.inputs:
        a = rng.uniform(low, high, size=concrete(v))
        out.append(a.astype(v.dtype) if v.dtype.kind == "f" else (a * 10).astype(v.dtype))
    return out


def evaluate(graph, args):
    with np.errstate(all="ignore"):
        return interpret(graph, args)[0]


def assert_well_typed(graph):
    """Every node's type is what its shape rule gives on its inputs (a fresh Sym may stand for a Sym)."""
    for v in graph.eqns():
        t = v.prim.shape(*[i.type for i in v.inputs], **dict(v.attrs))
        assert t.dtype == v.dtype and t.ndim == v.ndim, (v.prim.name, t, v.type)
        for a, b in zip(t.shape, v.shape):
            assert dims_equal(a, b) or (isinstance(a, Sym) and isinstance(b, Sym)), (v.prim.name, t, v.type)


def assert_same_values(before, after, args, rtol=1e-12):
    for a, b in zip(evaluate(before, args), evaluate(after, args)):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_allclose(b, a, rtol=rtol, atol=0)


CASES = [
    ("mul_one_to_x", lambda x: x * 1.0, "in (a) }"),
    ("mul_one_to_x (left)", lambda x: 1 * x, "in (a) }"),
    ("mul_minus_one_to_neg", lambda x: x * -1, """
        b:f64[n0,3] = neg(a)
        in (b) }"""),
    ("add_zero_to_x", lambda x: x + 0.0, "in (a) }"),
    ("add_zero_to_x (left)", lambda x: 0 + x, "in (a) }"),
    ("add_neg_to_sub", lambda x: jnp.exp(x) + (-x), """
        b:f64[n0,3] = exp(a)
        c:f64[n0,3] = sub(b, a)
        in (c) }"""),
    ("sub_zero_to_x", lambda x: x - 0, "in (a) }"),
    ("sub_from_zero_to_neg", lambda x: 0.0 - x, """
        b:f64[n0,3] = neg(a)
        in (b) }"""),
    ("sub_neg_to_add", lambda x: jnp.exp(x) - (-x), """
        b:f64[n0,3] = exp(a)
        c:f64[n0,3] = add(b, a)
        in (c) }"""),
    ("div_one_to_x", lambda x: x / 1, "in (a) }"),
    ("div_minus_one_to_neg", lambda x: x / -1.0, """
        b:f64[n0,3] = neg(a)
        in (b) }"""),
    ("pow_one_to_x", lambda x: x ** 1, "in (a) }"),
    ("pow_zero_to_one", lambda x: x ** 0, """
        b:f64[n0,3] = broadcast_to(1.0) shape=(n0,3)
        in (b) }"""),
    ("pow_small_int_to_mul", lambda x: x ** 2, """
        b:f64[n0,3] = mul(a, a)
        in (b) }"""),
    ("pow_small_int_to_mul (cube)", lambda x: x ** 3, """
        b:f64[n0,3] = mul(a, a)
        c:f64[n0,3] = mul(b, a)
        in (c) }"""),
    ("pow_small_int_to_mul (fourth)", lambda x: x ** 4.0, """
        b:f64[n0,3] = mul(a, a)
        c:f64[n0,3] = mul(b, b)
        in (c) }"""),
    ("pow_half_to_sqrt", lambda x: x ** 0.5, """
        b:f64[n0,3] = sqrt(a)
        in (b) }"""),
    ("pow_minus_one_to_reciprocal", lambda x: x ** -1, """
        b:f64[n0,3] = div(1.0, a)
        in (b) }"""),
    ("neg_neg_to_x", lambda x: -(-x), "in (a) }"),
    ("neg_const_to_const", lambda x: x + m.neg(const(np.array([1.0, 2.0, 3.0]))), """
        b:f64[n0,3] = add(a, [-1.,-2.,-3.])
        in (b) }"""),
    ("exp_log_to_x", lambda x: jnp.exp(jnp.log(x)), "in (a) }"),
    ("log_exp_to_x", lambda x: jnp.log(jnp.exp(x)), "in (a) }"),
    ("transpose_transpose_to_transpose",
     lambda x: jnp.transpose(jnp.transpose(jnp.reshape(x, (N, 3, 1)), (1, 0, 2)), (2, 0, 1)), """
        b:f64[n0,3,1] = reshape(a) shape=(n0,3,1)
        c:f64[1,3,n0] = transpose(b) perm=(2,1,0)
        in (c) }"""),
    ("transpose_identity_to_x", lambda x: jnp.transpose(x, (0, 1)), "in (a) }"),
    ("transpose_transpose_to_transpose (identity)", lambda x: jnp.transpose(jnp.transpose(x)), "in (a) }"),
    ("reshape_reshape_to_reshape", lambda x: jnp.reshape(jnp.reshape(x, (N, 3, 1)), (N, 1, 3)), """
        b:f64[n0,1,3] = reshape(a) shape=(n0,1,3)
        in (b) }"""),
    ("reshape_reshape_to_reshape (back)", lambda x: jnp.reshape(jnp.reshape(x, (N, 3, 1)), (N, 3)),
     "in (a) }"),
    ("reshape_noop_to_x", lambda x: reshape(x, shape=x.shape), "in (a) }"),
    ("broadcast_noop_to_x", lambda x: broadcast_to(x, shape=x.shape), "in (a) }"),
    ("broadcast_broadcast_to_broadcast",
     lambda x: broadcast_to(broadcast_to(jnp.sum(x, axis=1, keepdims=True), shape=(N, 3)), shape=(2, N, 3)), """
        b:f64[n0] = reduce_sum(a) axes=(1,)
        c:f64[n0,1] = reshape(b) shape=(n0,1)
        d:f64[2,n0,3] = broadcast_to(c) shape=(2,n0,3)
        in (d) }"""),
    ("sum_broadcast_to_scaled_sum", lambda x: reduce_sum(broadcast_to(x, shape=(4, N, 3)), axes=(0, 2)), """
        b:f64[n0] = reduce_sum(a) axes=(1,)
        c:f64[n0] = mul(b, 4)
        in (c) }"""),
    ("sum_broadcast_to_scaled_sum (size-1 dim)",
     lambda x: reduce_sum(broadcast_to(jnp.sum(x, axis=1, keepdims=True), shape=(N, 3)), axes=(1,)), """
        b:f64[n0] = reduce_sum(a) axes=(1,)
        c:f64[n0,1] = reshape(b) shape=(n0,1)
        d:f64[n0] = reduce_sum(c) axes=(1,)
        e:f64[n0] = mul(d, 3)
        in (e) }"""),
    ("sum_neg_to_neg_sum", lambda x: jnp.sum(-x, axis=1), """
        b:f64[n0] = reduce_sum(a) axes=(1,)
        c:f64[n0] = neg(b)
        in (c) }"""),
    ("sum_div_to_div_sum", lambda x: jnp.sum(jnp.exp(x) / jnp.sum(x, axis=1, keepdims=True), axis=1), """
        b:f64[n0,3] = exp(a)
        c:f64[n0] = reduce_sum(b) axes=(1,)
        d:f64[n0] = reduce_sum(a) axes=(1,)
        e:f64[n0] = div(c, d)
        in (e) }"""),
    ("broadcast_operand_to_operand",
     lambda x: x * broadcast_to(jnp.sum(x, axis=1, keepdims=True), shape=(N, 3)) + broadcast_to(const(2.0), shape=(N, 3)),
     """
        b:f64[n0] = reduce_sum(a) axes=(1,)
        c:f64[n0,1] = reshape(b) shape=(n0,1)
        d:f64[n0,3] = mul(a, c)
        e:f64[n0,3] = add(d, 2.0)
        in (e) }"""),
    ("contract_transpose_to_contract", lambda x: jnp.transpose(x) @ x, """
        b:f64[3,3] = contract(a, a) spec='ba,bc->ac'
        in (b) }"""),
    ("contract_outer_to_mul", lambda x: jnp.outer(jnp.sum(x, 1), jnp.sum(x, 0)), """
        b:f64[n0] = reduce_sum(a) axes=(1,)
        c:f64[n0,1] = reshape(b) shape=(n0,1)
        d:f64[3] = reduce_sum(a) axes=(0,)
        e:f64[1,3] = reshape(d) shape=(1,3)
        f:f64[n0,3] = mul(c, e)
        in (f) }"""),
    ("contract_outer_to_mul (operands reordered)", lambda x: m_contract(jnp.sum(x, 0), x, spec="k,ij->jki"), """
        b:f64[3] = reduce_sum(a) axes=(0,)
        c:f64[1,3,1] = reshape(b) shape=(1,3,1)
        d:f64[3,n0] = transpose(a) perm=(1,0)
        e:f64[3,1,n0] = reshape(d) shape=(3,1,n0)
        f:f64[3,3,n0] = mul(c, e)
        in (f) }"""),
    ("contract_outer_to_mul (row dot products)", lambda x: m_contract(x, jnp.exp(x), spec="ij,ij->i"), """
        b:f64[n0,3] = exp(a)
        c:f64[n0,3] = mul(a, b)
        d:f64[n0] = reduce_sum(c) axes=(1,)
        in (d) }"""),
    ("contract_outer_to_mul (transposed dot products)", lambda x: m_contract(x, jnp.transpose(x), spec="ij,ji->j"),
     """
        b:f64[3,n0] = transpose(a) perm=(1,0)
        c:f64[3,n0] = mul(b, b)
        d:f64[3] = reduce_sum(c) axes=(1,)
        in (d) }"""),
    ("sum_no_axes_to_x", lambda x: reduce_sum(x, axes=()), "in (a) }"),
    ("convert_same_to_x", lambda x: m.convert(x, dtype=np.dtype("float64")), "in (a) }"),
    ("stop_gradient_to_x", lambda x: jnp.stop_gradient(x) * 2.0, """
        b:f64[n0,3] = mul(a, 2.0)
        in (b) }"""),
    ("select_const_to_branch", lambda x: jnp.where(True, x, 2 * x), "in (a) }"),
]


@pytest.mark.parametrize("name,fn,expected", CASES, ids=[c[0] for c in CASES])
def test_rule_text_and_values(name, fn, expected):
    """Catches a rule that does not fire, fires into the wrong form, or changes values."""
    x = var((N, 3))
    before = Graph([x], [fn(x)])
    text_before = to_text(before)
    after = simplify(before)
    assert to_text(after) == case_text(expected), to_text(after)
    assert to_text(before) == text_before, "the pass mutated its input graph"
    assert_well_typed(after)
    rng = np.random.default_rng(0)
    for n in (1, 4):
        args = [rng.uniform(0.5, 2.0, size=(n, 3))]
        assert_same_values(before, after, args)


def test_every_rule_has_a_case_and_a_docstring():
    """Catches a rule added to the table without a test case here, or without its identity documented."""
    names = {c[0].split(" ")[0] for c in CASES} | {"mul_zero_to_zeros"}
    for rules in simplify_table().values():
        for rule in rules:
            assert rule.__name__ in names, f"{rule.__name__} has no case in CASES"
            assert rule.__doc__ and "->" in rule.__doc__, f"{rule.__name__} does not state its identity"


def test_float_times_zero_is_kept():
    """x * 0 is NaN for x = inf or NaN: rewriting it to 0 would hide those."""
    x = var((3,))
    g = Graph([x], [x * 0.0])
    assert simplify(g) is g
    out = evaluate(g, [np.array([np.inf, np.nan, 2.0])])[0]
    assert np.isnan(out[0]) and np.isnan(out[1]) and out[2] == 0


def test_integer_times_zero_is_zero():
    """For integers x * 0 is 0 whatever x is, so the multiply (and the dependence on x) goes."""
    x = var((N,), "int32")
    g = Graph([x], [x * 0])
    after = simplify(g)
    assert to_text(after) == text("""
        { lambda a:i32[n0] .
          b:i32[n0] = broadcast_to(0) shape=(n0,)
          in (b) }""")
    np.testing.assert_array_equal(evaluate(after, [np.arange(5, dtype=np.int32)])[0], np.zeros(5, np.int32))


def test_float32_stays_float32_with_python_scalars():
    """Catches a rewrite that builds float64 nodes in a float32 graph (weak scalars must not widen it)."""
    x = var((N,), "float32")
    g = Graph([x], [(x * 1.0) ** 2 + (x ** 0.5) * -1])
    after = simplify(g)
    assert to_text(after) == text("""
        { lambda a:f32[n0] .
          b:f32[n0] = mul(a, a)
          c:f32[n0] = sqrt(a)
          d:f32[n0] = sub(b, c)
          in (d) }""")
    args = [np.linspace(0.5, 2, 5).astype(np.float32)]
    out = evaluate(after, args)[0]
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, evaluate(g, args)[0], rtol=1e-6)


def test_rewrite_that_would_change_dtype_is_skipped():
    """int * 1.0 is float64, int / 1 is float64, int ** 2.0 is float64: replacing them by the int operand
    would change the output dtype."""
    x = var((3,), "int64")
    g = Graph([x], [x * 1.0, x / 1, x ** 2.0])
    after = simplify(g)
    assert [o.dtype for o in after.outputs] == [np.dtype("float64")] * 3
    assert [o.prim.name for o in after.outputs] == ["mul", "div", "pow"]


def test_operand_smaller_than_result_is_broadcast_back():
    """x * ones(3) with x of shape (1,) has shape (3,): the rewrite must keep that shape."""
    x = var((1,))
    g = Graph([x], [x * np.ones(3)])
    after = simplify(g)
    assert to_text(after) == text("""
        { lambda a:f64[1] .
          b:f64[3] = broadcast_to(a) shape=(3,)
          in (b) }""")
    assert_same_values(g, after, [np.array([2.5])])


def test_symbolic_sizes_are_kept():
    """A reshape of a reshape whose attrs name a size first bound by the inner reshape is kept (removing the
    inner node would leave that size unbound); one whose sizes come from the input is merged."""
    x = var((N, 3))
    flat = reshape(x, shape=(-1,))              # f64[fresh]
    col = reshape(flat, shape=(flat.shape[0], 1))
    g = Graph([x], [col])
    after = simplify(g)
    assert after is g
    assert evaluate(after, [np.ones((2, 3))])[0].shape == (6, 1)
    out = simplify(Graph([x], [reshape(reshape(x, shape=(N, 3, 1)), shape=(N, 1, 3))])).outputs[0]
    assert out.shape[0] is N and out.inputs[0] is x


def test_sum_of_broadcast_needs_known_sizes():
    """sum(broadcast_to(x, (n, 3))) over a symbolic broadcast dim cannot be scaled by a known count; and a
    broadcast dim that is not summed over keeps the broadcast."""
    x = var((3,))
    g = Graph([x], [reduce_sum(broadcast_to(x, shape=(N, 3)), axes=(0, 1))])
    assert simplify(g) is g
    g2 = Graph([x], [reduce_sum(broadcast_to(x, shape=(4, 3)), axes=(1,))])
    assert simplify(g2) is g2


def test_cse_merges_duplicates_and_unchanged_graph_is_returned_as_is():
    """Hash-consing: the same op on the same inputs is one node; a graph with nothing to do comes back as the
    very same object (the pipeline's fixpoint test relies on it)."""
    x = var((N,))
    g = Graph([x], [jnp.exp(x) + jnp.exp(x)])
    after = simplify(g)
    assert to_text(after) == text("""
        { lambda a:f64[n0] .
          b:f64[n0] = exp(a)
          c:f64[n0] = add(b, b)
          in (c) }""")
    assert simplify(after) is after


def test_updates_are_rewritten():
    """The values of state updates go through the same rewrites as outputs."""
    w, g = var((3,)), var((3,))
    graph = Graph([w, g], [jnp.sum(w * 1.0)], updates=[(w, w - 1.0 * g)])
    after = simplify(graph)
    assert to_text(after) == text("""
        { lambda a:f64[3], b:f64[3] .
          c:f64[] = reduce_sum(a) axes=(0,)
          d:f64[3] = sub(a, b)
          in (c) ; updates a <- d }""")


def test_cyclic_rules_terminate():
    """Two rules that undo each other must not loop forever: the engine's budget stops them."""
    def neg_to_double_neg(v):
        """-x -> -(-(-x)) (a rule that always fires)."""
        return m.neg(m.neg(v))

    x = var((3,))
    g = Graph([x], [-x])
    after = rewrite(g, {"neg": (neg_to_double_neg,)}, budget=50)
    assert_same_values(g, after, [np.array([1.0, -2.0, 3.0])])


def test_rule_result_of_wrong_type_is_dropped():
    """A rule returning a float32 value for a float64 node is ignored rather than applied."""
    def exp_to_float32(v):
        """exp(x) -> float32 garbage (a broken rule)."""
        return var(v.shape, "float32")

    x = var((3,))
    g = Graph([x], [jnp.exp(x)])
    assert rewrite(g, {"exp": (exp_to_float32,)}) is g


def test_nan_constant_is_not_one():
    """x * nan must stay: a NaN constant never matches 0 or 1."""
    x = var((3,))
    g = Graph([x], [x * np.nan, x + np.full(3, np.nan)])
    assert simplify(g) is g
