"""jaxlike: trace Python functions into typed graphs, differentiate them as graph transformations, and run
them as fused Numba loops.

Two front ends on one IR:
  * JAX style: ``jaxlike.compile`` (or ``jit``), ``grad``, ``value_and_grad``, ``vjp``, ``jvp``, ``linearize``,
    ``jacobian``, ``hessian``, ``vmap``, ``make_jaxpr``, ``eval_shape``, ``tree_util`` and
    ``import jaxlike.numpy as jnp``;
  * Theano style: ``import jaxlike.tensor as T``, ``jaxlike.function``, ``jaxlike.shared``, ``jaxlike.scan`` (and
    ``map``, ``reduce``, ``foldl``, ``foldr``, ``clone``), ``jaxlike.sandbox.rng_mrg.MRG_RandomStreams``.
"""

__version__ = "0.1.0"

from .config import config  # noqa: F401
from . import core, ops  # noqa: F401
from . import numpy  # noqa: F401  (installs operators and methods on traced values)
from .numpy import _methods  # noqa: F401
from . import nn  # noqa: F401
from .api import (grad, value_and_grad, vjp, jvp, linearize, jacrev, jacfwd, jacobian, hessian,  # noqa: F401
                  vmap, compile, jit, pmap, make_jaxpr, eval_shape, ShapeDtypeStruct, linear_transpose, typeof)
from ._annotations import named_scope, named_call, ensure_compile_time_eval  # noqa: F401
from .custom_derivatives import custom_jvp, custom_vjp  # noqa: F401
from ._checkpoint import checkpoint, remat, checkpoint_policies  # noqa: F401  (no rematerialization here)
from . import ad_checkpoint, dtypes  # noqa: F401  (jax.ad_checkpoint.checkpoint_name, jax.dtypes.float0)
from . import debug  # noqa: F401  (jax.debug.print and callback)
from .callbacks import pure_callback  # noqa: F401
from . import tree_util, tree, random, scipy, lax  # noqa: F401  (jax.tree_util, jax.tree, jax.random, ...)
from . import flatten_util  # noqa: F401  (jax.flatten_util.ravel_pytree)
from .host import (Array, Device, block_until_ready, device_put, device_get, devices, local_devices,  # noqa: F401
                   device_count, default_backend, local_device_count, process_index, process_count,
                   default_device, effects_barrier, print_environment_info)
from .runtime.compiled import disable_jit, clear_caches  # noqa: F401
from .core import ConcretizationError, TracerBoolError, TracerArrayConversionError, ShapeError  # noqa: F401
from . import display  # noqa: F401  (installs the notebook views: _repr_html_, _repr_svg_)
from .printing import debugprint, make_graph, pp  # noqa: F401  (pp: Theano's theano.pp)
from . import profile  # noqa: F401  (jaxlike.profile.report())
from .tensor import function, shared  # noqa: F401  (Theano style: jaxlike.function, jaxlike.shared)
from .tensor import In, Out, Param, Mode  # noqa: F401  (theano.In, theano.Out, theano.Param, theano.Mode)
from .tensor.compile_modes import attach as _attach_theano_compile
_attach_theano_compile(compile)   # NOTE: theano.compile.MonitorMode, .DebugMode, .mode.get_default_mode, ...
from .tensor.scan_module import scan  # noqa: F401  (Theano's theano.scan)
from .tensor.scan_module import map, reduce, foldl, foldr, clone  # noqa: F401,A004  (theano.map, theano.clone...)
from . import gradient  # noqa: F401  (Theano's theano.gradient.grad / jacobian / hessian / Rop / Lop / zero_grad)
from . import ifelse  # noqa: F401  (Theano's theano.ifelse.ifelse)
from . import scan_module  # noqa: F401  (Theano's theano.scan_module.until)
from . import sandbox  # noqa: F401  (Theano's theano.sandbox.rng_mrg.MRG_RandomStreams)
