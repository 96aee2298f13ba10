"""Table schemas, declared once as metadata and turned into pandera validation.

Each table is a :class:`TableSpec`: its columns (type, whether a value is required, allowed values,
bounds, references to other tables), its key, and row rules that involve several columns.
:func:`pandera_schema` builds the pandera ``DataFrameSchema`` for a table, given what the other tables
contain (ids, NUTS codes, the project's dates).

>>> from clusterix_analytics.data.tables import TABLES
>>> TABLES["partners"].key
('partner_id',)
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
import pandera.pandas as pa

PARTNER_TYPES = ("regional_authority", "development_agency", "business_agency", "innovation_agency",
                 "research_institute", "university")
PARTNER_ROLES = ("lead_partner", "partner")
INSTRUMENT_TYPES = ("structural_funds", "national", "regional", "other")
# Interreg Europe's three kinds of policy improvement (programme manual, "policy instruments improved"):
# implementation of new projects; change in the management of the instrument (improved governance);
# change in the strategic focus of the instrument (structural change).
CHANGE_TYPES = ("new_projects", "management", "strategic_focus")
CHANGE_STATUSES = ("planned", "in_progress", "achieved")
DATE_PRECISIONS = ("day", "month", "year")
AGGREGATIONS = ("sum", "last", "max")
INDICATOR_KINDS = ("output", "result")
LABELS = ("bronze", "silver", "gold")
LINK_TYPES = ("cross_cluster", "interregional")
PROJECT_WIDE = "project"  # partner_id of observations that are project-wide totals
ID_PATTERN = r"^[a-z0-9][a-z0-9_\-]*$"
URL_PATTERN = r"^https?://\S+$"


@dataclass(frozen=True)
class Column:
    """One column of a table. ``kind`` is str, int, float, date or bool."""

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


@dataclass(frozen=True)
class RowRule:
    """A rule over several columns: ``failing(frame)`` is True where a row breaks it."""

    column: str
    message: str
    failing: Callable[[pd.DataFrame], pd.Series]


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    row_rules: tuple[RowRule, ...] = field(default_factory=tuple)
    has_synthetic: bool = False

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _source_required(frame: pd.DataFrame) -> pd.Series:
    synthetic = frame["synthetic"] if "synthetic" in frame else pd.Series(False, index=frame.index)
    return (~synthetic.fillna(False).astype(bool)) & frame["source"].isna()


SOURCE = Column("source", required=False, pattern=URL_PATTERN, pattern_hint="an http(s) URL",
                description="URL of the public page the row's facts come from")
SYNTHETIC = Column("synthetic", "bool", description="true for demo rows made by the seeded generator")
SOURCE_RULE = RowRule("source", "a row that is not synthetic needs a source URL", _source_required)
ID = dict(pattern=ID_PATTERN, pattern_hint="lower-case letters, digits, '_' or '-'", lower=True)

TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in [
        TableSpec(
            "partners",
            (
                Column("partner_id", **ID),
                Column("organisation"),
                Column("short_name"),
                Column("country_code", pattern=r"^[A-Z]{2}$", pattern_hint="two letters (ISO/Eurostat)", upper=True),
                Column("nuts_code", upper=True, nuts=True),
                Column("nuts_level", "int", min_value=0),
                Column("region_name"),
                Column("partner_type", allowed=PARTNER_TYPES, lower=True),
                Column("role", allowed=PARTNER_ROLES, lower=True),
                Column("joined", "date", required=False, within_timeline=True),
                Column("left", "date", required=False, within_timeline=True),
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
                Column("instrument_id", **ID),
                Column("partner_id", references="partners.partner_id", lower=True),
                Column("name"),
                Column("instrument_type", required=False, allowed=INSTRUMENT_TYPES, lower=True),
                Column("managing_authority", required=False),
                Column("addressed", "bool"),
                SOURCE,
            ),
            key=("instrument_id",),
            row_rules=(SOURCE_RULE,),
        ),
        TableSpec(
            "indicators",
            (
                Column("indicator_id", **ID),
                Column("name"),
                Column("unit"),
                Column("target", "float", required=False, min_value=0),
                Column("aggregation", allowed=AGGREGATIONS, lower=True),
                Column("kind", allowed=INDICATOR_KINDS, lower=True),
                SOURCE,
            ),
            key=("indicator_id",),
            row_rules=(SOURCE_RULE,),
        ),
        TableSpec(
            "policy_changes",
            (
                Column("change_id", **ID),
                Column("partner_id", references="partners.partner_id", lower=True),
                Column("instrument_id", required=False, references="policy_instruments.instrument_id", lower=True),
                Column("date", "date"),
                Column("date_precision", allowed=DATE_PRECISIONS, lower=True),
                Column("change_type", allowed=CHANGE_TYPES, lower=True),
                Column("status", allowed=CHANGE_STATUSES, lower=True),
                Column("funds_influenced_eur", "float", required=False, min_value=0),
                Column("description"),
                SOURCE,
                SYNTHETIC,
            ),
            key=("change_id",),
            row_rules=(SOURCE_RULE,),
            has_synthetic=True,
        ),
        TableSpec(
            "observations",
            (
                Column("partner_id", references="partners.partner_id", also_allowed=(PROJECT_WIDE,), lower=True),
                Column("indicator_id", references="indicators.indicator_id", lower=True),
                Column("period_start", "date", within_timeline=True),
                Column("period_end", "date", within_timeline=True),
                Column("value", "float", min_value=0),
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
            has_synthetic=True,
        ),
        TableSpec(
            "clusters",
            (
                Column("cluster_id", **ID),
                Column("name"),
                Column("partner_id", references="partners.partner_id", lower=True),
                Column("nuts_code", required=False, upper=True, nuts=True),
                Column("sector", required=False),
                Column("phase_id", required=False, references="project.phase_id"),
                Column("observed_year", "int", required=False, min_value=1900),
                Column("members_total", "int", required=False, min_value=0),
                Column("members_sme", "int", required=False, min_value=0),
                Column("members_large", "int", required=False, min_value=0),
                Column("members_research", "int", required=False, min_value=0),
                Column("members_other", "int", required=False, min_value=0),
                Column("label", required=False, allowed=LABELS, lower=True),
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
            has_synthetic=True,
        ),
        TableSpec(
            "cluster_links",
            (
                Column("from_cluster_id", references="clusters.cluster_id", lower=True),
                Column("to_cluster_id", references="clusters.cluster_id", lower=True),
                Column("phase_id", references="project.phase_id"),
                Column("link_type", allowed=LINK_TYPES, lower=True),
                Column("projects", "int", min_value=0),
                SOURCE,
                SYNTHETIC,
            ),
            key=("from_cluster_id", "to_cluster_id", "phase_id"),
            row_rules=(
                RowRule("to_cluster_id", "links a cluster to itself",
                         lambda f: f["from_cluster_id"] == f["to_cluster_id"]),
                SOURCE_RULE,
            ),
            has_synthetic=True,
        ),
    ]
}

# "table.column" values other tables must take (their ids are collected as each table loads).
REFERENCED_COLUMNS = tuple(sorted({c.references for spec in TABLES.values() for c in spec.columns
                                   if c.references and not c.references.startswith("project.")}))

# Load order: a table comes after the tables it references.
LOAD_ORDER = ("partners", "policy_instruments", "indicators", "policy_changes", "observations", "clusters",
              "cluster_links")

@dataclass
class ValidationContext:
    """What a table's values are checked against: ids of other tables, NUTS codes, project dates."""

    references: dict[str, list[str]]
    nuts_codes: set[str]
    nuts_version: int
    timeline: tuple[pd.Timestamp, pd.Timestamp]


