"""dot, matmul, outer, inner, tensordot, vdot and einsum, all lowered to the ``contract`` primitive."""

import string

import numpy as np

from ..ops.linalg import contract
from ..ops import reduce as r
from ._base import asarray_or_var, ndim, shape, is_traced, as_var
from ._shape import broadcast_to, reshape
from ._complex import conj

_LETTERS = string.ascii_letters


def _contract(a, b, spec):
    if not is_traced(a, b):
        return np.einsum(spec, np.asarray(a), np.asarray(b))
    return contract(a, b, spec=spec)


def dot(a, b):
    a, b = asarray_or_var(a), asarray_or_var(b)
    na, nb = ndim(a), ndim(b)
    if na == 0 or nb == 0:
        return a * b
    la = _LETTERS[:na]
    if nb == 1:
        lb = la[-1]
        return _contract(a, b, f"{la},{lb}->{la[:-1]}")
    lb = _LETTERS[na:na + nb - 2] + la[-1] + _LETTERS[na + nb - 2]
    return _contract(a, b, f"{la},{lb}->{la[:-1]}{lb[:-2]}{lb[-1]}")


def matmul(a, b):
    a, b = asarray_or_var(a), asarray_or_var(b)
    na, nb = ndim(a), ndim(b)
    if na == 0 or nb == 0:
        raise ValueError("matmul: input operand does not have enough dimensions (use * for scalars)")
    if na <= 2 and nb <= 2:
        return dot(a, b)
    sa, sb = shape(a), shape(b)
    batch_a = sa[:-2] if na > 2 else ()
    batch_b = sb[:-2] if nb > 2 else ()
    from ..ops._rules import broadcast_shapes
    batch = broadcast_shapes(batch_a, batch_b)
    nbatch = len(batch)
    bl = _LETTERS[:nbatch]
    i, k, j = _LETTERS[nbatch:nbatch + 3]
    if na == 1:
        spec_a, out_a = k, ""
    else:
        a = broadcast_to(a, batch + tuple(sa[-2:]))
        spec_a, out_a = bl + i + k, i
    if nb == 1:
        spec_b, out_b = k, ""
    else:
        b = broadcast_to(b, batch + tuple(sb[-2:]))
        spec_b, out_b = bl + k + j, j
    return _contract(a, b, f"{spec_a},{spec_b}->{bl}{out_a}{out_b}")


def outer(a, b):
    a = reshape(asarray_or_var(a), (-1,))
    b = reshape(asarray_or_var(b), (-1,))
    return _contract(a, b, "i,j->ij")


def inner(a, b):
    a, b = asarray_or_var(a), asarray_or_var(b)
    if ndim(a) == 0 or ndim(b) == 0:
        return a * b
    la = _LETTERS[:ndim(a)]
    lb = _LETTERS[ndim(a):ndim(a) + ndim(b) - 1] + la[-1]
    return _contract(a, b, f"{la},{lb}->{la[:-1]}{lb[:-1]}")


def vdot(a, b):
    """Dot product of the flattened arrays, conjugating the first (numpy's vdot)."""
    return inner(reshape(conj(asarray_or_var(a)), (-1,)), reshape(asarray_or_var(b), (-1,)))


def tensordot(a, b, axes=2):
    a, b = asarray_or_var(a), asarray_or_var(b)
    na, nb = ndim(a), ndim(b)
    if isinstance(axes, (int, np.integer)):
        ax_a = list(range(na - axes, na))
        ax_b = list(range(axes))
    else:
        ax_a, ax_b = axes
        ax_a = [x % na for x in np.atleast_1d(ax_a)]
        ax_b = [x % nb for x in np.atleast_1d(ax_b)]
    la = list(_LETTERS[:na])
    lb = list(_LETTERS[na:na + nb])
    for i, j in zip(ax_a, ax_b):
        lb[j] = la[i]
    out = [c for k, c in enumerate(la) if k not in ax_a] + [c for k, c in enumerate(lb) if k not in ax_b]
    return _contract(a, b, f"{''.join(la)},{''.join(lb)}->{''.join(out)}")


def einsum(subscripts, *operands):
    """Einsum over any number of operands (contracted pairwise left to right). Indices that occur in one
    operand only and not in the output are summed first; repeated indices within one operand (traces,
    diagonals) are not supported."""
    operands = [asarray_or_var(o) for o in operands]
    if not is_traced(*operands):
        return np.einsum(subscripts, *operands)
    subscripts = subscripts.replace(" ", "")
    if "..." in subscripts:
        raise ValueError("einsum with '...' is not supported; write the indices out")
    if "->" in subscripts:
        ins, out = subscripts.split("->")
    else:
        ins = subscripts
        letters = ins.replace(",", "")
        out = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    terms = ins.split(",")
    if len(terms) != len(operands):
        raise ValueError(f"einsum: {len(terms)} terms in {subscripts!r} for {len(operands)} operands")
    for t, o in zip(terms, operands):
        if len(set(t)) != len(t):
            raise ValueError(f"einsum: repeated index in {t!r} (traces/diagonals) is not supported")
        if len(t) != ndim(o):
            raise ValueError(f"einsum: term {t!r} has {len(t)} indices for an operand of rank {ndim(o)}")
    cur, cur_t = operands[0], terms[0]
    for k in range(1, len(operands)):
        later = "".join(terms[k + 1:]) + out
        cur, cur_t = _presum(cur, cur_t, terms[k] + later)
        nxt, nxt_t = _presum(operands[k], terms[k], cur_t + later)
        res = "".join(dict.fromkeys(c for c in cur_t + nxt_t if c in later))
        cur, cur_t = contract(as_var(cur), as_var(nxt), spec=f"{cur_t},{nxt_t}->{res}"), res
    cur, cur_t = _presum(cur, cur_t, out)
    if cur_t != out:
        from ._shape import transpose
        cur = transpose(cur, [cur_t.index(c) for c in out])
    return cur


def _presum(x, term, needed):
    """Sum away indices of x that nothing else needs."""
    drop = tuple(i for i, c in enumerate(term) if c not in needed)
    if not drop:
        return x, term
    return r.reduce_sum(x, axes=drop), "".join(c for c in term if c in needed)
