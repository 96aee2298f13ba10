"""Loading a project folder into one validated :class:`Dataset`.

>>> import clusterix_analytics as cx
>>> ds = cx.load("data/clusterix2")
>>> ds.partners.loc[ds.partners.role == "lead_partner", "short_name"].tolist()
['ecoplus']
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from clusterix_analytics.config import default_project_dir
from clusterix_analytics.data.nuts import nuts_codes, unknown_code_hint
from clusterix_analytics.data.project import Project, load_project
from clusterix_analytics.data.provenance import synthetic_rows
from clusterix_analytics.data.readers import (
    CHECKED_UNREADABLE,
    FILE,
    ROW,
    TRUE,
    FileReading,
    check_columns,
    coerce_table,
    read_raw_table,
)
from clusterix_analytics.data.tables import (
    LOAD_ORDER,
    REFERENCED_COLUMNS,
    TABLES,
    TableSpec,
    ValidationContext,
    nuts_check_error,
    pandera_schema,
)
from clusterix_analytics.errors import DataProblem, DataValidationError


@dataclass
class Dataset:
    """Every validated table of one project, plus its configuration, the files read and how each was read
    (encoding, delimiter, the convention of its numbers).

    An optional table the project folder does not have (:attr:`TableSpec.optional`: the policy-learning
    tables) is not in ``tables``: :meth:`has` says whether it is.

    >>> import clusterix_analytics as cx
    >>> cx.load().has("events"), cx.load("tests/fixtures/nordic_pilot").has("events")
    (True, False)
    """

    project: Project
    tables: dict[str, pd.DataFrame]
    files: tuple[Path, ...] = field(default_factory=tuple)
    readings: tuple[FileReading, ...] = field(default_factory=tuple)

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        if name in TABLES:
            raise AttributeError(f"the project has no {name} table (an optional table: check Dataset.has)")
        raise AttributeError(name)

    def copy(self) -> Dataset:
        """The same project with copies of its tables (what a caller changes in them stays its own).

        Copies that share the values until one is changed (pandas' copy-on-write): copying a remembered
        250-partner project touches none of its 243,004 observation rows, so a kernel forked from the
        report runner's fork server copies none of the pages that hold them.
        """
        return Dataset(project=self.project, tables={n: t.copy(deep=False) for n, t in self.tables.items()},
                       files=self.files, readings=self.readings)

    def has(self, name: str) -> bool:
        """Whether the project holds the table ``name`` (every required table; an optional one if present)."""
        return name in self.tables

    def synthetic_summary(self, tables: list[str] | None = None) -> pd.DataFrame:
        """Rows and demo (synthetic) rows per table.

        >>> import clusterix_analytics as cx
        >>> ds = cx.load()
        >>> ds.synthetic_summary(["partners"]).to_dict("records")
        [{'table': 'partners', 'rows': 10, 'synthetic_rows': 0, 'synthetic_share': 0.0}]
        """
        rows = []
        for name in tables or [n for n in LOAD_ORDER if n in self.tables]:
            frame = self.tables[name]
            synthetic, _ = synthetic_rows(frame)
            rows.append({"table": name, "rows": len(frame), "synthetic_rows": synthetic,
                         "synthetic_share": synthetic / len(frame) if len(frame) else 0.0})
        return pd.DataFrame(rows)

    def synthetic_share(self, tables: list[str] | None = None) -> float:
        """Share of demo rows over the given tables (all tables by default)."""
        summary = self.synthetic_summary(tables)
        total = summary["rows"].sum()
        return float(summary["synthetic_rows"].sum() / total) if total else 0.0


def table_files(project: Project, name: str, include_demo: bool = True) -> list[Path]:
    """The files making up one table: those listed in project.yaml (by default ``<name>.csv``; for an optional
    table only if that file exists), then the demo file if any (all inside the project folder:
    :func:`~clusterix_analytics.data.project.load_project` refuses any other path)."""
    listed = project.table_files(name)
    if name not in project.tables and TABLES[name].optional and not (project.directory / listed[0]).is_file():
        listed = ()
    files = [project.directory / f for f in listed]
    if include_demo and name in project.demo_tables:
        files.append(project.demo_dir / f"{name}.csv")
    return files


def has_table(project: Project, name: str) -> bool:
    """Whether the project folder has the table: always for a required table; an optional one when
    project.yaml names it (``[]`` included), its default file exists or the demo generator fills it.

    >>> from clusterix_analytics.data.project import load_project
    >>> has_table(load_project("tests/fixtures/nordic_pilot"), "events")
    False
    """
    return (not TABLES[name].optional or name in project.tables or name in project.demo_tables
            or bool(table_files(project, name, include_demo=False)))


def demo_folder(project: Project, tables) -> Path:
    """The folder ``demo`` writes ``tables`` into, once it is sure that writing loses nothing: each file it
    would replace holds demo rows only (``synthetic`` true on every row). project.yaml already keeps the folder
    inside the project, apart from the project folder itself and from every sourced table.

    Raises DataValidationError naming each file it will not overwrite.
    """
    problems = []
    for name in tables:
        path = project.demo_dir / f"{name}.csv"
        if not path.exists() and not path.is_symlink():
            continue
        label = str(path.relative_to(project.directory))
        keep = (f"the demo generator would overwrite it: move it out of the demo folder "
                f"('{project.demo_directory}') or delete it")
        raw, found = read_raw_table(path, label) if path.is_file() else (None, [])
        if raw is None or "synthetic" not in raw.frame:
            what = "is not a table of demo rows" if raw is None else "has no 'synthetic' column"
            problems.append(DataProblem(label, 0, "-", f"{what}: {keep}"))
            continue
        sourced = raw.frame[~raw.frame["synthetic"].map(lambda v: str(v).strip().lower() in TRUE)]
        if len(sourced):
            problems.append(DataProblem(label, int(sourced[ROW].iloc[0]), "synthetic", f"holds {len(sourced)} "
                                        f"row{'s' if len(sourced) != 1 else ''} that are not demo data: {keep}"))
    if problems:
        raise DataValidationError(problems)
    return project.demo_dir


def _where(frame: pd.DataFrame) -> tuple[list, list]:
    """(file, spreadsheet row) of each row of a table read from its files, by position."""
    return frame[FILE].tolist(), frame[ROW].astype(int).tolist()


REQUIRED = "a value is required here"


def _problems_from_pandera(exc: pa.errors.SchemaErrors, frame: pd.DataFrame, key: tuple[str, ...], bad_cells: set,
                           nuts_version: int | None = None) -> list[DataProblem]:
    problems = []
    nuts_error = nuts_check_error(nuts_version) if nuts_version else None
    duplicate = f"duplicate key: another row has the same {', '.join(key)}"
    files, rows = _where(frame)
    cases = exc.failure_cases
    for idx, column, check, value in zip(cases["index"].tolist(), cases["column"].tolist(),
                                         cases["check"].astype(str).tolist(), cases["failure_case"].tolist()):
        if idx is None or pd.isna(idx) or column is None:
            continue
        idx = int(idx)
        if (idx, column) in bad_cells:
            continue  # already reported as unreadable
        if check == "not_nullable":
            message = REQUIRED
        elif check.endswith("uniqueness"):
            message = duplicate   # one string for every row (a pasted block of 300,000 repeats one row)
        else:
            shown = value.date() if isinstance(value, pd.Timestamp) else value
            message = f"'{shown}' {check}" if check.startswith("is ") else f"'{shown}': {check}"
            if check == nuts_error:
                hint = unknown_code_hint(str(value), nuts_version)
                message += f"; {hint}" if hint else (f" (see the NUTS list clusterix_analytics/data/reference/nuts/"
                                                     f"nuts{nuts_version}.csv)")
        problems.append(DataProblem(files[idx], rows[idx], column, message))
    return problems


def _read_table(spec: TableSpec, files: list[Path], project_dir: Path, demo_dir: Path | None = None):
    """The table's rows from all its files, the problems found reading them, the cells that could not be read,
    whether every file was read with every column (else the table's ids are not known), and how each file
    was read."""
    problems: list[DataProblem] = []
    parts, bad_cells, complete, readings, unreadable_in = [], set(), True, [], []
    for path in files:
        label = str(path.relative_to(project_dir)) if path.is_relative_to(project_dir) else str(path)
        if not path.is_file() and demo_dir is not None and path.parent == demo_dir:
            problems.append(DataProblem(label, 0, "-", "file not found: demo files are generated; run "
                                        f"`clusterix-analytics demo {project_dir}` first"))
            complete = False
            continue
        raw, found = read_raw_table(path, label, sheet=spec.name)
        problems += found
        if raw is not None and raw.reading.format == "xlsx" and raw.reading.sheet == spec.name:
            label = f"{label}[{spec.name}]"   # a workbook of several tables: problems name the table's sheet
        if raw is None:
            complete = False
            continue
        missing = check_columns(raw.frame, spec, label, raw.header_row)
        problems += missing
        if missing:
            complete = False
            continue
        typed, found, bad, reading = coerce_table(raw, spec, label)
        problems += found
        readings.append(reading)
        typed[FILE] = label
        offset = sum(len(p) for p in parts)
        bad_cells |= {(i + offset, c) for i, c in bad}
        unreadable_in += [label] if bad else []
        parts.append(typed)
    if len(bad_cells) > CHECKED_UNREADABLE:   # mostly unreadable: its ids are not known either
        complete = False
        problems.append(DataProblem(unreadable_in[0], 0, "-", f"more than {CHECKED_UNREADABLE:,} cells of "
                                    f"{spec.name} cannot be read: its other checks (values, references, keys) wait "
                                    "until they are fixed"))
    if not parts:
        frame = pd.DataFrame({c: pd.Series(dtype=object) for c in spec.column_names + (ROW, FILE)})
    else:
        frame = pd.concat(parts, ignore_index=True)
    return frame, problems, bad_cells, complete, readings


def _validate(spec: TableSpec, frame: pd.DataFrame, bad_cells: set, ctx: ValidationContext) -> list[DataProblem]:
    problems = []
    try:
        pandera_schema(spec, ctx).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        problems += _problems_from_pandera(exc, frame, spec.key, bad_cells, ctx.nuts_version)
    files, rows = _where(frame)
    for rule in spec.row_rules:
        failing = rule.failing(frame).fillna(False).astype(bool).to_numpy()
        problems += [DataProblem(files[i], rows[i], rule.column, rule.message) for i in failing.nonzero()[0]]
    return problems


def _finalise(spec: TableSpec, frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.drop(columns=[ROW, FILE]).reset_index(drop=True)
    for col in spec.columns:
        if col.kind == "bool":
            frame[col.name] = frame[col.name].astype(bool)
        elif col.kind == "str":
            frame[col.name] = frame[col.name].astype("string")
    return frame


# Projects loaded once and kept by remember(): (folder, include_demo) → (its files then, the dataset).
_REMEMBERED: dict[tuple[Path, bool], tuple[tuple, Dataset]] = {}


def folder_state(folder: Path) -> tuple:
    """Every file under ``folder`` with its size and modification time: what a remembered load stands for."""
    return tuple(sorted((str(p.relative_to(folder)), p.stat().st_size, p.stat().st_mtime_ns)
                        for p in folder.rglob("*") if p.is_file()))


def remember(project_dir: str | Path, include_demo: bool = True) -> None:
    """Load and validate a project folder now and keep it in this process: a later :func:`load` of the same
    folder whose files are unchanged (names, sizes, modification times) returns a copy of it without reading
    or validating anything again — in this process, and in every kernel forked from it (the report runner's
    kernel fork server remembers the snapshot's pinned project once for all its runs, so a run of a
    250-partner project does not re-read 250 partners' rows).

    >>> import clusterix_analytics as cx
    >>> remember("tests/fixtures/nordic_pilot"); ds = cx.load("tests/fixtures/nordic_pilot")
    >>> ds is cx.load("tests/fixtures/nordic_pilot"), len(ds.partners)   # a copy each time
    (False, 3)
    """
    folder = Path(project_dir).resolve()
    _REMEMBERED[(folder, include_demo)] = (folder_state(folder), load(folder, include_demo))


def load(project_dir: str | Path | None = None, include_demo: bool = True) -> Dataset:
    """Read and validate every table of a project folder (None: :func:`~clusterix_analytics.config.
    default_project_dir`, $CLUSTERIX_PROJECT or the shipped example).

    Raises :class:`DataValidationError` listing every problem (``file:row:column: message``).
    ``include_demo=False`` leaves out the generated demo files (the demo generator reads the data that way).
    A folder :func:`remember`-ed in this process and unchanged since is not read again.
    """
    if _REMEMBERED and project_dir is not None:
        folder = Path(project_dir).resolve()
        kept = _REMEMBERED.get((folder, include_demo))
        if kept is not None and folder.is_dir() and kept[0] == folder_state(folder):
            return kept[1].copy()
    project = load_project(project_dir if project_dir is not None else default_project_dir())
    project_dir = project.directory
    ctx = ValidationContext(
        vocabularies=project.vocabularies,
        references={"project.phase_id": list(project.phase_ids)},
        nuts_codes=set(nuts_codes(project.nuts_version)),
        nuts_version=project.nuts_version,
        timeline=(pd.Timestamp(project.timeline_start), pd.Timestamp(project.timeline_end)),
    )
    problems: list[DataProblem] = []
    tables: dict[str, pd.DataFrame] = {}
    files: list[Path] = [project_dir / "project.yaml"]
    readings: list[FileReading] = []
    for name in LOAD_ORDER:
        if not has_table(project, name):
            continue  # an optional table the project does not have: references to it find no ids
        spec = TABLES[name]
        paths = table_files(project, name, include_demo)
        files += [p for p in paths if p.is_file()]
        frame, found, bad_cells, complete, read = _read_table(spec, paths, project_dir, project.demo_dir)
        problems += found
        readings += read
        for target in REFERENCED_COLUMNS:
            table, column = target.split(".")
            if table == name:
                # A table that could not be read whole has unknown ids: the references to it are not checked,
                # so one missing file or column is one problem, not one per referring row. Known before the
                # table's own checks: a table may refer to itself (a change that is part of another).
                ctx.references[target] = sorted(frame[column].dropna().unique()) if complete else None
        if set(spec.column_names) <= set(frame.columns) and len(bad_cells) <= CHECKED_UNREADABLE:
            problems += _validate(spec, frame, bad_cells, ctx)
        tables[name] = frame
    if problems:
        raise DataValidationError(problems)
    return Dataset(project=project, tables={n: _finalise(TABLES[n], t) for n, t in tables.items()},
                   files=tuple(files), readings=tuple(readings))
