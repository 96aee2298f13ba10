"""The record of what produced a snapshot: versions, git commit, input checksums, every run.

``manifest.json`` is the pydantic model :class:`Manifest`. Writing checks it completely (every field the
runner records, nothing else); reading checks the types and the fields a reader needs (a snapshot's runs
with their slug and status, each input's path and sha256), so an older or a hand-made manifest still
diffs, and a broken one is refused with the field that is wrong.

>>> import hashlib, tempfile, pathlib
>>> f = pathlib.Path(tempfile.mkdtemp()) / "x.csv"; _ = f.write_text("a\\n")
>>> sha256_of(f) == hashlib.sha256(b"a\\n").hexdigest()
True
"""
from __future__ import annotations

import json
import platform
import re
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, model_validator
from pydantic_core import InitErrorDetails

from clusterix_analytics.config import HEADLINE_MIMETYPE, METRIC_MIMETYPE, PROJ_ROOT
from clusterix_analytics.errors import field_path
from clusterix_analytics.reports.inputs import sha256_of
from clusterix_analytics.reports.snapshot import write_text_atomic

DISTRIBUTION = "clusterix-analytics"
# Packages that shape the pages besides the declared dependencies.
EXTRA_PACKAGES = ("jupyter_client", "nbclient", "plotly", "pandas")
MANIFEST_FILE = "manifest.json"


class ManifestError(Exception):
    """A manifest.json that is not what the runner writes; ``problems`` name each wrong field."""

    def __init__(self, path: Path | str, problems: list[str]):
        self.path, self.problems = Path(path), list(problems)
        n = len(self.problems)
        super().__init__("\n".join([f"{path}: {n} problem{'s' if n != 1 else ''} in the snapshot manifest:"]
                                   + [f"  {p}" for p in self.problems]))


class _Record(BaseModel):
    """A part of the manifest. Types are JSON's (strict: "3" is not a number). Read, unknown keys are
    kept (a newer runner may add some); written (context ``{"writing": True}``), every field must be
    there, except those in ``optional_when_written``, and no other."""

    model_config = ConfigDict(strict=True, extra="allow")
    optional_when_written: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="after")
    def _complete_when_written(self, info: ValidationInfo):
        if not (info.context or {}).get("writing"):
            return self
        errors = [InitErrorDetails(type="missing", loc=(name,), input=None) for name in type(self).model_fields
                  if name not in self.model_fields_set and name not in self.optional_when_written]
        errors += [InitErrorDetails(type="extra_forbidden", loc=(name,), input=value)
                   for name, value in (self.model_extra or {}).items()]
        if errors:
            raise ValidationError.from_exception_data(type(self).__name__, errors)
        return self


class GitState(_Record):
    commit: str
    branch: str | None = None
    dirty: bool = False


class Summary(_Record):
    """How many runs ended how (a timeout counts as failed); ``reused`` of the ``ok`` ones were copied from
    the previous snapshot (their inputs had not changed)."""

    ok: int = 0
    failed: int = 0
    skipped: int = 0
    reused: int = 0


class ProjectRecord(_Record):
    """The project the snapshot was made from; the counts are what the index's first lines state."""

    id: str | None = None
    name: str | None = None
    directory: str | None = None
    programme: str | None = None
    start: str | None = None            # ISO dates
    end: str | None = None
    partners: int | None = None
    rows: int | None = None             # every row of every table the pages read
    synthetic_rows: int | None = None   # of them demo rows (Dataset.synthetic_summary, as page 00 counts them)


class PlanRecord(_Record):
    path: str
    sha256: str


class InputFile(_Record):
    """One file the pages depend on, hashed before the runs (see :mod:`clusterix_analytics.reports.inputs`).

    ``path``: a project file relative to the project folder (``partners.csv``, ``sectors/taxonomy.csv``),
    package data as ``clusterix_analytics/...``, the plan and notebooks relative to the checkout.
    ``role``: project, sectors, nuts, geometry, plan or notebook (None in manifests written before roles).
    """

    path: str
    role: str | None = None
    bytes: int | None = None
    sha256: str


class PackageRecord(_Record):
    name: str
    version: str | None = None
    code_sha256: str


class KernelRecord(_Record):
    name: str
    spec_sha256: str | None = None


class EnvironmentRecord(_Record):
    """What computed the pages besides their inputs; ``lock_sha256`` hashes ``distributions`` (every installed
    distribution and its version), Python and the platform."""

    lock_sha256: str
    python: str
    platform: str
    package: PackageRecord
    kernel: KernelRecord
    distributions: dict[str, str]


class RunOutputs(_Record):
    """A run's files, relative to the snapshot folder (None: not written)."""

    optional_when_written: ClassVar[frozenset[str]] = frozenset({"thumbnail", "pdf", "standalone"})

    html: str | None = None
    notebook: str | None = None
    thumbnail: str | None = None
    pdf: str | None = None
    standalone: str | None = None     # the page with plotly.js inlined (report --self-contained)


