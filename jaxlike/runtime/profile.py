"""The profiler (``jaxlike.config.profile = True``, ``JAXLIKE_FLAGS=profile=True``): per compiled function,
the call count, total and mean time per call, how much of it runs inside the executable and how much is
dispatch (flattening arguments, the signature lookup, unflattening results), trace and compile time, and the
bytes moved (input plus output ``nbytes`` per call). The first run of each signature is counted apart: a
backend that compiles lazily (numba JIT on first call) spends its compile time there, and folding it into the
mean would hide the steady-state cost. Per kernel: numba_cpu compiles the entry with timers between its
kernels (``exe.kernel_timers``); a backend that exposes per-kernel steps (``exe.steps``, protocol in
``runtime/debug.py``) runs each call kernel by kernel under timers; either way the report lists every
kernel's calls and time.

The table prints to stderr at interpreter exit and on ``jaxlike.profile.report()``, which also returns it:
a ``str`` whose ``_repr_html_`` renders an HTML table in notebooks.

A front end that owns a compiled function creates one ``FunctionProfile`` for it (``new_profile(name)``),
passes it to ``build_executable(..., profile=...)`` for every signature it compiles, and routes calls through
``profile.time_call`` so dispatch can be told apart from executable time. Imports core and backends.base.
"""

import atexit
import html
import sys
import threading
from time import perf_counter

import numpy as np

from ..backends.base import Executable

_PROFILES = []
_REGISTRY_LOCK = threading.Lock()
_ATEXIT = []
_LAST = threading.local()  # executable seconds of this thread's latest call, for dispatch = total - exe


class FunctionProfile:
    """Counters for one compiled function (all its signatures). Updated under a lock: calls may come from
    several threads at once."""

    def __init__(self, name):
        self.name = name
        self.calls = 0              # executable runs
        self.exe_time = 0.0         # ... of the runs after each signature's first
        self.first_calls = 0        # first run of each signature: where lazy (JIT) backends compile
        self.first_time = 0.0
        self.front_calls = 0        # calls timed end to end through the front end
        self.front_time = 0.0
        self.dispatch_time = 0.0    # front_time minus the executable time inside those calls
        self.trace_time = 0.0
        self.compile_time = 0.0     # optimize + backend compile
        self.compiles = 0
        self.bytes = 0
        self.kernels = {}           # label -> [calls, seconds]
        self._lock = threading.Lock()

    # -- recording ------------------------------------------------------------------------------------
    def add_compile(self, trace_s=0.0, compile_s=0.0):
        with self._lock:
            self.trace_time += trace_s
            self.compile_time += compile_s
            self.compiles += 1 if compile_s else 0

    def _add_run(self, seconds, nbytes, first=False):
        with self._lock:
            self.calls += 1
            self.bytes += nbytes
            if first:
                self.first_calls += 1
                self.first_time += seconds
            else:
                self.exe_time += seconds

    def _add_kernel(self, label, seconds):
        with self._lock:
            rec = self.kernels.setdefault(label, [0, 0.0])
            rec[0] += 1
            rec[1] += seconds

    def time_call(self, fn, *args):
        """Run a front-end call ``fn(*args)`` and charge its wall time, split into executable and dispatch."""
        _LAST.exe = 0.0
        t0 = perf_counter()
        try:
            return fn(*args)
        finally:
            total = perf_counter() - t0
            with self._lock:
                self.front_calls += 1
                self.front_time += total
                self.dispatch_time += max(0.0, total - _LAST.exe)

    def reset(self):
        with self._lock:
            self.calls = self.front_calls = self.compiles = self.bytes = self.first_calls = 0
            self.exe_time = self.front_time = self.dispatch_time = self.trace_time = self.compile_time = 0.0
            self.first_time = 0.0
            self.kernels = {}

    # -- reading --------------------------------------------------------------------------------------
    def row(self):
        with self._lock:
            calls, steady = self.calls, self.calls - self.first_calls
            return {
                "function": self.name,
                "calls": calls,
                "total_s": self.first_time + self.exe_time + self.dispatch_time,
                "first_s": self.first_time,
                "mean_us": 1e6 * (self.exe_time + self.dispatch_time) / steady if steady else None,
                "exe_s": self.exe_time,
                "dispatch_us": 1e6 * self.dispatch_time / self.front_calls if self.front_calls else None,
                "trace_s": self.trace_time,
                "compile_s": self.compile_time,
                "signatures": self.compiles,
                "mb_moved": self.bytes / 1e6,
                "kernels": sorted(((k, n, t) for k, (n, t) in self.kernels.items()), key=lambda r: -r[2]),
            }

    def __repr__(self):
        r = self.row()
        return f"<profile {self.name}: {r['calls']} calls, {r['total_s']:.6f}s>"

    def summary(self, file=None, n_ops_to_print=None, n_apply_to_print=None):
        """Theano's ``f.profile.summary()``: this function's row of the report, printed to ``file`` (default
        stdout; False prints nothing) and returned. The ``n_*_to_print`` limits are accepted and unused."""
        rows = [self.row()]
        text = ProfileReport(_format(rows))
        text.rows = rows
        if file is not False:
            print(text, file=file if file is not None else sys.stdout)
        return text


