"""``theano.tensor.signal``: pooling (``pool``, and ``downsample``, its pre-0.9 name). A front-end package:
imports the tensor front end and jaxlike.lax."""

from . import pool, downsample

__all__ = ["pool", "downsample"]
