"""Which fused loops can vectorize, and the forms that let them: vecmath's exp, sigmoid, log, log2, log10, log1p,
expm1, tanh, atan, atan2, asin, acos, sinh, cosh, asinh, atanh, floor, ceil, pow, cbrt in place of the C
library's, and for sin/cos/tan and float %, // (exact only within a range) kernels written twice, a vectorized
pass that records whether an argument was out of its range and the scalar C-library form that reruns the kernel
when one was. LLVM vectorizes a loop only if it has no call and no ordered accumulation; numba from PyPI has no
SIMD math library, so every sin, exp or log is a call. Imports numpy and core."""

import re

import numpy as np

from ...core.types import is_known

BLOCK = 512     # elements per buffered block of a blocked loop (siblings._function): a few KB, in L1


def block_loop(size, index):
    """The head of a loop over ``size`` elements in blocks of BLOCK, as lines indented from the first: its
    body goes two levels in, with ``_b`` the position in the block and ``index`` the element's; after a
    block (one level in) ``_hi - _lo`` values are in the buffer. The block index counts from 0 by 1 and the
    element index is _lo + _b, so LLVM sees that no index is negative and drops numba's wraparound select;
    `for i in range(_lo, _hi)` with _lo stepping by BLOCK kept it, and the loop ran 1.4x slower (W4: 120 vs
    85 ms)."""
    return [f"for _blk in range(({size} + {BLOCK - 1}) // {BLOCK}):", f"    _lo = _blk * {BLOCK}",
            f"    _hi = min(_lo + {BLOCK}, {size})", "    for _b in range(_hi - _lo):", f"        {index} = _lo + _b"]


def may_be_big(space, threshold):
    """Whether an iteration space may reach ``threshold`` elements (a symbolic dim may)."""
    return not all(is_known(d) for d in space) or int(np.prod([int(d) for d in space])) >= threshold


def serial_decorator(space, flags, big):
    """The decorator of a kernel's serial form: pasted into the entry (``inline='always'``, see paste.py),
    unless its space has two or more dims that are not 1 and it is ``big`` (``may_be_big``): that
    loop is compiled as a function of its own, which LLVM vectorizes before it inlines it. Pasted into the
    entry, such loops stayed scalar on an Intel (Rocket Lake) target: W5's softmax kernels (4096 x 1000
    float32) took 54 ms instead of 19, the MLP step (W3) 36 ms instead of 23. Why (LLVM's remarks, with
    NUMBA_DEBUGINFO=1 for line numbers): "unsafe dependent memory operations", since the arrays carved from
    the one scratch block are one object to LLVM; with large arrays not carved, the pasted loops vectorized
    but LLVM left vecmath's calls in them uninlined (W3 38 ms). One-dimensional loops keep pasting: calling
    them cost W2 and W4 time and every module compile time."""
    dims = [d for d in space if not (is_known(d) and d == 1)]
    if len(dims) >= 2 and big:
        return f"@njit(cache=True, {flags})"
    return f"@njit(inline='always', {flags})"


def wide_vectors(lines, bits):
    """A module's lines with every function asking LLVM for vectors ``bits`` wide
    (``support.prefer_vector_width``, where the why is)."""
    out = []
    for line in "\n".join(lines).split("\n"):
        out.append(line)
        if line.startswith("def "):
            out.append(f"    _rt.prefer_vector_width({bits})")
    return out


def block_buffer(name, size, dtype_text):
    """A blocked loop's buffer of ``min(BLOCK, size)`` elements on the stack (``scratch.stack_vector``): an
    ``np.empty`` per kernel call cost the seed XOR step ~17 ns in allocation and reference counting."""
    return f"{name} = _rt.stack_vector({BLOCK}, {size}, {dtype_text})"

# float32 and float64 loops call the vectorizable exp/sigmoid of ``vecmath`` (imported as ``_vm``) instead of
# the C library's scalar exp, which keeps a loop from vectorizing.
_VECMATH = {np.dtype("float32"): "f32", np.dtype("float64"): "f64"}


_LIBM_CALL = re.compile(r"\bmath\.(\w+)\(")
_VECMATH_CALLS = ("exp", "log", "log2", "log10", "log1p", "expm1", "tanh", "atan", "sinh", "cosh", "asinh", "atanh",
                  "asin",
                  "acos", "atan2")   # math.f( -> vecmath's f_f32/f_f64(
