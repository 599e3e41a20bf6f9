"""The elementwise surface of jaxlike.numpy, one table row per function: values against numpy on plain and
traced arrays (broadcasting shapes included), JVP and VJP to second order against finite differences, and the
JAX conventions at ties and kinks.

What it catches: a wrapper with numpy's name but another function's values or dtype, a wrong derivative in a
composite (hypot, sinc, fmod, logaddexp2...), a keyword numpy accepts that we reject, a NaN gradient at a kink.
"""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from _surface import Row, check_row, uniform, signed, ids

S, B = (2, 3), ((2, 1), (3,))  # a plain shape, and a broadcasting pair

ROWS = [
    Row("abs", lambda m, x: m.abs(x), signed(0.2, 2, S)),
    Row("absolute", lambda m, x: m.absolute(x), signed(0.2, 2, S)),
    Row("fabs", lambda m, x: m.fabs(x), signed(0.2, 2, S)),
    Row("sign", lambda m, x: m.sign(x), signed(0.2, 2, S)),
    Row("negative", lambda m, x: m.negative(x), uniform(-2, 2, S)),
    Row("positive", lambda m, x: m.positive(x), uniform(-2, 2, S)),
    Row("reciprocal", lambda m, x: m.reciprocal(x), signed(0.3, 2, S)),
    Row("square", lambda m, x: m.square(x), uniform(-2, 2, S)),
    Row("sqrt", lambda m, x: m.sqrt(x), uniform(0.2, 3, S)),
    Row("cbrt", lambda m, x: m.cbrt(x), signed(0.2, 3, S)),
    Row("exp", lambda m, x: m.exp(x), uniform(-2, 2, S)),
    Row("exp2", lambda m, x: m.exp2(x), uniform(-2, 2, S)),
    Row("expm1", lambda m, x: m.expm1(x), uniform(-2, 2, S)),
    Row("log", lambda m, x: m.log(x), uniform(0.2, 3, S)),
    Row("log2", lambda m, x: m.log2(x), uniform(0.2, 3, S)),
    Row("log10", lambda m, x: m.log10(x), uniform(0.2, 3, S)),
    Row("log1p", lambda m, x: m.log1p(x), uniform(-0.5, 3, S)),
    Row("sin", lambda m, x: m.sin(x), uniform(-3, 3, S)),
    Row("cos", lambda m, x: m.cos(x), uniform(-3, 3, S)),
    Row("tan", lambda m, x: m.tan(x), uniform(-1.2, 1.2, S)),
    Row("arcsin", lambda m, x: m.arcsin(x), uniform(-0.9, 0.9, S)),
    Row("arccos", lambda m, x: m.arccos(x), uniform(-0.9, 0.9, S)),
    Row("arctan", lambda m, x: m.arctan(x), uniform(-3, 3, S)),
    Row("sinh", lambda m, x: m.sinh(x), uniform(-2, 2, S)),
    Row("cosh", lambda m, x: m.cosh(x), uniform(-2, 2, S)),
    Row("tanh", lambda m, x: m.tanh(x), uniform(-2, 2, S)),
    Row("arcsinh", lambda m, x: m.arcsinh(x), uniform(-3, 3, S)),
    Row("arccosh", lambda m, x: m.arccosh(x), uniform(1.2, 4, S)),
    Row("arctanh", lambda m, x: m.arctanh(x), uniform(-0.9, 0.9, S)),
    Row("deg2rad", lambda m, x: m.deg2rad(x), uniform(-200, 200, S)),
    Row("rad2deg", lambda m, x: m.rad2deg(x), uniform(-3, 3, S)),
    Row("degrees", lambda m, x: m.degrees(x), uniform(-3, 3, S)),
    Row("radians", lambda m, x: m.radians(x), uniform(-200, 200, S)),
    Row("sinc", lambda m, x: m.sinc(x), signed(0.05, 2.5, S)),
    Row("sinc near 0", lambda m, x: m.sinc(x), signed(1e-5, 1e-3, S)),
    Row("floor", lambda m, x: m.floor(x), uniform(-3, 3, S)),
    Row("ceil", lambda m, x: m.ceil(x), uniform(-3, 3, S)),
    Row("round", lambda m, x: m.round(x), uniform(-3, 3, S)),
    Row("round decimals=2", lambda m, x: m.round(x, decimals=2), uniform(-3, 3, S)),
    Row("round decimals=-1", lambda m, x: m.round(x, -1), uniform(-300, 300, S)),
    Row("around", lambda m, x: m.around(x, 1), uniform(-3, 3, S)),
    Row("rint", lambda m, x: m.rint(x), uniform(-3, 3, S)),
    Row("trunc", lambda m, x: m.trunc(x), uniform(-3, 3, S)),
    Row("fix", lambda m, x: m.fix(x), uniform(-3, 3, S)),
    Row("mod", lambda m, x, y: m.mod(x, y), lambda r: (r.uniform(-5, 5, B[0]), r.uniform(0.7, 1.3, B[1]) *
                                                        r.choice([-1, 1], B[1]))),
    Row("remainder", lambda m, x, y: m.remainder(x, y), uniform(0.5, 3, *B)),
    Row("fmod", lambda m, x, y: m.fmod(x, y), lambda r: (r.uniform(-5, 5, B[0]), r.uniform(0.7, 1.3, B[1]) *
                                                          r.choice([-1, 1], B[1]))),
    Row("floor_divide", lambda m, x, y: m.floor_divide(x, y), uniform(0.5, 5, *B)),
    Row("true_divide", lambda m, x, y: m.true_divide(x, y), lambda r: (r.uniform(-2, 2, B[0]),
                                                                        r.uniform(0.5, 2, B[1]))),
    Row("divide", lambda m, x, y: m.divide(x, y), lambda r: (r.uniform(-2, 2, B[0]), r.uniform(0.5, 2, B[1]))),
    Row("power", lambda m, x, y: m.power(x, y), lambda r: (r.uniform(0.5, 2, B[0]), r.uniform(-2, 2, B[1]))),
    Row("power int exponent", lambda m, x: m.power(x, 3), uniform(-2, 2, S)),
    Row("float_power", lambda m, x, y: m.float_power(x, y), uniform(0.5, 2, *B)),
    Row("hypot", lambda m, x, y: m.hypot(x, y), signed(0.2, 3, *B)),
    Row("hypot large", lambda m, x, y: m.hypot(x, y), lambda r: (r.uniform(1e200, 2e200, S), r.uniform(1, 2, S)),
        grad=False),
    Row("arctan2", lambda m, y, x: m.arctan2(y, x), signed(0.3, 2, *B)),
    Row("logaddexp", lambda m, x, y: m.logaddexp(x, y), uniform(-3, 3, *B)),
    Row("logaddexp2", lambda m, x, y: m.logaddexp2(x, y), uniform(-3, 3, *B)),
    Row("logaddexp2 large", lambda m, x, y: m.logaddexp2(x, y), uniform(3000, 3100, S, S), grad=False),
    Row("maximum", lambda m, x, y: m.maximum(x, y), uniform(-2, 2, *B)),
    Row("minimum", lambda m, x, y: m.minimum(x, y), uniform(-2, 2, *B)),
    Row("fmax", lambda m, x, y: m.fmax(x, y), uniform(-2, 2, *B)),
    Row("fmin", lambda m, x, y: m.fmin(x, y), uniform(-2, 2, *B)),
    Row("heaviside", lambda m, x, y: m.heaviside(x, y), signed(0.2, 2, S, S)),
    Row("clip", lambda m, x: m.clip(x, -1.0, 0.5), uniform(-2, 2, S)),
    Row("clip keywords a_min", lambda m, x: m.clip(x, a_min=-0.3, a_max=None), uniform(-2, 2, S)),
    Row("clip numpy2 min=/max=", lambda m, x: m.clip(x, min=-1.0, max=1.0), uniform(-2, 2, S)),
    Row("clip array bounds", lambda m, x, lo, hi: m.clip(x, lo, hi),
        lambda r: (r.uniform(-2, 2, S), r.uniform(-1.5, -0.5, (3,)), r.uniform(0.5, 1.5, (2, 1)))),
    Row("nan_to_num", lambda m, x: m.nan_to_num(x),
        lambda r: (np.where(r.random(S) < 0.3, [[np.nan, np.inf, -np.inf]], r.uniform(-2, 2, S)),)),
    Row("nan_to_num keywords", lambda m, x: m.nan_to_num(x, nan=1.5, posinf=9.0, neginf=-9.0),
        lambda r: (np.array([[np.nan, np.inf, -np.inf], [0.5, -1.5, 2.0]]),)),
    Row("where", lambda m, c, x, y: m.where(c > 0, x, y), uniform(-2, 2, S, *B)),
    Row("where scalar branch", lambda m, c, x: m.where(c > 0, x, 0.0), uniform(-2, 2, S, S)),
    Row("select", lambda m, x: m.select([x < -0.5, x > 0.5], [x * x, m.sin(x)], default=x - 1.0),
        uniform(-2, 2, S)),
    Row("select default 0", lambda m, x, y: m.select([x > 0], [y]), uniform(-2, 2, S, S)),
]

