"""``clusterix-analytics report``: execute the plan's runs in parallel into one dated snapshot.

Order of work:

1. Clean up: build folders left by reports that died (``kill -9``) are removed (``snapshot.clean_stale``).
2. Pin the inputs (``reports/inputs.py``): the project folder is copied into the hidden build folder, and
   that frozen copy is validated, planned from and read by every kernel; the reference files (sectors, NUTS,
   geometry), the plan and each notebook are hashed at the same time. Any problem with the data or the plan
   → exit 2, nothing run, nothing left behind.
3. Reuse: a run whose reuse key (its notebook, title, parameters, every pinned data and reference file, the
   package's version and code, the environment lock, the kernel spec) equals that of an ok run of the snapshot
   ``latest`` points to is not executed: its page, notebook and thumbnail are copied from there, and its
   record (headlines, metrics, duration) is kept with ``reused_from`` naming the snapshot whose run made
   them. ``force=True`` (``--force``) executes every run. A snapshot whose runs are all reused starts no pool
   and no kernel.
4. Execute the other runs in a pool of worker processes, each run on a fresh kernel: every worker keeps one
   spare kernel started ahead and pre-importing what the notebooks import (reports/kernels.py), so a run
   rarely waits for a kernel start, and no run sees another's variables. papermill parameterizes and records
   each run as usual. Each worker strips the embedded plotly.js from its notebook, writes its HTML page, and
   checks that no pinned file changed while it ran (a run that saw a changed file fails, naming it).
5. The parent writes the one plotly.min.js, thumbnails of the pages that have none (one headless Chromium,
   when installed), manifest.json and index.html, removes the frozen inputs, and moves the hidden folder into
   place; ``latest`` then moves to it if at least one run is ok.

Exit codes: 0 every run succeeded; 1 a run failed; 2 bad data or bad plan/parameters; 130 interrupted.

>>> from clusterix_analytics.reports.runner import run_report
>>> run_report(jobs=2, label="weekly")          # doctest: +SKIP
reports/2026-11-23T101500Z-weekly
12 runs: 12 ok (9 reused), 0 failed in 14.2 s (jobs=2)
0
"""
from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import re
import shutil
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from clusterix_analytics.config import (
    DEFAULT_PLAN_FILE,
    DEFAULT_PROJECT_DIR,
    KERNEL_NAME,
    PAGE_PLOTLYJS_ENV,
    PROJ_ROOT,
    REPORT_RUN_ENV,
    REPORTS_DIR,
    input_limits,
)
from clusterix_analytics.errors import DataValidationError
from clusterix_analytics.reports import inputs as pins_
from clusterix_analytics.reports import snapshot as snap
from clusterix_analytics.reports.export import (
    PageTooLarge,
    check_page_size,
    notebook_page,
    strip_plotly_bundles,
    without_html_twins,
    write_plotly_js,
    write_standalone_pages,
)
from clusterix_analytics.reports.index import index_page, project_summary
from clusterix_analytics.reports.manifest import (
    ManifestError,
    git_state,
    headlines_from_notebook,
    metrics_from_notebook,
    package_versions,
    read_manifest,
    write_manifest,
)
from clusterix_analytics.reports.plan import PROJECT_PARAMETER, PlanError, Run, expand_plan, parse_overrides

DEFAULT_PLAN = DEFAULT_PLAN_FILE
ERROR_LINES = 8
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
INJECTED_TAG = "injected-parameters"   # papermill's tag on the cell it writes the parameters into


# ---- worker side -------------------------------------------------------------------------------
_kernels = None   # this worker's WarmKernels (reports/kernels.py): the running kernel and the spare


def _mark_report_run() -> None:
    """Say, to this process and the kernels it starts, that notebooks run as report pages: a report run
    (:func:`~clusterix_analytics.config.report_run`) whose pages load plotly.js themselves."""
    os.environ[REPORT_RUN_ENV] = os.environ[PAGE_PLOTLYJS_ENV] = "1"


def _worker_init(kernel_name: str = KERNEL_NAME, preload: tuple[str, ...] | None = None) -> None:
    """Workers leave Ctrl-C to the parent, kill their kernels before dying on SIGTERM (also sent when the
    parent dies, even by ``kill -9``), and stop them when the pool closes."""
    global _kernels
    from multiprocessing.util import Finalize

    from clusterix_analytics.reports.kernels import PRELOAD, WarmKernels

    snap.close_inherited_locks()
    _mark_report_run()
    # Kernels inherit these: their start-up chatter would bury the progress bar. Errors come back
    # in each run's result instead.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)
    _kernels = WarmKernels(kernel_name, PRELOAD if preload is None else preload)
    Finalize(_kernels, _kernels.close, exitpriority=10)   # run when the pool's worker exits normally
    _install_signal_handlers()
    _die_with_parent()


