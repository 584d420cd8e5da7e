"""Run SQL on the warehouse (read-only) and print the result or write it to a file."""

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
#: The result is made visible to COPY under this name for the time of one command.
_RESULT_VIEW = "_presswash_query_result"


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
            if args.format == "table":
                _write_table(con, args.sql, args.out)
            else:
                _copy(con, args.sql, args.format, args.out)
        except duckdb.Error as error:
            return _fail(one_line(error))
    return 0


def one_line(error: duckdb.Error) -> str:
    """DuckDB's message without its multi-line source excerpt, refusals said plainly."""
    message = str(error)
    refused = _READ_ONLY_REFUSAL.search(message)
    if refused:
        return (
            f"the warehouse is opened read-only: {refused[1]} statements are refused"
            " (presswash run is what changes it)"
        )
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

    The query runs on a cursor and streams through Arrow into ``COPY``: a query may be any
    statement that returns rows (``SELECT``, ``DESCRIBE``, ``PRAGMA`` ...), which
    ``COPY (query)`` would not all accept. Standard output gets the file's bytes.
    """
    relation = con.cursor().sql(sql)
    if relation is None:
        return
    reader = relation.to_arrow_reader()
    if out is not None:
        _copy_reader(con, reader, fmt, Path(out))
        return
    with tempfile.TemporaryDirectory(prefix="presswash-query-") as tmp:
        path = Path(tmp) / f"result.{fmt}"
        _copy_reader(con, reader, fmt, path)
        with path.open(encoding="utf-8", newline="") as result:
            shutil.copyfileobj(result, sys.stdout)


def _copy_reader(
    con: duckdb.DuckDBPyConnection, reader: pa.RecordBatchReader, fmt: str, path: Path
) -> None:
    con.register(_RESULT_VIEW, reader)
    try:
        con.execute(f"COPY {_RESULT_VIEW} TO $path ({_COPY_OPTIONS[fmt]})", {"path": str(path)})
    finally:
        con.unregister(_RESULT_VIEW)


def _fail(message: str, code: int = 1) -> int:
    print(f"presswash query: {message}", file=sys.stderr)
    return code
