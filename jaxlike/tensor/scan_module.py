"""Theano's ``scan`` (``theano.scan``): ``fn`` applied along ``sequences`` with ``outputs_info`` fed back, as one
``scan`` node (``control/scan.py``): the step is traced once, compiles once, and its gradient is another scan.

Supported as in Theano: ``sequences`` (with ``dict(input=..., taps=[-1, 0, 1])``), ``outputs_info`` (None for
an output that is not fed back, an initial value, or ``dict(initial=..., taps=[-2, -1])`` whose initial value
holds the last values along its first axis), ``non_sequences``, ``n_steps`` (an int or an integer scalar
variable such as ``T.iscalar``), ``go_backwards``, ``truncate_gradient`` (the last k steps backpropagate; not
with a symbolic ``n_steps``), ``strict`` (the step may read only its arguments), and ``fn`` returning outputs,
``(outputs, updates)`` or updates alone, optionally followed by ``until(condition)`` (the loop ends after the
first step whose condition holds; every bounded step is computed, those after the stop are cut off). Every
output comes back as the sequence of its values, one per step.

Updates inside the step: a shared variable that ``fn`` updates, or whose ``default_update`` it uses (the key of
a ``RandomStreams`` draw made in the step), is carried from step to step: each step reads the value the step
before it wrote, so a draw gives new numbers at every step. ``scan`` returns each such variable's value after
the last step among its updates, for ``function(..., updates=updates)``, as Theano does. A front-end module.
"""

from collections import OrderedDict

import numpy as np

from ..core.graph import Var, as_var, substitute, toposort, free_inputs
from ..core.errors import user_frame, where
from ..control.body import slice_type

from ..core.types import is_known, dims_equal, Sym
from ..ops.layout import slice_, concatenate
from ..ops.math import convert, minimum, gt
from ..ops.reduce import size_of
from .. import lax, pytree
from .. import numpy as jnp
from .shared import SharedVariable
from .autocast import mark_theano


def _as_list(x):
    if x is None:
        return []
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _sequence(s, k):
    """The sequence's views, one per tap: tap ``d`` reads element ``t + d`` at step ``t`` (steps start where
    every tap is in range, as in Theano)."""
    taps = [0]
    if isinstance(s, dict):
        taps = [int(d) for d in s.get("taps", [0])]
        s = s["input"]
    v = as_var(s)
    if v.ndim == 0:
        raise ValueError(f"scan: sequence {k} is a scalar; a sequence needs a leading axis" + where(user_frame()))
    if not taps:
        raise ValueError(f"scan: sequence {k} has no taps" + where(user_frame()))
    lo, hi = min(taps), max(taps)
    return [v if lo == hi else _rows(v, d - lo, (d - hi) or None) for d in taps]


def _initial(info, k):
    """(the initial values the taps read, oldest first, the taps) of an output fed back, or None."""
    taps = [-1]
    if isinstance(info, dict):
        taps = [int(d) for d in info.get("taps", [-1])]
        if "initial" not in info or info["initial"] is None:
            return None
        info = info["initial"]
    if info is None:
        return None
    if not taps or any(d >= 0 for d in taps):
        raise ValueError(f"scan: outputs_info[{k}] has taps {taps}; an output's taps are negative (-1 is the "
                         "previous value)" + where(user_frame()))
    v = as_var(info)
    if taps == [-1]:
        return [v], taps
    depth = -min(taps)
    # NOTE: the initial value of a multi-tap output holds its last `depth` values along its first axis
    return [v[j - depth] for j in range(depth)], taps


class until:
    """Theano's ``theano.scan_module.until(condition)``: returned by a step (last, after its outputs and
    updates), it ends the loop after the first step whose scalar ``condition`` is true; that step's outputs
    are kept. The loop still needs a bound (``n_steps`` or sequences). Every bounded step is computed (the
    steps after the stop change nothing and are cut off), as ``ifelse`` computes both branches."""

    def __init__(self, condition):
        condition = as_var(condition)
        if condition.ndim != 0:
            raise TypeError(f"until: the condition must be a scalar, got {condition.type!r}" + where(user_frame()))
        self.condition = condition


