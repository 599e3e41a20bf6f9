"""Theano's boolean-mask indexing of symbolic tensors: ``x[x > 0]``, ``x[mask]``, ``x[:, row_mask]`` and the
writes ``T.set_subtensor(x[mask], v)`` / ``T.inc_subtensor(x[mask], v)``; also ``T.flatnonzero`` and
``T.nonzero_values``.

numpy defines a boolean index as the integer indices of its True entries (``nonzero``), one index vector per
dim of the mask. Their count is known only when the graph runs: jaxlike builds such a size as a slice whose
bound is a graph value (``order[:count]``, where ``order`` is the stable argsort that puts the True entries
first). The read is then an integer-index gather and the writes its scatters, so gradients flow as for
integer indices. An integer (int8) mask is integer indexing, as in Theano 1.0 and PyTensor. A front-end
module: imports core and jaxlike.numpy.
"""

import numpy as np

from ..core.graph import Var
from ..core.types import Sym, is_known
from ..core.errors import user_frame, where
from ..numpy._indexing import getitem
from .. import numpy as jnp


def _size_value(d):
    return d.value(specialize=False) if isinstance(d, Sym) else d


def _flat_hits(a, mismatch=None):
    """(int64 positions of the nonzero entries of ``a`` flattened, in order; their count). Where the graph
    value ``mismatch`` is true, at least one position comes back (an appended one for an empty mask), so that
    a mask of the wrong size with no True entry still reaches the gather that raises (``_checked``)."""
    flat = jnp.reshape(a, (-1,))
    hit = flat if flat.dtype == np.bool_ else jnp.not_equal(flat, 0)
    count = jnp.sum(jnp.astype(hit, np.int64))
    # NOTE: a stable sort of the misses' flags puts the hits first, in row-major order
    order = jnp.argsort(jnp.astype(jnp.logical_not(hit), np.int8), stable=True)
    if mismatch is not None:
        count = jnp.where(mismatch, jnp.maximum(count, 1), count)
        order = jnp.concatenate([order, jnp.zeros(1, order.dtype)])
    return getitem(order, slice(None, count)), count


def runtime_nonzero(a, mismatch=None):
    """The indices of the nonzero entries of the symbolic ``a`` (rank >= 1): one int64 vector per dim, in
    row-major order, whose length is a size computed when the graph runs (``_flat_hits``: ``mismatch``)."""
    rest, _ = _flat_hits(a, mismatch)
    idx = []
    for d in reversed(tuple(a.shape[1:])):
        size = _size_value(d)
        idx.append(rest % size)
        rest = rest // size
    idx.append(rest)
    return tuple(reversed(idx))


def _is_symbolic_mask(k):
    return isinstance(k, Var) and k.dtype == np.bool_ and k.ndim > 0 and not k.is_const


def has_symbolic_mask(key):
    return any(_is_symbolic_mask(k) for k in (key if isinstance(key, tuple) else (key,)))


def _dims_taken(k):
    if k is None or k is Ellipsis:
        return 0
    if isinstance(k, Var) and k.dtype == np.bool_:
        return max(k.ndim, 1)
    if isinstance(k, (np.ndarray, list)) and np.asarray(k).dtype == np.bool_:
        return max(np.ndim(k), 1)
    return 1


def _size_tests(mask, x, first):
    """Per dim of ``mask``, which indexes dims ``first...`` of ``x``: None where the two sizes are the same
    when traced, else a graph value true where they are equal when the graph runs. Known sizes that differ
    raise now."""
    tests = []
    for j in range(mask.ndim):
        ms, xs = mask.shape[j], x.shape[first + j]
        if is_known(ms) and is_known(xs):
            if ms != xs:
                raise IndexError(f"boolean index did not match indexed array along axis {first + j}; size of "
                                 f"axis is {xs} but size of corresponding boolean axis is {ms}"
                                 + where(user_frame()))
            tests.append(None)
        else:
            tests.append(None if ms is xs else jnp.equal(_size_value(ms), _size_value(xs)))
    return tests


def _checked(mask, x, first):
    """The indices of ``mask``'s True entries (it indexes dims ``first...`` of ``x``). A mismatch between
    symbolic sizes sends them out of range (keeping at least one, ``_flat_hits``), so the gather raises when
    the graph runs (numpy's IndexError) instead of picking elements."""
    tests = _size_tests(mask, x, first)
    symbolic = [t for t in tests if t is not None]
    mismatch = None
    for t in symbolic:
        mismatch = jnp.logical_not(t) if mismatch is None else jnp.logical_or(mismatch, jnp.logical_not(t))
    out = []
    for j, (idx, t) in enumerate(zip(runtime_nonzero(mask, mismatch), tests)):
        xv = _size_value(x.shape[first + j])
        out.append(idx if t is None else jnp.where(t, idx, xv))
    return out


def expand_masks(x, key):
    """``key`` with each symbolic boolean entry replaced by the index vectors of its True entries (numpy's
    meaning of a mask); a constant boolean Var becomes its numpy array, which indexing handles itself."""
    entries = list(key) if isinstance(key, tuple) else [key]
    entries = [np.asarray(k.value) if isinstance(k, Var) and k.is_const and k.dtype == np.bool_ and k.ndim
               else k for k in entries]
    taken = sum(_dims_taken(k) for k in entries)
    if taken > x.ndim:
        raise IndexError(f"too many indices for array: {x.type!r} is {x.ndim}-dimensional, but {taken} were "
                         "indexed" + where(user_frame()))
    out, dim = [], 0
    for k in entries:
        if k is Ellipsis:
            dim += x.ndim - taken
        elif _is_symbolic_mask(k):
            out.extend(_checked(k, x, dim))
            dim += k.ndim
            continue
        else:
            dim += _dims_taken(k)
        out.append(k)
    return tuple(out)


def flatnonzero(a):
    """Theano's ``T.flatnonzero``: the int64 positions of the nonzero entries of ``a`` flattened (their count
    is a size computed when the graph runs)."""
    a = jnp.asarray(a)
    if not isinstance(a, Var) or a.is_const:
        return jnp.asarray(np.flatnonzero(a.value if isinstance(a, Var) else a))
    if a.ndim == 0:
        raise ValueError("flatnonzero: a is a scalar; it needs at least one dimension" + where(user_frame()))
    return _flat_hits(a)[0]


def nonzero_values(a):
    """Theano's ``T.nonzero_values`` (and ``a.nonzero_values()``): the nonzero entries of ``a`` flattened, in
    row-major order."""
    a = jnp.asarray(a)
    if not isinstance(a, Var) or a.is_const:
        arr = np.asarray(a.value if isinstance(a, Var) else a)
        return jnp.asarray(arr.ravel()[np.flatnonzero(arr)])
    return jnp.take(jnp.reshape(a, (-1,)), flatnonzero(a))


Var.nonzero_values = nonzero_values
