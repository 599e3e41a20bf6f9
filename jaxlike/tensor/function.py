"""``jaxlike.function``: Theano's ``theano.function(inputs, outputs, updates, givens)`` on jaxlike's runtime.

Construction does all the work once: normalise outputs, updates and givens, substitute the givens
(``core.graph.substitute``), collect the shared variables the graph reads, check types the way Theano does,
build ONE ``Graph(inputs + shared, outputs, updates)`` and compile it with ``runtime.build_executable``.
A call then only converts/checks the arguments, runs the executable and stores the update values into the
shared variables (Theano semantics: every update reads the values from before the call).
A front-end module: imports core and runtime.
"""

import warnings

import numpy as np

from ..core.graph import Var, Graph, const, substitute, free_inputs, toposort, size_providers
from ..core.types import is_known, Sym, DimExpr
from ..runtime.compiled import build_executable
from ..runtime.tiered import TieredExecutable
from ..runtime.callpath import ArgCheck, function_caller
from ..config import config
from .shared import SharedVariable, filter_value
from .var import var_str, type_str
from .basic import as_tensor_variable
from .gradient import costs_behind
from .graph_nodes import apply_nodes


class MissingInputError(ValueError):
    """The outputs depend on a variable that is neither an input, a shared variable nor given a value."""


class UnusedInputError(ValueError):
    """An input is not needed to compute the outputs or updates (``on_unused_input='raise'``)."""


_MODES = {"FAST_RUN": "FAST_RUN", "FAST_COMPILE": "FAST_COMPILE", "DEBUG_MODE": "DEBUG_MODE",
          "DebugMode": "DEBUG_MODE"}


class In:
    """Theano's ``theano.In(variable, name=None, value=None)``: an input with a default ``value`` (used when
    the call leaves it out) and a keyword ``name`` (default: the variable's name)."""

    def __init__(self, variable, name=None, value=None, update=None, mutable=None, strict=False,
                 allow_downcast=None, autoname=True, implicit=None, borrow=None, shared=False):
        if not isinstance(variable, Var):
            raise TypeError(f"In: variable must be a symbolic variable, got {type(variable).__name__} "
                            f"{variable!r}")
        if update is not None or shared:
            raise NotImplementedError("In: update= and shared= (an input that keeps internal state) are not "
                                      "supported; use a shared variable and updates= instead")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"In: name must be a str, got {type(name).__name__} {name!r}")
        self.variable, self.name, self.value = variable, name, value
        self.allow_downcast = allow_downcast


class Out:
    """Theano's ``theano.Out(variable, borrow=False)``: an output of ``function``; ``borrow`` is accepted
    (outputs here never alias the function's internal storage)."""

    def __init__(self, variable, borrow=False):
        if not isinstance(variable, Var):
            raise TypeError(f"Out: variable must be a symbolic variable, got {type(variable).__name__} "
                            f"{variable!r}")
        self.variable, self.borrow = variable, borrow


def Param(variable, default=None, name=None, mutable=False, strict=False, allow_downcast=None,
          implicit=None, borrow=None):
    """Older Theano's ``Param(variable, default=...)``: ``In(variable, name, value=default)``."""
    return In(variable, name=name, value=default, allow_downcast=allow_downcast)


class Mode:
    """Theano's ``theano.Mode(linker=..., optimizer=...)``, accepted as ``function(..., mode=Mode(...))``: an
    optimizer of None, 'None' or 'fast_compile' selects FAST_COMPILE (the reference interpreter), any other
    FAST_RUN; the linker is accepted and unused (jaxlike has one per backend)."""

    def __init__(self, linker=None, optimizer="default"):
        self.linker, self.optimizer = linker, optimizer
        self.name = "FAST_COMPILE" if optimizer in (None, "None", "fast_compile") else "FAST_RUN"

    def __repr__(self):
        return f"Mode(linker={self.linker!r}, optimizer={self.optimizer!r})"


