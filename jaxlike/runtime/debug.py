"""DEBUG_MODE and the NaN/Inf guard: ``checked(exe, graph, ...)`` wraps a backend's Executable so that every
call is checked against the reference interpreter (``core.interpret``) on the *unoptimized* traced graph.

Comparison (``compare=True``, mode DEBUG_MODE). Each call runs the executable, then the interpreter on copies
of the same inputs, and compares every output and update value (shape, dtype, then values: exact for ints
and bools, ``|got - ref| <= atol * scale + rtol * |ref|`` for floats, where scale is the largest finite
``|ref|``, so reductions that cancel do not raise false alarms; NaN equals NaN; a finite value where the
unoptimized reference overflowed to +-inf is what the stabilizing rewrites are for, so it passes). It also checks that the
executable did not write into an input that is not a state input, and that it did not return a result
where the reference raises (an out-of-range index, say). On a mismatch the error locates the cause:

1. Passes: the pipeline for the mode is replayed one pass at a time and each intermediate graph is
   interpreted; the first pass whose graph changes an output is named.
2. Kernels: otherwise the optimized graph (``exe.graph``, whose equations are the backend's kernels: fused
   loops and opaque ops) is evaluated one kernel at a time. If the backend exposes per-kernel steps
   (``exe.steps``, see below) each step is run on the reference values of its inputs. If it does not, the
   backend compiles the optimized graph once more with *every* kernel as an output, so one run yields the
   backend's value of each kernel as it computes it inside the whole program. Walking the kernels in
   topological order, the first one whose inputs agree with the reference but whose result does not is the
   culprit; the error names it as the optimized graph prints it (``to_text(exe.graph)``), its primitive (for
   a fused kernel: the primitives inside it) and the user's source line.
3. If every kernel agrees alone, the fault is in how the executable wires them together (buffer reuse,
   in-place updates), and the error says so.

The step protocol: ``exe.steps`` is a sequence of ``(var, fn)`` pairs, ``var`` an equation node of
``exe.graph`` and ``fn(values, sizes)`` its value computed from ``values`` (those of ``var.inputs``, in
order); ``sizes`` is the ``core.interpret.SizeEnv`` binding every symbolic size seen so far
(``sizes.resolve(attr)``), which a kernel needs when its attrs hold sizes its operands do not show
(``broadcast_to(1.0, (n0,))``).
``run_steps`` drives them (nodes without a step fall back to the primitive's numpy rule); the profiler uses
it for per-kernel times.

NaN guard (``nan_guard=True``; on in DEBUG_MODE and with ``jaxlike.config.nan_guard``). When an output holds
NaN/Inf, the interpreter is re-run with an ``on_value`` hook that records which nodes produced non-finite
values from finite inputs. Walking back from the non-finite outputs along non-finite edges finds those
origins that actually reach an output (a ``log(0)`` masked by a ``where`` does not count), and the earliest
one raises ``FloatingPointError`` naming the op, its user source line, the min/max of each input and the
input values at the first bad element. Non-finite outputs that trace back only to non-finite inputs are the
user's data, not an error.

Imports core, passes (to replay the pipeline) and backends (by name, to recompile with kernels exposed).
"""

import numpy as np

from ..core.graph import Graph, namer
from ..core.interpret import interpret, eval_node, SizeEnv
from ..core.errors import where
from ..core.primitive import Kind
from ..backends.base import Executable

# (rtol, atol) per float width; atol is scaled by the largest finite |reference| of the array.
_TOLERANCE = {2: (1e-2, 1e-3), 4: (1e-4, 1e-5), 8: (1e-7, 1e-9)}


class DebugModeError(AssertionError):
    """A compiled function's result disagrees with the reference interpreter (DEBUG_MODE)."""


