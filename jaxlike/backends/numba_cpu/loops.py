"""Fused group -> loop nest source: one kernel function per ``fused`` node (format: ``ops/fused.py``).

Each body node is evaluated per iteration point at index expressions, so numpy broadcasting, transposes and
1-dim reshapes are index arithmetic (an operand dim of known size 1 is indexed with 0; nothing is
materialized). Values are memoised per (node, indices); loop-invariant ones (all indices 0) are computed
once before the loops. Scalar templates (``prim.scalar``) are formatted with operand names and every result
is cast to its node's dtype. A reduce root accumulates in registers over its trailing reduced axes and in the
output array only when a reduced axis sits outside a kept one; float16/float32 sums and products accumulate
in float64.

Kernels are ``inline='always'`` functions, and the entry runs them as text pasted in place of their calls
(``paste.py``): one function compiled in about 60% of the time of separate ones (measured: 10 and 40
kernels), and ~20% sooner again than numba's own inlining of them. With ``parallel`` on, a group whose iteration space can
be large (a symbolic size, or a known size over the threshold) also gets a ``prange`` variant (a separate
``parallel=True`` function); the entry picks it at run time when the element count reaches the
threshold. Reductions over the first loop axis run in parallel as partial results over a fixed number of
chunks, combined afterwards (deterministic for a given machine). Imports numpy, core and ops only.
"""

import keyword
import math
import re

import numpy as np

from ...core.errors import where
from ...core.graph import distinct_syms
from ...core.types import Sym, DimExpr, is_known, promote, short_name
from ...core.primitive import Kind
from ...ops.fused import remap_kind, iteration_shape, reduce_root
from . import branchless
from .simd import (BLOCK, block_buffer, block_loop, chunkable, chunked, is_ranged, may_be_big, serial_decorator,
                   ranged_calls, ranged_text, two_pass, vecmath_template, vectorizable, with_range_flag)

# -- text helpers shared by the code generator -----------------------------------------------------------
RESERVED = set(keyword.kwlist) | {
    "math", "np", "numba", "njit", "prange", "entry", "abs", "max", "min", "bool", "int", "float", "range",
    "len", "str", "tuple", "print", "True", "False", "None", "divmod", "round", "sum", "type", "object"}


def safe(name):
    """A graph name usable as a Python identifier in generated code."""
    return name + "_v" if name in RESERVED else name


def known1(d):
    return is_known(d) and d == 1


_NP_NAMES = {"bool": "np.bool_"}


def np_type(dtype):
    """Source text of the numpy scalar type (``np.float32``), usable as a cast and as a dtype in numba."""
    name = np.dtype(dtype).name
    return _NP_NAMES.get(name, "np." + name)


def cast(expr, dtype, from_complex=False):
    """``expr`` as a ``dtype`` scalar; a complex value cast to a real dtype keeps its real part (numpy's
    astype), which numba will not do by itself."""
    dtype = np.dtype(dtype)
    if from_complex and dtype.kind == "b":
        return f"(({expr}) != 0)"
    if from_complex and dtype.kind != "c":
        expr = f"({expr}).real"
    if dtype.kind == "b":
        return f"bool({expr})"
    return f"{np_type(dtype)}({expr})"


def literal(value, dtype):
    """Source text of a scalar of ``dtype``; inf and nan are spelled through ``math``."""
    dtype = np.dtype(dtype)
    v = np.asarray(value).reshape(()).item()
    if dtype.kind == "b":
        return "True" if v else "False"
    if dtype.kind in "iu":
        text = str(int(v))
        return text if dtype == np.int64 else f"{np_type(dtype)}({text})"
    if dtype.kind == "c":
        v = complex(v)
        text = f"complex({_float_text(v.real)}, {_float_text(v.imag)})"
        return text if dtype == np.complex128 else f"{np_type(dtype)}({text})"
    text = _float_text(float(v))
    return text if dtype == np.float64 else f"{np_type(dtype)}({text})"


