"""``T.grad``: Theano's symbolic gradient, a direct call of ``autodiff.backward`` on the user's graph; and
``T.jacobian``, ``T.hessian``, ``T.Lop``, ``T.Rop`` on the same transformations (a Jacobian is one backward
pass batched over the identity, where Theano ran a scan); ``zero_grad`` and ``disconnected_grad`` (both a
``stop_gradient``; they differ in whether ``T.grad`` counts what lies behind them as connected);
``grad_clip`` (a ``custom_vjp`` node whose backward rule clips) and ``verify_grad`` (Theano's numerical check,
raising ``GradientError``).

Theano semantics: differentiate with respect to the very variables given (inputs, shared variables or
intermediate expressions), the cost must be a real scalar, and a ``wrt`` the cost does not depend on is an
error unless ``disconnected_inputs`` says otherwise. The cost is differentiated as the stabilizer rewrites it
(``passes.stabilize.stabilized``) when every ``wrt`` is a variable of its own. A front-end module: imports core,
ops, autodiff, passes, custom_derivatives and jaxlike.numpy; ``verify_grad`` reaches ``tensor.function``
lazily.
"""

import warnings
import weakref

import numpy as np

from ..core.graph import Var, substitute, as_var
from ..core.types import floatx, is_known
from ..core.errors import user_frame, where
from ..autodiff import backward, forward, ones_like, zeros_like
from ..autodiff.batching import batch, basis
from ..ops.layout import reshape
from ..ops.math import stop_gradient, convert
from ..passes.stabilize import stabilized, switch_sunk
from ..custom_derivatives import custom_vjp
from .. import numpy as jnp
from .var import var_str, type_str


class DisconnectedInputError(ValueError):
    """``T.grad`` was asked for the gradient with respect to a variable the cost does not depend on."""


_DISCONNECTED = ("raise", "warn", "ignore")


def grad(cost, wrt, consider_constant=None, disconnected_inputs="raise", add_names=True, known_grads=None,
         return_disconnected="zero", null_gradients="raise"):
    """Symbolic gradient of the scalar ``cost`` with respect to ``wrt`` (one variable, or a list/tuple of
    them: then a list/tuple is returned, one gradient per entry).

    ``consider_constant``: variables to treat as constants (no gradient flows through them).
    ``disconnected_inputs``: ``'raise'`` (default, as Theano), ``'warn'`` or ``'ignore'`` for a ``wrt`` the
    cost does not depend on; ``return_disconnected`` (``'zero'`` or ``'None'``) says what it gets then.
    ``known_grads``: a dict {variable: its gradient}; the gradient is backpropagated from those variables as
    well as from ``cost`` (a known variable's gradient is the one given, replacing what the cost would send
    it, as Theano's), which may then be None (Theano's way to continue a backward pass started elsewhere:
    synthetic gradients, a gradient computed outside the graph). ``add_names`` and ``null_gradients`` are
    accepted for Theano's signature (jaxlike names no gradient nodes and has no null gradients).

    >>> import jaxlike.tensor as T
    >>> x = T.dscalar('x')
    >>> str(T.grad(x ** 2, x).type)
    'f64[]'
    """
    if disconnected_inputs not in _DISCONNECTED:
        raise ValueError(f"grad: disconnected_inputs must be one of {_DISCONNECTED}, got "
                         f"{disconnected_inputs!r}")
    if return_disconnected not in ("zero", "None", "Disconnected"):
        raise ValueError(f"grad: return_disconnected must be 'zero', 'None' or 'Disconnected', got "
                         f"{return_disconnected!r}")
    known = _known_grads(known_grads)
    if cost is None and not known:
        raise TypeError("grad: cost is None, so known_grads must give the gradient of at least one variable"
                        + where(user_frame()))
    if cost is not None:
        _check_cost(cost)
    single, wrt_list = _wrt_list(wrt, "grad")
    roots = ([cost] if cost is not None else []) + [v for v, _ in known]
    seeds = ([ones_like] if cost is not None else []) + [lambda _, g=g: g for _, g in known]
    # NOTE: Theano (and PyTensor) give a known variable exactly its known gradient, dropping what the cost
    # sends it (its grad_dict entry is never summed from the variable's clients)
    out = _pull_back(roots, seeds, wrt_list, consider_constant, disconnected_inputs, return_disconnected,
                     known=known)
    for g in out:
        if isinstance(g, Var) and cost is not None:
            _GRAD_COSTS[g._id] = (weakref.ref(g, lambda _, k=g._id: _GRAD_COSTS.pop(k, None)), cost)
    return out[0] if single else tuple(out) if isinstance(wrt, tuple) else out


