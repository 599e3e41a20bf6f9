"""``jax.lax``'s smaller names (re-exported by ``jaxlike.lax``): shapes and stacking (``broadcast_shapes``,
``broadcast_to_rank``, ``broadcast_like``, ``split``, ``stack``, ``unstack``, ``tile``, ``empty``,
``shape_as_value``, ``dtype``), arithmetic (``batch_matmul``, ``reciprocal``, ``mulhi``, ``reduce_precision``,
``zeta``, ``polygamma``), ``index_take``, ``bitcast_convert_type`` (concrete values only), ``approx_max_k`` /
``approx_min_k`` (exact, which their recall target allows), ``fft`` with ``FftType``, ``ragged_dot``,
``Precision`` (accepted, not acted on), and the compiler hints ``optimization_barrier``, ``platform_dependent``
and ``composite``.
A front-end module: imports core, ops and jaxlike.numpy."""

import builtins
import enum
import functools
import operator

import numpy as np

from .. import pytree
from ..core.graph import Var
from ..core.errors import user_frame, where as _at
from ..core.types import Sym
from .. import numpy as jnp
from ..numpy._base import asarray_or_var, is_traced
from .elementwise import operands as _operands, _array, _dtype, _is_python_scalar, integer_pow
from .structural import dot_general, slice_in_dim, index_in_dim, broadcast, concatenate
from .reductions import top_k

__all__ = ["batch_matmul", "reciprocal", "broadcast_shapes", "broadcast_to_rank", "broadcast_like", "split",
           "stack", "unstack", "tile", "empty", "mulhi", "index_take", "bitcast_convert_type", "reduce_precision",
           "optimization_barrier", "platform_dependent", "shape_as_value", "dtype", "approx_max_k",
           "approx_min_k", "zeta", "polygamma", "Precision", "FftType", "fft", "ragged_dot", "composite"]


def _here():
    return _at(user_frame())


def _arr(x, fname, pos=0):
    x = _array(x, fname, pos)
    return np.asarray(x) if _is_python_scalar(x) else x


def _int(v, fname, what):
    if isinstance(v, bool):
        raise TypeError(f"lax.{fname}: {what} must be an int, got {v!r}{_here()}")
    try:
        return operator.index(v)
    except TypeError:
        raise TypeError(f"lax.{fname}: {what} must be an int, got {v!r}{_here()}") from None


def _axis(axis, nd, fname):
    axis = _int(axis, fname, "axis")
    if not -nd <= axis < nd:
        raise ValueError(f"lax.{fname}: axis {axis} is out of range for rank {nd}{_here()}")
    return axis % nd


# -- shapes and stacking ----------------------------------------------------------------------------------------
def broadcast_shapes(*shapes):
    """The shape numpy's broadcasting gives ``shapes`` (a tuple of ints)."""
    try:
        return tuple(np.broadcast_shapes(*[tuple(s) for s in shapes]))
    except ValueError:
        raise ValueError(f"lax.broadcast_shapes: incompatible shapes for broadcasting: shapes="
                         f"{[tuple(s) for s in shapes]}{_here()}") from None


def broadcast_to_rank(x, rank):
    """``x`` with leading dimensions of size 1 added up to ``rank``."""
    x = _arr(x, "broadcast_to_rank")
    rank, nd = _int(rank, "broadcast_to_rank", "rank"), jnp.ndim(x)
    if rank < nd:
        raise ValueError(f"lax.broadcast_to_rank: rank {rank} is less than the operand's rank {nd}{_here()}")
    return x if rank == nd else broadcast(x, (1,) * (rank - nd))


def broadcast_like(arr, like_arr):
    """``arr`` broadcast to the shape of ``like_arr``."""
    return jnp.broadcast_to(_arr(arr, "broadcast_like"), tuple(jnp.shape(_arr(like_arr, "broadcast_like", 1))))


def split(operand, sizes, axis=0):
    """``operand`` cut along ``axis`` into consecutive pieces of ``sizes`` (which sum to that dimension)."""
    x = _arr(operand, "split")
    ax = _axis(axis, jnp.ndim(x), "split")
    sizes = [_int(s, "split", "sizes") for s in sizes]
    n = int(jnp.shape(x)[ax])
    if any(s < 0 for s in sizes) or builtins.sum(sizes) != n:
        raise ValueError(f"lax.split: sizes {tuple(sizes)} must be non-negative and sum to the size of axis {ax} "
                         f"({n}){_here()}")
    starts = np.cumsum([0] + sizes)
    return [slice_in_dim(x, int(a), int(b), axis=ax) for a, b in zip(starts[:-1], starts[1:])]


