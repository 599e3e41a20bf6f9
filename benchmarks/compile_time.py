"""Cold compile time of larger graphs: the first call of each in a fresh process with an empty jaxlike cache
(numba's own cache of jaxlike's helpers is kept, as a user's second script would find it), median of
``--repeats`` processes. W6 (run.py) covers the small nets; these are the graphs whose compile users wait
for: a truncated-BPTT RNN gradient, gamma draws with their reparameterization gradient, a chain of
guarded elementwise ops (``where``, ``maximum``, division, ``log``) in one loop, and the value and gradient
of a sum of trigonometric functions (sin, cos, tan, arctan, arctan2, arcsin) in one loop.

    python benchmarks/compile_time.py [--repeats 3] [--only rnn,gamma,chain,trig]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

_CHILD = r"""
import sys, time, tempfile
import numpy as np
import jaxlike
jaxlike.config.cache_dir = tempfile.mkdtemp()
jaxlike.config.tiered = False   # NOTE: the first call is timed as the compile it was before runtime/tiered.py
case = sys.argv[1]
if case == "rnn":
    import jaxlike.tensor as T
    rng = np.random.default_rng(5)
    W = jaxlike.shared(rng.normal(size=(3, 3)) * 0.5, name="W")
    xs, h0 = T.matrix("xs"), T.vector("h0")
    hs, _ = jaxlike.scan(lambda x, h: T.tanh(T.dot(W, h) + x), sequences=xs, outputs_info=h0, truncate_gradient=2)
    cost = T.sum(hs[-1] ** 2) + T.sum(hs)
    f = jaxlike.function([xs, h0], [cost] + T.grad(cost, [W, h0, xs]))
    args = (rng.normal(size=(5, 3)), rng.normal(size=3))
elif case == "gamma":
    import jaxlike.numpy as jnp
    import jaxlike.random as R
    key = R.PRNGKey(0)
    f = jaxlike.compile(lambda a: jaxlike.grad(lambda b: jnp.sum(R.gamma(key, b)))(a))
    args = (np.full(5, 2.0),)
elif case == "trig":
    import jaxlike.numpy as jnp
    def trig(x):
        return jnp.sum(jnp.sin(x) * jnp.cos(2 * x) + jnp.tan(x / 3) + jnp.arctan(x) + jnp.sin(jnp.cos(x))
                       + jnp.arctan2(x, 2.0) + jnp.arcsin(x / 11))
    f = jaxlike.compile(jaxlike.value_and_grad(trig))
    args = (np.linspace(-1.0, 1.0, 11),)
elif case == "chain":
    import jaxlike.numpy as jnp
    def chain(x):
        for j in range(60):
            x = jnp.where(x > 0.1 * j, jnp.maximum(x, 0.5) / (1.0 + j), jnp.log(jnp.abs(x) + 1.0))
        return x
    f = jaxlike.compile(chain)
    args = (np.linspace(-2.0, 2.0, 101),)
t = time.perf_counter()
f(*args)
print(time.perf_counter() - t)
"""

CASES = ("rnn", "gamma", "chain", "trig")


def first_call(case):
    out = subprocess.run([sys.executable, "-c", _CHILD, case], capture_output=True, text=True, check=True,
                         cwd=tempfile.gettempdir(), env={**os.environ, "PYTHONWARNINGS": "ignore"})
    return float(out.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--only", default=",".join(CASES))
    a = ap.parse_args()
    results = {}
    for case in a.only.split(","):
        times = [first_call(case) for _ in range(a.repeats)]
        results[case] = statistics.median(times)
        print(f"{case:6s} first call {results[case]:6.2f} s  (runs: {', '.join(f'{t:.2f}' for t in times)})",
              flush=True)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
