"""jax.nn's initializers and the newer jax.nn functions (log1mexp, logmeanexp, sparse_sigmoid, identity,
dot_product_attention): JAX's values for the same key (recorded from JAX 0.10 with 64-bit mode, and compared
live when JAX is installed), the variances the initializers promise, attention against a numpy reference
(grouped heads, bias, mask, causal), gradients against finite differences, and errors.

What it catches: fans computed over the wrong axes (a conv kernel's receptive field), the truncated normal's
0.8796 correction missing, an orthogonal matrix whose R signs were not folded in, attention that repeats
grouped key heads in the wrong order or masks with the wrong polarity.
"""

import numpy as np
import pytest

import jaxlike
import jaxlike.nn as nn
import jaxlike.numpy as jnp
import jaxlike.random as R
from jaxlike.test_util import check_grads

I = nn.initializers
KEY = R.PRNGKey(5)
RECORDED = [   # initializer, factory arguments, shape, JAX 0.10's values for PRNGKey(5), float64
    ('glorot_uniform', (), (2, 3), [[0.294325545429494, -0.992114207259715, 0.738097033598774], [0.404033345087188, -0.63730399570385, -0.599201099203398]]),
    ('glorot_normal', (), (2, 3), [[0.235232671393525, -1.073203312069264, 0.66245217613016], [0.328304829853318, -0.549528287372674, -0.510272418628519]]),
    ('lecun_normal', (), (2, 1, 3), [[[0.262998121882396, -1.199877779732397, 0.740644048834851]], [[0.36705595844676, -0.614391303062169, -0.570501907548299]]]),
    ('he_uniform', (), (3, 2), [[0.379972645270614, -1.280813934084217], [0.952879173004382, 0.521604805611717], [-0.822755920610817, -0.773565292747979]]),
    ('orthogonal', (), (2, 3), [[0.260528212544571, 0.744904035729171, -0.614201129942566], [-0.954925261637852, 0.105065437587846, -0.277631047453908]]),
    ('delta_orthogonal', (), (3, 1, 2), [[[0.0, 0.0]], [[0.201052488236823, -0.979580469881766]], [[0.0, 0.0]]]),
    ('truncated_normal', (0.2,), (3,), [0.065432803917782, -0.298524441637043, 0.184269060453419]),
]


@pytest.mark.parametrize("name, a, shape, want", RECORDED, ids=[r[0] for r in RECORDED])
def test_values_match_jaxs_recorded_values(name, a, shape, want):
    got = getattr(I, name)(*a)(KEY, shape, np.float64)
    np.testing.assert_allclose(got, np.asarray(want), rtol=1e-12, atol=1e-14)


def test_values_match_jax_live():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    for name, a, shape, _ in RECORDED:
        want = getattr(jax.nn.initializers, name)(*a)(jax.random.PRNGKey(9), shape, np.float64)
        np.testing.assert_allclose(getattr(I, name)(*a)(R.PRNGKey(9), shape, np.float64), np.asarray(want),
                                   rtol=1e-12, atol=1e-14, err_msg=name)


@pytest.mark.parametrize("name, shape, variance", [
    ("glorot_uniform", (300, 500), 2 / 800), ("glorot_normal", (300, 500), 2 / 800), ("lecun_normal", (400, 200), 1 / 400),
    ("he_uniform", (3, 3, 40, 64), 2 / 360), ("he_normal", (5, 80, 30), 2 / 400), ("lecun_uniform", (5, 80, 30), 1 / 400)])
def test_variances(name, shape, variance):
    w = np.asarray(getattr(I, name)()(R.PRNGKey(1), shape))
    assert w.shape == shape and w.dtype == np.float64
    assert abs(w.var() / variance - 1) < 0.05 and abs(w.mean()) < 4 * np.sqrt(variance / w.size)


def test_orthogonal_and_delta_orthogonal():
    w = np.asarray(I.orthogonal(2.0)(R.PRNGKey(2), (6, 4)))
    np.testing.assert_allclose(w.T @ w, 4 * np.eye(4), atol=1e-12)
    k = np.asarray(I.delta_orthogonal()(R.PRNGKey(2), (3, 3, 4, 5)))
    centre = k[1, 1]
    np.testing.assert_allclose(centre @ centre.T, np.eye(4), atol=1e-12)
    assert np.abs(k).sum() == pytest.approx(np.abs(centre).sum())


def test_float32_and_bad_arguments():
    assert I.he_normal()(KEY, (3, 4), np.float32).dtype == np.float32
    assert I.zeros(KEY, (2, 3)).shape == (2, 3) and float(I.ones(KEY, (2,))[1]) == 1.0
    with pytest.raises(ValueError, match="mode must be"):
        I.variance_scaling(1.0, "fan_sum", "normal")
    with pytest.raises(ValueError, match="in-channels <= out-channels"):
        I.delta_orthogonal()(KEY, (3, 5, 4))


