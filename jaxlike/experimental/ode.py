"""``jax.experimental.ode.odeint``: adaptive Dormand-Prince (RK45) integration of ``dy/dt = func(y, t, *args)``
over a pytree state, with the solution read off a 4th-order interpolant at the requested times, and reverse-mode
derivatives by the adjoint method (the augmented system integrated backwards in time, Appendix C of
arXiv:1806.07366).

The algorithm and its constants are JAX's (``jax/experimental/ode.py``), so results agree to rounding. The
steps are a ``lax.while_loop``, whose length depends on values and which therefore has no reverse mode of its
own: the derivative is a ``custom_vjp``. A custom VJP here may not read traced values it does not take as
arguments, so ``func``'s traced closures are found by tracing it once and handed to the solver as extra
arguments (JAX's ``closure_convert``); they get derivatives like ``args``. A front-end module."""

import numbers
import operator

import numpy as np

from .. import pytree
from .. import numpy as jnp
from .. import lax
from ..api import vjp
from ..custom_derivatives import custom_vjp
from ..flatten_util import ravel_pytree
from ..core import effects
from ..core.graph import Var, as_var, substitute
from ..core.types import TensorType, type_of_value
from ..control.body import traced_free
from ..numpy import _array

__all__ = ["odeint"]

# Dormand-Prince tableau, its 5th-order weights, the weights' difference from the embedded 4th-order ones
# (the error estimate), and the weights of the midpoint value that the dense output polynomial passes through.
_ALPHA = (1 / 5, 3 / 10, 4 / 5, 8 / 9, 1., 1., 0)
_BETA = ((1 / 5, 0, 0, 0, 0, 0, 0),
         (3 / 40, 9 / 40, 0, 0, 0, 0, 0),
         (44 / 45, -56 / 15, 32 / 9, 0, 0, 0, 0),
         (19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729, 0, 0, 0),
         (9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656, 0, 0),
         (35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0))
_C_SOL = (35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0)
_C_ERROR = (35 / 384 - 1951 / 21600, 0, 500 / 1113 - 22642 / 50085, 125 / 192 - 451 / 720,
            -2187 / 6784 - -12231 / 42400, 11 / 84 - 649 / 6300, -1. / 60.)
_C_MID = (6025192743 / 30085553152 / 2, 0, 51252292925 / 65400821598 / 2, -2691868925 / 45128329728 / 2,
          187940372067 / 1594534317056 / 2, -1776094331 / 19743644256 / 2, 11237099 / 235043384 / 2)


def odeint(func, y0, t, *args, rtol=1.4e-8, atol=1.4e-8, mxstep=jnp.inf, hmax=jnp.inf):
    """The solution of ``dy/dt = func(y, t, *args)`` with ``y(t[0]) = y0`` at each time of ``t``.

    ``y0`` is an array or a pytree of arrays, and ``func`` returns a value of its structure and shapes; ``t``
    is a 1-D float array of increasing times; ``args`` are arrays, scalars or pytrees of them. ``rtol`` and
    ``atol`` bound the local error, ``mxstep`` the number of steps between two output times, ``hmax`` the step
    size. Returns ``y0``'s structure with a new leading axis of length ``len(t)``. Where ``mxstep`` runs out
    before an output time, that output is the last step's interpolant evaluated beyond its interval (or NaN
    where no step was accepted yet), as in JAX. Differentiable in reverse mode with respect to ``y0``, ``t``,
    ``args`` and the traced values ``func`` closes over."""
    if not callable(func):
        raise TypeError(f"odeint: func must be callable as func(y, t, *args), got {type(func).__name__}")
    for leaf in pytree.flatten(args)[0]:
        if not _is_array(leaf):
            raise TypeError(f"odeint: the contents of *args must be arrays or scalars, but got {leaf!r}")
    for leaf in pytree.flatten(y0)[0]:
        if not _is_array(leaf):
            raise TypeError(f"odeint: the leaves of y0 must be arrays or scalars, but got {leaf!r}")
    t = t if isinstance(t, Var) else jnp.asarray(t)
    if t.dtype.kind != "f":
        raise TypeError(f"odeint: t must be an array of floats, but got dtype {t.dtype}")
    if t.ndim != 1 or t.shape[0] == 0:
        raise ValueError(f"odeint: t must be a non-empty 1-D array of times, but got shape {tuple(t.shape)}")
    for name, value in (("rtol", rtol), ("atol", atol), ("mxstep", mxstep), ("hmax", hmax)):
        if not isinstance(value, numbers.Real) or isinstance(value, bool):
            raise TypeError(f"odeint: {name} must be a Python number, got {value!r}")
    converted, consts = _closure_convert(func, y0, t[0], args)
    # NOTE: rejected steps and the initial step rule divide by zero and overflow by design (JAX's do too,
    # silently), and an eagerly run loop computes with numpy
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return _odeint_wrapper(converted, rtol, atol, mxstep, hmax, y0, t, *args, *consts)


