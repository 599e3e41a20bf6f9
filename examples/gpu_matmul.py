"""Seed 001's "Configuration - GPU" slides: multiply two 10000 x 10000 matrices, first in float64 on the
CPU, then with ``device=gpu`` in float64 ("GPU is not helpful? Why?") and in float32 ("more than 20 times
faster"), run on jaxlike.

The slides set the device on the command line (``THEANO_FLAGS=device=gpu python test_gpu.py``); here the
first run uses the configured device (``JAXLIKE_FLAGS``, CPU by default) and the GPU runs set
``jaxlike.config.device = 'gpu'``. Without a usable GPU backend (numba-cuda not installed, no driver, no
device) the script says so and exits with status 0 after the CPU run. ``JAXLIKE_EXAMPLE_N`` sets the size
(``JAXLIKE_EXAMPLE_SMALL=1``: 256).
"""
import os
import sys
import time

import jaxlike as theano
import jaxlike.tensor as T
import numpy

N = int(os.environ.get("JAXLIKE_EXAMPLE_N", 256 if os.environ.get("JAXLIKE_EXAMPLE_SMALL") else 10000))


def test_gpu():
    """The first slide's program: float64 (T.matrix() is floatX)."""
    X = T.matrix()
    Y = T.matrix()
    Z = T.dot(X, Y)
    f = theano.function([X, Y], Z)

    x = numpy.random.randn(N, N)
    y = numpy.random.randn(N, N)
    tStart = time.time()
    z = f(x, y)
    tEnd = time.time()
    print("It cost %f sec" % (tEnd - tStart))
    return x, y, z


def test_gpu_float32():
    """The second slide's program: the same product in float32."""
    X = T.matrix(dtype='float32')
    Y = T.matrix(dtype='float32')
    Z = T.dot(X, Y)
    f = theano.function([X, Y], Z)

    x = numpy.random.randn(N, N).astype(dtype='float32')
    y = numpy.random.randn(N, N).astype(dtype='float32')
    tStart = time.time()
    z = f(x, y)
    tEnd = time.time()
    print("It cost %f sec" % (tEnd - tStart))
    return x, y, z


def gpu_unavailable():
    """None when a GPU function can be compiled, else the reason it cannot."""
    X = T.matrix()
    try:
        theano.function([X], X * 2)
    except (RuntimeError, ImportError) as e:
        return str(e)
    return None


def main():
    print(f"Command: python test_gpu.py   (device={theano.config.device}, {N} x {N} float64)")
    test_gpu()
    theano.config.device = "gpu"
    reason = gpu_unavailable()
    if reason is not None:
        print(f"No GPU backend is available, so the device=gpu runs are skipped: {reason}")
        return 0
    print(f"Command: THEANO_FLAGS=device=gpu python test_gpu.py   ({N} x {N} float64)")
    test_gpu()
    print(f"Command: THEANO_FLAGS=device=gpu python test_gpu.py   ({N} x {N} float32)")
    test_gpu_float32()
    return 0


if __name__ == "__main__":
    sys.exit(main())
