"""``jax.lax``'s control flow (re-exported by ``jaxlike.lax``): ``scan``, ``fori_loop``, ``while_loop``, ``map``,
``cond``, ``switch``, ``select`` (the dynamic slices loops index with are in ``dynamic_slices.py``). A loop's step is traced once into a graph, so a loop of any length compiles once and differentiates
into another loop (where a Python ``for`` under ``compile`` unrolls: a 50-step RNN's gradient took 26 s to
compile). With no traced value in sight the loop runs eagerly, as the rest of the API does. Prints in a body
(``core/effects.py``) become results of the loop: stacked outputs, carries, or a cond's outputs.
The loop itself is ``control/scan.py``; this module only builds the graph."""

import numpy as np

from .. import pytree
from ..core.graph import Var, as_var
from ..core.types import MAY_SPECIALIZE, TensorType, Sym, is_known, dims_equal, type_of_value
from ..core.errors import ConcretizationError, ShapeError, user_frame, where
from ..control.body import close_body, slice_type
from ..control.scan import make_scan
from ..control.while_loop import make_while
from ..control.cond import make_cond, mark
from ..core import effects
from ..ops.layout import broadcast_to
from ..ops.math import convert, select as _select


def _leaf_var(x, what):
    if isinstance(x, Var):
        return x
    arr = np.asarray(x)
    if arr.dtype == object or arr.dtype.kind in "USV":
        raise TypeError(f"{what}: expected arrays or numbers, got {type(x).__name__}")
    # NOTE: a numpy scalar (x[0] of a float64 array) has its dtype, as in JAX; np.float64 being a Python float
    # made a loop carry started from it weak, so a float32 step narrowed it
    return as_var(arr if isinstance(x, np.generic) else x)


def _callables(fn_name, **functions):
    """JAX's TypeError for a function argument that is not callable (it failed later as "'int' object is not
    callable", naming no argument)."""
    for name, f in functions.items():
        if not callable(f):
            raise TypeError(f"{fn_name}: {name} must be callable, got {type(f).__name__}" + where(user_frame()))


def _leaf_type(v):
    # NOTE: a Python-number carry stays weak in the first trace, so the step's own dtype can win (JAX's rule)
    return TensorType(v.dtype, v.shape, weak=v.type.weak)