def _install_signal_handlers() -> None:
    def stop(signum, frame):
        _kill_kernels_now()
        os._exit(128 + signum)

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, stop)


def _die_with_parent() -> None:
    """Linux: SIGTERM this worker when the parent dies (its handler then kills the kernels)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        parent = os.getppid()
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM, 0, 0, 0)   # PR_SET_PDEATHSIG
        if os.getppid() != parent:              # the parent died before the call
            os.kill(os.getpid(), signal.SIGTERM)
    except (OSError, AttributeError):
        pass


def _kill_kernels_now() -> None:
    """SIGKILL the worker's kernels, the running one and the spare (safe inside a signal handler)."""
    if _kernels is not None:
        _kernels.kill_all_now()
        shutil.rmtree(_kernels.folder, ignore_errors=True)


def _kill_current_kernel() -> None:
    from clusterix_analytics.reports.kernels import kill_now

    if _kernels is not None:
        kill_now(_kernels.current)


def _error_lines(exc: BaseException) -> list[str]:
    """The last lines of the error, without terminal colours."""
    traceback = getattr(exc, "traceback", None)
    if traceback:
        lines = ANSI.sub("", "\n".join(traceback)).strip().splitlines()
    else:
        lines = f"{type(exc).__name__}: {exc}".splitlines()
    return [line.rstrip() for line in lines if line.strip()][-ERROR_LINES:]


def unfreeze_paths(nb, replacements: dict[str, str]):
    """Name the user's files, not the frozen copies, where the stored notebook records paths: the injected
    parameters cell and papermill's metadata (the run read byte-identical copies; see reports/inputs.py).

    >>> nb = {"metadata": {"papermill": {"input_path": "/b/.inputs/notebooks/n.ipynb"}}, "cells": [
    ...     {"cell_type": "code", "metadata": {"tags": ["injected-parameters"]}, "source": 'p = "/b/.inputs/x"'}]}
    >>> nb = unfreeze_paths(nb, {"/b/.inputs/notebooks/n.ipynb": "notebooks/n.ipynb", "/b/.inputs/x": "/data/x"})
    >>> nb["cells"][0]["source"], nb["metadata"]["papermill"]["input_path"]
    ('p = "/data/x"', 'notebooks/n.ipynb')
    """
    # longest first: a folder's path is a prefix of its files' paths
    ordered = sorted(replacements.items(), key=lambda kv: -len(kv[0]))

    def swap(text: str) -> str:
        for frozen, real in ordered:
            text = text.replace(frozen, real)
        return text

    for cell in nb.get("cells", []):
        if INJECTED_TAG in cell.get("metadata", {}).get("tags", []):
            source = cell.get("source", "")
            cell["source"] = swap("".join(source) if isinstance(source, list) else source)
    papermill = nb.get("metadata", {}).get("papermill")
    if papermill:
        nb["metadata"]["papermill"] = json.loads(swap(json.dumps(papermill, ensure_ascii=False)))
    return nb


