"""``scan``: a loop over a leading axis whose step is a graph (``LoopBody``), compiled once however many steps
it runs. ``lax.scan``, ``fori_loop`` and Theano's ``scan`` all become this primitive.

Operands: the invariants (``num_consts``), the initial carried values (``num_carry``), the scanned arrays.
Attrs: ``body``, ``num_consts``, ``num_carry``, ``length`` (an int or a symbolic size; None when the step
count is a traced integer, the last operand, and scanned arrays then need at least that many rows), ``reverse``, ``sizes``
(values for ``body.syms``) and ``output``. Every primitive has one output, so the loop's results are several
nodes that differ only in ``output``, and count as ONE equation (``core.graph.sibling_key``): backends run
the loop once for all of them, and reverse mode differentiates them together. Outputs, by number: the final
carried values; each per-step result stacked along a new first axis; and each carried value as it ENTERED
each step, stacked (the residuals reverse mode reads; a backend fills them only when a node asks for them).

Derivatives: the VJP is a scan in the other direction whose step applies the forward step's own VJP at
its residual (the carry entering it), accumulating the invariants' cotangents in its carry. Where that VJP
reads the step's results (tanh's reads tanh's), it reads the forward loop's instead of recomputing them:
the carry that left the step (carried over from the backward step before) and the per-step results' rows.
The JVP is a scan that carries tangents beside values. Both are built from the body with the
graph transforms, so they differentiate again. Batching maps the body and carries the batch axis after
the scanned one. Imports core, ops and autodiff.
"""

import collections
import hashlib

import numpy as np

from ..core import effects
from ..core.graph import Var, Graph, as_var, free_inputs, size_providers, substitute, toposort
from ..core.types import TensorType, Sym, DimExpr, dim_sum, is_known
from ..core.errors import ShapeError
from ..core.interpret import interpret, SizeEnv
from ..core.primitive import Primitive, Kind, register, bind
from ..ops.layout import transpose, broadcast_to, slice_grad
from ..ops._rules import Sample
from ..autodiff import backward, forward, zeros_like
from ..autodiff.batching import batch_with_flags
from .body import (LoopBody, close_body, rebind, slice_type, stacked_type, checked_arrays, split, known_values,
                   value_chain, free_syms, input_sizes)

ROLES = ("invariant", "initial carry", "scanned array")


def _role(k, num_consts, num_carry):
    return ROLES[0] if k < num_consts else ROLES[1] if k < num_consts + num_carry else ROLES[2]


def _map_dims(body_dims, operand_dims, dimmap):
    for b, o in zip(body_dims, operand_dims):
        if is_known(b):
            if is_known(o) and o != b:
                return False
        else:
            dimmap.setdefault(id(b), o)
    return True


def _outer_dim(d, dimmap):
    """A per-step output's size in the loop's own sizes: the size of a concatenation in the step is the sum of
    the operands' sizes its parts stand for, which the caller can allocate before the loop."""
    if isinstance(d, DimExpr):
        return d.with_terms([_outer_dim(t, dimmap) for t in d.terms])
    if id(d) not in dimmap and isinstance(d, Sym) and d.origin is not None and d.origin.prim is not None \
            and d.origin.prim.name == "concatenate":
        axis = dict(d.origin.attrs)["axis"]
        return dim_sum([_outer_dim(x.shape[axis], dimmap) for x in d.origin.inputs])
    return dimmap.get(id(d), d)


