"""Project folders written for a test: a seeded random project of any size, with sourced rows only.

``random_project(folder, seed, ...)`` writes project.yaml and the tables as CSV files, every row sourced (a URL in
``source``, ``synthetic`` false) and valid on its own. Sizes and contents vary with the seed: partners, phases,
reporting periods, indicators, sourced per-partner and project-wide observations, policy changes (some nested in
another, some with the ids the demo generator would choose), clusters (some undated), cluster links, good
practices, their transfers and action plans. ``demo=True`` adds a ``demo:`` section naming every demo table.
"""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np

from clusterix_analytics.data.tables import TABLES

URL = "https://example.org/test-project"
# NUTS 2016 units of several countries and levels: (code, country, region name)
REGIONS = [("AT13", "AT", "Wien"), ("DK01", "DK", "Hovedstaden"), ("SE22", "SE", "Sydsverige"),
           ("CZ08", "CZ", "Moravskoslezsko"), ("HU22", "HU", "Nyugat-Dunántúl"), ("ITH1", "IT", "Bolzano-Bozen"),
           ("RO32", "RO", "Bucureşti-Ilfov"), ("RO21", "RO", "Nord-Est"), ("ES51", "ES", "Cataluña"),
           ("PL22", "PL", "Śląskie"), ("NL32", "NL", "Noord-Holland"), ("BE2", "BE", "Vlaams Gewest"),
           ("EL52", "EL", "Kentriki Makedonia"), ("SK04", "SK", "Východné Slovensko"), ("LT", "LT", "Lietuva"),
           ("SE313", "SE", "Dalarnas län")]
SECTORS = ["ICT", "Life science", "Food", "Energy", "Textiles", "Automotive"]


def _write(path: Path, table: str, rows: list[dict]) -> None:
    columns = list(TABLES[table].column_names)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: _text(row.get(c, "")) for c in columns})


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, 1)


