"""Graph inspection: ``debugprint`` shows the graph before and after optimization with source lines;
``make_graph`` draws with Graphviz when it is installed and otherwise says so, still showing the text."""

import inspect
import os
import shutil
import sys
import types

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
from jaxlike import printing
from jaxlike.core.graph import Var, Graph, to_text
from jaxlike.core.types import TensorType, Sym

HERE = os.path.basename(__file__)


def net(x, w):
    h = jnp.sin(x @ w)
    return jnp.sum(h * h) + jnp.sum(jnp.sin(x @ w))   # the repeated x @ w is what CSE removes


def _line(text):
    lines, start = inspect.getsourcelines(net)
    return start + next(k for k, line in enumerate(lines) if text in line)


def test_debugprint_shows_both_graphs_with_source_lines(capsys):
    """Would catch: debugprint printing only one of the graphs, losing the user's line numbers, or not
    running the optimizer."""
    text = jaxlike.debugprint(net, np.ones((2, 3)), np.ones((3, 4)))
    assert capsys.readouterr().out.strip() == text.strip()
    traced, optimized = text.split("optimized graph")
    assert traced.count("= contract(") == 2 and optimized.count("= contract(") == 1
    assert f"# {HERE}:{_line('h = jnp.sin')}" in traced
    assert "mode FAST_RUN: cse" in optimized or "mode FAST_RUN:" in optimized
    assert "contract(a, b) spec='ab,bc->ac'" in traced


def test_debugprint_lines_match_to_text():
    """Would catch: debugprint naming nodes differently from to_text (and so from DEBUG_MODE errors and the
    kernel source), which makes the views impossible to line up."""
    graph = printing.as_graph(net, np.ones((2, 3)), np.ones((3, 4)))
    ours = [line.split("  #")[0].rstrip() for line in printing.graph_text(graph).splitlines()]
    assert ours == to_text(graph).splitlines()


def test_debugprint_accepts_graphs_vars_and_compiled_functions():
    """Would catch: one of the documented argument kinds failing."""
    x = Var(TensorType("float64", (Sym(),)), name="x")
    y = jnp.exp(x) * 2.0
    assert "exp(a)" in jaxlike.debugprint(y, file=False)
    assert "exp(a)" in jaxlike.debugprint([y, y + 1.0], file=False)
    assert "exp(a)" in jaxlike.debugprint(Graph([x], [y]), file=False)
    f = jaxlike.compile(lambda v, k: jnp.exp(v) * k, static_argnums=1)
    text = jaxlike.debugprint(f, np.ones(3), 3.0, file=False)
    assert "exp(a)" in text and "mul(b, 3.0)" in text
    assert f._cache == {}  # printing traces; it does not compile


def test_debugprint_specializes_functions_that_read_sizes():
    """Would catch: debugprint failing where compile would specialize (code reading x.shape[0])."""
    text = jaxlike.debugprint(lambda x: x * float(x.shape[0]), np.ones(4), file=False)
    assert "mul(a, 4.0)" in text


def test_debugprint_prints_fused_bodies_indented():
    """Would catch: fused kernels printed as an opaque name, hiding what they compute."""
    x = Var(TensorType("float64", (3,)), name="x")
    inner_in = Var(TensorType("float64", (3,)))
    body = Graph([inner_in], [jnp.exp(inner_in) + 1.0])
    from jaxlike.core.primitive import Primitive, Kind
    fake_fused = Primitive("fused_demo", Kind.OPAQUE, shape=lambda t, **a: t, numpy=lambda a, **k: a)
    node = Var(x.type, fake_fused, [x], (("body", body),))
    text = printing.graph_text(Graph([x], [node]))
    assert "fused_demo(a) body=<graph>" in text
    assert "\n        b:f64[3] = exp(a)" in text


def test_debugprint_needs_example_arguments_for_functions():
    """Would catch: an obscure tracing error instead of saying what to pass."""
    with pytest.raises(TypeError, match="pass example arguments"):
        jaxlike.debugprint(net)
    with pytest.raises(TypeError, match="expected a Graph, a Var"):
        jaxlike.debugprint(42)


def test_make_graph_dot_names_every_node():
    """Would catch: DOT source missing nodes, outputs or update edges."""
    s = Var(TensorType("float64", (Sym(),)), name="s")
    g = Graph([s], [jnp.sum(s)], [(s, s * 0.5)])
    view = jaxlike.make_graph(g)
    dot = view.dot
    assert dot.startswith("digraph jaxlike {") and dot.rstrip().endswith("}")
    assert 'label="b = reduce_sum\\nf64[]' in dot and "peripheries=2" in dot
    assert 'style=dashed, label="update"' in dot
    assert dot.count(" -> ") == 4  # s->sum, s->mul, 0.5->mul, and the update edge


@pytest.mark.skipif(shutil.which("dot") is None, reason="the Graphviz `dot` program is not installed")
def test_make_graph_draws_svg_with_graphviz():
    """Would catch: DOT source Graphviz rejects (the drawing silently missing)."""
    view = jaxlike.make_graph(net, np.ones((2, 3)), np.ones((3, 4)), optimized=True)
    svg = view._repr_svg_()
    assert svg is not None and "<svg" in svg and "contract" in svg
    assert view._repr_html_().startswith("<b>optimized graph (FAST_RUN)</b><br>")


def test_make_graph_without_graphviz_says_what_to_install(monkeypatch):
    """Would catch: an ImportError/traceback in a notebook instead of a message and the text view."""
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setitem(sys.modules, "graphviz", None)
    view = jaxlike.make_graph(net, np.ones((2, 3)), np.ones((3, 4)))
    assert view._repr_svg_() is None
    html = view._repr_html_()
    assert "drawing needs Graphviz" in html and "<pre>{ lambda" in html
    with pytest.raises(RuntimeError, match="install the `dot` program"):
        view.svg()
    assert repr(view) == view.text


def test_make_graph_uses_the_graphviz_package_when_present(monkeypatch):
    """Would catch: the Python binding being ignored (e.g. where only it, with its own dot, is set up)."""
    seen = {}

    class Source:
        def __init__(self, dot):
            seen["dot"] = dot

        def pipe(self, format):
            assert format == "svg"
            return b"<svg>from the package</svg>"

    monkeypatch.setitem(sys.modules, "graphviz", types.SimpleNamespace(Source=Source))
    view = jaxlike.make_graph(net, np.ones((2, 3)), np.ones((3, 4)))
    assert view._repr_svg_() == "<svg>from the package</svg>"
    assert seen["dot"] == view.dot


def test_debugprint_of_a_theano_function():
    """Would catch: jaxlike.function objects (which hold their graph, updates included) being refused or
    retraced."""
    if not hasattr(jaxlike, "function"):
        pytest.skip("the Theano-style front end (jaxlike.function) is not available")
    import jaxlike.tensor as T
    x = T.dvector("x")
    w = jaxlike.shared(np.ones(3), name="w")
    f = jaxlike.function([x], T.sum(x * w), updates=[(w, w * 2.0)])
    text = jaxlike.debugprint(f, file=False)
    assert "; updates" in text and "mul(" in text and HERE in text
