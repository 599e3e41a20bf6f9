"""The numpy reference interpreter: the oracle every backend is checked against, the DEBUG_MODE path, and
the evaluator of un-compiled transformations. Symbolic sizes are bound from the arrays as they appear, and a
size that disagrees with an earlier binding raises a ShapeError naming the op and the user's line.
Imports numpy and core only.
"""

import numpy as np

from .types import Sym, DimExpr, is_known, promote
from .errors import ShapeError, where
from .primitive import Kind


class SizeEnv(dict):
    """Sym -> int, filled as values appear."""

    def bind_value(self, var, arr, what):
        shape = np.shape(arr)
        if len(shape) != var.ndim:
            raise ShapeError(f"{what}: expected rank {var.ndim} ({var.type!r}), got shape {shape}"
                             + where(var.source))
        for d, n in zip(var.type.shape, shape):
            if isinstance(d, Sym):
                have = self.get(d)
                if have is None:
                    self[d] = n
                elif have != n:
                    raise ShapeError(f"{what}: size mismatch, got shape {shape} where {var.type!r} has "
                                     f"{d!r}={have} from an earlier operand" + where(var.source))
            elif isinstance(d, DimExpr):
                if all(not isinstance(t, Sym) or t in self for t in d.terms) and self.resolve(d) != n:
                    raise ShapeError(f"{what}: expected shape {var.type!r}, got {shape}" + where(var.source))
            elif d != n:
                raise ShapeError(f"{what}: expected shape {var.type!r}, got {shape}" + where(var.source))

    def resolve(self, a):
        if isinstance(a, Sym):
            return self[a]
        if isinstance(a, DimExpr):
            return a.combine(self.resolve(t) for t in a.terms)
        if isinstance(a, tuple):
            return tuple(self.resolve(x) for x in a)
        return a


def resolve_attrs(var, env):
    return {k: env.resolve(a) for k, a in var.attrs}


def check_elementwise(var, args):
    """Numpy would broadcast a size-1 operand silently; our types say which dims may broadcast."""
    try:
        out_shape = np.broadcast_shapes(*[np.shape(a) for a in args]) if args else ()
    except ValueError:
        # NOTE: symbolic sizes that tracing assumed equal turned out different in this call.
        shapes = " and ".join(str(np.shape(a)) for a in args)
        traced = ", ".join(repr(i.type) for i in var.inputs)
        raise ShapeError(f"{var.prim.name}: operand shapes {shapes} cannot be broadcast together (traced as "
                         f"{traced})" + where(var.source)) from None
    for inp, arr in zip(var.inputs, args):
        off = len(out_shape) - inp.ndim
        for i, (d, n) in enumerate(zip(inp.type.shape, np.shape(arr))):
            if not (is_known(d) and d == 1) and n != out_shape[off + i]:
                raise ShapeError(f"{var.prim.name}: operand of shape {np.shape(arr)} does not match the result "
                                 f"shape {out_shape} (a size not known to be 1 when the graph was built does not "
                                 "broadcast)" + where(var.source))


def _unsigned_operands(var, args):
    """``args`` with weak integer constants (Python ints in the traced code) in the unsigned dtype the
    operation promotes to: numpy sees a 0-d int64 array, and uint64 with int64 computes in float64 (wrong
    past 2**53), where the types (and the compiled loops) say uint64. A select's condition takes no part in
    the promotion (as in the fused loops)."""
    first = 1 if var.prim.name == "select" else 0
    values = var.inputs[first:]
    if not any(i.is_const and i.type.weak for i in values):
        return args
    dt = promote([i.type for i in values])[0]
    if dt.kind != "u":
        return args
    return list(args[:first]) + [a.astype(dt) if (i.is_const and i.type.weak and np.asarray(a).dtype.kind == "i")
                                 else a for i, a in zip(values, args[first:])]


def eval_node(var, args, env):
    if var.prim.kind is Kind.ELEMENTWISE:
        check_elementwise(var, args)
        args = _unsigned_operands(var, args)
    try:
        # NOTE: quiet as compiled code and JAX are: IEEE special values are in the result, and a composite's
        # untaken branch (a where's other side) would otherwise warn about values the user never sees
        with np.errstate(all="ignore"):
            out = var.prim.numpy(*args, **resolve_attrs(var, env))
    except (ValueError, IndexError) as e:
        if var.prim.name == "fused":
            raise   # NOTE: raised by an op of its body, whose name and line the message already has
        raise type(e)(f"{var.prim.name}: {e}{where(var.source)}") from None
    out = np.asarray(out)
    if out.dtype != var.dtype:
        out = out.astype(var.dtype)
    return out


def interpret(graph, args, on_value=None, sizes=None, before=None):
    """Evaluate ``graph`` on concrete ``args`` (one per graph input). Returns (outputs, update values).
    ``sizes`` ({Sym: int}) binds sizes the graph names but its inputs do not carry (a loop body's).
    ``before(node, input values)`` and ``on_value(node, value, input values)`` see each node evaluated."""
    env = SizeEnv(sizes or {})
    vals = {}
    for v, a in zip(graph.inputs, args):
        a = np.asarray(a)
        env.bind_value(v, a, f"argument {v.name or ''}".strip())
        vals[v._id] = a
    for v in graph.nodes():
        if v._id in vals:
            continue
        if v.is_const:
            vals[v._id] = v.value
            continue
        if v.prim is None:
            raise ValueError(f"input {v!r} has no value")
        if before is not None:
            before(v, [vals[i._id] for i in v.inputs])
        out = eval_node(v, [vals[i._id] for i in v.inputs], env)
        env.bind_value(v, out, v.prim.name)
        if on_value is not None:
            on_value(v, out, [vals[i._id] for i in v.inputs])
        vals[v._id] = out
    outs = [vals[o._id] for o in graph.outputs]
    ups = [vals[u._id] for _, u in graph.updates]
    return outs, ups
