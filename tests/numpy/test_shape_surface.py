"""Shape, layout, sorting, products and index tricks of jaxlike.numpy, one table row per call: numpy's
signatures (negative axes, tuples of axes, lists of arrays), values on plain and traced arrays, and derivatives
to second order (all of these are linear in the data except the products, so a wrong index shows at once).
"""

import numpy as np
import pytest

import jaxlike
from jaxlike.test_util import check_grads
import jaxlike.numpy as jnp
from _surface import Row, check_row, uniform, ids, traced

A = (3, 4)
A3 = (2, 3, 4)


def _distinct(*shapes):
    """Distinct values (no ties), so sorting is differentiable at the sample."""
    def make(rng):
        return tuple(rng.permutation(int(np.prod(s))).reshape(s) * 0.37 + rng.uniform(0, 0.1, s) for s in shapes)
    return make


ROWS = [
    # -- reshaping and axes
    Row("reshape", lambda m, x: m.reshape(x, (4, -1)), uniform(-1, 1, A)),
    Row("ravel", lambda m, x: m.ravel(x), uniform(-1, 1, A3)),
    Row("transpose", lambda m, x: m.transpose(x), uniform(-1, 1, A3)),
    Row("transpose axes", lambda m, x: m.transpose(x, (1, -1, 0)), uniform(-1, 1, A3)),
    Row("moveaxis", lambda m, x: m.moveaxis(x, [0, -1], [-1, 0]), uniform(-1, 1, A3)),
    Row("rollaxis", lambda m, x: m.rollaxis(x, 2), uniform(-1, 1, A3)),
    Row("rollaxis start", lambda m, x: m.rollaxis(x, 0, 3), uniform(-1, 1, A3)),
    Row("swapaxes", lambda m, x: m.swapaxes(x, 0, -1), uniform(-1, 1, A3)),
    Row("squeeze", lambda m, x: m.squeeze(x), uniform(-1, 1, (1, 3, 1))),
    Row("squeeze axis", lambda m, x: m.squeeze(x, axis=-1), uniform(-1, 1, (1, 3, 1))),
    Row("expand_dims", lambda m, x: m.expand_dims(x, -1), uniform(-1, 1, A)),
    Row("expand_dims tuple", lambda m, x: m.expand_dims(x, (0, 3)), uniform(-1, 1, A)),
    Row("atleast_1d", lambda m, x: m.atleast_1d(x), uniform(-1, 1, ())),
    Row("atleast_2d", lambda m, x: m.atleast_2d(x), uniform(-1, 1, (3,))),
    Row("atleast_3d 1-d", lambda m, x: m.atleast_3d(x), uniform(-1, 1, (3,))),
    Row("atleast_3d several", lambda m, x, y, z: m.atleast_3d(x, y, z), uniform(-1, 1, (), (2, 3), A3)),
    # -- joining and splitting (lists of arrays as numpy takes them)
    Row("concatenate", lambda m, x, y: m.concatenate([x, y], axis=-1), uniform(-1, 1, A, (3, 2))),
    Row("concatenate axis None", lambda m, x, y: m.concatenate((x, y), axis=None), uniform(-1, 1, A, (5,))),
    Row("stack", lambda m, x, y: m.stack([x, y], axis=1), uniform(-1, 1, A, A)),
    Row("stack axis -1", lambda m, x, y: m.stack((x, y), axis=-1), uniform(-1, 1, A, A)),
    Row("hstack", lambda m, x, y: m.hstack([x, y]), uniform(-1, 1, A, (3, 1))),
    Row("vstack 1-d", lambda m, x, y: m.vstack([x, y]), uniform(-1, 1, (4,), (4,))),
    Row("row_stack", lambda m, x, y: m.vstack([x, y]), uniform(-1, 1, A, (1, 4))),
    Row("dstack", lambda m, x, y: m.dstack([x, y]), uniform(-1, 1, A, A)),
    Row("column_stack", lambda m, x, y: m.column_stack([x, y]), uniform(-1, 1, (3,), (3, 2))),
    Row("append", lambda m, x, y: m.append(x, y), uniform(-1, 1, A, (2,))),
    Row("append axis", lambda m, x, y: m.append(x, y, axis=0), uniform(-1, 1, A, (1, 4))),
    Row("split", lambda m, x: m.split(x, 2, axis=1), uniform(-1, 1, A)),
    Row("split indices", lambda m, x: m.split(x, [1, 3], axis=-1), uniform(-1, 1, A)),
    Row("array_split", lambda m, x: m.array_split(x, 3, axis=1), uniform(-1, 1, A)),
    Row("array_split indices", lambda m, x: m.array_split(x, [2, 10]), uniform(-1, 1, (5,))),
    Row("hsplit", lambda m, x: m.hsplit(x, 2), uniform(-1, 1, A)),
    Row("vsplit", lambda m, x: m.vsplit(x, [1]), uniform(-1, 1, A)),
    Row("dsplit", lambda m, x: m.dsplit(x, 2), uniform(-1, 1, A3)),
    # -- repetition
    Row("tile", lambda m, x: m.tile(x, (2, 1, 3)), uniform(-1, 1, A)),
    Row("tile int", lambda m, x: m.tile(x, 2), uniform(-1, 1, (3,))),
    Row("repeat", lambda m, x: m.repeat(x, 2), uniform(-1, 1, A)),
    Row("repeat axis", lambda m, x: m.repeat(x, 3, axis=-1), uniform(-1, 1, A)),
    Row("repeat counts", lambda m, x: m.repeat(x, [1, 0, 2], axis=0), uniform(-1, 1, A)),
    Row("kron", lambda m, x, y: m.kron(x, y), uniform(-1, 1, (2, 3), (3, 2))),
    Row("kron ranks", lambda m, x, y: m.kron(x, y), uniform(-1, 1, (2,), (2, 3))),
    # -- reordering
    Row("flip", lambda m, x: m.flip(x), uniform(-1, 1, A3)),
    Row("flip axis", lambda m, x: m.flip(x, axis=(0, -1)), uniform(-1, 1, A3)),
    Row("fliplr", lambda m, x: m.fliplr(x), uniform(-1, 1, A)),
    Row("flipud", lambda m, x: m.flipud(x), uniform(-1, 1, A)),
    Row("rot90", lambda m, x: m.rot90(x), uniform(-1, 1, A)),
    Row("rot90 k=2", lambda m, x: m.rot90(x, 2), uniform(-1, 1, A)),
    Row("rot90 k=-1 axes", lambda m, x: m.rot90(x, -1, axes=(2, 0)), uniform(-1, 1, A3)),
    Row("roll", lambda m, x: m.roll(x, 2), uniform(-1, 1, A)),
    Row("roll axis", lambda m, x: m.roll(x, -1, axis=1), uniform(-1, 1, A)),
    Row("roll tuple", lambda m, x: m.roll(x, (1, 5), axis=(0, -1)), uniform(-1, 1, A3)),
    # -- padding
    Row("pad constant", lambda m, x: m.pad(x, 1), uniform(-1, 1, A)),
    Row("pad widths values", lambda m, x: m.pad(x, ((1, 2), (0, 3)), constant_values=((1.5, -2.0), (3.0, 4.0))),
        uniform(-1, 1, A)),
    Row("pad edge", lambda m, x: m.pad(x, (2, 1), mode="edge"), uniform(-1, 1, A)),
    Row("pad reflect", lambda m, x: m.pad(x, ((2, 5), (1, 1)), mode="reflect"), uniform(-1, 1, A)),
    Row("pad symmetric", lambda m, x: m.pad(x, 2, mode="symmetric"), uniform(-1, 1, A)),
    Row("pad wrap", lambda m, x: m.pad(x, ((3, 0), (5, 2)), mode="wrap"), uniform(-1, 1, A)),
    Row("pad linear_ramp", lambda m, x: m.pad(x, ((2, 3), (1, 0)), mode="linear_ramp", end_values=((1.0, -1.0), (2.0, 0))),
        uniform(-1, 1, A)),
    Row("pad maximum", lambda m, x: m.pad(x, 1, mode="maximum"), _distinct(A)),
    Row("pad mean", lambda m, x: m.pad(x, (1, 2), mode="mean"), uniform(-1, 1, A)),
    Row("pad minimum", lambda m, x: m.pad(x, ((0, 1), (2, 0)), mode="minimum"), _distinct(A)),
    # -- diagonals and triangles
    Row("diag of vector", lambda m, x: m.diag(x), uniform(-1, 1, (3,))),
    Row("diag k", lambda m, x: m.diag(x, k=-2), uniform(-1, 1, (3,))),
    Row("diag of matrix", lambda m, x: m.diag(x, 1), uniform(-1, 1, A)),
    Row("diagflat", lambda m, x: m.diagflat(x, 1), uniform(-1, 1, (2, 2))),
    Row("diagonal", lambda m, x: m.diagonal(x), uniform(-1, 1, A)),
    Row("diagonal offset axes", lambda m, x: m.diagonal(x, -1, 2, 1), uniform(-1, 1, A3)),
    Row("tril", lambda m, x: m.tril(x), uniform(-1, 1, A)),
    Row("tril batched k", lambda m, x: m.tril(x, k=1), uniform(-1, 1, A3)),
    Row("triu", lambda m, x: m.triu(x, -1), uniform(-1, 1, A)),
    # -- products
    Row("dot", lambda m, x, y: m.dot(x, y), uniform(-1, 1, A, (4, 2))),
    Row("dot vector", lambda m, x, y: m.dot(x, y), uniform(-1, 1, A3, (4,))),
    Row("dot nd", lambda m, x, y: m.dot(x, y), uniform(-1, 1, A3, (2, 4, 3))),
    Row("matmul batched", lambda m, x, y: m.matmul(x, y), uniform(-1, 1, (2, 1, 3, 4), (3, 4, 2))),
    Row("matmul operator", lambda m, x, y: x @ y, uniform(-1, 1, A, (4,))),
    Row("tensordot", lambda m, x, y: m.tensordot(x, y, axes=([1, 2], [0, 1])), uniform(-1, 1, A3, (3, 4, 2))),
    Row("tensordot int", lambda m, x, y: m.tensordot(x, y, 1), uniform(-1, 1, A, (4, 2))),
    Row("vdot", lambda m, x, y: m.vdot(x, y), uniform(-1, 1, A, A)),
    Row("inner", lambda m, x, y: m.inner(x, y), uniform(-1, 1, A, (2, 4))),
    Row("outer", lambda m, x, y: m.outer(x, y), uniform(-1, 1, (3,), (2, 2))),
    Row("cross", lambda m, x, y: m.cross(x, y), uniform(-1, 1, (4, 3), (3,))),
    Row("cross axes", lambda m, x, y: m.cross(x, y, axisa=0, axisb=-1, axisc=0), uniform(-1, 1, (3, 2), (2, 3))),
    Row("einsum matmul", lambda m, x, y: m.einsum("ij,jk->ik", x, y), uniform(-1, 1, A, (4, 2))),
    Row("einsum three operands", lambda m, x, y, v: m.einsum("ij,jk,k->i", x, y, v), uniform(-1, 1, A, (4, 5), (5,))),
    Row("einsum four operands implicit", lambda m, a, b, c, d: m.einsum("ab,bc,cd,de", a, b, c, d),
        uniform(-1, 1, (2, 3), (3, 4), (4, 2), (2, 3))),
    Row("einsum ellipsis", lambda m, x, y: m.einsum("...ij,...jk->...ik", x, y), uniform(-1, 1, (2, 3, 4), (1, 4, 2))),
    Row("einsum trace", lambda m, x: m.einsum("ii", x), uniform(-1, 1, (3, 3))),
    Row("einsum diagonal", lambda m, x: m.einsum("iji->ij", x), uniform(-1, 1, (3, 2, 3))),
    Row("einsum sum and transpose", lambda m, x: m.einsum("ijk->kj", x), uniform(-1, 1, A3)),
    Row("einsum batch outer", lambda m, x, y: m.einsum("bi,bj->bij", x, y), uniform(-1, 1, (2, 3), (2, 4))),
    Row("einsum scalar", lambda m, s, x: m.einsum(",ij->ji", s, x), uniform(-1, 1, (), A)),
    # -- sorting
    Row("sort", lambda m, x: m.sort(x), _distinct(A)),
    Row("sort axis 0", lambda m, x: m.sort(x, axis=0), _distinct(A3)),
    Row("sort axis None", lambda m, x: m.sort(x, axis=None), _distinct(A)),
    Row("msort", lambda m, x: m.sort(x, axis=0), _distinct(A), ref=lambda x: np.sort(x, axis=0)),
    Row("argsort", lambda m, x: m.argsort(x, axis=-1), _distinct(A), grad=False),
    Row("partition kth", lambda m, x: m.partition(x, 2)[..., 2], _distinct(A)),
    Row("partition sides", lambda m, x: m.max(m.partition(x, 1, axis=0)[:1], axis=0) <=
        m.min(m.partition(x, 1, axis=0)[1:], axis=0), _distinct((5, 3)), grad=False),
    Row("take_along_axis", lambda m, x: m.take_along_axis(x, m.argsort(x, axis=1)[:, ::-1], axis=1),
        _distinct(A)),
    Row("take_along_axis broadcast", lambda m, x: m.take_along_axis(x, np.array([[0], [-1], [2]]), axis=1),
        uniform(-1, 1, A)),
    # -- index tricks
    Row("r_", lambda m, x, y: m.r_[x, 2.5, y, 0:3], uniform(-1, 1, (3,), (2,))),
    Row("r_ linspace", lambda m, x: m.r_[-1:1:5j, x], uniform(-1, 1, (3,))),
    Row("r_ directive", lambda m, x, y: m.r_["0,2", x, y], uniform(-1, 1, (3,), (1, 3))),
    Row("r_ directive trans1d", lambda m, x, y: m.r_["1,2,0", x, y], uniform(-1, 1, (3,), (3, 1))),
    Row("c_", lambda m, x, y: m.c_[x, y], uniform(-1, 1, (3,), (3,))),
    Row("c_ matrices", lambda m, x, y: m.c_[x, y], uniform(-1, 1, (2, 3), (2, 1))),
    Row("s_ indexing", lambda m, x: x[m.s_[1:, ::-2]], uniform(-1, 1, A)),
    Row("index_exp", lambda m, x: x[m.index_exp[..., 1]], uniform(-1, 1, A3)),
    Row("getitem lists", lambda m, x: x[[0, 2], 1:], uniform(-1, 1, A)),
    Row("getitem tuple of lists", lambda m, x: x[[0, 2, 2], [1, 3, 0]], uniform(-1, 1, A)),
]