def _check_cost(cost):
    if not isinstance(cost, Var):
        raise TypeError(f"grad: cost must be a symbolic scalar expression, got {type(cost).__name__} "
                        f"{cost!r}")
    if cost.ndim != 0:
        raise TypeError(f"grad: cost must be a scalar, but {var_str(cost)} has type {type_str(cost.type)} "
                        f"(shape {cost.type!r}); reduce it first, e.g. T.sum(cost) or cost.mean()")
    if cost.dtype.kind != "f":
        raise TypeError(f"grad: cost must be a floating-point scalar, got dtype {cost.dtype}; cast it with "
                        f"T.cast(cost, 'floatX')")


def _known_grads(known_grads):
    """``known_grads`` as a list of (variable, gradient Var) pairs, each gradient of its variable's shape."""
    if known_grads is None:
        return []
    if not isinstance(known_grads, dict):
        raise TypeError(f"grad: known_grads must be a dict {{variable: gradient}}, got "
                        f"{type(known_grads).__name__}" + where(user_frame()))
    out = []
    for v, g in known_grads.items():
        if not isinstance(v, Var):
            raise TypeError(f"grad: the keys of known_grads must be symbolic variables, got {type(v).__name__} "
                            f"{v!r}" + where(user_frame()))
        g = as_var(g) if isinstance(g, Var) else as_var(np.asarray(g, dtype=v.dtype))
        if g.ndim != v.ndim or not all(not (is_known(a) and is_known(b)) or a == b
                                       for a, b in zip(g.shape, v.shape)):
            raise ValueError(f"grad: known_grads gives {var_str(v)} (type {v.type!r}) a gradient of type "
                             f"{g.type!r}; it must have the variable's shape" + where(user_frame()))
        out.append((v, g))
    return out


# id of a gradient T.grad returned -> (weak reference to it, its cost); an entry leaves with its gradient
_GRAD_COSTS = {}


def costs_behind(nodes):
    """The costs of the gradients among ``nodes`` (a function's graph): Theano's gradient starts from
    ``ones_like(cost)``, so a function computing it reads the cost's inputs even where the gradient's value
    needs none (``T.grad(2 * x, x)``), and ``function`` must not call them unused."""
    out = []
    for v in nodes:
        entry = _GRAD_COSTS.get(v._id)
        if entry is not None and entry[0]() is v:
            out.append(entry[1])
    return out


def _wrt_list(wrt, fname):
    single = not isinstance(wrt, (list, tuple))
    wrt_list = [wrt] if single else list(wrt)
    for i, w in enumerate(wrt_list):
        if not isinstance(w, Var):
            what = "wrt" if single else f"wrt[{i}]"
            raise TypeError(f"{fname}: {what} must be a symbolic variable, got {type(w).__name__} {w!r}")
    return single, wrt_list


