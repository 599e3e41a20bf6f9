"""Index tricks: ``r_`` and ``c_`` (concatenation by index syntax, numpy's AxisConcatenator rules, over traced
values too) and ``s_``/``index_exp`` (which only build index tuples, so numpy's own objects serve).

``r_[a, 1.0, 0:3, x]`` concatenates along axis 0; slices become ``arange`` (a complex step ``n*1j`` means
``linspace`` with n points); a leading string sets "axis[,ndmin[,trans1d]]". Scalars take part in the result
dtype as Python scalars do elsewhere (weakly), as numpy 2 does. The matrix directives 'r'/'c' build
``np.matrix`` and need concrete arrays.
"""

import numpy as np

from ._base import asarray_or_var, is_traced, ndim, dtype_of
from . import _shape as _sh
from ._elementwise import astype

s_ = np.s_
index_exp = np.index_exp


def _with_ndmin(x, ndmin):
    nd = ndim(x)
    if nd >= ndmin:
        return x
    return _sh.reshape(x, (1,) * (ndmin - nd) + tuple(np.shape(x) if not is_traced(x) else x.shape))


class AxisConcatenator:
    """Concatenation by index syntax along ``axis``, raising items to ``ndmin`` dimensions (1-D items are
    placed along axis ``trans1d`` of the raised shape)."""

    def __init__(self, axis=0, ndmin=1, trans1d=-1, numpy_twin=None):
        self.axis, self.ndmin, self.trans1d, self.numpy_twin = axis, ndmin, trans1d, numpy_twin

    def __len__(self):
        return 0

    def __getitem__(self, key):
        key = key if isinstance(key, tuple) else (key,)
        if not any(is_traced(k) for k in key if not isinstance(k, (slice, str))):
            return self.numpy_twin[key]
        axis, ndmin, trans1d = self.axis, self.ndmin, self.trans1d
        objs, type_objs = [], []
        for k, item in enumerate(key):
            if isinstance(item, str):
                if k != 0:
                    raise ValueError("special directives must be the first entry.")
                axis, ndmin, trans1d = _directive(item, axis, ndmin, trans1d)
                continue
            if isinstance(item, slice):
                obj = _range(item)
                if ndmin > 1:
                    obj = np.array(obj, ndmin=ndmin)
                    if trans1d != -1:
                        obj = obj.swapaxes(-1, trans1d)
                objs.append(obj)
                type_objs.append(obj.dtype)
                continue
            if isinstance(item, (bool, int, float, complex, np.generic)):
                objs.append(item)
                type_objs.append(item)
                continue
            item = asarray_or_var(item)
            item_ndim = ndim(item)
            obj = _with_ndmin(item, ndmin)
            if trans1d != -1 and item_ndim < ndmin:
                k2, k1 = ndmin - item_ndim, trans1d
                if k1 < 0:
                    k1 += k2 + 1
                axes = list(range(ndmin))
                obj = _sh.transpose(obj, axes[:k1] + axes[k2:] + axes[k1:k2])
            objs.append(obj)
            type_objs.append(dtype_of(obj))
        final = np.result_type(*type_objs)
        objs = [_with_ndmin(astype(asarray_or_var(o) if not isinstance(o, (bool, int, float)) else np.asarray(o),
                                   final), ndmin) for o in objs]
        return _sh.concatenate(objs, axis=axis)


def _directive(item, axis, ndmin, trans1d):
    if item in ("r", "c"):
        raise ValueError(f"the {item!r} directive builds an np.matrix, which needs concrete arrays (no traced "
                         "values); use np.r_/np.c_ outside the traced function")
    try:
        vec = [int(x) for x in item.split(",")]
    except ValueError:
        raise ValueError(f"unknown special directive {item!r}") from None
    if len(vec) == 1:
        return vec[0], ndmin, trans1d
    if len(vec) in (2, 3):
        return vec[0], vec[1], vec[2] if len(vec) == 3 else trans1d
    raise ValueError(f"unknown special directive {item!r}")


def _range(item):
    start = 0 if item.start is None else item.start
    step = 1 if item.step is None else item.step
    if isinstance(step, (complex, np.complexfloating)):
        return np.linspace(start, item.stop, num=int(abs(step)))
    return np.arange(start, item.stop, step)


r_ = AxisConcatenator(0, numpy_twin=np.r_)
r_.__doc__ = "Concatenate along the first axis by index syntax: ``r_[x, 0:3, 5.0]`` (see numpy.r_)."
c_ = AxisConcatenator(-1, ndmin=2, trans1d=0, numpy_twin=np.c_)
c_.__doc__ = "Stack 1-D items as columns and concatenate along the last axis: ``c_[x, y]`` (see numpy.c_)."
