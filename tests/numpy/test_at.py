"""``x.at[index].op(v)`` (JAX's functional updates) and ``lax.dynamic_slice``/``dynamic_update_slice``: values
against numpy on copies, the operand left untouched, gradients against finite differences, and the compiled
results equal to the interpreted ones. One compiled function covers the update kinds."""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike import lax
from jaxlike.test_util import check_grads


def _updates(x, v, i):
    return (x.at[i].set(v), x.at[1:3].add(v), x.at[np.array([0, 0, 2])].add(1.0), x.at[i].multiply(3.0),
            x.at[::2].get(), x.at[i].apply(jnp.sin), x.at[..., 0].max(v), x.at[-1].min(v), x.at[i].divide(2.0),
            x.at[i].power(2.0), x.at[0].subtract(v))


def _numpy_updates(x, v, i):
    out = []
    for idx, fn in ((i, lambda o: v), (slice(1, 3), lambda o: o + v)):
        y = x.copy()
        y[idx] = fn(y[idx])
        out.append(y)
    y = x.copy()
    np.add.at(y, np.array([0, 0, 2]), 1.0)
    out.append(y)
    for idx, fn in ((i, lambda o: o * 3.0),):
        y = x.copy()
        y[idx] = fn(y[idx])
        out.append(y)
    out.append(x[::2])
    for idx, fn in ((i, np.sin), ((Ellipsis, 0), lambda o: np.maximum(o, v)), (-1, lambda o: np.minimum(o, v)),
                    (i, lambda o: o / 2.0), (i, lambda o: o ** 2.0), (0, lambda o: o - v)):
        y = x.copy()
        y[idx] = fn(y[idx])
        out.append(y)
    return out


UPDATES = jaxlike.compile(_updates)


@pytest.mark.parametrize("shape", [(5,), (4, 3)])
def test_updates_match_numpy_and_leave_the_operand(shape):
    x = np.arange(np.prod(shape), dtype=float).reshape(shape)
    keep = x.copy()
    for got_all in (UPDATES(x, 10.0, 3), _traced(x, 10.0, 3)):
        for k, (got, want) in enumerate(zip(got_all, _numpy_updates(x, 10.0, 3))):
            np.testing.assert_allclose(got, want, err_msg=f"update {k}")
    np.testing.assert_array_equal(x, keep)


def _traced(x, v, i):
    return jaxlike.api.eval_traced(_updates, x, v, i) if hasattr(jaxlike.api, "eval_traced") else \
        jaxlike.compile(_updates, mode="FAST_COMPILE")(x, v, i)


def test_update_gradients():
    x = np.linspace(-1.0, 1.0, 6).reshape(2, 3)
    # NOTE: eager values are numpy arrays, which have no .at; compiled functions differentiate
    check_grads(jaxlike.compile(lambda x, v: jnp.sum(x.at[1, 1:].set(v) ** 2)), (x, np.array([0.3, -0.7])), order=2)
    check_grads(jaxlike.compile(lambda x, v: jnp.sum(jnp.sin(x.at[np.array([0, 0, 1])].add(v)))), (x, 0.4), order=2)
    check_grads(jaxlike.compile(lambda x: jnp.sum(x.at[0].multiply(x[1]) ** 2)), (x,), order=1)