class _FunctionGraph:
    """``f.maker.fgraph``: the optimized graph's ``inputs`` and ``outputs`` (Theano's FunctionGraph)."""

    def __init__(self, graph, gpu=False):
        self.inputs, self.outputs = list(graph.inputs), list(graph.outputs)
        self.graph, self._gpu = graph, gpu

    def toposort(self):
        """The graph's ``Apply`` nodes (``node.op``, ``node.inputs``, ``node.outputs``), inputs before users."""
        return apply_nodes(toposort(self.outputs), self._gpu)


class _Maker:
    """``f.maker``: what ``jaxlike.function`` built (Theano's FunctionMaker): ``inputs`` and ``fgraph``, the
    graph as the function's mode rewrites it, before its elementwise loops are fused (so ``theano.pp`` of
    ``f.maker.fgraph.outputs[0]`` reads as an expression, as in Theano's tutorial)."""

    def __init__(self, fn, mode):
        self._graph, self._mode, self._fgraph = fn.graph, mode, None
        self._gpu = fn.executable.backend == "numba_cuda"
        self.inputs = list(fn.inputs)

    @property
    def fgraph(self):
        if self._fgraph is None:
            from ..passes.pipeline import optimize
            self._fgraph = _FunctionGraph(optimize(self._graph, self._mode, excluding=("fuse",)), self._gpu)
        return self._fgraph


def _pairs(obj, what):
    """Updates/givens as a list of pairs: a dict (in insertion order) or an iterable of 2-sequences."""
    if obj is None:
        return []
    items = list(obj.items()) if isinstance(obj, dict) else list(obj)
    for k, p in enumerate(items):
        if not isinstance(p, (tuple, list)) or len(p) != 2:
            raise TypeError(f"function: {what}[{k}] must be a pair (variable, expression), got {p!r}")
    return [tuple(p) for p in items]


def _as_typed(value, like, what):
    """``value`` as a Var of ``like``'s dtype and rank: symbolic values must match exactly (Theano does not
    cast implicitly), concrete ones are converted only when no value changes."""
    if not isinstance(value, Var):
        if isinstance(value, (list, tuple)) and any(isinstance(e, Var) for e in value):
            value = as_tensor_variable(value)
        else:
            return const(filter_value(value, like.type, what))
    if value.dtype != like.dtype:
        raise TypeError(
            f"{what}: the expression has dtype {value.dtype} ({type_str(value.type)}) but {var_str(like)} "
            f"has dtype {like.dtype} ({type_str(like.type)}); cast it explicitly, e.g. "
            f"T.cast(expr, {like.dtype.name!r})")
    if value.ndim != like.ndim:
        raise TypeError(f"{what}: the expression has rank {value.ndim} ({type_str(value.type)}) but "
                        f"{var_str(like)} has rank {like.ndim} ({type_str(like.type)})")
    for i, (a, b) in enumerate(zip(like.shape, value.shape)):
        if is_known(a) and a == 1 and not (is_known(b) and b == 1):
            raise TypeError(f"{what}: dim {i} of {var_str(like)} is broadcastable (size 1) but the "
                            f"expression's is not ({value.type!r})")
    return value


