"""Central differences for the tests that check derivatives against them (imported by name: tests/ is on the
path, as for _numba_level)."""

import numpy as np


def central_difference(f, x, eps=1e-6):
    """The gradient of scalar ``f`` at ``x`` (an array or a number), one central difference per element."""
    x = np.array(x, dtype=float)
    out = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = eps
        out[i] = (f(x + step) - f(x - step)) / (2 * eps)
    return out
