"""Graph -> steps -> one generated module: the ``@cuda.jit`` kernels plus a straight-line Python host launcher.

Each fused node (its body graph) and each other elementwise / layout / reduce node becomes one kernel (see
``kernels``); ``contract`` becomes a GEMM (``lowering``); reshape is free (buffers are flat); ``size_of`` is
computed on the host from the plan. Sizes are symbolic, so the launcher reads everything size-dependent
(launch configurations, integer kernel arguments, temporary sizes) from a *plan* tuple ``S``, built once per
distinct tuple of input shapes by running the shape rules on concrete shapes, and cached: a repeated call
does no shape work, no kernel lookup and no allocation beyond taking buffers from the pool.
Imports numpy, core, ops and this backend's modules.
"""

import warnings

import numpy as np

from ...core.graph import namer
from ...core.interpret import SizeEnv, check_elementwise
from ...core.primitive import Kind
from ...core.types import TensorType, is_known
from ...core.errors import ShapeError, where
from . import kernels as K
from .lowering import ContractPlan
from .steps import (_fake, Slots, KernelStep, AliasStep, GemmStep, ScatterStep, ArgextStep, ThreefryStep,
                    HostStep, RunningStep)


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
    try:
        typ = node.prim.shape(*[TensorType(i.dtype, s) for i, s in zip(node.inputs, in_shapes)], **attrs)
    except ShapeError as e:
        raise ShapeError(f"{node.prim.name}: {e}{where(node.source)}") from None
    if not all(is_known(d) for d in typ.shape):
        # NOTE: a size only a loop's step knows (a reshape in it): the plan needs every size before the launch
        raise NotImplementedError(f"device='cuda' plans every buffer before the launch, and {node.prim.name} "
                                  f"gives shape {typ!r}, a size computed inside a loop step"
                                  f"{where(node.source)}; use device='cpu' for it")
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
        # NOTE: a fused body's inputs and root print under the outer graph's names, so the kernel comment, the
        # launcher and the printed graph line up.
        alias = {bi._id: outer for bi, outer in zip(group.inputs, group.sources)}
        alias[group.output._id] = node

        def name_of(v):
            return self.nm_base(alias.get(v._id, v))
        comment = [f"# {name}: computes {self.nm_base(node)}"] + K.describe(group.nodes, name_of)
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
            elif kind in (Kind.ELEMENTWISE, Kind.LAYOUT, Kind.REDUCE) or name in ("take", "iota"):
                group = single_group(node)
                spec = self._kernel(group, node, name)
                self.steps.append(KernelStep(node, group, spec, self.slots, cfg, spec.label))
            elif name == "contract":
                self.steps.append(self._gemm(node))
            elif name == "scatter_add" and node.dtype.name not in _ATOMIC:
                # NOTE: CUDA has no atomic add on 8/16-bit numbers or bools: numpy on the host does these
                self.host_ops.append(name)
                self.steps.append(HostStep(node, self.slots, cfg))
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
            elif name in ("cumsum", "cumprod"):
                kname = f"k{len(self.specs)}_{name}"
                x, reverse = node.inputs[0], dict(node.attrs)["reverse"]
                source = K.running_source(kname, name == "cumprod", reverse,
                                          lambda e: K.cast(node.dtype, e, from_complex=x.dtype.kind == "c"))
                spec = K.KernelSpec("fixed", kname, source, [node.dtype, x.dtype] + ["types.int64"] * 3, [],
                                    [f"# {kname}: {name} along one axis{' from the end' if reverse else ''}"])
                self.specs.append(spec)
                self.steps.append(RunningStep(node, spec, self.slots, cfg))
            elif name in ("threefry2x32", "threefry_fold"):
                kname = f"k{len(self.specs)}_{name}"
                fold = name == "threefry_fold"
                spec = K.KernelSpec("fixed", kname, K.threefry_source(kname, fold),
                                    [np.dtype(np.uint32)] * (3 if fold else 2) + ["types.int64"] * (1 if fold else 2),
                                    [], [f"# {kname}: Threefry-2x32 random bits"])
                self.specs.append(spec)
                self.steps.append(ThreefryStep(node, spec, self.slots, cfg))
            else:
                if name != "size_of" and not node.prim.extra.get("host"):
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
        name = f"k{len(self.specs)}_scatter_add"
        i64 = np.dtype(np.int64)
        target = _ATOMIC[node.dtype.name]
        spec = K.KernelSpec("fixed", name, K.scatter_add_source(name, node.dtype, g.ndim, idx.ndim, axis),
                            [target, g.dtype, idx.dtype, np.dtype(np.int32), i64, i64, "types.int64"], [],
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

    def plan_owned(self, v):
        """Whether ``v``'s buffer belongs to the plan rather than to this call (a size_of value is uploaded once
        per plan and read by every later call), so it must never reach the pool or the caller uncopied."""
        if not hasattr(self, "_root"):
            self._storage()
        r = self._root.get(v._id, v)
        return r.prim is not None and r.prim.name == "size_of"

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


# dtype -> the dtype of the buffer scatter_add's atomic adds write (a complex result through its real view)
_ATOMIC = {d: np.dtype(d) for d in ("float32", "float64", "int32", "int64", "uint32", "uint64")}
_ATOMIC.update(complex64=np.dtype("float32"), complex128=np.dtype("float64"))


def _body_of(node):
    """The body Graph of a fused node, or None (a loop's step graph is not a kernel body)."""
    from ...core.graph import Graph
    if node.prim.name != "fused":
        return None
    for _, a in node.attrs:
        if isinstance(a, Graph):
            return a
    return None


class Plan:
    __slots__ = ("S", "out_shapes", "state_shapes", "env")

    def __init__(self, S, out_shapes, state_shapes, env=None):
        self.S, self.out_shapes, self.state_shapes = S, out_shapes, state_shapes
        self.env = env  # NOTE: kept for error reports, which name the sizes an index was checked against


def index_uses(step):
    """(node, outer index Var or None, size Var, axis) for each gather/scatter a step bounds-checks on the
    device: the host looks for the culprit there when a kernel flags an out-of-range index. The index is None
    where the kernel computes it (it is in no buffer the host can read)."""
    if isinstance(step, ScatterStep):
        return [(step.node, step.node.inputs[1], step.node, dict(step.node.attrs)["axis"])]
    if not isinstance(step, KernelStep):
        return []
    outer = {bi._id: src for bi, src in zip(step.group.inputs, step.group.sources)}
    uses = []
    for v in step.group.nodes:
        if v.prim.name == "take":
            idx = v.inputs[1]
            idx = outer.get(idx._id, idx if idx.is_const or idx.prim is None else None)
            uses.append((v, idx, v.inputs[0], dict(v.attrs)["axis"]))
    return uses


def build_plan(program, in_shapes, lengths=None):
    """Concrete sizes for every node, then every step's launch configuration and arguments; ``lengths``: the
    iota nodes' (``host_counts``), by node id."""
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
        if item.prim.name == "iota":
            env.bind_value(item, _fake((lengths[item._id],)), "iota")
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
    return Plan(tuple(S), [env.shape(o) for o in g.outputs], [env.shape(u) for _, u in g.updates], env)


def _check_empty_reduce(step, env):
    for red in step.spec.info["reds"]:
        axes = dict(red.attrs)["axes"]
        if red.prim.name in ("reduce_max", "reduce_min") and dict(red.attrs).get("initial") is None \
                and env.size_over(red.inputs[0], axes) == 0 \
                and env.size(red) > 0:
            op = "maximum" if red.prim.name == "reduce_max" else "minimum"
            raise ValueError(f"{red.prim.name}: zero-size array to reduction operation {op} which has no "
                             "identity")
