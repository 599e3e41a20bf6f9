"""Layout primitives: reshape, transpose, broadcast_to, slice (basic strided indexing) and its transpose
slice_grad, concatenate. Sizes in attrs may be symbolic (``Sym``/``DimExpr``); backends resolve them from the
arrays at call time. All are linear, so their JVP is the op applied to the tangent.
Imports core and ops._rules only."""

import numpy as np

from ..core.types import TensorType, Sym, DimExpr, is_known, dims_equal, dim_sum, dim_prod
from ..core.errors import ShapeError
from ..core.primitive import Primitive, Kind, LINEAR, register
from ._rules import Sample, check_sizes
from ._batch import shifted


def _known_prod(dims):
    n = 1
    for d in dims:
        n *= d
    return n


# -- reshape ------------------------------------------------------------------------------------------
def _reshape_shape(x, *, shape):
    check_sizes(shape, minus_one=True)
    if sum(1 for d in shape if is_known(d) and d == -1) > 1:
        raise ValueError(f"can only specify one unknown dimension (-1), got {shape}")
    all_known = all(is_known(d) for d in x.shape) and all(is_known(d) for d in shape)
    if all_known:
        total = _known_prod(x.shape)
        rest = _known_prod([d for d in shape if d != -1])
        if -1 in shape:
            if rest == 0 or total % rest:
                raise ShapeError(f"cannot reshape size {total} into shape {shape}")
            shape = tuple(total // rest if d == -1 else d for d in shape)
        elif rest != total:
            raise ShapeError(f"cannot reshape array of shape {x.shape} (size {total}) into shape {shape}")
        return TensorType(x.dtype, shape)
    # NOTE: a product of sizes (a merged axis) is a new size of the result, as a -1's is; the attr keeps the
    # product, so the backends compute it from the operand's sizes
    out = tuple(_inferred_dim(x.shape, shape) if (is_known(d) and d == -1) else Sym() if isinstance(d, DimExpr)
                else d for d in shape)
    for d in out:
        if is_known(d) and d < 0:
            raise ValueError(f"negative size {d} in reshape target {shape}")
    return TensorType(x.dtype, out)


def _inferred_dim(src, target):
    """The -1 of a reshape with symbolic sizes: a size it certainly equals when the symbols cancel (x of
    (n, 3) to (n, -1) gives 3; (n,) to (-1,) or (1, n) to (-1,) gives n itself), else a new symbol. Reusing
    n matters: a fresh symbol would keep equal computations apart (CSE and fusion compare sizes by identity)."""
    left = [d for d in src if not is_known(d)]
    if any(not isinstance(d, Sym) for d in left):
        return Sym()
    for d in target:
        if is_known(d):
            continue
        hit = next((k for k, e in enumerate(left) if e is d), None)
        if hit is None:
            return Sym()
        del left[hit]
    known_src = _known_prod([d for d in src if is_known(d)])
    known_dst = _known_prod([d for d in target if is_known(d) and d != -1])
    if not left and known_dst and known_src % known_dst == 0:
        return known_src // known_dst
    if len(left) == 1 and known_src == known_dst:
        return left[0]
    return Sym()


reshape = register(Primitive(
    "reshape", Kind.LAYOUT, shape=_reshape_shape,
    numpy=lambda x, *, shape: np.reshape(x, shape),
    vjp=lambda g, ans, x, *, shape: (reshape(g, shape=x.shape),), jvp=LINEAR,
    batch=lambda args, batched, size, *, shape: reshape(args[0], shape=(size,) + tuple(shape)),
    samples=lambda rng: [Sample(rng.normal(size=a), shape=b) for a, b in [
        ((2, 3), (3, 2)), ((2, 3), (6,)), ((6,), (1, 6, 1)), ((2, 3), (-1,)), ((), (1, 1)), ((1,), ()),
        ((0, 3), (3, 0))]]))


def size_expression(v):
    """The size an integer scalar of the graph names when it is computed from sizes alone (Theano's
    ``x.shape[0] * x.shape[1] + 1``: size_of nodes, non-negative integer constants, + and *), as an int, a Sym
    or a DimExpr that a reshape's target may hold; None for anything else (a value read from an input)."""
    if v.ndim != 0 or v.dtype.kind not in "iu":
        return None
    if v.is_const:
        n = int(v.value)
        return n if n >= 0 else None
    name = v.prim.name if v.prim is not None else None
    if name == "size_of":
        x = v.inputs[0]
        return dim_prod([x.shape[a] for a in dict(v.attrs)["axes"]])
    if name == "convert":
        return size_expression(v.inputs[0])
    if name in ("add", "mul"):
        terms = [size_expression(i) for i in v.inputs]
        if any(t is None for t in terms):
            return None
        return (dim_sum if name == "add" else dim_prod)(terms)
    return None


def expand_back(v, axes, ndim):
    """Insert size-1 dims at ``axes`` (positions in the result of rank ``ndim``)."""
    if not axes:
        return v
    dims = iter(v.shape)
    shape = tuple(1 if i in axes else next(dims) for i in range(ndim))
    return reshape(v, shape=shape)


# -- transpose ----------------------------------------------------------------------------------------
def _transpose_shape(x, *, perm):
    if sorted(perm) != list(range(x.ndim)):
        raise ValueError(f"axes {perm} are not a permutation of the {x.ndim} dims")
    return TensorType(x.dtype, tuple(x.shape[p] for p in perm))


transpose = register(Primitive(
    "transpose", Kind.LAYOUT, shape=_transpose_shape,
    numpy=lambda x, *, perm: np.transpose(x, perm),
    vjp=lambda g, ans, x, *, perm: (transpose(g, perm=tuple(np.argsort(perm).tolist())),), jvp=LINEAR,
    batch=lambda args, batched, size, *, perm: transpose(args[0], perm=(0,) + tuple(p + 1 for p in perm)),
    samples=lambda rng: [Sample(rng.normal(size=a), perm=p) for a, p in [
        ((2, 3), (1, 0)), ((2, 3, 4), (2, 0, 1)), ((1, 3), (1, 0)), ((), ()), ((0, 2), (1, 0))]]))


# -- broadcast_to -------------------------------------------------------------------------------------
def _broadcast_shape(x, *, shape):
    check_sizes(shape)
    if len(shape) < x.ndim:
        raise ShapeError(f"cannot broadcast rank {x.ndim} to the smaller rank {len(shape)}")
    off = len(shape) - x.ndim
    for i, d in enumerate(x.shape):
        t = shape[off + i]
        if is_known(d) and d == 1:
            continue
        if is_known(d) and is_known(t) and d != t:
            raise ShapeError(f"cannot broadcast shape {x.shape} to {shape}")
    return TensorType(x.dtype, shape)


def _broadcast_vjp(g, ans, x, *, shape):
    from .reduce import reduce_sum
    off = len(shape) - x.ndim
    axes = list(range(off))
    for i, d in enumerate(x.shape):
        t = shape[off + i]
        if is_known(d) and d == 1 and not (is_known(t) and t == 1):
            axes.append(off + i)
    if axes:
        g = reduce_sum(g, axes=tuple(axes))
    if g.ndim != x.ndim or not all(dims_equal(a, b) for a, b in zip(g.shape, x.shape)):
        g = reshape(g, shape=x.shape)
    return (g,)


def _broadcast_batch(args, batched, size, *, shape):
    x = args[0]
    # NOTE: the batch axis stays first, so the operand's own dims are aligned with the target's last ones
    x = expand_back(x, tuple(range(1, 1 + len(shape) - (x.ndim - 1))), len(shape) + 1)
    return broadcast_to(x, shape=(size,) + tuple(shape))


broadcast_to = register(Primitive(
    "broadcast_to", Kind.LAYOUT, shape=_broadcast_shape,
    numpy=lambda x, *, shape: np.broadcast_to(x, shape).copy(),
    vjp=_broadcast_vjp, jvp=LINEAR, batch=_broadcast_batch,
    samples=lambda rng: [Sample(rng.normal(size=a), shape=b) for a, b in [
        ((3,), (2, 3)), ((2, 1), (2, 4)), ((), (3,)), ((1, 3), (0, 3)), ((2, 1, 3), (4, 2, 5, 3)),
        ((2, 3), (2, 3)), ((0, 1), (0, 4))]]))


# -- slice --------------------------------------------------------------------------------------------
def _slice_dim(d, start, stop, step):
    if step == 0:
        raise ValueError("slice step cannot be zero")
    if is_known(d) and all(v is None or is_known(v) for v in (start, stop)):
        return len(range(*slice(start, stop, step).indices(d)))
    if start is None and stop is None and step in (None, 1):
        return d
    return Sym(at_most=_slice_bound(start, stop, step))


def _slice_bound(start, stop, step):
    """The most elements a forward slice with these known bounds can hold whatever the size (x[:1], x[-1:],
    x[2:5]), None where it grows with the size."""
    step = 1 if step is None else step
    if not all(v is None or is_known(v) for v in (start, stop, step)) or step < 0:
        return None
    if stop is not None and stop >= 0 and (start is None or start >= 0):
        return max(0, -(-(stop - (start or 0)) // step))
    if start is not None and start < 0 and (stop is None or stop < 0):
        return max(0, -(-((0 if stop is None else stop) - start) // step))
    return None


def _slice_shape(x, *, index):
    if len(index) != x.ndim:
        raise ValueError(f"slice index has {len(index)} entries for rank {x.ndim}")
    return TensorType(x.dtype, tuple(_slice_dim(d, *t) for d, t in zip(x.shape, index)))


_SLICE_CASES = [((5,), ((1, 4, None),)), ((5,), ((None, None, -1),)), ((5,), ((4, 0, -2),)),
                ((4, 3), ((1, None, 2), (None, 2, None))), ((0, 3), ((None, None, None), (1, 3, None))),
                ((3, 1), ((-2, None, None), (None, None, None))), ((4,), ((2, 2, None),))]


def _np_index(index):
    return tuple(slice(*t) for t in index)


slice_ = register(Primitive(
    "slice", Kind.LAYOUT, shape=_slice_shape,
    numpy=lambda x, *, index: np.asarray(x)[_np_index(index)],
    vjp=lambda g, ans, x, *, index: (slice_grad(g, shape=x.shape, index=index),), jvp=LINEAR,
    batch=lambda args, batched, size, *, index: slice_(args[0], index=((None, None, None),) + tuple(index)),
    samples=lambda rng: [Sample(rng.normal(size=a), index=i) for a, i in _SLICE_CASES]))


def _slice_grad_np(g, *, shape, index):
    out = np.zeros(shape, dtype=np.asarray(g).dtype)
    out[_np_index(index)] = g
    return out


slice_grad = register(Primitive(
    "slice_grad", Kind.LAYOUT, shape=lambda g, *, shape, index: TensorType(g.dtype, shape),
    numpy=_slice_grad_np,
    vjp=lambda g, ans, x, *, shape, index: (slice_(g, index=index),), jvp=LINEAR,
    batch=lambda args, batched, size, *, shape, index: slice_grad(
        args[0], shape=(size,) + tuple(shape), index=((None, None, None),) + tuple(index)),
    samples=lambda rng: [Sample(rng.normal(size=np.empty(a)[_np_index(i)].shape), shape=a, index=i)
                         for a, i in _SLICE_CASES],
    doc="zeros of `shape` with the slice `index` set to g: the transpose of slice"))


# -- concatenate --------------------------------------------------------------------------------------
def _concat_shape(*xs, axis):
    if not xs:
        raise ValueError("need at least one array to concatenate")
    nd = xs[0].ndim
    if nd == 0:
        raise ValueError("zero-dimensional arrays cannot be concatenated")
    for x in xs:
        if x.ndim != nd:
            raise ShapeError(f"all inputs must have the same rank, got ranks {[x.ndim for x in xs]}")
    out = list(xs[0].shape)
    for x in xs[1:]:
        for i, d in enumerate(x.shape):
            if i == axis:
                continue
            if is_known(d) and is_known(out[i]) and d != out[i]:
                raise ShapeError(f"sizes along dim {i} differ: {[t.shape for t in xs]}")
            if isinstance(out[i], Sym) and is_known(d):
                out[i] = d
    total = dim_sum([x.shape[axis] for x in xs])
    out[axis] = total if is_known(total) else Sym()
    from ._rules import promote_types_of
    return TensorType(promote_types_of(xs), tuple(out))


def _concat_vjp(g, ans, *xs, axis):
    cts, offset = [], []
    for x in xs:
        start = dim_sum(offset) if offset else 0
        stop = dim_sum(offset + [x.shape[axis]])
        index = tuple((start, stop, None) if i == axis else (None, None, None) for i in range(g.ndim))
        piece = slice_(g, index=index)
        # NOTE: a slice with symbolic bounds makes a size of its own; the piece is x's size, which the caller
        # can bind (a scan step's cotangent buffer is allocated outside the step, from x's sizes)
        if not all(dims_equal(a, b) for a, b in zip(piece.shape, x.shape)):
            piece = reshape(piece, shape=tuple(x.shape))
        cts.append(piece)
        offset.append(x.shape[axis])
    return tuple(cts)


concatenate = register(Primitive(
    "concatenate", Kind.LAYOUT, shape=_concat_shape,
    numpy=lambda *xs, axis: np.concatenate(xs, axis=axis),
    vjp=_concat_vjp, jvp=LINEAR, batch=shifted(lambda: concatenate, "axis"),
    samples=lambda rng: [Sample(*[rng.normal(size=s) for s in shapes], axis=ax) for shapes, ax in [
        (((2, 3), (1, 3)), 0), (((2, 1), (2, 2), (2, 0)), 1), (((3,),), 0), (((0, 2), (2, 2)), 0)]]))

__all__ = ["reshape", "size_expression", "transpose", "broadcast_to", "slice_", "slice_grad", "concatenate",
           "expand_back"]
