"""Loops as primitives (``jaxlike.lax``: scan, fori_loop, while_loop, map, cond, switch): values against
plain Python loops, derivatives against finite differences (to second order), the compiled (numba_cpu)
results against the reference interpreter, one compilation for every length, and the errors a user meets.
Compiled functions are module-level and reused, as numba compilation is the expensive part."""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike import lax
from jaxlike.core.graph import Graph
from jaxlike.test_util import check_grads
from _finite_differences import central_difference

RNG = np.random.default_rng(7)


def rnn(params, xs):
    """A tanh RNN over the rows of xs; the loss reads the final state and every state."""
    W, U, b = params

    def step(h, x):
        h = jnp.tanh(W @ h + U @ x + b)
        return h, jnp.sum(h * h)
    h, ys = lax.scan(step, jnp.zeros(W.shape[0]), xs)
    return jnp.sum(h) + jnp.mean(ys)


def rnn_python(params, xs):
    W, U, b = params
    h, ys = np.zeros(W.shape[0]), []
    for x in xs:
        h = np.tanh(W @ h + U @ x + b)
        ys.append(np.sum(h * h))
    return np.sum(h) + np.mean(ys)


PARAMS = (RNG.normal(size=(4, 4)) * 0.5, RNG.normal(size=(4, 3)) * 0.5, RNG.normal(size=4) * 0.1)
XS = RNG.normal(size=(6, 3))
RNN_GRAD = jaxlike.compile(jaxlike.value_and_grad(rnn, argnums=(0, 1)))


# -- values --------------------------------------------------------------------------------------------------
def test_scan_matches_a_python_loop_eagerly_and_compiled():
    want = rnn_python(PARAMS, XS)
    assert np.allclose(rnn(PARAMS, XS), want, rtol=1e-13)
    assert np.allclose(RNN_GRAD(PARAMS, XS)[0], want, rtol=1e-13)


def test_scan_pytrees_reverse_and_no_xs():
    def f(xs):
        def step(c, x):
            return {"s": c["s"] + x["a"], "n": c["n"] + 1}, (c["s"] * x["b"], None)
        return lax.scan(step, {"s": jnp.zeros(2), "n": 0}, {"a": xs, "b": xs[:, 0]}, reverse=True)
    xs = RNG.normal(size=(5, 2))
    carry, (ys, none) = f(xs)
    s, want = np.zeros(2), np.zeros((5, 2))
    for t in range(4, -1, -1):
        want[t] = s * xs[t, 0]
        s = s + xs[t]
    assert none is None and carry["n"] == 5 and carry["n"].dtype == np.int64
    assert np.allclose(carry["s"], s) and np.allclose(ys, want)
    got = jaxlike.compile(f)(xs)
    assert np.allclose(got[0]["s"], s) and np.allclose(got[1][0], want) and got[0]["n"] == 5
    counter, squares = lax.scan(lambda c, _: (c + 1, c * c), 0, None, length=4)
    assert counter == 4 and list(squares) == [0, 1, 4, 9]


def test_one_compilation_serves_every_length():
    traces = []

    def f(xs):
        traces.append(1)
        return lax.scan(lambda c, x: (c * 0.5 + x, c), jnp.zeros(xs.shape[1]), xs)
    cf = jaxlike.compile(f)
    for n in (2, 4, 9, 0):
        xs = RNG.normal(size=(n, 3))
        c, ys = cf(xs)
        ref_c, ref_ys = np.zeros(3), []
        for x in xs:
            ref_ys.append(ref_c)
            ref_c = ref_c * 0.5 + x
        assert np.allclose(c, ref_c) and ys.shape == (n, 3)
        assert np.allclose(ys, np.array(ref_ys).reshape(n, 3))
    assert len(traces) == 1


def test_loop_graph_does_not_grow_with_the_length():
    """Catches: a loop unrolled into the graph (the compile time then grows with the step count)."""
    def sizes(n):
        g = jaxlike.make_jaxpr(jaxlike.grad(rnn))(PARAMS, np.zeros((n, 3)))
        return len(Graph(g.inputs, g.outputs).eqns()) if hasattr(g, "inputs") else str(g).count("\n")
    assert sizes(3) == sizes(300)


