"""Nothing in the package or the notebooks is about the shipped project: no CLUSTERIX wording, no partner,
instrument, indicator or phase id of it. Pages say what the project's own data says (issue: "Any Interreg project").

Docstrings are left out: their examples run as doctests on the shipped project and name its ids. Comments in
notebooks are not: a reader sees them.
"""
from __future__ import annotations

import ast
import csv
import json
import re

from clusterix_analytics.config import DEFAULT_PROJECT_DIR, NOTEBOOKS_DIR, PACKAGE_DIR
from clusterix_analytics.data.fields import FIELDS
from clusterix_analytics.data.project import load_project
from clusterix_analytics.data.tables import TABLES

# The one place allowed to name the shipped project: the default folder (config.DEFAULT_PROJECT_DIR).
ALLOWED = {("config.py", "clusterix2")}
# A new project's first phase, written by `init`, is that project's own.
ALLOWED_PHASES_IN = {"data/scaffold.py"}


def shipped_ids() -> set[str]:
    ids = set()
    for table, column in (("partners", "partner_id"), ("policy_instruments", "instrument_id"),
                          ("indicators", "indicator_id")):
        with (DEFAULT_PROJECT_DIR / f"{table}.csv").open(encoding="utf-8") as handle:
            ids |= {row[column] for row in csv.DictReader(handle)}
    return ids - set(FIELDS) - set(TABLES)   # an indicator named like a column or table is that word


PHASES = set(load_project(DEFAULT_PROJECT_DIR).phase_ids)
WORDING = re.compile(r"clusterix ?2|clusterix 2\.0", re.IGNORECASE)


def findings(text: str, ids: set[str]) -> set[str]:
    found = {m.group(0) for m in WORDING.finditer(text)}
    found |= {w for w in re.findall(r"[A-Za-z0-9_]+", text) if w in ids}
    return found


def strings_outside_docstrings(tree: ast.AST):
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body \
                and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant):
            docstrings.add(id(node.body[0].value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


def test_the_scan_finds_what_it_looks_for():
    ids = shipped_ids()
    assert {"ecoplus", "inma", "cross_cluster_projects"} <= ids and "good_practices" not in ids
    assert findings('title = "CLUSTERIX 2.0 partner regions"', ids) == {"CLUSTERIX 2"}
    assert findings('partner = "ecoplus"', ids) == {"ecoplus"}
    assert list(strings_outside_docstrings(ast.parse('"""inma"""\nx = "inma"'))) == [(2, "inma")]


def test_no_shipped_project_wording_or_id_in_the_package():
    ids = shipped_ids()
    found = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        where = path.relative_to(PACKAGE_DIR).as_posix()
        forbidden = ids | (set() if where in ALLOWED_PHASES_IN else PHASES)
        for line, text in strings_outside_docstrings(ast.parse(path.read_text(encoding="utf-8"))):
            found += [f"{where}:{line}: {word!r}" for word in sorted(findings(text, forbidden))
                      if (where, word) not in ALLOWED]
    assert found == []


def test_no_shipped_project_wording_or_id_in_the_notebooks():
    forbidden = shipped_ids() | PHASES
    found = []
    for path in sorted(NOTEBOOKS_DIR.glob("*.ipynb")):
        for i, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
            found += [f"{path.name} cell {i}: {word!r}" for word in sorted(findings("".join(cell["source"]),
                                                                                     forbidden))]
    assert found == []