def stack(operands, axis=0):
    """``operands`` (one dtype, one shape) stacked along a new ``axis``."""
    xs = [_arr(x, "stack", k) for k, x in enumerate(operands)]
    if not xs:
        raise ValueError("lax.stack: needs at least one operand" + _here())
    dts = [_dtype(x) for x in xs]
    if len(set(dts)) > 1:
        raise TypeError(f"lax.stack requires arguments to have the same dtypes, got "
                        f"{', '.join(map(str, dts))}{_here()}")
    shapes = [tuple(jnp.shape(x)) for x in xs]
    if len(set(len(s) for s in shapes)) > 1 or any(
            isinstance(a, int) and isinstance(b, int) and a != b for s in shapes for a, b in zip(s, shapes[0])):
        raise TypeError(f"lax.stack: operands must have the same shape, got {shapes}{_here()}")
    ax = _axis(axis, len(shapes[0]) + 1, "stack")
    return concatenate([jnp.expand_dims(x, ax) for x in xs], ax)


def unstack(x, axis=0):
    """The slices of ``x`` along ``axis``, as a tuple."""
    x = _arr(x, "unstack")
    ax = _axis(axis, jnp.ndim(x), "unstack")
    return tuple(index_in_dim(x, k, axis=ax, keepdims=False) for k in range(int(jnp.shape(x)[ax])))


def tile(operand, reps):
    """``operand`` repeated ``reps[d]`` times along each dimension d (one entry per dimension)."""
    x = _arr(operand, "tile")
    reps = tuple(_int(r, "tile", "reps") for r in reps)
    if len(reps) != jnp.ndim(x):
        raise TypeError(f"lax.tile: reps must have one entry per dimension of the operand ({jnp.ndim(x)}), got "
                        f"{reps}{_here()}")
    return jnp.tile(x, reps)


def empty(shape, dtype, *, out_sharding=None):
    """An array of ``shape`` and ``dtype`` whose contents are unspecified (zeros here)."""
    return np.zeros(tuple(_int(d, "empty", "shape") for d in shape), np.dtype(dtype))


def shape_as_value(shape):
    """``shape`` as an int64 vector (a traced value where a size is symbolic)."""
    shape = tuple(shape)
    if builtins.any(isinstance(d, (Sym, Var)) for d in shape):
        return asarray_or_var([d if isinstance(d, (Sym, Var)) else np.int64(d) for d in shape])
    return np.asarray([_int(d, "shape_as_value", "shape") for d in shape], np.int64).reshape(len(shape))


_PY_DEFAULT = {bool: np.dtype(bool), int: np.dtype(np.int64), float: np.dtype(np.float64),
               complex: np.dtype(np.complex128)}


def dtype(x):
    """The dtype of ``x``: an array's, a Python scalar's (jaxlike's 64-bit defaults), or a dtype-like's."""
    if x is None:
        raise ValueError(f"lax.dtype: invalid argument None{_here()}")
    if isinstance(x, type) and x in _PY_DEFAULT:
        return _PY_DEFAULT[x]
    if type(x) in _PY_DEFAULT:
        return _PY_DEFAULT[type(x)]
    if isinstance(x, Var):
        return x.dtype
    if isinstance(x, (str, np.dtype)) or (isinstance(x, type) and issubclass(x, np.generic)):
        return np.dtype(x)
    return np.asarray(x).dtype


# -- arithmetic -------------------------------------------------------------------------------------------------
def batch_matmul(lhs, rhs, precision=None):
    """Matrix products over leading batch dimensions: ``lhs`` (..., m, k) with ``rhs`` (..., k, n), equal ranks
    of at least 2."""
    a, b = _arr(lhs, "batch_matmul"), _arr(rhs, "batch_matmul", 1)
    na, nb = jnp.ndim(a), jnp.ndim(b)
    if builtins.min(na, nb) < 2 or na != nb:
        raise ValueError(f"lax.batch_matmul: arguments must have the same rank, at least 2, got ranks {na} and "
                         f"{nb}{_here()}")
    batch = tuple(range(na - 2))
    return dot_general(a, b, (((na - 1,), (na - 2,)), (batch, batch)), precision=precision)


