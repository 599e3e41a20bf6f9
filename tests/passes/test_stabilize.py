"""The numerical stabilizations of passes/stabilize.py.

For every rule: the graph text after the pass, equality with the reference interpreter on moderate random
inputs (rtol 1e-12, float64), and an extreme input on which the naive graph overflows, underflows or cancels
(inf, -inf, NaN, or every digit lost) while the rewritten graph gives the finite, correct value. Then the
gradient graphs reverse mode builds from the naive forms, including the XOR network of the seed tutorial.
"""

import textwrap

import numpy as np
import pytest

import jaxlike.numpy as jnp
import jaxlike.nn as nn
from jaxlike.autodiff import backward, ones_like
from jaxlike.core.graph import Var, Graph, to_text
from jaxlike.core.interpret import interpret
from jaxlike.core.types import TensorType, Sym, dims_equal
from jaxlike.passes.stabilize import stabilize, STABILIZE
from jaxlike.passes.pipeline import CANONICALIZE as rewrite_all  # the fixpoint group, without fusion

N = Sym()  # the symbolic batch size the cases share


def var(shape, dtype="float64"):
    return Var(TensorType(dtype, shape))


def text(s):
    """Expected graph text, written with n0 for the symbolic size N (whose number depends on import order)."""
    return textwrap.dedent(s).strip("\n").replace("n0", repr(N))


def evaluate(graph, args):
    with np.errstate(all="ignore"):
        return interpret(graph, args)[0]


def assert_well_typed(graph):
    """Every node's type is what its shape rule gives on its inputs (a fresh Sym may stand for a Sym)."""
    for v in graph.eqns():
        t = v.prim.shape(*[i.type for i in v.inputs], **dict(v.attrs))
        assert t.dtype == v.dtype and t.ndim == v.ndim, (v.prim.name, t, v.type)
        for a, b in zip(t.shape, v.shape):
            assert dims_equal(a, b) or (isinstance(a, Sym) and isinstance(b, Sym)), (v.prim.name, t, v.type)


def stable_sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))


def stable_logsumexp(x, axis):
    mx = np.max(x, axis=axis, keepdims=True)
    return np.squeeze(mx, axis) + np.log(np.sum(np.exp(x - mx), axis=axis))


