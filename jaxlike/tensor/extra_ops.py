"""Theano's ``theano.tensor.extra_ops`` and ``theano.tensor.sort`` functions with Theano's signatures:
``cumsum``, ``cumprod``, ``sort``, ``argsort`` (also exported as ``T.cumsum``, ``T.sort``...), each a thin call
of the ``jaxlike.numpy`` function that binds the same primitives. ``axis=None`` works on the flattened
tensor, as in Theano. Sorts are stable whatever ``kind`` says. A front-end module: imports jaxlike.numpy.
"""

from .. import numpy as jnp

_SORT_KINDS = ("quicksort", "mergesort", "heapsort", "stable", None)


def _checked_kind(kind, fname):
    if kind not in _SORT_KINDS:
        raise ValueError(f"{fname}: kind must be one of {_SORT_KINDS}, got {kind!r}")


def cumsum(x, axis=None):
    """Running sum along ``axis`` (over the flattened tensor when None)."""
    return jnp.cumsum(x, axis=axis)


def cumprod(x, axis=None):
    """Running product along ``axis`` (over the flattened tensor when None); the gradient is exact where
    ``x`` has zeros."""
    return jnp.cumprod(x, axis=axis)


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
    """numpy's repeat: each element ``repeats`` times (an int) along ``axis`` (the flattened tensor when
    None)."""
    if isinstance(repeats, bool) or not isinstance(repeats, int) or repeats < 0:
        raise TypeError(f"repeat: repeats must be a non-negative Python int, got {repeats!r}")
    x = jnp.asarray(x)
    if axis is None:
        x, axis = jnp.reshape(x, (-1,)), 0
    axis = axis % x.ndim
    shape = tuple(x.shape)
    # NOTE: a broadcast along a new dim after `axis`, merged into it: works for symbolic sizes too
    y = jnp.broadcast_to(jnp.expand_dims(x, axis + 1), shape[:axis + 1] + (repeats,) + shape[axis + 1:])
    return jnp.reshape(y, shape[:axis] + (-1,) + shape[axis + 1:])


def to_one_hot(y, nb_class, dtype=None):
    """The matrix whose row i is the one-hot code of the integer ``y[i]`` among ``nb_class`` classes
    (dtype ``config.floatX`` by default)."""
    from ..core.types import floatx
    y = jnp.asarray(y)
    if y.ndim != 1 or y.dtype.kind not in "iu":
        raise TypeError(f"to_one_hot: y must be a vector of integers, got {y.dtype} of rank {y.ndim}")
    return jnp.astype(jnp.equal(jnp.expand_dims(y, 1), jnp.arange(nb_class)), dtype or floatx())


__all__ = ["cumsum", "cumprod", "sort", "argsort", "repeat", "to_one_hot"]
