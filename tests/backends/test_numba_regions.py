"""Slices, their gradients and concatenations in the numba_cpu entry: the slice gradient is one shared
``regions.embed`` call instead of loops written into the entry, and the sizes that an op keeps from its
operand are not checked again (each check cost numba compile time in a large entry: a LeNet gradient had
276 of them). Checked against eager evaluation at several sizes, negative and strided steps included."""

import re

import numpy as np

import jaxlike
import jaxlike.numpy as jnp
from jaxlike.backends.numba_cpu import regions


def _windows(x):
    a = jnp.sin(x[:, 1::2, ::-3])
    b = jnp.cos(x[:, :-1, 2:])
    both = jnp.concatenate([a.reshape((a.shape[0], -1)), b.reshape((b.shape[0], -1))], axis=1)
    return jnp.sum(both * both[:, ::-1])


def test_slice_gradients_embed_and_keep_sizes_unchecked():
    f = jaxlike.compile(jaxlike.value_and_grad(_windows))
    for shape in [(2, 5, 7), (3, 4, 9), (2, 3, 4)]:
        x = np.random.default_rng(sum(shape)).normal(size=shape)
        val, grad = f(x)
        want_val, want_grad = jaxlike.value_and_grad(_windows)(x)
        np.testing.assert_allclose(val, want_val, rtol=1e-12)
        np.testing.assert_allclose(grad, want_grad, rtol=1e-12, atol=1e-14)
    assert len(f._cache) == 1
    src = f.source(x)
    assert "_rg.embed(" in src
    checks = re.findall(r"check_size\(.*'(\w+): dim (\d+)", src)
    # NOTE: axis 0 passes whole through every slice and concatenation here
    assert not [c for c in checks if c[0] in ("slice", "slice_grad", "concatenate") and c[1] == "0"], checks


def test_embed_writes_each_element_once_at_its_strided_place():
    out = np.zeros((4, 9, 5))
    g = np.arange(2 * 3 * 5, dtype=float).reshape(2, 3, 5)
    regions.embed(out, g, (1, 8, 0), (2, -3, 1))
    want = np.zeros((4, 9, 5))
    want[1::2, 8::-3, :] = g
    np.testing.assert_array_equal(out, want)
    regions.embed(out, np.zeros((0, 3, 5)), (0, 0, 0), (1, 1, 1))     # empty: nothing written
    np.testing.assert_array_equal(out, want)
    view = np.asfortranarray(g)                                       # a non-C operand is read in order
    out2 = np.zeros((4, 9, 5))
    regions.embed(out2, view, (1, 8, 0), (2, -3, 1))
    np.testing.assert_array_equal(out2, want)
    rng = np.random.default_rng(1)
    for index in [(slice(1, None, 3),), (slice(None, None, -2), slice(2, 5)),
                  (slice(1, 4), slice(None), slice(3, 0, -1), slice(0, 1))]:
        shape = (7, 6, 5, 4)[:len(index)]
        want = np.zeros(shape)
        part = rng.normal(size=want[index].shape)
        want[index] = part
        got = np.zeros(shape)
        starts = tuple(i.indices(n)[0] for i, n in zip(index, shape))
        regions.embed(got, part, starts, tuple(i.step or 1 for i in index))
        np.testing.assert_array_equal(got, want)
