"""Graph -> the source of ONE Python module with ONE ``@njit`` entry point.

The entry binds every symbolic size from the argument shapes (``n0 = a.shape[0]``) and checks the rest
against it, checks that operands the types only assumed equal really are (a ShapeError naming the op and
both sizes), allocates each result, runs the fused kernels (``loops.py``; their bodies pasted into the entry by
``paste.py``) and the lowerings of the other nodes (``lowering.py``) in dependency order, writes update values into the state arrays, and returns
``(outputs, update_values)``. No Python runs between kernels.

Names in the module are the graph's: the header prints the graph with the names ``to_text`` would give,
each kernel is preceded by the equations it fused, and symbolic sizes are numbered by first use (``n0``,
``n1``...), which also makes the text, and so the cache key, the same in every process.

Theano update semantics: every update reads the old values. A fused kernel whose result is only an update
value writes straight into its state array when it safely can (``inplace.py`` decides which and in what
order, ``updates.py`` writes the code); the rest are copied in at the end. Small temporaries are carved from one
scratch block on the stack (``scratch.py``). Outputs never alias states or each other. Fused groups over one
iteration space that share operands run as one loop (``siblings.py``); kernels that work row by row over the
same rows run together a tile of rows at a time (``rows.py``). Imports numpy, core and ops only.
"""

import numpy as np

from ...core.graph import Graph, Var, namer, syms_in, distinct_syms
from ...core.types import Sym, DimExpr, dims_equal
from ...core.errors import where
from ...ops.fused import fused as FUSED, fusable_kind, singleton, iteration_shape, remap_kind
from . import build, inplace, loops, rows, siblings, support
from .loops import safe, literal, np_type, cast, known1, dim_text, type_text, attr_text
from .lowering import LOWERINGS, fallback, size_check, drop_repeated_checks
from .lowering_along import LOWERINGS as ALONG_LOWERINGS
from .lowering_loop import LOWERINGS as LOOP_LOWERINGS
from .lowering_linalg import LOWERINGS as LINALG_LOWERINGS
from .paste import paste, small_first, callable_form
from .updates import UpdateWriter
from .scratch import SCRATCH_BYTES
from .support import warn_fallback, may_be_large
from .simd import ranged_calls, wide_vectors
from .literals import plain_constants

_LOWERINGS = {**LOWERINGS, **ALONG_LOWERINGS, **LOOP_LOWERINGS, **LINALG_LOWERINGS}     # primitive name -> lowering of a non-fused node
SMALL_CONST = 4096      # elements: larger constants are passed to the entry as arguments, not compiled in


class Unsupported(Exception):
    """The graph has something numba cannot compile at all (float16 arrays); the backend falls back."""


class Module:
    """What the loader needs besides the text: extra entry arguments (large constants) and the nodes whose
    numpy rules the objmode fallbacks call, in fallback order."""

    def __init__(self, source, const_args, fallbacks, timed=(), in_place=(), bare=False):
        self.in_place = in_place    # (update index, input index): updates written into the argument itself
        self.bare = bare            # the entry returns its one rank-0 output itself (no updates it returns)
        self.parallel = False       # some kernel has a parallel form (a prange variant or a chunked one)
        self.source = source
        self.const_args = const_args
        self.fallbacks = fallbacks
        self.timed = timed      # with the profile option: per slot of the entry's ``_prof``, the nodes it times


def prepare(graph):
    """The graph with every fusable node not already in a fused node wrapped as a one-node fused node, but for
    reshapes that only leave or insert size-1 dims: lowered as reshapes, they are views where their operand
    may be viewed (``lowering.borrows``), which a loop copying them into fresh memory never was."""
    memo, changed = {}, False
    leaving = {o._id for o in graph.outputs} | {u._id for _, u in graph.updates}
    for v in graph.nodes():
        if v.prim is None:
            memo[v._id] = v
            continue
        new = [memo[i._id] for i in v.inputs]
        if fusable_kind(v) is not None and (remap_kind(v) != "reshape" or v._id in leaving):
            nv = singleton(Var(v.type, v.prim, new, v.attrs, source=v.source))
            changed = True
        elif any(a is not b for a, b in zip(new, v.inputs)):
            nv = Var(v.type, v.prim, new, v.attrs, name=v.name, source=v.source)
        else:
            nv = v
        memo[v._id] = nv
    if not changed:
        return graph
    return Graph(graph.inputs, [memo[o._id] for o in graph.outputs], [(s, memo[u._id]) for s, u in graph.updates])


