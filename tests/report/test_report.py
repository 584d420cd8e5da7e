"""The audit report: its parts as plain functions, the pages as files, and the pages in a real
headless Chromium (hostile scraped text must show as text and never run)."""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import markupsafe
import pytest

from cleaners import clean_text
from cleaners.rules import registry
from flows.cli import main
from flows.dedup_stage import removal_rows
from report import page_name
from report.charts import axis_scale, keep_top, stacked_bars
from report.original import original_order
from tests.helpers.browser import Browser, find_chromium
from tests.helpers.links import set_duplicate_of, set_passage_duplicates
from warehouse import (
    Batch,
    finish_run,
    land,
    open_warehouse,
    start_run,
)

ROOT = Path(__file__).resolve().parents[2]
T0 = dt.datetime(2024, 5, 1, 12, 0)
TITLE_SCRIPT = "<script>document.title='pwned'</script>"
IMG_SCRIPT = "<img src=x onerror=\"document.body.dataset.pwned='img'\">"
FOOTER_SCRIPT = "<script>document.body.dataset.pwned='footer'</script>"

# Scraped pages as a scraper would dump them, with markup where text should be: in the
# headline, in a body paragraph, and in a footer line that the cleaners remove.
HOSTILE = f"""Home > World

Harbour bridge reopens after {TITLE_SCRIPT} repairs

The harbour bridge reopened to traffic on Monday after eight months of repairs, the city's \
transport office said in a statement.

Engineers replaced {IMG_SCRIPT} cables and resurfaced the deck, work that cost more than \
expected.

Commuters had used ferries and a longer road route while the bridge was shut, adding up to \
forty minutes to journeys.

© 2024 Harbour Gazette {FOOTER_SCRIPT}. All rights reserved.

Leave a Comment
"""
COPY = """Home > Region

Bridge open again

The harbour bridge reopened to traffic on Monday after eight months of repairs, the city's \
transport office said in a statement.

Ferry operators said they would cut their extra sailings from next week.

Share this article
"""


