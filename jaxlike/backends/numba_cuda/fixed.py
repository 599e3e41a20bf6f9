"""Fixed-shape kernel sources (not generated from a group): tiled shared-memory GEMM, scatter-add with
atomics, argmax/argmin, fill and the strided copy for non-contiguous device arguments. Imports numpy and
this backend's indexing helpers.
"""

import numpy as np

from .indexing import CAST, ERR_INDEX

def gemm_source(name, da, db, dc, tile):
    """Tiled shared-memory batched GEMM over strided flat buffers: c[b,m,n] = sum_k a[b,m,k] * b[b,k,n].
    Grid-stride over (batch, row tile, column tile), so any size runs with a capped grid."""
    acc = CAST[np.dtype(dc).name]
    return f"""def {name}(a, b, c, nb, M, N, K, sab, sam, sak, sbb, sbk, sbn, scb, scm, scn):
    ta = cuda.shared.array(({tile}, {tile}), {acc})
    tb = cuda.shared.array(({tile}, {tile}), {acc})
    tx = cuda.threadIdx.x
    ty = cuda.threadIdx.y
    tiles_m = (M + {tile - 1}) // {tile}
    tiles_n = (N + {tile - 1}) // {tile}
    for bi in range(cuda.blockIdx.z, nb, cuda.gridDim.z):
        for tm in range(cuda.blockIdx.y, tiles_m, cuda.gridDim.y):
            for tn in range(cuda.blockIdx.x, tiles_n, cuda.gridDim.x):
                row = tm * {tile} + ty
                col = tn * {tile} + tx
                acc = {acc}(0)
                for k0 in range(0, K, {tile}):
                    ka = k0 + tx
                    if row < M and ka < K:
                        ta[ty, tx] = {acc}(a[bi * sab + row * sam + ka * sak])
                    else:
                        ta[ty, tx] = {acc}(0)
                    kb = k0 + ty
                    if kb < K and col < N:
                        tb[ty, tx] = {acc}(b[bi * sbb + kb * sbk + col * sbn])
                    else:
                        tb[ty, tx] = {acc}(0)
                    cuda.syncthreads()
                    for kk in range({tile}):
                        acc += ta[ty, kk] * tb[kk, tx]
                    cuda.syncthreads()
                if row < M and col < N:
                    c[bi * scb + row * scm + col * scn] = acc
"""


def scatter_add_source(name, dtype, g_rank, idx_rank, axis):
    """out (zeroed) += g scattered along ``axis`` by idx, with atomic adds (repeated indices accumulate)."""
    # g's shape is out.shape[:axis] + idx.shape + out.shape[axis+1:]; sizes come as the arrays gs, os below
    pre, post = axis, g_rank - axis - idx_rank
    lines = [f"def {name}(out, g, idx, err, gshape, oshape, n):",
             "    i = cuda.grid(1)",
             "    step = cuda.gridsize(1)",
             "    while i < n:",
             "        q = i"]
    for k in range(g_rank - 1, -1, -1):
        lines += [f"        c{k} = q % gshape[{k}]", f"        q = q // gshape[{k}]"]
    ilin = " + ".join(f"c{axis + k} * {_stride_expr('gshape', axis + k + 1, axis + idx_rank)}"
                      for k in range(idx_rank)) or "0"
    lines += [f"        j = i64(idx[{ilin}])",
              "        if j < 0:",
              f"            j += oshape[{axis}]",
              f"        if j < 0 or j >= oshape[{axis}]:",
              f"            err[0] = {ERR_INDEX}",
              "        else:"]
    ocoords = [f"c{k}" for k in range(pre)] + ["j"] + [f"c{axis + idx_rank + k}" for k in range(post)]
    orank = pre + 1 + post
    olin = " + ".join(f"{c} * {_stride_expr('oshape', k + 1, orank)}" for k, c in enumerate(ocoords))
    lines += [f"            cuda.atomic.add(out, {olin}, g[i])",
              "        i += step"]
    return "\n".join(lines) + "\n"


def _stride_expr(arr, start, stop):
    parts = [f"{arr}[{k}]" for k in range(start, stop)]
    return " * ".join(parts) if parts else "1"


def argext_source(name, largest):
    """argmax/argmin along one axis (x seen as [outer, n, inner]); the first NaN wins, as in numpy."""
    better = ">" if largest else "<"
    return f"""def {name}(out, x, outer, n, inner):
    j = cuda.grid(1)
    step = cuda.gridsize(1)
    while j < outer * inner:
        o = j // inner
        r = j - o * inner
        base = o * n * inner + r
        best = x[base]
        arg = 0
        if best == best:
            for k in range(1, n):
                v = x[base + k * inner]
                if v != v:
                    best = v
                    arg = k
                    break
                if v {better} best:
                    best = v
                    arg = k
        out[j] = arg
        j += step
"""


def fill_source(name):
    return f"""def {name}(out, value, n):
    i = cuda.grid(1)
    step = cuda.gridsize(1)
    while i < n:
        out[i] = value
        i += step
"""


def strided_copy_source(name, rank):
    """Copy an N-d (possibly non-contiguous) device array into a flat C-ordered buffer."""
    idx = ", ".join(f"c{k}" for k in range(rank))
    lines = [f"def {name}(src, dst, n):",
             "    i = cuda.grid(1)",
             "    step = cuda.gridsize(1)",
             "    while i < n:",
             "        q = i"]
    for k in range(rank - 1, 0, -1):
        lines += [f"        c{k} = q % src.shape[{k}]", f"        q = q // src.shape[{k}]"]
    lines += ["        c0 = q", f"        dst[i] = src[{idx}]", "        i += step"]
    return "\n".join(lines) + "\n"