def test_fori_loop_static_and_traced_bounds():
    def f(x, n):
        return lax.fori_loop(0, n, lambda i, v: v * x + i, 1.0)
    want = 1.0
    for i in range(5):
        want = want * 1.5 + i
    assert np.isclose(f(1.5, 5), want)
    cf = jaxlike.compile(f)
    assert np.isclose(cf(1.5, 5), want) and np.isclose(cf(1.5, 0), 1.0)
    assert np.isclose(lax.fori_loop(2, 5, lambda i, v: v + i, 0), 9)
    # static bounds give a scan, which reverse mode differentiates
    assert np.isclose(jaxlike.grad(lambda x: lax.fori_loop(0, 3, lambda i, v: v * x, 1.0))(2.0), 12.0)


def test_while_loop_values_jvp_and_refused_vjp():
    def halve(x):
        return lax.while_loop(lambda c: c[0] > 0.1, lambda c: (c[0] * 0.5, c[1] + 1), (x, 0))
    x, n = halve(3.0)
    assert np.isclose(x, 3.0 / 32) and n == 5
    cx, cn = jaxlike.compile(halve)(3.0)
    assert np.isclose(cx, 3.0 / 32) and cn == 5
    # the tangent of x after n halvings is 0.5**n
    _, (t, _) = jaxlike.jvp(halve, (3.0,), (1.0,))
    assert np.isclose(t, 0.5 ** 5)
    with pytest.raises(TypeError, match="not reverse-differentiable"):
        jaxlike.grad(lambda x: halve(x)[0])(3.0)
    with pytest.raises(TypeError, match="boolean scalar"):
        lax.while_loop(lambda c: c, lambda c: c + 1.0, jnp.zeros(2) + jaxlike.numpy.asarray(1.0))


def test_map_cond_switch():
    xs = RNG.normal(size=(4, 3))
    assert np.allclose(lax.map(lambda r: jnp.sum(r ** 2), xs), np.sum(xs ** 2, axis=1))

    def f(p, x):
        return lax.cond(p > 0, lambda v: v * 2.0, lambda v: -v, x)
    assert f(1.0, 3.0) == 6.0 and f(-1.0, 3.0) == -3.0
    cf = jaxlike.compile(f)
    assert cf(1.0, 3.0) == 6.0 and cf(-1.0, 3.0) == -3.0
    branches = [lambda v: v + 1.0, lambda v: v * 10.0, lambda v: v - 5.0]
    sw = jaxlike.compile(lambda i, v: lax.switch(i, branches, v))
    assert [float(sw(i, 2.0)) for i in (-3, 0, 1, 2, 7)] == [3.0, 3.0, 20.0, -3.0, -3.0]


# -- derivatives ---------------------------------------------------------------------------------------------
def test_rnn_gradient_matches_finite_differences_to_second_order():
    small = tuple(p[:2, :2] if p.ndim == 2 else p[:2] for p in PARAMS)
    check_grads(rnn, (small, XS[:3, :2]), order=2, modes=("fwd", "rev"))


def test_compiled_gradient_equals_the_reference_interpreter():
    value, (g_params, g_xs) = RNN_GRAD(PARAMS, XS)
    ref_value, (r_params, r_xs) = jaxlike.value_and_grad(rnn, argnums=(0, 1))(PARAMS, XS)
    assert np.allclose(value, ref_value, rtol=1e-13)
    for a, b in zip(g_params + (g_xs,), r_params + (r_xs,)):
        assert np.allclose(a, b, rtol=1e-12, atol=1e-14)
    # another length, same compiled function
    v2, (_, g2) = RNN_GRAD(PARAMS, XS[:2])
    assert g2.shape == (2, 3) and np.isclose(v2, rnn_python(PARAMS, XS[:2]))


def test_gradients_of_init_xs_closure_and_reverse_scan():
    def f(c0, xs, a):
        c, ys = lax.scan(lambda c, x: (jnp.sin(c * a) + x, c * x), c0, xs, reverse=True)
        return jnp.sum(c * c) + jnp.sum(ys)
    check_grads(f, (RNG.normal(size=2), RNG.normal(size=(4, 2)), 0.7), order=2)


def test_nested_scans_differentiate():
    def f(a, xs):
        def outer(c, row):
            inner, _ = lax.scan(lambda d, v: (d * a + v, None), c, row)
            return inner, inner
        c, ys = lax.scan(outer, 0.0, xs)
        return c + jnp.sum(ys)
    check_grads(f, (0.8, RNG.normal(size=(3, 2))), order=2)
    g = jaxlike.compile(jaxlike.grad(f, argnums=(0, 1)))(0.8, XS[:3, :2])
    r = jaxlike.grad(f, argnums=(0, 1))(0.8, XS[:3, :2])
    assert np.allclose(g[0], r[0]) and np.allclose(g[1], r[1])


