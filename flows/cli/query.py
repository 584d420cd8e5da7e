"""Run SQL on the warehouse (read-only) and print the result or write it to a file.

A query sees the warehouse and nothing else: one reading statement (``SELECT``, ``DESCRIBE``,
``SHOW``, ``SUMMARIZE``, ``EXPLAIN``, a ``PRAGMA`` that reads), run on a connection with
DuckDB's file system access turned off and its configuration locked, so that no statement
can read or write another file, attach another database or turn the access back on. The
result reaches ``--out`` or standard output through Arrow and this program's own writer,
never through SQL.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from pathlib import Path

import duckdb
import pyarrow as pa

from flows.cli import read_access
from flows.cli.text_table import print_table

FORMATS = ("table", "csv", "json", "parquet")
#: The table format is for reading: longer results are cut here, with a note on stderr.
TABLE_MAX_ROWS = 1000
#: DuckDB's COPY options per file format: CSV with a header, JSON as one array.
_COPY_OPTIONS = {
    "csv": "FORMAT csv, HEADER true",
    "json": "FORMAT json, ARRAY true",
    "parquet": "FORMAT parquet",
}
_READ_ONLY_REFUSAL = re.compile(r'Cannot execute statement of type "(\w+)".*read-only', re.S)
_NO_FILE_ACCESS = re.compile(r'Cannot access (?:file|directory) "([^"]*)"')
#: Statement kinds a query may be. A PRAGMA that would change a setting fails on the locked
#: configuration.
_READING = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN, duckdb.StatementType.PRAGMA}
#: The result is made visible to the writer under this name for the time of one command.
_RESULT_VIEW = "_presswash_query_result"


class Refused(Exception):
    """A query that is not one reading statement on the warehouse."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sql", metavar="SQL", help="the query (DuckDB SQL; tables: see README)")
    parser.add_argument(
        "--format", choices=FORMATS, default="table", help="output format (default: table)"
    )
    parser.add_argument(
        "--out", metavar="FILE", help="write to FILE instead of stdout (required for parquet)"
    )
    read_access.add_arguments(parser)


def run(args: argparse.Namespace) -> int:
    if not args.sql.strip().strip(";").strip():
        return _fail("no SQL given", code=2)
    if args.format == "parquet" and not args.out:
        return _fail("--format parquet writes a binary file: give --out FILE", code=2)
    with read_access.read_only(args) as con:
        try:
            confine(con)
            sql = reading_statement(con, args.sql)
            if args.format == "table":
                _write_table(con, sql, args.out)
            else:
                _copy(con, sql, args.format, args.out)
        except Refused as refusal:
            return _fail(str(refusal))
        except duckdb.Error as error:
            return _fail(one_line(error))
    return 0


def confine(con: duckdb.DuckDBPyConnection) -> None:
    """Turn off the connection's access to files other than the warehouse (reading and
    writing, extensions included) and lock its configuration so that it stays off."""
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")


def reading_statement(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """``sql`` if it is one statement that reads; else :class:`Refused` says why."""
    statements = con.extract_statements(sql)
    if len(statements) != 1:
        raise Refused(f"one statement at a time, not {len(statements)}")
    [statement] = statements
    if statement.type not in _READING:
        kind = statement.type.name.replace("_", " ")
        raise Refused(
            f"the query is read-only: {kind} statements are refused"
            " (a query reads the warehouse; --out FILE writes its result)"
        )
    return sql


def one_line(error: duckdb.Error) -> str:
    """DuckDB's message without its multi-line source excerpt, refusals said plainly."""
    message = str(error)
    refused = _READ_ONLY_REFUSAL.search(message)
    if refused:
        return (
            f"the warehouse is opened read-only: {refused[1]} statements are refused"
            " (presswash run is what changes it)"
        )
    outside = _NO_FILE_ACCESS.search(message)
    if outside:
        return (
            f"a query sees only the warehouse: reading {outside[1]!r} is refused"
            " (ingest files with presswash run)"
        )
    if "configuration has been locked" in message:
        return "a query cannot change settings: the configuration is locked"
    head = message.split("\n\n", 1)[0]
    return " ".join(line.strip() for line in head.splitlines() if line.strip())


def _write_table(con: duckdb.DuckDBPyConnection, sql: str, out: str | None) -> None:
    result = con.execute(sql)
    if result.description is None:  # a statement that returns nothing
        return
    columns = [d[0] for d in result.description]
    rows = result.fetchmany(TABLE_MAX_ROWS + 1)
    if len(rows) > TABLE_MAX_ROWS:
        rows = rows[:TABLE_MAX_ROWS]
        print(
            f"presswash query: showing the first {TABLE_MAX_ROWS} rows;"
            " use --format csv|json|parquet for all of them",
            file=sys.stderr,
        )
    if out is None:
        print_table(columns, rows, sys.stdout)
    else:
        with open(out, "w", encoding="utf-8") as stream:
            print_table(columns, rows, stream)


def _copy(con: duckdb.DuckDBPyConnection, sql: str, fmt: str, out: str | None) -> None:
    """Write the result with DuckDB's own writers, so every format renders values alike.

    The query runs on a cursor of the confined connection and streams through Arrow into a
    ``COPY`` on a second, in-memory connection that holds nothing but the result and runs
    no SQL of the caller's: the query cannot choose what is written where. Standard output
    gets the file's bytes.
    """
    relation = con.cursor().sql(sql)
    if relation is None:
        return
    reader = relation.to_arrow_reader()
    if out is not None:
        _write_reader(reader, fmt, Path(out))
        return
    with tempfile.TemporaryDirectory(prefix="presswash-query-") as tmp:
        path = Path(tmp) / f"result.{fmt}"
        _write_reader(reader, fmt, path)
        with path.open(encoding="utf-8", newline="") as result:
            shutil.copyfileobj(result, sys.stdout)


def _write_reader(reader: pa.RecordBatchReader, fmt: str, path: Path) -> None:
    with duckdb.connect() as writer:
        writer.register(_RESULT_VIEW, reader)
        writer.execute(f"COPY {_RESULT_VIEW} TO $path ({_COPY_OPTIONS[fmt]})", {"path": str(path)})


def _fail(message: str, code: int = 1) -> int:
    print(f"presswash query: {message}", file=sys.stderr)
    return code
