"""Theano's dtype for the float functions of integers and booleans (``upgrade_to_float``): bool, int8,
uint8, int16 and uint16 give float32; wider integers float64. numpy's rule (which ``jaxlike.numpy``
follows) gives float16 for bool, int8 and uint8, a dtype Theano never makes from integers. ``to_theano_float``
wraps a front-end function so integer inputs are converted to that float first (``T.inv`` of an int32
would otherwise be integer reciprocal: 0 for |x| > 1). A front-end module: imports
jaxlike.numpy.
"""

import functools

import numpy as np

from .. import numpy as jnp

# NOTE: the unary functions Theano computes in floats (its upgrade_to_float output types)
FLOAT_FUNCTIONS = ("exp", "log", "log1p", "expm1", "sqrt", "sin", "cos", "tan", "arcsin", "arccos", "arctan",
                   "sinh", "cosh", "tanh", "arcsinh", "arctanh", "arccosh", "exp2", "log2", "log10", "erf",
                   "erfc", "erfinv", "gammaln", "gamma", "psi", "tri_gamma", "inv")


def _widened(x):
    dtype = getattr(x, "dtype", None)
    if dtype is None or np.dtype(dtype).kind not in "biu":
        return x
    # NOTE: converted for all integers, not only the narrow ones: reciprocal (T.inv) stays integer otherwise
    return jnp.astype(x, np.float32 if np.dtype(dtype).itemsize <= 2 else np.float64)


def to_theano_float(fn):
    """``fn`` of one tensor, with integer and boolean arguments converted to Theano's float first (float32
    up to 16 bits, float64 beyond)."""
    @functools.wraps(fn)
    def wrapped(x, *args, **kwargs):
        return fn(_widened(x), *args, **kwargs)
    return wrapped


def wrap_float_functions(namespace):
    """Apply ``to_theano_float`` to the ``FLOAT_FUNCTIONS`` found in ``namespace`` (a module's globals)."""
    for name in FLOAT_FUNCTIONS:
        if callable(namespace.get(name)):
            namespace[name] = to_theano_float(namespace[name])
