"""Theano's symbolic variables on jaxlike's one node type: the typed constructors (``T.scalar``,
``T.dmatrix``, ``T.matrix('input', dtype='float32')``...), Theano-style printing of ``Var``
(``<TensorType(float64, matrix)>``) and the Var methods only the Theano front end has (``dimshuffle``,
``eval``).

A constructed variable is a plain input ``Var`` whose sizes are fresh ``Sym`` dims (Theano's non-broadcastable
dims); ``row``/``col`` keep their size-1 dim static, as Theano's broadcastable flags do. A front-end module:
imports core, ops and jaxlike.numpy; ``eval`` reaches ``tensor.function`` lazily.
"""

import weakref

import numpy as np

from ..core.graph import Var
from ..core.primitive import Kind
from ..core.types import TensorType, Sym, canonical_dtype, floatx, is_known
from ..core.errors import user_frame
from ..ops import layout as L
from .. import numpy as jnp
from . import autocast


# -- constructors ---------------------------------------------------------------------------------------
class DtypeName(str):
    """A Theano variable's dtype: the string Theano gives (``y.dtype.startswith('int')``, as the
    logistic-regression tutorial's ``errors`` tests), which is also the numpy dtype: its attributes (``kind``,
    ``itemsize``, ...) and comparisons are ``np.dtype``'s. It hashes as the string, as Theano's does."""

    __slots__ = ()

    def __new__(cls, dtype):
        return str.__new__(cls, np.dtype(dtype).name)

    def __getattr__(self, name):
        return getattr(np.dtype(str(self)), name)

    def __eq__(self, other):
        try:
            return np.dtype(str(self)) == np.dtype(other)
        except TypeError:
            return False

    def __ne__(self, other):
        return not self == other

    __hash__ = str.__hash__


class TensorVariable(Var):
    """A variable made by a constructor (``T.matrix('x')``). As in Theano, such a variable is true in a
    boolean context, so the tutorials' ``if not input: input = T.matrix('input')`` works; expressions computed
    from it stay plain ``Var``s, whose truth value is unknown while the graph is built (they raise). Its
    ``dtype`` is a ``DtypeName``."""

    __slots__ = ()

    def __bool__(self):
        return True

    # NOTE: Theano's variables compare by identity (``==`` is not elementwise; T.eq is), which is what makes
    # ``param in params``, ``params.index(p)`` and ``params.remove(p)`` work; being a subclass of Var, this
    # __eq__ is also the one Python uses for ``expr == variable``
    def __eq__(self, other):
        return self is other

    def __ne__(self, other):
        return self is not other

    __hash__ = Var.__hash__

    @property
    def dtype(self):
        return DtypeName(self.type.dtype)


def tensor(dtype=None, broadcastable=(), name=None):
    """A symbolic input of rank ``len(broadcastable)``; True marks a dim fixed to size 1 (it broadcasts).

    >>> str(tensor('float64', (False, True), name='c'))
    'c'
    """
    if name is not None and not isinstance(name, str):
        raise TypeError(f"name must be a str, got {type(name).__name__} {name!r} (did you pass the dtype "
                        "first? the signature is (name=None, dtype=None))")
    dt = canonical_dtype(floatx() if dtype is None else dtype, "variable dtype")
    pattern = tuple(broadcastable)
    for b in pattern:
        if not isinstance(b, (bool, np.bool_)):
            raise TypeError(f"broadcastable must be a tuple of bools, got {broadcastable!r}")
    shape = tuple(1 if b else Sym() for b in pattern)
    autocast.activate()
    return TensorVariable(TheanoTensorType(dt, shape=shape), name=name, source=user_frame())


def _maker(pattern, fixed_dtype, doc):
    def make(name=None, dtype=None):
        if fixed_dtype is not None and dtype is not None and np.dtype(dtype) != np.dtype(fixed_dtype):
            raise TypeError(f"this constructor makes {fixed_dtype} variables; got dtype={dtype!r}")
        return tensor(fixed_dtype if dtype is None else dtype, pattern, name)
    make.__doc__ = doc
    return make


