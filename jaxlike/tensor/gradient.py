"""``T.grad``: Theano's symbolic gradient, a direct call of ``autodiff.backward`` on the user's graph.

Theano semantics: differentiate with respect to the very variables given (inputs, shared variables or
intermediate expressions), the cost must be a real scalar, and a ``wrt`` the cost does not depend on is an
error unless ``disconnected_inputs`` says otherwise. A front-end module: imports core, ops and autodiff.
"""

import warnings

import numpy as np

from ..core.graph import Var, toposort, substitute
from ..core.types import floatx
from ..autodiff import backward, ones_like, zeros_like
from ..ops.math import stop_gradient, convert
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
    single = not isinstance(wrt, (list, tuple))
    wrt_list = [wrt] if single else list(wrt)
    for i, w in enumerate(wrt_list):
        if not isinstance(w, Var):
            what = "wrt" if single else f"wrt[{i}]"
            raise TypeError(f"grad: {what} must be a symbolic variable, got {type(w).__name__} {w!r}")
    if consider_constant:
        frozen = {v: stop_gradient(v) for v in consider_constant}
        (cost,) = substitute([cost], frozen)
    reachable = {v._id for v in toposort([cost])}
    float_wrt = [w for w in wrt_list if w.dtype.kind in "fc"]
    found = backward([cost], [ones_like(cost)], float_wrt)
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
    return out[0] if single else out


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