def _float_text(v):
    if v != v:
        return "math.nan"
    if math.isinf(v):
        return "math.inf" if v > 0 else "-math.inf"
    return repr(v)


def reduce_init(red, dtype):
    """The accumulator's starting value in ``dtype``: the node's ``initial`` when it has one, else the
    primitive's init, where a +-inf init becomes the dtype's extreme for ints."""
    dtype = np.dtype(dtype)
    initial = dict(red.attrs).get("initial")
    if initial is not None:
        return literal(initial, dtype)
    text = red.prim.scalar["init"]
    try:
        val = eval(text, {"math": math})  # NOTE: templates are our own source text (ops files), not user input
    except Exception:
        return cast(text, dtype)
    if isinstance(val, float) and math.isinf(val) and dtype.kind in "iub":
        if dtype.kind == "b":
            return "False" if val < 0 else "True"
        info = np.iinfo(dtype)
        return literal(info.min if val < 0 else info.max, dtype)
    return literal(val, dtype)


def has_identity(red):
    """Whether reduce node ``red`` has a value for an empty slice (max/min only with ``initial``)."""
    if dict(red.attrs).get("initial") is not None:
        return True
    try:
        val = eval(red.prim.scalar["init"], {"math": math})
    except Exception:
        return True
    return not (isinstance(val, float) and math.isinf(val))


def empty_reduction_text(red):
    return f"{red.prim.name}: zero-size array to reduction operation which has no identity{where(red.source)}"


_FLOAT_LIT = re.compile(r"(?<![\w.])(\d+\.\d*(?:[eE][+-]?\d+)?|math\.inf|math\.nan|math\.pi)")


def single_precision(template):
    """Float literals of a template typed float32, so float32 loops do not compute in float64."""
    return _FLOAT_LIT.sub(lambda m: f"np.float32({m.group(1)})", template)


def dim_text(d, symname):
    if is_known(d):
        return str(int(d))
    if isinstance(d, Sym):
        return symname(d)
    if isinstance(d, DimExpr):
        return "(" + f" {d.OP} ".join(dim_text(t, symname) for t in d.terms) + ")"
    raise TypeError(f"not a size: {d!r}")


def shape_text(shape, symname):
    dims = [dim_text(d, symname) for d in shape]
    return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"


def product_text(dims, symname):
    parts = [dim_text(d, symname) for d in dims if not known1(d)]
    return " * ".join(parts) if parts else "1"


# Element-type families whose templates are numpy-exact only with their own operand promotion rules.
_NO_OPERAND_CAST = {"convert", "logical_and", "logical_or", "logical_xor", "logical_not"}
# where numpy raises for integer operands and numba's operator would not (the fuzzer found 2 ** -1 == 0)
_INT_TEMPLATES = {"pow": "_rt.int_pow({0}, {1})"}
_ASSOCIATIVE = {"reduce_sum", "reduce_prod", "reduce_max", "reduce_min"}


class Kernel:
    """The source of one fused group: ``serial`` (and ``parallel`` or None) function texts, the parameter
    list the entry passes, and whether it returns a scalar (rank-0 root) instead of filling ``_out``."""

    def __init__(self, name, serial, parallel, params, scalar, work, comment):
        self.name, self.serial, self.parallel = name, serial, parallel
        self.params, self.scalar, self.work, self.comment = params, scalar, work, comment


