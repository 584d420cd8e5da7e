"""The ingest's one read-write connection, kept from batch to batch while nobody else wants
the file.

Opening the warehouse for each batch made every batch pay for DuckDB's checkpoint on close
(0.1-1 s, growing with the file) and for the migration check on open. Kept open, the
connection holds DuckDB's file lock, which would lock out an analyst's query or a second run
for the whole ingest; so the writer lets go after a session when another process is waiting
(it announces itself, see :func:`warehouse.connection.someone_waits`), and the flow lets go
whenever it is about to sit idle waiting for its workers.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from warehouse.connection import WAITING_FRESH, open_warehouse, someone_waits, waiting_marker
from warehouse.errors import WarehouseError, unusable

#: Longest a connection is kept. Closing it checkpoints and frees what DuckDB keeps in memory
#: meanwhile, and it bounds the wait of a process that does not announce itself (a DuckDB
#: session opened by hand). Measured at 100,000 articles, the flow peaked at 1.82 GB with
#: this bound and 1.88 GB without, against 1.63 GB with a connection per batch.
MAX_HOLD_SECONDS = 20.0

#: WAL size at which DuckDB checkpoints while the connection stays open (its default,
#: 16 MiB, meant a checkpoint every batch or two; 64 MiB measured slower and no smaller).
CHECKPOINT_THRESHOLD = "256MiB"


class Writer:
    """Sessions on one read-write connection to the warehouse at ``path``; ``wait_seconds``
    is how long an open waits for another process's lock, ``memory_limit`` DuckDB's memory
    limit for that connection (``"400MB"``; empty for DuckDB's default)."""

    def __init__(
        self, path: str | os.PathLike[str], *, wait_seconds: float, memory_limit: str = ""
    ) -> None:
        self.path = Path(path)
        self.wait_seconds = wait_seconds
        self.memory_limit = _checked_memory_limit(memory_limit)
        self._con: duckdb.DuckDBPyConnection | None = None
        self._opened = 0.0

    @contextmanager
    def session(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The connection, opened if needed. Afterwards it stays open unless another process
        is waiting for the file or it has been open :data:`MAX_HOLD_SECONDS`; after an error
        it is closed (a retry starts afresh)."""
        if self._con is None:
            self._con = open_warehouse(self.path, wait_seconds=self.wait_seconds)
            self._con.execute(f"SET checkpoint_threshold = '{CHECKPOINT_THRESHOLD}'")
            if self.memory_limit:
                self._con.execute("SET memory_limit = ?", [self.memory_limit])
            self._opened = time.monotonic()
        try:
            yield self._con
        except (duckdb.InterruptException, RuntimeError) as error:
            # DuckDB turns a Ctrl-C during a statement into RuntimeError('Query interrupted'),
            # which a task's retries would take for a failure and run again: the run went on.
            if not _interrupted(error):
                self.release()
                raise
            self._close_quietly()
            raise KeyboardInterrupt from error
        except (duckdb.Error, OSError) as error:
            self._close_quietly()
            raise (unusable(self.path, error) or error) from error
        except BaseException:
            self.release()
            raise
        if someone_waits(self.path):
            self.release()
            _let_in(self.path)
        elif time.monotonic() - self._opened > MAX_HOLD_SECONDS:
            self.release()

    def _close_quietly(self) -> None:
        """Close after a failed session; closing checkpoints, which fails again on a full
        disk or a damaged file, and the session's own error is the one to report."""
        try:
            self.release()
        except (duckdb.Error, OSError):
            self._con = None

    def release(self) -> None:
        """Close the connection (DuckDB checkpoints then) so other processes can open the
        file; the next session opens it again."""
        if self._con is not None:
            con, self._con = self._con, None
            try:
                con.close()
            except (duckdb.Error, OSError) as error:
                raise (unusable(self.path, error) or error) from error


def _interrupted(error: Exception) -> bool:
    """Whether DuckDB raised ``error`` because SIGINT interrupted a statement."""
    return isinstance(error, duckdb.InterruptException) or str(error) == "Query interrupted"


def _let_in(path: Path) -> None:
    """Give a waiting process the time to take the lock: until it withdraws its marker, or
    for as long as it may sleep between two tries."""
    deadline = time.monotonic() + WAITING_FRESH
    while waiting_marker(path).exists() and time.monotonic() < deadline:
        time.sleep(0.02)


def _checked_memory_limit(limit: str) -> str:
    """``limit`` if DuckDB takes it as a memory size; refused now rather than at the open."""
    if limit:
        try:
            with duckdb.connect() as probe:
                probe.execute("SET memory_limit = ?", [limit])
        except duckdb.Error as exc:
            message = f"memory limit {limit!r} is not a size such as 400MB: {exc}"
            raise WarehouseError(message) from exc
    return limit
