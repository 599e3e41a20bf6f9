"""The JAX-style front end: ``grad``, ``value_and_grad``, ``vjp``, ``jvp``, ``linearize``,
``jacrev``/``jacfwd``/``jacobian``, ``hessian``, ``linear_transpose``, ``vmap`` (in ``_vmap``), and ``jit``, ``pmap``,
``make_jaxpr``, ``eval_shape``, ``typeof``.
Thin: it traces, calls ``autodiff``, and either evaluates (concrete arguments) or substitutes into the
enclosing trace (traced arguments), so transformations nest: ``grad(grad(f))``, ``compile(grad(f))``,
``grad(compile(f))``.

Each transformation differentiates with respect to *fresh* Vars and substitutes the real arguments afterwards,
which keeps nested derivatives of the same value apart (no perturbation confusion).
"""

import functools
import inspect

import numpy as np

from . import pytree
from ._evaluate import fresh as _fresh, finish as _finish
from ._vmap import vmap
from .core.graph import Var, Graph
from .core.types import type_of_value
from .core.errors import ConcretizationError, TracerBoolError, user_frame, where
from .autodiff import backward, forward, zeros_like, ones_like
from .autodiff.batching import batch, basis
from .passes.stabilize import stabilized
from .core.types import TensorType, is_known
from .runtime.trace import as_output, trace
from .runtime.compiled import compile
from . import numpy as jnp
from .dtypes import float0

__all__ = ["grad", "value_and_grad", "vjp", "jvp", "linearize", "jacrev", "jacfwd", "jacobian", "hessian", "vmap",
           "compile", "jit", "pmap", "make_jaxpr", "eval_shape", "ShapeDtypeStruct", "linear_transpose", "typeof"]


def _argnums_tuple(argnums, nargs, fname):
    nums = (argnums,) if isinstance(argnums, (int, np.integer)) else argnums
    if not isinstance(nums, (tuple, list)) or not all(isinstance(i, (int, np.integer)) for i in nums):
        raise TypeError(f"{fname}: argnums must be an int or a tuple of ints, got {argnums!r}")
    for i in nums:
        if not -nargs <= i < nargs:
            raise ValueError(f"{fname}: argnums={argnums} but the function was called with {nargs} arguments")
    return tuple(i % nargs for i in nums)


def _prepare(args, nums, fname, need_float=True):
    """Replace the differentiated arguments by fresh Vars. Returns (new_args, fresh, actual, trees)."""
    new_args = list(args)
    fresh, actual, trees = [], [], []
    made = {}       # NOTE: argnums=(1, 1) differentiates one argument twice (JAX gives both the gradient)
    for i in nums:
        leaves, tree = pytree.flatten(args[i])
        if i in made:
            fresh += made[i]
            actual += leaves
            trees.append((tree, len(made[i])))
            continue
        vars_ = []
        for x in leaves:
            v = _fresh(x, f"{fname}: argument {i}")
            if need_float and v.dtype.kind not in "fc":
                raise TypeError(f"{fname} requires floating-point inputs (real or complex), but argument {i} "
                                f"has dtype {v.dtype}{' (a Python int: write 15.0, not 15)' if isinstance(x, int) else ''}; "
                                "integer and boolean inputs have no gradient")
            vars_.append(v)
        new_args[i] = pytree.unflatten(tree, vars_)
        made[i] = vars_
        fresh += vars_
        actual += leaves
        trees.append((tree, len(vars_)))
    return new_args, fresh, actual, trees


def _regroup(flat, trees, single):
    out, k = [], 0
    for tree, n in trees:
        out.append(pytree.unflatten(tree, flat[k:k + n]))
        k += n
    return out[0] if single else tuple(out)


def _check_holomorphic(fresh, nums, fname):
    for v in fresh:
        if v.dtype.kind != "c":
            raise TypeError(f"{fname}(holomorphic=True) requires complex inputs, but an input of argument(s) "
                            f"{list(nums)} has dtype {v.dtype}; convert it with .astype(jnp.complex128)")


