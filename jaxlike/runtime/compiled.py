"""``compile``: trace once per signature, optimize, hand the graph to a backend, and keep the hot call path
short: the function users get tests the signatures compiled so far inline (``callpath.signature_dispatch``);
anything else is one flat-signature lookup and one executable call.

The signature is (argument tree, static arguments, per leaf: dtype, rank, which dims are 1). Sizes are not
part of it: one compiled function serves every batch size. Code that reads a size as a Python int
(``range(x.shape[0])``) raises ConcretizationError while tracing; that signature is then retraced with
concrete shapes and its key grows the shapes.
"""

import functools
import inspect
import threading
import weakref
from time import perf_counter

import numpy as np

from .. import pytree
from ..config import config, on_change as config_on_change
from ..core.graph import Var, Graph
from ..core.errors import ConcretizationError, TracerBoolError
from ..passes.pipeline import optimize
from ..backends import get_backend
from .trace import trace, leaf_signature
from .tiered import can_tier, TieredExecutable
from .callpath import plain_caller, signature_dispatch, signature_patterns

_BACKEND_FOR_MODE = {"FAST_COMPILE": "reference"}


def choose_backend(device=None, mode=None):
    device = device or config.device
    mode = mode or config.mode
    if device in ("cuda", "gpu"):
        return "numba_cuda"
    if mode in _BACKEND_FOR_MODE:
        return _BACKEND_FOR_MODE[mode]
    try:
        # NOTE: a numba_cpu folder without its __init__ (a partial install) imports as an empty namespace
        # package; only a module with compile() counts as the backend.
        if hasattr(get_backend("numba_cpu"), "compile"):
            return "numba_cpu"
    except ImportError:
        pass
    return "reference"


def build_executable(graph, device=None, mode=None, options=None, profile=None):
    """Optimize ``graph`` and compile it with the backend the device and mode select. ``profile`` (a
    ``runtime.profile.FunctionProfile``) collects its timings; with ``config.profile`` one is made."""
    t0 = perf_counter()
    mode = mode or config.mode
    opts = {"fastmath": config.fastmath, "mode": mode}
    if config.profile or profile is not None:
        opts["profile"] = True      # NOTE: backends that can time their kernels from inside do so
    opts.update(options or {})
    # NOTE: numba_cuda has no lowering of a cond: it gets every branch and a select (same values and derivatives)
    opt_graph = optimize(graph, mode, inline_branches=(device or config.device) in ("cuda", "gpu"))
    if profile is None and can_tier(opt_graph, device or config.device, mode):
        # NOTE: before choose_backend, whose test imports numba (0.5 s) in this thread
        return TieredExecutable(opt_graph, opts)
    name = choose_backend(device, mode)
    try:
        backend = get_backend(name)
    except ImportError as e:
        raise RuntimeError(f"device={device or config.device!r} needs the {name} backend, which cannot be "
                           f"loaded: {e}") from None
    exe = backend.compile(opt_graph, opts)
    if mode == "DEBUG_MODE" or config.nan_guard:
        from .debug import checked
        exe = checked(exe, graph, nan_guard=config.nan_guard or mode == "DEBUG_MODE",
                      compare=mode == "DEBUG_MODE", mode=mode, options=opts)
    if config.profile or profile is not None:
        from .profile import profiled
        exe = profiled(exe, profile, compile_time=perf_counter() - t0)
    return exe


class _Entry:
    """One compiled signature. ``call(*leaves)``: the result itself when ``single``, else the flat outputs.
    The graph's last ``prints`` outputs are the tokens of traced prints (``core/effects.py``), dropped here."""
    __slots__ = ("exe", "call", "out_tree", "graph", "single", "prints")

    def __init__(self, exe, out_tree, graph, prints=0):
        self.exe, self.out_tree, self.graph, self.prints = exe, out_tree, graph, prints
        self.single = out_tree is pytree.LEAF
        if exe.direct is not None and not prints:
            self.call = plain_caller(exe.direct, len(graph.inputs), self.single)
        else:
            run, n = exe.run, len(graph.outputs) - prints
            self.call = (lambda *a: run(*a)[0][0]) if self.single else (lambda *a: run(*a)[0][:n])


