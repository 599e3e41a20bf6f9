"""``jaxlike.checkpoint`` (``remat``): JAX's gradient checkpointing decorator, accepted for ported code.

In JAX it trades memory for time: the residuals of the decorated function are recomputed in the backward
pass instead of stored, and the values and gradients do not change. jaxlike does not rematerialize (its
memory planning runs on the whole differentiated graph), so the honest equivalent is the function itself:
same values, same gradients, and the memory use of the undecorated function. Imports nothing of ours but
core.errors.
"""

from .core.errors import user_frame, where

__all__ = ["checkpoint", "remat"]


def checkpoint(fun, *, prevent_cse=True, policy=None, static_argnums=()):
    """Returns ``fun`` unchanged: jaxlike does not rematerialize, so it neither saves memory nor changes a
    value (see the module docstring). ``prevent_cse``, ``policy`` and ``static_argnums`` are JAX's; they are
    checked for their type and otherwise have nothing to act on."""
    if not callable(fun):
        raise TypeError(f"checkpoint: fun must be callable, got {type(fun).__name__}{where(user_frame())}")
    if policy is not None and not callable(policy):
        raise TypeError(f"checkpoint: policy must be None or a callable (a jax.checkpoint_policies entry), got "
                        f"{type(policy).__name__}{where(user_frame())}")
    nums = (static_argnums,) if isinstance(static_argnums, int) else static_argnums
    if not isinstance(nums, (tuple, list)) or not all(isinstance(i, int) for i in nums):
        raise TypeError(f"checkpoint: static_argnums must be an int or a tuple of ints, got {static_argnums!r}"
                        f"{where(user_frame())}")
    return fun


remat = checkpoint
