"""Run-time helpers over arrays viewed as (pre, n, post), the axis of the operation in the middle (the
generated modules call them as ``_al.<name>``): gather and scatter by indices, argmax/argmin, running sums,
products and linear recurrences, stable argsort and the sort of values, binary search (``searchsorted``),
and the per-position gather ``take_along`` with its transpose. Indices are bounds-checked with numpy's IndexError.

Loops run over the middle axis with the contiguous last one innermost, so that an operation along a
leading axis streams its rows instead of striding through them (argmax over axis 0 of a 1000 x 1000
matrix: 0.81 -> 0.17 ms, numpy 0.85). Imports numpy, numba and core only.
"""

import numba
import numpy as np
from numba import njit, types
from numba.extending import overload

from ...core.errors import EmptyReduction, IndexOutOfRange
from .support import lane_max, lane_min


# -- gather / scatter ------------------------------------------------------------------------------------------
@njit(cache=True, nogil=True)
def check_indices(idx, n, axis, what):
    for j in range(idx.shape[0]):
        k = idx[j]
        if k < -n or k >= n:
            raise IndexOutOfRange("{}: index {} is out of bounds for axis {} with size {}", what, k, axis, n)


@njit(cache=True, nogil=True)
def take3(x, idx, out, axis, what):
    """out[p, j, q] = x[p, idx[j], q] (negative indices wrap; out-of-range ones raise IndexError). Single
    elements (post == 1: ``x[idx]`` of a vector) are gathered row by row without the one-element inner
    loop per index (1M values, 100k indices: 0.41 -> 0.18 ms, numpy 0.15)."""
    pre, n, post = x.shape
    m = idx.shape[0]
    check_indices(idx, n, axis, what)
    if post == 1:
        rows, outs = x.reshape((pre, n)), out.reshape((pre, m))
        for p in range(pre):
            row, dst = rows[p], outs[p]
            for j in range(m):
                k = idx[j]
                dst[j] = row[k + n if k < 0 else k]
        return
    for p in range(x.shape[0]):
        for j in range(idx.shape[0]):
            k = idx[j]
            if k < 0:
                k += n
            for q in range(x.shape[2]):
                out[p, j, q] = x[p, k, q]


@njit(cache=True, nogil=True)
def scatter3(g, idx, out, axis, what):
    """out[p, idx[j], q] += g[p, j, q] into a zeroed ``out``; repeated indices accumulate."""
    n = out.shape[1]
    check_indices(idx, n, axis, what)
    for p in range(g.shape[0]):
        for j in range(idx.shape[0]):
            k = idx[j]
            if k < 0:
                k += n
            for q in range(g.shape[2]):
                out[p, k, q] += g[p, j, q]


# -- argmax / argmin -------------------------------------------------------------------------------------------
def _extreme(row, n, largest):
    """The max (``largest``) or min of ``row[:n]``, NaN if it holds one."""


@overload(_extreme)
def _extreme_impl(row, n, largest):
    if isinstance(row.dtype, types.Float):
        return lambda row, n, largest: lane_max(row, n) if largest else lane_min(row, n)

    def plain(row, n, largest):
        m = row[0]
        for j in range(1, n):
            v = row[j]
            if (v > m) if largest else (v < m):
                m = v
        return m
    return plain


@njit(cache=True, nogil=True)
def argext3(x, out, largest, what):
    """Index of the first max (``largest``) or min along axis 1 of x (pre, n, post); the first NaN wins, as
    in numpy. A row (post == 1) takes its extreme in vector lanes first (``support.lane_max``), then the
    least index holding it, both passes vectorized: the single running comparison with its NaN test was
    one scalar chain (1000 x 1000 float64 along rows: 0.71 -> 0.22 ms, numpy 0.13). Along a leading axis
    each step updates the best value of every column at once."""
    pre, n, post = x.shape
    if n == 0:
        raise EmptyReduction("{}: attempt to get {} of an empty sequence", what, "argmax" if largest else "argmin")
    if post == 1:
        rows = x.reshape((pre, n))
        for p in range(pre):
            row = rows[p]
            m = _extreme(row, n, largest)
            nan = m != m
            at = n
            for j in range(n):      # NOTE: a min over all j, not a search that stops: this one vectorizes
                hit = (row[j] != row[j]) if nan else (row[j] == m)
                at = min(at, j if hit else n)
            out[p, 0] = at
        return
    best = np.empty(post, x.dtype)
    for p in range(pre):
        for q in range(post):
            best[q] = x[p, 0, q]
            out[p, q] = 0
        for j in range(1, n):
            for q in range(post):
                v, b = x[p, j, q], best[q]
                # NOTE: once a column's best is NaN nothing replaces it; the first NaN replaces a number
                if ((v > b) if largest else (v < b)) or (v != v and b == b):
                    best[q] = v
                    out[p, q] = j


