"""Small array functions of ``jax.numpy``: ``nextafter`` and ``spacing``; numpy 2's ``matvec`` and ``vecmat``;
the functional writes ``fill_diagonal``, ``put`` and ``place`` (JAX's ``inplace=False``: a new array, the
operand untouched); ``resize``, ``trim_zeros``, ``unwrap``, ``sort_complex``, ``extract``, ``piecewise``,
``apply_over_axes``, ``mask_indices``, ``einsum_path``, ``packbits`` and ``unpackbits``.

Plain arrays go to numpy wherever JAX's result is numpy's. Traced values compose existing jnp functions, so
they compile and differentiate through those. The writes share ``_set_flat``: the entries of the flattened
array at some positions replaced, through ``_at.write`` (whose transpose gives the gradients), with one spare
slot past the end that takes the writes to drop. Where a result's shape depends on values, JAX's rules hold:
``extract`` of a traced condition needs ``size=``, ``trim_zeros`` needs a concrete array.
A front-end module: imports core, ops and the jaxlike.numpy modules below it.
"""

import math as _math

import numpy as np

from ..core.errors import ConcretizationError, user_frame, where as _at
from ..core.graph import Var, const
from ..ops import index as I
from ..ops._rules import normalize_axis
from ._base import asarray_or_var, is_traced, ndim, shape, dtype_of, as_var
from ._elementwise import (where, equal, less, greater, logical_and, not_equal, abs as _abs, mod, astype, nonzero,
                           add, maximum, minimum)
from ._reductions import any as _any, sum as _sum
from ._shape import ravel, reshape, concatenate, swapaxes, moveaxis, expand_dims, broadcast_arrays
from ._products import matmul
from ._creation import zeros, ones
from ._more_elementwise import isinf
from ._more_reductions import diff, cumsum
from ._more_shape import tile, pad, sort
from ._complex import conj
from ._bitwise import bitwise_and, left_shift
from ._windows_and_polys import copysign, _numpy_dtypes, _to, _static_int
from ._utilities import take
from ._at import write

__all__ = [
    "nextafter", "spacing", "matvec", "vecmat", "fill_diagonal", "put", "place", "resize", "trim_zeros", "unwrap",
    "sort_complex", "extract", "piecewise", "apply_over_axes", "mask_indices", "einsum_path", "packbits",
    "unpackbits"]


# -- floating-point neighbours ---------------------------------------------------------------------------------
def nextafter(x1, x2, /):
    """The next float after ``x1`` towards ``x2``, in numpy's result dtype (integers become floats). Traced
    values use ``lax.nextafter`` (exact, subnormals included). JAX defines no derivative; here it is the one
    that holds almost everywhere: 1 for ``x1``, 0 for ``x2``."""
    x1, x2 = asarray_or_var(x1), asarray_or_var(x2)
    if not is_traced(x1, x2):
        return np.nextafter(x1, x2)
    from ..lax.special import nextafter as _lax_nextafter  # NOTE: jaxlike.lax imports jaxlike.numpy at load time
    dt = _numpy_dtypes(np.nextafter, x1, x2)
    return _lax_nextafter(*broadcast_arrays(_to(x1, dt), _to(x2, dt)))


def spacing(x, /):
    """The distance from ``x`` to the adjacent float away from zero (negative for negative ``x``), numpy's
    values: the smallest subnormal at +-0, NaN at +-inf; float16 measures towards +inf for every ``x``, as
    numpy's does. Its derivative is 0 (it is piecewise constant); JAX defines none."""
    x = asarray_or_var(x)
    if not is_traced(x):
        return np.spacing(x)
    dt = _numpy_dtypes(np.spacing, x)   # NOTE: raises numpy's TypeError for complex input
    x = _to(x, dt)
    inf = np.asarray(np.inf, dt)
    if dt == np.float16:
        return where(isinf(x), np.asarray(np.nan, dt), nextafter(x, inf) - x)
    step = nextafter(x, copysign(inf, x)) - x
    return where(equal(x, 0), np.asarray(np.finfo(dt).smallest_subnormal, dt), step)


