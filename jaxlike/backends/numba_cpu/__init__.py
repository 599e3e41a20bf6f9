"""The Numba CPU backend: ``compile(graph, options) -> Executable``.

A graph (normally already fused by ``passes/fuse.py``) becomes ONE generated Python module with ONE
``@njit`` entry (``codegen.py``): fused loop nests (``loops.py``), BLAS and bounds-checked gather/scatter
(``lowering.py``), all called from the entry with no Python in between. The module is written to the disk
cache and imported from there (``build.py``), so numba's ``cache=True`` lets a later process skip
compilation. ``Executable.source`` is the module text. Imports numpy, numba, config, core and ops only.

Options: ``fastmath`` (default False); ``parallel`` (True, False or "auto", the default: ``prange`` variants
of large loops when numba runs at least 4 threads, and with at least 2 the chunked form of sin/cos kernels,
``simd.chunked``); ``profile`` (default False: time every kernel of the entry, see
``NumbaExecutable.kernel_timers``); ``par_threshold`` (elements from which a kernel runs its ``prange`` variant;
default 32768); ``cache`` (default True: use the disk cache in ``config.cache_dir``); ``cache_dir``;
``release_gil`` (default True: the entry runs without the GIL, so other Python threads run meanwhile, as JAX's
compiled functions let them; releasing and taking it back cost ~45 ns a call, 5% of the seed XOR step, and
``jaxlike.function`` passes False, as Theano's functions held it).

Memory: every call allocates its intermediates afresh (numpy arrays), and glibc's malloc returns freed blocks
of a few MB to the OS at once, so the next call takes page faults and has the kernel zero those pages again:
on the W3 benchmark (a dozen 4 MB intermediates per step) that was 15 of 60 ms. On first use this backend
asks glibc to keep freed memory for reuse (``mallopt``: blocks up to 32 MB from the heap, no trimming below
512 MB free); the process's resident size then stays at its high-water mark, as with the caching allocators
of other array libraries. ``config.keep_freed_memory = False`` (before the first compile) leaves malloc alone.

Why "auto": a ``prange`` variant costs about three times the compile time of the serial loop it doubles
(measured: 0.07 s vs 0.23 s per kernel, idle), and on a 2-core machine shared with other processes it
gained nothing on the value-and-grad benchmark (and lost at 1e5 elements to thread contention), while on a
machine with free cores a compute-bound loop scales with them. The threshold keeps small calls, where
starting the threads costs more than the loop, serial. Kernels that evaluate sin/cos are the exception from
2 threads on: they are compute-bound and vectorized, and the chunked form calls the one compiled kernel per
chunk (W4: +0.5-0.8 s of compile, not 3x): W4 ran 2x faster on 2 threads (73 -> 39 ms). "auto" adds no
parallel form where numba's threading layer is workqueue (``threads_are_reentrant``): a program calling
compiled functions from several threads would abort; ``parallel=True`` still adds them.
"""

import ctypes
import sys
import threading
import warnings

import numpy as np

from . import blas_modules

blas_modules.preload()  # before numba's import, which would import all of scipy.linalg for these two
import numba  # noqa: E402,F401  (this import failing is how runtime knows to fall back to the reference)
from numba import types  # noqa: E402
from numba.core.errors import TypingError  # noqa: E402
from numba.core.runtime.nrt import MemInfo  # noqa: E402

from ...config import config  # noqa: E402
from ..base import DirectEntry, Executable  # noqa: E402
from . import build, codegen, support  # noqa: E402

DEFAULTS = {"fastmath": False, "parallel": "auto", "par_threshold": 32768, "cache": True, "release_gil": True}
MIN_THREADS_FOR_PARALLEL = 4


