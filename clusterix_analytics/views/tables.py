"""The one table renderer of every page: a frame and its column declarations in, a table for readers out.

A view declares each table's columns once, as ``{column: Column}`` (a bare string is a label whose format
follows the column's dtype), and :func:`reader_table` renders exactly those columns, in that order, under
their labels. Every page writes values the same way:

======================  =========================================================================
counts                  thousands separators: ``13,000,000``
EUR amounts             the same, with the unit in the header: ``Funds influenced (EUR)``
percentages, shares     ``366%`` (a value out of 100) or ``62%`` (a share 0..1)
dates                   ``2016-04-01`` (a date known to the month or year only: ``2017-11``, ``2018``)
booleans                ``yes`` / ``no``
unknown                 ``–`` (NaN, NaT, ``<NA>``, None, an empty text)
source URLs             a link showing the domain: ``interregeurope.eu`` (http and https only)
codes                   words: ``lead_partner`` → ``Lead partner``
======================  =========================================================================

Every text is HTML-escaped; no index is shown (name an index level among the columns to show it). Each table
states its provenance under it, from the rows it was drawn from (:func:`~clusterix_analytics.data.provenance.
provenance`): sourced, demo data, or partly demo data with how many rows are demo data.

The result shows as HTML in JupyterLab and in exported pages (``_repr_html_``) and as plain text in a console.
The report stylesheet (``reports/templates/clusterix.css``) styles the classes ``cx-table``, ``cx-table-caption``,
``cx-table-scroll`` (a wide table scrolls inside the page), ``cx-table-grid`` and ``cx-provenance``. JupyterLab
does not load that stylesheet and right-aligns every cell, so the few declarations a reader needs there are
inline, and the same on the report pages: text cells left, long text wrapped between 14 and 32 em, the scroll
wrapper; numbers carry no style (right-aligned everywhere).

>>> import pandas as pd
>>> frame = pd.DataFrame({"short_name": ["ecoplus", "<b>VLAIO</b>"], "funds_eur": [13_000_000.0, None],
...                       "lead": [True, False], "source": ["https://www.interregeurope.eu/x", "no source"],
...                       "synthetic": [False, True]})
>>> table = reader_table(frame, {"short_name": "Partner", "funds_eur": eur("Funds influenced"),
...                              "lead": "Lead partner", "source": link("Source")}, provenance_of=frame)
>>> table
Partner       Funds influenced (EUR)  Lead partner  Source
ecoplus       13,000,000              yes           interregeurope.eu
<b>VLAIO</b>  –                       no            no source
Partly demo data: 1 of 2 rows behind this table is demo data.
>>> html = table._repr_html_()
>>> "&lt;b&gt;VLAIO&lt;/b&gt;" in html, '<a href="https://www.interregeurope.eu/x"' in html
(True, True)
"""
from __future__ import annotations

import base64
import html
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date as _date
from datetime import datetime
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from clusterix_analytics.data.provenance import DEMO, PROVENANCE_WORDS, SOURCED, provenance, synthetic_rows
from clusterix_analytics.style import MUTED

MISSING = "–"
DATE_FORMATS = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}
KINDS = ("text", "words", "count", "number", "eur", "percent", "share", "date", "year", "yes_no", "link")
NUMERIC_KINDS = {"count", "number", "eur", "percent", "share", "year"}
# Console output cuts long text here (HTML wraps it instead).
CONSOLE_TEXT_WIDTH = 60

# The inline declarations JupyterLab needs (its own table style right-aligns every cell and knows no classes of
# ours); the report stylesheet says the same through the classes.
_LEFT = "text-align:left"
_WRAP = "text-align:left;min-width:14em;max-width:32em"
_DATE = "text-align:left;white-space:nowrap"  # 2021-03-31 never breaks at a hyphen
_SCROLL = "overflow-x:auto;max-width:100%"
_PROVENANCE = f"color:{MUTED};font-size:0.9em;margin:2px 0 12px"
# A table's CSV rides in its page as a data: URI (a page copied out of its folder keeps its downloads); the BOM
# makes spreadsheet programs read the text as UTF-8.
CSV_MEDIA = "data:text/csv;charset=utf-8;base64,"
FORMULA_STARTS = ("=", "+", "@")


@dataclass(frozen=True)
class Column:
    """How one column shows: its header label and the kind of its values.

    ``kind`` is one of :data:`KINDS`; ``digits`` the decimals of a number or percentage (``fixed``: always that
    many, for columns of indices read side by side); ``wrap`` lets long text wrap; ``values`` names codes
    (``{"lead_partner": "lead partner"}``); ``precision`` names the column saying how precisely each date is
    known (``day``, ``month`` or ``year``).
    """

    label: str
    kind: str = "text"
    digits: int = 0
    wrap: bool = False
    values: Mapping[str, str] | None = None
    precision: str | None = None
    fixed: bool = False

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}; valid: {', '.join(KINDS)}")


