"""Read-side queries behind the audit report: runs, removals per run, the article list.

Article pages read :func:`warehouse.queries.iter_article_details`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

import duckdb


@dataclass(frozen=True, slots=True)
class RunRow:
    """One run with the counts it recorded when it finished; for a run that never finished
    (killed), what the tables show of it: articles it landed, near-duplicate copies among
    them, and its rejects."""

    run_id: str
    status: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    inputs: int
    landed: int
    duplicates: int
    near_duplicates: int | None
    rejected: int
    removals: int


@dataclass(frozen=True, slots=True)
class RunRemovals:
    """Removals of the articles one run landed, counted per kind or per site.

    ``run_id`` is ``None`` for articles landed outside any run; ``at`` is when the run
    started (for those articles: the first one's landing time). A ``None`` key in
    ``counts`` is an article without a site.
    """

    run_id: str | None
    at: dt.datetime
    counts: dict[str | None, int]


def runs_overview(con: duckdb.DuckDBPyConnection) -> list[RunRow]:
    """Every run, newest first."""
    rows = con.execute(
        """
        WITH landed AS (
            SELECT run_id, count(*) - count(duplicate_of) AS landed,
                   count(duplicate_of) AS duplicates
            FROM articles GROUP BY run_id
        ),
        removed AS (
            SELECT a.run_id, count(*) AS removals
            FROM removals AS r JOIN articles AS a USING (article_id) GROUP BY a.run_id
        ),
        rejected AS (SELECT run_id, count(*) AS rejected FROM rejects GROUP BY run_id)
        SELECT u.run_id, u.status, u.started_at, u.finished_at, u.inputs,
               coalesce(u.landed, l.landed, 0), coalesce(u.duplicates, l.duplicates, 0),
               u.near_duplicates, coalesce(u.rejected, j.rejected, 0), coalesce(m.removals, 0)
        FROM runs AS u
        LEFT JOIN landed AS l ON l.run_id = u.run_id
        LEFT JOIN removed AS m ON m.run_id = u.run_id
        LEFT JOIN rejected AS j ON j.run_id = u.run_id
        ORDER BY u.started_at DESC, u.run_id
        """
    ).fetchall()
    return [RunRow(*row) for row in rows]


def removals_per_run(
    con: duckdb.DuckDBPyConnection, by: Literal["kind", "site"], last: int = 40
) -> list[RunRemovals]:
    """Removals per run and per ``kind`` or ``site`` for the ``last`` runs, oldest first.

    Runs that landed nothing are included with empty counts: a run whose removals drop to
    zero is what an audit looks for.
    """
    key = {"kind": "r.kind", "site": "a.site"}[by]
    rows = con.execute(
        f"""
        WITH buckets AS (
            SELECT run_id, started_at FROM runs
            UNION ALL
            SELECT NULL AS run_id, min(ingested_at) AS started_at FROM articles
            WHERE run_id IS NULL HAVING count(*) > 0
        ),
        shown AS (SELECT * FROM buckets ORDER BY started_at DESC, run_id LIMIT $last),
        counted AS (
            SELECT a.run_id, {key} AS key, count(*) AS n
            FROM removals AS r JOIN articles AS a USING (article_id)
            GROUP BY ALL
        )
        SELECT s.run_id, s.started_at, c.key, c.n
        FROM shown AS s LEFT JOIN counted AS c ON c.run_id IS NOT DISTINCT FROM s.run_id
        ORDER BY s.started_at, s.run_id, c.n DESC, c.key
        """,
        {"last": last},
    ).fetchall()
    series: dict[tuple[str | None, dt.datetime], dict[str | None, int]] = {}
    for run_id, at, key_value, n in rows:
        counts = series.setdefault((run_id, at), {})
        if n is not None:
            counts[key_value] = n
    return [RunRemovals(run_id, at, counts) for (run_id, at), counts in series.items()]


def article_list(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """One row per article for the report's index, by site then title: id, title, site,
    published, words, page type, removal count, and whether it duplicates another article."""
    return _dicts(con.execute(_ARTICLE_LIST))


def rule_counts(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """How often each rule fired, on how many articles and sites: where to audit a rule."""
    return _dicts(con.execute(_RULE_COUNTS))


_ARTICLE_LIST = """
SELECT a.article_id, a.title, a.source, a.site, a.published, a.word_count, a.page_type,
       count(r.article_id) AS removals, a.duplicate_of
FROM articles AS a LEFT JOIN removals AS r USING (article_id)
GROUP BY ALL
ORDER BY a.site NULLS LAST, a.title NULLS LAST, a.source, a.article_id
"""
_RULE_COUNTS = """
SELECT r.kind, r.rule, count(*) AS removals,
       count(DISTINCT r.article_id) AS articles,
       -- articles without a site count as one more site
       count(DISTINCT a.site) + (count(*) FILTER (a.site IS NULL) > 0)::INTEGER AS sites
FROM removals AS r JOIN articles AS a USING (article_id)
GROUP BY ALL
ORDER BY removals DESC, r.kind, r.rule
"""


def _dicts(result: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in result.description]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]
