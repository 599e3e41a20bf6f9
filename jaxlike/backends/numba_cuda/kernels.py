"""Kernel source generation: a group of graph nodes (one fused node's body, or one primitive) becomes the Python
source of ONE ``@cuda.jit`` kernel.

* map kernels: a grid-stride loop over the output's elements; each node is evaluated at index expressions, so
  broadcasting, reshape, transpose, slice, concatenate and gather are index arithmetic, never materialised;
  operands whose shape equals the loop's use the flat index directly, and size-1 operands are loaded once.
* reduce kernels: blocks of ``threads`` threads accumulate (output element, split) pairs, combine in shared
  memory with a tree, and either finish the value (split 1) or leave one partial per block for a second,
  tiny kernel; no atomics, so every combine template (NaN-propagating max, prod) works and results are
  deterministic. Nodes after the reduction (``sum(x) / n``) run at the output index in the finishing thread.
* fixed kernels: tiled shared-memory GEMM, scatter-add (atomic adds), argmax/argmin, fill, strided copy.

Every array argument is a flat C-ordered buffer; sizes arrive as integer arguments named after the graph's
symbolic sizes (``n3``), so one compiled kernel serves every size. Scalar templates come from ``prim.scalar``
(Python with ``math.*``), with a few backend overrides where a template is unsafe on special values.
Imports numpy and core only.
"""

import re

import numpy as np

from ...core.types import Sym, DimSum, is_known, promote
from ...core.primitive import Kind

CAST = {"float16": "f16", "float32": "f32", "float64": "f64", "int8": "i8", "int16": "i16", "int32": "i32",
        "int64": "i64", "uint8": "u8", "uint16": "u16", "uint32": "u32", "uint64": "u64", "bool": "bool"}

# The names every kernel module sees (exec'd with these globals; `math` is swapped for a NaN/inf-safe version
# under the simulator, where Python's math raises instead of returning inf/nan as compiled code does).
PRELUDE = ("import math\nimport numba\nfrom numba import cuda\n"
           + "".join(f"{short} = numba.types.{name}\n" for name, short in CAST.items() if short != "bool"))

# Templates that are wrong on special values in compiled code as well as in the simulator: math.floor/ceil
# return int64 in numba, so inf and nan would become garbage integers. Floats of magnitude >= 2**52 are already
# integral, and the comparison is False for nan, so those pass through unchanged.
SCALAR_OVERRIDES = {
    "floor": "(math.floor({0}) if abs({0}) < 4503599627370496.0 else {0})",
    "ceil": "(math.ceil({0}) if abs({0}) < 4503599627370496.0 else {0})",
}

_FLOAT_LIT = re.compile(r"(?<![\w.])(\d+\.\d*(?:[eE][+-]?\d+)?|math\.inf|math\.nan|math\.pi)")


class CannotLower(Exception):
    """A node this backend has no kernel form for (the message names it)."""


def cast(dtype, expr):
    name = CAST[np.dtype(dtype).name]
    return f"{name}({expr})"


def literal(value, dtype):
    """Source text of a scalar of dtype (inf/nan spelled through math, so the text stays valid Python)."""
    dtype = np.dtype(dtype)
    v = np.asarray(value).item()
    if dtype.kind == "b":
        return "True" if v else "False"
    if dtype.kind in "iu":
        return cast(dtype, str(int(v)))
    v = float(v)
    if v != v:
        text = "math.nan"
    elif v in (float("inf"), float("-inf")):
        text = "math.inf" if v > 0 else "-math.inf"
    else:
        text = repr(v)
    return cast(dtype, text)


def single_precision(template):
    """Float literals of a template typed float32, so float32 kernels do not silently compute in float64."""
    return _FLOAT_LIT.sub(lambda m: f"f32({m.group(1)})", template)


def reduce_init(prim, dtype):
    dtype = np.dtype(dtype)
    init = prim.scalar["init"]
    if dtype.kind in "iub" and "inf" in init:
        if dtype.kind == "b":
            return "True" if init.startswith("math") else "False"
        info = np.iinfo(dtype)
        return cast(dtype, str(info.min if init.startswith("-") else info.max))
    if dtype.kind == "b":
        return "True" if init.strip() == "1" else "False"
    return cast(dtype, init)