def _split_until(out):
    """fn's result without its ``until``, and the stop condition (None when there is none)."""
    if isinstance(out, until):
        return [], out.condition
    if isinstance(out, (tuple, list)) and out and isinstance(out[-1], until):
        rest = tuple(out[:-1])
        return (rest[0] if len(rest) == 1 else rest), out[-1].condition
    if isinstance(out, (tuple, list)) and any(isinstance(o, until) for o in out):
        raise TypeError("scan: the step must return until(...) last, after its outputs and updates"
                        + where(user_frame()))
    return out, None


def _step_outputs(out):
    """fn's result as (outputs, updates as (shared variable, expression) pairs)."""
    updates = []
    if isinstance(out, (tuple, list)) and len(out) == 2 and isinstance(out[0], dict) and \
            not isinstance(out[1], dict):
        raise ValueError("scan: the step returned its updates before its outputs; as in Theano, return the "
                         "outputs first, then the updates: return outputs, {shared: new_value}"
                         + where(user_frame()))
    if isinstance(out, tuple) and len(out) == 2 and isinstance(out[1], (dict, OrderedDict, list)) and \
            not isinstance(out[0], dict) and (isinstance(out[1], dict) or all(isinstance(u, tuple) for u in out[1])):
        out, updates = out
    elif isinstance(out, dict):
        out, updates = [], out
    updates = list(updates.items()) if isinstance(updates, dict) else list(updates)
    return [as_var(o) for o in (out if isinstance(out, (list, tuple)) else [out])], updates


def _step_states(outs, updates, first_id):
    """The shared variables the step carries, with their new values: those ``fn`` updated, then those whose
    ``default_update`` the step uses (read by a node the step made, or made in the step: a random draw's key),
    unless fn updated them itself. Types are checked as ``function`` checks updates."""
    from .function import _as_typed, _default_updates
    states, seen = [], set()
    for k, (s, e) in enumerate(updates):
        if not isinstance(s, SharedVariable):
            raise TypeError(f"scan: update {k} of the step targets {s!r}, which is not a shared variable"
                            + where(user_frame()))
        if s._id in seen:
            raise ValueError(f"scan: the step updates {s.name or 'a shared variable'} twice" + where(user_frame()))
        seen.add(s._id)
        states.append((s, _as_typed(e, s, "scan: update inside the step")))
    roots = outs + [e for _, e in states]
    read_in_step = {i._id for v in toposort(roots) if v._id >= first_id for i in v.inputs}
    for s, e in _default_updates(roots, seen, False, "scan"):
        if s._id >= first_id or s._id in read_in_step:
            states.append((s, e))
    return states


def _check_strict(roots, given, first_id):
    """``strict=True``: every shared variable the step reads must be among its arguments (sequences,
    non_sequences), as in Theano; other outside variables are passed in by scan itself."""
    allowed = {v._id for v in given}
    for v in free_inputs(roots):
        if isinstance(v, SharedVariable) and v._id not in allowed and v._id < first_id:
            raise ValueError(f"scan: strict=True, but the step reads {v.name or v} ({v.type!r}), which is not "
                             "among its arguments; pass it in non_sequences" + where(user_frame()))


