"""Write a static HTML audit report of the warehouse (overview, charts, one page per article)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from flows.cli import read_access
from report import build_report


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out", required=True, metavar="DIR", help="directory to write the report into"
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
    if out.exists() and not out.is_dir():
        print(f"presswash report: {out} exists and is not a directory", file=sys.stderr)
        return 2
    with read_access.read_only(args) as con:
        result = build_report(
            con,
            out,
            source_label=read_access.db_path(args),
            last_runs=args.runs,
            top_sites=args.sites,
        )
    print(f"report of {result.articles} articles and {result.runs} runs -> {result.index}")
    return 0
