"""Theano API added for programs that use more than the tutorials: ``MRG_RandomStreams``, ``grad_clip``,
``T.grad(known_grads=...)``, ``verify_grad``, the scan views (``theano.map``/``reduce``/``foldl``/``foldr``)
and ``theano.clone``, ``T.repeat``/``roll``/``nonzero``/``max_and_argmax``, the remaining typed constructors,
Theano's config flags and ``debugprint(file='str')``. Values are compared with numpy through FAST_COMPILE
functions (the reference interpreter), gradients with central differences; one test compiles with numba.
"""

import io
import os
import subprocess
import sys

import numpy as np
import pytest

import jaxlike as theano
import jaxlike.tensor as T
from jaxlike.config import Config
from jaxlike.core.errors import ConcretizationError
from jaxlike.core.graph import free_inputs
from jaxlike.core.types import is_known
from jaxlike.gradient import grad_clip, verify_grad, GradientError, DisconnectedInputError
from jaxlike.sandbox.rng_mrg import MRG_RandomStreams
from jaxlike.tensor.shared_randomstreams import RandomStreams

from .test_tensor import fn, numgrad  # NOTE: FAST_COMPILE functions and central differences, as there

RNG = np.random.RandomState(0)
X = RNG.rand(3, 4) - 0.5


# -- MRG_RandomStreams ------------------------------------------------------------------------------------
def test_mrg_streams_are_reachable_both_ways_and_reproducible_from_the_seed():
    # catches: theano.sandbox missing after `import jaxlike as theano`; a default seed that is not fixed
    assert theano.sandbox.rng_mrg.MRG_RandomStreams is MRG_RandomStreams
    assert issubclass(MRG_RandomStreams, RandomStreams)
    a, b = MRG_RandomStreams(), MRG_RandomStreams(seed=12345)
    fa, fb = fn([], a.uniform((4,))), fn([], b.uniform((4,)))
    first = fa()
    np.testing.assert_array_equal(first, fb())
    assert not np.allclose(first, fa())          # the key advanced: new numbers on each call
    six = MRG_RandomStreams(seed=[1, 2, 3, 4, 5, 6])
    assert not np.allclose(fn([], six.uniform((4,)))(), first)
    with pytest.raises(ValueError, match="6 ints, got 2"):
        MRG_RandomStreams(seed=[1, 2])


def test_mrg_uniform_normal_binomial_follow_their_distributions_on_symbolic_sizes():
    srng = MRG_RandomStreams(seed=3)
    x = T.matrix("x")
    u = srng.uniform(size=x.shape, low=-1.0, high=3.0)
    z = srng.normal(size=(x.shape[0],), avg=2.0, std=0.5)
    t = srng.normal((20000,), avg=1.0, std=2.0, truncate=True)
    b = srng.binomial(size=x.shape, p=0.25, dtype="float32", nstreams=16)
    got_u, got_z, got_t, got_b = fn([x], [u, z, t, b])(np.zeros((200, 100)))
    assert got_u.shape == (200, 100) and got_z.shape == (200,) and got_b.dtype == np.float32
    assert -1 <= got_u.min() and got_u.max() < 3 and abs(got_u.mean() - 1.0) < 0.03
    assert abs(got_z.mean() - 2.0) < 0.1 and abs(got_z.std() - 0.5) < 0.1
    assert -3.0 <= got_t.min() and got_t.max() <= 5.0 and abs(got_t.mean() - 1.0) < 0.05
    assert set(np.unique(got_b)) == {0.0, 1.0} and abs(got_b.mean() - 0.25) < 0.01
    with pytest.raises(TypeError, match="size is required"):
        srng.uniform(None)


