"""Fixtures for the trust-feature tests: every test gets the global flags back as it found them, and
``fake_backend`` installs a backend that ``jaxlike.compile`` then uses, so DEBUG_MODE can be shown a broken
one."""

import os
import sys
import types

import pytest

import jaxlike
from jaxlike import backends
from jaxlike.runtime import compiled
from jaxlike.backends.base import Executable
from jaxlike.core.interpret import eval_node
from jaxlike.runtime.debug import run_steps


# NOTE: the helpers in _trust.py are imported by name; this folder must be importable in any import mode.
_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)


@pytest.fixture(autouse=True)
def restore_config():
    saved = dict(jaxlike.config._values)
    yield
    jaxlike.config._values.clear()
    jaxlike.config._values.update(saved)


def make_backend(name, bug=None, kernel=None, expose_steps=True, corrupt_output=False, overwrite_input=False):
    """A backend module that evaluates kernel by kernel with the numpy rules, except that
    ``kernel(var, values)`` may replace a kernel (returning None keeps the numpy rule) and ``bug(var, value)``
    may alter its result; ``corrupt_output`` adds 1 to output 0 after an otherwise correct run;
    ``overwrite_input`` zeroes the first input array after the run."""

    def compile(graph, options=None):
        def step(v):
            def fn(values, sizes):
                out = kernel(v, values) if kernel else None
                if out is None:
                    out = eval_node(v, list(values), sizes)
                return bug(v, out) if bug else out
            return fn

        steps = [(v, step(v)) for v in graph.eqns()]
        inner = Executable(None, f"# fake backend {name}", graph, name)
        inner.steps = steps

        def run(*arrays):
            outs, ups, _ = run_steps(inner, arrays)
            if overwrite_input:
                arrays[0][...] = 0
            if corrupt_output:
                outs = [outs[0] + 1] + list(outs[1:])
            return outs, ups

        out = Executable(run, inner.source, graph, name)
        if expose_steps:
            out.steps = steps
        return out

    mod = types.ModuleType(f"fake_backend_{name}")
    mod.compile = compile
    return mod


@pytest.fixture
def fake_backend(monkeypatch):
    def install(name, **kw):
        mod = make_backend(name, **kw)
        monkeypatch.setitem(backends._MODULES, name, mod.__name__)
        monkeypatch.setitem(sys.modules, mod.__name__, mod)
        monkeypatch.setattr(compiled, "choose_backend", lambda device=None, mode=None: name)
        return mod
    return install
