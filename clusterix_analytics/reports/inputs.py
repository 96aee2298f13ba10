"""A snapshot's pinned inputs: every file its pages depend on, read and hashed once before any run.

Design (issue 16 item 5, issue 15 item 2):

- **Frozen project.** Before anything is validated, the project folder is copied into the snapshot's
  hidden build folder (``.building-*/.inputs/<project name>/``; hidden entries such as ``.git`` are left out).
  The runner validates that copy, expands the plan from it, hashes it, and every kernel reads it: a file
  edited in the user's folder while the snapshot builds changes nothing, and every page of one snapshot
  states the same data. The copy is removed before the snapshot is published (the manifest keeps each
  file's sha256). A project whose ``project.yaml`` names tables outside its folder is not frozen: its files
  are checked by hash instead (next point).
- **Checked reference files.** The package data a page depends on — the sector vocabulary in use (the
  project's own ``sectors/`` or the shipped one), the NUTS table of the project's version and
  ``nuts_changes.csv``, that version's embedded geometry and the countries layer — is hashed with the
  project, and each run checks every pinned file again after it ran (:func:`changed_files`): a file changed
  during a run fails that run, naming the file. Other NUTS versions are not pinned (a 2016 project's pages
  never read the 2021 files; only an error message for bad data does, and bad data runs nothing).
- **Frozen notebooks.** Each run executes a copy of its notebook taken when the inputs were pinned (the
  kernel still starts in the real notebooks folder, so relative paths in a notebook work as before).
- **Listed.** :func:`pinned_files` gives one record per file — ``path``, ``role`` (project, sectors, nuts,
  geometry, plan, notebook), ``bytes``, ``sha256`` — for ``manifest.json``; ``diff`` compares all of them.
- **Reuse key.** :func:`reuse_key` is the sha256 of everything a page is made from: its notebook's sha256,
  its title and parameters, the sha256 of every pinned project and reference file, the package's version
  and the sha256 of its own code (an editable checkout changes code without changing the version), the
  environment lock (:func:`environment`: every installed distribution and version, as ``pip freeze`` would
  list them, read with :mod:`importlib.metadata`, plus the Python version and platform) and the kernel's
  spec. The plan file and the other notebooks are not in a run's key: what the plan says about a run is its
  title and parameters.

>>> key = reuse_key("n" * 64, "Title", {"partner": "idm"}, [{"path": "a.csv", "role": "project", "sha256": "1"}],
...                 {"lock_sha256": "e", "package": {"version": "0.1.0", "code_sha256": "c"}, "kernel": None})
>>> len(key), key == reuse_key("n" * 64, "Title", {"partner": "inma"}, [], {})
(64, False)
"""
from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import shutil
from importlib import metadata
from pathlib import Path

from clusterix_analytics.config import (
    COUNTRIES_GEOMETRY_FILE,
    GEOMETRY_DIR,
    NUTS_CHANGES_FILE,
    PACKAGE_DIR,
    PROJ_ROOT,
    REFERENCE_DIR,
    nuts_codes_file,
    nuts_geometry_file,
)

DISTRIBUTION = "clusterix-analytics"
INPUTS_DIRNAME = ".inputs"   # inside the hidden build folder; removed before publishing
# Bump when the runner changes what a reused run's files or record must hold.
REUSE_FORMAT = 1
# The roles whose files every page of the project may read (in every run's reuse key).
PAGE_ROLES = ("project", "sectors", "nuts", "geometry")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def _hidden(name: str) -> bool:
    return name.startswith(".") or name == "__pycache__"


def freeze_project(project_dir: Path, inputs_dir: Path) -> Path:
    """Copy the project folder to ``inputs_dir/<folder name>`` (hidden entries left out); returns the copy."""
    target = inputs_dir / project_dir.name
    shutil.copytree(project_dir, target, ignore=lambda folder, names: [n for n in names if _hidden(n)],
                    symlinks=False)
    return target


def freeze_file(path: Path, folder: Path) -> Path:
    """Copy one file (a notebook) into ``folder``, keeping its name; returns the copy."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    shutil.copyfile(path, target)
    return target


def shown_path(path: Path) -> str:
    """A path as the manifest lists a file outside the project: package data as ``clusterix_analytics/...``,
    a checkout file relative to the checkout, anything else absolute."""
    path = Path(path).resolve()
    for root in (PACKAGE_DIR.parent, PROJ_ROOT):
        if path.is_relative_to(root):
            return path.relative_to(root).as_posix()
    return str(path)


def reference_files(project_dir: Path, nuts_version: int) -> list[tuple[str, Path]]:
    """(role, path) of the package data and project files beyond the tables that a project's pages read."""
    from clusterix_analytics.data.sectors import sectors_dir_for

    sectors = sectors_dir_for(project_dir)
    found = [("sectors", p) for p in sorted(sectors.glob("*.csv"))]
    found += [("nuts", nuts_codes_file(nuts_version)), ("nuts", NUTS_CHANGES_FILE)]
    found += [("geometry", nuts_geometry_file(nuts_version)), ("geometry", COUNTRIES_GEOMETRY_FILE)]
    return [(role, p) for role, p in found if p.is_file()]


