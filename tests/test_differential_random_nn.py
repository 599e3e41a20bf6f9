"""Differential tests of ``jaxlike.nn`` and ``jaxlike.random`` against JAX (0.10, 64-bit mode). Where jaxlike
computes what JAX computes, JAX's values are recorded below as literals (so the suite runs without JAX): the
activations and their derivatives at the points where the pieces meet, the softmax family's derivatives with
-inf entries and masks, and the draws jaxlike claims bit for bit (categorical, choice with ``p``, keys from
32-bit and 0-d seeds, multivariate_normal and its derivative). Elsewhere numpy and scipy give the reference:
values over tuple and negative axes, attention, and the draws' shapes, dtypes, moments and determinism. Bad
arguments must raise an exception that names them. Each checked function also runs once under
``jaxlike.compile``, grouped into a few compiled functions.

What it catches: a derivative that splits a tie at a kink (relu at 0), NaN from a masked -inf, a float32 input
widened to float64 by a Python scalar, a draw whose shape grows past the one asked for, an out-of-range axis
taken modulo the rank, int32 seeds sign-extended, and a categorical or choice that stops matching JAX's draws.
"""

import numpy as np
import pytest
from scipy import special as sp, stats

import jaxlike
import jaxlike.numpy as jnp
import jaxlike.random as R
from jaxlike import nn

X = np.array([-50., -3., -1., -0.5, 0., 0.5, 1., 3., 6., 30., 800.])
ACTIVATIONS = {name: getattr(nn, name) for name in (
    "relu", "relu6", "sigmoid", "softplus", "silu", "log_sigmoid", "leaky_relu", "hard_tanh", "elu", "celu", "selu",
    "gelu", "hard_sigmoid", "hard_silu", "mish", "soft_sign", "squareplus", "sparse_plus", "sparse_sigmoid")}
ACTIVATIONS["gelu_exact"] = lambda x: nn.gelu(x, approximate=False)

