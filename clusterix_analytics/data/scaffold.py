"""Starting a new project folder: ``init`` writes a commented project.yaml and one empty CSV per table;
``template`` writes one XLSX workbook with a sheet per table (header row, a note on every column, drop-down
lists for vocabularies and for ids of other sheets) that ``validate`` and ``load`` read directly.

Both refuse to overwrite anything: an existing project.yaml, table or workbook is a problem, not a loss.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "my_project"
>>> [p.name for p in init_project(folder, name="My project", start="2023-03-01", end="2027-02-28")][:3]
['project.yaml', 'partners.csv', 'policy_instruments.csv']
>>> (folder / "partners.csv").read_text().split(",")[:3]
['partner_id', 'organisation', 'short_name']
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from clusterix_analytics.data.project import PROJECT_FILE
from clusterix_analytics.data.tables import LOAD_ORDER, TABLES, Column
from clusterix_analytics.errors import DataProblem, DataValidationError

MAX_TEMPLATE_ROWS = 1000   # rows a drop-down list of ids reaches down to
README_SHEET = "README"


def project_id_of(folder: Path) -> str:
    """The folder's name as a project id (a lower-case slug).

    >>> project_id_of(Path("data/Nordic Pilot"))
    'nordic_pilot'
    """
    slug = re.sub(r"[^a-z0-9_-]+", "_", folder.name.lower()).strip("_-")
    return slug or "project"


def _refuse_existing(paths: list[Path]) -> None:
    existing = [p for p in paths if p.exists()]
    if existing:
        raise DataValidationError([DataProblem(str(p), 0, "-", "already exists: nothing was written (move it away "
                                               "or choose another folder)") for p in existing])


def project_yaml_text(project_id: str, tables: dict[str, str], name: str = "", start: str = "", end: str = "",
                      nuts_version: int = 2021, programme: str = "") -> str:
    """A commented project.yaml for a new project: the keys a project needs, the tables it reads.

    >>> print(project_yaml_text("p", {"partners": "partners.csv"}, name="P", start="2023-01-01",
    ...                         end="2025-12-31").splitlines()[3])
    name: "P"
    """
    table_lines = "\n".join(f"  {table}: {file}" for table, file in tables.items())
    phases = "phases: []" if not (start and end) else (
        f"phases:\n  - id: P1\n    name: \"Whole project\"\n    start: {start}\n    end: {end}\n    dates: assumed")
    return f"""\
# {name or project_id} – what the workbook knows about the project as a whole (see data/README.md).
# Fill in every empty value; `clusterix-analytics validate <this folder>` lists what is still missing.
id: {project_id}
name: "{name}"
programme: "{programme}"            # e.g. Interreg Europe 2021-2027
# NUTS classification the tables' region codes use: 2016 for 2014-2020 projects, 2021 for 2021-2027.
nuts_version: {nuts_version}
start: {start}           # YYYY-MM-DD
end: {end}             # YYYY-MM-DD
# 'sourced' when a public source states the dates (then give its URL), else 'assumed'.
dates: assumed
source: ""
reporting_period_months: 6

# The project's phases, in order, without overlap (ids such as P1, P2).
{phases}

# Each table is one or more files in this folder (CSV or XLSX; a workbook's sheet named after the table).
tables:
{table_lines}

# Kinds of partner, instrument or event the shipped vocabularies lack (data/README.md, "Vocabularies"):
# vocabularies:
#   partner_type:
#     regional_council: Regional council

# Values the public record lacks can come from the seeded demo generator (`clusterix-analytics demo`),
# written to demo/<table>.csv and flagged synthetic. Uncomment to use it.
# demo:
#   seed: 1
#   directory: demo
#   tables: [observations]
"""


def _dates(start: str, end: str) -> None:
    for key, value in (("start", start), ("end", end)):
        if value:
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                raise DataValidationError([DataProblem("-", 0, key, f"'{value}' is not a date (YYYY-MM-DD)")]) \
                    from None


def init_project(folder: str | Path, name: str = "", start: str = "", end: str = "",
                 nuts_version: int = 2021, programme: str = "") -> list[Path]:
    """Create ``folder`` with a commented project.yaml and an empty CSV (header row only) for every table.

    Returns the files written. Nothing is overwritten: an existing file is a DataValidationError.
    """
    folder = Path(folder)
    _dates(start, end)
    tables = {table: f"{table}.csv" for table in LOAD_ORDER}
    paths = [folder / PROJECT_FILE] + [folder / file for file in tables.values()]
    _refuse_existing(paths)
    folder.mkdir(parents=True, exist_ok=True)
    paths[0].write_text(project_yaml_text(project_id_of(folder), tables, name, start, end, nuts_version,
                                          programme), encoding="utf-8")
    for table, path in zip(tables, paths[1:]):
        path.write_text(",".join(TABLES[table].column_names) + "\n", encoding="utf-8")
    return paths


def column_note(col: Column) -> str:
    """What a column holds, as the template's header note says it.

    >>> print(column_note(TABLES["partners"].column("partner_type")))
    kind of organisation
    required; one of: regional_authority, national_authority, municipality, development_agency, \
