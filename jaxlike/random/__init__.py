"""``jaxlike.random``: JAX's counter-based random numbers. A key is a ``uint32[2]`` array; nothing is hidden
state, so a key passed into a compiled function (or split inside it) gives the same numbers every time.

The generator is Threefry-2x32 (20 rounds, Salmon et al. 2011), the ``threefry2x32`` primitive of
``ops/prng.py``. ``PRNGKey``, ``split``, ``fold_in``, ``bits``, ``uniform``,
``bernoulli``, ``randint`` and ``exponential`` reproduce JAX's own values bit for bit (its default
``jax_threefry_partitionable`` layout: element i of a draw of any shape is Threefry of the counter i).
``uniform`` over a range other than [0, 1) can differ from JAX in the last bit (XLA fuses its scaling into
one fused multiply-add). ``normal`` and ``truncated_normal`` are JAX's constructions through our own
inverse error function, so their values agree with JAX's to ~1e-12 relative. ``categorical`` (with and
without replacement) and ``choice`` with ``p`` or with replacement are JAX's constructions on those draws, so
JAX's values too. ``permutation`` (and ``choice`` without replacement or ``p``) sorts by random keys in one
round: the distributions are JAX's, the values are not.
``distributions.py`` adds the distributions built from uniform and normal draws (laplace, cauchy, ...).
``gamma_family.py`` (gamma, beta, dirichlet, t, ...) and ``counts.py`` (poisson, binomial, multinomial) add the
rejection-sampled ones: JAX's distributions, not its values.

Shapes are ints, or the symbolic sizes of a traced array (so a compiled dropout mask serves every batch
size); randint, permutation and choice need concrete sizes and make a compiled caller specialise on them.
"""

import numpy as np

from ..core.errors import user_frame as _user_frame, where as _where
from ..core.graph import Var
from ..core.types import floatx, Sym
from ..ops._rules import broadcast_shapes
from ..ops.prng import threefry2x32, threefry_numpy, threefry_fold, fold_numpy
from .. import numpy as jnp
from ..scipy import special as _special

__all__ = ["PRNGKey", "key", "key_data", "wrap_key_data", "split", "fold_in", "bits", "uniform", "normal",
           "truncated_normal",
           "bernoulli", "randint", "exponential", "gumbel", "categorical", "permutation", "choice"]

_U32 = np.dtype("uint32")


def _check_key(k, fname):
    if not isinstance(k, Var):
        k = np.asarray(k)
    # NOTE: a compiled caller's key has a symbolic size, checked to be 2 where its bits are made
    if k.ndim != 1 or (not isinstance(k.shape[0], Sym) and k.shape[0] != 2) or k.dtype != _U32:
        raise TypeError(f"random.{fname}: expected a key (uint32 array of shape (2,), from random.PRNGKey or "
                        f"random.split), got {k.dtype} array of shape {tuple(k.shape)}")
    return k


def _shape(shape, fname, name="shape"):
    """``shape`` as a tuple; its sizes are ints, or the symbolic sizes of a traced array's shape (``x.shape``
    under compile), which the draw keeps symbolic."""
    if isinstance(shape, (int, np.integer, Sym)) and not isinstance(shape, (bool, np.bool_)):
        shape = (shape,)
    else:
        try:
            shape = tuple(shape)
        except TypeError:
            raise TypeError(f"random.{fname}: {name} must be an int or a tuple of non-negative ints, got "
                            f"{type(shape).__name__} {shape!r}") from None
    for d in shape:
        if isinstance(d, (bool, np.bool_)) or not (
                isinstance(d, Sym) or (isinstance(d, (int, np.integer)) and d >= 0)):
            raise TypeError(f"random.{fname}: {name} must be a tuple of non-negative ints, got {shape!r}")
    return tuple(d if isinstance(d, Sym) else int(d) for d in shape)


def _shape_of(x):
    return tuple(x.shape) if isinstance(x, (Var, _Shaped)) else np.shape(x)


class _Shaped:
    """A stand-in with only a shape, for a parameter that is a shape (categorical's batch shape)."""
    def __init__(self, shape):
        self.shape = tuple(shape)


