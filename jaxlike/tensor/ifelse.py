"""Theano's ``ifelse(condition, then_branch, else_branch)``: ``then_branch`` when the scalar ``condition`` is
nonzero, else ``else_branch``; a branch may be one tensor or a list of them (then a list comes back).

Lazy, as Theano's: the result is a ``cond`` (``control/cond.py``) whose branches hold their expressions, so
the branch not taken is not computed, and a computation that would fail there (an index out of range) does
not fail the call. What the condition or the rest of the graph also needs is computed once, outside
(``passes/branches.py``). Gradients are conds of each branch's own derivative, as ``lax.cond``'s: the branch
not taken contributes exact zeros (no ``0 * inf``). The branches must have the same dtype and rank, as
Theano requires, and one shape: Theano's lazy ifelse allows branches of different shapes; here that is
refused when the graph is built where the sizes are known, and where they are not (two different symbolic
sizes) both branches are computed and one is selected, under the select's size check when the call binds
them. A front-end module: imports core, control and jaxlike.numpy.
"""

from ..core.graph import Var
from ..core.types import is_known, shapes_equal
from ..control.cond import make_cond
from ..core.errors import user_frame, where
from .. import numpy as jnp
from .basic import as_tensor_variable


def _branch_pair(then_value, else_value, k):
    label = "" if k is None else f" (output {k})"
    if not isinstance(then_value, Var) and isinstance(else_value, Var):
        then_value = jnp.astype(as_tensor_variable(then_value), else_value.dtype)
    elif isinstance(then_value, Var) and not isinstance(else_value, Var):
        else_value = jnp.astype(as_tensor_variable(else_value), then_value.dtype)
    then_value, else_value = as_tensor_variable(then_value), as_tensor_variable(else_value)
    if then_value.dtype != else_value.dtype or then_value.ndim != else_value.ndim:
        raise TypeError(f"ifelse: the two branches must have the same type{label}: then_branch is "
                        f"{then_value.type!r}, else_branch is {else_value.type!r}; cast one with T.cast"
                        + where(user_frame()))
    for a, b in zip(then_value.shape, else_value.shape):
        # NOTE: the select would broadcast a branch of size 1 to the other's size: a wrong value, not an error
        known = [d for d in (a, b) if is_known(d)]
        if (len(known) == 2 and a != b) or known == [1]:
            raise TypeError(f"ifelse: the two branches must have one shape{label}: then_branch is "
                            f"{then_value.type!r}, else_branch is {else_value.type!r}. The result has one "
                            "type whichever branch runs, so branches of different shapes (Theano allows them) "
                            "cannot be returned; compute the branches to one shape" + where(user_frame()))
    return then_value, else_value


def ifelse(condition, then_branch, else_branch, name=None):
    """``then_branch`` if ``condition`` (a scalar) is nonzero, else ``else_branch``; only that branch's own
    work is computed (the module docstring). ``name`` (Theano's name for the op) is accepted and unused.

    >>> import jaxlike.tensor as T
    >>> a, b = T.dscalar('a'), T.dscalar('b')
    >>> str(ifelse(T.lt(a, b), a, b).type)
    'f64[]'
    """
    condition = as_tensor_variable(condition)
    if condition.ndim != 0:
        raise TypeError(f"ifelse: condition must be a scalar, got {condition.type!r}; reduce it first, e.g. "
                        f"T.any(c) or T.all(c)" + where(user_frame()))
    several = isinstance(then_branch, (list, tuple))
    if several != isinstance(else_branch, (list, tuple)):
        raise TypeError("ifelse: then_branch and else_branch must both be lists or both single tensors, got "
                        f"{type(then_branch).__name__} and {type(else_branch).__name__}" + where(user_frame()))
    thens = list(then_branch) if several else [then_branch]
    elses = list(else_branch) if several else [else_branch]
    if len(thens) != len(elses):
        raise ValueError(f"ifelse: then_branch has {len(thens)} outputs but else_branch has {len(elses)}"
                         + where(user_frame()))
    pairs = [_branch_pair(t, e, k if several else None) for k, (t, e) in enumerate(zip(thens, elses))]
    taken = jnp.not_equal(condition, 0)
    out = None
    if all(shapes_equal(t.shape, e.shape) for t, e in pairs):
        # NOTE: each branch holds its whole expression, down to the graph's inputs (mark 0): what the rest of
        # the graph computes too is read from outside once the graph is whole (passes/branches.py)
        out = make_cond(jnp.where(taken, 0, 1), [([], [t for t, _ in pairs], 0), ([], [e for _, e in pairs], 0)],
                        [])
    if out is None:
        out = [jnp.where(taken, t, e) for t, e in pairs]
    return out if several else out[0]


__all__ = ["ifelse"]
