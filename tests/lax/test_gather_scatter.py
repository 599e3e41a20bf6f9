"""``lax.gather`` and the ``lax.scatter`` family against a loop-by-loop numpy reference of XLA's semantics
(every index vector, every window element, clamped or dropped as the mode says), and against numpy's own
indexing for the forms jnp indexing produces; values eager and traced (FAST_COMPILE), gradients against finite
differences, vmap over batched and unbatched indices, error messages, and one Numba-compiled bundle.

What it catches: a window dimension placed at the wrong output position, a start index mapped to the wrong
operand dimension, batching dimensions paired wrongly, negative indices wrapping (lax clamps or drops them),
a window that is partly out of range but still written, repeated indices that overwrite where they must
accumulate (add, mul, min, max) or a winner other than the last update, and wrong gradients."""

import itertools

import numpy as np
import pytest

import jaxlike
import jaxlike.lax as lax
import jaxlike.numpy as jnp
from jaxlike.test_util import check_grads

GD, SD = lax.GatherDimensionNumbers, lax.ScatterDimensionNumbers


# -- the reference: XLA's definitions, one element at a time ------------------------------------------------------
def _window_positions(op_shape, idx, index_map, dropped, op_batch, idx_batch, sizes, clip):
    """Yield (batch index, window index, operand index or None when the window is out of range)."""
    window = [d for d in range(len(op_shape)) if d not in dropped and d not in op_batch]
    for b in itertools.product(*map(range, idx.shape[:-1])):
        start = [0] * len(op_shape)
        inside = True
        for k, d in enumerate(index_map):
            s = int(idx[b + (k,)])
            hi = op_shape[d] - sizes[d]
            inside &= 0 <= s <= hi
            start[d] = min(max(s, 0), hi)
        for d, j in zip(op_batch, idx_batch):
            start[d] = b[j]
        for w in itertools.product(*[range(sizes[d]) for d in window]):
            full = list(start)
            for d, o in zip(window, w):
                full[d] += o
            yield b, w, (tuple(full) if clip or inside else None)


def ref_gather(x, idx, dn, sizes, mode=None, fill=np.nan):
    clip = mode in (None, "clip")
    nb = idx.ndim - 1
    window = [d for d in range(x.ndim) if d not in dn.collapsed_slice_dims and d not in dn.operand_batching_dims]
    out = np.empty(idx.shape[:-1] + tuple(sizes[d] for d in window), x.dtype)
    for b, w, pos in _window_positions(x.shape, idx, dn.start_index_map, dn.collapsed_slice_dims,
                                       dn.operand_batching_dims, dn.start_indices_batching_dims, sizes, clip):
        out[b + w] = x[pos] if pos is not None else fill
    rest = iter(range(nb))
    perm = [nb + dn.offset_dims.index(p) if p in dn.offset_dims else next(rest) for p in range(out.ndim)]
    return out.transpose(perm)


COMBINE = {"scatter": lambda a, b: b, "scatter_add": np.add, "scatter_sub": np.subtract,
           "scatter_mul": np.multiply, "scatter_min": np.minimum, "scatter_max": np.maximum}


def ref_scatter(op, x, idx, u, dn, mode=None):
    out = np.array(x, copy=True)
    scatter_dims = [d for d in range(u.ndim) if d not in dn.update_window_dims]
    ut = u.transpose(scatter_dims + list(dn.update_window_dims))
    sizes = [1] * x.ndim
    window = [d for d in range(x.ndim) if d not in dn.inserted_window_dims and d not in dn.operand_batching_dims]
    for d, w in zip(window, dn.update_window_dims):
        sizes[d] = u.shape[w]
    for b, w, pos in _window_positions(x.shape, idx, dn.scatter_dims_to_operand_dims, dn.inserted_window_dims,
                                       dn.operand_batching_dims, dn.scatter_indices_batching_dims, sizes,
                                       mode == "clip"):
        if pos is not None:
            out[pos] = COMBINE[op](out[pos], ut[b + w])
    return out


# -- cases ------------------------------------------------------------------------------------------------------
RNG = np.random.default_rng(7)
X3 = RNG.normal(size=(4, 5, 3))
GATHERS = {
    "point": (np.array([[0, 1, 2], [3, 4, 0], [5, -1, 1]]), GD((), (0, 1, 2), (0, 1, 2)), (1, 1, 1)),
    "rows": (np.array([[2], [0], [3], [2]]), GD((1, 2), (0,), (0,)), (1, 5, 3)),
    "window": (np.array([[1, 2], [4, 0], [-3, 9]]), GD((1, 2, 3), (), (1, 0)), (2, 3, 2)),
    "batched": (RNG.integers(-1, 6, size=(4, 6, 1)), GD((2,), (1,), (1,), (0,), (0,)), (1, 1, 3)),
    "interleaved": (np.array([[1], [3], [7]]), GD((0, 2), (1,), (1,)), (4, 1, 3)),
    "scalar_batch": (np.array([3, 1]), GD((0,), (0, 1), (0, 1)), (1, 1, 2)),
}


