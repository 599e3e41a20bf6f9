"""``contract``: the one product primitive, a two-operand einsum ``"ij,jk->ik"`` in which every index of an
operand appears in the other operand or in the result (indices summed within one operand are reduced by the
wrappers first). That restriction makes the VJP one line per operand. dot, matmul, tensordot, inner, outer
and einsum lower to it; backends turn it into BLAS GEMM calls. Imports core only."""

import numpy as np

from ..core.types import TensorType, Sym, is_known
from ..core.errors import ShapeError
from ..core.primitive import Primitive, Kind, register
from ._rules import promote_types_of, Sample


def parse_spec(spec):
    lhs, out = spec.split("->")
    a, b = lhs.split(",")
    return a, b, out


def spec_groups(spec):
    """``spec``'s index letters by role: (sa, sb, so, batch, rows, contracted, cols), the last four in the
    order a GEMM takes them (batch and rows/cols as in the result, contracted as in the first operand)."""
    sa, sb, so = parse_spec(spec)
    batch = [c for c in so if c in sa and c in sb]
    rows = [c for c in so if c in sa and c not in sb]
    contracted = [c for c in sa if c in sb and c not in so]
    cols = [c for c in so if c in sb and c not in sa]
    return sa, sb, so, batch, rows, contracted, cols


def _contract_shape(a, b, *, spec):
    sa, sb, so = parse_spec(spec)
    if len(sa) != a.ndim or len(sb) != b.ndim:
        raise ShapeError(f"spec {spec!r} expects ranks {len(sa)} and {len(sb)}, got {a.ndim} and {b.ndim}")
    for s in (sa, sb, so):
        if len(set(s)) != len(s):
            raise ValueError(f"repeated index in {s!r} of {spec!r}")
    if set(sa) - set(sb) - set(so) or set(sb) - set(sa) - set(so) or set(so) - set(sa) - set(sb):
        raise ValueError(f"every index of {spec!r} must appear in two of the three terms")
    size = {}
    for s, t in ((sa, a), (sb, b)):
        for ch, d in zip(s, t.shape):
            have = size.get(ch)
            if have is None or (isinstance(have, Sym) and is_known(d)):
                size[ch] = d
            elif is_known(have) and is_known(d) and have != d:
                raise ShapeError(f"contracted or batch dimension {ch!r} has sizes {have} and {d}")
    dt = promote_types_of([a, b])
    return TensorType(dt, tuple(size[ch] for ch in so))


def _contract_np(a, b, *, spec):
    sa, sb, so = parse_spec(spec)
    a, b = np.asarray(a), np.asarray(b)
    for ch in set(sa) & set(sb):
        if a.shape[sa.index(ch)] != b.shape[sb.index(ch)]:
            raise ValueError(f"contract {spec}: operand shapes {a.shape} and {b.shape} disagree on index {ch!r}")
    return np.einsum(spec, a, b, optimize=True)


def _contract_vjp(g, ans, a, b, *, spec):
    sa, sb, so = parse_spec(spec)
    ga = contract(g, b, spec=f"{so},{sb}->{sa}")
    gb = contract(a, g, spec=f"{sa},{so}->{sb}")
    return ga, gb


def _contract_batch(args, batched, size, *, spec):
    sa, sb, so = parse_spec(spec)
    z = next(c for c in "zyxwvutsrqponmlkjihgfedcbaZYXWVUTSRQPONMLKJIHGFEDCBA" if c not in spec)
    sa, sb = (z + sa if batched[0] else sa), (z + sb if batched[1] else sb)
    return contract(*args, spec=f"{sa},{sb}->{z}{so}")


def _contract_jvp(tangents, ans, a, b, *, spec):
    ta, tb = tangents
    out = None
    if ta is not None:
        out = contract(ta, b, spec=spec)
    if tb is not None:
        t = contract(a, tb, spec=spec)
        out = t if out is None else out + t
    return out


contract = register(Primitive(
    "contract", Kind.OPAQUE, shape=_contract_shape, numpy=_contract_np,
    vjp=_contract_vjp, jvp=_contract_jvp, batch=_contract_batch, doc="two-operand einsum; lowers to GEMM",
    samples=lambda rng: [Sample(rng.normal(size=a), rng.normal(size=b), spec=s) for s, a, b in [
        ("ij,jk->ik", (2, 3), (3, 4)), ("i,i->", (3,), (3,)), ("bij,bjk->bik", (2, 2, 3), (2, 3, 2)),
        ("ij,j->i", (2, 3), (3,)), ("i,j->ij", (2,), (3,)), ("ij,jk->ik", (2, 0), (0, 3)),
        ("ij,jk->ki", (1, 3), (3, 2)), ("ij,ij->", (2, 3), (2, 3)), ("ij,jk->ik", (0, 3), (3, 2))]]))
