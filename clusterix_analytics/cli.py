"""The ``clusterix-analytics`` command: init | template | validate | demo | report | diff | geodata | plotlyjs.

Exit codes (README "Exit codes"):

- 0: success;
- 1: a report run failed (the others completed);
- 2: bad input, parameters or environment, nothing was run: a data or project.yaml problem, a bad plan or
  ``-p`` value, an input over a limit, an unusable ``--out`` folder, a full disk, a bad ``$CLUSTERIX_*``
  setting;
- 130: interrupted.

A user's data error is printed as ``file:row:column: message`` lines, any other refusal as one line, never as
a traceback.

>>> from clusterix_analytics.cli import main
>>> main(["validate", "data/clusterix2"])  # doctest: +ELLIPSIS
data/clusterix2: valid ...
0
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from clusterix_analytics.config import DEFAULT_PROJECT_DIR, REPORTS_DIR, SettingError
from clusterix_analytics.errors import DataValidationError

EXIT_OK, EXIT_RUN_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130


class Refusal(Exception):
    """The command cannot start: one line saying why (exit 2)."""


def _validate(args) -> int:
    from clusterix_analytics.data.dataset import load

    ds = load(args.project_dir)
    counts = ", ".join(f"{len(t)} {name}" for name, t in ds.tables.items())
    share = ds.synthetic_share()
    print(f"{args.project_dir}: valid – {counts}; {share:.0%} of rows are demo data")
    for reading in ds.readings:   # how each file was read, where it is not the plain default
        described = reading.describe()
        if described:
            print(f"  {reading.file}: {described}")
    return EXIT_OK


def _scaffold(args) -> int:
    from clusterix_analytics.data.scaffold import init_project, write_template

    write = init_project if args.command == "init" else write_template
    written = write(args.project_dir, name=args.name, start=args.start, end=args.end,
                    nuts_version=args.nuts_version, programme=args.programme)
    for path in written:
        print(f"wrote {path}")
    print(f"next: fill in the tables, then run `clusterix-analytics validate {args.project_dir}`")
    return 0


def _demo(args) -> int:
    from clusterix_analytics.data.demo import write_demo

    written = write_demo(args.project_dir)
    for path, rows in written.items():
        print(f"wrote {path} ({rows} rows)")
    return EXIT_OK


def check_out_dir(out: Path) -> None:
    """Refuse, before anything runs, a snapshots folder that cannot take a snapshot: a file, a folder that
    cannot be written, or one whose ``latest`` is not the link the runner replaces (a real folder)."""
    from clusterix_analytics.reports.snapshot import LATEST

    if out.exists() and not out.is_dir():
        raise Refusal(f"--out {out}: is a file, not a folder of snapshots")
    latest = out / LATEST
    if latest.exists() and not latest.is_symlink():
        raise Refusal(f"{latest}: is a real {'folder' if latest.is_dir() else 'file'}, not the link to the newest "
                      f"snapshot that each report replaces: rename or remove it")
    existing = out
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise Refusal(f"--out {out}: {existing} is a file, not a folder")
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".probe-", dir=existing))
    except OSError as exc:
        raise Refusal(f"--out {out}: cannot write in {existing} ({exc.strerror or exc})") from None


def _report(args) -> int:
    from clusterix_analytics.reports.plan import PlanError, parse_overrides

    check_out_dir(args.out or REPORTS_DIR)
    _, problems = parse_overrides(args.param)   # before the runner and the data: a bad -p costs nothing
    if problems:
        print(PlanError(problems), file=sys.stderr)
        return EXIT_BAD_INPUT
    from clusterix_analytics.reports.runner import run_report

    return run_report(project_dir=args.project, out_dir=args.out, label=args.label, plan=args.plan,
                      jobs=args.jobs, only=args.only, overrides=args.param, timeout=args.timeout,
                      fail_fast=args.fail_fast, thumbnails=not args.no_thumbnails, force=args.force, pdf=args.pdf,
                      self_contained=args.self_contained, executor=args.executor, scheduler=args.scheduler,
                      transfer=args.project_transfer)


def _diff(args) -> int:
    from clusterix_analytics.reports.diff import run_diff

    return run_diff(args.old, args.new, out_dir=args.out, html_path=args.html)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive whole number")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text} is not a positive number of seconds")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clusterix-analytics", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    for command, text in (("init", "start a project folder: a commented project.yaml and one empty CSV per table"),
                          ("template", "write one XLSX workbook with a sheet per table (notes, drop-down lists) "
                                       "that validate reads directly")):
        p = sub.add_parser(command, help=text, description=text + "; nothing existing is overwritten")
        p.add_argument("project_dir", type=Path, help="the new project folder, e.g. data/my_project")
        p.add_argument("--name", default="", help="the project's full name")
        p.add_argument("--programme", default="", help="e.g. 'Interreg Europe 2021-2027'")
        p.add_argument("--start", default="", help="first day, YYYY-MM-DD")
        p.add_argument("--end", default="", help="last day, YYYY-MM-DD")
        p.add_argument("--nuts-version", type=int, choices=(2013, 2016, 2021), default=2021,
                       help="NUTS classification of the region codes (default: %(default)s)")
        p.set_defaults(func=_scaffold)

    p = sub.add_parser("validate", help="check a project folder and list every problem")
    p.add_argument("project_dir", nargs="?", type=Path, default=DEFAULT_PROJECT_DIR)
    p.set_defaults(func=_validate)

    p = sub.add_parser("demo", help="regenerate the seeded demo data (byte-identical for a given seed)")
    p.add_argument("project_dir", nargs="?", type=Path, default=DEFAULT_PROJECT_DIR)
    p.set_defaults(func=_demo)

    p = sub.add_parser("report", help="execute the notebooks into a dated snapshot under reports/",
                       description="Execute every run of the plan (in parallel) into reports/<UTC time>[-label]/ "
                                   "and point reports/latest at it. Exit 0 all ran, 1 a run failed, "
                                   "2 bad data or parameters (nothing run, nothing written).")
    p.add_argument("--project", type=Path, default=DEFAULT_PROJECT_DIR, help="project folder (default: %(default)s)")
    p.add_argument("--plan", type=Path, default=None, help="report plan (default: reports/plan.yaml)")
    p.add_argument("--jobs", "-j", type=_positive_int, default=None,
                   help="runs in parallel (default: the number of cores)")
    p.add_argument("--only", action="append", metavar="NAME",
                   help="only runs whose notebook or slug matches NAME (glob; repeatable), e.g. 04 or '*-<partner_id>'")
    p.add_argument("-p", "--param", action="append", metavar="KEY=VALUE",
                   help="override a parameter in every run whose notebook has it; for a for_each parameter it picks "
                        "the matching run (-p partner=<partner_id>: that partner's profile) (repeatable)")
    p.add_argument("--label", default=None, help="suffix of the snapshot folder name, e.g. weekly")
    p.add_argument("--out", type=Path, default=None, help="folder of snapshots (default: reports/)")
    p.add_argument("--timeout", type=_positive_float, default=None, metavar="SECONDS",
                   help="time limit of each run (default: none)")
    p.add_argument("--fail-fast", action="store_true", help="stop at the first failed run")
    p.add_argument("--no-thumbnails", action="store_true", help="skip the PNG thumbnails (headless Chromium)")
    p.add_argument("--force", action="store_true",
                   help="execute every run; by default a run whose inputs (notebook, parameters, data and reference "
                        "files, package, environment) are unchanged since reports/latest is copied from there")
    p.add_argument("--executor", choices=("local", "dask"), default="local",
                   help="where runs execute: the local process pool (default) or a Dask cluster (--scheduler)")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="the Dask scheduler (with --executor dask)")
    p.add_argument("--project-transfer", choices=("bytes", "path"), default="bytes",
                   help="how runs on Dask workers get the project: zipped with each run (default), or its path "
                        "(the workers share this disk)")
    p.add_argument("--self-contained", action="store_true",
                   help="also write standalone/<slug>.html: each page with plotly.js inlined, to share on its own")
    p.add_argument("--pdf", action="store_true",
                   help="also print every page to pdf/<slug>.pdf and the whole snapshot to pdf/snapshot.pdf "
                        "(headless Chromium; A4, page numbers, snapshot and demo share in the footer)")
    p.set_defaults(func=_report)

    p = sub.add_parser("diff", help="what changed between two snapshots (inputs, runs, headline numbers)")
    p.add_argument("old", help="snapshot folder, name, 'previous' or 'latest'")
    p.add_argument("new", nargs="?", default="latest", help="snapshot folder, name or 'latest' (default)")
    p.add_argument("--out", type=Path, default=None, help="folder of snapshots (default: reports/)")
    p.add_argument("--html", type=Path, default=None,
                   help="where to write the diff page (default: diffs/<old>--<new>.html in the newer snapshot, "
                        "linked from its index)")
    p.set_defaults(func=_diff)

    from clusterix_analytics.geo.build import add_geodata_parser

    add_geodata_parser(sub)
    from clusterix_analytics.reports.plotlyjs import add_plotlyjs_parser

    add_plotlyjs_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    where = f"{parser.prog} {args.command}"
    try:
        return args.func(args)
    except DataValidationError as exc:
        print(exc, file=sys.stderr)
        return EXIT_BAD_INPUT
    except (Refusal, SettingError) as exc:
        print(f"{where}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:   # the environment: a full disk, a folder that cannot be written, a file that vanished
        file = f": {exc.filename}" if exc.filename else ""
        print(f"{where}: {exc.strerror or exc}{file}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    raise SystemExit(main())