def test_jacobians_hessian_and_vmap_of_a_scan():
    def f(x):
        c, ys = lax.scan(lambda c, v: (c * v + jnp.sin(c), c), x[0], x[1:])
        return jnp.concatenate([jnp.atleast_1d(c), ys])
    x = RNG.normal(size=4) * 0.5
    eps = 1e-6
    fd = np.stack([(np.asarray(f(x + eps * e)) - np.asarray(f(x - eps * e))) / (2 * eps) for e in np.eye(4)], 1)
    assert np.allclose(jaxlike.jacrev(f)(x), fd, atol=1e-7)
    assert np.allclose(jaxlike.jacfwd(f)(x), fd, atol=1e-7)
    assert np.allclose(jaxlike.compile(jaxlike.jacrev(f))(x), fd, atol=1e-7)
    h = jaxlike.hessian(lambda x: jnp.sum(f(x) ** 2))(x)
    assert np.allclose(h, h.T, atol=1e-10)
    batch = RNG.normal(size=(5, 4)) * 0.5
    want = np.stack([np.asarray(f(b)) for b in batch])
    assert np.allclose(jaxlike.vmap(f)(batch), want)
    assert np.allclose(jaxlike.compile(jaxlike.vmap(f))(batch), want)


def _loops_in(fn, *args):
    """How many loop equations the traced graph of ``fn`` holds (a loop's other result nodes print as
    ``body=<as ...>``, its first one ``body=<below>``)."""
    return str(jaxlike.make_jaxpr(fn)(*args)).count("body=<below>")


def test_forward_mode_runs_each_loop_once():
    """The tangent loop also computes the values: jvp, jacfwd and the hessian read them from there instead of
    running the original loop beside it. Catches: the original loop left in the graph (it ran twice), or
    values from the tangent loop that differ from the loop's."""
    w0, x0 = 0.7, RNG.normal(size=(5, 3))

    def f(w, xs):
        h, hs = lax.scan(lambda h, x: (jnp.tanh(w * h + x), h), jnp.zeros(3), xs)
        return jnp.sum(h ** 2) + jnp.sum(hs)
    value, tangent = jaxlike.jvp(lambda w: f(w, x0), (w0,), (1.0,))
    assert np.isclose(value, f(w0, x0))
    eps = 1e-6
    assert np.isclose(tangent, (f(w0 + eps, x0) - f(w0 - eps, x0)) / (2 * eps), rtol=1e-6)
    assert _loops_in(lambda w: jaxlike.jvp(lambda w: f(w, x0), (w,), (1.0,)), w0) == 1
    assert _loops_in(jaxlike.jacfwd(lambda w: f(w, x0)), w0) == 1
    assert np.allclose(jaxlike.compile(lambda w: jaxlike.jvp(lambda w: f(w, x0), (w,), (1.0,)))(w0),
                       (value, tangent))
    # the hessian (forward over reverse): the forward and the reverse loop, each once
    assert _loops_in(jaxlike.hessian(lambda w: f(w, x0)), w0) == 2
    halve = lambda x: lax.while_loop(lambda c: c[0] > 1.0, lambda c: (c[0] * 0.5 + c[1], c[1]), (x, 0.1))[0]
    assert _loops_in(lambda x: jaxlike.jvp(halve, (x,), (1.0,)), 9.0) == 1
    assert np.isclose(jaxlike.jvp(halve, (9.0,), (1.0,))[0], halve(9.0))


def test_vmap_of_while_loop_stops_each_example_at_its_own_step():
    def steps(x):
        return lax.while_loop(lambda c: c[0] < 10.0, lambda c: (c[0] * 2.0, c[1] + 1), (x, 0))[1]
    xs = np.array([1.0, 3.0, 20.0, 0.7])
    want = [steps(x) for x in xs]
    assert list(jaxlike.vmap(steps)(xs)) == want == [4, 2, 0, 4]
    assert list(jaxlike.compile(jaxlike.vmap(steps))(xs)) == want


