"""lax.conv_general_dilated / conv / conv_transpose and lax.reduce_window against direct numpy loops (every
padding form, strides, both dilations, feature and batch groups, dimension numbers, 1-3 spatial dims),
their derivatives against finite differences (order 2), max's tie rule, the compiled (numba) result against
eager evaluation with a symbolic batch size, and the errors for bad arguments."""

import itertools
import operator

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike import lax
from jaxlike.test_util import check_grads

RNG = np.random.default_rng(7)


# -- numpy references -----------------------------------------------------------------------------------------
def ref_pads(padding, in_sizes, spans, strides):
    if padding == "VALID":
        return [(0, 0)] * len(spans)
    if padding in ("SAME", "SAME_LOWER"):
        out = []
        for n, k, s in zip(in_sizes, spans, strides):
            total = max(0, (-(-n // s) - 1) * s + k - n)
            lo = total // 2 if padding == "SAME" else total - total // 2
            out.append((lo, total - lo))
        return out
    return list(padding)


def ref_dilate_pad(x, config, value):
    """x's trailing len(config) axes dilated (d - 1 fills between neighbours) then padded (lo, hi; negative
    crops), with ``value``: an independent numpy spelling of lax.pad."""
    lead = x.ndim - len(config)
    for k, (lo, hi, d) in enumerate(config):
        ax = lead + k
        n = x.shape[ax]
        shape = list(x.shape)
        shape[ax] = (n - 1) * d + 1 if n else 0
        y = np.full(shape, value, dtype=x.dtype)
        idx = [slice(None)] * x.ndim
        idx[ax] = slice(None, None, d)
        y[tuple(idx)] = x
        shape[ax] = y.shape[ax] + max(lo, 0) + max(hi, 0)
        z = np.full(shape, value, dtype=x.dtype)
        idx[ax] = slice(max(lo, 0), max(lo, 0) + y.shape[ax])
        z[tuple(idx)] = y
        idx[ax] = slice(-lo if lo < 0 else None, z.shape[ax] + hi if hi < 0 else None)
        x = z[tuple(idx)]
    return x


def ref_conv(x, w, strides, padding, ldil, rdil, groups=1, bgroups=1):
    """NCHW / OIHW conv_general_dilated by a loop over output positions and kernel taps."""
    nsp = x.ndim - 2
    ks = w.shape[2:]
    spans = [(k - 1) * r + 1 for k, r in zip(ks, rdil)]
    pads = ref_pads(padding, x.shape[2:], spans, strides)
    xp = ref_dilate_pad(x, [(lo, hi, d) for (lo, hi), d in zip(pads, ldil)], 0.0)
    outs = [(n - sp) // s + 1 for n, sp, s in zip(xp.shape[2:], spans, strides)]
    N, C = x.shape[:2]
    O, I = w.shape[:2]
    Nb, Ob, Og = N // bgroups, O // bgroups, O // groups
    y = np.zeros((Nb, O) + tuple(outs))
    for pos in itertools.product(*[range(o) for o in outs]):
        for tap in itertools.product(*[range(k) for k in ks]):
            src = tuple(p * s + t * r for p, s, t, r in zip(pos, strides, tap, rdil))
            for o in range(O):
                if bgroups > 1:
                    g = o // Ob
                    xs = xp[(slice(g * Nb, (g + 1) * Nb), slice(None)) + src]
                    y[(slice(None), o) + pos] += xs @ w[(o, slice(None)) + tap]
                else:
                    g = o // Og
                    xs = xp[(slice(None), slice(g * I, (g + 1) * I)) + src]
                    y[(slice(None), o) + pos] += xs @ w[(o, slice(None)) + tap]
    assert nsp == len(outs)
    return y


def ref_reduce_window(x, init, kind, window, strides, pads, base, wdil):
    ident = {"add": 0.0, "mul": 1.0, "max": -np.inf, "min": np.inf}[kind]
    red = {"add": np.sum, "mul": np.prod, "max": np.max, "min": np.min}[kind]
    comb = {"add": np.add, "mul": np.multiply, "max": np.maximum, "min": np.minimum}[kind]
    xp = ref_dilate_pad(x, [(lo, hi, b) for (lo, hi), b in zip(pads, base)], ident)
    spans = [(k - 1) * r + 1 for k, r in zip(window, wdil)]
    outs = [max(0, (n - sp) // s + 1) for n, sp, s in zip(xp.shape, spans, strides)]
    y = np.empty(outs)
    for pos in itertools.product(*[range(o) for o in outs]):
        win = xp[tuple(slice(p * s, p * s + sp, r) for p, s, sp, r in zip(pos, strides, spans, wdil))]
        y[pos] = comb(red(win), init)
    return y


# -- conv values ----------------------------------------------------------------------------------------------
CONV_CASES = [
    # (spatial sizes, kernel sizes, strides, padding, lhs_dilation, rhs_dilation, groups, batch groups)
    ((9,), (3,), (1,), "VALID", None, None, 1, 1),
    ((9,), (3,), (2,), "SAME", None, (2,), 2, 1),
    ((10,), (4,), (3,), [(2, -1)], (2,), None, 1, 1),
    ((7, 6), (3, 2), (1, 1), "SAME", None, None, 1, 1),
    ((7, 6), (3, 3), (2, 1), "SAME_LOWER", None, (1, 2), 1, 1),
    ((7, 6), (2, 3), (2, 2), [(1, 2), (0, 1)], (2, 1), (1, 1), 2, 1),
    ((7, 6), (3, 2), (1, 2), [(-1, 1), (2, 0)], None, (2, 1), 4, 1),     # depthwise: groups = channels
    ((6, 5), (2, 2), (1, 1), "VALID", None, None, 1, 2),
    ((5, 4, 6), (2, 3, 2), (1, 2, 1), "SAME", None, (2, 1, 1), 1, 1),
    ((5, 4, 4), (2, 2, 3), (2, 1, 1), [(1, 0), (0, 1), (1, 1)], (1, 2, 1), None, 2, 1),
]


@pytest.mark.parametrize("case", CONV_CASES, ids=[str(i) for i in range(len(CONV_CASES))])
def test_conv_general_dilated_matches_loop(case):
    """Catches wrong slice bounds, padding/dilation order, SAME's odd element, group or batch-group channel
    assignment and tap order: each case against the loop reference, eager and in the reference interpreter."""
    sizes, ks, strides, padding, ldil, rdil, g, b = case
    nsp = len(sizes)
    x = RNG.normal(size=(4, 4) + sizes)
    w = RNG.normal(size=(4, 4 // g) + ks)
    kw = dict(lhs_dilation=ldil, rhs_dilation=rdil, feature_group_count=g, batch_group_count=b)
    want = ref_conv(x, w, strides, padding, ldil or (1,) * nsp, rdil or (1,) * nsp, g, b)
    got = lax.conv_general_dilated(x, w, strides, padding, **kw)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    interp = jaxlike.compile(lambda x, w: lax.conv_general_dilated(x, w, strides, padding, **kw),
                             mode="FAST_COMPILE")
    np.testing.assert_allclose(interp(x, w), want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dn", [("NHWC", "HWIO", "NHWC"), ("NHWC", "OIHW", "NCHW"), ("CNWH", "WHIO", "HWCN")])
def test_dimension_numbers(dn):
    """Catches a wrong axis permutation: the layout strings (spatial order from the kernel's string, as JAX)
    must give the NCHW result transposed."""
    x = RNG.normal(size=(2, 3, 7, 6))          # NCHW
    w = RNG.normal(size=(5, 3, 3, 2))          # OIHW
    want = ref_conv(x, w, (2, 1), "SAME", (1, 1), (1, 1))
    canon = {"N": 0, "C": 1, "H": 2, "W": 3}
    xs = np.transpose(x, [canon[c] for c in dn[0]])
    ws = np.transpose(w, [{"O": 0, "I": 1, "H": 2, "W": 3}[c] for c in dn[1]])
    got = lax.conv_general_dilated(xs, ws, (2, 1) if dn[1].index("H") < dn[1].index("W") else (1, 2), "SAME",
                                   dimension_numbers=dn)
    np.testing.assert_allclose(got, np.transpose(want, [canon[c] for c in dn[2]]), atol=1e-12)
    dnum = lax.conv_dimension_numbers(xs.shape, ws.shape, dn)
    assert isinstance(dnum, lax.ConvDimensionNumbers)
    np.testing.assert_allclose(lax.conv_general_dilated(xs, ws, (2, 1) if dn[1].index("H") < dn[1].index("W")
                                                        else (1, 2), "SAME", dimension_numbers=dnum), got)


def test_conv_and_general_padding_wrappers():
    """Catches wrappers passing arguments to the wrong parameter."""
    x, w = RNG.normal(size=(2, 3, 8, 7)), RNG.normal(size=(4, 3, 3, 2))
    np.testing.assert_allclose(lax.conv(x, w, (1, 2), "SAME"), ref_conv(x, w, (1, 2), "SAME", (1, 1), (1, 1)),
                               atol=1e-12)
    np.testing.assert_allclose(lax.conv_with_general_padding(x, w, (2, 1), [(1, 1), (2, 0)], (2, 1), (1, 2)),
                               ref_conv(x, w, (2, 1), [(1, 1), (2, 0)], (2, 1), (1, 2)), atol=1e-12)


@pytest.mark.parametrize("padding,strides", [("VALID", (2, 2)), ("SAME", (1, 1)), ("VALID", (1, 2))])
def test_conv_transpose_is_the_input_gradient(padding, strides):
    """conv_transpose(transpose_kernel=True) is the VJP of the forward conv with respect to its input (JAX's
    documented identity, where the forward conv reads every input row): catches wrong transposed padding,
    fractional stride or kernel flip/swap."""
    x = RNG.normal(size=(2, 9, 8, 3))                                       # NHWC
    w = RNG.normal(size=(3, 2, 3, 4))                                       # HWIO
    dn = ("NHWC", "HWIO", "NHWC")
    fwd = lambda x: lax.conv_general_dilated(x, w, strides, padding, dimension_numbers=dn)
    y, pull = jaxlike.vjp(fwd, x)
    ct = RNG.normal(size=np.shape(y))
    (want,) = pull(ct)
    got = lax.conv_transpose(ct, w, strides, padding, dimension_numbers=dn, transpose_kernel=True)
    np.testing.assert_allclose(got, want, atol=1e-10)


def test_conv_transpose_explicit_padding_matches_dilated_conv():
    """Explicit pairs are the transposed conv's own padding (JAX's default), use_consistent_padding the forward
    conv's: catches swapping the two readings."""
    x, w = RNG.normal(size=(1, 5, 4, 2)), RNG.normal(size=(3, 2, 2, 3))
    dn = ("NHWC", "HWIO", "NHWC")
    canon = lambda a: np.transpose(a, (0, 3, 1, 2))
    kern = np.transpose(w, (3, 2, 0, 1))
    got = lax.conv_transpose(x, w, (2, 2), [(1, 0), (2, 1)])
    want = ref_conv(canon(x), kern, (1, 1), [(1, 0), (2, 1)], (2, 2), (1, 1))
    np.testing.assert_allclose(canon(got), want, atol=1e-12)
    got = lax.conv_transpose(x, w, (2, 2), [(1, 0), (0, 1)], dimension_numbers=dn, use_consistent_padding=True)
    want = ref_conv(canon(x), kern, (1, 1), [(3 - 1 - 1, 3 - 1 - 0), (2 - 1 - 0, 2 - 1 - 1)], (2, 2), (1, 1))
    np.testing.assert_allclose(canon(got), want, atol=1e-12)


# -- reduce_window ----------------------------------------------------------------------------------------
RW_CASES = [
    ((1, 2, 2), (1, 2, 2), "VALID", None, None),
    ((1, 3, 3), (1, 1, 1), "SAME", None, None),
    ((2, 3, 2), (1, 2, 1), [(0, 1), (1, 1), (2, 0)], (1, 2, 1), (1, 1, 2)),
    ((1, 3, 3), (1, 2, 2), "SAME_LOWER", None, (1, 2, 1)),
    ((1, 2, 3), (1, 3, 1), [(0, 0), (-1, 2), (1, -1)], None, None),
]
COMPUTATIONS = [(jnp.add, 0.0, "add"), (operator.add, 1.5, "add"), (jnp.maximum, -np.inf, "max"),
                (max, 0.25, "max"), (jnp.minimum, np.inf, "min"), (operator.mul, 1.0, "mul"),
                (jnp.multiply, 2.0, "mul")]


@pytest.mark.parametrize("case", RW_CASES, ids=[str(i) for i in range(len(RW_CASES))])
def test_reduce_window_matches_loop(case):
    """Catches padding or dilation holes taking part in a reduction, init not combined once, wrong window
    placement: every monoid against the loop reference."""
    window, strides, padding, base, wdil = case
    x = RNG.uniform(0.5, 1.5, size=(3, 7, 6))
    nd = x.ndim
    base_t, wdil_t = base or (1,) * nd, wdil or (1,) * nd
    dilated = [(n - 1) * b + 1 for n, b in zip(x.shape, base_t)]
    pads = ref_pads(padding, dilated, [(k - 1) * r + 1 for k, r in zip(window, wdil_t)], strides)
    for comp, init, kind in COMPUTATIONS:
        want = ref_reduce_window(x, init, kind, window, strides, pads, base_t, wdil_t)
        got = lax.reduce_window(x, init, comp, window, strides, padding, base, wdil)
        np.testing.assert_allclose(got, want, rtol=1e-12, err_msg=f"{kind} init={init}")


def test_max_pool_gradient_splits_ties():
    """On a constant input every element ties: each (overlapping) window's unit cotangent is split among its
    tied elements, so the gradient of the sum is the sum over covering windows of 1 / window size (and the
    total is the number of windows). Catches a rule that gives each tied element the whole cotangent."""
    x = np.ones((5, 6))
    pool = lambda x: jnp.sum(lax.reduce_window(x, -np.inf, jnp.maximum, (2, 3), (1, 2), "VALID"))
    g = jaxlike.grad(pool)(x)
    cover = np.zeros((5, 6))
    for i in range(4):
        for j in range(2):
            cover[i:i + 2, 2 * j:2 * j + 3] += 1.0 / 6
    np.testing.assert_allclose(g, cover)
    assert np.isclose(g.sum(), 4 * 2)


def test_gradients_order_two():
    """Forward and reverse derivatives (and their derivatives) of conv (strided, dilated, grouped, padded)
    and of sum / max / average reduce_window against finite differences."""
    x = 0.5 * RNG.normal(size=(2, 4, 5, 4))
    w = 0.5 * RNG.normal(size=(4, 2, 2, 3))
    conv = lambda x, w: lax.conv_general_dilated(x, w, (2, 1), [(1, 0), (1, 2)], (1, 2), (2, 1),
                                                 feature_group_count=2)
    check_grads(lambda x, w: jnp.sin(conv(x, w)), (x, w), order=2)
    wt = 0.5 * RNG.normal(size=(3, 4, 2, 2))
    check_grads(lambda x, w: lax.conv_transpose(x, w, (2, 1), "SAME", dimension_numbers=("NCHW", "OIHW", "NCHW")),
                (x, wt), order=2)
    y = RNG.permutation(60).reshape(3, 4, 5) / 10.0     # distinct values: max is differentiable
    check_grads(lambda y: lax.reduce_window(y, -np.inf, jnp.maximum, (1, 2, 2), (1, 1, 2), "SAME") ** 2,
                (y,), order=2)
    check_grads(lambda y: jnp.sin(lax.reduce_window(y, 0.0, jnp.add, (2, 2, 1), (1, 1, 1), [(0, 1), (1, 0),
                                                                                           (0, 0)], (1, 2, 1))),
                (y,), order=2)


# -- compiled -------------------------------------------------------------------------------------------------
W1 = 0.4 * RNG.normal(size=(4, 2, 3, 3))
W2 = 0.4 * RNG.normal(size=(4, 2, 2, 2))


def _net(x):
    """A conv (grouped, strided, SAME) -> max pool -> conv (dilated) -> average pool -> loss, with constant
    kernels: nothing reads a size, so one compiled function serves every batch and image size."""
    h = jnp.tanh(lax.conv_general_dilated(x, W1, (1, 1), "SAME", feature_group_count=2))
    h = lax.reduce_window(h, -np.inf, jnp.maximum, (1, 1, 2, 2), (1, 1, 2, 2), "VALID")
    h = lax.conv_general_dilated(h, W2, (1, 1), [(1, 1), (0, 1)], rhs_dilation=(1, 2), feature_group_count=2)
    h = lax.reduce_window(h, 0.0, lax_add, (1, 1, 2, 2), (1, 1, 1, 1), "VALID") / 4.0
    return jnp.sum(jnp.sin(h))


lax_add = operator.add


@pytest.fixture(scope="module")
def compiled_net():
    return jaxlike.compile(jaxlike.value_and_grad(_net))


@pytest.mark.parametrize("shape", [(2, 4, 8, 9), (5, 4, 11, 7)])
def test_compiled_matches_eager_with_symbolic_sizes(compiled_net, shape):
    """Catches backend lowering bugs in the composite (slices, stacks, the GEMM, the fills) and retracing:
    the numba result against eager evaluation, and two batch and image sizes served by one compilation."""
    x = RNG.normal(size=shape)
    val, grad = compiled_net(x)
    want_val, want_grad = jaxlike.value_and_grad(_net)(x)
    np.testing.assert_allclose(val, want_val, rtol=1e-10)
    np.testing.assert_allclose(grad, want_grad, rtol=1e-9, atol=1e-12)
    assert len(compiled_net._cache) == 1


# -- errors ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs,exc,match", [
    (dict(lhs=np.ones((2, 3, 5)), rhs=np.ones((4, 3, 2, 2))), TypeError, "same rank"),
    (dict(rhs=np.ones((4, 2, 2, 2))), ValueError, "input features"),
    (dict(padding="SAEM"), ValueError, "SAEM"),
    (dict(window_strides=(1.5, 1)), TypeError, "window_strides"),
    (dict(window_strides=(1,)), ValueError, "window_strides"),
    (dict(padding=[(1, 1)]), ValueError, "padding"),
    (dict(feature_group_count=2), ValueError, "input features"),
    (dict(batch_group_count=3), ValueError, "batch_group_count"),
    (dict(dimension_numbers=("NCHW", "OIHW")), TypeError, "length 3"),
    (dict(dimension_numbers=("NCHW", "OIHQ", "NCHW")), TypeError, "spatial"),
    (dict(rhs=np.ones((4, 3, 2, 2), dtype=np.float32)), TypeError, "same dtype"),
])
def test_conv_errors(kwargs, exc, match):
    """Bad arguments name the argument and what was expected, instead of a crash deeper down."""
    args = dict(lhs=np.ones((2, 3, 5, 5)), rhs=np.ones((4, 3, 2, 2)), window_strides=(1, 1), padding="VALID")
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        lax.conv_general_dilated(**args)


def test_reduce_window_errors():
    """An unsupported computation names what is supported; bad windows and init shapes are rejected."""
    x = np.ones((4, 4))
    with pytest.raises(TypeError, match="add, mul, max, min"):
        lax.reduce_window(x, 0.0, lambda a, b: a + b, (2, 2), (1, 1), "VALID")
    with pytest.raises(ValueError, match="window_dimensions"):
        lax.reduce_window(x, 0.0, jnp.add, (2,), (1, 1), "VALID")
    with pytest.raises(TypeError, match="init_value"):
        lax.reduce_window(x, np.zeros(2), jnp.add, (2, 2), (1, 1), "VALID")
    with pytest.raises(ValueError, match="padding"):
        lax.reduce_window(x, 0.0, jnp.add, (2, 2), (1, 1), "FULL")


@pytest.mark.skipif(not all(hasattr(lax, n) for n in ("add", "mul", "max", "min")),
                    reason="jaxlike.lax has no elementwise add/mul/max/min in this tree")
def test_reduce_window_recognizes_lax_functions():
    """lax.add / lax.mul / lax.max / lax.min (JAX's usual spelling) select the same reductions."""
    x = RNG.uniform(0.5, 1.5, size=(5, 6))
    for fn, alias, init in ((lax.add, jnp.add, 0.0), (lax.mul, jnp.multiply, 1.0),
                            (lax.max, jnp.maximum, -np.inf), (lax.min, jnp.minimum, np.inf)):
        np.testing.assert_allclose(lax.reduce_window(x, init, fn, (2, 3), (1, 2), "SAME"),
                                   lax.reduce_window(x, init, alias, (2, 3), (1, 2), "SAME"))


def test_vmap_over_kernels_and_inputs():
    """The composites batch: vmap over a stack of kernels and over a stack of inputs equals the loop."""
    x, ws = RNG.normal(size=(2, 3, 6, 5)), RNG.normal(size=(4, 2, 3, 2, 2))
    got = jaxlike.vmap(lambda w: lax.conv_general_dilated(x, w, (1, 2), "SAME"))(ws)
    np.testing.assert_allclose(got, np.stack([ref_conv(x, w, (1, 2), "SAME", (1, 1), (1, 1)) for w in ws]),
                               atol=1e-12)
    xs = RNG.normal(size=(3, 2, 3, 6, 5))
    got = jaxlike.vmap(lambda v: lax.reduce_window(v, -np.inf, jnp.maximum, (1, 1, 2, 2), (1, 1, 1, 2), "SAME"))(xs)
    pads = ref_pads("SAME", (2, 3, 6, 5), (1, 1, 2, 2), (1, 1, 1, 2))
    np.testing.assert_allclose(got, np.stack([ref_reduce_window(v, -np.inf, "max", (1, 1, 2, 2), (1, 1, 1, 2), pads,
                                                                (1,) * 4, (1,) * 4) for v in xs]))
