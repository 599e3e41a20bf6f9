"""jaxlike.scipy.special's gamma family against scipy.special (poles, signs, overflow, half-integers), exact
identities where scipy itself rounds, and derivatives to second order against finite differences.

What it catches: a reflection formula with the wrong sign between the negative integers, a pole returned as
a number, betaln cancelling its digits when one argument is large (scipy's own is off by 2e-11 there), the
Hurwitz zeta's Euler-Maclaurin tail truncated, polygamma's sign or factorial, a reflection whose derivatives
divide by tan's pole at the half-integers.
"""

import math

import numpy as np
import pytest
import scipy.special as S

import jaxlike
import jaxlike.numpy as jnp
import jaxlike.scipy.special as J
from jaxlike.test_util import check_grads

X = np.array([-2.5, -2.0, -1.5, -1.0, -0.5, -0.0, 0.0, 1e-8, 0.5, 1, 2, 3.5, 7.9, 8.1, 30.0, 171.5, 171.7, 1e5,
              1e300, np.inf, np.nan])


def _close(got, want, rtol, what):
    got = np.asarray(got)
    same = (np.isnan(got) & np.isnan(want)) | (got == want)
    np.testing.assert_allclose(np.where(same, 0, got), np.where(same, 0, want), rtol=rtol, atol=2e-15, err_msg=what)


def _traced(fn):
    return jaxlike.compile(fn, mode="FAST_COMPILE")


@pytest.mark.parametrize("name, rtol", [("gammasgn", 0), ("gamma", 2e-13), ("gammaln", 1e-14), ("digamma", 1e-14)])
def test_one_argument(name, rtol):
    with np.errstate(all="ignore"):
        want = getattr(S, name)(X)
    if name == "digamma":
        want = np.where(X == 0, np.nan, want)      # JAX's NaN at the pole; scipy's -inf is the limit from above
    _close(_traced(getattr(J, name))(X), want, rtol, name)
    _close(getattr(J, name)(X), want, rtol, name + " eager")


A = np.array([0.5, 1, 2.5, 10, 1e3, 1e10, 1e-5])
B = np.array([1.5, 1e10, 0.3, 20, 1e3, 1, 2.0])


def test_beta_and_betaln():
    _close(_traced(J.betaln)(A, B), S.betaln(A, B), 1e-14, "betaln")
    _close(_traced(J.beta)(A[:5], B[:5]), S.beta(A[:5], B[:5]), 1e-13, "beta")
    _close(J.beta(np.array([-0.5, -1.5]), np.array([1.5, 0.7])), S.beta(np.array([-0.5, -1.5]), np.array([1.5, 0.7])),
           1e-13, "beta of negative arguments")
    n = 10 ** 6      # B(3, n) = 2 / (n (n + 1) (n + 2)) exactly
    exact = math.log(2) - math.log(n) - math.log(n + 1) - math.log(n + 2)
    assert float(J.betaln(3.0, 1e6)) == pytest.approx(exact, rel=1e-15)


def test_counting_functions():
    with np.errstate(all="ignore"):
        n = np.array([-1.0, 0, 1, 5, 20, 170, 3.5])
        _close(_traced(J.factorial)(n), S.factorial(n), 1e-12, "factorial")
        N, k = np.array([5, 5.5, -1, 10, 60, 3, 1000]), np.array([2, 2, 2, 11, 30, -1, 500.0])
        _close(_traced(J.comb)(N, k), S.comb(N, k), 1e-12, "comb")
        assert float(J.comb(30.0, 15.0)) == float(math.comb(30, 15))        # integers round to the integer
        _close(J.comb(5.0, 2.0, repetition=True), S.comb(5, 2, repetition=True), 0, "comb with repetition")
        z, m = np.array([-2.5, 3.0, 0.5]), np.array([2.0, 1.5, 4])
        _close(_traced(J.poch)(z, m), S.poch(z, m), 1e-14, "poch")
        _close(_traced(lambda a: J.multigammaln(a, 3))(np.array([2.0, 5.5])), S.multigammaln(np.array([2.0, 5.5]), 3),
               1e-14, "multigammaln")


