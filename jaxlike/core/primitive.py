"""The ``Primitive`` record (everything about one op in one place), the registry, and ``bind``.

``bind(prim, *args, **attrs)`` is the single way nodes are made: with no traced Var among the arguments it
evaluates eagerly with the op's numpy rule (as autograd does); otherwise it runs the shape rule, whose errors
name the op, the operand types and the user's source line, and returns a new ``Var``.
Imports numpy and core only.
"""

import enum
import weakref
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

from .graph import Var, const, _attr_syms
from .errors import ShapeError, user_frame, where
from .types import TensorType, Sym, type_of_value, promote


class Kind(enum.Enum):
    ELEMENTWISE = "elementwise"   # same-shape (broadcast) map; fusable; vjp results are unbroadcast generically
    REDUCE = "reduce"             # reduces `axes`; fusable as a loop epilogue
    LAYOUT = "layout"             # moves data (reshape, transpose, broadcast, slice...)
    OPAQUE = "opaque"             # needs its own lowering in each backend (dot, gather, scatter...)


LINEAR = "linear"  # jvp marker: the op is linear in its (first) operand, so its tangent is the op of the tangent


@dataclass(frozen=True, eq=False)
class Primitive:
    name: str
    kind: Kind
    shape: Callable                     # (*in_types, **attrs) -> TensorType
    numpy: Callable                     # (*arrays, **attrs) -> ndarray: the reference semantics
    vjp: Optional[Callable] = None      # (g, ans, *inputs, **attrs) -> tuple of cotangents (None: no gradient)
    jvp: object = None                  # (tangents, ans, *inputs, **attrs) -> tangent, or LINEAR
    # NOTE: a multi-output primitive (extra["multi_output"], see graph.sibling_key) has each rule called once per
    # equation, at its first node: vjp gets g as {output number: cotangent}, and jvp and batch return a
    # function from an output number to that result's tangent (None: zero) or batched value
    scalar: object = None               # fused-loop expression template, e.g. "math.exp({0})"
    complex_scalar: Optional[str] = None  # the template where the op computes in complex (None: real only)
    batch: Optional[Callable] = None    # (args, batched, size, **attrs) -> Var with the batch axis first, or
    #                                     None to fall back to one application per batch element
    samples: Optional[Callable] = None  # rng -> list of argument tuples for the registry tests
    differentiable: Optional[tuple] = None  # operand positions that may carry gradients (None: all)
    doc: str = ""
    extra: dict = field(default_factory=dict)

    def __repr__(self):
        return f"<primitive {self.name}>"

    def __reduce__(self):
        # NOTE: a graph pickles its ops by name; a primitive made at run time (a custom rule) has none to load
        if REGISTRY.get(self.name) is not self:
            raise TypeError(f"cannot pickle a graph holding {self.name!r}, an op made at run time rather than "
                            "registered by name; save the values (get_value) and rebuild the graph instead")
        return _registered, (self.name,)

    def template(self, compute_dtype):
        """The scalar template for computing in ``compute_dtype`` (the promoted operand dtype)."""
        return self.complex_scalar if np.dtype(compute_dtype).kind == "c" else self.scalar

    def __call__(self, *args, **attrs):
        return bind(self, *args, **attrs)


REGISTRY = {}


def _registered(name):
    # NOTE: loading any jaxlike module first runs the package's __init__, which registers every op
    return REGISTRY[name]


def register(prim):
    if prim.name in REGISTRY:
        raise ValueError(f"primitive {prim.name!r} is defined twice")
    REGISTRY[prim.name] = prim
    return prim


def _freeze(v):
    if isinstance(v, list):
        return tuple(_freeze(x) for x in v)
    if isinstance(v, np.ndarray):
        raise TypeError("array-valued attrs are not allowed; pass arrays as operands")
    return v


