"""Helpers the op families share: the broadcasting shape rule, dtype rules, the elementwise-primitive maker,
axis normalisation and sample inputs for the registry tests. Imports core only."""

import numpy as np

from ..core.types import MAY_SPECIALIZE, TensorType, Sym, DimExpr, promote, is_known, dims_equal, floatx
from ..core.errors import ConcretizationError, ShapeError, api_frame, where
from ..core.primitive import Primitive, Kind, register


def check_sizes(shape, minus_one=False):
    """Raise numpy's errors for a shape entry that is not a size: a TypeError for a non-integer (a float 3.0
    would otherwise become a size silently), a ValueError for a negative integer (but reshape's -1)."""
    for d in shape:
        if isinstance(d, (Sym, DimExpr)):
            continue
        if not isinstance(d, (int, np.integer)):
            raise TypeError(f"a shape's entries must be integers, got {d!r} ({type(d).__name__}) in {tuple(shape)}")
        if d < 0 and not (minus_one and d == -1):
            raise ValueError(f"negative dimensions are not allowed, got {tuple(shape)}")


def broadcast_shapes(*shapes):
    ndim = max((len(s) for s in shapes), default=0)
    out = []
    for i in range(ndim):
        dims = [s[len(s) - ndim + i] for s in shapes if len(s) - ndim + i >= 0]
        known = {d for d in dims if is_known(d) and d != 1}
        if len(known) > 1:
            raise ShapeError(f"shapes {' and '.join(_fmt(s) for s in shapes)} cannot be broadcast together "
                             f"(sizes {sorted(known)} at dim {i})")
        check_decidable(dims, i)
        if known:
            out.append(known.pop())
            continue
        # NOTE: a DimExpr is a symbolic size too (a scan's stacked concatenation has n + m rows): not a 1
        syms = [d for d in dims if isinstance(d, (Sym, DimExpr))]
        out.append(syms[0] if syms else 1)
    return tuple(out)


def check_decidable(dims, i):
    """Raises ConcretizationError where a symbolic size of at most 1 (a slice such as x[:, :1]) meets another
    size that is not 1: whether it broadcasts decides the result's shape, so the trace needs the concrete
    sizes (compile() retraces with them). Two unrelated symbolic sizes are taken to be equal (checked when
    the graph runs), as they are in graphs built directly (Theano's, where no retrace is possible)."""
    if not MAY_SPECIALIZE.get():
        return
    tiny = [d for d in dims if isinstance(d, Sym) and d.at_most is not None and d.at_most <= 1]
    if tiny and any(not (is_known(d) and d == 1) and all(d is not t for t in tiny) for d in dims):
        raise ConcretizationError(f"size {tiny[0]!r} (a slice of at most one element) meets size "
                                  f"{next(d for d in dims if all(d is not t for t in tiny))!r} at dim {i} of a "
                                  "broadcast: whether it broadcasts depends on the concrete sizes (jaxlike.compile "
                                  "retraces with them; in a symbolic graph make the size-1 dim explicit: x[:, 0, None] "
                                  "or x[:, 0].dimshuffle(0, 'x') for x[:, :1])")


def _fmt(shape):
    return "(" + ",".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def dtype_same(*types):
    return promote(types)


def dtype_float(*types):
    """Float result; integers and bools become the smallest float holding them, as in numpy's transcendental
    ufuncs (int8 -> float16, int16 -> float32, int64 -> float64; a Python int -> float64)."""
    dt, weak = promote(types)
    if dt.kind not in "fc":
        return (np.dtype("float64") if weak else np.promote_types(dt, np.float16)), weak
    return dt, weak


def dtype_true_divide(*types):
    """Integers (of any width) and bools divide in ``config.floatX``: float64 by default, as numpy, and
    float32 under floatX=float32, as Theano's int_division='floatX' and JAX's default float."""
    dt, weak = promote(types)
    if dt.kind not in "fc":
        return np.dtype(floatx()), weak
    return dt, weak


def dtype_signed(*types):
    """Like dtype_same, but numpy has no boolean negative, subtract or sign."""
    dt, weak = promote(types)
    if dt.kind == "b":
        raise TypeError("numpy boolean negative/subtract/sign is not supported: use logical_not, "
                        "logical_xor or convert to an integer dtype first")
    return dt, weak


def dtype_bool_as_int8(*types):
    """Like dtype_same, but bools compute as int8 (numpy's power and remainder on bools)."""
    dt, weak = promote(types)
    if dt.kind == "b":
        return np.dtype("int8"), weak
    return dt, weak


def dtype_bool(*types):
    promote(types)
    return np.dtype(bool), False


def dtype_int_or_float(*types):
    dt, weak = promote(types)
    if dt.kind == "b":
        return np.dtype("int64"), weak
    return dt, weak


def elementwise_shape(dtype_rule):
    def rule(*types, **attrs):
        dt, weak = dtype_rule(*types)
        return TensorType(dt, broadcast_shapes(*[t.shape for t in types]), weak=weak)
    return rule


