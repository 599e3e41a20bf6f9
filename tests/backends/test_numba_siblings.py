"""Sibling kernels (numba_cpu/siblings.py): fused groups over one iteration space that share an operand run
as one loop, and agree with the reference interpreter. One graph per case holds several sibling kinds (maps,
sums, max reductions, float32 accumulation), compiled serial and with the prange variant forced."""

import numpy as np
import pytest

import jaxlike.numpy as jnp
from jaxlike.autodiff import backward, ones_like

from conftest import graph_of, compile_graph, check

PARALLEL = {"parallel": True, "par_threshold": 1}


def _many(x, y):
    s = jnp.sin(x * y)
    return [jnp.sum(jnp.exp(s)), jnp.max(s * x), s * 2.0 + y, jnp.cos(x) * s, jnp.min(y - s)]


@pytest.fixture(scope="module", params=["serial", "parallel"])
def many(request):
    x = np.random.default_rng(1).standard_normal((37, 5))
    g = graph_of(_many, x, x)
    return compile_graph(g, **(PARALLEL if request.param == "parallel" else {})), g


def test_one_loop_serves_every_sibling(many):
    """Of the five results, the two sums/max and two maps over x's space share one loop with sin(x*y),
    which they all read; the min over y's space (other size symbols) runs apart, so sin(x*y) is stored
    for it."""
    exe, _ = many
    header = [line for line in exe.source.splitlines() if "_siblings: " in line]
    assert len(header) == 1 and header[0].count(" = fused(") == 5, header
    s = header[0].split("_siblings: ")[1].split(" = ")[0]
    assert f"{s} = np.empty(" in exe.source or f"{s}, _ws_at = _rt.take(" in exe.source, exe.source


@pytest.mark.parametrize("shape", [(37, 5), (1, 9), (300, 2)])
def test_siblings_match_the_reference(many, shape):
    exe, g = many
    rng = np.random.default_rng(2)
    check(exe, g, rng.standard_normal(shape), rng.standard_normal(shape))


def test_empty_space_raises_for_max_as_numpy_does(many):
    exe, _ = many
    with pytest.raises(ValueError, match="zero-size"):
        exe(np.zeros((0, 5)), np.zeros((0, 5)))


def test_float32_sums_accumulate_in_float64():
    x = (np.random.default_rng(3).random(20000) + 1).astype(np.float32)
    g = graph_of(lambda x: [jnp.sum(x * x), x * x + 1.0], x)
    exe = compile_graph(g)
    assert "_siblings: " in exe.source
    check(exe, g, x)


def test_value_and_gradient_read_x_in_one_loop():
    """The issue's example: value and gradient of sum(exp(sin(x**2))*cos(x)) are one loop that evaluates
    sin(x**2) and exp(...) once per element."""
    x = np.random.default_rng(4).standard_normal(1000)
    from jaxlike.core.graph import Graph
    g0 = graph_of(lambda x: jnp.sum(jnp.exp(jnp.sin(x ** 2)) * jnp.cos(x)), x)
    (gx,) = backward([g0.outputs[0]], [ones_like(g0.outputs[0])], g0.inputs)
    g = Graph(g0.inputs, [g0.outputs[0], gx])
    exe = compile_graph(g, pipeline="FAST_RUN")
    # NOTE: written twice (simd.two_pass): the vectorized pass and the C-library form it falls back to
    lib = exe.source[exe.source.index("def k0_siblings_lib"):]
    lib = lib[:lib.index("@njit")]
    vec = exe.source[exe.source.index("def k0_siblings_vec"):exe.source.index("def k0_siblings_lib")]
    assert lib.count("math.exp(") == 1 and lib.count("for i0 in") == 1, exe.source
    assert vec.count("_vm.exp_f64(") == 1 and vec.count("_vm.sin_f64(") == 2, exe.source
    check(exe, g, x, rtol=1e-12)


def test_dependent_groups_are_not_merged():
    """b needs a's reduction: they are two loops, in order."""
    x = np.random.default_rng(5).standard_normal(50)
    g = graph_of(lambda x: [jnp.sum(jnp.exp(x)), jnp.exp(x) / jnp.sum(jnp.exp(x))], x)
    exe = compile_graph(g, pipeline="FAST_RUN")
    check(exe, g, x)


def _rows(x, b):
    z = jnp.exp(-(x + b))
    return [z * 3.0, jnp.sum(z * x, axis=1), jnp.max(z, axis=1), jnp.sum(z)]


