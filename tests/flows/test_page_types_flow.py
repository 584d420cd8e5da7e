"""A real run through the CLI lands every page with its type: a forum thread keeps its posts,
a product page its description, and the analysts' default views show the articles only."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from lxml.html import document_fromstring

from flows.cli import main
from tests.helpers import pages

pytestmark = pytest.mark.usefixtures("prefect_server")


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def _texts(html: str, xpath: str) -> list[str]:
    return [" ".join(e.text_content().split()) for e in document_fromstring(html).xpath(xpath)]


def test_run_lands_pages_of_every_type_with_their_content(
    tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    made = {
        "story.html": pages.article_page("de", seed=11),
        "thread.html": pages.forum_page("ru", seed=12),
        "shoe.html": pages.product_page("fr", seed=13),
        "reference.html": pages.documentation_page("en", seed=14),
    }
    for name, (html, _url) in made.items():
        (inbox / name).write_text(html, encoding="utf-8")

    assert main(["run", str(inbox), "--db", str(db)]) == 0

    landed = {
        Path(source).name: (page_type, body)
        for source, page_type, body in query(db, "SELECT source, page_type, body FROM articles")
    }
    assert set(landed) == set(made)
    assert landed["story.html"][0] == "article"
    for name in ("thread.html", "shoe.html", "reference.html"):
        assert landed[name][0] != "article", name
    # Nothing silently emptied: the thread keeps its posts, the product its description.
    posts = _texts(made["thread.html"][0], "//div[@class='message']")
    assert sum(post in landed["thread.html"][1] for post in posts) >= 2 * len(posts) / 3
    description = max(_texts(made["shoe.html"][0], "//main/p"), key=len)
    assert description in landed["shoe.html"][1]
    assert query(db, "SELECT count(*) FROM rejects") == [(0,)]

    latest = {Path(s).name for (s,) in query(db, "SELECT source FROM articles_latest")}
    every = {Path(s).name for (s,) in query(db, "SELECT source FROM pages_latest")}
    assert latest == {"story.html"} and every == set(made)

    capsys.readouterr()
    assert main(["stats", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    section = out.split("pages by type", 1)[1].split("removals by kind", 1)[0]
    assert "article" in section and section.count("\n") >= 4
