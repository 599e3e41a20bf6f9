"""Complex numbers: complex64/complex128 values through jaxlike.numpy, one table row per function (values
against numpy on plain and traced arrays, JVP and VJP to second order against finite differences in complex
directions), JAX's gradient convention checked on known values, the promotion rules, the errors for what is
defined on reals only, and the Numba backend against the reference interpreter.

The convention (JAX's): the cotangent of z = x + iy is dL/dx - i dL/dy, so ``grad(f)(z)`` of a real ``f`` is
df/dx - i df/dy and the VJP of a holomorphic function is ``g * f'(z)`` without a conjugate.
"""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike.test_util import check_grads
from _surface import Row, check_row, ids

S, B = (2, 3), ((2, 1), (3,))


def cplx(lo, hi, *shapes, dtype=np.complex128):
    """Args maker: one complex array per shape, real and imaginary parts uniform in [lo, hi)."""
    return lambda rng: tuple((rng.uniform(lo, hi, s) + 1j * rng.uniform(lo, hi, s)).astype(dtype)
                             for s in shapes)


def mixed(rng):
    """A complex and a real operand that broadcast together."""
    return (rng.uniform(-2, 2, (2, 1)) + 1j * rng.uniform(-2, 2, (2, 1)), rng.uniform(-2, 2, (3,)))


def well_conditioned(rng):
    a = rng.uniform(-1, 1, (3, 3)) + 1j * rng.uniform(-1, 1, (3, 3)) + 3 * np.eye(3)
    return a, rng.uniform(-1, 1, (3, 2)) + 1j * rng.uniform(-1, 1, (3, 2))


