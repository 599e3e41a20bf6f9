"""Operators and array methods on traced values (``x + y``, ``x @ W``, ``x.T``, ``x.sum()``, ``x[1:, ::2]``),
installed on ``Var`` in this one place."""

from ..core.graph import Var
from . import _elementwise as E
from . import _reductions as R
from . import _shape as S
from . import _products as P
from ._indexing import getitem
from ._at import at
from . import _more_elementwise as ME
from . import _more_reductions as MR
from . import _more_shape as MS
from . import _diagonals as D
from . import _complex as C
from . import _bitwise as BW
from . import _utilities as U


def _swap(fn):
    return lambda self, other: fn(other, self)


def _reshape(self, *shape, ndim=None, order="C"):
    """numpy's ``x.reshape``, with Theano's ``ndim`` and symbolic shape vector."""
    if ndim is not None or (len(shape) == 1 and isinstance(shape[0], Var)):
        shape = (S.shape_entries(shape[0] if len(shape) == 1 else shape, ndim),)
    return S.reshape(self, *shape, order=order)


_OPERATORS = {
    "__add__": E.add, "__radd__": _swap(E.add),
    "__sub__": E.subtract, "__rsub__": _swap(E.subtract),
    "__mul__": E.multiply, "__rmul__": _swap(E.multiply),
    "__truediv__": E.divide, "__rtruediv__": _swap(E.divide),
    "__floordiv__": ME.floor_divide, "__rfloordiv__": _swap(ME.floor_divide),
    "__mod__": E.mod, "__rmod__": _swap(E.mod),
    "__pow__": E.power, "__rpow__": _swap(E.power),
    "__matmul__": P.matmul, "__rmatmul__": _swap(P.matmul),
    "__lt__": E.less, "__le__": E.less_equal, "__gt__": E.greater, "__ge__": E.greater_equal,
    "__eq__": E.equal, "__ne__": E.not_equal,
    # NOTE: numpy's &, |, ^, ~ are bitwise; on bools (masks) they are the logical ops
    "__and__": BW.bitwise_and, "__rand__": _swap(BW.bitwise_and),
    "__or__": BW.bitwise_or, "__ror__": _swap(BW.bitwise_or),
    "__xor__": BW.bitwise_xor, "__rxor__": _swap(BW.bitwise_xor),
    "__lshift__": BW.left_shift, "__rlshift__": _swap(BW.left_shift),
    "__rshift__": BW.right_shift, "__rrshift__": _swap(BW.right_shift),
    "__neg__": E.negative, "__pos__": lambda x: x, "__abs__": E.abs, "__invert__": BW.invert,
    "__getitem__": getitem,
}

_METHODS = {
    "sum": R.sum, "mean": R.mean, "max": R.max, "min": R.min, "prod": R.prod, "var": R.var, "std": R.std,
    "argmax": R.argmax, "argmin": R.argmin, "all": R.all, "any": R.any,
    "reshape": _reshape, "ravel": S.ravel, "flatten": S.ravel, "squeeze": S.squeeze,
    "swapaxes": S.swapaxes, "dot": P.dot, "astype": E.astype, "clip": ME.clip,
    "cumsum": MR.cumsum, "cumprod": MR.cumprod, "trace": MR.trace, "ptp": MR.ptp, "round": ME.round,
    "argsort": MS.argsort, "diagonal": D.diagonal, "repeat": MS.repeat,
    "conj": C.conj, "conjugate": C.conjugate, "take": U.take, "nonzero": E.nonzero,
}


def _transpose_method(self, *axes):
    if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
        axes = tuple(axes[0])
    return S.transpose(self, axes or None)


def install():
    for name, fn in _OPERATORS.items():
        setattr(Var, name, fn)
    for name, fn in _METHODS.items():
        setattr(Var, name, fn)
    Var.transpose = _transpose_method
    Var.T = property(lambda self: S.transpose(self))
    Var.mT = property(U.matrix_transpose)
    Var.real = property(C.real)
    Var.at = property(at)
    Var.imag = property(C.imag)
    Var.__hash__ = lambda self: self._id  # NOTE: defining __eq__ above would otherwise unset hashing


install()
