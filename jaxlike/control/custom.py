"""User-defined derivatives: ``custom_vjp_call`` and ``custom_jvp_call``, the primitives behind
``jaxlike.custom_vjp`` and ``jaxlike.custom_jvp``.

Each node applies a function traced once into a closed graph (``fun``) to its operands; its derivative rule
applies the user's rule, also traced into graphs: ``fwd`` (operands -> outputs and residuals) and ``bwd``
(residuals and output cotangents -> operand cotangents) for a custom VJP; ``jvp`` (operands and tangents ->
outputs and output tangents) for a custom JVP, whose reverse mode is the transpose of the (linear) tangent
map, so both modes of a custom JVP differentiate again. A custom VJP refuses forward mode, as JAX does.
The results are sibling nodes (``output``) as a loop's are. Backends never see these nodes: the optimizer
inlines ``fun`` once differentiation is done (``inline_custom``). Imports core, ops and autodiff.
"""

import numpy as np

from ..core.graph import Var, substitute
from ..core.types import TensorType
from ..core.interpret import interpret
from ..core.primitive import Primitive, Kind, register, bind
from ..ops.layout import broadcast_to
from ..ops.reduce import reduce_sum
from ..ops._rules import Sample
from ..autodiff import backward, zeros_like
from ..autodiff.batching import batch_with_flags
from .body import LoopBody, close_body, rebind, checked_arrays, inline_equations, traced_free, free_syms
from .scan import as_operands


class Rule:
    """A derivative rule's graphs, traced the first time a transform needs them (a rule usually calls the
    function itself, which must not trace the rule again), then kept: for a custom JVP ``(jvp,)``, for a custom
    VJP ``(fwd, bwd, num_res)``. ``build`` returns them."""

    def __init__(self, name, build):
        self.name, self._build, self._graphs = name, build, None

    def graphs(self):
        if self._graphs is None:
            self._graphs = self._build()
        return self._graphs

    def __repr__(self):
        return f"<rule of {self.name} #{id(self):x}>"


def closed(inputs, outputs):
    """A closed graph over ``inputs`` with no captured values (callers pass those as operands first)."""
    body, captured = close_body(inputs, outputs, len(inputs), 0)
    return body, captured


def _shape(*types, fun, output, **_):
    if len(types) != len(fun.inputs):
        raise TypeError(f"custom derivative: the function takes {len(fun.inputs)} operands, got {len(types)}")
    for k, (t, b) in enumerate(zip(types, fun.inputs)):
        if t.dtype != b.dtype or t.ndim != b.ndim:
            raise TypeError(f"custom derivative: operand {k} is {t!r}, the function was traced for {b.type!r}")
    return fun.outputs[output].type


def _numpy(*operands, fun, output, **_):
    outs, _ = interpret(fun, checked_arrays(operands, fun, "custom derivative"))
    return outs[output]


def nodes(prim, operands, **attrs):
    operands = as_operands(operands)
    return [bind(prim, *operands, output=k, **attrs) for k in range(len(attrs["fun"].outputs))]


def _full(cts, fun):
    """The output cotangents (or tangents) as a list, zeros where None."""
    return [cts.get(k) if cts.get(k) is not None else zeros_like(o) for k, o in enumerate(fun.outputs)]


# -- custom VJP ------------------------------------------------------------------------------------------------
def _vjp_vjp(cts, node, *operands, fun, rule, output):
    fwd, bwd, _ = rule.graphs()
    outs = rebind(fwd, list(operands))
    residuals = outs[len(fun.outputs):]
    gs = _full(cts, fun)
    results = rebind(bwd, residuals + gs)
    return [r if o.dtype.kind in "fc" else None for r, o in zip(results, operands)]


def _vjp_jvp(*args, **attrs):
    raise TypeError("a custom_vjp function cannot be differentiated in forward mode (jvp, jacfwd, hessian), as "
                    "in JAX; define it with custom_jvp instead, which gives both modes")


