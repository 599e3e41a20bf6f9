"""The Executable protocol every backend returns."""


class Executable:
    """``run(*input_arrays) -> (outputs, update_values)``; ``source`` is readable text of what runs."""

    def __init__(self, run, source, graph, backend):
        self.run = run
        self.source = source
        self.graph = graph
        self.backend = backend

    def __call__(self, *arrays):
        return self.run(*arrays)
