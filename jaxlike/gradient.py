"""``theano.gradient``: where Theano code imports ``grad``, ``jacobian``, ``hessian``, ``Lop``, ``Rop``,
``zero_grad``, ``disconnected_grad``, ``grad_clip``, ``grad_scale`` and ``verify_grad`` (with its ``GradientError``) from
(``from theano.gradient import disconnected_grad``). The implementation is ``jaxlike.tensor.gradient``."""

from .tensor.gradient import (grad, jacobian, hessian, Lop, Rop, zero_grad, disconnected_grad,  # noqa: F401
                              DisconnectedInputError, grad_clip, grad_scale, verify_grad,
                              GradientError)

__all__ = ["grad", "jacobian", "hessian", "Lop", "Rop", "zero_grad", "disconnected_grad",
           "DisconnectedInputError", "grad_clip", "grad_scale", "verify_grad", "GradientError"]
