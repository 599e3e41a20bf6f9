"""rows.py: row-local kernels that run together tile by tile (a tile of rows through every kernel of the group
before the next tile), against numpy and the reference interpreter.

What it catches: a tile reading rows of another kernel's result that the tile loop has not computed yet, a
partial last tile or an empty one computed wrong, an operand that is read at one row for all rows (a
broadcast row) cut to the tile, the group formed where it must not be."""

import re

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike import nn

from conftest import graph_of, compile_graph, check
from jaxlike.backends.numba_cpu import rows


def _ce(W, X, Y):
    return -jnp.mean(jnp.sum(Y * nn.log_softmax(X @ W), axis=1))


@pytest.fixture(scope="module")
def ce_grad():
    # NOTE: serial, as on the 2-core machines here: with 4 or more threads the kernels get parallel forms instead
    return jaxlike.compile(jaxlike.value_and_grad(_ce), options={"parallel": False})


def _ce_reference(W, X, Y):
    z = X @ W
    z = z - z.max(1, keepdims=True)
    e = np.exp(z)
    s = e.sum(1, keepdims=True)
    value = -np.mean(np.sum(Y * (z - np.log(s)), 1)) if len(X) else np.nan
    return value, X.T @ ((e / s - Y) / max(len(X), 1))


@pytest.mark.parametrize("n", [37, 16, 2, 0])
def test_softmax_cross_entropy_gradient_runs_in_tiles_and_agrees(ce_grad, n):
    """1000 columns: 16 rows a tile, so 37 rows are tiles of 16, 16 and 5; 16 rows one full tile; no rows
    one empty tile (the value is the mean of nothing, NaN, as numpy's)."""
    rng = np.random.default_rng(n)
    X = rng.standard_normal((n, 8))
    W = rng.standard_normal((8, 1000)) * 3
    Y = np.eye(1000)[rng.integers(0, 1000, n)]
    with np.errstate(all="ignore"):
        value, grad = ce_grad(W, X, Y)
        want_value, want_grad = _ce_reference(W, X, Y)
    np.testing.assert_allclose(value, want_value, rtol=1e-12)
    np.testing.assert_allclose(grad, want_grad, rtol=1e-10, atol=1e-15)
    src = ce_grad.source(W, X, Y)
    assert "for _tile in range(" in src
    tiled = re.findall(r"# (\w+):\S+ = fused\([^)]*\) in row tiles", src)
    assert len(tiled) >= 5, src     # the row max, the sum of exp, both label sums, the gradient


def test_a_kernel_reading_a_member_result_whole_waits_for_the_group():
    """``b = y * s[None, :]`` reads the row sums ``s`` of x along its columns, every row of s for each of its
    rows; its rows are linked to x's through ``f`` (both are x's rows at run time). Tiled with s, its first
    tile would read rows of s not computed yet (uninitialized memory): it must run after the group."""
    rng = np.random.default_rng(5)
    x, y = rng.standard_normal((40, 1000)), rng.standard_normal((40, 40))

    def fn(x, y):
        s = jnp.sum(x, axis=1)
        return s[:, None] * y, y * s[None, :]
    g = graph_of(fn, x, y)
    exe = compile_graph(g, "FAST_RUN")
    check(exe, g, x, y)
    entry = exe.source.split("def entry")[1]
    # NOTE: a called kernel may sit in the else of its small-work copy (paste.small_first), one level deeper
    assert len(re.findall(r"^ {8,}k\d+_\w+\(_tv_", entry, re.M)) == 2, entry     # s and f in tiles
    assert len(re.findall(r"^ {4,}k\d+_\w+\(\w+, \w+, \w+, n\d+, n\d+\)$", entry, re.M)) == 1, entry  # b after


def test_vector_kernels_are_not_tiled():
    """A log-softmax gradient over a vector: each array is a few KB, in cache anyway; no tile loop."""
    x = np.random.default_rng(1).standard_normal(300)
    g = jaxlike.compile(jaxlike.grad(lambda x: jnp.sum(nn.log_softmax(x) * x)))
    g(x)
    assert "_tile" not in g.source(x)


def test_row_locality_of_bodies():
    """Which operands a kernel reads at its own rows (cut to the tile) and which whole, and the kernels that
    are not row-local at all: a reduction over the rows, a transposed read, rows that are also columns."""
    from jaxlike.passes.fuse import fuse
    rng = np.random.default_rng(0)
    x, b, sq = rng.standard_normal((6, 5)), rng.standard_normal(5), rng.standard_normal((6, 6))

    def fused_nodes(fn, *args):
        return [v for v in fuse(graph_of(fn, *args)).nodes() if v.prim is not None and v.prim.name == "fused"]
    (plus_bias,) = fused_nodes(lambda x, b: jnp.exp(x) + b, x, b)
    assert rows.row_local(plus_bias).sliced == (True, False)
    (row_sum,) = fused_nodes(lambda x, b: jnp.sum(x * b, axis=1), x, b)
    assert rows.row_local(row_sum).sliced == (True, False)
    (column_sum,) = fused_nodes(lambda x: jnp.sum(jnp.exp(x), axis=0), x)
    assert rows.row_local(column_sum) is None
    (transposed,) = fused_nodes(lambda s: jnp.exp(s) + s.T, sq)
    assert rows.row_local(transposed) is None
