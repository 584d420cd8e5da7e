"""Reading back the near-duplicate state that earlier runs stored (see migration 005)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import duckdb
import pyarrow as pa

from warehouse.transaction import registered, transaction

#: Rows fetched per round trip when streaming state out of the warehouse.
CHUNK = 50_000


def article_signatures(
    con: duckdb.DuckDBPyConnection,
    spec: str,
    after: dt.datetime | None = None,
    through: dt.datetime | None = None,
) -> Iterator[tuple[str, str | None, int, bytes, str | None]]:
    """``(article_id, site, size, hashvalues, duplicate_of)`` of every article signed with
    ``spec`` (landed after ``after`` and by ``through``, where given), in landing order (so
    originals come before their copies), a batch's articles by id: the order their rows
    were stored in is not the order of the batch, nor the same from one warehouse to the
    next."""
    landed, params = _landed(after, through)
    yield from _stream(
        con,
        f"""
        SELECT s.article_id, s.site, s.size, s.hashvalues, a.duplicate_of
        FROM article_signatures AS s JOIN articles AS a USING (article_id)
        WHERE s.spec = ? {landed} ORDER BY a.ingested_at, s.article_id
        """,
        [spec, *params],
    )


def passage_signatures(
    con: duckdb.DuckDBPyConnection,
    spec: str,
    after: dt.datetime | None = None,
    through: dt.datetime | None = None,
) -> Iterator[tuple[str, str, int, bytes, str | None]]:
    """``(passage_id, article_id, size, hashvalues, duplicate_of)`` of every passage signed
    with ``spec`` (of articles landed after ``after`` and by ``through``, where given), in
    the order they were stored. Not sorted: the order of passages matters only to which 32
    members of a crowded bucket a query meets, and a sort of millions of passages with their
    signatures outgrew a run's memory limit where the scan on one thread streams."""
    landed, params = _landed(after, through)
    of_articles = f"AND s.article_id IN (SELECT article_id FROM articles AS a WHERE true {landed})"
    yield from _stream(
        con,
        f"""
        SELECT s.passage_id, s.article_id, s.size, s.hashvalues, p.duplicate_of
        FROM passage_signatures AS s JOIN passages AS p USING (passage_id)
        WHERE s.spec = ? {of_articles if params else ""}
        """,
        [spec, *params],
    )


def _landed(after: dt.datetime | None, through: dt.datetime | None) -> tuple[str, list]:
    """A condition on ``articles AS a`` for the articles landed after ``after`` and by
    ``through`` (either may be None), and its parameters. Written out, not as ``? IS NULL OR
    ...``: DuckDB plans that form so that the join and sort outgrow a run's memory limit."""
    sql, params = "", []
    if after is not None:
        sql, params = sql + " AND a.ingested_at > ?", [*params, after]
    if through is not None:
        sql, params = sql + " AND a.ingested_at <= ?", [*params, through]
    return sql, params


def article_count(
    con: duckdb.DuckDBPyConnection,
    spec: str,
    after: dt.datetime | None,
    through: dt.datetime | None,
) -> int:
    """How many rows :func:`article_signatures` gives for ``spec``, ``after`` and
    ``through``."""
    return _signature_count(con, "article_signatures", spec, after, through)


def passage_count(
    con: duckdb.DuckDBPyConnection,
    spec: str,
    after: dt.datetime | None,
    through: dt.datetime | None,
) -> int:
    """How many rows :func:`passage_signatures` gives for ``spec``, ``after`` and
    ``through``."""
    return _signature_count(con, "passage_signatures", spec, after, through)


def _signature_count(
    con: duckdb.DuckDBPyConnection,
    table: str,
    spec: str,
    after: dt.datetime | None,
    through: dt.datetime | None,
) -> int:
    landed, params = _landed(after, through)
    (count,) = con.execute(
        f"SELECT count(*) FROM {table} AS s"
        f" JOIN articles AS a ON a.article_id = s.article_id WHERE s.spec = ? {landed}",
        [spec, *params],
    ).fetchone()
    return int(count)


