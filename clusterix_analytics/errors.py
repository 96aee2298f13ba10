"""The one error a user's bad data raises: every problem, each as ``file:row:column: message``.

>>> from clusterix_analytics.errors import DataProblem, DataValidationError
>>> err = DataValidationError([DataProblem("partners.csv", 3, "nuts_code", "'XX99' is not a NUTS 2016 code")])
>>> print(err)
1 problem in the data:
  partners.csv:3:nuts_code: 'XX99' is not a NUTS 2016 code
"""
from __future__ import annotations

from dataclasses import dataclass


def field_path(loc: tuple) -> str:
    """Where in a nested file a value sits, as a user reads it: keys joined by dots, list indexes in brackets.

    The path of a pydantic error (``loc``) or of a YAML node; an empty path is ``-`` (the file as a whole).

    >>> field_path(("phases", 0, "id")), field_path(("tables", "partners")), field_path(())
    ('phases[0].id', 'tables.partners', '-')
    """
    text = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".")
    return text or "-"


@dataclass(frozen=True, order=True)
class DataProblem:
    """One thing wrong with an input file.

    ``row`` is the row number a user sees in a spreadsheet (the header is row 1);
    0 means the problem is with the file as a whole.
    """

    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}:{self.column}: {self.message}"


class DataValidationError(Exception):
    """Raised by :func:`clusterix_analytics.load` with every problem found at once."""

    def __init__(self, problems: list[DataProblem]):
        self.problems = sorted(set(problems))
        super().__init__(self._render())

    def _render(self) -> str:
        n = len(self.problems)
        lines = [f"{n} problem{'s' if n != 1 else ''} in the data:"]
        lines += [f"  {p}" for p in self.problems]
        return "\n".join(lines)
