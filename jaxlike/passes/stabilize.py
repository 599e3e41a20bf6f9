"""Numerical stabilization: a rule table (``STABILIZE``) of rewrites that remove overflow, underflow and
cancellation, run by the engine in ``simplify``.

Forward patterns: log(sigmoid), log(1 - sigmoid), 1 - sigmoid, log(1 + x), exp(x) - 1, log(1 + exp(x)),
log(sum(exp(x))), log(softmax(x)) (so softmax cross-entropy becomes the log_softmax form), 1 / (1 + exp(-x)).
Gradient patterns: the graphs that reverse mode builds from the naive forms divide by values that underflow
(``g / sigmoid(z) * sigmoid(z)``) and multiply overflowing by underflowing factors
(``sigmoid(z) * exp(-z)``, ``g / sum(exp(x)) * exp(x)``); products are flattened to find such pairs.
Every rule's docstring gives the identity and what it removes. Imports core and ops only.
"""

from ..ops import math as m
from ..ops.layout import reshape, broadcast_to
from ..ops.reduce import reduce_sum, reduce_max
from ..core.graph import Var, Graph, free_inputs, toposort
from ..core.types import TensorType, is_known, dims_equal
from .simplify import rewrite, is_op, is_value, negated, negate, constant, same_shape as _same_shape

_MAX_FACTORS = 8


# -- pattern helpers ----------------------------------------------------------------------------------
def _one_plus(v):
    """``x`` when ``v`` is ``1 + x`` or ``x + 1``, else None."""
    if not is_op(v, "add"):
        return None
    a, b = v.inputs
    if is_value(a, 1):
        return b
    if is_value(b, 1):
        return a
    return None


def _one_plus_exp(v):
    """``u`` when ``v`` is ``1 + exp(u)`` (either order), else None."""
    e = _one_plus(v)
    return e.inputs[0] if e is not None and is_op(e, "exp") else None


def _is_neg_of(y, x):
    """Whether ``y`` is ``-x`` (or ``x`` is ``-y``)."""
    return negated(y) is x or negated(x) is y


def _factors(v):
    """A product flattened through mul and neg nodes of ``v``'s dtype, and through reshapes that only rename
    sizes (see ``_renames``): (factors in order, sign)."""
    factors, sign, stack = [], 1, [v]
    while stack:
        u = stack.pop()
        if u.dtype == v.dtype and is_op(u, "mul") and len(factors) + len(stack) < _MAX_FACTORS:
            stack.extend(reversed(u.inputs))
        elif u.dtype == v.dtype and is_op(u, "neg"):
            sign = -sign
            stack.append(u.inputs[0])
        elif u.dtype == v.dtype and _renames(u) and (is_op(u.inputs[0], "mul") or is_op(u.inputs[0], "neg")):
            stack.append(u.inputs[0])
        else:
            factors.append(u)
    return factors, sign


def _renames(u):
    """Whether ``u`` is a reshape between shapes that differ only in which symbol names a size. Reverse mode
    puts these between a cotangent typed by one op (dot's ``W.T @ d``: rows of W) and the value it belongs to
    (the activation: columns of the layer before), sizes the shape rules assumed equal and the entry checks;
    a product must be followed through them for its factors to meet."""
    if not is_op(u, "reshape"):
        return False
    x = u.inputs[0]
    return x.ndim == u.ndim and _renamed_shape(x.shape, u.shape)


def _renamed_shape(a, b):
    return len(a) == len(b) and all((is_known(x) and is_known(y) and x == y) or not (is_known(x) or is_known(y))
                                    for x, y in zip(a, b))


def _product(factors, sign, like):
    """The product of ``factors`` (left to right) times ``sign``, in ``like``'s float dtype: a cancelled
    quotient may leave an integer factor (2 / s * s -> 2), which the division had converted to float."""
    out = factors[0]
    for f in factors[1:]:
        out = m.mul(out, f)
    if out.dtype != like.dtype and out.dtype.kind in "biu" and like.dtype.kind == "f":
        out = _to_float(out, like.dtype)
    if out.ndim == like.ndim and not _same_shape(out.shape, like.shape) and _renamed_shape(out.shape, like.shape):
        out = reshape(out, shape=like.shape)    # factors found through a renaming reshape (``_factors``)
    return m.neg(out) if sign < 0 else out


