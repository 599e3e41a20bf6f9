"""Importing numba.cuda safely, and telling the user precisely why a GPU cannot be used.

numba-cuda 0.30 registers an overload for ``np.row_stack`` when its CUDA target loads; numpy 2.5 removed that
name, so the import fails with an AttributeError deep inside numba. ``ensure_row_stack`` restores the alias
(``np.row_stack`` was always ``np.vstack``) before numba.cuda is imported. Imports numpy only; numba.cuda is
imported on demand.
"""

import os

import numpy as np


def ensure_row_stack(module=np):
    """Give ``module`` (numpy) a ``row_stack`` alias of ``vstack`` when it lacks one. Returns True if patched."""
    if hasattr(module, "row_stack"):
        return False
    module.row_stack = module.vstack
    return True


def simulator_requested():
    """True when NUMBA_ENABLE_CUDASIM asks for the CUDA simulator (read the way numba reads it)."""
    return os.environ.get("NUMBA_ENABLE_CUDASIM", "0").strip() not in ("", "0")


def import_cuda():
    """``numba.cuda`` with the numpy shim applied; ImportError with the install command when it is missing."""
    ensure_row_stack()
    try:
        from numba import cuda
    except ImportError as e:
        raise ImportError(
            "the numba_cuda backend (device='cuda') needs the numba-cuda package, which is not installed "
            f"({e}). Install it with: pip install 'jaxlike[cuda]' (or pip install numba-cuda)") from None
    return cuda


def is_simulator(cuda):
    """Whether this numba.cuda module is the CPU simulator (NUMBA_ENABLE_CUDASIM=1 when it was imported)."""
    # NOTE: the simulator keeps the module name numba.cuda; its functions come from numba.cuda.simulator.
    return getattr(cuda.to_device, "__module__", "").startswith("numba.cuda.simulator")


def device_problem(cuda):
    """None when kernels can run (a GPU with a driver, or the simulator); otherwise the reason, in words."""
    if is_simulator(cuda):
        return None
    try:
        if cuda.is_available():
            return None
    except Exception as e:  # noqa: BLE001 - any driver failure is the reason we report
        return f"the CUDA driver failed to initialise: {e}"
    try:
        cuda.current_context()
    except Exception as e:  # noqa: BLE001
        msg = " ".join(str(e).split())
        return f"no usable CUDA GPU: {msg}"
    return "no usable CUDA GPU was found (numba.cuda.is_available() is False)"
