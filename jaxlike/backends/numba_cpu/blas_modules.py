"""Loads scipy's two BLAS/LAPACK capsule modules without the ``scipy.linalg`` package, before numba's import.

numba calls BLAS through ``scipy.linalg.cython_blas`` (function pointers it reads from the module's
``__pyx_capi__``), and its ``numba.np.arraymath`` checks for it at import time with ``import
scipy.linalg.cython_blas``. That statement runs ``scipy/linalg/__init__.py`` first, which imports all of
scipy.linalg (decompositions, matrix functions, the array-API layer): 0.16 s of a process's first compiled
call, where the two extension modules themselves load in 0.013 s (measured here, scipy 1.16). The modules
need nothing from the package, so ``preload`` loads them from their files and registers them under their
full names: numba's import statements find them in ``sys.modules`` and go no further.

A later ``import scipy.linalg`` by the program runs the package as usual; ``_BindChildren`` then sets the
two modules as the package's attributes, as the import system would have. Anything unexpected (no scipy, a
layout without these files, a failing load) leaves the ordinary import path to numba.
"""

import importlib.machinery
import importlib.util
import os
import sys

PACKAGE = "scipy.linalg"
CHILDREN = ("cython_blas", "cython_lapack")


class _BindChildren:
    """A meta-path finder that waits for the package's import and sets the preloaded modules on it."""

    def find_spec(self, name, path=None, target=None):
        if name != PACKAGE:
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        run_package = spec.loader.exec_module

        def exec_module(module):
            run_package(module)
            for child in CHILDREN:
                if not hasattr(module, child) and f"{PACKAGE}.{child}" in sys.modules:
                    setattr(module, child, sys.modules[f"{PACKAGE}.{child}"])

        spec.loader.exec_module = exec_module
        return spec


def _extension_path(directory, child):
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        candidate = os.path.join(directory, child + suffix)
        if os.path.isfile(candidate):
            return candidate
    return None


def preload():
    """Registers the two modules if scipy has them and the package is not imported yet; True when it did."""
    if PACKAGE in sys.modules or "numba" in sys.modules:
        return False
    loaded = []
    try:
        import scipy
        directory = os.path.join(os.path.dirname(scipy.__file__), "linalg")
        paths = [_extension_path(directory, child) for child in CHILDREN]
        if None in paths:
            return False
        for child, path in zip(CHILDREN, paths):
            spec = importlib.util.spec_from_file_location(f"{PACKAGE}.{child}", path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[spec.name] = module
            loaded.append(spec.name)
            spec.loader.exec_module(module)
    except Exception:  # noqa: BLE001 -- any failure means numba's own import path, which reports its errors
        for name in loaded:
            sys.modules.pop(name, None)
        return False
    if PACKAGE in sys.modules:  # a module above imported the package after all
        for child in CHILDREN:
            setattr(sys.modules[PACKAGE], child, sys.modules[f"{PACKAGE}.{child}"])
    else:
        sys.meta_path.insert(0, _BindChildren())
    return True
