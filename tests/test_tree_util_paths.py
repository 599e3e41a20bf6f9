"""``jaxlike.tree_util``'s key paths and the rest of ``jax.tree_util`` / ``jax.tree``: key entries and ``keystr``,
``tree_*_with_path``, ``register_pytree_with_keys`` (and the class decorator), ``register_static``,
``Partial`` through compile and grad, ``tree_broadcast``, ``tree_transpose``, ``tree_reduce_associative`` and the
treedef helpers. Expected key paths, keystr strings and results are JAX 0.10.2's, recorded as literals.

What it catches: a key path out of step with the flatten order (or a treedef that differs from
``tree_flatten``'s, which compiled functions key on), a namedtuple or dataclass field named by index, keystr
formatting that differs from JAX's, a registered class whose own keys are ignored, a ``Partial`` whose bound
arguments are not traced (or recompile per value), a static class that is flattened into leaves, a transposed
or broadcast tree in the wrong order, structure errors that do not say where the trees part.
"""

import collections
import dataclasses
import functools
import pickle

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike import tree_util as tu
from jaxlike.tree_util import (DictKey, FlattenedIndexKey, GetAttrKey, Partial, SequenceKey, keystr)

P = collections.namedtuple("P", "x y")


class Box:
    """Registered without keys: its children are FlattenedIndexKey(i)."""

    def __init__(self, a, b):
        self.a, self.b = a, b

    def __eq__(self, other):
        return type(other) is Box and (self.a, self.b) == (other.a, other.b)


tu.register_pytree_node(Box, lambda o: ((o.a, o.b), "aux"), lambda aux, kids: Box(*kids))


@tu.register_pytree_with_keys_class
class Keyed:
    """Names its children itself, with no tree_flatten (derived from tree_flatten_with_keys)."""

    def __init__(self, a, b):
        self.a, self.b = a, b

    def __eq__(self, other):
        return type(other) is Keyed and (self.a, self.b) == (other.a, other.b)

    def tree_flatten_with_keys(self):
        return ((GetAttrKey("a"), self.a), (DictKey("bee"), self.b)), None

    @classmethod
    def tree_unflatten(cls, aux, children):
        return cls(*children)


@functools.partial(tu.register_dataclass, data_fields=["w", "b"], meta_fields=["act"])
@dataclasses.dataclass
class Layer:
    w: object
    b: object
    act: str


@tu.register_static
class Mode(str):
    pass


TREE = {"params": [Layer(1, 2, "relu"), P(x=3, y=(4, None))], "c": Box(5, [6]), "w": Keyed(7, {"k": 8})}
# JAX 0.10.2: keystr(path) and keystr(path, simple=True, separator='/') of TREE's leaves, in order
TREE_KEYSTRS = ["['c'][<flat index 0>]", "['c'][<flat index 1>][0]", "['params'][0].w", "['params'][0].b",
                "['params'][1].x", "['params'][1].y[0]", "['w'].a", "['w']['bee']['k']"]
TREE_SIMPLE = ["c/0", "c/1/0", "params/0/w", "params/0/b", "params/1/x", "params/1/y/0", "w/a", "w/bee/k"]


# -- key entries and keystr -----------------------------------------------------------------------------------
def test_key_entries_repr_str_and_simple_keystr_are_jaxs():
    keys = (SequenceKey(0), DictKey("a"), GetAttrKey("b"), FlattenedIndexKey(2), DictKey((1, "x")))
    assert [repr(k) for k in keys] == ["SequenceKey(idx=0)", "DictKey(key='a')", "GetAttrKey(name='b')",
                                       "FlattenedIndexKey(key=2)", "DictKey(key=(1, 'x'))"]
    assert keystr(keys) == "[0]['a'].b[<flat index 2>][(1, 'x')]"
    assert keystr(keys, simple=True, separator="/") == "0/a/b/2/(1, 'x')"
    assert keystr(()) == "" and keystr(("a", 1)) == "a1"   # JAX: any entry is joined by its str


