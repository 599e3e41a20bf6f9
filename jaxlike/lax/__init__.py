"""``jaxlike.lax``, as ``jax.lax``: control flow (``control.py``); dynamic slices (``dynamic_slices.py``);
collectives over named vmap axes (``parallel.py``); convolutions (``conv.py``) and
window reductions (``windows.py``); element-wise ops with lax's dtype strictness (``elementwise.py``,
``special.py``); structural ops (``structural.py``); reductions, scans and sorts (``reductions.py``); gather
and the scatters (``gather_scatter.py``); smaller names and convolution helpers (``extras.py``,
``conv_extras.py``); solvers differentiated implicitly (``solves.py``); the decompositions and solves of
``jax.lax.linalg``, as the submodule ``jaxlike.lax.linalg`` (``linalg.py``). Each module builds graphs from the
core's primitives and the numpy front end; this file only gathers their names."""

from .control import scan, map, fori_loop, while_loop, select, cond, switch, stop_gradient  # noqa: F401
from .dynamic_slices import (dynamic_slice, dynamic_update_slice, dynamic_slice_in_dim,  # noqa: F401
                             dynamic_index_in_dim, dynamic_update_slice_in_dim, dynamic_update_index_in_dim)
from .parallel import (psum, pmean, pmax, pmin, all_gather, axis_index, axis_size, psum_scatter,  # noqa: F401
                       pshuffle, ppermute)
from . import control as _control, dynamic_slices as _dynamic_slices, parallel as _parallel

__all__ = list(_control.__all__) + list(_dynamic_slices.__all__) + list(_parallel.__all__)

from .conv import (conv_general_dilated, conv, conv_with_general_padding, conv_transpose,  # noqa: F401
                   conv_dimension_numbers, conv_general_permutations, ConvDimensionNumbers)
from .windows import reduce_window, padtype_to_pads, reduce_window_shape_tuple  # noqa: F401
from .conv import __all__ as _conv_all
from .windows import __all__ as _windows_all

__all__ += list(_conv_all) + list(_windows_all)

# The operation surface: element-wise ops (elementwise.py, special.py), structural ops (structural.py),
# reductions, scans and sorts (reductions.py).
from .elementwise import (  # noqa: F401
    abs, acos, acosh, add, asin, asinh, atan, atan2, atanh, bitwise_and, bitwise_not, bitwise_or,
    bitwise_xor, cbrt, ceil, clamp, clz, complex, conj, convert_element_type, cos, cosh, div, eq,
    exp, exp2, expm1, floor, ge, gt, imag, integer_pow, is_finite, le, log, log1p, logistic, lt,
    max, min, mul, ne, neg, population_count, pow, real, rem, round, RoundingMethod, rsqrt,
    shift_left, shift_right_arithmetic, shift_right_logical, sign, sin, sinh, sqrt, square, sub,
    tan, tanh)
from .special import (  # noqa: F401
    erf, erfc, erf_inv, lgamma, digamma, nextafter, igamma, igammac, igamma_grad_a, random_gamma_grad, betainc,
    bessel_i0e, bessel_i1e)
from .structural import (  # noqa: F401
    broadcast, broadcast_in_dim, concatenate, dot, dot_general, expand_dims, full, full_like, iota,
    broadcasted_iota, pad, reshape, rev, slice, slice_in_dim, index_in_dim, squeeze, transpose,
    collapse, select_n)
from .reductions import (  # noqa: F401
    reduce_sum, reduce_max, reduce_min, reduce_prod, reduce_and, reduce_or, reduce_xor, argmax,
    argmin, reduce, cumsum, cumprod, cummax, cummin, cumlogsumexp, sort, sort_key_val, top_k,
    associative_scan)
from . import elementwise as _elementwise, special as _special, structural as _structural
from . import reductions as _reductions

__all__ += list(_elementwise.__all__) + list(_special.__all__) + list(_structural.__all__) + list(_reductions.__all__)

# Imported when first used (``_lazy.py``): general gather and scatters (gather_scatter.py), smaller names
# (extras.py), convolution helpers (conv_extras.py), solvers differentiated implicitly (solves.py), and the
# submodule linalg.
from .._lazy import lazy_names as _lazy_names

_LAZY = {
    "gather_scatter": ("GatherDimensionNumbers", "ScatterDimensionNumbers", "GatherScatterMode", "gather", "scatter",
                       "scatter_add", "scatter_sub", "scatter_mul", "scatter_min", "scatter_max", "scatter_apply"),
    "extras": ("batch_matmul", "reciprocal", "broadcast_shapes", "broadcast_to_rank", "broadcast_like", "split",
               "stack", "unstack", "tile", "empty", "mulhi", "index_take", "bitcast_convert_type",
               "reduce_precision", "optimization_barrier", "platform_dependent", "shape_as_value", "dtype",
               "approx_max_k", "approx_min_k", "zeta", "polygamma", "Precision", "FftType", "fft", "ragged_dot",
               "composite"),
    "conv_extras": ("conv_general_dilated_patches", "conv_general_dilated_local", "conv_shape_tuple",
                    "conv_general_shape_tuple", "conv_transpose_shape_tuple"),
    "solves": ("custom_linear_solve", "custom_root"),
    "linalg": ("linalg",),
}
__getattr__, __dir__ = _lazy_names(globals(), _LAZY)
__all__ += [name for names in _LAZY.values() for name in names]
