"""JAX-compatibility of the transformations' signatures and results: ``vjp``/``jacrev``/``jacfwd`` with
``has_aux`` (aux values, not graph nodes, eagerly and compiled), sizes returned from compiled functions, vmap's
pytree ``in_axes``, keyword arguments, ``axis_size``/``axis_name``, and ``tree_util``'s ``is_leaf`` and
registered pytree classes (``register_pytree_node``, ``_class``, ``register_dataclass``, ``jaxlike.tree``) as
parameters of grad, compile, vmap, jacrev and lax.scan. Values are checked against numpy or by hand."""

import dataclasses

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike import tree_util
from jaxlike.core.graph import Var

V = np.array([0.1, 0.2, 0.3])


def fast(f, **kw):
    """Compiled on the reference interpreter: the compile path without a numba compile."""
    return jaxlike.compile(f, mode="FAST_COMPILE", **kw)


# -- registered pytree classes (registration is global, so once per module) ----------------------------------
@tree_util.register_pytree_node_class
class Affine:
    """w and b are children (arrays); ``act`` is static auxiliary data (part of the structure)."""

    def __init__(self, w, b, act="tanh"):
        self.w, self.b, self.act = w, b, act

    def tree_flatten(self):
        return (self.w, self.b), self.act

    @classmethod
    def tree_unflatten(cls, act, children):
        return cls(*children, act=act)

    def __call__(self, x):
        y = x @ self.w + self.b
        return jnp.tanh(y) if self.act == "tanh" else y


class Pair:
    def __init__(self, a, b):
        self.a, self.b = a, b


tree_util.register_pytree_node(Pair, lambda p: ([p.a, p.b], None), lambda _, kids: Pair(*kids))


@dataclasses.dataclass
class State:
    pos: object
    vel: object
    dt: float = dataclasses.field(default=0.1, metadata=dict(static=True))


tree_util.register_dataclass(State)


# -- 1. vjp(has_aux=True) ------------------------------------------------------------------------------------
def _with_aux(a):
    return jnp.sin(a), {"twice": a * 2, "n": a.shape[0]}


def test_vjp_has_aux_returns_values_eagerly():
    out, pullback, aux = jaxlike.vjp(_with_aux, V, has_aux=True)   # before: aux["twice"] was a graph Var
    assert not isinstance(aux["twice"], Var)
    np.testing.assert_allclose(aux["twice"], 2 * V)
    assert int(aux["n"]) == 3
    np.testing.assert_allclose(pullback(np.ones(3))[0], np.cos(V))


def test_vjp_has_aux_under_compile():
    # before: "the outputs depend on input variables that are not in the inputs list"
    f = fast(lambda a: jaxlike.vjp(_with_aux, a, has_aux=True)[2])
    for x in (V, np.arange(5.0)):
        aux = f(x)
        np.testing.assert_allclose(aux["twice"], 2 * x)
        assert int(aux["n"]) == len(x)


def test_has_aux_needs_a_pair_and_names_the_call():
    with pytest.raises(TypeError, match=r"vjp: has_aux=True requires .* pair .*got an array .*test_transforms"):
        jaxlike.vjp(lambda a: jnp.sin(a), V, has_aux=True)
    with pytest.raises(TypeError, match=r"jacrev: has_aux=True .*got tuple of length 3"):
        jaxlike.jacrev(lambda a: (a, a, a), has_aux=True)(V)


# -- 2. jacrev / jacfwd / hessian (has_aux=True) -------------------------------------------------------------
@pytest.mark.parametrize("jac", [jaxlike.jacrev, jaxlike.jacfwd])
def test_jacobian_has_aux(jac):
    # JAX's parameter order: jacrev(fun, argnums, has_aux, holomorphic)
    J, aux = jac(lambda a: (jnp.sin(a), {"s": a.sum()}), 0, True)(V)
    np.testing.assert_allclose(J, np.diag(np.cos(V)))
    np.testing.assert_allclose(aux["s"], V.sum())
    (Ja, Jb), aux = jac(lambda a, b: (a * b, a - b), argnums=(0, 1), has_aux=True)(V, 2 * V)
    np.testing.assert_allclose(Ja, np.diag(2 * V))
    np.testing.assert_allclose(Jb, np.diag(V))
    np.testing.assert_allclose(aux, -V)
    J, aux = fast(jac(lambda a: (a ** 2, a.shape[0]), has_aux=True))(V)
    np.testing.assert_allclose(J, np.diag(2 * V))
    assert int(aux) == 3


