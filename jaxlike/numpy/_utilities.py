"""The rest of numpy's everyday surface: gathers (take, choose, compress), grids and index helpers (meshgrid,
indices, ix_, unravel_index, ravel_multi_index, the triangle/diagonal index functions), whole-array
comparisons (isclose, allclose, array_equal, array_equiv), numpy 2's array-API names (block, unstack, vecdot,
matrix_transpose, permute_dims, concat), dtype utilities, and apply_along_axis / vectorize. Polynomials,
convolutions, windows, vander, i0, logspace/geomspace and the float decomposition functions are in
``_windows_and_polys``, whose names this module re-exports.

Plain arrays go straight to numpy. Traced values compose existing primitives: gathers are ``take`` and
``take_along`` (whose derivatives scatter-add), everything else elementwise ops and reductions. Where numpy
raises for bad index values that are only known at run time (a traced index), a one-element gather is made to
fail instead, so the call raises IndexError rather than returning a wrong element.
"""

import re

import numpy as np

from ..core.graph import Var, const
from ..core.types import is_known, dims_equal, Sym
from ..ops import math as m
from ..ops import index as I
from ..ops import sort as S
from ..ops.reduce import count
from ..ops._rules import normalize_axis, broadcast_shapes as _sym_broadcast_shapes
from ._base import asarray_or_var, is_traced, ndim, shape, dtype_of, as_var
from . import _shape as _sh
from . import _reductions as _red
from ._elementwise import astype, isnan
from ._more_elementwise import isfinite, floor_divide
from ._windows_and_polys import _no_out, _static_int, _to
from ._indexing import take_fill

__all__ = [
    "take", "choose", "compress", "meshgrid", "indices", "ix_", "unravel_index", "ravel_multi_index",
    "triu_indices", "tril_indices", "diag_indices", "triu_indices_from", "tril_indices_from", "diag_indices_from",
    "allclose", "isclose", "array_equal", "array_equiv",
    "block", "unstack", "vecdot", "matrix_transpose", "permute_dims", "concat", "broadcast_shapes",
    "result_type", "can_cast", "iinfo", "finfo", "dtype", "promote_types", "issubdtype", "apply_along_axis",
    "vectorize"]

_INDEX_MODES = ("raise", "wrap", "clip")


# -- helpers -------------------------------------------------------------------------------------------------
def _check_mode(mode, fname, modes=_INDEX_MODES):
    if mode not in modes:
        raise ValueError(f"{fname}: mode must be one of {modes}, got {mode!r}")


def _as_int64(idx, fname, what="indices"):
    """Integer indices as int64 (so wrapping arithmetic never mixes signed and unsigned types)."""
    dt = dtype_of(idx)
    if dt.kind not in "iub":
        raise TypeError(f"{fname}: {what} must be integers, got dtype {dt}")
    if isinstance(idx, Var):
        return idx if dt == np.int64 else m.convert(idx, dtype=np.dtype("int64"))
    return np.asarray(idx).astype(np.int64)


def _fit_index(idx, n, mode):
    """Apply ``wrap`` or ``clip`` to int64 indices for an axis of size ``n`` (an int or a scalar node)."""
    if mode == "wrap":
        return m.mod(idx, n)
    return m.minimum(m.maximum(idx, 0), n - 1)


def _fail_unless(ok, values):
    """``values`` unchanged, plus a gather of a one-element array at index 0 where ``ok`` and 1 elsewhere:
    the gather raises IndexError at run time wherever ``ok`` is False (numpy raises for these inputs; a
    traced input can only be checked when the compiled function runs)."""
    return values + I.take(const(np.zeros(1, dtype=dtype_of(values))), m.select(ok, 0, 1), axis=0)


