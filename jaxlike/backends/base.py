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
    expected. ``owned_base``: the type of the ``base`` of an array the entry allocated (numba's MemInfo), which
    the caller may keep without a copy when no Python object owns that memory (its ``parent`` is None) and no
    other returned array shares it (its ``refcount`` is 1); None when every view must be copied.
    ``entry_point_for(arguments, n_inputs)``: the entry as already compiled for these arguments with each of
    the first ``n_inputs`` arrays taken as C-contiguous, aligned and writeable, callable without the entry's
    type dispatch; None when the other arguments are not of that form or no such compiled form exists
    (None for backends without one: ``runtime/callpath.py`` says what the caller must guard)."""

    __slots__ = ("entry", "consts", "number_outputs", "in_place", "type_errors", "explain", "bare", "owned_base",
                 "entry_point_for")

    def __init__(self, entry, consts, number_outputs, in_place, type_errors, explain, bare=False,
                 owned_base=None, entry_point_for=None):
        self.entry, self.consts, self.bare, self.owned_base = entry, tuple(consts), bare, owned_base
        self.entry_point_for = entry_point_for
        self.number_outputs, self.in_place = dict(number_outputs), dict(in_place)
        self.type_errors, self.explain = tuple(type_errors), explain
