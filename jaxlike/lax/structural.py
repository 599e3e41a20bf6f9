"""``jax.lax``'s structural operations (re-exported by ``jaxlike.lax``): broadcast, broadcast_in_dim,
concatenate, dot, dot_general, expand_dims, full, full_like, iota, broadcasted_iota, pad (interior and negative
padding), reshape, rev, slice, slice_in_dim, index_in_dim, squeeze, transpose, collapse, select_n.

Each builds on ``jaxlike.numpy`` (reshape/transpose/broadcast/slice/concatenate and einsum), so everything is
linear in the data and differentiates exactly. Arguments are checked as lax checks them (same dtypes, explicit
shapes and dimension lists, bounds) and a bad one raises naming the argument, what was expected and what came.
Sizes a result depends on (a padded or sliced length) are read as ints, which under ``compile`` specializes the
trace to concrete shapes (automatic). A front-end module: imports core, ops and jaxlike.numpy."""

import builtins
import operator

import numpy as np

from ..core.graph import Var
from ..core.errors import user_frame, where as _at
from ..core.types import canonical_dtype
from ..ops._rules import normalize_axis
from .. import numpy as jnp
from .elementwise import operands, _array, _dtype, _is_python_scalar, _is_weak, _weak_to

__all__ = ["broadcast", "broadcast_in_dim", "concatenate", "dot", "dot_general", "expand_dims", "full",
           "full_like", "iota", "broadcasted_iota", "pad", "reshape", "rev", "slice", "slice_in_dim",
           "index_in_dim", "squeeze", "transpose", "collapse", "select_n"]


def _here():
    return _at(user_frame())


def _arr(x, fname, pos=0):
    x = _array(x, fname, pos)
    return np.asarray(x) if _is_python_scalar(x) else x


def _shape(x):
    return tuple(jnp.shape(x))


def _sizes(x):
    # NOTE: int() of a symbolic size raises ConcretizationError; compile() then retraces with concrete sizes
    return tuple(int(d) for d in _shape(x))


def _compatible(a, b):
    """Equal shapes, as far as they are known: symbolic sizes (traced) are checked when the graph runs."""
    return len(a) == len(b) and all(not (isinstance(x, int) and isinstance(y, int)) or x == y for x, y in zip(a, b))


def _ints(seq, fname, what):
    try:
        return tuple(operator.index(d) for d in seq)
    except TypeError:
        raise TypeError(f"lax.{fname}: {what} must be a sequence of integers, got {seq!r}{_here()}") from None


def _dims(dims, n, fname, what):
    dims = _ints(dims, fname, what)
    for d in dims:
        if not -n <= d < n:
            raise ValueError(f"lax.{fname}: {what} {dims} has {d}, out of range for rank {n}{_here()}")
    out = tuple(d % n for d in dims)
    if len(set(out)) != len(out):
        raise ValueError(f"lax.{fname}: {what} {dims} repeats a dimension{_here()}")
    return out


def broadcast(operand, sizes, sharding=None):
    """``operand`` broadcast to ``tuple(sizes) + operand.shape`` (new leading dimensions)."""
    x = _arr(operand, "broadcast")
    sizes = _ints(sizes, "broadcast", "sizes")
    return jnp.broadcast_to(x, sizes + _shape(x))