def test_mrg_multinomial_counts_draws_per_row_of_pvals():
    # catches: draws taken over the wrong axis of pvals, counts not summing to n
    srng = MRG_RandomStreams(seed=5)
    pv = T.matrix("pv")
    pvals = np.tile([[0.2, 0.0, 0.8]], (4000, 1))
    one, five = fn([pv], [srng.multinomial(pvals=pv), srng.multinomial(pvals=pv, n=5, dtype="int32")])(pvals)
    assert one.shape == pvals.shape and one.dtype == np.int64 and five.dtype == np.int32
    np.testing.assert_array_equal(one.sum(axis=1), 1)
    np.testing.assert_array_equal(five.sum(axis=1), 5)
    assert five[:, 1].max() == 0
    np.testing.assert_allclose(five.sum(axis=0) / five.sum(), [0.2, 0.0, 0.8], atol=0.01)
    with pytest.raises(ValueError, match="does not use size"):
        srng.multinomial(size=(3,), pvals=pv)
    with pytest.raises(NotImplementedError, match="matrix of probabilities"):
        srng.multinomial(pvals=T.vector("p"))
    with pytest.raises(TypeError, match="pvals"):
        srng.multinomial()


def test_mrg_choice_without_replacement_gives_distinct_columns_weighted_by_p():
    srng = MRG_RandomStreams(seed=9)
    p = T.matrix("p")
    probs = np.tile([[0.1, 0.6, 0.0, 0.3]], (3000, 1))
    picks = fn([p], srng.choice(size=2, p=p, replace=False))(probs)
    assert picks.shape == (3000, 2) and picks.dtype == np.int64
    assert (picks[:, 0] != picks[:, 1]).all() and not (picks == 2).any()
    # the first pick follows p itself
    np.testing.assert_allclose(np.bincount(picks[:, 0], minlength=4) / 3000, [0.1, 0.6, 0.0, 0.3], atol=0.03)
    with pytest.raises(TypeError, match="a must be None"):
        srng.choice(size=2, a=4, p=p)
    with pytest.raises(ValueError, match="cannot draw 5 distinct columns"):
        srng.choice(size=5, p=probs[:2], replace=False)


# -- grad_clip ----------------------------------------------------------------------------------------------
def test_grad_clip_is_the_identity_forward_and_clips_the_gradient_backward():
    # catches: the clip applied to the value, or to the gradient of the inputs instead of the one flowing in
    x = T.dvector("x")
    v = np.array([0.1, 0.4, -2.0])
    y = grad_clip(x, -1.0, 1.0)
    cost = T.sum(3 * y ** 2)
    g = T.grad(cost, x)
    got_y, got_g = fn([x], [y, g])(v)
    np.testing.assert_array_equal(got_y, v)
    np.testing.assert_allclose(got_g, np.clip(6 * v, -1.0, 1.0))
    wide = T.grad(T.sum(3 * grad_clip(x, -100, 100) ** 2), x)
    np.testing.assert_allclose(fn([x], wide)(v), numgrad(lambda a: np.sum(3 * a ** 2), v), rtol=1e-6)
    # a second derivative passes through grad_clip again: d/dx sum(clip(6x)) is clip(6 * [|6x| < 1])
    np.testing.assert_allclose(fn([x], T.grad(T.sum(g), x))(v), [1.0, 0.0, 0.0])


def test_grad_clip_refuses_bad_bounds():
    x = T.dvector("x")
    with pytest.raises(ValueError, match="lower_bound must be <= upper_bound, got 2.0 > 1.0"):
        grad_clip(x, 2.0, 1.0)
    with pytest.raises(TypeError, match="upper_bound must be a real number"):
        grad_clip(x, 0.0, T.dscalar("u"))


def test_grad_clip_compiled_with_numba_matches_the_reference():
    # catches: the custom_vjp node grad_clip makes not inlined before the numba backend sees it
    x = T.dmatrix("x")
    g = T.grad(T.sum(T.tanh(grad_clip(x, -0.5, 0.25)) * 4.0), x)
    v = RNG.randn(3, 5)
    expected = np.clip(4.0 * (1 - np.tanh(v) ** 2), -0.5, 0.25)
    np.testing.assert_allclose(theano.function([x], g)(v), expected, rtol=1e-12)