scalar = _maker((), None, "A 0-d symbolic input of dtype ``dtype`` (default ``config.floatX``).")
vector = _maker((False,), None, "A 1-d symbolic input of dtype ``dtype`` (default ``config.floatX``).")
matrix = _maker((False, False), None, "A 2-d symbolic input (default dtype ``config.floatX``).")
row = _maker((True, False), None, "A (1, n) symbolic input: its first dim broadcasts.")
col = _maker((False, True), None, "An (n, 1) symbolic input: its second dim broadcasts.")
tensor3 = _maker((False,) * 3, None, "A 3-d symbolic input (default dtype ``config.floatX``).")
tensor4 = _maker((False,) * 4, None, "A 4-d symbolic input (default dtype ``config.floatX``).")

dscalar = _maker((), "float64", "A float64 scalar input.")
dvector = _maker((False,), "float64", "A float64 vector input.")
dmatrix = _maker((False, False), "float64", "A float64 matrix input.")
drow = _maker((True, False), "float64", "A float64 (1, n) input.")
dcol = _maker((False, True), "float64", "A float64 (n, 1) input.")
dtensor3 = _maker((False,) * 3, "float64", "A float64 3-d input.")
dtensor4 = _maker((False,) * 4, "float64", "A float64 4-d input.")
fscalar = _maker((), "float32", "A float32 scalar input.")
fvector = _maker((False,), "float32", "A float32 vector input.")
fmatrix = _maker((False, False), "float32", "A float32 matrix input.")
frow = _maker((True, False), "float32", "A float32 (1, n) input.")
fcol = _maker((False, True), "float32", "A float32 (n, 1) input.")
ftensor3 = _maker((False,) * 3, "float32", "A float32 3-d input.")
ftensor4 = _maker((False,) * 4, "float32", "A float32 4-d input.")
iscalar = _maker((), "int32", "An int32 scalar input.")
ivector = _maker((False,), "int32", "An int32 vector input.")
imatrix = _maker((False, False), "int32", "An int32 matrix input.")
lscalar = _maker((), "int64", "An int64 scalar input.")
lvector = _maker((False,), "int64", "An int64 vector input.")
lmatrix = _maker((False, False), "int64", "An int64 matrix input.")
bscalar = _maker((), "int8", "An int8 scalar input.")
bvector = _maker((False,), "int8", "An int8 vector input.")
bmatrix = _maker((False, False), "int8", "An int8 matrix input.")
cscalar = _maker((), "complex64", "A complex64 scalar input.")
cvector = _maker((False,), "complex64", "A complex64 vector input.")
cmatrix = _maker((False, False), "complex64", "A complex64 matrix input.")
zscalar = _maker((), "complex128", "A complex128 scalar input.")
zvector = _maker((False,), "complex128", "A complex128 vector input.")
zmatrix = _maker((False, False), "complex128", "A complex128 matrix input.")


def _plural(make, what):
    def make_several(*names, dtype=None):
        """Several variables at once, one per name: ``x, y = T.dmatrices('x', 'y')``; an int n gives n
        unnamed ones."""
        if len(names) == 1 and isinstance(names[0], (int, np.integer)) and not isinstance(names[0], bool):
            return [make(dtype=dtype) for _ in range(int(names[0]))]
        if len(names) == 1 and isinstance(names[0], (list, tuple)):
            names = tuple(names[0])
        if not names:
            raise TypeError(f"{what}s: pass one name per variable (or a count), got none")
        return [make(n, dtype=dtype) for n in names]
    make_several.__name__ = what + "s"
    return make_several


