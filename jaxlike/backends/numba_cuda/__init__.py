"""The numba.cuda GPU backend: ``compile(graph, options) -> Executable``.

Pipeline: ``codegen.Program`` turns the optimized (fused) graph into steps and one generated module (the
``@cuda.jit`` kernels of ``kernels`` and a straight-line host launcher); kernels are compiled once per distinct
source for the whole process; each call converts its arguments to flat device buffers (``arrays``), looks up
the plan for its input shapes (built on the first call with those shapes) and runs the launcher.

State (the Theano front end's shared variables) stays on the device: an update's new value is written in
place into the state argument's device buffer and that buffer is returned, as a device array, as the update
value. The caller stores it and passes it back on the next call, which then uses it without a copy, so a
training loop moves nothing between host and device per step but its batches and the outputs it asks for;
``np.asarray`` on a stored device array (``get_value``) copies it to the host. A state argument given as a
numpy array is uploaded for that call and comes back as a device array the same way.

Results are numpy arrays unless ``options={"outputs": "device"}``, which returns numba device arrays
(``__cuda_array_interface__``) so chained calls stay on the GPU. Arguments may be numpy arrays, Python
scalars, numba device arrays or any ``__cuda_array_interface__`` object (CuPy, PyTorch), used in place.

Without a GPU (no driver, no device) ``compile`` raises RuntimeError saying why; without numba-cuda this
module raises ImportError naming the package. ``NUMBA_ENABLE_CUDASIM=1`` runs everything in numba's CUDA
simulator (tests): tiny launch shapes there, and ``math`` is replaced by a version that returns inf/nan
where Python's raises, as compiled code does. Imports core, ops and numba.cuda.
"""

import builtins
import cmath
import linecache
import math
import threading

import numpy as np

from ...core.errors import where, IndexOutOfRange
from ..base import Executable
from .compat import import_cuda, is_simulator, device_problem
from .arrays import Arrays, Pool
from . import kernels as K
from .codegen import Program, build_plan, index_uses
from .host_counts import HostCounts
from .indexing import ERR_NEGATIVE_POWER
from .lowering import cupy_available

cuda = import_cuda()
import numba  # noqa: E402  (after the numpy shim in import_cuda)

SIMULATOR = is_simulator(cuda)


class _QuietMath:
    """``math`` for kernels run by the simulator: numpy's IEEE results (inf, nan) where Python's math raises
    (exp overflow, log(0), sin(inf)...), so simulated kernels agree with compiled ones on special values."""

    inf, nan, pi, e, tau = math.inf, math.nan, math.pi, math.e, math.tau

    def __getattr__(self, name):
        return getattr(math, name)


def _quiet(fn):
    def run(*args):
        with np.errstate(all="ignore"):
            return fn(*args)
    return staticmethod(run)


for _name, _np in [("exp", np.exp), ("expm1", np.expm1), ("log", np.log), ("log1p", np.log1p),
                   ("log2", np.log2), ("log10", np.log10), ("sqrt", np.sqrt), ("sin", np.sin), ("cos", np.cos),
                   ("tan", np.tan), ("asin", np.arcsin), ("acos", np.arccos), ("atan", np.arctan),
                   ("sinh", np.sinh), ("cosh", np.cosh), ("tanh", np.tanh), ("asinh", np.arcsinh),
                   ("acosh", np.arccosh), ("atanh", np.arctanh), ("atan2", np.arctan2), ("pow", np.power),
                   ("copysign", np.copysign), ("fabs", np.fabs), ("hypot", np.hypot), ("isnan", np.isnan),
                   ("isinf", np.isinf), ("isfinite", np.isfinite), ("fmod", np.fmod)]:
    setattr(_QuietMath, _name, _quiet(_np))


class _QuietCmath:
    """``cmath`` for simulated kernels: numpy's complex functions, which return inf/nan where cmath raises."""

    def __getattr__(self, name):
        return getattr(cmath, name)


