"""A random-expression fuzzer: hypothesis builds small well-typed programs of jaxlike primitives over random
shapes (size-1 dims that broadcast, sometimes empty dims; float64 inputs, sometimes int64), then checks
that

* what ``jaxlike.compile`` runs (whichever backend it picks: numba_cpu when it loads) matches the reference
  interpreter on the traced graph, including raising the same exception type when the reference raises;
* gradients of a random weighting of the outputs, compiled and eager, match central finite differences.

CI runs a few derandomized examples (each compiles fresh kernels). A longer, random run is one command:

    JAXLIKE_FUZZ_EXAMPLES=2000 .venv/bin/pytest tests/trust/test_fuzz.py

Compiled results may differ from the reference only where the reference is NaN/Inf *and* a pass rewrote the
graph there (``exp(log(x)) -> x`` is documented as exact only where ``log`` is defined); the compiled result
must then equal the interpreted optimized graph, so backends are still held to NaN/Inf exactly.

A failing example prints its program as Python-like lines (``v3 = exp(v1)``); each bug found becomes a named
regression test at the bottom of this file.
"""

import os
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st

import jaxlike
from jaxlike.core.graph import Graph, Var
from jaxlike.core.interpret import interpret
from jaxlike.core.primitive import REGISTRY
from jaxlike.core.types import is_known
from jaxlike.ops import math as m
from jaxlike.ops.reduce import size_of
from jaxlike.runtime.debug import mismatch
from jaxlike.passes.pipeline import optimize
from jaxlike.runtime.trace import trace, abstract_type

EXAMPLES = int(os.environ.get("JAXLIKE_FUZZ_EXAMPLES", "0"))


def fuzz_settings(ci_examples):
    # NOTE: each example compiles fresh kernels (seconds under numba), so CI keeps to a few derandomized
    # examples; JAXLIKE_FUZZ_EXAMPLES asks for a long random search instead.
    return settings(max_examples=EXAMPLES or ci_examples, deadline=None, derandomize=not EXAMPLES,
                    print_blob=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                                            HealthCheck.data_too_large])


# -- the operations a program may use -----------------------------------------------------------------------
UNARY = ["neg", "exp", "log", "log1p", "expm1", "sqrt", "sin", "cos", "tan", "arcsin", "arccos", "arctan",
         "sinh", "cosh", "tanh", "arcsinh", "arctanh", "abs", "sign", "floor", "ceil", "sigmoid", "softplus"]
BINARY = ["add", "sub", "mul", "div", "pow", "maximum", "minimum", "arctan2", "logaddexp", "mod"]
# In gradient programs: operands of these are first squashed into the op's domain (log of (0.1, 0.9), ...),
# growth ops get bounded inputs, and ops without a useful derivative are left out.
DOMAIN = {"log": "unit", "log1p": "unit", "sqrt": "unit", "arcsin": "unit", "arccos": "unit",
          "arctanh": "unit", "exp": "bounded", "expm1": "bounded", "sinh": "bounded", "cosh": "bounded",
          "tan": "small"}
NO_GRAD = {"sign", "floor", "ceil", "mod", "cmp"}


def squash(x, how):
    if how == "unit":
        return m.sigmoid(x) * 0.8 + 0.1
    if how == "bounded":
        return m.tanh(x) * 3.0
    if how == "small":
        return m.tanh(x) * 1.2
    if how == "positive":
        return m.softplus(x) + 0.5
    return x


def _apply_unary(p, x):
    return REGISTRY[p["op"]](squash(x, p.get("squash")))


def _apply_binary(p, x, y):
    name = p["op"]
    if p.get("squash"):
        if name == "div":
            y = squash(y, "positive")
        elif name == "pow":
            x, y = squash(x, "positive"), m.tanh(y) * 2.0
    return REGISTRY[name](x, y)