scalars, vectors, matrices = _plural(scalar, "scalar"), _plural(vector, "vector"), _plural(matrix, "matrice")
rows, cols = _plural(row, "row"), _plural(col, "col")
tensor3s, tensor4s = _plural(tensor3, "tensor3"), _plural(tensor4, "tensor4")
dscalars, dvectors, dmatrices = _plural(dscalar, "dscalar"), _plural(dvector, "dvector"), _plural(dmatrix, "dmatrice")
drows, dcols = _plural(drow, "drow"), _plural(dcol, "dcol")
fscalars, fvectors, fmatrices = _plural(fscalar, "fscalar"), _plural(fvector, "fvector"), _plural(fmatrix, "fmatrice")
frows, fcols = _plural(frow, "frow"), _plural(fcol, "fcol")
iscalars, ivectors, imatrices = _plural(iscalar, "iscalar"), _plural(ivector, "ivector"), _plural(imatrix, "imatrice")
lscalars, lvectors, lmatrices = _plural(lscalar, "lscalar"), _plural(lvector, "lvector"), _plural(lmatrix, "lmatrice")


class TheanoTensorType(TensorType):
    """Theano's ``TensorType(dtype, broadcastable)``, the type of Theano's variables (``x.type``): it compares and
    hashes by dtype and broadcastable pattern, as Theano's (``T.ivector().type == T.ivector().type``), also
    against the type of an expression; calling it makes a fresh variable of that type
    (``T.TensorType('float32', (True, False))('r')`` is a float32 row, as is ``r.type()``). Each instance also
    holds the sizes of its variable (fresh symbolic sizes for the non-broadcastable dims), as every jaxlike
    type does."""

    __slots__ = ("name",)

    def __init__(self, dtype, broadcastable=None, name=None, *, shape=None):
        if shape is None:
            if broadcastable is None or isinstance(broadcastable, (str, bytes)):
                raise TypeError(f"TensorType: broadcastable must be a tuple of bools, got {broadcastable!r}")
            pattern = tuple(broadcastable)
            if not all(isinstance(b, (bool, np.bool_)) for b in pattern):
                raise TypeError(f"TensorType: broadcastable must be a tuple of bools, got {broadcastable!r}")
            shape = tuple(1 if b else Sym() for b in pattern)
        super().__init__(canonical_dtype(dtype, "TensorType dtype"), shape)
        self.name = name

    def __call__(self, name=None):
        return tensor(self.dtype, self.broadcastable, name)

    # NOTE: the sizes are left out: two Theano variables of one type have independent sizes
    def __eq__(self, other):
        if not isinstance(other, TensorType):
            return NotImplemented
        return (self.dtype == other.dtype and self.broadcastable == other.broadcastable
                and not (self.weak or other.weak))

    # NOTE: equal Theano types hash alike; an expression's (core) type hashes by its sizes, so a set that
    # mixes both kinds may keep two entries that compare equal
    def __hash__(self):
        return hash((self.dtype, self.broadcastable))

    def __str__(self):
        return type_str(self)   # NOTE: Theano's ``str(x.type)``; repr stays jaxlike's, with the sizes


# -- printing -------------------------------------------------------------------------------------------
_RANK_NAMES = {(): "scalar", (False,): "vector", (False, False): "matrix", (True, False): "row",
               (False, True): "col", (False,) * 3: "tensor3", (False,) * 4: "tensor4"}


def type_str(typ):
    """Theano's name of a type: ``TensorType(float64, matrix)``."""
    pattern = tuple(is_known(d) and d == 1 for d in typ.shape)
    kind = _RANK_NAMES.get(pattern, "(" + ", ".join(map(str, pattern)) + ("," if len(pattern) == 1 else "")
                           + ")")
    return f"TensorType({typ.dtype.name}, {kind})"


