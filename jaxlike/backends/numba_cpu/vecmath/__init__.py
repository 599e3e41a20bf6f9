"""Elementwise math that LLVM vectorizes, for fused float32 and float64 loops: ``simd.vecmath_template`` puts
these in place of the C library's calls (numba from PyPI has no SVML: every ``math.exp`` is a scalar call,
which also keeps the whole loop scalar). Straight-line code without calls or branches, each lane choosing
its range by selects; accuracy and special values are checked against long double / float64 in
tests/backends/test_numba_vecmath.py.

- ``arith``: the pieces (FMA, clamp, rint, 2**n scaling, error-free sums, bit fields), and
  ``floor_``/``ceil_`` (LLVM's, where numba's math.floor goes through int64);
- ``exp``: exp, sigmoid, expm1, tanh;
- ``log``: log, log1p, log2, log10;
- ``trig``: sin, cos, tan (below ``TRIG_LIMIT``), atan, asin, acos, atan2;
- ``hyperbolic``: sinh, cosh, asinh, atanh;
- ``power``: pow, cbrt;
- ``remainder``: float ``%`` and ``//`` (numpy's divmod) below 2**51 in the quotient.

Generated modules import this package as ``_vm`` and call ``_vm.<name>_f32`` / ``_vm.<name>_f64``. The exp,
log and hyperbolic functions are plain (disk-cached) njit functions that LLVM inlines into the loops calling
them, which then vectorize (they are marked ``alwaysinline``: ``arith._inline_everywhere``); numba's own inlining (``inline='always'``) re-ran its passes on their IR and
deep-copied it at every call site, about a fifth of a module's compile (the seed XOR step's, cold:
1.33 -> 1.10 s). trig's keep ``inline='always'``: called, W4's sin/cos loops stayed scalar (4.6 -> 25 ms).
"""

from .arith import ceil_, floor_
from .exp import exp_f32, exp_f64, expm1_f32, expm1_f64, sigmoid_f32, sigmoid_f64, tanh_f32, tanh_f64
from .hyperbolic import (asinh_f32, asinh_f64, atanh_f32, atanh_f64, cosh_f32, cosh_f64, sinh_f32,
                         sinh_f64)
from .log import log10_f32, log10_f64, log1p_f32, log1p_f64, log2_f32, log2_f64, log_f32, log_f64
from .power import cbrt_f32, cbrt_f64, pow_f32, pow_f64
from .remainder import floordiv_, mod_, too_big
from .trig import (TRIG_LIMIT, acos_f32, acos_f64, asin_f32, asin_f64, atan2_f32, atan2_f64, atan_f32, atan_f64,
                   cos_f32, cos_f64, sin_f32, sin_f64, tan_f32, tan_f64)

__all__ = ["cbrt_f32", "cbrt_f64", "floordiv_", "mod_", "too_big", "TRIG_LIMIT", "acos_f32", "acos_f64", "asin_f32",
           "asin_f64", "asinh_f32", "asinh_f64", "atan2_f32", "atan2_f64", "atan_f32", "atan_f64",
           "atanh_f32", "atanh_f64", "ceil_", "cos_f32", "cos_f64", "cosh_f32", "cosh_f64", "exp_f32",
           "exp_f64", "expm1_f32", "expm1_f64", "floor_", "log10_f32", "log10_f64", "log1p_f32",
           "log1p_f64", "log2_f32", "log2_f64", "log_f32", "log_f64", "pow_f32", "pow_f64", "sigmoid_f32",
           "sigmoid_f64", "sin_f32", "sin_f64", "sinh_f32", "sinh_f64", "tan_f32", "tan_f64", "tanh_f32",
           "tanh_f64"]
