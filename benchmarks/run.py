"""Benchmarks W1-W6 of the CPU backend, side by side with the anchors in ONE process, medians of repeats.

    python benchmarks/run.py                 # everything available (jaxlike, numpy, JAX and PyTensor if installed)
    python benchmarks/run.py --only W1,W4    # a subset
    python benchmarks/run.py --quick         # fewer repeats (smoke test)

Anchors are optional: JAX (`pip install "jax[cpu]"`) and PyTensor are measured only when importable.
For a fair numpy anchor unset OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE for the benchmark command only
(`env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/run.py`).
Prints a Markdown table; ratios are against JAX's jit measured in the same run.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
# NOTE: W1-W5 (and the scripts importing this one) time compiled code and compiles: every signature is
# compiled before its first call here, where by default a first call runs on the interpreter while numba
# compiles (jaxlike/runtime/tiered.py). W6's processes run with the defaults.
os.environ["JAXLIKE_FLAGS"] = ",".join(f for f in (os.environ.get("JAXLIKE_FLAGS"), "tiered=False") if f)


def median_time(fn, repeats, inner=1):
    """Median seconds per call over `repeats` samples of `inner` calls (after one warm-up call)."""
    fn()
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - t0) / inner)
    return statistics.median(samples)


def first_and_steady(fn, args, repeats):
    """(seconds of the first call, median seconds per call after it over `repeats` samples of 20 calls)."""
    t0 = time.perf_counter()
    fn(*args)
    first = time.perf_counter() - t0
    return first, median_time(lambda: fn(*args), repeats, 20)


def _pytensor():
    """(pytensor, pytensor.tensor) when PyTensor is importable, else None."""
    if _try_import("pytensor") is None:
        return None
    import pytensor
    import pytensor.tensor as T
    return pytensor, T


def _try_import(name):
    try:
        return __import__(name)
    except Exception:
        return None


# ---------------------------------------------------------------------------------------------------------
# W1: per-call latency of the compiled derivative of exp(sin(x**2)), scalar float64
def w1(args, results):
    import jaxlike
    import jaxlike.numpy as jnp
    df = jaxlike.compile(jaxlike.grad(lambda x: jnp.exp(jnp.sin(x ** 2))))
    x = 15.0
    results["W1", "jaxlike"] = median_time(lambda: df(x), args.repeats, 2000) * 1e6

    def np_df(x):
        s = x * x
        return np.exp(np.sin(s)) * np.cos(s) * 2 * x
    results["W1", "numpy"] = median_time(lambda: np_df(x), args.repeats, 2000) * 1e6
    jax = _try_import("jax")
    if jax:
        import jax.numpy as jjnp
        jax.config.update("jax_enable_x64", True)
        jdf = jax.jit(jax.grad(lambda x: jjnp.exp(jjnp.sin(x ** 2))))
        xj = jjnp.float64(15.0)
        results["W1", "jax"] = median_time(lambda: jdf(xj).block_until_ready(), args.repeats, 2000) * 1e6
    pt = _pytensor()
    if pt:
        pytensor, T = pt
        xs = T.dscalar()
        pdf = pytensor.function([xs], pytensor.grad(T.exp(T.sin(xs ** 2)), xs))
        results["W1", "pytensor"] = median_time(lambda: pdf(x), args.repeats, 2000) * 1e6


# W2: the seed XOR net trained per sample (2-2-1 sigmoid, SGD 0.1), microseconds per step
def w2(args, results):
    import jaxlike
    import jaxlike.tensor as T
    from jaxlike.tensor import nnet
    rng = np.random.default_rng(0)
    x, y = T.dvector(), T.dscalar()
    th1 = jaxlike.shared(rng.random((3, 2)))
    th2 = jaxlike.shared(rng.random((3, 1)))
    h = nnet.sigmoid(T.dot(th1.T, T.concatenate([x, np.array([1.0])])))
    out = T.sum(nnet.sigmoid(T.dot(th2.T, T.concatenate([h, np.array([1.0])]))))
    cost = (out - y) ** 2
    step = jaxlike.function([x, y], cost, updates=[(th1, th1 - 0.1 * T.grad(cost, th1)),
                                                    (th2, th2 - 0.1 * T.grad(cost, th2))])
    # NOTE: every implementation takes its four samples from Python lists of values in its own form (numpy rows
    # and floats here, device arrays for JAX), so the step times compare the steps, not numpy's indexing
    # (a row view and a numpy scalar per step cost ~0.2 µs, a fifth of jaxlike's step).
    xs = list(np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]))
    ys = [1.0, 1.0, 0.0, 0.0]
    k = [0]

    def one():
        i = k[0] & 3
        k[0] += 1
        return step(xs[i], ys[i])
    results["W2", "jaxlike"] = median_time(one, args.repeats, 4000) * 1e6

    P = [th1.get_value(), th2.get_value()]
    one_ = np.ones(1)

    def sig(z):
        return 1 / (1 + np.exp(-z))

    def np_one():
        i = k[0] & 3
        k[0] += 1
        xb = np.concatenate([xs[i], one_])
        h = sig(P[0].T @ xb)
        hb = np.concatenate([h, one_])
        o = sig(P[1].T @ hb)[0]
        d_o = 2 * (o - ys[i]) * o * (1 - o)
        d_h = (P[1][:2, 0] * d_o) * h * (1 - h)
        g2 = hb[:, None] * d_o
        g1 = np.outer(xb, d_h)
        P[0] -= 0.1 * g1
        P[1] -= 0.1 * g2
        return (o - ys[i]) ** 2
    results["W2", "numpy"] = median_time(np_one, args.repeats, 4000) * 1e6
    pt = _pytensor()
    if pt:
        pytensor, PT = pt
        px, py = PT.dvector(), PT.dscalar()
        p1 = pytensor.shared(rng.random((3, 2)))
        p2 = pytensor.shared(rng.random((3, 1)))
        ph = PT.sigmoid(PT.dot(p1.T, PT.concatenate([px, np.array([1.0])])))
        pout = PT.sum(PT.sigmoid(PT.dot(p2.T, PT.concatenate([ph, np.array([1.0])]))))
        pcost = (pout - py) ** 2
        pstep = pytensor.function([px, py], pcost, updates=[(p1, p1 - 0.1 * pytensor.grad(pcost, p1)),
                                                            (p2, p2 - 0.1 * pytensor.grad(pcost, p2))])

        def pt_one():
            i = k[0] & 3
            k[0] += 1
            return pstep(xs[i], ys[i])
        results["W2", "pytensor"] = median_time(pt_one, args.repeats, 4000) * 1e6
    jax = _try_import("jax")
    if jax:
        import jax.numpy as jjnp
        jax.config.update("jax_enable_x64", True)

        def loss(p, x, y):
            h = jax.nn.sigmoid(p[0].T @ jjnp.concatenate([x, jjnp.ones(1)]))
            o = jjnp.sum(jax.nn.sigmoid(p[1].T @ jjnp.concatenate([h, jjnp.ones(1)])))
            return (o - y) ** 2

        @jax.jit
        def jstep(p, x, y):
            c, g = jax.value_and_grad(loss)(p, x, y)
            return (p[0] - 0.1 * g[0], p[1] - 0.1 * g[1]), c
        state = [(jjnp.asarray(th1.get_value()), jjnp.asarray(th2.get_value()))]
        jxs, jys = [jjnp.asarray(v) for v in xs], [jjnp.asarray(v) for v in ys]

        def jone():
            i = k[0] & 3
            k[0] += 1
            state[0], c = jstep(state[0], jxs[i], jys[i])
            return c.block_until_ready()
        results["W2", "jax"] = median_time(jone, args.repeats, 2000) * 1e6


# W3: one SGD step of a 2-1000-1000-1 sigmoid MLP, batch 1000, float32 (forward, backward, update)
def _mlp_params(rng, dt):
    return [(rng.standard_normal((1000, 2)) * 0.5).astype(dt), np.zeros(1000, dt),
            (rng.standard_normal((1000, 1000)) * 0.03).astype(dt), np.zeros(1000, dt),
            (rng.standard_normal((1, 1000)) * 0.03).astype(dt), np.zeros(1, dt)]


def w3(args, results):
    import jaxlike
    import jaxlike.tensor as T
    dt = np.float32
    rng = np.random.default_rng(0)
    X = rng.standard_normal((2, 1000)).astype(dt)
    Y = (rng.random((1, 1000)) > 0.5).astype(dt)
    params = [jaxlike.shared(p) for p in _mlp_params(rng, dt)]
    W1, b1, W2, b2, W3, b3 = params
    x = T.matrix("input", dtype="float32")
    y_hat = T.matrix("reference", dtype="float32")
    a1 = 1 / (1 + T.exp(-(T.dot(W1, x) + b1.dimshuffle(0, "x"))))
    a2 = 1 / (1 + T.exp(-(T.dot(W2, a1) + b2.dimshuffle(0, "x"))))
    y = 1 / (1 + T.exp(-(T.dot(W3, a2) + b3.dimshuffle(0, "x"))))
    cost = T.sum((y - y_hat) ** 2) / 1000
    grads = T.grad(cost, params)
    train = jaxlike.function([x, y_hat], cost,
                             updates=[(p, p - np.float32(0.01) * g) for p, g in zip(params, grads)])
    results["W3", "jaxlike"] = median_time(lambda: train(X, Y), args.repeats, 3) * 1e3

    P = _mlp_params(np.random.default_rng(0), dt)

    def np_step():
        W1, b1, W2, b2, W3, b3 = P
        a1 = 1 / (1 + np.exp(-(W1 @ X + b1[:, None])))
        a2 = 1 / (1 + np.exp(-(W2 @ a1 + b2[:, None])))
        yy = 1 / (1 + np.exp(-(W3 @ a2 + b3[:, None])))
        d3 = (2 / 1000) * (yy - Y) * yy * (1 - yy)
        d2 = (W3.T @ d3) * a2 * (1 - a2)
        d1 = (W2.T @ d2) * a1 * (1 - a1)
        for p, g in zip(P, [d1 @ X.T, d1.sum(1), d2 @ a1.T, d2.sum(1), d3 @ a2.T, d3.sum(1)]):
            p -= np.float32(0.01) * g
    results["W3", "numpy"] = median_time(np_step, args.repeats, 3) * 1e3
    jax = _try_import("jax")
    if jax:
        import jax.numpy as jjnp

        def loss(P, X, Y):
            W1, b1, W2, b2, W3, b3 = P
            a1 = jax.nn.sigmoid(W1 @ X + b1[:, None])
            a2 = jax.nn.sigmoid(W2 @ a1 + b2[:, None])
            yy = jax.nn.sigmoid(W3 @ a2 + b3[:, None])
            return jjnp.sum((yy - Y) ** 2) / 1000

        @jax.jit
        def jstep(P, X, Y):
            c, g = jax.value_and_grad(loss)(P, X, Y)
            return [p - 0.01 * d for p, d in zip(P, g)], c
        st = [[jjnp.asarray(p) for p in _mlp_params(np.random.default_rng(0), dt)]]
        jX, jY = jjnp.asarray(X), jjnp.asarray(Y)

        def jone():
            st[0], c = jstep(st[0], jX, jY)
            c.block_until_ready()
        results["W3", "jax"] = median_time(jone, args.repeats, 3) * 1e3
    pt = _pytensor()
    if pt:
        pytensor, PT = pt
        pp = [pytensor.shared(p) for p in _mlp_params(np.random.default_rng(0), dt)]
        px, py = PT.matrix(dtype="float32"), PT.matrix(dtype="float32")
        a = px
        for Wp, bp in zip(pp[::2], pp[1::2]):
            a = PT.sigmoid(PT.dot(Wp, a) + bp.dimshuffle(0, "x"))
        pcost = PT.sum((a - py) ** 2) / 1000
        pstep = pytensor.function([px, py], pcost, updates=[(p, p - np.float32(0.01) * g)
                                                            for p, g in zip(pp, pytensor.grad(pcost, pp))])
        results["W3", "pytensor"] = median_time(lambda: pstep(X, Y), args.repeats, 3) * 1e3


# W4: value and gradient of sum(exp(sin(x**2))*cos(x)), x of 10^7 float64
def w4(args, results):
    import jaxlike
    import jaxlike.numpy as jnp
    n = args.w4_size
    x = np.random.default_rng(0).standard_normal(n)
    vg = jaxlike.compile(jaxlike.value_and_grad(lambda x: jnp.sum(jnp.exp(jnp.sin(x ** 2)) * jnp.cos(x))))
    results["W4", "jaxlike"] = median_time(lambda: vg(x), args.repeats) * 1e3

    def np_vg(x):
        s = x * x
        e = np.exp(np.sin(s))
        c = np.cos(x)
        return np.sum(e * c), e * np.cos(s) * 2 * x * c - e * np.sin(x)
    results["W4", "numpy"] = median_time(lambda: np_vg(x), args.repeats) * 1e3
    jax = _try_import("jax")
    if jax:
        import jax.numpy as jjnp
        jax.config.update("jax_enable_x64", True)
        jvg = jax.jit(jax.value_and_grad(lambda x: jjnp.sum(jjnp.exp(jjnp.sin(x ** 2)) * jjnp.cos(x))))
        xj = jjnp.asarray(x)
        results["W4", "jax"] = median_time(lambda: jvg(xj)[1].block_until_ready(), args.repeats) * 1e3
    pt = _pytensor()
    if pt:
        pytensor, PT = pt
        px = PT.dvector()
        pv = PT.sum(PT.exp(PT.sin(px ** 2)) * PT.cos(px))
        pvg = pytensor.function([px], [pv, pytensor.grad(pv, px)])
        results["W4", "pytensor"] = median_time(lambda: pvg(x), args.repeats) * 1e3


# W5: value and gradient of mean softmax cross-entropy, logits = X@W, X 4096x512, W 512x1000, float32
def w5(args, results):
    import jaxlike
    import jaxlike.numpy as jnp
    from jaxlike import nn
    rng = np.random.default_rng(0)
    X = rng.standard_normal((4096, 512)).astype(np.float32)
    W = (rng.standard_normal((512, 1000)) * 0.05).astype(np.float32)
    labels = rng.integers(0, 1000, 4096)
    Y = np.eye(1000, dtype=np.float32)[labels]

    def loss(W, X, Y):
        return -jnp.mean(jnp.sum(Y * nn.log_softmax(X @ W), axis=1))
    vg = jaxlike.compile(jaxlike.value_and_grad(loss))
    results["W5", "jaxlike"] = median_time(lambda: vg(W, X, Y), args.repeats) * 1e3

    def np_vg(W):
        z = X @ W
        z = z - z.max(1, keepdims=True)
        e = np.exp(z)
        s = e.sum(1, keepdims=True)
        lsm = z - np.log(s)
        val = -np.mean(np.sum(Y * lsm, 1))
        g = (e / s - Y) / X.shape[0]
        return val, X.T @ g
    results["W5", "numpy"] = median_time(lambda: np_vg(W), args.repeats) * 1e3
    jax = _try_import("jax")
    if jax:
        import jax.numpy as jjnp
        jvg = jax.jit(jax.value_and_grad(
            lambda W, X, Y: -jjnp.mean(jjnp.sum(Y * jax.nn.log_softmax(X @ W), axis=1))))
        jW, jX, jY = map(jjnp.asarray, (W, X, Y))
        results["W5", "jax"] = median_time(lambda: jvg(jW, jX, jY)[1].block_until_ready(), args.repeats) * 1e3
    pt = _pytensor()
    if pt:
        pytensor, PT = pt
        pW, pX, pY = PT.matrix(dtype="float32"), PT.matrix(dtype="float32"), PT.matrix(dtype="float32")
        z = PT.dot(pX, pW)
        pv = -PT.mean(PT.sum(pY * (z - PT.logsumexp(z, axis=1, keepdims=True)), axis=1))
        pvg = pytensor.function([pW, pX, pY], [pv, pytensor.grad(pv, pW)])
        results["W5", "pytensor"] = median_time(lambda: pvg(W, X, Y), args.repeats) * 1e3


# W6: cold first-call latency in a fresh process (disk cache empty vs warm); and the same with the library's
# imports added, which is what a script waits for from its start to its first result
def w6(args, results):
    import tempfile
    script = os.path.join(HERE, "cold_start.py")
    with tempfile.TemporaryDirectory() as cache:
        for w in ("W1", "W2", "W3"):
            for label in ("cold", "warm-cache"):
                env = dict(os.environ, JAXLIKE_FLAGS=f"cache_dir={cache}")
                out = _cold_start(script, w, "jaxlike", env)
                results[f"W6 {w} {label}", "jaxlike"] = out["first"]
                results[f"W6 {w} {label}, until compiled", "jaxlike"] = out["compiled"]
                results[f"W6 {w} {label} + imports", "jaxlike"] = out["first"] + out["imports"]
    if _try_import("jax"):
        for w in ("W1", "W2", "W3"):
            out = _cold_start(script, w, "jax", os.environ)
            results[f"W6 {w} cold", "jax"] = out["first"]
            results[f"W6 {w} cold, until compiled", "jax"] = out["compiled"]
            results[f"W6 {w} cold + imports", "jax"] = out["first"] + out["imports"]


def _cold_start(script, w, who, env):
    """cold_start.py's seconds by name: first (call), compiled (until compiled code serves), imports."""
    words = subprocess.run([sys.executable, script, w, who], env=env, capture_output=True, text=True,
                           check=True).stdout.split()
    return dict(zip(("first", "compiled", "imports"), [float(t) for t in words[2:] if t[0].isdigit()]))


