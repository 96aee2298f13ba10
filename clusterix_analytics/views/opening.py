"""How every page opens: its question in one line, then its answer in at most three short lines.

Each view's ``opening(page)`` words the question and the answer lines from the numbers the page already
states (its ``headlines`` and ``metrics``); this module gives them the one shape every page shares, and says
where a number comes from the way the pages do (:data:`~clusterix_analytics.data.provenance.PROVENANCE_WORDS`).

>>> print(page_opening("Where are the partners?", ["10 partners in 9 countries (sourced)."]))
**Where are the partners?**
<BLANKLINE>
- 10 partners in 9 countries (sourced).
"""
from __future__ import annotations

from collections.abc import Sequence

from clusterix_analytics.analytics.metrics import Metric
from clusterix_analytics.data.provenance import PROVENANCE_WORDS

MAX_ANSWER_LINES = 3


def page_opening(question: str, answers: Sequence[str]) -> str:
    """The question (bold, one line) and its answer lines as a short list (Markdown).

    >>> page_opening("What?", [])
    Traceback (most recent call last):
    ...
    ValueError: a page's opening answers its question in 1 to 3 lines, not 0
    """
    if not 1 <= len(answers) <= MAX_ANSWER_LINES:
        raise ValueError(f"a page's opening answers its question in 1 to {MAX_ANSWER_LINES} lines, not {len(answers)}")
    return f"**{question}**\n\n" + "\n".join(f"- {line}" for line in answers)


def where_from(provenance: str) -> str:
    """Where a number comes from, as the pages write it after the number: " (sourced)", " (demo data)" ...

    >>> where_from("sourced"), where_from("mixed")
    (' (sourced)', ' (partly demo data)')
    """
    return f" ({PROVENANCE_WORDS[provenance]})"


def counted(n: int, word: str, plural: str | None = None) -> str:
    """``n`` and the word, in the plural unless ``n`` is 1 (thousands separated).

    >>> counted(1, "partner"), counted(1200, "partner"), counted(2, "country", "countries")
    ('1 partner', '1,200 partners', '2 countries')
    """
    return f"{n:,} {word if n == 1 else (plural or word + 's')}"


def improved_line(instruments: Metric, changes: Metric) -> str:
    """The answer line on instruments improved (metric ``instruments_improved``) through achieved changes
    (``policy_changes_achieved``), as the indicators page and the partner profile state it.

    >>> improved_line(Metric("instruments_improved", "", 2, "instruments", "sourced"),
    ...               Metric("policy_changes_achieved", "", 3, "changes", "mixed"))
    '**2 policy instruments improved** through 3 achieved changes (partly demo data).'
    >>> improved_line(Metric("instruments_improved", "", 0, "instruments", "sourced"),
    ...               Metric("policy_changes_achieved", "", 0, "changes", "sourced"))
    'No achieved policy change is recorded, so no policy instrument counts as improved.'
    """
    if not changes.value:
        return "No achieved policy change is recorded, so no policy instrument counts as improved."
    return (f"**{counted(instruments.value, 'policy instrument')} improved** through "
            f"{counted(changes.value, 'achieved change')}" + where_from(changes.provenance) + ".")
