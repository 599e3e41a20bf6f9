"""Lowerings of the nodes that are not fused loops: a table from primitive name to a function that writes the
statements computing that node inside the entry. ``contract`` becomes BLAS GEMM through ``np.dot`` on 2-D
operands (transposes and reshapes first, a loop over batch indices; tiny products run as a loop,
``support.gemm``), ``take``/``scatter_add`` bounds-check
their indices, and layout ops that move data (slice, slice_grad, concatenate, general reshape) use numba's
array operations. A primitive without an entry here runs its numpy rule under ``numba.objmode``
(``fallback``), with a warning, so every graph compiles. Also here: ``gemm_update`` (a weight update that
adds a product into its state in one BLAS call) and ``drop_repeated_checks`` (the entry's size checks, each
once). Imports numpy, core and ops only.

A lowering gets ``ctx`` (the code generator: value names, size texts, fresh temporaries) and the node, and
returns source lines that leave the node's value in ``ctx.name(v)``: an array, or a scalar for rank 0.
"""

import re

import numpy as np

from ...core.types import DimProd, dims_equal, is_known
from ...ops.linalg import spec_groups
from .loops import cast, np_type, literal, known1
from .support import may_be_large


def _product(ctx, dims):
    parts = [ctx.dim(d) for d in dims if not known1(d)]
    return " * ".join(parts) if parts else "1"


def _as_array(ctx, x, dtype=None):
    """Text of ``x`` as an array: a rank-0 value becomes a 1-element array of its dtype."""
    dtype = np.dtype(dtype or x.dtype)
    name = ctx.name(x)
    if x.ndim == 0:
        return f"np.full((1,), {name}, {np_type(dtype)})"
    return name if dtype == x.dtype else f"{name}.astype({np_type(dtype)})"


def dims3(ctx, shape, axis):
    """Texts of the (before axis, axis, after axis) sizes of ``shape``."""
    return _product(ctx, shape[:axis]), ctx.dim(shape[axis]), _product(ctx, shape[axis + 1:])


def _view3(ctx, x, axis, dtype=None):
    """``x`` reshaped to (before axis, axis, after axis), C-contiguous."""
    pre, n, post = dims3(ctx, x.shape, axis)
    return f"_rt.reshaped({_as_array(ctx, x, dtype)}, ({pre}, {n}, {post}))"


def _indices(ctx, idx):
    """A 1-D C-contiguous int64 array of the index operand's entries."""
    if idx.ndim == 0:
        return f"np.full((1,), {ctx.name(idx)}, np.int64)"
    flat = f"_rt.reshaped({ctx.name(idx)}, ({_product(ctx, idx.shape)},))"
    return flat if idx.dtype == np.int64 else f"{flat}.astype(np.int64)"


def _template(parts):
    return "".join(p.replace("{", "{{").replace("}", "}}") if isinstance(p, str) else "{}" for p in parts)


def message(*parts):
    """The arguments of a ``_Formatted`` error (core.errors): one template of the constant text (str parts)
    with a ``{}`` for each run-time int ((expr,) parts), then those ints."""
    return ", ".join([repr(_template(parts))] + [p[0] for p in parts if not isinstance(p, str)])


def size_check(have, want, before, between, after):
    """The line that checks run-time size ``have`` (text) against ``want``: ``support.check_size``, whose
    ShapeError reads ``before`` have ``between`` want ``after``."""
    return f"_rt.check_size({have}, {want}, {_template((before, (have,), between, (want,), after))!r})"


def _size_check(ctx, what, d_have, d_want, detail):
    if dims_equal(d_have, d_want):
        return []
    have, want = ctx.dim(d_have), ctx.dim(d_want)
    return [size_check(have, want, f"{what}: {detail} has size ", " where the other operand has ", ctx.where_text)]


_OPERAND = r"(\S+|\([^()]*\))"
_CHECK = re.compile(rf"if {_OPERAND} != {_OPERAND}:$")
_CHECK_CALL = re.compile(rf"_rt\.check_size\({_OPERAND}, {_OPERAND}, ")


