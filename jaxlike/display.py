"""Rich display for notebooks: ``_repr_html_`` and ``_repr_svg_`` views of symbolic variables (``Var``, shared
variables included), graphs (``Graph``) and compiled functions (``jaxlike.compile`` results and Theano-style
``jaxlike.function`` objects), installed onto those classes by ``install()`` when ``jaxlike`` is imported.

The views show what a newcomer asks first: the type (dtype and shape, which sizes are symbolic), where a
value comes from (input, shared, constant, or which op), and the graph drawn as a layered DAG in plain SVG.
The drawing needs no Graphviz, so it renders the same everywhere, GitHub and exported notebooks included
(``jaxlike.printing.make_graph`` draws with Graphviz when it is installed). Text forms come from
``jaxlike.printing.graph_text``, and node names everywhere are those ``core.graph.to_text`` prints, so the
picture, the text and the generated kernel source line up.

A front-end module: imports core, runtime, printing and the Theano-style front end's classes; nothing here
imports numba.
"""

import html

import numpy as np

from .core.graph import Var, Graph, namer, free_inputs, _fmt_attr
from .core.types import Sym, DimExpr
from .runtime.compiled import Compiled
from .printing import graph_text
from .tensor.function import Function
from .tensor.shared import SharedVariable

MAX_NODES = 300            # beyond this a drawing is unreadable; the views fall back to text
_CHAR_W, _LINE_H, _PAD = 6.6, 13, 6
_GAP_X, _GAP_Y = 18, 34

_STYLE = {
    "input": ("#dbeafe", "#1d4ed8"),
    "const": ("#f3f4f6", "#9ca3af"),
    "op": ("#ffffff", "#374151"),
}
_OUTPUT_STROKE = "#ea580c"


# ---------------------------------------------------------------------------------------------------------
# the graph drawing

def _short_attrs(v, limit=28):
    """Attrs in a few characters; graphs held in attrs (fused kernel bodies) are named in the head line."""
    text = " ".join(f"{k}={_fmt_attr(a)}" for k, a in v.attrs if not isinstance(a, Graph))
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _bodies(v):
    return [a for _, a in v.attrs if isinstance(a, Graph)]


def _head(v, name, limit=40):
    """``b = fused [mul, sin, exp]``: a fused node lists the primitives of its body, in order."""
    head = f"{name(v)} = {v.prim.name}"
    inner = list(dict.fromkeys(e.prim.name for body in _bodies(v) for e in body.eqns()))
    if inner:
        ops = ", ".join(inner)
        head += " [" + (ops if len(ops) <= limit else ops[:limit - 1] + "…") + "]"
    return head


