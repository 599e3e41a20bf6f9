"""Turns traced graphs into callables: tracing with symbolic sizes, signature caching, backend dispatch."""