# -- index expressions ----------------------------------------------------------------------------------
class Coords:
    """Index expressions of one element of a value; ``flat`` is the linear index when the coordinates are the
    canonical unravelling of it over ``shape``, which lets same-shaped operands skip the index math."""

    def __init__(self, exprs, flat=None, shape=None, on_use=None):
        self._exprs = list(exprs)
        self.flat = flat
        self.shape = shape
        self._on_use = on_use

    def __len__(self):
        return len(self._exprs)

    def __getitem__(self, k):
        if self._on_use is not None:
            self._on_use()
        return self._exprs[k]

    def all(self):
        return [self[k] for k in range(len(self._exprs))]

    def raw(self):
        return list(self._exprs)

    def derive(self, exprs, flat=None, shape=None):
        """Coordinates computed from these (they report use through the same callback)."""
        return Coords(exprs, flat=flat, shape=shape, on_use=self._on_use)


def _invariant(expr):
    return expr.isdigit()


class Emitter:
    """Builds a kernel's statements. Values are memoised per (node, index expressions) in nested scopes, so a
    node is computed once per element however many users it has, and again only where a broadcast, transpose
    or branch asks for it at other indices."""

    def __init__(self, group, loads, dim_arg, param_arg):
        self.group = group
        self.loads = loads          # Var id -> array argument name (group inputs)
        self.dim_arg = dim_arg      # (Sym | DimSum) -> argument name
        self.param_arg = param_arg  # (label, resolver) -> argument name
        self.pre = []               # statements before the loop (loop-invariant loads)
        self.scopes = [{}]
        self.out = []               # current statement list
        self.indent = 0
        self.counter = 0
        self.uses_error = False

    # -- bookkeeping --
    def fresh(self, base="t"):
        self.counter += 1
        return f"{base}{self.counter}"

    def emit(self, line):
        self.out.append("    " * self.indent + line)

    def lookup(self, key):
        for scope in reversed(self.scopes):
            if key in scope:
                return scope[key]
        return None

    def dim(self, d):
        if is_known(d):
            return str(int(d))
        return self.dim_arg(d)

    def dims(self, v):
        return [self.dim(d) for d in v.type.shape]

    def linear(self, v, coords):
        """Flat offset of element ``coords`` of value ``v`` (C order)."""
        shape = v.type.shape
        if coords.flat is not None and coords.shape is not None and _same_shape(shape, coords.shape):
            return coords.flat
        terms, stride = [], []
        for k in range(len(shape) - 1, -1, -1):
            c = coords[k]
            if c != "0":
                terms.append(c if not stride else f"{c} * {' * '.join(stride)}")
            if not (is_known(shape[k]) and shape[k] == 1):
                stride = [self.dim(shape[k])] + stride
        return " + ".join(reversed(terms)) if terms else "0"

    def unravel(self, index, v, base):
        """Statements splitting linear ``index`` into coordinates of ``v``'s shape; returns their names."""
        shape = v.type.shape
        names = [f"{base}{k}" for k in range(len(shape))]
        if not shape:
            return names
        rest = self.fresh("q")
        self.emit(f"{rest} = {index}")
        for k in range(len(shape) - 1, 0, -1):
            d = self.dim(shape[k])
            if d == "1":
                self.emit(f"{names[k]} = 0")
                continue
            self.emit(f"{names[k]} = {rest} % {d}")
            self.emit(f"{rest} = {rest} // {d}")
        self.emit(f"{names[0]} = {rest}")
        return names

    # -- values --
    def value(self, v, coords):
        """An expression for ``v`` at ``coords`` (emitting the statements it needs)."""
        key = (v._id, tuple(coords.raw()))
        hit = self.lookup(key)
        if hit is not None:
            return hit
        if v.is_const and v.value.size == 1 and v._id not in self.loads:
            return literal(v.value.reshape(()), v.dtype)
        if v._id in self.loads:
            return self._load(v, coords, key)
        handler = _VALUE_RULES.get(v.prim.kind if v.prim.name not in _VALUE_RULES else v.prim.name)
        if handler is None:
            raise CannotLower(f"{v.prim.name} cannot be evaluated inside a GPU kernel body")
        expr = handler(self, v, coords)
        self.scopes[-1][key] = expr
        return expr

    def _load(self, v, coords, key):
        exprs = coords.raw()
        off = self.linear(v, coords)
        name = self.fresh("x")
        if all(_invariant(c) for c in exprs) and _invariant(off):
            self.pre.append(f"    {name} = {self.loads[v._id]}[{off}]")
            self.scopes[0][key] = name
        else:
            self.emit(f"{name} = {self.loads[v._id]}[{off}]")
            self.scopes[-1][key] = name
        return name

    def child(self):
        self.scopes.append({})
        self.indent += 1

    def close(self):
        self.scopes.pop()
        self.indent -= 1


