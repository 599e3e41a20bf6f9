"""Looking at graphs: ``debugprint`` (the traced graph and the optimized one, one node per line with the
user's source line beside it), ``pprint``/``pp`` (Theano's one-line infix form of an expression) and
``make_graph`` (a view with ``_repr_svg_`` drawn by Graphviz when the
``graphviz`` package or the ``dot`` program is installed, and a ``_repr_html_`` text view that always works);
and Theano's ``Print``, which prints a value each time a compiled function computes it.

Both accept a Graph, a Var or a list of Vars, a ``jaxlike.compile`` result or a plain function (traced with
the example arguments given), or any object with a ``.graph`` Graph attribute (a Theano-style function).
Node names are those ``core.graph.to_text`` prints, so the text, the drawing, DEBUG_MODE errors and the
generated kernel source line up. Graphviz is optional and never imported at ``import jaxlike`` time.

A front-end module: imports core, passes and runtime.
"""

import html
import os
import shutil
import subprocess
import sys

from .core.graph import Var, Graph, namer, free_inputs, toposort, _fmt_attr
from .core.errors import ConcretizationError, user_frame, where
from .config import config
from .passes.pipeline import optimize, PASSES
from .runtime.trace import trace
from .runtime.compiled import Compiled
from .ops.callbacks import print_value

GRAPHVIZ_MISSING = ("drawing needs Graphviz: install the `dot` program (apt install graphviz, brew install "
                    "graphviz or conda install graphviz; `pip install graphviz` adds the Python binding). "
                    "Showing the text form instead; the DOT source is in `.dot`.")


# -- getting a graph ------------------------------------------------------------------------------------
def as_graph(obj, *example_args):
    """The traced (unoptimized) Graph of ``obj``; functions are traced on ``example_args``."""
    if isinstance(obj, Graph):
        return obj
    if isinstance(obj, Var):
        obj = [obj]
    if hasattr(obj, "op") and isinstance(getattr(obj, "outputs", None), list):
        obj = obj.outputs   # NOTE: a Theano Apply node (tensor/graph_nodes.py), as MonitorMode's functions get
    if isinstance(obj, (list, tuple)) and obj and all(isinstance(v, Var) for v in obj):
        return Graph(free_inputs(obj), obj)
    inner = getattr(obj, "graph", None)
    if isinstance(inner, Graph):
        return inner
    obj = getattr(obj, "_compiled", obj)    # the function compile() returns
    if isinstance(obj, Compiled):
        dyn, static = obj._split(example_args)
        fn = (lambda *d: obj.fn(*obj._merge(d, static)))
        return _trace_graph(fn, dyn, obj.__name__)
    if callable(obj):
        return _trace_graph(obj, example_args, getattr(obj, "__name__", "function"))
    raise TypeError(f"expected a Graph, a Var (or list of Vars), a compiled function or a function, got "
                    f"{type(obj).__name__}")


def _trace_graph(fn, args, name):
    if not args:
        raise TypeError(f"{name} is a function: pass example arguments to trace it, "
                        f"e.g. debugprint(f, np.ones(3))")
    try:
        inputs, outputs, _ = trace(fn, args)
    except ConcretizationError:
        inputs, outputs, _ = trace(fn, args, concrete_shapes=True)
    return Graph(inputs, outputs)


# -- text -----------------------------------------------------------------------------------------------
def _location(source):
    if not source:
        return ""
    return f"{os.path.basename(source[0])}:{source[1]}"


def graph_text(graph, sources=True, indent=""):
    """``to_text`` with each node's user source line as a trailing comment; graphs held in attrs (fused
    kernel bodies) are printed indented under their node."""
    name = namer()
    head = indent + "{ lambda " + ", ".join(f"{name(v)}:{v.type!r}" for v in graph.inputs) + " ."
    rows, shown = [], {}
    for v in graph.eqns():
        args = ", ".join(name(i) for i in v.inputs)
        parts, nested = [], []
        for k, a in v.attrs:
            if not isinstance(a, Graph):
                parts.append(f"{k}={_fmt_attr(a)}")
            elif id(a) in shown:      # NOTE: a loop's other result nodes share its step graph
                parts.append(f"{k}=<as {shown[id(a)]}>")
            else:
                shown[id(a)] = name(v)
                parts.append(f"{k}=<graph>")
                nested.append(a)
        attrs = " ".join(parts)
        line = f"{indent}  {name(v)}:{v.type!r} = {v.prim.name}({args}){' ' + attrs if attrs else ''}"
        rows.append((line, _location(v.source) if sources else "", nested))
    width = max([len(r[0]) for r in rows] + [0])
    lines = [head]
    for line, loc, nested in rows:
        lines.append(f"{line.ljust(width)}  # {loc}" if loc else line)
        lines += [graph_text(a, sources, indent + "      ") for a in nested]
    outs = ", ".join(name(v) for v in graph.outputs)
    ups = ""
    if graph.updates:
        ups = " ; updates " + ", ".join(f"{name(s)} <- {name(u)}" for s, u in graph.updates)
    lines.append(f"{indent}  in ({outs}){ups} }}")
    return "\n".join(lines)


