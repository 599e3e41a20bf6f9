"""The NaN/Inf guard: the first op that makes NaN/Inf out of finite inputs, and whose NaN/Inf reach a result,
is named with its user source line and its input ranges. NaN the user passed in is not an error."""

import inspect
import re
import os

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike.core.graph import Var, Graph
from jaxlike.core.types import TensorType, Sym
from jaxlike.runtime.compiled import build_executable

from _trust import computes

HERE = os.path.basename(__file__)


def line_of(text, fn):
    lines, start = inspect.getsourcelines(fn)
    return start + next(k for k, line in enumerate(lines) if text in line)


def loss(x):
    a = jnp.sin(x) * 3.0
    b = jnp.sqrt(a - 2.0)
    return jnp.sum(b * b)


@pytest.fixture
def guard():
    jaxlike.config.nan_guard = True


def test_first_op_producing_nan_is_named_with_line_and_ranges(guard):
    """Would catch: a bare 'NaN detected' without the op, the user line or the operand values."""
    f = jaxlike.compile(loss)
    with pytest.raises(FloatingPointError) as info:
        f(np.array([0.1, 1.5, 2.0]))
    msg = str(info.value)
    assert msg.startswith("nan_guard: sqrt produced 1 NaN from finite inputs")
    assert f"(at {HERE}:{line_of('jnp.sqrt', loss)})" in msg
    assert re.search(r"input ranges: d:f64\[n\d+\] in \[-1\.700", msg)
    assert "first at index (0,), from input values (-1.700" in msg


def test_guard_is_silent_on_finite_results_and_on_nan_the_user_passed(guard):
    """Would catch: false alarms for NaN that came in with the data, or a guard that fires when nothing is
    wrong."""
    f = jaxlike.compile(lambda x: jnp.exp(x) * 2.0)
    np.testing.assert_allclose(f(np.zeros(2)), [2.0, 2.0])
    out = f(np.array([np.nan, 1.0]))
    assert np.isnan(out[0]) and out[1] == 2.0 * np.e


def test_masked_nan_does_not_count_but_a_later_real_one_does(guard):
    """Would catch: blaming a log(0) that a where() discards instead of the op whose NaN reaches the
    output."""

    def f(x):
        safe = jnp.where(x > 0, jnp.log(x), 0.0)     # log(0) = -inf here, but masked away
        return safe + jnp.arcsin(x * 2.0)            # arcsin(2.0) is NaN and reaches the output

    g = jaxlike.compile(f)
    assert np.isfinite(g(np.array([0.0, 0.25]))).all()
    with pytest.raises(FloatingPointError, match=r"^nan_guard: arcsin produced 1 NaN") as info:
        g(np.array([0.0, 1.0]))
    assert f"{HERE}:{line_of('jnp.arcsin', f)}" in str(info.value)


def test_inf_from_overflow_is_reported(guard):
    """Would catch: a guard that only looks for NaN."""
    g = jaxlike.compile(lambda x: jnp.exp(x * 1000.0) + 1.0)
    with pytest.raises(FloatingPointError,
                       match=r"exp produced 1 Inf from finite inputs.*in \[100.0, 10000.0\]"):
        g(np.array([0.1, 10.0]))


def test_guard_covers_gradients(guard):
    """Would catch: the guard missing NaN born in the backward pass (sqrt'(0) = inf)."""
    g = jaxlike.compile(jaxlike.grad(lambda x: jnp.sum(jnp.sqrt(x))))
    np.testing.assert_allclose(g(np.array([4.0])), [0.25])
    with pytest.raises(FloatingPointError, match="Inf from finite inputs"):
        g(np.array([0.0, 4.0]))


def test_guard_checks_state_updates():
    """Would catch: NaN written into a state variable by an update going unnoticed."""
    jaxlike.config.nan_guard = True
    s = Var(TensorType("float64", (Sym(),)), name="s")
    graph = Graph([s], [jnp.sum(s)], [(s, jnp.log(s))])
    exe = build_executable(graph)
    outs, ups = exe(np.array([1.0, 2.0]))
    assert float(outs[0]) == 3.0
    with pytest.raises(FloatingPointError, match="log produced 1 NaN"):
        exe(np.array([1.0, -2.0]))


def test_guard_off_by_default():
    """Would catch: the guard's cost (and errors) turned on for everyone."""
    assert jaxlike.config.nan_guard is False
    out = jaxlike.compile(loss)(np.array([0.1, 1.5]))
    assert np.isnan(out)


def test_backend_nan_where_reference_is_finite_is_blamed_on_the_backend(guard, fake_backend):
    """Would catch: a backend bug (or fastmath) that makes NaN being reported as the user's op."""
    fake_backend("nanny", bug=lambda v, out: out * np.nan if computes(v, "cos") else out)
    with pytest.raises(FloatingPointError, match="backend 'nanny' produced NaN/Inf in output 0"):
        jaxlike.compile(lambda x: jnp.cos(x) + 1.0)(np.ones(2))


def test_a_guarded_call_that_raises_leaves_the_shared_state_as_it_was(guard):
    """Catches: the backend writes updates into the states' arrays in place, so the guard raised after the
    NaN/inf had already been stored in the shared variable (Theano's NanGuardMode stores nothing)."""
    import jaxlike.tensor as T
    s, x = jaxlike.shared(np.ones(2)), T.dvector("x")
    step = jaxlike.function([x], [], updates=[(s, s / x)])
    with pytest.raises(FloatingPointError):
        step(np.array([0.0, 1.0]))
    assert np.array_equal(s.get_value(), [1.0, 1.0])
    step(np.array([2.0, 4.0]))
    assert np.array_equal(s.get_value(), [0.5, 0.25])