def broadcast_in_dim(operand, shape, broadcast_dimensions, sharding=None):
    """``operand`` placed in a result of ``shape``: its dimension i becomes result dimension
    ``broadcast_dimensions[i]`` (strictly increasing), of the same size or of size 1."""
    x = _arr(operand, "broadcast_in_dim")
    shape = _ints(shape, "broadcast_in_dim", "shape")
    bdims = _ints(broadcast_dimensions, "broadcast_in_dim", "broadcast_dimensions")
    xs = _shape(x)
    if len(bdims) != len(xs):
        raise TypeError(f"lax.broadcast_in_dim: broadcast_dimensions {bdims} must have one entry per operand "
                        f"dimension, operand shape {xs}{_here()}")
    if any(not 0 <= d < len(shape) for d in bdims) or any(a >= b for a, b in zip(bdims, bdims[1:])):
        raise TypeError(f"lax.broadcast_in_dim: broadcast_dimensions {bdims} must be strictly increasing and in "
                        f"range for the target shape {shape}{_here()}")
    for i, d in enumerate(bdims):
        if not (xs[i] == 1 or xs[i] == shape[d]):
            raise TypeError(f"lax.broadcast_in_dim operand dimension sizes must either be 1, or be equal to their "
                            f"corresponding dimensions in the target broadcast shape; got operand of shape {xs}, "
                            f"target broadcast shape {shape}, broadcast_dimensions {bdims}{_here()}")
    placed = [1] * len(shape)
    for i, d in enumerate(bdims):
        placed[d] = xs[i]
    return jnp.broadcast_to(jnp.reshape(x, tuple(placed)), shape)


def concatenate(operands, dimension):
    """The operands (one dtype, one rank, equal sizes but along ``dimension``) joined along ``dimension``."""
    if not isinstance(operands, (list, tuple)) or not operands:
        raise TypeError(f"lax.concatenate: operands must be a non-empty sequence of arrays, got {operands!r}"
                        + _here())
    xs = [_arr(x, "concatenate", i) for i, x in enumerate(operands)]
    dts = {_dtype(x) for x in xs}
    if len(dts) > 1:
        raise TypeError("lax.concatenate requires arguments to have the same dtypes, got "
                        + ", ".join(str(_dtype(x)) for x in xs) + " (jnp.concatenate promotes)" + _here())
    ranks = {len(_shape(x)) for x in xs}
    if len(ranks) > 1 or 0 in ranks:
        raise TypeError("lax.concatenate: operands must have one rank of at least 1, got shapes "
                        + ", ".join(str(_shape(x)) for x in xs) + _here())
    dim = operator.index(dimension)
    if not 0 <= dim < ranks.pop():
        raise ValueError(f"lax.concatenate: dimension {dim} out of range for shapes "
                         + ", ".join(str(_shape(x)) for x in xs) + _here())
    return jnp.concatenate(xs, axis=dim)


def _letters(n, start):
    return [chr(ord("a") + start + i) for i in range(n)]