def test_zeta_and_polygamma():
    xs = np.array([1.0, 1.5, 2.0, 3.0, 10.0, 50.0, 2.0, 2.0, 0.5])
    qs = np.array([1.0, 1.0, 1.0, 0.3, 2.0, 1.0, 1e-3, 1e4, 2.0])
    with np.errstate(all="ignore"):
        _close(_traced(J.zeta)(xs, qs), S.zeta(xs, qs), 1e-15, "hurwitz zeta")
        _close(J.zeta(xs[:6]), S.zeta(xs[:6]), 1e-15, "riemann zeta")
    x = np.array([0.1, 0.5, 1.0, 3.3, 20.0])
    for n in [0, 1, 2, 3, 6]:
        _close(_traced(lambda v: J.polygamma(n, v))(x), S.polygamma(n, x), 1e-14, f"polygamma {n}")
    orders = np.array([0, 1, 2, 3, 1])
    _close(J.polygamma(orders, x), S.polygamma(orders, x), 1e-14, "polygamma of an array of orders")


@pytest.mark.parametrize("name, args", [
    ("gammaln", (np.array([-2.5, 0.3, 1.5, 7.9, 8.1, 30.0]),)),
    ("digamma", (np.array([-2.5, -0.7, 0.3, 1.5, 7.9, 8.1, 30.0]),)),
    ("gamma", (np.array([-1.5, 0.4, 3.0]),)),
    ("betaln", (np.array([0.5, 3.0, 20.0]), np.array([2.0, 10.0, 1e3]))),
    ("poch", (np.array([0.7, 2.5]), np.array([1.5, 3.0]))),
])
def test_derivatives(name, args):
    check_grads(getattr(J, name), args, order=2)


def test_derivatives_match_the_next_function():
    """d gammaln = digamma, d digamma = polygamma(1), d zeta(s, q) / dq = -s zeta(s + 1, q)."""
    x = np.array([-2.5, 0.3, 4.0, 12.0])
    np.testing.assert_allclose(jaxlike.vmap(jaxlike.grad(J.gammaln))(x), S.digamma(x), rtol=1e-13)
    np.testing.assert_allclose(jaxlike.vmap(jaxlike.grad(J.digamma))(x), S.polygamma(1, x), rtol=1e-12)
    q = np.array([0.3, 2.0, 15.0])
    np.testing.assert_allclose(jaxlike.vmap(jaxlike.grad(lambda v: J.zeta(2.5, v)))(q), -2.5 * S.zeta(3.5, q), rtol=1e-13)


def test_gammaln_derivative_at_the_poles_and_gamma_past_its_overflow():
    """Catches: gammaln's derivative taken from its composite, which is 0 at the poles (a constant inf
    branch) where JAX's, digamma, is NaN, and gamma's NaN past 171.6 where Gamma overflows (the derivative
    Gamma * digamma is inf there)."""
    for run in (jaxlike.grad(J.gammaln), jaxlike.compile(jaxlike.grad(J.gammaln), mode="FAST_COMPILE")):
        assert all(np.isnan(run(x)) for x in (0.0, -1.0, -4.0))
        assert run(2.5) == pytest.approx(S.digamma(2.5), rel=1e-13)
        assert run(-1.5) == pytest.approx(S.digamma(-1.5), rel=1e-13)
    assert jaxlike.grad(J.gamma)(171.7) == np.inf
    assert jaxlike.grad(jaxlike.grad(J.gammaln))(2.5) == pytest.approx(S.polygamma(1, 2.5), rel=1e-12)


def test_compiled_and_errors():
    f = jaxlike.compile(lambda a, b: (J.betaln(a, b), J.digamma(a), jnp.sum(J.gammaln(b))))
    a, b = np.array([0.5, 3.0]), np.array([2.0, 40.0])
    got = f(a, b)
    np.testing.assert_allclose(got[0], S.betaln(a, b), rtol=1e-14)
    np.testing.assert_allclose(got[1], S.digamma(a), rtol=1e-14)
    assert np.isclose(got[2], np.sum(S.gammaln(b)), rtol=1e-14)
    with pytest.raises(TypeError, match="real arguments"):
        J.gammaln(np.array([1 + 1j]))
    with pytest.raises(NotImplementedError, match="exact=True"):
        J.factorial(3, exact=True)
    with pytest.raises(ValueError, match="d must be a positive int"):
        J.multigammaln(2.0, 0)
    with pytest.raises(TypeError, match="concrete non-negative integer"):
        _traced(lambda n, x: J.polygamma(n, x))(np.int64(1), 2.0)