@pytest.mark.parametrize("row", ROWS, ids=ids(ROWS))
def test_row(row):
    check_row(row)


def test_sort_gradient_follows_the_elements():
    """The cotangent of output position i goes to the element sorted there; a stable sort keeps ties in order,
    so each tied element gets its own position's cotangent (JAX's convention)."""
    x = np.array([3.0, 1.0, 2.0, 1.0])
    w = np.array([10.0, 20.0, 30.0, 40.0])
    g = jaxlike.grad(lambda v: jnp.sum(jnp.sort(v) * w))(x)
    np.testing.assert_array_equal(g, [40.0, 10.0, 30.0, 20.0])


def test_argsort_is_stable_and_has_no_gradient():
    x = np.array([2.0, 1.0, 2.0, 1.0])
    np.testing.assert_array_equal(traced(jnp.argsort)(x), [1, 3, 0, 2])
    g = jaxlike.grad(lambda v: jnp.sum(v[jnp.argsort(v)] * np.arange(4.0)))(x)
    np.testing.assert_array_equal(g, [2.0, 0.0, 3.0, 1.0])


def test_complex_values_sort_in_numpys_order_under_compile():
    """Catches: sort/argsort/partition of a traced complex array refused ("not defined for complex values"),
    and an order other than numpy's: by real part, ties by imaginary part, NaNs last in each."""
    nan = np.nan
    z = np.array([1 + 2j, complex(nan, 0), 1 + 1j, 5j, complex(1, nan), -1 - 1j, complex(nan, nan), 1 + 1j,
                  complex(nan, -3)])
    np.testing.assert_array_equal(traced(jnp.sort)(z), np.sort(z))
    np.testing.assert_array_equal(traced(jnp.argsort)(z), np.argsort(z, kind="stable"))
    np.testing.assert_array_equal(traced(lambda v: jnp.partition(v, 2))(z[:4]), np.sort(z[:4]))
    rows = z[:8].reshape(2, 4)
    np.testing.assert_array_equal(traced(lambda v: jnp.sort(v, axis=0))(rows), np.sort(rows, axis=0))
    g = jaxlike.grad(lambda v: jnp.sum(jnp.sort(v * (1 + 1j)).real * np.arange(3.0)))(np.array([3.0, 1.0, 2.0]))
    np.testing.assert_array_equal(g, [2.0, 0.0, 1.0])