def test_key_entries_compare_hash_pickle_and_stay_frozen():
    assert SequenceKey(1) == SequenceKey(1) and SequenceKey(0) != FlattenedIndexKey(0) != DictKey(0)
    assert len({SequenceKey(1), SequenceKey(1), DictKey("a"), DictKey("a"), GetAttrKey("a")}) == 3
    assert SequenceKey(True) == SequenceKey(1) and SequenceKey(np.int64(3)).idx == 3
    keys = (SequenceKey(1), DictKey("a"), GetAttrKey("b"), FlattenedIndexKey(2))
    assert pickle.loads(pickle.dumps(keys)) == keys
    match SequenceKey(4):
        case SequenceKey(idx=i):
            assert i == 4
    with pytest.raises(AttributeError):
        keys[0].idx = 2


@pytest.mark.parametrize("make,message", [
    (lambda: SequenceKey("a"), "SequenceKey: idx must be an int"),
    (lambda: FlattenedIndexKey(1.5), "FlattenedIndexKey: key must be an int"),
    (lambda: GetAttrKey(1), "GetAttrKey: name must be a str"),
    (lambda: DictKey([1]), "DictKey: key must be hashable"),
    (lambda: keystr(3), "keystr: keys must be a key path"),
    (lambda: keystr((SequenceKey(0),), separator=1), "keystr: separator must be a str"),
])
def test_bad_key_arguments_are_named(make, message):
    with pytest.raises(TypeError, match=message):
        make()


# -- with_path functions --------------------------------------------------------------------------------------
def test_leaf_paths_follow_the_flatten_order_with_jaxs_keys():
    pairs = tu.tree_leaves_with_path(TREE)
    assert [x for _, x in pairs] == tu.tree_leaves(TREE) == [5, 6, 1, 2, 3, 4, 7, 8]
    assert [keystr(p) for p, _ in pairs] == TREE_KEYSTRS
    assert [keystr(p, simple=True, separator="/") for p, _ in pairs] == TREE_SIMPLE
    assert pairs[1][0] == (DictKey("c"), FlattenedIndexKey(1), SequenceKey(0))


@pytest.mark.parametrize("tree", [TREE, None, 5, (), {}, [None, (1,)], P(1, None), {2: "a", 1: [3]},
                                  Partial(max, 1, key=abs), [Mode("m"), 1]])
def test_flatten_with_path_gives_tree_flattens_leaves_and_treedef(tree):
    pairs, td = tu.tree_flatten_with_path(tree)
    leaves, want = tu.tree_flatten(tree)
    assert td == want and hash(td) == hash(want) and [x for _, x in pairs] == leaves
    assert tu.tree_flatten(tu.tree_unflatten(td, leaves)) == (leaves, want)   # a partial compares by identity


def test_is_leaf_with_and_without_the_path():
    tree = {"a": [1, (2, 3)], "b": None, "c": (4, 5)}
    got = tu.tree_map_with_path(lambda p, x: keystr(p), tree, is_leaf=lambda x: isinstance(x, tuple))
    assert got == {"a": ["['a'][0]", "['a'][1]"], "b": None, "c": "['c']"}
    pairs, td = tu.tree_flatten_with_path(tree, lambda p, x: len(p) == 1, is_leaf_takes_path=True)
    assert [keystr(p) for p, _ in pairs] == ["['a']", "['b']", "['c']"]   # JAX: is_leaf sees None too
    assert td == tu.tree_structure(tree, is_leaf=lambda x: x is not tree)
    assert jaxlike.tree.leaves_with_path([[1]], is_leaf=lambda x: x == [1]) == [((SequenceKey(0),), [1])]