def test_repeated_positions_combine_every_value_written_there():
    """Catches: min/max/multiply/divide at repeated positions taken as the mean of one combination per write
    (x.at[[0, 0]].min([3, 1]) with x[0] = 5 gave 2, JAX 1; multiply gave 10, JAX 15), NaN among a position's
    values not propagating through min, booleans and integers combined inexactly, and gradients that do not
    follow the value that won."""
    x = np.array([5.0, 2.0, 7.0, -1.0])
    i = np.array([2, 0, 2, 2, 0])
    v = np.array([9.0, 1.0, 3.0, 8.0, 6.0])
    want = {"min": x.copy(), "max": x.copy(), "multiply": x.copy(), "divide": x.copy()}
    np.minimum.at(want["min"], i, v)
    np.maximum.at(want["max"], i, v)
    np.multiply.at(want["multiply"], i, v)
    np.divide.at(want["divide"], i, v)
    fast = {k: jaxlike.compile(lambda x, i, v, k=k: getattr(x.at[i], k)(v), mode="FAST_COMPILE") for k in want}
    for k, f in fast.items():
        np.testing.assert_allclose(f(x, i, v), want[k], rtol=1e-15, err_msg=k)
    with_nan = v.copy()
    with_nan[1] = np.nan
    for k in ("min", "max"):
        got = fast[k](x, i, with_nan)
        assert np.isnan(got[0]) and got[2] == want[k][2] and got[1] == 2.0, k
    b = np.array([True, False, True])
    np.testing.assert_array_equal(fast["max"](b, np.array([1, 1]), np.array([False, True])), [True, True, True])
    np.testing.assert_array_equal(fast["min"](b, np.array([0, 0]), np.array([True, False])), [False, False, True])
    n = np.array([5, 2, 7], np.int64)
    np.testing.assert_array_equal(fast["multiply"](n, np.array([2, 2, 0]), np.array([2, 3, 4])), [20, 2, 42])
    compiled = jaxlike.compile(lambda x, i, v: (x.at[i].max(v), x.at[i].multiply(v)))
    np.testing.assert_allclose(compiled(x, i, v)[0], want["max"])
    np.testing.assert_allclose(compiled(x, i, v)[1], want["multiply"])
    g = jaxlike.grad(lambda x, v: jnp.sum(x.at[np.array([0, 0, 1])].max(v) * np.array([1.0, 10, 100, 1000])),
                     argnums=(0, 1))(x, np.array([7.0, 6.0, 1.0]))
    np.testing.assert_array_equal(g[0], [0.0, 10.0, 100.0, 1000.0])
    np.testing.assert_array_equal(g[1], [1.0, 0.0, 0.0])
    check_grads(jaxlike.compile(lambda x, v: jnp.sum(x.at[np.array([0, 0, 3])].multiply(v) ** 2), mode="FAST_COMPILE"),
                (x, np.array([0.5, -2.0, 3.0])), order=2)


def test_set_at_repeated_positions_keeps_the_last_value():
    """Catches: set at a repeated position storing the mean of its values (numpy and JAX on the CPU keep the
    last one), for traced and concrete integer-array indices (a negative entry naming the same position as a
    positive one too), with the gradient reaching the last value only; slices and masks keep the cheap path."""
    x = np.array([5.0, 2.0, 7.0])
    traced_index = jaxlike.compile(lambda x, i, v: x.at[i].set(v), mode="FAST_COMPILE")
    np.testing.assert_array_equal(traced_index(x, np.array([0, 2, 0]), np.array([1.0, 3.0, 4.0])), [4.0, 2.0, 3.0])
    concrete = jaxlike.compile(lambda x, v: (x.at[[0, 0]].set(v), x.at[np.array([-1, 2])].set(v)), mode="FAST_COMPILE")
    for got, want in zip(concrete(x, np.array([1.0, 9.0])), ([9.0, 2.0, 7.0], [5.0, 2.0, 9.0])):
        np.testing.assert_array_equal(got, want)
    g = jaxlike.grad(lambda v: jnp.sum(jnp.asarray(x).at[np.array([0, 0, 1])].set(v) * np.array([1.0, 10, 100])))
    np.testing.assert_array_equal(g(np.array([1.0, 2.0, 3.0])), [0.0, 1.0, 10.0])
    two = jaxlike.compile(lambda m, v: m.at[np.array([0, 0]), np.array([1, 1])].set(v), mode="FAST_COMPILE")
    np.testing.assert_array_equal(two(np.zeros((2, 3)), np.array([1.0, 2.0])), [[0, 2, 0], [0, 0, 0]])
    want = x.copy()
    want[[2, 0, 2]] = [1.0, 6.0, 8.0]
    np.testing.assert_array_equal(jaxlike.compile(lambda x, i, v: x.at[i].set(v))(x, np.array([2, 0, 2]),
                                                                                   np.array([1.0, 6.0, 8.0])), want)


def test_set_in_a_loop_fills_a_buffer():
    fill = jaxlike.compile(lambda n: lax.fori_loop(0, 5, lambda i, buf: buf.at[i].set(i * n), jnp.zeros(5)))
    np.testing.assert_allclose(fill(2.0), [0, 2, 4, 6, 8])