def test_small_functions():
    x = np.array([1e-10, 0.1, 0.7, 5.0])
    np.testing.assert_allclose(nn.log1mexp(x), np.log(-np.expm1(-x)), rtol=1e-14)
    assert nn.log1mexp(50.0) == pytest.approx(-np.exp(-50.0), rel=1e-14)   # log(1 - e) = -e to 1e-22 here
    check_grads(nn.log1mexp, (np.array([0.3, 0.6, 0.8, 3.0]),), order=2)
    big = np.array([[1.0, 2.0, 3.0], [1000.0, 1000.0, 0.0]])
    np.testing.assert_allclose(nn.logmeanexp(big, axis=1), [np.log(np.mean(np.exp([1.0, 2, 3]))), 1000 + np.log(2 / 3)],
                               rtol=1e-14)
    np.testing.assert_allclose(nn.logmeanexp(big, axis=1, where=np.array([True, True, False])),
                               [np.log(np.mean(np.exp([1.0, 2]))), 1000.0], rtol=1e-14)
    np.testing.assert_array_equal(nn.sparse_sigmoid(np.array([-3, -0.5, 0.2, 4.0])), [0, 0.25, 0.6, 1])
    assert nn.identity(3.0) == 3.0


def _attention_reference(q, k, v, bias, mask, causal, scale, window=None, q_lengths=None, kv_lengths=None):
    groups = q.shape[2] // k.shape[2]
    k, v = np.repeat(k, groups, axis=2), np.repeat(v, groups, axis=2)
    logits = np.einsum("btnh,bsnh->bnts", q, k) * scale
    if bias is not None:
        logits = logits + bias
    keep = np.ones(logits.shape, bool)
    if mask is not None:
        keep = keep & mask
    if causal:
        keep = keep & np.tril(np.ones(logits.shape[-2:], bool))
    t, s = np.indices(logits.shape[-2:])
    if window is not None:
        keep = keep & (t - window[0] <= s) & (s <= t + window[1])
    b = np.arange(len(q))[:, None, None, None]
    if kv_lengths is not None:
        keep = keep & (s < kv_lengths[b])
    if q_lengths is not None:
        keep = keep & (t < q_lengths[b])
    # NOTE: a row with nothing kept is JAX's uniform average (its logits all the same large negative number)
    logits = np.where(keep, logits, -1e300)
    w = np.exp(logits - logits.max(-1, keepdims=True))
    out = np.einsum("bnts,bsnh->btnh", w / w.sum(-1, keepdims=True), v)
    return out if q_lengths is None else out * (np.arange(q.shape[1])[None, :] < q_lengths[:, None])[..., None, None]


_r = np.random.default_rng(0)
Q, K, V = _r.normal(size=(2, 5, 4, 8)), _r.normal(size=(2, 6, 2, 8)), _r.normal(size=(2, 6, 2, 8))
BIAS, MASK = _r.normal(size=(2, 4, 5, 6)), np.concatenate([np.ones((2, 1, 5, 1), bool), _r.random((2, 1, 5, 5)) > 0.3], -1)


Q_LENGTHS, KV_LENGTHS = np.array([3, 5], np.int32), np.array([6, 2], np.int32)


@pytest.mark.parametrize("case", ["plain", "bias", "mask", "causal", "everything", "window", "lengths"])
def test_dot_product_attention(case):
    kw = {"plain": {}, "bias": dict(bias=BIAS), "mask": dict(mask=MASK), "causal": dict(is_causal=True),
          "everything": dict(scale=0.3, bias=BIAS, mask=MASK, is_causal=True, local_window_size=(2, 1)),
          "window": dict(local_window_size=1),
          "lengths": dict(query_seq_lengths=Q_LENGTHS, key_value_seq_lengths=KV_LENGTHS)}[case]
    got = jaxlike.compile(lambda q, k, v: nn.dot_product_attention(q, k, v, **kw), mode="FAST_COMPILE")(Q, K, V)
    window = kw.get("local_window_size")
    want = _attention_reference(Q, K, V, kw.get("bias"), kw.get("mask"), kw.get("is_causal", False),
                                kw.get("scale", 1 / np.sqrt(8)), (window, window) if window == 1 else window,
                                kw.get("query_seq_lengths"), kw.get("key_value_seq_lengths"))
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_dot_product_attention_lengths_are_arguments_and_the_residual_has_no_derivative():
    """Catches: sequence lengths read as constants (a second call with other lengths served the first's
    mask), and the logsumexp residual differentiated (JAX stops its gradient)."""
    fn = jaxlike.compile(lambda q, ql, kl: nn.dot_product_attention(
        q, K, V, query_seq_lengths=ql, key_value_seq_lengths=kl, return_residual=True), mode="FAST_COMPILE")
    for ql, kl in [(Q_LENGTHS, KV_LENGTHS), (np.array([5, 1], np.int32), np.array([1, 4], np.int32))]:
        out, residual = fn(Q, ql, kl)
        np.testing.assert_allclose(out, _attention_reference(Q, K, V, None, None, False, 1 / np.sqrt(8), None,
                                                             ql, kl), rtol=1e-12, atol=1e-12)
        assert residual.shape == Q.shape[:3] and residual[1, 0, 0] == pytest.approx(
            np.log(np.sum(np.exp(Q[1, 0, 0] @ K[1, :kl[1], 0].T / np.sqrt(8)))), rel=1e-12)
    g = jaxlike.grad(lambda q: jnp.sum(nn.dot_product_attention(q, K, V, return_residual=True)[1]))(Q)
    assert np.all(g == 0)


