"""``jaxlike.tensor``: the Theano-style front end (``import jaxlike.tensor as T``).

Symbolic variables (``T.dscalar()``, ``T.matrix('x', dtype='float32')``) are jaxlike's ordinary graph
``Var``s; ``T.exp``, ``T.dot``, ``T.grad``... build the same primitives the JAX-style front end builds, and
``jaxlike.function`` / ``jaxlike.shared`` compile them with the same runtime. Nothing here has numerical
semantics of its own. Imports core, ops, autodiff, runtime and jaxlike.numpy.
"""

from .var import (  # noqa: F401
    tensor, scalar, vector, matrix, row, col, tensor3, tensor4,
    dscalar, dvector, dmatrix, drow, dcol, dtensor3, dtensor4,
    fscalar, fvector, fmatrix, frow, fcol, ftensor3, ftensor4,
    iscalar, ivector, imatrix, lscalar, lvector, lmatrix, bscalar, bvector, bmatrix,
    cscalar, cvector, cmatrix, zscalar, zvector, zmatrix,
    dimshuffle, type_str, TensorVariable,
    scalars, vectors, matrices, rows, cols, tensor3s, tensor4s, dscalars, dvectors, dmatrices, drows, dcols,
    fscalars, fvectors, fmatrices, frows, fcols, iscalars, ivectors, imatrices, lscalars, lvectors, lmatrices)
from .var import TheanoTensorType as TensorType  # noqa: F401
from .basic import *  # noqa: F401,F403
from .more_basic import *  # noqa: F401,F403
from .extra_ops import cumsum, cumprod, sort, argsort, repeat, roll, nonzero, identity_like  # noqa: F401
from .subtensor import set_subtensor, inc_subtensor  # noqa: F401
from .masks import flatnonzero, nonzero_values  # noqa: F401
from .gradient import grad, jacobian, hessian, Lop, Rop, DisconnectedInputError, verify_grad  # noqa: F401
from .shared import shared, SharedVariable  # noqa: F401
from .function import function, Function, MissingInputError, UnusedInputError, In, Out, Param, Mode  # noqa: F401
from . import nnet, shared_randomstreams, extra_ops, nlinalg  # noqa: F401
from .graph_nodes import Apply, Op, Elemwise, CAReduce  # noqa: F401
from . import signal  # noqa: F401  (theano.tensor.signal.pool)
from ._symbolic import wrap_module_functions as _wrap
from .float_rules import wrap_float_functions as _wrap_float
from . import basic as _basic

# NOTE: T.arange(3), T.zeros(...), T.exp(np.ones(2)) are graph values in Theano (``.eval()``, ``.dimshuffle``)
_wrap(globals(), [n for n in _basic.__all__ if n not in ("as_tensor_variable", "constant")]
      + ["cumsum", "cumprod", "sort", "argsort", "repeat", "roll", "identity_like", "take", "tril", "triu",
         "horizontal_stack", "vertical_stack", "stacklists", "trunc", "deg2rad", "rad2deg", "isclose",
         "allclose", "ceil_intdiv", "flatnonzero", "nonzero_values"])
_wrap_float(globals())
# NOTE: last, so the Python numbers given to the wrapped functions above are typed as Theano's
from .autocast import wrap_elementwise_functions as _wrap_numbers, install_operators as _install_operators
_wrap_numbers(globals())
_install_operators()