def _apply_select(p, x, y):
    kind = p["kind"]
    if kind == "gt":
        return m.select(m.gt(x, y), x, y)
    if kind == "isnan":
        return m.select(m.isnan(x), 0.0, x) + y * 0.5
    if kind == "not":
        return m.select(m.logical_not(m.lt(x, y)), x, y)
    logic = {"and": m.logical_and, "or": m.logical_or, "xor": m.logical_xor}[kind]
    return m.select(logic(m.gt(x, 0.0), m.lt(y, 0.0)), x, y)


def _apply_cmp(p, x, y):
    test = {"lt": m.lt, "le": m.le, "ge": m.ge, "eq": m.eq, "ne": m.ne}[p["kind"]](x, y)
    return m.convert(test, dtype=np.dtype("float64")) * x


def _apply_reduce(p, x):
    if p["kind"] == "mean":
        total = REGISTRY["reduce_sum"](x, axes=p["axes"])
        return total / size_of(x, axes=p["axes"], dtype=total.dtype)
    return REGISTRY["reduce_" + p["kind"]](x, axes=p["axes"])


def _apply_layout(p, x):
    kind = p["kind"]
    if kind == "transpose":
        return REGISTRY["transpose"](x, perm=p["perm"])
    if kind == "flatten":
        return REGISTRY["reshape"](x, shape=(-1,))
    if kind == "expand":
        k = p["pos"]
        return REGISTRY["reshape"](x, shape=tuple(x.shape[:k]) + (1,) + tuple(x.shape[k:]))
    if kind == "broadcast":
        return REGISTRY["broadcast_to"](x, shape=(p["n"],) + tuple(x.shape))
    if kind == "slice":
        return REGISTRY["slice"](x, index=p["index"])
    if kind == "convert":
        return m.convert(x, dtype=np.dtype(p["dtype"]))
    raise AssertionError(kind)


def _apply_concat(p, x, y):
    return REGISTRY["concatenate"](x, y, axis=p["axis"])


def _apply_contract(p, x, y):
    return REGISTRY["contract"](x, y, spec=p["spec"])


def _apply_take(p, x):
    return REGISTRY["take"](x, np.array(p["idx"], dtype=np.int64), axis=p["axis"])


APPLY = {"unary": _apply_unary, "binary": _apply_binary, "select": _apply_select, "cmp": _apply_cmp,
         "reduce": _apply_reduce, "layout": _apply_layout, "concat": _apply_concat,
         "contract": _apply_contract, "take": _apply_take}


@dataclass(frozen=True)
class Op:
    family: str
    args: tuple
    params: tuple  # sorted (key, value) pairs, so programs are hashable and print stably

    def apply(self, values):
        return APPLY[self.family](dict(self.params), *[values[a] for a in self.args])

    def __str__(self):
        p = dict(self.params)
        name = p.pop("op", None) or self.family
        if self.family in ("select", "cmp", "reduce"):
            name = f"{self.family}[{p.pop('kind')}]"
        elif self.family == "layout":
            name = p.pop("kind")
        extra = ", ".join(f"{k}={v!r}" for k, v in p.items())
        return f"{name}({', '.join(f'v{a}' for a in self.args)}{', ' + extra if extra else ''})"


@dataclass(frozen=True)
class Program:
    inputs: tuple   # shapes
    ops: tuple
    outputs: tuple
    seed: int
    int_inputs: tuple = ()  # positions of int64 inputs (values in -3..3); the others are float64

    def run(self, *xs):
        values = list(xs)
        for op in self.ops:
            values.append(op.apply(values))
        return [values[k] for k in self.outputs]

    def arrays(self):
        rng = np.random.default_rng(self.seed)
        return [rng.integers(-3, 4, size=s, dtype=np.int64) if k in self.int_inputs
                else rng.normal(scale=1.5, size=s) for k, s in enumerate(self.inputs)]

    def __str__(self):
        n = len(self.inputs)
        kinds = ["i64" if k in self.int_inputs else "f64" for k in range(n)]
        lines = [f"v{k}: {kind}{list(s)}" for k, (kind, s) in enumerate(zip(kinds, self.inputs))]
        lines += [f"v{n + k} = {op}" for k, op in enumerate(self.ops)]
        return "\n".join(lines + [f"return {', '.join(f'v{k}' for k in self.outputs)}  (seed {self.seed})"])

    __repr__ = __str__


