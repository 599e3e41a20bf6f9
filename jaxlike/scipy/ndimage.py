"""``jaxlike.scipy.ndimage``, as ``jax.scipy.ndimage``: ``map_coordinates`` (the input sampled at arbitrary
coordinates by nearest-neighbour, order 0, or multilinear, order 1, interpolation), with JAX's modes:
"constant" (corners outside the input count as ``cval``, then the weights blend them in, which is scipy's
"grid-constant"), "nearest", "wrap" (periodic: scipy's "grid-wrap"), "mirror" and "reflect".

Each of the 2^d corners of a point is one gather of the input at indices folded into range by the mode,
weighted by the product of the per-axis weights; the floor of a coordinate has no derivative, so the
gradient in the coordinates is that of the weights (the slope of the cell), and in the input that of the
gather. Order 0 rounds half away from zero, as JAX. Integer input gives integer output, rounded.
A front-end module: imports jaxlike.numpy and jaxlike.lax."""

import functools
import itertools
import operator

import numpy as np

from .. import numpy as jnp
from .. import lax
from ..numpy._base import asarray_or_var, as_var, is_traced, ndim, shape

__all__ = ["map_coordinates"]


def _mirror(index, size):
    period = size - 1
    if period == 0:
        return index * 0
    return jnp.abs(jnp.mod(index + period, 2 * period) - period)


def _reflect(index, size):
    # NOTE: reflect (d c b a | a b c d | d c b a) is mirror on the doubled grid with the half-sample offset
    return jnp.floor_divide(_mirror(2 * index + 1, 2 * size + 1) - 1, 2)


_FOLD = {
    "constant": lambda index, size: jnp.clip(index, 0, size - 1),
    "nearest": lambda index, size: jnp.clip(index, 0, size - 1),
    "wrap": lambda index, size: jnp.mod(index, size),
    "mirror": _mirror,
    "reflect": _reflect,
}


def _corners(coordinate, order, dtype):
    """(index, weight) pairs whose weighted sum interpolates along one axis."""
    if order == 0:
        index = jnp.asarray(lax.round(coordinate), dtype=np.int64)
        return [(index, None)]
    lower = jnp.floor(coordinate)
    upper_weight = coordinate - lower
    index = jnp.asarray(lower, dtype=np.int64)
    return [(index, 1 - upper_weight), (index + 1, upper_weight)]


def map_coordinates(input, coordinates, order, mode="constant", cval=0.0):
    """``input`` interpolated at ``coordinates`` (one array per input dimension, all of one shape, the shape
    of the result) with spline ``order`` 0 or 1; points outside are handled by ``mode``."""
    input = asarray_or_var(input)
    nd = ndim(input)
    if isinstance(coordinates, (list, tuple)):
        coords = [asarray_or_var(c) for c in coordinates]
    else:
        coordinates = asarray_or_var(coordinates)
        coords = [coordinates[i] for i in range(int(shape(coordinates)[0]))] if ndim(coordinates) else []
    if len(coords) != nd:
        raise ValueError(f"map_coordinates: coordinates must be a sequence of length input.ndim, but "
                         f"{len(coords)} != {nd}")
    if mode not in _FOLD:
        raise NotImplementedError(f"map_coordinates: mode {mode!r} is not supported; the modes are "
                                  f"{sorted(_FOLD)} (as in JAX)")
    if order not in (0, 1):
        raise NotImplementedError(f"map_coordinates: order must be 0 or 1 (as in JAX), got {order!r}")
    in_dtype = np.dtype(jnp.result_type(input))
    sizes = tuple(int(s) for s in shape(input))
    if 0 in sizes:
        raise ValueError(f"map_coordinates: input must not be empty, got shape {sizes}")
    coords = [c if np.dtype(jnp.result_type(c)).kind in "fc" else jnp.asarray(c, dtype=np.float64)
              for c in coords]
    if nd == 0:
        return input
    if is_traced(*coords) and not is_traced(input):
        input = as_var(input)   # NOTE: a numpy array cannot be indexed by traced indices; a graph constant can
    per_axis = []
    for c, size in zip(coords, sizes):
        nodes = []
        for index, weight in _corners(c, order, in_dtype):
            valid = ((index >= 0) & (index < size)) if mode == "constant" else None
            nodes.append((_FOLD[mode](index, size), valid, weight))
        per_axis.append(nodes)
    total = None
    for corner in itertools.product(*per_axis):
        indices, valids, weights = zip(*corner)
        value = input[tuple(indices)]
        if mode == "constant":
            value = jnp.where(functools.reduce(operator.and_, valids), value, jnp.asarray(cval, dtype=in_dtype))
        weights = [w for w in weights if w is not None]
        if weights:
            value = functools.reduce(operator.mul, weights) * value
        total = value if total is None else total + value
    if in_dtype.kind in "iub":
        total = lax.round(total) if np.dtype(jnp.result_type(total)).kind == "f" else total
    return jnp.asarray(total, dtype=in_dtype)
