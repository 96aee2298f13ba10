"""The snapshot's data as one spreadsheet: ``data/<snapshot>.xlsx``, a sheet per project table as the snapshot's
runs read it (validated, demo rows included and flagged), a ``sources`` sheet (each source URL with the rows
citing it) and a ``README`` sheet first (the project, the snapshot, and per table its rows, demo rows, demo share
and provenance).

Cells hold values, never formulas: a text starting with ``=`` is written as text (a spreadsheet must not run what
a data file says). Dates are Excel dates; unknown values are empty cells.

>>> import clusterix_analytics as cx
>>> readme_rows(cx.load("tests/fixtures/nordic_pilot"), "s")[7]
['partners', 3, 3, 0, '0%', 'sourced']
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from clusterix_analytics.data.dataset import Dataset
from clusterix_analytics.data.provenance import provenance, synthetic_rows
from clusterix_analytics.data.tables import LOAD_ORDER, TABLES

DATA_DIR = "data"
README_SHEET, SOURCES_SHEET = "README", "sources"
TABLE_HEADER = ["Table (sheet)", "Rows", "Sourced rows", "Demo rows", "Demo share", "Provenance"]
SOURCES_HEADER = ["Source", "Rows citing it", "Tables (rows)", "The rows (table: key)"]
MAX_WIDTH = 60   # characters: a column of long texts stays readable


def _tables(dataset: Dataset) -> list[str]:
    return [name for name in LOAD_ORDER if dataset.has(name)]


def _share(synthetic: int, total: int) -> str:
    return f"{synthetic / total:.0%}" if total else "0%"


def readme_rows(dataset: Dataset, snapshot: str) -> list[list]:
    """The README sheet, row by row: what the file is, then one row per table (:data:`TABLE_HEADER`).

    >>> import clusterix_analytics as cx
    >>> rows = readme_rows(cx.load("tests/fixtures/learning_pilot"), "2026-01-01")
    >>> rows[0], rows[3]
    (['Learning Pilot – test project – data of snapshot 2026-01-01'], ['Snapshot', '2026-01-01'])
    """
    project = dataset.project
    frames = [dataset.tables[name] for name in _tables(dataset)]
    synthetic, total = synthetic_rows(*frames)
    demo = (f"{synthetic:,} of {total:,} rows ({_share(synthetic, total)}) are synthetic demo values from the seeded "
            f"generator (clusterix-analytics demo, seed {project.demo_seed}), flagged synthetic = TRUE: not real "
            "figures." if synthetic else f"All {total:,} rows are sourced facts.")
    rows: list[list] = [
        [f"{project.name} – data of snapshot {snapshot}"],
        [],
        ["Project", f"{project.name} ({project.id})"],
        ["Snapshot", snapshot],
        ["Demo share", demo],
        ["Provenance", "Every row that is not demo data carries the URL of its public source (column source); "
                       f"the {SOURCES_SHEET} sheet lists each URL with the rows citing it. One sheet per table, as "
                       "the snapshot's pages read it."],
        TABLE_HEADER,
    ]
    for name, frame in zip(_tables(dataset), frames):
        demo_rows, n = synthetic_rows(frame)
        rows.append([name, n, n - demo_rows, demo_rows, _share(demo_rows, n), provenance(frame)])
    return rows


def _row_key(frame: pd.DataFrame, table: str) -> pd.Series:
    """Each row's key as text: its known key values joined with "/", dates as dates.

    >>> _row_key(pd.DataFrame({"cluster_id": ["a", "b"], "phase_id": ["P1", None]}), "clusters").tolist()
    ['a/P1', 'b']
    """
    parts = []
    for column in TABLES[table].key:
        values = frame[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            values = values.dt.strftime("%Y-%m-%d")
        parts.append(values.astype(object).where(values.notna(), None))
    return pd.Series(["/".join(str(v) for v in row if v is not None and v != "") for row in zip(*parts)],
                     index=frame.index, dtype=object)


def sources(dataset: Dataset) -> pd.DataFrame:
    """Each distinct source URL of the project's tables with the rows citing it, most cited first (then by URL).

    Columns: source, rows, tables ("events (2); partners (1)", tables in load order), keys (the rows citing it,
    "events: e1; partners: cph, vie", each by its key).

    >>> import clusterix_analytics as cx
    >>> sources(cx.load("tests/fixtures/learning_pilot")).iloc[0].tolist()  # doctest: +ELLIPSIS
    ['https://example.org/learning-pilot/...', ...]
    """
    parts = []
    for name in _tables(dataset):
        frame = dataset.tables[name]
        if "source" in frame:
            cited = frame["source"].astype(object).where(frame["source"].notna(), "").astype(str).str.strip()
            keep = cited != ""
            parts.append(pd.DataFrame({"source": cited[keep], "table": name,
                                       "key": _row_key(frame, name)[keep]}))
    if not parts:
        return pd.DataFrame(columns=["source", "rows", "tables", "keys"])
    cited = pd.concat(parts, ignore_index=True)
    order = {name: i for i, name in enumerate(LOAD_ORDER)}
    rows = []
    for url, group in cited.groupby("source", sort=False):
        per_table = group["table"].value_counts()
        named = sorted(per_table.items(), key=lambda item: order[item[0]])
        keys = "; ".join(f"{table}: " + ", ".join(group.loc[group["table"] == table, "key"]) for table, _ in named)
        rows.append({"source": url, "rows": int(len(group)),
                     "tables": "; ".join(f"{table} ({n})" for table, n in named), "keys": keys})
    return pd.DataFrame(rows).sort_values(["rows", "source"], ascending=[False, True]).reset_index(drop=True)


def _cell(value):
    """A value as a spreadsheet cell: empty for unknown, text never a formula, no control characters."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and pd.isna(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str):   # numpy scalars
        return value.item()
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _append(sheet, rows, header_row: int | None = None) -> None:
    for row in rows:
        sheet.append([_cell(v) for v in row])
    for cell in sheet[1] if header_row is None else sheet[header_row]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"   # shown as written, never evaluated
    widths: dict[int, int] = {}
    for row in sheet.iter_rows(min_row=header_row or 1):
        for cell in row:
            if cell.value is not None:
                widths[cell.column] = max(widths.get(cell.column, 0), len(str(cell.value)))
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(MAX_WIDTH, width + 2)


