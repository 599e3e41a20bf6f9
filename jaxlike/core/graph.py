"""THE IR: ``Var`` nodes (a node is the one output of a primitive applied to input Vars, or a graph input, or
a constant), ``Graph`` (inputs, outputs, updates), topological order, substitution and the text form.

Every primitive has exactly one output, so a node and its equation are the same object. Graphs are built by
``core.primitive.bind`` and never mutated: passes build new nodes. Imports numpy and core only.
"""

import itertools
import weakref

import numpy as np

from .types import Sym, DimExpr, TensorType, type_of_value, short_name, dims_equal
from .errors import TracerBoolError, TracerArrayConversionError, where, user_frame


class Var:
    """A typed value in a graph: ``prim(*inputs, **attrs)``; an input when ``prim`` is None and ``value`` is
    None; a constant when ``value`` is set. Operators (``+``, ``@``, ``.T``, ``.sum()``...) are installed by
    ``jaxlike.ops``."""

    __slots__ = ("type", "prim", "inputs", "attrs", "name", "value", "source", "__weakref__", "_id")
    _ids = itertools.count()
    # NOTE: numpy must defer to Var in mixed arithmetic (np.ndarray + Var -> Var.__radd__).
    __array_priority__ = 1000
    __array_ufunc__ = None

    def __init__(self, type, prim=None, inputs=(), attrs=(), name=None, value=None, source=None):
        for k, d in enumerate(type.shape):
            if isinstance(d, Sym) and d.holder is None:
                d.holder = (weakref.ref(self), k)
        self.type = type
        self.prim = prim
        self.inputs = tuple(inputs)
        self.attrs = attrs            # tuple of (key, value) pairs, sorted; hashable
        self.name = name
        self.value = value
        self.source = source
        self._id = next(Var._ids)

    # -- type facts ---------------------------------------------------------------------------------
    @property
    def dtype(self):
        return self.type.dtype

    @property
    def shape(self):
        return self.type.shape

    @property
    def ndim(self):
        return self.type.ndim

    @property
    def broadcastable(self):
        return self.type.broadcastable

    @property
    def size(self):
        n = 1
        for d in self.shape:
            n = n * d
        return n

    @property
    def is_const(self):
        return self.value is not None

    @property
    def is_input(self):
        return self.prim is None and self.value is None

    def attr_dict(self):
        return dict(self.attrs)

    def __bool__(self):
        raise TracerBoolError(
            "a traced value was used as a Python bool (an `if`, `while`, `and`/`or` or `assert` on it)"
            + where(user_frame() or self.source)
            + ". Its value is unknown while the graph is built. Use jnp.where(cond, a, b) (T.switch in the "
            "Theano API) to choose between values, or mark the argument static (static_argnums).")

    def __len__(self):
        if not self.shape:
            raise TypeError("len() of a 0-d traced value")
        return int(self.shape[0])

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __hash__(self):
        return self._id

    # -- pickling (Theano's tutorials save a model's shared variables and expressions) --------------------
    def __getstate__(self):
        state = {k: getattr(self, k) for k in _PICKLED_SLOTS}
        if getattr(self, "__dict__", None):
            state["__dict__"] = dict(self.__dict__)
        return state

    def __setstate__(self, state):
        for k in _PICKLED_SLOTS:
            object.__setattr__(self, k, state[k])
        if "__dict__" in state:
            self.__dict__.update(state["__dict__"])
        # NOTE: ids are this process's: a loaded Var must not share one with a Var made here
        self._id = next(Var._ids)
        if isinstance(self.value, np.ndarray):
            self.value.flags.writeable = False
        for k, d in enumerate(self.type.shape):
            if isinstance(d, Sym) and getattr(d, "holder", None) is None:
                d.holder = (weakref.ref(self), k)

    def __repr__(self):
        if self.name:
            return self.name
        return f"<Var {self.type!r}>"

    def _concrete_read(self, what):
        raise TracerBoolError(f"{what} of a traced value" + where(user_frame() or self.source)
                              + ": its value is unknown while the graph is built")

    def __float__(self):
        self._concrete_read("float()")

    def __int__(self):
        self._concrete_read("int()")

    def __complex__(self):
        self._concrete_read("complex()")

    def __index__(self):
        self._concrete_read("an integer index (range(), a list index or a size)")

    def item(self, *_):
        self._concrete_read("x.item() (or x.tolist())")

    tolist = item

    def __array__(self, dtype=None, copy=None):
        # NOTE: without it numpy made an object array of the Var (or iterated it), and indexing a numpy array
        # with a traced value raised numpy's generic "only integers, slices ..." IndexError
        raise TracerArrayConversionError(
            "a traced value was converted to a numpy array (np.asarray, a numpy function, or a numpy array "
            "indexed by it)" + where(user_frame() or self.source) + ". Its value is unknown while the graph is "
            "built. Use jaxlike.numpy on traced values: jnp.asarray(table)[i], jnp.sin(x), ...")


