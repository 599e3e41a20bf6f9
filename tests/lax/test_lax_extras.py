"""The smaller ``jax.lax`` names (extras.py) and the implicitly differentiated solvers (solves.py): values
against numpy formulations or hand values, eager and traced (FAST_COMPILE), gradients against finite
differences, and one Numba-compiled bundle.

What it catches: a wrong high half of a product (signed corrections, 64-bit carries), reduce_precision that
rounds half away from zero, keeps subnormals a narrower exponent flushes, or misses overflow to inf, bitcasts
with the wrong added or removed dimension, patches in the wrong feature order, a custom solve differentiated
through its iterations (or not at all) instead of implicitly, and values read by ``matvec`` or ``f`` that get
no gradient."""

import numpy as np
import pytest
import scipy.special as sps

import jaxlike
import jaxlike.lax as lax
import jaxlike.numpy as jnp
from jaxlike.test_util import check_grads

RNG = np.random.default_rng(3)


def traced(f, *args):
    return jaxlike.compile(f, mode="FAST_COMPILE")(*args)


def both(f, *args):
    """f(*args) eager and traced, which must agree (exactly, but for float rounding in sums)."""
    eager, graph = f(*args), traced(f, *args)
    for e, g in zip(*(v if isinstance(v, (tuple, list)) else [v] for v in (eager, graph))):
        e, g = np.asarray(e), np.asarray(g)
        assert e.dtype == g.dtype and e.shape == g.shape
        if e.dtype.kind in "fc":
            np.testing.assert_allclose(g, e, rtol=1e-13, atol=1e-300)
        else:
            np.testing.assert_array_equal(g, e)
    return eager


def test_shapes_and_stacking():
    x = RNG.normal(size=(2, 3, 4))
    assert lax.broadcast_shapes((2, 1), (3,)) == (2, 3)
    with pytest.raises(ValueError, match="incompatible shapes"):
        lax.broadcast_shapes((2, 4), (2, 3))
    assert both(lambda a: lax.broadcast_to_rank(a, 5), x).shape == (1, 1, 2, 3, 4)
    with pytest.raises(ValueError, match="less than the operand's rank"):
        lax.broadcast_to_rank(x, 2)
    np.testing.assert_array_equal(both(lambda a: lax.broadcast_like(a[0, 0], a), x), np.broadcast_to(x[0, 0], x.shape))
    parts = both(lambda a: lax.split(a, [1, 0, 3], axis=-1), x)
    for p, w in zip(parts, np.split(x, [1, 1], axis=-1)):
        np.testing.assert_array_equal(p, w)
    with pytest.raises(ValueError, match="sum to the size of axis 2"):
        lax.split(x, [1, 2], axis=2)
    np.testing.assert_array_equal(both(lambda a: lax.stack([a, a + 1], axis=1), x), np.stack([x, x + 1], 1))
    with pytest.raises(TypeError, match="same dtypes, got float64, float32"):
        lax.stack([x, x.astype(np.float32)])
    for k, p in enumerate(both(lambda a: lax.unstack(a, axis=1), x)):
        np.testing.assert_array_equal(p, x[:, k])
    np.testing.assert_array_equal(both(lambda a: lax.tile(a, (2, 1, 3)), x), np.tile(x, (2, 1, 3)))
    with pytest.raises(TypeError, match="one entry per dimension"):
        lax.tile(x, (2,))
    e = lax.empty((2, 3), np.float32)
    assert e.shape == (2, 3) and e.dtype == np.float32
    np.testing.assert_array_equal(lax.shape_as_value((2, 3)), [2, 3])
    assert lax.shape_as_value(()).shape == (0,)
    assert [lax.dtype(v) for v in (1.0, 1, True, np.float32(1), float, "int8", np.uint16, x)] == \
        [np.float64, np.int64, np.bool_, np.float32, np.float64, np.int8, np.uint16, np.float64]