# -- known_grads ----------------------------------------------------------------------------------------------
def test_known_grads_backpropagates_given_cotangents_alone_and_with_a_cost():
    # catches: the known gradient ignored, or added to what the cost sends the known variable (Theano's
    # replaces it)
    x, w = T.dvector("x"), T.dmatrix("w")
    h = T.tanh(T.dot(w, x))
    ghat = T.dvector("ghat")
    xv, wv, gv = RNG.randn(4), RNG.randn(3, 4), RNG.randn(3)
    only = T.grad(None, [x, w], known_grads={h: ghat})
    both = T.grad(T.sum(h ** 2), x, known_grads={h: ghat})
    at_h = T.grad(None, h, known_grads={h: ghat})
    got = fn([x, w, ghat], only + [both, at_h])(xv, wv, gv)
    hv = np.tanh(wv @ xv)
    np.testing.assert_allclose(got[0], numgrad(lambda a: gv @ np.tanh(wv @ a), xv), rtol=1e-6)
    np.testing.assert_allclose(got[1], np.outer(gv * (1 - hv ** 2), xv), rtol=1e-10)
    np.testing.assert_allclose(got[2], numgrad(lambda a: gv @ np.tanh(wv @ a), xv), rtol=1e-6)
    np.testing.assert_array_equal(got[3], gv)
    numeric = T.grad(None, x, known_grads={h: np.ones(3)})     # an array as the gradient
    np.testing.assert_allclose(fn([x, w], numeric)(xv, wv), numgrad(lambda a: np.sum(np.tanh(wv @ a)), xv),
                               rtol=1e-6)


def test_known_grads_errors():
    x, y = T.dvector("x"), T.dvector("y")
    h = T.exp(x)
    with pytest.raises(TypeError, match="cost is None, so known_grads must give"):
        T.grad(None, x)
    with pytest.raises(TypeError, match="known_grads must be a dict"):
        T.grad(None, x, known_grads=[(h, x)])
    with pytest.raises(ValueError, match="gradient of type f64\\[\\]"):
        T.grad(None, x, known_grads={h: T.dscalar()})
    with pytest.raises(DisconnectedInputError):
        T.grad(None, y, known_grads={h: x})


# -- verify_grad ----------------------------------------------------------------------------------------------
def test_verify_grad_accepts_correct_gradients_and_reports_wrong_ones():
    # catches: a check that never fails (the wrong VJP below is 1.5 times the true one)
    rng = np.random.RandomState(1)
    verify_grad(lambda a, b: T.tanh(T.dot(a, b)) * a.sum(), [rng.rand(3, 4), rng.rand(4, 1)], rng=rng,
                mode="FAST_COMPILE")
    verify_grad(lambda a: T.sum(a.dimshuffle(0, "x") * 2.0) ** 2, [rng.rand(1)], mode="FAST_COMPILE")
    verify_grad(lambda a: T.exp(a), [rng.rand(3).astype(np.float32)], rng=rng, mode="FAST_COMPILE")

    @theano.custom_vjp
    def square(a):
        return a ** 2
    square.defvjp(lambda a: (a ** 2, (a,)), lambda res, g: (3.0 * res[0] * g,))
    with pytest.raises(GradientError, match="(?s)abs. error = .*rel. error = 0.200000") as info:
        verify_grad(square, [rng.rand(5) + 0.5], rng=rng, mode="FAST_COMPILE")
    assert info.value.arg == 0 and info.value.shape == (5,) and info.value.abs_err > 1e-4
    assert verify_grad.E_grad is GradientError


def test_verify_grad_refuses_what_theano_refuses():
    with pytest.raises(TypeError, match="input 0 has dtype 'int64'"):
        verify_grad(lambda a: a * 2, [np.arange(3)], mode="FAST_COMPILE")
    with pytest.raises(NotImplementedError, match="several outputs"):
        verify_grad(lambda a: [a, a], [np.ones(2)], mode="FAST_COMPILE")
    with pytest.raises(TypeError, match="pt must be a list"):
        verify_grad(lambda a: a, np.ones(2), mode="FAST_COMPILE")


