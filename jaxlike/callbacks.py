"""``jaxlike.pure_callback``: JAX's ``jax.pure_callback``, a Python function called from traced code.

The function gets numpy arrays and returns arrays of the shapes and dtypes ``result_shape_dtypes`` declares
(anything with ``.shape`` and ``.dtype``: ``ShapeDtypeStruct``, arrays). In a compiled function it runs each
time the function does (numba_cpu calls back into Python through ``numba.objmode``; numba_cuda on the host), so
numpy, scipy or any library can compute part of a graph. It must be pure: like JAX, jaxlike may call it more
than once (once per result used) or not at all (a result nothing reads). Unlike a print, its results are
ordinary values, so it works inside loop and branch bodies too. The function is part of the compiled code's
cache key: the on-disk cache serves it within one process only. A front-end module: imports pytree, core, ops.
"""

import numpy as np

from . import pytree
from .core.errors import user_frame, where
from .core.graph import Var
from .core.types import canonical_dtype
from .ops.callbacks import pure_callback as _pure_callback_op, checked_call

__all__ = ["pure_callback"]


def pure_callback(callback, result_shape_dtypes, *args, sharding=None, vmap_method=None, vectorized=None,
                  **kwargs):
    """``callback(*args, **kwargs)`` as part of the traced computation, its results shaped as
    ``result_shape_dtypes``. ``vmap_method`` ("sequential", "expand_dims", "broadcast_all") says how it
    runs under vmap, as in JAX (without one, vmap refuses); ``vectorized=True`` is JAX's older spelling of
    "expand_dims". No derivative: wrap the caller in ``custom_jvp``/``custom_vjp`` to give one."""
    if not callable(callback):
        raise TypeError(f"pure_callback: callback must be callable, got {type(callback).__name__}"
                        f"{where(user_frame())}")
    specs, out_tree = pytree.flatten(result_shape_dtypes)
    results = []
    for k, spec in enumerate(specs):
        if not hasattr(spec, "shape") or not hasattr(spec, "dtype"):
            raise TypeError(f"pure_callback: result_shape_dtypes leaf {k} is {type(spec).__name__}, expected an "
                            f"object with .shape and .dtype (jaxlike.ShapeDtypeStruct){where(user_frame())}")
        results.append((tuple(spec.shape), canonical_dtype(np.dtype(spec.dtype), "pure_callback result dtype").name))
    if vmap_method is None and vectorized:
        vmap_method = "expand_dims"
    leaves, tree = pytree.flatten((args, kwargs))
    if not any(isinstance(leaf, Var) for leaf in leaves):
        values = checked_call(leaves, callback, tree, tuple(results))
        return pytree.unflatten(out_tree, values)
    outs = [_pure_callback_op(*leaves, callback=callback, tree=tree, results=tuple(results), output=k, lead=(),
                              method=vmap_method)
            for k in range(len(results))]
    return pytree.unflatten(out_tree, outs)
