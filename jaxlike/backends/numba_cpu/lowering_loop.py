"""Lowerings of the loops of ``control/`` (``scan``, ``while_loop``): the step graph is compiled as a module of
its own (``Codegen.submodule``: its own ``@njit`` entry, disk-cached like any other) and the caller's entry
runs a plain Python loop over it, which numba compiles to a native loop calling (and LLVM usually inlining)
the step. A loop's results are several nodes (``core.graph.sibling_key``); the first one lowered runs the
loop for all those the graph uses, and fills only the stacked results some node reads. Imports numpy, core
and ops only.
"""

from ...core.graph import sibling_key
from .lowering import message


def _members(ctx, v):
    """The graph's nodes of ``v``'s loop by output number, or None when an earlier one ran the loop."""
    done = ctx.__dict__.setdefault("_loops_done", set())
    key = sibling_key(v)
    if key in done:
        return None
    done.add(key)
    return {dict(m.attrs)["output"]: m for m in ctx.graph.nodes() if m.prim is v.prim and sibling_key(m) == key}


def _call(ctx, step, bare, args, consts, sizes):
    text = f"{step}({', '.join(list(args) + [ctx.dim(s) for s in sizes] + consts)})"
    return text, bare


def _start_carries(ctx, carries, names):
    """Carried values start as copies (the step returns fresh arrays; a copy gives the variable one array
    type, and a loop that runs no step must not return its operand itself)."""
    return [f"{c} = {ctx.name(x)}.copy()" if x.ndim else f"{c} = {ctx.name(x)}" for c, x in zip(names, carries)]


def _take(rv, bare, k):
    return rv if bare else f"{rv}[0][{k}]"


def scan(ctx, v):
    members = _members(ctx, v)
    if members is None:
        return []
    attrs = dict(v.attrs)
    body, nk, nc, length = attrs["body"], attrs["num_consts"], attrs["num_carry"], attrs["length"]
    ny = body.num_ys
    step, consts, bare = ctx.submodule(body)
    operands = v.inputs if length is not None else v.inputs[:-1]
    ops = [ctx.name(x) for x in operands]
    base = ctx.tmp("_scan")
    n, i, rv = f"{base}_n", f"{base}_i", f"{base}_r"
    carries = [f"{base}_c{j}" for j in range(nc)]
    # NOTE: written to the entry directly: ctx.allocate does too, and the allocations need the step count
    pre = ctx.lines
    if length is None:
        pre += [f"{n} = np.int64({ctx.name(v.inputs[-1])})", f"if {n} < 0:",
                f"    raise ShapeError({message('scan: the number of steps must be >= 0, got ', (n,), ctx.where_text)})"]
    else:
        pre.append(f"{n} = {ctx.dim(length)}")
    test, least = ("<", "at least ") if length is None else ("!=", "")
    for j, x in enumerate(operands[nk + nc:]):
        pre += [f"if {ctx.name(x)}.shape[0] {test} {n}:",
                f"    raise ShapeError({message(f'scan: scanned array {j} has ', (f'{ctx.name(x)}.shape[0]',), f' rows for a loop of {least}length ', (n,), ctx.where_text)})"]
    stacked = {}
    for k, m in sorted(members.items()):
        if k >= nc:
            if length is None:
                # NOTE: the stacked results' first size is the node's own, known once the count is read
                ctx.bound.add(id(m.shape[0]))
                pre.append(f"{ctx.symname(m.shape[0])} = {n}")
            ctx.allocate(ctx.name(m), m.shape, m.dtype, m)
            stacked[k] = ctx.name(m)
    lines = _start_carries(ctx, operands[nk:nk + nc], carries)
    steps = f"range({n} - 1, -1, -1)" if attrs["reverse"] else f"range({n})"
    args = ops[:nk] + carries + [f"{x}[{i}]" for x in ops[nk + nc:]]
    call, bare = _call(ctx, step, bare, args, consts, attrs["sizes"])
    lines.append(f"for {i} in {steps}:")
    for k, out in stacked.items():
        if k >= nc + ny:
            lines.append(f"    {out}[{i}] = {carries[k - nc - ny]}")
    lines.append(f"    {rv} = {call}")
    for j, c in enumerate(carries):
        lines.append(f"    {c} = {_take(rv, bare, j)}")
    for k, out in stacked.items():
        if k < nc + ny:
            lines.append(f"    {out}[{i}] = {_take(rv, bare, k)}")
    for k, m in members.items():
        if k < nc:
            lines.append(f"{ctx.name(m)} = {carries[k]}")
    return lines


def while_loop(ctx, v):
    members = _members(ctx, v)
    if members is None:
        return []
    attrs = dict(v.attrs)
    nk, nc = attrs["num_consts"], attrs["num_carry"]
    cond_step, cond_consts, _ = ctx.submodule(attrs["cond"])
    step, consts, bare = ctx.submodule(attrs["body"])
    ops = [ctx.name(x) for x in v.inputs]
    base = ctx.tmp("_while")
    rv = f"{base}_r"
    carries = [f"{base}_c{j}" for j in range(nc)]
    lines = _start_carries(ctx, v.inputs[nk:], carries)
    args = ops[:nk] + carries
    test, _ = _call(ctx, cond_step, True, args, cond_consts, attrs["sizes"])
    call, bare = _call(ctx, step, bare, args, consts, attrs["sizes"])
    lines += [f"while {test}:", f"    {rv} = {call}"]
    for j, c in enumerate(carries):
        lines.append(f"    {c} = {_take(rv, bare, j)}")
    for k, m in members.items():
        lines.append(f"{ctx.name(m)} = {carries[k]}")
    return lines


LOWERINGS = {"scan": scan, "while_loop": while_loop}

__all__ = ["LOWERINGS"]
