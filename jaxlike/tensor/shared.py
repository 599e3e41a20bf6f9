"""Shared variables: a graph input ``Var`` that also holds its current value, so compiled functions read and
update it implicitly (``theano.shared``), and the value filter that decides which data a typed variable
accepts (Theano's rules: lossless conversions only, unless downcasting is allowed).

A shared variable's sizes are symbolic, as Theano's dims are non-broadcastable by default, so ``set_value``
may change its shape (never its dtype or rank) and functions compiled earlier stay valid.
A front-end module: imports core only.
"""

import numpy as np

from ..core.graph import Var
from ..core.types import Sym, canonical_dtype, floatx, is_known
from ..core.errors import user_frame
from .var import DtypeName, TheanoTensorType
from . import autocast


def _describe(value):
    text = repr(value)
    return text if len(text) <= 80 else text[:75] + "(...)"


def filter_value(value, typ, what, allow_downcast=None):
    """Convert ``value`` (array, list, number) to an ndarray of ``typ``'s dtype and rank, as Theano's
    ``TensorType.filter`` does: arrays only upcast, Python floats may become floatX, other data must
    convert without changing any value; ``allow_downcast=True`` converts regardless.
    ``what`` names the destination in error messages."""
    dtype = typ.dtype
    if isinstance(value, Var):
        raise TypeError(f"{what}: expected a concrete value (array, list or number), got the symbolic "
                        f"variable {value}; to feed an expression, use givens= or compile another function")
    if allow_downcast:
        arr = _asarray(value, dtype, what)
    elif isinstance(value, np.ndarray):
        if value.dtype == dtype:
            arr = value
        elif value.dtype.kind in "biuf" and np.promote_types(dtype, value.dtype) == dtype:
            arr = value.astype(dtype)
        else:
            raise TypeError(
                f"{what}: {typ_name(typ)} cannot store a value of dtype {value.dtype} without risking loss "
                f"of precision. If you do not mind this loss, you can: 1) explicitly cast your data to "
                f"{dtype} (value.astype({dtype.name!r})), or 2) set allow_input_downcast=True when calling "
                f"function(). Value: {_describe(value)}")
    elif allow_downcast is None and type(value) is float and dtype == floatx():
        arr = np.asarray(value, dtype=dtype)  # NOTE: Theano lets Python float literals become floatX
    else:
        orig = _asarray(value, None, what)
        if orig.dtype.kind not in "biuf":
            raise TypeError(f"{what}: cannot convert {type(value).__name__} {_describe(value)} to a "
                            f"{dtype} array")
        arr = _asarray(value, dtype, what)
        with np.errstate(invalid="ignore", over="ignore"):
            same = arr.shape == orig.shape and np.array_equal(arr, orig, equal_nan=orig.dtype.kind == "f")
        if not same:
            raise TypeError(f"{what}: {typ_name(typ)} cannot store {_describe(value)} exactly (converting to "
                            f"{dtype} changes its values); cast it first or set allow_input_downcast=True")
    if arr.ndim != typ.ndim:
        raise TypeError(f"{what}: wrong number of dimensions: expected {typ.ndim} ({typ_name(typ)}), got "
                        f"{arr.ndim} with shape {arr.shape}")
    for i, d in enumerate(typ.shape):
        if is_known(d) and arr.shape[i] != d:
            raise ValueError(f"{what}: dim {i} of {typ_name(typ)} is fixed to size {d} (broadcastable), got "
                             f"shape {arr.shape}")
    return arr


def _asarray(value, dtype, what):
    try:
        return np.asarray(value, dtype=dtype)
    except (ValueError, TypeError, OverflowError) as e:
        target = f"a {dtype} array" if dtype is not None else "an array"
        raise TypeError(f"{what}: cannot convert {_describe(value)} to {target} (it must be a rectangular "
                        f"array of numbers): {e}") from None


def typ_name(typ):
    from .var import type_str
    return type_str(typ)


