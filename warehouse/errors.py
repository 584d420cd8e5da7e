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


class WarehouseUnusable(WarehouseError):
    """The warehouse file cannot be opened or written for a reason outside the program: it
    is damaged, not writable, or the disk is full. The message names the file and what to
    do, in one line."""


_CAUSES = (
    (
        ("not a valid DuckDB database file", "Could not read enough bytes", "Corrupt", "checksum"),
        "is damaged or truncated ({detail}): move it aside and restore it from a backup, or give"
        " --db a new file",
    ),
    (
        ("No space left", "File too large", "Disk quota"),
        "could not be written: {detail}. Free space on its disk (or raise the file size limit),"
        " then run again: the batch being landed was rolled back",
    ),
    (
        ("Permission denied", "Read-only file system", "read-only"),
        "cannot be written: {detail}. Make the file and its directory writable by this user,"
        " or give --db another file",
    ),
)


def unusable(path: Path, error: Exception) -> WarehouseUnusable | None:
    """The error as a :class:`WarehouseUnusable` for ``path``, if it is one of the failures
    an operator must fix (damage, permissions, a full disk); None for any other error."""
    message = str(error)
    detail = " ".join(message.split("\n\n", 1)[0].split())
    if isinstance(error, OSError) and error.strerror:
        detail = error.strerror
    for needles, advice in _CAUSES:
        if any(needle.lower() in message.lower() for needle in needles):
            return WarehouseUnusable(f"warehouse {path} " + advice.format(detail=detail))
    return None
