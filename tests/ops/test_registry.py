"""The registry sweep: every primitive in ``core.primitive.REGISTRY`` against its own samples.

What it catches: a new primitive with no samples (or no stated reason for having no gradient); a shape/dtype
rule that disagrees with the numpy result (for float, integer, bool and weak Python-scalar operands, and with
symbolic sizes); a wrong VJP or JVP rule, to second order, against finite differences; special values (nan,
+-inf, +-0, huge, denormal) where the reference interpreter or a fused-loop scalar template disagrees with
numpy.
"""

import math
import warnings

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike.core.primitive import REGISTRY, Kind
from jaxlike.core.graph import Var, Graph
from jaxlike.core.interpret import interpret
from jaxlike.core.types import TensorType, type_of_value
from jaxlike.ops._rules import sample_cases
from jaxlike.runtime.trace import abstract_type
from jaxlike.test_util import check_grads

# Primitives with no gradient, and why. A primitive is either differentiable (and its samples are
# gradient-checked) or listed here; adding one means adding samples or a row.
NO_GRADIENT = {
    "lt": "comparison: boolean result", "le": "comparison: boolean result",
    "gt": "comparison: boolean result", "ge": "comparison: boolean result",
    "eq": "comparison: boolean result", "ne": "comparison: boolean result",
    "logical_and": "boolean logic", "logical_or": "boolean logic", "logical_xor": "boolean logic",
    "logical_not": "boolean logic", "isnan": "boolean result", "signbit": "boolean result",
    "bitwise_and": "integers and bools only", "bitwise_or": "integers and bools only",
    "bitwise_xor": "integers and bools only", "invert": "integers and bools only",
    "left_shift": "integers and bools only", "right_shift": "integers and bools only",
    "argmax": "integer result", "argmin": "integer result", "threefry2x32": "random bits: integer result",
    "threefry_fold": "random bits: integer result",
    "size_of": "reads only the operand's shape, not its values",
    "iota": "integer result (positions)",
    "argsort": "integer result (a permutation; sort differentiates through take_along)",
    "searchsorted": "integer result (insertion points)",
    "lu_pivots": "integer result (row interchanges; lu_packed carries the derivative)",
    "lu_permutation": "integer result (a permutation; lu_packed carries the derivative)",
    "stop_gradient": "blocks gradients by definition",
    "debug_print": "an effect: its token (a bool) carries no value",
    "pure_callback": "a Python function: no derivative, as in JAX (custom_jvp gives one)",
    "pmax": "no derivative rule, as in JAX", "pmin": "no derivative rule, as in JAX",
    "axis_index": "integer result (a position)",
    "fused": "made by passes/fuse.py after differentiation; the primitives in its body carry the gradients",
    "while_loop": "reverse mode needs the step count in advance (JAX refuses too); its forward mode is checked "
                  "against finite differences in tests/test_loops.py",
}

# Primitives that refuse forward mode, and why: their samples are checked in reverse mode only.
FORWARD_REFUSED = {"custom_vjp_call": "a user-defined VJP says nothing about forward mode (JAX refuses too)"}

NAMES = sorted(REGISTRY)
INT_DTYPES = ("int64", "int32", "int8", "uint8", "bool")


def _cases(name, seed=0):
    return sample_cases(REGISTRY[name], np.random.default_rng(seed))


def _call(prim, args, attrs):
    with np.errstate(all="ignore"):
        return np.asarray(prim.numpy(*args, **attrs))


def _trace(prim, args, attrs, symbolic):
    """A one-node graph on fresh inputs (sizes symbolic unless told otherwise) and its interpretation."""
    inputs = [Var(abstract_type(a, concrete_shapes=not symbolic)) for a in args]
    out = prim(*inputs, **attrs)
    with np.errstate(all="ignore"):
        (val,), _ = interpret(Graph(inputs, [out]), [np.asarray(a) for a in args])
    return out, val


def _mismatch(a, b, ulps=0):
    """Mask of elements that differ: values (within ``ulps`` units in the last place), NaN where NaN, the
    sign of zeros and infinities. A NaN's sign bit carries no meaning and is ignored."""
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype.kind != "f":
        return a != b
    nan_a, nan_b = np.isnan(a), np.isnan(b)
    with np.errstate(invalid="ignore", over="ignore"):
        tol = ulps * np.spacing(np.abs(b).astype(b.dtype)) if ulps else 0
        close = (a == b) | (np.abs(a - b) <= tol)
    signs = np.signbit(a) == np.signbit(b)
    return np.where(nan_a | nan_b, nan_a != nan_b, ~close | ~signs)