def _layout_rows(nodes, edges):
    """Layered (Sugiyama) layout: longest-path layers, each node then pulled down to just above its first
    use, a dummy point wherever an edge crosses a layer (so long edges are routed between boxes, not
    through them), and barycenter sweeps to cut crossings.
    ``edges`` are (src key, dst key, operand index); returns (rows of keys, routed edges)."""
    layer, users, operands = {}, {}, {}
    for s, d, _ in edges:
        users.setdefault(s, []).append(d)
        if not isinstance(s, tuple):
            operands.setdefault(d, []).append(s)
    keys = [k for k in nodes if not isinstance(k, tuple)]  # topological order
    for key in keys:
        ins = [layer[s] for s in operands.get(key, ())]
        layer[key] = 1 + max(ins) if ins else (0 if nodes[key].prim is None else 1)
    # NOTE: reverse topological order, so each node's users are final before it moves. A value read only by
    # a late update (a momentum velocity times 0.9, say) then sits beside that update instead of sending an
    # edge down the whole drawing.
    for key in reversed(keys):
        if key in users:
            layer[key] = min(layer[d] for d in users[key]) - 1
    for key in nodes:
        if isinstance(key, tuple):  # one copy of a constant per use: just above its consumer
            layer[key] = layer[key[1]] - 1
    low = min(layer.values(), default=0)
    for key in layer:
        layer[key] -= low
    routed, dummies = [], []
    for s, d, k in edges:
        path = [s]
        for lay in range(layer[s] + 1, layer[d]):
            dk = ("dummy", s, d, k, lay)
            layer[dk] = lay
            dummies.append(dk)
            path.append(dk)
        routed.append((path + [d], k))
    rows = [[] for _ in range(max(layer.values(), default=0) + 1)]
    for key in list(nodes) + dummies:
        rows[layer[key]].append(key)
    preds, succs = {}, {}
    for path, _ in routed:
        for a, b in zip(path, path[1:]):
            preds.setdefault(b, []).append(a)
            succs.setdefault(a, []).append(b)
    pos = {key: k for row in rows for k, key in enumerate(row)}

    def sweep(order, neighbours):
        for r in order:
            row = rows[r]
            bary = {}
            for key in row:
                ns = [pos[n] for n in neighbours.get(key, ())]
                bary[key] = sum(ns) / len(ns) if ns else pos[key]
            row.sort(key=bary.__getitem__)
            for k, key in enumerate(row):
                pos[key] = k

    for _ in range(2):
        sweep(range(1, len(rows)), preds)
        sweep(range(len(rows) - 2, -1, -1), succs)
    sweep(range(1, len(rows)), preds)
    return [r for r in rows if r], routed


def graph_svg(graph, max_nodes=MAX_NODES):
    """The graph as an SVG string, or None when it has more than ``max_nodes`` nodes. Data flows down:
    inputs (blue) sit just above their first use, outputs and update values are outlined in orange, each
    constant is drawn beside each of its uses. Hover a node for its full text line."""
    name = namer()
    for v in graph.inputs:
        name(v)  # NOTE: name the inputs first, in order, exactly as to_text does
    order = list(graph.inputs)
    seen = {v._id for v in order}
    for v in graph.nodes():
        if v._id not in seen:
            seen.add(v._id)
            order.append(v)
    if len(order) > max_nodes:
        return None
    nodes, edges = {}, []
    for v in order:
        if v.is_const and v._id not in {o._id for o in graph.outputs}:
            continue  # drawn once per use, next to the consumer
        nodes[v._id] = v
        for k, i in enumerate(v.inputs):
            if i.is_const:
                nodes[("const", v._id, k)] = i
                edges.append((("const", v._id, k), v._id, k))
            else:
                edges.append((i._id, v._id, k))
    rows, routed = _layout_rows(nodes, edges)

    out_ids = {v._id for v in graph.outputs}
    update_of = {u._id: name(s) for s, u in graph.updates}
    boxes = {}
    for key, v in nodes.items():
        boxes[key] = _box(v, name, key in out_ids, update_of.get(key) if not isinstance(key, tuple) else None)
    for row in rows:
        for key in row:
            if key not in boxes:
                boxes[key] = dict(role="dummy", w=0.0, h=0.0)
    row_w = [sum(boxes[k]["w"] for k in row) + _GAP_X * (len(row) - 1) for row in rows]
    width = max(row_w) + 2 * _PAD
    y = _PAD
    for row, rw in zip(rows, row_w):
        x = (width - rw) / 2
        h = max(boxes[k]["h"] for k in row)
        for k in row:
            b = boxes[k]
            if b["role"] == "dummy":  # a dummy spans its whole row: the edge runs straight down through it
                b["h"], b["y"] = h, y
            else:
                b["y"] = y + (h - b["h"]) / 2
            b["x"] = x
            x += b["w"] + _GAP_X
        y += h + _GAP_Y
    height = y - _GAP_Y + _PAD

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
             f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="monospace" font-size="11">',
             '<defs><marker id="jl-arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" '
             'markerHeight="7" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#6b7280"/></marker></defs>']
    for path, k in routed:
        n = len(nodes[path[-1]].inputs)
        s = boxes[path[0]]
        x1, y1 = s["x"] + s["w"] / 2, s["y"] + s["h"]
        d = [f"M{x1:.1f},{y1:.1f}"]
        for key in path[1:]:
            b = boxes[key]
            # operands attach left to right in argument order, so sub(a, b) reads unambiguously
            x2 = b["x"] + (b["w"] * (k + 1) / (n + 1) if key == path[-1] else 0)
            my = (y1 + b["y"]) / 2
            d.append(f"C{x1:.1f},{my:.1f} {x2:.1f},{my:.1f} {x2:.1f},{b['y']:.1f}")
            x1, y1 = x2, b["y"] + b["h"]
            if b["role"] == "dummy":
                d.append(f"L{x1:.1f},{y1:.1f}")
        parts.append(f'<path d="{" ".join(d)}" fill="none" stroke="#9ca3af" stroke-width="1" '
                     'marker-end="url(#jl-arrow)"/>')
    for key in nodes:
        parts.append(_draw_box(boxes[key]))
    parts.append("</svg>")
    return "\n".join(parts)