def _fit_shape(shape, fname, params, exact=True):
    """The draw's shape: ``shape``, or the parameters' broadcast shape when it is None. A given shape must be
    what the parameters broadcast to (JAX's rule; ``exact=False``: only broadcast together with them), so a
    parameter cannot silently grow the draw beyond the shape asked for. ``params`` maps names to values."""
    shapes = {name: _shape_of(v) for name, v in params.items()}
    symbolic = any(isinstance(d, Sym) for s in shapes.values() for d in s)
    try:
        both = broadcast_shapes(*shapes.values()) if shapes else ()
    except Exception:
        raise ValueError(f"random.{fname}: the shapes of {', '.join(shapes)} "
                         f"({', '.join(str(s) for s in shapes.values())}) do not broadcast together") from None
    if shape is None:
        return both
    shape = _shape(shape, fname)
    if symbolic or any(isinstance(d, Sym) for d in shape):
        return shape
    for name, s in shapes.items():
        try:
            out = broadcast_shapes(shape, s)
        except Exception:
            out = None
        if out is None or (exact and out != shape):
            raise ValueError(f"random.{fname}: {name} of shape {s} does not broadcast {'to' if exact else 'with'} "
                             f"the requested shape {shape}")
    return shape if exact else broadcast_shapes(shape, both)


def _axis(axis, ndim, fname):
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"random.{fname}: axis must be an int, got {type(axis).__name__} {axis!r}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"random.{fname}: axis {axis} is out of bounds for an array of {ndim} dimensions")
    return int(axis) % ndim


# NOTE: an eager draw this large runs the compiled kernel (numpy's rounds take ~170 ms per 10**6 numbers, the
# kernel ~3 ms); the flat size is a zero-stride array's symbolic size, so one compilation serves every size
_EAGER_KERNEL_FROM = 1 << 16
_eager_kernel = []


def _compiled_words(k, n):
    if not _eager_kernel:
        from ..api import compile
        _eager_kernel.append(compile(lambda key, like: threefry2x32(key, shape=tuple(like.shape))))
    return _eager_kernel[0](k, np.broadcast_to(np.zeros(1, np.uint8), (n,)))


def _words(k, shape, fname):
    """Threefry of counters 0..size-1 under key ``k``: two uint32 arrays of ``shape``."""
    k = _check_key(k, fname)
    if isinstance(k, Var):
        w = threefry2x32(k, shape=shape)
    else:
        n = int(np.prod(shape, dtype=np.int64))
        w = threefry_numpy(k, shape=shape) if n < _EAGER_KERNEL_FROM else \
            np.asarray(_compiled_words(k, n)).reshape(tuple(shape) + (2,))
    return w[..., 0], w[..., 1]


def PRNGKey(seed):
    """A key from an integer seed: the high and low 32-bit words of the seed as a 64-bit integer (JAX's
    ``PRNGKey`` with 64-bit integers enabled; seeds below 2**32 give JAX's keys either way). A seed of a
    32-bit or narrower dtype is its own low word, with high word 0 (so int32 -1 is not int64 -1), as in JAX."""
    if isinstance(seed, Var):
        if seed.dtype.kind not in "iu" or seed.ndim != 0:
            raise TypeError(f"random.PRNGKey: the seed must be an integer scalar, got {seed.type!r}")
        if seed.dtype.itemsize <= 4:
            return jnp.stack([jnp.zeros((), _U32), jnp.astype(seed, _U32)])
        s = jnp.astype(seed, np.uint64)
        return jnp.stack([jnp.astype(s >> 32, _U32), jnp.astype(s, _U32)])
    # NOTE: a 0-d integer array is a seed too (JAX takes one), e.g. a seed read back from a saved array
    if isinstance(seed, np.ndarray) and seed.ndim == 0 and seed.dtype.kind in "iu":
        seed = seed[()]
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"random.PRNGKey: the seed must be an integer, got {type(seed).__name__} {seed!r}")
    narrow = isinstance(seed, np.integer) and seed.dtype.itemsize <= 4
    s = int(seed) & (0xFFFFFFFF if narrow else 2 ** 64 - 1)
    return np.array([s >> 32, s & 0xFFFFFFFF], dtype=_U32)


key = PRNGKey