def _same_shape(a, b):
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if is_known(x) and is_known(y):
            if x != y:
                return False
        elif x is not y:
            return False
    return True


def _bcast_coords(inp, v, coords):
    off = v.ndim - inp.ndim
    raw = coords.raw()
    exprs = ["0" if is_known(d) and d == 1 else raw[off + k] for k, d in enumerate(inp.type.shape)]
    flat = coords.flat if _same_shape(inp.type.shape, v.type.shape) else None
    return coords.derive(exprs, flat=flat, shape=coords.shape if flat else None)


def _elementwise(em, v, coords):
    prim = v.prim
    template = SCALAR_OVERRIDES.get(prim.name, prim.scalar)
    if not isinstance(template, str):
        raise CannotLower(f"{prim.name} has no scalar template usable in a GPU kernel")
    compute, _ = promote([i.type for i in v.inputs])
    args = []
    for inp in v.inputs:
        if inp.is_const and inp.value.size == 1 and inp._id not in em.loads:
            args.append(literal(inp.value.reshape(()), compute if inp.type.weak else inp.dtype))
        else:
            args.append(em.value(inp, _bcast_coords(inp, v, coords)))
    if compute == np.dtype("float32") or (v.dtype == np.dtype("float32") and compute.kind != "f"):
        template = single_precision(template)
    name = em.fresh()
    em.emit(f"{name} = {cast(v.dtype, template.format(*args))}")
    return name


def _broadcast_to(em, v, coords):
    (x,) = v.inputs
    c = _bcast_coords(x, v, coords)
    off = v.ndim - x.ndim
    exprs, changed = c.raw(), False
    for k, d in enumerate(x.type.shape):
        t = v.type.shape[off + k]
        if not is_known(d) and not (d is t):
            # NOTE: a symbolic operand size may be 1 at run time and broadcast (numpy's broadcast_to allows
            # it); the rule says a Sym never broadcasts in elementwise ops, but broadcast_to decides per call.
            exprs[k] = f"({exprs[k]} if {em.dim(d)} != 1 else 0)"
            changed = True
    return em.value(x, c.derive(exprs) if changed else c)


def _reshape(em, v, coords):
    (x,) = v.inputs
    if _same_shape(x.type.shape, v.type.shape):
        return em.value(x, coords)
    lin = em.linear(v, coords)
    if not lin.isidentifier() and not lin.isdigit():
        name = em.fresh("r")
        em.emit(f"{name} = {lin}")
        lin = name
    names = em.unravel(lin, x, em.fresh("c") + "_")
    return em.value(x, coords.derive(names, flat=lin, shape=x.type.shape))


def _transpose(em, v, coords):
    (x,) = v.inputs
    perm = dict(v.attrs)["perm"]
    raw = coords.raw()
    exprs = [None] * len(perm)
    for i, p in enumerate(perm):
        exprs[p] = raw[i]
    return em.value(x, coords.derive(exprs))


def _slice_params(em, v, d):
    """(start, step) expressions of dim d of a slice-like node, resolved against the input's runtime size."""
    index = dict(v.attrs)["index"]
    start, stop, step = index[d]
    full = (v.inputs[0] if v.prim.name == "slice" else v).type.shape[d]
    if all(is_known(a) or a is None for a in (start, stop, step)) and is_known(full):
        s0, _, st = slice(start, stop, step).indices(int(full))
        return str(s0), str(st)

    def resolve(env, which):
        size = env.resolve(full)
        s = slice(*(env.resolve(a) if a is not None else None for a in (start, stop, step))).indices(size)
        return s[0] if which == "start" else s[2]
    return (em.param_arg((v._id, d, "start"), lambda env: resolve(env, "start")),
            em.param_arg((v._id, d, "step"), lambda env: resolve(env, "step")))


