"""Theano's ``scan`` (``theano.scan``), as the Theano tutorial uses it: the power and polynomial examples, with
``import jaxlike as theano`` as the only change, their gradients, ``go_backwards``, shortest-sequence
semantics, taps, a symbolic ``n_steps``, shared variables and random draws updated inside the step,
``truncate_gradient``, and the clear errors for what is not supported."""

import numpy as np
import pytest

import jaxlike as theano
import jaxlike.tensor as T


def test_tutorial_power_with_a_symbolic_n_steps():
    k = T.iscalar("k")
    A = T.vector("A")
    result, updates = theano.scan(fn=lambda prior_result, A: prior_result * A, outputs_info=T.ones_like(A),
                                  non_sequences=A, n_steps=k)
    final_result = result[-1]
    power = theano.function(inputs=[A, k], outputs=final_result, updates=updates)
    a = np.arange(10, dtype=theano.config.floatX)
    assert np.allclose(power(a, 2), a ** 2) and np.allclose(power(a, 5), a ** 5)
    every = theano.function([A, k], result)(a[:3], 3)
    assert np.allclose(every, [a[:3], a[:3] ** 2, a[:3] ** 3])
    grad = theano.function([A, k], T.grad(final_result.sum(), A))
    assert np.allclose(grad(np.arange(4.0), 3), 3 * np.arange(4.0) ** 2)
    with pytest.raises(ValueError, match=">= 0"):
        power(a, -1)


def test_a_start_value_sized_by_a_symbolic_scalar():
    """Catches: T.zeros((n,)) reads no input, only its size does (through n), so scan took it for a constant
    and evaluated it, which raised a bare KeyError."""
    n = T.iscalar("n")
    out, _ = theano.scan(lambda h: h + 1, outputs_info=T.zeros((n,)), n_steps=2)
    f = theano.function([n], out)
    np.testing.assert_array_equal(f(3), [[1.0] * 3, [2.0] * 3])
    assert f(0).shape == (2, 0)


def test_tutorial_polynomial_reads_the_shortest_sequence():
    coefficients = T.vector("coefficients")
    x = T.scalar("x")
    max_coefficients_supported = 10000
    components, updates = theano.scan(
        fn=lambda coefficient, power, free_variable: coefficient * (free_variable ** power),
        outputs_info=None, sequences=[coefficients, T.arange(max_coefficients_supported)], non_sequences=x)
    polynomial = components.sum()
    calculate_polynomial = theano.function(inputs=[coefficients, x], outputs=polynomial)
    test_coefficients = np.asarray([1, 0, 2], dtype=np.float32)
    assert calculate_polynomial(test_coefficients, 3) == 19.0
    g_c, g_x = theano.function([coefficients, x], T.grad(polynomial, [coefficients, x]))(test_coefficients, 3)
    assert np.allclose(g_c, [1, 3, 9]) and np.isclose(g_x, 0 + 2 * 2 * 3)


def test_several_outputs_go_backwards_and_int_n_steps():
    xs = T.matrix("xs")
    h0 = T.vector("h0")
    (hs, norms), _ = theano.scan(lambda x, h: [T.tanh(h + x), (h * h).sum()], sequences=xs,
                                 outputs_info=[h0, None], go_backwards=True)
    f = theano.function([xs, h0], [hs, norms])
    data = np.random.default_rng(1).normal(size=(4, 3))
    h, want_h, want_n = np.zeros(3), [], []
    for row in data[::-1]:
        want_n.append(np.sum(h * h))
        h = np.tanh(h + row)
        want_h.append(h)
    got_h, got_n = f(data, np.zeros(3))
    assert np.allclose(got_h, want_h) and np.allclose(got_n, want_n)
    first_two, _ = theano.scan(lambda x: x * 2, sequences=xs, n_steps=2)
    assert np.allclose(theano.function([xs], first_two)(data), data[:2] * 2)


def test_taps_on_sequences_and_outputs():
    n = T.iscalar("n")
    start = T.vector("start")
    fib, _ = theano.scan(lambda a, b: a + b, outputs_info=dict(initial=start, taps=[-2, -1]), n_steps=n)
    f = theano.function([start, n], fib)
    np.testing.assert_allclose(f(np.array([0.0, 1.0]), 6), [1, 2, 3, 5, 8, 13])
    x = T.vector("x")
    sums, _ = theano.scan(lambda a, b, c: a - b + 2 * c, sequences=dict(input=x, taps=[-1, 0, 1]))
    g = theano.function([x], [sums, T.grad(sums.sum(), x)])
    data = np.arange(6.0) ** 2
    got, grad = g(data)
    np.testing.assert_allclose(got, data[:-2] - data[1:-1] + 2 * data[2:])
    want = np.zeros(6)
    want[:-2] += 1
    want[1:-1] -= 1
    want[2:] += 2
    np.testing.assert_allclose(grad, want)


