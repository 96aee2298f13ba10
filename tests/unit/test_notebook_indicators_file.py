"""notebooks/02_policy_change_indicators.ipynb under papermill: for "all", for every partner, and refusing
unknown parameter values."""
from __future__ import annotations

import nbformat

from clusterix_analytics.config import NOTEBOOKS_DIR

NAME = "02_policy_change_indicators"


def test_committed_notebook_is_clean_and_parametrised():
    nb = nbformat.read(NOTEBOOKS_DIR / f"{NAME}.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code[0].metadata.get("tags") == ["parameters"]
    for name in ("project_dir", "partner", "indicators", "phase"):
        assert any(line.startswith(f"{name} = ") and "#" in line for line in code[0].source.splitlines())
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    assert nb.metadata.kernelspec.name == "clusterix-analytics"
    # every indicator against its target in one figure of small multiples, drawn by the view (a thin notebook)
    assert "notebook.show(view.cumulative_figure(page))" in [c.source for c in code]
    assert not any("cumulative_figures" in c.source for c in code)
