"""Checks of a written page's HTML a reader with assistive technology relies on (unit and browser tests)."""
from __future__ import annotations

import re


def heading_jumps(page: str) -> list[str]:
    """Each heading that comes more than one level below the one before it (h1 → h3), as "h1 → h3 text"."""
    jumps, before = [], 0
    for level, text in re.findall(r"<h([1-6])\b[^>]*>(.*?)</h\1>", page, re.S):
        if int(level) > before + 1:
            jumps.append(f"h{before} → h{level} {re.sub(r'<[^>]+>', '', text).strip()[:60]}")
        before = int(level)
    return jumps


def accessibility_problems(page: str) -> list[str]:
    """What a page lacks: a language on <html>, headings in order, a text alternative for every figure
    (each plotly div inside a <figure> with a non-empty <figcaption>)."""
    problems = []
    if not re.search(r'<html\b[^>]*\blang="[a-z]{2}', page):
        problems.append("no lang on <html>")
    problems += heading_jumps(page)
    figures = len(re.findall(r'class="plotly-graph-div"', page))
    named = len(re.findall(r'<figure class="cx-figure">\s*(?:(?!</figure>).)*?class="plotly-graph-div"'
                           r'(?:(?!</figure>).)*<figcaption[^>]*>[^<\s][^<]*</figcaption></figure>', page, re.S))
    if named < figures:
        problems.append(f"{figures - named} of {figures} figure(s) without a text alternative")
    return problems


# What a reader should never be told: names from the code. A file name ending in .py; a snake_case name in
# backticks (`partner_scorecard`) or bare (a column or table name: "the good_practices table"); a dotted module
# path (indicators.partner_scorecard, clusterix_analytics.views). Data files (partners.csv, sector_map.csv,
# data/README.md) and web addresses are not code: a dotted name counts only with an underscore in it and not
# ending in a file extension. Values from the data are escaped in Markdown (a\_b), so they never match.
_PY_FILE = re.compile(r"[\w/.-]*\w\.py\b")
_BACKTICKED_SNAKE = re.compile(r"`[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+`")
_DOTTED = re.compile(r"(?<![\w/.:-])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
_BARE_SNAKE = re.compile(r"(?<![\w\\/.:`-])[a-z0-9]+(?:_[a-z0-9]+)+(?![\w/.`-])")
_FILE_EXTENSIONS = {"csv", "md", "yaml", "yml", "xlsx", "json", "html", "txt", "geojson", "topojson", "js", "pdf",
                    "ipynb", "png"}


def python_names(text: str) -> list[str]:
    """The names from the code a text shows a reader, in order ([] when it has none)."""
    found = []
    pattern = f"{_PY_FILE.pattern}|{_BACKTICKED_SNAKE.pattern}|{_DOTTED.pattern}|{_BARE_SNAKE.pattern}"
    for match in re.finditer(pattern, text):
        name = match.group(0)
        if name.endswith(".py") or name.startswith("`") or "." not in name:
            found.append(name)
        elif "_" in name and name.rsplit(".", 1)[-1].lower() not in _FILE_EXTENSIONS:
            found.append(name)
    return found
