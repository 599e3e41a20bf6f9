"""Named vmap axes, for the collectives (``lax.psum``, ``pmean``, ``pmax``, ``pmin``, ``all_gather``,
``axis_index``).

While ``vmap(f, axis_name='i')`` traces ``f``, the name ``'i'`` is bound to the mapped size and to a carrier: a
value of the traced function that vmap maps along that axis. A collective reads the carrier as an operand, so
it always depends on a mapped value and vmap's batching reaches it even when what it reduces does not (the
psum of a constant is the size times it). While vmap batches the traced graph, ``batching()`` says which name
is being mapped: a collective over that name reduces along the batch axis there, one over another name
(an enclosing vmap's) is batched as an ordinary op and resolved when that vmap batches. A collective over a
name no vmap binds raises NameError, as in JAX. Thread-local (tiered compiles trace on other threads).
Imports core only.
"""

import contextlib
import threading

from .errors import user_frame, where

_LOCAL = threading.local()


def _stack(kind):
    s = getattr(_LOCAL, kind, None)
    if s is None:
        s = []
        setattr(_LOCAL, kind, s)
    return s


@contextlib.contextmanager
def binding(name, size, carrier):
    """Bind ``name`` to the mapped ``size`` and ``carrier`` while the vmapped function is traced."""
    stack = _stack("bound")
    stack.append((name, size, carrier))
    try:
        yield
    finally:
        stack.pop()


def lookup(name, what):
    """(size, carrier) of the innermost vmap axis called ``name``; NameError naming ``what`` if none."""
    for bound, size, carrier in reversed(_stack("bound")):
        if bound == name:
            return size, carrier
    raise NameError(f"unbound axis name: {name!r} ({what} must be called inside vmap(..., axis_name={name!r})"
                    f"){where(user_frame())}")


@contextlib.contextmanager
def batching(name):
    """Mark the vmap axis ``name`` as the one being batched (None: a batching that is not a named vmap's)."""
    stack = _stack("batching")
    stack.append(name)
    try:
        yield
    finally:
        stack.pop()


def batching_now():
    """The name of the axis being batched, or None."""
    stack = _stack("batching")
    return stack[-1] if stack else None
