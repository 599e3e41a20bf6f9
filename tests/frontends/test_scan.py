"""Theano's ``scan`` (``theano.scan``), as the Theano tutorial uses it: the power and polynomial examples, with
``import jaxlike as theano`` as the only change, their gradients, ``go_backwards``, shortest-sequence
semantics, taps, a symbolic ``n_steps``, and the clear errors for what is not supported."""

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
    with pytest.raises(NotImplementedError, match="updates"):
        s = theano.shared(np.zeros(3))
        theano.scan(lambda x: (x, {s: s + 1}), sequences=xs)
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