_INLINE_MATH = {"copysign", "floor", "ceil", "sqrt", "fabs", *_VECMATH_CALLS}   # LLVM intrinsics or vecmath's


def vectorizable(bodies, ranged=False):
    """Whether a loop over these fused bodies can vectorize: no C library call (sin, log, tanh...) and no
    dtype-dependent template (float %, which calls fmod). Only there does vecmath pay: in a loop that stays
    scalar anyway, the C library's exp is faster than the scalar form of vecmath's (measured: 77 vs 110 ms
    for value and gradient of sum(exp(sin(x**2)) * cos(x)) at 2e6 elements). With ``ranged``, sin, cos, tan
    and float % and // count as vectorizable (vecmath has them within a range: see ``ranged_calls``)."""
    for body in bodies:
        for v in body.eqns():
            t = v.prim.scalar if v.prim is not None else None
            if ranged and is_ranged(v):
                continue
            if callable(t) or (isinstance(t, str) and any(f not in _INLINE_MATH for f in _LIBM_CALL.findall(t))):
                return False
    return True


# Ops whose vecmath forms are exact only within a range ("ranged"); kernels that call them are "two-pass".
# sin, cos and tan up to TRIG_LIMIT: the C library's sinf kept a float32 loop scalar, 12x slower than numpy's
# (1M values 7.8 vs 0.64 ms). Float % and // while |x / y| < 2**51 (float32: 2**22): numba's fmod call kept
# them scalar (1M float64 x // 1.5: 8.6 ms, JAX 2.5).
RANGED = ("sin", "cos", "tan", "mod", "floor_divide")
_RANGED_DTYPES = (np.dtype("float64"), np.dtype("float32"))
_NONZERO_DIVISOR = {"mod": "_vm.mod_({0}, {1})", "floor_divide": "_vm.floordiv_({0}, {1})"}


def is_ranged(v):
    return (v.prim is not None and v.prim.name in RANGED and v.dtype in _RANGED_DTYPES
            and all(i.dtype == v.dtype for i in v.inputs))


def ranged_text(v, args):
    """The vecmath form of ranged node ``v`` of operand texts ``args``, and the condition under which its
    arguments leave the form's range. % and // keep their templates' zero-divisor cases around vecmath's."""
    if v.prim.name in _NONZERO_DIVISOR:
        return (v.prim.template(v.dtype)(args, v.dtype, core=_NONZERO_DIVISOR[v.prim.name]),
                f"_vm.too_big({args[0]}, {args[1]})")
    return f"_vm.{v.prim.name}_{_VECMATH[v.dtype]}({args[0]})", f"abs({args[0]}) >= _vm.TRIG_LIMIT"


def ranged_calls(bodies):
    """Whether a loop over these bodies should take the vecmath forms of its ranged ops: it calls them and
    nothing else keeps it scalar. Such a kernel is written twice: a vectorized pass that also records
    whether any argument left its form's range, and the C library's scalar form, which reruns the whole
    kernel when one did (``two_pass``). Only kernels that read nothing they write can rerun."""
    return (any(is_ranged(v) for body in bodies for v in body.eqns()) and vectorizable(bodies, ranged=True))


def two_pass(name, params, vector, scalar, flags, returns, inline=True):
    """The kernel ``name`` from its two forms (``vector``/``scalar``: function texts named ``name + '_vec'``
    and ``name + '_lib'``; the vector form also returns the flag): the vector pass, then the scalar one if
    an argument was out of the vector pass's range. Not ``inline`` when ``chunked`` calls it too: one
    compiled copy then serves both (inlined into the parallel loop as well, W4 compiled ~3x slower)."""
    args = ", ".join(params)
    decorator = f"@njit(inline='always', {flags})" if inline else f"@njit(cache=True, {flags})"
    out = vector + scalar + [decorator, f"def {name}({args}):"]
    if returns:
        out += [f"    _r = {name}_vec({args})", "    if _r[1]:", f"        return {name}_lib({args})",
                "    return _r[0]"]
    else:
        out += [f"    if {name}_vec({args}):", f"        {name}_lib({args})"]
    return out


