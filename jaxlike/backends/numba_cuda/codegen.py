"""Graph -> steps -> one generated module: the ``@cuda.jit`` kernels plus a straight-line Python host launcher.

Each fused node (its body graph) and each other elementwise / layout / reduce node becomes one kernel (see
``kernels``); ``contract`` becomes a GEMM (``lowering``); reshape is free (buffers are flat); ``size_of`` is
computed on the host from the plan. Sizes are symbolic, so the launcher reads everything size-dependent
(launch configurations, integer kernel arguments, temporary sizes) from a *plan* tuple ``S``, built once per
distinct tuple of input shapes by running the shape rules on concrete shapes, and cached: a repeated call
does no shape work, no kernel lookup and no allocation beyond taking buffers from the pool.
Imports numpy, core, ops and this backend's modules.
"""

import math
import warnings

import numpy as np

from ...core.graph import Var, namer
from ...core.interpret import SizeEnv, check_elementwise
from ...core.primitive import Kind
from ...core.types import TensorType, is_known
from ...core.errors import ShapeError
from . import kernels as K
from .lowering import ContractPlan


def _fake(shape):
    """An array with this shape and no storage (the shape rules and checks only read shapes)."""
    return np.broadcast_to(np.empty((), dtype=bool), tuple(int(d) for d in shape))


