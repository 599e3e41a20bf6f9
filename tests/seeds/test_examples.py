"""The seed tutorials, run as the example programs in ``examples/`` (small sizes, fixed seeds): the numbers
the tutorials show, and each training loop checked step for step against a hand-written numpy implementation
of the same network (so "it learned" is backed by "it computed exactly what Theano would").

Each example runs once per module (module-scoped fixtures): in-process through ``runpy`` with
``JAXLIKE_EXAMPLE_SMALL=1``, except the GPU example, which runs as a subprocess because it changes the device.
The two XOR seeds run in the default mode (the optimizing pipeline and the compiled backend, updates written
in place); the examples with many functions run in FAST_COMPILE (the reference interpreter), because each
function compiled by the Numba backend costs seconds to a minute of compilation, and the front end builds
the same graphs either way.
"""

import contextlib
import io
import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import jaxlike

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


@contextlib.contextmanager
def config_mode(mode):
    saved = jaxlike.config.mode
    jaxlike.config.mode = mode
    try:
        yield
    finally:
        jaxlike.config.mode = saved


def run_example(name, seed, env=None, mode=None):
    """Run examples/<name> as __main__ with the small settings; returns (its globals, its stdout)."""
    saved = dict(os.environ)
    os.environ.update({"JAXLIKE_EXAMPLE_SMALL": "1", **(env or {})})
    np.random.seed(seed)
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), config_mode(mode or jaxlike.config.mode):
            glb = runpy.run_path(str(EXAMPLES / name), run_name="__main__")
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return glb, out.getvalue()


# -- seed 000: xor_blog.py --------------------------------------------------------------------------------
XOR_BLOG_SEED = 20  # an initialisation that rounds to XOR within the small run's 2000 epochs


@pytest.fixture(scope="module")
def xor_blog():
    return run_example("xor_blog.py", XOR_BLOG_SEED)


def xor_blog_numpy(seed, epochs):
    """Seed 000's network and per-sample gradient descent, by hand."""
    np.random.seed(seed)
    t1, t2 = np.random.rand(3, 3), np.random.rand(4, 1)
    X, Y = np.array([[0, 1], [1, 0], [1, 1], [0, 0]], float), [1, 1, 0, 0]
    costs = []
    for ep in range(epochs):
        for k in range(4):
            x = np.append(X[k], 1)
            h = np.append(sigmoid(t1.T @ x), 1)
            o = sigmoid(t2.T @ h).sum()
            d = 2 * (o - Y[k]) * o * (1 - o)
            g1 = np.outer(x, (t2[:3, 0] * d) * h[:3] * (1 - h[:3]))
            t1, t2 = t1 - 0.1 * g1, t2 - 0.1 * np.outer(h, [d])
            cost = (o - Y[k]) ** 2
        if ep % 500 == 0:
            costs.append(cost)
    return t1, t2, costs


def test_xor_blog_function_values(xor_blog):
    # catches: f(10) = exp(sin(100)) and f'(15) = 4.3474040903 (the tutorial's two printed numbers)
    glb, out = xor_blog
    (f10,) = glb["f"](10)
    assert f10 == np.exp(np.sin(100.0))
    assert abs(float(glb["fprime"](15)) - 4.3474040903) < 1e-9
    lines = out.splitlines()
    assert lines[0] == f"[{np.array(np.exp(np.sin(100.0)))!r}]" and lines[1].startswith("4.34740409")


def test_xor_blog_learns_xor(xor_blog):
    # catches: training that does not converge: run_forward must round to the XOR table
    glb, out = xor_blog
    preds = [float(glb["run_forward"](x)) for x in ([0, 1], [1, 0], [1, 1], [0, 0])]
    assert np.round(preds).tolist() == [1, 1, 0, 0]
    assert max(abs(p - t) for p, t in zip(preds, [1, 1, 0, 0])) < 0.3
    printed = [float(v) for v in re.findall(r"^Cost: (\S+)$", out, re.M)]
    assert len(printed) == 2000 // 500
    assert printed[-1] < printed[0]