def text(label: str, wrap: bool = False, values: Mapping[str, str] | None = None) -> Column:
    """Text as it is (escaped); ``wrap`` for long text; ``values`` maps codes to words."""
    return Column(label, "text", wrap=wrap, values=values)


def words(label: str, values: Mapping[str, str] | None = None) -> Column:
    """A code shown as words: ``business_agency`` → ``Business agency`` (``values`` overrides single codes)."""
    return Column(label, "words", values=values)


def count(label: str) -> Column:
    """A whole number with thousands separators: ``1,234``."""
    return Column(label, "count")


def number(label: str, digits: int = 2, fixed: bool = False) -> Column:
    """A number with thousands separators and up to ``digits`` decimals (trailing zeros dropped: 117, 6.1, 3.14),
    or exactly ``digits`` with ``fixed`` (1.10, 0.33, 1.00)."""
    return Column(label, "number", digits=digits, fixed=fixed)


def eur(label: str) -> Column:
    """An amount in euros, whole euros; the unit goes into the header: ``Funds (EUR)``."""
    return Column(f"{label} (EUR)", "eur")


def percent(label: str, digits: int = 0) -> Column:
    """A value out of 100 as a percentage: ``365.625`` → ``366%``."""
    return Column(label, "percent", digits=digits)


def share(label: str, digits: int = 0) -> Column:
    """A share between 0 and 1 as a percentage: ``0.62`` → ``62%``."""
    return Column(label, "share", digits=digits)


def date(label: str, precision: str | None = None) -> Column:
    """A date as ``YYYY-MM-DD``; with ``precision`` (a column of ``day`` / ``month`` / ``year``) as precise as
    it is known: ``2017-11``, ``2018``."""
    return Column(label, "date", precision=precision)


def year(label: str) -> Column:
    """A year, without a thousands separator: ``2015``."""
    return Column(label, "year")


def yes_no(label: str) -> Column:
    """A boolean as ``yes`` / ``no``."""
    return Column(label, "yes_no")


def link(label: str, wrap: bool = False) -> Column:
    """A URL as a link showing its domain (http and https only; any other text shows as text)."""
    return Column(label, "link", wrap=wrap)


def humanise(code: str) -> str:
    """A code as words: underscores become spaces and the first letter a capital.

    >>> humanise("lead_partner"), humanise("EU"), humanise("")
    ('Lead partner', 'EU', '')
    """
    spaced = str(code).replace("_", " ").strip()
    return spaced[:1].upper() + spaced[1:]


def is_missing(value) -> bool:
    """Whether a cell's value is unknown: None, NaN, NaT, ``pd.NA`` or a blank text.

    >>> [is_missing(v) for v in (None, float("nan"), pd.NaT, pd.NA, " ", 0, "x")]
    [True, True, True, True, True, False, False]
    """
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple, dict, set, np.ndarray)):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def domain(url: str) -> str | None:
    """The domain a link shows, without ``www.``; None unless ``url`` is an http(s) URL with a host.

    >>> domain("https://www.interregeurope.eu/x"), domain("javascript:alert(1)"), domain("http://uefiscdi.gov.ro")
    ('interregeurope.eu', None, 'uefiscdi.gov.ro')
    """
    try:
        parts = urlsplit(str(url).strip())
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return host.removeprefix("www.")


def _number(value: float, digits: int, fixed: bool = False) -> str:
    shown = f"{value:,.{digits}f}"
    if "." in shown and not fixed:
        shown = shown.rstrip("0").rstrip(".")
    return "0" if shown in ("-0", "") else shown


def _percentage(value: float, digits: int) -> str:
    """``value`` (out of 100) as a percentage; one that is not exactly 0 or 100 never shows as 0% or 100%
    (99.54 → ``99.5%``, not ``100%``): up to three more decimals are added."""
    shown = _number(value, digits)
    for extra in range(digits + 1, digits + 4):
        if value in (0, 100) or float(shown.replace(",", "")) not in (0.0, 100.0, -0.0):
            break
        shown = _number(value, extra)
    return shown + "%"


def _as_float(value) -> float | None:
    if isinstance(value, (bool, np.bool_)):
        return None
    try:
        number_ = float(value)
    except (TypeError, ValueError):
        return None
    return number_ if math.isfinite(number_) else None


