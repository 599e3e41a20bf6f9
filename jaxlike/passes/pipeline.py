"""The ordered pass list per mode, and ``optimize``.

Every mode first merges a loop into the one reverse mode extended from it (``loops.py``). FAST_COMPILE
runs CSE only (cheap), then the passes across cond branches (``branches.py``). FAST_RUN and DEBUG_MODE run simplify,
stabilize, fold and CSE repeatedly until a whole round changes nothing (at most ``Fixpoint.max_rounds``
rounds), then the branch passes, then fusion (last). Every pass returns the graph it was given when it changed nothing, which is how a round
knows it changed nothing. ``excluding`` names passes to skip, inside a fixpoint too. The step graphs of
loops are optimized the same way (``optimize_bodies``). Imports core, control and passes.
"""

from ..core.graph import Graph, Var
from ..control.body import LoopBody
from ..control.custom import inline_custom
from ..control.cond import inline_cond
from .cse import cse
from .simplify import simplify
from .stabilize import stabilize
from .fold import fold
from .branches import prune_branch_results, share_with_branches, sink_into_branches
from .loops import merge_extended_loops


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

# NOTE: the branch passes in every mode: what a branch holds is not computed when another runs, which is what
# makes Theano's ifelse lazy (and an error in the branch not taken no error), not only faster
BRANCHES = [prune_branch_results, share_with_branches, sink_into_branches]
PASSES = {
    "FAST_COMPILE": [cse] + BRANCHES,
    "FAST_RUN": [CANONICALIZE] + BRANCHES,
    "DEBUG_MODE": [CANONICALIZE] + BRANCHES,
}
from .fuse import fuse; PASSES["FAST_RUN"].append(fuse); PASSES["DEBUG_MODE"].append(fuse)  # noqa: E402,E702 last


def optimize(graph, mode="FAST_RUN", excluding=(), inline_branches=False):
    """Run the passes of ``mode`` on ``graph`` (never mutated); ``excluding`` lists pass names to skip.
    ``inline_branches``: every ``cond`` becomes all its branches and a select, for a backend that cannot run
    one branch (then optimized with the rest of the graph)."""
    if mode not in PASSES:
        raise ValueError(f"unknown mode {mode!r}; expected one of {', '.join(PASSES)}")
    excluding = (excluding,) if isinstance(excluding, str) else tuple(excluding)
    graph = inline_custom(graph)
    # NOTE: first, while loop bodies are still the objects reverse mode built them from
    graph = merge_extended_loops(graph)
    if inline_branches:
        graph = inline_cond(graph)
    for p in PASSES[mode]:
        if p.__name__ in excluding:
            continue
        graph = p(graph, excluding) if isinstance(p, Fixpoint) else p(graph)
    return optimize_bodies(graph, lambda g: optimize(g, mode, excluding, inline_branches))


def optimize_bodies(graph, opt):
    """``graph`` with the step graphs of its loops (attrs that are ``LoopBody`` s) run through ``opt``; the
    nodes of one loop keep sharing one body, which is how backends know them for one loop."""
    bodies = {}

    def new_body(b):
        if id(b) not in bodies:
            g = opt(Graph(b.inputs, b.outputs))
            bodies[id(b)] = (b, b if all(x is y for x, y in zip(g.outputs, b.outputs)) else
                             LoopBody(b.inputs, g.outputs, b.num_consts, b.num_carry, b.syms))
        return bodies[id(b)][1]

    memo, changed = {}, False
    for v in graph.nodes():
        if v.prim is None:
            memo[v._id] = v
            continue
        inputs = [memo[i._id] for i in v.inputs]
        attrs = tuple((k, new_body(a) if isinstance(a, LoopBody) else a) for k, a in v.attrs)
        new = v
        if any(a is not b for a, b in zip(inputs, v.inputs)) or any(a[1] is not b[1] for a, b in zip(attrs, v.attrs)):
            new = Var(v.type, v.prim, inputs, attrs, name=v.name, source=v.source)
            changed = True
        memo[v._id] = new
    if not changed:
        return graph
    return Graph(graph.inputs, [memo[o._id] for o in graph.outputs], [(s, memo[u._id]) for s, u in graph.updates])
