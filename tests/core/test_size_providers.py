"""A gradient graph can name a symbolic size (in an attr) whose defining node it never computes: the
gradient of sum(concatenate([x, x]) * w) broadcasts to the concatenation's size without needing the
concatenation itself. Graphs must compute such size providers, or the size cannot be bound."""

import re

import numpy as np

import jaxlike
import jaxlike.numpy as jnp


def _f(x, w):
    return jnp.sum(jnp.concatenate([x, x]) * w)


def test_eager_grad_through_concatenate_size():
    g = jaxlike.grad(_f)(np.arange(3.0), np.arange(6.0))
    np.testing.assert_allclose(g, [3.0, 5.0, 7.0])


def test_compiled_grad_binds_the_concatenation_size_for_each_batch_size():
    c = jaxlike.compile(jaxlike.grad(_f), mode="FAST_COMPILE")
    np.testing.assert_allclose(c(np.arange(3.0), np.arange(6.0)), [3.0, 5.0, 7.0])
    np.testing.assert_allclose(c(np.arange(4.0), np.arange(8.0)), [4.0, 6.0, 8.0, 10.0])
    assert "concatenate" in c.graph(np.arange(3.0), np.arange(6.0)).text()


def test_reshape_minus_one_reuses_a_size_it_equals():
    """Catches: reshape(y, (-1,)) making a fresh size symbol that keeps equal values apart (CSE and fusion
    compare sizes by identity), so value_and_grad computed y twice and left an elementwise node unfused."""
    from jaxlike.core.graph import Var
    from jaxlike.core.types import TensorType, Sym
    from jaxlike.ops.layout import reshape
    n, m = Sym(), Sym()
    x = Var(TensorType("float64", (n,)))
    assert reshape(x, shape=(-1,)).shape[0] is n
    assert reshape(Var(TensorType("float64", (1, n))), shape=(-1,)).shape[0] is n
    assert reshape(Var(TensorType("float64", (n, 3))), shape=(n, -1)).shape == (n, 3)
    fresh = reshape(Var(TensorType("float64", (n, m))), shape=(-1,)).shape[0]
    assert isinstance(fresh, Sym) and fresh is not n and fresh is not m
    assert reshape(Var(TensorType("float64", (n, 3))), shape=(-1,)).shape[0] is not n

    def f(x):
        y = jnp.reshape(jnp.sin(x) * 3.0, (-1,))
        return jnp.sum(y * y)
    g = jaxlike.compile(jaxlike.value_and_grad(f), mode="FAST_COMPILE").graph(np.ones(4)).text()
    assert g.count("sin(") == 1


def test_a_rebuilt_node_binds_its_size_instead_of_the_original_computed_again():
    """Catches: CSE merging pad's two zero blocks rebuilt the concatenation, and the size's origin (the
    original concatenation) was computed a second time only to bind it (pad of 1000 x 1000: 1.9 -> 1.3 ms)."""
    c = jaxlike.compile(lambda x: jnp.pad(x, 2), mode="FAST_RUN")
    for n in (3, 5):
        x = np.arange(n * 4.0).reshape(n, 4)
        np.testing.assert_array_equal(c(x), np.pad(x, 2))
    text = c.source(x)
    assert text.count("np.concatenate(") == 2, text


def test_the_same_op_on_the_same_operands_makes_the_same_sizes():
    """Catches: two ravels of one array each made a size symbol; CSE merged the nodes and left the argsort of
    the second naming a size nothing computed (numba: "Variable 'n3' is not defined"). Also: a size_of of a
    concatenation scheduled before it (median along rows)."""
    from jaxlike.core.graph import Var
    from jaxlike.core.types import TensorType, Sym
    from jaxlike.ops.layout import reshape
    x = Var(TensorType("float64", (Sym(), Sym())))
    assert reshape(x, shape=(-1,)).shape[0] is reshape(x, shape=(-1,)).shape[0]
    assert reshape(x, shape=(-1,)).shape[0] is not reshape(x * 2.0, shape=(-1,)).shape[0]

    def several(a):
        return (a.ravel()[jnp.argsort(a.ravel())], jnp.median(a, axis=1), jnp.nanmedian(a, axis=-1),
                jnp.quantile(a, jnp.array([0.1, 0.5]), axis=0))
    c = jaxlike.compile(several)
    for a in (np.arange(12.0)[::-1].reshape(3, 4), np.arange(10.0).reshape(5, 2) % 3):
        for got, want in zip(c(a), (np.sort(a.ravel()), np.median(a, axis=1), np.nanmedian(a, axis=-1),
                                    np.quantile(a, [0.1, 0.5], axis=0))):
            np.testing.assert_allclose(got, want)


def _pad_both_axes_with_fills(x):
    """A strided slice (a computed width), padded on both axes by concatenating fills broadcast from a
    constant: the fills read no input, and their shapes name the slice's and the first concatenation's sizes."""
    out = jnp.tanh(x[:, ::2])
    for ax, (lo, hi) in enumerate([(1, 2), (2, 1)]):
        fills = [jnp.broadcast_to(jnp.float64(0.5), tuple(w if i == ax else d for i, d in enumerate(out.shape)))
                 for w in (lo, hi)]
        out = jnp.concatenate([fills[0], out, fills[1]], axis=ax)
    return jnp.sum(jnp.sin(out))