def _checks(col: Column, ctx: ValidationContext) -> list[pa.Check]:
    checks = []
    if col.allowed:
        checks.append(pa.Check.isin(col.allowed, error=f"must be one of: {', '.join(col.allowed)}"))
    if col.pattern:
        checks.append(pa.Check.str_matches(col.pattern, error=f"must be {col.pattern_hint}"))
    if col.min_value is not None:
        what = "a year" if col.min_value == 1900 else "negative"
        checks.append(pa.Check.ge(col.min_value, error=f"must not be {what}" if what == "negative"
                                  else f"must be {what} (>= {int(col.min_value)})"))
    if col.references:
        table, ref_col = col.references.split(".")
        known = list(ctx.references.get(col.references, [])) + list(col.also_allowed)
        shown = ", ".join(known[:12]) + (" ..." if len(known) > 12 else "")
        what = "phase" if table == "project" else f"{ref_col} in {table}"
        checks.append(pa.Check.isin(known, error=f"unknown {what}; known: {shown or '(none)'}"))
    if col.nuts:
        checks.append(pa.Check.isin(sorted(ctx.nuts_codes),
                                    error=f"is not a NUTS {ctx.nuts_version} code (see data/nuts/nuts2016.csv)"))
    if col.within_timeline:
        lo, hi = ctx.timeline
        checks.append(pa.Check.in_range(lo, hi, error=f"is outside the project ({lo.date()} to {hi.date()})"))
    return checks


def pandera_schema(spec: TableSpec, ctx: ValidationContext) -> pa.DataFrameSchema:
    """The pandera schema for one table, checked against ``ctx``."""
    columns = {
        # Types are already settled by the readers (clusterix_analytics.io), which name the cell that
        # could not be read; the schema checks presence, values, references and keys.
        col.name: pa.Column(None, nullable=not col.required, checks=_checks(col, ctx),
                            description=col.description or None)
        for col in spec.columns
    }
    return pa.DataFrameSchema(columns, unique=list(spec.key), report_duplicates="all", strict=False,
                              name=spec.name)
