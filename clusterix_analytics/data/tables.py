"""The tables, by field name: each table lists its fields (declared once in :mod:`.fields`), its key and
the rules over several columns; the load order follows from the references between tables.

:func:`pandera_schema` builds the pandera ``DataFrameSchema`` for a table, given what the other tables
contain (ids, NUTS codes, the project's dates).

>>> from clusterix_analytics.data.tables import LOAD_ORDER, TABLES
>>> TABLES["partners"].key
('partner_id',)
>>> LOAD_ORDER.index("partners") < LOAD_ORDER.index("policy_instruments")
True
"""
from __future__ import annotations

import graphlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace

import pandas as pd
import pandera.pandas as pa

from clusterix_analytics.data.fields import (
    ACTION_PLAN_STATUSES,
    AGGREGATIONS,
    CHANGE_STATUSES,
    CHANGE_TYPES,
    DATE_PRECISIONS,
    EVENT_TYPES,
    FIELDS,
    ID_PATTERN,
    INDICATOR_KINDS,
    INSTRUMENT_TYPES,
    LABELS,
    LEARNING_TABLES,
    LINK_TYPES,
    NOT_LEARNING_EVENT_TYPES,
    PARTNER_ROLES,
    PARTNER_TYPES,
    PROJECT_WIDE,
    TRANSFER_STATUSES,
    URL_PATTERN,
)
from clusterix_analytics.data.vocabularies import OPEN_FIELDS

__all__ = ["ACTION_PLAN_STATUSES", "AGGREGATIONS", "CHANGE_STATUSES", "CHANGE_TYPES", "DATE_PRECISIONS",
           "EVENT_TYPES", "ID_PATTERN", "INDICATOR_KINDS", "INSTRUMENT_TYPES", "LABELS", "NOT_LEARNING_EVENT_TYPES",
           "LEARNING_TABLES", "LINK_TYPES", "LOAD_ORDER", "PARTNER_ROLES", "PARTNER_TYPES", "PROJECT_WIDE",
           "REFERENCED_COLUMNS", "TABLES", "TRANSFER_STATUSES", "URL_PATTERN", "Column", "RowRule", "TableSpec",
           "ValidationContext",
           "nuts_check_error", "pandera_schema"]


@dataclass(frozen=True)
class Column:
    """One column of one table: its field's type and checks, plus what the table adds (required, reference)."""

    name: str
    kind: str = "str"
    required: bool = True
    allowed: tuple[str, ...] | None = None
    min_value: float | None = None
    pattern: str | None = None
    pattern_hint: str = ""
    upper: bool = False
    lower: bool = False
    references: str | None = None  # "table.column" whose values this column must take
    also_allowed: tuple[str, ...] = ()
    nuts: bool = False  # must be a NUTS code of the project's NUTS version
    within_timeline: bool = False  # a date inside the project's timeline
    description: str = ""
    optional: bool = False  # a file may leave the whole column out (read as empty)


def column(name: str, required: bool = True, references: str | None = None, also_allowed: tuple[str, ...] = (),
           optional: bool = False) -> Column:
    """The column ``name`` as a table uses it: the field's declaration, required or not, maybe a reference.

    An ``optional`` column may be left out of a file altogether (added later to the workbook: older files
    stay valid); it is then read as empty.

    A reference is checked against the ids the other table holds, so the id pattern is not checked again.

    >>> column("partner_id", references="partners.partner_id").pattern is None
    True
    >>> column("partner_id").pattern == FIELDS["partner_id"].pattern
    True
    """
    use = Column(**asdict(FIELDS[name]), required=required, references=references, also_allowed=also_allowed,
                 optional=optional)
    return replace(use, pattern=None, pattern_hint="") if references else use


@dataclass(frozen=True)
class RowRule:
    """A rule over several columns: ``failing(frame)`` is True where a row breaks it."""

    column: str
    message: str
    failing: Callable[[pd.DataFrame], pd.Series]


