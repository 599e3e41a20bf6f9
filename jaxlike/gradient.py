"""``theano.gradient``: where Theano code imports ``grad``, ``jacobian``, ``hessian``, ``Lop``, ``Rop``,
``zero_grad`` and ``disconnected_grad`` from (``from theano.gradient import disconnected_grad``). The
implementation is ``jaxlike.tensor.gradient``."""

from .tensor.gradient import (grad, jacobian, hessian, Lop, Rop, zero_grad, disconnected_grad,  # noqa: F401
                              DisconnectedInputError)

__all__ = ["grad", "jacobian", "hessian", "Lop", "Rop", "zero_grad", "disconnected_grad",
           "DisconnectedInputError"]