def _same(a, b, ulps=0):
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and not _mismatch(a, b, ulps).any()


def _gradient_refused(prim):
    """True when differentiating through ``prim`` raises TypeError (a rule that refuses, as ``fused``'s)."""
    args, attrs = _cases(prim.name)[0]
    try:
        jaxlike.grad(lambda *xs: jnp.sum(prim(*xs, **attrs)))(*args)
    except TypeError:
        return True
    return False


# -- the registry itself --------------------------------------------------------------------------------
def test_every_primitive_has_samples_and_a_gradient_status():
    """Catches: a primitive added without samples, or without gradient and without a stated reason."""
    missing = [n for n in NAMES if not _cases(n)]
    assert not missing, f"primitives without samples (add samples= in their ops file): {missing}"
    stale = [n for n in NO_GRADIENT if n not in REGISTRY]
    assert not stale, f"NO_GRADIENT lists primitives that do not exist: {stale}"
    for n in NAMES:
        p = REGISTRY[n]
        if n in NO_GRADIENT:
            assert p.differentiable == () or p.vjp is None or _gradient_refused(p), \
                f"{n} is listed as having no gradient but differentiates operands {p.differentiable}"
        else:
            assert p.vjp is not None and p.differentiable != (), \
                f"{n} has no gradient rule: give it a vjp or list it in NO_GRADIENT with the reason"


def test_integer_results_are_marked_not_differentiable():
    """Catches: a primitive whose results are integers or bools given zero derivative rules (as lu_pivots and
    lu_permutation had): autodiff never differentiates such values, so the rules are dead code; the convention
    is differentiable=() and a NO_GRADIENT row (det_sign keeps its zero rule: its sign is a float)."""
    for n in NAMES:
        p = REGISTRY[n]
        if {_call(p, args, attrs).dtype.kind for args, attrs in _cases(n)} <= set("biu"):
            assert n in NO_GRADIENT and p.differentiable == () and p.jvp is None, \
                f"{n}: integer results, but differentiable={p.differentiable}, jvp={p.jvp}"


def test_fusable_primitives_have_scalar_templates():
    """Catches: an elementwise op without the scalar template fused loops are made of, or a reduction
    without its init/combine pair (a backend would fail only when a graph happens to use it)."""
    for n in NAMES:
        p = REGISTRY[n]
        if p.kind is Kind.ELEMENTWISE:
            text = p.scalar(["{%d}" % k for k in range(p.extra["nin"])], np.dtype("float64")) \
                if callable(p.scalar) else p.scalar
            assert isinstance(text, str) and "{0}" in text, f"{n}: scalar template {p.scalar!r}"
        elif p.kind is Kind.REDUCE:
            assert isinstance(p.scalar, dict) and {"init", "combine"} <= set(p.scalar), f"{n}: {p.scalar!r}"


# Primitives whose output size is a value they compute (known when the graph runs, not from the types).
DATA_DEPENDENT_SIZE = {"iota": "a range of a computed length; its operand is the scalar count"}


def test_samples_cover_size_one_and_empty_dims():
    """Catches: a primitive whose samples never exercise a size-0 or a size-1 (broadcastable) dimension."""
    gaps = []
    for n in NAMES:
        if n in DATA_DEPENDENT_SIZE:
            continue
        shapes = [np.shape(a) for args, _ in _cases(n) for a in args]
        if not any(0 in s for s in shapes):
            gaps.append(f"{n}: no sample has an empty dimension")
        if not any(1 in s for s in shapes):
            gaps.append(f"{n}: no sample has a size-1 dimension")
    assert not gaps, "\n".join(gaps)


# -- shape and dtype rules ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_shape_rule_matches_numpy(name):
    """Catches: a shape/dtype rule that disagrees with the numpy reference, or that breaks (or computes
    something else) when sizes are symbolic."""
    prim = REGISTRY[name]
    for args, attrs in _cases(name):
        want = _call(prim, args, attrs)
        typ = prim.shape(*[type_of_value(a) for a in args], **attrs)
        if name in DATA_DEPENDENT_SIZE:
            typ = TensorType(typ.dtype, want.shape) if typ.ndim == want.ndim else typ
        assert (typ.dtype, typ.shape) == (want.dtype, want.shape), \
            f"{name} {attrs}: rule gives {typ!r}, numpy gives {want.dtype}{list(want.shape)}"
        for symbolic in (False, True):
            out, got = _trace(prim, args, attrs, symbolic)
            assert out.ndim == want.ndim and out.dtype == want.dtype, f"{name} {attrs}: traced {out.type!r}"
            assert _same(got, want), \
                f"{name} {attrs} (symbolic={symbolic}): interpreted {got!r} != numpy {want!r}"