def test_unsupported_features_say_so():
    xs = T.matrix("xs")
    with pytest.raises(ValueError, match="taps"):
        theano.scan(lambda h: h, outputs_info=dict(initial=xs, taps=[0]), n_steps=3)
    with pytest.raises(TypeError, match="not a shared variable"):
        theano.scan(lambda x: (x, {xs: xs + 1}), sequences=xs)
    with pytest.raises(TypeError, match="dtype"):
        s = theano.shared(np.zeros(3))
        theano.scan(lambda x: (x, {s: T.cast(s, "float32")}), sequences=xs)
    with pytest.raises(ValueError, match="n_steps"):
        theano.scan(lambda h: h, outputs_info=T.vector())


def test_training_an_rnn_with_shared_weights_and_updates_in_float32():
    """Catches: a scan whose gradient reaches shared variables through updates (the Theano RNN training
    loop) computing other values compiled than interpreted, or leaving float32."""
    rng = np.random.default_rng(0)
    results = []
    for mode in ("FAST_RUN", "FAST_COMPILE"):
        W = theano.shared(rng.normal(size=(4, 4)).astype("float32") * 0.3, name="W")
        U = theano.shared(rng.normal(size=(4, 2)).astype("float32") * 0.3, name="U")
        x, y = T.matrix("x", dtype="float32"), T.vector("y", dtype="float32")
        hs, _ = theano.scan(lambda xt, h: T.tanh(T.dot(W, h) + T.dot(U, xt)), sequences=x,
                            outputs_info=T.zeros((4,), dtype="float32"))
        cost = T.sum((hs[-1] - y) ** 2)
        gW, gU = T.grad(cost, [W, U])
        train = theano.function([x, y], cost, updates=[(W, W - 0.1 * gW), (U, U - 0.1 * gU)], mode=mode)
        data = np.random.default_rng(1).normal(size=(7, 2)).astype("float32")
        costs = [train(data, np.full(4, 0.5, "float32")) for _ in range(15)]
        assert costs[-1].dtype == np.float32 and W.get_value().dtype == np.float32
        assert costs[-1] < costs[0] / 4
        results.append((costs, W.get_value()))
        rng = np.random.default_rng(0)
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=2e-4)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=2e-4, atol=1e-6)


def test_a_shared_variable_updated_in_the_step_is_carried_from_step_to_step():
    """Catches: the step reading the shared variable's value from before the loop at every step (its update
    applied once), or scan not returning the value after the last step for function's updates."""
    count = theano.shared(np.float64(2.0), name="count")
    xs = T.vector("xs")
    ys, updates = theano.scan(lambda x: (x * count, {count: count + 1.0}), sequences=xs)
    assert list(updates) == [count]
    for mode in ("FAST_RUN", "FAST_COMPILE"):
        count.set_value(np.float64(2.0))
        f = theano.function([xs], ys, updates=updates, mode=mode)
        np.testing.assert_allclose(f(np.ones(4)), [2.0, 3.0, 4.0, 5.0])
        assert count.get_value() == 6.0
        np.testing.assert_allclose(f(np.full(2, 10.0)), [60.0, 70.0])
        assert count.get_value() == 8.0
    # a step that returns only updates
    total = theano.shared(np.ones(2), name="total")
    outs, updates = theano.scan(lambda: {total: total * 2.0}, n_steps=3)
    assert outs == [] and list(updates) == [total]
    theano.function([], [], updates=updates)()
    np.testing.assert_allclose(total.get_value(), [8.0, 8.0])


def test_random_draws_in_the_step_differ_from_step_to_step_and_call_to_call():
    """Catches: a draw made inside the step hoisted out of the loop (the same numbers at every step), or its
    key not advanced between calls."""
    from jaxlike.tensor.shared_randomstreams import RandomStreams
    srng = RandomStreams(seed=11)
    draws, updates = theano.scan(lambda: srng.uniform((3,)), n_steps=5)
    assert len(updates) == 1
    f = theano.function([], draws, updates=updates)
    a, b = f(), f()
    assert a.shape == (5, 3) and ((a >= 0) & (a < 1)).all()
    assert len({tuple(row) for row in np.round(a, 12)}) == 5
    assert not np.allclose(a, b)
    srng.seed(11)
    np.testing.assert_array_equal(f(), a)
    # without the returned updates the function's default update still advances the key between calls
    srng.seed(11)
    g = theano.function([], draws, mode="FAST_COMPILE")
    np.testing.assert_allclose(g(), a, rtol=1e-12)
    assert not np.allclose(g(), a)


