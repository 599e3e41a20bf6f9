"""The ``fused`` primitive: one node standing for a group of elementwise ops, cheap index remaps and at most
one reduction, which a backend runs as ONE loop nest. ``passes/fuse.py`` builds these nodes after
differentiation; backends turn each into a kernel. Imports core only (its registry samples build bodies
from sibling ops, lazily).

Fused node format (the contract the fuse pass, the reference interpreter and every backend share)
------------------------------------------------------------------------------------------------
A fused node is an ordinary ``Var``::

    v = Var(type, prim=REGISTRY["fused"], inputs=(x0, ..., xk), attrs=(("body", body), ("sizes", syms)))

* ``inputs`` are the group's external operands, in the order of ``body.inputs``: graph inputs, constants
  that are not rank 0, and materialized values (outputs of other nodes). Each appears once.
* ``body`` is a ``Body`` (a ``core.graph.Graph`` subclass) with ``body.inputs[i]`` a fresh input Var of
  exactly ``inputs[i].type`` (the same ``Sym`` objects: sizes are shared with the enclosing graph) and exactly
  one output, the *root*, whose type is ``v.type``.
* The nodes between ``body.inputs`` and the root are:
    - ELEMENTWISE primitives with a ``scalar`` template (numpy broadcasting: an operand dim that is the known
      size 1 broadcasts; missing leading dims broadcast);
    - index remaps (``remap_kind``): ``broadcast_to``; ``transpose``; ``reshape`` that only inserts or
      removes dims of known size 1 (the non-1 dims of operand and result are the same sequence);
    - rank-0 constants (``v.is_const``; their value is ``v.value``), used directly;
    - at most ONE REDUCE primitive (``reduce_sum/max/min/prod`` or any REDUCE with ``scalar`` =
      ``{"init": ..., "combine": ...}`` and an ``axes`` attr), and when present it is the root.
* The *iteration space* is the root's shape, or, for a reduce root, its operand's shape. Every body node
  either has the same multiset of non-1 dims as the iteration space (it is computed once per iteration
  point), or is rank-0/all-1 (a scalar, loop-invariant), or is an index remap chain over a body input (a
  load at remapped indices). So a backend evaluates the body per iteration point, node by node, at index
  expressions: broadcasting, transposes and 1-dim reshapes are index arithmetic, never materialized. A node
  may be needed at several index tuples (``x + x.T``): evaluate it at each.
* ``sizes`` is a tuple of the ``Sym`` s that appear in the body (in attrs such as ``broadcast_to``'s
  ``shape``, or in node types) but in no body input's type, in the order of ``body.syms``. Interpreters
  resolve it like any size attr; ``body.syms`` says which ``Sym`` each resolved int binds.
* Results are cast to each node's dtype after every node, as the reference interpreter does.

The reference rule (``numpy``) interprets the body with the core interpreter, so a fused graph stays
checkable against the unfused one. A fused node has no derivative rules: fusion runs after differentiation.
"""

import numpy as np

from ..core.graph import Graph, to_text, distinct_syms
from ..core.types import Sym, is_known, dims_equal
from ..core.interpret import SizeEnv, eval_node
from ..core.primitive import Primitive, Kind, register


class Body(Graph):
    """A fused node's body: a one-output Graph over fresh inputs, plus ``syms`` (the sizes it cannot read off
    its inputs' types). Printed on one line so the enclosing graph's text stays one line per node."""

    print_inline = True

    def __init__(self, inputs, root, syms=()):
        super().__init__(inputs, [root])
        self.syms = tuple(syms)

    @property
    def root(self):
        return self.outputs[0]

    def __repr__(self):
        return " ".join(line.strip() for line in to_text(self).splitlines())


# -- what may live in a body ------------------------------------------------------------------------------
def _non1(shape):
    return [d for d in shape if not (is_known(d) and d == 1)]


def remap_kind(v):
    """'broadcast', 'transpose' or 'reshape' when ``v`` is a LAYOUT node a loop can do as index arithmetic;
    else None. A reshape qualifies only when it inserts or removes dims of known size 1."""
    if v.prim is None or v.prim.kind is not Kind.LAYOUT:
        return None
    name = v.prim.name
    if name == "broadcast_to":
        return "broadcast"
    if name == "transpose":
        return "transpose"
    if name == "reshape":
        a, b = _non1(v.inputs[0].shape), _non1(v.shape)
        if len(a) == len(b) and all(dims_equal(x, y) for x, y in zip(a, b)):
            return "reshape"
    return None


def is_loop_reduce(v):
    """A REDUCE node a loop nest can accumulate: it has an ``axes`` attr and a scalar init/combine pair."""
    s = v.prim.scalar if v.prim is not None else None
    return (v.prim is not None and v.prim.kind is Kind.REDUCE and isinstance(s, dict)
            and "init" in s and "combine" in s and "axes" in dict(v.attrs))