def test_hessian_has_aux():
    H, aux = jaxlike.hessian(lambda a: (jnp.sum(a ** 3), a * 2), has_aux=True)(V)
    np.testing.assert_allclose(H, np.diag(6 * V))
    np.testing.assert_allclose(aux, 2 * V)


# -- 3. sizes as outputs -------------------------------------------------------------------------------------
def test_compiled_function_returns_sizes():
    # before: "a traced function returned Sym, which is not an array"
    f = fast(lambda a: a.shape[0])
    g = fast(lambda a: (a.sum(), a.shape, {"rows": a.shape[0] * 2}))
    for n in (3, 5):
        assert f(np.ones(n)) == n and np.asarray(f(np.ones(n))).dtype == np.int64
        total, shape, d = g(np.ones((n, 2)))
        assert float(total) == 2 * n and [int(s) for s in shape] == [n, 2] and int(d["rows"]) == 2 * n
    assert len(f._cache) == 1    # the size is a value of one compiled function, not a retrace per size


def test_sizes_as_aux_and_vmap_outputs_under_compile():
    vg = fast(jaxlike.grad(lambda a: (jnp.sum(a ** 2), a.shape[0]), has_aux=True))
    g, n = vg(V)
    np.testing.assert_allclose(g, 2 * V)
    assert int(n) == 3
    per_row = fast(jaxlike.vmap(lambda row: (row.sum(), row.shape[0])))(np.ones((4, 3)))
    np.testing.assert_allclose(per_row[0], [3.0] * 4)
    np.testing.assert_array_equal(per_row[1], [3] * 4)


def test_numba_compiled_function_returns_its_size():
    f = jaxlike.compile(lambda a: (a.sum(), a.shape[0]))
    for n in (4, 7):
        total, size = f(np.ones(n))
        assert float(total) == n and int(size) == n


# -- 4. vmap: pytree in_axes, keyword arguments, axis_size, axis_name ----------------------------------------
rng = np.random.default_rng(3)
X, Y = rng.normal(size=(6, 4)), rng.normal(size=6)
P = {"w": rng.normal(size=4), "b": 0.5}


def _loss(p, a, t):
    return (jnp.tanh(a @ p["w"] + p["b"]) - t) ** 2


def _loss_grad(p, a, t):
    """d/dp of (tanh(a.w + b) - t)^2 by hand."""
    z = np.tanh(a @ p["w"] + p["b"])
    d = 2 * (z - t) * (1 - z ** 2)
    return {"w": d * a, "b": d}


def test_vmap_per_leaf_in_axes_of_a_dict():
    want = [_loss_grad(P, X[k], Y[k]) for k in range(6)]
    for f in (jaxlike.vmap(jaxlike.grad(_loss), in_axes=({"w": None, "b": None}, 0, 0)),
              fast(jaxlike.vmap(jaxlike.grad(_loss), in_axes=({"w": None, "b": None}, 0, 0))),
              jaxlike.vmap(jaxlike.grad(_loss), in_axes=(None, 0, 0))):        # None: a prefix of the dict
        g = f(P, X, Y)
        np.testing.assert_allclose(g["w"], [w["w"] for w in want], rtol=1e-12)
        np.testing.assert_allclose(g["b"], [w["b"] for w in want], rtol=1e-12)
    # per leaf: w mapped along axis 1, b not mapped
    ws = rng.normal(size=(4, 3))
    got = jaxlike.vmap(lambda p, a: a @ p["w"] + p["b"], in_axes=({"w": 1, "b": None}, None))({"w": ws, "b": 1.0},
                                                                                              X[0])
    np.testing.assert_allclose(got, X[0] @ ws + 1.0)


def test_vmap_nested_tuple_in_axes_and_kwargs():
    got = jaxlike.vmap(lambda ab: ab[0] * ab[1], in_axes=((0, None),))((X, 2.0))
    np.testing.assert_allclose(got, 2 * X)
    # keyword arguments are mapped along axis 0 (in_axes covers the positional ones), as in JAX
    b = rng.normal(size=(5, 4))
    np.testing.assert_allclose(jaxlike.vmap(lambda a, b: a @ b, in_axes=(None,))(X[0], b=b), b @ X[0])
    np.testing.assert_allclose(fast(lambda x, y: jaxlike.vmap(lambda a, b: a * b)(x, b=y))(X, X), X * X)


