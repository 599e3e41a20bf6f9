"""DEBUG_MODE: every compiled call is recomputed by the reference interpreter; a disagreement names the pass
or the kernel, its op and the user's source line. Broken backends and passes are simulated so each way of
failing is seen once."""

import os
import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike import nn
from jaxlike.core.graph import Var, Graph
from jaxlike.core.types import TensorType, Sym
from jaxlike.passes import pipeline
from jaxlike.passes.cse import cse
from jaxlike.ops import math as m
from jaxlike.runtime.compiled import build_executable
from jaxlike.runtime.debug import DebugModeError, mismatch

from _trust import computes

HERE = os.path.basename(__file__)


def _line_of(text, fn):
    """Line number of the first line of ``fn``'s source containing ``text``."""
    import inspect
    lines, start = inspect.getsourcelines(fn)
    for k, line in enumerate(lines):
        if text in line:
            return start + k
    raise AssertionError(f"{text!r} not in {fn.__name__}")


def model(x, w):
    h = jnp.tanh(x @ w)
    e = jnp.exp(h * 0.5)
    return jnp.sum(e * e) + jnp.sum(h)


# -- no false alarms --------------------------------------------------------------------------------------
def xor_loss(params, x, y):
    w1, b1, w2, b2 = params
    hidden = nn.sigmoid(x @ w1 + b1)
    out = nn.sigmoid(hidden @ w2 + b2)
    return jnp.mean((out[:, 0] - y) ** 2)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_debug_mode_accepts_correct_results_of_seed_programs(dtype):
    """Would catch: tolerances so tight (or a comparison so naive) that correct programs raise."""
    f = jaxlike.compile(lambda x: jnp.exp(jnp.sin(x ** 2)), mode="DEBUG_MODE")
    g = jaxlike.compile(jaxlike.grad(lambda x: jnp.exp(jnp.sin(x ** 2))), mode="DEBUG_MODE")
    x = np.linspace(-3, 3, 7).astype(dtype)
    np.testing.assert_allclose(f(x), np.exp(np.sin(x ** 2)), rtol=1e-6)
    assert abs(float(g(15.0)) - 4.347404090286685) < 1e-9
    rng = np.random.default_rng(0)
    params = [rng.normal(size=(2, 3)).astype(dtype), np.zeros(3, dtype),
              rng.normal(size=(3, 1)).astype(dtype), np.zeros(1, dtype)]
    xs = np.array([[0, 1], [1, 0], [1, 1], [0, 0]], dtype)
    ys = np.array([1, 1, 0, 0], dtype)
    step = jaxlike.compile(jaxlike.value_and_grad(xor_loss), mode="DEBUG_MODE")
    loss, grads = step(params, xs, ys)
    ref_loss, ref_grads = jaxlike.value_and_grad(xor_loss)(params, xs, ys)
    np.testing.assert_allclose(loss, ref_loss, rtol=1e-5)
    for a, b in zip(grads, ref_grads):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-7)


def test_debug_mode_is_selected_by_config_and_by_compile_argument(fake_backend):
    """Would catch: one of the two ways of asking for DEBUG_MODE not wrapping the executable."""
    fake_backend("off_by_a_bit", bug=lambda v, out: out * 1.01 if computes(v, "exp") else out)
    x, w = np.ones((2, 3)), np.full((3, 4), 0.1)
    with pytest.raises(DebugModeError):
        jaxlike.compile(model, mode="DEBUG_MODE")(x, w)
    jaxlike.config.mode = "DEBUG_MODE"
    with pytest.raises(DebugModeError):
        jaxlike.compile(model)(x, w)
    jaxlike.config.mode = "FAST_RUN"
    assert np.isfinite(jaxlike.compile(model)(x, w))  # without DEBUG_MODE the wrong answer goes unnoticed


