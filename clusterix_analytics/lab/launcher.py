"""Start JupyterLab for researchers: on notebooks/, with the project's kernel, interactive (`make lab`).

`make lab` runs ``python -m clusterix_analytics.lab``; the browser test starts the same command, so what it
proves is what a researcher gets. Extra arguments go to ``jupyter lab`` unchanged (``--port 8890``, ...).

>>> lab_argv(["--no-browser"])[-2:]
['--MultiKernelManager.default_kernel_name=clusterix-analytics', '--no-browser']
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from clusterix_analytics.config import KERNEL_DISPLAY_NAME, KERNEL_NAME, NOTEBOOKS_DIR, REPORT_RUN_ENV


def lab_argv(args: list[str] | tuple[str, ...] = ()) -> list[str]:
    """The ``jupyter lab`` command line: this Python, notebooks/ as root (unless ``args`` names another), and
    the project's kernel as the default for new notebooks and consoles."""
    argv = [sys.executable, "-m", "jupyterlab"]
    if not any(a.startswith(("--ServerApp.root_dir", "--notebook-dir")) for a in args):
        argv.append(f"--ServerApp.root_dir={NOTEBOOKS_DIR}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # containers and CI machines often run as root; Jupyter refuses that unless told
        argv.append("--ServerApp.allow_root=True")
    argv.append(f"--MultiKernelManager.default_kernel_name={KERNEL_NAME}")
    return argv + list(args)


def kernelspec_python(name: str = KERNEL_NAME) -> Path | None:
    """The Python interpreter the installed kernelspec ``name`` starts, or None if it is not installed."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(name)
    except NoSuchKernel:
        return None
    return Path(spec.argv[0])


def ensure_kernelspec(name: str = KERNEL_NAME) -> str:
    """Make sure the project's kernel runs this environment's Python; say what was done or what is wrong.

    The Makefile bootstrap installs it; conda users who only ran ``pip install -e .`` get it installed here
    (into this environment, ``--sys-prefix``), so the notebooks' kernelspec is found without a dialog.
    """
    python = kernelspec_python(name)
    if python is None:
        from ipykernel.kernelspec import install

        install(kernel_name=name, display_name=KERNEL_DISPLAY_NAME, prefix=sys.prefix)
        return f"installed kernel {name!r} into {sys.prefix}"
    if python.is_absolute() and python.parent != Path(sys.executable).parent:
        return (f"warning: kernel {name!r} starts {python}, not this environment's {sys.executable}; "
                f"remove the stale one with `jupyter kernelspec remove {name}` and run `make lab` again")
    return f"kernel {name!r} runs {python}"


def main(args: list[str] | None = None) -> None:
    """Check the kernel, then replace this process with JupyterLab (Ctrl-C stops it as usual)."""
    args = sys.argv[1:] if args is None else args
    print(ensure_kernelspec(), file=sys.stderr)
    os.environ.pop(REPORT_RUN_ENV, None)  # set by the report runner and tests; a lab session is interactive
    argv = lab_argv(args)
    os.execv(argv[0], argv)


if __name__ == "__main__":
    main()
