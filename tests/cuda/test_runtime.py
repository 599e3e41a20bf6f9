"""The GPU backend's calling convention in the CUDA simulator: device selection, state kept on the device
between calls, device arrays in and out (numba arrays and any ``__cuda_array_interface__`` object, without a
copy), per-shape plans, the kernel cache and the buffer pool.

Each test says what it would catch.
"""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike.core.graph import Var, Graph
from jaxlike.core.types import TensorType, Sym
from jaxlike.core.errors import ShapeError
from jaxlike.core.interpret import interpret


def var(dtype, *shape):
    return Var(TensorType(dtype, tuple(Sym() if d is None else d for d in shape)))


class HostCAI:
    """A foreign 'device' array for the simulator, where device memory is host memory: it exposes only
    ``__cuda_array_interface__`` over a numpy buffer, as CuPy or PyTorch arrays do over GPU memory."""

    def __init__(self, arr):
        self.arr = arr
        self.__cuda_array_interface__ = {"shape": arr.shape, "typestr": arr.dtype.str, "strides": None,
                                         "data": (arr.ctypes.data, False), "version": 3, "stream": None}


@pytest.fixture(scope="module")
def sgd(gpu):
    """w <- w - 0.1 * grad of sum((x @ w)**2), returning the cost: a one-layer training step with state."""
    w, x = var("float64", None, None), var("float64", None, None)
    cost = jnp.sum((x @ w) ** 2)
    gw = jaxlike.grad(lambda w: jnp.sum((x @ w) ** 2))(w)
    graph = Graph([w, x], [cost], [(w, w - 0.1 * gw)])
    return graph, gpu.backend.compile(graph)


def test_state_stays_on_device_and_updates_in_place(gpu, sgd):
    """Catches: updates returned as host arrays (a round trip per step), the update not written into the state
    buffer that was passed in, or a wrong value after several steps."""
    graph, exe = sgd
    rng = np.random.default_rng(0)
    w0, x = rng.standard_normal((3, 2)) * 0.1, rng.standard_normal((4, 3))
    state, want = w0, w0
    for step in range(3):
        (cost,), (new,) = exe(state, x)
        (want_cost,), (want,) = interpret(graph, [want, x])
        assert isinstance(cost, np.ndarray)
        assert gpu.backend.Arrays.is_device(new), "the updated state must stay a device array"
        if step:
            assert new.__cuda_ndarray__ and np.shares_memory(np.asarray(new._ary), np.asarray(state._ary)), \
                "a device state argument must be updated in place"
        np.testing.assert_allclose(cost, want_cost, rtol=1e-12)
        np.testing.assert_allclose(np.asarray(new), want, rtol=1e-12)
        state = new


def test_swapped_updates_read_old_values(gpu):
    """Catches: in-place updates clobbering a state another update still has to read (a <- b, b <- a)."""
    a, b = var("float64", None), var("float64", None)
    exe = gpu.backend.compile(Graph([a, b], [a + b], [(a, b), (b, a)]))
    (s,), (na, nb) = exe(np.array([1.0, 2.0]), np.array([10.0, 20.0]))
    np.testing.assert_array_equal(np.asarray(na), [10.0, 20.0])
    np.testing.assert_array_equal(np.asarray(nb), [1.0, 2.0])
    (s2,), (na2, nb2) = exe(na, nb)
    np.testing.assert_array_equal(np.asarray(na2), [1.0, 2.0])
    np.testing.assert_array_equal(s2, [11.0, 22.0])


def test_device_outputs_chain_without_copies(gpu):
    """Catches: the outputs='device' option ignored, or device results not accepted back as inputs."""
    x = var("float32", None, 3)
    exe = gpu.backend.compile(Graph([x], [jnp.exp(x) * 2.0, jnp.sum(x, axis=1)]), {"outputs": "device"})
    assert exe.device_outputs
    data = np.arange(6, dtype=np.float32).reshape(2, 3) / 10
    (y, s), _ = exe(data)
    assert gpu.backend.Arrays.is_device(y) and tuple(y.shape) == (2, 3) and tuple(s.shape) == (2,)
    (y2, _), _ = exe(y)
    np.testing.assert_allclose(np.asarray(y2), np.exp(np.exp(data) * 2) * 2, rtol=2e-6)