def test_arithmetic():
    a, b = RNG.normal(size=(2, 3, 4)), RNG.normal(size=(2, 4, 5))
    np.testing.assert_allclose(both(lax.batch_matmul, a, b), a @ b, rtol=1e-13)
    with pytest.raises(ValueError, match="same rank"):
        lax.batch_matmul(a, b[0])
    np.testing.assert_allclose(both(lax.reciprocal, a), 1 / a, rtol=1e-15)
    with pytest.raises(TypeError, match="integers cannot be raised to negative powers"):
        lax.reciprocal(np.int32(3))
    check_grads(lambda u, v: lax.batch_matmul(u, lax.reciprocal(v)), (a, np.abs(b) + 0.5), order=2)
    s, q = np.array([2.0, 3.5]), np.array([1.0, 2.5])
    np.testing.assert_allclose(both(lax.zeta, s, q), sps.zeta(s, q), rtol=1e-10)
    np.testing.assert_allclose(both(lambda x: lax.polygamma(np.array([1.0, 2.0]), x), np.array([1.0, 0.7])),
                               sps.polygamma([1, 2], [1.0, 0.7]), rtol=1e-10)
    with pytest.raises(TypeError, match="same dtypes"):
        lax.zeta(s, q.astype(np.float32))


def _mulhi_ref(x, y):
    bits = x.dtype.itemsize * 8
    return np.array([(int(a) * int(b)) >> bits for a, b in zip(x, y)], dtype=object)


@pytest.mark.parametrize("dt", [np.int8, np.uint16, np.int32, np.uint32, np.int64, np.uint64])
def test_mulhi(dt):
    info = np.iinfo(dt)
    x = RNG.integers(info.min, info.max, size=40, dtype=dt, endpoint=True)
    y = RNG.integers(info.min, info.max, size=40, dtype=dt, endpoint=True)
    x[:4], y[:4] = [info.min, info.max, info.min, 0], [info.min, info.max, info.max, info.min]
    want = _mulhi_ref(x, y)
    got = both(lax.mulhi, x, y)
    assert got.dtype == dt
    assert [int(v) for v in got] == list(want)


def test_reduce_precision():
    v = np.array([1.2345678, 1e-30, 7e4, np.nan, -3.3e38, 1e-40, 65519.0, 65520.0, -0.0, np.inf, 2.5, 3.5, 6e-5,
                  6.1e-5, -6.1e-5])
    got = both(lambda a: lax.reduce_precision(a, 5, 10), v)
    half = v.astype(np.float16).astype(np.float64)    # float16's rounding, its overflow...
    tiny = np.abs(half) < 2.0 ** -14                       # ...but no subnormals: XLA flushes them to zero
    np.testing.assert_array_equal(got, np.where(tiny, np.copysign(0.0, v), half))
    assert np.signbit(got[-1]) and np.signbit(got[8])
    np.testing.assert_array_equal(lax.reduce_precision(np.array([0.3, 0.2, 2.5, 3.5]), 3, 2),
                                  [0.3125, 0.0, 2.5, 3.5])                # ties to even: 2.5 and 3.5 stay
    np.testing.assert_array_equal(lax.reduce_precision(np.array([1.25, 1.75, 15.9]), 3, 1), [1.0, 2.0, np.inf])
    f32 = RNG.normal(size=50).astype(np.float32) * 1e3
    bf = both(lambda a: lax.reduce_precision(a, 8, 7), f32)
    bits = f32.view(np.uint32).astype(np.uint64)
    want = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16 << 16).astype(np.uint32).view(np.float32)
    np.testing.assert_array_equal(bf, want)
    np.testing.assert_array_equal(lax.reduce_precision(v, 11, 52), v)
    # the gradient passes straight through (finite differences of a step function would see zero)
    np.testing.assert_array_equal(jaxlike.grad(lambda a: jnp.sum(lax.reduce_precision(a, 5, 3) * 3.0))(v[:3]),
                                  [3.0, 3.0, 0.0])


def test_index_take_and_bitcast():
    src = RNG.normal(size=(2, 3, 4))
    i, j = np.array([0, 1, -1]), np.array([2, 5, 0])
    got = both(lambda s: lax.index_take(s, (i, j), (0, 2)), src)
    np.testing.assert_array_equal(got, src[i % 2, :, j % 4])
    check_grads(lambda s: lax.index_take(s, (i, j), (0, 2)), (src,), order=1)
    f = np.array([1.0, -2.5], np.float32)
    np.testing.assert_array_equal(lax.bitcast_convert_type(f, np.int32), f.view(np.int32))
    assert lax.bitcast_convert_type(f, np.uint8).shape == (2, 4)
    np.testing.assert_array_equal(lax.bitcast_convert_type(lax.bitcast_convert_type(f, np.uint16), np.float32), f)
    with pytest.raises(ValueError, match="last dimension of size 4"):
        lax.bitcast_convert_type(np.zeros(3, np.uint8), np.float32)
    with pytest.raises(NotImplementedError, match="traced operand"):
        traced(lambda a: lax.bitcast_convert_type(a, np.int32), f)