def drop_repeated_checks(lines):
    """The entry's body without the size checks an earlier one already made: ``_rt.check_size(a, b, ...)``,
    or ``if a != b:`` (or ``b != a``) whose whole body is ``raise ShapeError(...)``, at the entry's top
    level, where the first check runs before every later one and the size names are assigned once. Fused
    kernels and the broadcasts in them repeat the same comparison (W3's entry had 44 checks, 11 distinct),
    and each costs numba compile time."""
    seen, out, k = set(), [], 0
    while k < len(lines):
        call = _CHECK_CALL.match(lines[k])
        if call:
            key = frozenset(call.groups())
            if key not in seen:
                seen.add(key)
                out.append(lines[k])
            k += 1
            continue
        m = _CHECK.match(lines[k])
        if (m and k + 1 < len(lines) and lines[k + 1].startswith("    raise ShapeError(")
                and (k + 2 == len(lines) or not lines[k + 2].startswith(" "))):
            key = frozenset(m.groups())
            if key in seen:
                k += 2
                continue
            seen.add(key)
        out.append(lines[k])
        k += 1
    return out


# -- contract: GEMM --------------------------------------------------------------------------------------------
def _index_sizes(ctx, v, sa, sb):
    """The size of each index of contraction ``v`` and the checks that its operands agree on them."""
    size, lines = {}, []
    for k, (s, x) in enumerate(zip((sa, sb), v.inputs)):
        for ch, d in zip(s, x.shape):
            if ch not in size:
                size[ch] = d
                continue
            lines += _size_check(ctx, "contract", d, size[ch], f"index {ch!r} of operand {k}")
            if not is_known(size[ch]) and is_known(d):
                size[ch] = d
    return size, lines


def _gemm_operands(ctx, v):
    """Size checks and the (batch,) rows x contracted and contracted x cols operands of contraction ``v``:
    (lines, size of each index, (B, M, K, N) texts)."""
    a, b = v.inputs
    sa, sb, so, batch, fa, red, fb = spec_groups(dict(v.attrs)["spec"])
    dt = v.dtype
    size, lines = _index_sizes(ctx, v, sa, sb)
    B = _product(ctx, [size[c] for c in batch])
    M = _product(ctx, [size[c] for c in fa])
    K = _product(ctx, [size[c] for c in red])
    N = _product(ctx, [size[c] for c in fb])
    out = ctx.name(v)
    pa = ctx.tmp(out + "_a")
    pb = ctx.tmp(out + "_b")
    lines += _operand(ctx, pa, a, sa, (batch, fa, red), (B, M, K), dt)
    lines += _operand(ctx, pb, b, sb, (batch, red, fb), (B, K, N), dt)
    return lines, size, (B, M, K, N), pa, pb


def permuted(x, perm):
    """Text of a view of array name ``x`` with its axes in the order ``perm``. Why not np.transpose: numba
    compiles its general form per rank, ~4 s for a rank-7 array (a convolution's windows), and as_strided
    ~0.3 s."""
    return (f"np.lib.stride_tricks.as_strided({x}, shape=({''.join(f'{x}.shape[{p}], ' for p in perm)}), "
            f"strides=({''.join(f'{x}.strides[{p}], ' for p in perm)}))")


def is_plain_gemm(v):
    """Whether contraction ``v`` is one float matrix product (no batch index, one row, one contracted and
    one column index) whose result keeps the product's (rows, cols) order: it can then add into a
    C-contiguous matrix in place (``gemm_update``)."""
    if v.prim is None or v.prim.name != "contract" or v.dtype.kind != "f" or v.ndim != 2:
        return False
    sa, sb, so, batch, fa, red, fb = spec_groups(dict(v.attrs)["spec"])
    return (not batch and len(sa) == len(sb) == 2 and len(fa) == len(red) == len(fb) == 1
            and list(so) == fa + fb and all(x.dtype == v.dtype for x in v.inputs))


def gemm_update(ctx, v, target, alpha):
    """``target += alpha * v`` for a plain matrix product ``v`` (``is_plain_gemm``), as one BLAS call
    writing into ``target`` (``support.gemm_acc``): the weight update ``W - lr * (A @ B)``."""
    lines, _, _, pa, pb = _gemm_operands(ctx, v)
    return lines + [f"_rt.gemm_acc({pa}, {pb}, {target}, {alpha})"]