def _is_array(x):
    if isinstance(x, (Var, _array.Array, np.ndarray, np.generic)):
        return np.dtype(x.dtype).kind in "biufc"
    return isinstance(x, (bool, int, float, complex))


def _closure_convert(func, y0, t0, args):
    """``(converted, consts)``: ``converted(y, t, *args, *consts)`` computes ``func(y, t, *args)`` with the
    traced values that ``func`` reads from the enclosing program (``consts``) taken as arguments, so that the
    custom VJP sees them and gives them derivatives. ``func`` is traced once over stand-ins to find them."""
    example = (y0, t0, tuple(args))
    leaves, tree = pytree.flatten(example)
    stand_ins = [Var(x.type) if isinstance(x, Var) else Var(_type_of(x)) for x in leaves]
    position = effects.mark()
    try:
        y, t, a = pytree.unflatten(tree, stand_ins)
        out_leaves, out_tree = pytree.flatten(func(y, t, *a))
        outs = [as_var(o) for o in out_leaves]
        consts = traced_free(outs, stand_ins)
    finally:
        # NOTE: prints in func belong to the solver's own traces of it, not to this look-ahead
        effects.drop_since(position)
    if not consts:
        return func, []
    n_args = len(args)

    def converted(y, t, *rest):
        given, _ = pytree.flatten((y, t, tuple(rest[:n_args])))
        mapping = dict(zip(stand_ins, [as_var(v) for v in given]))
        mapping.update(zip(consts, [as_var(c) for c in rest[n_args:]]))
        return pytree.unflatten(out_tree, substitute(outs, mapping))
    return converted, consts


def _type_of(x):
    t = type_of_value(x if isinstance(x, (bool, int, float, complex)) else np.asarray(x))
    return TensorType(t.dtype, t.shape)


def _odeint_wrapper(func, rtol, atol, mxstep, hmax, y0, ts, *args):
    y0_leaves, _ = pytree.flatten(y0)
    flat_y0, unravel = ravel_pytree(y0)
    if flat_y0.dtype.kind not in "fc":
        raise TypeError(f"odeint: y0 must hold floating-point (or complex) values, but its dtype is "
                        f"{flat_y0.dtype}")
    out = _odeint(_ravel_first_arg(func, unravel, flat_y0), rtol, atol, mxstep, hmax, flat_y0, ts, *args)
    return _unravel_rows(out, y0, y0_leaves)


def _ravel_first_arg(func, unravel, flat_y0):
    """``func`` over the raveled state: what the solver integrates (its output checked once against the
    state, as a loop carrying another shape or dtype fails with a message that does not name ``func``)."""
    checked = []

    def flat_func(y_flat, t, *args):
        out, _ = ravel_pytree(func(unravel(y_flat), t, *args))
        if not checked:
            if tuple(out.shape) != tuple(flat_y0.shape):
                raise ValueError(f"odeint: func must return a value of y0's structure and shapes ({flat_y0.shape[0]}"
                                 f" elements), but it returned {out.shape[0]} elements")
            checked.append(True)
        if out.dtype != y_flat.dtype:
            out = out.astype(y_flat.dtype)
        return out
    return flat_func


def _unravel_rows(out, y0, leaves):
    """The solution rows, shaped as ``y0`` with a leading time axis (JAX's ``vmap(unravel)``)."""
    n, pieces, at = out.shape[0], [], 0
    for leaf in leaves:
        leaf = leaf if isinstance(leaf, Var) else jnp.asarray(leaf)
        size = int(np.prod(leaf.shape, dtype=np.int64))
        piece = jnp.reshape(out[:, at:at + size], (n,) + tuple(leaf.shape))
        if piece.dtype != leaf.dtype:
            piece = (jnp.real(piece) if leaf.dtype.kind != "c" and piece.dtype.kind == "c" else piece)
            piece = piece.astype(leaf.dtype)
        pieces.append(piece)
        at += size
    return pytree.unflatten(pytree.flatten(y0)[1], pieces)


# -- one Dormand-Prince step, its error and its interpolant (JAX's, line for line) ----------------------------
def _dot(weights, k):
    return jnp.dot(jnp.asarray(np.array(weights), dtype=k.dtype), k)