def test_vmap_axis_size():
    np.testing.assert_allclose(jaxlike.vmap(lambda _: 1.0, in_axes=None, axis_size=3)(0.0), [1.0, 1.0, 1.0])
    np.testing.assert_allclose(jaxlike.vmap(lambda a: a * 2, axis_size=6)(Y), 2 * Y)
    with pytest.raises(ValueError, match=r"different sizes: 5 and 6 \(axis_size=5, argument 0 has 6.*test_trans"):
        jaxlike.vmap(lambda a: a, axis_size=5)(Y)
    with pytest.raises(ValueError, match="at least one mapped argument .*axis_size="):
        jaxlike.vmap(lambda a: a, in_axes=None)(Y)
    with pytest.raises(TypeError, match="axis_size must be a non-negative int, got 2.5"):
        jaxlike.vmap(lambda a: a, axis_size=2.5)


def test_vmap_errors_name_the_argument():
    with pytest.raises(TypeError, match=r"axis_name must be hashable.*test_trans"):
        jaxlike.vmap(lambda a: a, axis_name=["batch"])
    # NOTE: a named axis with nothing mapped still has its size (tests/test_vmap_collectives.py has the rest)
    counts = jaxlike.vmap(lambda a: jaxlike.lax.psum(1.0, "b"), in_axes=None, axis_size=4, axis_name="b")(Y)
    assert counts.tolist() == [4.0] * 4
    with pytest.raises(NotImplementedError, match="spmd_axis_name"):
        jaxlike.vmap(lambda a: a, spmd_axis_name="x")
    with pytest.raises(ValueError, match=r"in_axes=0 for argument 0\['b'\] of rank 0"):
        jaxlike.vmap(_loss, in_axes=(0, 0, 0))(P, X, Y)
    with pytest.raises(ValueError, match=r"in_axes\[0\]\['w'\]: \(0, 1\) does not match .*test_trans"):
        jaxlike.vmap(_loss, in_axes=({"w": (0, 1), "b": None}, 0, 0))(P, X, Y)
    with pytest.raises(ValueError, match=r"in_axes\[0\]: \{'w': None\} does not match"):
        jaxlike.vmap(_loss, in_axes=({"w": None}, 0, 0))(P, X, Y)
    with pytest.raises(TypeError, match="in_axes must be an int, None, or .* holds 'x'"):
        jaxlike.vmap(_loss, in_axes=("x", 0, 0))
    with pytest.raises(TypeError, match=r"got a dict; for a dict argument write in_axes=\("):
        jaxlike.vmap(_loss, in_axes={"w": 0})
    with pytest.raises(ValueError, match=r"keyword argument 'b' of rank 0"):
        jaxlike.vmap(lambda a, b: a + b)(X, b=1.0)


# -- 5. tree_util and jaxlike.tree ---------------------------------------------------------------------------
TREE = {"a": [(1.0, 2.0)], "b": 3.0}


def test_is_leaf_and_prefix_trees():
    is_tuple = lambda n: isinstance(n, tuple)  # noqa: E731
    assert tree_util.tree_map(lambda n: 0, TREE, is_leaf=is_tuple) == {"a": [0], "b": 0}
    assert tree_util.tree_leaves(TREE, is_leaf=is_tuple) == [(1.0, 2.0), 3.0]
    leaves, td = tree_util.tree_flatten(TREE, is_leaf=is_tuple)
    assert td.num_leaves == 2 and tree_util.tree_unflatten(td, leaves) == TREE
    # the other trees may hold a subtree where the first has a leaf (JAX's rule)
    assert tree_util.tree_map(lambda s, t: (s, t), [1, 2], [(3, 4), {"k": 5}]) == [(1, (3, 4)), (2, {"k": 5})]
    with pytest.raises(ValueError, match=r"tree 1 has structure \* at \['a'\]\[0\] where the first tree has \("):
        tree_util.tree_map(lambda s, t: s, TREE, {"a": [1.0], "b": 2.0})


def test_tree_namespace():
    assert jaxlike.tree.map(lambda a: a * 2, TREE) == {"a": [(2.0, 4.0)], "b": 6.0}
    assert jaxlike.tree.leaves(TREE) == [1.0, 2.0, 3.0]
    leaves, td = jaxlike.tree.flatten(TREE)
    assert jaxlike.tree.structure(TREE) == td and jaxlike.tree.unflatten(td, leaves) == TREE
    assert td.unflatten(leaves) == TREE
    assert jaxlike.tree.reduce(lambda u, v: u + v, TREE) == 6.0
    assert jaxlike.tree.all({"a": [True, 1]}) and not jaxlike.tree.all([True, 0]) and jaxlike.tree.all([])


