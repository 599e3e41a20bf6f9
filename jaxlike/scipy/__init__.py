"""``jaxlike.scipy``: the parts of ``jax.scipy`` a model reaches for (``special``, ``linalg``, ``stats``,
``signal``, ``fft``, ``integrate``, ``ndimage``, ``interpolate``, ``cluster``). All but ``special`` load on
first use (``jaxlike.scipy.stats.norm`` or an import of them), which keeps their modules out of
``import jaxlike``."""

import importlib

from . import special  # noqa: F401

_LAZY = ("linalg", "stats", "signal", "fft", "integrate", "ndimage", "interpolate", "cluster")


def __getattr__(name):
    if name in _LAZY:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_LAZY))
