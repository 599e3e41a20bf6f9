"""``jaxlike.scipy``: the parts of ``jax.scipy`` a model reaches for (``special``)."""

from . import special  # noqa: F401