def _flat_signature(args):
    """The signature of a flat argument list of float/complex/int/bool scalars and numpy arrays, computed without
    the pytree walk; None for anything else (nested, device arrays, huge ints), which takes the full path."""
    sig = []
    for a in args:
        t = type(a)
        if t is np.ndarray:
            sig.append((a.dtype, a.ndim, tuple([d == 1 for d in a.shape])))
        elif t is float or t is bool or t is complex:
            sig.append(t)
        elif t is int and -2 ** 63 <= a < 2 ** 63:
            sig.append(t)
        else:
            return None
    return tuple(sig)


INLINE_SIGNATURES = 8    # signatures the front function tests inline; more go through the lookup


def _static_positions(fn, static_argnums):
    """``static_argnums`` sorted, negative ones counted from the end of ``fn``'s positional parameters."""
    nums = tuple(static_argnums) if isinstance(static_argnums, (tuple, list)) else (static_argnums,)
    for i in nums:
        if isinstance(i, bool) or not isinstance(i, (int, np.integer)):
            raise TypeError(f"static_argnums must be ints, got {static_argnums!r}")
    if any(i < 0 for i in nums):
        try:
            params = inspect.signature(fn).parameters.values()
        except (TypeError, ValueError):
            raise ValueError(f"a negative static_argnums ({static_argnums!r}) needs the signature of the "
                             "function, which it has none of") from None
        n = sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) for p in params)
        if any(i < -n for i in nums):
            raise ValueError(f"static_argnums={static_argnums!r} for a function of {n} parameters")
        nums = tuple(i % n for i in nums)
    return tuple(sorted(set(int(i) for i in nums)))


