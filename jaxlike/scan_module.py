"""``theano.scan_module``: where older Theano code imports ``scan`` from (``from theano.scan_module import
scan``) and ``until`` (``theano.scan_module.until``). The implementation is ``jaxlike.tensor.scan_module``."""

from .tensor.scan_module import scan, until  # noqa: F401

__all__ = ["scan", "until"]
