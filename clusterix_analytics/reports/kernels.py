"""Warm, isolated kernels for the report runner's pool workers (issue 15 item 1).

Design:

- **A fresh kernel for every run.** A run takes a kernel that no run has used and shuts it down after
  (nothing a notebook defines reaches the next one). What is reused is only the waiting: each worker keeps
  one **spare** kernel started ahead, which boots while the previous run executes.
- **Pre-imported, forked.** On Linux each worker starts one fork server (reports/kernel_forkserver.py)
  that imports :data:`PRELOAD` (the package, pandas, geopandas, plotly, nbformat, which plotly's notebook
  renderer imports), every module the plan's notebooks import at the top level of a code cell
  (:func:`notebook_imports`: the runner needs no list of the package's modules), and reads the package's
  reference files (NUTS tables and geometry) — once. Every kernel is a fork of it: it starts with all of
  that in memory and nothing of any run. Elsewhere (or for a kernel spec that is not a plain ipykernel
  launch) a kernel is started the usual way and does the same warm-up through IPython's ``exec_lines``:
  the imports fill ``sys.modules`` and bind no name in the notebook's namespace, print nothing and count no
  execution (the first cell of a run is still ``[1]``); an entry that fails is skipped silently. (A module
  whose import depends on what a notebook does before importing it — an environment variable set in a
  cell, say — would see the kernel's start-up state instead; the maintained notebooks have none.)
- **Started in the notebook's folder.** A kernel's working folder is set when it starts (never by changing
  this process's folder: papermill's ``cwd=`` does that, for every thread). A spare started for another
  folder than the run's is stopped and a kernel is started in the right one.
- **No ports.** Kernels talk over Unix sockets (``transport="ipc"``) in a private folder of the worker:
  kernels started at once cannot pick the same TCP port. (Windows, which has no ipc transport, uses TCP.)
- **No descriptor left.** papermill, handed a kernel manager (``km=``), never stops the client it makes for it
  (its channels' sockets and zmq context stay open, ~10 descriptors a run). Runs go through papermill's
  own ``execute_notebook`` — its parameter injection, metadata, error cell and autosave — with the engine
  :class:`WarmKernelEngine`, which is papermill's nbclient engine that also stops its client; the runner
  then shuts the kernel down and removes its sockets and connection file.

>>> warmup_line(["pandas"]).startswith('exec("from clusterix_analytics.reports.kernel_forkserver import preload')
True
"""
from __future__ import annotations

import ast
import json
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.iorw import write_ipynb
from papermill.log import logger
from papermill.utils import merge_kwargs, remove_args

from clusterix_analytics.reports.kernel_forkserver import (
    ForkedKernelProcess,
    KernelForkServer,
    forkable_argv,
    split_launch,
)

ENGINE_NAME = "clusterix-warm"
# What a spare kernel imports before its run: what the maintained notebooks import first.
# (and the notebooks' own imports: notebook_imports)
PRELOAD = ("pandas", "geopandas", "plotly.graph_objects", "plotly.io", "nbformat", "clusterix_analytics",
           # the package's own reference files, read once (each layer's function: nothing of any run)
           "clusterix_analytics.data.nuts:read_every_version", "clusterix_analytics.geo.geometry:decode_embedded")


def notebook_imports(paths) -> list[str]:
    """The modules the notebooks at ``paths`` import at the top level of their code cells, in order
    (``from a import b`` gives ``a`` and ``a.b``: b may be a module); relative imports and cells that are
    not plain Python (magics) are left out.

    >>> import json, tempfile, pathlib
    >>> nb = {"nbformat": 4, "cells": [{"cell_type": "code", "source": "import pandas as pd\\nfrom x.y import z"},
    ...                                 {"cell_type": "code", "source": "%time 1"}]}
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "n.ipynb"; _ = path.write_text(json.dumps(nb))
    >>> notebook_imports([path])
    ['pandas', 'x.y', 'x.y.z']
    """
    found: dict[str, None] = {}
    for path in paths:
        try:
            cells = json.loads(Path(path).read_text(encoding="utf-8")).get("cells", [])
        except (OSError, ValueError):
            continue
        for cell in cells:
            if cell.get("cell_type") != "code":
                continue
            source = cell.get("source", "")
            try:
                tree = ast.parse("".join(source) if isinstance(source, list) else source)
            except SyntaxError:
                continue
            for node in tree.body:
                if isinstance(node, ast.Import):
                    found.update(dict.fromkeys(alias.name for alias in node.names))
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    found[node.module] = None
                    found.update(dict.fromkeys(f"{node.module}.{alias.name}" for alias in node.names
                                               if alias.name != "*"))
    return list(found)