def dot_general(lhs, rhs, dimension_numbers, precision=None, preferred_element_type=None, out_sharding=None):
    """The general tensor contraction: ``dimension_numbers = ((lhs_contract, rhs_contract), (lhs_batch,
    rhs_batch))``. The result's dimensions are the batch ones, then lhs's free ones, then rhs's free ones.
    Operands of different dtypes promote (as in JAX); ``preferred_element_type`` sets the dtype they are
    computed and returned in (int8 operands accumulated as int32). ``precision`` is accepted and ignored
    (jaxlike computes in the operands' precision)."""
    x, y = _arr(lhs, "dot_general", 0), _arr(rhs, "dot_general", 1)
    try:
        (lc, rc), (lb, rb) = dimension_numbers
    except (TypeError, ValueError):
        raise TypeError(f"lax.dot_general: dimension_numbers must be ((lhs_contracting, rhs_contracting), "
                        f"(lhs_batch, rhs_batch)), got {dimension_numbers!r}{_here()}") from None
    xs, ys = _shape(x), _shape(y)
    lc, lb = _dims(lc, len(xs), "dot_general", "lhs contracting dimensions"), _dims(lb, len(xs), "dot_general",
                                                                                   "lhs batch dimensions")
    rc, rb = _dims(rc, len(ys), "dot_general", "rhs contracting dimensions"), _dims(rb, len(ys), "dot_general",
                                                                                   "rhs batch dimensions")
    if len(lc) != len(rc) or len(lb) != len(rb) or set(lc) & set(lb) or set(rc) & set(rb):
        raise TypeError(f"lax.dot_general: dimension_numbers {dimension_numbers!r} must pair as many lhs as rhs "
                        f"dimensions, with no dimension both contracting and batch{_here()}")
    for what, a, b in (("contracting", lc, rc), ("batch", lb, rb)):
        for i, j in zip(a, b):
            # NOTE: symbolic sizes (traced) are checked by einsum's shape rule and when the graph runs
            if isinstance(xs[i], int) and isinstance(ys[j], int) and xs[i] != ys[j]:
                raise TypeError(f"lax.dot_general requires {what} dimensions to have the same shape, got "
                                f"lhs dimension {i} of size {xs[i]} and rhs dimension {j} of size {ys[j]} "
                                f"(shapes {xs}, {ys}){_here()}")
    dt = np.result_type(_dtype(x), _dtype(y))
    if preferred_element_type is not None:
        dt = canonical_dtype(preferred_element_type, "lax.dot_general preferred_element_type")
    out_bool = dt == np.bool_
    compute = np.dtype(np.int32) if out_bool else dt
    x, y = jnp.astype(x, compute), jnp.astype(y, compute)
    lx = _letters(len(xs), 0)
    ly = [None] * len(ys)
    for i, j in zip(lc + lb, rc + rb):
        ly[j] = lx[i]
    fresh = iter(_letters(len(ys), len(xs)))
    ly = [c if c is not None else next(fresh) for c in ly]
    free_x = [lx[i] for i in range(len(xs)) if i not in lc and i not in lb]
    free_y = [ly[j] for j in range(len(ys)) if j not in rc and j not in rb]
    spec = f"{''.join(lx)},{''.join(ly)}->{''.join([lx[i] for i in lb] + free_x + free_y)}"
    out = jnp.einsum(spec, x, y)
    return out != 0 if out_bool else jnp.astype(out, dt)


def dot(lhs, rhs, precision=None, preferred_element_type=None, out_sharding=None):
    """Vector-vector, matrix-vector or matrix-matrix product (other ranks: use dot_general)."""
    x, y = _arr(lhs, "dot", 0), _arr(rhs, "dot", 1)
    nx, ny = len(_shape(x)), len(_shape(y))
    if nx not in (1, 2) or ny not in (1, 2):
        raise ValueError(f"lax.dot: dimension_numbers must be specified when not performing simple un-batched "
                         f"matrix-matrix, matrix-vector, or vector-vector products; got lhs_shape={_shape(x)} "
                         f"rhs_shape={_shape(y)} (use lax.dot_general){_here()}")
    return dot_general(x, y, (((nx - 1,), (0,)), ((), ())), precision, preferred_element_type)


def expand_dims(array, dimensions):
    """``array`` with size-1 dimensions inserted at ``dimensions`` (positions in the result)."""
    x = _arr(array, "expand_dims")
    dims = _dims(dimensions, len(_shape(x)) + len(dimensions), "expand_dims", "dimensions")
    return jnp.expand_dims(x, dims)


def full(shape, fill_value, dtype=None, *, sharding=None):
    """An array of ``shape`` filled with ``fill_value`` (a scalar; its dtype unless ``dtype`` is given)."""
    shape = _ints(shape if isinstance(shape, (tuple, list)) else (shape,), "full", "shape")
    if any(d < 0 for d in shape):
        raise TypeError(f"lax.full: shape {shape} has a negative size{_here()}")
    if jnp.ndim(fill_value) != 0:
        raise TypeError(f"lax.full: fill_value must be a scalar, got shape {_shape(fill_value)}{_here()}")
    return jnp.full(shape, fill_value, dtype)


