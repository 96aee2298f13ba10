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
    return Metric(key or indicator_id, str(indicator["name"]), value, str(indicator["unit"]), SOURCED, PROJECT_SCOPE)
