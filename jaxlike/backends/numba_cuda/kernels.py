"""Kernel source generation: a group of graph nodes (one fused node's body, or one primitive) becomes the Python
source of ONE ``@cuda.jit`` kernel.

* map kernels: a grid-stride loop over the output's elements; each node is evaluated at index expressions, so
  broadcasting, reshape, transpose, slice, concatenate and gather are index arithmetic, never materialised;
  operands whose shape equals the loop's use the flat index directly, and size-1 operands are loaded once.
* reduce kernels: blocks of ``threads`` threads accumulate (output element, split) pairs, combine in shared
  memory with a tree, and either finish the value (split 1) or leave one partial per block for a second,
  tiny kernel; no atomics, so every combine template (NaN-propagating max, prod) works and results are
  deterministic. Nodes after the reduction (``sum(x) / n``) run at the output index in the finishing thread.
* fixed kernels (``fixed``): tiled shared-memory GEMM, scatter-add (atomic adds), argmax/argmin, fill, strided
  copy.

The statements for one node at one element come from ``indexing`` (index expressions).
Every array argument is a flat C-ordered buffer; sizes arrive as integer arguments named after the graph's
symbolic sizes (``n3``), so one compiled kernel serves every size. Scalar templates come from ``prim.scalar``
(Python with ``math.*``), with a few backend overrides where a template is unsafe on special values.
Imports numpy, core and this backend's indexing/fixed modules.
"""

import numpy as np

from ...core.types import Sym, DimExpr
from .indexing import (CAST, PRELUDE, SCALAR_OVERRIDES, CannotLower, Coords, Emitter, cast, literal,  # noqa: F401
                       single_precision, reduce_init, _same_shape)
from .fixed import (gemm_source, scatter_add_source, argext_source, fill_source,  # noqa: F401
                    strided_copy_source, threefry_source, running_source)


# -- kernel assembly ----------------------------------------------------------------------------------------
class KernelSpec:
    """One generated kernel: its source (a plain ``def``; ``label`` holds the comment lines naming what it
    computes), its argument types and how to size its launch.

    ``arrays``: dtypes of the leading flat-array arguments (or, for fixed kernels, full numba type strings);
    ``params``: (name, resolver(env) -> int) of the integer arguments that follow; ``kind``: 'map' (one thread
    per output element), 'reduce' (+ ``finish`` for the split case) or 'fixed'."""

    def __init__(self, kind, name, source, arrays, params, label, uses_error=False, finish=None, info=None):
        self.kind, self.name, self.source = kind, name, source
        self.arrays, self.params, self.label = arrays, params, label
        self.uses_error, self.finish, self.info = uses_error, finish, info or {}
        self.compiled = None

    def signature(self):
        """numba argument types (for ahead-of-time PTX compilation checks)."""
        from numba import types
        from numba.np.numpy_support import from_dtype
        out = []
        for a in self.arrays:
            if isinstance(a, str):
                out.append(eval(a, {"types": types}))  # noqa: S307 - our own type strings
            else:
                out.append(types.Array(from_dtype(np.dtype(a)), 1, "C"))
        return tuple(out) + (types.int64,) * len(self.params)


class _Args:
    """Collects a kernel's integer arguments: symbolic sizes by name (deduplicated) and other runtime params."""

    def __init__(self):
        self.params = []
        self.names = {}

    def dim(self, d):
        if isinstance(d, Sym):
            key, name = ("sym", d.id), f"n{d.id}"
        elif isinstance(d, DimExpr):
            key, name = ("expr", repr(d)), f"m{len(self.names)}"
        else:
            return str(int(d))
        if key not in self.names:
            self.names[key] = name
            self.params.append((name, lambda env, d=d: int(env.resolve(d))))
        return self.names[key]

    def param(self, key, resolver):
        if key not in self.names:
            name = f"p{len(self.params)}"
            self.names[key] = name
            self.params.append((name, resolver))
        return self.names[key]


def describe(nodes, name_of):
    """Comment lines listing the equations a kernel computes, in graph names."""
    lines = []
    for v in nodes:
        attrs = " ".join(f"{k}={a!r}" for k, a in v.attrs if k != "body")
        args = ", ".join(name_of(i) for i in v.inputs)
        lines.append(f"#   {name_of(v)}:{v.type!r} = {v.prim.name}({args}){' ' + attrs if attrs else ''}")
    return lines