def _to_float(x, dtype):
    if x.is_const:
        arr = x.value.astype(dtype)
        arr.flags.writeable = False
        return Var(TensorType(dtype, x.shape, weak=x.type.weak), value=arr)
    return m.convert(x, dtype=dtype)


def _keep_shape(x, axes):
    return tuple(1 if i in axes else d for i, d in enumerate(x.shape))


def _expand(r, x, axes):
    """``r``, a reduction of ``x`` over ``axes``, with the reduced dims put back as size 1 (keepdims)."""
    if len(axes) == x.ndim:
        return r
    return reshape(r, shape=_keep_shape(x, axes))


def _peel_expansion(d):
    """(kept, inner) for ``d`` followed down through broadcast_to nodes (to ``kept``) and at most one reshape
    (to ``inner``): how a reduction's result is put back in line with the reduced tensor."""
    while is_op(d, "broadcast_to"):
        d = d.inputs[0]
    kept = d
    if is_op(d, "reshape"):
        d = d.inputs[0]
    return kept, d


def _lines_up(kept, like, axes):
    """Whether ``kept`` (a reduction of ``like`` over ``axes``, reshaped) is that reduction with the reduced
    dims as size 1 (after numpy's leading-dim padding), so it broadcasts against ``like`` elementwise."""
    if kept.ndim > like.ndim:
        return False
    shape = (1,) * (like.ndim - kept.ndim) + tuple(kept.shape)
    for j, (k, full) in enumerate(zip(shape, like.shape)):
        if j in axes:
            if not (is_known(k) and k == 1):
                return False
        elif not dims_equal(k, full):
            return False
    return True


def _expanded_sum_of(d, e):
    """The axes when ``d`` is sum(e, axes) put back in line with ``e`` (see ``_lines_up``), else None."""
    kept, r = _peel_expansion(d)
    if not is_op(r, "reduce_sum") or r.inputs[0] is not e:
        return None
    axes = dict(r.attrs)["axes"]
    return axes if _lines_up(kept, e, axes) else None


def _nonempty(x, axes):
    """Whether no reduced dim is known to be 0 (the max of an empty slice is an error, where the naive sum of
    exps is 0; a symbolic dim is taken to be nonzero, as nn.logsumexp does)."""
    return not any(is_known(x.shape[a]) and x.shape[a] == 0 for a in axes)


def logsumexp(x, axes):
    """log(sum(exp(x), axes)) with the max subtracted first. A non-finite max is replaced by 0, as scipy does,
    so that an all -inf slice gives -inf and a +inf entry gives inf instead of NaN. An ``x`` that is
    max-subtracted already is summed as it is."""
    if _is_max_subtracted(x, axes):
        return m.log(reduce_sum(m.exp(x), axes=axes))
    mx = reduce_max(x, axes=axes)
    safe = m.select(m.isnan(m.sub(mx, mx)), constant(0, mx), mx)
    return m.add(m.log(reduce_sum(m.exp(m.sub(x, _expand(safe, x, axes))), axes=axes)), safe)


def softmax(x, axes):
    """exp(x) / sum(exp(x), axes) with the max subtracted first (the same replacement of a non-finite max)."""
    mx = reduce_max(x, axes=axes)
    safe = m.select(m.isnan(m.sub(mx, mx)), constant(0, mx), mx)
    e = m.exp(m.sub(x, _expand(safe, x, axes)))
    return m.div(e, _expand(reduce_sum(e, axes=axes), x, axes))


# -- rules on log -------------------------------------------------------------------------------------
def log_sigmoid_to_neg_softplus(v):
    """log(sigmoid(x)) -> -softplus(-x): sigmoid(x) underflows to 0 for x < -745 (float64; -104 in float32)
    and log(0) is -inf, while softplus(-x) is about -x there."""
    (a,) = v.inputs
    return m.neg(m.softplus(negate(a.inputs[0]))) if is_op(a, "sigmoid") else None