# -- numpy 2's matrix-vector products --------------------------------------------------------------------------
def _gufunc_operands(fname, x1, x2, nd1, nd2):
    for k, (x, nd) in enumerate(((x1, nd1), (x2, nd2)), 1):
        if ndim(x) < nd:
            raise ValueError(f"{fname}: x{k} must have at least {nd} dimension(s), got shape {tuple(shape(x))}"
                             f"{_at(user_frame())}")


def matvec(x1, x2, /):
    """Matrix times vector over the last axes, ``sum_j x1[..., i, j] * x2[..., j]``, the leading axes
    broadcast (numpy 2's gufunc ``(n,m),(m)->(n)``)."""
    x1, x2 = asarray_or_var(x1), asarray_or_var(x2)
    if not is_traced(x1, x2):
        return np.matvec(x1, x2)
    _gufunc_operands("matvec", x1, x2, 2, 1)
    return matmul(x1, expand_dims(x2, -1))[..., 0]


def vecmat(x1, x2, /):
    """Vector times matrix over the last axes, ``sum_i conj(x1[..., i]) * x2[..., i, j]`` (numpy 2's gufunc
    ``(n),(n,m)->(m)``; ``x1`` is conjugated, as in ``vecdot``)."""
    x1, x2 = asarray_or_var(x1), asarray_or_var(x2)
    if not is_traced(x1, x2):
        return np.vecmat(x1, x2)
    _gufunc_operands("vecmat", x1, x2, 1, 2)
    return matmul(expand_dims(conj(x1), -2), x2)[..., 0, :]


# -- functional writes ------------------------------------------------------------------------------------------
def _refuse_inplace(inplace, fname, error=ValueError):
    if inplace:
        raise error(f"{fname}: jaxlike arrays are immutable, so it cannot write in place (JAX refuses too); "
                    f"pass inplace=False and use the returned array{_at(user_frame())}")


def _count(x):
    return _math.prod(int(d) for d in shape(x))  # NOTE: int() of a symbolic size makes compile retrace