# -- values ------------------------------------------------------------------------------------------
def mismatch(got, want, rtol=None, atol=None):
    """None when ``got`` matches the reference ``want``; otherwise a sentence saying how it differs."""
    got, want = host(got), host(want)
    if got.shape != want.shape:
        return f"shape {got.shape}, reference shape {want.shape}"
    if got.dtype != want.dtype:
        return f"dtype {got.dtype}, reference dtype {want.dtype}"
    if want.size == 0:
        return None
    if want.dtype.kind in "fc":
        part = want.dtype.itemsize // (2 if want.dtype.kind == "c" else 1)  # NOTE: complex64 has float32 parts
        rt, at = _TOLERANCE.get(part, _TOLERANCE[8])
        rt = rt if rtol is None else rtol
        at = at if atol is None else atol
        finite = np.abs(want[np.isfinite(want)])
        scale = max(1.0, float(finite.max())) if finite.size else 1.0
        with np.errstate(invalid="ignore", over="ignore"):
            ok = np.isclose(got, want, rtol=rt, atol=at * scale, equal_nan=True)
        # NOTE: the reference runs the unoptimized graph; where it overflows to +-inf and the executable,
        # after a stabilizing rewrite (log(sigmoid(x)) -> -softplus(-x)), returns a finite value, the
        # executable is the better answer, not a bug. A NaN turned finite (exp(log(x)) -> x at x < 0) is
        # still reported: that rewrite changed a domain error, and the locator names the pass.
        ok |= np.isinf(want) & np.isfinite(got)
    else:
        ok = got == want
    if ok.all():
        return None
    bad = ~ok
    first = tuple(int(i) for i in np.argwhere(bad)[0])
    return (f"{int(bad.sum())} of {want.size} elements differ; first at index {first}: "
            f"got {_num(got[first])}, reference {_num(want[first])}")


def _num(x):
    """A number as Python prints it (``-1.5``, not ``np.float64(-1.5)``)."""
    return repr(x.item()) if isinstance(x, (np.generic, np.ndarray)) else repr(x)


def host(a):
    """``a`` as a numpy array: device arrays (numba_cuda keeps state on the GPU) are copied to the host."""
    if isinstance(a, np.ndarray):
        return a
    if hasattr(a, "copy_to_host"):
        return a.copy_to_host()
    return np.asarray(a)


def _copy_args(arrays):
    """Host snapshots of the arguments: a backend may write updates into state buffers (host or device) in
    place, and the reference must see the values from before the call."""
    out = []
    for a in arrays:
        if isinstance(a, np.ndarray):
            out.append(np.array(a, copy=True))
        elif isinstance(a, (bool, int, float, np.generic)):
            out.append(a)
        else:
            out.append(np.array(host(a), copy=True))
    return out


def _is_nonfinite(a):
    a = host(a)
    return a.dtype.kind in "fc" and a.size > 0 and not np.isfinite(a).all()


# -- naming nodes as the printed graph does -------------------------------------------------------------
def node_names(graph):
    """Var id -> the name ``to_text(graph)`` prints for it."""
    name = namer()
    out = {}
    for v in graph.inputs:
        out[v._id] = name(v)
    for v in graph.eqns():
        for i in v.inputs:
            out.setdefault(i._id, name(i))
        out[v._id] = name(v)
    return out


def _body_graphs(var):
    return [a for _, a in var.attrs if isinstance(a, Graph)]


def describe(var, names=None):
    """``name = prim(args)`` for a node; a fused kernel also lists the primitives inside, with their lines."""
    names = names or {}
    nm = names.get(var._id, "?")
    args = ", ".join(names.get(i._id, "const" if i.is_const else "?") for i in var.inputs)
    text = f"{nm}:{var.type!r} = {var.prim.name}({args})" + where(_source_of(var))
    for body in _body_graphs(var):
        inner = []
        for b in body.eqns():
            entry = b.prim.name + where(b.source)
            if entry not in inner:
                inner.append(entry)
        text += " fusing [" + ", ".join(inner) + "]"
    return text


def _source_of(var):
    """The user line for a node; a fused kernel without one of its own takes its body's first line."""
    if var.source:
        return var.source
    for body in _body_graphs(var):
        for b in body.eqns():
            if b.source:
                return b.source
    return None