class PlanEnv(SizeEnv):
    """Symbolic size -> int for one call signature, plus the launch-size policy."""

    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg

    def shape(self, v):
        if v.is_const:
            return v.value.shape
        return tuple(int(self.resolve(d)) for d in v.type.shape)

    def size(self, v):
        return int(np.prod(self.shape(v), dtype=np.int64))

    def size_over(self, v, axes):
        shape = self.shape(v)
        return int(np.prod([shape[a] for a in axes], dtype=np.int64))

    def split(self, out, src, axes):
        """How many blocks share one output element of a reduction: enough blocks to fill the device, but
        never so many that a thread has less than ``min_per_thread`` elements to combine."""
        m, k = self.size(out), self.size_over(src, axes)
        t = self.cfg.threads
        if m == 0 or k <= t * self.cfg.min_per_thread:
            return 1
        want = -(-self.cfg.target_blocks // m)
        most = -(-k // (t * self.cfg.min_per_thread))
        return max(1, min(want, most))


def infer(node, env):
    """Run ``node``'s shape rule on concrete shapes and bind its symbolic sizes (ShapeError on a conflict)."""
    in_shapes = [env.shape(i) for i in node.inputs]
    attrs = {k: env.resolve(a) for k, a in node.attrs}
    typ = node.prim.shape(*[TensorType(i.dtype, s) for i, s in zip(node.inputs, in_shapes)], **attrs)
    if node.prim.kind is Kind.ELEMENTWISE:
        check_elementwise(node, [_fake(s) for s in in_shapes])
    env.bind_value(node, _fake(typ.shape), node.prim.name)


# -- groups ---------------------------------------------------------------------------------------------------
class Group:
    """What one kernel computes: ``output`` (a node) from ``inputs`` (Vars it loads); ``sources`` are the outer
    graph values bound to those inputs (the same Vars, except for a fused node's body inputs)."""

    def __init__(self, output, inputs, sources, nodes):
        self.output = output
        self.inputs = inputs
        self.sources = sources
        self.nodes = nodes
        self.reductions = [v for v in nodes if v.prim.kind is Kind.REDUCE]


def _needs_load(v):
    return not (v.is_const and v.value.size == 1)


def single_group(node):
    ins, seen = [], set()
    for i in node.inputs:
        if _needs_load(i) and i._id not in seen:
            seen.add(i._id)
            ins.append(i)
    return Group(node, ins, list(ins), [node])


def body_group(node, body):
    """The group of a fused node: its body graph, with body inputs bound to the node's operands."""
    nodes = [v for v in body.nodes() if v.prim is not None]
    ins, srcs = [], []
    for bi, outer in zip(body.inputs, node.inputs):
        ins.append(bi)
        srcs.append(outer)
    consts = [v for v in body.nodes() if v.is_const and _needs_load(v)]
    return Group(body.outputs[0], ins + consts, srcs + consts, nodes)


def check_reduce_group(group):
    """A reduce kernel handles reductions of one operand shape over the same axes, followed only by
    elementwise nodes of the output's shape; anything else has to be split."""
    reds = group.reductions
    first = reds[0]
    axes = dict(first.attrs)["axes"]
    for r in reds[1:]:
        if dict(r.attrs)["axes"] != axes or not K._same_shape(r.inputs[0].type.shape, first.inputs[0].type.shape):
            raise K.CannotLower("reductions over different shapes or axes in one fused group")
    red_ids = {r._id for r in reds}
    after = {}
    for v in group.nodes:
        if v._id in red_ids:
            after[v._id] = True
            continue
        dep = any(after.get(i._id) for i in v.inputs)
        after[v._id] = dep
        if dep and (v.prim.kind is not Kind.ELEMENTWISE
                    or not K._same_shape(v.type.shape, group.output.type.shape)):
            raise K.CannotLower(f"{v.prim.name} after a reduction in one fused group")
    for r in reds:
        stack = list(r.inputs)
        while stack:
            v = stack.pop()
            if v._id in red_ids:
                raise K.CannotLower("a reduction feeding another reduction in one fused group")
            stack.extend(v.inputs)
    if not after.get(group.output._id):
        raise K.CannotLower("fused group output does not depend on its reduction")


# -- steps ----------------------------------------------------------------------------------------------------
class Slots:
    """Indices into the plan tuple, handed out while the launcher is generated."""

    def __init__(self):
        self.n = 0

    def new(self):
        self.n += 1
        return self.n - 1


class Step:
    """One launcher step: ``node`` (the outer Var it produces), ``reads`` (outer Vars it reads), ``kernels`` (the
    KernelSpecs it launches); ``lines(nm)`` gives its launcher source and ``plan(env, S)`` fills its plan slots
    for one call signature (each subclass below defines both)."""

    kernels = ()


def _cfg_launch(kernel, n, cfg):
    blocks = max(1, min(-(-n // cfg.threads), cfg.max_blocks))
    return kernel[blocks, cfg.threads]


class KernelStep(Step):
    def __init__(self, node, group, spec, slots, cfg, comment):
        self.node, self.group, self.spec, self.cfg = node, group, spec, cfg
        self.reads = group.sources
        self.kernels = [spec] + ([spec.finish, spec.serial] if spec.finish else [])
        self.s_out, self.s_launch, self.s_args = slots.new(), slots.new(), slots.new()
        if spec.kind == "reduce":
            self.s_parts = [slots.new() for _ in spec.info["reds"]]
            self.s_finish = slots.new()
            self.s_serial = slots.new()
        self.comment = comment

    def lines(self, nm):
        out = nm(self.node)
        ins = [nm(s) for s in self.group.sources]
        err = ["err"] if self.spec.uses_error else []
        first = self.comment[0].lstrip("# ").strip()
        code = [f"{out} = take(S[{self.s_out}])"]
        if self.spec.kind == "map":
            code.append(f"S[{self.s_launch}]({', '.join([out] + ins + err)}, *S[{self.s_args}])  # {first}")
            return code
        parts = [f"p{self.s_out}_{r}" for r in range(len(self.s_parts))]
        serr = ["err"] if self.spec.serial.uses_error else []
        code.append(f"if S[{self.s_serial}]:  # one thread per output element")
        code.append(f"    S[{self.s_launch}]({', '.join([out] + ins + serr)}, *S[{self.s_args}])  # {first}")
        code.append("else:  # blocks combine in shared memory; split reductions finish in a second kernel")
        code += [f"    {p} = take(S[{s}])" for p, s in zip(parts, self.s_parts)]
        code.append(f"    S[{self.s_launch}]({', '.join([out] + ins + parts + err)}, *S[{self.s_args}])")
        ferr = ["err"] if self.spec.finish.uses_error else []
        code.append(f"    S[{self.s_finish}]({', '.join([out] + ins + parts + ferr)}, *S[{self.s_args}])")
        code += [f"    give({p})" for p in parts]
        return code

    def plan(self, env, S):
        cfg = self.cfg
        size = env.size(self.node)
        S[self.s_out] = (size, self.node.dtype.str)
        args = tuple(int(r(env)) for _, r in self.spec.params)
        S[self.s_args] = args
        kern = self.spec.compiled
        if self.spec.kind == "map":
            S[self.s_launch] = _cfg_launch(kern, size, cfg) if size else _noop
            return
        m = size
        names = [name for name, _ in self.spec.params]
        p = args[names.index(self.spec.info["P"])]
        k = args[names.index(self.spec.info["K"])]
        for s, red in zip(self.s_parts, self.spec.info["reds"]):
            S[s] = (m * p if p > 1 else 1, red.dtype.str)
        S[self.s_serial] = serial = p == 1 and (k <= cfg.serial_k or m >= cfg.serial_m)
        if m == 0:
            S[self.s_launch] = S[self.s_finish] = _noop
            return
        if serial:
            S[self.s_launch] = _cfg_launch(self.spec.serial.compiled, m, cfg)
            return
        S[self.s_launch] = kern[max(1, min(m * p, cfg.max_blocks)), cfg.threads]
        S[self.s_finish] = _cfg_launch(self.spec.finish.compiled, m, cfg) if p > 1 else _noop


def _noop(*args):
    return None


class AliasStep(Step):
    """reshape: buffers are flat, so the result is the operand's buffer."""

    def __init__(self, node):
        self.node = node
        self.reads = [node.inputs[0]]

    def lines(self, nm):
        return [f"{nm(self.node)} = {nm(self.node.inputs[0])}  # {nm(self.node)} = reshape (same buffer)"]

    def plan(self, env, S):
        pass


class GemmStep(Step):
    def __init__(self, node, lowering, pre_steps, post_step, gemm_kernel, slots, cfg, use_cupy):
        self.node, self.low, self.cfg = node, lowering, cfg
        self.pre_steps, self.post_step = pre_steps, post_step
        self.gemm = gemm_kernel
        self.use_cupy = use_cupy
        self.reads = list(node.inputs)
        self.kernels = ([gemm_kernel] if gemm_kernel is not None else []) + \
            [k for s in pre_steps + ([post_step] if post_step else []) for k in s.kernels]
        self.s_launch, self.s_args = slots.new(), slots.new()
        self.s_out = slots.new()
        self.s_c = slots.new() if post_step else None

    def lines(self, nm):
        code = []
        for s in self.pre_steps:
            code += s.lines(nm)
        a, b = nm(self.low.a), nm(self.low.b)
        c = nm(self.low.c) if self.post_step else nm(self.node)
        spec = dict(self.node.attrs)["spec"]
        code.append(f"{c} = take(S[{self.s_c if self.post_step else self.s_out}])")
        how = "cuBLAS via CuPy" if self.use_cupy else "tiled GEMM kernel"
        code.append(f"S[{self.s_launch}]({a}, {b}, {c}, *S[{self.s_args}])  # {nm(self.node)} = "
                    f"contract({nm(self.node.inputs[0])}, {nm(self.node.inputs[1])}) spec={spec} ({how})")
        for s in self.pre_steps:
            code.append(f"give({nm(s.node)})")
        if self.post_step:
            code += self.post_step.lines(nm)
            code.append(f"give({c})")
        return code

    def plan(self, env, S):
        for s in self.pre_steps:
            s.plan(env, S)
        params = self.low.params(env)
        S[self.s_args] = params
        out_size = env.size(self.node)
        if self.post_step:
            S[self.s_c] = (env.size(self.low.c), self.node.dtype.str)
            self.post_step.plan(env, S)
        S[self.s_out] = (out_size, self.node.dtype.str)
        if self.use_cupy:
            from .lowering import cupy_gemm
            S[self.s_launch] = cupy_gemm
            return
        nb, m, n = params[0], params[1], params[2]
        t = self.cfg.tile
        if min(nb, m, n) == 0:
            S[self.s_launch] = _noop
            return
        grid = (min(-(-n // t), self.cfg.max_blocks), min(-(-m // t), self.cfg.max_blocks),
                min(nb, 65535, self.cfg.max_blocks))
        S[self.s_launch] = self.gemm.compiled[grid, (t, t)]


class ScatterStep(Step):
    def __init__(self, node, spec, fill, slots, cfg):
        self.node, self.spec, self.fill, self.cfg = node, spec, fill, cfg
        self.reads = list(node.inputs)
        self.kernels = [spec, fill]
        self.s_out, self.s_fill, self.s_launch, self.s_args, self.s_n = (slots.new() for _ in range(5))

    def lines(self, nm):
        o, g, idx = nm(self.node), nm(self.node.inputs[0]), nm(self.node.inputs[1])
        return [f"{o} = take(S[{self.s_out}])",
                f"S[{self.s_fill}]({o}, 0, S[{self.s_n}])",  # zeros
                f"S[{self.s_launch}]({o}, {g}, {idx}, err, *S[{self.s_args}])  # {o} = scatter_add({g}, {idx})"]

    def plan(self, env, S):
        n = env.size(self.node)
        S[self.s_out] = (n, self.node.dtype.str)
        S[self.s_n] = n
        S[self.s_fill] = _cfg_launch(self.fill.compiled, n, self.cfg)
        g = self.node.inputs[0]
        gn = env.size(g)
        arrays = self.cfg.arrays
        gshape = arrays.upload(np.asarray(env.shape(g) or (1,), dtype=np.int64))
        oshape = arrays.upload(np.asarray(env.shape(self.node), dtype=np.int64))
        S[self.s_args] = (gshape, oshape, gn)
        S[self.s_launch] = _cfg_launch(self.spec.compiled, gn, self.cfg) if gn else _noop


class ArgextStep(Step):
    def __init__(self, node, spec, slots, cfg):
        self.node, self.spec, self.cfg = node, spec, cfg
        self.reads = list(node.inputs)
        self.kernels = [spec]
        self.s_out, self.s_launch, self.s_args = slots.new(), slots.new(), slots.new()

    def lines(self, nm):
        o, x = nm(self.node), nm(self.node.inputs[0])
        return [f"{o} = take(S[{self.s_out}])",
                f"S[{self.s_launch}]({o}, {x}, *S[{self.s_args}])  # {o} = {self.node.prim.name}({x})"]

    def plan(self, env, S):
        x = self.node.inputs[0]
        axis = dict(self.node.attrs)["axis"]
        shape = env.shape(x)
        n = shape[axis]
        if n == 0:
            raise ValueError(f"{self.node.prim.name}: attempt to get {self.node.prim.name} of an empty sequence")
        outer = int(np.prod(shape[:axis], dtype=np.int64))
        inner = int(np.prod(shape[axis + 1:], dtype=np.int64))
        S[self.s_out] = (outer * inner, self.node.dtype.str)
        S[self.s_args] = (outer, n, inner)
        S[self.s_launch] = _cfg_launch(self.spec.compiled, outer * inner, self.cfg) if outer * inner else _noop


class HostStep(Step):
    """An op with no kernel: size_of (a number known from the shapes alone, uploaded once per plan), or any
    other opaque op run by its numpy reference on host copies (warned about at compile time)."""

    def __init__(self, node, slots, cfg):
        self.node, self.cfg = node, cfg
        self.reads = list(node.inputs)
        self.s_fn = slots.new()

    def lines(self, nm):
        args = ", ".join(nm(i) for i in self.node.inputs)
        how = "from the plan" if self.node.prim.name == "size_of" else "numpy on the host"
        return [f"{nm(self.node)} = S[{self.s_fn}]({args})  # {nm(self.node)} = {self.node.prim.name}, {how}"]

    def plan(self, env, S):
        node, arrays = self.node, self.cfg.arrays
        if node.prim.name == "size_of":
            attrs = dict(node.attrs)
            value = node.prim.numpy(_fake(env.shape(node.inputs[0])), **attrs)
            buf = arrays.upload(np.asarray(value, dtype=node.dtype))
            S[self.s_fn] = lambda *_: buf
            return
        shapes = [env.shape(i) for i in node.inputs]
        attrs = {k: env.resolve(a) for k, a in node.attrs}

        def run(*bufs):
            host = [arrays.to_host(b, s, i.dtype) for b, s, i in zip(bufs, shapes, node.inputs)]
            out = np.asarray(node.prim.numpy(*host, **attrs)).astype(node.dtype)
            return arrays.upload(out)
        S[self.s_fn] = run


# -- the module ------------------------------------------------------------------------------------------------
class Program:
    """Steps + generated source for one graph."""

    def __init__(self, graph, cfg):
        self.graph, self.cfg = graph, cfg
        self.slots = Slots()
        self.nm_base = namer()
        for v in graph.inputs:
            self.nm_base(v)
        self.steps = []
        self.shape_nodes = []
        self.specs = []
        self.consts = []
        self.host_ops = []
        self._build()

    def nm(self, v):
        if v.is_const:
            return f"const{self._const_index(v)}"
        return "v_" + self.nm_base(v)

    def _const_index(self, v):
        for k, c in enumerate(self.consts):
            if c is v:
                return k
        self.consts.append(v)
        return len(self.consts) - 1

    def _kernel(self, group, node, tag):
        name = f"k{len(self.specs)}_{tag}"
        comment = [f"# {name}: computes {self.nm_base(node)}"] + K.describe(group.nodes, self.nm_base)
        if group.reductions:
            check_reduce_group(group)
            spec = K.reduce_kernel(group, name, comment, self.cfg.threads)
        else:
            spec = K.map_kernel(group, name, comment)
        self.specs.append(spec)
        return spec

    def _build(self):
        cfg = self.cfg
        for node in self.graph.nodes():
            if node.is_const:
                continue
            if node.prim is None:
                continue
            name = node.prim.name
            kind = node.prim.kind
            body = _body_of(node)
            self.shape_nodes.append(node if body is None else ("body", node, body))
            if body is not None:
                group = body_group(node, body)
                try:
                    spec = self._kernel(group, node, "fused")
                except K.CannotLower as e:
                    raise K.CannotLower(f"fused node {self.nm_base(node)}: {e}") from None
                self.steps.append(KernelStep(node, group, spec, self.slots, cfg, spec.label))
            elif name == "reshape":
                self.steps.append(AliasStep(node))
            elif kind in (Kind.ELEMENTWISE, Kind.LAYOUT, Kind.REDUCE) or name == "take":
                group = single_group(node)
                spec = self._kernel(group, node, name)
                self.steps.append(KernelStep(node, group, spec, self.slots, cfg, spec.label))
            elif name == "contract":
                self.steps.append(self._gemm(node))
            elif name == "scatter_add":
                self.steps.append(self._scatter(node))
            elif name in ("argmax", "argmin"):
                kname = f"k{len(self.specs)}_{name}"
                x = node.inputs[0]
                spec = K.KernelSpec("fixed", kname, K.argext_source(kname, name == "argmax"),
                                    [np.dtype(np.int64), x.dtype] + ["types.int64"] * 3, [],
                                    [f"# {kname}: {name} along one axis"])
                self.specs.append(spec)
                self.steps.append(ArgextStep(node, spec, self.slots, cfg))
            else:
                if name != "size_of":
                    self.host_ops.append(name)
                self.steps.append(HostStep(node, self.slots, cfg))
        if self.host_ops:
            warnings.warn(f"numba_cuda has no kernel for {', '.join(sorted(set(self.host_ops)))}; "
                          "those ops run on the host with numpy (a device-host round trip each call)",
                          RuntimeWarning, stacklevel=4)

    def _gemm(self, node):
        cfg = self.cfg
        low = ContractPlan(node)
        pre = []
        for v in low.pre:
            self.shape_nodes.append(v)
            group = single_group(v)
            spec = self._kernel(group, v, "permute")
            pre.append(KernelStep(v, group, spec, self.slots, cfg, spec.label))
        post = None
        if low.post is not None:
            group = single_group(low.post)
            spec = self._kernel(group, low.post, "permute")
            # NOTE: the permuted product is the contract node's value, so the step writes under its name.
            post = KernelStep(node, group, spec, self.slots, cfg, spec.label)
            self.shape_nodes.append(("post", low.post))
        gemm = None
        if not cfg.use_cupy:
            dt = node.dtype
            key = f"k{len(self.specs)}_gemm"
            gemm = K.KernelSpec("fixed", key, K.gemm_source(key, node.inputs[0].dtype, node.inputs[1].dtype, dt,
                                                              cfg.tile),
                                [node.inputs[0].dtype, node.inputs[1].dtype, dt] + ["types.int64"] * 13, [],
                                [f"# {key}: tiled shared-memory GEMM, {cfg.tile}x{cfg.tile} tiles"])
            self.specs.append(gemm)
        return GemmStep(node, low, pre, post, gemm, self.slots, cfg, cfg.use_cupy)

    def _scatter(self, node):
        g, idx = node.inputs
        axis = dict(node.attrs)["axis"]
        if node.dtype.name not in ("float32", "float64", "int32", "int64", "uint32", "uint64"):
            raise K.CannotLower(f"scatter_add of {node.dtype} (atomic add needs 32/64-bit numbers)")
        name = f"k{len(self.specs)}_scatter_add"
        i64 = np.dtype(np.int64)
        spec = K.KernelSpec("fixed", name, K.scatter_add_source(name, node.dtype, g.ndim, idx.ndim, axis),
                            [node.dtype, g.dtype, idx.dtype, np.dtype(np.int32), i64, i64, "types.int64"], [],
                            [f"# {name}: scatter_add with atomic adds"], uses_error=True)
        fname = f"k{len(self.specs) + 1}_fill"
        fill = K.KernelSpec("fixed", fname, K.fill_source(fname), [node.dtype, "types.int64", "types.int64"], [],
                            [f"# {fname}: fill"])
        self.specs += [spec, fill]
        return ScatterStep(node, spec, fill, self.slots, self.cfg)

    # -- launcher source --
    def launcher_source(self):
        g = self.graph
        args = [self.nm(v) for v in g.inputs]
        head = [f"def launch(S, take, give, err, consts, {', '.join(args)}):" if args
                else "def launch(S, take, give, err, consts):"]
        for k, v in enumerate(g.inputs):
            head.append(f"    # {self.nm(v)}: {v.type!r} (argument {k})")
        lines = []
        last_use = self._last_uses()
        keep = {v._id for v in g.outputs} | {u._id for _, u in g.updates}
        storage = self._storage()
        alive_after = {}
        for k, step in enumerate(self.steps):
            for line in step.lines(self.nm):
                lines.append("    " + line)
            # free temporaries whose storage no later step, output or update needs
            for sid, last in last_use.items():
                if last == k and sid not in alive_after:
                    owners = [v for v in storage[sid]]
                    if any(o._id in keep for o in owners):
                        continue
                    root = owners[0]
                    if root.prim is None or root.is_const or root.prim.name == "size_of":
                        continue  # NOTE: arguments, constants and size_of values are not pool buffers
                    lines.append(f"    give({self.nm(root)})")
                    alive_after[sid] = True
        outs = ", ".join(self.nm(v) for v in g.outputs)
        ups = ", ".join(self.nm(u) for _, u in g.updates)
        lines.append(f"    return ({outs}{',' if g.outputs else ''}), ({ups}{',' if g.updates else ''})")
        if self.consts:  # NOTE: known only now: constants get their names while the steps are written
            head.append(f"    {', '.join(self.nm(c) for c in self.consts)}, = consts")
        return "\n".join(head + lines) + "\n"

    def _storage(self):
        """storage id -> Vars sharing one buffer (reshape results share their operand's)."""
        root, groups = {}, {}
        for v in self.graph.nodes():
            r = v
            if v.prim is not None and v.prim.name == "reshape":
                r = root[v.inputs[0]._id]
            root[v._id] = r
            groups.setdefault(r._id, []).append(v)
        self._root = root
        return {rid: vs for rid, vs in groups.items()}

    def _last_uses(self):
        self._storage()
        last = {}
        for k, step in enumerate(self.steps):
            for v in step.reads:
                last[self._root[v._id]._id] = k
            last.setdefault(self._root[step.node._id]._id, k)
        return last

    def module_source(self):
        parts = [K.PRELUDE]
        for spec in self.specs:
            parts.append("\n".join(spec.label) + "\n@cuda.jit\n" + spec.source)
            if spec.finish is not None:
                parts.append("@cuda.jit\n" + spec.finish.source)
                parts.append("@cuda.jit\n" + spec.serial.source)
        parts.append("# host launcher: S is the plan for one tuple of input shapes (see codegen.Plan)\n"
                     + self.launcher_source())
        return "\n\n".join(parts)


def _body_of(node):
    """The body Graph of a fused node (any attr holding a Graph), or None."""
    from ...core.graph import Graph
    for _, a in node.attrs:
        if isinstance(a, Graph):
            return a
    return None


class Plan:
    __slots__ = ("S", "out_shapes", "state_shapes")

    def __init__(self, S, out_shapes, state_shapes):
        self.S, self.out_shapes, self.state_shapes = S, out_shapes, state_shapes


def build_plan(program, in_shapes):
    """Concrete sizes for every node, then every step's launch configuration and arguments."""
    g = program.graph
    env = PlanEnv(program.cfg)
    for k, (v, shape) in enumerate(zip(g.inputs, in_shapes)):
        env.bind_value(v, _fake(shape), f"argument {k}{' (' + v.name + ')' if v.name else ''}")
    for item in program.shape_nodes:
        if isinstance(item, tuple) and item[0] == "body":
            _, node, body = item
            for bi, outer in zip(body.inputs, node.inputs):
                env.bind_value(bi, _fake(env.shape(outer)), f"{node.prim.name} operand")
            for v in body.nodes():
                if v.prim is not None:
                    infer(v, env)
            # NOTE: a fused node's type is its body root's (symbolic) type; the body walk bound its sizes.
            env.bind_value(node, _fake(env.shape(body.outputs[0])), f"{node.prim.name} result")
            continue
        if isinstance(item, tuple) and item[0] == "post":
            continue
        infer(item, env)
    for step in program.steps:
        if isinstance(step, KernelStep) and step.spec.kind == "reduce":
            _check_empty_reduce(step, env)
    S = [None] * program.slots.n
    with warnings.catch_warnings():
        # NOTE: numba warns about grids under 128 blocks when a launch is configured; a small problem gets a
        # small grid here on purpose.
        warnings.filterwarnings("ignore", message="Grid size .* under-utilization")
        for step in program.steps:
            step.plan(env, S)
    return Plan(tuple(S), [env.shape(o) for o in g.outputs], [env.shape(u) for _, u in g.updates])


def _check_empty_reduce(step, env):
    for red in step.spec.info["reds"]:
        axes = dict(red.attrs)["axes"]
        if red.prim.name in ("reduce_max", "reduce_min") and env.size_over(red.inputs[0], axes) == 0 \
                and env.size(red) > 0:
            op = "maximum" if red.prim.name == "reduce_max" else "minimum"
            raise ValueError(f"{red.prim.name}: zero-size array to reduction operation {op} which has no "
                             "identity")
