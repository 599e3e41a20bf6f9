"""Sibling kernels: fused groups over the same iteration space that read a common operand run as ONE loop.

The fuse pass gives every materialized value its own group, so the value and the gradient of
``sum(exp(sin(x**2)) * cos(x))`` are two loops that each read ``x`` and each evaluate ``sin(x**2)`` and
``exp(...)``. Here such siblings (maps whose result has the iteration space's shape, and reductions of the
whole space or of its trailing loop axes, such as row sums) share one loop nest: each operand is loaded once
per point, equal subexpressions of the bodies are evaluated once (matched by structure: primitive,
attributes, operands), each map stores its element and each reduction accumulates in a register. The
group runs at the place of its first member in the entry, so a member joins only when everything it reads
is computed by then (which also means it cannot depend on the others). Imports numpy, core and ops only.
"""

import numpy as np

from ...core.graph import namer, syms_in
from ...core.primitive import Kind
from ...core.types import Sym, DimExpr, is_known, shapes_equal
from ...ops.fused import fused as FUSED, iteration_shape, reduce_root
from .loops import (_Writer, _loop_vars, _flags, loop_space, _ASSOCIATIVE, accumulation, cast, chunks, describe,
                    dim_text, empty_reduction_text, has_identity, known1, lane_reducer, np_type, product_text)
from .simd import (BLOCK as _BLOCK, block_buffer, block_loop, chunkable, chunked, may_be_big, serial_decorator,
                   ranged_calls, two_pass, vectorizable, with_range_flag)


def _role(v):
    """'map', 'reduce' (over a suffix of the loop axes: a whole-space or row-wise reduction) or None for a
    fused node that cannot be a sibling."""
    if v.prim is not FUSED:
        return None
    body = dict(v.attrs)["body"]
    space = iteration_shape(body)
    loops = [k for k, d in enumerate(space) if not known1(d)]
    if not loops:
        return None     # a loop-invariant scalar: nothing to share
    red = reduce_root(body)
    if red is None:
        return "map" if shapes_equal(v.shape, space) else None
    if red.prim.scalar is None:
        return None
    start = _reduced_suffix(red, loops)
    if start is None or (start == 0 and red.ndim):
        return None     # NOTE: a whole-space reduction kept as shape (1,...) would need a store; not worth it
    return "reduce"


def _reduced_suffix(red, loops):
    """The position in ``loops`` from which every loop is reduced by ``red`` and none before it is; None when
    the reduced loop axes are not such a suffix (the accumulator could not stay in a register)."""
    axes = set(dict(red.attrs)["axes"])
    reduced = [k in axes for k in loops]
    start = len(loops) - sum(reduced)
    if start == len(loops) or any(reduced[:start]):
        return None
    return start


