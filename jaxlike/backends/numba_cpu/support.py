"""Run-time helpers the generated modules call (``_rt.<name>``): dtype checks resolved at compile time,
rank-0 argument reading, BLAS products, lane reductions, integer matmul, the ``numba.objmode`` fallback
that runs a primitive's numpy rule when this backend has no lowering for it, and the profiler's clock
(gather, scatter, argmax and the other along-axis loops are in ``along.py``).
Imports numpy, numba, core and ops only.

NOTE: the disk cache key hashes this file (``build.backend_fingerprint``): a generated module compiled
against an older version of these helpers is never reused.
"""

import sys
import time
import warnings

import numpy as np
import numba
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.core.errors import TypingError
from numba.extending import intrinsic, overload

from ...core.errors import ShapeError
from ...core.primitive import REGISTRY
from ...core.types import Sym, DimExpr
from ...ops.prng import ROTATIONS, PARITY
from . import branchless as _branchless, scratch as _scratch
from .views import reshaped  # noqa: F401 (called as _rt.reshaped)


new_block, take, stack_vector = _scratch.new_block, _scratch.take, _scratch.stack_vector  # called as _rt.*
select_ = _branchless.select_  # called as _rt.select_


# -- argument checks (no run-time cost: they pass or fail while numba types the entry) ---------------------
def require_dtype(a, proto):
    """Fails numba's typing when array ``a`` does not hold ``type(proto)`` elements."""


@overload(require_dtype)
def _require_dtype(a, proto):
    if isinstance(a, types.Array) and a.dtype != proto:
        raise TypingError(f"jaxlike: argument dtype {a.dtype} where {proto} was compiled for")
    return lambda a, proto: None


@njit(cache=True, nogil=True)
def check_size(have, want, template):
    """Raises ShapeError(``template`` with ``have`` and ``want``) unless the two sizes are equal. A call, not
    ``if ...: raise`` in the entry: numba's exception block cost ~10 ms of compile per check (26 -> 16 ms per
    check over 100 checks in one function)."""
    if have != want:
        raise ShapeError(template, have, want)


@njit(cache=True, nogil=True)
def check_inferable(rest, size, template):
    """Raises ShapeError(``template`` with ``size``) where the sizes beside a reshape's -1 (multiplying to
    ``rest``) leave it undetermined: they multiply to 0 (any size would fit, and numpy and JAX refuse it where
    numba's reshape would take it for 0), or they do not divide the size (numba's own error names no op,
    shape or line)."""
    if rest == 0 or size % rest:
        raise ShapeError(template, size)


def scalar(a):
    """The value of a rank-0 argument given as a 0-d array or as a Python/numpy scalar."""


@overload(scalar)
def _scalar(a):
    if isinstance(a, types.Array):
        if a.ndim != 0:
            raise TypingError(f"jaxlike: rank-{a.ndim} array where a rank-0 value was compiled for")
        return lambda a: a[()]
    if isinstance(a, (types.Number, types.Boolean)):
        return lambda a: a
    raise TypingError(f"jaxlike: {a} where a rank-0 value was compiled for")


def store0(state, value):
    """Update of a rank-0 state: written into it when it is a 0-d array, else a new 0-d array."""


@overload(store0)
def _store0(state, value):
    if isinstance(state, types.Array) and state.ndim == 0 and state.mutable:
        def impl(state, value):
            state[()] = value
            return state
        return impl

    def fresh(state, value):
        out = np.empty((), type(value))
        out[()] = value
        return out
    return fresh


# -- integer arithmetic numpy refuses ------------------------------------------------------------------------
@njit(cache=True, nogil=True, error_model="numpy")
def int_pow(x, y):
    """x ** y for integers, raising as numpy does for a negative exponent (numba truncates 2 ** -1 to 0)."""
    if y < 0:
        raise ValueError("pow: integers to negative integer powers are not allowed")
    return x ** y


def blas_layout(a):
    """``a`` as BLAS can read it: a C- or F-contiguous array as it is, any other layout (a strided slice)
    copied C-contiguous, as numba's dot would copy it anyway, without its performance warning."""


