"""Reading tables as real exports arrive: CSV or XLSX, UTF-8 (with or without BOM) or cp1252,
``,`` ``;`` or tab delimiters, decimal commas, stray whitespace, upper/lower-case codes.

Readers never raise on a user's bad file: they return what they could read plus a list of
:class:`~clusterix_analytics.errors.DataProblem`, each naming file, spreadsheet row and column.

>>> from clusterix_analytics.data.readers import parse_number
>>> parse_number("1.234,5"), parse_number("0,25"), parse_number(" 13 000 000 ")
(1234.5, 0.25, 13000000.0)
"""
from __future__ import annotations

import csv
import datetime as dt
import difflib
import io as _io
import re
import zipfile
from pathlib import Path

import pandas as pd

from clusterix_analytics.data.tables import Column, TableSpec
from clusterix_analytics.errors import DataProblem

ROW = "_row"  # spreadsheet row number of each record (header = row 1)
FILE = "_file"
DELIMITERS = (",", ";", "\t")
TRUE = {"true", "yes", "y", "1", "wahr", "ja", "oui", "da", "ano"}
FALSE = {"false", "no", "n", "0", "falsch", "nein", "non", "nu", "ne"}
_SPACES = re.compile(r"[\s\u00a0\u202f']")


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # Excel "CSV" on Windows in Western Europe


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def read_raw_table(path: Path, label: str | None = None,
                   sheet: str | None = None) -> tuple[pd.DataFrame | None, list[DataProblem]]:
    """Read one CSV or XLSX file as strings: stripped headers and cells, blank rows dropped,
    a ``_row`` column with the spreadsheet row number. Returns (frame or None, problems).

    A workbook is read from its sheet named ``sheet`` (the table's name) when it has one, else from its first
    sheet; the frame's ``attrs["sheet"]`` names a sheet so chosen.
    """
    label = label or path.name
    if not path.is_file():
        return None, [DataProblem(label, 0, "-", "file not found")]
    data = path.read_bytes()
    if not data.strip():
        return None, [DataProblem(label, 0, "-", "file is empty: expected a header row and data rows")]
    chosen = None
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            with pd.ExcelFile(_io.BytesIO(data)) as book:
                chosen = sheet if sheet in book.sheet_names else None
                frame = pd.read_excel(book, sheet_name=chosen if chosen else 0, dtype=str, header=0,
                                      keep_default_na=False)
        except (zipfile.BadZipFile, ValueError, KeyError, OSError) as exc:
            return None, [DataProblem(label, 0, "-", f"not a readable Excel workbook ({exc.__class__.__name__})")]
        frame = frame.fillna("")
    else:
        text = _decode(data)
        if "\x00" in text or (data[:2] == b"PK" and zipfile.is_zipfile(_io.BytesIO(data))):
            return None, [DataProblem(label, 0, "-", "not a table: this is a binary file, expected CSV text "
                                      "(or an .xlsx file with the .xlsx extension)")]
        first_line = text.lstrip("\r\n").splitlines()[0]
        try:
            frame = pd.read_csv(_io.StringIO(text), sep=_delimiter(first_line), dtype=str, keep_default_na=False,
                                skip_blank_lines=False, quoting=csv.QUOTE_MINIMAL)
        except (pd.errors.ParserError, csv.Error, UnicodeError) as exc:
            msg = str(exc).strip().splitlines()[-1]
            m = re.search(r"line (\d+)", msg)
            return None, [DataProblem(label, int(m.group(1)) if m else 0, "-", f"not a readable table: {msg}")]
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.apply(lambda s: s.astype(str).str.strip()) if len(frame.columns) else frame
    frame[ROW] = range(2, len(frame) + 2)
    data_cols = [c for c in frame.columns if c != ROW]
    if data_cols:
        frame = frame[(frame[data_cols] != "").any(axis=1)]
    frame = frame.reset_index(drop=True)
    if chosen:
        frame.attrs["sheet"] = chosen
    return frame, []


