"""GPU benchmarks of the numba_cuda backend against JAX on the same GPU (when JAX with CUDA is installed).

    python benchmarks/gpu/run.py                    # W3, W4 (f64 and f32, 2**26 elements), W5
    python benchmarks/gpu/run.py --only W4          # a subset
    python benchmarks/gpu/run.py --gemm kernel      # force the tiled GEMM kernel even when CuPy is installed
    NUMBA_ENABLE_CUDASIM=1 python benchmarks/gpu/run.py --tiny   # smoke-test this script without a GPU

Setup on a GPU machine: ``pip install -e ".[cuda]"`` (``".[cupy]"`` for cuBLAS matmuls) and, for the anchor,
``pip install "jax[cuda12]"``. Workloads (the CPU harness's W3-W5, sized for a GPU):
  W3  one SGD step of a 2-1000-1000-1 sigmoid MLP, batch 1000, float32, Theano style: the weights are shared
      variables kept on the device, the step returns only the cost (ms/step);
  W4  value and gradient of sum(exp(sin(x**2)) * cos(x)), x of 2**26 elements, float64 and float32 (ms);
  W5  value and gradient of mean softmax cross-entropy, logits = X @ W, X 4096x512, W 512x1000, float32 (ms).
Inputs live on the device and results stay there (``options={"outputs": "device"}``; JAX: device arrays and
``block_until_ready``), and each timed call ends with a device synchronisation, so both sides measure the
same thing: kernels plus per-call dispatch. "+host" rows also copy the results back to numpy.
Medians of --repeats samples after one warm-up call (which compiles).
"""

import argparse
import os
import statistics
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(HERE)))


def median_time(fn, repeats, inner=1):
    fn()
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - t0) / inner)
    return statistics.median(samples)


def _jax():
    try:
        import jax
        if not any(d.platform == "gpu" for d in jax.devices()):
            return None
        return jax
    except Exception:  # noqa: BLE001 - no JAX or no JAX GPU: the anchor column stays empty
        return None


def w3(args, results, cuda):
    import jaxlike
    import jaxlike.tensor as T
    n = 1000 // args.shrink
    dt = np.float32
    rng = np.random.default_rng(0)
    X = rng.standard_normal((2, n)).astype(dt)
    Y = (rng.random((1, n)) > 0.5).astype(dt)

    def params(rng):
        return [(rng.standard_normal((n, 2)) * 0.5).astype(dt), np.zeros(n, dt),
                (rng.standard_normal((n, n)) * 0.03).astype(dt), np.zeros(n, dt),
                (rng.standard_normal((1, n)) * 0.03).astype(dt), np.zeros(1, dt)]
    old = jaxlike.config.device
    jaxlike.config.device = "cuda"
    try:
        P = [jaxlike.shared(p) for p in params(rng)]
        W1, b1, W2, b2, W3, b3 = P
        x = T.matrix("x", dtype="float32")
        y_hat = T.matrix("y", dtype="float32")
        a1 = 1 / (1 + T.exp(-(T.dot(W1, x) + b1.dimshuffle(0, "x"))))
        a2 = 1 / (1 + T.exp(-(T.dot(W2, a1) + b2.dimshuffle(0, "x"))))
        y = 1 / (1 + T.exp(-(T.dot(W3, a2) + b3.dimshuffle(0, "x"))))
        cost = T.sum((y - y_hat) ** 2) / n
        grads = T.grad(cost, P)
        train = jaxlike.function([x, y_hat], cost,
                                 updates=[(p, p - np.float32(0.01) * g) for p, g in zip(P, grads)])
    finally:
        jaxlike.config.device = old
    # NOTE: the batch goes in as numpy arrays (12 KB uploaded per step), as a Theano user passes it; the
    # weights never leave the device; the cost comes back to the host.
    results["W3 f32", "jaxlike"] = median_time(lambda: train(X, Y), args.repeats, 3) * 1e3
    jax = _jax()
    if jax:
        import jax.numpy as jnp

        def loss(P, X, Y):
            W1, b1, W2, b2, W3, b3 = P
            a1 = jax.nn.sigmoid(W1 @ X + b1[:, None])
            a2 = jax.nn.sigmoid(W2 @ a1 + b2[:, None])
            yy = jax.nn.sigmoid(W3 @ a2 + b3[:, None])
            return jnp.sum((yy - Y) ** 2) / n

        @jax.jit
        def jstep(P, X, Y):
            c, g = jax.value_and_grad(loss)(P, X, Y)
            return [p - 0.01 * d for p, d in zip(P, g)], c
        st = [[jnp.asarray(p) for p in params(np.random.default_rng(0))]]
        jX, jY = jnp.asarray(X), jnp.asarray(Y)

        def jone():
            st[0], c = jstep(st[0], jX, jY)
            float(c)  # the cost comes to the host, as jaxlike's does
        results["W3 f32", "jax"] = median_time(jone, args.repeats, 3) * 1e3


