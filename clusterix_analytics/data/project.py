"""A project's configuration (``project.yaml``): dates, phases, reporting periods, table files.

Nothing project-specific lives in code: another Interreg project is another folder with its own
``project.yaml``. The file's keys, types and rules are one pydantic model (:class:`ProjectSpec`); its
errors become ``project.yaml:<line>:<key>: message`` problems, every one at once, and a valid file becomes
the :class:`Project` the rest of the package uses. A key the model does not know is refused (with the key
it probably means), and every path in the file stays inside the project folder: no absolute path, no
``..``, no link leading out; the demo folder is a folder of its own, holding no sourced table.

>>> from clusterix_analytics.data.project import load_project
>>> from clusterix_analytics.config import DEFAULT_PROJECT_DIR
>>> project = load_project(DEFAULT_PROJECT_DIR)
>>> project.phase_of("2018-05-23")
'P1'
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Annotated

import pandas as pd
import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from clusterix_analytics.config import NUTS_VERSIONS
from clusterix_analytics.data.fields import ID_PATTERN
from clusterix_analytics.data.safe_yaml import YamlProblem, read_yaml_file
from clusterix_analytics.data.tables import TABLES
from clusterix_analytics.data.vocabularies import OPEN_FIELDS
from clusterix_analytics.errors import DataProblem, DataValidationError, did_you_mean, field_path

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
    vocabularies: dict[str, dict[str, str]] = field(default_factory=dict)   # the project's own values, labelled

    def table_files(self, name: str) -> tuple[str, ...]:
        """The files of one table, relative to the project folder: as listed in ``tables:``, else <name>.csv."""
        return self.tables.get(name, (f"{name}.csv",))

    @property
    def demo_dir(self) -> Path:
        """The folder the demo generator writes to and the demo rows are read from."""
        return self.directory / self.demo_directory

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


def _key_line(node: yaml.Node | None, path: tuple) -> int:
    """Line number (1-based) of the key ``path[-1]`` in the mapping at ``path[:-1]``."""
    *where, key = path
    line = _line_of(node, tuple(where))
    mapping = node
    for part in where:
        if isinstance(mapping, yaml.MappingNode):
            mapping = next((v for k, v in mapping.value if k.value == part), None)
        elif isinstance(mapping, yaml.SequenceNode) and isinstance(part, int) and part < len(mapping.value):
            mapping = mapping.value[part]
    if isinstance(mapping, yaml.MappingNode):
        line = next((k.start_mark.line + 1 for k, _ in mapping.value if k.value == key), line)
    return line


# ---- the model of project.yaml ------------------------------------------------------------------------
# Each value type converts what YAML gives the way a user means it (a quoted date is a date, 6.0 is six)
# and refuses the rest with the message the user sees; an empty value counts as a missing key.
def _required(convert: Callable) -> Callable:
    def validate(value, info: ValidationInfo):
        if value is None or value == "":
            raise PydanticCustomError("blank", "missing required key '{key}'", {"key": info.field_name})
        return convert(value)
    return validate


def _optional(convert: Callable) -> Callable:
    def validate(value):
        return None if value is None or value == "" else convert(value)
    return validate


def _text(value) -> str:
    return str(value).strip()


def _whole_number(value) -> int:
    try:
        if not isinstance(value, bool) and int(value) == value:
            return int(value)
    except (TypeError, ValueError, OverflowError):
        pass
    raise PydanticCustomError("whole_number", "{value} is not a whole number", {"value": repr(value)})


def _day(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise PydanticCustomError("date", "{value} is not a date YYYY-MM-DD", {"value": repr(value)}) from None


def _inside_path(value: str) -> str:
    """A path of project.yaml: relative to the project folder, '/' between folders, never leading out.

    >>> _inside_path("sources/partners.xlsx")
    'sources/partners.xlsx'
    >>> _inside_path("../other/partners.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.PydanticCustomError: '../other/partners.csv' leads out of the project folder ...
    """
    text = value.strip()
    if not text:
        raise PydanticCustomError("path", "expected a file name, found an empty one")
    if any(ord(c) < 32 for c in text):
        raise PydanticCustomError("path", "{path} holds a control character", {"path": repr(text)})
    if "\\" in text:
        raise PydanticCustomError("path", "'{path}': write '/' between folders", {"path": text})
    if text.startswith("/") or re.match(r"[A-Za-z]:", text):
        raise PydanticCustomError("path", "'{path}' is an absolute path: name the project's files relative to its "
                                  "folder (the folder of project.yaml)", {"path": text})
    if ".." in PurePosixPath(text).parts:
        raise PydanticCustomError("path", "'{path}' leads out of the project folder ('..'): a project's files are "
                                  "inside its folder", {"path": text})
    return text


def _file_names(value) -> tuple[str, ...]:
    files = [value] if isinstance(value, str) else value
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        raise PydanticCustomError("file_names", "expected a file name or a list of file names")
    return tuple(_inside_path(f) for f in files)


def _demo_folder(value) -> str:
    folder = _inside_path(_text(value))
    if not _parts(folder):
        raise PydanticCustomError("demo_folder", "the demo folder cannot be the project folder itself: the demo "
                                  "generator writes its tables there and would overwrite the sourced ones")
    return folder


def _parts(path: str) -> tuple[str, ...]:
    """The folders and name of a relative path ('./demo/' → ('demo',))."""
    return PurePosixPath(path).parts


Text = Annotated[str, BeforeValidator(_required(_text))]
OptionalText = Annotated[str | None, BeforeValidator(_optional(_text))]
WholeNumber = Annotated[int, BeforeValidator(_required(_whole_number))]
OptionalWholeNumber = Annotated[int | None, BeforeValidator(_optional(_whole_number))]
Day = Annotated[dt.date, BeforeValidator(_required(_day))]
FileNames = Annotated[tuple[str, ...], BeforeValidator(_file_names)]
DemoFolder = Annotated[str | None, BeforeValidator(_optional(_demo_folder))]


def _date_status(dates: str) -> str:
    if dates not in DATE_STATUSES:
        raise PydanticCustomError("date_status", "'{dates}' must be one of: {allowed}",
                                  {"dates": dates, "allowed": ", ".join(DATE_STATUSES)})
    return dates


def _sourced_dates_have_a_source(source: str | None, info: ValidationInfo) -> str | None:
    if info.data.get("dates") == "sourced" and not source:
        raise PydanticCustomError("source", "dates marked sourced need a source URL")
    return source


def _error_at(loc: tuple, kind: str, message: str, **context) -> InitErrorDetails:
    """A problem at ``loc`` below the field being validated (a phase's id, the demo's seed)."""
    return InitErrorDetails(type=PydanticCustomError(kind, message, context), loc=loc, input=None)


class PhaseSpec(BaseModel):
    """One entry of ``phases`` in project.yaml (becomes a :class:`Phase`)."""

    model_config = ConfigDict(extra="forbid")

    id: Text
    name: Text
    start: Day
    end: Day
    dates: Text
    source: OptionalText = Field(None, validate_default=True)
    note: OptionalText = None

    @model_validator(mode="before")
    @classmethod
    def _a_mapping(cls, value):
        if not isinstance(value, dict):
            raise PydanticCustomError("phase", "expected a mapping with id, name, start, end, dates")
        return value

    @field_validator("end")
    @classmethod
    def _not_before_start(cls, end: dt.date, info: ValidationInfo) -> dt.date:
        start = info.data.get("start")
        if start and start > end:
            raise PydanticCustomError("order", "phase end {end} is before its start {start}",
                                      {"end": str(end), "start": str(start)})
        return end

    _dates_status = field_validator("dates")(_date_status)
    _sourced = field_validator("source")(_sourced_dates_have_a_source)


class DemoSpec(BaseModel):
    """``demo:`` in project.yaml: the seeded generator's settings and options (``Project.demo_options``)."""

    model_config = ConfigDict(extra="forbid")

    seed: OptionalWholeNumber = None
    directory: DemoFolder = "demo"
    tables: Annotated[tuple[str, ...], BeforeValidator(lambda value: value or ())] = ()
    # the generator's options: the indicators whose sourced project-wide totals demo rows add up to
    funds_indicator: OptionalText = None
    link_projects_indicator: OptionalText = None

    @field_validator("tables")
    @classmethod
    def _known_tables(cls, tables: tuple[str, ...]) -> tuple[str, ...]:
        errors = [_error_at((i,), "unknown_table", "unknown table '{name}'{hint}; tables: {known}", name=name,
                            hint=did_you_mean(name, TABLES), known=", ".join(TABLES))
                  for i, name in enumerate(tables) if name not in TABLES]
        if errors:
            raise ValidationError.from_exception_data("tables", errors)
        return tables

    @model_validator(mode="after")
    def _seeded(self) -> DemoSpec:
        if self.tables and self.seed is None:
            if "seed" in self.model_fields_set:   # `seed:` with no value
                raise ValidationError.from_exception_data("demo", [
                    _error_at(("seed",), "blank", "missing required key 'seed'")])
            raise PydanticCustomError("missing_seed", "missing required key 'seed'")
        return self


def _phase_list(value):
    if not isinstance(value, list) or not value:
        raise PydanticCustomError("phases", "expected a list of phases (id, name, start, end, dates)")
    return value


def _table_mapping(value):
    if not value:
        return {}
    if not isinstance(value, dict):
        raise PydanticCustomError("tables", "expected a mapping of table name to a file or list of files")
    return {str(name): files for name, files in value.items()}


def _demo_mapping(value):
    if not value:
        return None
    if not isinstance(value, dict):
        raise PydanticCustomError("demo", "expected a mapping (seed, directory, tables and the generator's options)")
    return value


class ProjectSpec(BaseModel):
    """The model of ``project.yaml``: every key, its type and its rules; any other key is refused.

    >>> spec = ProjectSpec.model_validate({
    ...     "id": "p", "name": "Pilot", "programme": "Test", "nuts_version": 2016, "start": "2020-01-01",
    ...     "end": "2020-12-31", "dates": "assumed", "reporting_period_months": 6.0,
    ...     "phases": [{"id": "a", "name": "A", "start": "2020-01-01", "end": "2020-12-31", "dates": "assumed"}]})
    >>> spec.reporting_period_months, spec.phases[0].end
    (6, datetime.date(2020, 12, 31))
    """

    model_config = ConfigDict(extra="forbid")

    id: Text
    name: Text
    programme: Text
    nuts_version: WholeNumber
    start: Day
    end: Day
    dates: Text
    source: OptionalText = Field(None, validate_default=True)
    reporting_period_months: WholeNumber
    phases: Annotated[list[PhaseSpec], BeforeValidator(_phase_list)] = Field(None, validate_default=True)
    tables: Annotated[dict[str, FileNames], BeforeValidator(_table_mapping)] = Field(default_factory=dict)
    demo: Annotated[DemoSpec | None, BeforeValidator(_demo_mapping)] = None
    vocabularies: dict[str, dict[str, Text]] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _a_mapping(cls, value):
        if not isinstance(value, dict):
            raise PydanticCustomError("project", "expected a mapping of keys (id, name, phases, ...)")
        return value

    @field_validator("vocabularies")
    @classmethod
    def _open_vocabularies_and_slugs(cls, vocabularies: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        errors = [_error_at((name,), "unknown_vocabulary", "'{name}' has no open vocabulary{hint}; a project may "
                            "add values to: {known}", name=name, hint=did_you_mean(name, OPEN_FIELDS),
                            known=", ".join(OPEN_FIELDS))
                  for name in vocabularies if name not in OPEN_FIELDS]
        errors += [_error_at((name, value), "value", "'{value}' is not a value for the tables: use lower-case "
                             "letters, digits, '_' or '-' (the label after the colon is what pages show)",
                             value=value)
                   for name, own in vocabularies.items() for value in own if not re.fullmatch(ID_PATTERN, value)]
        if errors:
            raise ValidationError.from_exception_data("vocabularies", errors)
        return vocabularies

    @field_validator("nuts_version")
    @classmethod
    def _a_shipped_nuts_version(cls, version: int) -> int:
        if version not in NUTS_VERSIONS:
            raise PydanticCustomError(
                "nuts_version", "NUTS version {version} is not supported; valid: {valid} (2016 for Interreg "
                "2014–2020 projects, 2021 for 2021–2027)",
                {"version": version, "valid": ", ".join(map(str, NUTS_VERSIONS))})
        return version

    @field_validator("end")
    @classmethod
    def _not_before_start(cls, end: dt.date, info: ValidationInfo) -> dt.date:
        start = info.data.get("start")
        if start and start > end:
            raise PydanticCustomError("order", "project end {end} is before its start {start}",
                                      {"end": str(end), "start": str(start)})
        return end

    @field_validator("reporting_period_months")
    @classmethod
    def _months_in_range(cls, months: int) -> int:
        if not 1 <= months <= 24:
            raise PydanticCustomError("range", "{months} must be between 1 and 24", {"months": months})
        return months

    @field_validator("phases")
    @classmethod
    def _distinct_and_in_order(cls, phases: list[PhaseSpec]) -> list[PhaseSpec]:
        errors, seen = [], set()
        for i, phase in enumerate(phases):
            if phase.id in seen:
                errors.append(_error_at((i, "id"), "duplicate", "duplicate phase id '{id}'", id=phase.id))
            seen.add(phase.id)
        for a, b in zip(phases, phases[1:]):
            if b.start <= a.end:
                errors.append(_error_at((), "overlap", "phases '{a}' and '{b}' overlap: list phases in order, "
                                        "without overlap", a=a.id, b=b.id))
        if errors:
            raise ValidationError.from_exception_data("phases", errors)
        return phases

    @field_validator("tables")
    @classmethod
    def _known_tables(cls, tables: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        errors = [_error_at((name,), "unknown_table", "unknown table '{name}'{hint}; tables: {known}", name=name,
                            hint=did_you_mean(name, TABLES), known=", ".join(TABLES))
                  for name in tables if name not in TABLES]
        if errors:
            raise ValidationError.from_exception_data("tables", errors)
        return tables

    @model_validator(mode="after")
    def _demo_folder_holds_no_table(self) -> ProjectSpec:
        folder = _parts((self.demo.directory if self.demo else None) or "demo")
        for name in TABLES:
            for file in self.tables.get(name, (f"{name}.csv",)):
                if _parts(file)[:len(folder)] == folder:
                    raise ValidationError.from_exception_data("demo", [_error_at(
                        ("demo", "directory"), "demo_folder", "the demo folder '{folder}' holds '{file}' (tables."
                        "{name}): the demo generator writes into its folder and would overwrite it; give demo a "
                        "folder of its own", folder="/".join(folder), file=file, name=name)])
        return self

    _dates_status = field_validator("dates")(_date_status)
    _sourced = field_validator("source")(_sourced_dates_have_a_source)

    def to_project(self, directory: Path) -> Project:
        """The :class:`Project` of the folder ``directory`` this file describes."""
        demo = self.demo or DemoSpec()
        return Project(
            directory=directory, id=self.id, name=self.name, programme=self.programme,
            nuts_version=self.nuts_version, start=self.start, end=self.end, dates=self.dates, source=self.source,
            reporting_period_months=self.reporting_period_months,
            phases=tuple(Phase(**phase.model_dump()) for phase in self.phases),
            tables=dict(self.tables),
            demo_tables=demo.tables,
            demo_seed=demo.seed if demo.seed is not None else 0,
            demo_directory=demo.directory or "demo",
            vocabularies={name: dict(own) for name, own in self.vocabularies.items()},
            demo_options=demo.model_dump(exclude_unset=True),
        )


# The keys a mapping of project.yaml may have, by where it is (for "did you mean").
_KEYS_AT = {(): ProjectSpec.model_fields, ("phases",): PhaseSpec.model_fields, ("demo",): DemoSpec.model_fields}


def _unknown_key(loc: tuple) -> str:
    *where, key = loc
    known = _KEYS_AT.get(tuple(part for part in where if not isinstance(part, int)), {})
    return f"unknown key '{key}'{did_you_mean(str(key), known)}; valid keys here: {', '.join(known)}"


def _problems(error: ValidationError, file: str, node: yaml.Node | None) -> list[DataProblem]:
    """pydantic's errors as the user's problems: ``project.yaml:<line>:<key>: message``."""
    problems = []
    for e in error.errors():
        loc = tuple(e["loc"])
        if e["type"] == "missing":   # an absent key is the problem of the mapping that lacks it
            loc, message = loc[:-1], f"missing required key '{loc[-1]}'"
        elif e["type"] == "extra_forbidden":   # named on the key's own line (its value may start below)
            problems.append(DataProblem(file, _key_line(node, loc), field_path(loc), _unknown_key(loc)))
            continue
        else:
            message = e["msg"]
        problems.append(DataProblem(file, _line_of(node, loc), field_path(loc), message))
    return problems


def load_project(project_dir: str | Path) -> Project:
    """Parse and check ``project_dir/project.yaml``; raises DataValidationError listing every problem.

    Problems name the line and the key: ``project.yaml:11:reporting_period_months: 'six' is not a whole number``.
    """
    project_dir = Path(project_dir)
    path = project_dir / PROJECT_FILE
    if not path.is_file():
        raise DataValidationError([DataProblem(str(path), 0, "-", "project file not found: a project folder "
                                               "needs a project.yaml (see data/README.md)")])
    try:
        raw, node, _ = read_yaml_file(path)
    except YamlProblem as exc:
        raise DataValidationError([DataProblem(path.name, exc.line, "-", exc.message)]) from None
    try:
        spec = ProjectSpec.model_validate(raw)
    except ValidationError as exc:
        raise DataValidationError(_problems(exc, path.name, node)) from None
    project = spec.to_project(project_dir)
    problems = _links_leading_out(project, path.name, node)
    if problems:
        raise DataValidationError(problems)
    return project


def _links_leading_out(project: Project, file: str, node: yaml.Node | None) -> list[DataProblem]:
    """The paths that a link (a symlink on the way) takes out of the project folder, into the demo folder,
    or makes the demo folder the project folder itself."""
    root = project.directory.resolve()
    demo = project.demo_dir.resolve()
    problems = []
    if not demo.is_relative_to(root) or demo == root:
        where = "out of the project folder" if demo != root else "to the project folder itself"
        problems.append(DataProblem(file, _line_of(node, ("demo", "directory")), "demo.directory",
                                    f"'{project.demo_directory}' is a link {where}: give demo a folder of its own"))
    for name in TABLES:
        for relative in project.table_files(name):
            target = (project.directory / relative).resolve()
            loc = ("tables", name) if name in project.tables else ()
            key = field_path(loc) if loc else name
            if not target.is_relative_to(root):
                problems.append(DataProblem(file, _line_of(node, loc), key, f"'{relative}' is a link leading out of "
                                            "the project folder: a project's files are inside its folder"))
            elif demo != root and target.is_relative_to(demo):
                problems.append(DataProblem(file, _line_of(node, loc), key, f"'{relative}' is inside the demo folder "
                                            f"('{project.demo_directory}'), which the demo generator overwrites"))
    return problems
