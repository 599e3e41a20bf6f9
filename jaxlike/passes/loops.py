"""One loop where reverse mode made two: the derivative of a scan reads per-step values of the forward step
that the forward loop saves as extra per-step results (``control/scan.py``), so the graph holds the loop as
the program wrote it and the same loop over the same operands whose body has those extra results. This pass
makes every result of the first a result of the second, which computes the same values, so the loop runs once.
Returns the graph itself when no loop extends another. Imports core and control."""

from ..core.graph import Graph, substitute
from ..core.primitive import bind
from ..control.scan import scan


def _extends(big, small):
    """Whether loop body ``big`` is ``small`` with more per-step results: the same input and output Vars."""
    return (big is not small and big.num_consts == small.num_consts and big.num_carry == small.num_carry
            and len(big.inputs) == len(small.inputs) and len(big.outputs) > len(small.outputs)
            and all(a is b for a, b in zip(big.inputs, small.inputs))
            and all(a is b for a, b in zip(big.outputs, small.outputs)))


def merge_extended_loops(graph):
    loops = [v for v in graph.nodes() if v.prim is scan]
    groups = {}
    for v in loops:
        attrs = dict(v.attrs)
        key = (tuple(i._id for i in v.inputs), repr(attrs["length"]), attrs["reverse"], repr(attrs["sizes"]))
        groups.setdefault(key, {}).setdefault(id(attrs["body"]), attrs)
    into = {}     # id of a body -> the attrs of the loop with the largest body extending it
    for bodies in groups.values():
        for attrs in bodies.values():
            best = None
            for other in bodies.values():
                if _extends(other["body"], attrs["body"]) and (best is None or _extends(other["body"], best["body"])):
                    best = other
            if best is not None:
                into[id(attrs["body"])] = best
    if not into:
        return graph
    mapping = {}
    for v in loops:
        attrs = dict(v.attrs)
        big = into.get(id(attrs["body"]))
        if big is None:
            continue
        small, k = attrs["body"], attrs["output"]
        if k >= small.num_carry + small.num_ys:
            k += big["body"].num_ys - small.num_ys     # NOTE: the residual results come after the per-step ones
        mapping[v] = bind(scan, *v.inputs, _source=v.source, **{**big, "output": k})
    roots = list(graph.outputs) + [u for _, u in graph.updates]
    new = substitute(roots, mapping)
    n = len(graph.outputs)
    return Graph(graph.inputs, new[:n], [(s, u) for (s, _), u in zip(graph.updates, new[n:])])
