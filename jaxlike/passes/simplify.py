"""The rewrite engine (``rewrite``) and the algebraic rule table (``simplify``).

``rewrite(graph, table)`` walks the graph once, inputs before users. Each node is rebuilt on its rewritten
inputs and hash-consed (same primitive, inputs and attrs: one node; equal small constants: one constant), then
offered to the rules that ``table`` lists under its primitive's name. A rule is ``(node) -> Var | None``, named
``<from>_to_<to>``, with a docstring giving the identity. What a rule returns is hash-consed and rewritten in turn
before it replaces the node, so one walk reaches the fixpoint of rules that look only at a node's producers (all
rules here do). A replacement must have the node's dtype and shape (every dim ``dims_equal``); one that
differs only by broadcasting is broadcast back and anything else is dropped, so no rewrite changes an output's
dtype or a symbolic size.

Every pass returns the very graph it was given when it changed nothing: ``pipeline`` detects its fixpoint so.
Rules run on graphs that are already differentiated and are never differentiated again, so a rule may drop a
``stop_gradient`` or rewrite a node into one without a gradient rule. Imports core and ops only.
"""

import numpy as np

from ..core.graph import Graph, Var, syms_in
from ..core.types import TensorType, is_known, dims_equal, shapes_equal as same_shape
from ..ops import math as m
from ..ops.layout import reshape, transpose, broadcast_to, expand_back
from ..ops.linalg import contract, parse_spec
from ..ops.reduce import reduce_sum
from ..ops._rules import broadcast_shapes
from ..core.errors import ShapeError
from ..core.primitive import REGISTRY, Kind
from .cse import const_key, attr_key

_MAX_DEPTH = 64          # rules firing on the results of rules, nested
_SPLAT_SCAN = 4096       # a constant larger than this is not scanned for being one repeated value


# -- the engine ---------------------------------------------------------------------------------------
class _Rewriter:
    def __init__(self, table, budget):
        self.table = table
        self.budget = budget    # rule firings left; a cycle among rules cannot run forever
        self.canon = {}         # structural key -> canonical Var
        self.done = set()       # ids of canonical Vars
        self.changed = False
        self.depth = 0

    def intern_const(self, v):
        key = const_key(v)
        c = self.canon.setdefault(key, v)
        if c is not v:
            self.changed = True
        self.done.add(c._id)
        return c

    def settle(self, v):
        """The canonical Var for ``v``, whose inputs are canonical already."""
        key = (v.prim.name, tuple(i._id for i in v.inputs), attr_key(v.attrs))
        hit = self.canon.get(key)
        if hit is not None and not same_shape(hit.type.shape, v.type.shape):
            hit = None      # NOTE: its sizes are other symbols, which later nodes name; CSE maps them
        if hit is not None:
            if hit is not v:
                self.changed = True
            return hit
        out = v
        if self.budget > 0 and self.depth < _MAX_DEPTH:
            for rule in self.table.get(v.prim.name, ()):
                new = rule(v)
                if new is None or new is v:
                    continue
                new = fit(new, v)
                if new is None:
                    continue
                self.budget -= 1
                self.changed = True
                self.depth += 1
                try:
                    out = self.absorb(new)
                finally:
                    self.depth -= 1
                break
        self.canon[key] = out
        self.done.add(out._id)
        return out

    def absorb(self, root):
        """Canonicalize the nodes a rule built (those not canonical yet), inputs first; returns root's."""
        if root._id in self.done:
            return root
        order, seen, stack = [], set(), [(root, False)]
        while stack:
            v, expanded = stack.pop()
            if expanded:
                order.append(v)
                continue
            if v._id in seen or v._id in self.done:
                continue
            seen.add(v._id)
            stack.append((v, True))
            stack.extend((i, False) for i in v.inputs if i._id not in self.done)
        local = {}
        for v in order:
            if v.is_const:
                local[v._id] = self.intern_const(v)
            elif v.prim is None:
                self.done.add(v._id)
                local[v._id] = v
            else:
                local[v._id] = self.settle(rebuild(v, [local.get(i._id, i) for i in v.inputs]))
        return local[root._id]