def _as_timestamp(value) -> pd.Timestamp | None:
    if isinstance(value, (pd.Timestamp, datetime, _date, np.datetime64)):
        return pd.Timestamp(value)
    if isinstance(value, str):
        try:
            return pd.Timestamp(value)
        except ValueError:
            return None
    return None


def format_cell(value, column: Column, precision=None) -> tuple[str, str]:
    """(plain text, HTML) of one cell; every text is escaped, a link is an ``<a>`` only for http(s).

    >>> format_cell(13_000_000.0, count("n")), format_cell(float("nan"), eur("x"))
    (('13,000,000', '13,000,000'), ('–', '–'))
    >>> format_cell(365.625, percent("p"))[0], format_cell(0.0, share("s"))[0], format_cell(True, yes_no("b"))[0]
    ('366%', '0%', 'yes')
    >>> format_cell(860 / 864, share("s"))[0], format_cell(0.003, share("s"))[0]
    ('99.5%', '0.3%')
    >>> format_cell(pd.Timestamp("2018-01-01"), date("d"), precision="year")[0]
    '2018'
    >>> format_cell("<script>alert(1)</script>", text("t"))[1]
    '&lt;script&gt;alert(1)&lt;/script&gt;'
    """
    if is_missing(value):
        return MISSING, MISSING
    kind = column.kind
    if column.values and not isinstance(value, (float, np.floating)) and str(value) in column.values:
        shown = column.values[str(value)]
        return shown, html.escape(shown)
    shown = None
    if kind == "yes_no" and isinstance(value, (bool, np.bool_)):
        shown = "yes" if value else "no"
    elif kind in NUMERIC_KINDS and (number_ := _as_float(value)) is not None:
        if kind in ("count", "eur"):
            shown = f"{round(number_):,}"
        elif kind == "year":
            shown = str(round(number_))
        elif kind == "number":
            shown = _number(number_, column.digits, column.fixed)
        else:
            shown = _percentage(number_ * (100 if kind == "share" else 1), column.digits)
    elif kind == "date" and (stamp := _as_timestamp(value)) is not None:
        shown = stamp.strftime(DATE_FORMATS.get(str(precision) if not is_missing(precision) else "day",
                                                DATE_FORMATS["day"]))
    elif kind == "words":
        shown = humanise(value)
    elif kind == "link" and (host := domain(value)) is not None:
        url = str(value).strip()
        return host, (f'<a href="{html.escape(url, quote=True)}" target="_blank" rel="noopener noreferrer">'
                      f"{html.escape(host)}</a>")
    if shown is None:  # a value of another kind than declared (a note in a link column): shown as text
        shown = str(value)
    return shown, html.escape(shown)


def data_value(value, column: Column, precision=None):
    """One cell's value for the CSV download: as in the data, a date at its precision, unknown as None, a text
    that a spreadsheet would take for a formula behind a ``'``.

    >>> data_value(pd.Timestamp("2017-11-01"), date("d"), "month"), data_value(pd.NA, count("n"))
    ('2017-11', None)
    >>> data_value(True, yes_no("b")), data_value(13_000_000.0, eur("x"))
    ('true', 13000000.0)
    """
    if is_missing(value):
        return None
    if column.kind == "date" and (stamp := _as_timestamp(value)) is not None:
        return stamp.strftime(DATE_FORMATS.get(str(precision) if not is_missing(precision) else "day",
                                               DATE_FORMATS["day"]))
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"   # as the project's data files write them
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value   # a spreadsheet opening the CSV shows the text, never runs it as a formula
    return value.item() if isinstance(value, np.generic) else value


def _column(spec: Column | str, series: pd.Series) -> Column:
    """A declared column, or one whose kind follows the dtype of ``series`` (a bare label)."""
    if isinstance(spec, Column):
        return spec
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return yes_no(spec)
    if pd.api.types.is_integer_dtype(dtype):
        return count(spec)
    if pd.api.types.is_float_dtype(dtype):
        return number(spec)
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return date(spec)
    return text(spec)