def test_approx_top_k():
    x = np.array([[3.0, 1, 2, 5, np.nan], [0, 9, 9, 1, -1]])
    v, i = both(lambda a: lax.approx_max_k(a, 2), x)
    np.testing.assert_array_equal(v, [[5, 3], [9, 9]])
    np.testing.assert_array_equal(i, [[3, 0], [1, 2]])
    assert i.dtype == np.int32
    v, i = both(lambda a: lax.approx_min_k(a, 3, reduction_dimension=1), x)
    np.testing.assert_array_equal(v, [[1, 2, 3], [-1, 0, 1]])
    np.testing.assert_array_equal(i, [[1, 2, 0], [4, 0, 3]])
    v, i = lax.approx_min_k(x[:, :4], 1, reduction_dimension=0)
    np.testing.assert_array_equal(v, [[0, 1, 2, 1]])
    y = RNG.normal(size=(3, 6))
    check_grads(lambda a: lax.approx_max_k(a, 2)[0], (y,), order=1)
    with pytest.raises(ValueError, match="recall_target"):
        lax.approx_max_k(y, 2, recall_target=0.0)
    with pytest.raises(NotImplementedError, match="aggregate_to_topk"):
        lax.approx_max_k(y, 2, aggregate_to_topk=False)


def _patches_ref(x, fh, fw):
    """NCHW, stride 1, VALID: feature c * fh * fw + p is channel c at filter position p."""
    n, c, h, w = x.shape
    out = np.empty((n, c * fh * fw, h - fh + 1, w - fw + 1))
    for ci in range(c):
        for a in range(fh):
            for b in range(fw):
                out[:, ci * fh * fw + a * fw + b] = x[:, ci, a:a + h - fh + 1, b:b + w - fw + 1]
    return out


def test_conv_patches():
    x = RNG.normal(size=(2, 3, 5, 4))
    got = both(lambda a: lax.conv_general_dilated_patches(a, (2, 3), (1, 1), "VALID"), x)
    np.testing.assert_allclose(got, _patches_ref(x, 2, 3), rtol=1e-14)
    nhwc = lax.conv_general_dilated_patches(x.transpose(0, 2, 3, 1), (2, 3), (1, 1), "VALID",
                                            dimension_numbers=("NHWC", "OIHW", "NHWC"))
    np.testing.assert_allclose(nhwc, _patches_ref(x, 2, 3).transpose(0, 2, 3, 1), rtol=1e-14)
    strided = lax.conv_general_dilated_patches(x, (2, 2), (2, 1), ((1, 0), (0, 1)))
    padded = np.pad(x, ((0, 0), (0, 0), (1, 0), (0, 1)))
    np.testing.assert_allclose(strided, _patches_ref(padded, 2, 2)[:, :, ::2], rtol=1e-14)
    check_grads(lambda a: lax.conv_general_dilated_patches(a, (2, 2), (1, 2), "SAME"), (x,), order=1)


def test_conv_local_and_shape_tuples():
    x = RNG.normal(size=(2, 3, 5, 4))
    w = RNG.normal(size=(4, 3 * 2 * 3, 4, 2))     # (out, in * filter, output spatial...): one filter per position
    got = both(lambda a, b: lax.conv_general_dilated_local(a, b, (1, 1), "VALID", (2, 3)), x, w)
    np.testing.assert_allclose(got, np.einsum("nfhw,ofhw->nohw", _patches_ref(x, 2, 3), w), rtol=1e-13)
    check_grads(lambda a, b: lax.conv_general_dilated_local(a, b, (1, 1), "VALID", (2, 3)), (x, w), order=1)
    assert lax.conv_shape_tuple((2, 3, 10, 9), (4, 3, 3, 2), (2, 1), [(1, 1), (0, 0)]) == (2, 4, 5, 8)
    assert lax.conv_shape_tuple((2, 3, 10, 9), (4, 3, 3, 2), (2, 1), "SAME") == (2, 4, 5, 9)
    dn = ("NHWC", "HWIO", "NHWC")
    assert lax.conv_general_shape_tuple((2, 10, 9, 3), (3, 2, 3, 4), (2, 1), "VALID", dn) == (2, 4, 8, 4)
    assert lax.conv_transpose_shape_tuple((2, 10, 9, 3), (3, 2, 3, 4), (2, 1), "VALID", dn) == (2, 21, 10, 4)
    assert lax.conv_transpose_shape_tuple((2, 10, 9, 3), (3, 2, 3, 4), (2, 1), "SAME", dn) == (2, 20, 9, 4)
    y = lax.conv_transpose(np.ones((2, 10, 9, 3)), np.ones((3, 2, 3, 4)), (2, 1), "SAME", dimension_numbers=dn)
    assert y.shape == (2, 20, 9, 4)


