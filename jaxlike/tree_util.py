"""``jaxlike.tree_util``: JAX's pytree functions over the containers jaxlike flattens (tuples, namedtuples,
lists, dicts, None) and the classes registered here, for code written against ``jax.tree_util``. A registered
class is flattened by ``jaxlike.pytree`` like a built-in container, so every transformation (grad, vmap,
compile, jacrev, lax.scan carries) takes it as a parameter. Key paths (``tree_flatten_with_path``, ``keystr``)
name each leaf's place as JAX does. ``Partial`` is a ``functools.partial`` that is a pytree of its bound arguments,
so it can be an argument of compiled and differentiated functions."""

import dataclasses
import functools
import operator
import typing

from . import pytree
from .pytree import TreeDef as PyTreeDef  # noqa: F401
from .pytree import DictKey, FlattenedIndexKey, GetAttrKey, SequenceKey, keystr  # noqa: F401

__all__ = ["tree_flatten", "tree_unflatten", "tree_leaves", "tree_structure", "tree_map", "tree_reduce",
           "tree_all", "register_pytree_node", "register_pytree_node_class", "register_dataclass", "PyTreeDef",
           "DictKey", "FlattenedIndexKey", "GetAttrKey", "SequenceKey", "KeyEntry", "KeyPath", "Partial",
           "all_leaves", "default_registry", "flatten_one_level", "flatten_one_level_with_keys", "is_tree_node",
           "keystr", "register_pytree_with_keys", "register_pytree_with_keys_class", "register_static",
           "tree_broadcast", "tree_flatten_with_path", "tree_leaves_with_path", "tree_map_with_path",
           "tree_reduce_associative", "tree_transpose", "treedef_children", "treedef_is_leaf", "treedef_tuple"]

# NOTE: JAX's typing names, for annotations in ported code: a key path is a tuple of key entries.
KeyEntry = typing.TypeVar("KeyEntry")
KeyPath = tuple[KeyEntry, ...]


def _callable(where, name, value, optional=False):
    if not (callable(value) or optional and value is None):
        raise TypeError(f"{where}: {name} must be callable{' or None' if optional else ''}, got {value!r}")


def _treedef(where, name, value):
    if not isinstance(value, PyTreeDef):
        raise TypeError(f"{where}: {name} must be a PyTreeDef (from tree_structure), got {value!r}")


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


def register_pytree_node(nodetype, flatten_func, unflatten_func, flatten_with_keys_func=None):
    """Make ``nodetype``'s instances pytree nodes: ``flatten_func(obj) -> (children, aux_data)``,
    ``unflatten_func(aux_data, children) -> obj``. ``aux_data`` (static configuration) must be hashable and
    comparable: it is part of the tree structure, and so of a compiled function's signature.
    ``flatten_with_keys_func(obj) -> ((key, child) pairs, aux_data)`` names the children in key paths (without
    it they are ``FlattenedIndexKey(i)``)."""
    _callable("register_pytree_node", "flatten_func", flatten_func)
    _callable("register_pytree_node", "unflatten_func", unflatten_func)
    _callable("register_pytree_node", "flatten_with_keys_func", flatten_with_keys_func, optional=True)
    pytree.register(nodetype, flatten_func, unflatten_func)
    if flatten_with_keys_func is not None:
        pytree.register_keys(nodetype, flatten_with_keys_func)


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

    def flatten_with_keys(obj):
        return [(GetAttrKey(n), getattr(obj, n)) for n in data_fields], tuple(getattr(obj, n) for n in meta_fields)

    register_pytree_node(nodetype, flatten, unflatten, flatten_with_keys)
    return nodetype


