"""Ingest files and directories (default: seeds/) into the warehouse and print a summary."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

import warehouse
from flows import interrupts, prefect_server, progress
from flows.cli import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from flows.settings import Settings, as_parameter, load_settings

if TYPE_CHECKING:
    from flows.run_report import RunReport

DESCRIPTION = """\
Ingest files and directories (default: the inputs setting, seeds/) into the warehouse and
print a summary. Directories are walked recursively; files are read by their name:

  .txt .md .markdown .text          plain text or markdown dumps of article pages
  .html .htm .xhtml .html.gz .htm.gz  HTML pages
  .jsonl .jsonl.gz .ndjson          one JSON record a line: text or html, url, fetched_at
  .warc .warc.gz                    web archives: each HTML response or resource record

A file named on the command line is read whatever its name. Inputs that cannot be read are
rejected (listed, and kept in the rejects table) without stopping the run. A repeat run
skips what already landed, so a rerun after an interruption continues."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or directories to ingest")
    parser.add_argument("--db", help="warehouse file (default: the db setting)")
    parser.add_argument(
        "--verbose", action="store_true", help="show Prefect's logs of failed flow and task runs"
    )


def run(args: argparse.Namespace) -> int:
    settings = load_settings()
    db = args.db or settings.db
    paths = list(args.paths) or list(settings.inputs)
    missing = [p for p in paths if not os.path.lexists(p)]
    if missing:
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        print(f"presswash run: no such file or directory: {missing[0]}{more}", file=sys.stderr)
        return EXIT_USAGE
    # Wait for the warehouse before starting anything: a busy warehouse is one clear line.
    with warehouse.open_warehouse(db, wait_seconds=settings.lock_wait):
        pass

    with contextlib.ExitStack() as stack:
        stack.enter_context(_prefect_api(settings))
        from flows.ingest import ingest  # imports Prefect: only when a run is asked for
        from flows.runners import task_runner

        if not args.verbose:
            # The CLI reports a failed or interrupted run in one line; Prefect's own logs of
            # it on request. After the import: Prefect sets up its loggers when imported.
            for name in ("prefect.flow_runs", "prefect.task_runs"):
                logging.getLogger(name).setLevel(logging.CRITICAL)
            # Prefect's event sender warns at exit of events it had still to send, as after
            # an interrupt: Prefect's bookkeeping, not the run's.
            logging.getLogger("EventsWorker").setLevel(logging.ERROR)

        tracker = stack.enter_context(
            progress.tracking(
                "presswash run", "inputs", progress.TrackedDisplay.COUNTERS,
                every=settings.progress_every,
            )
        )  # fmt: skip
        stack.enter_context(progress.showing(progress.TrackedDisplay(tracker)))
        flow = ingest.with_options(task_runner=task_runner(settings))
        stack.enter_context(interrupts.obeyed())
        try:
            report = flow(paths=paths, db=db, settings=as_parameter(settings))
        except (KeyboardInterrupt, Exception) as exc:
            # An interrupt can surface as another error of the code it cut short.
            if not (isinstance(exc, KeyboardInterrupt) or interrupts.requested()):
                raise
            counts = ", ".join(f"{n} {name}" for name, n in tracker.counts.items())
            print(
                f"presswash run: interrupted after {tracker.done} of {tracker.total or '?'} "
                f"inputs ({counts}); what landed stays: run it again to continue",
                file=sys.stderr,
            )
            return EXIT_INTERRUPTED
    _print_summary(report)
    if report.inputs and report.landed + report.duplicates == 0:
        every = "the only input was" if report.inputs == 1 else f"all {report.inputs} inputs were"
        print(f"presswash run: nothing could be read: {every} rejected", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


@contextlib.contextmanager
def _prefect_api(settings: Settings) -> Iterator[None]:
    """The Prefect server this run talks to: the configured one (``PREFECT_API_URL``), else
    the reusable local server (started on first use), else a temporary one for this run."""
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value():
        yield
    elif settings.reuse_server:
        state, started = prefect_server.ensure_server()
        if started:
            print(
                f"presswash: started a local Prefect server at {state.url.removesuffix('/api')}"
                " for this and later runs (`presswash server stop` ends it)",
                file=sys.stderr,
            )
        with prefect_server.using(state.url):
            yield
    else:
        with prefect_server.local_server():
            yield


def _print_summary(report: RunReport) -> None:
    for reject in report.rejects:
        print(f"rejected: {reject.source}: {reject.reason}", file=sys.stderr)
    print(f"run {report.run_id} -> {report.db}")
    counts = [(name, getattr(report, name)) for name in ("inputs", "landed", "duplicates")]
    counts.append(("rejected", report.rejected))
    kinds = report.removals_by_kind.most_common()
    width = max(len(name) for name, _ in [*counts, *((f"  {k}", n) for k, n in kinds)]) + 2
    digits = max(len(str(n)) for _, n in [*counts, *kinds]) + 2
    for name, n in counts:
        print(f"  {name:<{width}}{n:>{digits}}")
    if kinds:
        print("  removals by kind:")
        for kind, n in kinds:
            print(f"    {kind:<{width - 2}}{n:>{digits}}")