JAX_ACTIVATIONS = {  # name: (values at X, derivatives at X)
    "relu": ([0.0, 0.0, 0.0, 0.0, 0.0, 0.5, 1.0, 3.0, 6.0, 30.0, 800.0],
        [0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]),
    "relu6": ([0.0, 0.0, 0.0, 0.0, 0.0, 0.5, 1.0, 3.0, 6.0, 6.0, 6.0],
        [0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0]),
    "sigmoid": ([1.928749847963918e-22, 0.04742587317756678, 0.2689414213699951, 0.3775406687981454, 0.5, 0.6224593312018546, 0.7310585786300049, 0.9525741268224334, 0.9975273768433653, 0.9999999999999065, 1.0],
        [1.928749847963918e-22, 0.04517665973091214, 0.19661193324148185, 0.2350037122015945, 0.25, 0.2350037122015945, 0.19661193324148185, 0.045176659730912, 0.002466509291359931, 9.348077867342945e-14, 0.0]),
    "softplus": ([1.9287498479639178e-22, 0.04858735157374206, 0.3132616875182228, 0.4740769841801067, 0.6931471805599453, 0.9740769841801067, 1.3132616875182228, 3.048587351573742, 6.00247568513773, 30.000000000000092, 800.0],
        [1.9287498479639178e-22, 0.04742587317756678, 0.2689414213699951, 0.3775406687981454, 0.5, 0.6224593312018546, 0.731058578630005, 0.9525741268224333, 0.9975273768433656, 0.9999999999999076, 1.0]),
    "silu": ([-9.64374923981959e-21, -0.14227761953270035, -0.2689414213699951, -0.1887703343990727, 0.0, 0.3112296656009273, 0.7310585786300049, 2.8577223804673, 5.985164261060192, 29.999999999997197, 800.0],
        [-9.450874255023198e-21, -0.08810410601516963, 0.07232948812851325, 0.2600388126973482, 0.5, 0.7399611873026518, 0.9276705118714867, 1.0881041060151693, 1.0123264325915249, 1.000000000002711, 1.0]),
    "log_sigmoid": ([-50.0, -3.048587351573742, -1.3132616875182228, -0.9740769841801067, -0.6931471805599453, -0.4740769841801067, -0.3132616875182228, -0.04858735157374206, -0.0024756851377304495, -9.357622968839737e-14, -0.0],
        [1.0, 0.9525741268224333, 0.731058578630005, 0.6224593312018546, 0.5, 0.3775406687981454, 0.2689414213699951, 0.04742587317756678, 0.002472623156634775, 9.35762296883931e-14, 0.0]),
    "leaky_relu": ([-0.5, -0.03, -0.01, -0.005, 0.0, 0.5, 1.0, 3.0, 6.0, 30.0, 800.0],
        [0.01, 0.01, 0.01, 0.01, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]),
    "hard_tanh": ([-1.0, -1.0, -1.0, -0.5, 0.0, 0.5, 1.0, 1.0, 1.0, 1.0, 1.0],
        [0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0]),
    "elu": ([-1.0, -0.950212931632136, -0.6321205588285577, -0.3934693402873665, 0.0, 0.5, 1.0, 3.0, 6.0, 30.0, 800.0],
        [0.0, 0.04978706836786395, 0.36787944117144233, 0.6065306597126334, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]),
    "celu": ([-1.0, -0.950212931632136, -0.6321205588285577, -0.3934693402873665, 0.0, 0.5, 1.0, 3.0, 6.0, 30.0, 800.0],
        [0.0, 0.04978706836786395, 0.36787944117144233, 0.6065306597126334, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]),
    "selu": ([-1.7580993408473766, -1.6705687287671118, -1.1113307378125625, -0.6917581878028712, 0.0, 0.5253504936777402, 1.0507009873554805, 3.1521029620664414, 6.304205924132883, 31.521029620664414, 840.5607898843843],
        [0.0, 0.08753061208026489, 0.646768603034814, 1.0663411530445053, 1.7580993408473766, 1.0507009873554805, 1.0507009873554805, 1.0507009873554805, 1.0507009873554805, 1.0507009873554805, 1.0507009873554805]),
    "gelu": ([-0.0, -0.003637392081773161, -0.1588080093917233, -0.15428599017485609, 0.0, 0.3457140098251439, 0.8411919906082768, 2.996362607918227, 5.9999999999156035, 30.0, 800.0],
        [0.0, -0.011584166630970047, -0.08296408384578258, 0.1326300964653577, 0.5, 0.8673699035346423, 1.0829640838457828, 1.0115841666309702, 1.0000000007710006, 1.0, 1.0]),
    "gelu_exact": ([-0.0, -0.004049694094890279, -0.15865525393145707, -0.15426876936299344, 0.0, 0.34573123063700656, 0.8413447460685429, 2.99595030590511, 5.999999994080474, 30.0, 800.0],
        [0.0, -0.01194564720418392, -0.08331547058768624, 0.13250487534383715, 0.5, 0.8674951246561629, 1.0833154705876862, 1.011945647204184, 1.0000000354687093, 1.0, 1.0]),
    "hard_sigmoid": ([0.0, 0.0, 0.3333333333333333, 0.41666666666666663, 0.5, 0.5833333333333333, 0.6666666666666666, 1.0, 1.0, 1.0, 1.0],
        [0.0, 0.0, 0.16666666666666666, 0.16666666666666666, 0.16666666666666666, 0.16666666666666666, 0.16666666666666666, 0.0, 0.0, 0.0, 0.0]),
    "hard_silu": ([-0.0, -0.0, -0.3333333333333333, -0.20833333333333331, 0.0, 0.29166666666666663, 0.6666666666666666, 3.0, 6.0, 30.0, 800.0],
        [0.0, 0.0, 0.16666666666666666, 0.3333333333333333, 0.5, 0.6666666666666666, 0.8333333333333333, 1.0, 1.0, 1.0, 1.0]),
    "mish": ([-9.643749239819589e-21, -0.1456474612756246, -0.30340146137410895, -0.22074377465173, 0.0, 0.375245211304895, 0.8650983882673103, 2.9865350049679567, 5.999926634065253, 30.0, 800.0],
        [-9.450874255023197e-21, -0.0933931145323208, 0.059216755877395, 0.28951067791351226, 0.6000000000000001, 0.8864243753577272, 1.0490362200997922, 1.0211069109294446, 1.0001341405062087, 1.0, 1.0]),
    "soft_sign": ([-0.9803921568627451, -0.75, -0.5, -0.3333333333333333, 0.0, 0.3333333333333333, 0.5, 0.75, 0.8571428571428571, 0.967741935483871, 0.9987515605493134],
        [0.00038446751249519157, 0.0625, 0.25, 0.4444444444444444, 1.0, 0.4444444444444444, 0.25, 0.0625, 0.020408163265306117, 0.00104058272632674, 1.5586010620309045e-06]),
    "squareplus": ([0.019992006393607653, 0.30277563773199456, 0.6180339887498949, 0.7807764064044151, 1.0, 1.2807764064044151, 1.618033988749895, 3.302775637731995, 6.16227766016838, 30.03329637837291, 800.0012499980469],
        [0.00039952063910531424, 0.08397485283107814, 0.27639320225002106, 0.3787321874818335, 0.5, 0.6212678125181665, 0.7236067977499789, 0.9160251471689218, 0.9743416490252569, 0.9988925789283045, 0.9999984375073241]),
    "sparse_plus": ([0.0, 0.0, 0.0, 0.0625, 0.25, 0.5625, 1.0, 3.0, 6.0, 30.0, 800.0],
        [0.0, 0.0, 0.0, 0.25, 0.5, 0.75, 1.0, 1.0, 1.0, 1.0, 1.0]),
    "sparse_sigmoid": ([0.0, 0.0, 0.0, 0.25, 0.5, 0.75, 1.0, 1.0, 1.0, 1.0, 1.0],
        [0.0, 0.0, 0.25, 0.5, 0.5, 0.5, 0.25, 0.0, 0.0, 0.0, 0.0]),
}

JAX_SOFTMAX_GRADS = {
    "softmax axis=-1": [0.08942198104727622, -0.09738497886019376, 0.007962997812917483, 0.0, 0.4327619674812425, -0.4327619674812425],
    "softmax axis=0": [0.0, -0.6058667544737395, 0.35250556830239177, -0.0, 0.6058667544737395, -0.35250556830239177],
    "softmax axis=None": [0.09397577224665593, -0.05177596777266837, 0.17765047405673004, -0.0, 0.11550578659819231, -0.33535606512890986],
    "softmax where": [0.07457322603516643, 0.0, -0.07457322603516636, -0.0, 0.0, 0.0],
    "log_softmax axis=-1": [1.0876451960700184, -1.9804437133646562, 0.892798517294638, 0.0, 1.3886499305873456, -1.3886499305873454],
    "log_softmax axis=0": [0.0, -1.8886499305873456, 0.8112296656009272, 0.0, 1.8886499305873454, -0.8112296656009272],
    "log_softmax axis=None": [1.0, -2.0, 0.5, 0.0, 1.5, -1.0],
    "log_softmax where": [0.7263617142904655, 0.0, -0.7263617142904655, 0.3, -0.30000000000000004, 0.0],
    "logsumexp axis=-1": [-0.1752903921400367, -0.039112573270687456, -0.7855970345892759, -0.0, -0.2227001388253088, -0.7772998611746911],
    "logsumexp axis=0": [-1.0, -0.2227001388253088, -0.6224593312018546, -0.0, -0.7772998611746911, -0.37754066879814546],
    "logsumexp axis=None": [-0.10867318703986656, -0.024248265628045693, -0.4870394345953742, -0.0, -0.08463476316551333, -0.29540434957120026],
    "logsumexp where": [0.18242552380635632, 0.0, 0.8175744761936437, 0.0, 0.3, 0.0],
    "logsumexp b a": [0.6588855033981116, 0.2940344557853989, -2.9529199591835105, 0.0, 0.0, 1.5],
    "logsumexp b b": [0.6588855033981116, 0.14701722789269944, 2.9529199591835105, 0.0, 0.0, 1.5],
    "logsumexp all -inf": [np.nan, np.nan],
}

