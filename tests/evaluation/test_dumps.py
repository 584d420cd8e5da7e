"""Every dump style renders the page the way its scraper does, and clean_text reads each."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cleaners import clean_text
from cleaners.front_matter import lift_header
from evaluation import DUMP_STYLES
from evaluation.dumps import DUMPS, cached_dump, dump

ARTICLE = (Path(__file__).parents[1] / "data" / "html" / "article.html").read_bytes()

#: A page in Portuguese with a form and a hidden block, laid out with divs and tables only.
OTHER_LAYOUT = """<html><head><title>Chuva forte</title></head><body>
<div id="topo"><a href="/">Início</a> | <a href="/brasil">Brasil</a> |
<a href="/mundo">Mundo</a></div>
<form><input type="text" name="q"><input type="submit" value="Buscar"></form>
<table><tr><td>
<h2>Chuva forte atinge o litoral paulista</h2>
<div>A Defesa Civil emitiu um alerta para as cidades do litoral norte depois de uma noite
de chuva intensa que deixou ruas alagadas e moradores desalojados.</div>
<div>Segundo o órgão, o volume de chuva deve diminuir a partir de quinta-feira.</div>
</td></tr></table>
<div style="display: none">texto escondido</div>
<button>Compartilhar</button>
<script>var rastreio = 1;</script>
</body></html>""".encode()


def test_visible_dump_has_every_visible_line_and_nothing_hidden() -> None:
    text = dump("visible", OTHER_LAYOUT)
    lines = text.splitlines()
    assert "Chuva forte atinge o litoral paulista" in lines
    assert "Início" in lines and "Compartilhar" in lines
    assert "escondido" not in text and "rastreio" not in text


def test_lynx_dump_numbers_links_and_lists_them() -> None:
    text = dump("lynx", OTHER_LAYOUT)
    assert re.search(r"\[1\]Início", text)
    assert "(BUTTON) Buscar" in text and "(BUTTON) Compartilhar" in text
    assert "____" in text  # the search field
    references = text.split("\nReferences\n", 1)[1]
    assert re.findall(r"^\s+\d+\. (\S+)$", references, re.M) == ["/", "/brasil", "/mundo"]


def test_page_markdown_keeps_navigation_links() -> None:
    text = dump("page-markdown", ARTICLE)
    assert "[Sport](/sport)" in text
    assert "Council approves riverside bike lanes" in text


def test_front_matter_and_reader_dumps_are_lifted_back() -> None:
    url = "https://valley.example/news/bike-lanes"
    for style in ("front-matter", "reader"):
        text = dump(style, ARTICLE, url)
        header = lift_header(text)
        assert header.hints.title == "Council approves riverside bike lanes after long debate"
        assert header.url == url
        assert "Markdown Content:" not in header.body and "sitename:" not in header.body
    front = lift_header(dump("front-matter", ARTICLE, url))
    assert front.hints.authors == ["Dana Whitfield"] and front.hints.site == "The Valley Courier"


@pytest.mark.parametrize("style", list(DUMPS))
def test_clean_text_keeps_the_article_of_every_style(style: str) -> None:
    article = clean_text(dump(style, ARTICLE, "https://valley.example/a"), source=style)
    body = article.text
    assert "The city council voted seven to two on Wednesday night" in body
    assert "window.dataLayer" not in body


def test_unknown_style_is_named() -> None:
    with pytest.raises(KeyError, match="'pdf'"):
        dump("pdf", ARTICLE)


def test_cached_dump_is_written_once_and_read_back(tmp_path: Path) -> None:
    first = cached_dump("visible", OTHER_LAYOUT, None, tmp_path, "page")
    path = tmp_path / "visible" / "page.txt"
    assert path.read_text(encoding="utf-8") == first
    path.write_text("edited", encoding="utf-8")
    assert cached_dump("visible", OTHER_LAYOUT, None, tmp_path, "page") == "edited"


def test_the_cli_lists_every_dump_style() -> None:
    assert tuple(DUMPS) == DUMP_STYLES