def full_like(x, fill_value, dtype=None, shape=None, sharding=None):
    """Like ``x`` (its shape and dtype unless ``shape``/``dtype`` are given) filled with ``fill_value``."""
    x = _arr(x, "full_like")
    dt = _dtype(x) if dtype is None else canonical_dtype(dtype, "lax.full_like dtype")
    if shape is None:
        return jnp.full_like(x, fill_value, dt)
    return full(shape, jnp.astype(_arr(fill_value, "full_like", 1), dt) if isinstance(fill_value, Var)
                else np.asarray(fill_value, dtype=dt), dt)


def iota(dtype, size, dimension=0, sharding=None):
    """0, 1, ..., size - 1 in ``dtype`` (a constant; for a length computed in the graph, use jnp.arange)."""
    dt = canonical_dtype(dtype, "lax.iota dtype")
    size = operator.index(size)
    if size < 0:
        raise TypeError(f"lax.iota: size must be non-negative, got {size}{_here()}")
    return np.arange(size).astype(dt)


def broadcasted_iota(dtype, shape, dimension, sharding=None):
    """The positions along ``dimension``, broadcast to ``shape``."""
    shape = _ints(shape, "broadcasted_iota", "shape")
    (dim,) = _dims((dimension,), len(shape), "broadcasted_iota", "dimension")
    return broadcast_in_dim(iota(dtype, shape[dim]), shape, (dim,))


def pad(operand, padding_value, padding_config):
    """``operand`` padded per dimension by ``(low, high, interior)``: ``interior`` copies of ``padding_value``
    between neighbours, then ``low``/``high`` at the ends, where a negative ``low``/``high`` removes elements
    instead. Differentiable in both the operand and the (scalar) padding value."""
    x = _arr(operand, "pad")
    v = _array(padding_value, "pad", 1)
    v = _weak_to(v, _dtype(x), "pad", 1) if _is_weak(v) else v
    if _dtype(v) != _dtype(x):
        raise TypeError(f"lax.pad operand and padding_value must be same dtype: got {_dtype(x)} and {_dtype(v)}"
                        + _here())
    if jnp.ndim(v) != 0:
        raise TypeError(f"lax.pad: padding_value must be a scalar, got shape {_shape(v)}{_here()}")
    config = [tuple(c) for c in padding_config]
    nd = len(_shape(x))
    if len(config) != nd or any(len(c) != 3 for c in config):
        raise ValueError(f"lax.pad: padding_config must have one (low, high, interior) triple per dimension "
                         f"({nd}), got {padding_config!r}{_here()}")
    config = [_ints(c, "pad", "padding_config entries") for c in config]
    if any(c[2] < 0 for c in config):
        raise ValueError(f"lax.pad: interior padding in padding_config must be nonnegative, got padding_config "
                         f"{padding_config!r}{_here()}")
    if all(c == (0, 0, 0) for c in config):
        return x
    from .windows import pad_dilate
    # NOTE: sizes stay symbolic unless a negative low/high could remove more than there is: that check needs
    # concrete sizes (compile() then specializes), as does an empty dimension (no neighbours to pad between)
    sizes = _sizes(x) if any(lo < 0 or hi < 0 for lo, hi, _ in config) else _shape(x)
    if all(isinstance(n, int) for n in sizes):
        out_sizes = tuple(lo + hi + n + max(n - 1, 0) * k for n, (lo, hi, k) in zip(sizes, config))
        if any(s < 0 for s in out_sizes):
            raise ValueError(f"lax.pad: dimension size after padding is not at least 0, got result shape "
                             f"{out_sizes}, for padding_config {padding_config!r} and operand shape {sizes}{_here()}")
    out = x
    for ax, (lo, hi, k) in enumerate(config):
        if isinstance(sizes[ax], int) and sizes[ax] == 0:
            shp = list(_shape(out))
            shp[ax] = lo + hi
            out = jnp.broadcast_to(jnp.reshape(v, (1,) * nd), tuple(shp)) if shp[ax] else out
        else:
            out = pad_dilate(out, v, [(0, 0, 1)] * ax + [(lo, hi, k + 1)] + [(0, 0, 1)] * (nd - ax - 1))
    return out