# -- generating programs --------------------------------------------------------------------------------
def _broadcastable(a, b, ta, tb):
    """Shapes ``a``, ``b`` broadcast under jaxlike's rule: a size that differs must be a *static* 1 in the
    traced type ``ta``/``tb`` (a slice of a symbolic dim may be 1 at run time, but it does not broadcast)."""
    for x, y, dx, dy in zip(a[::-1], b[::-1], ta.shape[::-1], tb.shape[::-1]):
        if x != y and not (x == 1 and is_known(dx)) and not (y == 1 and is_known(dy)):
            return False
    return True


def _gen_op(draw, nodes, types, grad):
    """One op whose operands are drawn from ``nodes`` (their shapes; ``types``: the traced types, sizes
    symbolic as under compile); None when the drawn kind does not fit."""
    families = ["unary", "unary", "binary", "binary", "select", "reduce", "layout", "layout", "concat",
                "contract", "take"] + ([] if grad else ["cmp"])
    family = draw(st.sampled_from(families))
    x = len(nodes) - 1 - draw(st.integers(0, len(nodes) - 1))  # shrinks towards the newest node: chains
    sx = nodes[x]
    if family == "unary":
        names = [u for u in UNARY if not (grad and u in NO_GRAD)]
        op = draw(st.sampled_from(names))
        return Op(family, (x,), tuple(sorted({"op": op, **({"squash": DOMAIN[op]} if grad and op in DOMAIN
                                                           else {})}.items())))
    if family in ("binary", "select", "cmp"):
        partners = [k for k, s in enumerate(nodes) if _broadcastable(sx, s, types[x], types[k])]
        y = draw(st.sampled_from(partners))
        if family == "binary":
            op = draw(st.sampled_from([b for b in BINARY if not (grad and b in NO_GRAD)]))
            params = {"op": op, **({"squash": True} if grad else {})}
        elif family == "select":
            params = {"kind": draw(st.sampled_from(["gt", "and", "or", "xor", "not", "isnan"]))}
        else:
            params = {"kind": draw(st.sampled_from(["lt", "le", "ge", "eq", "ne"]))}
        return Op(family, (x, y), tuple(sorted(params.items())))
    if family == "reduce":
        if not sx:
            return None
        axes = tuple(sorted(draw(st.sets(st.integers(0, len(sx) - 1), min_size=1))))
        kind = draw(st.sampled_from(["sum", "max", "min", "prod", "mean"]))
        return Op(family, (x,), (("axes", axes), ("kind", kind)))
    if family == "layout":
        kind = draw(st.sampled_from(["transpose", "flatten", "expand", "broadcast", "slice"]
                                    + ([] if grad else ["convert"])))
        if kind == "transpose":
            params = {"perm": tuple(draw(st.permutations(range(len(sx)))))}
        elif kind == "expand":
            params = {"pos": draw(st.integers(0, len(sx)))}
        elif kind == "broadcast":
            params = {"n": draw(st.integers(1, 3))}
        elif kind == "slice":
            if not sx:
                return None
            starts, stops, steps = [None, 0, 1, -1], [None, 2, -1], [None, 1, 2, -1]
            params = {"index": tuple((draw(st.sampled_from(starts)), draw(st.sampled_from(stops)),
                                      draw(st.sampled_from(steps))) for _ in sx)}
        elif kind == "convert":
            params = {"dtype": draw(st.sampled_from(["float32", "float64"]))}
        else:
            params = {}
        return Op(family, (x,), tuple(sorted({"kind": kind, **params}.items())))
    if family == "concat":
        if not sx:
            return None
        axis = draw(st.integers(0, len(sx) - 1))
        partners = [k for k, s in enumerate(nodes) if len(s) == len(sx)
                    and all(a == b for i, (a, b) in enumerate(zip(s, sx)) if i != axis)]
        return Op(family, (x, draw(st.sampled_from(partners))), (("axis", axis),))
    if family == "contract":
        fits = []
        for y, sy in enumerate(nodes):
            for spec in ("a,a->", "ab,b->a", "a,ab->b", "ab,bc->ac", "ab,cb->ac", "abc,acd->abd", "a,b->ab"):
                lhs = spec.split("->")[0].split(",")
                if len(lhs[0]) != len(sx) or len(lhs[1]) != len(sy):
                    continue
                size = {}
                if all(size.setdefault(ch, d) == d for term, shape in zip(lhs, (sx, sy))
                       for ch, d in zip(term, shape)):
                    fits.append((y, spec))
        if not fits:
            return None
        y, spec = draw(st.sampled_from(fits))
        return Op(family, (x, y), (("spec", spec),))
    if family == "take":
        if not sx:
            return None
        axis = draw(st.integers(0, len(sx) - 1))
        n = sx[axis]
        shape = draw(st.sampled_from([(), (2,), (3,), (2, 2), (0,)]))
        if n == 0 and shape != (0,):
            return None
        count = int(np.prod(shape))
        if n:
            idx = np.array(draw(st.lists(st.integers(-n, n - 1), min_size=count, max_size=count)))
        else:
            idx = np.zeros(0, int)
        idx = idx.reshape(shape)
        return Op(family, (x,), (("axis", axis), ("idx", idx.tolist())))
    raise AssertionError(family)