def stable_softmax(x, axis=1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


# name, naive graph of x:f64[n0,3], text after stabilize, extreme input, correct value there
CASES = [
    ("log_sigmoid_to_neg_softplus", lambda x: jnp.log(nn.sigmoid(x)), """
        b:f64[n0,3] = neg(a)
        c:f64[n0,3] = softplus(b)
        d:f64[n0,3] = neg(c)
        in (d) }""", [[-800.0, 0.0, 800.0]], lambda x: -np.logaddexp(0, -x)),
    ("one_minus_sigmoid_to_sigmoid", lambda x: 1.0 - nn.sigmoid(x), """
        b:f64[n0,3] = neg(a)
        c:f64[n0,3] = sigmoid(b)
        in (c) }""", [[40.0, 0.0, -40.0]], lambda x: stable_sigmoid(-x)),
    ("one_minus_sigmoid_to_sigmoid (under log)", lambda x: jnp.log(1 - nn.sigmoid(x)), """
        b:f64[n0,3] = softplus(a)
        c:f64[n0,3] = neg(b)
        in (c) }""", [[800.0, 0.0, -800.0]], lambda x: -np.logaddexp(0, x)),
    ("log_one_plus_to_log1p", lambda x: jnp.log(1 + x), """
        b:f64[n0,3] = log1p(a)
        in (b) }""", [[1e-20, 0.0, -0.5]], np.log1p),
    ("log1p_exp_to_softplus", lambda x: jnp.log(1 + jnp.exp(x)), """
        b:f64[n0,3] = softplus(a)
        in (b) }""", [[800.0, 0.0, -800.0]], lambda x: np.logaddexp(0, x)),
    ("log1p_neg_sigmoid_to_neg_softplus", lambda x: jnp.log1p(-nn.sigmoid(x)), """
        b:f64[n0,3] = softplus(a)
        c:f64[n0,3] = neg(b)
        in (c) }""", [[800.0, 0.0, -800.0]], lambda x: -np.logaddexp(0, x)),
    ("exp_minus_one_to_expm1", lambda x: jnp.exp(x) - 1, """
        b:f64[n0,3] = expm1(a)
        in (b) }""", [[1e-20, 0.0, 1.0]], np.expm1),
    ("exp_plus_minus_one_to_expm1", lambda x: -1.0 + jnp.exp(x), """
        b:f64[n0,3] = expm1(a)
        in (b) }""", [[1e-20, 0.0, 1.0]], np.expm1),
    ("log_sum_exp_to_logsumexp", lambda x: jnp.log(jnp.sum(jnp.exp(x), axis=1)), """
        b:f64[n0] = reduce_max(a) axes=(1,)
        c:f64[n0] = sub(b, b)
        d:bool[n0] = isnan(c)
        e:f64[n0] = select(d, 0.0, b)
        f:f64[n0,1] = reshape(e) shape=(n0,1)
        g:f64[n0,3] = sub(a, f)
        h:f64[n0,3] = exp(g)
        i:f64[n0] = reduce_sum(h) axes=(1,)
        j:f64[n0] = log(i)
        k:f64[n0] = add(j, e)
        in (k) }""", [[1000.0, 1000.0, 999.0], [-1000.0, -1000.0, -1001.0]],
     lambda x: stable_logsumexp(x, 1)),
    ("log_sum_exp_to_logsumexp (all axes)", lambda x: jnp.log(jnp.sum(jnp.exp(x))), """
        b:f64[] = reduce_max(a) axes=(0,1)
        c:f64[] = sub(b, b)
        d:bool[] = isnan(c)
        e:f64[] = select(d, 0.0, b)
        f:f64[n0,3] = sub(a, e)
        g:f64[n0,3] = exp(f)
        h:f64[] = reduce_sum(g) axes=(0,1)
        i:f64[] = log(h)
        j:f64[] = add(i, e)
        in (j) }""", [[1000.0, 1000.0, 999.0]], lambda x: stable_logsumexp(x.ravel(), 0)),
    ("log_softmax_to_log_softmax",
     lambda x: jnp.log(jnp.exp(x) / jnp.sum(jnp.exp(x), axis=1, keepdims=True)), """
        b:f64[n0] = reduce_max(a) axes=(1,)
        c:f64[n0] = sub(b, b)
        d:bool[n0] = isnan(c)
        e:f64[n0] = select(d, 0.0, b)
        f:f64[n0,1] = reshape(e) shape=(n0,1)
        g:f64[n0,3] = sub(a, f)
        h:f64[n0,3] = exp(g)
        i:f64[n0] = reduce_sum(h) axes=(1,)
        j:f64[n0] = log(i)
        k:f64[n0,1] = reshape(j) shape=(n0,1)
        l:f64[n0,3] = sub(g, k)
        in (l) }""", [[1000.0, 0.0, -1000.0]], lambda x: x - stable_logsumexp(x, 1)[:, None]),
    ("log_softmax_to_log_softmax (max-subtracted softmax)", lambda x: jnp.log(nn.softmax(x)), """
        b:f64[n0] = reduce_max(a) axes=(1,)
        c:f64[n0,1] = reshape(b) shape=(n0,1)
        d:f64[n0,1] = stop_gradient(c)
        e:f64[n0,3] = sub(a, d)
        f:f64[n0,3] = exp(e)
        g:f64[n0] = reduce_sum(f) axes=(1,)
        h:f64[n0] = log(g)
        i:f64[n0,1] = reshape(h) shape=(n0,1)
        j:f64[n0,3] = sub(e, i)
        in (j) }""", [[1000.0, 0.0, -1000.0]], lambda x: x - stable_logsumexp(x, 1)[:, None]),
    ("div_exp_sum_exp_to_softmax", lambda x: jnp.exp(x) / jnp.sum(jnp.exp(x), axis=1, keepdims=True), """
        b:f64[n0] = reduce_max(a) axes=(1,)
        c:f64[n0] = sub(b, b)
        d:bool[n0] = isnan(c)
        e:f64[n0] = select(d, 0.0, b)
        f:f64[n0,1] = reshape(e) shape=(n0,1)
        g:f64[n0,3] = sub(a, f)
        h:f64[n0,3] = exp(g)
        i:f64[n0] = reduce_sum(h) axes=(1,)
        j:f64[n0,1] = reshape(i) shape=(n0,1)
        k:f64[n0,3] = div(h, j)
        in (k) }""", [[1000.0, 999.0, 0.0], [-1000.0, -1001.0, -2000.0]], stable_softmax),
    ("div_one_plus_exp_to_sigmoid", lambda x: 1 / (1 + jnp.exp(-x)), """
        b:f64[n0,3] = sigmoid(a)
        in (b) }""", None, None),
    ("div_one_plus_exp_to_sigmoid (seed form -1 * x)", lambda x: 1 / (1 + jnp.exp(-1 * x)), """
        b:f64[n0,3] = sigmoid(a)
        in (b) }""", None, None),
    ("div_one_plus_exp_to_sigmoid (numerator)", lambda x: x / (1 + jnp.exp(x)), """
        b:f64[n0,3] = neg(a)
        c:f64[n0,3] = sigmoid(b)
        d:f64[n0,3] = mul(a, c)
        in (d) }""", None, None),
    ("div_cancel_factor_to_product", lambda x: (x * jnp.exp(x)) / jnp.exp(x), "in (a) }",
     [[800.0, 1.0, -800.0]], lambda x: x),
    ("mul_cancel_division_to_product", lambda x: (x / jnp.exp(x)) * jnp.exp(x), "in (a) }",
     [[800.0, 1.0, -800.0]], lambda x: x),
    ("mul_cancel_division_to_product (in a sum)", lambda x: (x + 2 / jnp.exp(x)) * jnp.exp(x), """
        b:f64[n0,3] = exp(a)
        c:f64[n0,3] = mul(a, b)
        d:f64[n0,3] = broadcast_to(2.0) shape=(n0,3)
        e:f64[n0,3] = add(c, d)
        in (e) }""", [[-800.0, 0.0, 1.0]], lambda x: x * np.exp(x) + 2),
    ("mul_sigmoid_exp_to_sigmoid", lambda x: nn.sigmoid(x) * jnp.exp(-x), """
        b:f64[n0,3] = neg(a)
        c:f64[n0,3] = sigmoid(b)
        in (c) }""", [[-800.0, 0.0, 800.0]], lambda x: stable_sigmoid(-x)),
    ("mul_exp_over_sum_exp_to_softmax",
     lambda x: jnp.reshape(1 / jnp.sum(jnp.exp(x), axis=1), (N, 1)) * jnp.exp(x), """
        b:f64[n0] = reduce_max(a) axes=(1,)
        c:f64[n0] = sub(b, b)
        d:bool[n0] = isnan(c)
        e:f64[n0] = select(d, 0.0, b)
        f:f64[n0,1] = reshape(e) shape=(n0,1)
        g:f64[n0,3] = sub(a, f)
        h:f64[n0,3] = exp(g)
        i:f64[n0] = reduce_sum(h) axes=(1,)
        j:f64[n0,1] = reshape(i) shape=(n0,1)
        k:f64[n0,3] = div(h, j)
        l:f64[n0,3] = mul(1, k)
        in (l) }""", [[1000.0, 1000.0, 0.0]], stable_softmax),
]


@pytest.mark.parametrize("name,fn,expected,extreme,correct", CASES, ids=[c[0] for c in CASES])
def test_rule_text_values_and_extremes(name, fn, expected, extreme, correct):
    """Catches a stabilization that does not fire, fires into an unstable or wrong form, changes values on
    ordinary inputs, or does not fix the extreme input it is for."""
    x = var((N, 3))
    before = Graph([x], [fn(x)])
    text_before = to_text(before)
    after = stabilize(before)
    head = text("{ lambda a:f64[n0,3] .")
    assert to_text(after) == "\n".join([head] + ["  " + line for line in text(expected).splitlines()])
    assert to_text(before) == text_before, "the pass mutated its input graph"
    assert stabilize(after) is after, "one pass did not reach the fixpoint"
    assert_well_typed(after)
    rng = np.random.default_rng(1)
    for n in (1, 4):
        args = [rng.uniform(0.2, 0.9, size=(n, 3))]
        np.testing.assert_allclose(evaluate(after, args)[0], evaluate(before, args)[0], rtol=1e-12, atol=0)
    if extreme is None:
        return
    xs = np.array(extreme)
    naive, fixed, want = evaluate(before, [xs])[0], evaluate(after, [xs])[0], correct(xs)
    assert not np.allclose(naive, want, rtol=1e-6, atol=0), "the naive graph was already right here"
    assert np.all(np.isfinite(fixed))
    np.testing.assert_allclose(fixed, want, rtol=1e-12, atol=1e-300)


def test_every_rule_has_a_case_and_a_docstring():
    """Catches a rule added to the table without a case here, or without its identity documented."""
    names = {c[0].split(" ")[0] for c in CASES}
    for rules in STABILIZE.values():
        for rule in rules:
            assert rule.__name__ in names, f"{rule.__name__} has no case in CASES"
            assert rule.__doc__ and "->" in rule.__doc__, f"{rule.__name__} does not state its identity"


def gradient_graph(fn, shape=(3,)):
    x = var(shape)
    out = fn(x)
    (g,) = backward([out], [ones_like(out)], [x])
    return Graph([x], [out, g])


@pytest.mark.parametrize("fn,xs,value,grad", [
    (lambda x: jnp.sum(1 / (1 + jnp.exp(-x))), [-800.0, 0.0, 800.0],
     lambda x: np.sum(stable_sigmoid(x)), lambda x: stable_sigmoid(x) * stable_sigmoid(-x)),
    (lambda x: jnp.sum(1 / (1 + jnp.exp(-1 * x))), [-800.0, 0.0, 800.0],
     lambda x: np.sum(stable_sigmoid(x)), lambda x: stable_sigmoid(x) * stable_sigmoid(-x)),
    (lambda x: jnp.sum(jnp.log(1 / (1 + jnp.exp(-x)))), [-800.0, 0.0, 800.0],
     lambda x: -np.sum(np.logaddexp(0, -x)), lambda x: stable_sigmoid(-x)),
    (lambda x: jnp.sum(jnp.log(1 - 1 / (1 + jnp.exp(-x)))), [-800.0, 0.0, 800.0],
     lambda x: -np.sum(np.logaddexp(0, x)), lambda x: -stable_sigmoid(x)),
    (lambda x: jnp.log(jnp.sum(jnp.exp(x))), [1000.0, 1000.0, 0.0],
     lambda x: stable_logsumexp(x, 0), lambda x: stable_softmax(x[None])[0]),
], ids=["sigmoid", "sigmoid(-1*x)", "log_sigmoid", "log_one_minus_sigmoid", "logsumexp"])
def test_gradient_of_naive_form_becomes_finite(fn, xs, value, grad):
    """Passes run on the differentiated graph, where the naive forms' gradients divide inf by inf or multiply
    inf by 0: the rewritten gradient graph must be finite and right."""
    g = gradient_graph(fn)
    xs = np.array(xs)
    naive = evaluate(g, [xs])
    assert not np.all(np.isfinite(naive[1])), "the naive gradient was already finite"
    after = rewrite_all(g)
    val, gr = evaluate(after, [xs])
    np.testing.assert_allclose(val, value(xs), rtol=1e-12)
    np.testing.assert_allclose(gr, grad(xs), rtol=1e-12, atol=1e-300)
    rng = np.random.default_rng(2)
    moderate = [rng.uniform(-2, 2, size=3)]
    for a, b in zip(evaluate(g, moderate), evaluate(after, moderate)):
        np.testing.assert_allclose(b, a, rtol=1e-12)


def test_softmax_cross_entropy_and_its_gradient():
    """-sum(y * log(exp(x) / sum(exp(x)))) and its gradient: NaN for logits near 1000 in the naive graph;
    after the passes, log_softmax and softmax(x) * sum(y) - y, exact."""
    x, y = var((N, 3)), var((N, 3))
    sm = jnp.exp(x) / jnp.sum(jnp.exp(x), axis=1, keepdims=True)
    loss = -jnp.sum(y * jnp.log(sm))
    (gx,) = backward([loss], [ones_like(loss)], [x])
    g = Graph([x, y], [loss, gx])
    after = rewrite_all(g)
    logits = np.array([[1000.0, 0.0, -1000.0], [3.0, 1000.0, 999.0], [-1000.0, -1000.0, -999.0]])
    labels = np.eye(3)[[1, 2, 0]]
    naive = evaluate(g, [logits, labels])
    assert np.isnan(naive[0]) and np.isnan(naive[1]).all()
    loss_v, grad_v = evaluate(after, [logits, labels])
    logp = logits - stable_logsumexp(logits, 1)[:, None]
    np.testing.assert_allclose(loss_v, -np.sum(labels * logp), rtol=1e-12)
    np.testing.assert_allclose(grad_v, stable_softmax(logits) * labels.sum(1, keepdims=True) - labels,
                               rtol=1e-12, atol=1e-300)
    rng = np.random.default_rng(3)
    moderate = [rng.normal(size=(5, 3)), rng.dirichlet(np.ones(3), size=5)]
    for a, b in zip(evaluate(g, moderate), evaluate(after, moderate)):
        np.testing.assert_allclose(b, a, rtol=1e-12)


def xor_seed_graph():
    """The XOR network of the seed tutorial, written as there: sigmoids as 1 / (1 + exp(-1 * z)), the
    binary cross-entropy with log(y) and log(1 - y), and the gradient with respect to every parameter."""
    x = var((2,))
    w1, b1, w2, b2, w, b = var((2,)), var((1,)), var((2,)), var((1,)), var((2,)), var((1,))
    y_hat = var(())
    a1 = 1 / (1 + jnp.exp(-1 * (jnp.dot(w1, x) + b1)))
    a2 = 1 / (1 + jnp.exp(-1 * (jnp.dot(w2, x) + b2)))
    y = 1 / (1 + jnp.exp(-1 * (jnp.dot(w, [a1, a2]) + b)))
    cost = -(y_hat * jnp.log(y) + (1 - y_hat) * jnp.log(1 - y)).sum()
    params = [w, b, w1, b1, w2, b2]
    grads = backward([cost], [ones_like(cost)], params)
    return Graph([x, y_hat] + params, [y, cost] + grads)


def xor_reference(x, y_hat, w, b, w1, b1, w2, b2):
    """The same network and its gradient, by hand, with stable sigmoid and softplus."""
    z1, z2 = w1 @ x + b1, w2 @ x + b2
    a = np.concatenate([stable_sigmoid(z1), stable_sigmoid(z2)])
    z3 = w @ a + b
    y = stable_sigmoid(z3)
    cost = np.sum(y_hat * np.logaddexp(0, -z3) + (1 - y_hat) * np.logaddexp(0, z3))
    dz3 = (1 - y_hat) * stable_sigmoid(z3) - y_hat * stable_sigmoid(-z3)  # no cancellation in s - y_hat
    dz1 = dz3 * w[0] * stable_sigmoid(z1) * stable_sigmoid(-z1)
    dz2 = dz3 * w[1] * stable_sigmoid(z2) * stable_sigmoid(-z2)
    return [y, cost, dz3 * a, dz3, dz1 * x, dz1, dz2 * x, dz2]


@pytest.mark.parametrize("y_hat", [0.0, 1.0])
def test_xor_seed_network_and_gradient_become_stable(y_hat):
    """Saturated weights make the seed's naive cost inf and its gradients NaN; the optimized graph must give
    the finite values of the stable formulation (and agree with the naive graph on ordinary weights)."""
    g = xor_seed_graph()
    after = rewrite_all(g)
    assert "exp" not in [v.prim.name for v in after.eqns()], to_text(after)
    params = [np.array([500.0, -500.0]), np.array([0.0]), np.array([400.0, 400.0]), np.array([0.0]),
              np.array([-400.0, -400.0]), np.array([0.0])]
    args = [np.array([1.0, 1.0]), np.array(y_hat)] + params
    naive = evaluate(g, args)
    assert not all(np.all(np.isfinite(v)) for v in naive)
    want = xor_reference(*args)
    got = evaluate(after, args)
    for name, a, b in zip(["y", "cost", "dw", "db", "dw1", "db1", "dw2", "db2"], got, want):
        assert np.all(np.isfinite(a)), name
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-300, err_msg=name)
    rng = np.random.default_rng(4)
    for _ in range(3):
        args = [rng.integers(0, 2, 2).astype(float), np.array(y_hat)] + [rng.normal(size=p.shape) for p in params]
        for a, b in zip(evaluate(g, args), evaluate(after, args)):
            np.testing.assert_allclose(b, a, rtol=1e-12)