def map_kernel(group, name, comment):
    """Grid-stride kernel computing ``group.output`` elementwise (with layout ops as index math)."""
    out = group.output
    args = _Args()
    loads = {v._id: f"a{k}" for k, v in enumerate(group.inputs)}
    em = Emitter(group, loads, args.dim, args.param)
    used = [False]
    em.indent = 2
    coords = Coords([f"c{k}" for k in range(out.ndim)], flat="i", shape=out.type.shape,
                    on_use=lambda: used.__setitem__(0, True))
    val = em.value(out, coords)
    em.emit(f"out[i] = {cast(out.dtype, val)}")
    body = em.out
    n = args.param("size", lambda env: env.size(out))
    unravel = []
    if used[0]:
        em.out, em.indent = [], 2
        em.unravel("i", out, "c")
        unravel = em.out
    params = [p for p, _ in args.params]
    sig = ", ".join(["out"] + [loads[v._id] for v in group.inputs] + (["err"] if em.uses_error else []) + params)
    lines = [f"def {name}({sig}):"] + em.pre + [
        "    i = cuda.grid(1)",
        "    step = cuda.gridsize(1)",
        f"    while i < {n}:"] + unravel + body + ["        i += step"]
    dtypes = [out.dtype] + [v.dtype for v in group.inputs] + ([np.dtype(np.int32)] if em.uses_error else [])
    return KernelSpec("map", name, "\n".join(lines) + "\n", dtypes, args.params, comment, em.uses_error,
                      info={"size": n})