def _box(v, name, is_output, updates):
    if v.is_const:
        role, lines = "const", [name(v)]
    elif v.prim is None:
        role = "input"
        lines = [name(v) + (f" ({v.name})" if v.name else ""), repr(v.type)]
    else:
        role = "op"
        attrs = _short_attrs(v)
        lines = [_head(v, name), repr(v.type)] + ([attrs] if attrs else [])
    if updates:
        lines.append(f"⇒ new {updates}")
    args = ", ".join(name(i) for i in v.inputs)
    title = f"{name(v)}:{v.type!r}" + (f" = {v.prim.name}({args}) {_short_attrs(v, 400)}" if v.prim else "")
    w = max(len(t) for t in lines) * _CHAR_W + 2 * _PAD
    h = len(lines) * _LINE_H + _PAD
    return dict(role=role, lines=lines, w=w, h=h, output=is_output or bool(updates), title=title.rstrip())


def _draw_box(b):
    fill, stroke = _STYLE[b["role"]]
    sw = 1
    if b["output"]:
        stroke, sw = _OUTPUT_STROKE, 2
    rx = b["h"] / 2 if b["role"] == "const" else 4
    out = [f'<g><title>{html.escape(b["title"])}</title>',
           f'<rect x="{b["x"]:.1f}" y="{b["y"]:.1f}" width="{b["w"]:.1f}" height="{b["h"]:.1f}" '
           f'rx="{rx:.1f}" fill="{fill}" stroke="{stroke}" stroke-width="{sw}"/>']
    for k, line in enumerate(b["lines"]):
        weight = ' font-weight="bold"' if k == 0 and b["role"] == "op" else ""
        color = "#6b7280" if k > 0 else "#111827"
        out.append(f'<text x="{b["x"] + b["w"] / 2:.1f}" y="{b["y"] + _PAD / 2 + (k + 0.8) * _LINE_H:.1f}" '
                   f'text-anchor="middle" fill="{color}"{weight}>{html.escape(line)}</text>')
    out.append("</g>")
    return "".join(out)


# ---------------------------------------------------------------------------------------------------------
# HTML views

_CSS = ("font-family:system-ui,sans-serif;font-size:13px;border:1px solid #d1d5db;border-radius:6px;"
        "padding:8px 10px;display:inline-block;max-width:100%;overflow-x:auto")


def _pre(text, limit=20000):
    if len(text) > limit:
        text = text[:limit] + f"\n… ({len(text) - limit} more characters)"
    return f'<pre style="font-size:12px;line-height:1.3;margin:4px 0">{html.escape(text)}</pre>'


def _details(summary, body, open_=False):
    return (f"<details{' open' if open_ else ''}><summary>{summary}</summary>{body}</details>")