@overload(blas_layout)
def _blas_layout(a):
    if isinstance(a, types.Array) and a.layout not in ("C", "F"):
        return lambda a: np.ascontiguousarray(a)
    return lambda a: a


SMALL_GEMM = 2048   # m * n * k up to which a plain loop beats the fixed cost of a BLAS call
# NOTE: a product with a contraction this short (the first layer of a net on 2 features, an outer product
# in a gradient) is a pass that writes m x n values; OpenBLAS took 0.44 ms for W3's 1000x2 @ 2x1000 and
# 1000x1 @ 1x1000 (9 GB/s) where the loop below, which writes each row once, vectorizes over it.
SHORT_K = 4


@njit(cache=True, nogil=True)
def gemm(a, b, out):
    """out = a @ b for float matrices: BLAS (numba's np.dot), except for products so small (the XOR net's
    2x3 layers) that calling BLAS costs more than the arithmetic, or with a contraction of at most
    ``SHORT_K``; those run as a loop (row by row: out[i, :] = a[i, 0] * b[0, :] + a[i, 1] * b[1, :] ...)."""
    m, k = a.shape
    n = b.shape[1]
    if m * n * k > SMALL_GEMM and k > SHORT_K:
        np.dot(blas_layout(a), blas_layout(b), out)
        return
    if k == 0:
        out[:, :] = 0
        return
    for i in range(m):
        a0 = a[i, 0]
        for j in range(n):
            out[i, j] = a0 * b[0, j]
        for p in range(1, k):
            aip = a[i, p]
            for j in range(n):
                out[i, j] += aip * b[p, j]


@njit(cache=True, nogil=True)
def gemv_blas(a, x, out):
    """out = a @ x through BLAS (numba's np.dot), for products above SMALL_GEMM multiply-adds; the entry
    writes the loop for smaller ones itself (``lowering._matrix_vector``)."""
    np.dot(blas_layout(a), blas_layout(x), out)


@intrinsic
def _xgemm_acc(typingctx, a, b, out, alpha):
    """out += alpha * (a @ b) in one BLAS call (beta = 1), for C- or F-contiguous float operands and an out
    that is C-contiguous (checked by the caller where its type says 'A'), through numba's own
    ``numba_xxgemm`` helper (scipy's BLAS, as np.dot uses) with the argument order of
    ``numba.np.linalg.call_xxgemm``, which hard-codes alpha = 1 and beta = 0."""
    if not (isinstance(a, types.Array) and isinstance(b, types.Array) and isinstance(out, types.Array)
            and a.ndim == b.ndim == out.ndim == 2 and a.dtype == b.dtype == out.dtype
            and isinstance(out.dtype, types.Float) and a.layout in "CF" and b.layout in "CF"
            and out.layout in "CA" and alpha == out.dtype):
        return None
    from numba.np.linalg import ensure_blas, get_blas_kind, check_blas_return
    ensure_blas()

    def codegen(context, builder, sig, args):
        char, void_p = ir.IntType(8), ir.IntType(8).as_pointer()
        intp = context.get_value_type(types.intp)
        fnty = ir.FunctionType(ir.IntType(32), [char, char, char, intp, intp, intp, void_p, void_p, intp,
                                                void_p, intp, void_p, void_p, intp])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "numba_xxgemm")
        xa = context.make_array(sig.args[0])(context, builder, args[0])
        xb = context.make_array(sig.args[1])(context, builder, args[1])
        xo = context.make_array(sig.args[2])(context, builder, args[2])
        (m, k), (_, n) = cgutils.unpack_tuple(builder, xa.shape, 2), cgutils.unpack_tuple(builder, xb.shape, 2)
        alpha_slot = cgutils.alloca_once_value(builder, args[3])
        beta_slot = cgutils.alloca_once_value(builder, context.get_constant(sig.args[2].dtype, 1.0))

        def param(ty, arr):
            rows, cols = cgutils.unpack_tuple(builder, arr.shape, 2)
            trans = ir.Constant(char, ord("n" if ty.layout == "C" else "t"))
            return trans, (cols if ty.layout == "C" else rows), builder.bitcast(arr.data, void_p)
        # NOTE: BLAS is column-major: the C-order product out = a @ b is out^T = b^T @ a^T there
        transa, lda, data_a = param(sig.args[1], xb)
        transb, ldb, data_b = param(sig.args[0], xa)
        ldc = cgutils.unpack_tuple(builder, xo.shape, 2)[1]
        kind = ir.Constant(char, ord(get_blas_kind(sig.args[2].dtype)))
        res = builder.call(fn, (kind, transa, transb, n, m, k, builder.bitcast(alpha_slot, void_p), data_a, lda,
                                data_b, ldb, builder.bitcast(beta_slot, void_p), builder.bitcast(xo.data, void_p),
                                ldc))
        check_blas_return(context, builder, res)
        return context.get_dummy_value()
    return types.none(a, b, out, alpha), codegen


