"""Array creation. Shapes given as Python ints give constants (folded into the graph), as ``Array``s (numpy
arrays with JAX's ``.at``); ``*_like`` of a traced value with symbolic sizes broadcasts a scalar to its shape,
so one compiled function still serves every size."""

import operator

import numpy as np

from ..core.graph import Var, const
from ..core.types import floatx, Sym
from ..core.errors import api_frame, where
from ..ops import layout as L
from ..ops._rules import check_sizes
from ._base import asarray_or_var, is_traced, dtype_of, shape, ndim
from ._array import eager


def _dt(dtype, default=None):
    return np.dtype(dtype) if dtype is not None else (default or floatx())


def array(object, dtype=None, copy=True):  # noqa: A002  (numpy's parameter name)
    x = asarray_or_var(object)
    if isinstance(x, Var):
        from ._elementwise import astype
        return x if dtype is None else astype(x, dtype)
    return eager(np.array(x, dtype=dtype, copy=copy))


def asarray(a, dtype=None):
    # NOTE: copy=None ("only if needed"): numpy 2 raises for copy=False whenever a copy is unavoidable.
    return array(a, dtype=dtype, copy=None)


def _shape_tuple(shape):
    """The dims of ``shape``; a size given as a computed integer scalar (Theano's ``T.zeros((n,))`` with ``n`` an
    input) becomes the size of ``iota(n)``, bound when ``n`` is known."""
    dims = tuple(shape) if isinstance(shape, (tuple, list)) else (shape,)
    dims = tuple(_computed_size(d) if isinstance(d, Var) else d for d in dims)
    try:
        check_sizes(dims)
    except (TypeError, ValueError) as e:
        name, source = api_frame()
        raise type(e)(f"{name or 'full'}: {e}{where(source)}") from None
    return dims


def _computed_size(n):
    if n.ndim != 0 or n.dtype.kind not in "iu":
        raise TypeError(f"a size must be an integer scalar, got {n.type!r}")
    from ..ops.index import iota
    return iota(n).shape[0]


def full(shape, fill_value, dtype=None):
    shape = _shape_tuple(shape)
    fill = asarray_or_var(fill_value)
    if isinstance(fill, Var):
        fill = fill if dtype is None else _astype(fill, dtype)
        return L.broadcast_to(fill, shape=shape) if shape else fill
    dt = np.dtype(dtype) if dtype is not None else np.asarray(fill_value).dtype
    if all(isinstance(d, (int, np.integer)) for d in shape):
        return eager(np.full(shape, fill_value, dtype=dt))
    return L.broadcast_to(const(np.asarray(fill_value, dtype=dt)), shape=shape)


def zeros(shape, dtype=None):
    return full(shape, 0, dtype=_dt(dtype))


def ones(shape, dtype=None):
    return full(shape, 1, dtype=_dt(dtype))


def empty(shape, dtype=None):
    return zeros(shape, dtype)


def full_like(a, fill_value, dtype=None, order="K", subok=True, shape=None, *, device=None):
    """numpy's full_like; ``order``, ``subok`` and ``device`` are accepted and ignored (jaxlike arrays have one
    layout and class)."""
    a, fill = asarray_or_var(a), asarray_or_var(fill_value)
    dt = np.dtype(dtype) if dtype is not None else dtype_of(a)
    if shape is not None:
        return full(shape, fill, dtype=dt)
    if not is_traced(a, fill):
        return eager(np.full_like(a, fill_value, dtype=dt))
    # NOTE: numpy casts the fill value to the result dtype (a's unless given), a traced one included
    fill = _astype(fill, dt) if isinstance(fill, Var) else const(np.asarray(fill_value, dtype=dt))
    return L.broadcast_to(fill, shape=_shape_of(a)) if ndim(a) else fill


_shape_of = shape


def zeros_like(a, dtype=None, order="K", subok=True, shape=None, *, device=None):
    return full_like(a, 0, dtype, shape=shape)


def ones_like(a, dtype=None, order="K", subok=True, shape=None, *, device=None):
    return full_like(a, 1, dtype, shape=shape)


