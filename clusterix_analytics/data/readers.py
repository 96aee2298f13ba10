"""Reading tables as real exports arrive: CSV or XLSX, UTF-8 (with or without BOM), UTF-16 or cp1252,
``,`` ``;`` or tab delimiters, decimal commas, stray whitespace, upper/lower-case codes.

Readers never raise on a user's bad file: they return what they could read plus a list of
:class:`~clusterix_analytics.errors.DataProblem`, each naming file, spreadsheet row and column. They never
guess either:

- every read is bounded (``config.input_limits``: file size, unpacked XLSX size, rows, columns), and an XLSX
  sheet is read cell by cell as stored, so a declared range of a million empty rows costs nothing;
- a file is text in one encoding (:mod:`.encoding`); a header names each column once; a value right of the
  named columns, a formula without a saved value or an Excel error is refused where it is;
- numbers are read in one convention per file, decimal comma (``1.234,5``) or decimal point (``1,234.5``),
  shown by the file's own numbers; ``1,234`` or ``898.097`` alone could be either and is refused with both
  readings unless the file's other numbers settle it; a number that is not finite is refused.

How a number is written, and what settles it, is :mod:`.numbers`.

>>> from clusterix_analytics.data.readers import parse_number
>>> parse_number("1.234,5"), parse_number("0,25"), parse_number(" 13 000 000 ")
(1234.5, 0.25, 13000000.0)
"""
from __future__ import annotations

import csv
import datetime as dt
import difflib
import functools
import io as _io
import math
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from clusterix_analytics.config import (
    MAX_COLUMNS_ENV,
    MAX_FILE_MB_ENV,
    MAX_ROWS_ENV,
    MAX_UNPACKED_MB_ENV,
    InputLimits,
    input_limits,
)
from clusterix_analytics.data.encoding import CP1252, UTF16, EncodingProblem, decode_text
from clusterix_analytics.data.numbers import AmbiguousNumber, ambiguous_message, file_convention, parse_number
from clusterix_analytics.data.tables import Column, TableSpec
from clusterix_analytics.errors import DataProblem

ROW = "_row"  # spreadsheet row number of each record (header = row 1)
FILE = "_file"
DELIMITERS = (",", ";", "\t")
TRUE = {"true", "yes", "y", "1", "wahr", "ja", "oui", "da", "ano"}
FALSE = {"false", "no", "n", "0", "falsch", "nein", "non", "nu", "ne"}
XLSX_SUFFIXES = (".xlsx", ".xlsm")
UNSUPPORTED_SUFFIXES = {".xls": "an Excel 97–2003 workbook", ".ods": "an OpenDocument spreadsheet",
                        ".numbers": "a Numbers spreadsheet"}
# A CSV record with more delimiters than this times the column limit is refused before it is built (quoted
# delimiters count: a description may hold commas); a record within is checked cell by cell.
CELLS_PER_ROW = 10
# A table with more unreadable cells than this is not checked further (values against other tables, keys)
# until they are fixed: those checks would only repeat the same rows.
CHECKED_UNREADABLE = 1_000
_MB = 1024 * 1024
# One line with its ending (\r\n, \r or \n), or the last line without one: what ``open(newline="")`` yields.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
# Rows read so far are kept in blocks of this many, as arrays (a list per row would cost ~3x the cells).
ROWS_PER_BLOCK = 4096


# ---- how a file was read ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class FileReading:
    """How one table file was read: what a user should know to trust the numbers (``validate`` states it).

    >>> FileReading("o.csv", "csv", encoding="cp1252", delimiter=";", numbers="decimal comma",
    ...             numbers_example="row 4, value: '0,25'").describe()
    "numbers with a decimal comma (row 4, value: '0,25'); Windows-1252 text; ';'-separated"
    >>> FileReading("p.csv", "csv", encoding="utf-8", delimiter=",").describe() is None
    True
    """

    file: str
    format: str                        # "csv" or "xlsx"
    encoding: str | None = None        # CSV: utf-8, utf-16 or cp1252
    delimiter: str | None = None       # CSV: ',', ';' or tab
    numbers: str | None = None         # numbers.DECIMAL_COMMA or DECIMAL_POINT; None: no number shows one
    numbers_example: str = ""          # the cell that shows it: "row 4, value: '0,25'"
    sheet: str | None = None           # XLSX: the sheet read (the first)
    other_sheets: tuple[str, ...] = ()  # XLSX: sheets not read

    def describe(self) -> str | None:
        """One line of what is not the default (UTF-8, comma-separated, no decimals), or None."""
        notes = []
        if self.numbers:
            notes.append(f"numbers with a {self.numbers} ({self.numbers_example})")
        if self.encoding == CP1252:
            notes.append("Windows-1252 text")
        elif self.encoding == UTF16:
            notes.append("UTF-16 text")
        if self.delimiter and self.delimiter != ",":
            notes.append("tab-separated" if self.delimiter == "\t" else f"'{self.delimiter}'-separated")
        if self.other_sheets:
            notes.append(f"sheet '{self.sheet}' read; not read: " + ", ".join(f"'{s}'" for s in self.other_sheets))
        return "; ".join(notes) or None


