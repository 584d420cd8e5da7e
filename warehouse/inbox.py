"""Which files of a watched inbox were already processed (see migration 004)."""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import pyarrow as pa

from warehouse.transaction import registered

FileKey = tuple[str, int, int]


def processed_files(con: duckdb.DuckDBPyConnection, candidates: Iterable[FileKey]) -> set[FileKey]:
    """The ``(path, size, mtime_ns)`` keys among ``candidates`` that a run already took."""
    keys = list(candidates)
    if not keys:
        return set()
    paths, sizes, mtimes = zip(*keys, strict=True)
    table = pa.table(
        {
            "path": pa.array(paths, pa.string()),
            "size": pa.array(sizes, pa.int64()),
            "mtime_ns": pa.array(mtimes, pa.int64()),
        }
    )
    with registered(con, {"_candidate_files": table}):
        rows = con.execute(
            "SELECT path, size, mtime_ns FROM inbox_files"
            " SEMI JOIN _candidate_files USING (path, size, mtime_ns)"
        ).fetchall()
    return {(p, s, m) for p, s, m in rows}
