"""The CUDA backend's tests run in numba's CUDA simulator (no GPU needed), in this pytest process.

NUMBA_ENABLE_CUDASIM must be set before numba.cuda is first imported; this conftest sets it (and makes numba
re-read its configuration if numba was imported already, as other test folders do). If numba.cuda was
imported for real before this folder was collected, the simulator cannot be switched on any more, and every
test here skips saying so (run ``pytest tests/cuda`` on its own). Checks that need the real, non-simulated
numba.cuda (no-GPU errors, PTX compilation, the numpy shim) run in subprocesses: ``run_real``.
"""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

_BEFORE = os.environ.get("NUMBA_ENABLE_CUDASIM")
os.environ["NUMBA_ENABLE_CUDASIM"] = "1"
if "numba.core.config" in sys.modules:
    sys.modules["numba.core.config"].reload_config()
try:
    from jaxlike.backends import numba_cuda as B
    SKIP = None if B.SIMULATOR else ("numba.cuda was imported without the CUDA simulator before tests/cuda was "
                                     "collected; run `pytest tests/cuda` on its own")
except ImportError as e:
    B, SKIP = None, f"numba-cuda is not installed ({e})"
finally:
    # NOTE: numba.cuda is now the simulator for this process; other folders' tests and their subprocesses
    # must not inherit the flag (they would run GPU code paths in the slow simulator).
    if _BEFORE is None:
        del os.environ["NUMBA_ENABLE_CUDASIM"]
    else:
        os.environ["NUMBA_ENABLE_CUDASIM"] = _BEFORE

from jaxlike.core.interpret import interpret  # noqa: E402


@pytest.fixture(autouse=True)
def _needs_simulator():
    if SKIP:
        pytest.skip(SKIP)


def compare(graph, args, options=None, rtol=None, exe=None):
    """Run ``graph`` on the (simulated) GPU and with the reference interpreter; assert they agree. Returns the
    GPU results."""
    exe = exe or B.compile(graph, options)
    with np.errstate(all="ignore"):
        want, want_up = interpret(graph, args)
    got, got_up = exe(*args)
    for g, w, v in zip(list(got) + [np.asarray(u) for u in got_up], list(want) + list(want_up),
                       list(graph.outputs) + [u for _, u in graph.updates]):
        g = np.asarray(g)
        assert g.shape == np.shape(w), f"{v!r}: shape {g.shape} != reference {np.shape(w)}"
        assert g.dtype == np.asarray(w).dtype, f"{v!r}: dtype {g.dtype} != reference {np.asarray(w).dtype}"
        tol = rtol if rtol is not None else (2e-6 if g.dtype in (np.float32, np.complex64) else 1e-12)
        if g.dtype.kind in "fc":
            np.testing.assert_allclose(g, w, rtol=tol, atol=tol, equal_nan=True, err_msg=repr(v))
        else:
            np.testing.assert_array_equal(g, w, err_msg=repr(v))
    return got


def run_real(code, timeout=240):
    """Run ``code`` in a fresh Python without the simulator; returns the CompletedProcess."""
    env = dict(os.environ)
    env.pop("NUMBA_ENABLE_CUDASIM", None)
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env, capture_output=True,
                          text=True, timeout=timeout)


class _Helpers:
    """What the tests here share: the backend module, ``compare`` and ``run_real``."""

    compare = staticmethod(compare)
    run_real = staticmethod(run_real)

    @property
    def backend(self):
        return B


@pytest.fixture(scope="session")
def gpu():
    return _Helpers()
