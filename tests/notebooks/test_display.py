"""Notebook-facing helpers: the rich views of ``jaxlike.display`` (HTML and SVG of Vars, graphs and compiled
functions, as IPython would request them) and the training loop of ``jaxlike.training`` (costs, state
threading, the tqdm bar and its plain fallback)."""

import sys
import time
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import numpy as np
import pytest

import jaxlike
import jaxlike.numpy as jnp
import jaxlike.tensor as T
from jaxlike import display, training
from jaxlike.core.graph import Var, Graph, to_text
from jaxlike.core.types import TensorType, Sym
from jaxlike.runtime.trace import trace

SVG_NS = "{http://www.w3.org/2000/svg}"


def traced(fn, *examples):
    """Trace ``fn`` on fresh Vars typed like ``examples`` (sizes symbolic); returns (inputs, output)."""
    inputs, outputs, _ = trace(fn, list(examples))
    return inputs, outputs[0]


def parse_svg(text):
    root = ET.fromstring(text)  # catches unescaped '<' or '&' in labels and unbalanced tags
    assert root.tag == SVG_NS + "svg"
    return root


def boxes(root):
    """(label lines, x, y, w, h) for each node box of a drawing."""
    out = []
    for g in root.iter(SVG_NS + "g"):
        r = g.find(SVG_NS + "rect")
        lines = [t.text for t in g.findall(SVG_NS + "text")]
        out.append((lines, *(float(r.get(k)) for k in ("x", "y", "width", "height"))))
    return out


class _Checker(HTMLParser):
    """Fails on mismatched tags (a view that breaks the notebook's HTML around it)."""

    VOID = {"br", "hr", "img", "meta", "input", "path", "rect", "marker", "stop"}

    def __init__(self):
        super().__init__()
        self.stack = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()


def check_html(text):
    c = _Checker()
    c.feed(text)
    c.close()
    assert c.stack == [], f"unclosed tags {c.stack}"
    return text


@pytest.fixture(scope="module")
def mlp():
    """A traced two-layer loss with a gradient: enough nodes to exercise long edges and constants."""
    def loss(w1, w2, x):
        return jnp.mean(jnp.tanh(jnp.tanh(x @ w1) @ w2) ** 2)
    return traced(jaxlike.grad(loss), np.ones((2, 3)), np.ones((3, 1)), np.ones((4, 2)))


# ---------------------------------------------------------------------------------------------------------
# Var views

def test_input_var_html_names_type_dtype_and_symbolic_sizes():
    # catches: a view that hides which sizes are symbolic, or does not escape user names
    n = Sym()
    x = Var(TensorType("float32", (n, 3)), name="<x&y>")
    page = check_html(x._repr_html_())
    assert "f32[" in page and "float32" in page
    assert f"{n!r}: symbolic" in page
    assert "&lt;x&amp;y&gt;" in page and "<x&y>" not in page
    assert "input" in page


def test_op_var_html_has_drawing_and_text_form(mlp):
    # catches: a Var view without the graph, or whose drawing and text disagree on node names
    _, out = mlp
    page = check_html(out._repr_html_())
    assert "<svg" in page and "text form" in page
    g = display.var_graph(out)
    for line in to_text(g).splitlines()[1:-1]:
        name, rest = line.strip().split(":", 1)
        prim = rest.split("= ", 1)[1].split("(")[0]
        assert f"{name} = {prim}" in page, f"node {name} ({prim}) of the text form is not drawn"


def test_const_var_html_shows_value():
    c = jaxlike.core.graph.const(np.arange(6.0).reshape(2, 3))
    page = check_html(c._repr_html_())
    assert "constant" in page and "[[0. 1. 2.]" in page


