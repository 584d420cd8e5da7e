"""Errors the warehouse raises on purpose, each with a message that says what to do."""

from __future__ import annotations

from pathlib import Path


class WarehouseError(Exception):
    """Base class of the warehouse's own errors."""


class WarehouseLocked(WarehouseError):
    """Another process holds the DuckDB file open (DuckDB allows one writer process per file)."""

    def __init__(self, path: Path, waited: float, pid: int | None = None) -> None:
        self.path = path
        self.waited = waited
        self.pid = pid
        holder = f"another process (PID {pid})" if pid is not None else "another process"
        super().__init__(
            f"warehouse {path} is held open by {holder}; gave up after {waited:g}s: "
            "wait for that process to finish or close it, then retry"
        )


class SchemaVersionError(WarehouseError):
    """The file's schema version does not match what this code can use."""
