"""Flatten and unflatten nested tuples, lists, dicts, None and the classes registered with ``register`` (JAX's
custom pytree nodes). The tree structure is hashable, so it can be part of a compiled function's signature key.
Every transformation flattens its arguments and results here, so a registered class works as a parameter of
all of them. Imports nothing of ours."""

import dataclasses
import operator


class TreeDef:
    __slots__ = ("kind", "meta", "children", "_hash")

    def __init__(self, kind, meta, children):
        self.kind = kind          # "leaf", "none", "tuple", "namedtuple", "list", "dict", "custom"
        self.meta = meta          # dict keys (sorted) for dicts, the class for namedtuples, (class, aux) for custom
        self.children = children
        try:
            self._hash = hash((kind, meta, children))
        except TypeError:
            # NOTE: the structure is part of compiled functions' cache keys, so it must hash (JAX asks the same)
            raise TypeError(f"the auxiliary data of a {meta[0].__name__} pytree node must be hashable, got "
                            f"{meta[1]!r}: return array-like fields as children, not as auxiliary data") from None

    def __hash__(self):
        return self._hash

    def __eq__(self, other):
        return isinstance(other, TreeDef) and (self.kind, self.meta, self.children) == (
            other.kind, other.meta, other.children)

    def __repr__(self):
        if self.kind == "leaf":
            return "*"
        if self.kind == "none":
            return "None"
        inner = ", ".join(map(repr, self.children))
        if self.kind == "dict":
            inner = ", ".join(f"{k!r}: {c!r}" for k, c in zip(self.meta, self.children))
            return "{" + inner + "}"
        if self.kind == "namedtuple":
            return f"{self.meta.__name__}({inner})"
        if self.kind == "custom":
            return f"{self.meta[0].__name__}[{self.meta[1]!r}]({inner})"
        return ("(" + inner + ",)") if self.kind == "tuple" else ("[" + inner + "]")

    @property
    def num_leaves(self):
        if self.kind == "leaf":
            return 1
        return sum(c.num_leaves for c in self.children)

    def unflatten(self, leaves):
        return unflatten(self, leaves)


LEAF = TreeDef("leaf", None, ())
NONE = TreeDef("none", None, ())

# type -> (flatten(obj) -> (children, aux), unflatten(aux, children) -> obj): JAX's custom pytree nodes
_REGISTRY = {}


def register(nodetype, flatten_func, unflatten_func):
    """Make instances of ``nodetype`` (exactly that class, as in JAX) pytree nodes: ``flatten_func(obj)`` returns
    ``(children, aux_data)`` (``aux_data`` hashable: it is part of the structure), ``unflatten_func(aux_data,
    children)`` rebuilds the object."""
    if not isinstance(nodetype, type):
        raise TypeError(f"register_pytree_node: nodetype must be a class, got {nodetype!r}")
    if nodetype in (tuple, list, dict, type(None)) or nodetype in _REGISTRY:
        raise ValueError(f"register_pytree_node: {nodetype.__name__} is already a pytree node type")
    _REGISTRY[nodetype] = (flatten_func, unflatten_func)


def _custom(tree):
    flatten_func, _ = _REGISTRY[type(tree)]
    children, aux = flatten_func(tree)
    return list(children), aux


def flatten(tree, is_leaf=None):
    """Return (leaves, treedef). ``is_leaf(node)`` true makes that node (and what is under it) one leaf."""
    leaves = []
    return leaves, _flatten(tree, leaves, is_leaf)


def _flatten(tree, leaves, is_leaf):
    if is_leaf is not None and is_leaf(tree):
        leaves.append(tree)
        return LEAF
    if tree is None:
        return NONE
    if type(tree) in _REGISTRY:
        children, aux = _custom(tree)
        return TreeDef("custom", (type(tree), aux), tuple(_flatten(c, leaves, is_leaf) for c in children))
    if isinstance(tree, tuple):
        # NOTE: a namedtuple (numpy's SlogdetResult, EighResult...) keeps its class, so it unflattens as itself.
        kind, meta = ("namedtuple", type(tree)) if hasattr(tree, "_fields") else ("tuple", None)
        return TreeDef(kind, meta, tuple(_flatten(t, leaves, is_leaf) for t in tree))
    if isinstance(tree, list):
        return TreeDef("list", None, tuple(_flatten(t, leaves, is_leaf) for t in tree))
    if isinstance(tree, dict):
        keys = tuple(sorted(tree))
        return TreeDef("dict", keys, tuple(_flatten(tree[k], leaves, is_leaf) for k in keys))
    leaves.append(tree)
    return LEAF