@pytest.mark.parametrize("mode", [None, "clip", "fill"])
@pytest.mark.parametrize("name", list(GATHERS))
def test_gather_values(name, mode):
    idx, dn, sizes = GATHERS[name]
    want = ref_gather(X3, idx, dn, sizes, mode)
    got = lax.gather(X3, idx, dn, sizes, mode=mode)
    traced = jaxlike.compile(lambda x, i: lax.gather(x, i, dn, sizes, mode=mode), mode="FAST_COMPILE")(X3, idx)
    for g in (got, traced):
        assert np.shape(g) == want.shape
        np.testing.assert_allclose(g, want, rtol=0, atol=0)


def test_gather_forms_are_numpy_indexing():
    i = np.array([2, 0, 3, 2])
    np.testing.assert_array_equal(lax.gather(X3, i[:, None], GD((1, 2), (0,), (0,)), (1, 5, 3)), X3[i])
    j = np.array([4, 0, 1, 1])
    np.testing.assert_array_equal(lax.gather(X3, np.stack([i, j], -1), GD((1,), (0, 1), (0, 1)), (1, 1, 3)),
                                  X3[i, j])
    k = RNG.integers(0, 5, size=(4, 6))
    np.testing.assert_array_equal(lax.gather(X3, k[..., None], GD((2,), (1,), (1,), (0,), (0,)), (1, 1, 3)),
                                  np.take_along_axis(X3, k[..., None], axis=1))
    # a dynamic slice: one start vector, a window that clamps into range as lax.dynamic_slice does
    np.testing.assert_array_equal(lax.gather(X3, np.array([3, 4, 1]), GD((0, 1, 2), (), (0, 1, 2)), (2, 2, 3)),
                                  X3[2:4, 3:5, 0:3])


def test_gather_fill_dtypes():
    x = np.arange(6, dtype=np.int32).reshape(2, 3)
    dn, idx = GD((1,), (0,), (0,)), np.array([[1], [2], [-1]])
    np.testing.assert_array_equal(lax.gather(x, idx, dn, (1, 3), mode="fill"),
                                  [[3, 4, 5]] + [[np.iinfo(np.int32).min] * 3] * 2)
    assert lax.gather(x, idx, dn, (1, 3), mode="fill").dtype == np.int32
    np.testing.assert_array_equal(lax.gather(x.astype(np.uint8), idx, dn, (1, 3), mode="fill", fill_value=7)[1],
                                  [7, 7, 7])
    np.testing.assert_array_equal(lax.gather(x > 2, idx, dn, (1, 3), mode=lax.GatherScatterMode.FILL_OR_DROP)[2],
                                  [True] * 3)


O2 = RNG.normal(size=(4, 3))
SCATTERS = {
    "points": (np.array([[0, 1], [0, 1], [3, 2], [5, 0], [-1, 0]]), RNG.normal(size=(5,)), SD((), (0, 1), (0, 1))),
    "rows": (np.array([[1], [1], [3], [7]]), RNG.normal(size=(4, 3)), SD((1,), (0,), (0,))),
    "rows_transposed": (np.array([[1], [1], [3]]), RNG.normal(size=(3, 3)), SD((0,), (0,), (0,))),
    "batched": (np.array([[[0], [2]], [[1], [1]], [[2], [2]], [[0], [-1]]]), RNG.normal(size=(4, 2)),
                SD((), (1,), (1,), (0,), (0,))),
    "window": (np.array([[1, 0], [3, 2], [2, 1]]), RNG.normal(size=(3, 2, 2)), SD((1, 2), (), (0, 1))),
}
OPS = list(COMBINE)


@pytest.mark.parametrize("mode", [None, "clip"])
@pytest.mark.parametrize("name", list(SCATTERS))
def test_scatter_values(name, mode):
    idx, u, dn = SCATTERS[name]
    fns = [getattr(lax, op) for op in OPS]
    traced = jaxlike.compile(lambda x, v: [f(x, idx, v, dn, mode=mode) for f in fns], mode="FAST_COMPILE")(O2, u)
    for op, f, t in zip(OPS, fns, traced):
        want = ref_scatter(op, O2, idx, u, dn, mode)
        np.testing.assert_allclose(f(O2, idx, u, dn, mode=mode), want, rtol=1e-14, err_msg=op)
        np.testing.assert_allclose(t, want, rtol=1e-14, err_msg=op)


