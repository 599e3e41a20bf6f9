"""Fixtures every test folder shares: a seeded random generator, a throw-away compile cache, and the
hypothesis profiles (``HYPOTHESIS_PROFILE=long`` for a longer run). Folders add their own conftest.py."""

import os

import numpy as np
import pytest

import jaxlike

try:
    from hypothesis import settings
except ImportError:  # hypothesis is a test extra; only the property tests need it
    settings = None

if settings is not None:
    # NOTE: example counts stay bounded so the whole suite runs in minutes on two cores; deadline=None
    # because the first example of a property pays for compilation.
    settings.register_profile("default", max_examples=25, deadline=None)
    settings.register_profile("long", max_examples=400, deadline=None)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(autouse=True, scope="session")
def _cache_in_tmp(tmp_path_factory):
    """Compiled modules go to a per-session directory: tests never read a stale cache or write to ~."""
    old = jaxlike.config.cache_dir
    jaxlike.config.cache_dir = str(tmp_path_factory.mktemp("jaxlike-cache"))
    yield
    jaxlike.config.cache_dir = old


@pytest.fixture
def rng():
    return np.random.default_rng(0)