class NumbaExecutable(Executable):
    """An Executable that also knows its cache entry: ``key``, ``path``, ``module``, ``entry`` (the numba
    dispatcher) and ``written`` (whether the module file had to be written in this process)."""

    def __init__(self, run, source, graph, key, path, module, written):
        super().__init__(run, source, graph, "numba_cpu")
        self.key, self.path, self.module, self.written = key, path, module, written
        self.entry = module.entry
        # With the ``profile`` option: (per slot, the nodes it times or None for the updates; an array of
        # seconds the entry adds to on every call). The profiler reads and clears it after each call.
        self.kernel_timers = None

    def prepare(self, arrays):
        """Compile the entry for these arguments' types without running it (numba compiles on a dispatcher's
        first call; ``runtime/tiered.py`` has it done on its compile thread)."""
        with _COMPILE_LOCK:
            self.entry.compile(tuple(numba.typeof(a) for a in (*arrays, *self.direct.consts)))

    def cache_hits(self):
        """Signatures numba loaded from its disk cache instead of compiling (after at least one call)."""
        return sum(self.entry.stats.cache_hits.values())

    def cache_misses(self):
        return sum(self.entry.stats.cache_misses.values())


_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3   # glibc's mallopt parameter numbers
_MALLOC_TUNED = []


def keep_freed_memory(libc=None):
    """Ask glibc's malloc to keep freed blocks for reuse (see the module docstring); once per process, and
    only where the flag is on and the C library is glibc. Returns whether the settings were applied."""
    if _MALLOC_TUNED or not config.keep_freed_memory:
        return False
    _MALLOC_TUNED.append(True)
    if libc is None:
        if not sys.platform.startswith("linux"):
            return False
        try:
            libc = ctypes.CDLL(None)
            libc.gnu_get_libc_version  # noqa: B018  (glibc only: other C libraries ignore or lack mallopt)
        except (OSError, AttributeError):
            return False
    return bool(libc.mallopt(_M_MMAP_THRESHOLD, 32 << 20)) and bool(libc.mallopt(_M_TRIM_THRESHOLD, 512 << 20))


_REENTRANT = None


def threads_are_reentrant():
    """Whether numba's threading layer may be entered from several Python threads at once (tbb and omp may;
    with workqueue, chosen where neither library is installed, two threads calling one parallel kernel abort
    the process). Starts numba's threads, once per process, the first time a module has a parallel kernel."""
    global _REENTRANT
    if _REENTRANT is None:
        try:
            from numba.np.ufunc import parallel
            parallel._launch_threads()
            _REENTRANT = numba.threading_layer() != "workqueue"
        except Exception:   # NOTE: numba's private launcher moved: assume the unsafe layer
            _REENTRANT = False
    return _REENTRANT


# NOTE: the code generator's caches and the module files are not written for two threads at once; the
# compile thread of ``runtime/tiered.py`` and a caller's own compile can overlap
_COMPILE_LOCK = threading.RLock()


def compile(graph, options=None):
    """Compile ``graph`` to an Executable running generated Numba code (see the module docstring)."""
    with _COMPILE_LOCK:
        return _compile(graph, options)


def _compile(graph, options):
    keep_freed_memory()
    opts = dict(DEFAULTS)
    opts.update({k: v for k, v in (options or {}).items() if v is not None})
    threads = numba.config.NUMBA_NUM_THREADS
    auto = opts["parallel"] == "auto"
    opts["chunked"] = bool(opts["parallel"]) and threads >= 2
    if auto:
        opts["parallel"] = threads >= MIN_THREADS_FOR_PARALLEL
    try:
        mod_spec = codegen.generate(graph, opts)
        if auto and mod_spec.parallel and not threads_are_reentrant():
            opts["parallel"] = opts["chunked"] = False
            mod_spec = codegen.generate(graph, opts)
    except codegen.Unsupported as e:
        warnings.warn(f"numba_cpu cannot compile this graph ({e}); it runs on the reference interpreter",
                      stacklevel=3)
        from ..reference import compile as reference_compile
        return reference_compile(graph, options)
    module, key, path, written = codegen.load(mod_spec, opts)
    extra = tuple(mod_spec.const_args)
    timers = None
    if opts.get("profile"):
        timers = (list(mod_spec.timed), np.zeros(len(mod_spec.timed)))
        extra += (timers[1],)
    run = _runner(module.entry, extra, graph, mod_spec.in_place, mod_spec.bare)
    exe = NumbaExecutable(run, mod_spec.source, graph, key, path, module, written)
    exe.kernel_timers = timers
    numbers = {k: o.dtype for k, o in enumerate(graph.outputs) if o.ndim == 0}
    exe.direct = DirectEntry(module.entry, extra, numbers, mod_spec.in_place, (TypingError,),
                             lambda arrays: _explain(graph, arrays), mod_spec.bare, owned_base=MemInfo,
                             entry_point_for=lambda args, n: _entry_point_for(module.entry, args, n))
    return exe


