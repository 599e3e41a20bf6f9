"""Scalar templates without Python's conditional expressions, for fused loops compiled by numba.

numba turns each ``a if c else b`` into blocks and a variable defined in two of them, and its SSA
reconstruction then walks the whole function once per such variable: the cost of a template with a ternary
grows with the size of the entry it is pasted into. Measured here (numba 0.68), 300 chained elementwise ops in
one loop compiled in 1.3 s as plain arithmetic, 12 s as ternaries, 36 s as ``log``'s nested guard, and 2.5 s
with ``select_`` below (an LLVM ``select``, which is also what LLVM makes of a ternary when it vectorizes).

``template(name, compute)`` gives this backend's form of an op where it differs from the primitive's portable
one (``prim.scalar``, which the CUDA simulator also evaluates as plain Python):
- ``select``, ``maximum``, ``minimum`` and the max/min reductions' combine: ``select_`` of the same
  conditions (``|`` in place of ``or``, which would branch too);
- ``logical_and``/``logical_or`` with ``&``/``|``; ``sign``, ``logaddexp`` and the integer shifts (numpy's
  results for counts outside the width) with ``select_``; float floor and ceil as LLVM's; integer ``%``
  and ``//`` as numba's, which give numpy's 0 for a zero divisor under ``error_model='numpy'`` (``//``
  keeps INT_MIN // -1 = INT_MIN with ``select_``);
- float division, log, log2, log10, log1p, sqrt, arcsin, arccos, arctanh without their domain guards: the
  entry is compiled with ``error_model='numpy'``, under which numba's division and math functions already
  give numpy's inf, -inf and NaN, and vecmath's versions handle their whole domain
  (tests/backends/test_numba_vecmath.py).
Imports numpy and numba only.
"""

import numpy as np
from numba import types
from numba.extending import intrinsic


@intrinsic
def select_(typingctx, cond, a, b):
    """``a if cond else b`` as one LLVM select: both operands are computed (they are plain values here)."""
    if isinstance(a, types.Complex) or isinstance(b, types.Complex):
        return None
    out = typingctx.unify_types(a, b)
    if out is None:
        return None

    def codegen(context, builder, sig, args):
        c, x, y = args
        c = context.cast(builder, c, sig.args[0], types.boolean)
        return builder.select(c, context.cast(builder, x, sig.args[1], out), context.cast(builder, y, sig.args[2], out))
    return out(cond, a, b), codegen


_ANY = {
    "select": "_rt.select_({0}, {1}, {2})",
    "maximum": "_rt.select_(({0} > {1}) | ({0} != {0}), {0}, {1})",
    "minimum": "_rt.select_(({0} < {1}) | ({0} != {0}), {0}, {1})",
    "logical_and": "(bool({0}) & bool({1}))",
    "logical_or": "(bool({0}) | bool({1}))",
}
_NUMBER = {   # integer and float compute: ``{0} - {0}`` is a zero (or NaN) of the operand's own type
    "sign": "_rt.select_({0} > 0, 1, _rt.select_({0} < 0, -1, {0} - {0}))",
}


def _shift_in_range(count, dtype):
    width = np.dtype(dtype).itemsize * 8
    return f"({count} < {width})" if np.dtype(dtype).kind == "u" else f"(({count} >= 0) & ({count} < {width}))"


def _left_shift(args, dtype):
    # NOTE: LLVM makes a shift by the width or more poison, which a select that does not pick it discards
    x, count = args
    return f"_rt.select_({_shift_in_range(count, dtype)}, {x} << {count}, {x} ^ {x})"


def _right_shift(args, dtype):
    x, count = args
    if np.dtype(dtype).kind == "u":
        return f"_rt.select_({_shift_in_range(count, dtype)}, {x} >> {count}, {x} ^ {x})"
    width = np.dtype(dtype).itemsize * 8
    return f"({x} >> _rt.select_({_shift_in_range(count, dtype)}, {count}, {width - 1}))"


def _floor_divide(args, dtype):
    # NOTE: numba's integer // and % already give numpy's 0 for a zero divisor; INT_MIN // -1 (0 in numba,
    # INT_MIN in numpy, and no trap) is the one case left
    a, b = args
    return f"({a} // {b})" if np.dtype(dtype).kind == "u" else f"_rt.select_({b} == -1, -{a}, {a} // {b})"


_INT = {"left_shift": _left_shift, "right_shift": _right_shift, "floor_divide": _floor_divide,
        "mod": lambda args, dtype: f"({args[0]} % {args[1]})"}
_FLOAT = {
    "div": "({0} / {1})",
    "log": "math.log({0})", "log2": "math.log2({0})", "log10": "math.log10({0})", "log1p": "math.log1p({0})",
    "sqrt": "math.sqrt({0})", "arcsin": "math.asin({0})", "arccos": "math.acos({0})", "arctanh": "math.atanh({0})",
    # NOTE: LLVM's floor and ceil: exact for every float (numba's math.floor goes through int64)
    "floor": "_vm.floor_({0})", "ceil": "_vm.ceil_({0})",
    "logaddexp": "_rt.select_({0} == {1}, {0} + 0.6931471805599453, "
                 "max({0}, {1}) + math.log1p(math.exp(-abs({0} - {1}))))",
}
_COMBINE = {
    "reduce_max": "_rt.select_(({0} > {acc}) | ({0} != {0}), {0}, {acc})",
    "reduce_min": "_rt.select_(({0} < {acc}) | ({0} != {0}), {0}, {acc})",
}


def template(name, compute, portable):
    """This backend's template for op ``name`` computing in dtype ``compute`` (None: the op's own rule),
    ``portable`` where it has none."""
    kind = np.dtype(compute).kind if compute is not None else None
    if kind == "c":
        return portable
    if kind == "f" and name in _FLOAT:
        return _FLOAT[name]
    if kind in ("i", "u") and name in _INT:
        return _INT[name]
    if kind in ("i", "u", "f") and name in _NUMBER:
        return _NUMBER[name]
    return _ANY.get(name, portable)


def combine(name, portable):
    """The reduction ``name``'s combine template (``{0}`` the item, ``{acc}`` the accumulator)."""
    return _COMBINE.get(name, portable)


__all__ = ["select_", "template", "combine"]