def _scan_shape(*types, body, num_consts, num_carry, length, reverse, output, sizes):
    if length is None:
        # NOTE: the step count is the last operand (a traced n_steps); the stacked results get a new size
        count, types = types[-1], types[:-1]
        if count.ndim != 0 or count.dtype.kind not in "iu":
            raise TypeError(f"scan: the step count must be an integer scalar, got {count!r}")
        length = Sym()
    if len(types) != len(body.inputs):
        raise TypeError(f"scan: the body takes {len(body.inputs)} operands, got {len(types)}")
    dimmap = {}
    first = num_consts + num_carry
    for k, (t, b) in enumerate(zip(types, body.inputs)):
        role = _role(k, num_consts, num_carry)
        dims = tuple(t.shape[1:]) if k >= first else tuple(t.shape)
        if t.dtype != b.dtype or len(dims) != b.ndim or not _map_dims(b.shape, dims, dimmap):
            want = stacked_type(length, b.type) if k >= first else b.type
            raise TypeError(f"scan: operand {k} ({role}) is {t!r}, but the step was traced for {want!r}")
        if k >= first and is_known(t.shape[0]) and is_known(length) and t.shape[0] != length:
            raise ShapeError(f"scan: scanned array {k - first} has {t.shape[0]} rows for a loop of length {length}")
    nc, ny = num_carry, body.num_ys
    if output < nc:
        return types[num_consts + output]
    if output < nc + ny:
        y = body.outputs[nc + output - nc]
        return TensorType(y.dtype, (length,) + tuple(_outer_dim(d, dimmap) for d in y.shape))
    if output < 2 * nc + ny:
        return stacked_type(length, types[num_consts + output - nc - ny])
    raise ValueError(f"scan: output {output} out of range (the loop has {2 * nc + ny})")


# -- the reference rule ------------------------------------------------------------------------------------
_RUNS = collections.OrderedDict()   # one loop's results for its sibling nodes (see remember)


def run_scan(operands, body, num_consts, num_carry, length, reverse, sizes, at_least=False):
    """Every output of the loop, computed by interpreting the body step by step. ``at_least``: scanned arrays
    may have more rows than steps (a traced step count: the loop reads the first ``length``)."""
    key = (body, length, reverse, tuple(sizes))
    hit = recall(_RUNS, key, operands)
    if hit is not None:
        return hit
    arrays = checked_arrays(operands, body, "scan", lambda k: f"operand {k} ({_role(k, num_consts, num_carry)})")
    first = num_consts + num_carry
    consts, carry, xs = arrays[:num_consts], arrays[num_consts:first], arrays[first:]
    for j, x in enumerate(xs):
        if x.ndim < 1 or (x.shape[0] < length if at_least else x.shape[0] != length):
            raise ShapeError(f"scan: scanned array {j} has shape {x.shape}, expected {'at least ' * at_least}"
                             f"{length} rows")
    env = dict(zip(body.syms, sizes))
    steps = range(length - 1, -1, -1) if reverse else range(length)
    ys = [[None] * length for _ in range(body.num_ys)]
    res = [[None] * length for _ in range(num_carry)]
    for t in steps:
        for j, c in enumerate(carry):
            res[j][t] = c
        outs, _ = interpret(body, consts + carry + [x[t] for x in xs], sizes=env)
        carry = [np.asarray(o) for o in outs[:num_carry]]
        for j, y in enumerate(outs[num_carry:]):
            ys[j][t] = y
    if length == 0:
        shapes = _empty_shapes(body, arrays, num_consts, num_carry, env)
        stacked = [np.zeros((0,) + s, o.dtype) for s, o in zip(shapes, body.outputs[num_carry:])]
        stacked += [np.zeros((0,) + c.shape, c.dtype) for c in carry]
    else:
        stacked = [np.stack(y) for y in ys] + [np.stack(r) for r in res]
    result = [np.array(c, copy=True) for c in carry] + stacked
    remember(_RUNS, key, operands, result)
    return result


def remember(runs, key, operands, result):
    """Keep a loop's results for its sibling nodes, with a digest of each operand's bytes. A loop is a pure
    function of its operands, so a later call with equal values (an array written in place since does not
    qualify; a backend's fresh host copy of the same values does) gets these results. ``key[0]`` is the step
    graph, held here so that its id is never reused while the entry lives. Digests, not copies: an eager loop
    over a large array must not keep copies of it."""
    runs[_key(key, operands)] = (key[0], tuple(_digest(a) for a in operands), result)
    if len(runs) > 16:
        runs.popitem(last=False)


def recall(runs, key, operands):
    hit = runs.get(_key(key, operands))
    if hit is None or hit[0] is not key[0] or any(_digest(a) != d for a, d in zip(operands, hit[1])):
        return None
    return hit[2]


def _digest(a):
    a = np.ascontiguousarray(a)
    return hashlib.blake2b(a.reshape(-1).view(np.uint8), digest_size=16).digest()