# -- errors --------------------------------------------------------------------------------------------------
def test_errors_name_the_problem():
    xs = np.zeros((3, 2))
    with pytest.raises(TypeError, match="carry enters the step as i64.* leaves it as f64"):
        lax.scan(lambda c, x: (c * 1.5, None), np.int64(1), xs)
    with pytest.raises(jaxlike.ShapeError, match="carry"):
        lax.scan(lambda c, x: (jnp.concatenate([c, c]), None), jnp.zeros(2), xs)
    with pytest.raises(jaxlike.ShapeError, match="rows but the loop has length 4"):
        lax.scan(lambda c, x: (c, None), 0.0, xs, length=4)
    with pytest.raises(ValueError, match="pass length"):
        lax.scan(lambda c, x: (c, None), 0.0, None)
    with pytest.raises(TypeError, match="must return a pair"):
        lax.scan(lambda c, x: c, 0.0, xs)
    with pytest.raises(TypeError, match="structure"):
        lax.scan(lambda c, x: ((c, c), None), 0.0, xs)
    f = jaxlike.compile(lambda a, b: lax.scan(lambda c, xy: (c + xy[0] * xy[1], None), 0.0, (a, b))[0])
    assert np.isclose(f(np.ones(3), np.ones(3)), 3.0)
    with pytest.raises(jaxlike.ShapeError, match="scanned array 1 has"):
        f(np.ones(3), np.ones(4))


def test_weak_initial_carry_takes_the_steps_dtype():
    xs = np.ones((3, 2), np.float32)
    c, _ = lax.scan(lambda c, x: (c + jnp.sum(x), None), 0.0, xs)
    assert c.dtype == np.float32 and np.allclose(c, 6.0)


def test_weak_int_carry_becomes_a_float_when_the_step_makes_one():
    """Catches: a carry starting as a Python int took a weak float step result cast back to int every step
    (fori_loop(0, 3, c * 1.5, 2) gave 6, JAX 6.75; Theano's scan emitted 1.5 three times)."""
    assert lax.fori_loop(0, 3, lambda i, c: c * 1.5, 2) == 6.75
    assert lax.while_loop(lambda c: c < 5, lambda c: c + 1.5, 0) == 6.0
    c, ys = lax.scan(lambda c, _: (c * 1.5, c), 2, None, length=3)
    assert c == 6.75 and np.array_equal(ys, [2.0, 3.0, 4.5])
    assert jaxlike.jit(lambda x: lax.fori_loop(0, 3, lambda i, c: c * x, 1))(1.5) == 3.375
    assert np.isclose(jaxlike.grad(lambda x: lax.fori_loop(0, 3, lambda i, c: c * x + 0.5, 0))(1.5), 2.0)
    kept = lax.fori_loop(0, 3, lambda i, c: c + 1, 2)      # an int step keeps an int carry
    assert kept == 5 and np.asarray(kept).dtype.kind == "i"
    import jaxlike.tensor as T
    n = T.iscalar("n")
    powers = jaxlike.function([n], jaxlike.scan(lambda a: a * 1.5, outputs_info=1, n_steps=n)[0])
    np.testing.assert_allclose(powers(3), [1.5, 2.25, 3.375])


def test_reference_rule_never_returns_results_of_an_array_since_written():
    """Catches: the reference rule's cache (one run of a loop for all its result nodes) keyed by array
    identity alone: a state written in place between calls got the old loop's results."""
    from jaxlike.control.scan import scan as scan_prim
    from jaxlike.ops._rules import sample_cases
    args, attrs = sample_cases(scan_prim, np.random.default_rng(0))[0]
    args = [np.array(a) for a in args]
    first = scan_prim.numpy(*args, **attrs).copy()
    assert np.array_equal(scan_prim.numpy(*args, **attrs), first)
    args[1] += 1.0     # the initial carry, in place
    assert not np.allclose(scan_prim.numpy(*args, **attrs), first)
    # equal values in new arrays (a backend's host copies) reuse the run, and every caller owns its result
    again = scan_prim.numpy(*[a.copy() for a in args], **attrs)
    again += 100.0
    assert not np.allclose(scan_prim.numpy(*args, **attrs), again)


