"""Theano's ``ifelse(condition, then_branch, else_branch)``: ``then_branch`` when the scalar ``condition`` is
nonzero, else ``else_branch``; a branch may be one tensor or a list of them (then a list comes back).

Both branches are computed and one is selected (``jnp.where`` on a scalar condition): the values and the
gradients are Theano's, but where Theano skips the branch not taken, here it runs, so ifelse saves no work
and a failing computation in either branch fails the call. The branches must have the same dtype and rank,
as Theano requires, and one shape (Theano's lazy ifelse allows branches of different shapes; here that is
refused when the graph is built where the sizes are known, and by the select's size check when the call
binds them). The gradient flows to the branch taken only. A front-end module: imports core and jaxlike.numpy.
"""

from ..core.graph import Var
from ..core.types import is_known
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
                            f"{then_value.type!r}, else_branch is {else_value.type!r}. Both branches are "
                            "computed and one is selected, so a branch whose shape differs (Theano allows it) "
                            "cannot be returned; compute the branches to one shape" + where(user_frame()))
    return then_value, else_value


def ifelse(condition, then_branch, else_branch, name=None):
    """``then_branch`` if ``condition`` (a scalar) is nonzero, else ``else_branch``; both are evaluated.
    ``name`` (Theano's name for the op) is accepted and unused.

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
    taken = jnp.not_equal(condition, 0)
    out = []
    for k, (t, e) in enumerate(zip(thens, elses)):
        t, e = _branch_pair(t, e, k if several else None)
        out.append(jnp.where(taken, t, e))
    return out if several else out[0]


__all__ = ["ifelse"]
