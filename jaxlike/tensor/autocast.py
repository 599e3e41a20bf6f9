"""Theano's dtypes for Python numbers (its default ``config.cast_policy='custom'``): a Python int becomes a
constant of the narrowest of int8, int16, int32, int64 that holds it (uint64 past int64), a Python float a
float32 constant when float32 holds it exactly (always, when floatX is float32) and float64 otherwise, a
complex complex128; then the usual upcast of the operand dtypes applies. So ``T.bvector() * 300`` is int16,
uint8 - 1 is int16, ``T.wscalar() * 1.5`` float32 and ``T.lscalar() * 1.5`` float64. numpy scalars and
arrays keep their dtypes. (jaxlike's own rule keeps Python numbers weak, NEP 50 style: uint8 - 1 stays uint8
and wraps, int8 * 300 overflows.)

Two deliberate differences, both where floatX is float64 and Theano's rule makes programs fail that
jaxlike's seeds and tests run: a Python float that float32 does not hold exactly (0.1) does not widen a
float32 (float16, complex64) operand to float64; it is float32 there. (Theano makes ``W - 0.1 * g`` float64
for a float32 shared ``W``, and then refuses it as ``W``'s update: its best-known type error.) Without
such an operand (``T.bscalar() * 0.1``) the number is float64, as in Theano. And a float that is no operand
(``T.constant(1.0)``, ``T.arange(0., 5., 1.)``) is floatX, where Theano makes an exact one float32
(``standalone_number``).

The rule applies where Theano code gives a Python number: the operators a user writes on a Theano graph
(``x - 1``, ``2.0 * x``), the elementwise ``T`` functions (``T.add(x, 1)``, ``T.switch(c, x, 0.1)``) and
``T.constant`` / ``T.as_tensor_variable``. Operators that jaxlike's own code applies, and operators on the
JAX front end's traced values, keep jaxlike's rule: their numbers are meant in the operand's dtype. A
front-end module: imports core and jaxlike.numpy.
"""

import functools
import sys
import weakref

import numpy as np

from ..core.graph import Var
from ..core.types import floatx, Sym
from ..core.errors import _ours
from ..numpy import result_type as weak_result_type

_INT_DTYPES = tuple(np.dtype(d) for d in ("int8", "int16", "int32", "int64"))
_PY_NUMBERS = (int, float, complex)


_SINGLE = tuple(np.dtype(d) for d in ("float16", "float32", "complex64"))


def _single_precision(operands):
    """Whether an operand is a float16/float32/complex64 tensor (or array): then an inexact Python float
    is float32, not float64 (see the module's note)."""
    return any(isinstance(o, (Var, np.ndarray, np.generic)) and np.dtype(o.dtype) in _SINGLE for o in operands)


def theano_number(x, single=False):
    """The numpy array Theano makes of the Python number ``x`` (bools are not numbers here: Theano refuses
    them, jaxlike keeps them as they are); ``single``: it meets a single-precision operand. Anything else
    comes back unchanged."""
    kind = type(x)
    if kind is int:
        for dt in _INT_DTYPES:
            info = np.iinfo(dt)
            if info.min <= x <= info.max:
                return np.asarray(x, dtype=dt)
        if 0 <= x <= np.iinfo(np.uint64).max:
            return np.asarray(x, dtype=np.uint64)
        raise OverflowError(f"the Python int {x} fits in no integer dtype (int64 or uint64)")
    if kind is float:
        with np.errstate(over="ignore"):
            narrow = np.asarray(x, dtype=np.float32)
        # NOTE: Theano's 'unsafe downcast': with floatX float32 every Python float is float32; else float32
        # only when exact (0.5, 2.0, inf), so 0.1 (and NaN, unequal to itself) is float64
        exact = float(narrow) == x
        return narrow if floatx() == np.float32 or exact or single else np.asarray(x, dtype=np.float64)
    if kind is complex:
        return np.asarray(x, dtype=np.complex128)
    return x