def test_cond_and_switch_check_the_predicate_the_index_and_the_branch_types():
    """Catches: cond/switch with a traced predicate or index broadcasting a vector predicate elementwise,
    truncating a float index, and selecting between branches of different shapes, dtypes or structures
    (JAX raises TypeError for each), eagerly and under compile; and the rules JAX keeps: a number predicate
    is true when nonzero, and a Python-number branch takes the dtype of the other branch's array."""
    flip = lambda p, x: lax.cond(p, lambda v: v, lambda v: -v, x)  # noqa: E731
    pick = lambda i, x: lax.switch(i, [lambda v: v, lambda v: -v], x)  # noqa: E731
    x = np.ones(2, np.float32)
    bad = [
        (flip, (np.array([True, False]), 1.0), r"cond: pred must be a boolean or number scalar, got "),
        (flip, (1j, 1.0), "pred must be a boolean or number scalar"),
        (pick, (1.7, 1.0), "switch: index must be an integer scalar, got "),
        (lambda p, v: lax.cond(p, lambda v: v, lambda v: jnp.stack([v, v]), v), (True, 1.0),
         r"true_fun returns f64\[\] \(a Python number\) but false_fun returns f64\[2\].* agree in shape"),
        (lambda p, v: lax.cond(p, lambda v: v, lambda v: v.astype(jnp.float64), v), (True, x),
         r"true_fun returns .*f32.* but false_fun returns .*f64.* agree in dtype"),
        (lambda p, v: lax.cond(p, lambda v: 0, lambda v: v[0], v), (True, x), "agree in dtype"),
        (lambda i, v: lax.switch(i, [lambda v: {"a": v}, lambda v: {"a": v, "b": v}], v), (0, x),
         r"branch 0 returns structure \{'a': \*\} but branch 1 returns"),
        (lambda i, v: lax.switch(i, [lambda v: {"a": v, "b": v}, lambda v: {"a": v, "b": v.sum()}], v), (1, x),
         r"branch 0 returns output\['b'\] as f32\[.*\] but branch 1 returns f32\[\]"),
    ]
    for f, args, message in bad:
        for run in (f, jaxlike.compile(f)):
            with pytest.raises(TypeError, match=message + ".*test_loops.py"):
                run(*args)
    weak = lambda p, v: lax.cond(p, lambda v: 1.0, lambda v: v[0] * 2, v)  # noqa: E731
    compiled = jaxlike.compile(weak)
    for p, want in ((2, 1.0), (0, 2.0)):
        for got in (weak(p, x), weak(float(p), x), compiled(p, x)):
            assert np.asarray(got).dtype == np.float32 and got == want


def test_an_eager_scan_whose_step_builds_a_constant_from_its_input_runs_eagerly():
    """Catches: zeros_like(x) of the step's slice, captured as an invariant computed from constants, counted as a
    traced operand: the eager scan returned graph nodes instead of arrays."""
    def step(c, x):
        return c + jnp.zeros_like(x) + x, c
    final, ys = jaxlike.lax.scan(step, np.zeros(2), np.ones((3, 2)))
    assert isinstance(final, np.ndarray) and isinstance(ys, np.ndarray)
    np.testing.assert_array_equal(final, [3.0, 3.0])
    np.testing.assert_array_equal(ys, [[0, 0], [1, 1], [2, 2]])


CONCAT_STEPS = jaxlike.compile(lambda v: lax.scan(lambda c, _: (c * 2, jnp.concatenate([c, c])), v, None,
                                                  length=2))


def test_per_step_results_of_computed_sizes():
    """Catches: numba_cpu allocating the stacked results before the loop with a size only the step knew (a
    concatenation inside it: NotDefinedError 'n1' from numba's bytecode analysis); now the size is the sum of
    the operands' sizes. A size the step computes in another way (a reshape) runs on the reference
    interpreter with a warning. A carry that grows (Theano's scan of concatenate([a, a])) is a ShapeError."""
    import warnings
    for n in (3, 5):
        v = np.arange(1.0, n + 1)
        with warnings.catch_warnings():
            warnings.filterwarnings("error", "numba_cpu cannot compile")   # NOTE: not run on the interpreter
            c, ys = CONCAT_STEPS(v)
        np.testing.assert_array_equal(c, 4 * v)
        np.testing.assert_array_equal(ys, [np.concatenate([v, v]), np.concatenate([2 * v, 2 * v])])
    assert len(CONCAT_STEPS._cache) == 1
    flat = jaxlike.compile(lambda m: lax.scan(lambda c, _: (c * 2, jnp.concatenate([jnp.reshape(c, (-1,)), c[0, :1]])),
                                              m, None, length=2)[1])
    with pytest.warns(UserWarning, match="size the step computes itself"):
        np.testing.assert_array_equal(flat(np.ones((2, 3))), [np.ones(7), np.full(7, 2.0)])
    import jaxlike.tensor as T
    a = T.dvector("a")
    out, _ = jaxlike.scan(lambda x: T.concatenate([x, x]), outputs_info=a, n_steps=2)
    grow = jaxlike.function([a], out)
    with pytest.raises(jaxlike.ShapeError, match="size 2 at dim 0 where the result has 1"):
        grow(np.ones(1))