def _slice(em, v, coords):
    (x,) = v.inputs
    exprs, raw = [], coords.raw()
    for d in range(v.ndim):
        start, step = _slice_params(em, v, d)
        c = raw[d]
        exprs.append(c if (start, step) == ("0", "1") else f"({start} + {c} * {step})")
    same = _same_shape(x.type.shape, v.type.shape) and exprs == raw
    return em.value(x, coords.derive(exprs, flat=coords.flat if same else None,
                                     shape=coords.shape if same else None))


def _slice_grad(em, v, coords):
    (g,) = v.inputs
    out = em.fresh()
    em.emit(f"{out} = {literal(0, v.dtype)}")
    conds, gexprs = [], []
    for d in range(v.ndim):
        start, step = _slice_params(em, v, d)
        r = em.fresh("s")
        em.emit(f"{r} = {coords[d]} - {start}")
        conds.append(f"{r} % {step} == 0 and 0 <= {r} // {step} < {em.dim(g.type.shape[d])}")
        gexprs.append(f"({r} // {step})")
    em.emit(f"if {' and '.join(conds) if conds else 'True'}:")
    em.child()
    val = em.value(g, coords.derive(gexprs))
    em.emit(f"{out} = {cast(v.dtype, val)}")
    em.close()
    return out


def _concatenate(em, v, coords):
    axis = dict(v.attrs)["axis"]
    out = em.fresh()
    c = coords[axis]
    offset = "0"
    for j, x in enumerate(v.inputs):
        size = em.dim(x.type.shape[axis])
        end = size if offset == "0" else f"{offset} + {size}"
        if j < len(v.inputs) - 1:
            em.emit(f"{'if' if j == 0 else 'elif'} {c} < {end}:")
        else:
            em.emit("else:" if j else "if True:")
        em.child()
        exprs = coords.raw()
        exprs[axis] = c if offset == "0" else f"({c} - ({offset}))"
        em.emit(f"{out} = {cast(v.dtype, em.value(x, coords.derive(exprs)))}")
        em.close()
        offset = end
    return out


def _take(em, v, coords):
    x, idx = v.inputs
    axis = dict(v.attrs)["axis"]
    r = idx.ndim
    raw = coords.raw()
    icoords = coords.derive([raw[axis + k] for k in range(r)])
    i = em.value(idx, icoords)
    n = em.dim(x.type.shape[axis])
    j = em.fresh("j")
    em.emit(f"{j} = i64({i})")
    em.emit(f"if {j} < 0:")
    em.emit(f"    {j} += {n}")
    em.emit(f"if {j} < 0 or {j} >= {n}:")
    em.emit(f"    err[0] = 1")
    em.emit(f"    {j} = 0")
    em.uses_error = True
    exprs = raw[:axis] + [j] + raw[axis + r:]
    return em.value(x, coords.derive(exprs))


_VALUE_RULES = {Kind.ELEMENTWISE: _elementwise, "broadcast_to": _broadcast_to, "reshape": _reshape,
                "transpose": _transpose, "slice": _slice, "slice_grad": _slice_grad,
                "concatenate": _concatenate, "take": _take}


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
        elif isinstance(d, DimSum):
            key, name = ("sum", repr(d)), f"m{len(self.names)}"
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
        f"        acc{r} = {reduce_init(red.prim, red.dtype)}" for r, red in enumerate(reds)] + [
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
        fin += [f"        acc{r} = {reduce_init(red.prim, red.dtype)}",
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
        kept_unravel + [f"        acc{r} = {reduce_init(red.prim, red.dtype)}" for r, red in enumerate(reds)] + [
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


# -- fixed kernels -----------------------------------------------------------------------------------------
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
              f"        if j < 0:",
              f"            j += oshape[{axis}]",
              f"        if j < 0 or j >= oshape[{axis}]:",
              "            err[0] = 1",
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
