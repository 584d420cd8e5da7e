"""Count what the warehouse holds: articles, sites, duplicates, rejects, runs, removals."""

from __future__ import annotations

import argparse
import sys

import warehouse
from flows.cli import read_access
from flows.cli.text_table import print_table

NO_SITE = "(no site)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--top",
        type=int,
        default=10,
        metavar="N",
        help="sites to list, most removals first (default: %(default)s)",
    )
    read_access.add_arguments(parser)


def run(args: argparse.Namespace) -> int:
    if args.top < 1:
        print("presswash stats: --top must be at least 1", file=sys.stderr)
        return 2
    with read_access.read_only(args) as con:
        counts = warehouse.stats(con)
    print(f"warehouse {read_access.db_path(args)}")
    totals = counts.totals()
    width = max(len(name) for name, _ in totals) + 2
    for name, n in totals:
        print(f"  {name:<{width}}{n:>8}")

    print("\npages by type")
    if not counts.pages_by_type:
        print("  none")
    else:
        print_table(["page type", "pages"], list(counts.pages_by_type.items()), sys.stdout)

    print("\nremovals by kind")
    if not counts.removals_by_kind:
        print("  none")
    else:
        print_table(["kind", "removals"], list(counts.removals_by_kind.items()), sys.stdout)

    by_site = sorted(
        (
            (sum(kinds.values()), site or NO_SITE, kinds)
            for site, kinds in counts.removals_by_site.items()
        ),
        key=lambda t: (-t[0], t[1]),
    )
    shown = by_site[: args.top]
    print(f"\nremovals by site (top {len(shown)} of {len(by_site)})")
    if not shown:
        print("  none")
    else:
        rows = [
            (site, total, ", ".join(f"{kind} {n}" for kind, n in _most_first(kinds)))
            for total, site, kinds in shown
        ]
        print_table(["site", "removals", "by kind"], rows, sys.stdout)
    return 0


def _most_first(kinds: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))
