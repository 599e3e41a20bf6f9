"""Bitwise and shift primitives on integers and booleans: bitwise_and, bitwise_or, bitwise_xor, invert,
left_shift, right_shift, with numpy's dtypes and values, and no gradient (their results are integers).

numpy defines them for integers and bools only: a float or complex operand raises TypeError here, as numpy
refuses ``1.5 & 1`` (so does int64 with uint64, which numpy promotes to float64). On bools, and/or/xor/invert
are the logical ops (``~True`` is False); shifts compute bools as int8.

numpy's shifts are defined for every count: a count of at least the bit width (or a negative one, which numpy
reads as a huge unsigned count) shifts everything out, giving 0, or -1 for a negative value shifted right.
C, LLVM and so Numba leave such shifts undefined, so the templates guard the count explicitly. The fused loops
compute in a type at least as wide as the result (Numba widens to 64 bits) and cast back to the result dtype,
which keeps exactly the result's bits; the width in each guard is the result dtype's.
Imports core and ops._rules only.
"""

import numpy as np

from ._rules import elementwise
from ..core.types import promote

# numpy's kinds with bitwise ops: signed and unsigned integers, booleans
_BITWISE_KINDS = "iub"


def _describe(types):
    return ", ".join(f"{t.dtype}{' (Python scalar)' if t.weak else ''}" for t in types)


def _integer_dtype(types, bool_as_int8):
    """numpy's result dtype (and weakness) of a bitwise op on ``types``; TypeError for other operands. The
    message leaves the op's name to the caller (``bind`` prefixes it to errors of traced calls)."""
    if any(t.dtype.kind not in _BITWISE_KINDS for t in types):
        raise TypeError(f"only integer and boolean operands are supported, as in numpy (operand dtypes: "
                        f"{_describe(types)}); convert with astype to an integer dtype first")
    dt, weak = promote(types)
    if dt.kind not in _BITWISE_KINDS:
        raise TypeError(f"operand dtypes {_describe(types)} promote to {dt}, which has no bitwise ops (numpy "
                        f"refuses them too); cast one operand so both are signed or both unsigned")
    if bool_as_int8 and dt.kind == "b":
        return np.dtype("int8"), weak
    return dt, weak


def result_dtype(name, types, bool_as_int8=False):
    """numpy's result dtype of integer op ``name`` on operands of ``types`` (objects with ``dtype`` and
    ``weak``); TypeError naming the op and the dtypes for float, complex or mixed signed/uint64 operands."""
    try:
        return _integer_dtype(types, bool_as_int8)[0]
    except TypeError as e:
        raise TypeError(f"{name}: {e}") from None


def _dtype_rule(bool_as_int8=False):
    def rule(*types):
        return _integer_dtype(types, bool_as_int8)
    return rule


class _ValueType:
    """The dtype and weakness of a concrete operand, as the dtype rules read a traced one."""

    __slots__ = ("dtype", "weak")

    def __init__(self, value):
        self.weak = type(value) in (bool, int, float, complex)  # NOTE: np.float64 subclasses float
        self.dtype = np.asarray(value).dtype


def _reference(name, ufunc):
    """numpy's ufunc, raising this module's TypeError (naming the op and dtypes) for non-integer operands."""
    def run(*args):
        result_dtype(name, [_ValueType(a) for a in args])
        return ufunc(*args)
    run.__name__ = name
    return run


# -- templates ---------------------------------------------------------------------------------------------
# NOTE: ``x ^ x`` is the typed zero of a branch: a literal 0 (int64) unified with a uint64 shift makes Numba
# compute the result in float64, which loses bits past 2**53.
def _invert_template(args, dtype):
    (x,) = args
    return f"(not {x})" if np.dtype(dtype).kind == "b" else f"(~{x})"


def _left_shift_template(args, dtype):
    x, count = args
    width = np.dtype(dtype).itemsize * 8
    in_range = f"{count} < {width}" if np.dtype(dtype).kind == "u" else f"0 <= {count} < {width}"
    return f"(({x} << {count}) if {in_range} else ({x} ^ {x}))"