def _check_output_kind(out, holomorphic, fname):
    if holomorphic and out.dtype.kind != "c":
        raise TypeError(f"{fname}(holomorphic=True) requires a complex output, got {out.dtype}")
    if not holomorphic and out.dtype.kind != "f":
        hint = ("; for a holomorphic function pass holomorphic=True, otherwise differentiate a real "
                "function of it (abs, .real, .imag)") if out.dtype.kind == "c" else ""
        raise TypeError(f"{fname} requires a real floating-point output, got {out.dtype}{hint}")


def _split_aux(out, fname):
    """``(output, aux leaves as Vars, aux treedef)`` of a ``has_aux`` function's result: the aux is evaluated
    (or substituted) with the outputs, so it comes back as values, not as graph nodes."""
    if not (isinstance(out, (tuple, list)) and len(out) == 2):
        got = f"{type(out).__name__} of length {len(out)}" if isinstance(out, (tuple, list)) else \
            "an array" if isinstance(out, Var) or hasattr(out, "shape") else type(out).__name__
        raise TypeError(f"{fname}: has_aux=True requires the function to return a pair (output, aux), got {got}"
                        f"{where(user_frame())}")
    out, aux = out
    aux_leaves, aux_tree = pytree.flatten(aux)
    return out, [as_output(a) for a in aux_leaves], aux_tree


def value_and_grad(fun, argnums=0, has_aux=False, holomorphic=False, allow_int=False):
    """Function returning ``(fun(*args), gradient)``; ``fun`` must return a real scalar (with ``has_aux``:
    ``(scalar, aux)``, and the result is ``((value, aux), gradient)``). ``allow_int``: integer and boolean
    arguments may be differentiated; their gradient is float0 zeros, as in JAX.

    Complex arguments follow JAX's convention: for a real ``fun`` of ``z = x + iy`` the gradient is
    ``df/dx - 1j * df/dy`` (step along its conjugate to descend). With ``holomorphic=True`` the arguments and
    the output are complex and the result is the complex derivative ``f'(z)``."""

    def value_and_grad_fun(*args, **kwargs):
        # NOTE: keyword arguments reach fun as they are, not differentiated (JAX's rule)
        nums = _argnums_tuple(argnums, len(args), "grad")
        new_args, fresh, actual, trees = _prepare(args, nums, "grad", need_float=not allow_int)
        if holomorphic:
            _check_holomorphic(fresh, nums, "grad")
        out = fun(*new_args, **kwargs)
        aux_leaves, aux_tree = [], None
        if has_aux:
            out, aux_leaves, aux_tree = _split_aux(out, "grad")
        if isinstance(out, (tuple, list, dict)):
            raise TypeError(f"grad requires a scalar-valued function, but it returned a {type(out).__name__}; "
                            "for (value, auxiliary data) pass has_aux=True, for several outputs use "
                            "jaxlike.vjp or jaxlike.jacobian")
        out = as_output(out)
        if out.ndim != 0:
            raise TypeError(f"grad requires a scalar-valued function, but the output has type {out.type!r}; "
                            "use jaxlike.vjp or jaxlike.jacobian for non-scalar outputs")
        _check_output_kind(out, holomorphic, "grad")
        (out,) = stabilized([out])
        grads = backward([out], [ones_like(out)], fresh)
        grads = [g if g is not None else zeros_like(f) for g, f in zip(grads, fresh)]
        vals = _finish(fresh, actual, [out] + grads + aux_leaves)
        vals[1:1 + len(grads)] = [np.zeros(np.shape(v), float0) if f.dtype.kind not in "fc" and not isinstance(v, Var)
                                  else v for v, f in zip(vals[1:1 + len(grads)], fresh)]
        value, g = vals[0], _regroup(vals[1:1 + len(grads)], trees, isinstance(argnums, int))
        if has_aux:
            return (value, pytree.unflatten(aux_tree, vals[1 + len(grads):])), g
        return value, g

    value_and_grad_fun.__name__ = f"value_and_grad({getattr(fun, '__name__', 'f')})"
    return value_and_grad_fun