def standalone_number(x):
    """A Python number that is no operand of an operation (``T.constant(x)``, ``T.as_tensor_variable(x)``,
    ``T.arange``'s bounds): ints as ``theano_number``, floats float32 when floatX is float32 and else left
    as they are: a weak float64 constant, which meets a float32 operand as float32 (Theano makes an exact
    float such as 1.0 float32 here, and ``outputs_info=T.constant(0.0)`` of a float64 recurrence then fails
    its scan with an upcast error)."""
    if type(x) is float:
        return np.asarray(x, dtype=np.float32) if floatx() == np.float32 else x
    return theano_number(x)


def _dtype_of(o):
    if isinstance(o, (Var, np.ndarray, np.generic)):
        return np.dtype(o.dtype)
    if isinstance(o, Sym):
        return np.dtype(np.int64)
    try:
        return np.asarray(o).dtype
    except (TypeError, ValueError):
        return None


def theano_operands(operands):
    """``operands`` of one elementwise operation with their Python numbers typed as Theano's, where that
    changes the dtype they promote to (``uint8 - 1``, ``int8 * 300``, ``int16 * 1.5``); where it does not
    (``x ** 2``, ``int32 + 1``), the numbers stay jaxlike's weak ones, so the graph is the one the JAX front
    end builds."""
    numbers = [type(o) in _PY_NUMBERS for o in operands]
    if not any(numbers):
        return operands
    single = _single_precision(operands)
    typed = [theano_number(o, single) if n else o for o, n in zip(operands, numbers)]
    dtypes = [_dtype_of(t) for t in typed]
    if any(d is None for d in dtypes):
        return operands
    weak = [o if n else d for o, n, d in zip(operands, numbers, dtypes)]
    return operands if np.result_type(*dtypes) == weak_result_type(*weak) else typed


# -- which graphs are Theano's --------------------------------------------------------------------------
# NOTE: per Var id, (has a Theano root, has only constant roots, weak reference that drops the entry)
_ROOTS = {}
_MARKED = {}


def mark_theano(v):
    """Make the placeholder ``v`` (a scan step's input) a root of Theano graphs."""
    activate()
    _MARKED[v._id] = weakref.ref(v, lambda _r, i=v._id: _MARKED.pop(i, None))
    return v


def _leaf_flags(v):
    from .var import TensorVariable
    from .shared import SharedVariable
    theano = isinstance(v, (TensorVariable, SharedVariable)) or v._id in _MARKED
    return theano, v.is_const


def _flags(v):
    """(has a Theano root, only constant roots) of ``v``'s graph, memoized per node (iterative: deep graphs
    must not hit the recursion limit)."""
    hit = _ROOTS.get(v._id)
    if hit is not None:
        return hit[:2]
    stack = [v]
    while stack:
        u = stack[-1]
        if u._id in _ROOTS:
            stack.pop()
            continue
        if u.prim is None:
            flags = _leaf_flags(u)
        else:
            todo = [i for i in u.inputs if i._id not in _ROOTS]
            if todo:
                stack.extend(todo)
                continue
            parts = [_ROOTS[i._id] for i in u.inputs]
            flags = (any(p[0] for p in parts), all(p[1] for p in parts))
        _ROOTS[u._id] = flags + (weakref.ref(u, lambda _r, i=u._id: _ROOTS.pop(i, None)),)
        stack.pop()
    return _ROOTS[v._id][:2]


def in_theano_graph(v):
    """Whether ``v`` is computed from Theano variables (constructors' and shared ones, scan placeholders),
    or from constants only (``T.arange(3)``, ``T.constant(x)``)."""
    theano, constant_only = _flags(v)
    return theano or constant_only


# -- where Theano code passes Python numbers ------------------------------------------------------------
_OPERATORS = ("__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__",
              "__rtruediv__", "__floordiv__", "__rfloordiv__", "__mod__", "__rmod__", "__pow__", "__rpow__",
              "__lt__", "__le__", "__gt__", "__ge__", "__and__", "__rand__", "__or__", "__ror__", "__xor__",
              "__rxor__")


# NOTE: set once a Theano variable, constant or scan placeholder exists: until then no graph can be Theano's,
# and the operators skip the frame and graph checks (JAX-style tracing of x * 2.0 paid ~50% more for them)
ACTIVE = [False]