# -- running kernel by kernel -----------------------------------------------------------------------------
def run_steps(exe, arrays, on_step=None):
    """Evaluate ``exe.graph`` one kernel at a time: ``exe.steps`` where the backend gives them, the numpy
    rule elsewhere. ``on_step(var, fn, values, sizes) -> value`` may wrap each call (the profiler times it).
    Returns (outputs, update values, {var id: value})."""
    graph = exe.graph
    steps = {v._id: fn for v, fn in (getattr(exe, "steps", None) or ())}
    env, vals = SizeEnv(), {}
    for v, a in zip(graph.inputs, arrays):
        a = host(a)
        env.bind_value(v, a, f"argument {v.name or ''}".strip())
        vals[v._id] = a
    for v in graph.nodes():
        if v._id in vals:
            continue
        if v.is_const:
            vals[v._id] = v.value
            continue
        ins = [vals[i._id] for i in v.inputs]
        fn = steps.get(v._id)
        if fn is None:
            out = eval_node(v, ins, env)
        else:
            out = host(on_step(v, fn, ins, env) if on_step else fn(ins, env))
        # NOTE: binding checks the step's result shape against the node's type before anything reads it.
        env.bind_value(v, out, f"step {v.prim.name}")
        vals[v._id] = out
    return ([vals[o._id] for o in graph.outputs], [vals[u._id] for _, u in graph.updates], vals)


# -- locating a mismatch ------------------------------------------------------------------------------------
def _replay_passes(graph, args, ref, mode, rtol, atol):
    """Name the first pass of ``mode``'s pipeline whose output graph changes a result, or None. A composite
    pass (one with ``.passes``, run in rounds to a fixpoint) is replayed sub-pass by sub-pass."""
    from ..passes import pipeline

    def check(p, before, after):
        try:
            outs, ups = interpret(after, _copy_args(args))
        except Exception as e:  # a pass that builds a graph the interpreter rejects is the culprit too
            return f"pass {p.__name__!r} produced a graph the reference interpreter rejects: {e}"
        for k, (got, want) in enumerate(zip(outs + ups, ref)):
            diff = mismatch(got, want, rtol, atol)
            if diff:
                return (f"pass {p.__name__!r} changed {_result_name(graph, k)}: {diff}. Graph before the "
                        f"pass:\n{before.text()}\nafter:\n{after.text()}")
        return None

    def walk(p, g):
        subs = getattr(p, "passes", None)
        if not subs:
            g2 = p(g)
            return g2, (check(p, g, g2) if g2 is not g else None)
        for _ in range(getattr(p, "max_rounds", 1)):
            before = g
            for sub in subs:
                g, culprit = walk(sub, g)
                if culprit:
                    return g, f"{culprit} (inside {p.__name__!r})"
            if g is before:
                break
        return g, None

    g = graph
    for p in pipeline.PASSES.get(mode, ()):
        g, culprit = walk(p, g)
        if culprit:
            return culprit
    return None


def _result_name(graph, k):
    n = len(graph.outputs)
    var = graph.outputs[k] if k < n else graph.updates[k - n][1]
    what = f"output {k}" if k < n else f"update {k - n}"
    src = where(var.source)
    return f"{what} ({var.type!r}{', ' + var.prim.name if var.prim else ''}{src})"


def _backend_values(exe, args, options):
    """The backend's value of every kernel of ``exe.graph``: from its steps, or by recompiling with every
    kernel as an output. Returns {var id: value} or a string saying why it could not."""
    opt = exe.graph
    if getattr(exe, "steps", None):
        try:
            got = {}

            def record(v, fn, ins, sizes):
                got[v._id] = host(fn(ins, sizes))
                return got[v._id]
            run_steps(exe, _copy_args(args), record)
            return got
        except Exception as e:
            return f"running the kernels one at a time failed: {type(e).__name__}: {e}"
    eqns = opt.eqns()
    try:
        from ..backends import get_backend
        backend = get_backend(exe.backend)
        probe = backend.compile(Graph(opt.inputs, eqns), dict(options or {}))
        outs, _ = probe.run(*_copy_args(args))
    except Exception as e:
        return f"recompiling with every kernel as an output failed: {type(e).__name__}: {e}"
    return {v._id: host(o) for v, o in zip(eqns, outs)}