def reshape(operand, new_sizes, dimensions=None, sharding=None):
    """``operand`` (its dimensions first permuted by ``dimensions``, if given) in the shape ``new_sizes``."""
    x = _arr(operand, "reshape")
    new_sizes = _ints(new_sizes, "reshape", "new_sizes")
    if any(d < 0 for d in new_sizes):
        raise TypeError(f"lax.reshape: new_sizes must all be non-negative, got {new_sizes} (lax infers no -1)"
                        + _here())
    if dimensions is not None:
        perm = _dims(dimensions, len(_shape(x)), "reshape", "dimensions")
        if len(perm) != len(_shape(x)):
            raise TypeError(f"lax.reshape: dimensions {dimensions} must be a permutation of the operand's "
                            f"{len(_shape(x))} dimensions{_here()}")
        x = jnp.transpose(x, perm)
    n = int(np.prod(_sizes(x), dtype=np.int64))
    if int(np.prod(new_sizes, dtype=np.int64)) != n:
        raise TypeError(f"lax.reshape: new_sizes {new_sizes} hold {int(np.prod(new_sizes))} elements, the operand "
                        f"(shape {_sizes(x)}) holds {n}{_here()}")
    return jnp.reshape(x, new_sizes)


def rev(operand, dimensions):
    """``operand`` reversed along each of ``dimensions``."""
    x = _arr(operand, "rev")
    dims = _dims(dimensions, len(_shape(x)), "rev", "dimensions")
    return jnp.flip(x, dims) if dims else x


def slice(operand, start_indices, limit_indices, strides=None):
    """``operand[start:limit:stride]`` per dimension; indices must satisfy 0 <= start <= limit <= size."""
    x = _arr(operand, "slice")
    nd = len(_shape(x))
    start = _ints(start_indices, "slice", "start_indices")
    limit = _ints(limit_indices, "slice", "limit_indices")
    strides = (1,) * nd if strides is None else _ints(strides, "slice", "strides")
    if not len(start) == len(limit) == len(strides) == nd:
        raise TypeError(f"lax.slice: start_indices {start}, limit_indices {limit} and strides {strides} must each "
                        f"have one entry per dimension of the operand (rank {nd}){_here()}")
    sizes = _sizes(x)
    for d, (s, e, k, n) in enumerate(zip(start, limit, strides, sizes)):
        if not 0 <= s <= e <= n or k < 1:
            raise TypeError(f"lax.slice: dimension {d} (size {n}) needs 0 <= start <= limit <= size and a stride >= "
                            f"1, got start {s}, limit {e}, stride {k}{_here()}")
    if all(s == 0 and e == n and k == 1 for s, e, k, n in zip(start, limit, strides, sizes)):
        return x
    return x[tuple(builtins.slice(s, e, k) for s, e, k in zip(start, limit, strides))]


def slice_in_dim(operand, start_index, limit_index, stride=1, axis=0):
    """``slice`` along one axis; None and negative indices count as in Python (from the end)."""
    x = _arr(operand, "slice_in_dim")
    nd = len(_shape(x))
    (ax,) = _dims((axis,), nd, "slice_in_dim", "axis")
    n = _sizes(x)[ax]
    start = 0 if start_index is None else operator.index(start_index)
    limit = n if limit_index is None else operator.index(limit_index)
    start, limit = (start + n if start < 0 else start), (limit + n if limit < 0 else limit)
    starts, limits, strides = [0] * nd, list(_sizes(x)), [1] * nd
    starts[ax], limits[ax], strides[ax] = start, limit, stride
    return slice(x, starts, limits, strides)


