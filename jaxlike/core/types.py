"""Value types of the IR: dtypes with numpy promotion (Python scalars are weak), symbolic sizes, TensorType.

A dimension is an ``int`` (known) or a ``Sym`` (a size fixed only when the function is called). A dimension
known to be 1 is broadcastable; that fact is always static. Imports numpy and config only.
"""

import contextvars
import itertools
import sys

import numpy as np

from ..config import config as _config  # NOTE: jaxlike.config is the Config object once jaxlike is imported
from .errors import ConcretizationError, called_from_user

FLOATS = (np.dtype("float16"), np.dtype("float32"), np.dtype("float64"))
COMPLEXES = (np.dtype("complex64"), np.dtype("complex128"))
SUPPORTED = FLOATS + COMPLEXES + tuple(np.dtype(t) for t in ("bool", "int8", "int16", "int32", "int64", "uint8",
                                                   "uint16", "uint32", "uint64"))
_SHORT = {"float16": "f16", "float32": "f32", "float64": "f64", "bool": "bool", "int8": "i8", "int16": "i16",
          "int32": "i32", "int64": "i64", "uint8": "u8", "uint16": "u16", "uint32": "u32", "uint64": "u64",
          "complex64": "c64", "complex128": "c128"}


def canonical_dtype(dtype, what="dtype"):
    dt = np.dtype(dtype)
    if dt not in SUPPORTED:
        raise TypeError(f"jaxlike does not support {what} {dt}; supported: "
                        f"{', '.join(str(d) for d in SUPPORTED)}")
    return dt


def floatx():
    return np.dtype(_config.floatX)


def is_float(dtype):
    return np.dtype(dtype).kind == "f"


def is_int(dtype):
    return np.dtype(dtype).kind in "iu"


def short_name(dtype):
    return _SHORT[np.dtype(dtype).name]


_KIND_ORDER = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}


def _raise_kind(strong, weak):
    """NEP 50: a Python float/complex lifts the kind of a strong dtype but keeps its precision where it has
    one (float32 + 1j is complex64; int32 + 1.0 is float64)."""
    if weak.kind == "f":
        return np.dtype("float64")
    if weak.kind == "c":
        return np.promote_types(strong, np.complex64) if strong.kind == "f" else np.dtype("complex128")
    return weak


def promote(types):
    """Numpy (NEP 50) promotion where weak types (Python scalars) only raise the kind, never the width."""
    strong = [t.dtype for t in types if not t.weak]
    weak = [t.dtype for t in types if t.weak]
    if strong:
        out = strong[0]
        for d in strong[1:]:
            out = np.promote_types(out, d)
        for d in weak:
            if _KIND_ORDER[d.kind] > _KIND_ORDER[out.kind]:
                out = _raise_kind(out, d)
        return out, False
    out = weak[0]
    for d in weak[1:]:
        out = np.promote_types(out, d)
    return out, True


# Set while a function is traced with symbolic sizes for compile(), which retraces with concrete sizes when
# the trace raises ConcretizationError; graphs built directly (Theano's) keep their symbolic sizes.
MAY_SPECIALIZE = contextvars.ContextVar("jaxlike_may_specialize", default=False)
# While such a trace runs, the sizes asked for as concrete values: numpy turns the ConcretizationError of
# ``np.ones(x.shape[0])`` into a TypeError of its own, and the trace retraces on any error after a request.
CONCRETE_REQUESTS = contextvars.ContextVar("jaxlike_concrete_requests", default=None)


# ``SIZE_VALUE(var, axis)``: the graph's int64 scalar for ``var.shape[axis]``; ops.reduce sets it (size_of).
SIZE_VALUE = None


