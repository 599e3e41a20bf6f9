"""Which fused loops can vectorize, and the forms that let them: vecmath's exp/sigmoid in place of the C
library's, and for float64 sin/cos (exact only up to ``vecmath.TRIG_LIMIT``) kernels written twice, a
vectorized pass that records whether an argument was out of its range and the scalar C-library form that
reruns the kernel when one was. LLVM vectorizes a loop only if it has no call and no ordered accumulation;
numba from PyPI has no SIMD math library, so every sin, exp or log is a call. Imports numpy only."""

import re

import numpy as np

# float32 and float64 loops call the vectorizable exp/sigmoid of ``vecmath`` (imported as ``_vm``) instead of
# the C library's scalar exp, which keeps a loop from vectorizing.
_VECMATH = {np.dtype("float32"): "f32", np.dtype("float64"): "f64"}


_LIBM_CALL = re.compile(r"\bmath\.(\w+)\(")
_INLINE_MATH = {"exp", "copysign", "floor", "ceil", "sqrt", "fabs"}   # LLVM intrinsics or vecmath: no call


def vectorizable(bodies, trig=False):
    """Whether a loop over these fused bodies can vectorize: no C library call (sin, log, tanh...) and no
    dtype-dependent template (float %, which calls fmod). Only there does vecmath pay: in a loop that stays
    scalar anyway, the C library's exp is faster than the scalar form of vecmath's (measured: 77 vs 110 ms
    for value and gradient of sum(exp(sin(x**2)) * cos(x)) at 2e6 elements). With ``trig``, float64 sin and
    cos count as vectorizable (vecmath has them: see ``trig_calls``)."""
    for body in bodies:
        for v in body.eqns():
            t = v.prim.scalar if v.prim is not None else None
            if trig and is_trig(v):
                continue
            if callable(t) or (isinstance(t, str) and any(f not in _INLINE_MATH for f in _LIBM_CALL.findall(t))):
                return False
    return True


# float64 sin and cos that vectorize (vecmath), exact to TRIG_LIMIT; kernels that call them are "two-pass"
TRIG = {"sin": "sin_f64", "cos": "cos_f64"}


def is_trig(v):
    return (v.prim is not None and v.prim.name in TRIG and v.dtype == np.float64
            and all(i.dtype == np.float64 for i in v.inputs))


def trig_calls(bodies):
    """Whether a loop over these bodies should take vecmath's sin/cos: it calls them and nothing else keeps
    it scalar. Such a kernel is written twice: a vectorized pass that also records whether any sin/cos
    argument reached ``vecmath.TRIG_LIMIT``, and the C library's scalar form, which reruns the whole kernel
    when one did (``two_pass``). Only kernels that read nothing they write can rerun."""
    return (any(is_trig(v) for body in bodies for v in body.eqns()) and vectorizable(bodies, trig=True))


def two_pass(name, params, vector, scalar, flags, returns):
    """The kernel ``name`` from its two forms (``vector``/``scalar``: function texts named ``name + '_vec'``
    and ``name + '_lib'``; the vector form also returns the flag): the vector pass, then the scalar one if
    an argument was out of the vector pass's range."""
    args = ", ".join(params)
    out = vector + scalar + [f"@njit(inline='always', {flags})", f"def {name}({args}):"]
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
    return template.replace("math.exp(", f"_vm.exp_{suffix}(")