class _Writer:
    """Statements of one loop body; values memoised per (node id, index tuple)."""

    def __init__(self, body, names, symname):
        self.body = body
        self.names = names
        self.symname = symname
        self.inputs = {v._id: names[v._id] for v in body.inputs}
        self.pre = []       # loop-invariant statements
        self.lines = []     # statements of the innermost loop body
        self.memo = {}
        self.used = {}
        self.vecmath = False  # whether float loops call vecmath's exp/sigmoid (see ``simd.vectorizable``)
        self.ranged = False   # whether sin/cos/tan, float %, // call vecmath's and set ``_big`` (``simd.ranged_calls``)
        self.range_checked = set()

    def fresh(self, base):
        n = self.used.get(base, 0)
        self.used[base] = n + 1
        return f"{base}_" if n == 0 else f"{base}_{n}"

    def emit(self, line, invariant):
        (self.pre if invariant else self.lines).append(line)

    def value(self, v, idx):
        """(expression, dtype) of ``v`` at index expressions ``idx``."""
        idx = tuple(idx)
        key = (v._id, idx)
        if key in self.memo:
            return self.memo[key]
        invariant = all(i == "0" for i in idx)
        if v.is_const:
            out = (literal(v.value, v.dtype), v.dtype)
        elif v._id in self.inputs:
            name = self.inputs[v._id]
            if v.ndim == 0:
                out = (name, v.dtype)
            else:
                t = self.fresh(name)
                self.emit(f"{t} = {name}[{', '.join(idx)}]", invariant)
                out = (t, v.dtype)
        else:
            kind = remap_kind(v)
            if kind is not None:
                out = self.value(v.inputs[0], remap_index(v, kind, idx))
            elif v.prim.kind is Kind.ELEMENTWISE:
                out = self._elementwise(v, idx, invariant)
            else:
                raise TypeError(f"numba_cpu: {v.prim.name} cannot be evaluated inside a fused loop")
        self.memo[key] = out
        return out

    def _elementwise(self, v, idx, invariant):
        prim = v.prim
        operands = [self.value(i, broadcast_index(v, i, idx)) for i in v.inputs]
        compute = None
        if prim.name not in _NO_OPERAND_CAST:
            types = [i.type for i in v.inputs[1:]] if prim.name == "select" else [i.type for i in v.inputs]
            compute = promote(types)[0]
            if compute.kind in "biu" and v.dtype.kind in "fc":
                compute = v.dtype   # NOTE: numpy computes in the float result (-x of a uint32 would wrap)
        args = []
        for k, (inp, (expr, dt)) in enumerate(zip(v.inputs, operands)):
            # NOTE: unsigned too: numba computes uint64 with an int64 (a weak Python int) in float64
            want = compute if (compute is not None and compute.kind in "fcu"
                               and not (prim.name == "select" and k == 0)) else None
            if want is not None and np.dtype(dt) != want:
                expr = literal(inp.value, want) if inp.is_const else cast(expr, want)
            args.append(expr)
        in_complex = any(np.dtype(dt).kind == "c" for _, dt in operands)
        template = prim.template(compute if compute is not None else operands[0][1])
        template = branchless.template(prim.name, compute, template)
        if compute is not None and compute.kind in "iub" and prim.name in _INT_TEMPLATES:
            template = _INT_TEMPLATES[prim.name]
        if callable(template):
            template = template(args, v.dtype)
            text = template
        else:
            if v.dtype == np.float32 or compute == np.float32:
                template = single_precision(template)
            if compute is not None and self.vecmath:
                template = vecmath_template(prim.name, template, compute)
            text = template.format(*args)
        if self.ranged and is_ranged(v):
            text, outside = ranged_text(v, args)
            if outside not in self.range_checked:
                self.range_checked.add(outside)
                self.emit(f"_big = _big | ({outside})", invariant)
        t = self.fresh(self.names[v._id])
        self.emit(f"{t} = {cast(text, v.dtype, from_complex=in_complex)}", invariant)
        return (t, v.dtype)


def broadcast_index(v, operand, idx):
    """Indices of ``operand`` for element ``idx`` of ``v`` under numpy broadcasting."""
    off = v.ndim - operand.ndim
    return tuple("0" if known1(d) else idx[off + k] for k, d in enumerate(operand.shape))


def remap_index(v, kind, idx):
    x = v.inputs[0]
    if kind == "broadcast":
        return broadcast_index(v, x, idx)
    if kind == "transpose":
        perm = dict(v.attrs)["perm"]
        out = [None] * len(perm)
        for k, p in enumerate(perm):
            out[p] = idx[k]
        return tuple(out)
    # reshape that inserts/removes 1-dims: the non-1 dims keep their order
    live = iter(i for i, d in zip(idx, v.shape) if not known1(d))
    return tuple("0" if known1(d) else next(live) for d in x.shape)


