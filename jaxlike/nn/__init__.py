"""Neural-network functions, numerically stable: sigmoid and softplus are primitives with stable kernels;
the rest compose them. ``initializers`` (``jax.nn.initializers``) is a module of this package.
A front-end module: imports ops and jaxlike.numpy."""

import math

import numpy as np

from ..ops.math import sigmoid as _sigmoid, softplus as _softplus
from ..ops.special import erfc as _erfc_prim
from .. import numpy as jnp
from ..numpy._base import asarray_or_var
from ..core.errors import user_frame, where as where_


def sigmoid(x):
    return _sigmoid(asarray_or_var(x))


def softplus(x):
    return _softplus(asarray_or_var(x))


def _erfc(x):
    return _erfc_prim(asarray_or_var(x))


def relu(x):
    """max(x, 0), differentiated as JAX's custom JVP: gradient 1 where x > 0 and 0 elsewhere (at 0 and NaN
    too). jnp.maximum splits a tie 0.5/0.5, so the value comes from it under stop_gradient and a select
    carries the gradient (where(x > 0, x, 0) alone would turn NaN into 0)."""
    x = asarray_or_var(x)
    return jnp.where(x > 0, x, jnp.stop_gradient(jnp.maximum(x, 0)))


def tanh(x):
    return jnp.tanh(x)


def logsumexp(a, axis=None, b=None, keepdims=False, return_sign=False, where=None):
    """log(sum(exp(x))) with the max subtracted first, so large x does not overflow; -inf over an empty axis.
    ``where``: the elements that count; ``b`` and ``return_sign`` as ``jaxlike.scipy.special.logsumexp``
    (jax.nn.logsumexp is that function)."""
    if b is not None or return_sign:
        from ..scipy.special import logsumexp as weighted
        return weighted(a, axis=axis, b=b, keepdims=keepdims, return_sign=return_sign, where=where)
    x = _inexact(a)
    if where is not None:
        # NOTE: masked out before the exp: a left-out inf would give 0 * inf = NaN in the gradient
        where = asarray_or_var(where)
        x = jnp.where(where, x, -np.inf)
    # NOTE: initial=-inf (the accumulator's own start) gives an empty axis a max, where a plain max raises
    mx = jnp.stop_gradient(jnp.max(x, axis=axis, keepdims=True, initial=-np.inf))
    # NOTE: a slice of -inf (or an inf) would give inf - inf = NaN; its result is its max, as in JAX
    mx = jnp.where(jnp.isfinite(mx), mx, 0.0)
    out = jnp.log(jnp.sum(jnp.exp(x - mx), axis=axis, keepdims=True)) + mx
    if not keepdims:
        out = jnp.squeeze(out, axis=axis) if axis is not None else jnp.reshape(out, ())
    return out


def _inexact(x):
    """x as a float: integers and bools are computed in float64, as JAX's promote_args_inexact does (an int
    array met initial=-inf in the max and raised OverflowError)."""
    x = asarray_or_var(x)
    return x if jnp.result_type(x).kind in "fc" else jnp.astype(x, np.float64)


def log_softmax(x, axis=-1, where=None):
    """x - logsumexp(x) over ``axis``; with ``where`` only those elements count, and the others give -inf
    (as JAX's)."""
    x = _inexact(x)
    if where is None:
        return x - logsumexp(x, axis=axis, keepdims=True)
    where = asarray_or_var(where)
    # NOTE: a slice with nothing kept computes -inf - -inf and log(0) (on plain arrays numpy would warn)
    # before the last where replaces it, as in JAX
    with np.errstate(invalid="ignore", divide="ignore"):
        shifted = jnp.where(where, x, -np.inf) - _masked_max(x, axis, where)
        out = shifted - jnp.log(jnp.sum(jnp.exp(shifted), axis=axis, keepdims=True, where=where))
        return jnp.where(where, out, -np.inf)


