"""Write a notebook from a list of (kind, source) cells: no outputs, no execution counts, the project's kernel.

Used to (re)create maintained notebooks from code review-friendly Python:
    python tools/make_notebook.py  # see NOTEBOOKS below
"""
from __future__ import annotations

import nbformat

KERNELSPEC = {"name": "clusterix-analytics", "display_name": "Python (clusterix-analytics)", "language": "python"}


def build(cells: list[tuple[str, str]], path: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = KERNELSPEC
    nb.metadata["language_info"] = {"name": "python"}
    for kind, source in cells:
        if kind == "md":
            nb.cells.append(nbformat.v4.new_markdown_cell(source.strip()))
        else:
            cell = nbformat.v4.new_code_cell(source.strip())
            if kind == "parameters":
                cell.metadata["tags"] = ["parameters"]
            nb.cells.append(cell)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"
    nbformat.write(nb, path)