def test_symbolic_sizes_survive_where_no_size_is_read():
    """flip, constant pad, sort, cumsum and friends do not read sizes: one trace serves every length."""
    f = traced(lambda v: jnp.sum(jnp.flip(v) * v) + jnp.sum(jnp.pad(v, 2)) + jnp.sum(jnp.sort(v)[:1]))
    for n in (3, 4, 7):
        x = np.arange(n, dtype=float)
        np.testing.assert_allclose(f(x), np.sum(x[::-1] * x) + np.sum(x) + np.sort(x)[0])
    assert len(f._cache) == 1


def test_roll_tril_triu_trace_keep_symbolic_sizes():
    """Catches: roll, the triangles and trace reading sizes as ints (a retrace per shape): roll gathers from
    (i - shift) mod n, tril/triu/trace compare column - row with k, for sizes known only at the call."""
    f = traced(lambda v: (jnp.roll(v, 2, axis=0), jnp.roll(v, (-1, 4), axis=(0, 1)), jnp.roll(v, 3),
                          jnp.tril(v, -1), jnp.triu(v.T, 1), jnp.tril(v[:, 0]), jnp.trace(v, 1),
                          jnp.trace(v.astype(np.int32), -1)))
    for shape in ((3, 4), (5, 2), (4, 4), (0, 3)):
        x = np.arange(1.0, 1.0 + np.prod(shape)).reshape(shape)
        want = (np.roll(x, 2, axis=0), np.roll(x, (-1, 4), axis=(0, 1)), np.roll(x, 3), np.tril(x, -1),
                np.triu(x.T, 1), np.tril(x[:, 0]), np.trace(x, 1), np.trace(x.astype(np.int32), -1))
        for got, w in zip(f(x), want):
            np.testing.assert_array_equal(got, w)
            assert np.asarray(got).dtype == np.asarray(w).dtype
    assert len(f._cache) == 1


