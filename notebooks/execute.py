"""Execute the notebooks in this folder with nbclient and save them with their outputs (images included).

    python notebooks/execute.py                 # every notebook, full size, outputs saved in place
    python notebooks/execute.py 03 04           # only the notebooks whose names start with these
    python notebooks/execute.py --small --check # CI sizes (JAXLIKE_NOTEBOOK_SMALL=1), nothing saved

The committed notebooks carry the outputs of a full-size run made with this script, so a reader sees real
results without running anything. ``tests/notebooks/test_notebooks.py`` runs the same code at small sizes.
"""

import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def notebooks(prefixes=()):
    names = sorted(n for n in os.listdir(HERE) if n.endswith(".ipynb"))
    if prefixes:
        names = [n for n in names if any(n.startswith(p) for p in prefixes)]
    return [os.path.join(HERE, n) for n in names]


def execute(path, small, timeout=1800):
    """Run every cell of the notebook at ``path`` in a fresh kernel (working directory: this folder) and
    return the executed notebook; a cell error raises ``nbclient.exceptions.CellExecutionError``."""
    import nbformat
    from nbclient import NotebookClient
    nb = nbformat.read(path, as_version=4)
    env = dict(os.environ)
    env.pop("JAXLIKE_NOTEBOOK_SMALL", None)
    if small:
        env["JAXLIKE_NOTEBOOK_SMALL"] = "1"
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"  # figures land in the notebook
    # coalesce_streams folds a progress bar's carriage-return redraws into its final line
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", coalesce_streams=True,
                            resources={"metadata": {"path": HERE}})
    client.execute(env=env)
    # NOTE: tests/notebooks checks this flag, so CI-size outputs are never committed by mistake
    nb.metadata["jaxlike"] = {"small": bool(small)}
    return nb


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("prefixes", nargs="*", help="run only notebooks whose file names start with these")
    ap.add_argument("--small", action="store_true", help="CI sizes (sets JAXLIKE_NOTEBOOK_SMALL=1)")
    ap.add_argument("--check", action="store_true", help="execute only; do not save the outputs")
    args = ap.parse_args()
    if args.small and not args.check:
        ap.error("--small outputs must not replace the full-size ones in the notebooks: add --check")
    import nbformat
    paths = notebooks(args.prefixes)
    if not paths:
        sys.exit(f"no notebook in {HERE} starts with {' or '.join(args.prefixes)}")
    for path in paths:
        t0 = time.perf_counter()
        nb = execute(path, args.small)
        if not args.check:
            nbformat.write(nb, path)
        print(f"{os.path.basename(path)}: {time.perf_counter() - t0:.1f} s"
              f"{'' if args.check else ', outputs saved'}", flush=True)


if __name__ == "__main__":
    main()
