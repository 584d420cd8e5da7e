"""Opening a warehouse file: waiting out another process's lock, then migrating."""

from __future__ import annotations

import contextlib
import os
import re
import time
from importlib.resources.abc import Traversable
from pathlib import Path

import duckdb

from warehouse.errors import WarehouseLocked, unusable
from warehouse.migrations import check_current, discover, migrate

_LOCK_HOLDER = re.compile(r"\(PID (\d+)\)")
_FIRST_DELAY = 0.05
_MAX_DELAY = 1.0
#: A waiting marker younger than this belongs to a process still waiting (it retries at
#: least every ``_MAX_DELAY`` seconds).
WAITING_FRESH = 2 * _MAX_DELAY


def open_warehouse(
    path: str | os.PathLike[str],
    *,
    read_only: bool = False,
    wait_seconds: float = 10.0,
    migrations_dir: Path | Traversable | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB warehouse at ``path``, ready to use.

    Read-write: creates missing parent directories and the file, and applies pending
    migrations. Read-only: the file must exist and be fully migrated, else
    :class:`~warehouse.errors.SchemaVersionError` says how to fix it.

    DuckDB lets one process at a time open a file (a second one, even read-only, fails at
    once), so a lock conflict is retried with growing pauses for up to ``wait_seconds``,
    then raised as :class:`~warehouse.errors.WarehouseLocked`.
    """
    path = Path(path)
    if read_only and not path.exists():
        raise FileNotFoundError(f"no warehouse at {path}: run an ingest first to create it")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    migrations = discover(migrations_dir)
    con = _connect(path, read_only, wait_seconds)
    try:
        if read_only:
            check_current(con, migrations, str(path))
        else:
            migrate(con, migrations, str(path))
    except (duckdb.Error, OSError) as error:
        con.close()
        raise (unusable(path, error) or error) from error
    except BaseException:
        con.close()
        raise
    return con


def waiting_marker(path: Path) -> Path:
    """The file a process waiting for ``path``'s lock touches while it waits, so that a
    holder that keeps its connection between batches (:class:`warehouse.Writer`) knows to
    let go."""
    return path.with_name(path.name + ".waiting")


def someone_waits(path: Path) -> bool:
    """Whether another process has waited for ``path``'s lock within the last
    :data:`WAITING_FRESH` seconds (a waiter touches the marker at every retry)."""
    try:
        return time.time() - waiting_marker(path).stat().st_mtime < WAITING_FRESH
    except OSError:
        return False


def _connect(path: Path, read_only: bool, wait_seconds: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + wait_seconds
    delay = _FIRST_DELAY
    waited = False
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as error:
            message = str(error)
            if "lock" not in message.lower():
                raise (unusable(path, error) or error) from error
            waited = True
            with contextlib.suppress(OSError):  # e.g. a reader in a read-only directory
                waiting_marker(path).touch()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                _withdraw(path)
                holder = _LOCK_HOLDER.search(message)
                pid = int(holder[1]) if holder else None
                raise WarehouseLocked(path, wait_seconds, pid) from error
            time.sleep(min(delay, remaining))
            delay = min(delay * 2, _MAX_DELAY)
        else:
            if waited:
                _withdraw(path)
            return con


def _withdraw(path: Path) -> None:
    """Remove the waiting marker: this process waits no more (another waiter, if any,
    touches it again at its next retry)."""
    with contextlib.suppress(OSError):
        waiting_marker(path).unlink(missing_ok=True)