def grad(fun, argnums=0, has_aux=False, holomorphic=False, allow_int=False):
    """Gradient of a real scalar function with respect to argument(s) ``argnums`` (complex arguments and
    ``holomorphic``: see ``value_and_grad``).

    >>> float(grad(lambda x: jnp.exp(jnp.sin(x ** 2)))(15.0))  # doctest: +ELLIPSIS
    4.347404090...
    >>> complex(grad(lambda z: jnp.abs(z) ** 2)(3 + 4j))
    (6-8j)
    """
    vg = value_and_grad(fun, argnums, has_aux, holomorphic, allow_int)

    def grad_fun(*args, **kwargs):
        (v, g) = vg(*args, **kwargs)
        if has_aux:
            return g, v[1]
        return g

    grad_fun.__name__ = f"grad({getattr(fun, '__name__', 'f')})"
    return grad_fun


def vjp(fun, *primals, has_aux=False):
    """``(fun(*primals), vjp_fn)`` where ``vjp_fn(cotangent)`` returns one cotangent per primal; with
    ``has_aux`` ``fun`` returns ``(output, aux)`` and the result is ``(output, vjp_fn, aux)``."""
    nums = tuple(range(len(primals)))
    new_args, fresh, actual, trees = _prepare(primals, nums, "vjp")
    out = fun(*new_args)
    aux_leaves, aux_tree = [], None
    if has_aux:
        out, aux_leaves, aux_tree = _split_aux(out, "vjp")
    out_leaves, out_tree = pytree.flatten(out)
    out_leaves = stabilized([as_output(o) for o in out_leaves])
    cts = [Var(o.type) for o in out_leaves]
    grads = backward(out_leaves, cts, fresh)
    grads = [g if g is not None else zeros_like(f) for g, f in zip(grads, fresh)]
    values = _finish(fresh, actual, out_leaves + aux_leaves)
    primal_out = pytree.unflatten(out_tree, values[:len(out_leaves)])

    def vjp_fn(cotangent):
        ct_leaves, ct_tree = pytree.flatten(cotangent)
        if ct_tree != out_tree:
            raise TypeError(f"vjp_fn: cotangent structure {ct_tree} does not match the output structure {out_tree}")
        ct_leaves = [_like_primal(c, o.type, "vjp_fn", ("cotangent", "output"), f"cotangent{p}")
                     for c, o, p in zip(ct_leaves, out_leaves, pytree.leaf_paths(cotangent))]
        vals = _finish(fresh + cts, actual + ct_leaves, grads)
        return _regroup(vals, trees, False)

    if has_aux:
        return primal_out, vjp_fn, pytree.unflatten(aux_tree, values[len(out_leaves):])
    return primal_out, vjp_fn


def _tangent_leaves(primals, tangents, fresh, fname, label, float0_ok=False):
    """The tangents' leaves, checked against the primals' (``fresh``: their Vars, in leaf order): the same
    structure, shapes and dtypes (see ``_like_primal``). ``label``: how the message names tangent i. With
    ``float0_ok`` an integer or boolean primal takes a float0 tangent of its shape, as in JAX, and its leaf
    here is None (it has no tangent)."""
    types, out = iter([f.type for f in fresh]), []
    for i, (p, t) in enumerate(zip(primals, tangents)):
        ptree, ttree = pytree.flatten(p)[1], pytree.flatten(t)[1]
        if ptree != ttree:
            raise TypeError(f"{fname}: tangent structure {ttree} does not match primal structure {ptree} "
                            f"({label(i)})")
        for leaf, path in zip(pytree.flatten(t)[0], pytree.leaf_paths(t)):
            want = next(types)
            if float0_ok and want.dtype.kind not in "fc":
                out.append(_float0_tangent(leaf, want, fname, f"{label(i)}{path}"))
            else:
                out.append(_like_primal(leaf, want, fname, ("tangent", "primal"), f"{label(i)}{path}"))
    return out


