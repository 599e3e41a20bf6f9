"""Tests of the IR: types, graphs, tracing, errors, the interpreter (a package, so module names stay unique)."""