PREDICATES = [
    Row("isfinite", lambda m, x: m.isfinite(x), lambda r: (np.array([1.0, np.nan, np.inf, -np.inf, -0.0]),),
        grad=False),
    Row("isinf", lambda m, x: m.isinf(x), lambda r: (np.array([1.0, np.nan, np.inf, -np.inf, -0.0]),), grad=False),
    Row("isposinf", lambda m, x: m.isposinf(x), lambda r: (np.array([1.0, np.nan, np.inf, -np.inf]),), grad=False),
    Row("isneginf", lambda m, x: m.isneginf(x), lambda r: (np.array([1.0, np.nan, np.inf, -np.inf]),), grad=False),
    Row("signbit", lambda m, x: m.signbit(x), lambda r: (np.array([1.0, -2.0, 0.0, -0.0, np.inf, -np.inf]),),
        grad=False),
    Row("round half to even", lambda m, x: m.round(x),
        lambda r: (np.array([0.5, 1.5, 2.5, -0.5, -2.5, 0.49999999999999994, 4503599627370497.0, -0.2, np.inf,
                             np.nan]),), grad=False),
    Row("fmod signs", lambda m, x, y: m.fmod(x, y),
        lambda r: (np.array([5.5, -5.5, 5.5, -5.5, -4.0, 3.0]), np.array([2.0, 2.0, -2.0, -2.0, 2.0, 0.0])),
        grad=False),
    Row("fmax with nan", lambda m, x, y: m.fmax(x, y),
        lambda r: (np.array([np.nan, 1.0, np.nan]), np.array([2.0, np.nan, np.nan])), grad=False),
]


