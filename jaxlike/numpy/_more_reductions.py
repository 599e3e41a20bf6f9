"""Scans and the reductions not in ``_reductions``: cumsum/cumprod (and numpy 2's cumulative_sum/_prod,
the nan-ignoring variants), diff, ediff1d, trace, ptp, average, and nansum/nanprod/nanmean.

Plain arrays go straight to numpy; traced values bind the ``ops.scan`` primitives (whose derivatives are exact
where the product has zeros) or compose existing wrappers.
"""

import numpy as np

from ..ops import scan as S
from ..ops import math as m
from ..ops._rules import normalize_axis
from ..core.types import is_known
from ._base import asarray_or_var, is_traced, ndim, shape, dtype_of
from . import _shape as _sh
from . import _reductions as _red
from ._elementwise import astype
from ._creation import ones_like

_NO_VALUE = np._NoValue


def _no_out(out, fname):
    if out is not None:
        raise TypeError(f"{fname}: out= is not supported (arrays are immutable inside traced functions); "
                        "use the return value")


def _scan(prim, a, axis, dtype, reverse=False):
    if dtype is not None:
        a = astype(a, dtype)
    if axis is None:
        a, axis = _sh.ravel(a), 0
    out = prim(a, axis=normalize_axis(axis, ndim(a)), reverse=reverse)
    # NOTE: the primitive accumulates small integers in int64; numpy accumulates in an explicit dtype, and
    # since integer sums and products wrap modulo 2**bits either way, narrowing afterwards gives its values
    return out if dtype is None else astype(out, dtype)


def cumsum(a, axis=None, dtype=None, out=None):
    """Running sum along ``axis`` (the flattened array when None)."""
    _no_out(out, "cumsum")
    a = asarray_or_var(a)
    if not is_traced(a):
        return np.cumsum(a, axis=axis, dtype=dtype)
    return _scan(S.cumsum, a, axis, dtype)


def cumprod(a, axis=None, dtype=None, out=None):
    """Running product along ``axis``; its gradient is exact where ``a`` has zeros (a linear recurrence, not
    a division by ``a``)."""
    _no_out(out, "cumprod")
    a = asarray_or_var(a)
    if not is_traced(a):
        return np.cumprod(a, axis=axis, dtype=dtype)
    return _scan(S.cumprod, a, axis, dtype)


def _cumulative(prim, npfn, name, x, axis, dtype, include_initial, initial):
    x = asarray_or_var(x)
    if not is_traced(x):
        return npfn(x, axis=axis, dtype=dtype, include_initial=include_initial)
    if axis is None:
        if ndim(x) > 1:
            raise ValueError(f"{name}: axis must be given for arrays of more than one dimension "
                             f"(got rank {ndim(x)})")
        axis = 0
    ax = normalize_axis(axis, max(ndim(x), 1))
    out = _scan(prim, x if ndim(x) else _sh.reshape(x, (1,)), ax, dtype)
    if include_initial:
        edge = tuple(1 if i == ax else d for i, d in enumerate(shape(out)))
        first = _sh.broadcast_to(np.asarray(initial, dtype=dtype_of(out)), edge)
        out = _sh.concatenate([first, out], axis=ax)
    return out


def cumulative_sum(x, *, axis=None, dtype=None, out=None, include_initial=False):
    """numpy 2's cumsum: ``axis`` required beyond 1-D, and ``include_initial`` prepends the 0."""
    _no_out(out, "cumulative_sum")
    return _cumulative(S.cumsum, np.cumulative_sum, "cumulative_sum", x, axis, dtype, include_initial, 0)


def cumulative_prod(x, *, axis=None, dtype=None, out=None, include_initial=False):
    _no_out(out, "cumulative_prod")
    return _cumulative(S.cumprod, np.cumulative_prod, "cumulative_prod", x, axis, dtype, include_initial, 1)



def _nan_as(a, value):
    # NOTE: a complex entry is NaN when either part is (numpy's rule, and what m.isnan tests)
    return m.where(m.isnan(a), value, a) if dtype_of(a).kind in "fc" else a


def nancumsum(a, axis=None, dtype=None, out=None):
    """cumsum with NaNs counted as 0 (no gradient reaches a NaN entry)."""
    _no_out(out, "nancumsum")
    a = asarray_or_var(a)
    if not is_traced(a):
        return np.nancumsum(a, axis=axis, dtype=dtype)
    return cumsum(_nan_as(a, 0.0), axis=axis, dtype=dtype)