def index_in_dim(operand, index, axis=0, keepdims=True):
    """The slice at ``index`` (negative counts from the end) along ``axis``; the axis is dropped unless
    ``keepdims``."""
    x = _arr(operand, "index_in_dim")
    (ax,) = _dims((axis,), len(_shape(x)), "index_in_dim", "axis")
    n = _sizes(x)[ax]
    i = operator.index(index)
    if not -n <= i < n:
        raise IndexError(f"lax.index_in_dim: index {i} is out of bounds for axis {ax} of size {n}{_here()}")
    i = i % n
    out = slice_in_dim(x, i, i + 1, 1, ax)
    return out if keepdims else squeeze(out, (ax,))


def squeeze(array, dimensions):
    """``array`` without ``dimensions``, each of size 1."""
    x = _arr(array, "squeeze")
    dims = _dims(dimensions, len(_shape(x)), "squeeze", "dimensions")
    sizes = _shape(x)
    for d in dims:
        if int(sizes[d]) != 1:
            raise ValueError(f"lax.squeeze: cannot select an axis to squeeze out which has size not equal to "
                             f"one, got shape={_sizes(x)} and dimensions={tuple(dimensions)}{_here()}")
    return jnp.squeeze(x, dims) if dims else x


def transpose(operand, permutation):
    """``operand``'s dimensions reordered: result dimension i is operand dimension ``permutation[i]``."""
    x = _arr(operand, "transpose")
    nd = len(_shape(x))
    perm = _dims(permutation, nd, "transpose", "permutation")
    if len(perm) != nd:
        raise ValueError(f"lax.transpose: permutation {tuple(permutation)} must name each of the {nd} dimensions"
                         + _here())
    return jnp.transpose(x, perm)


def collapse(operand, start_dimension, stop_dimension=None):
    """Dimensions ``start_dimension`` up to (excluding) ``stop_dimension`` (the last, when None) merged into
    one."""
    x = _arr(operand, "collapse")
    sizes = _sizes(x)
    nd = len(sizes)
    start = normalize_axis(operator.index(start_dimension), nd) if nd else 0
    stop = nd if stop_dimension is None else operator.index(stop_dimension)
    stop = stop + nd if stop < 0 else stop
    if not 0 <= start <= stop <= nd:
        raise ValueError(f"lax.collapse: need 0 <= start_dimension <= stop_dimension <= rank {nd}, got "
                         f"{start_dimension}, {stop_dimension}{_here()}")
    merged = int(np.prod(sizes[start:stop], dtype=np.int64))
    return jnp.reshape(x, sizes[:start] + (merged,) + sizes[stop:])


def select_n(which, *cases):
    """``cases[which]`` element-wise: ``which`` is a bool (two cases: False picks cases[0]) or an int32
    array, of the cases' shape or a scalar. The cases share one shape and dtype; gradients reach only the
    picked case. An index past the end picks the last case."""
    if not cases:
        raise ValueError("lax.select_n: need at least one case" + _here())
    cases = operands("select_n", list(cases), "biufc")
    w = _arr(which, "select_n", 0)
    shp = _shape(cases[0])
    for i, c in enumerate(cases):
        if not _compatible(_shape(c), shp):
            raise TypeError(f"lax.select_n: cases must all have one shape, got {shp} and {_shape(c)} (case {i})"
                            + _here())
    if _shape(w) != () and not _compatible(_shape(w), shp):
        raise TypeError(f"lax.select_n: which must be a scalar or have the cases' shape {shp}, got {_shape(w)}"
                        + _here())
    if _dtype(w) == np.bool_:
        if len(cases) > 2:
            raise TypeError(f"lax.select_n: a boolean which selects between at most two cases, got {len(cases)}"
                            + _here())
        return cases[0] if len(cases) == 1 else jnp.where(w, cases[1], cases[0])
    if _dtype(w).kind not in "iu":
        raise TypeError(f"lax.select_n: which must be bool or int32, got {_dtype(w)}{_here()}")
    out = cases[-1]
    for i in range(len(cases) - 2, -1, -1):
        out = jnp.where(w == i, cases[i], out)
    return jnp.broadcast_to(out, shp) if _shape(out) != shp else out
