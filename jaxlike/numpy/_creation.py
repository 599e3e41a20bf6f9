"""Array creation. Shapes given as Python ints give constants (folded into the graph); ``*_like`` of a traced
value with symbolic sizes broadcasts a scalar to its shape, so one compiled function still serves every size."""

import numpy as np

from ..core.graph import Var, const
from ..core.types import floatx
from ..ops import layout as L
from ._base import asarray_or_var


def _dt(dtype, default=None):
    return np.dtype(dtype) if dtype is not None else (default or floatx())


def array(obj, dtype=None, copy=True):
    x = asarray_or_var(obj)
    if isinstance(x, Var):
        from ._elementwise import astype
        return x if dtype is None else astype(x, dtype)
    return np.array(x, dtype=dtype, copy=copy)


def asarray(obj, dtype=None):
    # NOTE: copy=None ("only if needed"): numpy 2 raises for copy=False whenever a copy is unavoidable.
    return array(obj, dtype=dtype, copy=None)


def _shape_tuple(shape):
    return tuple(shape) if isinstance(shape, (tuple, list)) else (shape,)


def full(shape, fill_value, dtype=None):
    shape = _shape_tuple(shape)
    if isinstance(fill_value, Var):
        return L.broadcast_to(fill_value, shape=shape) if shape else fill_value
    dt = np.dtype(dtype) if dtype is not None else np.asarray(fill_value).dtype
    if all(isinstance(d, (int, np.integer)) for d in shape):
        return np.full(shape, fill_value, dtype=dt)
    return L.broadcast_to(const(np.asarray(fill_value, dtype=dt)), shape=shape)


def zeros(shape, dtype=None):
    return full(shape, 0, dtype=_dt(dtype))


def ones(shape, dtype=None):
    return full(shape, 1, dtype=_dt(dtype))


def empty(shape, dtype=None):
    return zeros(shape, dtype)


def full_like(a, fill_value, dtype=None):
    a = asarray_or_var(a)
    dt = np.dtype(dtype) if dtype is not None else (a.dtype if isinstance(a, Var) else np.asarray(a).dtype)
    if not isinstance(a, Var):
        return np.full_like(a, fill_value, dtype=dt)
    c = const(np.asarray(fill_value, dtype=dt))
    return L.broadcast_to(c, shape=a.shape) if a.ndim else c


def zeros_like(a, dtype=None):
    return full_like(a, 0, dtype)


def ones_like(a, dtype=None):
    return full_like(a, 1, dtype)


empty_like = zeros_like


def arange(start, stop=None, step=1, dtype=None):
    return np.arange(start, stop, step, dtype=dtype) if stop is not None else np.arange(start, dtype=dtype)


def linspace(start, stop, num=50, endpoint=True, dtype=None):
    return np.linspace(start, stop, num, endpoint=endpoint, dtype=dtype or floatx())


def eye(N, M=None, k=0, dtype=None):
    return np.eye(N, M, k, dtype=_dt(dtype))


def identity(n, dtype=None):
    return eye(n, dtype=dtype)