def _pull_back(roots, seeds, wrt_list, consider_constant, disconnected_inputs, return_disconnected, known=()):
    """Cotangents of ``wrt_list`` for the cotangents ``seed(root)`` of ``roots`` (one seed function per root),
    with Theano's rules for constants, known gradients, disconnected and integer variables.

    As Theano's: the gradient stops AT a ``consider_constant`` variable (it gets its own gradient when it is
    a ``wrt``; what lies only behind it is disconnected), and a ``known`` variable's gradient is the one given,
    replacing what the other roots would send it."""
    known_ids = {v._id: g for v, g in known}
    frozen = {}
    for v in list(consider_constant or ()) + [v for v, _ in known]:
        if not isinstance(v, Var):
            raise TypeError(f"grad: consider_constant must hold symbolic variables, got {type(v).__name__} "
                            f"{v!r}" + where(user_frame()))
        frozen.setdefault(v._id, v)
    # NOTE: before the substitution below, which rebuilds disconnected_grad nodes under new ids
    reachable = _reachable(roots, set(frozen))
    if frozen:
        # NOTE: each frozen variable becomes a leaf of its own type: the pull-back stops there, and the leaf's
        # cotangent is the variable's own gradient; a known root keeps its own graph (its seed flows down it)
        stand_in = {i: Var(v.type) for i, v in frozen.items()}
        roots = [substitute([r], {frozen[i]: p for i, p in stand_in.items() if i != r._id})[0] for r in roots]
        lookup = [stand_in.get(w._id, w) for w in wrt_list]
    else:
        stand_in, lookup = {}, list(wrt_list)
    float_wrt = [w for w, orig in zip(lookup, wrt_list) if orig.dtype.kind in "fc" and orig._id not in known_ids]
    roots = _stable(roots, float_wrt)
    found = backward(roots, [seed(r) for seed, r in zip(seeds, roots)], float_wrt) if float_wrt else []
    if any(g is not None for g in found):
        # NOTE: Theano's switch sinks: the gradient of switch(x > 0, log(x), 0) is 0 at x = 0, where the
        # unsunk select(x > 0, g, 0) / x is 0/0 (passes/stabilize.py)
        sunk = iter(switch_sunk([g for g in found if g is not None]))
        found = [None if g is None else next(sunk) for g in found]
    present = [g for g in found if g is not None]
    if stand_in and present:
        back = iter(substitute(present, {p: frozen[i] for i, p in stand_in.items()}))
        found = [None if g is None else next(back) for g in found]
    by_id = {w._id: g for w, g in zip(float_wrt, found)}
    out = []
    for w, looked in zip(wrt_list, lookup):
        g = known_ids.get(w._id, by_id.get(looked._id))
        if g is None:
            if w._id not in reachable:
                g = _disconnected(w, disconnected_inputs, return_disconnected)
            elif w.dtype.kind not in "fc":
                # NOTE: Theano's gradient with respect to an integer variable is defined as float zeros.
                g = convert(zeros_like(w), dtype=floatx())
            else:
                g = zeros_like(w)  # connected only through non-differentiable ops (comparisons, argmax)
        out.append(g)
    return out


def _reachable(roots, stop=()):
    """Ids of the variables ``roots`` depend on, not looking behind ``disconnected_grad`` nodes nor behind
    the variables whose ids are in ``stop`` (a root's own graph is always followed)."""
    seen, stack = {r._id for r in roots}, list(roots)
    while stack:
        v = stack.pop()
        if v._id in _DISCONNECTING:
            continue
        for i in v.inputs:
            if i._id not in seen:
                seen.add(i._id)
                if i._id not in stop:
                    stack.append(i)
    return seen


def zero_grad(x):
    """``x`` in the forward pass; in the backward pass its gradient is zero (the variables behind it stay
    connected, so ``T.grad`` with respect to them gives zeros)."""
    return stop_gradient(as_var(x))


def disconnected_grad(x):
    """``x`` in the forward pass; in the backward pass the variables behind it count as disconnected, so
    ``T.grad`` with respect to one reached only through here raises ``DisconnectedInputError`` (or follows
    ``disconnected_inputs``)."""
    out = stop_gradient(as_var(x))
    _DISCONNECTING[out._id] = out
    return out


# id of a disconnected_grad result -> the result; an entry leaves with its result
_DISCONNECTING = weakref.WeakValueDictionary()


def _stable(outputs, wrt_list):
    """``outputs`` as the stabilizer rewrites them when every ``wrt`` is a variable of its own (a rewrite
    could replace an intermediate one)."""
    return stabilized(outputs) if all(w.is_input for w in wrt_list) else list(outputs)


def _disconnected(w, mode, ret):
    msg = (f"grad method was asked to compute the gradient with respect to a variable that is not part of "
           f"the computational graph of the cost, or is used only by a non-differentiable operator: "
           f"{var_str(w)} ({type_str(w.type)}). Pass disconnected_inputs='ignore' (or 'warn') to get zeros.")
    if mode == "raise":
        raise DisconnectedInputError(msg)
    if mode == "warn":
        warnings.warn(msg, stacklevel=3)
    if ret != "zero":
        return None
    z = zeros_like(w)
    return z if w.dtype.kind in "fc" else convert(z, dtype=np.dtype(floatx()))


def _expression(v, fname, what="expression"):
    if not isinstance(v, Var):
        raise TypeError(f"{fname}: {what} must be a symbolic expression, got {type(v).__name__} {v!r}")
    if v.dtype.kind != "f":
        raise TypeError(f"{fname}: {what} must be floating point, got {var_str(v)} of dtype {v.dtype}")
    return v


