"""Kernels forked from a process that has already imported what the notebooks need (issue 15 item 1).

A kernel started the usual way is a new Python process that imports ipykernel, then pandas, geopandas,
plotly and the package: about two seconds of CPU before a run's first cell, paid again by every run. Here
each pool worker starts one **fork server** once: a Python process (the kernel spec's own interpreter) that
imports ipykernel and the warm-up modules and then waits. For each kernel the worker asks for, it forks a
child that becomes the kernel — ``IPKernelApp`` on the connection file jupyter_client wrote, in the run's
folder, with the environment jupyter_client built for it, in a session of its own. The child starts with
the modules in memory and nothing else: no run ever executes in the server, so no run's state can reach the
next (each run still gets a kernel no run has used).

Protocol: the worker writes one JSON request a line (``{"argv", "cwd", "env"}``) to the server's request
pipe and reads one JSON reply a line (``{"pid"}`` or ``{"error"}``) from its reply pipe; the first line the
server writes is ``{"ready": true}`` once its imports are done. The server ignores SIGCHLD so the system
reaps its kernels; the worker follows a kernel through a pidfd (no pid reuse), and the server dies with
the worker (Linux: PR_SET_PDEATHSIG) or when its request pipe closes.

Used on Linux with a kernel spec that runs ``<python> -m ipykernel_launcher -f {connection_file}``
(:func:`split_launch`); anything else starts kernels the usual way.

>>> split_launch(["/usr/bin/python3", "-m", "ipykernel_launcher", "-f", "{connection_file}"])
(['/usr/bin/python3'], ['-f', '{connection_file}'])
>>> split_launch(["/usr/bin/R", "--slave", "-f", "{connection_file}"]) is None
True
"""
from __future__ import annotations

import gc
import json
import os
import select
import signal
import subprocess
import sys
import time

SERVER_MODULE = "clusterix_analytics.reports.kernel_forkserver"
_LAUNCHER = ["-m", "ipykernel_launcher"]


def split_launch(argv: list[str]) -> tuple[list[str], list[str]] | None:
    """A kernel command that is a plain ipykernel launch, split into its interpreter (with the interpreter's
    options) and ipykernel's arguments; None for any other command.

    >>> split_launch(["/v/python", "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "c.json"])
    (['/v/python', '-Xfrozen_modules=off'], ['-f', 'c.json'])
    """
    for i in range(1, len(argv) - 1):
        if argv[i:i + 2] == _LAUNCHER:
            interpreter = argv[:i]
            if all(option.startswith("-") and option not in ("-m", "-c") for option in interpreter[1:]):
                return interpreter, argv[i + 2:]
            return None
    return None


def forkable_argv(argv: list[str]) -> bool:
    """Whether a kernel command is a plain ipykernel launch this module can fork instead (on Linux)."""
    return sys.platform.startswith("linux") and hasattr(os, "pidfd_open") and split_launch(argv) is not None


