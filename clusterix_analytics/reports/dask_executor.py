"""Running a plan's notebooks on a Dask distributed cluster: ``report --executor dask --scheduler tcp://HOST:PORT``.

The default stays the local process pool (:mod:`.runner`); this executor needs the ``[distributed]`` extra.
Workers must have the same environment as the parent (this package, the notebook kernel
:data:`~clusterix_analytics.config.KERNEL_NAME`) and should run one task at a time (``--nthreads 1``: a run
drives its own kernel).

What a task carries, so that workers need not share the parent's disk:

- the notebook, as bytes (always);
- the project folder: as a zip of its files (``transfer="bytes"``, the default: works on any cluster), or as
  its path (``transfer="path"``: every worker must see the folder at the same path, e.g. a shared disk).

The worker runs the notebook in a temporary folder of its own with :func:`.runner.execute_run` (the same
function as the local pool) and sends back the run's result and its output files (executed notebook, page) as
bytes; the parent writes them into the snapshot folder. A worker that dies mid-run makes that run ``failed``
(after the retries the scheduler allows); the other runs complete.

>>> connect("tcp://127.0.0.1:9", timeout=0.5)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
clusterix_analytics.reports.dask_executor.ExecutorError: cannot reach the Dask scheduler at tcp://127.0.0.1:9 ...
"""
from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

TRANSFERS = ("bytes", "path")
CONNECT_TIMEOUT_S = 10


class ExecutorError(RuntimeError):
    """The executor cannot be used (no Dask installed, scheduler unreachable): nothing has run."""


def connect(scheduler: str, timeout: float = CONNECT_TIMEOUT_S):
    """A ``distributed.Client`` of the scheduler at ``scheduler``; ExecutorError when Dask is missing or the
    scheduler does not answer within ``timeout`` seconds."""
    if not scheduler:
        raise ExecutorError("the dask executor needs the scheduler's address: --scheduler tcp://HOST:PORT")
    try:
        from distributed import Client
    except ImportError:
        raise ExecutorError("the dask executor needs the [distributed] extra: pip install "
                            "'clusterix-analytics[distributed]'") from None
    try:
        return Client(scheduler, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ExecutorError(f"cannot reach the Dask scheduler at {scheduler} ({type(exc).__name__}: "
                            f"{str(exc).splitlines()[0] if str(exc) else 'no answer'}); nothing was run") from None


def zip_folder(folder: Path) -> bytes:
    """The files of ``folder`` (recursively, paths relative to it) as one zip, in a stable order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


def payloads(tasks: list[dict], transfer: str = "bytes") -> list[dict]:
    """Each task with what a worker needs to run it anywhere: the notebook's bytes and, with ``transfer``
    "bytes", the project folder zipped (shared by all tasks: zipped once)."""
    if transfer not in TRANSFERS:
        raise ValueError(f"transfer must be one of {', '.join(TRANSFERS)}, not {transfer!r}")
    project_zips: dict[str, bytes] = {}
    out = []
    for task in tasks:
        payload = {"task": dict(task), "notebook": Path(task["input"]).read_bytes(), "project_zip": None}
        if transfer == "bytes" and task["project_dir"] is not None:
            key = task["project_dir"]
            if key not in project_zips:
                project_zips[key] = zip_folder(Path(key))
            payload["project_zip"] = project_zips[key]
        out.append(payload)
    return out


def run_on_worker(payload: dict) -> dict:
    """On a worker: unpack the payload in a temporary folder, execute the run there, return its result and
    its output files (``files``: path relative to the snapshot folder → bytes)."""
    from clusterix_analytics.reports.runner import execute_run

    task = dict(payload["task"])
    work = Path(tempfile.mkdtemp(prefix="clusterix-dask-"))
    try:
        notebook = work / "input" / Path(task["input"]).name
        notebook.parent.mkdir()
        notebook.write_bytes(payload["notebook"])
        task["input"], task["cwd"] = str(notebook), str(notebook.parent)
        replacements = dict(task.get("replacements") or {})
        replacements[str(notebook)] = payload["task"]["input"]
        if payload["project_zip"] is not None:
            project = work / "project"
            with zipfile.ZipFile(io.BytesIO(payload["project_zip"])) as archive:
                archive.extractall(project)
            shown = payload["task"]["project_dir"]
            replacements[str(project)] = replacements.get(shown, shown)   # pages name the project, not the copy
            task["project_dir"] = str(project)
            task["pins"] = []   # the worker's own unpacked copy: nothing can change it during the run
        task["replacements"] = replacements
        task["folder"] = str(work / "out")
        (work / "out" / "notebooks").mkdir(parents=True)
        result = execute_run(task)
        files = {name: (work / "out" / name).read_bytes() for name in result["outputs"].values() if name}
        return {"result": result, "files": files}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def execute_on_dask(tasks: list[dict], folder: Path, client, transfer: str = "bytes",
                    on_result: Callable[[dict], bool] | None = None) -> dict[str, dict]:
    """Run ``tasks`` (the runner's) on the cluster of ``client`` (:func:`connect`); write their files into
    ``folder``; results by slug.

    ``on_result(result)`` is called as each run finishes; returning True stops the batch (``--fail-fast``):
    runs not finished are cancelled and absent from the results.
    """
    from distributed import as_completed

    results: dict[str, dict] = {}
    futures = {client.submit(run_on_worker, p, key=f"clusterix-{t['slug']}-{id(p)}", pure=False): t
               for p, t in zip(payloads(tasks, transfer), tasks)}
    # the client's own loop: the runner's client is never the process's default client (set_as_default=False)
    for future in as_completed(futures, loop=client.loop):
        task = futures[future]
        try:
            answer = future.result()
        except Exception as exc:   # noqa: BLE001 – a dead worker or a lost task fails this run only
            result = {"slug": task["slug"], "status": "failed", "duration_s": None, "started": None,
                      "headlines": {}, "metrics": {}, "outputs": {"html": None, "notebook": None},
                      "error": [f"the Dask worker running this run was lost: {type(exc).__name__}: {exc}"]}
        else:
            result = answer["result"]
            for name, data in answer["files"].items():
                target = Path(folder) / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
        results[task["slug"]] = result
        if on_result is not None and on_result(result):
            for other in futures:
                other.cancel()
            break
    return results