def jacobian(expression, wrt, consider_constant=None, disconnected_inputs="raise"):
    """Theano's ``T.jacobian``: d expression / d wrt, of shape ``expression.shape + wrt.shape`` (a list of
    those for a list ``wrt``). Computed as ONE backward pass batched over the identity, so the graph does not
    grow with the expression's size, and sizes stay symbolic."""
    _expression(expression, "jacobian")
    single, wrt_list = _wrt_list(wrt, "jacobian")
    if expression.ndim == 0:
        return grad(expression, wrt, consider_constant, disconnected_inputs)
    ct = Var(expression.type)
    grads = _pull_back([expression], [lambda e: ct], wrt_list, consider_constant, disconnected_inputs, "zero")
    cts, n = basis(expression)
    rows = batch(grads, [ct], [cts], n)
    out = [reshape(r, shape=tuple(expression.shape) + tuple(w.shape)) for r, w in zip(rows, wrt_list)]
    return out[0] if single else out


def hessian(cost, wrt, consider_constant=None, disconnected_inputs="raise"):
    """Theano's ``T.hessian``: the matrix of second derivatives of the scalar ``cost`` with respect to each
    vector in ``wrt``."""
    single, wrt_list = _wrt_list(wrt, "hessian")
    out = []
    for i, w in enumerate(wrt_list):
        if w.ndim != 1:
            raise TypeError(f"hessian: wrt{'' if single else f'[{i}]'} must be a vector, got {var_str(w)} of "
                            f"type {type_str(w.type)}; flatten it first")
        g = grad(cost, w, consider_constant, disconnected_inputs)
        out.append(jacobian(g, w, consider_constant, disconnected_inputs="ignore"))
    return out[0] if single else out


def _points(points, like, fname, what):
    pts = [points] if not isinstance(points, (list, tuple)) else list(points)
    if len(pts) != len(like):
        raise ValueError(f"{fname}: {len(pts)} {what} for {len(like)} variables")
    for p, v in zip(pts, like):
        if not isinstance(p, Var) or p.ndim != v.ndim:
            raise TypeError(f"{fname}: each of the {what} must be a symbolic variable of {var_str(v)}'s rank "
                            f"{v.ndim}, got {p!r}")
    return pts


def Lop(f, wrt, eval_points):
    """Theano's ``T.Lop``: the row vector(s) ``eval_points`` times the Jacobian of ``f`` with respect to
    ``wrt`` (reverse mode); one result per ``wrt``."""
    fs = [f] if not isinstance(f, (list, tuple)) else list(f)
    fs = [_expression(v, "Lop", "f") for v in fs]
    pts = _points(eval_points, fs, "Lop", "eval_points")
    single, wrt_list = _wrt_list(wrt, "Lop")
    fs = _stable(fs, wrt_list)
    found = backward(fs, pts, wrt_list)
    out = [g if g is not None else zeros_like(w) for g, w in zip(found, wrt_list)]
    return out[0] if single else out


def Rop(f, wrt, eval_points):
    """Theano's ``T.Rop``: the Jacobian of ``f`` with respect to ``wrt`` times the column vector(s)
    ``eval_points`` (forward mode); one result per ``f``."""
    single_f = not isinstance(f, (list, tuple))
    fs = [_expression(v, "Rop", "f") for v in ([f] if single_f else list(f))]
    _, wrt_list = _wrt_list(wrt, "Rop")
    pts = _points(eval_points, wrt_list, "Rop", "eval_points")
    fs = _stable(fs, wrt_list)
    found = forward(fs, wrt_list, pts)
    out = [t if t is not None else zeros_like(v) for t, v in zip(found, fs)]
    return out[0] if single_f else out


# -- grad_clip ------------------------------------------------------------------------------------------
def _grad_clip(x, lower, upper):
    return x


def _grad_clip_fwd(x, lower, upper):
    return x, ()


def _clipped_bwd(lower, upper, residuals, g):
    return (jnp.clip(g, lower, upper),)


# NOTE: one custom_vjp for every call: the bounds are static arguments, so each call traces its own node
_identity_clipped = custom_vjp(_grad_clip, nondiff_argnums=(1, 2))
_identity_clipped.defvjp(_grad_clip_fwd, _clipped_bwd)


