"""``jax.lax.custom_linear_solve`` and ``jax.lax.custom_root`` (re-exported by ``jaxlike.lax``): a solver
the user supplies, differentiated implicitly rather than through its iterations, as in JAX.

Both become ``jaxlike.custom_jvp`` functions. Those may not read values traced in the enclosing program, and
a ``matvec`` or ``f`` usually does (a matrix, parameters), so each user function is first traced once over
fresh inputs and its traced free values are made explicit arguments (JAX's closure conversion): they are what
the derivative flows into. For a linear solve ``x = A^{-1} b`` the tangent is ``A^{-1} (db - dA x)``, its
transpose applies ``transpose_solve`` (or ``solve`` when ``symmetric``) through a ``custom_vjp``; for a root
``f(x, θ) = 0`` the tangent is ``-tangent_solve(∂f/∂x, ∂f/∂θ dθ)``. Values that only ``solve`` reads get no
derivative (as in JAX). A front-end module: imports core, the autodiff API and jaxlike.numpy."""

import numpy as np

from .. import pytree
from ..core.graph import Graph, Var, as_var, substitute
from ..core.interpret import interpret
from ..core.types import TensorType, type_of_value
from ..core.errors import user_frame, where as _at
from ..control.body import traced_free

__all__ = ["custom_linear_solve", "custom_root"]


def _here():
    return _at(user_frame())


def _fresh(leaves):
    out = []
    for x in leaves:
        t = x.type if isinstance(x, Var) else type_of_value(np.asarray(x))
        out.append(Var(TensorType(t.dtype, t.shape)))
    return out


def _convert(fn, arg_leaves, what):
    """``fn`` (of flat leaves, returning a pytree) traced over fresh inputs like ``arg_leaves``: returns
    ``(closed, free, out_tree)`` where ``closed(leaves, free_values)`` rebuilds its output leaves for new
    inputs and ``free`` lists the enclosing program's traced values it read."""
    ins = _fresh(arg_leaves)
    out = fn(ins)
    outs, out_tree = pytree.flatten(out)
    try:
        outs = [as_var(o) for o in outs]
    except TypeError:
        raise TypeError(f"{what} must return arrays or numbers{_here()}") from None
    free = traced_free(outs, ins)

    def closed(leaves, free_values):
        values = list(leaves) + list(free_values)
        rebuilt = substitute(outs, dict(zip(ins + free, [as_var(v) for v in values])))
        if any(isinstance(v, Var) and not v.is_const for v in values):
            return rebuilt
        # NOTE: on concrete values (an eager call, or a solver's Python loop) substitution only builds a
        # graph of constants; JAX would have run the function, so evaluate it and give arrays back
        return interpret(Graph([], rebuilt), [])[0]
    return closed, free, out_tree


def _tree_sub(a, b):
    return [x - y for x, y in zip(a, b)]


def custom_linear_solve(matvec, b, solve, transpose_solve=None, symmetric=False, has_aux=False):
    """``solve(matvec, b)``: the solution x of ``matvec(x) = b`` (``b`` a pytree, ``matvec`` linear), with the
    derivative of ``A^{-1} b`` in ``b`` and in the values ``matvec`` reads, computed by solving again
    (``solve`` for forward mode; ``transpose_solve(vecmat, g)``, or ``solve`` when ``symmetric``, for reverse
    mode), never by differentiating the solver. With ``has_aux`` ``solve`` returns ``(x, aux)`` and so does
    this; ``aux`` has no derivative."""
    from ..api import jvp, vjp
    from ..custom_derivatives import custom_jvp, custom_vjp
    for name, f in (("matvec", matvec), ("solve", solve)):
        if not callable(f):
            raise TypeError(f"lax.custom_linear_solve: {name} must be callable, got {type(f).__name__}{_here()}")
    b_leaves, b_tree = pytree.flatten(b)
    mv, mv_free, mv_tree = _convert(lambda xs: matvec(pytree.unflatten(b_tree, xs)), b_leaves,
                                    "lax.custom_linear_solve: matvec")
    if mv_tree != b_tree:
        raise TypeError(f"lax.custom_linear_solve: matvec must return the structure of b ({b_tree}), got "
                        f"{mv_tree}{_here()}")
    nb, nm = len(b_leaves), len(mv_free)

    def run_solve(rhs, mvc):
        out = solve(lambda x: pytree.unflatten(b_tree, mv(pytree.flatten(x)[0], mvc)),
                    pytree.unflatten(b_tree, rhs))
        if has_aux:
            if not isinstance(out, (tuple, list)) or len(out) != 2:
                raise TypeError(f"lax.custom_linear_solve: with has_aux, solve must return (x, aux){_here()}")
            return list(pytree.flatten(out[0])[0]), out[1]
        return list(pytree.flatten(out)[0]), None
    if not any(isinstance(v, Var) and not v.is_const for v in b_leaves) and not mv_free:
        x, aux = run_solve(b_leaves, [])
        x = pytree.unflatten(b_tree, x)
        return (x, aux) if has_aux else x
    sv, sv_free, out_tree = _convert(lambda leaves: run_solve(leaves[:nb], leaves[nb:]),
                                     list(b_leaves) + list(mv_free), "lax.custom_linear_solve: solve")

    def solved(rhs, mvc, svc):
        return sv(list(rhs) + list(mvc), svc)

    def vecmat_at(mvc):
        zeros = [np.zeros(v.shape, v.dtype) for v in _fresh(b_leaves)]
        _, pullback = vjp(lambda *x: mv(list(x), mvc), *zeros)
        return lambda y: pytree.unflatten(b_tree, list(pullback(list(pytree.flatten(y)[0]))))

    transposable = symmetric or transpose_solve is not None
    if transposable and not symmetric:
        def transposed(leaves):
            out = transpose_solve(vecmat_at(leaves[nb:]), pytree.unflatten(b_tree, leaves[:nb]))
            return list(pytree.flatten(out[0] if has_aux else out)[0])
        ts, ts_free, _ = _convert(transposed, list(b_leaves) + list(mv_free),
                                  "lax.custom_linear_solve: transpose_solve")
    else:
        ts_free = []

    @custom_vjp
    def linear(rhs, mvc, svc, tsc):
        return solved(rhs, mvc, svc)[:nb]

    def linear_fwd(rhs, mvc, svc, tsc):
        return linear(rhs, mvc, svc, tsc), (mvc, svc, tsc)

    def linear_bwd(res, g):
        mvc, svc, tsc = res
        back = solved(g, mvc, svc)[:nb] if symmetric else ts(list(g) + list(mvc), tsc)
        return list(back), None, None, None
    linear.defvjp(linear_fwd, linear_bwd)

    @custom_jvp
    def whole(rhs, mvc, svc, tsc):
        return solved(rhs, mvc, svc)

    @whole.defjvp
    def whole_jvp(primals, tangents):
        rhs, mvc, svc, tsc = primals
        drhs, dmvc, _, _ = tangents
        out = solved(rhs, mvc, svc)
        x = out[:nb]
        if nm:
            _, da_x = jvp(lambda *c: mv(x, list(c)), tuple(mvc), tuple(dmvc))
            drhs = _tree_sub(drhs, da_x)
        dx = linear(list(drhs), mvc, svc, tsc) if transposable else solved(drhs, mvc, svc)[:nb]
        return out, list(dx) + [v * 0 for v in out[nb:]]
    x, aux = pytree.unflatten(out_tree, whole([as_var(v) for v in b_leaves], list(mv_free), list(sv_free),
                                          list(ts_free)))
    x = pytree.unflatten(b_tree, x)
    return (x, aux) if has_aux else x