def warmup_line(entries) -> str:
    """One IPython line that preloads ``entries`` (reports/kernel_forkserver.py's ``preload``) in a namespace
    of its own: how a kernel started the usual way (no fork server) warms up. The trailing ``;`` keeps
    IPython from displaying or storing its value."""
    code = f"from clusterix_analytics.reports.kernel_forkserver import preload\npreload({list(entries)!r})\n"
    return f"exec({code!r}, {{}});"


def kernel_pid(km) -> int | None:
    provisioner = getattr(km, "provisioner", None)
    return getattr(provisioner, "pid", None) or getattr(getattr(provisioner, "process", None), "pid", None)


def kill_now(km) -> None:
    """SIGKILL a kernel's process group (safe in a signal handler: no event loop needed)."""
    pid = kernel_pid(km) if km is not None else None
    if pid:
        try:
            os.killpg(pid, signal.SIGKILL)   # kernels run in their own session: pgid == pid
        except (ProcessLookupError, PermissionError):
            pass


class WarmKernelEngine(NBClientEngine):
    """papermill's nbclient engine, except that it stops the kernel client it made when the run ends
    (papermill leaves it open when the kernel manager is the caller's), and that it writes the notebook once.

    papermill writes the whole notebook (serialised and schema-validated by nbformat) at the start and at the
    end of every cell: a cost that grows with cells × outputs, a third of a run's time for the profiles. Called
    with ``request_save_on_cell_execute=False`` papermill writes the executed notebook once, at the end;
    ``save_on_failure`` is where this engine writes it, as far as it ran, when the run stops early (a cell's
    error is written by papermill itself; a killed kernel — a timeout — is not).
    """

    @classmethod
    def execute_notebook(cls, nb, kernel_name, output_path=None, save_on_failure=None, **kwargs):
        try:
            return super().execute_notebook(nb, kernel_name, output_path=output_path, **kwargs)
        except BaseException:
            if save_on_failure is not None and output_path is None:
                write_ipynb(nb, save_on_failure)
            raise

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                 start_timeout=60, execution_timeout=None, **kwargs):
        kwargs = remove_args(["input_path"], **kwargs)
        safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
        final_kwargs = merge_kwargs(
            safe_kwargs, timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
            startup_timeout=start_timeout, kernel_name=kernel_name, log=logger, log_output=log_output,
            stdout_file=stdout_file, stderr_file=stderr_file,
        )
        client = PapermillNotebookClient(nb_man, **final_kwargs)
        try:
            return client.execute()
        finally:
            if client.kc is not None:
                client.kc.stop_channels()   # also destroys the client's zmq context
                client.kc = None


papermill_engines.register(ENGINE_NAME, WarmKernelEngine)


class ForkedKernelManager(AsyncKernelManager):
    """jupyter_client's kernel manager, launching its kernel through the worker's fork server (when it has
    one and the command is a plain ipykernel launch) instead of as a new process: the rest — connection
    file, channels, interrupt, shutdown — is jupyter_client's own."""

    forkserver: KernelForkServer | None = None

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        if self.forkserver is None or not forkable_argv(kernel_cmd):
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        cwd = str(kw.get("cwd") or os.getcwd())
        pid = self.forkserver.spawn(kernel_cmd, cwd=cwd, env=dict(kw.get("env") or os.environ))
        provisioner = self.provisioner
        provisioner.process = ForkedKernelProcess(pid)
        provisioner.pid = provisioner.pgid = pid   # the kernel leads a session of its own
        provisioner.cwd = cwd
        self._reconcile_connection_info(provisioner.connection_info)


