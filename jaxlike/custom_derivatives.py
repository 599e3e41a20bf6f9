"""``jaxlike.custom_jvp`` and ``jaxlike.custom_vjp``: functions whose derivative the user writes, as in JAX
(for numerical stability, a straight-through estimator, a clipped gradient, or a derivative cheaper than the
traced one). The function and its rules are traced into graphs once per call site and become one
``custom_jvp_call``/``custom_vjp_call`` node (``control/custom.py``); after differentiation the function's own
graph is inlined, so it fuses like any other code. With no traced argument the function just runs.

A custom VJP refuses forward mode (JAX does too); a custom JVP gives both modes (reverse mode transposes the
tangent map, which must be linear in the tangents). The function may not close over values traced in the
enclosing program: pass them as arguments. ``nondiff_argnums`` marks arguments that are not arrays (or get no
derivative); they reach the rules first, as in JAX. A front-end module.
"""

import functools
import inspect

import numpy as np

from . import pytree
from .core.graph import Var, as_var
from .core.types import TensorType, type_of_value, is_known
from .core.errors import user_frame, where
from .ops.math import stop_gradient
from .control.body import LoopBody, rebind, traced_free
from .control.custom import custom_jvp_call, custom_vjp_call, Rule, closed, nodes


def _split(args, nondiff_argnums, name):
    nondiff = tuple(sorted(set(int(k) for k in nondiff_argnums)))
    for k in nondiff:
        if not 0 <= k < len(args):
            raise ValueError(f"{name}: nondiff_argnums {nondiff} out of range for {len(args)} arguments")
    static = [args[k] for k in nondiff]
    diff = [a for k, a in enumerate(args) if k not in nondiff]

    def merge(diff_args, static_args=None):
        it, st, out = iter(diff_args), iter(static if static_args is None else static_args), []
        for k in range(len(args)):
            out.append(next(st) if k in nondiff else next(it))
        return out
    return static, diff, merge


def _fresh(leaves):
    out = []
    for x in leaves:
        t = x.type if isinstance(x, Var) else type_of_value(np.asarray(x) if not isinstance(x, (int, float)) else x)
        out.append(Var(TensorType(t.dtype, t.shape)))
    return out


def _leaves_of(tree, what, name):
    leaves, treedef = pytree.flatten(tree)
    out = []
    for x in leaves:
        v = as_var(x)
        if v.dtype == object:
            raise TypeError(f"{name}: {what} must be arrays or numbers")
        out.append(v)
    return out, treedef


def _function_graph(ins, outs, name):
    """A closed graph of ``outs`` over ``ins``: values computed from constants alone are computed inside it;
    a traced value of the enclosing program is refused (it would get no derivative)."""
    free = traced_free(outs, ins)
    if free:
        names = ", ".join(v.name or repr(v.type) for v in free)
        raise TypeError(f"{name} reads traced values it does not take as arguments ({names}); pass them as "
                        f"arguments{where(user_frame())}")
    graph, captured = closed(ins, outs)
    if not captured:
        return graph
    k = len(captured)
    return LoopBody(graph.inputs[k:], rebind(graph, list(captured) + list(graph.inputs[k:])), len(ins), 0)


def _check_tangent_shapes(tangents, outs, paths, name):
    """A rule's tangent outputs must have the function's output shapes, as in JAX: forward mode would
    otherwise fail deep inside a broadcast (or broadcast a smaller one silently), and reverse mode transposes
    the tangent map as traced, so a wrong-shaped tangent would give a wrong Jacobian without an error."""
    for t, o, path in zip(tangents, outs, paths):
        if t.ndim != o.ndim or any(is_known(a) and is_known(b) and a != b for a, b in zip(t.shape, o.shape)):
            raise TypeError(f"{name}: the jvp rule returns a tangent output{path} of shape {_shape_str(t)} for a "
                            f"primal output of shape {_shape_str(o)}: a tangent has its primal's shape"
                            f"{where(user_frame())}")
        # NOTE: JAX's TypeError; the tangent was cast, hiding a rule that computes in another precision. A
        # Python number (weak) takes the primal's dtype; an integer output's tangent is not one JAX checks
        if t.dtype != o.dtype and o.dtype.kind in "fc" and not t.type.weak:
            raise TypeError(f"{name}: the jvp rule returns a tangent output{path} of dtype {t.dtype} for a primal "
                            f"output of dtype {o.dtype}: a tangent has its primal's dtype (cast it with "
                            f".astype({o.dtype.name!r})){where(user_frame())}")


