"""How a number is written: the forms accepted, the convention each shows, and the one of a whole file.

Two conventions share the same characters: decimal comma (``1.234,5``, ``0,25``) and decimal point
(``1,234.5``, ``0.25``); spaces and the apostrophe (``13 000 000``, ``1'234.50``) only ever separate
thousands. Most texts show which they use; one separator before exactly three digits (``1,234``, ``898.097``)
does not: it is 1234 or 1.234, 898097 or 898.097. A file's numbers are read by one convention, shown by its
own numbers (:func:`file_convention`); an ambiguous text is read by it, or refused with both readings when
nothing in the file shows one.

>>> parse_number("1.234,5"), parse_number("1,234.5"), parse_number("1 234,5")
(1234.5, 1234.5, 1234.5)
>>> parse_number("898.097")
Traceback (most recent call last):
...
clusterix_analytics.data.numbers.AmbiguousNumber: 898.097
>>> parse_number("898.097", DECIMAL_COMMA), parse_number("898.097", DECIMAL_POINT)
(898097.0, 898.097)
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

DECIMAL_COMMA, DECIMAL_POINT = "decimal comma", "decimal point"
_DECIMAL_MARK = {DECIMAL_COMMA: ",", DECIMAL_POINT: "."}


class AmbiguousNumber(ValueError):
    """A number that reads two ways: ``1,234`` is 1234 or 1.234, ``898.097`` is 898097 or 898.097."""


@dataclass(frozen=True)
class NumberText:
    """What the text of a number says: its value, the convention its separators show (if any), and for an
    ambiguous text (one separator before three digits) the separator, ``value`` being its decimal reading."""

    value: float
    shows: str | None = None
    ambiguous_separator: str | None = None
    thousands: float | None = None     # an ambiguous text's reading with the separator between thousands

    def read(self, convention: str | None) -> float:
        if self.ambiguous_separator is None:
            return self.value
        if convention is None:
            raise AmbiguousNumber
        return self.value if _DECIMAL_MARK[convention] == self.ambiguous_separator else self.thousands


_SPACE = "[ \u00a0\u202f']"   # spaces and the apostrophe only ever separate thousands
_NUMBER_FORMS = [
    ("plain", re.compile(r"\d+")),
    ("exponent", re.compile(r"(?P<m>\d+(?:[.,]\d+)?|[.,]\d+)[eE](?P<e>[-+]?\d+)")),
    ("spaced", re.compile(rf"(?P<i>[1-9]\d{{0,2}}(?:{_SPACE}\d{{3}})+)(?:(?P<d>[.,])(?P<f>\d+))?")),
    ("grouped", re.compile(r"(?P<i>[1-9]\d{0,2}(?P<g>[.,])\d{3}(?:(?P=g)\d{3})+)")),
    ("grouped_decimal", re.compile(r"(?P<i>[1-9]\d{0,2}(?:(?P<g>[.,])\d{3})+)(?P<d>[.,])(?P<f>\d+)")),
    ("one_separator", re.compile(r"(?P<i>\d*)(?P<d>[.,])(?P<f>\d+)")),
]
_SHOWS = {",": DECIMAL_COMMA, ".": DECIMAL_POINT}          # a decimal mark shows its convention
_GROUP_SHOWS = {".": DECIMAL_COMMA, ",": DECIMAL_POINT}    # so does a thousands separator


def number_text(text: str) -> NumberText:
    """Read the text of a number; ValueError if it is not one in any unambiguous or ambiguous form."""
    t = text.strip().replace("\u2212", "-")
    sign = -1.0 if t[:1] == "-" else 1.0
    t = t[1:] if t[:1] in "+-" else t
    for form, pattern in _NUMBER_FORMS:
        m = pattern.fullmatch(t)
        if not m:
            continue
        if form == "plain":
            value, shows = float(t), None
        elif form == "exponent":
            mantissa = m["m"]
            mark = "," if "," in mantissa else "." if "." in mantissa else None
            value, shows = float(f"{mantissa.replace(',', '.')}e{m['e']}"), _SHOWS.get(mark)
        elif form == "spaced":
            value = float(re.sub(_SPACE, "", m["i"]) + (f".{m['f']}" if m["d"] else ""))
            shows = _SHOWS.get(m["d"])
        elif form == "grouped":
            value, shows = float(m["i"].replace(m["g"], "")), _GROUP_SHOWS[m["g"]]
        elif form == "grouped_decimal":
            if m["d"] == m["g"]:
                raise ValueError(text)
            value, shows = float(m["i"].replace(m["g"], "") + "." + m["f"]), _SHOWS[m["d"]]
        elif re.fullmatch(r"[1-9]\d{0,2}", m["i"]) and len(m["f"]) == 3:   # '1,234', '898.097': either reading
            return NumberText(sign * float(f"{m['i']}.{m['f']}"), None, m["d"], sign * float(m["i"] + m["f"]))
        else:
            value, shows = float(f"{m['i'] or '0'}.{m['f']}"), _SHOWS[m["d"]]
        return NumberText(sign * value, shows)
    raise ValueError(text)


def parse_number(text: str, convention: str | None = None) -> float:
    """A number as Europeans and spreadsheets write it: '1.234,5', '1,234.5', '0,25', '13 000 000'.

    ``convention`` (DECIMAL_COMMA or DECIMAL_POINT) reads a text with one separator before three digits,
    which is otherwise ambiguous (:class:`AmbiguousNumber`). Raises ValueError for anything else, and for a
    number that is not finite ('1e309').
    """
    try:
        value = number_text(text).read(convention)
    except AmbiguousNumber:
        raise AmbiguousNumber(text) from None
    if not math.isfinite(value):
        raise ValueError(text)
    return value


# Each form a date may take, with the pattern that picks it (one strptime per cell, not one per form).


def ambiguous_message(text: str, number: NumberText) -> str:
    separator = number.ambiguous_separator
    decimal = DECIMAL_COMMA if separator == "," else DECIMAL_POINT
    return (f"'{text}' is ambiguous: {number.thousands:.0f} with '{separator}' between thousands, or "
            f"{number.value:g} with a {decimal}; no other number in this file shows which convention it uses "
            f"(write {number.thousands:.0f} without a separator if that is meant)")


def file_convention(cells: Iterable[tuple[int, int, str, str]]) -> tuple[str | None, str, dict, list]:
    """The convention of one file's numbers, from its number cells written as text (row, position, column,
    text): (DECIMAL_COMMA, DECIMAL_POINT or None, the first cell showing it, {text: its NumberText or None if
    it is no number}, [(position, column, text, convention)] of the cells written the other way).

    When both conventions show, the one more cells show wins (the first shown, on a tie); the others are the
    file's inconsistencies.

    >>> convention, example, _, others = file_convention([(2, 0, "value", "0,25"), (3, 1, "value", "898.097"),
    ...                                                   (4, 2, "value", "3.5"), (5, 3, "value", "1.234,5")])
    >>> convention, example, others
    ('decimal comma', "row 2, value: '0,25'", [(2, 'value', '3.5', 'decimal point')])
    """
    numbers: dict[str, NumberText | None] = {}
    shown: dict[str, list] = {DECIMAL_COMMA: [], DECIMAL_POINT: []}
    for row, position, column, text in cells:
        if text not in numbers:
            try:
                numbers[text] = number_text(text)
            except ValueError:
                numbers[text] = None
        number = numbers[text]
        if number is not None and number.shows:
            shown[number.shows].append((row, position, column, text))
    if not shown[DECIMAL_COMMA] and not shown[DECIMAL_POINT]:
        return None, "", numbers, []
    convention, other = sorted(shown, key=lambda c: (-len(shown[c]), min(shown[c], default=(math.inf,))[0]))
    row, _, column, text = min(shown[convention])
    others = [(position, column_, text_, other) for _, position, column_, text_ in sorted(shown[other])]
    return convention, f"row {row}, {column}: '{text}'", numbers, others
