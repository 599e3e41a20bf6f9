"""Thread safety: compiling and calling one function from several threads at once traces it once per
signature, and every thread gets its own correct answer (no races on the signature cache, the profiler's
counters or the DEBUG_MODE wrapper)."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp

N_THREADS = 8


def run_together(fn, args_per_thread):
    """Start every call at the same moment (a barrier), so the first calls race to compile."""
    barrier = threading.Barrier(len(args_per_thread))

    def call(args):
        barrier.wait()
        return fn(*args)

    with ThreadPoolExecutor(len(args_per_thread)) as pool:
        return list(pool.map(call, args_per_thread))


def counting(body, delay=0.0):
    """``body`` plus a count of how often Python ran it (= how often it was traced); ``delay`` slows each
    trace so that the other threads surely arrive while the first one is still building."""
    count = [0]
    lock = threading.Lock()

    def fn(*args):
        with lock:
            count[0] += 1
        time.sleep(delay)
        return body(*args)
    return fn, count


@pytest.mark.parametrize("mode", ["FAST_RUN", "DEBUG_MODE"])
def test_concurrent_first_calls_trace_once_and_agree(mode):
    """Would catch: two threads both missing the cache and tracing/compiling, or one thread reading a
    half-built cache entry."""
    fn, traces = counting(lambda x, w: jnp.tanh(x @ w).sum(axis=1), delay=0.2)
    f = jaxlike.compile(fn, mode=mode)
    rng = np.random.default_rng(0)
    args = [(rng.normal(size=(5 + k, 3)), rng.normal(size=(3, 4))) for k in range(N_THREADS)]
    outs = run_together(f, args)
    assert traces[0] == 1
    for (x, w), out in zip(args, outs):
        np.testing.assert_allclose(out, np.tanh(x @ w).sum(axis=1), rtol=1e-12)


def test_concurrent_specialization_traces_once():
    """Regression: a function that reads a size as an int is retraced with concrete shapes; a thread that
    waited on the build lock used to look up the unspecialized key, miss, and trace a second time."""
    fn, traces = counting(lambda x: x * float(x.shape[0]), delay=0.2)
    f = jaxlike.compile(fn)
    outs = run_together(f, [(np.ones(4),)] * N_THREADS)
    assert traces[0] == 2  # the symbolic attempt that raised ConcretizationError, then the concrete trace
    for out in outs:
        np.testing.assert_array_equal(out, np.full(4, 4.0))


def test_many_signatures_from_many_threads():
    """Would catch: entries for different signatures overwriting each other, or a thread getting the
    executable of another rank/dtype."""
    fn, traces = counting(lambda x: jnp.sum(x * 2.0))
    f = jaxlike.compile(fn)
    shapes = [(3,), (2, 3), (2, 2, 2), ()]
    dtypes = [np.float64, np.float32]
    args = [(np.ones(shapes[k % 4], dtype=dtypes[k // 4 % 2]),) for k in range(N_THREADS)]
    for _ in range(3):
        outs = run_together(f, args)
        for (x,), out in zip(args, outs):
            assert float(out) == 2.0 * x.size and np.asarray(out).dtype == x.dtype
    assert traces[0] == 8  # 4 ranks x 2 dtypes, each traced once over all three rounds


def test_profiler_counts_every_call_from_every_thread():
    """Would catch: lost updates on the profile counters under concurrency."""
    jaxlike.config.profile = True

    def threaded_profile_fn(x):
        return x + 1.0

    f = jaxlike.compile(threaded_profile_fn)
    calls_per_thread = 50

    def hammer(x):
        for _ in range(calls_per_thread):
            f(x)
        return True

    run_together(hammer, [(np.ones(3),)] * N_THREADS)
    row = next(p.row() for p in jaxlike.profile.profiles() if p.name == "threaded_profile_fn")
    assert row["calls"] == N_THREADS * calls_per_thread
    assert row["mb_moved"] == pytest.approx(N_THREADS * calls_per_thread * 48 / 1e6)
    jaxlike.profile.reset()


def test_grad_compiled_from_threads_matches_serial():
    """Would catch: shared mutable state in tracing/autodiff (fresh-Var substitution) leaking between
    concurrent traces of different functions."""
    def make(k):
        return jaxlike.compile(jaxlike.grad(lambda x: jnp.sum(jnp.sin(x * (k + 1.0)))))

    fs = [make(k) for k in range(N_THREADS)]
    x = np.linspace(0, 1, 5)
    outs = run_together(lambda f: f(x), [(f,) for f in fs])
    for k, out in enumerate(outs):
        np.testing.assert_allclose(out, (k + 1.0) * np.cos(x * (k + 1.0)), rtol=1e-12)


def test_theano_function_called_from_threads():
    """Would catch: per-call state in jaxlike.function (argument conversion, output ownership) shared
    between threads. Functions without updates only: concurrent updates of one shared variable are a race
    by nature, as in Theano."""
    if not hasattr(jaxlike, "function"):
        pytest.skip("the Theano-style front end (jaxlike.function) is not available")
    import jaxlike.tensor as T
    x, w = T.dmatrix("x"), T.dmatrix("w")
    f = jaxlike.function([x, w], T.tanh(T.dot(x, w)))
    rng = np.random.default_rng(1)
    args = [(rng.normal(size=(4 + k, 3)), rng.normal(size=(3, 2))) for k in range(N_THREADS)]
    for _ in range(3):
        for (a, b), out in zip(args, run_together(f, args)):
            np.testing.assert_allclose(out, np.tanh(a @ b), rtol=1e-12)


SCRIPT_WORKQUEUE = """
import sys
from concurrent.futures import ThreadPoolExecutor
import numpy as np
import jaxlike, jaxlike.numpy as jnp
jaxlike.config.cache_dir = sys.argv[1]
f = jaxlike.compile(lambda x: jnp.sum(jnp.sin(x) * 2.0))
x = np.linspace(-3.0, 3.0, 100000)
want = f(x)
with ThreadPoolExecutor(4) as pool:
    same = all(pool.map(lambda _: all(f(x) == want for _ in range(10)), range(4)))
forced = jaxlike.compile(lambda x: jnp.sum(jnp.sin(x) * 2.0), options={"parallel": True})
print(same, "_par(" in f.source(x), "_par(" in forced.source(x))
"""


def test_no_parallel_kernels_by_default_where_the_threading_layer_is_not_reentrant(tmp_path):
    """Catches: "auto" adding parallel kernels under numba's workqueue threading layer (the one it falls back
    to without TBB or OpenMP), where two Python threads calling them abort the whole process."""
    import os
    import subprocess
    import sys
    env = dict(os.environ, NUMBA_THREADING_LAYER="workqueue", NUMBA_NUM_THREADS="2")
    out = subprocess.run([sys.executable, "-c", SCRIPT_WORKQUEUE, str(tmp_path)], capture_output=True, text=True,
                         env=env, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["True", "False", "True"]
