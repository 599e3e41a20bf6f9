"""``vmap``: a function mapped over an axis of its arguments, as one batched graph (``autodiff.batching``).
Its ``in_axes`` and ``out_axes`` are JAX's tree prefixes of the arguments and outputs (``pytree.broadcast_prefix``);
keyword arguments are mapped along their axis 0, as in JAX."""

import contextlib

import numpy as np

from . import pytree
from ._evaluate import fresh, finish
from .autodiff.batching import batch_with_flags
from .core import axes as named_axes, effects
from .core.errors import user_frame, where
from .core.graph import Var, as_var
from .ops.layout import broadcast_to
from .core.types import TensorType, dims_equal, is_known
from .runtime.trace import as_output
from . import numpy as jnp


def _check_axes_spec(spec, name):
    """``spec`` canonical (a list is a tuple, as JAX reads it) after checking its leaves are ints or None."""
    if isinstance(spec, list):
        spec = tuple(spec)
    bad = [a for a in pytree.flatten(spec, lambda a: a is None)[0]
           if a is not None and (not isinstance(a, (int, np.integer)) or isinstance(a, bool))]
    if bad:
        raise TypeError(f"vmap: {name} must be an int, None, or a (nested) tuple/list/dict of them, but it holds "
                        f"{bad[0]!r} (of type {type(bad[0]).__name__}){where(user_frame())}")
    if name == "in_axes" and isinstance(spec, dict):
        raise TypeError("vmap: in_axes must be an int, None or a tuple with one entry per positional argument, "
                        f"got a dict; for a dict argument write in_axes=({spec!r},){where(user_frame())}")
    return spec


def _prefix(spec, tree, what):
    try:
        return pytree.broadcast_prefix(spec, tree, what)
    except ValueError as e:
        raise ValueError(f"{e}{where(user_frame())}") from None