# -- map / reduce / foldl / foldr / clone ---------------------------------------------------------------------
def test_scan_views_match_python_loops_and_differentiate():
    # catches: foldr folding from the front, reduce returning every step instead of the last
    x, a = T.dvector("x"), T.dscalar("a")
    v = np.array([0.5, -1.0, 2.0, 0.25])
    mapped, _ = theano.map(lambda e, k: e * k + 1, sequences=[x], non_sequences=[a])
    total, _ = theano.reduce(lambda e, acc: acc + e ** 2, sequences=x, outputs_info=T.constant(0.0))
    left, _ = theano.foldl(lambda e, acc: acc * a + e, x, T.constant(0.0))
    right, _ = theano.scan_module.foldr(lambda e, acc: acc * a + e, x, T.constant(0.0))
    pair, _ = theano.reduce(lambda e, s, p: [s + e, p * e], x, [T.constant(0.0), T.constant(1.0)])
    got = fn([x, a], [mapped, total, left, right] + pair)(v, 1.5)

    def fold(seq):
        acc = 0.0
        for e in seq:
            acc = acc * 1.5 + e
        return acc
    np.testing.assert_allclose(got[0], v * 1.5 + 1)
    np.testing.assert_allclose(got[1:], [np.sum(v ** 2), fold(v), fold(v[::-1]), v.sum(), v.prod()])
    g = fn([x, a], T.grad(left, x))(v, 1.5)
    np.testing.assert_allclose(g, numgrad(fold, v), rtol=1e-6)


def test_clone_replaces_variables_and_copies_inputs_on_request():
    x, y, a = T.dvector("x"), T.dvector("y"), T.dscalar("a")
    w = theano.shared(2.0, name="w")
    sq = x ** 2
    e = T.sum(sq) * a + w
    by_y = theano.clone(e, replace={x: y})
    by_const = theano.clone([e], replace=[(a, 3)], strict=False)[0]
    inner = theano.clone(e, replace={sq: T.abs_(x)})   # an intermediate expression
    got = fn([x, a, y], [e, by_y, by_const, inner])(np.array([1.0, -2.0]), 0.5, np.array([3.0]))
    np.testing.assert_allclose(got, [4.5, 6.5, 17.0, 3.5])
    copied = theano.clone(e, share_inputs=False)
    fresh = free_inputs([copied])
    assert sorted(v.name for v in fresh) == ["a", "w", "x"]
    assert not any(v is x or v is a for v in fresh) and any(v is w for v in fresh)   # shared stays shared
    new_x, new_a = sorted((v for v in fresh if v is not w), key=lambda v: v.name)[::-1]
    np.testing.assert_allclose(fn([new_x, new_a], copied)(np.array([1.0, 1.0]), 2.0), 6.0)
    with pytest.raises(TypeError, match="same rank and dtype"):
        theano.clone(e, replace={a: T.lscalar()})
    with pytest.raises(TypeError, match="same rank"):
        theano.clone(e, replace={x: T.dmatrix()}, strict=False)


# -- repeat / roll / nonzero / max_and_argmax -----------------------------------------------------------------
def test_repeat_and_roll_match_numpy_and_differentiate():
    x, s = T.dmatrix("x"), T.lscalar("s")
    outs = [T.repeat(x, 2, axis=1), T.repeat(x, [2, 0, 1], axis=0), T.repeat(x, 3),
            T.roll(x, 1, axis=1), T.roll(x, -5), T.roll(x, s, axis=1), T.roll(x, s)]
    xv = X
    got = fn([x, s], outs)(xv, 6)
    expected = [np.repeat(xv, 2, 1), np.repeat(xv, [2, 0, 1], 0), np.repeat(xv, 3), np.roll(xv, 1, 1),
                np.roll(xv, -5), np.roll(xv, 6, 1), np.roll(xv, 6)]
    for k, (g, e) in enumerate(zip(got, expected)):
        np.testing.assert_allclose(g, e, err_msg=f"output {k}")
    w = RNG.randn(*np.roll(np.repeat(xv, [2, 0, 1], 0), 6).shape)
    cost = T.sum(w * T.roll(T.repeat(x, [2, 0, 1], axis=0), s) ** 2)
    g = fn([x, s], T.grad(cost, x))(xv, 6)
    np.testing.assert_allclose(g, numgrad(lambda a: np.sum(w * np.roll(np.repeat(a, [2, 0, 1], 0), 6) ** 2), xv),
                               rtol=1e-6)
    with pytest.raises(TypeError, match="repeats must be concrete"):
        T.repeat(x, s)
    with pytest.raises(ValueError, match="3 counts for axis 1 of size 2"):
        T.repeat(T.constant(np.ones((2, 2))), [1, 1, 1], axis=1)
    with pytest.raises(TypeError, match="shift must be an int or an integer scalar"):
        T.roll(x, T.dscalar())


