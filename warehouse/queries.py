"""Read-side queries behind the CLI: a run's summary, warehouse stats, article details."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import duckdb


@dataclass(frozen=True, slots=True)
class WarehouseStats:
    """Counts over the whole warehouse (every landed version of every source)."""

    articles: int
    sources: int
    sites: int
    duplicates: int
    passages: int
    duplicate_passages: int
    rejects: int
    runs: int
    removals_by_kind: dict[str, int]
    removals_by_site: dict[str | None, dict[str, int]]
    #: Landed rows per page type (every version of every source), most first.
    pages_by_type: dict[str, int] = field(default_factory=dict)

    def totals(self) -> list[tuple[str, int]]:
        """The counts as (label, number) rows, in display order."""
        return [
            ("articles", self.articles),
            ("sources", self.sources),
            ("sites", self.sites),
            ("duplicates", self.duplicates),
            ("passages", self.passages),
            ("duplicate passages", self.duplicate_passages),
            ("rejects", self.rejects),
            ("runs", self.runs),
            ("removals", sum(self.removals_by_kind.values())),
        ]


@dataclass(frozen=True, slots=True)
class ArticleDetail:
    """One article's row with its passages and removals, each in position order, and its
    duplicate links both ways.

    A passage's ``duplicate_of`` is a passage id; ``duplicate_of_article`` and
    ``duplicate_of_position`` spell it out. ``original`` is the article this one duplicates
    (``article_id``, ``title``, ``site``, ``source``), ``copies`` the articles that duplicate
    this one, ``passage_copies`` the passages elsewhere that duplicate one of its passages
    (``position`` here, ``article_id`` and ``copy_position`` there).
    """

    article: dict[str, Any]
    passages: list[dict[str, Any]]
    removals: list[dict[str, Any]]
    original: dict[str, Any] | None = None
    copies: list[dict[str, Any]] = field(default_factory=list)
    passage_copies: list[dict[str, Any]] = field(default_factory=list)


def stats(con: duckdb.DuckDBPyConnection) -> WarehouseStats:
    """Count articles, sources, sites, duplicates, rejects, runs and removals."""
    articles, sources, sites, duplicates = _row(
        con,
        "SELECT count(*), count(DISTINCT source), count(DISTINCT site), count(duplicate_of)"
        " FROM articles",
    )
    passages, duplicate_passages = _row(con, "SELECT count(*), count(duplicate_of) FROM passages")
    (rejects,) = _row(con, "SELECT count(*) FROM rejects")
    (runs,) = _row(con, "SELECT count(*) FROM runs")
    by_site: dict[str | None, dict[str, int]] = {}
    by_kind: dict[str, int] = {}
    for site, kind, n in con.execute(
        "SELECT site, kind, sum(n) FROM removals_by_site GROUP BY site, kind"
        " ORDER BY site NULLS LAST, sum(n) DESC, kind"
    ).fetchall():
        by_site.setdefault(site, {})[kind] = int(n)
        by_kind[kind] = by_kind.get(kind, 0) + int(n)
    by_type = dict(
        con.execute(
            "SELECT page_type, count(*) FROM articles GROUP BY ALL ORDER BY count(*) DESC, 1"
        ).fetchall()
    )
    return WarehouseStats(
        articles=articles,
        sources=sources,
        sites=sites,
        duplicates=duplicates,
        passages=passages,
        duplicate_passages=duplicate_passages,
        rejects=rejects,
        runs=runs,
        removals_by_kind=dict(sorted(by_kind.items(), key=lambda kv: (-kv[1], kv[0]))),
        removals_by_site=by_site,
        pages_by_type=by_type,
    )


def article_detail(con: duckdb.DuckDBPyConnection, article_id: str) -> ArticleDetail | None:
    """The article ``article_id`` with its passages, removals and duplicate links, or
    ``None`` if unknown."""
    return next(iter_article_details(con, article_id), None)


def iter_article_details(
    con: duckdb.DuckDBPyConnection, article_id: str | None = None, *, chunk: int = 1000
) -> Iterator[ArticleDetail]:
    """Every article's detail (or only ``article_id``'s), in article id order.

    Articles are read ``chunk`` at a time, each chunk in one query over a range of ids, so a
    report over a large warehouse neither pays six round trips per article nor holds every
    passage in memory at once. Each chunk is fetched whole before it is yielded: the
    connection is free for other queries between items.
    """
    if article_id is not None:
        yield from _details(con, {"only": article_id, "from": None, "until": None})
        return
    starts = [
        first
        for (first,) in con.execute(
            "SELECT article_id FROM articles"
            " QUALIFY (row_number() OVER (ORDER BY article_id) - 1) % $chunk = 0"
            " ORDER BY article_id",
            {"chunk": chunk},
        ).fetchall()
    ]
    for start, end in zip(starts, [*starts[1:], None], strict=True):
        yield from _details(con, {"only": None, "from": start, "until": end})


def _details(con: duckdb.DuckDBPyConnection, params: dict[str, Any]) -> list[ArticleDetail]:
    result = con.execute(_DETAILS, params)
    names = [d[0] for d in result.description]
    details = []
    for row in result.fetchall():
        record = dict(zip(names, row, strict=True))
        details.append(
            ArticleDetail(
                article={k: v for k, v in record.items() if k not in _DETAIL_PARTS},
                passages=record["_passages"],
                removals=record["_removals"],
                original=record["_original"],
                copies=record["_copies"],
                passage_copies=record["_passage_copies"],
            )
        )
    return details


_DETAIL_PARTS = {"_passages", "_removals", "_original", "_copies", "_passage_copies"}
_DETAILS = """
WITH chosen AS (
    SELECT * FROM articles
    WHERE ($only IS NULL OR article_id = $only)
      AND ($from IS NULL OR article_id >= $from)
      AND ($until IS NULL OR article_id < $until)
),
passage_lists AS (
    SELECT p.article_id, list({
        'passage_id': p.passage_id, 'position': p.position, 'text': p.text,
        'duplicate_of': p.duplicate_of,
        'duplicate_of_article': o.article_id, 'duplicate_of_position': o.position
    } ORDER BY p.position) AS _passages
    FROM passages AS p SEMI JOIN chosen USING (article_id)
    LEFT JOIN passages AS o ON o.passage_id = p.duplicate_of
    GROUP BY p.article_id
),
removal_lists AS (
    SELECT r.article_id, list({
        'position': r.position, 'kind': r.kind, 'rule': r.rule, 'text': r.text,
        'before_passage': r.before_passage
    } ORDER BY r.position) AS _removals
    FROM removals AS r SEMI JOIN chosen USING (article_id)
    GROUP BY r.article_id
),
copy_lists AS (
    SELECT c.duplicate_of AS article_id, list({
        'article_id': c.article_id, 'title': c.title, 'site': c.site, 'source': c.source
    } ORDER BY c.ingested_at, c.article_id) AS _copies
    FROM articles AS c JOIN chosen ON c.duplicate_of = chosen.article_id
    GROUP BY c.duplicate_of
),
passage_copy_lists AS (
    SELECT o.article_id, list({
        'position': o.position, 'article_id': c.article_id, 'copy_position': c.position
    } ORDER BY o.position, c.article_id, c.position) AS _passage_copies
    FROM passages AS c JOIN passages AS o ON o.passage_id = c.duplicate_of
    SEMI JOIN chosen ON o.article_id = chosen.article_id
    GROUP BY o.article_id
)
SELECT
    a.*,
    coalesce(p._passages, []) AS _passages,
    coalesce(r._removals, []) AS _removals,
    CASE WHEN o.article_id IS NOT NULL THEN {
        'article_id': o.article_id, 'title': o.title, 'site': o.site, 'source': o.source
    } END AS _original,
    coalesce(c._copies, []) AS _copies,
    coalesce(pc._passage_copies, []) AS _passage_copies
FROM chosen AS a
LEFT JOIN articles AS o ON o.article_id = a.duplicate_of
LEFT JOIN passage_lists AS p ON p.article_id = a.article_id
LEFT JOIN removal_lists AS r ON r.article_id = a.article_id
LEFT JOIN copy_lists AS c ON c.article_id = a.article_id
LEFT JOIN passage_copy_lists AS pc ON pc.article_id = a.article_id
ORDER BY a.article_id
"""


def article_ids_starting(con: duckdb.DuckDBPyConnection, prefix: str, limit: int = 5) -> list[str]:
    """Up to ``limit`` article ids that start with ``prefix``, sorted: a person may give
    the first characters of an id, as with git commits."""
    rows = con.execute(
        "SELECT article_id FROM articles WHERE starts_with(article_id, ?)"
        " ORDER BY article_id LIMIT ?",
        [prefix, limit],
    ).fetchall()
    return [article_id for (article_id,) in rows]


def _row(
    con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None
) -> tuple[Any, ...]:
    """The single row of an aggregate query."""
    return con.execute(sql, params).fetchall()[0]


def _dicts(result: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in result.description]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]
