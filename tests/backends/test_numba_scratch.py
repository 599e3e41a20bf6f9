"""The entry's scratch block (``numba_cpu/scratch.py``): small temporaries carved from one allocation per call,
larger ones from np.empty, results the reference's, and nothing that leaves the call sharing memory with
anything else it returns."""

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
    # an output leaves the call: carving it would keep the whole block alive with it
    g, exe = layers
    names = [line.split("=")[0].strip() for line in exe.source.splitlines() if "_rt.take(" in line]
    header = exe.source.split("in (")[1].split(")")[0]
    outs = {o.strip() for o in header.split(",")}
    assert not outs & {n.split(",")[0] for n in names}


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
    return block, a, b, c, d, e, at


def test_carving_aligns_each_array_and_never_overlaps():
    block, a, b, c, d, e, at = _carve_all(3, 2)
    base = block.ctypes.data
    starts = [arr.ctypes.data - base for arr in (a, b, c, d)]
    assert starts == [0, 32, 64, 96] and at == 128
    assert not np.shares_memory(e, block)
    assert (a.dtype, a.shape, b.dtype, b.shape, c.dtype, c.shape, d.shape) == (
        np.float64, (3,), np.int32, (3, 2), np.bool_, (4,), ())
    assert a.flags.c_contiguous and b.flags.c_contiguous
    assert a.tolist() == [1.5] * 3 and b.tolist() == [[7, 7]] * 3 and c.all() and d[()] == 1 + 2j
    assert (e == 3.0).all()


def test_a_negative_or_overflowing_size_gets_numpys_error_not_a_carving():
    with pytest.raises(ValueError, match="negative dimensions"):
        _carve_all(-1, 2)
    with pytest.raises((ValueError, MemoryError)):
        _carve_all(2, 2 ** 62)


def test_a_function_with_one_temporary_takes_no_block():
    g = graph_of(lambda A, x: jnp.exp(A @ x), np.ones((3, 2)), np.ones(2))
    exe = compile_graph(g, "FAST_RUN")
    assert "new_block" not in exe.source and "_rt.take" not in exe.source
    assert nb is not None
