"""Lowerings of the loops of ``control/`` (``scan``, ``while_loop``) and of its ``cond``: the step graph is compiled as a module of
its own (``Codegen.submodule``: its own ``@njit`` entry, disk-cached like any other) and the caller's entry
runs a plain Python loop over it, which numba compiles to a native loop calling (and LLVM usually inlining)
the step. A loop's results are several nodes (``core.graph.sibling_key``); the first one lowered runs the
loop for all those the graph uses, and fills only the stacked results some node reads. Imports numpy, core
and ops only.
"""

from ...core.graph import sibling_key, syms_in, distinct_syms
from ...core.errors import where
from ...core.types import dims_equal
from .loops import np_type
from .lowering import message, element_copy, size_check


def _members(ctx, v):
    """The graph's nodes of ``v``'s loop by output number, or None when an earlier one ran the loop."""
    key = sibling_key(v)
    if key in ctx.siblings_done:
        return None
    ctx.siblings_done.add(key)
    return {dict(m.attrs)["output"]: m for m in ctx.graph.nodes() if m.prim is v.prim and sibling_key(m) == key}


def _call(ctx, step, args, consts, sizes, outs=()):
    parts = list(args) + [ctx.dim(s) for s in sizes] + list(outs) + list(consts)
    return f"{step}({', '.join(parts)})"


class _Carries:
    """The carried values of a loop in the entry: an array carry is two buffers the step writes in turn (it
    reads one and fills the other, so nothing is allocated per step); a number is a variable."""

    def __init__(self, ctx, base, inits):
        self.arrays = [x.ndim > 0 for x in inits]
        self.now = [f"{base}_c{j}" for j in range(len(inits))]
        self.next = [f"{base}_c{j}_next" if a else None for j, a in enumerate(self.arrays)]
        # NOTE: copies: a loop that runs no step must not return its operand itself
        self.start = [f"{c} = {ctx.name(x)}.copy()" if x.ndim else f"{c} = {ctx.name(x)}"
                      for c, x in zip(self.now, inits)]
        self.start += [f"{n} = np.empty_like({c})" for c, n in zip(self.now, self.next) if n]

    def advance(self, returned, numbers):
        """Lines after a step: swap the buffers of array carries, take the numbers from ``returned``."""
        lines = []
        for j, (c, n) in enumerate(zip(self.now, self.next)):
            lines.append(f"{c}, {n} = {n}, {c}" if n else f"{c} = {returned}[0][{numbers.index(j)}]")
        return lines


def _carried_dims(ctx, m, init):
    """``made_dims`` of a loop's final carry ``m``: its buffers are ``init``'s copy and ``np.empty_like`` of
    it, so a dim its type shares with ``init``'s needs no check after the loop."""
    return [ctx.dim(d) if dims_equal(d, e) else None for d, e in zip(m.shape, init.shape)]


def _numbers(body):
    """Positions of the step's rank-0 outputs (the only ones its entry returns, in this order)."""
    return [k for k, o in enumerate(body.outputs) if o.ndim == 0]