def vmap(fun, in_axes=0, out_axes=0, axis_name=None, axis_size=None, spmd_axis_name=None):
    """``fun`` mapped over an axis of its arguments: ``vmap(f)(xs)[i] == f(xs[i])``, computed as one batched
    graph (no Python loop, no per-element graph).

    ``in_axes``: an int or None (not mapped) for every argument, or a tuple with one entry per positional
    argument, each an int, None or a tree prefix of that argument (``({'w': None, 'b': 0}, 0)``): an int or None
    there applies to every array under it. Keyword arguments are mapped along axis 0. ``out_axes``: the same
    for the output, where None returns an output that does not depend on the mapped arguments without the axis.
    ``axis_size``: the mapped size, needed when no argument is mapped. ``axis_name`` names the axis for the
    collectives in ``fun`` (``lax.psum``, ``pmean``, ``pmax``, ``pmin``, ``all_gather``, ``axis_index``:
    ``core/axes.py``). ``spmd_axis_name`` (device meshes) is refused: jaxlike maps on one device."""
    if spmd_axis_name is not None:
        raise NotImplementedError(f"vmap: spmd_axis_name={spmd_axis_name!r} is not supported: it shards the mapped "
                                  f"axis over a device mesh, and jaxlike runs on one device{where(user_frame())}")
    if axis_name is not None:
        try:
            hash(axis_name)
        except TypeError:
            raise TypeError(f"vmap: axis_name must be hashable, got {axis_name!r}{where(user_frame())}") from None
    if axis_size is not None and (not isinstance(axis_size, (int, np.integer)) or isinstance(axis_size, bool)
                                  or axis_size < 0):
        raise TypeError(f"vmap: axis_size must be a non-negative int, got {axis_size!r}{where(user_frame())}")
    in_axes = _check_axes_spec(in_axes, "in_axes")
    out_axes = _check_axes_spec(out_axes, "out_axes")

    def vmapped(*args, **kwargs):
        if isinstance(in_axes, tuple) and len(in_axes) != len(args):
            raise ValueError(f"vmap: in_axes has {len(in_axes)} entries for {len(args)} arguments: give one entry "
                             f"per positional argument (keyword arguments are mapped along axis 0)"
                             f"{where(user_frame())}")
        per_arg = in_axes if isinstance(in_axes, tuple) else (in_axes,) * len(args)
        axes = [ax for i, (a, spec) in enumerate(zip(args, per_arg))
                for ax in _prefix(spec, a, f"vmap: in_axes[{i}]")]
        labels = [p for i, a in enumerate(args) for p in pytree.leaf_paths(a, f"argument {i}")]
        for k in sorted(kwargs):
            labels += pytree.leaf_paths(kwargs[k], f"keyword argument {k!r}")
        leaves, tree = pytree.flatten((list(args), kwargs))
        axes += [0] * (len(leaves) - len(axes))
        size = axis_size
        new_leaves, singles, fulls, actual = list(leaves), [], [], []
        for j, (leaf, ax, label) in enumerate(zip(leaves, axes, labels)):
            if ax is None:
                continue
            nd = leaf.ndim if isinstance(leaf, Var) else np.ndim(leaf)
            if not -nd <= ax < nd:
                raise ValueError(f"vmap: in_axes={ax!r} for {label} of rank {nd}: the axis must be in "
                                 f"[{-nd}, {nd}){where(user_frame())}")
            moved = jnp.moveaxis(leaf, ax, 0) if isinstance(leaf, Var) else np.moveaxis(np.asarray(leaf), ax, 0)
            full = fresh(moved, f"vmap: {label}")
            n = full.shape[0]
            if size is not None and is_known(size) and is_known(n) and size != n:
                given = f"axis_size={size}" if size is axis_size else f"one mapped axis has size {size}"
                raise ValueError(f"vmap: mapped axes have different sizes: {size} and {n} ({given}, {label} has "
                                 f"{n} along axis {ax}){where(user_frame())}")
            if size is not None and not dims_equal(size, n):
                # NOTE: two symbolic sizes (a compiled caller's arguments) are taken as one
                full = Var(TensorType(full.dtype, (size,) + tuple(full.shape[1:]), weak=full.type.weak))
                # NOTE: a broadcast between the two sizes is a view, and its operand check is the call-time
                # test that they agree even where no op combines the arguments
                moved = jnp.broadcast_to(moved, full.shape)
            size = n if size is None else size
            one = Var(TensorType(full.dtype, full.shape[1:], weak=full.type.weak))
            new_leaves[j] = one
            singles.append(one)
            fulls.append(full)
            actual.append(moved)
        if size is None:
            raise ValueError("vmap needs at least one mapped argument (an in_axes entry that is not None), or "
                             f"axis_size= to give the mapped size{where(user_frame())}")
        new_args, new_kwargs = pytree.unflatten(tree, new_leaves)
        named = contextlib.nullcontext()
        if axis_name is not None:
            # NOTE: a mapped value of its own that every collective reads, so batching reaches each of them
            carrier = Var(TensorType(np.dtype(np.int8), ()))
            singles.append(carrier)
            fulls.append(Var(TensorType(np.dtype(np.int8), (size,))))
            actual.append(np.zeros(size, np.int8) if is_known(size)
                          else broadcast_to(as_var(np.int8(0)), shape=(size,)))
            named = named_axes.binding(axis_name, size, carrier)
        with named:
            out = fun(*new_args, **new_kwargs)
        out_leaves, out_tree = pytree.flatten(out)
        oaxes = _prefix(out_axes, out, "vmap: out_axes")
        out_leaves = [as_output(o) for o in out_leaves]
        prints = effects.claim(singles)     # NOTE: batched with the results; finish then runs or moves them
        with named_axes.batching(axis_name):
            results, flags = batch_with_flags(out_leaves + prints, singles, fulls, size)
        effects.give(results[len(out_leaves):])
        results, flags = results[:len(out_leaves)], flags[:len(out_leaves)]
        final = []
        for r, b, ax in zip(results, flags, oaxes):
            if ax is None:
                if b:
                    raise ValueError("vmap: out_axes=None for an output that depends on the mapped arguments: it "
                                     f"has one value per mapped element{where(user_frame())}")
                final.append(r)
                continue
            if not b:
                r = jnp.broadcast_to(r, (size,) + tuple(r.shape))
            final.append(jnp.moveaxis(r, 0, ax) if ax != 0 else r)
        return pytree.unflatten(out_tree, finish(fulls, actual, final))

    vmapped.__name__ = f"vmap({getattr(fun, '__name__', 'f')})"
    return vmapped
