"""``python -m jaxlike.demo``: the two-minute tour a new user runs right after installing.

1. The derivative of f(x) = exp(sin(x**2)) at x = 15 (the seed tutorial's 4.3474040903), JAX style.
2. An XOR network (2 inputs, 3 sigmoid hidden units, 1 sigmoid output) trained by gradient descent with one
   compiled step function: forward, backward and update in one call.
"""

import time

import numpy as np

import jaxlike
import jaxlike.numpy as jnp
from jaxlike import nn


def f(x):
    return jnp.exp(jnp.sin(x ** 2))


def xor_loss(params, x, y):
    w1, b1, w2, b2 = params
    hidden = nn.sigmoid(x @ w1 + b1)
    out = nn.sigmoid(hidden @ w2 + b2)
    return jnp.mean((out[:, 0] - y) ** 2)


@jaxlike.compile
def xor_step(params, x, y):
    loss, grads = jaxlike.value_and_grad(xor_loss)(params, x, y)
    new = tuple(p - 2.0 * g for p, g in zip(params, grads))
    return new, loss


@jaxlike.compile
def xor_predict(params, x):
    w1, b1, w2, b2 = params
    return nn.sigmoid(nn.sigmoid(x @ w1 + b1) @ w2 + b2)[:, 0]


def main(steps=3000, seed=0):
    df = jaxlike.grad(f)
    print(f"f(x) = exp(sin(x**2));  f'(15) = {float(df(15.0)):.10f}   (expected 4.3474040903)")
    fast_df = jaxlike.compile(df)
    print(f"compiled f'(15) = {float(fast_df(15.0)):.10f}")

    rng = np.random.default_rng(seed)
    params = (rng.normal(size=(2, 3)), np.zeros(3), rng.normal(size=(3, 1)), np.zeros(1))
    x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0.0, 1.0, 1.0, 0.0])
    t0 = time.perf_counter()
    for i in range(steps):
        params, loss = xor_step(params, x, y)
        if i % (steps // 5) == 0:
            print(f"  step {i:5d}  loss {float(loss):.6f}")
    dt = time.perf_counter() - t0
    pred = xor_predict(params, x)
    print(f"XOR after {steps} steps ({dt:.2f} s): inputs {x.tolist()}")
    print(f"  predictions {np.round(pred, 3).tolist()}  -> {np.round(pred).astype(int).tolist()} "
          f"(target {y.astype(int).tolist()})")
    return pred


if __name__ == "__main__":
    main()
