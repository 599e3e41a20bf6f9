"""The disk cache: a generated module is written to ``<cache_dir>/numba_cpu/jl_<key>.py``, imported from there,
and its ``@njit(cache=True)`` functions keep numba's compiled code beside it (``__pycache__``, or under
``NUMBA_CACHE_DIR``), so a second process calling the same function compiles nothing.

The key hashes the module text (which holds the graph's canonical text: canonical size names, every
constant's bytes or a hash of them), the options, the versions of jaxlike, numba, numpy and llvmlite, the
CPU name, numba's optimization level, and this backend's own source files. Writes are atomic (a temporary
file, then ``os.replace``). An entry whose text differs from what it should be (truncated, corrupt, stale)
is rewritten; numba cache files that do not unpickle are deleted, so numba recompiles instead of crashing.
Imports numpy, numba, config and core only.
"""

import contextlib
import glob
import hashlib
import importlib.metadata
import os
import pickle
import sys
import tempfile
import types
import warnings

from ...config import config
from ...core.graph import Graph

_FINGERPRINT = None
_LOADED = {}        # key -> module, for a second compile of the same graph in this process


@contextlib.contextmanager
def room_to_recurse(graph):
    """Python's recursion limit raised, while a module is written, to what ``graph`` may need: the loop writers
    (``loops.py``) recurse through a fused body once per op, and a 400-op chain of elementwise ops passed the
    default limit of 1000. Python 3.11 runs Python-to-Python calls without the C stack, so a deeper limit is
    safe."""
    nodes = len(graph.nodes()) + sum(len(a.nodes()) for v in graph.nodes() for _, a in v.attrs if isinstance(a, Graph))
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(max(before, 1000 + 8 * nodes))
    try:
        yield
    finally:
        sys.setrecursionlimit(before)


def backend_fingerprint():
    """Hash of this backend's source files: a changed code generator or helper never reuses old entries."""
    global _FINGERPRINT
    if _FINGERPRINT is None:
        h = hashlib.sha256()
        for fn in fingerprinted_files():
            with open(fn, "rb") as f:
                h.update(f.read())
        _FINGERPRINT = h.hexdigest()
    return _FINGERPRINT


def fingerprinted_files():
    """The backend's sources, its packages' included (vecmath's functions are compiled into every entry)."""
    here = os.path.dirname(os.path.abspath(__file__))
    return sorted(glob.glob(os.path.join(here, "**", "*.py"), recursive=True))


def _version(dist):
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def _cpu():
    import llvmlite.binding as llvm
    return llvm.get_host_cpu_name()


def _numba_opt():
    """numba's LLVM optimization level (``NUMBA_OPT``): numba's own cache index does not record it, so our
    key does, and an entry compiled at another level is never loaded as this one."""
    from numba.core import config as numba_config
    return int(numba_config.OPT)


def cache_key(source, options):
    h = hashlib.sha256()
    parts = [source, repr(sorted((k, repr(v)) for k, v in options.items() if k in ("fastmath", "parallel",
                                                                                  "par_threshold"))),
             *(f"{d}={_version(d)}" for d in ("jaxlike", "numba", "numpy", "llvmlite")),
             f"python={sys.version_info[:3]}", f"cpu={_cpu()}", f"opt={_numba_opt()}", backend_fingerprint()]
    for p in parts:
        h.update(p.encode())
        h.update(b"\0")
    return h.hexdigest()[:40]


def cache_dir(options):
    base = options.get("cache_dir") or config.cache_dir
    return os.path.join(os.path.expanduser(base), "numba_cpu")


