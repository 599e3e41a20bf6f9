"""Index-expression code generation for GPU kernels: the statements computing one node of a group at one
element, given as index expressions (``Coords``). Broadcasting, reshape, transpose, slice, slice_grad,
concatenate and gather are index arithmetic here, never materialised; values are memoised per (node, index
expressions) in nested scopes; loads of size-1 operands are hoisted out of the loop. Also the scalar helpers:
dtype casts, literals, float32 narrowing of template literals, reduction init values.
Imports numpy and core only.
"""

import re

import numpy as np

from ...core.types import is_known, promote
from ...core.primitive import Kind

CAST = {"float16": "f16", "float32": "f32", "float64": "f64", "int8": "i8", "int16": "i16", "int32": "i32",
        "int64": "i64", "uint8": "u8", "uint16": "u16", "uint32": "u32", "uint64": "u64", "bool": "bool",
        "complex64": "c64", "complex128": "c128"}

# The names every kernel module sees (exec'd with these globals; `math` is swapped for a NaN/inf-safe version
# under the simulator, where Python's math raises instead of returning inf/nan as compiled code does).
PRELUDE = ("import math\nimport cmath\nimport numba\nfrom numba import cuda\n"
           + "".join(f"{short} = numba.types.{name}\n" for name, short in CAST.items() if short != "bool"))

# Templates that are wrong on special values in compiled code as well as in the simulator: math.floor/ceil
# return int64 in numba, so inf and nan would become garbage integers. Floats of magnitude >= 2**52 are already
# integral, and the comparison is False for nan, so those pass through unchanged.
SCALAR_OVERRIDES = {
    "floor": "(math.floor({0}) if abs({0}) < 4503599627370496.0 else {0})",
    "ceil": "(math.ceil({0}) if abs({0}) < 4503599627370496.0 else {0})",
    # NOTE: the op's np.cbrt is the CPU's (kernel modules import no numpy); the simulator's cbrt is a ** (1/3),
    # NaN below 0
    "cbrt": "math.copysign(cuda.cbrt(abs({0})), {0})",
}

_FLOAT_LIT = re.compile(r"(?<![\w.])(\d+\.\d*(?:[eE][+-]?\d+)?|math\.inf|math\.nan|math\.pi)")


# Codes a kernel writes into the error flag (the host raises the matching error after the launch).
ERR_INDEX, ERR_NEGATIVE_POWER = 1, 2


class CannotLower(Exception):
    """A node this backend has no kernel form for (the message names it)."""


def cast(dtype, expr, from_complex=False):
    """``expr`` as a ``dtype`` scalar; a complex value cast to a real dtype keeps its real part (numpy)."""
    dtype = np.dtype(dtype)
    if from_complex and dtype.kind == "b":
        return f"(({expr}) != 0)"
    if from_complex and dtype.kind != "c":
        expr = f"({expr}).real"
    return f"{CAST[dtype.name]}({expr})"


def literal(value, dtype):
    """Source text of a scalar of dtype (inf/nan spelled through math, so the text stays valid Python)."""
    dtype = np.dtype(dtype)
    v = np.asarray(value).item()
    if dtype.kind == "b":
        return "True" if v else "False"
    if dtype.kind in "iu":
        return cast(dtype, str(int(v)))
    if dtype.kind == "c":
        v = complex(v)
        return cast(dtype, f"complex({_float_text(v.real)}, {_float_text(v.imag)})")
    return cast(dtype, _float_text(float(v)))


def _float_text(v):
    if v != v:
        return "math.nan"
    if v in (float("inf"), float("-inf")):
        return "math.inf" if v > 0 else "-math.inf"
    return repr(v)


def single_precision(template):
    """Float literals of a template typed float32, so float32 kernels do not silently compute in float64."""
    return _FLOAT_LIT.sub(lambda m: f"f32({m.group(1)})", template)


def reduce_init(red, dtype):
    """The accumulator's starting value: the node's ``initial`` when it has one, else the primitive's init
    (+-inf is the dtype's extreme for ints)."""
    dtype = np.dtype(dtype)
    if dict(red.attrs).get("initial") is not None:
        return literal(dict(red.attrs)["initial"], dtype)
    init = red.prim.scalar["init"]
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
        self.dim_arg = dim_arg      # (Sym | DimExpr) -> argument name
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
    compute, _ = promote([i.type for i in v.inputs])
    in_complex = any(i.dtype.kind == "c" for i in v.inputs)
    template = prim.template(compute) if in_complex else SCALAR_OVERRIDES.get(prim.name, prim.scalar)
    if callable(template):
        template = template(["{%d}" % k for k in range(len(v.inputs))], v.dtype)
    if not isinstance(template, str):
        raise CannotLower(f"{prim.name} has no scalar template usable in a GPU kernel")
    args = []
    for inp in v.inputs:
        if inp.is_const and inp.value.size == 1 and inp._id not in em.loads:
            args.append(literal(inp.value.reshape(()), compute if inp.type.weak else inp.dtype))
        else:
            args.append(em.value(inp, _bcast_coords(inp, v, coords)))
    if compute == np.dtype("float32") or (v.dtype == np.dtype("float32") and compute.kind != "f"):
        template = single_precision(template)
    if prim.name == "pow" and compute.kind in "iub":
        template = _int_pow(em, args[1])
    name = em.fresh()
    em.emit(f"{name} = {cast(v.dtype, template.format(*args), from_complex=in_complex)}")
    return name


def _int_pow(em, exponent):
    """Integer pow's template: a negative exponent raises ValueError in numpy (numba's ``**`` would truncate
    2 ** -1 to 0), and a kernel cannot raise, so it sets the error flag (``ERR_NEGATIVE_POWER``) and the host
    raises after the launch."""
    em.emit(f"if {exponent} < 0:")
    em.emit(f"    err[0] = {ERR_NEGATIVE_POWER}")
    em.uses_error = True
    return "(({0}) ** ({1}) if ({1}) >= 0 else 0)"


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
    em.emit(f"    err[0] = {ERR_INDEX}")
    em.emit(f"    {j} = 0")
    em.uses_error = True
    exprs = raw[:axis] + [j] + raw[axis + r:]
    return em.value(x, coords.derive(exprs))


def _iota(em, v, coords):
    # NOTE: its length was bound when the launch was planned (host_counts.py); the value is the position
    return f"i64({coords[0]})"


_VALUE_RULES = {Kind.ELEMENTWISE: _elementwise, "broadcast_to": _broadcast_to, "reshape": _reshape,
                "transpose": _transpose, "slice": _slice, "slice_grad": _slice_grad,
                "concatenate": _concatenate, "take": _take, "iota": _iota}