def reciprocal(x):
    """1 / x (floating or complex; integers are refused, as ``integer_pow(x, -1)`` refuses them)."""
    return integer_pow(x, -1)


def mulhi(x, y):
    """The high half of the double-width product of integers ``x`` and ``y`` (signed or unsigned, one dtype)."""
    x, y = _operands("mulhi", [x, y], "iu")
    dt = _dtype(x)
    bits = dt.itemsize * 8
    if bits < 64:
        wide = np.dtype(np.int64 if dt.kind == "i" else np.uint64)
        p = jnp.astype(x, wide) * jnp.astype(y, wide)
        return jnp.astype(jnp.right_shift(p, wide.type(bits)), dt)
    u = np.dtype(np.uint64)
    xu, yu = jnp.astype(x, u), jnp.astype(y, u)
    half, mask = np.uint64(32), np.uint64(0xFFFFFFFF)
    xl, xh, yl, yh = xu & mask, jnp.right_shift(xu, half), yu & mask, jnp.right_shift(yu, half)
    ll, hl, lh = xl * yl, xh * yl, xl * yh
    cross = jnp.right_shift(ll, half) + (hl & mask) + lh
    hi = xh * yh + jnp.right_shift(hl, half) + jnp.right_shift(cross, half)
    if dt.kind == "u":
        return hi
    zero = np.uint64(0)
    # NOTE: the signed high half is the unsigned one less y for a negative x and x for a negative y (mod 2**64)
    hi = hi - jnp.where(x < 0, yu, zero) - jnp.where(y < 0, xu, zero)
    return jnp.astype(hi, dt)


_FLOAT_BITS = {np.dtype(np.float16): (5, 10), np.dtype(np.float32): (8, 23), np.dtype(np.float64): (11, 52)}


def reduce_precision(operand, exponent_bits, mantissa_bits):
    """``operand`` rounded (to nearest, ties to even) to a float format of ``exponent_bits`` and
    ``mantissa_bits``, with its overflow to inf and its subnormals; NaN stays NaN. The gradient passes
    through unchanged (JAX rounds the cotangent too)."""
    x = _arr(operand, "reduce_precision")
    dt = _dtype(x)
    if dt not in _FLOAT_BITS:
        raise TypeError(f"lax.reduce_precision does not accept dtype {dt}; accepted: float16, float32, "
                        f"float64{_here()}")
    eb, mb = _int(exponent_bits, "reduce_precision", "exponent_bits"), _int(mantissa_bits, "reduce_precision",
                                                                            "mantissa_bits")
    if eb < 1 or mb < 0:
        raise ValueError(f"lax.reduce_precision: exponent_bits must be >= 1 and mantissa_bits >= 0, got {eb} and "
                         f"{mb}{_here()}")
    own_e, own_m = _FLOAT_BITS[dt]
    eb, mb = builtins.min(eb, own_e), builtins.min(mb, own_m)
    if (eb, mb) == (own_e, own_m):
        return x
    emax = 2 ** (eb - 1) - 1
    emin = 1 - emax
    _, e = jnp.frexp(x)
    e = jnp.astype(e, np.int64) - 1
    # NOTE: as XLA's: the mantissa is rounded first (a carry may lift a value to the smallest normal); a
    # narrower exponent then flushes what lies below its smallest normal to a signed zero (the operand's own
    # exponent range keeps its subnormals, rounded at their fixed bit positions)
    step = (e if eb < own_e else jnp.maximum(e, emin)) - mb
    step = jnp.where(jnp.isfinite(x), step, 0)
    r = jnp.ldexp(jnp.round(jnp.ldexp(x, -step)), step)
    if eb < own_e:
        inf = np.asarray(np.inf, dt)
        r = jnp.where(jnp.abs(r) > (2.0 - 2.0 ** -mb) * 2.0 ** emax, jnp.where(x > 0, inf, -inf), r)
        r = jnp.where(jnp.abs(r) < 2.0 ** emin, jnp.where(jnp.signbit(x), np.asarray(-0.0, dt),
                                                           np.zeros((), dt)), r)
    if not is_traced(x):
        return np.asarray(r, dt)
    from .control import stop_gradient
    # NOTE: the value is r; the gradient passes through where r is finite (x + (r - x) is exact there, by
    # Sterbenz, or r is 0)
    return jnp.where(r == x, x, jnp.where(jnp.isfinite(r), x + stop_gradient(r - x), r))