def plan(order, graph_inputs, bound0, ready_with, kept=frozenset(), users=None):
    """Groups of siblings in ``order`` (the entry's schedule): {first member id: [members]}, the ids of the
    members that run inside another's group, and the ids of the member maps no one reads but their group
    (``users``: the graph's ``users()``; ``kept``: ids of values wanted outside, the outputs and updates):
    those are never stored. ``ready_with(v, bound)`` says whether the sizes ``v``
    needs are bound in ``bound`` (ids of Syms)."""
    at = {v._id: -1 for v in graph_inputs}        # schedule position where each value is computed
    bound_at = {sid: -1 for sid in bound0}         # ... and where each size symbol is first bound
    for pos, v in enumerate(order):
        at[v._id] = pos
        for d in v.shape:
            for s in syms_in(d):
                bound_at.setdefault(id(s), pos)
    roles = {v._id: _role(v) for v in order}
    groups, taken = {}, set()
    for pos, a in enumerate(order):
        if roles[a._id] is None or a._id in taken:
            continue
        space = iteration_shape(dict(a.attrs)["body"])
        reads = {i._id for i in a.inputs if not i.is_const}
        maps = {a._id} if roles[a._id] == "map" else set()
        members = [a]
        for b in order[pos + 1:]:
            if roles[b._id] is None or b._id in taken:
                continue
            if not shapes_equal(iteration_shape(dict(b.attrs)["body"]), space):
                continue
            b_reads = {i._id for i in b.inputs if not i.is_const}
            fed = {i for i in b_reads & maps if _reads_pointwise(b, i)}
            if not (b_reads & reads or fed):
                continue
            if all(i.is_const or at.get(i._id, pos) < pos or i._id in fed for i in b.inputs) and \
                    ready_with(b, {sid for sid, p in bound_at.items() if p < pos}):
                members.append(b)
                reads |= b_reads
                if roles[b._id] == "map":
                    maps.add(b._id)
        if len(members) > 1:
            groups[a._id] = members
            taken.update(m._id for m in members)
    internal = set()
    if users is not None:
        for members in groups.values():
            ids = {m._id for m in members}
            internal |= {m._id for m in members if roles[m._id] == "map" and m._id not in kept
                         and users.get(m._id) and {r._id for r in users[m._id]} <= ids}
    return groups, taken - set(groups), internal


def _reads_pointwise(b, outer_id):
    """Whether fused ``b`` reads operand ``outer_id`` (a map of the same iteration space) only at the loop
    point: through elementwise nodes of the space's shape up to its root (a map, or a reduction of them).
    A sibling kernel then hands ``b`` the map's value at that point in a register (``_structure``), where a
    remap (transpose, broadcast) would read another point of the array, one not yet written."""
    body = dict(b.attrs)["body"]
    space = iteration_shape(body)
    starts = [bi for bi, o in zip(body.inputs, b.inputs) if o._id == outer_id]
    if not all(shapes_equal(bi.shape, space) for bi in starts):
        return False
    users = body.users()
    root_reduce = reduce_root(body)
    stack, seen = list(starts), set()
    while stack:
        for u in users.get(stack.pop()._id, ()):
            if u._id in seen:
                continue
            seen.add(u._id)
            if u is root_reduce:
                continue
            if u.prim.kind is not Kind.ELEMENTWISE or not shapes_equal(u.shape, space):
                return False
            stack.append(u)
    return True


# NOTE: exactly commutative in IEEE arithmetic (maximum is not: signed zeros), so operand order may be
# normalised when matching bodies.
_COMMUTATIVE = {"add", "mul"}


def _attr_key(a):
    if isinstance(a, Sym):
        return ("sym", id(a))
    if isinstance(a, DimExpr):
        return (type(a).__name__, _attr_key(a.terms))
    if isinstance(a, tuple):
        return tuple(_attr_key(x) for x in a)
    if isinstance(a, np.dtype):
        return a.str
    return repr(a)


def _structure(members, outer_names):
    """Per body node id, a key equal for nodes that compute the same value (body inputs: the outer operand,
    or, where that is a member map of the group, its body's root: ``plan`` admits a member reading one only
    at the loop point, so the value is the one just computed there)."""
    key, root_key = {}, {}
    # NOTE: keys are interned to small ints: nested key tuples of a deep DAG (an unrolled loop) would make
    # repr and hash exponential in its depth
    interned = {}

    def intern(k):
        return interned.setdefault(k, len(interned))

    for m in members:
        body = dict(m.attrs)["body"]
        for b, outer in zip(body.inputs, m.inputs):
            root = root_key.get(outer._id)
            key[b._id] = intern(("in", outer_names[outer._id])) if root is None else root
        for v in body.nodes():
            if v._id in key:
                continue
            if v.is_const:
                key[v._id] = intern(("const", v.dtype.str, np.asarray(v.value).tobytes()))
            else:
                args = tuple(key[i._id] for i in v.inputs)
                if v.prim.name in _COMMUTATIVE:
                    args = tuple(sorted(args))
                key[v._id] = intern((v.prim.name, v.dtype.str, _attr_key(v.attrs), args))
        if reduce_root(body) is None:
            root_key[m._id] = key[body.root._id]
    return key


