"""The ordered pass list per mode. FAST_COMPILE runs only CSE; FAST_RUN and DEBUG_MODE run everything."""

from .cse import cse

PASSES = {
    "FAST_COMPILE": [cse],
    "FAST_RUN": [cse],
    "DEBUG_MODE": [cse],
}


def optimize(graph, mode="FAST_RUN", excluding=()):
    for p in PASSES[mode]:
        if p.__name__ not in excluding:
            graph = p(graph)
    return graph
