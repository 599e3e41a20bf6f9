"""Lengths the launch plan needs before any kernel runs: an ``iota``'s (the positions of a slice with computed
bounds, Theano's minibatch ``data[i * b:(i + 1) * b]``) is the value of its count, which the plan cannot read
off a shape. Where the count depends on the call's scalar arguments and on its arrays' shapes alone (never on
values computed on the device), it is evaluated here on the host, with the reference interpreter, once per
call; the plan is then built for those lengths as for the input shapes. A count read off device values would
need the device to finish first: ``counted`` refuses it. Imports core only.
"""

import numpy as np

from ...core.graph import Graph, toposort
from ...core.interpret import interpret
from ...core.errors import where


def iota_nodes(graph):
    return [v for v in graph.nodes() if v.prim is not None and v.prim.name == "iota"]


def _reads_device_values(count):
    """The first array argument whose values (not only its shape) ``count`` reads, or None."""
    # NOTE: size_of is the one node that reads its operand's shape only
    cone = toposort([count], lambda v: () if v.prim is not None and v.prim.name == "size_of" else v.inputs)
    return next((v for v in cone if v.is_input and v.ndim), None)


class HostCounts:
    """The counts of ``graph``'s iota nodes as a function of a call's arguments (``values``)."""

    def __init__(self, graph):
        self.nodes = iota_nodes(graph)
        for v in self.nodes:
            bad = _reads_device_values(v.inputs[0])
            if bad is not None:
                raise NotImplementedError(
                    "device='cuda' plans every buffer's size before the launch, and the length of a slice with "
                    f"computed bounds{where(v.source)} depends here on array values computed on the device "
                    f"(read off the array argument {bad.name or repr(bad.type)}): use "
                    "device='cpu' for it, or bounds computed from scalar arguments and shapes")
        self.graph = Graph(graph.inputs, [v.inputs[0] for v in self.nodes]) if self.nodes else None
        used = {v._id for v in toposort(list(self.graph.outputs))} if self.graph else set()
        self.scalars = [k for k, x in enumerate(graph.inputs) if x.ndim == 0 and x._id in used]

    def values(self, args, shapes, to_host):
        """{iota node id: its length} for a call with ``args`` of ``shapes``; ``to_host(k)`` gives scalar
        argument k's value where it is not a host number (a device array)."""
        if self.graph is None:
            return {}
        host = [np.broadcast_to(np.zeros((), x.dtype), s) for x, s in zip(self.graph.inputs, shapes)]
        for k in self.scalars:
            a = args[k]
            host[k] = np.asarray(a, self.graph.inputs[k].dtype) if isinstance(a, (int, float, np.generic,
                                                                                np.ndarray)) else to_host(k)
        counts = interpret(self.graph, host)[0]
        return {v._id: max(int(c), 0) for v, c in zip(self.nodes, counts)}