class _SharedWriter(_Writer):
    """A loop body for several fused bodies at once: values are memoised by structure, not by node."""

    def __init__(self, inputs, names, symname, key):
        self.body = None
        self.names = names
        self.symname = symname
        self.inputs = inputs
        self.pre, self.lines, self.memo, self.used = [], [], {}, {}
        self.vecmath = False
        self.ranged = False
        self.range_checked = set()
        self.key = key
        self.shared = {}

    def value(self, v, idx):
        k = (self.key[v._id], tuple(idx))
        if k not in self.shared:
            if v._id in self.inputs and self.inputs[v._id] is None:
                raise AssertionError("siblings: a member read another off the loop point (plan admitted it)")
            self.shared[k] = super().value(v, idx)
        return self.shared[k]


class SiblingKernel:
    """Source and call facts of one merged kernel: ``params`` = operands, then one ``_outK`` per array it
    fills (``filled``: the maps, then the row-wise reductions), then sizes; it returns the tuple of its
    whole-space reductions' scalars (``scalars``)."""

    def __init__(self, name, serial, parallel, operands, filled, scalars, sizes, work, comment):
        self.name, self.serial, self.parallel, self.comment = name, serial, parallel, comment
        self.operands, self.filled, self.scalars, self.sizes, self.work = operands, filled, scalars, sizes, work


def kernel(index, members, entry_names, symname, options, internal=frozenset()):
    """The merged kernel for ``members`` (see ``plan``); ``entry_names`` names the entry's values; the
    member maps in ``internal`` are computed for the others and not stored."""
    operands, param_of = [], {}
    ids = {m._id for m in members}
    for m in members:
        for i in m.inputs:
            if i._id in ids:
                param_of[i._id] = None      # NOTE: read from the loop (``_structure``), never loaded
            elif i._id not in param_of:
                param_of[i._id] = f"p{len(operands)}"
                operands.append(i)
    key = _structure(members, param_of)
    inputs, names = {}, {}
    for k, m in enumerate(members):
        body = dict(m.attrs)["body"]
        for b, outer in zip(body.inputs, m.inputs):
            inputs[b._id] = param_of[outer._id]
            names[b._id] = param_of[outer._id] or entry_names[outer._id]
        bname = namer()
        for b in body.inputs:
            bname(b)    # NOTE: body names as the kernel comments print them, prefixed by the member
        for v in body.eqns():
            names[v._id] = f"{entry_names[m._id]}_{bname(v)}"
    space, loops, sizes = loop_space(dict(members[0].attrs)["body"])
    maps = [m for m in members if reduce_root(dict(m.attrs)["body"]) is None]
    reductions = [m for m in members if reduce_root(dict(m.attrs)["body"]) is not None]
    # NOTE: row-wise reductions fill arrays like the maps; whole-space ones come back as the return tuple.
    reductions.sort(key=lambda m: m.ndim == 0)
    filled = [m for m in maps if m._id not in internal] + [m for m in reductions if m.ndim]
    params = [param_of[i._id] for i in operands] + [f"_out{k}" for k in range(len(filled))] + \
        [symname(s) for s in sizes]
    name = f"k{index}_siblings"
    work = product_text(space, symname)
    flags = _flags(options)
    bodies = [dict(m.attrs)["body"] for m in members]
    associative = all(dict(m.attrs)["body"].root.prim.name in _ASSOCIATIVE for m in reductions if not m.ndim)
    ranged = ranged_calls(bodies)
    chunks_it = options["chunked"] and ranged and associative and chunkable(space, loops, operands)
    big = may_be_big(space, options["par_threshold"])
    if ranged:
        # NOTE: every array it fills is fresh, so the kernel can always rerun (simd.two_pass)
        vector = _function(name + "_vec", params, members, maps, reductions, inputs, names, key, symname, space,
                           loops, False, f"@njit(inline='always', {flags})", ranged=True, internal=internal)
        lib = _function(name + "_lib", params, members, maps, reductions, inputs, names, key, symname, space,
                        loops, False, f"@njit(inline='always', {flags})", internal=internal)
        serial = two_pass(name, params, with_range_flag(vector, True), lib, flags, True, inline=not chunks_it)
    else:
        serial = _function(name, params, members, maps, reductions, inputs, names, key, symname, space, loops,
                           False, serial_decorator(space, flags, big), internal=internal)
    parallel = None
    if chunks_it:
        sliced = {param_of[o._id] for o in operands if o.ndim == 1 and not known1(o.shape[0])}
        sliced |= {f"_out{k}" for k in range(len(filled))}
        combines = []
        for m in reductions:
            acc, _, combine = accumulation(dict(m.attrs)["body"].root)
            combines.append((combine, np_type(acc), np_type(m.dtype)))
        parallel = chunked(name, params, sliced, symname(space[0]), "tuple", combines, flags, _BLOCK, chunks())
    elif options["parallel"] and big and associative:
        parallel = _function(name + "_par", params, members, maps, reductions, inputs, names, key, symname,
                             space, loops, True, f"@njit(parallel=True, cache=True, {flags})", internal=internal)
    comment = []
    for m in members:
        body = dict(m.attrs)["body"]
        comment.append(f"#  {entry_names[m._id]} = fused({', '.join(param_of[i._id] or entry_names[i._id] for i in m.inputs)}):")
        comment += describe(body, names, symname)
    return SiblingKernel(name, serial, parallel, operands, filled, [m for m in reductions if not m.ndim], sizes,
                         work, comment)