def _entry_point_for(entry, args, n_inputs):
    """numba's compiled wrapper of ``entry`` for ``args`` with their first ``n_inputs`` arrays typed
    C-contiguous, aligned and writeable (see ``DirectEntry``), or None. The wrapper unboxes its arguments as
    its signature says without checking them: numba's dispatch, which it skips, is what checks them."""
    sig = []
    for k, a in enumerate(args):
        t = numba.typeof(a)
        if isinstance(t, types.Array):
            if k < n_inputs:
                t = types.Array(t.dtype, t.ndim, "C")
            elif t.layout != "C" or not t.mutable or not t.aligned:
                return None
        sig.append(t)
    compiled = entry.overloads.get(tuple(sig))
    return None if compiled is None else compiled.entry_point


def _runner(entry, consts, graph, in_place=(), bare=False):
    """The executable's run function. The happy path is the njit dispatcher call plus one Python frame; the
    argument checks in ``_explain`` run only when numba cannot type the arguments (wrong rank, dtype or a
    non-array), to say which and why. The entry returns rank-0 outputs as numbers (they become 0-d arrays
    here) and leaves out the states it wrote in place (``in_place``: the caller's arrays go back instead)."""
    scalars = tuple((k, o.dtype) for k, o in enumerate(graph.outputs) if o.ndim == 0)
    n_ups = len(graph.updates)
    layout = None
    if in_place:
        src = dict(in_place)
        returned = iter(range(n_ups))
        layout = tuple((True, src[k]) if k in src else (False, next(returned)) for k in range(n_ups))

    def direct(*arrays):
        try:
            return entry(*arrays, *consts)
        except TypingError:
            _explain(graph, arrays)
            raise

    # NOTE: the two common shapes get their own closures, so the hot path is one Python frame
    if not scalars and layout is None:
        return direct
    if len(graph.outputs) == 1 and scalars and layout is None:
        dtype = scalars[0][1]

        def run(*arrays):
            try:
                outs, ups = entry(*arrays, *consts)
            except TypingError:
                _explain(graph, arrays)
                raise
            return (np.array(outs[0], dtype),), ups

        def run_bare(*arrays):
            try:
                out = entry(*arrays, *consts)
            except TypingError:
                _explain(graph, arrays)
                raise
            return (np.array(out, dtype),), ()
        return run_bare if bare else run

    def run(*arrays):
        outs, ups = ((direct(*arrays),), ()) if bare else direct(*arrays)
        if scalars:
            outs = list(outs)
            for k, dtype in scalars:
                outs[k] = np.array(outs[k], dtype)
        if layout is not None:
            ups = [arrays[i] if given else ups[i] for given, i in layout]
        return outs, ups
    return run


def _explain(graph, arrays):
    if len(arrays) != len(graph.inputs):
        raise TypeError(f"expected {len(graph.inputs)} arguments, got {len(arrays)}") from None
    for k, (v, a) in enumerate(zip(graph.inputs, arrays)):
        arr = np.asarray(a)
        if v.ndim == 0:
            if arr.ndim != 0 or arr.dtype.kind not in "biufc":
                raise TypeError(f"argument {k} ({v.type!r}): expected a scalar, got {type(a).__name__} "
                                f"of shape {arr.shape}") from None
            continue
        if not isinstance(a, np.ndarray) or arr.ndim != v.ndim or arr.dtype != v.dtype:
            got = f"{arr.dtype} array of shape {arr.shape}" if isinstance(a, np.ndarray) else type(a).__name__
            raise TypeError(f"argument {k}: expected a {v.dtype} array of rank {v.ndim} ({v.type!r}), "
                            f"got {got}") from None


__all__ = ["compile", "NumbaExecutable", "DEFAULTS"]