def _result_of(op, nodes, tracers):
    """The result shape of ``op`` (running it eagerly on arrays of the operands' shapes) and its traced
    type; None when either refuses (max over an empty axis: fine for the value test, no shape here)."""
    with np.errstate(all="ignore"):
        try:
            out = op.apply([np.full(s, 0.5 if t.dtype.kind == "f" else 1, dtype=t.dtype)
                            for s, t in zip(nodes, tracers)])
            traced = op.apply(tracers)
        except (ValueError, TypeError):
            return None
    return tuple(np.shape(out)), traced


@st.composite
def programs(draw, grad=False):
    dims = st.sampled_from([1, 2, 3] if grad else [1, 2, 3, 3, 2, 0])
    n_in = draw(st.integers(1, 3))
    inputs = [tuple(draw(st.lists(dims, min_size=0, max_size=3))) for _ in range(n_in)]
    ints = () if grad else tuple(k for k in range(n_in) if draw(st.sampled_from([False, False, False, True])))
    nodes = list(inputs)
    tracers = [Var(abstract_type(np.zeros(s, dtype=np.int64 if k in ints else np.float64)))
               for k, s in enumerate(inputs)]
    ops = []
    for _ in range(draw(st.integers(2, 8))):
        op = _gen_op(draw, nodes, [t.type for t in tracers], grad)
        if op is None:
            continue
        result = _result_of(op, nodes, tracers)
        if result is None or np.prod(result[0], dtype=int) > 400:
            continue
        ops.append(op)
        nodes.append(result[0])
        tracers.append(result[1])
    assume(ops)
    last = len(nodes) - 1
    extra = draw(st.sampled_from([None] + list(range(n_in, last))))
    outputs = (last,) if extra is None else (last, extra)
    return Program(tuple(inputs), tuple(ops), outputs, draw(st.integers(0, 2 ** 32 - 1)), ints)


# -- the checks -----------------------------------------------------------------------------------------
def _tolerance(values):
    low = any(np.asarray(v).dtype == np.float32 for v in values)
    return (2e-3, 1e-4) if low else (1e-6, 1e-8)


