"""Theano's ``T.nnet.conv2d`` (and the old ``nnet.conv.conv2d``) and ``signal.pool.pool_2d`` against numpy
loops written after Theano 1.0's own ``perform`` code (border modes, flips, strides, dilation, groups; pool
modes, ignore_border both ways, padding), their gradients against finite differences, the hint and argument
errors, and a LeNet-style training loop (conv2d -> pool_2d -> tanh -> flatten -> softmax) compiled with
updates, checked step by step against the same SGD written in numpy."""

import itertools
import warnings

import numpy as np
import pytest

import jaxlike
import jaxlike as theano
import jaxlike.tensor as T
from jaxlike.tensor.nnet import conv2d, conv
from jaxlike.tensor.signal import pool, downsample
from jaxlike.test_util import check_grads

RNG = np.random.default_rng(3)


# -- numpy references -------------------------------------------------------------------------------------
def ref_pool(x, ws, ignore_border, stride, pad, mode):
    """Theano 1.0's Pool.perform (pooled output sizes and the clipped regions), transcribed."""
    nd = 2
    stride = ws if stride is None else stride
    img = tuple(x.shape[-nd + i] + 2 * pad[i] for i in range(nd))

    def out_size(v, k, s):
        if ignore_border:
            return max((v - k) // s + 1, 0)
        return (v - 1) // s + 1 if s >= k else max(0, (v - 1 - k + s) // s) + 1

    outs = [out_size(img[i], ws[i], stride[i]) for i in range(nd)]
    y = np.zeros(x.shape[:-nd] + img)
    y[..., pad[0]:img[0] - pad[0], pad[1]:img[1] - pad[1]] = x
    func = {"max": np.max, "sum": np.sum}.get(mode, np.average)
    inc_pad = mode == "average_inc_pad"
    regions = []
    for i in range(nd):
        r = []
        for j in range(outs[i]):
            start, end = j * stride[i], min(j * stride[i] + ws[i], img[i])
            if not inc_pad:
                start, end = max(start, pad[i]), min(end, img[i] - pad[i])
            r.append(slice(start, end))
        regions.append(r)
    z = np.zeros(x.shape[:-nd] + tuple(outs))
    for k in np.ndindex(*x.shape[:-nd]):
        for r in itertools.product(*[range(n) for n in outs]):
            z[k + r] = func(y[k][regions[0][r[0]], regions[1][r[1]]])
    return z


def ref_conv2d(x, w, pads, stride, dil, groups, flip=True):
    if flip:
        w = w[:, :, ::-1, ::-1]
    xp = np.pad(x, ((0, 0), (0, 0), pads[0], pads[1]))
    kh, kw = w.shape[2:]
    sh, sw = [(k - 1) * d + 1 for k, d in zip((kh, kw), dil)]
    oh, ow = (xp.shape[2] - sh) // stride[0] + 1, (xp.shape[3] - sw) // stride[1] + 1
    cg, og = w.shape[1], w.shape[0] // groups
    y = np.zeros((x.shape[0], w.shape[0], oh, ow))
    for o in range(w.shape[0]):
        g = o // og
        for i, j, a, b in itertools.product(range(oh), range(ow), range(kh), range(kw)):
            patch = xp[:, g * cg:(g + 1) * cg, i * stride[0] + a * dil[0], j * stride[1] + b * dil[1]]
            y[:, o, i, j] += patch @ w[o, :, a, b]
    return y


# -- pool_2d ------------------------------------------------------------------------------------------------
POOL_CASES = [
    # (ws, ignore_border, stride, pad)
    ((2, 2), True, None, (0, 0)),
    ((2, 2), False, None, (0, 0)),
    ((3, 2), False, (2, 1), (0, 0)),
    ((3, 3), False, (1, 2), (0, 0)),
    ((2, 3), False, (3, 3), (0, 0)),
    ((3, 3), True, (2, 2), (1, 2)),
    ((2, 2), True, (1, 1), (1, 1)),
]
MODES = ("max", "sum", "average_inc_pad", "average_exc_pad")


def _pool_outputs(x):
    return [pool.pool_2d(x, ws, ignore_border=ib, stride=st, pad=p, mode=m)
            for ws, ib, st, p in POOL_CASES for m in MODES]


@pytest.fixture(scope="module")
def pool_fns():
    x = T.tensor4("x")
    compiled = theano.function([x], [pool.pool_2d(x, (3, 2), ignore_border=False, stride=(2, 1),
                                                  mode="average_exc_pad"),
                                     pool.pool_2d(x, (3, 3), ignore_border=True, stride=(2, 2), pad=(1, 2),
                                                  mode="max")])
    return theano.function([x], _pool_outputs(x), mode="FAST_COMPILE"), compiled


@pytest.mark.parametrize("shape", [(2, 3, 7, 8), (1, 2, 6, 5)])
def test_pool_2d_matches_theano_loop(pool_fns, shape):
    """Catches wrong ceil sizes with ignore_border=False, pad counted in average_exc_pad (or not counted in
    average_inc_pad), padding entering max, and retracing: every case and mode in the reference interpreter,
    two of them compiled (numba), each function called with two image sizes."""
    interp, compiled = pool_fns
    x = RNG.normal(size=shape)
    got = interp(x)
    want = [ref_pool(x, ws, ib, st, p, m) for ws, ib, st, p in POOL_CASES for m in MODES]
    for k, (g, w) in enumerate(zip(got, want)):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-12, err_msg=f"case {k // 4}, mode {MODES[k % 4]}")
    fast = compiled(x)
    np.testing.assert_allclose(fast[0], ref_pool(x, (3, 2), False, (2, 1), (0, 0), "average_exc_pad"), rtol=1e-12)
    np.testing.assert_allclose(fast[1], ref_pool(x, (3, 3), True, (2, 2), (1, 2), "max"), rtol=1e-12)