@dataclass(frozen=True)
class TableSpec:
    """One table: its columns, key and rules. An ``optional`` table may be missing from a project folder
    altogether (the policy-learning tables): the project then has no such table, which is not an error."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    row_rules: tuple[RowRule, ...] = field(default_factory=tuple)
    optional: bool = False

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def has_synthetic(self) -> bool:
        """Whether the table may hold demo rows (it has the ``synthetic`` field)."""
        return "synthetic" in self.column_names

    @property
    def referenced_tables(self) -> set[str]:
        """The other tables whose ids this one refers to (its own ids and the project's phases not counted)."""
        return {c.references.split(".")[0] for c in self.columns
                if c.references and not c.references.startswith("project.")} - {self.name}

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _source_required(frame: pd.DataFrame) -> pd.Series:
    synthetic = frame["synthetic"] if "synthetic" in frame else pd.Series(False, index=frame.index)
    return (~synthetic.fillna(False).astype(bool)) & frame["source"].isna()


SOURCE_RULE = RowRule("source", "a row that is not synthetic needs a source URL", _source_required)
SOURCE, SYNTHETIC = column("source", required=False), column("synthetic")
END_RULE = RowRule("end", "is before start",
                   lambda f: f["end"].notna() & f["start"].notna() & (f["end"] < f["start"]))


def precision_rule(what: str, date: str = "date") -> RowRule:
    """A dated row needs its ``date_precision`` (a month is stored as its 1st day: the precision says so)."""
    return RowRule("date_precision", f"a dated {what} needs its date_precision",
                   lambda f: f[date].notna() & f["date_precision"].isna())

TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in [
        TableSpec(
            "partners",
            (
                column("partner_id"),
                column("organisation"),
                column("short_name"),
                column("country_code"),
                column("nuts_code"),
                column("nuts_level"),
                column("region_name"),
                column("partner_type"),
                column("role"),
                column("joined", required=False),
                column("left", required=False),
                SOURCE,
            ),
            key=("partner_id",),
            row_rules=(
                RowRule("nuts_level", "does not match the NUTS code (level = characters after the country code)",
                         lambda f: f["nuts_code"].notna() & f["nuts_level"].notna()
                         & (f["nuts_code"].str.len() - 2 != f["nuts_level"])),
                RowRule("nuts_code", "does not start with the partner's country code",
                         lambda f: f["nuts_code"].notna() & f["country_code"].notna()
                         & (f["nuts_code"].str[:2] != f["country_code"])),
                RowRule("left", "is before 'joined'",
                         lambda f: f["left"].notna() & f["joined"].notna() & (f["left"] < f["joined"])),
                SOURCE_RULE,
            ),
        ),
        TableSpec(
            "policy_instruments",
            (
                column("instrument_id"),
                column("partner_id", references="partners.partner_id"),
                column("name"),
                column("instrument_type", required=False),
                column("managing_authority", required=False),
                column("addressed"),
                SOURCE,
            ),
            key=("instrument_id",),
            row_rules=(SOURCE_RULE,),
        ),
        TableSpec(
            "indicators",
            (
                column("indicator_id"),
                column("name"),
                column("unit"),
                column("target", required=False),
                column("aggregation"),
                column("kind"),
                column("counted_from", required=False, optional=True),
                SOURCE,
            ),
            key=("indicator_id",),
            row_rules=(SOURCE_RULE,),
        ),
        TableSpec(
            "policy_changes",
            (
                column("change_id"),
                column("partner_id", references="partners.partner_id"),
                column("instrument_id", required=False, references="policy_instruments.instrument_id"),
                column("date"),
                column("date_precision"),
                column("change_type"),
                column("status"),
                column("funds_influenced_eur", required=False),
                column("description"),
                column("part_of_change_id", required=False, references="policy_changes.change_id", optional=True),
                SOURCE,
                SYNTHETIC,
            ),
            key=("change_id",),
            row_rules=(
                RowRule("part_of_change_id", "a change cannot be part of itself",
                         lambda f: f["part_of_change_id"] == f["change_id"]),
                RowRule("part_of_change_id", "is a change of another partner",
                         lambda f: f["part_of_change_id"].notna()
                         & (f["part_of_change_id"].map(dict(zip(f["change_id"], f["partner_id"])))
                            .fillna(f["partner_id"]) != f["partner_id"])),
                SOURCE_RULE,
            ),
        ),
        TableSpec(
            "observations",
            (
                column("partner_id", references="partners.partner_id", also_allowed=(PROJECT_WIDE,)),
                column("indicator_id", references="indicators.indicator_id"),
                column("period_start"),
                column("period_end"),
                column("value"),
                SOURCE,
                SYNTHETIC,
            ),
            key=("partner_id", "indicator_id", "period_start"),
            row_rules=(
                RowRule("period_end", "is before period_start",
                         lambda f: f["period_end"].notna() & f["period_start"].notna()
                         & (f["period_end"] < f["period_start"])),
                SOURCE_RULE,
            ),
        ),
        TableSpec(
            "clusters",
            (
                column("cluster_id"),
                column("name"),
                column("partner_id", references="partners.partner_id"),
                column("nuts_code", required=False),
                column("sector", required=False),
                column("phase_id", required=False, references="project.phase_id"),
                column("observed_year", required=False),
                column("members_total", required=False),
                column("members_sme", required=False),
                column("members_large", required=False),
                column("members_research", required=False),
                column("members_other", required=False),
                column("label", required=False),
                SOURCE,
                SYNTHETIC,
            ),
            key=("cluster_id", "phase_id"),
            row_rules=(
                RowRule("members_total", "is smaller than the sum of members by type",
                         lambda f: f["members_total"].notna()
                         & (f[["members_sme", "members_large", "members_research", "members_other"]]
                            .fillna(0).sum(axis=1) > f["members_total"])),
                SOURCE_RULE,
            ),
        ),
        TableSpec(
            "cluster_links",
            (
                column("from_cluster_id", references="clusters.cluster_id"),
                column("to_cluster_id", references="clusters.cluster_id"),
                column("phase_id", references="project.phase_id"),
                column("link_type"),
                column("projects"),
                SOURCE,
                SYNTHETIC,
            ),
            key=("from_cluster_id", "to_cluster_id", "phase_id"),
            row_rules=(
                RowRule("to_cluster_id", "links a cluster to itself",
                         lambda f: f["from_cluster_id"] == f["to_cluster_id"]),
                SOURCE_RULE,
            ),
        ),
        # Policy learning (optional per project): Interreg Europe's chain from exchange of experience (events,
        # good practices) to their take-up by other partners and to the partners' action plans.
        TableSpec(
            "events",
            (
                column("event_id"),
                column("title"),
                column("start", required=False),
                column("end", required=False),
                column("date_precision", required=False),
                column("city", required=False),
                column("country_code", required=False),
                column("nuts_code", required=False),
                column("host_partner_id", required=False, references="partners.partner_id"),
                column("event_type"),
                column("participants", required=False),
                column("topics", required=False),
                column("note", required=False),
                SOURCE,
                SYNTHETIC,
            ),
            key=("event_id",),
            row_rules=(
                END_RULE,
                RowRule("nuts_code", "does not start with the event's country code",
                         lambda f: f["nuts_code"].notna() & f["country_code"].notna()
                         & (f["nuts_code"].str[:2] != f["country_code"])),
                precision_rule("event", "start"),
                SOURCE_RULE,
            ),
            optional=True,
        ),
        TableSpec(
            "good_practices",
            (
                column("good_practice_id"),
                column("title"),
                column("owner_partner_id", required=False, references="partners.partner_id"),
                column("nuts_code", required=False),
                column("theme", required=False),
                column("event_id", required=False, references="events.event_id"),
                column("date", required=False),
                column("date_precision", required=False),
                column("note", required=False),
                SOURCE,
                SYNTHETIC,
            ),
            key=("good_practice_id",),
            row_rules=(
                precision_rule("good practice"),
                SOURCE_RULE,
            ),
            optional=True,
        ),
        TableSpec(
            "good_practice_transfers",
            (
                column("good_practice_id", references="good_practices.good_practice_id"),
                column("adopting_partner_id", references="partners.partner_id"),
                column("transfer_status"),
                column("date", required=False),
                column("date_precision", required=False),
                column("evidence", required=False),
                SOURCE,
                SYNTHETIC,
            ),
            key=("good_practice_id", "adopting_partner_id"),
            row_rules=(
                precision_rule("transfer"),
                SOURCE_RULE,
            ),
            optional=True,
        ),
        TableSpec(
            "action_plans",
            (
                column("partner_id", references="partners.partner_id"),
                column("instrument_id", required=False, references="policy_instruments.instrument_id"),
                column("date", required=False),
                column("date_precision", required=False),
                column("plan_status", required=False),
                column("note", required=False),
                SOURCE,
                SYNTHETIC,
            ),
            key=("partner_id", "instrument_id"),
            row_rules=(
                precision_rule("action plan"),
                SOURCE_RULE,
            ),
            optional=True,
        ),
    ]
}

