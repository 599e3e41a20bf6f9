"""Theano's tensor functions (``T.exp``, ``T.dot``, ``T.switch``, ``T.sum``, ``T.concatenate``...) with
Theano's names and signatures, each a thin call of the ``jaxlike.numpy`` function that binds the same
primitives. Lists of symbolic variables are stacked wherever an operand is expected (``T.dot(w, [a1, a2])``),
and numpy arrays and Python numbers mix freely with symbolic values. A front-end module: imports core, ops
and jaxlike.numpy.
"""

import builtins

import numpy as np

from ..core.graph import Var, const
from ..core.types import canonical_dtype, is_known, floatx, Sym, dim_prod
from ..core.errors import user_frame, where as _at
from .. import numpy as jnp
from ..numpy._base import asarray_or_var
from ..numpy._creation import _computed_size
from .var import _maker, _plural, ftensor3, dtensor3, ftensor4, dtensor4
from .autocast import standalone_number, arange_dtype, activate


def as_tensor_variable(x, name=None, ndim=None):
    """A Var for ``x``: Vars pass through; lists (also of Vars), arrays and numbers become graph values, Python
    numbers with Theano's dtypes (``as_tensor_variable(3)`` is int8; floats are floatX)."""
    activate()
    v = asarray_or_var(standalone_number(x))
    if not isinstance(v, Var):
        v = const(v)
    if ndim is not None and v.ndim != ndim:
        raise TypeError(f"as_tensor_variable: expected rank {ndim}, got rank {v.ndim} ({v.type!r})")
    if name is not None and not isinstance(x, Var):
        v.name = name
    return v


def constant(x, name=None, dtype=None):
    """A named constant in the graph; a Python int gets Theano's narrowest dtype (``constant(300)`` is int16),
    a Python float floatX, unless ``dtype`` is given."""
    activate()
    v = const(x if dtype is not None else standalone_number(x), dtype=dtype)
    v.name = name
    return v


# -- the constructors var.py does not make: Theano's b/w/i/l/f/d/c/z prefixes (int8, int16, int32, int64,
# float32, float64, complex64, complex128) for every rank Theano names, and their plurals --------------------
wscalar = _maker((), "int16", "An int16 scalar input.")
wvector = _maker((False,), "int16", "An int16 vector input.")
brow = _maker((True, False), "int8", "An int8 (1, n) row input.")
wrow = _maker((True, False), "int16", "An int16 (1, n) row input.")
irow = _maker((True, False), "int32", "An int32 (1, n) row input.")
lrow = _maker((True, False), "int64", "An int64 (1, n) row input.")
crow = _maker((True, False), "complex64", "A complex64 (1, n) row input.")
zrow = _maker((True, False), "complex128", "A complex128 (1, n) row input.")
bcol = _maker((False, True), "int8", "An int8 (n, 1) column input.")
wcol = _maker((False, True), "int16", "An int16 (n, 1) column input.")
icol = _maker((False, True), "int32", "An int32 (n, 1) column input.")
lcol = _maker((False, True), "int64", "An int64 (n, 1) column input.")
ccol = _maker((False, True), "complex64", "A complex64 (n, 1) column input.")
zcol = _maker((False, True), "complex128", "A complex128 (n, 1) column input.")
wmatrix = _maker((False, False), "int16", "An int16 matrix input.")
btensor3 = _maker((False,) * 3, "int8", "An int8 3-d input.")
wtensor3 = _maker((False,) * 3, "int16", "An int16 3-d input.")
itensor3 = _maker((False,) * 3, "int32", "An int32 3-d input.")
ltensor3 = _maker((False,) * 3, "int64", "An int64 3-d input.")
ctensor3 = _maker((False,) * 3, "complex64", "A complex64 3-d input.")
ztensor3 = _maker((False,) * 3, "complex128", "A complex128 3-d input.")
btensor4 = _maker((False,) * 4, "int8", "An int8 4-d input.")
wtensor4 = _maker((False,) * 4, "int16", "An int16 4-d input.")
itensor4 = _maker((False,) * 4, "int32", "An int32 4-d input.")
ltensor4 = _maker((False,) * 4, "int64", "An int64 4-d input.")
ctensor4 = _maker((False,) * 4, "complex64", "A complex64 4-d input.")
ztensor4 = _maker((False,) * 4, "complex128", "A complex128 4-d input.")
btensor5 = _maker((False,) * 5, "int8", "An int8 5-d input.")
wtensor5 = _maker((False,) * 5, "int16", "An int16 5-d input.")
itensor5 = _maker((False,) * 5, "int32", "An int32 5-d input.")
ltensor5 = _maker((False,) * 5, "int64", "An int64 5-d input.")
ftensor5 = _maker((False,) * 5, "float32", "A float32 5-d input.")
dtensor5 = _maker((False,) * 5, "float64", "A float64 5-d input.")
ctensor5 = _maker((False,) * 5, "complex64", "A complex64 5-d input.")
ztensor5 = _maker((False,) * 5, "complex128", "A complex128 5-d input.")
tensor5 = _maker((False,) * 5, None, "A 5-d symbolic input (default dtype ``config.floatX``).")
irows, lrows = _plural(irow, "irow"), _plural(lrow, "lrow")
icols, lcols = _plural(icol, "icol"), _plural(lcol, "lcol")
ftensor3s, dtensor3s = _plural(ftensor3, "ftensor3"), _plural(dtensor3, "dtensor3")
itensor3s, ltensor3s = _plural(itensor3, "itensor3"), _plural(ltensor3, "ltensor3")
ftensor4s, dtensor4s = _plural(ftensor4, "ftensor4"), _plural(dtensor4, "dtensor4")
itensor4s, ltensor4s = _plural(itensor4, "itensor4"), _plural(ltensor4, "ltensor4")
tensor5s, ftensor5s = _plural(tensor5, "tensor5"), _plural(ftensor5, "ftensor5")
dtensor5s, itensor5s = _plural(dtensor5, "dtensor5"), _plural(itensor5, "itensor5")
ltensor5s = _plural(ltensor5, "ltensor5")