def test_nonzero_needs_a_size_for_symbolic_tensors_and_pads_with_fill_value():
    # catches: indices in column-major order, the padding taken from real positions
    x = T.dmatrix("x")
    xv = np.array([[0.0, 2.0, 0.0], [3.0, 0.0, 4.0]])
    rows, cols = T.nonzero(x, size=5, fill_value=(-1, -2))
    first_two = x.nonzero(size=2, return_matrix=True)
    got = fn([x], [rows, cols, first_two, T.nonzero(x > 2.5, size=3)[1]])(xv)
    np.testing.assert_array_equal(got[0], [0, 1, 1, -1, -1])
    np.testing.assert_array_equal(got[1], [1, 0, 2, -2, -2])
    np.testing.assert_array_equal(got[2], np.array(np.nonzero(xv))[:, :2])
    np.testing.assert_array_equal(got[3], [0, 2, 0])
    np.testing.assert_array_equal(fn([x], T.nonzero(x, size=2)[0])(np.zeros((0, 3))), [0, 0])   # empty input
    for a, b in zip(T.nonzero(xv), np.nonzero(xv)):    # a concrete array: numpy's full result
        np.testing.assert_array_equal(a, b)
    # NOTE: without size= the indices are as many as the values make them (Theano's T.nonzero)
    full = fn([x], list(T.nonzero(x)) + [x.nonzero(return_matrix=True)])
    for v in (xv, np.zeros((0, 3)), np.eye(3)):
        rows_v, cols_v, matrix = full(v)
        np.testing.assert_array_equal(rows_v, np.nonzero(v)[0])
        np.testing.assert_array_equal(cols_v, np.nonzero(v)[1])
        np.testing.assert_array_equal(matrix, np.array(np.nonzero(v)).reshape(2, -1))
    with pytest.raises(ValueError, match="a is a scalar"):
        T.nonzero(T.dscalar())


def test_max_and_argmax_match_numpy_over_each_axis_form():
    x = T.dtensor3("x")
    xv = RNG.rand(2, 3, 4)
    axes = [None, 0, -1, [0, 2], (2, 1)]
    outs = [o for ax in axes for o in T.max_and_argmax(x, ax)] + list(T.max_and_argmax(x, 1, keepdims=True))
    got = fn([x], outs)(xv)
    for k, ax in enumerate(axes):
        t = tuple(range(3)) if ax is None else (ax % 3,) if isinstance(ax, int) else tuple(sorted(ax))
        kept = [d for d in range(3) if d not in t]
        flat = np.transpose(xv, kept + list(t)).reshape([xv.shape[d] for d in kept] + [-1])
        np.testing.assert_allclose(got[2 * k], flat.max(-1), err_msg=f"max over {ax}")
        np.testing.assert_array_equal(got[2 * k + 1], flat.argmax(-1), err_msg=f"argmax over {ax}")
    np.testing.assert_allclose(got[-2], xv.max(1, keepdims=True))
    np.testing.assert_array_equal(got[-1], xv.argmax(1)[:, None, :])
    g = fn([x], T.grad(T.sum(T.max_and_argmax(x, [0, 2])[0] ** 2), x))(xv)
    np.testing.assert_allclose(g, numgrad(lambda a: np.sum(a.max(axis=(0, 2)) ** 2), xv), rtol=1e-6, atol=1e-9)
    with pytest.raises(ValueError, match="axis must be None or ints in \\[-3, 3\\)"):
        T.max_and_argmax(x, 3)