def _fit_carry(out, want, path, fn_name):
    """The step's new carried value in the carried type: a weak (Python scalar) result takes the carry's
    dtype; sizes the types only assume equal are checked when the loop runs."""
    out = _leaf_var(out, f"{fn_name}: carry{path}")
    if out.dtype != want.dtype:
        if not out.type.weak:
            raise TypeError(f"{fn_name}: the carry{path} enters the step as {want!r} and leaves it as "
                            f"{out.type!r}; a loop carries one type (cast with .astype, or start from a value "
                            f"of the dtype the step returns){where(user_frame())}")
        out = convert(out, dtype=want.dtype)
    if out.ndim != want.ndim or any(is_known(a) and is_known(b) and a != b for a, b in zip(out.shape, want.shape)):
        raise ShapeError(f"{fn_name}: the carry{path} enters the step as {want!r} and leaves it as "
                         f"{out.type!r}; a loop carries one shape{where(user_frame())}")
    if not all(dims_equal(a, b) for a, b in zip(out.shape, want.shape)):
        out = broadcast_to(out, shape=want.shape)
    return out


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """``jax.lax.scan``: ``carry, y = f(carry, x)`` for each ``x`` along the leading axis of ``xs`` (a pytree);
    returns the final carry and the ``y`` s stacked. ``length`` is needed when ``xs`` is None. It may be a traced
    integer scalar, which JAX does not allow (the loop compiles once for every count; ``xs`` then need at least
    that many rows). ``unroll`` is
    accepted for compatibility (the step compiles once; numba's LLVM may unroll it)."""
    _callables("scan", f=f)
    if not isinstance(unroll, bool) and (not isinstance(unroll, (int, np.integer)) or unroll < 1):
        raise ValueError(f"scan: unroll must be a bool or a positive int, got {unroll!r}" + where(user_frame()))
    init_leaves, init_tree = pytree.flatten(init)
    x_leaves, x_tree = pytree.flatten(xs)
    init_vars = [_leaf_var(c, f"scan: init{p}") for c, p in zip(init_leaves, pytree.leaf_paths(init))]
    x_vars = [_leaf_var(x, f"scan: xs{p}") for x, p in zip(x_leaves, pytree.leaf_paths(xs))]
    for v, p in zip(x_vars, pytree.leaf_paths(xs)):
        if v.ndim == 0:
            raise ShapeError(f"scan: xs{p} is a scalar; scanned values need a leading axis to scan along"
                             + where(user_frame()))
    length = _loop_length(x_vars, length, pytree.leaf_paths(xs))
    n_carry = len(init_vars)

    def trace(types):
        body_in = [Var(t) for t in types] + [Var(slice_type(v.type)) for v in x_vars]
        out = f(pytree.unflatten(init_tree, body_in[:n_carry]), pytree.unflatten(x_tree, body_in[n_carry:]))
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise TypeError(f"scan: the step function must return a pair (new carry, per-step output), got "
                            f"{type(out).__name__}" + where(user_frame()))
        return body_in, out[0], out[1]
    init_vars, body_in, carry_out, y = _trace_step(trace, init_vars, init, "scan", "init")
    y_leaves, y_tree = pytree.flatten(y)
    y_vars = [_leaf_var(v, "scan: per-step output") for v in y_leaves]
    prints = effects.claim(body_in)     # NOTE: stacked outputs of the loop, so they run on every step
    body, captured = close_body(body_in, carry_out + y_vars + prints, 0, len(init_vars))
    # NOTE: jaxlike.checkpoint(step): reverse mode recomputes the step rather than saving what it reads of it
    body.remat = bool(getattr(f, "__jaxlike_remat__", False))
    operands = list(captured) + list(init_vars) + list(x_vars)
    finals, stacked = make_scan(body, operands, length, reverse)
    effects.give(stacked[len(y_vars):])
    return pytree.unflatten(init_tree, finals), pytree.unflatten(y_tree, stacked[:len(y_vars)])


def _trace_step(trace, init_vars, init, fn_name, init_name):
    """Trace a loop step (``trace(carry types) -> (inputs, new carry pytree, extra)``): the new carry must have
    init's structure, dtypes and shapes. A carry that starts as a Python number takes the dtype the step gives
    it (a Python number's only where that is a later kind: float for an int), by one retrace, as JAX does.
    Returns (initial values cast, inputs, new carry leaves, extra)."""
    tree = pytree.flatten(init)[1]
    types = [_leaf_type(v) for v in init_vars]
    for _ in range(2):
        position = effects.mark()
        ins, new_carry, extra = trace(types)
        outs, out_tree = pytree.flatten(new_carry)
        if out_tree != tree:
            raise TypeError(f"{fn_name}: the step returns a carry of structure {out_tree}, but {init_name} has "
                            f"{tree}" + where(user_frame()))
        retrace = [k for k, (o, c) in enumerate(zip(outs, init_vars)) if c.type.weak and isinstance(o, Var)
                   and o.dtype != c.dtype and (not o.type.weak or _KINDS.index(o.dtype.kind)
                                               > _KINDS.index(c.dtype.kind))]
        if not retrace:
            break
        effects.drop_since(position)    # NOTE: the prints of the first trace read inputs no loop will have
        for k in retrace:
            types[k] = TensorType(outs[k].dtype, types[k].shape)
    init_vars = [_cast(c, t.dtype) for c, t in zip(init_vars, types)]
    outs = [_fit_carry(o, t, p, fn_name) for o, t, p in zip(outs, types, pytree.leaf_paths(init))]
    return init_vars, ins, outs, extra


_KINDS = "buifc"    # a weak carry takes a weak step result of a later kind (2 * 1.5 is a float, as in JAX)