def test_map_with_path_over_several_trees_and_none():
    got = jaxlike.tree.map_with_path(lambda p, x, y: (keystr(p), x, y), {"a": [1, 2], "b": None},
                                     {"a": [3, {"z": 4}], "b": None})
    assert got == {"a": [("['a'][0]", 1, 3), ("['a'][1]", 2, {"z": 4})], "b": None}


@pytest.mark.parametrize("rest,message", [
    ([{"a": [1, 2, 3]}], r"rest\[0\] has the structure \[\*, \*, \*\] at key path \['a'\], where tree has "
                         r"\[\(\*,\), \*\]"),
    ([{"a": [(1,), 2]}, {"b": [1, 2]}], r"rest\[1\] has the structure \{'b': \[\*, \*\]\} at key path \(the root\)"),
    ([{"a": (1, 2)}], r"rest\[0\] has the structure \(\*, \*,\) at key path \['a'\]"),
    ([{"a": [None, 2]}], r"rest\[0\] has the structure None at key path \['a'\]\[0\]"),
])
def test_map_with_path_names_the_tree_and_key_path_that_differ(rest, message):
    with pytest.raises(ValueError, match=message):
        tu.tree_map_with_path(lambda p, *xs: 0, {"a": [(1,), 2]}, *rest)


# -- registration ---------------------------------------------------------------------------------------------
def test_register_pytree_with_keys_uses_the_given_flatten_func_and_keys():
    class Pair:
        def __init__(self, a, b):
            self.a, self.b = a, b

    calls = []

    def flatten(o):
        calls.append("flatten")
        return (o.a, o.b), "meta"

    tu.register_pytree_with_keys(Pair, lambda o: (((SequenceKey(7), o.a), (FlattenedIndexKey(3), o.b)), "meta"),
                                 lambda aux, kids: Pair(*kids), flatten)
    leaves, td = tu.tree_flatten([Pair(1, (2,))])
    assert leaves == [1, 2] and calls == ["flatten"]
    assert [keystr(p) for p, _ in tu.tree_leaves_with_path([Pair(1, (2,))])] == ["[0][7]", "[0][<flat index 3>][0]"]
    assert tu.tree_flatten_with_path([Pair(1, (2,))])[1] == td


def test_flatten_with_keys_that_returns_no_pairs_is_named():
    class Bad:
        pass

    tu.register_pytree_with_keys(Bad, lambda o: ([1, 2], None), lambda aux, kids: Bad(), lambda o: ([1, 2], None))
    assert tu.tree_leaves(Bad()) == [1, 2]
    with pytest.raises(TypeError, match="flatten_with_keys function of Bad must return"):
        tu.tree_leaves_with_path(Bad())


def test_register_pytree_node_takes_flatten_with_keys_func():
    class Two:
        def __init__(self, a):
            self.a = a

    tu.register_pytree_node(Two, lambda o: ([o.a], None), lambda aux, kids: Two(*kids),
                            lambda o: ([(GetAttrKey("a"), o.a)], None))
    assert tu.tree_leaves_with_path(Two(3)) == [((GetAttrKey("a"),), 3)]


@pytest.mark.parametrize("register,message", [
    (lambda: tu.register_pytree_with_keys_class(type("NoKeys", (), {})), "NoKeys' has no tree_flatten_with_keys"),
    (lambda: tu.register_static(3), "register_static: cls must be a class"),
    (lambda: tu.register_static(type("E", (), {"__eq__": lambda s, o: True})), "E must be hashable"),
    (lambda: tu.register_pytree_node(type("F", (), {}), None, lambda a, k: 0), "flatten_func must be callable"),
    (lambda: tu.register_pytree_with_keys(type("G", (), {}), 1, lambda a, k: 0), "flatten_with_keys must be"),
])
def test_bad_registrations_are_named(register, message):
    with pytest.raises(TypeError, match=message):
        register()