def _length(seqs, n_steps):
    """The number of steps as Theano counts them: ``n_steps`` if given (every sequence then needs at least
    that many rows: an error now where the sizes are known, else when the loop runs), otherwise the shortest
    sequence's length. An int when it is known now, None when every sequence has the same (symbolic) length,
    else a traced integer (the loop then reads the first rows of the longer sequences)."""
    if isinstance(n_steps, Sym) and not is_known(n_steps):
        if seqs and all(dims_equal(s.shape[0], n_steps) for s in seqs):
            return None   # NOTE: n_steps=x.shape[0] with x the sequence: the loop runs over all of it
        n_steps = as_var(n_steps.value(specialize=False))
    if isinstance(n_steps, Var):
        if n_steps.ndim != 0 or n_steps.dtype.kind not in "iu":
            raise TypeError(f"scan: n_steps must be an int or an integer scalar, got {n_steps.type!r}")
    elif n_steps is not None:
        if isinstance(n_steps, bool) or not isinstance(n_steps, (int, np.integer)):
            raise TypeError(f"scan: n_steps must be an int or an integer scalar, got {n_steps!r}"
                            + where(user_frame()))
        n_steps = int(n_steps)
        if n_steps < 0:
            raise ValueError(f"scan: n_steps must be >= 0, got {n_steps}" + where(user_frame()))
    if not seqs:
        if n_steps is None:
            raise ValueError("scan: with no sequences, pass n_steps" + where(user_frame()))
        return n_steps
    lead = [s.shape[0] for s in seqs]
    if n_steps is None:
        if all(is_known(d) for d in lead):
            return min(lead)
        if all(dims_equal(d, lead[0]) for d in lead):
            return None
        counts = [size_of(s, axes=(0,), dtype=np.dtype("int64")) for s in seqs]
        count = counts[0]
        for c in counts[1:]:
            count = minimum(count, c)
        return count
    if isinstance(n_steps, int):
        for k, d in enumerate(lead):
            if is_known(d) and d < n_steps:
                raise ValueError(f"scan: sequence {k} has {d} rows, fewer than n_steps={n_steps} (Theano's "
                                 "'Sequence is shorter than the required number of steps')" + where(user_frame()))
        if all(is_known(d) for d in lead):
            return n_steps
    # NOTE: the loop checks that every sequence has at least this many rows when it runs
    return convert(as_var(n_steps), dtype="int64")


def scan(fn, sequences=None, outputs_info=None, non_sequences=None, n_steps=None, truncate_gradient=-1,
         go_backwards=False, mode=None, name=None, profile=False, allow_gc=None, strict=False, return_list=False):
    """Theano's scan: returns ``(outputs, updates)``; ``outputs`` is one variable when ``fn`` has one output
    (unless ``return_list``), each the stack of that output's value after every step. ``truncate_gradient``
    = k >= 0: gradients flow through the last k steps only (truncated backpropagation through time)."""
    if truncate_gradient not in (-1, None) and (isinstance(truncate_gradient, bool) or not isinstance(
            truncate_gradient, (int, np.integer)) or truncate_gradient < 0):
        raise ValueError(f"scan: truncate_gradient must be -1 (every step) or a number of steps >= 0, got "
                         f"{truncate_gradient!r}" + where(user_frame()))
    seqs = []
    for k, sq in enumerate(_as_list(sequences)):
        if go_backwards:
            sq = dict(sq, input=_reversed(sq["input"])) if isinstance(sq, dict) else _reversed(sq)
        seqs += _sequence(sq, k)
    nons = _as_list(non_sequences)
    infos = _as_list(outputs_info)
    length = _length(seqs, n_steps)
    if isinstance(length, int):
        seqs = [s if is_known(s.shape[0]) and s.shape[0] == length else
                _rows(s, 0, length) for s in seqs]

    inits = [_initial(info, k) for k, info in enumerate(infos)] if infos else None

    fed = [i for i in (inits or []) if i is not None]
    # NOTE: the step is traced here, once, on placeholders: which shared variables it updates decides the
    # loop's carries; lax.scan's own traces then rebuild this graph on its inputs
    xs_in = [mark_theano(Var(slice_type(v.type))) for v in seqs]
    slots_in = [tuple(mark_theano(Var(v.type)) for v in values) for values, _ in fed]
    prior = []
    for (_, taps), values in zip(fed, slots_in):
        prior += [values[len(values) + d] for d in taps]
    first_id = next(Var._ids)
    result, stop = _split_until(fn(*(xs_in + prior + nons)))
    outs, updates = _step_outputs(result)
    if strict:
        _check_strict(outs + [e for _, e in updates] + ([stop] if stop is not None else []),
                      xs_in + [v for vs in slots_in for v in vs] + [as_var(v) for v in nons], first_id)
    if inits is not None and len(outs) != len(inits):
        raise ValueError(f"scan: fn returns {len(outs)} outputs but outputs_info has {len(inits)} entries"
                         + where(user_frame()))
    states = _step_states(outs, updates, first_id)
    traced_in = xs_in + [v for values in slots_in for v in values] + [s for s, _ in states]
    traced_out = outs + [e for _, e in states] + ([stop] if stop is not None else [])

    def step(carry, xs):
        slots, values_of_states, running = carry
        got = substitute(traced_out, dict(zip(traced_in, list(xs) + [v for vs in slots for v in vs]
                                              + list(values_of_states))))
        out, new_states = got[:len(outs)], got[len(outs):len(outs) + len(states)]
        new = [o for o, i in zip(out, inits or [None] * len(out)) if i is not None]
        new_slots = tuple(tuple(vs[1:]) + (o,) for vs, o in zip(slots, new))
        if stop is None:
            return (new_slots, tuple(new_states), running), tuple(out)
        # NOTE: once stopped, the carries keep their values: the steps after the stop are computed and
        # cut off, and change nothing (their random keys included)
        kept_slots = tuple(tuple(jnp.where(running, a, b) for a, b in zip(n, o)) for n, o in zip(new_slots, slots))
        kept_states = tuple(jnp.where(running, a, b) for a, b in zip(new_states, values_of_states))
        carry = (kept_slots, kept_states,
                 jnp.logical_and(running, jnp.logical_not(got[-1])))
        return carry, tuple(out) + (running,)

    running0 = None if stop is None else jnp.asarray(True)
    carry0 = (tuple(tuple(values) for values, _ in fed), tuple(s for s, _ in states), running0)
    (_, finals, _), ys = _loop(step, carry0, seqs, length, truncate_gradient)
    ys = list(ys)
    if stop is not None:
        count = jnp.sum(jnp.astype(ys.pop(), np.int64))   # the steps run: up to and including the stop
        ys = [y[:count] for y in ys]
    new_values = OrderedDict((s, v) for (s, _), v in zip(states, finals))
    if len(ys) == 1 and not return_list:
        return ys[0], new_values
    return ys, new_values


