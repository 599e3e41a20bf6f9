"""Common array operations beyond the unary math (reductions along either axis, argmax, broadcasting,
transposes, gathers, scans, sorting, rounding, integer arithmetic, two-operand math), each written once
against a numpy-like module and run as numpy, jaxlike's compiled function and JAX's jit (when installed),
medians of repeats in one process, on 10^6 float64 values (a 1000 x 1000 matrix or a vector). Every
jaxlike result is checked against numpy's before it is timed.

    python benchmarks/operations.py [--repeats 11] [--only argmax,sort]
"""

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import median_time, _try_import  # noqa: E402


def _cases():
    """(name, function of a numpy-like module m returning the operation, argument names)."""
    return [
        ("sum over axis 0", lambda m: lambda a: m.sum(a, axis=0), "A"),
        ("sum over axis 1", lambda m: lambda a: m.sum(a, axis=1), "A"),
        ("max over axis 0", lambda m: lambda a: m.max(a, axis=0), "A"),
        ("argmax over axis 0", lambda m: lambda a: m.argmax(a, axis=0), "A"),
        ("argmax over axis 1", lambda m: lambda a: m.argmax(a, axis=1), "A"),
        ("var over axis 1", lambda m: lambda a: m.var(a, axis=1), "A"),
        ("a - mean(a, 1)", lambda m: lambda a: a - m.mean(a, axis=1, keepdims=True), "A"),
        ("softmax rows", lambda m: lambda a: m.exp(a - m.max(a, axis=1, keepdims=True))
         / m.sum(m.exp(a - m.max(a, axis=1, keepdims=True)), axis=1, keepdims=True), "A"),
        ("a * v (broadcast)", lambda m: lambda a, v: a * v, "Av"),
        ("a.T + 0", lambda m: lambda a: a.T + 0.0, "A"),
        ("a + b.T", lambda m: lambda a, b: a + b.T, "AB"),
        ("where(x > 0, x, 0.1 x)", lambda m: lambda x: m.where(x > 0, x, 0.1 * x), "x"),
        ("clip", lambda m: lambda x: m.clip(x, -1.0, 1.0), "x"),
        ("round", lambda m: lambda x: m.round(x), "x"),
        ("x // 1.5", lambda m: lambda x: x // 1.5, "x"),
        ("x % 1.5", lambda m: lambda x: x % 1.5, "x"),
        ("int64 % 7", lambda m: lambda i: i % 7, "i"),
        ("gather x[idx]", lambda m: lambda x, k: x[k], "xk"),
        ("cumsum", lambda m: lambda x: m.cumsum(x), "x"),
        ("sort", lambda m: lambda x: m.sort(x), "x"),
        ("argsort rows", lambda m: lambda a: m.argsort(a, axis=1), "A"),
        ("searchsorted 10^4 in 10^6", lambda m: lambda s, y: m.searchsorted(s, y[:10000]), "sy"),
        ("arcsin", lambda m: lambda x: m.arcsin(x * 0.3), "x"),
        ("arctan2", lambda m: lambda x, y: m.arctan2(x, y), "xy"),
        ("|x| ** 1.5", lambda m: lambda x: m.abs(x) ** 1.5, "x"),
        ("outer", lambda m: lambda u, v: m.outer(u, v), "uv"),
        ("row norms", lambda m: lambda a: m.sqrt(m.sum(a * a, axis=1)), "A"),
        ("logsumexp rows", lambda m: lambda a: m.log(m.sum(m.exp(a), axis=1)), "A"),
        ("concatenate columns", lambda m: lambda a, b: m.concatenate([a, b], axis=1), "AB"),
        ("sort rows", lambda m: lambda a: m.sort(a, axis=1), "A"),
        ("einsum ij,ij->i", lambda m: lambda a, b: m.einsum("ij,ij->i", a, b), "AB"),
        ("log2", lambda m: lambda x: m.log2(m.abs(x)), "x"),
        ("cbrt", lambda m: lambda x: m.cbrt(x), "x"),
        ("diff", lambda m: lambda x: m.diff(x), "x"),
        ("roll", lambda m: lambda x: m.roll(x, 3), "x"),
        ("stack", lambda m: lambda a, b: m.stack([a, b]), "AB"),
    ]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=11)
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    import jaxlike
    import jaxlike.numpy as jnp
    jax = _try_import("jax")
    if jax:
        jax.config.update("jax_enable_x64", True)
        import jax.numpy as jjnp
    rng = np.random.default_rng(0)
    data = {"A": rng.standard_normal((1000, 1000)), "B": rng.standard_normal((1000, 1000)),
            "v": rng.standard_normal(1000), "u": rng.standard_normal(1000), "x": rng.standard_normal(10 ** 6),
            "y": rng.standard_normal(10 ** 6), "s": np.sort(rng.standard_normal(10 ** 6)), "i": rng.integers(-10 ** 6, 10 ** 6, 10 ** 6),
            "k": rng.integers(-10 ** 6, 10 ** 6, 10 ** 5)}
    print(f"machine: {os.cpu_count()} cores, numpy {np.__version__}; ms, medians of {args.repeats}\n")
    print("| operation | jaxlike | numpy | jax | jaxlike vs numpy |")
    print("|---|---|---|---|---|")
    only = [o for o in args.only.split(",") if o]
    for name, make, names in _cases():
        if only and not any(o in name for o in only):
            continue
        xs = [data[c] for c in names]
        f = jaxlike.compile(make(jnp))
        with np.errstate(all="ignore"):
            want = make(np)(*xs)
            got = f(*xs)
        scale = float(np.nanmax(np.abs(want))) if np.size(want) else 0.0
        if not np.allclose(got, want, rtol=1e-12, atol=1e-12 * scale, equal_nan=True):   # NOTE: sums differ in order
            print(f"| {name} | differs from numpy | | | |", flush=True)
            continue
        with np.errstate(all="ignore"):
            t_ours = median_time(lambda: f(*xs), args.repeats) * 1e3
            t_np = median_time(lambda: make(np)(*xs), args.repeats) * 1e3
        t_jax = "-"
        if jax:
            jf = jax.jit(make(jjnp))
            jxs = [jjnp.asarray(a) for a in xs]
            t_jax = f"{median_time(lambda: jf(*jxs).block_until_ready(), args.repeats) * 1e3:.3f}"
        print(f"| {name} | {t_ours:.3f} | {t_np:.3f} | {t_jax} | {t_np / t_ours:.2f}x |", flush=True)


if __name__ == "__main__":
    main()