def rewrite(graph, table, budget=None):
    """Apply the rules of ``table`` (primitive name -> sequence of rules) to ``graph`` until none fires, with
    hash-consing. Returns ``graph`` itself when nothing changed."""
    nodes = graph.nodes()
    rw = _Rewriter(table, 4 * len(nodes) + 256 if budget is None else budget)
    memo = {}
    for v in nodes:
        if v.is_const:
            memo[v._id] = rw.intern_const(v)
        elif v.prim is None:
            rw.done.add(v._id)
            memo[v._id] = v
        else:
            memo[v._id] = rw.settle(rebuild(v, [memo[i._id] for i in v.inputs]))
    if not rw.changed:
        return graph
    return Graph(graph.inputs, [memo[o._id] for o in graph.outputs],
                 [(s, memo[u._id]) for s, u in graph.updates])


def rebuild(v, inputs):
    """``v`` on new inputs of the same types, keeping its type and attrs (no shape rule runs, so symbolic sizes
    that ``v``'s shape rule made up stay the same Syms)."""
    if all(a is b for a, b in zip(inputs, v.inputs)):
        return v
    return Var(v.type, v.prim, inputs, v.attrs, name=v.name, source=v.source)


def fit(new, v):
    """``new`` as a drop-in for ``v``: the same Var when the types agree, broadcast when only size-1 or missing
    leading dims differ, None when the dtype or a size differs.

    The weak flag may differ: it steers promotion only while nodes are bound, and the nodes of a built graph
    keep their types when their inputs are replaced (``rebuild``), so it cannot change a computed dtype. (A
    rule that binds new nodes over a replaced input sees the dtype rule again; ``fit`` checks its result.)"""
    t, u = new.type, v.type
    if t.dtype != u.dtype:
        return None
    if same_shape(t.shape, u.shape):
        return new
    if t.ndim > u.ndim:
        return None
    off = u.ndim - t.ndim
    for i, d in enumerate(t.shape):
        if not (is_known(d) and d == 1) and not dims_equal(d, u.shape[off + i]):
            return None
    return broadcast_to(new, shape=u.shape)


# -- helpers the rule tables share --------------------------------------------------------------------
def is_op(v, name):
    return v.prim is not None and v.prim.name == name


def splat(v):
    """The one value every element of ``v`` has, when ``v`` is a constant (possibly reshaped or broadcast);
    else None. NaN never matches, so no rule treats a NaN constant as 0 or 1."""
    while is_op(v, "broadcast_to") or is_op(v, "reshape"):
        v = v.inputs[0]
    if not v.is_const or v.value.size == 0 or v.value.size > _SPLAT_SCAN:
        return None
    arr = v.value
    first = arr.flat[0]
    if arr.size > 1 and not np.all(arr == first):
        return None
    if first != first:
        return None
    return first.item()


def is_value(v, x):
    s = splat(v)
    return s is not None and s == x


def constant(value, like):
    """A scalar constant of ``like``'s dtype and weak flag (``fit`` broadcasts it to ``like``'s shape)."""
    arr = np.asarray(value, dtype=like.dtype)
    arr.flags.writeable = False
    return Var(TensorType(like.dtype, (), weak=like.type.weak), value=arr)


def negated(u):
    """``a`` when ``u`` is ``-a`` (``neg(a)``, ``-1 * a`` or ``a * -1``), else None."""
    if is_op(u, "neg"):
        return u.inputs[0]
    if is_op(u, "mul"):
        a, b = u.inputs
        if is_value(a, -1) and fit(b, u) is not None:
            return b
        if is_value(b, -1) and fit(a, u) is not None:
            return a
    return None


def negate(u):
    """``-u``, without a double negation."""
    a = negated(u)
    return a if a is not None and a.type == u.type else m.neg(u)