def _cast(v, dtype):
    if v.dtype == dtype:
        return v
    return as_var(np.asarray(v.value, dtype)) if v.is_const else convert(v, dtype=dtype)


def _loop_length(x_vars, length, paths):
    if isinstance(length, Var):
        if length.ndim != 0 or length.dtype.kind not in "iu":
            raise TypeError(f"scan: a traced length must be an integer scalar, got {length.type!r}")
        # NOTE: an extension of JAX's API (Theano's symbolic n_steps): the loop runs that many steps, reading
        # the first rows of xs (which need at least as many), and compiles once for every count
        return length
    # NOTE: a Sym is x.shape[0] under compile (a Python int to JAX): the loop keeps it symbolic
    if length is not None and not isinstance(length, (int, np.integer, Sym)):
        raise TypeError(f"scan: length must be a Python int, got {type(length).__name__}")
    lead = [v.shape[0] for v in x_vars]
    if length is None:
        if not lead:
            raise ValueError("scan: with no xs to scan, pass length=" + where(user_frame()))
        length = next((d for d in lead if is_known(d)), lead[0])
    if isinstance(length, Sym) and any(is_known(d) for d in lead):
        length = int(length)    # NOTE: checked against the known rows; under compile it retraces with sizes
    for d, p in zip(lead, paths):
        if is_known(d) and is_known(length) and d != length:
            raise ShapeError(f"scan: xs{p} has {d} rows but the loop has length {length}" + where(user_frame()))
    if is_known(length) and length < 0:
        raise ValueError(f"scan: length must be >= 0, got {length}")
    return int(length) if is_known(length) else length


