"""Lowering of ``contract`` (the two-operand einsum) to a batched GEMM: cuBLAS through CuPy when CuPy imports,
else the tiled shared-memory kernel of ``kernels.gemm_source``.

The spec's indices fall into four groups: batch (in a, b and out), M (a and out), N (b and out), K (a and b).
Each group becomes one (size, stride) pair per operand when its indices sit next to each other in that operand,
in the same order everywhere; a flat C-ordered buffer then needs no copy, transposed operands included. An
operand that does not line up is first permuted into (batch, M, K) / (batch, K, N) order by a transpose kernel,
and an output that does not line up is computed in (batch, M, N) order and permuted after.
Imports numpy and core only.
"""

import numpy as np

from ...core.graph import Var
from ...core.types import TensorType
from ...core.primitive import REGISTRY
from ...ops.linalg import spec_groups


def _lines_up(term, groups):
    """Whether each group's indices are consecutive in ``term`` and in the group's order."""
    for g in groups:
        if not g:
            continue
        pos = [term.index(c) for c in g]
        if pos != list(range(pos[0], pos[0] + len(g))):
            return False
    return True


def _permuted(var, term, order):
    """A transpose node taking ``var`` (indices ``term``) to index order ``order``."""
    perm = tuple(term.index(c) for c in order)
    shape = tuple(var.type.shape[p] for p in perm)
    return Var(TensorType(var.dtype, shape), REGISTRY["transpose"], (var,), (("perm", perm),))


class ContractPlan:
    """The static part of one contract's lowering; ``params(env)`` gives the per-size GEMM arguments."""

    def __init__(self, node):
        spec = dict(node.attrs)["spec"]
        a, b = node.inputs
        sa, sb, so, batch, m, k, n = spec_groups(spec)
        self.node = node
        self.a, self.b = a, b
        self.pre = []  # transpose nodes to run before the GEMM
        if not _lines_up(sa, [batch, m, k]):
            order = "".join(batch + m + k)
            self.a = _permuted(a, sa, order)
            self.pre.append(self.a)
            sa = order
        if not _lines_up(sb, [batch, k, n]):
            order = "".join(batch + k + n)
            self.b = _permuted(b, sb, order)
            self.pre.append(self.b)
            sb = order
        self.c = node
        self.post = None  # transpose from the canonical product to the node's layout
        if not _lines_up(so, [batch, m, n]):
            order = "".join(batch + m + n)
            size = {}
            for term, var in ((sa, self.a), (sb, self.b)):
                for ch, d in zip(term, var.type.shape):
                    size.setdefault(ch, d)
            self.c = Var(TensorType(node.dtype, tuple(size[ch] for ch in order)))
            post = _permuted(self.c, order, so)
            self.post = Var(node.type, REGISTRY["transpose"], (self.c,), post.attrs)
            so = order
        self.terms = (sa, sb, so)
        self.groups = (batch, m, n, k)

    def params(self, env):
        """(nb, M, N, K, strides of a, b, c per group) for the sizes bound in env."""
        sa, sb, so = self.terms
        batch, m, n, k = self.groups
        dims = {}
        for term, var in ((sa, self.a), (sb, self.b)):
            for ch, d in zip(term, var.type.shape):
                dims[ch] = int(env.resolve(d))

        def size(g):
            return int(np.prod([dims[c] for c in g], dtype=np.int64)) if g else 1

        def stride(term, g):
            if not g:
                return 0
            last = term.index(g[-1])
            return int(np.prod([dims[c] for c in term[last + 1:]], dtype=np.int64))

        return (size(batch), size(m), size(n), size(k),
                stride(sa, batch), stride(sa, m), stride(sa, k),
                stride(sb, batch), stride(sb, k), stride(sb, n),
                stride(so, batch), stride(so, m), stride(so, n))


def cupy_available():
    try:
        import cupy  # noqa: F401
    except Exception:  # noqa: BLE001 - any failure to import means the kernel path is used
        return False
    return True


def cupy_gemm(a, b, c, nb, M, N, K, sab, sam, sak, sbb, sbk, sbn, scb, scm, scn):
    """c = a @ b through CuPy (cuBLAS for float32/float64), reading and writing our buffers in place."""
    import cupy

    def view(buf, shape, strides):
        buf = cupy.asarray(buf)  # zero-copy through __cuda_array_interface__
        item = buf.dtype.itemsize
        return cupy.lib.stride_tricks.as_strided(buf, shape=shape, strides=tuple(s * item for s in strides))

    if min(nb, M, N) == 0:
        return
    A = view(a, (nb, M, K), (sab, sam, sak))
    B = view(b, (nb, K, N), (sbb, sbk, sbn))
    C = view(c, (nb, M, N), (scb, scm, scn))
    if K == 0:
        C[...] = 0
        return
    res = cupy.matmul(A.astype(C.dtype, copy=False), B.astype(C.dtype, copy=False))
    C[...] = res