def _attr_syms_bound_by(v, x):
    """Whether every symbolic size in ``v``'s attrs is a size of ``x`` (so ``v`` on input ``x`` can resolve its
    attrs even if the node between them, which may be where a size first appears, is gone)."""
    have = syms_in(x.type.shape)
    return all(any(s is h for h in have) for s in syms_in(v.attrs))


# -- algebraic rules ----------------------------------------------------------------------------------
def mul_one_to_x(v):
    """x * 1 -> x and 1 * x -> x (exact, NaN and -0.0 included)."""
    a, b = v.inputs
    if is_value(b, 1):
        return a
    if is_value(a, 1):
        return b
    return None


def mul_zero_to_zeros(v):
    """x * 0 -> 0 for integer and boolean x only: for floats 0 * inf and 0 * NaN are NaN, so it is no identity."""
    if v.dtype.kind not in "iub":
        return None
    a, b = v.inputs
    if is_value(a, 0) or is_value(b, 0):
        return constant(0, v)
    return None


def mul_minus_one_to_neg(v):
    """x * -1 -> -x and -1 * x -> -x (exact for floats, NaN and -0.0 included, and signed integers)."""
    if v.dtype.kind not in "if":
        return None
    a, b = v.inputs
    if is_value(b, -1):
        return m.neg(a)
    if is_value(a, -1):
        return m.neg(b)
    return None


def add_zero_to_x(v):
    """x + 0 -> x and 0 + x -> x (exact except that -0.0 + 0 is +0.0)."""
    a, b = v.inputs
    if is_value(b, 0):
        return a
    if is_value(a, 0):
        return b
    return None


def add_neg_to_sub(v):
    """x + (-y) -> x - y and (-y) + x -> x - y (IEEE subtraction is addition of the negation: exact)."""
    a, b = v.inputs
    if is_op(b, "neg"):
        return m.sub(a, b.inputs[0])
    if is_op(a, "neg"):
        return m.sub(b, a.inputs[0])
    return None


def sub_zero_to_x(v):
    """x - 0 -> x (exact, -0.0 included)."""
    a, b = v.inputs
    return a if is_value(b, 0) else None


def sub_from_zero_to_neg(v):
    """0 - x -> -x (exact except for the sign of a zero result)."""
    a, b = v.inputs
    return m.neg(b) if is_value(a, 0) else None


def sub_neg_to_add(v):
    """x - (-y) -> x + y (exact)."""
    return m.add(v.inputs[0], v.inputs[1].inputs[0]) if is_op(v.inputs[1], "neg") else None


def div_one_to_x(v):
    """x / 1 -> x (exact)."""
    return v.inputs[0] if is_value(v.inputs[1], 1) else None


def div_minus_one_to_neg(v):
    """x / -1 -> -x (exact)."""
    return m.neg(v.inputs[0]) if is_value(v.inputs[1], -1) else None


def pow_one_to_x(v):
    """x ** 1 -> x (exact)."""
    a, b = v.inputs
    return a if is_value(b, 1) else None


def pow_zero_to_one(v):
    """x ** 0 -> 1 (IEEE pow gives 1 for every x, NaN and inf included; so does integer pow)."""
    a, b = v.inputs
    return constant(1, v) if is_value(b, 0) and v.dtype.kind in "iuf" else None


def pow_small_int_to_mul(v):
    """x ** 2 -> x * x (the correctly rounded square, as pow's), x ** 3 -> x * x * x, x ** 4 -> (x * x) ** 2:
    multiplies, which vectorize, instead of a C pow call per element (~10x slower); 3 and 4 round two or
    three times (within 1.5 ulp here, as JAX's integer_pow); integers give pow's exact (wrapping) result."""
    a, b = v.inputs
    if v.dtype.kind not in "iuf" or not any(is_value(b, k) for k in (2, 3, 4)):
        return None
    square = m.mul(a, a)
    if is_value(b, 2):
        return square
    return m.mul(square, a) if is_value(b, 3) else m.mul(square, square)


