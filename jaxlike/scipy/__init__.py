"""``jaxlike.scipy``: the parts of ``jax.scipy`` a model reaches for (``special``, ``linalg``, ``stats``)."""

from . import special, linalg, stats  # noqa: F401
