"""Graph -> graph differentiation: reverse mode (``backward``) and forward mode (``forward``).

Both are single loops over the toposorted nodes reading each primitive's rule; no per-op code lives here.
Rules are written in jaxlike ops, so the derivative graphs can be differentiated again.
Imports core and ops only.
"""

import numpy as np

from ..core.graph import Var, toposort, const, equations
from ..core.primitive import Kind, LINEAR, bind
from ..core.types import is_known, shapes_equal
from ..ops.layout import broadcast_to, reshape
from ..ops.reduce import reduce_sum
from ..ops.math import convert


def zeros_like(v):
    z = const(np.zeros((), dtype=v.dtype))
    return broadcast_to(z, shape=v.shape) if v.ndim else z


def ones_like(v):
    o = const(np.ones((), dtype=v.dtype))
    return broadcast_to(o, shape=v.shape) if v.ndim else o


def unbroadcast(ct, typ):
    """Sum a cotangent of a broadcast result back to an operand's shape."""
    if shapes_equal(ct.shape, typ.shape):
        return ct
    off = ct.ndim - typ.ndim
    axes = list(range(off))
    for i, d in enumerate(typ.shape):
        c = ct.shape[off + i]
        if is_known(d) and d == 1 and not (is_known(c) and c == 1):
            axes.append(off + i)
    if axes:
        ct = reduce_sum(ct, axes=tuple(axes))
    if not shapes_equal(ct.shape, typ.shape):
        ct = reshape(ct, shape=typ.shape)
    return ct


def _differentiable(prim, i):
    return prim.differentiable is None or i in prim.differentiable


def _fit(ct, typ):
    """A cotangent (or tangent) in the dtype of the value it belongs to: float32 stays float32, and a complex
    one of a real value keeps its real part (the derivative along the real axis, JAX's convention)."""
    if ct.dtype != typ.dtype and typ.dtype.kind in "fc":
        ct = convert(ct, dtype=typ.dtype)
    return ct


def backward(outputs, cotangents, wrt):
    """Cotangents of ``wrt`` given cotangents of ``outputs`` (None where no path connects them)."""
    order = toposort(outputs)
    live = {w._id for w in wrt}
    for v in order:
        if v.prim is not None and v.dtype.kind in "fc" and any(
                i._id in live and _differentiable(v.prim, k) for k, i in enumerate(v.inputs)):
            live.add(v._id)
    cts = {}
    for o, c in zip(outputs, cotangents):
        if c is not None and o._id in live:
            cts[o._id] = c if o._id not in cts else cts[o._id] + c
    groups = equations(order)
    for v in reversed(order):
        g = cts.get(v._id)
        if v._id in groups:
            # NOTE: one rule call for all the results of a multi-output equation, at its first node: every
            # node using any of them comes later, so all their cotangents are in by then
            if groups[v._id][0] is not v:
                continue
            g = {dict(m.attrs)["output"]: cts[m._id] for m in groups[v._id] if m._id in cts} or None
        if g is None or v.prim is None:
            continue
        need = [i._id in live and i.dtype.kind in "fc" and _differentiable(v.prim, k)
                for k, i in enumerate(v.inputs)]
        if not any(need):
            continue
        if v.prim.vjp is None:
            raise TypeError(f"{v.prim.name} has no gradient rule (needed to differentiate it)")
        results = v.prim.vjp(g, v, *v.inputs, **dict(v.attrs))
        for i, c, n in zip(v.inputs, results, need):
            if c is None or not n:
                continue
            if not isinstance(c, Var):
                c = const(np.asarray(c, dtype=i.dtype))
            if v.prim.kind is Kind.ELEMENTWISE:
                c = unbroadcast(c, i.type)
            c = _fit(c, i.type)
            cts[i._id] = c if i._id not in cts else cts[i._id] + c
    return [cts.get(w._id) for w in wrt]


def forward(outputs, primals, tangents, with_primals=False):
    """Tangents of ``outputs`` given tangents of the input Vars ``primals`` (None: zero); with ``with_primals``,
    ``(outputs, tangents)`` where the outputs may be rebuilt on values the tangent computation also makes.

    Why rebuilt: a multi-output rule (a loop's) may compute its equation's values beside their tangents (the
    JVP of a scan carries both); its result then has a ``primal(k)`` method, and what reads those values
    here, primal and tangent alike, reads them from there, so the original loop is not run a second time."""
    tan = {p._id: t for p, t in zip(primals, tangents) if t is not None}
    order = toposort(outputs)
    groups, by_equation = equations(order), {}
    new = {}    # id of a node -> the node computing the same value where the tangents come from

    def rebuilt(v, ins):
        nv = bind(v.prim, *ins, _source=v.source, **dict(v.attrs))
        return nv if _same_type(nv, v) else v

    for v in order:
        if v._id in tan or v.prim is None:
            continue
        ins = [new.get(i._id, i) for i in v.inputs]
        changed = any(a is not b for a, b in zip(ins, v.inputs))
        ts = [tan.get(i._id) if _differentiable(v.prim, k) else None for k, i in enumerate(v.inputs)]
        if all(t is None for t in ts) or v.dtype.kind not in "fc":
            if changed:
                new[v._id] = rebuilt(v, ins)
            continue
        attrs = dict(v.attrs)
        rule = v.prim.jvp
        node = rebuilt(v, ins) if changed else v
        if node is not v:
            new[v._id] = node
        if v._id in groups:
            # NOTE: one rule call per multi-output equation; it returns each result's tangent by number
            first = groups[v._id][0]._id
            if first not in by_equation:
                if rule is None or rule is LINEAR:
                    raise TypeError(f"{v.prim.name} has no forward-mode rule")
                by_equation[first] = rule(ts, node, *ins, **attrs)
            result = by_equation[first]
            out = result(attrs["output"])
            same = getattr(result, "primal", None)
            same = same(attrs["output"]) if same is not None else None
            if same is not None and _same_type(same, v):
                new[v._id] = same
        elif rule is LINEAR:
            args = [(t if t is not None else zeros_like(i)) if _differentiable(v.prim, k) else i
                    for k, (i, t) in enumerate(zip(ins, ts))]
            out = bind(v.prim, *args, **attrs)
        elif rule is not None:
            out = rule(ts, node, *ins, **attrs)
        elif v.prim.kind is Kind.ELEMENTWISE and v.prim.vjp is not None:
            out = None
            for k, t in enumerate(ts):
                if t is None:
                    continue
                term = v.prim.vjp(t, node, *ins, **attrs)[k]
                if term is None:
                    continue
                out = term if out is None else out + term
        else:
            raise TypeError(f"{v.prim.name} has no forward-mode rule")
        if out is None:
            continue
        if not isinstance(out, Var):
            out = const(np.asarray(out, dtype=v.dtype))
        if not shapes_equal(out.shape, v.shape):
            out = broadcast_to(out, shape=v.shape)
        tan[v._id] = _fit(out, v.type)
    touts = [tan.get(o._id) for o in outputs]
    if with_primals:
        return [new.get(o._id, o) for o in outputs], touts
    return touts


def _same_type(a, b):
    return a.dtype == b.dtype and shapes_equal(a.shape, b.shape)
