"""Reshapes that build the new view in the entry itself.

Why: numba's ``a.reshape(shape)`` calls two helpers at run time (one normalizes the shape, one tries a view
without a copy, through ``numba_attempt_nocopy_reshape``, a C function LLVM cannot inline), whatever the
layout: ~15 ns per reshape, a fifteenth of the seed XOR step's entry. The generated code reshapes arrays it
knows to be C-contiguous (its own, or ``np.ascontiguousarray`` of anything else) to a shape whose size it
has checked, so the view's strides follow from the shape alone (``scratch.shape_values`` and ``c_strides``, as
for the arrays scratch carves). Imports numpy, numba and scratch only.
"""

import numpy as np
from numba import types
from numba.core.imputils import impl_ret_borrowed
from numba.extending import intrinsic, overload

from .scratch import c_strides, shape_values


def reshaped(a, shape):
    """``np.ascontiguousarray(a).reshape(shape)`` for a ``shape`` (a tuple of integers, no -1) whose size the
    caller checked is ``a``'s: a C-contiguous ``a`` is viewed without a call."""


@overload(reshaped)
def _reshaped(a, shape):
    if not (isinstance(a, types.Array) and isinstance(shape, types.BaseTuple)
            and all(isinstance(t, types.Integer) for t in shape)):
        return None
    if a.layout == "C":
        return lambda a, shape: _c_view(a, shape)
    return lambda a, shape: np.ascontiguousarray(a).reshape(shape)


@intrinsic
def _c_view(typingctx, a, shape):
    """The C-contiguous array ``a`` viewed with ``shape`` (same size), sharing its memory and its owner."""
    if not (isinstance(a, types.Array) and a.layout == "C" and isinstance(shape, types.BaseTuple)
            and all(isinstance(t, types.Integer) for t in shape)):
        return None
    result = a.copy(ndim=len(shape), layout="C")

    def codegen(context, builder, sig, args):
        src = context.make_array(sig.args[0])(context, builder, value=args[0])
        dims = shape_values(context, builder, sig.args[1], args[1])
        out = context.make_array(result)(context, builder)
        context.populate_array(out, data=src.data, shape=dims, strides=c_strides(builder, dims, src.itemsize),
                               itemsize=src.itemsize, meminfo=src.meminfo, parent=src.parent)
        return impl_ret_borrowed(context, builder, result, out._getvalue())
    return result(a, shape), codegen
