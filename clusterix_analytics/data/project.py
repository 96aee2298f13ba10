"""A project's configuration (``project.yaml``): dates, phases, reporting periods, table files.

Nothing project-specific lives in code: another Interreg project is another folder with its own
``project.yaml``.

>>> from clusterix_analytics.data.project import load_project
>>> from clusterix_analytics.config import DEFAULT_PROJECT_DIR
>>> project = load_project(DEFAULT_PROJECT_DIR)
>>> project.phase_of("2018-05-23")
'P1'
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from clusterix_analytics.errors import DataProblem, DataValidationError

PROJECT_FILE = "project.yaml"
DATE_STATUSES = ("sourced", "assumed")


@dataclass(frozen=True)
class Phase:
    """One phase of a project, with whether its dates come from a source or are assumed."""

    id: str
    name: str
    start: dt.date
    end: dt.date
    dates: str
    source: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Project:
    """The parsed ``project.yaml`` of one project folder."""

    directory: Path
    id: str
    name: str
    programme: str
    nuts_version: int
    start: dt.date
    end: dt.date
    dates: str
    source: str | None
    reporting_period_months: int
    phases: tuple[Phase, ...]
    tables: dict[str, tuple[str, ...]]
    demo_tables: tuple[str, ...] = ()
    demo_seed: int = 0
    demo_directory: str = "demo"
    demo_options: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)

    @property
    def timeline_start(self) -> dt.date:
        """First day any data may refer to: the earlier of project start and first phase start."""
        return min([self.start] + [p.start for p in self.phases])

    @property
    def timeline_end(self) -> dt.date:
        """Last day any data may refer to: the later of project end and last phase end."""
        return max([self.end] + [p.end for p in self.phases])

    @property
    def phase_ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.phases)

    @property
    def phase_names(self) -> dict[str, str]:
        """Phase id → name, in the order of project.yaml."""
        return {p.id: p.name for p in self.phases}

    def phase(self, phase_id: str) -> Phase:
        for p in self.phases:
            if p.id == phase_id:
                return p
        raise KeyError(f"unknown phase {phase_id!r}; known phases: {', '.join(self.phase_ids)}")

    def phase_of(self, day) -> str | None:
        """The id of the phase containing ``day`` (a date or ISO string), or None outside every phase.

        >>> from clusterix_analytics.config import DEFAULT_PROJECT_DIR
        >>> project = load_project(DEFAULT_PROJECT_DIR)
        >>> project.phase_of("2019-04-01")
        'P2'
        """
        day = pd.Timestamp(day).date()
        for p in self.phases:
            if p.start <= day <= p.end:
                return p.id
        return None

    def reporting_periods(self) -> pd.DataFrame:
        """Reporting periods of ``reporting_period_months`` from the project start to the timeline end.

        Columns: period (1-based), start, end, phase_id (phase containing the period's start).

        >>> from clusterix_analytics.config import DEFAULT_PROJECT_DIR
        >>> project = load_project(DEFAULT_PROJECT_DIR)
        >>> first = project.reporting_periods().iloc[0]
        >>> int(first["period"]), first["start"], first["end"]
        (1, Timestamp('2016-04-01 00:00:00'), Timestamp('2016-09-30 00:00:00'))
        """
        rows = []
        start = pd.Timestamp(self.timeline_start)
        offset = pd.DateOffset(months=self.reporting_period_months)
        n = 1
        while start.date() <= self.timeline_end:
            end = min(start + offset - pd.Timedelta(days=1), pd.Timestamp(self.timeline_end))
            rows.append({"period": n, "start": start, "end": end, "phase_id": self.phase_of(start)})
            start, n = start + offset, n + 1
        return pd.DataFrame(rows)

    def phases_frame(self) -> pd.DataFrame:
        """The phases as a DataFrame (id, name, start, end, dates, source, note)."""
        return pd.DataFrame(
            [
                {"phase_id": p.id, "name": p.name, "start": pd.Timestamp(p.start), "end": pd.Timestamp(p.end),
                 "dates": p.dates, "source": p.source, "note": p.note}
                for p in self.phases
            ]
        )


def _line_of(node: yaml.Node | None, path: tuple) -> int:
    """Line number (1-based) of the YAML node at ``path`` (keys and list indexes), or of its parent."""
    line = 0
    for key in path:
        if node is None:
            break
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            node = None
    if node is not None:
        line = node.start_mark.line + 1
    return line


class _ProjectReader:
    """Reads project.yaml, collecting every problem instead of stopping at the first."""

    def __init__(self, path: Path):
        self.path = path
        self.problems: list[DataProblem] = []
        text = path.read_text(encoding="utf-8-sig")
        try:
            self.node = yaml.compose(text)
            self.raw = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            self.node, self.raw = None, None
            self.problem((), f"not valid YAML: {getattr(exc, 'problem', exc)}", line=(mark.line + 1) if mark else 0)
        if self.raw is not None and not isinstance(self.raw, dict):
            self.problem((), "expected a mapping of keys (id, name, phases, ...)")
            self.raw = None

    def problem(self, path: tuple, message: str, line: int | None = None) -> None:
        where = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in path).replace(".[", "[")
        if line is None:
            line = _line_of(self.node, path)
        self.problems.append(DataProblem(self.path.name, line, where or "-", message))

    def get(self, mapping: dict, path: tuple, key: str, kind: str, required: bool = True, default=None):
        value = mapping.get(key) if isinstance(mapping, dict) else None
        if value is None or value == "":
            if required:
                self.problem(path + (key,) if isinstance(mapping, dict) and key in mapping else path,
                             f"missing required key '{key}'")
            return default
        try:
            if kind == "date":
                return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
            if kind == "int":
                if isinstance(value, bool) or int(value) != value:
                    raise ValueError
                return int(value)
            if kind == "str":
                return str(value).strip()
        except (ValueError, TypeError):
            pass
        expected = {"date": "a date YYYY-MM-DD", "int": "a whole number", "str": "text"}[kind]
        self.problem(path + (key,), f"{value!r} is not {expected}")
        return default


def load_project(project_dir: str | Path) -> Project:
    """Parse and check ``project_dir/project.yaml``; raises DataValidationError listing every problem."""
    project_dir = Path(project_dir)
    path = project_dir / PROJECT_FILE
    if not path.is_file():
        raise DataValidationError([DataProblem(str(path), 0, "-", "project file not found: a project folder "
                                               "needs a project.yaml (see data/README.md)")])
    r = _ProjectReader(path)
    if r.raw is None:
        raise DataValidationError(r.problems)
    raw = r.raw
    values = {
        "id": r.get(raw, (), "id", "str"),
        "name": r.get(raw, (), "name", "str"),
        "programme": r.get(raw, (), "programme", "str"),
        "nuts_version": r.get(raw, (), "nuts_version", "int"),
        "start": r.get(raw, (), "start", "date"),
        "end": r.get(raw, (), "end", "date"),
        "dates": r.get(raw, (), "dates", "str"),
        "source": r.get(raw, (), "source", "str", required=False),
        "reporting_period_months": r.get(raw, (), "reporting_period_months", "int"),
    }
    if values["nuts_version"] not in (None, 2016):
        r.problem(("nuts_version",), f"NUTS version {values['nuts_version']} is not supported; this workbook "
                                     "validates NUTS 2016 codes")
    if values["dates"] not in (None, *DATE_STATUSES):
        r.problem(("dates",), f"'{values['dates']}' must be one of: {', '.join(DATE_STATUSES)}")
    if values["dates"] == "sourced" and not values["source"]:
        r.problem(("source",), "dates marked sourced need a source URL")
    rpm = values["reporting_period_months"]
    if rpm is not None and not 1 <= rpm <= 24:
        r.problem(("reporting_period_months",), f"{rpm} must be between 1 and 24")
    if values["start"] and values["end"] and values["start"] > values["end"]:
        r.problem(("end",), f"project end {values['end']} is before its start {values['start']}")

    phases = []
    raw_phases = raw.get("phases")
    if not isinstance(raw_phases, list) or not raw_phases:
        r.problem(("phases",), "expected a list of phases (id, name, start, end, dates)")
        raw_phases = []
    for i, ph in enumerate(raw_phases):
        path_i = ("phases", i)
        if not isinstance(ph, dict):
            r.problem(path_i, "expected a mapping with id, name, start, end, dates")
            continue
        phase = {
            "id": r.get(ph, path_i, "id", "str"),
            "name": r.get(ph, path_i, "name", "str"),
            "start": r.get(ph, path_i, "start", "date"),
            "end": r.get(ph, path_i, "end", "date"),
            "dates": r.get(ph, path_i, "dates", "str"),
            "source": r.get(ph, path_i, "source", "str", required=False),
            "note": r.get(ph, path_i, "note", "str", required=False),
        }
        if phase["dates"] not in (None, *DATE_STATUSES):
            r.problem(path_i + ("dates",), f"'{phase['dates']}' must be one of: {', '.join(DATE_STATUSES)}")
        if phase["dates"] == "sourced" and not phase["source"]:
            r.problem(path_i + ("source",), "dates marked sourced need a source URL")
        if phase["start"] and phase["end"] and phase["start"] > phase["end"]:
            r.problem(path_i + ("end",), f"phase end {phase['end']} is before its start {phase['start']}")
        if None not in (phase["id"], phase["name"], phase["start"], phase["end"], phase["dates"]):
            phases.append(Phase(**phase))
    seen: set[str] = set()
    for i, p in enumerate(phases):
        if p.id in seen:
            r.problem(("phases", i, "id"), f"duplicate phase id '{p.id}'")
        seen.add(p.id)
    for a, b in zip(phases, phases[1:]):
        if b.start <= a.end:
            r.problem(("phases",), f"phases '{a.id}' and '{b.id}' overlap: list phases in order, without overlap")

    tables: dict[str, tuple[str, ...]] = {}
    raw_tables = raw.get("tables") or {}
    if not isinstance(raw_tables, dict):
        r.problem(("tables",), "expected a mapping of table name to a file or list of files")
        raw_tables = {}
    for name, files in raw_tables.items():
        files = [files] if isinstance(files, str) else files
        if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
            r.problem(("tables", name), "expected a file name or a list of file names")
            continue
        tables[str(name)] = tuple(files)

    demo = raw.get("demo") or {}
    demo_tables = tuple(demo.get("tables") or ()) if isinstance(demo, dict) else ()
    demo_seed = r.get(demo, ("demo",), "seed", "int", required=bool(demo_tables), default=0) if demo else 0

    if r.problems:
        raise DataValidationError(r.problems)
    known = {"id", "name", "programme", "nuts_version", "start", "end", "dates", "source",
             "reporting_period_months", "phases", "tables", "demo"}
    return Project(
        directory=project_dir,
        phases=tuple(phases),
        tables=tables,
        demo_tables=demo_tables,
        demo_seed=demo_seed,
        demo_directory=str(demo.get("directory", "demo")) if isinstance(demo, dict) else "demo",
        demo_options=dict(demo) if isinstance(demo, dict) else {},
        extra={k: v for k, v in raw.items() if k not in known},
        **values,
    )