def test_gammaln_is_exact_at_1_and_2_and_relatively_accurate_near_them():
    """Catches: the shift to x + 8 leaving lgamma(2) = 1.8e-15 and an absolute, not relative, error near the
    zeros (scipy's own loses 4 digits at 2 - 1e-12)."""
    assert float(J.gammaln(1.0)) == 0.0 and float(J.gammaln(2.0)) == 0.0
    for z in [1e-10, -3e-9, 1e-6]:
        for centre, slope in [(1.0, -np.euler_gamma), (2.0, 1 - np.euler_gamma)]:
            zz = (centre + z) - centre                       # the z the float centre + z really holds
            want = slope * zz + (np.pi ** 2 / 12 - 0.5 * (centre == 2.0)) * zz * zz   # (zeta(2) - [c = 2]) / 2
            assert float(J.gammaln(centre + z)) == pytest.approx(want, rel=1e-12, abs=0)


def test_comb_and_poch_keep_their_digits_for_large_arguments():
    """Catches: comb and poch as exp(gammaln(a) - gammaln(b)) of two nearly equal large log-gammas
    (comb(1e10, 1) was 9999974587, comb(1e300, 1) and poch(1e300, 1) were 1), poch(z, 0) NaN at the poles
    (scipy: 1), comb's gradient zeroed by its rounding to integers, and a float32 comb returning float64."""
    n = np.array([1e10, 1e300, 50.0, 60.0, 5.0, 1e5])
    k = np.array([1.0, 1.0, 25.0, 30.0, 2.0, 3.0])
    _close(J.comb(n, k), S.comb(n, k), 1e-13, "comb")
    assert J.comb(np.float32([5.0]), np.float32([2.0])).dtype == np.float32
    assert np.isclose(jaxlike.grad(lambda v: J.comb(v, 2.0))(10.0), 9.5, rtol=1e-12)     # d/dn n (n - 1) / 2
    z = np.array([1e10, 1e10, 1e300, 1e10, 2.5, 5.0, 0.0, -1.0, np.nan])
    m = np.array([1.0, 0.5, 1.0, -1.0, 3.0, -2.5, 0.0, 0.0, 0.0])
    _close(J.poch(z, m), S.poch(z, m), 1e-13, "poch")
    check_grads(J.poch, (np.array([2.5, 30.0, 1e3, 5.0]), np.array([1.5, 2.0, 0.5, -2.5])), order=2)


def test_zeta_at_huge_orders_and_at_the_poles_of_q():
    """Catches: the Euler-Maclaurin rising factorial overflowing (inf * 0 = NaN) for a huge x (zeta(1e300, 1)
    and zeta(inf, 1) are 1), and q = 0, -1, ... given NaN where one term is 0^-x = inf for an even x (scipy
    and JAX); for an odd or non-integer x, whose pole changes sign, it is NaN as JAX's (scipy gives inf)."""
    x = np.array([1e300, np.inf, 2.0, 1.0, 2.0, 4.0, 2.0, 1.0, 1.0])
    q = np.array([1.0, 1.0, 0.0, -1.0, 1e300, -3.0, -np.inf, -0.5, np.nan])
    _close(J.zeta(x, q), S.zeta(x, q), 1e-15, "zeta")
    odd = J.zeta(np.array([3.5, 3.0, 3.0, 1.5, 5.0]), np.array([-2.0, 0.0, -1.0, -1.0, -np.inf]))
    assert np.all(np.isnan(odd)), odd


# Negative non-integers: at half-integers, near the poles on both sides, and far out (where JAX's polygamma
# has no correct digit: its Euler-Maclaurin tail starts at q + 9 < 0)
NEG = np.array([-0.5, -1.5, -2.3, -0.1, -7.25, -20.6, -3 + 1e-9, -3 - 1e-9, -1e-300, -1e6 - 0.25, -123.456])


def _zeta_shifted(s, q):
    """zeta(s, q) for q < 0 as the exactly rounded sum (fsum) of the terms up to the first after the poles and
    scipy's zeta(s, q + m) (q + m in (1, 2): no large term left to cancel): scipy's own sum loses up to 2e-13
    where they cancel (polygamma(4, -1.5))."""
    m = int(np.ceil(-q)) + 1
    with np.errstate(all="ignore"):
        terms = (q + np.arange(m)) ** -float(s)
    if not np.all(np.isfinite(terms)):
        return float(np.sum(terms))
    return math.fsum(list(terms) + [S.zeta(s, q + m)])