def pow_half_to_sqrt(v):
    """x ** 0.5 -> sqrt(x): faster and correctly rounded (differs only at -0.0 and -inf, where pow gives +0.0
    and +inf and sqrt gives -0.0 and NaN)."""
    a, b = v.inputs
    return m.sqrt(a) if is_value(b, 0.5) else None


def pow_minus_one_to_reciprocal(v):
    """x ** -1 -> 1 / x for floats (integers to negative powers are an error, which must stay one)."""
    a, b = v.inputs
    if is_value(b, -1) and v.dtype.kind == "f":
        return m.div(constant(1, v), a)
    return None


def neg_neg_to_x(v):
    """-(-x) -> x (exact)."""
    (a,) = v.inputs
    return a.inputs[0] if is_op(a, "neg") else None


def neg_const_to_const(v):
    """-c -> the constant -c, whatever its size (it is no bigger than c)."""
    (a,) = v.inputs
    if not a.is_const:
        return None
    arr = np.asarray(np.negative(a.value), dtype=v.dtype)
    arr.flags.writeable = False
    return Var(v.type, value=arr)


def exp_log_to_x(v):
    """exp(log(x)) -> x (equal where the original is defined, x >= 0)."""
    (a,) = v.inputs
    return a.inputs[0] if is_op(a, "log") else None


def log_exp_to_x(v):
    """log(exp(x)) -> x for reals (the original overflows to inf for x > 709 in float64, 88 in float32). Not
    for complex x: log takes the principal branch, so log(exp(2j * pi)) is 0."""
    (a,) = v.inputs
    return a.inputs[0] if is_op(a, "exp") and v.dtype.kind != "c" else None


def transpose_identity_to_x(v):
    """transpose(x, (0, 1, ..., n-1)) -> x."""
    perm = dict(v.attrs)["perm"]
    return v.inputs[0] if tuple(perm) == tuple(range(len(perm))) else None


def transpose_transpose_to_transpose(v):
    """transpose(transpose(x, p), q) -> transpose(x, p[q]) (x itself when that is the identity)."""
    (a,) = v.inputs
    if not is_op(a, "transpose"):
        return None
    p, q = dict(a.attrs)["perm"], dict(v.attrs)["perm"]
    perm = tuple(p[j] for j in q)
    x = a.inputs[0]
    if perm == tuple(range(len(perm))):
        return x
    return transpose(x, perm=perm)


def contract_transpose_to_contract(v):
    """contract(transpose(x, p), y) -> contract(x, y) with x's indices permuted (either operand, both): BLAS
    reads a transposed operand where it lies, so the transpose need not be written out first."""
    a, b = v.inputs
    sa, sb, so = parse_spec(dict(v.attrs)["spec"])
    if not (is_op(a, "transpose") or is_op(b, "transpose")):
        return None

    def untransposed(x, letters):
        if not is_op(x, "transpose"):
            return x, letters
        perm = dict(x.attrs)["perm"]
        src = [""] * len(perm)
        for i, p in enumerate(perm):
            src[p] = letters[i]
        return x.inputs[0], "".join(src)
    a, sa = untransposed(a, sa)
    b, sb = untransposed(b, sb)
    return contract(a, b, spec=f"{sa},{sb}->{so}")


def contract_outer_to_mul(v):
    """contract(x, y) that is no matrix product -> x * y, summed over the contracted indices: either no index
    is shared ('i,j->ij', an outer product) or neither operand has an index of its own ('ij,ij->i', row dot
    products). Each operand is transposed to the result's index order (contracted indices last) and given
    size-1 dims for the other's: one fused loop instead of a GEMM with an inner dimension of 1 writing a
    temporary (the per-sample SGD update w - lr * outer(d, h) becomes one loop) or one GEMM per row (1000
    rows of 1000: 2.2 ms, numpy's einsum 0.56)."""
    a, b = v.inputs
    sa, sb, so = parse_spec(dict(v.attrs)["spec"])
    if not (not set(sa) & set(sb) or set(sa) == set(sb)) or v.dtype.kind not in "fc":
        return None
    order = so + "".join(sorted(set(sa) - set(so), key=sa.index))

    def placed(x, letters):
        perm = tuple(sorted(range(len(letters)), key=lambda i: order.index(letters[i])))
        if perm != tuple(range(len(letters))):
            x = transpose(x, perm=perm)
        return expand_back(x, {i for i, ch in enumerate(order) if ch not in letters}, len(order))
    product = m.mul(placed(a, sa), placed(b, sb))
    return reduce_sum(product, axes=tuple(range(len(so), len(order)))) if len(order) > len(so) else product