# -- constructors -------------------------------------------------------------------------------------------
PREFIXES = {"b": "int8", "w": "int16", "i": "int32", "l": "int64", "f": "float32", "d": "float64",
            "c": "complex64", "z": "complex128"}
KINDS = {"scalar": (), "vector": (False,), "row": (True, False), "col": (False, True), "matrix": (False, False),
         "tensor3": (False,) * 3, "tensor4": (False,) * 4, "tensor5": (False,) * 5}


@pytest.mark.parametrize("prefix", sorted(PREFIXES))
def test_every_typed_constructor_theano_names_exists(prefix):
    for kind, pattern in KINDS.items():
        v = getattr(T, prefix + kind)("v")
        assert v.dtype == PREFIXES[prefix] and v.ndim == len(pattern) and v.name == "v", prefix + kind
        assert tuple(is_known(d) and d == 1 for d in v.type.shape) == pattern, prefix + kind
    assert T.tensor5().ndim == 5 and T.tensor5(dtype="int16").dtype == "int16"
    if prefix in "fdil":
        for kind in KINDS:
            plural = getattr(T, prefix + ("matrices" if kind == "matrix" else kind + "s"))
            a, b = plural("a", "b")
            assert (a.name, b.name, a.dtype) == ("a", "b", PREFIXES[prefix])


def test_int16_variables_compute_in_int16():
    v = T.wvector("v")
    out = fn([v], v * 2)(np.array([3, -4], dtype=np.int16))
    assert out.dtype == np.int16 and out.tolist() == [6, -8]
    with pytest.raises(TypeError, match="makes int16 variables"):
        T.wvector("v", dtype="int32")


# -- config -------------------------------------------------------------------------------------------------
def test_theano_flags_are_validated_and_optimizer_selects_the_mode():
    c = Config()
    assert (c.optimizer, c.exception_verbosity, c.compute_test_value) == ("fast_run", "low", "off")
    c.optimizer = "None"
    assert c.mode == "FAST_COMPILE"
    c.optimizer = "fast_run"
    assert c.mode == "FAST_RUN"
    c.mode = "FAST_COMPILE"
    assert c.optimizer == "fast_compile"
    c.mode = "DEBUG_MODE"
    c.optimizer = "o4"
    assert c.mode == "DEBUG_MODE"
    c.exception_verbosity = "high"
    c.compute_test_value = "off"
    with pytest.raises(ValueError, match="'optimizer' must be one of .*'fast_compile'.*got 'fast'"):
        c.optimizer = "fast"
    with pytest.raises(ValueError, match="'exception_verbosity' must be one of \\('low', 'high'\\)"):
        c.exception_verbosity = "medium"
    with pytest.raises(NotImplementedError, match="test values .* are not supported"):
        c.compute_test_value = "raise"
    assert c.compute_test_value == "off"


def test_optimizer_none_compiles_without_the_fast_run_rewrites():
    # catches: the flag stored and ignored: FAST_RUN's simplifier removes `* 1`, FAST_COMPILE keeps it
    x = T.dvector("x")
    saved = theano.config.mode
    try:
        theano.config.optimizer = "None"
        kept = theano.function([x], x * 1.0 + x)
        theano.config.optimizer = "fast_run"
        simplified = theano.function([x], x * 1.0 + x)
    finally:
        theano.config.mode = saved
    assert theano.config.optimizer == "fast_run"
    assert "mul" in [node.op.prim.name for node in kept.maker.fgraph.toposort()]
    assert "mul" not in [node.op.prim.name for node in simplified.maker.fgraph.toposort()]
    np.testing.assert_allclose(kept(np.array([1.0, 2.0])), [2.0, 4.0])


