"""Elementwise functions with numpy's names and keywords. Most are the primitives themselves; the rest
compose them (square, reciprocal, clip, ...). Also ``where``'s one-argument form and its relatives nonzero,
argwhere and flatnonzero (the indices of the non-zero entries)."""

import operator

import numpy as np

from ..core.errors import ConcretizationError, user_frame, where as _at
from ..core.types import is_known
from ..ops import math as m
from ._base import asarray_or_var, is_traced, dtype_of, ndim
from ._ufunc import ufunc_keywords


def _wrap1(prim, ufunc=None):
    ufunc = ufunc or getattr(np, prim.name)
    fn = ufunc_keywords(ufunc)(lambda x: prim(x))
    fn.__name__ = ufunc.__name__
    fn.__doc__ = f"Elementwise {ufunc.__name__} (numpy semantics, differentiable)."
    return fn


def _wrap2(prim, ufunc=None):
    ufunc = ufunc or getattr(np, prim.name)
    fn = ufunc_keywords(ufunc)(lambda x1, x2: prim(x1, x2))
    fn.__name__ = ufunc.__name__
    fn.__doc__ = f"Elementwise {ufunc.__name__} with numpy broadcasting."
    return fn


negative = _wrap1(m.neg, np.negative)
exp = _wrap1(m.exp)
log = _wrap1(m.log)
log1p = _wrap1(m.log1p)
expm1 = _wrap1(m.expm1)
sqrt = _wrap1(m.sqrt)
sin = _wrap1(m.sin)
cos = _wrap1(m.cos)
tan = _wrap1(m.tan)
arcsin = _wrap1(m.arcsin)
arccos = _wrap1(m.arccos)
arctan = _wrap1(m.arctan)
sinh = _wrap1(m.sinh)
cosh = _wrap1(m.cosh)
tanh = _wrap1(m.tanh)
arcsinh = _wrap1(m.arcsinh)
arctanh = _wrap1(m.arctanh)
abs = absolute = _wrap1(m.abs_)
sign = _wrap1(m.sign)
floor = _wrap1(m.floor)
ceil = _wrap1(m.ceil)
logical_not = _wrap1(m.logical_not)
isnan = _wrap1(m.isnan)

add = _wrap2(m.add)
subtract = _wrap2(m.sub, np.subtract)
multiply = _wrap2(m.mul, np.multiply)
divide = true_divide = _wrap2(m.div, np.divide)
power = _wrap2(m.pow_)
maximum = _wrap2(m.maximum)
minimum = _wrap2(m.minimum)
arctan2 = _wrap2(m.arctan2)
logaddexp = _wrap2(m.logaddexp)
mod = remainder = _wrap2(m.mod)
less = _wrap2(m.lt, np.less)
less_equal = _wrap2(m.le, np.less_equal)
greater = _wrap2(m.gt, np.greater)
greater_equal = _wrap2(m.ge, np.greater_equal)
equal = _wrap2(m.eq, np.equal)
not_equal = _wrap2(m.ne, np.not_equal)
logical_and = _wrap2(m.logical_and)
logical_or = _wrap2(m.logical_or)
logical_xor = _wrap2(m.logical_xor)


def stop_gradient(x):
    """x, with no gradient flowing back through it."""
    return m.stop_gradient(asarray_or_var(x))


@ufunc_keywords(np.square)
def square(x):
    """x * x; bools square as int8, as numpy's square has no boolean loop."""
    x = asarray_or_var(x)
    if dtype_of(x) == np.bool_:
        x = astype(x, np.int8)
    return x * x


@ufunc_keywords(np.reciprocal)
def reciprocal(x):
    """1 / x in x's dtype, as numpy: integers give the truncated quotient (1 for 1, -1 for -1, else 0; numpy's
    value for 0 is platform garbage, here 0), bools compute as int8."""
    x = asarray_or_var(x)
    if not is_traced(x) or dtype_of(x).kind in "fc":
        return np.reciprocal(x) if not is_traced(x) else 1.0 / x
    if x.dtype == np.bool_:
        x = m.convert(x, dtype=np.dtype("int8"))
    out = m.convert(m.eq(x, 1), dtype=x.dtype)
    return out if x.dtype.kind == "u" else out - m.convert(m.eq(x, -1), dtype=x.dtype)


@ufunc_keywords(np.arccosh)
def arccosh(x):
    x = asarray_or_var(x)
    if dtype_of(x).kind == "c":
        return log(x + sqrt(x + 1) * sqrt(x - 1))  # NOTE: the principal branch numpy takes off the real line
    # NOTE: log1p(t + sqrt(t (t + 2))) with t = x - 1 (exact near 1, where x * x - 1 loses digits); past 1e8
    # log(2x) to the last bit (x * x overflowed past 1e154, giving inf, and inf for x = -1e300); NaN below 1
    if dtype_of(x).kind not in "f":
        with np.errstate(all="ignore"):     # numpy's float for the operand: int8 and bool give float16
            x = m.convert(x, dtype=np.arccosh(np.ones((), dtype=dtype_of(x))).dtype)
    big = m.gt(x, min(1e8, float(np.sqrt(np.finfo(dtype_of(x)).max)) / 4))     # float16: past 64
    t = m.where(big, 0.0, x - 1)
    near = m.log1p(t + sqrt(t * (t + 2)))
    far = log(m.where(big, x, 1.0)) + 0.6931471805599453
    return m.where(m.ge(x, 1), m.where(big, far, near), m.where(m.isnan(x), x, np.nan))