def _float0_tangent(value, want, fname, label):
    """None for the float0 tangent of an integer or boolean primal; JAX's TypeError for any other."""
    dtype = getattr(value, "dtype", None)
    if dtype != float0:
        raise TypeError(f"{fname}: {label} has dtype {dtype or type(value).__name__} but its primal has "
                        f"{want.dtype}: the tangent of an integer or boolean primal has dtype float0 "
                        f"(np.zeros(shape, jaxlike.dtypes.float0)){where(user_frame())}")
    if np.ndim(value) != want.ndim or any(is_known(d) and d != s for d, s in zip(want.shape, np.shape(value))):
        raise ValueError(f"{fname}: {label} has shape {np.shape(value)} but its primal has {want!r}")
    return None


def _like_primal(value, want, fname, kinds, label):
    """A tangent (cotangent) leaf checked against ``want``, its primal's (output's) type: the same shape
    (ValueError, as in JAX) and dtype (TypeError, as in JAX: a float32 or integer tangent for a float64
    primal would otherwise be converted silently). A Python number of the primal's kind takes its dtype
    (JAX's weak types); an integer output's cotangent, which cannot change a gradient, is not checked (JAX
    wants float0 there). Returns the value, cast where it takes the primal's dtype."""
    kind, ref = kinds
    try:
        got = value.type if isinstance(value, Var) else type_of_value(value)
    except TypeError:
        raise TypeError(f"{fname}: {label} must be an array or a number, got {type(value).__name__}") from None
    if got.ndim != want.ndim or any(is_known(a) and is_known(b) and a != b for a, b in zip(got.shape, want.shape)):
        rank = f" (rank {got.ndim}, not {want.ndim})" if got.ndim != want.ndim else ""
        raise ValueError(f"{fname}: {label} has shape {_shape_str(got)} but its {ref} has {_shape_str(want)}{rank}: "
                         f"the {kind} shape must be the {ref}'s{where(user_frame())}")
    if got.dtype == want.dtype:
        return value
    if not (got.weak and got.dtype.kind == want.dtype.kind) and want.dtype.kind in "fc":
        raise TypeError(f"{fname}: {label} has dtype {got.dtype} but its {ref} has {want.dtype}: a {kind} has its "
                        f"{ref}'s dtype (cast it with .astype({want.dtype.name!r})){where(user_frame())}")
    return jnp.astype(value, want.dtype) if isinstance(value, Var) else np.asarray(value, want.dtype)


def _shape_str(t):
    return "(" + ", ".join(map(str, t.shape)) + ("," if t.ndim == 1 else "") + ")"


def jvp(fun, primals, tangents, has_aux=False):
    """``(fun(*primals), J @ tangents)``: forward-mode derivative; with ``has_aux`` ``fun`` returns ``(output,
    aux)`` and the result is ``(output, tangent, aux)``, as in JAX."""
    for name, given in (("primals", primals), ("tangents", tangents)):
        if not isinstance(given, (tuple, list)):
            raise TypeError(f"jvp: {name} must be a tuple or list of the function's arguments, got "
                            f"{type(given).__name__}; wrap a single argument as ({name[:-1]},)")
    primals, tangents = tuple(primals), tuple(tangents)
    if len(primals) != len(tangents):
        raise ValueError(f"jvp: {len(primals)} primals but {len(tangents)} tangents")
    nums = tuple(range(len(primals)))
    new_args, fresh, actual, trees = _prepare(primals, nums, "jvp", need_float=False)
    tan_leaves = _tangent_leaves(primals, tangents, fresh, "jvp", lambda i: f"tangents[{i}]", float0_ok=True)
    tvars = [Var(f.type) if t is not None else None for f, t in zip(fresh, tan_leaves)]
    out = fun(*new_args)
    aux_leaves, aux_tree = [], None
    if has_aux:
        out, aux_leaves, aux_tree = _split_aux(out, "jvp")
    out_leaves, out_tree = pytree.flatten(out)
    out_leaves = stabilized([as_output(o) for o in out_leaves])
    # NOTE: the outputs as forward mode rebuilt them: a loop's values then come from its tangent loop
    out_leaves, touts = forward(out_leaves, fresh, tvars, with_primals=True)
    touts = [t if t is not None else zeros_like(o) for t, o in zip(touts, out_leaves)]
    given = [k for k, t in enumerate(tvars) if t is not None]
    vals = _finish(fresh + [tvars[k] for k in given], actual + [tan_leaves[k] for k in given],
                   out_leaves + touts + aux_leaves)
    n = len(out_leaves)
    # NOTE: an integer or boolean output's tangent is float0 zeros, as in JAX, when the values are concrete;
    # inside a trace it stays zeros of its dtype (a float0 array cannot be a graph value)
    tangents_out = [np.zeros(np.shape(t), float0) if not isinstance(t, Var) and o.dtype.kind in "biu" else t
                    for t, o in zip(vals[n:2 * n], out_leaves)]
    result = pytree.unflatten(out_tree, vals[:n]), pytree.unflatten(out_tree, tangents_out)
    return result + (pytree.unflatten(aux_tree, vals[2 * n:]),) if has_aux else result


