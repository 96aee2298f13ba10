"""Snapshot folders: built hidden, moved into place only when complete, ``latest`` swapped atomically.

>>> import datetime as dt
>>> snapshot_name(dt.datetime(2026, 11, 23, 10, 15, 0, tzinfo=dt.timezone.utc), "Weekly run")
'2026-11-23T101500Z-weekly-run'
"""
from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
from pathlib import Path

from clusterix_analytics.reports.plan import slugify

MANIFEST = "manifest.json"
LATEST = "latest"
TMP_PREFIX = ".building-"


def snapshot_name(started: dt.datetime, label: str | None = None) -> str:
    """``<UTC timestamp>[-label]``; the label is slugified (it becomes a folder name)."""
    stamp = started.astimezone(dt.UTC).strftime("%Y-%m-%dT%H%M%SZ")
    return f"{stamp}-{slugify(label)}" if label and label.strip() else stamp


def make_building_dir(out_dir: Path) -> Path:
    """A fresh hidden folder inside ``out_dir`` to build a snapshot in."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{TMP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
    path.mkdir()
    return path


def publish(building: Path, out_dir: Path, name: str) -> Path:
    """Move a complete snapshot into place under a unique name, then point ``latest`` at it.

    ``rename`` onto an existing non-empty folder fails, so two runs finishing in the same second
    get ``name`` and ``name-2`` without a race.
    """
    for n in range(1, 1000):
        target = out_dir / (name if n == 1 else f"{name}-{n}")
        try:
            os.rename(building, target)   # refuses to replace a non-empty folder
            break
        except OSError:
            if not target.exists():
                raise
    else:
        raise RuntimeError(f"no free snapshot name for {name}")
    point_latest(out_dir, target.name)
    return target


def point_latest(out_dir: Path, name: str) -> None:
    """Replace the ``latest`` symlink atomically (a new link, then rename over the old one)."""
    tmp_link = out_dir / f".latest-{os.getpid()}-{secrets.token_hex(4)}"
    os.symlink(name, tmp_link)
    os.replace(tmp_link, out_dir / LATEST)


def discard(building: Path) -> None:
    """Remove a half-built snapshot."""
    shutil.rmtree(building, ignore_errors=True)


def list_snapshots(out_dir: Path) -> list[Path]:
    """Complete snapshots in ``out_dir``, oldest first (names start with a UTC timestamp)."""
    if not out_dir.is_dir():
        return []
    return sorted((p for p in out_dir.iterdir()
                   if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")
                   and (p / MANIFEST).is_file()), key=lambda p: p.name)


def resolve_snapshot(ref: str | Path, out_dir: Path) -> Path:
    """A snapshot path from ``latest``, ``previous`` (the one before latest), a name or a path."""
    ref = str(ref)
    snapshots = list_snapshots(out_dir)
    if ref in (LATEST, "previous"):
        link = out_dir / LATEST
        current = link.resolve() if link.exists() else (snapshots[-1].resolve() if snapshots else None)
        if current is None:
            raise FileNotFoundError(f"no snapshot in {out_dir}")
        if ref == LATEST:
            return current
        older = [p for p in snapshots if p.name < current.name]
        if not older:
            raise FileNotFoundError(f"no snapshot before {current.name} in {out_dir}")
        return older[-1].resolve()
    for candidate in (Path(ref), out_dir / ref):
        if (candidate / MANIFEST).is_file():
            return candidate.resolve()
    raise FileNotFoundError(f"{ref}: not a snapshot folder (no {MANIFEST}); "
                            f"snapshots in {out_dir}: {', '.join(p.name for p in snapshots[-5:]) or 'none'}")