def with_range_flag(lines, returns):
    """A function text (decorator, def, body) that also computes and returns ``_big``."""
    out = lines[:2] + ["    _big = False"]
    for line in lines[2:]:
        stripped = line.lstrip()
        if stripped.startswith("return "):
            line = line[:len(line) - len(stripped)] + f"return ({stripped[len('return '):]}, _big)"
        out.append(line)
    if not returns:
        out.append("    return _big")
    return out


def vecmath_template(name, template, compute):
    """``template`` for a loop computing in ``compute``: a vecmath version of the op, or its exp calls
    replaced; unchanged for other dtypes."""
    suffix = _VECMATH.get(np.dtype(compute))
    if suffix is None:
        return template
    if name == "sigmoid":
        return f"_vm.sigmoid_{suffix}({{0}})"
    if name in ("pow", "cbrt"):
        return f"_vm.{name}_{suffix}({{0}}{', {1}' if name == 'pow' else ''})"
    if name in ("floor", "ceil"):
        return f"_vm.{name}_({{0}})"     # NOTE: the template's math.floor goes through int64
    for f in _VECMATH_CALLS:
        template = template.replace(f"math.{f}(", f"_vm.{f}_{suffix}(")
    return template


def chunkable(space, loops, operands):
    """Whether a kernel over ``space`` can run as ``chunked``: one loop over a symbolic size (the size is a
    parameter, so a chunk passes its own) and operands of rank 0 or 1 (a rank-1 one is read at the loop
    index, or at 0 when its size is 1, so a slice of it is the chunk's operand)."""
    return (len(space) == 1 and loops == [0] and not is_known(space[0])
            and all(o.ndim <= 1 for o in operands))


def chunked(name, params, sliced, size, returns, combines, flags, block, n_chunks):
    """``{name}_par``: kernel ``name`` (one loop over ``size`` elements, in blocks of ``block``) called on up
    to ``n_chunks`` chunks of whole blocks in a ``prange``; the ``sliced`` parameters are cut to the chunk,
    the others pass whole. ``returns``: "none", "scalar" (one value) or "tuple"; ``combines``: (combine
    template, accumulator type, result type, types as text such as ``np.float64``) per returned value, to
    merge the chunks' partial results in chunk order.

    Why: a sin/cos kernel is compute-bound (W4: ~150 vector instructions per 8 elements), so it scales with
    the cores; calling the one vectorized kernel per chunk keeps vecmath and the lane sums (a ``prange``
    over the loop itself does not vectorize). W4's compile grows by ~0.5-0.8 s (the wrapper's parallel
    pipeline), where a second copy inlined into the ``prange`` cost ~6 s.
    Chunks start on block boundaries, so every element sees the serial kernel's arithmetic; only the
    partial results' combination order differs: it follows ``n_chunks`` (fixed in the generated source), so
    repeated calls give equal results, whichever thread runs which chunk."""
    cut = [f"{p}[_lo:_hi]" if p in sliced else ("_hi - _lo" if p == size else p) for p in params]
    call = f"{name}({', '.join(cut)})"
    lines = [f"@njit(parallel=True, cache=True, {flags})", f"def {name}_par({', '.join(params)}):",
             f"    _nb = ({size} + {block - 1}) // {block}",
             f"    _nc = max(min({n_chunks}, _nb), 1)"]
    for k, (_, acc, _) in enumerate(combines):
        lines.append(f"    _part{k} = np.empty(_nc, {acc})")
    lines += ["    for _c in prange(_nc):",
              f"        _lo = _c * _nb // _nc * {block}",
              f"        _hi = min((_c + 1) * _nb // _nc * {block}, {size})"]
    if returns == "none":
        lines.append(f"        {call}")
        return lines
    lines.append(f"        _r = {call}")
    results = []
    for k in range(len(combines)):
        lines.append(f"        _part{k}[_c] = {'_r' if returns == 'scalar' else f'_r[{k}]'}")
    for k, (combine, acc, out) in enumerate(combines):
        lines.append(f"    _a{k} = _part{k}[0]")
        lines.append("    for _k in range(1, _nc):")
        lines.append(f"        _a{k} = {acc}({combine.format(f'_part{k}[_k]', acc=f'_a{k}')})")
        results.append(f"{out}(_a{k})")
    if returns == "scalar":
        lines.append(f"    return {results[0]}")
    else:
        lines.append(f"    return ({', '.join(results)}{',' if len(results) == 1 else ''})")
    return lines
