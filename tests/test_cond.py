"""``lax.cond`` / ``lax.switch`` with a traced predicate or index run one branch (the ``cond`` primitive,
control/cond.py), as in JAX: the branch not taken is not evaluated and contributes nothing to derivatives.

What it catches: a select of every branch, whose reverse mode multiplies the untaken branch's derivative by a
zero cotangent (``0 * inf`` = NaN: grad of ``cond(x > 0, sqrt, zeros)`` at 0 was NaN, JAX gives 0), and
which evaluates the untaken branch (an index the predicate guards raised IndexError); derivative branches
built in the wrong order or for the wrong operands; batching rules that lose the per-example choice; captured
outer values that do not receive their cotangents; a numba lowering that runs the wrong branch or shares a
result buffer with an operand; and the select form for backends without a lowering disagreeing with it.
Expected values are hand derivatives and numpy formulas.
"""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike import lax
from jaxlike.core.graph import Graph, Var
from jaxlike.core.types import TensorType
from jaxlike.core.interpret import interpret
from jaxlike.test_util import check_grads

FC = "FAST_COMPILE"


def sqrt_or_zero(x):
    return lax.cond(x > 0, lambda v: jnp.sqrt(v), lambda v: 0.0 * v, x)


def guarded_take(table, i):
    return lax.cond(i < table.shape[0], lambda j: table[j] * 2.0, lambda j: -1.0, i)


def three_way(i, v, w):
    # branch 1 reads the outer w (a captured value), branch 2 reduces
    return lax.switch(i, [lambda u: jnp.sin(u) * u, lambda u: u * w, lambda u: jnp.sum(u * u) + u], v)


@pytest.fixture(scope="module")
def compiled():
    """The default backend's functions, compiled once for the module."""
    return {"grad_sqrt": jaxlike.compile(jaxlike.grad(sqrt_or_zero)),
            "take": jaxlike.compile(guarded_take),
            "three": jaxlike.compile(three_way),
            "three_grad": jaxlike.compile(jaxlike.grad(lambda i, v, w: jnp.sum(three_way(i, v, w)), argnums=(1, 2)))}


def test_the_untaken_branch_adds_no_nan_to_the_gradient(compiled):
    for run in (jaxlike.grad(sqrt_or_zero), jaxlike.compile(jaxlike.grad(sqrt_or_zero), mode=FC),
                compiled["grad_sqrt"]):
        assert run(0.0) == 0.0
        assert run(4.0) == pytest.approx(0.25)
        assert run(-1.0) == 0.0
    # a guarded division: d/dd of a/d where d != 0, else 0
    safe = lambda a, d: lax.cond(d != 0, lambda p: p[0] / p[1], lambda p: 0.0 * p[0], (a, d))  # noqa: E731
    g = jaxlike.compile(jaxlike.grad(safe, argnums=(0, 1)), mode=FC)
    assert [float(x) for x in g(3.0, 0.0)] == [0.0, 0.0]
    assert np.allclose([float(x) for x in g(3.0, 2.0)], [0.5, -0.75])


def test_the_untaken_branch_is_not_evaluated(compiled):
    table = jnp.asarray(np.array([1.0, 2.0, 3.0]))
    eager = jaxlike.compile(guarded_take, mode=FC)
    for run in (eager, compiled["take"]):
        assert run(table, 3) == -1.0
        assert run(table, 1) == 4.0
    # one compiled function serves other table sizes (the sizes stay symbolic)
    assert compiled["take"](jnp.asarray(np.arange(6.0)), 5) == 10.0
    assert compiled["take"](jnp.asarray(np.arange(6.0)), 6) == -1.0