JAX_CATEGORICAL = [  # (axis, shape, replace, draws) for logits L under PRNGKey(5)
    (-1, None, True, [2, 0]),
    (-1, (4, 2), True, [[2, 0], [2, 0], [2, 2], [1, 2]]),
    (0, (5, 3), True, [[1, 1, 0], [1, 1, 0], [1, 1, 1], [1, 0, 1], [1, 0, 1]]),
    (0, None, True, [1, 1, 0]),
    (-1, (2, 2), False, [[2, 0], [0, 2]]),
    (0, (2, 3), False, [[1, 1, 0], [0, 0, 1]]),
    (-1, (3, 2), False, [[2, 0], [0, 2], [1, 1]]),
]
JAX_CHOICE = {
    "int a, p": [2, 4, 1, 2, 3, 3],
    "array a, axis 1, p": [[[3, 5], [2, 3]], [[9, 11], [8, 9]], [[15, 17], [14, 15]], [[21, 23], [20, 21]]],
    "array a, axis 1, p, no replace": [[2, 3, 5], [8, 9, 11], [14, 15, 17], [20, 21, 23]],
    "int p": [1, 2, 0, 1, 2],
}
JAX_KEYS = {
    "np.int32(-7)": [0, 4294967289],
    "np.array(-7, np.int32)": [0, 4294967289],
    "np.array(5)": [0, 5],
    "np.uint32(4294967295)": [0, 4294967295],
    "np.int64(-7)": [4294967295, 4294967289],
    "2 ** 40 + 3": [256, 3],
}

JAX_MVN_GRAD = ( [-0.6808360013056238, -8.534570819903069, 2.184915486567793] ,
    [2.7097797654322298, -0.4026959693321239, 0.499659398270407, -0.4026959693321239, 4.939446619892026, -2.0964850501624945, 0.499659398270407, -2.0964850501624945, 1.710899066074034] )

L = np.log(np.array([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]]))   # the categorical logits recorded above
K5 = R.PRNGKey(5)


def _activation_reference(name):
    """JAX's values and derivatives, except sigmoid's derivative: JAX's s (1 - s) has lost three digits at
    x = 30 (1 - s rounds), and the closed form s(x) s(-x) is the reference there."""
    values, slopes = (np.asarray(v) for v in JAX_ACTIVATIONS[name])
    if name == "sigmoid":
        slopes = sp.expit(X) * sp.expit(-X)
    return values, slopes


# -- activations ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(JAX_ACTIVATIONS))
def test_activation_values_and_derivatives_match_jax(name):
    """Catches: a kink's derivative split 0.5/0.5 (relu, relu6, hard_tanh at their corners), an overflowing
    untaken branch (elu, softplus at 800), the tanh and erf gelu swapped."""
    f = ACTIVATIONS[name]
    values, slopes = _activation_reference(name)
    np.testing.assert_allclose(f(X), values, rtol=1e-12, atol=1e-300)
    grads = jaxlike.grad(lambda x: jnp.sum(f(x)))(X)
    np.testing.assert_allclose(grads, slopes, rtol=1e-12, atol=1e-300)
    x32 = X.astype(np.float32)
    got = f(x32)
    assert got.dtype == np.float32, name
    # NOTE: loose: float32 cancellation (squareplus at -50, gelu at -3) differs between formulations
    np.testing.assert_allclose(got, values.astype(np.float32), rtol=1e-4, atol=1e-6)
    assert f(1.5).dtype == np.float64


def test_activations_compiled_equal_eager():
    names = sorted(ACTIVATIONS)

    def run(x):
        return tuple(ACTIVATIONS[n](x) for n in names) + tuple(
            jaxlike.grad(lambda z, f=ACTIVATIONS[n]: jnp.sum(f(z)))(x) for n in names)
    out = jaxlike.compile(run)(X)
    for i, n in enumerate(names):
        values, slopes = _activation_reference(n)
        np.testing.assert_allclose(out[i], values, rtol=1e-12, atol=1e-300, err_msg=n)
        np.testing.assert_allclose(out[len(names) + i], slopes, rtol=1e-12, atol=1e-300, err_msg=n)


# -- the softmax family ---------------------------------------------------------------------------------------
SX = np.array([[0.5, -1.0, 2.0], [-np.inf, 0.25, 1.5]])
SC = np.array([[1., -2., 0.5], [0.3, 1.5, -1.]])
SW = np.array([[True, False, True], [True, True, False]])
SB = np.array([[1., 2., -1.], [0.5, 0., 1.]])


def _masked(f, z):
    return jnp.where(jnp.isfinite(z), f(z), 0)