# -- elementwise ---------------------------------------------------------------------------------------
exp, log, log1p, expm1, sqrt = jnp.exp, jnp.log, jnp.log1p, jnp.expm1, jnp.sqrt
sin, cos, tan, arcsin, arccos, arctan = jnp.sin, jnp.cos, jnp.tan, jnp.arcsin, jnp.arccos, jnp.arctan
sinh, cosh, tanh = jnp.sinh, jnp.cosh, jnp.tanh
arcsinh, arctanh, arccosh = jnp.arcsinh, jnp.arctanh, jnp.arccosh
abs_, sgn, floor, ceil, neg = jnp.abs, jnp.sign, jnp.floor, jnp.ceil, jnp.negative
sqr, inv = jnp.square, jnp.reciprocal
maximum, minimum, arctan2, mod = jnp.maximum, jnp.minimum, jnp.arctan2, jnp.mod
add, sub, mul, true_div = jnp.add, jnp.subtract, jnp.multiply, jnp.divide
lt, le, gt, ge, eq, neq = jnp.less, jnp.less_equal, jnp.greater, jnp.greater_equal, jnp.equal, jnp.not_equal
# NOTE: Theano's and_/or_/xor/invert are bitwise (the operators & | ^ ~); on bool masks that is the logic op
and_, or_, xor, invert = jnp.bitwise_and, jnp.bitwise_or, jnp.bitwise_xor, jnp.invert
bitwise_and, bitwise_or, bitwise_xor, bitwise_not = and_, or_, xor, invert
isnan = jnp.isnan
real, imag, conj, angle = jnp.real, jnp.imag, jnp.conj, jnp.angle
pow = jnp.power  # noqa: A001  (Theano's name)


exp2, power, isinf, isfinite, squeeze, ptp = jnp.exp2, jnp.power, jnp.isinf, jnp.isfinite, jnp.squeeze, jnp.ptp
int_div = floor_div = jnp.floor_divide


def _special(name):
    def fn(x):
        from ..scipy import special
        return getattr(special, name)(x)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Theano's element-wise {name} (``jaxlike.scipy.special.{name}``)."
    return fn