def provenance_line(*frames: pd.DataFrame) -> tuple[str, str]:
    """(provenance, the sentence under a table) for the rows the table was drawn from.

    >>> provenance_line(pd.DataFrame({"synthetic": [False, False]}))
    ('sourced', 'Sourced: all 2 rows behind this table are sourced facts.')
    >>> provenance_line(pd.DataFrame({"synthetic": [True]}))
    ('demo', 'Demo data: the 1 row behind this table is a synthetic demo value, not a real figure.')
    >>> provenance_line(pd.DataFrame({"synthetic": [True, False, False]}))[1]
    'Partly demo data: 1 of 3 rows behind this table is demo data.'
    """
    synthetic, total = synthetic_rows(*frames)
    where = provenance(*frames)
    lead = PROVENANCE_WORDS[where][:1].upper() + PROVENANCE_WORDS[where][1:]
    one = total == 1
    rows = f"{'the' if one else 'all'} {total:,} row{'' if one else 's'} behind this table {'is' if one else 'are'}"
    if where == SOURCED:
        return where, f"{lead}: {rows} {'a sourced fact' if one else 'sourced facts'}." if total else f"{lead}."
    if where == DEMO:
        return where, (f"{lead}: {rows} {'a synthetic demo value' if one else 'synthetic demo values'}, "
                       f"not {'a real figure' if one else 'real figures'}.")
    return where, (f"{lead}: {synthetic:,} of {total:,} rows behind this table {'is' if synthetic == 1 else 'are'} "
                   "demo data.")


def _frames(provenance_of) -> tuple[pd.DataFrame, ...]:
    if isinstance(provenance_of, pd.DataFrame):
        return (provenance_of,)
    frames = tuple(provenance_of)
    if not all(isinstance(f, pd.DataFrame) for f in frames):
        raise TypeError("provenance_of takes the DataFrame(s) a table was drawn from")
    return frames


@dataclass(frozen=True)
class ReaderTable:
    """A table for readers: HTML in notebooks and pages, plain text in a console.

    ``cells`` holds the plain text of every cell under the header labels (what a test reads); ``provenance``
    is ``sourced``, ``demo`` or ``mixed`` and ``provenance_text`` the sentence under the table.
    """

    cells: pd.DataFrame
    html_cells: pd.DataFrame
    columns: tuple[Column, ...]
    caption: str | None
    provenance: str
    provenance_text: str
    data: pd.DataFrame | None = None   # the values behind the cells, for the CSV download (see :meth:`csv`)

    def csv(self) -> str:
        """The table as CSV: its header labels and the values behind the cells, unformatted (numbers as numbers,
        dates as ISO dates at their precision, yes/no as true/false, full URLs; unknown: empty).

        >>> frame = pd.DataFrame({"n": [13_000_000.0, None], "d": [pd.Timestamp("2018-03-01"), None]})
        >>> print(reader_table(frame, {"n": eur("Funds"), "d": "Date"}, provenance_of=frame).csv(), end="")
        Funds (EUR),Date
        13000000.0,2018-03-01
        ,
        """
        return (self.data if self.data is not None else self.cells).to_csv(index=False, lineterminator="\n")

    def download_name(self) -> str:
        """The CSV's file name: the caption (or the first column labels) as a slug.

        >>> frame = pd.DataFrame({"a": [1]})
        >>> reader_table(frame, {"a": "Partner – region"}, provenance_of=frame).download_name()
        'partner-region.csv'
        """
        words = self.caption or "-".join(c.label for c in self.columns[:3]) or "table"
        return (re.sub(r"[^a-z0-9]+", "-", words.lower()).strip("-")[:60].strip("-") or "table") + ".csv"

    def download_link(self) -> str:
        """The link that downloads the table as CSV (the file inside the link: no request leaves the page)."""
        payload = base64.b64encode(("\ufeff" + self.csv()).encode("utf-8")).decode("ascii")
        return (f'<a class="cx-download" href="{CSV_MEDIA}{payload}" download="{html.escape(self.download_name())}">'
                "Download this table (CSV)</a>")

    def to_html(self) -> str:
        """The table as an HTML fragment (every text escaped)."""
        styles = [_style(c) for c in self.columns]
        head = "".join(f"<th{style}>{html.escape(c.label)}</th>" for c, style in zip(self.columns, styles))
        body = "".join("<tr>" + "".join(f"<td{style}>{cell}</td>" for style, cell in zip(styles, row)) + "</tr>"
                       for row in self.html_cells.itertuples(index=False, name=None))
        if not len(self.html_cells):
            body = f'<tr><td colspan="{len(self.columns)}"{_style_attr(_LEFT)}>No rows.</td></tr>'
        title = f'<p class="cx-table-caption"><strong>{html.escape(self.caption)}</strong></p>' if self.caption else ""
        return (f'<div class="cx-table" data-provenance="{self.provenance}">{title}'
                f'<div class="cx-table-scroll"{_style_attr(_SCROLL)}><table class="cx-table-grid">'
                f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
                f'<p class="cx-provenance cx-provenance-{self.provenance}"{_style_attr(_PROVENANCE)}>'
                f"{html.escape(self.provenance_text)} {self.download_link()}</p></div>")

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        shown = self.cells.copy()
        for c, label in zip(self.columns, shown.columns):
            if c.wrap:
                shown[label] = shown[label].map(_shorten)
        lines = [self.caption] if self.caption else []
        if len(shown):
            widths = [max([len(label), *map(len, shown[label])]) for label in shown.columns]
            rows = [list(shown.columns), *shown.itertuples(index=False, name=None)]
            lines += ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
        else:
            lines += ["  ".join(shown.columns), "No rows."]
        return "\n".join(lines + [self.provenance_text])


