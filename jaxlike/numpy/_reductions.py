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


def _masked(a, where, fill):
    """numpy's ``where=`` on a reduction: the elements where ``where`` is false count as ``fill`` (the
    reduction's identity, or ``initial``)."""
    a = asarray_or_var(a)
    if where is None:
        return a
    from ._elementwise import _as_bool
    return m.select(_as_bool(where), a, np.asarray(fill, dtype=dtype_of(a)))


def _with_initial(out, initial, combine):
    """``initial`` folded into a reduction's result: numpy casts it to the result's dtype."""
    if initial is None:
        return out
    init = _cast(initial, dtype_of(out)) if is_traced(initial) else np.asarray(initial, dtype=dtype_of(out))
    return combine(out, init)


def _as_accumulator(a, dtype):
    """``a`` in the ``dtype=`` a sum or product is asked for: numpy adds in that dtype (int64 values summed
    with dtype=float64 do not wrap around first)."""
    return a if dtype is None else _cast(asarray_or_var(a), dtype)


def sum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    _no_out(out, "sum")
    out = _reduce(r.reduce_sum, _masked(_as_accumulator(a, dtype), where, 0), axis, keepdims, accumulates=True)
    out = _with_initial(out, initial, m.add)
    return out if dtype is None else _cast(out, dtype)


def prod(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    _no_out(out, "prod")
    out = _reduce(r.reduce_prod, _masked(_as_accumulator(a, dtype), where, 1), axis, keepdims, accumulates=True)
    out = _with_initial(out, initial, m.mul)
    return out if dtype is None else _cast(out, dtype)


def _extreme(prim, fname, a, axis, keepdims, initial, where):
    """max/min, with ``initial`` taking part in every slice: an empty slice's result is ``initial`` (numpy
    raises without one, as there is no identity), and elements masked off by ``where`` count as it."""
    if initial is None:
        if where is not None:
            raise ValueError(f"{fname}: a where= mask needs initial= (the value where nothing is selected), "
                             "as numpy: the reduction has no identity")
        return _reduce(prim, a, axis, keepdims)
    if is_traced(initial):
        raise TypeError(f"{fname}: initial= must be a concrete scalar, got a traced value")
    if not is_traced(a, where):
        npfn = np.max if prim is r.reduce_max else np.min
        return npfn(np.asarray(a), axis=axis, keepdims=keepdims, initial=initial,
                    **({} if where is None else {"where": where}))
    a = _masked(a, where, initial)
    axes = normalize_axes(axis, ndim(a))
    value = np.asarray(initial, dtype=dtype_of(a))
    if not axes:
        return (m.maximum if prim is r.reduce_max else m.minimum)(a, value)
    # NOTE: the accumulator starts at initial (an attribute of the primitive), so an empty slice is initial
    out = prim(a, axes=axes, initial=value.item())
    return expand_back(out, axes, ndim(a)) if keepdims else out


def max(a, axis=None, out=None, keepdims=False, initial=None, where=None):
    _no_out(out, "max")
    return _extreme(r.reduce_max, "max", a, axis, keepdims, initial, where)


def min(a, axis=None, out=None, keepdims=False, initial=None, where=None):
    _no_out(out, "min")
    return _extreme(r.reduce_min, "min", a, axis, keepdims, initial, where)


amax, amin = max, min


def _cast(x, dtype):
    from ._elementwise import astype
    return astype(x, dtype)


def _float(a):
    dt = dtype_of(a)
    if dt.kind not in "fc":
        return _cast(a, np.float64)
    return a


def _count(a, axes, keepdims, where):
    """How many elements each slice of ``a`` reduces over: one scalar, or per slice those ``where`` selects."""
    if where is None:
        return r.count(a, axes, dtype_of(a)) if is_traced(a) else int(np.prod([np.shape(a)[i] for i in axes]))
    from ._creation import full_like
    return sum(_masked(full_like(a, 1), where, 0), axis=axes, keepdims=keepdims)


def mean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=None):
    _no_out(out, "mean")
    a = asarray_or_var(a)
    # NOTE: numpy sums float16 in float32 (a float16 running sum loses the low digits) and rounds at the end
    half = dtype is None and dtype_of(a) == np.float16
    a = _cast(a, np.float32) if half else _float(a)
    axes = normalize_axes(axis, ndim(a))
    out = sum(a, axis=axes, keepdims=keepdims, where=where) / _count(a, axes, keepdims, where)
    return _cast(out, np.float16) if half else out if dtype is None else _cast(out, dtype)


