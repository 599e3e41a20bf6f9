"""``while_loop``: carried values updated by a step graph while a predicate graph says so.

Operands: the invariants both graphs read (``num_consts``), then the initial carried values. Attrs: ``cond``
and ``body`` (``LoopBody`` s over the same inputs: the invariants, then the carried values; ``cond`` has one
boolean scalar output, ``body`` the new carried values), ``num_consts``, ``num_carry``, ``sizes`` and ``output``
(one node per final carried value; they form one equation, as ``scan``'s results do).

Forward mode carries tangents beside the values. Reverse mode is refused, as in JAX: the number of steps is
unknown until the loop has run, so there is no tape to reverse (``scan`` with a bound differentiates both
ways). Batching with a batched predicate runs until every example is done, each example's carry frozen once
its own predicate is false. Imports core, ops and autodiff.
"""

import collections

import numpy as np

from ..core import effects
from ..core.graph import Var
from ..core.types import TensorType
from ..core.interpret import interpret
from ..core.primitive import Primitive, Kind, register, bind
from ..ops.layout import broadcast_to, reshape
from ..ops.math import select, convert, gt
from ..ops.reduce import reduce_max
from ..ops._rules import Sample
from ..autodiff import forward, zeros_like
from ..autodiff.batching import batch_with_flags
from .body import LoopBody, close_body, rebind, checked_arrays
from .scan import as_operands, remember, recall


def _while_shape(*types, cond, body, num_consts, num_carry, output, sizes):
    if len(types) != len(body.inputs):
        raise TypeError(f"while_loop: the step takes {len(body.inputs)} operands, got {len(types)}")
    for k, (t, b) in enumerate(zip(types, body.inputs)):
        if t.dtype != b.dtype or t.ndim != b.ndim:
            role = "invariant" if k < num_consts else "initial carry"
            raise TypeError(f"while_loop: operand {k} ({role}) is {t!r}, but the step was traced for {b.type!r}")
    if not 0 <= output < num_carry:
        raise ValueError(f"while_loop: output {output} out of range (the loop carries {num_carry} values)")
    return types[num_consts + output]


_RUNS = collections.OrderedDict()


def run_while(operands, cond, body, num_consts, num_carry, sizes):
    key = (body, tuple(sizes))
    hit = recall(_RUNS, key, operands)
    if hit is not None:
        return hit
    arrays = checked_arrays(operands, body, "while_loop")
    consts, carry = arrays[:num_consts], arrays[num_consts:]
    env = dict(zip(body.syms, sizes))
    while True:
        (pred,), _ = interpret(cond, consts + carry, sizes=env)
        if not bool(pred):
            break
        outs, _ = interpret(body, consts + carry, sizes=env)
        carry = [np.asarray(o) for o in outs]
    result = [np.array(c, copy=True) for c in carry]
    remember(_RUNS, key, operands, result)
    return result


def _while_numpy(*operands, cond, body, num_consts, num_carry, output, sizes):
    return run_while(operands, cond, body, num_consts, num_carry, sizes)[output].copy()


def close_loop(inputs, pred, outputs, num_carry):
    """(cond, body, captured) for a predicate and new carried values traced over the same ``inputs`` (the
    invariants, then the last ``num_carry``, the carried values)."""
    both, captured = close_body(inputs, [pred] + list(outputs), len(inputs) - num_carry, num_carry)
    nk = both.num_consts
    cond = LoopBody(both.inputs, both.outputs[:1], nk, num_carry, both.syms)
    body = LoopBody(both.inputs, both.outputs[1:], nk, num_carry, both.syms)
    return cond, body, captured


def make_while(cond_inputs, pred, inputs, outputs, init):
    """The final carried values of the loop: ``pred`` traced over ``cond_inputs``, ``outputs`` over ``inputs``."""
    from ..core.graph import substitute
    pred = substitute([pred], dict(zip(cond_inputs, inputs)))[0]
    cond, body, captured = close_loop(inputs, pred, outputs, len(inputs))
    return _nodes(cond, body, list(captured) + list(init))


def _nodes(cond, body, operands):
    attrs = dict(cond=cond, body=body, num_consts=body.num_consts, num_carry=body.num_carry, sizes=body.syms)
    operands = as_operands(operands)
    return [bind(while_loop, *operands, output=k, **attrs) for k in range(body.num_carry)]


def _no_vjp(*args, **attrs):
    raise TypeError("while_loop is not reverse-differentiable: its number of steps is known only when it has "
                    "run. Use lax.scan or lax.fori_loop with Python-int bounds (forward mode, jvp/jacfwd, works)")


# -- forward mode ------------------------------------------------------------------------------------------
def _while_jvp(tangents, node, *operands, cond, body, num_consts, num_carry, output, sizes):
    """Output number -> tangent, from one loop carrying tangents beside the values (once per equation)."""
    carried, primals, nodes = _jvp_nodes(tangents, operands, cond, body, num_consts, num_carry)

    def tangent(k):
        return nodes[carried.index(k)] if k in carried else None
    tangent.primal = primals.__getitem__     # NOTE: the values, as this loop computes them beside the tangents
    return tangent