# -- scans -----------------------------------------------------------------------------------------------------
SUM, PRODUCT, RECURRENCE = 0, 1, 2


@njit(cache=True, nogil=True, error_model="numpy")
def scan3(a, b, out, reverse, kind):
    """A scan along axis 1 of (pre, n, post) views into ``out`` (its accumulator dtype), from the first element
    (the last when ``reverse``): running sums (``kind`` SUM) or products (PRODUCT) of b, in numpy's
    accumulate order, so results are equal, not just close; or the RECURRENCE h[j] = a[j] * h[j-1] + b[j],
    whose first step is b alone (a's first entry never meets an inf), as its numpy rule."""
    pre, n, post = b.shape
    for p in range(pre):
        for s in range(n):
            j = n - 1 - s if reverse else s
            if s == 0:
                for q in range(post):
                    out[p, j, q] = b[p, j, q]
                continue
            k = j + 1 if reverse else j - 1
            for q in range(post):
                if kind == SUM:
                    out[p, j, q] = out[p, k, q] + b[p, j, q]
                elif kind == PRODUCT:
                    out[p, j, q] = out[p, k, q] * b[p, j, q]
                else:
                    out[p, j, q] = a[p, j, q] * out[p, k, q] + b[p, j, q]


# -- take_along / put_along_add ----------------------------------------------------------------------------------
@njit(cache=True, nogil=True)
def take_along3(x, idx, out, axis, what):
    """out[p, j, q] = x[p, idx[p, j, q], q] (numpy's take_along_axis; negative indices wrap)."""
    n = x.shape[1]
    check_indices(idx.reshape(idx.size), n, axis, what)     # NOTE: idx is a C-contiguous view
    for p in range(idx.shape[0]):
        for j in range(idx.shape[1]):
            for q in range(idx.shape[2]):
                k = idx[p, j, q]
                out[p, j, q] = x[p, k + n if k < 0 else k, q]


@njit(cache=True, nogil=True)
def put_along3(g, idx, out, axis, what):
    """out[p, idx[p, j, q], q] += g[p, j, q] into a zeroed ``out`` (repeats accumulate)."""
    n = out.shape[1]
    check_indices(idx.reshape(idx.size), n, axis, what)     # NOTE: idx is a C-contiguous view
    for p in range(idx.shape[0]):
        for j in range(idx.shape[1]):
            for q in range(idx.shape[2]):
                k = idx[p, j, q]
                out[p, k + n if k < 0 else k, q] += g[p, j, q]


# -- stable argsort ----------------------------------------------------------------------------------------------
# Each row's values become unsigned 64-bit keys whose order is numpy's (floats: the sign bit flipped, or all
# bits of a negative; -0.0 made +0.0 and every NaN one NaN above +inf, so ties and NaNs keep their order),
# sorted by an LSD radix sort of 11-bit digits (stable; a pass whose digit is the same for every key is
# skipped, which leaves float32's unused low bits and small integers' high ones free), or insertion sort for
# short rows. numpy's stable argsort of 64-bit values is a merge sort; numba's own is slower still.
_SMALL_SORT = 48
_TOP = np.uint64(1 << 63)
_DIGIT_BITS, _DIGITS = 11, 6
_MASK = np.uint64((1 << _DIGIT_BITS) - 1)


def _sort_keys(vals, keys):
    """Write the order-preserving unsigned keys of ``vals`` into ``keys``."""


@overload(_sort_keys)
def _sort_keys_impl(vals, keys):
    if isinstance(vals.dtype, types.Float):
        def floats(vals, keys):
            n = vals.shape[0]
            wide = np.empty(n, np.float64)
            for j in range(n):
                v = np.float64(vals[j])
                wide[j] = np.nan if v != v else (0.0 if v == 0.0 else v)
            bits = wide.view(np.uint64)
            for j in range(n):
                b = bits[j]
                keys[j] = ~b if b >= _TOP else b | _TOP
        return floats
    if isinstance(vals.dtype, types.Integer) and not vals.dtype.signed:
        def unsigned(vals, keys):
            for j in range(vals.shape[0]):
                keys[j] = np.uint64(vals[j])
        return unsigned

    def signed(vals, keys):
        for j in range(vals.shape[0]):
            keys[j] = np.uint64(np.int64(vals[j])) ^ _TOP
    return signed


