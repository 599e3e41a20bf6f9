"""Property tests over random shapes: elementwise chains with broadcasting, reductions over random axes with
keepdims, reshape/transpose/slicing. Each checks compile() against eager evaluation (numpy) and gradients
against finite differences. Hypothesis draws shapes, axes and programs; the values come from a numpy
generator seeded by hypothesis, so they stay continuous (no ties or exact zeros for finite differences).
Example counts are bounded by the profile in tests/conftest.py (HYPOTHESIS_PROFILE=long for more).
"""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike import nn
from jaxlike.test_util import check_grads

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, strategies as st  # noqa: E402

# Smooth ops that keep values in a modest range when chained on inputs in [-2, 2].
UNARY = {
    "sin": jnp.sin, "cos": jnp.cos, "tanh": jnp.tanh, "sigmoid": nn.sigmoid, "softplus": nn.softplus,
    "arctan": jnp.arctan, "gauss": lambda x: jnp.exp(-x * x), "half_square": lambda x: 0.5 * x * x,
    "log1p_sq": lambda x: jnp.log1p(x * x), "neg": jnp.negative,
}
BINARY = {
    "add": jnp.add, "sub": jnp.subtract, "mul": jnp.multiply, "max": jnp.maximum, "min": jnp.minimum,
    "div": lambda x, y: x / (1.5 + jnp.sin(y)), "where": lambda x, y: jnp.where(x > y, x * y, x - y),
    "hypot": lambda x, y: jnp.sqrt(x * x + y * y + 0.5),
}


def _values(seed, shapes, low=-2.0, high=2.0):
    rng = np.random.default_rng(seed)
    return [rng.uniform(low, high, size=s) for s in shapes]


def _close(got, want, what):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape and got.dtype == want.dtype, \
        f"{what}: {got.dtype}{got.shape} vs {want.dtype}{want.shape}"
    assert np.allclose(got, want, rtol=1e-10, atol=1e-12, equal_nan=True), f"{what}:\n{got}\nvs\n{want}"


# -- elementwise chains with broadcasting --------------------------------------------------------------------
@st.composite
def broadcast_shapes(draw, n):
    """``n`` shapes that broadcast together: suffixes of a base shape with some dims set to 1."""
    base = draw(st.lists(st.integers(0, 4), min_size=0, max_size=3))
    shapes = []
    for _ in range(n):
        drop = draw(st.integers(0, len(base)))
        shapes.append(tuple(1 if draw(st.booleans()) and draw(st.booleans()) else d for d in base[drop:]))
    return shapes


@st.composite
def chains(draw):
    n_in = draw(st.integers(1, 3))
    unary = st.tuples(st.just("u"), st.sampled_from(sorted(UNARY)))
    binary = st.tuples(st.just("b"), st.sampled_from(sorted(BINARY)), st.integers(0, n_in - 1))
    steps = draw(st.lists(st.one_of(unary, binary), min_size=1, max_size=4))
    return n_in, tuple(steps)


def _chain_fn(steps):
    def f(*xs):
        acc = xs[0]
        for step in steps:
            acc = UNARY[step[1]](acc) if step[0] == "u" else BINARY[step[1]](acc, xs[step[2]])
        for x in xs[1:]:
            acc = acc + 0.0 * x  # every input reaches the output shape, so broadcasting is exercised
        return acc
    return f


@given(chains(), st.data(), st.integers(0, 2 ** 32 - 1))
def test_elementwise_chains_compile_and_differentiate(chain, data, seed):
    n_in, steps = chain
    shapes = data.draw(broadcast_shapes(n_in))
    xs = _values(seed, shapes)
    f = _chain_fn(steps)
    want = f(*xs)
    _close(jaxlike.compile(f)(*xs), want, f"compile of {steps} on {shapes}")
    w = np.random.default_rng(seed + 1).normal(size=np.shape(want))

    def loss(*xs):
        return jnp.sum(f(*xs) * w)

    check_grads(loss, xs, order=1)
    value, grads = jaxlike.compile(jaxlike.value_and_grad(loss, argnums=tuple(range(n_in))))(*xs)
    assert np.isclose(value, np.sum(want * w))
    for g, x, ref in zip(grads, xs, jaxlike.grad(loss, argnums=tuple(range(n_in)))(*xs)):
        assert np.shape(g) == np.shape(x)
        _close(g, ref, f"compiled gradient of {steps} on {shapes}")


@given(chains(), st.data(), st.integers(0, 2 ** 32 - 1))
def test_float32_chains_stay_float32(chain, data, seed):
    """Catches: a Python-scalar constant or a kernel's double-precision temporaries widening float32 results
    (or differing from numpy's float32 arithmetic by more than rounding)."""
    n_in, steps = chain
    xs = [x.astype(np.float32) for x in _values(seed, data.draw(broadcast_shapes(n_in)))]
    f = _chain_fn(steps)
    want = f(*xs)
    got = jaxlike.compile(f)(*xs)
    assert np.asarray(got).dtype == np.float32 == np.asarray(want).dtype
    assert np.allclose(got, want, rtol=3e-5, atol=3e-6), f"{steps}:\n{got}\nvs\n{want}"