def test_scatter_integer_and_bool_dtypes():
    idx, dn = np.array([[0], [0], [2], [3]]), SD((), (0,), (0,))
    x = np.array([2, -3, 5], np.int32)
    u = np.array([7, -4, 6, 9], np.int32)
    for op in OPS:
        got = getattr(lax, op)(x, idx, u, dn)
        assert got.dtype == np.int32, op
        np.testing.assert_array_equal(got, ref_scatter(op, x, idx, u, dn), err_msg=op)
    big = np.array([3 ** 20, 1], np.int64)     # exact integer products, beyond float64's 53 bits
    np.testing.assert_array_equal(lax.scatter_mul(big, np.array([[0], [0]]), np.array([3 ** 10, 3 ** 9]), dn),
                                  [3 ** 39, 1])
    b = np.array([True, False, False])
    ub = np.array([False, True, True, True])
    np.testing.assert_array_equal(lax.scatter(b, idx, ub, dn), [True, False, True])
    np.testing.assert_array_equal(lax.scatter_add(b, idx, ub, dn), [True, False, True])
    np.testing.assert_array_equal(lax.scatter_mul(b, idx, ub, dn), [False, False, False])
    np.testing.assert_array_equal(lax.scatter_max(b, idx, ub, dn), [True, False, True])


def test_scatter_nan_and_apply():
    idx, dn = np.array([[0], [0], [2]]), SD((), (0,), (0,))
    x = np.zeros(3)
    u = np.array([-1.0, np.nan, 3.0])
    np.testing.assert_array_equal(lax.scatter_min(x, idx, u, dn), [np.nan, 0.0, 0.0])
    np.testing.assert_array_equal(lax.scatter_max(x, idx, u, dn), [np.nan, 0.0, 3.0])
    got = lax.scatter_apply(np.arange(3.0), np.array([[0], [0], [2], [5]]), lambda v: v * 10 + 1, dn,
                            update_shape=(4,))
    np.testing.assert_array_equal(got, [1.0, 1.0, 21.0])
    f = jaxlike.compile(lambda x: lax.scatter_apply(x, np.array([[1]]), jnp.exp, dn, update_shape=(1,)),
                        mode="FAST_COMPILE")
    np.testing.assert_allclose(f(np.arange(3.0)), [0.0, np.e, 2.0])


def test_gradients():
    x, idx = RNG.normal(size=(4, 5)), np.array([[2], [0], [2], [-1]])
    check_grads(lambda a: lax.gather(a, idx, GD((1,), (0,), (0,)), (1, 5)), (x,), order=2)
    check_grads(lambda a: lax.gather(a, idx, GD((1,), (0,), (0,)), (1, 3), mode="fill", fill_value=0.5), (x,), order=2)
    bidx = RNG.integers(0, 5, size=(4, 3, 1))
    check_grads(lambda a: lax.gather(a, bidx, GD((), (1,), (1,), (0,), (0,)), (1, 1)), (x,), order=2)
    dn = SD((1,), (0,), (0,))
    u = RNG.normal(size=(4, 5))     # distinct values: min/max have no ties for finite differences to straddle
    for op in OPS:
        check_grads(lambda a, v: getattr(lax, op)(a, idx, v, dn), (x, u), order=2)
    check_grads(lambda a: lax.scatter_apply(a, idx, jnp.sin, dn, update_shape=(4, 5)), (x,), order=2)


def test_set_and_tie_gradients():
    x, idx, dn = np.array([1.0, 0.0, 3.0]), np.array([[0], [0], [2]]), SD((), (0,), (0,))
    u = np.array([5.0, 6.0, 7.0])
    np.testing.assert_array_equal(lax.scatter(x, idx, u, dn), [6.0, 0.0, 7.0])   # the last update wins
    np.testing.assert_array_equal(jaxlike.grad(lambda v: lax.scatter(x, idx, v, dn).sum())(u), [0.0, 1.0, 1.0])
    np.testing.assert_array_equal(jaxlike.grad(lambda a: lax.scatter(a, idx, u, dn).sum())(x), [0.0, 1.0, 0.0])
    # the candidates equal to a max share its gradient: x[0] ties two updates, x[2] one
    ties = np.array([1.0, 1.0, 3.0])
    np.testing.assert_allclose(jaxlike.grad(lambda v: lax.scatter_max(x, idx, v, dn).sum())(ties), [1 / 3, 1 / 3, .5])
    np.testing.assert_allclose(jaxlike.grad(lambda a: lax.scatter_max(a, idx, ties, dn).sum())(x), [1 / 3, 1, .5])
    np.testing.assert_allclose(jaxlike.grad(lambda v: lax.scatter_mul(x + 2, idx, v, dn).sum())(u),
                               [3 * 6, 3 * 5, 5])