def fusable_kind(v):
    """'elementwise', 'remap' or 'reduce' for a node that may go into a fused body; None otherwise."""
    if v.prim is None:
        return None
    if v.prim.kind is Kind.ELEMENTWISE:
        return "elementwise" if v.prim.scalar is not None else None
    if v.prim.kind is Kind.REDUCE:
        return "reduce" if is_loop_reduce(v) else None
    return "remap" if remap_kind(v) else None


def iteration_shape(body):
    """The shape a backend loops over for this body (the reduce operand's shape for a reduce root)."""
    root = body.root
    if root.prim is not None and root.prim.kind is Kind.REDUCE:
        return root.inputs[0].shape
    return root.shape


def reduce_root(body):
    """The body's REDUCE node (its root) or None."""
    root = body.root
    return root if root.prim is not None and root.prim.kind is Kind.REDUCE else None


# -- the primitive ----------------------------------------------------------------------------------------
def _fused_shape(*types, body, sizes):
    if len(types) != len(body.inputs):
        raise TypeError(f"fused: body takes {len(body.inputs)} operands, got {len(types)}")
    return body.root.type


def _fused_numpy(*xs, body, sizes):
    env = SizeEnv(zip(body.syms, sizes))
    vals = {}
    for k, (v, a) in enumerate(zip(body.inputs, xs)):
        a = np.asarray(a)
        env.bind_value(v, a, f"fused operand {k}")
        vals[v._id] = a
    for v in body.nodes():
        if v._id in vals:
            continue
        if v.is_const:
            vals[v._id] = v.value
            continue
        out = eval_node(v, [vals[i._id] for i in v.inputs], env)
        env.bind_value(v, out, v.prim.name)
        vals[v._id] = out
    return vals[body.root._id]


def _no_derivative(*args, **attrs):
    raise TypeError("fused nodes have no derivative rules: the fuse pass runs after differentiation, so "
                    "differentiate the unfused function (call jaxlike.grad/vjp/jvp before compiling or "
                    "optimizing), not an optimized graph")


def _samples(rng):
    """Registry-test cases: a broadcasting map, a map over an empty dim, a transposed load, a reduction."""
    from ..core.graph import Var
    from ..core.types import TensorType
    from . import math as m, layout, reduce
    from ._rules import Sample

    def case(shapes, root_of):
        inputs = [Var(TensorType("float64", s)) for s in shapes]
        body = Body(inputs, root_of(*inputs))
        body.syms = body_syms(body)
        return Sample(*[rng.uniform(-2, 2, s) for s in shapes], body=body, sizes=body.syms)

    return [case([(2, 3), (1, 3)], lambda a, b: m.exp(a) * b + 1.0),
            case([(0, 3), (3,)], lambda a, b: m.sin(a) - b),
            case([(3, 2), (2, 3)], lambda a, b: layout.transpose(a, perm=(1, 0)) * b),
            case([(2, 4)], lambda a: reduce.reduce_sum(a * a, axes=(1,)))]


fused = register(Primitive(
    "fused", Kind.OPAQUE, shape=_fused_shape, numpy=_fused_numpy, vjp=_no_derivative, jvp=_no_derivative,
    samples=_samples, doc="a fused loop group; attrs body (a Body graph) and sizes (see ops/fused.py)"))


def body_syms(body):
    """Sym s used in the body's attrs or types that no body input's type carries, in first-use order."""
    have = {id(d) for v in body.inputs for d in v.shape if isinstance(d, Sym)}
    used = distinct_syms(tuple((v.shape,) + tuple(a for _, a in v.attrs) for v in body.nodes()))
    return tuple(s for s in used if id(s) not in have)


def make_fused(ext_inputs, body_inputs, root, source=None):
    """The fused node computing ``root`` (built over ``body_inputs``) from the outer values ``ext_inputs``."""
    from ..core.graph import Var
    body = Body(body_inputs, root)
    body.syms = body_syms(body)
    return Var(root.type, fused, ext_inputs, (("body", body), ("sizes", body.syms)), source=source)


def singleton(v):
    """``v`` (a fusable node) as a fused node of its own: what a backend runs when it gets an unfused graph."""
    from ..core.graph import Var
    ext, body_inputs, new_inputs = [], [], []
    seen = {}
    for i in v.inputs:
        if i.is_const and i.ndim == 0:
            new_inputs.append(i)
            continue
        if i._id not in seen:
            seen[i._id] = Var(i.type)
            ext.append(i)
            body_inputs.append(seen[i._id])
        new_inputs.append(seen[i._id])
    root = Var(v.type, v.prim, new_inputs, v.attrs, source=v.source)
    return make_fused(ext, body_inputs, root, source=v.source)


__all__ = ["fused", "Body", "make_fused", "singleton", "remap_kind", "fusable_kind", "is_loop_reduce",
           "iteration_shape", "reduce_root", "body_syms"]
