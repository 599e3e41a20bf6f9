"""Effects in a pure graph: ``jaxlike.debug.print`` of traced values.

A traced print is a node whose result, a token, nothing reads, so it is kept alive by hand. Its token waits
in a pending list until whoever owns the values it prints claims it:

- a transformation that stands fresh Vars in for its arguments (grad, vjp, jvp, vmap: ``_evaluate.finish``)
  claims the tokens that read those Vars, and either evaluates them with its results (the print happens) or
  substitutes them into the enclosing trace and gives them back as pending there;
- ``compile``'s trace takes every token made while it ran and appends them to the graph's outputs (the call
  path drops them), so the compiled code prints on each call.

- a loop or branch body claims the tokens that read its own values and makes them results of the loop:
  stacked outputs of a scan, carries of a while_loop, outputs of a cond (a branch without them gives
  constants), which are pending tokens of the enclosing trace in turn; so a print runs on each step, or in
  the branch taken.

Bodies closed any other way (custom derivative rules, Theano's scan steps) keep no effects: a token that reads
their values is refused where the body is closed, with the print's source line, rather than dropped.
Thread-local, because tiered compiles build graphs on other threads. Imports core only.
"""

import threading

from .graph import Var, toposort
from .errors import where

_LOCAL = threading.local()


def _pending():
    p = getattr(_LOCAL, "pending", None)
    if p is None:
        p = _LOCAL.pending = []
    return p


def record(token):
    """Hold ``token`` (a traced print's result) until a transformation or a compile claims it."""
    _pending().append(token)


def open_trace():
    """Start a compile's trace: returns the position after which its tokens are recorded."""
    _LOCAL.depth = getattr(_LOCAL, "depth", 0) + 1
    return len(_pending())


def close_trace(position):
    """End the trace opened at ``position``: remove and return the tokens recorded since (all of them: a trace
    owns what it made)."""
    _LOCAL.depth -= 1
    p = _pending()
    taken = p[position:]
    del p[position:]
    return taken


def mark():
    """A position in the pending list, for ``drop_since`` (a loop step traced again drops its first trace's)."""
    return len(_pending())


def drop_since(position):
    del _pending()[position:]


def tracing():
    """Whether a compile's trace is running (a print of constants then prints when the graph runs)."""
    return getattr(_LOCAL, "depth", 0) > 0


def claim(fresh_vars):
    """Remove and return the pending tokens that read any of ``fresh_vars`` (a transformation's stand-ins)."""
    p = _pending()
    if not p:
        return []
    ids = {v._id for v in fresh_vars}
    mine = [t for t in p if any(v._id in ids for v in toposort([t]) if v.is_input)]
    if mine:
        p[:] = [t for t in p if all(t is not m for m in mine)]
    return mine


def give(tokens):
    """Put tokens back as pending (substituted into an enclosing trace, which claims them in turn). Values
    that are not graph variables are dropped: a loop evaluated at once has run its prints already."""
    _pending().extend(t for t in tokens if isinstance(t, Var))


def is_token(v):
    """Whether ``v`` is a print's token (under vmap, broadcast along the batch axes): a loop's forward-mode
    copy puts zeros in its place, so that the print runs once, in the original loop its token keeps."""
    while v.prim is not None and v.prim.name == "broadcast_to":
        v = v.inputs[0]
    return v.prim is not None and v.prim.name == "debug_print"


def refuse_inside(inputs, what):
    """Raise when a pending token reads any of ``inputs``, the fresh values of ``what``, a body being closed
    that keeps no prints."""
    inside = claim(inputs)
    if inside:
        raise NotImplementedError(
            f"jaxlike.debug.print{where(inside[0].source)} prints a value traced inside {what}, which keeps no "
            "prints (lax.scan, fori_loop, while_loop's body and cond's branches do): print it outside, or "
            "return it and print it after the call.")


def check_owned(tokens, inputs):
    """The tokens a compile's trace made must read nothing but its ``inputs`` (else they print a value of a
    body or a transformation that keeps no effects)."""
    ids = {v._id for v in inputs}
    for t in tokens:
        if any(v.is_input and v._id not in ids for v in toposort([t])):
            raise NotImplementedError(
                f"jaxlike.debug.print{where(t.source)} prints a value traced inside a transformation that keeps "
                "no prints (a loop or branch body, a custom derivative rule, checkpoint, or a Theano-style "
                "graph): print it outside that transformation, or return it and print it after the call.")