def log_one_plus_to_log1p(v):
    """log(1 + x) -> log1p(x): 1 + x rounds x away when |x| < 1.1e-16 (float64; 6e-8 in float32)."""
    (a,) = v.inputs
    x = _one_plus(a)
    # NOTE: an integer 1 + x wraps around in its width (uint8 255 + 1 is 0) before log sees it
    return m.log1p(x) if x is not None and a.dtype.kind in "fc" else None


def log_sum_exp_to_logsumexp(v):
    """log(sum(exp(x), axes)) -> max(x) + log(sum(exp(x - max(x)), axes)): exp overflows to inf for
    x > 709 (float64; 88 in float32), and underflows to 0 (log 0 = -inf) for x < -745 in a whole slice."""
    (s,) = v.inputs
    if not is_op(s, "reduce_sum") or not is_op(s.inputs[0], "exp"):
        return None
    x, axes = s.inputs[0].inputs[0], dict(s.attrs)["axes"]
    if _is_max_subtracted(x, axes) or not _nonempty(x, axes):
        return None
    return logsumexp(x, axes)


def log_softmax_to_log_softmax(v):
    """log(exp(x) / sum(exp(x), axes, keepdims)) -> x - logsumexp(x, axes): the naive softmax overflows
    (inf / inf = NaN) for x > 709 and its log is -inf where it underflows; a cross-entropy
    -sum(y * log(softmax(x))) so becomes the stable log_softmax form. x may be max-subtracted already."""
    (q,) = v.inputs
    if not is_op(q, "div"):
        return None
    e, d = q.inputs
    axes = _expanded_sum_of(d, e) if is_op(e, "exp") else None
    if axes is None or not _nonempty(e, axes):
        return None
    x = e.inputs[0]
    return m.sub(x, _expand(logsumexp(x, axes), x, axes))


# -- rules on log1p -----------------------------------------------------------------------------------
def log1p_exp_to_softplus(v):
    """log1p(exp(x)) -> softplus(x): exp overflows to inf for x > 709 (float64; 88 in float32), where
    softplus(x) is x."""
    (a,) = v.inputs
    return m.softplus(a.inputs[0]) if is_op(a, "exp") else None


def log1p_neg_sigmoid_to_neg_softplus(v):
    """log1p(-sigmoid(x)) -> -softplus(x): 1 - sigmoid(x) cancels to 0 for x > 37 (float64) and log(0) = -inf."""
    (a,) = v.inputs
    if is_op(a, "neg") and is_op(a.inputs[0], "sigmoid"):
        return m.neg(m.softplus(a.inputs[0].inputs[0]))
    return None


# -- rules on sub and add -------------------------------------------------------------------------------
def one_minus_sigmoid_to_sigmoid(v):
    """1 - sigmoid(x) -> sigmoid(-x): the subtraction cancels every digit for x > 37 (float64; 17 in
    float32) and gives exactly 0, which log and division then turn into -inf and inf."""
    a, b = v.inputs
    if is_value(a, 1) and is_op(b, "sigmoid"):
        return m.sigmoid(negate(b.inputs[0]))
    return None


def exp_minus_one_to_expm1(v):
    """exp(x) - 1 -> expm1(x): for |x| < 1e-8 the subtraction cancels the digits of x (float64)."""
    a, b = v.inputs
    if is_op(a, "exp") and is_value(b, 1):
        return m.expm1(a.inputs[0])
    return None


def exp_plus_minus_one_to_expm1(v):
    """exp(x) + (-1) -> expm1(x) (either order): the same cancellation as exp(x) - 1."""
    a, b = v.inputs
    if is_op(a, "exp") and is_value(b, -1):
        return m.expm1(a.inputs[0])
    if is_op(b, "exp") and is_value(a, -1):
        return m.expm1(b.inputs[0])
    return None


# -- rules on div -------------------------------------------------------------------------------------
def div_one_plus_exp_to_sigmoid(v):
    """a / (1 + exp(u)) -> a * sigmoid(-u), and 1 / (1 + exp(-x)) -> sigmoid(x) (also written with -1 * x):
    exp(-x) overflows to inf for x < -709, and the reverse-mode graph of the naive form then computes
    inf / inf = NaN; sigmoid has a stable kernel and gradient."""
    a, d = v.inputs
    u = _one_plus_exp(d)
    if u is None or u.dtype.kind not in "fc":   # NOTE: an integer -x wraps around (-int8(-128) is -128)
        return None
    s = m.sigmoid(negate(u))
    return s if is_value(a, 1) else m.mul(a, s)


