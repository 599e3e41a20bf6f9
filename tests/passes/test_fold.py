"""Constant folding (passes/fold.py): what folds, into which dtype, and what must not fold (runtime shapes,
oversized results, ops that raise, symbolic sizes). Each case checks the text after the pass and the reference
interpreter's values before vs after."""

import textwrap

import numpy as np
import pytest

from jaxlike.core.graph import Var, Graph, const, to_text
from jaxlike.core.interpret import interpret
from jaxlike.core.types import TensorType, Sym
from jaxlike.ops import math as m
from jaxlike.ops.index import take
from jaxlike.ops.layout import broadcast_to
from jaxlike.ops.reduce import size_of, reduce_sum
from jaxlike.passes import fold as fold_mod
from jaxlike.passes.fold import fold

N = Sym()


def var(shape, dtype="float64"):
    return Var(TensorType(dtype, shape))


def text(s):
    return textwrap.dedent(s).strip("\n").replace("n0", repr(N))


def evaluate(graph, args):
    with np.errstate(all="ignore"):
        return interpret(graph, args)[0]


def assert_same_values(before, after, args):
    for a, b in zip(evaluate(before, args), evaluate(after, args)):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(b, a)


def test_weak_scalars_fold_to_a_weak_scalar_and_do_not_widen_float32():
    """(2.0 + 3.0) folds to a weak 5.0, so x:f32 * 5.0 stays float32 (a strong float64 constant would not
    change this node, whose type is fixed, but would widen anything a later pass binds on it)."""
    x = var((N,), "float32")
    five = m.add(const(2.0), const(3.0))
    g = Graph([x], [x * five])
    after = fold(g)
    assert to_text(after) == text("""
        { lambda a:f32[n0] .
          b:f32[n0] = mul(a, 5.0)
          in (b) }""")
    c = after.outputs[0].inputs[1]
    assert c.is_const and c.type.weak and c.dtype == np.float64
    assert m.mul(x, c).dtype == np.float32
    assert_same_values(g, after, [np.arange(4, dtype=np.float32)])


def test_strong_constants_fold_in_their_dtype():
    """float32 and int constants fold in the node's dtype, not numpy's default."""
    x = var((3,), "float32")
    c32 = m.mul(const(np.array([1.5, 2.5, 3.5], np.float32)), const(np.float32(2)))
    ci = m.convert(m.add(const(np.array([1, 2, 3], np.int32)), const(np.int32(1))), dtype=np.dtype("float32"))
    g = Graph([x], [x + c32 + ci])
    after = fold(g)
    assert to_text(after) == text("""
        { lambda a:f32[3] .
          b:f32[3] = add(a, [3.,5.,7.])
          c:f32[3] = add(b, [2.,3.,4.])
          in (c) }""")
    consts = [v for v in after.nodes() if v.is_const]
    assert {c.dtype for c in consts} == {np.dtype("float32")}
    assert_same_values(g, after, [np.ones(3, np.float32)])


def test_chains_fold_to_one_constant():
    """A whole constant subgraph (exp(log(2) + 1) * [1, 2]) becomes one constant: folding runs on the results
    of folding."""
    x = var((2,))
    k = m.mul(m.exp(m.add(m.log(const(2.0)), const(1.0))), const(np.array([1.0, 2.0])))
    g = Graph([x], [x - k])
    after = fold(g)
    assert len(after.eqns()) == 1
    np.testing.assert_allclose(after.outputs[0].inputs[1].value, 2 * np.e * np.array([1.0, 2.0]), rtol=1e-15)
    assert_same_values(g, after, [np.array([0.5, -1.0])])


def test_size_of_is_never_folded():
    """size_of reads the runtime shape of its operand; even on a constant operand it stays a node (a later
    pass may swap the operand for one with symbolic sizes)."""
    x = var(())
    g = Graph([x], [x / size_of(const(np.ones((2, 3))), axes=(0, 1), dtype=np.dtype("float64"))])
    assert fold(g) is g
    assert evaluate(g, [np.array(12.0)])[0] == 2.0


def test_results_over_the_cap_are_not_folded(monkeypatch):
    """A folded constant over MAX_ELEMENTS would bloat the graph and the generated module."""
    monkeypatch.setattr(fold_mod, "MAX_ELEMENTS", 10)
    x = var((11,))
    big = m.exp(const(np.linspace(0, 1, 11)))
    g = Graph([x], [x * big])
    assert fold(g) is g
    y = var((10,))
    small = Graph([y], [y * m.exp(const(np.linspace(0, 1, 10)))])
    assert fold(small).outputs[0].inputs[1].is_const


def test_broadcast_of_a_constant_folds_only_when_small():
    """broadcast_to of a scalar costs nothing in a fused loop: it is materialized only up to MAX_EXPANSION
    elements."""
    x, y = var((8, 8)), var((9, 9))
    g = Graph([x, y], [x + broadcast_to(const(1.0), shape=(8, 8)), y + broadcast_to(const(1.0), shape=(9, 9))])
    after = fold(g)
    a, b = after.outputs
    assert a.inputs[1].is_const and a.inputs[1].value.shape == (8, 8)
    assert b.inputs[1].prim.name == "broadcast_to"
    assert_same_values(g, after, [np.ones((8, 8)), np.ones((9, 9))])


def test_symbolic_sizes_are_not_folded():
    """A constant broadcast to a symbolic size has no value until the call."""
    x = var((N,))
    g = Graph([x], [x + broadcast_to(const(1.0), shape=(N,))])
    assert fold(g) is g


def test_an_op_that_raises_is_left_to_raise_at_run_time():
    """take out of range raises IndexError; folding must not swallow it (nor raise it at compile time)."""
    x = var(())
    g = Graph([x], [x + reduce_sum(take(const(np.array([1.0, 2.0, 3.0])), const(np.array([5])), axis=0),
                                   axes=(0,))])
    assert fold(g) is g
    with pytest.raises(IndexError):
        interpret(g, [np.array(1.0)])


def test_nothing_to_fold_returns_the_same_graph():
    """The pipeline's fixpoint test relies on a pass returning its input when it changed nothing."""
    x = var((N, 3))
    g = Graph([x], [m.exp(x) * 2.0])
    assert fold(g) is g


def test_folding_nan_and_inf_keeps_them():
    """0/0 and log(0) fold to NaN and -inf, as numpy computes them at run time."""
    x = var(())
    g = Graph([x], [x + m.div(const(0.0), const(0.0)), x + m.log(const(0.0))])
    after = fold(g)
    assert all(o.inputs[1].is_const for o in after.outputs)
    out = evaluate(after, [np.array(1.0)])
    assert np.isnan(out[0]) and np.isneginf(out[1])
