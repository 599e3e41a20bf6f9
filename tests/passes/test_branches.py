"""The passes across cond branches (``passes/branches.py``) and the lazy Theano ifelse they make: the branch not
taken is not computed (its errors do not fail the call), what the rest of the graph needs is computed once
outside, gradients carry no ``0 * inf`` from the branch not taken, and a cond computes only the results that
are read. Values are checked on the numba backend and on the reference interpreter (FAST_COMPILE) alike.
"""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
import jaxlike.tensor as T
from jaxlike import lax
from jaxlike.ifelse import ifelse
from jaxlike.control.cond import cond
from jaxlike.passes.pipeline import optimize
from jaxlike.passes.branches import sink_into_branches, share_with_branches, prune_branch_results
from jaxlike.core.graph import Graph, Var
from jaxlike.core.types import TensorType

MODES = ["FAST_RUN", "FAST_COMPILE"]


def _outer_prims(graph):
    return [v.prim.name for v in graph.eqns()]


def _conds(graph):
    return [v for v in graph.eqns() if v.prim is cond]


def _body_prims(node):
    attrs = dict(node.attrs)
    return [[w.prim.name for w in attrs[f"branch{k}"].eqns()] for k in range(attrs["num_branches"])]


@pytest.mark.parametrize("mode", MODES)
def test_ifelse_does_not_compute_the_branch_not_taken(mode):
    """Catches: ifelse as a select of both branches, where x[i] of the branch not taken raised IndexError for
    the i the condition rules out, and grad of sqrt in the branch not taken made the gradient NaN at 0."""
    x, i = T.dvector("x"), T.lscalar("i")
    guarded = ifelse(T.lt(i, x.shape[0]), x[i] * 2, T.constant(-1.0))
    cost = ifelse(T.lt(i, 2), T.sum(T.sqrt(x)), T.sum(x ** 2))
    f = jaxlike.function([x, i], [guarded, cost, T.grad(cost, x)], mode=mode)
    v = np.array([0.0, 1.0, 4.0])
    out = f(v, 3)
    assert out[0] == -1.0 and out[1] == 17.0
    np.testing.assert_array_equal(out[2], 2 * v)        # NOTE: 0 at x = 0, where sqrt's derivative is inf
    out = f(v, 1)
    assert out[0] == 2.0 and out[1] == 3.0
    np.testing.assert_array_equal(out[2], [np.inf, 0.5, 0.25])


@pytest.mark.parametrize("mode", MODES)
def test_ifelse_shares_what_the_graph_computes_anyway_and_trains(mode):
    """Catches: each branch recomputing the product the condition also reads (three products where one is
    made), the cond's derivative computing the gradient of an input nobody differentiates (a product per
    branch), and wrong values or updates from either."""
    x = T.dmatrix("x")
    W = jaxlike.shared(np.full((3, 2), 0.5), "W")
    h = T.dot(x, W)
    cost = ifelse(T.gt(T.mean(h), 0), T.sum(h ** 2), T.sum(T.exp(h)))
    f = jaxlike.function([x], [cost, h], updates=[(W, W - 0.1 * T.grad(cost, W))], mode=mode)
    g = optimize(f.graph, mode)
    # NOTE: one product outside (h); in the derivative's cond, one product per branch (the gradient in W)
    assert _outer_prims(g).count("contract") == 1
    for c in _conds(g):
        assert all(p.count("contract") <= 1 for p in _body_prims(c))
    for sign in (1, -1):
        W.set_value(np.full((3, 2), 0.5))
        X = sign * np.arange(6.0).reshape(2, 3)
        H = X @ np.full((3, 2), 0.5)
        positive = H.mean() > 0
        got = f(X)
        np.testing.assert_allclose(got[0], (H ** 2).sum() if positive else np.exp(H).sum())
        np.testing.assert_allclose(W.get_value(), 0.5 - 0.1 * X.T @ (2 * H if positive else np.exp(H)))