def test_a_loop_step_with_more_than_thirty_arguments_compiles():
    """Catches: CPython passing a call's arguments past 30 as *args, which numba's inliner refuses ("Calling a
    closure with *args is unsupported"): a loop with 16 carried arrays (its step takes 33 arguments: the carries,
    their next buffers and the scratch block) failed to compile on numba_cpu."""
    def grow(*xs):
        return lax.fori_loop(0, 3, lambda i, c: tuple(v * 1.5 for v in c), tuple(xs))
    out = jaxlike.compile(grow)(*[np.full(2, float(k)) for k in range(16)])
    np.testing.assert_allclose(np.stack(out), np.arange(16.0)[:, None] * 1.5 ** 3 * np.ones(2))


def _prims_in_loops(graph, reverse):
    """The primitive names inside the bodies (fused ones included) of the scans of ``graph`` that run in the
    direction ``reverse``."""
    names = set()

    def walk(g, inside):
        for v in g.nodes():
            if v.prim is None:
                continue
            if inside:
                names.add(v.prim.name)
            attrs = dict(v.attrs)
            for a in attrs.values():
                if isinstance(a, Graph):
                    walk(a, inside or (v.prim.name == "scan" and attrs.get("reverse") == reverse))
    walk(graph, False)
    return names


def test_the_backward_loop_reads_the_forward_results_instead_of_recomputing_them():
    """tanh's derivative reads tanh's result: the reverse loop takes it from the forward loop (the carry that
    left each step is the residual of the next; a per-step result is a row of the stacked output), so neither
    the tanh nor the products before it run again. Catches: the step recomputed in the backward loop, a carry
    shifted by one step, or the first n rows of a carry broadcast from (n,) to the carried size read wrongly."""
    def loss(params, xs, reverse):
        W, U, b = params

        def step(h, x):
            h = jnp.tanh(W @ h + U @ x + b)
            return h, jnp.tanh(h * x[0])
        h, ys = lax.scan(step, jnp.zeros(4), xs, reverse=reverse)
        return jnp.sum(h * h) + jnp.sum(ys ** 3)

    def loss_python(params, xs, reverse):
        W, U, b = params
        h, total = jnp.zeros(4), 0.0
        for x in (xs[::-1] if reverse else xs):
            h = jnp.tanh(W @ h + U @ x + b)
            total = total + jnp.tanh(h * x[0]) ** 3
        return jnp.sum(h * h) + jnp.sum(total)
    for reverse in (False, True):
        f = jaxlike.compile(jaxlike.value_and_grad(lambda p, x: loss(p, x, reverse), argnums=(0, 1)))
        want = jaxlike.value_and_grad(lambda p, x: loss_python(p, x, reverse), argnums=(0, 1))(PARAMS, XS)
        got = f(PARAMS, XS)
        assert np.allclose(got[0], want[0], rtol=1e-12)
        for a, b in zip(jaxlike.tree_util.tree_leaves(got[1]), jaxlike.tree_util.tree_leaves(want[1])):
            assert np.allclose(a, b, rtol=1e-10, atol=1e-13)
        prims = _prims_in_loops(f.optimized_graph(PARAMS, XS), not reverse)
        assert "tanh" not in prims and "contract" in prims   # the products of the gradients stay
    # a state of one row where four are carried: refused by the compiled trace too (a size of 1 is part of the
    # signature), rather than broadcast
    one = (PARAMS[0][:1], PARAMS[1][:1], PARAMS[2][:1])
    plain = jaxlike.grad(lambda p, x: loss(p, x, False))
    for run in (plain, jaxlike.compile(plain)):
        with pytest.raises(jaxlike.ShapeError, match="a loop carries one shape"):
            run(one, XS)