def _pass_name(p):
    subs = getattr(p, "passes", None)
    return f"{p.__name__}({', '.join(_pass_name(s) for s in subs)})" if subs else p.__name__


def debugprint(obj, *example_args, mode=None, file=None, depth=-1, print_type=True, ids="CHAR",
               stop_on_name=False, done=None, print_storage=False, print_clients=False, used_ids=None):
    """Print the graph of ``obj`` before and after optimization, with source lines, and return the text.
    ``file``: None prints to stdout; a stream (``sys.stderr``, an ``io.StringIO``) is written to; ``'str'``
    (Theano's) or False only returns the text. Theano's layout options (``depth``, ``print_type``, ``ids``,
    ``stop_on_name``, ``done``, ``print_storage``, ``print_clients``, ``used_ids``) are accepted so its
    programs run; the text is always the whole graph with every node's type, as one listing per graph.

    >>> import jaxlike.numpy as jnp
    >>> text = debugprint(lambda x: jnp.exp(jnp.sin(x ** 2)), 1.0, file=False)
    >>> "sin" in text
    True
    """
    mode = mode or config.mode
    graph = as_graph(obj, *example_args)
    opt = optimize(graph, mode)
    passes = ", ".join(_pass_name(p) for p in PASSES.get(mode, ()))
    text = (f"traced graph ({len(graph.eqns())} ops):\n{graph_text(graph)}\n"
            f"optimized graph (mode {mode}: {passes}; {len(opt.eqns())} ops):\n{graph_text(opt)}")
    if isinstance(file, str) and file != "str":
        raise ValueError(f"debugprint: file must be None, a stream, 'str' or False, got {file!r}"
                         + where(user_frame()))
    if file is not False and file != "str":
        print(text, file=file if file is not None else sys.stdout)
    return text


# -- one-line expressions (Theano's pprint) ------------------------------------------------------------
_INFIX = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "**", "mod": "%", "floor_divide": "//",
          "lt": "<", "le": "<=", "gt": ">", "ge": ">=", "eq": "==", "ne": "!=", "logical_and": "and",
          "logical_or": "or"}


def _bound_text(b):
    return "" if b is None else str(b)


def _slice_text(index):
    parts = []
    for start, stop, step in index:
        text = f"{_bound_text(start)}:{_bound_text(stop)}"
        parts.append(text + (f":{step}" if step is not None else ""))
    return ", ".join(parts)


def _is_dot(spec):
    """Whether the contraction ``spec`` is numpy's dot of a vector or matrix with a vector or matrix."""
    if not isinstance(spec, str) or "->" not in spec or spec.count(",") != 1:
        return False
    (a, b), out = spec.split("->")[0].split(","), spec.split("->")[1]
    return (1 <= len(a) <= 2 and 1 <= len(b) <= 2 and a[-1] == b[0] and out == a[:-1] + b[1:]
            and len(set(a + b)) == len(a) + len(b) - 1)


def _node_text(v, args):
    name = v.prim.name
    if name in _INFIX and len(args) == 2:
        return f"({args[0]} {_INFIX[name]} {args[1]})"
    if name == "neg":
        return f"-{args[0]}"
    if name == "contract" and len(args) == 2 and _is_dot(v.attr_dict().get("spec")):
        return f"({args[0]} \\dot {args[1]})"   # NOTE: Theano's pprint of T.dot
    if name == "slice" and len(args) == 1:
        return f"{args[0]}[{_slice_text(v.attr_dict()['index'])}]"
    if name == "take" and len(args) == 2 and isinstance(v.attr_dict().get("axis"), int):
        return f"{args[0]}[{':, ' * v.attr_dict()['axis']}{args[1]}]"
    attrs = ", ".join(f"{k}={'<graph>' if isinstance(a, Graph) else _fmt_attr(a)}" for k, a in v.attrs)
    return f"{name}{{{attrs}}}({', '.join(args)})" if attrs else f"{name}({', '.join(args)})"