def div_cancel_factor_to_product(v):
    """(a * s * b) / s -> a * b: when s underflows to 0 or overflows, the product and the quotient are
    0/0 or inf/inf = NaN although the result is finite."""
    num, s = v.inputs
    factors, sign = _factors(num)
    for i, f in enumerate(factors):
        if f is s and len(factors) > 1:
            return _product(factors[:i] + factors[i + 1:], sign, v)
    return None


# -- rules on mul -------------------------------------------------------------------------------------
def mul_sigmoid_exp_to_sigmoid(v):
    """sigmoid(x) * exp(-x) -> sigmoid(-x), also among the factors of a longer product: exp(-x) overflows to
    inf exactly where sigmoid(x) underflows to 0, and inf * 0 is NaN. Reverse mode makes this product from
    1 / (1 + exp(-x)) (the exp's derivative times the reciprocal's)."""
    factors, sign = _factors(v)
    if len(factors) < 2:
        return None
    for i, f in enumerate(factors):
        if not is_op(f, "sigmoid"):
            continue
        for j, g in enumerate(factors):
            if j != i and is_op(g, "exp") and _is_neg_of(g.inputs[0], f.inputs[0]):
                rest = [h for k, h in enumerate(factors) if k not in (i, j)]
                return _product(rest + [m.sigmoid(g.inputs[0])], sign, v)
    return None


def _divides_by(t, s, depth=2):
    """Whether ``t * s`` has a factor ``q / s`` to cancel, directly or inside a sum."""
    if depth < 0:
        return False
    if is_op(t, "add") or is_op(t, "sub"):
        return any(_divides_by(u, s, depth - 1) for u in t.inputs)
    factors, _ = _factors(t)
    return any(is_op(f, "div") and f.inputs[1] is s for f in factors)


def mul_cancel_division_to_product(v):
    """(q / s) * s -> q and (p + q / s) * s -> p * s + q among the factors of a product: the reverse-mode graph
    of log(sigmoid(z)) is g / sigmoid(z) * sigmoid(z), which is inf * 0 = NaN where sigmoid(z) underflows."""
    factors, sign = _factors(v)
    if len(factors) < 2:
        return None
    for j, s in enumerate(factors):
        for i, f in enumerate(factors):
            if i == j:
                continue
            if is_op(f, "div") and f.inputs[1] is s:
                new = f.inputs[0]
            elif (is_op(f, "add") or is_op(f, "sub")) and _divides_by(f, s):
                p, r = f.inputs
                new = f.prim(m.mul(p, s), m.mul(r, s))
            else:
                continue
            rest = [new if k == i else h for k, h in enumerate(factors) if k != j]
            return _product(rest, sign, v)
    return None


def _expanded_quotient(f, e):
    """(g, sign, axes) when ``f`` is +-(g / sum(e, axes)) put back in line with ``e`` (through broadcast_to
    nodes, one reshape and negations), else None."""
    sign = 1
    while is_op(f, "neg") or is_op(f, "broadcast_to"):
        sign = -sign if is_op(f, "neg") else sign
        f = f.inputs[0]
    kept = f
    if is_op(f, "reshape"):
        f = f.inputs[0]
    while is_op(f, "neg"):
        sign, f = -sign, f.inputs[0]
    if not is_op(f, "div"):
        return None
    g, s = f.inputs
    if not (is_op(s, "reduce_sum") and s.inputs[0] is e) or not _same_shape(f.shape, s.shape):
        return None
    axes = dict(s.attrs)["axes"]
    if not _lines_up(kept, e, axes):
        return None
    if g.ndim and not _same_shape(g.shape, s.shape):
        g = broadcast_to(g, shape=s.shape)
    return g, sign, axes