def _keywords_as_positions(fn):
    """``fn`` taking its keyword-only parameters as positions after the others, in its signature's order (the
    call path binds keyword arguments to positions, and static_argnames may name one: ``def f(x, *,
    training)``); ``fn`` itself when it has none, or has *args or **kwargs."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return fn
    kinds = {p.kind for p in params}
    if inspect.Parameter.KEYWORD_ONLY not in kinds or kinds & {inspect.Parameter.VAR_POSITIONAL,
                                                               inspect.Parameter.VAR_KEYWORD}:
        return fn
    n = sum(p.kind is not inspect.Parameter.KEYWORD_ONLY for p in params)
    names = [p.name for p in params[n:]]

    @functools.wraps(fn)
    def positional(*args):
        return fn(*args[:n], **dict(zip(names, args[n:])))
    return positional


class Compiled:
    """What ``compile`` builds: the signatures, their executables and the call paths. ``compile`` hands out
    ``.function``, a plain Python function that calls through it (see ``_front``)."""

    def __init__(self, fn, static_argnums=(), device=None, mode=None, options=None):
        self.fn = _keywords_as_positions(fn)
        self.options = options  # backend options, e.g. {"outputs": "device"} for numba_cuda
        self.static_argnums = _static_positions(fn, static_argnums)
        # NOTE: a call with fewer positional arguments than this leaves out a static one: bound to the
        # signature, so that its default is used and the call shares the signature of one that passes it
        self._bind_below = self.static_argnums[-1] + 1 if self.static_argnums else 0
        self.device = device
        self.mode = mode
        self._cache = {}
        self._flat_cache = {}  # _flat_signature -> _Entry, for signatures that do not specialize on sizes
        self._inline_calls = []  # (argument patterns, _Entry.call, output tree): what the front tests inline
        self._specialize = set()
        self._lock = threading.Lock()
        self._profile = None  # a FunctionProfile once a signature is compiled with config.profile on
        self.__name__ = getattr(fn, "__name__", "compiled")
        self.__doc__ = getattr(fn, "__doc__", None)
        self.__wrapped__ = fn
        self._env = {}
        self.function = self._front()
        _LIVE.add(self)

    def _split(self, args):
        if not self.static_argnums:
            return args, ()
        n = len(args)
        for i in self.static_argnums:
            if i >= n:
                raise TypeError(f"static_argnums={self.static_argnums} but {self.__name__} got {n} arguments")
        static = tuple(args[i] for i in self.static_argnums)
        try:
            hash(static)
        except TypeError:
            raise TypeError(f"static arguments must be hashable, got {static!r}") from None
        dyn = tuple(a for i, a in enumerate(args) if i not in self.static_argnums)
        return dyn, static

    def _merge(self, dyn, static):
        out, d, s = [], iter(dyn), iter(static)
        for i in range(len(dyn) + len(static)):
            out.append(next(s) if i in self.static_argnums else next(d))
        return out

    def _key(self, args):
        dyn, static = self._split(args)
        leaves, tree = pytree.flatten(list(dyn))
        sig = tuple(leaf_signature(x) for x in leaves)
        return (tree, static, sig), dyn, static, leaves

    def __call__(self, *args, **kwargs):
        """The general path: the front function comes here once its inline number tests have missed."""
        if _JIT_DISABLED[0]:
            return self.fn(*args, **kwargs)
        if self._profile is not None:
            return self._profile.time_call(self._call, args, kwargs)
        return self._call(args, kwargs)

    def _front(self):
        """The function users call. Why a function and not this object: CPython calls a function through
        vectorcall, but an instance's ``__call__`` only after packing the arguments into a tuple (~40 ns of a
        ~500 ns scalar call). Its code starts as the general path and is replaced by ``_serve_signatures``."""
        front = signature_dispatch([], self.__call__, self._env)
        self._general_code = front.__code__, front.__defaults__
        front.__name__ = self.__name__
        front.__qualname__ = getattr(self.fn, "__qualname__", self.__name__)
        front.__doc__ = self.__doc__
        front.__wrapped__ = self.fn
        front.__module__ = getattr(self.fn, "__module__", __name__)
        front._compiled = self
        front._cache = self._cache
        for name in ("graph", "optimized_graph", "source"):
            setattr(front, name, getattr(self, name))
        # NOTE: IPython asks the object itself for its rich views; display.install() puts them on this class
        front._repr_html_ = lambda: self._repr_html_()
        front._repr_svg_ = lambda: self._repr_svg_()
        return front

    def _serve_signatures(self):
        """Give the front function code that tests the signatures compiled so far inline
        (``callpath.signature_dispatch``) before the general path."""
        new = signature_dispatch(list(self._inline_calls), self.__call__, self._env)
        self.function.__code__, self.function.__defaults__ = new.__code__, new.__defaults__

    def _serve_all_generally(self):
        self._inline_calls.clear()
        self.function.__code__, self.function.__defaults__ = self._general_code

    def _jit_switched(self, disabled):
        """``disable_jit`` turned on (every call takes the general path, which runs ``fn`` itself) or off."""
        if disabled or not self._inline_calls or self._profile is not None:
            self.function.__code__, self.function.__defaults__ = self._general_code
        else:
            self._serve_signatures()

    def _clear(self):
        self._cache.clear()
        self._flat_cache.clear()
        self._specialize.clear()
        self._serve_all_generally()

    def _positional(self, args, kwargs):
        """Keyword arguments bound to their positions in ``fn``'s signature, so one signature cache serves both
        spellings of a call. Defaults fill the positions up to the last argument given or static one; later
        parameters keep them inside ``fn`` (a default traced as an argument would be a value, not a number)."""
        try:
            sig = inspect.signature(self.__wrapped__)
        except (TypeError, ValueError):
            sig = None
        # NOTE: keyword-only parameters are positions of self.fn (_keywords_as_positions)
        plain = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                 inspect.Parameter.KEYWORD_ONLY)
        if sig is None or any(p.kind not in plain for p in sig.parameters.values()):
            if not kwargs:
                return args     # NOTE: nothing to bind by; _split names the static argument left out
            raise TypeError(f"compiled function {self.__name__} got keyword arguments {sorted(kwargs)}; it takes "
                            "them only when its own parameters are named ones (no *args or **kwargs): pass "
                            "them positionally")
        try:
            bound = sig.bind(*args, **kwargs)
        except TypeError as e:
            static = f" (static_argnums={self.static_argnums})" if self.static_argnums else ""
            raise TypeError(f"{self.__name__}(): {e}{static}") from None
        names = list(sig.parameters)
        last = max([names.index(n) for n in bound.arguments] + [i for i in self.static_argnums if i < len(names)])
        bound.apply_defaults()
        return tuple(bound.arguments[n] for n in names[:last + 1])

    def _call(self, args, kwargs):
        if kwargs or len(args) < self._bind_below:
            args = self._positional(args, kwargs)
        # NOTE: the hot path: flat arguments whose signature compiled before cost one tuple and one lookup.
        flat = _flat_signature(args) if not self.static_argnums else None
        entry = self._flat_cache.get(flat) if flat is not None else None
        if entry is not None:
            return entry.call(*args) if entry.single else pytree.unflatten(entry.out_tree, entry.call(*args))
        leaves_all, _ = pytree.flatten(list(args))
        if any(isinstance(x, Var) for x in leaves_all):
            return self.fn(*args)  # inside another trace: inline, the outer compile fuses it
        key, dyn, static, leaves = self._key(args)
        if key in self._specialize:
            key = key + (tuple(np.shape(x) for x in leaves),)
        entry = self._cache.get(key)
        if entry is None:
            entry, key = self._build(key, dyn, static, leaves)
        if flat is not None and len(key) == 3:
            self._flat_cache[flat] = entry
        # NOTE: the inline tests know the built-in containers only; a registered class takes the general path
        if len(key) == 3 and not self.static_argnums and self._profile is None \
                and len(self._inline_calls) < INLINE_SIGNATURES \
                and not pytree.has_custom_nodes(key[0]) and not pytree.has_custom_nodes(entry.out_tree):
            patterns = signature_patterns(key[0], leaves)
            if patterns is not None and all(p != patterns for p, _, _ in self._inline_calls):
                self._inline_calls.append((patterns, entry.call, entry.out_tree))
                self._serve_signatures()
        outs, _ = entry.exe(*leaves)
        return pytree.unflatten(entry.out_tree, outs)

    def _build(self, key, dyn, static, leaves):
        with self._lock:
            if len(key) == 3 and key in self._specialize:
                # NOTE: another thread specialized this signature while we waited for the lock.
                key = key + (tuple(np.shape(x) for x in leaves),)
            entry = self._cache.get(key)
            if entry is not None:
                return entry, key
            concrete = len(key) == 4
            t0 = perf_counter()

            def body(*dyn_args):
                return self.fn(*self._merge(dyn_args, static))

            prints = []
            try:
                inputs, outputs, out_tree = trace(body, dyn, concrete_shapes=concrete, prints=prints)
            except TracerBoolError:
                raise
            except ConcretizationError:
                if concrete:
                    raise
                self._specialize.add(key)
                key = key + (tuple(np.shape(x) for x in leaves),)
                inputs, outputs, out_tree = trace(body, dyn, concrete_shapes=True, prints=prints)
            graph = Graph(inputs, outputs + prints)
            profile = None
            if config.profile:
                if self._profile is None:
                    from .profile import new_profile
                    self._profile = new_profile(self.__name__)
                    self._serve_all_generally()  # NOTE: from now on every call is timed
                profile = self._profile
                profile.add_compile(trace_s=perf_counter() - t0)
            exe = build_executable(graph, self.device, self.mode, self.options, profile=profile)
            entry = _Entry(exe, out_tree, graph, len(prints))
            if isinstance(exe, TieredExecutable):
                exe.when_compiled(lambda compiled: self._upgrade(entry, compiled))
            self._cache[key] = entry
            return entry, key

    def _upgrade(self, entry, exe):
        """Point ``entry`` and the inline tests that call it at ``exe``, the compiled form of its tiered
        executable (``runtime/tiered.py``)."""
        before = entry.call
        entry.__init__(exe, entry.out_tree, entry.graph, entry.prints)
        if any(call is before for _, call, _ in self._inline_calls):
            self._inline_calls[:] = [(p, entry.call if call is before else call, tree)
                                     for p, call, tree in self._inline_calls]
            self._serve_signatures()

    def _entry_for(self, args):
        if not args and self._cache and (self.static_argnums or self._key(())[0] not in self._cache):
            # NOTE: ``f.source()`` after calls with arguments: the signature compiled, when there is one
            if len(self._cache) == 1:
                return next(iter(self._cache.values()))
            raise TypeError(f"{self.__name__} has {len(self._cache)} compiled signatures: pass example "
                            "arguments to .graph/.optimized_graph/.source to choose one")
        key, dyn, static, leaves = self._key(args)
        if key in self._specialize:
            key = key + (tuple(np.shape(x) for x in leaves),)
        entry = self._cache.get(key)
        if entry is None:
            entry, _ = self._build(key, dyn, static, leaves)
        return entry

    def graph(self, *args):
        """The traced (unoptimized) graph for these arguments' signature."""
        return self._entry_for(args).graph

    def optimized_graph(self, *args):
        return self._entry_for(args).exe.graph

    def source(self, *args):
        """The generated code (or interpreter listing) that runs for these arguments' signature."""
        return self._entry_for(args).exe.source

    def __repr__(self):
        return f"<jaxlike.compile of {self.__name__}: {len(self._cache)} signature(s) compiled>"