class Function:
    """A compiled Theano-style function. Call it with one value per input (positionally or by input name);
    it returns one array for a single output, a list for a list of outputs."""

    def __init__(self, inputs, outputs=None, updates=None, givens=None, allow_input_downcast=None,
                 name=None, mode=None, profile=None, on_unused_input=None, no_default_updates=False):
        self.name = name
        label = f"function {name!r}" if name else "function"
        if isinstance(inputs, Var) or not isinstance(inputs, (list, tuple)):
            raise TypeError(f"{label}: inputs must be a list of symbolic variables, got "
                            f"{type(inputs).__name__} (write inputs=[x], not inputs=x)")
        self._build_args = (list(inputs), outputs, updates, givens, allow_input_downcast, name, mode, profile,
                            on_unused_input, no_default_updates)
        monitored = getattr(mode, "monitored", None)   # NOTE: compile_modes.MonitorMode's op-by-op runner
        if isinstance(mode, Mode):
            mode = mode.name
        if mode is not None and mode not in _MODES:
            raise ValueError(f"{label}: mode must be one of {sorted(_MODES)}, got {mode!r}")
        on_unused_input = on_unused_input or "raise"
        if on_unused_input not in ("raise", "warn", "ignore"):
            raise ValueError(f"{label}: on_unused_input must be 'raise', 'warn' or 'ignore', got "
                             f"{on_unused_input!r}")

        mapping = {}
        wrapped = [v if isinstance(v, In) else None for v in inputs]
        self._defaults = {k: w.value for k, w in enumerate(wrapped) if w is not None and w.value is not None}
        self.inputs = self._check_inputs([v.variable if isinstance(v, In) else v for v in inputs], mapping,
                                         label)
        self._single = outputs is not None and not isinstance(outputs, (list, tuple))
        out_list = [] if outputs is None else ([outputs] if self._single else list(outputs))
        out_list = [as_tensor_variable(o.variable if isinstance(o, Out) else o) for o in out_list]

        targets, exprs, seen = [], [], set()
        for k, (s, e) in enumerate(_pairs(updates, "updates")):
            if not isinstance(s, SharedVariable):
                target = s if isinstance(s, Var) else repr(s)
                raise TypeError(f"{label}: updates[{k}] targets {target}, which is not a shared variable; "
                                "only shared variables (jaxlike.shared) can be updated")
            if s._id in seen:
                raise ValueError(f"{label}: shared variable {var_str(s)} has two update expressions")
            seen.add(s._id)
            targets.append(s)
            exprs.append(_as_typed(e, s, f"{label}: update of {var_str(s)}"))

        input_ids = {v._id for v in self.inputs}
        for k, (old, new) in enumerate(_pairs(givens, "givens")):
            if not isinstance(old, Var):
                raise TypeError(f"{label}: givens[{k}] replaces {old!r}, which is not a symbolic variable")
            if old._id in input_ids:
                raise RuntimeError(f"{label}: givens[{k}] replaces {var_str(old)}, which is an input of the "
                                   "function; replacing an input has no effect (Theano forbids it): drop it "
                                   "from inputs or from givens")
            mapping[old] = _as_typed(new, old, f"{label}: givens[{k}] for {var_str(old)}")

        roots = out_list + exprs
        if mapping and roots:
            roots = substitute(roots, mapping)
        out_list, exprs = roots[:len(out_list)], roots[len(out_list):]
        extra = _default_updates(roots, seen, no_default_updates, label)
        targets += [s for s, _ in extra]
        exprs += [e for _, e in extra]
        roots = out_list + exprs

        input_ids = {v._id for v in self.inputs}
        self.shared, shared_ids = [], set()
        for v in free_inputs(roots):
            if v._id in input_ids:
                continue
            if isinstance(v, SharedVariable):
                self.shared.append(v)
                shared_ids.add(v._id)
                continue
            raise MissingInputError(
                f"{label}: the outputs/updates depend on {var_str(v)} ({type_str(v.type)}), which is not in "
                "inputs and has no value: add it to inputs, replace it with givens, or make it a shared "
                "variable")
        for s in targets + _shared_by_size(roots):
            if s._id not in shared_ids:
                self.shared.append(s)
                shared_ids.add(s._id)

        # NOTE: T.zeros((n,)) uses n; T.grad(2 * x, x) uses x, as Theano's gradient reads the cost
        costs = costs_behind(toposort(list(roots)))
        used = {v._id for v in free_inputs(size_providers(roots) + list(roots) + costs)}
        sizes = _sizes_read(roots)
        for k, v in enumerate(self.inputs):
            if v._id not in used and not any(id(d) in sizes for d in v.shape) and on_unused_input != "ignore":
                msg = (f"{label} was asked to compute its outputs from inputs that include {var_str(v)} "
                       f"(input {k}), which is not needed by any output or update; pass "
                       "on_unused_input='ignore' to allow this")
                if on_unused_input == "raise":
                    raise UnusedInputError(msg)
                warnings.warn(msg, stacklevel=3)

        self.graph = Graph(list(self.inputs) + self.shared, out_list, list(zip(targets, exprs)))
        self.profile = None
        if profile or (profile is None and config.profile):
            from ..runtime.profile import new_profile, FunctionProfile
            if isinstance(profile, FunctionProfile):
                self.profile = profile
            else:
                label_in = ", ".join(var_str(v) for v in self.inputs)
                title = profile if isinstance(profile, str) else name or f"function({label_in})"
                self.profile = new_profile(title)
        # NOTE: the GIL stays held while the entry runs, as in Theano (numba_cpu's release_gil says what it costs)
        self.executable = build_executable(self.graph, None, _MODES.get(mode), options={"release_gil": False},
                                           profile=self.profile)

        # -- everything the call path needs, precomputed ---------------------------------------------
        self._targets = targets
        self._n = len(self.inputs)
        self._names = {v.name: k for k, v in enumerate(self.inputs) if v.name}
        self._names.update({w.name: k for k, w in enumerate(wrapped) if w is not None and w.name})
        numbers = self.executable.backend == "numba_cpu"
        self._checks = [_converter(v, k, allow_input_downcast if w is None or w.allow_downcast is None
                                   else w.allow_downcast, label, numbers)
                        for k, (v, w) in enumerate(zip(self.inputs, wrapped))]
        self.maker = _Maker(self, _MODES.get(mode) or config.mode)
        if monitored is not None:
            self.executable = monitored(self.executable, self.maker.fgraph)
        self._converters = [c.convert for c in self._checks]
        self._out_copy, self._update_copy = _aliasing_plan(self.executable.graph)
        # NOTE: only the GPU backend takes device arrays; a value a GPU function left on the device is copied
        # to the host for the others.
        self._host_only = self.executable.backend != "numba_cuda"
        self._serve(self.executable)
        if isinstance(self.executable, TieredExecutable):
            self.executable.when_compiled(self._serve)

    def _serve(self, executable):
        """The call path for ``executable``: again with the compiled one once a tiered executable (which starts
        on the interpreter, ``runtime/tiered.py``) has it."""
        self.executable, self._run = executable, executable.run
        self._fast = None   # the generated call path, a method taking the arguments one by one
        if executable.direct is not None:
            self._fast = function_caller(executable.direct, self._checks, self.shared, self._targets,
                                         self._out_copy, self._update_copy, self._single, self._host_only,
                                         general=Function.__call__, keywords=bool(self._names))
        if self.profile is not None:
            self.__class__ = _ProfiledFunction  # NOTE: keeps the timing wrapper off unprofiled calls
        elif self._fast is not None:
            # NOTE: a class of its own, whose __call__ is the generated call path
            self.__class__ = type("Function", (Function,), {"__call__": self._fast, "__module__": __name__,
                                                            "__doc__": Function.__doc__})

    @staticmethod
    def _check_inputs(inputs, mapping, label):
        out, seen = [], set()
        for k, v in enumerate(inputs):
            if not isinstance(v, Var):
                raise TypeError(f"{label}: inputs[{k}] must be a symbolic variable (e.g. T.dvector()), got "
                                f"{type(v).__name__} {v!r}")
            if isinstance(v, SharedVariable):
                raise TypeError(f"{label}: inputs[{k}] is the shared variable {var_str(v)}, which cannot be "
                                "an explicit input: functions read shared variables implicitly; to feed "
                                "another value in its place use givens={shared_var: symbolic_var}")
            if v.is_const:
                raise TypeError(f"{label}: inputs[{k}] is a constant ({var_str(v)}); inputs must be symbolic "
                                "variables")
            if v._id in seen:
                raise ValueError(f"{label}: variable {var_str(v)} appears twice in inputs")
            seen.add(v._id)
            if v.prim is not None:
                # NOTE: as in Theano, an intermediate expression given as an input cuts the graph there.
                fresh = Var(v.type, name=v.name, source=v.source)
                mapping[v] = fresh
                v = fresh
            out.append(v)
        return out

    def __call__(self, *args, **kwargs):
        if kwargs or (self._defaults and len(args) < self._n):
            args = self._bind_kwargs(args, kwargs)
        if len(args) != self._n:
            raise TypeError(f"{self}: expected {self._n} argument{'s' if self._n != 1 else ''} "
                            f"({', '.join(var_str(v) for v in self.inputs) or 'none'}), got {len(args)}")
        if self._fast is not None:
            return self._fast(self, *args)
        arrays = [conv(a) for conv, a in zip(self._converters, args)]
        state = [s._data for s in self.shared]
        if self._host_only:
            state = [v if type(v) is np.ndarray else np.asarray(v) for v in state]
        outs, ups = self._run(*arrays, *state)
        # NOTE: stored state must be the shared variable's own array (backends may write the next update
        # into it in place) and results must not alias anything the caller or a shared variable holds:
        # values the plan marks, views (base is not None) and read-only arrays are copied.
        for s, u, always in zip(self._targets, ups, self._update_copy):
            if u is s._data:
                continue  # written in place into the variable's own array
            if type(u) is np.ndarray:
                if always or (u.base is not None and u is not s._data):
                    u = np.array(u, copy=True)
            elif isinstance(u, np.generic):
                u = np.array(u)
            s._data = u  # device arrays (the GPU backend keeps state on the device) are stored as they come
        res = []
        for o, always in zip(outs, self._out_copy):
            if type(o) is not np.ndarray:
                o = np.asarray(o)
            elif always or o.base is not None:
                o = o.copy()
            res.append(o)
        return res[0] if self._single else res

    def _bind_kwargs(self, args, kwargs):
        full = list(args) + [None] * (self._n - len(args))
        given = [True] * len(args) + [False] * (self._n - len(args))
        for key, val in kwargs.items():
            k = self._names.get(key)
            if k is None:
                raise TypeError(f"{self}: unknown keyword argument {key!r}; named inputs: "
                                f"{', '.join(sorted(self._names)) or 'none'}")
            if k < len(given) and given[k]:
                raise TypeError(f"{self}: input {key!r} given both by position and by name")
            full[k], given[k] = val, True
        for k, value in self._defaults.items():
            if not given[k]:
                full[k], given[k] = value, True
        missing = [var_str(self.inputs[k]) for k in range(self._n) if not given[k]]
        if missing:
            raise TypeError(f"{self}: missing value for input(s) {', '.join(missing)}")
        return full

    def copy(self, share_memory=False, swap=None, delete_updates=False, name=None, profile=None):
        """Theano's ``f.copy``: the same function compiled again, with the shared variables in ``swap``
        (a dict old -> new, of the same types) read and updated in place of the old ones, and without any
        updates when ``delete_updates``. ``share_memory`` is accepted; functions here keep no memory of their
        own to share."""
        inputs, outputs, updates, givens, downcast, old_name, mode, old_profile, unused, no_default = \
            self._build_args
        swap = dict(swap or {})
        for old, new in swap.items():
            if not isinstance(old, SharedVariable) or not isinstance(new, SharedVariable):
                raise TypeError(f"copy: swap must map shared variables to shared variables, got {old!r}: {new!r}")
        if delete_updates:
            # NOTE: inputs that only fed the updates become unused; the original function checked its inputs
            updates, no_default, unused = None, True, "ignore"
        else:
            updates = [(swap.get(s, s), e) for s, e in _pairs(updates, "updates")]
        givens = _pairs(givens, "givens") + list(swap.items())
        return Function(inputs, outputs, updates, givens, downcast, name or old_name, mode,
                        old_profile if profile is None else profile, unused, no_default)

    @property
    def source(self):
        """What runs: the generated code, or the interpreter listing."""
        return self.executable.source

    def __repr__(self):
        return f"<jaxlike.function {self.name!r}>" if self.name else "<jaxlike.function>"


