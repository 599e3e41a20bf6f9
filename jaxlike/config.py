"""Global flags: floatX, device, mode, profile, fastmath, cache_dir, nan_guard, keep_freed_memory, tiered,
disable_jit (JAX's: compiled functions run their Python op by op), and three of Theano's: optimizer,
exception_verbosity, compute_test_value.

Set as attributes (``jaxlike.config.floatX = 'float32'``), with ``config.update(name, value)`` (which also
takes JAX's names for the flags it has counterparts of) or through the ``JAXLIKE_FLAGS`` environment variable
(``JAXLIKE_FLAGS=device=cuda,floatX=float32,profile=True``). Imports nothing of ours.

Theano's flags, as far as jaxlike can honour them:
  * ``optimizer``: jaxlike's graph rewrites come with the mode, so the flag selects one. 'None', 'merge' and
    'fast_compile' set mode FAST_COMPILE (the reference interpreter after CSE alone, which is Theano's
    'merge'; there are no fewer rewrites to run); 'fast_run', 'o1'...'o4' and 'unsafe' set FAST_RUN (from
    FAST_COMPILE; DEBUG_MODE stays). Setting ``mode`` sets ``optimizer`` back to 'fast_compile' or
    'fast_run', as Theano's predefined modes carry their optimizer.
  * ``exception_verbosity``: 'low' or 'high', accepted; both give the same messages, which quote the
    user's source line wherever jaxlike knows it (what 'high' adds in Theano).
  * ``compute_test_value``: only 'off'; 'ignore', 'warn', 'raise' and 'pdb' raise NotImplementedError
    (test values are not supported: shapes are checked symbolically while the graph is built instead).
"""

import os

_CHOICES = {
    "floatX": ("float64", "float32"),
    "device": ("cpu", "cuda", "gpu"),
    "mode": ("FAST_RUN", "FAST_COMPILE", "DEBUG_MODE"),
    "optimizer": ("fast_run", "fast_compile", "merge", "None", "o1", "o2", "o3", "o4", "unsafe"),
    "exception_verbosity": ("low", "high"),
    "compute_test_value": ("off", "ignore", "warn", "raise", "pdb"),
}
_NO_REWRITES = ("fast_compile", "merge", "None")   # optimizers that select FAST_COMPILE
_BOOLS = ("profile", "fastmath", "nan_guard", "keep_freed_memory", "tiered", "disable_jit")
_DEFAULTS = {
    "floatX": "float64",
    "device": "cpu",
    "mode": "FAST_RUN",
    "profile": False,
    "fastmath": False,
    "nan_guard": False,
    # NOTE: see backends/numba_cpu: glibc's malloc keeps freed arrays for reuse instead of returning them
    "keep_freed_memory": True,
    # NOTE: see runtime/tiered.py: first calls run on the interpreter while numba compiles in the background
    "tiered": True,
    "disable_jit": False,
    "cache_dir": os.path.join(os.path.expanduser("~"), ".cache", "jaxlike"),
    "optimizer": "fast_run",
    "exception_verbosity": "low",
    "compute_test_value": "off",
}


_OBSERVERS = {}     # flag name -> functions called with each new value (the layers above register them)


def on_change(name, observer):
    """Call ``observer(value)`` whenever flag ``name`` is set."""
    _OBSERVERS.setdefault(name, []).append(observer)


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
        value = _validate(name, value)
        self._values[name] = value
        if name == "optimizer":
            if value in _NO_REWRITES:
                self._values["mode"] = "FAST_COMPILE"
            elif self._values["mode"] == "FAST_COMPILE":
                self._values["mode"] = "FAST_RUN"
        elif name == "mode":
            self._values["optimizer"] = "fast_compile" if value == "FAST_COMPILE" else "fast_run"
        for observer in _OBSERVERS.get(name, ()):
            observer(value)

    def __repr__(self):
        return "jaxlike.config(" + ", ".join(f"{k}={v!r}" for k, v in sorted(self._values.items())) + ")"

    def update(self, name, value):
        """Set one flag, as ``jax.config.update``: a jaxlike flag by its name, or one of JAX's:
        ``jax_enable_x64`` (True: floatX float64, the default; False: floatX float32, the float of Python
        numbers and creation functions; float64 arrays passed in stay float64, where JAX would narrow them),
        ``jax_platform_name``/``jax_platforms`` (device), ``jax_debug_nans`` (nan_guard), ``jax_disable_jit``
        (disable_jit), ``jax_compilation_cache_dir`` (cache_dir),
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
            self.disable_jit = value
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
        if name == "compute_test_value" and value != "off":
            raise NotImplementedError(f"jaxlike flag 'compute_test_value'={value!r}: test values "
                                      "(var.tag.test_value) are not supported; only 'off' is accepted (shapes are "
                                      "checked while the graph is built)")
        return value
    if name in _BOOLS:
        return _parse_bool(name, value)
    value = os.fspath(value) if isinstance(value, os.PathLike) else str(value)
    if name == "cache_dir" and not value.strip():
        # NOTE: an empty path would put the cache in whatever directory the process runs in
        raise ValueError("jaxlike flag 'cache_dir' must be a directory path, got an empty string")
    return value


config = Config()
if os.environ.get("JAXLIKE_FLAGS"):
    config.update_from_string(os.environ["JAXLIKE_FLAGS"])