def test_the_backward_loop_of_a_traced_step_count_and_second_derivatives():
    """A traced step count (the scanned array may be longer) and the Hessian of a loop whose backward reads
    the forward results: both against the unrolled loop."""
    W = PARAMS[0]

    def loss(w, xs, n):
        h, _ = lax.scan(lambda h, x: (jnp.tanh(w * (W @ h) + x[:4]), None), jnp.zeros(4), xs, length=n)
        return jnp.sum(h ** 2)

    def unrolled(w, xs, n):
        h = jnp.zeros(4)
        for t in range(n):
            h = jnp.tanh(w * (W @ h) + xs[t, :4])
        return jnp.sum(h ** 2)
    xs = RNG.normal(size=(7, 4))
    g = jaxlike.compile(jaxlike.grad(loss, argnums=(0, 1)))
    for n in (5, 7):
        got, want = g(0.8, xs, n), jaxlike.grad(unrolled, argnums=(0, 1))(0.8, xs, n)
        assert np.allclose(got[0], want[0], rtol=1e-10) and np.allclose(got[1], want[1], rtol=1e-10, atol=1e-14)
    hess = jaxlike.hessian(lambda w: loss(w, xs[:6], 6))(0.8)
    assert np.allclose(hess, jaxlike.hessian(lambda w: unrolled(w, xs, 6))(0.8), rtol=1e-9)


def _gated(m, lax_, sliced=False):
    """A gated recurrence (an LSTM cell's shape): its derivative reads the sigmoid gates and tanh values, which
    are neither carries nor per-step results. ``sliced``: the gates are slices of one product of the stacked
    parameters (``STACKED``), of sizes the step computes, which the forward loop does not save: it saves the
    product, and the backward loop computes the gates from it)."""
    def loss(p, xs):
        W, U, b = p

        def step(c, x):
            h, cell = c
            if sliced:
                z = W @ h + U @ x + b           # the parameters stacked: (9, 3), (9, 2), (9,)
                zi, zf, zg = z[:3], z[3:6], z[6:]
            else:
                zi, zf, zg = (W[k] @ h + U[k] @ x + b[k] for k in range(3))
            i, f, g = 1 / (1 + m.exp(-zi)), 1 / (1 + m.exp(-zf)), m.tanh(zg)
            cell = f * cell + i * g
            return (m.tanh(cell) * i, cell), m.sum(cell)
        (h, cell), ys = lax_.scan(step, (m.zeros(3), m.zeros(3)), xs)
        return m.sum(h ** 2) + m.sum(ys * 0.1)
    return loss


def _gated_python(p, xs):
    W, U, b = p
    h, cell, total = np.zeros(3), np.zeros(3), 0.0
    for x in xs:
        zi, zf, zg = (W[k] @ h + U[k] @ x + b[k] for k in range(3))
        i, f, g = 1 / (1 + np.exp(-zi)), 1 / (1 + np.exp(-zf)), np.tanh(zg)
        cell = f * cell + i * g
        h = np.tanh(cell) * i
        total += np.sum(cell)
    return np.sum(h ** 2) + total * 0.1


GATED = (RNG.normal(size=(3, 3, 3)) * 0.5, RNG.normal(size=(3, 3, 2)) * 0.5, RNG.normal(size=(3, 3)) * 0.1)
STACKED = tuple(np.reshape(p, (9,) + p.shape[2:]) for p in GATED)


def _loop_bodies(graph, reverse):
    """The bodies of the loops of ``graph`` that run in direction ``reverse``, each once."""
    found = {}
    for v in graph.nodes():
        attrs = dict(v.attrs)
        if v.prim is not None and v.prim.name == "scan" and attrs["reverse"] == reverse:
            found[id(attrs["body"])] = attrs["body"]
    return list(found.values())


def test_the_forward_loop_saves_what_the_backward_loop_reads_and_runs_once():
    """The gates the derivative reads are saved per step by the forward loop (as JAX's linearization saves its
    residuals), which then runs once: the loop the program wrote and the one that saves are merged. Catches:
    the backward loop computing the gates again, the forward loop running twice (value_and_grad), saved rows
    read at the wrong step, and the merged loop's residual results renumbered wrongly."""
    xs = RNG.normal(size=(7, 2))
    for sliced in (False, True):
        f = jaxlike.compile(jaxlike.value_and_grad(_gated(jnp, lax, sliced)))
        value, grad = f(STACKED if sliced else GATED, xs)
        grad = [np.reshape(g, p.shape) for g, p in zip(grad, GATED)]
        assert np.isclose(value, _gated_python(GATED, xs), rtol=1e-13)
        for k in range(3):
            one = lambda w: _gated_python(GATED[:k] + (w,) + GATED[k + 1:], xs)   # noqa: E731
            np.testing.assert_allclose(grad[k], central_difference(one, GATED[k]), rtol=1e-6, atol=1e-9)
        eager = jaxlike.value_and_grad(_gated(jnp, lax, sliced))(STACKED if sliced else GATED, xs)  # no merge
        assert np.isclose(eager[0], value, rtol=1e-13)
        for a, b in zip(eager[1], grad):
            assert np.allclose(np.reshape(a, b.shape), b, rtol=1e-11, atol=1e-14)
        graph = f.optimized_graph(STACKED if sliced else GATED, xs)
        assert len(_loop_bodies(graph, False)) == 1 and len(_loop_bodies(graph, True)) == 1
        assert _loop_bodies(graph, False)[0].num_ys > 1                      # the per-step sums and the saved
        prims = _prims_in_loops(graph, True)
        # (a div stays: the derivative of 1 / d)
        assert "contract" in prims and (sliced or not prims & {"exp", "tanh", "sigmoid"})


