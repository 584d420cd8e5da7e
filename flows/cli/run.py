"""Ingest files and directories (default: seeds/) into the warehouse and print a summary."""

from __future__ import annotations

import argparse
import logging
import sys

import warehouse
from flows import progress
from flows.settings import load_settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or directories to ingest")
    parser.add_argument("--db", help="warehouse file (default: the db setting)")
    parser.add_argument(
        "--verbose", action="store_true", help="show Prefect's logs of failed flow and task runs"
    )


def run(args: argparse.Namespace) -> int:
    settings = load_settings()
    db = args.db or settings.db
    # Wait for the warehouse before starting anything: a busy warehouse is one clear line.
    with warehouse.open_warehouse(db, wait_seconds=settings.lock_wait):
        pass

    from flows.ingest import ingest  # imports Prefect: only when a run is asked for
    from flows.runners import task_runner

    if not args.verbose:
        # The CLI reports a failed run in one line; Prefect's own tracebacks on request.
        for name in ("prefect.flow_runs", "prefect.task_runs"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
    flow = ingest.with_options(task_runner=task_runner(settings))
    with progress.showing():
        report = flow(paths=args.paths or None, db=db)
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