def test_ragged_dot_and_fft():
    a, r = RNG.normal(size=(6, 3)), RNG.normal(size=(3, 3, 2))
    sizes = np.array([2, 0, 3])                     # an empty group, and a last row outside every group
    want = np.concatenate([a[:2] @ r[0], a[2:5] @ r[2], np.zeros((1, 2))])
    np.testing.assert_allclose(both(lambda u, v, g: lax.ragged_dot(u, v, g), a, r, sizes), want, rtol=1e-13)
    check_grads(lambda u, v: lax.ragged_dot(u, v, sizes), (a, r), order=1)
    with pytest.raises(TypeError, match="same dtype"):
        lax.ragged_dot(a, r.astype(np.float32), sizes)
    x = RNG.normal(size=(2, 4, 6))
    np.testing.assert_allclose(both(lambda v: lax.fft(v, "rfft", (4, 6)), x), np.fft.rfftn(x, axes=(1, 2)),
                               rtol=1e-12)
    z = np.fft.rfftn(x, axes=(1, 2))
    np.testing.assert_allclose(both(lambda v: lax.fft(v, lax.FftType.IRFFT, (4, 6)), z), x, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(lax.fft(x + 1j, lax.FftType.FFT, (6,)), np.fft.fft(x + 1j, axis=-1), rtol=1e-12)
    np.testing.assert_allclose(lax.fft(z, "IFFT", (4, 4)), np.fft.ifftn(z, axes=(1, 2)), rtol=1e-12)
    with pytest.raises(ValueError, match="needs trailing dimensions"):
        lax.fft(x, "fft", (5,))
    assert lax.Precision("highest") is lax.Precision.HIGHEST
    np.testing.assert_allclose(lax.dot(x[0], x[1].T, precision=lax.Precision.HIGHEST), x[0] @ x[1].T)
    mul = lax.composite(lambda u, v: u * v + 1, name="my.fma")
    assert traced(mul, np.float64(2.0), np.float64(3.0)) == 7.0


def test_hints():
    tree = {"a": np.ones(2), "b": (1.0, np.arange(3))}
    out = lax.optimization_barrier(tree)
    np.testing.assert_array_equal(out["b"][1], np.arange(3))
    assert traced(lambda v: lax.optimization_barrier((v, v * 2))[1], np.ones(2)).tolist() == [2.0, 2.0]
    assert lax.platform_dependent(3, cpu=lambda x: x + 1, default=lambda x: x) == 4
    assert lax.platform_dependent(3, cuda=lambda x: x + 1, default=lambda x: x - 1) == 2
    with pytest.raises(NotImplementedError, match="no branch for 'cpu'"):
        lax.platform_dependent(3, cuda=lambda x: x)
    with pytest.raises(ValueError, match="'cuda' or 'rocm'"):
        lax.platform_dependent(3, gpu=lambda x: x)


# -- implicitly differentiated solvers ---------------------------------------------------------------------------
M = RNG.normal(size=(4, 4))
SPD = M @ M.T + 4 * np.eye(4)
B = RNG.normal(size=4)


def _cg(matvec, b, steps=4):
    """Conjugate gradients in a while_loop: exact in 4 steps for 4x4, and not reverse-differentiable itself."""
    def body(c):
        x, r, p, k = c
        ap = matvec(p)
        a = (r @ r) / (p @ ap)
        rn = r - a * ap
        return x + a * p, rn, rn + (rn @ rn) / (r @ r) * p, k + 1
    return lax.while_loop(lambda c: c[3] < steps, body, (b * 0, b, b, 0))[0]


def test_custom_linear_solve():
    sym = lambda s: (s + s.T) / 2

    def f(s, b):
        a = sym(s)
        return lax.custom_linear_solve(lambda x: a @ x, b, _cg, symmetric=True)
    np.testing.assert_allclose(f(SPD, B), np.linalg.solve(SPD, B), rtol=1e-10)
    np.testing.assert_allclose(traced(f, SPD, B), np.linalg.solve(SPD, B), rtol=1e-10)
    check_grads(f, (SPD, B), order=1)      # both modes: neither differentiates the while_loop

    # NOTE: a draw of its own: from the module's stream it depended on which tests ran before in the process
    a = np.random.default_rng(31).normal(size=(3, 3)) + 3 * np.eye(3)

    def g(a, b1, b2):
        mv = lambda x: {"u": a @ x["u"] + x["v"], "v": 2.0 * x["v"]}

        def solve(_, r):
            v = r["v"] / 2
            u = jnp.linalg.solve(a, r["u"] - v)
            return {"u": u, "v": v}, jnp.sum(u)
        def tsolve(_, r):       # the transpose [[a.T, 0], [1, 2]] of matvec's block matrix
            u = jnp.linalg.solve(a.T, r["u"])
            return {"u": u, "v": (r["v"] - u) / 2}, 0.0
        out, aux = lax.custom_linear_solve(mv, {"u": b1, "v": b2}, solve, transpose_solve=tsolve, has_aux=True)
        return out["u"], out["v"], aux
    b1, b2 = B[:3], B[1:]
    u, v, aux = g(a, b1, b2)
    np.testing.assert_allclose(v, b2 / 2)
    np.testing.assert_allclose(u, np.linalg.solve(a, b1 - b2 / 2), rtol=1e-12)
    np.testing.assert_allclose(aux, np.sum(u), rtol=1e-12)
    check_grads(lambda *z: g(*z)[:2], (a, b1, b2), order=1)
    vm = jaxlike.vmap(lambda b: f(SPD, b))(np.stack([B, 2 * B]))
    np.testing.assert_allclose(vm, np.linalg.solve(SPD, np.stack([B, 2 * B]).T).T, rtol=1e-10)


def test_custom_root():
    def sqrt_newton(c):
        def solve(f, x0):
            # Newton's iterations in a while_loop: not reverse-differentiable, so the gradient must be implicit
            step = lambda s: (s[0] - f(s[0]) / (2 * s[0]), s[1] + 1)
            return lax.while_loop(lambda s: s[1] < 30, step, (x0, 0))[0]
        return lax.custom_root(lambda x: x * x - c, jnp.ones_like(c), solve, lambda g, y: y / g(jnp.ones_like(y)))
    c = np.array([2.0, 5.0, 0.3])
    np.testing.assert_allclose(sqrt_newton(c), np.sqrt(c), rtol=1e-14)
    np.testing.assert_allclose(traced(sqrt_newton, c), np.sqrt(c), rtol=1e-14)
    np.testing.assert_allclose(jaxlike.grad(lambda z: sqrt_newton(z).sum())(c), 0.5 / np.sqrt(c), rtol=1e-12)
    check_grads(sqrt_newton, (c,), order=1)

    def fixed(w, x0):
        f = lambda x: jnp.tanh(w @ x) + 0.5 - x       # a root of a contraction, solved by iteration
        solve = lambda fn, x: lax.fori_loop(0, 60, lambda i, v: fn(v) + v, x)
        tangent = lambda lin, y: jnp.linalg.solve(jnp.stack([lin(e) for e in np.eye(3)], axis=1), y)
        return lax.custom_root(f, x0, solve, tangent)
    w = np.random.default_rng(32).normal(size=(3, 3)) * 0.3      # NOTE: its own draw, as above
    x = fixed(w, np.zeros(3))
    np.testing.assert_allclose(np.tanh(w @ x) + 0.5, x, atol=1e-12)
    check_grads(fixed, (w, np.zeros(3)), order=1)


def test_custom_solves_eager_python_loop():
    # A solver written as a plain Python loop runs eagerly on arrays: it must give arrays, not a traced graph
    def newton(c, aux=False):
        def solve(f, x0):
            x = x0
            for _ in range(30):
                x = x - f(x) / (2 * x)
            return (x, jnp.sum(x)) if aux else x
        return lax.custom_root(lambda x: x * x - c, jnp.ones_like(c), solve, lambda g, y: y / g(jnp.ones_like(y)),
                               has_aux=aux)
    c = np.array([2.0, 5.0, 0.3])
    for arg in (c, jnp.asarray(c)):
        x = newton(arg)
        assert isinstance(x, np.ndarray), type(x)
        np.testing.assert_allclose(x, np.sqrt(c), rtol=1e-14)
    x, aux = newton(2.0, aux=True)
    assert isinstance(x, np.ndarray) and isinstance(aux, np.ndarray), (type(x), type(aux))
    np.testing.assert_allclose([x, aux], [np.sqrt(2.0)] * 2, rtol=1e-14)
    dsqrt = lambda z: newton(z).sum()
    np.testing.assert_allclose(jaxlike.grad(dsqrt)(c), 0.5 / np.sqrt(c), rtol=1e-12)
    np.testing.assert_allclose(traced(jaxlike.grad(dsqrt), c), 0.5 / np.sqrt(c), rtol=1e-12)

    def richardson(a, b):
        def solve(mv, r):
            x = r * 0
            for _ in range(200):
                x = x + (r - mv(x)) * 0.2
            return x
        return lax.custom_linear_solve(lambda x: a @ x, b, solve, symmetric=True)
    a, b = np.array([[4.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 2.0]]), np.array([1.0, 2.0, 3.0])
    x = richardson(a, b)      # converges: the eigenvalues of 1 - 0.2 a lie within (0, 0.75)
    assert isinstance(x, np.ndarray), type(x)
    np.testing.assert_allclose(x, np.linalg.solve(a, b), rtol=1e-12)
    ga, gb = jaxlike.grad(lambda a, b: richardson(a, b).sum(), argnums=(0, 1))(a, b)
    np.testing.assert_allclose(gb, np.linalg.solve(a, np.ones(3)), rtol=1e-12)
    np.testing.assert_allclose(ga, -np.outer(gb, x), rtol=1e-12)


def test_numba_bundle():
    x, y = RNG.normal(size=(2, 3)), RNG.normal(size=(2, 3))
    ints = np.array([-7, 2 ** 62, 12345], np.int64)

    def f(a, b, i):
        return (lax.reduce_precision(a, 5, 2), lax.batch_matmul(a[None], b.T[None])[0], lax.mulhi(i, i * 3),
                lax.split(a, [1, 2], axis=1)[1], lax.approx_min_k(b, 2)[0])
    got = jaxlike.compile(f)(x, y, ints)
    want = f(x, y, ints)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-14, atol=0)


