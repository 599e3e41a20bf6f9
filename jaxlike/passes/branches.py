"""Passes across the boundary of a ``cond``'s branches: ``share_with_branches`` lets a branch read what the
graph computes outside it anyway, and ``sink_into_branches`` moves into a branch what only it needs.

Why: Theano's ``ifelse`` takes its branches as expressions already in the graph, and is lazy: the branch not
taken is not computed (its cost is not paid, and its failures do not fail the call). ``tensor/ifelse.py``
makes each branch a cond branch holding all of its expression, down to the graph's inputs, so that gradients
are conds of per-branch derivatives as ``lax.cond``'s are; sharing then reads from outside what the condition
or the rest of the graph computes too (a CSE across the boundary: the same primitive, attrs and operands),
instead of computing it a second time. Sinking serves ``lax.cond``: a value the program computed outside
for one branch alone moves into it.

Who needs what (``_moves``): walking from the outputs back, each node gets the set of places that read it:
``OUTER`` (the graph itself) or (equation, branch). A cond's operand read by one branch is needed by that
branch; one read by several branches, or its index, whenever the cond runs. A node needed by one branch alone
moves into it, unless it makes a size of its own (a branch result whose size the branch computes is outside
what a cond may return) or it is one result of a multi-output equation whose other results stay. One cond
at a time, upstream first, until nothing moves: a cond that itself only one branch of another needs then
moves into it with its remaining operands. Imports core and control.
"""

from ..core.graph import Graph, Var, sibling_key, equations
from ..core.types import Sym
from ..control.cond import cond, with_operands
from .cse import const_key, attr_key

OUTER = "outer"


def sink_into_branches(graph):
    """``graph`` with each cond branch's private values moved inside it (the module docstring); the graph
    itself when nothing moves."""
    while True:
        moved = _sink_one(graph)
        if moved is None:
            return graph
        graph = moved


def share_with_branches(graph):
    """``graph`` with each cond branch reading, as an operand, every value it computes that the graph outside
    computes too (the module docstring); the graph itself when there is none."""
    while True:
        order = graph.nodes()
        if not any(v.prim is cond for v in order):
            return graph
        canon = {}
        for v in order:
            if v.prim is not None and not v.is_const:
                canon.setdefault(_key(v, [x._id for x in v.inputs]), v)
        consts = {const_key(v): v for v in order if v.is_const}
        groups = equations(order)
        done = set()
        for v in order:
            if v.prim is not cond or v._id in done:
                continue
            done |= {m._id for m in groups[v._id]}
            shared = _shared(v, canon, consts)
            if shared is not None:
                graph = _replaced(graph, order, _by_output(groups[v._id], shared))
                break
        else:
            return graph


def prune_branch_results(graph):
    """``graph`` with each cond computing only the results something reads: reverse mode asks a cond's
    derivative for every float operand's cotangent, and those of values no one differentiates (the inputs of
    a Theano function's cost other than ``wrt``) would each cost their branch a product."""
    order = graph.nodes()
    groups = equations(order)
    done, memo = set(), {}
    for v in order:
        if v.prim is not cond or v._id in done:
            continue
        members = groups[v._id]
        done |= {m._id for m in members}
        used = sorted({dict(m.attrs)["output"] for m in members})
        if len(used) < len(dict(v.attrs)["branch0"].outputs):
            new = with_operands(v, list(v.inputs[1:]), _slots(v), used)
            memo.update({m._id: new[used.index(dict(m.attrs)["output"])] for m in members})
    if not memo:
        return graph
    return _replaced(graph, order, memo)


def _key(v, input_ids):
    return (v.prim.name, tuple(input_ids), attr_key(v.attrs))


def _shared(node, canon, consts):
    """The results of ``node``'s equation rebuilt so that its branches read the outer values equal to values
    they compute (``canon``: structural key -> outer node), or None when no branch computes one."""
    attrs = dict(node.attrs)
    operands = list(node.inputs[1:])
    replace, found = [], False
    for k in range(attrs["num_branches"]):
        body = attrs[f"branch{k}"]
        outer = dict(zip((x._id for x in body.inputs), operands))
        mapping = dict(zip(body.inputs, operands))
        for w in body.nodes():
            if w._id in outer:
                continue
            if w.is_const:
                if const_key(w) in consts:
                    outer[w._id] = consts[const_key(w)]
                continue
            ins = [outer.get(x._id) for x in w.inputs]
            hit = canon.get(_key(w, [x._id for x in ins])) if all(x is not None for x in ins) else None
            if hit is not None:
                outer[w._id] = mapping[w] = hit
        # NOTE: only the outermost values shared: those the branch's own nodes or results read
        hoisted = {w._id for w in mapping}
        kept = {x._id for w in body.nodes() if w._id not in hoisted for x in w.inputs} | \
            {o._id for o in body.outputs} | {x._id for x in body.inputs}
        mapping = {w: x for w, x in mapping.items() if w._id in kept}
        found = found or len(mapping) > len(body.inputs)
        replace.append(mapping)
    if not found:
        return None
    have = {o._id for o in operands}
    new_operands = operands + list({x._id: x for m in replace for x in m.values() if x._id not in have}.values())
    return with_operands(node, new_operands, replace)