def test_theano_flags_through_the_environment():
    env = dict(os.environ, JAXLIKE_FLAGS="optimizer=None,exception_verbosity=high,compute_test_value=off")
    code = "import jaxlike; c = jaxlike.config; print(c.optimizer, c.mode, c.exception_verbosity)"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["None", "FAST_COMPILE", "high"]


# -- debugprint --------------------------------------------------------------------------------------------------
def test_debugprint_returns_text_for_file_str_and_writes_to_a_stream(capsys):
    x = T.dvector("x")
    y = T.exp(x) * 2
    text = theano.printing.debugprint(y, file="str")
    assert "exp" in text and capsys.readouterr().out == ""
    stream = io.StringIO()
    assert theano.printing.debugprint(y, file=stream) == text
    assert stream.getvalue() == text + "\n" and capsys.readouterr().out == ""
    with pytest.raises(ValueError, match="file must be None, a stream, 'str' or False, got 'string'"):
        theano.printing.debugprint(y, file="string")
    # NOTE: Theano's layout keywords are accepted (its programs pass them) and print the same listing
    assert theano.printing.debugprint(y, file="str", depth=1, print_type=True, ids="int", stop_on_name=True) == text


def test_fgraph_toposort_gives_apply_nodes_as_the_gpu_tutorial_inspects_them():
    """Catches: the "Using the GPU" tutorial's test program failing on ``node.op`` (toposort gave variables)
    and on ``tensor.Elemwise``."""
    from jaxlike import tensor
    from jaxlike.tensor.graph_nodes import apply_nodes
    x = theano.shared(np.linspace(0.0, 1.0, 7))
    f = theano.function([], tensor.exp(x).sum())
    nodes = f.maker.fgraph.toposort()
    assert [type(n.op).__name__ for n in nodes] == ["Elemwise", "CAReduce"]
    assert any(isinstance(n.op, tensor.Elemwise) and "Gpu" not in type(n.op).__name__ for n in nodes)
    assert str(nodes[0]) == "Elemwise{exp}(<TensorType(float64, vector)>)" and nodes[1].inputs == nodes[0].outputs
    on_gpu = apply_nodes([n.outputs[0] for n in nodes], gpu=True)
    assert isinstance(on_gpu[0].op, tensor.Elemwise) and type(on_gpu[0].op).__name__ == "GpuElemwise"


def test_theano_compile_names_and_monitor_mode_find_the_op_that_makes_a_nan():
    """Catches: ``theano.compile.MonitorMode`` (the docs' NaN-hunting recipe), ``DebugMode``,
    ``mode.Mode`` and ``mode.get_default_mode`` missing: ``theano.compile`` is jaxlike's JAX-style compile."""
    x = T.dscalar("x")
    seen = []

    def detect_nan(i, node, fn):
        if any(np.isnan(out[0]).any() for out in fn.outputs):
            seen.append((i, type(node.op).__name__, node.op.prim.name, [v[0] for v in fn.inputs]))

    f = theano.function([x], [T.log(x) * x], mode=theano.compile.MonitorMode(post_func=detect_nan))
    assert np.isnan(f(0.0)[0]) and len(seen) == 1
    assert seen[0][:3] == (1, "Elemwise", "mul") and seen[0][3][1] == 0.0 and np.isneginf(seen[0][3][0])
    order = []
    g = theano.function([x], 5 * x, mode=theano.compile.MonitorMode(
        pre_func=lambda i, node, fn: order.append(("pre", i, fn.outputs[0][0])),
        post_func=lambda fgraph, i, node, fn: order.append(("post", i, float(fn.outputs[0][0])))))
    assert g(3.0) == 15.0 and order == [("pre", 0, None), ("post", 0, 15.0)]
    for mode in (theano.compile.mode.Mode(linker="py", optimizer="fast_compile"),
                 theano.compile.DebugMode(check_py_code=False), theano.compile.mode.get_default_mode()):
        assert theano.function([x], 5 * x, mode=mode)(3.0) == 15.0
    assert theano.compile.function is theano.function