def _rows(source: str, text: str, article_id: str) -> tuple[dict, list[dict], list[dict]]:
    """An article's warehouse rows from the real cleaners."""
    article = clean_text(text, source=source)
    row = {
        "article_id": article_id,
        "source": source,
        "url": "javascript:alert(1)" if article_id == "hostile" else "https://example.org/b",
        "title": article.title,
        "site": article.site,
        "published": article.published,
        "authors": article.authors,
        "body": article.text,
        "word_count": article.word_count,
        "page_type": article.page_type,
    }
    passages = [
        {"article_id": article_id, "position": i, "text": p}
        for i, p in enumerate(article.paragraphs)
    ]
    removals = removal_rows(article_id, article)
    return row, passages, removals


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A report of a small warehouse: a hostile article, and a copy of it from a later run."""
    tmp = tmp_path_factory.mktemp("report")
    db = tmp / "w.duckdb"
    con = open_warehouse(db)
    for n, (run_id, source, text, article_id) in enumerate(
        [
            ("run-a", "inbox/bridge.txt", HOSTILE, "hostile"),
            ("run-b", "inbox/bridge-copy.txt", COPY, "copy"),
        ]
    ):
        start_run(con, run_id, T0 + dt.timedelta(hours=n), inputs=1)
        article, passages, removals = _rows(source, text, article_id)
        land(con, Batch(run_id, [article], passages, removals, ingested_at=T0))
        finish_run(
            con,
            run_id,
            finished_at=T0 + dt.timedelta(hours=n, seconds=5),
            inputs=1,
            landed=1,
            duplicates=0,
            rejected=0,
        )
    set_duplicate_of(con, [("copy", "hostile")])
    set_passage_duplicates(con, [("copy:0", "hostile:0")])
    con.close()
    out = tmp / "site"
    assert main(["report", "--out", str(out), "--db", str(db)]) == 0
    return out


# -- parts -------------------------------------------------------------------------------------


def _passages(n: int) -> list[dict]:
    return [{"position": i, "text": f"p{i}"} for i in range(n)]


def _removal(position: int, before: int | None, kind: str = "widget") -> dict:
    return {
        "position": position,
        "kind": kind,
        "rule": "r",
        "text": f"r{position}",
        "before_passage": before,
    }


@pytest.mark.parametrize(
    ("n_passages", "befores", "expected"),
    [
        (2, [0, 0, 2], ["r0", "r1", "p0", "p1", "r2"]),
        (3, [1, 5], ["p0", "r0", "p1", "p2", "r1"]),  # past the end: after the last passage
        (1, [], ["p0"]),
        (0, [0, 3], ["r0", "r1"]),
    ],
)
def test_original_order_interleaves_by_recorded_place(
    n_passages: int, befores: list[int], expected: list[str]
) -> None:
    removals = [_removal(i, b) for i, b in enumerate(befores)]
    pieces, unplaced = original_order(_passages(n_passages), removals[::-1])
    assert [p.text for p in pieces] == expected
    assert [p.removed for p in pieces] == [t.startswith("r") for t in expected]
    assert unplaced == []


def test_removals_without_a_place_come_back_apart() -> None:
    pieces, unplaced = original_order(_passages(2), [_removal(0, None), _removal(1, 1)])
    assert [p.text for p in pieces] == ["p0", "r1", "p1"]
    assert [(p.text, p.kind) for p in unplaced] == [("r0", "widget")]


@pytest.mark.parametrize("article_id", ["../../escape", "a/b", ".hidden", "x" * 300, "é"])
def test_page_names_stay_inside_the_report(article_id: str) -> None:
    name = page_name(article_id)
    assert re.fullmatch(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*\.html", name)
    assert page_name(article_id) == name and page_name(article_id + "!") != name


def test_plain_ids_keep_their_name() -> None:
    assert page_name("1ac5c16d9b22d5b87d234582") == "1ac5c16d9b22d5b87d234582.html"


@pytest.mark.parametrize("largest", [0, 1, 3, 7, 26, 99, 100, 101, 12_345])
def test_axis_covers_the_largest_value_with_few_ticks(largest: int) -> None:
    top, step = axis_scale(largest)
    assert top >= largest and top % step == 0
    assert 1 <= top // step <= 5
    assert str(step).strip("0") in ("1", "2", "5")


def test_stacked_bars_are_proportional_and_inside_the_plot() -> None:
    colors = {"a": "#111111", "b": "#222222"}
    chart = stacked_bars("t", ["r1", "r2"], [{"a": 3, "b": 1}, {"b": 8}], colors)
    heights = {(r.title, round(r.height, 6)) for r in chart.rects}
    unit = next(h for t, h in heights if t == "r1: b 1")
    assert {t: h / unit for t, h in heights} == pytest.approx(
        {"r1: a 3": 3, "r1: b 1": 1, "r2: b 8": 8}
    )
    for r in chart.rects:
        assert chart.plot_left <= r.x and r.x + r.width <= chart.plot_right
        assert r.y >= 0 and r.y + r.height <= chart.plot_bottom + 1e-9
    assert [item.label for item in chart.legend] == ["a", "b"]


def test_keep_top_folds_the_rest_into_other() -> None:
    names, stacks = keep_top([{"x": 5, "y": 1}, {"z": 2, "y": 1}], 2, "other")
    assert names == ["x", "y", "other"]  # y and z tie at 2: by name
    assert [sum(s.values()) for s in stacks] == [6, 3]
    assert all(set(s) <= set(names) for s in stacks)


# -- pages as files ----------------------------------------------------------------------------


def _pages(report: Path) -> list[Path]:
    return sorted(report.rglob("*.html"))


def test_report_has_an_index_a_list_and_a_page_per_article(report: Path) -> None:
    names = {p.relative_to(report).as_posix() for p in _pages(report)}
    assert names == {"index.html", "articles.html", "articles/hostile.html", "articles/copy.html"}
    assert (report / "report.css").is_file()


def test_every_page_forbids_scripts_and_holds_no_raw_markup_from_the_data(report: Path) -> None:
    for page in _pages(report):
        html = page.read_text("utf-8")
        assert "Content-Security-Policy" in html and "default-src 'none'" in html, page
        assert "<script" not in html.lower(), page
        assert "<img" not in html.lower(), page
    hostile = (report / "articles" / "hostile.html").read_text("utf-8")
    assert "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;" in hostile
    assert 'href="javascript:' not in hostile and "javascript:alert(1)" in hostile


def test_index_lists_both_runs(report: Path) -> None:
    index = (report / "index.html").read_text("utf-8")
    for run_id in ("run-a", "run-b"):
        assert f'title="{run_id}"' in index
    assert index.count("<svg") == 2


def test_rules_table_says_what_each_fired_rule_catches_and_lists_the_rest(
    report: Path,
) -> None:
    index = (report / "index.html").read_text("utf-8")
    table = index[
        index.index('<table class="rules">') : index.index(
            "</table>", index.index('<table class="rules">')
        )
    ]
    fired = [rule for rule in registry.rules() if f"<code>{rule.name}</code></td>" in table]
    assert fired, "no registered rule in the rules table"
    for rule in fired:
        assert f"<code>{rule.name}</code></td><td>{markupsafe.escape(rule.summary)}</td>" in table
    unfired = index[index.index("registered rules have not fired") :]
    for rule in registry.rules():
        assert (rule in fired) != (f"<code>{rule.name}</code>" in unfired), rule.name


# -- pages in a browser ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = find_chromium()
    if executable is None:
        reason = "Chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}; CI must run the browser test")
        pytest.skip(reason)
    with Browser(executable) as running:
        yield running


@pytest.fixture(scope="module")
def served(report: Path) -> Iterator[str]:
    """The report over HTTP on a free local port."""

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=report))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


_DOM = """({
  title: document.title,
  pwned: document.body.dataset.pwned || null,
  scripts: document.scripts.length,
  images: document.images.length,
  removed: [...document.querySelectorAll('.removed')].map(e => ({
    kind: e.dataset.kind,
    label: e.querySelector('.label').textContent,
    text: e.querySelector('.text').textContent,
    border: getComputedStyle(e).borderLeftStyle,
  })),
  kept: [...document.querySelectorAll('p.kept')].map(e => e.textContent),
  heading: document.querySelector('h1').textContent,
  links: [...document.querySelectorAll('a')].map(a => a.getAttribute('href')),
})"""


def test_article_page_highlights_removals_and_runs_no_injected_script(
    browser: Browser, served: str
) -> None:
    page = browser.open(f"{served}/articles/hostile.html")
    dom = page.evaluate(_DOM)
    assert page.console_errors() == []
    article = clean_text(HOSTILE, source="inbox/bridge.txt")
    # nothing ran: the title is the headline, markup and all, as text
    assert dom["pwned"] is None
    assert dom["title"] == f"{article.title} · presswash audit"
    assert dom["scripts"] == 0 and dom["images"] == 0
    assert TITLE_SCRIPT in dom["heading"]
    assert any(IMG_SCRIPT in text for text in dom["kept"])

    assert [(r["kind"], r["text"]) for r in dom["removed"]] == [
        (r.kind, r.text) for r in article.removed
    ]
    for r, removal in zip(dom["removed"], article.removed, strict=True):
        assert r["label"] == f"{removal.kind} · {removal.rule}"
        assert r["border"] == "solid"  # the stylesheet loaded and styles the highlight
    assert any(FOOTER_SCRIPT in r["text"] for r in dom["removed"])
    assert "copy.html" in dom["links"]  # duplicated by
    assert "javascript:alert(1)" not in dom["links"]
    page.screenshot(ROOT / "test-artifacts" / "report.png")


def test_duplicate_links_point_both_ways(browser: Browser, served: str) -> None:
    page = browser.open(f"{served}/articles/copy.html")
    dom = page.evaluate(_DOM)
    assert page.console_errors() == []
    assert "hostile.html" in dom["links"]
    assert "hostile.html#p0" in dom["links"]  # passage 0 repeats the original's passage 0


def test_overview_draws_both_charts_without_errors(browser: Browser, served: str) -> None:
    page = browser.open(f"{served}/index.html")
    charts = page.evaluate(
        "[...document.querySelectorAll('figure.chart svg')].map(s => ({"
        " bars: s.querySelectorAll('.bars rect').length,"
        " width: s.getBoundingClientRect().width}))"
    )
    assert page.console_errors() == []
    assert len(charts) == 2
    assert all(c["bars"] > 0 and c["width"] > 300 for c in charts)


# -- the command: replacing an earlier report, refusing other directories, plurals ------------


def _warehouse_of(db: Path, articles: list[tuple[str, str]]) -> Path:
    """A warehouse with one run landing ``(article_id, text)`` articles."""
    con = open_warehouse(db)
    start_run(con, "run-1", T0, inputs=len(articles))
    for article_id, text in articles:
        article, passages, removals = _rows(f"inbox/{article_id}.txt", text, article_id)
        land(con, Batch("run-1", [article], passages, removals, ingested_at=T0))
    finish_run(
        con, "run-1", finished_at=T0, inputs=len(articles), landed=len(articles),
        duplicates=0, rejected=0,
    )  # fmt: skip
    con.close()
    return db


def test_a_new_report_replaces_the_earlier_one_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "site"
    both = _warehouse_of(tmp_path / "a.duckdb", [("hostile", HOSTILE), ("copy", COPY)])
    assert main(["report", "--out", str(out), "--db", str(both)]) == 0
    assert "report of 2 articles and 1 run -> " in capsys.readouterr().out
    one = _warehouse_of(tmp_path / "b.duckdb", [("copy", COPY)])
    assert main(["report", "--out", str(out), "--db", str(one)]) == 0
    assert "report of 1 article and 1 run -> " in capsys.readouterr().out
    names = {p.relative_to(out).as_posix() for p in _pages(out)}
    assert names == {"index.html", "articles.html", "articles/copy.html"}  # no stale page
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.duckdb", "b.duckdb", "site"]


def test_a_directory_that_is_not_a_report_is_refused_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    db = _warehouse_of(tmp_path / "w.duckdb", [("copy", COPY)])
    assert main(["report", "--out", str(out), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert (
        err == f"presswash report: {out} holds files that are not a presswash report; "
        "choose another --out\n"
    )
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


PAGE = """<html><head><title>Tidal barrage approved</title>
<script type="application/ld+json">{{"articleBody": "{body}"}}</script></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article><h1>Tidal barrage approved</h1>
<p>{body}</p>
<aside class="related"><h3>Related stories</h3><ul><li><a href="/a">Harbour dredging to start
in spring</a></li><li><a href="/b">Ferry fares rise again</a></li></ul></aside>
<p>Construction is due to start next year and take four years, with the first turbines
turning before the end of the decade, the council's planning committee said.</p>
</article>
<footer><p>About us</p><p>Contact</p><p>Careers</p><p>Advertise with us</p></footer>
</body></html>"""
BODY = (
    "The tidal barrage across the estuary was approved on Tuesday after a two-year inquiry, "
    "clearing the way for the largest energy project the region has seen"
)


def test_html_removals_stand_in_page_order_in_the_report(
    prefect_server: str, tmp_path: Path
) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    for name in ("barrage.html", "barrage-site-b.html"):
        (pages / name).write_text(PAGE.format(body=BODY + f" ({name})."), "utf-8")
    db = tmp_path / "w.duckdb"
    assert main(["run", str(pages), "--db", str(db)]) == 0
    assert main(["report", "--out", str(tmp_path / "site"), "--db", str(db)]) == 0
    shown = list((tmp_path / "site" / "articles").glob("*.html"))
    assert len(shown) == 2
    for page in shown:
        html = page.read_text("utf-8")
        found = re.findall(r'data-rule="(\w+)"|class="kept"', html)
        seen = [rule or "kept" for rule in found]
        kept = [i for i, s in enumerate(seen) if s == "kept"]
        assert len(kept) == 2, seen
        assert seen.index("nav_element") < seen.index("headline_matches_metadata") < kept[0]
        assert kept[0] < seen.index("class_related") < kept[1], seen  # between the paragraphs
        assert seen.index("footer_element") > kept[1], seen  # the footer at the foot