def check_values(prog):
    """Compiled results equal the reference interpreter's on the traced graph (or both raise)."""
    xs = prog.arrays()
    inputs, outputs, _ = trace(prog.run, xs)
    graph = Graph(inputs, outputs)
    with np.errstate(all="ignore"):
        try:
            want, _ = interpret(graph, xs)
        except Exception as e:
            with pytest.raises(type(e)):
                jaxlike.compile(prog.run)(*xs)
            return
        got = jaxlike.compile(prog.run)(*xs)
    assert len(got) == len(want)
    rtol, atol = _tolerance(want)
    optimized = None
    for k, (g, w) in enumerate(zip(got, want)):
        g = np.asarray(g)
        diff = mismatch(g, w, rtol, atol)
        if diff and _differs_only_where_undefined(g, w, rtol, atol):
            # NOTE: passes may rewrite where the traced graph is undefined (exp(log(x)) -> x gives -x for
            # x < 0, where the reference says NaN). Allowed only there, and then the compiled result must
            # still equal the interpreted optimized graph, so backends stay held to NaN/Inf exactly.
            if optimized is None:
                with np.errstate(all="ignore"):
                    optimized, _ = interpret(optimize(graph, jaxlike.config.mode), xs)
            diff = mismatch(g, optimized[k], rtol, atol)
        assert diff is None, f"output {k}: {diff}\nprogram:\n{prog}\ngraph:\n{graph}"


def _differs_only_where_undefined(got, want, rtol, atol):
    if got.shape != want.shape or want.dtype.kind != "f":
        return False
    with np.errstate(all="ignore"):
        close = np.isclose(got, want, rtol=rtol, atol=atol, equal_nan=True)
    return bool(np.all(close | ~np.isfinite(want)))


def _loss_fn(prog):
    def loss(*args):
        n = len(prog.inputs)
        xs, ws = args[:n], args[n:]
        total = 0.0
        for out, w in zip(prog.run(*xs), ws):
            total = total + REGISTRY["reduce_sum"](out * w, axes=tuple(range(len(w.shape))))
        return total
    return loss


def _numeric_grad(loss, xs, ws, eps):
    grads = []
    for k, x in enumerate(xs):
        g = np.zeros_like(x)
        for i in np.ndindex(x.shape):
            h = eps * max(1.0, abs(x[i]))
            plus, minus = [a.copy() for a in xs], [a.copy() for a in xs]
            plus[k][i] += h
            minus[k][i] -= h
            g[i] = (float(loss(*plus, *ws)) - float(loss(*minus, *ws))) / (2 * h)
        grads.append(g)
    return grads


def reject_unless(ok):
    """``assume`` only when it rejects, so the checks also run outside hypothesis (the printing test)."""
    if not ok:
        assume(False)


def check_grads(prog):
    """Gradients (compiled and eager) equal central differences; points where the function is not smooth
    (two step sizes disagree) are rejected rather than reported."""
    xs = prog.arrays()
    with np.errstate(all="ignore"):
        out_shapes = [np.shape(o) for o in prog.run(*xs)]
    rng = np.random.default_rng(prog.seed + 1)
    ws = [rng.normal(size=s) for s in out_shapes]
    loss = _loss_fn(prog)
    value = float(loss(*xs, *ws))
    reject_unless(np.isfinite(value) and abs(value) < 1e6)
    argnums = tuple(range(len(xs)))
    with np.errstate(all="ignore"):
        eager = jaxlike.grad(loss, argnums=argnums)(*xs, *ws)
        compiled = jaxlike.compile(jaxlike.grad(loss, argnums=argnums))(*xs, *ws)
        numeric = _numeric_grad(loss, xs, ws, 1e-6)
        finer = _numeric_grad(loss, xs, ws, 1e-7)
    for n, f in zip(numeric, finer):
        reject_unless(mismatch(n, f, 1e-3, 1e-5) is None)
    for k, (e, c, n) in enumerate(zip(eager, compiled, numeric)):
        diff = mismatch(np.asarray(c), np.asarray(e), 1e-6, 1e-8)
        assert diff is None, f"compiled vs eager gradient of input {k}: {diff}\nprogram:\n{prog}"
        diff = mismatch(np.asarray(e), n, 1e-4, 1e-6)
        assert diff is None, f"gradient of input {k} vs finite differences: {diff}\nprogram:\n{prog}"


