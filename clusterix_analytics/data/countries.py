"""English names of country codes: the NUTS tables' Eurostat codes (EL, UK) and the ISO codes a spreadsheet
may use instead (GR, GB). Pages and the report index name countries; ids stay in the data.

>>> country_name("AT"), country_name("EL"), country_name("XX"), country_name("")
('Austria', 'Greece', 'XX', '')
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