def test_saved_values_under_vmap_and_second_derivatives():
    """Per-example gradients (vmap of grad) and a Hessian-vector product of the gated loop, against the
    unrolled loop's."""
    loss = _gated(jnp, lax)
    xs = RNG.normal(size=(3, 5, 2))
    per_example = jaxlike.compile(jaxlike.vmap(jaxlike.grad(loss), in_axes=(None, 0)))(GATED, xs)
    # NOTE: the gates as slices of one product: batching gave the slices' sizes new symbols, and the reshapes
    # after them named the old ones ("scan needs a size that no value computed before it determines")
    sliced = jaxlike.compile(jaxlike.vmap(jaxlike.grad(_gated(jnp, lax, sliced=True)), in_axes=(None, 0)))(
        STACKED, xs)
    for a, b in zip(sliced, per_example):
        assert np.allclose(np.reshape(a, b.shape), b, rtol=1e-12, atol=1e-15)

    def unrolled(p, x):
        W, U, b = p
        h, cell, total = jnp.zeros(3), jnp.zeros(3), 0.0
        for t in range(x.shape[0]):
            zi, zf, zg = (W[k] @ h + U[k] @ x[t] + b[k] for k in range(3))
            i, f, g = 1 / (1 + jnp.exp(-zi)), 1 / (1 + jnp.exp(-zf)), jnp.tanh(zg)
            cell = f * cell + i * g
            h = jnp.tanh(cell) * i
            total = total + jnp.sum(cell)
        return jnp.sum(h ** 2) + total * 0.1
    for e in range(3):
        want = jaxlike.grad(unrolled)(GATED, xs[e])
        for a, b in zip(per_example, want):
            assert np.allclose(a[e], b, rtol=1e-10, atol=1e-13)
    b0 = lambda b: loss((GATED[0], GATED[1], b), xs[0])   # noqa: E731
    hess = jaxlike.compile(jaxlike.hessian(b0))(GATED[2])
    want = jaxlike.hessian(lambda b: unrolled((GATED[0], GATED[1], b), xs[0]))(GATED[2])
    assert np.allclose(hess, want, rtol=1e-9, atol=1e-12)


def test_a_checkpointed_step_is_recomputed_instead_of_saved():
    """``jaxlike.checkpoint`` on a scan's step (JAX's way to trade time for memory in a loop): the forward
    loop saves nothing beyond its per-step results and the backward loop computes the gates again; the
    values and gradients are the same. Catches: the mark lost on the way to the loop, or saving anyway."""
    loss, remat_loss = _gated(jnp, lax), _gated(jnp, _RematLax())
    xs = RNG.normal(size=(6, 2))
    f = jaxlike.compile(jaxlike.value_and_grad(loss))
    g = jaxlike.compile(jaxlike.value_and_grad(remat_loss))
    want, got = f(GATED, xs), g(GATED, xs)
    assert np.isclose(got[0], want[0], rtol=1e-14)
    for a, b in zip(got[1], want[1]):
        assert np.allclose(a, b, rtol=1e-12, atol=1e-15)
    graph = g.optimized_graph(GATED, xs)
    assert [b.num_ys for b in _loop_bodies(graph, False)] == [1]      # the per-step sums only
    prims = _prims_in_loops(graph, True)
    assert "tanh" in prims and prims & {"exp", "sigmoid"}     # (1 / (1 + exp(-z)) may be rewritten to sigmoid)


class _RematLax:
    """``lax`` whose scan checkpoints its step."""
    def scan(self, step, *args, **kwargs):
        return lax.scan(jaxlike.checkpoint(step), *args, **kwargs)