def _shared_by_size(roots):
    """Shared variables whose sizes the graph reads though it never reads their values (the gradient of
    sum(dot(x, W)) with respect to W is a sum over x broadcast to W's shape): they must be arguments too, as
    only an argument's shape binds its sizes."""
    out, seen = [], set()
    for v in toposort(roots):
        for d in v.shape:
            holder = d.holder[0]() if isinstance(d, Sym) and d.holder is not None else None
            if isinstance(holder, SharedVariable) and holder._id not in seen and any(d is e for e in holder.shape):
                seen.add(holder._id)
                out.append(holder)
    return out


def _sizes_read(roots):
    """ids of the symbolic sizes the graph reads (in node types and attrs). An input whose values are never
    read may still be needed for its sizes: the gradient of sum(A * B) with respect to A is B broadcast to
    A's shape."""
    found = set()

    def visit(a):
        if isinstance(a, Sym):
            found.add(id(a))
        elif isinstance(a, DimExpr):
            visit(a.terms)
        elif isinstance(a, tuple):
            for x in a:
                visit(x)

    for v in toposort(roots):
        visit(v.type.shape)
        for _, a in v.attrs:
            visit(a)
    return found


class _ProfiledFunction(Function):
    """A Function whose calls are timed end to end into its profile (dispatch versus executable time)."""

    def __call__(self, *args, **kwargs):
        if kwargs or (self._defaults and len(args) < self._n):
            args = self._bind_kwargs(args, kwargs)
        return self.profile.time_call(Function.__call__, self, *args)