def test_a_gradient_rebuilds_a_fill_after_the_node_that_makes_its_size():
    """Catches: substitute (the gradient's rebuild onto the compiled function's inputs) visiting an input-free
    fill before the strided slice whose new size replaces the old one, so the fill kept the pre-substitution
    size and numba_cpu refused to schedule it ("needs a size that no value computed before it determines")."""
    c = jaxlike.compile(jaxlike.value_and_grad(_pad_both_axes_with_fills))
    for shape in [(3, 4), (2, 7)]:
        x = np.random.default_rng(0).normal(size=shape)
        val, grad = c(x)
        want_val, want_grad = jaxlike.value_and_grad(_pad_both_axes_with_fills)(x)
        np.testing.assert_allclose(val, want_val, rtol=1e-12)
        np.testing.assert_allclose(grad, want_grad, rtol=1e-12)
    assert len(c._cache) == 1


def test_a_provider_already_chosen_moves_before_another_that_needs_its_size():
    """Catches: pad of an outer product of a raveled array. Its second fill names the first concatenation's
    size, and the first fill the ravel's; the concatenation was chosen as a provider first, so the graph
    reached the first fill (through it) before the ravel and the reference backend raised KeyError: n2.
    Also through the Numba backend and jnp.diag(v, k) of a raveled vector, which pads that way."""
    def f(v):
        r = jnp.ravel(v)
        return jnp.pad(r[:, None] * r[None, :], (1, 0)), jnp.diag(r, 1)
    for mode in ("FAST_COMPILE", "FAST_RUN"):
        c = jaxlike.compile(f, mode=mode)
        for shape in [(2, 2), (3, 1)]:
            x = np.arange(1.0, 1.0 + np.prod(shape)).reshape(shape)
            r = x.ravel()
            got = c(x)
            np.testing.assert_array_equal(got[0], np.pad(np.outer(r, r), (1, 0)))
            np.testing.assert_array_equal(got[1], np.diag(r, 1))


def _tile_both_axes(x):
    """numpy's tile(x, (2, 3)) as a reshape whose merged sizes are products of symbolic ones."""
    from jaxlike.core.types import dim_prod
    from jaxlike.ops.layout import reshape, broadcast_to
    n0, n1 = x.shape
    y = broadcast_to(reshape(x, shape=(1, n0, 1, n1)), shape=(2, n0, 3, n1))
    return reshape(y, shape=(dim_prod([2, n0]), dim_prod([3, n1])))


def test_a_reshape_to_products_of_symbolic_sizes_serves_every_shape():
    """Catches: the product sizes resolved as sums (or not at all) by the interpreter or the generated code,
    and shapes with a 0, where a -1 beside the other merged size could not be inferred."""
    def f(x, w):
        t = _tile_both_axes(x)
        return jnp.sum(t * w), t
    run = jaxlike.compile(jaxlike.value_and_grad(f, has_aux=True), mode="FAST_COMPILE")
    for shape in [(2, 3), (3, 5), (0, 4), (4, 0)]:
        x = np.arange(np.prod(shape), dtype=float).reshape(shape)
        w = np.random.default_rng(0).normal(size=(2 * shape[0], 3 * shape[1]))
        want_grad = w.reshape(2, shape[0], 3, shape[1]).sum(axis=(0, 2))
        for fn in (run, jaxlike.value_and_grad(f, has_aux=True)):
            (value, tiled), grad = fn(x, w)
            np.testing.assert_array_equal(tiled, np.tile(x, (2, 3)))
            np.testing.assert_allclose(value, np.sum(np.tile(x, (2, 3)) * w), rtol=1e-13)
            np.testing.assert_allclose(grad, want_grad, rtol=1e-13)
    assert len(run._cache) == 1, "one compiled signature for every shape"
    assert re.search(r"shape=\(2\*n\d+,3\*n\d+\)", run.graph(np.ones((2, 3)), np.ones((4, 9))).text())


def test_size_expression_reads_products_and_sums_of_sizes_only():
    """Catches: a computed size (Theano's x.shape[0] * x.shape[1]) taken for a product of sizes when it
    reads a value, subtracts, or has a negative constant (a reshape would then be built to a wrong size)."""
    from jaxlike.core.graph import Var
    from jaxlike.core.types import TensorType, Sym, DimProd, DimSum
    from jaxlike.ops.layout import size_expression
    from jaxlike.ops.reduce import size_of
    n, m = Sym(), Sym()
    x = Var(TensorType("float64", (n, m, 3)))
    rows, cols = (size_of(x, axes=(a,), dtype=np.dtype(np.int64)) for a in (0, 1))
    assert size_expression(rows) is n
    assert size_expression(rows * cols) == DimProd([n, m])
    assert size_expression(rows * cols + 2) == DimSum([DimProd([n, m]), 2])
    assert size_expression(size_of(x, axes=(1, 2), dtype=np.dtype(np.int32))) == DimProd([3, m])
    k = Var(TensorType("int64", ()))
    for not_a_size in (rows * k, rows - 1, rows + (-2), rows.astype(np.float64) * 2.0):
        assert size_expression(not_a_size) is None
