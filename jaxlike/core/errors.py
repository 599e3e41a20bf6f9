"""Errors users see, and the user-source-line lookup they quote. Imports nothing of ours."""

import os
import sys
import sysconfig

_PKG_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_STDLIB = (sysconfig.get_paths()["stdlib"], "<frozen ")


def _ours(filename):
    """Whether a frame's file is jaxlike's: the package, importlib, or code jaxlike generated (its call paths
    are compiled under names starting with "<jaxlike")."""
    return filename.startswith((_PKG_DIR, "<jaxlike")) or "importlib" in filename


class ConcretizationError(TypeError):
    """A symbolic value or size was used where Python needs a concrete one."""


class TracerBoolError(ConcretizationError):
    """``if x > 0:`` on a traced value."""


class TracerArrayConversionError(TracerBoolError):
    """``np.asarray(x)`` of a traced value, or a numpy array indexed by one (numpy converts the index)."""


class _Formatted:
    """Compiled code raises these with a ``str.format`` template and the run-time numbers as separate
    arguments, which numba boxes at the raise: building the text in compiled code with ``str(int)`` and
    string concatenation cost ~1 s of numba compile in every fresh process (W2's cold start: 4.2 s)."""

    def __str__(self):
        a = self.args
        if len(a) > 1 and isinstance(a[0], str):
            return a[0].format(*a[1:])
        return super().__str__()


class ShapeError(_Formatted, ValueError):
    """Operand shapes do not fit an op (found at trace time or when sizes are bound at call time)."""


class IndexOutOfRange(_Formatted, IndexError):
    """An index operand's entry is outside the axis it indexes (found when the compiled code runs)."""


class EmptyReduction(_Formatted, ValueError):
    """argmax/argmin of an empty axis (found when the compiled code runs)."""


def called_from_user(frame):
    """Whether ``frame`` runs code outside the jaxlike package; Python's own library (``collections.Counter``
    hashing its keys) counts as its caller's."""
    while frame is not None and frame.f_code.co_filename.startswith(_STDLIB):
        frame = frame.f_back
    return frame is not None and not _ours(frame.f_code.co_filename)


def user_frame():
    """(filename, lineno) of the first frame outside the jaxlike package, or None."""
    f = sys._getframe(1)
    while f is not None:
        fn = f.f_code.co_filename
        if not _ours(fn):
            return (fn, f.f_lineno)
        f = f.f_back
    return None


def api_frame():
    """(name, source): the outermost public jaxlike function on the stack (the one the user called, e.g.
    ``sum``; private helpers such as a method shim, and decorators' ``wrapped`` shims, are skipped) and the user's (filename, lineno) that
    called it, for errors raised deep inside a wrapper."""
    f, name = sys._getframe(1), None
    while f is not None:
        fn = f.f_code.co_filename
        if not _ours(fn):
            return name, (fn, f.f_lineno)
        if not f.f_code.co_name.startswith(("_", "<")) and f.f_code.co_name != "wrapped":
            name = f.f_code.co_name   # NOTE: "wrapped" is a decorator's shim (functools.wraps keeps its code)
        f = f.f_back
    return None, None


def where(source):
    if not source:
        return ""
    fn, line = source
    return f" (at {os.path.basename(fn)}:{line})"
