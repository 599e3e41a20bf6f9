"""``theano.sandbox``: where Theano code imports ``MRG_RandomStreams`` from
(``from theano.sandbox.rng_mrg import MRG_RandomStreams``). A front-end package: imports jaxlike.tensor."""

from . import rng_mrg  # noqa: F401

__all__ = ["rng_mrg"]
