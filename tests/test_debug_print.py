"""Printing from traced code: ``jaxlike.debug.print`` (JAX's) and ``jaxlike.printing.Print`` (Theano's).

Each test says what it would catch. The compiled cases run numba_cpu's code (conftest turns tiering off),
where a print is an objmode call back into Python; the interpreter runs the same primitive's numpy rule.
"""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
import jaxlike.tensor as T
from jaxlike import debug, lax
from jaxlike.printing import Print


def _lines(capsys):
    return capsys.readouterr().out.splitlines()


def _shown(x):
    """What f"{x}" prints for the array numpy computes (the reference for every printed value here)."""
    return f"{np.asarray(x)}"


@pytest.fixture(scope="module")
def printed_sin():
    """One compiled function printing an argument, a reduction and a Python number, shared by the tests."""
    def f(x):
        debug.print("x={} s={s:.3f} k={}", x, 7, s=jnp.sum(x))
        return jnp.sin(x) * 2.0
    return f, jaxlike.compile(f)


def test_compiled_print_runs_each_call_with_that_calls_values(printed_sin, capsys):
    """Catches: a print folded or run once at trace time, a print dropped by dead-code removal (its token
    is not a result), or one compile serving two sizes with the first call's values."""
    f, g = printed_sin
    for x in (np.arange(3.0), np.array([0.5, -1.0])):
        np.testing.assert_allclose(g(x), np.sin(x) * 2.0)
        assert _lines(capsys) == [f"x={_shown(x)} s={x.sum():.3f} k=7"]
    assert "debug_print" in g.source(np.arange(3.0))


def test_eager_print_is_immediate(printed_sin, capsys):
    """Catches: concrete arguments going through the graph machinery (or not printing at all)."""
    f, _ = printed_sin
    f(np.ones(2))
    assert _lines(capsys) == ["x=[1. 1.] s=2.000 k=7"]


def test_prints_follow_grad_jvp_and_compile_of_grad(printed_sin, capsys):
    """Catches: prints in a differentiated function lost when grad substitutes its graph into the caller's
    trace, or printed once per derivative pass instead of once per call (JAX prints the primal once)."""
    f, _ = printed_sin
    x = np.array([0.25, 2.0])
    expected = [f"x={_shown(x)} s={x.sum():.3f} k=7"]
    loss = lambda x: jnp.sum(f(x))  # noqa: E731
    np.testing.assert_allclose(jaxlike.grad(loss)(x), 2 * np.cos(x))
    assert _lines(capsys) == expected
    _, t = jaxlike.jvp(f, (x,), (np.ones(2),))
    np.testing.assert_allclose(t, 2 * np.cos(x))
    assert _lines(capsys) == expected
    cg = jaxlike.compile(jaxlike.grad(loss))
    for _ in range(2):
        np.testing.assert_allclose(cg(x), 2 * np.cos(x))
        assert _lines(capsys) == expected
    np.testing.assert_allclose(jaxlike.grad(jaxlike.grad(f))(0.25), -2 * np.sin(0.25))
    assert _lines(capsys) == ["x=0.25 s=0.250 k=7"]


def test_vmap_prints_each_element(capsys):
    """Catches: a batched print showing the whole batch at once, or a nested vmap printing in another order
    than its elements (JAX prints one line per element)."""
    def f(x, y):
        debug.print("{} {}", x, y)
        return x * y
    xs = np.arange(6.0).reshape(2, 3)
    for run in (jaxlike.vmap(jaxlike.vmap(f, in_axes=(0, None)), in_axes=(0, None)),
                jaxlike.compile(jaxlike.vmap(jaxlike.vmap(f, in_axes=(0, None)), in_axes=(0, None)))):
        np.testing.assert_allclose(run(xs, 2.0), xs * 2.0)
        assert _lines(capsys) == [f"{v} 2.0" for v in xs.ravel()]


