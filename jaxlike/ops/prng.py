"""Random bits: ``threefry2x32``, the counter-based generator behind ``jaxlike.random``, and
``threefry_fold`` (its ``fold_in``: one chosen counter per key).

Threefry-2x32 with 20 rounds (Salmon, Moraes, Dror and Shaw, "Parallel random numbers: as easy as 1, 2, 3",
SC 2011) encrypts the counters 0 .. size-1 under a key of two uint32 words; each counter gives two words. The
counters are laid out as JAX's default (``jax_threefry_partitionable``) lays them out: element i of a draw of
any shape is the encryption of i as a 64-bit number split in (high, low) words, so the values match JAX's.

One primitive rather than the rounds as bitwise ops in the graph: written as ~130 uint32 ops per draw, every
draw site cost numba 4-7 s of compilation; here backends call one compiled routine (cache=True). A key array
may have leading dims (one key per row), which is also the primitive's batching rule. OPAQUE: a backend
without a lowering runs the numpy rule. No gradient (the result is integer bits). Imports core and ops.
"""

import numpy as np

from ..core.types import TensorType, Sym, is_known
from ..core.errors import ShapeError
from ..core.primitive import Primitive, Kind, register
from ._rules import Sample
from ._batch import leading

ROTATIONS = ((13, 15, 26, 6), (17, 29, 16, 24))
PARITY = 0x1BD11BDA        # Threefry's key-schedule constant for 32-bit words
_U32 = np.dtype("uint32")


def threefry_rounds(k0, k1, x0, x1):
    """The 20 rounds on numpy uint32 arrays (at least 1-d: numpy wraps array arithmetic silently but warns on
    scalars). The numba backends run the same rounds in ``threefry_fill``."""
    ks = (k0, k1, k0 ^ k1 ^ np.uint32(PARITY))
    x0, x1 = x0 + ks[0], x1 + ks[1]
    for i in range(5):
        for r in ROTATIONS[i % 2]:
            x0 = x0 + x1
            x1 = (x1 << np.uint32(r)) | (x1 >> np.uint32(32 - r))
            x1 = x1 ^ x0
        x0 = x0 + ks[(i + 1) % 3]
        x1 = x1 + ks[(i + 2) % 3] + np.uint32(i + 1)
    return x0, x1


def _shape_rule(key, *, shape):
    # NOTE: a symbolic last dim is taken as 2 here and checked where the bits are made
    if key.dtype != _U32 or key.ndim < 1 or (is_known(key.shape[-1]) and key.shape[-1] != 2):
        raise ShapeError(f"a key is a uint32 array with last dim 2 (from random.PRNGKey or random.split), got "
                         f"{key!r}")
    if not all((isinstance(d, (int, np.integer)) and d >= 0) or isinstance(d, Sym) for d in shape):
        raise TypeError(f"shape must be a tuple of non-negative ints or symbolic sizes, got {shape!r}")
    return TensorType(_U32, tuple(key.shape[:-1]) + tuple(shape) + (2,))


def threefry_numpy(key, *, shape):
    key = np.asarray(key, _U32)
    if key.ndim < 1 or key.shape[-1] != 2:
        raise ShapeError(f"threefry2x32: a key is a uint32 array with last dim 2, got shape {key.shape}")
    n = int(np.prod(shape, dtype=np.int64))
    idx = np.arange(n, dtype=np.uint64)
    high, low = (idx >> np.uint64(32)).astype(_U32), idx.astype(_U32)
    k0, k1 = key[..., 0:1], key[..., 1:2]
    w0, w1 = threefry_rounds(k0, k1, high, low)
    return np.stack([w0, w1], axis=-1).reshape(key.shape[:-1] + tuple(shape) + (2,))


def _samples(rng):
    """Random-123's known-answer keys (zeros, all ones), keys with leading dims (none among them too), scalar
    and empty draws."""
    keys = rng.integers(0, 2 ** 32, size=(3, 2), dtype=np.uint64).astype(_U32)
    ones = np.full(2, 0xFFFFFFFF, _U32)
    return [Sample(np.zeros(2, _U32), shape=(3,)), Sample(ones, shape=()), Sample(keys, shape=(2, 3)),
            Sample(keys[:1], shape=(0,)), Sample(keys[:0], shape=(2,)), Sample(keys.reshape(3, 1, 2), shape=(4,))]


threefry2x32 = register(Primitive(
    "threefry2x32", Kind.OPAQUE, shape=_shape_rule, numpy=threefry_numpy,
    vjp=lambda g, ans, key, *, shape: (None,), differentiable=(), samples=_samples,
    batch=leading(lambda: threefry2x32),
    doc="Threefry-2x32 of the counters 0..size-1 under each key: uint32 words of shape key.shape[:-1] + "
        "shape + (2,)"))


# -- fold_in -------------------------------------------------------------------------------------------------
def _fold_shape(key, data):
    _shape_rule(key, shape=())
    if data.dtype != _U32 or data.ndim != key.ndim - 1:
        raise ShapeError(f"fold_in data must be uint32 with one value per key, got {data!r} for keys {key!r}")
    return TensorType(_U32, tuple(key.shape))


def fold_numpy(key, data):
    key, data = np.asarray(key, _U32), np.asarray(data, _U32)
    if key.ndim < 1 or key.shape[-1] != 2 or data.shape != key.shape[:-1]:
        raise ShapeError(f"threefry_fold: keys of shape {key.shape} and data of shape {data.shape} (one value "
                         f"per key)")
    x1 = data.reshape(-1)
    w0, w1 = threefry_rounds(key.reshape(-1, 2)[:, 0], key.reshape(-1, 2)[:, 1], np.zeros_like(x1), x1)
    return np.stack([w0, w1], axis=-1).reshape(key.shape)


def _fold_samples(rng):
    keys = rng.integers(0, 2 ** 32, size=(3, 2), dtype=np.uint64).astype(_U32)
    data = rng.integers(0, 2 ** 32, size=3, dtype=np.uint64).astype(_U32)
    return [(keys[0], data[0]), (keys, data), (keys[:1], data[:1]), (keys[:0], data[:0])]


threefry_fold = register(Primitive(
    "threefry_fold", Kind.OPAQUE, shape=_fold_shape, numpy=fold_numpy,
    vjp=lambda g, ans, key, data: (None, None), differentiable=(), samples=_fold_samples,
    batch=leading(lambda: threefry_fold),
    doc="Threefry-2x32 of the counter pair (0, data) under each key: random.fold_in"))
