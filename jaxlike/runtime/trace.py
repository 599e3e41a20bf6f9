"""Tracing Python functions into graphs: fresh input Vars typed from example arguments, with sizes
symbolic (sizes of 1 stay static: they decide broadcasting) unless the caller asks for concrete shapes."""

import numpy as np

from ..core import effects
from ..core.graph import Var, as_var
from ..core.errors import ConcretizationError
from ..core.types import MAY_SPECIALIZE, CONCRETE_REQUESTS, TensorType, Sym, type_of_value, canonical_dtype
from .. import pytree


def _device_type(x):
    """The type of a GPU array (``__cuda_array_interface__``: CuPy, PyTorch, numba), read without copying it to
    the host (which ``np.asarray`` would do, or refuse); None for anything else."""
    if isinstance(x, (np.ndarray, np.generic, bool, int, float)):
        return None
    cai = getattr(x, "__cuda_array_interface__", None)
    if cai is None:
        return None
    return TensorType(canonical_dtype(np.dtype(cai["typestr"]), "argument dtype"), tuple(cai["shape"]))


def abstract_type(x, concrete_shapes=False):
    """The type a traced input gets from an example value."""
    if isinstance(x, Var):
        return x.type
    if isinstance(x, np.generic):       # NOTE: np.float64 is a float, but numpy's scalars are not weak
        return TensorType(canonical_dtype(x.dtype, "argument dtype"), ())
    t = _device_type(x) or type_of_value(x)
    if concrete_shapes or t.weak:
        return t
    return TensorType(t.dtype, tuple(1 if d == 1 else Sym() for d in t.shape))


def leaf_signature(x):
    """Cache key of one argument leaf: dtype, rank and which dims are 1 (not the sizes)."""
    if isinstance(x, (bool, int, float)):
        if type(x) is int and not -2 ** 63 <= x < 2 ** 63:
            raise OverflowError(f"Python int argument {x} does not fit in int64 (jaxlike's widest integer); "
                                "pass a float or a numpy array")
        return type(x)
    if isinstance(x, np.ndarray):
        return (x.dtype.str, x.shape.__len__(), tuple(d == 1 for d in x.shape))
    if isinstance(x, Var):
        raise TypeError("internal: Var leaf in a concrete signature")
    dev = _device_type(x)
    if dev is not None:
        return (dev.dtype.str, dev.ndim, tuple(d == 1 for d in dev.shape))
    arr = np.asarray(x)
    if arr.dtype == object or arr.dtype.kind in "USV":
        raise TypeError(f"unsupported argument of type {type(x).__name__}: expected arrays, Python scalars "
                        "or (nested) tuples/lists/dicts of them")
    canonical_dtype(arr.dtype, "argument dtype")
    return (arr.dtype.str, arr.ndim, tuple(d == 1 for d in arr.shape))


def trace(fn, args, concrete_shapes=False, names=None, prints=None):
    """Trace ``fn(*args)``. Returns (input Vars, output Vars, output treedef). The traced prints made on the way
    (``core/effects.py``) go to the list ``prints`` when one is given, else nowhere."""
    leaves, treedef = pytree.flatten(list(args))
    inputs = [Var(abstract_type(x, concrete_shapes)) for x in leaves]
    for i, v in enumerate(inputs):
        v.name = names[i] if names else None
    traced_args = pytree.unflatten(treedef, inputs)
    requests = []
    token, position = MAY_SPECIALIZE.set(not concrete_shapes), effects.open_trace()
    asked = CONCRETE_REQUESTS.set(requests)
    try:
        out = fn(*traced_args)
    except Exception as e:
        if requests and not concrete_shapes and not isinstance(e, ConcretizationError):
            # NOTE: a size read as a value, whose ConcretizationError something (numpy) turned into an error of
            # its own: the caller's retrace with concrete sizes then runs the user's code on ints
            raise ConcretizationError(f"size {requests[0]!r} was read as a concrete value ({e})") from e
        raise
    finally:
        CONCRETE_REQUESTS.reset(asked)
        MAY_SPECIALIZE.reset(token)
        made = effects.close_trace(position)
    if prints is not None and made:
        effects.check_owned(made, inputs)
        prints.extend(made)
    out_leaves, out_tree = pytree.flatten(out)
    return inputs, [as_output(o) for o in out_leaves], out_tree


def as_output(o):
    """A traced function's output leaf as a Var. A size (``x.shape[0]``, symbolic while compile() traces) is its
    int64 scalar in the graph: one compiled function serves every size, so the size is a value it returns."""
    if isinstance(o, Var):
        return o
    if isinstance(o, Sym):
        return o.value(specialize=False)
    arr = np.asarray(o)
    if arr.dtype == object:
        raise TypeError(f"a traced function returned {type(o).__name__}, which is not an array")
    return as_var(arr)