def w4(args, results, cuda):
    import jaxlike
    import jaxlike.numpy as jnp
    n = 2 ** 26 // args.shrink ** 2
    for dt in (np.float64, np.float32):
        tag = f"W4 {np.dtype(dt).name}"
        x = np.random.default_rng(0).standard_normal(n).astype(dt)
        fn = jaxlike.value_and_grad(lambda x: jnp.sum(jnp.exp(jnp.sin(x ** 2)) * jnp.cos(x)))
        dev = jaxlike.compile(fn, device="cuda", options={"outputs": "device", "gemm": args.gemm})
        host = jaxlike.compile(fn, device="cuda", options={"gemm": args.gemm})
        dx = cuda.to_device(x)

        def one():
            dev(dx)
            cuda.synchronize()
        results[tag, "jaxlike"] = median_time(one, args.repeats) * 1e3
        results[tag + " +host", "jaxlike"] = median_time(lambda: host(x), args.repeats) * 1e3
        jax = _jax()
        if jax:
            import jax.numpy as jjnp
            jax.config.update("jax_enable_x64", True)
            jvg = jax.jit(jax.value_and_grad(lambda x: jjnp.sum(jjnp.exp(jjnp.sin(x ** 2)) * jjnp.cos(x))))
            xj = jax.device_put(x)
            results[tag, "jax"] = median_time(lambda: jax.block_until_ready(jvg(xj)), args.repeats) * 1e3
            results[tag + " +host", "jax"] = median_time(
                lambda: [np.asarray(r) for r in jvg(jax.device_put(x))], args.repeats) * 1e3
        results[tag, "GB/s"] = n * x.itemsize * 2 / 1e9 / (results[tag, "jaxlike"] / 1e3)


def w5(args, results, cuda):
    import jaxlike
    import jaxlike.numpy as jnp
    from jaxlike import nn
    s = args.shrink
    rng = np.random.default_rng(0)
    X = rng.standard_normal((4096 // s, 512 // s)).astype(np.float32)
    W = (rng.standard_normal((512 // s, 1000 // s)) * 0.05).astype(np.float32)
    Y = np.eye(1000 // s, dtype=np.float32)[rng.integers(0, 1000 // s, 4096 // s)]

    def loss(W, X, Y):
        return -jnp.mean(jnp.sum(Y * nn.log_softmax(X @ W), axis=1))
    vg = jaxlike.compile(jaxlike.value_and_grad(loss), device="cuda",
                         options={"outputs": "device", "gemm": args.gemm})
    dW, dX, dY = cuda.to_device(W), cuda.to_device(X), cuda.to_device(Y)

    def one():
        vg(dW, dX, dY)
        cuda.synchronize()
    results["W5 f32", "jaxlike"] = median_time(one, args.repeats) * 1e3
    jax = _jax()
    if jax:
        import jax.numpy as jjnp
        jvg = jax.jit(jax.value_and_grad(
            lambda W, X, Y: -jjnp.mean(jjnp.sum(Y * jax.nn.log_softmax(X @ W), axis=1))))
        jW, jX, jY = (jax.device_put(a) for a in (W, X, Y))
        results["W5 f32", "jax"] = median_time(lambda: jax.block_until_ready(jvg(jW, jX, jY)), args.repeats) * 1e3


UNITS = {"W3": "ms/step", "W4": "ms", "W5": "ms"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="W3,W4,W5")
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--gemm", default="auto", choices=("auto", "cupy", "kernel"))
    ap.add_argument("--tiny", action="store_true", help="shrink every workload (for the CUDA simulator)")
    args = ap.parse_args()
    args.shrink = 50 if args.tiny else 1
    if args.tiny:
        args.repeats = 1
    from jaxlike.backends import numba_cuda
    cuda = numba_cuda.cuda
    results = {}
    for name in args.only.split(","):
        globals()[name.strip().lower()](args, results, cuda)
    rows = sorted({k[0] for k in results})
    if numba_cuda.SIMULATOR:
        device = "CUDA simulator (timings meaningless)"
    else:
        device = cuda.get_current_device().name
        device = device.decode() if isinstance(device, bytes) else device
    gemm = "cuBLAS via CuPy" if numba_cuda.Config({"gemm": args.gemm}).use_cupy else "tiled GEMM kernel"
    print(f"device: {device}; matmul: {gemm}; numpy {np.__version__}; medians of {args.repeats}\n")
    print("| workload | unit | jaxlike | jax | jaxlike vs jax |")
    print("|---|---|---|---|---|")
    for r in rows:
        a, j = results.get((r, "jaxlike")), results.get((r, "jax"))
        ratio = "-"
        if a and j:
            ratio = f"{j / a:.2f}x faster" if a <= j else f"{a / j:.2f}x slower"
        cells = [f"{v:.4g}" if v is not None else "-" for v in (a, j)]
        print(f"| {r} | {UNITS[r[:2]]} | {' | '.join(cells)} | {ratio} |")
    for r in rows:
        if (r, "GB/s") in results:
            print(f"\n{r} effective bandwidth (read x, write the gradient): {results[r, 'GB/s']:.1f} GB/s")


if __name__ == "__main__":
    main()