def compile(fn=None, *, static_argnums=(), device=None, mode=None, options=None):
    """Compile ``fn`` (use as ``@compile`` or ``@compile(static_argnums=...)``). ``options`` go to the backend
    (``device='cuda', options={"outputs": "device"}`` returns GPU arrays). The result is a function: call it
    like ``fn``; ``.graph(*args)``, ``.optimized_graph(*args)`` and ``.source(*args)`` show the traced graph,
    the optimized one and the generated code for that signature (without arguments: the one signature
    compiled so far; ``._compiled`` holds the state).

    >>> f = compile(lambda x: (x * 2.0).sum())
    >>> float(f(np.ones(3)))
    6.0
    """
    if fn is None:
        return lambda f: Compiled(f, static_argnums, device, mode, options).function
    return Compiled(fn, static_argnums, device, mode, options).function


# -- JAX's switches over every compiled function ----------------------------------------------------------------
_LIVE = weakref.WeakSet()   # every Compiled still referenced
_JIT_DISABLED = [config.disable_jit]


def _on_disable_jit(value):
    _JIT_DISABLED[0] = value
    for c in list(_LIVE):
        c._jit_switched(value)


config_on_change("disable_jit", _on_disable_jit)


class disable_jit:
    """``with disable_jit():`` compiled functions run their Python op by op on concrete values, as in JAX:
    prints show values, Python control flow on values works, and nothing compiles (the ``disable_jit``
    flag, restored on exit). Transformations (grad, vmap) still trace."""

    def __init__(self, disable=True):
        self.disable = bool(disable)

    def __enter__(self):
        self.before = config.disable_jit
        config.disable_jit = self.disable
        return self

    def __exit__(self, *exc):
        config.disable_jit = self.before


def clear_caches():
    """Forget every compiled signature in memory (JAX's ``clear_caches``); the on-disk cache stays, so the
    next calls load from it rather than compile again."""
    for c in list(_LIVE):
        c._clear()