def _matrix_vector(ctx, v):
    """A float matrix times a vector, on either side, on the arrays themselves (None for other contractions):
    the general path's reshapes and (n, 1) result cost ~0.1 us per product, a seventh of the seed XOR net's
    step. BLAS (``support.gemv_blas``) from SMALL_GEMM multiply-adds; below, a loop written out here, each
    out[i] summed over the matrix's row in order. Called, the same loop cost the XOR step 22 ns more: the
    call takes a transposed view and counts references to the caller's arrays, atomically."""
    sa, sb, so, batch, fa, red, fb = spec_groups(dict(v.attrs)["spec"])
    a, b = v.inputs
    if batch or len(red) != 1 or v.dtype.kind not in "fc" or any(x.dtype != v.dtype for x in v.inputs):
        return None
    if a.ndim == 2 and b.ndim == 1 and len(fa) == 1 and not fb:
        mat, ms, vec, rows = a, sa, b, fa
    elif a.ndim == 1 and b.ndim == 2 and len(fb) == 1 and not fa:
        mat, ms, vec, rows = b, sb, a, fb
    else:
        return None
    size, lines = _index_sizes(ctx, v, sa, sb)
    out = ctx.name(v)
    straight = list(ms) == rows + red
    m, x = ctx.name(mat), ctx.name(vec)
    rows_n, k_n = ctx.dim(size[rows[0]]), ctx.dim(size[red[0]])
    lines.append(ctx.empty(out, f"({rows_n},)", np_type(v.dtype), v))
    ctx.made_dims[out] = [rows_n]
    i, p, acc = ctx.tmp("_mv_i"), ctx.tmp("_mv_p"), ctx.tmp("_mv_acc")
    element = f"{m}[{i}, {p}]" if straight else f"{m}[{p}, {i}]"
    return lines + [f"if {rows_n} * {k_n} > _rt.SMALL_GEMM:",
                    f"    _rt.gemv_blas({m if straight else m + '.T'}, {x}, {out})",
                    "else:",
                    f"    for {i} in range({rows_n}):",
                    f"        {acc} = {np_type(v.dtype)}(0)",
                    f"        for {p} in range({k_n}):",
                    f"            {acc} += {element} * {x}[{p}]",
                    f"        {out}[{i}] = {acc}"]


def contract(ctx, v):
    vector = _matrix_vector(ctx, v)
    if vector is not None:
        return vector
    sa, sb, so, batch, fa, red, fb = spec_groups(dict(v.attrs)["spec"])
    dt = v.dtype
    lines, size, (B, M, K, N), pa, pb = _gemm_operands(ctx, v)
    out = ctx.name(v)
    gemm = "_rt.gemm({0}, {1}, {2})" if dt.kind in "fc" else "_rt.matmul_int({0}, {1}, {2})"
    r = ctx.tmp(out + "_r")
    lines.append(ctx.empty(r, f"({B + ', ' if batch else ''}{M}, {N})", np_type(dt), v))
    if may_be_large(v.shape, dt):
        lines.append(f"_rt.advise_huge({r})")
    if batch:
        lines.append(f"for _b in range({B}):")
        lines.append("    " + gemm.format(f"{pa}[_b]", f"{pb}[_b]", f"{r}[_b]"))
    else:
        lines.append(gemm.format(pa, pb, r))
    if not so:
        lines.append(f"{out} = {r}[{'0, ' if batch else ''}0, 0]")
        return lines
    order = batch + fa + fb
    ctx.made_dims[out] = [ctx.dim(size[c]) for c in so]
    nd = ctx.shape_text([size[c] for c in order])
    perm = [order.index(c) for c in so]
    if perm == list(range(len(so))):
        lines.append(f"{out} = {r}.reshape({nd})")
    else:
        lines.append(f"{r} = {r}.reshape({nd})")
        lines.append(f"{out} = np.ascontiguousarray({permuted(r, perm)})")
    return lines


def _operand(ctx, name, x, spec, groups, dims3, dt):
    """Lines setting ``name`` to operand ``x`` arranged as (batch, rows, cols) (or (rows, cols) without batch
    indices), given its index groups (batch, rows, cols). A matrix whose two indices are one row and one
    column index stays a (possibly transposed) view: BLAS takes either layout without a copy."""
    batch, rows, cols = groups
    order = list(batch) + list(rows) + list(cols)
    perm = [spec.index(c) for c in order]
    shape = dims3 if batch else dims3[1:]
    if x.ndim == 0:
        return [f"{name} = np.full(({', '.join(shape)}), {ctx.name(x)}, {np_type(dt)})"]
    src = ctx.name(x) if x.dtype == dt else f"{ctx.name(x)}.astype({np_type(dt)})"
    if not batch and len(rows) == 1 and len(cols) == 1:
        return [f"{name} = {src if perm == [0, 1] else src + '.T'}"]
    lines = []
    if perm != list(range(x.ndim)):
        if src != ctx.name(x):
            lines.append(f"{name} = {src}")
            src = name
        src = permuted(src, perm)
    return lines + [f"{name} = _rt.reshaped({src}, ({', '.join(shape)}))"]