def _shapes_differ(a, b):
    return a.ndim != b.ndim or any(is_known(x) and is_known(y) and x != y for x, y in zip(a.shape, b.shape))


def _check_primal_shapes(got, outs, paths, name, what):
    """A rule's primal outputs must have the function's output shapes (JAX's TypeError): the node computes
    the function, and the derivative graphs were traced for the rule's, so a mismatch is a wrong Jacobian."""
    for g, o, path in zip(got, outs, paths):
        if _shapes_differ(g, o):
            raise TypeError(f"{name}: {what} returns a primal output{path} of shape {_shape_str(g)} where the "
                            f"function returns shape {_shape_str(o)}: the rule's primal output is the function's"
                            f"{where(user_frame())}")


def _shape_str(v):
    return "(" + ", ".join(map(str, v.shape)) + ("," if v.ndim == 1 else "") + ")"


def _positional(fun, args, kwargs, kind):
    """The call's arguments as positional ones, keywords and defaults filled in by ``fun``'s signature, as
    JAX resolves them: the rules always see every argument in order (a default was missing from the rule's
    primals, and a keyword argument was refused)."""
    name = getattr(fun, "__name__", "f")
    try:
        # NOTE: a functools.partial's signature is opaque to JAX (keywords are refused, nothing filled in)
        sig = inspect.signature(fun if not isinstance(fun, functools.partial) else lambda *a, **k: None)
    except (TypeError, ValueError):
        if not kwargs:
            return args
        raise TypeError(f"{kind} function {name} has no signature to bind keyword arguments to: pass them "
                        f"positionally{where(user_frame())}") from None
    if not kwargs and all(p.default is inspect.Parameter.empty for p in sig.parameters.values()):
        return args
    try:
        bound = sig.bind(*args, **kwargs)
    except TypeError as e:
        raise TypeError(f"{kind} function {name}: its arguments could not be bound to its parameters: "
                        f"{e}{where(user_frame())}") from None
    bound.apply_defaults()
    passed = [k for k in bound.kwargs if k in kwargs]
    if passed:
        raise TypeError(f"{kind} function {name}: keyword arguments that have no position ({', '.join(passed)}) "
                        f"are not supported: pass them positionally (JAX refuses them too){where(user_frame())}")
    return bound.args


def _symbolic_zeros(value, what):
    # NOTE: JAX's symbolic_zeros=True changes what the rule receives (SymbolicZero objects); False is the default
    if value:
        raise NotImplementedError(f"{what}: symbolic_zeros=True is not supported (the rule gets zero arrays, "
                                  f"as with symbolic_zeros=False){where(user_frame())}")