def scan(ctx, v):
    members = _members(ctx, v)
    if members is None:
        return []
    attrs = dict(v.attrs)
    body, nk, nc, length = attrs["body"], attrs["num_consts"], attrs["num_carry"], attrs["length"]
    ny = body.num_ys
    step, consts, _ = ctx.submodule(body, out_params=True)
    operands = v.inputs if length is not None else v.inputs[:-1]
    ops = [ctx.name(x) for x in operands]
    base = ctx.tmp("_scan")
    n, i, rv = f"{base}_n", f"{base}_i", f"{base}_r"
    # NOTE: written to the entry directly: ctx.allocate does too, and the allocations need the step count
    pre = ctx.lines
    if length is None:
        pre += [f"{n} = np.int64({ctx.name(v.inputs[-1])})", f"if {n} < 0:",
                f"    raise ShapeError({message('scan: the number of steps must be >= 0, got ', (n,), ctx.where_text)})"]
    else:
        pre.append(f"{n} = {ctx.dim(length)}")
    for j, x in enumerate(operands[nk + nc:]):
        rows = f"{ctx.name(x)}.shape[0]"
        if length is not None:
            pre.append(size_check(rows, n, f"scan: scanned array {j} has ", " rows for a loop of length ",
                                  ctx.where_text))
            continue
        pre += [f"if {rows} < {n}:", f"    raise ShapeError({message(f'scan: scanned array {j} has ', (rows,), ' rows for a loop of at least length ', (n,), ctx.where_text)})"]
    stacked = {}
    for k, m in sorted(members.items()):
        if k >= nc:
            _check_allocatable(ctx, m.shape[1:], f"scan: per-step result {k - nc} has shape {m.type!r}",
                               "is a size the step computes itself", m.source)
            if length is None:
                # NOTE: the stacked results' first size is the node's own, known once the count is read
                ctx.bound.add(id(m.shape[0]))
                pre.append(f"{ctx.symname(m.shape[0])} = {n}")
            ctx.allocate(ctx.name(m), m.shape, m.dtype, m)
            ctx.made_dims[ctx.name(m)] = [ctx.dim(d) for d in m.shape]
            stacked[k] = ctx.name(m)
    carries = _Carries(ctx, base, operands[nk:nk + nc])
    lines = carries.start + [f"{base}_ws = _rt.new_block()"]
    outs = []
    for k, o in enumerate(body.outputs):
        if o.ndim == 0:
            continue
        if k < nc:
            outs.append(carries.next[k])
        elif k in stacked:
            outs.append(f"{stacked[k]}[{i}]")
        else:
            # NOTE: a per-step result no node reads still needs somewhere to go
            unused = f"{base}_unused{k}"
            typ = v.prim.shape(*[x.type for x in v.inputs], **{**attrs, "output": k})
            lines.append(f"{unused} = np.empty({ctx.shape_text(typ.shape[1:])}, {np_type(typ.dtype)})")
            outs.append(unused)
    numbers = _numbers(body)
    steps = f"range({n} - 1, -1, -1)" if attrs["reverse"] else f"range({n})"
    args = ops[:nk] + carries.now + [f"{x}[{i}]" for x in ops[nk + nc:]]
    lines.append(f"for {i} in {steps}:")
    for k, out in stacked.items():
        if k >= nc + ny:
            lines += ["    " + line for line in _record(ctx, out, i, carries.now[k - nc - ny], members[k].ndim - 1)]
    lines.append(f"    {rv} = {_call(ctx, step, args, consts, attrs['sizes'], outs + [f'{base}_ws'])}")
    lines += ["    " + line for line in carries.advance(rv, numbers)]
    for k, out in stacked.items():
        if k < nc + ny and body.outputs[k].ndim == 0:
            lines.append(f"    {out}[{i}] = {rv}[0][{numbers.index(k)}]")
    for k, m in members.items():
        if k < nc:
            lines.append(f"{ctx.name(m)} = {carries.now[k]}")
            ctx.made_dims[ctx.name(m)] = _carried_dims(ctx, m, operands[nk + k])
    return lines


def _check_allocatable(ctx, shape, what, why, source):
    """Loop and branch results are allocated before the step or branch runs: a size it computes itself (a
    reshape or a computed slice inside it) cannot be, and the graph runs on the reference interpreter instead."""
    from .codegen import Unsupported
    inner = [s for s in syms_in(shape) if id(s) not in ctx.bound]
    if inner:
        raise Unsupported(f"{what}, and {inner[0]!r} {why}{where(source)}")


def _record(ctx, stacked, i, carry, ndim):
    """``stacked[i] = carry`` (the carry a step starts from), element by element when the carry is an array
    (``lowering.element_loops`` says why)."""
    if ndim == 0:
        return [f"{stacked}[{i}] = {carry}"]
    return element_copy(ctx, stacked, carry, ndim, lead=(i,))


