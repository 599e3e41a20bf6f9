"""Theano's tensor functions always build graph values: ``T.arange(3)``, ``T.zeros((2, 3))`` or
``T.exp(np.ones(2))`` are symbolic in Theano, so ``.eval()``, ``.dimshuffle('x', 0)``, ``.type`` and
``.broadcastable`` work on them. The ``jaxlike.numpy`` functions the front end calls compute concrete
operands eagerly (numpy arrays); ``symbolic`` wraps a front-end function so such a result comes back as a
graph constant instead. A front-end module: imports core.
"""

import functools

import numpy as np

from ..core.graph import Var, const


def as_graph_value(out):
    """``out`` with every concrete array or number (also inside a tuple or list) made a graph constant."""
    if isinstance(out, Var) or out is None:
        return out
    if isinstance(out, (tuple, list)):
        return type(out)(as_graph_value(o) for o in out)
    if isinstance(out, (np.ndarray, np.generic)):
        return const(np.asarray(out))
    return out


def symbolic(fn):
    """``fn`` returning graph values where it would return concrete arrays."""
    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        return as_graph_value(fn(*args, **kwargs))
    wrapped.__wrapped_eager__ = fn
    return wrapped


def wrap_module_functions(namespace, names):
    """Replace each plain function among ``names`` in ``namespace`` (a module's globals) by ``symbolic``."""
    for name in names:
        fn = namespace.get(name)
        if callable(fn) and not isinstance(fn, type) and not hasattr(fn, "__wrapped_eager__"):
            namespace[name] = symbolic(fn)