ROWS = [
    # holomorphic elementwise functions: the real rules hold without a conjugate
    Row("add", lambda m, z, w: m.add(z, w), cplx(-2, 2, *B)),
    Row("subtract", lambda m, z, w: m.subtract(z, w), cplx(-2, 2, *B)),
    Row("multiply", lambda m, z, w: m.multiply(z, w), cplx(-2, 2, *B)),
    Row("divide", lambda m, z, w: m.divide(z, w), cplx(0.5, 2, *B)),
    Row("power", lambda m, z, w: m.power(z, w), cplx(0.5, 1.5, *B)),
    Row("power-int", lambda m, z: z ** 3, cplx(-2, 2, S)),
    Row("float_power", lambda m, z, w: m.float_power(z, w), cplx(0.5, 1.5, *B)),
    Row("complex*real", lambda m, z, x: z * x + x, mixed),
    Row("python-complex", lambda m, x: x * (1 + 2j) - 1j, lambda rng: (rng.uniform(-2, 2, S),)),
    Row("negative", lambda m, z: m.negative(z), cplx(-2, 2, S)),
    Row("square", lambda m, z: m.square(z), cplx(-2, 2, S)),
    Row("reciprocal", lambda m, z: m.reciprocal(z), cplx(0.5, 2, S)),
    Row("exp", lambda m, z: m.exp(z), cplx(-2, 2, S)),
    Row("exp2", lambda m, z: m.exp2(z), cplx(-2, 2, S)),
    Row("expm1", lambda m, z: m.expm1(z), cplx(-2, 2, S)),
    Row("log", lambda m, z: m.log(z), cplx(0.3, 2, S)),
    Row("log2", lambda m, z: m.log2(z), cplx(0.3, 2, S)),
    Row("log10", lambda m, z: m.log10(z), cplx(0.3, 2, S)),
    Row("log1p", lambda m, z: m.log1p(z), cplx(0.3, 2, S)),
    Row("sqrt", lambda m, z: m.sqrt(z), cplx(0.3, 2, S)),
    Row("sin", lambda m, z: m.sin(z), cplx(-2, 2, S)),
    Row("cos", lambda m, z: m.cos(z), cplx(-2, 2, S)),
    Row("tan", lambda m, z: m.tan(z), cplx(-1, 1, S)),
    Row("arcsin", lambda m, z: m.arcsin(z), cplx(0.1, 0.8, S)),
    Row("arccos", lambda m, z: m.arccos(z), cplx(0.1, 0.8, S)),
    Row("arctan", lambda m, z: m.arctan(z), cplx(0.1, 0.8, S)),
    Row("sinh", lambda m, z: m.sinh(z), cplx(-2, 2, S)),
    Row("cosh", lambda m, z: m.cosh(z), cplx(-2, 2, S)),
    Row("tanh", lambda m, z: m.tanh(z), cplx(-1, 1, S)),
    Row("arcsinh", lambda m, z: m.arcsinh(z), cplx(0.1, 2, S)),
    Row("arccosh", lambda m, z: m.arccosh(z), cplx(0.2, 2, S)),
    Row("arctanh", lambda m, z: m.arctanh(z), cplx(0.1, 0.8, S)),
    Row("sinc", lambda m, z: m.sinc(z), cplx(0.2, 1.5, S)),
    # the non-holomorphic parts: real(), imag(), conj(), abs(), angle(), sign()
    Row("real", lambda m, z: m.real(z), cplx(-2, 2, S)),
    Row("imag", lambda m, z: m.imag(z), cplx(-2, 2, S)),
    Row("conj", lambda m, z: m.conj(z), cplx(-2, 2, S)),
    Row("conjugate", lambda m, z: m.conjugate(z) * z, cplx(-2, 2, S)),
    Row("real-of-real", lambda m, x: m.real(x) + m.imag(x) + m.conj(x), lambda rng: (rng.uniform(-2, 2, S),)),
    Row("methods", lambda m, z: z.real * z.imag + z.conj(), cplx(-2, 2, S)),
    Row("abs", lambda m, z: m.abs(z), cplx(0.2, 2, S)),
    Row("abs-of-product", lambda m, z, w: m.abs(z * m.exp(w)), cplx(-2, 2, *B)),
    Row("angle", lambda m, z: m.angle(z), cplx(0.2, 2, S)),
    Row("angle-deg", lambda m, z: m.angle(z, deg=True), cplx(0.2, 2, S)),
    Row("angle-of-real", lambda m, x: m.angle(x), lambda rng: (rng.uniform(0.5, 2, S) * np.array([1, -1, 1]),)),
    Row("sign", lambda m, z: m.sign(z), cplx(0.2, 2, S)),
    Row("where", lambda m, z, w: m.where(m.real(z) > 0, z, w), cplx(-2, 2, *B)),
    Row("astype-real", lambda m, z: z.astype(np.float64), cplx(-2, 2, S)),
    Row("astype-complex", lambda m, x: m.sin(x.astype(np.complex128) * 1j), lambda rng: (rng.uniform(-2, 2, S),)),
    Row("complex64", lambda m, z: m.exp(z) * z, cplx(-1, 1, S, dtype=np.complex64), rtol=1e-5, atol=1e-6),
    Row("round", lambda m, z: m.round(z, 1), cplx(-2, 2, S), grad=False),
    Row("nan_to_num", lambda m, z: m.nan_to_num(z * np.array([np.nan, 1, np.inf])),
        cplx(-2, 2, S), grad=False),
    Row("isfinite", lambda m, z: m.isfinite(z / np.array([0, 1, 2])), cplx(-2, 2, S), grad=False),
    Row("iscomplex", lambda m, z: m.iscomplex(z * np.array([1, 0, 1])), cplx(-2, 2, S), grad=False),
    # reductions, products, shapes, linear algebra
    Row("sum", lambda m, z: m.sum(z, axis=0), cplx(-2, 2, S)),
    Row("prod", lambda m, z: m.prod(z, axis=1), cplx(-2, 2, S)),
    Row("mean", lambda m, z: m.mean(z, axis=1), cplx(-2, 2, S)),
    Row("var", lambda m, z: m.var(z, axis=1, ddof=1), cplx(-2, 2, S)),
    Row("std", lambda m, z: m.std(z), cplx(-2, 2, S)),
    Row("cumsum", lambda m, z: m.cumsum(z, axis=1), cplx(-2, 2, S)),
    Row("cumprod", lambda m, z: m.cumprod(z, axis=1), cplx(-2, 2, S)),
    Row("dot", lambda m, z, w: m.dot(z, w), cplx(-2, 2, (2, 3), (3, 2))),
    Row("matmul-real", lambda m, z, x: z @ x, lambda rng: (cplx(-2, 2, (2, 3))(rng)[0], rng.uniform(-2, 2, (3, 2)))),
    Row("vdot", lambda m, z, w: m.vdot(z, w), cplx(-2, 2, (3,), (3,))),
    Row("inner", lambda m, z, w: m.inner(z, w), cplx(-2, 2, (3,), (3,))),
    Row("outer", lambda m, z, w: m.outer(z, w), cplx(-2, 2, (3,), (2,))),
    Row("einsum", lambda m, z, w: m.einsum("ij,jk->ik", z, w), cplx(-2, 2, (2, 3), (3, 2))),
    Row("transpose-concat", lambda m, z, w: m.concatenate([z.T, m.reshape(w, (3, 2))], axis=1),
        cplx(-2, 2, (2, 3), (6,))),
    Row("inv", lambda m, a, b: m.linalg.inv(a), well_conditioned),
    Row("solve", lambda m, a, b: m.linalg.solve(a, b), well_conditioned),
    Row("det", lambda m, a, b: m.linalg.det(a), well_conditioned),
    Row("norm", lambda m, z: m.linalg.norm(z), cplx(-2, 2, S)),
    Row("norm-axis", lambda m, z: m.linalg.norm(z, ord=3, axis=1), cplx(0.2, 2, S)),
    Row("norm-inf", lambda m, z: m.linalg.norm(z, ord=np.inf), cplx(0.2, 2, (3, 3))),
]