def test_var_svg_is_valid_and_marks_the_output(mlp):
    # catches: malformed SVG, a missing or extra node, overlapping boxes
    _, out = mlp
    root = parse_svg(out._repr_svg_())
    bs = boxes(root)
    g = display.var_graph(out)
    non_const = [v for v in g.nodes() if not v.is_const]
    const_uses = sum(1 for v in g.nodes() for i in v.inputs if i.is_const)
    assert len(bs) == len(non_const) + const_uses
    for i, (_, x1, y1, w1, h1) in enumerate(bs):
        for _, x2, y2, w2, h2 in bs[i + 1:]:
            overlap = x1 < x2 + w2 and x2 < x1 + w1 and y1 < y2 + h2 and y2 < y1 + h1
            assert not overlap, "two node boxes overlap"
    outlined = [g_ for g_ in root.iter(SVG_NS + "rect") if g_.get("stroke") == display._OUTPUT_STROKE]
    assert len(outlined) == 1


def test_data_flows_down_and_late_inputs_sit_by_their_use():
    # catches: layering that sends an arrow upwards, or parks an input read only at the end on the top row
    a = Var(TensorType("float64", (3,)), name="early")
    b = Var(TensorType("float64", (3,)), name="late")
    out = jnp.sin(jnp.sin(jnp.sin(a))) + b
    root = parse_svg(out._repr_svg_())
    for d in [p.get("d") for p in root.iter(SVG_NS + "path") if p.get("marker-end")]:
        y_start = float(d.split()[0].split(",")[1])
        y_end = float(d.split()[-1].split(",")[1])
        assert y_end > y_start, d
    tops = {lines[0]: y for lines, _, y, _, _ in boxes(root)}
    assert tops["a (early)"] < tops["c = sin"] < tops["d = sin"] < tops["b (late)"] < tops["f = add"]


def test_every_edge_ends_on_a_box_top(mlp):
    # catches: edges routed to stale coordinates (arrows pointing at nothing)
    _, out = mlp
    root = parse_svg(out._repr_svg_())
    bs = boxes(root)
    paths = [p.get("d") for p in root.iter(SVG_NS + "path") if p.get("marker-end")]
    assert paths
    for d in paths:
        x, y = (float(t) for t in d.split()[-1].split(","))
        assert any(abs(y - by) < 0.2 and bx - 0.2 <= x <= bx + bw + 0.2 for _, bx, by, bw, _ in bs), d


def test_ipython_formatter_picks_up_the_views(mlp):
    # catches: views defined but not installed on the classes IPython sees
    formatters = pytest.importorskip("IPython.core.formatters")
    _, out = mlp
    data, _ = formatters.DisplayFormatter().format(out)
    assert "text/html" in data and "image/svg+xml" in data
    assert Var._repr_html_ is display.var_html


def test_big_graph_falls_back_to_text():
    # catches: an unreadable (or slow) drawing of a huge graph
    x = Var(TensorType("float64", (3,)))
    y = x
    for _ in range(display.MAX_NODES + 5):
        y = jnp.sin(y)
    assert y._repr_svg_() is None
    page = check_html(y._repr_html_())
    assert "too many to draw" in page


# ---------------------------------------------------------------------------------------------------------
# Graph views

def test_graph_view_shows_updates():
    # catches: state updates (Theano `updates`) missing from the picture
    s = Var(TensorType("float64", (3,)), name="w")
    x = Var(TensorType("float64", (3,)), name="x")
    cost = jnp.sum((s * x) ** 2)
    g = Graph([s, x], [cost], updates=[(s, s - 0.1 * x)])
    page = check_html(g._repr_html_())
    assert "1 updates" in page
    labels = [ln for b in boxes(parse_svg(g._repr_svg_())) for ln in b[0]]
    assert "⇒ new a" in labels and "a (w)" in labels


def test_fused_kernels_are_named_and_drawn():
    # catches: an optimized graph shown as an opaque "fused" box with no way to see what the loop computes
    from jaxlike.passes.pipeline import optimize
    inputs, out = traced(lambda x: jnp.sum(jnp.exp(jnp.sin(x) * 2.0)), np.ones(5))
    opt = optimize(Graph(inputs, [out]), "FAST_RUN")
    fused = [v for v in opt.eqns() if display._bodies(v)]
    assert fused, "the FAST_RUN pipeline fused nothing here; pick a graph it fuses"
    page = check_html(opt._repr_html_())
    assert "ops in one loop" in page
    body = display._bodies(fused[0])[0]
    assert page.count("<svg") == 1 + len(fused)
    heads = [ln for b in boxes(parse_svg(opt._repr_svg_())) for ln in b[0] if "fused" in ln]
    assert heads and all(e.prim.name in heads[0] for e in body.eqns()[:2])


