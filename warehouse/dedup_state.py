"""Reading back the near-duplicate state that earlier runs stored (see migration 005)."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb

#: Rows fetched per round trip when streaming state out of the warehouse.
CHUNK = 50_000


def article_signatures(
    con: duckdb.DuckDBPyConnection, spec: str
) -> Iterator[tuple[str, str | None, int, bytes, str | None]]:
    """``(article_id, site, size, hashvalues, duplicate_of)`` of every article signed with
    ``spec``, in landing order (so originals come before their copies)."""
    yield from _stream(
        con,
        """
        SELECT s.article_id, s.site, s.size, s.hashvalues, a.duplicate_of
        FROM article_signatures AS s JOIN articles AS a USING (article_id)
        WHERE s.spec = ? ORDER BY a.ingested_at, s.article_id
        """,
        [spec],
    )


def passage_signatures(
    con: duckdb.DuckDBPyConnection, spec: str
) -> Iterator[tuple[str, str, int, bytes, str | None]]:
    """``(passage_id, article_id, size, hashvalues, duplicate_of)`` of every passage signed
    with ``spec``."""
    yield from _stream(
        con,
        """
        SELECT s.passage_id, s.article_id, s.size, s.hashvalues, p.duplicate_of
        FROM passage_signatures AS s JOIN passages AS p USING (passage_id)
        WHERE s.spec = ? ORDER BY s.passage_id
        """,
        [spec],
    )


def site_passages(con: duckdb.DuckDBPyConnection) -> Iterator[tuple[str, int, int, str]]:
    """``(site, passage_hash, article_count, first_seen)`` rows of the site chrome counter."""
    yield from _stream(
        con, "SELECT site, passage_hash, article_count, first_seen FROM site_passages", []
    )


def _stream(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> Iterator[tuple]:
    result = con.execute(sql, params)
    while rows := result.fetchmany(CHUNK):
        yield from rows