def test_an_rbm_gibbs_chain_trains_as_the_theano_tutorial_writes_it():
    """The deeplearning.net RBM's persistent-chain step, reduced: Gibbs sampling by scan with binomial draws
    in the step, the chain's end a constant in the gradient, the persistent state updated with the scan's
    updates. Catches: compiled and interpreted runs that differ (keys, draws or gradient), or a chain that
    does not move."""
    from jaxlike.tensor.shared_randomstreams import RandomStreams
    from jaxlike.tensor import nnet
    results = []
    for mode in ("FAST_RUN", "FAST_COMPILE"):
        rng = np.random.default_rng(4)
        W = theano.shared(rng.normal(size=(6, 4)) * 0.1, name="W")
        persistent = theano.shared(np.zeros((5, 4)), name="persistent")
        srng = RandomStreams(seed=3)
        v = T.matrix("v")

        def free_energy(v_):
            return -T.sum(T.log(1 + T.exp(T.dot(v_, W))))

        def gibbs_hvh(h0):
            v1 = srng.binomial(size=(h0.shape[0], 6), n=1, p=nnet.sigmoid(T.dot(h0, W.T)), dtype="float64")
            h1 = srng.binomial(size=h0.shape, n=1, p=nnet.sigmoid(T.dot(v1, W)), dtype="float64")
            return [v1, h1]

        (v_chain, h_chain), updates = theano.scan(gibbs_hvh, outputs_info=[None, persistent], n_steps=3)
        chain_end = v_chain[-1]
        cost = T.mean(free_energy(v)) - T.mean(free_energy(chain_end))
        gW = T.grad(cost, W, consider_constant=[chain_end])
        updates[W] = W - 0.05 * gW
        updates[persistent] = h_chain[-1]
        train = theano.function([v], cost, updates=updates, mode=mode)
        data = (np.random.default_rng(5).random((5, 6)) < 0.5).astype(float)
        costs = [float(train(data)) for _ in range(4)]
        assert set(np.unique(persistent.get_value())) <= {0.0, 1.0}
        results.append((costs, W.get_value(), persistent.get_value()))
    for a, b in zip(results[0], results[1]):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_the_gradient_flows_through_a_state_carried_in_updates():
    """d/dw of sum_t x_t * s_t where the step sets s <- s * w: checked against finite differences."""
    w = T.dscalar("w")
    s = theano.shared(np.float64(1.5), name="s")
    xs = T.vector("xs")
    ys, updates = theano.scan(lambda x: (x * s, {s: s * w}), sequences=xs)
    cost = T.sum(ys)
    f = theano.function([xs, w], cost, no_default_updates=True)
    g = theano.function([xs, w], T.grad(cost, w))
    x0, w0, eps = np.array([0.5, -1.0, 2.0, 0.25]), 0.9, 1e-6
    fd = (f(x0, w0 + eps) - f(x0, w0 - eps)) / (2 * eps)
    np.testing.assert_allclose(g(x0, w0), fd, rtol=1e-6)
    np.testing.assert_allclose(g(x0, w0), sum(x0[t] * 1.5 * t * w0 ** (t - 1) for t in range(4)), rtol=1e-12)


def _rnn_cost_numpy(W_last, W_first, X, H, first_steps):
    """sum(hs) + sum(hs[-1] ** 2) of h <- tanh(W h + x), the first ``first_steps`` steps with ``W_first``."""
    h, total = H, 0.0
    for t, x in enumerate(X):
        h = np.tanh((W_first if t < first_steps else W_last) @ h + x)
        total += h.sum()
    return total + np.sum(h ** 2)


@pytest.mark.parametrize("mode", ["FAST_RUN", "FAST_COMPILE"])
def test_truncate_gradient_backpropagates_through_the_last_steps_only(mode):
    """Theano's truncated BPTT: the values are the full loop's; the gradient with respect to the weights is
    that of the last k steps started from the state before them (finite differences of exactly that), the
    initial state and the earlier inputs get none; k at least the length is the full gradient. Catches: a
    gradient through every step, a first part whose values differ, or a cut initial state when n <= k."""
    rng = np.random.default_rng(5)
    W0, X, H = rng.normal(size=(3, 3)) * 0.5, rng.normal(size=(5, 3)), rng.normal(size=3)
    W = theano.shared(W0, name="W")
    xs, h0 = T.matrix("xs"), T.vector("h0")
    got = {}
    # NOTE: k = 9 > length differs from k = 5 only in a constant: the interpreter checks it, numba compiles 3
    ks = (-1, 2, 5, 9) if mode == "FAST_COMPILE" else (-1, 2, 5)
    for k in ks:
        hs, _ = theano.scan(lambda x, h: T.tanh(T.dot(W, h) + x), sequences=xs, outputs_info=h0,
                            truncate_gradient=k)
        cost = T.sum(hs[-1] ** 2) + T.sum(hs)
        got[k] = theano.function([xs, h0], [cost] + T.grad(cost, [W, h0, xs]), mode=mode)(X, H)
    for k in ks[1:]:
        np.testing.assert_allclose(got[k][0], got[-1][0], rtol=1e-12)
    for k in ks[2:]:
        for a, b in zip(got[k][1:], got[-1][1:]):
            np.testing.assert_allclose(a, b, rtol=1e-10)
    cost, gW, gh, gx = got[2]
    eps, fd = 1e-6, np.zeros((3, 3))
    for i in range(3):
        for j in range(3):
            d = np.zeros((3, 3))
            d[i, j] = eps
            fd[i, j] = (_rnn_cost_numpy(W0 + d, W0, X, H, 3) - _rnn_cost_numpy(W0 - d, W0, X, H, 3)) / (2 * eps)
    np.testing.assert_allclose(gW, fd, rtol=1e-6, atol=1e-8)
    assert not np.allclose(gW, got[-1][1])
    np.testing.assert_array_equal(gh, 0.0)
    np.testing.assert_array_equal(gx[:3], 0.0)
    np.testing.assert_allclose(gx[3:], got[-1][3][3:], rtol=1e-10)


