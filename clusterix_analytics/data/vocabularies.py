"""The open vocabularies as data: the values a column allows and their labels, shipped in
``data/reference/vocabularies/vocabularies.csv`` and extended per project (``vocabularies:`` in project.yaml).

>>> values("partner_type")[:3]
('regional_authority', 'national_authority', 'municipality')
>>> label("partner_type", "cluster_organisation"), label("partner_type", "regional_council")
('Cluster organisation', 'Regional council')
>>> label("partner_type", "regional_council", {"partner_type": {"regional_council": "Council of the region"}})
'Council of the region'
"""
from __future__ import annotations

import csv
from collections.abc import Mapping
from functools import cache
from pathlib import Path

VOCABULARY_FILE = Path(__file__).resolve().parent / "reference" / "vocabularies" / "vocabularies.csv"


@cache
def shipped() -> dict[str, dict[str, str]]:
    """field → {value: label}, in the file's order."""
    found: dict[str, dict[str, str]] = {}
    with VOCABULARY_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            found.setdefault(row["field"], {})[row["value"]] = row["label"]
    return found


OPEN_FIELDS = tuple(shipped())   # the fields whose vocabulary a project may extend


def values(field: str) -> tuple[str, ...]:
    """The shipped values of one open vocabulary."""
    return tuple(shipped()[field])


def label(field: str, value: str, extra: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """The label of a value: the project's own (``extra``, from project.yaml), the shipped one, or the value
    written as words."""
    own = (extra or {}).get(field, {})
    if value in own:
        return own[value]
    return shipped().get(field, {}).get(value) or str(value).replace("_", " ").capitalize()
