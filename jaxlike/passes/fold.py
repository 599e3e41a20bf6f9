"""Constant folding: a node whose inputs are all constants is evaluated now, through the reference
interpreter's ``eval_node``, and replaced by a constant of the node's exact type (dtype and weak flag, so a
Python scalar folded with another stays weak and cannot widen a float32 graph).

Not folded: ``size_of`` (it reads the runtime shape of its operand), results over ``MAX_ELEMENTS`` elements,
``broadcast_to`` results over ``MAX_EXPANSION`` elements (a broadcast scalar costs nothing to the fused loop,
its materialized copy costs memory), nodes whose sizes or attrs are symbolic, and nodes whose evaluation raises
(the error must happen at run time, with its message). Imports core and ops only.
"""

import numpy as np

from ..core.graph import Var
from ..core.interpret import SizeEnv, eval_node
from ..core.primitive import REGISTRY
from ..core.types import is_known
from .simplify import rewrite, syms_in

MAX_ELEMENTS = 10 ** 6
MAX_EXPANSION = 64
NEVER_FOLD = frozenset({"size_of"})


def constant_op_to_constant(v):
    """op(c1, ..., cn) -> the constant it evaluates to (size-capped; see the module docstring)."""
    if not all(i.is_const for i in v.inputs) or not all(is_known(d) for d in v.shape):
        return None
    size = int(np.prod(v.shape, dtype=np.int64))
    if size > MAX_ELEMENTS or syms_in(v.attrs):
        return None
    if v.prim.name == "broadcast_to" and size > MAX_EXPANSION and size > v.inputs[0].value.size:
        return None
    try:
        with np.errstate(all="ignore"):
            arr = eval_node(v, [i.value for i in v.inputs], SizeEnv())
    except Exception:  # noqa: BLE001 -- whatever the op raises, it must raise when the graph runs
        return None
    if arr.shape != v.shape:
        return None
    arr = np.array(arr, dtype=v.dtype, copy=True)
    arr.flags.writeable = False
    return Var(v.type, value=arr)


def fold_table():
    """Every registered primitive but those in NEVER_FOLD and those with an effect (a print of constants
    prints when the graph runs, not once here); built per call: primitives may be added later."""
    return {name: (constant_op_to_constant,) for name, prim in REGISTRY.items()
            if name not in NEVER_FOLD and not prim.extra.get("effect")}


def fold(graph):
    """Replace every all-constant node by its value, with CSE. Returns ``graph`` itself when nothing folds."""
    return rewrite(graph, fold_table())