def _reads(v):
    """For each operand slot of cond node ``v``, the branches that read it."""
    attrs = dict(v.attrs)
    out = [set() for _ in v.inputs[1:]]
    for k in range(attrs["num_branches"]):
        body = attrs[f"branch{k}"]
        used = {w._id for w in body.nodes()}
        for j, x in enumerate(body.inputs):
            if x._id in used:
                out[j].add(k)
    return out


def _makes_size(v):
    return any(isinstance(d, Sym) and d.origin is not None and d.origin._id == v._id for d in v.shape)


def _moves(graph, order, pinned):
    """{node id: its branch token (equation key, branch)} for the nodes that move (the module docstring)."""
    users = graph.users()
    roots = {r._id for r in graph.roots}
    groups = equations(order)
    reads = {}
    demand, moves = {}, {}
    for v in reversed(order):
        need = {OUTER} if v._id in roots else set()
        for u in users.get(v._id, ()):
            if u.prim is cond:
                key = sibling_key(u)
                if key not in reads:
                    reads[key] = _reads(u)
                when_runs = set().union(*(demand[w._id] for w in groups[u._id] if w._id in demand))
                for p, x in enumerate(u.inputs):
                    if x is not v:
                        continue
                    branches = reads[key][p - 1] if p else ()
                    need |= {(key, next(iter(branches)))} if len(branches) == 1 else when_runs
            else:
                need |= {moves[u._id]} if u._id in moves else {OUTER}
        demand[v._id] = need
        if len(need) == 1 and OUTER not in need and v.prim is not None and not v.is_const \
                and v._id not in pinned and not _makes_size(v):
            moves[v._id] = next(iter(need))
    return moves


def _sink_one(graph):
    order = graph.nodes()
    if not any(v.prim is cond for v in order):
        return None
    groups = equations(order)
    pinned = set()
    while True:
        moves = _moves(graph, order, pinned)
        # NOTE: a multi-output equation moves whole or not at all (its results are computed together)
        split = {w._id for v in order if v._id in groups for w in groups[v._id]
                 if len({moves.get(m._id) for m in groups[v._id]}) > 1}
        if not split - pinned:
            break
        pinned |= split
    for v in order:
        if v.prim is not cond:
            continue
        key = sibling_key(v)
        private = {i for i, token in moves.items() if token[0] == key}
        if private:
            return _rebuild(graph, order, groups[v._id], private)
    return None


def _rebuild(graph, order, members, private):
    """``graph`` with the cond equation ``members`` taking in the nodes ``private`` (ids), its operands
    becoming what they read from outside."""
    head = members[0]
    operands, seen = [], set()

    def keep(x):
        if x._id not in seen:
            seen.add(x._id)
            operands.append(x)
    for x in head.inputs[1:]:
        if x._id not in private:
            keep(x)
    for v in order:
        if v._id in private:
            for x in v.inputs:
                if x._id not in private and not x.is_const:
                    keep(x)
    return _replaced(graph, order, _by_output(members, with_operands(head, operands, _slots(head))), private)


def _slots(node):
    """Per branch, its inputs mapped to the cond's operands (a ``with_operands`` replacement that keeps them)."""
    attrs = dict(node.attrs)
    return [dict(zip(attrs[f"branch{k}"].inputs, node.inputs[1:])) for k in range(attrs["num_branches"])]


def _by_output(members, new):
    """{id of each node of equation ``members``: its counterpart among ``new`` (by output number)}."""
    return {m._id: new[dict(m.attrs)["output"]] for m in members}


def _replaced(graph, order, replaced, dropped=()):
    """``graph`` with the nodes ``replaced`` maps (ids to new nodes) replaced; the ids in ``dropped`` (moved
    into a branch) are no longer read."""
    memo = {}
    for v in order:
        if v._id in replaced:
            memo[v._id] = replaced[v._id]
        elif v.prim is None or v._id in dropped:
            memo[v._id] = v
        else:
            inputs = [memo[i._id] for i in v.inputs]
            same = all(a is b for a, b in zip(inputs, v.inputs))
            memo[v._id] = v if same else Var(v.type, v.prim, inputs, v.attrs, name=v.name, source=v.source)
    return Graph(graph.inputs, [memo[o._id] for o in graph.outputs],
                 [(s, memo[u._id]) for s, u in graph.updates])
