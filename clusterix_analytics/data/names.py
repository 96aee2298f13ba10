"""Names for the ids a reader would otherwise see: countries in English, partners by short name. The one home
of these rules for tables (:mod:`clusterix_analytics.views.names`), charts (the figures) and the lab's dropdowns:
ids stay in the data, the parameters and the downloads.

>>> country_name("RO"), country_name("EL"), country_name("XX")
('Romania', 'Greece', 'XX')
"""
from __future__ import annotations

import pandas as pd

# English names of the countries in the NUTS tables (data/reference/nuts: Eurostat codes, EL and UK),
# and of the ISO codes a spreadsheet may use instead (GR, GB).
COUNTRY_NAMES = {
    "AL": "Albania", "AT": "Austria", "BE": "Belgium", "BG": "Bulgaria", "CH": "Switzerland", "CY": "Cyprus",
    "CZ": "Czechia", "DE": "Germany", "DK": "Denmark", "EE": "Estonia", "EL": "Greece", "ES": "Spain",
    "FI": "Finland", "FR": "France", "HR": "Croatia", "HU": "Hungary", "IE": "Ireland", "IS": "Iceland",
    "IT": "Italy", "LI": "Liechtenstein", "LT": "Lithuania", "LU": "Luxembourg", "LV": "Latvia", "ME": "Montenegro",
    "MK": "North Macedonia", "MT": "Malta", "NL": "Netherlands", "NO": "Norway", "PL": "Poland", "PT": "Portugal",
    "RO": "Romania", "RS": "Serbia", "SE": "Sweden", "SI": "Slovenia", "SK": "Slovakia", "TR": "Türkiye",
    "UK": "United Kingdom", "GR": "Greece", "GB": "United Kingdom",
}


def country_name(code) -> str:
    """The English name of a country code; an unknown code as it is (an empty one stays empty)."""
    if code is None or pd.isna(code):
        return code
    return COUNTRY_NAMES.get(str(code).strip().upper(), str(code))


def partner_names(partners: pd.DataFrame) -> dict[str, str]:
    """partner_id → short name (the organisation where a partner has no short name, else the id).

    >>> partner_names(pd.DataFrame({"partner_id": ["a", "b"], "short_name": ["A", None], "organisation": ["x", "B"]}))
    {'a': 'A', 'b': 'B'}
    """
    ids = partners["partner_id"].astype(str)
    short = (partners["short_name"].astype("string") if "short_name" in partners
             else pd.Series(pd.NA, index=partners.index, dtype="string"))
    if "organisation" in partners:
        short = short.fillna(partners["organisation"].astype("string"))
    return dict(zip(ids, short.fillna(ids.astype("string")).astype(str)))
