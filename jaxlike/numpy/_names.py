"""Names ``jax.numpy`` has that need little or no code of their own: the numpy-2 aliases of the trigonometric
functions and ``pow``, ``bitwise_count``, numpy's scalar type names (``double``, ``int_``, the abstract
``floating``, ``integer``...), dtype and scalar introspection (``isdtype``, ``isscalar``, ``iterable``), numpy's
print options and ``array_repr``/``array_str``, and the I/O wrappers (``frombuffer``, ``fromstring``,
``fromfunction``, ``from_dlpack``, ``load``, ``save``, ``savez``; ``fromiter`` and ``fromfile`` refuse, as JAX's).

The I/O functions read with numpy and return ``jnp.asarray`` of the result, as JAX does; nothing here reads
a traced value's data. ``fromfunction`` maps ``function`` with ``vmap`` over the index grids, as JAX does (it
sees one index per axis, not numpy's whole grids), so a traced function body works too.
A front-end module: imports core, ops and the jaxlike.numpy modules below it.
"""

import numpy as np

from ..core.errors import user_frame, where as _at
from ..core.graph import Var
from ._base import asarray_or_var, is_traced, dtype_of
from ._elementwise import (arccos, arccosh, arcsin, arcsinh, arctan, arctan2, arctanh, power, abs as _abs,
                           astype)
from ._creation import asarray, arange
from ._windows_and_polys import _static_int

__all__ = [
    "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "pow", "bitwise_count",
    "double", "single", "cdouble", "csingle", "int_", "uint", "generic", "number", "integer", "signedinteger",
    "unsignedinteger", "floating", "inexact", "complexfloating", "character", "flexible", "object_",
    "isdtype", "isscalar", "iterable", "printoptions", "get_printoptions", "set_printoptions", "array_repr",
    "array_str", "frombuffer", "fromfunction", "fromiter", "fromstring", "fromfile", "from_dlpack", "load", "save",
    "savez"]

# -- numpy 2's array-API spellings -----------------------------------------------------------------------------
acos, acosh, asin, asinh, atan, atanh = arccos, arccosh, arcsin, arcsinh, arctan, arctanh
atan2, pow = arctan2, power  # noqa: A001  (numpy's name)

# -- scalar types: numpy's own classes, the 64-bit ones for the C names (JAX's with x64, and numpy's on Linux)
double, single, cdouble, csingle = np.float64, np.float32, np.complex128, np.complex64
int_, uint = np.int64, np.uint64
generic, number, integer, signedinteger, unsignedinteger = (
    np.generic, np.number, np.integer, np.signedinteger, np.unsignedinteger)
floating, inexact, complexfloating, character, flexible, object_ = (
    np.floating, np.inexact, np.complexfloating, np.character, np.flexible, np.object_)


def bitwise_count(x, /):
    """The number of 1 bits in ``|x|``, as uint8 (numpy 2's ufunc; JAX's too). Integers and bools only."""
    x = asarray_or_var(x)
    if not is_traced(x):
        return np.bitwise_count(x)
    dt = dtype_of(x)
    if dt.kind not in "iub":
        raise TypeError(f"bitwise_count: x must be an integer or boolean array, got dtype {dt}"
                        f"{_at(user_frame())}")
    from ..lax.elementwise import population_count  # NOTE: jaxlike.lax imports jaxlike.numpy at load time
    x = astype(x, np.uint8) if dt.kind == "b" else _abs(x)  # NOTE: abs(int8 -128) wraps to -128: still 1 bit
    return astype(population_count(x), np.uint8)


# -- introspection ---------------------------------------------------------------------------------------------
_KINDS = ("bool", "signed integer", "unsigned integer", "integral", "real floating", "complex floating", "numeric")