@pytest.mark.parametrize("mode", MODES)
def test_nested_and_list_ifelse_values_and_gradients(mode):
    """Catches: an inner ifelse moved into the wrong branch of the outer one, list branches paired wrongly."""
    a, b = T.dscalar("a"), T.dscalar("b")
    z = ifelse(T.lt(a, b), ifelse(T.lt(a, 0), T.sqrt(-a), T.log(a)), b * 2)
    v, w = T.dvector("v"), T.dvector("w")
    pair = ifelse(T.gt(T.sum(v), 0), [v * 2, T.sum(v)], [w + 1, T.sum(w)])
    f = jaxlike.function([a, b, v, w], [z, T.grad(z, a), T.grad(z, b)] + pair, mode=mode)
    one = np.ones(2)
    for (av, bv), want in [((-4.0, 1.0), (2.0, -0.25, 0.0)), ((np.e, 5.0), (1.0, 1 / np.e, 0.0)),
                           ((3.0, 1.0), (2.0, 0.0, 2.0))]:
        got = f(av, bv, one, 3 * one)
        np.testing.assert_allclose([float(r) for r in got[:3]], want)
    got = f(1.0, 2.0, -one, 3 * one)
    np.testing.assert_array_equal(got[3], 4 * one)
    assert got[4] == 6.0
    got = f(1.0, 2.0, one, 3 * one)
    np.testing.assert_array_equal(got[3], 2 * one)


def test_ifelse_of_different_symbolic_sizes_is_a_checked_select():
    """Branches of two sizes the graph cannot tell equal stay a select, whose size check names a mismatch."""
    v, w = T.dvector("v"), T.dvector("w")
    out = ifelse(T.gt(T.sum(v), 0), v, w)
    assert out.prim.name == "select"
    f = jaxlike.function([v, w], out, mode="FAST_COMPILE")
    np.testing.assert_array_equal(f(-np.ones(2), np.arange(2.0)), np.arange(2.0))
    with pytest.raises(ValueError):
        f(np.ones(2), np.ones(3))


def _lax_cond_graph():
    """lax.cond whose operand y = exp(x) * 3 is read by branch 1 only, and x[k] read by branch 0 only."""
    def fn(x, k):
        y = jnp.exp(x) * 3.0
        picked = x[k]
        return lax.cond(k < x.shape[0], lambda ops: ops[1] * 2.0, lambda ops: jnp.sum(ops[0]), (y, picked))
    return fn


@pytest.mark.parametrize("mode", MODES)
def test_sinking_moves_an_operand_one_branch_reads_into_it(mode):
    """Catches: a value computed outside a lax.cond for one branch alone computed whichever runs (x[k] raised
    for the k the predicate rules out)."""
    fn = _lax_cond_graph()
    f = jaxlike.compile(fn, mode=mode)
    x = np.array([0.5, 1.0])
    assert f(x, 1) == 2.0
    np.testing.assert_allclose(f(x, 7), 3 * np.exp(x).sum())
    outer = _outer_prims(f.optimized_graph(x, 7))
    assert "exp" not in outer and "take" not in outer


def test_sinking_keeps_what_is_needed_outside_or_by_two_branches():
    """Units on a hand-built graph: a value also returned stays outside; one read by both branches stays; one
    read by one branch moves with its own inputs."""
    x = Var(TensorType("float64", (3,)))
    k = Var(TensorType("int64", ()))
    s, both, only = jnp.sin(x), jnp.cos(x), jnp.tanh(jnp.exp(x))

    out = lax.switch(k, [lambda o: o[0] + o[1], lambda o: o[1] * o[2]], (s, both, only))
    g = sink_into_branches(Graph([x, k], [out, s]))
    assert sorted(_outer_prims(g)).count("sin") == 1
    assert "cos" in _outer_prims(g) and "exp" not in _outer_prims(g) and "tanh" not in _outer_prims(g)
    (c,) = _conds(g)
    assert _body_prims(c)[1].count("exp") == 1 and "exp" not in _body_prims(c)[0]
    assert share_with_branches(g) is g and prune_branch_results(g) is g and sink_into_branches(g) is g
