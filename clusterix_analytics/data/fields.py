"""Every column of every table, declared once: its type, meaning and value checks.

A table (:mod:`clusterix_analytics.data.tables`) names its fields and adds only what depends on the
table: whether a value is required there, and which other table's ids it must take (a reference).
data/README.md documents the same fields for people who fill the spreadsheets.

>>> FIELDS["nuts_code"].kind, FIELDS["nuts_code"].nuts
('str', True)
>>> FIELDS["partner_type"].allowed[:2]
('regional_authority', 'national_authority')
"""
from __future__ import annotations

from dataclasses import dataclass

from clusterix_analytics.data.vocabularies import values

# -- vocabularies (the allowed values of enumerated fields) ------------------------------------------------
# Open vocabularies are data (data/reference/vocabularies, extended per project in project.yaml); the closed
# ones below are the values the analytics compute with.
PARTNER_TYPES = values("partner_type")
PARTNER_ROLES = ("lead_partner", "partner")
INSTRUMENT_TYPES = values("instrument_type")
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
# Interreg Europe's exchange-of-experience formats, plus two the CLUSTERIX record needs: regional stakeholder
# events and activities it does not describe further. A milestone (project start, a call, a publication) is
# dated on the timeline but is not a learning event.
EVENT_TYPES = values("event_type")
NOT_LEARNING_EVENT_TYPES = ("milestone",)   # every other type, a project's own included, is a learning event
# How far a partner took up another's good practice (Interreg Europe: inspired → adapted → adopted).
TRANSFER_STATUSES = ("inspired", "adapted", "adopted")
ACTION_PLAN_STATUSES = ("drafted", "endorsed", "in_implementation", "implemented")
# The policy-learning tables whose rows an indicator may be counted from (indicators.counted_from).
LEARNING_TABLES = ("events", "good_practices", "good_practice_transfers", "action_plans")
PROJECT_WIDE = "project"  # partner_id of observations that are project-wide totals
ID_PATTERN = r"^[a-z0-9][a-z0-9_\-]*$"
URL_PATTERN = r"^https?://\S+$"


@dataclass(frozen=True)
class Field:
    """One field: ``kind`` is str, int, float, date or bool; the rest are checks on its values."""

    name: str
    kind: str = "str"
    description: str = ""
    allowed: tuple[str, ...] | None = None
    min_value: float | None = None
    pattern: str | None = None
    pattern_hint: str = ""
    upper: bool = False
    lower: bool = False
    nuts: bool = False  # must be a NUTS code of the project's NUTS version
    within_timeline: bool = False  # a date inside the project's timeline


_ID = dict(pattern=ID_PATTERN, pattern_hint="lower-case letters, digits, '_' or '-'", lower=True)
_COUNT = dict(kind="int", min_value=0)