@pytest.mark.parametrize("row", ROWS + PREDICATES, ids=ids(ROWS + PREDICATES))
def test_row(row):
    check_row(row)


# -- JAX's conventions at ties and kinks -------------------------------------------------------------------------
def test_abs_has_zero_gradient_at_zero():
    """Catches: abs' derivative at 0 being NaN or +-1 instead of JAX's 0 (sign(0))."""
    assert jaxlike.grad(lambda x: jnp.abs(x))(0.0) == 0.0
    assert jaxlike.grad(lambda x: jnp.fabs(x))(0.0) == 0.0


def test_maximum_and_minimum_split_the_gradient_at_ties():
    """Catches: the whole gradient going to one operand at equality (JAX gives 0.5 to each)."""
    g = jaxlike.grad(lambda x, y: jnp.maximum(x, y), argnums=(0, 1))(1.0, 1.0)
    assert g == (0.5, 0.5)
    g = jaxlike.grad(lambda x, y: jnp.fmin(x, y), argnums=(0, 1))(2.0, 2.0)
    assert g == (0.5, 0.5)


def test_logaddexp_gradient_stays_finite_at_infinite_operands():
    """Catches: NaN from exp(x - ans) = exp(inf - inf) where an operand is +inf (the derivative there is 1
    and 0: ans follows the infinite operand), and a gradient summing to 2 at equal huge operands."""
    grad = jaxlike.compile(jaxlike.grad(lambda x, y: jnp.logaddexp(x, y), argnums=(0, 1)))
    cases = [((np.inf, 0.0), (1.0, 0.0)), ((0.0, np.inf), (0.0, 1.0)), ((np.inf, -np.inf), (1.0, 0.0)),
             ((np.inf, np.inf), (0.5, 0.5)), ((1e308, 1e308), (0.5, 0.5)), ((1.0, 3.0), None)]
    for (x, y), want in cases:
        got = tuple(float(g) for g in grad(x, y))
        want = want or (1 / (1 + np.exp(y - x)), 1 / (1 + np.exp(x - y)))
        assert np.allclose(got, want, rtol=1e-14), ((x, y), got)