def test_debug_mode_from_environment_flags():
    """Would catch: JAXLIKE_FLAGS=mode=DEBUG_MODE being parsed but not acted on (here seen through the NaN
    guard DEBUG_MODE turns on)."""
    script = textwrap.dedent("""
        import numpy as np, jaxlike, jaxlike.numpy as jnp
        assert jaxlike.config.mode == "DEBUG_MODE", jaxlike.config.mode
        f = jaxlike.compile(lambda x: jnp.log(x - 2.0))
        try:
            f(np.ones(3))
        except FloatingPointError as e:
            print("caught:", e)
    """)
    env = dict(os.environ, JAXLIKE_FLAGS="mode=DEBUG_MODE")
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert "caught: nan_guard: log produced 3 NaN" in done.stdout


# -- locating the fault ------------------------------------------------------------------------------------
@pytest.mark.parametrize("expose_steps", [True, False], ids=["steps", "recompiled-with-kernels-as-outputs"])
def test_wrong_kernel_is_named_with_op_and_user_line(fake_backend, expose_steps):
    """Would catch: a mismatch reported without saying which kernel/op/line produced it, with the backend
    exposing per-kernel steps and without (then it is recompiled with every kernel as an output)."""
    fake_backend("bad_exp", bug=lambda v, out: out * 1.01 if computes(v, "exp") else out,
                 expose_steps=expose_steps)
    f = jaxlike.compile(model, mode="DEBUG_MODE")
    with pytest.raises(DebugModeError) as info:
        f(np.ones((2, 3)), np.full((3, 4), 0.1))
    msg = str(info.value)
    assert "backend 'bad_exp' disagrees with the reference interpreter on output 0" in msg
    kernel = next(line for line in msg.splitlines() if line.startswith("first differing kernel"))
    # an exp kernel, or a fused kernel listing the exp inside it, with the user's line of the exp
    assert re.search(rf"exp(\(.*\))? \(at {HERE}:{_line_of('jnp.exp', model)}\)", kernel), kernel
    assert "optimized graph:" in msg


@pytest.mark.parametrize("nested", [False, True], ids=["top-level", "inside-a-fixpoint"])
def test_wrong_pass_is_named(monkeypatch, nested):
    """Would catch: a pass that changes results being blamed on the backend, or only the fixpoint group
    around it being named."""

    def sin_to_cos(graph):
        from jaxlike.core.graph import substitute
        new = {}
        for v in graph.eqns():
            if v.prim.name == "sin":
                new[v] = m.cos(v.inputs[0])
        outs = substitute(list(graph.outputs), new) if new else list(graph.outputs)
        return Graph(graph.inputs, outs)

    passes = [pipeline.Fixpoint("canon", [cse, sin_to_cos])] if nested else [cse, sin_to_cos]
    monkeypatch.setitem(pipeline.PASSES, "DEBUG_MODE", passes)
    f = jaxlike.compile(lambda x: jnp.sin(x) * 2.0, mode="DEBUG_MODE")
    with pytest.raises(DebugModeError) as info:
        f(np.ones(3))
    assert "pass 'sin_to_cos' changed output 0" in str(info.value)
    assert ("(inside 'canon')" in str(info.value)) == nested


def test_fault_between_kernels_is_reported_as_wiring(fake_backend):
    """Would catch: the locator blaming an innocent kernel when every kernel is right and the executable's
    assembly of them is wrong."""
    fake_backend("bad_wiring", corrupt_output=True)
    with pytest.raises(DebugModeError, match="wires kernels together"):
        jaxlike.compile(model, mode="DEBUG_MODE")(np.ones((2, 3)), np.full((3, 4), 0.1))


def test_backend_writing_into_an_input_is_caught(fake_backend):
    """Would catch: a backend that reuses a caller's array as scratch space (Theano's DebugMode checks this
    too): the caller's data would silently change."""
    fake_backend("scribbler", overwrite_input=True)
    x = np.ones(3)
    with pytest.raises(DebugModeError, match="overwrote input 0"):
        jaxlike.compile(lambda x: x * 2.0, mode="DEBUG_MODE")(x)


