"""The page-type classifier on pages it was not trained on, and what cleaning keeps of them.

The pages are generated (``tests.helpers.pages``): layouts written here, text of several
languages in random order, so what is tested is the shape of a page, not its wording.
"""

from __future__ import annotations

import random
import re

import pytest
import trafilatura
from hypothesis import given
from hypothesis import strategies as st
from lxml.html import document_fromstring

from cleaners import clean_html, clean_text, page_type
from cleaners.page_type import (
    ARTICLE,
    PAGE_TYPES,
    classify_html,
    html_blocks,
    html_features,
    text_features,
    url_features,
)
from tests.helpers import pages

NON_ARTICLES = {
    "forum": pages.forum_page,
    "product": pages.product_page,
    "documentation": pages.documentation_page,
    "listing": pages.listing_page,
}


def _type(html: str, url: str) -> str:
    return classify_html(document_fromstring(html), url)


@pytest.mark.parametrize("lang", ["de", "fr", "es", "ru", "en"])
@pytest.mark.parametrize("metadata", [True, False], ids=["schema", "shape-only"])
def test_articles_in_any_language_are_articles(lang: str, metadata: bool) -> None:
    for seed in range(3):
        html, url = pages.article_page(lang, seed, metadata=metadata)
        assert _type(html, url) == ARTICLE, (lang, seed)


@pytest.mark.parametrize("lang", ["de", "ru", "es"])
@pytest.mark.parametrize("kind", sorted(NON_ARTICLES))
def test_pages_declaring_their_type_are_not_articles(kind: str, lang: str) -> None:
    html, url = NON_ARTICLES[kind](lang, seed=5)
    assert _type(html, url) != ARTICLE


@pytest.mark.parametrize("lang", ["fr", "ru"])
@pytest.mark.parametrize(
    "kind",
    [
        "forum",
        "listing",
        pytest.param(
            "product",
            marks=pytest.mark.xfail(
                strict=True,
                reason="without schema.org or og:type, a short product page scores over the "
                "article floor: the shape features alone do not tell it yet",
            ),
        ),
    ],
)
def test_pages_without_schema_are_typed_by_their_shape(kind: str, lang: str) -> None:
    """No og:type, no JSON-LD: posts with times and a reply form, a price beside a
    quantity input, a run of linked headlines are still told from an article."""
    html, url = NON_ARTICLES[kind](lang, seed=7, metadata=False)
    assert _type(html, url) != ARTICLE


def test_product_page_declaring_its_type_is_a_product() -> None:
    html, url = pages.product_page("es", seed=3)
    assert _type(html, url) == "product"


def test_forum_thread_keeps_its_posts() -> None:
    html, url = pages.forum_page("ru", seed=21)
    article = clean_html(html, url=url)
    assert article.page_type != ARTICLE
    posts = [
        " ".join(e.text_content().split())
        for e in document_fromstring(html).xpath("//div[@class='message']")
    ]
    alone = trafilatura.extract(html) or ""
    kept = [post in article.text for post in posts]
    # Never below the extractor alone: every post it keeps stays, and the thread is not
    # emptied (trafilatura's recall mode would keep more short posts here, but on real
    # forums it kept their menus too and scored lower; see extract_blocks).
    assert all(k for k, post in zip(kept, posts, strict=True) if post in alone)
    assert sum(kept) >= max(1, sum(post in alone for post in posts))


def test_product_page_keeps_its_description() -> None:
    html, url = pages.product_page("de", seed=22)
    article = clean_html(html, url=url)
    assert article.page_type in PAGE_TYPES and article.page_type != ARTICLE
    description = max(
        (" ".join(p.text_content().split()) for p in document_fromstring(html).xpath("//main/p")),
        key=len,
    )
    assert description in article.text


def test_article_is_still_cleaned_as_an_article() -> None:
    html, url = pages.article_page("fr", seed=23)
    article = clean_html(html, url=url)
    assert article.page_type == ARTICLE
    # The article rules ran: the aside's list of other headlines is not in the body.
    aside = document_fromstring(html).xpath("//aside//a")[0].text_content()
    assert aside not in article.text
    assert len(article.paragraphs) >= 8


def test_text_dump_of_an_article_stays_an_article() -> None:
    html, url = pages.article_page("es", seed=24)
    tree = document_fromstring(html)
    dump = "\n\n".join(" ".join(p.text_content().split()) for p in tree.xpath("//h1|//p"))
    assert clean_text(dump, url=url).page_type == ARTICLE


