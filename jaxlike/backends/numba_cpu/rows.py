"""Row tiles: fused kernels that each work row by row over the same rows run together, a tile of rows at a
time, so that a tile stays in the core's cache from one kernel to the next.

Why: the gradient of a softmax cross-entropy (W5: logits 4096 x 1000 float32, 16 MB) runs five kernels over
the logits' rows after the matrix product that made them: the row max, the sum of exp, two row sums with the
labels, the gradient itself. Each kernel streams whole 16-48 MB arrays, and after a GEMM has filled the
caches with its own operands they came from memory on every pass: 13 ms there against 8 ms for the same
kernels run twice in a row. Tile by tile, the tile's rows are read from memory once and then from L2.

A kernel is row-local (``row_local``) when its iteration space leads with a symbolic size R (used by no other
axis), R is not reduced, its result leads with R, and inside its body every operand is read either at the
row being computed (the operand is then passed as the tile's rows, ``[_lo:_hi]``) or independently of it
(passed whole: a broadcast row, a bias). Such a kernel computes rows [lo, hi) from its operands' rows
[lo, hi) alone, so running every member on one tile before the next gives the values of running each over
all rows. Members' row sizes are one size at run time: they are linked through the operands they slice,
whose sizes the members' operand checks (run before the tiles) compare with theirs.

``plan`` groups them in the entry's schedule: the first row-local kernel opens a group; later ones of the
same rows join unless they read something that reads a member (that must wait for the whole group); the
nodes in between that read no member run before the group, those that do run after it. Imports core and
ops only.
"""

from ...core.graph import syms_in
from ...core.primitive import Kind
from ...core.types import Sym, dims_equal, shapes_equal
from ...ops.fused import fused as FUSED, iteration_shape, reduce_root, remap_kind
from ...core.errors import where
from .loops import known1, broadcast_index, remap_index, _loop_vars, product_text, type_text

TILE_ELEMENTS = 16384       # elements per array per tile: 64 KB of float32, a few arrays fit in L2
_SHAPE_ONLY = frozenset({"size_of"})    # nodes that read only their operand's shape, not its values


class RowKernel:
    """A row-local fused node: its row size ``rows`` (a Sym) and, per operand, whether it is cut to the tile."""

    def __init__(self, node, rows, sliced):
        self.node, self.rows, self.sliced = node, rows, sliced


def row_local(v):
    """The RowKernel of fused node ``v``, or None when it does not work row by row (see the module docstring)."""
    if v.prim is not FUSED:
        return None
    body = dict(v.attrs)["body"]
    space = iteration_shape(body)
    if not space or not isinstance(space[0], Sym) or any(space[0] in syms_in(d) for d in space[1:]):
        return None
    red = reduce_root(body)
    axes = set(dict(red.attrs)["axes"]) if red is not None else set()
    if 0 in axes or not shapes_equal(v.shape, [d for k, d in enumerate(space) if k not in axes]):
        return None
    reads = {b._id: set() for b in body.inputs}
    if not _walk(red.inputs[0] if red is not None else body.root, _loop_vars(space), reads, set()):
        return None
    sliced = []
    for b, x in zip(body.inputs, v.inputs):
        at_row = [t for t in reads[b._id] if "i0" in t]
        if any(t[0] != "i0" or "i0" in t[1:] for t in at_row):
            return None
        if at_row and not (isinstance(x.shape[0], Sym) or dims_equal(x.shape[0], space[0])):
            return None
        sliced.append(bool(at_row))
    return RowKernel(v, space[0], tuple(sliced))


def _walk(v, idx, reads, seen):
    """Record in ``reads`` the index tuples at which the body reads each of its operands, from ``v`` read at
    ``idx``; False when the body holds something whose indexing is not followed here."""
    key = (v._id, idx)
    if key in seen:
        return True
    seen.add(key)
    if v._id in reads:
        reads[v._id].add(idx)
        return True
    if v.is_const:
        return True
    kind = remap_kind(v)
    if kind is not None:
        return _walk(v.inputs[0], tuple(remap_index(v, kind, idx)), reads, seen)
    if v.prim is None or v.prim.kind is not Kind.ELEMENTWISE:
        return False
    return all(_walk(x, tuple(broadcast_index(v, x, idx)), reads, seen) for x in v.inputs)


class _Rows:
    """Union-find over row sizes (Sym ids): a member's rows and the leading size of each operand it slices."""

    def __init__(self):
        self.parent = {}

    def find(self, s):
        while self.parent.get(s, s) != s:
            s = self.parent[s]
        return s

    def union(self, a, b):
        self.parent[self.find(a)] = self.find(b)


