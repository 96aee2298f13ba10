"""Names for the ids a table would otherwise show: countries in English, partners by short name, phases by
name. Tables on the pages name things; ids stay in the data, the parameters and the downloads. Countries and
partners are named in :mod:`clusterix_analytics.data.names` (figures and the lab's dropdowns use them too).

>>> country_name("RO"), country_name("EL"), country_name("XX")
('Romania', 'Greece', 'XX')
"""
from __future__ import annotations

import pandas as pd

from clusterix_analytics.analytics.calendar import phase_names as _phase_names
from clusterix_analytics.data.names import COUNTRY_NAMES, country_name, partner_names  # noqa: F401 - re-exported
from clusterix_analytics.data.nuts import nuts_table
from clusterix_analytics.data.project import Project


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
