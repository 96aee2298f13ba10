"""A remembered project is not read again while its files are unchanged, and is read again when one changes."""
from __future__ import annotations

import shutil
from pathlib import Path

import clusterix_analytics as cx
from clusterix_analytics.data import dataset

NORDIC = Path(__file__).resolve().parents[1] / "fixtures" / "nordic_pilot"


def test_a_remembered_project_is_copied_until_a_file_changes(tmp_path, monkeypatch):
    folder = tmp_path / "nordic"
    shutil.copytree(NORDIC, folder)
    monkeypatch.setattr(dataset, "_REMEMBERED", {})
    dataset.remember(folder)
    reads = []
    real = dataset.load_project
    monkeypatch.setattr(dataset, "load_project", lambda *a, **k: reads.append(a) or real(*a, **k))
    first = cx.load(folder)
    first.partners.loc[0, "short_name"] = "changed by a caller"
    again = cx.load(str(folder))                                   # same folder, spelt as a string
    assert reads == [] and again.partners.loc[0, "short_name"] != "changed by a caller"
    assert len(again.partners) == 3
    partners = folder / "partners.csv"
    partners.write_text(partners.read_text(encoding="utf-8").replace("Capital Test", "Copenhagen"), encoding="utf-8")
    changed = cx.load(folder)                                      # a file changed: read and validated again
    assert len(reads) == 1 and "Copenhagen" in set(changed.partners["short_name"])
    assert cx.load(folder, include_demo=False) is not None and len(reads) == 2   # a different load is its own