SOFTMAX_GRADS = {
    "softmax axis=-1": lambda z: jnp.sum(SC * _masked(lambda v: nn.softmax(v, axis=-1), z)),
    "softmax axis=0": lambda z: jnp.sum(SC * _masked(lambda v: nn.softmax(v, axis=0), z)),
    "softmax axis=None": lambda z: jnp.sum(SC * _masked(lambda v: nn.softmax(v, axis=None), z)),
    "softmax where": lambda z: jnp.sum(SC * jnp.where(SW, nn.softmax(z, where=SW), 0)),
    "log_softmax axis=-1": lambda z: jnp.sum(SC * _masked(lambda v: nn.log_softmax(v, axis=-1), z)),
    "log_softmax axis=0": lambda z: jnp.sum(SC * _masked(lambda v: nn.log_softmax(v, axis=0), z)),
    "log_softmax axis=None": lambda z: jnp.sum(SC * _masked(lambda v: nn.log_softmax(v, axis=None), z)),
    "log_softmax where": lambda z: jnp.sum(SC * jnp.where(SW, nn.log_softmax(z, where=SW), 0)),
    "logsumexp axis=-1": lambda z: jnp.sum(-1.0 * nn.logsumexp(z, axis=-1)),
    "logsumexp axis=0": lambda z: jnp.sum(-1.0 * nn.logsumexp(z, axis=0)),
    "logsumexp axis=None": lambda z: -1.0 * nn.logsumexp(z, axis=None),
    "logsumexp where": lambda z: jnp.sum(nn.logsumexp(z, axis=-1, where=SW) * SC[:, 0]),
}


@pytest.mark.parametrize("name", sorted(SOFTMAX_GRADS))
def test_softmax_family_derivatives_match_jax(name):
    """Catches: NaN from the -inf entry or a masked-out one reaching the derivative, and the max's
    derivative not stopped."""
    got = jaxlike.grad(SOFTMAX_GRADS[name])(SX)
    np.testing.assert_allclose(got, np.reshape(JAX_SOFTMAX_GRADS[name], SX.shape), rtol=1e-12, atol=1e-15)


def test_logsumexp_weights_and_signs_match_jax():
    val, sign = nn.logsumexp(SX, axis=-1, b=SB, return_sign=True)
    np.testing.assert_allclose(val, [1.6103526830813495, 1.5], rtol=1e-14)
    np.testing.assert_array_equal(sign, [-1.0, 1.0])
    ga, gb = jaxlike.grad(lambda a, b: jnp.sum(nn.logsumexp(a, axis=-1, b=b, return_sign=True)[0] * SC[:, 1]),
                          argnums=(0, 1))(SX, SB)
    np.testing.assert_allclose(ga, np.reshape(JAX_SOFTMAX_GRADS["logsumexp b a"], SX.shape), rtol=1e-12)
    # NOTE: where b == 0 JAX masks a out first, which zeroes d/db there too; the derivative is e^a / total
    want_b = np.reshape(JAX_SOFTMAX_GRADS["logsumexp b b"], SX.shape).copy()
    want_b[1, 1] = SC[1, 1] * np.exp(0.25 - 1.5)
    np.testing.assert_allclose(gb, want_b, rtol=1e-12)
    # a negative total without return_sign is NaN, as JAX's
    assert np.isnan(nn.logsumexp(SX, axis=-1, b=SB)[0])
    # NOTE: a float32 a with float64 b is computed in float64 (JAX's promotion), not exp'd in float32 first
    a32 = np.float32([1.1, 2.3, 3.7])
    got = nn.logsumexp(a32, b=np.array([1., 2., 3.]))
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, sp.logsumexp(a32.astype(np.float64), b=[1., 2., 3.]), rtol=1e-14)
    assert nn.logsumexp(a32, b=np.float32([1., 2., 3.])).dtype == np.float32


def _np_softmax(x, axis, where=None):
    w = np.ones(x.shape, bool) if where is None else where
    top = np.max(np.where(w, x, -np.inf), axis=axis, keepdims=True)
    e = np.where(w, np.exp(np.where(w, x, -np.inf) - top), 0)
    return e / e.sum(axis=axis, keepdims=True)


@pytest.mark.parametrize("axis", [-1, 0, 1, (0, 2), (-1, -2), None])
def test_softmax_family_over_tuple_and_negative_axes(axis):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 4, 5))
    x[0, 1, 2] = -np.inf
    w = rng.random(x.shape) > 0.3
    with np.errstate(divide="ignore"):
        np.testing.assert_allclose(nn.softmax(x, axis=axis), _np_softmax(x, axis), rtol=1e-13, atol=1e-300)
        np.testing.assert_allclose(nn.log_softmax(x, axis=axis), np.log(_np_softmax(x, axis)), rtol=1e-13)
        np.testing.assert_allclose(nn.softmax(x, axis=axis, where=w), _np_softmax(x, axis, w), rtol=1e-13,
                                   atol=1e-300)
        np.testing.assert_allclose(nn.log_softmax(x, axis=axis, where=w), np.log(_np_softmax(x, axis, w)),
                                   rtol=1e-13)
    np.testing.assert_allclose(nn.logsumexp(x, axis=axis), sp.logsumexp(x, axis=axis), rtol=1e-13)
    np.testing.assert_allclose(nn.logsumexp(x, axis=axis, keepdims=True), sp.logsumexp(x, axis=axis, keepdims=True),
                               rtol=1e-13)
    x32 = x.astype(np.float32)
    for f in (nn.softmax, nn.log_softmax, nn.logsumexp):
        assert f(x32, axis=axis).dtype == np.float32


def test_softmax_of_empty_and_integer_inputs():
    """Catches: a max without an initial value raising on an empty axis (JAX returns an empty array), and
    initial=-inf overflowing an integer input."""
    for f in (nn.softmax, nn.log_softmax):
        assert f(np.zeros((2, 0))).shape == (2, 0)
        np.testing.assert_allclose(f(np.arange(3)), f(np.arange(3.0)), rtol=1e-15)
    assert nn.logsumexp(np.zeros((2, 0)), axis=1).tolist() == [-np.inf, -np.inf]


