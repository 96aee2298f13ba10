"""The sector vocabulary: a two-level taxonomy and the editable table mapping free-text sectors onto it.

The shared pair (``taxonomy.csv``, ``sector_map.csv``; documented in data/README.md) is package data in
``clusterix_analytics/data/reference/sectors/``.
A project folder may bring its own pair in ``<project>/sectors/``; it then replaces the shared one.
This module only reads and checks the two files; classifying clusters is analytics
(:func:`clusterix_analytics.portfolio.classify_sectors`).

>>> from clusterix_analytics.data.sectors import read_sector_vocabulary
>>> vocabulary = read_sector_vocabulary()
>>> vocabulary.taxonomy.query("level == 1").shape[0]      # the 14 EU industrial ecosystems
14
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from clusterix_analytics.config import DEFAULT_SECTORS_DIR, SECTORS_DIRNAME
from clusterix_analytics.data.readers import ROW, read_raw_table
from clusterix_analytics.errors import DataProblem, DataValidationError

TAXONOMY_FILE = "taxonomy.csv"
SECTOR_MAP_FILE = "sector_map.csv"
TAXONOMY_COLUMNS = ("sector_code", "name", "level", "parent_code")
SECTOR_MAP_COLUMNS = ("sector_text", "sector_code")
LEVELS = (1, 2)


@dataclass(frozen=True)
class SectorVocabulary:
    """The taxonomy (sector_code, name, level, parent_code, ...) and the map (sector_text, sector_code, ...)."""

    taxonomy: pd.DataFrame
    sector_map: pd.DataFrame
    directory: Path


def sectors_dir_for(project_dir: str | Path | None) -> Path:
    """The folder whose vocabulary applies to a project: ``<project>/sectors`` if it exists, else data/sectors."""
    if project_dir is not None:
        own = Path(project_dir) / SECTORS_DIRNAME
        if own.is_dir():
            return own
    return DEFAULT_SECTORS_DIR


def _read_csv(path: Path, required: tuple[str, ...], problems: list[DataProblem]) -> pd.DataFrame | None:
    label = f"{path.parent.name}/{path.name}"  # e.g. sectors/taxonomy.csv, as a user finds it in the folder
    if not path.is_file():
        problems.append(DataProblem(label, 0, "-", "file not found: a sector vocabulary needs "
                                                   f"{TAXONOMY_FILE} and {SECTOR_MAP_FILE}"))
        return None
    raw, found = read_raw_table(path, label)   # as the tables are read: bounded, one encoding, stripped
    problems += found
    if raw is None:
        return None
    frame = raw.frame.drop(columns=ROW).astype(str)
    missing = [c for c in required if c not in frame.columns]
    if missing:
        problems.append(DataProblem(label, 1, ", ".join(missing), "missing column(s); expected "
                                                                   f"{', '.join(required)}"))
        return None
    frame.attrs["label"] = label
    return frame


def check_taxonomy(taxonomy: pd.DataFrame, label: str = TAXONOMY_FILE) -> list[DataProblem]:
    """Problems of a taxonomy table: duplicate codes, levels other than 1/2, parents that are not level-1 codes.

    >>> bad = pd.DataFrame({"sector_code": ["a", "b"], "name": ["A", "B"], "level": ["1", "2"],
    ...                     "parent_code": ["", "zz"]})
    >>> [p.message for p in check_taxonomy(bad)]
    ["parent 'zz' is not a level-1 code; level-1 codes: a"]
    """
    problems = []
    level_1 = set(taxonomy.loc[taxonomy["level"].astype(str) == "1", "sector_code"])
    seen: set[str] = set()
    for i, row in enumerate(taxonomy.itertuples(index=False), start=2):  # row 1 is the header
        if not row.sector_code:
            problems.append(DataProblem(label, i, "sector_code", "a value is required here"))
        elif row.sector_code in seen:
            problems.append(DataProblem(label, i, "sector_code", f"duplicate code '{row.sector_code}'"))
        seen.add(row.sector_code)
        if str(row.level) not in {"1", "2"}:
            problems.append(DataProblem(label, i, "level", f"'{row.level}' must be 1 or 2"))
        elif str(row.level) == "2" and row.parent_code not in level_1:
            problems.append(DataProblem(label, i, "parent_code", f"parent '{row.parent_code}' is not a level-1 "
                                                                 f"code; level-1 codes: {', '.join(sorted(level_1))}"))
        elif str(row.level) == "1" and row.parent_code:
            problems.append(DataProblem(label, i, "parent_code", "a level-1 code has no parent"))
    return problems


def read_sector_vocabulary(project_dir: str | Path | None = None) -> SectorVocabulary:
    """Read and check the taxonomy and the sector map that apply to ``project_dir``.

    Raises :class:`DataValidationError` for a broken taxonomy or a map without its columns. A map row whose
    code is not in the taxonomy is *not* an error: the portfolio analytics report it as unmapped.
    """
    directory = sectors_dir_for(project_dir)
    if directory != DEFAULT_SECTORS_DIR and not directory.resolve().is_relative_to(Path(project_dir).resolve()):
        raise DataValidationError([DataProblem(SECTORS_DIRNAME, 0, "-", f"'{SECTORS_DIRNAME}' is a link leading out "
                                               "of the project folder: a project's files are inside its folder")])
    problems: list[DataProblem] = []
    taxonomy = _read_csv(directory / TAXONOMY_FILE, TAXONOMY_COLUMNS, problems)
    sector_map = _read_csv(directory / SECTOR_MAP_FILE, SECTOR_MAP_COLUMNS, problems)
    if taxonomy is not None:
        problems += check_taxonomy(taxonomy, taxonomy.attrs["label"])
    if problems:
        raise DataValidationError(problems)
    taxonomy["level"] = taxonomy["level"].astype(int)
    return SectorVocabulary(taxonomy=taxonomy, sector_map=sector_map, directory=directory)