# -- gathers -------------------------------------------------------------------------------------------------
def take(a, indices, axis=None, out=None, mode=None, unique_indices=False, indices_are_sorted=False,
         fill_value=None):
    """Elements of ``a`` at ``indices`` along ``axis`` (the flattened array when None). mode 'raise' (the
    default) raises IndexError for an index outside [-n, n); 'wrap' wraps it, 'clip' clamps it to [0, n-1]
    (negative indices clip to 0, as numpy); JAX's 'fill' gives ``fill_value`` there (``_indexing.take_fill``).
    The gradient scatter-adds back to ``a``. ``unique_indices``, ``indices_are_sorted``: JAX's hints, unused."""
    _no_out(out, "take")
    mode = "raise" if mode is None else mode  # NOTE: numpy takes None for its default too
    _check_mode(mode, "take", _INDEX_MODES + ("fill",))
    a, indices = asarray_or_var(a), asarray_or_var(indices)
    if not is_traced(a, indices) and mode != "fill":
        return np.take(a, indices, axis=axis, mode=mode)
    if axis is None:
        a, axis = _sh.ravel(a), 0
    ax = normalize_axis(axis, ndim(a))
    idx = _as_int64(indices, "take")
    if mode == "fill":
        return take_fill(a, idx, ax, fill_value)
    if mode != "raise":
        n = shape(a)[ax]
        if is_known(n) and n == 0 and not any(is_known(d) and d == 0 for d in shape(idx)):
            raise IndexError("take: cannot do a non-empty take from an empty axis")
        idx = _fit_index(idx, count(a, (ax,), np.int64), mode)  # NOTE: plain indices are computed eagerly
    elif not isinstance(idx, Var) and is_known(shape(a)[ax]):
        n = shape(a)[ax]
        bad = idx[(idx >= n) | (idx < -n)]
        if bad.size:
            raise IndexError(f"take: index {bad.flat[0]} is out of bounds for axis {ax} with size {n}")
    return I.take(a, idx if isinstance(idx, Var) else const(idx), axis=ax)


def choose(a, choices, out=None, mode="raise"):
    """``choices[a[i]][i]`` with ``a`` and every choice broadcast together. A traced ``a`` that is out of
    range under mode 'raise' raises IndexError when the function runs (numpy's ValueError is raised for
    concrete ``a``). The gradient flows to the chosen entries."""
    _no_out(out, "choose")
    _check_mode(mode, "choose")
    a = asarray_or_var(a)
    if isinstance(choices, Var):
        choices = [choices[i] for i in range(int(choices.shape[0]))]
    choices = [c if isinstance(c, Var) else np.asarray(asarray_or_var(c)) for c in choices]
    if not is_traced(a, *choices):
        return np.choose(a, choices, mode=mode)
    n = len(choices)
    if n == 0:
        raise ValueError("choose: choices must hold at least one array")
    idx = _as_int64(a, "choose", "the index array a")
    if not isinstance(idx, Var) and mode == "raise" and idx.size and (idx.min() < 0 or idx.max() >= n):
        raise ValueError(f"choose: invalid entry in choice array (entries must be in [0, {n}), got "
                         f"{idx.min() if idx.min() < 0 else idx.max()})")
    if mode == "raise":
        idx = m.select(m.lt(idx, 0), n, idx)  # NOTE: take_along accepts -1 as the last choice; numpy does not
    else:
        idx = _fit_index(idx, n, mode)
    target = _sym_broadcast_shapes(shape(idx), *[shape(c) for c in choices])
    dt = result_type(*choices)
    stacked = _sh.stack([_sh.broadcast_to(as_var(_to(c, dt)), target) for c in choices], axis=0)
    idx = _sh.reshape(_sh.broadcast_to(as_var(idx), target), (1,) + tuple(target))
    return S.take_along(stacked, idx, axis=0)[0]


def compress(condition, a, axis=None, out=None):
    """The slices of ``a`` along ``axis`` where ``condition`` is true. ``condition`` must be concrete: the
    number of true entries is the output's size."""
    _no_out(out, "compress")
    if is_traced(asarray_or_var(condition)):
        raise TypeError("compress: the condition must be concrete (a numpy array or list): the output size "
                        "would depend on traced values; use jnp.where(condition, a, 0) to keep the shape")
    cond = np.asarray(condition)
    if cond.ndim != 1:
        raise ValueError(f"compress: condition must be a 1-d array, got shape {cond.shape}")
    a = asarray_or_var(a)
    if not is_traced(a):
        return np.compress(cond, a, axis=axis)
    if axis is None:
        a, axis = _sh.ravel(a), 0
    ax = normalize_axis(axis, ndim(a))
    picked = np.nonzero(cond)[0]
    n = int(shape(a)[ax])
    if picked.size and picked[-1] >= n:
        raise IndexError(f"compress: index {picked[-1]} is out of bounds for axis {ax} with size {n} (the "
                         f"condition has {cond.size} entries)")
    return I.take(a, const(picked.astype(np.int64)), axis=ax)


