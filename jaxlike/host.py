"""JAX's array and device conveniences, so that a ported program runs unchanged: ``block_until_ready``,
``device_put``, ``device_get``, ``devices``, ``local_devices``, ``device_count``, ``default_backend`` and the
``Array`` type for ``isinstance`` checks; and the process conveniences ``local_device_count``,
``process_index``, ``process_count``, ``default_device``, ``effects_barrier`` and ``print_environment_info``.

They are what they say for jaxlike, not placeholders: a compiled call returns after its computation has
finished (the CUDA backend copies its results back before returning), so a result is always ready; results
are numpy arrays in host memory, so putting and getting are conversions to numpy arrays; the devices are the
host's CPU and, with ``config.device = 'cuda'`` and a GPU present, that GPU.
A front-end module: imports config, pytree and core."""

import abc

import numpy as np

from . import pytree
from .config import config
from .core.graph import Var


class Array(abc.ABC):
    """What jaxlike computations take and return: numpy arrays and scalars, and traced values while a
    function is traced (as ``jax.Array`` covers JAX's arrays and tracers). For ``isinstance`` only."""


Array.register(np.ndarray)
Array.register(np.generic)
Array.register(Var)


class Device:
    """One device (``platform`` 'cpu' or 'gpu', ``id``), as JAX lists them."""

    def __init__(self, platform, id=0, kind=""):
        self.platform, self.id, self.device_kind = platform, id, kind

    def __repr__(self):
        return f"{'CpuDevice' if self.platform == 'cpu' else 'CudaDevice'}(id={self.id})"

    def __eq__(self, other):
        return isinstance(other, Device) and (self.platform, self.id) == (other.platform, other.id)

    def __hash__(self):
        return hash((self.platform, self.id))


def _gpus():
    try:
        from numba import cuda     # numba-cuda, an optional extra
        return [Device("gpu", k, g.name.decode() if isinstance(g.name, bytes) else str(g.name))
                for k, g in enumerate(cuda.gpus)] if cuda.is_available() else []
    except Exception:       # NOTE: no numba-cuda, no driver, or the simulator: no GPU to list
        return []


def default_backend():
    """'gpu' when ``config.device`` is cuda, else 'cpu' (the platform compiled functions run on)."""
    return "gpu" if config.device == "cuda" else "cpu"


def devices(backend=None):
    """The devices of ``backend`` ('cpu' or 'gpu'; default: ``default_backend()``)."""
    backend = default_backend() if backend is None else backend
    if backend == "cpu":
        return [Device("cpu", 0, "cpu")]
    if backend in ("gpu", "cuda"):
        found = _gpus()
        if not found:
            raise RuntimeError("devices('gpu'): no CUDA GPU is available (numba-cuda is needed: pip install "
                               "'.[cuda]', and a driver)")
        return found
    raise ValueError(f"devices: unknown backend {backend!r}; expected 'cpu' or 'gpu'")


local_devices = devices


def device_count(backend=None):
    return len(devices(backend))


def local_device_count(backend=None):
    return len(local_devices(backend))


def process_index(backend=None):
    """0: jaxlike runs in one process."""
    return 0


def process_count(backend=None):
    return 1


class default_device:
    """``with default_device(device):`` compiles what is first called inside for ``device`` (one of
    ``devices()``, or a platform name), as ``config.device`` does; ``None`` leaves the default."""

    def __init__(self, device):
        if device is None:
            self.target = None
        elif isinstance(device, Device):
            self.target = "cpu" if device.platform == "cpu" else "cuda"
        elif isinstance(device, str) and device.lower() in ("cpu", "gpu", "cuda"):
            self.target = "cpu" if device.lower() == "cpu" else "cuda"
        else:
            raise TypeError(f"default_device: expected one of jaxlike.devices(), 'cpu' or 'gpu', got {device!r}")

    def __enter__(self):
        self.before = config.device
        if self.target is not None:
            config.device = self.target
        return self

    def __exit__(self, *exc):
        config.device = self.before


def effects_barrier():
    """Returns at once: prints and callbacks from compiled code have run when its call returns."""


def print_environment_info(return_string=False):
    """The versions jaxlike runs with (JAX's ``print_environment_info``)."""
    import platform
    import sys
    import llvmlite
    import numba
    # NOTE: the package's version without importing the package from one of its modules (the layer rule)
    version = getattr(sys.modules.get(__name__.rpartition(".")[0]), "__version__", "?")
    text = "\n".join([f"jaxlike:  {version}", f"numpy:    {np.__version__}", f"numba:    {numba.__version__}",
                      f"llvmlite: {llvmlite.__version__}", f"python:   {sys.version.splitlines()[0]}",
                      f"platform: {platform.platform()}", f"device:   {config.device}",
                      f"floatX:   {config.floatX}"])
    if return_string:
        return text
    print(text)


def _to_host(x):
    if isinstance(x, Var):
        raise TypeError("a traced value has no data yet: device_put/device_get take concrete arrays (call them "
                        "outside the compiled function)")
    return x if isinstance(x, np.ndarray) else np.asarray(x)


def device_put(x, device=None):
    """``x`` (a pytree) with its leaves as numpy arrays: where jaxlike computes from."""
    if device is not None and not isinstance(device, Device):
        raise TypeError(f"device_put: device must be one of jaxlike.devices(), got {device!r}")
    return pytree.tree_map(_to_host, x)


def device_get(x):
    """``x`` (a pytree) with its leaves as numpy arrays in host memory."""
    return pytree.tree_map(_to_host, x)


def block_until_ready(x):
    """``x`` itself: jaxlike's results are complete when a call returns."""
    return x


__all__ = ["Array", "Device", "default_backend", "devices", "local_devices", "device_count", "device_put",
           "device_get", "block_until_ready", "local_device_count", "process_index", "process_count",
           "default_device", "effects_barrier", "print_environment_info"]
