"""Theano's ``RandomStreams`` and default updates: every call of a function that reads a draw gives new
numbers (the key advances as a default update), ``no_default_updates`` repeats them, one draw used twice is
one value, explicit updates win over default ones, ``seed`` restarts, and symbolic sizes (``x.shape``)
keep one compilation for every shape."""

import numpy as np
import pytest

import jaxlike as theano
import jaxlike.tensor as T
from jaxlike.tensor.shared_randomstreams import RandomStreams


def test_the_theano_tutorial_program():
    """The tutorial's uses: new numbers per call, repeated numbers without default updates, u + u - 2u = 0,
    and a reseed that repeats the first numbers."""
    srng = RandomStreams(seed=234)
    rv_u, rv_n = srng.uniform((2, 2)), srng.normal((2, 2))
    f = theano.function([], rv_u)
    g = theano.function([], rv_n, no_default_updates=True)
    nearly_zeros = theano.function([], rv_u + rv_u - 2 * rv_u)
    first, second = f(), f()
    assert first.shape == (2, 2) and not np.allclose(first, second)
    np.testing.assert_array_equal(g(), g())
    np.testing.assert_allclose(nearly_zeros(), np.zeros((2, 2)), atol=1e-15)
    srng.seed(234)
    np.testing.assert_array_equal(f(), first)
    assert len(srng.state_updates) == 2


def test_two_streams_with_one_seed_draw_the_same_numbers_and_draws_differ_from_each_other():
    a, b = RandomStreams(7), RandomStreams(7)
    fa = theano.function([], [a.uniform((5,)), a.uniform((5,))])
    fb = theano.function([], b.uniform((5,)))
    x, y = fa()
    np.testing.assert_array_equal(x, fb())
    assert not np.allclose(x, y)


def test_an_explicit_update_of_the_key_wins_over_the_default_one():
    srng = RandomStreams(3)
    u = srng.uniform((3,))
    key = srng.state_updates[0][0]
    frozen = theano.function([], u, updates=[(key, key)])
    np.testing.assert_array_equal(frozen(), frozen())


def test_a_dropout_mask_of_a_symbolic_shape_serves_every_shape():
    srng = RandomStreams(11)
    x = T.matrix("x")
    mask = srng.binomial(size=x.shape, p=0.75, dtype="float64")
    drop = theano.function([x], [x * mask, mask])
    for shape in ((40, 50), (7, 3)):
        out, m = drop(np.full(shape, 2.0))
        assert out.shape == shape and set(np.unique(m)) <= {0.0, 1.0}
        np.testing.assert_array_equal(out, 2.0 * m)
    big = drop(np.ones((400, 500)))[1]
    assert abs(big.mean() - 0.75) < 0.01


def test_distributions_and_ranges():
    srng = RandomStreams(1)
    n = 100_000
    f = theano.function([], [srng.normal((n,), avg=2.0, std=3.0), srng.uniform((n,), -1.0, 1.0),
                             srng.random_integers((n,), 1, 3), srng.binomial((n,), n=4, p=0.25),
                             srng.choice((n,), a=3, p=np.array([0.2, 0.3, 0.5])), srng.permutation(n=10)])
    z, u, i, b, c, perm = f()
    assert abs(z.mean() - 2) < 0.05 and abs(z.std() - 3) < 0.05
    assert -1 <= u.min() and u.max() < 1 and abs(u.mean()) < 0.01
    assert set(np.unique(i)) == {1, 2, 3} and i.dtype == np.int64
    assert abs(b.mean() - 1.0) < 0.02 and b.max() <= 4
    np.testing.assert_allclose(np.bincount(c, minlength=3) / n, [0.2, 0.3, 0.5], atol=0.01)
    assert sorted(perm.tolist()) == list(range(10))


def test_float32_draws_follow_the_dtype_and_bad_arguments_are_refused():
    srng = RandomStreams(5)
    assert theano.function([], srng.uniform((3,), dtype="float32"))().dtype == np.float32
    with pytest.raises(ValueError, match="ndim=2"):
        srng.uniform((3,), ndim=2)
    with pytest.raises(TypeError, match="non-negative int"):
        srng.binomial((3,), n=1.5)
    with pytest.raises(TypeError, match="integer"):
        srng.seed("abc")
    with pytest.raises(TypeError, match="non-negative int"):
        srng.permutation(n=2.5)


def test_permutations_of_a_size_are_independent_permutations():
    srng = RandomStreams(13)
    perms = theano.function([], srng.permutation(size=(50,), n=8))()
    assert perms.shape == (50, 8) and perms.dtype == np.int64
    assert all(sorted(row) == list(range(8)) for row in perms.tolist())
    assert len({tuple(row) for row in perms.tolist()}) > 40


def test_mrg_rstate_copies_a_graphs_random_state_and_truncated_normal_stays_within_two_std():
    """Catches: the tutorial's "Copying Random State Between Theano Graphs" failing on MRG streams (no
    ``rstate``) and Theano 1.0's ``truncated_normal`` missing."""
    from jaxlike.sandbox.rng_mrg import MRG_RandomStreams
    first, second = MRG_RandomStreams(123), MRG_RandomStreams(987)
    f1 = theano.function([], first.uniform(size=(3,)))
    f2 = theano.function([], second.uniform(size=(3,)))
    assert not np.allclose(f1(), f2())
    second.rstate = first.rstate
    for (mine, _), (theirs, _) in zip(first.state_updates, second.state_updates):
        theirs.set_value(mine.get_value())
    assert np.array_equal(f1(), f2())
    later = [theano.function([], s.normal(size=(2,)))() for s in (first, second)]
    assert np.array_equal(*later)
    z = theano.function([], MRG_RandomStreams(1).truncated_normal(size=(2000,), avg=1.0, std=0.5))()
    assert z.shape == (2000,) and np.all(np.abs(z - 1.0) <= 1.0) and abs(z.mean() - 1.0) < 0.05