@pytest.mark.filterwarnings("ignore::numpy.exceptions.ComplexWarning")  # numpy's own astype(float) of complex
@pytest.mark.parametrize("row", ROWS, ids=ids(ROWS))
def test_complex_row(row):
    check_row(row)


# -- the gradient convention on known values --------------------------------------------------------------
def test_grad_of_a_real_function_is_df_dx_minus_i_df_dy():
    # |z|^2 = x^2 + y^2: (2x, 2y) -> 2x - 2iy (JAX gives 6-8j here; PyTorch's convention would give 6+8j)
    assert complex(jaxlike.grad(lambda z: jnp.abs(z) ** 2)(3 + 4j)) == 6 - 8j
    assert complex(jaxlike.grad(lambda z: jnp.real(z))(1 + 2j)) == 1
    assert complex(jaxlike.grad(lambda z: jnp.imag(z))(1 + 2j)) == -1j
    z = np.array([1 + 2j, -0.5 + 0.3j])
    g = jaxlike.grad(lambda z: jnp.sum(jnp.angle(z)))(z)
    np.testing.assert_allclose(g, -1j / z, rtol=1e-13)  # d angle/dx = -y/r^2, d angle/dy = x/r^2


def test_gradient_of_a_real_input_through_complex_values_is_real():
    f = lambda x: jnp.abs(jnp.exp(1j * x) * (2.0 + x))  # noqa: E731  (= |2 + x|)
    g = jaxlike.grad(f)(0.7)
    assert np.asarray(g).dtype == np.float64
    np.testing.assert_allclose(g, 1.0, rtol=1e-13)
    g32 = jaxlike.grad(lambda x: jnp.sum(jnp.real(x * (1 + 1j)) ** 2))(np.ones(3, np.float32))
    assert g32.dtype == np.float32


def test_holomorphic_grad_and_jacobians():
    z = 0.3 + 0.4j
    np.testing.assert_allclose(jaxlike.grad(lambda z: z ** 3, holomorphic=True)(z), 3 * z ** 2, rtol=1e-14)
    np.testing.assert_allclose(jaxlike.grad(jnp.sin, holomorphic=True)(z), np.cos(z), rtol=1e-14)
    v = np.array([0.3 + 0.4j, -1.0 + 0.2j])
    f = lambda v: jnp.exp(v) * v[0]  # noqa: E731
    want = np.diag(np.exp(v) * v[0]) + np.outer(np.exp(v), [1, 0])
    np.testing.assert_allclose(jaxlike.jacrev(f, holomorphic=True)(v), want, rtol=1e-13)
    np.testing.assert_allclose(jaxlike.jacfwd(f, holomorphic=True)(v), want, rtol=1e-13)
    h = jaxlike.hessian(lambda v: jnp.sum(v ** 3), holomorphic=True)(v)
    np.testing.assert_allclose(h, np.diag(6 * v), rtol=1e-13)


