"""Helpers for the table-driven tests of the jaxlike.numpy surface: a row is one function with its sample
inputs, written once against a module ``m`` so the same lambda runs as numpy (``m = np``, the expected values)
and as jaxlike (``m = jnp``).

Each row is checked three ways: called on plain arrays (numpy's path), traced through ``jaxlike.compile`` with
the reference backend (symbolic sizes, retraced when the function needs concrete ones), and its JVP and VJP
to second order against finite differences (``jaxlike.test_util.check_grads``, uncompiled).
"""

import zlib

import numpy as np

import jaxlike
import jaxlike.numpy as jnp
from jaxlike import pytree
from jaxlike.test_util import check_grads


class Row:
    """``fn(m, *args)``; ``args(rng)`` makes the inputs; ``grad=False`` for integer/boolean results;
    ``ref(*args)`` replaces ``fn(np, *args)`` where numpy has no such function."""

    def __init__(self, id, fn, args, grad=True, order=2, ref=None, rtol=1e-7, atol=1e-10, modes=("fwd", "rev")):
        self.id, self.fn, self.args, self.grad, self.order, self.ref = id, fn, args, grad, order, ref
        self.rtol, self.atol, self.modes = rtol, atol, modes

    def __repr__(self):
        return self.id

    def inputs(self):
        return self.args(np.random.default_rng(zlib.crc32(self.id.encode())))  # the same inputs every run

    def expected(self, args):
        with np.errstate(all="ignore"):
            return self.ref(*args) if self.ref is not None else self.fn(np, *args)

    def jaxlike_fn(self):
        def f(*a):
            return self.fn(jnp, *a)
        f.__name__ = self.id
        return f


def assert_same(got, want, rtol=1e-7, atol=1e-10, what=""):
    """Same tree, shapes and dtypes; values close (NaN where NaN)."""
    gl, gt = pytree.flatten(got)
    wl, wt = pytree.flatten(want)
    assert len(gl) == len(wl), f"{what}: {len(gl)} outputs, numpy gives {len(wl)}"
    for k, (g, w) in enumerate(zip(gl, wl)):
        g, w = np.asarray(g), np.asarray(w)
        assert g.shape == w.shape, f"{what} output {k}: shape {g.shape}, numpy {w.shape}"
        assert g.dtype == w.dtype, f"{what} output {k}: dtype {g.dtype}, numpy {w.dtype}"
        if w.dtype.kind in "fc":
            np.testing.assert_allclose(g, w, rtol=rtol, atol=atol, equal_nan=True, err_msg=f"{what} output {k}")
        else:
            np.testing.assert_array_equal(g, w, err_msg=f"{what} output {k}")


def traced(fn):
    """``fn`` compiled for the reference backend: traced with symbolic sizes, no Numba compile latency."""
    return jaxlike.compile(fn, mode="FAST_COMPILE")


def check_row(row):
    args = row.inputs()
    want = row.expected(args)
    f = row.jaxlike_fn()
    with np.errstate(all="ignore"):
        assert_same(f(*args), want, row.rtol, row.atol, f"{row.id} on plain arrays")
        assert_same(traced(f)(*args), want, row.rtol, row.atol, f"{row.id} traced")
    if row.grad:
        check_grads(f, args, order=row.order, modes=row.modes)


def uniform(lo, hi, *shapes):
    """Args maker: one float64 array per shape, uniform in [lo, hi)."""
    return lambda rng: tuple(rng.uniform(lo, hi, size=s) for s in shapes)


def signed(lo, hi, *shapes):
    """Args maker: magnitudes in [lo, hi) with random signs (away from a kink at 0)."""
    return lambda rng: tuple(rng.uniform(lo, hi, size=s) * rng.choice([-1.0, 1.0], size=s) for s in shapes)


def ids(rows):
    return [r.id for r in rows]