# -- gather / scatter / argmax ---------------------------------------------------------------------------------
def take(ctx, v):
    x, idx = v.inputs
    axis = dict(v.attrs)["axis"]
    out = ctx.name(v)
    pre, _, post = dims3(ctx, x.shape, axis)
    m = _product(ctx, idx.shape)
    res = ctx.tmp(out + "_r")
    ctx.made_dims[out] = [ctx.dim(d) for d in v.shape]
    return [ctx.empty(res, ctx.shape_text(v.shape) if v.ndim else "(1,)", np_type(v.dtype), v),
            f"_al.take3({_view3(ctx, x, axis)}, {_indices(ctx, idx)}, {res}.reshape(({pre}, {m}, {post})), "
            f"{axis}, {repr('take' + ctx.where_text)})",
            f"{out} = {res}" if v.ndim else f"{out} = {res}[0]"]


def scatter_add(ctx, v):
    g, idx = v.inputs
    attrs = dict(v.attrs)
    axis, shape = attrs["axis"], attrs["shape"]
    out = ctx.name(v)
    lines = []
    want = tuple(shape[:axis]) + tuple(idx.shape) + tuple(shape[axis + 1:])
    for k, (d, w) in enumerate(zip(g.shape, want)):
        lines += _size_check(ctx, "scatter_add", d, w, f"dim {k} of the updates")
    pre, n, post = dims3(ctx, shape, axis)
    m = _product(ctx, idx.shape)
    res = out
    g3 = (f"np.full((1, 1, 1), {ctx.name(g)}, {np_type(v.dtype)})" if g.ndim == 0 else
          f"_rt.reshaped({_as_array(ctx, g, v.dtype)}, ({pre}, {m}, {post}))")
    ctx.made_dims[out] = [ctx.dim(d) for d in shape]
    lines += [f"{res} = np.zeros({ctx.shape_text(shape)}, {np_type(v.dtype)})",
              f"_al.scatter3({g3}, {_indices(ctx, idx)}, {res}.reshape(({pre}, {n}, {post})), {axis}, "
              f"{repr('scatter_add' + ctx.where_text)})"]
    return lines


def _argext(largest):
    def lower(ctx, v):
        (x,) = v.inputs
        axis = dict(v.attrs)["axis"]
        out = ctx.name(v)
        pre, _, post = dims3(ctx, x.shape, axis)
        res = ctx.tmp(out + "_r")
        name = "argmax" if largest else "argmin"
        return [ctx.empty(res, f"({pre}, {post})", "np.int64", v),
                f"_al.argext3({_view3(ctx, x, axis)}, {res}, {largest}, {repr(name + ctx.where_text)})",
                f"{out} = {res}.reshape({ctx.shape_text(v.shape)})" if v.ndim else f"{out} = {res}[0, 0]"]
    return lower


def size_of(ctx, v):
    (x,) = v.inputs
    attrs = dict(v.attrs)
    return [f"{ctx.name(v)} = {cast(_product(ctx, [x.shape[a] for a in attrs['axes']]), v.dtype)}"]


# -- layout ops that move data -------------------------------------------------------------------------------
def _slice_text(ctx, index):
    parts = []
    for start, stop, step in index:
        t = [("" if s is None else ctx.dim(s) if not is_known(s) else str(int(s))) for s in (start, stop, step)]
        parts.append(f"{t[0]}:{t[1]}" + (f":{t[2]}" if t[2] else ""))
    return ", ".join(parts)


def slice_(ctx, v):
    (x,) = v.inputs
    index = dict(v.attrs)["index"]
    out = ctx.name(v)
    if x.ndim == 0:
        return [f"{out} = {ctx.name(x)}"]
    copy = "" if ctx.view_ok(x) or borrows(ctx, x, v) else ".copy()"
    # NOTE: an axis the index leaves whole keeps its operand's size: checking it cost numba compile time
    # (a LeNet gradient's entry had 148 such checks, about 15 s), never a mismatch
    ctx.made_dims[out] = [ctx.dim(d) if k < len(index) and tuple(index[k]) == (None, None, None) else None
                          for k, d in enumerate(x.shape)]
    return [f"{out} = {ctx.name(x)}[{_slice_text(ctx, index)}]{copy}"]


