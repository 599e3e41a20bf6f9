"""``jaxlike.tree``: the short names of ``jax.tree`` (``jaxlike.tree.map`` is ``tree_util.tree_map``, ...)."""

from .tree_util import (tree_all as all, tree_flatten as flatten, tree_leaves as leaves,  # noqa: F401
                        tree_map as map, tree_reduce as reduce, tree_structure as structure,
                        tree_unflatten as unflatten)

__all__ = ["all", "flatten", "leaves", "map", "reduce", "structure", "unflatten"]