def finish_notebook(path: Path, page_path: Path, title: str, parameters: dict, status: str,
                    replacements: dict[str, str] | None = None) -> tuple[dict, dict]:
    """Strip plotly.js from an executed notebook, write its HTML page; return its headlines and metrics."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    headlines, metrics = headlines_from_notebook(nb), metrics_from_notebook(nb)
    nb = nbformat.from_dict(unfreeze_paths(strip_plotly_bundles(nb), replacements or {}))
    # Compact JSON: nbformat's one-value-per-line layout doubles the size of figure data.
    snap.write_text_atomic(path, json.dumps(without_html_twins(nb), separators=(",", ":"), ensure_ascii=False))
    page = notebook_page(nb, title=title, meta=parameters, status=status)
    check_page_size(page, input_limits().page_bytes)   # raises PageTooLarge: no page written
    snap.write_text_atomic(page_path, page)
    return headlines, metrics


def execute_run(task: dict) -> dict:
    """Execute one run in this process (a pool worker) on a fresh kernel (the worker's warm spare when it
    has one), then strip and export, then check that the pinned inputs did not change under the run.

    papermill's ``execute_notebook`` parameterizes and records the run as always; its engine is
    reports/kernels.py's ``WarmKernelEngine`` on the kernel handed to it. Never raises: a failure comes back
    as ``status: failed`` with the error's last lines.
    """
    global _kernels
    import papermill as pm

    from clusterix_analytics.reports.kernels import ENGINE_NAME, PRELOAD, WarmKernels

    if _kernels is None:   # called outside a pool (tests): this process keeps its own kernels
        _kernels = WarmKernels(task["kernel_name"], PRELOAD if task.get("preload") is None else task["preload"])
    folder = Path(task["folder"])
    slug = task["slug"]
    nb_path = folder / "notebooks" / f"{slug}.ipynb"
    page_path = folder / f"{slug}.html"
    result = {"slug": slug, "status": "ok", "error": None, "headlines": {}, "started": _now()}
    parameters = dict(task["parameters"])
    if task["project_dir"] is not None:
        parameters[PROJECT_PARAMETER] = task["project_dir"]
    _mark_report_run()
    start = time.perf_counter()
    # The time limit kills the kernel from a watchdog thread: nbclient then stops at once with a dead
    # kernel (a signal in this thread would wait for the kernel's reply before it is handled).
    timed_out = threading.Event()
    watchdog = None
    km = None
    try:
        km = _kernels.take(task["cwd"])
        if task.get("spare", False):   # set by _execute_all: no spare for a run that ends the batch
            _kernels.prepare(task["cwd"])   # the next run's kernel boots while this one runs
        if task["timeout"]:
            watchdog = threading.Timer(task["timeout"], lambda: (timed_out.set(), _kill_current_kernel()))
            watchdog.daemon = True
            watchdog.start()
        pm.execute_notebook(
            task["input"], str(nb_path), parameters=parameters, kernel_name=task["kernel_name"],
            engine_name=ENGINE_NAME, km=km, progress_bar=False, log_output=False,
            request_save_on_cell_execute=False, save_on_failure=str(nb_path),   # written once: see the engine
            start_timeout=task.get("start_timeout", 120),
        )
    except BaseException as exc:   # noqa: BLE001 – any failure is this run's, never the batch's
        if timed_out.is_set():
            result["status"] = "timeout"
            result["error"] = [f"timeout: the run did not finish within its time limit of {task['timeout']:g} s"]
        else:
            result["status"] = "failed"
            result["error"] = _error_lines(exc)
    finally:
        if watchdog is not None:
            watchdog.cancel()
        _kernels.stop(km)
    result = _finish_run(task, result, nb_path, page_path, start)
    if task.get("report_resources"):
        result["resources"] = _resources()
    return result


def _resources() -> dict:
    """This process's open descriptors and live child processes (Linux; the tests read them)."""
    fds = len(os.listdir("/proc/self/fd")) if Path("/proc/self/fd").is_dir() else None
    try:
        import psutil

        children = []
        for child in psutil.Process().children(recursive=True):
            try:
                if child.status() != psutil.STATUS_ZOMBIE:
                    children.append(f"{child.pid} {child.status()} {' '.join(child.cmdline()[-3:])}")
            except psutil.Error:   # gone meanwhile
                pass
    except ImportError:
        children = None
    forkserver = _kernels.forkserver if _kernels is not None else None
    return {"pid": os.getpid(), "fds": fds, "children": children,
            "spare": _kernels.spare is not None if _kernels is not None else False,
            "forkserver": forkserver.process.pid if forkserver is not None else None}


def _finish_run(task: dict, result: dict, nb_path: Path, page_path: Path, start: float) -> dict:
    """After the kernel: the page, the check of the pinned inputs, the outputs' names, the duration."""
    if nb_path.is_file():
        try:
            result["headlines"], result["metrics"] = finish_notebook(
                nb_path, page_path, task["title"], task["parameters"], result["status"], task.get("replacements"))
        except PageTooLarge as exc:
            result["status"] = "failed"
            result["error"] = (result["error"] or []) + [str(exc)]
        except Exception as exc:  # noqa: BLE001 – a page that cannot be written fails this run only
            result["status"] = "failed"
            result["error"] = (result["error"] or []) + [f"export failed: {type(exc).__name__}: {exc}"]
    changed = pins_.changed_files(task.get("pins") or [])
    if changed:   # the page may mix the pinned and the changed file: it does not stand for the snapshot
        result["status"] = "failed"
        result["error"] = (result["error"] or []) + [
            f"input changed during the run: {line}" for line in changed] + [
            "the snapshot's inputs are hashed before its runs; change data between snapshots, not during one"]
    result["duration_s"] = round(time.perf_counter() - start, 3)   # kernel start to page written
    result["outputs"] = {"html": page_path.name if page_path.is_file() else None,
                         "notebook": f"notebooks/{nb_path.name}" if nb_path.is_file() else None}
    result["reuse_key"] = task.get("reuse_key")
    result["reused_from"] = None
    return result