def _check_keys(k, fname):
    """A key or an array of keys (``split``'s (n, 2), any (..., 2)): JAX's key_data and wrap_key_data take
    both. Keys are their own data here, so this checks and returns ``k``."""
    if not isinstance(k, Var):
        k = np.asarray(k)
    if k.ndim < 1 or (not isinstance(k.shape[-1], Sym) and k.shape[-1] != 2) or k.dtype != _U32:
        raise TypeError(f"random.{fname}: expected a key or an array of keys (uint32 array of shape (..., 2), "
                        f"from random.PRNGKey or random.split), got {k.dtype} array of shape {tuple(k.shape)}"
                        f"{_where(_user_frame())}")
    return k


def key_data(keys):
    """The keys' uint32 words, shape (..., 2) (a key already is its data here)."""
    return _check_keys(keys, "key_data")


def wrap_key_data(key_bits_array, *, impl=None):
    """Keys from their uint32 words, shape (..., 2); ``impl`` can only be Threefry, the one generator here."""
    if impl not in (None, "threefry2x32"):
        raise ValueError(f"random.wrap_key_data: impl must be None or 'threefry2x32' (the only generator here), "
                         f"got {impl!r}{_where(_user_frame())}")
    return _check_keys(key_bits_array, "wrap_key_data")


def split(k, num=2):
    """``num`` new keys (an int or a shape), independent of each other and of ``k``: shape ``(*num, 2)``."""
    shape = _shape(num, "split", "num")
    w0, w1 = _words(k, shape, "split")
    return jnp.stack([w0, w1], axis=len(shape))


def fold_in(k, data):
    """A new key from ``k`` and an integer ``data`` (e.g. a step number): Threefry of the counter pair
    (0, data)."""
    k = _check_key(k, "fold_in")
    if isinstance(k, Var) or isinstance(data, Var):
        if jnp.ndim(data) != 0:
            raise TypeError(f"random.fold_in: data must be an integer scalar, got shape {tuple(jnp.shape(data))}")
        return threefry_fold(k, jnp.astype(data, _U32))
    arr = np.asarray(data)
    if arr.ndim != 0 or arr.dtype.kind not in "biuf":
        raise TypeError(f"random.fold_in: data must be an integer scalar, got {type(data).__name__} "
                        f"of dtype {arr.dtype} and shape {arr.shape}")
    return fold_numpy(k, np.asarray(int(data) & 0xFFFFFFFF, _U32))


def bits(k, shape=(), dtype=np.uint32):
    """Uniform random bits: unsigned integers of ``dtype`` (8 to 64 bits) and ``shape``."""
    shape, dtype = _shape(shape, "bits"), np.dtype(dtype)
    if dtype.kind != "u":
        raise TypeError(f"random.bits: dtype must be an unsigned integer dtype, got {dtype}")
    w0, w1 = _words(k, shape, "bits")
    if dtype.itemsize == 8:
        return (jnp.astype(w0, np.uint64) << 32) | jnp.astype(w1, np.uint64)
    return jnp.astype(w0 ^ w1, dtype)


def _float_dtype(dtype, fname):
    dtype = floatx() if dtype is None else np.dtype(dtype)
    if dtype not in (np.dtype("float32"), np.dtype("float64")):
        raise TypeError(f"random.{fname}: dtype must be float32 or float64, got {dtype}")
    return dtype


def _unit(k, shape, dtype, fname):
    """Uniform floats in [0, 1): the top mantissa-many random bits scaled by 2**-mantissa, exactly JAX's
    ``bitcast(bits >> shift | 1.0) - 1.0``."""
    mant = np.finfo(dtype).nmant
    word = bits(k, shape, np.uint64 if dtype.itemsize == 8 else np.uint32)
    return jnp.astype(word >> (8 * dtype.itemsize - mant), dtype) * dtype.type(2.0 ** -mant)


def uniform(k, shape=(), dtype=None, minval=0.0, maxval=1.0):
    """Uniform floats in [minval, maxval)."""
    dtype, shape = _float_dtype(dtype, "uniform"), _shape(shape, "uniform")
    _fit_shape(shape, "uniform", {"minval": minval, "maxval": maxval})
    lo, hi = jnp.astype(minval, dtype), jnp.astype(maxval, dtype)
    return jnp.maximum(lo, _unit(k, shape, dtype, "uniform") * (hi - lo) + lo)