def test_identical_prints_both_run_and_constants_print_at_run_time(capsys):
    """Catches: CSE merging two prints of the same values (JAX prints twice), or a print of values the
    compiler can compute ahead folded into one print at compile time."""
    @jaxlike.compile
    def f(x):
        debug.print("v {}", x)
        debug.print("v {}", x)
        debug.print("c {}", jnp.ones(2) * 3)
        return x
    f(np.ones(1))
    assert _lines(capsys) == ["v [1.]", "v [1.]", "c [3. 3.]"]
    f(np.zeros(1))
    assert _lines(capsys) == ["v [0.]", "v [0.]", "c [3. 3.]"]


def _step(c, x):
    debug.print("c={} x={}", c, x)
    return c + x, c * 2


def test_prints_in_a_scan_body_run_on_every_step_once(capsys):
    """Catches: a print in a loop body dropped, run once per call instead of per step, run twice under grad
    (the backward loop rebuilds the step) or forward mode (a second loop carries the tangents), or batched
    steps printed as one line."""
    xs = np.arange(3.0)
    steps = ["c=0.0 x=0.0", "c=0.0 x=1.0", "c=1.0 x=2.0"]
    scan = lambda xs: lax.scan(_step, 0.0, xs)  # noqa: E731
    for run in (scan, jaxlike.compile(scan)):
        c, ys = run(xs)
        assert float(c) == 3.0 and ys.tolist() == [0.0, 0.0, 2.0]
        assert _lines(capsys) == steps
    np.testing.assert_allclose(jaxlike.compile(jaxlike.grad(lambda xs: jnp.sum(scan(xs)[1])))(xs), [4.0, 2.0, 0.0])
    assert _lines(capsys) == steps
    (_, ys), (_, dys) = jaxlike.jvp(scan, (xs,), (np.ones(3),))
    assert dys.tolist() == [0.0, 2.0, 4.0] and _lines(capsys) == steps
    jaxlike.compile(jaxlike.vmap(scan))(np.arange(4.0).reshape(2, 2))
    assert _lines(capsys) == ["c=0.0 x=0.0", "c=0.0 x=2.0", "c=0.0 x=1.0", "c=2.0 x=3.0"]
    outer = lambda xs: lax.scan(lambda c, x: (scan(x)[0] + c, c), 0.0, xs)  # noqa: E731
    jaxlike.compile(outer)(np.arange(4.0).reshape(2, 2))
    assert _lines(capsys) == ["c=0.0 x=0.0", "c=0.0 x=1.0", "c=0.0 x=2.0", "c=2.0 x=3.0"]


def test_prints_in_while_fori_and_cond_bodies(capsys):
    """Catches: a while_loop's print run once (it must ride on the carry), a fori_loop with traced bounds
    (a while_loop) losing it, a cond printing from the branch not taken, and forward mode doubling them."""
    def grow(c):
        debug.print("w {}", c)
        return c * 2
    w = jaxlike.compile(lambda x: lax.while_loop(lambda c: c < 10, grow, x))
    assert float(w(1.0)) == 16.0 and _lines(capsys) == ["w 1.0", "w 2.0", "w 4.0", "w 8.0"]
    _, t = jaxlike.jvp(lambda x: lax.while_loop(lambda c: c < 10, grow, x), (3.0,), (1.0,))
    assert float(t) == 4.0 and _lines(capsys) == ["w 3.0", "w 6.0"]
    f = jaxlike.compile(lambda n: lax.fori_loop(0, n, lambda i, v: (debug.print("i {}", i), v + i)[1], 0))
    assert int(f(3)) == 3 and _lines(capsys) == ["i 0", "i 1", "i 2"]

    def yes(x):
        debug.print("yes {}", x)
        return x

    def no(x):
        debug.print("no {}", x)
        return -x
    g = jaxlike.compile(lambda p, x: lax.cond(p, yes, no, x))
    assert float(g(True, 1.0)) == 1.0 and float(g(False, 2.0)) == -2.0
    assert _lines(capsys) == ["yes 1.0", "no 2.0"]
    assert float(jaxlike.grad(lambda x: lax.cond(x > 0, yes, no, x))(1.5)) == 1.0
    assert _lines(capsys) == ["yes 1.5"]