# ---------------------------------------------------------------------------------------------------------
# compiled-function views

def test_compiled_view_before_and_after_a_call():
    # catches: a view that crashes before the first call, or omits the signature, source or graph
    f = jaxlike.compile(jaxlike.grad(lambda x: jnp.exp(jnp.sin(x ** 2))))
    page = check_html(f._repr_html_())
    assert "nothing compiled yet" in page
    assert f._repr_svg_() is None
    assert abs(float(f(15.0)) - 4.3474040903) < 1e-9
    page = check_html(f._repr_html_())
    assert "1 signature compiled" in page
    assert "(f64[]) → (f64[])" in page
    assert "generated source" in page and "optimized graph" in page
    import html as html_mod
    assert html_mod.escape(f.source(15.0)[:60]) in page
    parse_svg(f._repr_svg_())


def test_compiled_view_lists_each_signature():
    f = jaxlike.compile(lambda x: (x * 2.0).sum())
    f(np.ones(3))
    f(np.ones((2, 2)))
    page = check_html(f._repr_html_())
    assert "2 signatures compiled" in page
    assert page.count("<summary><code>(") == 2


def test_theano_function_view_lists_inputs_shared_and_updates():
    # catches: a Theano-style function without a view, or one that forgets the updates it performs
    x, y = T.dvector("x"), T.dscalar("y")
    w = jaxlike.shared(np.array([-1.0, 1.0]), name="w")
    out = T.nnet.sigmoid(T.dot(w, x))
    cost = (out - y) ** 2
    f = jaxlike.function([x, y], cost, updates=[(w, w - 0.1 * T.grad(cost, w))], name="train")
    page = check_html(f._repr_html_())
    for text in ("<b>jaxlike.function</b> <code>train</code>", "<code>x</code>, <code>y</code>",
                 "<code>w</code>", "c (w)", "generated source"):
        assert text in page, text
    labels = [ln for b in boxes(parse_svg(f._repr_svg_())) for ln in b[0]]
    assert "⇒ new c" in labels


def test_shared_variable_view_shows_its_value():
    w = jaxlike.shared(np.arange(3.0), name="w")
    page = check_html(w._repr_html_())
    assert "shared variable" in page and "shape (3,)" in page and "[0. 1. 2.]" in page


# ---------------------------------------------------------------------------------------------------------
# training loop

def test_minibatches_cover_every_sample_once():
    # catches: dropped or duplicated samples when shuffling, or the wrong axis
    X = np.arange(20).reshape(2, 10)
    Y = np.arange(10)[None] * 10
    bs = training.minibatches(X, Y, batch_size=3, axis=1, rng=np.random.default_rng(0))
    assert [b[0].shape for b in bs] == [(2, 3)] * 3 + [(2, 1)]
    cols = np.concatenate([b[0][0] for b in bs])
    assert sorted(cols) == list(range(10)) and list(cols) != list(range(10))
    for bx, by in bs:
        assert np.array_equal(bx[0] * 10, by[0])  # X and Y shuffled together
    assert len(training.minibatches(X, Y, batch_size=3, axis=1, drop_last=True)) == 3


@pytest.mark.parametrize("kwargs, message", [
    (dict(batch_size=0), "batch_size must be a positive int"),
    (dict(batch_size=2, axis=2), "axis=2 is out of range"),
])
def test_minibatches_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        training.minibatches(np.ones((2, 4)), **kwargs)


def test_minibatches_length_mismatch():
    with pytest.raises(ValueError, match="array 1 has 3 samples along axis 0, array 0 has 4"):
        training.minibatches(np.ones(4), np.ones(3), batch_size=2)