def _cast_cases(name):
    """Each sample with its floating operands cast to every integer and bool dtype."""
    for args, attrs in _cases(name):
        if not any(np.asarray(a).dtype.kind == "f" for a in args):
            continue
        for dt in INT_DTYPES:
            cast = tuple(np.round(np.nan_to_num(a) * 3).astype(dt) if np.asarray(a).dtype.kind == "f" else a
                         for a in args)
            yield dt, cast, attrs


@pytest.mark.parametrize("name", NAMES)
def test_integer_and_bool_operands(name):
    """Catches: dtype rules that differ from numpy for integer and bool operands (e.g. exp(int8) is float16
    in numpy), and interpreter results that differ from numpy's for them."""
    prim = REGISTRY[name]
    for dt, args, attrs in _cast_cases(name):
        try:
            want = _call(prim, args, attrs)
        except (TypeError, ValueError, np.exceptions.DTypePromotionError):
            with pytest.raises((TypeError, ValueError)):
                _trace(prim, args, attrs, symbolic=True)
            continue
        typ = prim.shape(*[type_of_value(a) for a in args], **attrs)
        assert typ.dtype == want.dtype, \
            f"{name} on {dt} operands {attrs}: rule gives {typ.dtype}, numpy {want.dtype}"
        _, got = _trace(prim, args, attrs, symbolic=True)
        assert _same(got, want), f"{name} on {dt} operands: interpreted {got!r} != numpy {want!r}"


@pytest.mark.parametrize("name", sorted(n for n, p in REGISTRY.items()
                                        if p.kind is Kind.ELEMENTWISE and p.extra.get("nin") == 2))
@pytest.mark.parametrize("array_dtype,scalar", [("float32", 2.5), ("float16", 3), ("int32", 3), ("int8", 2.5),
                                                ("uint8", True), ("bool", 2)])
def test_weak_python_scalars_promote_like_numpy(name, array_dtype, scalar):
    """Catches: a Python scalar operand widening an array's dtype (NEP 50: float32 + 2.5 stays float32)."""
    prim = REGISTRY[name]
    arr = np.array([1, 2, 3]).astype(array_dtype)
    for args in ((arr, scalar), (scalar, arr)):
        try:
            want = _call(prim, args, {})
        except (TypeError, ValueError, OverflowError, np.exceptions.DTypePromotionError):
            continue
        x = Var(type_of_value(arr))
        out = prim(*[x if a is arr else a for a in args])
        kinds = tuple(type(a).__name__ for a in args)
        assert out.dtype == want.dtype, f"{name}{kinds}: {out.dtype} vs numpy {want.dtype}"


# -- gradients --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", [n for n in NAMES if n not in NO_GRADIENT])
def test_vjp_and_jvp_match_finite_differences(name):
    """Catches: a wrong VJP or JVP rule, to second order (the rules are written in jaxlike ops, so their
    own derivatives are checked too), on every sample including broadcasting and empty operands."""
    prim = REGISTRY[name]
    for args, attrs in _cases(name):
        def f(*xs):
            return prim(*xs, **attrs)
        f.__name__ = f"{name}{attrs or ''}"
        check_grads(f, args, order=2, modes=("rev",) if name in FORWARD_REFUSED else ("fwd", "rev"))


# -- special values -----------------------------------------------------------------------------------------
SPECIAL = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e308, -1e308, 1e-310, 1.0, -1.0, 0.5, -2.5, 3.0,
                    700.0, -745.5])


SPECIAL_INT = np.array([0, 1, -1, 3, -7, 2 ** 40, -(2 ** 40)], dtype=np.int64)


def _special_args(nin, values=SPECIAL):
    if nin == 1:
        return (values,)
    a, b = np.meshgrid(values, values, indexing="ij")
    if nin == 2:
        return (a.ravel(), b.ravel())
    return (np.arange(a.size) % 2 == 0, a.ravel(), b.ravel())


ELEMENTWISE = sorted(n for n, p in REGISTRY.items() if p.kind is Kind.ELEMENTWISE and n != "convert")


