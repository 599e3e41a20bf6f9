"""``jax.random``'s counting distributions (re-exported by ``jaxlike.random``): poisson, binomial, multinomial.
Their distributions are JAX's (and its algorithms'), their values are not: each is one vectorized
``lax.while_loop`` whose round ``i`` draws two uniforms for every element from ``fold_in(key, i)`` and settles
the elements not yet settled, so compiled draws equal eager ones.

Poisson: rates below 10 count uniforms until their product drops below exp(-lam) (Knuth), rates from 10 use
Hormann's transformed rejection (PTRS, 1993). Binomial: for n min(p, 1 - p) <= 10 the inversion by sums of
geometric waiting times, beyond that Hormann's BTRS (1993). Multinomial: binomials over the categories in
turn (``lax.scan``), each of the trials left with the probability's share of what is left (JAX's approach).
Concrete parameters out of range raise ValueError; traced ones give JAX's NaN (binomial, multinomial) or -1
(poisson: integers have no NaN). A front-end module: imports jaxlike.numpy, jaxlike.lax, jaxlike.random.
"""

import numpy as np

from .. import numpy as jnp
from .. import lax
from ..scipy.special import gammaln
from . import uniform, split, _float_dtype, _shape, _check_key
from .gamma_family import param, param_shape, rounds_key, shape_of

__all__ = ["poisson", "binomial", "multinomial"]

_F64 = np.dtype("float64")


def _int_dtype(dtype, fname):
    dtype = np.dtype(np.int64 if dtype is None else dtype)
    if dtype.kind not in "iu":
        raise TypeError(f"random.{fname}: dtype must be an integer dtype, got {dtype}")
    return dtype


def poisson(key, lam, shape=None, dtype=None):
    """Poisson(lam) counts of integer ``dtype`` (int64 by default, JAX's with 64-bit mode); lam >= 0."""
    _check_key(key, "poisson")
    dtype = _int_dtype(dtype, "poisson")
    lam = param(lam, _F64, "poisson", "lam", 0)
    shape = param_shape(shape, "poisson", lam)
    lam = jnp.broadcast_to(lax.stop_gradient(lam), shape)
    valid = (lam >= 0) & (lam < np.inf)
    knuth = lam < 10
    # NOTE: each branch's constants on a rate it handles, so the other's lanes compute finite garbage
    lam_k = jnp.where(knuth & valid, lam, 0.0)
    lam_r = jnp.where(knuth | ~valid, 1e5, lam)
    log_lam = jnp.log(lam_r)
    b = 0.931 + 2.53 * jnp.sqrt(lam_r)
    a = -0.059 + 0.02483 * b
    inv_alpha = 1.1239 + 1.1328 / (b - 3.4)
    v_r = 0.9277 - 3.6224 / (b - 2)

    def body(carry):
        i, finished, out, log_prod = carry
        ku, kv = rounds_key(key, i)
        u, v = uniform(ku, shape, _F64), uniform(kv, shape, _F64)
        # NOTE: Knuth multiplies in a uniform per round (1 - u, in (0, 1]); the count is the number of rounds
        # before the product drops to exp(-lam)
        log_prod = log_prod + jnp.log1p(-u)
        knuth_done = log_prod <= -lam_k
        # PTRS: u centred on 0, v uniform; k the candidate, accepted by the squeeze or the exact test
        uc = u - 0.5
        us = 0.5 - jnp.abs(uc)
        us = jnp.where(us > 0, us, 1e-300)
        k = jnp.floor((2 * a / us + b) * uc + lam_r + 0.43)
        ks = jnp.maximum(k, 0.0)
        s = jnp.log(jnp.maximum(v, 1e-300) * inv_alpha / (a / (us * us) + b))
        tt = -lam_r + ks * log_lam - gammaln(ks + 1)
        accept1 = (us >= 0.07) & (v <= v_r)
        reject = (k < 0) | ((us < 0.013) & (v > us))
        ptrs_done = accept1 | (~reject & (s <= tt))
        settles = jnp.where(knuth, knuth_done, ptrs_done)
        value = jnp.where(knuth, jnp.astype(i, _F64), k)
        return i + 1, finished | settles, jnp.where(settles & ~finished, value, out), log_prod

    init = (np.int64(0), ~valid | (lam == 0), jnp.zeros_like(lam), jnp.zeros_like(lam))
    out = lax.while_loop(lambda carry: jnp.any(~carry[1]), body, init)[2]
    return jnp.astype(jnp.where(valid, out, -1.0), dtype)


_STIRLING_TAIL = np.array([0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509,
                           0.0166446911898211, 0.0138761288230707, 0.0118967099458917, 0.0104112652619720,
                           0.00925546218271273, 0.00833056343336287])


def _stirling_tail(k):
    """log k! - (k + 1/2) log(k + 1) + (k + 1) - log(2 pi) / 2: a table for k <= 9, the series beyond."""
    kc = jnp.clip(k, 0.0, 9.0)
    big = jnp.maximum(k, 9.0) + 1
    series = (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / (big * big)) / (big * big)) / big
    return jnp.where(k <= 9, jnp.take(_STIRLING_TAIL, jnp.astype(jnp.floor(kc), np.int64)), series)


