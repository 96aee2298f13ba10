"""The ``clusterix-analytics`` command: validate | demo | report | geodata.

Exit codes: 0 success; 1 a report run failed; 2 bad data or bad parameters (nothing was run).
A user's data error is printed as ``file:row:column: message`` lines, never as a traceback.

>>> from clusterix_analytics.cli import main
>>> main(["validate", "data/clusterix2"])  # doctest: +ELLIPSIS
data/clusterix2: valid ...
0
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import DataValidationError
from .paths import DEFAULT_PROJECT_DIR


def _validate(args) -> int:
    from .data import load

    ds = load(args.project_dir)
    counts = ", ".join(f"{len(t)} {name}" for name, t in ds.tables.items())
    share = ds.synthetic_share()
    print(f"{args.project_dir}: valid – {counts}; {share:.0%} of rows are demo data")
    return 0


def _demo(args) -> int:
    from .demo import write_demo

    written = write_demo(args.project_dir)
    for path, rows in written.items():
        print(f"wrote {path} ({rows} rows)")
    return 0


def _report(args) -> int:
    from .reports.runner import run_report

    return run_report(project_dir=args.project, out_dir=args.out, label=args.label)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clusterix-analytics", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check a project folder and list every problem")
    p.add_argument("project_dir", nargs="?", type=Path, default=DEFAULT_PROJECT_DIR)
    p.set_defaults(func=_validate)

    p = sub.add_parser("demo", help="regenerate the seeded demo data (byte-identical for a given seed)")
    p.add_argument("project_dir", nargs="?", type=Path, default=DEFAULT_PROJECT_DIR)
    p.set_defaults(func=_demo)

    p = sub.add_parser("report", help="execute the notebooks into a dated snapshot under reports/")
    p.add_argument("--project", type=Path, default=DEFAULT_PROJECT_DIR)
    p.add_argument("--out", type=Path, default=None)
    p.add_argument("--label", default=None)
    p.set_defaults(func=_report)

    from .geodata import add_geodata_parser

    add_geodata_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except DataValidationError as exc:
        print(exc, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