def _batched(graph, flags, size):
    """``graph`` over inputs with a leading batch axis where ``flags`` say, every output batched."""
    ins = [Var(TensorType(b.dtype, (size,) + tuple(b.shape))) if f else b for b, f in zip(graph.inputs, flags)]
    outs, oflags = batch_with_flags(list(graph.outputs), [b for b, f in zip(graph.inputs, flags) if f],
                                    [v for v, f in zip(ins, flags) if f], size)
    outs = [o if f else broadcast_to(o, shape=(size,) + tuple(o.shape)) for o, f in zip(outs, oflags)]
    return ins, outs


def _call_nodes(prim, args, made):
    """Output number -> that result of one call of ``prim`` with the batched function and rule ``made``."""
    if made is None:
        return None
    return lambda k: bind(prim, *args, fun=made[0], rule=made[1], output=k)


def _vjp_batch(args, batched, size, *, fun, rule, output):
    return _call_nodes(custom_vjp_call, args, _vjp_batched(batched, size, fun, rule))


def _vjp_batched(batched, size, fun, rule):
    nfun = _whole(*_batched(fun, batched, size))
    if nfun is None:
        return None     # NOTE: one application per example instead

    def build():
        fwd, bwd, num_res = rule.graphs()
        nfwd = _whole(*_batched(fwd, batched, size), rule)
        ins, outs = _batched(bwd, [True] * (num_res + len(fun.outputs)), size)
        # NOTE: an operand the call does not batch (vmap's in_axes None) gets one cotangent, the sum of the
        # examples' (it came back with the batch axis: grad of a vmap was one row per example)
        outs = [o if b else reduce_sum(o, axes=(0,)) for o, b in zip(outs, batched)]
        return nfwd, _whole(ins, outs, rule), num_res
    return nfun, Rule(rule.name + " (batched)", build)


def _whole(inputs, outputs, rule=None):
    """The graph of a batched function or rule, which reads nothing but its inputs (batching a closed graph
    adds constants only, and they stay in it). A batched function that would read other values gives None
    (the call is then applied per example); a rule, batched only when a transform asks for it, raises."""
    if traced_free(outputs, inputs):
        if rule is None:
            return None
        raise TypeError(f"the derivative rule of {rule.name} reads a traced value from outside under vmap; "
                        "pass that value to the custom function as an argument")
    body = LoopBody(list(inputs), list(outputs), len(inputs), 0)
    body.syms = free_syms(body)
    return body


def _samples_of(rng, a, b):
    """Registry samples of a custom call: ``a`` (one operand) on a 3-vector, ``b`` (two operands, two outputs)
    on a size-1 and an empty one, for each of its outputs."""
    x3, x1, x0 = rng.uniform(-1, 1, 3), rng.uniform(-1, 1, 1), np.zeros(0)
    return [Sample(x3, output=0, **a), Sample(x1, x0, output=0, **b), Sample(x1, x0, output=1, **b)]


def _vjp_samples(rng):
    """A clipped gradient (the rule differs from the function's own derivative on purpose: the sweep checks
    the numpy rule, shapes and batching; tests/test_custom.py checks the rule's values) and a two-output
    function with a size-1 and an empty operand."""
    from ..ops import math as m

    def make(types, f, fwd_res, bwd_of):
        ins = [Var(t) for t in types]
        fun, _ = closed(ins, f(*ins))
        ins2 = [Var(t) for t in types]
        outs, res = f(*ins2), fwd_res(*ins2)
        fwd, _ = closed(ins2, outs + res)
        rv = [Var(TensorType(r.dtype, r.shape)) for r in res]
        gv = [Var(TensorType(o.dtype, o.shape)) for o in outs]
        bwd, _ = closed(rv + gv, bwd_of(rv, gv))
        return dict(fun=fun, rule=Rule("a sample", lambda: (fwd, bwd, len(res))))

    v3, v1, v0 = TensorType("float64", (3,)), TensorType("float64", (1,)), TensorType("float64", (0,))
    # the true derivative (cos), so finite differences agree
    a = make([v3], lambda x: [m.sin(x)], lambda x: [m.cos(x)], lambda r, g: [g[0] * r[0]])
    b = make([v1, v0], lambda x, e: [m.exp(x) * 2.0, e * x], lambda x, e: [m.exp(x), x, e],
             lambda r, g: [g[0] * r[0] * 2.0 + reduce_sum(g[1] * r[2], axes=(0,)), g[1] * r[1]])
    return _samples_of(rng, a, b)