def random_project(folder: Path, seed: int, *, partners: int | None = None, phases: int | None = None,
                   period_months: int | None = None, indicators: int | None = None, demo: bool = True,
                   sourced_rows: bool = True) -> Path:
    """Write a valid project of sourced rows at ``folder``; sizes not given are drawn from ``seed``.

    ``sourced_rows=False`` writes the partners, instruments and indicators only (every other table empty).
    """
    rng = np.random.default_rng(seed)
    n_partners = partners if partners is not None else int(rng.integers(1, 9))
    n_phases = phases if phases is not None else int(rng.integers(1, 5))
    months = period_months if period_months is not None else int(rng.choice([3, 4, 6, 12]))
    n_indicators = indicators if indicators is not None else int(rng.integers(1, 6))
    folder.mkdir(parents=True)
    start = dt.date(2016 + int(rng.integers(0, 6)), 1 + int(rng.integers(0, 12)), 1)
    phase_months = [int(rng.integers(6, 25)) for _ in range(n_phases)]
    bounds = [start]
    for m in phase_months:
        bounds.append(_add_months(bounds[-1], m))
    end = bounds[-1] - dt.timedelta(days=1)
    phase_rows = [(f"ph{i + 1}", bounds[i], bounds[i + 1] - dt.timedelta(days=1)) for i in range(n_phases)]

    def day_between(lo: dt.date, hi: dt.date) -> dt.date:
        return lo + dt.timedelta(days=int(rng.integers(0, (hi - lo).days + 1)))

    regions = [REGIONS[i] for i in rng.choice(len(REGIONS), size=n_partners, replace=False)]
    partner_rows = [{"partner_id": f"p{i}", "organisation": f"Organisation {i}", "short_name": f"P{i}",
                     "country_code": country, "nuts_code": code, "nuts_level": len(code) - 2,
                     "region_name": name, "partner_type": "regional_authority",
                     "role": "lead_partner" if i == 0 else "partner", "source": URL}
                    for i, (code, country, name) in enumerate(regions)]
    partner_ids = [p["partner_id"] for p in partner_rows]
    instrument_rows = [{"instrument_id": f"{p}_instrument{k}", "partner_id": p, "name": f"Instrument {k} of {p}",
                        "addressed": bool(rng.random() < 0.7), "source": URL}
                       for p in partner_ids for k in range(int(rng.integers(0, 3)))]
    # the first indicator is the funds figure, the second (if any) the joint projects of clusters
    indicator_rows = []
    for k in range(n_indicators):
        aggregation = "sum" if k < 2 else str(rng.choice(["sum", "last", "max"]))
        target = "" if rng.random() < 0.3 else int(rng.integers(5, 200))
        indicator_rows.append({"indicator_id": f"ind{k}", "name": f"Indicator {k}",
                               "unit": "EUR" if k == 0 else "items", "target": target,
                               "aggregation": aggregation, "kind": "result" if k == 0 else "output",
                               "source": URL})
    tables = {"partners": partner_rows, "policy_instruments": instrument_rows, "indicators": indicator_rows}
    empty = ["policy_changes", "observations", "clusters", "cluster_links", "good_practices",
             "good_practice_transfers", "action_plans"]
    tables.update({name: [] for name in empty})
    if sourced_rows:
        _sourced_rows(tables, rng, partner_ids, instrument_rows, indicator_rows, phase_rows, start, end, months,
                      day_between)
    for name, rows in tables.items():
        _write(folder / f"{name}.csv", name, rows)
    phases_yaml = "\n".join(f"  - id: {pid}\n    name: Phase {pid}\n    start: {lo}\n    end: {hi}\n"
                            f"    dates: assumed" for pid, lo, hi in phase_rows)
    tables_yaml = "\n".join(f"  {name}: {name}.csv" for name in tables)
    demo_yaml = (f"demo:\n  seed: {seed}\n  directory: demo\n  tables: [policy_changes, observations, clusters, "
                 "cluster_links, good_practice_transfers, action_plans]\n  funds_indicator: ind0\n"
                 "  link_projects_indicator: ind1\n") if demo else ""
    (folder / "project.yaml").write_text(
        f"id: test_{seed}\nname: Test project {seed}\nprogramme: Test programme\nnuts_version: 2016\n"
        f"start: {start}\nend: {end}\ndates: assumed\nreporting_period_months: {months}\n"
        f"phases:\n{phases_yaml}\ntables:\n{tables_yaml}\n{demo_yaml}", encoding="utf-8")
    return folder


