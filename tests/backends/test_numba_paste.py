"""paste.py: kernel bodies written into the entry in place of their calls (no numba needed here, except in
the last two tests)."""

import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from _numba_level import user_env
from jaxlike.backends.numba_cpu.paste import paste

_MAP = ["@njit(inline='always', error_model='numpy')",
        "def k0_b(a, c, _out, n0):",
        "    for i0 in range(n0):",
        "        a_ = a[i0]",
        "        _out[i0] = a_ * c"]


def test_parameters_become_the_call_arguments_and_locals_get_the_prefix():
    """Would catch: a local of one kernel clashing with the entry's names or another kernel's (both loops
    use i0), or an argument expression (a literal) substituted without keeping it one expression."""
    lines = paste(_MAP, ["x", "np.float64(2.0)", "y", "n3"], "", "_k0")
    assert lines == ["for _k0i0 in range(n3):",
                     "    _k0a_ = x[_k0i0]",
                     "    y[_k0i0] = _k0a_ * np.float64(2.0)"]


def test_a_final_return_becomes_the_assignment():
    fn = ["@njit(inline='always')", "def k1_s(a, n0):", "    _a = 0.0", "    for i0 in range(n0):",
          "        _a += a[i0]", "    return (np.float64(_a), _a)"]
    assert paste(fn, ["x", "n0"], "s, t, = ", "_k1")[-1] == "s, t, = (np.float64(_k1_a), _k1_a)"


@pytest.mark.parametrize("fn", [
    ["@njit(cache=True)", "def k(a):", "    return a"],                                 # not inline='always'
    ["@njit(inline='always')", "def k(a):", "    if a:", "        return 1", "    return 2"],   # early return
    ["@njit(inline='always')", "def k(a):", "    a = a + 1", "    return a"],           # assigns a parameter
    ["@njit(inline='always')", "def k_vec(a):", "    return a", "@njit(inline='always')", "def k(a):",
     "    return k_vec(a)"],                                                            # two functions
])
def test_what_cannot_be_pasted_stays_a_call(fn):
    assert paste(fn, ["x"], "r = ", "_k") is None


def test_an_empty_result_is_dropped():
    fn = ["@njit(inline='always')", "def k(a, _out0):", "    _out0[0] = a", "    return ()"]
    assert paste(fn, ["x", "y"], "", "_k") == ["y[0] = x"]


def test_a_result_nobody_assigns_is_not_pasted():
    fn = ["@njit(inline='always')", "def k(a):", "    return a + 1"]
    assert paste(fn, ["x"], "", "_k") is None


def _log_softmax_reference(x):
    z = x - x.max(-1, keepdims=True)
    lsm = z - np.log(np.exp(z).sum(-1, keepdims=True))
    return lsm, lsm + x - np.exp(lsm) * x.sum(-1, keepdims=True)


def test_entries_hold_the_kernel_bodies_and_agree_with_the_interpreter():
    """Would catch: a pasted kernel reading the wrong operand or writing the wrong output (every kernel of
    this graph is pasted: a max, a sum of exp, and maps with broadcasting, over a vector)."""
    import jaxlike
    import jaxlike.numpy as jnp
    from jaxlike import nn
    x = np.random.default_rng(0).standard_normal(37)
    f = jaxlike.compile(lambda x: jnp.sum(nn.log_softmax(x) * x))
    g = jaxlike.compile(jaxlike.grad(lambda x: jnp.sum(nn.log_softmax(x) * x)))
    src = g.source(x)
    assert "def entry" in src and "@njit(inline='always'" not in src and "_k0i0" in src
    lsm, grad = _log_softmax_reference(x)
    np.testing.assert_allclose(f(x), np.sum(lsm * x), rtol=1e-12)
    np.testing.assert_allclose(g(x), grad, rtol=1e-10, atol=1e-12)


def test_kernels_over_two_symbolic_dims_are_functions_of_their_own():
    """Rows of a matrix: such kernels are not pasted (``simd.serial_decorator``: pasted, LLVM left them
    scalar on an Intel target) but called, and the results still agree; one-dimensional ones still paste."""
    import jaxlike
    import jaxlike.numpy as jnp
    from jaxlike import nn
    x = np.random.default_rng(1).standard_normal((7, 37))
    g = jaxlike.compile(jaxlike.grad(lambda x: jnp.sum(nn.log_softmax(x) * x)))
    src = g.source(x)
    assert "@njit(cache=True" in src and "@njit(inline='always'" not in src
    called = re.findall(r"^\s+k\d+_\w+\(", src.split("def entry")[1], re.M)
    assert len(called) >= 2, src
    np.testing.assert_allclose(g(x), _log_softmax_reference(x)[1], rtol=1e-10, atol=1e-12)


def test_every_generated_function_asks_for_the_widest_vectors(tmp_path):
    """``support.prefer_vector_width``: the entry and a kernel of its own carry LLVM's attribute, and where
    the CPU has AVX-512 the kernel's float32 exp loop runs on 512-bit registers. Would catch: the attribute
    dropped (LLVM's Intel tuning then keeps 256-bit vectors: W5's exp passes ~1.5x slower, W4 ~1.4x)."""
    import llvmlite.binding as llvm
    import jaxlike
    import jaxlike.numpy as jnp
    # NOTE: an empty cache: numba cannot show the IR of code it loaded from its disk cache
    old, jaxlike.config.cache_dir = jaxlike.config.cache_dir, str(tmp_path)
    try:
        x = np.random.default_rng(2).standard_normal((9, 70)).astype(np.float32)
        f = jaxlike.compile(lambda x: jnp.exp(x) * 2)
        np.testing.assert_allclose(f(x), np.exp(x) * 2, rtol=2e-6)
    finally:
        jaxlike.config.cache_dir = old
    exe = f._compiled._entry_for((x,)).exe
    kernel = next(getattr(exe.module, n) for n in dir(exe.module) if re.fullmatch(r"k\d+_\w+", n))
    for fn in (exe.entry, kernel):
        assert all('"prefer-vector-width"="512"' in ir for ir in fn.inspect_llvm().values())
    if llvm.get_host_cpu_features().get("avx512f"):
        # NOTE: at the suite's -O0 (tests/_numba_level.py) LLVM vectorizes nothing, so the registers are
        # looked at in a process at the user's level
        probe = textwrap.dedent(f"""
            import re, numpy as np, jaxlike, jaxlike.numpy as jnp
            jaxlike.config.cache_dir = {str(tmp_path / "user")!r}
            x = np.ones((9, 70), np.float32)
            f = jaxlike.compile(lambda x: jnp.exp(x) * 2)
            f(x)
            module = f._compiled._entry_for((x,)).exe.module
            kernel = next(getattr(module, n) for n in dir(module) if re.fullmatch(r"k\\d+_\\w+", n))
            print(any("zmm" in asm for asm in kernel.inspect_asm().values()))
        """)
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=600,
                              env=user_env())
        assert done.returncode == 0, done.stderr[-3000:]
        assert done.stdout.split()[-1] == "True", "the float32 exp loop does not use 512-bit registers"