def _loop(step, carry0, seqs, length, truncate):
    """lax.scan of ``step``; with ``truncate`` = k >= 0 (Theano's truncate_gradient) as two loops: the steps
    before the last k, whose results are under stop_gradient, then the last k from there. The values are the
    same; gradients flow through the last k steps only (to the non-sequences too), as Theano's truncated
    BPTT does."""
    if truncate in (-1, None) or (isinstance(length, int) and length <= truncate):
        return lax.scan(step, carry0, tuple(seqs), length=length)
    k = int(truncate)
    if isinstance(length, Var):
        return _truncated_by_count(step, carry0, seqs, length, k)
    if isinstance(length, int):
        cut = length - k
        first = lax.scan(step, carry0, tuple(_rows(s, 0, cut) for s in seqs), length=cut)
        last_xs, last_length = tuple(_rows(s, cut, length) for s in seqs), k
        carry, ys_first = pytree.tree_map(lax.stop_gradient, first)
    else:
        # NOTE: every sequence has the same symbolic length n: the first max(n - k, 0) rows, then the rest.
        # When n <= k the first loop runs no step and its carry is the initial one, whose gradient then flows.
        head = [_rows(s, None, -k) for s in seqs]
        first = lax.scan(step, carry0, tuple(head), length=None)
        ran = gt(size_of(head[0], axes=(0,), dtype=np.dtype("int64")), 0)
        carry = pytree.tree_map(lambda v: jnp.where(ran, lax.stop_gradient(v), v), first[0])
        ys_first = pytree.tree_map(lax.stop_gradient, first[1])
        last_xs, last_length = tuple(_rows(s, -k, None) for s in seqs), None
    carry, ys_last = lax.scan(step, carry, last_xs, length=last_length)
    return carry, tuple(concatenate(a, b, axis=0) for a, b in zip(ys_first, ys_last))


def _truncated_by_count(step, carry0, seqs, length, k):
    """``_loop``'s truncation where the step count is a graph value (sequences of lengths the trace cannot
    tell equal, or a symbolic n_steps): one loop that counts its steps, whose results before the last k are
    under stop_gradient. The values are those of every step; the gradients those of the two loops above (the
    early steps' cotangents are zero, so their backward pass runs, and adds nothing)."""
    cut = length - k

    def counted(carry, xs):
        inner, t = carry
        new, ys = step(inner, xs)
        early = jnp.less(t, cut)

        def kept(v):
            return jnp.where(early, lax.stop_gradient(v), v)
        return (pytree.tree_map(kept, new), t + 1), pytree.tree_map(kept, ys)
    (carry, _), ys = lax.scan(counted, (carry0, np.int64(0)), tuple(seqs), length=length)
    return carry, ys