def test_eye_identity_tri_of_a_symbolic_size_stay_symbolic():
    """Catches: ``eye(x.shape[0])`` (Theano's ``T.eye(x.shape[0])``) asking for a concrete size, a retrace
    per shape; dtypes and the k offset as numpy's."""
    f = traced(lambda v: (jnp.eye(v.shape[0]), jnp.identity(v.shape[1], dtype=np.int32),
                          jnp.eye(v.shape[0], 5, k=1), jnp.tri(v.shape[0], v.shape[1], -1),
                          jnp.eye(v.shape[0], v.shape[1], dtype=bool) @ v.T))
    for rows, cols in ((3, 4), (4, 2), (0, 3)):
        x = np.arange(1.0, 1.0 + rows * cols).reshape(rows, cols)
        want = (np.eye(rows), np.identity(cols, dtype=np.int32), np.eye(rows, 5, k=1), np.tri(rows, cols, -1),
                np.eye(rows, cols, dtype=bool) @ x.T)
        for got, w in zip(f(x), want):
            np.testing.assert_array_equal(got, w)
            assert np.asarray(got).dtype == w.dtype
    assert len(f._cache) == 1


def test_pad_by_index_keeps_symbolic_sizes():
    """Catches: pad's edge, wrap, symmetric and reflect modes reading the padded axis's size as an int (a
    retrace per shape). Widths beyond the axis (numpy's repeated reflections), int dtypes, the gradient (each
    source entry sums its copies' terms), and an empty axis refused."""
    modes = ("edge", "wrap", "symmetric", "reflect")
    widths = ((1, 6), (7, 2))
    scales = (1.0, -2.0, 0.5, 3.0)

    def padded(v):
        return tuple(jnp.pad(v, widths, mode=m) for m in modes) + (jnp.pad(v.astype(np.int32), 2, mode="reflect"),)

    f = traced(padded)
    g = traced(jaxlike.grad(lambda v: sum(c * jnp.sum(p ** 2) for c, p in zip(scales, padded(v)))))
    for rows, cols in ((3, 4), (5, 2), (4, 4)):
        x = np.arange(1.0, 1.0 + rows * cols).reshape(rows, cols)
        want = tuple(np.pad(x, widths, mode=m) for m in modes) + (np.pad(x.astype(np.int32), 2, mode="reflect"),)
        for got, w in zip(f(x), want):
            np.testing.assert_array_equal(got, w)
            assert np.asarray(got).dtype == w.dtype
        source = np.arange(rows * cols).reshape(rows, cols)
        grad = np.zeros(rows * cols)
        for c, m in zip(scales, modes):
            copies = np.pad(source, widths, mode=m).ravel()
            np.add.at(grad, copies, 2 * c * x.ravel()[copies])
        np.testing.assert_allclose(g(x), grad.reshape(rows, cols), rtol=1e-12)
    assert len(f._cache) == 1 and len(g._cache) == 1
    with pytest.raises(Exception, match="out of bounds"):
        f(np.ones((0, 3)))