def test_float32_graph_stays_float32():
    """Stabilized float32 graphs must not widen to float64 through the constants the rules introduce, and
    float32's earlier underflow (sigmoid(-120) = 0) must be fixed as well."""
    x = var((N, 3), "float32")
    g = Graph([x], [jnp.log(1 / (1 + jnp.exp(-x))), jnp.log(jnp.sum(jnp.exp(x), axis=1)),
                    jnp.log(1 - nn.sigmoid(x))])
    after = rewrite_all(g)
    assert {v.dtype for v in after.eqns() if v.dtype.kind == "f"} == {np.dtype("float32")}
    xs = np.array([[-120.0, 0.0, 100.0]], dtype=np.float32)
    naive = evaluate(g, [xs])
    assert np.isneginf(naive[0][0, 0]) and np.isinf(naive[1][0]) and np.isneginf(naive[2][0, 2])
    out = evaluate(after, [xs])
    assert all(o.dtype == np.float32 for o in out)
    x64 = xs.astype(np.float64)
    tiny = 1e-40  # -log(1 + exp(-100)) is a float32 subnormal, with few digits
    np.testing.assert_allclose(out[0], -np.logaddexp(0, -x64), rtol=1e-6, atol=tiny)
    np.testing.assert_allclose(out[1], stable_logsumexp(x64, 1), rtol=1e-6)
    np.testing.assert_allclose(out[2], -np.logaddexp(0, x64), rtol=1e-6, atol=tiny)


