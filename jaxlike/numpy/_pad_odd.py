"""``pad``'s ``reflect_type='odd'`` for modes reflect and symmetric: each reflected value is mirrored through
the edge value (2 * edge - x) instead of copied.

numpy builds wide pads by reflecting the padded array again and again; two odd reflections, about the first
and the last entry, compose to a translation by 2 * (last - first). So the value at a position j (counted
from the first entry, either side) is closed-form: with P the period (2n - 2 for reflect, 2n for symmetric),
k = j // P and r = j % P, it is x[r] for r < n and 2 * last - x[mirror(r)] beyond, plus 2k (last - first).
Only the axis length enters, as a graph value, so one trace serves every length.
"""

import numpy as np

from ..core.graph import const
from ..ops import index as I
from ..ops import math as om
from ..ops.reduce import size_of
from ._base import dtype_of, ndim
from . import _shape as _sh


def odd_block(x, ax, start, stop, mode):
    """The entries pad mode ``mode`` with odd reflection puts at positions start..stop-1 of axis ``ax``
    (negative: before the first entry; from 0: after the last); None when there are none."""
    if start == stop:
        return None
    i64 = np.dtype(np.int64)
    n = size_of(x, axes=(ax,), dtype=i64)
    one, two = const(np.int64(1)), const(np.int64(2))
    j = const(np.arange(start, stop, dtype=np.int64))
    if stop > 0:
        j = om.add(j, n)
    # NOTE: a length-1 axis reflects onto itself (period 1): every entry is that one value
    period = om.mul(n, two) if mode == "symmetric" else om.maximum(om.sub(om.mul(n, two), two), one)
    k, r = om.floor_divide(j, period), om.mod(j, period)
    beyond = om.ge(r, n)
    last = om.sub(period, one) if mode == "symmetric" else period
    picked = I.take(x, om.select(beyond, om.sub(last, r), r), axis=ax)
    first_v = I.take(x, const(np.zeros(1, np.int64)), axis=ax)
    last_v = I.take(x, _sh.reshape(om.sub(n, one), (1,)), axis=ax)
    dt = dtype_of(x)
    along = tuple(-1 if i == ax else 1 for i in range(ndim(x)))
    k, beyond = _sh.reshape(om.convert(k, dtype=dt), along), _sh.reshape(beyond, along)
    twice = const(np.asarray(2, dt))
    mirrored = om.sub(om.mul(last_v, twice), picked)
    return om.add(om.select(beyond, mirrored, picked), om.mul(om.mul(k, twice), om.sub(last_v, first_v)))
