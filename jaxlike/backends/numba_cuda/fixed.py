"""Fixed-shape kernel sources (not generated from a group): tiled shared-memory GEMM, scatter-add with
atomics, argmax/argmin, fill, the strided copy for non-contiguous device arguments and the Threefry random
bits. Imports numpy, this backend's indexing helpers and (for Threefry's constants) ops.prng.
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
    """out (zeroed) += g scattered along ``axis`` by idx, with atomic adds (repeated indices accumulate). For a
    complex ``dtype``, ``out`` is the result's buffer seen as its real dtype (real and imaginary parts
    interleaved): there is no complex atomic add, so each part gets its own."""
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
    if np.dtype(dtype).kind == "c":
        lines += [f"            o = 2 * ({olin})",
                  "            cuda.atomic.add(out, o, g[i].real)",
                  "            cuda.atomic.add(out, o + 1, g[i].imag)"]
    else:
        lines += [f"            cuda.atomic.add(out, {olin}, g[i])"]
    lines += ["        i += step"]
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


def running_source(name, product, reverse, out_cast):
    """cumsum/cumprod along one axis (x seen as [outer, n, inner]): one thread per line, in order along it
    (from the end when ``reverse``), accumulating in the result's dtype as numpy does (int32 sums in int64)."""
    op = "*" if product else "+"
    first, at = ("n - 1", "n - 1 - t") if reverse else ("0", "t")
    return f"""def {name}(out, x, outer, n, inner):
    j = cuda.grid(1)
    step = cuda.gridsize(1)
    while j < outer * inner:
        o = j // inner
        base = o * n * inner + (j - o * inner)
        if n > 0:
            k = {first}
            acc = {out_cast('x[base + k * inner]')}
            out[base + k * inner] = acc
            for t in range(1, n):
                k = {at}
                acc = acc {op} {out_cast('x[base + k * inner]')}
                out[base + k * inner] = acc
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


def threefry_source(name, fold):
    """Threefry-2x32 (``ops/prng.py``), one thread per output pair: for ``threefry2x32`` the counters 0..n-1
    under each of ``nkeys`` keys (out[j] for key j // n, counter j % n), for ``threefry_fold`` the counter
    (0, data[j]) under key j. Sums are formed in 64 bits and masked: the simulator's numpy scalars warn on
    32-bit wraparound."""
    from ...ops.prng import ROTATIONS, PARITY
    mask = "u64(4294967295)"
    add = lambda a, b, c=None: f"u32((u64({a}) + u64({b}){'' if c is None else f' + u64({c})'}) & {mask})"  # noqa: E731
    rounds = []
    for group, (a, b) in enumerate([("k1", "k2"), ("k2", "k0"), ("k0", "k1"), ("k1", "k2"), ("k2", "k0")]):
        for r in ROTATIONS[group % 2]:
            rounds += [f"x0 = {add('x0', 'x1')}",
                       f"x1 = u32(((u64(x1) << u64({r})) | (u64(x1) >> u64({32 - r}))) & {mask})",
                       "x1 = u32(x1 ^ x0)"]
        rounds += [f"x0 = {add('x0', a)}", f"x1 = {add('x1', b, group + 1)}"]
    if fold:
        head = ["k = j", "x0 = k0 = u32(keys[2 * k])", "k1 = u32(keys[2 * k + 1])",
                f"x1 = {add('data[j]', 'k1')}"]
        params, total = "out, keys, data, nkeys", "nkeys"
    else:
        head = ["k = j // n", "i = j - k * n", "k0 = u32(keys[2 * k])", "k1 = u32(keys[2 * k + 1])",
                f"x0 = {add('i >> 32', 'k0')}", f"x1 = {add('i & 4294967295', 'k1')}"]
        params, total = "out, keys, nkeys, n", "nkeys * n"
    body = head + [f"k2 = u32(k0 ^ k1 ^ u32({PARITY}))"] + rounds + ["out[2 * j] = x0", "out[2 * j + 1] = x1"]
    return (f"def {name}({params}):\n    j = cuda.grid(1)\n    step = cuda.gridsize(1)\n"
            f"    while j < {total}:\n" + "".join(f"        {line}\n" for line in body) + "        j += step\n")