def test_static_class_is_structure_not_a_leaf():
    leaves, td = tu.tree_flatten([Mode("add"), 2])
    assert leaves == [2] and tu.tree_unflatten(td, [3]) == [Mode("add"), 3]
    assert td != tu.tree_structure([Mode("sub"), 2]) and tu.treedef_is_leaf(tu.tree_structure(Mode("x")))

    @functools.partial(jaxlike.compile, mode="FAST_COMPILE")
    def f(x, m):
        return x + 1.0 if m == "add" else x - 1.0

    assert f(np.array(1.0), Mode("add")) == 2.0 and f(np.array(1.0), Mode("sub")) == 0.0


def test_dataclass_fields_and_tree_static():
    @tu.register_dataclass
    @dataclasses.dataclass
    class Op:
        x: object
        op: str = jaxlike.tree.static(default="add", metadata={"doc": "kept"})

    assert dataclasses.fields(Op)[1].metadata == {"static": True, "doc": "kept"}
    assert tu.tree_leaves_with_path(Op(1)) == [((GetAttrKey("x"),), 1)]
    assert tu.tree_structure(Op(1)) != tu.tree_structure(Op(1, "mul"))


# -- Partial --------------------------------------------------------------------------------------------------
def _scale(a, x, b=0.0):
    return a * x + b


def test_partial_is_a_pytree_of_its_bound_arguments():
    p = Partial(max, 1, 2, key=abs)
    assert p(-3) == -3 and tu.tree_leaves(p) == [1, 2, abs]
    assert [keystr(k) for k, _ in tu.tree_leaves_with_path(p)] == ["[<flat index 0>][0]", "[<flat index 0>][1]",
                                                                    "[<flat index 1>]['key']"]
    assert tu.tree_map(lambda x: x * 10, Partial(lambda a, b, c=0: a + b + c, 1, c=2))(3) == 33
    assert tu.tree_structure(Partial(max, 1)) == tu.tree_structure(Partial(max, 2)) != tu.tree_structure(
        Partial(min, 2))
    inner = Partial(functools.partial(max, 1), 2)   # the inner partial's arguments stay part of the function
    assert tu.tree_leaves(inner) == [2] and inner(5) == 5 and inner.func.args == (1,)


def test_partial_through_compile_and_grad():
    @jaxlike.compile
    def call(f, x):
        return f(x)

    x = np.array([3.0, 4.0])
    np.testing.assert_allclose(call(Partial(_scale, np.array([1.0, 2.0]), b=np.array(0.5)), x), [3.5, 8.5])
    np.testing.assert_allclose(call(Partial(_scale, np.array([2.0, 2.0]), b=np.array(1.0)), x), [7.0, 9.0])
    assert len(call._cache) == 1    # new bound values, same signature: no recompile

    g = jaxlike.grad(lambda f, x: jnp.sum(f(x)))(Partial(_scale, np.array([1.0, 2.0]), b=np.array(0.5)), x)
    assert type(g) is Partial and g.func is _scale
    np.testing.assert_allclose(g.args[0], x)
    np.testing.assert_allclose(g.keywords["b"], 2.0)
    made = jaxlike.compile(lambda a: Partial(_scale, a * 2), mode="FAST_COMPILE")(np.array([1.0, 3.0]))
    np.testing.assert_allclose(made(np.array([1.0, 1.0])), [2.0, 6.0])


# -- broadcast, transpose, reduce -----------------------------------------------------------------------------
@pytest.mark.parametrize("prefix,full,want", [
    (None, None, None),
    ([None, 1], [None, [2, 3]], [None, [1, 1]]),
    (1, {"a": [1, 2], "b": None}, {"a": [1, 1], "b": None}),
    ({"a": 1, "b": 2}, {"a": [1, 2], "b": (3, 4)}, {"a": [1, 1], "b": (2, 2)}),
    (P(1, 2), P([1, 2], {"q": 3}), P([1, 1], {"q": 2})),
])
def test_tree_broadcast(prefix, full, want):
    assert jaxlike.tree.broadcast(prefix, full) == want