def _children(tree):
    """One level of ``tree``: ``[(path suffix, child)]`` in flattening order, or None for a leaf."""
    if tree is None:
        return []
    if type(tree) in _REGISTRY:
        return [(f"[{k}]", c) for k, c in enumerate(_custom(tree)[0])]
    if isinstance(tree, (tuple, list)):
        return [(f"[{k}]", t) for k, t in enumerate(tree)]
    if isinstance(tree, dict):
        return [(f"[{k!r}]", tree[k]) for k in sorted(tree)]
    return None


def _kind_meta(tree):
    """``(kind, meta)`` of the node ``tree`` is, as its TreeDef would have them."""
    if tree is None:
        return "none", None
    if type(tree) in _REGISTRY:
        return "custom", (type(tree), _custom(tree)[1])
    if isinstance(tree, tuple):
        return ("namedtuple", type(tree)) if hasattr(tree, "_fields") else ("tuple", None)
    if isinstance(tree, list):
        return "list", None
    if isinstance(tree, dict):
        return "dict", tuple(sorted(tree))
    return "leaf", None


def leaf_paths(tree, prefix=""):
    """Readable paths of the leaves (``[0]``, ``['w']`` after ``prefix``), in ``flatten``'s order."""
    kids = _children(tree)
    if kids is None:
        return [prefix]
    return [p for suffix, t in kids for p in leaf_paths(t, prefix + suffix)]


def has_custom_nodes(td):
    """Whether a registered class's node is in ``td`` (the compiled call path writes tests only for the others)."""
    return td.kind == "custom" or any(has_custom_nodes(c) for c in td.children)


def broadcast_prefix(prefix, tree, what="in_axes", path=""):
    """Per leaf of ``tree`` (in ``flatten``'s order), the leaf of ``prefix`` above it: ``prefix`` is ``tree`` cut
    short, its leaves standing for whole subtrees (JAX's tree prefixes, as in ``vmap``'s ``in_axes``). None in
    ``prefix`` is a leaf. A tuple and a list match each other. ``what``/``path`` name the prefix in errors."""
    kids = None if prefix is None else _children(prefix)
    if kids is None:
        return [prefix] * len(flatten(tree)[0])
    tkids = _children(tree)
    same = (tkids is not None and len(kids) == len(tkids)
            and (isinstance(prefix, (tuple, list)) and isinstance(tree, (tuple, list))
                 or isinstance(prefix, dict) and isinstance(tree, dict) and sorted(prefix) == sorted(tree)
                 or type(prefix) is type(tree) and type(tree) in _REGISTRY))
    if not same:
        raise ValueError(f"{what}{path}: {prefix!r} does not match the structure of the value there, "
                         f"{flatten(tree)[1]}: give one entry per item, or one int or None for all of it")
    return [ax for (suffix, p), (_, t) in zip(kids, tkids) for ax in broadcast_prefix(p, t, what, path + suffix)]


def unflatten(treedef, leaves):
    it = iter(leaves)
    out = _unflatten(treedef, it)
    return out


def _unflatten(td, it):
    if td.kind == "leaf":
        return next(it)
    if td.kind == "none":
        return None
    kids = [_unflatten(c, it) for c in td.children]
    if td.kind == "tuple":
        return tuple(kids)
    if td.kind == "namedtuple":
        return td.meta(*kids)
    if td.kind == "list":
        return kids
    if td.kind == "custom":
        cls, aux = td.meta
        return _REGISTRY[cls][1](aux, kids)
    return dict(zip(td.meta, kids))


def flatten_up_to(treedef, tree, what="tree"):
    """The subtrees of ``tree`` at the leaves of ``treedef`` (``tree`` has ``treedef``'s structure, with any
    subtree where it has a leaf), in flattening order: how ``tree_map`` reads its extra trees."""
    out = []
    _up_to(treedef, tree, out, what, "")
    return out