def _over_argnums(one, fun, argnums, fname, holomorphic, has_aux):
    """A Jacobian function from a one-argument one, nested as JAX nests it: the output's tree outside, then
    (for a tuple ``argnums``) one entry per argument, then each argument's tree, each leaf of shape
    ``out_leaf.shape + in_leaf.shape``. With ``has_aux``: ``(jacobian, aux)``."""

    def jac_fun(*args, **kwargs):
        nums = _argnums_tuple(argnums, len(args), fname)
        bound = functools.partial(fun, **kwargs) if kwargs else fun   # NOTE: not differentiated, as in JAX
        per_arg = [one(bound, i, args, fname, holomorphic, has_aux) for i in nums]
        out_tree = per_arg[0][0]
        blocks = [tuple(jacs[j] for _, jacs, _ in per_arg) for j in range(out_tree.num_leaves)]
        jac = pytree.unflatten(out_tree, [b[0] if isinstance(argnums, int) else b for b in blocks])
        # NOTE: fun ran once per argument in argnums; every run computed the same aux
        return (jac, per_arg[0][2]) if has_aux else jac

    jac_fun.__name__ = f"{fname}({getattr(fun, '__name__', 'f')})"
    return jac_fun


def _jacobian_setup(fun, args, i, fname, holomorphic, has_aux):
    """Argument ``i``'s leaves as fresh Vars, ``fun``'s output leaves over them, and its aux (leaves, tree)."""
    new_args, fresh, actual, trees = _prepare(args, (i,), fname)
    if holomorphic:
        _check_holomorphic(fresh, (i,), fname)
    out = fun(*new_args)
    aux = _split_aux(out, fname)[1:] if has_aux else ([], None)
    out_leaves, out_tree = pytree.flatten(out[0] if has_aux else out)
    out_leaves = [as_output(o) for o in out_leaves]
    return fresh, actual, trees[0][0], stabilized(out_leaves), out_tree, aux


def _regroup_jacobians(fresh, actual, in_tree, out_tree, blocks, aux):
    """``blocks[j][k]`` (output leaf j by input leaf k) and the aux evaluated, as ``(out_tree, [in_tree of
    blocks], aux)``."""
    n_in, (aux_leaves, aux_tree) = len(fresh), aux
    flat = [b for row in blocks for b in row] if n_in else []
    flat = _finish(fresh, actual, flat + aux_leaves) if flat or aux_leaves else []
    jacs = [pytree.unflatten(in_tree, flat[j * n_in:(j + 1) * n_in]) for j in range(len(blocks))]
    aux_value = pytree.unflatten(aux_tree, flat[len(flat) - len(aux_leaves):]) if aux_tree is not None else None
    return out_tree, jacs, aux_value


