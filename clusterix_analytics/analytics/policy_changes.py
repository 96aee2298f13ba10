"""Policy changes: which instruments improved, when, by which type of change, with how much money.

Interreg Europe's programme manual counts a policy instrument as *improved* when one of three things
happens (codes in data.fields.CHANGE_TYPES): new_projects (implementation of new projects),
management (improved governance of the instrument), strategic_focus (structural change).
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from clusterix_analytics.analytics.aggregation import amounts_counted_once
from clusterix_analytics.analytics.calendar import (
    completed_months,
    phase_names,
    phase_of,
    phase_order,
)
from clusterix_analytics.data.project import Project

# Interreg Europe's wording of each type of policy change (programme manual, "policy instruments improved").
CHANGE_TYPE_LABELS = {
    "new_projects": "Implementation of new projects",
    "management": "Change in the management of the instrument (improved governance)",
    "strategic_focus": "Change in the strategic focus of the instrument (structural change)",
}


# Which policy-change statuses count as an improvement that happened (others are reported separately).
ACHIEVED = ("achieved",)


def changes_with_phase(policy_changes: pd.DataFrame, project: Project) -> pd.DataFrame:
    """The policy-change log with phase and months since the project start.

    A change dated outside every phase keeps its row, with phase_id :data:`OUTSIDE_PHASES`.
    Adds: phase_id, phase_name, months_from_start (completed months), days_from_start,
    change_type_label (programme wording), evidence (source URL, or a note for demo rows).
    """
    out = policy_changes.copy()
    out["date"] = pd.to_datetime(out["date"])
    out["phase_id"] = [phase_of(project, d) for d in out["date"]]
    out["phase_name"] = out["phase_id"].map(phase_names(project))
    out["months_from_start"] = [completed_months(project.start, d) for d in out["date"]]
    out["days_from_start"] = (out["date"] - pd.Timestamp(project.start)).dt.days
    out["change_type_label"] = out["change_type"].map(CHANGE_TYPE_LABELS)
    source = out["source"].astype("string") if "source" in out else pd.Series(pd.NA, index=out.index, dtype="string")
    synthetic = out["synthetic"].astype(bool) if "synthetic" in out else pd.Series(False, index=out.index)
    out["evidence"] = source.where(source.notna() & (source != ""),
                                   np.where(synthetic, "demo data – no source", "no source given"))
    return out.sort_values("date").reset_index(drop=True)


def _status_filter(changes: pd.DataFrame, statuses: Iterable[str] | None) -> pd.DataFrame:
    return changes if statuses is None else changes[changes.status.isin(list(statuses))]


def instruments_improved(changes: pd.DataFrame, statuses: Iterable[str] | None = ACHIEVED) -> pd.DataFrame:
    """Policy instruments improved per partner × phase × type of change.

    ``changes`` comes from :func:`changes_with_phase`. ``instruments`` counts distinct known instruments;
    ``changes_unknown_instrument`` counts changes whose instrument is not identified (they are not
    guessed into an instrument). Only changes with a status in ``statuses`` count (None: all).

    Columns: partner_id, phase_id, phase_name, change_type, changes, instruments,
    changes_unknown_instrument, synthetic.
    """
    chosen = _status_filter(changes, statuses)
    keys = ["partner_id", "phase_id", "phase_name", "change_type"]
    columns = keys + ["changes", "instruments", "changes_unknown_instrument", "synthetic"]
    if chosen.empty:
        return pd.DataFrame(columns=columns)
    known = chosen.instrument_id.notna() & (chosen.instrument_id.astype("string") != "")
    chosen = chosen.assign(_known=known, _instrument=chosen.instrument_id.where(known))
    grouped = chosen.groupby(keys, dropna=False, sort=True)
    out = grouped.agg(changes=("change_id", "size"), instruments=("_instrument", "nunique"),
                      changes_unknown_instrument=("_known", lambda k: int((~k).sum())),
                      synthetic=("synthetic", "all")).reset_index()
    return out[columns]


def instruments_improved_by_partner(changes: pd.DataFrame, statuses: Iterable[str] | None = ACHIEVED
                                    ) -> pd.DataFrame:
    """Distinct instruments improved per partner (all phases and types together), with change counts."""
    chosen = _status_filter(changes, statuses)
    known = chosen.instrument_id.notna() & (chosen.instrument_id.astype("string") != "")
    chosen = chosen.assign(_instrument=chosen.instrument_id.where(known), _unknown=~known)
    out = chosen.groupby("partner_id").agg(changes=("change_id", "size"), instruments=("_instrument", "nunique"),
                                           changes_unknown_instrument=("_unknown", "sum")).reset_index()
    out["changes_unknown_instrument"] = out["changes_unknown_instrument"].astype(int)
    return out


def funds_by_partner_phase(changes: pd.DataFrame, statuses: Iterable[str] | None = ACHIEVED) -> pd.DataFrame:
    """Funds influenced (EUR) per partner × phase, from the policy-change log.

    Changes without an amount count in ``changes_without_amount`` (unknown, not zero); a change that is part
    of another counted change adds nothing (:func:`~clusterix_analytics.analytics.aggregation.amounts_counted_once`).
    Columns: partner_id, phase_id, phase_name, funds_eur, changes_with_amount, changes_without_amount,
    synthetic (share of the amount from synthetic rows is in ``synthetic_eur``).
    """
    chosen = _status_filter(changes, statuses)
    keys = ["partner_id", "phase_id", "phase_name"]
    if chosen.empty:
        return pd.DataFrame(columns=keys + ["funds_eur", "changes_with_amount", "changes_without_amount",
                                            "synthetic_eur"])
    amount = amounts_counted_once(chosen)  # a change inside another counted one adds nothing
    chosen = chosen.assign(funds_influenced_eur=amount, _has=amount.notna(),
                           _synthetic_eur=amount.where(chosen.synthetic.astype(bool), 0.0))
    out = chosen.groupby(keys, dropna=False).agg(
        # min_count: a partner-phase whose changes all lack an amount has unknown funds, not 0 EUR.
        funds_eur=("funds_influenced_eur", lambda v: v.sum(min_count=1)), changes_with_amount=("_has", "sum"),
        changes_without_amount=("_has", lambda h: int((~h).sum())),
        synthetic_eur=("_synthetic_eur", "sum")).reset_index()
    out["changes_with_amount"] = out["changes_with_amount"].astype(int)
    return out


def changes_by_phase_and_type(changes: pd.DataFrame, project: Project) -> pd.DataFrame:
    """Count of changes per phase × type × status (every change, including those outside every phase)."""
    out = (changes.groupby(["phase_id", "phase_name", "change_type", "status"], dropna=False)
           .size().rename("changes").reset_index())
    order = {pid: i for i, pid in enumerate(phase_order(project))}
    return (out.assign(_o=out.phase_id.map(order)).sort_values(["_o", "change_type", "status"])
            .drop(columns="_o").reset_index(drop=True))
