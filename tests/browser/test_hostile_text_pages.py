"""Script payloads in every free-text cell and in project.yaml's names: the whole report built by the real
runner, every page loaded in headless Chromium (issue 16, item 1).

The project is a copy of tests/fixtures/learning_pilot (every table, the policy-learning ones too). Each free
text column of each table (tables.py: a text field without a vocabulary, pattern, reference or code format)
and the project's name, programme and phase names get the payload appended. The plan is the shipped one with
one partner profile: every page type. On every page no payload may run (``window.__xss`` stays unset, also
after hovering over every figure's first points), no ``javascript:`` link and no event-handler attribute may
exist, no link from the data (``<a href="https://x.example">``, also inside a figure's SVG), and where a field
shows, the payload (``%{x}`` included) shows as the text it is.
"""
from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

import clusterix_analytics as cx
from clusterix_analytics.data.tables import TABLES
from clusterix_analytics.reports.browser import Browser
from clusterix_analytics.reports.runner import run_report

from .._browser_check import require_chromium
from ..conftest import FIXTURES

PAYLOADS = ('<script>window.__xss=1</script>', '<img src=x onerror="window.__xss=1">',
            '"><svg onload=window.__xss=1>', '[x](javascript:window.__xss=1)', '{{7*7}}',
            '<a href="javascript:window.__xss=1">link</a>', '<a href="https://x.example">link</a>', '%{x}')
PAYLOAD = " ".join(PAYLOADS)
NAMING_THE_PROJECT = ("00", "03", "04")   # the pages whose text names the project: overview, portfolios, profile
SQUEEZED = "rendering: Error: <rect> attribute width: A negative value is not valid"
ONE_OF_EACH = ["00*", "01*", "02*", "03*", "04*-cph", "05*-all"]

# Evaluated in each page (twice: see Browser._finish): hover every trace's first point, then report what ran.
PROBE = """(() => {
  const figures = Array.from(document.querySelectorAll('.plotly-graph-div'));
  for (const gd of figures) {
    (gd.data || []).forEach((trace, i) => {
      const subplot = trace.geo || trace.subplot || ((trace.xaxis || 'x') + (trace.yaxis || 'y'));
      try { window.Plotly.Fx.hover(gd, [{curveNumber: i, pointNumber: 0}], subplot); } catch (e) {}
    });
  }
  const hrefs = Array.from(document.querySelectorAll('[href], [*|href]')).map(
    e => e.getAttribute('href') || e.getAttributeNS('http://www.w3.org/1999/xlink', 'href') || '');
  const handlers = Array.from(document.querySelectorAll('*')).filter(
    e => Array.from(e.attributes).some(a => a.name.toLowerCase().startsWith('on'))).map(e => e.outerHTML.slice(0, 120));
  // a link that leads to x.example (a heading's own #anchor may spell the payload in its fragment: no link out)
  const planted = Array.from(document.querySelectorAll('a')).filter(a => /^\\s*(https?:)?\\/\\/x\\.example/i.test(
    a.getAttribute('href') || a.getAttributeNS('http://www.w3.org/1999/xlink', 'href') || '')).length;
  return {xss: typeof window.__xss, javascript_links: hrefs.filter(h => /^\\s*javascript:/i.test(h)), planted: planted,
          handlers: handlers, text: document.body.innerText,
          figure_text: figures.map(d => d.textContent).join('\\n')};
})()"""


def free_text_columns(table: str) -> list[str]:
    """The columns of a table whose values are any text (the ones a payload can reach a page through)."""
    return [c.name for c in TABLES[table].columns
            if c.kind == "str" and not (c.allowed or c.pattern or c.references or c.nuts or c.upper or c.lower)]


