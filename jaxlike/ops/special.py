"""Special functions: ``erf`` and ``erfc``, elementwise, for the exact GELU, the normal CDF and
``jaxlike.scipy.special``. The fused loops call the C library's erf/erfc through numba's ``math`` (on the GPU,
CUDA's); numpy has no erf, so the reference applies Python's ``math.erf``, which is the same C function.
Imports core and ops._rules only."""

import math

import numpy as np

from ._rules import elementwise, dtype_float
from . import math as m

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def _reference(fn):
    def run(x):
        x = np.asarray(x)
        dt = dtype_float(_Typed(x))[0]
        return np.vectorize(fn, otypes=[dt])(x.astype(dt)) if x.size else np.zeros(x.shape, dt)
    run.__name__ = fn.__name__
    return run


class _Typed:
    """A concrete operand as the dtype rules read a traced one (a dtype, not weak)."""

    weak = False

    def __init__(self, x):
        self.dtype = x.dtype


def _slope(x):
    """d erf / dx = 2 / sqrt(pi) * exp(-x**2)."""
    return _TWO_OVER_SQRT_PI * m.exp(-(x * x))


erf = elementwise("erf", 1, _reference(math.erf), "math.erf({0})", dtype=dtype_float,
                  vjp=lambda g, ans, x: (g * _slope(x),),
                  doc="the error function 2/sqrt(pi) * integral of exp(-t**2) from 0 to x")
erfc = elementwise("erfc", 1, _reference(math.erfc), "math.erfc({0})", dtype=dtype_float,
                   vjp=lambda g, ans, x: (-(g * _slope(x)),),
                   doc="1 - erf(x), accurate where erf(x) is close to 1")
