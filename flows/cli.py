"""The ``presswash`` command line.

Exit codes: 0 success (every input accounted for, rejects included); 1 the run failed;
2 usage error; 3 the warehouse is locked by another process.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import warehouse
from flows import settings

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 3


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except warehouse.WarehouseLocked as exc:
        print(f"presswash: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except (warehouse.WarehouseError, FileNotFoundError) as exc:
        print(f"presswash: {exc}", file=sys.stderr)
        return EXIT_FAILED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="presswash",
        description="Clean scraped news articles and land them in a DuckDB warehouse.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="ingest files and directories (default: seeds/)")
    run.add_argument("paths", nargs="*", metavar="PATH", help="files or directories to ingest")
    run.add_argument("--db", default=str(settings.DEFAULT_DB), help="warehouse file (%(default)s)")
    run.set_defaults(handler=_run)

    from flows import evaluate

    ev = commands.add_parser("eval", help="score extraction against a WCXB-layout dataset")
    evaluate.add_arguments(ev)
    ev.set_defaults(handler=evaluate.run)
    return parser


def _run(args: argparse.Namespace) -> int:
    from flows.ingest import ingest

    report = ingest(paths=args.paths or None, db=args.db)
    for reject in report.rejects:
        print(f"rejected: {reject.source}: {reject.reason}", file=sys.stderr)
    print(f"run {report.run_id} -> {report.db}")
    width = 12
    for name in ("inputs", "landed", "duplicates", "rejected"):
        print(f"  {name:<{width}}{getattr(report, name):>6}")
    if report.removals_by_kind:
        print("  removals by kind:")
        for kind, n in report.removals_by_kind.most_common():
            print(f"    {kind:<{width + 4}}{n:>4}")
    return EXIT_OK
