"""``jaxlike.nn.initializers``, as ``jax.nn.initializers``: each factory returns ``init(key, shape, dtype)``
drawing parameters from ``jaxlike.random``, with JAX's constructions, so the same key gives JAX's values:
zeros, ones, constant, uniform, normal, truncated_normal, variance_scaling and its named forms (glorot/xavier,
lecun, he/kaiming; uniform, normal), orthogonal, delta_orthogonal. The default dtype is ``config.floatX``
(JAX's is its default float). A front-end module: imports jaxlike.numpy and jaxlike.random."""

import numpy as np

from .. import numpy as jnp
from .. import random as _random
from ..core.types import floatx, Sym

__all__ = ["zeros", "ones", "constant", "uniform", "normal", "truncated_normal", "variance_scaling",
           "glorot_uniform", "glorot_normal", "xavier_uniform", "xavier_normal", "lecun_uniform", "lecun_normal",
           "he_uniform", "he_normal", "kaiming_uniform", "kaiming_normal", "orthogonal", "delta_orthogonal"]

# The standard deviation of a standard normal truncated to [-2, 2], which variance scaling divides out
_TRUNCATED_STDDEV = 0.87962566103423978


def _dtype(dtype):
    return np.dtype(floatx() if dtype is None else dtype)


def _shape(shape):
    """``shape`` as a tuple of ints; a float size is refused (int() would truncate 2.5 to 2 without a word)."""
    dims = (shape,) if isinstance(shape, (int, np.integer, Sym)) else tuple(shape)
    for d in dims:
        if not isinstance(d, Sym) and (isinstance(d, (bool, np.bool_)) or not isinstance(d, (int, np.integer))
                                       or d < 0):
            raise TypeError(f"initializer: shape must be a tuple of non-negative ints, got {shape!r}")
    # NOTE: int() of a traced symbolic size makes compile retrace with concrete shapes
    return tuple(int(d) for d in dims)


def zeros(key, shape, dtype=None):
    return jnp.zeros(_shape(shape), _dtype(dtype))


def ones(key, shape, dtype=None):
    return jnp.ones(_shape(shape), _dtype(dtype))


def constant(value, dtype=None):
    def init(key, shape, dtype=dtype):
        return jnp.full(_shape(shape), value, _dtype(dtype))
    return init


def uniform(scale=1e-2, dtype=None):
    """U[0, scale)."""
    def init(key, shape, dtype=dtype):
        dt = _dtype(dtype)
        return _random.uniform(key, _shape(shape), dt) * dt.type(scale)
    return init


def normal(stddev=1e-2, dtype=None):
    def init(key, shape, dtype=dtype):
        dt = _dtype(dtype)
        return _random.normal(key, _shape(shape), dt) * dt.type(stddev)
    return init


def truncated_normal(stddev=1e-2, dtype=None, lower=-2.0, upper=2.0):
    """A normal truncated to [lower, upper] standard deviations, then scaled by ``stddev``."""
    def init(key, shape, dtype=dtype):
        dt = _dtype(dtype)
        return _random.truncated_normal(key, lower, upper, _shape(shape), dt) * dt.type(stddev)
    return init


def _fans(shape, in_axis, out_axis, batch_axis):
    nd = len(shape)
    axis = lambda a: a % nd    # noqa: E731
    in_axes = tuple(axis(a) for a in np.atleast_1d(in_axis))
    out_axes = tuple(axis(a) for a in np.atleast_1d(out_axis))
    batch = tuple(axis(a) for a in np.atleast_1d(batch_axis)) if batch_axis != () else ()
    receptive = int(np.prod([d for i, d in enumerate(shape) if i not in in_axes + out_axes + batch]))
    fan_in = int(np.prod([shape[a] for a in in_axes])) * receptive
    fan_out = int(np.prod([shape[a] for a in out_axes])) * receptive
    return fan_in, fan_out