def test_standardize_matches_jax():
    """Catches: the fast variance's cancellation going negative (NaN where JAX clips to 0), a missing
    ``algorithm``, and Python-number moments turning a float32 result into float64."""
    x32 = np.full(7, 1e4 + 0.1, np.float32)
    assert np.all(np.isfinite(nn.standardize(x32)))
    x = np.random.default_rng(1).normal(size=(3, 4)) * 3 + 1
    want = (x - x.mean(1, keepdims=True)) / np.sqrt(x.var(1, keepdims=True) + 1e-5)
    for algorithm in ("fast", "stable"):
        np.testing.assert_allclose(nn.standardize(x, axis=1, algorithm=algorithm), want, rtol=1e-12)
        np.testing.assert_allclose(nn.standardize(x, axis=(0, -1), algorithm=algorithm),
                                   (x - x.mean()) / np.sqrt(x.var() + 1e-5), rtol=1e-12)
    got = nn.standardize(np.float32([1, 2, 3]), mean=1.0, variance=2.0, epsilon=0.25)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, np.float32([0, 1, 2]) / 1.5, rtol=1e-6)
    with pytest.raises(ValueError, match="algorithm"):
        nn.standardize(x, algorithm="exact")


@pytest.mark.parametrize("axis", [-1, 0, 1, 2, -3])
@pytest.mark.parametrize("dtype", [None, np.float32, np.int32, np.bool_])
def test_one_hot_dtype_and_axis(axis, dtype):
    idx = np.array([[0, 2, -1], [3, 1, 4]])
    got = nn.one_hot(idx, 4, dtype=dtype, axis=axis)
    want = np.moveaxis((idx[..., None] == np.arange(4)), -1, axis)
    assert got.dtype == np.dtype(np.float64 if dtype is None else dtype)
    np.testing.assert_array_equal(got, want.astype(got.dtype))


def test_glu_over_any_axis():
    x = np.random.default_rng(2).normal(size=(4, 6, 2))
    for axis in (0, 1, -2, -1):
        a, b = np.split(x, 2, axis=axis)
        np.testing.assert_allclose(nn.glu(x, axis=axis), a * sp.expit(b), rtol=1e-14)


def _np_attention(q, k, v, bias=None, mask=None, causal=False):
    reps = q.shape[2] // k.shape[2]
    k, v = np.repeat(k, reps, axis=2), np.repeat(v, reps, axis=2)
    logits = np.einsum("btnh,bsnh->bnts", q, k) / np.sqrt(q.shape[-1])
    if bias is not None:
        logits = logits + bias
    keep = np.ones(logits.shape, bool)
    if mask is not None:
        keep &= mask
    if causal:
        keep &= np.tril(np.ones(logits.shape[-2:], bool))
    p = _np_softmax(np.where(keep, logits, np.finfo(np.float64).min), -1)
    return np.einsum("bnts,bsnh->btnh", p, v)


def test_dot_product_attention_basics():
    """Against numpy in float64 (JAX computes float64 attention in float32, which it need not)."""
    rng = np.random.default_rng(3)
    q, k, v = rng.normal(size=(2, 3, 4, 5)), rng.normal(size=(2, 4, 2, 5)), rng.normal(size=(2, 4, 2, 5))
    bias, mask = rng.normal(size=(2, 4, 3, 4)), rng.random((2, 1, 3, 4)) > 0.3
    for kw in ({}, {"bias": bias}, {"mask": mask}, {"is_causal": True}, {"bias": bias, "mask": mask, "is_causal": True}):
        np.testing.assert_allclose(nn.dot_product_attention(q, k, v, **kw),
                                   _np_attention(q, k, v, kw.get("bias"), kw.get("mask"), kw.get("is_causal", False)),
                                   rtol=1e-12, atol=1e-14, err_msg=str(list(kw)))
    np.testing.assert_allclose(nn.dot_product_attention(q[0], k[0], v[0]), _np_attention(q, k, v)[0], rtol=1e-12)
    with pytest.raises(ValueError, match="mask of shape"):
        nn.dot_product_attention(q, k, v, mask=np.ones((3, 3), bool))
    with pytest.raises(ValueError, match="bias of shape"):
        nn.dot_product_attention(q, k, v, bias=np.ones((5, 4)))


def test_nn_compiled_equals_eager():
    """The softmax family, standardize, one_hot, glu and attention traced once, against their eager values."""
    rng = np.random.default_rng(4)
    x = rng.normal(size=(3, 4))
    x[1, 2] = -np.inf
    w = rng.random((3, 4)) > 0.3
    q, k = rng.normal(size=(2, 3, 2, 4)), rng.normal(size=(2, 5, 2, 4))
    c = rng.normal(size=(3, 4))

    def run(x, q, k):
        finite = jnp.where(jnp.isfinite(x), x, 0.0)
        return (nn.softmax(x, axis=(0, 1)), nn.log_softmax(x, axis=0), nn.softmax(x, where=w),
                nn.log_softmax(x, where=w), nn.logsumexp(x, axis=-1, b=np.full((3, 4), 2.0), return_sign=True)[0],
                nn.standardize(finite, axis=0), nn.one_hot(jnp.argmax(finite, axis=1), 4, axis=0),
                nn.glu(finite, axis=-1), nn.dot_product_attention(q, k, k, is_causal=True),
                jaxlike.grad(lambda z: jnp.sum(c * _masked(nn.log_softmax, z)))(x))
    got = jaxlike.compile(run)(x, q, k)
    for i, (g, e) in enumerate(zip(got, run(x, q, k))):
        assert g.shape == e.shape and g.dtype == e.dtype, i
        np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-15, err_msg=str(i))