def _jacrev_one(fun, i, args, fname, holomorphic, has_aux):
    fresh, actual, in_tree, outs, out_tree, aux = _jacobian_setup(fun, args, i, fname, holomorphic, has_aux)
    blocks = []
    for out in outs:
        # NOTE: JAX refuses an integer or boolean output too (its Jacobian rows were silently zeros here)
        if out.dtype.kind != "f" or holomorphic:
            _check_output_kind(out, holomorphic, fname)
        ct = Var(out.type)
        grads = backward([out], [ct], fresh)
        grads = [g if g is not None else zeros_like(x) for g, x in zip(grads, fresh)]
        # NOTE: one VJP applied to all basis cotangents at once (batched), not one graph per output element
        cts, n_out = basis(out)
        rows = batch(grads, [ct], [cts], n_out)
        blocks.append([jnp.reshape(r, tuple(out.shape) + tuple(x.shape)) for r, x in zip(rows, fresh)])
    return _regroup_jacobians(fresh, actual, in_tree, out_tree, blocks, aux)


def _jacfwd_one(fun, i, args, fname, holomorphic, has_aux):
    fresh, actual, in_tree, outs, out_tree, aux = _jacobian_setup(fun, args, i, fname, holomorphic, has_aux)
    for x in fresh:
        if x.dtype.kind == "c" and not holomorphic:
            raise TypeError(f"{fname} with a complex input (argument {i}, {x.dtype}) requires holomorphic=True; "
                            "for a real function of it use jacrev or grad")
    if holomorphic:
        for out in outs:
            _check_output_kind(out, holomorphic, fname)
    blocks = [[] for _ in outs]
    for x in fresh:
        t = Var(x.type)
        touts = forward(outs, [x], [t])
        touts = [tout if tout is not None else zeros_like(out) for tout, out in zip(touts, outs)]
        # NOTE: one JVP per input leaf applied to all its basis tangents at once (batched)
        ts, n_in = basis(x)
        for row, out, cols in zip(blocks, outs, batch(touts, [t], [ts], n_in)):
            jac = jnp.moveaxis(jnp.reshape(cols, (n_in, -1)), 0, -1)
            row.append(jnp.reshape(jac, tuple(out.shape) + tuple(x.shape)))
    return _regroup_jacobians(fresh, actual, in_tree, out_tree, blocks, aux)


def jacrev(fun, argnums=0, has_aux=False, holomorphic=False):
    """Jacobian by reverse mode: one VJP per output leaf, batched over its basis; result shape
    ``out.shape + x.shape``, as a pytree for pytree outputs and arguments (see ``_over_argnums``). Complex
    outputs need ``holomorphic=True``. With ``has_aux`` ``fun`` returns ``(output, aux)`` and the result is
    ``(jacobian, aux)``."""
    return _over_argnums(_jacrev_one, fun, argnums, "jacrev", holomorphic, has_aux)


def jacfwd(fun, argnums=0, has_aux=False, holomorphic=False):
    """Jacobian by forward mode: one JVP per input leaf, batched over its basis; result shape
    ``out.shape + x.shape``, as a pytree for pytree outputs and arguments (see ``_over_argnums``). Complex
    inputs need ``holomorphic=True``. ``has_aux``: as in ``jacrev``."""
    return _over_argnums(_jacfwd_one, fun, argnums, "jacfwd", holomorphic, has_aux)


jacobian = jacrev


def hessian(fun, argnums=0, has_aux=False, holomorphic=False):
    """Matrix of second derivatives: ``jacfwd(jacrev(fun))``. For a tuple of ``argnums`` the result is the
    nested tuple ``H[i][j]`` of blocks d2 fun / d x_i d x_j. With ``has_aux``: ``(hessian, aux)``."""
    if isinstance(argnums, int):
        return jacfwd(jacrev(fun, argnums, has_aux, holomorphic), argnums, has_aux, holomorphic)

    def hess(*args):
        nums = _argnums_tuple(argnums, len(args), "hessian")
        rows = [[jacfwd(jacrev(fun, i, has_aux, holomorphic), j, has_aux, holomorphic)(*args) for j in nums]
                for i in nums]
        if not has_aux:
            return tuple(tuple(row) for row in rows)
        return tuple(tuple(h for h, _ in row) for row in rows), rows[0][0][1]

    return hess