def _shorten(value: str) -> str:
    return value if len(value) <= CONSOLE_TEXT_WIDTH else value[: CONSOLE_TEXT_WIDTH - 1] + "…"


def _style(column: Column) -> str:
    """The inline style of a column's cells: none for numbers (right-aligned everywhere), text left, long text
    wrapped within bounds, dates whole."""
    if column.kind in NUMERIC_KINDS:
        return ""
    if column.kind == "date":
        return _style_attr(_DATE)
    return _style_attr(_WRAP if column.wrap else _LEFT)


def _style_attr(declarations: str) -> str:
    return f' style="{declarations}"'


def reader_table(frame: pd.DataFrame, columns: Mapping[str, Column | str], *, provenance_of,
                 caption: str | None = None, note: str | None = None) -> ReaderTable:
    """``frame``'s ``columns`` (column name → :class:`Column` or label), formatted for readers.

    ``provenance_of`` is the frame, or the frames, the table was drawn from: the sentence under the table says
    whether those rows are sourced, demo data, or how many are demo data (a frame without a ``synthetic``
    column counts as sourced). A name of an index level counts as a column; the index itself is never shown.
    ``caption`` is a title above the table; ``note`` a sentence after the provenance (what else a reader must
    know about where the values come from).

    >>> frame = pd.DataFrame({"phase_id": ["P1"], "share": [0.125], "start": [pd.Timestamp("2016-04-01")]})
    >>> table = reader_table(frame.set_index("phase_id"), {"phase_id": "Phase", "share": share("Share"),
    ...                      "start": "Start"}, provenance_of=frame, caption="Phases")
    >>> table.cells.to_dict("records")
    [{'Phase': 'P1', 'Share': '12%', 'Start': '2016-04-01'}]
    >>> print(table)
    Phases
    Phase  Share  Start
    P1     12%    2016-04-01
    Sourced: the 1 row behind this table is a sourced fact.
    >>> reader_table(frame, {"phases": "Phase"}, provenance_of=frame)
    Traceback (most recent call last):
    ...
    KeyError: "no column 'phases' to show; the frame has: phase_id, share, start"
    """
    frames = _frames(provenance_of)
    named = [n for n in frame.index.names if n is not None]
    if any(name in columns for name in named):
        frame = frame.reset_index()
    missing = [name for name in columns if name not in frame.columns]
    if missing:
        raise KeyError(f"no column {missing[0]!r} to show; the frame has: {', '.join(map(str, frame.columns))}")
    declared = tuple(_column(spec, frame[name]) for name, spec in columns.items())
    labels = [c.label for c in declared]
    if len(set(labels)) != len(labels):
        raise ValueError(f"two columns share a label: {labels}")
    plain, marked, data = {}, {}, {}
    for (name, _), column in zip(columns.items(), declared):
        precision = frame[column.precision] if column.precision else [None] * len(frame)
        pairs = [format_cell(value, column, p) for value, p in zip(frame[name], precision)]
        plain[column.label] = [p for p, _ in pairs]
        marked[column.label] = [h for _, h in pairs]
        data[column.label] = [data_value(value, column, p) for value, p in zip(frame[name], precision)]
    where, sentence = provenance_line(*frames)
    if note:
        sentence = f"{sentence} {note}"
    return ReaderTable(cells=pd.DataFrame(plain, columns=labels, dtype=object),
                       html_cells=pd.DataFrame(marked, columns=labels, dtype=object),
                       columns=declared, caption=caption, provenance=where, provenance_text=sentence,
                       data=pd.DataFrame(data, columns=labels, dtype=object))


def relabel(columns: Mapping[str, Column | str], **labels: str) -> dict[str, Column | str]:
    """The same declarations with some labels changed (a header naming a parameter, e.g. a chosen phase).

    >>> changed = relabel({"a": count("A"), "b": "B"}, a="Members in P1", b="Bee")
    >>> changed["a"].label, changed["a"].kind, changed["b"]
    ('Members in P1', 'count', 'Bee')
    """
    changed = dict(columns)
    for name, label in labels.items():
        spec = changed[name]
        changed[name] = replace(spec, label=label) if isinstance(spec, Column) else label
    return changed

