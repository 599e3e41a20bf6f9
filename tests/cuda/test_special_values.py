"""Scalar templates on special values (nan, +-inf, +-0, huge, tiny) in generated kernels, float64 and float32,
against the reference interpreter.

What it catches: a template that raises in the simulator where compiled code returns inf/nan (Python's math
raises on exp overflow, log(0), sin(inf)); floor/ceil of inf/nan (numba's math.floor returns an int); a
float32 kernel that loses NaN propagation or inf when its literals are narrowed.
"""

import numpy as np
import pytest

from jaxlike.core.graph import Var, Graph
from jaxlike.core.primitive import REGISTRY, Kind
from jaxlike.core.types import TensorType, Sym

SPECIAL64 = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1e300, -1e300, 1.0, -1.0, 0.5, -0.5, 2.0, 710.0, -710.0, 5e-324]
SPECIAL32 = [np.nan, np.inf, -np.inf, 0.0, -0.0, 3e38, -3e38, 1.0, -1.0, 0.5, -0.5, 2.0, 89.0, -104.0, 1e-45]



def _takes_floats(prim):
    """False for the integer-only ops (bitwise and shifts), which refuse float operands as numpy does."""
    try:
        prim.shape(*[TensorType("float64", (2,)) for _ in range(prim.extra["nin"])])
    except TypeError:
        return False
    return True


ELEMENTWISE = sorted(n for n, p in REGISTRY.items()
                     if p.kind is Kind.ELEMENTWISE and p.extra.get("nin") in (1, 2) and n != "convert")
FLOAT_OPS = [n for n in ELEMENTWISE if _takes_floats(REGISTRY[n])]
INTEGER_OPS = [n for n in ELEMENTWISE if not _takes_floats(REGISTRY[n])]
INT_SPECIAL = {"int64": [0, 1, -1, 2, 63, 64, 65, -64, 2 ** 62, 2 ** 63 - 1, -2 ** 63],
               "uint8": [0, 1, 2, 7, 8, 9, 127, 128, 255], "int8": [0, 1, -1, 7, 8, 9, -8, 127, -128]}


def _every_pair(prim, vals):
    """(graph, arguments) applying ``prim`` to every value (unary) or every pair of values (binary, as a
    column broadcast against a row), sizes symbolic."""
    n, dtype = Sym(), vals.dtype
    if prim.extra["nin"] == 1:
        x = Var(TensorType(dtype, (n,)))
        return Graph([x], [prim(x)]), [vals]
    x, y = Var(TensorType(dtype, (n, 1))), Var(TensorType(dtype, (1, n)))
    return Graph([x, y], [prim(x, y)]), [vals[:, None], vals[None, :]]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", FLOAT_OPS)
def test_special_values(name, dtype, gpu):
    vals = np.array(SPECIAL64 if dtype == "float64" else SPECIAL32, dtype=dtype)
    gpu.compare(*_every_pair(REGISTRY[name], vals), rtol=1e-12 if dtype == "float64" else 2e-6)


@pytest.mark.parametrize("dtype", sorted(INT_SPECIAL))
@pytest.mark.parametrize("name", INTEGER_OPS)
def test_integer_ops_on_extreme_values_and_counts(name, dtype, gpu):
    """Catches: a shift by the bit width or more (undefined in C and LLVM, 0 or the sign fill in numpy), and
    the most negative value, in generated kernels."""
    gpu.compare(*_every_pair(REGISTRY[name], np.array(INT_SPECIAL[dtype], dtype=dtype)), rtol=0)
