"""Reading back the near-duplicate state that earlier runs stored (see migration 005)."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pyarrow as pa

from warehouse.transaction import registered, transaction

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