def _as_bool(c):
    c = asarray_or_var(c)
    if dtype_of(c) != np.bool_:
        c = not_equal(c, 0)
    return c


def where(condition, x=None, y=None, *, size=None, fill_value=None):
    """``x`` where ``condition`` else ``y``; no gradient flows through ``condition``. ``condition`` alone is
    ``nonzero(condition)`` (``size``/``fill_value`` as there)."""
    if x is None and y is None:
        return nonzero(condition, size=size, fill_value=fill_value)
    if x is None or y is None:
        raise ValueError("where: either both or neither of x and y should be given")
    return m.select(_as_bool(condition), asarray_or_var(x), asarray_or_var(y))


# -- indices of the non-zero entries ----------------------------------------------------------------------------
def nonzero(a, *, size=None, fill_value=None):
    """Indices of the non-zero entries, one int64 array per dimension, as numpy. Their count sets the shape,
    so a traced ``a`` needs ``size`` (JAX's): the first ``size`` indices, padded with ``fill_value`` (a scalar
    or one per dimension; 0 by default). Concrete arrays also accept it."""
    a = asarray_or_var(a)
    if ndim(a) == 0 and not is_traced(a):
        return np.nonzero(a)  # NOTE: numpy 2 raises for 0-d input; so do we
    if size is None:
        if is_traced(a):
            raise ConcretizationError(
                "nonzero (or where(condition), argwhere, flatnonzero) of a traced array" + _at(user_frame())
                + ": the result's size depends on the values, unknown while the graph is built. Pass size= "
                "(the first size indices, padded with fill_value) or call it on a concrete array.")
        return np.nonzero(a)
    size = operator.index(size)
    fills = _fill_values(fill_value, len(a.shape), "nonzero")
    if not is_traced(a, *fills):
        return tuple(np.concatenate([i[:size], np.full(max(size - len(i), 0), f, i.dtype)])
                     for i, f in zip(np.nonzero(a), fills))
    if not a.shape:
        raise ValueError("Calling nonzero on 0d arrays is not allowed. Use np.atleast_1d(scalar).nonzero() "
                         "instead.")
    return _first_nonzero(a, size, fills)


def _fill_values(fill_value, nd, fname):
    if fill_value is None:
        return (0,) * nd
    if isinstance(fill_value, (tuple, list)):
        if len(fill_value) != nd:
            raise ValueError(f"{fname}: fill_value must be a scalar or a tuple of length {nd}, got "
                             f"{len(fill_value)} values")
        return tuple(fill_value)
    return (fill_value,) * nd


def _first_nonzero(a, size, fills):
    """The first ``size`` indices of a traced array's non-zero entries: a stable argsort of the flat mask puts
    them first, in index order (zeros pad it to ``size``); past their count each output takes its fill value.
    ``a``'s sizes may be symbolic (Theano's ``T.nonzero(a, size=n)``): one trace serves every shape."""
    from ._shape import ravel, concatenate, reshape
    from ..ops import sort as S
    from ..ops.reduce import reduce_sum
    flat = ravel(m.ne(a, 0))
    order = S.argsort(m.convert(m.logical_not(flat), dtype=np.dtype("int8")), axis=0)
    order = reshape(concatenate([order, np.zeros(size, np.int64)])[:size], (size,))
    found = m.lt(np.arange(size), reduce_sum(flat, axes=(0,)))
    out, rest = [], order
    for d, fill in reversed(list(zip(a.shape, fills))):
        # NOTE: an empty dim leaves nothing found, and its divisor 1 divides by no zero
        d = max(int(d), 1) if is_known(d) else m.maximum(d.value(specialize=False), np.int64(1))
        out.append(astype(m.where(found, rest % d, fill), np.int64))
        rest = rest // d
    return tuple(out[::-1])


def flatnonzero(a, *, size=None, fill_value=None):
    """Indices of the non-zero entries of the flattened ``a`` (``size``/``fill_value`` as ``nonzero``)."""
    from ._shape import ravel
    return nonzero(ravel(asarray_or_var(a)), size=size, fill_value=fill_value)[0]


def argwhere(a, *, size=None, fill_value=None):
    """The non-zero entries' indices as rows, shape (count, a.ndim) (``size``/``fill_value`` as ``nonzero``;
    a 0-d ``a`` gives numpy's (1, 0) or (0, 0))."""
    from ._shape import stack, atleast_1d
    a = asarray_or_var(a)
    if size is None and not is_traced(a):
        return np.argwhere(a)
    rows = stack(nonzero(atleast_1d(a), size=size, fill_value=fill_value), axis=1)
    return rows[:, :0] if ndim(a) == 0 else rows


def clip(a, a_min=None, a_max=None):
    a = asarray_or_var(a)
    if a_min is not None:
        a = maximum(a, a_min)
    if a_max is not None:
        a = minimum(a, a_max)
    return a


def astype(x, dtype):
    x = asarray_or_var(x)
    if not is_traced(x):
        return np.asarray(x).astype(dtype)
    if x.dtype == np.dtype(dtype):
        return x
    return m.convert(x, dtype=np.dtype(dtype))
