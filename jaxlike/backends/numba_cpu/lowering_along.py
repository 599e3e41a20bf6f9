"""Lowerings of the scans and sorting primitives (``ops/scan.py``, ``ops/sort.py``) to the loops of
``along.py`` over (pre, n, post) views: cumsum, cumprod, linear_recurrence, argsort, searchsorted, take_along
and put_along_add; and of the random bits of ``ops/prng.py`` to ``support.threefry_fill``. Without these they
ran their numpy rules under ``numba.objmode`` (a warning, the GIL, and a Python call per use). Imports numpy, core and ops only.
"""

from ...core.graph import syms_in
from ...core.types import is_known
from .loops import np_type
from .lowering import dims3, _size_check, _view3


def _result(ctx, v, zeros=False):
    """The statement allocating node ``v``'s array, and its name."""
    out = ctx.name(v)
    ctx.made_dims[out] = [ctx.dim(d) for d in v.shape]
    return f"{out} = np.{'zeros' if zeros else 'empty'}({ctx.shape_text(v.shape)}, {np_type(v.dtype)})", out


def _scan(kind):
    def lower(ctx, v):
        (x,) = v.inputs
        attrs = dict(v.attrs)
        axis = attrs["axis"]
        alloc, out = _result(ctx, v)
        pre, n, post = dims3(ctx, v.shape, axis)
        x3 = ctx.tmp(out + "_x")
        return [alloc, f"{x3} = {_view3(ctx, x, axis)}",
                f"_al.scan3({x3}, {x3}, {out}.reshape(({pre}, {n}, {post})), {attrs['reverse']}, _al.{kind})"]
    return lower


def linear_recurrence(ctx, v):
    a, b = v.inputs
    attrs = dict(v.attrs)
    axis = attrs["axis"]
    lines = []
    for k, (da, db) in enumerate(zip(a.shape, b.shape)):
        lines += _size_check(ctx, "linear_recurrence", da, db, f"dim {k} of the coefficients")
    alloc, out = _result(ctx, v)
    pre, n, post = dims3(ctx, v.shape, axis)
    return lines + [alloc, f"_al.scan3({_view3(ctx, a, axis)}, {_view3(ctx, b, axis)}, "
                           f"{out}.reshape(({pre}, {n}, {post})), {attrs['reverse']}, _al.RECURRENCE)"]


def _sorts_values(ctx, v):
    """Whether argsort ``v`` serves only to gather its own operand in order (``jnp.sort`` without a gradient
    that reads the permutation): ``take_along`` then sorts the values itself (``along.sort3``)."""
    if v.prim is None or v.prim.name != "argsort" or v.inputs[0].dtype.kind not in "biuf":
        return False
    if v._id in ctx.outputs or any(u._id == v._id for _, u in ctx.graph.updates):
        return False
    users = ctx.users.get(v._id, [])
    return (len(users) == 1 and users[0].prim.name == "take_along" and users[0].inputs[0]._id == v.inputs[0]._id
            and users[0].inputs[1]._id == v._id and dict(users[0].attrs)["axis"] == dict(v.attrs)["axis"]
            and all(id(s) in ctx.bound for d in v.shape for s in syms_in(d)))


def argsort(ctx, v):
    (x,) = v.inputs
    axis = dict(v.attrs)["axis"]
    if _sorts_values(ctx, v):
        ctx.made_dims[ctx.name(v)] = [ctx.dim(d) for d in v.shape]
        return []       # NOTE: never computed; its one reader sorts (its sizes are bound, so none is read off it)
    alloc, out = _result(ctx, v)
    pre, n, post = dims3(ctx, v.shape, axis)
    return [alloc, f"_al.argsort3({_view3(ctx, x, axis)}, {out}.reshape(({pre}, {n}, {post})))"]