def _aliasing_plan(graph):
    """Which outputs and update values of the graph the backend runs may come back as an array that
    something else holds: a graph input (an argument or a shared variable's storage), a constant, or the
    same node as an earlier output or update. Those are copied on every call."""
    seen = set()

    def mark(v):
        held = v.prim is None or v._id in seen
        seen.add(v._id)
        return held

    outs = [mark(o) for o in graph.outputs]
    ups = [mark(u) for _, u in graph.updates]
    return outs, ups


def _converter(var, k, allow_downcast, label, numbers=False):
    """The argument check for input ``k`` (an ``ArgCheck``: its inline test and its converter): the exact
    dtype and rank pass through untouched; everything else goes through ``filter_value`` (Theano's conversion
    rules and their errors). With ``numbers`` (the backend takes rank-0 arguments as Python numbers:
    numba_cpu) a scalar input is always passed as a Python number, after the same checks, so the entry is
    typed once and skips unboxing a 0-d array."""
    typ, dtype, ndim = var.type, var.type.dtype, var.ndim    # NOTE: numpy's dtype (the call path tests identity)
    fixed = any(is_known(d) for d in var.shape)
    what = f"{label}: input {k} ({var_str(var)})"
    if ndim == 0 and numbers:
        exact = {np.dtype("float64"): (float, np.float64), np.dtype("bool"): (bool, np.bool_),
                 np.dtype("int64"): (np.int64,)}.get(dtype, ())

        def convert_number(a):
            t = type(a)
            if t in exact or (t is int and dtype == np.int64 and -2 ** 63 <= a < 2 ** 63):
                return a if t is float or t is bool or t is int else a.item()
            if t is np.ndarray and a.dtype is dtype and a.ndim == 0:
                return a.item()
            return filter_value(a, typ, what, allow_downcast).item()
        # NOTE: numba takes these as they are (np.float64 types as float64); int needs its range checked
        passes = {np.dtype("float64"): (float, np.float64), np.dtype("bool"): (bool,)}.get(dtype)
        return ArgCheck(convert_number, "number" if passes else None, pytype=passes)
    if ndim == 0:
        def convert_scalar(a):
            t = type(a)
            if t is np.ndarray and a.dtype is dtype and a.ndim == 0:
                return a
            if t is float or t is int or t is bool or isinstance(a, np.generic):
                try:
                    v = np.array(a, dtype=dtype)
                except OverflowError:
                    v = None
                if v is not None and (allow_downcast or v == a):
                    return v  # NOTE: lossless numbers take this path; the rest get filtered below
            return filter_value(a, typ, what, allow_downcast)
        return ArgCheck(convert_scalar)

    def convert(a):
        if type(a) is np.ndarray and a.dtype is dtype and a.ndim == ndim and not fixed:
            return a
        return filter_value(a, typ, what, allow_downcast)
    return ArgCheck(convert) if fixed else ArgCheck(convert, "array", dtype, ndim)


