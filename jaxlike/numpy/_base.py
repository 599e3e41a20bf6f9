"""Argument helpers for the numpy-style wrappers: which arguments are traced, and converting the rest."""

import numpy as np

from ..core.graph import Var, const
from ..core.types import canonical_dtype, Sym
from ..ops import math as m


def is_traced(*xs):
    return any(isinstance(x, Var) for x in xs)


def asarray_or_var(x):
    """Vars pass through; lists that contain Vars are stacked; everything else becomes a numpy array."""
    if isinstance(x, Var):
        return x
    if isinstance(x, (list, tuple)) and any(_contains_var(e) for e in x):
        from ._shape import stack
        return stack([asarray_or_var(e) for e in x])
    if type(x) in (bool, int, float, complex):
        return x  # NOTE: Python scalars stay weak (NEP 50); numpy scalars (np.float64 subclasses float) are strong
    if isinstance(x, Sym):
        return x.value()  # NOTE: while compile() traces, a request for concrete sizes (it retraces)
    arr = np.asarray(x)
    if arr.dtype == object:
        raise TypeError(f"cannot use an object of type {type(x).__name__} as an array")
    canonical_dtype(arr.dtype, "array dtype")
    return arr


def _contains_var(x):
    if isinstance(x, (Var, Sym)):   # NOTE: a Sym: x.shape as a value (T.prod(x.shape)), its sizes' values
        return True
    if isinstance(x, (list, tuple)):
        return any(_contains_var(e) for e in x)
    return False


def as_var(x):
    x = asarray_or_var(x)
    return x if isinstance(x, Var) else const(x)


def ndim(x):
    return x.ndim if isinstance(x, Var) else np.ndim(x)


def shape(x):
    return x.shape if isinstance(x, Var) else np.shape(x)


def dtype_of(x):
    if isinstance(x, Var):
        return x.type.dtype     # NOTE: numpy's dtype even for a Theano variable (whose .dtype is also a str)
    return np.asarray(x).dtype


def reject_complex(fname, *xs):
    """numpy raises TypeError for these on complex input; so do we (instead of a composite's silent answer)."""
    for x in xs:
        if dtype_of(x).kind == "c":
            raise TypeError(f"{fname} is not supported for complex input (dtype {dtype_of(x)}), as in numpy")


def from_parts(re, im):
    """re + 1j * im for real re, im of one dtype (complex64 from float32, else complex128)."""
    ct = np.dtype("complex64") if dtype_of(re) == np.float32 else np.dtype("complex128")
    # NOTE: im * 1j is a complex product whose real part is im * 0: NaN for an infinite or NaN im, which
    # made re NaN (complex(1, inf) gave nan+infj). Non-finite imaginary parts are added as constants instead.
    finite = m.logical_not(m.isnan(im - im))
    out = m.convert(re, dtype=ct) + m.convert(m.where(finite, im, 0.0), dtype=ct) * 1j
    inf_j, nan_j = complex(0.0, np.inf), complex(0.0, np.nan)
    rest = m.where(finite, 0j, m.where(m.gt(im, 0), inf_j, m.where(m.lt(im, 0), -inf_j, nan_j)))
    return out + m.convert(rest, dtype=ct)