def _runge_kutta_step(func, y0, f0, t0, dt):
    alpha = jnp.asarray(np.array(_ALPHA), dtype=dt.dtype)
    beta = jnp.asarray(np.array(_BETA), dtype=f0.dtype)
    dt_y = dt.astype(f0.dtype)

    # NOTE: one stage per iteration of a loop, as JAX's: the step's graph holds func once (unrolled, the
    # adjoint's step held seven copies of func and its VJP, and numba's compile took minutes)
    def body_fun(i, k):
        ti = t0 + dt * alpha[i - 1]
        yi = y0 + dt_y * jnp.dot(beta[i - 1, :], k)
        # NOTE: a select, not k.at[i].set or dynamic_update_slice: with a traced index those fail on complex
        # arrays (their scatter counts the writes in the array's dtype and compares the counts with 0)
        return jnp.where((jnp.arange(7) == i)[:, None], func(yi, ti)[None, :], k)

    k = jnp.concatenate([f0[None], jnp.zeros((6, f0.shape[0]), f0.dtype)])
    k = lax.fori_loop(1, 7, body_fun, k)
    y1 = dt_y * _dot(_C_SOL, k) + y0
    y1_error = dt_y * _dot(_C_ERROR, k)
    return y1, k[-1], y1_error, k


def _interp_fit_dopri(y0, y1, k, dt):
    """The coefficients (highest power first) of the quartic through the step's ends, slopes and midpoint."""
    y_mid = y0 + dt.astype(y0.dtype) * _dot(_C_MID, k)
    dy0, dy1, dt = k[0], k[-1], dt.astype(y0.dtype)
    a = -2. * dt * dy0 + 2. * dt * dy1 - 8. * y0 - 8. * y1 + 16. * y_mid
    b = 5. * dt * dy0 - 3. * dt * dy1 + 18. * y0 + 14. * y1 - 32. * y_mid
    c = -4. * dt * dy0 + dt * dy1 - 11. * y0 - 5. * y1 + 16. * y_mid
    return jnp.stack([a, b, c, dt * dy0, y0])


def _polyval(coeff, x):
    # NOTE: Horner from zero, as jnp.polyval runs it in JAX (the same rounding)
    y = jnp.zeros(coeff.shape[1:], coeff.dtype)
    for k in range(coeff.shape[0]):
        y = y * x + coeff[k]
    return y


def _abs2(x):
    return x.real ** 2 + x.imag ** 2 if x.dtype.kind == "c" else x ** 2


def _mean_error_ratio(error_estimate, rtol, atol, y0, y1):
    err_tol = atol + rtol * jnp.maximum(jnp.abs(y0), jnp.abs(y1))
    err_ratio = error_estimate / err_tol.astype(error_estimate.dtype)
    return jnp.sqrt(jnp.mean(_abs2(err_ratio)))


def _optimal_step_size(last_step, mean_error_ratio, safety=0.9, ifactor=10.0, dfactor=0.2, order=5.0):
    dfactor = jnp.where(mean_error_ratio < 1, 1.0, dfactor)
    factor = jnp.minimum(ifactor, jnp.maximum(mean_error_ratio ** (-1.0 / order) * safety, dfactor))
    return jnp.where(mean_error_ratio == 0, last_step * ifactor, last_step * factor)


def _initial_step_size(fun, t0, y0, order, rtol, atol, f0):
    """Hairer, Norsett and Wanner's rule (Solving ODEs I, Sec. II.4) for the first step."""
    scale = (atol + jnp.abs(y0) * rtol).astype(y0.dtype)
    d0 = jnp.linalg.norm(y0 / scale)
    d1 = jnp.linalg.norm(f0 / scale)
    h0 = jnp.where((d0 < 1e-5) | (d1 < 1e-5), 1e-6, 0.01 * d0 / d1)
    y1 = y0 + h0.astype(y0.dtype) * f0
    f1 = fun(y1, t0 + h0)
    d2 = jnp.linalg.norm((f1 - f0) / scale) / h0
    h1 = jnp.where((d1 <= 1e-15) & (d2 <= 1e-15), jnp.maximum(1e-6, h0 * 1e-3),
                   (0.01 / jnp.maximum(d1, d2)) ** (1. / (order + 1.)))
    return jnp.minimum(100. * h0, h1)