def function(inputs, outputs=None, updates=None, givens=None, allow_input_downcast=None, name=None, mode=None,
             profile=None, on_unused_input=None, no_default_updates=False):
    """Compile a function from symbolic ``inputs`` to ``outputs`` (Theano's ``theano.function``).

    ``outputs``: one variable (the call returns one array), a list (returns a list), a dict with string keys
    (returns a dict) or None (returns []).
    ``updates``: pairs ``(shared_variable, new_value_expression)`` or a dict; applied after the outputs are
    computed, all reading the values from before the call. ``givens``: pairs ``(variable, replacement)``.
    ``allow_input_downcast``: accept arguments that lose precision when converted (float64 data for a float32
    input). ``mode``: 'FAST_RUN', 'FAST_COMPILE' or 'DEBUG_MODE' (default ``config.mode``). ``profile``: True
    (or a name, or a ``jaxlike.profile.FunctionProfile``) times the calls into ``jaxlike.profile.report()``;
    default ``config.profile``. ``on_unused_input``: 'raise' (default, as Theano), 'warn' or 'ignore'.
    A shared variable the graph reads that has a ``default_update`` (the keys of ``RandomStreams`` draws) is
    updated with it unless ``updates`` gives its own; ``no_default_updates``: True, or a list of shared
    variables, turns that off.

    >>> import jaxlike.tensor as T
    >>> x = T.dscalar('x')
    >>> f = function([x], x ** 2)
    >>> f(-2)
    array(4.)
    """
    if isinstance(outputs, dict):
        return _KeyedFunction(inputs, outputs, updates, givens, allow_input_downcast, name, mode, profile,
                              on_unused_input, no_default_updates)
    return Function(inputs, outputs, updates, givens, allow_input_downcast, name, mode, profile,
                    on_unused_input, no_default_updates)