def test_fit_with_shared_state_averages_costs_per_epoch():
    # catches: costs summed instead of averaged, or batches visited the wrong number of times
    calls = []

    def step(x):
        calls.append(float(x))
        return 2.0 * float(x)
    hist = training.fit(step, [(1.0,), (3.0,)], epochs=3)
    assert hist.costs == [4.0, 4.0, 4.0] and len(calls) == 6
    assert "3 epochs" in repr(hist)


def test_fit_times_epochs_and_sets_the_compiling_first_one_apart():
    # catches: a per-step time that silently includes the first call's compilation
    def slow_first(x, seen=[]):
        seen.append(x)
        time.sleep(0.2 if len(seen) == 1 else 0.01)
        return 0.0
    hist = training.fit(slow_first, [(1.0,)], epochs=4)
    assert len(hist.epoch_seconds) == 4 and hist.epoch_seconds[0] >= 0.2
    assert hist.steady_seconds < 0.1 and hist.seconds >= sum(hist.epoch_seconds)


def test_fit_threads_state_through_a_compiled_jax_style_step():
    # catches: state not threaded (cost would stay flat), or the data callable not called per epoch
    rng = np.random.default_rng(0)
    X = rng.standard_normal((64, 3))
    Y = X @ np.array([1.0, -2.0, 0.5])

    @jaxlike.compile
    def step(w, x, y):
        cost, g = jaxlike.value_and_grad(lambda w: jnp.mean((x @ w - y) ** 2))(w)
        return w - 0.1 * g, cost
    seen = []

    def data(epoch):
        seen.append(epoch)
        return training.minibatches(X, Y, batch_size=16, rng=np.random.default_rng(epoch))
    hist = training.fit(step, data, epochs=30, state=np.zeros(3))
    assert seen == list(range(30))
    assert hist.costs[-1] < 1e-3 * hist.costs[0]
    np.testing.assert_allclose(hist.state, [1.0, -2.0, 0.5], atol=1e-2)


def test_fit_cost_of_and_callback_early_stop():
    hist = training.fit(lambda x: (x, x * 10), [(1.0,)], epochs=10, cost_of=lambda out: out[1],
                        callback=lambda epoch, cost, state: epoch == 2)
    assert hist.costs == [10.0, 10.0, 10.0]


@pytest.mark.parametrize("call, error, message", [
    (lambda: training.fit(lambda: 0.0, [()], epochs=0), ValueError, "epochs must be a positive int, got 0"),
    (lambda: training.fit(3, [()]), TypeError, "step must be callable, got int"),
    (lambda: training.fit(lambda: np.ones(3), [()]), TypeError, "must return a scalar cost"),
    (lambda: training.fit(lambda s: 1.0, [()], state=0.0), TypeError, r"must return \(new_state, cost\)"),
    (lambda: training.fit(lambda: 1.0, []), ValueError, "epoch 0 had no batches"),
    (lambda: training.fit(lambda: 1.0, [()], progress="bar"), ValueError, "progress must be False, True"),
])
def test_fit_bad_arguments(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_fit_progress_bar_with_tqdm(capsys):
    pytest.importorskip("tqdm")
    training.fit(lambda: 0.5, [()], epochs=4, progress=True, desc="xor")
    out = capsys.readouterr().out
    assert "xor" in out and "4/4" in out and "cost 0.5" in out


def test_fit_progress_plain_fallback_without_tqdm(capsys, monkeypatch):
    # catches: progress=True crashing on machines without tqdm
    monkeypatch.setitem(sys.modules, "tqdm", None)  # makes `import tqdm` raise ImportError
    hist = training.fit(lambda: 0.25, [()], epochs=20, progress=True)
    out = capsys.readouterr().out
    assert "tqdm is not installed" in out
    assert "training: 2/20" in out and "training: 20/20" in out and "cost 0.25" in out
    assert out.count("training:") == 10
    assert len(hist) == 20
    with pytest.raises(ImportError, match="pip install tqdm"):
        training.fit(lambda: 0.25, [()], progress="tqdm")
