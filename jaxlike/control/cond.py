"""``cond``: one of several branch graphs applied to the same operands, chosen by an integer index when the
program runs (the primitive behind ``lax.cond`` and ``lax.switch``).

Why a primitive and not a select of every branch: only the chosen branch is evaluated, so a branch the index
rules out may index out of range or divide by zero without effect, and differentiation maps each branch to its
own derivative branch. A select's reverse mode multiplies the untaken branch's derivative by a zero cotangent,
and ``0 * inf`` is NaN: ``grad`` of ``cond(x > 0, sqrt, zeros)`` at 0 was NaN where JAX gives 0.

Operands: the index (an integer scalar, already clamped to the branches' range), then the values every branch
takes (the caller's operands, then the outer values any branch reads, lifted as in a loop body). Attrs:
``branch0`` ... (one ``LoopBody`` each, all over the same inputs and of the same output types),
``num_branches``, ``sizes`` (sizes the branches name that their inputs do not carry) and ``output``; the
results are sibling nodes, one equation, as a loop's are.

A branch body holds exactly what its function computed when traced: the outer values it reads become operands
(unlike a loop step, nothing computed outside it is pulled in, and nothing it computes is pulled out). The
reference interpreter and the numba CPU backend run one branch; backends without a lowering get every branch
and a select (``inline_cond``), which keeps the values and the derivatives. Reverse mode recomputes the
branch's forward values inside its derivative branch (no residuals cross the branch boundary).
Imports core, ops and autodiff.
"""

import collections

import numpy as np

from ..core.graph import Var, as_var, map_dims, subst_dims, distinct_syms, substitute
from ..core.types import TensorType, Sym
from ..core.interpret import interpret
from ..core.primitive import Primitive, Kind, register, bind
from ..ops.layout import broadcast_to
from ..ops.math import select, eq, convert, stop_gradient
from ..ops._rules import Sample
from ..autodiff import backward, forward, zeros_like
from ..autodiff.batching import batch_with_flags
from .body import LoopBody, free_syms, rebind, checked_arrays, inline_equations, known_values, input_sizes
from .scan import remember, recall


# -- tracing a branch ----------------------------------------------------------------------------------------
def mark():
    """The id the next node will get: a branch traced after this mark owns exactly the nodes with larger ids."""
    return Var(TensorType("bool", ()))._id


def close_branch(inputs, outputs, start):
    """(outputs, captured): ``outputs`` of a branch traced over ``inputs`` after ``mark()`` returned ``start``,
    and the outer values it reads (nodes made before ``start``, other than rank-0 constants, which stay in the
    branch where the compiler folds them), in the order first met."""
    own = {v._id for v in inputs}
    captured, seen, stack = [], set(), list(reversed(outputs))
    while stack:
        v = stack.pop()
        if v._id in seen or v._id in own:
            continue
        seen.add(v._id)
        # NOTE: an input made while tracing (a nested transform's stand-in) is no node of the branch either
        if (v._id < start or (v.prim is None and not v.is_const)) and not (v.is_const and v.ndim == 0):
            captured.append(v)
            continue
        stack.extend(reversed(v.inputs))
    return outputs, captured


def make_cond(index, traced, operands):
    """The results of the cond node choosing among branches ``traced`` (a list of (inputs, outputs, start):
    outputs traced over fresh inputs of the operands' types after ``mark()`` gave start) by ``index``. The
    branches' outputs must already have one type per position. Returns the result Vars, or None when a
    result's size would be one a branch computes (a select of every branch serves that case)."""
    operands = [as_var(o) for o in operands]
    closed = [close_branch(ins, [as_var(o) for o in outs], start) for ins, outs, start in traced]
    # NOTE: an outer value several branches read is one operand
    extra = list({c._id: c for _, caps in closed for c in caps}.values())
    slots = {c._id: Var(TensorType(c.dtype, c.shape)) for c in extra}
    known = {id(d) for v in operands + extra for d in v.shape if isinstance(d, Sym)}
    bodies = []
    for (ins, _, _), (outs, caps) in zip(traced, closed):
        if any(isinstance(d, Sym) and id(d) not in known for o in outs for d in o.shape):
            return None
        outs = substitute(outs, {c: slots[c._id] for c in caps}) if caps else outs
        inputs = list(ins) + [slots[c._id] for c in extra]
        body = LoopBody(inputs, outs, len(inputs), 0)
        body.syms = free_syms(body)
        bodies.append(body)
    return _nodes(index, bodies, operands + extra)