custom_vjp_call = register(Primitive(
    "custom_vjp_call", Kind.OPAQUE, shape=_shape, numpy=_numpy, vjp=_vjp_vjp, jvp=_vjp_jvp, batch=_vjp_batch,
    samples=_vjp_samples, extra={"multi_output": True},
    doc="a function with a user-defined VJP: attrs fun (a graph) and rule (see control/custom.py)"))


# -- custom JVP ------------------------------------------------------------------------------------------------
def _jvp_jvp(tangents, node, *operands, fun, rule, output):
    (jvp,) = rule.graphs()
    ts = [t if t is not None else zeros_like(x) for t, x in zip(tangents, operands)]
    outs = rebind(jvp, list(operands) + ts)
    return lambda k: outs[len(fun.outputs) + k]


def _jvp_vjp(cts, node, *operands, fun, rule, output):
    (jvp,) = rule.graphs()
    # NOTE: the tangent map is linear in the tangents, so its transpose is reverse mode; the stand-in tangents
    # it is built on are replaced by zeros afterwards (a linear map's transpose never reads them)
    stand_ins = [Var(TensorType(x.dtype, x.shape)) for x in operands]
    outs = rebind(jvp, list(operands) + stand_ins)
    tangent_outs = outs[len(fun.outputs):]
    wanted = [k for k, x in enumerate(operands) if x.dtype.kind in "fc"]
    grads = backward(tangent_outs, _full(cts, fun), [stand_ins[k] for k in wanted])
    grads = [g if g is None else substitute([g], {s: zeros_like(s) for s in stand_ins})[0] for g in grads]
    result = [None] * len(operands)
    for k, g in zip(wanted, grads):
        result[k] = g
    return result


def _jvp_batch(args, batched, size, *, fun, rule, output):
    return _call_nodes(custom_jvp_call, args, _jvp_batched(batched, size, fun, rule))


def _jvp_batched(batched, size, fun, rule):
    nfun = _whole(*_batched(fun, batched, size))
    if nfun is None:
        return None
    # NOTE: built when a transform needs it: a rule that calls the function again (the rule of a rule) was
    # batched, and its inner call's rule batched with it, without end
    return nfun, Rule(rule.name + " (batched)",
                      lambda: (_whole(*_batched(rule.graphs()[0], list(batched) + list(batched), size), rule),))


def _jvp_samples(rng):
    """A softplus whose JVP is written by hand, and a two-output function with a size-1 and an empty operand."""
    from ..ops import math as m

    def make(types, f, jvp_of):
        ins = [Var(t) for t in types]
        fun, _ = closed(ins, f(*ins))
        p = [Var(t) for t in types]
        t = [Var(tt) for tt in types]
        jvp, _ = closed(p + t, f(*p) + jvp_of(p, t))
        return dict(fun=fun, rule=Rule("a sample", lambda: (jvp,)))

    v3, v1, v0 = TensorType("float64", (3,)), TensorType("float64", (1,)), TensorType("float64", (0,))
    a = make([v3], lambda x: [m.softplus(x)], lambda p, t: [t[0] * m.sigmoid(p[0])])
    b = make([v1, v0], lambda x, e: [x * x, e * x], lambda p, t: [2.0 * p[0] * t[0], t[1] * p[0] + p[1] * t[0]])
    return _samples_of(rng, a, b)


custom_jvp_call = register(Primitive(
    "custom_jvp_call", Kind.OPAQUE, shape=_shape, numpy=_numpy, vjp=_jvp_vjp, jvp=_jvp_jvp, batch=_jvp_batch,
    samples=_jvp_samples, extra={"multi_output": True},
    doc="a function with a user-defined JVP: attrs fun (a graph) and rule (see control/custom.py)"))


# -- after differentiation -------------------------------------------------------------------------------------
def inline_custom(graph):
    """``graph`` with every custom-derivative node replaced by its function's own graph (rules are needed only
    while differentiating; inlined, the function fuses with its neighbours)."""
    return inline_equations(graph, (custom_vjp_call, custom_jvp_call), lambda attrs, ins: rebind(attrs["fun"], ins))


__all__ = ["custom_vjp_call", "custom_jvp_call", "Rule", "closed", "nodes", "inline_custom", "LoopBody"]
