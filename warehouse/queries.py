"""Read-side queries behind the CLI: a run's summary, warehouse stats, one article."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import duckdb


@dataclass(frozen=True, slots=True)
class RunSummary:
    """One run. ``landed``, ``duplicates`` (landed articles linked to an original),
    ``rejected`` and ``removals_by_kind`` are counted from the tables, so they are right even
    for a run that failed before :func:`~warehouse.runs.finish_run`; ``near_duplicates`` is
    as the run recorded it."""

    run_id: str
    status: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    inputs: int
    landed: int
    duplicates: int
    near_duplicates: int | None
    rejected: int
    removals_by_kind: dict[str, int]


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


@dataclass(frozen=True, slots=True)
class ArticleDetail:
    """One article's row with its passages and removals, each in position order."""

    article: dict[str, Any]
    passages: list[dict[str, Any]]
    removals: list[dict[str, Any]]


def summary(con: duckdb.DuckDBPyConnection, run_id: str) -> RunSummary:
    """Summarize run ``run_id``; :class:`LookupError` if there is no such run."""
    run = con.execute(
        "SELECT status, started_at, finished_at, inputs, near_duplicates"
        " FROM runs WHERE run_id = ?",
        [run_id],
    ).fetchone()
    if run is None:
        raise LookupError(f"no run {run_id!r} in the warehouse")
    status, started_at, finished_at, inputs, near_duplicates = run
    landed, duplicates, rejected = _row(
        con,
        """
        SELECT
            (SELECT count(*) FROM articles WHERE run_id = $run),
            (SELECT count(duplicate_of) FROM articles WHERE run_id = $run),
            (SELECT count(*) FROM rejects WHERE run_id = $run)
        """,
        {"run": run_id},
    )
    by_kind = con.execute(
        """
        SELECT r.kind, count(*) FROM removals AS r JOIN articles AS a USING (article_id)
        WHERE a.run_id = ? GROUP BY r.kind ORDER BY count(*) DESC, r.kind
        """,
        [run_id],
    ).fetchall()
    return RunSummary(
        run_id=run_id,
        status=status,
        started_at=started_at,
        finished_at=finished_at,
        inputs=inputs,
        landed=landed,
        duplicates=duplicates,
        near_duplicates=near_duplicates,
        rejected=rejected,
        removals_by_kind=dict(by_kind),
    )


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
    )


def article_detail(con: duckdb.DuckDBPyConnection, article_id: str) -> ArticleDetail | None:
    """The article ``article_id`` with its passages and removals, or ``None`` if unknown."""
    article = _dicts(con.execute("SELECT * FROM articles WHERE article_id = ?", [article_id]))
    if not article:
        return None
    passages = _dicts(
        con.execute(
            "SELECT passage_id, position, text, duplicate_of FROM passages"
            " WHERE article_id = ? ORDER BY position",
            [article_id],
        )
    )
    removals = _dicts(
        con.execute(
            "SELECT position, kind, rule, text FROM removals"
            " WHERE article_id = ? ORDER BY position",
            [article_id],
        )
    )
    return ArticleDetail(article=article[0], passages=passages, removals=removals)


def _row(
    con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None
) -> tuple[Any, ...]:
    """The single row of an aggregate query."""
    return con.execute(sql, params).fetchall()[0]


def _dicts(result: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in result.description]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]