class _Call:
    """One call of a custom-derivative function: its arguments split and flattened, and (unless every one is
    concrete: ``eager``) the function traced into ``graph`` over fresh inputs."""

    def __init__(self, wrapper, args, kind):
        self.name = f"{kind} function {getattr(wrapper.fun, '__name__', 'f')}"
        self.static, self.diff, self.merge = _split(args, wrapper.nondiff_argnums, self.name)
        self.leaves, self.tree = pytree.flatten(list(self.diff))
        self.s_leaves, self.s_tree = pytree.flatten(list(self.static))
        # NOTE: JAX lets a custom_jvp's nondiff argument be traced (its gradient stopped): such values are
        # operands after the others, which the rule gives no derivative (it never sees their tangents)
        self.hidden_at = [k for k, v in enumerate(self.s_leaves) if _traced(v)] if kind == "custom_jvp" else []
        self.hidden = [stop_gradient(self.s_leaves[k]) for k in self.hidden_at]
        self.eager = not any(_traced(x) for x in self.leaves + self.hidden)
        if self.eager:
            return
        ins, hid = _fresh(self.leaves), _fresh(self.hidden)
        out = wrapper.fun(*self.merge(pytree.unflatten(self.tree, ins), self.static_with(hid)))
        self.outs, self.out_tree = _leaves_of(out, "outputs", self.name)
        self.graph = _function_graph(ins + hid, self.outs, self.name)

    def static_with(self, hidden):
        """The nondiff arguments with their traced leaves replaced by ``hidden``."""
        leaves = list(self.s_leaves)
        for k, v in zip(self.hidden_at, hidden):
            leaves[k] = v
        return pytree.unflatten(self.s_tree, leaves)


def _traced(x):
    return isinstance(x, Var) and not x.is_const


class custom_jvp:
    """``@jaxlike.custom_jvp`` then ``@f.defjvp`` on ``jvp(primals, tangents) -> (primal_out, tangent_out)``."""

    def __init__(self, fun, nondiff_argnums=()):
        functools.update_wrapper(self, fun)
        self.fun, self.nondiff_argnums, self.jvp = fun, tuple(nondiff_argnums), None

    def defjvp(self, jvp, symbolic_zeros=False):
        _symbolic_zeros(symbolic_zeros, "custom_jvp.defjvp")
        self.jvp = jvp
        return jvp

    def defjvps(self, *rules):
        """One rule per differentiable argument: ``rule(t, primal_out, *primals) -> tangent`` (None: zero)."""
        def jvp(primals, tangents):
            out = self.fun(*primals)
            tan = None
            for rule, t in zip(rules, tangents):
                if rule is None:
                    continue
                term = rule(t, out, *primals)
                tan = term if tan is None else tan + term
            return out, tan if tan is not None else out * 0.0
        self.jvp = jvp
        return jvp

    def __call__(self, *args, **kwargs):
        args = _positional(self.fun, args, kwargs, "custom_jvp")
        if self.jvp is None:
            raise AttributeError(f"no JVP defined for custom_jvp function {self.__name__}: decorate its rule "
                                 f"with @{self.__name__}.defjvp")
        call = _Call(self, args, "custom_jvp")
        if call.eager:
            return self.fun(*args)
        name, leaves, tree, outs, out_tree = call.name, call.leaves, call.tree, call.outs, call.out_tree
        n, operands = len(leaves), leaves + call.hidden

        def build():
            p, t = _fresh(operands), _fresh(operands)
            res = self.jvp(*call.static_with(p[n:]), pytree.unflatten(tree, p[:n]), pytree.unflatten(tree, t[:n]))
            if not isinstance(res, (tuple, list)) or len(res) != 2:
                raise TypeError(f"{name}: the jvp rule must return (primal_out, tangent_out)")
            po, po_tree = _leaves_of(res[0], "primal outputs", name)
            to, to_tree = _leaves_of(res[1], "tangent outputs", name)
            if po_tree != out_tree or to_tree != out_tree:
                raise TypeError(f"{name}: the jvp rule returns structures {po_tree} and {to_tree}, the function "
                                f"{out_tree}")
            _check_primal_shapes(po, outs, pytree.leaf_paths(res[0]), name, "the jvp rule")
            _check_tangent_shapes(to, outs, pytree.leaf_paths(res[1]), name)
            to = [v if v.dtype == o.dtype else v.astype(o.dtype) for v, o in zip(to, outs)]
            return (_function_graph(p + t, po + to, name),)
        results = nodes(custom_jvp_call, operands, fun=call.graph, rule=Rule(name, build))
        return pytree.unflatten(out_tree, results)