def _key(key, operands):
    return (id(key[0]),) + tuple(key[1:]) + tuple((np.shape(a), np.asarray(a).dtype.str) for a in operands)


def _empty_shapes(body, arrays, num_consts, num_carry, env):
    """The per-step results' shapes of a loop that runs no step, from the sizes its operands bind."""
    sizes = SizeEnv(env)
    first = num_consts + num_carry
    for k, (v, a) in enumerate(zip(body.inputs, arrays)):
        shape = a.shape[1:] if k >= first else a.shape
        sizes.bind_value(v, np.broadcast_to(np.zeros((), np.uint8), shape), f"scan operand {k}")
    try:
        return [tuple(sizes.resolve(d) for d in y.shape) for y in body.outputs[num_carry:]]
    except KeyError:
        pass
    # NOTE: a size the step computes (x[:2] or a reshape of a symbolic size) is one its operands' shapes
    # decide, not their values: one step run on zeros of those shapes gives it (JAX knows it from the trace)
    dummies = [np.zeros(a.shape[1:] if k >= first else a.shape, a.dtype) for k, a in enumerate(arrays)]
    try:
        with np.errstate(all="ignore"):     # NOTE: log(0) of the zeros is no error of the program's
            outs, _ = interpret(body, dummies, sizes=env)
    except Exception:
        raise ShapeError("scan: a loop of length 0 cannot know the shape of a per-step result whose size "
                         "the step computes") from None
    return [np.shape(y) for y in outs[num_carry:]]


def _scan_numpy(*operands, body, num_consts, num_carry, length, reverse, output, sizes):
    at_least = length is None
    if at_least:
        operands, length = operands[:-1], int(np.asarray(operands[-1]))
        if length < 0:
            raise ValueError(f"scan: the number of steps must be >= 0, got {length}")
    # NOTE: a copy: the kept results go to every later call with equal operands, which may write its own
    return run_scan(operands, body, num_consts, num_carry, int(length), reverse, sizes, at_least)[output].copy()


# -- building loops ----------------------------------------------------------------------------------------
def make_scan(body, operands, length, reverse=False, sizes=None):
    """All the loop's outputs as nodes: (final carries, stacked per-step results); reverse mode makes the
    residual ones. ``length``: an int, a symbolic size, or a traced integer scalar (the step count is then
    the last operand)."""
    if isinstance(length, Var):
        operands, length = list(operands) + [length], None
    attrs = dict(body=body, num_consts=body.num_consts, num_carry=body.num_carry, length=length,
                 reverse=bool(reverse), sizes=tuple(body.syms) if sizes is None else tuple(sizes))
    nc, ny = body.num_carry, body.num_ys
    operands = as_operands(operands)
    outs = [bind(scan, *operands, output=k, **attrs) for k in range(nc + ny)]
    return outs[:nc], outs[nc:]


def as_operands(operands):
    """Operands made Vars once when any is traced (so the loop's nodes share them: one equation), else left
    as arrays (the loop runs eagerly, once for all its results). A value the step computed from constants
    alone (``zeros_like`` of the step's input, captured as an invariant) is no traced value: it is evaluated."""
    # NOTE: a value that reads no input may still have a size that one sets (T.zeros((n,)) of a traced n)
    if any(isinstance(o, Var) and not o.is_const and free_inputs([o] + size_providers([o])) for o in operands):
        return [as_var(o) for o in operands]
    return [_evaluated(o) if isinstance(o, Var) else np.asarray(o) for o in operands]


def _evaluated(v):
    if v.is_const:
        return v.value
    return interpret(Graph([], [v]), [])[0][0]


def _sibling(operands, attrs, k):
    return bind(scan, *operands, output=k, **attrs)


def _step_body(fn, in_types, num_consts, num_carry):
    """Trace ``fn`` (fresh input Vars -> output Vars) into a closed LoopBody; returns (body, captured)."""
    inputs = [Var(TensorType(t.dtype, t.shape)) for t in in_types]
    return close_body(inputs, fn(*inputs), num_consts, num_carry)


def _count(operands, length):
    """(the loop's operands, its traced step count or None)."""
    return (operands[:-1], operands[-1]) if length is None else (operands, None)


def _is_float(v):
    return v.dtype.kind in "fc"


