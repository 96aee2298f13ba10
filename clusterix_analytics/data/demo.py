"""Seeded generator of demo monitoring data, for the values the public record lacks.

Every generated row is flagged ``synthetic=true`` and has no source. The same seed (project.yaml
``demo.seed``) and the same sourced data give byte-identical files. Demo values agree with sourced
totals where they exist: per-partner observations add up to each project-wide sourced observation
over its period; demo policy-change funds, with the sourced changes, add up to the project-wide funds
figure; demo cluster-link projects add up to the project-wide figure of ``link_projects_indicator``.
An indicator counted from a policy-learning table the project has (``indicators.counted_from``) gets no
demo observations: the table's rows count it. Demo good-practice transfers take up the sourced good
practices of a partner (never its own, never a pair the sources already record); demo action plans
complete one per partner that has none sourced.

Demo rows never repeat the key of a sourced row (a sourced observation, cluster phase, cluster link, transfer or
action plan is kept and the demo fills only the cells around it, a demo change id is one no sourced change has)
and the sourced rows count towards each total: only what they leave of it is spread over demo rows.

>>> from clusterix_analytics.data.demo import generate_demo
>>> frames = generate_demo("data/clusterix2")
>>> sorted(frames)
['action_plans', 'cluster_links', 'clusters', 'good_practice_transfers', 'observations', 'policy_changes']
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from clusterix_analytics.analytics.aggregation import amounts_counted_once
from clusterix_analytics.analytics.learning import counted_indicators
from clusterix_analytics.data.dataset import Dataset, demo_folder, load
from clusterix_analytics.data.fields import PROJECT_WIDE, TRANSFER_STATUSES
from clusterix_analytics.data.project import load_project
from clusterix_analytics.data.tables import TABLES

MEMBER_SHARES = {"members_sme": 0.70, "members_large": 0.12, "members_research": 0.10, "members_other": 0.08}
CHANGE_TYPE_WEIGHTS = {"new_projects": 0.5, "management": 0.3, "strategic_focus": 0.2}
TRANSFER_WEIGHTS = dict(zip(TRANSFER_STATUSES, (0.5, 0.3, 0.2)))
TRANSFER_TEXT = {
    "inspired": "Demo: the partner's staff and stakeholders took inspiration from the practice",
    "adapted": "Demo: the partner adapted the practice to its region",
    "adopted": "Demo: the partner adopted the practice in its policy instrument",
}
CHANGE_TEXT = {
    "new_projects": "Demo: new projects funded through the instrument, inspired by a partner's good practice",
    "management": "Demo: improved management / governance of the instrument after peer learning",
    "strategic_focus": "Demo: change in the strategic focus of the instrument (structural change)",
}


def _split_integer(total: int, weights: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Split a whole number into len(weights) whole parts in proportion to ``weights`` (sum exact)."""
    if total <= 0 or len(weights) == 0:
        return np.zeros(len(weights), dtype=int)
    return rng.multinomial(int(total), weights / weights.sum())


def _sourced_totals(ds: Dataset) -> dict[str, tuple[float, pd.Timestamp, pd.Timestamp]]:
    obs = ds.observations
    wide = obs[(obs.partner_id == PROJECT_WIDE) & ~obs.synthetic]
    return {r.indicator_id: (float(r.value), r.period_start, r.period_end) for r in wide.itertuples()}


def _free_id(stem: str, n: int, taken: set[str]) -> tuple[str, int]:
    """``stem_n`` for the first n (from ``n``) no sourced row has taken, and that n."""
    while f"{stem}_{n}" in taken:
        n += 1
    return f"{stem}_{n}", n