def normal(k, shape=(), dtype=None):
    """Standard normal floats: sqrt(2) * erfinv(u), u uniform in (-1, 1), JAX's construction (its values to
    ~1e-12 relative: the inverse error functions differ in their last bits)."""
    dtype, shape = _float_dtype(dtype, "normal"), _shape(shape, "normal")
    lo = np.nextafter(dtype.type(-1), dtype.type(0))
    return jnp.astype(dtype.type(np.sqrt(2)) * _special.erfinv(uniform(k, shape, dtype, lo, 1.0)), dtype)


def truncated_normal(k, lower, upper, shape=None, dtype=None):
    """Standard normal floats conditioned on [lower, upper] (JAX's construction: an inverse-CDF draw)."""
    dtype = _float_dtype(dtype, "truncated_normal")
    lower = lower if isinstance(lower, Var) else np.asarray(lower, dtype)
    upper = upper if isinstance(upper, Var) else np.asarray(upper, dtype)
    shape = _fit_shape(shape, "truncated_normal", {"lower": lower, "upper": upper})
    root2 = dtype.type(np.sqrt(2))
    a, b = _special.erf(lower / root2), _special.erf(upper / root2)
    out = root2 * _special.erfinv(uniform(k, shape, dtype, a, b))
    return jnp.astype(jnp.clip(out, lower, upper), dtype)


def exponential(k, shape=(), dtype=None):
    """Exponential(1) floats: -log(1 - u)."""
    dtype, shape = _float_dtype(dtype, "exponential"), _shape(shape, "exponential")
    return -jnp.log1p(-_unit(k, shape, dtype, "exponential"))


def gumbel(k, shape=(), dtype=None):
    """Standard Gumbel floats: -log(-log(u)), u in (0, 1)."""
    dtype, shape = _float_dtype(dtype, "gumbel"), _shape(shape, "gumbel")
    tiny = np.finfo(dtype).tiny
    u = uniform(k, shape, dtype, minval=tiny, maxval=1.0)
    return -jnp.log(-jnp.log(u))


def bernoulli(k, p=0.5, shape=None):
    """Booleans that are True with probability ``p`` (broadcast to ``shape``)."""
    p = p if isinstance(p, Var) else np.asarray(p)
    shape = _fit_shape(shape, "bernoulli", {"p": p})
    return uniform(k, shape, p.dtype if p.dtype.kind == "f" else floatx()) < p


