"""``gradient``: numpy's finite-difference derivative of sampled values (second-order central differences
inside, first- or second-order one-sided ones at the edges), for scalar spacings and coordinate arrays.

Plain arrays go straight to numpy. Traced values compose slices, so the result is differentiable in the
samples and in the spacings or coordinates. Coordinates always take numpy's non-uniform formula (numpy
switches to the uniform one when the spacing is exactly constant; the two agree to rounding).
"""

import numpy as np

from ..core.types import is_known
from ..ops._rules import normalize_axes
from ._base import asarray_or_var, is_traced, ndim, shape, dtype_of
from ._elementwise import astype
from . import _shape as _sh


def gradient(f, *varargs, axis=None, edge_order=1):
    f = asarray_or_var(f)
    varargs = [asarray_or_var(v) for v in varargs]
    if not is_traced(f, *varargs):
        return np.gradient(f, *varargs, axis=axis, edge_order=edge_order)
    axes = normalize_axes(axis, ndim(f))
    if edge_order not in (1, 2):
        raise ValueError("gradient: 'edge_order' greater than 2 not supported")
    if not varargs:
        varargs = [1.0] * len(axes)
    elif len(varargs) == 1 and ndim(varargs[0]) == 0:
        varargs = varargs * len(axes)
    elif len(varargs) != len(axes):
        raise TypeError(f"gradient: {len(varargs)} spacings given for {len(axes)} axes")
    if dtype_of(f).kind not in "fc":
        f = astype(f, np.float64)   # NOTE: numpy's rule: integers and bools differentiate in float64
    outs = [_along(f, ax, h, edge_order) for ax, h in zip(axes, varargs)]
    return outs[0] if len(outs) == 1 else tuple(outs)


def _part(f, ax, lo, hi):
    return f[tuple(slice(lo, hi) if i == ax else slice(None) for i in range(ndim(f)))]


def _along(f, ax, h, edge_order):
    n = shape(f)[ax]
    if is_known(n) and n < edge_order + 1:
        raise ValueError("gradient: shape of array too small to calculate a numerical gradient, at least "
                         "(edge_order + 1) elements are required")
    dt = dtype_of(f)
    if ndim(h) == 0:
        # NOTE: numpy writes into an array of f's dtype, so a float64 spacing leaves float32 samples float32
        h = h if type(h) in (int, float) else astype(h, dt)
        inner = (_part(f, ax, 2, None) - _part(f, ax, None, -2)) / (2.0 * h)
        if edge_order == 1:
            first = (_part(f, ax, 1, 2) - _part(f, ax, 0, 1)) / h
            last = (_part(f, ax, -1, None) - _part(f, ax, -2, -1)) / h
        else:
            first = (-1.5 * _part(f, ax, 0, 1) + 2.0 * _part(f, ax, 1, 2) - 0.5 * _part(f, ax, 2, 3)) / h
            last = (0.5 * _part(f, ax, -3, -2) - 2.0 * _part(f, ax, -2, -1) + 1.5 * _part(f, ax, -1, None)) / h
        return _sh.concatenate([first, inner, last], axis=ax)
    if ndim(h) != 1:
        raise ValueError("gradient: distances must be either scalars or 1d")
    dx = h[1:] - h[:-1]
    if dtype_of(dx).kind not in "fc":
        dx = astype(dx, np.float64)

    def col(v):  # a 1-D coefficient laid along ``ax``
        return _sh.reshape(astype(v, dt), tuple(-1 if i == ax else 1 for i in range(ndim(f))))

    dx1, dx2 = dx[:-1], dx[1:]
    a, b, c = -dx2 / (dx1 * (dx1 + dx2)), (dx2 - dx1) / (dx1 * dx2), dx1 / (dx2 * (dx1 + dx2))
    inner = col(a) * _part(f, ax, None, -2) + col(b) * _part(f, ax, 1, -1) + col(c) * _part(f, ax, 2, None)
    if edge_order == 1:
        first = (_part(f, ax, 1, 2) - _part(f, ax, 0, 1)) / col(dx[:1])
        last = (_part(f, ax, -1, None) - _part(f, ax, -2, -1)) / col(dx[-1:])
    else:
        d1, d2 = dx[:1], dx[1:2]
        first = (col(-(2.0 * d1 + d2) / (d1 * (d1 + d2))) * _part(f, ax, 0, 1)
                 + col((d1 + d2) / (d1 * d2)) * _part(f, ax, 1, 2) + col(-d1 / (d2 * (d1 + d2))) * _part(f, ax, 2, 3))
        d1, d2 = dx[-2:-1], dx[-1:]
        last = (col(d2 / (d1 * (d1 + d2))) * _part(f, ax, -3, -2)
                + col(-(d2 + d1) / (d1 * d2)) * _part(f, ax, -2, -1)
                + col((2.0 * d2 + d1) / (d2 * (d1 + d2))) * _part(f, ax, -1, None))
    return _sh.concatenate([first, inner, last], axis=ax)


__all__ = ["gradient"]