def test_cuda_array_interface_inputs_are_used_in_place(gpu):
    """Catches: a __cuda_array_interface__ argument copied (its state update would not show in its memory), or
    misread (shape, dtype)."""
    w = var("float64", None)
    exe = gpu.backend.compile(Graph([w], [jnp.sum(w)], [(w, w * 2.0)]))
    host = np.array([1.0, 2.0, 3.0])
    (s,), (new,) = exe(HostCAI(host))
    assert float(s) == 6.0
    np.testing.assert_array_equal(host, [2.0, 4.0, 6.0])
    with pytest.raises(TypeError, match="dtype float64"):
        exe(HostCAI(np.ones(3, np.float32)))


def test_non_contiguous_device_input(gpu):
    """Catches: a strided device view read as if it were contiguous."""
    from numba import cuda
    x = var("float64", None, None)
    exe = gpu.backend.compile(Graph([x], [x * 1.0]))
    data = np.arange(12.0).reshape(3, 4)
    dev = cuda.to_device(data).T
    (out,), _ = exe(dev)
    np.testing.assert_array_equal(out, data.T)


def test_bad_arguments(gpu):
    """Catches: wrong dtypes or ranks failing deep inside a kernel instead of naming the argument."""
    x, y = var("float64", None, 3), var("float64", None, 3)
    exe = gpu.backend.compile(Graph([x, y], [x + y]))
    with pytest.raises(ShapeError, match="argument 0"):
        exe(np.ones(3), np.ones((2, 3)))
    with pytest.raises(ShapeError):
        exe(np.ones((2, 3)), np.ones((4, 3)))
    with pytest.raises(TypeError, match="expected dtype float64"):
        exe(np.ones((2, 3), dtype=complex), np.ones((2, 3)))


def test_plans_kernels_and_buffers_are_reused(gpu, monkeypatch):
    """Catches: per-call shape planning, recompiling identical kernels, or allocating temporaries on every
    call (the pool must serve the second call with the same shapes)."""
    B = gpu.backend
    x = var("float64", None)
    graph = Graph([x], [jnp.sum(jnp.exp(x) * jnp.sin(x))])
    exe = B.compile(graph)
    runner = exe.run.__self__
    n_kernels = len(B._KERNELS)
    B.compile(Graph([x], [jnp.sum(jnp.exp(x) * jnp.sin(x))]))
    assert len(B._KERNELS) == n_kernels, "identical kernel sources must share one compiled kernel"
    exe(np.ones(50))
    allocations = []
    real_empty = B.Arrays.empty
    monkeypatch.setattr(B.Arrays, "empty", lambda self, n, dt: allocations.append(n) or real_empty(self, n, dt))
    for _ in range(3):
        (v,), _ = exe(np.full(50, 0.5))
    assert allocations == [], f"repeated calls allocated device buffers of sizes {allocations}"
    np.testing.assert_allclose(v, 50 * np.exp(0.5) * np.sin(0.5), rtol=1e-12)
    exe(np.ones(7))
    assert len(runner.plans) == 2
    (v,), _ = exe(np.full(50, 0.25))
    assert len(runner.plans) == 2
    np.testing.assert_allclose(v, 50 * np.exp(0.25) * np.sin(0.25), rtol=1e-12)


def test_reduction_strategies_are_all_exercised(gpu):
    """Catches: a test suite that only ever runs one reduction strategy: the plans for these three shapes pick
    one-thread-per-output, one block per output, and split blocks with a finishing pass."""
    from jaxlike.backends.numba_cuda.codegen import KernelStep
    x = var("float64", None, None)
    exe = gpu.backend.compile(Graph([x], [jnp.sum(x, axis=1)]))
    runner = exe.run.__self__
    step = next(s for s in runner.program.steps if isinstance(s, KernelStep))
    seen = set()
    for shape in [(100, 3), (3, 40), (1, 500)]:
        data = np.random.default_rng(1).standard_normal(shape)
        (out,), _ = exe(data)
        np.testing.assert_allclose(out, data.sum(axis=1), rtol=1e-12)
        S = runner.plans[(shape,)].S
        p = S[step.s_args][[n for n, _ in step.spec.params].index(step.spec.info["P"])]
        seen.add("serial" if S[step.s_serial] else ("split" if p > 1 else "block"))
    assert seen == {"serial", "block", "split"}


