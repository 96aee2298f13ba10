"""notebooks/01_partner_regions.ipynb under papermill: every documented parameter value, offline HTML."""
from __future__ import annotations

import nbformat

from clusterix_analytics.analytics import regions
from clusterix_analytics.config import NOTEBOOKS_DIR

NOTEBOOK = "01_partner_regions"


def test_committed_notebook_has_no_outputs_and_documents_each_parameter():
    nb = nbformat.read(NOTEBOOKS_DIR / f"{NOTEBOOK}.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    parameters = code[0]
    assert parameters.metadata["tags"] == ["parameters"]
    for name in ("project_dir", "color_by", "highlight_partner", "geometry_source"):
        assert f"\n{name} = " in "\n" + parameters.source
    for value in regions.colour_options():
        assert f'"{value}"' in parameters.source