_mean = mean   # NOTE: var's and std's ``mean`` argument hides the function there


def _degrees(ddof, correction, fname):
    """numpy 2's ``correction`` is the array API's name for ``ddof``; giving both is an error, as there."""
    if correction is None:
        return ddof
    if ddof != 0:
        raise ValueError(f"{fname}: ddof and correction can't be provided simultaneously")
    return correction


def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None, mean=None,
        correction=None):
    """numpy's var; ``mean`` is a mean the caller already has (keepdims-shaped, as numpy asks), so it is
    not computed again."""
    _no_out(out, "var")
    ddof = _degrees(ddof, correction, "var")
    a = _float(asarray_or_var(a))
    axes = normalize_axes(axis, ndim(a))
    centre = mean if mean is not None else _mean(a, axis=axes, keepdims=True, where=where)
    centered = a - centre
    if dtype_of(a).kind == "c":
        squares = m.real(centered * m.conj(centered))  # NOTE: |a - mean|^2, real as numpy's complex var is
    else:
        squares = centered * centered
    n = _count(squares, axes, keepdims, where)
    # NOTE: numpy divides by max(n - ddof, 0): ddof >= n gives inf (or NaN), never a negative variance
    dof = builtins.max(n - ddof, 0) if isinstance(n, int) else m.maximum(n - ddof, 0)
    out = sum(squares, axis=axes, keepdims=keepdims, where=where) / dof
    return out if dtype is None else _cast(out, dtype)


def std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None, mean=None,
        correction=None):
    _no_out(out, "std")
    return m.sqrt(var(a, axis=axis, dtype=dtype, ddof=_degrees(ddof, correction, "std"), keepdims=keepdims,
                      where=where, mean=mean))


def _arg_extreme(prim, fname, a, axis, out, keepdims):
    _no_out(out, fname)
    a = asarray_or_var(a)
    if axis is None:
        from ._shape import ravel
        res, kept = prim(ravel(a), axis=0), tuple(range(ndim(a)))
    else:
        kept = (normalize_axis(axis, ndim(a)),)
        res = prim(a, axis=kept[0])
    return expand_back(res, kept, ndim(a)) if keepdims else res


def argmax(a, axis=None, out=None, *, keepdims=False):
    return _arg_extreme(r.argmax, "argmax", a, axis, out, keepdims)


def argmin(a, axis=None, out=None, *, keepdims=False):
    return _arg_extreme(r.argmin, "argmin", a, axis, out, keepdims)


def all(a, axis=None, out=None, keepdims=False, *, where=None):
    """True where no element is false; True over an empty axis, as numpy (a count of the false elements)."""
    _no_out(out, "all")
    from ._elementwise import _as_bool, logical_not, equal
    falses = _masked(_cast(logical_not(_as_bool(a)), np.int8), where, 0)
    return equal(sum(falses, axis=axis, keepdims=keepdims), 0)


def any(a, axis=None, out=None, keepdims=False, *, where=None):
    """True where some element is true; False over an empty axis, as numpy (a count of the true elements)."""
    _no_out(out, "any")
    from ._elementwise import _as_bool, not_equal
    trues = _masked(_cast(_as_bool(a), np.int8), where, 0)
    return not_equal(sum(trues, axis=axis, keepdims=keepdims), 0)