def test_prints_where_no_prints_are_kept_are_refused_with_the_line():
    """Catches: a print inside a custom_jvp function silently dropped, or its token leaking into the enclosing
    graph (an obscure missing-input error at compile time), and one in while_loop's cond_fun."""
    @jaxlike.custom_jvp
    def f(x):
        debug.print("f {}", x)
        return jnp.sin(x)
    f.defjvp(lambda p, t: (f(p[0]), jnp.cos(p[0]) * t[0]))
    with pytest.raises(NotImplementedError, match=r"test_debug_print.py:\d+.*custom_jvp"):
        jaxlike.compile(f)(1.0)
    with pytest.raises(NotImplementedError, match="cond_fun"):
        lax.while_loop(lambda c: debug.print("c {}", c) or c < 3, lambda c: c + 1, 0)


def test_bad_arguments_name_the_argument():
    """Catches: a string beside traced values failing deep inside the graph builder."""
    with pytest.raises(TypeError, match=r"args\[1\] is str"):
        jaxlike.compile(lambda x: debug.print("{} {}", x, "text") or x)(np.ones(2))
    with pytest.raises(TypeError, match="fmt must be a format string"):
        debug.print(3, 4)


def test_make_jaxpr_keeps_no_print(capsys):
    """Catches: a trace that is not a compile (make_jaxpr) leaving its tokens pending, to be claimed by the
    next transformation that happens to read the same values."""
    def f(x):
        debug.print("m {}", x)
        return x + 1
    assert "debug_print" not in str(jaxlike.make_jaxpr(f)(np.ones(2)))
    np.testing.assert_allclose(jaxlike.grad(lambda x: jnp.sum(x * 2))(np.ones(2)), [2.0, 2.0])
    assert _lines(capsys) == []


def test_theano_print_is_an_identity_that_prints_when_computed(capsys):
    """Catches: Print changing the value or its gradient, printing the gradient pass too (Theano passes the
    gradient through silently), Theano's line format, attrs other than __str__, and an unused Print printing
    (in Theano only a Print whose result is used runs)."""
    x = T.dvector("x")
    h = Print("h")(x * 2)
    y = T.sum(h ** 2)
    _ = Print("unused")(x)
    f = jaxlike.function([x], [y, T.grad(y, x)])
    value, grad = f(np.arange(3.0))
    assert float(value) == 20.0
    np.testing.assert_allclose(grad, [0.0, 8.0, 16.0])
    assert _lines(capsys) == ["h __str__ = [0. 2. 4.]"]
    seen = []
    g = jaxlike.function([x], [Print("p", attrs=("shape", "sum"))(x) + 1,
                               Print("q", global_fn=lambda op, v: seen.append((op.message, v.tolist())))(x)])
    np.testing.assert_allclose(g(np.arange(4.0))[0], np.arange(4.0) + 1)
    assert _lines(capsys) == ["p shape = (4,)", "p sum = 6.0"]
    assert seen == [("q", [0.0, 1.0, 2.0, 3.0])]
    with pytest.raises(TypeError, match="attrs must be attribute names"):
        Print("p", attrs=(3,))


def test_callback_gets_each_calls_values_as_arrays():
    """Catches: debug.callback called at trace time with graph variables, or once per compile, or with its
    keyword arguments lost."""
    seen = []

    @jaxlike.compile
    def f(x):
        debug.callback(lambda a, scale: seen.append((type(a), a.tolist(), float(scale))), x * 2, scale=x[0])
        return x
    f(np.array([1.0, 2.0]))
    f(np.array([3.0]))
    assert seen == [(np.ndarray, [2.0, 4.0], 1.0), (np.ndarray, [6.0], 3.0)]
    with pytest.raises(TypeError, match="callback must be callable"):
        debug.callback(3, 4)