def variance_scaling(scale, mode, distribution, in_axis=-2, out_axis=-1, batch_axis=(), dtype=None):
    """Draws with variance scale / n, n the fan-in (``mode`` 'fan_in'), the fan-out ('fan_out'), their
    mean ('fan_avg') or their geometric mean ('fan_geo_avg'), computed from ``shape`` as JAX does (receptive-field size times the in/out axes);
    ``distribution`` 'truncated_normal', 'normal' or 'uniform'."""
    if mode not in ("fan_in", "fan_out", "fan_avg", "fan_geo_avg"):
        raise ValueError("variance_scaling: mode must be 'fan_in', 'fan_out', 'fan_avg' or 'fan_geo_avg', got "
                         f"{mode!r}")
    if distribution not in ("truncated_normal", "normal", "uniform"):
        raise ValueError("variance_scaling: distribution must be 'truncated_normal', 'normal' or 'uniform', got "
                         f"{distribution!r}")

    def init(key, shape, dtype=dtype):
        shape, dt = _shape(shape), _dtype(dtype)
        if len(shape) < 2 and mode != "fan_in" or len(shape) < 1:
            raise ValueError(f"variance_scaling: shape {shape} has no {mode} (needs at least 2 dimensions)")
        fan_in, fan_out = _fans(shape, in_axis, out_axis, batch_axis) if len(shape) > 1 else (shape[0], shape[0])
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2,
             "fan_geo_avg": np.sqrt(fan_in * fan_out)}[mode]
        variance = scale / n
        if distribution == "truncated_normal":
            std = np.sqrt(variance) / _TRUNCATED_STDDEV
            return _random.truncated_normal(key, -2, 2, shape, dt) * dt.type(std)
        if distribution == "normal":
            return _random.normal(key, shape, dt) * dt.type(np.sqrt(variance))
        return _random.uniform(key, shape, dt, -1, 1) * dt.type(np.sqrt(3 * variance))
    return init


def _named(scale, mode, distribution):
    def factory(in_axis=-2, out_axis=-1, batch_axis=(), dtype=None):
        return variance_scaling(scale, mode, distribution, in_axis, out_axis, batch_axis, dtype)
    factory.__doc__ = f"variance_scaling({scale}, {mode!r}, {distribution!r}, ...)"
    return factory


glorot_uniform = xavier_uniform = _named(1.0, "fan_avg", "uniform")
glorot_normal = xavier_normal = _named(1.0, "fan_avg", "truncated_normal")
lecun_uniform = _named(1.0, "fan_in", "uniform")
lecun_normal = _named(1.0, "fan_in", "truncated_normal")
he_uniform = kaiming_uniform = _named(2.0, "fan_in", "uniform")
he_normal = kaiming_normal = _named(2.0, "fan_in", "truncated_normal")


def orthogonal(scale=1.0, column_axis=-1, dtype=None):
    """``scale`` times a Haar-random matrix with orthonormal columns (or rows, when there are fewer rows),
    over ``shape`` flattened to (everything else, shape[column_axis])."""
    def init(key, shape, dtype=dtype):
        shape, dt = _shape(shape), _dtype(dtype)
        if len(shape) < 2:
            raise ValueError(f"orthogonal initializer needs a shape of at least 2 dimensions, got {shape}")
        n_cols = shape[column_axis]
        if 0 in shape:
            return jnp.zeros(shape, dt)     # NOTE: nothing to draw (the rows below would divide by 0 columns)
        n_rows = int(np.prod(shape)) // n_cols
        matrix = (n_cols, n_rows) if n_rows < n_cols else (n_rows, n_cols)
        q, r = jnp.linalg.qr(_random.normal(key, matrix, dt))
        q = q * jnp.sign(jnp.diagonal(r))
        if n_rows < n_cols:
            q = q.T
        q = jnp.reshape(q, tuple(np.delete(shape, column_axis)) + (n_cols,))
        return dt.type(scale) * jnp.moveaxis(q, -1, column_axis)
    return init


def delta_orthogonal(scale=1.0, column_axis=-1, dtype=None):
    """For convolution kernels (3 to 5 dimensions, in-channels <= out-channels): zero except the spatial
    centre, which holds an orthogonal (in, out) matrix (Xiao et al. 2018)."""
    def init(key, shape, dtype=dtype):
        shape, dt = _shape(shape), _dtype(dtype)
        if len(shape) not in (3, 4, 5):
            raise ValueError(f"delta_orthogonal initializer needs a 3-, 4- or 5-dimensional shape, got {shape}")
        if shape[-2] > shape[-1]:
            raise ValueError(f"delta_orthogonal initializer needs in-channels <= out-channels, got {shape[-2:]}")
        centre = orthogonal(scale, column_axis, dt)(key, shape[-2:])
        spatial = shape[:-2]
        pads = [((d - 1) // 2, d - 1 - (d - 1) // 2) for d in spatial] + [(0, 0), (0, 0)]
        return jnp.pad(jnp.reshape(centre, (1,) * len(spatial) + shape[-2:]), pads)
    return init