# ---- parent side -------------------------------------------------------------------------------
def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass
class Pinned:
    """What the runs of one snapshot read, fixed before the first of them starts."""

    dataset: object
    runs: list[Run]
    read_dir: Path            # the folder the kernels read the project from (the frozen copy, if frozen)
    frozen: bool
    files: list[dict]         # reports/inputs.py: pinned_files (with "file", the absolute path hashed)
    environment: dict
    notebooks: dict[str, Path] = field(default_factory=dict)   # run.path (as str) → frozen notebook
    keys: dict[str, str] = field(default_factory=dict)         # slug → reuse key

    def manifest_inputs(self) -> list[dict]:
        return [{k: f[k] for k in ("path", "role", "bytes", "sha256")} for f in self.files]


def _pin_inputs(project_dir: Path, plan_path: Path, overrides: dict, only: list[str] | None,
                building: Path) -> Pinned:
    """Freeze the project, validate it and expand the plan from the copy, hash every input once.

    Raises DataValidationError / PlanError (the caller exits 2). When the copy does not load but the folder
    does (``project.yaml`` names tables outside its folder), the folder is read in place and checked by hash.
    """
    from clusterix_analytics.data.dataset import load

    inputs_dir = building / pins_.INPUTS_DIRNAME
    frozen_dir = None
    if (project_dir / "project.yaml").is_file():
        try:
            frozen_dir = pins_.freeze_project(project_dir, inputs_dir)
        except OSError:
            frozen_dir = None
    dataset = None
    if frozen_dir is not None:
        try:
            dataset = load(frozen_dir)
        except DataValidationError:
            dataset = None
        if dataset is not None and not all(Path(f).is_relative_to(frozen_dir) for f in dataset.files):
            dataset = None   # a table outside the folder: read in place, checked by hash
        if dataset is None:
            shutil.rmtree(frozen_dir, ignore_errors=True)
            frozen_dir = None
    if dataset is None:
        dataset = load(project_dir)   # the user's own paths in any error message
    read_dir = frozen_dir or project_dir
    runs = expand_plan(plan_path, dataset, overrides=overrides, only=only)
    notebooks = {}
    for run in runs:
        if str(run.path) not in notebooks:
            notebooks[str(run.path)] = pins_.freeze_file(run.path, inputs_dir / "notebooks" / f"{len(notebooks)}")
    files = pins_.pinned_files(dataset, read_dir, plan_path,
                               {pins_.shown_path(Path(real)): copy for real, copy in notebooks.items()})
    pinned = Pinned(dataset=dataset, runs=runs, read_dir=read_dir, frozen=frozen_dir is not None, files=files,
                    environment=pins_.environment(KERNEL_NAME), notebooks={k: Path(v) for k, v in notebooks.items()})
    by_path = {f["path"]: f["sha256"] for f in files}
    for run in runs:
        pinned.keys[run.slug] = pins_.reuse_key(by_path[pins_.shown_path(run.path)], run.title, run.parameters,
                                                files, pinned.environment)
    return pinned


def _tasks(runs: list[Run], folder: Path, project_dir: Path, pinned: Pinned, timeout: float | None) -> list[dict]:
    replacements = {str(pinned.read_dir): str(project_dir)} if pinned.frozen else {}
    replacements |= {str(copy): str(Path(real).resolve()) for real, copy in pinned.notebooks.items()}
    pins = [{k: f[k] for k in ("path", "sha256", "file")} for f in pinned.files if f["role"] != "plan"]
    return [{
        "slug": r.slug, "title": r.title, "input": str(pinned.notebooks[str(r.path)]),
        "cwd": str(r.path.parent.resolve()),
        "parameters": r.parameters, "folder": str(folder), "kernel_name": KERNEL_NAME, "timeout": timeout,
        "project_dir": str(pinned.read_dir) if PROJECT_PARAMETER in r.declared else None,
        "replacements": replacements, "pins": pins, "reuse_key": pinned.keys[r.slug],
    } for r in runs]


