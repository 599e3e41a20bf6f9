"""The Executable protocol every backend returns."""


class Executable:
    """``run(*input_arrays) -> (outputs, update_values)``; ``source`` is readable text of what runs.
    ``direct`` (a ``DirectEntry`` or None): the same computation without ``run``'s wrapper, for front ends that
    generate their own call path (``runtime/callpath.py``)."""

    direct = None

    def __init__(self, run, source, graph, backend):
        self.run = run
        self.source = source
        self.graph = graph
        self.backend = backend

    def __call__(self, *arrays):
        return self.run(*arrays)


class DirectEntry:
    """A backend's compiled entry and the conventions ``run`` hides: ``entry(*inputs, *consts)`` returns
    ``(outputs, updates)`` where rank-0 outputs are Python numbers (``number_outputs``: output index ->
    dtype) and the updates listed in ``in_place`` (update index -> input index) were written into that input
    and are left out; with ``bare``, the entry of a function with one rank-0 output and no updates other
    than those returns that number alone. When the entry cannot take the arguments it raises one of
    ``type_errors``; ``explain(arguments)`` then raises a TypeError that names the argument and what was
    expected."""

    __slots__ = ("entry", "consts", "number_outputs", "in_place", "type_errors", "explain", "bare")

    def __init__(self, entry, consts, number_outputs, in_place, type_errors, explain, bare=False):
        self.entry, self.consts, self.bare = entry, tuple(consts), bare
        self.number_outputs, self.in_place = dict(number_outputs), dict(in_place)
        self.type_errors, self.explain = tuple(type_errors), explain
