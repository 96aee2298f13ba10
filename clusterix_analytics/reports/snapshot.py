"""Snapshot folders: built hidden, moved into place only when complete, ``latest`` swapped atomically.

- A snapshot is built in ``.building-<pid>-<random>/`` and renamed into place complete (manifest and index
  written for the final name first): a published folder is never written again, except by ``diff``: its
  ``diffs/`` pages and the ``index.html`` linking them.
- Every file is written by :func:`write_text_atomic` (a temporary file in the same folder, then
  ``os.replace``): a reader never sees half a page or half a manifest.
- A build folder holds ``.lock``, ``flock``-ed by the building process for as long as it builds. The lock
  goes with the process, however it ends (``kill -9`` too), so the next report removes every build folder
  whose lock it can take (:func:`clean_stale`), and never the folder of a report still building beside it.
- ``latest`` moves only to a snapshot with at least one ok (or reused) run: a snapshot whose runs all
  failed is published for inspection, and ``latest`` keeps pointing at the last good one.

>>> import datetime as dt
>>> snapshot_name(dt.datetime(2026, 11, 23, 10, 15, 0, tzinfo=dt.timezone.utc), "Weekly run")
'2026-11-23T101500Z-weekly-run'
"""
from __future__ import annotations

import datetime as dt
import fcntl
import os
import re
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path

MANIFEST = "manifest.json"
LATEST = "latest"
TMP_PREFIX = ".building-"
LATEST_TMP_PREFIX = ".latest-"
LOCK_NAME = ".lock"
# build folder → the descriptor holding its lock (pool workers close their inherited copies)
_locks: dict[Path, int] = {}


def slugify(text, max_length: int = 60) -> str:
    """The plan's slug rule (plan.slugify), imported late: plan.py imports papermill."""
    from clusterix_analytics.reports.plan import slugify as plan_slugify

    return plan_slugify(text, max_length)


def write_text_atomic(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file in the same folder and ``os.replace``."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def copy_atomic(source: Path, target: Path) -> Path:
    """Copy a file to ``target`` through a temporary file and ``os.replace`` (a reused run's outputs)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def snapshot_name(started: dt.datetime, label: str | None = None) -> str:
    """``<UTC timestamp>[-label]``; the label is slugified (it becomes a folder name)."""
    stamp = started.astimezone(dt.UTC).strftime("%Y-%m-%dT%H%M%SZ")
    return f"{stamp}-{slugify(label)}" if label and label.strip() else stamp


def make_building_dir(out_dir: Path) -> Path:
    """A fresh hidden folder inside ``out_dir`` to build a snapshot in, locked by this process."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{TMP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
    path.mkdir()
    fd = os.open(path / LOCK_NAME, os.O_CREAT | os.O_WRONLY | os.O_CLOEXEC, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    _locks[path] = fd
    return path


def release(building: Path) -> None:
    """Give up the build folder's lock (it has been published or discarded)."""
    fd = _locks.pop(Path(building), None)
    if fd is not None:
        os.close(fd)


def close_inherited_locks() -> None:
    """In a forked child (a pool worker): close the parent's lock descriptors, so that the locks end with
    the parent (a worker outliving a killed parent must not keep its build folder looking alive)."""
    for fd in _locks.values():
        try:
            os.close(fd)
        except OSError:
            pass
    _locks.clear()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_stale(folder: Path) -> bool:
    """A build folder nobody builds in: its lock can be taken (or, without a lock, its pid is gone)."""
    lock = folder / LOCK_NAME
    try:
        fd = os.open(lock, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        # made by a runner before locks, or a folder made this instant (its lock not yet taken): its pid says
        found = re.match(rf"{re.escape(TMP_PREFIX)}(\d+)-", folder.name)
        return bool(found) and not _pid_alive(int(found.group(1)))
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


def clean_stale(out_dir: Path) -> list[str]:
    """Remove build folders (and ``latest`` temporaries) left by reports that died; returns their names."""
    removed = []
    if not Path(out_dir).is_dir():
        return removed
    for entry in sorted(Path(out_dir).iterdir()):
        if entry.name.startswith(TMP_PREFIX) and entry.is_dir() and not entry.is_symlink():
            if entry not in _locks and _is_stale(entry):
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry.name)
        elif entry.name.startswith(LATEST_TMP_PREFIX) and entry.is_symlink():
            found = re.match(rf"{re.escape(LATEST_TMP_PREFIX)}(\d+)-", entry.name)
            if found and not _pid_alive(int(found.group(1))):
                entry.unlink(missing_ok=True)
                removed.append(entry.name)
    return removed


def publish(building: Path, out_dir: Path, name: str, finalize: Callable[[str], None] | None = None,
            move_latest: bool = True) -> Path:
    """Move a complete snapshot into place under a unique name, then point ``latest`` at it.

    ``finalize(name)`` writes what names the snapshot (manifest, index) into the build folder before each
    attempt, so the published folder is never written again. ``rename`` onto an existing non-empty folder
    fails, so two runs finishing in the same second get ``name`` and ``name-2`` without a race.
    ``move_latest=False`` publishes without moving ``latest`` (a snapshot with no ok run).
    """
    for n in range(1, 1000):
        candidate = name if n == 1 else f"{name}-{n}"
        target = out_dir / candidate
        if target.exists():
            continue
        if finalize is not None:
            finalize(candidate)
        (building / LOCK_NAME).unlink(missing_ok=True)
        try:
            os.rename(building, target)   # refuses to replace a non-empty folder
            break
        except OSError:
            if not target.exists():
                raise
    else:
        raise RuntimeError(f"no free snapshot name for {name}")
    release(building)
    if move_latest:
        point_latest(out_dir, target.name)
    return target


def point_latest(out_dir: Path, name: str) -> None:
    """Replace the ``latest`` symlink atomically (a new link, then rename over the old one)."""
    tmp_link = out_dir / f"{LATEST_TMP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
    os.symlink(name, tmp_link)
    os.replace(tmp_link, out_dir / LATEST)


def discard(building: Path) -> None:
    """Remove a half-built snapshot (and give up its lock)."""
    shutil.rmtree(building, ignore_errors=True)
    release(building)


def latest_snapshot(out_dir: Path) -> Path | None:
    """The folder ``latest`` points to, or None (no ``latest``, or it points nowhere)."""
    link = Path(out_dir) / LATEST
    if not link.is_symlink() and not link.is_dir():
        return None
    target = link.resolve()
    return target if (target / MANIFEST).is_file() else None


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
