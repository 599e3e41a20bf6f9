"""The reference backend: the numpy interpreter (``core.interpret``) behind the Executable protocol.
It is the oracle the other backends are tested against and the engine of ``mode=FAST_COMPILE``."""

import numpy as np

from ...core.interpret import interpret
from ...core.graph import to_text
from ..base import Executable


def compile(graph, options=None):
    def run(*arrays):
        outs, ups = interpret(graph, arrays)
        return _own(outs, arrays), ups
    return Executable(run, "# reference interpreter (numpy), graph:\n" + to_text(graph), graph, "reference")


def _own(outs, arrays):
    """The outputs as arrays of their own, as the compiled backends return them: numpy's views (``x.T``, a
    slice, ``x`` itself) would let a caller's write to a result change an argument or another result, and a
    constant output would come back read-only."""
    owned = []
    for out in outs:
        if isinstance(out, np.ndarray) and (not out.flags.writeable or any(
                isinstance(a, np.ndarray) and np.may_share_memory(out, a) for a in list(arrays) + owned)):
            out = out.copy()
        owned.append(out)
    return owned