class _KeyedFunction:
    """Theano's ``function(inputs, {'name': expr, ...})``: the call returns a dict of the outputs by key
    (keys must be strings; computed in sorted key order, as Theano's). Everything else is the
    ``Function`` of the outputs as a list."""

    def __init__(self, inputs, outputs, *rest):
        for key in outputs:
            if not isinstance(key, str):
                raise TypeError(f"function: the keys of a dict of outputs must be strings, got "
                                f"{type(key).__name__} {key!r}")
        self.output_keys = sorted(outputs)
        self._fn = Function(inputs, [outputs[k] for k in self.output_keys], *rest)

    def __call__(self, *args, **kwargs):
        return dict(zip(self.output_keys, self._fn(*args, **kwargs)))

    def __getattr__(self, name):
        return getattr(self.__dict__["_fn"], name)

    def __repr__(self):
        return repr(self._fn)


def _default_updates(roots, explicit, no_default_updates, label):
    """(shared variable, expression) for each shared variable the graph reads (through earlier default
    updates too) whose ``default_update`` is set, unless ``explicit`` (ids) updates it or
    ``no_default_updates`` excludes it: Theano's default updates, in the order they are met."""
    if no_default_updates is True:
        return []
    skip = {v._id for v in (no_default_updates or ())} | set(explicit)
    found, pending = [], list(roots)
    while pending:
        new = []
        for v in free_inputs(pending):
            update = getattr(v, "default_update", None)
            if update is None or v._id in skip:
                continue
            skip.add(v._id)
            expr = _as_typed(update, v, f"{label}: default update of {var_str(v)}")
            found.append((v, expr))
            new.append(expr)
        pending = new
    return found
