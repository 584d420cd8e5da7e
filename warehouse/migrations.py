"""Versioned schema migrations: ``migrations/NNN_name.sql`` applied in order, recorded in
``schema_version``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

import duckdb

from warehouse.clock import utc_naive
from warehouse.errors import SchemaVersionError
from warehouse.transaction import transaction

_FILE_NAME = re.compile(r"(?P<version>\d{3})_(?P<name>\w+)\.sql")

_CREATE_VERSION_TABLE = """
CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL,
    applied_at TIMESTAMP NOT NULL
)
"""


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema step: its version number, name and SQL script."""

    version: int
    name: str
    sql: str


def discover(directory: Path | Traversable | None = None) -> tuple[Migration, ...]:
    """Read the migrations in ``directory`` (default: the package's own), sorted by version.

    Every ``.sql`` file must be named ``NNN_name.sql`` with a unique ``NNN``.
    """
    directory = directory if directory is not None else files("warehouse") / "migrations"
    found: dict[int, Migration] = {}
    for entry in directory.iterdir():
        if not entry.name.endswith(".sql"):
            continue
        match = _FILE_NAME.fullmatch(entry.name)
        if match is None:
            raise ValueError(f"migration file {entry.name!r} is not named NNN_name.sql")
        version = int(match["version"])
        if version in found:
            raise ValueError(f"two migrations have version {version:03d}")
        found[version] = Migration(version, match["name"], entry.read_text(encoding="utf-8"))
    return tuple(found[v] for v in sorted(found))


def applied_versions(con: duckdb.DuckDBPyConnection) -> set[int]:
    """The versions recorded in the file; empty when it was never migrated."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchone()
    if not exists or not exists[0]:
        return set()
    return {v for (v,) in con.execute("SELECT version FROM schema_version").fetchall()}


def _too_new(where: str, applied: set[int], migrations: tuple[Migration, ...]) -> None:
    known = {m.version for m in migrations}
    unknown = sorted(applied - known)
    if unknown:
        raise SchemaVersionError(
            f"warehouse {where} has schema version {unknown[-1]}, newer than this code knows "
            f"(up to {max(known, default=0)}): upgrade presswash or use another file"
        )


def migrate(
    con: duckdb.DuckDBPyConnection, migrations: tuple[Migration, ...], where: str
) -> list[int]:
    """Apply the pending migrations in order, all in one transaction; return their versions.

    ``where`` names the file in error messages.
    """
    with transaction(con):
        con.execute(_CREATE_VERSION_TABLE)
        applied = applied_versions(con)
        _too_new(where, applied, migrations)
        pending = [m for m in migrations if m.version not in applied]
        for migration in pending:
            con.execute(migration.sql)
            con.execute(
                "INSERT INTO schema_version VALUES (?, ?, ?)",
                [migration.version, migration.name, utc_naive()],
            )
    return [m.version for m in pending]


def check_current(
    con: duckdb.DuckDBPyConnection, migrations: tuple[Migration, ...], where: str
) -> None:
    """Raise :class:`SchemaVersionError` unless every migration is applied (read-only opens)."""
    applied = applied_versions(con)
    _too_new(where, applied, migrations)
    missing = [m.version for m in migrations if m.version not in applied]
    if not applied:
        raise SchemaVersionError(
            f"warehouse {where} has no presswash schema: open it read-write once to create it"
        )
    if missing:
        raise SchemaVersionError(
            f"warehouse {where} is at schema version {max(applied)}, this code needs "
            f"{migrations[-1].version}: open it read-write once to upgrade it"
        )