def _reversed(v):
    return _rows(as_var(v), None, None, -1)


def _rows(v, lo, hi, step=None):
    """``v[lo:hi:step]`` along the leading axis."""
    return slice_(v, index=((lo, hi, step),) + ((None, None, None),) * (v.ndim - 1))


# -- Theano's scan views and clone (theano.map, theano.reduce, theano.foldl, theano.foldr, theano.clone) -------
def map(fn, sequences, non_sequences=None, truncate_gradient=-1, go_backwards=False, mode=None,  # noqa: A001
        name=None):
    """Theano's ``theano.map``: ``fn`` applied to each element of ``sequences`` (no output fed back);
    returns ``(outputs, updates)`` as ``scan``."""
    return scan(fn, sequences=sequences, outputs_info=[], non_sequences=non_sequences,
                truncate_gradient=truncate_gradient, go_backwards=go_backwards, mode=mode, name=name)


def reduce(fn, sequences, outputs_info, non_sequences=None, go_backwards=False, mode=None,  # noqa: A001
           name=None):
    """Theano's ``theano.reduce``: ``scan`` keeping only each output's value after the last step; returns
    ``(outputs, updates)``."""
    outs, updates = scan(fn, sequences=sequences, outputs_info=outputs_info, non_sequences=non_sequences,
                         go_backwards=go_backwards, mode=mode, name=name)
    if isinstance(outs, (list, tuple)):
        return [o[-1] for o in outs], updates
    return outs[-1], updates


def foldl(fn, sequences, outputs_info, non_sequences=None, mode=None, name=None):
    """Theano's ``theano.foldl``: ``reduce`` from the first element to the last."""
    return reduce(fn, sequences, outputs_info, non_sequences, go_backwards=False, mode=mode, name=name)


def foldr(fn, sequences, outputs_info, non_sequences=None, mode=None, name=None):
    """Theano's ``theano.foldr``: ``reduce`` from the last element to the first."""
    return reduce(fn, sequences, outputs_info, non_sequences, go_backwards=True, mode=mode, name=name)


def clone(output, replace=None, strict=True, share_inputs=True):
    """Theano's ``theano.clone``: ``output`` (a variable or a list of them) rebuilt with the variables in
    ``replace`` (a dict or a list of (old, new) pairs) replaced. ``strict``: a replacement must have the
    dtype and rank of what it replaces (False: any rank-matching value is converted). ``share_inputs=False``
    gives the clone fresh copies of the plain inputs it reads (same types and names), so it no longer
    depends on the originals; shared variables and constants stay shared, as Theano's clones share their
    storage."""
    single = not isinstance(output, (list, tuple))
    outs = [as_var(o) for o in ([output] if single else output)]
    pairs = list(replace.items()) if isinstance(replace, dict) else list(replace or [])
    mapping = {}
    for k, pair in enumerate(pairs):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2 or not isinstance(pair[0], Var):
            raise TypeError(f"clone: replace must map variables to their replacements, got entry {k}: {pair!r}"
                            + where(user_frame()))
        old, new = pair[0], as_var(pair[1]) if isinstance(pair[1], Var) else as_var(np.asarray(pair[1]))
        if new.ndim != old.ndim or (strict and new.dtype != old.dtype):
            raise TypeError(f"clone: the replacement of {old.name or 'a variable'} ({old.type!r}) has type "
                            f"{new.type!r}; it needs the same rank{' and dtype (or strict=False)' if strict else ''}"
                            + where(user_frame()))
        mapping[old] = new if new.dtype == old.dtype else convert(new, dtype=old.dtype)
    if not share_inputs:
        replaced = {old._id for old in mapping}
        for v in free_inputs(outs):
            if v._id not in replaced and not isinstance(v, SharedVariable) and not v.is_const:
                mapping[v] = type(v)(v.type, name=v.name, source=user_frame())
    got = substitute(outs, mapping) if mapping else outs
    return got[0] if single else list(got)


__all__ = ["scan", "until", "map", "reduce", "foldl", "foldr", "clone"]