def grad_clip(x, lower_bound, upper_bound):
    """Theano's ``theano.gradient.grad_clip``: ``x`` in the forward pass; in the backward pass the gradient
    flowing through it is clipped elementwise to [lower_bound, upper_bound] (to keep exploding gradients of
    a recurrent net in check). One ``custom_vjp_call`` node, so a second derivative clips again, as Theano's
    GradClip does; forward mode (``T.Rop``) through it is refused, as for any custom VJP."""
    for name, b in (("lower_bound", lower_bound), ("upper_bound", upper_bound)):
        if isinstance(b, (bool, np.bool_)) or not isinstance(b, (int, float, np.integer, np.floating)):
            raise TypeError(f"grad_clip: {name} must be a real number (Theano's bounds are constants), got "
                            f"{type(b).__name__} {b!r}" + where(user_frame()))
    if not lower_bound <= upper_bound:
        raise ValueError(f"grad_clip: lower_bound must be <= upper_bound, got {lower_bound!r} > "
                         f"{upper_bound!r}" + where(user_frame()))
    x = x if isinstance(x, Var) else as_var(jnp.asarray(x))
    if x.is_const:
        return x
    return _identity_clipped(x, float(lower_bound), float(upper_bound))


def _scaled_bwd(multiplier, residuals, g):
    return (g * multiplier,)


_identity_scaled = custom_vjp(lambda x, multiplier: x, nondiff_argnums=(1,))
_identity_scaled.defvjp(lambda x, multiplier: (x, ()), _scaled_bwd)


def grad_scale(x, multiplier):
    """Theano's ``theano.gradient.grad_scale``: ``x`` in the forward pass; in the backward pass the gradient
    flowing through it is multiplied by ``multiplier`` (a number, or a symbolic scalar)."""
    x = x if isinstance(x, Var) else as_var(jnp.asarray(x))
    if isinstance(multiplier, Var):
        if multiplier.ndim != 0:
            raise TypeError(f"grad_scale: multiplier must be a scalar, got {var_str(multiplier)} of type "
                            f"{type_str(multiplier.type)}" + where(user_frame()))
        # NOTE: x - stop_gradient(x) is zero forward and carries the gradient; the multiplier gets none
        held = stop_gradient(x)
        return held + stop_gradient(multiplier) * (x - held)
    if isinstance(multiplier, (bool, np.bool_)) or not isinstance(multiplier, (int, float, np.integer,
                                                                                np.floating)):
        raise TypeError(f"grad_scale: multiplier must be a real number or a symbolic scalar, got "
                        f"{type(multiplier).__name__} {multiplier!r}" + where(user_frame()))
    if x.is_const:
        return x
    return _identity_scaled(x, float(multiplier))


# -- verify_grad ----------------------------------------------------------------------------------------
class GradientError(Exception):
    """``verify_grad`` found the symbolic gradient and the numerical one further apart than both tolerances:
    where (argument, flat position), the two values and the errors."""

    def __init__(self, arg, err_pos, shape, val1, val2, abs_err, rel_err, abs_tol, rel_tol):
        super().__init__(arg, err_pos, shape, val1, val2, abs_err, rel_err, abs_tol, rel_tol)
        self.arg, self.err_pos, self.shape, self.val1, self.val2 = arg, err_pos, shape, val1, val2
        self.abs_err, self.rel_err, self.abs_tol, self.rel_tol = abs_err, rel_err, abs_tol, rel_tol

    def __str__(self):
        return (f"GradientError: numeric gradient and analytic gradient exceed tolerance:\n"
                f"        At position {self.err_pos} of argument {self.arg} with shape {self.shape},\n"
                f"            val1 = {self.val1:f}      ,  val2 = {self.val2:f}\n"
                f"            abs. error = {self.abs_err:f},  abs. tolerance = {self.abs_tol:f}\n"
                f"            rel. error = {self.rel_err:f},  rel. tolerance = {self.rel_tol:f}")


_TYPE_EPS = {"float64": 1e-7, "float32": 3e-4, "float16": 1e-1}
_TYPE_TOL = {"float64": 1e-4, "float32": 1e-2, "float16": 5e-2}


