"""Array creation and dtypes across the jaxlike.numpy surface: creation functions on plain and traced values,
float16/float32/float64 kept through values and gradients (float32 in, float32 gradient out), and integer and
boolean arrays as non-differentiable inputs.

What it catches: a float64 constant or a Python-level numpy call widening a float32 graph; a creation function
that cannot take a traced value where numpy takes an array; an integer argument that breaks differentiation
with respect to the float ones.
"""

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike.test_util import check_grads
from _surface import Row, check_row, uniform, ids, traced

ROWS = [
    Row("array of list of traced", lambda m, x: m.array([x, 2 * x]), uniform(-1, 1, (3,))),
    Row("array dtype", lambda m, x: m.array(x, dtype=np.float32), uniform(-1, 1, (3,)), grad=False),
    Row("asarray", lambda m, x: m.asarray(x) * 2, uniform(-1, 1, (3,))),
    Row("zeros_like", lambda m, x: m.zeros_like(x) + x, uniform(-1, 1, (2, 3))),
    Row("ones_like dtype", lambda m, x: m.ones_like(x, dtype=np.float32), uniform(-1, 1, (2, 3)), grad=False),
    Row("full_like", lambda m, x: m.full_like(x, 2.5) * x, uniform(-1, 1, (2, 3))),
    Row("empty_like shape", lambda m, x: m.empty_like(x).shape == x.shape and x, uniform(-1, 1, (2, 3))),
    Row("zeros", lambda m, x: m.zeros((2, 3)) + x, uniform(-1, 1, (3,))),
    Row("ones int", lambda m, x: m.ones(3, dtype=int) * x, uniform(-1, 1, (3,))),
    Row("full", lambda m, x: m.full((2, 3), 1.5) * x, uniform(-1, 1, (3,))),
    Row("eye", lambda m, x: m.eye(3, 4, k=1) @ x, uniform(-1, 1, (4,))),
    Row("identity", lambda m, x: m.identity(3) * x, uniform(-1, 1, (3,))),
    Row("arange", lambda m, x: m.arange(1, 7, 2) * x, uniform(-1, 1, (3,))),
    Row("linspace", lambda m, x: m.linspace(0, 1, 3) * x, uniform(-1, 1, (3,))),
    Row("linspace traced endpoints", lambda m, a, b: m.linspace(a, b, 5, axis=-1), uniform(-1, 1, (2,), (3, 2))),
    Row("linspace no endpoint retstep", lambda m, a: m.linspace(a, 2.0, 4, endpoint=False, retstep=True),
        uniform(-1, 1, ())),
    Row("linspace one point is start", lambda m, a, b: m.linspace(a, b, 1), uniform(-1, 1, (2,), (2,))),
]


@pytest.mark.parametrize("row", ROWS, ids=ids(ROWS))
def test_row(row):
    check_row(row)


# A spread of functions whose float32 results and gradients must stay float32 (and float16 where numpy
# computes in float16).
KEEPS_DTYPE = {
    "cumprod": lambda x: jnp.cumprod(x),
    "cumsum": lambda x: jnp.cumsum(x[::-1]),
    "diff": lambda x: jnp.diff(x, append=x[:1]),
    "var ddof": lambda x: jnp.var(x, ddof=1),
    "std": lambda x: jnp.std(x),
    "sort": lambda x: jnp.sort(x) * x,
    "pad ramp": lambda x: jnp.pad(x, 2, mode="linear_ramp", end_values=1.0),
    "pad mean": lambda x: jnp.pad(x, 1, mode="mean"),
    "tile": lambda x: jnp.tile(x, 2),
    "roll": lambda x: jnp.roll(x, 1) * x,
    "einsum": lambda x: jnp.einsum("i,j,j->i", x, x, x),
    "outer": lambda x: jnp.outer(x, x),
    "kron": lambda x: jnp.kron(x, x),
    "hypot": lambda x: jnp.hypot(x, 2.0),
    "sinc": lambda x: jnp.sinc(x),
    "clip": lambda x: jnp.clip(x, 0.6, 1.0),
    "where": lambda x: jnp.where(x > 1, x, 0.5),
    "select": lambda x: jnp.select([x > 1], [x * 3], 0.25),
    "trace of outer": lambda x: jnp.trace(jnp.outer(x, x)),
    "norm": lambda x: jnp.linalg.norm(x, 3),
    "r_": lambda x: jnp.r_[x, 1.0, x],
    "linspace": lambda x: jnp.linspace(x[0], x[1], 4),
}


