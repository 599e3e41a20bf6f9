"""``jaxlike.scipy.interpolate``, as ``jax.scipy.interpolate``: ``RegularGridInterpolator`` (multilinear or
nearest-grid-point interpolation on a rectangular grid whose axes are strictly increasing; points outside
the grid get ``fill_value``, NaN by default, or are extrapolated with ``fill_value=None``). As in JAX,
``bounds_error=True`` is not supported (the bounds are values, unknown while tracing).

The cell of each point is found by ``searchsorted`` per axis (clipped to the first and last cells, which
extrapolates linearly); the 2^d corners are gathers of ``values`` weighted by the normalized distances, so
the result is differentiable in ``values`` and in the query points. The interpolator is a pytree (grid,
values and fill value as leaves), so it can be an argument of a compiled function.
A front-end module: imports jaxlike.numpy and jaxlike.pytree."""

import itertools

import numpy as np

from .. import numpy as jnp
from .. import pytree
from ..numpy._base import asarray_or_var, as_var, is_traced, ndim, shape

__all__ = ["RegularGridInterpolator"]

_METHODS = ("linear", "nearest")


def _points_array(points, n):
    """The query points as one (..., n) array: a tuple of coordinate arrays is broadcast and stacked."""
    if isinstance(points, tuple) and len(points) == 1:
        points = points[0]
    if isinstance(points, tuple):
        parts = jnp.broadcast_arrays(*[asarray_or_var(p) for p in points])
        return jnp.stack(parts, axis=-1)
    points = asarray_or_var(points)
    if ndim(points) == 1:
        points = jnp.reshape(points, (-1, n))
    return points


def _gather(table, index):
    """table[index]; a concrete table becomes a constant of the graph when the index is traced."""
    if is_traced(*index) and not is_traced(table):
        table = as_var(table)
    return table[index]


class RegularGridInterpolator:
    """Interpolation of ``values`` on the grid ``points`` (one strictly increasing 1-D array per leading
    axis of ``values``; trailing axes of ``values`` are carried along), as scipy's and JAX's."""

    def __init__(self, points, values, method="linear", bounds_error=False, fill_value=np.nan):
        if method not in _METHODS:
            raise ValueError(f"RegularGridInterpolator: method {method!r} is not defined; use one of {_METHODS}")
        if bounds_error:
            raise NotImplementedError("RegularGridInterpolator: bounds_error=True is not supported (as in JAX: "
                                      "the bounds check would need the values of traced points)")
        self.method, self.bounds_error = method, bounds_error
        values = asarray_or_var(values)
        if len(points) > ndim(values):
            raise ValueError(f"RegularGridInterpolator: there are {len(points)} point arrays, but values has "
                             f"{ndim(values)} dimensions")
        if np.dtype(jnp.result_type(values)).kind not in "fc":
            values = jnp.asarray(values, dtype=np.float64)
        grid = tuple(asarray_or_var(p) for p in points)
        for i, g in enumerate(grid):
            if ndim(g) != 1:
                raise ValueError(f"RegularGridInterpolator: points[{i}] must be 1-dimensional, got rank {ndim(g)}")
            if int(shape(g)[0]) != int(shape(values)[i]):
                raise ValueError(f"RegularGridInterpolator: there are {int(shape(g)[0])} points in dimension {i}, "
                                 f"but values has {int(shape(values)[i])} values there")
            if int(shape(g)[0]) < 2:
                raise ValueError(f"RegularGridInterpolator: points[{i}] needs at least 2 grid points")
        if fill_value is not None:
            fill_value = asarray_or_var(fill_value)
            if not np.can_cast(np.dtype(jnp.result_type(fill_value)), np.dtype(jnp.result_type(values)),
                               casting="same_kind"):
                raise ValueError("RegularGridInterpolator: fill_value must be either None or of a type "
                                 "compatible with values")
        self.grid, self.values, self.fill_value = grid, values, fill_value

    def __call__(self, xi, method=None):
        method = self.method if method is None else method
        if method not in _METHODS:
            raise ValueError(f"RegularGridInterpolator: method {method!r} is not defined; use one of {_METHODS}")
        n = len(self.grid)
        xi = _points_array(xi, n)
        xi_shape = tuple(int(s) for s in shape(xi))
        if xi_shape[-1] != n:
            raise ValueError(f"RegularGridInterpolator: the requested sample points xi have dimension "
                             f"{xi_shape[-1]}, but this RegularGridInterpolator has dimension {n}")
        xi = jnp.reshape(xi, (-1, n))
        if np.dtype(jnp.result_type(xi)).kind not in "fc":
            xi = jnp.asarray(xi, dtype=np.float64)
        indices, distances, outside = [], [], None
        for d, g in enumerate(self.grid):
            x = xi[:, d]
            size = int(shape(g)[0])
            i = jnp.clip(jnp.searchsorted(g, x) - 1, 0, size - 2)
            lo, hi = _gather(g, (i,)), _gather(g, (i + 1,))
            indices.append(i)
            distances.append((x - lo) / (hi - lo))
            off = (x < g[0]) | (x > g[size - 1])
            outside = off if outside is None else outside | off
        trailing = ndim(self.values) - n
        if method == "linear":
            result = None
            for corner in itertools.product(*[(i, i + 1) for i in indices]):
                weight = None
                for ci, i, t in zip(corner, indices, distances):
                    w = t if ci is not i else 1 - t
                    weight = w if weight is None else weight * w
                term = _gather(self.values, tuple(corner)) * jnp.reshape(weight, (-1,) + (1,) * trailing)
                result = term if result is None else result + term
        else:
            result = _gather(self.values, tuple(jnp.where(t <= 0.5, i, i + 1) for i, t in zip(indices, distances)))
        if self.fill_value is not None:
            result = jnp.where(jnp.reshape(outside, (-1,) + (1,) * trailing), self.fill_value, result)
        out_shape = xi_shape[:-1] + tuple(int(s) for s in shape(self.values)[n:])
        return jnp.reshape(result, out_shape)


pytree.register(
    RegularGridInterpolator,
    lambda obj: ((obj.grid, obj.values, obj.fill_value), (obj.method, obj.bounds_error)),
    lambda aux, children: RegularGridInterpolator(children[0], children[1], aux[0], aux[1], children[2]),
)
