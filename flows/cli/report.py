"""Write a static HTML audit report of the warehouse (overview, charts, one page per article)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from flows import progress
from flows.cli import read_access
from flows.settings import load_settings
from report import NotAReport, build_report, check_replaceable


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        required=True,
        metavar="DIR",
        help="directory of the report; an earlier report there is replaced whole",
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=40,
        metavar="N",
        help="runs shown in the charts, newest (default: %(default)s)",
    )
    parser.add_argument(
        "--sites",
        type=int,
        default=8,
        metavar="N",
        help="sites named in the per-site chart; the rest are summed (default: %(default)s)",
    )
    read_access.add_arguments(parser)


def run(args: argparse.Namespace) -> int:
    if args.runs < 1 or args.sites < 1:
        print("presswash report: --runs and --sites must be at least 1", file=sys.stderr)
        return 2
    out = Path(args.out)
    try:
        check_replaceable(out)
    except NotAReport as exc:
        print(f"presswash report: {exc}; choose another --out", file=sys.stderr)
        return 2
    every = load_settings().progress_every
    with (
        read_access.read_only(args) as con,
        progress.tracking("presswash report", "pages", every=every) as tracker,
    ):

        def advance(done: int, total: int) -> None:
            if tracker.total is None:
                tracker.set_total(total)
            tracker.advance(done - tracker.done)

        result = build_report(
            con,
            out,
            source_label=read_access.db_path(args),
            last_runs=args.runs,
            top_sites=args.sites,
            progress=advance,
        )
    articles, runs = _plural(result.articles, "article"), _plural(result.runs, "run")
    print(f"report of {articles} and {runs} -> {result.index}")
    return 0


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
