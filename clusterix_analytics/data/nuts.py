"""The NUTS classifications the package ships (2013, 2016, 2021) and what to tell a user whose code is not one.

The tables are package data (``data/reference/nuts/``), written by ``clusterix-analytics geodata build``
from Eurostat GISCO's NUTS files: every unit of levels 0–3 with its names, parent and country.

>>> from clusterix_analytics.data.nuts import nuts_table, unknown_code_hint
>>> nuts_table(2016).at["SE313", "name"], nuts_table(2016).at["SE313", "parent"]
('Gävleborgs län', 'SE31')
>>> unknown_code_hint("GR", 2016)
"Greece is 'EL' in NUTS: EL (ELLADA)"
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from clusterix_analytics.config import NUTS_CHANGES_FILE, NUTS_VERSIONS, nuts_codes_file

# Country codes NUTS spells differently from ISO 3166-1: the near-miss a user makes most.
NUTS_COUNTRY_ALIASES = {"GR": ("EL", "Greece"), "GB": ("UK", "the United Kingdom")}


def check_version(version: int) -> int:
    """``version`` if the package ships it, else a ValueError naming the versions it has."""
    if version not in NUTS_VERSIONS:
        raise ValueError(f"NUTS version {version} is not supported; valid: {', '.join(map(str, NUTS_VERSIONS))}")
    return version


@lru_cache(maxsize=len(NUTS_VERSIONS))
def nuts_table(version: int) -> pd.DataFrame:
    """Every NUTS unit of one version, indexed by code: level, name, name_national, parent, country_code."""
    table = pd.read_csv(nuts_codes_file(check_version(version)), dtype=str, keep_default_na=False)
    table["level"] = table["level"].astype(int)
    table["parent"] = table["parent"].replace("", None)
    return table.set_index("nuts_code")


def read_every_version() -> None:
    """Read every shipped NUTS classification now (the report runner's kernel fork server calls it once).

    >>> read_every_version(); nuts_table.cache_info().currsize == len(NUTS_VERSIONS)
    True
    """
    for version in NUTS_VERSIONS:
        nuts_codes(version)
    version_changes()


@lru_cache(maxsize=len(NUTS_VERSIONS))
def nuts_codes(version: int = 2016) -> frozenset[str]:
    """The codes of one NUTS version.

    >>> {"ES42", "SE313", "SK04", "PL22", "EL52"} <= nuts_codes(2016)
    True
    """
    return frozenset(nuts_table(version).index)


@lru_cache(maxsize=1)
def version_changes() -> pd.DataFrame:
    """Codes one version has and another lacks, with the units of the other version covering their area."""
    return pd.read_csv(NUTS_CHANGES_FILE, dtype={"nuts_code": str, "other_codes": str}, keep_default_na=False)


def _named(code: str, version: int) -> str:
    return f"{code} ({nuts_table(version).at[code, 'name']})"


def unknown_code_hint(code: str, version: int) -> str:
    """What a user should know about ``code``, which is not a NUTS ``version`` code ('' if nothing more).

    >>> unknown_code_hint("FR71", 2016)
    'FR71 (Rhône-Alpes) is NUTS 2013; this project uses NUTS 2016, where its area is FRK2 (Rhône-Alpes)'
    >>> unknown_code_hint("XX12", 2016)
    "'XX' is not a NUTS country"
    """
    code = str(code).strip().upper()
    if code in nuts_codes(version):
        return ""
    country = code[:2]
    if country in NUTS_COUNTRY_ALIASES:
        nuts_country, name = NUTS_COUNTRY_ALIASES[country]
        better = nuts_country + code[2:]
        hint = f"{name} is '{nuts_country}' in NUTS"
        return hint + (f": {_named(better, version)}" if better in nuts_codes(version) else "")
    if not 2 <= len(code) <= 5:
        return "NUTS codes have 2 to 5 characters (the country and one character a level, levels 0–3)"
    if not any(c.startswith(country) for c in nuts_codes(version)):
        return f"'{country}' is not a NUTS country"
    elsewhere = [v for v in NUTS_VERSIONS if v != version and code in nuts_codes(v)]
    if not elsewhere:
        return ""
    # The newest other version that has the code says what it was; its area now is in the changes table.
    latest = max(elsewhere)
    changes = version_changes()
    row = changes[(changes["nuts_code"] == code) & (changes["version"] == latest)
                  & (changes["other_version"] == version)]
    was = f"{_named(code, latest)} is NUTS {' and '.join(map(str, elsewhere))}; this project uses NUTS {version}"
    successors = row["other_codes"].iloc[0].split() if len(row) else []
    if successors:
        return was + ", where its area is " + ", ".join(_named(c, version) for c in successors)
    return was