# -- reverse mode ------------------------------------------------------------------------------------------
def _saved_residuals(body, grads, candidates):
    """What the backward loop reads of the forward step (the frontier of ``grads``, graphs over the step's own
    nodes): (the output numbers among ``candidates`` (results the forward loop has anyway) whose values it
    reads, the step's other nodes it reads, which the forward loop saves per step). Layout nodes are not
    saved but recomputed from what they read; so are nodes of a size no operand carries."""
    forward = {v._id for v in toposort(list(body.outputs))}
    sized = input_sizes(body.inputs)
    chains = [{v._id for v in value_chain(body.outputs[k], sized)} for k in candidates]
    covered = set().union(*chains) if chains else set()
    reads, saved, seen = set(), [], set()

    def read(v):
        if v._id in seen or v.prim is None or v.is_const:
            return
        seen.add(v._id)
        reads.add(v._id)
        if v._id in covered:
            return
        if v.prim.kind is Kind.LAYOUT or not all(is_known(d) or id(d) in sized for d in v.shape):
            for i in v.inputs:
                read(i)
        else:
            saved.append(v)
    for v in toposort(grads):
        if v._id in forward:
            continue
        for i in v.inputs:
            if i._id in forward:
                read(i)
    for g in grads:
        if g._id in forward:
            read(g)
    return [k for k, c in zip(candidates, chains) if c & reads], saved


