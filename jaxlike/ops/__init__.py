"""Primitives, one family per file: ``math`` (elementwise), ``bitwise`` (integer bit ops and shifts),
``reduce``, ``layout``, ``index``, ``linalg``, ``scan`` (cumsum, cumprod, linear recurrences), ``decomp`` (inv,
solve, det, cholesky, eigh, svd, pinv), ``qr``, ``eig`` (non-symmetric eigendecomposition), ``lu``, ``fft``,
``sort`` (argsort, take_along), ``prng`` (Threefry random bits), ``special`` (erf, erfc), ``callbacks``
(Python called from compiled code: prints, pure_callback), ``collectives`` (psum... over a named vmap axis).
Each file defines its ops' shape rule, numpy reference, VJP/JVP and fused-loop scalar template, and
registers them in ``core.REGISTRY``. Imports core only."""

from . import (math, bitwise, layout, reduce, index, linalg, scan, decomp, qr, eig, lu, fft, sort, prng,  # noqa: F401
               special, callbacks, collectives)
from ..core.primitive import REGISTRY  # noqa: F401
