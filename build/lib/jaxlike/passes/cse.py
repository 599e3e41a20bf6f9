"""Common-subexpression elimination: nodes with the same primitive, inputs and attrs become one; equal
small constants become one. Returns a new graph, or the input graph itself when nothing merged; the input
graph is never mutated. Imports core only."""

from ..core.graph import Graph, Var


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
        key = (v.prim.name, tuple(i._id for i in inputs), attr_key(v.attrs))
        if key in canon:
            memo[v._id] = canon[key]
            changed = True
            continue
        if any(a is not b for a, b in zip(inputs, v.inputs)):
            nv = Var(v.type, v.prim, inputs, v.attrs, name=v.name, source=v.source)
        else:
            nv = v
        canon[key] = nv
        memo[v._id] = nv
    if not changed:
        return graph
    return Graph(graph.inputs, [memo[o._id] for o in graph.outputs],
                 [(s, memo[u._id]) for s, u in graph.updates])