def _scan_vjp(cts, node, *operands, body, num_consts, num_carry, length, reverse, output, sizes):
    """Cotangents of the operands from the cotangents ``cts`` ({output number: Var}) of the loop's outputs."""
    nk, nc, ny = num_consts, num_carry, body.num_ys
    all_operands, (operands, count) = operands, _count(operands, length)
    consts, init, xs = operands[:nk], operands[nk:nk + nc], operands[nk + nc:]
    fc = [j for j in range(nc) if _is_float(init[j])]            # carries with cotangents
    fk = [j for j in range(nk) if _is_float(consts[j])]
    fx = [j for j in range(len(xs)) if _is_float(xs[j])]
    ct_y = [j for j in range(ny) if cts.get(nc + j) is not None and _is_float(body.outputs[nc + j])]
    ct_r = [j for j in fc if cts.get(nc + ny + j) is not None]
    ct_final = [cts.get(j) if cts.get(j) is not None else zeros_like(init[j]) for j in fc]
    acc0 = [zeros_like(consts[j]) for j in fk]

    # NOTE: the step's VJP over its own nodes; the backward step rebuilds it over its inputs, reading from the
    # forward loop what the VJP reads of the step: a carry as it LEFT a step is the residual of the step after
    # it (the backward loop carries it over from the step it ran before; the final carry for the first), a
    # per-step result is a row of the stacked output, and any other node it reads (tanh's result, a sigmoid
    # gate) the forward loop saves as an extra per-step result, as JAX's linearization does
    stand_c = [Var(init[j].type) for j in fc]
    stand_y = [Var(body.outputs[nc + j].type) for j in ct_y]
    out_cts = [None] * len(body.outputs)
    for j, c in zip(fc, stand_c):
        out_cts[j] = c
    for j, c in zip(ct_y, stand_y):
        out_cts[nc + j] = c
    wrt = [body.inputs[j] for j in fk] + [body.inputs[nk + j] for j in fc] + [body.inputs[nk + nc + j] for j in fx]
    grads0 = backward(list(body.outputs), out_cts, wrt)
    kept = [k for k, g in enumerate(grads0) if g is not None]
    candidates = list(fc) + [nc + j for j in range(ny) if _is_float(body.outputs[nc + j])]
    read, saved = _saved_residuals(body, [grads0[k] for k in kept], candidates)
    saved = [] if getattr(body, "remat", False) else saved     # NOTE: getattr: bodies pickled before the flag
    out_c, out_y = [j for j in read if j < nc], [j - nc for j in read if j >= nc]
    fwd_attrs = dict(body=body, num_consts=nk, num_carry=nc, length=length, reverse=reverse, sizes=sizes)
    if saved:
        extended = LoopBody(list(body.inputs), list(body.outputs) + saved, nk, nc)
        extended.syms = free_syms(extended)
        if tuple(extended.syms) == tuple(body.syms):
            fwd_attrs["body"] = extended
        else:
            saved = []

    def fwd(k):
        """Output k of the loop as numbered for ``body``, from the loop that also saves ``saved``."""
        return _sibling(all_operands, fwd_attrs, k + len(saved) if k >= nc + ny else k)
    residuals = [fwd(nc + ny + j) for j in range(nc)]
    saved_rows = [_sibling(all_operands, fwd_attrs, nc + ny + k) for k in range(len(saved))]

    types = ([v.type for v in consts] + [init[j].type for j in fc] + [consts[j].type for j in fk]
             + [init[j].type for j in out_c] + [slice_type(x.type) for x in xs]
             + [slice_type(r.type) for r in residuals] + [body.outputs[nc + j].type for j in ct_y]
             + [init[j].type for j in ct_r] + [body.outputs[nc + j].type for j in out_y]
             + [slice_type(v.type) for v in saved_rows])

    def step(*vs):
        k_b, ctc_b, acc_b, oc_b, x_b, r_b, cty_b, ctr_b, oy_b, s_b = split(
            vs, len(consts), len(fc), len(fk), len(out_c), len(xs), len(residuals), len(ct_y), len(ct_r),
            len(out_y), len(saved))
        # NOTE: rebuilt over the step's inputs first, so that the values read off the forward loop's are built
        # in the step's own sizes; then the rebuilt nodes the forward loop has are replaced by its values
        mapping = dict(zip(body.inputs, k_b + r_b + x_b))
        mapping.update(zip(stand_c, ctc_b))
        mapping.update(zip(stand_y, cty_b))
        rebuilt = substitute([grads0[k] for k in kept] + [body.outputs[j] for j in out_c]
                             + [body.outputs[nc + j] for j in out_y] + saved, mapping)
        g_new, oc_new, oy_new, saved_new = split(rebuilt, len(kept), len(out_c), len(out_y), len(saved))
        known = dict(zip(saved_new, s_b))
        sized = input_sizes(vs)
        for o, v in zip(oc_new + oy_new, oc_b + oy_b):
            known_values(o, v, known, sized)
        grads = [None] * len(grads0)
        for k, g in zip(kept, substitute(g_new, known) if known else g_new):
            grads[k] = g
        g_k, g_c, g_x = grads[:len(fk)], grads[len(fk):len(fk) + len(fc)], grads[len(fk) + len(fc):]
        extra = dict(zip(ct_r, ctr_b))
        new_ct = []
        for j, g in zip(fc, g_c):
            g = g if g is not None else zeros_like(r_b[j])
            new_ct.append(g + extra[j] if j in extra else g)
        new_acc = [a if g is None else a + g for a, g in zip(acc_b, g_k)]
        ys = [g if g is not None else zeros_like(x_b[j]) for j, g in zip(fx, g_x)]
        return new_ct + new_acc + [r_b[j] for j in out_c] + ys

    # NOTE: the step carries the carry cotangents, the invariants' cotangents summed so far and the carries
    # that left the step after it
    bwd, captured = _step_body(step, types, nk, len(fc) + len(fk) + len(out_c))
    ops = (list(captured) + list(consts) + ct_final + acc0 + [fwd(j) for j in out_c]
           + list(xs) + residuals + [cts[nc + j] for j in ct_y] + [cts[nc + ny + j] for j in ct_r]
           + [fwd(nc + j) for j in out_y] + saved_rows)
    finals, stacked = make_scan(bwd, ops, length if count is None else count, reverse=not reverse)
    result = [None] * len(all_operands)
    for j, v in zip(fc, finals[:len(fc)]):
        result[nk + j] = v
    for j, v in zip(fk, finals[len(fc):len(fc) + len(fk)]):
        result[j] = v
    for j, v in zip(fx, stacked):
        if count is not None:
            # NOTE: with a traced count, a scanned array may be longer than the loop: its other rows get zeros
            v = slice_grad(v, shape=xs[j].shape, index=((0, v.shape[0], None),) + ((None, None, None),) * (v.ndim - 1))
        result[nk + nc + j] = v
    return result


