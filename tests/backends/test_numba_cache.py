"""The numba_cpu disk cache: a second process compiles nothing, corrupt or truncated entries are rebuilt
instead of crashing, and the key separates what must be separated (options, constant values) while being
the same for the same graph traced twice (sizes are named canonically, not by process-local ids)."""

import glob
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike.core.graph import Var, Graph, const
from jaxlike.core.types import TensorType, Sym

from conftest import nb, compile_graph
from _numba_level import user_env

SCRIPT = textwrap.dedent("""
    import json, sys, time
    import numpy as np
    import jaxlike, jaxlike.numpy as jnp
    jaxlike.config.cache_dir = sys.argv[1]
    f = jaxlike.compile(jaxlike.value_and_grad(lambda x: jnp.sum(jnp.exp(jnp.sin(x ** 2)) * jnp.cos(x))),
                        options={"parallel": False})
    x = np.linspace(-1.0, 1.0, 11)
    t = time.perf_counter()
    v, g = f(x)
    first_call = time.perf_counter() - t
    exe = f._compiled._entry_for((x,)).exe
    from jaxlike.backends.numba_cpu.build import numba_cache_path
    print(json.dumps({"hits": exe.cache_hits(), "misses": exe.cache_misses(), "written": exe.written,
                      "path": exe.path, "numba_dir": numba_cache_path(exe.path),
                      "v": float(v), "g": [float(a) for a in g], "first_call": first_call}))
""")


def run_process(cache_dir):
    # NOTE: at the user's optimization level: numba caches no -O0 entry (see _numba_level)
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(cache_dir)], capture_output=True, text=True,
                         timeout=600, env=user_env())
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def expected():
    x = np.linspace(-1.0, 1.0, 11)
    return (float(np.sum(np.exp(np.sin(x ** 2)) * np.cos(x))),
            np.cos(x) * np.exp(np.sin(x ** 2)) * np.cos(x ** 2) * 2 * x - np.exp(np.sin(x ** 2)) * np.sin(x))


@pytest.fixture(scope="module")
def warm(tmp_path_factory):
    d = tmp_path_factory.mktemp("numba-cache")
    first = run_process(d)
    return d, first


def _assert_result(r):
    v, g = expected()
    np.testing.assert_allclose(r["v"], v, rtol=1e-12)
    np.testing.assert_allclose(r["g"], g, rtol=1e-12, atol=1e-15)


def test_second_process_compiles_nothing(warm):
    """The first process writes the module and numba's cache; a fresh process loads both: numba reports a
    cache hit and no miss (no compilation), and the module file is reused as it is."""
    d, first = warm
    assert first["written"] and first["misses"] >= 1 and first["hits"] == 0
    _assert_result(first)
    second = run_process(d)
    assert not second["written"]
    assert second["hits"] >= 1 and second["misses"] == 0
    assert second["path"] == first["path"]
    _assert_result(second)


