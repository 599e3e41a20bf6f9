"""Per-call latency of compiled functions on small arguments, where the call path is most of the time: flat
arrays, a parameter dict, a list of layer tuples (the usual JAX training-step arguments) and a Theano
function with array outputs. jaxlike against JAX's jit (arguments already on its device, its best case) and
PyTensor (Numba mode) when installed; medians of repeats in one process, microseconds per call.

    python benchmarks/calls.py [--repeats 11]
"""

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import median_time, _try_import, _pytensor  # noqa: E402


def _mlp_loss(m):
    def loss(layers, x):
        h = x
        for W, b in layers:
            h = m.tanh(h @ W + b)
        return m.sum(h * h)
    return loss


def _cases(m):
    """(name, function of the numpy-like module ``m`` to compile, how to differentiate it, argument maker)."""
    rng = np.random.default_rng(0)
    x3 = rng.standard_normal(3)
    params = {"w": rng.standard_normal((3, 3)), "b": rng.standard_normal(3)}
    layers = [(rng.standard_normal((4, 4)), rng.standard_normal(4)) for _ in range(3)]
    return [
        ("sum(sin(x) * 2), x of 3", lambda x: m.sum(m.sin(x) * 2.0), None, (x3,)),
        ("sin(x) * 2, x of 3", lambda x: m.sin(x) * 2.0, None, (x3,)),
        ("sin(x) * 2, x of 10^4", lambda x: m.sin(x) * 2.0, None, (rng.standard_normal(10 ** 4),)),
        ("value_and_grad, params dict", lambda p, x: m.sum(m.tanh(p["w"] @ x + p["b"])), "vg", (params, x3)),
        ("value_and_grad, 3 (W, b) layers", _mlp_loss(m), "vg", (layers, rng.standard_normal((2, 4)))),
    ]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=11)
    args = ap.parse_args()
    import jaxlike
    import jaxlike.numpy as jnp
    jax = _try_import("jax")
    if jax:
        jax.config.update("jax_enable_x64", True)
        import jax.numpy as jjnp
    print(f"machine: {os.cpu_count()} cores, numpy {np.__version__}; µs per call, medians of {args.repeats}\n")
    print("| call | jaxlike | jax jit | jaxlike vs jax |")
    print("|---|---|---|---|")
    ours = _cases(jnp)
    theirs = _cases(jjnp) if jax else [None] * len(ours)
    for (name, fn, how, xs), other in zip(ours, theirs):
        f = jaxlike.compile(jaxlike.value_and_grad(fn) if how == "vg" else fn)
        t_ours = median_time(lambda: f(*xs), args.repeats, 2000) * 1e6
        t_jax, ratio = "-", "-"
        if other is not None:
            jf = jax.jit(jax.value_and_grad(other[1]) if how == "vg" else other[1])
            jxs = jax.tree_util.tree_map(jjnp.asarray, xs)
            t = median_time(lambda: jax.block_until_ready(jf(*jxs)), args.repeats, 2000) * 1e6
            t_jax, ratio = f"{t:.2f}", f"{t / t_ours:.2f}x faster" if t >= t_ours else f"{t_ours / t:.2f}x slower"
        print(f"| {name} | {t_ours:.2f} | {t_jax} | {ratio} |", flush=True)
    import jaxlike.tensor as T
    x = T.dvector()
    g = jaxlike.function([x], [T.sin(x) * 2.0, T.exp(x)])
    x3 = np.random.default_rng(1).standard_normal(3)
    t_fn = median_time(lambda: g(x3), args.repeats, 2000) * 1e6
    t_pt = "-"
    pt = _pytensor()
    if pt:
        pytensor, PT = pt
        px = PT.dvector()
        pg = pytensor.function([px], [PT.sin(px) * 2.0, PT.exp(px)], mode="NUMBA")
        t_pt = f"{median_time(lambda: pg(x3), args.repeats, 2000) * 1e6:.2f} (PyTensor)"
    print(f"| Theano function, two array outputs, x of 3 | {t_fn:.2f} | {t_pt} | |")


if __name__ == "__main__":
    main()