@pytest.fixture
def restore_device():
    old = jaxlike.config.device
    yield
    jaxlike.config.device = old


def test_device_selection(gpu, restore_device):
    """Catches: device='cuda', config.device='cuda'/'gpu' or JAXLIKE_FLAGS not reaching this backend."""
    f = jaxlike.compile(lambda x: jnp.exp(x) + 1.0, device="cuda")
    x = np.linspace(0, 1, 5)
    np.testing.assert_allclose(f(x), np.exp(x) + 1.0, rtol=1e-12)
    assert "@cuda.jit" in f.source(x)
    jaxlike.config.update_from_string("device=gpu")
    assert jaxlike.config.device == "cuda"
    g = jaxlike.compile(lambda x: x * 3.0)
    assert "@cuda.jit" in g.source(x)
    np.testing.assert_allclose(g(x), x * 3.0)


def test_debug_print_runs_on_the_host_each_call(gpu, capsys):
    """Catches: a print on device='cuda' warned about as a missing kernel, run once, or printing the device
    buffer instead of its values."""
    import warnings
    from jaxlike import debug

    def f(x):
        debug.print("x {}", x * 2.0)
        return x + 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = jaxlike.compile(f, device="cuda")
        for x in (np.arange(3.0), np.ones(2)):
            np.testing.assert_allclose(g(x), x + 1.0)
            assert capsys.readouterr().out == f"x {x * 2.0}\n"


def test_theano_style_training_keeps_shared_values_on_device(gpu, restore_device):
    """Catches: the Theano front end and this backend disagreeing on state: shared values must live on the
    device between steps, and get_value must copy them to the host."""
    T = pytest.importorskip("jaxlike.tensor", reason="the Theano-style front end is not available")
    if not hasattr(jaxlike, "function") or not hasattr(jaxlike, "shared"):
        pytest.skip("jaxlike.function/jaxlike.shared are not exported")
    jaxlike.config.device = "cuda"
    rng = np.random.default_rng(0)
    W = jaxlike.shared(rng.standard_normal((3, 2)) * 0.1, name="W")
    x = T.matrix("x")
    cost = T.sum(T.dot(x, W) ** 2)
    train = jaxlike.function([x], cost, updates=[(W, W - 0.1 * T.grad(cost, W))])
    X = rng.standard_normal((4, 3))
    w = W.get_value()
    for _ in range(3):
        c = train(X)
        want = np.sum((X @ w) ** 2)
        w = w - 0.1 * 2 * X.T @ (X @ w)
        np.testing.assert_allclose(c, want, rtol=1e-12)
    assert gpu.backend.Arrays.is_device(W.get_value(borrow=True, return_internal_type=True))
    np.testing.assert_allclose(W.get_value(), w, rtol=1e-12)


def test_compile_with_device_arrays_end_to_end(gpu):
    """Catches: jaxlike.compile copying a GPU argument to the host to read its type (or refusing it, as CuPy
    does), or the outputs option not reaching the backend."""
    f = jaxlike.compile(lambda x, y: (jnp.sin(x) * y, jnp.sum(x)), device="cuda", options={"outputs": "device"})
    x = np.linspace(0.0, 1.0, 6).reshape(2, 3)
    a, s = f(HostCAI(x), 2.0)
    assert gpu.backend.Arrays.is_device(a) and gpu.backend.Arrays.is_device(s)
    b, _ = f(a, 2.0)  # the device result goes straight back in
    np.testing.assert_allclose(np.asarray(b), np.sin(np.sin(x) * 2.0) * 2.0, rtol=1e-12)
    assert float(np.asarray(s)) == pytest.approx(x.sum())