FIELDS: dict[str, Field] = {f.name: f for f in [
    # ids (a slug: lower-case letters, digits, '_' or '-')
    Field("partner_id", description="a partner's id (readable slug, e.g. 'lead_agency')", **_ID),
    Field("instrument_id", description="a policy instrument's id", **_ID),
    Field("indicator_id", description="an indicator's id", **_ID),
    Field("change_id", description="a policy change's id", **_ID),
    Field("cluster_id", description="a cluster's id (NUTS code of its region + name)", **_ID),
    Field("from_cluster_id", description="one cluster of a linked pair", lower=True),
    Field("to_cluster_id", description="the other cluster of a linked pair", lower=True),
    Field("phase_id", description="a phase id of project.yaml"),
    Field("event_id", description="a learning event's id", **_ID),
    Field("good_practice_id", description="a good practice's id", **_ID),
    # partners
    Field("organisation", description="official name as in the source"),
    Field("short_name", description="short label for charts"),
    Field("country_code", description="NUTS/ISO country code", pattern=r"^[A-Z]{2}$",
          pattern_hint="two letters (ISO/Eurostat)", upper=True),
    Field("nuts_code", description="NUTS region", upper=True, nuts=True),
    Field("nuts_level", "int", description="level of nuts_code (characters after the country code)", min_value=0),
    Field("region_name", description="NUTS name of the region"),
    Field("partner_type", description="kind of organisation", allowed=PARTNER_TYPES, lower=True),
    Field("role", description="role in the project", allowed=PARTNER_ROLES, lower=True),
    Field("joined", "date", description="date the partner entered the partnership", within_timeline=True),
    Field("left", "date", description="date the partner left", within_timeline=True),
    # policy instruments and changes
    Field("name", description="name as in the source"),
    Field("instrument_type", description="kind of instrument", allowed=INSTRUMENT_TYPES, lower=True),
    Field("managing_authority", description="body managing the instrument"),
    Field("addressed", "bool", description="the source names it as addressed by the partner's project work"),
    Field("date", "date", description="when the change happened or was announced"),
    Field("date_precision", description="how precise the row's dates are (month: the 1st of the month is stored)",
          allowed=DATE_PRECISIONS, lower=True),
    Field("change_type", description="Interreg Europe type of policy change", allowed=CHANGE_TYPES, lower=True),
    Field("status", description="state of the change", allowed=CHANGE_STATUSES, lower=True),
    Field("funds_influenced_eur", "float", description="funds influenced, EUR", min_value=0),
    Field("description", description="what changed, as reported"),
    Field("part_of_change_id", description="the change this one is part of: its amount is inside that one's, "
          "so it is counted once", lower=True),
    # indicators and observations
    Field("unit", description="unit of target and of observation values"),
    Field("target", "float", description="project target", min_value=0),
    Field("aggregation", description="how values combine across partners and periods", allowed=AGGREGATIONS,
          lower=True),
    Field("kind", description="Interreg Europe indicator kind", allowed=INDICATOR_KINDS, lower=True),
    Field("counted_from", description="the policy-learning table whose rows count this indicator, where the "
          "project has it", allowed=LEARNING_TABLES, lower=True),
    Field("period_start", "date", description="first day covered", within_timeline=True),
    Field("period_end", "date", description="last day covered (the reporting date)", within_timeline=True),
    Field("value", "float", description="value in the indicator's unit", min_value=0),
    # clusters and links
    Field("sector", description="sector as worded in the source"),
    Field("observed_year", "int", description="year of the sourced fact about the cluster", min_value=1900),
    Field("members_total", description="number of members", **_COUNT),
    Field("members_sme", description="members that are SMEs", **_COUNT),
    Field("members_large", description="members that are large companies", **_COUNT),
    Field("members_research", description="members that are research or education bodies", **_COUNT),
    Field("members_other", description="other members", **_COUNT),
    Field("label", description="ESCA / ECEI cluster-management-excellence label", allowed=LABELS, lower=True),
    Field("link_type", description="kind of link", allowed=LINK_TYPES, lower=True),
    Field("projects", description="joint projects of the pair in that phase", **_COUNT),
    # policy learning: events, good practices, their transfers, action plans
    Field("title", description="title as in the source"),
    Field("start", "date", description="first day of the event", within_timeline=True),
    Field("end", "date", description="last day of the event (empty: one day, or not known)", within_timeline=True),
    Field("city", description="place as the source names it (empty: not stated)"),
    Field("host_partner_id", description="the partner that hosted the event (empty: not stated)", lower=True),
    Field("event_type", description="kind of learning event", allowed=EVENT_TYPES, lower=True),
    Field("participants", description="participants as the source counts them", **_COUNT),
    Field("topics", description="topics the source names, separated by ';'"),
    Field("owner_partner_id", description="the partner that shared the good practice (empty: not a partner)",
          lower=True),
    Field("theme", description="theme as worded in the source"),
    Field("adopting_partner_id", description="the partner that took the good practice up", lower=True),
    Field("transfer_status", description="how far the practice was taken up", allowed=TRANSFER_STATUSES,
          lower=True),
    Field("evidence", description="what shows the transfer, as reported"),
    Field("plan_status", description="state of the action plan", allowed=ACTION_PLAN_STATUSES, lower=True),
    Field("note", description="what the source leaves open or says besides"),
    # provenance, on every table
    Field("source", description="URL of the public page the row's facts come from", pattern=URL_PATTERN,
          pattern_hint="an http(s) URL"),
    Field("synthetic", "bool", description="true for demo rows made by the seeded generator"),
]}