def test_xor_blog_matches_numpy_step_for_step(xor_blog):
    # catches: any deviation from Theano's semantics in grad, updates or shared state over 8000 calls
    glb, out = xor_blog
    t1, t2, costs = xor_blog_numpy(XOR_BLOG_SEED, 2000)
    np.testing.assert_allclose(glb["theta1"].get_value(), t1, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(glb["theta2"].get_value(), t2, rtol=1e-9, atol=1e-12)
    printed = [float(v) for v in re.findall(r"^Cost: (\S+)$", out, re.M)]
    np.testing.assert_allclose(printed, costs, rtol=1e-9)


# -- seed 001: hungyi_lee_intro.py ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def hungyi():
    return run_example("hungyi_lee_intro.py", 1, env={"JAXLIKE_EXAMPLE_XOR_ITERATIONS": "300"},
                       mode="FAST_COMPILE")


def test_hungyi_prints_the_slides_results(hungyi):
    # catches: any of the slides' printed results changing (4, the three symbols, [array(8.0), array(6.0)],
    # F1/F2, -4, [4, 2], B)
    glb, out = hungyi
    assert glb["define_function_overview"]() == 4.0
    assert [str(v) for v in glb["declare_variables"]()] == ["<TensorType(float64, scalar)>",
                                                            "<TensorType(float64, matrix)>", "ha ha ha"]
    z = glb["use_function"]()
    with np.printoptions(legacy="1.13"):
        assert repr(z) == "[array(8.0), array(6.0)]"
    F1, F2 = glb["matrix_examples"]()
    np.testing.assert_array_equal(F1, [[2.0, 8.0], [18.0, 32.0]])
    np.testing.assert_array_equal(F2, [[14.0, 20.0], [30.0, 44.0], [46.0, 68.0]])
    assert glb["gradient_example_1"]() == (4.0, -4.0)
    f, g = glb["gradient_example_2"]()
    assert f == 8.0 and [float(v) for v in g] == [4.0, 2.0]
    np.testing.assert_array_equal(glb["gradient_example_3"](), [[2.0, 4.0], [6.0, 8.0]])
    out = "".join(line + "\n" for line in out.splitlines() if not line.startswith("# --- "))
    for text in ("4.0\n<TensorType(float64, scalar)>\n<TensorType(float64, matrix)>\nha ha ha\n",
                 "[array(8.), array(6.)]\n", "[[ 2.  8.]\n [18. 32.]]\n[[14. 20.]\n [30. 44.]\n [46. 68.]]\n",
                 "4.0\n-4.0\n", "8.0\n[array(4.), array(2.)]\n"):
        assert text in out


def test_hungyi_single_neuron(hungyi):
    glb, _ = hungyi
    neuron = glb["single_neuron"]()
    x = [0.25, 0.75]
    np.testing.assert_allclose(neuron(x, [-1, 1], 0), [sigmoid(0.5)])
    neuron, w, b = glb["single_neuron_shared"]()
    assert w.get_value().tolist() == [0.0, 0.0]  # the slide's set_value([0., 0.])
    np.testing.assert_allclose(neuron(x), 0.5)
    w.set_value([1.0, 1.0])
    np.testing.assert_allclose(neuron(x), sigmoid(1.0))


def test_hungyi_three_training_styles_agree_with_numpy(hungyi):
    # catches: set_value by hand, updates= and MyUpdate giving different (or wrong) parameters
    glb, _ = hungyi
    W, B, x = np.array([-1.0, 1.0]), 0.0, np.array([1.0, -1.0])
    for _ in range(100):
        y = sigmoid(W @ x + B)
        d = 2 * (y - 1) * y * (1 - y)
        W, B = W - 0.1 * d * x, B - 0.1 * d
    for style in ("single_neuron_training_tedious", "single_neuron_training_effective",
                  "single_neuron_training_my_update"):
        w, b = glb[style]()
        np.testing.assert_allclose(w, W, rtol=1e-12)
        np.testing.assert_allclose(b, B, rtol=1e-12)


def test_hungyi_xor_gate_matches_numpy(hungyi):
    # catches: T.dot(w, [a1, a2]), the cross-entropy cost or the six updates computing something else
    glb, _ = hungyi
    iters = 300
    np.random.seed(7)
    (y1, y2, y3, y4), cost = glb["xor_gate"](iters)
    np.random.seed(7)
    w1, b1, w2, b2, w, b = [np.random.randn(n) for n in (2, 1, 2, 1, 2, 1)]
    for _ in range(iters):
        total, ys = 0.0, []
        for x, yh in (([0, 0], 0), ([0, 1], 1), ([1, 0], 1), ([1, 1], 0)):
            x = np.array(x, float)
            a1, a2 = sigmoid(w1 @ x + b1), sigmoid(w2 @ x + b2)
            a = np.concatenate([a1, a2])
            y = sigmoid(w @ a + b)
            total += -(yh * np.log(y) + (1 - yh) * np.log(1 - y)).sum()
            ys.append(y)
            dz = y - yh
            dz1, dz2 = dz * w[0] * a1 * (1 - a1), dz * w[1] * a2 * (1 - a2)
            w, b = w - 0.01 * dz * a, b - 0.01 * dz
            w1, b1, w2, b2 = w1 - 0.01 * dz1 * x, b1 - 0.01 * dz1, w2 - 0.01 * dz2 * x, b2 - 0.01 * dz2
    np.testing.assert_allclose([y1, y2, y3, y4], ys, rtol=1e-9)
    np.testing.assert_allclose(cost, total, rtol=1e-9)


# -- seed 002: xor_shared.py ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def xor_shared():
    return run_example("xor_shared.py", 0)


def test_xor_shared_matches_numpy_and_learns(xor_shared):
    # catches: shared data (inputs=[]), int X/y mixed with float weights, or the 5-unit net diverging
    glb, out = xor_shared
    steps = 3000
    X = np.array([[1, 0], [0, 0], [1, 1], [0, 1]], float)
    y = np.array([[1], [0], [0], [1]], float)
    rng = np.random.RandomState(1234)
    W1, W2 = rng.uniform(-1, 1, (2, 5)), rng.uniform(-1, 1, (5, 1))
    first = None
    for _ in range(steps):
        h = sigmoid(X @ W1)
        o = sigmoid(h @ W2)
        first = ((y - o) ** 2).sum() if first is None else first
        d = -2 * (y - o) * o * (1 - o)
        W1, W2 = W1 - 0.01 * (X.T @ ((d @ W2.T) * h * (1 - h))), W2 - 0.01 * (h.T @ d)
    np.testing.assert_allclose(glb["W1"].get_value(), W1, rtol=1e-9)
    np.testing.assert_allclose(glb["W2"].get_value(), W2, rtol=1e-9)
    (pred,) = glb["test"]()
    np.testing.assert_allclose(pred, sigmoid(sigmoid(X @ W1) @ W2), rtol=1e-9)
    assert ((y - pred) ** 2).sum() < first
    assert out.startswith("[array([[")


# -- seed 001's minibatch network: minibatch_mlp.py -------------------------------------------------------
@pytest.fixture(scope="module")
def mlp():
    glb, out = run_example("minibatch_mlp.py", 0, mode="FAST_COMPILE")
    return glb, out


def test_minibatch_mlp_trains(mlp):
    glb, out = mlp
    costs = [float(v) for v in re.findall(r"^(0\.\d+)$", out, re.M)]
    assert len(costs) == glb["EPOCHS"] and costs[-1] < costs[0]
    assert "Network Structure: 2-32-32-1" in out and "Network Output" in out


def test_minibatch_mlp_float32_and_dimshuffle_step_matches_numpy(mlp):
    # catches: the b.dimshuffle(0, 'x') bias, float32 promotion, or a wrong gradient in the 3-layer net
    glb, _ = mlp
    with config_mode("FAST_COMPILE"):
        train, test, params = glb["build_network"]("sigmoid", hidden=8, batch_size=5, seed=3)
    W1, W2, W3, b1, b2, b3 = [p.get_value().astype(np.float64) for p in params]
    rng = np.random.RandomState(0)
    x = rng.uniform(-2.5, 2.5, (2, 5)).astype(np.float32)
    yh = (rng.uniform(size=(1, 5)) > 0.5).astype(np.float32)
    cost = train(x, yh)
    assert cost.dtype == np.float32 and all(p.get_value().dtype == np.float32 for p in params)
    a1 = sigmoid(W1 @ x + b1[:, None])
    a2 = sigmoid(W2 @ a1 + b2[:, None])
    y = sigmoid(W3 @ a2 + b3[:, None])
    np.testing.assert_allclose(cost, ((y - yh) ** 2).sum() / 5, rtol=1e-5)
    d3 = 2 * (y - yh) / 5 * y * (1 - y)
    d2 = (W3.T @ d3) * a2 * (1 - a2)
    d1 = (W2.T @ d2) * a1 * (1 - a1)
    want = [W1 - 0.01 * d1 @ x.T, W2 - 0.01 * d2 @ a1.T, W3 - 0.01 * d3 @ a2.T,
            b1 - 0.01 * d1.sum(1), b2 - 0.01 * d2.sum(1), b3 - 0.01 * d3.sum(1)]
    for p, w in zip(params, want):
        np.testing.assert_allclose(p.get_value(), w, rtol=1e-4, atol=1e-6)


def test_minibatch_mlp_three_relu_forms_agree(mlp):
    # catches: T.switch(z < 0, 0, z), T.maximum(z, 0) and z * (z > 0) differing in value or gradient
    glb, _ = mlp
    X, Y = glb["make_data"](400, seed=5)
    trajectories = []
    for act in ("relu_switch", "relu_maximum", "relu_mask"):
        with config_mode("FAST_COMPILE"):
            train, test, params = glb["build_network"](act, hidden=16, batch_size=100, seed=2)
        np.random.seed(0)
        with contextlib.redirect_stdout(io.StringIO()):
            costs = glb["training"](train, X, Y, epochs=3, batch_size=100)
        trajectories.append((costs, test(X)))
    for costs, pred in trajectories[1:]:
        np.testing.assert_allclose(costs, trajectories[0][0], rtol=1e-6)
        np.testing.assert_allclose(pred, trajectories[0][1], rtol=1e-5)
    assert trajectories[0][0][-1] < trajectories[0][0][0]


def test_minibatch_mlp_rejects_an_unknown_activation(mlp):
    glb, _ = mlp
    with pytest.raises(ValueError, match="activation must be one of"):
        glb["build_network"]("tanh", hidden=4, batch_size=2)


# -- seed 001's GPU slide: gpu_matmul.py ------------------------------------------------------------------
def _run_gpu_example(extra_env):
    env = dict(os.environ, JAXLIKE_EXAMPLE_SMALL="1", **extra_env)
    env.pop("JAXLIKE_FLAGS", None)
    return subprocess.run([sys.executable, str(EXAMPLES / "gpu_matmul.py")], capture_output=True, text=True,
                          env=env, timeout=600)


def test_gpu_matmul_runs_on_cpu_and_explains_a_missing_gpu():
    # catches: the example crashing (non-zero exit) on a machine without a GPU backend
    res = _run_gpu_example({"NUMBA_ENABLE_CUDASIM": "0"})
    assert res.returncode == 0, res.stderr[-2000:]
    lines = res.stdout.splitlines()
    assert lines[0].startswith("Command: python test_gpu.py") and re.match(r"It cost \d+\.\d+ sec", lines[1])
    assert "No GPU backend is available" in res.stdout or res.stdout.count("It cost") == 3


def test_gpu_matmul_in_the_cuda_simulator():
    # catches: the device=gpu path of the example failing where a GPU backend exists
    pytest.importorskip("numba.cuda")
    res = _run_gpu_example({"NUMBA_ENABLE_CUDASIM": "1", "JAXLIKE_EXAMPLE_N": "8"})
    assert res.returncode == 0, res.stderr[-2000:]
    assert res.stdout.count("It cost") == 3 and "float32" in res.stdout


def test_gpu_matmul_product_is_right():
    os.environ["JAXLIKE_EXAMPLE_N"] = "64"
    try:
        glb = runpy.run_path(str(EXAMPLES / "gpu_matmul.py"), run_name="gpu_matmul")
        with contextlib.redirect_stdout(io.StringIO()):
            x, y, z = glb["test_gpu"]()
            x32, y32, z32 = glb["test_gpu_float32"]()
    finally:
        del os.environ["JAXLIKE_EXAMPLE_N"]
    np.testing.assert_allclose(z, x @ y, rtol=1e-10, atol=1e-10)
    assert z32.dtype == np.float32
    np.testing.assert_allclose(z32, x32 @ y32, rtol=1e-4, atol=1e-3)