_PICKLED_SLOTS = ("type", "prim", "inputs", "attrs", "name", "value", "source")


def const(value, dtype=None):
    """A constant node. Python scalars keep a weak type so they do not widen float32 graphs. A symbolic size
    is its value in the graph (``Sym.value``)."""
    if isinstance(value, Sym) and dtype is None:
        return value.value()
    typ = type_of_value(value)
    if dtype is not None:
        arr = np.asarray(value, dtype=dtype)
        typ = TensorType(arr.dtype, arr.shape)
    else:
        arr = np.asarray(value, dtype=typ.dtype)
    if arr.flags.writeable:
        # NOTE: a captured user array stays the user's (writable), and later writes to it cannot change
        # a graph that was traced with its old values.
        arr = arr.copy()
        arr.flags.writeable = False
    return Var(typ, value=arr)


def as_var(x):
    return x if isinstance(x, Var) else const(x)


def toposort(outputs, deps=None):
    """Nodes reachable from outputs, inputs before users (iterative: deep graphs must not hit recursion).
    ``deps(v)``: the nodes to put before ``v`` (default its inputs); one already being visited is skipped."""
    order, seen = [], set()
    for out in outputs:
        if out._id in seen:
            continue
        stack = [(out, False)]
        while stack:
            v, expanded = stack.pop()
            if expanded:
                order.append(v)
                continue
            if v._id in seen:
                continue
            seen.add(v._id)
            stack.append((v, True))
            for i in reversed(v.inputs if deps is None else deps(v)):
                if i._id not in seen:
                    stack.append((i, False))
    return order


def sibling_key(v):
    """Nodes of a multi-output primitive (``extra["multi_output"]``: its results are nodes that differ only in
    the ``output`` attr) with equal keys are one equation: backends compute them together and reverse mode
    differentiates them together. Attrs that are graphs compare by identity, the rest by repr (a Sym
    compared with an int raises)."""
    attrs = tuple((k, id(a) if isinstance(a, Graph) else repr(a)) for k, a in v.attrs if k != "output")
    return (v.prim.name, tuple(i._id for i in v.inputs), attrs)


def equations(order):
    """{id of each node of a multi-output equation: the equation's nodes, in ``order``'s order}: how the
    transforms call a multi-output primitive's rules once per equation."""
    groups = {}
    for v in order:
        if v.prim is not None and v.prim.extra.get("multi_output"):
            groups.setdefault(sibling_key(v), []).append(v)
    return {v._id: members for members in groups.values() for v in members}


def free_inputs(outputs):
    return [v for v in toposort(outputs) if v.is_input]