@njit(cache=True, nogil=True)
def gemm_acc(a, b, out, alpha):
    """out += alpha * (a @ b) in place: a weight update ``W - lr * (A @ B)`` as one BLAS call with beta = 1
    that reads and writes W once (against a product written to a temporary and a pass over both). Small
    products and contractions of at most ``SHORT_K`` run as gemm's row loop does; an ``out`` that is not
    C-contiguous takes the product through a temporary."""
    m, k = a.shape
    n = b.shape[1]
    if out.shape[0] != m or out.shape[1] != n or b.shape[0] != k:
        raise ValueError("gemm_acc: operand shapes do not match")    # NOTE: the entry checked them before
    if m == 0 or n == 0 or k == 0:
        return
    if m * n * k > SMALL_GEMM and k > SHORT_K and out.flags.c_contiguous:
        _xgemm_acc(blas_layout(a), blas_layout(b), out, out.dtype.type(alpha))
        return
    tmp = np.empty((m, n), out.dtype)
    gemm(a, b, tmp)
    for i in range(m):
        for j in range(n):
            out[i, j] += alpha * tmp[i, j]


# -- large arrays in huge pages -----------------------------------------------------------------------------
# An array of more than a few MB comes from a fresh mmap (glibc's threshold is at most 32 MB), so every call
# page-faults through it once more and the kernel zeroes each 4 KB page: filling a fresh 80 MB array took
# ~34 ms here against 3 ms for the same loop over a reused one. numpy asks the kernel for transparent huge
# pages on its own large arrays (madvise MADV_HUGEPAGE, 512x fewer faults); numba's allocator does not, so
# the entry does it for the arrays it allocates that may be large (the same 80 MB: ~11 ms).
HUGE_PAGE_BYTES = 4 << 20       # numpy's threshold for the same advice
_MADV_HUGEPAGE = 14


@intrinsic
def _madvise(typingctx, start, length, advice):
    """libc's ``madvise``, called by name (a symbol, not an address, so modules using it stay cacheable)."""
    def codegen(context, builder, signature, args):
        i64, i32 = ir.IntType(64), ir.IntType(32)
        fn = cgutils.get_or_insert_function(builder.module, ir.FunctionType(i32, [i64, i64, i32]), "madvise")
        return builder.call(fn, args)
    return types.int32(types.uintp, types.uintp, types.int32), codegen


# -- vector width ------------------------------------------------------------------------------------------
# LLVM's tuning for Intel's AVX-512 server and client cores (skylake-avx512 onwards, rocketlake here) prefers
# 256-bit vectors, to spare the clock drop that 512-bit ones once cost. Our kernels are bound by vecmath's
# polynomials, where twice the lanes win: W5's float32 exp-and-sum rows 2.8 -> 1.8 ms, its softmax gradient
# pass 3.0 -> 1.9 ms. The attribute is per function and caps nothing: without AVX-512 LLVM uses the widest
# legal vectors, as before.
WIDE_VECTOR_BITS = 512