def jit(fun=None, *, static_argnums=(), static_argnames=(), donate_argnums=(), device=None):
    """JAX's spelling of ``compile``. ``static_argnames`` become positions of ``fun``'s parameters;
    ``donate_argnums`` is accepted and ignored (jaxlike never reuses an argument's memory for a result)."""
    if fun is None:
        return lambda f: jit(f, static_argnums=static_argnums, static_argnames=static_argnames,
                             donate_argnums=donate_argnums, device=device)
    nums = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)
    names = (static_argnames,) if isinstance(static_argnames, str) else tuple(static_argnames)
    if names:
        sig = inspect.signature(fun).parameters
        params = list(sig)
        fname = getattr(fun, "__name__", "the function")
        for n in names:
            if n not in params:
                raise ValueError(f"jit: static_argnames {n!r} is not a parameter of {fname} (its parameters: "
                                 f"{params})")
            before = [sig[p].kind for p in params[:params.index(n) + 1]]
            if inspect.Parameter.VAR_POSITIONAL in before or sig[n].kind is inspect.Parameter.VAR_KEYWORD:
                raise ValueError(f"jit: static_argnames {n!r} of {fname} has no fixed position (it is, or "
                                 "follows, *args or **kwargs); give the static argument a parameter of its own")
        nums += tuple(params.index(n) for n in names if params.index(n) not in nums)
    return compile(fun, static_argnums=tuple(sorted(nums)), device=device)


def pmap(fun, axis_name=None, *, in_axes=0, out_axes=0, static_broadcasted_argnums=(), devices=None, backend=None,
         axis_size=None, donate_argnums=(), global_arg_shapes=None):
    """JAX's ``pmap`` on the one device jaxlike runs on: ``compile(vmap(fun, in_axes, out_axes, axis_name))``,
    so the collectives over ``axis_name`` work and the mapped axis may have any size (JAX asks for one device
    per element). ``static_broadcasted_argnums`` are compiled in as static arguments, never mapped; ``devices``,
    ``backend`` and ``donate_argnums`` are accepted and change nothing here."""
    static = ((static_broadcasted_argnums,) if isinstance(static_broadcasted_argnums, int)
              else tuple(static_broadcasted_argnums))
    if global_arg_shapes is not None:
        raise TypeError("pmap: global_arg_shapes was removed from JAX; leave it out" + where(user_frame()))

    def per_call(*args):
        dyn = [k for k in range(len(args)) if k not in static]
        axes_in = in_axes
        if isinstance(in_axes, (tuple, list)) and len(in_axes) == len(args):
            axes_in = tuple(in_axes[k] for k in dyn)

        def inner(*dyn_args):
            merged = list(args)
            for k, a in zip(dyn, dyn_args):
                merged[k] = a
            return fun(*merged)
        return vmap(inner, in_axes=axes_in, out_axes=out_axes, axis_name=axis_name, axis_size=axis_size)(
            *[args[k] for k in dyn])

    per_call.__name__ = f"pmap({getattr(fun, '__name__', 'f')})"
    return compile(per_call, static_argnums=static)


def make_jaxpr(fun, static_argnums=()):
    """``make_jaxpr(f)(*args)``: the typed graph ``f`` traces to for these arguments (sizes symbolic), as
    ``jax.make_jaxpr`` shows a jaxpr. Print it, or read ``.inputs``, ``.outputs`` and ``.eqns()``."""
    nums = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)

    def traced(*args):
        dyn = [a for i, a in enumerate(args) if i not in nums]

        def body(*dyn_args):
            it = iter(dyn_args)
            return fun(*[a if i in nums else next(it) for i, a in enumerate(args)])

        try:
            inputs, outputs, _ = trace(body, dyn)
        except TracerBoolError:
            raise
        except ConcretizationError:
            inputs, outputs, _ = trace(body, dyn, concrete_shapes=True)
        return Graph(inputs, outputs)

    return traced