def test_functions_that_need_sizes_specialize_under_compile():
    """array_split reads a size as an int (its pieces' sizes are floor divisions of it): compile retraces it
    with concrete shapes (one entry per shape), values right."""
    f = traced(lambda v: [jnp.sum(p) for p in jnp.array_split(v, 2)])
    for n in (3, 5):
        x = np.arange(1.0, n + 1)
        np.testing.assert_allclose(f(x), [np.sum(p) for p in np.array_split(x, 2)])
    assert len(f._cache) == 2


def test_equal_sections_of_a_symbolic_size_compile_once():
    """Catches: ``split`` into equal sections reading the size (an LSTM's ``jnp.split`` of its gates compiled
    once per sequence length); the sections are rows of a (sections, -1) reshape, checked when it runs: a size
    they do not divide is numpy's error, with the line, not numba's own."""
    f = traced(lambda v: [p * (k + 1) for k, p in enumerate(jnp.split(v, 3, axis=1))])
    g = traced(jaxlike.grad(lambda v: jnp.sum(jnp.split(v, 2, axis=-1)[1] ** 2)))
    for cols in (6, 12, 0):
        x = np.arange(2.0 * cols).reshape(2, cols)
        for got, want in zip(f(x), [p * (k + 1) for k, p in enumerate(np.split(x, 3, axis=1))]):
            np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(g(x), np.where(np.arange(cols) >= cols // 2, 2 * x, 0.0))
    assert len(f._cache) == 1 and len(g._cache) == 1
    numba_f = jaxlike.compile(lambda v: jnp.split(v, 3, axis=1)[2] * 2.0)
    np.testing.assert_array_equal(numba_f(np.arange(12.0).reshape(2, 6)), [[8.0, 10.0], [20.0, 22.0]])
    for run in (f, numba_f):
        with pytest.raises(ValueError, match=r"reshape.*size 14.*\(at test_shape_surface\.py:\d+\)"):
            run(np.ones((2, 7)))
    with pytest.raises(ValueError, match="sections must be positive"):
        jnp.split(np.ones(4), 0)


def test_every_diagonal_of_symbolic_planes_compiles_once():
    """Catches: an off-centre diagonal, or the main one of non-square planes, reading the sizes as ints (a
    retrace per shape; Theano's x.diagonal() raised): a strided slice of the flattened planes whose bounds
    are products and sums of the sizes serves every shape, empty and one-row planes included."""
    f = traced(lambda a: tuple(jnp.diagonal(a, k) for k in (0, 1, -1, 3, -2)) + (jnp.diagonal(a[None] * 2, 1, 1, 2),))
    for s in [(3, 5), (5, 3), (4, 4), (0, 3), (3, 0), (2, 7)]:
        a = np.arange(np.prod(s), dtype=float).reshape(s) + 1
        want = tuple(np.diagonal(a, k) for k in (0, 1, -1, 3, -2)) + (np.diagonal(a[None] * 2, 1, 1, 2),)
        for got, w in zip(f(a), want):
            assert got.shape == w.shape
            np.testing.assert_array_equal(got, w)
    assert len(f._cache) == 1
    a = np.random.default_rng(0).normal(size=(3, 5))
    check_grads(lambda a: jnp.diagonal(a, 1) ** 2 + jnp.sum(jnp.diagonal(a, -1)), (a,), order=1)


def test_tile_repeat_kron_of_two_symbolic_axes_compile_once():
    """Catches: tile, repeat and kron merging broadcast axes of two symbolic sizes by reading them as ints
    (a retrace per shape), or by one -1 per reshape, ambiguous beside a size 0 (numpy refuses it)."""
    f = traced(lambda a, b: (jnp.tile(a, (2, 3)), jnp.kron(a, b), jnp.repeat(a, 2), jnp.tile(a, 2)))
    for sa, sb in [((2, 3), (2, 2)), ((4, 5), (3, 2)), ((0, 2), (2, 3)), ((2, 0), (0, 4))]:
        a = np.arange(np.prod(sa), dtype=float).reshape(sa)
        b = np.arange(np.prod(sb), dtype=float).reshape(sb) - 2
        for got, want in zip(f(a, b), (np.tile(a, (2, 3)), np.kron(a, b), np.repeat(a, 2), np.tile(a, 2))):
            assert got.shape == want.shape
            np.testing.assert_array_equal(got, want)
    assert len(f._cache) == 1


def test_tile_and_repeat_keep_symbolic_sizes():
    """Catches: tile and repeat reading the repeated axis's size as an int where the merged axis can be the
    reshape's -1 (every other size known and non-zero): one trace for every length, empty inputs included.
    Beside a symbolic size the -1 would be ambiguous for an empty array (numpy refuses it), so they retrace."""
    f = traced(lambda v: (jnp.tile(v, 2), jnp.tile(v, (3, 1)), jnp.repeat(v, 3), jnp.repeat(v[:, None], 2, axis=0),
                          jnp.tile(v, 0), jnp.repeat(v, 0)))
    for n in (3, 5, 0):
        x = np.arange(1.0, 1.0 + n)
        want = (np.tile(x, 2), np.tile(x, (3, 1)), np.repeat(x, 3), np.repeat(x[:, None], 2, axis=0), np.tile(x, 0),
                np.repeat(x, 0))
        for got, w in zip(f(x), want):
            np.testing.assert_array_equal(got, w)
    assert len(f._cache) == 1
    g = traced(lambda m: (jnp.tile(m, 2), jnp.repeat(m, 2, axis=0)))
    for shape in ((0, 3), (2, 0), (2, 3)):
        x = np.ones(shape)
        for got, w in zip(g(x), (np.tile(x, 2), np.repeat(x, 2, axis=0))):
            np.testing.assert_array_equal(got, w)


def test_diag_and_diagonal_of_one_symbolic_size_stay_symbolic():
    """The main diagonal of square planes of one symbolic size (a covariance ``x @ x.T``), and ``diag`` of a
    vector on any diagonal k: one trace for every size, dtypes kept, gradients to the diagonal only."""
    f = traced(lambda v: (jnp.diagonal(v @ v.T), jnp.diag(v @ v.T), jnp.diag(v[:, 0]),
                          jnp.diagonal((v @ v.T > 20).astype(np.int32)), jnp.diagonal(v[:, None, :] * v[None]),
                          jnp.diag(v[:, 0], 2), jnp.diag(v[:, 1] > 3, -1)))
    for rows, cols in ((3, 4), (4, 2), (0, 3)):
        x = np.arange(1.0, 1.0 + rows * cols).reshape(rows, cols)
        c = x @ x.T
        want = (np.diagonal(c), np.diag(c), np.diag(x[:, 0]), np.diagonal((c > 20).astype(np.int32)),
                np.diagonal(x[:, None, :] * x[None]), np.diag(x[:, 0], 2), np.diag(x[:, 1] > 3, -1))
        for got, w in zip(f(x), want):
            np.testing.assert_array_equal(got, w)
            assert np.asarray(got).dtype == w.dtype
    assert len(f._cache) == 1
    g = jaxlike.grad(lambda m: jnp.sum(jnp.diagonal(m @ m.T) * np.arange(3.0)))(np.ones((3, 2)))
    np.testing.assert_array_equal(g, 2 * np.arange(3.0)[:, None] * np.ones((3, 2)))


@pytest.mark.parametrize("call,err", [
    (lambda x: jnp.pad(x, 1, mode=lambda vector, width, axis, kwargs: None), "not supported"),
    (lambda x: jnp.pad(x, -1), "negative"),
    (lambda x: jnp.repeat(x, [1, 2]), "do not match"),
    (lambda x: jnp.partition(x, 9), "out of bounds"),
    (lambda x: jnp.cross(x, x), "dimension must be 2 or 3"),
    (lambda x: jnp.einsum("ij,jk", x, x, x), "operand terms"),
    (lambda x: jnp.einsum("ij->ik", x), "does not appear"),
    (lambda x: jnp.rot90(x, axes=(0, 0)), "different"),
    (lambda x: jnp.r_["r", x], "matrix"),
    (lambda x: jnp.sort(x, order="f"), "structured"),
])
def test_bad_arguments_name_the_problem(call, err):
    with pytest.raises((ValueError, TypeError, np.exceptions.AxisError), match=err):
        jaxlike.grad(lambda v: jnp.sum(call(v)))(np.ones((4, 4)))


def test_integer_arrays_are_fine_as_non_differentiable_inputs():
    """Integer index arrays next to a differentiated float argument: the gradient is for the float only."""
    idx = np.array([[2, 0, 1], [1, 1, 0]])
    x = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    g = jaxlike.grad(lambda v, i: jnp.sum(jnp.take_along_axis(v, i, axis=1)))(x, idx)
    np.testing.assert_array_equal(g, [[1, 1, 1], [1, 2, 0]])
    out = traced(lambda v, i: jnp.repeat(jnp.cumsum(i, axis=1), 2, axis=0) + jnp.sum(v))(x, idx)
    np.testing.assert_array_equal(out, np.repeat(np.cumsum(idx, axis=1), 2, axis=0) + x.sum())


def test_einsum_contracts_the_cheap_pair_first():
    """Catches: left-to-right contraction, which forms the n x n product A @ B before applying it to v;
    the greedy path multiplies B by v first, so no intermediate is a matrix."""
    n = 6
    a, b, v = np.ones((n, n)), np.ones((n, n)), np.ones(n)
    f = traced(lambda p, q, r: jnp.einsum("ij,jk,k->i", p, q, r))
    contracts = [e for e in f.graph(a, b, v).eqns() if e.prim.name == "contract"]
    assert len(contracts) == 2 and all(e.ndim == 1 for e in contracts), [repr(e.type) for e in contracts]
    np.testing.assert_allclose(f(a, b, v), a @ b @ v)


def test_a_constant_broadcast_to_a_symbolic_shape_keeps_it_symbolic():
    f = jaxlike.compile(lambda x: jnp.broadcast_to(np.array([1.0, 2.0]), (x.shape[0], 2)) * x[:, None],
                        mode="FAST_COMPILE")
    np.testing.assert_array_equal(f(np.ones(3)), [[1.0, 2.0]] * 3)
    assert f(np.ones(5)).shape == (5, 2) and len(f._cache) == 1 and not f._compiled._specialize


def test_roll_by_a_traced_shift():
    """Catches: jnp.roll reading a traced shift as an int (JAX takes one), which T.roll had worked around with a
    gather of its own; both now share jnp.roll's (i - shift) mod n."""
    f = traced(lambda v, s: (jnp.roll(v, s, axis=1), jnp.roll(v, s)))
    x = np.arange(12.0).reshape(3, 4)
    for s in (1, -5, 7, 0):
        got = f(x, np.int64(s))
        np.testing.assert_array_equal(got[0], np.roll(x, s, 1))
        np.testing.assert_array_equal(got[1], np.roll(x, s))
    with pytest.raises(TypeError, match="integer scalar"):
        traced(lambda v, s: jnp.roll(v, s, axis=0))(x, 1.5)


def test_a_float_or_negative_size_is_refused_as_numpy_refuses_it():
    """Catches: a float size taken as a size (``ones(3.0)`` had size 1 under compile, ``tile(x, 2.7)`` two
    repetitions) or a negative one accepted, where numpy and JAX raise."""
    cases = [(lambda x: jnp.ones(3.0) * x, TypeError, "must be integers"),
             (lambda x: jnp.zeros((2.9, 3)) + x, TypeError, "must be integers"),
             (lambda x: jnp.broadcast_to(x, (2.0,)), TypeError, "must be integers"),
             (lambda x: jnp.tile(x, 2.7), TypeError, "integer"),
             (lambda x: jnp.reshape(x, (1.0, 1)), TypeError, "integer"),
             (lambda x: jnp.full((-2,), 1.0) * x, ValueError, "negative dimensions")]
    for fn in (lambda f: f, jaxlike.compile):
        for f, error, message in cases:
            with pytest.raises(error, match=message):
                fn(f)(np.ones(1))