# ---- worker side ---------------------------------------------------------------------------------
class ForkedKernelProcess:
    """What jupyter_client's local provisioner needs of a ``Popen`` (poll, wait, signals) for a kernel that
    is the fork server's child, not ours: followed through a pidfd, so a reused pid is never signalled."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None
        try:
            self._pidfd: int | None = os.pidfd_open(pid)
        except ProcessLookupError:   # already gone
            self._pidfd = None
            self.returncode = -signal.SIGKILL

    def poll(self) -> int | None:
        if self.returncode is None and self._pidfd is not None:
            ready, _, _ = select.select([self._pidfd], [], [], 0)
            if ready:   # the process has exited (the fork server's system reaping hides its status)
                self._close(0)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() >= deadline:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout)
            select.select([self._pidfd], [], [], 0.05 if deadline is None else max(0.0, deadline - time.monotonic()))
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            try:
                signal.pidfd_send_signal(self._pidfd, signum)
            except ProcessLookupError:
                self._close(0)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def _close(self, returncode: int) -> None:
        self.returncode = returncode
        if self._pidfd is not None:
            os.close(self._pidfd)
            self._pidfd = None

    def __del__(self):
        if getattr(self, "_pidfd", None) is not None:
            os.close(self._pidfd)


class KernelForkServer:
    """The worker's handle on its fork server: started at once (its imports run while the worker waits for
    work), asked for kernels with :meth:`spawn`, stopped with :meth:`close`."""

    def __init__(self, interpreter: list[str], preload: tuple[str, ...]):
        self.interpreter, self.preload = list(interpreter), tuple(preload)
        self._start()

    def _start(self) -> None:
        request_read, self._request_write = os.pipe()
        self._reply_read, reply_write = os.pipe()
        self.process = subprocess.Popen(
            [*self.interpreter, "-m", SERVER_MODULE, str(request_read), str(reply_write), json.dumps(self.preload)],
            pass_fds=(request_read, reply_write), stdin=subprocess.DEVNULL, close_fds=True)
        os.close(request_read)
        os.close(reply_write)
        self._replies = os.fdopen(self._reply_read, "r", encoding="utf-8")

    def spawn(self, argv: list[str], cwd: str, env: dict[str, str]) -> int:
        """Fork a kernel for the kernel command ``argv`` (see :func:`split_launch`); its pid.

        A server that has died (PR_SET_PDEATHSIG fires when the *thread* that started it ends, which a
        Dask worker's task threads may) is started again first."""
        if self.process.poll() is not None:
            self._close_pipes()
            self._start()
        request = json.dumps({"argv": split_launch(argv)[1], "cwd": cwd, "env": env}) + "\n"
        os.write(self._request_write, request.encode("utf-8"))
        while True:
            line = self._replies.readline()
            if not line:
                raise RuntimeError(f"the kernel fork server stopped (exit {self.process.poll()})")
            reply = json.loads(line)
            if reply.get("ready"):   # the server's first line: its imports are done
                continue
            if "error" in reply:
                raise RuntimeError(f"the kernel fork server could not start a kernel: {reply['error']}")
            return int(reply["pid"])

    def _close_pipes(self) -> None:
        try:
            os.close(self._request_write)   # the server reads EOF and exits
        except OSError:
            pass
        self._replies.close()

    def close(self) -> None:
        self._close_pipes()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def kill_now(self) -> None:
        """SIGKILL the server (safe in a signal handler)."""
        try:
            os.kill(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def preload(entries) -> None:
    """Import each ``module`` of ``entries``, call each ``module:function`` (without arguments) and each
    ``[module:function, *arguments]`` (JSON values); an entry that fails is skipped silently: a kernel then
    does that work itself, when its notebook needs it.

    >>> import os, sys; preload(["json", "no_such_module_here", "os.path:sep", ["os:putenv", "CX_DOC", "1"]])
    >>> "json" in sys.modules
    True
    """
    import importlib

    for entry in entries:
        target, *arguments = [entry] if isinstance(entry, str) else entry
        module, _, function = target.partition(":")
        try:
            found = importlib.import_module(module)
            if function:
                getattr(found, function)(*arguments)
        except Exception:  # noqa: BLE001 – warming up is an optimisation, never a failure
            pass


# ---- server side -----------------------------------------------------------------------------------
def _die_with_parent() -> None:
    try:
        import ctypes

        parent = os.getppid()
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)   # PR_SET_PDEATHSIG
        if os.getppid() != parent:
            os._exit(0)
    except (OSError, AttributeError):
        pass


def _become_kernel(request: dict, server_pid: int, close: tuple[int, ...]) -> None:
    """In the forked child: turn into the kernel, then exit (never returns)."""
    code = 1
    gc.enable()   # the kernel collects its own objects, not the frozen ones of the server
    try:
        for fd in close:
            os.close(fd)
        os.setsid()                                   # its own process group: killpg(pid) stops it whole
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the kernel's own subprocesses are waited for as usual
        signal.signal(signal.SIGINT, signal.default_int_handler)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        # `python -m` put the server's folder first on the path; a kernel started with -m has its own there
        if sys.path and sys.path[0] == request["server_cwd"]:
            sys.path[0] = os.getcwd()
        sys.argv = [sys.executable, *request["argv"]]
        from ipykernel.kernelapp import IPKernelApp

        # die with the server (and so with the worker), as a kernel dies with the process that started it
        IPKernelApp.launch_instance(argv=[*request["argv"], f"--IPKernelApp.parent_handle={server_pid}"])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    except BaseException:   # noqa: BLE001 – a kernel that cannot start just exits; jupyter_client reports it
        import traceback

        traceback.print_exc()
    finally:
        os._exit(code)


def serve(request_fd: int, reply_fd: int, entries: list[str]) -> None:
    """The fork server's loop: :func:`preload` ``entries``, say ready, then fork a kernel per request until
    the request pipe closes."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    server_cwd = os.getcwd()
    # What the server loads stays shared with its kernels: no collection leaves holes in its pages, and once
    # frozen, a kernel's collections skip its objects (each visit would write to, and so copy, their pages:
    # the cost of a run would grow with the project the server holds). Python's advice for fork without exec.
    gc.disable()
    import ipykernel.kernelapp  # noqa: F401 – what every kernel needs first

    preload(entries)
    gc.freeze()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)   # kernels are reaped by the system, never zombies
    requests = os.fdopen(request_fd, "r", encoding="utf-8")
    replies = os.fdopen(reply_fd, "w", encoding="utf-8")
    replies.write(json.dumps({"ready": True}) + "\n")
    replies.flush()
    for line in requests:
        try:
            request = dict(json.loads(line), server_cwd=server_cwd)
            pid = os.fork()
        except Exception as exc:  # noqa: BLE001 – reported to the worker, which fails that run
            replies.write(json.dumps({"error": f"{type(exc).__name__}: {exc}"}) + "\n")
            replies.flush()
            continue
        if pid == 0:
            _become_kernel(request, os.getppid(), (request_fd, reply_fd))
        replies.write(json.dumps({"pid": pid}) + "\n")
        replies.flush()


if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3]))
