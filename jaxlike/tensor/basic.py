"""Theano's tensor functions (``T.exp``, ``T.dot``, ``T.switch``, ``T.sum``, ``T.concatenate``...) with
Theano's names and signatures, each a thin call of the ``jaxlike.numpy`` function that binds the same
primitives. Lists of symbolic variables are stacked wherever an operand is expected (``T.dot(w, [a1, a2])``),
and numpy arrays and Python numbers mix freely with symbolic values. A front-end module: imports core, ops
and jaxlike.numpy.
"""

import builtins

import numpy as np

from ..core.graph import Var, const
from ..core.types import canonical_dtype, is_known
from .. import numpy as jnp
from ..numpy._base import asarray_or_var


def as_tensor_variable(x, name=None, ndim=None):
    """A Var for ``x``: Vars pass through; lists (also of Vars), arrays and numbers become graph values."""
    v = asarray_or_var(x)
    if not isinstance(v, Var):
        v = const(v)
    if ndim is not None and v.ndim != ndim:
        raise TypeError(f"as_tensor_variable: expected rank {ndim}, got rank {v.ndim} ({v.type!r})")
    if name is not None and not isinstance(x, Var):
        v.name = name
    return v


def constant(x, name=None, dtype=None):
    """A named constant in the graph; Python numbers stay weakly typed unless ``dtype`` is given."""
    v = const(x, dtype=dtype)
    v.name = name
    return v


# -- elementwise ---------------------------------------------------------------------------------------
exp, log, log1p, expm1, sqrt = jnp.exp, jnp.log, jnp.log1p, jnp.expm1, jnp.sqrt
sin, cos, tan, arcsin, arccos, arctan = jnp.sin, jnp.cos, jnp.tan, jnp.arcsin, jnp.arccos, jnp.arctan
sinh, cosh, tanh = jnp.sinh, jnp.cosh, jnp.tanh
arcsinh, arctanh, arccosh = jnp.arcsinh, jnp.arctanh, jnp.arccosh
abs_, sgn, floor, ceil, neg = jnp.abs, jnp.sign, jnp.floor, jnp.ceil, jnp.negative
sqr, inv = jnp.square, jnp.reciprocal
maximum, minimum, arctan2, mod = jnp.maximum, jnp.minimum, jnp.arctan2, jnp.mod
add, sub, mul, true_div = jnp.add, jnp.subtract, jnp.multiply, jnp.divide
lt, le, gt, ge, eq, neq = jnp.less, jnp.less_equal, jnp.greater, jnp.greater_equal, jnp.equal, jnp.not_equal
# NOTE: Theano's and_/or_/xor/invert are bitwise (the operators & | ^ ~); on bool masks that is the logic op
and_, or_, xor, invert = jnp.bitwise_and, jnp.bitwise_or, jnp.bitwise_xor, jnp.invert
bitwise_and, bitwise_or, bitwise_xor, bitwise_not = and_, or_, xor, invert
isnan = jnp.isnan
real, imag, conj, angle = jnp.real, jnp.imag, jnp.conj, jnp.angle
pow = jnp.power  # noqa: A001  (Theano's name)


def log2(x):
    return jnp.log(x) / np.log(2.0)


def log10(x):
    return jnp.log(x) / np.log(10.0)


def switch(cond, ift, iff):
    """``ift`` where ``cond`` is nonzero, else ``iff`` (elementwise, broadcasting). Gradients flow to
    ``ift`` and ``iff`` only. ``T.switch(z < 0, 0, z)`` is a ReLU."""
    return jnp.where(cond, ift, iff)


def clip(x, min, max):  # noqa: A002  (Theano's argument names)
    return jnp.clip(x, min, max)


def cast(x, dtype):
    """``x`` converted to ``dtype`` (``'floatX'`` means ``config.floatX``)."""
    if dtype == "floatX":
        from ..core.types import floatx
        dtype = floatx()
    return jnp.astype(x, canonical_dtype(dtype, "cast target dtype"))


# -- reductions ----------------------------------------------------------------------------------------
def sum(input, axis=None, dtype=None, keepdims=False):  # noqa: A001
    return jnp.sum(input, axis=axis, dtype=dtype, keepdims=keepdims)


def prod(input, axis=None, dtype=None, keepdims=False):
    return jnp.prod(input, axis=axis, dtype=dtype, keepdims=keepdims)


def mean(input, axis=None, dtype=None, keepdims=False):
    """Mean over ``axis``; integer inputs give float64, as in Theano."""
    return jnp.mean(input, axis=axis, dtype=dtype, keepdims=keepdims)


def var(input, axis=None, ddof=0, keepdims=False):
    return jnp.var(input, axis=axis, ddof=ddof, keepdims=keepdims)


def std(input, axis=None, ddof=0, keepdims=False):
    return jnp.std(input, axis=axis, ddof=ddof, keepdims=keepdims)