# -- reductions ----------------------------------------------------------------------------------------------
REDUCTIONS = {"sum": jnp.sum, "mean": jnp.mean, "max": jnp.max, "min": jnp.min, "prod": jnp.prod,
              "var": jnp.var}
NP_REDUCTIONS = {"sum": np.sum, "mean": np.mean, "max": np.max, "min": np.min, "prod": np.prod, "var": np.var}


@st.composite
def reductions(draw):
    name = draw(st.sampled_from(sorted(REDUCTIONS)))
    low = 0 if name in ("sum", "prod") else 1  # max/min/mean/var of nothing have no value
    shape = tuple(draw(st.lists(st.integers(low, 4), min_size=1, max_size=3)))
    some_axes = st.lists(st.integers(-len(shape), len(shape) - 1), unique_by=lambda a: a % len(shape),
                         max_size=len(shape)).map(tuple)
    axes = draw(st.one_of(st.none(), some_axes))
    if isinstance(axes, tuple) and len(axes) == 1 and draw(st.booleans()):
        axes = axes[0]
    return name, shape, axes, draw(st.booleans())


@given(reductions(), st.integers(0, 2 ** 32 - 1))
def test_reductions_over_random_axes_compile_and_differentiate(case, seed):
    name, shape, axes, keepdims = case
    (x,) = _values(seed, [shape], 0.5, 1.5)  # positive, so prod and var stay well conditioned

    def f(x):
        r = REDUCTIONS[name](jnp.tanh(x) + 1.0, axis=axes, keepdims=keepdims)
        return r * 2.0 - 1.0

    want = NP_REDUCTIONS[name](np.tanh(x) + 1.0, axis=axes, keepdims=keepdims) * 2.0 - 1.0
    _close(f(x), want, "eager")
    _close(jaxlike.compile(f)(x), want, f"compile of {name}(axis={axes}, keepdims={keepdims}) on {shape}")
    w = np.random.default_rng(seed + 1).normal(size=np.shape(want))
    check_grads(lambda x: jnp.sum(f(x) * w), (x,), order=2 if x.size <= 8 else 1)


# -- layout: transpose, slicing, reshape ---------------------------------------------------------------------
@st.composite
def layouts(draw):
    shape = tuple(draw(st.lists(st.integers(0, 5), min_size=1, max_size=3)))
    perm = tuple(draw(st.permutations(range(len(shape)))))
    index = []
    for _ in shape:
        start = draw(st.one_of(st.none(), st.integers(-6, 6)))
        stop = draw(st.one_of(st.none(), st.integers(-6, 6)))
        step = draw(st.sampled_from([None, 1, 2, 3, -1, -2]))
        index.append(slice(start, stop, step))
    return shape, perm, tuple(index), draw(st.sampled_from(["flat", "split_first", "none"]))


def _layout_fn(perm, index, reshape, np_mode=False):
    lib = np if np_mode else jnp

    def f(x):
        y = lib.transpose(x, perm)[index] * 3.0
        if reshape == "flat":
            y = lib.reshape(y, (-1,))
        elif reshape == "split_first" and y.ndim >= 1:
            y = lib.reshape(y, (1,) + tuple(y.shape))
        return lib.sin(y) + y
    return f


@given(layouts(), st.integers(0, 2 ** 32 - 1))
def test_transpose_slice_reshape_compile_and_differentiate(case, seed):
    shape, perm, index, reshape = case
    (x,) = _values(seed, [shape])
    want = _layout_fn(perm, index, reshape, np_mode=True)(x)
    f = _layout_fn(perm, index, reshape)
    _close(f(x), want, "eager")
    _close(jaxlike.compile(f)(x), want, f"compile of transpose{perm}[{index}] {reshape} on {shape}")
    w = np.random.default_rng(seed + 1).normal(size=np.shape(want))
    check_grads(lambda x: jnp.sum(f(x) * w), (x,), order=1)


@pytest.fixture(scope="module")
def shared_layout_fn():
    """One compiled function called with many sizes: the size-independent code path and its cache."""
    return jaxlike.compile(lambda x: jnp.transpose(x)[1::2, ::-1] * jnp.sum(x[:, :1]))


@given(st.integers(1, 6), st.integers(1, 6), st.integers(0, 2 ** 32 - 1))
def test_one_compiled_function_over_many_sizes(shared_layout_fn, n, m, seed):
    (x,) = _values(seed, [(n, m)])
    _close(shared_layout_fn(x), x.T[1::2, ::-1] * np.sum(x[:, :1]), f"size ({n}, {m})")
