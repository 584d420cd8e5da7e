"""Setting duplicate links on landed rows: how the tests build warehouses with copies (the
flow links copies while landing; nothing else in presswash sets them after)."""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import pyarrow as pa

from warehouse.transaction import registered, transaction

Pair = tuple[str, str | None]


def set_duplicate_of(con: duckdb.DuckDBPyConnection, pairs: Iterable[Pair]) -> int:
    """Set ``articles.duplicate_of`` from ``(article_id, original_id)`` pairs (``None``
    clears the link); return how many articles were updated.

    All ids must be landed articles, else nothing changes and :class:`ValueError` lists some
    unknown ones. A later pair for the same article overrides an earlier one.
    """
    return _link(con, "articles", "article_id", pairs)


def set_passage_duplicates(con: duckdb.DuckDBPyConnection, pairs: Iterable[Pair]) -> int:
    """Set ``passages.duplicate_of`` from ``(passage_id, original_passage_id)`` pairs, as
    :func:`set_duplicate_of` does for articles."""
    return _link(con, "passages", "passage_id", pairs)


def _link(con: duckdb.DuckDBPyConnection, table: str, key: str, pairs: Iterable[Pair]) -> int:
    links = dict(pairs)
    self_links = [k for k, v in links.items() if k == v]
    if self_links:
        raise ValueError(f"{table} cannot be duplicates of themselves: {self_links[:3]}")
    arrow = pa.table(
        {"id": list(links), "duplicate_of": list(links.values())},
        schema=pa.schema([("id", pa.string()), ("duplicate_of", pa.string())]),
    )
    with registered(con, {"_links": arrow}), transaction(con):
        unknown = con.execute(
            f"""
            SELECT id FROM (
                SELECT id FROM _links
                UNION SELECT duplicate_of FROM _links WHERE duplicate_of IS NOT NULL
            ) AS ids
            ANTI JOIN {table} AS t ON t.{key} = ids.id
            ORDER BY id LIMIT 3
            """
        ).fetchall()
        if unknown:
            raise ValueError(f"unknown {key}s in duplicate links: {[u for (u,) in unknown]}")
        updated = con.execute(
            f"UPDATE {table} SET duplicate_of = l.duplicate_of FROM _links AS l"
            f" WHERE {table}.{key} = l.id"
        ).fetchone()
    return updated[0] if updated else 0