def _demo_policy_changes(ds: Dataset, rng: np.random.Generator) -> pd.DataFrame:
    project = ds.project
    later = project.phases[1:] or project.phases
    start, end = ((pd.Timestamp(later[0].start), pd.Timestamp(later[-1].end)) if later
                  else (pd.Timestamp(project.start), pd.Timestamp(project.end)))
    instruments = ds.policy_instruments
    taken = set(ds.policy_changes["change_id"])
    rows = []
    for partner in sorted(ds.partners.partner_id):
        own = instruments[instruments.partner_id == partner]
        addressed = own[own.addressed]
        pick_from = addressed if len(addressed) else own
        number = 0
        for _ in range(1 + int(rng.poisson(1.0))):
            change_id, number = _free_id(f"demo_{partner}", number + 1, taken)
            day = start + pd.Timedelta(days=int(rng.integers(0, (end - start).days + 1)))
            change_type = str(rng.choice(list(CHANGE_TYPE_WEIGHTS), p=list(CHANGE_TYPE_WEIGHTS.values())))
            status = "achieved" if day.date() <= project.end else str(rng.choice(["in_progress", "planned"]))
            instrument = str(pick_from.instrument_id.iloc[int(rng.integers(len(pick_from)))]) if len(pick_from) else ""
            rows.append({
                "change_id": change_id, "partner_id": partner, "instrument_id": instrument,
                "date": day, "date_precision": "day", "change_type": change_type, "status": status,
                "funds_influenced_eur": np.nan, "description": CHANGE_TEXT[change_type], "source": "",
                "synthetic": True,
            })
    changes = pd.DataFrame(rows, columns=list(TABLES["policy_changes"].column_names))
    funds_indicator = project.demo_options.get("funds_indicator")
    totals = _sourced_totals(ds)
    if funds_indicator in totals and len(changes):
        target, _, window_end = totals[funds_indicator]
        achieved = ds.policy_changes[ds.policy_changes["status"] == "achieved"]   # what the funds figure counts
        already = float(amounts_counted_once(achieved).fillna(0).sum())  # nested amounts once
        funded = changes.index[(changes.change_type != "management") & (changes.date <= window_end)
                               & (changes.status == "achieved")]
        if len(funded) and target > already:
            euros = _split_integer(int(round(target - already)), rng.gamma(2.0, 1.0, len(funded)), rng)
            changes.loc[funded, "funds_influenced_eur"] = euros.astype(float)
    return changes