def test_dynamic_slices():
    x = np.arange(12.0).reshape(3, 4)
    f = jaxlike.compile(lambda x, i, j: (lax.dynamic_slice(x, (i, j), (2, 2)),
                                         lax.dynamic_update_slice(x, -jnp.ones((2, 2)), (i, j)),
                                         lax.dynamic_index_in_dim(x, i, 0, keepdims=False)))
    # NOTE: JAX counts a negative start from the end, then clamps the window into the array
    def start(k, n, size):
        return min(max(k + n if k < 0 else k, 0), n - size)
    for i, j in ((1, 1), (2, 3), (-4, 0), (-1, -2), (-3, -9)):
        ci, cj = start(i, 3, 2), start(j, 4, 2)
        s, u, row = f(x, i, j)
        want_u = x.copy()
        want_u[ci:ci + 2, cj:cj + 2] = -1
        np.testing.assert_array_equal(s, x[ci:ci + 2, cj:cj + 2])
        np.testing.assert_array_equal(u, want_u)
        np.testing.assert_array_equal(row, x[start(i, 3, 1)])
        np.testing.assert_array_equal(lax.dynamic_slice(x, (i, j), (2, 2)), s)   # eager, the same rule
    np.testing.assert_array_equal(lax.dynamic_slice(x, (1, 3), (2, 2)), x[1:3, 2:4])
    check_grads(lambda x, u: jnp.sum(lax.dynamic_update_slice(x, u, (1, 1)) ** 2), (x, np.ones((2, 2))), order=2)
    windows = jaxlike.compile(lambda x: lax.map(lambda i: jnp.sum(lax.dynamic_slice(x, (i,), (3,))), jnp.arange(4)))
    np.testing.assert_allclose(windows(np.arange(6.0)), [3, 6, 9, 12])


def test_constructed_arrays_have_at_eagerly_and_under_transforms():
    """Catches: jnp.zeros(n).at[idx].add(v), JAX's scatter idiom, raising AttributeError ('numpy.ndarray' has
    no 'at') eagerly and under compile, grad and vmap alike: the constructors' arrays are concrete there."""
    idx, v = np.array([0, 1, 1]), np.array([1.0, 2.0, 3.0])
    eager = jnp.zeros(4).at[idx].add(v)
    assert isinstance(eager, jnp.ndarray) and hasattr(eager, "at")
    np.testing.assert_array_equal(eager, [1.0, 5.0, 0.0, 0.0])
    np.testing.assert_array_equal(jnp.arange(5.0).at[1:3].set(-1.0).at[-1].multiply(2.0), [0, -1, -1, 3, 8])
    np.testing.assert_array_equal(jnp.ones((2, 2), np.int32).at[0].get(), [1, 1])
    base = jnp.asarray(np.arange(3.0))
    base.at[0].set(9.0)
    np.testing.assert_array_equal(base, [0.0, 1.0, 2.0])    # a new array; the operand untouched
    f = jaxlike.compile(lambda i, w: jnp.zeros(4).at[i].add(w), mode="FAST_COMPILE")
    np.testing.assert_array_equal(f(idx, v), [1.0, 5.0, 0.0, 0.0])
    g = jaxlike.grad(lambda w: jnp.sum(jnp.full(4, 2.0).at[idx].add(w) ** 2))(v)
    np.testing.assert_array_equal(g, [2 * (2 + 1), 2 * (2 + 5), 2 * (2 + 5)])
    rows = jaxlike.vmap(lambda w: jnp.eye(3).at[0, 2].set(w))(np.array([4.0, 5.0]))
    np.testing.assert_array_equal(rows[:, 0], [[1, 0, 4], [1, 0, 5]])
    with pytest.raises(AttributeError, match="no method 'sett'"):
        jnp.zeros(2).at[0].sett(1.0)


def test_dynamic_update_slice_of_an_argument_under_compile():
    """Catches: an update whose sizes are symbolic (an argument of compile, a slice of one) raised "slice size
    n9 is symbolic" from the dynamic_slice the write is the transpose of; one compilation serves every size."""
    f = jaxlike.compile(lambda x, u, i: lax.dynamic_update_slice(x, u * 3, (i, 0)))
    for x, u, i, at in [(np.zeros((3, 2)), np.ones((1, 2)), 1, 1), (np.zeros((4, 3)), np.ones((2, 3)), 3, 2)]:
        want = x.copy()
        want[at:at + len(u)] = 3 * u
        np.testing.assert_array_equal(f(x, u, i), want)
    g = jaxlike.compile(jaxlike.grad(lambda x, u: jnp.sum(lax.dynamic_update_slice(x, u, (1, 0)) ** 2),
                                     argnums=(0, 1)))
    gx, gu = g(np.ones((3, 2)), np.full((1, 2), 2.0))
    np.testing.assert_array_equal(gx, [[2, 2], [0, 0], [2, 2]])
    np.testing.assert_array_equal(gu, [[4, 4]])
    rows = jaxlike.compile(lambda x: lax.fori_loop(
        0, 3, lambda i, c: lax.dynamic_update_slice(c, x[:1] * 3, (i, 0)), jnp.zeros_like(x)))
    np.testing.assert_array_equal(rows(np.arange(6.0).reshape(3, 2)), [[0, 3]] * 3)


