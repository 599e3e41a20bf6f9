"""Global flags: floatX, device, mode, profile, fastmath, cache_dir, nan_guard, keep_freed_memory.

Set as attributes (``jaxlike.config.floatX = 'float32'``), with ``config.update(name, value)`` (which also
takes JAX's names for the flags it has counterparts of) or through the ``JAXLIKE_FLAGS`` environment variable
(``JAXLIKE_FLAGS=device=cuda,floatX=float32,profile=True``). Imports nothing of ours.
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

    def update(self, name, value):
        """Set one flag, as ``jax.config.update``: a jaxlike flag by its name, or one of JAX's:
        ``jax_enable_x64`` (True: floatX float64, the default; False: floatX float32, the float of Python
        numbers and creation functions; float64 arrays passed in stay float64, where JAX would narrow them),
        ``jax_platform_name``/``jax_platforms`` (device), ``jax_debug_nans`` (nan_guard), ``jax_disable_jit``
        (mode FAST_COMPILE: the reference interpreter, op by op), ``jax_compilation_cache_dir`` (cache_dir),
        ``jax_default_matmul_precision`` (accepted: jaxlike multiplies at full precision whatever it says)."""
        if not (isinstance(name, str) and name.startswith("jax_")):
            setattr(self, name, value)
            return
        if name == "jax_enable_x64":
            self.floatX = "float64" if _parse_bool(name, value) else "float32"
        elif name in ("jax_platform_name", "jax_platforms"):
            first = str(value).split(",")[0].strip().lower()
            if first not in ("cpu", "gpu", "cuda"):
                raise ValueError(f"{name}: jaxlike runs on 'cpu' or 'gpu' (cuda), got {value!r}")
            self.device = "cpu" if first == "cpu" else "cuda"
        elif name == "jax_debug_nans":
            self.nan_guard = value
        elif name == "jax_disable_jit":
            self.mode = "FAST_COMPILE" if _parse_bool(name, value) else "FAST_RUN"
        elif name == "jax_compilation_cache_dir":
            self.cache_dir = value
        elif name != "jax_default_matmul_precision":
            raise AttributeError(f"jaxlike.config.update: JAX flag {name!r} has no jaxlike counterpart; supported: "
                                 "jax_enable_x64, jax_platform_name, jax_platforms, jax_debug_nans, jax_disable_jit, "
                                 "jax_compilation_cache_dir, jax_default_matmul_precision, or any jaxlike flag: "
                                 f"{', '.join(sorted(_DEFAULTS))}")

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