# -- grids and index helpers --------------------------------------------------------------------------------
def meshgrid(*xi, copy=True, sparse=False, indexing="xy"):
    """Coordinate arrays from 1-D coordinate vectors (inputs are flattened); 'xy' swaps the first two axes
    of the outputs (Cartesian), 'ij' does not (matrix). ``sparse`` keeps the broadcastable shapes."""
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}")
    xs = [asarray_or_var(x) for x in xi]
    if not is_traced(*xs):
        return np.meshgrid(*xs, copy=copy, sparse=sparse, indexing=indexing)
    nd = len(xs)
    flat = [_sh.ravel(as_var(x)) for x in xs]
    out = []
    for i, x in enumerate(flat):
        pos = 1 - i if indexing == "xy" and nd > 1 and i < 2 else i
        out.append(_sh.reshape(x, tuple(shape(x)[0] if k == pos else 1 for k in range(nd))))
    return tuple(out if sparse else _sh.broadcast_arrays(*out))


def indices(dimensions, dtype=int, sparse=False):
    """The index grid of a shape (a constant)."""
    dims = tuple(_static_int(d, "dimensions", "indices") for d in dimensions)
    return np.indices(dims, dtype=dtype, sparse=sparse)


def ix_(*args):
    """Open-mesh index arrays: the k-th 1-D sequence reshaped to have its length on axis k. Boolean
    sequences become the indices of their true entries, so they must be concrete."""
    seqs = [asarray_or_var(a) for a in args]
    if not is_traced(*seqs):
        return np.ix_(*seqs)
    nd, out = len(seqs), []
    for k, s in enumerate(seqs):
        if ndim(s) != 1:
            raise ValueError(f"ix_: cross index must be 1 dimensional, argument {k} has shape {shape(s)}")
        if dtype_of(s) == np.bool_:
            if isinstance(s, Var):
                raise TypeError(f"ix_: argument {k} is a traced boolean mask, whose true count sets the "
                                "shape; pass it concrete or pass integer indices")
            s = np.nonzero(s)[0]
        if dtype_of(s).kind not in "iu":
            raise TypeError(f"ix_: cross index must be integers or booleans, argument {k} has dtype "
                            f"{dtype_of(s)}")
        out.append(_sh.reshape(s, tuple(shape(s)[0] if i == k else 1 for i in range(nd))))
    return tuple(out)


def _dims(shape_arg, fname):
    dims = (shape_arg,) if isinstance(shape_arg, (int, np.integer, Sym)) else tuple(shape_arg)
    dims = tuple(_static_int(d, "shape", fname) for d in dims)
    if any(d < 0 for d in dims):
        raise ValueError(f"{fname}: dimensions must be non-negative, got {dims}")
    return dims


def _strides(dims, order, fname):
    if order not in ("C", "F"):
        raise ValueError(f"{fname}: order must be 'C' or 'F', got {order!r}")
    axes = range(len(dims) - 1, -1, -1) if order == "C" else range(len(dims))
    strides, step = [0] * len(dims), 1
    for a in axes:
        strides[a], step = step, step * dims[a]
    return strides


def unravel_index(indices, shape, order="C"):
    """The coordinates in an array of ``shape`` of flat ``indices`` (a tuple of int64 arrays). A traced index
    outside [0, prod(shape)) raises IndexError when the function runs (numpy's ValueError is raised for
    concrete indices)."""
    dims = _dims(shape, "unravel_index")
    idx = asarray_or_var(indices)
    if not is_traced(idx):
        return np.unravel_index(idx, dims, order=order)
    strides = _strides(dims, order, "unravel_index")
    idx = _as_int64(idx, "unravel_index")
    total = int(np.prod(dims))
    idx = _fail_unless(m.logical_and(m.ge(idx, 0), m.lt(idx, total)), idx)
    # NOTE: with a zero dim every index fails the check above; skipping its mod avoids an integer mod by 0
    return tuple(m.mod(floor_divide(idx, s), d) if d else idx * 0 for s, d in zip(strides, dims))


