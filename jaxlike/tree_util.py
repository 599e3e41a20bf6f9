"""``jaxlike.tree_util``: JAX's pytree functions over the containers jaxlike flattens (tuples, namedtuples,
lists, dicts, None) and the classes registered here, for code written against ``jax.tree_util``. A registered
class is flattened by ``jaxlike.pytree`` like a built-in container, so every transformation (grad, vmap,
compile, jacrev, lax.scan carries) takes it as a parameter."""

import dataclasses
import functools

from . import pytree
from .pytree import TreeDef as PyTreeDef  # noqa: F401

__all__ = ["tree_flatten", "tree_unflatten", "tree_leaves", "tree_structure", "tree_map", "tree_reduce",
           "tree_all", "register_pytree_node", "register_pytree_node_class", "register_dataclass", "PyTreeDef"]


def tree_flatten(tree, is_leaf=None):
    """``(leaves, treedef)``; ``is_leaf(node)`` true stops the flattening at that node (it is one leaf)."""
    return pytree.flatten(tree, is_leaf)


def tree_unflatten(treedef, leaves):
    leaves = list(leaves)
    if len(leaves) != treedef.num_leaves:
        raise ValueError(f"tree_unflatten: {treedef} has {treedef.num_leaves} leaves, got {len(leaves)}")
    return pytree.unflatten(treedef, leaves)


def tree_leaves(tree, is_leaf=None):
    return pytree.flatten(tree, is_leaf)[0]


def tree_structure(tree, is_leaf=None):
    return pytree.flatten(tree, is_leaf)[1]


def tree_map(f, tree, *rest, is_leaf=None):
    """``f`` applied leaf by leaf to ``tree`` and the trees in ``rest``, which have its structure, or a whole
    subtree where ``tree`` has a leaf (JAX's rule: ``tree`` decides what a leaf is)."""
    leaves, td = pytree.flatten(tree, is_leaf)
    others = [pytree.flatten_up_to(td, r, f"tree_map: tree {i + 1}") for i, r in enumerate(rest)]
    return pytree.unflatten(td, [f(*xs) for xs in zip(leaves, *others)])


_MISSING = object()


def tree_reduce(function, tree, initializer=_MISSING, is_leaf=None):
    leaves = tree_leaves(tree, is_leaf)
    if initializer is _MISSING:
        return functools.reduce(function, leaves)
    return functools.reduce(function, leaves, initializer)


def tree_all(tree, *, is_leaf=None):
    """Whether every leaf is true (True for a tree without leaves)."""
    return all(tree_leaves(tree, is_leaf))


def register_pytree_node(nodetype, flatten_func, unflatten_func):
    """Make ``nodetype``'s instances pytree nodes: ``flatten_func(obj) -> (children, aux_data)``,
    ``unflatten_func(aux_data, children) -> obj``. ``aux_data`` (static configuration) must be hashable and
    comparable: it is part of the tree structure, and so of a compiled function's signature."""
    pytree.register(nodetype, flatten_func, unflatten_func)


def register_pytree_node_class(cls):
    """Class decorator: register ``cls`` through its ``tree_flatten(self)`` method and ``tree_unflatten(aux_data,
    children)`` classmethod. Returns ``cls``."""
    for name in ("tree_flatten", "tree_unflatten"):
        if not callable(getattr(cls, name, None)):
            raise TypeError(f"register_pytree_node_class: {cls.__name__} has no {name} method (it needs "
                            "tree_flatten(self) -> (children, aux_data) and the classmethod "
                            "tree_unflatten(cls, aux_data, children))")
    pytree.register(cls, lambda obj: obj.tree_flatten(), cls.tree_unflatten)
    return cls


def register_dataclass(nodetype, data_fields=None, meta_fields=None, drop_fields=()):
    """Register a dataclass: ``data_fields`` are its children (arrays), ``meta_fields`` its static
    configuration (hashable), ``drop_fields`` neither (left to their defaults when rebuilding). Without
    ``data_fields``/``meta_fields`` they are read from the dataclass: fields with ``metadata=dict(static=True)``
    are meta, the other init fields data. Returns ``nodetype`` (usable as a decorator)."""
    if (data_fields is None) != (meta_fields is None):
        raise TypeError("register_dataclass: give both data_fields and meta_fields, or neither (read from the "
                        "dataclass's fields)")
    if data_fields is None:
        if not dataclasses.is_dataclass(nodetype):
            raise TypeError(f"register_dataclass: {nodetype.__name__} is not a dataclass; pass data_fields and "
                            "meta_fields")
        fields = [f for f in dataclasses.fields(nodetype) if f.init and f.name not in drop_fields]
        meta_fields = [f.name for f in fields if f.metadata.get("static", False)]
        data_fields = [f.name for f in fields if not f.metadata.get("static", False)]
    data_fields, meta_fields = tuple(data_fields), tuple(meta_fields)
    if dataclasses.is_dataclass(nodetype):
        init = {f.name for f in dataclasses.fields(nodetype) if f.init}
        missing = init - set(data_fields) - set(meta_fields) - set(drop_fields)
        if missing:
            raise ValueError(f"register_dataclass: {nodetype.__name__}'s init fields {sorted(missing)} are in "
                             "neither data_fields, meta_fields nor drop_fields")

    def flatten(obj):
        return [getattr(obj, n) for n in data_fields], tuple(getattr(obj, n) for n in meta_fields)

    def unflatten(aux, children):
        return nodetype(**dict(zip(data_fields, children)), **dict(zip(meta_fields, aux)))

    pytree.register(nodetype, flatten, unflatten)
    return nodetype
