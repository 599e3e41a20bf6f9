"""The notebooks in ``notebooks/`` run top to bottom in a fresh kernel without a cell error, at the small
sizes CI uses (``JAXLIKE_NOTEBOOK_SMALL=1`` in the kernel's environment), and the committed copies carry the
outputs of a complete full-size run."""

import os
import time

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NB_DIR = os.path.join(ROOT, "notebooks")
EXPECTED = ["01_basics.ipynb", "02_xor.ipynb", "03_minibatch_mlp.ipynb", "04_performance.ipynb",
            "05_gpu.ipynb", "06_loops.ipynb"]
NOTEBOOKS = sorted(n for n in os.listdir(NB_DIR) if n.endswith(".ipynb")) if os.path.isdir(NB_DIR) else []


def test_every_notebook_is_here():
    # catches: a renamed or deleted notebook silently dropping out of the parametrized runs below
    assert NOTEBOOKS == EXPECTED


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_committed_notebook_holds_a_full_size_run(name):
    # catches: a notebook committed without outputs, half-run, run out of order, at CI sizes, or with errors
    nb = nbformat.read(os.path.join(NB_DIR, name), as_version=4)
    nbformat.validate(nb)
    cells = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in cells] == list(range(1, len(cells) + 1)), \
        "not executed top to bottom in one kernel: run python notebooks/execute.py"
    assert nb.metadata.get("jaxlike", {}).get("small") is False, \
        "the saved outputs are not from a full-size run: run python notebooks/execute.py"
    for k, c in enumerate(cells):
        errors = [o for o in c.outputs if o.output_type == "error"]
        assert not errors, f"code cell {k} saved an error: {errors[0].get('ename')}"


@pytest.fixture(scope="module")
def kernel_env(tmp_path_factory):
    """The kernel's environment: small sizes, figures rendered inline, a throw-away compile cache."""
    env = dict(os.environ)
    env["JAXLIKE_NOTEBOOK_SMALL"] = "1"
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    cache = str(tmp_path_factory.mktemp("notebook-cache"))
    flags = [f for f in env.get("JAXLIKE_FLAGS", "").split(",") if f and not f.startswith("cache_dir=")]
    env["JAXLIKE_FLAGS"] = ",".join(flags + [f"cache_dir={cache}"])
    return env


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_without_error(name, kernel_env):
    # catches: any cell raising (nbclient raises CellExecutionError with the cell and its traceback)
    nb = nbformat.read(os.path.join(NB_DIR, name), as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": NB_DIR}})
    t0 = time.perf_counter()
    client.execute(env=kernel_env)
    seconds = time.perf_counter() - t0
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "Traceback" not in text, "a cell printed a traceback it caught"
    print(f"{name}: {seconds:.1f} s")
