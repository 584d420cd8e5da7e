"""The ``presswash`` command line: one module per subcommand, mounted here.

Every subcommand module exposes ``add_arguments(parser)`` and ``run(args) -> int``; the
first line of its docstring is its help. Exit codes are shared: 0 success (for ``run``:
every input accounted for, rejects included); 1 the command failed; 2 usage error; 3 the
warehouse is locked by another process. Errors are printed as one line naming what failed.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

import warehouse

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 3

#: Subcommand name -> module under ``flows``.
COMMANDS = {
    "run": "flows.cli.run",
    "eval": "flows.cli.eval",
    "serve": "flows.cli.serve",
    "query": "flows.cli.query",
    "stats": "flows.cli.stats",
    "show": "flows.cli.show",
    "report": "flows.cli.report",
}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.module.run(args)
    except warehouse.WarehouseLocked as exc:
        print(f"presswash: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except (warehouse.WarehouseError, OSError) as exc:
        print(f"presswash {args.command}: {exc}", file=sys.stderr)
        return EXIT_FAILED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="presswash",
        description="Clean scraped news articles and land them in a DuckDB warehouse.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, module_name in COMMANDS.items():
        module = importlib.import_module(module_name)
        summary = (module.__doc__ or name).strip().splitlines()[0]
        sub = commands.add_parser(name, help=summary, description=summary)
        module.add_arguments(sub)
        sub.set_defaults(module=module)
    return parser
