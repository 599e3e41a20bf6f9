"""More of ``theano.tensor``'s names, each a thin call of the ``jaxlike.numpy`` function of the same
meaning: ``as_tensor``, ``take``, ``tril``/``triu``, ``horizontal_stack``/``vertical_stack``/``stacklists``,
``trunc``, ``deg2rad``/``rad2deg``, ``isclose``/``allclose``, ``ceil_intdiv``, ``get_scalar_constant_value``,
the dtype lists (``T.float_dtypes``...) and ``extra_ops``' ``diff``, ``squeeze``, ``searchsorted``,
``fill_diagonal``. A front-end module: imports core and jaxlike.numpy.
"""

import numpy as np

from .. import numpy as jnp
from ..core.graph import Var
from ..core.errors import user_frame, where
from .basic import as_tensor_variable

as_tensor = as_tensor_variable
trunc, deg2rad, rad2deg = jnp.trunc, jnp.deg2rad, jnp.rad2deg

int_dtypes = ["int8", "int16", "int32", "int64"]
uint_dtypes = ["uint8", "uint16", "uint32", "uint64"]
float_dtypes = ["float16", "float32", "float64"]
complex_dtypes = ["complex64", "complex128"]
discrete_dtypes = ["bool"] + int_dtypes + uint_dtypes
continuous_dtypes = float_dtypes + complex_dtypes
all_dtypes = discrete_dtypes + continuous_dtypes


def take(a, indices, axis=None, mode="raise"):
    """``a``'s entries at ``indices`` along ``axis`` (the flattened ``a`` when None)."""
    if mode != "raise":
        raise ValueError(f"take: only mode='raise' is supported (out-of-range indices are an error), got "
                         f"{mode!r}" + where(user_frame()))
    return jnp.take(as_tensor_variable(a), indices, axis=axis)


def tril(m, k=0):
    """``m`` with the entries above diagonal ``k`` zeroed."""
    return jnp.tril(as_tensor_variable(m), k)


def triu(m, k=0):
    """``m`` with the entries below diagonal ``k`` zeroed."""
    return jnp.triu(as_tensor_variable(m), k)


def horizontal_stack(*args):
    """The matrices joined along dim 1 (Theano's ``T.horizontal_stack``)."""
    for k, a in enumerate(args):
        if as_tensor_variable(a).ndim != 2:
            raise TypeError(f"horizontal_stack: argument {k} is not a matrix" + where(user_frame()))
    return jnp.concatenate(list(args), axis=1)


def vertical_stack(*args):
    """The matrices joined along dim 0 (Theano's ``T.vertical_stack``)."""
    for k, a in enumerate(args):
        if as_tensor_variable(a).ndim != 2:
            raise TypeError(f"vertical_stack: argument {k} is not a matrix" + where(user_frame()))
    return jnp.concatenate(list(args), axis=0)


def stacklists(arg):
    """A (nested) list of scalars or tensors stacked into one tensor: ``T.stacklists([[a, b], [c, d]])``."""
    if isinstance(arg, (list, tuple)):
        return jnp.stack([stacklists(a) for a in arg])
    return as_tensor_variable(arg)


def isclose(a, b, rtol=1.0e-5, atol=1.0e-8, equal_nan=False):
    return jnp.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)


def allclose(a, b, rtol=1.0e-5, atol=1.0e-8, equal_nan=False):
    return jnp.all(jnp.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))


def ceil_intdiv(a, b):
    """``ceil(a / b)`` in integers: ``a // b``, plus one where the division leaves a remainder."""
    div = jnp.floor_divide(a, b)
    return div + jnp.astype(jnp.not_equal(jnp.mod(a, b), 0), div.dtype)


class NotScalarConstantError(ValueError):
    """``get_scalar_constant_value`` of a value that is not a constant scalar."""


def get_scalar_constant_value(v, elemwise=True, only_process_constants=False, max_recur=10):
    """The number a constant scalar holds (a Python or numpy number, a 0-d or one-element constant);
    ``NotScalarConstantError`` for anything computed from inputs."""
    if isinstance(v, Var):
        if not v.is_const or v.value.size != 1:
            raise NotScalarConstantError(f"{v} is not a constant scalar")
        return np.asarray(v.value).reshape(())
    arr = np.asarray(v)
    if arr.size != 1 or arr.dtype.kind not in "biufc":
        raise NotScalarConstantError(f"{v!r} is not a constant scalar")
    return arr.reshape(())


def diff(x, n=1, axis=-1):
    """The n-th differences of ``x`` along ``axis`` (``theano.tensor.extra_ops.diff``)."""
    return jnp.diff(as_tensor_variable(x), n=n, axis=axis)


def searchsorted(x, v, side="left", sorter=None):
    """Where ``v``'s entries would go in the sorted vector ``x`` (``extra_ops.searchsorted``)."""
    return jnp.searchsorted(x, v, side=side, sorter=sorter)


def squeeze(x, axis=None):
    """``x`` without its size-1 (broadcastable) dims (``extra_ops.squeeze``)."""
    return jnp.squeeze(as_tensor_variable(x), axis=axis)


def fill_diagonal(a, val):
    """A copy of the matrix ``a`` with ``val`` on its main diagonal (``extra_ops.fill_diagonal``)."""
    a = as_tensor_variable(a)
    if a.ndim != 2:
        raise TypeError(f"fill_diagonal: expected a matrix, got rank {a.ndim} ({a.type!r})" + where(user_frame()))
    rows = jnp.arange(a.shape[0])
    cols = jnp.arange(a.shape[1])
    on = jnp.equal(jnp.expand_dims(rows, 1), jnp.expand_dims(cols, 0))
    return jnp.where(on, jnp.astype(as_tensor_variable(val), a.dtype), a)


__all__ = ["as_tensor", "trunc", "deg2rad", "rad2deg", "int_dtypes", "uint_dtypes", "float_dtypes",
           "complex_dtypes", "discrete_dtypes", "continuous_dtypes", "all_dtypes", "take", "tril", "triu",
           "horizontal_stack", "vertical_stack", "stacklists", "isclose", "allclose", "ceil_intdiv",
           "NotScalarConstantError", "get_scalar_constant_value"]
