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


def log1mexp(a):
    """log(1 - exp(-a)) for a >= 0: through expm1 below log 2, where 1 - exp(-a) cancels, and log1p above,
    where it is close to 1 (each branch sees only arguments in its own range)."""
    small = a < float(np.log(2.0))
    return jnp.where(small, jnp.log(-jnp.expm1(-jnp.where(small, a, 1.0))),
                     jnp.log1p(-jnp.exp(-jnp.where(small, 1.0, a))))