def _loop_vars(shape, prefix="i"):
    return tuple("0" if known1(d) else f"{prefix}{k}" for k, d in enumerate(shape))


class _Source:
    def __init__(self):
        self.lines = []

    def add(self, depth, line):
        self.lines.append("    " * depth + line)

    def extend(self, depth, lines):
        for line in lines:
            self.add(depth, line)


def loop_space(body):
    """(iteration shape, positions of its non-1 dims, the size symbols those loops need, in order)."""
    space = iteration_shape(body)
    loops = [k for k, d in enumerate(space) if not known1(d)]
    return space, loops, distinct_syms(tuple(space[k] for k in loops))


def kernel(index, node, names, body_names, symname, options, rerun_safe=True):
    """The Kernel for fused ``node`` (the ``index``-th); ``names`` names the entry's values. ``rerun_safe``:
    the kernel's output is none of its operands (it may then be written in two passes: ``simd.ranged_calls``)."""
    body = dict(node.attrs)["body"]
    space, loops, sizes = loop_space(body)
    name = f"k{index}_{names[node._id]}"
    red = reduce_root(body)
    scalar = node.ndim == 0
    params = [body_names[v._id] for v in body.inputs] + ([] if scalar else ["_out"]) + [symname(s) for s in sizes]
    work = product_text(space, symname)
    flags = _flags(options)
    two = rerun_safe and loops and ranged_calls([body])
    chunks_it = (two and options["chunked"] and chunkable(space, loops, body.inputs)
                 and (red is None or red.prim.name in _ASSOCIATIVE))
    big = may_be_big(space, options["par_threshold"])
    if two:
        vector = _function(name + "_vec", params, body, body_names, symname, red, space, loops, "serial",
                           f"@njit(inline='always', {flags})", ranged=True)
        lib = _function(name + "_lib", params, body, body_names, symname, red, space, loops, "serial",
                        f"@njit(inline='always', {flags})")
        serial = two_pass(name, params, with_range_flag(vector, scalar), lib, flags, scalar, inline=not chunks_it)
    else:
        serial = _function(name, params, body, body_names, symname, red, space, loops, "serial",
                           serial_decorator(space, flags, big))
    parallel = None
    if chunks_it:
        sliced = {body_names[v._id] for v in body.inputs if v.ndim == 1 and not known1(v.shape[0])}
        combines = []
        if scalar:
            acc, _, combine = accumulation(red)
            combines.append((combine, np_type(acc), np_type(red.dtype)))
        else:
            sliced.add("_out")
        parallel = chunked(name, params, sliced, symname(space[0]), "scalar" if scalar else "none", combines,
                           flags, BLOCK, chunks())
    elif options["parallel"] and loops and big and (red is None or red.prim.name in _ASSOCIATIVE
                                                     or loops[0] not in dict(red.attrs)["axes"]):
        parallel = _function(name + "_par", params, body, body_names, symname, red, space, loops, "parallel",
                             f"@njit(parallel=True, cache=True, {flags})")
    comment = describe(body, body_names, symname)
    return Kernel(name, serial, parallel, params, scalar, work, comment)


def _flags(options):
    return f"error_model='numpy', fastmath={bool(options['fastmath'])}, nogil=True"


def type_text(t, symname):
    return f"{short_name(t.dtype)}[{','.join(dim_text(d, symname) for d in t.shape)}]"


def attr_text(a, symname):
    """An attr as text with sizes under their canonical names (``repr`` would print process-local ids)."""
    if isinstance(a, (Sym, DimExpr)):
        return dim_text(a, symname)
    if isinstance(a, tuple):
        return "(" + ",".join(attr_text(x, symname) for x in a) + ("," if len(a) == 1 else "") + ")"
    if isinstance(a, np.dtype):
        return a.name
    return repr(a)