def plan(order, candidate, bound0, ready_with, siblings=None):
    """(the schedule with each group's members together, {first member id: [RowKernel]}).

    ``candidate(v)``: v's RowKernel when it may join a group (row-local, and no form of its own that a tile
    would lose, such as a parallel one), else None; sibling members never join. ``ready_with(v, bound)``:
    whether the sizes v needs are bound in ``bound`` (ids of Syms; ``bound0`` before the schedule). A group is kept when it has two or
    more members and one of them loops over two or more dims (a tile of a vector kernel is a few KB: it
    stays in cache anyway). ``siblings`` ({first member id: members}, ``siblings.plan``'s groups) run as one
    node each, where their first member is."""
    siblings = siblings or {}
    alias = {m._id: first for first, ms in siblings.items() for m in ms}
    unit = {first: ms for first, ms in siblings.items()}

    def deps(w):
        return {alias.get(x._id, x._id) for m in unit.get(w._id, [w])
                if m.prim is None or m.prim.name not in _SHAPE_ONLY for x in m.inputs}

    infos = {v._id: candidate(v) for v in order if v._id not in alias}
    rows = _Rows()
    for r in infos.values():
        if r is None:
            continue
        for x, cut in zip(r.node.inputs, r.sliced):
            if cut and isinstance(x.shape[0], Sym):
                rows.union(id(x.shape[0]), id(r.rows))
    order, groups, i = list(order), {}, 0
    while i < len(order):
        first = infos.get(order[i]._id)
        if first is None:
            i += 1
            continue
        members, before, after = [first], [], []
        member_ids, late_ids = {first.node._id}, set()
        bound = set(bound0) | {id(s) for v in order[:i] for d in v.shape for s in syms_in(d)}
        for w in order[i + 1:]:
            if alias.get(w._id, w._id) != w._id:
                after.append(w)     # NOTE: runs in its sibling group, wherever that goes
                continue
            needs = deps(w)
            r = infos.get(w._id)
            # NOTE: a member reads the others' results only at its own rows: a whole one is not all there yet;
            # and the group runs where its first member is, so a member's sizes must be bound by then (a size
            # that a later reshape binds, as the gradient of a repeat's reshape has, is not)
            if r is not None and rows.find(id(r.rows)) == rows.find(id(first.rows)) and not needs & late_ids \
                    and all(cut for x, cut in zip(w.inputs, r.sliced) if x._id in member_ids) \
                    and ready_with(w, bound):
                members.append(r)
                member_ids.add(w._id)
            elif needs & (member_ids | late_ids) or not all(ready_with(m, bound) for m in unit.get(w._id, [w])):
                after.append(w)
                late_ids.add(w._id)
            else:
                before.append(w)
                bound |= {id(s) for d in w.shape for s in syms_in(d)}
        if len(members) < 2 or not any(len([d for d in iteration_shape(dict(m.node.attrs)["body"])
                                             if not known1(d)]) >= 2 for m in members):
            i += 1
            continue
        order[i:] = before + [m.node for m in members] + after
        groups[first.node._id] = members
        i += len(before) + len(members)
    return order, groups


def emit(ctx, members):
    """Run the group ``members`` (``plan``) in the entry being written by ``ctx`` (codegen's writer): every
    member's operand checks and result allocation, then one loop over tiles of rows in which each member's
    kernel runs on the tile's rows (``_tlo``..``_thi``) of what it slices, with ``_tn`` rows. Without rows
    there is one empty tile, so that a kernel's own errors (a max over zero columns) are raised as before."""
    runs = []
    for m in members:
        v = m.node
        ctx.where_text = where(v.source)
        ctx.lines.append(f"# {ctx.name(v)}:{type_text(v.type, ctx.symname)} = fused("
                         f"{', '.join(ctx.name(i) for i in v.inputs)}) in row tiles")
        runs.append((m,) + ctx.fused_kernel(v))
        ctx.fresh_values.add(v._id)
    widest = max((iteration_shape(dict(m.node.attrs)["body"]) for m in members), key=len)
    rows = ctx.dim(members[0].rows)
    head = [f"_trows = max(1, {TILE_ELEMENTS} // max({product_text(widest[1:], ctx.symname)}, 1))",
            f"for _tile in range(max(1, ({rows} + _trows - 1) // _trows)):", "    _tlo = _tile * _trows",
            f"    _thi = min(_tlo + _trows, {rows})", "    _tn = _thi - _tlo"]
    saved, ctx.lines, cut = ctx.lines, [], set()
    for m, k, comment, args in runs:
        n_in = len(m.node.inputs)
        tile_args = []
        for j, a in enumerate(args):
            if j < n_in and m.sliced[j] or j == n_in:      # an operand it reads at its rows, or its result
                if a not in cut:
                    cut.add(a)
                    ctx.lines.append(f"_tv_{a} = {a}[_tlo:_thi]")
                tile_args.append(f"_tv_{a}")
            else:
                tile_args.append("_tn" if j > n_in and a == ctx.symname(m.rows) else a)
        ctx.run_kernel(k, comment, "", tile_args)
    body, ctx.lines = ctx.lines, saved
    ctx.lines += head + ["    " + line for line in body]