def softmax(x, axis=-1, where=None):
    """exp(x) normalized over ``axis``, the max subtracted first; with ``where`` only those elements count,
    and the others give 0 (as JAX's: a slice with none kept is all 0)."""
    x = _inexact(x)
    if where is None:
        # NOTE: initial=-inf gives an empty axis a max (an empty result, as JAX's; a plain max raises), and
        # only there: passes/stabilize.py's tests pin the plain max's graph
        empty = {"initial": -np.inf} if _reduces_an_empty_axis(x, axis) else {}
        e = jnp.exp(x - jnp.stop_gradient(jnp.max(x, axis=axis, keepdims=True, **empty)))
        return e / jnp.sum(e, axis=axis, keepdims=True)
    where = asarray_or_var(where)
    with np.errstate(invalid="ignore", divide="ignore"):   # NOTE: as in log_softmax
        e = jnp.exp(jnp.where(where, x, -np.inf) - _masked_max(x, axis, where))
        return jnp.where(where, e / jnp.sum(e, axis=axis, keepdims=True, where=where), 0)


def _reduces_an_empty_axis(x, axis):
    shape = jnp.shape(x)
    axes = range(len(shape)) if axis is None else np.atleast_1d(axis)
    sizes = [shape[a] for a in axes if -len(shape) <= a < len(shape)]
    return any(isinstance(d, (int, np.integer)) and d == 0 for d in sizes)


def _masked_max(x, axis, where):
    """The max over the kept elements only (so a masked-out large value cannot underflow the others), without
    a gradient as in softmax; -inf for a slice with nothing kept."""
    return jnp.stop_gradient(jnp.max(x, axis=axis, keepdims=True, initial=-np.inf, where=where))


def one_hot(x, num_classes, *, dtype=None, axis=-1):
    """1 where ``x`` equals the class index, along a new axis ``axis`` of size ``num_classes`` (indices
    outside [0, num_classes) give a row of zeros); float64 unless ``dtype`` is given."""
    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)):
        raise TypeError(f"nn.one_hot: num_classes must be a concrete int, got {type(num_classes).__name__} "
                        f"{num_classes!r}{where_(user_frame())}")
    if num_classes < 0:
        raise ValueError(f"nn.one_hot: num_classes must be non-negative, got {num_classes}{where_(user_frame())}")
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"nn.one_hot: axis must be an int, got {type(axis).__name__} {axis!r}{where_(user_frame())}")
    x = asarray_or_var(x)
    nd = jnp.ndim(x) + 1
    if not -nd <= axis < nd:
        raise ValueError(f"nn.one_hot: axis {axis} is out of range for the {nd}-D result{where_(user_frame())}")
    axis = axis % nd
    classes = np.arange(int(num_classes)).reshape([int(num_classes) if d == axis else 1 for d in range(nd)])
    return jnp.astype(jnp.equal(jnp.expand_dims(x, axis), classes), np.float64 if dtype is None else dtype)


# -- activations as in jax.nn ------------------------------------------------------------------------------
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def relu6(x):
    """min(max(x, 0), 6), differentiated as JAX's custom JVP: gradient 1 on (0, 6) only, 0 at 0 and 6 (see
    relu for the form)."""
    x = asarray_or_var(x)
    # NOTE: the float bound 6.0 (JAX's) makes relu6 of integers a float array, as in JAX
    return jnp.where((x > 0) & (x < 6), x, jnp.stop_gradient(jnp.minimum(jnp.maximum(x, 0), 6.0)))


def silu(x):
    """x * sigmoid(x) (also called swish)."""
    x = asarray_or_var(x)
    return x * sigmoid(x)


swish = silu


def log_sigmoid(x):
    """log(sigmoid(x)) = -softplus(-x), finite for every x."""
    return -softplus(-asarray_or_var(x))


def leaky_relu(x, negative_slope=0.01):
    x = asarray_or_var(x)
    return jnp.where(x >= 0, x, negative_slope * x)


def hard_tanh(x):
    """clip(x, -1, 1) with gradient 1 at -1 and 1, as JAX's (clip's min/max would split those ties 0.5/0.5)."""
    x = asarray_or_var(x)
    return jnp.where(x > 1, 1, jnp.where(x < -1, -1, x))