def _drawing(graph, depth=0):
    """The drawing, then one collapsed drawing per fused kernel body (what each fused loop computes)."""
    svg = graph_svg(graph)
    if svg is None:
        return f"<i>{len(graph.nodes())} nodes: too many to draw; see the text form</i>"
    name = namer()
    for v in graph.inputs:
        name(v)
    parts = [svg]
    kernels = []
    for v in graph.eqns():
        name(v)  # NOTE: every node, in to_text's order, so kernel names match the drawing
        kernels += [(v, body) for body in _bodies(v)]
    for v, body in kernels if depth < 2 else ():
        summary = (f"kernel <code>{html.escape(name(v))} = {html.escape(v.prim.name)}</code>: "
                   f"{len(body.eqns())} ops in one loop")
        parts.append(_details(summary, _drawing(body, depth + 1), open_=len(kernels) <= 2))
    return "".join(parts)


def _shape_text(shape):
    syms = [d for d in shape if isinstance(d, (Sym, DimExpr))]
    text = "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"
    if syms:
        text += (f" &nbsp;<span style='color:#6b7280'>{', '.join(map(str, syms))}: symbolic, bound when the "
                 "function is called</span>")
    return text


def _rows(rows):
    cells = "".join(f"<tr><td style='text-align:left;padding-right:12px;color:#6b7280'>{k}</td>"
                    f"<td style='text-align:left'>{v}</td></tr>" for k, v in rows)
    return f"<table style='border-collapse:collapse;margin:4px 0'>{cells}</table>"


def var_graph(v):
    """The graph computing ``v`` from its free inputs."""
    return Graph(free_inputs([v]), [v])


def var_html(v):
    if v.is_const:
        role = "constant"
    elif isinstance(v, SharedVariable):
        role = "shared variable (an input that holds a value; updates replace it)"
    elif v.prim is None:
        role = "input (symbolic: gets its value when the function is called)"
    else:
        role = f"result of <code>{html.escape(v.prim.name)}</code>"
    rows = [("type", f"<code>{html.escape(repr(v.type))}</code>"), ("dtype", str(v.dtype)),
            ("shape", _shape_text(v.shape)), ("role", role)]
    if v.source:
        rows.append(("defined at", html.escape(f"{v.source[0].rsplit('/', 1)[-1]}:{v.source[1]}")))
    title = f"<b>jaxlike Var</b> <code>{html.escape(v.name or '')}</code>"
    if v.is_const or isinstance(v, SharedVariable):
        value = np.asarray(v.value if v.is_const else v.get_value(borrow=True))
        rows.append(("value", f"shape {value.shape}"))
        text = np.array2string(value, threshold=20, edgeitems=3)
        return f"<div style='{_CSS}'>{title}{_rows(rows)}{_pre(text)}</div>"
    g = var_graph(v)
    n_ops = len(g.eqns())
    rows.append(("graph", f"{n_ops} op{'s' if n_ops != 1 else ''}, {len(g.inputs)} input"
                          f"{'s' if len(g.inputs) != 1 else ''}"))
    body = _rows(rows)
    if n_ops:
        body += _details("graph", _drawing(g), open_=n_ops <= 40) + _details("text form", _pre(graph_text(g)))
    return f"<div style='{_CSS}'>{title}{body}</div>"


def var_svg(v):
    return graph_svg(var_graph(v))


def graph_html(graph):
    n = len(graph.eqns())
    head = (f"<b>jaxlike Graph</b>: {len(graph.inputs)} inputs, {n} ops, {len(graph.outputs)} outputs"
            + (f", {len(graph.updates)} updates" if graph.updates else ""))
    return f"<div style='{_CSS}'>{head}{_details('graph', _drawing(graph), open_=n <= 60)}" \
           f"{_details('text form', _pre(graph_text(graph)), open_=n > 60)}</div>"


def _entries(compiled):
    return list(getattr(compiled, "_cache", {}).values())


def _optimized(entry):
    """The graph the backend compiled (after the passes); wrappers such as the profiler may not carry it."""
    g = getattr(entry.exe, "graph", None)
    return g if isinstance(g, Graph) else entry.graph