def with_operands(node, operands, replace, outputs=None):
    """The results of a cond like ``node``'s over new ``operands``: in branch k, the body's Vars that
    ``replace[k]`` maps (its inputs, or values inside it) read the outer expressions given there instead,
    built over ``operands`` (and computed inside the branch where they are more than an operand); only the
    results numbered in ``outputs`` (default all), renumbered from 0. How the passes in
    ``passes/branches.py`` move work into a branch, read a value computed outside it or drop unread results."""
    slots = {o._id: Var(TensorType(o.dtype, o.shape)) for o in operands}
    attrs = dict(node.attrs)
    bodies = []
    for b, mapping in zip(_branches(attrs), replace):
        outs = [b.outputs[k] for k in outputs] if outputs is not None else list(b.outputs)
        outs = substitute(substitute(outs, mapping), {o: slots[o._id] for o in operands})
        body = LoopBody([slots[o._id] for o in operands], outs, len(operands), 0)
        body.syms = free_syms(body)
        bodies.append(body)
    return _nodes(node.inputs[0], bodies, operands, node.source)


def _nodes(index, bodies, operands, source=None):
    syms = branch_syms(bodies)
    attrs = {f"branch{j}": b for j, b in enumerate(bodies)}
    index = convert(as_var(index), dtype="int64") if as_var(index).dtype != np.int64 else as_var(index)
    return [bind(cond, index, *operands, _source=source, output=k, num_branches=len(bodies), sizes=syms, **attrs)
            for k in range(len(bodies[0].outputs))]


def _branches(attrs):
    return [attrs[f"branch{j}"] for j in range(attrs["num_branches"])]


def branch_syms(bodies):
    """The sizes the branches name that their inputs do not carry, each once: the order of the node's
    ``sizes`` attr, which supplies them (the numba lowering reads it so too)."""
    return distinct_syms(tuple(s for b in bodies for s in b.syms))


def _fresh(values):
    return [Var(TensorType(v.dtype, v.shape)) for v in values]


# -- the primitive's rules -----------------------------------------------------------------------------------
def _cond_shape(index, *types, output, num_branches, sizes, **bodies):
    if index.ndim or index.dtype.kind not in "iu":
        raise TypeError(f"cond: the index must be an integer scalar, got {index!r}")
    first = bodies["branch0"]
    if len(types) != len(first.inputs):
        raise TypeError(f"cond: the branches take {len(first.inputs)} operands, got {len(types)}")
    dimmap = {}
    for k, (t, b) in enumerate(zip(types, first.inputs)):
        if t.dtype != b.dtype or t.ndim != b.ndim:
            raise TypeError(f"cond: operand {k} is {t!r}, but the branches were traced for {b.type!r}")
        map_dims(b.type.shape, t.shape, dimmap)
    out = first.outputs[output].type
    return TensorType(out.dtype, subst_dims(out.shape, dimmap))


_RUNS = collections.OrderedDict()   # the sibling nodes of one cond run their branch once (scan.remember)


def run_branch(operands, attrs):
    index, arrays = int(operands[0]), list(operands[1:])
    body = _branches(attrs)[min(max(index, 0), attrs["num_branches"] - 1)]
    key = (body, tuple(attrs["sizes"]))
    hit = recall(_RUNS, key, arrays)
    if hit is not None:
        return hit
    env = dict(zip(branch_syms(_branches(attrs)), attrs["sizes"]))
    outs, _ = interpret(body, checked_arrays(arrays, body, "cond"), sizes={s: env[s] for s in body.syms})
    remember(_RUNS, key, arrays, outs)
    return outs


def _cond_numpy(*operands, **attrs):
    return np.array(run_branch(operands, attrs)[attrs["output"]], copy=True)


def _full(cts, index, operands, attrs):
    """The output cotangents, zeros of the node's output types where None."""
    types = [_cond_shape(index.type, *[x.type for x in operands], **{**attrs, "output": k})
             for k in range(len(attrs["branch0"].outputs))]
    return [cts.get(k) if cts.get(k) is not None else zeros_like(Var(t)) for k, t in enumerate(types)]