# -- forward mode ------------------------------------------------------------------------------------------
def _scan_jvp(tangents, node, *operands, body, num_consts, num_carry, length, reverse, output, sizes):
    """A function from an output number of the original loop to its tangent (None: zero), all from ONE loop
    that carries tangents beside the values (called once per equation)."""
    nk, nc = num_consts, num_carry
    ny = body.num_ys
    operands, count = _count(operands, length)
    consts, init, xs = operands[:nk], operands[nk:nk + nc], operands[nk + nc:]
    tk = [j for j in range(nk) if tangents[j] is not None]
    tc = [j for j in range(nc) if _is_float(init[j])]
    tx = [j for j in range(len(xs)) if tangents[nk + nc + j] is not None]
    ty = [j for j in range(ny) if _is_float(body.outputs[nc + j])]
    types = ([v.type for v in consts] + [consts[j].type for j in tk] + [v.type for v in init]
             + [init[j].type for j in tc] + [slice_type(x.type) for x in xs] + [slice_type(xs[j].type) for j in tx])

    def step(*vs):
        k_b, dk_b, c_b, dc_b, x_b, dx_b = split(vs, len(consts), len(tk), len(init), len(tc), len(xs), len(tx))
        outs = rebind(body, k_b + c_b + x_b)
        prim = [k_b[j] for j in tk] + [c_b[j] for j in tc] + [x_b[j] for j in tx]
        outs, touts = forward(outs, prim, dk_b + dc_b + dx_b, with_primals=True)
        dcs = [t if t is not None else zeros_like(outs[j]) for j, t in zip(tc, [touts[j] for j in tc])]
        dys = [touts[nc + j] if touts[nc + j] is not None else zeros_like(outs[nc + j]) for j in ty]
        ys = [zeros_like(o) if effects.is_token(b) else o for o, b in zip(outs[nc:], body.outputs[nc:])]
        return outs[:nc] + dcs + ys + dys

    jb, captured = _step_body(step, types, nk + len(tk), nc + len(tc))
    dinit = [tangents[nk + j] if tangents[nk + j] is not None else zeros_like(init[j]) for j in tc]
    ops = (list(captured) + list(consts) + [tangents[j] for j in tk] + list(init) + dinit + list(xs)
           + [tangents[nk + nc + j] for j in tx] + ([] if count is None else [count]))
    attrs = dict(body=jb, num_consts=jb.num_consts, num_carry=jb.num_carry, length=length, reverse=reverse,
                 sizes=jb.syms)
    jnc, jny = nc + len(tc), ny + len(ty)

    def tangent(k):
        if k < nc:
            return _sibling(ops, attrs, nc + tc.index(k)) if k in tc else None
        if k < nc + ny:
            j = k - nc
            return _sibling(ops, attrs, jnc + ny + ty.index(j)) if j in ty else None
        j = k - nc - ny
        return _sibling(ops, attrs, jnc + jny + nc + tc.index(j)) if j in tc else None

    def primal(k):
        """The original loop's output k, as this loop computes it beside the tangents (forward mode then
        runs one loop, not two)."""
        if k < nc:
            return _sibling(ops, attrs, k)
        if k < nc + ny:
            return _sibling(ops, attrs, jnc + k - nc)
        return _sibling(ops, attrs, jnc + jny + k - nc - ny)
    tangent.primal = primal
    return tangent


# -- batching ------------------------------------------------------------------------------------------------
def _scan_batch(args, batched, size, *, body, num_consts, num_carry, length, reverse, output, sizes):
    """A function from an output number to its batched value (called once per equation), or None."""
    if length is None and batched[-1]:
        return None     # NOTE: a step count per example: one loop per example (the transform's fallback)
    return _batch_group(args, batched, size, body, num_consts, num_carry, length, reverse)


def _move(v, src, dst):
    perm = list(range(v.ndim))
    perm.insert(dst, perm.pop(src))
    return transpose(v, perm=tuple(perm))


