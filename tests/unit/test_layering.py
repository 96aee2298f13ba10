"""The package's layers, read from its imports: a lower layer never imports a higher one.

load → validate (data) → analyse (analytics) → figure (figures) → view (views) → notebook → report.
Each top-level folder (or module) of clusterix_analytics is a layer; ALLOWED says which other layers it
may import. Imports inside functions count too: a lazy import is still a dependency.
"""
from __future__ import annotations

import ast
from pathlib import Path

from clusterix_analytics.config import PACKAGE_DIR

BASE = {"config", "errors", "style", "text"}
ALLOWED: dict[str, set[str]] = {
    "config": set(),
    "errors": set(),
    "style": set(),
    "text": set(),
    "data": BASE,
    "geo": BASE,
    "analytics": BASE | {"data"},
    # figures take tables and geometry: the data layer's value types and vocabularies, never a Dataset or a reader
    # (and the names of partners and countries: the one home of those names for tables, charts and dropdowns)
    "figures": BASE | {"analytics", "geo", "data.project", "data.fields", "data.tables", "data.provenance",
                       "data.names"},
    "views": BASE | {"data", "analytics", "geo", "figures"},
    "lab": BASE | {"data"},
    # the runner knows nothing about clusters: plan, data checks and pages, no analytics or figures
    "reports": BASE | {"data"},
    "cli": BASE | {"__init__", "data", "geo", "reports"},
    "__init__": BASE | {"data"},
    "__main__": {"cli"},
}


# Single modules allowed more than their layer, each with its reason.
MODULE_ALLOWED: dict[str, set[str]] = {
    # the demo generator reads the sourced data as every page does and must count it by the same rules
    # (nested amounts once): it uses the analytics that pages use, never figures or views
    "clusterix_analytics.data.demo": {"analytics"},
}


def layer_of(module: str) -> str:
    """'clusterix_analytics.figures.maps' -> 'figures'; the package itself -> '__init__'."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imported_modules(path: Path, module: str) -> set[str]:
    """Every clusterix_analytics module ``path`` imports, relative imports resolved, lazy ones included."""
    is_package = path.name == "__init__.py"
    package = module if is_package else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            # `from clusterix_analytics import figures` imports the figures layer
            found |= {f"{target}.{a.name}" for a in node.names if target == "clusterix_analytics"}
    return {m for m in found if m == "clusterix_analytics" or m.startswith("clusterix_analytics.")}


def allows(layer: str, target: str, module: str = "") -> bool:
    """May ``module`` (of ``layer``) import ``target``? Its own layer always; others as ALLOWED names them."""
    target_layer = layer_of(target)
    if target_layer == layer:
        return True
    allowed = ALLOWED[layer] | MODULE_ALLOWED.get(module, set())
    return target_layer in allowed or ".".join(target.split(".")[1:3]) in allowed


def violations(root: Path = PACKAGE_DIR) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root.parent).with_suffix("")
        parts = list(relative.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        module = ".".join(parts)
        layer = layer_of(module) if module != "clusterix_analytics" else "__init__"
        for target in sorted(imported_modules(path, module)):
            if not allows(layer, target, module):
                found.append(f"{path.relative_to(root.parent)}: {layer} imports {target}")
    return found


def test_every_layer_is_declared():
    layers = {p.stem if p.is_file() else p.name for p in PACKAGE_DIR.iterdir()
              if (p.suffix == ".py") or (p.is_dir() and (p / "__init__.py").is_file())}
    assert layers == set(ALLOWED), "declare each new layer in ALLOWED"


def test_no_layer_imports_a_higher_one():
    assert violations() == []


def test_the_check_catches_an_upward_import(tmp_path):
    # a fake package with an analytics module that plots: the check must name it
    fake = tmp_path / "clusterix_analytics"
    (fake / "analytics").mkdir(parents=True)
    (fake / "analytics" / "__init__.py").write_text("")
    (fake / "analytics" / "bad.py").write_text("def f():\n    from ..figures import maps\n")
    (fake / "figures").mkdir()
    (fake / "figures" / "__init__.py").write_text("from clusterix_analytics.data.dataset import Dataset\n")
    assert violations(fake) == [
        "clusterix_analytics/analytics/bad.py: analytics imports clusterix_analytics.figures",
        "clusterix_analytics/figures/__init__.py: figures imports clusterix_analytics.data.dataset",
    ]
