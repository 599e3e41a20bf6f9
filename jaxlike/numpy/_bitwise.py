"""Bitwise and shift functions on integer (and boolean) values: bitwise_and/or/xor, invert, shifts, gcd, lcm.

Plain arrays give numpy's own results; traced values bind the ``ops.bitwise`` primitives. Operands must be
integers or bools (a float or complex one raises TypeError, as in numpy). A Python int meeting a traced array
is checked against that array's dtype as numpy checks it (``uint8_array & 256`` and ``uint64_array & -1``
raise OverflowError) and then carries that dtype, so ``uint64_array & 2**63`` works as in numpy.

gcd and lcm are Euclid's algorithm unrolled: by Lamé's theorem, Euclid on operands below 2**bits stops within
a fixed number of steps (12 for 8 bits, 92 for 64; see ``_euclid_steps``), so the unrolled loop is exact for
every value of the dtype. Magnitudes are computed in the unsigned dtype of the same width, as numpy does, so
gcd(-128, 0) is -128 in int8 and lcm wraps in the dtype.
"""

import numpy as np

from ..core.graph import Var
from ..core.types import type_of_value, promote
from ..ops import bitwise as b
from ..ops import math as m
from ._base import asarray_or_var, is_traced
from ._ufunc import ufunc_keywords

__all__ = ["bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "bitwise_invert", "invert", "left_shift",
           "right_shift", "bitwise_left_shift", "bitwise_right_shift", "gcd", "lcm"]


def _type(x):
    return x.type if isinstance(x, Var) else type_of_value(x)


def _operands(name, *xs):
    """``xs`` as arrays or Vars, checked as numpy checks them: integer or bool dtypes only, and a Python int
    meeting a traced array within that array's dtype (it then becomes a 0-d array of that dtype, which gives
    the same result dtype as the weak int and reaches past int64 for uint64)."""
    xs = [asarray_or_var(x) for x in xs]
    types = [_type(x) for x in xs]
    b.result_dtype(name, types)
    if not is_traced(*xs):
        return xs
    strong = [t for t in types if not t.weak]
    if not strong:
        return xs
    target = promote(strong)[0]
    target = np.dtype("int64") if target.kind == "b" else target
    info = np.iinfo(target)
    for k, x in enumerate(xs):
        if type(x) is int:  # NOTE: a Python bool is weak and never widens, so it needs no check
            if not info.min <= x <= info.max:
                raise OverflowError(f"{name}: Python integer {x} out of bounds for {target} (numpy refuses it "
                                    f"too); use a value in [{info.min}, {info.max}] or cast the array first")
            xs[k] = np.asarray(x, dtype=target)
    return xs


def _binary(prim, name):
    def fn(x1, x2):
        return prim(*_operands(name, x1, x2))
    fn.__name__ = name
    fn.__doc__ = f"numpy's {name}: {prim.doc}, elementwise with numpy broadcasting (integers and bools only)."
    return ufunc_keywords(getattr(np, name))(fn)


bitwise_and = _binary(b.bitwise_and, "bitwise_and")
bitwise_or = _binary(b.bitwise_or, "bitwise_or")
bitwise_xor = _binary(b.bitwise_xor, "bitwise_xor")
left_shift = _binary(b.left_shift, "left_shift")
right_shift = _binary(b.right_shift, "right_shift")
bitwise_left_shift = _binary(b.left_shift, "bitwise_left_shift")
bitwise_right_shift = _binary(b.right_shift, "bitwise_right_shift")


@ufunc_keywords(np.invert)
def invert(x):
    """numpy's invert (``~x``): the bitwise complement of integers, logical not of bools."""
    (x,) = _operands("invert", x)
    return b.invert(x)


bitwise_not = bitwise_invert = invert


# -- gcd and lcm ---------------------------------------------------------------------------------------------
def _euclid_steps(bits):
    """Steps of ``a, b = b, a % b`` that bring any operands below 2**bits to b == 0. Lamé: if Euclid on a >= b
    > 0 takes n steps, then a >= F(n + 2) (F(1) = F(2) = 1), so n is at most the largest n with F(n + 2) <
    2**bits; one more step covers a first one that only swaps a < b."""
    fib = [1, 1]   # F(1), F(2), ... up to the first one of 2**bits or more
    while fib[-1] < 2 ** bits:
        fib.append(fib[-1] + fib[-2])
    largest = len(fib) - 1          # F(largest) is the last Fibonacci number below 2**bits
    return (largest - 2) + 1


def _gcd_operands(name, x1, x2):
    """(|x1|, |x2|, result dtype), the magnitudes in the unsigned dtype of the result's width (numpy's way), or
    the checked operands themselves when neither is traced (numpy computes those)."""
    x1, x2 = _operands(name, x1, x2)
    dt = promote([_type(x1), _type(x2)])[0]
    if dt.kind == "b":
        raise TypeError(f"{name} is not defined for two boolean operands, as in numpy; convert one to an integer "
                        f"dtype first")
    if not is_traced(x1, x2):
        return x1, x2, None
    unsigned = np.dtype(f"uint{dt.itemsize * 8}")
    return _magnitude(x1, dt, unsigned), _magnitude(x2, dt, unsigned), dt


def _magnitude(x, signed, unsigned):
    """|x| as ``unsigned``; the most negative value of ``signed`` (whose negation overflows) included."""
    if not isinstance(x, Var):
        with np.errstate(over="ignore"):
            x = np.asarray(x).astype(signed)
            return np.where(x < 0, -x, x).astype(unsigned)
    x = _as(x, signed)
    if signed.kind == "i":
        x = m.where(m.lt(x, 0), m.neg(x), x)
    return _as(x, unsigned)


def _as(x, dtype):
    """``x`` converted to ``dtype`` (integers wrap, as numpy's astype)."""
    return x if x.dtype == dtype else m.convert(x, dtype=dtype)


def _unsigned_gcd(a, c, bits):
    for _ in range(_euclid_steps(bits)):
        # NOTE: x % 0 is 0 for integers (ops.math.mod), so a finished pair (g, 0) stays (g, 0)
        a, c = m.where(m.eq(c, 0), a, c), m.mod(a, c)
    return a


@ufunc_keywords(np.gcd)
def gcd(x1, x2):
    """numpy's gcd: the greatest common divisor of |x1| and |x2| (0 for two zeros), in the promoted dtype."""
    a, c, dt = _gcd_operands("gcd", x1, x2)
    if dt is None:
        return np.gcd(a, c)
    return _as(_unsigned_gcd(a, c, dt.itemsize * 8), dt)


@ufunc_keywords(np.lcm)
def lcm(x1, x2):
    """numpy's lcm: |x1| / gcd * |x2|, wrapping in the promoted dtype as numpy's does; 0 when either is 0."""
    a, c, dt = _gcd_operands("lcm", x1, x2)
    if dt is None:
        return np.lcm(a, c)
    # NOTE: integer x // 0 is 0 (ops.math.floor_divide), which makes lcm 0 when both operands are 0
    return _as(m.floor_divide(a, _unsigned_gcd(a, c, dt.itemsize * 8)) * c, dt)
