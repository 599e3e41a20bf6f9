"""Stack memory for the entry's small temporaries (``_rt.take``) and for blocked loops' buffers.

Why: numba's ``np.empty`` is an allocation and, at the end of the call, a release through its runtime, and
every array holding that memory counts references to it with atomic instructions. The seed XOR step
carves nine arrays of two or three elements: from one heap block per call its entry took ~400 ns, 40% of it
in those atomics; from a block on the entry's stack, whose carved arrays hold no reference (their meminfo is
null, so numba counts nothing), 175 ns.

The price is that a carved array must not outlive the call: the code generator carves only values that
cannot leave it (``codegen.Codegen.empty``: not an output or update value, nor anything those may be a view
of). A temporary that does not fit in what is left is allocated as before. Imports numpy, numba and llvmlite
only.
"""

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.core.imputils import impl_ret_borrowed
from numba.extending import intrinsic

SCRATCH_BYTES = 2048    # NOTE: the XOR step carves 9 x 32 bytes; larger temporaries cost little next to their work
_ALIGN = 32             # bytes: each carved array starts on an AVX register's width


def shape_values(context, builder, shape_type, shape):
    """The intp values of a shape given as one integer or a tuple of integers."""
    if isinstance(shape_type, types.Integer):
        return [context.cast(builder, shape, shape_type, types.intp)]
    items = cgutils.unpack_tuple(builder, shape, len(shape_type))
    return [context.cast(builder, v, t, types.intp) for v, t in zip(items, shape_type)]


def _shape_ndim(shape):
    if isinstance(shape, types.Integer):
        return 1
    if isinstance(shape, types.BaseTuple) and all(isinstance(t, types.Integer) for t in shape):
        return len(shape)
    return None


@intrinsic
def _nbytes(typingctx, shape, dtype):
    """The bytes of a C-contiguous array of ``shape`` and ``dtype`` (a numpy scalar type), or -1 when a
    dimension is negative or their product overflows (np.empty's errors then come from np.empty)."""
    if _shape_ndim(shape) is None or not isinstance(dtype, types.NumberClass):
        return None

    def codegen(context, builder, sig, args):
        elt = context.get_data_type(sig.args[1].instance_type)
        size = ir.Constant(ir.IntType(64), context.get_abi_sizeof(elt))
        bad = cgutils.false_bit
        for d in shape_values(context, builder, sig.args[0], args[0]):
            bad = builder.or_(bad, builder.icmp_signed("<", d, d.type(0)))
            product = builder.smul_with_overflow(size, d)
            size = builder.extract_value(product, 0)
            bad = builder.or_(bad, builder.extract_value(product, 1))
        return builder.select(bad, size.type(-1), size)
    return types.intp(shape, dtype), codegen


def c_strides(builder, dims, itemsize):
    """The strides (intp values) of a C-contiguous array of the intp values ``dims`` and ``itemsize`` bytes."""
    strides, step = [], itemsize
    for d in reversed(dims):
        strides.insert(0, step)
        step = builder.mul(step, d)
    return strides


@intrinsic
def _carve(typingctx, block, at, shape, dtype):
    """A C-contiguous array of ``shape`` and ``dtype`` on ``block``'s memory from byte ``at`` on (the caller
    checked that it fits), holding what the block holds (nothing, for the stack block)."""
    ndim = _shape_ndim(shape)
    if (ndim is None or not isinstance(dtype, types.NumberClass) or not isinstance(block, types.Array)
            or block.ndim != 1 or block.layout != "C" or block.dtype != types.uint8):
        return None
    result = types.Array(dtype.instance_type, ndim, "C")

    def codegen(context, builder, sig, args):
        src = context.make_array(sig.args[0])(context, builder, value=args[0])
        out = context.make_array(result)(context, builder)
        elt = context.get_data_type(result.dtype)
        itemsize = context.get_constant(types.intp, context.get_abi_sizeof(elt))
        dims = shape_values(context, builder, sig.args[2], args[2])
        strides = c_strides(builder, dims, itemsize)
        offset = context.cast(builder, args[1], sig.args[1], types.intp)
        data = builder.bitcast(builder.gep(src.data, [offset]), elt.as_pointer())
        context.populate_array(out, data=data, shape=dims, strides=strides, itemsize=itemsize,
                               meminfo=src.meminfo)
        return impl_ret_borrowed(context, builder, result, out._getvalue())
    return result(block, at, shape, dtype), codegen


def _stack_array(context, builder, result, nbytes, length):
    """An array of type ``result`` (1-D, C) of ``length`` (an intp value) elements on ``nbytes`` bytes of the
    current function's stack, allocated once in its entry block (a call in a loop reuses it) and owned by
    nothing (null meminfo)."""
    with builder.goto_entry_block():
        slot = builder.alloca(ir.ArrayType(ir.IntType(8), nbytes), name="jl_stack")
    slot.align = 64
    elt = context.get_data_type(result.dtype)
    itemsize = context.get_constant(types.intp, context.get_abi_sizeof(elt))
    out = context.make_array(result)(context, builder)
    context.populate_array(out, data=builder.bitcast(slot, elt.as_pointer()), shape=[length],
                           strides=[itemsize], itemsize=itemsize, meminfo=None)
    return out._getvalue()


@intrinsic
def new_block(typingctx):
    """The entry's scratch block: ``SCRATCH_BYTES`` on its stack (see above). An intrinsic, so that the memory is
    the caller's frame."""
    result = types.Array(types.uint8, 1, "C")

    def codegen(context, builder, sig, args):
        return _stack_array(context, builder, result, SCRATCH_BYTES,
                            context.get_constant(types.intp, SCRATCH_BYTES))
    return result(), codegen


@intrinsic
def stack_vector(typingctx, capacity, n, dtype):
    """A 1-D array of ``min(n, capacity)`` elements of ``dtype`` on the caller's stack, room for ``capacity`` (a
    literal): a blocked loop's buffer, which never leaves its kernel. In a parallel loop each thread runs the
    body on its own stack."""
    if not (isinstance(capacity, types.IntegerLiteral) and isinstance(n, types.Integer)
            and isinstance(dtype, types.NumberClass)):
        return None
    cap = capacity.literal_value
    result = types.Array(dtype.instance_type, 1, "C")

    def codegen(context, builder, sig, args):
        elt = context.get_data_type(result.dtype)
        n_val = context.cast(builder, args[1], sig.args[1], types.intp)
        top = context.get_constant(types.intp, cap)
        length = builder.select(builder.icmp_signed("<", n_val, top), n_val, top)
        length = builder.select(builder.icmp_signed("<", length, top.type(0)), top.type(0), length)
        return _stack_array(context, builder, result, cap * context.get_abi_sizeof(elt), length)
    return result(capacity, n, dtype), codegen


@njit(cache=True, nogil=True)
def take(block, at, shape, dtype):
    """``(array, next offset)``: an uninitialized array of ``shape`` and ``dtype`` carved from ``block`` at byte
    ``at`` when it fits in what is left (holding what ``block`` holds: nothing, for the stack block), else from
    ``np.empty`` (the offset unchanged)."""
    n = _nbytes(shape, dtype)
    end = at + ((n + (_ALIGN - 1)) & -_ALIGN)
    if n >= 0 and end <= block.size:
        return _carve(block, at, shape, dtype), end
    return np.empty(shape, dtype), at
