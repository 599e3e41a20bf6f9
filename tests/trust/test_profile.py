"""The profiler: per compiled function call counts, times (executable vs dispatch), compile time and bytes
moved; per-kernel times when the backend exposes steps; a table from ``jaxlike.profile.report()`` and at
interpreter exit."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike.runtime import profile as rprofile


@pytest.fixture
def profiling():
    jaxlike.config.profile = True
    yield
    jaxlike.profile.reset()


def _row(name):
    rows = [p.row() for p in jaxlike.profile.profiles() if p.name == name]
    assert len(rows) == 1, rows
    return rows[0]


def test_counts_times_and_bytes_per_function(profiling):
    """Would catch: calls not counted, the first (lazily compiling) call folded into the steady-state mean
    or charged as dispatch, or bytes moved that are not inputs + outputs."""

    def profiled_axpy(a, x, y):
        return a * x + y

    f = jaxlike.compile(profiled_axpy)
    x, y = np.ones(1000), np.ones(1000)
    for _ in range(25):
        f(2.0, x, y)
    r = _row("profiled_axpy")
    assert r["calls"] == 25 and r["signatures"] == 1
    assert r["mb_moved"] == pytest.approx(25 * (8 + 8000 + 8000 + 8000) / 1e6)
    assert r["exe_s"] > 0 and r["first_s"] > 0 and r["compile_s"] > 0 and r["trace_s"] > 0
    assert r["dispatch_us"] is not None and r["dispatch_us"] > 0
    # the first call compiled (it is not timed through the front end); the other 24 are steady state
    assert r["total_s"] == pytest.approx(r["first_s"] + r["exe_s"] + r["dispatch_us"] * 24 / 1e6, rel=1e-6)
    assert r["mean_us"] == pytest.approx(1e6 * (r["total_s"] - r["first_s"]) / 24)


def test_new_signature_counts_as_another_compile(profiling):
    """Would catch: compile time of later signatures (retraces) being lost."""

    def profiled_sig(x):
        return jnp.sum(x * x)

    f = jaxlike.compile(profiled_sig)
    f(np.ones(3))
    f(np.ones((2, 3)))
    f(np.ones((4, 5)))
    r = _row("profiled_sig")
    assert r["signatures"] == 2 and r["calls"] == 3


def test_report_prints_returns_and_renders_html(profiling, capsys):
    """Would catch: a report that only prints (notebooks want the value) or lacks the columns promised."""

    def profiled_report_fn(x):
        return jnp.tanh(x)

    f = jaxlike.compile(profiled_report_fn)
    for _ in range(3):
        f(np.ones(10))
    text = jaxlike.profile.report()
    printed = capsys.readouterr().out
    assert text in printed
    line = next(line for line in text.splitlines() if line.startswith("profiled_report_fn"))
    assert line.split()[1] == "3"
    for col in ("calls", "total s", "first calls s", "mean us/call", "in executable s", "dispatch us/call",
                "compile s", "MB moved"):
        assert col in text
    html = text._repr_html_()
    assert html.startswith("<table>") and "<td>profiled_report_fn</td><td>3</td>" in html
    quiet = jaxlike.profile.report(file=False)
    assert capsys.readouterr().out == "" and quiet == text


def test_report_says_how_to_turn_profiling_on_when_empty(capsys):
    """Would catch: an empty or confusing table when nothing was profiled."""
    saved = list(rprofile._PROFILES)
    rprofile._PROFILES.clear()
    try:
        text = jaxlike.profile.report(file=False)
    finally:
        rprofile._PROFILES.extend(saved)
    assert "set jaxlike.config.profile = True" in text


def test_profile_off_leaves_the_executable_unwrapped():
    """Would catch: profiling overhead on the hot path when the flag is off."""
    f = jaxlike.compile(lambda x: x + 1.0)
    f(np.ones(2))
    assert f._compiled._profile is None
    assert not hasattr(next(iter(f._cache.values())).exe, "profile")


def test_kernel_times_when_the_backend_exposes_steps(profiling, fake_backend):
    """Would catch: per-kernel rows missing when a backend offers steps, or results changing because the
    profiler ran the steps instead of the entry."""
    fake_backend("stepper")

    def profiled_kernels(x, w):
        return jnp.sum(jnp.exp(x @ w))

    f = jaxlike.compile(profiled_kernels)
    x, w = np.ones((4, 3)), np.full((3, 2), 0.5)
    for _ in range(4):
        out = f(x, w)
    assert out == pytest.approx(8 * np.exp(1.5))
    kernels = {label: (n, t) for label, n, t in _row("profiled_kernels")["kernels"]}
    exe = next(iter(f._cache.values())).exe
    assert set(kernels) == set(rprofile._kernel_labels(exe.graph).values())  # one row per kernel
    assert all(n == 4 and t > 0 for n, t in kernels.values())
    assert any(label.endswith("= contract") for label in kernels)
    text = jaxlike.profile.report(file=False)
    assert "kernel c = contract: 4 calls" in text


def test_numba_cpu_times_its_kernels_from_inside_the_entry(profiling):
    """Would catch: the default backend giving no per-kernel rows, a timer slot charged to the wrong kernel
    (times that do not add up to the executable's), or the timers changing results."""
    pytest.importorskip("jaxlike.backends.numba_cpu")

    def timed_kernels(x, w):
        return jnp.sum(jnp.exp(x @ w)), jnp.tanh(x).T @ x

    f = jaxlike.compile(timed_kernels)
    x, w = np.ones((40, 30)), np.full((30, 20), 0.01)
    for _ in range(3):
        out = f(x, w)
    np.testing.assert_allclose(out[0], 800 * np.exp(0.3), rtol=1e-12)
    exe = next(iter(f._cache.values())).exe
    assert exe.inner.backend == "numba_cpu" and "_rt.clock()" in exe.source
    row = _row("timed_kernels")
    kernels = {label: (n, t) for label, n, t in row["kernels"]}
    assert any(label.endswith("= contract") for label in kernels) and len(kernels) >= 3, kernels
    assert all(n == 3 for n, _ in kernels.values())
    assert sum(t for _, t in kernels.values()) <= row["exe_s"] + row["first_s"] + 1e-3


def test_table_printed_at_exit_from_environment_flag():
    """Would catch: JAXLIKE_FLAGS=profile=True collecting numbers nobody sees."""
    script = textwrap.dedent("""
        import numpy as np, jaxlike, jaxlike.numpy as jnp
        def exit_fn(x):
            return jnp.sin(x) * 2.0
        f = jaxlike.compile(exit_fn)
        for _ in range(7):
            f(np.ones(5))
    """)
    env = dict(os.environ, JAXLIKE_FLAGS="profile=True")
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    line = next(line for line in done.stderr.splitlines() if line.startswith("exit_fn"))
    assert line.split()[1] == "7"


def test_theano_function_profile_flag():
    """Would catch: jaxlike.function(..., profile=True) not reaching the report, or profiling every function
    once one asked for it."""
    if not hasattr(jaxlike, "function"):
        pytest.skip("the Theano-style front end (jaxlike.function) is not available")
    import jaxlike.tensor as T
    x = T.dvector("x")
    w = jaxlike.shared(np.ones(3), name="w")
    train = jaxlike.function([x], T.sum(x * w), updates=[(w, w * 0.5)], profile=True, name="profiled_train")
    plain = jaxlike.function([x], T.sum(x * w), name="unprofiled")
    for _ in range(6):
        train(np.ones(3))
        plain(np.ones(3))
    r = _row("profiled_train")
    assert r["calls"] == 6 and r["dispatch_us"] is not None
    assert not [p for p in jaxlike.profile.profiles() if p.name == "unprofiled"]
    np.testing.assert_allclose(w.get_value(), np.full(3, 0.5 ** 6))
    jaxlike.profile.reset()
