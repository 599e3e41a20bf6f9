"""The suite compiles with numba at ``NUMBA_OPT=0`` unless the person running it sets ``NUMBA_OPT``.

Why: the suite compiles thousands of small generated entries, and LLVM's -O3 pipeline was most of each
compile. At -O0 the whole suite took 24% less CPU (1882 -> 1437 s summed over the tests, two workers on this
2-core machine), for the same results: with fastmath off, LLVM's optimizations do not change a float
operation's result, and ``test_numba_opt_levels`` checks that an optimized process computes the same bits.
This is what ``cargo test`` does with its unoptimized debug builds. ``NUMBA_OPT=3 python -m pytest`` runs
the suite the way users' code runs.

Two things follow from -O0:
- numba's on-disk cache does not record the optimization level, so the unoptimized helpers must not land
  where a user's process would load them: ``NUMBA_CACHE_DIR`` points into ``.pytest_cache`` for the run.
- numba cannot cache an -O0 function that calls another njit function (the unused load of the callee's
  dispatcher object survives, and numba refuses to cache code holding a process address), so the tests of
  the disk cache run their processes with the user's settings (``user_env``).
"""

import json
import os

_SAVED = "JAXLIKE_TESTS_USER_NUMBA_ENV"   # the user's values, for processes the tests start
_KEYS = ("NUMBA_OPT", "NUMBA_CACHE_DIR")


def lower_optimization():
    """Set ``NUMBA_OPT=0`` and a cache directory of the test run, unless ``NUMBA_OPT`` is set. Call before
    numba is imported. A process started by the run (an xdist worker) keeps what its parent chose."""
    if _SAVED in os.environ:
        return
    os.environ[_SAVED] = json.dumps({k: os.environ.get(k) for k in _KEYS})
    if "NUMBA_OPT" not in os.environ:
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        os.environ["NUMBA_OPT"] = "0"
        os.environ["NUMBA_CACHE_DIR"] = os.path.join(root, ".pytest_cache", "numba-O0")


def lowered():
    """Whether this run compiles at -O0 because the suite chose it (not the user)."""
    saved = json.loads(os.environ.get(_SAVED, "{}"))
    return saved.get("NUMBA_OPT") is None and os.environ.get("NUMBA_OPT") == "0"


def user_env(**extra):
    """``os.environ`` with numba's settings as the user had them: for a process that must run as a user's."""
    env = dict(os.environ)
    for k, v in json.loads(os.environ.get(_SAVED, "{}")).items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    env.update(extra)
    return env