def test_registered_classes_flatten_and_rebuild():
    layer = Affine(np.ones((2, 3)), np.zeros(3), act="linear")
    leaves, td = tree_util.tree_flatten({"layer": layer, "pair": Pair(1.0, [2.0])})
    assert [np.shape(x) for x in leaves] == [(2, 3), (3,), (), ()]
    back = tree_util.tree_unflatten(td, [x for x in leaves])
    assert isinstance(back["layer"], Affine) and back["layer"].act == "linear" and back["pair"].b == [2.0]
    # the static aux is part of the structure
    assert tree_util.tree_structure(layer) != tree_util.tree_structure(Affine(layer.w, layer.b, act="tanh"))
    s = jaxlike.tree.map(lambda x: x * 2, State(1.0, 2.0, dt=0.5))
    assert (s.pos, s.vel, s.dt) == (2.0, 4.0, 0.5)


def test_registration_errors():
    class Twice:
        pass
    tree_util.register_pytree_node(Twice, lambda t: ((), None), lambda a, c: Twice())
    with pytest.raises(ValueError, match="Twice is already a pytree node type"):
        tree_util.register_pytree_node(Twice, lambda t: ((), None), lambda a, c: Twice())
    with pytest.raises(TypeError, match="has no tree_flatten method"):
        tree_util.register_pytree_node_class(type("NoMethods", (), {}))

    class Bad:
        pass
    tree_util.register_pytree_node(Bad, lambda t: ((), [1]), lambda a, c: Bad())
    with pytest.raises(TypeError, match=r"auxiliary data of a Bad pytree node must be hashable, got \[1\]"):
        tree_util.tree_flatten(Bad())

    @dataclasses.dataclass
    class Partial:
        x: object
        y: object
    with pytest.raises(ValueError, match=r"init fields \['y'\] are in neither"):
        tree_util.register_dataclass(Partial, data_fields=["x"], meta_fields=[])


def _affine_loss(layer, x):
    return jnp.sum(layer(x) ** 2)


def _affine_grad(layer, x):
    z = np.tanh(x @ layer.w + layer.b)
    d = 2 * z * (1 - z ** 2)
    return np.outer(x, d), d


def test_registered_class_as_a_parameter_of_grad_and_compile():
    layer, x = Affine(rng.normal(size=(4, 3)), rng.normal(size=3)), X[0]
    want_w, want_b = _affine_grad(layer, x)
    for g in (jaxlike.grad(_affine_loss)(layer, x), fast(jaxlike.grad(_affine_loss))(layer, x),
              jaxlike.value_and_grad(_affine_loss)(layer, x)[1]):
        assert isinstance(g, Affine) and g.act == "tanh"
        np.testing.assert_allclose(g.w, want_w, rtol=1e-12)
        np.testing.assert_allclose(g.b, want_b, rtol=1e-12)
    # a registered class in and out of a compiled function, called again (the general call path serves it)
    step = fast(lambda p, s: State(p.pos + s.dt * p.vel, p.vel * 0.5, dt=p.dt))
    for _ in range(3):
        s = step(State(np.ones(2), np.ones(2), dt=0.25), State(0.0, 0.0, dt=0.5))
        np.testing.assert_allclose(s.pos, [1.5, 1.5])
        assert isinstance(s, State) and s.dt == 0.25
    np.testing.assert_allclose(step(State(1.0, 1.0), State(0.0, 0.0)).pos, 1.1)    # dt defaults to 0.1
    make = fast(lambda a: Pair(a, a * 2))     # a registered class only in the output
    for _ in range(3):
        p = make(np.ones(2))
        assert isinstance(p, Pair)
        np.testing.assert_allclose(p.b, [2.0, 2.0])


def test_registered_class_through_vmap_jacrev_and_scan():
    layer = Affine(rng.normal(size=(4, 3)), rng.normal(size=3))
    got = jaxlike.vmap(lambda l, x: l(x), in_axes=(None, 0))(layer, X)
    np.testing.assert_allclose(got, np.tanh(X @ layer.w + layer.b), rtol=1e-12)
    J = jaxlike.jacrev(lambda p: p.a * p.b)(Pair(V, 2.0))
    np.testing.assert_allclose(J.a, np.diag(np.full(3, 2.0)))
    np.testing.assert_allclose(J.b, V)

    def step(state, _):
        new = State(state.pos + state.dt * state.vel, state.vel, dt=state.dt)
        return new, new.pos

    final, path = jaxlike.lax.scan(step, State(np.zeros(2), np.ones(2), dt=0.5), None, length=4)
    assert isinstance(final, State) and final.dt == 0.5
    np.testing.assert_allclose(final.pos, [2.0, 2.0])
    np.testing.assert_allclose(path[:, 0], [0.5, 1.0, 1.5, 2.0])