UNITS = {"W1": "µs/call", "W2": "µs/step", "W3": "ms/step", "W4": "ms", "W5": "ms"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="W1,W2,W3,W4,W5,W6")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--w4-size", type=int, default=10 ** 7)
    args = ap.parse_args()
    args.repeats = 3 if args.quick else 7
    results = {}
    for name in args.only.split(","):
        globals()[name.lower()](args, results)
    rows = sorted({k[0] for k in results})
    anchors = ("jaxlike", "numpy", "jax", "pytensor")
    print(f"machine: {os.cpu_count()} cores, numpy {np.__version__}; medians of {args.repeats} repeats\n")
    print("| workload | unit | " + " | ".join(anchors) + " | jaxlike vs jax | jaxlike vs numpy |")
    print("|---|---|" + "---|" * (len(anchors) + 2))
    for r in rows:
        unit = UNITS.get(r[:2], "s (first call)")
        vals = [results.get((r, k)) for k in anchors]
        cells = [f"{v:.4g}" if v is not None else "-" for v in vals]
        print(f"| {r} | {unit} | {' | '.join(cells)} | {_ratio(vals[0], vals[2])} | {_ratio(vals[0], vals[1])} |")
    if ("W4", "jaxlike") in results:
        gb = args.w4_size * 8 * 2 / 1e9  # read x, write the gradient
        speeds = ", ".join(f"{k} {gb / results['W4', k] * 1e3:.2f} GB/s" for k in anchors if ("W4", k) in results)
        print(f"\nW4 effective bandwidth (x read once, gradient written once): {speeds}")


def _ratio(ours, theirs):
    """'1.5x faster' / '1.5x slower' of our time against an anchor's, '-' when either is missing."""
    if not ours or not theirs:
        return "-"
    return f"{theirs / ours:.2f}x faster" if theirs >= ours else f"{ours / theirs:.2f}x slower"

if __name__ == "__main__":
    main()
