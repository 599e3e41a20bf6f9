"""Parts of complex values with numpy's names: ``real imag conj conjugate angle`` and the dtype predicates.

On real values they are what numpy makes them (``real(x)`` is x, ``imag(x)`` zeros, ``conj(x)`` x), so no
node is added; on complex ones they bind the ``real``/``imag``/``conj`` primitives (gradients in JAX's
convention, see ``ops/math.py``).
"""

import numpy as np

from ..ops import math as m
from ._base import asarray_or_var, is_traced, dtype_of
from ._creation import zeros_like


def _parts_input(x):
    x = asarray_or_var(x)
    if not is_traced(x):
        return x, None
    return x, dtype_of(x).kind == "c"


def real(val):
    """Real part (numpy.real): a complex value's real part, a real value itself."""
    x, is_complex = _parts_input(val)
    if is_complex is None:
        return np.real(x)
    return m.real(x) if is_complex else x


def imag(val):
    """Imaginary part (numpy.imag): zeros of the same dtype for a real value."""
    x, is_complex = _parts_input(val)
    if is_complex is None:
        return np.imag(x)
    return m.imag(x) if is_complex else zeros_like(x)


def conj(x):
    """Complex conjugate (numpy.conj); a real value is returned as it is."""
    x, is_complex = _parts_input(x)
    if is_complex is None:
        return np.conj(x)
    return m.conj(x) if is_complex else x


conjugate = conj


def angle(z, deg=False):
    """Counterclockwise angle from the positive real axis (numpy.angle), in radians unless ``deg``."""
    x = asarray_or_var(z)
    if not is_traced(x):
        return np.angle(x, deg=deg)
    if dtype_of(x).kind == "c":
        a = m.arctan2(m.imag(x), m.real(x))
    else:
        # NOTE: numpy's imaginary part of a real value is +0.0 (angle(-0.0) is pi), and ints compute in float64
        a = m.arctan2(0.0, x if dtype_of(x).kind == "f" else m.convert(x, dtype=np.dtype("float64")))
    return a * (180.0 / np.pi) if deg else a


def iscomplexobj(x):
    """True for a complex dtype, whatever the values (numpy.iscomplexobj)."""
    return dtype_of(asarray_or_var(x)).kind == "c"


def isrealobj(x):
    return not iscomplexobj(x)


def iscomplex(x):
    """Elementwise: the imaginary part is nonzero (numpy.iscomplex)."""
    return imag(x) != 0


def isreal(x):
    return imag(x) == 0