@pytest.mark.parametrize("options", [{}, PARALLEL], ids=["serial", "parallel"])
def test_row_reductions_share_the_loop(options):
    """Bias gradients: a map and sums over the trailing axis of the same expression (the MLP's backward).
    z, which they all read, is computed in their loop and, read by nothing else, never stored."""
    x = np.random.default_rng(6).standard_normal((40, 7)).astype(np.float32)
    b = np.random.default_rng(7).standard_normal((40, 1)).astype(np.float32)
    g = graph_of(_rows, x, b)
    exe = compile_graph(g, **options)
    header = [line for line in exe.source.splitlines() if "_siblings: " in line]
    assert len(header) == 1 and header[0].count(" = fused(") == 5, exe.source
    z = header[0].split("_siblings: ")[1].split(" = ")[0]
    assert f"{z} = np.empty(" not in exe.source, exe.source
    for shape in [(40, 7), (3, 1), (1, 5)]:
        check(exe, g, np.random.default_rng(8).standard_normal(shape).astype(np.float32),
              np.random.default_rng(9).standard_normal((shape[0], 1)).astype(np.float32),
              rtol=2e-6, atol=1e-6)   # NOTE: float32 sums with cancellation; ours accumulate in float64
    with pytest.raises(ValueError, match="zero-size"):
        exe(np.zeros((4, 0), np.float32), np.zeros((4, 1), np.float32))


def _fed(x, b, w):
    t = jnp.tanh(x + b) * x
    return [t @ w, jnp.sum(t, axis=1), jnp.exp(t) * 2.0, t * t.T]


def test_a_stored_map_feeds_its_consumers_in_the_same_loop():
    """t must be stored (a product reads it), and its row sums and exp(t) * 2 read it point by point: they
    join t's loop and take t's value from it. t * t.T reads t at the transposed point, which the loop may
    not have written yet: it runs after, from the stored array."""
    rng = np.random.default_rng(10)
    x, b, w = rng.standard_normal((6, 6)), rng.standard_normal((6, 1)), rng.standard_normal((6, 3))
    g = graph_of(_fed, x, b, w)
    exe = compile_graph(g, pipeline="FAST_RUN")
    header = [line for line in exe.source.splitlines() if "_siblings: " in line]
    assert len(header) == 1 and header[0].count(" = fused(") == 3, exe.source
    loop = exe.source[exe.source.index(header[0]):]
    loop = loop[:loop.index("# ", loop.index("for "))]
    stored = header[0].split("_siblings: ")[1].split(" = ")[0]
    code = [line.strip() for line in loop.splitlines() if not line.strip().startswith("#")]
    assert not [c for c in code if f" = {stored}[" in c], loop      # t comes from the loop, not memory
    assert sum(c.count("exp(") + c.count("exp_f64(") for c in code) == 1, loop
    check(exe, g, x, b, w)
    check(exe, g, *(rng.standard_normal(s) for s in [(9, 9), (9, 1), (9, 2)]))


def _deep(x, y):
    a, c = x, y
    for _ in range(40):
        a, c = jnp.where(c > 0.5, a, c), a * 0.5 + c
    return [a, a + c]


def test_siblings_over_a_deep_dag_compile_in_bounded_time():
    """Catches: structural keys as nested tuples; repr and hash of the key of an unrolled loop 40 deep grow
    as 2**40 (an unrolled gcd ran out of memory)."""
    x = np.random.default_rng(3).random((4, 3))
    g = graph_of(_deep, x, x)
    check(compile_graph(g), g, x, x + 0.25)


def test_a_called_kernel_of_more_than_thirty_arguments_compiles():
    """Catches: numba's inliner refusing "a closure with *args" where a kernel that cannot be pasted (the
    vecmath two-pass form of a sibling group) took more than 30 arguments: CPython 3.11 compiles such a call
    as CALL_FUNCTION_EX. 28 row sums and two whole sums of sin/cos: 31 parameters."""
    def f(x):
        return [jnp.sum(jnp.sin(x * (k + 1.0)), axis=1) for k in range(28)] + [jnp.sum(jnp.sin(x)),
                                                                               jnp.max(jnp.cos(x))]
    x = np.linspace(-1.0, 1.0, 12).reshape(3, 4)
    g = graph_of(f, x)
    check(compile_graph(g), g, x, rtol=1e-13, atol=1e-14)