def kernel_interpreter(kernel_name: str) -> list[str] | None:
    """The interpreter (with its options) of a kernel spec whose command can be forked
    (reports/kernel_forkserver.py), else None."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        argv = list(KernelSpecManager().get_kernel_spec(kernel_name).argv)
    except NoSuchKernel:
        return None
    if not forkable_argv(argv):
        return None
    interpreter, _ = split_launch(argv)
    if interpreter[0] in ("python", "python3", f"python{sys.version_info[0]}.{sys.version_info[1]}"):
        interpreter[0] = sys.executable   # as jupyter_client resolves it
    return interpreter


class WarmKernels:
    """One worker's kernels: at most one spare, started ahead, and the one a run is using; on Linux each
    forked from the worker's fork server, which has imported ``preload`` once for all of them."""

    def __init__(self, kernel_name: str, preload=PRELOAD, fork: bool = True):
        self.kernel_name = kernel_name
        self.preload = tuple(preload)
        self.folder = Path(tempfile.mkdtemp(prefix="cx-kernels-"))   # sockets and connection files
        self.spare: tuple[AsyncKernelManager, str] | None = None
        self.current: AsyncKernelManager | None = None
        self.started = 0
        interpreter = kernel_interpreter(kernel_name) if fork else None
        self.forkserver = KernelForkServer(interpreter, self.preload) if interpreter else None

    def _start(self, cwd: str) -> AsyncKernelManager:
        self.started += 1
        name = str(self.folder / f"k{self.started}")
        if os.name == "posix":
            km = ForkedKernelManager(kernel_name=self.kernel_name, transport="ipc", ip=name,
                                     connection_file=f"{name}.json")
            km.forkserver = self.forkserver
        else:
            km = AsyncKernelManager(kernel_name=self.kernel_name, connection_file=f"{name}.json")
        extra = [f"--IPKernelApp.exec_lines={warmup_line(self.preload)}"] if self.preload else []
        run_sync(km.start_kernel)(cwd=cwd, extra_arguments=extra)
        return km

    def take(self, cwd: str) -> AsyncKernelManager:
        """A kernel no run has used, started in ``cwd``: the spare if it fits and lives, else a new one."""
        spare, self.spare = self.spare, None
        km = None
        if spare is not None:
            candidate, spare_cwd = spare
            if spare_cwd == cwd and run_sync(candidate.is_alive)():
                km = candidate
            else:
                self.stop(candidate)
        self.current = km or self._start(cwd)
        return self.current

    def prepare(self, cwd: str) -> None:
        """Start the spare (if there is none) in ``cwd``; it boots while the current run executes."""
        if self.spare is None:
            self.spare = (self._start(cwd), cwd)

    def stop(self, km: AsyncKernelManager | None) -> None:
        """Shut a kernel down now and remove its sockets and connection file."""
        if km is None:
            return
        if km is self.current:
            self.current = None
        process = getattr(getattr(km, "provisioner", None), "process", None)
        try:
            if km.has_kernel:
                run_sync(km.shutdown_kernel)(now=True)   # kills, then cleans up (context, files, provisioner)
            else:
                run_sync(km.cleanup_resources)()
        except Exception:   # noqa: BLE001 – already gone or half-started: kill what is left
            kill_now(km)
            try:
                run_sync(km.cleanup_resources)()
            except Exception:  # noqa: BLE001
                pass
        # jupyter_client waits 5 s at most for the killed kernel; on a busy machine make sure it is gone
        # (and reaped) before the next run, so kernels never pile up
        if process is not None and process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                process.wait(timeout=30)
            except Exception:  # noqa: BLE001 – nothing more this worker can do
                pass

    def kill_all_now(self) -> None:
        """SIGKILL the current kernel, the spare and the fork server (from a signal handler)."""
        kill_now(self.current)
        if self.spare is not None:
            kill_now(self.spare[0])
        if self.forkserver is not None:
            self.forkserver.kill_now()

    def close(self) -> None:
        """Stop every kernel of this worker and remove its folder."""
        self.stop(self.current)
        if self.spare is not None:
            self.stop(self.spare[0])
            self.spare = None
        if self.forkserver is not None:
            self.forkserver.close()
            self.forkserver = None
        shutil.rmtree(self.folder, ignore_errors=True)