def while_loop(ctx, v):
    members = _members(ctx, v)
    if members is None:
        return []
    attrs = dict(v.attrs)
    nk, body = attrs["num_consts"], attrs["body"]
    cond_step, cond_consts, _ = ctx.submodule(attrs["cond"])
    step, consts, _ = ctx.submodule(body, out_params=True)
    ops = [ctx.name(x) for x in v.inputs]
    base = ctx.tmp("_while")
    rv = f"{base}_r"
    carries = _Carries(ctx, base, v.inputs[nk:])
    lines = carries.start + [f"{base}_ws = _rt.new_block()"]
    args = ops[:nk] + carries.now
    outs = [n for n in carries.next if n] + [f"{base}_ws"]
    lines += [f"while {_call(ctx, cond_step, args, cond_consts, attrs['sizes'])}:",
              f"    {rv} = {_call(ctx, step, args, consts, attrs['sizes'], outs)}"]
    lines += ["    " + line for line in carries.advance(rv, _numbers(body))]
    for k, m in members.items():
        lines.append(f"{ctx.name(m)} = {carries.now[k]}")
        ctx.made_dims[ctx.name(m)] = _carried_dims(ctx, m, v.inputs[nk + k])
    return lines


def cond(ctx, v):
    """One ``if``/``elif`` per branch, each calling its branch's module, which writes the array results into
    buffers allocated here (so every result is a fresh array, never a view of an operand) and returns the
    numbers. The index is clamped already; the first and last tests clamp again, as the reference does."""
    members = _members(ctx, v)
    if members is None:
        return []
    attrs = dict(v.attrs)
    bodies = [attrs[f"branch{j}"] for j in range(attrs["num_branches"])]
    union = distinct_syms(tuple(s for b in bodies for s in b.syms))
    base = ctx.tmp("_cond")
    outs = []
    for k, o in enumerate(bodies[0].outputs):
        if o.ndim == 0:
            continue
        m = members.get(k)
        typ = m.type if m is not None else v.prim.shape(*[x.type for x in v.inputs], **{**attrs, "output": k})
        _check_allocatable(ctx, typ.shape, f"cond: result {k} has shape {typ!r}",
                           "is not known before the branch runs", (v if m is None else m).source)
        if m is None:
            outs.append(f"{base}_unused{k}")
            ctx.lines.append(f"{outs[-1]} = np.empty({ctx.shape_text(typ.shape)}, {np_type(typ.dtype)})")
            continue
        ctx.allocate(ctx.name(m), m.shape, m.dtype, m)
        ctx.made_dims[ctx.name(m)] = [ctx.dim(d) for d in m.shape]
        outs.append(ctx.name(m))
    numbers = _numbers(bodies[0])
    ops, index = [ctx.name(x) for x in v.inputs[1:]], ctx.name(v.inputs[0])
    lines = [f"{base}_ws = _rt.new_block()"]
    for j, body in enumerate(bodies):
        step, consts, _ = ctx.submodule(body, out_params=True)
        sizes = [attrs["sizes"][next(i for i, u in enumerate(union) if u is s)] for s in body.syms]
        last = j == len(bodies) - 1
        lines.append("else:" if last and j else f"if {index} <= 0:" if j == 0 else f"elif {index} == {j}:")
        if last and j == 0:
            lines[-1] = "if True:"
        rv = f"{base}_r{j}"
        lines.append(f"    {rv} = {_call(ctx, step, ops, consts, sizes, outs + [f'{base}_ws'])}")
        lines += [f"    {ctx.name(m)} = {rv}[0][{numbers.index(k)}]" for k, m in members.items() if m.ndim == 0]
    return lines


LOWERINGS = {"scan": scan, "while_loop": while_loop, "cond": cond}

__all__ = ["LOWERINGS"]
