"""Global flags: floatX, device, mode, profile, fastmath, cache_dir, nan_guard, keep_freed_memory.

Set as attributes (``jaxlike.config.floatX = 'float32'``) or through the ``JAXLIKE_FLAGS`` environment
variable (``JAXLIKE_FLAGS=device=cuda,floatX=float32,profile=True``). Imports nothing of ours.
"""

import os

_CHOICES = {
    "floatX": ("float64", "float32"),
    "device": ("cpu", "cuda", "gpu"),
    "mode": ("FAST_RUN", "FAST_COMPILE", "DEBUG_MODE"),
}
_BOOLS = ("profile", "fastmath", "nan_guard", "keep_freed_memory")
_DEFAULTS = {
    "floatX": "float64",
    "device": "cpu",
    "mode": "FAST_RUN",
    "profile": False,
    "fastmath": False,
    "nan_guard": False,
    # NOTE: see backends/numba_cpu: glibc's malloc keeps freed arrays for reuse instead of returning them
    "keep_freed_memory": True,
    "cache_dir": os.path.join(os.path.expanduser("~"), ".cache", "jaxlike"),
}


def _parse_bool(name, text):
    if isinstance(text, bool):
        return text
    low = str(text).strip().lower()
    if low in ("1", "true", "yes", "on"):
        return True
    if low in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"jaxlike flag {name!r} expects True or False, got {text!r}")


class Config:
    """The flag set. Unknown names raise an error that lists the valid flags."""

    def __init__(self):
        object.__setattr__(self, "_values", dict(_DEFAULTS))

    def __getattr__(self, name):
        values = object.__getattribute__(self, "_values")
        if name in values:
            return values[name]
        raise AttributeError(f"jaxlike.config has no flag {name!r}; valid flags: {', '.join(sorted(values))}")

    def __setattr__(self, name, value):
        self._values[name] = _validate(name, value)

    def __repr__(self):
        return "jaxlike.config(" + ", ".join(f"{k}={v!r}" for k, v in sorted(self._values.items())) + ")"

    def update_from_string(self, flags):
        """Apply ``name=value,name=value`` (the JAXLIKE_FLAGS syntax)."""
        for item in flags.split(","):
            item = item.strip()
            if not item:
                continue
            if "=" not in item:
                raise ValueError(f"JAXLIKE_FLAGS entry {item!r} is not of the form name=value")
            name, value = item.split("=", 1)
            setattr(self, name.strip(), value.strip())


def _validate(name, value):
    if name not in _DEFAULTS:
        raise AttributeError(f"jaxlike.config has no flag {name!r}; valid flags: {', '.join(sorted(_DEFAULTS))}")
    if name in _CHOICES:
        value = str(value)
        if name == "mode" and value == "DebugMode":
            value = "DEBUG_MODE"
        if value.startswith("cuda") or value.startswith("gpu"):
            value = "cuda" if name == "device" else value
        if value not in _CHOICES[name]:
            raise ValueError(f"jaxlike flag {name!r} must be one of {_CHOICES[name]}, got {value!r}")
        return value
    if name in _BOOLS:
        return _parse_bool(name, value)
    return str(value)


config = Config()
if os.environ.get("JAXLIKE_FLAGS"):
    config.update_from_string(os.environ["JAXLIKE_FLAGS"])