def mul_exp_over_sum_exp_to_softmax(v):
    """(g / sum(exp(x), axes)) * exp(x) -> g * softmax(x), with the quotient put back in line with exp(x)
    either before or after the division, among a product's factors: reverse mode makes these from
    log(sum(exp(x))) and log(exp(x) / sum(exp(x))), and for x > 709 they are 0 * inf or inf / inf = NaN;
    the max-subtracted softmax is finite."""
    factors, sign = _factors(v)
    if len(factors) < 2:
        return None
    for j, e in enumerate(factors):
        if not is_op(e, "exp"):
            continue
        for i, f in enumerate(factors):
            if i == j:
                continue
            axes = _expanded_sum_of(f.inputs[1], e) if is_op(f, "div") else None
            if axes is not None:
                g, fsign = f.inputs[0], 1
            else:
                found = _expanded_quotient(f, e)
                if found is None:
                    continue
                g, fsign, axes = found
                g = _expand(g, e, axes) if g.ndim else g
            if not _nonempty(e, axes) or _is_max_subtracted(e.inputs[0], axes):
                continue    # NOTE: exp of a max-subtracted x is <= 1 and its sum >= 1: already finite
            rest = [h for k, h in enumerate(factors) if k not in (i, j)]
            return _product(rest + [g, softmax(e.inputs[0], axes)], sign * fsign, v)
    return None


def div_exp_sum_exp_to_softmax(v):
    """exp(x) / sum(exp(x), axes, keepdims) -> the max-subtracted softmax: the naive one is inf / inf = NaN
    for x > 709 (float64; 88 in float32) and 0 / 0 where a whole slice is below -745."""
    e, d = v.inputs
    axes = _expanded_sum_of(d, e) if is_op(e, "exp") else None
    if axes is None or not _nonempty(e, axes):
        return None
    x = e.inputs[0]
    return None if _is_max_subtracted(x, axes) else softmax(x, axes)


def _is_max_subtracted(x, axes):
    """Whether ``x`` is ``y - max(y, axes)`` already, the max put back in line with ``y`` (possibly with its
    non-finite values replaced by 0, as ``logsumexp`` and nn.logsumexp do, or under a stop_gradient, as
    nn.softmax does): then exp(x) <= 1 cannot overflow, and each slice over ``axes`` holds an exp(0) = 1, so no
    sum is 0."""
    if not is_op(x, "sub"):
        return False
    y, d = x.inputs
    while is_op(d, "broadcast_to") or is_op(d, "stop_gradient"):
        d = d.inputs[0]
    kept = d
    for _ in range(6):
        if is_op(d, "reshape") or is_op(d, "stop_gradient"):
            d = d.inputs[0]
        elif (m := _finite_or_zero(d)) is not None:
            d = m
        else:
            break
    return (is_op(d, "reduce_max") and d.inputs[0] is y and tuple(dict(d.attrs)["axes"]) == tuple(axes)
            and _lines_up(kept, y, axes))


def _finite_or_zero(d):
    """``m`` when ``d`` replaces the non-finite values of ``m`` by 0: ``select(isnan(m - m), 0, m)`` (this
    pass's form) or ``select(m - m == 0, m, 0)`` (``jnp.where(jnp.isfinite(m), m, 0)``); else None."""
    if not is_op(d, "select"):
        return None
    cond, a, b = d.inputs

    def m_minus_m(v, m):
        return is_op(v, "sub") and v.inputs[0] is m and v.inputs[1] is m
    if is_value(a, 0) and is_op(cond, "isnan") and m_minus_m(cond.inputs[0], b):
        return b
    if is_value(b, 0) and is_op(cond, "eq") and m_minus_m(cond.inputs[0], a) and is_value(cond.inputs[1], 0):
        return a
    return None


def _reals_only(rule):
    """``rule`` skipped on complex values: sigmoid, softplus and max-subtracted forms are real functions (the
    complex graph has no max to subtract), while log1p, expm1 and cancelling factors hold for both."""
    def guarded(v):
        if v.dtype.kind == "c" or any(i.dtype.kind == "c" for i in v.inputs):
            return None
        return rule(v)
    guarded.__name__ = rule.__name__
    guarded.__doc__ = rule.__doc__
    return guarded