class Sym:
    """A symbolic size. Reading it as a Python int (``range(x.shape[0])``) asks the tracer to specialize.

    Outside such a trace (a Theano graph, built once for every size), arithmetic on it (``x.shape[0] * 2``,
    ``T.sum(x) / x.shape[0]``) is arithmetic on the graph value of the size (``value``), as Theano's
    symbolic shapes are."""

    __slots__ = ("id", "origin", "at_most", "holder")
    _ids = itertools.count()

    def __init__(self, at_most=None):
        self.id = next(Sym._ids)
        # NOTE: the node whose shape rule made this size (None for graph inputs' sizes). Graphs that name
        # this size in an attr without computing that node add it as a root, so the size can be bound.
        self.origin = None
        self.at_most = at_most   # an upper bound where the rule knows one (x[:, :1] has 0 or 1 columns)
        self.holder = None       # (weak reference to the first Var of this size, its axis), for ``value``

    def value(self, specialize=True):
        """This size as an int64 scalar of the graph, read from the first Var that has it; while compile()
        traces with symbolic sizes, the request for a concrete size instead (unless not ``specialize``: the
        library's own uses, which need no concrete size)."""
        var = self.holder[0]() if self.holder is not None else None
        if (specialize and MAY_SPECIALIZE.get()) or var is None or SIZE_VALUE is None:
            self._concrete()
        return SIZE_VALUE(var, self.holder[1])

    def __repr__(self):
        return f"n{self.id}"

    def __getstate__(self):
        return {"origin": self.origin, "at_most": self.at_most}

    def __setstate__(self, state):
        # NOTE: a fresh id (ids are this process's); the holder is the first loaded Var of this size, which
        # may have been loaded (and set it) before this size's own state
        self.id = next(Sym._ids)
        self.origin, self.at_most = state["origin"], state["at_most"]
        if getattr(self, "holder", None) is None:
            self.holder = None

    def _concrete(self):
        requests = CONCRETE_REQUESTS.get()
        if requests is not None:
            requests.append(self)
        raise ConcretizationError(
            f"size {self!r} is symbolic here; read as a Python int it needs a concrete size")

    def _read_by_user(self):
        """Under compile's symbolic trace, user code that reads this size as a value (truth, hash, text) asks
        for a concrete size: a symbolic answer would be silently wrong there (``if x.shape[0]:`` of an empty
        axis, ``x.shape[0] in {3, 4}``). jaxlike's own code uses sizes as graph objects and is not asked."""
        return MAY_SPECIALIZE.get() and called_from_user(sys._getframe(2))

    @property
    def __class__(self):
        # NOTE: isinstance(x.shape[0], int) in user code looks here once the type test fails
        if self._read_by_user():
            self._concrete()
        return Sym

    def __index__(self):
        self._concrete()

    __int__ = __float__ = __complex__ = __index__

    def __array__(self, *_, **__):
        self._concrete()

    def __bool__(self):
        # NOTE: outside compile a size is a graph value, and Theano's graph values are all true
        if self._read_by_user():
            self._concrete()
        return True

    def __str__(self):
        if self._read_by_user():
            self._concrete()
        return repr(self)

    def __eq__(self, other):
        if isinstance(other, Sym):
            return self is other
        if isinstance(other, int):
            self._concrete()
        return NotImplemented

    def __hash__(self):
        if self._read_by_user():
            self._concrete()
        return hash(("Sym", self.id))

    def _compare(self, *_):
        self._concrete()

    __lt__ = __le__ = __gt__ = __ge__ = _compare


def _size_arithmetic(name):
    def op(self, *other):
        method = getattr(self.value(), name, None)
        return NotImplemented if method is None else method(*other)
    op.__name__ = name
    return op


for _name in ("add", "sub", "mul", "floordiv", "truediv", "mod", "pow", "divmod", "and", "or", "xor", "lshift",
              "rshift"):
    for _form in (f"__{_name}__", f"__r{_name}__"):
        setattr(Sym, _form, _size_arithmetic(_form))
for _form in ("__neg__", "__pos__", "__abs__", "__invert__", "__round__", "__trunc__", "__floor__", "__ceil__"):
    setattr(Sym, _form, _size_arithmetic(_form))