def pprint(obj):
    """Theano's ``pprint``: the expression ``obj`` (a Var, a list of them, or anything ``debugprint`` takes)
    as one line of infix text per output. Inputs and named intermediate variables print as their names,
    constants as ``TensorConstant{...}``; shared subexpressions are written out at each use.

    >>> import jaxlike.tensor as T
    >>> x = T.dscalar('x')
    >>> pprint(T.exp(x) * 2 + x)
    '((exp(x) * TensorConstant{2}) + x)'
    """
    if isinstance(obj, Var):
        outputs = [obj]
    elif isinstance(obj, (list, tuple)) and all(isinstance(v, Var) for v in obj):
        outputs = list(obj)
    else:
        outputs = list(as_graph(obj).outputs)
    roots = {v._id for v in outputs}
    text = {}
    for v in toposort(outputs):
        if v.prim is None or (v.name and v._id not in roots):
            text[v._id] = str(v)
        else:
            text[v._id] = _node_text(v, [text[i._id] for i in v.inputs])
    return "\n".join(text[v._id] for v in outputs)


pp = pprint


# -- drawing --------------------------------------------------------------------------------------------
def _q(text):
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(graph, title=None):
    """Graphviz DOT source for ``graph``: inputs blue boxes, constants grey notes, ops ellipses labelled
    ``name = prim`` with type and source line, outputs outlined twice, updates as dashed edges."""
    name = namer()
    for v in graph.inputs:
        name(v)
    out_ids = {o._id for o in graph.outputs}
    lines = ["digraph jaxlike {", '  rankdir=TB; node [fontname="monospace", fontsize=10]; '
             'edge [fontname="monospace", fontsize=8];']
    if title:
        lines.append(f"  label={_q(title)}; labelloc=t;")
    ids = {}
    for k, v in enumerate(graph.nodes()):
        ids[v._id] = f"n{k}"
        extra = ", peripheries=2, color=darkorange" if v._id in out_ids else ""
        if v.is_const:
            lines.append(f"  n{k} [shape=note, style=filled, fillcolor=gray95, label={_q(name(v))}{extra}];")
        elif v.is_input:
            lines.append(f"  n{k} [shape=box, style=filled, fillcolor=lightblue, "
                         f"label={_q(name(v) + ' ' + repr(v.type))}{extra}];")
        else:
            inner = [b.prim.name for _, a in v.attrs if isinstance(a, Graph) for b in a.eqns()]
            what = v.prim.name + (" [" + ", ".join(dict.fromkeys(inner)) + "]" if inner else "")
            label = f"{name(v)} = {what}\n{v.type!r}"
            if v.source:
                label += "\n" + _location(v.source)
            lines.append(f"  n{k} [shape=ellipse, label={_q(label)}{extra}];")
            for j, i in enumerate(v.inputs):
                tag = f" [label={_q(j)}]" if len(v.inputs) > 1 else ""
                lines.append(f"  {ids[i._id]} -> n{k}{tag};")
    for s, u in graph.updates:
        lines.append(f'  {ids[u._id]} -> {ids[s._id]} [style=dashed, label="update", constraint=false];')
    lines.append("}")
    return "\n".join(lines)


