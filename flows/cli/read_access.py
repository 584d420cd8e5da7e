"""Opening the warehouse for the read-only commands (query, stats, show, report).

DuckDB refuses even a read-only open while another process holds the file. A running ingest
lets go after the batch it is landing when it sees a command waiting (see
:class:`warehouse.Writer`), which takes well under a second or two; other holders (a DuckDB
session, an older ingest) may keep it for long, so these commands wait a few seconds and
then answer that the warehouse is busy (exit 3 through the CLI).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

import warehouse
from flows.settings import load_settings

#: How long a read-only command waits for another process to let go of the warehouse.
READ_WAIT_SECONDS = 3.0


class WarehouseBusy(warehouse.WarehouseLocked):
    """The warehouse is held by another process; the message tells a person what to do."""

    def __str__(self) -> str:
        holder = f"PID {self.pid}" if self.pid is not None else "PID unknown"
        return (
            f"the warehouse is busy: another process ({holder}, an ingest or a DuckDB session)"
            f" holds {self.path}; try again when it finishes"
        )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--db`` and ``--wait``, shared by the read-only commands."""
    parser.add_argument("--db", help="warehouse file (default: the db setting)")
    parser.add_argument(
        "--wait",
        type=float,
        default=READ_WAIT_SECONDS,
        metavar="SECONDS",
        help="how long to wait for a busy warehouse (default: %(default)s)",
    )


def db_path(args: argparse.Namespace) -> str:
    """The warehouse file: ``--db``, else the ``db`` setting."""
    return args.db or load_settings().db


@contextmanager
def read_only(args: argparse.Namespace) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the warehouse (:func:`db_path`), closed after the block.

    Raises :class:`WarehouseBusy` when another process keeps the file past ``args.wait``.
    """
    try:
        con = warehouse.open_warehouse(db_path(args), read_only=True, wait_seconds=args.wait)
    except warehouse.WarehouseLocked as locked:
        raise WarehouseBusy(locked.path, locked.waited, locked.pid) from locked
    try:
        yield con
    finally:
        con.close()
