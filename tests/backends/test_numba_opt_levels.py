"""The suite compiles at ``NUMBA_OPT=0`` (``tests/_numba_level.py``); users' processes at numba's default
-O3. These graphs, run in a process at the user's level, must give the same bits as in the suite's own
process: with fastmath off LLVM may not change a float result, so a difference is a miscompile, or code
whose meaning depends on the optimizer (an out-of-bounds read, an uninitialized value)."""

import json
import subprocess
import sys
import textwrap

from _numba_level import user_env, lowered

SCRIPT = textwrap.dedent("""
    import json
    import numpy as np
    import jaxlike
    import jaxlike.numpy as jnp
    from jaxlike import nn, lax

    def results():
        rng = np.random.default_rng(7)
        out = {}
        # vecmath exp/sin/cos, lane-wise sums, a fused forward and backward loop
        f = jaxlike.value_and_grad(lambda x: jnp.sum(jnp.exp(jnp.sin(x ** 2)) * jnp.cos(x)))
        out["w4"] = jaxlike.compile(f)(rng.normal(size=4099))

        # a float32 net: matrix products (BLAS), sigmoid, tanh, log_softmax, a cross-entropy and its gradient
        def loss(w1, w2, x, y):
            h = jnp.tanh(x @ w1) * nn.sigmoid(x @ w1 + 1.0)
            return -jnp.mean(jnp.sum(nn.log_softmax(h @ w2) * y, axis=1))
        x = rng.normal(size=(37, 5)).astype(np.float32)
        y = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 37)]
        w1, w2 = (rng.normal(size=s).astype(np.float32) for s in ((5, 8), (8, 3)))
        out["net"] = jaxlike.compile(jaxlike.value_and_grad(loss, argnums=(0, 1)))(w1, w2, x, y)

        # integer and gather paths, a sort, a scan carried through a loop, a max with ties and NaN
        def mixed(v, i):
            s = jnp.sort(v)[i] + jnp.cumsum(v)[::2].sum()
            c, ys = lax.scan(lambda c, e: (c * 0.5 + jnp.log1p(e * e), c), 0.0, v)
            return s.sum() + c + ys.max() + jnp.max(jnp.where(v > 1.5, jnp.nan, jnp.round(v)))
        v = rng.normal(size=301)
        out["mixed"] = jaxlike.compile(jaxlike.value_and_grad(mixed))(v, rng.integers(0, 301, 17))
        return {k: [np.asarray(a).tobytes().hex() for a in jaxlike.pytree.flatten(r)[0]] for k, r in out.items()}
""")


def test_the_optimized_build_computes_the_same_bits():
    here = {}
    exec(SCRIPT, here)
    mine = here["results"]()
    done = subprocess.run([sys.executable, "-c", SCRIPT + "\nprint(json.dumps(results()))"],
                          capture_output=True, text=True, timeout=600, env=user_env())
    assert done.returncode == 0, done.stderr[-3000:]
    theirs = json.loads(done.stdout.strip().splitlines()[-1])
    assert theirs == mine, f"optimized and {'unoptimized' if lowered() else 'this'} builds differ"