def _reuse(runs: list[Run], pinned: Pinned, out_dir: Path, building: Path, thumbnails: bool,
           stderr) -> tuple[dict[str, dict], str | None]:
    """Copy the outputs of every run whose key matches an ok run of ``latest``; returns their results by
    slug, and the name of the snapshot they came from."""
    previous = snap.latest_snapshot(out_dir)
    if previous is None:
        return {}, None
    try:
        manifest = read_manifest(previous)
    except ManifestError as exc:
        print(f"nothing reused: {exc}", file=stderr)
        return {}, None
    before = {r["slug"]: r for r in manifest.get("runs", [])}
    reused: dict[str, dict] = {}
    for run in runs:
        old = before.get(run.slug)
        if not old or old.get("status") != "ok" or old.get("reuse_key") != pinned.keys[run.slug]:
            continue
        outputs = old.get("outputs") or {}
        wanted = {"html": outputs.get("html"), "notebook": outputs.get("notebook")}
        if thumbnails and outputs.get("thumbnail"):
            wanted["thumbnail"] = outputs["thumbnail"]
        sources = {kind: previous / name for kind, name in wanted.items() if name}
        if set(sources) < {"html", "notebook"} or not all(p.is_file() for p in sources.values()):
            continue
        try:
            for kind, source in sources.items():
                snap.copy_atomic(source, building / wanted[kind])
        except OSError as exc:   # the earlier snapshot is being removed, say: execute the run instead
            for name in wanted.values():
                if name:
                    (building / name).unlink(missing_ok=True)
            print(f"  {run.slug}: not reused ({exc}); executing it", file=stderr)
            continue
        reused[run.slug] = {
            "slug": run.slug, "status": "ok", "error": None, "started": old.get("started"),
            "duration_s": old.get("duration_s"), "headlines": old.get("headlines") or {},
            "metrics": old.get("metrics") or {}, "outputs": dict(wanted),
            "reuse_key": pinned.keys[run.slug], "reused_from": old.get("reused_from") or previous.name,
        }
    return reused, previous.name


def _progress(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, unit="run", desc="report", file=sys.stderr, disable=not enabled, leave=True)


PROFILE_VIEW = "clusterix_analytics.views.partner_profile"


def project_preload(modules: tuple, folders: list[str]) -> tuple:
    """Fork-server entries for the pinned project folders: each read and validated once per worker (its
    kernels, forked, start with it loaded) and, where the notebooks import the partner-profile view
    (in ``modules``), with what every profile computes alike.

    >>> project_preload(("pandas",), ["/p"])
    (['clusterix_analytics.data.dataset:remember', '/p'],)
    >>> project_preload((PROFILE_VIEW,), ["/p"])[1]
    ['clusterix_analytics.views.partner_profile:prepare', '/p']
    """
    entries: tuple = ()
    for folder in folders:
        entries += (["clusterix_analytics.data.dataset:remember", folder],)
        if PROFILE_VIEW in modules:
            entries += ([f"{PROFILE_VIEW}:prepare", folder],)
    return entries


def _execute_all(tasks: list[dict], jobs: int, fail_fast: bool, progress: bool,
                 log_runs: bool = True, preload: tuple[str, ...] | None = None) -> dict[str, dict]:
    """Run the tasks in a pool; returns results by slug (runs never started are absent).

    Each worker keeps a spare kernel importing ``preload`` (default: reports/kernels.py's PRELOAD, what the
    tasks' notebooks import, and the tasks' pinned project, loaded once: ``data.dataset.remember``). The last
    ``workers`` tasks start no spare: no run would take it.
    """
    results: dict[str, dict] = {}
    counts = {"ok": 0, "failed": 0}
    # What every run needs, imported once here for all the forked workers (not at the top of this module: a
    # snapshot whose runs are all reused needs none of it, and nbformat alone takes a second to import).
    import nbconvert  # noqa: F401

    from clusterix_analytics.reports.kernels import PRELOAD, notebook_imports

    if preload is None:
        preload = tuple(dict.fromkeys(PRELOAD + tuple(notebook_imports(sorted({t["input"] for t in tasks})))))
        preload += project_preload(preload, sorted({t["project_dir"] for t in tasks if t.get("project_dir")}))
    workers = min(jobs, len(tasks)) or 1
    tasks = [dict(task, spare=task.get("spare", i < len(tasks) - workers)) for i, task in enumerate(tasks)]
    # fork: workers start in milliseconds with everything imported, and do not re-run the caller's main
    # module (spawn would, which breaks for `python -` and notebooks). The pool is made before any
    # thread (tqdm's monitor) starts.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    pool = context.Pool(processes=workers, initializer=_worker_init, initargs=(KERNEL_NAME, preload))
    bar = _progress(len(tasks), progress)
    stopped_early = False
    try:
        for result in pool.imap_unordered(execute_run, tasks):
            results[result["slug"]] = result
            ok = result["status"] == "ok"
            counts["ok" if ok else "failed"] += 1
            bar.set_postfix(counts, refresh=False)
            bar.update(1)
            line = _run_line(result)
            if progress:
                bar.write(line, file=sys.stderr)
            elif log_runs:
                print(line, file=sys.stderr, flush=True)   # cron and CI logs get one line per run
            if fail_fast and not ok:
                stopped_early = True
                break
    except BaseException:
        pool.terminate()   # SIGTERM: each worker kills its kernel, then exits
        pool.join()
        raise
    finally:
        bar.close()
    if stopped_early:
        pool.terminate()
    else:
        pool.close()
    pool.join()
    return results