def nancumprod(a, axis=None, dtype=None, out=None):
    _no_out(out, "nancumprod")
    a = asarray_or_var(a)
    if not is_traced(a):
        return np.nancumprod(a, axis=axis, dtype=dtype)
    return cumprod(_nan_as(a, 1.0), axis=axis, dtype=dtype)


def _np_extras(**kw):
    """numpy's optional keywords, passed on only when given (older numpy lacks some; its defaults differ)."""
    return {k: v for k, v in kw.items() if v is not None}


def nansum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    _no_out(out, "nansum")
    a = asarray_or_var(a)
    if not is_traced(a, where):
        return np.nansum(a, axis=axis, dtype=dtype, keepdims=keepdims, **_np_extras(initial=initial, where=where))
    return _red.sum(_nan_as(a, 0.0), axis=axis, dtype=dtype, keepdims=keepdims, initial=initial, where=where)


def nanprod(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    _no_out(out, "nanprod")
    a = asarray_or_var(a)
    if not is_traced(a, where):
        return np.nanprod(a, axis=axis, dtype=dtype, keepdims=keepdims, **_np_extras(initial=initial, where=where))
    return _red.prod(_nan_as(a, 1.0), axis=axis, dtype=dtype, keepdims=keepdims, initial=initial, where=where)


def nanmean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=None):
    """Mean over the non-NaN entries (those ``where`` selects; NaN where there are none, as numpy, without its
    warning)."""
    _no_out(out, "nanmean")
    a = asarray_or_var(a)
    if not is_traced(a, where):
        return np.nanmean(a, axis=axis, dtype=dtype, keepdims=keepdims, **_np_extras(where=where))
    if dtype_of(a).kind not in "fc":
        return _red.mean(a, axis=axis, dtype=dtype, keepdims=keepdims, where=where)
    valid = m.convert(m.logical_not(m.isnan(a)), dtype=np.finfo(dtype_of(a)).dtype)  # the real count dtype
    total = _red.sum(_nan_as(a, 0.0), axis=axis, keepdims=keepdims, where=where)
    out = total / _red.sum(valid, axis=axis, keepdims=keepdims, where=where)
    return out if dtype is None else astype(out, dtype)


# -- differences -----------------------------------------------------------------------------------------------
def diff(a, n=1, axis=-1, prepend=_NO_VALUE, append=_NO_VALUE):
    """n-th discrete difference along ``axis``; ``prepend``/``append`` (scalars broadcast to one slice) join
    first. Booleans difference with ``!=``, as numpy."""
    a = asarray_or_var(a)
    traced = is_traced(a) or is_traced(prepend if prepend is not _NO_VALUE else None,
                                       append if append is not _NO_VALUE else None)
    if not traced:
        kw = {k: v for k, v in (("prepend", prepend), ("append", append)) if v is not _NO_VALUE}
        return np.diff(a, n=n, axis=axis, **kw)
    if n < 0:
        raise ValueError(f"diff: order must be non-negative but got {n}")
    nd = ndim(a)
    if nd == 0:
        raise ValueError("diff requires input that is at least one dimensional")
    ax = normalize_axis(axis, nd)
    parts = []
    for extra, where in ((prepend, "before"), (a, None), (append, "after")):
        if extra is _NO_VALUE:
            continue
        if where is None:
            parts.append(a)
            continue
        extra = asarray_or_var(extra)
        if ndim(extra) == 0:
            extra = _sh.broadcast_to(extra, tuple(1 if i == ax else d for i, d in enumerate(shape(a))))
        parts.append(extra)
    if len(parts) > 1:
        a = _sh.concatenate(parts, axis=ax)
    full = (slice(None),) * ax
    for _ in range(n):
        hi, lo = a[full + (slice(1, None),)], a[full + (slice(None, -1),)]
        a = m.ne(hi, lo) if dtype_of(a) == np.bool_ else hi - lo
    return a


def ediff1d(ary, to_end=None, to_begin=None):
    """Differences of the flattened array, with optional values before and after."""
    ary = asarray_or_var(ary)
    if not is_traced(ary, to_end, to_begin):
        return np.ediff1d(ary, to_end=to_end, to_begin=to_begin)
    flat = _sh.ravel(ary)
    parts = [flat[1:] - flat[:-1]]
    if to_begin is not None:
        parts.insert(0, _sh.ravel(astype(asarray_or_var(to_begin), dtype_of(flat))))
    if to_end is not None:
        parts.append(_sh.ravel(astype(asarray_or_var(to_end), dtype_of(flat))))
    return _sh.concatenate(parts) if len(parts) > 1 else parts[0]