def describe(body, body_names, symname):
    """Comment lines listing the body's equations in the kernel's own names."""
    lines = []
    for v in body.eqns():
        args = ", ".join(body_names[i._id] if i._id in body_names else literal(i.value, i.dtype)
                         for i in v.inputs)
        attrs = " ".join(f"{k}={attr_text(a, symname)}" for k, a in v.attrs)
        lines.append(f"#   {body_names[v._id]}:{type_text(v.type, symname)} = {v.prim.name}({args})"
                     f"{' ' + attrs if attrs else ''}")
    return lines


def _function(name, params, body, body_names, symname, red, space, loops, mode, decorator, ranged=False):
    src = _Source()
    src.add(0, decorator)
    src.add(0, f"def {name}({', '.join(params)}):")
    w = _Writer(body, body_names, symname)
    w.vecmath = vectorizable([body], ranged)
    w.ranged = ranged
    if red is None:
        _elementwise_nest(src, w, body, space, loops, mode, symname)
    else:
        _reduce_nest(src, w, red, space, loops, mode, symname)
    return src.lines


def _range(k, space, symname, mode, first):
    fn = "prange" if (mode == "parallel" and first) else "range"
    return f"{fn}({dim_text(space[k], symname)})"


def _elementwise_nest(src, w, body, space, loops, mode, symname):
    idx = _loop_vars(space)
    expr, _ = w.value(body.root, idx)
    if body.root.ndim == 0:
        src.extend(1, w.pre + w.lines)
        src.add(1, f"return {expr}")
        return
    src.extend(1, w.pre)
    for depth, k in enumerate(loops):
        src.add(1 + depth, f"for i{k} in {_range(k, space, symname, mode, depth == 0)}:")
    depth = 1 + len(loops)
    src.extend(depth, w.lines)
    src.add(depth, f"_out[{', '.join(idx) or '()'}] = {expr}")


def accumulation(red):
    """(accumulator dtype, its initial value, the combine template) of reduce node ``red``: float16/float32
    sums and products accumulate in float64."""
    out_dt = red.dtype
    acc_dt = out_dt
    if red.prim.name in ("reduce_sum", "reduce_prod") and out_dt.kind in "fc" and out_dt.itemsize < 8:
        acc_dt = np.dtype("float64" if out_dt.kind == "f" else "complex128")
    combine = branchless.combine(red.prim.name, red.prim.scalar["combine"])
    if acc_dt == np.float32:
        combine = single_precision(combine)
    return acc_dt, reduce_init(red, acc_dt), combine


