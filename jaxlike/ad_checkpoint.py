"""``jax.ad_checkpoint``'s names, for ported code: ``checkpoint`` (``remat``), ``checkpoint_name`` and
``checkpoint_policies`` (see ``_checkpoint``: jaxlike rematerializes nothing, so they change no value). A
front-end module."""

from ._checkpoint import checkpoint, remat, checkpoint_name, checkpoint_policies  # noqa: F401

__all__ = ["checkpoint", "remat", "checkpoint_name", "checkpoint_policies"]
