"""Float ``x % y`` and ``x // y`` (numpy's, which are CPython's divmod) that LLVM vectorizes. numba computes
both from the C library's fmod, one call per element, which keeps the loop scalar (1M float64 ``x // 1.5``
8.6 ms; JAX 2.5).

fmod here is trunc(x / y) times y taken from x in one FMA, which is exact while |x / y| < 2**51: the exact
remainder for the quotient q used is a multiple of y's last bit below |y| in size (or, with q one too far
from zero where x / y rounded up to an integer, below q * 2**-52 |y|), so it fits in a float; a q one too
far shows as a remainder of the wrong sign and is corrected by one y, again exactly. Beyond that limit the
kernel's other form (the C library's) reruns it: ``too_big`` is the range check of ``simd``'s two-pass kernels.
"""

from numba import njit, types
from numba.extending import intrinsic

from .arith import _mad, _like, floor_, trunc_, _inline_everywhere

_LIMIT_64, _LIMIT_32 = 2.0 ** 51, 2.0 ** 22


@njit(error_model="numpy", cache=True)
def _fmod(x, y):
    """C's fmod(x, y) for |x / y| < the limit and y != 0 (y = +-inf included: x itself), NaN in, NaN out."""
    _inline_everywhere()
    zero = _like(x, 0.0)
    q = trunc_(x / y)
    r = _mad(-q, y, x)
    r = x if q == zero else r
    wrong = r != zero and (r < zero) != (x < zero)
    return (r + (y if (y < zero) == (x < zero) else -y)) if wrong else r


@njit(error_model="numpy", cache=True)
def _divmod(x, y):
    """CPython's float_divmod from an exact fmod, in x's type: (floor quotient, remainder with y's sign)."""
    _inline_everywhere()
    zero = _like(x, 0.0)
    mod = _fmod(x, y)
    div = (x - mod) / y
    flip = mod != zero and (y < zero) != (mod < zero)
    mod = (mod + y if flip else mod) if mod != zero else (-(mod * mod) if y < zero else mod * mod)
    div = div - _like(x, 1.0) if flip else div
    floordiv = floor_(div)
    floordiv = floordiv + _like(x, 1.0) if div - floordiv > _like(x, 0.5) else floordiv
    return (floordiv if div != zero else div * div * x / y), mod


@njit(error_model="numpy", cache=True)
def floordiv_(x, y):
    _inline_everywhere()
    return _divmod(x, y)[0]


@njit(error_model="numpy", cache=True)
def mod_(x, y):
    _inline_everywhere()
    return _divmod(x, y)[1]


@intrinsic
def _limit(typingctx, x):
    """2**51 for float64, 2**22 for float32 (where float32 computes: its quotients below 2**23 are exact)."""
    if x not in (types.float32, types.float64):
        return None

    def codegen(context, builder, sig, args):
        return context.get_constant(x, _LIMIT_32 if x == types.float32 else _LIMIT_64)
    return x(x), codegen


@njit(error_model="numpy", cache=True)
def too_big(x, y):
    """Whether x // y or x % y is beyond this form's exact range (a zero y is the op template's)."""
    _inline_everywhere()
    return abs(x) >= _limit(x) * abs(y) and y != _like(x, 0.0)