@intrinsic
def prefer_vector_width(typingctx, bits):
    """Lets LLVM vectorize the calling function's loops ``bits`` (a literal) wide: its function attribute
    ``prefer-vector-width``. A numba-inlined or pasted callee's loops then belong to the caller, whose
    attribute counts."""
    if not isinstance(bits, types.IntegerLiteral):
        return None
    attribute = f'"prefer-vector-width"="{bits.literal_value}"'

    def codegen(context, builder, signature, args):
        # NOTE: llvmlite's FunctionAttributes.add accepts only keyword attributes; a string attribute is
        # printed into the IR as given, so it goes into the underlying set
        set.add(builder.function.attributes, attribute)
        return context.get_dummy_value()
    return types.none(bits), codegen


@intrinsic
def plain(typingctx, value):
    """``value`` typed as its non-literal type (``literals.py`` says why): 0 as int64, 'take' as a string,
    (1, n) as a tuple of int64."""
    result = types.unliteral(value)

    def codegen(context, builder, signature, args):
        return context.cast(builder, args[0], signature.args[0], signature.return_type)
    return result(value), codegen


def may_be_large(shape, dtype):
    """Whether an array of this (partly symbolic) shape may reach HUGE_PAGE_BYTES: the generated code then
    calls ``advise_huge`` on it."""
    if not all(isinstance(d, int) for d in shape):
        return True
    return int(np.prod(shape, dtype=np.int64)) * np.dtype(dtype).itemsize >= HUGE_PAGE_BYTES


if sys.platform.startswith("linux"):
    @njit(cache=True, nogil=True)
    def advise_huge(a):
        """Ask for huge pages under the whole pages of ``a`` when it is large (a hint: failures are ignored)."""
        nbytes = a.size * a.itemsize
        if nbytes >= HUGE_PAGE_BYTES:
            p = a.ctypes.data
            start = (p + 4095) & ~np.uintp(4095)
            end = (p + nbytes) & ~np.uintp(4095)
            _madvise(start, end - start, np.int32(_MADV_HUGEPAGE))
else:
    @njit(cache=True, nogil=True)
    def advise_huge(a):
        pass


# -- reductions of a kernel's buffer in lanes ---------------------------------------------------------------
# A running sum is a chain of dependent additions (4 cycles each), and LLVM may not reorder float additions
# (fastmath is off), so it keeps such a loop scalar: even eight explicit scalar partial sums were not packed
# into vector adds (0.27 ns per float32 element here, 1.1 ms for W5's 4M-element row sums). These
# intrinsics write the vector loop themselves: element k goes to lane k mod 32 (four vectors of eight), the
# lanes combine in a fixed tree, then the tail in order. The order depends on nothing but n, so a result is
# the same on every machine (a vector of eight is two AVX2 registers or one AVX-512 one, lane for lane).
_VEC, _UNROLL = 8, 4


