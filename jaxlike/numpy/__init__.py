"""``jaxlike.numpy``: numpy's names over traced values (and plain arrays, evaluated eagerly).

A thin front end: each function normalises numpy's arguments and binds primitives from ``jaxlike.ops``.
``_elementwise``, ``_reductions``, ``_shape``, ``_products``, ``_creation``, ``_indexing`` hold the core names;
the ``_more_*`` modules, ``_einsum``, ``_index_tricks`` and ``linalg`` (``jnp.linalg``) and ``fft`` (``jnp.fft``) the rest of numpy's surface.
"""

import numpy as _np

from ._elementwise import (  # noqa: F401
    negative, exp, log, log1p, expm1, sqrt, sin, cos, tan, arcsin, arccos, arctan, sinh, cosh, tanh, arcsinh,
    arctanh, arccosh, abs, absolute, sign, floor, ceil, logical_not, isnan, add, subtract, multiply, divide,
    true_divide, power, maximum, minimum, arctan2, logaddexp, mod, remainder, less, less_equal, greater,
    greater_equal, equal, not_equal, logical_and, logical_or, logical_xor, square, reciprocal, where, clip,
    astype, stop_gradient, nonzero, argwhere, flatnonzero)
from ._reductions import sum, prod, max, min, amax, amin, mean, var, std, argmax, argmin, all, any  # noqa
from ._shape import (  # noqa: F401
    reshape, ravel, transpose, swapaxes, moveaxis, expand_dims, squeeze, broadcast_to, broadcast_arrays,
    concatenate, stack, hstack, vstack, row_stack, split, atleast_1d, atleast_2d)
from ._products import dot, matmul, outer, inner, vdot, tensordot, einsum  # noqa: F401
from ._creation import (  # noqa: F401
    array, asarray, zeros, ones, empty, full, zeros_like, ones_like, empty_like, full_like, arange, linspace,
    eye, identity, tri)
from ._indexing import getitem  # noqa: F401
# NOTE: imported after the modules above on purpose: clip (numpy 2's min=/max=) and einsum ('...', repeated
# indices, a chosen contraction order) replace the simpler versions imported there.
from ._more_elementwise import (  # noqa: F401
    fabs, positive, exp2, log2, log10, cbrt, deg2rad, rad2deg, radians, degrees, sinc, rint, round, around, round_,
    trunc, fix, floor_divide, fmod, hypot, logaddexp2, fmax, fmin, float_power, heaviside, clip, nan_to_num, select,
    isfinite, isinf, isposinf, isneginf, signbit)
from ._more_reductions import (  # noqa: F401
    cumsum, cumprod, cumulative_sum, cumulative_prod, nancumsum, nancumprod, nansum, nanprod, nanmean, diff,
    ediff1d, trace, ptp, average)
from ._more_shape import (  # noqa: F401
    atleast_3d, rollaxis, dstack, column_stack, append, array_split, hsplit, vsplit, dsplit, tile, repeat, kron,
    flip, fliplr, flipud, rot90, roll, pad, cross, argsort, sort, msort, partition, argpartition, take_along_axis)
from ._diagonals import diagonal, diag, diagflat, tril, triu  # noqa: F401
from ._einsum import einsum  # noqa: F401
from ._complex import (  # noqa: F401
    real, imag, conj, conjugate, angle, iscomplexobj, isrealobj, iscomplex, isreal)
from ._index_tricks import r_, c_, s_, index_exp  # noqa: F401
from . import linalg, fft  # noqa: F401
from ._statistics import *  # noqa: F401,F403
from ._utilities import *  # noqa: F401,F403
from ._bitwise import *  # noqa: F401,F403
from ._sets import *  # noqa: F401,F403
from ._finite_differences import gradient  # noqa: F401
from ._at import put_along_axis  # noqa: F401
from .._lazy import lazy_names as _lazy_names

# NOTE: imported when first used (``jaxlike/_lazy.py``): 14 ms of every ``import jaxlike`` otherwise
_LAZY = {
    "_names": ("acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "pow", "bitwise_count", "double", "single",
               "cdouble", "csingle", "int_", "uint", "generic", "number", "integer", "signedinteger",
               "unsignedinteger", "floating", "inexact", "complexfloating", "character", "flexible", "object_",
               "isdtype", "isscalar", "iterable", "printoptions", "get_printoptions", "set_printoptions",
               "array_repr", "array_str", "frombuffer", "fromfunction", "fromiter", "fromstring", "fromfile",
               "from_dlpack", "load", "save", "savez"),
    "_more_arrays": ("nextafter", "spacing", "matvec", "vecmat", "fill_diagonal", "put", "place", "resize",
                     "trim_zeros", "unwrap", "sort_complex", "extract", "piecewise", "apply_over_axes", "mask_indices",
                     "einsum_path", "packbits", "unpackbits"),
    "_set_ops": ("union1d", "intersect1d", "setdiff1d", "setxor1d", "unique_all", "unique_counts", "unique_inverse",
                 "unique_values"),
    "_insert_delete": ("insert", "delete", "lexsort"),
    "_polys_histograms": ("poly", "polydiv", "polyfit", "roots", "histogram_bin_edges", "histogram2d", "histogramdd"),
}
__getattr__, __dir__ = _lazy_names(globals(), _LAZY)

float16, float32, float64 = _np.float16, _np.float32, _np.float64
complex64, complex128 = _np.complex64, _np.complex128
int8, int16, int32, int64 = _np.int8, _np.int16, _np.int32, _np.int64
uint8, uint16, uint32, uint64 = _np.uint8, _np.uint16, _np.uint32, _np.uint64
bool_ = bool = _np.bool_  # NOTE: shadows the builtin in this module only; nothing below uses it
pi, e, inf, nan, newaxis = _np.pi, _np.e, _np.inf, _np.nan, None
ndarray = _np.ndarray


def shape(a):
    return a.shape if hasattr(a, "shape") else _np.shape(a)


def ndim(a):
    return a.ndim if hasattr(a, "ndim") else _np.ndim(a)


def size(a):
    return _np.size(a) if not hasattr(a, "type") else int(a.size)


def copy(a, order=None):
    """A copy of ``a``. A traced value is immutable, so it is its own copy; ``order`` is accepted as JAX
    does (layout is not a property of jaxlike arrays)."""
    from ._base import asarray_or_var, is_traced
    a = asarray_or_var(a)
    return _np.array(a, copy=True, order="K" if order is None else order) if not is_traced(a) else a


# NOTE: a star import reads __all__, so ``from jaxlike.numpy import *`` also gets the names imported lazily
__all__ = sorted({n for n in globals() if not n.startswith("_")} | {n for ns in _LAZY.values() for n in ns})
