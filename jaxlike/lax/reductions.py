"""``jax.lax``'s reductions, scans and sorts (re-exported by ``jaxlike.lax``): reduce_sum/max/min/prod/and/or/
xor, argmax/argmin, the generic ``reduce`` (a reduction primitive where the computation is one
add/mul/max/min/and/or/xor per operand, else a fold), cumsum/cumprod/cummax/cummin/cumlogsumexp, sort (tuples
sorted by their first ``num_keys`` operands), sort_key_val, top_k, and associative_scan.

Results keep the operand's dtype (lax does not widen: an int8 sum wraps). The reductions and cumsum/cumprod
bind the ``ops`` primitives; cummax/cummin/cumlogsumexp are ``associative_scan`` over max/min/logaddexp,
itself the odd/even recursion (Blelloch's, as in JAX) written with strided slices, so any associative
function of jaxlike values works, and its gradient is the gradient of that composite. Sorts are stable and
put NaN last (first in ``top_k``, which sorts descending with ties in index order); as in JAX, ``sort`` ties
-0.0 with 0.0 while ``top_k`` ranks 0.0 above -0.0. A front-end module: imports core, ops, jaxlike.numpy and the other lax modules."""

import operator

import numpy as np

from .. import pytree
from ..core.graph import Var
from ..core.types import TensorType, canonical_dtype
from ..ops import reduce as R, scan as SC, math as m, bitwise as B
from .. import numpy as jnp
from .elementwise import operands, _dtype, _is_python_scalar, _is_weak, _weak_to
from .structural import slice_in_dim, concatenate, _here, _arr, _shape, _sizes

__all__ = ["reduce_sum", "reduce_max", "reduce_min", "reduce_prod", "reduce_and", "reduce_or", "reduce_xor",
           "argmax", "argmin", "reduce", "cumsum", "cumprod", "cummax", "cummin", "cumlogsumexp", "sort",
           "sort_key_val", "top_k", "associative_scan"]


def _axes(axes, nd, fname):
    try:
        axes = tuple(operator.index(a) for a in axes)
    except TypeError:
        raise TypeError(f"lax.{fname}: axes must be a sequence of integers, got {axes!r}{_here()}") from None
    for a in axes:
        if not -nd <= a < nd:
            raise ValueError(f"lax.{fname}: axis {a} is out of range for rank {nd}{_here()}")
    out = tuple(sorted({a % nd for a in axes}))
    if len(out) != len(axes):
        raise ValueError(f"lax.{fname}: axes {axes} repeat an axis{_here()}")
    return out


def _axis(axis, nd, fname):
    return _axes((axis,), nd, fname)[0]


def _as(x, dt):
    return x if _dtype(x) == dt else jnp.astype(x, dt)


def _identity(kind, dt):
    """The value that leaves a reduction unchanged, in ``dt``."""
    dt = np.dtype(dt)
    if kind == "sum" or kind == "or" or kind == "xor":
        return np.zeros((), dt)
    if kind == "prod":
        return np.ones((), dt)
    if kind == "and":
        return np.asarray(True) if dt == np.bool_ else np.asarray(-1).astype(dt)
    if dt == np.bool_:
        return np.asarray(kind == "min")
    if dt.kind == "f":
        return np.asarray(-np.inf if kind == "max" else np.inf, dt)
    info = np.iinfo(dt)
    return np.asarray(info.min if kind == "max" else info.max, dt)


def _empty_result(x, axes, kind):
    """The identity broadcast to the reduced shape where a reduced dimension is empty (the primitives follow
    numpy, which refuses to take the max of nothing). Only max and min read the sizes to know."""
    shp = _shape(x)
    if kind in ("max", "min"):
        shp = _sizes(x)
    if not any(isinstance(shp[a], int) and shp[a] == 0 for a in axes):
        return None
    keep = tuple(d for i, d in enumerate(_shape(x)) if i not in axes)
    return jnp.broadcast_to(_identity(kind, _dtype(x)), keep)