def elu(x, alpha=1.0):
    """x for x > 0, alpha * (exp(x) - 1) otherwise (expm1 of where(x > 0, 0, x), so large x does not overflow
    the untaken branch and its gradient; min(x, 0) sent half of x's gradient at 0 to the constant, 0.5 not 1)."""
    x = asarray_or_var(x)
    return jnp.where(x > 0, x, alpha * jnp.expm1(jnp.where(x > 0, 0.0, x)))


def celu(x, alpha=1.0):
    x = asarray_or_var(x)
    return jnp.where(x > 0, x, alpha * jnp.expm1(jnp.where(x > 0, 0.0, x) / alpha))   # as elu, at 0 too


def selu(x):
    return _SELU_SCALE * elu(x, _SELU_ALPHA)


def gelu(x, approximate=True):
    """x * Phi(x), Phi the standard normal CDF: with ``approximate`` (JAX's default) the tanh form, else
    exactly, through erfc."""
    x = asarray_or_var(x)
    if approximate:
        return 0.5 * x * (1 + jnp.tanh(0.7978845608028654 * (x + 0.044715 * (x * x * x))))
    return x * (_erfc(-x * 0.7071067811865476) / 2)


def glu(x, axis=-1):
    """The first half of ``x`` along ``axis`` gated by the sigmoid of the second half."""
    x = asarray_or_var(x)
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"nn.glu: axis must be an int, got {type(axis).__name__} {axis!r}{where_(user_frame())}")
    nd = jnp.ndim(x)
    if not -nd <= axis < nd:
        raise ValueError(f"nn.glu: axis {axis} is out of range for a {nd}-D input{where_(user_frame())}")
    size = jnp.shape(x)[axis]
    if isinstance(size, (int, np.integer)) and size % 2:
        raise ValueError(f"nn.glu: the size of axis {axis} must be even (two halves), got {size}"
                         f"{where_(user_frame())}")
    a, b = jnp.split(x, 2, axis=axis)
    return a * sigmoid(b)


def hard_sigmoid(x):
    """relu6(x + 3) / 6: relu6's selects give gradient 0 at -3 and 3, as JAX's."""
    return relu6(asarray_or_var(x) + 3.0) / 6.0


def hard_silu(x):
    x = asarray_or_var(x)
    return x * hard_sigmoid(x)


hard_swish = hard_silu


def mish(x):
    x = asarray_or_var(x)
    return x * jnp.tanh(softplus(x))


def soft_sign(x):
    x = asarray_or_var(x)
    return x / (jnp.abs(x) + 1)


def squareplus(x, b=4):
    x = asarray_or_var(x)
    return (x + jnp.sqrt(x * x + b)) / 2


def sparse_plus(x):
    x = asarray_or_var(x)
    return jnp.where(x <= -1, 0.0, jnp.where(x >= 1, x, (x + 1) ** 2 / 4))


def standardize(x, axis=-1, mean=None, variance=None, epsilon=1e-5, where=None, *, algorithm="fast"):
    """(x - mean) / sqrt(variance + epsilon), the moments over ``axis`` (over the ``where`` elements only)
    unless given. ``algorithm`` 'fast' takes the variance as mean(x^2) - mean^2, clipped at 0 (cancellation
    can make it negative, and its square root NaN), 'stable' as mean((x - mean)^2), as JAX's."""
    if algorithm not in ("fast", "stable"):
        raise ValueError(f"nn.standardize: algorithm must be 'fast' or 'stable', got {algorithm!r}"
                         f"{where_(user_frame())}")
    x = asarray_or_var(x)
    if mean is None:
        mean = jnp.mean(x, axis=axis, keepdims=True, where=where)
    if variance is None:
        if algorithm == "stable":
            variance = jnp.mean(jnp.square(x - mean), axis=axis, keepdims=True, where=where)
        else:
            variance = jnp.maximum(jnp.mean(x * x, axis=axis, keepdims=True, where=where) - mean * mean, 0)
    scale = variance + epsilon
    # NOTE: Python numbers stay Python numbers (weak, as in JAX): jnp.sqrt of one is a float64 array, which
    # would turn a float32 x into a float64 result
    root = (math.sqrt(scale) if scale >= 0 else math.nan) if isinstance(scale, (int, float)) else jnp.sqrt(scale)
    return (x - mean) / root