def test_tree_broadcast_is_leaf_is_for_the_prefix():
    assert tu.tree_broadcast([(1, 2)], [[3, 4]], is_leaf=lambda x: isinstance(x, tuple)) == [[(1, 2), (1, 2)]]


@pytest.mark.parametrize("prefix,full,message", [
    ({"a": 1, "b": 2}, {"a": [1, 2], "c": 3}, r"full_tree has the structure \{'a': \[\*, \*\], 'c': \*\} at key "
                                              r"path \(the root\), where prefix_tree has \{'a': \*, 'b': \*\}"),
    ({"a": [1, (2, 3)]}, {"a": [1, (2, [3, 4], 5)]}, r"full_tree has the structure \(\*, \[\*, \*\], \*,\) "
                                                     r"at key path \['a'\]\[1\], where prefix_tree has \(\*, \*,\)"),
    ([1, 2], (1, 2), r"full_tree has the structure \(\*, \*,\) at key path \(the root\)"),
    (None, 1, r"full_tree has the structure \* at key path \(the root\), where prefix_tree has None"),
    (P(1, (2, 3)), P([1, 2], {"q": 3}), r"full_tree has the structure \{'q': \*\} at key path \.y, where "
                                        r"prefix_tree has \(\*, \*,\)"),
])
def test_tree_broadcast_names_the_key_path_that_differs(prefix, full, message):
    with pytest.raises(ValueError, match="tree_broadcast: " + message):
        tu.tree_broadcast(prefix, full)


def test_tree_transpose():
    outer = tu.tree_structure([0, 0])
    assert tu.tree_transpose(outer, tu.tree_structure((0, 0)), [(1, 2), (3, 4)]) == ([1, 3], [2, 4])
    assert jaxlike.tree.transpose(outer, None, [(1, 2), (3, 4)]) == ([1, 3], [2, 4])
    got = tu.tree_transpose(tu.tree_structure({"x": 0, "y": 0}), None,
                            {"x": {"a": 1, "b": 2}, "y": {"a": 3, "b": 4}})
    assert got == {"a": {"x": 1, "y": 3}, "b": {"x": 2, "y": 4}}
    # JAX checks only the numbers of leaves: the inner trees are read in flatten order
    assert tu.tree_transpose(outer, tu.tree_structure((0, 0)), [(1, 2), {"a": 3, "b": 4}]) == ([1, 3], [2, 4])
    assert tu.tree_transpose(tu.tree_structure([]), tu.tree_structure((0, 0)), []) == ([], [])


@pytest.mark.parametrize("args,error,message", [
    ((None, [(1, 2), (3, 4, 5)]), TypeError, r"pytree_to_transpose has the structure \[\(\*, \*,\), \(\*, \*, "
                                             r"\*,\)\] \(5 leaves\), expected \[\(\*, \*,\), \(\*, \*,\)\]"),
    ((None, ((1, 2), (3, 4))), ValueError, r"pytree_to_transpose has the structure .* at key path \(the root\), "
                                           r"where outer_treedef has \[\*, \*\]"),
    (("inner", [(1, 2)]), TypeError, "inner_treedef must be a PyTreeDef"),
])
def test_tree_transpose_errors(args, error, message):
    with pytest.raises(error, match="tree_transpose: " + message):
        tu.tree_transpose(tu.tree_structure([0, 0]), *args)
    with pytest.raises(TypeError, match="outer_treedef must be a PyTreeDef"):
        tu.tree_transpose([0, 0], None, [(1, 2), (3, 4)])
    with pytest.raises(ValueError, match="outer_treedef has no leaves"):
        tu.tree_transpose(tu.tree_structure([]), None, [])


