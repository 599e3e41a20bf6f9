"""Calling back into Python from compiled code: two primitives with an effect (prints) and one pure call.

- ``debug_print(*leaves, fmt, tree, levels, serial, callback=None)``: JAX's ``jax.debug.print``. Prints
  ``fmt.format(*args, **kwargs)`` with the leaves put back into ``tree`` (the structure of ``(args, kwargs)``),
  or calls ``callback(*args, **kwargs)`` (``jax.debug.callback``),
  and returns a token (a 0-d bool nothing reads; ``core/effects.py`` keeps it alive). Under vmap every operand
  carries the same ``levels`` leading batch axes and each batch element prints on its own line, as in JAX.
  ``serial`` tells two prints of the same values apart, so CSE cannot merge them into one.
- ``print_value(x, message, attrs, hook)``: Theano's ``printing.Print``: returns ``x`` and prints
  ``message attr = x.attr`` for each attr (called when callable), or calls ``hook.global_fn(hook, x)``. Gradients pass through without printing,
  as in Theano. Kept only where its result is used, as in Theano.

- ``pure_callback(*leaves, callback, tree, results, output, lead, method)``: JAX's ``jax.pure_callback``,
  result ``output`` of ``callback(*args, **kwargs)``, whose results must have the shapes of ``results``
  (``(shape, dtype)`` pairs; dtypes are cast, as in JAX). One node per result, each calling the function (JAX
  allows a pure callback to be called any number of times). Under vmap ``method`` says how (JAX's
  ``vmap_method``): "sequential" calls it once per element of the ``lead`` batch axes, "expand_dims" and
  "broadcast_all" once with batched arguments. No derivative, as in JAX (wrap it in ``custom_jvp``).

OPAQUE with no backend lowering: numba_cpu runs the numpy rule through ``numba.objmode`` and numba_cuda on
the host, each time the compiled code runs (``extra["host"]``: no warning about the fallback; the prints'
``extra["effect"]``: never constant-folded). Imports core and ops only.
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
            Sample(rng.normal(size=(0, 1)), np.int64(4), fmt="{} {}", tree=two, levels=0, serial=2),
            Sample(rng.normal(size=(2, 3)), rng.normal(size=2), fmt="{} {b}", tree=one, levels=0, serial=1)]


debug_print = register(Primitive(
    "debug_print", Kind.OPAQUE, shape=lambda *types, **attrs: TensorType(np.dtype(bool), ()),
    numpy=_debug_print_numpy, batch=_debug_print_batch, samples=_debug_print_samples,
    differentiable=(), extra={"effect": True, "host": True},
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
                         Sample(rng.normal(size=(1, 0)), message="", attrs=("shape", "sum"), hook=None)],
    extra={"effect": True, "host": True},
    doc="Theano's printing.Print: returns x and prints message attr = x.attr for each attr"))



def _pure_shape(*types, callback, tree, results, output, lead, method):
    shape, dtype = results[output]
    return TensorType(np.dtype(dtype), tuple(lead) + tuple(shape))


def checked_call(leaves, callback, tree, results):
    args, kwargs = pytree.unflatten(tree, [np.asarray(x) for x in leaves])
    got = pytree.flatten(callback(*args, **kwargs))[0]
    if len(got) != len(results):
        raise RuntimeError(f"pure_callback: the callback returned {len(got)} arrays, result_shape_dtypes "
                           f"describes {len(results)}")
    out = []
    for k, (value, (shape, dtype)) in enumerate(zip(got, results)):
        value = np.asarray(value)
        if value.shape != tuple(shape):
            raise RuntimeError(f"pure_callback: result {k} of the callback has shape {value.shape}, "
                               f"result_shape_dtypes says {tuple(shape)}")
        out.append(value.astype(dtype, copy=False))
    return out


def _pure_numpy(*leaves, callback, tree, results, output, lead, method):
    if not lead:
        return checked_call(leaves, callback, tree, results)[output].copy()
    shape, dtype = results[output]
    out = np.empty(tuple(lead) + tuple(shape), dtype)
    for index in np.ndindex(*lead):
        out[index] = checked_call([np.asarray(x)[index] for x in leaves], callback, tree, results)[output]
    return out


_VMAP_METHODS = ("sequential", "sequential_unrolled", "expand_dims", "broadcast_all", "legacy_vectorized")


def _pure_batch(args, batched, size, **attrs):
    from .layout import expand_back
    method = attrs["method"]
    if method not in _VMAP_METHODS:
        raise NotImplementedError(
            "vmap of pure_callback needs vmap_method= (as in JAX): 'sequential' calls the function once per "
            "element, 'expand_dims' once with the unmapped arguments given a leading axis of 1, 'broadcast_all' "
            f"once with every argument mapped; got vmap_method={method!r}")
    if method.startswith("sequential"):
        args = [with_batch(a, b, size) for a, b in zip(args, batched)]
        return pure_callback(*args, **{**attrs, "lead": (size,) + tuple(attrs["lead"])})
    if method == "broadcast_all":
        args = [with_batch(a, b, size) for a, b in zip(args, batched)]
    elif method == "expand_dims":
        args = [a if b else expand_back(a, (0,), a.ndim + 1) for a, b in zip(args, batched)]
    results = tuple(((size,) + tuple(shape), dtype) for shape, dtype in attrs["results"])
    return pure_callback(*args, **{**attrs, "results": results})


def _no_derivative(*args, **attrs):
    # NOTE: TypeError, as jaxlike's other refused derivatives (while_loop's); JAX raises ValueError
    raise TypeError("pure_callback has no derivative (as in JAX): wrap the function that calls it in "
                     "jaxlike.custom_jvp or custom_vjp and give the rule")


def _pure_samples(rng):
    one = pytree.flatten(((0,), {}))[1]
    two = pytree.flatten(((0, 0), {}))[1]
    return [Sample(rng.normal(size=3), callback=np.sin, tree=one, results=(((3,), "float64"),), output=0,
                   lead=(), method="sequential"),
            Sample(rng.normal(size=(0, 1)), callback=np.sin, tree=one, results=(((0, 1), "float64"),), output=0,
                   lead=(), method="sequential"),
            Sample(rng.normal(size=(2, 3)), rng.normal(size=3), callback=lambda a, b: (a + b, b.sum()), tree=two,
                   results=(((2, 3), "float64"), ((), "float64")), output=1, lead=(), method="sequential")]


pure_callback = register(Primitive(
    "pure_callback", Kind.OPAQUE, shape=_pure_shape, numpy=_pure_numpy, vjp=_no_derivative,
    jvp=_no_derivative, batch=_pure_batch, samples=_pure_samples, extra={"host": True},
    doc="result `output` of a Python function of the operands (jax.pure_callback)"))

__all__ = ["debug_print", "print_value", "pure_callback", "checked_call", "next_serial"]