def _polygamma_shifted(n, x):
    return np.array([(-1.0) ** (n + 1) * math.factorial(n) * _zeta_shifted(n + 1, v) for v in x])


def test_polygamma_and_zeta_at_negative_non_integers():
    """Catches: NaN for x < 0 (the Euler-Maclaurin sum used only for q > 0), a shift to positive q with a
    wrong sign for odd orders, the digits of the nearest term lost to q + m rounding, and the two terms
    nearest the poles left in the sums, which cancel at the half-integers (200 ulp in polygamma(4, -0.5))."""
    # trigamma(-1/2) = pi^2 / 2 + 4 (reflection); scipy's 8.934802200544704 is 3e-15 off, JAX's 2e-16
    assert float(J.polygamma(1, -0.5)) == pytest.approx(np.pi ** 2 / 2 + 4, rel=4e-16)
    run = _traced(lambda v: [J.polygamma(n, v) for n in (1, 2, 3, 4, 6)])
    for n, got in zip((1, 2, 3, 4, 6), run(NEG)):
        _close(got, _polygamma_shifted(n, NEG), 1e-14, f"polygamma {n} of negative x")
        _close(got, S.polygamma(n, NEG), 1e-10, f"polygamma {n} against scipy (6e-12 off at -1.5, n = 6)")
    want = [_polygamma_shifted(n, [v])[0] for n, v in zip((1, 2, 3), NEG[:3])]
    _close(J.polygamma(np.array([1, 2, 3]), NEG[:3]), np.array(want), 1e-14, "polygamma of an array of orders")
    s = np.array([2.0, 3.0, 4.0, 7.0])
    q = np.array([-0.3, -4.7, -1e6 - 0.25, -2.5])
    _close(J.zeta(s, q), np.array([_zeta_shifted(*a) for a in zip(s, q)]), 1e-14, "hurwitz zeta of negative q")
    assert np.all(np.isnan(J.zeta(np.array([2.5, 1.5, 0.5]), -0.5)))      # complex terms: NaN, as scipy's and JAX's
    assert J.polygamma(1, np.float32(-0.5)).dtype == np.float32
    assert float(J.polygamma(1, np.float32(-0.5))) == pytest.approx(np.pi ** 2 / 2 + 4, rel=1e-7)


def test_digamma_gradient_at_the_poles_and_zeta_gradient_at_negative_q():
    """Catches: digamma's derivative taken from its composite, 0 at the poles (a constant NaN branch) where
    polygamma(1) and JAX's are inf, and d zeta(s, q) / dq = -s zeta(s + 1, q) broken for q < 0."""
    poles = np.array([0.0, -1.0, -2.0])
    for run in (jaxlike.vmap(jaxlike.grad(J.digamma)), _traced(jaxlike.vmap(jaxlike.grad(J.digamma)))):
        assert np.all(run(poles) == np.inf), run(poles)
        np.testing.assert_allclose(run(NEG[:6]), S.polygamma(1, NEG[:6]), rtol=1e-13)
    dq = jaxlike.vmap(jaxlike.grad(lambda v: J.zeta(3.0, v)))(NEG[:6])
    np.testing.assert_allclose(dq, -3.0 * S.zeta(4.0, NEG[:6]), rtol=1e-13)


def test_second_derivative_of_digamma_is_the_next_polygamma_at_the_poles():
    """Catches: polygamma(k, x)'s derivative taken through the zeta composite, 0 at the poles (a constant
    branch), so grad(grad(digamma)) was 0 there where polygamma(2) and JAX's are NaN; and d polygamma(k) / dx
    is polygamma(k + 1) elsewhere."""
    second = jaxlike.vmap(jaxlike.grad(jaxlike.grad(J.digamma)))
    assert np.all(np.isnan(second(np.array([0.0, -1.0, -3.0]))))
    x = np.array([0.3, 2.5, -1.5, 7.25])
    np.testing.assert_allclose(second(x), S.polygamma(2, x), rtol=1e-13)
    third = jaxlike.vmap(jaxlike.grad(lambda v: J.polygamma(2, v)))
    np.testing.assert_allclose(third(x), S.polygamma(3, x), rtol=1e-13)
    assert np.all(third(np.array([0.0, -2.0])) == np.inf)


