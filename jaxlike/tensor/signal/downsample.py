"""``theano.tensor.signal.downsample``: the pre-0.9 name of max pooling, ``max_pool_2d``, on ``pool.pool_2d``.
A front-end module: imports ``pool``."""

from .pool import pool_2d

__all__ = ["max_pool_2d"]


def max_pool_2d(input, ds, ignore_border=None, st=None, padding=(0, 0), mode="max"):
    """``pool_2d(input, ws=ds, ignore_border, stride=st, pad=padding, mode)``."""
    return pool_2d(input, ws=ds, ignore_border=ignore_border, stride=st, pad=padding, mode=mode)