def borrows(ctx, x, v):
    """Whether ``v`` may be a view of the caller's array ``x`` (and is then marked ``ctx.borrowed``): only
    read inside the entry, as neither an output nor an update value, of an array no update overwrites,
    outside loop steps (whose outputs may be their inputs' memory). A copy of each slice (or reshape) was
    one more pass: jnp.diff of 1M values 2.0 ms, numpy 0.6."""
    g = ctx.graph
    if (x.prim is not None or v._id in ctx.outputs or ctx.options.get("out_params")
            or any(x is s or v is u for s, u in g.updates)):
        return False
    ctx.borrowed.add(v._id)
    return True


def element_loops(ctx, over, ndim, statement):
    """Loops over every element of array ``over`` (rank ``ndim``) around ``statement(indices)``. Why not
    ``a[...] = b`` or ``a[1:, ::2] = b``: numba types and lowers an array-into-array slice assignment through
    its broadcasting setitem, ~2.9 s of compile in a fresh process each, where these loops take ~0.1 s."""
    idx = [ctx.tmp("_e") for _ in range(ndim)]
    lines = ["    " * k + f"for {i} in range({over}.shape[{k}]):" for k, i in enumerate(idx)]
    return lines + ["    " * ndim + statement(idx)]


def element_copy(ctx, dst, src, ndim, lead=()):
    """``dst[*lead] = src`` for array ``src`` of rank ``ndim``: ``element_loops`` over ``src``'s shape."""
    return element_loops(ctx, src, ndim, lambda i: f"{dst}[{', '.join([*lead, *i])}] = {src}[{', '.join(i)}]")


def _slice_starts(ctx, index, shape):
    """Texts of each dim's first index (Python's slice rules) and the steps, when every start and step is a
    number or None (else None)."""
    if len(index) != len(shape):
        return None
    starts, steps = [], []
    for (start, _, step), d in zip(index, shape):
        if not (start is None or isinstance(start, (int, np.integer))) or \
                not (step is None or isinstance(step, (int, np.integer))):
            return None
        step = int(step or 1)
        n = ctx.dim(d)
        if start is None:
            starts.append("0" if step > 0 else f"{n} - 1")
        elif start >= 0:
            starts.append(f"min({int(start)}, {n})" if step > 0 else f"min({int(start)}, {n} - 1)")
        else:
            starts.append(f"max({int(start)} + {n}, 0)" if step > 0 else f"max({int(start)} + {n}, -1)")
        steps.append(step)
    return starts, steps


def slice_grad(ctx, v):
    (g,) = v.inputs
    attrs = dict(v.attrs)
    out = ctx.name(v)
    if v.ndim == 0:
        return [f"{out} = {cast(ctx.name(g), v.dtype)}"]
    lines = [f"{out} = np.zeros({ctx.shape_text(attrs['shape'])}, {np_type(v.dtype)})"]
    ctx.made_dims[out] = [ctx.dim(d) for d in attrs["shape"]]
    found = _slice_starts(ctx, attrs["index"], attrs["shape"])
    if found is None:
        return lines + [f"{out}[{_slice_text(ctx, attrs['index'])}] = {ctx.name(g)}"]
    return lines + [f"_rg.embed({out}, {_as_array(ctx, g, v.dtype)}, ({''.join(s + ', ' for s in found[0])}), "
                    f"({''.join(f'{st}, ' for st in found[1])}))"]


def concatenate(ctx, v):
    axis = dict(v.attrs)["axis"]
    out = ctx.name(v)
    if v.ndim != 1:
        parts = [_as_array(ctx, x, v.dtype) for x in v.inputs]
        # NOTE: the other axes are the first operand's; checked here, as numba's own error names no op or line
        first = v.inputs[0].shape
        ctx.made_dims[out] = [None if k == axis else ctx.dim(first[k]) for k in range(v.ndim)]
        checks = [line for i, x in enumerate(v.inputs[1:], 1) for k in range(v.ndim) if k != axis
                  for line in _size_check(ctx, "concatenate", x.shape[k], first[k], f"operand {i} at dim {k}")]
        return checks + [f"{out} = np.concatenate(({', '.join(parts)},), axis={axis})"]
    # NOTE: vectors (the seed XOR net's bias trick, [h, 1]) are copied into place: numba's np.concatenate
    # of a tuple cost ~25 ns more per call, 3% of that training step.
    parts, lines = [], []
    for x in v.inputs:
        text = _as_array(ctx, x, v.dtype)
        if text != ctx.name(x):
            part = ctx.tmp(out + "_p")
            lines.append(f"{part} = {text}")
            text = part
        parts.append(text)
    at = ctx.tmp(out + "_at")
    lines.append(ctx.empty(out, " + ".join(f"{p}.shape[0]" for p in parts), np_type(v.dtype), v))
    lines.append(f"{at} = 0")
    for p in parts:
        lines += element_loops(ctx, p, 1, lambda i, p=p: f"{out}[{at} + {i[0]}] = {p}[{i[0]}]")
        lines.append(f"{at} += {p}.shape[0]")
    return lines