def reduce_kernel(group, name, comment, threads):
    """Block-tree reduction kernel (+ finishing kernel) computing ``group.output``: reductions of one operand
    shape over the same axes, possibly followed by elementwise work at the output index."""
    out = group.output
    reds = group.reductions
    src = reds[0].inputs[0]
    axes = dict(reds[0].attrs)["axes"]
    kept = [k for k in range(src.ndim) if k not in axes]
    args = _Args()
    loads = {v._id: f"a{k}" for k, v in enumerate(group.inputs)}
    em = Emitter(group, loads, args.dim, args.param)
    M = args.param("M", lambda env: env.size(out))
    K = args.param("K", lambda env: env.size_over(src, axes))
    P = args.param("P", lambda env: env.split(out, src, axes))

    # element part: each thread accumulates its share of the reduced elements of output element j
    em.indent = 3
    used = [False]
    jc = [f"c{k}" for k in range(src.ndim)]
    trailing = tuple(axes) == tuple(range(src.ndim - len(axes), src.ndim))
    # NOTE: reducing trailing axes (rows, or everything) makes element (j, k) sit at j*K + k in C order.
    elem = Coords(jc, flat="e" if trailing else None, shape=src.type.shape if trailing else None,
                  on_use=lambda: used.__setitem__(0, True))
    for r, red in enumerate(reds):
        x = em.value(red.inputs[0], elem)
        combine = red.prim.scalar["combine"].format(x, acc=f"acc{r}")
        if red.dtype == np.dtype("float32"):
            combine = single_precision(combine)
        em.emit(f"acc{r} = {cast(red.dtype, combine)}")
    loop_body, pre = em.out, em.pre
    kept_unravel, elem_unravel = [], []
    if used[0]:
        em.out, em.indent = [], 2
        names = em.unravel("j", _ShapeOnly([src.type.shape[k] for k in kept]), "_o")
        kept_unravel = em.out + [f"        c{k} = {nm}" for k, nm in zip(kept, names)]
        em.out, em.indent = [], 3
        names = em.unravel("k", _ShapeOnly([src.type.shape[k] for k in axes]), "_r")
        elem_unravel = em.out + [f"            c{k} = {nm}" for k, nm in zip(axes, names)]
    flat_line = [f"            e = j * {K} + k"] if trailing else []

    def epilogue(indent, results):
        """Statements computing out[j] from the reduction results (the nodes after the reduction)."""
        em.out, em.indent = [], indent
        oc_names = tuple(f"o{k}" for k in range(out.ndim))
        em.scopes = [dict(em.scopes[0])]
        for red, res in zip(reds, results):
            em.scopes[-1][(red._id, oc_names)] = res
        o_used = [False]
        oc = Coords(list(oc_names), flat="j", shape=out.type.shape, on_use=lambda: o_used.__setitem__(0, True))
        val = em.value(out, oc)
        em.emit(f"out[j] = {cast(out.dtype, val)}")
        body = em.out
        if not o_used[0]:
            return body
        em.out, em.indent = [], indent
        em.unravel("j", out, "o")
        return em.out + body

    direct = epilogue(4, [f"sh{r}[0]" for r in range(len(reds))])
    err = ["err"] if em.uses_error else []
    params = [p for p, _ in args.params]
    arr_names = [loads[v._id] for v in group.inputs]
    parts = [f"part{r}" for r in range(len(reds))]
    sig = ", ".join(["out"] + arr_names + parts + err + params)
    shared = [f"    sh{r} = cuda.shared.array({threads}, "
              f"{'numba.boolean' if red.dtype.kind == 'b' else CAST[red.dtype.name]})" for r, red in enumerate(reds)]
    tree = []
    for r, red in enumerate(reds):
        comb = red.prim.scalar["combine"].format(f"sh{r}[t + s]", acc=f"sh{r}[t]")
        if red.dtype == np.dtype("float32"):
            comb = single_precision(comb)
        tree.append(f"                sh{r}[t] = {cast(red.dtype, comb)}")
    lines = [f"def {name}({sig}):"] + shared + pre + [
        "    t = cuda.threadIdx.x",
        f"    for b in range(cuda.blockIdx.x, {M} * {P}, cuda.gridDim.x):",
        f"        j = b // {P}",
        f"        p = b - j * {P}"] + kept_unravel + [
        f"        acc{r} = {reduce_init(red, red.dtype)}" for r, red in enumerate(reds)] + [
        f"        k = p * {threads} + t",
        f"        while k < {K}:"] + flat_line + elem_unravel + loop_body + [
        f"            k += {P} * {threads}"] + [
        f"        sh{r}[t] = acc{r}" for r in range(len(reds))] + [
        "        cuda.syncthreads()",
        f"        s = {threads // 2}",
        "        while s > 0:",
        "            if t < s:"] + tree + [
        "            cuda.syncthreads()",
        "            s //= 2",
        "        if t == 0:",
        f"            if {P} == 1:"] + direct + [
        "            else:"] + [
        f"                part{r}[b] = sh{r}[0]" for r in range(len(reds))] + [
        "        cuda.syncthreads()"]
    source = "\n".join(lines) + "\n"

    # finishing kernel for the split case: one thread per output element combines its P partials
    fin_name = name + "_finish"
    em.uses_error, em.pre, em.scopes = False, [], [{}]
    fin_body = epilogue(2, [f"acc{r}" for r in range(len(reds))])
    fin_err = ["err"] if em.uses_error else []
    fin_pre = list(em.pre)
    header = ["    j = cuda.grid(1)", "    step = cuda.gridsize(1)", f"    while j < {M}:"]
    fin = [f"def {fin_name}({', '.join(['out'] + arr_names + parts + fin_err + params)}):"] + fin_pre + header
    for r, red in enumerate(reds):
        comb = red.prim.scalar["combine"].format(f"part{r}[j * {P} + p]", acc=f"acc{r}")
        if red.dtype == np.dtype("float32"):
            comb = single_precision(comb)
        fin += [f"        acc{r} = {reduce_init(red, red.dtype)}",
                f"        for p in range({P}):",
                f"            acc{r} = {cast(red.dtype, comb)}"]
    fin += fin_body + ["        j += step"]
    arrays = [out.dtype] + [v.dtype for v in group.inputs] + [red.dtype for red in reds]
    i32 = [np.dtype(np.int32)]
    finish = KernelSpec("finish", fin_name, "\n".join(fin) + "\n", arrays + (i32 if fin_err else []),
                        args.params, [], bool(fin_err))

    # serial kernel: one thread per output element loops over all K elements (many outputs, short
    # reductions: column sums read coalesced this way, and no block idles on a handful of elements)
    ser_name = name + "_serial"
    ser_err = bool(err or fin_err)
    ser = [f"def {ser_name}({', '.join(['out'] + arr_names + ['err'] * ser_err + params)}):"] + pre + fin_pre + header + \
        kept_unravel + [f"        acc{r} = {reduce_init(red, red.dtype)}" for r, red in enumerate(reds)] + [
        f"        for k in range({K}):"] + flat_line + elem_unravel + loop_body + fin_body + ["        j += step"]
    serial = KernelSpec("serial", ser_name, "\n".join(ser) + "\n", arrays[:1 + len(group.inputs)]
                        + (i32 if ser_err else []), args.params, [], ser_err)
    assert len(args.params) == len(params), "every reduce variant must take the same size arguments"
    spec = KernelSpec("reduce", name, source, arrays + (i32 if err else []), args.params, comment, bool(err),
                      finish=finish, info={"M": M, "K": K, "P": P, "reds": reds})
    spec.serial = serial
    return spec


class _ShapeOnly:
    """Stands in for a Var where only a shape is needed (unravelling over the reduced or kept dims)."""

    def __init__(self, shape):
        self.type = type("T", (), {"shape": tuple(shape)})()
        self.ndim = len(shape)
