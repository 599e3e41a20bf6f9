"""The IR: types, Var nodes, graphs, primitives, the reference interpreter. Imports numpy and config only."""

from .types import TensorType, Sym, promote, floatx, is_float, is_int, canonical_dtype, type_of_value
from .errors import ConcretizationError, TracerBoolError, TracerArrayConversionError, ShapeError
from .graph import Var, Graph, const, as_var, toposort, substitute, to_text, free_inputs
from .primitive import Primitive, Kind, LINEAR, REGISTRY, register, bind
from .interpret import interpret