def randint(k, shape, minval, maxval, dtype=np.int64):
    """Integers in [minval, maxval) of ``dtype``, from 2 x nbits random bits per value as JAX draws them (so
    the modulo bias is about span**2 / 2**(2 nbits)). ``maxval <= minval`` gives ``minval``."""
    shape, dtype = _shape(shape, "randint"), np.dtype(dtype)
    if dtype.kind not in "iu":
        raise TypeError(f"random.randint: dtype must be an integer dtype, got {dtype}")
    _fit_shape(shape, "randint", {"minval": minval, "maxval": maxval})
    info = np.iinfo(dtype)
    if info.bits < 32:
        # NOTE: JAX draws narrow integers as int32 in [min, max + 1] (so randint(k, s, 0, 256, uint8) covers
        # 255) and narrows the result
        def narrow(v, top):
            v = jnp.astype(v, np.int64) if isinstance(v, Var) else np.asarray(v, np.int64)
            return jnp.clip(v, int(info.min), top)
        lo, hi = narrow(minval, int(info.max)), narrow(maxval, int(info.max) + 1)
        return jnp.astype(randint(k, shape, lo, hi, np.int32), dtype)
    unsigned = np.dtype(f"uint{info.bits}")
    count = int(np.prod(shape, dtype=np.int64))
    # NOTE: computed flat (at least 1-d): numpy's eager arithmetic wraps on arrays but warns on scalars
    flat = (max(count, 1),)

    def bound(v):
        v = jnp.astype(v, np.int64) if isinstance(v, Var) else np.asarray(v, np.int64)
        return jnp.reshape(jnp.broadcast_to(v, shape), (-1,)) if count else jnp.reshape(v, (-1,))[:1] * 0

    lo, hi = bound(minval), bound(maxval)
    too_high = hi > info.max
    lo = jnp.astype(jnp.clip(lo, info.min, min(info.max, 2 ** 63 - 1)), dtype)
    hi = jnp.astype(jnp.clip(hi, info.min, min(info.max, 2 ** 63 - 1)), dtype)
    k1, k2 = split(k)
    higher, lower = bits(k1, flat, unsigned), bits(k2, flat, unsigned)
    span = jnp.astype(hi, unsigned) - jnp.astype(lo, unsigned)
    span = jnp.where(hi <= lo, unsigned.type(1), span)
    # NOTE: a maxval past the dtype's range means one more value; a full span wraps to 0, which leaves the
    # remainders below without effect, as they should be
    span = jnp.where(too_high & (hi > lo), span + unsigned.type(1), span)
    safe = jnp.where(span == 0, unsigned.type(1), span)
    half = unsigned.type(2 ** (info.bits // 2))
    mult = jnp.where(span == 0, unsigned.type(0), (half % safe) * (half % safe) % safe)
    high_part = jnp.where(span == 0, higher, higher % safe)
    low_part = jnp.where(span == 0, lower, lower % safe)
    offset = high_part * mult + low_part
    offset = jnp.where(span == 0, offset, offset % safe)
    out = lo + jnp.astype(offset, dtype)
    return jnp.reshape(out if count else out[:0], shape)


def _range_size(x, fname, name):
    """The n of an integer ``x`` standing for ``arange(n)`` (an int or a 0-d integer array), else None."""
    if isinstance(x, Var) or np.ndim(x) != 0:
        return None
    if isinstance(x, (bool, np.bool_)) or np.asarray(x).dtype.kind not in "iu":
        raise TypeError(f"random.{fname}: {name} must be an integer (for arange({name})) or an array of at least "
                        f"one dimension, got {type(x).__name__} {x!r}")
    return int(x)


def permutation(k, x, axis=0, independent=False):
    """A random permutation of ``x`` along ``axis`` (or of ``arange(x)`` for an int ``x``): sorted by random
    64-bit keys. ``independent``: every vector along ``axis`` gets its own permutation."""
    n = _range_size(x, "permutation", "x")
    if n is not None:
        x = np.arange(n)
    elif not isinstance(x, Var):
        x = np.asarray(x)
    ndim = len(x.shape)
    axis = _axis(axis, ndim, "permutation")
    n = x.shape[axis]
    if not isinstance(n, (int, np.integer)):
        raise TypeError("random.permutation: the permuted axis needs a concrete size, as in JAX")
    if not independent or ndim == 1:
        return jnp.take(x, random_orders(k, (), int(n)), axis=axis)
    moved = jnp.moveaxis(x, axis, -1)
    orders = random_orders(k, tuple(moved.shape[:-1]), int(n))
    return jnp.moveaxis(jnp.take_along_axis(moved, orders, axis=-1), -1, axis)


def random_orders(k, shape, n):
    """Independent random permutations of range(n), one per element of ``shape``: shape ``(*shape, n)``
    (ranks of random 64-bit keys, ties kept in order)."""
    return jnp.argsort(bits(k, tuple(shape) + (n,), np.uint64), axis=-1, stable=True)


def choice(k, a, shape=(), replace=True, p=None, axis=0):
    """Samples of ``a`` (or of ``arange(a)`` for an int) along ``axis``: uniformly or with probabilities
    ``p``, with or without replacement. The result has shape ``a.shape[:axis] + shape + a.shape[axis + 1:]``
    (``shape`` for an int ``a``)."""
    shape = _shape(shape, "choice")
    n = _range_size(a, "choice", "a")
    if n is None:
        pool = a if isinstance(a, Var) else np.asarray(a)
        axis = _axis(axis, len(pool.shape), "choice")
        n = pool.shape[axis]
    else:
        pool, axis = np.arange(max(n, 0)), 0
    count = int(np.prod(shape, dtype=np.int64))
    if count and n <= 0:
        raise ValueError(f"random.choice: a must be greater than 0 unless no samples are taken, got {n} to draw "
                         "from")
    if not replace and count > n:
        raise ValueError(f"random.choice: cannot take {count} samples without replacement from {n}")
    if p is not None:
        p = p if isinstance(p, Var) else np.asarray(p)
        if tuple(p.shape) != (n,):
            raise ValueError(f"random.choice: p must be None or a 1-D vector of the {n} probabilities of "
                             f"a.shape[axis], got shape {tuple(p.shape)}")
        if p.dtype.kind not in "f":
            p = jnp.astype(p, floatx()) if isinstance(p, Var) else p.astype(floatx())
    if p is None:
        idx = randint(k, shape, 0, n) if replace else jnp.reshape(permutation(k, n)[:count], shape)
    elif replace:
        # NOTE: JAX's construction (so its values): the total times 1 - u lies in (0, total], whose left
        # search never lands on a leading zero-probability entry
        cdf = jnp.cumsum(p)
        r = cdf[-1] * (1 - uniform(k, shape, p.dtype))
        idx = jnp.minimum(jnp.searchsorted(cdf, r), n - 1)
    else:
        # NOTE: Gumbel top-k: the k largest of log p + Gumbel noise are a sample without replacement
        score = jnp.log(p) + gumbel(k, (n,), p.dtype)
        idx = jnp.reshape(jnp.argsort(-score, stable=True)[:count], shape)
    return jnp.take(pool, idx, axis=axis)


def categorical(k, logits, axis=-1, shape=None, replace=True):
    """Indices drawn with probabilities softmax(logits) along ``axis``, of shape ``shape`` (which the
    logits' other axes broadcast to; their shape by default): the Gumbel-max trick, JAX's construction. Without
    ``replace``, the Gumbel top-k trick: the leading axes of ``shape`` beyond the batch count distinct
    categories drawn for each batch entry."""
    logits = logits if isinstance(logits, Var) else np.asarray(logits)
    lshape = tuple(logits.shape)
    if not lshape:
        raise ValueError("random.categorical: logits must have at least one axis (the categories), got a scalar")
    axis = _axis(axis, len(lshape), "categorical")
    batch = lshape[:axis] + lshape[axis + 1:]
    shape = _fit_shape(shape, "categorical", {"logits (without its axis)": _Shaped(batch)})
    prefix = tuple(shape[:len(shape) - len(batch)])
    dtype = logits.dtype if logits.dtype.kind == "f" else floatx()
    if replace:
        tail = list(shape[len(prefix):])
        tail.insert(axis, lshape[axis])
        noise = gumbel(k, prefix + tuple(tail), dtype)
        return jnp.argmax(noise + logits, axis=len(prefix) + axis)
    draws = int(np.prod(prefix, dtype=np.int64))
    if draws > lshape[axis]:
        raise ValueError(f"random.categorical: cannot take {draws} samples without replacement from "
                         f"{lshape[axis]} categories")
    if tuple(shape[len(prefix):]) != batch:
        raise ValueError(f"random.categorical: without replacement, shape must end with the logits' batch shape "
                         f"{batch}, got {shape}")
    scores = jnp.moveaxis(logits + gumbel(k, lshape, dtype), axis, -1)
    top = jnp.argsort(-scores, axis=-1, stable=True)[..., :draws]
    return jnp.reshape(jnp.moveaxis(top, -1, 0), shape)


# NOTE: last, as the distributions build on the names above
from .distributions import (laplace, logistic, cauchy, lognormal, pareto, rayleigh, weibull_min,  # noqa: E402
                            wald, triangular, geometric, rademacher, maxwell, double_sided_maxwell, orthogonal,
                            multivariate_normal)
from . import distributions as _distributions  # noqa: E402

__all__ += _distributions.__all__
# NOTE: the rejection-sampled families (gamma_family.py, counts.py) build on the names above too
from .gamma_family import gamma, loggamma, beta, dirichlet, chisquare, f, t, generalized_normal, ball  # noqa: E402
from .gamma_family import __all__ as _gamma_all  # noqa: E402
from .counts import poisson, binomial, multinomial  # noqa: E402
from .counts import __all__ as _counts_all  # noqa: E402

__all__ += _gamma_all + _counts_all
