"""``einsum`` over any number of operands, with numpy's full subscript language ('...' broadcasting, implicit
output, repeated indices for diagonals and traces), lowered to the two-operand ``contract`` primitive.

The contraction order is numpy's own greedy path (``np.einsum_path`` run on shape-only proxies, symbolic sizes
counted as 16), so ``einsum('ij,jk,k->i', A, B, v)`` multiplies B by v first instead of forming A @ B. Before
each pairwise step, indices that nothing later needs are summed within their operand, which keeps every step a
``contract`` (each index in two of its three terms). Repeated indices within one term become a ``diagonal``.
"""

import string

import numpy as np

from ..core.types import is_known
from ..ops.linalg import contract
from ..ops._rules import check_decidable
from ..ops import reduce as r
from ._base import asarray_or_var, is_traced, as_var, ndim, shape, dtype_of
from . import _shape as _sh
from ._elementwise import astype

_PROXY_SIZE = 16


def einsum(subscripts, *operands, out=None, dtype=None, order="K", casting="safe", optimize="greedy"):
    """Einstein summation: ``einsum('bij,bjk->bik', a, b)``; '...' stands for broadcast leading axes.

    >>> einsum('ij,j->i', np.ones((2, 3)), np.arange(3.0))
    array([3., 3.])
    """
    if out is not None:
        raise TypeError("einsum: out= is not supported; use the return value")
    if not isinstance(subscripts, str):
        raise TypeError("einsum: only the string form of subscripts is supported (not the interleaved "
                        "operand/sublist form)")
    # NOTE: Python scalars become arrays: numpy's einsum takes them as strong int64/float64 (no NEP 50)
    operands = [o if is_traced(o) else np.asarray(o) for o in map(asarray_or_var, operands)]
    if not is_traced(*operands):
        return np.einsum(subscripts, *operands, dtype=dtype, order=order, casting=casting,
                         optimize=optimize if optimize is not True else "greedy")
    terms, output = _parse(subscripts.replace(" ", ""), operands)
    ops = []
    for term, x in zip(terms, operands):
        x, term = _diagonals(x, term)
        ops.append((x, term))
    ops = _squeeze_broadcast(ops, output)
    path = _path(ops, output, optimize)
    for group in path:
        members = [ops[i] for i in group]
        for i in sorted(group, reverse=True):
            del ops[i]
        later = "".join(t for _, t in ops) + output
        ops.append(_contract_group(members, later))
    (x, term), = ops
    x, term = _presum(x, term, output)
    if term != output:
        x = _sh.transpose(x, [term.index(c) for c in output])
    # NOTE: reduce_sum widens bool and small integers to int64, but numpy's einsum sums in the operands'
    # common dtype (bools by OR, integers wrapping), which narrowing the int64 result reproduces
    return astype(x, np.result_type(*map(dtype_of, operands)) if dtype is None else dtype)


# -- parsing ------------------------------------------------------------------------------------------------
def _parse(subscripts, operands):
    if "->" in subscripts:
        ins, output = subscripts.split("->")
        if "->" in output:
            raise ValueError("einsum: subscripts may contain only one '->'")
    else:
        ins, output = subscripts, None
    terms = ins.split(",")
    if len(terms) != len(operands):
        raise ValueError(f"einsum: {len(terms)} operand terms in {subscripts!r} but {len(operands)} operands")
    used = set(subscripts)
    for ch in used - set(string.ascii_letters) - set(",->."):
        raise ValueError(f"einsum: invalid subscript {ch!r} in {subscripts!r} (use letters)")
    spare = [c for c in string.ascii_letters if c not in used]
    ell_ranks = []
    for t, o in zip(terms, operands):
        if "..." in t:
            ell_ranks.append(ndim(o) - (len(t) - 3))
            if ell_ranks[-1] < 0:
                raise ValueError(f"einsum: term {t!r} has more indices than its operand has dimensions "
                                 f"({ndim(o)})")
    n_ell = max(ell_ranks, default=0)
    ell = "".join(spare[:n_ell])
    expanded = []
    for t, o in zip(terms, operands):
        if "..." in t:
            k = ndim(o) - (len(t) - 3)
            t = t.replace("...", ell[n_ell - k:])
        if "." in t:
            raise ValueError(f"einsum: invalid '.' in term {t!r} (an ellipsis is '...')")
        if len(t) != ndim(o):
            raise ValueError(f"einsum: term {t!r} has {len(t)} indices for an operand of rank {ndim(o)}")
        expanded.append(t)
    letters = "".join(expanded)
    if output is None:
        once = sorted(c for c in set(letters) if letters.count(c) == 1 and c not in ell)
        output = ell + "".join(once)
    else:
        output = output.replace("...", ell)
        if len(set(output)) != len(output):
            raise ValueError(f"einsum: output subscript {output!r} repeats an index")
        for c in output:
            if c not in letters:
                raise ValueError(f"einsum: output index {c!r} does not appear in the operands' subscripts")
    return expanded, output