def _signature_text(graph):
    ins = ", ".join(repr(v.type) for v in graph.inputs)
    outs = ", ".join(repr(v.type) for v in graph.outputs)
    return f"({ins}) → ({outs})"


def compiled_html(compiled):
    from .config import config
    entries = _entries(compiled)
    device = compiled.device or config.device
    mode = compiled.mode or config.mode
    head = (f"<b>jaxlike.compile</b> of <code>{html.escape(compiled.__name__)}</code> &nbsp;"
            f"<span style='color:#6b7280'>device {device}, mode {mode}, {len(entries)} signature"
            f"{'s' if len(entries) != 1 else ''} compiled</span>")
    if not entries:
        return (f"<div style='{_CSS}'>{head}<div>nothing compiled yet: the first call (or "
                f"<code>.graph(*args)</code>) traces and compiles a signature</div></div>")
    blocks = []
    for k, e in enumerate(entries):
        traced, exe = e.graph, e.exe
        opt = _optimized(e)
        backend = html.escape(str(getattr(exe, "backend", "?")))
        summary = (f"<code>{html.escape(_signature_text(traced))}</code> &nbsp;<span style='color:#6b7280'>"
                   f"backend {backend}: {len(traced.eqns())} ops traced, {len(opt.eqns())} after "
                   "optimization</span>")
        body = (_details("optimized graph", _drawing(opt), open_=len(opt.eqns()) <= 40)
                + _details("traced graph (text)", _pre(graph_text(traced)))
                + _details("generated source", _pre(str(getattr(exe, "source", "")))))
        last = k == len(entries) - 1
        blocks.append(_details(summary, f"<div style='margin-left:14px'>{body}</div>", open_=last))
    return f"<div style='{_CSS}'>{head}{''.join(blocks)}</div>"


def compiled_svg(compiled):
    entries = _entries(compiled)
    if not entries:
        return None
    return graph_svg(_optimized(entries[-1]))


def function_html(fn):
    """A Theano-style function: inputs, shared variables and updates, the optimized graph and the source."""
    graph, exe = fn.graph, fn.executable
    opt = exe.graph if isinstance(getattr(exe, "graph", None), Graph) else graph
    label = f" <code>{html.escape(fn.name)}</code>" if fn.name else ""
    names = namer()
    for v in graph.inputs:
        names(v)
    ups = ", ".join(f"{names(s_)}{f' ({s_.name})' if s_.name else ''}" for s_, _ in graph.updates)
    rows = [("signature", f"<code>{html.escape(_signature_text(graph))}</code>"),
            ("inputs", ", ".join(f"<code>{html.escape(str(v.name or names(v)))}</code>" for v in fn.inputs)
             or "none"),
            ("shared", ", ".join(f"<code>{html.escape(str(v.name or names(v)))}</code>" for v in fn.shared)
             or "none"),
            ("updates", html.escape(ups) or "none"),
            ("backend", f"{html.escape(str(getattr(exe, 'backend', '?')))}: {len(graph.eqns())} ops traced, "
                        f"{len(opt.eqns())} after optimization")]
    body = (_rows(rows) + _details("optimized graph", _drawing(opt), open_=len(opt.eqns()) <= 40)
            + _details("traced graph (text)", _pre(graph_text(graph)))
            + _details("generated source", _pre(str(getattr(exe, "source", "")))))
    return f"<div style='{_CSS}'><b>jaxlike.function</b>{label}{body}</div>"


def function_svg(fn):
    exe = fn.executable
    return graph_svg(exe.graph if isinstance(getattr(exe, "graph", None), Graph) else fn.graph)


def install():
    """Attach the views. Idempotent; called when jaxlike is imported."""
    Var._repr_html_ = var_html
    Var._repr_svg_ = var_svg
    Graph._repr_html_ = graph_html
    Graph._repr_svg_ = graph_svg
    Compiled._repr_html_ = compiled_html
    Compiled._repr_svg_ = compiled_svg
    Function._repr_html_ = function_html
    Function._repr_svg_ = function_svg


install()