def _reduce_nest(src, w, red, space, loops, mode, symname):
    prim = red.prim
    axes = set(dict(red.attrs)["axes"])
    out_dt = red.dtype
    acc_dt, init, combine = accumulation(red)
    idx = _loop_vars(space)
    kept = [k for k in range(len(space)) if k not in axes]
    out_idx = [idx[k] for k in kept]
    scalar_out = red.ndim == 0
    val, vdt = w.value(red.inputs[0], idx)
    raw, raw_dt = val, np.dtype(vdt)
    if np.dtype(vdt) != acc_dt:
        t = w.fresh("_v")
        w.lines.append(f"{t} = {cast(val, acc_dt)}")
        val = t
    step = f"_a = {cast(combine.format(val, acc='_a'), acc_dt)}"

    if not has_identity(red):
        reduced = [space[k] for k in sorted(axes)]
        if not all(is_known(d) and d > 0 for d in reduced):
            count = product_text(reduced, symname) if reduced else "1"
            src.add(1, f"if {count} == 0:")
            src.add(2, f"raise ValueError({empty_reduction_text(red)!r})")
    src.extend(1, w.pre)
    chunked = mode == "parallel" and loops and loops[0] in axes
    if chunked:
        _chunked_reduce(src, w, red, space, loops, axes, kept, out_idx, acc_dt, init, step, combine, symname)
        return
    direct = acc_dt == out_dt and not scalar_out
    target = "_out" if direct else "_acc"
    outer_reduced = _outer_has_reduced(loops, axes)
    buffered = None
    lanes = lane_reducer(prim, acc_dt)
    if loops and loops[-1] in axes and (any("_vm." in line for line in w.lines)
                                        or (lanes and vectorizable([w.body]))):
        # NOTE: an accumulation in one chain keeps the loop scalar, and with it the vecmath exp it calls
        # (7 ns per element instead of 1-2). The innermost reduced loop computes its values into a buffer
        # (that loop vectorizes), then the buffer is accumulated: float64 sums in lanes (support.lane_sum),
        # the rest in order. The buffer keeps the values' own dtype: a float32 -> float64 conversion in the
        # loop that stores it kept LLVM from vectorizing that loop (measured 9.3 vs 4.3 ms, 4M exp). The loop
        # runs in blocks of BLOCK values, so the buffer stays in L1 whatever the size (a whole-axis buffer
        # was one more array as large as the input: 80 MB and 0.1 s more for a sum over 10^7 float64).
        k = loops[-1]
        if raw_dt != acc_dt:
            w.lines.pop()   # NOTE: the conversion line above; it moves to the accumulation
        src.add(1, block_buffer("_buf", dim_text(space[k], symname), np_type(raw_dt)))
        if lanes:
            after = [f"_l = _rt.{lanes}(_buf, _hi - _lo)", f"_a = {cast(combine.format('_l', acc='_a'), acc_dt)}"]
        else:
            item = cast("_buf[_t]", acc_dt) if raw_dt != acc_dt else "_buf[_t]"
            after = ["for _t in range(_hi - _lo):", f"    _a = {cast(combine.format(item, acc='_a'), acc_dt)}"]
        buffered = (f"_buf[_b] = {raw}", after, dim_text(space[k], symname))
    if outer_reduced and not direct:
        src.add(1, f"_acc = np.empty(_out.shape, {np_type(acc_dt)})")
    if outer_reduced:
        src.add(1, f"{target}[...] = {init}")
    nest = [(k, _range(k, space, symname, mode, n == 0)) for n, k in enumerate(loops)]
    if scalar_out:
        _nest(src, 1, w, nest, axes, None, init, step, lambda: None, buffered=buffered)
        src.add(1, f"return {cast('_a', out_dt)}")
        return
    tgt = f"{target}[{', '.join(out_idx)}]"
    _nest(src, 1, w, nest, axes, tgt if outer_reduced else None, init, step,
          lambda: tgt if (direct or outer_reduced) else f"_out[{', '.join(out_idx)}]",
          final_cast=None if (direct or outer_reduced) else out_dt, buffered=buffered)
    if outer_reduced and not direct:
        _copy_out(src, red, kept, space, out_dt, "_acc", symname)


def lane_reducer(prim, acc_dt):
    """The ``support`` function that reduces a buffer in lanes for this accumulation, or None: float64 sums
    (``lane_sum``), float max and min (``lane_max``, ``lane_min``)."""
    acc_dt = np.dtype(acc_dt)
    if prim.name == "reduce_sum" and acc_dt == np.float64:
        return "lane_sum"
    if prim.name in ("reduce_max", "reduce_min") and acc_dt.kind == "f":
        return "lane_" + prim.name[len("reduce_"):]
    return None


def _outer_has_reduced(loops, axes):
    suffix = 0
    for k in reversed(loops):
        if k in axes:
            suffix += 1
        else:
            break
    return any(k in axes for k in loops[:len(loops) - suffix])


