"""The ordered pass list per mode, and ``optimize``.

FAST_COMPILE runs CSE only (cheap). FAST_RUN and DEBUG_MODE run simplify, stabilize, fold and CSE repeatedly
until a whole round changes nothing (at most ``Fixpoint.max_rounds`` rounds), then whatever passes follow
(fusion goes last). Every pass returns the graph it was given when it changed nothing, which is how a round
knows it changed nothing. ``excluding`` names passes to skip, inside a fixpoint too. Imports passes only.
"""

from .cse import cse
from .simplify import simplify
from .stabilize import stabilize
from .fold import fold


class Fixpoint:
    """A pass that runs ``passes`` in order, round after round, until a round returns its input unchanged."""

    def __init__(self, name, passes, max_rounds=8):
        self.__name__ = name
        self.passes = tuple(passes)
        self.max_rounds = max_rounds

    def __call__(self, graph, excluding=()):
        excluding = (excluding,) if isinstance(excluding, str) else tuple(excluding)
        passes = [p for p in self.passes if p.__name__ not in excluding]
        for _ in range(self.max_rounds):
            before = graph
            for p in passes:
                graph = p(graph)
            if graph is before:
                break
        return graph

    def __repr__(self):
        return f"<Fixpoint {self.__name__}: {', '.join(p.__name__ for p in self.passes)}>"


CANONICALIZE = Fixpoint("canonicalize", [simplify, stabilize, fold, cse])

PASSES = {
    "FAST_COMPILE": [cse],
    "FAST_RUN": [CANONICALIZE],
    "DEBUG_MODE": [CANONICALIZE],
}
from .fuse import fuse; PASSES["FAST_RUN"].append(fuse); PASSES["DEBUG_MODE"].append(fuse)  # noqa: E402,E702 last


def optimize(graph, mode="FAST_RUN", excluding=()):
    """Run the passes of ``mode`` on ``graph`` (never mutated); ``excluding`` lists pass names to skip."""
    if mode not in PASSES:
        raise ValueError(f"unknown mode {mode!r}; expected one of {', '.join(PASSES)}")
    excluding = (excluding,) if isinstance(excluding, str) else tuple(excluding)
    for p in PASSES[mode]:
        if p.__name__ in excluding:
            continue
        graph = p(graph, excluding) if isinstance(p, Fixpoint) else p(graph)
    return graph