def _up_to(td, tree, out, what, path):
    if td.kind == "leaf":
        out.append(tree)
        return
    kids = _children(tree)
    if kids is None or _kind_meta(tree) != (td.kind, td.meta) or len(kids) != len(td.children):
        at = f" at {path}" if path else ""
        raise ValueError(f"{what} has structure {flatten(tree)[1]}{at} where the first tree has {td}")
    for (suffix, t), c in zip(kids, td.children):
        _up_to(c, t, out, what, path + suffix)


def tree_map(fn, tree):
    leaves, td = flatten(tree)
    return unflatten(td, [fn(x) for x in leaves])


# -- key paths: JAX's key entries, naming each child as flatten_with_path walks down to a leaf ------------------
# NOTE: frozen and hashable as in JAX, since user code compares key paths and keys dicts by them.

def _checked(cls, field, value, want):
    if want is int:
        try:
            return operator.index(value)
        except TypeError:
            raise TypeError(f"{cls.__name__}: {field} must be an int, got {value!r}") from None
    if want is str and not isinstance(value, str):
        raise TypeError(f"{cls.__name__}: {field} must be a str, got {value!r}")
    try:
        hash(value)
    except TypeError:
        raise TypeError(f"{cls.__name__}: {field} must be hashable, got {value!r}") from None
    return value


@dataclasses.dataclass(frozen=True, slots=True)
class SequenceKey:
    """A tuple's or list's child: ``[idx]``."""
    idx: int

    def __post_init__(self):
        object.__setattr__(self, "idx", _checked(SequenceKey, "idx", self.idx, int))

    def __str__(self):
        return f"[{self.idx}]"


@dataclasses.dataclass(frozen=True, slots=True)
class DictKey:
    """A dict's child: ``[key]`` (the key's repr)."""
    key: object

    def __post_init__(self):
        _checked(DictKey, "key", self.key, object)

    def __str__(self):
        return f"[{self.key!r}]"


@dataclasses.dataclass(frozen=True, slots=True)
class GetAttrKey:
    """A namedtuple's or dataclass's field: ``.name``."""
    name: str

    def __post_init__(self):
        _checked(GetAttrKey, "name", self.name, str)

    def __str__(self):
        return f".{self.name}"


@dataclasses.dataclass(frozen=True, slots=True)
class FlattenedIndexKey:
    """The child of a class registered without keys, by its position among the children ``flatten_func``
    returns."""
    key: int

    def __post_init__(self):
        object.__setattr__(self, "key", _checked(FlattenedIndexKey, "key", self.key, int))

    def __str__(self):
        return f"[<flat index {self.key}>]"


def keystr(keys, *, simple=False, separator=""):
    """A key path as text: ``[0]['a'].b`` (each entry's ``str``), or with ``simple`` the bare indices, keys and
    names (``0/a/b`` with ``separator='/'``)."""
    if not isinstance(separator, str):
        raise TypeError(f"keystr: separator must be a str, got {separator!r}")
    try:
        keys = tuple(keys)
    except TypeError:
        raise TypeError(f"keystr: keys must be a key path (a tuple of key entries), got {keys!r}") from None
    return separator.join(map(_simple_str if simple else str, keys))


def _simple_str(key):
    if isinstance(key, SequenceKey):
        return str(key.idx)
    if isinstance(key, (DictKey, FlattenedIndexKey)):
        return str(key.key)
    return key.name if isinstance(key, GetAttrKey) else str(key)


# type -> flatten_with_keys(obj) -> (((key, child), ...), aux): the registered classes that name their children
_KEYED = {}


def register_keys(nodetype, flatten_with_keys):
    """Name the children of the registered class ``nodetype`` in key paths: ``flatten_with_keys(obj)`` returns
    ``((key, child) pairs, aux_data)``, the children and aux_data those of its ``flatten_func``."""
    if nodetype not in _REGISTRY:
        raise ValueError(f"register_keys: {nodetype!r} is not a registered pytree node type")
    if not callable(flatten_with_keys):
        raise TypeError(f"register_keys: flatten_with_keys must be callable, got {flatten_with_keys!r}")
    _KEYED[nodetype] = flatten_with_keys


