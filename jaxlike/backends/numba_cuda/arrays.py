"""Device arrays for the CUDA backend: turning call arguments into flat device buffers, a pool of temporaries,
and handing results back.

Every value lives on the device as a flat, C-ordered 1-d buffer; its logical shape is known to the launch plan
(kernels compute their own index math), so a reshape costs nothing and a 0-d value is a 1-element buffer.
Arguments may be numpy arrays or Python scalars (uploaded), numba device arrays, or any object exposing
``__cuda_array_interface__`` (CuPy, PyTorch...), which are used in place without a copy when C-contiguous.
Under the CUDA simulator device memory is host memory, so a ``__cuda_array_interface__`` pointer is wrapped as
a numpy view, which keeps the no-copy behaviour testable without a GPU. Imports numpy only (numba.cuda is
passed in).
"""

import numpy as np


class _HostView:
    """Presents a CUDA array interface as a numpy array interface (simulator only: pointers are host)."""

    def __init__(self, cai):
        self.__array_interface__ = {"shape": tuple(cai["shape"]), "typestr": cai["typestr"],
                                    "data": tuple(cai["data"]), "strides": cai.get("strides"), "version": 3}


def _host_copying(fake_class):
    """The simulator's device array class, changed so that ``np.asarray`` copies to the host as it does for a
    real device array. The simulator's own forwards numpy's array protocols to the host memory it wraps, so a
    shared variable's ``get_value()`` would alias the state the next call updates in place, and
    ``set_value(other.get_value(borrow=True, return_internal_type=True))`` would tie two variables together;
    on a GPU both are copies."""

    class HostCopying(fake_class):
        def __getattr__(self, name):
            if name in ("__array_interface__", "__array_struct__"):
                raise AttributeError(name)
            return super().__getattr__(name)

        def __array__(self, dtype=None, copy=None):
            host = self.copy_to_host()
            return host if dtype is None else host.astype(dtype, copy=False)

    HostCopying.__name__ = HostCopying.__qualname__ = fake_class.__name__
    return HostCopying


class Arrays:
    """Conversions bound to one numba.cuda module (real or simulated)."""

    def __init__(self, cuda, simulator):
        self.cuda = cuda
        self.simulator = simulator
        if simulator:
            from numba.cuda.simulator.cudadrv.devicearray import FakeCUDAArray
            self._fake = FakeCUDAArray
            self._handed_out = _host_copying(FakeCUDAArray)

    # -- classification -------------------------------------------------------------------------------
    @staticmethod
    def is_device(x):
        if isinstance(x, (np.ndarray, np.generic, int, float, bool)):
            return False
        return bool(getattr(x, "__cuda_ndarray__", False)) or hasattr(x, "__cuda_array_interface__")

    def _as_numba(self, x):
        """A numba (or simulated) device array viewing x's memory."""
        if getattr(x, "__cuda_ndarray__", False):
            return x
        cai = x.__cuda_array_interface__
        if self.simulator:
            return self._fake(np.asarray(_HostView(cai)))
        return self.cuda.as_cuda_array(x)

    # -- arguments ------------------------------------------------------------------------------------
    def flat_input(self, x, var, what, copy_kernel, pool):
        """(flat device buffer, uploaded?) for argument x of graph input ``var``."""
        dtype = var.dtype
        if self.is_device(x):
            d = self._as_numba(x)
            if np.dtype(d.dtype) != dtype:
                raise TypeError(f"{what}: expected a device array of dtype {dtype} ({var.type!r}), got "
                                f"{np.dtype(d.dtype)}; convert it on the device first (e.g. x.astype)")
            shape = tuple(d.shape)
            n = int(np.prod(shape, dtype=np.int64))
            if d.is_c_contiguous():
                return d.reshape(max(n, 1)) if n else self.empty(0, dtype), shape, False
            flat = pool.take((n, dtype.str))
            copy_kernel(d, flat)
            return flat, shape, True
        a = np.asarray(x)
        if a.dtype != dtype:
            if a.dtype == object or not np.can_cast(a.dtype, dtype, "same_kind"):
                raise TypeError(f"{what}: expected dtype {dtype} ({var.type!r}), got {a.dtype}")
            a = a.astype(dtype)
        shape = a.shape
        flat = np.ascontiguousarray(a).reshape(-1)
        buf = pool.take((flat.size, dtype.str))
        if flat.size:
            buf.copy_to_device(flat)
        return buf, shape, True

    def empty(self, n, dtype):
        return self.cuda.device_array(max(int(n), 0), dtype=np.dtype(dtype))

    def upload(self, host):
        return self.cuda.to_device(np.ascontiguousarray(host).reshape(-1))

    def view(self, flat, shape):
        """The flat buffer seen with its logical shape (a view, no copy), as the caller receives it."""
        if tuple(shape) == tuple(flat.shape):
            out = flat
        elif flat.size == 0:
            out = flat.reshape(tuple(shape)) if 0 in tuple(shape) else flat
        else:
            out = flat.reshape(tuple(shape))
        if self.simulator:
            out = self._handed_out(out._ary)
        return out

    @staticmethod
    def to_host(flat, shape, dtype):
        host = flat.copy_to_host() if flat.size else np.empty(0, dtype)
        return host.reshape(shape)


class Pool:
    """Free device buffers by (size, dtype), so a call reuses the temporaries of the call before it instead of
    allocating (cudaMalloc synchronises the device and costs far more than a dict lookup)."""

    def __init__(self, arrays, keep=64):
        self.arrays = arrays
        self.free = {}
        self.keep = keep

    def take(self, key):
        bucket = self.free.get(key)
        if bucket:
            return bucket.pop()
        return self.arrays.empty(key[0], np.dtype(key[1]))

    def give(self, buf):
        key = (buf.size, np.dtype(buf.dtype).str)
        bucket = self.free.setdefault(key, [])
        if len(bucket) < self.keep and not any(b is buf for b in bucket):
            bucket.append(buf)

    def clear(self):
        self.free.clear()
