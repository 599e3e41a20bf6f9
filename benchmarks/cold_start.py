"""Helper for W6: prints the seconds the FIRST call of a workload takes in this fresh process
(tracing + optimization + code generation + compilation + one run; imports excluded), the seconds from its
start until compiled code serves the calls (jaxlike's first call runs on the interpreter while numba
compiles, ``runtime/tiered.py``; the same as the first call for JAX), then the seconds of the library's
imports before it (numpy, imported by both, excluded).

    python benchmarks/cold_start.py W1 jaxlike|jax
"""

import sys
import time

import numpy as np


def jaxlike_imports():
    import jaxlike
    import jaxlike.numpy
    import jaxlike.tensor
    import jaxlike.tensor.nnet  # noqa: F401


def jax_imports():
    import jax
    import jax.numpy  # noqa: F401
    jax.config.update("jax_enable_x64", True)


def jaxlike_first_call(w):
    import jaxlike
    import jaxlike.numpy as jnp
    if w == "W1":
        t0 = time.perf_counter()
        jaxlike.compile(jaxlike.grad(lambda x: jnp.exp(jnp.sin(x ** 2))))(15.0)
        return time.perf_counter() - t0
    import jaxlike.tensor as T
    from jaxlike.tensor import nnet
    rng = np.random.default_rng(0)
    t0 = time.perf_counter()
    if w == "W2":
        x, y = T.dvector(), T.dscalar()
        th1, th2 = jaxlike.shared(rng.random((3, 2))), jaxlike.shared(rng.random((3, 1)))
        h = nnet.sigmoid(T.dot(th1.T, T.concatenate([x, np.array([1.0])])))
        out = T.sum(nnet.sigmoid(T.dot(th2.T, T.concatenate([h, np.array([1.0])]))))
        cost = (out - y) ** 2
        f = jaxlike.function([x, y], cost, updates=[(th1, th1 - 0.1 * T.grad(cost, th1)),
                                                     (th2, th2 - 0.1 * T.grad(cost, th2))])
        f(np.array([0.0, 1.0]), 1.0)
    else:
        sys.path.insert(0, __file__.rsplit("/", 1)[0])
        from run import _mlp_params
        params = [jaxlike.shared(p) for p in _mlp_params(rng, np.float32)]
        W1, b1, W2, b2, W3, b3 = params
        x = T.matrix("input", dtype="float32")
        yh = T.matrix("reference", dtype="float32")
        a1 = 1 / (1 + T.exp(-(T.dot(W1, x) + b1.dimshuffle(0, "x"))))
        a2 = 1 / (1 + T.exp(-(T.dot(W2, a1) + b2.dimshuffle(0, "x"))))
        y = 1 / (1 + T.exp(-(T.dot(W3, a2) + b3.dimshuffle(0, "x"))))
        cost = T.sum((y - yh) ** 2) / 1000
        grads = T.grad(cost, params)
        f = jaxlike.function([x, yh], cost, updates=[(p, p - np.float32(0.01) * g)
                                                     for p, g in zip(params, grads)])
        f(np.zeros((2, 1000), np.float32), np.zeros((1, 1000), np.float32))
    return time.perf_counter() - t0


def jax_first_call(w):
    import jax
    import jax.numpy as jnp
    jax.config.update("jax_enable_x64", True)
    t0 = time.perf_counter()
    if w == "W1":
        jax.jit(jax.grad(lambda x: jnp.exp(jnp.sin(x ** 2))))(15.0).block_until_ready()
    elif w == "W2":
        def loss(p, x, y):
            h = jax.nn.sigmoid(p[0].T @ jnp.concatenate([x, jnp.ones(1)]))
            return (jnp.sum(jax.nn.sigmoid(p[1].T @ jnp.concatenate([h, jnp.ones(1)]))) - y) ** 2
        step = jax.jit(lambda p, x, y: jax.value_and_grad(loss)(p, x, y))
        step((jnp.ones((3, 2)), jnp.ones((3, 1))), jnp.ones(2), 1.0)[0].block_until_ready()
    else:
        def loss(P, X, Y):
            a = X
            for W, b in zip(P[::2], P[1::2]):
                a = jax.nn.sigmoid(W @ a + b[:, None])
            return jnp.sum((a - Y) ** 2) / 1000
        sys.path.insert(0, __file__.rsplit("/", 1)[0])
        from run import _mlp_params
        P = [jnp.asarray(p) for p in _mlp_params(np.random.default_rng(0), np.float32)]
        jax.jit(jax.value_and_grad(loss))(P, jnp.zeros((2, 1000), jnp.float32),
                                          jnp.zeros((1, 1000), jnp.float32))[0].block_until_ready()
    return time.perf_counter() - t0


if __name__ == "__main__":
    w, who = sys.argv[1], sys.argv[2]
    t0 = time.perf_counter()
    (jaxlike_imports if who == "jaxlike" else jax_imports)()
    imports = time.perf_counter() - t0
    t0 = time.perf_counter()
    first = (jaxlike_first_call if who == "jaxlike" else jax_first_call)(w)
    if who == "jaxlike":
        from jaxlike.runtime.tiered import wait_for_compiles
        wait_for_compiles()
    compiled = time.perf_counter() - t0 if who == "jaxlike" else first
    print(f"{w} {who} first call seconds: {first:.4f} compiled seconds: {compiled:.4f} "
          f"imports seconds: {imports:.4f}")
