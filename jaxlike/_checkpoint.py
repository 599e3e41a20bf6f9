"""``jaxlike.checkpoint`` (``remat``): JAX's gradient checkpointing decorator.

In JAX it trades memory for time: the residuals of the decorated function are recomputed in the backward
pass instead of stored, and the values and gradients do not change. Here it acts where the trade is made: a
``lax.scan`` step. Reverse mode of a scan saves per step what the derivative reads of the step (its gates,
tanh's results), as JAX's does; with a checkpointed step it saves only the carries and the backward loop
computes the step again. Anywhere else jaxlike's memory planning runs on the whole differentiated graph, and
the decorated function is the function itself: same values, same gradients. Imports nothing of ours but
core.errors.
"""

import functools

from .core.errors import user_frame, where

__all__ = ["checkpoint", "remat", "checkpoint_policies", "checkpoint_name"]


def checkpoint(fun, *, prevent_cse=True, policy=None, static_argnums=()):
    """``fun``, marked so that a ``lax.scan`` of it recomputes its step in the backward loop rather than saving
    what the derivative reads of it (see the module docstring); values and gradients do not change.
    ``prevent_cse``, ``policy`` and ``static_argnums`` are JAX's; they are checked for their type and
    otherwise have nothing to act on."""
    if not callable(fun):
        raise TypeError(f"checkpoint: fun must be callable, got {type(fun).__name__}{where(user_frame())}")
    if policy is not None and not callable(policy):
        raise TypeError(f"checkpoint: policy must be None or a callable (a jax.checkpoint_policies entry), got "
                        f"{type(policy).__name__}{where(user_frame())}")
    nums = (static_argnums,) if isinstance(static_argnums, int) else static_argnums
    if not isinstance(nums, (tuple, list)) or not all(isinstance(i, int) for i in nums):
        raise TypeError(f"checkpoint: static_argnums must be an int or a tuple of ints, got {static_argnums!r}"
                        f"{where(user_frame())}")

    @functools.wraps(fun)
    def remat_fun(*args, **kwargs):
        return fun(*args, **kwargs)
    remat_fun.__jaxlike_remat__ = True
    return remat_fun


remat = checkpoint


def checkpoint_name(x, name):
    """``jax.ad_checkpoint.checkpoint_name``: tags ``x`` for the name-based policies and returns it; with
    nothing rematerialized here the tag has nothing to act on."""
    if not isinstance(name, str):
        raise TypeError(f"checkpoint_name: name must be a str, got {type(name).__name__}{where(user_frame())}")
    return x


def _names_of(params):
    return {params.get("name")} - {None}


class checkpoint_policies:    # noqa: N801  (JAX's lower-case namespace)
    """``jax.checkpoint_policies``: the policies ported code passes as ``checkpoint(policy=...)``. Each is
    JAX's predicate ``policy(prim, *avals, **params) -> bool`` (whether a value may be saved for the backward
    pass); checkpoint accepts any of them and, rematerializing nothing, saves everything whatever they say."""

    @staticmethod
    def everything_saveable(*_, **__):
        return True

    @staticmethod
    def nothing_saveable(*_, **__):
        return False

    @staticmethod
    def dots_saveable(prim, *_, **__):
        return getattr(prim, "name", prim) in ("dot_general", "contract")

    checkpoint_dots = dots_saveable
    dots_with_no_batch_dims_saveable = dots_saveable
    checkpoint_dots_with_no_batch_dims = dots_saveable

    @staticmethod
    def save_only_these_names(*names):
        return lambda prim, *_, **params: bool(_names_of(params) & set(names))

    @staticmethod
    def save_anything_except_these_names(*names):
        return lambda prim, *_, **params: not (_names_of(params) & set(names))

    save_any_names_but_these = save_anything_except_these_names

    @staticmethod
    def save_from_both_policies(first, second):
        return lambda *args, **params: first(*args, **params) or second(*args, **params)