@njit(cache=True, nogil=True)
def _argsort_keys(keys, keys2, perm, perm2, counts):
    """The stable sorting permutation of ``keys`` (``perm`` starts as 0..n-1); the other arrays are
    scratch. Returns the array holding the result (perm or perm2)."""
    n = keys.shape[0]
    if n <= _SMALL_SORT:
        for i in range(1, n):
            k, t = keys[i], perm[i]
            j = i
            while j > 0 and keys[j - 1] > k:
                keys[j], perm[j] = keys[j - 1], perm[j - 1]
                j -= 1
            keys[j], perm[j] = k, t
        return perm
    counts[:, :] = 0
    for j in range(n):
        k = keys[j]
        for d in range(_DIGITS):
            counts[d, (k >> np.uint64(d * _DIGIT_BITS)) & _MASK] += 1
    src_k, src_p, dst_k, dst_p = keys, perm, keys2, perm2
    for d in range(_DIGITS):
        shift = np.uint64(d * _DIGIT_BITS)
        row = counts[d]
        if row[(src_k[0] >> shift) & _MASK] == n:
            continue        # every key has this digit: the pass would not move anything
        total = 0
        for b in range(row.shape[0]):
            c = row[b]
            row[b] = total
            total += c
        for j in range(n):
            k = src_k[j]
            b = (k >> shift) & _MASK
            at = row[b]
            row[b] = at + 1
            dst_k[at] = k
            dst_p[at] = src_p[j]
        src_k, src_p, dst_k, dst_p = dst_k, dst_p, src_k, src_p
    return src_p


@njit(cache=True, nogil=True)
def argsort3(x, out):
    """out[p, :, q] = the stable sorting permutation of x[p, :, q] (numpy's kind="stable": NaNs last)."""
    pre, n, post = x.shape
    if n == 0:
        return
    vals = np.empty(n, x.dtype)
    keys, keys2 = np.empty(n, np.uint64), np.empty(n, np.uint64)
    perm, perm2 = np.empty(n, np.int64), np.empty(n, np.int64)
    counts = np.empty((_DIGITS, 1 << _DIGIT_BITS), np.int64)
    for p in range(pre):
        for q in range(post):
            for j in range(n):
                vals[j] = x[p, j, q]
                perm[j] = j
            _sort_keys(vals, keys)
            res = _argsort_keys(keys, keys2, perm, perm2, counts)
            for j in range(n):
                out[p, j, q] = res[j]


# -- sorted values ------------------------------------------------------------------------------------------------
# ``jnp.sort`` is take_along(x, argsort(x)); where the permutation serves nothing else (no gradient reads it)
# the values are sorted directly. numpy 2 sorts with SIMD on x86 CPUs with AVX2 or AVX-512 (x86-simd-sort):
# 1M float64 in 6 ms here, where the permutation and the gather took 60 and numba's own np.sort is as slow.
# Arrays of NUMPY_SORT_MIN elements or more therefore go to numpy under objmode (the GIL and a few
# microseconds a call, one call for all the rows: 1000 rows of 1000 took 42 ms in numba's sort, 3.3 in
# numpy's); smaller ones stay in numba's sort. Both put NaNs last, as numpy; equal values' order (-0.0 and 0.0)
# is not kept.
NUMPY_SORT_MIN = 1024       # elements from which numpy sorts


@njit(cache=True)
def sort3(x, out):
    """out[p, :, q] = x[p, :, q] sorted ascending."""
    pre, n, post = x.shape
    if pre * n * post >= NUMPY_SORT_MIN:
        with numba.objmode():
            out[...] = np.sort(x, axis=1)
        return
    row = np.empty(n, x.dtype)
    for p in range(pre):
        for q in range(post):
            for j in range(n):
                row[j] = x[p, j, q]
            row.sort()
            for j in range(n):
                out[p, j, q] = row[j]


# -- binary search ------------------------------------------------------------------------------------------------
@njit(cache=True, nogil=True, inline="always")
def _insertion_point(a, x, right):
    """How many of the sorted ``a`` go before ``x``: those below it, and (``right``) those equal to it; NaN is
    above every number and equal to NaN, as in numpy's order."""
    lo, hi = 0, a.shape[0]
    while lo < hi:
        mid = (lo + hi) >> 1
        y = a[mid]
        if right:
            before = not (x < y or (y != y and x == x))
        else:
            before = y < x or (x != x and y == y)
        if before:
            lo = mid + 1
        else:
            hi = mid
    return lo


@njit(cache=True, nogil=True)
def searchsorted(a, v, out, right):
    """out[j] = the insertion point of v[j] in the sorted vector ``a`` (``_insertion_point``)."""
    for j in range(v.shape[0]):
        out[j] = _insertion_point(a, v[j], right)


@njit(cache=True, nogil=True)
def searchsorted_one(a, x, right):
    return np.int64(_insertion_point(a, x, right))
