"""The reference backend: the numpy interpreter (``core.interpret``) behind the Executable protocol.
It is the oracle the other backends are tested against and the engine of ``mode=FAST_COMPILE``."""

from ...core.interpret import interpret
from ...core.graph import to_text
from ..base import Executable


def compile(graph, options=None):
    def run(*arrays):
        return interpret(graph, arrays)
    return Executable(run, "# reference interpreter (numpy), graph:\n" + to_text(graph), graph, "reference")