def _diagonals(x, term):
    """Take the diagonal over each index repeated within one term ('ii->i' and traces)."""
    from ._diagonals import diagonal
    while len(set(term)) != len(term):
        c = next(ch for ch in term if term.count(ch) > 1)
        p = term.index(c)
        q = term.index(c, p + 1)
        x = diagonal(x, 0, p, q)
        term = "".join(ch for k, ch in enumerate(term) if k not in (p, q)) + c
    return x, term


def _squeeze_broadcast(ops, output):
    """A size-1 dim paired with a larger one elsewhere broadcasts: drop it from its operand. A size that is
    at most 1 (``x[:1]``) beside another asks compile for concrete sizes, as a broadcast does."""
    for c in {c for _, t in ops for c in t}:
        check_decidable([shape(x)[t.index(c)] for x, t in ops if c in t], c)
    out = []
    for k, (x, term) in enumerate(ops):
        drop = []
        for i, c in enumerate(term):
            d = shape(x)[i]
            if not (is_known(d) and d == 1):
                continue
            others = [shape(y)[t.index(c)] for j, (y, t) in enumerate(ops) if j != k and c in t]
            if any(not (is_known(e) and e == 1) for e in others):
                drop.append(i)
        if drop:
            x = _sh.reshape(x, tuple(d for i, d in enumerate(shape(x)) if i not in drop))
            term = "".join(c for i, c in enumerate(term) if i not in drop)
        out.append((x, term))
    return out


# -- contraction order and steps -------------------------------------------------------------------------------
def _path(ops, output, optimize):
    if len(ops) == 1:
        return []
    if optimize is False or len(ops) == 2:
        return [(0, 1)] * (len(ops) - 1)
    strategy = optimize if isinstance(optimize, str) else "greedy"
    # NOTE: a label's proxy size is its known size where any operand knows it (a constant beside traced
    # operands of symbolic sizes), so einsum_path sees one size per label
    known = {c: d for x, t in ops for c, d in zip(t, shape(x)) if is_known(d) and d != 1}
    proxies = [np.broadcast_to(np.empty(()), tuple(d if is_known(d) else known.get(c, _PROXY_SIZE)
                                                   for c, d in zip(t, shape(x)))) for x, t in ops]
    spec = ",".join(t for _, t in ops) + "->" + output
    path, _ = np.einsum_path(spec, *proxies, optimize=strategy)
    return [tuple(step) for step in path[1:]]


def _presum(x, term, needed):
    drop = tuple(i for i, c in enumerate(term) if c not in needed)
    if not drop:
        return x, term
    return r.reduce_sum(as_var(x), axes=drop), "".join(c for c in term if c in needed)


def _contract_group(members, later):
    cur, cur_t = members[0]
    rest = members[1:]
    if not rest:
        return _presum(cur, cur_t, later)
    for k, (nxt, nxt_t) in enumerate(rest):
        after = "".join(t for _, t in rest[k + 1:]) + later
        cur, cur_t = _presum(cur, cur_t, nxt_t + after)
        nxt, nxt_t = _presum(nxt, nxt_t, cur_t + after)
        res = "".join(dict.fromkeys(c for c in cur_t + nxt_t if c in after))
        cur = contract(as_var(cur), as_var(nxt), spec=f"{cur_t},{nxt_t}->{res}")
        cur_t = res
    return cur, cur_t