def _lane_loop(context, builder, buf_type, args, acc_type, init, combine, convert):
    """IR of the lane reduction of ``buf[:n]``: ``combine(builder, acc, value)`` on vectors of ``acc_type``
    from ``init`` (a vector), ``convert(builder, value, to)`` from the element type; returns the combined
    scalar and the tail's accumulator separately (combined by the caller's rule)."""
    ary = context.make_array(buf_type)(context, builder, value=args[0])
    n = args[1]
    lane_in, lane_acc = ir.VectorType(context.get_data_type(buf_type.dtype), _VEC), ir.VectorType(acc_type, _VEC)
    accs = [cgutils.alloca_once_value(builder, init) for _ in range(_UNROLL)]
    step = ir.Constant(n.type, _VEC * _UNROLL)
    blocks = builder.sdiv(n, step)
    with cgutils.for_range(builder, blocks) as loop:
        base = builder.mul(loop.index, step)
        for u in range(_UNROLL):
            ptr = builder.gep(ary.data, [builder.add(base, ir.Constant(n.type, u * _VEC))])
            vec = builder.load(builder.bitcast(ptr, lane_in.as_pointer()), align=buf_type.dtype.bitwidth // 8)
            builder.store(combine(builder, builder.load(accs[u]), convert(builder, vec, lane_acc)), accs[u])
    a = [builder.load(x) for x in accs]
    v = combine(builder, combine(builder, a[0], a[1]), combine(builder, a[2], a[3]))
    lanes = [builder.extract_element(v, ir.Constant(ir.IntType(32), j)) for j in range(_VEC)]
    while len(lanes) > 1:
        lanes = [combine(builder, lanes[j], lanes[j + 1]) for j in range(0, len(lanes), 2)]
    return lanes[0], ary, blocks, step, n


def _to_double(builder, value, to, dtype):
    """``value`` (a scalar or vector of ``dtype``) as ``to`` (double or a vector of doubles)."""
    if isinstance(dtype, types.Float):
        return value if dtype.bitwidth == 64 else builder.fpext(value, to)
    return builder.sitofp(value, to) if dtype.signed else builder.uitofp(value, to)


@intrinsic
def _vector_sum(typingctx, buf, n):
    if not (isinstance(buf, types.Array) and buf.ndim == 1 and buf.layout == "C"
            and isinstance(buf.dtype, (types.Float, types.Integer)) and buf.dtype.bitwidth in (32, 64)
            and isinstance(n, types.Integer)):
        return None

    def codegen(context, builder, sig, args):
        f64 = ir.DoubleType()
        dtype = sig.args[0].dtype
        args = [args[0], context.cast(builder, args[1], sig.args[1], types.intp)]
        total, ary, blocks, step, n = _lane_loop(
            context, builder, sig.args[0], args, f64, ir.Constant(ir.VectorType(f64, _VEC), [0.0] * _VEC),
            lambda b, x, y: b.fadd(x, y), lambda b, v, to: _to_double(b, v, to, dtype))
        tail = cgutils.alloca_once_value(builder, ir.Constant(f64, 0.0))
        start = builder.mul(blocks, step)
        with cgutils.for_range(builder, builder.sub(n, start)) as loop:
            x = builder.load(builder.gep(ary.data, [builder.add(start, loop.index)]))
            builder.store(builder.fadd(builder.load(tail), _to_double(builder, x, f64, dtype)), tail)
        return builder.fadd(total, builder.load(tail))
    return types.float64(buf, n), codegen


@njit(inline="always", cache=True, nogil=True)
def lane_sum(buf, n):
    """The float64 sum of ``buf[:n]`` (a C-contiguous 1-D buffer of float or 32/64-bit int) in 32 lanes
    (see above); like numpy's pairwise sum it is not the left-to-right order, and it is more accurate."""
    return _vector_sum(buf, n)


def _extreme_intrinsic(op):
    """An intrinsic ``(buf, n)`` -> the ``op`` ('>' max, '<' min) of float ``buf[:n]`` (n >= 1) with x86's
    rule ``v if v op m else m`` per lane, every lane starting from ``buf[0]``; NaNs are the caller's."""
    @intrinsic
    def extreme(typingctx, buf, n):
        if not (isinstance(buf, types.Array) and buf.ndim == 1 and buf.layout == "C"
                and isinstance(buf.dtype, types.Float) and buf.dtype.bitwidth in (32, 64)
                and isinstance(n, types.Integer)):
            return None

        def pick(b, v, m):
            return b.select(b.fcmp_ordered(op, v, m), v, m)

        def codegen(context, builder, sig, args):
            args = [args[0], context.cast(builder, args[1], sig.args[1], types.intp)]
            ary = context.make_array(sig.args[0])(context, builder, value=args[0])
            elt = context.get_data_type(sig.args[0].dtype)
            first = builder.load(ary.data)
            init = cgutils.get_null_value(ir.VectorType(elt, _VEC))
            for j in range(_VEC):
                init = builder.insert_element(init, first, ir.Constant(ir.IntType(32), j))
            m, ary, blocks, step, n = _lane_loop(context, builder, sig.args[0], args, elt, init,
                                                    lambda b, x, y: pick(b, y, x), lambda b, v, to: v)
            acc = cgutils.alloca_once_value(builder, m)
            start = builder.mul(blocks, step)
            with cgutils.for_range(builder, builder.sub(n, start)) as loop:
                x = builder.load(builder.gep(ary.data, [builder.add(start, loop.index)]))
                builder.store(pick(builder, x, builder.load(acc)), acc)
            return builder.load(acc)
        return buf.dtype(buf, n), codegen
    return extreme


_vector_max = _extreme_intrinsic(">")
_vector_min = _extreme_intrinsic("<")


@njit(inline="always", cache=True, nogil=True)
def _nan_or(buf, n, m):
    """``m``, or a NaN of ``buf[:n]`` if it holds one (an OR over the buffer, which vectorizes; the search
    for the NaN itself runs only then)."""
    nan = False
    for k in range(n):
        nan |= buf[k] != buf[k]
    if nan:
        for k in range(n):
            if buf[k] != buf[k]:
                return buf[k]
    return m


@njit(inline="always", cache=True, nogil=True)
def lane_max(buf, n):
    """The max of float ``buf[:n]`` (n >= 1), NaN if any element is NaN (as np.max). A running max with the
    NaN test in its select is one chain LLVM keeps scalar; plain selects per lane (x86's max) pack into
    vector ops, and the NaN test is a separate OR loop (W5's row max 5.9 -> ~1.8 ms with eight scalar
    lanes)."""
    return _nan_or(buf, n, _vector_max(buf, n))


@njit(inline="always", cache=True, nogil=True)
def lane_min(buf, n):
    """The min of float ``buf[:n]`` (n >= 1), as ``lane_max``."""
    return _nan_or(buf, n, _vector_min(buf, n))


@njit(cache=True, nogil=True)
def matmul_int(a, b, out):
    """Integer (and bool) GEMM: BLAS has none. i-k-j order streams rows of b and out."""
    out[:, :] = 0
    for i in range(a.shape[0]):
        for k in range(a.shape[1]):
            aik = a[i, k]
            if aik == 0:
                continue
            for j in range(b.shape[1]):
                out[i, j] += aik * b[k, j]


# -- objmode fallback ------------------------------------------------------------------------------------------
FALLBACKS = {}      # (module key, index) -> Fallback; filled when a module is loaded
_WARNED = set()


class Fallback:
    """A primitive's numpy rule behind the objmode call: resolves symbolic attrs from the size values the
    entry passes, and returns a fresh C-contiguous array (or scalar) of the node's dtype."""

    def __init__(self, prim, attrs, syms, dtype, ndim):
        self.prim, self.attrs, self.syms = prim, attrs, tuple(syms)
        self.dtype, self.ndim = np.dtype(dtype), ndim

    def __call__(self, args, sizes):
        env = {id(s): n for s, n in zip(self.syms, sizes)}
        attrs = {k: _resolve(a, env) for k, a in self.attrs}
        out = np.asarray(self.prim.numpy(*[np.asarray(a) for a in args], **attrs))
        if out.ndim != self.ndim:
            raise ValueError(f"{self.prim.name}: numpy rule returned rank {out.ndim}, its type says {self.ndim}")
        if self.ndim == 0:
            return out.astype(self.dtype)[()]
        return np.array(out, dtype=self.dtype, order="C", copy=True)


def _resolve(a, env):
    if isinstance(a, Sym):
        return env[id(a)]
    if isinstance(a, DimExpr):
        return a.combine(_resolve(t, env) for t in a.terms)
    if isinstance(a, tuple):
        return tuple(_resolve(x, env) for x in a)
    return a


def run_fallback(key, index, args, sizes):
    return FALLBACKS[(key, index)](args, sizes)


def warn_fallback(name):
    # NOTE: a host callback (a print, pure_callback) has nothing to lower: calling Python is its purpose
    if name not in _WARNED and not REGISTRY[name].extra.get("host"):
        _WARNED.add(name)
        warnings.warn(f"numba_cpu has no lowering for primitive {name!r}: it runs its numpy rule through "
                      "numba.objmode (correct, but it leaves compiled code for every call)", stacklevel=4)


def numba_type(dtype, ndim):
    """The numba type an objmode block declares for a value of this dtype and rank."""
    t = numba.from_dtype(np.dtype(dtype))
    return t if ndim == 0 else types.Array(t, ndim, "C")


def const_array(hexdata, dtype, shape):
    """A module-level constant rebuilt from the hex text the code generator wrote."""
    arr = np.frombuffer(bytes.fromhex(hexdata), dtype=np.dtype(dtype)).reshape(shape).copy()
    arr.flags.writeable = False
    return arr


@njit(cache=True)
def clock():
    """``time.perf_counter()`` from compiled code (an objmode call of about a microsecond: profile builds only)."""
    with numba.objmode(t="float64"):
        t = time.perf_counter()
    return t


@njit(cache=True, nogil=True)
def out_buffer(buf, shape):
    """``buf``, the array a loop step writes one of its outputs into, after checking it has ``shape``."""
    if buf.shape != shape:
        raise ValueError("jaxlike: a loop step's output buffer has the wrong shape")
    return buf


# -- random bits ---------------------------------------------------------------------------------------------
_ODD, _EVEN = ROTATIONS   # the rotations of groups 0, 2, 4 and of groups 1, 3


@njit(cache=True, nogil=True)
def threefry_fill(keys, out):
    """out[b, i] = the two Threefry-2x32 words of counter i (as a 64-bit number) under keys[b]; keys is
    (B, 2) and out (B, n, 2), both uint32. The rounds of ``ops.prng.threefry_rounds``, written for scalars."""
    for b in range(keys.shape[0]):
        # NOTE: the key read once per row: out may alias keys as far as LLVM knows, so reads inside the loop
        # would be repeated after every store (2.3x slower)
        k0, k1 = keys[b, 0], keys[b, 1]
        for i in range(out.shape[1]):
            out[b, i, 0], out[b, i, 1] = _threefry20(k0, k1, np.uint32(i >> 32), np.uint32(i & 0xFFFFFFFF))


@njit(cache=True, nogil=True)
def threefry_fold(keys, data, out):
    """out[b] = the two Threefry-2x32 words of the counter (0, data[b]) under keys[b] (keys, out: (B, 2))."""
    for b in range(keys.shape[0]):
        out[b, 0], out[b, 1] = _threefry20(keys[b, 0], keys[b, 1], np.uint32(0), np.uint32(data[b]))


@njit(cache=True, nogil=True, inline="always")
def _threefry20(k0, k1, x0, x1):
    """Threefry-2x32 of the counter (x0, x1) under the key (k0, k1): five groups of four rounds, each followed
    by a key injection."""
    k2 = np.uint32(k0 ^ k1 ^ np.uint32(PARITY))
    x0, x1 = np.uint32(x0 + k0), np.uint32(x1 + k1)
    x0, x1 = _threefry_group(x0, x1, _ODD)
    x0, x1 = np.uint32(x0 + k1), np.uint32(x1 + k2 + np.uint32(1))
    x0, x1 = _threefry_group(x0, x1, _EVEN)
    x0, x1 = np.uint32(x0 + k2), np.uint32(x1 + k0 + np.uint32(2))
    x0, x1 = _threefry_group(x0, x1, _ODD)
    x0, x1 = np.uint32(x0 + k0), np.uint32(x1 + k1 + np.uint32(3))
    x0, x1 = _threefry_group(x0, x1, _EVEN)
    x0, x1 = np.uint32(x0 + k1), np.uint32(x1 + k2 + np.uint32(4))
    x0, x1 = _threefry_group(x0, x1, _ODD)
    return np.uint32(x0 + k2), np.uint32(x1 + k0 + np.uint32(5))


@njit(cache=True, nogil=True, inline="always")
def _threefry_group(x0, x1, rotations):
    x0, x1 = _threefry_mix(x0, x1, rotations[0])
    x0, x1 = _threefry_mix(x0, x1, rotations[1])
    x0, x1 = _threefry_mix(x0, x1, rotations[2])
    return _threefry_mix(x0, x1, rotations[3])


@njit(cache=True, nogil=True, inline="always")
def _threefry_mix(x0, x1, r):
    x0 = np.uint32(x0 + x1)
    x1 = np.uint32((np.uint64(x1) << np.uint64(r)) | (np.uint64(x1) >> np.uint64(32 - r)))
    return x0, np.uint32(x1 ^ x0)
