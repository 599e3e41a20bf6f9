"""Theano's view of a compiled function's graph, as ``f.maker.fgraph.toposort()`` returns it: ``Apply``
nodes, each with its ``op``, ``inputs`` and ``outputs``, so programs that inspect a function's ops run (the
"Using the GPU" tutorial's test, ``isinstance(node.op, T.Elemwise)``). An ``Op`` wraps the node's primitive;
elementwise primitives are ``Elemwise`` and reductions ``CAReduce``, Theano's classes for them. A front-end
module: imports core only."""

from ..core.primitive import Kind


class Op:
    """The operation of an ``Apply`` node: ``prim`` (jaxlike's primitive) with the node's ``attrs``."""

    def __init__(self, prim, attrs=()):
        self.prim, self.attrs = prim, tuple(attrs)

    def __str__(self):
        params = ",".join(f"{k}={v}" for k, v in self.attrs)
        return f"{type(self).__name__}{{{self.prim.name}{',' + params if params else ''}}}"

    __repr__ = __str__

    def __eq__(self, other):
        return type(other) is type(self) and other.prim is self.prim and other.attrs == self.attrs

    def __hash__(self):
        return hash((type(self).__name__, self.prim.name, self.attrs))


class Elemwise(Op):
    """An elementwise operation (with broadcasting)."""


class CAReduce(Op):
    """A reduction over some axes."""


class GpuOp(Op):
    """An operation of a function compiled for device='cuda' (Theano's GPU ops are named Gpu...)."""


class GpuElemwise(GpuOp, Elemwise):
    pass


class GpuCAReduce(GpuOp, CAReduce):
    pass


_OP_CLASSES = {Kind.ELEMENTWISE: (Elemwise, GpuElemwise), Kind.REDUCE: (CAReduce, GpuCAReduce)}


class Apply:
    """One node of the graph: ``outputs = op(*inputs)``."""

    __slots__ = ("op", "inputs", "outputs")

    def __init__(self, var, gpu=False):
        self.op = _OP_CLASSES.get(var.prim.kind, (Op, GpuOp))[gpu](var.prim, var.attrs)
        self.inputs, self.outputs = list(var.inputs), [var]

    def __repr__(self):
        return f"{self.op}({', '.join(map(repr, self.inputs))})"


def apply_nodes(variables, gpu=False):
    """The ``Apply`` node of each computed variable in ``variables`` (inputs and constants have none); ``gpu``:
    the function runs on the GPU backend."""
    return [Apply(v, gpu) for v in variables if v.prim is not None]
