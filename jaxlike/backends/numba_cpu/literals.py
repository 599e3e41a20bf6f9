"""Constant arguments of calls to the run-time helpers, passed as ``_rt.plain(...)``.

numba compiles an njit function called from compiled code once per tuple of argument *types*, and a
constant's type is a literal one: ``take3(x, idx, out, 0, 'take (at net.py:12)')`` and the same call with
axis 1, or with the message of another source line, were separate compiles of ``take3``, each ~0.4 s and
never found in numba's disk cache, since the user's line is part of the signature. In two test files
(``.at`` updates and scan), 90 such compiles of along-axis and scratch helpers took ~30 s. Typed through
``plain`` (an intrinsic: no compile of its own), the helper is compiled once per array type and then comes
from the disk cache. Overloaded functions (numpy's) already see non-literal types, and intrinsics that read a
literal (``prefer_vector_width``, ``stack_vector``) are not numba Dispatchers, so they are left as written.
Imports numba and the helper modules."""

import ast
import re

from numba.core.dispatcher import Dispatcher

from . import along, linalg_kernels, regions, support

_MODULES = {"_rt": support, "_al": along, "_la": linalg_kernels, "_rg": regions}
_CALL = re.compile(r"\b(_rt|_al|_la|_rg)\.(\w+)\(")


def _is_dispatcher(alias, name):
    return isinstance(getattr(_MODULES[alias], name, None), Dispatcher)


def _literal(node):
    """Whether numba types ``node`` (an argument expression) as a literal or a tuple holding one."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (bool, int, str))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return _literal(node.operand)
    if isinstance(node, ast.Tuple):
        return any(_literal(e) for e in node.elts)
    return False


class _Wrap(ast.NodeTransformer):
    def __init__(self):
        self.changed = False

    def visit_Call(self, node):
        self.generic_visit(node)
        f = node.func
        if (isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id in _MODULES
                and _is_dispatcher(f.value.id, f.attr)):
            for k, arg in enumerate(node.args):
                if _literal(arg):
                    node.args[k] = ast.Call(ast.Attribute(ast.Name("_rt", ast.Load()), "plain", ast.Load()),
                                            [arg], [])
                    self.changed = True
        return node


def plain_constants(lines):
    """The module's lines with the constant arguments of helper Dispatcher calls wrapped in ``_rt.plain``.
    Only one-line statements are rewritten; a line that does not parse alone (a loop head) is kept."""
    out = []
    for line in lines:
        if not any(_is_dispatcher(a, n) for a, n in _CALL.findall(line)):
            out.append(line)
            continue
        body = line.lstrip()
        try:
            tree = ast.parse(body)
        except SyntaxError:
            out.append(line)
            continue
        wrap = _Wrap()
        tree = wrap.visit(tree)
        out.append(line[:len(line) - len(body)] + ast.unparse(tree) if wrap.changed else line)
    return out
