"""``jax.flatten_util.ravel_pytree``: a pytree of arrays as one 1-D vector, and the function that cuts such a
vector back into the tree (each leaf with its shape and dtype). What code that treats a whole pytree state as
one vector needs (ODE solvers, optimizers, line searches); it works on concrete and traced leaves alike. A
front-end module."""

import numpy as np

from . import pytree
from .core.graph import Var
from . import numpy as jnp
from .numpy import _array


def ravel_pytree(tree):
    """``(flat, unravel)``: the leaves of ``tree`` raveled and concatenated into one 1-D array of their common
    dtype, and ``unravel(flat)`` that rebuilds a tree of ``tree``'s structure from a vector of that length. A
    tree with no leaves gives an empty float32 vector (JAX's convention). Where every leaf has one dtype,
    ``unravel`` takes a vector of any dtype and keeps it; otherwise it needs the common dtype and casts each
    piece back to its leaf's dtype."""
    leaves, treedef = pytree.flatten(tree)
    flat, unravel_list = _ravel_list(leaves)

    def unravel(flat_vector):
        return pytree.unflatten(treedef, unravel_list(flat_vector))
    return flat, unravel


def _dtype(x):
    if isinstance(x, Var):
        return x.dtype
    return jnp.asarray(x).dtype


def _common_dtype(dtypes):
    """JAX's promotion of non-weak dtypes: an inexact dtype is not widened by the integer or boolean ones
    (int64 with float32 is float32, where numpy's rule would give float64); among dtypes of one family the
    rule is numpy's."""
    inexact = [d for d in dtypes if d.kind in "fc"]
    return np.result_type(*(inexact or dtypes))


def _ravel_list(leaves):
    if not leaves:
        return jnp.zeros((0,), np.float32), lambda _: []
    from_dtypes = tuple(_dtype(x) for x in leaves)
    to_dtype = _common_dtype(from_dtypes)
    arrays = [x if isinstance(x, Var) else jnp.asarray(x) for x in leaves]
    shapes = tuple(tuple(a.shape) for a in arrays)
    sizes = tuple(int(np.prod(s, dtype=np.int64)) for s in shapes)
    flat = jnp.concatenate([jnp.ravel(a).astype(to_dtype) for a in arrays])
    if all(d == to_dtype for d in from_dtypes):
        return flat, lambda vector: _cut(vector, sizes, shapes, None)

    def unravel_list(vector):
        got = _dtype(vector)
        if got != to_dtype:
            raise TypeError(f"unravel: the flat vector has dtype {got}, but the tree was raveled to {to_dtype} "
                            f"(its leaves have several dtypes, each restored from that one)")
        return _cut(vector, sizes, shapes, from_dtypes)
    return flat, unravel_list


def _cut(vector, sizes, shapes, dtypes):
    if not isinstance(vector, (Var, _array.Array, np.ndarray)):
        vector = jnp.asarray(vector)
    total = sum(sizes)
    if len(vector.shape) != 1 or vector.shape[0] != total:
        raise ValueError(f"unravel: the flat vector must have shape ({total},) (the tree's {len(sizes)} leaves "
                         f"hold {total} elements), got shape {tuple(vector.shape)}")
    out, at = [], 0
    for k, (size, shape) in enumerate(zip(sizes, shapes)):
        piece = jnp.reshape(vector[at:at + size], shape)
        if dtypes is not None and dtypes[k] != piece.dtype:
            # NOTE: a complex vector's real leaves take its real part, which numpy's astype warns about
            piece = (jnp.real(piece) if dtypes[k].kind != "c" else piece).astype(dtypes[k])
        out.append(piece)
        at += size
    return out


__all__ = ["ravel_pytree"]