def test_clip_at_the_boundary_shares_the_gradient():
    """clip is maximum then minimum, so a value exactly at a bound gets half its gradient (JAX)."""
    assert jaxlike.grad(lambda x: jnp.clip(x, 0.0, 1.0))(1.0) == 0.5
    assert jaxlike.grad(lambda x: jnp.clip(x, 0.0, 1.0))(2.0) == 0.0
    assert jaxlike.grad(lambda x: jnp.clip(x, 0.0, 1.0))(0.5) == 1.0


def test_power_with_a_zero_base():
    """Catches: NaN from 0 * inf in d/dx x**y at x = 0 (JAX: 0 for y = 0, y x**(y-1) otherwise, second order
    included), and in d/dy 0**y (JAX: 0)."""
    d = jaxlike.grad(lambda x: jnp.power(x, 0.0))
    assert d(0.0) == 0.0
    assert jaxlike.grad(jaxlike.grad(lambda x: jnp.power(x, 1.0)))(0.0) == 0.0
    assert jaxlike.grad(jaxlike.grad(lambda x: jnp.power(x, 2.0)))(0.0) == 2.0
    assert jaxlike.grad(lambda x: jnp.power(x, 3.0))(0.0) == 0.0
    assert jaxlike.grad(lambda y: jnp.power(0.0, y))(2.0) == 0.0


def test_rounding_functions_have_zero_gradient():
    """Catches: a rounding composite leaking the identity's gradient (JAX: zero almost everywhere)."""
    x = np.array([-1.7, -0.2, 0.3, 2.5])
    for f in (jnp.round, jnp.rint, jnp.trunc, jnp.fix, jnp.floor, jnp.ceil, lambda v: jnp.round(v, 2)):
        np.testing.assert_array_equal(jaxlike.grad(lambda v: jnp.sum(f(v) * v))(x), f(x))


def test_sinc_derivatives_at_zero():
    """Catches: sinc's derivatives at exactly 0 (the removable singularity): 0 and -pi^2/3."""
    assert jaxlike.grad(jnp.sinc)(0.0) == 0.0
    np.testing.assert_allclose(jaxlike.grad(jaxlike.grad(jnp.sinc))(0.0), -np.pi ** 2 / 3, rtol=1e-10)
    assert jnp.sinc(0.0) == 1.0 and float(jaxlike.compile(jnp.sinc, mode="FAST_COMPILE")(0.0)) == 1.0


