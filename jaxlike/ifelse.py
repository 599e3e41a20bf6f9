"""``theano.ifelse``: where Theano code imports ``ifelse`` from (``from theano.ifelse import ifelse``). The
implementation is ``jaxlike.tensor.ifelse``."""

from .tensor.ifelse import ifelse  # noqa: F401

__all__ = ["ifelse"]