def test_betaln_of_a_negative_argument_against_a_large_one():
    """Catches: the cancelling form gammaln(a) + gammaln(b) - gammaln(a + b) used for a < 0 next to a large b
    (betaln(-2.5, 1e300) was 0, not 1726.88)."""
    a, b = np.array([-2.5, -2.5, 1e10, -0.5]), np.array([1e300, 1e10, -2.5, 20.0])
    _close(J.betaln(a, b), S.betaln(a, b), 1e-14, "betaln")
    _close(J.beta(a, b), S.beta(a, b), 1e-12, "beta")


def test_divergences_and_huber_losses_at_special_values():
    """Catches: rel_entr, kl_div and entr answering inf or -inf for a NaN operand (a support test alone;
    scipy gives NaN), and pseudo_huber's delta^2 (sqrt(1 + (r/delta)^2) - 1) cancelling to 0 (delta = 1e10,
    r = 1: 0.5) or overflowing to NaN (delta = 1e300, r = 0: 0)."""
    x = np.array([np.nan, 1.0, np.nan, 0.0, 2.0])
    y = np.array([1.0, np.nan, np.nan, 1.0, 0.5])
    for name in ["rel_entr", "kl_div"]:
        _close(getattr(J, name)(x, y), getattr(S, name)(x, y), 1e-15, name)
    _close(J.entr(np.array([np.nan, 0.0, -1.0, 0.5])), S.entr(np.array([np.nan, 0.0, -1.0, 0.5])), 1e-15, "entr")
    delta = np.array([1e10, 1e300, 1.0, 2.0, 1.0, 0.0, -1.0, 3.0, 1e-3])
    r = np.array([1.0, 0.0, 1e300, 0.5, np.inf, 1.0, 1.0, -7.0, 5.0])
    want = np.array([0.5, 0.0, 1e300, 4 * (np.sqrt(1 + 1 / 16) - 1), np.inf, 0.0, np.inf, 9 * (np.sqrt(1 + 49 / 9) - 1),
                     1e-6 * (np.sqrt(1 + 25e6) - 1)])
    _close(J.pseudo_huber(delta, r), want, 1e-14, "pseudo_huber")
    fn = jaxlike.compile(J.pseudo_huber, mode="FAST_COMPILE")
    assert fn(np.float32(1e10), np.float32(1.0)).dtype == np.float32
    check_grads(J.pseudo_huber, (np.array([0.5, 2.0, 1.0, 3.0]), np.array([1.0, 0.3, -4.0, 0.0])), order=2)


def test_erfinv_gradient_at_zero_and_float32_log_gamma_accuracy():
    """Catches: erfinv built on abs(y), whose derivative 0 at y = 0 made erfinv's gradient 0 there instead of
    sqrt(pi) / 2; and float32 gammaln/digamma computed in float32 through the shift and reflection formulas,
    which cancel digits near lgamma's zeros (gammaln(2.5) 8e-6 off, gammaln(-2.5) 2e-5 off; JAX is within
    3e-6)."""
    assert np.isclose(jaxlike.grad(J.erfinv)(0.0), math.sqrt(math.pi) / 2, rtol=1e-14)
    assert np.isclose(jaxlike.grad(J.ndtri)(0.5), math.sqrt(2 * math.pi), rtol=1e-14)
    x = np.float32([-2.5, 2.5, 7.9, -30.7, 0.3, 3.7, 1.5])
    fn = jaxlike.compile(lambda v: (J.gammaln(v), J.digamma(v), J.gamma(v)), mode="FAST_COMPILE")
    for got, want in zip(fn(x), (S.gammaln(x.astype(float)), S.digamma(x.astype(float)), S.gamma(x.astype(float)))):
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, want.astype(np.float32), rtol=3e-7)


# (x, y) -> (xlogy, its derivatives in x and y): JAX's values, log(y) and x / y, except at (0, 0), where JAX's
# are -inf and NaN and ours stay 0 so that a select around xlogy (entr) keeps a finite gradient
XLOGY = [((0.0, 0.3), (0.0, np.log(0.3), 0.0)), ((0.0, 2.0), (0.0, np.log(2.0), 0.0)),
         ((-0.0, 0.3), (0.0, np.log(0.3), -0.0)), ((0.0, 0.0), (0.0, 0.0, 0.0)),
         ((1.5, 0.3), (1.5 * np.log(0.3), np.log(0.3), 5.0)), ((2.0, 0.0), (-np.inf, -np.inf, np.inf)),
         ((0.0, np.nan), (np.nan, np.nan, np.nan))]