def activate():
    ACTIVE[0] = True


def _theano_operator(fn):
    @functools.wraps(fn)
    def operator(self, other):
        if (ACTIVE[0] and type(other) in _PY_NUMBERS and not _ours(sys._getframe(1).f_code.co_filename)
                and in_theano_graph(self)):
            other = theano_operands([self, other])[1]
        return fn(self, other)
    operator.__wrapped_operator__ = fn
    return operator


def install_operators():
    """Give the operators on ``Var`` Theano's numbers where a user's Theano code writes them."""
    for name in _OPERATORS:
        fn = getattr(Var, name)
        if not hasattr(fn, "__wrapped_operator__"):
            setattr(Var, name, _theano_operator(fn))


# NOTE: the T functions whose every argument is an elementwise operand (Theano's Elemwise ops)
ELEMENTWISE_FUNCTIONS = ("add", "sub", "mul", "true_div", "int_div", "floor_div", "mod", "pow", "power",
                         "maximum", "minimum", "arctan2", "lt", "le", "gt", "ge", "eq", "neq", "and_", "or_",
                         "xor", "bitwise_and", "bitwise_or", "bitwise_xor", "switch", "where", "clip",
                         "largest", "smallest")


def with_theano_numbers(fn):
    """``fn`` with its Python-number arguments given as Theano types them (``theano_operands``)."""
    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        typed = theano_operands(list(args) + list(kwargs.values()))
        return fn(*typed[:len(args)], **dict(zip(kwargs, typed[len(args):])))
    return wrapped


def _typed_fill(fn):
    """``T.fill(model, value)``: the result has the value's dtype (Theano's ``second``), so a Python value
    always gets Theano's dtype (``T.fill(x, 1)`` is int8)."""
    @functools.wraps(fn)
    def wrapped(model, value):
        return fn(model, theano_number(value, _single_precision([model])))
    return wrapped


def _typed_sequence(seq):
    if not isinstance(seq, (list, tuple)):
        return seq
    single = _single_precision(seq)
    return type(seq)(theano_number(o, single) for o in seq)


def _typed_joins(namespace):
    """``T.stack([x.sum(), 1])``, ``T.concatenate``, ``T.join``: the Python numbers among the joined values
    take Theano's dtypes, as ``as_tensor_variable`` gives each of them."""
    stack, concatenate, join = namespace["stack"], namespace["concatenate"], namespace["join"]

    @functools.wraps(stack)
    def typed_stack(*tensors, **kwargs):
        if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
            return stack(_typed_sequence(tensors[0]), **kwargs)
        return stack(*_typed_sequence(tensors), **kwargs)

    @functools.wraps(concatenate)
    def typed_concatenate(tensor_list, *args, **kwargs):
        return concatenate(_typed_sequence(tensor_list), *args, **kwargs)

    @functools.wraps(join)
    def typed_join(axis, *tensors):
        return join(axis, *_typed_sequence(tensors))
    namespace.update(stack=typed_stack, concatenate=typed_concatenate, join=typed_join)


def wrap_elementwise_functions(namespace):
    """Give the ``T`` functions in ``namespace`` (the module's globals) Theano's Python numbers: the
    ``ELEMENTWISE_FUNCTIONS``, ``fill``/``second`` and the joins."""
    for name in ELEMENTWISE_FUNCTIONS:
        if callable(namespace.get(name)):
            namespace[name] = with_theano_numbers(namespace[name])
    namespace["fill"] = namespace["second"] = _typed_fill(namespace["fill"])
    _typed_joins(namespace)


def arange_dtype(start, stop, step):
    """Theano's ``T.arange`` dtype for concrete bounds: the upcast of their dtypes as ``standalone_number``
    and numpy scalars give them (``T.arange(np.float32(3))`` is float32), integers widened to 64 bits."""
    dt = np.result_type(*[np.asarray(standalone_number(b)).dtype for b in (start, stop, step)])
    return {"i": np.dtype(np.int64), "u": np.dtype(np.uint64)}.get(dt.kind, dt)
