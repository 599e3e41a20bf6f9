"""Common-subexpression elimination: nodes with the same primitive, inputs and attrs become one; equal
small constants become one. Returns a new graph, or the input graph itself when nothing merged; the input
graph is never mutated. Imports core only."""

from ..core.graph import Graph, Var, map_dims, subst_dims
from ..core.types import TensorType


def const_key(v):
    """Equal small constants share a key (dtype, shape, bytes, weak flag); a big one is keyed by identity,
    since comparing its bytes would cost more than the duplicate."""
    arr = v.value
    if arr.size > 64:
        return ("bigconst", v._id)
    return ("const", arr.dtype.str, arr.shape, arr.tobytes(), v.type.weak)


def attr_key(attrs):
    """Attrs compared by repr: a Sym compared with an int raises (by design), and its repr is unique."""
    return tuple((k, repr(a)) for k, a in attrs)


def cse(graph):
    canon = {}      # structural key -> Var
    memo = {}       # old id -> new Var
    # NOTE: a merged node's own sizes (two ravels of one array each made a symbol) map onto the kept
    # node's, in the types and attrs of every later node: no node is left whose size nothing binds
    dimmap = {}
    changed = False
    for v in graph.nodes():
        if v.is_input:
            memo[v._id] = v
            continue
        if v.is_const:
            key = const_key(v)
            if key in canon and canon[key] is not v:
                changed = True
            memo[v._id] = canon.setdefault(key, v)
            continue
        inputs = tuple(memo[i._id] for i in v.inputs)
        attrs = tuple((k, subst_dims(a, dimmap)) for k, a in v.attrs) if dimmap else v.attrs
        key = (v.prim.name, tuple(i._id for i in inputs), attr_key(attrs))
        if key in canon:
            map_dims(v.type.shape, canon[key].type.shape, dimmap)
            memo[v._id] = canon[key]
            changed = True
            continue
        shape = subst_dims(v.type.shape, dimmap) if dimmap else v.type.shape
        if any(a is not b for a, b in zip(inputs, v.inputs)) or attrs != v.attrs or shape != v.type.shape:
            t = v.type if shape == v.type.shape else TensorType(v.dtype, shape, v.type.weak)
            nv = Var(t, v.prim, inputs, attrs, name=v.name, source=v.source)
        else:
            nv = v
        canon[key] = nv
        memo[v._id] = nv
    if not changed:
        return graph
    return Graph(graph.inputs, [memo[o._id] for o in graph.outputs],
                 [(s, memo[u._id]) for s, u in graph.updates])
