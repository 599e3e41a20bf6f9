"""A loop body: a Python function traced once into a graph over fresh inputs, with the values it captures from
the enclosing program (closures, and anything it computes from them alone) lifted out as extra operands.

Lifting is what makes a body a closed graph that a backend can compile on its own, and it also moves
loop-invariant work (``W.T`` of a captured ``W``) out of the loop: it is computed once, before the loop.
Imports core and ops only.
"""

import hashlib

import numpy as np

from ..core import effects
from ..core.graph import Graph, Var, toposort, substitute, to_text, as_var, distinct_syms
from ..core.types import Sym, TensorType, is_known
from ..ops.layout import broadcast_to, reshape, slice_


class LoopBody(Graph):
    """The graph of one step: ``inputs`` are the loop's invariants (``num_consts``), then the carried values
    (``num_carry``), then one slice of each scanned array; ``outputs`` are the new carried values, then the
    per-step results. ``syms`` are the sizes its attrs name that no input's type carries (bound from the
    enclosing graph's ``sizes`` attr when the body runs)."""

    def __init__(self, inputs, outputs, num_consts, num_carry, syms=()):
        super().__init__(inputs, outputs)
        self.num_consts, self.num_carry = num_consts, num_carry
        self.syms = tuple(syms)
        self.remat = False      # the step's derivative recomputes it (jaxlike.checkpoint): nothing saved
        self._key = None

    @property
    def num_xs(self):
        return len(self.inputs) - self.num_consts - self.num_carry

    @property
    def num_ys(self):
        return len(self.outputs) - self.num_carry

    def key(self):
        """Canonical text plus a digest of every constant's bytes: equal keys compute the same function (the
        text alone prints big constants by shape only)."""
        if self._key is None:
            h = hashlib.sha1()
            for v in _all_nodes(self):
                if v.is_const:
                    h.update(np.ascontiguousarray(v.value).tobytes())
                    h.update(v.value.dtype.str.encode())
            text = " ".join(line.strip() for line in to_text(self).splitlines())
            self._key = f"{text} #{h.hexdigest()[:12]} k={self.num_consts} c={self.num_carry}"
        return self._key

    def __repr__(self):
        return self.key()


def _all_nodes(graph):
    """The graph's nodes and those of the graphs its nodes hold in attrs (nested loops), recursively."""
    for v in graph.nodes():
        yield v
        for _, a in v.attrs if v.prim is not None else ():
            if isinstance(a, Graph):
                yield from _all_nodes(a)


def _depends(outputs, inputs):
    """Ids of the nodes (reachable from ``outputs``) that depend on any of ``inputs``."""
    dep = {v._id for v in inputs}
    for v in toposort(outputs):
        if v._id not in dep and any(i._id in dep for i in v.inputs):
            dep.add(v._id)
    return dep


def traced_free(outputs, inputs):
    """The graph inputs (not constants) that ``outputs`` read other than ``inputs``: values a function closes
    over that are traced in the enclosing program."""
    own = {v._id for v in inputs}
    return [v for v in toposort([as_var(o) for o in outputs]) if v.is_input and v._id not in own]


def close_body(inputs, outputs, num_consts, num_carry):
    """The LoopBody of ``outputs`` traced over the fresh ``inputs`` (the step's own), and the outer values it
    captured: ``(body, captured)``. Captured values become invariants placed before the others, so the
    body's ``num_consts`` counts them too; the caller passes ``captured`` first among the loop's operands.
    A captured value is any node that the step's results use and that does not depend on ``inputs``,
    except rank-0 constants (those stay in the body, where the compiler folds them)."""
    outputs = [as_var(o) for o in outputs]
    effects.refuse_inside(inputs, "a custom_jvp/custom_vjp function or rule, or a Theano-style scan step")
    dep = _depends(outputs, inputs)
    captured, seen = [], set()

    def capture(x):
        if x._id in dep or x._id in seen or (x.is_const and x.ndim == 0):
            return
        seen.add(x._id)
        captured.append(x)

    for v in toposort(outputs):
        if v._id in dep and v.prim is not None:
            for i in v.inputs:
                capture(i)
    for o in outputs:
        capture(o)
    fresh = [Var(TensorType(c.dtype, c.shape)) for c in captured]
    mapping = dict(zip(captured, fresh))
    new_outputs = substitute(outputs, mapping) if mapping else outputs
    all_inputs = fresh + list(inputs)
    body = LoopBody(all_inputs, new_outputs, num_consts + len(fresh), num_carry)
    body.syms = free_syms(body)
    return body, captured


def free_syms(body):
    """Sizes named in the attrs of the body's nodes that neither an input's type carries nor a body node
    makes: the enclosing graph must supply them."""
    have = {id(d) for v in body.inputs for d in v.shape if isinstance(d, Sym)}
    nodes = body.eqns()
    made = {v._id for v in nodes}
    named = distinct_syms(tuple(a for v in nodes for _, a in v.attrs if not isinstance(a, Graph)))
    return tuple(s for s in named if id(s) not in have and (s.origin is None or s.origin._id not in made))