def _jvp_nodes(tangents, operands, cond, body, nk, nc):
    consts, init = operands[:nk], operands[nk:]
    tk = [j for j in range(nk) if tangents[j] is not None]
    tc = [j for j in range(nc) if init[j].dtype.kind in "fc"]
    ins = ([Var(TensorType(v.dtype, v.shape)) for v in consts] + [Var(TensorType(consts[j].dtype, consts[j].shape))
                                                                  for j in tk]
           + [Var(TensorType(v.dtype, v.shape)) for v in init] + [Var(TensorType(init[j].dtype, init[j].shape))
                                                                  for j in tc])
    k_b, dk_b = ins[:nk], ins[nk:nk + len(tk)]
    c_b, dc_b = ins[nk + len(tk):nk + len(tk) + nc], ins[nk + len(tk) + nc:]
    (pred,) = rebind(cond, k_b + c_b)
    outs = rebind(body, k_b + c_b)
    outs, touts = forward(outs, [k_b[j] for j in tk] + [c_b[j] for j in tc], dk_b + dc_b, with_primals=True)
    dcs = [touts[j] if touts[j] is not None else zeros_like(outs[j]) for j in tc]
    outs = [zeros_like(o) if effects.is_token(b) else o for o, b in zip(outs, body.outputs)]
    jc, jb, captured = close_loop(ins, pred, outs + dcs, nc + len(tc))
    # NOTE: the invariants' tangents are invariants too: they sit before the carried values
    dinit = [tangents[nk + j] if tangents[nk + j] is not None else zeros_like(init[j]) for j in tc]
    ops = list(captured) + list(consts) + [tangents[j] for j in tk] + list(init) + dinit
    nodes = _nodes(jc, jb, ops)
    return tc, nodes[:nc], nodes[nc:]


# -- batching ------------------------------------------------------------------------------------------------
def _while_batch(args, batched, size, *, cond, body, num_consts, num_carry, output, sizes):
    """Output number -> batched value, from one batched loop (once per equation); ``.batched(k)``: whether
    it has the batch axis (a carry no example changes has not, as in JAX)."""
    nodes, flags = _batch_nodes(args, batched, size, cond, body, num_consts, num_carry)

    def result(k):
        return nodes[k]
    result.batched = flags.__getitem__
    return result


def _batch_nodes(args, batched, size, cond, body, nk, nc):
    flags = list(batched)
    while True:
        ins = [Var(TensorType(b.dtype, (size,) + tuple(b.shape))) if f else b for b, f in zip(body.inputs, flags)]
        mapped = [b for b, f in zip(body.inputs, flags) if f]
        news = [v for v, f in zip(ins, flags) if f]
        outs, oflags = batch_with_flags(list(cond.outputs) + list(body.outputs), mapped, news, size)
        # NOTE: a batched predicate makes every carry batched (each example stops at its own step)
        grow = [j for j in range(nc) if (oflags[1 + j] or oflags[0]) and not flags[nk + j]]
        if not grow:
            break
        for j in grow:
            flags[nk + j] = True
    pred, new = outs[0], outs[1:]
    new = [o if (oflags[1 + j] or not flags[nk + j]) else broadcast_to(o, shape=(size,) + tuple(o.shape))
           for j, o in enumerate(new)]
    if oflags[0]:
        any_pred = gt(reduce_max(convert(pred, dtype="int8"), axes=(0,)), 0)
        new = [select(reshape(pred, shape=(size,) + (1,) * (o.ndim - 1)), o, c)
               for o, c in zip(new, ins[nk:])]
        pred = any_pred
    bc, bb, captured = close_loop(ins, pred, new, nc)
    ops = list(captured) + [a if batched[k] or not f else broadcast_to(a, shape=(size,) + tuple(a.shape))
                            for k, (a, f) in enumerate(zip(args, flags))]
    return _nodes(bc, bb, ops), flags[nk:]


# -- registry samples ----------------------------------------------------------------------------------------
def _samples(rng):
    """Halving until below a threshold (an invariant, a float and an int carry), a loop that runs no step,
    and an empty and a size-1 carried array."""
    from ..ops import math as m

    def loop(types, pred_of, step_of):
        ins = [Var(t) for t in types]
        cond, body, captured = close_loop(ins, pred_of(*ins), step_of(*ins), len(types) - 1)
        assert not captured
        return cond, body

    f, i = TensorType("float64", ()), TensorType("int64", ())
    v = TensorType("float64", (1,))
    c1, b1 = loop([f, f, i], lambda t, x, n: m.gt(m.abs_(x), t), lambda t, x, n: [x * 0.5, n + 1])
    e = TensorType("float64", (0,))
    c2, b2 = loop([f, e, v], lambda t, a, x: m.lt(t, 0.0), lambda t, a, x: [a * t, m.sin(x) * t])

    def case(cond, body, ops, k):
        return Sample(*ops, cond=cond, body=body, num_consts=1, num_carry=body.num_carry, output=k, sizes=())
    thr, x0 = np.float64(rng.uniform(0.1, 0.3)), np.float64(rng.uniform(1, 2))
    return [case(c1, b1, (thr, x0, np.int64(0)), 0), case(c1, b1, (thr, x0, np.int64(0)), 1),
            case(c2, b2, (np.float64(rng.uniform(0.5, 1)), np.zeros(0), rng.uniform(-1, 1, 1)), 1)]


while_loop = register(Primitive(
    "while_loop", Kind.OPAQUE, shape=_while_shape, numpy=_while_numpy, vjp=_no_vjp, jvp=_while_jvp,
    batch=_while_batch, samples=_samples, extra={"multi_output": True},
    doc="carried values stepped by the graph in attrs body while the graph in attrs cond is true"))


__all__ = ["while_loop", "make_while", "run_while", "close_loop"]
