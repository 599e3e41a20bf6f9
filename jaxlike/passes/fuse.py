"""Loop fusion: maximal groups of elementwise ops, index remaps (broadcast_to, transpose, 1-dim reshapes) and
a reduction that consumes them become ONE ``fused`` node each (format: ``ops/fused.py``). A pure
Graph -> Graph pass; it runs last, after differentiation, and treats forward and backward code alike.
Imports core and ops only.

How groups form:
* A node is *materialized* (written to memory, the root of its own group) when it is a graph output or update
  value, a reduction, not fusable (OPAQUE ops such as contract/take/scatter_add/size_of/argmax, and LAYOUT
  ops that are not index remaps), used by a node that is not fusable, or used by a node whose iteration
  space has other non-1 dims than its own (``exp(b)`` of shape (n,) feeding a (m, n) product would be
  recomputed m times; it is computed once instead). Rank-0 nodes and remap chains over materialized values
  never need that: they are loop-invariant or plain loads.
* Every other fusable node is inlined into each group that uses it: the gradient of
  ``sum(exp(sin(x**2)) * cos(x))`` recomputes ``exp(sin(x**2))`` from x instead of storing and re-reading
  it, so each of the two kernels reads x once and writes its result once. A fused node has one output, so
  a value two groups need is either recomputed or materialized; recomputation is bounded: a node inlined
  into more than ``max_dup`` groups is materialized instead.
"""

from ..core.graph import Graph, Var
from ..core.types import Sym, is_known, dims_equal
from ..ops.fused import fusable_kind, make_fused, remap_kind
from ..ops.layout import broadcast_to


def _sig(shape, same=lambda s: s):
    """The multiset of non-1 dims: two nodes with equal signatures have the same number of elements.
    ``same`` maps a size symbol to the representative of the symbols known to be equal to it."""
    keys = []
    for d in shape:
        if is_known(d):
            if d != 1:
                keys.append(("k", int(d)))
        elif isinstance(d, Sym):
            keys.append(("s", id(same(d))))
        else:
            keys.append(("x", repr(d)))
    return tuple(sorted(keys))


def _equal_sizes(nodes, kind):
    """A find function over size symbols that elementwise ops equate: ``mul(y, log_softmax(x))`` has y's
    rows and x's rows as two symbols (each came from its own input), but broadcasting assumed them equal
    and the entry checks that they are, so both sides can share one loop."""
    parent = {}

    def find(s):
        root = s
        while id(root) in parent:
            root = parent[id(root)]
        return root

    for v in nodes:
        if kind.get(v._id) != "elementwise":
            continue
        for x in v.inputs:
            off = v.ndim - x.ndim
            for k, d in enumerate(x.shape):
                e = v.shape[off + k]
                if isinstance(d, Sym) and isinstance(e, Sym):
                    a, b = find(d), find(e)
                    if a is not b:
                        parent[id(a)] = b
    return find


def _renames(nodes, same):
    """ids of the reshapes that only rename sizes: same rank, and each dim the input's or a symbol that
    ``same`` equates with it. Gradients make them (the cotangent of ``mul(y, z)`` comes back typed with y's
    size symbols and is reshaped to z's), and as opaque reshapes they cut the loop in two and write the
    value between them out: W5's backward materialized ``Y * c`` (a batch-by-classes array) for one."""
    out = set()
    for v in nodes:
        if v.prim is None or v.prim.name != "reshape" or v.ndim != v.inputs[0].ndim:
            continue
        pairs = list(zip(v.inputs[0].shape, v.shape))
        if all(dims_equal(d, e) or (isinstance(d, Sym) and isinstance(e, Sym) and same(d) is same(e))
               for d, e in pairs) and not all(dims_equal(d, e) for d, e in pairs):
            out.add(v._id)
    return out