def _locate_kernel(exe, args, options, rtol, atol):
    opt = exe.graph
    ref = {}
    interpret(opt, _copy_args(args), on_value=lambda v, out, ins: ref.__setitem__(v._id, out))
    got = _backend_values(exe, args, options)
    if isinstance(got, str):
        return got
    names = node_names(opt)
    bad = set()
    for v in opt.eqns():
        if v._id not in got:
            continue
        diff = mismatch(got[v._id], ref[v._id], rtol, atol)
        if not diff:
            continue
        bad.add(v._id)
        if not any(i._id in bad for i in v.inputs):
            return (f"first differing kernel: {describe(v, names)}; its inputs agree with the reference but "
                    f"its result does not: {diff}")
    return ("every kernel agrees with the reference when its values are read out, so the fault is in how the "
            "executable wires kernels together (buffer reuse, aliasing or in-place updates)")


def _diagnose(exe, graph, args, ref, which, diff, mode, options, rtol, atol):
    head = (f"DEBUG_MODE: backend {exe.backend!r} disagrees with the reference interpreter on "
            f"{_result_name(graph, which)}: {diff}.")
    cause = _replay_passes(graph, args, ref, mode, rtol, atol)
    if cause is None:
        cause = _locate_kernel(exe, args, options, rtol, atol)
    return f"{head}\n{cause}\noptimized graph:\n{exe.graph.text()}"


# -- NaN/Inf guard ----------------------------------------------------------------------------------------
def _ranges(var, values, names):
    parts = []
    for i, a in zip(var.inputs, values):
        a = np.asarray(a)
        label = names.get(i._id) or ("const" if i.is_const else "input")
        if a.size == 0:
            parts.append(f"{label}:{i.type!r} empty")
        elif a.dtype.kind == "b":
            parts.append(f"{label}:{i.type!r} {int(a.sum())} true of {a.size}")
        else:
            parts.append(f"{label}:{i.type!r} in [{_num(a.min())}, {_num(a.max())}]")
    return ", ".join(parts)


def _at_first_bad(var, out, values):
    """The input values at the first non-finite element (elementwise ops only)."""
    if var.prim.kind is not Kind.ELEMENTWISE:
        return ""
    idx = tuple(int(i) for i in np.argwhere(~np.isfinite(out))[0])
    try:
        picked = [np.broadcast_to(np.asarray(a), out.shape)[idx] for a in values]
    except ValueError:
        return ""
    return f"; first at index {idx}, from input values ({', '.join(_num(p) for p in picked)})"


def nan_origin(graph, args, reached):
    """Interpret ``graph`` and find the earliest node that made NaN/Inf out of finite inputs and whose
    non-finite values reach one of the results (outputs then updates) numbered ``reached``.
    Returns ((var, value, input values) or None when they all trace back to the inputs' own NaN/Inf,
    the reference results)."""
    nonfinite, origins, order = set(), {}, {}

    def hook(v, out, ins):
        order[v._id] = len(order)
        if _is_nonfinite(out):
            nonfinite.add(v._id)
            if not any(_is_nonfinite(a) for a in ins):
                origins[v._id] = (v, out, ins)

    outs, ups = interpret(graph, _copy_args(args), on_value=hook)
    for v, a in zip(graph.inputs, args):
        if _is_nonfinite(a):
            nonfinite.add(v._id)
    roots = list(graph.outputs) + [u for _, u in graph.updates]
    stack = [roots[k] for k in reached if roots[k]._id in nonfinite]
    seen, found = set(), []
    while stack:
        v = stack.pop()
        if v._id in seen:
            continue
        seen.add(v._id)
        if v._id in origins:
            found.append(origins[v._id])
        stack.extend(i for i in v.inputs if i._id in nonfinite)
    hit = min(found, key=lambda t: order[t[0]._id]) if found else None
    return hit, list(outs) + list(ups)