def identity(x):
    return asarray_or_var(x)


def sparse_sigmoid(x):
    """0 below -1, 1 above 1, linear between (the sparsemax of [x, 0])."""
    return 0.5 * jnp.clip(asarray_or_var(x) + 1.0, 0.0, 2.0)


def log1mexp(x):
    """log(1 - exp(-x)) for x > 0, through expm1 near 0 and log1p beyond log 2, each where it keeps its
    digits (Machler 2012)."""
    x = asarray_or_var(x)
    near = x < 0.6931471805599453
    return jnp.where(near, jnp.log(-jnp.expm1(-jnp.where(near, x, 1.0))), jnp.log1p(-jnp.exp(-jnp.where(near, 1.0, x))))


def logmeanexp(x, axis=None, where=None, keepdims=False):
    """log(mean(exp(x))) over ``axis`` without overflow (``where``: the elements that count)."""
    x = asarray_or_var(x)
    if where is None:
        count = jnp.size(x) if axis is None else int(np.prod([jnp.shape(x)[a] for a in np.atleast_1d(axis)]))
        # NOTE: a Python float: np.log's float64 scalar would turn a float32 result into float64
        return logsumexp(x, axis=axis, keepdims=keepdims) - float(np.log(count))
    where = asarray_or_var(where)
    total = logsumexp(jnp.where(where, x, -np.inf), axis=axis, keepdims=keepdims)
    count = jnp.sum(jnp.broadcast_to(where, jnp.shape(x)), axis=axis, keepdims=keepdims)
    return total - jnp.log(jnp.astype(count, jnp.result_type(total)))


