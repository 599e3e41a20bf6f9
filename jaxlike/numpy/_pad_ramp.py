"""``pad``'s mode ``linear_ramp``, bit for bit numpy's: each ramp is ``np.linspace(end, edge, width,
endpoint=False)`` cast to the array's dtype, so it uses linspace's arithmetic (end + k * step, or
end + k / width * delta when any step of the block is 0) and floors for integer arrays.

The working dtype is numpy's too, and depends on how ``end_values`` was spelled: numpy hands linspace numpy
scalars (strong: float64 arithmetic for a float32 array) when it gave one or two values, Python scalars (weak:
the array's float dtype) otherwise.
"""

import numpy as np

from ..core.graph import const
from ..ops import math as om
from . import _reductions as R
from . import _shape as _sh


def python_end_values(end_values):
    """Whether numpy's ``_as_pairs`` turns ``end_values`` into Python scalars (``tolist``)."""
    x = np.asarray(end_values)
    return not (x.ndim < 3 and (x.size == 1 or (x.size == 2 and x.shape != (2, 1))))


def ramp_block(edge, ax, width, value, at_start, dims):
    """The ramp from ``value`` (outermost) toward ``edge`` (size 1 along ``ax``), the edge itself excluded."""
    dt = edge.type.dtype
    ct = np.result_type(dt, value)    # NOTE: NEP 50: a Python scalar yields to a float32 array, np.float64 not
    ct = ct if ct.kind in "fc" else np.dtype(np.float64)
    value = complex(value) if ct.kind == "c" else float(value)
    delta = om.convert(edge, dtype=ct) - value
    k = np.arange(width) if at_start else np.arange(width - 1, -1, -1)
    k = k.astype(ct).reshape(tuple(width if i == ax else 1 for i in range(len(dims))))
    step = delta / width
    ramp = om.where(R.any(om.eq(step, 0)), const(k / k.dtype.type(width)) * delta, const(k) * step) + value
    ramp = _sh.broadcast_to(ramp, dims)
    return om.convert(ramp if dt.kind in "fc" else om.floor(ramp), dtype=dt)