def _execute_on_dask(tasks: list[dict], folder: Path, client, transfer: str, fail_fast: bool,
                     stderr) -> dict[str, dict]:
    """The tasks on the Dask cluster (:mod:`.dask_executor`), one log line per finished run."""
    from clusterix_analytics.reports.dask_executor import execute_on_dask

    def finished(result: dict) -> bool:
        print(_run_line(result), file=stderr, flush=True)
        return fail_fast and result["status"] != "ok"

    return execute_on_dask(tasks, folder, client, transfer=transfer, on_result=finished)


def _run_line(result: dict) -> str:
    """The log line of a finished run: status, seconds (blank when the run never reported), slug."""
    seconds = f"{result['duration_s']:7.1f}" if result.get("duration_s") is not None else " " * 7
    return f"  {result['status']:<7} {seconds} s  {result['slug']}"


def _git_and_versions() -> tuple[dict | None, dict]:
    return git_state(PROJ_ROOT), package_versions()


def _thumbnails(folder: Path, results: dict[str, dict], tabs: int = 2) -> str | None:
    """One browser for every page of ``results``; returns why there are no thumbnails, or None."""
    from clusterix_analytics.reports.browser import BrowserError, check_pages, find_chromium

    if find_chromium() is None:
        return "Chromium not installed: no thumbnails"
    pages = [folder / r["outputs"]["html"] for r in results.values() if r["outputs"].get("html")]
    try:
        check_pages(pages, thumbs_dir=folder / "thumbs", tabs=tabs)
    except (BrowserError, OSError) as exc:
        return f"thumbnails skipped: {exc}"
    for result in results.values():
        thumb = folder / "thumbs" / f"{result['slug']}.png"
        if thumb.is_file():
            result["outputs"]["thumbnail"] = f"thumbs/{thumb.name}"
    return None


def _pdfs(folder: Path, runs: list[Run], results: dict[str, dict], snapshot: str) -> str:
    """Print every written page to pdf/<slug>.pdf and join them into pdf/snapshot.pdf (plan order); returns
    the snapshot PDF's path in the folder, or why there is none."""
    from clusterix_analytics.reports.browser import BrowserError, find_chromium
    from clusterix_analytics.reports.pdf import PDF_DIR, SNAPSHOT_PDF, join_pdfs, print_pages

    if find_chromium() is None:
        return "Chromium not installed: no PDF"
    written = [(run, results[run.slug]) for run in runs if results[run.slug]["outputs"].get("html")]
    pages = []
    for run, result in written:
        share = result.get("headlines", {}).get("demo_share")
        demo = f"demo data: {share:.0%} of the rows used" if isinstance(share, int | float) else ""
        pages.append((folder / result["outputs"]["html"], " · ".join(p for p in (run.title, demo) if p)))
    try:
        pdfs = print_pages(pages, folder / PDF_DIR, f"snapshot {snapshot}")
    except (BrowserError, OSError) as exc:
        return f"PDF skipped: {exc}"
    for (_, result), pdf in zip(written, pdfs):
        result["outputs"]["pdf"] = f"{PDF_DIR}/{pdf.name}"
    join_pdfs([(run.title, pdf) for (run, _), pdf in zip(written, pdfs)], folder / PDF_DIR / SNAPSHOT_PDF)
    return f"{PDF_DIR}/{SNAPSHOT_PDF}"