erf, erfc, erfinv, gammaln, gamma = (_special(n) for n in ("erf", "erfc", "erfinv", "gammaln", "gamma"))
psi = _special("digamma")
psi.__name__ = "psi"


def tri_gamma(x):
    """The derivative of psi (``polygamma(1, x)``)."""
    from ..scipy.special import polygamma
    return polygamma(1, x)


def fill(model, value):
    """``value`` broadcast to ``model``'s shape (Theano's ``T.fill``/``T.second``), in ``value``'s dtype as
    Theano's; a Python number takes the dtype it promotes to with ``model``."""
    weak = isinstance(value, (int, float, complex)) and not isinstance(value, bool)
    model = as_tensor_variable(model)
    dtype = jnp.result_type(model, value) if weak else as_tensor_variable(value).dtype
    return jnp.broadcast_to(jnp.astype(jnp.asarray(value), dtype), tuple(model.shape))


second = fill


def largest(*args):
    """The elementwise maximum of all the arguments."""
    out = args[0]
    for a in args[1:]:
        out = jnp.maximum(out, a)
    return out


def smallest(*args):
    """The elementwise minimum of all the arguments."""
    out = args[0]
    for a in args[1:]:
        out = jnp.minimum(out, a)
    return out


def batched_dot(a, b):
    """``dot(a[i], b[i])`` for each i along the first axis (Theano's ``T.batched_dot``)."""
    a, b = as_tensor_variable(a), as_tensor_variable(b)
    if a.ndim < 2 or b.ndim < 2 or a.ndim > 3 or b.ndim > 3:
        raise TypeError(f"batched_dot expects tensors of rank 2 or 3, got {a.type!r} and {b.type!r}")
    lhs, rhs = "bi" if a.ndim == 2 else "bij", "bj" if b.ndim == 2 else "bjk"
    out = ("b" + ("i" if a.ndim == 3 else "") + ("k" if b.ndim == 3 else ""))
    if a.ndim == 2 and b.ndim == 2:
        lhs, rhs = "bj", "bj"
    return jnp.einsum(f"{lhs},{rhs}->{out}", a, b)


def log2(x):
    return jnp.log(x) / np.log(2.0)


def log10(x):
    return jnp.log(x) / np.log(10.0)


def switch(cond, ift, iff):
    """``ift`` where ``cond`` is nonzero, else ``iff`` (elementwise, broadcasting). Gradients flow to
    ``ift`` and ``iff`` only. ``T.switch(z < 0, 0, z)`` is a ReLU."""
    return jnp.where(cond, ift, iff)


where = switch  # NOTE: Theano's T.where is switch, not numpy's one-argument where (nonzero)


def round(a, mode=None):  # noqa: A001  (Theano's name)
    """``a`` rounded to integral values. ``mode``: ``'half_to_even'`` (the default since Theano 1.0, as
    numpy's) or ``'half_away_from_zero'`` (older Theano's default: 2.5 -> 3, -0.5 -> -1). Integer tensors
    come back unchanged; the gradient is zero."""
    if mode is None:
        mode = "half_to_even"
    if mode not in ("half_to_even", "half_away_from_zero"):
        raise ValueError(f"round: mode must be 'half_to_even' or 'half_away_from_zero', got {mode!r}")
    a = as_tensor_variable(a)
    if a.dtype.kind in "iub":
        return a
    if mode == "half_to_even":
        return jnp.round(a)
    whole = jnp.trunc(a)
    # NOTE: comparing the dropped fraction, not floor(|a| + 0.5), which rounds 0.49999999999999994 up
    return jnp.where(jnp.abs(a - whole) >= 0.5, whole + jnp.sign(a), whole)


def iround(a, mode=None):
    """``round(a, mode)`` as int64."""
    return jnp.astype(round(a, mode), np.int64)