def render_svg(dot):
    """SVG text from DOT source via the ``graphviz`` package or the ``dot`` program; None if neither
    works."""
    try:
        import graphviz
        return graphviz.Source(dot).pipe(format="svg").decode("utf-8")
    except Exception:  # NOTE: missing package, or the package without its `dot` binary: try the binary
        pass
    exe = shutil.which("dot")
    if exe is None:
        return None
    try:
        done = subprocess.run([exe, "-Tsvg"], input=dot.encode("utf-8"), capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.decode("utf-8") if done.returncode == 0 else None


class GraphView:
    """A graph to look at: ``.text``, ``.dot``, ``.svg()``; notebooks show the drawing (``_repr_svg_``) or,
    without Graphviz, the text (``_repr_html_``)."""

    def __init__(self, graph, title=None):
        self.graph = graph
        self.title = title
        self.text = graph_text(graph)
        self.dot = to_dot(graph, title)
        self._svg = None

    def svg(self):
        """The drawing as SVG text; raises RuntimeError saying what to install when Graphviz is missing."""
        if self._svg is None:
            self._svg = render_svg(self.dot)
        if self._svg is None:
            raise RuntimeError("make_graph: " + GRAPHVIZ_MISSING)
        return self._svg

    def _repr_svg_(self):
        try:
            return self.svg()
        except RuntimeError:
            return None  # NOTE: IPython then falls back to _repr_html_, which carries the message

    def _repr_html_(self):
        title = f"<b>{html.escape(self.title)}</b><br>" if self.title else ""
        try:
            return title + self.svg()
        except RuntimeError:
            return (f"{title}<p><i>{html.escape(GRAPHVIZ_MISSING)}</i></p>"
                    f"<pre>{html.escape(self.text)}</pre>")

    def __repr__(self):
        return self.text


def make_graph(obj, *example_args, optimized=False, mode=None):
    """A drawable view of the graph of ``obj`` (after optimization with ``optimized=True``).

    >>> import jaxlike.numpy as jnp
    >>> view = make_graph(lambda x: jnp.sin(x) * 2.0, 1.0)
    >>> view.dot.startswith("digraph")
    True
    """
    graph = as_graph(obj, *example_args)
    title = "traced graph"
    if optimized:
        mode = mode or config.mode
        graph = optimize(graph, mode)
        title = f"optimized graph ({mode})"
    return GraphView(graph, title)


def pydotprint(fct, outfile=None, format="png", compact=True, with_ids=False, high_contrast=True,
               var_with_name_simple=False, print_output_file=True, return_image=False, **_ignored):
    """Theano's ``theano.printing.pydotprint``: draw a graph to ``outfile`` (a compiled function's optimized
    graph, or the graph of a variable or list of variables). ``format='dot'`` (or an outfile ending in
    ``.dot``) writes the DOT source and needs nothing; other formats need the Graphviz ``dot`` program.
    ``return_image=True`` returns the image bytes instead of writing them. The styling arguments are
    accepted and unused."""
    executable = getattr(fct, "executable", None)
    graph = executable.graph if isinstance(getattr(executable, "graph", None), Graph) else as_graph(fct)
    if outfile is not None and str(outfile).endswith(".dot"):
        format = "dot"
    if outfile is None and not return_image:
        outfile = os.path.join(config.cache_dir, f"jaxlike.pydotprint.{config.device}.{format}")
    dot = to_dot(graph, getattr(fct, "name", None))
    if format == "dot":
        data = dot.encode("utf-8")
    else:
        exe = shutil.which("dot")
        if exe is None:
            raise RuntimeError(f"pydotprint: format {format!r} needs the Graphviz `dot` program, which is not "
                               "installed (apt install graphviz, brew install graphviz or conda install "
                               "graphviz); format='dot' writes the DOT source without it")
        done = subprocess.run([exe, f"-T{format}"], input=dot.encode("utf-8"), capture_output=True, timeout=60)
        if done.returncode != 0:
            raise RuntimeError(f"pydotprint: dot -T{format} failed: {done.stderr.decode('utf-8', 'replace')}")
        data = done.stdout
    if return_image:
        return data
    folder = os.path.dirname(os.path.abspath(outfile))
    os.makedirs(folder, exist_ok=True)
    with open(outfile, "wb") as f:
        f.write(data)
    if print_output_file:
        print("The output file is available at", outfile)


class Print:
    """Theano's ``printing.Print(message, attrs=("__str__",))``: ``Print("h")(h)`` is ``h`` itself, and each
    time a function computes it, it prints ``h __str__ = [...]`` (one line per attr, ``x.attr`` or
    ``x.attr()``). As in Theano, the result must be used for anything to print, and gradients pass through
    it. ``global_fn(op, value)``, when given, is called instead of printing."""

    def __init__(self, message="", attrs=("__str__",), global_fn=None):
        if not isinstance(message, str):
            raise TypeError(f"Print: message must be a str, got {type(message).__name__}{where(user_frame())}")
        attrs = (attrs,) if isinstance(attrs, str) else tuple(attrs)
        if not all(isinstance(a, str) for a in attrs):
            raise TypeError(f"Print: attrs must be attribute names (str), got {attrs!r}{where(user_frame())}")
        if global_fn is not None and not callable(global_fn):
            raise TypeError(f"Print: global_fn must be callable, got {type(global_fn).__name__}"
                            f"{where(user_frame())}")
        self.message, self.attrs, self.global_fn = message, attrs, global_fn

    def __call__(self, x):
        if not isinstance(x, Var):
            from .tensor.basic import as_tensor_variable
            x = as_tensor_variable(x)
        return print_value(x, message=self.message, attrs=self.attrs,
                           hook=None if self.global_fn is None else self)

    def __repr__(self):
        return f"Print({self.message!r}, attrs={self.attrs!r})"