def test_dot_product_attention_gradients_compiled_and_unbatched():
    check_grads(lambda q, k, v: nn.dot_product_attention(q, k, v, bias=BIAS[:1, :, :3, :4], is_causal=True),
                (Q[:1, :3], K[:1, :4], V[:1, :4]), order=1)
    loss = jaxlike.compile(jaxlike.value_and_grad(lambda q: jnp.sum(nn.dot_product_attention(q, K[0], V[0]) ** 2)))
    v, g = loss(Q[0])
    want = _attention_reference(Q[:1], K[:1], V[:1], None, None, False, 1 / np.sqrt(8))[0]
    assert np.isclose(v, np.sum(want ** 2), rtol=1e-12) and g.shape == Q[0].shape
    with pytest.raises(ValueError, match="not a multiple"):
        nn.dot_product_attention(Q[:, :, :3], K, V)
    with pytest.raises(ValueError, match="integer vector of the batch size 2"):
        nn.dot_product_attention(Q, K, V, query_seq_lengths=np.array([3, 5, 1]))


def test_logmeanexp_keeps_float32():
    """Catches: np.log(count) (a float64 numpy scalar) and log of the integer count of ``where`` promoting a
    float32 logmeanexp to float64 (JAX keeps float32)."""
    x = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 80.0]], np.float32)
    w = np.array([[True, False, True], [True, True, True]])
    fn = jaxlike.compile(lambda a: (nn.logmeanexp(a, axis=-1), nn.logmeanexp(a, where=w, axis=0), nn.logmeanexp(a)),
                         mode="FAST_COMPILE")
    x64 = x.astype(np.float64)
    want = (np.log(np.mean(np.exp(x64), axis=-1)),
            np.log(np.sum(np.where(w, np.exp(x64), 0), axis=0) / w.sum(axis=0)), np.log(np.mean(np.exp(x64))))
    for got, ref in zip(fn(x), want):
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, ref, rtol=1e-6)


def test_orthogonal_of_an_empty_shape():
    """Catches: orthogonal's row count as size // columns dividing by zero when the column axis is empty
    (JAX returns the empty array)."""
    for shape, axis in [((0, 3), 0), ((0, 3), -1), ((2, 0, 4), 1)]:
        out = nn.initializers.orthogonal(column_axis=axis)(R.PRNGKey(0), shape)
        assert out.shape == shape


def test_dot_product_attention_refuses_what_it_would_get_wrong():
    """Catches: integer inputs accepted with the softmax weights cast back to the integer dtype (all 0 or 1,
    a silently wrong answer), a float mask read by truthiness, and a key batch of 1 against a query batch of
    2 broadcast silently (JAX refuses each)."""
    rng = np.random.default_rng(0)
    q, k, v = rng.normal(size=(2, 3, 4, 5)), rng.normal(size=(2, 6, 2, 5)), rng.normal(size=(2, 6, 2, 5))
    fn = lambda *a, **kw: jaxlike.compile(lambda x, y, z: nn.dot_product_attention(x, y, z, **kw),  # noqa: E731
                                          mode="FAST_COMPILE")(*a)
    with pytest.raises(TypeError, match="query must be a float"):
        fn(q.astype(int), k.astype(int), v.astype(int))
    with pytest.raises(TypeError, match="mask must be boolean"):
        fn(q, k, v, mask=np.ones((3, 6)))
    with pytest.raises(ValueError, match="disagree"):
        fn(q, k[:1], v[:1])
    with pytest.raises(ValueError, match="disagree"):
        fn(q, k, v[:, :5])
