"""Errors users see, and the user-source-line lookup they quote. Imports nothing of ours."""

import os
import sys

_PKG_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class ConcretizationError(TypeError):
    """A symbolic value or size was used where Python needs a concrete one."""


class TracerBoolError(ConcretizationError):
    """``if x > 0:`` on a traced value."""


class ShapeError(ValueError):
    """Operand shapes do not fit an op (found at trace time or when sizes are bound at call time)."""


def user_frame():
    """(filename, lineno) of the first frame outside the jaxlike package, or None."""
    f = sys._getframe(1)
    while f is not None:
        fn = f.f_code.co_filename
        if not fn.startswith(_PKG_DIR) and "importlib" not in fn:
            return (fn, f.f_lineno)
        f = f.f_back
    return None


def api_frame():
    """(name, source): the outermost public jaxlike function on the stack (the one the user called, e.g.
    ``sum``; private helpers such as a method shim are skipped) and the user's (filename, lineno) that
    called it, for errors raised deep inside a wrapper."""
    f, name = sys._getframe(1), None
    while f is not None:
        fn = f.f_code.co_filename
        if not fn.startswith(_PKG_DIR) and "importlib" not in fn:
            return name, (fn, f.f_lineno)
        if not f.f_code.co_name.startswith(("_", "<")):
            name = f.f_code.co_name
        f = f.f_back
    return None, None


def where(source):
    if not source:
        return ""
    fn, line = source
    return f" (at {os.path.basename(fn)}:{line})"