# -- trace, ptp, average -----------------------------------------------------------------------------------------
def trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    """Sum of the ``offset`` diagonal over ``axis1``/``axis2``."""
    _no_out(out, "trace")
    a = asarray_or_var(a)
    if not is_traced(a):
        return np.trace(a, offset=offset, axis1=axis1, axis2=axis2, dtype=dtype)
    from ._diagonals import diagonal, diagonal_mask, zero_outside
    nd = ndim(a)
    planes = (normalize_axis(axis1, nd), normalize_axis(axis2, nd)) if nd >= 2 else ()
    if len(set(planes)) == 2 and not all(is_known(shape(a)[ax]) for ax in planes):
        # NOTE: a symbolic size: the sum of the entries on the diagonal, masked, needs no concrete size
        # (diagonal's gather does); equal values, as the other entries add exact zeros
        x = _sh.moveaxis(a, planes, (-2, -1))
        on = diagonal_mask(*shape(x)[-2:], int(offset))
        return _red.sum(zero_outside(on, x), axis=(-2, -1), dtype=dtype)
    return _red.sum(diagonal(a, offset=offset, axis1=axis1, axis2=axis2), axis=-1, dtype=dtype)


def ptp(a, axis=None, out=None, keepdims=False):
    """max - min ("peak to peak"); the gradient goes to the extreme entries (shared at ties)."""
    _no_out(out, "ptp")
    a = asarray_or_var(a)
    if not is_traced(a):
        return np.ptp(a, axis=axis, keepdims=keepdims)
    return _red.max(a, axis=axis, keepdims=keepdims) - _red.min(a, axis=axis, keepdims=keepdims)


def average(a, axis=None, weights=None, returned=False, *, keepdims=False):
    """Weighted mean; ``weights`` may be 1-D along a single ``axis`` (numpy's rule) or a's shape."""
    a = asarray_or_var(a)
    weights = None if weights is None else asarray_or_var(weights)
    if not is_traced(a, weights):
        return np.average(a, axis=axis, weights=weights, returned=returned, keepdims=keepdims)
    if weights is None:
        avg = _red.mean(a, axis=axis, keepdims=keepdims)
        if not returned:
            return avg
        return avg, _sh.broadcast_to(_red.sum(ones_like(a, dtype=dtype_of(avg)), axis=axis, keepdims=keepdims),
                                     shape(avg))
    nd = ndim(a)
    if ndim(weights) == nd and _differ(shape(a), shape(weights)):
        # NOTE: numpy's errors: weights of a's rank must have its shape (the product would broadcast them)
        if axis is None:
            raise TypeError("average: axis must be specified when shapes of a and weights differ")
        raise ValueError("average: shape of weights must be consistent with shape of a along specified axis")
    if ndim(weights) != nd:
        if axis is None:
            raise TypeError("average: axis must be specified when shapes of a and weights differ")
        # NOTE: numpy 2's rule: weights of shape a.shape[axis], axis a tuple too (in the tuple's order)
        axes = tuple(normalize_axis(ax, nd) for ax in (axis if isinstance(axis, (tuple, list)) else (axis,)))
        if ndim(weights) != len(axes):
            raise ValueError("average: shape of weights must be consistent with shape of a along specified axis")
        weights = _sh.transpose(weights, tuple(np.argsort(axes)))
        weights = _sh.reshape(weights, tuple(shape(a)[i] if i in axes else 1 for i in range(nd)))
    # NOTE: as numpy, the weights are summed in their own (possibly size-1) shape, not broadcast to a's.
    wsum = _red.sum(weights, axis=axis, keepdims=keepdims)
    avg = _red.sum(a * weights, axis=axis, keepdims=keepdims) / wsum
    return (avg, _sh.broadcast_to(wsum, shape(avg))) if returned else avg


def _differ(dims, others):
    """Whether two shapes of one rank differ where the trace can tell: known sizes that are not equal, or a
    size known to be 1 against one that is not (a symbolic size is checked when the product runs)."""
    for d, e in zip(dims, others):
        if (is_known(d) and is_known(e) and int(d) != int(e)) or \
                (is_known(d) and int(d) == 1) != (is_known(e) and int(e) == 1):
            return True
    return False
