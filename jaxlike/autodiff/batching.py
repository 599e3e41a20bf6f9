"""Graph -> graph batching (vectorization): rebuild a graph traced for one example so that some of its inputs
carry an extra leading batch axis, and every value that depends on them carries it too.

This is what ``vmap`` is, and how ``jacrev``/``jacfwd`` get a whole Jacobian from ONE backward (forward) graph
applied to a batch of basis vectors instead of one graph per row: the graph, its compile time and its code
stay the size of a single VJP.

Elementwise ops and reductions batch by kind; other ops carry a ``batch`` rule in their primitive record.
An op without one (or whose rule declines, e.g. a gather with batched indices) is applied once per batch
element and the results stacked, which is correct but grows the graph with the batch size, so it needs a
known batch size. Imports core and ops only.
"""

import numpy as np

from ..core.graph import toposort, size_providers, const, equations, map_dims, subst_dims
from ..core.primitive import Kind, bind
from ..core.types import is_known
from ..ops.layout import broadcast_to, reshape, slice_, concatenate, expand_back
from ..ops.math import eq, convert
from ..ops.scan import positions


def basis(v):
    """The one-hot values of ``v``'s type stacked along a new first axis (the identity, reshaped) and their
    count: what a Jacobian batches its VJP (JVP) over. Symbolic sizes stay symbolic (the identity is an
    iota compared with itself), so a compiled Jacobian serves every size."""
    shape = tuple(v.shape)
    if all(is_known(d) for d in shape):
        n = int(np.prod(shape, dtype=np.int64))
        return const(np.eye(n, dtype=v.dtype).reshape((n,) + shape)), n
    # NOTE: the count is read off a zeros of v's shape, not off v: a size names the node that made it, and
    # graphs then compute that node first; v is often a function's output (a custom call, a loop), which
    # would then be computed, and kept by rewrites that inline it, only to provide a size
    n = reshape(broadcast_to(const(np.zeros((), dtype=v.dtype)), shape=tuple(v.shape)), shape=(-1,)).shape[0]
    iota = positions(n)
    eye = convert(eq(reshape(iota, shape=(n, 1)), reshape(iota, shape=(1, n))), dtype=v.dtype)
    return reshape(eye, shape=(n,) + shape), n


def batch(outputs, inputs, batched_inputs, size):
    """``outputs`` rebuilt with each Var of ``inputs`` replaced by the matching Var of ``batched_inputs``,
    whose type is the input's with ``size`` in front. Every result has the batch axis first (an output that
    does not depend on the inputs is broadcast along it)."""
    results, flags = batch_with_flags(outputs, inputs, batched_inputs, size)
    return [r if b else broadcast_to(r, shape=(size,) + tuple(r.shape)) for r, b in zip(results, flags)]


def batch_with_flags(outputs, inputs, batched_inputs, size):
    """``batch`` without the broadcast: (results, flags), where an output whose flag is False does not depend
    on the batched inputs and is returned as it is, without a batch axis."""
    memo = {i._id: (b, True) for i, b in zip(inputs, batched_inputs)}
    order = toposort(size_providers(outputs) + list(outputs))
    groups, by_equation = equations(order), {}
    # NOTE: a batched node may give a size its node made (a slice's) another symbol; the attrs of the nodes
    # after it that name the old one (a reshape to the slice's shape) name the new one, as ``substitute`` does
    dimmap = {}
    for v in order:
        if v._id in memo:
            continue
        attrs = {k: subst_dims(a, dimmap) for k, a in v.attrs} if dimmap else dict(v.attrs)
        if v.prim is None or not any(memo[i._id][1] for i in v.inputs):
            # NOTE: a node none of whose inputs is batched depends on no batched input: it stays as it is, or
            # reads the rebuilt inputs where a rule rebuilt one unbatched (a loop's value beside its batched
            # tangent: the original loop also reads the unbatched tangent)
            ins = [memo[i._id][0] for i in v.inputs]
            same = all(a is i for a, i in zip(ins, v.inputs)) and not dimmap
            memo[v._id] = (v if same or v.prim is None else bind(v.prim, *ins, _source=v.source, **attrs), False)
            map_dims(v.type.shape, memo[v._id][0].type.shape, dimmap)
            continue
        args = [memo[i._id][0] for i in v.inputs]
        flags = tuple(memo[i._id][1] for i in v.inputs)
        out, flag = None, True
        if v._id in groups and v.prim.batch is not None:
            # NOTE: one rule call per multi-output equation; it returns each result's batched value by number,
            # and may say (``batched(k)``) that a result has no batch axis (a loop's carry no example changes)
            first = groups[v._id][0]._id
            if first not in by_equation:
                by_equation[first] = v.prim.batch(args, flags, size, **attrs)
            rule = by_equation[first]
            if rule is not None:
                out = rule(attrs["output"])
                flag = getattr(rule, "batched", lambda k: True)(attrs["output"])
        out = out if out is not None else _batch_node(v, args, flags, size, attrs)
        memo[v._id] = (out, flag)
        map_dims(v.type.shape, tuple(out.type.shape[1:]) if flag else out.type.shape, dimmap)
    pairs = [memo[o._id] for o in outputs]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def _batch_node(v, args, flags, size, attrs):
    prim = v.prim
    out = None
    if prim.kind is Kind.ELEMENTWISE:
        out = _elementwise(prim, args, flags, v.ndim, attrs)
    elif prim.kind is Kind.REDUCE:
        out = bind(prim, args[0], _source=v.source, **{**attrs, "axes": tuple(a + 1 for a in attrs["axes"])})
    elif prim.batch is not None and not prim.extra.get("multi_output"):
        out = prim.batch(args, flags, size, **attrs)
    if out is None:
        out = _per_element(v, args, flags, size, attrs)
    return out


def _elementwise(prim, args, flags, ndim, attrs):
    # NOTE: broadcasting aligns trailing dims, so an unbatched operand needs nothing and a batched one of
    # lower rank than the result gets unit dims between its batch axis and its own dims.
    new = []
    for a, b in zip(args, flags):
        if b and a.ndim - 1 < ndim:
            a = expand_back(a, tuple(range(1, 1 + ndim - (a.ndim - 1))), ndim + 1)
        new.append(a)
    return bind(prim, *new, **attrs)


def _per_element(v, args, flags, size, attrs):
    if not is_known(size):
        raise TypeError(f"{v.prim.name} has no batching rule for these operands, and the batch size is "
                        "symbolic, so it cannot be applied element by element; give the batch axis a known size")
    rows = []
    for k in range(size):
        one = [reshape(slice_(a, index=((k, k + 1, None),) + ((None, None, None),) * (a.ndim - 1)),
                       shape=tuple(a.shape[1:])) if b else a for a, b in zip(args, flags)]
        r = bind(v.prim, *one, _source=v.source, **attrs)
        rows.append(reshape(r, shape=(1,) + tuple(r.shape)))
    if not rows:
        return broadcast_to(const(np.zeros((), dtype=v.dtype)), shape=(0,) + tuple(v.shape))
    return concatenate(*rows, axis=0) if len(rows) > 1 else rows[0]