def test_features_are_finite_and_named_alike_for_every_page() -> None:
    names = None
    for make in (pages.article_page, *NON_ARTICLES.values()):
        html, url = make("en", seed=1)
        features = html_features(document_fromstring(html), url)
        assert names is None or list(features) == names
        names = list(features)
        assert all(value == value and abs(value) < 1e6 for value in features.values())
    assert list(text_features(["one line", "- an item"])) == list(text_features([]))


def test_url_shape_not_url_words() -> None:
    article = url_features("https://a.example/2024/05/03/council-approves-new-budget-for-schools")
    front = url_features("https://a.example/")
    assert article["url_year"] == 1 and article["url_slug_hyphens"] == 5
    assert front["url_root"] == 1 and front["url_slug_hyphens"] == 0


@given(st.text(alphabet="0123456789.,:/-$€£¥ EURUSDGBPab\n", max_size=60))
def test_the_price_pattern_finds_what_it_would_without_its_lookahead(text: str) -> None:
    """The lookahead only skips positions where no match can start."""
    bare = page_type._PRICE.pattern.removeprefix("(?=[\\d$€£¥₹₽₩₺₴₪฿])")
    assert bare != page_type._PRICE.pattern
    assert page_type._PRICE.findall(text) == re.findall(bare, text)


@given(st.text(alphabet="0123456789./-:a_ \n٣", max_size=40))
def test_the_date_and_clock_patterns_match_as_with_a_leading_word_boundary(text: str) -> None:
    """``\\d(?<!\\w\\d)`` is the patterns' fast spelling of ``\\b\\d``."""
    assert page_type._NUMERIC_DATE.findall(text) == re.findall(
        r"\b\d{1,4}[./-]\d{1,2}[./-]\d{2,4}\b", text
    )
    assert page_type._CLOCK.findall(text) == re.findall(r"\b\d{1,2}:\d{2}\b", text)


@pytest.mark.parametrize(
    "body",
    [
        "Just text, <b>bold</b> in it, a sentence long enough to keep.<br>And a second line.",
        "<span>Text in spans only, a sentence long enough to keep.</span><span>Another.</span>",
        "",
    ],
)
def test_a_page_without_block_elements_is_typed_not_a_crash(body: str) -> None:
    """No paragraph-like element at all (text straight in <body>, spans, nothing): the
    innermost-block walk has nothing to pair and must give no blocks, not fail."""
    page = f"<html><head><title>T</title></head><body>{body}</body></html>"
    assert html_blocks(document_fromstring(page)) == []
    assert classify_html(document_fromstring(page), None) in PAGE_TYPES
    assert clean_html(page).page_type in PAGE_TYPES  # cleaned, not a "cleaning failed" reject


@pytest.mark.parametrize(
    "dateline",
    [
        "3. März 2024",
        "Опубликовано 3 марта 2024, 10:15",
        "2024年3月3日 10:15",
        "03/03/2024",
        "Por Ana Souza, 3 de março de 2024",
        "Updated Mar 3, 2024 at 10:15 a.m.",
    ],
)
def test_a_dateline_above_the_body_in_any_language_dates_the_page(dateline: str) -> None:
    rng = random.Random(7)
    body = pages.paragraph(rng, "en")
    page = f"<html><body><h1>Title</h1><span>{dateline}</span><p>{body}</p></body></html>"
    assert html_features(document_fromstring(page))["year_above_prose"] == 1.0
    assert text_features(["# Title", dateline, body])["year_above_prose"] == 1.0
    assert text_features(["# Title", body, dateline])["year_above_prose"] == 0.0


@pytest.mark.parametrize(
    "where",
    [
        "<p>{body}</p><span>3 March 2024</span>",  # under the body: a comment's or a teaser's
        "<span>Call 020 7946 0958 or order no. 120245</span><p>{body}</p>",  # no year alone
        "<span>{body} 2024</span><p>{body}</p>",  # a long text, not a date line
    ],
)
def test_a_year_elsewhere_does_not_date_the_page(where: str) -> None:
    body = pages.paragraph(random.Random(3), "de")
    page = f"<html><body><h1>Title</h1>{where.format(body=body)}</body></html>"
    assert html_features(document_fromstring(page))["year_above_prose"] == 0.0


def test_prose_in_one_container_counts_as_one_run_and_cards_do_not() -> None:
    rng = random.Random(11)
    paragraphs = [pages.paragraph(rng, "fr") for _ in range(5)]
    one = "<div>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</div>"
    cards = "".join(f"<div class='c'><p>{p}</p></div>" for p in paragraphs)
    together = html_features(document_fromstring(f"<html><body>{one}</body></html>"))
    apart = html_features(document_fromstring(f"<html><body>{cards}</body></html>"))
    assert together["prose_siblings"] > apart["prose_siblings"] > 0
    assert together["prose_siblings_share"] > 0.9 > 0.3 > apart["prose_siblings_share"]
