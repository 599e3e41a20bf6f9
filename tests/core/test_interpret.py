"""The reference interpreter (the oracle): evaluation with symbolic sizes bound at call time, size and rank
checks that name the argument or op, updates, and the numpy-broadcasting trap that types must close."""

import numpy as np
import pytest

import jaxlike.numpy as jnp
from jaxlike.core import Var, TensorType, Graph, interpret, ShapeError
from jaxlike.core.types import Sym


def sym_vec(n=None, name=None):
    return Var(TensorType("float64", (n or Sym(),)), name=name)


def test_one_graph_serves_every_size():
    n = Sym()
    x, y = sym_vec(n), sym_vec(n)
    g = Graph([x, y], [jnp.sum(x * y) / jnp.mean(x)])
    for size in (1, 4, 9):
        a, b = np.arange(1.0, size + 1), np.linspace(0, 1, size)
        (out,), _ = interpret(g, [a, b])
        assert np.isclose(out, np.sum(a * b) / np.mean(a))


def test_a_shared_size_bound_twice_differently_names_the_argument():
    """Catches: two arguments typed with the same symbolic size accepted with different sizes."""
    n = Sym()
    x, y = sym_vec(n, "x"), sym_vec(n, "y")
    g = Graph([x, y], [x + y])
    with pytest.raises(ShapeError, match=r"argument y: size mismatch, got shape \(4,\).*=3"):
        interpret(g, [np.ones(3), np.ones(4)])


def test_rank_and_static_size_mismatches_are_refused():
    x = Var(TensorType("float64", (2, Sym())), name="x")
    g = Graph([x], [x * 2.0])
    with pytest.raises(ShapeError, match=r"argument x: expected rank 2"):
        interpret(g, [np.ones(3)])
    with pytest.raises(ShapeError, match=r"expected shape f64\[2,"):
        interpret(g, [np.ones((3, 3))])


def test_implicitly_equal_sizes_that_differ_at_call_time_raise_not_broadcast():
    """Catches: the numpy trap: x:f64[n0] + y:f64[n1] was traced assuming n0 == n1, so a call with y of
    size 1 must fail rather than silently broadcast (a compiled backend would index out of range)."""
    x, y = sym_vec(), sym_vec()
    out = x + y  # <- traced add
    g = Graph([x, y], [out])
    with pytest.raises(ShapeError, match=r"add: operand of shape \(1,\) does not match the result shape"):
        interpret(g, [np.ones(3), np.ones(1)])
    with pytest.raises(ShapeError, match=r"add: operand shapes \(3,\) and \(4,\) cannot be broadcast.*"
                                         r"test_interpret.py"):
        interpret(g, [np.ones(3), np.ones(4)])


def test_contracted_symbolic_sizes_are_checked_at_call_time():
    a = Var(TensorType("float64", (Sym(), Sym())))
    b = Var(TensorType("float64", (Sym(), Sym())))
    g = Graph([a, b], [a @ b])
    (out,), _ = interpret(g, [np.ones((2, 3)), np.ones((3, 4))])
    assert np.array_equal(out, np.full((2, 4), 3.0))
    with pytest.raises(ValueError, match=r"contract.*\(2, 3\) and \(4, 5\).*test_interpret.py"):
        interpret(g, [np.ones((2, 3)), np.ones((4, 5))])


def test_symbolic_slice_bounds_from_concatenation_resolve_at_call_time():
    """Catches: DimSum offsets (the VJP of concatenate slices at n0, n0+n1) not resolving per call."""
    x, y = sym_vec(), sym_vec()
    cat = jnp.concatenate([x, y])
    u = Var(cat.type)
    from jaxlike.autodiff import backward
    gx, gy = backward([cat], [u], [x, y])
    g = Graph([x, y, u], [gx, gy])
    for nx, ny in ((2, 3), (4, 1)):
        ct = np.arange(float(nx + ny))
        (a, b), _ = interpret(g, [np.ones(nx), np.ones(ny), ct])
        assert np.array_equal(a, ct[:nx]) and np.array_equal(b, ct[nx:])


def test_updates_are_returned_separately_from_outputs():
    state = Var(TensorType("float64", (3,)), name="state")
    x = Var(TensorType("float64", (3,)))
    g = Graph([state, x], [jnp.sum(state)], updates=[(state, state + x)])
    outs, ups = interpret(g, [np.ones(3), np.arange(3.0)])
    assert outs[0] == 3.0 and np.array_equal(ups[0], [1.0, 2.0, 3.0])


def test_results_have_the_traced_dtype():
    """Catches: numpy upcasting (float32 * a float64 0-d constant) leaking a float64 where the graph says
    float32."""
    x = Var(TensorType("float32", (Sym(),)))
    g = Graph([x], [x * 2.5, jnp.exp(x), x.sum()])
    outs, _ = interpret(g, [np.ones(3, np.float32)])
    assert [o.dtype for o in outs] == [np.float32] * 3


def test_runtime_errors_name_the_op_and_the_line():
    x = sym_vec()
    idx = Var(TensorType("int64", (Sym(),)))
    g = Graph([x, idx], [x[idx]])  # <- gather
    with pytest.raises(IndexError, match=r"take: index 5 is out of bounds.*test_interpret.py"):
        interpret(g, [np.ones(3), np.array([0, 5])])


def test_an_error_inside_a_fused_body_names_its_op_and_line_once():
    from jaxlike.passes.pipeline import optimize
    x, y = sym_vec(), sym_vec()
    g = optimize(Graph([x, y], [jnp.exp(x) + y]), "FAST_RUN")  # <- add
    assert any(v.prim is not None and v.prim.name == "fused" for v in g.nodes())
    with pytest.raises(ShapeError) as info:
        interpret(g, [np.ones(3), np.ones(4)])
    message = str(info.value)
    assert message.startswith("add:") and message.count("test_interpret.py") == 1