def test_backend_returning_where_the_reference_raises_is_caught(fake_backend):
    """Would catch: a backend that clips out-of-range indices and returns garbage instead of IndexError."""
    clip = lambda v, vals: (np.take(vals[0], vals[1], axis=dict(v.attrs)["axis"], mode="clip")
                            if v.prim.name == "take" else None)
    fake_backend("clipper", kernel=clip)
    f = jaxlike.compile(lambda x, i: x[i], mode="DEBUG_MODE")
    with pytest.raises(DebugModeError, match="reference interpreter raises IndexError"):
        f(np.arange(3.0), np.array([0, 7]))


def test_debug_mode_with_state_updates():
    """Would catch: DEBUG_MODE comparing against inputs the executable already updated in place, or
    rejecting the legal in-place write into a state input."""
    s = Var(TensorType("float64", (Sym(),)), name="s")
    x = Var(TensorType("float64", ()), name="x")
    new_s = s * 0.5 + x
    graph = Graph([s, x], [jnp.sum(s)], [(s, new_s)])
    exe = build_executable(graph, mode="DEBUG_MODE")
    state = np.arange(4.0)
    outs, ups = exe(state, 1.0)
    assert float(outs[0]) == 6.0
    np.testing.assert_allclose(ups[0], np.arange(4.0) * 0.5 + 1)


# -- the comparison itself -------------------------------------------------------------------------------
def test_mismatch_rules():
    """Would catch: NaN treated as a mismatch, ints compared with tolerance, shape/dtype differences
    passing, or reductions that cancel raising false alarms."""
    a = np.array([1.0, np.nan, np.inf])
    assert mismatch(a, a.copy()) is None
    assert mismatch(a * (1 + 1e-12), a) is None
    assert "1 of 3 elements differ" in mismatch(a * np.array([1.001, 1, 1]), a)
    assert mismatch(np.array([np.inf]), np.array([-np.inf])) is not None
    assert mismatch(np.array([1, 2]), np.array([1, 3])) == \
        "1 of 2 elements differ; first at index (1,): got 2, reference 3"
    assert "shape (2,), reference shape (3,)" == mismatch(np.ones(2), np.ones(3))
    assert "dtype float32" in mismatch(np.ones(2, np.float32), np.ones(2))
    # a sum of large terms that cancels to ~0: the absolute error scales with the terms, not the result
    assert mismatch(np.array([1e6, 3e-10]), np.array([1e6, 1e-10])) is None
    assert mismatch(np.ones(2, np.float32) * (1 + 1e-6), np.ones(2, np.float32)) is None
    # finite where the unoptimized reference overflowed: the stabilized program is right; not the reverse,
    # and not a NaN (a domain error) turned finite
    assert mismatch(np.array([-800.0, 1.0]), np.array([-np.inf, 1.0])) is None
    assert mismatch(np.array([-np.inf, 1.0]), np.array([-800.0, 1.0])) is not None
    assert mismatch(np.array([3.0]), np.array([np.nan])) is not None


def test_debug_mode_accepts_stabilized_results_where_the_naive_graph_overflows():
    """log(sigmoid(x)) at x = -800: the traced graph gives log(0) = -inf, the optimized one -800."""
    f = jaxlike.compile(lambda x: jnp.log(nn.sigmoid(x)), mode="DEBUG_MODE")
    with np.errstate(all="ignore"):
        np.testing.assert_allclose(f(np.array([-800.0, 0.0])), [-800.0, np.log(0.5)])


