"""``jaxlike.scipy``: the parts of ``jax.scipy`` a model reaches for (``special``, ``linalg``)."""

from . import special, linalg  # noqa: F401
