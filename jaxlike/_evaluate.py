"""What every JAX-style transformation does at its two ends: stand a fresh Var in for each argument leaf
(``fresh``), and once the transformed graph is built, evaluate it at the real arguments or, inside an enclosing
trace, substitute them into it (``finish``). Shared by ``api`` and ``_vmap``."""

import numpy as np

from .core import effects
from .core.graph import Var, Graph, const, substitute, free_inputs
from .core.interpret import interpret
from .core.types import type_of_value


def fresh(x, what):
    """A new Var of ``x``'s type (``what`` names the argument in the error for a value that is not an array)."""
    if isinstance(x, Var):
        return Var(x.type, name=x.name)
    try:
        t = type_of_value(x)
    except TypeError as e:
        raise TypeError(f"{what}: {e}") from None
    return Var(t)


def finish(fresh_vars, actual, results):
    """Evaluate ``results`` at ``fresh_vars := actual``, or substitute when inside an enclosing trace. Traced
    prints of the fresh values (``core/effects.py``) run with the evaluation, or move into the enclosing trace."""
    prints = effects.claim(fresh_vars)
    n = len(results)
    results = list(results) + prints
    fresh_ids = {f._id for f in fresh_vars}
    outer = [v for v in free_inputs(results) if v._id not in fresh_ids]
    if outer or any(isinstance(a, Var) for a in actual):
        mapping = {f: (a if isinstance(a, Var) else const(a)) for f, a in zip(fresh_vars, actual)}
        done = substitute(results, mapping)
        effects.give(done[n:])
        return done[:n]
    outs, _ = interpret(Graph(fresh_vars, results), [np.asarray(a) for a in actual])
    return outs[:n]