def reshape_noop_to_x(v):
    """reshape(x, shape of x) -> x."""
    (a,) = v.inputs
    return a if same_shape(a.shape, v.shape) else None


def reshape_reshape_to_reshape(v):
    """reshape(reshape(x, s), t) -> reshape(x, t): a reshape depends only on its input's element order."""
    (a,) = v.inputs
    if not is_op(a, "reshape"):
        return None
    x = a.inputs[0]
    if same_shape(x.shape, v.shape):
        return x
    if not _attr_syms_bound_by(v, x):
        return None
    return rebuild(v, [x])


def broadcast_noop_to_x(v):
    """broadcast_to(x, shape of x) -> x."""
    (a,) = v.inputs
    return a if same_shape(a.shape, v.shape) else None


def broadcast_broadcast_to_broadcast(v):
    """broadcast_to(broadcast_to(x, s), t) -> broadcast_to(x, t) (broadcasting composes)."""
    (a,) = v.inputs
    if not is_op(a, "broadcast_to"):
        return None
    return rebuild(v, [a.inputs[0]])


def sum_broadcast_to_scaled_sum(v):
    """sum(broadcast_to(x, s), axes) -> sum(x, axes') * n when every broadcast dim is summed over: the n copies
    of each element need no loop (n, the product of the broadcast sizes, must be a known nonzero int)."""
    (b,) = v.inputs
    if not is_op(b, "broadcast_to"):
        return None
    x = b.inputs[0]
    axes = set(dict(v.attrs)["axes"])
    off = b.ndim - x.ndim
    n = 1
    for j in range(b.ndim):
        d = b.shape[j]
        expanded = j < off or (is_known(x.shape[j - off]) and x.shape[j - off] == 1
                               and not (is_known(d) and d == 1))
        if not expanded:
            continue
        if j not in axes or not is_known(d):
            return None
        n *= d
    if n == 0:
        return None
    inner = tuple(j - off for j in sorted(axes) if j >= off)
    s = reduce_sum(x, axes=inner) if inner else x
    s = s if s.dtype == v.dtype else m.convert(s, dtype=v.dtype)    # NOTE: a small int's sum is int64 (numpy's)
    return s if n == 1 else m.mul(s, n)


def sum_no_axes_to_x(v):
    """sum(x, axes=()) -> x."""
    return v.inputs[0] if not dict(v.attrs)["axes"] else None


def sum_neg_to_neg_sum(v):
    """sum(-x, axes) -> -sum(x, axes): the negation runs on the smaller result (exact for floats; an integer's
    negation wraps around in its own width, -int8(-128) is -128, before the sum widens it)."""
    (a,) = v.inputs
    return m.neg(reduce_sum(a.inputs[0], **dict(v.attrs))) if is_op(a, "neg") and a.dtype.kind in "fc" else None