def _sourced_rows(tables, rng, partner_ids, instrument_rows, indicator_rows, phase_rows, start, end, months,
                  day_between) -> None:
    # policy changes: some with an amount, one in three nested in an earlier change of the same partner; some
    # take the id the demo generator gives its first change of a partner
    changes = []
    for i in range(int(rng.integers(0, 2 * len(partner_ids) + 1))):
        partner = str(rng.choice(partner_ids))
        own = [r["instrument_id"] for r in instrument_rows if r["partner_id"] == partner]
        change_id = f"demo_{partner}_1" if rng.random() < 0.2 else f"chg{i}"
        if any(c["change_id"] == change_id for c in changes):
            change_id = f"chg{i}"
        earlier = [c for c in changes if c["partner_id"] == partner and c["funds_influenced_eur"] != ""]
        changes.append({
            "change_id": change_id, "partner_id": partner, "instrument_id": str(rng.choice(own)) if own else "",
            "date": day_between(start, end), "date_precision": "day",
            "change_type": str(rng.choice(["new_projects", "management", "strategic_focus"])),
            "status": str(rng.choice(["achieved", "achieved", "in_progress"])),
            "funds_influenced_eur": int(rng.integers(1, 50)) * 10_000 if rng.random() < 0.6 else "",
            "part_of_change_id": earlier[0]["change_id"] if earlier and rng.random() < 0.3 else "",
            "description": "A change", "source": URL, "synthetic": False})
    tables["policy_changes"] = changes
    # observations: per-partner rows of some reporting periods, and project-wide totals over a window
    periods, lo = [], start
    while lo <= end:
        hi = min(_add_months(lo, months) - dt.timedelta(days=1), end)
        periods.append((lo, hi))
        lo = _add_months(lo, months)
    observations = []
    for ind in indicator_rows:
        for partner in partner_ids:
            for lo, hi in periods:
                if rng.random() < 0.15:
                    observations.append({"partner_id": partner, "indicator_id": ind["indicator_id"],
                                         "period_start": lo, "period_end": hi, "value": int(rng.integers(0, 20)),
                                         "source": URL, "synthetic": False})
        if rng.random() < 0.7:
            first, last = sorted(rng.choice(len(periods), size=2))
            scale = 1_000_000 if ind["unit"] == "EUR" else 60
            observations.append({"partner_id": "project", "indicator_id": ind["indicator_id"],
                                 "period_start": periods[first][0], "period_end": periods[last][1],
                                 "value": int(rng.integers(0, scale)), "source": URL, "synthetic": False})
    tables["observations"] = observations
    # clusters: a few per partner, in some phases, some undated with the year they were observed
    clusters = []
    for partner in partner_ids:
        for k in range(int(rng.integers(0, 4))):
            cluster_id = f"{partner}_cluster{k}"
            base = {"cluster_id": cluster_id, "name": f"Cluster {k} of {partner}", "partner_id": partner,
                    "sector": str(rng.choice(SECTORS)), "source": URL, "synthetic": False}
            for pid, _, _ in phase_rows:
                if rng.random() < 0.4:
                    total = int(rng.integers(5, 300))
                    clusters.append({**base, "phase_id": pid, "members_total": total,
                                     "members_sme": total // 2, "label": str(rng.choice(["", "gold"]))})
            if rng.random() < 0.3:
                clusters.append({**base, "observed_year": start.year + int(rng.integers(0, 6))})
    tables["clusters"] = clusters
    links = []
    for pid, _, _ in phase_rows:
        here = sorted({c["cluster_id"] for c in clusters if c.get("phase_id") == pid})
        owner = {c["cluster_id"]: c["partner_id"] for c in clusters}
        for _ in range(int(rng.integers(0, 3))):
            if len(here) < 2:
                break
            a, b = sorted(rng.choice(here, size=2, replace=False).tolist())
            if any((link["from_cluster_id"], link["to_cluster_id"], link["phase_id"]) == (a, b, pid)
                   for link in links):
                continue
            links.append({"from_cluster_id": a, "to_cluster_id": b, "phase_id": pid,
                          "link_type": "cross_cluster" if owner[a] == owner[b] else "interregional",
                          "projects": int(rng.integers(1, 6)), "source": URL, "synthetic": False})
    tables["cluster_links"] = links
    # good practices of some partners, a transfer or two, an action plan for some partners
    practices = [{"good_practice_id": f"gp{k}", "title": f"Practice {k}",
                  "owner_partner_id": str(rng.choice(partner_ids)), "date": day_between(start, end),
                  "date_precision": "day", "source": URL, "synthetic": False}
                 for k in range(int(rng.integers(0, 4)))]
    tables["good_practices"] = practices
    transfers = []
    for practice in practices:
        others = [p for p in partner_ids if p != practice["owner_partner_id"]]
        if others and rng.random() < 0.5:
            transfers.append({"good_practice_id": practice["good_practice_id"],
                              "adopting_partner_id": str(rng.choice(others)), "transfer_status": "inspired",
                              "date": practice["date"], "date_precision": "day", "source": URL,
                              "synthetic": False})
    tables["good_practice_transfers"] = transfers
    plans = []
    for partner in partner_ids:
        if rng.random() < 0.3:
            own = [r["instrument_id"] for r in instrument_rows if r["partner_id"] == partner]
            plans.append({"partner_id": partner, "instrument_id": own[0] if own else "", "plan_status": "endorsed",
                          "source": URL, "synthetic": False})
    tables["action_plans"] = plans
