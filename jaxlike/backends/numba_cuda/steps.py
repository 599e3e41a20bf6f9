"""Launcher steps: each knows the launcher source lines it contributes (``lines``) and how to fill its slots of
the plan tuple for one call signature (``plan``): kernel launches with their grid and integer arguments,
temporary sizes, the GEMM (tiled kernel or CuPy), scatter-add, argmax/argmin, reshape aliases and host-side
values (size_of, ops without a kernel). Imports numpy (and ``lowering`` for the CuPy GEMM); ``codegen``
builds them.
"""

import numpy as np


def _fake(shape):
    """An array with this shape and no storage (the shape rules and checks only read shapes)."""
    return np.broadcast_to(np.empty((), dtype=bool), tuple(int(d) for d in shape))


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
        dt = self.node.dtype
        # NOTE: a complex result is added into part by part, through a view of its buffer as real numbers
        target = f"{o}.view('{np.dtype(dt.char.lower()).str}')" if dt.kind == "c" else o
        return [f"{o} = take(S[{self.s_out}])",
                f"S[{self.s_fill}]({o}, 0, S[{self.s_n}])",  # zeros
                f"S[{self.s_launch}]({target}, {g}, {idx}, err, *S[{self.s_args}])  # {o} = scatter_add({g}, {idx})"]

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


def _lines(env, node):
    """(outer, n, inner): the operand of an along-one-axis node seen as [outer, n, inner]."""
    shape = env.shape(node.inputs[0])
    axis = dict(node.attrs)["axis"]
    return (int(np.prod(shape[:axis], dtype=np.int64)), shape[axis],
            int(np.prod(shape[axis + 1:], dtype=np.int64)))


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
        outer, n, inner = _lines(env, self.node)
        if n == 0:
            from ...core.errors import EmptyReduction, where
            name = self.node.prim.name
            raise EmptyReduction(f"{name}{where(self.node.source)}: attempt to get {name} of an empty sequence")
        S[self.s_out] = (outer * inner, self.node.dtype.str)
        S[self.s_args] = (outer, n, inner)
        S[self.s_launch] = _cfg_launch(self.spec.compiled, outer * inner, self.cfg) if outer * inner else _noop


class RunningStep(ArgextStep):
    """``cumsum``/``cumprod`` along one axis: the result has x's shape, so the launch covers its lines."""

    def plan(self, env, S):
        outer, n, inner = _lines(env, self.node)
        S[self.s_out] = (outer * n * inner, self.node.dtype.str)
        S[self.s_args] = (outer, n, inner)
        S[self.s_launch] = _cfg_launch(self.spec.compiled, outer * inner, self.cfg) if outer * inner else _noop


class ThreefryStep(Step):
    """``threefry2x32`` (counters 0..n-1 under each key) or ``threefry_fold`` (one counter per key): one
    thread per output pair."""

    def __init__(self, node, spec, slots, cfg):
        self.node, self.spec, self.cfg = node, spec, cfg
        self.reads = list(node.inputs)
        self.kernels = [spec]
        self.s_out, self.s_launch, self.s_args = slots.new(), slots.new(), slots.new()
        self.fold = node.prim.name == "threefry_fold"

    def lines(self, nm):
        o, ins = nm(self.node), ", ".join(nm(i) for i in self.node.inputs)
        return [f"{o} = take(S[{self.s_out}])",
                f"S[{self.s_launch}]({o}, {ins}, *S[{self.s_args}])  # {o} = {self.node.prim.name}({ins})"]

    def plan(self, env, S):
        from ...core.errors import ShapeError
        key_shape = env.shape(self.node.inputs[0])
        if not key_shape or key_shape[-1] != 2:
            raise ShapeError(f"{self.node.prim.name}: a key is a uint32 array with last dim 2, got shape "
                             f"{tuple(key_shape)}")
        nkeys = int(np.prod(key_shape[:-1], dtype=np.int64))
        n = 1 if self.fold else int(np.prod(env.resolve(dict(self.node.attrs)["shape"]), dtype=np.int64))
        S[self.s_out] = (nkeys * n * 2, self.node.dtype.str)
        S[self.s_args] = (nkeys,) if self.fold else (nkeys, n)
        S[self.s_launch] = _cfg_launch(self.spec.compiled, nkeys * n, self.cfg) if nkeys * n else _noop


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
