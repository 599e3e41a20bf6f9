"""Graphs: the text form (the readable IR users and kernel comments quote), toposort on deep graphs,
substitution with symbolic sizes, and the check that every free input is declared."""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike.core import Var, TensorType, Graph, to_text, substitute, toposort, const
from jaxlike.core.types import Sym


def f64(*shape):
    return Var(TensorType("float64", shape))


def test_seed_function_prints_one_line_per_equation():
    """Catches: changes to the printed IR that the docs, kernel comments and front-end parity rely on."""
    x = f64()
    text = to_text(Graph([x], [jnp.exp(jnp.sin(x ** 2))]))
    assert text == ("{ lambda a:f64[] .\n"
                    "  b:f64[] = pow(a, 2)\n"
                    "  c:f64[] = sin(b)\n"
                    "  d:f64[] = exp(c)\n"
                    "  in (d) }")


def test_text_shows_attrs_small_and_big_constants_symbolic_sizes_and_updates():
    n = Sym()
    x, state = Var(TensorType("float32", (n, 3))), f64(3)
    y = x.sum(axis=0) + np.arange(3.0, dtype=np.float32)
    big = const(np.ones((10, 10)))
    g = Graph([x, state], [y, x[1:], big.sum()], updates=[(state, state * 2.0)])
    lines = [line.strip() for line in to_text(g).splitlines()]
    assert lines[0] == f"{{ lambda a:f32[{n!r},3], b:f64[3] ."
    assert "c:f32[3] = reduce_sum(a) axes=(0,)" in lines
    assert "d:f32[3] = add(c, [0.,1.,2.])" in lines
    assert any(line.endswith("= slice(a) index=((1,None,None),(None,None,None))") for line in lines)
    assert any("reduce_sum(constf64[10, 10]) axes=(0,1)" in line for line in lines)
    assert lines[-1] == "in (d, e, f) ; updates b <- g }" and "g:f64[3] = mul(b, 2.0)" in lines


def test_graph_names_undeclared_inputs():
    """Catches: a graph silently depending on a variable the caller never passes."""
    x, s = f64(3), Var(TensorType("float64", (3,)), name="state")
    with pytest.raises(ValueError, match="not in the inputs list: state"):
        Graph([x], [x + s])
    with pytest.raises(ValueError, match="state"):
        Graph([x], [x.sum()], updates=[(x, x + s)])


def test_toposort_handles_deep_graphs_without_recursion():
    """Catches: a recursive toposort hitting Python's recursion limit on long chains (RNN unrolls)."""
    x = f64(3)
    v = x
    for _ in range(5000):
        v = v + 1.0
    order = toposort([v])
    assert len(order) == 1 + 5000 + 5000  # x, a constant per add (CSE is a pass, not tracing), the adds
    assert order[-1] is v
    pos = {u._id: i for i, u in enumerate(order)}
    assert all(pos[i._id] < pos[u._id] for u in order for i in u.inputs)


def test_toposort_visits_shared_nodes_once():
    x = f64(2)
    h = jnp.tanh(x)
    out = h * h + h
    order = toposort([out, h])
    ids = [v._id for v in order]
    assert len(ids) == len(set(ids))


def test_substitute_rebinds_shape_rules_and_symbolic_sizes():
    """Catches: substitution keeping the old symbolic sizes in types or attrs (grad of a compiled
    function would then build graphs whose sizes never bind)."""
    n = Sym()
    a = Var(TensorType("float64", (n,)))
    b = jnp.concatenate([a, a])[1:] * 2.0
    c = f64(4)
    (r,) = substitute([b], {a: c})
    assert r.shape == (7,)
    got, _ = jaxlike.core.interpret(Graph([c], [r]), [np.arange(4.0)])
    assert np.array_equal(got[0], np.concatenate([np.arange(4.0)] * 2)[1:] * 2)


def test_substitute_leaves_unrelated_nodes_shared():
    x, y = f64(3), f64(3)
    u = jnp.exp(x)
    v = u + y
    (w,) = substitute([v], {y: f64(3)})
    assert w.inputs[0] is u, "the branch that does not depend on the replaced var is reused, not rebuilt"


def test_vars_are_hashable_by_identity():
    """Catches: Var.__eq__ (elementwise, returns a Var) breaking hashing after the operators install."""
    x = f64(3)
    assert isinstance(x == x, Var)
    assert {x._id: 1}[x._id] == 1 and hash(x) == x._id