def test_logsumexp_of_max_subtracted_over_other_axes_is_still_stabilized():
    """A max subtracted over other axes does not keep a slice's sum from underflowing to 0."""
    x = var((2, 3))
    y = x - jnp.max(x, axis=0, keepdims=True)
    g = Graph([x], [jnp.log(jnp.sum(jnp.exp(y), axis=1))])
    after = stabilize(g)
    xs = np.array([[0.0, 0.0, 0.0], [-1000.0, -1000.0, -1000.0]])
    assert np.isneginf(evaluate(g, [xs])[0][1])
    np.testing.assert_allclose(evaluate(after, [xs])[0], [np.log(3), -1000 + np.log(3)], rtol=1e-12)


def test_empty_reduction_is_left_alone():
    """The max of an empty slice is an error where the naive sum of exps is 0 (log 0 = -inf): a reduction
    over a dim known to be 0 is not rewritten."""
    x = var((2, 0))
    g = Graph([x], [jnp.log(jnp.sum(jnp.exp(x), axis=1))])
    assert stabilize(g) is g
    np.testing.assert_array_equal(evaluate(g, [np.zeros((2, 0))])[0], [-np.inf, -np.inf])


def test_logsumexp_handles_infinities_like_scipy():
    """An all -inf row gives -inf (not NaN from -inf - -inf); a +inf entry gives +inf."""
    x = var((N, 3))
    after = stabilize(Graph([x], [jnp.log(jnp.sum(jnp.exp(x), axis=1))]))
    xs = np.array([[-np.inf, -np.inf, -np.inf], [np.inf, 0.0, 1.0], [np.nan, 0.0, 1.0]])
    out = evaluate(after, [xs])[0]
    assert np.isneginf(out[0]) and np.isposinf(out[1]) and np.isnan(out[2])