class DimExpr:
    """A size computed from other sizes (``terms``: ints, Syms and DimExprs), resolved when sizes bind: in
    attrs (an offset into a concatenation, a merged axis of a reshape) and in the shapes of a loop's stacked
    results (a scan's per-step concatenation has n + m rows). ``OP`` names the arithmetic for the backends'
    source and ``combine`` does it."""

    __slots__ = ("terms",)
    OP = None

    def __init__(self, terms):
        self.terms = tuple(terms)

    def __repr__(self):
        return self.OP.join(map(str, self.terms))

    def __eq__(self, other):
        return type(other) is type(self) and len(self.terms) == len(other.terms) \
            and all(dims_equal(a, b) for a, b in zip(self.terms, other.terms))

    def __hash__(self):
        return hash((type(self).__name__, self.terms))

    def with_terms(self, terms):
        """The same expression over other terms, simplified as its constructor function does."""
        return _BUILDERS[type(self)](terms)


class DimSum(DimExpr):
    """A sum of sizes (offsets into a concatenation)."""
    __slots__ = ()
    OP = "+"

    @staticmethod
    def combine(values):
        return sum(values)


class DimProd(DimExpr):
    """A product of sizes (the axis a reshape merges from a broadcast (r, n) pair: tile, repeat, kron), so the
    merged size stays symbolic where a -1 could name only one such axis and is ambiguous beside a size 0."""
    __slots__ = ()
    OP = "*"

    @staticmethod
    def combine(values):
        out = 1
        for v in values:
            out *= v
        return out


def dim_sum(terms):
    known = sum(t for t in terms if is_known(t))
    syms = [t for t in terms if not is_known(t)]
    if not syms:
        return known
    if len(syms) == 1 and not known:
        return syms[0]  # n + 0 is n itself, so dims_equal still recognises it
    return DimSum(syms + ([known] if known else []))


def dim_prod(terms):
    known = DimProd.combine(int(t) for t in terms if is_known(t))
    syms = [t for t in terms if not is_known(t)]
    if not syms or known == 0:
        return known
    if len(syms) == 1 and known == 1:
        return syms[0]
    return DimProd(([known] if known != 1 else []) + syms)


_BUILDERS = {DimSum: dim_sum, DimProd: dim_prod}


def is_known(d):
    # NOTE: the type test first: isinstance of a Sym consults its __class__ property, which costs ~1 us in a trace
    return type(d) is not Sym and isinstance(d, (int, np.integer))


def dim_str(d):
    return str(d)


class TensorType:
    """dtype + shape (ints and Syms). ``weak`` marks a Python scalar's type (NEP 50)."""

    __slots__ = ("dtype", "shape", "weak")

    def __init__(self, dtype, shape, weak=False):
        self.dtype = np.dtype(dtype)
        self.shape = tuple(int(d) if is_known(d) else d for d in shape)
        self.weak = weak

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def broadcastable(self):
        return tuple(d == 1 if is_known(d) else False for d in self.shape)

    def __eq__(self, other):
        return (isinstance(other, TensorType) and self.dtype == other.dtype and self.weak == other.weak
                and len(self.shape) == len(other.shape)
                and all(a is b if isinstance(a, Sym) or isinstance(b, Sym) else a == b
                        for a, b in zip(self.shape, other.shape)))

    def __hash__(self):
        return hash((self.dtype, self.shape, self.weak))

    def __repr__(self):
        return f"{short_name(self.dtype)}[{','.join(map(dim_str, self.shape))}]"

    def with_dtype(self, dtype):
        return TensorType(dtype, self.shape)


def type_of_value(value):
    """Type of a concrete value; Python scalars are weak."""
    if isinstance(value, bool):
        return TensorType(np.bool_, (), weak=True)
    if isinstance(value, int):
        return TensorType(np.int64, (), weak=True)
    if isinstance(value, float):
        return TensorType(np.float64, (), weak=True)
    if isinstance(value, complex):
        return TensorType(np.complex128, (), weak=True)
    arr = np.asarray(value)
    return TensorType(canonical_dtype(arr.dtype, "array dtype"), arr.shape)


def dims_equal(a, b):
    if isinstance(a, Sym) or isinstance(b, Sym):
        return a is b
    return a == b


def shapes_equal(a, b):
    """Whether two (partly symbolic) shapes are the same: equal ranks and ``dims_equal`` dims."""
    return len(a) == len(b) and all(dims_equal(x, y) for x, y in zip(a, b))