def _keyed_custom(tree):
    pairs, aux = _KEYED[type(tree)](tree)
    pairs = list(pairs)
    for p in pairs:
        if not (isinstance(p, tuple) and len(p) == 2):
            raise TypeError(f"the flatten_with_keys function of {type(tree).__name__} must return ((key, child), "
                            f"...) pairs and the aux data, got the item {p!r}")
    return pairs, aux


def node_with_keys(tree):
    """``(kind, meta, [(key entry, child)])`` of the node ``tree``, kind and meta as its TreeDef has them, the
    children in ``flatten``'s order; None for a leaf."""
    if tree is None:
        return "none", None, []
    t = type(tree)
    if t in _REGISTRY:
        if t in _KEYED:
            pairs, aux = _keyed_custom(tree)
        else:
            children, aux = _custom(tree)
            pairs = [(FlattenedIndexKey(i), c) for i, c in enumerate(children)]
        return "custom", (t, aux), pairs
    if isinstance(tree, tuple):
        if hasattr(tree, "_fields"):
            return "namedtuple", t, [(GetAttrKey(n), c) for n, c in zip(tree._fields, tree)]
        return "tuple", None, [(SequenceKey(i), c) for i, c in enumerate(tree)]
    if isinstance(tree, list):
        return "list", None, [(SequenceKey(i), c) for i, c in enumerate(tree)]
    if isinstance(tree, dict):
        keys = tuple(sorted(tree))
        return "dict", keys, [(DictKey(k), tree[k]) for k in keys]
    return None


def flatten_with_path(tree, is_leaf=None, is_leaf_takes_path=False):
    """``([(key path, leaf)], treedef)``: ``flatten``'s leaves and treedef, each leaf with the tuple of key entries
    leading to it. ``is_leaf(node)``, or ``is_leaf(path, node)`` with ``is_leaf_takes_path``, true makes that node
    one leaf."""
    out = []
    return out, _flatten_path(tree, (), out, is_leaf, is_leaf_takes_path)


def _flatten_path(tree, path, out, is_leaf, takes_path):
    if is_leaf is not None and (is_leaf(path, tree) if takes_path else is_leaf(tree)):
        out.append((path, tree))
        return LEAF
    node = node_with_keys(tree)
    if node is None:
        out.append((path, tree))
        return LEAF
    kind, meta, pairs = node
    if kind == "none":
        return NONE
    return TreeDef(kind, meta, tuple(_flatten_path(c, path + (k,), out, is_leaf, takes_path) for k, c in pairs))


def is_node_type(typ):
    """Whether ``flatten`` takes instances of the class ``typ`` apart."""
    # NOTE: as _flatten tests: every tuple, list and dict subclass is flattened as its base class
    return typ is type(None) or typ in _REGISTRY or issubclass(typ, (tuple, list, dict))


def flatten_one_level(tree):
    """``(children, meta)`` of the node ``tree`` (JAX's ``flatten_one_level``: a dict's values in key order and
    its sorted keys, a namedtuple's fields and its class, a registered class's ``flatten_func`` result); None for
    a leaf."""
    if tree is None:
        return (), None
    if type(tree) in _REGISTRY:
        return _REGISTRY[type(tree)][0](tree)
    if isinstance(tree, tuple):
        return (list(tree), type(tree)) if hasattr(tree, "_fields") else (tree, None)
    if isinstance(tree, list):
        return tree, None
    if isinstance(tree, dict):
        keys = tuple(sorted(tree))
        return tuple(tree[k] for k in keys), keys
    return None


def flatten_up_to_with_path(treedef, tree, what, ref):
    """``flatten_up_to``, its errors naming the key path where ``tree`` (called ``what``) parts from ``treedef``
    (the structure of ``ref``)."""
    out = []
    _up_to_path(treedef, tree, out, what, ref, ())
    return out


def _up_to_path(td, tree, out, what, ref, path):
    if td.kind == "leaf":
        out.append(tree)
        return
    node = node_with_keys(tree)
    if node is None or node[:2] != (td.kind, td.meta) or len(node[2]) != len(td.children):
        at = keystr(path) or "(the root)"
        raise ValueError(f"{what} has the structure {flatten(tree)[1]} at key path {at}, where {ref} has {td}")
    for (k, t), c in zip(node[2], td.children):
        _up_to_path(c, t, out, what, ref, path + (k,))
