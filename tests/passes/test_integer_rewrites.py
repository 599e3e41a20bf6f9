"""Rewrites that hold for floats but not for integers, whose arithmetic wraps around in their own width
(uint8 255 + 1 is 0, -int8(-128) is -128): the optimized graph must give numpy's answer, as the reference
interpreter does. Found by a bug hunt; each case below was wrong in FAST_RUN before."""

import numpy as np

import jaxlike
import jaxlike.numpy as jnp
from jaxlike import nn


def _cases(u8, i8, i64, u32):
    return (jnp.sum(-u8), jnp.sum(-i8),                    # sum(-x) -> -sum(x)
            jnp.sum(i64 / 4.0),                            # sum(x / d) -> sum(x) / d
            jnp.sum(jnp.broadcast_to(i8, (200, 3)), axis=0),  # -> sum(x) * 200, in int8
            jnp.sum(i64, dtype=np.float64),                # adds in float64, not int64 then converted
            nn.sigmoid(u32), nn.softplus(u32))             # -|x| of an unsigned int (numba_cpu's loop too)


def _numpy(u8, i8, i64, u32):
    f = u32.astype(np.float64)
    return (np.sum(-u8), np.sum(-i8), np.sum(i64 / 4.0), np.sum(np.broadcast_to(i8, (200, 3)), axis=0),
            np.sum(i64, dtype=np.float64), 1 / (1 + np.exp(-f)), np.logaddexp(0, f))


def _float16_cases(u8, i8):
    # NOTE: float16 results, which numba_cpu hands to the reference interpreter after the rewrites
    return jnp.log(1 + u8), 1 / (1 + jnp.exp(-i8))           # -> log1p(x); -> sigmoid(x), cancelling -(-x)


def _check(fn, want, args):
    for mode in ("FAST_COMPILE", "FAST_RUN"):
        got = jaxlike.compile(fn, mode=mode)(*args)
        for k, (g, w) in enumerate(zip(got, want)):
            np.testing.assert_allclose(np.asarray(g, dtype=np.float64), np.asarray(w, dtype=np.float64),
                                       rtol=1e-3, err_msg=f"{mode} case {k}")


def test_integer_operands_keep_numpys_wraparound():
    u8, i8 = np.array([255, 3], np.uint8), np.array([-128, 5, 2], np.int8)
    args = (u8, i8, np.array([2 ** 62] * 3, np.int64), np.array([3, 5, 0], np.uint32))
    with np.errstate(all="ignore"):
        _check(_cases, _numpy(*args), args)
        _check(_float16_cases, (np.log(1 + u8), 1 / (1 + np.exp(-i8))), (u8, i8))


def test_a_chain_of_hundreds_of_ops_compiles():
    """Catches: the loop writer recursing once per op of a fused body, so 400 chained ops raised
    RecursionError in the code generator."""
    def chain(x):
        for _ in range(250):
            x = x * 1.0001 + 0.5
        return x
    x = np.array([0.5, 1.0])
    want = x.copy()
    for _ in range(250):
        want = want * 1.0001 + 0.5
    np.testing.assert_allclose(jaxlike.compile(chain)(x), want, rtol=1e-12)
