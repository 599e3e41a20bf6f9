"""Jacobians, Hessians and per-example gradients (vmap): the first call (trace + compile, an empty disk
cache) and the per-call time after it, jaxlike against JAX's jit when installed, side by side in one
process, medians.

The point of the first column: a Jacobian is one VJP (JVP) batched over basis vectors, so its compile time
must not grow with the size.

    python benchmarks/jacobians.py [--sizes 10,100,300] [--repeats 7]
"""

import argparse
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import first_and_steady, _try_import  # noqa: E402


def _cases(m, api):
    f = lambda x: m.tanh(x) * m.sum(x ** 2)  # noqa: E731
    g = lambda x: m.sum(m.sin(x) * x ** 3) + m.sum(x) ** 2  # noqa: E731
    loss = lambda x, w: m.sum(m.tanh(x @ w) ** 2)  # noqa: E731
    return [
        ("jacrev of tanh(x) * sum(x**2)", api.jacrev(f), "x"),
        ("jacfwd of tanh(x) * sum(x**2)", api.jacfwd(f), "x"),
        ("hessian of sum(sin(x) * x**3) + sum(x)**2", api.hessian(g), "x"),
        ("vmap(grad) of sum(tanh(x @ w)**2), n examples of 32", api.vmap(api.grad(loss), in_axes=(0, None)), "xw"),
    ]


def _args(kind, n, rng):
    if kind == "x":
        return (np.linspace(-1, 1, n),)
    return rng.standard_normal((n, 32)), rng.standard_normal((32, 16))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10,100,300")
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args()
    # NOTE: an empty disk cache, so the first call really compiles
    os.environ.setdefault("JAXLIKE_FLAGS", "cache_dir=" + tempfile.mkdtemp(prefix="jaxlike-bench-"))
    import jaxlike
    import jaxlike.numpy as jnp
    jax = _try_import("jax")
    if jax:
        jax.config.update("jax_enable_x64", True)
        import jax.numpy as jjnp
    rng = np.random.default_rng(0)
    print(f"machine: {os.cpu_count()} cores, numpy {np.__version__}; first call (s) and per call (µs, median "
          f"of {args.repeats})\n")
    print("| function | n | jaxlike first | jax first | jaxlike per call | jax per call | per call vs jax |")
    print("|---|---|---|---|---|---|---|")
    sizes = [int(s) for s in args.sizes.split(",")]
    ours = _cases(jnp, jaxlike)
    theirs = _cases(jjnp, jax) if jax else [None] * len(ours)
    for (name, fn, kind), other in zip(ours, theirs):
        for n in sizes:
            xs = _args(kind, n, rng)
            first, steady = first_and_steady(jaxlike.compile(fn), xs, args.repeats)
            j_first, j_steady, ratio = "-", "-", "-"
            if other is not None:
                jf = jax.jit(other[1])
                jxs = tuple(jjnp.asarray(a) for a in xs)
                a, b = first_and_steady(lambda *v: jax.block_until_ready(jf(*v)), jxs, args.repeats)
                j_first, j_steady = f"{a:.2f}", f"{b * 1e6:.1f}"
                ratio = f"{b / steady:.2f}x faster" if b >= steady else f"{steady / b:.2f}x slower"
            print(f"| {name} | {n} | {first:.2f} | {j_first} | {steady * 1e6:.1f} | {j_steady} | {ratio} |",
                  flush=True)


if __name__ == "__main__":
    main()