def new_profile(name):
    """Create and register the profile of one compiled function; the report lists it from now on."""
    prof = FunctionProfile(name)
    with _REGISTRY_LOCK:
        _PROFILES.append(prof)
        if not _ATEXIT:
            _ATEXIT.append(True)
            atexit.register(_report_at_exit)
    return prof


def profiles():
    with _REGISTRY_LOCK:
        return list(_PROFILES)


def _nbytes(a):
    n = getattr(a, "nbytes", None)
    return int(n) if n is not None else np.asarray(a).nbytes


def _kernel_labels(graph):
    from .debug import node_names
    names = node_names(graph)
    labels = {}
    for v in graph.eqns():
        inner = [b.prim.name for _, body in v.attrs if hasattr(body, "eqns") for b in body.eqns()]
        what = v.prim.name + (f"[{','.join(dict.fromkeys(inner))}]" if inner else "")
        labels[v._id] = f"{names[v._id]} = {what}"
    return labels


def profiled(exe, profile=None, name=None, compile_time=0.0):
    """Wrap ``exe`` so each run is timed into ``profile`` (created and registered when None, named ``name``
    or after the graph's inputs)."""
    if profile is None:
        label = name or "graph(" + ", ".join(v.name or "?" for v in exe.graph.inputs) + ")"
        profile = new_profile(label)
    profile.add_compile(compile_s=compile_time)
    steps = getattr(exe, "steps", None)
    timers = getattr(exe, "kernel_timers", None)

    if timers:
        labels = _kernel_labels(exe.graph)
        slots, seconds = timers
        names = ["updates (written in place)" if nodes is None else
                 " + ".join(labels.get(v._id, v.prim.name) for v in nodes) for nodes in slots]

        def execute(arrays):
            # NOTE: the entry times itself (numba_cpu's profile option) and adds into ``seconds``; calls from
            # several threads at once may mix their kernel times, never the per-call totals.
            outs, ups = exe.run(*arrays)
            for label, t in zip(names, seconds):
                profile._add_kernel(label, float(t))
            seconds[:] = 0.0
            return outs, ups
    elif steps:
        from .debug import run_steps
        labels = _kernel_labels(exe.graph)

        def timed(v, fn, ins, sizes):
            t = perf_counter()
            out = fn(ins, sizes)
            profile._add_kernel(labels.get(v._id, v.prim.name), perf_counter() - t)
            return out

        def execute(arrays):
            outs, ups, _ = run_steps(exe, arrays, timed)
            return outs, ups
    else:
        def execute(arrays):
            return exe.run(*arrays)

    pending_first = [True]

    def run(*arrays):
        t0 = perf_counter()
        outs, ups = execute(arrays)
        dt = perf_counter() - t0
        _LAST.exe = getattr(_LAST, "exe", 0.0) + dt
        try:
            first = pending_first.pop()  # NOTE: list.pop is atomic: exactly one thread sees the first run
        except IndexError:
            first = False
        profile._add_run(dt, sum(_nbytes(a) for a in arrays) + sum(_nbytes(o) for o in outs)
                         + sum(_nbytes(u) for u in ups), first)
        return outs, ups

    out = Executable(run, exe.source, exe.graph, exe.backend)
    out.inner = exe
    out.profile = profile
    return out