def _cond_vjp(cts, node, index, *operands, output, num_branches, sizes, **bodies):
    """Operand cotangents from a cond of the branches' own derivative graphs (once per equation)."""
    attrs = {**bodies, "num_branches": num_branches, "sizes": sizes}
    branches = _branches(attrs)
    gs = _full(cts, index, operands, attrs)
    wanted = [k for k, x in enumerate(operands) if x.dtype.kind in "fc"]
    if not wanted:
        return [None] * (1 + len(operands))
    # NOTE: where a branch's derivative reads its results (tanh's reads tanh's), it reads the cond's own
    # instead of computing the branch again
    floats = [k for k, g in enumerate(gs) if g.dtype.kind in "fc"]
    forward_results = _nodes(index, branches, operands, node.source)   # NOTE: the node's own, CSE'd with them
    results_of = [forward_results[k] for k in floats]
    traced = []
    for b in branches:
        start = mark()
        ins, g_ins, r_ins = _fresh(operands), _fresh(gs), _fresh(results_of)
        outs = rebind(b, ins)
        grads = backward(outs, g_ins, [ins[k] for k in wanted])
        known, sized = {}, input_sizes(ins + g_ins + r_ins)
        for k, r in zip(floats, r_ins):
            known_values(outs[k], r, known, sized)
        kept = [j for j, g in enumerate(grads) if g is not None]
        if known and kept:
            for j, g in zip(kept, substitute([grads[j] for j in kept], known)):
                grads[j] = g
        grads = [g if g is not None else zeros_like(ins[k]) for g, k in zip(grads, wanted)]
        traced.append((ins + g_ins + r_ins, grads, start))
    results = make_cond(index, traced, list(operands) + gs + results_of)
    out = [None] * (1 + len(operands))
    for k, r in zip(wanted, results):
        out[1 + k] = r
    return out


def _cond_jvp(tangents, node, index, *operands, output, num_branches, sizes, **bodies):
    """Output number -> tangent, from a cond of the branches' tangent graphs (once per equation)."""
    branches = _branches({**bodies, "num_branches": num_branches})
    moving = [k for k, t in enumerate(tangents[1:]) if t is not None]
    floats = [k for k, o in enumerate(branches[0].outputs) if o.dtype.kind in "fc"]
    if not moving or not floats:
        return lambda k: None
    traced = []
    for b in branches:
        start = mark()
        ins = _fresh(operands)
        t_ins = _fresh([operands[k] for k in moving])
        outs = rebind(b, ins)
        touts = forward([outs[k] for k in floats], [ins[k] for k in moving], t_ins)
        touts = [t if t is not None else zeros_like(outs[k]) for t, k in zip(touts, floats)]
        traced.append((ins + t_ins, touts, start))
    results = make_cond(index, traced, list(operands) + [tangents[1 + k] for k in moving])
    return lambda k: results[floats.index(k)] if k in floats else None


def _cond_batch(args, batched, size, *, output, num_branches, sizes, **bodies):
    """Output number -> batched value, once per equation: an unbatched index keeps one branch per call (each
    branch batched); a batched one computes every branch and selects per example, as JAX does."""
    branches = _branches({**bodies, "num_branches": num_branches})
    flags = list(batched[1:])
    if batched[0]:
        return _selected(args, batched, size, branches).__getitem__
    traced, per_branch = [], []
    for b in branches:
        start = mark()
        ins = [Var(TensorType(x.dtype, (size,) + tuple(x.shape))) if f else Var(x.type)
               for x, f in zip(b.inputs, flags)]
        outs, oflags = batch_with_flags(list(b.outputs), [x for x, f in zip(b.inputs, flags) if f],
                                        [v for v, f in zip(ins, flags) if f], size)
        per_branch.append((ins, outs, oflags, start))
    # NOTE: a result no branch batches keeps no batch axis (JAX's); one that some branch batches is batched
    # in all of them
    out_flags = [any(f) for f in zip(*[of for _, _, of, _ in per_branch])]
    for (ins, outs, oflags, start), b in zip(per_branch, branches):
        outs = [o if f or not want else broadcast_to(o, shape=(size,) + tuple(o.shape))
                for o, f, want in zip(outs, oflags, out_flags)]
        outs = substitute(outs, {x: v for x, v, f in zip(b.inputs, ins, flags) if not f})
        traced.append((ins, outs, start))
    results = make_cond(args[0], traced, list(args[1:]))
    if results is None:
        return _selected(args, batched, size, branches).__getitem__

    def result(k):
        return results[k]
    result.batched = out_flags.__getitem__
    return result