# -- the solver and its adjoint -------------------------------------------------------------------------------
def _odeint_impl(func, rtol, atol, mxstep, hmax, y0, ts, *args):
    def func_(y, t):
        return func(y, t, *args)

    def scan_fun(carry, target_t):
        def cond_fun(state):
            i, _, _, t, dt, _, _ = state
            return (t < target_t) & (i < mxstep) & (dt > 0)

        def body_fun(state):
            i, y, f, t, dt, last_t, interp_coeff = state
            next_y, next_f, next_y_error, k = _runge_kutta_step(func_, y, f, t, dt)
            next_t = t + dt
            error_ratio = _mean_error_ratio(next_y_error, rtol, atol, y, next_y)
            new_interp_coeff = _interp_fit_dopri(y, next_y, k, dt)
            dt = jnp.clip(_optimal_step_size(dt, error_ratio), min=0., max=hmax)
            new = [i + 1, next_y, next_f, next_t, dt, t, new_interp_coeff]
            old = [i + 1, y, f, t, dt, last_t, interp_coeff]
            accept = error_ratio <= 1.
            return [jnp.where(accept, a, b) for a, b in zip(new, old)]

        _, *carry = lax.while_loop(cond_fun, body_fun, [jnp.asarray(0)] + carry)
        _, _, t, _, last_t, interp_coeff = carry
        relative_output_time = (target_t - last_t) / (t - last_t)
        return carry, _polyval(interp_coeff, relative_output_time.astype(interp_coeff.dtype))

    # NOTE: an eager array's element is a numpy scalar, which counts as a weak Python float and would let a
    # float32 step size turn the float64 time into float32
    t0 = jnp.asarray(ts[0])
    f0 = func_(y0, t0)
    dt = jnp.clip(_initial_step_size(func_, t0, y0, 4, rtol, atol, f0), min=0., max=hmax)
    init_carry = [y0, f0, t0, dt, t0, jnp.stack([y0] * 5)]
    _, ys = lax.scan(scan_fun, init_carry, ts[1:])
    return jnp.concatenate((y0[None], ys))


_odeint = custom_vjp(_odeint_impl, nondiff_argnums=(0, 1, 2, 3, 4))


def _odeint_fwd(func, rtol, atol, mxstep, hmax, y0, ts, *args):
    ys = _odeint_impl(func, rtol, atol, mxstep, hmax, y0, ts, *args)
    return ys, (ys, ts, args)


def _odeint_rev(func, rtol, atol, mxstep, hmax, res, g):
    ys, ts, args = res
    leaves, tree = pytree.flatten(args)
    # NOTE: integer and boolean arguments have no adjoint (vjp refuses them): they stay out of the augmented
    # state, and their cotangents are zeros
    inexact = [k for k, x in enumerate(leaves) if x.dtype.kind in "fc"]

    def aug_dynamics(augmented_state, t, *leaves):
        """The system augmented with the adjoints of y, of t0 and of the inexact args, in reversed time ``t``."""
        y, y_bar = augmented_state[0], augmented_state[1]

        def func_inexact(y, t, *chosen):
            given = list(leaves)
            for k, x in zip(inexact, chosen):
                given[k] = x
            return func(y, t, *pytree.unflatten(tree, given))
        y_dot, vjpfun = vjp(func_inexact, y, -t, *[leaves[k] for k in inexact])
        return (-y_dot, *vjpfun(y_bar))

    def scan_fun(carry, i):
        y_bar, t0_bar, args_bar = carry
        # moving an output time moves its value along the trajectory; t_bar is real, being a time's
        t_bar = jnp.real(jnp.dot(func(ys[i], ts[i], *args), g[i])).astype(ts.dtype)
        t0_bar = t0_bar - t_bar
        _, y_bar, t0_bar, args_bar = odeint(
            aug_dynamics, (ys[i], y_bar, t0_bar, args_bar), jnp.stack([-ts[i], -ts[i - 1]]),
            *leaves, rtol=rtol, atol=atol, mxstep=mxstep, hmax=hmax)
        y_bar, t0_bar, args_bar = pytree.tree_map(operator.itemgetter(1), (y_bar, t0_bar, args_bar))
        y_bar = y_bar + g[i - 1]
        return (y_bar, t0_bar, args_bar), t_bar

    init_carry = (g[-1], jnp.zeros((), ts.dtype), [jnp.zeros_like(leaves[k]) for k in inexact])
    (y_bar, t0_bar, args_bar), rev_ts_bar = lax.scan(
        scan_fun, init_carry, jnp.arange(ts.shape[0] - 1, 0, -1))
    ts_bar = jnp.concatenate([t0_bar[None], rev_ts_bar[::-1]])
    leaves_bar = [jnp.zeros_like(x) for x in leaves]
    for k, x in zip(inexact, args_bar):
        leaves_bar[k] = x
    return (y_bar, ts_bar, *pytree.unflatten(tree, leaves_bar))


_odeint.defvjp(_odeint_fwd, _odeint_rev)
