"""numpy's ufunc keywords (``dtype=``, ``casting=``, ``order=``, ``subok=``, ``out=``, ``where=``) for the
elementwise wrappers: ``dtype=`` picks numpy's own loop (``ufunc.resolve_dtypes``), so the inputs are cast to
the loop's dtypes before the operation and its result to the loop's output dtype, and numpy's casting errors
are raised as numpy raises them.
"""

import numpy as np

from ._base import asarray_or_var, dtype_of

_WEAK = (int, float, complex)


def _operand_dtype(x):
    # NOTE: Python int/float/complex are NEP 50 weak scalars, which resolve_dtypes takes as their type
    return type(x) if type(x) in _WEAK else dtype_of(x)


def _refuse(fname, out, where):
    if out is not None:
        raise TypeError(f"{fname}: out= is not supported (arrays are immutable inside traced functions); "
                        "use the return value")
    if where is not True:
        # NOTE: without out=, numpy leaves the entries where the mask is False uninitialized, so there is no
        # value to reproduce; the explicit form says which fill the caller wants
        raise TypeError(f"{fname}: where= is not supported (without out= numpy leaves the masked-out entries "
                        f"uninitialized); use jnp.where(mask, jnp.{fname}(...), fill)")


def call(fn, ufunc, fname, xs, out, where, dtype, casting):
    """``fn(*xs)`` under the ufunc keywords of ``ufunc``."""
    _refuse(fname, out, where)
    xs = tuple(asarray_or_var(x) for x in xs)
    if dtype is None and casting == "same_kind":
        return fn(*xs)
    from ._elementwise import astype
    n = len(xs)
    sig = (None,) * n + (None if dtype is None else np.dtype(dtype),)
    loop = ufunc.resolve_dtypes(tuple(_operand_dtype(x) for x in xs) + (None,), signature=sig, casting=casting)
    res = fn(*(astype(x, d) for x, d in zip(xs, loop[:n])))
    return astype(res, loop[n])


def ufunc_keywords(ufunc):
    """Decorator: ``fn(x)`` or ``fn(x1, x2)`` also accepts numpy's ufunc keywords, as ``ufunc`` reads them."""
    name = ufunc.__name__

    def wrap(fn):
        if ufunc.nin == 1:
            def wrapped(x, /, out=None, *, where=True, casting="same_kind", order="K", dtype=None, subok=True):
                return call(fn, ufunc, name, (x,), out, where, dtype, casting)
        else:
            def wrapped(x1, x2, /, out=None, *, where=True, casting="same_kind", order="K", dtype=None,
                        subok=True):
                return call(fn, ufunc, name, (x1, x2), out, where, dtype, casting)
        wrapped.__name__ = wrapped.__qualname__ = getattr(fn, "__name__", name)
        wrapped.__doc__ = fn.__doc__
        return wrapped
    return wrap
