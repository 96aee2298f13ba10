"""``clusterix-analytics report``: execute the plan's runs in parallel into one dated snapshot.

Order of work: load and validate the data, expand and check the plan (any problem → exit 2, nothing
run, nothing written); execute every run with papermill's Python API in a pool of worker processes
(one kernel start per run, nothing else started per run); each worker also strips the embedded
plotly.js from its notebook and writes its HTML page; then the parent writes the one plotly.min.js,
thumbnails (one headless Chromium for all pages, when installed), manifest.json and index.html, and
only then moves the hidden folder into place and points ``latest`` at it.

Exit codes: 0 every run succeeded; 1 a run failed; 2 bad data or bad plan/parameters; 130 interrupted.

>>> from clusterix_analytics.reports.runner import run_report
>>> run_report(jobs=2, label="weekly")          # doctest: +SKIP
reports/2026-11-23T101500Z-weekly
12 runs: 12 ok, 0 failed in 41.2 s (jobs=2)
0
"""
from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
from pathlib import Path

import nbformat

from clusterix_analytics.config import (
    DEFAULT_PLAN_FILE,
    DEFAULT_PROJECT_DIR,
    KERNEL_NAME,
    PROJ_ROOT,
    REPORT_RUN_ENV,
    REPORTS_DIR,
)
from clusterix_analytics.errors import DataValidationError
from clusterix_analytics.reports import snapshot as snap
from clusterix_analytics.reports.export import (
    notebook_page,
    strip_plotly_bundles,
    without_html_twins,
    write_plotly_js,
    write_standalone_pages,
)
from clusterix_analytics.reports.index import index_page
from clusterix_analytics.reports.manifest import (
    git_state,
    headlines_from_notebook,
    input_files,
    metrics_from_notebook,
    package_versions,
    sha256_of,
    write_manifest,
)
from clusterix_analytics.reports.plan import PROJECT_PARAMETER, PlanError, Run, expand_plan, parse_overrides

DEFAULT_PLAN = DEFAULT_PLAN_FILE
ERROR_LINES = 8
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


# ---- worker side -------------------------------------------------------------------------------
_current_kernel = None   # the worker's running kernel manager, so a stop request can kill the kernel


def _worker_init() -> None:
    """Workers leave Ctrl-C to the parent, and kill their kernel before dying on SIGTERM."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ[REPORT_RUN_ENV] = "1"
    # Kernels inherit these: their start-up chatter would bury the progress bar. Errors come back
    # in each run's result instead.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)

    def stop(signum, frame):
        _kill_kernel_now()
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, stop)


def _shutdown_kernel() -> None:
    """Stop the run's kernel the orderly way (after a run, or after its error)."""
    from jupyter_core.utils import run_sync

    km = _current_kernel
    if km is not None:
        try:
            if km.has_kernel:
                run_sync(km.shutdown_kernel)(now=True)
        except Exception:   # noqa: BLE001 – the kernel may already be gone; nothing more to do
            _kill_kernel_now()


def _kill_kernel_now() -> None:
    """SIGKILL the kernel's process group (safe inside a signal handler: no event loop needed)."""
    km = _current_kernel
    provisioner = getattr(km, "provisioner", None)
    pid = getattr(provisioner, "pid", None) or getattr(getattr(provisioner, "process", None), "pid", None)
    if pid:
        try:
            os.killpg(pid, signal.SIGKILL)   # kernels run in their own session: pgid == pid
        except (ProcessLookupError, PermissionError):
            pass


def _error_lines(exc: BaseException) -> list[str]:
    """The last lines of the error, without terminal colours."""
    traceback = getattr(exc, "traceback", None)
    if traceback:
        lines = ANSI.sub("", "\n".join(traceback)).strip().splitlines()
    else:
        lines = f"{type(exc).__name__}: {exc}".splitlines()
    return [line.rstrip() for line in lines if line.strip()][-ERROR_LINES:]


def finish_notebook(path: Path, page_path: Path, title: str, parameters: dict, status: str) -> tuple[dict, dict]:
    """Strip plotly.js from an executed notebook, write its HTML page; return its headlines and metrics."""
    nb = nbformat.read(path, as_version=4)
    headlines, metrics = headlines_from_notebook(nb), metrics_from_notebook(nb)
    nb = nbformat.from_dict(strip_plotly_bundles(nb))
    # Compact JSON: nbformat's one-value-per-line layout doubles the size of figure data.
    path.write_text(json.dumps(without_html_twins(nb), separators=(",", ":"), ensure_ascii=False), encoding="utf-8")
    page_path.write_text(notebook_page(nb, title=title, meta=parameters, status=status), encoding="utf-8")
    return headlines, metrics