def clip(x, min, max):  # noqa: A002  (Theano's argument names)
    """``x`` limited to [min, max], as Theano's ``x < min ? min : (x > max ? max : x)`` (also where
    ``min > max``). The gradient is Theano's: ``x`` gets it where ``min <= x <= max`` (bounds
    included), ``min`` where ``x < min`` and ``max`` where ``x > max``; a max/min pair would split it at
    the bounds."""
    x = as_tensor_variable(x)
    return jnp.where(jnp.less(x, min), min, jnp.where(jnp.greater(x, max), max, x))


def cast(x, dtype):
    """``x`` converted to ``dtype`` (``'floatX'`` means ``config.floatX``)."""
    if dtype == "floatX":
        dtype = floatx()
    return jnp.astype(x, canonical_dtype(dtype, "cast target dtype"))


# -- reductions ----------------------------------------------------------------------------------------
# NOTE: acc_dtype (Theano's accumulator dtype), no_zeros_in_input and op are accepted for Theano's
# signatures; the result dtype is dtype's (the accumulation is at least as wide)
def sum(input, axis=None, dtype=None, keepdims=False, acc_dtype=None):  # noqa: A001
    return jnp.sum(input, axis=axis, dtype=dtype, keepdims=keepdims)


def prod(input, axis=None, dtype=None, keepdims=False, acc_dtype=None, no_zeros_in_input=False):
    return jnp.prod(input, axis=axis, dtype=dtype, keepdims=keepdims)


def mean(input, axis=None, dtype=None, op=False, keepdims=False, acc_dtype=None):
    """Mean over ``axis``; integer inputs give float64, as in Theano."""
    return jnp.mean(input, axis=axis, dtype=dtype, keepdims=keepdims)


def var(input, axis=None, ddof=0, keepdims=False, corrected=False):
    """Variance over ``axis``; ``corrected`` (Theano's) is accepted: jaxlike computes it in two passes."""
    return jnp.var(input, axis=axis, ddof=ddof, keepdims=keepdims)


def std(input, axis=None, ddof=0, keepdims=False, corrected=False):
    return jnp.std(input, axis=axis, ddof=ddof, keepdims=keepdims)


def max(x, axis=None, keepdims=False):  # noqa: A001
    return jnp.max(x, axis=axis, keepdims=keepdims)


def min(x, axis=None, keepdims=False):  # noqa: A001
    return jnp.min(x, axis=axis, keepdims=keepdims)


def all(x, axis=None, keepdims=False):  # noqa: A001
    """True where every element along ``axis`` is nonzero (bool)."""
    return jnp.all(x, axis=axis, keepdims=keepdims)


def any(x, axis=None, keepdims=False):  # noqa: A001
    """True where some element along ``axis`` is nonzero (bool)."""
    return jnp.any(x, axis=axis, keepdims=keepdims)


def _reduce_index(fname, pick, a, axis, keepdims):
    """``pick`` (argmax or argmin) over ``axis``: an int, a list of ints, or None for all. Over several axes
    it indexes them flattened together, in increasing axis order, as Theano's."""
    a = as_tensor_variable(a)
    raw = list(range(a.ndim)) if axis is None else [axis] if np.ndim(axis) == 0 else list(axis)
    for k in raw:
        if isinstance(k, (bool, np.bool_)) or not isinstance(k, (int, np.integer)) or not -a.ndim <= k < a.ndim:
            raise ValueError(f"{fname}: axis must be None or ints in [{-a.ndim}, {a.ndim}) for rank "
                             f"{a.ndim} ({a.type!r}), got {axis!r}" + _at(user_frame()))
    axes = sorted({int(k) % a.ndim for k in raw})
    if not axes:
        out = jnp.zeros(tuple(a.shape), dtype=np.int64)
    elif len(axes) == 1:
        out = pick(a, axis=axes[0])
    else:
        kept = [k for k in range(a.ndim) if k not in axes]
        moved = jnp.transpose(a, kept + axes)
        out = pick(jnp.reshape(moved, tuple(moved.shape[:len(kept)]) + (-1,)), axis=-1)
    return jnp.expand_dims(out, tuple(axes)) if keepdims and axes else out


def argmax(x, axis=None, keepdims=False):
    return _reduce_index("argmax", jnp.argmax, x, axis, keepdims)