def test_integer_and_boolean_arrays_are_written_exactly():
    """Catches: every .at update of an integer or boolean array crashed (the write is the transpose of the
    read, which reverse mode does not build for integers); int64 values past 2**53 must stay exact."""
    def writes(i, b, u, big):
        return (i.at[0].set(7), i.at[jnp.array([0, 0, 2])].add(5), i.at[1].min(-4), b.at[:, 1].set(True),
                u.at[1:].multiply(3), big.at[0].add(1), i.at[-1].apply(lambda v: v * 10))
    i, b, u = np.arange(3, dtype=np.int32), np.zeros((2, 3), bool), np.arange(4, dtype=np.uint8)
    big = np.array([2 ** 62 + 1, 3])
    wants = [np.array([7, 1, 2]), np.array([10, 1, 7]), np.array([0, -4, 2]), np.array([[0, 1, 0], [0, 1, 0]]),
             np.array([0, 3, 6, 9]), np.array([2 ** 62 + 2, 3]), np.array([0, 1, 20])]
    for got, want, like in zip(jaxlike.compile(writes)(i, b, u, big), wants, [i, i, i, b, u, big, i]):
        assert got.dtype == like.dtype and np.array_equal(got, want.astype(like.dtype)), (got, want)


def test_put_along_axis_keeps_the_last_value_at_a_repeated_position():
    """Catches: put_along_axis storing the mean of the values written to one position (numpy keeps the last),
    with traced and concrete indices, a negative index naming a position a positive one names, and axis=None."""
    a, v = np.zeros((2, 3)), np.array([[1.0, 2.0], [3.0, 4.0]])
    for idx in (np.array([[0, 0], [2, 1]]), np.array([[0, -3], [2, 1]])):
        want = a.copy()
        np.put_along_axis(want, idx, v, 1)
        traced = jaxlike.compile(lambda a, i, v: jnp.put_along_axis(a, i, v, 1, inplace=False), mode="FAST_COMPILE")
        concrete = jaxlike.compile(lambda a, v: jnp.put_along_axis(a, idx, v, 1, inplace=False), mode="FAST_COMPILE")
        np.testing.assert_array_equal(traced(a, idx, v), want)
        np.testing.assert_array_equal(concrete(a, v), want)
    want = a.copy()
    np.put_along_axis(want, np.array([0, 0, 4]), np.array([1.0, 2.0, 3.0]), None)
    flat = jaxlike.compile(lambda a, v: jnp.put_along_axis(a, np.array([0, 0, 4]), v, None, inplace=False),
                           mode="FAST_COMPILE")
    np.testing.assert_array_equal(flat(a, np.array([1.0, 2.0, 3.0])), want)


def test_apply_runs_once_per_occurrence_of_a_position():
    """Catches: x.at[i].apply(f) applying f once to a position named several times (JAX applies it per
    occurrence: zeros(3).at[[0, 0, 2]].apply(f) is [f(f(0)), 0, f(0)]), and the extra passes costing anything
    when no position repeats. Values recorded from JAX 0.10; the gradient against finite differences."""
    np.testing.assert_allclose(jnp.zeros(3).at[np.array([0, 0, 2])].apply(lambda v: v + 1), [2.0, 0.0, 1.0])
    np.testing.assert_allclose(jnp.ones((2, 3)).at[np.array([0, 0])].apply(lambda v: v * 3),
                               [[9.0] * 3, [1.0] * 3])
    f = jaxlike.compile(lambda x, i: x.at[i].apply(lambda v: v * 2 + 1))
    np.testing.assert_allclose(f(np.ones(3), np.array([1, 1, 1])), [1.0, 15.0, 1.0])
    np.testing.assert_allclose(f(np.ones(3), np.array([0, 2])), [3.0, 1.0, 3.0])
    np.testing.assert_allclose(f(np.ones(3), np.zeros(0, np.int64)), [1.0, 1.0, 1.0])
    check_grads(lambda x: jnp.asarray(x).at[np.array([0, 0, 1])].apply(jnp.sin), (np.array([0.5, 1.0, 2.0]),),
                order=1)


def test_writes_into_complex_arrays():
    """Catches: .at[].set and lax.dynamic_update_slice on complex arrays raising (the writes were counted in
    the array's dtype and compared with 0, which complex values do not order)."""
    got = jnp.zeros((3, 2), complex).at[0, :].set(jnp.ones(2, complex) * 1j)
    np.testing.assert_array_equal(got, [[1j, 1j], [0, 0], [0, 0]])
    f = jaxlike.compile(lambda x, i: lax.dynamic_update_index_in_dim(x, jnp.ones(2, complex), i, 0),
                        mode="FAST_COMPILE")
    np.testing.assert_array_equal(f(np.zeros((3, 2), complex), 1), [[0, 0], [1, 1], [0, 0]])


