"""The entry's scratch block (``numba_cpu/scratch.py``): small temporaries carved from a block on the entry's
stack, larger ones from np.empty, results the reference's, nothing that leaves the call carved (nor anything
it is a view of), and nothing that leaves the call sharing memory with anything else it returns."""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
import jaxlike.tensor as T

from conftest import nb, graph_of, compile_graph, reference, assert_close

numba = pytest.importorskip("numba")
scratch = pytest.importorskip("jaxlike.backends.numba_cpu.scratch")


def _layers(W1, W2, x):
    h = jnp.tanh(W1 @ x)
    hb = jnp.concatenate([h, h * 2.0])
    z = W2 @ hb
    return [jnp.sum(jnp.exp(z)), (W1 @ x)[1:] * 1.0, z]


@pytest.fixture(scope="module")
def layers():
    rng = np.random.default_rng(0)
    W1, W2, x = rng.normal(size=(3, 2)), rng.normal(size=(4, 6)), rng.normal(size=2)
    g = graph_of(_layers, W1, W2, x)
    return g, compile_graph(g, "FAST_RUN")


@pytest.mark.parametrize("m", [3, 40, 300])
def test_temporaries_that_fit_are_carved_and_the_rest_allocated(layers, m):
    # m = 3: every temporary fits in the block; 40: the first ones fit and later ones do not (2048 bytes);
    # 300: none does. One compiled function serves all three, and each matches the reference.
    g, exe = layers
    src = exe.source
    assert "_ws = _rt.new_block()" in src and src.count("_rt.take(_ws, _ws_at") >= 3, src
    rng = np.random.default_rng(m)
    args = [rng.normal(size=(m, 2)), rng.normal(size=(4, 2 * m)), rng.normal(size=2)]
    got = exe.run(*args)[0]
    for k, (a, b) in enumerate(zip(got, reference(g, args)[0])):
        assert_close(a, b, rtol=1e-12, what=f"output {k} at m={m}")


def test_outputs_are_never_carved(layers):
    # an output leaves the call: carved, it would point into a stack frame that is gone
    g, exe = layers
    names = [line.split("=")[0].strip() for line in exe.source.splitlines() if "_rt.take(" in line]
    header = exe.source.split("in (")[1].split(")")[0]
    outs = {o.strip() for o in header.split(",")}
    assert not outs & {n.split(",")[0] for n in names}


def _views(A, x):
    y = A @ x
    return [y[1:], jnp.reshape(A @ (x * 2.0), (2, 2)), jnp.sum(jnp.exp(y))]


def test_an_output_that_views_a_temporary_keeps_its_own_memory():
    # catches: a contraction's result carved from the stack while an output is a slice or reshape of it (a
    # view): the caller would hold memory of a frame that later calls overwrite
    rng = np.random.default_rng(3)
    A, x = rng.normal(size=(4, 3)), rng.normal(size=3)
    g = graph_of(_views, A, x)
    exe = compile_graph(g, "FAST_RUN")
    held = [np.asarray(o) for o in exe.run(A, x)[0]]
    want = [np.array(o, copy=True) for o in reference(g, [A, x])[0]]
    for _ in range(3):     # other calls reuse the stack the first one ran on
        exe.run(-A, 2 * x)
        compile_graph(graph_of(lambda a: jnp.tanh(a) * a, x), "FAST_RUN").run(x * 5.0)
    for k, (a, b) in enumerate(zip(held, want)):
        assert_close(a, b, rtol=1e-12, what=f"output {k}, held across later calls")


def test_a_flipped_slice_of_a_reshaped_temporary_is_not_carved():
    # catches: a reshape left to lower as a view (codegen.prepare keeps size-1 reshapes unfused) taken for a
    # node with memory of its own, so the transposed product it views was carved and the output, a reversed
    # slice of it, came back as freed stack memory (zeros or garbage; scipy.signal's correlate2d met it)
    rng = np.random.default_rng(7)
    a, b = rng.normal(size=7), rng.normal(size=3)
    f = lambda a, b: jnp.flip(jaxlike.lax.conv_general_dilated(a[None, None], b[None, None], (1,), "VALID")[0, 0])
    g = graph_of(f, a, b, symbolic=False)
    exe = compile_graph(g, "FAST_RUN")
    held = np.asarray(exe.run(a, b)[0][0])
    compile_graph(graph_of(lambda v: jnp.tanh(v) * v, a), "FAST_RUN").run(a * 5.0)
    assert_close(held, reference(g, [a, b])[0][0], rtol=1e-12, what="flipped output held across a later call")