def _nest(src, depth, w, nest, axes, load, init, step, store, final_cast=None, buffered=None):
    """Loops of ``nest`` ((axis, range text) pairs); the trailing reduced loops accumulate in ``_a``, which
    starts from ``load`` (an array element) or ``init`` and is stored to ``store()`` after them. With
    ``buffered`` (the store into ``_buf``, the accumulation from it, the loop's size), the innermost loop runs
    in blocks: each fills the buffer, then it is accumulated."""
    split = len(nest)
    while split > 0 and nest[split - 1][0] in axes:
        split -= 1
    for n, (k, rng) in enumerate(nest[:split]):
        src.add(depth + n, f"for i{k} in {rng}:")
    d = depth + split
    src.add(d, f"_a = {load if load is not None else init}")
    for n, (k, rng) in enumerate(nest[split:]):
        if buffered is not None and n == len(nest) - split - 1:
            fill, after, size = buffered
            src.extend(d + n, block_loop(size, f"i{k}"))
            src.extend(d + n + 2, w.lines)
            src.add(d + n + 2, fill)
            src.extend(d + n + 1, after)
            break
        src.add(d + n, f"for i{k} in {rng}:")
    inner = d + len(nest) - split
    if buffered is None:
        src.extend(inner, w.lines)
        src.add(inner, step)
    target = store()
    if target is not None:
        src.add(d, f"{target} = {cast('_a', final_cast) if final_cast is not None else '_a'}")


def _copy_out(src, red, kept, space, out_dt, acc, symname):
    out_loops = [k for k in kept if not known1(space[k])]
    jdx = ", ".join("0" if known1(space[k]) else f"j{k}" for k in kept)
    for n, k in enumerate(out_loops):
        src.add(1 + n, f"for j{k} in range({dim_text(space[k], symname)}):")
    src.add(1 + len(out_loops), f"_out[{jdx}] = {cast(f'{acc}[{jdx}]', out_dt)}")


def chunks():
    """Partial results of a parallel reduction: a fixed count (a few per thread) rather than
    ``numba.get_num_threads()``, which numba cannot cache, and which would make sums depend on the thread count."""
    import numba
    return 4 * max(int(numba.config.NUMBA_NUM_THREADS), 1)


def _chunked_reduce(src, w, red, space, loops, axes, kept, out_idx, acc_dt, init, step, combine, symname):
    """The first loop axis is reduced: each thread reduces a slice of it into its own partial result, and the
    partials are combined afterwards (any associative combine works, deterministically for a thread count)."""
    a0 = loops[0]
    n0 = dim_text(space[a0], symname)
    out_shape = [space[k] for k in kept]
    src.add(1, f"_nc = min({chunks()}, {n0})")
    part_shape = "(_nc, " + ", ".join(dim_text(d, symname) for d in out_shape) + ")" if out_shape else "(_nc,)"
    src.add(1, f"_part = np.empty({part_shape}, {np_type(acc_dt)})")
    src.add(1, "for _c in prange(_nc):")
    src.add(2, f"_lo = _c * {n0} // _nc")
    src.add(2, f"_hi = (_c + 1) * {n0} // _nc")
    tgt = f"_part[{', '.join(['_c'] + out_idx)}]"
    nest = [(a0, "range(_lo, _hi)")] + [(k, f"range({dim_text(space[k], symname)})") for k in loops[1:]]
    outer_reduced = _outer_has_reduced([k for k, _ in nest], axes)
    if outer_reduced:
        src.add(2, f"_part[_c][...] = {init}" if out_shape else f"_part[_c] = {init}")
    _nest(src, 2, w, nest, axes, tgt if outer_reduced else None, init, step, lambda: tgt)
    out_loops = [k for k in kept if not known1(space[k])]
    jdx = ["0" if known1(space[k]) else f"j{k}" for k in kept]
    for n, k in enumerate(out_loops):
        src.add(1 + n, f"for j{k} in range({dim_text(space[k], symname)}):")
    d = 1 + len(out_loops)
    first = f"_part[{', '.join(['0'] + jdx)}]"
    src.add(d, f"_m = {first}")
    src.add(d, "for _k in range(1, _nc):")
    merge = combine.format(f"_part[{', '.join(['_k'] + jdx)}]", acc="_m")
    src.add(d + 1, f"_m = {cast(merge, acc_dt)}")
    if red.ndim == 0:
        src.add(d, f"return {cast('_m', red.dtype)}")
    else:
        src.add(d, f"_out[{', '.join(jdx)}] = {cast('_m', red.dtype)}")