class Graph:
    """A function as a graph: ``inputs`` (input Vars), ``outputs`` (Vars), ``updates`` (pairs of an input Var
    holding state and the Var whose value replaces it after the call)."""

    def __init__(self, inputs, outputs, updates=()):
        self.inputs = tuple(inputs)
        self.outputs = tuple(outputs)
        self.updates = tuple(updates)
        ids = {i._id for i in self.inputs}
        # NOTE: a provider outside this graph's inputs (a fused body's sizes) is bound by the enclosing graph
        self.size_roots = tuple(p for p in size_providers(self.outputs + tuple(u for _, u in self.updates))
                                if all(v._id in ids for v in free_inputs([p])))
        missing = [v for v in free_inputs(self.roots) if v._id not in {i._id for i in self.inputs}]
        if missing:
            names = ", ".join(v.name or repr(v.type) for v in missing)
            raise ValueError(
                f"the outputs depend on input variables that are not in the inputs list: {names}. "
                "Add them to inputs (or use a shared variable for state).")

    @property
    def roots(self):
        # NOTE: size providers come first so that toposort emits them before any node whose attrs need them
        return self.size_roots + self.outputs + tuple(u for _, u in self.updates)

    def nodes(self):
        return toposort(self.roots)

    def eqns(self):
        return [v for v in self.nodes() if v.prim is not None]

    def users(self):
        """{value id: the nodes that read it, in topological order}."""
        out = {}
        for v in self.nodes():
            for i in v.inputs:
                out.setdefault(i._id, []).append(v)
        return out

    def __repr__(self):
        return to_text(self)

    def text(self):
        return to_text(self)


def _fmt_attr(v):
    if isinstance(v, tuple):
        return "(" + ",".join(_fmt_attr(x) for x in v) + ("," if len(v) == 1 else "") + ")"
    if isinstance(v, np.dtype):
        return v.name
    return repr(v)


def _fmt_const(v):
    arr = v.value
    if arr.ndim == 0:
        return repr(arr.item())
    if arr.size <= 4:
        return np.array2string(arr, separator=",").replace("\n", "")
    return f"const{short_name(arr.dtype)}{list(arr.shape)}"


def namer():
    names = {}

    def name(v):
        if v.is_const:
            return _fmt_const(v)
        if v._id not in names:
            names[v._id] = _letters(len(names))
        return names[v._id]
    return name


def _letters(i):
    s = ""
    while True:
        s = chr(ord("a") + i % 26) + s
        i = i // 26 - 1
        if i < 0:
            return s


def to_text(graph, indent=""):
    """Readable text: one line per node, ``name:dtype[shape] = prim(args) attrs``. A graph held in an attr (a
    loop's step) is printed indented under the first node holding it, and the other nodes of the same loop
    name that node (``body=<as c>``); one whose class sets ``print_inline`` (a fused body) stays on its line."""
    name = namer()
    lines = [indent + "{ lambda " + ", ".join(f"{name(v)}:{v.type!r}" for v in graph.inputs) + " ."]
    shown = {}
    for v in graph.eqns():
        parts, nested = [], []
        for k, a in v.attrs:
            if not isinstance(a, Graph) or getattr(a, "print_inline", False):
                parts.append(f"{k}={_fmt_attr(a)}")
            elif id(a) in shown:
                parts.append(f"{k}=<as {shown[id(a)]}>")
            else:
                shown[id(a)] = name(v)
                parts.append(f"{k}=<below>")
                nested.append(a)
        args = ", ".join(name(i) for i in v.inputs)
        attrs = " ".join(parts)
        lines.append(f"{indent}  {name(v)}:{v.type!r} = {v.prim.name}({args}){' ' + attrs if attrs else ''}")
        lines += [to_text(a, indent + "      ") for a in nested]
    outs = ", ".join(name(v) for v in graph.outputs)
    ups = ""
    if graph.updates:
        ups = " ; updates " + ", ".join(f"{name(s)} <- {name(u)}" for s, u in graph.updates)
    lines.append(f"{indent}  in ({outs}){ups} }}")
    return "\n".join(lines)


def _attr_syms(a, out):
    if isinstance(a, Sym):
        out.append(a)
    elif isinstance(a, DimExpr):
        _attr_syms(a.terms, out)
    elif isinstance(a, tuple):
        for x in a:
            _attr_syms(x, out)
    return out


def syms_in(a):
    """The symbolic sizes in ``a`` (a size, a shape, an attr value or a tuple of them), in order, repeats kept."""
    return _attr_syms(a, [])


def distinct_syms(a):
    """``syms_in(a)`` with each symbol once, in first-use order."""
    out = []
    for s in _attr_syms(a, []):
        if all(s is not t for t in out):
            out.append(s)
    return out


