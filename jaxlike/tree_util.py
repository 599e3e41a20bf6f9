"""``jaxlike.tree_util``: JAX's pytree functions over the containers jaxlike flattens (tuples, namedtuples,
lists, dicts, None), for code written against ``jax.tree_util``."""

import functools

from . import pytree
from .pytree import TreeDef as PyTreeDef  # noqa: F401

__all__ = ["tree_flatten", "tree_unflatten", "tree_leaves", "tree_structure", "tree_map", "tree_reduce",
           "PyTreeDef"]


def tree_flatten(tree):
    """``(leaves, treedef)``."""
    return pytree.flatten(tree)


def tree_unflatten(treedef, leaves):
    leaves = list(leaves)
    if len(leaves) != treedef.num_leaves:
        raise ValueError(f"tree_unflatten: {treedef} has {treedef.num_leaves} leaves, got {len(leaves)}")
    return pytree.unflatten(treedef, leaves)


def tree_leaves(tree):
    return pytree.flatten(tree)[0]


def tree_structure(tree):
    return pytree.flatten(tree)[1]


def tree_map(f, tree, *rest):
    """``f`` applied leaf by leaf to ``tree`` and the trees in ``rest``, which must have its structure."""
    leaves, td = pytree.flatten(tree)
    others = []
    for i, r in enumerate(rest):
        rl, rtd = pytree.flatten(r)
        if rtd != td:
            raise ValueError(f"tree_map: tree {i + 1} has structure {rtd}, the first {td}")
        others.append(rl)
    return pytree.unflatten(td, [f(*xs) for xs in zip(leaves, *others)])


_MISSING = object()


def tree_reduce(function, tree, initializer=_MISSING):
    leaves = tree_leaves(tree)
    if initializer is _MISSING:
        return functools.reduce(function, leaves)
    return functools.reduce(function, leaves, initializer)