def test_pool_2d_ranks_names_and_small_images():
    """Rank 2 and 3 inputs pool their last two axes; the deprecated ds/st/padding names and downsample's
    max_pool_2d give the same; an image smaller than the window still gives one window (Theano's)."""
    x = RNG.normal(size=(3, 5, 7))
    want = ref_pool(x, (2, 3), True, (1, 2), (1, 1), "average_exc_pad")
    got = pool.pool_2d(T.as_tensor_variable(x), (2, 3), True, (1, 2), (1, 1), "average_exc_pad")
    np.testing.assert_allclose(got.eval(), want, atol=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        old = pool.pool_2d(x[0], ds=(2, 2), st=(1, 1), ignore_border=False, mode="max")
        padded = pool.pool_2d(x, (3, 3), ignore_border=True, padding=(1, 2), mode="sum")
    np.testing.assert_allclose(old.eval(), ref_pool(x[0], (2, 2), False, (1, 1), (0, 0), "max"))
    np.testing.assert_allclose(padded.eval(), ref_pool(x, (3, 3), True, None, (1, 2), "sum"), atol=1e-12)
    np.testing.assert_allclose(downsample.max_pool_2d(x, (3, 2), ignore_border=True).eval(),
                               ref_pool(x, (3, 2), True, None, (0, 0), "max"))
    small = RNG.normal(size=(2, 2))
    np.testing.assert_allclose(pool.pool_2d(small, (4, 4), ignore_border=False, stride=(1, 1)).eval(),
                               ref_pool(small, (4, 4), False, (1, 1), (0, 0), "max"))


def test_pool_errors_and_warning():
    x = T.tensor4()
    with pytest.raises(NotImplementedError, match="ignore_border=True"):
        pool.pool_2d(x, (2, 2), ignore_border=False, pad=(1, 1))
    with pytest.raises(NotImplementedError, match="smaller than the window"):
        pool.pool_2d(x, (2, 2), ignore_border=True, pad=(2, 0))
    with pytest.raises(ValueError, match="mode"):
        pool.pool_2d(x, (2, 2), ignore_border=True, mode="avg")
    with pytest.raises(ValueError, match="both"):
        pool.pool_2d(x, (2, 2), ds=(2, 2), ignore_border=True)
    with pytest.raises(NotImplementedError, match="rank >= 2"):
        pool.pool_2d(T.vector(), (2, 2), ignore_border=True)
    with pytest.warns(UserWarning, match="ignore_border"):
        pool.pool_2d(x, (2, 2))


def test_max_pool_gradient_and_same_size():
    """Max pooling's gradient splits a window's cotangent among tied maxima (documented; Theano gives each
    tie all of it): sum of the gradient = number of windows. max_pool_2d_same_size keeps every tied maximum
    of each whole patch and zeros the rest."""
    x = T.matrix()
    g = T.grad(T.sum(pool.pool_2d(x, (2, 2), ignore_border=True)), x)
    val = np.array([[1.0, 1.0, 0.0, 5.0, 9.0], [0.0, 1.0, 5.0, 2.0, 9.0], [3.0, 3.0, 3.0, 3.0, 9.0]])
    got = theano.function([x], g, mode="FAST_COMPILE")(val)
    want = np.zeros_like(val)
    want[0, 0] = want[0, 1] = want[1, 1] = 1 / 3       # three tied maxima (1.0) in the first window
    want[0, 3] = want[1, 2] = 0.5                      # two (5.0) in the second; the third row and column drop
    np.testing.assert_allclose(got, want)
    same = pool.max_pool_2d_same_size(val, (2, 2)).eval()
    np.testing.assert_allclose(same, np.where(want > 0, val, 0.0))


def test_pool_gradients_order_two():
    """The pooled values' derivatives against finite differences, all modes (distinct inputs)."""
    x = RNG.permutation(70).reshape(2, 5, 7) / 10.0
    for mode in MODES:
        f = lambda v: (pool.pool_2d(v, (2, 3), ignore_border=False, stride=(2, 2), mode=mode) ** 2
                       + T.sum(pool.pool_2d(v, (3, 2), ignore_border=True, pad=(1, 1), mode=mode) ** 2))
        check_grads(jaxlike.compile(f, mode="FAST_COMPILE"), (x,), order=2)


# -- conv2d -------------------------------------------------------------------------------------------------
CONV_CASES = [
    # (border_mode, subsample, filter_flip, filter_dilation, num_groups)
    ("valid", (1, 1), True, (1, 1), 1),
    ("full", (2, 1), True, (1, 2), 1),
    ("half", (1, 2), False, (1, 1), 2),
    (1, (1, 1), True, (2, 1), 1),
    ((2, 0), (2, 2), True, (1, 1), 2),
    (((1, 0), (0, 2)), (1, 1), False, (1, 1), 1),
]


def _pads(border_mode, kshape, dil):
    spans = [(k - 1) * d + 1 for k, d in zip(kshape, dil)]
    if border_mode == "valid":
        return [(0, 0), (0, 0)]
    if border_mode == "full":
        return [(s - 1, s - 1) for s in spans]
    if border_mode == "half":
        return [(s // 2, s // 2) for s in spans]
    if isinstance(border_mode, int):
        return [(border_mode, border_mode)] * 2
    return [p if isinstance(p, tuple) else (p, p) for p in border_mode]


@pytest.mark.parametrize("case", CONV_CASES, ids=[str(i) for i in range(len(CONV_CASES))])
def test_conv2d_matches_loop(case):
    """Catches a missing (or doubled) kernel flip, wrong border-mode padding, strides, dilation and group
    channel assignment, evaluated through the reference interpreter."""
    border, sub, flip, dil, groups = case
    x = RNG.normal(size=(2, 4, 7, 6))
    w = RNG.normal(size=(4, 4 // groups, 3, 2))
    xs, ws = T.tensor4(), T.tensor4()
    out = conv2d(xs, ws, input_shape=(None, 4, 7, 6), filter_shape=w.shape, border_mode=border, subsample=sub,
                 filter_flip=flip, filter_dilation=dil, num_groups=groups)
    got = theano.function([xs, ws], out, mode="FAST_COMPILE")(x, w)
    np.testing.assert_allclose(got, ref_conv2d(x, w, _pads(border, (3, 2), dil), sub, dil, groups, flip),
                               atol=1e-12)


def test_old_conv_api_and_errors():
    """``from theano.tensor.nnet import conv; conv.conv2d(input, filters, filter_shape=, image_shape=)``
    convolves as the new one; mismatched hints, wrong ranks, unshared filters and bad border modes fail
    clearly."""
    x, w = RNG.normal(size=(2, 3, 6, 6)), RNG.normal(size=(2, 3, 3, 3))
    got = conv.conv2d(x, w, filter_shape=(2, 3, 3, 3), image_shape=(2, 3, 6, 6), border_mode="full").eval()
    np.testing.assert_allclose(got, ref_conv2d(x, w, [(2, 2), (2, 2)], (1, 1), (1, 1), 1), atol=1e-12)
    assert T.nnet.conv2d is conv2d
    with pytest.raises(ValueError, match="input_shape"):
        conv2d(x, w, input_shape=(2, 4, 6, 6))
    with pytest.raises(ValueError, match="filter_shape"):
        conv2d(x, w, filter_shape=(2, 3, 5, 3))
    with pytest.raises(TypeError, match="4-D"):
        conv2d(x[0], w)
    with pytest.raises(NotImplementedError, match="unshared"):
        conv2d(x, w, unshared=True)
    with pytest.raises(ValueError, match="border_mode"):
        conv2d(x, w, border_mode="same")
    with pytest.raises(ValueError, match="channels"):
        conv2d(x, w[:, :2])
    with pytest.raises(ValueError, match="filter_shape"):
        conv2d(T.tensor4(), T.tensor4())        # symbolic filter size and no hint


def test_conv2d_gradients_order_two():
    x, w = 0.5 * RNG.normal(size=(2, 2, 5, 4)), 0.5 * RNG.normal(size=(2, 1, 2, 3))
    f = lambda x, w: T.sin(conv2d(x, w, border_mode=(1, 2), subsample=(2, 1), num_groups=2, filter_dilation=(1, 2)))
    check_grads(jaxlike.compile(f, mode="FAST_COMPILE"), (x, w), order=2)


# -- LeNet-style training -----------------------------------------------------------------------------------
def _numpy_lenet_step(x, y, W, b, V, c, lr):
    """One SGD step of conv2d (valid, flipped) -> 2x2 max pool -> tanh -> flatten -> softmax -> NLL, by hand."""
    from numpy.lib.stride_tricks import sliding_window_view
    Wf = W[:, :, ::-1, ::-1]
    patches = sliding_window_view(x, Wf.shape[2:], axis=(2, 3))          # (B, C, oh, ow, kh, kw)
    conv_out = np.einsum("bchwij,fcij->bfhw", patches, Wf)
    B, F, oh, ow = conv_out.shape
    blocks = conv_out.reshape(B, F, oh // 2, 2, ow // 2, 2)
    pooled = blocks.max(axis=(3, 5))
    h = np.tanh(pooled + b[None, :, None, None])
    flat = h.reshape(B, -1)
    logits = flat @ V + c
    p = np.exp(logits - logits.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    loss = -np.mean(np.log(p[np.arange(B), y]))
    dlogits = p.copy()
    dlogits[np.arange(B), y] -= 1
    dlogits /= B
    dV, dc = flat.T @ dlogits, dlogits.sum(0)
    dpre = (dlogits @ V.T).reshape(h.shape) * (1 - h ** 2)
    db = dpre.sum((0, 2, 3))
    winner = blocks == pooled[:, :, :, None, :, None]                     # no ties in random data
    dconv = (winner * dpre[:, :, :, None, :, None]).reshape(B, F, oh, ow)
    dWf = np.einsum("bchwij,bfhw->fcij", patches, dconv)
    return loss, W - lr * dWf[:, :, ::-1, ::-1], b - lr * db, V - lr * dV, c - lr * dc


def test_lenet_training_matches_numpy():
    """A compiled train function (forward, backward and updates in one call) against numpy's same steps,
    with two batch sizes (a Theano function is compiled once, with symbolic sizes); the loss must fall.
    Catches wrong conv/pool gradients under compilation and update wiring."""
    rng = np.random.default_rng(0)
    W0, b0 = 0.3 * rng.normal(size=(4, 1, 3, 3)), np.zeros(4)
    V0, c0 = 0.1 * rng.normal(size=(4 * 3 * 3, 3)), np.zeros(3)
    W, b, V, c = (theano.shared(v.copy()) for v in (W0, b0, V0, c0))
    x, y = T.tensor4("x"), T.ivector("y")
    conv_out = conv2d(x, W, filter_shape=(4, 1, 3, 3))
    h = T.tanh(pool.pool_2d(conv_out, ws=(2, 2), ignore_border=True) + b.dimshuffle("x", 0, "x", "x"))
    p = T.nnet.softmax(T.dot(h.flatten(2), V) + c)
    loss = -T.mean(T.log(p)[T.arange(y.shape[0]), y])
    lr = 0.5
    grads = T.grad(loss, [W, b, V, c])
    train = theano.function([x, y], loss, updates=[(s, s - lr * g) for s, g in zip([W, b, V, c], grads)])
    state = (W0, b0, V0, c0)
    losses = []
    for step in range(6):
        batch = 8 if step % 2 == 0 else 5
        xb = rng.normal(size=(batch, 1, 8, 8))
        yb = (xb[:, 0, :4].sum((1, 2)) > 0).astype(np.int32) + (xb[:, 0, 4:, :4].sum((1, 2)) > 0)
        got = train(xb, yb.astype(np.int32))
        want, *state = _numpy_lenet_step(xb, yb, *state, lr)
        np.testing.assert_allclose(got, want, rtol=1e-10)
        for shared, value in zip((W, b, V, c), state):
            np.testing.assert_allclose(shared.get_value(), value, rtol=1e-9, atol=1e-12)
        losses.append(got)
    xb = rng.normal(size=(8, 1, 8, 8))
    yb = ((xb[:, 0, :4].sum((1, 2)) > 0).astype(np.int32) + (xb[:, 0, 4:, :4].sum((1, 2)) > 0)).astype(np.int32)
    first = train(xb, yb)
    for _ in range(15):
        last = train(xb, yb)
    assert last < first