@pytest.mark.parametrize("call, error, words", [
    (lambda: nn.one_hot(np.arange(3), -1), ValueError, "num_classes"),
    (lambda: nn.one_hot(np.arange(3), 3.0), TypeError, "num_classes"),
    (lambda: nn.one_hot(np.arange(3), 3, axis=(0,)), TypeError, "axis"),
    (lambda: nn.one_hot(np.arange(3), 3, axis=2), ValueError, "axis"),
    (lambda: nn.glu(np.ones((2, 5))), ValueError, "even"),
    (lambda: nn.glu(np.ones(4), axis=0.0), TypeError, "axis"),
    (lambda: nn.softmax(np.ones(3), axis=1), ValueError, "axis"),
    (lambda: nn.dot_product_attention(np.ones((2, 3, 4, 5)), np.ones((2, 4, 3, 5)), np.ones((2, 4, 3, 5))),
     ValueError, "heads"),
    (lambda: nn.initializers.normal()(K5, (2.5, 3)), TypeError, "shape"),
])
def test_nn_bad_arguments_name_themselves(call, error, words):
    with pytest.raises(error, match=words):
        call()


# -- random: keys --------------------------------------------------------------------------------------------
JAX_KEYS = [   # (seed, JAX's PRNGKey of it): a 32-bit seed is its own low word, not sign-extended
    (np.int32(-7), [0, 4294967289]), (np.array(-7, np.int32), [0, 4294967289]), (np.array(5), [0, 5]),
    (np.uint32(4294967295), [0, 4294967295]), (np.int64(-7), [4294967295, 4294967289]), (2 ** 40 + 3, [256, 3])]


def test_keys_from_32_bit_and_0d_seeds_match_jax():
    for seed, want in JAX_KEYS:
        np.testing.assert_array_equal(R.PRNGKey(seed), want, err_msg=repr(seed))
    np.testing.assert_array_equal(R.key_data(R.key(np.array(5))), [0, 5])
    f = jaxlike.compile(R.PRNGKey)
    np.testing.assert_array_equal(f(np.int32(-7)), [0, 4294967289])
    np.testing.assert_array_equal(f(np.int64(-7)), [4294967295, 4294967289])


def test_split_and_fold_in_shapes_and_determinism():
    k = R.PRNGKey(0)
    assert R.split(k, (2, 3)).shape == (2, 3, 2) and R.split(k, 0).shape == (0, 2)
    np.testing.assert_array_equal(R.split(k, (2, 3)).reshape(6, 2), R.split(k, 6))
    np.testing.assert_array_equal(R.split(k, np.int64(3)), R.split(k, 3))
    np.testing.assert_array_equal(R.fold_in(k, np.array(7, np.int32)), R.fold_in(k, 7))
    assert R.key_data(R.split(k, 3)).shape == (3, 2)
    # identical keys, identical draws; different keys, different draws
    a, b = R.split(k)
    for draw in (lambda q: R.normal(q, (5,)), lambda q: R.gamma(q, 2.0, (5,)), lambda q: R.permutation(q, 8)):
        np.testing.assert_array_equal(draw(a), draw(np.array(a)))
        assert not np.array_equal(draw(a), draw(b))


# -- random: shapes, dtypes, errors -----------------------------------------------------------------------------
DRAWS = {   # name: a draw given (key, shape, dtype)
    "uniform": lambda k, s, d: R.uniform(k, s, d), "normal": lambda k, s, d: R.normal(k, s, d),
    "exponential": lambda k, s, d: R.exponential(k, s, d), "laplace": lambda k, s, d: R.laplace(k, s, d),
    "logistic": lambda k, s, d: R.logistic(k, s, d), "gumbel": lambda k, s, d: R.gumbel(k, s, d),
    "truncated_normal": lambda k, s, d: R.truncated_normal(k, -1.0, 2.0, s, d),
    "gamma": lambda k, s, d: R.gamma(k, 2.5, s, d), "beta": lambda k, s, d: R.beta(k, 2.0, 3.0, s, d),
    "dirichlet": lambda k, s, d: R.dirichlet(k, np.array([1.0, 2.0, 3.0]), s, d)[..., 0],
    "multivariate_normal": lambda k, s, d: R.multivariate_normal(k, np.zeros(2), np.eye(2), s, d)[..., 0],
}


@pytest.mark.parametrize("name", sorted(DRAWS))
def test_draw_shapes_and_dtypes(name):
    k = R.PRNGKey(1)
    for shape, want in ((3, (3,)), ((2, 3), (2, 3)), ([2, 3], (2, 3)), ((), ()), ((0,), (0,))):
        assert DRAWS[name](k, shape, None).shape == want, (name, shape)
    for dtype in (np.float32, "float64"):
        assert DRAWS[name](k, (4,), dtype).dtype == np.dtype(dtype)
    assert DRAWS[name](k, (4,), None).dtype == np.float64


def test_integer_draws_shapes_and_dtypes():
    k = R.PRNGKey(2)
    for dtype in (np.int8, np.uint8, np.int32, np.int64, np.uint32):
        got = R.randint(k, 4, 0, 100, dtype)
        assert got.dtype == np.dtype(dtype) and got.shape == (4,)
    assert R.poisson(k, 3.0, (2, 3)).dtype == np.int64 and R.poisson(k, 3.0, 2, np.int32).dtype == np.int32
    assert R.bernoulli(k, np.float32([0.2, 0.7]), (3, 2)).shape == (3, 2)
    assert R.categorical(k, L).dtype == np.int64
    assert R.choice(k, np.arange(24.).reshape(4, 6), (2, 2), axis=1).shape == (4, 2, 2)
    assert R.choice(k, 5, (0,), False).shape == (0,)


def test_parameters_broadcast_against_the_shape():
    """Catches: a parameter larger than ``shape`` silently growing the draw (JAX raises)."""
    k = R.PRNGKey(3)
    got = R.uniform(k, (2, 3), minval=np.array([0., 1., 2.]), maxval=np.array([[5.], [6.]]))
    assert got.shape == (2, 3) and np.all(got >= [0, 1, 2]) and np.all(got < [[5.], [6.]])
    got = R.randint(k, (2, 3), np.array([0, 10, 20]), np.array([[50], [100]]))
    assert got.shape == (2, 3) and np.all(got >= [0, 10, 20]) and np.all(got < [[50], [100]])
    assert R.truncated_normal(k, np.array([-1., 0.]), 2.0).shape == (2,)
    assert R.lognormal(k, np.array([0.5, 1.0]), (3, 2)).shape == (3, 2)
    assert R.weibull_min(k, np.array([1.0, 2.0]), 2.0).shape == (2,)
    assert R.double_sided_maxwell(k, np.zeros(3), 1.0).shape == (3,)
    assert R.multivariate_normal(k, np.zeros((2, 3)), np.eye(3), (4, 2)).shape == (4, 2, 3)