def argmin(x, axis=None, keepdims=False):
    return _reduce_index("argmin", jnp.argmin, x, axis, keepdims)


def max_and_argmax(a, axis=None, keepdims=False):
    """Theano's ``T.max_and_argmax``: ``(max, argmax)`` over ``axis`` (an int, a list of ints, or None for
    all). Over several axes the argmax indexes them flattened together, in increasing axis order."""
    i = _reduce_index("max_and_argmax", jnp.argmax, a, axis, keepdims)
    a = as_tensor_variable(a)
    axes = None if axis is None else tuple(sorted({int(k) % a.ndim for k in np.atleast_1d(axis)}))
    return jnp.max(a, axis=axes, keepdims=keepdims), i


# -- products ------------------------------------------------------------------------------------------
def dot(a, b):
    """Matrix/vector product (``*`` when either side is a scalar). A list of symbolic variables is stacked
    into one tensor first, so ``T.dot(w, [a1, a2])`` works as in Theano."""
    return jnp.dot(a, b)


outer, tensordot = jnp.outer, jnp.tensordot


# -- shape ---------------------------------------------------------------------------------------------
def concatenate(tensor_list, axis=0):
    if isinstance(tensor_list, Var) or not isinstance(tensor_list, (list, tuple)):
        raise TypeError("concatenate expects a list or tuple of tensors as its first argument, got "
                        f"{type(tensor_list).__name__}")
    return jnp.concatenate(list(tensor_list), axis=axis)


def join(axis, *tensors_list):
    """Theano's ``join(axis, t1, t2, ...)``: ``concatenate`` with the axis first; one tensor comes back as
    is."""
    if len(tensors_list) == 1 and isinstance(tensors_list[0], (list, tuple)):
        tensors_list = tuple(tensors_list[0])
    if not tensors_list:
        raise ValueError("join needs at least one tensor after the axis")
    if len(tensors_list) == 1:
        return as_tensor_variable(tensors_list[0])
    return jnp.concatenate(list(tensors_list), axis=axis)


def stack(*tensors, axis=0):
    """``stack([a, b], axis=0)`` or the older ``stack(a, b)``: join tensors along a new dim."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    elif len(tensors) == 2 and isinstance(tensors[0], (list, tuple)) and isinstance(tensors[1], int):
        tensors, axis = tuple(tensors[0]), tensors[1]
    if not tensors:
        raise ValueError("stack needs at least one tensor")
    return jnp.stack(list(tensors), axis=axis)


def reshape(x, newshape, ndim=None):
    """Theano's reshape: ``newshape`` a tuple of sizes or a symbolic integer vector (``ndim`` entries)."""
    from ..numpy._shape import shape_entries
    return jnp.reshape(x, shape_entries(newshape, ndim))


def flatten(x, ndim=1):
    """Keep the first ``ndim - 1`` dims and flatten the rest into one."""
    x = as_tensor_variable(x)
    if not 1 <= ndim <= builtins.max(x.ndim, 1):
        raise ValueError(f"flatten: ndim={ndim} must be between 1 and the rank {x.ndim}")
    # NOTE: a product of the merged sizes, not -1: a -1 beside a size 0 at run time could not be inferred
    return jnp.reshape(x, tuple(x.shape[:ndim - 1]) + (dim_prod(x.shape[ndim - 1:]),))


def tile(x, reps, ndim=None):
    """``x`` repeated ``reps[i]`` times along dim ``i``, numpy's tile: short ``reps`` are padded with 1s on
    the left, and ``ndim`` (at least ``len(reps)``) pads them further. ``reps`` must be Python ints."""
    reps = (reps,) if isinstance(reps, (int, np.integer)) else tuple(reps)
    for r in reps:
        if isinstance(r, bool) or not isinstance(r, (int, np.integer)):
            raise TypeError(f"tile: reps must be a tuple of Python ints, got {reps!r}")
    if ndim is not None:
        if ndim < len(reps):
            raise ValueError(f"tile: ndim={ndim} is smaller than len(reps)={len(reps)}")
        reps = (1,) * (ndim - len(reps)) + reps
    return jnp.tile(as_tensor_variable(x), reps)    # NOTE: symbolic sizes stay symbolic (products of sizes)