_X2 = np.arange(12.0).reshape(3, 4)
_OUT = np.array([0, -1, 5, -7])


def _moded_updates(x):
    return (x.at[_OUT].get(mode="fill", fill_value=-1.0), x.at[:, _OUT].get(mode="fill"),
            x.at[_OUT[:2], np.array([9, -9])].get(mode="clip"), x.at[7].get(mode="fill", fill_value=0.0),
            x.at[_OUT, 1].set(100.0, mode="drop"), x.at[1:, _OUT].add(1.0, mode="drop"),
            x.at[_OUT].multiply(2.0, mode="clip"), x.at[_OUT, _OUT].min(-5.0, mode="drop"),
            x.at[np.array([0, 0, 9]), 2].max(50.0, mode="fill"), x.at[np.array([1, 11])].apply(jnp.sin, mode="drop"),
            x.at[np.array([0, 2])].get(mode="promise_in_bounds", unique_indices=True, indices_are_sorted=True))


def _numpy_moded_updates(x):
    nan, out = np.nan, []
    rows = np.array([x[0], x[2], [-1.0] * 4, [-1.0] * 4])
    out += [rows, np.stack([x[:, 0], x[:, 3], [nan] * 3, [nan] * 3], axis=1), np.array([x[0, 3], x[2, 0]]),
            np.zeros(4)]
    y = x.copy(); y[[0, 2], 1] = 100.0; out.append(y)
    y = x.copy(); y[1:, [0, 3]] += 1.0; out.append(y)
    y = x.copy(); y[[0, 2]] *= 4.0; out.append(y)    # clip: 5 -> 2 and -7 -> 0, so rows 0 and 2 twice each
    y = x.copy(); y[[0, 2], [0, 3]] = np.minimum(y[[0, 2], [0, 3]], -5.0); out.append(y)
    y = x.copy(); y[0, 2] = max(y[0, 2], 50.0); out.append(y)
    y = x.copy(); y[1] = np.sin(y[1]); out.append(y)
    out.append(x[[0, 2]])
    return out


def test_out_of_range_modes_clip_drop_and_fill_as_jax():
    """Catches: ``mode=`` and ``fill_value=`` swallowed by the ``.at[]`` methods, so an index out of range
    raised where JAX clamps it, drops the write or reads the fill value."""
    want = _numpy_moded_updates(_X2)
    for got in (jaxlike.compile(_moded_updates)(_X2), _moded_updates(jnp.asarray(_X2))):
        for k, (g, w) in enumerate(zip(got, want)):
            assert np.asarray(g).shape == w.shape and np.allclose(g, w, equal_nan=True), k
    check_grads(lambda x: jnp.sum(jnp.asarray(x).at[_OUT].get(mode="fill", fill_value=0.0) ** 2), (_X2,), order=1)
    check_grads(lambda x: jnp.sum(jnp.asarray(x).at[_OUT, 2].set(3.0, mode="drop") ** 2), (_X2,), order=1)
    with pytest.raises(ValueError, match="mode must be one of"):
        jnp.asarray(_X2).at[0].get(mode="wrap")
    with pytest.raises(TypeError, match="unexpected keyword argument 'fill_value'"):
        jnp.asarray(_X2).at[0].set(1.0, fill_value=3.0)


def test_integer_arrays_separated_by_slices_index_and_update_as_numpy():
    """Catches: IndexError for x[i, :, j] under compile (numpy puts the broadcast index axes first) and for
    updates through such an index."""
    x = np.arange(4 * 5 * 3 * 2.0).reshape(4, 5, 3, 2)
    i, j = np.array([0, 1, 3]), np.array([2, 0, 1])
    keys = [(i, slice(None), j), (i, slice(1, 4), j, 1), (0, slice(None), j), (i[:, None], slice(None), j[None, :]),
            (slice(None), i[:2], slice(None), np.array([1, 0])), (i, None, slice(None), j)]
    got = jaxlike.compile(lambda a: [a[k] for k in keys] + [a.at[i, :, j].add(1.0)])(x)
    for k, g in zip(keys, got):
        assert np.array_equal(g, x[k]), k
    want = x.copy()
    want[i, :, j] += 1.0
    assert np.array_equal(got[-1], want)
    check_grads(lambda a: jnp.sum(jnp.asarray(a)[i, :, j] ** 2), (x,), order=1)
