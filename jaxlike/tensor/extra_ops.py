"""Theano's ``theano.tensor.extra_ops`` and ``theano.tensor.sort`` functions with Theano's signatures:
``cumsum``, ``cumprod``, ``sort``, ``argsort``, ``repeat``, ``to_one_hot``, and ``roll`` and ``nonzero`` (with
the ``x.nonzero()`` method), also exported as ``T.cumsum``, ``T.sort``..., each a thin call of the
``jaxlike.numpy`` function that binds the same primitives. ``axis=None`` works on the flattened tensor, as
in Theano. Sorts are stable whatever ``kind`` says. Sizes that would depend on values (``nonzero``'s count,
``repeat``'s with symbolic counts) need a stated size or are refused. A front-end module: imports core and
jaxlike.numpy.
"""

import numpy as np

from .. import numpy as jnp
from ..core.graph import Var, const
from ..core.errors import user_frame, where
from ..core.types import is_known
from .masks import runtime_nonzero

_SORT_KINDS = ("quicksort", "mergesort", "heapsort", "stable", None)


def _checked_kind(kind, fname):
    if kind not in _SORT_KINDS:
        raise ValueError(f"{fname}: kind must be one of {_SORT_KINDS}, got {kind!r}")


def _kept_int_dtype(x):
    """Theano's CumOp keeps its input's type: an int32 running sum stays int32 (numpy's widens it)."""
    x = jnp.asarray(x)
    return x, (x.dtype if x.dtype.kind in "iu" else None)


def cumsum(x, axis=None):
    """Running sum along ``axis`` (over the flattened tensor when None), in ``x``'s dtype."""
    x, dtype = _kept_int_dtype(x)
    return jnp.cumsum(x, axis=axis, dtype=dtype)


def cumprod(x, axis=None):
    """Running product along ``axis`` (over the flattened tensor when None), in ``x``'s dtype; the gradient
    is exact where ``x`` has zeros."""
    x, dtype = _kept_int_dtype(x)
    return jnp.cumprod(x, axis=axis, dtype=dtype)


def sort(a, axis=-1, kind="quicksort", order=None):
    """``a`` sorted along ``axis`` (the flattened tensor when None); gradients flow to the element placed at
    each position."""
    _checked_kind(kind, "sort")
    return jnp.sort(a, axis=axis, order=order)


def argsort(a, axis=-1, kind="quicksort", order=None):
    """int64 indices that sort ``a`` along ``axis`` (ties keep their order)."""
    _checked_kind(kind, "argsort")
    return jnp.argsort(a, axis=axis, order=order)


def repeat(x, repeats, axis=None):
    """numpy's repeat: each element ``repeats`` times along ``axis`` (the flattened tensor when None);
    ``repeats`` is an int or a vector of ints, one count per element along ``axis``. Symbolic counts
    (Theano allows ``T.iscalar``) would give a size computed from values, which jaxlike cannot build."""
    if isinstance(repeats, Var) and not repeats.is_const:
        raise TypeError(f"repeat: repeats must be concrete (an int or a vector of ints), got the symbolic "
                        f"{repeats.type!r}: the output's size would depend on its value" + where(user_frame()))
    counts = np.asarray(repeats.value if isinstance(repeats, Var) else repeats)
    if counts.dtype.kind not in "iu" or counts.ndim > 1 or (counts < 0).any():
        raise TypeError(f"repeat: repeats must be a non-negative int or a vector of them, got {repeats!r}"
                        + where(user_frame()))
    x = jnp.asarray(x)
    if axis is None:
        x, axis = jnp.reshape(x, (-1,)), 0
    axis = axis % x.ndim
    shape = tuple(x.shape)
    if counts.ndim == 1:
        if is_known(shape[axis]) and shape[axis] != counts.size:
            raise ValueError(f"repeat: {counts.size} counts for axis {axis} of size {shape[axis]}"
                             + where(user_frame()))
        # NOTE: the output size is sum(counts), known now; the source positions are a constant gather
        return jnp.take(x, const(np.repeat(np.arange(counts.size), counts)), axis=axis)
    return jnp.repeat(x, int(counts), axis=axis)     # NOTE: a symbolic size stays symbolic (a product)


