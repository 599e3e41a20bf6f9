"""``jaxlike.debug``: JAX's ``jax.debug.print``.

On concrete values it prints, as JAX does. Under ``compile``, ``grad``, ``vmap`` and the other
transformations the arguments are graph variables, and a graph here is pure: no primitive has an effect, so
a print node would have no output to keep it alive, and no backend can call back into Python while the
compiled code runs. Rather than print the variables (names, not values), it raises NotImplementedError saying
what to do instead. A front-end module: imports pytree and core.
"""

import builtins

from . import pytree
from .core.errors import user_frame, where
from .core.graph import Var

__all__ = ["print"]


def print(fmt, *args, ordered=False, partitioned=False, **kwargs):
    """Print ``fmt.format(*args, **kwargs)`` (JAX's signature: ``ordered`` and ``partitioned`` change nothing
    on one device run in program order). Raises NotImplementedError when an argument is traced: see the
    module docstring."""
    if not isinstance(fmt, str):
        raise TypeError(f"debug.print: fmt must be a format string, got {type(fmt).__name__}{where(user_frame())}")
    for name, value in [(f"args[{i}]", a) for i, a in enumerate(args)] + [(f"{k}=", v) for k, v in kwargs.items()]:
        if any(isinstance(leaf, Var) for leaf in pytree.flatten(value)[0]):
            raise NotImplementedError(
                f"debug.print{where(user_frame())}: {name} is a traced value (inside compile, grad, vmap or another "
                "transformation); jaxlike's compiled graphs cannot call back into Python to print it when they "
                "run. Return it as an extra output (has_aux=True for grad) and print it outside, or call the "
                "function on concrete arrays without the transformation.")
    builtins.print(fmt.format(*args, **kwargs))