def last_landed(con: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    """When the last article landed (None: none has)."""
    return con.execute("SELECT max(ingested_at) FROM articles").fetchone()[0]


def cluster_moves(
    con: duckdb.DuckDBPyConnection, since: dt.datetime | None
) -> list[tuple[str, str]]:
    """``(merged_root, into_root)`` of the cluster merges made at or after ``since``, in
    order."""
    return con.execute(
        "SELECT merged_root, into_root FROM cluster_merges"
        " WHERE ? IS NULL OR merged_at >= ? ORDER BY merged_at, rowid",
        [since, since],
    ).fetchall()


def site_passages(
    con: duckdb.DuckDBPyConnection, after: dt.datetime | None = None
) -> Iterator[tuple[str, int, int, str]]:
    """``(site, passage_hash, article_count, first_seen)`` rows of the site chrome counter
    (counted after ``after``, where given)."""
    since = "" if after is None else "WHERE last_seen > ?"
    yield from _stream(
        con,
        f"SELECT site, passage_hash, article_count, first_seen FROM site_passages {since}",
        [] if after is None else [after],
    )


def site_counts(
    con: duckdb.DuckDBPyConnection, after: dt.datetime | None, through: dt.datetime
) -> Iterator[tuple[str, int, int]]:
    """``(site, passage_hash, article_count)`` of the rows of the site chrome counter last
    counted after ``after`` (or ever, rows of before that was recorded included) and by
    ``through``."""
    since = (
        "last_seen IS NULL OR last_seen <= ?"
        if after is None
        else "last_seen > ? AND last_seen <= ?"
    )
    yield from _stream(
        con,
        f"SELECT site, passage_hash, article_count FROM site_passages WHERE {since}",
        [through] if after is None else [after, through],
    )


#: DuckDB's memory limit while the dedup state streams out, where the run's is lower: during
#: a run, the warehouse's key indexes and cached blocks fill most of a 150 MB limit, and a
#: join of a generation's signatures could not pin the blocks it needs (at 100,000 articles).
STREAM_MEMORY = "512MB"


def _stream(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> Iterator[tuple]:
    """The rows of ``sql``, fetched :data:`CHUNK` at a time, in bounded memory.

    A join of every signature with its article and a sort by landing order must stay within
    DuckDB's memory limit at millions of articles, spilling to disk: on one thread, without
    keeping the order of rows no ``ORDER BY`` asks for, within :data:`STREAM_MEMORY`, and
    with the articles as the hash join's build side. DuckDB's optimizer would otherwise
    build on the signatures (their blobs: 512 MB at a million articles) whenever a filter
    makes them look the smaller side, and run out of memory. The settings come back after."""
    names = ("threads", "disabled_optimizers", "preserve_insertion_order", "memory_limit")
    saved = con.execute(
        "SELECT " + ", ".join(f"current_setting('{name}')" for name in names)
    ).fetchone()
    con.execute("SET threads = 1")
    con.execute("SET disabled_optimizers = 'build_side_probe_side'")
    con.execute("SET preserve_insertion_order = false")
    if _bytes(str(saved[3])) < _bytes(STREAM_MEMORY):
        con.execute("SET memory_limit = ?", [STREAM_MEMORY])
    try:
        result = con.execute(sql, params)
        while rows := result.fetchmany(CHUNK):
            yield from rows
    finally:
        con.execute(f"SET threads = {int(saved[0])}")
        con.execute("SET disabled_optimizers = ?", [saved[1]])
        con.execute(f"SET preserve_insertion_order = {str(saved[2]).lower() == 'true'}")
        con.execute("SET memory_limit = ?", [saved[3]])


def _bytes(limit: str) -> float:
    """A DuckDB memory limit as bytes: ``"143.0 MiB"``, ``"512MB"``; unreadable: infinite."""
    found = re.fullmatch(r"\s*([\d.]+)\s*([KMGT]?)(i?)B\s*", limit, re.IGNORECASE)
    if not found:
        return float("inf")
    number, unit, binary = found.groups()
    return float(number) * (1024 if binary else 1000) ** " KMGT".index(unit.upper() or " ")


def stale_articles(
    con: duckdb.DuckDBPyConnection, article_spec: str, passage_spec: str, limit: int
) -> list[tuple[str, list[str]]]:
    """Up to ``limit`` ``(article_id, paragraphs)`` of articles whose stored article or
    passage signatures were made under another spec than the given ones, paragraphs in
    order."""
    return con.execute(
        """
        WITH stale AS (
            SELECT article_id FROM article_signatures WHERE spec <> $article_spec
            UNION
            SELECT article_id FROM passage_signatures WHERE spec <> $passage_spec
            ORDER BY article_id LIMIT $limit
        )
        SELECT article_id, coalesce(list(text ORDER BY position) FILTER (text IS NOT NULL), [])
        FROM stale LEFT JOIN passages USING (article_id)
        GROUP BY article_id ORDER BY article_id
        """,
        {"article_spec": article_spec, "passage_spec": passage_spec, "limit": limit},
    ).fetchall()


def replace_signatures(
    con: duckdb.DuckDBPyConnection, articles: pa.Table, passages: pa.Table
) -> None:
    """Store new signatures for the articles in ``articles`` (rows of
    ``ARTICLE_SIGNATURE_COLUMNS``; their site is kept) and make ``passages`` (rows of
    ``PASSAGE_SIGNATURE_COLUMNS``) their only passage signatures, in one transaction."""
    with registered(con, {"new_articles": articles, "new_passages": passages}), transaction(con):
        con.execute(
            """
            UPDATE article_signatures AS s
            SET spec = n.spec, size = n.size, hashvalues = n.hashvalues
            FROM new_articles AS n WHERE s.article_id = n.article_id
            """
        )
        con.execute(
            "DELETE FROM passage_signatures"
            " WHERE article_id IN (SELECT article_id FROM new_articles)"
        )
        con.execute(
            "INSERT INTO passage_signatures BY NAME "
            "SELECT passage_id, article_id, spec, size, hashvalues FROM new_passages"
        )