def _tile_to_size(v, n):
    """The flattened ``v`` repeated to length ``n`` (numpy's cycling of values in put, place, fill_diagonal)."""
    v = ravel(v)
    k = int(shape(v)[0])
    return tile(v, -(-n // k))[:n] if k < n else v[:n]


def _set_flat(a, idx, vals, unique=False):
    """``a`` with its flattened entries at ``idx`` (int64 in [0, a.size]; a.size drops the write) set to
    ``vals`` (one per index, cast to ``a``'s dtype). Of repeated positions the last write wins, as in numpy;
    ``unique``: the caller knows the kept positions are distinct."""
    n = _count(a)
    if not is_traced(a, idx, vals):
        out = np.array(a, copy=True, order="C")  # NOTE: C order, so that reshape(-1) below is a view
        keep = idx < n
        with np.errstate(all="ignore"):
            out.reshape(-1)[idx[keep]] = np.asarray(vals)[keep]
        return out
    k = int(shape(idx)[0])
    if isinstance(idx, Var) and not unique:
        # NOTE: _at.write averages repeated positions; sending all but the last write of each to the spare
        # slot keeps numpy's order. k*k comparisons: put's index lists are short.
        later = _any(logical_and(equal(idx[:, None], idx[None, :]), np.triu(np.ones((k, k), bool), 1)), axis=1)
        idx = where(later, n, idx)
    elif not isinstance(idx, Var):
        last = np.zeros(k, bool)
        last[k - 1 - np.unique(idx[::-1], return_index=True)[1]] = True
        idx = const(np.where(last, idx, n).astype(np.int64))
    flat = concatenate([ravel(a), zeros(1, dtype_of(a))])
    out = write(lambda z: I.take(z, idx, axis=0), as_var(flat), vals)
    return reshape(out[:n], tuple(shape(a)))


def fill_diagonal(a, val, wrap=False, *, inplace=True):
    """``a`` with its main diagonal set to ``val`` (a scalar, or values cycled along the diagonal), numpy's
    positions: for a tall matrix the diagonal of its top square, and with ``wrap=True`` (which JAX does not
    take) restarting every ``columns + 1`` rows; more than 2 dimensions must all be of one size.
    ``inplace=False`` is required (JAX's NotImplementedError otherwise)."""
    _refuse_inplace(inplace, "fill_diagonal", NotImplementedError)
    a, val = asarray_or_var(a), asarray_or_var(val)
    dims = tuple(int(d) for d in shape(a))
    if len(dims) < 2:
        raise ValueError(f"fill_diagonal: a must be at least 2-d, got shape {dims}{_at(user_frame())}")
    if len(dims) > 2 and len(set(dims)) != 1:
        raise ValueError(f"fill_diagonal: all dimensions of a must be of equal length, got shape {dims}"
                         f"{_at(user_frame())}")
    n = _math.prod(dims)
    if len(dims) == 2:
        step, end = dims[1] + 1, (n if wrap else min(n, dims[1] * dims[1]))
    else:
        step, end = 1 + int(np.cumprod(dims[:-1]).sum()), n
    idx = np.arange(0, end, step, dtype=np.int64)
    if idx.size == 0 or _count(val) == 0:
        return a if is_traced(a) else np.array(a, copy=True)
    return _set_flat(a, idx, _tile_to_size(val, idx.size))


def put(a, ind, v, mode=None, *, inplace=True):
    """``a`` with its flattened entries at ``ind`` set to ``v`` (cycled to ``ind``'s length); of repeated
    indices the last wins. ``mode``: 'clip' clamps indices to [0, size - 1], 'wrap' takes them modulo the size,
    None (JAX's default) wraps negative indices from -size on and clamps the rest; numpy's 'raise' is not
    supported, as in JAX. ``inplace=False`` is required."""
    _refuse_inplace(inplace, "put")
    if mode == "raise":
        raise NotImplementedError(f"put: mode='raise' is not supported, as in JAX (an index known only at run "
                                  f"time cannot raise); use mode=None, 'clip' or 'wrap'{_at(user_frame())}")
    if mode not in (None, "clip", "wrap"):
        raise ValueError(f"put: mode must be None, 'clip' or 'wrap', got {mode!r}{_at(user_frame())}")
    a, ind, v = asarray_or_var(a), asarray_or_var(ind), asarray_or_var(v)
    if dtype_of(ind).kind not in "iu":
        raise TypeError(f"put: ind must be integers, got dtype {dtype_of(ind)}{_at(user_frame())}")
    ind = astype(ravel(ind), np.int64)
    n, k = _count(a), int(shape(ind)[0])
    if n == 0 or k == 0 or _count(v) == 0:
        return a if is_traced(a) else np.array(a, copy=True)
    if mode == "clip":
        ind = minimum(maximum(ind, 0), n - 1)
    elif mode == "wrap":
        ind = mod(ind, n)
    else:
        ind = where(less(ind, -n), 0, where(less(ind, 0), ind + n, minimum(ind, n - 1)))
    return _set_flat(a, ind, _tile_to_size(v, k))


def place(arr, mask, vals, *, inplace=True):
    """``arr`` with the entries where ``mask`` is true set to ``vals``, in order, cycling (numpy's ``place``);
    ``mask`` may be traced. ``inplace=False`` is required."""
    _refuse_inplace(inplace, "place")
    arr, mask, vals = asarray_or_var(arr), asarray_or_var(mask), asarray_or_var(vals)
    n, nm = _count(arr), _count(mask)
    if n != nm:
        raise ValueError(f"place: arr and mask must have the same size, got {n} and {nm}{_at(user_frame())}")
    if _count(vals) == 0:
        raise ValueError(f"place: cannot place values from an empty vals{_at(user_frame())}")
    if n == 0:
        return arr
    if isinstance(mask, Var):
        idx = nonzero(ravel(mask), size=n, fill_value=n)[0]
    else:
        idx = np.flatnonzero(mask).astype(np.int64)
        if idx.size == 0:
            return arr if is_traced(arr) else np.array(arr, copy=True)
    return _set_flat(arr, idx, _tile_to_size(vals, int(shape(idx)[0])), unique=True)


# -- reshaping by value ---------------------------------------------------------------------------------------
def resize(a, new_shape):
    """``a`` flattened, repeated to fill ``new_shape`` and reshaped (an empty ``a`` gives zeros)."""
    a = asarray_or_var(a)
    if not is_traced(a):
        return np.resize(a, new_shape)
    dims = tuple(_static_int(d, "new_shape", "resize") for d in np.atleast_1d(np.asarray(new_shape, object)))
    if any(d < 0 for d in dims):
        raise ValueError(f"resize: all elements of new_shape must be non-negative, got {dims}{_at(user_frame())}")
    flat, size = ravel(a), _math.prod(dims)
    if int(shape(flat)[0]) == 0 or size == 0:
        return zeros(dims, dtype_of(a))
    return reshape(_tile_to_size(flat, size), dims)


def trim_zeros(filt, trim="fb", axis=None):
    """``filt`` without its leading ('f') and/or trailing ('b') zeros along ``axis`` (every axis when None:
    the bounding box of the non-zero entries). The result's shape depends on the values, so ``filt`` must be
    concrete (JAX's ConcretizationError otherwise)."""
    filt = asarray_or_var(filt)
    if is_traced(filt):
        raise ConcretizationError(
            f"trim_zeros of a traced array{_at(user_frame())}: the number of zeros trimmed sets the result's "
            "shape, unknown while the graph is built. Call it on a concrete array, or keep the shape with "
            "jnp.where / a mask.")
    return np.array(np.trim_zeros(np.asarray(filt), trim, axis))


def extract(condition, arr, *, size=None, fill_value=0):
    """The entries of the flattened ``arr`` where the flattened ``condition`` is true. A traced ``condition``
    needs JAX's ``size``: the first ``size`` such entries, padded with ``fill_value``. As in JAX, ``condition``
    may be shorter than ``arr`` (the rest is not taken) or longer if its extra entries are false."""
    condition, arr = ravel(asarray_or_var(condition)), ravel(asarray_or_var(arr))
    nc, na = int(shape(condition)[0]), int(shape(arr)[0])
    if size is None:
        if isinstance(condition, Var):
            raise ConcretizationError(
                f"extract with a traced condition{_at(user_frame())}: the number of true entries sets the "
                "result's shape, unknown while the graph is built. Pass size= (the first size entries, padded "
                "with fill_value) or a concrete condition.")
        idx = np.flatnonzero(condition)
        if idx.size and idx[-1] >= na:
            raise ValueError(f"extract: condition has true entries past the end of arr (size {na})"
                             f"{_at(user_frame())}")
        return np.extract(condition[:na], arr[:nc]) if not is_traced(arr) else take(arr, idx)
    size = _static_int(size, "size", "extract")
    if not 0 <= size <= min(na, nc):
        raise ValueError(f"extract: size must be in [0, {min(na, nc)}] (the length of arr and condition), got "
                         f"{size}{_at(user_frame())}")
    idx = nonzero(condition[:na], size=size, fill_value=na)[0]
    return take(arr, idx, mode="fill", fill_value=fill_value)


def piecewise(x, condlist, funclist, *args, **kw):
    """``funclist[i](x, *args, **kw)`` (or the constant ``funclist[i]``) where ``condlist[i]`` is true, a later
    condition winning over an earlier one; one more function than conditions gives the value where none is
    true, else 0. Every function is evaluated on the whole ``x`` and the results selected (JAX maps a switch,
    which does the same), and each result is cast to ``x``'s dtype."""
    x = asarray_or_var(x)
    if isinstance(condlist, Var):
        condlist = [condlist[i] for i in range(int(shape(condlist)[0]))]
    nc, nf = len(condlist), len(funclist)
    if nf == nc + 1:
        funclist = list(funclist[-1:]) + list(funclist[:-1])
    elif nf == nc:
        funclist = [0] + list(funclist)
    else:
        raise ValueError(f"piecewise: with {nc} condition(s), either {nc} or {nc + 1} functions are expected, "
                         f"got {nf}{_at(user_frame())}")
    dt = dtype_of(x)
    with np.errstate(all="ignore"):  # NOTE: the functions also see the entries they do not own
        out = None
        for cond, f in zip([None] + list(condlist), funclist):
            value = astype(asarray_or_var(f(x, *args, **kw) if callable(f) else f), dt)
            if out is None:
                out = value + zeros(tuple(shape(x)), dt)
            else:
                out = where(astype(asarray_or_var(cond), bool), value, out)
    return out


def apply_over_axes(func, a, axes):
    """``func(a, axis)`` applied for each axis in turn, each result given back the reduced axis (numpy's
    ``apply_over_axes``: ``func`` keeps the rank or drops that one axis)."""
    a = asarray_or_var(a)
    for axis in np.atleast_1d(axes).tolist():
        b = asarray_or_var(func(a, axis))
        if ndim(b) == ndim(a) - 1:
            b = expand_dims(b, axis)
        elif ndim(b) != ndim(a):
            raise ValueError(f"apply_over_axes: func must keep the rank of a ({ndim(a)}) or drop one axis, got "
                             f"a result of rank {ndim(b)}{_at(user_frame())}")
        a = b
    return a


def mask_indices(n, mask_func, k=0, *, size=None):
    """The (row, column) indices where ``mask_func(ones((n, n)), k)`` is non-zero (``triu``, ``tril``...);
    ``size`` pads or cuts them as ``nonzero``'s."""
    n = _static_int(n, "n", "mask_indices")
    return nonzero(mask_func(ones((n, n)), k), size=size)


def einsum_path(subscripts, /, *operands, optimize="auto"):
    """The pairwise contraction order for ``einsum``, as JAX returns it: a list of index tuples (numpy's
    list without its leading 'einsum_path') and a printable report (numpy's text). Only the operands' shapes
    are read, so they may be traced. ``optimize``: True is 'optimal', False one contraction of everything,
    'auto' 'optimal' for up to 4 operands and 'greedy' beyond, or an explicit path."""
    stand_ins = [np.broadcast_to(np.zeros((), dtype_of(o)), tuple(int(d) for d in shape(o)))
                 for o in map(asarray_or_var, operands)]
    if optimize is True or optimize == "auto" and len(stand_ins) <= 4:
        optimize = "optimal"
    elif optimize == "auto":
        optimize = "greedy"
    elif isinstance(optimize, str) and optimize not in ("greedy", "optimal"):
        raise ValueError(f"einsum_path: optimize must be True, False, 'auto', 'greedy', 'optimal' or a path, got "
                         f"{optimize!r} (opt_einsum's other strategies are not available){_at(user_frame())}")
    elif isinstance(optimize, (list, tuple)) and (not optimize or optimize[0] != "einsum_path"):
        optimize = ["einsum_path"] + [tuple(step) for step in optimize]
    path, report = np.einsum_path(subscripts, *stand_ins, optimize=optimize)
    return [tuple(step) for step in path[1:]], report


# -- bits ------------------------------------------------------------------------------------------------------
def _bit_shifts(fname, bitorder):
    """Each bit's position in its byte, in the order the 8 entries hold them."""
    if bitorder not in ("big", "little"):
        raise ValueError(f"{fname}: bitorder must be 'big' or 'little', got {bitorder!r}{_at(user_frame())}")
    shifts = np.arange(8, dtype=np.uint8)
    return shifts[::-1] if bitorder == "big" else shifts


def packbits(a, axis=None, bitorder="big"):
    """Each run of 8 entries of ``a`` along ``axis`` (the flattened ``a`` when None; zero-padded at the end)
    as the bits of a uint8, non-zero entries counting as 1."""
    a = asarray_or_var(a)
    if not is_traced(a):
        return np.packbits(a, axis=axis, bitorder=bitorder)
    if dtype_of(a).kind not in "iub":
        raise TypeError(f"packbits: a must be an integer or boolean array, got dtype {dtype_of(a)}"
                        f"{_at(user_frame())}")
    shifts = _bit_shifts("packbits", bitorder)
    if axis is None:
        a, axis = ravel(a), 0
    ax = normalize_axis(axis, ndim(a))
    bits = swapaxes(astype(not_equal(a, 0), np.uint8), ax, -1)
    extra = -int(shape(bits)[-1]) % 8
    if extra:
        bits = pad(bits, [(0, 0)] * (ndim(bits) - 1) + [(0, extra)])
    bits = reshape(bits, tuple(shape(bits)[:-1]) + (int(shape(bits)[-1]) // 8, 8))
    packed = _sum(left_shift(bits, shifts), axis=-1, dtype=np.uint8)
    return swapaxes(packed, ax, -1)


def unpackbits(a, axis=None, count=None, bitorder="big"):
    """The bits of the uint8 array ``a`` as uint8 0/1 entries, 8 per entry along ``axis`` (the flattened
    ``a`` when None); ``count`` keeps the first ``count`` (zero-padded past the end; negative drops that many
    from the end)."""
    a = asarray_or_var(a)
    if not is_traced(a):
        return np.unpackbits(a, axis=axis, count=count, bitorder=bitorder)
    if dtype_of(a) != np.uint8:
        raise TypeError(f"unpackbits: a must be a uint8 array, got dtype {dtype_of(a)}{_at(user_frame())}")
    weights = np.left_shift(np.uint8(1), _bit_shifts("unpackbits", bitorder))
    if axis is None:
        a, axis = ravel(a), 0
    ax = normalize_axis(axis, ndim(a))
    a = swapaxes(a, ax, -1)
    bits = astype(not_equal(bitwise_and(a[..., None], weights), 0), np.uint8)
    bits = reshape(bits, tuple(shape(bits)[:-2]) + (int(shape(bits)[-2]) * 8,))
    if count is not None:
        count = _static_int(count, "count", "unpackbits")
        have = int(shape(bits)[-1])
        bits = pad(bits, [(0, 0)] * (ndim(bits) - 1) + [(0, count - have)]) if count > have else bits[..., :count]
    return swapaxes(bits, ax, -1)


# -- the rest ----------------------------------------------------------------------------------------------------
def unwrap(p, discont=None, axis=-1, period=2 * np.pi):
    """``p`` with each jump larger than ``max(discont, period / 2)`` along ``axis`` replaced by its
    complement modulo ``period`` (phase unwrapping), numpy's arithmetic; the derivative is that of ``p``'s
    first entry plus the differences, i.e. the identity away from the jumps' thresholds."""
    p = asarray_or_var(p)
    if not is_traced(p, discont, period):
        return np.unwrap(p, discont=discont, axis=axis, period=period)
    if dtype_of(p).kind == "c":
        raise ValueError(f"unwrap: complex input is not supported, as in JAX{_at(user_frame())}")
    ax = normalize_axis(axis, ndim(p))
    if int(shape(p)[ax]) == 0:
        return p
    p = moveaxis(p, ax, -1)
    dd = diff(p, axis=-1)
    dt = np.result_type(dtype_of(dd), period if not is_traced(period) else dtype_of(period))
    if dt.kind in "iu":
        interval_high, ambiguous = period // 2, equal(mod(period, 2), 0)
    else:
        interval_high, ambiguous = period / 2, True
    discont = period / 2 if discont is None else discont
    ddmod = mod(dd + interval_high, period) - interval_high
    ddmod = where(logical_and(logical_and(equal(ddmod, -interval_high), greater(dd, 0)), ambiguous),
                  interval_high, ddmod)
    correct = where(less(_abs(dd), discont), 0, ddmod - dd)
    p = astype(p, dt)
    out = concatenate([p[..., :1], add(p[..., 1:], astype(cumsum(correct, axis=-1), dt))], axis=-1)
    return moveaxis(out, -1, ax)


def _complex_dtype(dt):
    """Floats keep their precision (JAX's rule; numpy makes float16/float32 complex128); integers and bools
    take numpy's (complex64 for 8- and 16-bit integers, else complex128)."""
    if dt.kind == "c":
        return dt
    if dt.kind == "f":
        return np.dtype(np.complex64) if dt.itemsize <= 4 else np.dtype(np.complex128)
    return np.sort_complex(np.zeros(1, dt)).dtype


def sort_complex(a):
    """``a`` sorted along its last axis by real part, then imaginary part, as a complex array."""
    a = asarray_or_var(a)
    dt = _complex_dtype(dtype_of(a))
    if not is_traced(a):
        return np.sort(a, axis=-1).astype(dt)
    if ndim(a) == 0:
        raise ValueError(f"sort_complex: a must be at least 1-d{_at(user_frame())}")
    return astype(sort(a, axis=-1), dt)