# "table.column" values other tables must take (their ids are collected as each table loads).
REFERENCED_COLUMNS = tuple(sorted({c.references for spec in TABLES.values() for c in spec.columns
                                   if c.references and not c.references.startswith("project.")}))


def load_order(tables: dict[str, TableSpec] = TABLES) -> tuple[str, ...]:
    """Tables in an order where each comes after the tables it references: at each step the first declared
    table whose references are loaded (so the declaration order is kept wherever the references allow).

    >>> load_order()  # doctest: +NORMALIZE_WHITESPACE
    ('partners', 'policy_instruments', 'indicators', 'policy_changes', 'observations', 'clusters', 'cluster_links',
     'events', 'good_practices', 'good_practice_transfers', 'action_plans')
    """
    sorter = graphlib.TopologicalSorter({name: spec.referenced_tables for name, spec in tables.items()})
    sorter.prepare()
    declared = list(tables)
    order: list[str] = []
    ready: set[str] = set()
    while sorter.is_active():
        ready |= set(sorter.get_ready())
        first = min(ready, key=declared.index)
        ready.discard(first)
        order.append(first)
        sorter.done(first)
    return tuple(order)


LOAD_ORDER = load_order()


@dataclass
class ValidationContext:
    """What a table's values are checked against: ids of other tables, NUTS codes, project dates."""

    references: dict[str, list[str] | None]  # None: that table could not be read, its ids are unknown
    nuts_codes: set[str]
    nuts_version: int
    timeline: tuple[pd.Timestamp, pd.Timestamp]
    vocabularies: dict[str, dict[str, str]] = field(default_factory=dict)   # the project's own values