def test_tree_reduce_associative_is_balanced():
    assert tu.tree_reduce_associative(lambda a, b: (a, b), [1, 2, 3, 4, 5]) == ((1, 2), (3, (4, 5)))  # JAX's
    assert jaxlike.tree.reduce_associative(lambda a, b: a + b, [(1,), (2, 3)],
                                           is_leaf=lambda x: isinstance(x, tuple)) == (1, 2, 3)
    assert tu.tree_reduce_associative(lambda a, b: a + b, [None], identity=0) == 0
    with pytest.raises(TypeError, match="tree has no leaves; pass identity="):
        tu.tree_reduce_associative(lambda a, b: a + b, [])


# -- treedefs, nodes, one level -------------------------------------------------------------------------------
def test_treedef_helpers():
    td = tu.tree_structure([(1, 2), 3, {"a": 4}])
    assert tu.treedef_children(td) == [tu.tree_structure(x) for x in [(1, 2), 3, {"a": 4}]]
    assert tu.treedef_children(tu.tree_structure(1)) == []
    # JAX: a leaf and every node without children are one node
    assert [tu.treedef_is_leaf(tu.tree_structure(x)) for x in (1, None, (), [], {}, (1,), [None])] == \
        [True, True, True, True, True, False, False]
    assert tu.treedef_tuple([tu.tree_structure(1), td]) == tu.tree_structure((1, [(1, 2), 3, {"a": 4}]))
    with pytest.raises(TypeError, match=r"treedef_tuple: treedefs\[1\] must be a PyTreeDef"):
        tu.treedef_tuple([td, 1])
    with pytest.raises(TypeError, match="treedef_children: treedef must be a PyTreeDef"):
        tu.treedef_children([1])


def test_is_tree_node_and_all_leaves():
    assert [tu.is_tree_node(t) for t in (tuple, list, dict, type(None), P, Box, Keyed, Partial, Mode,
                                         collections.OrderedDict, int, object, functools.partial)] == \
        [True] * 10 + [False] * 3
    with pytest.raises(TypeError, match=r"is_tree_node: typ must be a class, got \[1\]"):
        tu.is_tree_node([1])
    assert tu.all_leaves(tu.tree_leaves(TREE)) and tu.all_leaves([]) and tu.all_leaves([1, "a", object])
    assert not tu.all_leaves([1, None]) and not tu.all_leaves([TREE])
    assert tu.all_leaves([(1,), (2,)], is_leaf=lambda x: isinstance(x, tuple))
    assert not tu.all_leaves([(1,), [2]], is_leaf=lambda x: isinstance(x, tuple))


def test_flatten_one_level():
    assert tu.flatten_one_level({"b": 1, "a": 2}) == ((2, 1), ("a", "b"))
    assert tu.flatten_one_level(None) == ((), None) and tu.flatten_one_level(P(1, 2)) == ([1, 2], P)
    assert tu.flatten_one_level(Box(1, 2)) == ((1, 2), "aux")
    assert tu.flatten_one_level_with_keys({"b": 1, "a": 2}) == (((DictKey("a"), 2), (DictKey("b"), 1)), ("a", "b"))
    assert tu.flatten_one_level_with_keys(P(1, 2)) == ([(GetAttrKey("x"), 1), (GetAttrKey("y"), 2)], P)
    assert tu.flatten_one_level_with_keys(Box(1, 2)) == ([(FlattenedIndexKey(0), 1), (FlattenedIndexKey(1), 2)],
                                                         "aux")
    for fn in (tu.flatten_one_level, tu.flatten_one_level_with_keys):
        with pytest.raises(ValueError, match="tree is a leaf, not a pytree node"):
            fn(np.ones(2))
    reg = tu.default_registry
    assert reg.flatten_one_level(1) is None and reg.flatten_one_level_with_keys(1) is None
    assert reg.flatten_with_path([1, [2]], lambda p, x: len(p) == 1 and isinstance(x, list))[0] == \
        [((SequenceKey(0),), 1), ((SequenceKey(1),), [2])]
    assert reg.flatten([1, (2,)]) == tu.tree_flatten([1, (2,)]) and reg.is_node(Box) and not reg.is_node(int)