def write_atomic(path, text):
    """Write ``text`` to ``path`` so that readers see the old file or the whole new one, never a part."""
    d = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".tmp-", suffix=".py")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def numba_cache_path(path):
    """Where numba keeps the compiled code of module ``path``: beside it (``__pycache__``), or under
    ``NUMBA_CACHE_DIR`` when that is set, in numba's own layout (the locator numba itself asks first)."""
    from numba.core import caching, config as numba_config
    if numba_config.CACHE_DIR:
        locator = getattr(caching, "UserProvidedCacheLocator", None) or caching._UserProvidedCacheLocator
        return os.path.join(numba_config.CACHE_DIR, locator.get_suitable_cache_subpath(path))
    return os.path.join(os.path.dirname(path), "__pycache__")


def _numba_files(path):
    stem = os.path.basename(path)[:-3]
    return glob.glob(os.path.join(numba_cache_path(path), stem + ".*.nb[ic]"))


def _purge_numba(path):
    for fn in _numba_files(path):
        try:
            os.unlink(fn)
        except OSError:
            pass


def numba_cache_ok(path):
    """Whether numba's index and data files for module ``path`` all unpickle (numba itself would raise)."""
    for idx in [f for f in _numba_files(path) if f.endswith(".nbi")]:
        try:
            with open(idx, "rb") as f:
                pickle.load(f)
                _stamp, overloads = pickle.loads(f.read())
            for data in overloads.values():
                with open(os.path.join(os.path.dirname(idx), data), "rb") as f:
                    pickle.loads(f.read())
        except FileNotFoundError:
            continue
        except Exception:
            return False
    return True


def load(source, key, options):
    """Import the module for ``key`` (writing it first when absent or not exactly ``source``).
    Returns (module, path, written): ``written`` says whether the file had to be (re)written."""
    if key in _LOADED:
        mod = _LOADED[key]
        return mod, mod.__file__, False
    use_disk = options.get("cache", True)
    d = cache_dir(options) if use_disk else tempfile.mkdtemp(prefix="jaxlike-nocache-")
    try:
        os.makedirs(d, exist_ok=True)
        return _load_from(d, source, key)
    except (OSError, RuntimeError) as e:
        # NOTE: a read-only cache, a file's name taken by a directory, the directory deleted meanwhile (numba:
        # "cannot cache function ...: no locator available"): this process compiles into a directory of its own
        if isinstance(e, RuntimeError) and "cannot cache" not in str(e):
            raise
        private = _private_dir()
        warnings.warn(f"jaxlike: the cache directory {d} cannot be used ({type(e).__name__}: {e}); this process "
                      f"compiles into {private} instead", RuntimeWarning, stacklevel=4)
        return _load_from(private, source, key)


_PRIVATE = []


def _private_dir():
    if not _PRIVATE:
        _PRIVATE.append(tempfile.mkdtemp(prefix="jaxlike-cache-"))
    return _PRIVATE[0]


def _load_from(d, source, key):
    path = os.path.join(d, f"jl_{key}.py")
    written = False
    try:
        with open(path, encoding="utf-8") as f:
            current = f.read()
    except (OSError, UnicodeDecodeError):
        current = None
    if current != source:
        _purge_numba(path)
        write_atomic(path, source)
        written = True
    name = f"jaxlike_generated_{key}"
    mod = types.ModuleType(name)
    mod.__file__ = path
    sys.modules[name] = mod
    # NOTE: exec'ing the text (not importlib) keeps Python's own .pyc out of the cache directory: a stale or
    # corrupt .pyc can then never be what runs. numba's cache keys on this file's path and contents.
    exec(compile(source, path, "exec"), mod.__dict__)
    # numba's data files pickle references to this module's functions, so they are checked once it exists;
    # numba reads them lazily, at the first call.
    if not written and not numba_cache_ok(path):
        _purge_numba(path)
    _LOADED[key] = mod
    return mod, path, written


def forget(key):
    """Drop the in-process module for ``key`` (tests use it to simulate a fresh process)."""
    mod = _LOADED.pop(key, None)
    if mod is not None:
        sys.modules.pop(mod.__name__, None)


__all__ = ["cache_key", "cache_dir", "load", "write_atomic", "numba_cache_ok", "backend_fingerprint", "forget"]