# -- the report ------------------------------------------------------------------------------------------
_COLUMNS = [("function", "function", "{}"), ("calls", "calls", "{:d}"), ("total_s", "total s", "{:.6f}"),
            ("first_s", "first calls s", "{:.4f}"), ("mean_us", "mean us/call", "{:.1f}"),
            ("exe_s", "in executable s", "{:.6f}"),
            ("dispatch_us", "dispatch us/call", "{:.1f}"), ("trace_s", "trace s", "{:.4f}"),
            ("compile_s", "compile s", "{:.4f}"), ("signatures", "signatures", "{:d}"),
            ("mb_moved", "MB moved", "{:.3f}")]


def _cell(fmt, value):
    return "-" if value is None else fmt.format(value)


class ProfileReport(str):
    """The report text; in a notebook it displays as an HTML table."""

    def _repr_html_(self):
        head = "".join(f"<th>{html.escape(h)}</th>" for _, h, _ in _COLUMNS)
        body = []
        for r in self.rows:
            body.append("<tr>" + "".join(f"<td>{html.escape(_cell(f, r[k]))}</td>" for k, _, f in _COLUMNS)
                        + "</tr>")
            for label, n, t in r["kernels"]:
                body.append(f"<tr><td colspan='2'>&nbsp;&nbsp;{html.escape(label)}</td><td>{n}</td>"
                            f"<td>{t:.6f}</td><td colspan='{len(_COLUMNS) - 4}'></td></tr>")
        if not self.rows:
            body.append(f"<tr><td colspan='{len(_COLUMNS)}'>no profiled calls</td></tr>")
        return ("<table><caption>jaxlike profile</caption><thead><tr>" + head + "</tr></thead><tbody>"
                + "".join(body) + "</tbody></table>")


def _format(rows):
    if not rows:
        return ("jaxlike profile: no profiled calls (set jaxlike.config.profile = True before the functions "
                "are compiled)")
    table = [[h for _, h, _ in _COLUMNS]] + [[_cell(f, r[k]) for k, _, f in _COLUMNS] for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(_COLUMNS))]
    lines = ["jaxlike profile (times in seconds unless marked; 'first calls' = each signature's first run, "
             "where lazy backends compile; mean, executable and dispatch cover the other calls)"]
    for j, line in enumerate(table):
        cells = (c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(line, widths)))
        lines.append("  ".join(cells))
        if j == 0:
            lines.append("  ".join("-" * w for w in widths))
        elif rows[j - 1]["kernels"]:
            for label, n, t in rows[j - 1]["kernels"]:
                lines.append(f"    kernel {label}: {n} calls, {t:.6f} s, {1e6 * t / n:.1f} us/call")
    return "\n".join(lines)


def report(file=None, reset=False):
    """Print the profile table (to ``file``, default stdout; ``file=False`` prints nothing) and return it."""
    rows = [p.row() for p in profiles()]
    rows = [r for r in rows if r["calls"] or r["signatures"]]
    text = ProfileReport(_format(rows))
    text.rows = rows
    if file is not False:
        print(text, file=file if file is not None else sys.stdout)
    if reset:
        reset_all()
    return text


def reset_all():
    """Zero every profile's counters (the functions stay registered)."""
    for p in profiles():
        p.reset()


def _report_at_exit():
    if any(p.calls for p in profiles()):
        try:
            report(file=sys.stderr)
        except Exception:  # NOTE: never turn a clean interpreter exit into a traceback
            pass
