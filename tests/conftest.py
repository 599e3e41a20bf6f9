"""Fixtures every test folder shares: numba's optimization level (``_numba_level``), a seeded random
generator, the compile cache directory of the test run, and the hypothesis profiles (``HYPOTHESIS_PROFILE=long``
for a longer, randomized run). Folders add their own conftest.py."""

import os

from _numba_level import lower_optimization, lowered

lower_optimization()   # NOTE: before numba is imported (by jaxlike below); see _numba_level's docstring

import numpy as np  # noqa: E402
import pytest  # noqa: E402

# NOTE: the tests check the compiled code from a function's first call on, in this process and the ones it
# starts (runtime/tiered.py); tests/test_tiered.py turns tiers back on where it tests them
os.environ["JAXLIKE_FLAGS"] = ",".join(f for f in (os.environ.get("JAXLIKE_FLAGS"), "tiered=False") if f)

import jaxlike  # noqa: E402

try:
    from hypothesis import settings
except ImportError:  # hypothesis is a test extra; only the property tests need it
    settings = None

if settings is not None:
    # NOTE: example counts stay bounded so the whole suite runs in minutes on two cores; deadline=None
    # because an example that compiles takes seconds. The default profile is derandomized: the same
    # examples every run (reproducible in CI, and their compiled code is found in the cache next time).
    settings.register_profile("default", max_examples=25, deadline=None, derandomize=True)
    settings.register_profile("long", max_examples=400, deadline=None)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_configure(config):
    if lowered():  # NOTE: numba says so for every -O0 entry, as it cannot cache them (see _numba_level)
        config.addinivalue_line("filterwarnings", "ignore:Cannot cache compiled function:numba.NumbaWarning")


def pytest_report_header(config):
    from numba.core import config as numba_config
    why = " (the suite's default; NUMBA_OPT=3 runs it at users' level)" if lowered() else ""
    return f"numba optimization level: {int(numba_config.OPT)}{why}"


@pytest.fixture(autouse=True, scope="session")
def _compile_cache(request, tmp_path_factory):
    """Compiled modules go to pytest's cache directory, never to ~/.cache. The cache is keyed by the
    generated source and the versions, so reusing it between runs is safe, and a warm run skips the Numba
    compiles. ``JAXLIKE_TEST_CACHE=fresh`` (or ``-p no:cacheprovider``) starts from an empty one."""
    cache = getattr(request.config, "cache", None)
    if cache is None or os.environ.get("JAXLIKE_TEST_CACHE") == "fresh":
        path = tmp_path_factory.mktemp("jaxlike-cache")
    else:
        path = cache.mkdir("jaxlike-compile-cache")
    old = jaxlike.config.cache_dir
    jaxlike.config.cache_dir = str(path)
    yield
    jaxlike.config.cache_dir = old


@pytest.fixture
def rng():
    return np.random.default_rng(0)