@pytest.mark.parametrize("dtype", ["float32", "float16"])
@pytest.mark.parametrize("name", sorted(KEEPS_DTYPE))
def test_dtype_kept_through_value_and_gradient(name, dtype):
    fn = KEEPS_DTYPE[name]
    x = np.array([0.5, 1.25, 2.0], dtype=dtype)
    out = traced(fn)(x)
    assert out.dtype == np.dtype(dtype), f"{name}: value is {out.dtype}"
    g = jaxlike.grad(lambda v: jnp.sum(fn(v)))(x)
    assert g.dtype == np.dtype(dtype), f"{name}: gradient is {g.dtype}"
    assert jaxlike.compile(jaxlike.grad(lambda v: jnp.sum(fn(v))), mode="FAST_COMPILE")(x).dtype == np.dtype(dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_second_order_keeps_the_dtype(dtype):
    x = np.array([0.5, 1.25, 2.0], dtype=dtype)
    h = jaxlike.hessian(lambda v: jnp.sum(jnp.cumprod(v) * jnp.sort(v)))(x)
    assert h.dtype == np.dtype(dtype)


def test_float32_gradients_match_float64_ones():
    """The float32 computation is the same graph, rounded: its gradient agrees with float64's to float32
    accuracy (check_grads uses float32 tolerances)."""
    x = np.array([[0.5, 1.25], [2.0, -0.75]], dtype=np.float32)
    check_grads(lambda v: jnp.linalg.inv(v + 3 * jnp.eye(2, dtype=np.float32)), (x,), order=2)
    check_grads(lambda v: jnp.cumprod(jnp.ravel(v)), (x,), order=2)


def test_integer_and_boolean_arrays_are_non_differentiable_inputs():
    """Integer/bool arguments are held fixed: the gradient is taken for the float argument only, and asking
    for the gradient of an integer argument is a clear error."""
    x = np.array([1.0, -2.0, 3.0])
    counts = np.array([3, 1, 2])
    mask = np.array([True, False, True])

    def f(v, n, keep):
        return jnp.sum(jnp.where(keep, jnp.cumsum(v * n), 0.0)) + jnp.sum(jnp.sort(n) * v)

    g = jaxlike.grad(f)(x, counts, mask)
    # the where keeps cumsum positions 0 (d/dv = n0 at j=0) and 2 (d/dv = n_j for all j); sort(n) adds [1, 2, 3]
    want = np.array([3.0 + 3.0 + 1.0, 1.0 + 2.0, 2.0 + 3.0])
    np.testing.assert_allclose(g, want)
    check_grads(lambda v: f(v, counts, mask), (x,), order=2)
    with pytest.raises(TypeError, match="integer"):
        jaxlike.grad(f, argnums=1)(x, counts, mask)


def test_integer_inputs_give_numpys_result_dtypes():
    i = np.array([[3, 1], [2, 4]])
    cases = {
        "cumsum": lambda a: jnp.cumsum(a, axis=0), "cumprod": lambda a: jnp.cumprod(a), "diff": jnp.diff,
        "sort": jnp.sort, "argsort": jnp.argsort, "tile": lambda a: jnp.tile(a, 2), "trace": jnp.trace,
        "tril": jnp.tril, "pad": lambda a: jnp.pad(a, 1, mode="edge"), "inv": jnp.linalg.inv,
        "det": jnp.linalg.det, "norm": jnp.linalg.norm, "round": lambda a: jnp.round(a, -1),
        "einsum": lambda a: jnp.einsum("ij,jk", a, a), "kron": lambda a: jnp.kron(a, a),
    }
    for name, fn in cases.items():
        with np.errstate(all="ignore"):
            want = fn(i)              # plain arrays: numpy's own result
            got = traced(fn)(i)
        assert got.dtype == np.asarray(want).dtype, f"{name}: {got.dtype}, numpy {np.asarray(want).dtype}"
        np.testing.assert_allclose(got, want, err_msg=name)


def _filled(xp, s, x, n):
    return (xp.full_like(xp.zeros(3), s), xp.full_like(x, s, dtype=np.float32), xp.full_like(n, s),
            xp.full((2, 2), s, dtype=np.float32), xp.full((2,), n[0], dtype=np.int8), xp.full_like(x, n[0]),
            xp.zeros_like(s, dtype=np.int32), xp.ones_like(x, dtype=bool), xp.empty_like(x, dtype=np.int8) * 0,
            xp.full_like(x, 7, dtype=np.int8))


def test_creation_with_a_traced_fill_value_and_dtype():
    """Catches: full_like with a traced fill value raising inside numpy (full((3,), s) worked), and full with a
    traced fill value ignoring dtype= (float64 for dtype=float32)."""
    s, x, n = np.array(2.5), np.array([[1.0, -2.0, 0.5]]), np.array([3, 4], np.int32)
    want = _filled(np, s, x, n)
    got = jaxlike.compile(lambda *a: _filled(jnp, *a))(s, x, n)
    for k, (g, w) in enumerate(zip(got, want)):
        g, w = np.asarray(g), np.asarray(w)
        assert g.dtype == w.dtype and g.shape == w.shape, f"result {k}: {g.dtype}{g.shape}, numpy {w.dtype}{w.shape}"
        np.testing.assert_array_equal(g, w, err_msg=f"result {k}")
    grad = jaxlike.grad(lambda v: jnp.sum(jnp.full_like(x, v) * x) + jnp.sum(jnp.full((2,), v)))(2.5)
    np.testing.assert_allclose(grad, np.sum(x) + 2)