for _name, _np in [("exp", np.exp), ("log", np.log), ("sqrt", np.sqrt), ("sin", np.sin), ("cos", np.cos),
                   ("tan", np.tan), ("asin", np.arcsin), ("acos", np.arccos), ("atan", np.arctan),
                   ("sinh", np.sinh), ("cosh", np.cosh), ("tanh", np.tanh), ("asinh", np.arcsinh),
                   ("acosh", np.arccosh), ("atanh", np.arctanh)]:
    setattr(_QuietCmath, _name, _quiet(lambda z, _f=_np: _f(np.complex128(z))))


# NOTE: simulated kernels do scalar arithmetic on numpy scalars, which warns on overflow and 0/0 where compiled
# kernels silently give IEEE inf/nan. Each simulated thread is a fresh Python thread (numpy's error state is
# not inherited), so the kernel itself is wrapped; the wrapper lives in the kernel's globals, which the
# simulator swaps `cuda` in.
_SIM_WRAPPER = """
def {name}__quiet(*args):
    with __errstate(all="ignore"):
        return {name}(*args)
"""


def _namespace():
    ns = {"math": _QuietMath() if SIMULATOR else math, "cmath": _QuietCmath() if SIMULATOR else cmath,
          "numba": numba, "cuda": cuda,
          "__errstate": np.errstate}
    for name, short in K.CAST.items():
        if short != "bool":
            ns[short] = getattr(numba.types, name)
    return ns


_KERNELS = {}
_KERNELS_LOCK = threading.Lock()


def _jit(spec):
    """The compiled kernel for a spec's source; identical sources (any graph, any call) share one."""
    key = spec.source.replace(spec.name, "KERNEL")
    with _KERNELS_LOCK:
        hit = _KERNELS.get(key)
        if hit is None:
            filename = f"<jaxlike-cuda {spec.name} #{len(_KERNELS)}>"
            linecache.cache[filename] = (len(spec.source), None, spec.source.splitlines(True), filename)
            ns = _namespace()
            source = spec.source + (_SIM_WRAPPER.format(name=spec.name) if SIMULATOR else "")
            exec(builtins.compile(source, filename, "exec"), ns)  # noqa: S102 - our own generated source
            hit = _KERNELS[key] = cuda.jit(ns[spec.name + "__quiet" if SIMULATOR else spec.name])
    return hit


class Config:
    """Launch policy and options for one compiled graph."""

    def __init__(self, options):
        options = dict(options or {})
        self.outputs = options.get("outputs", "host")
        if self.outputs not in ("host", "device"):
            raise ValueError(f"numba_cuda option outputs must be 'host' or 'device', got {self.outputs!r}")
        gemm = options.get("gemm", "auto")
        if gemm not in ("auto", "cupy", "kernel"):
            raise ValueError(f"numba_cuda option gemm must be 'auto', 'cupy' or 'kernel', got {gemm!r}")
        if gemm == "cupy" and not cupy_available():
            raise RuntimeError("numba_cuda option gemm='cupy' needs CuPy, which does not import here "
                               "(pip install cupy-cuda12x)")
        self.use_cupy = gemm == "cupy" or (gemm == "auto" and not SIMULATOR and cupy_available())
        # NOTE: the simulator runs every thread as a Python thread: tiny blocks and grids keep tests fast and
        # make every grid-stride loop and split reduction take more than one trip.
        sms = 2 if SIMULATOR else _multiprocessors()
        self.threads = int(options.get("threads", 32 if SIMULATOR else 256))
        if self.threads < 2 or self.threads & (self.threads - 1):
            raise ValueError(f"numba_cuda option threads must be a power of two >= 2, got {self.threads}")
        self.max_blocks = int(options.get("max_blocks", 2 if SIMULATOR else 32 * sms))
        self.target_blocks = int(options.get("target_blocks", 2 if SIMULATOR else 4 * sms))
        self.min_per_thread = int(options.get("min_per_thread", 1 if SIMULATOR else 8))
        self.tile = int(options.get("tile", 4 if SIMULATOR else 16))
        # a reduction runs one thread per output element when its axes are short or it has outputs enough
        # to fill the device that way; otherwise blocks share each output element
        self.serial_k = int(options.get("serial_k", 32))
        self.serial_m = int(options.get("serial_m", self.threads * self.target_blocks))
        self.arrays = _ARRAYS