def test_truncated_module_is_rewritten_not_run(warm):
    d, first = warm
    path = first["path"]
    with open(path) as f:
        text = f.read()
    with open(path, "w") as f:
        f.write(text[: len(text) // 2])
    r = run_process(d)
    assert r["written"] and r["misses"] >= 1
    _assert_result(r)
    with open(path) as f:
        assert f.read() == text


def test_corrupt_numba_cache_files_are_deleted_and_rebuilt(warm):
    """Garbage in numba's index and data files would make numba raise while unpickling; the loader checks
    them and deletes them, so the call recompiles and succeeds."""
    d, first = warm
    run_process(d)   # make sure numba's files exist for the current module text
    files = glob.glob(os.path.join(first["numba_dir"], "*.nb[ic]"))
    assert files
    for fn in files:
        with open(fn, "wb") as f:
            f.write(b"\x80\x04not a pickle")
    r = run_process(d)
    assert not r["written"] and r["misses"] >= 1
    _assert_result(r)
    again = run_process(d)
    assert again["hits"] >= 1 and again["misses"] == 0


def test_no_temporary_files_are_left_behind(warm):
    d, _ = warm
    assert not glob.glob(os.path.join(str(d), "numba_cpu", ".tmp-*"))


def _graph(scale):
    n = Sym()
    x = Var(TensorType("float64", (n,)))
    return Graph([x], [jnp.exp(x) * const(np.full(3, scale))])


def test_key_is_canonical_and_separates_options_and_constants():
    """The same graph traced twice (fresh Syms with other ids) has the same module text and key; another
    constant value or fastmath gives another key."""
    opts = dict(nb.DEFAULTS, parallel=False)
    src1 = nb.codegen.generate(_graph(2.0), opts).source
    src2 = nb.codegen.generate(_graph(2.0), opts).source
    assert src1 == src2
    assert nb.build.cache_key(src1, opts) == nb.build.cache_key(src2, opts)
    src3 = nb.codegen.generate(_graph(3.0), opts).source
    assert nb.build.cache_key(src3, opts) != nb.build.cache_key(src1, opts)
    fm = dict(opts, fastmath=True)
    assert nb.build.cache_key(nb.codegen.generate(_graph(2.0), fm).source, fm) != nb.build.cache_key(src1, opts)


def test_large_constants_are_arguments_not_module_text():
    """A constant bigger than SMALL_CONST elements is passed to the entry (its bytes are not compiled in), so
    the module text stays small and the result still uses its values."""
    n = Sym()
    x = Var(TensorType("float64", (n,)))
    big = np.arange(float(nb.codegen.SMALL_CONST + 1))
    g = Graph([x], [jnp.sum(x) * jnp.sum(const(big))])
    exe = compile_graph(g)
    assert len(exe.source) < 5000
    np.testing.assert_allclose(exe(np.ones(3))[0][0], 3 * big.sum())


def test_write_atomic_replaces_whole_files(tmp_path):
    p = tmp_path / "m.py"
    nb.build.write_atomic(str(p), "a = 1\n")
    nb.build.write_atomic(str(p), "a = 2\n")
    assert p.read_text() == "a = 2\n" and os.listdir(tmp_path) == ["m.py"]


def test_cache_dir_follows_config(tmp_path):
    saved = jaxlike.config.cache_dir
    try:
        jaxlike.config.cache_dir = str(tmp_path)
        n = Sym()
        x = Var(TensorType("float64", (n,)))
        exe = compile_graph(Graph([x], [x * 3.25 + 1.0]))
        assert exe.path.startswith(str(tmp_path))
        np.testing.assert_array_equal(exe(np.ones(2))[0][0], np.full(2, 4.25))
    finally:
        jaxlike.config.cache_dir = saved


def test_an_unusable_cache_directory_falls_back_to_a_private_one(tmp_path, monkeypatch):
    """Catches: a cache that cannot be written (read-only, an entry's name taken by a directory, the directory
    deleted while compiling) crashing every compile with PermissionError or IsADirectoryError; the process
    now compiles into a directory of its own, with a warning. And an empty cache_dir flag is refused rather
    than caching into the working directory."""
    from jaxlike.backends.numba_cpu import build

    def graph(c):
        x = Var(TensorType("float64", (Sym(),)))
        return Graph([x], [x * c + 1.0])
    taken = graph(5.5)
    first = nb.compile(taken, {"parallel": False, "cache_dir": str(tmp_path / "elsewhere")})
    build.forget(first.key)
    (tmp_path / "numba_cpu" / os.path.basename(first.path)).mkdir(parents=True)
    real = build.write_atomic

    def read_only(path, text):
        if path.startswith(str(tmp_path)) and "6.5" in text:
            raise PermissionError(13, "Permission denied", path)
        return real(path, text)
    monkeypatch.setattr(build, "write_atomic", read_only)
    for c, g in ((5.5, taken), (6.5, graph(6.5))):
        with pytest.warns(RuntimeWarning, match="cannot be used .*compiles into"):
            exe = nb.compile(g, {"parallel": False, "cache_dir": str(tmp_path)})
        assert not exe.path.startswith(str(tmp_path))
        np.testing.assert_array_equal(exe(np.ones(2))[0][0], np.full(2, c + 1.0))
    with pytest.raises(ValueError, match="'cache_dir' must be a directory path"):
        jaxlike.config.cache_dir = ""


def test_concurrent_processes_share_one_cache_directory(tmp_path):
    """Three processes compiling the same function into one empty cache directory at once: all get the
    right answer, and a fourth process afterwards compiles nothing."""
    procs = [subprocess.Popen([sys.executable, "-c", SCRIPT, str(tmp_path)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=user_env()) for _ in range(3)]
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err[-3000:]
        _assert_result(json.loads(out.strip().splitlines()[-1]))
    after = run_process(tmp_path)
    _assert_result(after)
    assert after["misses"] == 0 and after["hits"] >= 1


def test_entries_of_another_version_are_not_used(tmp_path, monkeypatch):
    """The key hashes the versions of jaxlike, numba and numpy: a cache written by another version is a
    different file, never loaded in place of this version's."""
    from jaxlike.backends.numba_cpu import build
    g = Graph([Var(TensorType("float64", (Sym(),)))], [])
    g = Graph(g.inputs, [jnp.exp(g.inputs[0]) * 2.0])
    source = nb.compile(g, {"parallel": False, "cache_dir": str(tmp_path)}).source
    key = build.cache_key(source, {"parallel": False})
    real = build._version
    monkeypatch.setattr(build, "_version", lambda dist: "0.0-other" if dist == "numba" else real(dist))
    assert build.cache_key(source, {"parallel": False}) != key


def test_entries_of_another_optimization_level_are_not_used(monkeypatch):
    """Catches: a key without numba's optimization level, so that a process run with NUMBA_OPT=0 (the test
    suite's) would leave entries a process at the default level loads as its own, unoptimized."""
    from numba.core import config as numba_config
    from jaxlike.backends.numba_cpu import build
    source, opts = "x = 1\n", {"parallel": False}
    keys = set()
    for level in (0, 3):
        monkeypatch.setattr(numba_config, "OPT", level)
        keys.add(build.cache_key(source, opts))
    assert len(keys) == 2


def test_numba_files_are_found_under_numba_cache_dir(tmp_path, monkeypatch):
    """Catches: the check for corrupt numba files looking only in ``__pycache__`` beside the module, which
    finds nothing (and so protects nothing) when NUMBA_CACHE_DIR moves numba's files elsewhere."""
    from numba.core import config as numba_config
    from jaxlike.backends.numba_cpu import build
    module = str(tmp_path / "mods" / "jl_abc.py")
    monkeypatch.setattr(numba_config, "CACHE_DIR", "")
    assert build.numba_cache_path(module) == str(tmp_path / "mods" / "__pycache__")
    monkeypatch.setattr(numba_config, "CACHE_DIR", str(tmp_path / "nbcache"))
    where = build.numba_cache_path(module)
    assert where.startswith(str(tmp_path / "nbcache"))
    os.makedirs(where)
    for name in ("jl_abc.entry-1.py311.nbi", "jl_abc.entry-1.py311.1.nbc"):
        (tmp_path / where / name).write_bytes(b"\x80\x04not a pickle")
    assert len(build._numba_files(module)) == 2
    assert not build.numba_cache_ok(module)


def test_key_covers_the_vecmath_package():
    """Catches: the backend fingerprint hashing only the files beside build.py, so that a changed vecmath
    function (inlined into every cached entry) would keep serving entries compiled with the old one."""
    from jaxlike.backends.numba_cpu import build
    names = {os.path.relpath(f, os.path.dirname(build.__file__)) for f in build.fingerprinted_files()}
    assert {"build.py", "loops.py", os.path.join("vecmath", "exp.py"), os.path.join("vecmath", "trig.py")} <= names


BLAS_SCRIPT = textwrap.dedent("""
    import json, sys
    import numpy as np
    import jaxlike, jaxlike.numpy as jnp
    jaxlike.config.cache_dir = sys.argv[1]
    a, b = np.arange(12.0).reshape(3, 4), np.arange(8.0).reshape(4, 2)
    product = jaxlike.compile(lambda a, b: jnp.tanh(a @ b))(a, b)
    package_before = "scipy.linalg" in sys.modules
    import scipy.linalg
    from scipy.linalg import cython_lapack
    import scipy.linalg.cython_blas
    print(json.dumps({"ok": bool(np.allclose(product, np.tanh(a @ b), rtol=1e-14)),
                      "package_before": package_before,
                      "bound": scipy.linalg.cython_blas is sys.modules["scipy.linalg.cython_blas"]
                               and cython_lapack is sys.modules["scipy.linalg.cython_lapack"],
                      "solve": float(scipy.linalg.solve(np.eye(2) * 2.0, np.ones(2))[0])}))
""")


def test_blas_runs_without_importing_the_scipy_linalg_package(tmp_path):
    # numba's own import of scipy.linalg.cython_blas ran the whole package (0.16 s of a first call);
    # blas_modules loads the two capsule modules alone and binds them when the program imports the package.
    out = subprocess.run([sys.executable, "-c", BLAS_SCRIPT, str(tmp_path)], capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    r = json.loads(out.stdout.strip().splitlines()[-1])
    assert r == {"ok": True, "package_before": False, "bound": True, "solve": 0.5}