def fuse(graph, max_dup=3):
    """Return a graph in which every fusable group is one ``fused`` node (see the module docstring)."""
    nodes = graph.nodes()
    kind = {v._id: fusable_kind(v) for v in nodes if v.prim is not None}
    if not any(kind.values()):
        return graph
    users = {v._id: [] for v in nodes}
    for v in nodes:
        for i in v.inputs:
            users[i._id].append(v)
    roots = {o._id for o in graph.outputs} | {u._id for _, u in graph.updates}
    same = _equal_sizes(nodes, kind)
    renames = _renames(nodes, same)
    for vid in renames:
        kind[vid] = "remap"
    sig = {v._id: _sig(v.shape, same) for v in nodes}

    mat = set()
    for v in nodes:
        if v.prim is None:
            continue
        k = kind[v._id]
        if k is None or k == "reduce" or v._id in roots or any(
                kind.get(u._id) is None for u in users[v._id]):
            mat.add(v._id)

    def leaf(v):
        return v.prim is None or v._id in mat

    def remap_of_leaf(v, memo):
        if v._id not in memo:
            memo[v._id] = kind.get(v._id) == "remap" and (leaf(v.inputs[0]) or remap_of_leaf(v.inputs[0], memo))
        return memo[v._id]

    # Iteration spaces must match inside a group; materializing a node can turn its users into remaps of a
    # leaf (which fit anywhere), so iterate to a fixpoint.
    changed = True
    while changed:
        changed = False
        memo = {}
        for v in reversed(nodes):
            if leaf(v) or remap_of_leaf(v, memo) or sig[v._id] == ():
                continue
            if any(kind[u._id] != "reduce" and sig[u._id] != sig[v._id] for u in users[v._id]):
                mat.add(v._id)
                changed = True

    while True:
        memo = {}
        groups = {}
        count = {}
        for r in nodes:
            if r.prim is None or r._id not in mat or kind[r._id] is None:
                continue
            members, stack = {r._id: r}, [r]
            while stack:
                m = stack.pop()
                for i in m.inputs:
                    if not leaf(i) and i._id not in members:
                        members[i._id] = i
                        stack.append(i)
            if len(members) == 1 and remap_kind(r) == "reshape" and r._id not in roots:
                continue    # NOTE: a lone reshape is lowered as one: a view where its operand may be viewed
            groups[r._id] = members
            for mid, m in members.items():
                if mid != r._id and not remap_of_leaf(m, memo):
                    count[mid] = count.get(mid, 0) + 1
        worst = [vid for vid, c in count.items() if c > max_dup]
        if not worst:
            break
        mat.add(max(worst, key=lambda vid: count[vid]))

    order = {v._id: k for k, v in enumerate(nodes)}
    memo = {}
    for v in nodes:
        if v.prim is None:
            memo[v._id] = v
        elif v._id in groups:
            memo[v._id] = _build(v, groups[v._id], memo, order, renames)
        elif v._id in mat:
            new = [memo[i._id] for i in v.inputs]
            memo[v._id] = v if all(a is b for a, b in zip(new, v.inputs)) else Var(
                v.type, v.prim, new, v.attrs, name=v.name, source=v.source)
    return Graph(graph.inputs, [memo[o._id] for o in graph.outputs],
                 [(s, memo[u._id]) for s, u in graph.updates])


def _build(root, members, memo, order, renames=()):
    """The fused node for ``root``'s group: members rebuilt over fresh body inputs, one per outer operand. A
    renaming reshape becomes ``broadcast_to`` the new sizes: an identity index map for loops, whose operand
    check raises if the sizes the graph assumed equal are not."""
    ext, body_in, body = [], {}, {}
    for m in sorted(members.values(), key=lambda v: order[v._id]):
        new = []
        for i in m.inputs:
            if i._id in members:
                new.append(body[i._id])
            elif i.is_const and i.ndim == 0:
                new.append(i)   # scalars stay in the body as literals
            else:
                if i._id not in body_in:
                    body_in[i._id] = Var(i.type)
                    ext.append(memo[i._id])
                new.append(body_in[i._id])
        if m._id in renames:
            body[m._id] = broadcast_to(new[0], shape=m.shape)
        else:
            body[m._id] = Var(m.type, m.prim, new, m.attrs, source=m.source)
    return make_fused(ext, list(body_in.values()), body[root._id], source=root.source)


__all__ = ["fuse"]