def reshape(ctx, v):
    (x,) = v.inputs
    out = ctx.name(v)
    shape = dict(v.attrs)["shape"]
    if x.ndim == 0:
        ctx.made_dims[out] = [ctx.dim(d) for d in v.shape]
        return [f"{out} = np.full({ctx.shape_text(v.shape)}, {ctx.name(x)}, {np_type(v.dtype)})"]
    if v.ndim == 0:
        return [f"{out} = _rt.reshaped({ctx.name(x)}, (1,))[0]"]
    rest = [d for d in shape if not (is_known(d) and d == -1)]
    # NOTE: the -1 is the size over the others' product, which the check below makes a nonzero divisor
    dims = ", ".join(f"({ctx.name(x)}.size // ({_product(ctx, rest)}))" if (is_known(d) and d == -1) else ctx.dim(d)
                     for d in shape)
    lines = []
    if len(rest) == len(shape):
        ctx.made_dims[out] = [ctx.dim(d) for d in shape]
        lines = _reshape_check(ctx, x, shape)
    else:
        text = _template(("reshape: cannot reshape an array of size ", (0,), f" into shape {_shape_text(shape)}: "
                          "its other sizes multiply to 0 or do not divide it, which leaves the -1 undetermined"
                          + ctx.where_text))
        lines = [f"_rt.check_inferable({_product(ctx, rest)}, {ctx.name(x)}.size, {text!r})"]
    copy = "" if ctx.view_ok(x) or borrows(ctx, x, v) else ".copy()"
    return lines + [f"{out} = _rt.reshaped({ctx.name(x)}, ({dims}{',' if len(shape) == 1 else ''})){copy}"]


def _reshape_check(ctx, x, shape):
    """The check that ``x`` has as many elements as ``shape`` holds, unless their factors are the same sizes
    (numba's own error names no op, shapes or line)."""
    def factors(dims):
        flat = [t for d in dims for t in (d.terms if isinstance(d, DimProd) else (d,))]
        known = int(np.prod([d for d in flat if is_known(d)], dtype=np.int64))
        return known, sorted((d for d in flat if not is_known(d)), key=id)
    (k_have, s_have), (k_want, s_want) = factors(x.shape), factors(shape)
    if k_have == k_want and len(s_have) == len(s_want) and all(a is b for a, b in zip(s_have, s_want)):
        return []
    want = " * ".join(str(ctx.dim(d)) for d in shape) or "1"
    return [size_check(f"{ctx.name(x)}.size", want, "reshape: cannot reshape an array of size ",
                       f" into shape {_shape_text(shape)} (size ", ")" + ctx.where_text)]


def _shape_text(shape):
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def iota(ctx, v):
    return [f"{ctx.name(v)} = np.arange(max(np.int64({ctx.name(v.inputs[0])}), 0))"]


LOWERINGS = {
    "iota": iota,
    "contract": contract,
    "take": take,
    "scatter_add": scatter_add,
    "argmax": _argext(True),
    "argmin": _argext(False),
    "size_of": size_of,
    "slice": slice_,
    "slice_grad": slice_grad,
    "concatenate": concatenate,
    "reshape": reshape,
}


def fallback(ctx, v, index):
    """The node's numpy rule under ``numba.objmode`` (the ``index``-th fallback of the module)."""
    out = ctx.name(v)
    args = ", ".join(ctx.name(i) for i in v.inputs)
    syms = ctx.attr_syms(v)
    sizes = ", ".join(ctx.dim(s) for s in syms)
    typ = ctx.numba_type(v)
    return [f"with numba.objmode({out}={typ}):",
            f"    {out} = _rt.run_fallback(_MODULE, {index}, ({args}{',' if len(v.inputs) == 1 else ''}), "
            f"({sizes}{',' if len(syms) == 1 else ''}))"]


__all__ = ["LOWERINGS", "fallback", "literal"]
