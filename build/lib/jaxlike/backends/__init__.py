"""Backends: each is a folder with ``compile(graph, options) -> Executable``. Loaded by name, lazily, so that
``import jaxlike`` never imports numba. Backends import only ``core`` and ``ops``."""

import importlib

_MODULES = {
    "reference": "jaxlike.backends.reference",
    "numba_cpu": "jaxlike.backends.numba_cpu",
    "numba_cuda": "jaxlike.backends.numba_cuda",
}


def get_backend(name):
    if name not in _MODULES:
        raise ValueError(f"unknown backend {name!r}; known: {', '.join(_MODULES)}")
    return importlib.import_module(_MODULES[name])


def available(name):
    try:
        get_backend(name)
        return True
    except ImportError:
        return False
