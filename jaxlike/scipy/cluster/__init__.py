"""``jaxlike.scipy.cluster``, as ``jax.scipy.cluster``: the ``vq`` module (vector quantization)."""

from . import vq  # noqa: F401