class MetricRecord(_Record):
    """One stated quantity of a run (see :mod:`clusterix_analytics.analytics.metrics`)."""

    name: str
    value: float | int | None
    unit: str
    provenance: Literal["sourced", "demo", "mixed"]
    scope: str


class RunRecord(_Record):
    slug: str
    notebook: str | None = None
    title: str | None = None
    parameters: dict[str, Any] = {}
    section: str | None = None          # the index heading it is listed under (plan: section)
    description: str | None = None      # its line on the index (plan: description)
    status: Literal["ok", "failed", "timeout", "skipped"]
    started: str | None = None
    duration_s: float | None = None
    outputs: RunOutputs = RunOutputs()
    headlines: dict[str, Any] = {}
    metrics: dict[str, MetricRecord] = {}
    error: list[str] | None = None
    # sha256 of everything the run's page is made from (reports/inputs.py: reuse_key)
    reuse_key: str | None = None
    # the snapshot whose run made these outputs, when they were copied (inputs unchanged); None: run here
    reused_from: str | None = None


class Manifest(_Record):
    """``manifest.json``: the fields in the order they are written.

    >>> Manifest.model_validate({"snapshot": "s", "runs": [{"slug": "a", "status": "ok"}]}).runs[0].status
    'ok'
    """

    optional_when_written: ClassVar[frozenset[str]] = frozenset({"pdf", "workbook"})

    snapshot: str | None = None
    label: str | None = None
    started: str | None = None          # ISO 8601, UTC
    finished: str | None = None
    duration_s: float | None = None
    status: Literal["ok", "failed"] | None = None
    summary: Summary | None = None
    jobs: int | None = None
    kernel: str | None = None
    git: GitState | None = None         # None outside a git checkout
    versions: dict[str, str | None] = {}
    environment: EnvironmentRecord | None = None
    project: ProjectRecord | None = None
    plan: PlanRecord | None = None
    inputs: list[InputFile] = []
    thumbnails: str | None = None
    pdf: str | None = None              # the whole snapshot's PDF (report --pdf), or why there is none
    workbook: str | None = None         # data/<snapshot>.xlsx: every project table, its sources, a README
    runs: list[RunRecord]


def _problems(error: ValidationError) -> list[str]:
    return [f"{field_path(tuple(e['loc']))}: {e['msg']}" for e in error.errors()]


def input_files(files, project_dir: Path) -> list[dict]:
    """sha256 and size of data files, paths relative to the project (the runner lists more: inputs.py)."""
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
    """Check ``manifest`` as the runner must write it (every field, no other) and write ``manifest.json``.

    >>> import tempfile
    >>> write_manifest(tempfile.mkdtemp(), {"runs": []})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    clusterix_analytics.reports.manifest.ManifestError: .../manifest.json: 16 problems in the snapshot manifest:
      snapshot: Field required
    ...
    """
    path = Path(folder) / MANIFEST_FILE
    try:
        record = Manifest.model_validate(manifest, context={"writing": True})
    except ValidationError as exc:
        raise ManifestError(path, _problems(exc)) from None
    text = json.dumps(record.model_dump(exclude_unset=True), indent=2, ensure_ascii=False, default=str)
    write_text_atomic(path, text + "\n")
    return path


def read_manifest(folder: Path) -> dict:
    """The manifest of the snapshot ``folder``, checked; raises :class:`ManifestError` naming what is wrong.

    >>> import json, tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "manifest.json").write_text(json.dumps({"runs": [{"slug": "a", "status": "done"}]}))
    >>> read_manifest(folder)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    clusterix_analytics.reports.manifest.ManifestError: .../manifest.json: 1 problem in the snapshot manifest:
      runs[0].status: Input should be 'ok', 'failed', 'timeout' or 'skipped'
    """
    path = Path(folder) / MANIFEST_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ManifestError(path, [f"not valid JSON: {exc}"]) from None
    try:
        Manifest.model_validate(data)
    except ValidationError as exc:
        raise ManifestError(path, _problems(exc)) from None
    return data


def headlines_from_notebook(nb: dict) -> dict:
    """Gather every recorded headline number from an executed notebook (as a dict read from .ipynb)."""
    return _recorded(nb, HEADLINE_MIMETYPE)


def metrics_from_notebook(nb: dict) -> dict:
    """Every metric an executed notebook recorded (key → record), in the order recorded.

    >>> nb = {"cells": [{"outputs": [{"data": {METRIC_MIMETYPE: {"n": {"name": "N", "value": 1, "unit": "",
    ...       "provenance": "demo", "scope": "project"}}}}]}]}
    >>> metrics_from_notebook(nb)["n"]["value"]
    1
    """
    return _recorded(nb, METRIC_MIMETYPE)


def _recorded(nb: dict, mimetype: str) -> dict:
    """Every record of ``mimetype`` the notebook displayed, merged in the order displayed."""
    found = {}
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            payload = output.get("data", {}).get(mimetype)
            if payload:
                found.update(json.loads(payload) if isinstance(payload, str) else payload)
    return found
