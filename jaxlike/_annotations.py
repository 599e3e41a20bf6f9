"""JAX's tracing annotations that jaxlike honours by doing nothing: ``named_scope`` and ``named_call`` name
parts of a program for XLA's profiles (jaxlike's graphs keep the user's source line on every node instead,
which ``debugprint`` and errors show), and ``ensure_compile_time_eval`` asks for eager evaluation of values
that do not depend on traced arguments, which jaxlike does always (an op on concrete values runs at once).
A front-end module: imports nothing of ours."""

import contextlib

__all__ = ["named_scope", "named_call", "ensure_compile_time_eval"]


@contextlib.contextmanager
def named_scope(name):
    """``with named_scope("layer1"):`` runs the block unchanged."""
    if not isinstance(name, str):
        raise TypeError(f"named_scope: name must be a str, got {type(name).__name__}")
    yield


def named_call(fun, *, name=None):
    """``fun`` itself."""
    if not callable(fun):
        raise TypeError(f"named_call: fun must be callable, got {type(fun).__name__}")
    return fun


@contextlib.contextmanager
def ensure_compile_time_eval():
    """Runs the block unchanged: operations on concrete values are evaluated at once here anyway."""
    yield