business_agency, innovation_agency, national_agency, research_institute, university, chamber, \
cluster_organisation, ngo
    """
    kinds = {"str": "text", "int": "whole number", "float": "number", "date": "date YYYY-MM-DD",
             "bool": "true or false"}
    rules = ["required" if col.required else "optional"]
    if col.allowed:
        rules.append("one of: " + ", ".join(col.allowed))
    elif col.references:
        rules.append(f"an id from {col.references.replace('.', ' › ')}")
    elif col.nuts:
        rules.append("a NUTS code of the project's NUTS version")
    else:
        rules.append(kinds.get(col.kind, col.kind))
    if col.min_value is not None:
        rules.append(f"at least {col.min_value:g}")
    return f"{col.description}\n{'; '.join(rules)}".strip()


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def write_template(folder: str | Path, name: str = "", start: str = "", end: str = "",
                   nuts_version: int = 2021, programme: str = "") -> list[Path]:
    """Write ``folder/<id>.xlsx``: a README sheet and one sheet per table, and a project.yaml reading it
    (when the folder has none yet). Returns the files written.

    Each header cell carries a note (meaning, required, allowed values); columns with a vocabulary, booleans
    and ids of another sheet get a drop-down list.
    """
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    folder = Path(folder)
    _dates(start, end)
    project_id = project_id_of(folder)
    workbook_path = folder / f"{project_id}.xlsx"
    project_path = folder / PROJECT_FILE
    write_project = not project_path.exists()
    _refuse_existing([workbook_path])

    wb = Workbook()
    readme = wb.active
    readme.title = README_SHEET
    readme.append([f"Data workbook of project '{project_id}' for clusterix-analytics"])
    readme.append(["One sheet per table; row 1 is the header (keep it), one record per row from row 2."])
    readme.append(["Hover over a header for what the column holds. Empty cell = unknown: never guess a value."])
    readme.append(["Every row that is not demo data needs the URL of its public source in 'source'."])
    readme.append(["Check with: clusterix-analytics validate <project folder>"])
    readme["A1"].font = Font(bold=True)
    sheets = {}
    for table in LOAD_ORDER:
        spec = TABLES[table]
        ws = wb.create_sheet(table)
        sheets[table] = ws
        ws.append(list(spec.column_names))
        ws.freeze_panes = "A2"
        for i, col in enumerate(spec.columns):
            cell = ws.cell(row=1, column=i + 1)
            cell.font = Font(bold=True)
            cell.comment = Comment(column_note(col), "clusterix-analytics")
            ws.column_dimensions[_column_letter(i)].width = max(12, len(col.name) + 2)
    for table in LOAD_ORDER:
        spec, ws = TABLES[table], sheets[table]
        for i, col in enumerate(spec.columns):
            formula = _drop_down(col)
            if formula is None:
                continue
            validation = DataValidation(type="list", formula1=formula, allow_blank=not col.required)
            validation.error = f"{col.name}: {column_note(col).splitlines()[-1]}"
            validation.showErrorMessage = True
            ws.add_data_validation(validation)
            letter = _column_letter(i)
            validation.add(f"{letter}2:{letter}{MAX_TEMPLATE_ROWS + 1}")
    folder.mkdir(parents=True, exist_ok=True)
    wb.save(workbook_path)
    written = [workbook_path]
    if write_project:
        tables = {table: workbook_path.name for table in LOAD_ORDER}
        project_path.write_text(project_yaml_text(project_id, tables, name, start, end, nuts_version, programme),
                                encoding="utf-8")
        written.append(project_path)
    return written


def _drop_down(col: Column) -> str | None:
    """The list formula of a column's drop-down: its vocabulary, true/false, or the ids of another sheet."""
    if col.allowed:
        values = ",".join(col.allowed + col.also_allowed)
        return f'"{values}"' if len(values) <= 255 else None   # Excel's limit for a literal list
    if col.kind == "bool":
        return '"true,false"'
    if col.references and not col.references.startswith("project."):
        table, column = col.references.split(".")
        index = TABLES[table].column_names.index(column)
        letter = _column_letter(index)
        return f"{table}!${letter}$2:${letter}${MAX_TEMPLATE_ROWS + 1}"
    return None