def roll(x, shift, axis=None):
    """Theano's ``T.roll``: ``x`` shifted cyclically by ``shift`` (an int, or an integer scalar variable)
    along ``axis`` (the flattened tensor, shaped back, when None)."""
    if isinstance(shift, Var) and not shift.is_const and (shift.ndim != 0 or shift.dtype.kind not in "iu"):
        raise TypeError(f"roll: shift must be an int or an integer scalar, got {shift.type!r}"
                        + where(user_frame()))
    return jnp.roll(jnp.asarray(x), shift.value if isinstance(shift, Var) and shift.is_const else shift, axis)


def nonzero(a, return_matrix=False, size=None, fill_value=None):
    """Theano's ``T.nonzero``: the indices of the nonzero entries of ``a``, a tuple of one int64 vector per
    dimension (``return_matrix=True``: one matrix, a row per dimension), as long as the values make them (a
    size computed when the graph runs, ``masks.runtime_nonzero``). ``size=`` is JAX's extension: the first
    ``size`` indices in row-major order, padded with ``fill_value`` (a scalar or one per dimension, 0 by
    default), a length known while the graph is built. ``a``'s own sizes may stay symbolic."""
    a = jnp.asarray(a)
    if a.ndim == 0:
        raise ValueError("nonzero: a is a scalar; nonzero needs at least one dimension" + where(user_frame()))
    if not isinstance(a, Var) or a.is_const:
        out = jnp.nonzero(a.value if isinstance(a, Var) else a, size=size, fill_value=fill_value)
    elif size is None:
        out = runtime_nonzero(a)
    else:
        out = jnp.nonzero(a, size=_count(size), fill_value=fill_value)
    return jnp.stack(list(out)) if return_matrix else tuple(out)


def _count(size):
    if isinstance(size, (bool, np.bool_)) or not isinstance(size, (int, np.integer)) or size < 0:
        raise TypeError(f"nonzero: size must be a non-negative int, got {size!r}" + where(user_frame()))
    return int(size)


def to_one_hot(y, nb_class, dtype=None):
    """The matrix whose row i is the one-hot code of the integer ``y[i]`` among ``nb_class`` classes
    (dtype ``config.floatX`` by default)."""
    from ..core.types import floatx
    y = jnp.asarray(y)
    if y.ndim != 1 or y.dtype.kind not in "iu":
        raise TypeError(f"to_one_hot: y must be a vector of integers, got {y.dtype} of rank {y.ndim}")
    return jnp.astype(jnp.equal(jnp.expand_dims(y, 1), jnp.arange(nb_class)), dtype or floatx())


def identity_like(x):
    """Theano's ``T.identity_like``: ones on the main diagonal of a matrix of ``x``'s shape and dtype."""
    from .basic import eye
    x = jnp.asarray(x)
    if x.ndim != 2:
        raise TypeError(f"identity_like: expected a matrix, got rank {x.ndim} ({x.type!r})" + where(user_frame()))
    return eye(x.shape[0], x.shape[1], dtype=x.dtype)


_CORE_REPEAT = Var.repeat


def _repeat_method(x, repeats, axis=None, **kwargs):
    """``x.repeat(repeats, axis)``: Theano's repeat (symbolic sizes work); JAX's keywords go to the core's."""
    return _CORE_REPEAT(x, repeats, axis, **kwargs) if kwargs else repeat(x, repeats, axis)


Var.repeat = _repeat_method
# NOTE: these live in more_basic (imported last: it imports tensor.basic); extra_ops is where Theano has them
from .more_basic import diff, searchsorted, squeeze, fill_diagonal  # noqa: E402,F401
Var.nonzero = nonzero   # Theano's x.nonzero(return_matrix=False); JAX's x.nonzero(size=...) too
Var.sort = sort         # Theano's x.sort(axis=-1, kind='quicksort', order=None)

__all__ = ["cumsum", "cumprod", "sort", "argsort", "repeat", "to_one_hot", "roll", "nonzero", "identity_like",
           "diff", "searchsorted", "squeeze", "fill_diagonal"]