def _function(name, params, members, maps, reductions, inputs, names, key, symname, space, loops, parallel,
              decorator, ranged=False, internal=frozenset()):
    """Loops over ``space``: each map stores its element in the innermost loop; a reduction over the loops
    from position ``start`` on starts its accumulator before loop ``start`` and stores it after that loop
    (whole-space reductions are returned; with ``parallel`` they run as partial results per chunk).

    Accumulating in one chain keeps a loop scalar. So where the bodies could vectorize (``vectorizable``),
    the serial form runs the innermost loop in blocks of ``_BLOCK``: the block's values go to buffers (that
    loop vectorizes, with vecmath's exp, sigmoid and, with ``ranged``, sin, cos, % and //), and a second loop adds
    them to the accumulators (float64 sums in vector lanes: ``support.lane_sum``; the rest in order)."""
    w = _SharedWriter(inputs, names, symname, key)
    w.vecmath = vectorizable([dict(m.attrs)["body"] for m in members], ranged)
    w.ranged = ranged
    blocked = bool(reductions) and not parallel and w.vecmath
    idx = _loop_vars(space)
    stores, steps, accs, buffered, lanes, buf_dts = [], [], [], [], [], []
    n_maps = 0
    for m in maps:
        # NOTE: every map's value, in member order: a later member may take it from here (``_structure``)
        expr, _ = w.value(dict(m.attrs)["body"].root, idx)
        if m._id not in internal:
            stores.append(f"_out{n_maps}[{', '.join(idx)}] = {expr}")
            n_maps += 1
    for k, m in enumerate(reductions):
        red = dict(m.attrs)["body"].root
        acc, init, combine = accumulation(red)
        val, vdt = w.value(red.inputs[0], idx)
        buf_dts.append(np.dtype(vdt))
        if blocked:
            # NOTE: the buffer keeps the values' dtype (see loops._reduce_nest: a conversion in the loop
            # that fills it kept that loop scalar)
            buffered.append(f"_buf{k}[_b] = {val}")
            val = f"_buf{k}[_t]"
        if np.dtype(vdt) != acc:
            val = cast(val, acc)
        reducer = lane_reducer(red.prim, acc) if blocked else None
        if reducer:
            lanes.append(f"_l{k} = _rt.{reducer}(_buf{k}, _hi - _lo)")
            lanes.append(f"_a{k} = {cast(combine.format(f'_l{k}', acc=f'_a{k}'), acc)}")
        else:
            steps.append(f"_a{k} = {cast(combine.format(val, acc=f'_a{k}'), acc)}")
        axes = set(dict(red.attrs)["axes"])
        out_idx = ", ".join(idx[j] for j in range(len(space)) if j not in axes)
        accs.append((k, _reduced_suffix(red, loops), init, combine, acc, red,
                     f"_out{n_maps + k}[{out_idx}]"))
    lines = [decorator, f"def {name}({', '.join(params)}):"]
    for k, start, _, _, _, red, _ in accs:
        reduced = [space[j] for j in sorted(dict(red.attrs)["axes"])]
        if not has_identity(red) and not all(is_known(d) and d > 0 for d in reduced):
            lines.append(f"    if {product_text(reduced, symname)} == 0:")
            lines.append(f"        raise ValueError({empty_reduction_text(red)!r})")
    lines += ["    " + line for line in w.pre]
    if blocked:
        inner = dim_text(space[loops[-1]], symname)
        lines += ["    " + block_buffer(f"_buf{k}", inner, np_type(buf_dts[k])) for k, _, _, _, _, _, _ in accs]
    whole = [a for a in accs if a[1] == 0]
    first = dim_text(space[loops[0]], symname)
    chunked = parallel and whole
    base = 1
    if chunked:
        lines.append(f"    _nc = min({chunks()}, {first})")
        for k, _, _, _, acc, _, _ in whole:
            lines.append(f"    _part{k} = np.empty((_nc,), {np_type(acc)})")
        lines.append("    for _c in prange(_nc):")
        base = 2
    for n, j in enumerate(loops):
        pad = "    " * (base + n)
        lines += [f"{pad}_a{k} = {init}" for k, start, init, _, _, _, _ in accs if start == n]
        if n == 0 and chunked:
            rng = f"range(_c * {first} // _nc, (_c + 1) * {first} // _nc)"
        elif n == 0 and parallel:
            rng = f"prange({first})"
        else:
            rng = f"range({dim_text(space[j], symname)})"
        if blocked and n == len(loops) - 1:
            lines += [pad + line for line in block_loop(dim_text(space[j], symname), f"i{j}")]
            lines += [f"{pad}        {line}" for line in w.lines + stores + buffered]
            if steps:
                lines.append(f"{pad}    for _t in range(_hi - _lo):")
                lines += [f"{pad}        {line}" for line in steps]
            lines += [f"{pad}    {line}" for line in lanes]
            break
        lines.append(f"{pad}for i{j} in {rng}:")
    else:
        inner = "    " * (base + len(loops))
        lines += [inner + line for line in w.lines + stores + steps]
    for n in reversed(range(1, len(loops))):
        pad = "    " * (base + n)
        lines += [f"{pad}{target} = {cast(f'_a{k}', red.dtype)}" for k, start, _, _, _, red, target in accs
                  if start == n]
    if chunked:
        lines += [f"        _part{k}[_c] = _a{k}" for k, _, _, _, _, _, _ in whole]
        for k, _, _, combine, acc, _, _ in whole:
            lines.append(f"    _a{k} = _part{k}[0]")
            lines.append("    for _k in range(1, _nc):")
            lines.append(f"        _a{k} = {cast(combine.format(f'_part{k}[_k]', acc=f'_a{k}'), acc)}")
    results = [cast(f"_a{k}", red.dtype) for k, _, _, _, _, red, _ in whole]
    lines.append(f"    return ({', '.join(results)}{',' if len(results) == 1 else ''})")
    return lines
