"""The ``presswash`` command line: one module per subcommand, mounted here.

Every subcommand module exposes ``add_arguments(parser)`` and ``run(args) -> int``; the
first line of its docstring is its help. Exit codes are shared (:data:`EXIT_CODES`), and
errors are printed as one line naming what failed, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from importlib.metadata import version

import warehouse
from flows.settings import SettingsError, quiet_prefect

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 3
EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 130, 141

#: Every exit code of every subcommand, as ``--help`` lists them.
EXIT_CODES = {
    EXIT_OK: "success (for run: every input accounted for, rejects included)",
    EXIT_FAILED: "the command failed (the line printed says why)",
    EXIT_USAGE: "usage error: bad option or setting, no such path, nothing could be read",
    EXIT_LOCKED: "the warehouse is locked by another process",
    EXIT_INTERRUPTED: "interrupted (Ctrl-C); what landed stays, a rerun continues",
    EXIT_BROKEN_PIPE: "the reader of the output went away (e.g. `| head`)",
}

#: Subcommand name -> module under ``flows``.
COMMANDS = {
    "run": "flows.cli.run",
    "eval": "flows.cli.eval",
    "serve": "flows.cli.serve",
    "query": "flows.cli.query",
    "stats": "flows.cli.stats",
    "show": "flows.cli.show",
    "report": "flows.cli.report",
    "server": "flows.cli.server",
}


def exit_codes_help() -> str:
    return "exit codes:\n" + "\n".join(f"  {code:<4}{text}" for code, text in EXIT_CODES.items())


def main(argv: Sequence[str] | None = None) -> int:
    quiet_prefect(os.environ)  # this process is the edge: before anything imports Prefect
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if extra:  # argparse would blame the top-level parser and print its usage
        args.parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        code = args.module.run(args)
        sys.stdout.flush()  # inside the try: a closed pipe shows here, not at exit
        return code
    except SettingsError as exc:
        print(f"presswash {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except warehouse.WarehouseLocked as exc:
        print(f"presswash: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except BrokenPipeError:
        return _broken_pipe()
    except KeyboardInterrupt:
        print(f"presswash {args.command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except (warehouse.WarehouseError, OSError, RuntimeError) as exc:
        print(f"presswash {args.command}: {exc}", file=sys.stderr)
        return EXIT_FAILED


def _broken_pipe() -> int:
    """Quiet end when the reader closed the pipe: nothing more can reach it, and Python
    would otherwise complain once more when it flushes stdout at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return EXIT_BROKEN_PIPE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="presswash",
        description="Clean scraped news articles and land them in a DuckDB warehouse.",
        epilog=exit_codes_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"presswash {version('presswash')}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, module_name in COMMANDS.items():
        module = importlib.import_module(module_name)
        doc = (module.__doc__ or name).strip()
        summary = doc.splitlines()[0]
        sub = commands.add_parser(
            name,
            help=summary,
            description=getattr(module, "DESCRIPTION", summary),
            epilog=exit_codes_help(),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(sub)
        sub.set_defaults(module=module, parser=sub)
    return parser