def max(x, axis=None, keepdims=False):  # noqa: A001
    return jnp.max(x, axis=axis, keepdims=keepdims)


def min(x, axis=None, keepdims=False):  # noqa: A001
    return jnp.min(x, axis=axis, keepdims=keepdims)


def argmax(x, axis=None, keepdims=False):
    out = jnp.argmax(x, axis=axis)
    return jnp.expand_dims(out, axis) if keepdims and axis is not None else out


def argmin(x, axis=None, keepdims=False):
    out = jnp.argmin(x, axis=axis)
    return jnp.expand_dims(out, axis) if keepdims and axis is not None else out


# -- products ------------------------------------------------------------------------------------------
def dot(a, b):
    """Matrix/vector product (``*`` when either side is a scalar). A list of symbolic variables is stacked
    into one tensor first, so ``T.dot(w, [a1, a2])`` works as in Theano."""
    return jnp.dot(a, b)


outer, tensordot = jnp.outer, jnp.tensordot


# -- shape ---------------------------------------------------------------------------------------------
def concatenate(tensor_list, axis=0):
    if isinstance(tensor_list, Var) or not isinstance(tensor_list, (list, tuple)):
        raise TypeError("concatenate expects a list or tuple of tensors as its first argument, got "
                        f"{type(tensor_list).__name__}")
    return jnp.concatenate(list(tensor_list), axis=axis)


def stack(*tensors, axis=0):
    """``stack([a, b], axis=0)`` or the older ``stack(a, b)``: join tensors along a new dim."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    elif len(tensors) == 2 and isinstance(tensors[0], (list, tuple)) and isinstance(tensors[1], int):
        tensors, axis = tuple(tensors[0]), tensors[1]
    if not tensors:
        raise ValueError("stack needs at least one tensor")
    return jnp.stack(list(tensors), axis=axis)


def reshape(x, newshape, ndim=None):
    if isinstance(newshape, (int, np.integer)):
        newshape = (newshape,)
    if ndim is not None and len(newshape) != ndim:
        raise ValueError(f"reshape: newshape {newshape} has {len(newshape)} entries but ndim={ndim}")
    return jnp.reshape(x, tuple(newshape))


def flatten(x, ndim=1):
    """Keep the first ``ndim - 1`` dims and flatten the rest into one."""
    x = as_tensor_variable(x)
    if not 1 <= ndim <= builtins.max(x.ndim, 1):
        raise ValueError(f"flatten: ndim={ndim} must be between 1 and the rank {x.ndim}")
    return jnp.reshape(x, tuple(x.shape[:ndim - 1]) + (-1,))


def transpose(x, axes=None):
    return jnp.transpose(x, axes)


def shape_padleft(x, n_ones=1):
    x = as_tensor_variable(x)
    return jnp.reshape(x, (1,) * n_ones + tuple(x.shape)) if n_ones else x


def shape_padright(x, n_ones=1):
    x = as_tensor_variable(x)
    return jnp.reshape(x, tuple(x.shape) + (1,) * n_ones) if n_ones else x


def addbroadcast(x, *axes):
    """Mark size-1 dims as broadcastable; the size is checked when the function runs."""
    x = as_tensor_variable(x)
    shape = list(x.shape)
    for a in axes:
        if not is_known(shape[a]) or shape[a] != 1:
            shape[a] = 1
    return jnp.reshape(x, tuple(shape))


def zeros_like(x, dtype=None):
    return jnp.zeros_like(as_tensor_variable(x), dtype=dtype)


def ones_like(x, dtype=None):
    return jnp.ones_like(as_tensor_variable(x), dtype=dtype)


def zeros(shape, dtype=None):
    return jnp.zeros(shape, dtype=dtype)


def ones(shape, dtype=None):
    return jnp.ones(shape, dtype=dtype)


def arange(start, stop=None, step=1, dtype=None):
    """Theano's ``T.arange``: int64 for integer bounds, floatX-independent like numpy's."""
    return jnp.arange(start, stop, step, dtype=dtype)


__all__ = [
    "as_tensor_variable", "constant",
    "exp", "log", "log1p", "expm1", "sqrt", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh",
    "tanh", "arcsinh", "arctanh", "arccosh", "abs_", "sgn", "floor", "ceil", "neg", "sqr", "inv", "maximum",
    "minimum", "arctan2", "mod", "add", "sub", "mul", "true_div", "lt", "le", "gt", "ge", "eq", "neq", "and_",
    "or_", "xor", "invert", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "isnan", "real", "imag", "conj", "angle", "pow", "log2", "log10", "switch", "clip", "cast",
    "sum", "prod", "mean", "var", "std", "max", "min", "argmax", "argmin",
    "dot", "outer", "tensordot",
    "concatenate", "stack", "reshape", "flatten", "transpose", "shape_padleft", "shape_padright",
    "addbroadcast", "zeros_like", "ones_like", "zeros", "ones", "arange",
]
