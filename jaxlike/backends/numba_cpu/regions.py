"""Run-time helpers over strided regions of arrays (the generated modules call them as ``_rg.<name>``).

Each is one compiled body per rank and layout, cached on disk with the package and shared by every call
site of every graph, where code written into the entry was typed, lowered and optimized again at each site
of each graph (a LeNet layer's gradient writes 18 slice gradients: five nested loops each, ~0.2 s of numba
compile time apiece, more in a large entry). Imports numpy and numba only.
"""

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def embed(out, g, starts, steps):
    """``out[starts[k] + steps[k] * i_k, ...] = g[i_0, ...]`` for every index of ``g``: a basic slice's
    gradient written into ``out`` (C-contiguous, zeros elsewhere). The last two axes are loops; the others
    advance as an odometer (no division per element: a convolution's windows have last axes of 1 to 5)."""
    nd = g.ndim
    if g.size == 0:
        return
    flat = out.reshape(-1)
    src = np.ascontiguousarray(g).reshape(-1)
    stride = np.empty(nd, np.int64)
    at = 0
    for k in range(nd):
        stride[k] = steps[k] * (out.strides[k] // out.itemsize)
        at += starts[k] * (out.strides[k] // out.itemsize)
    cols = g.shape[nd - 1]
    rows = g.shape[nd - 2] if nd >= 2 else 1
    row_step = stride[nd - 2] if nd >= 2 else 0
    col_step = stride[nd - 1]
    idx = np.zeros(nd, np.int64)
    read = 0
    for _ in range(g.size // (rows * cols)):
        for r in range(rows):
            row = at + r * row_step
            for c in range(cols):
                flat[row + c * col_step] = src[read + c]
            read += cols
        k = nd - 3
        while k >= 0:
            idx[k] += 1
            at += stride[k]
            if idx[k] < g.shape[k]:
                break
            at -= stride[k] * g.shape[k]
            idx[k] = 0
            k -= 1