def test_truncate_gradient_with_an_int_n_steps_and_its_errors():
    a = T.dscalar("a")
    powers, _ = theano.scan(lambda p: p * a, outputs_info=T.constant(1.0), n_steps=6, truncate_gradient=2)
    f = theano.function([a], [powers[-1], T.grad(powers[-1], a)])
    value, grad = f(1.5)
    # a**6 with the first four factors constant: d/da = 2 * a ** 5 (the last two steps' share of 6 * a ** 5)
    np.testing.assert_allclose([value, grad], [1.5 ** 6, 2 * 1.5 ** 5], rtol=1e-12)
    with pytest.raises(ValueError, match="truncate_gradient"):
        theano.scan(lambda p: p * a, outputs_info=T.constant(1.0), n_steps=3, truncate_gradient=-2)
    n = T.iscalar("n")
    powers, _ = theano.scan(lambda p: p * a, outputs_info=T.constant(1.0), n_steps=n, truncate_gradient=2)
    g = theano.function([a, n], [powers[-1], T.grad(powers[-1], a)])
    np.testing.assert_allclose(g(1.5, 6), [1.5 ** 6, 2 * 1.5 ** 5], rtol=1e-12)
    np.testing.assert_allclose(g(1.5, 1), [1.5, 1.0], rtol=1e-12)     # n <= k: the whole gradient


def test_truncate_gradient_with_sequences_of_lengths_the_trace_cannot_tell_equal():
    """Catches: NotImplementedError for an RNN's inputs and mask (two sequences, two symbolic lengths) with
    truncate_gradient, which Theano runs; the gradient is the last k steps' from a numpy oracle."""
    w, x, m = T.dscalar("w"), T.dvector("x"), T.dvector("m")
    h, _ = theano.scan(lambda x_t, m_t, h, w: T.tanh(w * h + x_t * m_t), sequences=[x, m],
                       outputs_info=T.constant(0.0), non_sequences=w, truncate_gradient=2)
    f = theano.function([w, x, m], [h[-1], T.grad(h[-1], w)])
    xv, mv, wv = np.arange(5.0) / 10, np.array([1.0, 1.0, 1.0, 0.0, 1.0]), 0.5
    hs = [0.0]
    for t in range(5):
        hs.append(np.tanh(wv * hs[-1] + xv[t] * mv[t]))
    gh, gw = 1.0, 0.0
    for t in (5, 4):
        gz = gh * (1 - hs[t] ** 2)
        gw, gh = gw + gz * hs[t - 1], gz * wv
    np.testing.assert_allclose(f(wv, xv, mv), [hs[-1], gw], rtol=1e-12)


def test_n_steps_beyond_a_sequence_raises_as_theano():
    """Catches: n_steps larger than a sequence's length running fewer steps without a word (Theano raises
    "Sequence is shorter than the required number of steps"), and a float n_steps truncated."""
    xs = T.dvector("xs")
    k = T.iscalar("k")
    with pytest.raises(ValueError, match="fewer than n_steps=5"):
        theano.scan(lambda x, h: h + x, sequences=T.constant(np.ones(3)), outputs_info=T.constant(0.0),
                    n_steps=5)
    with pytest.raises(TypeError, match="n_steps must be an int"):
        theano.scan(lambda x, h: h + x, sequences=xs, outputs_info=T.constant(0.0), n_steps=2.7)
    sums, _ = theano.scan(lambda x, h: h + x, sequences=xs, outputs_info=T.constant(0.0), n_steps=k)
    f = theano.function([xs, k], sums)
    assert np.allclose(f(np.array([1.0, 2.0, 3.0]), 2), [1.0, 3.0])
    with pytest.raises(ValueError, match="3 rows for a loop of at least length 5"):
        f(np.array([1.0, 2.0, 3.0]), 5)
