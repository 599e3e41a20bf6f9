"""Printing from compiled code: the two primitives with an effect.

- ``debug_print(*leaves, fmt, tree, levels, serial, callback=None)``: JAX's ``jax.debug.print``. Prints
  ``fmt.format(*args, **kwargs)`` with the leaves put back into ``tree`` (the structure of ``(args, kwargs)``),
  or calls ``callback(*args, **kwargs)`` (``jax.debug.callback``),
  and returns a token (a 0-d bool nothing reads; ``core/effects.py`` keeps it alive). Under vmap every operand
  carries the same ``levels`` leading batch axes and each batch element prints on its own line, as in JAX.
  ``serial`` tells two prints of the same values apart, so CSE cannot merge them into one.
- ``print_value(x, message, attrs, hook)``: Theano's ``printing.Print``: returns ``x`` and prints
  ``message attr = x.attr`` for each attr (called when callable), or calls ``hook.global_fn(hook, x)``. Gradients pass through without printing,
  as in Theano. Kept only where its result is used, as in Theano.

OPAQUE with no backend lowering: numba_cpu runs the numpy rule through ``numba.objmode`` and numba_cuda on
the host, each time the compiled code runs (``extra["effect"]``: no warning about the fallback, never
constant-folded). Imports core and ops only.
"""

import itertools

import numpy as np

from ..core.types import TensorType
from ..core.primitive import Primitive, Kind, register
from .. import pytree
from ._rules import Sample
from ._batch import with_batch

_SERIALS = itertools.count()


def next_serial():
    return next(_SERIALS)


def _print_formatted(leaves, fmt, tree, callback):
    args, kwargs = pytree.unflatten(tree, [np.asarray(x) for x in leaves])
    if callback is None:
        print(fmt.format(*args, **kwargs))
    else:
        callback(*args, **kwargs)


def _debug_print_numpy(*leaves, fmt, tree, levels, serial, callback=None):
    if levels == 0 or not leaves:
        _print_formatted(leaves, fmt, tree, callback)
    else:
        for index in np.ndindex(*np.shape(leaves[0])[:levels]):
            _print_formatted([np.asarray(x)[index] for x in leaves], fmt, tree, callback)
    return np.array(False)


def _debug_print_batch(args, batched, size, **attrs):
    from .layout import broadcast_to
    args = [with_batch(a, b, size) for a, b in zip(args, batched)]
    token = debug_print(*args, **{**attrs, "levels": attrs["levels"] + 1})
    return broadcast_to(token, shape=(size,))


def _debug_print_samples(rng):
    two = pytree.flatten(((0, 0), {}))[1]
    one = pytree.flatten(((0,), {"b": 0}))[1]
    return [Sample(rng.normal(size=3), np.int64(4), fmt="{} {}", tree=two, levels=0, serial=0),
            Sample(rng.normal(size=(2, 3)), rng.normal(size=2), fmt="{} {b}", tree=one, levels=0, serial=1)]


debug_print = register(Primitive(
    "debug_print", Kind.OPAQUE, shape=lambda *types, **attrs: TensorType(np.dtype(bool), ()),
    numpy=_debug_print_numpy, batch=_debug_print_batch, samples=_debug_print_samples,
    differentiable=(), extra={"effect": True},
    doc="prints its operands formatted (jax.debug.print); returns a token nothing reads"))


def _print_value_numpy(x, *, message, attrs, hook):
    x = np.asarray(x)
    if hook is not None:
        hook.global_fn(hook, x)
        return x.copy()
    for attr in attrs:
        shown = getattr(x, attr)
        print(message, attr, "=", shown() if callable(shown) else shown)
    return x.copy()


print_value = register(Primitive(
    "print_value", Kind.OPAQUE, shape=lambda x, **attrs: TensorType(x.dtype, x.shape, x.weak),
    numpy=_print_value_numpy,
    vjp=lambda g, ans, x, **attrs: (g,), jvp=lambda tangents, ans, x, **attrs: tangents[0],
    batch=lambda args, batched, size, **attrs: print_value(args[0], **attrs),
    samples=lambda rng: [Sample(rng.normal(size=(2, 3)), message="x", attrs=("__str__",), hook=None),
                         Sample(rng.normal(size=4), message="", attrs=("shape", "sum"), hook=None)],
    extra={"effect": True},
    doc="Theano's printing.Print: returns x and prints message attr = x.attr for each attr"))

__all__ = ["debug_print", "print_value", "next_serial"]
