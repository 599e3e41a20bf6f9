"""``jaxlike.scipy.integrate``, as ``jax.scipy.integrate``: ``trapezoid`` (the trapezoidal rule along an
axis, at sample points ``x`` or spacing ``dx``), differentiable in ``y``, ``x`` and ``dx``.
A front-end module: imports jaxlike.numpy."""

import numpy as np

from .. import numpy as jnp
from ..numpy._base import asarray_or_var, ndim

__all__ = ["trapezoid"]


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """The integral of ``y`` along ``axis`` by the trapezoidal rule; integer samples count as floats."""
    y = asarray_or_var(y)
    nd = ndim(y)
    if nd == 0:
        raise ValueError("trapezoid: y must have at least one dimension")
    if not -nd <= axis < nd:
        raise ValueError(f"trapezoid: axis {axis} out of range for y of rank {nd}")
    if np.dtype(jnp.result_type(y)).kind not in "fc":
        y = jnp.asarray(y, dtype=np.float64)
    return jnp.trapezoid(y, x, dx, axis)