def hostile_project(target: Path) -> dict[str, list[str]]:
    """A copy of learning_pilot with the payload after every free-text value and every name in project.yaml;
    returns the columns changed, by table."""
    shutil.copytree(FIXTURES / "learning_pilot", target)
    meta = yaml.safe_load((target / "project.yaml").read_text(encoding="utf-8"))
    changed = {}
    for table, file in meta["tables"].items():
        frame = pd.read_csv(target / file, dtype=str, keep_default_na=False)
        columns = [c for c in free_text_columns(table) if c in frame]
        for name in columns:
            frame[name] = [f"{value} {PAYLOAD}".strip() for value in frame[name]]
        frame.to_csv(target / file, index=False)
        changed[table] = columns
    meta["name"] += " " + PAYLOAD
    meta["programme"] += " " + PAYLOAD
    for phase in meta["phases"]:
        phase["name"] += " " + PAYLOAD
    (target / "project.yaml").write_text(yaml.safe_dump(meta, sort_keys=False, allow_unicode=True),
                                         encoding="utf-8")
    return changed


@pytest.mark.slow
def test_payloads_in_every_text_field_stay_text_on_every_page(tmp_path):
    project = tmp_path / "hostile"
    changed = hostile_project(project)
    # every table's free text is reached, and the names are the ones a page shows
    assert changed["partners"] == ["organisation", "short_name", "region_name"]
    assert changed["policy_changes"] == ["description"] and changed["events"] == ["title", "city", "topics", "note"]
    dataset = cx.load(project)   # the payloads are valid text: nothing refused
    assert dataset.project.name.endswith(PAYLOAD)
    out, err = io.StringIO(), io.StringIO()
    code = run_report(project_dir=project, out_dir=tmp_path / "out", only=ONE_OF_EACH, jobs=2, thumbnails=False,
                      progress=False, stdout=out, stderr=err)
    folder = Path(out.getvalue().splitlines()[0])
    manifest = json.loads((folder / "manifest.json").read_text())
    assert code == 0, [(r["slug"], r["error"]) for r in manifest["runs"] if r["error"]]
    assert [r["slug"].split("-")[0][:2] for r in manifest["runs"]] == ["00", "01", "02", "03", "04", "05"]
    pages = sorted(folder.glob("*.html"))
    require_chromium()
    with Browser() as browser:
        reports = dict(zip((p.name for p in pages), browser.load_many(pages, probe=PROBE)))
    shown, found = {}, []
    for name, report in reports.items():
        seen = report.probe
        # a name of 200 characters squeezes some plots until plotly asks for a negative width: a layout matter
        errors = [e for e in report.errors if not e.startswith(SQUEEZED)]
        found += [f"{name}: {e}" for e in errors] + [f"{name}: figure not drawn" for e in report.undrawn_figures]
        if seen["xss"] != "undefined":
            found.append(f"{name}: a payload ran")
        found += [f"{name}: a javascript: link {h}" for h in seen["javascript_links"]]
        if seen["planted"]:   # a link from the data, in the HTML or in a figure's SVG
            found.append(f"{name}: {seen['planted']} link(s) to x.example from the data")
        found += [f"{name}: an event handler {h}" for h in seen["handlers"]]
        if re.search(r"&(lt|gt|amp|#37);", seen["figure_text"]):   # plotly shows an entity it got escaped twice
            found.append(f"{name}: a figure shows an HTML entity instead of its character")
        text = seen["text"] + "\n" + seen["figure_text"]
        shown[name] = text
        if name[:2] in NAMING_THE_PROJECT and dataset.project.name not in text:
            found.append(f"{name}: the project's name is not shown as it is")
    everything = "\n".join(shown.values())
    events, practices = dataset.events, dataset.good_practices
    # fields a page shows, payload and all ({{7*7}} as typed: no template evaluated it; a figure may cut a long
    # name: a table shows it whole)
    for value in [*dataset.partners.organisation, *dataset.partners.short_name, *dataset.indicators.name,
                  *dataset.policy_instruments.name, *dataset.policy_changes.description,
                  *(phase.name for phase in dataset.project.phases),
                  *events.loc[events.event_type != "milestone", "title"],   # a milestone is no learning event
                  *practices.loc[practices.owner_partner_id.notna(), "title"]]:   # a practice of a partner
        if value not in everything:
            found.append(f"not shown as it is on any page: {value}")
    assert found == [], "\n".join(found)
