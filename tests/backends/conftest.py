"""Shared helpers for the backend tests: build a graph from a function of typed inputs, compile it once with
the numba_cpu backend (after the FAST_RUN pipeline or just the fuse pass), and compare every output and
update value with the reference interpreter on the same arguments.

Numba compiles cost 0.1 to 2 s per function, so tests compile in module- or session-scoped fixtures and
the registry sweep puts many primitives into one compiled graph."""

import numpy as np
import pytest

from jaxlike.core.graph import Var, Graph
from jaxlike.core.types import TensorType, Sym
from jaxlike.core.interpret import interpret
from jaxlike.passes.fuse import fuse
from jaxlike.passes.pipeline import optimize

nb = pytest.importorskip("jaxlike.backends.numba_cpu")

SERIAL = {"parallel": False}


def typed(arr, symbolic=True):
    """An input Var typed like ``arr``: dims of size 1 stay 1 (they broadcast), the others become Syms."""
    arr = np.asarray(arr)
    shape = tuple(1 if d == 1 else Sym() for d in arr.shape) if symbolic else arr.shape
    return Var(TensorType(arr.dtype, shape))


def graph_of(fn, *examples, symbolic=True):
    xs = [typed(a, symbolic) for a in examples]
    out = fn(*xs)
    return Graph(xs, list(out) if isinstance(out, (list, tuple)) else [out])


def compile_graph(graph, pipeline="fuse", **options):
    """numba_cpu executable for ``graph`` after ``pipeline`` ('fuse', 'FAST_RUN' or None)."""
    if pipeline == "fuse":
        graph = fuse(graph)
    elif pipeline is not None:
        graph = optimize(graph, pipeline)
    opts = dict(SERIAL)
    opts.update(options)
    return nb.compile(graph, opts)


def reference(graph, args):
    with np.errstate(all="ignore"):
        return interpret(graph, [np.array(a, copy=True) for a in args])


def assert_close(got, want, rtol=1e-12, atol=0.0, what=""):
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype, f"{what}: dtype {got.dtype} vs reference {want.dtype}"
    assert got.shape == want.shape, f"{what}: shape {got.shape} vs reference {want.shape}"
    if want.dtype.kind in "fc":
        np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, equal_nan=True, err_msg=what)
    else:
        np.testing.assert_array_equal(got, want, err_msg=what)


def tol(dtype):
    return 2e-6 if np.dtype(dtype) == np.float32 else 1e-12


def check(exe, graph, *args, rtol=None, atol=0.0):
    """Run ``exe`` and the reference interpreter (on copies: updates may be written in place) and compare
    outputs and update values. Returns the executable's (outputs, updates)."""
    want_o, want_u = reference(graph, args)
    got_o, got_u = exe(*[np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args])
    assert len(got_o) == len(want_o) and len(got_u) == len(want_u)
    for k, (g, w) in enumerate(zip(list(got_o) + list(got_u), want_o + want_u)):
        assert_close(g, w, rtol=rtol if rtol is not None else tol(np.asarray(w).dtype), atol=atol,
                     what=f"result {k}")
    return got_o, got_u
