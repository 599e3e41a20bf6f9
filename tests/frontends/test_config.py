"""``jaxlike.config`` as the Theano front end uses it (``theano.config.floatX``): attribute access and
setting, validation with messages listing the valid choices, and ``JAXLIKE_FLAGS`` read at import (in a
subprocess, so this process's config stays untouched)."""

import os
import subprocess
import sys

import numpy as np
import pytest

import jaxlike
import jaxlike.tensor as T
from jaxlike.config import Config


@pytest.fixture
def fresh():
    return Config()


def test_defaults(fresh):
    assert fresh.floatX == "float64" and fresh.device == "cpu" and fresh.mode == "FAST_RUN"
    assert fresh.profile is False and fresh.nan_guard is False


def test_set_and_read_back(fresh):
    fresh.floatX = "float32"
    fresh.profile = "true"
    fresh.mode = "DebugMode"  # Theano's spelling
    fresh.device = "gpu0"
    assert (fresh.floatX, fresh.profile, fresh.mode, fresh.device) == ("float32", True, "DEBUG_MODE", "cuda")


def test_unknown_flag_lists_the_valid_ones(fresh):
    # catches: a typo (config.floatx) silently creating a new attribute
    with pytest.raises(AttributeError, match="no flag 'floatx'; valid flags: .*floatX"):
        fresh.floatx = "float32"
    with pytest.raises(AttributeError, match="valid flags"):
        fresh.not_a_flag


def test_bad_values_name_the_choices(fresh):
    with pytest.raises(ValueError, match=r"'floatX' must be one of \('float64', 'float32'\)"):
        fresh.floatX = "float16"
    with pytest.raises(ValueError, match="'mode' must be one of"):
        fresh.mode = "FAST"
    with pytest.raises(ValueError, match="expects True or False"):
        fresh.profile = "maybe"


def test_flags_string_syntax(fresh):
    fresh.update_from_string("floatX=float32, mode=FAST_COMPILE,")
    assert fresh.floatX == "float32" and fresh.mode == "FAST_COMPILE"
    with pytest.raises(ValueError, match="not of the form name=value"):
        fresh.update_from_string("floatX")
    with pytest.raises(AttributeError, match="valid flags"):
        fresh.update_from_string("flaotX=float32")


def test_global_floatx_drives_the_tensor_constructors():
    # catches: T.matrix() ignoring config.floatX set from code (theano.config.floatX = 'float32')
    old = jaxlike.config.floatX
    try:
        jaxlike.config.floatX = "float32"
        x = T.matrix()
        f = jaxlike.function([x], x * 2, mode="FAST_COMPILE")
        assert f(np.ones((2, 2), dtype=np.float32)).dtype == np.float32
    finally:
        jaxlike.config.floatX = old


def _run(code, flags):
    env = dict(os.environ, JAXLIKE_FLAGS=flags)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)


def test_jaxlike_flags_environment_variable():
    # catches: JAXLIKE_FLAGS=floatX=float32 (the tutorial's THEANO_FLAGS) not reaching T.scalar()
    code = ("import jaxlike, jaxlike.tensor as T\n"
            "print(jaxlike.config.floatX, T.scalar().dtype, T.matrix(), jaxlike.config.mode)")
    res = _run(code, "floatX=float32,mode=FAST_COMPILE")
    assert res.returncode == 0, res.stderr
    assert res.stdout.split() == ["float32", "float32", "<TensorType(float32,", "matrix)>", "FAST_COMPILE"]


def test_jaxlike_flags_unknown_flag_fails_at_import():
    res = _run("import jaxlike", "floatX=float32,bogus=1")
    assert res.returncode != 0
    assert "no flag 'bogus'; valid flags:" in res.stderr