def _demo_observations(ds: Dataset, changes: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    project = ds.project
    periods = project.reporting_periods()
    partners = sorted(ds.partners.partner_id)
    totals = _sourced_totals(ds)
    funds_indicator = project.demo_options.get("funds_indicator")
    all_changes = pd.concat([ds.policy_changes, changes], ignore_index=True)
    all_changes["funds_influenced_eur"] = amounts_counted_once(all_changes)
    project_end = pd.Timestamp(project.end)
    sourced = ds.observations[(ds.observations.partner_id != PROJECT_WIDE) & ~ds.observations.synthetic]
    sourced_value = {(r.partner_id, r.indicator_id, r.period_start): float(r.value) for r in sourced.itertuples()}
    rows = []
    for ind in ds.indicators.itertuples():
        if ind.indicator_id in totals:
            total, lo, hi = totals[ind.indicator_id]
        else:
            total, lo, hi = None, pd.Timestamp(project.start), project_end
        window = periods[(periods.start >= lo) & (periods.start <= hi)]
        cells = [(p, w) for p in partners for w in window.itertuples()]
        # a cell a sourced row fills keeps that row: the demo leaves it out, and its value counts in the total
        free = np.array([(p, ind.indicator_id, w.start) not in sourced_value for p, w in cells], dtype=bool)
        in_sourced_cells = sum(sourced_value.get((p, ind.indicator_id, w.start), 0.0) for p, w in cells)
        if ind.indicator_id == funds_indicator:
            values = []
            for p, w in cells:
                mine = all_changes[(all_changes.partner_id == p) & (all_changes.date >= w.start)
                                   & (all_changes.date <= w.end)]
                values.append(float(mine.funds_influenced_eur.fillna(0).sum()))
        elif ind.aggregation == "sum":
            if total is None:
                if pd.isna(ind.target):
                    continue
                total = round(float(ind.target) * rng.uniform(1.0, 1.3))
            partner_weight = rng.dirichlet(np.full(len(partners), 4.0))
            period_weight = rng.gamma(2.0, 1.0, len(window))
            weights = np.outer(partner_weight, period_weight / period_weight.sum()).ravel() * free
            left = max(0, int(round(total - in_sourced_cells))) if free.any() else 0
            values = _split_integer(left, weights, rng).astype(float).tolist()
        else:  # last / max: a level that rises over the periods towards a partner's final value
            final_scale = float(ind.target) if pd.notna(ind.target) else 10.0
            values = []
            steps = np.linspace(1 / len(window), 1.0, len(window)) if len(window) else []
            for _partner in partners:
                final = final_scale * rng.uniform(0.4, 1.6)
                values += [round(final * s ** 1.3, 1) for s in steps]
        for (p, w), value, is_free in zip(cells, values, free):
            if not is_free:
                continue
            rows.append({"partner_id": p, "indicator_id": ind.indicator_id, "period_start": w.start,
                         "period_end": w.end, "value": value, "source": "", "synthetic": True})
    return pd.DataFrame(rows, columns=list(TABLES["observations"].column_names))


def _demo_clusters(ds: Dataset, rng: np.random.Generator) -> pd.DataFrame:
    phases = list(ds.project.phase_ids)
    sourced = ds.clusters
    rows = []
    for cluster_id, group in sourced.groupby("cluster_id", sort=True):
        first = group.iloc[0]
        known = group.members_total.dropna()
        members = float(known.iloc[0]) if len(known) else float(np.round(rng.lognormal(np.log(60), 0.6)))
        labels = group.label.dropna()
        label = labels.iloc[0] if len(labels) else (rng.choice(["bronze", "silver", "gold"]) if rng.random() < 0.25
                                                      else pd.NA)
        year = group.observed_year.dropna()
        after_timeline = len(year) and int(year.iloc[0]) > ds.project.timeline_end.year
        present = [not after_timeline or ph == phases[-1] for ph in phases]
        if len(phases) > 1 and not after_timeline:
            if rng.random() < 0.12:
                present[0] = False  # entered in a later phase
            if rng.random() < 0.08:
                present[-1] = False  # left before the last phase
        growth = 1.0
        for ph, here in zip(phases, present):
            growth *= 1 + rng.normal(0.06, 0.08)
            if not here or (group.phase_id == ph).any():
                continue
            total = max(3, int(round(members * growth)))
            shares = rng.dirichlet(np.array(list(MEMBER_SHARES.values())) * 40)
            parts = _split_integer(total, shares, rng)
            rows.append({
                "cluster_id": cluster_id, "name": first["name"], "partner_id": first.partner_id,
                "nuts_code": first.nuts_code, "sector": first.sector, "phase_id": ph, "observed_year": pd.NA,
                "members_total": total, **dict(zip(MEMBER_SHARES, parts.tolist())), "label": label,
                "source": "", "synthetic": True,
            })
    return pd.DataFrame(rows)


def _demo_cluster_links(ds: Dataset, clusters: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    all_clusters = pd.concat([ds.clusters, clusters], ignore_index=True).dropna(subset=["phase_id"])
    totals = _sourced_totals(ds)
    indicator = ds.project.demo_options.get("link_projects_indicator")
    total, lo, hi = totals.get(indicator, (None, None, None))
    in_window = ([p.id for p in ds.project.phases if pd.Timestamp(p.start) <= hi and pd.Timestamp(p.end) >= lo]
                 if total is not None else [])
    sourced = ds.cluster_links
    recorded = {(ph, *sorted((a, b))) for a, b, ph in zip(sourced.from_cluster_id, sourced.to_cluster_id,
                                                          sourced.phase_id)}
    if total is not None:   # the sourced links of the window's phases carry part of the total already
        total = max(0, int(total) - int(sourced.loc[sourced.phase_id.isin(in_window), "projects"].sum()))
    rows = []
    for ph in ds.project.phases:
        here = all_clusters[all_clusters.phase_id == ph.id].drop_duplicates("cluster_id")
        ids = sorted(here.cluster_id)
        owner = dict(zip(here.cluster_id, here.partner_id))
        open_pairs = len(ids) * (len(ids) - 1) // 2 - sum(1 for r in recorded if r[0] == ph.id)
        if len(ids) < 2 or open_pairs <= 0 or (ph.id in in_window and total == 0):
            continue
        # a link carries at least one joint project: with a sourced total, draw fewer links than projects
        wanted = int(total / len(in_window) / 1.6) if ph.id in in_window else len(ids) // 2
        pairs: set[tuple[str, str]] = set()
        while len(pairs) < min(max(wanted, 1), open_pairs):
            a, b = sorted(rng.choice(ids, size=2, replace=False).tolist())
            if (ph.id, a, b) not in recorded:   # never a pair the sources record in this phase
                pairs.add((a, b))
        for a, b in sorted(pairs):
            rows.append({"from_cluster_id": a, "to_cluster_id": b, "phase_id": ph.id,
                         "link_type": "cross_cluster" if owner[a] == owner[b] else "interregional",
                         "projects": 1 + int(rng.poisson(0.6)), "source": "", "synthetic": True})
    links = pd.DataFrame(rows, columns=list(TABLES["cluster_links"].column_names))
    mask = links.phase_id.isin(in_window)
    if mask.sum() > (total or 0):   # more links than projects left to carry: the last ones go
        links = links.drop(index=links.index[mask][int(total or 0):]).reset_index(drop=True)
        mask = links.phase_id.isin(in_window)
    if mask.any():
        # every link carries one project; the rest is spread so that the sum matches the source
        extra = _split_integer(max(0, int(total) - int(mask.sum())), rng.gamma(1.5, 1.0, int(mask.sum())), rng)
        links.loc[mask, "projects"] = 1 + extra
    return links


def _random_day(start: pd.Timestamp, end: pd.Timestamp, rng: np.random.Generator) -> pd.Timestamp:
    return start + pd.Timedelta(days=int(rng.integers(0, max((end - start).days, 0) + 1)))


def _demo_transfers(ds: Dataset, rng: np.random.Generator) -> pd.DataFrame:
    if not ds.has("good_practices"):
        return pd.DataFrame(columns=list(TABLES["good_practice_transfers"].column_names))
    project = ds.project
    timeline_end = pd.Timestamp(project.timeline_end)
    known = ds.good_practice_transfers if ds.has("good_practice_transfers") else None
    recorded = set() if known is None else set(zip(known["good_practice_id"], known["adopting_partner_id"]))
    partners = sorted(ds.partners["partner_id"])
    practices = ds.good_practices[ds.good_practices["owner_partner_id"].notna() & ~ds.good_practices["synthetic"]]
    rows = []
    for practice in practices.sort_values("good_practice_id").itertuples():
        others = [p for p in partners if p != practice.owner_partner_id]
        count = min(int(rng.poisson(1.2)), len(others))
        # taken up after the practice was shown (or, undated, during the first two phases)
        shown = (practice.date if pd.notna(practice.date)
                 else pd.Timestamp(project.phases[0].start if project.phases else project.start))
        latest = min(timeline_end, shown + pd.DateOffset(months=30))
        for adopter in sorted(rng.choice(others, size=count, replace=False).tolist()):
            if (practice.good_practice_id, adopter) in recorded:
                continue
            status = str(rng.choice(list(TRANSFER_WEIGHTS), p=list(TRANSFER_WEIGHTS.values())))
            rows.append({
                "good_practice_id": practice.good_practice_id, "adopting_partner_id": adopter,
                "transfer_status": status, "date": _random_day(shown + pd.DateOffset(months=1), latest, rng),
                "date_precision": "day", "evidence": TRANSFER_TEXT[status], "source": "", "synthetic": True,
            })
    return pd.DataFrame(rows, columns=list(TABLES["good_practice_transfers"].column_names))


def _demo_action_plans(ds: Dataset, rng: np.random.Generator) -> pd.DataFrame:
    """One action plan per partner without a sourced one, for an addressed instrument where the partner has one,
    dated in the last three months of the first phase (the action plans close the interregional learning)."""
    project = ds.project
    first = project.phases[0] if project.phases else project   # no phases: the project's last three months
    end = pd.Timestamp(first.end)
    start = max(pd.Timestamp(first.start), end - pd.DateOffset(months=3) + pd.Timedelta(days=1))
    sourced = set(ds.action_plans["partner_id"]) if ds.has("action_plans") else set()
    instruments = ds.policy_instruments.sort_values(["addressed", "instrument_id"], ascending=[False, True])
    rows = []
    for partner in sorted(set(ds.partners["partner_id"]) - sourced):
        own = instruments[instruments["partner_id"] == partner]
        rows.append({
            "partner_id": partner, "instrument_id": own["instrument_id"].iloc[0] if len(own) else "",
            "date": _random_day(start, end, rng), "date_precision": "day",
            "plan_status": str(rng.choice(["endorsed", "in_implementation"])),
            "note": "Demo: the record does not hold this partner's action plan", "source": "", "synthetic": True,
        })
    return pd.DataFrame(rows, columns=list(TABLES["action_plans"].column_names))


def generate_demo(project_dir: str | Path) -> dict[str, pd.DataFrame]:
    """Generate the demo tables listed in project.yaml ``demo.tables`` from the sourced data."""
    ds = load(project_dir, include_demo=False)
    rng = np.random.default_rng(ds.project.demo_seed)
    changes = _demo_policy_changes(ds, rng)
    observations = _demo_observations(ds, changes, rng)
    # Drawn, then dropped: every other demo value stays what it was before the indicator was counted from rows.
    observations = observations[~observations["indicator_id"].isin(list(counted_indicators(ds)))]
    frames = {"policy_changes": changes, "observations": observations}
    clusters = _demo_clusters(ds, rng)
    frames["clusters"] = clusters
    frames["cluster_links"] = _demo_cluster_links(ds, clusters, rng)
    frames["good_practice_transfers"] = _demo_transfers(ds, rng)
    frames["action_plans"] = _demo_action_plans(ds, rng)
    return {name: frame for name, frame in frames.items() if name in ds.project.demo_tables}


def _format(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, (float, np.floating)):
        return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
    return str(value)


def write_demo(project_dir: str | Path) -> dict[Path, int]:
    """Write the demo tables to ``<project>/<demo.directory>/<table>.csv``; returns {path: rows}."""
    project_dir = Path(project_dir)
    frames = generate_demo(project_dir)
    out_dir = demo_folder(load_project(project_dir), frames)   # overwrites nothing but demo rows
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, frame in frames.items():
        columns = list(TABLES[name].column_names)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for record in frame.reindex(columns=columns).itertuples(index=False):
            writer.writerow([_format(v) for v in record])
        path = out_dir / f"{name}.csv"
        tmp = path.with_suffix(".csv.tmp")
        tmp.write_text(buffer.getvalue(), encoding="utf-8")
        tmp.replace(path)
        written[path] = len(frame)
    return written