def test_views_of_carved_temporaries_come_back_unaliased():
    # catches: two outputs that are views into the one block (its MemInfo shared) returned as they are, so
    # writing into one changes the other; a lone view of the block may stay
    x = T.dvector("x")
    W = jaxlike.shared(np.arange(12.0).reshape(4, 3), name="W")
    y = T.dot(W, x)
    f = jaxlike.function([x], [y[1:] * 1.0, T.tanh(y)[:2] + 0.0, T.sum(y)])
    a, b, total = f(np.array([1.0, -1.0, 2.0]))
    want = np.arange(12.0).reshape(4, 3) @ np.array([1.0, -1.0, 2.0])
    np.testing.assert_allclose(a, want[1:])
    np.testing.assert_allclose(b, np.tanh(want)[:2])
    assert not np.shares_memory(a, b)
    a[:] = -7
    a2, b2, _ = f(np.array([1.0, -1.0, 2.0]))
    np.testing.assert_allclose(a2, want[1:])
    np.testing.assert_allclose(b, np.tanh(want)[:2])


@numba.njit
def _carve_all(n, m):
    # NOTE: carved arrays live on this function's stack: what comes back is copies and offsets
    block = scratch.new_block()
    at = 0
    a, at = scratch.take(block, at, (n,), np.float64)
    b, at = scratch.take(block, at, (n, m), np.int32)
    c, at = scratch.take(block, at, n + 1, np.bool_)
    d, at = scratch.take(block, at, (), np.complex128)
    e, at = scratch.take(block, at, (m, 600), np.float64)   # never fits: np.empty
    a[:] = 1.5
    b[:, :] = 7
    c[:] = True
    d[()] = 1 + 2j
    e[:, :] = 3.0
    base = block.ctypes.data
    starts = (a.ctypes.data - base, b.ctypes.data - base, c.ctypes.data - base, d.ctypes.data - base)
    inside = 0 <= e.ctypes.data - base < block.size
    return (block.size, base % 64, starts, inside, at, a.copy(), b.copy(), c.copy(), d[()], e,
            a.flags.c_contiguous and b.flags.c_contiguous)


def test_carving_aligns_each_array_and_never_overlaps():
    size, misalign, starts, e_inside, at, a, b, c, d, e, contiguous = _carve_all(3, 2)
    assert size == scratch.SCRATCH_BYTES and misalign == 0
    assert starts == (0, 32, 64, 96) and at == 128
    assert not e_inside and contiguous
    assert (a.dtype, a.shape, b.dtype, b.shape, c.dtype, c.shape) == (
        np.float64, (3,), np.int32, (3, 2), np.bool_, (4,))
    assert a.tolist() == [1.5] * 3 and b.tolist() == [[7, 7]] * 3 and c.all() and d == 1 + 2j
    assert (e == 3.0).all()


@numba.njit
def _stack_sums(n):
    total = 0.0
    for r in range(3):      # NOTE: one buffer for every pass of the loop (allocated in the entry block)
        buf = scratch.stack_vector(512, n, np.float64)
        for k in range(buf.shape[0]):
            buf[k] = k + r
        total += buf.sum()
    return total, scratch.stack_vector(512, n, np.float32).shape[0]


@pytest.mark.parametrize("n", [0, 1, 37, 512, 5000])
def test_stack_vectors_hold_at_most_their_capacity(n):
    total, length = _stack_sums(n)
    m = min(n, 512)
    assert length == m
    assert total == sum(float(k + r) for r in range(3) for k in range(m))


def test_a_negative_or_overflowing_size_gets_numpys_error_not_a_carving():
    with pytest.raises(ValueError, match="negative dimensions"):
        _carve_all(-1, 2)
    with pytest.raises((ValueError, MemoryError)):
        _carve_all(2, 2 ** 62)


def test_a_function_with_one_temporary_carves_it():
    # the stack block costs nothing, so even a lone temporary is carved; the output is not
    g = graph_of(lambda A, x: jnp.exp(A @ x), np.ones((3, 2)), np.ones(2))
    exe = compile_graph(g, "FAST_RUN")
    assert exe.source.count("_rt.take(_ws") == 1 and "_ws = _rt.new_block()" in exe.source
    rng = np.random.default_rng(1)
    args = [rng.normal(size=(3, 2)), rng.normal(size=2)]
    assert_close(exe.run(*args)[0][0], reference(g, args)[0][0], rtol=1e-12, what="exp(A @ x)")
    assert nb is not None
