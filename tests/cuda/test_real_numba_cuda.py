"""Checks that need the real (non-simulated) numba.cuda, each in a fresh subprocess: the error when no GPU is
usable, the numpy 2.5 ``row_stack`` shim, and ahead-of-time PTX compilation of the generated kernels.

The simulator runs kernels as plain Python, so it accepts code that numba's CUDA compiler would reject (an
untyped literal, a bool/float mix, an unsupported math function); compiling every kind of generated kernel to
PTX with the real compiler catches those without a GPU. It needs NVVM (``pip install
"cuda-toolkit[nvvm,nvrtc]==13.*"``) and is skipped, saying so, where that is missing.
"""

import pytest


def test_no_gpu_gives_a_clear_error(gpu):
    """Catches: a silent fallback to the CPU, or a numba driver traceback instead of a reason, when
    device='cuda' is asked for on a machine without a usable GPU."""
    r = gpu.run_real("""
        import numpy as np, jaxlike
        from numba import cuda
        if cuda.is_available():
            print("HAS-GPU")
        else:
            f = jaxlike.compile(lambda x: x * 2.0, device="cuda")
            try:
                f(np.ones(3))
            except RuntimeError as e:
                print("ERROR:", e)
    """)
    if "HAS-GPU" in r.stdout:
        pytest.skip("this machine has a GPU")
    assert "ERROR:" in r.stdout, r.stdout + r.stderr
    msg = r.stdout.split("ERROR:", 1)[1]
    assert "device='cuda' was requested but" in msg and ("driver" in msg or "GPU" in msg), msg
    assert "NUMBA_ENABLE_CUDASIM" in msg and "device='cpu'" in msg


def test_missing_numba_cuda_gives_the_install_command(gpu):
    """Catches: an obscure ImportError (or a silent CPU fallback) when numba-cuda is not installed."""
    r = gpu.run_real("""
        import sys, importlib.abc

        class NoNumbaCuda(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path, target=None):
                if name == "numba.cuda" or name.startswith("numba.cuda."):
                    raise ImportError("No module named 'numba.cuda'")
        sys.meta_path.insert(0, NoNumbaCuda())
        import numpy as np, jaxlike
        try:
            jaxlike.compile(lambda x: x * 2.0, device="cuda")(np.ones(3))
        except RuntimeError as e:
            print("ERROR:", e)
    """)
    assert "ERROR:" in r.stdout, r.stdout + r.stderr
    assert "numba-cuda" in r.stdout and "pip install" in r.stdout, r.stdout


SHIM_PROBE = """
    import numpy as np
    del np.row_stack                      # what numpy 2.5 did
    {prepare}
    from numba.cuda.np import arrayobj    # numba-cuda's kernels module: overload(np.row_stack) at import
    print("IMPORTED", np.row_stack is np.vstack)
"""


def test_row_stack_shim(gpu):
    """Catches: numba-cuda failing to import its kernels on numpy >= 2.5 (np.row_stack removed): the shim
    restores the alias before numba.cuda loads. The first run shows the probe fails without the shim."""
    bare = gpu.run_real(SHIM_PROBE.format(prepare="pass"))
    if "IMPORTED" in bare.stdout:
        pytest.skip("this numba-cuda no longer needs np.row_stack")
    assert "row_stack" in bare.stderr, bare.stderr
    shimmed = gpu.run_real(SHIM_PROBE.format(prepare="import jaxlike.backends.numba_cuda"))
    assert "IMPORTED True" in shimmed.stdout, shimmed.stdout + shimmed.stderr


def test_ensure_row_stack_only_patches_when_missing(gpu):
    """Catches: the shim replacing a row_stack numpy still has."""
    from types import SimpleNamespace
    from jaxlike.backends.numba_cuda.compat import ensure_row_stack
    have = SimpleNamespace(row_stack="original", vstack="v")
    assert not ensure_row_stack(have) and have.row_stack == "original"
    missing = SimpleNamespace(vstack="v")
    assert ensure_row_stack(missing) and missing.row_stack == "v"