def write_workbook(dataset: Dataset, path: Path, snapshot: str) -> Path:
    """Write the spreadsheet to ``path`` (its folder made if needed): README, sources, then a sheet per table
    (its columns as named in the table's file, a frozen header row)."""
    book = Workbook()
    readme = book.active
    readme.title = README_SHEET
    rows = readme_rows(dataset, snapshot)
    _append(readme, rows, header_row=rows.index(TABLE_HEADER) + 1)
    readme["A1"].font = Font(bold=True, size=14)
    cited = sources(dataset)
    sheet = book.create_sheet(SOURCES_SHEET)
    _append(sheet, [SOURCES_HEADER] + cited.values.tolist())
    sheet.freeze_panes = "A2"
    for name in _tables(dataset):
        frame = dataset.tables[name]
        sheet = book.create_sheet(name[:31])   # Excel's limit on a sheet name
        _append(sheet, [list(frame.columns)] + frame.astype(object).values.tolist())
        sheet.freeze_panes = "A2"
        for column, dtype in enumerate(frame.dtypes, start=1):
            if pd.api.types.is_datetime64_any_dtype(dtype):
                for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
                    cell.number_format = "yyyy-mm-dd"
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def write_snapshot_workbook(folder: Path, snapshot: str, dataset: Dataset) -> str:
    """Write ``data/<snapshot>.xlsx`` into a snapshot's folder (replacing any other spreadsheet there: a snapshot
    renamed at publication keeps one); returns its path relative to the folder, as the manifest and index link it.
    """
    data = Path(folder) / DATA_DIR
    for old in data.glob("*.xlsx"):
        old.unlink()
    write_workbook(dataset, data / f"{snapshot}.xlsx", snapshot)
    return f"{DATA_DIR}/{snapshot}.xlsx"