def test_holomorphic_convention_matches_the_cauchy_riemann_derivative():
    # For holomorphic f, vjp with cotangent 1 gives f'(z) = du/dx + i dv/dx, read off by finite differences.
    f = lambda z: jnp.tanh(z) * jnp.log(z)  # noqa: E731
    z, eps = 0.7 - 0.4j, 1e-6
    fd = (f(z + eps) - f(z - eps)) / (2 * eps)
    _, pullback = jaxlike.vjp(f, z)
    np.testing.assert_allclose(pullback(1.0 + 0j)[0], fd, rtol=1e-8)
    _, tangent = jaxlike.jvp(f, (z,), (1j,))
    np.testing.assert_allclose(tangent, 1j * fd, rtol=1e-8)


def test_check_grads_catches_a_conjugated_rule():
    # PyTorch's convention (the conjugate) must fail the check: the pairing is Re(t * ct), no conjugate.
    z = np.array([1 + 2j, -0.5 + 0.3j])
    from jaxlike.test_util import _Checker
    checker = _Checker(atol=1e-6, rtol=1e-6, eps=1e-5, modes=("rev",), fname="conj-rule")
    f = lambda z: jnp.abs(z) ** 2  # noqa: E731
    t = np.array([0.3 - 0.1j, 0.2 + 0.5j])
    good = float(np.real(np.sum(t * jaxlike.vjp(f, z)[1](np.ones(2))[0])))
    bad = float(np.real(np.sum(t * np.conj(jaxlike.vjp(f, z)[1](np.ones(2))[0]))))
    want = float(np.sum(checker._numerical_jvp(f, [z], [t])[0]))
    assert abs(good - want) < 1e-8 and abs(bad - want) > 1e-2


# -- promotion --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("make, want", [
    (lambda x32, z64, i32: x32 * 1j, np.complex64),
    (lambda x32, z64, i32: x32 * z64, np.complex64),
    (lambda x32, z64, i32: z64 * np.ones(3), np.complex128),
    (lambda x32, z64, i32: i32 + 1j, np.complex128),
    (lambda x32, z64, i32: z64 + 1.5, np.complex64),
    (lambda x32, z64, i32: jnp.abs(z64), np.float32),
    (lambda x32, z64, i32: jnp.real(z64 * 2), np.float32),
    (lambda x32, z64, i32: jnp.exp(z64), np.complex64),
])
def test_promotion_follows_numpy(make, want):
    args = (np.ones(3, np.float32), np.ones(3, np.complex64), np.ones(3, np.int32))
    got = jaxlike.compile(make, mode="FAST_COMPILE")(*args)
    assert got.dtype == want
    assert make(*args).dtype == want  # numpy itself agrees (plain arrays)


def test_complex64_gradient_stays_complex64():
    g = jaxlike.grad(lambda z: jnp.sum(jnp.abs(jnp.sin(z)) ** 2))(np.ones(3, np.complex64) * (1 + 1j))
    assert g.dtype == np.complex64


# -- what is defined on reals only ------------------------------------------------------------------------
@pytest.mark.parametrize("fn, what", [
    (lambda z: jnp.maximum(z, z), "maximum"), (lambda z: z < z, "lt"), (lambda z: jnp.max(z), "max"),
    (lambda z: jnp.argmax(z), "argmax"), (lambda z: jnp.floor(z), "floor"),
    (lambda z: jnp.fabs(z), "fabs"), (lambda z: jnp.hypot(z, z), "hypot"), (lambda z: jnp.clip(z, 0, 1), "maximum"),
    (lambda z: jnp.linalg.cholesky(z[:, None] * z), "cholesky"), (lambda z: jnp.linalg.eigh(z[:, None] * z), "eigh"),
    (lambda z: jnp.linalg.svd(z[:, None] * z), "svd"), (lambda z: jnp.linalg.slogdet(z[:, None] * z), "slogdet"),
    (lambda z: jaxlike.nn.sigmoid(z), "sigmoid"),
])
def test_real_only_functions_reject_complex_with_a_clear_error(fn, what):
    with pytest.raises(TypeError, match="complex") as info:
        jaxlike.compile(fn, mode="FAST_COMPILE")(np.ones(3, np.complex128))
    assert what in str(info.value) or "complex" in str(info.value)