def rebind(body, new_inputs):
    """The body's outputs computed from ``new_inputs`` instead of its own inputs (same types, or the same
    with other sizes): how the derivative and batching rules re-enter a step."""
    return substitute(list(body.outputs), dict(zip(body.inputs, new_inputs)))


def known_values(o, value, known, sized):
    """Record in ``known`` that node ``o`` of a step or branch rebuilt for a derivative has the forward loop's
    or cond's ``value``, and so does what ``o`` reshapes or broadcasts to the result's type (``lax.scan`` fits
    an (n,) result to an (8,) carry with a broadcast): that is ``value``'s first n rows, whether n is 8 or 1.
    Only through nodes whose sizes are known or in ``sized`` (ids of the step's input sizes): a size the step
    computes itself (a slice's) would have to be bound where the value is read."""
    chain = value_chain(o, sized)
    for k, v in enumerate(chain):
        if v in known:
            return
        known[v] = value
        if k + 1 == len(chain):
            return
        inner = chain[k + 1]
        if v.prim is broadcast_to:
            value = slice_(value, index=tuple((0, d, None) for d in inner.shape))
        value = reshape(value, shape=inner.shape)


def value_chain(o, sized):
    """``o`` and the nodes whose values ``known_values`` reads off ``o``'s (what it reshapes or broadcasts)."""
    chain = []
    while o.prim is not None:
        chain.append(o)
        if not (o.prim is reshape or (o.prim is broadcast_to and o.inputs[0].ndim == o.ndim)):
            break
        o = o.inputs[0]
        if not all(is_known(d) or id(d) in sized for d in o.shape):
            break
    return chain


def input_sizes(inputs):
    """The ids of the symbolic sizes the types of ``inputs`` carry."""
    return {id(d) for x in inputs for d in x.shape if isinstance(d, Sym)}


def inline_equations(graph, prims, expand):
    """``graph`` with every node of a primitive in ``prims`` replaced by its equation's expansion:
    ``expand(attrs, inputs)`` returns the list of results (by ``output`` number) of the nodes sharing those
    graph attrs and inputs, built once for all of them. Repeats until none is left (an expansion may hold
    another such node)."""
    while any(v.prim in prims for v in graph.nodes()):
        memo, groups = {}, {}
        for v in graph.nodes():
            if v.prim is None:
                memo[v._id] = v
                continue
            inputs = [memo[i._id] for i in v.inputs]
            if v.prim in prims:
                attrs = dict(v.attrs)
                key = (v.prim.name, tuple(id(a) for a in attrs.values() if isinstance(a, Graph)),
                       tuple(i._id for i in inputs))
                if key not in groups:
                    groups[key] = expand(attrs, inputs)
                memo[v._id] = groups[key][attrs["output"]]
            elif any(a is not b for a, b in zip(inputs, v.inputs)):
                memo[v._id] = Var(v.type, v.prim, inputs, v.attrs, name=v.name, source=v.source)
                # NOTE: the copy (same type, so the same sizes) is what makes the sizes v made from now on. A
                # node computed only to bind a size (the reshape of a custom call's result whose size the
                # program reads) is reached from no output, so every later graph would find v as its provider,
                # v still holding the call: re-added and re-inlined, round after round, without end.
                for d in v.type.shape:
                    if isinstance(d, Sym) and d.origin is v:
                        d.origin = memo[v._id]
            else:
                memo[v._id] = v
        graph = Graph(graph.inputs, [memo[o._id] for o in graph.outputs],
                      [(st, memo[u._id]) for st, u in graph.updates])
    return graph


def checked_arrays(operands, graph, what, role=lambda k: f"operand {k}"):
    """The operands as arrays, each of the dtype ``graph`` was traced for (a TypeError naming it otherwise)."""
    arrays = [np.asarray(a) for a in operands]
    for k, (a, b) in enumerate(zip(arrays, graph.inputs)):
        if a.dtype != b.dtype:
            raise TypeError(f"{what}: {role(k)} is {a.dtype}, but it was traced for {b.dtype}")
    return arrays


def split(values, *counts):
    """``values`` cut into consecutive lists of the given lengths."""
    out, at = [], 0
    for n in counts:
        out.append(list(values[at:at + n]))
        at += n
    return out


def slice_type(t):
    """The type of one step's slice of a scanned array of type ``t``."""
    return TensorType(t.dtype, tuple(t.shape[1:]))


def stacked_type(length, t):
    return TensorType(t.dtype, (length,) + tuple(t.shape))


__all__ = ["LoopBody", "close_body", "traced_free", "inline_equations", "checked_arrays", "split", "free_syms", "rebind", "slice_type", "stacked_type"]
