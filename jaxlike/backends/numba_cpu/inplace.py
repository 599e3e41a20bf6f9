"""Theano update semantics for the generated entry: which update values a fused kernel may write straight
into their state array (types match, the kernel reads the state only at the element it writes, no later
kernel reads the state), and an order in which every kernel reading a state runs before the kernel that
overwrites it; kernels caught in a read/overwrite cycle write a temporary that is copied in at the end;
which of those updates add a matrix product into their state (``gemm_updates``); and which values may be
the memory of what leaves the entry (``may_leave``). Imports core and ops only.
"""

from ...core.types import dims_equal, is_known
from ...ops.fused import fused as FUSED, fusable_kind, reduce_root


# NOTE: lowerings whose result is always memory of their own; the others (slice, reshape, objmode fallbacks,
# loops) may hand back a view of an operand
_OWN_MEMORY = frozenset({"contract", "concatenate", "take", "scatter_add", "argmax", "argmin", "slice_grad",
                         "size_of"})


def may_leave(graph, leaving):
    """Ids of the nodes whose arrays may be, or be viewed by, what leaves the entry: ``leaving`` (ids of the
    outputs and update values) and, through every node that may return a view of its operands, what they
    read. Those are never carved from the stack (``scratch.py``)."""
    found = set(leaving)
    # NOTE: a fusable node outside a fused one is a reshape ``codegen.prepare`` left to lower as a view (a
    # flipped slice of such a reshape of a carved array came back as freed stack memory)
    for v in reversed(list(graph.eqns())):
        if v._id in found and not (v.prim is FUSED or v.prim.name in _OWN_MEMORY):
            found.update(i._id for i in v.inputs)
    return found


def plan(graph, outputs, users):
    """(phase3, copies): update values a kernel writes straight into their state, in a safe order, and
    the updates copied in at the end. ``outputs``: ids of the graph's outputs (never written in place);
    ``users``: ``graph.users()``."""
    g = graph
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


def gemm_updates(phase3, users, kept, is_plain_gemm):
    """{update id: (product, sign, scale, scale's outer value)} for the in-place updates ``W - k * (A @ B)``,
    ``W + k * (A @ B)`` (k a number or a rank-0 value, or absent: scale None) whose product nothing else reads
    and that reads no state written in place: the product can then be added into W by one BLAS call at the
    update's place, after every reader of the old W (``lowering.gemm_update``), instead of being written to
    a temporary that the update kernel reads back. ``users``: the graph's ``users()``; ``kept``: ids of its
    outputs and update values; ``is_plain_gemm(node)``: a product BLAS can add into a matrix as it is laid
    out."""
    written = {s._id for s, _ in phase3}
    found = {}
    for s, u in phase3:
        body = dict(u.attrs)["body"]
        outer = {b._id: x for b, x in zip(body.inputs, u.inputs)}
        root = body.root
        if root.prim is None or root.prim.name not in ("sub", "add") or s.ndim != 2:
            continue
        x, y = root.inputs
        if outer.get(x._id) is s:
            sign, term = ("-" if root.prim.name == "sub" else ""), y
        elif root.prim.name == "add" and outer.get(y._id) is s:
            sign, term = "", x
        else:
            continue
        candidates = [(None, term)]
        if term.prim is not None and term.prim.name == "mul":
            candidates = [(term.inputs[0], term.inputs[1]), (term.inputs[1], term.inputs[0])]
        for k, t in candidates:
            prod = outer.get(t._id)
            if (prod is None or not is_plain_gemm(prod) or prod.dtype != s.dtype or prod._id in kept
                    or len(users.get(prod._id, ())) != 1 or any(i._id in written for i in prod.inputs)
                    or any(_is1(a) != _is1(b) for a, b in zip(prod.shape, s.shape))):
                continue
            if k is not None and not ((k.is_const and k.value.size == 1) or (k._id in outer and k.ndim == 0)):
                continue
            found[u._id] = (prod, sign, k, outer.get(k._id) if k is not None else None)
            break
    return found


def _is1(d):
    return is_known(d) and d == 1