def test_switch_values_gradients_and_clamping(compiled):
    v, w = np.array([0.5, -1.0, 2.0]), np.array([3.0, 4.0, 5.0])
    want = {0: np.sin(v) * v, 1: v * w, 2: np.sum(v * v) + v}
    dv = {0: np.cos(v) * v + np.sin(v), 1: w, 2: 2 * v * 3 + 1}
    dw = {0: 0 * w, 1: v, 2: 0 * w}
    fast = jaxlike.compile(three_way, mode=FC)
    for i, k in ((0, 0), (1, 1), (2, 2), (-4, 0), (9, 2)):   # out-of-range indices clamp, as in JAX
        for run in (fast, compiled["three"]):
            np.testing.assert_allclose(run(i, v, w), want[k], rtol=1e-13)
        gv, gw = compiled["three_grad"](i, v, w)
        np.testing.assert_allclose(gv, dv[k], rtol=1e-13)
        np.testing.assert_allclose(gw, dw[k], rtol=1e-13, atol=0)
    out = compiled["three"](1, v, w)
    out[:] = 0.0    # a result is the caller's own array, not a view of an operand
    assert np.array_equal(v, [0.5, -1.0, 2.0]) and np.array_equal(w, [3.0, 4.0, 5.0])


@pytest.mark.parametrize("i", [0, 1, 2])
def test_derivatives_of_each_branch_match_finite_differences(i):
    v, w = np.array([0.5, -1.0, 2.0]), np.array([3.0, 4.0, 5.0])
    # NOTE: the index computed from a float argument (so traced; held integers and Python ints pick in Python)
    check_grads(lambda s, v, w: three_way(jnp.floor(s).astype(jnp.int32), v, w), (i + 0.5, v, w), order=2)


def test_hessian_and_jvp_through_a_cond():
    f = lambda x: lax.cond(jnp.sum(x) > 0, lambda u: jnp.sum(u ** 3), lambda u: jnp.sum(jnp.exp(u)), x)  # noqa
    x = np.array([0.5, 1.0])
    h = jaxlike.compile(jaxlike.hessian(f), mode=FC)
    np.testing.assert_allclose(h(x), np.diag(6 * x), rtol=1e-12)
    np.testing.assert_allclose(h(-x), np.diag(np.exp(-x)), rtol=1e-12)
    _, t = jaxlike.jvp(f, (-x,), (np.array([1.0, 2.0]),))
    assert float(t) == pytest.approx(np.exp(-0.5) + 2 * np.exp(-1.0))


def test_vmap_with_a_batched_and_an_unbatched_index():
    xs = np.array([-1.0, 0.0, 4.0, 9.0])
    per_example = jaxlike.compile(jaxlike.vmap(jaxlike.grad(sqrt_or_zero)), mode=FC)
    np.testing.assert_allclose(per_example(xs), [0.0, 0.0, 0.25, 1 / 6])
    v, w = np.array([0.5, -1.0, 2.0]), np.array([3.0, 4.0, 5.0])
    rows = np.stack([v, 2 * v])
    one_index = jaxlike.compile(jaxlike.vmap(three_way, in_axes=(None, 0, None)), mode=FC)
    np.testing.assert_allclose(one_index(1, rows, w), rows * w)
    np.testing.assert_allclose(one_index(2, rows, w), np.sum(rows * rows, axis=1, keepdims=True) + rows)
    per_row = jaxlike.compile(jaxlike.vmap(three_way, in_axes=(0, 0, None)), mode=FC)
    np.testing.assert_allclose(per_row(np.array([0, 1]), rows, w), np.stack([np.sin(v) * v, 2 * v * w]))


def test_a_cond_inside_a_loop_on_the_default_backend():
    def f(x):
        def step(i, acc):
            return lax.cond(i % 2 == 0, lambda a: a * x, lambda a: a + x, acc)
        return lax.fori_loop(0, 4, step, 1.0)
    x = 1.5
    want = (((1 * x) + x) * x) + x       # steps 0..3: times, plus, times, plus
    assert jaxlike.compile(f)(x) == pytest.approx(want)
    g = jaxlike.compile(jaxlike.grad(f))(x)
    eps = 1e-6
    assert g == pytest.approx((f(x + eps) - f(x - eps)) / (2 * eps), rel=1e-6)


def test_the_select_form_for_backends_without_a_lowering_agrees():
    """numba_cuda gets every branch and a select (optimize's inline_branches): no cond node is left, and the
    values and the NaN-free gradient are the cond's."""
    from jaxlike.passes.pipeline import optimize
    graph = _graph_of(jaxlike.grad(sqrt_or_zero), TensorType("float64", ()))
    assert any(v.prim is not None and v.prim.name == "cond" for v in graph.nodes())
    for mode in ("FAST_COMPILE", "FAST_RUN"):
        inlined = optimize(graph, mode, inline_branches=True)
        assert not any(v.prim is not None and v.prim.name == "cond" for v in inlined.nodes())
        for x0, want in ((0.0, 0.0), (4.0, 0.25), (-2.0, 0.0)):
            (got,), _ = interpret(inlined, [np.float64(x0)])
            assert got == pytest.approx(want)


