"""Collectives over named vmap axes: ``lax.psum``, ``pmean``, ``pmax``, ``pmin``, ``all_gather``,
``axis_index``, ``axis_size`` under ``vmap(..., axis_name=...)``. Expected values are JAX 0.10's for the same
calls (recorded here) or numpy's closed forms. Each test says what it would catch.
"""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike import lax

X = np.arange(6.0).reshape(3, 2)


def test_reductions_positions_and_gathers_match_jax():
    """Catches: a collective computed per element (psum = x), over the wrong axis, a psum of a value that does
    not depend on the mapped argument left unscaled (JAX: size * value), or a gather in the wrong layout."""
    np.testing.assert_allclose(jaxlike.vmap(lambda v: v / lax.psum(v, "i"), axis_name="i")(X), X / X.sum(0))
    np.testing.assert_allclose(jaxlike.vmap(lambda v: lax.psum(1.0, "i"), axis_name="i")(X), [3.0, 3.0, 3.0])
    idx, mx, mn, mean = jaxlike.vmap(lambda v: (lax.axis_index("i"), lax.pmax(v, "i"), lax.pmin(v, "i"),
                                                lax.pmean(v, "i")), axis_name="i")(X)
    assert idx.dtype == np.int32 and idx.tolist() == [0, 1, 2]
    np.testing.assert_allclose(mx, np.broadcast_to(X.max(0), X.shape))
    np.testing.assert_allclose(mn, np.broadcast_to(X.min(0), X.shape))
    np.testing.assert_allclose(mean, np.broadcast_to(X.mean(0), X.shape))
    gathered = jaxlike.vmap(lambda v: lax.all_gather(v, "i"), axis_name="i")(X)
    np.testing.assert_allclose(gathered, np.broadcast_to(X, (3, 3, 2)))
    assert jaxlike.vmap(lambda v: lax.all_gather(v, "i", axis=1), axis_name="i")(X).shape == (3, 2, 3)
    tiled = jaxlike.vmap(lambda v: lax.all_gather(v, "i", tiled=True), axis_name="i")(X)
    np.testing.assert_allclose(tiled, np.broadcast_to(X.ravel(), (3, 6)))
    assert jaxlike.vmap(lambda v: lax.axis_size("i"), axis_name="i")(X).tolist() == [3, 3, 3]
    tree = jaxlike.vmap(lambda v: lax.psum({"a": v, "b": (v * 2,)}, "i"), axis_name="i")(X)
    np.testing.assert_allclose(tree["b"][0], np.broadcast_to(2 * X.sum(0), X.shape))


def test_nested_names_resolve_at_their_own_vmap():
    """Catches: a collective over an enclosing vmap's name reduced by the inner vmap (JAX: psum over 'i' from
    inside vmap 'j' sums along the outer axis only), and a tuple of names not reducing over both."""
    both = jaxlike.vmap(jaxlike.vmap(lambda v: lax.psum(v, ("i", "j")), axis_name="j"), axis_name="i")(X)
    np.testing.assert_allclose(both, np.full((3, 2), 15.0))
    outer = jaxlike.vmap(jaxlike.vmap(lambda v: lax.psum(v, "i"), axis_name="j"), axis_name="i")(X)
    np.testing.assert_allclose(outer, [[6.0, 9.0]] * 3)
    pos = jaxlike.vmap(jaxlike.vmap(lambda v: lax.axis_index("i") * 10 + lax.axis_index("j"), axis_name="j"),
                       axis_name="i")(X)
    assert pos.tolist() == [[0, 1], [10, 11], [20, 21]]


def test_gradients_transpose_psum_and_all_gather_as_jax():
    """Catches: psum's transpose taken as the identity (JAX's is psum, so vmap(grad(f)) equals the gradient of
    the summed objective) or all_gather's as a plain slice (it is psum then this element's slice)."""
    want = [[-0.5555555555555556, -0.20987654320987653], [0.1111111111111111, 0.2345679012345679],
            [0.7777777777777778, 0.6790123456790124]]
    f = lambda v: jnp.sum(v ** 2 / lax.psum(v, "i"))  # noqa: E731
    np.testing.assert_allclose(jaxlike.vmap(jaxlike.grad(f), axis_name="i")(X), want, rtol=1e-14)
    np.testing.assert_allclose(jaxlike.grad(lambda x: jnp.sum(jaxlike.vmap(lambda v: v ** 2 / lax.psum(v, "i"),
                                                                           axis_name="i")(x)))(X), want, rtol=1e-14)
    g = lambda v: jnp.sum(lax.all_gather(v, "i") ** 2)  # noqa: E731
    np.testing.assert_allclose(jaxlike.vmap(jaxlike.grad(g), axis_name="i")(X), 6 * X)
    gt = lambda v: jnp.sum(lax.all_gather(v, "i", tiled=True) ** 2)  # noqa: E731
    np.testing.assert_allclose(jaxlike.vmap(jaxlike.grad(gt), axis_name="i")(X), 6 * X)
    with pytest.raises(TypeError, match="pmax"):
        jaxlike.vmap(jaxlike.grad(lambda v: jnp.sum(lax.pmax(v, "i"))), axis_name="i")(X)


