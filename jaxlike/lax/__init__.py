"""``jaxlike.lax``, as ``jax.lax``: control flow and dynamic slices (``control.py``). Each module of this
package builds graphs from the core's primitives and the numpy front end; this file only gathers their names."""

from .control import (scan, map, fori_loop, while_loop, select, cond, switch, dynamic_slice,  # noqa: F401
                      dynamic_update_slice, dynamic_slice_in_dim, dynamic_index_in_dim, dynamic_update_slice_in_dim,
                      dynamic_update_index_in_dim, stop_gradient)
from . import control as _control

__all__ = list(_control.__all__)
