"""Lowerings of the matrix decompositions that numba compiles itself (``linalg_kernels.py``): cholesky, inv,
solve, det, logabsdet, det_sign, pinv, eig_values, eig_vectors, lu_packed, lu_pivots, lu_permutation. The
symmetric eigen- and singular-value decompositions and QR stay on their numpy rules (objmode): each of their
outputs is its own primitive, and a compiled form would run the factorization once per output where the numpy
rule shares one call between them. The general eig and LU are compiled even so: one output alone is their
common use (eigvals for roots and poly; lu_factor's packed matrix), and objmode costs more than a repeated
geev or getrf of a small matrix.
Imports ops and this backend's loops helpers only."""

import numpy as np

from ...ops.decomp import result_dtype
from .loops import np_type

# named as their primitives
_KERNELS = ("cholesky", "inv", "solve", "det", "logabsdet", "det_sign", "pinv", "eig_values", "eig_vectors",
            "lu_packed", "lu_pivots", "lu_permutation")
_OWN_DTYPE = ("eig_values", "eig_vectors", "lu_pivots", "lu_permutation")    # kernels returning the result dtype


def _operand(ctx, x, work):
    """``x``'s name, cast to the dtype LAPACK computes in (integers in float64, float16 in float32)."""
    name = ctx.name(x)
    return name if x.dtype == work else f"{name}.astype({np_type(work)})"


def _work_dtype(dtypes):
    dt = result_dtype(np.result_type(*dtypes))
    return np.dtype(np.float32) if dt == np.float16 else dt


def _lowering(kernel):
    def lower(ctx, v):
        work = _work_dtype([x.dtype for x in v.inputs])
        args = [_operand(ctx, x, work) for x in v.inputs]
        if kernel == "pinv":
            args.append(repr(float(dict(v.attrs)["rtol"])))
        call = f"_la.{kernel}({', '.join(args)})"
        if v.dtype != work and kernel not in _OWN_DTYPE:
            call = f"{call}.astype({np_type(v.dtype)})"
        return [f"{ctx.name(v)} = {call}"]
    return lower


LOWERINGS = {name: _lowering(name) for name in _KERNELS}

__all__ = ["LOWERINGS"]