def _graph_of(fn, typ):
    x = Var(typ)
    return Graph([x], [fn(x)])


def test_theano_ifelse_keeps_its_own_semantics():
    """Theano's ifelse selects between expressions already in the graph (not functions): unchanged."""
    import jaxlike.tensor as T
    from jaxlike.ifelse import ifelse
    a, b = T.dscalar("a"), T.dscalar("b")
    f = jaxlike.function([a, b], ifelse(T.lt(a, b), a * 2, b * 3), mode=FC)
    assert f(1.0, 2.0) == 2.0 and f(3.0, 2.0) == 6.0


def _count_prim(graph, name, seen=None):
    """How many nodes of primitive ``name`` ``graph`` holds, inside branch, loop and fused bodies too (each
    body once: a cond's result nodes share theirs)."""
    seen = set() if seen is None else seen
    total = 0
    for v in graph.nodes():
        if v.prim is None:
            continue
        total += v.prim.name == name
        for _, a in v.attrs:
            if isinstance(a, Graph) and id(a) not in seen:
                seen.add(id(a))
                total += _count_prim(a, name, seen)
    return total


def test_the_derivative_branch_reads_the_conds_result_instead_of_computing_it_again():
    """tanh's derivative reads tanh's result: value_and_grad computes the tanh once, in the forward cond
    (before, the derivative's branch computed it again). Catches: results of the wrong branch or output read."""
    def f(x, p):
        a, b = lax.cond(p > 0, lambda x: (jnp.tanh(2.0 * x), jnp.sin(x)), lambda x: (jnp.sin(x) * x, jnp.tanh(x)), x)
        return jnp.sum(a * 3.0 + b ** 2)
    vg = jaxlike.compile(jaxlike.value_and_grad(f))
    x = np.linspace(-1.0, 1.0, 5)
    for p, want in ((1.0, 6 * (1 - np.tanh(2 * x) ** 2) + 2 * np.sin(x) * np.cos(x)),
                    (-1.0, 3 * (np.cos(x) * x + np.sin(x)) + 2 * np.tanh(x) * (1 - np.tanh(x) ** 2))):
        value, grad = vg(x, p)
        assert np.isclose(value, f(x, p)) and np.allclose(grad, want, rtol=1e-12)
    assert _count_prim(vg.optimized_graph(x, 1.0), "tanh") == 2    # one in each branch of the forward cond


def test_branches_of_sizes_that_may_differ_are_compared_with_concrete_sizes_under_compile():
    """Catches: compile (symbolic sizes) taking branches of f64[n] and f64[min(2, n)] as one type, so the call
    passed whenever the first branch was taken and failed in a broadcast_to otherwise; JAX refuses the cond
    when it traces it, whichever branch runs."""
    f = jaxlike.compile(lambda p, x: lax.cond(p, lambda v: v, lambda v: v[:2], x))
    for p in (True, False):
        with pytest.raises(TypeError, match="true_fun returns f64\\[3\\] but false_fun returns f64\\[2\\]"):
            f(p, np.arange(3.0))
    assert np.array_equal(f(False, np.arange(2.0)), [0.0, 1.0])   # sizes that agree pass, as in JAX


def test_grad_of_a_vmapped_cond_with_a_batched_predicate_has_no_nan_from_the_untaken_branch():
    """Catches: a batched predicate computing every branch and selecting, so the untaken sqrt branch's zero
    cotangent times its infinite slope at 0 reached the operand as NaN (JAX stops the gradient there)."""
    f = jaxlike.grad(lambda x: jnp.sum(jaxlike.vmap(
        lambda v: lax.cond(v > 0, lambda: jnp.sqrt(v), lambda: 0.0))(x)))
    x = np.array([1.0, 0.0, -1.0, 4.0])
    for g in (f, jaxlike.compile(f)):
        assert np.array_equal(g(x), [0.5, 0.0, 0.0, 0.25])
