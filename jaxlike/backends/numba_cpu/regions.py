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
    gradient written into ``out`` (C-contiguous, zeros elsewhere). Rows of ``g``'s last axis are copied by
    one inner loop; the outer index is unravelled once per row."""
    nd = g.ndim
    if g.size == 0:
        return
    flat = out.reshape(-1)
    src = np.ascontiguousarray(g).reshape(-1)
    item = out.itemsize
    inner = g.shape[nd - 1]
    step_in = steps[nd - 1] * (out.strides[nd - 1] // item)
    first = starts[nd - 1] * (out.strides[nd - 1] // item)
    for r in range(g.size // inner):
        rem = r
        at = first
        for k in range(nd - 2, -1, -1):
            i = rem % g.shape[k]
            rem //= g.shape[k]
            at += (starts[k] + steps[k] * i) * (out.strides[k] // item)
        base = r * inner
        for j in range(inner):
            flat[at + j * step_in] = src[base + j]