def test_vmap():
    dn_g, dn_s = GD((1,), (0,), (0,)), SD((1,), (0,), (0,))
    xs, us = RNG.normal(size=(3, 4, 5)), RNG.normal(size=(3, 2, 5))
    ids = np.array([[[1], [3]], [[0], [0]], [[3], [2]]])
    shared = np.array([[2], [2]])
    got = jaxlike.vmap(lambda x, i: lax.gather(x, i, dn_g, (1, 5)))(xs, ids)
    np.testing.assert_array_equal(got, np.stack([xs[k][ids[k, :, 0]] for k in range(3)]))
    got = jaxlike.vmap(lambda x: lax.gather(x, shared, dn_g, (1, 5)))(xs)
    np.testing.assert_array_equal(got, xs[:, [2, 2]])
    for op in OPS:
        f = getattr(lax, op)
        want = np.stack([ref_scatter(op, xs[k], ids[k], us[k], dn_s) for k in range(3)])
        np.testing.assert_allclose(jaxlike.vmap(lambda x, i, v: f(x, i, v, dn_s))(xs, ids, us), want,
                                   rtol=1e-12, atol=1e-14, err_msg=op)
        want = np.stack([ref_scatter(op, xs[k], shared, us[k], dn_s) for k in range(3)])
        np.testing.assert_allclose(jaxlike.vmap(lambda x, v: f(x, shared, v, dn_s))(xs, us), want, rtol=1e-12,
                                   atol=1e-14, err_msg=op)


def test_errors():
    x, dn = np.zeros((3, 4)), GD((1,), (0,), (0,))
    with pytest.raises(TypeError, match="start_indices must be integers"):
        lax.gather(x, np.array([[0.0]]), dn, (1, 4))
    with pytest.raises(ValueError, match=r"slice_sizes\[1\] = 5"):
        lax.gather(x, np.array([[0]]), dn, (1, 5))
    with pytest.raises(ValueError, match="collapsed_slice_dims has 0, whose slice size must be 1"):
        lax.gather(x, np.array([[0]]), dn, (2, 4))
    with pytest.raises(ValueError, match="offset_dims"):
        lax.gather(x, np.array([[0]]), GD((), (0,), (0,)), (1, 4))
    with pytest.raises(ValueError, match="start_index_map"):
        lax.gather(x, np.array([[0, 1]]), dn, (1, 4))
    with pytest.raises(NotImplementedError, match="ONE_HOT"):
        lax.gather(x, np.array([[0]]), dn, (1, 4), mode=lax.GatherScatterMode.ONE_HOT)
    with pytest.raises(ValueError, match="mode"):
        lax.gather(x, np.array([[0]]), dn, (1, 4), mode="wrap")
    sd = SD((1,), (0,), (0,))
    with pytest.raises(TypeError, match="same dtypes, got float64 .* and int64"):
        lax.scatter_add(x, np.array([[0]]), np.zeros((1, 4), np.int64), sd)
    with pytest.raises(ValueError, match="index batch shape"):
        lax.scatter(x, np.array([[0], [1]]), np.zeros((1, 4)), sd)
    with pytest.raises(ValueError, match="larger than operand"):
        lax.scatter(x, np.array([[0]]), np.zeros((1, 5)), sd)
    with pytest.raises(TypeError, match="GatherDimensionNumbers"):
        lax.gather(x, np.array([[0]]), sd, (1, 4))


def test_numba_bundle():
    x, u = RNG.normal(size=(4, 5)), RNG.normal(size=(4, 5))
    idx = np.array([[2], [0], [2], [9]])
    dn_g, dn_s = GD((1,), (0,), (0,)), SD((1,), (0,), (0,))

    def f(a, i, v):
        return (lax.gather(a, i, dn_g, (1, 5), mode="clip"), lax.scatter(a, i, v, dn_s),
                lax.scatter_add(a, i, v, dn_s, mode="clip"), lax.scatter_max(a, i, v, dn_s))
    got = jaxlike.compile(f)(x, idx, u)
    want = [ref_gather(x, idx, dn_g, (1, 5), "clip"), ref_scatter("scatter", x, idx, u, dn_s),
            ref_scatter("scatter_add", x, idx, u, dn_s, "clip"), ref_scatter("scatter_max", x, idx, u, dn_s)]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-14)