def test_a_cpu_function_updates_a_value_a_gpu_function_left_on_the_device(gpu, restore_device):
    """Catches: the CPU function's in-place update landing in a host copy that is then dropped, so the
    shared variable keeps the device value from before the step (on a GPU: the simulator's device memory is
    host memory, so there the host copy aliases it and this checks the values only)."""
    T = pytest.importorskip("jaxlike.tensor")
    W = jaxlike.shared(np.ones((2, 2)), name="W")
    jaxlike.config.device = "cuda"
    on_gpu = jaxlike.function([], [], updates=[(W, W * 2.0)])
    jaxlike.config.device = "cpu"
    x = T.vector("x")
    on_cpu = jaxlike.function([x], T.sum(W), updates=[(W, W + x)])
    on_gpu()
    assert gpu.backend.Arrays.is_device(W.get_value(borrow=True, return_internal_type=True))
    np.testing.assert_allclose(on_cpu(np.array([1.0, 3.0])), 8.0)
    np.testing.assert_allclose(W.get_value(), [[3.0, 5.0], [3.0, 5.0]])
    on_gpu()
    np.testing.assert_allclose(W.get_value(), [[6.0, 10.0], [6.0, 10.0]])


def test_random_bits_run_as_kernels_and_equal_the_cpu_draws(gpu):
    """Catches: Threefry kernels (draws and fold_in) disagreeing with the numpy rounds, or falling back to the
    host (a warning and a device-host round trip per call)."""
    import warnings
    import jaxlike.random as R

    def draws(key, x, step):
        return x * R.uniform(R.fold_in(key, step), x.shape), R.split(key, 3), R.bits(key, (5,), np.uint64)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        f = jaxlike.compile(draws, device="cuda")
        x = np.ones((4, 3))
        for seed, step in ((7, 4), (2 ** 40 + 1, 0)):
            got = f(R.PRNGKey(seed), x, step)
            for g, w in zip(got, draws(R.PRNGKey(seed), x, step)):
                np.testing.assert_array_equal(np.asarray(g), w)


def test_a_loop_runs_on_the_host_and_says_so(gpu):
    """Catches: a scan's step graph taken for a fused kernel body (it is not one), or a loop under
    device=cuda giving values other than the CPU's. Loops have no GPU kernel yet: they run on the host with
    a warning."""
    from jaxlike import lax

    def f(w, xs):
        h, hs = lax.scan(lambda h, x: (jnp.tanh(w * h + x), h), jnp.zeros(3), xs)
        return jnp.sum(h) + jnp.sum(hs)
    xs = np.linspace(-1.0, 1.0, 12).reshape(4, 3)
    with pytest.warns(RuntimeWarning, match="no kernel for scan"):
        f_gpu = jaxlike.compile(jaxlike.value_and_grad(f), device="cuda")
        got = f_gpu(0.7, xs)
    for g, w in zip(got, jaxlike.value_and_grad(f)(0.7, xs)):
        np.testing.assert_allclose(np.asarray(g), w, rtol=1e-12)


def test_a_cond_runs_as_a_select_on_the_device(gpu):
    """Catches: a cond node reaching the GPU planner (it has no kernel; optimize inlines every branch and a
    select for device=cuda), and that select form losing the cond's NaN-free derivative at sqrt's kink."""
    import warnings
    from jaxlike import lax

    def f(x):
        return jnp.sum(lax.cond(jnp.sum(x) > 0, lambda v: jnp.sqrt(v), lambda v: 0.0 * v, x))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g_gpu = jaxlike.compile(jaxlike.value_and_grad(f), device="cuda")
        for x in (np.array([0.0, 4.0]), np.array([-1.0, 0.0])):
            value, grad = g_gpu(x)
            want_value, want_grad = jaxlike.value_and_grad(f)(x)
            assert np.asarray(value) == pytest.approx(float(want_value))
            np.testing.assert_array_equal(np.asarray(grad), np.asarray(want_grad))
    # the untaken sqrt branch (of -1 and 0) leaks no NaN
    np.testing.assert_array_equal(np.asarray(g_gpu(np.array([-1.0, 0.0]))[1]), [0.0, 0.0])


