"""The metric vocabulary: every quantity a page states has one key, one function, a unit and a provenance.

A :class:`Metric` is one stated number: its key (the same key on two pages is the same quantity), a name
for readers, the value (``None`` when unknown: never 0 for "not known"), the unit, where it comes from
(``sourced``, ``demo`` or ``mixed``, from the rows it was computed from) and its scope (``project`` for
all partners over the whole project, ``partner:<id>`` for one partner; ``/phase:<id>`` narrows to one
phase). Views state these; the report runner records them in manifest.json under ``metrics``.

Definitions (Interreg Europe's):

- ``policy_changes_achieved``: policy changes with status achieved.
- ``instruments_improved``: distinct policy instruments with at least one achieved change (the
  programme's result indicator); achieved changes whose instrument is not named are counted apart.
- ``funds_influenced_eur``: the amounts of achieved changes, a change inside another counted once.
- ``joint_projects``: the project-wide figure the project reported (sourced) where there is one; the
  cluster-link breakdowns (``joint_projects_in_links``) say how far they reconcile to it.

>>> import clusterix_analytics as cx
>>> ds = cx.load()
>>> funds = funds_influenced_eur(ds.policy_changes)
>>> funds.value, funds.unit, funds.provenance, funds.scope
(13000000.0, 'EUR', 'mixed', 'project')
>>> funds.text()
'13,000,000 EUR (partly demo data)'
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import pandas as pd

from clusterix_analytics.analytics.aggregation import amounts_counted_once, over_periods
from clusterix_analytics.analytics.links import cluster_partner
from clusterix_analytics.data.fields import PROJECT_WIDE
from clusterix_analytics.data.provenance import PROVENANCE_WORDS, SOURCED, provenance

PROJECT_SCOPE = "project"


@dataclass(frozen=True)
class Metric:
    """One stated quantity (see the module's definitions)."""

    key: str
    name: str
    value: float | int | None
    unit: str
    provenance: str
    scope: str = PROJECT_SCOPE

    def record(self) -> dict:
        """The manifest's record of this metric (key left out: it is the record's name).

        >>> Metric("n", "Things", 3, "things", "demo").record()
        {'name': 'Things', 'value': 3, 'unit': 'things', 'provenance': 'demo', 'scope': 'project'}
        """
        out = asdict(self)
        out.pop("key")
        return out

    def text(self) -> str:
        """The value as a sentence states it, with its unit and, unless sourced, where it comes from.

        >>> Metric("n", "Things", 1234.0, "projects", "demo").text()
        '1,234 projects (demo data)'
        >>> Metric("n", "Things", None, "EUR", "sourced").text()
        'not known'
        """
        if self.value is None:
            return "not known"
        number = f"{self.value:,.0f}" if float(self.value).is_integer() else f"{self.value:,.1f}"
        unit = f" {self.unit}" if self.unit else ""
        where = "" if self.provenance == SOURCED else f" ({PROVENANCE_WORDS[self.provenance]})"
        return f"{number}{unit}{where}"


def partner_scope(partner_id: str | None) -> str:
    """The scope of a number about one partner, or of all partners (``None`` or ``"all"``).

    >>> partner_scope("inma"), partner_scope("all")
    ('partner:inma', 'project')
    """
    return PROJECT_SCOPE if partner_id in (None, "all") else f"partner:{partner_id}"


def _known(value) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def achieved_changes(policy_changes: pd.DataFrame) -> pd.DataFrame:
    """The changes that count as improvements (status achieved)."""
    return policy_changes[policy_changes["status"] == "achieved"]


def policy_changes_achieved(policy_changes: pd.DataFrame, scope: str = PROJECT_SCOPE) -> Metric:
    """Policy changes with status achieved.

    >>> changes = pd.DataFrame({"status": ["achieved", "planned"], "synthetic": [False, True]})
    >>> policy_changes_achieved(changes).value
    1
    """
    achieved = achieved_changes(policy_changes)
    return Metric("policy_changes_achieved", "Policy changes achieved", int(len(achieved)), "changes",
                  provenance(achieved), scope)


def instruments_improved(policy_changes: pd.DataFrame, scope: str = PROJECT_SCOPE) -> Metric:
    """Distinct named instruments with at least one achieved change.

    >>> changes = pd.DataFrame({"status": ["achieved"] * 3, "instrument_id": ["a", "a", None],
    ...                         "synthetic": [False, False, True]})
    >>> instruments_improved(changes).value
    1
    """
    achieved = achieved_changes(policy_changes)
    named = achieved[achieved["instrument_id"].notna() & (achieved["instrument_id"].astype(str) != "")]
    return Metric("instruments_improved", "Policy instruments improved", int(named["instrument_id"].nunique()),
                  "instruments", provenance(named), scope)


def funds_influenced_eur(policy_changes: pd.DataFrame, scope: str = PROJECT_SCOPE) -> Metric:
    """Funds influenced by achieved changes (EUR), nested amounts counted once; unknown when none is known.

    >>> changes = pd.DataFrame({"change_id": ["s", "c"], "status": ["achieved"] * 2,
    ...                         "funds_influenced_eur": [8.4e6, 9e5], "part_of_change_id": [None, "s"],
    ...                         "synthetic": [False, False]})
    >>> funds_influenced_eur(changes).value
    8400000.0
    """
    achieved = achieved_changes(policy_changes)
    amounts = amounts_counted_once(achieved)
    total = float(amounts.sum()) if amounts.notna().any() else None
    return Metric("funds_influenced_eur", "Funds influenced by achieved policy changes", total, "EUR",
                  provenance(achieved[amounts.notna()]), scope)


def reported_total(observations: pd.DataFrame, indicators: pd.DataFrame, indicator_id: str,
                   key: str | None = None) -> Metric:
    """The project-wide total the project itself reported for one indicator (sourced rows only).

    ``value`` is None when the project reported none. The rows combine by the indicator's aggregation.

    >>> import clusterix_analytics as cx
    >>> ds = cx.load()
    >>> reported_total(ds.observations, ds.indicators, "learning_events").text()
    '117 events'
    """
    indicator = indicators.set_index("indicator_id").loc[indicator_id]
    rows = observations[(observations["partner_id"] == PROJECT_WIDE) & (observations["indicator_id"] == indicator_id)
                        & ~observations["synthetic"].astype(bool)].sort_values("period_end")
    value = _known(over_periods(rows["value"], str(indicator["aggregation"])))
    return Metric(key or f"{indicator_id}_reported", str(indicator["name"]), value, str(indicator["unit"]), SOURCED,
                  PROJECT_SCOPE)


def target(indicators: pd.DataFrame, indicator_id: str) -> Metric:
    """An indicator's project target (sourced: indicators.csv), ``None`` where it has none.

    >>> import clusterix_analytics as cx
    >>> target(cx.load().indicators, "learning_events").text()
    '32 events'
    """
    indicator = indicators.set_index("indicator_id").loc[indicator_id]
    value = None if pd.isna(indicator["target"]) else float(indicator["target"])
    return Metric(f"{indicator_id}_target", f"{indicator['name']}: target", value, str(indicator["unit"]), SOURCED)


@dataclass(frozen=True)
class JointProjects:
    """Joint projects of clusters: the project's own figure and the cluster-link breakdown, reconciled.

    ``reported`` is the sourced project-wide total (None where the project reported none) over
    ``window`` (its first and last day); the link counts split the cluster links' projects into those of
    phases inside that window (between regions / within one region) and those after it.
    """

    reported: Metric
    in_links: Metric
    between_regions: Metric
    window: tuple[pd.Timestamp, pd.Timestamp] | None
    in_window_between: int
    in_window_within: int
    after_window: int


def joint_projects(dataset, indicator_id: str | None = None) -> JointProjects:
    """The joint-projects numbers of a project; ``indicator_id`` is the indicator the project reports them by
    (project.yaml ``demo: link_projects_indicator``; none: the links alone).

    >>> import clusterix_analytics as cx
    >>> jp = joint_projects(cx.load(), "cross_cluster_projects")
    >>> jp.reported.text(), jp.in_links.text(), jp.between_regions.value
    ('70 projects', '127 projects (demo data)', 116)
    >>> jp.in_window_between, jp.in_window_within, jp.after_window
    (64, 6, 57)
    """
    project = dataset.project
    links = dataset.cluster_links
    owner = cluster_partner(dataset.clusters)
    between = links["from_cluster_id"].map(owner) != links["to_cluster_id"].map(owner)
    projects = links["projects"].astype(float)
    where = provenance(links)
    name = "Joint projects of clusters"
    if (indicator_id is not None and "indicators" in dataset.tables
            and indicator_id in set(dataset.indicators["indicator_id"])):
        reported = reported_total(dataset.observations, dataset.indicators, indicator_id)
        rows = dataset.observations[(dataset.observations["partner_id"] == PROJECT_WIDE)
                                    & (dataset.observations["indicator_id"] == indicator_id)]
        window = (rows["period_start"].min(), rows["period_end"].max()) if len(rows) else None
        name = reported.name
    else:
        reported = Metric("joint_projects_reported", name, None, "projects", SOURCED)  # nothing reported
        window = None
    if window is not None:
        phase_end = {p.id: pd.Timestamp(p.end) for p in project.phases}
        inside = links["phase_id"].map(phase_end) <= window[1]
    else:
        inside = pd.Series(True, index=links.index)
    return JointProjects(
        reported=reported,
        in_links=Metric("joint_projects_in_links", f"{name}: in the recorded cluster links",
                        int(projects.sum()), "projects", where),
        between_regions=Metric("joint_projects_between_regions",
                               f"{name}: between clusters of different partner regions",
                               int(projects[between].sum()), "projects", provenance(links[between])),
        window=window,
        in_window_between=int(projects[inside & between].sum()),
        in_window_within=int(projects[inside & ~between].sum()),
        after_window=int(projects[~inside].sum()),
    )


def joint_projects_sentence(jp: JointProjects) -> str:
    """One sentence that states the joint-projects figure and how the cluster links reconcile to it.

    >>> import clusterix_analytics as cx
    >>> print(joint_projects_sentence(joint_projects(cx.load(), "cross_cluster_projects")))
    ... # doctest: +NORMALIZE_WHITESPACE
    The project reported **70 joint projects** of clusters (sourced, 2016-04-01 to 2021-03-31). The recorded
    cluster links (demo data) hold 70 of them, 64 between clusters of different partner regions and 6 within
    one region, and 57 more after that period: 127 in all.
    """
    links = jp.in_links
    if jp.reported.value is None:
        if not links.value:
            return "No cluster links are recorded for this project."
        return (f"The recorded cluster links hold **{links.text()}**, {jp.between_regions.value:,} of them between "
                "clusters of different partner regions; the project reported no total to compare them with.")
    start, end = (f"{d:%Y-%m-%d}" for d in jp.window)
    head = (f"The project reported **{jp.reported.value:,.0f} joint projects** of clusters (sourced, {start} to "
            f"{end}).")
    if not links.value:
        return head + " No cluster links are recorded to break them down."
    in_window = jp.in_window_between + jp.in_window_within
    where = "" if links.provenance == SOURCED else f" ({PROVENANCE_WORDS[links.provenance]})"
    difference = ("" if in_window == jp.reported.value else
                  f"; that is {abs(in_window - jp.reported.value):,.0f} "
                  f"{'more' if in_window > jp.reported.value else 'fewer'} than reported")
    after = f", and {jp.after_window:,} more after that period: {links.value:,} in all" if jp.after_window else ""
    return (f"{head} The recorded cluster links{where} hold {in_window:,} of them{difference}, "
            f"{jp.in_window_between:,} between clusters of different partner regions and {jp.in_window_within:,} "
            f"within one region{after}.")