def nuts_check_error(version: int) -> str:
    """The check name of a NUTS column; a failing value's message adds a hint (data.nuts.unknown_code_hint).

    >>> nuts_check_error(2021)
    'is not a NUTS 2021 code'
    """
    return f"is not a NUTS {version} code"


def _checks(col: Column, ctx: ValidationContext) -> list[pa.Check]:
    checks = []
    if col.allowed:
        allowed = col.allowed + tuple(ctx.vocabularies.get(col.name, ()))
        extend = f" (or add it to project.yaml under vocabularies: {col.name}:)" if col.name in OPEN_FIELDS else ""
        checks.append(pa.Check.isin(allowed, error=f"must be one of: {', '.join(allowed)}{extend}"))
    if col.pattern:
        checks.append(pa.Check.str_matches(col.pattern, error=f"must be {col.pattern_hint}"))
    if col.min_value is not None:
        what = "a year" if col.min_value == 1900 else "negative"
        checks.append(pa.Check.ge(col.min_value, error=f"must not be {what}" if what == "negative"
                                  else f"must be {what} (>= {int(col.min_value)})"))
    if col.references and ctx.references.get(col.references, []) is not None:
        table, ref_col = col.references.split(".")
        known = list(ctx.references.get(col.references, [])) + list(col.also_allowed)
        shown = ", ".join(known[:12]) + (" ..." if len(known) > 12 else "")
        what = "phase" if table == "project" else f"{ref_col} in {table}"
        checks.append(pa.Check.isin(known, error=f"unknown {what}; known: {shown or '(none)'}"))
    if col.nuts:
        checks.append(pa.Check.isin(sorted(ctx.nuts_codes), error=nuts_check_error(ctx.nuts_version)))
    if col.within_timeline:
        lo, hi = ctx.timeline
        checks.append(pa.Check.in_range(lo, hi, error=f"is outside the project ({lo.date()} to {hi.date()})"))
    return checks


def pandera_schema(spec: TableSpec, ctx: ValidationContext) -> pa.DataFrameSchema:
    """The pandera schema for one table, checked against ``ctx``."""
    columns = {
        # Types are already settled by the readers (clusterix_analytics.data.readers), which name the cell that
        # could not be read; the schema checks presence, values, references and keys.
        col.name: pa.Column(None, nullable=not col.required, checks=_checks(col, ctx),
                            description=col.description or None)
        for col in spec.columns
    }
    return pa.DataFrameSchema(columns, unique=list(spec.key), report_duplicates="all", strict=False,
                              name=spec.name)