def _guard(exe, graph, args, results):
    bad = [k for k, r in enumerate(results) if _is_nonfinite(r)]
    if not bad:
        return
    hit, ref = nan_origin(graph, args, bad)
    if hit is None:
        for k in bad:
            if not _is_nonfinite(ref[k]):
                raise FloatingPointError(
                    f"nan_guard: backend {exe.backend!r} produced NaN/Inf in {_result_name(graph, k)} where "
                    "the reference interpreter gives finite values (fastmath, or a backend bug)")
        return
    var, out, ins = hit
    names = node_names(graph)
    n_nan, n_inf = int(np.isnan(out).sum()), int(np.isinf(out).sum())
    what = " and ".join(s for s in (f"{n_nan} NaN" if n_nan else "", f"{n_inf} Inf" if n_inf else "") if s)
    raise FloatingPointError(
        f"nan_guard: {var.prim.name} produced {what} from finite inputs{where(var.source)}; input ranges: "
        f"{_ranges(var, ins, names)}{_at_first_bad(var, out, ins)}. Node: {describe(var, names)}")


# -- the wrapper ------------------------------------------------------------------------------------------
def checked(exe, graph, nan_guard=True, compare=True, mode="DEBUG_MODE", options=None, rtol=None, atol=None):
    """Wrap ``exe`` (compiled from ``graph`` after optimization) so each call is checked: ``compare`` against
    the reference interpreter, ``nan_guard`` for NaN/Inf born inside the function. ``mode`` names the
    pipeline to replay when locating a mismatch; ``options`` are the backend options used to recompile.

    >>> from jaxlike.backends import reference
    >>> exe = checked(reference.compile(g), g)          # doctest: +SKIP
    """
    state_ids = {s._id for s, _ in graph.updates}
    must_copy = compare or bool(graph.updates)

    def run(*arrays):
        saved = _copy_args(arrays) if must_copy else arrays
        outs, ups = exe.run(*arrays)
        try:
            _check(arrays, saved, outs, ups)
        except Exception:
            # NOTE: the backend wrote the updates into the states' arrays in place; a failed call leaves
            # them as they were, as Theano's NanGuardMode and jaxlike's own errors do
            for v, before, after in zip(graph.inputs, saved, arrays):
                if v._id in state_ids and isinstance(after, np.ndarray) and after.shape == before.shape:
                    after[...] = before
            raise
        return outs, ups

    def _check(arrays, saved, outs, ups):
        results = list(outs) + list(ups)
        if compare:
            for k, (v, before, after) in enumerate(zip(graph.inputs, saved, arrays)):
                if (v._id not in state_ids and isinstance(after, np.ndarray)
                        and not np.array_equal(before, after, equal_nan=before.dtype.kind == "f")):
                    raise DebugModeError(f"DEBUG_MODE: backend {exe.backend!r} overwrote input {k} "
                                         f"({v.name or v.type!r}), which is not a state input")
            try:
                ref_outs, ref_ups = interpret(graph, _copy_args(saved))
            except Exception as e:
                raise DebugModeError(
                    f"DEBUG_MODE: backend {exe.backend!r} returned a result but the reference interpreter "
                    f"raises {type(e).__name__}: {e}") from e
            ref = list(ref_outs) + list(ref_ups)
            for k, (got, want) in enumerate(zip(results, ref)):
                diff = mismatch(got, want, rtol, atol)
                if diff:
                    raise DebugModeError(
                        _diagnose(exe, graph, saved, ref, k, diff, mode, options, rtol, atol))
        if nan_guard:
            _guard(exe, graph, saved, results)

    # NOTE: the wrapper does not forward ``steps``: the profiler would run them and bypass the checks.
    out = Executable(run, exe.source, exe.graph, exe.backend)
    out.inner = exe
    return out
