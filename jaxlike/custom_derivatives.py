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

import numpy as np

from . import pytree
from .core.graph import Var, as_var
from .core.types import TensorType, type_of_value, is_known
from .core.errors import user_frame, where
from .control.body import LoopBody, rebind, traced_free
from .control.custom import custom_jvp_call, custom_vjp_call, Rule, closed, nodes


def _split(args, nondiff_argnums, name):
    nondiff = tuple(sorted(set(int(k) for k in nondiff_argnums)))
    for k in nondiff:
        if not 0 <= k < len(args):
            raise ValueError(f"{name}: nondiff_argnums {nondiff} out of range for {len(args)} arguments")
    static = [args[k] for k in nondiff]
    diff = [a for k, a in enumerate(args) if k not in nondiff]

    def merge(diff_args):
        it, out = iter(diff_args), []
        for k in range(len(args)):
            out.append(args[k] if k in nondiff else next(it))
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


def _shape_str(v):
    return "(" + ", ".join(map(str, v.shape)) + ("," if v.ndim == 1 else "") + ")"


class _Call:
    """One call of a custom-derivative function: its arguments split and flattened, and (unless every one is
    concrete: ``eager``) the function traced into ``graph`` over fresh inputs."""

    def __init__(self, wrapper, args, kind):
        self.name = f"{kind} function {getattr(wrapper.fun, '__name__', 'f')}"
        self.static, self.diff, self.merge = _split(args, wrapper.nondiff_argnums, self.name)
        self.leaves, self.tree = pytree.flatten(list(self.diff))
        self.eager = not any(isinstance(x, Var) and not x.is_const for x in self.leaves)
        if self.eager:
            return
        ins = _fresh(self.leaves)
        self.outs, self.out_tree = _leaves_of(wrapper.fun(*self.merge(pytree.unflatten(self.tree, ins))),
                                              "outputs", self.name)
        self.graph = _function_graph(ins, self.outs, self.name)


class custom_jvp:
    """``@jaxlike.custom_jvp`` then ``@f.defjvp`` on ``jvp(primals, tangents) -> (primal_out, tangent_out)``."""

    def __init__(self, fun, nondiff_argnums=()):
        functools.update_wrapper(self, fun)
        self.fun, self.nondiff_argnums, self.jvp = fun, tuple(nondiff_argnums), None

    def defjvp(self, jvp):
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

    def __call__(self, *args):
        if self.jvp is None:
            raise AttributeError(f"no JVP defined for custom_jvp function {self.__name__}: decorate its rule "
                                 f"with @{self.__name__}.defjvp")
        call = _Call(self, args, "custom_jvp")
        if call.eager:
            return self.fun(*args)
        name, static, leaves, tree, outs, out_tree = (call.name, call.static, call.leaves, call.tree, call.outs,
                                                      call.out_tree)

        def build():
            p, t = _fresh(leaves), _fresh(leaves)
            res = self.jvp(*static, pytree.unflatten(tree, p), pytree.unflatten(tree, t))
            if not isinstance(res, (tuple, list)) or len(res) != 2:
                raise TypeError(f"{name}: the jvp rule must return (primal_out, tangent_out)")
            po, po_tree = _leaves_of(res[0], "primal outputs", name)
            to, to_tree = _leaves_of(res[1], "tangent outputs", name)
            if po_tree != out_tree or to_tree != out_tree:
                raise TypeError(f"{name}: the jvp rule returns structures {po_tree} and {to_tree}, the function "
                                f"{out_tree}")
            _check_tangent_shapes(to, outs, pytree.leaf_paths(res[1]), name)
            to = [v if v.dtype == o.dtype else v.astype(o.dtype) for v, o in zip(to, outs)]
            return (_function_graph(p + t, po + to, name),)
        results = nodes(custom_jvp_call, leaves, fun=call.graph, rule=Rule(name, build))
        return pytree.unflatten(out_tree, results)


class custom_vjp:
    """``@jaxlike.custom_vjp`` then ``f.defvjp(fwd, bwd)``: ``fwd(*args) -> (out, residuals)`` and
    ``bwd(residuals, out_cotangent) -> tuple of argument cotangents`` (None: zero)."""

    def __init__(self, fun, nondiff_argnums=()):
        functools.update_wrapper(self, fun)
        self.fun, self.nondiff_argnums, self.fwd, self.bwd = fun, tuple(nondiff_argnums), None, None

    def defvjp(self, fwd, bwd):
        self.fwd, self.bwd = fwd, bwd

    def __call__(self, *args):
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
                ct_leaves += [as_var(g) if g is not None else _zeros_like(v) for g, v in zip(got, stand_ins)]
            return fwd, _function_graph(rv + gv, ct_leaves, name), len(r)
        results = nodes(custom_vjp_call, leaves, fun=call.graph, rule=Rule(name, build))
        return pytree.unflatten(out_tree, results)


def _zeros_like(v):
    from .autodiff import zeros_like
    return zeros_like(v)


__all__ = ["custom_jvp", "custom_vjp"]