def diag(v, k=0):
    """The matrix with the vector ``v`` on diagonal ``k``, or the diagonal ``k`` of the matrix ``v``."""
    v = as_tensor_variable(v)
    if v.ndim not in (1, 2):
        raise ValueError(f"diag: expected a vector or a matrix, got rank {v.ndim} ({v.type!r})")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError(f"diag: k must be a Python int, got {type(k).__name__} {k!r}")
    if builtins.all(is_known(d) for d in v.shape):
        return jnp.diag(v, k)
    # NOTE: sizes are symbolic: the diagonal is picked by an index mask instead of computed positions
    if v.ndim == 1:
        padded = jnp.concatenate([v, jnp.zeros((abs(k),), dtype=v.dtype)]) if k else v
        index = _iota(padded.shape[0])
        on_diagonal = jnp.equal(index[:, None] + k, index[None, :])
        return jnp.where(on_diagonal, padded[:, None] if k >= 0 else padded[None, :], 0)
    rows, cols = _iota(v.shape[0]), _iota(v.shape[1])
    on_diagonal = jnp.equal(rows[:, None] + k, cols[None, :])
    picked = jnp.sum(jnp.where(on_diagonal, v, 0), axis=1 if k >= 0 else 0)
    return picked[:jnp.sum(on_diagonal)]


def transpose(x, axes=None):
    return jnp.transpose(x, axes)


def shape_padleft(x, n_ones=1):
    x = as_tensor_variable(x)
    return jnp.reshape(x, (1,) * n_ones + tuple(x.shape)) if n_ones else x


def shape_padright(x, n_ones=1):
    x = as_tensor_variable(x)
    return jnp.reshape(x, tuple(x.shape) + (1,) * n_ones) if n_ones else x


def addbroadcast(x, *axes):
    """Mark size-1 dims as broadcastable; the size is checked when the function runs."""
    x = as_tensor_variable(x)
    shape = list(x.shape)
    for a in axes:
        if not is_known(shape[a]) or shape[a] != 1:
            shape[a] = 1
    return jnp.reshape(x, tuple(shape))


def patternbroadcast(x, broadcastable):
    """``x`` with the dims where ``broadcastable`` is True fixed to size 1 (checked when the function runs)
    and the others symbolic (Theano's ``T.patternbroadcast``)."""
    x = as_tensor_variable(x)
    pattern = tuple(bool(b) for b in broadcastable)
    if len(pattern) != x.ndim:
        raise ValueError(f"patternbroadcast: pattern {tuple(broadcastable)!r} has {len(pattern)} entries for "
                         f"a rank-{x.ndim} variable ({x.type!r})")
    y = addbroadcast(x, *[a for a, b in enumerate(pattern) if b])
    return unbroadcast(y, *[a for a, b in enumerate(pattern) if not b])


def unbroadcast(x, *axes):
    """``x`` with the size-1 (broadcastable) dims ``axes`` made symbolic: they no longer broadcast."""
    x = as_tensor_variable(x)
    for a in axes:
        if not -x.ndim <= a < x.ndim:
            raise ValueError(f"unbroadcast: axis {a} is out of range for rank {x.ndim} ({x.type!r})")
    axes = {a % x.ndim for a in axes}
    if not builtins.any(is_known(x.shape[a]) and x.shape[a] == 1 for a in axes):
        return x
    # NOTE: a slice bound given as a graph value (not a Python int) makes the sliced dim a fresh symbolic size
    lo = const(np.int64(0))
    return x[tuple(slice(lo, None) if a in axes else slice(None) for a in range(x.ndim))]


