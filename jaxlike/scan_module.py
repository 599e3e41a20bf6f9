"""``theano.scan_module``: where older Theano code imports ``scan`` from (``from theano.scan_module import
scan``), ``until`` (``theano.scan_module.until``) and the scan views ``map``, ``reduce``, ``foldl``, ``foldr``
and ``clone``. The implementation is ``jaxlike.tensor.scan_module``."""

from .tensor.scan_module import scan, until, map, reduce, foldl, foldr, clone  # noqa: F401,A004

__all__ = ["scan", "until", "map", "reduce", "foldl", "foldr", "clone"]