@dataclass
class RawTable:
    """One file's cells as read: strings (stripped), XLSX numbers as Python numbers, a ``_row`` column."""

    frame: pd.DataFrame
    reading: FileReading
    header_row: int = 1


class _Refused(Exception):
    """Reading stops: the file as a whole (or from this row on) cannot be read."""

    def __init__(self, row: int, message: str, column: str = "-"):
        self.problem = (row, column, message)


def _limit_hint(env: str) -> str:
    return f"set ${env} to raise the limit"


def _column_letter(index: int) -> str:
    """Spreadsheet letters of a 1-based column index: 1 → A, 28 → AB."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# ---- CSV ----------------------------------------------------------------------------------------------------
def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _csv_records(text: str, limits: InputLimits) -> tuple[str, Iterator[tuple[int, list[str]]]]:
    """The delimiter and the records (spreadsheet row number, cells) of a CSV text."""
    start = len(text) - len(text.lstrip("\r\n"))
    end = text.find("\n", start)
    first_line = text[start:end if end >= 0 else len(text)]
    delimiter = _delimiter(first_line)
    if first_line.count(delimiter) >= limits.columns:
        raise _Refused(1, f"the header row has more than {limits.columns} columns, the most one table file may "
                       f"have ({_limit_hint(MAX_COLUMNS_ENV)})")

    delimiters = [0]   # in the record being read; more than CELLS_PER_ROW times the column limit is refused

    def lines():
        # lines as ``open(newline="")`` gives them, cut from the text one at a time (a StringIO of the text
        # would hold it again, at four bytes a character)
        for number, match in enumerate(_LINE.finditer(text), 1):
            line = match.group()
            delimiters[0] += line.count(delimiter)
            if delimiters[0] > CELLS_PER_ROW * limits.columns:
                raise _Refused(number, f"line {number} has more than {CELLS_PER_ROW * limits.columns:,} cells; one "
                               f"table file may have at most {limits.columns} columns ({_limit_hint(MAX_COLUMNS_ENV)})")
            yield line

    def records():
        reader = csv.reader(lines(), delimiter=delimiter, strict=True)
        row = 0
        while True:
            opened_on = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if "end of data" in str(exc):
                    raise _Refused(opened_on, f"a quoted cell opened in line {opened_on} is never closed: "
                                   "the rest of the file would be one cell") from None
                raise _Refused(reader.line_num, f"not a readable table: {exc} (line {reader.line_num})") from None
            delimiters[0] = 0
            row += 1
            if row > 2 * limits.rows:
                raise _Refused(row, f"more than {2 * limits.rows:,} rows (empty ones count); one table file may "
                               f"have at most {limits.rows:,} data rows ({_limit_hint(MAX_ROWS_ENV)})")
            yield row, cells
    return delimiter, records()


def _read_csv(data: bytes, label: str, limits: InputLimits):
    try:
        text, encoding = decode_text(data)
    except EncodingProblem as exc:
        raise _Refused(exc.line, exc.message) from None
    if not text.strip():
        raise _Refused(0, "file is empty: expected a header row and data rows")
    if "\x00" in text or (data[:2] == b"PK" and zipfile.is_zipfile(_io.BytesIO(data))):
        raise _Refused(0, "not a table: this is a binary file, expected CSV text (or an .xlsx file with the "
                       ".xlsx extension)")
    delimiter, records = _csv_records(text, limits)
    reading = FileReading(label, "csv", encoding=encoding, delimiter=delimiter)
    return reading, ((row, list(map(str.strip, cells))) for row, cells in records)


# ---- XLSX ---------------------------------------------------------------------------------------------------
FORMULA = "formula"   # the data type of a formula cell that has no saved value
ERROR = "e"
XLSX_MAX_SHEETS = 250   # Excel workbooks of tables have a few; opening each costs time
_SHEET_ENTRY = re.compile(rb"<(?:\w+:)?sheet[\s/>]")


def _sheet_rows(workbook, sheet, limits: InputLimits) -> Iterator[tuple[int, list[dict]]]:
    """(row number, cells holding something) of a read-only sheet, as stored: no cell is made up for a declared
    range, each row is freed once read, and reading stops at the end of the sheet's data (its formatting,
    merged ranges, ... are never read). More than twice ``limits.rows`` stored rows (formatted empty ones
    count) are refused: reading them would take long for nothing.

    The standard library's C parser reads the sheet: its expat (2.4.1 or newer, as Python 3.11 ships) refuses
    entity-expansion bombs, and ElementTree never fetches external entities.
    """
    from xml.etree.ElementTree import iterparse

    from openpyxl.worksheet._reader import CELL_TAG, FORMULA_TAG, ROW_TAG, WorkSheetParser

    data_tag = ROW_TAG.replace("}row", "}sheetData")
    # openpyxl's own cell reader (types, shared strings, dates by number format), as a read-only sheet uses it
    cells = WorkSheetParser(None, sheet._shared_strings, data_only=True, epoch=workbook.epoch,
                            date_formats=workbook._date_formats, timedelta_formats=workbook._timedelta_formats)
    stored = 0
    with sheet._get_source() as source:
        open_elements, row_open = [], False
        for event, element in iterparse(source, events=("start", "end")):
            if event == "start":
                open_elements.append(element)
                row_open = row_open or element.tag == ROW_TAG
                continue
            open_elements.pop()
            if element.tag == ROW_TAG:
                stored += 1
                if stored > 2 * limits.rows:
                    raise _Refused(0, f"the sheet stores more than {2 * limits.rows:,} rows (formatted empty rows "
                                   f"count); one table file may have at most {limits.rows:,} data rows: delete the "
                                   f"empty rows below the data ({_limit_hint(MAX_ROWS_ENV)})")
                number = element.get("r")
                cells.row_counter = int(number) if number else cells.row_counter + 1
                cells.col_counter = 0
                found = []
                for c in element:
                    if c.tag != CELL_TAG:
                        continue
                    if not len(c):   # a formatted empty cell: nothing to read (its position is not needed)
                        cells.col_counter += 1
                        continue
                    cell = cells.parse_cell(c)
                    if cell["value"] is None and c.find(FORMULA_TAG) is not None:
                        cell["data_type"], cell["value"] = FORMULA, "=" + (c.findtext(FORMULA_TAG) or "…")
                    if cell["value"] is not None and cell["value"] != "":
                        found.append(cell)
                row_open = False
                yield cells.row_counter, found
            elif row_open:
                continue   # a cell of the row being read
            elif element.tag == data_tag:
                return
            if open_elements:
                del open_elements[-1][-1]   # the element just read is its parent's last child


def _xlsx_text(value) -> str | int | float:
    """A cell value as the readers keep it: text, or an int/float for a number cell."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time, dt.timedelta)):
        return value.isoformat() if hasattr(value, "isoformat") else str(value)
    return str(value).strip()