def run_report(project_dir: str | Path = DEFAULT_PROJECT_DIR, out_dir: str | Path | None = None,
               label: str | None = None, plan: str | Path | None = None, jobs: int | None = None,
               only: list[str] | None = None, overrides: list[str] | None = None, timeout: float | None = None,
               fail_fast: bool = False, thumbnails: bool = True, progress: bool | None = None,
               force: bool = False, stdout=None, stderr=None, pdf: bool = False,
               self_contained: bool = False, executor: str = "local", scheduler: str | None = None,
               transfer: str = "bytes") -> int:
    """Build one snapshot; print its path and a summary line; return the exit code (0, 1, 2 or 130).

    ``force``: execute every run, even those whose inputs are unchanged since ``latest``. ``executor``
    "dask" runs them on the Dask scheduler at ``scheduler`` (:mod:`.dask_executor`; ``transfer``: how the
    project reaches the workers), refused with exit 2 before anything runs when it cannot be reached.
    """
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    out_dir = Path(out_dir) if out_dir else REPORTS_DIR
    plan_path = Path(plan) if plan else DEFAULT_PLAN
    project_dir = Path(project_dir).resolve()
    jobs = jobs or os.cpu_count() or 1
    progress = stderr.isatty() if progress is None else progress
    started = dt.datetime.now(dt.UTC)
    clock = time.perf_counter()

    override_values, problems = parse_overrides(overrides)
    if problems:
        print(PlanError(problems), file=stderr)
        return 2
    client = None
    if executor == "dask":
        from clusterix_analytics.reports.dask_executor import ExecutorError, connect

        try:
            client = connect(scheduler or "")
        except ExecutorError as exc:
            print(exc, file=stderr)
            return 2
    # 1. what reports that died left behind
    removed = snap.clean_stale(out_dir)
    if removed:
        print(f"removed {len(removed)} unfinished build folder(s) of reports that stopped: {', '.join(removed)}",
              file=stderr)

    # 2. pin the inputs; refuse bad data or a bad plan before anything runs (and leave nothing behind)
    out_existed = out_dir.exists()
    building = snap.make_building_dir(out_dir)
    previous_term = signal.signal(signal.SIGTERM, _raise_interrupt)   # cron's kill → clean stop too
    try:
        try:
            pinned = _pin_inputs(project_dir, plan_path, override_values, only, building)
        except (DataValidationError, PlanError) as exc:
            snap.discard(building)
            if not out_existed:
                _remove_if_empty(out_dir)
            print(exc, file=stderr)
            return 2
        runs = pinned.runs
        if not runs:
            snap.discard(building)
            if not out_existed:
                _remove_if_empty(out_dir)
            print(f"{plan_path}: the plan has no runs", file=stderr)
            return 2
        (building / "notebooks").mkdir()

        # 3. reuse what has not changed, 4. execute the rest
        results, reused_from = ({}, None) if force else _reuse(runs, pinned, out_dir, building, thumbnails, stderr)
        todo = [r for r in runs if r.slug not in results]
        if todo and client is not None:
            results |= _execute_on_dask(_tasks(todo, building, project_dir, pinned, timeout), building, client,
                                        transfer, fail_fast, stderr)
        elif todo:
            results |= _execute_all(_tasks(todo, building, project_dir, pinned, timeout), jobs, fail_fast,
                                    progress, log_runs=stderr is sys.stderr)
        for run in runs:
            if run.slug not in results:
                results[run.slug] = _skipped(run, building, pinned.keys[run.slug])

        # 5. the shared files, then publish
        write_plotly_js(building)
        if self_contained:
            write_standalone_pages(building, results)
        shutil.rmtree(building / pins_.INPUTS_DIRNAME, ignore_errors=True)
        unthumbed = {s: r for s, r in results.items() if r["outputs"].get("html") and not r["outputs"].get("thumbnail")}
        if not thumbnails:
            thumbs_note = "thumbnails turned off"
        elif unthumbed:
            # pages load side by side in one browser: about as many tabs as cores pay off
            thumbs_note = _thumbnails(building, unthumbed, tabs=max(2, min(jobs, 4)))
        else:
            thumbs_note = None
        pdf_note = _pdfs(building, runs, results, snap.snapshot_name(started, label)) if pdf else None
        finished = dt.datetime.now(dt.UTC)
        git, versions = _git_and_versions()
        manifest = _manifest(runs, results, pinned, project_dir, plan_path, started, finished, label, jobs,
                             git, versions, thumbs_note)
        if pdf_note is not None:
            manifest["pdf"] = pdf_note

        def finalize(name: str) -> None:
            from clusterix_analytics.reports.workbook import write_snapshot_workbook  # openpyxl: only when writing

            manifest["snapshot"] = name
            manifest["workbook"] = write_snapshot_workbook(building, name, pinned.dataset)
            write_manifest(building, manifest)
            snap.write_text_atomic(building / "index.html", index_page(manifest))

        any_ok = manifest["summary"]["ok"] > 0
        target = snap.publish(building, out_dir, snap.snapshot_name(started, label), finalize=finalize,
                              move_latest=any_ok)
    except KeyboardInterrupt:
        snap.discard(building)
        print("interrupted: no snapshot written", file=stderr)
        return 130
    except BaseException:
        snap.discard(building)
        raise
    finally:
        signal.signal(signal.SIGTERM, previous_term)
        if client is not None:
            client.close()

    summary = manifest["summary"]
    print(_display_path(target), file=stdout)
    ok = f"{summary['ok']} ok" + (f" ({summary['reused']} reused)" if summary["reused"] else "")
    print(f"{len(runs)} runs: {ok}, {summary['failed']} failed"
          + (f", {summary['skipped']} skipped" if summary["skipped"] else "")
          + f" in {time.perf_counter() - clock:.1f} s (jobs={jobs})", file=stdout)
    if summary["reused"]:
        print(f"  reused (inputs unchanged since {reused_from}; --force runs them): {summary['reused']} run(s)",
              file=stderr)
    for result in manifest["runs"]:
        if result["status"] != "ok":
            print(f"  {result['status']}: {result['slug']}: {(result.get('error') or [''])[-1]}", file=stderr)
    if not any_ok:
        kept = snap.latest_snapshot(out_dir)
        print(f"latest not moved (no run of this snapshot is ok): it still points to "
              f"{kept.name if kept else 'nothing'}", file=stderr)
    return 0 if summary["failed"] == 0 and summary["skipped"] == 0 else 1


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def _display_path(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _skipped(run: Run, folder: Path, key: str | None = None) -> dict:
    """A run that --fail-fast stopped before it ran (or while it ran): keep whatever notebook it left."""
    import nbformat

    nb_path = folder / "notebooks" / f"{run.slug}.ipynb"
    outputs = {"html": None, "notebook": None}
    if nb_path.is_file():
        try:
            nbformat.write(nbformat.from_dict(strip_plotly_bundles(nbformat.read(nb_path, as_version=4))), nb_path)
            outputs["notebook"] = f"notebooks/{nb_path.name}"
        except Exception:  # noqa: BLE001 – a half-written notebook of a stopped run is not worth keeping
            nb_path.unlink(missing_ok=True)
    return {"slug": run.slug, "status": "skipped", "duration_s": None, "started": None, "headlines": {},
            "error": ["not run: --fail-fast stopped the batch after a failure"], "outputs": outputs,
            "reuse_key": key, "reused_from": None}


def _manifest(runs, results, pinned: Pinned, project_dir, plan_path, started, finished, label, jobs, git,
              versions, thumbs_note) -> dict:
    from clusterix_analytics.reports.inputs import sha256_of

    ordered = []
    for run in runs:
        r = results[run.slug]
        ordered.append({
            "slug": run.slug, "notebook": run.notebook, "title": run.title, "parameters": run.parameters,
            "section": run.section, "description": run.description,
            "status": r["status"], "started": r.get("started"), "duration_s": r.get("duration_s"),
            "outputs": r.get("outputs", {}), "headlines": r.get("headlines", {}), "metrics": r.get("metrics", {}),
            "error": r.get("error"), "reuse_key": r.get("reuse_key"), "reused_from": r.get("reused_from"),
        })
    summary = {s: sum(1 for r in ordered if r["status"] == s) for s in ("ok", "failed", "timeout", "skipped")}
    summary["failed"] += summary.pop("timeout")
    summary["reused"] = sum(1 for r in ordered if r["reused_from"])
    dataset = pinned.dataset
    plan_pin = next((f for f in pinned.files if f["role"] == "plan"), None)
    return {
        "snapshot": None,
        "label": label,
        "started": started.isoformat(timespec="seconds"),
        "finished": finished.isoformat(timespec="seconds"),
        "duration_s": round((finished - started).total_seconds(), 3),
        "status": "ok" if summary["failed"] == 0 and summary["skipped"] == 0 else "failed",
        "summary": summary,
        "jobs": jobs,
        "kernel": KERNEL_NAME,
        "git": git,
        "versions": versions,
        "environment": pinned.environment,
        "project": {"id": dataset.project.id, "name": dataset.project.name, "directory": str(project_dir),
                    **project_summary(dataset)},
        "plan": {"path": str(plan_path), "sha256": plan_pin["sha256"] if plan_pin else sha256_of(plan_path)},
        "inputs": pinned.manifest_inputs(),
        "thumbnails": thumbs_note or "thumbs/<slug>.png",
        "runs": ordered,
    }
