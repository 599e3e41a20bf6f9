"""Lowerings of the matrix decompositions that numba compiles itself (``linalg_kernels.py``): cholesky, inv,
solve, det, cofactor, logabsdet, det_sign, pinv, eig_values, eig_vectors, lu_packed, lu_pivots, lu_permutation, and the
factorizations whose outputs are primitives of their own (eigh_values/eigh_vectors, svd_u/svd_s/svd_vh,
qr_q/qr_r): the first of them the entry reaches runs the one LAPACK call and names every sibling output of the
same operand the graph has, as the numpy rule's shared call does (the others lower to nothing). The general
eig and LU run once per output: one output alone is their common use (eigvals for roots and poly;
lu_factor's packed matrix), and a repeated geev or getrf of a small matrix costs less than objmode.
Imports ops and this backend's loops helpers only."""

import numpy as np

from ...core.types import dims_equal
from ...ops.decomp import result_dtype
from .loops import np_type
from .lowering import size_check

# named as their primitives
_KERNELS = ("cholesky", "inv", "solve", "det", "cofactor", "logabsdet", "det_sign", "pinv", "eig_values", "eig_vectors",
            "lu_packed", "lu_pivots", "lu_permutation")
_OWN_DTYPE = ("eig_values", "eig_vectors", "lu_pivots", "lu_permutation")    # kernels returning the result dtype
_SQUARE = ("cholesky", "inv", "solve", "det", "cofactor", "logabsdet", "det_sign", "eig_values", "eig_vectors", "eigh")


def _square_checks(ctx, kernel, v):
    """Where the shape rule could not tell a matrix square (two symbolic sizes), the check when the entry
    runs: numba's LinAlgError named neither the function nor the user's line. solve's right-hand side must
    have as many rows too."""
    x = v.inputs[0]
    pairs = [(x.shape[-1], x.shape[-2], f"{kernel}: the matrices have ", " columns but ", " rows; they must be "
              "square")]
    if kernel == "solve":
        b = v.inputs[1]
        pairs.append((b.shape[-2] if b.ndim == x.ndim else b.shape[-1], x.shape[-2],
                      "solve: the right-hand side has ", " rows where the matrix has ", ""))
    return [size_check(ctx.dim(have), ctx.dim(want), before, between, after + ctx.where_text)
            for have, want, before, between, after in pairs if not dims_equal(have, want)]


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
        return (_square_checks(ctx, kernel, v) if kernel in _SQUARE else []) + [f"{ctx.name(v)} = {call}"]
    return lower


# primitive -> (its factorization's kernel, the position of its output in the kernel's result)
_FACTORS = {"eigh_values": ("eigh", 0), "eigh_vectors": ("eigh", 1), "svd_u": ("svd", 0), "svd_s": ("svd", 1),
            "svd_vh": ("svd", 2), "qr_q": ("qr", 0), "qr_r": ("qr", 1)}


def _factorization(ctx, v):
    kernel = _FACTORS[v.prim.name][0]
    (x,) = v.inputs
    family = [m for m in ctx.graph.nodes() if m.prim is not None and m.prim.name in _FACTORS
              and _FACTORS[m.prim.name][0] == kernel and m.inputs[0] is x]
    # NOTE: svd_s has no full_matrices: it joins the factors of either kind (the first the graph has)
    full = dict(v.attrs).get("full_matrices", next((dict(m.attrs)["full_matrices"] for m in family
                                                    if "full_matrices" in dict(m.attrs)), False))
    key = ("factorization", kernel, x._id, full)
    if key in ctx.siblings_done:
        return []
    ctx.siblings_done.add(key)
    members = {}
    for m in family:
        if dict(m.attrs).get("full_matrices", full) == full:
            members.setdefault(_FACTORS[m.prim.name][1], m)
    work = _work_dtype([x.dtype])
    args = [_operand(ctx, x, work)] + ([] if kernel == "eigh" else [repr(bool(full))])
    parts = ctx.tmp(f"_{kernel}")
    lines = (_square_checks(ctx, kernel, v) if kernel in _SQUARE else []) + [
        f"{parts} = _la.{kernel}({', '.join(args)})"]
    for k, m in members.items():
        cast = f".astype({np_type(m.dtype)})" if m.dtype != work else ""
        lines.append(f"{ctx.name(m)} = {parts}[{k}]{cast}")
    return lines


LOWERINGS = {**{name: _lowering(name) for name in _KERNELS}, **{name: _factorization for name in _FACTORS}}

__all__ = ["LOWERINGS"]