@pytest.mark.parametrize("call, error, words", [
    (lambda k: R.uniform(k, (3,), minval=np.zeros((2, 3))), ValueError, "minval of shape"),
    (lambda k: R.uniform(k, (2,), maxval=np.ones(3)), ValueError, "maxval of shape"),
    (lambda k: R.randint(k, (2,), np.array([0, 10, 20]), 50), ValueError, "minval of shape"),
    (lambda k: R.bernoulli(k, np.array([0.1, 0.9, 0.5]), (2,)), ValueError, "p of shape"),
    (lambda k: R.truncated_normal(k, np.array([-1., 0.]), 2.0, (3,)), ValueError, "lower of shape"),
    (lambda k: R.lognormal(k, np.ones(3), (2,)), ValueError, "sigma of shape"),
    (lambda k: R.triangular(k, 0.0, np.full(3, .5), 1.0, (2,)), ValueError, "mode of shape"),
    (lambda k: R.double_sided_maxwell(k, np.zeros(3), 1.0, (2,)), ValueError, "loc of shape"),
    (lambda k: R.multivariate_normal(k, np.zeros((2, 3)), np.eye(3), (4,)), ValueError, "mean"),
    (lambda k: R.normal(k, (2.0,)), TypeError, "shape"),
    (lambda k: R.normal(k, None), TypeError, "shape"),
    (lambda k: R.split(k, 2.0), TypeError, "num"),
    (lambda k: R.split(np.array([0, 0])), TypeError, "key"),
    (lambda k: R.normal(R.split(k), (2,)), TypeError, "key"),
    (lambda k: R.fold_in(k, np.array([7, 8])), TypeError, "data"),
    (lambda k: R.PRNGKey(1.0), TypeError, "seed"),
    (lambda k: R.PRNGKey(np.array([5])), TypeError, "seed"),
    (lambda k: R.categorical(k, L, axis=2), ValueError, "axis"),
    (lambda k: R.categorical(k, 1.0), ValueError, "logits"),
    (lambda k: R.categorical(k, L, shape=(2, 3)), ValueError, "logits"),
    (lambda k: R.categorical(k, L, shape=(4, 2), replace=False), ValueError, "without replacement"),
    (lambda k: R.choice(k, 5, (3,), p=np.ones(4) / 4), ValueError, "p must"),
    (lambda k: R.choice(k, 0, (2,)), ValueError, "greater than 0"),
    (lambda k: R.choice(k, 3.0, (2,)), TypeError, "integer"),
    (lambda k: R.choice(k, np.ones((2, 3)), (2,), axis=2), ValueError, "axis"),
    (lambda k: R.choice(k, 5, (6,), False), ValueError, "without replacement"),
    (lambda k: R.permutation(k, 5.0), TypeError, "integer"),
    (lambda k: R.permutation(k, np.ones((2, 3)), axis=-3), ValueError, "axis"),
    (lambda k: R.permutation(k, np.ones(3), axis=0.0), TypeError, "axis"),
])
def test_random_bad_arguments_name_themselves(call, error, words):
    with pytest.raises(error, match=words):
        call(R.PRNGKey(0))


# -- random: JAX's draws where jaxlike claims them, distributions elsewhere --------------------------------------
@pytest.mark.parametrize("axis, shape, replace, want", JAX_CATEGORICAL)
def test_categorical_matches_jax(axis, shape, replace, want):
    """Catches: the Gumbel noise drawn in another layout than JAX's (other values for the same key), and a
    without-replacement draw reshaped in the wrong order."""
    np.testing.assert_array_equal(R.categorical(K5, L, axis, shape, replace=replace), want)


def test_choice_with_probabilities_matches_jax():
    a = np.arange(24).reshape(4, 6)
    p6 = np.arange(1., 7.) / 21
    np.testing.assert_array_equal(R.choice(K5, 5, (6,), p=np.array([.1, .2, .3, .2, .2])), JAX_CHOICE["int a, p"])
    np.testing.assert_array_equal(R.choice(K5, a, (2, 2), True, p6, 1), JAX_CHOICE["array a, axis 1, p"])
    np.testing.assert_array_equal(R.choice(K5, a, (3,), False, p6, 1), JAX_CHOICE["array a, axis 1, p, no replace"])
    # NOTE: integer weights are promoted to floats, as JAX's
    np.testing.assert_array_equal(R.choice(K5, 3, (5,), p=np.array([1, 1, 2])), JAX_CHOICE["int p"])
    np.testing.assert_array_equal(R.choice(K5, np.array(4), (3,)), R.choice(K5, 4, (3,)))


def test_categorical_and_choice_frequencies():
    """The without-replacement draws' first picks follow p, later ones never repeat an earlier pick."""
    n = 4000
    p = np.array([0.1, 0.2, 0.3, 0.4])
    first = np.asarray(R.categorical(R.PRNGKey(7), np.log(np.tile(p, (n, 1))), shape=(2, n), replace=False))
    assert np.all(first[0] != first[1])
    freq = np.bincount(first[0], minlength=4) / n
    assert np.all(np.abs(freq - p) < 4 * np.sqrt(p * (1 - p) / n)), freq
    draws = np.asarray(R.choice(R.PRNGKey(8), 4, (n,), p=p))
    freq = np.bincount(draws, minlength=4) / n
    assert np.all(np.abs(freq - p) < 4 * np.sqrt(p * (1 - p) / n)), freq
    no_rep = np.asarray(R.choice(R.PRNGKey(9), 10, (10,), replace=False, p=np.full(10, 0.1)))
    assert sorted(no_rep.tolist()) == list(range(10))
    assert set(np.asarray(R.choice(R.PRNGKey(9), 3, (500,), p=np.array([0., 1., 0.]))).tolist()) == {1}