def _selected(args, batched, size, branches):
    """Every branch on the batched operands, one selected per example (the index's batch axis)."""
    stand_ins = [Var(TensorType(a.dtype, tuple(a.shape[1:]) if f else a.shape)) for a, f in zip(args, batched)]
    outs = selected_outputs(stand_ins[0], branches, stand_ins[1:])
    outs, oflags = batch_with_flags(outs, [s for s, f in zip(stand_ins, batched) if f],
                                    [a for a, f in zip(args, batched) if f], size)
    outs = substitute(outs, {s: a for s, a, f in zip(stand_ins, args, batched) if not f})
    return [o if f else broadcast_to(o, shape=(size,) + tuple(o.shape)) for o, f in zip(outs, oflags)]


def selected_outputs(index, branches, operands):
    """Every branch's outputs computed on ``operands``, and one per position chosen by ``index``. Each branch
    reads its float operands under stop_gradient where another branch is chosen (JAX's rule): the zero
    cotangent of an untaken branch times its own derivative there (sqrt's at 0: 0 * inf) would otherwise reach
    the operands as NaN."""
    results = [rebind(b, [_where_chosen(eq(index, np.asarray(j, dtype=index.dtype)), x) for x in operands])
               for j, b in enumerate(branches)]
    out = []
    for k in range(len(branches[0].outputs)):
        acc = results[-1][k]
        for j in range(len(branches) - 2, -1, -1):
            pick = eq(index, np.asarray(j, dtype=index.dtype))
            pick = broadcast_to(pick, shape=acc.shape) if acc.ndim else pick
            acc = select(pick, results[j][k], acc)
        out.append(acc)
    return out


def _where_chosen(pick, x):
    if x.dtype.kind not in "fc":
        return x
    pick = broadcast_to(pick, shape=x.shape) if x.ndim and pick.ndim == 0 else pick
    return select(pick, x, stop_gradient(x))


# -- for backends without a lowering ---------------------------------------------------------------------------
def inline_cond(graph):
    """``graph`` with every cond replaced by all its branches and a select: the same values and derivatives,
    every branch computed (for backends that cannot run one branch)."""
    return inline_equations(graph, (cond,), lambda attrs, ins: selected_outputs(ins[0], _branches(attrs), ins[1:]))


# -- registry samples --------------------------------------------------------------------------------------------
def _samples(rng):
    """sqrt or a constant of a float (index 0 and 1, and one out of range: clamped), two outputs of branches
    over a vector and an empty operand, and a (1, 3) operand."""
    from ..ops import math as m

    def branches(types, fns):
        traced = []
        for f in fns:
            start = mark()
            ins = [Var(t) for t in types]
            traced.append((ins, f(*ins), start))
        return traced

    f, v3, e = TensorType("float64", ()), TensorType("float64", (3,)), TensorType("float64", (0,))
    one = branches([f], [lambda x: [m.sqrt(m.abs_(x) + 1.0)], lambda x: [x * 0.0 + 2.0]])
    two = branches([v3, e], [lambda a, z: [m.sin(a), z * 2.0], lambda a, z: [a * a, z + 1.0]])
    row = branches([TensorType("float64", (1, 3))], [lambda a: [m.exp(a)], lambda a: [a * 3.0]])

    def case(traced, ops, index, k):
        bodies = [LoopBody(ins, outs, len(ins), 0) for ins, outs, _ in traced]
        for b in bodies:
            b.syms = free_syms(b)
        return Sample(np.int64(index), *ops, output=k, num_branches=len(bodies), sizes=(),
                      **{f"branch{j}": b for j, b in enumerate(bodies)})
    x = np.float64(rng.uniform(0.5, 2))
    a = rng.uniform(-1, 1, 3)
    return [case(one, (x,), 0, 0), case(one, (x,), 1, 0), case(one, (x,), 5, 0),
            case(two, (a, np.zeros(0)), 0, 0), case(two, (a, np.zeros(0)), 1, 0), case(two, (a, np.zeros(0)), 0, 1),
            case(row, (a[None],), 1, 0)]


cond = register(Primitive(
    "cond", Kind.OPAQUE, shape=_cond_shape, numpy=_cond_numpy, vjp=_cond_vjp, jvp=_cond_jvp, batch=_cond_batch,
    samples=_samples, extra={"multi_output": True},
    doc="the branch graph attrs branch<index> applied to the operands after the index (control/cond.py)"))


__all__ = ["cond", "make_cond", "with_operands", "mark", "close_branch", "inline_cond", "selected_outputs", "run_branch",
           "branch_syms"]