def _read_xlsx(data: bytes, label: str, limits: InputLimits, sheet_name: str | None = None):
    try:
        archive = zipfile.ZipFile(_io.BytesIO(data))
        unpacked = sum(i.file_size for i in archive.infolist() if i.filename.endswith((".xml", ".rels")))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _Refused(0, "not a readable Excel workbook (not an .xlsx file: save it from Excel as .xlsx, or as "
                       "CSV with the .csv extension)") from None
    if unpacked > limits.unpacked_bytes:
        raise _Refused(0, f"the workbook unpacks to {unpacked / _MB:,.0f} MB of XML; an .xlsx table may unpack to "
                       f"at most {limits.unpacked_bytes / _MB:,.0f} MB ({_limit_hint(MAX_UNPACKED_MB_ENV)})")
    try:
        sheets = len(_SHEET_ENTRY.findall(archive.read("xl/workbook.xml")))
    except KeyError:
        sheets = 0   # openpyxl names what is missing
    if sheets > XLSX_MAX_SHEETS:
        raise _Refused(0, f"the workbook has {sheets:,} sheets; a table's workbook may have at most "
                       f"{XLSX_MAX_SHEETS} (the first is read)")
    import openpyxl

    try:
        with warnings.catch_warnings():   # "no default style", unsupported extensions: nothing for the user
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(_io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # noqa: BLE001 – any failure of a third-party parser on a user's file means "unreadable"
        raise _Refused(0, f"not a readable Excel workbook ({type(exc).__name__})") from None
    if not workbook.worksheets:
        raise _Refused(0, "the workbook has no worksheet")
    by_name = sheet_name in workbook.sheetnames   # a workbook of several tables, a sheet each (the template's)
    sheet = workbook[sheet_name] if by_name else workbook.worksheets[0]
    reading = FileReading(label, "xlsx", sheet=sheet.title,
                          other_sheets=() if by_name else tuple(s.title for s in workbook.worksheets[1:]))

    def records():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                yield from _sheet_rows(workbook, sheet, limits)
        except _Refused:
            raise
        except Exception as exc:  # noqa: BLE001 – as above: a sheet openpyxl cannot parse
            raise _Refused(0, f"not a readable Excel workbook: its sheet '{sheet.title}' cannot be read "
                           f"({type(exc).__name__})") from None
        finally:
            workbook.close()
    return reading, records()


def _xlsx_row(found: list[dict], width: int | None) -> tuple[list, list[tuple[int, str | None]]]:
    """The cells of one sheet row as a list (``width`` of them, or up to the last for the header), and the
    cells that cannot be used: (column index, why), why None for a value right of the ``width`` columns."""
    width = width if width is not None else max(c["column"] for c in found)
    cells: list = [""] * width
    refused: list[tuple[int, str | None]] = []
    for cell in found:
        column = cell["column"]
        if column > width:
            refused.append((column, None))
        elif cell["data_type"] == FORMULA:
            refused.append((column, f"a formula without a saved value ({cell['value'][:40]}): open the file in "
                                    "Excel and save it again, or type the value"))
        elif cell["data_type"] == ERROR:
            refused.append((column, f"an Excel error value {cell['value']}: fix the formula or type the value"))
        else:
            cells[column - 1] = _xlsx_text(cell["value"])
    return cells, refused


# ---- both formats -------------------------------------------------------------------------------------------
def _table(label: str, reading: FileReading, records, limits: InputLimits) -> tuple[RawTable | None, list]:
    """Header, rows and the problems that make a column unusable: duplicate names, values without a name."""
    is_xlsx = reading.format == "xlsx"
    problems: list[DataProblem] = []
    header: list[str] | None = None
    header_row = 0
    rows, blocks, row_numbers = [], [], []   # rows of the block being filled; blocks filled
    unnamed: dict[int, int] = {}    # column index (0-based) of a value without a column name -> its first row
    for number, cells in records:
        refused: list[tuple[int, str | None]] = []
        if is_xlsx:
            if not cells:
                continue
            cells, refused = _xlsx_row(cells, len(header) if header is not None else None)
        if header is None:
            if not any(c != "" for c in cells):
                continue   # blank rows above the header
            if len(cells) > limits.columns:
                raise _Refused(number, f"the header row has {len(cells)} columns; one table file may have at most "
                               f"{limits.columns} ({_limit_hint(MAX_COLUMNS_ENV)})")
            header, header_row = [c if isinstance(c, str) else _as_text(c) for c in cells], number
            nameless = [i for i, name in enumerate(header) if not name]
            problems += [DataProblem(label, number, _column_letter(col), f"the header cell is {why}")
                         for col, why in refused]
            continue
        for col, why in refused:
            if why is None:
                unnamed.setdefault(col - 1, number)
            else:
                problems.append(DataProblem(label, number, header[col - 1] or _column_letter(col), why))
        if len(cells) > len(header):   # a CSV row longer than the header: its last cells must be empty
            beyond = next((i for i, c in enumerate(cells[len(header):], len(header)) if c != ""), None)
            if beyond is not None:
                unnamed.setdefault(beyond, number)
            cells = cells[:len(header)]
        elif len(cells) < len(header):
            cells = cells + [""] * (len(header) - len(cells))   # a short row: its last cells are empty
        if cells.count("") == len(cells):   # a blank row (0 is a value: not any(cells) would drop it)
            continue
        if len(row_numbers) == limits.rows:
            raise _Refused(number, f"more than {limits.rows:,} data rows; one table file may have at most "
                           f"{limits.rows:,} ({_limit_hint(MAX_ROWS_ENV)})")
        for i in nameless:
            if cells[i] != "":
                unnamed.setdefault(i, number)
        rows.append(cells)
        row_numbers.append(number)
        if len(rows) == ROWS_PER_BLOCK:
            blocks.append(_block(rows, len(header)))
            rows = []
    if header is None:
        raise _Refused(0, "file is empty: expected a header row and data rows")
    for i, row in sorted(unnamed.items()):
        problems.append(DataProblem(label, row, _column_letter(i + 1), f"a value in column {_column_letter(i + 1)}, "
                                    f"which has no name in the header row (row {header_row}): name the column or "
                                    "clear it"))
    seen: dict[str, list[int]] = {}
    for i, name in enumerate(header):
        if name:
            seen.setdefault(name.casefold(), []).append(i)
    for places in seen.values():
        if len(places) > 1:
            where = ", ".join(_column_letter(i + 1) for i in places)
            names = " and ".join(sorted({f"'{header[i]}'" for i in places}))
            problems.append(DataProblem(label, header_row, header[places[0]], f"column {names} appears "
                                        f"{len(places)} times (columns {where}): a table has one column of each "
                                        "name"))
    if problems:
        return None, problems
    named = [i for i, name in enumerate(header) if name]
    blocks.append(_block(rows, len(header)))
    cells = np.concatenate(blocks) if len(blocks) > 1 else blocks[0]
    del blocks, rows
    if len(named) < len(header):
        cells = cells[:, named]
    frame = pd.DataFrame(cells, columns=[header[i] for i in named], dtype=object, copy=False)
    frame[ROW] = row_numbers
    return RawTable(frame.reset_index(drop=True), reading, header_row), []


def _block(rows: list[list], width: int) -> np.ndarray:
    """Rows of cells (each ``width`` long) as one 2-D array of objects, every cell kept as it is."""
    block = np.empty((len(rows), width), dtype=object)
    for i, row in enumerate(rows):
        block[i, :] = row
    return block


def read_raw_table(path: Path, label: str | None = None,
                   sheet: str | None = None) -> tuple[RawTable | None, list[DataProblem]]:
    """Read one CSV or XLSX file: stripped headers and cells, blank rows dropped, a ``_row`` column with the
    spreadsheet row number. Returns (raw table or None, problems).

    A workbook is read from its sheet named ``sheet`` (the table's name) when it has one, else from its first
    sheet (``reading.sheet`` says which).
    """
    label = label or path.name
    if not path.is_file():
        return None, [DataProblem(label, 0, "-", "not a file (a folder?)" if path.exists() else "file not found")]
    limits = input_limits()
    size = path.stat().st_size
    if size > limits.file_bytes:
        return None, [DataProblem(label, 0, "-", f"the file has {size / _MB:,.1f} MB; one table file may have at "
                                  f"most {limits.file_bytes / _MB:,.0f} MB ({_limit_hint(MAX_FILE_MB_ENV)})")]
    suffix = path.suffix.lower()
    if suffix in UNSUPPORTED_SUFFIXES:
        return None, [DataProblem(label, 0, "-", f"{UNSUPPORTED_SUFFIXES[suffix]} cannot be read: save it as "
                                  ".xlsx or as CSV")]
    data = path.read_bytes()
    if not data.strip():
        return None, [DataProblem(label, 0, "-", "file is empty: expected a header row and data rows")]
    try:
        if suffix in XLSX_SUFFIXES:
            reading, records = _read_xlsx(data, label, limits, sheet)
        else:
            reading, records = _read_csv(data, label, limits)
        return _table(label, reading, records, limits)
    except _Refused as refused:
        row, column, message = refused.problem
        return None, [DataProblem(label, row, column, message)]


def check_columns(frame: pd.DataFrame, spec: TableSpec, label: str, header_row: int = 1) -> list[DataProblem]:
    """Missing columns (with a 'did you mean' for misspellings, optional ones too) and not-a-table files."""
    present = [c for c in frame.columns if c != ROW]
    expected = spec.column_names
    if len(present) == 1 and len(expected) > 1 and present[0] not in expected:
        return [DataProblem(label, header_row, "-", f"not a table of {spec.name}: found a single column "
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
        close = difflib.get_close_matches(name, extra, n=1, cutoff=0.75)
        hint = f" (found '{close[0]}': misspelt?)" if close else ""
        if spec.column(name).optional and not close:
            frame[name] = ""  # a column the workbook added later: a file without it is still valid
            continue
        problems.append(DataProblem(label, header_row, name, f"missing column{hint}"))
    return problems


_DATE_FORMATS = ((re.compile(r"\d{4}-\d\d?-\d\d?"), "%Y-%m-%d"),
                 (re.compile(r"\d{4}-\d\d?-\d\d? \d\d?:\d\d:\d\d"), "%Y-%m-%d %H:%M:%S"),
                 (re.compile(r"\d\d?\.\d\d?\.\d{4}"), "%d.%m.%Y"), (re.compile(r"\d\d?/\d\d?/\d{4}"), "%d/%m/%Y"),
                 (re.compile(r"\d{4}/\d\d?/\d\d?"), "%Y/%m/%d"))
DATE_YEARS = (1900, 2199)   # a date outside is a typing slip (and outside what pandas' timestamps hold)


@functools.lru_cache(maxsize=4096)   # a table's dates repeat (the periods of observations)
def parse_date(text: str) -> pd.Timestamp:
    """ISO dates, Excel datetimes and day-first European dates ('23.05.2018', '23/05/2018').

    >>> parse_date("23.05.2018"), parse_date("2018-5-23")
    (Timestamp('2018-05-23 00:00:00'), Timestamp('2018-05-23 00:00:00'))
    """
    text = text.strip()
    fmt = next((fmt for pattern, fmt in _DATE_FORMATS if pattern.fullmatch(text)), None)
    if fmt is None:
        raise ValueError(text)
    day = dt.datetime.strptime(text, fmt)   # ValueError for an impossible day: 2021-02-30
    if not DATE_YEARS[0] <= day.year <= DATE_YEARS[1]:
        raise CellError(f"'{text}' is not a date between {DATE_YEARS[0]} and {DATE_YEARS[1]}")
    return pd.Timestamp(day)


class CellError(ValueError):
    """A cell that cannot be read, with the message the user sees."""


_EXPECTED = {"int": "a whole number", "float": "a number", "date": "a date (YYYY-MM-DD or DD.MM.YYYY)",
             "bool": "true or false"}
_EMPTY = {"str": None, "int": pd.NA, "float": float("nan"), "date": pd.NaT, "bool": None}
_EXACT_INTEGERS = 2 ** 53   # a whole number beyond is not exact as a float (and not a count anyone has)


def _as_text(value) -> str:
    """A number cell of a workbook where text is expected: 2019, not 2019.0."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _number(value, text: str, col: Column, convention: str | None, numbers: dict) -> float | int:
    if isinstance(value, str):
        number = numbers[text].read(convention) if numbers.get(text) is not None else parse_number(text)
    else:
        number = float(value)   # a workbook's number cell: no separators to read
    if not math.isfinite(number):
        raise CellError(f"'{text}' is not a finite number (too large)")
    if col.kind == "int":
        if number != int(number):
            raise ValueError(text)
        if abs(number) > _EXACT_INTEGERS:
            raise CellError(f"'{text}' is too large for a whole number")
        return int(number)
    return number


def _coerce_cell(value, col: Column, convention: str | None, numbers: dict):
    text = value if isinstance(value, str) else _as_text(value)
    if col.kind in ("float", "int"):
        return _number(value, text, col, convention, numbers)
    if col.kind == "date":
        return parse_date(text)
    if col.kind == "bool":
        low = text.lower()
        if low in TRUE or low in FALSE:
            return low in TRUE
        raise ValueError(text)
    raise AssertionError(col.kind)


def _read_cell(value, col: Column, convention: str | None, numbers: dict) -> tuple[bool, object]:
    """(True, the value in the column's type) or (False, why the cell cannot be read)."""
    try:
        return True, _coerce_cell(value, col, convention, numbers)
    except AmbiguousNumber:
        return False, ambiguous_message(value, numbers[value])
    except CellError as exc:
        return False, str(exc)
    except (ValueError, OverflowError):
        shown = value if isinstance(value, str) else _as_text(value)
        return False, f"'{shown}' is not {_EXPECTED[col.kind]}"


def number_convention(frame: pd.DataFrame, spec: TableSpec) -> tuple[str | None, str, dict, list]:
    """The convention of one file's numbers (:func:`.numbers.file_convention` over the text cells of its number
    columns): (convention, the cell showing it, {text: what it says}, [(position, column, text, convention)]
    of the cells written the other way)."""
    rows = frame[ROW].tolist()
    cells = ((rows[i], i, col.name, value)
             for col in spec.columns if col.kind in ("int", "float") and col.name in frame
             for i, value in enumerate(frame[col.name].tolist()) if isinstance(value, str) and value != "")
    return file_convention(cells)


def coerce_table(raw: RawTable, spec: TableSpec, label: str) -> tuple[pd.DataFrame, list[DataProblem], set,
                                                                       FileReading]:
    """Convert the cells of one file to the spec's types, its numbers read in the file's convention.

    Returns (typed frame with ``_row``, problems, {(index, column)} of cells that could not be read (at most
    CHECKED_UNREADABLE + 1 of them: past that the table is not checked further), the file's reading with its
    number convention). Empty cells become missing values; whether a value is required is checked later by
    the schema.
    """
    frame = raw.frame   # positions are its index (read_raw_table numbers the rows 0..n-1)
    convention, example, numbers, inconsistent = number_convention(frame, spec)
    refused = {(idx, col): (text, other) for idx, col, text, other in inconsistent}
    problems: list[DataProblem] = []
    bad_cells: set = set()
    rows = frame[ROW].tolist()
    out = pd.DataFrame(index=frame.index)
    for col in spec.columns:
        if col.name not in frame:
            continue
        if col.kind == "str":   # text cannot be unreadable: only the case is settled
            texts = [None if v == "" else v if isinstance(v, str) else _as_text(v) for v in frame[col.name].tolist()]
            case = str.upper if col.upper else str.lower if col.lower else None
            if case:
                texts = [None if v is None else case(v) for v in texts]
            out[col.name] = pd.Series(texts, index=frame.index, dtype=object)
            continue
        # Each distinct cell of a column is read once: a long table repeats its dates and numbers.
        codes, uniques = pd.factorize(frame[col.name].to_numpy(dtype=object), use_na_sentinel=False)
        read = [(True, _EMPTY[col.kind]) if isinstance(value, str) and value == ""
                else _read_cell(value, col, convention, numbers) for value in uniques]
        typed = np.empty(len(read), dtype=object)
        typed[:] = [got if ok else _EMPTY[col.kind] for ok, got in read]
        values = typed[codes] if len(codes) else np.empty(0, dtype=object)
        messages = {}   # position in the frame -> why its cell cannot be read
        for k in (k for k, (ok, _) in enumerate(read) if not ok):
            for position in np.flatnonzero(codes == k):
                messages[int(position)] = read[k][1]
        for (idx, name), (text, other) in refused.items():
            if name == col.name:
                messages[idx] = (f"'{text}' is written with a {other}, but this file writes its numbers with a "
                                 f"{convention} ({example}): write every number of the file the same way")
        unreadable = sorted(messages)
        if unreadable:
            values[unreadable] = _EMPTY[col.kind]
            bad_cells.update((idx, col.name) for idx in unreadable[:max(0, CHECKED_UNREADABLE + 1 - len(bad_cells))])
            problems += [DataProblem(label, rows[idx], col.name, messages[idx]) for idx in unreadable]
        values = list(values)
        if col.kind == "int":
            out[col.name] = pd.array(values, dtype="Int64")
        elif col.kind == "float":
            out[col.name] = pd.Series(values, index=frame.index, dtype="float64")
        elif col.kind == "date":
            out[col.name] = pd.to_datetime(pd.Series(values, index=frame.index, dtype=object)).astype("datetime64[ns]")
        else:
            out[col.name] = pd.Series(values, index=frame.index, dtype=object)
    out[ROW] = frame[ROW]
    return out, problems, bad_cells, replace(raw.reading, numbers=convention, numbers_example=example)