def _same_signs(got, want, what):
    """``_close`` to 1e-15, with the sign of every zero and infinity."""
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    _close(got, want, 1e-15, what)
    edge = (want == 0) | np.isinf(want)
    assert np.array_equal(np.signbit(got[edge]), np.signbit(want[edge])), f"{what}: got {got!r}, want {want!r}"


def test_xlogy_and_xlog1py_are_plus_zero_at_x_zero_compiled_and_eager():
    """Catches: 0 * log(y < 1) = -0.0 made +0.0 by `+ 0.0`, which the simplifier's x + 0 -> x rule removes
    when compiled (xlogy(0, 0.3) was -0.0 there; scipy and JAX give 0.0); a select on x == 0 taking away the
    derivative log(y) in x there; xlogy(0, NaN) = 0 (scipy and JAX give NaN)."""
    x = np.array([p[0][0] for p in XLOGY])
    y = np.array([p[0][1] for p in XLOGY])
    want = np.array([p[1] for p in XLOGY]).T

    def both(x, y):
        gx, gy = jaxlike.grad(lambda a, b: jnp.sum(J.xlogy(a, b)), argnums=(0, 1))(x, y)
        hx, hy = jaxlike.grad(lambda a, b: jnp.sum(J.xlog1py(a, b)), argnums=(0, 1))(x, y - 1.0)
        return J.xlogy(x, y), gx, gy, J.xlog1py(x, y - 1.0), hx, hy

    for run, how in ((jaxlike.compile(both), "compiled"), (both, "eager")):
        got = run(x, y)
        for k, name in enumerate(["xlogy", "d/dx", "d/dy"]):
            _same_signs(got[k], want[k], f"{how} {name}")
            _same_signs(got[k + 3], want[k], f"{how} xlog1py {name}")
    assert J.xlogy(np.float32(0.0), 0.3).dtype == np.float32
    assert np.signbit(J.xlog1py(0.0, -0.5)) == np.False_


def test_digamma_gradient_is_inf_at_tiny_arguments():
    """Catches: the reflection's pi cos(pi f) / sin(pi f), whose derivative at f = 1e-300 summed two overflowing
    terms of opposite sign (NaN; JAX's trigamma 1/x^2 is inf), and the integer of x - rint(x), whose zero
    derivative multiplied that infinite cotangent by 0 (NaN again); elsewhere the gradient stays trigamma."""
    tiny = np.array([1e-300, -1e-300, 1e-160, 5e-324, -5e-324])
    x = np.concatenate([tiny, [1e-150, -1e-150, 1e-8, -3 + 1e-12, -3 - 1e-12, -2.5, -0.7, 0.3, 6.9, 1e8, 1e200],
                        np.linspace(-6.95, 6.95, 41)])
    want = S.polygamma(1, x)
    for run in (jaxlike.vmap(jaxlike.grad(J.digamma)), _traced(jaxlike.vmap(jaxlike.grad(J.digamma)))):
        got = run(x)
        assert np.all(got[:len(tiny)] == np.inf), got[:len(tiny)]
        np.testing.assert_allclose(got[len(tiny):], want[len(tiny):], rtol=1e-10)


def test_derivatives_at_domain_edges_are_infinite():
    """Catches: erfinv' at +-1 and entr' at 0 computed as 0 (the edge values came from constants under a
    select) where -(1 + log 0) and sqrt(pi)/2 exp(inf) are +inf, as JAX gives."""
    for f in (jaxlike.grad(J.erfinv), jaxlike.compile(jaxlike.grad(J.erfinv))):
        assert f(1.0) == np.inf and f(-1.0) == np.inf
        assert np.isclose(f(0.5), math.sqrt(math.pi) / 2 * math.exp(S.erfinv(0.5) ** 2), rtol=1e-13)
    assert jaxlike.grad(J.entr)(0.0) == np.inf
    assert np.isclose(jaxlike.grad(J.entr)(2.0), -(1 + math.log(2.0)), rtol=1e-14)
    assert jaxlike.grad(J.erfinv)(np.float32(0.25)).dtype == np.float32
    check_grads(J.erfinv, (np.array([-0.7, 0.1, 0.9]),), order=2)