def empty_like(prototype, dtype=None, order="K", subok=True, shape=None, *, device=None):
    return zeros_like(prototype, dtype, shape=shape)


def arange(start, stop=None, step=1, dtype=None):
    """numpy's arange; ``arange(n)`` of a symbolic size n (Theano's ``T.arange(y.shape[0])``) is 0..n-1 of
    that size, without asking for a concrete one."""
    if stop is None and isinstance(start, Sym) and isinstance(step, int) and step == 1:
        from ..ops.scan import positions
        count = positions(start)
        return count if dtype is None else _astype(count, dtype)
    return eager(np.arange(start, stop, step, dtype=dtype) if stop is not None else np.arange(start, dtype=dtype))


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    start, stop = asarray_or_var(start), asarray_or_var(stop)
    if not isinstance(start, Var) and not isinstance(stop, Var):
        if dtype is None:
            # NOTE: numpy's own rule (float32 and complex endpoints keep their dtype); only its default float64
            # yields to floatX
            dtype = np.result_type(start, stop, float(num))
            dtype = floatx() if dtype == np.float64 else dtype
        out = np.linspace(start, stop, num, endpoint=endpoint, retstep=retstep, dtype=dtype, axis=axis)
        return (eager(out[0]), out[1]) if retstep else eager(out)
    # Traced endpoints (numpy accepts arrays): numpy's own formula, start + k * step with the last point set
    # to stop exactly, so values match numpy and the gradient reaches both endpoints.
    from ._shape import concatenate, moveaxis, reshape, broadcast_to
    num = int(num)
    if num < 0:
        raise ValueError(f"linspace: number of samples, {num}, must be non-negative")
    div = num - 1 if endpoint else num
    step = (stop - start) / div if div > 0 else (stop - start) * np.nan
    nd = max(np.ndim(start) if not isinstance(start, Var) else start.ndim,
             np.ndim(stop) if not isinstance(stop, Var) else stop.ndim)
    k = np.arange(num, dtype=float).reshape((num,) + (1,) * nd)
    # NOTE: with one point numpy scales by stop - start, not by its NaN step: the point is start
    y = const(k.astype(step.dtype)) * (step if div > 0 else stop - start) + start
    if endpoint and num > 1:
        last = _astype_like(broadcast_to(stop, tuple(y.shape[1:])), y)
        y = concatenate([y[:num - 1], reshape(last, (1,) + tuple(y.shape[1:]))], axis=0)
    if axis != 0:
        y = moveaxis(y, 0, axis)
    if dtype is not None:
        from ._elementwise import astype, floor
        if np.issubdtype(np.dtype(dtype), np.integer) and y.type.dtype.kind == "f":
            y = floor(y)   # NOTE: numpy 2 and JAX round integer samples down (the cast alone truncates toward 0)
        y = astype(y, dtype)
    return (y, step) if retstep else y


def _astype_like(x, like):
    return _astype(x, like.dtype)


def _astype(x, dtype):
    from ._elementwise import astype
    return astype(x, dtype)


def eye(N, M=None, k=0, dtype=None):
    """numpy's eye; a symbolic size (``eye(x.shape[0])``) stays symbolic: ones where column - row is k."""
    M = N if M is None else M
    if isinstance(N, Sym) or isinstance(M, Sym):
        from ._diagonals import diagonal_mask
        return _astype(diagonal_mask(N, M, operator.index(k)), _dt(dtype))
    return eager(np.eye(N, M, k, dtype=_dt(dtype)))


def identity(n, dtype=None):
    return eye(n, dtype=dtype)


def tri(N, M=None, k=0, dtype=float, *, like=None):
    """Ones at and below diagonal ``k``: a constant, or for a symbolic size a matrix of that size."""
    from ._windows_and_polys import _static_int
    M, k = N if M is None else M, _static_int(k, "k", "tri")
    if isinstance(N, Sym) or isinstance(M, Sym):
        from ._diagonals import diagonal_mask
        return _astype(diagonal_mask(N, M, k, "le"), np.dtype(dtype))
    return eager(np.tri(_static_int(N, "N", "tri"), _static_int(M, "M", "tri"), k, dtype=dtype))