def _batch_group(args, batched, size, body, nk, nc, length, reverse):
    first = nk + nc
    args, count = _count(args, length)
    flags = list(batched[:len(args)])
    while True:
        ins = []
        for k, (b, f) in enumerate(zip(body.inputs, flags)):
            ins.append(Var(TensorType(b.dtype, (size,) + tuple(b.shape))) if f else b)
        mapped = [b for b, f in zip(body.inputs, flags) if f]
        news = [v for v, f in zip(ins, flags) if f]
        outs, oflags = batch_with_flags(list(body.outputs), mapped, news, size)
        grow = [j for j in range(nc) if oflags[j] and not flags[nk + j]]
        if not grow:
            break
        for j in grow:
            flags[nk + j] = True
    # NOTE: a batched carry the step resets to an unbatched value is broadcast; a per-step result keeps the
    # batch axis when it has one (first within the step, so second once stacked)
    outs = [o if (oflags[k] or k >= nc or not flags[nk + k]) else broadcast_to(o, shape=(size,) + tuple(o.shape))
            for k, o in enumerate(outs)]
    nb, captured = close_body(ins, outs, nk, nc)
    ops = list(captured)
    for k, (a, f) in enumerate(zip(args, flags)):
        if k < first:
            ops.append(a if batched[k] or not f else broadcast_to(a, shape=(size,) + tuple(a.shape)))
        else:
            ops.append(_move(a, 0, 1) if f else a)
    ops += [] if count is None else [count]
    if not is_known(length) and count is None and len(args) > first:
        # NOTE: the traced example's length names a size of the unbatched program; the batched one has its own
        length = ops[len(captured) + first].shape[0]
    attrs = dict(body=nb, num_consts=nb.num_consts, num_carry=nc, length=length, reverse=reverse, sizes=nb.syms)
    ny = body.num_ys

    def batched(k):
        """Whether output k has the batch axis: a carry no example changes (and what it stacks) has not."""
        return flags[nk + k] if k < nc else oflags[k] if k < nc + ny else flags[nk + k - nc - ny]

    def result(k):
        v = _sibling(ops, attrs, k)
        return _move(v, 1, 0) if batched(k) and k >= nc else v
    result.batched = batched
    return result


# -- registry samples ----------------------------------------------------------------------------------------
def _samples(rng):
    """A running sum with a per-step product (invariant, carry and scanned operands), a reverse tanh RNN on a
    size-1 state, a loop of length 0, and a loop with no scanned array."""
    from ..ops import math as m

    def loop(in_types, nk, nc, step):
        body, captured = _step_body(step, in_types, nk, nc)
        assert not captured
        return body

    w, c, x = rng.uniform(-1, 1, 3), rng.uniform(-1, 1, 3), rng.uniform(-1, 1, (4, 3))
    b1 = loop([TensorType("float64", (3,))] * 3, 1, 1, lambda w, c, x: [c + w * x, m.sin(c) * x])
    h, xs1 = rng.uniform(-1, 1, (1,)), rng.uniform(-1, 1, (5, 1))
    b2 = loop([TensorType("float64", (1,))] * 2, 0, 1, lambda h, x: [m.tanh(h * 0.5 + x), h * h])
    b3 = loop([TensorType("float64", (2,)), TensorType("float64", (2,))], 0, 1, lambda h, x: [h * x, h])
    b4 = loop([TensorType("float64", ()), TensorType("float64", ())], 1, 1, lambda a, s: [s * a + 1.0])

    def case(body, ops, n, rev, k):
        return Sample(*ops, body=body, num_consts=body.num_consts, num_carry=body.num_carry, length=n,
                      reverse=rev, output=k, sizes=())
    return [case(b1, (w, c, x), 4, False, 0), case(b1, (w, c, x), 4, False, 1), case(b1, (w, c, x), 4, False, 2),
            case(b2, (h, xs1), 5, True, 0), case(b2, (h, xs1), 5, True, 1),
            case(b3, (rng.uniform(-1, 1, 2), np.zeros((0, 2))), 0, False, 1),
            case(b4, (np.float64(rng.uniform(0.5, 0.9)), np.float64(rng.uniform(-1, 1))), 3, False, 0)]


scan = register(Primitive(
    "scan", Kind.OPAQUE, shape=_scan_shape, numpy=_scan_numpy, vjp=_scan_vjp, jvp=_scan_jvp, batch=_scan_batch,
    samples=_samples, extra={"multi_output": True},
    doc="a loop whose step is the graph in attrs body: lax.scan, fori_loop, Theano's scan (see control/scan.py)"))


__all__ = ["scan", "make_scan", "run_scan", "LoopBody"]
