"""Property tests over random shapes: elementwise chains with broadcasting, reductions over random axes with
keepdims, reshape/transpose/slicing. Each family has a gradient property (the interpreter against finite
differences, cheap, many examples) and a compile property (compile() against eager numpy evaluation and the
compiled gradient against the interpreted one; every example is a Numba compile, so fewer examples).
Hypothesis draws shapes, axes and programs; the values come from a numpy generator it seeds, so they stay
continuous (no ties or exact zeros under finite differences). Example counts come from the profile in
tests/conftest.py (HYPOTHESIS_PROFILE=long for more).
"""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike import nn
from jaxlike.test_util import check_grads

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings, strategies as st  # noqa: E402

# NOTE: a compile costs seconds cold (cached afterwards); a fifth of the profile's examples keeps a cold run
# of this file near a minute while HYPOTHESIS_PROFILE=long still compiles well over a hundred programs.
compiles = settings(max_examples=max(3, settings().max_examples // 5))

# Smooth ops that keep values in a modest range when chained on inputs in [-2, 2].
UNARY = {
    "sin": jnp.sin, "cos": jnp.cos, "tanh": jnp.tanh, "sigmoid": nn.sigmoid, "softplus": nn.softplus,
    "arctan": jnp.arctan, "gauss": lambda x: jnp.exp(-x * x), "half_square": lambda x: 0.5 * x * x,
    "log1p_sq": lambda x: jnp.log1p(x * x), "neg": jnp.negative,
}
SMOOTH_BINARY = {
    "add": jnp.add, "sub": jnp.subtract, "mul": jnp.multiply, "div": lambda x, y: x / (1.5 + jnp.sin(y)),
    "hypot": lambda x, y: jnp.sqrt(x * x + y * y + 0.5),
}
# Kinks: finite differences across a near-tie would be wrong, so these only meet compile-vs-eager checks.
BINARY = dict(SMOOTH_BINARY, max=jnp.maximum, min=jnp.minimum,
              where=lambda x, y: jnp.where(x > y, x * y, x - y))


def _values(seed, shapes, low=-2.0, high=2.0):
    rng = np.random.default_rng(seed)
    return [rng.uniform(low, high, size=s) for s in shapes]


def _distinct(seed, shape, low, high):
    """Values at least (high - low) / (2 size) apart: max/min keep their winner under a finite-difference
    step."""
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    grid = (rng.permutation(n) + rng.uniform(0.25, 0.75, n)) / max(n, 1)
    return (low + (high - low) * grid).reshape(shape)


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
def chains(draw, binary_ops=BINARY):
    n_in = draw(st.integers(1, 3))
    unary = st.tuples(st.just("u"), st.sampled_from(sorted(UNARY)))
    binary = st.tuples(st.just("b"), st.sampled_from(sorted(binary_ops)), st.integers(0, n_in - 1))
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


def _weighted_sum(f, seed, out_shape):
    w = np.random.default_rng(seed + 1).normal(size=out_shape)

    def loss(*xs):
        return jnp.sum(f(*xs) * w)
    return loss


@given(chains(SMOOTH_BINARY), st.data(), st.integers(0, 2 ** 32 - 1))
def test_elementwise_chain_gradients(chain, data, seed):
    """Catches: wrong gradients through broadcasting (unbroadcast sums), including size-0 and size-1 dims."""
    n_in, steps = chain
    xs = _values(seed, data.draw(broadcast_shapes(n_in)))
    f = _chain_fn(steps)
    check_grads(_weighted_sum(f, seed, np.shape(f(*xs))), xs, order=1)


@compiles
@given(chains(), st.data(), st.integers(0, 2 ** 32 - 1))
def test_elementwise_chains_compile(chain, data, seed):
    """Catches: compiled code (fused loops, broadcasting index math, the backward graph) that differs from
    eager numpy or from the interpreted gradient."""
    n_in, steps = chain
    shapes = data.draw(broadcast_shapes(n_in))
    xs = _values(seed, shapes)
    f = _chain_fn(steps)
    want = f(*xs)
    loss = _weighted_sum(f, seed, np.shape(want))
    both = jaxlike.value_and_grad(loss, argnums=tuple(range(n_in)))
    out, (value, grads) = jaxlike.compile(lambda *xs: (f(*xs), both(*xs)))(*xs)
    _close(out, want, f"compile of {steps} on {shapes}")
    _, ref = both(*xs)
    assert np.isclose(value, loss(*xs))
    for g, r in zip(grads, ref):
        _close(g, r, f"compiled gradient of {steps} on {shapes}")


@settings(max_examples=max(2, compiles.max_examples // 2))
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


def _reduction_fn(name, axes, keepdims, lib=jnp):
    reduce = REDUCTIONS[name] if lib is jnp else NP_REDUCTIONS[name]

    def f(x):
        return reduce(lib.tanh(x) + 1.0, axis=axes, keepdims=keepdims) * 2.0 - 1.0
    return f


@given(reductions(), st.integers(0, 2 ** 32 - 1))
def test_reduction_gradients(case, seed):
    """Catches: reduction VJPs/JVPs that put the cotangent back on the wrong axes (keepdims or not, negative
    axes), and second derivatives of max/min/prod/var."""
    name, shape, axes, keepdims = case
    x = _distinct(seed, shape, 0.5, 1.5)  # positive and apart: prod, var and max/min stay well conditioned
    f = _reduction_fn(name, axes, keepdims)
    want = _reduction_fn(name, axes, keepdims, np)(x)
    _close(f(x), want, "eager")
    check_grads(_weighted_sum(f, seed, np.shape(want)), (x,), order=2 if x.size <= 8 else 1)


@compiles
@given(reductions(), st.integers(0, 2 ** 32 - 1))
def test_reductions_compile(case, seed):
    """Catches: compiled reductions (loop epilogues, partial results, keepdims reshapes) that differ from
    numpy, forward or backward."""
    name, shape, axes, keepdims = case
    x = _distinct(seed, shape, 0.5, 1.5)
    f = _reduction_fn(name, axes, keepdims)
    want = _reduction_fn(name, axes, keepdims, np)(x)
    loss = jaxlike.value_and_grad(_weighted_sum(f, seed, np.shape(want)))
    out, (value, g) = jaxlike.compile(lambda x: (f(x), loss(x)))(x)
    what = f"compile of {name}(axis={axes}, keepdims={keepdims}) on {shape}"
    _close(out, want, what)
    _close(g, loss(x)[1], "gradient of " + what)


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
def test_layout_gradients(case, seed):
    """Catches: slice/transpose/reshape VJPs that scatter back to the wrong places (negative steps, empty
    slices, out-of-range bounds)."""
    shape, perm, index, reshape = case
    (x,) = _values(seed, [shape])
    f = _layout_fn(perm, index, reshape)
    want = _layout_fn(perm, index, reshape, np_mode=True)(x)
    _close(f(x), want, "eager")
    check_grads(_weighted_sum(f, seed, np.shape(want)), (x,), order=1)


@compiles
@given(layouts(), st.integers(0, 2 ** 32 - 1))
def test_layout_compile(case, seed):
    """Catches: compiled index math for transposed, strided and reshaped views with symbolic sizes."""
    shape, perm, index, reshape = case
    (x,) = _values(seed, [shape])
    f = _layout_fn(perm, index, reshape)
    want = _layout_fn(perm, index, reshape, np_mode=True)(x)
    loss = jaxlike.value_and_grad(_weighted_sum(f, seed, np.shape(want)))
    out, (value, g) = jaxlike.compile(lambda x: (f(x), loss(x)))(x)
    what = f"compile of transpose{perm}[{index}] {reshape} on {shape}"
    _close(out, want, what)
    _close(g, loss(x)[1], "gradient of " + what)


@pytest.fixture(scope="module")
def shared_layout_fn():
    """One compiled function called with many sizes: the size-independent code path and its cache."""
    return jaxlike.compile(lambda x: jnp.transpose(x)[1::2, ::-1] * jnp.sum(x[:, :1]))


@given(st.integers(0, 7), st.integers(2, 7), st.integers(0, 2 ** 32 - 1))
def test_one_compiled_function_over_many_sizes(shared_layout_fn, n, m, seed):
    """Catches: compiled code that bakes in the sizes of the first call (sizes 1 change the signature, so
    they are left to the other properties: this one must stay a single compile)."""
    n = n if n != 1 else 0
    (x,) = _values(seed, [(n, m)])
    _close(shared_layout_fn(x), x.T[1::2, ::-1] * np.sum(x[:, :1]), f"size ({n}, {m})")
    assert "1 signature(s)" in repr(shared_layout_fn._compiled)