def test_incomplete_gamma_beta_and_scaled_bessel_names():
    """Catches: lax's names for the incomplete gamma/beta functions and the scaled Bessel functions missing or
    bound to the wrong scipy function (P for Q, the derivative in x for the one in a), and lax's dtype check."""
    sp = pytest.importorskip("scipy.special")
    a, x = np.array([0.5, 2.0, 30.0]), np.array([0.3, 2.5, 28.0])
    fast = lambda f: jaxlike.compile(f, mode="FAST_COMPILE")   # noqa: E731
    for got in (lax.igamma(a, x), fast(lax.igamma)(a, x)):
        np.testing.assert_allclose(got, sp.gammainc(a, x), rtol=1e-13)
    np.testing.assert_allclose(lax.igammac(a, x), sp.gammaincc(a, x), rtol=1e-13)
    eps = 1e-6
    np.testing.assert_allclose(fast(lax.igamma_grad_a)(a, x),
                               (sp.gammainc(a + eps, x) - sp.gammainc(a - eps, x)) / (2 * eps), rtol=1e-6)
    b = np.full(3, 2.0)
    np.testing.assert_allclose(lax.betainc(a, b, np.full(3, 0.3)), sp.betainc(a, b, 0.3), rtol=1e-13)
    np.testing.assert_allclose(lax.bessel_i0e(x), sp.i0e(x), rtol=1e-14)
    np.testing.assert_allclose(lax.bessel_i1e(x), sp.i1e(x), rtol=1e-14)
    # d x / d a of a Gamma(a) draw at a fixed quantile q = P(a, x): -(dP/da) / (dP/dx)
    want = -((sp.gammainc(a + eps, x) - sp.gammainc(a - eps, x)) / (2 * eps)) / np.exp(
        (a - 1) * np.log(x) - x - sp.gammaln(a))
    np.testing.assert_allclose(lax.random_gamma_grad(a, x), want, rtol=1e-6)
    with pytest.raises(TypeError, match="same dtypes"):
        lax.igamma(a.astype(np.float32), x)