def dot_product_attention(query, key, value, bias=None, mask=None, *, scale=None, is_causal=False,
                          query_seq_lengths=None, key_value_seq_lengths=None, local_window_size=None,
                          implementation=None, return_residual=False):
    """softmax(q k^T * scale + bias, masked) v, as ``jax.nn.dot_product_attention``: query (B, T, N, H), key
    and value (B, S, K, H) with N a multiple of K (grouped-query attention), or the same without B; ``mask``
    (boolean, True keeps) and ``bias`` broadcast to (B, N, T, S); ``is_causal`` keeps s <= t;
    ``local_window_size`` (l, r) or w for (w, w) keeps t - l <= s <= t + r; ``query_seq_lengths`` and
    ``key_value_seq_lengths`` (integer vectors of length B) keep the first positions of each batch entry, and
    the output rows past a query length are 0. ``scale`` defaults to 1 / sqrt(H). Logits and softmax are
    computed in float32 at least. ``return_residual`` also returns the logsumexp of each row of masked logits,
    (B, T, N), without a derivative."""
    if implementation not in (None, "xla"):
        raise ValueError(f"dot_product_attention: implementation {implementation!r} is not available here")
    q, k, v = asarray_or_var(query), asarray_or_var(key), asarray_or_var(value)
    unbatched = jnp.ndim(q) == 3
    if unbatched:
        q, k, v = q[None], k[None], v[None]
    if jnp.ndim(q) != 4 or jnp.ndim(k) != 4 or jnp.ndim(v) != 4:
        raise ValueError("dot_product_attention: query, key and value must all be (B, T, N, H) or all (T, N, H), "
                         f"got ranks {jnp.ndim(query)}, {jnp.ndim(key)}, {jnp.ndim(value)}")
    for name, t in (("query", q), ("key", k), ("value", v)):
        if jnp.result_type(t).kind != "f":
            raise TypeError(f"dot_product_attention: {name} must be a float array, got {jnp.result_type(t)} (the "
                            "softmax weights would be cast to it)")
    qs, ks, vs = (tuple(int(d) for d in jnp.shape(t)) for t in (q, k, v))
    if ks[:3] != vs[:3] or qs[0] != ks[0] or qs[3] != ks[3]:
        raise ValueError(f"dot_product_attention: query (B, T, N, H) = {qs}, key (B, S, K, H) = {ks} and value "
                         f"(B, S, K, H) = {vs} disagree in B, S, K or H")
    if mask is not None and jnp.result_type(mask) != np.bool_:
        raise TypeError(f"dot_product_attention: mask must be boolean (True keeps), got {jnp.result_type(mask)}")
    heads, groups = int(jnp.shape(q)[2]), int(jnp.shape(k)[2])
    if heads % groups:
        raise ValueError(f"dot_product_attention: the query's {heads} heads are not a multiple of the key's {groups}")
    if heads != groups:
        k, v = jnp.repeat(k, heads // groups, axis=2), jnp.repeat(v, heads // groups, axis=2)
    full = (qs[0], heads, qs[1], ks[1])
    for name, t in (("bias", bias), ("mask", mask)):
        if t is not None:
            try:
                fits = np.broadcast_shapes(tuple(int(d) for d in jnp.shape(t)), full) == full
            except ValueError:
                fits = False
            if not fits:
                raise ValueError(f"dot_product_attention: {name} of shape {tuple(jnp.shape(t))} does not broadcast to "
                                 f"the logits' shape (B, N, T, S) = {full}")
    depth = int(jnp.shape(q)[-1])
    scale = 1.0 / np.sqrt(depth) if scale is None else scale
    wide = jnp.promote_types(jnp.result_type(q), np.float32)
    logits = jnp.einsum("btnh,bsnh->bnts", q, k).astype(wide) * scale
    if bias is not None:
        logits = logits + asarray_or_var(bias)
    keep = _attention_keep(None if mask is None else asarray_or_var(mask), is_causal, local_window_size,
                           query_seq_lengths, key_value_seq_lengths, qs[0], qs[1], ks[1])
    if keep is not None:
        logits = jnp.where(keep, logits, np.finfo(wide).min)
    weights = softmax(logits, axis=-1).astype(jnp.result_type(q))
    out = jnp.einsum("bnts,bsnh->btnh", weights, v)
    if query_seq_lengths is not None:
        out = out * (jnp.arange(qs[1])[None, :] < asarray_or_var(query_seq_lengths)[:, None])[:, :, None, None]
    if return_residual:
        residual = jnp.transpose(logsumexp(logits, axis=-1), (0, 2, 1)).astype(jnp.result_type(k))
        residual = jnp.stop_gradient(residual)
        return (out[0], residual[0]) if unbatched else (out, residual)
    return out[0] if unbatched else out


def _attention_keep(keep, is_causal, window, q_lengths, kv_lengths, batch, t, s):
    """The (B, N, T, S)-broadcastable boolean mask of the logits attention keeps (None: all of them)."""
    def both(mask):
        return mask if keep is None else keep & mask
    if is_causal:
        keep = both(np.tril(np.ones((t, s), bool)))
    if window is not None:
        left, right = (window, window) if isinstance(window, (int, np.integer)) else tuple(window)
        rows, cols = np.arange(t)[:, None], np.arange(s)[None, :]
        keep = both((rows <= cols + int(left)) & (rows >= cols - int(right)))
    for name, lengths, size, axis in (("query_seq_lengths", q_lengths, t, 2), ("key_value_seq_lengths",
                                                                               kv_lengths, s, 3)):
        if lengths is None:
            continue
        lengths = asarray_or_var(lengths)
        if jnp.result_type(lengths).kind not in "iu" or jnp.ndim(lengths) != 1 or int(jnp.shape(lengths)[0]) != batch:
            raise ValueError(f"dot_product_attention: {name} must be an integer vector of the batch size {batch}, "
                             f"got {jnp.result_type(lengths)}{list(jnp.shape(lengths))}")
        inside = jnp.arange(size)[None, :] < lengths[:, None]
        keep = both(jnp.expand_dims(inside, (1, 3) if axis == 2 else (1, 2)))
    return keep


# NOTE: last: initializers draws from jaxlike.random, which reaches this module through scipy.special
from . import initializers  # noqa: E402,F401
