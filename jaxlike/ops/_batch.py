"""Batching-rule helpers the op families share. A rule receives the new operands (a batched one carries the
batch axis first), a tuple of flags saying which are batched, the batch size and the op's attrs, and returns
the batched result, or None to let the transform apply the op once per batch element.
Imports core and ops.layout lazily (layout's own records use these helpers)."""

from ..core.primitive import bind


def with_batch(x, batched, size):
    """``x`` with a leading batch axis: unchanged when it has one, else broadcast along it."""
    from .layout import broadcast_to
    return x if batched else broadcast_to(x, shape=(size,) + tuple(x.shape))


def _shift(a):
    return tuple(i + 1 for i in a) if isinstance(a, tuple) else a + 1


def shifted(prim_ref, *names, all_operands=True, extend=()):
    """A rule for ops whose attrs ``names`` hold axes (an int or a tuple of them): every operand gets the
    batch axis (``all_operands``) or the op has one operand, the axes move up by one, and the attrs in
    ``extend`` (result shapes) gain the batch size in front. ``prim_ref`` returns the primitive, which does not
    exist yet when its own record is built."""

    def rule(args, batched, size, **attrs):
        if all_operands:
            args = [with_batch(a, b, size) for a, b in zip(args, batched)]
        new = {k: (_shift(v) if k in names else (size,) + tuple(v) if k in extend else v)
               for k, v in attrs.items()}
        return bind(prim_ref(), *args, **new)
    return rule


def leading(prim_ref):
    """A rule for ops that already map over leading dims (the linear-algebra ops): give every operand the
    batch axis and apply the op as it is."""

    def rule(args, batched, size, **attrs):
        return bind(prim_ref(), *[with_batch(a, b, size) for a, b in zip(args, batched)], **attrs)
    return rule
