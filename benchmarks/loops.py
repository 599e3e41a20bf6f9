"""Loops: value and gradient of a tanh RNN (hidden 8, inputs 8) over T steps, written with ``lax.scan`` and
as a Python ``for`` loop (which unrolls into the graph), and of an LSTM cell (hidden 16, inputs 8) with
``lax.scan``, jaxlike against JAX's jit (``jax.lax.scan``) when installed, side by side in one process. First
call (trace + compile, an empty disk cache) and per call (median).

The points: a scan compiles once whatever T is; an unrolled loop's compile time grows with T; the LSTM's
derivative reads its gates, which the forward loop saves per step.

    python benchmarks/loops.py [--steps 10,50,200] [--repeats 7] [--unrolled 10,50] [--lstm 50,200]
"""

import argparse
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import first_and_steady, _try_import  # noqa: E402


def _rnn_scan(m, lax):
    def loss(params, xs):
        W, U, b = params

        def step(h, x):
            h = m.tanh(W @ h + U @ x + b)
            return h, m.sum(h)
        h, ys = lax.scan(step, m.zeros(8), xs)
        return m.sum(h * h) + m.sum(ys)
    return loss


def _lstm_scan(m, lax):
    def loss(params, xs):
        W, U, b = params

        def step(carry, x):
            h, c = carry
            i, f, o, g = m.split(W @ h + U @ x + b, 4)
            sig = lambda z: 1 / (1 + m.exp(-z))   # noqa: E731
            c = sig(f) * c + sig(i) * m.tanh(g)
            h = sig(o) * m.tanh(c)
            return (h, c), m.sum(h)
        (h, c), ys = lax.scan(step, (m.zeros(16), m.zeros(16)), xs)
        return m.sum(h * h) + m.sum(ys)
    return loss


def _rnn_unrolled(m):
    def loss(params, xs):
        W, U, b = params
        h, total = m.zeros(8), 0.0
        for t in range(xs.shape[0]):
            h = m.tanh(W @ h + U @ xs[t] + b)
            total = total + m.sum(h)
        return m.sum(h * h) + total
    return loss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", default="10,50,200")
    ap.add_argument("--unrolled", default="10,50")
    ap.add_argument("--lstm", default="50,200")
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args()
    os.environ.setdefault("JAXLIKE_FLAGS", "cache_dir=" + tempfile.mkdtemp(prefix="jaxlike-bench-"))
    import jaxlike
    import jaxlike.numpy as jnp
    jax = _try_import("jax")
    if jax:
        jax.config.update("jax_enable_x64", True)
        import jax.numpy as jjnp
    rng = np.random.default_rng(0)
    params = (rng.normal(size=(8, 8)) * 0.3, rng.normal(size=(8, 8)) * 0.3, rng.normal(size=8) * 0.1)
    lstm_params = (rng.normal(size=(64, 16)) * 0.2, rng.normal(size=(64, 8)) * 0.2, rng.normal(size=64) * 0.1)
    print(f"machine: {os.cpu_count()} cores, numpy {np.__version__}; first call (s) and per call (µs, median "
          f"of {args.repeats}); value_and_grad of a tanh RNN (hidden 8) and an LSTM cell (hidden 16)\n")
    print("| loop | T | jaxlike first | jax first | jaxlike per call | jax per call | per call vs jax |")
    print("|---|---|---|---|---|---|---|")
    ours_scan = jaxlike.compile(jaxlike.value_and_grad(_rnn_scan(jnp, jaxlike.lax)))
    theirs_scan = jax.jit(jax.value_and_grad(_rnn_scan(jjnp, jax.lax))) if jax else None
    rows = [("scan", int(t), ours_scan, theirs_scan, params) for t in args.steps.split(",") if t]
    rows += [("Python for (unrolled)", int(t), jaxlike.compile(jaxlike.value_and_grad(_rnn_unrolled(jnp))),
              jax.jit(jax.value_and_grad(_rnn_unrolled(jjnp))) if jax else None, params)
             for t in args.unrolled.split(",") if t]
    ours_lstm = jaxlike.compile(jaxlike.value_and_grad(_lstm_scan(jnp, jaxlike.lax)))
    theirs_lstm = jax.jit(jax.value_and_grad(_lstm_scan(jjnp, jax.lax))) if jax else None
    rows += [("LSTM scan", int(t), ours_lstm, theirs_lstm, lstm_params) for t in args.lstm.split(",") if t]
    for name, steps, ours, theirs, p in rows:
        xs = rng.normal(size=(steps, 8))
        first, steady = first_and_steady(ours, (p, xs), args.repeats)
        j_first, j_steady, ratio = "-", "-", "-"
        if theirs is not None:
            jargs = (tuple(jjnp.asarray(a) for a in p), jjnp.asarray(xs))
            a, b = first_and_steady(lambda *v: jax.block_until_ready(theirs(*v)), jargs, args.repeats)
            j_first, j_steady = f"{a:.2f}", f"{b * 1e6:.1f}"
            ratio = f"{b / steady:.2f}x faster" if b >= steady else f"{steady / b:.2f}x slower"
        print(f"| {name} | {steps} | {first:.2f} | {j_first} | {steady * 1e6:.1f} | {j_steady} | {ratio} |",
              flush=True)


if __name__ == "__main__":
    main()