def _multiprocessors():
    try:
        return int(cuda.get_current_device().MULTIPROCESSOR_COUNT)
    except Exception:  # noqa: BLE001 - a conservative default if the attribute is unavailable
        return 80


_ARRAYS = Arrays(cuda, SIMULATOR)


def _copy_kernel(rank):
    spec = K.KernelSpec("fixed", f"copy{rank}", K.strided_copy_source(f"copy{rank}", rank), [], [], [])
    return _jit(spec)


def _strided_copy(src, dst):
    n = dst.size
    if SIMULATOR:
        dst.copy_to_device(np.ascontiguousarray(np.asarray(src._ary)).reshape(-1))
        return
    _copy_kernel(len(src.shape))[max(1, min(-(-n // 256), 1024)), 256](src, dst, n)


def compile(graph, options=None):
    """Compile ``graph`` for the GPU. See the module docstring for the calling convention."""
    problem = device_problem(cuda)
    if problem is not None:
        raise RuntimeError(f"device='cuda' was requested but {problem}. Run on a machine with an NVIDIA GPU "
                           "and driver, use device='cpu', or set NUMBA_ENABLE_CUDASIM=1 to use numba's "
                           "(slow) CUDA simulator.")
    counts = HostCounts(graph)
    cfg = Config(options)
    program = Program(graph, cfg)
    launcher_src = program.launcher_source()
    for spec in program.specs:
        spec.compiled = _jit(spec)
        if spec.finish is not None:
            spec.finish.compiled = _jit(spec.finish)
            spec.serial.compiled = _jit(spec.serial)
    filename = f"<jaxlike-cuda launcher {id(program)}>"
    linecache.cache[filename] = (len(launcher_src), None, launcher_src.splitlines(True), filename)
    ns = {}
    exec(builtins.compile(launcher_src, filename, "exec"), ns)  # noqa: S102 - our own generated source
    return _Runner(program, ns["launch"], cfg, counts).executable()


class _Runner:
    """The per-call path: arguments -> flat device buffers, plan lookup, launch, results and updates."""

    def __init__(self, program, launch, cfg, counts):
        self.program, self.launch, self.cfg, self.counts = program, launch, cfg, counts
        g = program.graph
        self.graph = g
        self.arrays = cfg.arrays
        self.pool = Pool(self.arrays)
        self.plans = {}
        self.consts = tuple(self.arrays.upload(np.asarray(c.value)) for c in program.consts)
        self.uses_error = any(k.uses_error for s in program.steps for k in s.kernels)
        self.err = self.arrays.upload(np.zeros(1, np.int32))
        pos = {v._id: k for k, v in enumerate(g.inputs)}
        self.state_pos = [pos[s._id] for s, _ in g.updates]
        self.out_dtypes = [o.dtype for o in g.outputs]
        self.owned_outs = [k for k, v in enumerate(g.outputs) if program.plan_owned(v)]
        self.owned_ups = [k for k, (_, u) in enumerate(g.updates) if program.plan_owned(u)]
        self.lock = threading.Lock()
        self.names = [f"argument {k}" + (f" ({v.name})" if v.name else "") for k, v in enumerate(g.inputs)]

    def executable(self):
        src = self.program.module_source()
        exe = Executable(self.run, src, self.graph, "numba_cuda")
        exe.device_outputs = self.cfg.outputs == "device"
        return exe

    def run(self, *args):
        g = self.graph
        if len(args) != len(g.inputs):
            raise TypeError(f"compiled graph takes {len(g.inputs)} arguments, got {len(args)}")
        with self.lock:  # NOTE: the pool and the error flag are per executable; calls do not interleave
            flats, shapes, uploaded = [], [], []
            for k, (x, v) in enumerate(zip(args, g.inputs)):
                buf, shape, up = self.arrays.flat_input(x, v, self.names[k], _strided_copy, self.pool)
                flats.append(buf)
                shapes.append(shape)
                uploaded.append(up)
            lengths = self.counts.values(args, shapes, lambda k: self.arrays.to_host(flats[k], (),
                                                                                     g.inputs[k].dtype))
            key = tuple(shapes) + ((tuple(sorted(lengths.items())),) if lengths else ())
            plan = self.plans.get(key)
            if plan is None:
                plan = self.plans[key] = build_plan(self.program, shapes, lengths)
            outs, ups = self.launch(plan.S, self.pool.take, self.pool.give, self.err, self.consts, *flats)
            if self.uses_error:
                self._check_error(flats, plan)
            return self._finish(flats, uploaded, plan, outs, ups)

    def _check_error(self, flats, plan):
        flag = self.err.copy_to_host()
        if flag[0]:
            self.err.copy_to_device(np.zeros(1, np.int32))
            if flag[0] == ERR_NEGATIVE_POWER:
                raise ValueError("pow: integers to negative integer powers are not allowed")
            culprit = self._index_culprit(flats, plan)
            if culprit is not None:
                # NOTE: the CPU backend's error, word for word, so code catching it works on either device
                raise IndexOutOfRange("{}: index {} is out of bounds for axis {} with size {}", *culprit)
            names = sorted({s.node.prim.name for s in self.program.steps if any(k.uses_error for k in s.kernels)})
            raise IndexOutOfRange(f"index out of bounds in {', '.join(names)} (an index is >= the axis size or "
                                  "< -size)")

    def _index_culprit(self, flats, plan):
        """(op and line, index, axis, size) of the first out-of-range index an argument or constant holds;
        None when the flagged index was computed on the device."""
        pos = {v._id: k for k, v in enumerate(self.graph.inputs)}
        for step in self.program.steps:
            for node, idx, sized, axis in index_uses(step):
                if idx is None or not (idx.is_const or idx._id in pos):
                    continue
                shape = plan.env.shape(idx)
                host = np.asarray(idx.value) if idx.is_const else \
                    self.arrays.to_host(flats[pos[idx._id]], shape, idx.dtype)
                n = plan.env.shape(sized)[axis]
                bad = host[(host < -n) | (host >= n)]
                if bad.size:
                    return f"{node.prim.name}{where(node.source)}", int(bad.reshape(-1)[0]), axis, n
        return None

    def _finish(self, flats, uploaded, plan, outs, ups):
        arrays, pool = self.arrays, self.pool
        inputs = {id(b) for b in flats}
        # NOTE: buffers the plan or the executable keep across calls are treated alike: copied, never pooled
        consts = {id(c) for c in self.consts} | {id(outs[k]) for k in self.owned_outs} \
            | {id(ups[k]) for k in self.owned_ups}
        device = self.cfg.outputs == "device"
        states = {id(flats[p]) for p in self.state_pos}
        results = []
        for buf, shape, dt in zip(outs, plan.out_shapes, self.out_dtypes):
            if device:
                if id(buf) in states or id(buf) in consts:
                    copy = pool.take((buf.size, np.dtype(dt).str))
                    copy.copy_to_device(buf)
                    buf = copy
                results.append(arrays.view(buf, shape))
            else:
                results.append(arrays.to_host(buf, shape, dt))
        # updates: snapshot values that live in an argument's buffer (a swap must read the old values)
        values = []
        for buf in ups:
            if id(buf) in inputs or id(buf) in consts:
                snap = pool.take((buf.size, np.dtype(buf.dtype).str))
                snap.copy_to_device(buf)
                values.append(snap)
            else:
                values.append(buf)
        new_state = []
        for p, buf, shape in zip(self.state_pos, values, plan.state_shapes):
            target = flats[p]
            if buf is not target and buf.size != target.size:
                # NOTE: an update that grows or shrinks its state (appending to a history) cannot be written in
                # place; the new value gets a buffer of its own, which no pool or output shares
                target = pool.take((buf.size, np.dtype(buf.dtype).str))
            if buf is not target and buf.size:
                target.copy_to_device(buf)
            new_state.append(arrays.view(target, shape))
        kept = {id(flats[p]) for p in self.state_pos}
        if device:
            kept |= {id(b) for b in outs}
        for buf in list(outs) + values:
            if id(buf) not in kept and id(buf) not in inputs and id(buf) not in consts:
                pool.give(buf)
                kept.add(id(buf))
        for buf, up in zip(flats, uploaded):
            if up and id(buf) not in kept:
                pool.give(buf)
        return results, new_state
