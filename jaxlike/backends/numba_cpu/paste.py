"""Kernel bodies pasted into the entry in place of their calls.

A kernel is generated as a function (``loops.py``, ``siblings.py``) because that is the unit it is written
and tested in. Called from the entry with ``inline='always'``, numba inlined it at the level of its own IR:
per call site it re-ran its untyped passes on the kernel and deep-copied the IR, about a fifth of the cold
compile (W2's module: 4.4 -> 3.7 s, W3's: 4.2 -> 3.5 s, the kernels pasted as text instead). Pasting gives
LLVM the same single function. Locals get the call's prefix (``_k3i0``), parameters become the call's
argument expressions, a final ``return`` becomes an assignment. Imports the standard library only.
"""

import ast
import copy
import threading

# NOTE: CPython 3.11's ast.parse keeps its recursion depth in state shared by all threads; two threads parsing
# at once (two functions compiling concurrently) failed with "SystemError: AST constructor recursion depth
# mismatch" (cpython gh-106905) in tests/trust/test_threads.py.
_AST_LOCK = threading.Lock()


def paste(function, args, lhs, prefix):
    """The statements (lines, unindented) of the one-function text ``function`` (decorator lines, def, body)
    run for the call with argument expressions ``args``, its result (if any) assigned by ``lhs`` (text such
    as ``"x = "`` or ``"x, y, = "``); None when it cannot be pasted: not ``inline='always'``, more than one
    function, a ``return`` that is not the last statement, a result nobody assigns, or a parameter it
    assigns."""
    with _AST_LOCK:
        return _paste(function, args, lhs, prefix)


def _paste(function, args, lhs, prefix):
    try:
        tree = ast.parse("\n".join(function))
    except SyntaxError:
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.FunctionDef):
        return None
    fn = tree.body[0]
    if not any("inline='always'" in ast.unparse(d) for d in fn.decorator_list):
        return None
    params = [a.arg for a in fn.args.args]
    if len(params) != len(args) or fn.args.vararg or fn.args.kwarg or fn.args.kwonlyargs:
        return None
    stored = {n.id for n in ast.walk(fn) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    if stored & set(params) or any(isinstance(n, (ast.FunctionDef, ast.Lambda, ast.Global, ast.Nonlocal,
                                                 ast.ListComp, ast.GeneratorExp)) for n in ast.walk(fn)
                                   if n is not fn):
        return None
    returns = [n for n in ast.walk(fn) if isinstance(n, ast.Return)]
    if any(r is not fn.body[-1] for r in returns):
        return None
    if returns and not lhs:
        if not (isinstance(returns[0].value, ast.Tuple) and not returns[0].value.elts):
            return None
        fn.body.pop()   # NOTE: ``return ()``: a sibling kernel without whole-space sums returns nothing
    values = {p: ast.parse(a, mode="eval").body for p, a in zip(params, args)}

    class Rename(ast.NodeTransformer):
        def visit_Name(self, node):
            if node.id in values:
                return ast.copy_location(copy.deepcopy(values[node.id]), node)
            if node.id in stored:
                return ast.copy_location(ast.Name(prefix + node.id, node.ctx), node)
            return node

    body = [Rename().visit(s) for s in fn.body]
    lines = []
    for s in body:
        if isinstance(s, ast.Return):
            lines.append(lhs + ast.unparse(s.value))
        else:
            lines += ast.unparse(s).splitlines()
    return lines


SMALL_WORK = 1024   # elements up to which a called kernel's pasted copy runs instead (``small_first``)


def small_first(function, args, lhs, prefix, work, call):
    """For a kernel compiled as a function of its own (``simd.serial_decorator``: a 2-D loop that may be big):
    its body pasted to run where the work ``work`` (text) is at most SMALL_WORK, the ``call`` elsewhere; None
    when the kernel evaluates vecmath functions (their inlined copies are most of a kernel's compile, so a
    second copy would cost it twice) or cannot be pasted. Why: the seed XOR step's two 2 x 3 weight updates
    cost ~10 ns a call each, ~2% of the step."""
    if any("_vm." in line for line in function):
        return None
    inline = [line.replace("@njit(", "@njit(inline='always', ", 1) if line.startswith("@njit(") else line
              for line in function]
    body = paste(inline, args, lhs, prefix)
    if body is None:
        return None
    return [f"if {work} <= {SMALL_WORK}:"] + ["    " + line for line in body] + ["else:", "    " + call]


# NOTE: CPython 3.11 compiles a call of more than 30 positional arguments as CALL_FUNCTION_EX (its
# STACK_USE_GUIDELINE), which numba's inliner refuses ("Calling a closure with *args is unsupported")
MAX_INLINED_ARGS = 30


def callable_form(function, n_args):
    """The text of a kernel that runs as a call of ``n_args`` arguments: as generated, or, beyond
    MAX_INLINED_ARGS, with its functions compiled as functions of their own (not ``inline='always'``)."""
    if n_args <= MAX_INLINED_ARGS:
        return function
    return [line.replace("inline='always', ", "", 1) if line.startswith("@njit(") else line for line in function]