def isdtype(dtype, kind):
    """Whether ``dtype`` is of ``kind``: one of the array API's kind names (``'bool'``, ``'signed integer'``,
    ``'unsigned integer'``, ``'integral'``, ``'real floating'``, ``'complex floating'``, ``'numeric'``), a dtype,
    or a tuple of these (any matches). Like JAX's, and unlike numpy's, ``dtype`` and a dtype ``kind`` may be
    anything ``np.dtype`` accepts (``float``, ``'int32'``)."""
    the_dtype = np.dtype(dtype)
    for k in kind if isinstance(kind, tuple) else (kind,):
        if isinstance(k, str) and k in _KINDS:
            if np.isdtype(the_dtype, k):
                return True
            continue
        try:
            k_dtype = np.dtype(k)
        except TypeError:
            if isinstance(k, str):
                raise ValueError(f"isdtype: kind must be one of {list(_KINDS)} or a dtype, got {k!r}"
                                 f"{_at(user_frame())}") from None
            raise TypeError(f"isdtype: kind must be a dtype, a kind name or a tuple of these, got {k!r}"
                            f"{_at(user_frame())}") from None
        if the_dtype == k_dtype:
            return True
    return False


def isscalar(element):
    """Whether ``element`` is a scalar: what numpy calls one (Python and numpy scalars, strings), and, as in
    JAX, any 0-d array, traced or not."""
    if np.isscalar(element):
        return True
    if isinstance(element, (np.ndarray, Var)):
        return element.ndim == 0
    return False


iterable = np.iterable
printoptions, get_printoptions, set_printoptions = np.printoptions, np.get_printoptions, np.set_printoptions
array_repr, array_str = np.array_repr, np.array_str


# -- reading and writing ----------------------------------------------------------------------------------------
def frombuffer(buffer, dtype=float, count=-1, offset=0):
    """A 1-d array of the bytes in ``buffer`` read as ``dtype`` (a copy: it does not alias the buffer)."""
    return asarray(np.frombuffer(buffer, dtype=dtype, count=count, offset=offset).copy())


def fromstring(string, dtype=float, count=-1, *, sep):
    """A 1-d array from text: numbers separated by ``sep`` (JAX's signature: ``sep`` is required, numpy's
    binary mode is deprecated there)."""
    return asarray(np.fromstring(string, dtype=dtype, count=count, sep=sep))


def fromfunction(function, shape, *, dtype=float, **kwargs):
    """``function(i0, i1, ..., **kwargs)`` at every index of ``shape``, the indices of ``dtype``. As in JAX,
    ``function`` is mapped with ``vmap`` and sees one index per axis (numpy calls it once on the whole index
    grids: the two agree for elementwise functions)."""
    from ..api import vmap  # NOTE: jaxlike.api imports jaxlike.numpy at load time
    if np.ndim(shape) == 0:
        shape = (shape,)
    dims = tuple(_static_int(d, "shape", "fromfunction") for d in shape)
    if any(d < 0 for d in dims):
        raise ValueError(f"fromfunction: shape must have non-negative sizes, got {dims}{_at(user_frame())}")
    def fn(*indices):
        # NOTE: keywords are passed whole, as numpy passes them (JAX's vmap would map them over axis 0)
        return function(*indices, **kwargs)
    for i in range(len(dims)):
        fn = vmap(fn, in_axes=tuple(0 if j == len(dims) - 1 - i else None for j in range(len(dims))))
    out = fn(*(arange(d, dtype=dtype) for d in dims))
    return out if is_traced(out) or isinstance(out, tuple) else asarray(out)


def fromiter(*args, **kwargs):
    raise NotImplementedError(
        f"jnp.fromiter is not implemented, as in JAX: consuming an iterator is a side effect, which a traced "
        f"function would perform only once, when it is traced{_at(user_frame())}. Use "
        "jnp.asarray(np.fromiter(...)) outside traced code.")


def fromfile(*args, **kwargs):
    raise NotImplementedError(
        f"jnp.fromfile is not implemented, as in JAX: reading a file is a side effect, which a traced function "
        f"would perform only once, when it is traced{_at(user_frame())}. Use jnp.asarray(np.fromfile(...)) "
        "outside traced code.")


def from_dlpack(x, /, *, device=None, copy=None):
    """An array from any object with ``__dlpack__`` (numpy's import: host memory only; ``device`` is numpy's,
    ``'cpu'`` or None)."""
    return asarray(np.from_dlpack(x, device=device, copy=copy))


def load(file, *args, **kwargs):
    """``np.load``; a single array (an ``.npy`` file) comes back as a ``jnp`` array, an ``.npz`` archive as
    numpy's lazy mapping, as in JAX."""
    out = np.load(file, *args, **kwargs)
    return asarray(out) if isinstance(out, np.ndarray) and out.dtype != object else out


save, savez = np.save, np.savez