def _reduce_with(prim, kind, fname, kinds):
    def fn(operand, axes):
        (x,) = operands(fname, [operand], kinds)
        x = np.asarray(x) if _is_python_scalar(x) else x
        ax = _axes(axes, len(_shape(x)), fname)
        if not ax:
            return x
        empty = _empty_result(x, ax, kind)
        if empty is not None:
            return empty
        dt = _dtype(x)
        src = _as(x, np.dtype("uint8")) if dt == np.bool_ else x
        return _as(prim(src, axes=ax), dt)
    fn.__name__ = fn.__qualname__ = fname
    fn.__doc__ = (f"The {kind} of ``operand`` over ``axes``, in the operand's dtype (integers wrap); the "
                  f"identity where the reduced dimensions are empty.")
    return fn


reduce_sum = _reduce_with(R.reduce_sum, "sum", "reduce_sum", "iufc")
reduce_prod = _reduce_with(R.reduce_prod, "prod", "reduce_prod", "iufc")
reduce_max = _reduce_with(R.reduce_max, "max", "reduce_max", "biuf")
reduce_min = _reduce_with(R.reduce_min, "min", "reduce_min", "biuf")


def _fold(x, axes, op, kind):
    """Pairwise (tree) reduction of ``x`` over ``axes`` with the associative ``op``: the reduced dimensions are
    moved last and merged, then halved with strided slices (log2(n) ops, each exact for bitwise ops)."""
    nd = len(_shape(x))
    keep = [i for i in range(nd) if i not in axes]
    sizes = _sizes(x)
    x = jnp.transpose(x, keep + list(axes)) if axes != tuple(range(nd - len(axes), nd)) else x
    n = int(np.prod([sizes[a] for a in axes], dtype=np.int64))
    lead = tuple(sizes[i] for i in keep)
    x = jnp.reshape(x, lead + (n,))
    ident = _identity(kind, _dtype(x))
    if n == 0:
        return jnp.broadcast_to(ident, lead)
    while n > 1:
        if n % 2:
            x = jnp.concatenate([x, jnp.broadcast_to(ident, lead + (1,))], axis=-1)
            n += 1
        x = op(slice_in_dim(x, 0, n // 2, axis=-1), slice_in_dim(x, n // 2, n, axis=-1))
        n //= 2
    return jnp.reshape(x, lead)


def _logical(kind, fname, bool_op, int_op):
    def fn(operand, axes):
        x = _arr(operand, fname)
        if _dtype(x).kind not in "biu":
            raise TypeError(f"lax.{fname}: logical reduction requires operand dtype bool or int, got {_dtype(x)}"
                            + _here())
        ax = _axes(axes, len(_shape(x)), fname)
        if not ax:
            return x
        return _fold(x, ax, bool_op if _dtype(x) == np.bool_ else int_op, kind)
    fn.__name__ = fn.__qualname__ = fname
    fn.__doc__ = f"The bitwise {kind} (logical, for bools) of ``operand`` over ``axes``."
    return fn


reduce_and = _logical("and", "reduce_and", jnp.logical_and, jnp.bitwise_and)
reduce_or = _logical("or", "reduce_or", jnp.logical_or, jnp.bitwise_or)
reduce_xor = _logical("xor", "reduce_xor", jnp.logical_xor, jnp.bitwise_xor)


def _arg(prim, fname):
    def fn(operand, axis, index_dtype):
        x = _arr(operand, fname)
        if _dtype(x).kind not in "biuf":
            raise TypeError(f"lax.{fname} does not accept dtype {_dtype(x)}; accepted: bool, integers, floats"
                            + _here())
        idt = canonical_dtype(index_dtype, f"lax.{fname} index_dtype")
        if idt.kind not in "iu":
            raise TypeError(f"lax.{fname}: index_dtype must be an integer dtype, got {idt}{_here()}")
        ax = _axis(axis, len(_shape(x)), fname)
        if isinstance(_shape(x)[ax], int) and _shape(x)[ax] == 0:
            raise ValueError(f"lax.{fname}: attempt to get {fname} of an empty axis {ax} (shape {_shape(x)})"
                             + _here())
        src = _as(x, np.dtype("uint8")) if _dtype(x) == np.bool_ else x
        return _as(prim(src, axis=ax), idt)
    fn.__name__ = fn.__qualname__ = fname
    fn.__doc__ = (f"The index of the {fname[3:]} along ``axis`` (the first one at ties; the first NaN, if any), as "
                  f"``index_dtype``.")
    return fn


argmax = _arg(R.argmax, "argmax")
argmin = _arg(R.argmin, "argmin")

# NOTE: what ``reduce`` recognises in a traced computation: the primitive combining one operand's pair
_REDUCERS = {m.add: (reduce_sum, jnp.add), m.mul: (reduce_prod, jnp.multiply),
             m.maximum: (reduce_max, jnp.maximum), m.minimum: (reduce_min, jnp.minimum),
             B.bitwise_and: (reduce_and, jnp.bitwise_and), m.logical_and: (reduce_and, jnp.logical_and),
             B.bitwise_or: (reduce_or, jnp.bitwise_or), m.logical_or: (reduce_or, jnp.logical_or),
             B.bitwise_xor: (reduce_xor, jnp.bitwise_xor), m.logical_xor: (reduce_xor, jnp.logical_xor)}


def reduce(operands, init_values, computation, dimensions):
    """``computation`` folded over ``dimensions`` of each operand, starting from ``init_values`` (pytrees of
    one structure). The computation is traced once on scalars; where it combines each operand's pair with one
    add, mul, max, min, and, or or xor (lax.add, jnp.maximum, ``lambda a, b: a + b``, or a tuple of those)
    that reduction runs. Any other computation (a variadic argmax of (value, index) pairs, a running
    selection) is folded over the reduced elements in row-major order, elementwise over the kept ones: XLA
    leaves the order unspecified, so an associative and commutative computation gives what JAX gives."""
    leaves, tree = pytree.flatten(operands)
    inits, init_tree = pytree.flatten(init_values)
    if init_tree != tree:
        raise TypeError(f"lax.reduce: operands and init_values must have one structure, got {tree} and "
                        f"{init_tree}{_here()}")
    xs = [_arr(x, "reduce", i) for i, x in enumerate(leaves)]
    inits = [_weak_to(v, _dtype(x), "reduce", i) if _is_weak(v) else _arr(v, "reduce", i)
             for i, (x, v) in enumerate(zip(xs, inits))]
    for x, v in zip(xs, inits):
        if _dtype(v) != _dtype(x) or _shape(v) != ():
            raise TypeError(f"lax.reduce: each init value must be a scalar of its operand's dtype {_dtype(x)}, "
                            f"got {_dtype(v)}{list(_shape(v))}{_here()}")
    a = [Var(TensorType(_dtype(x), ())) for x in xs]
    b = [Var(TensorType(_dtype(x), ())) for x in xs]
    out = computation(pytree.unflatten(tree, a), pytree.unflatten(tree, b))
    outs, out_tree = pytree.flatten(out)
    if out_tree != tree:
        raise TypeError(f"lax.reduce: the computation must return the operands' structure {tree}, got {out_tree}"
                        + _here())
    for k, (o, x) in enumerate(zip(outs, xs)):
        if not isinstance(o, Var) or o.dtype != _dtype(x) or o.ndim != 0:
            raise TypeError(f"lax.reduce: output {k} of the computation must be a scalar of dtype {_dtype(x)}, got "
                            f"{getattr(o, 'type', type(o).__name__)}{_here()}")
    if not all(getattr(o, "prim", None) in _REDUCERS and len(o.inputs) == 2 and set(o.inputs) == {a[k], b[k]}
               for k, o in enumerate(outs)):
        return _general_fold(xs, inits, computation, tree, dimensions)
    return pytree.unflatten(tree, [_REDUCERS[o.prim][1](v, _REDUCERS[o.prim][0](x, dimensions))
                                   for o, x, v in zip(outs, xs, inits)])


def _general_fold(xs, inits, computation, tree, dimensions):
    """The general reduce: a scan over the reduced elements (row-major) whose step applies the computation
    to every kept position at once (vmapped, so it sees scalars as it was written for)."""
    from ..core.types import dim_prod
    from ..ops.layout import reshape
    from .control import scan
    from .._vmap import vmap
    shapes = {tuple(_shape(x)) for x in xs}
    if len(shapes) != 1:
        raise TypeError(f"lax.reduce: the operands must have one shape, got {sorted(shapes)}{_here()}")
    shape = next(iter(shapes))
    dims = _axes(dimensions, len(shape), "reduce")
    kept = tuple(k for k in range(len(shape)) if k not in dims)
    rows = dim_prod([shape[k] for k in dims])
    cols = dim_prod([shape[k] for k in kept])
    flat = [reshape(jnp.transpose(jnp.asarray(x), dims + kept), shape=(rows, cols)) for x in xs]
    start = [jnp.broadcast_to(v, (cols,)) for v in inits]
    step = vmap(lambda acc, row: pytree.flatten(computation(pytree.unflatten(tree, acc),
                                                            pytree.unflatten(tree, row)))[0])
    folded, _ = scan(lambda acc, row: (step(acc, row), None), start, flat)
    return pytree.unflatten(tree, [reshape(r, shape=tuple(shape[k] for k in kept)) for r in folded])


def _cum(prim, fname):
    def fn(operand, axis=0, reverse=False):
        (x,) = operands(fname, [operand], "iufc")
        x = np.asarray(x) if _is_python_scalar(x) else x
        ax = _axis(axis, len(_shape(x)), fname)
        return _as(prim(x, axis=ax, reverse=bool(reverse)), _dtype(x))
    fn.__name__ = fn.__qualname__ = fname
    fn.__doc__ = f"The running {fname[3:]} along ``axis`` (from the end if ``reverse``), in the operand's dtype."
    return fn


cumsum = _cum(SC.cumsum, "cumsum")
cumprod = _cum(SC.cumprod, "cumprod")


def _cum_assoc(fname, kinds, fn, doc):
    def cum(operand, axis=0, reverse=False):
        (x,) = operands(fname, [operand], kinds)
        x = np.asarray(x) if _is_python_scalar(x) else x
        ax = _axis(axis, len(_shape(x)), fname)
        return associative_scan(fn, x, reverse=bool(reverse), axis=ax)
    cum.__name__ = cum.__qualname__ = fname
    cum.__doc__ = doc
    return cum


cummax = _cum_assoc("cummax", "iuf", jnp.maximum, "The running maximum along ``axis`` (NaN propagates).")
cummin = _cum_assoc("cummin", "iuf", jnp.minimum, "The running minimum along ``axis`` (NaN propagates).")
cumlogsumexp = _cum_assoc("cumlogsumexp", "f", jnp.logaddexp,
                          "log(cumsum(exp(x))) along ``axis``, computed without overflow.")


# -- associative scan --------------------------------------------------------------------------------------------
def _combine(fn, tree, a, b):
    out = fn(pytree.unflatten(tree, a), pytree.unflatten(tree, b))
    leaves, out_tree = pytree.flatten(out)
    if out_tree != tree:
        raise TypeError(f"lax.associative_scan: fn must return the structure of elems {tree}, got {out_tree}"
                        + _here())
    return [np.asarray(v) if not isinstance(v, Var) else v for v in leaves]


def _interleave(evens, odds, axis):
    """e0, o0, e1, o1, ... along ``axis``; ``evens`` has as many elements as ``odds`` or one more."""
    ne, no = _sizes(evens)[axis], _sizes(odds)[axis]
    if ne == no + 1:
        odds = concatenate([odds, slice_in_dim(evens, ne - 1, ne, axis=axis)], axis)
    stacked = jnp.stack([evens, odds], axis=axis + 1)
    sizes = _sizes(evens)
    merged = jnp.reshape(stacked, sizes[:axis] + (2 * ne,) + sizes[axis + 1:])
    return slice_in_dim(merged, 0, ne + no, axis=axis)


def _scan(fn, tree, elems, axis):
    n = _sizes(elems[0])[axis]
    if n < 2:
        return elems
    # NOTE: combine neighbours pairwise, scan the half-length result, then fill in the even positions
    reduced = _combine(fn, tree, [slice_in_dim(e, 0, n - 1, 2, axis) for e in elems],
                       [slice_in_dim(e, 1, n, 2, axis) for e in elems])
    odd = _scan(fn, tree, reduced, axis)
    if n % 2 == 0:
        even = _combine(fn, tree, [slice_in_dim(e, 0, _sizes(e)[axis] - 1, axis=axis) for e in odd],
                        [slice_in_dim(e, 2, n, 2, axis) for e in elems])
    else:
        even = _combine(fn, tree, odd, [slice_in_dim(e, 2, n, 2, axis) for e in elems])
    even = [concatenate([slice_in_dim(e, 0, 1, axis=axis), r], axis) if _sizes(r)[axis] else
            slice_in_dim(e, 0, 1, axis=axis) for e, r in zip(elems, even)]
    return [_interleave(e, o, axis) for e, o in zip(even, odd)]


def associative_scan(fn, elems, reverse=False, axis=0):
    """All prefix combinations ``fn(...fn(fn(x0, x1), x2)..., xi)`` along ``axis`` of the pytree ``elems``
    (every leaf the same length there), for an associative ``fn`` of jaxlike values taking and returning
    pytrees like ``elems`` (a slice of it); ``reverse`` scans from the end. O(log n) depth, O(n) applications of
    ``fn``; sizes along ``axis`` are read as ints (compile specializes to them)."""
    if not callable(fn):
        raise TypeError(f"lax.associative_scan: fn must be callable, got {type(fn).__name__}{_here()}")
    leaves, tree = pytree.flatten(elems)
    if not leaves:
        raise ValueError("lax.associative_scan: elems has no arrays" + _here())
    xs = [_arr(x, "associative_scan", i) for i, x in enumerate(leaves)]
    nd = len(_shape(xs[0]))
    if nd == 0:
        raise ValueError("lax.associative_scan: elems must have an axis to scan along (got a scalar)" + _here())
    ax = _axis(axis, nd, "associative_scan")
    lengths = [(_sizes(x)[ax] if len(_shape(x)) > ax else None) for x in xs]
    if len(set(lengths)) != 1:
        raise ValueError(f"lax.associative_scan: array inputs must have the same size along axis {ax}, got "
                         f"shapes {[_shape(x) for x in xs]}{_here()}")
    if reverse:
        xs = [jnp.flip(x, ax) for x in xs]
    out = _scan(fn, tree, xs, ax)
    if reverse:
        out = [jnp.flip(x, ax) for x in out]
    return pytree.unflatten(tree, out)


# -- sorting ----------------------------------------------------------------------------------------------------
def _take(x, idx, axis):
    return jnp.take_along_axis(x, idx, axis=axis)


def _argsort(k, axis, signed_zeros=False):
    """A stable ascending argsort, NaN last; complex numbers by real part, then imaginary part. With
    ``signed_zeros`` -0.0 sorts before 0.0 (top_k's order; numpy and lax.sort tie them)."""
    dt = _dtype(k)
    if dt == np.bool_:
        return jnp.argsort(jnp.astype(k, np.int8), axis=axis)
    if dt.kind == "c":
        p = _argsort(jnp.imag(k), axis)
        return _take(p, _argsort(_take(jnp.real(k), p, axis), axis), axis)
    if dt.kind == "f" and signed_zeros:
        # NOTE: least significant key first: the sign of zero, then (stably) the value
        p = jnp.argsort(jnp.astype(~jnp.signbit(k), np.int8), axis=axis)
        return _take(p, jnp.argsort(_take(k, p, axis), axis=axis), axis)
    return jnp.argsort(k, axis=axis)


def sort(operand, dimension=-1, is_stable=True, num_keys=1):
    """``operand`` sorted along ``dimension``; a tuple or list of operands (one shape) is sorted together, in
    the lexicographic order of its first ``num_keys`` operands, and returned as a tuple. Always stable. The
    gradient sends each output's cotangent to the element placed there."""
    single = not isinstance(operand, (tuple, list))
    xs = [_arr(x, "sort", i) for i, x in enumerate([operand] if single else operand)]
    if not xs:
        raise ValueError("lax.sort: needs at least one operand" + _here())
    shp = _shape(xs[0])
    for i, x in enumerate(xs):
        if len(_shape(x)) != len(shp) or any(isinstance(a, int) and isinstance(b, int) and a != b
                                             for a, b in zip(_shape(x), shp)):
            raise TypeError(f"lax.sort: operands must have one shape, got {shp} and {_shape(x)} (operand {i})"
                            + _here())
    if not shp:
        raise TypeError("lax.sort: operands must have at least one dimension (got scalars)" + _here())
    num_keys = operator.index(num_keys)
    if not 1 <= num_keys <= len(xs):
        raise ValueError(f"lax.sort: num_keys must be between 1 and the number of operands ({len(xs)}), got "
                         f"{num_keys}{_here()}")
    ax = _axis(dimension, len(shp), "sort")
    perm = None
    for key in reversed(xs[:num_keys]):
        k = key if perm is None else _take(key, perm, ax)
        p = _argsort(k, ax)
        perm = p if perm is None else _take(perm, p, ax)
    out = tuple(_take(x, perm, ax) for x in xs)
    return out[0] if single else out


def sort_key_val(keys, values, dimension=-1, is_stable=True):
    """``(keys, values)`` both reordered so that ``keys`` is sorted along ``dimension`` (stable)."""
    return sort((keys, values), dimension, is_stable, num_keys=1)


def top_k(operand, k, *, axis=-1):
    """The ``k`` largest entries along ``axis`` (the last by default), largest first, and their int32 indices:
    ties in index order, NaN above everything, 0.0 above -0.0 (XLA's order). The values' gradient goes to the
    chosen entries."""
    x = _arr(operand, "top_k")
    if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool):
        raise TypeError(f"lax.top_k: axis must be an int, got {axis!r}" + _here())
    nd = len(_shape(x))
    if nd and not -nd <= axis < nd:
        raise ValueError(f"lax.top_k: axis {axis} is out of range for rank {nd}" + _here())
    if nd and axis % nd != nd - 1:
        values, idx = top_k(jnp.moveaxis(x, axis, -1), k)
        return jnp.moveaxis(values, -1, axis), jnp.moveaxis(idx, -1, axis)
    if _dtype(x).kind not in "biuf":
        raise TypeError(f"lax.top_k does not accept dtype {_dtype(x)}; accepted: bool, integers, floats"
                        + _here())
    shp = _shape(x)
    if not shp:
        raise TypeError("lax.top_k: operand must have at least one dimension (got a scalar)" + _here())
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError(f"lax.top_k: k must be a Python int, got {k!r}{_here()}")
    n = _sizes(x)[-1]
    if not 0 <= k <= n:
        raise ValueError(f"lax.top_k: k must be between 0 and the size of the last axis ({n}), got k={k}"
                         + _here())
    ax = len(shp) - 1
    # NOTE: a stable ascending sort of the reversed axis, read backwards, is descending with ties in index order
    p = jnp.flip(_argsort(jnp.flip(x, ax), ax, signed_zeros=True), ax)
    idx = jnp.astype(np.int64(n - 1) - slice_in_dim(p, 0, k, axis=ax), np.int32)
    return _take(x, idx, ax), idx