def size_providers(roots):
    """Nodes that must also be computed (first) so every symbolic size named in an attr can be bound: the
    gradient of ``sum(concatenate(...) * w)`` names the concatenation's size but never computes the
    concatenation. Where a pass has rebuilt the size's origin (CSE's concatenation of merged operands), the
    rebuilt node binds it if it does not depend on the attr's node: computing the origin as well did the
    work twice (jnp.pad)."""
    extra, tried = [], set()
    while True:
        order = toposort(list(extra) + list(roots))
        bound, missing = set(), []
        for v in order:
            for k, a in v.attrs if v.prim is not None else ():
                for d in _attr_syms(a, []):
                    if d.id not in bound and d.origin is not None:
                        p = _binder(d, order, v)
                        if all(p is not m for m in missing):
                            missing.append(p)
            for d in v.type.shape:
                if isinstance(d, Sym):
                    bound.add(d.id)
        # NOTE: a provider already chosen may still come too late, behind another provider whose inputs
        # name its size (a pad of a reshaped array's outer product): it moves to the front
        extra = missing + [e for e in extra if all(e is not m for m in missing)]
        key = tuple(e._id for e in extra)
        if not missing or key in tried:  # NOTE: no order binds a size whose only provider needs the size
            return extra
        tried.add(key)


def _binder(d, order, user):
    """A node of ``order`` of the primitive that made size ``d`` (``d.origin``'s, whose shape rule derives it
    from the node's inputs) with ``d`` in its type and inputs that do not reach ``user``, else the origin."""
    for w in order:
        if w is not user and w.prim is d.origin.prim and any(s is d for s in w.type.shape) \
                and all(u is not user for u in toposort([w])):
            return w
    return d.origin


def substitute(outputs, mapping):
    """Rebuild ``outputs`` with the Vars in ``mapping`` (old -> new) replaced; shape rules re-run, and
    symbolic sizes of the old types map onto the new ones (attrs that hold sizes follow)."""
    from .primitive import bind  # circular at import time only

    memo = {k._id: v for k, v in mapping.items()}
    dimmap = {}
    for old, new in mapping.items():
        map_dims(old.type.shape, new.type.shape, dimmap)
    for v in _origins_first(toposort(size_providers(outputs) + list(outputs))):
        if v._id in memo:
            continue
        if v.prim is None:
            memo[v._id] = v
            continue
        new_inputs = [memo[i._id] for i in v.inputs]
        if all(a is b for a, b in zip(new_inputs, v.inputs)) and not dimmap:
            memo[v._id] = v
            continue
        attrs = {k: subst_dims(a, dimmap) for k, a in v.attrs}
        nv = bind(v.prim, *new_inputs, _source=v.source, **attrs)
        map_dims(v.type.shape, nv.type.shape, dimmap)
        memo[v._id] = nv
    return [memo[o._id] for o in outputs]


def _origins_first(order):
    """``order`` rearranged so that the node that made each size an attr names (its Sym's origin) comes before
    the node holding the attr: ``substitute`` maps an old size to its new one only once it has rebuilt the
    origin, and an input-free fill sorted before it kept the old size (a pad's fill of a strided slice's width,
    in a gradient). An origin that depends on the attr's node keeps its place (no cycle)."""
    index = {v._id: v for v in order}

    def deps(v):
        if v.prim is None:
            return v.inputs
        return list(v.inputs) + [index[d.origin._id] for _, a in v.attrs for d in _attr_syms(a, [])
                                 if d.origin is not None and d.origin._id in index]
    return toposort(order, deps)


def map_dims(old, new, dimmap):
    """Record in ``dimmap`` each Sym of shape ``old`` that shape ``new`` has another size in place of."""
    if len(old) != len(new):
        return
    for a, b in zip(old, new):
        if isinstance(a, Sym) and not dims_equal(a, b):
            dimmap.setdefault(a, b)


def subst_dims(a, dimmap):
    """``a`` (a size, a shape, an attr value) with the Syms of ``dimmap`` replaced."""
    if isinstance(a, Sym):
        return dimmap.get(a, a)
    if isinstance(a, tuple):
        return tuple(subst_dims(x, dimmap) for x in a)
    if isinstance(a, DimExpr):
        return type(a)(subst_dims(a.terms, dimmap))
    return a