def sum_div_to_div_sum(v):
    """sum(x / d, axes) -> sum(x, axes) / d when d is constant along ``axes`` (size 1 there, as a keepdims
    reduction is): one division per result element instead of one per summed element. Softmax gradients
    take this form, and ``stabilize`` recognizes the quotient of sums that results. Not for integers, which
    divide as floats each before the sum (summed first they would wrap around)."""
    (q,) = v.inputs
    if not is_op(q, "div"):
        return None
    x, d = q.inputs
    axes = dict(v.attrs)["axes"]
    if not same_shape(x.shape, q.shape) or d.ndim > q.ndim or x.dtype.kind not in "fc":
        return None
    padded = (1,) * (q.ndim - d.ndim) + tuple(d.shape)
    if not all(is_known(padded[j]) and padded[j] == 1 for j in axes):
        return None
    target = tuple(k for j, k in enumerate(padded) if j not in axes)
    dr = d if same_shape(target, d.shape) else reshape(d, shape=target)
    return m.div(reduce_sum(x, axes=axes), dr)


def broadcast_operand_to_operand(v):
    """op(broadcast_to(x, s), y) -> op(x, y) for an elementwise op whose result keeps its shape without the
    broadcast: elementwise ops broadcast by themselves, without a materialized copy."""
    for k, a in enumerate(v.inputs):
        if not is_op(a, "broadcast_to"):
            continue
        inputs = list(v.inputs)
        inputs[k] = a.inputs[0]
        try:
            shape = broadcast_shapes(*[i.shape for i in inputs])
        except ShapeError:
            continue
        if same_shape(shape, v.shape):
            return rebuild(v, inputs)
    return None


def convert_same_to_x(v):
    """convert(x, dtype of x) -> x."""
    (a,) = v.inputs
    return a if a.dtype == v.dtype else None


def stop_gradient_to_x(v):
    """stop_gradient(x) -> x: passes run after differentiation, where it is the identity."""
    return v.inputs[0]


def select_const_to_branch(v):
    """select(True, a, b) -> a and select(False, a, b) -> b (condition constant everywhere)."""
    c, a, b = v.inputs
    s = splat(c)
    if s is None:
        return None
    return a if s else b


SIMPLIFY = {
    "mul": (mul_one_to_x, mul_zero_to_zeros, mul_minus_one_to_neg),
    "add": (add_zero_to_x, add_neg_to_sub),
    "sub": (sub_zero_to_x, sub_from_zero_to_neg, sub_neg_to_add),
    "div": (div_one_to_x, div_minus_one_to_neg),
    "pow": (pow_one_to_x, pow_zero_to_one, pow_small_int_to_mul, pow_half_to_sqrt, pow_minus_one_to_reciprocal),
    "neg": (neg_neg_to_x, neg_const_to_const),
    "exp": (exp_log_to_x,),
    "log": (log_exp_to_x,),
    "transpose": (transpose_identity_to_x, transpose_transpose_to_transpose),
    "reshape": (reshape_noop_to_x, reshape_reshape_to_reshape),
    "contract": (contract_outer_to_mul, contract_transpose_to_contract),
    "broadcast_to": (broadcast_noop_to_x, broadcast_broadcast_to_broadcast),
    "reduce_sum": (sum_no_axes_to_x, sum_broadcast_to_scaled_sum, sum_neg_to_neg_sum, sum_div_to_div_sum),
    "convert": (convert_same_to_x,),
    "stop_gradient": (stop_gradient_to_x,),
    "select": (select_const_to_branch,),
}


_TABLE = {}


def simplify_table():
    """SIMPLIFY plus ``broadcast_operand_to_operand`` for every elementwise primitive registered so far
    (rebuilt when primitives are added after import)."""
    if _TABLE.get("size") != len(REGISTRY):
        table = dict(SIMPLIFY)
        for name, prim in REGISTRY.items():
            if prim.kind is Kind.ELEMENTWISE:
                table[name] = table.get(name, ()) + (broadcast_operand_to_operand,)
        _TABLE.update(size=len(REGISTRY), table=table)
    return _TABLE["table"]


def simplify(graph):
    """Algebraic simplification with CSE, to a fixpoint. Returns ``graph`` itself when nothing applies.

    >>> x = Var(TensorType("float64", (3,)))
    >>> simplify(Graph([x], [m.mul(x, 1.0)])).outputs[0] is x
    True
    """
    return rewrite(graph, simplify_table())