def custom_root(f, initial_guess, solve, tangent_solve, has_aux=False):
    """``solve(f, initial_guess)``: a root x of ``f`` (``f(x) = 0``, x a pytree like ``initial_guess``), with
    its derivative in the values ``f`` reads by the implicit function theorem: the tangent is
    ``-tangent_solve(g, ∂f/∂θ dθ)`` where ``g`` is ``f``'s linearization in x at the root (``tangent_solve(g,
    y)`` solves ``g(v) = y``); reverse mode transposes ``tangent_solve``. With ``has_aux`` ``solve`` returns
    ``(x, aux)`` and so does this."""
    from ..api import jvp
    from ..custom_derivatives import custom_jvp
    for name, fn in (("f", f), ("solve", solve), ("tangent_solve", tangent_solve)):
        if not callable(fn):
            raise TypeError(f"lax.custom_root: {name} must be callable, got {type(fn).__name__}{_here()}")
    g_leaves, g_tree = pytree.flatten(initial_guess)
    fx, f_free, f_tree = _convert(lambda xs: f(pytree.unflatten(g_tree, xs)), g_leaves, "lax.custom_root: f")
    if f_tree != g_tree:
        raise TypeError(f"lax.custom_root: f must return the structure of initial_guess ({g_tree}), got "
                        f"{f_tree}{_here()}")
    ng = len(g_leaves)

    def run_solve(guess, fc):
        out = solve(lambda x: pytree.unflatten(g_tree, fx(pytree.flatten(x)[0], fc)),
                    pytree.unflatten(g_tree, guess))
        if has_aux:
            if not isinstance(out, (tuple, list)) or len(out) != 2:
                raise TypeError(f"lax.custom_root: with has_aux, solve must return (x, aux){_here()}")
            return list(pytree.flatten(out[0])[0]), out[1]
        return list(pytree.flatten(out)[0]), None
    if not any(isinstance(v, Var) and not v.is_const for v in g_leaves) and not f_free:
        x, aux = run_solve(g_leaves, [])
        x = pytree.unflatten(g_tree, x)
        return (x, aux) if has_aux else x
    sv, sv_free, out_tree = _convert(lambda leaves: run_solve(leaves[:ng], leaves[ng:]), list(g_leaves) + list(f_free),
                              "lax.custom_root: solve")

    @custom_jvp
    def root(guess, fc, svc):
        return sv(list(guess) + list(fc), svc)

    @root.defjvp
    def root_jvp(primals, tangents):
        guess, fc, svc = primals
        _, dfc, _ = tangents
        out = sv(list(guess) + list(fc), svc)
        x = out[:ng]
        if f_free:
            _, rhs = jvp(lambda *c: fx(x, list(c)), tuple(fc), tuple(dfc))
        else:
            rhs = [v * 0 for v in x]

        def linearized(v):
            return pytree.unflatten(g_tree, jvp(lambda *y: fx(list(y), fc), tuple(x),
                                                tuple(pytree.flatten(v)[0]))[1])
        dx = tangent_solve(linearized, pytree.unflatten(g_tree, list(rhs)))
        return out, [-d for d in pytree.flatten(dx)[0]] + [v * 0 for v in out[ng:]]
    x, aux = pytree.unflatten(out_tree, root([as_var(v) for v in g_leaves], list(f_free), list(sv_free)))
    x = pytree.unflatten(g_tree, x)
    return (x, aux) if has_aux else x