def test_nn_log_softmax_is_recognised_as_max_subtracted_already():
    """nn.log_softmax subtracts the max (non-finite values replaced by 0 through jnp.where(isfinite)) before
    its exp: its gradient's exp(x) / sum(exp(x)) must not be stabilized a second time. Catches: a second max
    and exp pass over the logits (W5's softmax cross-entropy spent 25 instead of 12 ms outside its GEMMs)."""
    x, y = var((N, 7)), var((N, 7))
    loss = -jnp.sum(y * nn.log_softmax(x))
    (gx,) = backward([loss], [ones_like(loss)], [x])
    g = Graph([x, y], [loss, gx])
    after = rewrite_all(g)
    ops = [v.prim.name for v in after.eqns()]
    assert ops.count("reduce_max") == 1 and ops.count("exp") <= 2, to_text(after)
    rng = np.random.default_rng(4)
    logits = rng.normal(size=(5, 7)) * 300
    labels = rng.dirichlet(np.ones(7), size=5)
    loss_v, grad_v = evaluate(after, [logits, labels])
    logp = logits - stable_logsumexp(logits, 1)[:, None]
    np.testing.assert_allclose(loss_v, -np.sum(labels * logp), rtol=1e-12)
    np.testing.assert_allclose(grad_v, stable_softmax(logits) * labels.sum(1, keepdims=True) - labels,
                               rtol=1e-10, atol=1e-300)