def bind(prim, *args, _source=None, **attrs):
    attrs = {k: _freeze(v) for k, v in attrs.items()}
    if not any(isinstance(a, Var) for a in args):
        out = prim.numpy(*[np.asarray(a) if not isinstance(a, (int, float, bool)) else a for a in args], **attrs)
        return out
    source = _source or user_frame()
    if prim.kind is Kind.ELEMENTWISE and any(type(a) is int for a in args):
        fitted = _fit_python_ints(prim, args, attrs, source)
        if isinstance(fitted, Var):
            return fitted
        args = fitted
    inputs = [a if isinstance(a, Var) else const(a) for a in args]
    try:
        typ = prim.shape(*[i.type for i in inputs], **attrs)
    except (ShapeError, TypeError, ValueError) as e:
        operands = ", ".join(repr(i.type) for i in inputs)
        raise type(e)(f"{prim.name}: {e} [operands: {operands}]{where(source)}") from None
    frozen = tuple(sorted(attrs.items()))
    # NOTE: only a size this node creates is its own; one named in its attrs (slice_grad's shape=x.shape,
    # broadcast_to's target) comes from elsewhere, often a graph input, which must never get a provider.
    named = {id(d) for a in attrs.values() for d in _attr_syms(a, [])}
    made = [k for k, d in enumerate(typ.shape) if isinstance(d, Sym) and d.origin is None and id(d) not in named
            and not any(any(d is e for e in i.type.shape) for i in inputs)]
    key = (prim.name, tuple(i._id for i in inputs), repr(frozen)) if made else None
    earlier = _SIZES_MADE.get(key) if made else None
    if earlier is not None:
        typ = TensorType(typ.dtype, tuple(earlier.type.shape[k] if k in made else d for k, d in enumerate(typ.shape)),
                         typ.weak)
    out = Var(typ, prim, inputs, frozen, source=source)
    if made and earlier is None:
        for k in made:
            typ.shape[k].origin = out
        _SIZES_MADE[key] = out
    return out


# NOTE: the same primitive on the same operands with the same attrs makes the same sizes: two ravels of one
# array share their length, so a pass merging the two nodes leaves no size that nothing computes (entries
# last as long as the node that made the sizes).
_SIZES_MADE = weakref.WeakValueDictionary()


_INT64_MAX = 2 ** 63 - 1
_COMPARE_BELOW = {"lt": False, "le": False, "gt": True, "ge": True, "eq": False, "ne": True}


def _fit_python_ints(prim, args, attrs, source):
    """numpy 2's rules for a Python int meeting integer arrays, where it does not fit their dtype (weak ints are
    otherwise cast to the promoted dtype, so ``uint8_array / -1`` divided by 255 and ``uint8_array < -1`` was
    True). As in numpy: an op computed in floats (true_divide, arctan2...) takes the int's exact value; a
    comparison gives its exact (constant) answer; a logical op uses the int's truth value; any other op raises
    OverflowError. Returns the new operands, or the result Var of a comparison."""
    first = 1 if prim.name == "select" else 0  # NOTE: np.where casts a weak int as the loops do (it wraps)
    types = [eager_type(a) for a in args]
    if first or all(t.weak for t in types):
        return args
    dt = promote(types)[0]
    if dt.kind not in "iu":
        return args
    info = np.iinfo(dt)
    bad = [k for k, a in enumerate(args) if type(a) is int and not info.min <= a <= info.max]
    args = list(args)
    if not bad:
        # NOTE: a weak int is an int64 constant; one past int64 (uint64_array + 2**63) takes the array's dtype
        return [np.asarray(a, dtype=dt) if type(a) is int and a > _INT64_MAX else a for a in args]
    if prim.name.startswith("logical_"):
        for k in bad:
            args[k] = bool(args[k])
        return args
    if prim.name in _COMPARE_BELOW and len(bad) == 1:
        (k,) = bad
        other = args[1 - k]
        below = args[k] < info.min
        answer = _COMPARE_BELOW[prim.name] if (below == (k == 1)) else _COMPARE_BELOW[_FLIP[prim.name]]
        # NOTE: integers have no NaN, so x == x is all True and x != x all False, in the operand's shape
        return bind(REGISTRY["eq" if answer else "ne"], other, other, _source=source)
    try:
        out_dt = prim.shape(*types, **attrs).dtype
    except (ShapeError, TypeError, ValueError):
        return args  # NOTE: the caller's own shape check reports it
    if out_dt.kind in "fc":
        for k in bad:
            args[k] = np.asarray(args[k], dtype=out_dt)
        return args
    raise OverflowError(f"{prim.name}: Python integer {args[bad[0]]} out of bounds for {dt} (numpy raises "
                        f"too){where(source)}; use a value in [{info.min}, {info.max}] or cast the array to a "
                        f"wider dtype first")


# the same comparison with its operands swapped (x < c is c > x)
_FLIP = {"lt": "gt", "le": "ge", "gt": "lt", "ge": "le", "eq": "eq", "ne": "ne"}


def eager_type(x):
    return x.type if isinstance(x, Var) else type_of_value(x)


__all__ = ["Kind", "LINEAR", "Primitive", "REGISTRY", "register", "bind", "TensorType"]