def _binomial_draw(key, count, prob, shape):
    """Binomial draws in float64 from float64 ``count`` and ``prob`` of ``shape``, with JAX's special values:
    NaN for a NaN or negative count or a probability outside [0, 1], inf for an infinite count."""
    flip = prob >= 0.5
    q = jnp.where(flip, 1.0 - prob, prob)
    bad = jnp.isnan(count) | (count < 0) | jnp.isnan(q) | (q < 0)
    infinite = (count == np.inf) & ~bad
    count = jnp.where(bad | infinite, 0.0, jnp.floor(count))
    q = jnp.where(bad, 0.01, q)
    inversion = count * q <= 10.0
    # inversion: geometric waiting times (trials to each success) until they sum past the count
    q_inv = jnp.where(inversion & (q > 0), q, 0.5)
    log1m_q = jnp.log1p(-q_inv)
    # BTRS on its own lanes' parameters (finite garbage on the others)
    n = jnp.where(inversion, 1e4, count)
    p = jnp.where(inversion, 0.5, q)
    stddev = jnp.sqrt(n * p * (1 - p))
    b = 1.15 + 2.53 * stddev
    a = -0.0873 + 0.0248 * b + 0.01 * p
    c = n * p + 0.5
    v_r = 0.92 - 4.2 / b
    r = p / (1 - p)
    alpha = (2.83 + 5.1 / b) * stddev
    m = jnp.floor((n + 1) * p)
    head = (m + 0.5) * jnp.log((m + 1) / (r * (n - m + 1))) + _stirling_tail(m) + _stirling_tail(n - m)

    def body(carry):
        i, finished, out, geom_sum = carry
        ku, kv = rounds_key(key, i)
        u, v = uniform(ku, shape, _F64), uniform(kv, shape, _F64)
        # NOTE: 1 - u in (0, 1]: a waiting time of at least one trial
        geom_sum = geom_sum + jnp.ceil(jnp.log1p(-u) / log1m_q)
        inv_done = (geom_sum > count) | (q == 0)
        uc = u - 0.5
        us = jnp.maximum(0.5 - jnp.abs(uc), 1e-300)
        k = jnp.floor((2 * a / us + b) * uc + c)
        ks = jnp.clip(k, 0.0, n)
        lv = jnp.log(jnp.maximum(v, 1e-300) * alpha / (a / (us * us) + b))
        bound = (head + (n + 1) * jnp.log((n - m + 1) / (n - ks + 1))
                 + (ks + 0.5) * jnp.log(r * (n - ks + 1) / (ks + 1)) - _stirling_tail(ks) - _stirling_tail(n - ks))
        accept1 = (us >= 0.07) & (v <= v_r)
        reject = (k < 0) | (k > n)
        btrs_done = accept1 | (~reject & (lv <= bound))
        settles = jnp.where(inversion, inv_done, btrs_done)
        value = jnp.where(inversion, jnp.where(q == 0, 0.0, jnp.astype(i, _F64)), k)
        return i + 1, finished | settles, jnp.where(settles & ~finished, value, out), geom_sum

    # NOTE: zeros made from ``count`` itself: lax.scan (multinomial) captures a zeros_like built from constants
    # inside its step as a traced operand, which would keep an eager multinomial from running
    zero = count * 0.0
    init = (np.int64(0), bad | infinite, zero, zero)
    out = lax.while_loop(lambda carry: jnp.any(~carry[1]), body, init)[2]
    out = jnp.where(flip, count - out, out)
    return jnp.where(bad, np.nan, jnp.where(infinite, np.inf, out))


def _binomial_params(n, p, fname):
    return param(n, _F64, fname, "n", 0), param(p, _F64, fname, "p", 0, 1)


def binomial(key, n, p, shape=None, dtype=None):
    """Binomial(n, p) counts as floats of ``dtype`` (JAX's choice); a non-integer n is floored, as numpy's."""
    _check_key(key, "binomial")
    dtype = _float_dtype(dtype, "binomial")
    n, p = _binomial_params(n, p, "binomial")
    shape = param_shape(shape, "binomial", n, p)
    n = jnp.broadcast_to(lax.stop_gradient(n), shape)
    p = jnp.broadcast_to(lax.stop_gradient(p), shape)
    return jnp.astype(_binomial_draw(key, n, p, shape), dtype)


def multinomial(key, n, p, *, shape=None, dtype=None, unroll=1):
    """Multinomial(n, p) counts over p's last axis (the categories), as floats of ``dtype``: shape ``p.shape``,
    or ``shape`` (which ends with the number of categories, as JAX's code reads it). ``p`` is normalized by
    its running remainder, so it need not sum to 1 exactly. ``unroll`` is accepted for compatibility."""
    _check_key(key, "multinomial")
    dtype = _float_dtype(dtype, "multinomial")
    pshape = shape_of(p)
    if len(pshape) < 1:
        raise ValueError(f"random.multinomial: p must have at least one axis (the categories), got shape {pshape}")
    n, p = _binomial_params(n, p, "multinomial")
    shape = tuple(pshape) if shape is None else _shape(shape, "multinomial")
    if len(shape) < 1:
        raise ValueError("random.multinomial: shape must end with the number of categories, got ()")
    param_shape(shape, "multinomial", p)
    param_shape(shape[:-1], "multinomial", n)
    n = jnp.broadcast_to(lax.stop_gradient(n), shape[:-1])
    p = jnp.moveaxis(jnp.broadcast_to(lax.stop_gradient(p), shape), -1, 0)
    # NOTE: each category's share of what is left: p_j / (p_j + ... + p_K)
    left = jnp.flip(jnp.cumsum(jnp.flip(p, 0), axis=0), 0)
    ratios = jnp.clip(p / jnp.where(left == 0, 1.0, left), 0.0, 1.0)
    keys = split(key, shape[-1])
    batch = tuple(shape[:-1])

    def step(remainder, ratio_key):
        ratio, k = ratio_key
        count = _binomial_draw(k, remainder, ratio, batch)
        return remainder - count, count

    _, counts = lax.scan(step, n, (ratios, keys))
    return jnp.astype(jnp.moveaxis(counts, 0, -1), dtype)