def register_pytree_with_keys(nodetype, flatten_with_keys, unflatten_func, flatten_func=None):
    """``register_pytree_node`` through ``flatten_with_keys(obj) -> ((key, child) pairs, aux_data)``, whose keys
    make the key paths of the children; ``flatten_func`` (same children and aux_data, without keys) is optional."""
    _callable("register_pytree_with_keys", "flatten_with_keys", flatten_with_keys)
    _callable("register_pytree_with_keys", "flatten_func", flatten_func, optional=True)
    if flatten_func is None:
        def flatten_func(obj):
            pairs, aux = flatten_with_keys(obj)
            return [c for _, c in pairs], aux
    register_pytree_node(nodetype, flatten_func, unflatten_func, flatten_with_keys)


def register_pytree_with_keys_class(cls):
    """Class decorator: register ``cls`` through its ``tree_flatten_with_keys(self)`` method, its
    ``tree_unflatten(aux_data, children)`` classmethod and, when it has one, ``tree_flatten(self)``. Returns
    ``cls``."""
    for name in ("tree_flatten_with_keys", "tree_unflatten"):
        if not callable(getattr(cls, name, None)):
            raise TypeError(f"register_pytree_with_keys_class: {getattr(cls, '__name__', cls)!r} has no {name} "
                            "method (it needs tree_flatten_with_keys(self) -> ((key, child) pairs, aux_data) and "
                            "the classmethod tree_unflatten(cls, aux_data, children))")
    flatten = operator.methodcaller("tree_flatten") if hasattr(cls, "tree_flatten") else None
    register_pytree_with_keys(cls, operator.methodcaller("tree_flatten_with_keys"), cls.tree_unflatten, flatten)
    return cls


def register_static(cls):
    """Make ``cls``'s instances pytree nodes without children: the instance itself is the static metadata, part
    of the structure (so a compiled function specializes on it, as on a static argument). Returns ``cls``."""
    if not isinstance(cls, type):
        raise TypeError(f"register_static: cls must be a class, got {cls!r}")
    if cls.__hash__ is None:
        raise TypeError(f"register_static: {cls.__name__} must be hashable (it defines __eq__ without __hash__): "
                        "its instances are part of tree structures")
    register_pytree_with_keys(cls, lambda obj: ((), obj), lambda obj, _: obj)
    return cls


def tree_flatten_with_path(tree, is_leaf=None, is_leaf_takes_path=False):
    """``([(key path, leaf)], treedef)``, the leaves and treedef of ``tree_flatten``; ``is_leaf(node)``, or
    ``is_leaf(path, node)`` with ``is_leaf_takes_path``, true makes that node one leaf."""
    _callable("tree_flatten_with_path", "is_leaf", is_leaf, optional=True)
    return pytree.flatten_with_path(tree, is_leaf, is_leaf_takes_path)


def tree_leaves_with_path(tree, is_leaf=None, is_leaf_takes_path=False):
    _callable("tree_leaves_with_path", "is_leaf", is_leaf, optional=True)
    return pytree.flatten_with_path(tree, is_leaf, is_leaf_takes_path)[0]


def tree_map_with_path(f, tree, *rest, is_leaf=None, is_leaf_takes_path=False):
    """``tree_map`` whose ``f`` takes the key path first: ``f(path, leaf, *leaves of rest)``."""
    _callable("tree_map_with_path", "f", f)
    _callable("tree_map_with_path", "is_leaf", is_leaf, optional=True)
    pairs, td = pytree.flatten_with_path(tree, is_leaf, is_leaf_takes_path)
    others = [pytree.flatten_up_to_with_path(td, r, f"tree_map_with_path: rest[{i}]", "tree")
              for i, r in enumerate(rest)]
    return pytree.unflatten(td, [f(p, x, *xs) for (p, x), *xs in zip(pairs, *others)])


