"""The one error a user's bad data raises: every problem, each as ``file:row:column: message``.

Problems of one kind in one column (the same message but for the value) are listed three times, then
folded into one line saying how many more rows have it. The report stays readable however broken the
file: a column of one file lists its first :data:`LISTED_PER_COLUMN` problems and counts the rest, and at
most :data:`PAGE_LINES` lines are printed.

>>> from clusterix_analytics.errors import DataProblem, DataValidationError
>>> err = DataValidationError([DataProblem("partners.csv", 3, "nuts_code", "'XX99' is not a NUTS 2016 code")])
>>> print(err)
1 problem in the data:
  partners.csv:3:nuts_code: 'XX99' is not a NUTS 2016 code
"""
from __future__ import annotations

import difflib
import heapq
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from operator import attrgetter

# How many problems of one kind (file, column, message but for the value) are listed before folding.
FOLD_AFTER = 3
# A column of one file with more problems lists its first this many rows and counts the others on one line:
# a file whose every row is wrong (its columns shifted) needs its first rows read, not a million lines.
LISTED_PER_COLUMN = 1_000
# The most lines the report prints (a page); the lines after are counted.
PAGE_LINES = 200
_QUOTED_VALUE = re.compile(r"^'[^']*':? ?")


def field_path(loc: tuple) -> str:
    """Where in a nested file a value sits, as a user reads it: keys joined by dots, list indexes in brackets.

    The path of a pydantic error (``loc``) or of a YAML node; an empty path is ``-`` (the file as a whole).

    >>> field_path(("phases", 0, "id")), field_path(("tables", "partners")), field_path(())
    ('phases[0].id', 'tables.partners', '-')
    """
    text = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".")
    return text or "-"


def did_you_mean(name: str, known) -> str:
    """A hint naming the known name closest to a misspelt one, or nothing when none is close.

    >>> did_you_mean("dmeo", ["id", "phases", "demo"]), did_you_mean("colour", ["id", "demo"])
    (" (did you mean 'demo'?)", '')
    """
    close = difflib.get_close_matches(str(name), [str(k) for k in known], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


@dataclass(frozen=True, order=True, slots=True)
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

    @property
    def kind(self) -> tuple[str, str, str]:
        """(file, column, message without the offending value): problems that share it share a cause.

        >>> DataProblem("a.csv", 4, "value", "'x' is not a number").kind
        ('a.csv', 'value', 'is not a number')
        """
        return self.file, self.column, _QUOTED_VALUE.sub("", self.message)


def _listed(problems: list[DataProblem]) -> list[DataProblem]:
    """The first LISTED_PER_COLUMN problems of each file and column, and for a column with more, one problem
    (row 0) counting the others; in file:row order. Only what is kept is sorted: a file whose every cell is
    wrong has millions of problems, and sorting them all would take longer than reading the file."""
    by_column: dict[tuple[str, str], list[DataProblem]] = defaultdict(list)
    for problem in problems:
        by_column[problem.file, problem.column].append(problem)
    kept = []
    for (file, column), found in by_column.items():
        if len(found) > LISTED_PER_COLUMN:
            kept += heapq.nsmallest(LISTED_PER_COLUMN, found, key=_ORDER)
            kept.append(DataProblem(file, 0, column, f"{len(found) - LISTED_PER_COLUMN:,} more rows have problems "
                                    f"in this column (the first {LISTED_PER_COLUMN:,} are listed)"))
        else:
            kept += found
    return sorted(kept, key=_ORDER)


_ORDER = attrgetter("file", "row", "column", "message")


class DataValidationError(Exception):
    """Raised by :func:`clusterix_analytics.load` with every problem found at once.

    ``problems`` is the list (for a column of a file with very many, its first rows and a line counting the
    others); ``count`` the number of problems found.
    """

    def __init__(self, problems: list[DataProblem]):
        unique = list(dict.fromkeys(problems))
        self.count = len(unique)
        self.problems = _listed(unique)
        super().__init__(self._render())

    def __reduce__(self):   # rebuilt from its problems, not from the rendered text (a worker process raising it)
        return type(self), (self.problems,)

    def _render(self) -> str:
        """Every problem, in file:row order, with each kind listed :data:`FOLD_AFTER` times then folded.

        >>> bad = [DataProblem("o.csv", r, "value", f"'x{r}' is not a number") for r in range(2, 7)]
        >>> print(DataValidationError(bad))
        5 problems in the data:
          o.csv:2:value: 'x2' is not a number
          o.csv:3:value: 'x3' is not a number
          o.csv:4:value: 'x4' is not a number
          o.csv:value: … and 2 more rows like this
        """
        n = self.count
        lines = [f"{n:,} problem{'s' if n != 1 else ''} in the data:"]
        kinds = [problem.kind for problem in self.problems]
        counts = Counter(kinds)
        shown: Counter = Counter()
        for problem, kind in zip(self.problems, kinds):
            shown[kind] += 1
            if shown[kind] <= FOLD_AFTER:
                lines.append(f"  {problem}")
            elif shown[kind] == FOLD_AFTER + 1:
                more = counts[kind] - FOLD_AFTER
                lines.append(f"  {problem.file}:{problem.column}: … and {more:,} more row{'s' if more != 1 else ''} "
                             "like this")
        if len(lines) > PAGE_LINES + 1:
            hidden = len(lines) - 1 - PAGE_LINES
            lines = lines[:PAGE_LINES + 1] + [f"  … and {hidden:,} more lines like these: fix the problems above "
                                              "and validate again"]
        return "\n".join(lines)