def ravel_multi_index(multi_index, dims, mode="raise", order="C"):
    """Flat indices of coordinate arrays in an array of shape ``dims``; ``mode`` (one, or one per axis) is
    'raise', 'wrap' or 'clip'. A traced coordinate out of range under 'raise' raises IndexError when the
    function runs (numpy's ValueError is raised for concrete ones)."""
    dims = _dims(dims, "ravel_multi_index")
    coords = [asarray_or_var(c) for c in multi_index]
    if not is_traced(*coords):
        return np.ravel_multi_index(tuple(coords), dims, mode=mode, order=order)
    if len(coords) != len(dims):
        raise ValueError(f"ravel_multi_index: parameter multi_index must be a sequence of length {len(dims)}, "
                         f"got {len(coords)}")
    modes = (mode,) * len(dims) if isinstance(mode, str) else tuple(mode)
    if len(modes) != len(dims):
        raise ValueError(f"ravel_multi_index: {len(modes)} modes for {len(dims)} dimensions")
    strides = _strides(dims, order, "ravel_multi_index")
    flat, ok = 0, True
    for k, (c, d, md, s) in enumerate(zip(coords, dims, modes, strides)):
        _check_mode(md, "ravel_multi_index")
        c = _as_int64(c, "ravel_multi_index", f"multi_index[{k}]")
        if md == "raise" and not isinstance(c, Var):
            if c.size and (c.min() < 0 or c.max() >= d):
                raise ValueError(f"ravel_multi_index: invalid entry in coordinates array (multi_index[{k}] "
                                 f"must be in [0, {d}))")
        elif md == "raise":
            inside = m.logical_and(m.ge(c, 0), m.lt(c, d))
            ok = inside if ok is True else m.logical_and(ok, inside)
        else:
            c = _fit_index(c, d, md)
        flat = c * s + flat
    flat = _to(flat, np.dtype("int64"))
    return flat if ok is True else _fail_unless(ok, flat)


def triu_indices(n, k=0, m=None):
    return np.triu_indices(_static_int(n, "n", "triu_indices"), k, m)


def tril_indices(n, k=0, m=None):
    return np.tril_indices(_static_int(n, "n", "tril_indices"), k, m)


def diag_indices(n, ndim=2):
    return np.diag_indices(_static_int(n, "n", "diag_indices"), ndim)


def _matrix_dims(arr, fname):
    arr = asarray_or_var(arr)
    if ndim(arr) != 2:
        raise ValueError(f"{fname}: input array must be 2-d, got shape {shape(arr)}")
    return int(shape(arr)[0]), int(shape(arr)[1])  # NOTE: reading the sizes specializes a compiled trace


def triu_indices_from(arr, k=0):
    rows, cols = _matrix_dims(arr, "triu_indices_from")
    return np.triu_indices(rows, k, cols)


def tril_indices_from(arr, k=0):
    rows, cols = _matrix_dims(arr, "tril_indices_from")
    return np.tril_indices(rows, k, cols)


def diag_indices_from(arr):
    arr = asarray_or_var(arr)
    if ndim(arr) < 2:
        raise ValueError("diag_indices_from: input must be at least 2-d")
    dims = [int(d) for d in shape(arr)]
    if len(set(dims)) != 1:
        raise ValueError(f"diag_indices_from: all dimensions of input must be of equal length, got {dims}")
    return np.diag_indices(dims[0], len(dims))


# -- whole-array comparisons (boolean results, no gradient) ------------------------------------------------------
def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """|a - b| <= atol + rtol * |b| elementwise (numpy's formula, so it is not symmetric in a and b)."""
    x, y = asarray_or_var(a), asarray_or_var(b)
    if not is_traced(x, y, rtol, atol):
        return np.isclose(x, y, rtol=rtol, atol=atol, equal_nan=equal_nan)
    if isinstance(y, int):
        y = float(y)
    elif not isinstance(y, (float, complex)) and dtype_of(y).kind not in "fc":
        y = _to(y, np.result_type(dtype_of(y), 1.0))
    rtol, atol = asarray_or_var(rtol), asarray_or_var(atol)
    close = m.logical_or(m.logical_and(m.le(m.abs_(x - y), atol + rtol * m.abs_(y)), isfinite(y)), m.eq(x, y))
    if equal_nan:
        close = m.logical_or(close, m.logical_and(isnan(x), isnan(y)))
    return close