def test_grad_of_a_complex_output_needs_holomorphic():
    with pytest.raises(TypeError, match="holomorphic=True"):
        jaxlike.grad(lambda z: z * z)(1 + 1j)
    with pytest.raises(TypeError, match="requires complex inputs"):
        jaxlike.grad(lambda x: x * 1j, holomorphic=True)(1.0)
    with pytest.raises(TypeError, match="holomorphic=True"):
        jaxlike.jacfwd(lambda z: jnp.abs(z))(np.ones(2, np.complex128))
    with pytest.raises(TypeError, match="holomorphic=True"):
        jaxlike.jacrev(lambda z: z * 2)(np.ones(2, np.complex128))


def test_python_complex_arguments_and_zero_division():
    f = jaxlike.compile(lambda z, w: (z / w, jnp.log(w), z * 2))
    with np.errstate(all="ignore"):
        want = (np.complex128(1 + 2j) / np.complex128(0), np.log(np.complex128(0)), (1 + 2j) * 2)
    got = f(1 + 2j, 0j)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)


def _nan_skipping(xp, c):
    return (xp.nansum(c), xp.nanprod(c, axis=1), xp.nanmean(c, axis=0), xp.nancumsum(c),
            xp.nancumprod(c, axis=1), xp.nanmean(c.astype(np.complex64)), xp.nansum(c, axis=0, keepdims=True))


def test_nan_reductions_skip_complex_nans():
    """Catches: nansum/nanprod/nanmean/nancumsum/nancumprod masking NaNs of float dtypes only, so a complex entry
    with a NaN real or imaginary part (NaN by numpy's rule) made the result NaN: nansum gave (nan+2j)."""
    c = np.array([[1 + 2j, np.nan + 1j, 3 - 1j, 2 + np.nan * 1j], [np.nan + 0j, 1j, 2, 3]])
    with np.errstate(all="ignore"):
        want = _nan_skipping(np, c)
    for mode in ("FAST_RUN", "FAST_COMPILE"):
        got = jaxlike.compile(lambda z: _nan_skipping(jnp, z), mode=mode)(c)
        for g, w in zip(got, want):
            assert g.dtype == w.dtype and g.shape == w.shape
            np.testing.assert_allclose(g, w, rtol=1e-6)


# -- the Numba backend against the reference interpreter ------------------------------------------------------
def _many(z, w, x):
    """Every complex template and cast in one function, so the backend compiles once."""
    return {
        "arith": (z * w - z / (w + 2.0)) ** 2 + 1j * x, "exp_log": jnp.exp(z) + jnp.log(w) + jnp.sqrt(z),
        "trig": jnp.sin(z) * jnp.cos(w) + jnp.tan(z * 0.3) + jnp.arctan(w * 0.3),
        "hyp": jnp.sinh(z) + jnp.cosh(w) + jnp.tanh(z) + jnp.arcsinh(w) + jnp.arctanh(z * 0.3),
        "inv_trig": jnp.arcsin(z * 0.3) + jnp.arccos(w * 0.3), "p1": jnp.expm1(z) + jnp.log1p(w),
        "parts": jnp.real(z) * jnp.imag(w) + jnp.abs(z) + jnp.angle(w), "conj": jnp.conj(z) * w,
        "sign": jnp.sign(z), "cast_real": (z * w).astype(np.float32), "cast_bool": (z * x).astype(bool),
        "cast_c64": z.astype(np.complex64) * np.complex64(2), "sum": jnp.sum(z * w, axis=1),
        "prod": jnp.prod(z, axis=0), "mean": jnp.mean(z), "dot": z @ w.T, "eq": z == w, "isnan": jnp.isnan(z / x),
        "where": jnp.where(x > 0, z, w),
    }


def _loss(z, w, x):
    return jnp.sum(jnp.abs(jnp.exp(z) * jnp.sin(w)) ** 2) + jnp.sum(jnp.real(z @ w.T) * x[:2, None]) \
        + jnp.sum(jnp.angle(z * w)) + jnp.linalg.norm(z - w) + jnp.sum(jnp.imag(jnp.log(z)) * x)