def tree_reduce_associative(operation, tree, *, identity=_MISSING, is_leaf=None):
    """Reduce the leaves pairwise as a balanced tree (``operation`` must be associative), ``identity`` for a
    tree without leaves."""
    _callable("tree_reduce_associative", "operation", operation)

    def reduce(xs):
        if len(xs) == 1:
            return xs[0]
        return operation(reduce(xs[:len(xs) // 2]), reduce(xs[len(xs) // 2:]))

    leaves = tree_leaves(tree, is_leaf)
    if leaves:
        return reduce(leaves)
    if identity is _MISSING:
        raise TypeError("tree_reduce_associative: tree has no leaves; pass identity= (the result for an empty "
                        "tree)")
    return identity


def tree_broadcast(prefix_tree, full_tree, is_leaf=None):
    """``full_tree``'s structure with each leaf of ``prefix_tree`` (a tree prefix: ``full_tree`` cut short,
    flattened with ``is_leaf``) repeated over the subtree it stands for."""
    leaves, td = pytree.flatten(prefix_tree, is_leaf)
    subtrees = pytree.flatten_up_to_with_path(td, full_tree, "tree_broadcast: full_tree", "prefix_tree")
    out = [x for x, sub in zip(leaves, subtrees) for _ in pytree.flatten(sub)[0]]
    return pytree.unflatten(pytree.flatten(full_tree)[1], out)


def _compose(outer, inner):
    if outer.kind == "leaf":
        return inner
    return PyTreeDef(outer.kind, outer.meta, tuple(_compose(c, inner) for c in outer.children))


def tree_transpose(outer_treedef, inner_treedef, pytree_to_transpose):
    """Turn a tree of structure ``outer_treedef`` whose leaves are trees of structure ``inner_treedef`` (None:
    that of the first of them) into an ``inner_treedef`` tree of ``outer_treedef`` trees. As in JAX, only the
    numbers of leaves are checked."""
    _treedef("tree_transpose", "outer_treedef", outer_treedef)
    if inner_treedef is None:
        subtrees = pytree.flatten_up_to_with_path(outer_treedef, pytree_to_transpose,
                                                  "tree_transpose: pytree_to_transpose", "outer_treedef")
        if not subtrees:
            raise ValueError("tree_transpose: outer_treedef has no leaves, so inner_treedef cannot be read from "
                             "pytree_to_transpose: pass it")
        inner_treedef = pytree.flatten(subtrees[0])[1]
    _treedef("tree_transpose", "inner_treedef", inner_treedef)
    flat, td = pytree.flatten(pytree_to_transpose)
    inner, outer = inner_treedef.num_leaves, outer_treedef.num_leaves
    if td.num_leaves != inner * outer:
        raise TypeError(f"tree_transpose: pytree_to_transpose has the structure {td} ({td.num_leaves} leaves), "
                        f"expected {_compose(outer_treedef, inner_treedef)} (outer_treedef with inner_treedef "
                        f"at each leaf: {outer} x {inner} leaves)")
    # NOTE: leaf j of every inner tree, gathered by index so an outer tree without leaves gives empty columns
    columns = [flat[j::inner] for j in range(inner)]
    return pytree.unflatten(inner_treedef, [pytree.unflatten(outer_treedef, col) for col in columns])


def treedef_children(treedef):
    """The treedefs of the root's children (none for a leaf)."""
    _treedef("treedef_children", "treedef", treedef)
    return list(treedef.children)


def treedef_is_leaf(treedef):
    """Whether ``treedef`` is one node: a leaf, or a node without children (None, ``()``, ``{}``, a static
    class)."""
    _treedef("treedef_is_leaf", "treedef", treedef)
    return not treedef.children


def treedef_tuple(treedefs):
    """The treedef of a tuple whose items have the structures ``treedefs``."""
    treedefs = tuple(treedefs)
    for i, td in enumerate(treedefs):
        _treedef("treedef_tuple", f"treedefs[{i}]", td)
    return PyTreeDef("tuple", None, treedefs)


def is_tree_node(typ):
    """Whether instances of the class ``typ`` are pytree nodes (containers or registered classes)."""
    if not isinstance(typ, type):
        raise TypeError(f"is_tree_node: typ must be a class, got {typ!r} (for a value x, ask is_tree_node(type(x)))")
    return pytree.is_node_type(typ)


def all_leaves(iterable, is_leaf=None):
    """Whether every item of ``iterable`` is a leaf (None is not: it is an empty node), or with ``is_leaf``
    whether flattening the items with it keeps each one whole."""
    items = list(iterable)
    if is_leaf is None:
        return not any(pytree.is_node_type(type(x)) for x in items)
    leaves = tree_leaves(items, is_leaf)
    return len(leaves) == len(items) and all(x is y for x, y in zip(items, leaves))


def flatten_one_level(tree):
    """``(children, metadata)`` of the pytree node ``tree``, one level down."""
    out = pytree.flatten_one_level(tree)
    if out is None:
        raise ValueError(f"flatten_one_level: tree is a leaf, not a pytree node: can't tree-flatten type "
                         f"{type(tree)}")
    return out


def flatten_one_level_with_keys(tree):
    """``([(key entry, child)], metadata)`` of the pytree node ``tree``, one level down."""
    node = pytree.node_with_keys(tree)
    if node is None:
        raise ValueError(f"flatten_one_level_with_keys: tree is a leaf, not a pytree node: can't tree-flatten "
                         f"type {type(tree)}")
    kind, meta, pairs = node
    if kind == "custom":
        return pairs, meta[1]
    return (pairs if kind == "namedtuple" else tuple(pairs)), meta


class _HashableCallableShim:
    """Stands in for a ``functools.partial`` given to ``Partial``, comparing and hashing as it does."""

    def __init__(self, fun):
        self.fun = fun

    def __call__(self, *args, **kw):
        return self.fun(*args, **kw)

    def __hash__(self):
        return hash(self.fun)

    def __eq__(self, other):
        return self.fun == (other.fun if isinstance(other, _HashableCallableShim) else other)

    def __repr__(self):
        return f"_HashableCallableShim({self.fun!r})"


class Partial(functools.partial):
    """``functools.partial`` as a pytree: its children are the bound arguments (``args``, ``keywords``), the
    function is static metadata. So it can be passed to compiled and differentiated functions, which a plain
    partial (a leaf that is not an array) cannot."""

    def __new__(cls, func, *args, **kw):
        if not isinstance(func, functools.partial):
            return super().__new__(cls, func, *args, **kw)
        # NOTE: functools.partial would merge a partial's bound arguments into this one; boxing it keeps them
        # out of this Partial's children, as in JAX (they are part of the static function).
        shim = _HashableCallableShim(func)
        out = super().__new__(cls, shim, *args, **kw)
        shim.func, shim.args, shim.keywords = func.func, func.args, func.keywords
        return out


register_pytree_node(Partial, lambda p: ((p.args, p.keywords), p.func),
                     lambda func, xs: Partial(func, *xs[0], **xs[1]))


class PyTreeRegistry:
    """JAX's ``PyTreeRegistry`` interface over jaxlike's one registry (``default_registry``), for code that calls
    the registry's methods directly."""

    def flatten(self, tree, leaf_predicate=None):
        return tree_flatten(tree, leaf_predicate)

    def flatten_one_level(self, tree):
        """``(children, metadata)``, or None for a leaf."""
        return pytree.flatten_one_level(tree)

    def flatten_one_level_with_keys(self, tree):
        """``([(key entry, child)], metadata)``, or None for a leaf."""
        return None if pytree.node_with_keys(tree) is None else flatten_one_level_with_keys(tree)

    def flatten_with_path(self, tree, leaf_predicate=None):
        """``tree_flatten_with_path`` with ``leaf_predicate(path, node)``."""
        _callable("PyTreeRegistry.flatten_with_path", "leaf_predicate", leaf_predicate, optional=True)
        return pytree.flatten_with_path(tree, leaf_predicate, True)

    def is_node(self, type):  # noqa: A002 (JAX's parameter name)
        return is_tree_node(type)

    def register_node(self, type, to_iterable, from_iterable, to_iterable_with_keys=None):  # noqa: A002
        register_pytree_node(type, to_iterable, from_iterable, to_iterable_with_keys)

    def register_dataclass_node(self, type, data_fields, meta_fields):  # noqa: A002
        register_dataclass(type, data_fields, meta_fields)


default_registry = PyTreeRegistry()