def test_theano_function_with_shared_updates_in_debug_mode():
    """Would catch: DEBUG_MODE false alarms on Theano-style updates (state written in place by the backend),
    or DEBUG_MODE changing the trained values."""
    if not hasattr(jaxlike, "function"):
        pytest.skip("the Theano-style front end (jaxlike.function) is not available")
    import jaxlike.tensor as T

    def train(mode):
        x, y = T.dvector("x"), T.dscalar("y")
        w = jaxlike.shared(np.array([0.3, -0.2]), name="w")
        b = jaxlike.shared(0.1, name="b")
        out = T.nnet.sigmoid(T.dot(x, w) + b)
        cost = (out - y) ** 2
        gw, gb = T.grad(cost, [w, b])
        step = jaxlike.function([x, y], cost, updates=[(w, w - 0.5 * gw), (b, b - 0.5 * gb)], mode=mode)
        costs = [float(step(np.array(xx, float), yy)) for _ in range(20)
                 for xx, yy in (([0, 1], 1.0), ([1, 0], 1.0), ([1, 1], 0.0), ([0, 0], 0.0))]
        return costs, w.get_value(), b.get_value()

    fast, debug = train("FAST_RUN"), train("DEBUG_MODE")
    np.testing.assert_allclose(debug[0], fast[0], rtol=1e-12)
    np.testing.assert_allclose(debug[1], fast[1], rtol=1e-12)
    np.testing.assert_allclose(debug[2], fast[2], rtol=1e-12)


def test_locator_recompiles_kernels_with_the_default_backend():
    """Would catch: the kernel locator working only with the test doubles: here the real default backend
    (numba_cpu when it loads) recompiles the optimized graph with every kernel as an output; its kernels are
    right, so a result corrupted after the run is reported as a wiring fault, not pinned on a kernel."""
    from jaxlike.backends.base import Executable
    from jaxlike.runtime.debug import checked
    from jaxlike.runtime.trace import trace
    args = [np.ones((2, 3)), np.full((3, 4), 0.1)]
    inputs, outputs, _ = trace(model, args)
    graph = Graph(inputs, outputs)
    real = build_executable(graph, mode="FAST_RUN")
    broken = Executable(lambda *a: ([real.run(*a)[0][0] + 1.0], []), real.source, real.graph, real.backend)
    with pytest.raises(DebugModeError, match="wires kernels together") as info:
        checked(broken, graph, mode="FAST_RUN")(*args)
    assert f"backend {real.backend!r} disagrees" in str(info.value)


_CUDA_STATE = textwrap.dedent("""
    import numpy as np, jaxlike
    import jaxlike.tensor as T
    jaxlike.config.device = "cuda"
    x, y = T.dvector("x"), T.dscalar("y")
    w = jaxlike.shared(np.array([0.3, -0.2]), name="w")
    cost = (T.nnet.sigmoid(T.dot(x, w)) - y) ** 2
    runs = []
    for mode in ["FAST_RUN", "DEBUG_MODE"]:
        w.set_value(np.array([0.3, -0.2]))
        step = jaxlike.function([x, y], cost, updates=[(w, w - 0.5 * T.grad(cost, w))], mode=mode)
        assert step.executable.backend == "numba_cuda", step.executable.backend
        costs = [float(step(np.array([1.0, 2.0]), 1.0)) for _ in range(3)]
        runs.append(costs + list(np.asarray(w.get_value())))
    assert np.allclose(runs[0], runs[1], rtol=1e-12), runs
    print("ok")
""")


def test_debug_mode_with_state_kept_on_the_gpu():
    """Regression: numba_cuda keeps shared variables on the device and writes updates into that buffer in
    place; DEBUG_MODE kept the same device array as its 'copy' of the inputs, so the reference ran on the
    updated state and every second step raised a false DebugModeError. Runs in numba's CUDA simulator."""
    pytest.importorskip("numba.cuda")
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1")
    done = subprocess.run([sys.executable, "-c", _CUDA_STATE], env=env, capture_output=True, text=True,
                          timeout=600)
    if "numba-cuda" in done.stderr and "not installed" in done.stderr:
        pytest.skip("numba-cuda is not installed")
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-3000:]