def zeta(x, q):
    """The Hurwitz zeta function (``jaxlike.scipy.special.zeta``), with lax's same-dtype rule."""
    from ..scipy import special
    x, q = _operands("zeta", [x, q], "f")
    return special.zeta(x, q)


def polygamma(m, x):
    """The polygamma function of order ``m`` (``jaxlike.scipy.special.polygamma``); ``m`` is a float of
    ``x``'s dtype holding an integer, as lax requires."""
    from ..scipy import special
    m, x = _operands("polygamma", [m, x], "f")
    return special.polygamma(m, x)


# -- indexing -----------------------------------------------------------------------------------------------------
def index_take(src, idxs, axes):
    """``src`` at the index arrays ``idxs`` (one per axis in ``axes``, wrapped modulo that axis' size): the
    indexed axes are replaced by one leading axis of the indices' length."""
    from .gather_scatter import gather, GatherDimensionNumbers
    x = _arr(src, "index_take")
    shape = tuple(int(d) for d in jnp.shape(x))
    axes = tuple(_axis(a, len(shape), "index_take") for a in axes)
    idxs = [_arr(i, "index_take", 1) for i in idxs]
    if len(idxs) != len(axes):
        raise ValueError(f"lax.index_take: idxs has {len(idxs)} index arrays for {len(axes)} axes{_here()}")
    cols = [jnp.remainder(jnp.astype(i, np.int64), shape[a]) for i, a in zip(idxs, axes)]
    indices = jnp.stack(cols, axis=1)
    sizes = [1 if d in axes else n for d, n in enumerate(shape)]
    dn = GatherDimensionNumbers(offset_dims=tuple(range(1, len(shape) - len(axes) + 1)),
                                collapsed_slice_dims=tuple(sorted(axes)), start_index_map=axes)
    return gather(x, indices, dn, sizes)