def _right_shift_template(args, dtype):
    x, count = args
    width = np.dtype(dtype).itemsize * 8
    if np.dtype(dtype).kind == "u":
        return f"(({x} >> {count}) if {count} < {width} else ({x} ^ {x}))"
    # NOTE: a signed value shifted by width - 1 is its sign fill (0 or -1), numpy's result for every count
    # outside [0, width)
    return f"({x} >> ({count} if 0 <= {count} < {width} else {width - 1}))"


# -- samples -----------------------------------------------------------------------------------------------
_BINARY_SHAPES = [((), ()), ((3,), (3,)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((4, 2), ()), ((0, 2), (2,)),
                  ((1, 3), (3,))]


def _integers(rng, dtype, shape, low=None, high=None):
    """Random values of ``dtype`` over its whole range (or [low, high])."""
    dtype = np.dtype(dtype)
    if dtype.kind == "b":
        return rng.random(shape) < 0.5
    info = np.iinfo(dtype)
    low = info.min if low is None else low
    high = info.max if high is None else high
    return rng.integers(low, high, size=shape, dtype=dtype, endpoint=True)


def _logic_samples(rng):
    """Signed, unsigned, 64-bit, bool and mixed-dtype operands over their full ranges."""
    dtypes = [("int64", "int64"), ("int8", "int8"), ("uint8", "uint8"), ("uint64", "uint64"), ("bool", "bool"),
              ("int16", "uint8"), ("int32", "bool")]
    return [(_integers(rng, da, sa), _integers(rng, db, sb)) for (sa, sb), (da, db) in zip(_BINARY_SHAPES, dtypes)]


def _invert_samples(rng):
    cases = [((), "int64"), ((3,), "int8"), ((2, 3), "uint8"), ((1, 4), "uint64"), ((0, 3), "bool"),
             ((2, 2), "int16")]
    return [(_integers(rng, dt, s),) for s, dt in cases]


def _shift_samples(rng):
    """Counts from negative to past the bit width of the result, for signed, unsigned and bool values."""
    cases = [("int64", "int64", -3, 70), ("int8", "int8", -3, 11), ("uint8", "uint8", 0, 11),
             ("uint64", "uint64", 0, 70), ("bool", "bool", 0, 1), ("int16", "uint8", 0, 20),
             ("uint8", "int8", -3, 20)]
    return [(_integers(rng, dx, sx), _integers(rng, dc, sc, low, high))
            for (sx, sc), (dx, dc, low, high) in zip(_BINARY_SHAPES, cases)]


# -- primitives --------------------------------------------------------------------------------------------
def _binary(name, ufunc, template, samples, doc, bool_as_int8=False):
    return elementwise(name, 2, _reference(name, ufunc), template, vjp=lambda g, ans, x, y: (None, None),
                       differentiable=(), dtype=_dtype_rule(bool_as_int8), samples=samples, doc=doc)


bitwise_and = _binary("bitwise_and", np.bitwise_and, "({0} & {1})", _logic_samples,
                      "x & y on integers; logical and on bools")
bitwise_or = _binary("bitwise_or", np.bitwise_or, "({0} | {1})", _logic_samples,
                     "x | y on integers; logical or on bools")
bitwise_xor = _binary("bitwise_xor", np.bitwise_xor, "({0} ^ {1})", _logic_samples,
                      "x ^ y on integers; logical xor on bools")
invert = elementwise("invert", 1, _reference("invert", np.invert), _invert_template,
                     vjp=lambda g, ans, x: (None,), differentiable=(), dtype=_dtype_rule(),
                     samples=_invert_samples, doc="~x: the bitwise complement of integers; logical not on bools")
left_shift = _binary("left_shift", np.left_shift, _left_shift_template, _shift_samples,
                     "x << count, wrapping in the result dtype; 0 for counts outside [0, bit width)",
                     bool_as_int8=True)
right_shift = _binary("right_shift", np.right_shift, _right_shift_template, _shift_samples,
                      "x >> count (arithmetic for signed values); the sign fill for counts outside [0, bit width)",
                      bool_as_int8=True)