def test_hypot_gradient_at_ties_and_zero_operand():
    """hypot factors out the larger operand; at |x| == |y| the maximum/minimum tie split must still add up
    to the true derivative x / hypot."""
    g = jaxlike.grad(lambda x, y: jnp.hypot(x, y), argnums=(0, 1))(3.0, 3.0)
    np.testing.assert_allclose(g, (1 / np.sqrt(2), 1 / np.sqrt(2)))
    g = jaxlike.grad(lambda x, y: jnp.hypot(x, y), argnums=(0, 1))(3.0, 0.0)
    np.testing.assert_allclose(g, (1.0, 0.0))


def test_nan_to_num_passes_gradient_only_where_finite():
    x = np.array([1.0, np.nan, np.inf, -2.0])
    np.testing.assert_array_equal(jaxlike.grad(lambda v: jnp.sum(jnp.nan_to_num(v) * 0.5))(x), [0.5, 0, 0, 0.5])


def test_heaviside_of_infinities_is_a_step_and_of_nan_is_nan():
    """Catches: heaviside computed as step * (x1 * 0 + 1), NaN at x1 = +-inf where numpy gives 0 and 1
    (while NaN in must still give NaN, in numpy's broadcast shape and dtype, with no gradient to x1)."""
    x = np.array([-np.inf, -1.0, 0.0, 2.0, np.inf, np.nan])
    f = jaxlike.compile(lambda a, b, c: (jnp.heaviside(a, 0.5), jnp.heaviside(b[:, None], a),
                                         jnp.heaviside(c, np.float32(2.0))))
    args = (x, x[::-1], x.astype(np.float32))
    for got, want in zip(f(*args), (np.heaviside(x, 0.5), np.heaviside(args[1][:, None], x),
                                    np.heaviside(args[2], np.float32(2.0)))):
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(jaxlike.grad(lambda v: jnp.sum(jnp.heaviside(v, 0.5)))(x), np.zeros(6))


def _first_indices(xp, x):
    return (xp.nonzero(x, size=5, fill_value=-1), xp.nonzero(x, size=2), xp.argwhere(x, size=4),
            xp.flatnonzero(x, size=4, fill_value=9), xp.where(x > 1, size=3, fill_value=(7, 8)),
            xp.nonzero(x[:0], size=2), xp.argwhere(x[0, 0], size=2))


def test_one_argument_where_nonzero_argwhere_flatnonzero():
    """Catches: jnp.where(cond) refusing plain numpy arrays and naming a jnp.nonzero that did not exist (nor
    argwhere, flatnonzero). Concrete arrays get numpy's results; traced ones raise a ConcretizationError
    asking for size=, with which they give JAX's first ``size`` indices padded with ``fill_value``."""
    x = np.array([[0.0, 1.0, 2.0], [3.0, 0.0, 0.0]])
    for got, want in ((jnp.where(x > 1), np.where(x > 1)), (jnp.nonzero(x), np.nonzero(x)),
                      (jnp.argwhere(x), np.argwhere(x)), (jnp.flatnonzero(x), np.flatnonzero(x)),
                      (jnp.argwhere(np.array(3.0)), np.argwhere(np.array(3.0)))):
        np.testing.assert_array_equal(np.asarray(got), np.asarray(want))
    with pytest.raises(jaxlike.ConcretizationError, match="size="):
        jaxlike.compile(lambda v: jnp.where(v > 0))(x)
    with pytest.raises(ValueError, match="both or neither"):
        jnp.where(x > 0, x)
    nz, first_two = np.nonzero(x), tuple(i[:2] for i in np.nonzero(x))
    want = ((np.r_[nz[0], -1, -1], np.r_[nz[1], -1, -1]), first_two, np.r_[np.argwhere(x), [[0, 0]]],
            np.r_[np.flatnonzero(x), 9], (np.array([0, 1, 7]), np.array([2, 0, 8])),
            (np.zeros(2, int), np.zeros(2, int)), np.zeros((2, 0), int))
    for got in (jaxlike.compile(lambda v: _first_indices(jnp, v))(x), _first_indices(jnp, x)):
        for g, w in zip(jaxlike.tree_util.tree_leaves(got), jaxlike.tree_util.tree_leaves(want)):
            assert g.dtype == np.int64 and g.shape == w.shape
            np.testing.assert_array_equal(g, w)


