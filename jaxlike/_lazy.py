"""Names a front-end module exports without importing the module that defines them until first use (PEP 562).
The rarely used halves of ``jaxlike.lax`` and ``jaxlike.scipy.special`` (gather/scatter, the incomplete gamma
and beta functions, the exponential integrals, ...) cost about 50 ms of every ``import jaxlike`` when imported
eagerly. A front-end module: imports nothing of jaxlike's."""

import importlib


def lazy_names(module_globals, names_by_module):
    """``(__getattr__, __dir__)`` for the module whose globals are ``module_globals``: each name of
    ``names_by_module`` (sibling module -> names) is imported from its module when first read, then kept; a
    module that lists its own name is itself that name (``jaxlike.lax.linalg``)."""
    table = {name: module for module, names in names_by_module.items() for name in names}
    package, me = module_globals["__package__"], module_globals["__name__"]

    def __getattr__(name):
        module = table.get(name)
        if module is None:
            raise AttributeError(f"module {me!r} has no attribute {name!r}")
        loaded = importlib.import_module(f"{package}.{module}")
        value = loaded if name == module else getattr(loaded, name)     # NOTE: a submodule names itself
        module_globals[name] = value
        return value

    def __dir__():
        return sorted(set(module_globals) | set(table))
    return __getattr__, __dir__


__all__ = ["lazy_names"]