def specify_shape(x, shape):
    """``x``, stated to have ``shape`` (a tuple of ints): the result's dims are those ints, and a value of
    another shape is an error when the function runs (Theano's ``T.specify_shape``)."""
    x = as_tensor_variable(x)
    shape = tuple(shape)
    if len(shape) != x.ndim:
        raise ValueError(f"specify_shape: shape {shape!r} has {len(shape)} entries for a rank-{x.ndim} "
                         f"variable ({x.type!r})")
    for d in shape:
        if isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d < 0:
            raise TypeError(f"specify_shape: shape entries must be non-negative Python ints, got {shape!r}")
    y = x
    # NOTE: a concatenation checks every other dim for equality at run time: one with an empty block of the
    # stated shape checks all dims but its axis, a second (another axis) the remaining one; the final
    # reshape makes the stated sizes static (it alone would accept any shape of the same total size).
    for axis in range(builtins.min(x.ndim, 2)):
        block = tuple(0 if a == axis else d for a, d in enumerate(shape))
        y = jnp.concatenate([y, jnp.zeros(block, dtype=x.dtype)], axis=axis)
    return jnp.reshape(y, shape)


def shape(x):
    """The int64 vector of ``x``'s sizes (``x.shape`` itself is a tuple of symbolic sizes)."""
    x = as_tensor_variable(x)
    return as_tensor_variable(x.shape) if x.ndim else jnp.zeros((0,), dtype=np.int64)


def alloc(value, *shape):
    """Theano's ``T.alloc(value, *shape)``: ``value`` broadcast to ``shape`` (ints or symbolic sizes such as
    ``x.shape[1]``), keeping its dtype."""
    value = as_tensor_variable(value)
    if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
        shape = tuple(shape[0])
    # NOTE: a size given as an integer scalar (T.iscalar) is the length of iota(n), bound when the graph runs
    shape = tuple(_computed_size(d) if isinstance(d, Var) else d for d in shape)
    if len(shape) < value.ndim:
        raise ValueError(f"alloc: {len(shape)} sizes for a value of rank {value.ndim} ({value.type!r})")
    return jnp.broadcast_to(value, tuple(shape))


def zeros_like(x, dtype=None):
    return jnp.zeros_like(as_tensor_variable(x), dtype=dtype)


def ones_like(x, dtype=None):
    return jnp.ones_like(as_tensor_variable(x), dtype=dtype)


def zeros(shape, dtype=None):
    return jnp.zeros(shape, dtype=dtype)


def ones(shape, dtype=None):
    return jnp.ones(shape, dtype=dtype)


def _iota(n):
    """0, 1, ..., n-1 as int64 for an int or a symbolic size (``x.shape[0]``)."""
    if isinstance(n, Var):
        n = _computed_size(n)   # NOTE: the length of iota(n), whose node keeps n an input of the function
    return jnp.cumsum(jnp.ones((n,), dtype=np.int64)) - 1


def eye(n, m=None, k=0, dtype=None):
    """The ``n`` x ``m`` matrix with ones on diagonal ``k`` (dtype ``config.floatX`` by default). ``n`` and
    ``m`` may be ints, symbolic sizes (``T.eye(x.shape[0])``) or integer scalars; ``k`` an int or an integer
    scalar."""
    dtype = floatx() if dtype is None else canonical_dtype(dtype, "eye dtype")
    m = n if m is None else m
    if builtins.all(isinstance(d, (int, np.integer)) for d in (n, m, k)):
        return jnp.asarray(np.eye(n, m, k, dtype=dtype))
    rows, cols = _iota(n), _iota(m)
    return jnp.astype(jnp.equal(rows[:, None] + k, cols[None, :]), dtype)


def arange(start, stop=None, step=1, dtype=None):
    """Theano's ``T.arange``: int64 for integer bounds, else the upcast of the bounds' dtypes (Python floats
    are floatX). Bounds may be
    symbolic sizes (``T.arange(y.shape[0])``) or scalar variables (``T.arange(T.iscalar())``: then the dtype
    is that of the variables, as Theano's upcast of the bounds)."""
    if stop is None:
        start, stop = 0, start
    if dtype is None and not builtins.any(isinstance(b, (Var, Sym)) for b in (start, stop, step)):
        dtype = arange_dtype(start, stop, step)
    plain = [isinstance(b, (int, np.integer)) for b in (start, step)]
    if builtins.all(plain) and start == 0 and step == 1 and not isinstance(stop, Var):
        return jnp.arange(stop, dtype=dtype)   # NOTE: of a symbolic size too, keeping that size
    bounds = [b.value(specialize=False) if isinstance(b, Sym) else b for b in (start, stop, step)]
    if builtins.any(isinstance(b, Var) for b in bounds):
        return _arange_of_values(*bounds, dtype=dtype)
    return jnp.arange(start, stop, step, dtype=dtype)


