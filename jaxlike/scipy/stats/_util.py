"""Helpers the distributions share: operands as arrays or traced values, the standardized variable, and
``select_safe`` (a where whose untaken branch saw harmless inputs). Imports jaxlike.numpy."""

import numpy as np

from ... import numpy as jnp
from ...numpy._base import asarray_or_var


def floats(*xs):
    """Operands promoted together to a float dtype (integers to float64), as scipy's."""
    xs = [asarray_or_var(x) for x in xs]
    dt = jnp.result_type(*xs)
    if dt.kind not in "fc":
        dt = np.dtype("float64")
    # NOTE: Python numbers become 0-d arrays too, so that a zero scale divides as numpy (inf), not as Python
    return [x if jnp.result_type(x) == dt and not isinstance(x, (int, float)) else jnp.asarray(x, dtype=dt)
            for x in xs]


def standardized(x, loc, scale):
    x, loc, scale = floats(x, loc, scale)
    with np.errstate(divide="ignore", invalid="ignore"):   # a zero scale: NaN from positive_scale, as scipy
        return (x - loc) / scale, scale


def outside(value, *operands):
    """``value`` (the answer off the support), or NaN where an operand is NaN: scipy's answer, where a support
    test alone (NaN >= 0 is False) would give -inf or 0 for a NaN argument."""
    nan = jnp.isnan(operands[0])
    for x in operands[1:]:
        nan = nan | jnp.isnan(x)
    return jnp.astype(jnp.where(nan, np.nan, value), jnp.result_type(*operands))    # NOTE: float32 stays float32


def positive_scale(value, scale):
    """value where scale > 0, NaN elsewhere (scipy's answer for a non-positive scale)."""
    return jnp.where(scale > 0, value, np.nan)