def searchsorted(ctx, v):
    a, x = v.inputs
    right = dict(v.attrs)["right"]
    if v.ndim == 0:
        return [f"{ctx.name(v)} = _al.searchsorted_one({ctx.name(a)}, {ctx.name(x)}, {right})"]
    alloc, out = _result(ctx, v)
    return [alloc, f"_al.searchsorted({ctx.name(a)}, {ctx.name(x)}.ravel(), {out}.reshape(-1), {right})"]


def _along_checks(ctx, what, shape, idx, axis):
    lines = []
    for k, (d, di) in enumerate(zip(shape, idx.shape)):
        if k != axis:
            lines += _size_check(ctx, what, di, d, f"dim {k} of the indices")
    return lines


def take_along(ctx, v):
    x, idx = v.inputs
    axis = dict(v.attrs)["axis"]
    lines = _along_checks(ctx, "take_along", x.shape, idx, axis)
    alloc, out = _result(ctx, v)
    pre, m, post = dims3(ctx, v.shape, axis)
    if _sorts_values(ctx, idx):
        return [alloc, f"_al.sort3({_view3(ctx, x, axis)}, {out}.reshape(({pre}, {m}, {post})))"]
    return lines + [alloc, f"_al.take_along3({_view3(ctx, x, axis)}, {_view3(ctx, idx, axis, 'int64')}, "
                           f"{out}.reshape(({pre}, {m}, {post})), {axis}, {repr('take_along' + ctx.where_text)})"]


def put_along_add(ctx, v):
    g, idx = v.inputs
    attrs = dict(v.attrs)
    axis = attrs["axis"]
    lines = _along_checks(ctx, "put_along_add", attrs["shape"], idx, axis)
    for k, (dg, di) in enumerate(zip(g.shape, idx.shape)):
        lines += _size_check(ctx, "put_along_add", dg, di, f"dim {k} of the updates")
    alloc, out = _result(ctx, v, zeros=True)
    pre, n, post = dims3(ctx, v.shape, axis)
    return lines + [alloc, f"_al.put_along3({_view3(ctx, g, axis, v.dtype)}, {_view3(ctx, idx, axis, 'int64')}, "
                           f"{out}.reshape(({pre}, {n}, {post})), {axis}, {repr('put_along_add' + ctx.where_text)})"]


def threefry2x32(ctx, v):
    (key,) = v.inputs
    alloc, out = _result(ctx, v)
    shape = dict(v.attrs)["shape"]
    if any(is_known(d) and d == 0 for d in shape):
        return [alloc]  # NOTE: an empty draw reads no key
    n = " * ".join(ctx.dim(d) for d in shape) or "1"
    k = ctx.name(key)
    check = [f"if {k}.shape[-1] != 2:",
             f"    raise ShapeError('threefry2x32: a key is a uint32 array with last dim 2, got {{}}', {k}.shape[-1])"]
    fill = (f"_rt.threefry_fill(np.ascontiguousarray({k}).reshape((-1, 2)), "
            f"{out}.reshape((-1, {n}, 2)))")
    # NOTE: reshape cannot infer the -1 of an empty draw
    return check + ([alloc, fill] if all(is_known(d) for d in shape) else [alloc, f"if {n} > 0:", f"    {fill}"])


def threefry_fold(ctx, v):
    key, data = v.inputs
    alloc, out = _result(ctx, v)
    k = ctx.name(key)
    check = [f"if {k}.shape[-1] != 2:",
             f"    raise ShapeError('threefry_fold: a key is a uint32 array with last dim 2, got {{}}', {k}.shape[-1])"]
    return check + [alloc, f"_rt.threefry_fold(np.ascontiguousarray({k}).reshape((-1, 2)), "
                           f"np.ascontiguousarray({ctx.name(data)}).reshape(-1), {out}.reshape((-1, 2)))"]


LOWERINGS = {
    "threefry2x32": threefry2x32,
    "threefry_fold": threefry_fold,
    "cumsum": _scan("SUM"),
    "cumprod": _scan("PRODUCT"),
    "linear_recurrence": linear_recurrence,
    "argsort": argsort,
    "searchsorted": searchsorted,
    "take_along": take_along,
    "put_along_add": put_along_add,
}