class custom_vjp:
    """``@jaxlike.custom_vjp`` then ``f.defvjp(fwd, bwd)``: ``fwd(*args) -> (out, residuals)`` and
    ``bwd(residuals, out_cotangent) -> tuple of argument cotangents`` (None: zero)."""

    def __init__(self, fun, nondiff_argnums=()):
        functools.update_wrapper(self, fun)
        self.fun, self.nondiff_argnums, self.fwd, self.bwd = fun, tuple(nondiff_argnums), None, None

    def defvjp(self, fwd, bwd, symbolic_zeros=False, optimize_remat=False):
        """``optimize_remat`` is JAX's memory option: accepted, nothing to act on (no rematerialization)."""
        _symbolic_zeros(symbolic_zeros, "custom_vjp.defvjp")
        self.fwd, self.bwd = fwd, bwd

    def __call__(self, *args, **kwargs):
        args = _positional(self.fun, args, kwargs, "custom_vjp")
        if self.fwd is None:
            raise AttributeError(f"no VJP defined for custom_vjp function {self.__name__}: call "
                                 f"{self.__name__}.defvjp(fwd, bwd)")
        call = _Call(self, args, "custom_vjp")
        if call.eager:
            return self.fun(*args)
        name, static, diff, merge, leaves, tree, outs, out_tree = (
            call.name, call.static, call.diff, call.merge, call.leaves, call.tree, call.outs, call.out_tree)

        def build():
            p = _fresh(leaves)
            res = self.fwd(*merge(pytree.unflatten(tree, p)))
            if not isinstance(res, (tuple, list)) or len(res) != 2:
                raise TypeError(f"{name}: fwd must return (output, residuals)")
            y, y_tree = _leaves_of(res[0], "fwd outputs", name)
            r, r_tree = _leaves_of(res[1], "residuals", name)
            if y_tree != out_tree:
                raise TypeError(f"{name}: fwd returns an output of structure {y_tree}, the function {out_tree}")
            _check_primal_shapes(y, outs, pytree.leaf_paths(res[0]), name, "fwd")
            fwd = _function_graph(p, y + r, name)
            rv = [Var(TensorType(v.dtype, v.shape)) for v in r]
            gv = [Var(TensorType(v.dtype, v.shape)) for v in outs]
            cts = self.bwd(*static, pytree.unflatten(r_tree, rv), pytree.unflatten(out_tree, gv))
            if not isinstance(cts, (tuple, list)) or len(cts) != len(diff):
                raise TypeError(f"{name}: bwd must return a tuple with one cotangent per differentiable argument "
                                f"({len(diff)}), got {type(cts).__name__}")
            ct_leaves = []
            for k, (arg, ct) in enumerate(zip(diff, cts)):
                arg_leaves, arg_tree = pytree.flatten(arg)
                stand_ins = _fresh(arg_leaves)
                if ct is None:
                    ct_leaves += [_zeros_like(v) for v in stand_ins]
                    continue
                got, got_tree = pytree.flatten(ct)
                if got_tree != arg_tree:
                    raise TypeError(f"{name}: bwd's cotangent {k} has structure {got_tree}, the argument {arg_tree}")
                got = [as_var(g) if g is not None else _zeros_like(v) for g, v in zip(got, stand_ins)]
                for g, v, path in zip(got, stand_ins, pytree.leaf_paths(ct)):
                    # NOTE: JAX's ValueError; a cotangent of another shape was broadcast or returned as is,
                    # a gradient of the wrong shape or value without an error
                    if _shapes_differ(g, v):
                        raise ValueError(f"{name}: bwd returns a cotangent for argument {k}{path} of shape "
                                         f"{_shape_str(g)} for an argument of shape {_shape_str(v)}: a cotangent "
                                         f"has its argument's shape{where(user_frame())}")
                ct_leaves += got
            return fwd, _function_graph(rv + gv, ct_leaves, name), len(r)
        results = nodes(custom_vjp_call, leaves, fun=call.graph, rule=Rule(name, build))
        return pytree.unflatten(out_tree, results)


def _zeros_like(v):
    from .autodiff import zeros_like
    return zeros_like(v)


__all__ = ["custom_jvp", "custom_vjp"]
