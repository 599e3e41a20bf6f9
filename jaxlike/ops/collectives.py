"""Collectives over a named vmap axis: ``psum``, ``pmax``, ``pmin``, ``all_gather``, ``axis_index``
(``core/axes.py`` says how names are bound and resolved).

Each takes the axis's carrier as its last operand (a value the named vmap maps, so batching always reaches
the node) and the ``axis_name`` attr. When the vmap of that name batches the node it becomes an ordinary op
along the batch axis (a sum, a max, the batch itself, the positions); under any other batching it is batched
as an elementwise op of its operands and waits for its own vmap. On its own (the numpy rule) a collective
acts over an axis of size 1: psum, pmax and pmin return their operand, all_gather adds an axis of 1,
axis_index is 0, which is what a vmap of one element gives. psum's transpose is psum and all_gather's is a
psum followed by this element's slice, as in JAX; differentiating pmax or pmin raises (JAX has no rule).
Imports core and ops only.
"""

import numpy as np

from ..core import axes
from ..core.types import TensorType, dim_prod, is_known
from ..core.primitive import Primitive, Kind, LINEAR, register
from ._rules import Sample
from ._batch import with_batch


def _same_shape(x, carrier, **attrs):
    return TensorType(x.dtype, x.shape, x.weak)


def _reducer(name, reduce_name):
    """The batch rule of psum, pmax or pmin: reduce along the batch axis when batching their own axis."""
    def rule(args, batched, size, *, axis_name):
        from . import reduce as R
        from .layout import broadcast_to
        from .math import mul, convert
        x, carrier = args
        if axes.batching_now() != axis_name:
            return REDUCERS[name](with_batch(x, batched[0], size), with_batch(carrier, batched[1], size),
                                  axis_name=axis_name)
        if batched[0]:
            total = getattr(R, reduce_name)(x, axes=(0,))
        elif name == "psum":
            total = mul(x, convert(R.size_of(carrier, axes=(0,), dtype=np.dtype("int64")), dtype=x.dtype))
        else:
            total = x
        return broadcast_to(total, shape=(size,) + tuple(x.shape[1:] if batched[0] else x.shape))
    return rule


def _samples(rng):
    return [Sample(rng.normal(size=s), np.int8(0), axis_name="i") for s in [(3,), (2, 1), (0, 2), ()]]


psum = register(Primitive(
    "psum", Kind.OPAQUE, shape=_same_shape, numpy=lambda x, carrier, *, axis_name: np.array(x, copy=True),
    vjp=lambda g, ans, x, carrier, *, axis_name: (psum(g, carrier, axis_name=axis_name), None), jvp=LINEAR,
    differentiable=(0,), batch=_reducer("psum", "reduce_sum"), samples=_samples,
    doc="sum over the named vmap axis"))
pmax = register(Primitive(
    "pmax", Kind.OPAQUE, shape=_same_shape, numpy=lambda x, carrier, *, axis_name: np.array(x, copy=True),
    batch=_reducer("pmax", "reduce_max"), samples=_samples,
    doc="maximum over the named vmap axis"))
pmin = register(Primitive(
    "pmin", Kind.OPAQUE, shape=_same_shape, numpy=lambda x, carrier, *, axis_name: np.array(x, copy=True),
    batch=_reducer("pmin", "reduce_min"), samples=_samples,
    doc="minimum over the named vmap axis"))
REDUCERS = {"psum": psum, "pmax": pmax, "pmin": pmin}


# -- all_gather -------------------------------------------------------------------------------------------------
def _gathered(shape, axis, tiled, size):
    if tiled:
        return tuple(shape[:axis]) + (dim_prod((size, shape[axis])),) + tuple(shape[axis + 1:])
    return tuple(shape[:axis]) + (size,) + tuple(shape[axis:])


def _gather_shape(x, carrier, *, axis_name, axis, tiled, count):
    if not 0 <= axis < x.ndim + (0 if tiled else 1):
        raise ValueError(f"all_gather: axis {axis} is out of bounds for an operand of rank {x.ndim}"
                         + (" (tiled)" if tiled else ""))
    return TensorType(x.dtype, _gathered(x.shape, axis, tiled, count), x.weak)


def _gather_numpy(x, carrier, *, axis_name, axis, tiled, count):
    if count != 1:
        raise RuntimeError(f"all_gather over {axis_name!r} evaluated outside the vmap that binds it")
    return np.array(x, copy=True) if tiled else np.expand_dims(x, axis)


def _gather_batch(args, batched, size, *, axis_name, axis, tiled, count):
    from .layout import broadcast_to, reshape, transpose
    x, carrier = args
    if axes.batching_now() != axis_name:
        return all_gather(with_batch(x, batched[0], size), with_batch(carrier, batched[1], size),
                          axis_name=axis_name, axis=axis + 1, tiled=tiled, count=count)
    x = with_batch(x, batched[0], size)
    perm = tuple(range(1, axis + 1)) + (0,) + tuple(range(axis + 1, x.ndim))
    whole = transpose(x, perm=perm)
    if tiled:
        whole = reshape(whole, shape=_gathered(x.shape[1:], axis, True, size))
    return broadcast_to(whole, shape=(size,) + tuple(whole.shape))


def _gather_vjp(g, ans, x, carrier, *, axis_name, axis, tiled, count):
    from .index import take
    from .math import add, mul, convert
    from .scan import positions
    total = psum(g, carrier, axis_name=axis_name)
    me = axis_index(carrier, axis_name=axis_name)
    if not tiled:
        return take(total, me, axis=axis), None
    n = x.shape[axis]
    rows = add(mul(convert(me, dtype="int64"), n if is_known(n) else _size(x, axis)), positions(n))
    return take(total, rows, axis=axis), None


def _size(x, axis):
    from .reduce import size_of
    return size_of(x, axes=(axis,), dtype=np.dtype("int64"))


all_gather = register(Primitive(
    "all_gather", Kind.OPAQUE, shape=_gather_shape, numpy=_gather_numpy, vjp=_gather_vjp, jvp=LINEAR,
    differentiable=(0,), batch=_gather_batch,
    samples=lambda rng: [Sample(rng.normal(size=s), np.int8(0), axis_name="i", axis=a, tiled=t, count=1)
                         for s, a, t in [((3,), 0, False), ((2, 1), 2, False), ((0, 2), 1, True), ((), 0, False)]],
    doc="the named vmap axis's values stacked (or concatenated: tiled) along axis"))


# -- axis_index -------------------------------------------------------------------------------------------------
def _index_batch(args, batched, size, *, axis_name):
    from .layout import broadcast_to
    from .math import convert
    from .scan import positions
    if axes.batching_now() == axis_name:
        return convert(positions(size), dtype="int32")
    return broadcast_to(axis_index(with_batch(args[0], batched[0], size), axis_name=axis_name), shape=(size,))


axis_index = register(Primitive(
    "axis_index", Kind.OPAQUE, shape=lambda carrier, *, axis_name: TensorType(np.dtype(np.int32), ()),
    numpy=lambda carrier, *, axis_name: np.int32(0), differentiable=(), batch=_index_batch,
    samples=lambda rng: [Sample(np.int8(0), axis_name="i"), Sample(np.zeros((0, 1), np.int8), axis_name="i")],
    doc="this element's position along the named vmap axis (int32)"))

__all__ = ["psum", "pmax", "pmin", "all_gather", "axis_index"]