def var_str(v):
    """``str(var)``: its name; else what it is, as Theano prints it."""
    if v.name:
        return v.name
    if v.is_const:
        arr = v.value
        body = repr(arr.item()) if arr.ndim == 0 else (np.array2string(arr, separator=", ", threshold=6)
                                                        .replace("\n", ""))
        return f"TensorConstant{{{body}}}"
    if v.prim is None:
        return f"<{type_str(v.type)}>"
    args = ", ".join(f"{k}={a!r}" if not isinstance(a, np.dtype) else f"{k}={a.name}" for k, a in v.attrs)
    if v.prim.kind is Kind.ELEMENTWISE:
        return f"Elemwise{{{v.prim.name}{', ' + args if args else ''}}}.0"
    return f"{v.prim.name}{{{args}}}.0" if args else f"{v.prim.name}.0"


# -- methods only Theano variables have ---------------------------------------------------------------
def dimshuffle(x, *pattern):
    """Theano's dimshuffle: reorder dims, insert broadcastable ones with ``'x'``, drop size-1 ones.

    ``b.dimshuffle(0, 'x')`` turns a vector into a column that broadcasts along dim 1.
    """
    if len(pattern) == 1 and isinstance(pattern[0], (list, tuple)):
        pattern = tuple(pattern[0])
    if not isinstance(x, Var):
        x = jnp.asarray(x)
    nd = x.ndim
    kept = []
    for p in pattern:
        if p == "x":
            continue
        if isinstance(p, bool) or not isinstance(p, (int, np.integer)):
            raise TypeError(f"dimshuffle pattern entries are dim indices or 'x', got {p!r} in {pattern!r}")
        if not 0 <= p < nd:
            raise ValueError(f"dimshuffle pattern {pattern!r} names dim {p} of a rank-{nd} variable")
        if int(p) in kept:
            raise ValueError(f"dimshuffle pattern {pattern!r} repeats dim {p}")
        kept.append(int(p))
    for i in range(nd):
        if i not in kept and not (is_known(x.shape[i]) and x.shape[i] == 1):
            raise ValueError(f"dimshuffle pattern {pattern!r} drops dim {i} of {var_str(x)} (shape "
                             f"{x.type!r}), which is not broadcastable: only size-1 dims can be dropped")
    dropped = [i for i in range(nd) if i not in kept]
    perm = kept + dropped  # NOTE: dropped dims are all size 1, so moving them last and reshaping drops them
    out_shape = tuple(1 if p == "x" else x.shape[p] for p in pattern)
    if not isinstance(x, Var):
        return np.reshape(np.transpose(x, perm), out_shape)
    y = jnp.transpose(x, perm)
    if len(out_shape) == y.ndim and all(a is b or (is_known(a) and is_known(b) and a == b)
                                        for a, b in zip(out_shape, y.shape)):
        return y
    return L.reshape(y, shape=out_shape)


def eval_var(v, inputs_to_values=None):
    """Theano's ``var.eval({x: value, ...})``: compile a function of the given inputs and run it once.
    Compiled functions are cached on the variable per input set."""
    from .function import function
    pairs = list((inputs_to_values or {}).items())
    key = tuple(k._id for k, _ in pairs)
    cache = _EVAL_CACHE.get(v._id)
    if cache is None:
        cache = _EVAL_CACHE[v._id] = {}
        weakref.finalize(v, _EVAL_CACHE.pop, v._id, None)
    fn = cache.get(key)
    if fn is None:
        fn = function([k for k, _ in pairs], v, on_unused_input="ignore")
        cache[key] = fn
    return fn(*[val for _, val in pairs])


_EVAL_CACHE = {}


class Apply:
    """Theano's ``var.owner``: the node that computed ``var``: ``op`` (the primitive, with ``name``),
    ``inputs`` and ``outputs`` (jaxlike's nodes have one output each)."""

    __slots__ = ("op", "inputs", "outputs")

    def __init__(self, var):
        self.op, self.inputs, self.outputs = var.prim, list(var.inputs), [var]

    def __repr__(self):
        return f"{self.op.name}({', '.join(var_str(v) for v in self.inputs)})"