def map(f, xs, *, batch_size=None):
    """``jax.lax.map``: ``f`` applied to each slice of ``xs`` along its leading axis, results stacked. With
    ``batch_size``, as JAX's: ``vmap(f)`` over that many slices at a time, the remainder in one more call."""
    _callables("map", f=f)
    if batch_size is None:
        return scan(lambda c, x: (c, f(x)), (), xs)[1]
    if not isinstance(batch_size, (int, np.integer)) or isinstance(batch_size, bool) or batch_size < 1:
        raise TypeError(f"map: batch_size must be a positive int, got {batch_size!r}" + where(user_frame()))
    from .._vmap import vmap
    from .. import numpy as jnp
    leaves, tree = pytree.flatten(xs)
    n = _leaf_var(leaves[0], "map: xs").shape[0] if leaves else None
    if not is_known(n) or n == 0:
        # NOTE: a symbolic length cannot be cut into batches when traced, and an empty one has none (it made
        # no part at all: UnboundLocalError); batches change only the order of evaluation, not the result
        return scan(lambda c, x: (c, f(x)), (), xs)[1]
    n, size = int(n), int(batch_size)
    whole = n - n % size
    batched = vmap(f)
    parts = []
    if whole:
        rows = pytree.unflatten(tree, [jnp.reshape(v[:whole], (whole // size, size) + tuple(jnp.shape(v)[1:]))
                                       for v in leaves])
        ys, ytree = pytree.flatten(scan(lambda c, x: (c, batched(x)), (), rows)[1])
        parts.append([jnp.reshape(y, (whole,) + tuple(jnp.shape(y)[2:])) for y in ys])
    if whole < n:
        ys, ytree = pytree.flatten(batched(pytree.unflatten(tree, [v[whole:] for v in leaves])))
        parts.append(ys)
    out = parts[0] if len(parts) == 1 else [jnp.concatenate(pair, axis=0) for pair in zip(*parts)]
    return pytree.unflatten(ytree, out)


def fori_loop(lower, upper, body_fun, init_val, *, unroll=None):
    """``jax.lax.fori_loop``: ``val = body_fun(i, val)`` for ``i`` in ``range(lower, upper)``. Python-int bounds
    make a scan (differentiable both ways); traced bounds make a ``while_loop`` (forward mode only).
    ``unroll`` is accepted as scan's, and refused with traced bounds as JAX does."""
    _callables("fori_loop", body_fun=body_fun)
    if all(isinstance(b, (int, np.integer, Sym)) for b in (lower, upper)):
        # NOTE: a Sym bound is a size (x.shape[0]) under compile, a Python int to JAX, so the loop is a scan
        # (reverse-differentiable); from 0 it is the length as is, otherwise int() has compile retrace with
        # concrete sizes
        length = upper if isinstance(upper, Sym) and not isinstance(lower, Sym) and lower == 0 else None
        if length is None:
            lower, upper = int(lower), int(upper)
            length = max(upper - lower, 0)
        lower = int(lower)

        def step(carry, _):
            i, val = carry
            return (i + 1, body_fun(i, val)), None
        # NOTE: a Python-int counter stays weak, so i in the step takes the carry's float dtype as JAX's int32
        # does (an int64 counter made x32 + i float64 and the loop refused its float32 carry)
        (_, val), _ = scan(step, (lower, init_val), None, length=length)
        return val
    if unroll is not None and unroll is not False and unroll != 1:
        raise ValueError("fori_loop: unroll needs Python-int loop bounds (the bounds here are traced)"
                         + where(user_frame()))
    lower_v, upper_v = _leaf_var(lower, "fori_loop: lower"), _leaf_var(upper, "fori_loop: upper")
    for b, name in ((lower_v, "lower"), (upper_v, "upper")):
        if b.ndim or b.dtype.kind not in "iu":
            raise TypeError(f"fori_loop: {name} must be an integer scalar, got {b.type!r}" + where(user_frame()))
    _, _, val = while_loop(lambda c: c[0] < c[1], lambda c: (c[0] + 1, c[1], body_fun(c[0], c[2])),
                           (convert(lower_v, dtype="int64"), convert(upper_v, dtype="int64"), init_val))
    return val


def while_loop(cond_fun, body_fun, init_val):
    """``jax.lax.while_loop``: ``val = body_fun(val)`` while ``cond_fun(val)``. Not reverse-differentiable
    (its number of steps is not known in advance; JAX refuses too): use ``scan``/``fori_loop`` with a bound."""
    _callables("while_loop", cond_fun=cond_fun, body_fun=body_fun)
    leaves, tree = pytree.flatten(init_val)
    init_vars = [_leaf_var(c, f"while_loop: init_val{p}") for c, p in zip(leaves, pytree.leaf_paths(init_val))]
    def trace(types):
        ins = [Var(t) for t in types]
        return ins, body_fun(pytree.unflatten(tree, ins)), None
    init_vars, ins, outs, _ = _trace_step(trace, init_vars, init_val, "while_loop", "init_val")
    prints = effects.claim(ins)         # NOTE: carried by the loop, so they run on every step
    types = [v.type for v in ins]
    cond_in = [Var(t) for t in types]
    pred = _leaf_var(cond_fun(pytree.unflatten(tree, cond_in)), "while_loop: cond_fun's result")
    effects.refuse_inside(cond_in, "while_loop's cond_fun")
    if pred.ndim or pred.dtype != np.bool_:
        raise TypeError(f"while_loop: cond_fun must return a boolean scalar, got {pred.type!r}" + where(user_frame()))
    tokens = [Var(p.type) for p in prints]
    finals = make_while(cond_in + [Var(p.type) for p in prints], pred, ins + tokens, outs + prints,
                        list(init_vars) + [as_var(np.array(False))] * len(prints))
    effects.give(finals[len(outs):])
    return pytree.unflatten(tree, finals[:len(outs)])


def select(pred, on_true, on_false):
    """``jax.lax.select``: elementwise choice (the shapes must match, no broadcasting of the result)."""
    return _select(pred, on_true, on_false)


_NO_OPERAND = object()


def cond(pred, true_fun, false_fun, *operands, operand=_NO_OPERAND):
    """``jax.lax.cond``: ``true_fun(*operands)`` if ``pred`` else ``false_fun(*operands)``. ``pred`` is a
    boolean or number scalar (nonzero is true, as in JAX); the branches return the same structure, shapes and
    dtypes. A traced predicate makes a ``cond`` node (control/cond.py) that runs the chosen branch only, so the
    other may fail or produce NaN unseen, in values and derivatives alike (under ``vmap`` with a batched
    predicate, and on device='cuda', every branch runs and one is selected, as JAX does under vmap); a concrete
    predicate runs one branch in Python. ``operand=`` is JAX's older spelling of one operand."""
    _callables("cond", true_fun=true_fun, false_fun=false_fun)
    if operand is not _NO_OPERAND:
        if operands:
            raise TypeError("cond: if 'operand' is passed as a keyword, no operands can be passed positionally"
                            + where(user_frame()))
        operands = (operand,)
    pred = _selector(pred, "cond", "pred", "biuf", "a boolean or number scalar")
    branches, names = [true_fun, false_fun], ["true_fun", "false_fun"]
    if not isinstance(pred, Var):
        return _run_one(0 if pred else 1, branches, names, operands, "cond")
    if pred.dtype != np.bool_:
        pred = convert(pred, dtype="bool")
    return _one_branch(convert(pred == False, dtype="int64"), branches, names, operands, "cond",  # noqa: E712
                       lambda: [pred, pred == False])  # noqa: E712


def switch(index, branches, *operands):
    """``jax.lax.switch``: ``branches[index](*operands)``; ``index`` is an integer scalar, clamped to the valid
    range as in JAX. The branches return the same structure, shapes and dtypes. Only the chosen branch runs,
    as in ``cond``."""
    branches = list(branches)
    _callables("switch", **{f"branches[{k}]": b for k, b in enumerate(branches)})
    if not branches:
        raise ValueError("switch: at least one branch is required" + where(user_frame()))
    index = _selector(index, "switch", "index", "iu", "an integer scalar")
    names = [f"branch {k}" for k in range(len(branches))]
    if not isinstance(index, Var):
        return _run_one(int(np.clip(index, 0, len(branches) - 1)), branches, names, operands, "switch")
    clamped = index if len(branches) == 1 else _clip_index(index, len(branches))
    return _one_branch(clamped, branches, names, operands, "switch",
                       lambda: [clamped == k for k in range(len(branches))])


def _selector(value, fn_name, arg, kinds, expected):
    """``cond``'s predicate or ``switch``'s index, checked to be a scalar of a dtype kind in ``kinds``
    (JAX refuses the rest; a vector predicate used to broadcast the branches elementwise). Returns the Var,
    or the concrete value as a numpy scalar."""
    if isinstance(value, Var):
        dtype, shape = value.dtype, tuple(value.shape)
    else:
        arr = np.asarray(value)
        dtype, shape = arr.dtype, arr.shape
    if shape != () or dtype.kind not in kinds:
        got = (repr(value.type) if isinstance(value, Var) else f"{type(value).__name__} {value!r}"
               if shape == () else f"{type(value).__name__} of shape {shape}")
        raise TypeError(f"{fn_name}: {arg} must be {expected}, got {got}" + where(user_frame()))
    return value if isinstance(value, Var) else arr[()]


def _run_one(taken, branches, names, operands, fn_name):
    """The concrete predicate's branch, run as Python. The other branches are traced on the operands' types
    to check that every branch returns the same types, as JAX checks them whatever the predicate."""
    result = branches[taken](*operands)
    leaves, tree = pytree.flatten(operands)
    abstract = pytree.unflatten(tree, [_abstract(x) for x in leaves])
    checked, checked_names = [], []
    for k, (branch, name) in enumerate(zip(branches, names)):
        if k == taken:
            checked.append(result)
            checked_names.append(name)
            continue
        try:
            out = branch(*abstract)
            for x in pytree.flatten(out)[0]:
                _value_type(x, name)
        except Exception:
            # NOTE: best effort: this branch does not run here, and one written for eager values (numpy
            # calls, value-dependent Python) may not trace; only a branch that traces is checked
            continue
        checked.append(out)
        checked_names.append(name)
    types, out_tree = _branch_types(checked, checked_names, fn_name)
    return pytree.unflatten(out_tree, [_as_type(x, t) for x, t in zip(pytree.flatten(result)[0], types)])


def _abstract(x):
    """An operand as an untaken branch sees it: a Var of its type (anything that is not an array as is)."""
    if isinstance(x, Var):
        return x
    try:
        return Var(type_of_value(x))
    except TypeError:
        return x


def _one_branch(index, branches, names, operands, fn_name, picks):
    """The branch ``index`` (an integer Var in range) picks, as a ``cond`` node: each branch traced on
    stand-ins of the operands' array leaves (other leaves passed as they are). Where a result's size would be
    one a branch computes, every branch is computed and ``picks()`` (boolean scalars) selects."""
    leaves, tree = pytree.flatten(operands)
    arrays = [k for k, x in enumerate(leaves) if isinstance(_abstract(x), Var)]
    traced, results, prints = [], [], []
    for branch in branches:
        start = mark()
        ins = [Var(_leaf_type(_abstract(leaves[k]))) for k in arrays]
        given = list(leaves)
        for k, v in zip(arrays, ins):
            given[k] = v
        results.append((ins, branch(*pytree.unflatten(tree, given)), start))
        prints.append(effects.claim(ins))
    types, out_tree = _branch_types([r for _, r, _ in results], names, fn_name)
    # NOTE: a branch's prints are results of the cond (the other branches give constants in their places),
    # so they run when that branch is taken
    n_prints, done = sum(len(p) for p in prints), 0
    for (ins, result, start), own in zip(results, prints):
        outs = [_fit_branch(_leaf_var(v, f"{fn_name}: a branch's result"), t)
                for v, t in zip(pytree.flatten(result)[0], types)]
        tokens = [as_var(np.array(False))] * n_prints
        tokens[done:done + len(own)] = own
        done += len(own)
        traced.append((ins, outs + tokens, start))
    out = make_cond(index, traced, [leaves[k] for k in arrays])
    if out is not None:
        effects.give(out[len(types):])
        out = out[:len(types)]
    elif n_prints:
        raise NotImplementedError(f"{fn_name}: a print inside a branch whose result has a size the branch "
                                  "computes (every branch is computed here): print outside the branches"
                                  + where(user_frame()))
    if out is None:
        if MAY_SPECIALIZE.get():
            # NOTE: every branch computed and selected differentiates the untaken one too (0 * inf: grad of
            # cond(all(x > 0), sqrt(x[:2]), ...) under compile was NaN); with concrete sizes it is one node
            raise ConcretizationError(f"{fn_name}: a branch's result has a size the branch computes; the "
                                      "branches need concrete sizes" + where(user_frame()))
        return _select_branches(picks(), branches, names, operands, fn_name)
    return pytree.unflatten(out_tree, out)


def _select_branches(picks, branches, names, operands, fn_name):
    """Every branch computed, one selected per output leaf by ``picks[k]`` (boolean scalars)."""
    results = [b(*operands) for b in branches]
    types, out_tree = _branch_types(results, names, fn_name)
    out = []
    for t, leaves in zip(types, zip(*[pytree.flatten(r)[0] for r in results])):
        vals = [_fit_branch(_leaf_var(v, f"{fn_name}: a branch's result"), t) for v in leaves]
        acc = vals[-1]
        for k in range(len(vals) - 2, -1, -1):
            acc = _select(picks[k], vals[k], acc)
        out.append(acc)
    return pytree.unflatten(out_tree, out)


def _value_type(x, what):
    if isinstance(x, Var):
        return x.type
    try:
        return type_of_value(x)
    except TypeError as e:
        raise TypeError(f"{what}: expected arrays or numbers, got {type(x).__name__} ({e})") from None


def _branch_types(results, names, fn_name):
    """The one output type per leaf that every branch's result agrees on (structure, rank, sizes, dtype).
    A Python number (weak) takes the dtype of an array of the same kind in another branch, as in JAX; any
    other difference is a TypeError naming the branches and the leaf. Returns (types, tree)."""
    flat = [pytree.flatten(r) for r in results]
    leaves0, tree0 = flat[0]
    for name, (_, tree) in zip(names[1:], flat[1:]):
        if tree != tree0:
            raise TypeError(f"{fn_name}: {names[0]} returns structure {tree0} but {name} returns {tree}; the "
                            f"branches must return the same structure{where(user_frame())}")
    paths = pytree.leaf_paths(results[0])
    types = [_value_type(x, f"{fn_name}: {names[0]}'s output{p}") for x, p in zip(leaves0, paths)]
    sources = [(names[0], t) for t in types]   # the branch each joined type comes from, for the message
    for name, (leaves, _) in zip(names[1:], flat[1:]):
        for j, (x, p) in enumerate(zip(leaves, paths)):
            t, want = _value_type(x, f"{fn_name}: {name}'s output{p}"), types[j]
            differ = None
            known_sizes = [(a, b) for a, b in zip(t.shape, want.shape) if is_known(a) and is_known(b)]
            if t.ndim != want.ndim or any(a != b for a, b in known_sizes):
                differ = "shape"
            elif t.dtype == want.dtype:
                types[j] = TensorType(want.dtype, want.shape, weak=want.weak and t.weak)
            elif t.dtype.kind != want.dtype.kind or t.weak == want.weak:
                differ = "dtype (a Python number takes the dtype of an array of its kind)"
            elif want.weak:
                types[j], sources[j] = TensorType(t.dtype, want.shape), (name, t)
            if not differ and MAY_SPECIALIZE.get() and not all(dims_equal(a, b) for a, b in zip(t.shape, want.shape)):
                # NOTE: sizes only assumed equal are checked for the branch taken alone, so a mismatch passed
                # whenever the other was taken; JAX compares the branches' shapes when traced, as concrete sizes do
                raise ConcretizationError(f"{fn_name}: the branches' results have sizes that may differ"
                                          + where(user_frame()))
            if differ:
                source, source_type = sources[j]
                leaf = f"output{p} as " if p else ""
                raise TypeError(f"{fn_name}: {source} returns {leaf}{_shown(source_type)} but {name} returns "
                                f"{_shown(t)}; the branches must agree in {differ}{where(user_frame())}")
    return types, tree0


def _shown(t):
    return f"{t!r} (a Python number)" if t.weak else repr(t)


def _as_type(x, t):
    """A branch's output leaf in the branches' common dtype (a Python number where another branch returns
    an array of its kind)."""
    if isinstance(x, Var):
        return x if x.dtype == t.dtype else convert(x, dtype=t.dtype)
    return x if t.weak or np.result_type(x) == t.dtype else np.asarray(x, t.dtype)


def _fit_branch(v, t):
    if v.dtype != t.dtype:
        v = convert(v, dtype=t.dtype)
    if not all(dims_equal(a, b) for a, b in zip(v.shape, t.shape)):
        v = broadcast_to(v, shape=t.shape)  # NOTE: sizes only assumed equal: checked when it runs
    return v


def _clip(v, hi):
    from ..ops.math import maximum, minimum
    return maximum(minimum(v, hi), 0)


def _clip_index(index, n):
    from ..ops.math import maximum, minimum
    return minimum(maximum(convert(index, dtype="int64"), 0), n - 1)


def stop_gradient(x):
    """``jax.lax.stop_gradient``: of every leaf of a pytree, as in JAX."""
    from ..numpy import stop_gradient as _stop
    leaves, tree = pytree.flatten(x)
    return pytree.unflatten(tree, [_stop(v) for v in leaves])


__all__ = ["scan", "map", "fori_loop", "while_loop", "select", "cond", "switch", "stop_gradient"]