def _all_true(mask):
    """True when no entry is False; a sum of the misses, so an empty array gives True (min has no identity)."""
    misses = _red.sum(astype(m.logical_not(mask), np.int64))
    return m.eq(misses, 0)


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether isclose holds everywhere: a Python bool for plain arrays, a traced boolean otherwise."""
    if not is_traced(asarray_or_var(a), asarray_or_var(b), rtol, atol):
        return np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)
    return _all_true(isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))


def _same_size(d1, d2):
    # NOTE: two different symbolic sizes may still be equal: read them (compile retraces with sizes).
    return True if dims_equal(d1, d2) else int(d1) == int(d2)


def array_equal(a1, a2, equal_nan=False):
    """Same shape and same elements (NaNs equal when ``equal_nan``). A shape mismatch gives False."""
    x, y = asarray_or_var(a1), asarray_or_var(a2)
    if not is_traced(x, y):
        return np.array_equal(x, y, equal_nan=equal_nan)
    sx, sy = shape(x), shape(y)
    if len(sx) != len(sy) or not all(_same_size(p, q) for p, q in zip(sx, sy)):
        return np.False_
    same = m.eq(x, y)
    if equal_nan and (dtype_of(x).kind in "fc" or dtype_of(y).kind in "fc"):
        same = m.logical_or(same, m.logical_and(isnan(x), isnan(y)))
    return _all_true(same)


def array_equiv(a1, a2):
    """Shapes that broadcast together and equal elements; shapes that do not broadcast give False."""
    x, y = asarray_or_var(a1), asarray_or_var(a2)
    if not is_traced(x, y):
        return np.array_equiv(x, y)
    for p, q in zip(reversed(shape(x)), reversed(shape(y))):
        if not (dims_equal(p, q) or (is_known(p) and p == 1) or (is_known(q) and q == 1)):
            p, q = int(p), int(q)
            if p != q and p != 1 and q != 1:
                return np.False_
    return _all_true(m.eq(x, y))


# -- numpy 2 array-API names ---------------------------------------------------------------------------------
def _contains_var(x):
    return isinstance(x, Var) or (isinstance(x, (list, tuple)) and any(_contains_var(e) for e in x))


def _block_depth(x, where):
    if isinstance(x, tuple):
        raise TypeError(f"block: {where} is a tuple; only lists can be used to arrange blocks")
    if not isinstance(x, list):
        return 0, ndim(asarray_or_var(x))
    if not x:
        raise ValueError(f"block: list {where} cannot be empty")
    found = [_block_depth(e, f"{where}[{i}]") for i, e in enumerate(x)]
    depths = {d for d, _ in found}
    if len(depths) > 1:
        raise ValueError(f"block: list depths are mismatched inside {where} (depths {sorted(depths)})")
    return depths.pop() + 1, max(n for _, n in found)


def _assemble(x, depth, nd):
    if depth == 0:
        x = asarray_or_var(x)
        return _sh.reshape(x, (1,) * (nd - ndim(x)) + tuple(shape(x)))
    return _sh.concatenate([_assemble(e, depth - 1, nd) for e in x], axis=-depth)


def block(arrays):
    """Assemble an array from nested lists of blocks: the innermost lists join along the last axis, the next
    ones along the one before, and blocks are padded with leading 1s to a common rank."""
    if not _contains_var(arrays):
        return np.block(arrays)
    depth, leaf_ndim = _block_depth(arrays, "arrays")
    return _assemble(arrays, depth, max(depth, leaf_ndim))


def unstack(x, /, *, axis=0):
    """The slices of ``x`` along ``axis``, as a tuple (numpy 2.1's inverse of stack)."""
    x = asarray_or_var(x)
    if ndim(x) == 0:
        raise ValueError("unstack: input array must be at least 1-d")
    if not is_traced(x):
        return tuple(np.moveaxis(x, axis, 0))  # NOTE: np.unstack is numpy >= 2.1
    ax = normalize_axis(axis, ndim(x))
    return tuple(x[(slice(None),) * ax + (i,)] for i in range(int(shape(x)[ax])))


def vecdot(x1, x2, /, *, axis=-1):
    """sum(conj(x1) * x2) over ``axis`` of each operand, the other axes broadcast (numpy 2's gufunc)."""
    from ._einsum import einsum
    from ._complex import conj
    x1, x2 = asarray_or_var(x1), asarray_or_var(x2)
    if not is_traced(x1, x2):
        return np.vecdot(x1, x2, axis=axis)
    if ndim(x1) == 0 or ndim(x2) == 0:
        raise ValueError("vecdot: both operands need at least one dimension (the one that is summed)")
    x1 = _sh.moveaxis(x1, normalize_axis(axis, ndim(x1)), -1)
    x2 = _sh.moveaxis(x2, normalize_axis(axis, ndim(x2)), -1)
    n1, n2 = shape(x1)[-1], shape(x2)[-1]
    if is_known(n1) and is_known(n2) and n1 != n2:
        raise ValueError(f"vecdot: the summed axes differ in size ({n1} and {n2})")
    return einsum("...i,...i->...", conj(x1), x2)


def matrix_transpose(x, /):
    """Swap the last two axes."""
    x = asarray_or_var(x)
    if ndim(x) < 2:
        raise ValueError(f"matrix_transpose: input array must be at least 2-dimensional, got shape {shape(x)}")
    return np.matrix_transpose(x) if not is_traced(x) else _sh.swapaxes(x, -1, -2)


def permute_dims(a, /, axes=None):
    """numpy 2's name for transpose."""
    a = asarray_or_var(a)
    return np.permute_dims(a, axes) if not is_traced(a) else _sh.transpose(a, axes)


def concat(arrays, /, axis=0, out=None, *, dtype=None, casting="same_kind"):
    """numpy 2's name for concatenate (axis=None flattens first); ``dtype`` casts the result."""
    _no_out(out, "concat")
    if casting != "same_kind":
        raise ValueError(f"concat: only casting='same_kind' is supported, got {casting!r}")
    joined = _sh.concatenate(arrays, axis=axis)
    return joined if dtype is None else astype(joined, dtype)


# -- dtype utilities -----------------------------------------------------------------------------------------
_WEAK_STANDIN = {"b": False, "i": 0, "u": 0, "f": 0.0, "c": 0j}


def _dtype_like(x):
    """What numpy's dtype functions should see for ``x``: a traced value by its dtype (a weak one, from a
    Python scalar, as that scalar's kind), anything else unchanged."""
    if isinstance(x, Var):
        return _WEAK_STANDIN[x.dtype.kind] if x.type.weak else x.dtype
    return x


def broadcast_shapes(*shapes):
    """The broadcast shape of the given shapes (ints or tuples; symbolic sizes of traced values allowed).
    Raises ValueError when they do not broadcast."""
    shapes = [(s,) if isinstance(s, (int, np.integer, Sym)) else tuple(s) for s in shapes]
    if all(is_known(d) for s in shapes for d in s):
        return np.broadcast_shapes(*shapes)
    return _sym_broadcast_shapes(*shapes)


def result_type(*arrays_and_dtypes):
    """numpy's result_type, where a traced value counts as an array of its dtype."""
    return np.result_type(*[_dtype_like(x) for x in arrays_and_dtypes])


def can_cast(from_, to, casting="safe"):
    return np.can_cast(_dtype_like(from_), to, casting=casting)


def iinfo(int_type):
    return np.iinfo(_dtype_like(int_type))


def finfo(dtype):
    return np.finfo(_dtype_like(dtype))


def issubdtype(arg1, arg2):
    return np.issubdtype(_dtype_like(arg1), _dtype_like(arg2))


dtype = np.dtype
promote_types = np.promote_types


# -- calling the user's function on traced values ---------------------------------------------------------------
def apply_along_axis(func1d, axis, arr, *args, **kwargs):
    """``func1d`` applied to every 1-D slice of ``arr`` along ``axis``; its result's dimensions replace that
    axis. Traced values are mapped with ``vmap`` (one batched call, so ``func1d`` must be built of jnp
    operations, with no Python branching on values); plain arrays use numpy's loop."""
    arr = asarray_or_var(arr)
    if not is_traced(arr, *args, *kwargs.values()):
        return np.apply_along_axis(func1d, axis, arr, *args, **kwargs)
    from ..api import vmap
    ax = normalize_axis(axis, ndim(arr))
    rows = _sh.moveaxis(arr, ax, -1)
    fn = lambda row: asarray_or_var(func1d(row, *args, **kwargs))  # noqa: E731
    for _ in range(ndim(arr) - 1):
        fn = vmap(fn)
    out = asarray_or_var(fn(rows))
    res_nd = ndim(out) - (ndim(arr) - 1)
    return _sh.moveaxis(out, tuple(range(ndim(arr) - 1, ndim(out))), tuple(range(ax, ax + res_nd)))


class vectorize:
    """numpy's vectorize. On traced values the function is mapped with ``vmap`` over the broadcast loop
    dimensions (all but the core dimensions of ``signature``): it is traced once, so it must be built of jnp
    operations, with no Python branching on values. Plain arrays use numpy's element loop. ``excluded``
    arguments are passed through; ``otypes`` casts the outputs."""

    def __init__(self, pyfunc=None, otypes=None, doc=None, excluded=None, cache=False, signature=None):
        self.pyfunc, self.otypes, self.signature = pyfunc, otypes, signature
        self.excluded, self.cache = set(excluded or ()), cache
        self.__doc__ = doc if doc is not None else getattr(pyfunc, "__doc__", None)
        self._cores = _parse_signature(signature) if signature is not None else None

    def __call__(self, *args, **kwargs):
        if self.pyfunc is None:  # NOTE: @vectorize(signature=...) without pyfunc is a decorator (numpy 2.1)
            (fn,) = args
            return vectorize(fn, self.otypes, self.__doc__, self.excluded, self.cache, self.signature)
        keys = [i for i in range(len(args)) if i not in self.excluded] + [k for k in kwargs if k not in self.excluded]
        values = [asarray_or_var(args[k] if isinstance(k, int) else kwargs[k]) for k in keys]
        if not is_traced(*values, *args, *kwargs.values()):
            return np.vectorize(self.pyfunc, self.otypes, self.__doc__, self.excluded, self.cache,
                                self.signature)(*args, **kwargs)
        from ..api import vmap
        in_cores, out_cores = self._cores or ([()] * len(keys), None)
        if len(in_cores) != len(keys):
            raise TypeError(f"vectorize: the signature {self.signature!r} takes {len(in_cores)} vectorized "
                            f"arguments, got {len(keys)}")
        loops, sizes = [], {}
        for k, v, core in zip(keys, values, in_cores):
            if ndim(v) < len(core):
                raise ValueError(f"vectorize: argument {k!r} has {ndim(v)} dimensions, but its core dimensions "
                                 f"{core} need at least {len(core)}")
            for name, d in zip(core, shape(v)[ndim(v) - len(core):]):
                if not _same_size(sizes.setdefault(name, d), d):
                    raise ValueError(f"vectorize: inconsistent size for core dimension {name!r}: "
                                     f"{sizes[name]} and {d}")
            loops.append(tuple(shape(v)[:ndim(v) - len(core)]))
        loop = broadcast_shapes(*loops)
        values = [_sh.broadcast_to(as_var(v), tuple(loop) + tuple(shape(v)[len(lp):])) for v, lp in zip(values, loops)]

        def call(*mapped):
            a, kw = list(args), dict(kwargs)
            for k, v in zip(keys, mapped):
                if isinstance(k, int):
                    a[k] = v
                else:
                    kw[k] = v
            return self.pyfunc(*a, **kw)
        for _ in loop:
            call = vmap(call)
        out = call(*values)
        if out_cores is not None and len(out_cores) != 1 and not isinstance(out, tuple):
            raise ValueError(f"vectorize: the signature {self.signature!r} has {len(out_cores)} outputs, the "
                             "function returned one")
        if self.otypes is None:
            return out
        dts = [np.dtype(t) for t in self.otypes]
        return tuple(astype(o, t) for o, t in zip(out, dts)) if isinstance(out, tuple) else astype(out, dts[0])


def _parse_signature(signature):
    """'(m,n),(n)->(m)' -> ([('m', 'n'), ('n',)], [('m',)])."""
    group = r"\((?:\w+(?:,\w+)*)?\)"
    text = signature.replace(" ", "")
    if not re.fullmatch(rf"{group}(?:,{group})*->{group}(?:,{group})*", text):
        raise ValueError(f"vectorize: not a valid gufunc signature: {signature!r}")
    return [[tuple(g.split(",")) if g else () for g in re.findall(r"\(([^)]*)\)", side)]
            for side in text.split("->")]


from ._windows_and_polys import *  # noqa: E402,F401,F403
from . import _windows_and_polys as _wp  # noqa: E402

__all__ += _wp.__all__