def test_permutation_independent():
    """Catches: ``independent`` missing, or permuting every vector the same way."""
    x = np.arange(200).reshape(20, 10)
    shared = np.asarray(R.permutation(R.PRNGKey(1), x, axis=1))
    assert np.all(np.diff(shared - shared[:1], axis=0) == 10)   # every row moved alike
    for axis in (1, -1, 0):
        got = np.asarray(R.permutation(R.PRNGKey(1), x, axis=axis, independent=True))
        np.testing.assert_array_equal(np.sort(got, axis=axis), x)
        order = np.argsort(got, axis=axis)
        assert len({tuple(v) for v in np.moveaxis(order, axis, -1).reshape(-1, x.shape[axis])}) > 1
    # each position of a length-3 vector gets each value a third of the time
    got = np.asarray(R.permutation(R.PRNGKey(2), np.tile(np.arange(3), (3000, 1)), axis=1, independent=True))
    share = np.stack([(got == v).mean(0) for v in range(3)])
    assert np.all(np.abs(share - 1 / 3) < 0.04), share


MOMENTS = [   # name, draw of 20000 from PRNGKey(11), scipy distribution
    ("uniform", lambda k, n: R.uniform(k, (n,), minval=-1.0, maxval=3.0), stats.uniform(-1, 4)),
    ("normal", lambda k, n: R.normal(k, (n,)), stats.norm()),
    ("exponential", lambda k, n: R.exponential(k, (n,)), stats.expon()),
    ("laplace", lambda k, n: R.laplace(k, (n,)), stats.laplace()),
    ("logistic", lambda k, n: R.logistic(k, (n,)), stats.logistic()),
    ("truncated_normal", lambda k, n: R.truncated_normal(k, -0.5, 1.5, (n,)), stats.truncnorm(-0.5, 1.5)),
    ("gamma", lambda k, n: R.gamma(k, 0.7, (n,)), stats.gamma(0.7)),
    ("beta", lambda k, n: R.beta(k, 2.0, 0.5, (n,)), stats.beta(2.0, 0.5)),
    ("dirichlet", lambda k, n: R.dirichlet(k, np.array([2.0, 0.5, 1.0]), (n,))[:, 0], stats.beta(2.0, 1.5)),
    ("poisson", lambda k, n: R.poisson(k, 4.5, (n,)), stats.poisson(4.5)),
]


@pytest.mark.parametrize("name, draw, dist", MOMENTS, ids=[m[0] for m in MOMENTS])
def test_moments(name, draw, dist):
    n = 20000
    x = np.asarray(draw(R.PRNGKey(11), n), np.float64)
    mean, var = dist.mean(), dist.var()
    assert abs(x.mean() - mean) < 5 * np.sqrt(var / n), (x.mean(), mean)
    assert abs(x.var() / var - 1) < 0.06, (x.var(), var)


def test_multivariate_normal_values_and_derivative_match_jax():
    """Catches: a covariance derivative confined to cov's lower triangle (JAX symmetrizes cov first)."""
    m = np.array([0.1, -0.2, 0.3])
    c = np.array([[2., 0.3, 0.1], [0.3, 1., 0.2], [0.1, 0.2, 1.5]])
    np.testing.assert_allclose(R.multivariate_normal(K5, m, c, (4,)),
                               m + R.normal(K5, (4, 3)) @ np.linalg.cholesky(c).T, rtol=1e-13)
    gm, gc = jaxlike.grad(lambda a, b: jnp.sum(R.multivariate_normal(K5, a, b, (4,)) ** 2), argnums=(0, 1))(m, c)
    np.testing.assert_allclose(gm, JAX_MVN_GRAD[0], rtol=1e-11)
    np.testing.assert_allclose(gc, np.reshape(JAX_MVN_GRAD[1], (3, 3)), rtol=1e-11)


def test_random_compiled_equals_eager():
    """The draws above traced once with a traced key, against their eager values for the same key (the
    rejection-sampled families' compiled loops are test_random_gamma's: they would triple this file's time)."""
    p = np.array([0.1, 0.2, 0.3, 0.4])

    def run(k):
        ks = R.split(k, 8)
        return (R.uniform(ks[0], (2, 3), minval=np.array([0., 1., 2.]), maxval=4.0),
                R.randint(ks[1], (5,), -3, 9), R.bernoulli(ks[2], np.array([0.2, 0.8]), (3, 2)),
                R.categorical(ks[3], L, shape=(4, 2)), R.categorical(ks[3], L, 0, (2, 3), replace=False),
                R.choice(ks[4], 4, (6,), p=p), R.choice(ks[4], 4, (3,), False, p),
                R.permutation(ks[5], np.arange(12).reshape(3, 4), 1, independent=True),
                R.truncated_normal(ks[6], -1.0, np.array([0.5, 2.0])), R.laplace(ks[7], (3,)),
                R.logistic(ks[7], (3,), np.float32), R.exponential(ks[6], (2,)), R.fold_in(k, 3),
                R.multivariate_normal(ks[0], np.zeros(2), np.array([[2., .5], [.5, 1.]]), (3,)))
    key = R.PRNGKey(21)
    for i, (g, e) in enumerate(zip(jaxlike.compile(run)(key), run(key))):
        assert g.shape == e.shape and g.dtype == e.dtype, i
        np.testing.assert_allclose(g, e, rtol=1e-6 if e.dtype == np.float32 else 1e-13, err_msg=str(i))
