"""Names for the ids a table would otherwise show: countries in English, partners by short name, phases by
name. Tables on the pages name things; ids stay in the data, the parameters and the downloads.

>>> country_name("RO"), country_name("EL"), country_name("XX")
('Romania', 'Greece', 'XX')
"""
from __future__ import annotations

import pandas as pd

from clusterix_analytics.analytics.calendar import phase_names as _phase_names
from clusterix_analytics.data.countries import COUNTRY_NAMES, country_name  # noqa: F401 - the views' names
from clusterix_analytics.data.nuts import nuts_table
from clusterix_analytics.data.project import Project


def partner_names(partners: pd.DataFrame) -> dict[str, str]:
    """partner_id → short name (the organisation where a partner has no short name).

    >>> partner_names(pd.DataFrame({"partner_id": ["a", "b"], "short_name": ["A", None], "organisation": ["x", "B"]}))
    {'a': 'A', 'b': 'B'}
    """
    short = partners["short_name"].astype("string").fillna(partners["organisation"].astype("string"))
    return dict(zip(partners["partner_id"].astype(str), short.astype(str)))


def phase_names(project: Project) -> dict[str, str]:
    """phase_id → name, the bucket for dates outside every phase included."""
    return _phase_names(project)


def phase_list(ids, names: dict[str, str]) -> str:
    """A text of comma-separated phase ids as their names, in the same order.

    >>> phase_list("P2, AA", {"P2": "Phase 2", "AA": "Additional"}), phase_list(None, {})
    ('Phase 2; Additional', None)
    """
    if ids is None or (not isinstance(ids, str) and pd.isna(ids)):
        return None
    return "; ".join(names.get(i.strip(), i.strip()) for i in str(ids).split(",") if i.strip())


def region_name(code, version: int = 2016) -> str:
    """A NUTS region by name with its code; a country-level code by the country's name; a code the NUTS
    version does not hold (or a text that is no code, "not known") as it is.

    >>> region_name("AT12"), region_name("HU"), region_name("XX99"), region_name("not known")
    ('Niederösterreich (AT12)', 'Hungary', 'XX99', 'not known')
    """
    if code is None or (not isinstance(code, str) and pd.isna(code)):
        return code
    code = str(code).strip()
    if len(code) == 2 and code.upper() in COUNTRY_NAMES:
        return country_name(code)
    table = nuts_table(version)
    return f"{table.at[code, 'name']} ({code})" if code in table.index else code