def pinned_files(dataset, project_dir: Path, plan_path: Path | None = None,
                 notebooks: dict[str, Path] | None = None) -> list[dict]:
    """One record per file the pages depend on: ``{"path", "role", "bytes", "sha256", "file"}``.

    ``project_dir`` is the folder the dataset was read from (the frozen copy): its files are listed
    relative to it, as the user sees them in their folder. ``notebooks`` maps the path shown for a notebook
    to the (frozen) file read. ``file`` is the absolute path hashed (the runs check it again; it is not
    written to the manifest).
    """
    project_dir = Path(project_dir)
    entries: list[tuple[str, Path, str]] = []
    for path in dataset.files:
        path = Path(path)
        shown = path.relative_to(project_dir).as_posix() if path.is_relative_to(project_dir) else str(path)
        entries.append(("project", path, shown))
    for role, path in reference_files(project_dir, dataset.project.nuts_version):
        shown = path.relative_to(project_dir).as_posix() if path.is_relative_to(project_dir) else shown_path(path)
        entries.append((role, path, shown))
    if plan_path is not None:
        entries.append(("plan", Path(plan_path), shown_path(plan_path)))
    for shown, path in (notebooks or {}).items():
        entries.append(("notebook", Path(path), shown))
    rows, seen = [], set()
    for role, path, shown in entries:
        if shown in seen:
            continue
        seen.add(shown)
        rows.append({"path": shown, "role": role, "bytes": path.stat().st_size, "sha256": sha256_of(path),
                     "file": str(path)})
    return rows


def changed_files(pins: list[dict]) -> list[str]:
    """Pinned files whose content is no longer what was hashed, as ``path (now ...)`` lines."""
    changed = []
    for pin in pins:
        try:
            now = sha256_of(Path(pin["file"]))
        except OSError:
            now = None
        if now != pin["sha256"]:
            changed.append(f"{pin['path']} ({'removed' if now is None else 'now sha256 ' + now[:12]}, "
                           f"pinned {pin['sha256'][:12]})")
    return changed


# ---- the environment -------------------------------------------------------------------------------------
def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def distributions() -> dict[str, str]:
    """Every installed distribution → its version, as ``pip freeze`` lists them (names normalised)."""
    found = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            found.setdefault(_normalise(name), dist.version)
    return dict(sorted(found.items()))


def package_code_sha256(root: Path = PACKAGE_DIR) -> str:
    """sha256 of the package's own files (code, templates), without the reference data and geometry
    (pinned one by one as inputs) and without caches."""
    digest = hashlib.sha256()
    skipped = (REFERENCE_DIR.resolve(), GEOMETRY_DIR.resolve())
    for folder, dirs, files in os.walk(root):
        here = Path(folder).resolve()
        dirs[:] = sorted(d for d in dirs if not _hidden(d) and (here / d).resolve() not in skipped)
        for name in sorted(files):
            if name.endswith((".pyc", ".pyo")) or _hidden(name):
                continue
            path = here / name
            digest.update(path.relative_to(root.resolve()).as_posix().encode() + b"\0")
            digest.update(sha256_of(path).encode() + b"\0")
    return digest.hexdigest()


def kernel_spec_sha256(kernel_name: str) -> str | None:
    """sha256 of the kernel's ``kernel.json`` (which interpreter runs the notebooks), None if not found."""
    from jupyter_core.paths import jupyter_path

    for folder in jupyter_path("kernels"):
        spec = Path(folder) / kernel_name / "kernel.json"
        if spec.is_file():
            return sha256_of(spec)
    return None


def environment(kernel_name: str) -> dict:
    """What the pages were computed with besides their inputs: the lock of installed distributions, the
    package's version and code, Python, the kernel spec. ``lock_sha256`` hashes ``distributions`` with
    Python and the platform (the lockable environment)."""
    dists = distributions()
    python = f"{platform.python_implementation()} {platform.python_version()}"
    lock = "\n".join([f"{n}=={v}" for n, v in dists.items()] + [f"python=={python}", f"platform=={platform.machine()}"])
    try:
        version = metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        version = None
    return {
        "lock_sha256": hashlib.sha256(lock.encode()).hexdigest(),
        "python": python,
        "platform": platform.machine(),
        "package": {"name": DISTRIBUTION, "version": version, "code_sha256": package_code_sha256()},
        "kernel": {"name": kernel_name, "spec_sha256": kernel_spec_sha256(kernel_name)},
        "distributions": dists,
    }


def reuse_key(notebook_sha256: str, title: str | None, parameters: dict, files: list[dict], env: dict) -> str:
    """The sha256 a run's outputs are reused by (see the module docstring for what goes in)."""
    basis = {
        "format": REUSE_FORMAT,
        "notebook": notebook_sha256,
        "title": title,
        "parameters": parameters,
        "inputs": sorted((f["path"], f["sha256"]) for f in files if f.get("role") in PAGE_ROLES),
        "package": env.get("package"),
        "environment": env.get("lock_sha256"),
        "kernel": env.get("kernel"),
    }
    text = json.dumps(basis, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