def verify_grad(fun, pt, n_tests=2, rng=None, eps=None, out_type=None, abs_tol=None, rel_tol=None, mode=None,
                cast_to_output_type=False, no_debug_ref=True):
    """Theano's numerical gradient check: ``fun`` (symbolic variables -> one symbolic output) at the point
    ``pt`` (a list of float arrays). Its output is projected on a random array (``rng``), and the gradient
    of that projection is compared with central differences of step ``eps``, ``n_tests`` times; a point
    where both the absolute and the relative error exceed their tolerance raises ``GradientError``. Defaults
    by dtype, as Theano: eps 1e-7 / 3e-4 / 1e-1 and tolerances 1e-4 / 1e-2 / 5e-2 for float64 / 32 / 16.
    ``rng`` (a numpy RandomState or Generator) may be None, where Theano's own function requires one: then
    a RandomState seeded 42 (as Theano's ``unittest_tools.verify_grad``). ``mode`` compiles the functions;
    ``no_debug_ref`` is accepted (jaxlike has no slow debug linker to avoid)."""
    from .function import function
    from .shared import shared
    from .var import tensor
    if not isinstance(pt, (list, tuple)):
        raise TypeError(f"verify_grad: pt must be a list of numpy arrays (one per argument of fun), got "
                        f"{type(pt).__name__}" + where(user_frame()))
    pt = [np.array(p) for p in pt]
    for i, p in enumerate(pt):
        if p.dtype.name not in _TYPE_EPS:
            raise TypeError(f"verify_grad can work only with floating point inputs, but input {i} has dtype "
                            f"{p.dtype.name!r}" + where(user_frame()))
    dtypes = [p.dtype.name for p in pt] + ([np.dtype(out_type).name] if out_type is not None else [])
    eps = max(_TYPE_EPS.get(d, 1e-7) for d in dtypes) if eps is None else eps
    abs_tol = max(_TYPE_TOL.get(d, 1e-4) for d in dtypes) if abs_tol is None else abs_tol
    rel_tol = max(_TYPE_TOL.get(d, 1e-4) for d in dtypes) if rel_tol is None else rel_tol
    rng = np.random.RandomState(42) if rng is None else rng
    inputs = [tensor(p.dtype, [d == 1 for d in p.shape], name=f"input {i}") for i, p in enumerate(pt)]
    out = fun(*inputs)
    if isinstance(out, (list, tuple)):
        raise NotImplementedError("verify_grad: fun returns several outputs; check one output at a time"
                                  + where(user_frame()))
    out = as_var(out) if isinstance(out, Var) else as_var(jnp.asarray(out))
    out_shape = np.shape(function(inputs, out, mode=mode, on_unused_input="ignore")(*[p.copy() for p in pt]))

    def projection():
        draw = rng.rand(*out_shape) if hasattr(rng, "rand") else rng.random(out_shape)
        plain = np.asarray(draw + 0.5)
        return plain.astype(out.dtype) if cast_to_output_type and out.dtype == np.float32 else plain
    weights = shared(projection(), name="random_projection")
    cost = jnp.sum(weights * out)
    cost_fn = function(inputs, cost, mode=mode, on_unused_input="ignore")
    grad_fn = function(inputs, grad(cost, inputs, disconnected_inputs="ignore"), mode=mode,
                       on_unused_input="ignore")
    for test in range(n_tests):
        numeric = _central_differences(cost_fn, pt, eps)
        analytic = [np.asarray(g) for g in grad_fn(*[p.copy() for p in pt])]
        worst = None
        for i, (a, n) in enumerate(zip(analytic, numeric)):
            abs_err = np.abs(a - n).ravel()
            rel_err = (abs_err / np.maximum(np.abs(a) + np.abs(n), 1e-8).ravel())
            if abs_err.size == 0:
                continue
            scaled = np.minimum(abs_err / abs_tol, rel_err / rel_tol)
            k = int(np.argmax(scaled))
            if worst is None or scaled[k] > worst[0]:
                worst = (scaled[k], i, k, abs_err[k], rel_err[k])
        if worst is not None and worst[3] > abs_tol and worst[4] > rel_tol:
            _, i, k = worst[:3]
            raise GradientError(i, k, analytic[i].shape, analytic[i].ravel()[k], numeric[i].ravel()[k],
                                worst[3], worst[4], abs_tol, rel_tol)
        if test < n_tests - 1:
            weights.set_value(projection())


verify_grad.E_grad = GradientError   # NOTE: Theano's tests catch `verify_grad.E_grad`


def _central_differences(f, pt, eps):
    """d f / d pt[i] for each argument, by (f(x + eps) - f(x - eps)) / 2 eps one element at a time."""
    out = []
    for i, p in enumerate(pt):
        g = np.zeros(p.shape, dtype=np.float64)
        for j in np.ndindex(p.shape):
            args = [q.copy() for q in pt]
            args[i][j] = p[j] + eps
            up = float(f(*args))
            args[i][j] = p[j] - eps
            g[j] = (up - float(f(*args))) / (2 * eps)
        out.append(g)
    return out