def _integer_only(prim):
    """Whether ``prim`` refuses float operands, as numpy's bitwise and shift ops do: its special values are the
    integer ones."""
    try:
        prim.shape(*[type_of_value(np.zeros(2)) for _ in range(prim.extra["nin"])])
    except TypeError:
        return True
    return False


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_special_values_through_the_interpreter(name):
    """Catches: the interpreter (the oracle every backend is checked against) deviating from numpy on nan,
    +-inf, +-0, huge and denormal operands: casts, broadcasting checks or warnings-turned-errors."""
    prim = REGISTRY[name]
    args = _special_args(prim.extra["nin"], SPECIAL_INT if _integer_only(prim) else SPECIAL)
    want = _call(prim, args, {})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning leaking out of the oracle would reach users
        _, got = _trace(prim, args, {}, symbolic=True)
    assert _same(got, want), f"{name}: interpreter {got!r} != numpy {want!r} on {args!r}"


def _template_kernel(name, nin, template, out_dtype):
    numba = pytest.importorskip("numba")
    names = [f"a{i}" for i in range(nin)]
    body = template.format(*[f"{n}[i]" for n in names])
    src = (f"def kernel({', '.join(names)}, out):\n"
           f"    for i in range(out.shape[0]):\n"
           f"        out[i] = {body}\n")
    scope = {"math": math, "np": np}     # NOTE: np for numpy's ufuncs math lacks (cbrt), as generated modules
    exec(compile(src, f"<scalar template of {name}>", "exec"), scope)
    return numba.njit(scope["kernel"])


@pytest.mark.parametrize("values", [SPECIAL, SPECIAL_INT], ids=["float64", "int64"])
@pytest.mark.parametrize("name", [n for n in ELEMENTWISE if isinstance(REGISTRY[n].scalar, str)
                                  or callable(REGISTRY[n].scalar)])
def test_scalar_template_matches_numpy_on_special_values(name, values):
    """Catches: a fused-loop scalar template (what the Numba backends compile) that differs from numpy on
    special values, e.g. Python's max ignoring NaN, math.log raising at 0, math.floor returning an int,
    or integer operands taking a float-only path."""
    prim = REGISTRY[name]
    nin = prim.extra["nin"]
    args = _special_args(nin, values)
    try:
        want = _call(prim, args, {})
    except (TypeError, ValueError):
        if values.dtype.kind == "f" and _integer_only(prim):
            return  # numpy's bitwise and shift ops refuse floats: the int64 case checks the template
        assert values.dtype.kind == "i", f"{name} rejects float64 special values"
        return  # numpy refuses these integers (e.g. to a negative integer power): nothing to match
    out = np.empty_like(want)
    template = prim.scalar
    if callable(template):   # a template that depends on the result dtype (mod: NaN or 0 for x % 0)
        template = template(["{%d}" % k for k in range(nin)], want.dtype)
    _template_kernel(name, nin, template, want.dtype)(*args, out)
    # NOTE: numba's libm and numpy's differ by an ulp on some transcendental functions; that is not a bug.
    bad = _mismatch(out, want, ulps=4)
    if bad.any():
        rows = [f"  {tuple(a[i].item() for a in args)}: template {out[i]!r}, numpy {want[i]!r}"
                for i in np.flatnonzero(bad)[:8]]
        pytest.fail(f"{name}: scalar template {prim.scalar!r} disagrees with numpy:\n" + "\n".join(rows))


REDUCE_ARRAYS = [np.array(v, dtype=np.float64) for v in (
    [], [1.0, np.nan, 3.0], [np.nan, 1.0], [-np.inf, -1e308], [np.inf, 2.0, -np.inf], [0.0, -0.0], [-0.0],
    [2.0, 1e308, 1e308], [0.5, -3.0, 1e-310])]


@pytest.mark.parametrize("name", sorted(n for n, p in REGISTRY.items() if p.kind is Kind.REDUCE))
def test_reduce_templates_match_numpy_on_special_values(name):
    """Catches: a reduction's init/combine templates disagreeing with numpy (NaN propagation in max/min,
    the identity of an empty reduction)."""
    numba = pytest.importorskip("numba")
    prim = REGISTRY[name]
    tmpl = prim.scalar
    src = ("def kernel(x):\n"
           f"    acc = {tmpl['init']}\n"
           "    for i in range(x.shape[0]):\n"
           f"        acc = {tmpl['combine'].format('x[i]', acc='acc')}\n"
           "    return acc\n")
    scope = {"math": math}
    exec(src, scope)
    kernel = numba.njit(scope["kernel"])
    for x in REDUCE_ARRAYS:
        if x.size == 0 and name in ("reduce_max", "reduce_min"):
            continue  # numpy raises: no identity
        want = _call(prim, (x,), {"axes": (0,)})
        got = np.asarray(kernel(x), dtype=want.dtype)
        assert np.array_equal(got, want, equal_nan=True), \
            f"{name} over {x!r}: template {got!r}, numpy {want!r}"