class ShapeDtypeStruct:
    """A shape and a dtype: what ``eval_shape`` returns for each output."""

    __slots__ = ("shape", "dtype")

    def __init__(self, shape, dtype):
        self.shape, self.dtype = tuple(shape), np.dtype(dtype)

    @property
    def ndim(self):
        return len(self.shape)

    def __eq__(self, other):
        return isinstance(other, ShapeDtypeStruct) and (self.shape, self.dtype) == (other.shape, other.dtype)

    def __hash__(self):
        return hash((self.shape, self.dtype))

    def __repr__(self):
        return f"ShapeDtypeStruct(shape={self.shape}, dtype={self.dtype.name})"


def eval_shape(fun, *args):
    """The shapes and dtypes of ``fun(*args)`` without computing it (arguments may be arrays or
    ``ShapeDtypeStruct``s): the function is traced with the arguments' exact sizes."""
    leaves, tree = pytree.flatten(list(args))
    typed = [Var(TensorType(a.dtype, a.shape)) if isinstance(a, ShapeDtypeStruct) else a for a in leaves]
    inputs, outputs, out_tree = trace(fun, pytree.unflatten(tree, typed), concrete_shapes=True)
    return pytree.unflatten(out_tree, [ShapeDtypeStruct(tuple(int(d) for d in o.shape), o.dtype) for o in outputs])


def typeof(x):
    """The shape and dtype of ``x`` (an array, a number or a traced value) as a ``ShapeDtypeStruct``."""
    t = x.type if isinstance(x, Var) else type_of_value(x)
    return ShapeDtypeStruct(t.shape, t.dtype)


def linear_transpose(fun, *primals):
    """The transpose of the linear function ``fun``: ``linear_transpose(fun, *primals)(cotangent)`` is the
    tuple of cotangents, one per primal, of ``cotangent`` mapped back through ``fun`` (only the primals'
    shapes and dtypes matter, as in JAX). ``fun`` must be linear: for a non-linear one the result is the
    transpose of its derivative at ``primals``."""
    if not callable(fun):
        raise TypeError(f"linear_transpose: fun must be callable, got {type(fun).__name__}{where(user_frame())}")
    _, transpose = vjp(fun, *primals)
    return transpose


def linearize(fun, *primals, has_aux=False):
    """``(fun(*primals), f_jvp)`` where ``f_jvp(*tangents)`` is the Jacobian-vector product at ``primals``:
    the linear map of ``jvp``, traced once and evaluated for each tangent. With ``has_aux`` ``fun`` returns
    ``(output, aux)`` and the result is ``(output, f_jvp, aux)``."""
    nums = tuple(range(len(primals)))
    new_args, fresh, actual, trees = _prepare(primals, nums, "linearize")
    out = fun(*new_args)
    aux_leaves, aux_tree = [], None
    if has_aux:
        out, aux_leaves, aux_tree = _split_aux(out, "linearize")
    out_leaves, out_tree = pytree.flatten(out)
    out_leaves = stabilized([as_output(o) for o in out_leaves])
    tvars = [Var(f.type) for f in fresh]
    touts = forward(out_leaves, fresh, tvars)
    touts = [t if t is not None else zeros_like(o) for t, o in zip(touts, out_leaves)]
    values = _finish(fresh, actual, out_leaves + aux_leaves)
    primal_out = pytree.unflatten(out_tree, values[:len(out_leaves)])

    def f_jvp(*tangents):
        if len(tangents) != len(primals):
            raise TypeError(f"linearize: f_jvp takes {len(primals)} tangents, got {len(tangents)}")
        leaves = _tangent_leaves(primals, tangents, fresh, "linearize", lambda i: f"tangent {i}")
        return pytree.unflatten(out_tree, _finish(fresh + tvars, actual + leaves, touts))

    if has_aux:
        return primal_out, f_jvp, pytree.unflatten(aux_tree, values[len(out_leaves):])
    return primal_out, f_jvp
