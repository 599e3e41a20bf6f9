"""The package's shape, enforced: import layers (a lower layer never imports a higher one), backends that
import only core and ops, ``import jaxlike`` without numba, size budgets and module docstrings.

Layers, low to high: config, pytree <- core <- ops <- autodiff <- passes <- backends <- runtime <- front
ends (api, numpy, nn, tensor, and any other top-level module) <- jaxlike/__init__.py <- applications
(``python -m jaxlike.demo``), which use the public ``jaxlike`` namespace and which nothing imports.
"""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

import jaxlike

PKG = Path(jaxlike.__file__).resolve().parent
LAYERS = {"config": 0, "pytree": 0, "core": 1, "ops": 2, "autodiff": 3, "control": 3, "passes": 4, "backends": 5,
          "runtime": 6}
FRONT_END = 7   # api, numpy, nn, tensor, printing, ... : everything else under jaxlike/
TOP = 8         # jaxlike/__init__.py
APPS = {"demo": 9}
BACKEND_MAY_IMPORT = {"config", "pytree", "core", "ops", "backends"}
MAX_FILE_LINES = 600
PACKAGE_BUDGETS = {"core": 2000, "autodiff": 600}


def _modules():
    return sorted(p for p in PKG.rglob("*.py") if "__pycache__" not in p.parts)


def _dotted(path):
    rel = path.relative_to(PKG.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _layer(dotted):
    parts = dotted.split(".")
    if len(parts) == 1:
        return TOP
    return LAYERS.get(parts[1], APPS.get(parts[1], FRONT_END))


def _is_module(dotted):
    rel = Path(*dotted.split("."))
    return (PKG.parent / rel).with_suffix(".py").exists() or (PKG.parent / rel / "__init__.py").exists()


def _imports(path):
    """Dotted jaxlike modules that ``path`` imports, at any depth (function-level imports count too)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    me = _dotted(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names if a.name.split(".")[0] == "jaxlike"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.split(".")[0] == "jaxlike":
                mod = node.module
            else:
                continue
            for a in node.names:
                sub = f"{mod}.{a.name}"
                found.append((sub if _is_module(sub) else mod, node.lineno))
    return found


def test_the_layer_table_knows_every_subpackage():
    """Catches: a new subpackage that silently lands in the front-end layer (give it a layer above)."""
    subpackages = {p.parent.name for p in PKG.glob("*/__init__.py")}
    front_end = {"numpy", "tensor", "scipy", "lax", "random", "nn", "sandbox", "example_libraries", "experimental"}
    unknown = subpackages - set(LAYERS) - front_end
    assert not unknown, f"add these subpackages to LAYERS in tests/test_layout.py: {sorted(unknown)}"


def test_no_module_imports_a_higher_layer():
    bad = []
    for path in _modules():
        me = _dotted(path)
        for target, line in _imports(path):
            if _layer(target) > _layer(me):
                bad.append(f"{path.relative_to(PKG.parent)}:{line}: {me} (layer {_layer(me)}) imports "
                           f"{target} (layer {_layer(target)})")
    assert not bad, "upward imports:\n" + "\n".join(bad)


def test_backends_import_only_core_and_ops():
    bad = []
    for path in _modules():
        me = _dotted(path)
        if not me.startswith("jaxlike.backends"):
            continue
        for target, line in _imports(path):
            part = target.split(".")[1] if "." in target else target
            if part not in BACKEND_MAY_IMPORT:
                bad.append(f"{path.relative_to(PKG.parent)}:{line}: imports {target}")
    assert not bad, "backends may import only core and ops:\n" + "\n".join(bad)


def test_import_jaxlike_does_not_import_numba():
    """Catches: a module-level numba import making `import jaxlike` slow (numba loads lazily, at the first
    compile that needs it)."""
    code = ("import sys, jaxlike\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('numba', 'llvmlite')))")
    env = dict(os.environ)
    env.pop("JAXLIKE_FLAGS", None)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "[]", f"import jaxlike imported: {out.stdout.strip()}"


def test_rarely_used_modules_load_when_first_used():
    """Catches: the modules behind rarely used names (gather/scatter, incomplete gamma, set operations...)
    imported by ``import jaxlike`` (about 40 ms of every start), and their names missing from the namespaces,
    ``dir()`` or a star import once they load lazily."""
    lazy = ["jaxlike.lax.gather_scatter", "jaxlike.lax.extras", "jaxlike.scipy._incomplete",
            "jaxlike.scipy._more_special", "jaxlike.numpy._set_ops", "jaxlike.numpy._polys_histograms"]
    code = ("import sys, jaxlike\n"
            f"print(sorted(m for m in {lazy!r} if m in sys.modules))\n"
            "import jaxlike.numpy as jnp, jaxlike.lax as lax, jaxlike.scipy.special as sp\n"
            "print(jnp.union1d([2, 1], [3]).tolist(), callable(lax.gather), callable(sp.gammainc), "
            "'polyfit' in dir(jnp))\n"
            "from jaxlike.numpy import *\n"
            "print(histogram2d.__module__)")
    env = dict(os.environ)
    env.pop("JAXLIKE_FLAGS", None)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.split("\n")[:3] == ["[]", "[1, 2, 3] True True True", "jaxlike.numpy._polys_histograms"], \
        out.stdout


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PKG.parent)))
def test_file_budget_and_docstring(path):
    """Catches: grab-bag files (split them by family) and modules that do not say what lives in them."""
    text = path.read_text()
    n = text.count("\n")
    assert n <= MAX_FILE_LINES, f"{path.name} has {n} lines; the budget is {MAX_FILE_LINES}: split it"
    if text.strip():
        assert ast.get_docstring(ast.parse(text)), \
            f"{path.name} needs a module docstring saying what lives there"


@pytest.mark.parametrize("package,budget", sorted(PACKAGE_BUDGETS.items()))
def test_package_budgets(package, budget):
    total = sum(p.read_text().count("\n") for p in (PKG / package).rglob("*.py"))
    assert total <= budget, f"jaxlike/{package} has {total} lines; the budget is {budget}"