@pytest.fixture(scope="module")
def complex_inputs():
    rng = np.random.default_rng(3)
    z = rng.uniform(-1, 1, (2, 3)) + 1j * rng.uniform(0.2, 1, (2, 3))
    w = rng.uniform(0.2, 1, (2, 3)) + 1j * rng.uniform(-1, 1, (2, 3))
    x = np.array([0.5, -1.0, 2.0])
    return z, w, x


def test_numba_backend_matches_the_reference_on_complex_values(complex_inputs):
    got = jaxlike.compile(_many)(*complex_inputs)
    ref = jaxlike.compile(_many, mode="FAST_COMPILE")(*complex_inputs)
    for k in ref:
        assert got[k].dtype == ref[k].dtype, k
        np.testing.assert_allclose(got[k], ref[k], rtol=1e-12, atol=1e-14, err_msg=k)


def test_numba_backend_gradient_matches_the_reference(complex_inputs):
    g = jaxlike.compile(jaxlike.value_and_grad(_loss, argnums=(0, 1, 2)))(*complex_inputs)
    r = jaxlike.value_and_grad(_loss, argnums=(0, 1, 2))(*complex_inputs)
    np.testing.assert_allclose(g[0], r[0], rtol=1e-12)
    for a, b in zip(g[1], r[1]):
        assert a.dtype == b.dtype
        np.testing.assert_allclose(a, b, rtol=1e-11, atol=1e-13)
    check_grads(_loss, complex_inputs, order=1)


# -- the Theano front end and DEBUG_MODE --------------------------------------------------------------------
def test_theano_complex_variables_and_grad():
    import jaxlike.tensor as T
    z = T.zvector("z")
    w = T.dvector("w")
    cost = T.sum(T.abs_(z * w) ** 2) + T.sum(T.angle(z))
    g_z, g_w = T.grad(cost, [z, w])
    f = jaxlike.function([z, w], [cost, g_z, g_w])
    zv, wv = np.array([1 + 2j, -0.5 + 0.3j]), np.array([0.7, -1.2])
    c, gz, gw = f(zv, wv)
    np.testing.assert_allclose(c, np.sum(np.abs(zv * wv) ** 2) + np.sum(np.angle(zv)), rtol=1e-13)
    np.testing.assert_allclose(gz, 2 * wv ** 2 * np.conj(zv) - 1j / zv, rtol=1e-13)
    np.testing.assert_allclose(gw, 2 * wv * np.abs(zv) ** 2, rtol=1e-13)
    assert T.cmatrix().dtype == np.complex64 and T.zscalar().dtype == np.complex128


def test_debug_mode_compares_complex_results():
    f = jaxlike.compile(lambda z: (jnp.exp(z) * jnp.conj(z), jnp.abs(z)), mode="DEBUG_MODE")
    z = np.array([1 + 2j, -0.5 + 0.3j], np.complex64)
    got = f(z)
    np.testing.assert_allclose(got[0], np.exp(z) * np.conj(z), rtol=1e-6)
    assert got[0].dtype == np.complex64 and got[1].dtype == np.float32


def test_rewrites_for_reals_leave_complex_graphs_correct():
    # log(exp(z)) is not z off the principal strip; logsumexp/sigmoid forms need an order complex lacks.
    def f(z):
        return (jnp.log(jnp.exp(z)), jnp.log(jnp.sum(jnp.exp(z))), 1 / (1 + jnp.exp(-z)),
                jnp.log(1 + z * 1e-3), jnp.exp(z) - 1)
    z = np.array([0.3 + 4.0j, -0.2 - 3.5j, 1.0 + 0.5j])
    with np.errstate(all="ignore"):
        want = (np.log(np.exp(z)), np.log(np.sum(np.exp(z))), 1 / (1 + np.exp(-z)), np.log1p(z * 1e-3),
                np.expm1(z))
    for got, w in zip(jaxlike.compile(f)(z), want):
        np.testing.assert_allclose(got, w, rtol=1e-12)


def test_a_real_input_refuses_complex_arguments():
    import jaxlike.tensor as T
    x = T.dvector("x")
    f = jaxlike.function([x], T.sum(x * 2))
    with pytest.raises(TypeError, match="complex128"):
        f(np.ones(3, np.complex128))
