"""Elementwise math over 10^6 values, float64 and float32: jaxlike's compiled loop against numpy (and JAX's
jit when installed), each the op times 2 (so neither is a bare library call), medians of repeats in one
process. The rows are the functions whose cost is the math itself: numpy 2 runs them with SIMD, numba
calls the C library one element at a time unless vecmath has a vectorizable form.

    python benchmarks/elementwise.py [--repeats 15]
"""

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import median_time, _try_import  # noqa: E402

N = 10 ** 6


def _ops(jnp, nn):
    """(name, jaxlike function, numpy function, argument kind): "any", "positive" or "unit" (inside (-1, 1))."""
    return [("exp", jnp.exp, np.exp, "any"),
            ("log", jnp.log, np.log, "positive"),
            ("log1p", jnp.log1p, np.log1p, "positive"),
            ("expm1", jnp.expm1, np.expm1, "any"),
            ("tanh", jnp.tanh, np.tanh, "any"),
            ("sigmoid", nn.sigmoid, lambda v: 1 / (1 + np.exp(-v)), "any"),
            ("softplus", nn.softplus, lambda v: np.logaddexp(0, v), "any"),
            ("sin", jnp.sin, np.sin, "any"),
            ("tan", jnp.tan, np.tan, "any"),
            ("sqrt", jnp.sqrt, np.sqrt, "positive"),
            ("x ** 3", lambda v: v ** 3, lambda v: v ** 3, "any"),
            ("arctan", jnp.arctan, np.arctan, "any"),
            ("sinh", jnp.sinh, np.sinh, "any"),
            ("cosh", jnp.cosh, np.cosh, "any"),
            ("arcsinh", jnp.arcsinh, np.arcsinh, "any"),
            ("arctanh", jnp.arctanh, np.arctanh, "unit"),
            ("log2", jnp.log2, np.log2, "positive"),
            ("log10", jnp.log10, np.log10, "positive"),
            ("cbrt", jnp.cbrt, np.cbrt, "any"),
            ("x ** 1.5", lambda v: v ** 1.5, lambda v: v ** 1.5, "positive")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=15)
    args = ap.parse_args()
    import jaxlike
    import jaxlike.numpy as jnp
    from jaxlike import nn
    jax = _try_import("jax")
    if jax:
        jax.config.update("jax_enable_x64", True)
        import jax.numpy as jjnp
        import jax.nn as jnn
        jax_ops = dict((name, f) for name, f, _, _ in _ops(jjnp, jnn))
    rng = np.random.default_rng(0)
    print(f"machine: {os.cpu_count()} cores, numpy {np.__version__}; ms per 10^6 values, medians of "
          f"{args.repeats}\n")
    print("| op | dtype | jaxlike | numpy | jax | jaxlike vs numpy |")
    print("|---|---|---|---|---|---|")
    for dt in (np.float64, np.float32):
        x = (rng.standard_normal(N) * 2).astype(dt)
        args_of = {"any": x, "positive": np.abs(x) + dt(0.1), "unit": x / (np.abs(x) + dt(1))}
        for name, jf, nf, kind in _ops(jnp, nn):
            a = args_of[kind]
            f = jaxlike.compile(lambda v, jf=jf: jf(v) * 2)
            t_ours = median_time(lambda: f(a), args.repeats) * 1e3
            t_np = median_time(lambda: nf(a) * 2, args.repeats) * 1e3
            t_jax = "-"
            if jax:
                jfn = jax.jit(lambda v, g=jax_ops[name]: g(v) * 2)
                aj = jax.numpy.asarray(a)
                t_jax = f"{median_time(lambda: jfn(aj).block_until_ready(), args.repeats) * 1e3:.2f}"
            print(f"| {name} | {np.dtype(dt).name} | {t_ours:.2f} | {t_np:.2f} | {t_jax} | "
                  f"{t_np / t_ours:.2f}x |", flush=True)


if __name__ == "__main__":
    main()
