"""What numba is asked to compile for a generated module: run-time helpers once per argument type, never once
per constant (``literals.py``), no broadcasting array setitem, which numba compiles anew in every process
(~2.5 s each), and no size checks of what a loop allocated itself. Each was compile time a user paid on
every new graph; the checks read numba's record of the compiled signatures, its typed IR and the source,
so each fails if the generated code goes back."""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
import jaxlike.tensor as T
from numba.core import ir, types

from jaxlike.backends.numba_cpu import along, literals, regions, scratch


def _literal_types(sig):
    """The literal types anywhere in a signature (tuples included)."""
    found = []
    for t in sig:
        if isinstance(t, types.Literal):
            found.append(t)
        elif isinstance(t, types.BaseTuple):
            found += _literal_types(t.types)
    return found


@pytest.fixture
def fresh_cache(tmp_path):
    """A cache directory of its own: numba compiles (and keeps the typed IR) instead of loading its cache."""
    old, jaxlike.config.cache_dir = jaxlike.config.cache_dir, str(tmp_path)
    yield
    jaxlike.config.cache_dir = old


def test_helpers_see_types_not_the_constants_of_each_call(fresh_cache):
    """Gathers on two axes (axis and message differ), their scatter gradients and a slice gradient: before,
    take3 was compiled once per axis and per source line of the call."""
    def f(x, i):
        return jnp.sum(jnp.take(x, i, axis=0) ** 2) + jnp.sum(jnp.take(x, i, axis=1)) + jnp.sum(x[1:, :2] ** 3)

    helpers = (along.take3, along.scatter3, regions.embed, scratch.take)
    before = [set(h.overloads) for h in helpers]     # other tests call some of them from their own njit code
    x, i = np.arange(12.0).reshape(3, 4) / 7, np.array([2, 0, -1])
    value, grad = jaxlike.compile(jaxlike.value_and_grad(f))(x, i)
    g = np.zeros_like(x)
    np.add.at(g, i, 2 * x[i])
    np.add.at(g, (slice(None), i), 1.0)
    g[1:, :2] += 3 * x[1:, :2] ** 2
    np.testing.assert_allclose(value, np.sum(x[i] ** 2) + np.sum(x[:, i]) + np.sum(x[1:, :2] ** 3), rtol=1e-12)
    np.testing.assert_allclose(grad, g, rtol=1e-12)
    for helper, old in zip(helpers, before):
        name = helper.py_func.__name__
        for sig in set(helper.overloads) - old:
            assert not _literal_types(sig), f"{name} compiled for constants: {sig}"
        assert any(not _literal_types(sig) for sig in helper.overloads), f"{name}: no compile for types"


def test_only_dispatcher_calls_are_rewritten():
    lines = ["    _al.take3(x, i, out, 1, 'take (at a.py:3)')", "    _rt.prefer_vector_width(512)",
             "    y = _rt.take(_ws, _ws_at, (1, n2), np.float64)", "    for i in range(3):",
             "    z = np.full((1,), -1, np.int64)"]
    assert literals.plain_constants(lines) == [
        "    _al.take3(x, i, out, _rt.plain(1), _rt.plain('take (at a.py:3)'))", "    _rt.prefer_vector_width(512)",
        "    y = _rt.take(_ws, _ws_at, _rt.plain((1, n2)), np.float64)", "    for i in range(3):",
        "    z = np.full((1,), -1, np.int64)"]


def test_scan_records_its_carries_without_an_array_setitem(fresh_cache):
    """A scan with a vector carry, its gradient (a loop step writing array outputs into its arguments) and
    the stacked carries the gradient reads: every setitem in the typed entry stores one element."""
    xs, h0 = T.matrix("xs"), T.vector("h0")
    W = jaxlike.shared(np.eye(3) * 0.5, name="W")
    hs, _ = jaxlike.scan(lambda x, h: T.tanh(T.dot(W, h) + x), sequences=xs, outputs_info=h0)
    cost = T.sum(hs ** 2)
    f = jaxlike.function([xs, h0], [cost] + T.grad(cost, [W, h0]))
    X, H = np.linspace(-1, 1, 12).reshape(4, 3), np.array([0.1, -0.2, 0.3])
    got = f(X, H)
    h, total = H, 0.0
    for x in X:
        h = np.tanh(0.5 * h + x)
        total += np.sum(h ** 2)
    np.testing.assert_allclose(got[0], total, rtol=1e-12)
    stores = []
    for cres in f.executable.entry.overloads.values():
        assert cres.type_annotation is not None, "loaded from numba's cache: the typed IR is not there"
        stores += [sig for inst, sig in cres.type_annotation.calltypes.items()
                   if isinstance(inst, (ir.SetItem, ir.StaticSetItem))]
    assert stores, "no setitem at all: the test no longer sees the loop's stores"
    arrays = [sig for sig in stores if isinstance(sig.args[-1], types.Array)]
    assert not arrays, f"array-into-array setitems: {arrays}"
    # the loop's results are arrays it allocated with their sizes, or copies of the carries' initial values
    assert "'scan: dim" not in f.source, "size checks of the loop's own results"
