"""The record of what produced a snapshot: versions, git commit, input checksums, every run.

>>> import hashlib, tempfile, pathlib
>>> f = pathlib.Path(tempfile.mkdtemp()) / "x.csv"; _ = f.write_text("a\\n")
>>> sha256_of(f) == hashlib.sha256(b"a\\n").hexdigest()
True
"""
from __future__ import annotations

import hashlib
import json
import platform
import re
import subprocess
from importlib import metadata
from pathlib import Path

from clusterix_analytics.config import HEADLINE_MIMETYPE, PROJ_ROOT

DISTRIBUTION = "clusterix-analytics"
# Packages that shape the pages besides the declared dependencies.
EXTRA_PACKAGES = ("jupyter_client", "nbclient", "plotly", "pandas")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def input_files(files, project_dir: Path) -> list[dict]:
    """sha256 and size of every data file the dataset was read from, paths relative to the project."""
    rows = []
    for path in files:
        path = Path(path)
        shown = path.relative_to(project_dir) if path.is_relative_to(project_dir) else path
        rows.append({"path": str(shown), "bytes": path.stat().st_size, "sha256": sha256_of(path)})
    return rows


def package_versions() -> dict[str, str]:
    """Version of this package and of each of its declared dependencies (installed versions)."""
    versions = {}
    try:
        versions[DISTRIBUTION] = metadata.version(DISTRIBUTION)
        requirements = metadata.requires(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:
        requirements = []
    names = [re.match(r"[A-Za-z0-9_.\-]+", r).group(0) for r in requirements if "extra ==" not in r]
    for name in sorted(set(names) | set(EXTRA_PACKAGES), key=str.lower):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    versions["python"] = platform.python_version()
    return versions


def git_state(root: Path = PROJ_ROOT) -> dict | None:
    """Commit and dirty flag of the working tree, or None outside git (or without git)."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True,
                                timeout=10)
        if commit.returncode != 0:
            return None
        status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                                capture_output=True, text=True, timeout=10)
        branch = subprocess.run(["git", "rev-parse", "--abbrev-ref", "HEAD"], cwd=root, capture_output=True,
                                text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": commit.stdout.strip(), "branch": branch.stdout.strip() or None,
            "dirty": bool(status.stdout.strip())}


def write_manifest(folder: Path, manifest: dict) -> Path:
    path = Path(folder) / "manifest.json"
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    return path


def read_manifest(folder: Path) -> dict:
    return json.loads((Path(folder) / "manifest.json").read_text(encoding="utf-8"))


def headlines_from_notebook(nb: dict) -> dict:
    """Gather every recorded headline number from an executed notebook (as a dict read from .ipynb)."""
    found = {}
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            payload = output.get("data", {}).get(HEADLINE_MIMETYPE)
            if payload:
                found.update(json.loads(payload) if isinstance(payload, str) else payload)
    return found