def _arange_of_values(start, stop, step, dtype):
    """arange whose length depends on values: a loop of ``max(ceil((stop - start) / step), 0)`` steps, the
    only way here to build an array whose size is computed from values."""
    from .. import lax
    bounds = [as_tensor_variable(b) for b in (start, stop, step)]
    for name, b in zip(("start", "stop", "step"), bounds):
        if b.ndim != 0 or b.dtype.kind not in "iuf":
            raise TypeError(f"arange: {name} must be a real scalar, got {b.type!r}")
    typed = [b.dtype for b, raw in zip(bounds, (start, stop, step)) if isinstance(raw, Var)]
    out_dtype = canonical_dtype(dtype, "arange dtype") if dtype is not None else np.result_type(*typed)
    if dtype is None and out_dtype.kind in "iu":
        out_dtype = np.dtype(np.int64)   # NOTE: Theano's arange widens integer bounds ("don't be stingy")
    if dtype is None and builtins.any(isinstance(raw, float) for raw in (start, stop, step)):
        out_dtype = np.result_type(out_dtype, floatx())
    start, stop, step = bounds
    count = jnp.maximum(jnp.ceil(jnp.astype(stop - start, np.float64) / step), 0)
    n = jnp.astype(count, np.int64)
    _, out = lax.scan(lambda i, _: (i + 1, start + i * step), jnp.asarray(np.int64(0)), (), length=n)
    return jnp.astype(out, out_dtype)


__all__ = [
    "as_tensor_variable", "constant",
    "wscalar", "wvector", "brow", "wrow", "irow", "lrow", "crow", "zrow", "bcol", "wcol",
    "icol", "lcol", "ccol", "zcol", "wmatrix", "btensor3", "wtensor3", "itensor3", "ltensor3", "ctensor3",
    "ztensor3", "btensor4", "wtensor4", "itensor4", "ltensor4", "ctensor4", "ztensor4", "btensor5", "wtensor5", "itensor5",
    "ltensor5", "ftensor5", "dtensor5", "ctensor5", "ztensor5", "tensor5", "irows", "lrows", "icols", "lcols",
    "ftensor3s", "dtensor3s", "itensor3s", "ltensor3s", "ftensor4s", "dtensor4s", "itensor4s", "ltensor4s", "tensor5s", "ftensor5s",
    "dtensor5s", "itensor5s", "ltensor5s",
    "exp", "log", "log1p", "expm1", "sqrt", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh",
    "tanh", "arcsinh", "arctanh", "arccosh", "abs_", "sgn", "floor", "ceil", "neg", "sqr", "inv", "maximum",
    "minimum", "arctan2", "mod", "add", "sub", "mul", "true_div", "lt", "le", "gt", "ge", "eq", "neq", "and_",
    "or_", "xor", "invert", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "isnan", "real", "imag",
    "conj", "angle", "pow", "log2", "log10", "exp2", "power", "isinf", "isfinite", "squeeze", "ptp", "int_div",
    "floor_div", "erf", "erfc", "erfinv", "gammaln", "gamma", "psi", "tri_gamma", "fill", "second", "largest", "smallest", "batched_dot", "switch", "where", "round", "iround", "clip", "cast",
    "sum", "prod", "mean", "var", "std", "max", "min", "all", "any", "argmax", "argmin", "max_and_argmax",
    "dot", "outer", "tensordot",
    "concatenate", "join", "stack", "reshape", "flatten", "tile", "diag", "transpose", "shape_padleft",
    "shape_padright",
    "addbroadcast", "patternbroadcast", "unbroadcast", "specify_shape", "shape", "alloc", "zeros_like", "ones_like", "zeros", "ones", "eye", "arange",
]
