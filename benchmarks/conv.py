"""Convolution: forward + backward of LeNet's two conv layers (batch 256: 1 -> 20 channels on 28x28 with 5x5
kernels, 2x2 max pool, tanh, then 20 -> 50 channels with 5x5 kernels, 2x2 max pool, tanh; the loss is the
sum of squares; gradients for both kernels), jaxlike (``lax.conv_general_dilated`` + ``lax.reduce_window``,
compiled) against JAX's jit when installed and against numpy written by hand (im2col with
``sliding_window_view`` and ``tensordot``), side by side in one process. First call and per call (median).

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/conv.py [--batch 256] [--repeats 5]
"""

import argparse
import os
import sys
import tempfile
import time

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import median_time, _try_import  # noqa: E402


def _lenet_loss(lax, m):
    def pool(h):
        # NOTE: lax.max, which JAX needs to recognize the max monoid (and differentiate it)
        return lax.reduce_window(h, -np.inf, getattr(lax, "max", m.maximum), (1, 1, 2, 2), (1, 1, 2, 2), "VALID")

    def loss(w1, w2, x):
        h = m.tanh(pool(lax.conv_general_dilated(x, w1, (1, 1), "VALID")))
        h = m.tanh(pool(lax.conv_general_dilated(h, w2, (1, 1), "VALID")))
        return m.sum(h * h)
    return loss


def _numpy_value_and_grad(w1, w2, x):
    """The same loss and its kernel gradients by hand: im2col, GEMMs, max-pool routing (no ties in random
    data)."""
    def conv(x, w):
        p = sliding_window_view(x, w.shape[2:], axis=(2, 3))                 # (B, C, oh, ow, kh, kw)
        return np.tensordot(p, w, axes=([1, 4, 5], [1, 2, 3])).transpose(0, 3, 1, 2), p

    def pool(h):
        B, F, H, W = h.shape
        blocks = h.reshape(B, F, H // 2, 2, W // 2, 2)
        out = blocks.max(axis=(3, 5))
        return out, blocks == out[:, :, :, None, :, None]

    def unpool(g, win, shape):
        return (win * g[:, :, :, None, :, None]).reshape(shape)

    c1, p1 = conv(x, w1)
    m1, win1 = pool(c1)
    h1 = np.tanh(m1)
    c2, p2 = conv(h1, w2)
    m2, win2 = pool(c2)
    h2 = np.tanh(m2)
    loss = np.sum(h2 * h2)
    g_m2 = 2 * h2 * (1 - h2 ** 2)
    g_c2 = unpool(g_m2, win2, c2.shape)
    g_w2 = np.tensordot(g_c2, p2, axes=([0, 2, 3], [0, 2, 3]))             # (F2, C, kh, kw)
    # input gradient of conv2: full correlation of g_c2 with the flipped kernel
    gpad = np.pad(g_c2, ((0, 0), (0, 0), (4, 4), (4, 4)))
    g_h1 = conv(gpad, np.ascontiguousarray(w2[:, :, ::-1, ::-1].transpose(1, 0, 2, 3)))[0]
    g_m1 = g_h1 * (1 - h1 ** 2)
    g_c1 = unpool(g_m1, win1, c1.shape)
    g_w1 = np.tensordot(g_c1, p1, axes=([0, 2, 3], [0, 2, 3]))
    return loss, (g_w1, g_w2)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    os.environ.setdefault("JAXLIKE_FLAGS", "cache_dir=" + tempfile.mkdtemp(prefix="jaxlike-bench-"))
    import jaxlike
    import jaxlike.numpy as jnp
    rng = np.random.default_rng(0)
    w1 = 0.2 * rng.normal(size=(20, 1, 5, 5))
    w2 = 0.05 * rng.normal(size=(50, 20, 5, 5))
    x = rng.normal(size=(args.batch, 1, 28, 28))

    ours = jaxlike.compile(jaxlike.value_and_grad(_lenet_loss(jaxlike.lax, jnp), argnums=(0, 1)))
    t0 = time.perf_counter()
    val, grads = ours(w1, w2, x)
    first = time.perf_counter() - t0
    want, want_grads = _numpy_value_and_grad(w1, w2, x)
    assert np.isclose(val, want, rtol=1e-9), (val, want)
    for g, w in zip(grads, want_grads):
        np.testing.assert_allclose(g, w, rtol=1e-7, atol=1e-9)
    times = {"jaxlike": median_time(lambda: ours(w1, w2, x), args.repeats),
             "numpy": median_time(lambda: _numpy_value_and_grad(w1, w2, x), args.repeats)}
    firsts = {"jaxlike": first}
    jax = _try_import("jax")
    if jax:
        jax.config.update("jax_enable_x64", True)
        import jax.numpy as jjnp
        theirs = jax.jit(jax.value_and_grad(_lenet_loss(jax.lax, jjnp), argnums=(0, 1)))
        jargs = tuple(jjnp.asarray(a) for a in (w1, w2, x))
        t0 = time.perf_counter()
        jval, _ = jax.block_until_ready(theirs(*jargs))
        firsts["jax"] = time.perf_counter() - t0
        assert np.isclose(float(jval), want, rtol=1e-9)
        times["jax"] = median_time(lambda: jax.block_until_ready(theirs(*jargs)), args.repeats)
    print(f"machine: {os.cpu_count()} cores, numpy {np.__version__}; LeNet conv layers, batch {args.batch}, "
          f"float64, value and kernel gradients; median of {args.repeats}\n")
    print("| implementation | first call (s) | per call (ms) | jaxlike vs it |")
    print("|---|---|---|---|")
    for name, t in times.items():
        ratio = "-" if name == "jaxlike" else (f"{t / times['jaxlike']:.2f}x faster" if t >= times["jaxlike"]
                                               else f"{times['jaxlike'] / t:.2f}x slower")
        first_s = f"{firsts[name]:.2f}" if name in firsts else "-"
        print(f"| {name} | {first_s} | {t * 1e3:.1f} | {ratio} |", flush=True)


if __name__ == "__main__":
    main()