def execute_run(task: dict) -> dict:
    """Execute one run in this process (a pool worker): papermill, then strip and export.

    Never raises: a failure comes back as ``status: failed`` with the error's last lines.
    """
    global _current_kernel
    import papermill as pm
    from jupyter_client.manager import AsyncKernelManager

    folder = Path(task["folder"])
    slug = task["slug"]
    nb_path = folder / "notebooks" / f"{slug}.ipynb"
    page_path = folder / f"{slug}.html"
    result = {"slug": slug, "status": "ok", "error": None, "headlines": {}, "started": _now()}
    parameters = dict(task["parameters"])
    if task["project_dir"] is not None:
        parameters[PROJECT_PARAMETER] = task["project_dir"]
    os.environ[REPORT_RUN_ENV] = "1"
    start = time.perf_counter()
    # nbclient drives the kernel asynchronously: it needs the async manager (a sync one deadlocks when
    # the kernel dies under it)
    km = _current_kernel = AsyncKernelManager(kernel_name=task["kernel_name"])
    # The time limit kills the kernel from a watchdog thread: nbclient then stops at once with a dead
    # kernel (a signal in this thread would wait for the kernel's reply before it is handled).
    timed_out = threading.Event()
    watchdog = None
    if task["timeout"]:
        watchdog = threading.Timer(task["timeout"], lambda: (timed_out.set(), _kill_kernel_now()))
        watchdog.daemon = True
        watchdog.start()
    try:
        pm.execute_notebook(
            task["input"], str(nb_path), parameters=parameters, kernel_name=task["kernel_name"],
            resources={"metadata": {"path": task["cwd"]}},   # the kernel's directory; papermill's cwd= would
            progress_bar=False, log_output=False, km=km,     # chdir this whole process

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
        _shutdown_kernel()
        _current_kernel = None
    if nb_path.is_file():
        try:
            result["headlines"], result["metrics"] = finish_notebook(nb_path, page_path, task["title"],
                                                                     task["parameters"], result["status"])
        except Exception as exc:  # noqa: BLE001 – a page that cannot be written fails this run only
            result["status"] = "failed"
            result["error"] = (result["error"] or []) + [f"export failed: {type(exc).__name__}: {exc}"]
    result["duration_s"] = round(time.perf_counter() - start, 3)   # kernel start to page written
    result["outputs"] = {"html": page_path.name if page_path.is_file() else None,
                         "notebook": f"notebooks/{nb_path.name}" if nb_path.is_file() else None}
    return result


# ---- parent side -------------------------------------------------------------------------------
def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _tasks(runs: list[Run], folder: Path, project_dir: Path, timeout: float | None) -> list[dict]:
    return [{
        "slug": r.slug, "title": r.title, "input": str(r.path), "cwd": str(r.path.parent),
        "parameters": r.parameters, "folder": str(folder), "kernel_name": KERNEL_NAME, "timeout": timeout,
        "project_dir": str(project_dir) if PROJECT_PARAMETER in r.declared else None,
    } for r in runs]


def _progress(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, unit="run", desc="report", file=sys.stderr, disable=not enabled, leave=True)


def _execute_all(tasks: list[dict], jobs: int, fail_fast: bool, progress: bool,
                 log_runs: bool = True) -> dict[str, dict]:
    """Run the tasks in a pool; returns results by slug (runs never started are absent)."""
    results: dict[str, dict] = {}
    counts = {"ok": 0, "failed": 0}
    # fork: workers start in milliseconds with everything imported, and do not re-run the caller's main
    # module (spawn would, which breaks for `python -` and notebooks). The pool is made before any
    # thread (tqdm's monitor) starts.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    pool = context.Pool(processes=min(jobs, len(tasks)) or 1, initializer=_worker_init)
    bar = _progress(len(tasks), progress)
    stopped_early = False
    try:
        for result in pool.imap_unordered(execute_run, tasks):
            results[result["slug"]] = result
            ok = result["status"] == "ok"
            counts["ok" if ok else "failed"] += 1
            bar.set_postfix(counts, refresh=False)
            bar.update(1)
            line = f"  {result['status']:<7} {result['duration_s']:7.1f} s  {result['slug']}"
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


def _git_and_versions() -> tuple[dict | None, dict]:
    return git_state(PROJ_ROOT), package_versions()


def _thumbnails(folder: Path, results: dict[str, dict], tabs: int = 2) -> str | None:
    """One browser for every page; returns why there are no thumbnails, or None."""
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
               stdout=None, stderr=None, pdf: bool = False, self_contained: bool = False) -> int:
    """Build one snapshot; print its path and a summary line; return the exit code (0, 1, 2 or 130)."""
    from clusterix_analytics.data.dataset import load

    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    out_dir = Path(out_dir) if out_dir else REPORTS_DIR
    plan_path = Path(plan) if plan else DEFAULT_PLAN
    project_dir = Path(project_dir).resolve()
    jobs = jobs or os.cpu_count() or 1
    progress = stderr.isatty() if progress is None else progress
    started = dt.datetime.now(dt.UTC)
    clock = time.perf_counter()

    # 1. refuse bad data or a bad plan before anything runs or is written
    try:
        dataset = load(project_dir)
        override_values, problems = parse_overrides(overrides)
        if problems:
            raise PlanError(problems)
        runs = expand_plan(plan_path, dataset, overrides=override_values, only=only)
    except (DataValidationError, PlanError) as exc:
        print(exc, file=stderr)
        return 2
    if not runs:
        print(f"{plan_path}: the plan has no runs", file=stderr)
        return 2

    # 2. execute into a hidden folder
    building = snap.make_building_dir(out_dir)
    (building / "notebooks").mkdir()
    previous_term = signal.signal(signal.SIGTERM, _raise_interrupt)   # cron's kill → clean stop too
    try:
        results = _execute_all(_tasks(runs, building, project_dir, timeout), jobs, fail_fast, progress,
                               log_runs=stderr is sys.stderr)
        for run in runs:
            if run.slug not in results:
                results[run.slug] = _skipped(run, building)
        write_plotly_js(building)
        if self_contained:
            write_standalone_pages(building, results)
        # pages load side by side in one browser: about as many tabs as cores pay off
        thumbs_note = _thumbnails(building, results, tabs=max(2, min(jobs, 4))) if thumbnails \
            else "thumbnails turned off"
        pdf_note = _pdfs(building, runs, results, snap.snapshot_name(started, label)) if pdf else None
        finished = dt.datetime.now(dt.UTC)
        git, versions = _git_and_versions()
        manifest = _manifest(runs, results, dataset, project_dir, plan_path, started, finished, label, jobs,
                             git, versions, thumbs_note)
        if pdf_note is not None:
            manifest["pdf"] = pdf_note
        manifest["snapshot"] = snap.snapshot_name(started, label)   # final name is set again in publish
        write_manifest(building, manifest)
        (building / "index.html").write_text(index_page(manifest), encoding="utf-8")
        target = snap.publish(building, out_dir, manifest["snapshot"])
        if target.name != manifest["snapshot"]:   # same second as another snapshot: record the real name
            manifest["snapshot"] = target.name
            write_manifest(target, manifest)
            (target / "index.html").write_text(index_page(manifest), encoding="utf-8")
    except KeyboardInterrupt:
        snap.discard(building)
        print("interrupted: no snapshot written", file=stderr)
        return 130
    except BaseException:
        snap.discard(building)
        raise
    finally:
        signal.signal(signal.SIGTERM, previous_term)

    summary = manifest["summary"]
    print(_display_path(target), file=stdout)
    print(f"{len(runs)} runs: {summary['ok']} ok, {summary['failed']} failed"
          + (f", {summary['skipped']} skipped" if summary["skipped"] else "")
          + f" in {time.perf_counter() - clock:.1f} s (jobs={jobs})", file=stdout)
    for result in manifest["runs"]:
        if result["status"] != "ok":
            print(f"  {result['status']}: {result['slug']}: {(result.get('error') or [''])[-1]}", file=stderr)
    return 0 if summary["failed"] == 0 and summary["skipped"] == 0 else 1


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def _display_path(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _skipped(run: Run, folder: Path) -> dict:
    """A run that --fail-fast stopped before it ran (or while it ran): keep whatever notebook it left."""
    nb_path = folder / "notebooks" / f"{run.slug}.ipynb"
    outputs = {"html": None, "notebook": None}
    if nb_path.is_file():
        try:
            nbformat.write(nbformat.from_dict(strip_plotly_bundles(nbformat.read(nb_path, as_version=4))), nb_path)
            outputs["notebook"] = f"notebooks/{nb_path.name}"
        except Exception:  # noqa: BLE001 – a half-written notebook of a stopped run is not worth keeping
            nb_path.unlink(missing_ok=True)
    return {"slug": run.slug, "status": "skipped", "duration_s": None, "started": None, "headlines": {},
            "error": ["not run: --fail-fast stopped the batch after a failure"], "outputs": outputs}


def _manifest(runs, results, dataset, project_dir, plan_path, started, finished, label, jobs, git, versions,
              thumbs_note) -> dict:
    ordered = []
    for run in runs:
        r = results[run.slug]
        ordered.append({
            "slug": run.slug, "notebook": run.notebook, "title": run.title, "parameters": run.parameters,
            "status": r["status"], "started": r.get("started"), "duration_s": r.get("duration_s"),
            "outputs": r.get("outputs", {}), "headlines": r.get("headlines", {}), "metrics": r.get("metrics", {}),
            "error": r.get("error"),
        })
    summary = {s: sum(1 for r in ordered if r["status"] == s) for s in ("ok", "failed", "timeout", "skipped")}
    summary["failed"] += summary.pop("timeout")
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
        "project": {"id": dataset.project.id, "name": dataset.project.name, "directory": str(project_dir)},
        "plan": {"path": str(plan_path), "sha256": sha256_of(plan_path)},
        "inputs": input_files(dataset.files, project_dir),
        "thumbnails": thumbs_note or "thumbs/<slug>.png",
        "runs": ordered,
    }