def check_columns(frame: pd.DataFrame, spec: TableSpec, label: str) -> list[DataProblem]:
    """Missing columns (with a 'did you mean' for misspellings) and not-a-table files."""
    present = [c for c in frame.columns if c != ROW]
    expected = spec.column_names
    if len(present) == 1 and len(expected) > 1 and present[0] not in expected:
        return [DataProblem(label, 1, "-", f"not a table of {spec.name}: found a single column "
                            f"'{present[0][:40]}'; expected columns {', '.join(expected)} "
                            "separated by ',' or ';'")]
    problems = []
    extra = [c for c in present if c not in expected]
    lowered = {c.lower(): c for c in extra}
    for name in expected:
        if name in present:
            continue
        if name in lowered:  # "Partner_ID" for "partner_id": accept, it is the same column
            frame.rename(columns={lowered[name]: name}, inplace=True)
            continue
        if spec.column(name).optional:
            frame[name] = ""  # a column the workbook added later: a file without it is still valid
            continue
        close = difflib.get_close_matches(name, extra, n=1, cutoff=0.75)
        hint = f" (found '{close[0]}': misspelt?)" if close else ""
        problems.append(DataProblem(label, 1, name, f"missing column{hint}"))
    return problems


def parse_number(text: str) -> float:
    """A number as Europeans and spreadsheets write it: '1.234,5', '1,234.5', '0,25', '13 000 000'.

    A single comma is a decimal comma; repeated separators are thousands separators.
    Raises ValueError for anything else.
    """
    t = _SPACES.sub("", text)
    if t.count(",") and t.count("."):
        decimal = "," if t.rfind(",") > t.rfind(".") else "."
        t = t.replace("." if decimal == "," else ",", "").replace(",", ".")
    elif t.count(",") > 1 or t.count(".") > 1:
        if not re.fullmatch(r"-?\d{1,3}([.,]\d{3})+", t):
            raise ValueError(text)
        t = t.replace(",", "").replace(".", "")
    else:
        t = t.replace(",", ".")
    if not re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", t):
        raise ValueError(text)
    return float(t)


_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%d.%m.%Y", "%d/%m/%Y", "%Y/%m/%d")


def parse_date(text: str) -> pd.Timestamp:
    """ISO dates, Excel datetimes and day-first European dates ('23.05.2018', '23/05/2018')."""
    for fmt in _DATE_FORMATS:
        try:
            return pd.Timestamp(dt.datetime.strptime(text.strip(), fmt))
        except ValueError:
            continue
    raise ValueError(text)


def _coerce_cell(text: str, col: Column):
    if col.kind == "str":
        return text.upper() if col.upper else text.lower() if col.lower else text
    if col.kind == "float":
        return parse_number(text)
    if col.kind == "int":
        value = parse_number(text)
        if value != int(value):
            raise ValueError(text)
        return int(value)
    if col.kind == "date":
        return parse_date(text)
    if col.kind == "bool":
        low = text.lower()
        if low in TRUE or low in FALSE:
            return low in TRUE
        raise ValueError(text)
    raise AssertionError(col.kind)


_EXPECTED = {"int": "a whole number", "float": "a number", "date": "a date (YYYY-MM-DD or DD.MM.YYYY)",
             "bool": "true or false"}
_EMPTY = {"str": None, "int": pd.NA, "float": float("nan"), "date": pd.NaT, "bool": None}


def coerce_table(frame: pd.DataFrame, spec: TableSpec, label: str) -> tuple[pd.DataFrame, list[DataProblem], set]:
    """Convert the string cells of ``frame`` to the spec's types.

    Returns (typed frame with ``_row``, problems, {(index, column)} of cells that could not be read).
    Empty cells become missing values; whether a value is required is checked later by the schema.
    """
    problems: list[DataProblem] = []
    bad_cells: set = set()
    out = pd.DataFrame(index=frame.index)
    for col in spec.columns:
        if col.name not in frame:
            continue
        values = []
        for idx, text in frame[col.name].items():
            if text == "":
                values.append(_EMPTY[col.kind])
                continue
            try:
                values.append(_coerce_cell(text, col))
            except (ValueError, OverflowError):
                values.append(_EMPTY[col.kind])
                bad_cells.add((idx, col.name))
                problems.append(DataProblem(label, int(frame.at[idx, ROW]), col.name,
                                            f"'{text}' is not {_EXPECTED[col.kind]}"))
        if col.kind == "int":
            out[col.name] = pd.array(values, dtype="Int64")
        elif col.kind == "float":
            out[col.name] = pd.Series(values, index=frame.index, dtype="float64")
        elif col.kind == "date":
            out[col.name] = pd.to_datetime(pd.Series(values, index=frame.index, dtype=object)).astype("datetime64[ns]")
        elif col.kind == "bool":
            out[col.name] = pd.Series(values, index=frame.index, dtype=object)
        else:
            out[col.name] = pd.Series(values, index=frame.index, dtype=object)
    out[ROW] = frame[ROW]
    return out, problems, bad_cells
