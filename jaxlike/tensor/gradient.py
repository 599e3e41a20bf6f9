"""``T.grad``: Theano's symbolic gradient, a direct call of ``autodiff.backward`` on the user's graph; and
``T.jacobian``, ``T.hessian``, ``T.Lop``, ``T.Rop`` on the same transformations (a Jacobian is one backward
pass batched over the identity, where Theano ran a scan); ``zero_grad`` and ``disconnected_grad`` (both a
``stop_gradient``; they differ in whether ``T.grad`` counts what lies behind them as connected).

Theano semantics: differentiate with respect to the very variables given (inputs, shared variables or
intermediate expressions), the cost must be a real scalar, and a ``wrt`` the cost does not depend on is an
error unless ``disconnected_inputs`` says otherwise. The cost is differentiated as the stabilizer rewrites it
(``passes.stabilize.stabilized``) when every ``wrt`` is a variable of its own. A front-end module: imports core,
ops, autodiff and passes.
"""

import warnings
import weakref

import numpy as np

from ..core.graph import Var, substitute, as_var
from ..core.types import floatx
from ..autodiff import backward, forward, ones_like, zeros_like
from ..autodiff.batching import batch, basis
from ..ops.layout import reshape
from ..ops.math import stop_gradient, convert
from ..passes.stabilize import stabilized
from .var import var_str, type_str


class DisconnectedInputError(ValueError):
    """``T.grad`` was asked for the gradient with respect to a variable the cost does not depend on."""


_DISCONNECTED = ("raise", "warn", "ignore")


def grad(cost, wrt, consider_constant=None, disconnected_inputs="raise", return_disconnected="zero"):
    """Symbolic gradient of the scalar ``cost`` with respect to ``wrt`` (one variable, or a list/tuple of
    them: then a list is returned, one gradient per entry).

    ``consider_constant``: variables to treat as constants (no gradient flows through them).
    ``disconnected_inputs``: ``'raise'`` (default, as Theano), ``'warn'`` or ``'ignore'`` for a ``wrt`` the
    cost does not depend on; ``return_disconnected`` (``'zero'`` or ``'None'``) says what it gets then.

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
    if not isinstance(cost, Var):
        raise TypeError(f"grad: cost must be a symbolic scalar expression, got {type(cost).__name__} "
                        f"{cost!r}")
    if cost.ndim != 0:
        raise TypeError(f"grad: cost must be a scalar, but {var_str(cost)} has type {type_str(cost.type)} "
                        f"(shape {cost.type!r}); reduce it first, e.g. T.sum(cost) or cost.mean()")
    if cost.dtype.kind != "f":
        raise TypeError(f"grad: cost must be a floating-point scalar, got dtype {cost.dtype}; cast it with "
                        f"T.cast(cost, 'floatX')")
    single, wrt_list = _wrt_list(wrt, "grad")
    out = _pull_back(cost, ones_like, wrt_list, consider_constant, disconnected_inputs, return_disconnected)
    for g in out:
        if isinstance(g, Var):
            _GRAD_COSTS[g._id] = (weakref.ref(g, lambda _, k=g._id: _GRAD_COSTS.pop(k, None)), cost)
    return out[0] if single else out


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


def _pull_back(cost, seed, wrt_list, consider_constant, disconnected_inputs, return_disconnected):
    """Cotangents of ``wrt_list`` for the cotangent ``seed(cost)`` of ``cost``, with Theano's rules for
    constants, disconnected and integer variables."""
    # NOTE: before the substitution below, which rebuilds disconnected_grad nodes under new ids
    reachable = _reachable(cost)
    if consider_constant:
        frozen = {v: stop_gradient(v) for v in consider_constant}
        (cost,) = substitute([cost], frozen)
    float_wrt = [w for w in wrt_list if w.dtype.kind in "fc"]
    (cost,) = _stable([cost], float_wrt)
    found = backward([cost], [seed(cost)], float_wrt)
    by_id = {w._id: g for w, g in zip(float_wrt, found)}
    out = []
    for w in wrt_list:
        g = by_id.get(w._id)
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


def _reachable(cost):
    """Ids of the variables ``cost`` depends on, not looking behind ``disconnected_grad`` nodes."""
    seen, stack = {cost._id}, [cost]
    while stack:
        v = stack.pop()
        if v._id in _DISCONNECTING:
            continue
        for i in v.inputs:
            if i._id not in seen:
                seen.add(i._id)
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
    grads = _pull_back(expression, lambda e: ct, wrt_list, consider_constant, disconnected_inputs, "zero")
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
