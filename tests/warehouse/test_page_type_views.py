"""Page types in the warehouse: the column, the article-only default views, every page in
``pages_latest``, counts by type and by removal kind (``comment`` included)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from tests.helpers.paths import ROOT
from warehouse import Batch, land, open_warehouse, stats

T0 = dt.datetime(2024, 5, 1, 12, 0)


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = open_warehouse(tmp_path / "w.duckdb")
    yield connection
    connection.close()


def _page(article_id: str, page_type: str, *, site: str, source: str | None = None) -> dict:
    return {
        "article_id": article_id,
        "source": source or f"pages/{article_id}.html",
        "site": site,
        "title": f"Title of {article_id}",
        "body": f"Body of {article_id}.",
        "word_count": 3,
        "page_type": page_type,
    }


def _land(con: duckdb.DuckDBPyConnection, *rows: dict, at: dt.datetime = T0) -> None:
    batch = Batch(ingested_at=at)
    batch.articles.extend(rows)
    land(con, batch)


def _ids(con: duckdb.DuckDBPyConnection, view: str) -> set[str]:
    return {i for (i,) in con.execute(f"SELECT article_id FROM {view}").fetchall()}


def test_default_views_hold_articles_only_and_pages_latest_holds_every_page(
    con: duckdb.DuckDBPyConnection,
) -> None:
    _land(
        con,
        _page("a1", "article", site="Daily"),
        _page("a2", "article", site="Daily"),
        _page("f1", "forum", site="Daily"),
        _page("p1", "product", site="Shop"),
        _page("l1", "listing", site="Shop"),
    )
    assert _ids(con, "articles_latest") == {"a1", "a2"}
    assert _ids(con, "pages_latest") == {"a1", "a2", "f1", "p1", "l1"}
    sites = dict(con.execute("SELECT site, articles FROM sites").fetchall())
    assert sites == {"Daily": 2}
    types = dict(con.execute("SELECT article_id, page_type FROM pages_latest").fetchall())
    assert types["f1"] == "forum" and types["p1"] == "product"


def test_latest_version_decides_whether_a_source_is_an_article(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """A source re-scraped as another type of page leaves the article views: the latest
    version of each source is what both views show."""
    _land(con, _page("v1", "article", site="S", source="same"), at=T0)
    _land(con, _page("v2", "listing", site="S", source="same"), at=T0 + dt.timedelta(hours=1))
    assert _ids(con, "articles_latest") == set()
    assert _ids(con, "pages_latest") == {"v2"}


def test_every_landed_row_must_say_its_page_type(con: duckdb.DuckDBPyConnection) -> None:
    row = _page("x", "article", site="S")
    del row["page_type"]
    with pytest.raises(ValueError, match="page_type"):
        _land(con, row)
    assert _ids(con, "pages_latest") == set()


def test_stats_count_pages_by_type_and_comment_removals(con: duckdb.DuckDBPyConnection) -> None:
    batch = Batch(ingested_at=T0)
    batch.articles.extend(
        [
            _page("a1", "article", site="S"),
            _page("a2", "article", site="S"),
            _page("f1", "forum", site="S"),
        ]
    )
    batch.removals.extend(
        {"article_id": "a1", "position": i, "kind": kind, "rule": "r", "text": text}
        for i, (kind, text) in enumerate(
            [("comment", "Great piece!"), ("comment", "I disagree."), ("widget", "Share")]
        )
    )
    land(con, batch)
    counts = stats(con)
    assert counts.pages_by_type == {"article": 2, "forum": 1}
    assert counts.removals_by_kind == {"comment": 2, "widget": 1}


def test_rows_landed_before_page_types_are_articles(tmp_path: Path) -> None:
    """Migration 010 marks rows from before it as articles: they were cleaned as articles."""
    path = tmp_path / "w.duckdb"
    before = tmp_path / "migrations"
    before.mkdir()
    for sql in (ROOT / "warehouse" / "migrations").glob("*.sql"):
        if sql.name < "010":
            shutil.copy(sql, before / sql.name)
    with open_warehouse(path, migrations_dir=before) as old:
        old.execute(
            "INSERT INTO articles (article_id, source, body, word_count, authors, ingested_at)"
            " VALUES ('old', 'pages/old.txt', 'Old body.', 2, [], ?)",
            [T0],
        )
    with open_warehouse(path) as new:
        assert new.execute("SELECT page_type FROM articles").fetchall() == [("article",)]
        assert _ids(new, "articles_latest") == {"old"}
