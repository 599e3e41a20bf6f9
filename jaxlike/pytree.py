"""Flatten and unflatten nested tuples, lists, dicts and None. The tree structure is hashable, so it can be
part of a compiled function's signature key. Imports nothing of ours."""


class TreeDef:
    __slots__ = ("kind", "meta", "children", "_hash")

    def __init__(self, kind, meta, children):
        self.kind = kind          # "leaf", "none", "tuple", "namedtuple", "list", "dict"
        self.meta = meta          # dict keys (sorted) for dicts, the class for namedtuples
        self.children = children
        self._hash = hash((kind, meta, children))

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
        return ("(" + inner + ",)") if self.kind == "tuple" else ("[" + inner + "]")

    @property
    def num_leaves(self):
        if self.kind == "leaf":
            return 1
        return sum(c.num_leaves for c in self.children)


LEAF = TreeDef("leaf", None, ())
NONE = TreeDef("none", None, ())


def flatten(tree):
    """Return (leaves, treedef)."""
    leaves = []
    return leaves, _flatten(tree, leaves)


def _flatten(tree, leaves):
    if tree is None:
        return NONE
    if isinstance(tree, tuple):
        # NOTE: a namedtuple (numpy's SlogdetResult, EighResult...) keeps its class, so it unflattens as itself.
        kind, meta = ("namedtuple", type(tree)) if hasattr(tree, "_fields") else ("tuple", None)
        return TreeDef(kind, meta, tuple(_flatten(t, leaves) for t in tree))
    if isinstance(tree, list):
        return TreeDef("list", None, tuple(_flatten(t, leaves) for t in tree))
    if isinstance(tree, dict):
        keys = tuple(sorted(tree))
        return TreeDef("dict", keys, tuple(_flatten(tree[k], leaves) for k in keys))
    leaves.append(tree)
    return LEAF


def leaf_paths(tree, prefix=""):
    """Readable paths of the leaves (``[0]``, ``['w']`` after ``prefix``), in ``flatten``'s order."""
    if tree is None:
        return []
    if isinstance(tree, (tuple, list)):
        return [p for k, t in enumerate(tree) for p in leaf_paths(t, f"{prefix}[{k}]")]
    if isinstance(tree, dict):
        return [p for k in sorted(tree) for p in leaf_paths(tree[k], f"{prefix}[{k!r}]")]
    return [prefix]


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
    return dict(zip(td.meta, kids))


def tree_map(fn, tree):
    leaves, td = flatten(tree)
    return unflatten(td, [fn(x) for x in leaves])