def test_nonzero_with_size_keeps_sizes_symbolic():
    """Catches: nonzero(size=) reading the array's sizes as ints (a retrace per shape under compile), which
    Theano's T.nonzero(a, size=n) cannot do and had answered with an implementation of its own."""
    f = jaxlike.compile(lambda v: (jnp.nonzero(v, size=4, fill_value=-1), jnp.argwhere(v > 1, size=2)),
                        mode="FAST_COMPILE")
    for shape in ((2, 3), (3, 4), (0, 5)):
        x = (np.arange(np.prod(shape)).reshape(shape) % 3).astype(float)
        (rows, cols), pairs = f(x)
        nz = np.nonzero(x)
        k = min(4, len(nz[0]))
        np.testing.assert_array_equal(rows, np.r_[nz[0][:4], [-1] * (4 - k)])
        np.testing.assert_array_equal(cols, np.r_[nz[1][:4], [-1] * (4 - k)])
        big = np.argwhere(x > 1)[:2]
        np.testing.assert_array_equal(pairs, np.r_[big, np.zeros((2 - len(big), 2), int)])
    assert len(f._cache) == 1


def test_clip_rejects_both_spellings():
    with pytest.raises(ValueError, match="a_min or min"):
        jnp.clip(jnp.asarray(1.0), 0.0, min=0.5)
    with pytest.raises(TypeError, match="out="):
        jnp.round(np.ones(2), out=np.ones(2))


def test_select_rejects_mismatched_lists():
    with pytest.raises(ValueError, match="same length"):
        jaxlike.grad(lambda x: jnp.sum(jnp.select([x > 0], [x, x])))(np.ones(2))


@pytest.mark.parametrize("name", ["exp2", "log2", "log10", "cbrt", "sinc", "hypot", "logaddexp2", "fmod", "deg2rad",
                                  "round", "nan_to_num", "fmax"])
def test_float32_stays_float32(name):
    """Catches: a float64 constant in a composite widening float32 values or gradients (NEP 50)."""
    f = getattr(jnp, name)
    x = np.array([0.7, 1.3, 2.1], dtype=np.float32)
    two = name in ("hypot", "logaddexp2", "fmod", "fmax")
    fn = (lambda v: f(v, v * 0.5 + 1.0)) if two else f
    out = jaxlike.compile(fn, mode="FAST_COMPILE")(x)
    assert out.dtype == np.float32, f"{name}: {out.dtype}"
    assert jaxlike.grad(lambda v: jnp.sum(fn(v)))(x).dtype == np.float32


@pytest.mark.parametrize("name", ["fabs", "exp2", "log2", "deg2rad", "rint", "trunc", "round", "cbrt", "sinc"])
@pytest.mark.parametrize("dtype", ["int8", "int64", "bool"])
def test_integer_inputs_give_numpys_dtype(name, dtype):
    """Catches: integer inputs promoted differently from numpy (int8 -> float16 for numpy's float ufuncs)."""
    x = np.array([0, 1, 3]).astype(dtype)
    with np.errstate(all="ignore"):
        want = getattr(np, name)(x)
        got = jaxlike.compile(getattr(jnp, name), mode="FAST_COMPILE")(x)
    assert got.dtype == want.dtype, f"{name}({dtype}): {got.dtype}, numpy {want.dtype}"
    np.testing.assert_allclose(got.astype(float), want.astype(float), rtol=1e-3)


def test_isfinite_of_infinities_traced_gives_no_warning():
    """Catches: isfinite as (x - x) == 0, whose inf - inf made the reference backend warn 'invalid value'."""
    import warnings
    f = jaxlike.compile(lambda x: jnp.isfinite(x * 1.0), mode="FAST_COMPILE")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(f(np.array([1.0, np.inf, -np.inf, np.nan])), [True, False, False, False])