def test_compiled_once_for_every_batch_size():
    """Catches: collectives that bake the traced batch size into the compiled code (a second size must reuse
    the compile and still divide by its own size)."""
    step = jaxlike.compile(jaxlike.vmap(lambda v: (v - lax.pmean(v, "i"), lax.all_gather(v, "i", tiled=True),
                                                   jaxlike.grad(lambda u: jnp.sum(u * lax.psum(u, "i")))(v)),
                                        axis_name="i"))
    for x in (X, np.arange(8.0).reshape(4, 2)):
        centred, tiled, grad = step(x)
        np.testing.assert_allclose(centred, x - x.mean(0))
        np.testing.assert_allclose(tiled, np.broadcast_to(x.ravel(), (len(x), x.size)))
        np.testing.assert_allclose(grad, np.broadcast_to(2 * x.sum(0), x.shape))
    assert len(step._cache) == 1


def test_unbound_names_and_bad_arguments():
    """Catches: a collective outside its vmap computing something (JAX raises NameError), and refusals that
    do not say what to change."""
    with pytest.raises(NameError, match="unbound axis name: 'i'"):
        lax.psum(1.0, "i")
    with pytest.raises(NameError, match="'k'"):
        jaxlike.vmap(lambda v: lax.psum(v, "k"), axis_name="i")(X)
    with pytest.raises(NotImplementedError, match="axis_index_groups"):
        jaxlike.vmap(lambda v: lax.psum(v, "i", axis_index_groups=[[0, 1]]), axis_name="i")(X)
    with pytest.raises(NotImplementedError, match="spmd_axis_name"):
        jaxlike.vmap(lambda v: v, spmd_axis_name="d")(X)
    with pytest.raises(ValueError, match="out of bounds"):
        jaxlike.vmap(lambda v: lax.all_gather(v, "i", axis=3), axis_name="i")(X)


def test_pmap_is_a_compiled_vmap_with_static_arguments():
    """Catches: pmap mapping its static arguments, not honouring in_axes=None entries, or recompiling for a
    new mapped size."""
    f = jaxlike.pmap(lambda x, s: (x - lax.pmean(x, "d")) * s, axis_name="d", static_broadcasted_argnums=1)
    for x in (X, np.arange(4.0).reshape(2, 2)):
        np.testing.assert_allclose(f(x, 2.0), (x - x.mean(0)) * 2.0)
    g = jaxlike.pmap(lambda x, w: x @ w, in_axes=(0, None))
    np.testing.assert_allclose(g(X, np.array([1.0, -1.0])), X @ np.array([1.0, -1.0]))


def test_ppermute_pshuffle_and_psum_scatter_match_jax():
    """Catches: a ring shift sending the wrong way, an element no pair sends to getting anything but zeros,
    psum_scatter keeping another element's slice, and ppermute's gradient not flowing back to the sender."""
    x = np.arange(8.0).reshape(4, 2)
    ring = [(0, 1), (1, 2), (2, 3), (3, 0)]
    shifted = jaxlike.vmap(lambda v: lax.ppermute(v, "i", ring), axis_name="i")(x)
    np.testing.assert_allclose(shifted, np.roll(x, 1, axis=0))
    partial = jaxlike.vmap(lambda v: lax.ppermute(v, "i", [(0, 2), (1, 0)]), axis_name="i")(x)
    np.testing.assert_allclose(partial, [[2.0, 3.0], [0.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    np.testing.assert_allclose(jaxlike.vmap(lambda v: lax.pshuffle(v, "i", perm=[3, 2, 1, 0]), axis_name="i")(x),
                               x[::-1])
    scattered = jaxlike.vmap(lambda v: lax.psum_scatter(jnp.stack([v, 2 * v, 3 * v, 4 * v]), "i"), axis_name="i")(x)
    np.testing.assert_allclose(scattered, np.outer([1.0, 2.0, 3.0, 4.0], x.sum(0)))
    blocks = jaxlike.vmap(lambda v: lax.psum_scatter(v, "i", tiled=True), axis_name="i")(np.arange(32.0).reshape(4, 8))
    np.testing.assert_allclose(blocks, np.arange(32.0).reshape(4, 8).sum(0).reshape(4, 2))
    g = jaxlike.vmap(jaxlike.grad(lambda v: jnp.sum(lax.ppermute(v, "i", ring) * jnp.arange(2.0))), axis_name="i")(x)
    np.testing.assert_allclose(g, np.tile([0.0, 1.0], (4, 1)))
    with pytest.raises(ValueError, match="pshuffle: perm must be a permutation"):
        jaxlike.vmap(lambda v: lax.pshuffle(v, "i", perm=[0, 0, 1, 2]), axis_name="i")(x)