def real_only(name, rule):
    """``rule`` (a dtype or shape rule) that first rejects complex operands, for ops numpy or the fused loops
    define on reals only (orderings, floor, sigmoid, max, sort...)."""
    def checked(*types, **attrs):
        if any(t.dtype.kind == "c" for t in types):
            raise TypeError(f"{name} is not defined for complex values here (operand dtypes "
                            f"{', '.join(str(t.dtype) for t in types)}); apply it to .real, .imag or abs() "
                            f"of the complex value")
        return rule(*types, **attrs)
    return checked


def elementwise(name, nin, numpy, scalar, vjp=None, dtype=dtype_same, samples=None, doc="",
                differentiable=None, complex_scalar=None, jvp=None):
    """Define and register an elementwise primitive. Its JVP is derived from its VJP (the Jacobian of an
    elementwise op is diagonal, so J t = J^T t operand by operand; for complex values the rules follow JAX's
    convention, where that still holds: see ops/math.py). Without ``samples``, the registry tests use
    values in [-2, 2] over the standard shapes (scalar, broadcast, size-1, empty). An op without a
    ``complex_scalar`` template rejects complex operands. A non-holomorphic op on complex values (whose
    Jacobian is not a complex multiplication) needs its own ``jvp``."""
    if samples is None and nin in (1, 2):
        samples = unary_samples() if nin == 1 else binary_samples()
    if complex_scalar is None:
        dtype = real_only(name, dtype)
    prim = Primitive(name, Kind.ELEMENTWISE, shape=elementwise_shape(dtype), numpy=numpy, vjp=vjp,
                     jvp=jvp, scalar=scalar, complex_scalar=complex_scalar, samples=samples, doc=doc,
                     differentiable=tuple(range(nin)) if differentiable is None else differentiable,
                     extra={"nin": nin})
    return register(prim)


def normalize_axis(axis, ndim, what="axis"):
    if not isinstance(axis, (int, np.integer)):
        raise TypeError(f"{what} must be an int, got {type(axis).__name__}")
    if not -ndim <= axis < max(ndim, 1) or (ndim == 0 and axis not in (0, -1)):
        name, source = api_frame()
        raise np.exceptions.AxisError(f"{name or 'axis'}: {what} {axis} is out of bounds for an array of "
                                      f"rank {ndim}{where(source)}")
    return int(axis) % max(ndim, 1)


def normalize_axes(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (list, tuple)):
        axes = tuple(normalize_axis(a, ndim) for a in axis)
        if len(set(axes)) != len(axes):
            raise ValueError(f"repeated axis in {axis}")
        return tuple(sorted(axes))
    return (normalize_axis(axis, ndim),)


def same_dims(a, b):
    return len(a) == len(b) and all(dims_equal(x, y) for x, y in zip(a, b))


# -- sample inputs for registry tests ------------------------------------------------------------------
class Sample:
    """One registry-test case: operands (positional) and attrs (keywords). A ``samples`` function returns a
    list of these, or of plain operand tuples for ops without attrs."""

    __slots__ = ("args", "attrs")

    def __init__(self, *args, **attrs):
        self.args, self.attrs = args, attrs

    def __repr__(self):
        shapes = ", ".join(f"{np.asarray(a).dtype}{list(np.shape(a))}" for a in self.args)
        return f"Sample({shapes}{''.join(f', {k}={v!r}' for k, v in self.attrs.items())})"


def sample_cases(prim, rng):
    """``prim``'s samples as (operands, attrs) pairs; [] when it has none. A sample may be a ``Sample``, a
    plain tuple of operands, or an ``(operands, attrs)`` pair."""
    if prim.samples is None:
        return []
    out = []
    for s in prim.samples(rng):
        if isinstance(s, Sample):
            out.append((tuple(s.args), dict(s.attrs)))
        elif len(s) == 2 and isinstance(s[0], tuple) and isinstance(s[1], dict):
            out.append((tuple(s[0]), dict(s[1])))
        else:
            out.append((tuple(s), {}))
    return out


_SHAPES1 = [(), (3,), (2, 3), (1, 4), (0, 3)]


def unary_samples(low=-2.0, high=2.0):
    def gen(rng):
        return [(rng.uniform(low, high, size=s),) for s in _SHAPES1]
    return gen


def signed_samples(low=0.1, high=2.0):
    """Values with |x| in [low, high] and random signs: for ops with a kink or pole at 0."""
    def gen(rng):
        return [(rng.uniform(low, high, size=s) * rng.choice([-1.0, 1.0], size=s),) for s in _SHAPES1]
    return gen


def bool_samples(nin):
    def gen(rng):
        shapes = [((), ()), ((3,), (3,)), ((2, 1), (1, 3)), ((0, 2), (2,))]
        return [tuple(rng.random(s) < 0.5 for s in pair[:nin]) for pair in shapes]
    return gen


def binary_samples(low=-2.0, high=2.0, low2=None, high2=None):
    low2 = low if low2 is None else low2
    high2 = high if high2 is None else high2

    def gen(rng):
        pairs = [((), ()), ((3,), (3,)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((4, 2), ()), ((0, 2), (2,))]
        return [(rng.uniform(low, high, size=a), rng.uniform(low2, high2, size=b)) for a, b in pairs]
    return gen


def promote_types_of(types):
    return promote(types)[0]