class SharedVariable(Var):
    """A symbolic variable with a value: every compiled function that uses it reads the current value, and
    ``updates`` write new ones. ``get_value``/``set_value`` read and replace it from Python."""

    def __init__(self, value, name=None, borrow=False, broadcastable=None):
        autocast.activate()
        if isinstance(value, Var):
            raise TypeError(f"shared() needs a concrete initial value, got the symbolic variable {value}")
        if isinstance(value, (list, tuple, int, float, bool, np.generic)):
            arr = _asarray(value, None, "shared()")
        elif isinstance(value, np.ndarray):
            arr = value
        else:
            raise TypeError(f"shared() expects a numpy array, a list or a number, got "
                            f"{type(value).__name__} {_describe(value)}")
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"shared(): {_describe(value)} is not a rectangular array of numbers")
        dtype = canonical_dtype(arr.dtype, "shared variable dtype")
        if broadcastable is None:
            broadcastable = (False,) * arr.ndim
        if len(broadcastable) != arr.ndim:
            raise TypeError(f"shared(): broadcastable={broadcastable!r} has {len(broadcastable)} entries "
                            f"for a value of rank {arr.ndim}")
        shape = tuple(1 if b else Sym() for b in broadcastable)
        super().__init__(TheanoTensorType(dtype, shape=shape), name=name, source=user_frame())
        # NOTE: an expression a function applies as this variable's update when it reads the variable and its
        # updates give none (Theano's default update; RandomStreams keys advance this way)
        self.default_update = None
        self._data = _own(filter_value(arr, self.type, self._what("shared()")), value, borrow)

    def __bool__(self):
        return True   # NOTE: Theano's variables are true (the tutorials' dA tests `if not W:` on a shared W)

    # NOTE: Theano compares variables by identity (``param in params``, ``params.index(W)``); T.eq is the
    # elementwise comparison
    def __eq__(self, other):
        return self is other

    def __ne__(self, other):
        return self is not other

    __hash__ = Var.__hash__

    @property
    def dtype(self):
        return DtypeName(self.type.dtype)   # NOTE: Theano's dtype is a str (W.dtype.startswith('float'))

    def _what(self, op):
        return f"{op} of shared variable {self.name or type_str_of(self)}"

    def get_value(self, borrow=False, return_internal_type=False):
        """The current value as a numpy array: a copy unless ``borrow=True``. A value the GPU backend keeps on
        the device is copied to the host unless ``return_internal_type=True`` (with ``borrow=True``)."""
        data = self._data
        if type(data) is not np.ndarray:
            if borrow and return_internal_type:
                return data
            return np.asarray(data)  # NOTE: device arrays copy to the host here
        return data.view() if borrow else data.copy()   # NOTE: a view, as _own says why

    def set_value(self, value, borrow=False):
        """Replace the value. Lists and numbers are accepted; the shape may change, the dtype and rank may
        not (a value that would lose precision is a TypeError)."""
        self._data = _own(filter_value(value, self.type, self._what("set_value")), value, borrow)


def _own(arr, value, borrow):
    """The array a shared variable stores for ``arr``, the checked form of the caller's ``value``. Backends
    may write updates into it, so it is writeable and, unless borrowed, not the caller's memory. Borrowed, it
    is a view of the caller's array: the memory is shared (Theano's borrow), the array object is not. No one
    else holds the stored object, so no one can change its rank, dtype or flags in place, and the generated
    call path may trust an array it has checked once for as long as the variable holds it
    (``runtime/callpath.py``); ``get_value(borrow=True)`` gives a view for the same reason."""
    if (arr is value and not borrow) or not arr.flags.writeable:
        return np.array(arr, copy=True, order="C")
    return arr.view() if arr is value else arr


def type_str_of(v):
    return typ_name(v.type)


def shared(value, name=None, borrow=False, broadcastable=None):
    """A shared variable holding ``value`` (Theano's ``theano.shared``). A Python float gives a float64
    scalar, an int an int64 scalar; arrays keep their dtype. ``borrow=True`` keeps ``value`` itself (updates
    may then write into it) instead of a copy.

    >>> w = shared(np.zeros(2), name='w')
    >>> w.set_value([1.0, 2.0]); w.get_value()
    array([1., 2.])
    """
    return SharedVariable(value, name=name, borrow=borrow, broadcastable=broadcastable)