def bitcast_convert_type(operand, new_dtype):
    """``operand``'s bits read as ``new_dtype`` (numpy's ``view``): to a narrower type a last dimension of the
    width ratio is added, to a wider one the last dimension (of that ratio) is removed. Concrete values only:
    jaxlike's graph has no bitcast primitive, so a traced operand raises NotImplementedError."""
    new = np.dtype(new_dtype)
    if isinstance(operand, Var):
        raise NotImplementedError(f"lax.bitcast_convert_type: a traced operand ({operand.type!r}) cannot be "
                                  f"bitcast; jaxlike has no bitcast primitive (pass a concrete array){_here()}")
    x = np.ascontiguousarray(_arr(operand, "bitcast_convert_type"))
    old = x.dtype
    if old.itemsize == new.itemsize:
        return x.view(new)
    if old.itemsize > new.itemsize:
        return x.reshape(x.shape + (1,)).view(new).reshape(x.shape + (old.itemsize // new.itemsize,))
    ratio = new.itemsize // old.itemsize
    if x.ndim == 0 or x.shape[-1] != ratio:
        raise ValueError(f"lax.bitcast_convert_type: converting {old} to the wider {new} needs a last dimension "
                         f"of size {ratio}, got shape {x.shape}{_here()}")
    return x.view(new).reshape(x.shape[:-1])


# -- approximate top-k (exact here) -------------------------------------------------------------------------------
def _approx_k(fname, operand, k, reduction_dimension, recall_target, aggregate_to_topk, largest):
    x = _arr(operand, fname)
    if not 0 < recall_target <= 1:
        raise ValueError(f"lax.{fname}: recall_target must be in (0, 1], got {recall_target}{_here()}")
    if not aggregate_to_topk:
        raise NotImplementedError(f"lax.{fname}: aggregate_to_topk=False is not supported (the exact top k is "
                                  f"returned){_here()}")
    ax = _axis(reduction_dimension, jnp.ndim(x), fname)
    k = _int(k, fname, "k")
    n = int(jnp.shape(x)[ax])
    if not 0 <= k <= n:
        raise ValueError(f"lax.{fname}: k = {k} must be in [0, {n}] (the size of dimension {ax}){_here()}")
    if largest:
        # NOTE: NaN is never among the largest (XLA's approximate top-k compares with >, which NaN fails)
        key = jnp.where(jnp.isnan(x), -np.inf, x) if _dtype(x).kind == "f" else x
        order = top_k(key, k, axis=ax)[1]
    else:
        order = jnp.astype(jnp.take(jnp.argsort(x, axis=ax), np.arange(k), axis=ax), np.int32)
    return jnp.take_along_axis(x, order, axis=ax), order


def approx_max_k(operand, k, reduction_dimension=-1, recall_target=0.95, reduction_input_size_override=-1,
                 aggregate_to_topk=True):
    """The ``k`` largest entries along ``reduction_dimension`` and their int32 indices, exactly (a recall of 1,
    which every ``recall_target`` allows); ordered as ``top_k``."""
    return _approx_k("approx_max_k", operand, k, reduction_dimension, recall_target, aggregate_to_topk, True)


def approx_min_k(operand, k, reduction_dimension=-1, recall_target=0.95, reduction_input_size_override=-1,
                 aggregate_to_topk=True):
    """The ``k`` smallest entries along ``reduction_dimension`` (ascending, ties in index order, NaN last) and
    their int32 indices, exactly."""
    return _approx_k("approx_min_k", operand, k, reduction_dimension, recall_target, aggregate_to_topk, False)


# -- precision, FFTs, ragged products ----------------------------------------------------------------------------
class Precision(enum.Enum):
    """A matmul/convolution precision hint (``precision=`` of ``dot_general``, ``conv_general_dilated``...);
    jaxlike computes in the operands' own precision whatever the hint."""
    DEFAULT = 0
    HIGH = 1
    HIGHEST = 2

    @classmethod
    def _missing_(cls, value):
        names = {"default": 0, "fastest": 0, "bfloat16": 0, "high": 1, "bfloat16_3x": 1, "tensorfloat32": 1,
                 "highest": 2, "float32": 2}
        if isinstance(value, str) and value.lower() in names:
            return cls(names[value.lower()])
        return None


class FftType(enum.IntEnum):
    """``lax.fft``'s transform: complex forward and inverse, real-to-complex and its inverse."""
    FFT = 0
    IFFT = 1
    RFFT = 2
    IRFFT = 3


def fft(x, fft_type, fft_lengths):
    """The ``fft_type`` transform over the last ``len(fft_lengths)`` axes (``jnp.fft.fftn`` and friends):
    ``fft_lengths`` are those axes' sizes (for IRFFT, the real output's)."""
    if isinstance(fft_type, str):
        try:
            fft_type = FftType[fft_type.upper()]
        except KeyError:
            raise ValueError(f"lax.fft: fft_type must be an FftType or one of 'fft', 'ifft', 'rfft', 'irfft', got "
                             f"{fft_type!r}{_here()}") from None
    fft_type = FftType(fft_type)
    a = _arr(x, "fft")
    lengths = tuple(_int(n, "fft", "fft_lengths") for n in fft_lengths)
    shape = tuple(jnp.shape(a))
    k = len(lengths)
    if not 1 <= k <= builtins.min(3, len(shape)):
        raise ValueError(f"lax.fft: fft_lengths {lengths} must have 1 to 3 entries and no more than the operand's "
                         f"rank ({len(shape)}){_here()}")
    axes = tuple(range(len(shape) - k, len(shape)))
    want = lengths[:-1] + (lengths[-1] // 2 + 1,) if fft_type is FftType.IRFFT else lengths
    got = tuple(int(d) for d in shape[-k:])
    if got != want:
        raise ValueError(f"lax.fft: an {fft_type.name} with fft_lengths {lengths} needs trailing dimensions {want}, "
                         f"got {got} (operand shape {shape}){_here()}")
    if fft_type is FftType.RFFT and _dtype(a).kind not in "f":
        raise TypeError(f"lax.fft: RFFT needs a real floating operand, got {_dtype(a)}{_here()}")
    if fft_type is FftType.IRFFT and _dtype(a).kind != "c":
        raise TypeError(f"lax.fft: IRFFT needs a complex operand, got {_dtype(a)}{_here()}")
    fn = {FftType.FFT: jnp.fft.fftn, FftType.IFFT: jnp.fft.ifftn, FftType.RFFT: jnp.fft.rfftn,
          FftType.IRFFT: jnp.fft.irfftn}[fft_type]
    return fn(a, s=lengths, axes=axes)


def ragged_dot(lhs, rhs, group_sizes, precision=None, preferred_element_type=None, group_offset=None):
    """``lhs`` (m, k) times ``rhs`` (g, k, n) by row groups: the first ``group_sizes[0]`` rows of ``lhs`` with
    ``rhs[0]``, the next ``group_sizes[1]`` with ``rhs[1]``...; rows past the groups give zeros."""
    if group_offset is not None:
        raise NotImplementedError(f"lax.ragged_dot: group_offset is not supported{_here()}")
    a, b = _arr(lhs, "ragged_dot"), _arr(rhs, "ragged_dot", 1)
    if _dtype(a) != _dtype(b) or _dtype(a).kind not in "iufc":
        raise TypeError(f"lax.ragged_dot requires numeric arguments of the same dtype, got {_dtype(a)} and "
                        f"{_dtype(b)}{_here()}")
    sizes = _arr(group_sizes, "ragged_dot", 2)
    sa, sb, sg = tuple(jnp.shape(a)), tuple(jnp.shape(b)), tuple(jnp.shape(sizes))
    if len(sa) != 2 or len(sb) != 3 or len(sg) != 1 or _dtype(sizes).kind not in "iu":
        raise ValueError(f"lax.ragged_dot: expected lhs (m, k), rhs (g, k, n) and integer group_sizes (g,), got "
                         f"shapes {sa}, {sb} and {sg} ({_dtype(sizes)}){_here()}")
    if int(sa[1]) != int(sb[1]) or int(sg[0]) != int(sb[0]):
        raise ValueError(f"lax.ragged_dot: lhs {sa}, rhs {sb} and group_sizes {sg} disagree on k or g{_here()}")
    ends = jnp.cumsum(jnp.astype(sizes, np.int64))
    rows = np.arange(int(sa[0]))
    member = (rows[None, :] >= (ends - sizes)[:, None]) & (rows[None, :] < ends[:, None])
    out = jnp.einsum("gm,mk,gkn->mn", jnp.astype(member, _dtype(a)), a, b)
    return out if preferred_element_type is None else jnp.astype(out, np.dtype(preferred_element_type))


# -- compiler hints -----------------------------------------------------------------------------------------------
def optimization_barrier(operand):
    """``operand`` (a pytree) unchanged: XLA's barrier against moving computations across it; jaxlike's
    passes have no such motion to prevent."""
    return pytree.unflatten(pytree.flatten(operand)[1], [asarray_or_var(v) for v in pytree.flatten(operand)[0]])


def platform_dependent(*args, default=None, **per_platform):
    """``per_platform['cpu'](*args)``, else ``default(*args)``: the branch is chosen when the function is
    traced, for the CPU (jaxlike traces before it knows the device, so a ``cuda`` branch is never chosen)."""
    for name, branch in per_platform.items():
        if not callable(branch):
            raise TypeError(f"lax.platform_dependent: the '{name}' branch must be a callable{_here()}")
        if name == "gpu":
            raise ValueError(f"lax.platform_dependent: use 'cuda' or 'rocm', not 'gpu'{_here()}")
    if default is not None and not callable(default):
        raise TypeError(f"lax.platform_dependent: default must be a callable{_here()}")
    branch = per_platform.get("cpu", default)
    if branch is None:
        raise NotImplementedError(f"lax.platform_dependent: no branch for 'cpu' and no default (branches: "
                                  f"{sorted(per_platform)}){_here()}")
    return branch(*args)


def composite(decomposition, name, version=0):
    """``decomposition`` itself, under a ``name`` that XLA could lower as one op: JAX's wrapper for a
    decomposed operation (``@partial(lax.composite, name="my.op")``); jaxlike runs the decomposition."""
    if not callable(decomposition):
        raise TypeError(f"lax.composite: decomposition must be callable, got {type(decomposition).__name__}"
                        f"{_here()}")
    if not isinstance(name, str):
        raise TypeError(f"lax.composite: name must be a string, got {name!r}{_here()}")

    @functools.wraps(decomposition)
    def call(*args, **kwargs):
        return decomposition(*args, **kwargs)
    return call