PTX_PROBE = """
    import builtins, numpy as np
    import jaxlike, jaxlike.numpy as jnp
    from jaxlike import nn
    from jaxlike.core.graph import Var, Graph
    from jaxlike.core.types import TensorType, Sym
    from jaxlike.ops.index import take, scatter_add
    from jaxlike.ops.linalg import contract
    from jaxlike.passes.pipeline import optimize
    from jaxlike.passes.fuse import fuse
    from jaxlike.runtime.trace import trace
    from jaxlike.backends.numba_cuda import codegen, Config, _namespace, cuda
    try:
        cuda.compile_ptx(lambda: None, (), cc=(8, 0))
    except Exception as e:
        print("NO-NVVM", type(e).__name__, str(e).splitlines()[0][:200])
        raise SystemExit(0)
    graphs = []
    for dt in ("float64", "float32"):
        n, m = Sym(), Sym()
        x, y = Var(TensorType(dt, (n, 3))), Var(TensorType(dt, (3,)))
        w, i = Var(TensorType(dt, (3, m))), Var(TensorType("int64", (m,)))
        b = Var(TensorType("bool", (n, 3)))
        z = jnp.exp(jnp.sin(x * 2.0)) + y
        outs = [z, jnp.sum(z * z, axis=1), jnp.max(z, axis=0), jnp.prod(x), x @ w, contract(x, w, spec="ij,jk->ki"),
                take(z, i, axis=0), scatter_add(w, i, axis=1, shape=(3, 4)), jnp.argmax(z, axis=1),
                jnp.argmin(z, axis=0), x[1:, ::-2], jnp.concatenate([x, z], axis=0), jnp.floor(x), jnp.log(x),
                nn.sigmoid(x), nn.softplus(x), jnp.maximum(x, 0.5), jnp.where(b, x, -x), jnp.sum(b),
                (x > 0.5) & b, x.astype(np.int32), jnp.mean(x), jnp.broadcast_to(x[:1], (4, n, 3)),
                (i << 3) ^ (i >> 2), ~i | 5]
        graphs.append(Graph([x, y, w, i, b], outs))
        X = np.ones((6, 5), dt); W = np.ones((5, 7), dt); Y = np.ones((6, 7), dt)
        vg = jaxlike.value_and_grad(lambda W, X, Y: -jnp.mean(jnp.sum(Y * nn.log_softmax(X @ W), axis=1)))
        ins, o, _ = trace(vg, (W, X, Y))
        graphs.append(fuse(optimize(Graph(ins, o))))
        vg4 = jaxlike.value_and_grad(lambda x: jnp.sum(jnp.exp(jnp.sin(x ** 2)) * jnp.cos(x)))
        ins, o, _ = trace(vg4, (np.ones(8, dt),))
        graphs.append(fuse(optimize(Graph(ins, o))))
    zc, j = Var(TensorType("complex128", (3, Sym()))), Var(TensorType("int64", (Sym(),)))
    graphs.append(Graph([zc, j], [scatter_add(zc, j, axis=1, shape=(3, 4))]))
    key, step = Var(TensorType("uint32", (2,))), Var(TensorType("int64", ()))
    graphs.append(Graph([key, step], [jaxlike.random.uniform(jaxlike.random.fold_in(key, step), (Sym(), 3)),
                                      jaxlike.random.split(key, 4)]))
    count = 0
    for g in graphs:
        prog = codegen.Program(g, Config({"gemm": "kernel"}))
        specs = list(prog.specs)
        specs += [s.finish for s in prog.specs if s.finish] + [s.serial for s in prog.specs if s.finish]
        for spec in specs:
            ns = _namespace()
            exec(builtins.compile(spec.source, spec.name, "exec"), ns)
            try:
                cuda.compile_ptx(ns[spec.name], spec.signature(), cc=(8, 0))
                count += 1
            except Exception as e:
                print("FAILED", spec.name, type(e).__name__, str(e)[:1500])
                print(spec.source)
    from numba import types
    from jaxlike.backends.numba_cuda import kernels as K
    for rank in (1, 2, 3):  # the strided-copy kernel for non-contiguous device arguments
        ns = _namespace()
        exec(K.strided_copy_source("copy", rank), ns)
        cuda.compile_ptx(ns["copy"], (types.Array(types.float32, rank, "A"), types.float32[::1], types.int64),
                         cc=(8, 0))
        count += 1
    print("COMPILED", count)
"""


def test_generated_kernels_compile_to_ptx(gpu):
    """Catches: generated kernel source that the simulator runs but numba's real CUDA compiler rejects."""
    r = gpu.run_real(PTX_PROBE, timeout=600)
    if "NO-NVVM" in r.stdout:
        pytest.skip("numba's CUDA compiler cannot run here (NVVM/NVRTC missing: pip install "
                    "'cuda-toolkit[nvvm,nvrtc]==13.*'): " + r.stdout.strip())
    assert "FAILED" not in r.stdout, r.stdout
    assert "COMPILED" in r.stdout, r.stdout + r.stderr
    assert int(r.stdout.split("COMPILED")[1]) >= 60, r.stdout