def test_plan_errors_name_the_op_and_line(gpu):
    """Catches: a size mismatch in a reshape or concatenation planned without the op's name or the user's
    line, and a loop's result sized inside its step (a reshape there) crashing in the planner with
    "int() argument must be ... not 'DimSum'"; a concatenation in the step has a size the plan knows."""
    from jaxlike import lax
    reshape = jaxlike.compile(lambda v: jnp.reshape(v, (3, 3)), device="cuda")
    with pytest.raises(ShapeError, match=r"reshape: .*\(4,\).*\(3, 3\) \(at test_runtime.py"):
        reshape(np.ones(4))
    glue = jaxlike.compile(lambda m: jnp.concatenate([m, m.T], axis=0), device="cuda")
    with pytest.raises(ShapeError, match=r"concatenate: .*\(at test_runtime.py"):
        glue(np.ones((2, 3)))
    with pytest.warns(RuntimeWarning, match="no kernel for scan"):
        doubled = jaxlike.compile(lambda v: lax.scan(lambda c, _: (c * 2, jnp.concatenate([c, c])), v, None,
                                                     length=2)[1], device="cuda")
        np.testing.assert_array_equal(np.asarray(doubled(np.arange(3.0))), [[0, 1, 2] * 2, [0, 2, 4] * 2])
        inner = jaxlike.compile(lambda v: lax.scan(lambda c, _: (c * 2, jnp.concatenate([c, c[:1]])), v, None,
                                                   length=2)[1], device="cuda")
        with pytest.raises(NotImplementedError, match="a size computed inside a loop step.*device='cpu'"):
            inner(np.arange(3.0))


def test_slices_with_computed_bounds_plan_their_length_from_scalar_arguments(gpu, restore_device):
    """Catches: device='cuda' refusing Theano's minibatch slice ``data[i * b:(i + 1) * b]`` (an iota whose
    length is a computed count), or planning it once and reusing the first index's length (the last, shorter
    batch); and a length read off device values taken from an uninitialized host stand-in instead of refused."""
    import jaxlike.tensor as T
    data = jaxlike.shared(np.arange(20.0).reshape(10, 2), "data")
    w = jaxlike.shared(np.ones(2), "w")
    i, b = T.lscalar("i"), T.lscalar("b")
    batch = data[i * b:(i + 1) * b]
    cost = T.sum(T.dot(batch, w) ** 2)
    jaxlike.config.device = "cuda"
    step = jaxlike.function([i, b], [cost, batch.shape[0]], updates=[(w, w - 0.001 * T.grad(cost, w))])
    ref_w = np.ones(2)
    for k, size in [(0, 4), (1, 4), (2, 4), (0, 3)]:
        rows = np.arange(20.0).reshape(10, 2)[k * size:(k + 1) * size]
        got = step(k, size)
        np.testing.assert_allclose(got[0], np.sum((rows @ ref_w) ** 2))
        assert int(got[1]) == len(rows)
        ref_w = ref_w - 0.001 * 2 * rows.T @ (rows @ ref_w)
        np.testing.assert_allclose(np.asarray(w.get_value()), ref_w)
    by_value = jaxlike.compile(lambda x: x[:jnp.sum(x > 0)], device="cuda")
    with pytest.raises(NotImplementedError, match="depends here on array values computed on the device"):
        by_value(np.arange(4.0))


def test_products_of_sizes_in_reshapes_and_slices_on_the_device(gpu):
    """Catches: the device plan resolving a DimProd bound as a sum (or not at all): tile's merged axes, a
    diagonal's strided slice of flattened planes (0 : c*c : c+1), each for two shapes of one compile."""
    f = jaxlike.compile(lambda a: (jnp.diagonal(a, 1) * 2, jnp.tile(a, (2, 2)) + 1), device="cuda")
    for shape in [(3, 5), (4, 2)]:
        a = np.arange(np.prod(shape), dtype=float).reshape(shape)
        for got, want in zip(f(a), (np.diagonal(a, 1) * 2, np.tile(a, (2, 2)) + 1)):
            np.testing.assert_array_equal(np.asarray(got), want)