@fuzz_settings(10)
@given(programs())
def test_compiled_matches_reference(prog):
    check_values(prog)


@fuzz_settings(5)
@given(programs(grad=True))
def test_gradients_match_finite_differences(prog):
    check_grads(prog)


def test_program_printing_is_readable():
    """Would catch: failing examples printed as opaque objects nobody can reproduce."""
    prog = Program(((2, 3),), (Op("unary", (0,), (("op", "exp"),)),
                              Op("reduce", (1,), (("axes", (1,)), ("kind", "sum")))), (2,), 7)
    assert str(prog) == "v0: f64[2, 3]\nv1 = exp(v0)\nv2 = reduce[sum](v1, axes=(1,))\nreturn v2  (seed 7)"
    check_values(prog)
    check_grads(prog)


# -- regression tests for bugs the fuzzer found --------------------------------------------------------------
@pytest.mark.parametrize("case", ["slice", "concatenate", "flatten"])
def test_compiled_grad_through_symbolic_size_ops(case):
    """Found by the fuzzer: the size of a slice/concatenate/reshape(-1) result over a symbolic dim is a fresh
    Sym; the gradient's broadcast_to(shape=(n_fresh,)) kept it in an attr while the forward node defining it
    was dead, so the compiled gradient failed (KeyError in the interpreter, a refusal in numba_cpu). Fixed in
    core: a Sym remembers the node that made it (8f75184, 55a16a0)."""
    import jaxlike.numpy as jnp
    body = {"slice": lambda x: x[1:], "concatenate": lambda x: jnp.concatenate([x, x]),
            "flatten": lambda x: jnp.reshape(x, (-1,))}[case]
    x = np.arange(4.0)
    w = np.arange(float(len(np.asarray(body(x)))))
    f = lambda x, w: jnp.sum(body(x) * w)
    np.testing.assert_allclose(jaxlike.compile(jaxlike.grad(f))(x, w), jaxlike.grad(f)(x, w))


def test_found_exp_log_rewrite_at_negative_input():
    """Found by the fuzzer: simplify's exp(log(x)) -> x turns the NaN of x < 0 into -x. The passes document it
    ('equal where the original is defined'); this pins that the harness tells it apart from a backend bug
    (the compiled result equals the interpreted optimized graph) and that DEBUG_MODE names the pass."""
    prog = Program(((),), (Op("unary", (0,), (("op", "log"),)), Op("unary", (1,), (("op", "exp"),)),
                           Op("unary", (2,), (("op", "neg"),))), (3,), 4)
    check_values(prog)
    from jaxlike.runtime.debug import DebugModeError
    with pytest.raises(DebugModeError, match="pass 'simplify' changed output 0"):
        jaxlike.compile(prog.run, mode="DEBUG_MODE")(*prog.arrays())


def test_found_integer_power_with_negative_exponent():
    """Found by the fuzzer: (-1) ** (-1) in int64 raises ValueError in numpy (and the reference), but the
    compiled loop used numba's operator, which truncates (2 ** -1 == 0). Integer pow now raises the same."""
    prog = Program(((),), (Op("binary", (0, 0), (("op", "pow"),)), Op("unary", (1,), (("op", "neg"),))),
                   (2,), 172, int_inputs=(0,))
    check_values(prog)
    f = jaxlike.compile(lambda a, b: a ** b)
    with pytest.raises(ValueError, match="negative integer powers"):
        f(np.array([2, 3]), np.array([1, -1]))
    np.testing.assert_array_equal(f(np.array([2, 3]), np.array([3, 0])), [8, 1])
