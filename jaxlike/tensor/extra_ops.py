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


__all__ = ["cumsum", "cumprod", "sort", "argsort"]
