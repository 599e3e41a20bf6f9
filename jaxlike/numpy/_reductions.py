"""Reductions with numpy's ``axis``/``keepdims``/``ddof``; ``mean``/``var``/``std`` compose the primitives
and divide by a count that may be symbolic."""

import builtins

import numpy as np

from ..ops import reduce as r
from ..ops import math as m
from ..ops.layout import expand_back
from ..ops._rules import normalize_axes, normalize_axis
from ._base import asarray_or_var, ndim, is_traced, dtype_of


def _no_out(out, fname):
    # NOTE: out= sits in numpy's positional order, so sum(x, 0, None, None, True) keeps numpy's meaning.
    if out is not None:
        raise TypeError(f"{fname}: out= is not supported (traced arrays are immutable); use the return value")


def _widens(dtype):
    """Whether sum/prod accumulate ``dtype`` in a wider one (numpy: bool and small ints go to 64 bits)."""
    return dtype.kind == "b" or (dtype.kind in "iu" and dtype.itemsize < 8)


def _reduce(prim, a, axis, keepdims, accumulates=False):
    a = asarray_or_var(a)
    axes = normalize_axes(axis, ndim(a))
    # NOTE: a reduction over no axes (0-d input, axis=()) still gives sum/prod's accumulator dtype, as numpy;
    # only when that changes nothing is it skipped.
    if axes or (accumulates and _widens(dtype_of(a))):
        out = prim(a, axes=axes)
    else:
        out = a
    if keepdims:
        out = expand_back(out, axes, ndim(a))
    return out


def sum(a, axis=None, dtype=None, out=None, keepdims=False):
    _no_out(out, "sum")
    out = _reduce(r.reduce_sum, a, axis, keepdims, accumulates=True)
    return out if dtype is None else _cast(out, dtype)


def prod(a, axis=None, dtype=None, out=None, keepdims=False):
    _no_out(out, "prod")
    out = _reduce(r.reduce_prod, a, axis, keepdims, accumulates=True)
    return out if dtype is None else _cast(out, dtype)


def max(a, axis=None, out=None, keepdims=False):
    _no_out(out, "max")
    return _reduce(r.reduce_max, a, axis, keepdims)


def min(a, axis=None, out=None, keepdims=False):
    _no_out(out, "min")
    return _reduce(r.reduce_min, a, axis, keepdims)


amax, amin = max, min


def _cast(x, dtype):
    from ._elementwise import astype
    return astype(x, dtype)


def _float(a):
    dt = dtype_of(a)
    if dt.kind not in "fc":
        return _cast(a, np.float64)
    return a


def mean(a, axis=None, dtype=None, out=None, keepdims=False):
    _no_out(out, "mean")
    a = _float(asarray_or_var(a))
    axes = normalize_axes(axis, ndim(a))
    n = r.count(a, axes, dtype_of(a)) if is_traced(a) else int(np.prod([np.shape(a)[i] for i in axes]))
    out = sum(a, axis=axes, keepdims=keepdims) / n
    return out if dtype is None else _cast(out, dtype)


def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    _no_out(out, "var")
    a = _float(asarray_or_var(a))
    axes = normalize_axes(axis, ndim(a))
    centered = a - mean(a, axis=axes, keepdims=True)
    if dtype_of(a).kind == "c":
        squares = m.real(centered * m.conj(centered))  # NOTE: |a - mean|^2, real as numpy's complex var is
    else:
        squares = centered * centered
    n = r.count(squares, axes, dtype_of(squares)) if is_traced(a) else int(np.prod([np.shape(a)[i] for i in axes]))
    # NOTE: numpy divides by max(n - ddof, 0): ddof >= n gives inf (or NaN), never a negative variance
    dof = builtins.max(n - ddof, 0) if isinstance(n, int) else m.maximum(n - ddof, 0)
    out = sum(squares, axis=axes, keepdims=keepdims) / dof
    return out if dtype is None else _cast(out, dtype)


def std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    _no_out(out, "std")
    return m.sqrt(var(a, axis=axis, dtype=dtype, ddof=ddof, keepdims=keepdims))


def argmax(a, axis=None):
    a = asarray_or_var(a)
    if axis is None:
        from ._shape import ravel
        return r.argmax(ravel(a), axis=0)
    return r.argmax(a, axis=normalize_axis(axis, ndim(a)))


def argmin(a, axis=None):
    a = asarray_or_var(a)
    if axis is None:
        from ._shape import ravel
        return r.argmin(ravel(a), axis=0)
    return r.argmin(a, axis=normalize_axis(axis, ndim(a)))


def all(a, axis=None, out=None, keepdims=False):
    """True where no element is false; True over an empty axis, as numpy (a count of the false elements)."""
    _no_out(out, "all")
    from ._elementwise import _as_bool, logical_not, equal
    return equal(sum(_cast(logical_not(_as_bool(a)), np.int8), axis=axis, keepdims=keepdims), 0)


def any(a, axis=None, out=None, keepdims=False):
    """True where some element is true; False over an empty axis, as numpy (a count of the true elements)."""
    _no_out(out, "any")
    from ._elementwise import _as_bool, not_equal
    return not_equal(sum(_cast(_as_bool(a), np.int8), axis=axis, keepdims=keepdims), 0)
