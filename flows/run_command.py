"""Ingest files and directories (default: seeds/) into the warehouse and print a summary."""

from __future__ import annotations

import argparse
import sys

from flows import progress
from flows.settings import load_settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or directories to ingest")
    parser.add_argument("--db", help="warehouse file (default: the db setting)")


def run(args: argparse.Namespace) -> int:
    from flows.ingest import ingest  # imports Prefect: only when a run is asked for
    from flows.runners import task_runner

    settings = load_settings()
    flow = ingest.with_options(task_runner=task_runner(settings))
    with progress.showing():
        report = flow(paths=args.paths or None, db=args.db)
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
    return 0
