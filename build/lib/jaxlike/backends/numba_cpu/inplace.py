"""Theano update semantics for the generated entry: which update values a fused kernel may write straight
into their state array (types match, the kernel reads the state only at the element it writes, no later
kernel reads the state), and an order in which every kernel reading a state runs before the kernel that
overwrites it; kernels caught in a read/overwrite cycle write a temporary that is copied in at the end.
Imports core and ops only.
"""

from ...core.types import dims_equal
from ...ops.fused import fused as FUSED, fusable_kind, reduce_root


def plan(graph, outputs):
    """(phase3, copies): update values a kernel writes straight into their state, in a safe order, and
    the updates copied in at the end. ``outputs``: ids of the graph's outputs (never written in place)."""
    g = graph
    users = {}
    for v in g.nodes():
        for i in v.inputs:
            users.setdefault(i._id, []).append(v)
    use_count = {}
    for _, u in g.updates:
        use_count[u._id] = use_count.get(u._id, 0) + 1
    cand = {}
    for s, u in g.updates:
        if (u.prim is FUSED and s.ndim > 0 and u._id not in outputs and not users.get(u._id)
                and use_count[u._id] == 1 and s.dtype == u.dtype and s.ndim == u.ndim
                and all(dims_equal(a, b) for a, b in zip(s.shape, u.shape))
                and reduce_root(dict(u.attrs)["body"]) is None and _pointwise_in(u, s)):
            cand[u._id] = (s, u)
    while True:
        order, cycle = _reader_order(cand)
        if cycle is None:
            break
        del cand[cycle]      # this kernel writes a temporary, copied in at the end
    phase3 = [cand[uid] for uid in order]
    copies = [(s, u) for s, u in g.updates if u._id not in cand]
    return phase3, copies


def _reader_order(cand):
    """An order of the in-place update kernels in which a kernel reading state s runs before the kernel
    that overwrites s; (order, None), or (None, a kernel on a read/overwrite cycle)."""
    writes = {s._id: uid for uid, (s, u) in cand.items()}
    state, post = {}, []

    def visit(uid):
        state[uid] = 1
        for i in cand[uid][1].inputs:
            j = writes.get(i._id)
            if j is None or j == uid:
                continue
            if state.get(j) == 1:
                return j
            if state.get(j) is None:
                hit = visit(j)
                if hit is not None:
                    return hit
        state[uid] = 2
        post.append(uid)
        return None

    for uid in cand:
        if state.get(uid) is None:
            hit = visit(uid)
            if hit is not None:
                return None, hit
    # post lists the overwriting kernels before their readers: run it backwards
    return list(reversed(post)), None


def _pointwise_in(u, s):
    """Whether fused ``u`` reads operand ``s`` only at the element it writes (so writing into ``s`` while
    looping is safe): every use is by an elementwise node of the same shape as ``s``."""
    body = dict(u.attrs)["body"]
    params = [b for b, x in zip(body.inputs, u.inputs) if x._id == s._id]
    if not params:
        return True
    ids = {p._id for p in params}
    for v in body.eqns():
        for x in v.inputs:
            if x._id in ids:
                if fusable_kind(v) != "elementwise" or v.ndim != x.ndim or not all(
                        dims_equal(a, b) for a, b in zip(v.shape, x.shape)):
                    return False
    return True