def owner(v):
    """None for inputs, shared variables and constants, as in Theano."""
    return None if v.prim is None else Apply(v)


def flatten_method(x, ndim=1):
    """``x.flatten(ndim)``: Theano's flatten (the first ``ndim - 1`` dims kept, the rest merged; the
    tutorials' ``output.flatten(2)``); ``x.flatten('C')`` stays numpy's."""
    if isinstance(ndim, str):
        return jnp.ravel(x, ndim)
    from .basic import flatten
    return flatten(x, ndim)


def norm(x, L, axis=None, keepdims=False):
    """Theano's ``x.norm(L, axis=None)``: ``sum(abs(x) ** L) ** (1 / L)``; ``L=inf`` is the largest
    magnitude."""
    if isinstance(L, bool) or not isinstance(L, (int, float, np.integer, np.floating)) or L <= 0:
        raise ValueError(f"norm: L must be a positive number, got {L!r}")
    if L == np.inf:
        return jnp.max(jnp.abs(x), axis=axis, keepdims=keepdims)
    if L == 1:
        return jnp.sum(jnp.abs(x), axis=axis, keepdims=keepdims)
    if L == 2:
        return jnp.sqrt(jnp.sum(jnp.square(x), axis=axis, keepdims=keepdims))
    return jnp.sum(jnp.abs(x) ** L, axis=axis, keepdims=keepdims) ** (1.0 / L)


def _copied(x, name):
    """``x.copy()``: a new node computing the same value (Theano's ``tensor.copy``), optionally named."""
    y = L.reshape(x, shape=x.shape)
    y.name = name
    return y


def _theano_arg_method(core, theano_name):
    """``x.argmax(axis)`` / ``x.argmin(axis)``: Theano's over several axes (``axis=(0, 1)``, ``keepdims`` as
    the second argument or by keyword); every other call is the numpy method's."""
    def method(x, axis=None, *args, **kwargs):
        if isinstance(axis, (tuple, list)) and len(args) + len(kwargs) <= 1 and set(kwargs) <= {"keepdims"}:
            from . import basic
            return getattr(basic, theano_name)(x, axis, *args, **kwargs)
        return core(x, axis, *args, **kwargs)
    method.__name__ = theano_name
    return method


def _theano_astype(core):
    """``x.astype(dtype)``, where Theano's ``'floatX'`` means ``config.floatX``."""
    def astype(x, dtype, *args, **kwargs):
        return core(x, floatx() if isinstance(dtype, str) and dtype == "floatX" else dtype, *args, **kwargs)
    return astype


def _size_astype(size, dtype):
    """``x.shape[0].astype('float32')``: Theano's sizes are int64 scalar variables; here a size is a ``Sym``,
    converted through its graph value."""
    return Var.astype(size.value(specialize=False), dtype)


def install():
    if not hasattr(Sym, "astype"):
        Sym.astype = _size_astype
    if not hasattr(Var.argmax, "__theano__"):
        Var.argmax = _theano_arg_method(Var.argmax, "argmax")
        Var.argmin = _theano_arg_method(Var.argmin, "argmin")
        Var.astype = _theano_astype(Var.astype)
        Var.argmax.__theano__ = Var.argmin.__theano__ = True
    Var.__str__ = var_str
    Var.__repr__ = var_str
    Var.dimshuffle = dimshuffle
    Var.eval = eval_var
    Var.owner = property(owner)
    Var.flatten = flatten_method
    Var.norm = norm
    # NOTE: Theano's variables have these methods too; jaxlike's numpy arrays have none by these names
    Var.zeros_like = lambda x, dtype=None: jnp.zeros_like(x, dtype=dtype)
    Var.ones_like = lambda x, dtype=None: jnp.ones_like(x, dtype=dtype)
    Var.copy = lambda x, name=None: _copied(x, name)


install()