_R = _reals_only
STABILIZE = {
    "log": (_R(log_sigmoid_to_neg_softplus), log_one_plus_to_log1p, _R(log_sum_exp_to_logsumexp),
            _R(log_softmax_to_log_softmax)),
    "log1p": (_R(log1p_exp_to_softplus), _R(log1p_neg_sigmoid_to_neg_softplus)),
    "sub": (_R(one_minus_sigmoid_to_sigmoid), exp_minus_one_to_expm1),
    "add": (exp_plus_minus_one_to_expm1,),
    "div": (_R(div_one_plus_exp_to_sigmoid), div_cancel_factor_to_product, _R(div_exp_sum_exp_to_softmax)),
    "mul": (_R(mul_sigmoid_exp_to_sigmoid), mul_cancel_division_to_product, _R(mul_exp_over_sum_exp_to_softmax)),
}


# -- Theano's switch sinks -------------------------------------------------------------------------------------
def _zero_branch(v):
    """``(cond, x, zero, x_first)`` when ``v`` is ``select(cond, x, 0)`` (x_first) or ``select(cond, 0, x)``."""
    if not is_op(v, "select"):
        return None
    cond, a, b = v.inputs
    if is_value(b, 0) and not is_value(a, 0):
        return cond, a, b, True
    if is_value(a, 0):
        return cond, b, a, False
    return None


def _sunk(branch, value):
    cond, _, zero, x_first = branch
    return m.select(cond, value, zero) if x_first else m.select(cond, zero, value)


def mul_select_zero_sink(v):
    """select(c, x, 0) * y -> select(c, x * y, 0) (either branch, either factor): Theano's
    local_mul_switch_sink. Where c is false the product is 0 even when y is inf or NaN: the gradient of
    switch(x > 0, log(x), 0) is select(x > 0, g, 0) / x, which is 0/0 at x = 0 where Theano gives 0."""
    for k in (0, 1):
        branch = _zero_branch(v.inputs[k])
        if branch is not None and v.dtype.kind != "c":
            other = v.inputs[1 - k]
            return _sunk(branch, m.mul(branch[1], other) if k == 0 else m.mul(other, branch[1]))
    return None


def div_select_zero_sink(v):
    """select(c, x, 0) / y -> select(c, x / y, 0): Theano's local_div_switch_sink (see mul_select_zero_sink)."""
    branch = _zero_branch(v.inputs[0])
    if branch is None or v.dtype.kind == "c":
        return None
    return _sunk(branch, m.div(branch[1], v.inputs[1]))


SWITCH_SINK = {"mul": (mul_select_zero_sink,), "div": (div_select_zero_sink,)}


def switch_sunk(outputs):
    """``outputs`` with Theano's switch sinks applied (the Theano front end's gradients: ``T.grad``), on the
    same inputs. Not part of the JAX front end's pipeline: JAX keeps the NaN of 0 * inf there."""
    outputs = list(outputs)
    if not any(is_op(v, "select") for v in toposort(outputs)):
        return outputs
    return list(rewrite(Graph(free_inputs(outputs), outputs), SWITCH_SINK).outputs)


def stabilize(graph):
    """Rewrite numerically unstable patterns into stable equivalents, with CSE, to a fixpoint. Returns
    ``graph`` itself when nothing applies."""
    return rewrite(graph, STABILIZE)


_FORWARD_ROOTS = frozenset({"log", "log1p", "exp", "sigmoid"})


def stabilized(outputs):
    """``outputs`` as ``stabilize`` rewrites them, on the same inputs (the same Vars where nothing applies).
    The front ends differentiate this form: reverse mode through the naive one keeps its underflow, which
    the gradient rules above catch only in the shapes they know (the gradient of log(softmax(x)) divided
    by a probability that had underflowed to 0: NaN, where the log_softmax form's is finite)."""
    outputs = list(outputs)
    # NOTE: every forward pattern holds a log, an exp or a sigmoid; a graph without one is returned as it is
    # (the rewrite costs as much as tracing the function: eager grad of a small one 0.75 -> 1.3 ms)
    if not any(v.prim is not None and v.prim.name in _FORWARD_ROOTS for v in toposort(outputs)):
        return outputs
    return list(stabilize(Graph(free_inputs(outputs), outputs)).outputs)