class Codegen(UpdateWriter):
    def __init__(self, graph, options, size_params=()):
        self.graph = graph
        self.options = options
        self.size_params = tuple(size_params)   # Syms the entry takes as int arguments (a loop step's sizes)
        # A loop step's entry takes the arrays its array outputs go in, and its scratch block, as arguments
        # (``out_params``): a step then allocates nothing. Output id -> the argument, until the node uses it.
        self.out_buffers = {}
        self.filled = set()         # ids of the outputs computed straight into their argument
        self.loop_entries = []      # module globals naming the compiled steps of the graph's loops
        self.siblings_done = set()  # keys of multi-output nodes already run (lowering_loop, lowering_linalg)
        self.names = {}
        self.symnames = {}
        self.bound = set()          # ids of Syms bound so far in the entry
        self.lines = []             # entry body
        self.globals = []           # module-level statements (constants, numba types)
        self.kernel_src = []
        self.kernels = []
        self.const_args = []
        self.const_params = []
        self.fallbacks = []
        self.temps = set()
        self.where_text = ""
        self.outputs = {o._id for o in graph.outputs}
        self.fresh_values = set()    # ids of entry-local arrays (safe to view: nobody else holds them)
        self.borrowed = set()        # ids of views of the caller's arrays (read only: lowering.borrows)
        self.made_dims = {}          # array name -> its dims' texts, where a lowering allocated it so
        self.numba_types = {}
        self.timed = []             # with the profile option: the nodes each timer slot covers
        self.in_place = []          # (update index, input index) of the states the entry does not return
        self.internal = set()       # ids of sibling members computed in their group's loop and not stored
        self.gemm_updates = {}      # in-place updates W +/- k * (A @ B) done by one BLAS call (_gemm_updates)
        self.kept = set()           # ids of the values whose memory may leave the entry (never carved)
        self.carved = set()         # the lines carving a temporary from the scratch block
        self.users = {}             # value id -> the nodes reading it (set by build; lowerings read it too)

    # -- naming -------------------------------------------------------------------------------------------
    def _name_all(self):
        name = namer()
        for v in self.graph.inputs:
            self.names[v._id] = safe(name(v))
        for v in self.graph.eqns():
            self.names[v._id] = safe(name(v))
        for v in self.graph.nodes():
            if v.is_const and v._id not in self.names:
                self.names[v._id] = f"_c{len(self.const_params) + len(self.globals)}"
                self._const(v)
        self.temps.update(self.names.values())

    def _const(self, v):
        nm = self.names[v._id]
        if v.ndim == 0:
            self.names[v._id] = literal(v.value, v.dtype)
        elif v.value.size <= SMALL_CONST:
            arr = np.ascontiguousarray(v.value)
            self.globals.append(f"{nm} = _rt.const_array({arr.tobytes().hex()!r}, {arr.dtype.name!r}, "
                                f"{tuple(arr.shape)!r})")
        else:
            self.const_params.append(nm)
            self.const_args.append(np.ascontiguousarray(v.value))

    def _name_syms(self):
        for s in self.size_params:
            self.symnames.setdefault(id(s), f"n{len(self.symnames)}")

        def visit(a):
            if isinstance(a, Sym):
                if id(a) not in self.symnames:
                    self.symnames[id(a)] = f"n{len(self.symnames)}"
            elif isinstance(a, DimExpr):
                visit(a.terms)
            elif isinstance(a, tuple):
                for x in a:
                    visit(x)
            elif isinstance(a, Graph):
                for v in a.nodes():
                    visit(v.shape)
                    for _, b in v.attrs:
                        visit(b)

        for v in self.graph.inputs:
            visit(v.shape)
        for v in self.graph.nodes():
            visit(v.shape)
            for _, a in v.attrs:
                visit(a)

    def symname(self, s):
        return self.symnames[id(s)]

    def name(self, v):
        return self.names[v._id]

    def dim(self, d):
        return dim_text(d, self.symname)

    def shape_text(self, shape):
        return loops.shape_text(shape, self.symname)

    def tmp(self, base):
        k, cand = 0, base
        while cand in self.temps:
            k += 1
            cand = f"{base}{k}"
        self.temps.add(cand)
        return cand

    def view_ok(self, x):
        return x._id in self.fresh_values and x._id not in self.outputs and x._id not in self.borrowed

    @staticmethod
    def attr_syms(v):
        """The size symbols ``v``'s attrs name, each once."""
        return distinct_syms(tuple(a for _, a in v.attrs))

    def numba_type(self, v):
        key = (v.dtype.name, v.ndim)
        if key not in self.numba_types:
            nm = f"_T{len(self.numba_types)}"
            self.numba_types[key] = nm
            self.globals.append(f"{nm} = _rt.numba_type({v.dtype.name!r}, {v.ndim})")
        return self.numba_types[key]

    # -- sizes --------------------------------------------------------------------------------------------
    def _bind_shape(self, v, expr, what):
        """Bind unbound Syms of ``v``'s type from array ``expr``'s shape and check the others (not those the
        lowering allocated with that very size: ``made_dims``)."""
        out = []
        made = self.made_dims.get(expr)
        for k, d in enumerate(v.shape):
            have = f"{expr}.shape[{k}]"
            if isinstance(d, Sym) and id(d) not in self.bound:
                self.bound.add(id(d))
                out.append(f"{self.symname(d)} = {have}")
                continue
            want = self.dim(d)
            if made and made[k] == want:
                continue
            label = f"{self.symname(d)}=" if isinstance(d, Sym) else ""
            out.append(size_check(have, want, f"{what}: dim {k} has size ",
                                  f" where {type_text(v.type, self.symname)} needs {label}", self.where_text))
        return out

    def _ready(self, v):
        if v.prim is FUSED:
            body = dict(v.attrs)["body"]
            need = syms_in(v.shape) + syms_in(iteration_shape(body)) + list(body.syms)
        elif v.prim.name == "size_of":      # NOTE: reads its operand's sizes, which may be the operand's own
            need = syms_in(tuple(v.inputs[0].shape[a] for a in dict(v.attrs)["axes"]))
        else:
            need = self.attr_syms(v)
        return all(id(s) in self.bound for s in need)

    # -- the module ---------------------------------------------------------------------------------------
    def build(self):
        g = self.graph
        if any(b.dtype == np.float16 for v in g.nodes() for b in [v] + [b for _, a in v.attrs if isinstance(a, Graph)
                                                                        for b in a.nodes()]):
            raise Unsupported("numba has no float16 arithmetic on the CPU")
        self._check_updates()
        self._name_syms()
        self._name_all()
        params = []
        for v in g.inputs:
            params.append(self.name(v) + "_arg" if v.ndim == 0 else self.name(v))
        for s in self.size_params:
            params.append(self.symname(s))
            self.bound.add(id(s))
        if self.options.get("out_params"):
            for k, o in enumerate(g.outputs):
                if o.ndim and o._id not in self.out_buffers:
                    self.out_buffers[o._id] = f"_o{k}"
            params += [f"_o{k}" for k, o in enumerate(g.outputs) if o.ndim] + ["_ws"]
        self._inputs()
        users = self.users = g.users()
        kept = {o._id for o in g.outputs} | {u._id for _, u in g.updates}
        self.kept = inplace.may_leave(g, kept)
        phase3, copies = inplace.plan(self.graph, self.outputs, users)
        self._precopies(copies)
        self.gemm_updates = self._gemm_updates(phase3, users, kept)
        late = {u._id for _, u in phase3} | {G._id for G, _ in self.gemm_updates.values()}
        order = self._schedule([v for v in g.nodes() if v.prim is not None and v._id not in late])
        groups, inside, self.internal = siblings.plan(order, g.inputs, self.bound, self._ready_with, kept, users)
        order, tiles = rows.plan(order, self._row_candidate, self.bound, self._ready_with, groups)
        tiled = {m.node._id for ms in tiles.values() for m in ms}
        if self.options.get("profile"):
            self.lines.append("_t0 = _rt.clock()")
        for v in order:
            if v._id in groups:
                self._siblings(groups[v._id])
                self._timer(groups[v._id])
            elif v._id in tiles:
                rows.emit(self, tiles[v._id])
                self._timer([m.node for m in tiles[v._id]])
            elif v._id not in inside and v._id not in tiled:
                self._node(v)
                self._timer([v])
        ups = self._updates(phase3, copies)
        self._timer(None)
        # NOTE: a state written in place is not returned (numba boxes each returned array, about 0.6 us);
        # the executable's wrapper hands the caller's own array back in its place (``in_place``).
        index = {v._id: k for k, v in enumerate(g.inputs)}
        for k, ((s, _), expr) in enumerate(zip(g.updates, ups)):
            if s.ndim and expr == self.name(s):
                self.in_place.append((k, index[s._id]))
        kept = {k for k, _ in self.in_place}
        # NOTE: large constants (a loop step's among them, known only once it is lowered) come after the inputs
        params += self.const_params + (["_prof"] if self.options.get("profile") else [])
        return self._module(params, self._outputs(), [e for k, e in enumerate(ups) if k not in kept])

    def _row_candidate(self, v):
        """``v``'s RowKernel (``rows.py``) unless it runs in a sibling group or has a parallel form a tile
        would lose: sin/cos kernels' chunked one, or any with ``parallel``."""
        if self.options["parallel"] or v.prim is not FUSED or ranged_calls([dict(v.attrs)["body"]]):
            return None
        return rows.row_local(v)

    def _timer(self, nodes):
        """With the ``profile`` option: the time since the previous timer goes to slot ``len(self.timed)`` of
        the entry's ``_prof`` argument; ``self.timed`` lists what each slot covers (None: the updates)."""
        if not self.options.get("profile") or (nodes is not None and all(
                v.prim is not FUSED and v.prim.name in ("reshape", "slice") for v in nodes)):
            return      # NOTE: views cost nothing; their time goes to the next kernel
        self.lines.append("_t1 = _rt.clock()")
        self.lines.append(f"_prof[{len(self.timed)}] += _t1 - _t0")
        self.lines.append("_t0 = _t1")
        self.timed.append(nodes)

    def _check_updates(self):
        seen = set()
        ins = {v._id for v in self.graph.inputs}
        for s, _ in self.graph.updates:
            if s._id not in ins:
                raise ValueError(f"update of {s!r}, which is not an input of the graph (a state must be an input)")
            if s._id in seen:
                raise ValueError(f"state {s!r} is updated twice in one call")
            seen.add(s._id)

    def _inputs(self):
        for k, v in enumerate(self.graph.inputs):
            nm = self.name(v)
            self.where_text = ""
            if v.ndim == 0:
                self.lines.append(f"{nm} = {cast(f'_rt.scalar({nm}_arg)', v.dtype)}")
                continue
            self.lines.append(f"_rt.require_dtype({nm}, {literal(0, v.dtype)})")
            self.lines += self._bind_shape(v, nm, f"argument {k} ({nm})")

    def _schedule(self, todo):
        order, done = [], {v._id for v in self.graph.nodes() if v.prim is None}
        bound = set(self.bound)
        pending = list(todo)
        while pending:
            for i, v in enumerate(pending):
                if all(x._id in done for x in v.inputs) and self._ready_with(v, bound):
                    break
            else:
                v = pending[0]
                raise ValueError(f"numba_cpu: {v.prim.name} needs a size that no value computed before it "
                                 f"determines{where(v.source)}")
            pending.pop(i)
            order.append(v)
            done.add(v._id)
            for d in v.shape:
                for s in syms_in(d):
                    bound.add(id(s))
        return order

    def _ready_with(self, v, bound):
        saved = self.bound
        self.bound = bound
        try:
            return self._ready(v)
        finally:
            self.bound = saved

    def _node(self, v, out=None):
        self.where_text = where(v.source)
        nm = self.name(v)
        self.lines.append(f"# {nm}:{type_text(v.type, self.symname)} = {v.prim.name}("
                          f"{', '.join(self.name(i) for i in v.inputs)})")
        if v.prim is not FUSED and fusable_kind(v) is not None and remap_kind(v) != "reshape":
            # NOTE: ``prepare`` wraps the fusable nodes the outputs reach; one that only a size provider
            # reaches (a concatenation kept for its symbolic size, and what it reads) is wrapped here, not
            # run through objmode
            wrapped = singleton(v)
            self.names[wrapped._id] = nm
            self.fresh_values.add(v._id)
            v = wrapped
        if v.prim is FUSED:
            self._fused(v, out)
            self.fresh_values.add(v._id)
            return
        lower = _LOWERINGS.get(v.prim.name)
        if lower is None:
            warn_fallback(v.prim.name)
            lines = fallback(self, v, len(self.fallbacks))
            self.fallbacks.append(v)
        else:
            lines = lower(self, v)
        self.lines += lines
        if v.ndim:
            self.lines += self._bind_shape(v, nm, v.prim.name)
        self.fresh_values.add(v._id)

    def _fused(self, v, out):
        k, head, args = self.fused_kernel(v, out)
        self.run_kernel(k, head, f"{out or self.name(v)} = " if k.scalar else "", args)

    def fused_kernel(self, v, out=None):
        """(Kernel, its comment lines, its argument texts) of fused node ``v``, after the lines checking its
        operands and allocating its result (into ``out`` instead when given)."""
        body = dict(v.attrs)["body"]
        bname = namer()
        body_names = {}
        for b in body.inputs:
            body_names[b._id] = safe(bname(b))
        for b in body.eqns():
            body_names[b._id] = safe(bname(b))
        self.lines += self._operand_checks(body)
        # NOTE: a kernel writing into a state array may read that array: it cannot be rerun (simd.two_pass)
        k = loops.kernel(len(self.kernels), v, self.names, body_names, self.symname, self.options,
                         rerun_safe=out is None)
        self.kernels.append(k)
        head = [f"# {k.name}: {self.name(v)} = fused({', '.join(self.name(i) for i in v.inputs)})"] + k.comment
        args = [self.name(i) for i in v.inputs]
        target = out or self.name(v)
        sizes = k.params[len(args) + (0 if k.scalar else 1):]
        if k.scalar:
            return k, head, args + sizes
        if out is None:
            self.allocate(target, v.shape, v.dtype, v)
        return k, head, args + [target] + sizes

    def allocate(self, target, shape, dtype, v):
        """A new array for node ``v`` (``empty``), with the huge-page advice (``support.advise_huge``) when it
        may be large."""
        buf = self.out_buffers.pop(v._id, None)
        if buf is not None:
            self.lines.append(f"{target} = _rt.out_buffer({buf}, {self.shape_text(shape)})")
            self.filled.add(v._id)
            return
        self.lines.append(self.empty(target, self.shape_text(shape), np_type(dtype), v))
        if may_be_large(shape, dtype):
            self.lines.append(f"_rt.advise_huge({target})")

    def empty(self, target, shape, dtype, v):
        """The line ``target = <an uninitialized array>`` of shape text ``shape`` and dtype text ``dtype`` that
        holds node ``v``'s elements: carved from the entry's scratch block on the stack (``scratch.py``) unless
        ``v``'s memory may leave the call (``inplace.may_leave``) or it has more elements than the block holds."""
        plain = f"{target} = np.empty({shape}, {dtype})"
        if v._id in self.kept or (all(isinstance(d, int) for d in v.shape) and int(
                np.prod(v.shape, dtype=np.int64)) * v.dtype.itemsize > SCRATCH_BYTES):
            return plain
        carved = f"{target}, _ws_at = _rt.take(_ws, _ws_at, {shape}, {dtype})"
        self.carved.add(carved)
        return carved

    def run_kernel(self, k, head, lhs, args):
        """``lhs`` + kernel ``k`` run on the argument expressions ``args``: its serial form's body pasted here
        (``paste.py``; ``head`` comments it) or, where it cannot be, a call of the function, which then goes
        into the module with ``head``; its prange variant instead when the work reaches the threshold."""
        prefix, call = "_" + k.name.split("_")[0], f"{lhs}{k.name}({', '.join(args)})"
        body = paste(k.serial, args, lhs, prefix)
        if body is None:
            self.kernel_src += head + callable_form(k.serial, len(args)) + [""]
            body = small_first(k.serial, args, lhs, prefix, k.work, call) or [call]
        else:
            self.lines += head
        if not k.parallel:
            self.lines += body
            return
        self.kernel_src += k.parallel + [""]
        self.lines += [f"if {k.work} >= {self._threshold()}:", f"    {lhs}{k.name}_par({', '.join(args)})", "else:"]
        self.lines += ["    " + line for line in body]

    def _siblings(self, members):
        """One loop for fused groups over the same space (``siblings.py``): array results are allocated here,
        the kernel fills them and returns the whole-space reductions' scalars."""
        k = siblings.kernel(len(self.kernels), members, self.names, self.symname, self.options, self.internal)
        self.kernels.append(k)
        head = [f"# {k.name}: " + "; ".join(f"{self.name(m)} = fused({', '.join(self.name(i) for i in m.inputs)})"
                                             for m in members)]
        for m in members:
            self.where_text = where(m.source)
            self.lines.append(f"# {self.name(m)}:{type_text(m.type, self.symname)} = fused("
                              f"{', '.join(self.name(i) for i in m.inputs)}) in {k.name}")
            self.lines += self._operand_checks(dict(m.attrs)["body"])
            self.fresh_values.add(m._id)
        for m in k.filled:
            self.allocate(self.name(m), m.shape, m.dtype, m)
        args = [self.name(i) for i in k.operands] + [self.name(m) for m in k.filled] + \
            [self.symname(s) for s in k.sizes]
        lhs = ""
        if k.scalars:
            lhs = ", ".join(self.name(m) for m in k.scalars) + ("," if len(k.scalars) == 1 else "") + " = "
        self.run_kernel(k, head + k.comment, lhs, args)

    def submodule(self, body, out_params=False):
        """A loop step compiled as a module of its own: (the global naming its entry here, the texts of the
        large-constant arguments it takes after its inputs, sizes (and with ``out_params`` its output arrays
        and scratch block), whether it returns its one number bare)."""
        opts = dict(step_options(self.options), out_params=out_params)
        spec = generate(body, opts, size_params=body.syms)
        module, _, _, _ = load(spec, opts)
        nm = f"_step{len(self.loop_entries)}"
        self.loop_entries.append(nm)
        self.globals.append(f"from {module.__name__} import entry as {nm}")
        consts = []
        for arr in spec.const_args:
            cn = f"_c{len(self.const_params) + len(self.globals)}"
            self.const_params.append(cn)
            self.const_args.append(arr)
            consts.append(cn)
        return nm, consts, spec.bare

    def _threshold(self):
        return max(int(self.options["par_threshold"]), 1)

    def _operand_checks(self, body):
        """Sizes the shape rules assumed equal (two different Syms meeting in a broadcast) are compared here:
        the loops index with one of them."""
        out = []
        for v in body.eqns():
            kind = fusable_kind(v)
            if kind not in ("elementwise", "remap") or (kind == "remap" and remap_kind(v) != "broadcast"):
                continue
            where_text = where(v.source)
            for pos, x in enumerate(v.inputs):
                off = v.ndim - x.ndim
                for k, d in enumerate(x.shape):
                    e = v.shape[off + k]
                    if known1(d) or dims_equal(d, e):
                        continue
                    have, want = self.dim(d), self.dim(e)
                    out.append(size_check(have, want, f"{v.prim.name}: operand {pos} has size ",
                                          f" at dim {off + k} where the result has ", " (a size not known to be 1 "
                                          "when the graph was built does not broadcast)" + where_text))
        return out

    def _module(self, params, outs, ups):
        ret_o = "(" + "".join(f"{x}, " for x in outs) + ")"
        ret_u = "(" + "".join(f"{x}, " for x in ups) + ")"
        # NOTE: an objmode block (a fallback, the profiler's clock) needs the GIL, and numba warns about nogil=True around one
        nogil = self.options.get("release_gil", True) and not self.fallbacks and not self.options.get("profile")
        flags = f"error_model='numpy', fastmath={bool(self.options['fastmath'])}, nogil={nogil}"
        if self.options.get("out_params") and len(params) <= 30 and not self.fallbacks:
            # NOTE: a step is inlined where its loop calls it (8-vector step: 69 -> 5 ns, no per-step reference
            # counts), unless CPython passes >30 arguments as *args or it holds objmode: numba's inliner refuses
            flags += ", inline='always'"
        src = ["# jaxlike numba_cpu module: generated from the graph below, do not edit.",
               "# graph:"] + ["#   " + line for line in self._graph_text().splitlines()] + [
               "import math", "import cmath", "import numpy as np", "import numba", "from numba import njit, prange",
               "from jaxlike.core.errors import ShapeError", "from jaxlike.backends.numba_cpu import support as _rt",
               "from jaxlike.backends.numba_cpu import vecmath as _vm",
               "from jaxlike.backends.numba_cpu import along as _al, linalg_kernels as _la, regions as _rg",
               "", "_MODULE = __name__"] + self.globals + [""] + self.kernel_src + [
               f"@njit(cache=True, {flags})", f"def entry({', '.join(params)}):"]
        src += ["    " + line for line in self._scratch_block(drop_repeated_checks(self.lines))]
        # NOTE: a function of one number whose updates (if any) are all written in place returns the number
        # alone: boxing the nested tuples cost ~40 of the ~220 ns a scalar call spends in numba
        bare = not ups and len(outs) == 1 and self.graph.outputs[0].ndim == 0 and not self.options.get("out_params")
        src.append(f"    return {outs[0]}" if bare else f"    return {ret_o}, {ret_u}")
        module = Module("\n".join(wide_vectors(plain_constants(src), support.WIDE_VECTOR_BITS)) + "\n", self.const_args, self.fallbacks, self.timed, self.in_place, bare)
        module.parallel = any(k.parallel for k in self.kernels)
        return module

    def _scratch_block(self, lines):
        """``lines`` taking the scratch block first when they carve temporaries from it. The offset starts as
        ``_rt.plain(0)``: a literal 0 would make ``_rt.take``'s signature literal (``literals.py``)."""
        if self.options.get("out_params"):
            return ["_ws_at = _rt.plain(0)"] + lines      # NOTE: the caller's block, reused by every step
        if any(line.strip() in self.carved for line in lines):
            return ["_ws = _rt.new_block()", "_ws_at = _rt.plain(0)"] + lines
        return lines

    def _graph_text(self):
        """The graph as ``to_text`` prints it, with canonical size names and fused bodies left to the kernels."""
        lines = ["{ lambda " + ", ".join(f"{self.name(v)}:{type_text(v.type, self.symname)}"
                                         for v in self.graph.inputs) + " ."]
        for v in self.graph.eqns():
            args = ", ".join(self.name(i) for i in v.inputs)
            attrs = " ".join(f"{k}={attr_text(a, self.symname)}" for k, a in v.attrs if not isinstance(a, Graph))
            lines.append(f"  {self.name(v)}:{type_text(v.type, self.symname)} = {v.prim.name}({args})"
                         f"{' ' + attrs if attrs else ''}")
        outs = ", ".join(self.name(o) for o in self.graph.outputs)
        ups = ""
        if self.graph.updates:
            ups = " ; updates " + ", ".join(f"{self.name(s)} <- {self.name(u)}" for s, u in self.graph.updates)
        lines.append(f"  in ({outs}){ups} }}")
        return "\n".join(lines)


def generate(graph, options, size_params=()):
    """Module text and loading facts for ``graph`` (raises Unsupported when numba cannot run it).
    ``size_params``: Syms the entry takes as arguments after the graph's inputs (a loop step's sizes)."""
    with build.room_to_recurse(graph):  # NOTE: the loop writers recurse once per op of a fused body
        return Codegen(prepare(graph), options, size_params).build()


def load(spec, options):
    """Write (when needed) and import the module of ``spec``; register its objmode fallbacks.
    Returns (module, key, path, written)."""
    key = build.cache_key(spec.source, options)
    module, path, written = build.load(spec.source, key, options)
    for k, v in enumerate(spec.fallbacks):
        support.FALLBACKS[(module.__name__, k)] = support.Fallback(
            v.prim, v.attrs, Codegen.attr_syms(v), v.dtype, v.ndim)
    return module, key, path, written


def step_options(options):
    """A loop step's options: serial, unprofiled (its entry runs once per step, inside the caller's loop)."""
    return {**options, "parallel": False, "chunked": False, "profile": False}
