"""The HTML path: a page in, an Article out, through the same text rules as scraped dumps.

Steps, on one lxml parse of the page:

1. the pre-pass (:mod:`.html_prepass`): collapsed accordions and tabs shown, boilerplate
   elements out, each recorded as a Removal;
2. metadata (title, authors, date, site) from trafilatura, read while bylines and author
   boxes are still in (they are evidence for metadata, not body text), then those go too;
   a page whose markup gives no date is dated by the first date shown above the article;
3. hints for trafilatura: prose it would discard for a word inside a class name is
   shielded from that test, and the article's container is named for it when none of its
   container names fit (:func:`.html_prepass.shield_prose`,
   :func:`.html_prepass.mark_article_body`);
4. trafilatura's main-text extraction on what is left, read back as blocks: its ``<head>``
   elements become headings; its paragraphs, list items, quotes and tables become blocks;
5. :func:`.text.clean_blocks`, the rules shared with the text path.

Bounds: pages over :data:`MAX_HTML_CHARS` or :data:`MAX_ELEMENTS`, and pages nested deeper
than the parser allows, are rejected with :class:`RejectInput` instead of being worked on for
minutes or cut silently.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from dataclasses import dataclass, field
from html import unescape

import trafilatura
import trafilatura.metadata as tmeta
from htmldate import find_date
from lxml import etree
from lxml.html import (
    HtmlComment,
    HtmlElement,
    HtmlEntity,
    HTMLParser,
    HtmlProcessingInstruction,
    document_fromstring,
)
from trafilatura.json_metadata import normalize_authors
from trafilatura.utils import line_processing, trim
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS

from cleaners.article import Article, Block, Hints, Removal
from cleaners.html.placement import placed, text_offsets
from cleaners.html.prepass import (
    Finding,
    find_boilerplate,
    mark_article_body,
    reveal_collapsed,
    shield_prose,
)
from cleaners.normalize import detection_key, fold_ws, normalize_document
from cleaners.page_type import ARTICLE, PAGE_TYPES, classify_html
from cleaners.rules.dates import (
    NOT_SHOWN,
    dateline_rule,
    header_date,
    parse_date,
    texts_above_prose,
)
from cleaners.rules.metadata import site_name
from cleaners.text import clean_blocks, make_block
from sources.decode import RejectInput, decode

#: Largest page accepted, in characters. News pages are well under 2 MB; extraction time
#: grows linearly (about 0.4 s per MB here), so this bounds one page to a few seconds.
MAX_HTML_CHARS = 8_000_000
#: Most elements accepted in a page. Extraction time grows faster than linearly with the
#: element count (50,000 paragraphs take 13 s here, 300,000 spans most of a minute); news
#: pages have a few thousand (at most 5,000 on the benchmark pages).
MAX_ELEMENTS = 25_000

#: trafilatura's elements that hold one paragraph of text each.
_PARAGRAPH_TAGS = frozenset({"p", "quote", "code", "div", "item", "cell"})
_COUNT_ELEMENTS = etree.XPath("count(//*)")
#: Elements never shown as text; dropped before extraction (JSON-LD stays: trafilatura falls
#: back on its ``articleBody``). Copying them is a good part of extraction's cost.
_INVISIBLE = etree.XPath(
    "//style|//noscript|//template|//svg|//script[not(@type='application/ld+json')]"
)
#: Every element is a plain :class:`HtmlElement`, chosen in C. lxml.html's own lookup calls
#: Python for each element object it makes (to give forms and inputs classes of their own,
#: which nothing here uses), and extraction makes hundreds of thousands of them.
_ELEMENT_CLASSES = etree.ElementDefaultClassLookup(
    element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
)
#: trafilatura's limit on the length of a byline.
_BYLINE_CHARS = 120
#: trafilatura's inline elements (formatting, links): their text runs on without a space.
_INLINE_TAGS = frozenset({"hi", "ref", "del", "span"})


def _not_discarding_notice(record: logging.LogRecord) -> bool:
    """trafilatura warns "discarding data: None" when a page has no main text, naming no
    file; the page's empty article (or its reject) is reported by name where it lands."""
    return not record.getMessage().startswith("discarding data:")


logging.getLogger("trafilatura.core").addFilter(_not_discarding_notice)


def clean_html(
    html: str | bytes,
    url: str | None = None,
    source: str | None = None,
    *,
    page_type: str | None = None,
) -> Article:
    """Clean one HTML page (see DESIGN.md for the contract).

    ``page_type`` (one of ``PAGE_TYPES``) is taken instead of the page-type model's verdict:
    the evaluation gives each page the type a model that never saw its site gave it.

    Bytes are decoded with :func:`.decode.decode` (BOM, ``<meta charset>``, then detection).
    Raises :class:`RejectInput` for input that cannot be a page: undecodable, too large (in
    characters or elements), or nested too deeply to parse whole.
    """
    name = source or url or "<html>"
    if page_type is not None and page_type not in PAGE_TYPES:
        known = ", ".join(PAGE_TYPES)
        raise ValueError(f"{name}: unknown page type {page_type!r} (known: {known})")
    encoding = None
    if isinstance(html, bytes):
        decoded = decode(html, source=name, html=True)
        html, encoding = decoded.text, decoded.encoding
    tree = parse_html(html, source=name)
    # A page that is not an article keeps what the extractor finds, comments (a forum's
    # posts) included: the pre-pass and the article rules would take its content for chrome.
    page_type = page_type or classify_html(tree, url)
    is_article = page_type == ARTICLE
    page = extract_page(tree, url, prepass=is_article, whole=not is_article)
    article = clean_blocks(
        page.blocks,
        source=source,
        url=url,
        hints=page.hints,
        removed=page.removed,
        structured=True,
        page_type=page_type,
    )
    prepass = len(page.removed)
    article.removed[:prepass] = placed(
        page.removed, page.removed_at, page.page_text, article.paragraphs
    )
    # A date line above the article's first paragraph dates it; one further down (a teaser
    # list, a review note) is weaker evidence than the page's metadata date.
    header = header_date(article.paragraphs, article.removed)
    article.published = header or page.hints.published or article.published
    article.encoding = encoding
    return article


@dataclass(slots=True)
class ExtractedPage:
    """What the HTML steps give the text rules: blocks, metadata, and the pre-pass removals."""

    blocks: list[Block]
    hints: Hints
    removed: list[Removal]
    #: The page's text without whitespace, and where each of ``removed`` stood in it.
    page_text: str = ""
    removed_at: list[int] = field(default_factory=list)


def extract_page(
    tree: HtmlElement, url: str | None = None, *, prepass: bool = True, whole: bool = False
) -> ExtractedPage:
    """Steps 1-4 on a parsed page (``tree`` is changed). ``prepass=False`` skips the pre-pass
    and the hints of step 3; ``whole`` extracts for a page that is not an article (see
    :func:`extract_blocks`)."""
    found: list[Finding] = []
    if prepass:
        reveal_collapsed(tree)
        found = find_boilerplate(tree)
    recorded = [(f, r) for f in found if (r := f.removal())]
    removed = [r for _, r in recorded]
    page_text, removed_at = text_offsets(tree, [f.element for f, _ in recorded], NOT_SHOWN)
    # Metadata is read once the page chrome is gone (less to search, fewer stray dates) but
    # with bylines and author boxes still in: they are where authors are named.
    for finding in found:
        if not finding.metadata_evidence:
            finding.drop()
    hints = page_metadata(tree, url)
    if hints.published is None:
        hints.published = shown_date(tree)
    for finding in found:
        if finding.metadata_evidence:
            finding.drop()
    for element in _INVISIBLE(tree):
        element.drop_tree()
    if prepass:
        shield_prose(tree)
        mark_article_body(tree)
    return ExtractedPage(extract_blocks(tree, url, whole), hints, removed, page_text, removed_at)


def parse_html(html: str, *, source: str = "<html>") -> HtmlElement:
    """Parse a page with lxml, refusing pages too large or too deep to handle whole.

    libxml2 stops building the tree at 256 levels of nesting (without its "huge" option) and
    drops the rest of the page; that loss is turned into a rejection here.
    """
    if len(html) > MAX_HTML_CHARS:
        raise RejectInput(source, f"page too large ({len(html):,} characters)")
    parser = HTMLParser(
        encoding="utf-8",
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
        default_doctype=False,
    )
    parser.set_element_class_lookup(_ELEMENT_CLASSES)
    try:
        tree = document_fromstring(html.encode("utf-8", "surrogatepass"), parser=parser)
    except etree.ParserError as error:
        raise RejectInput(source, f"not parseable as HTML ({error})") from error
    if any(e.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT for e in parser.error_log):
        raise RejectInput(source, "nested too deeply (over 255 levels)")
    elements = int(_COUNT_ELEMENTS(tree))
    if elements > MAX_ELEMENTS:
        raise RejectInput(source, f"too many elements ({elements:,})")
    return tree


def page_metadata(tree: HtmlElement, url: str | None) -> Hints:
    """Title, site, date and authors of the page, as trafilatura's ``extract_metadata`` finds
    them, without the parts of it nothing here reads.

    ``extract_metadata`` also gathers categories, tags and a licence (a third of its time on
    news pages), and copies the whole tree to look for a byline (:func:`_byline`). The fields
    read here go through the same steps, in the same order of precedence.

    The date search is htmldate's quick one (markup, meta tags, URL): its extensive search
    also guesses from any date in the text, and was wrong more often than right on the
    tuning half of the benchmark (agreement with the true date 0.71 instead of 0.80).
    """
    meta = tmeta.examine_meta(tree)
    if meta.author and " " not in meta.author:
        meta.author = None
    with contextlib.suppress(Exception):  # broken JSON-LD: trafilatura passes over it too
        meta = tmeta.extract_meta_json(tree, meta)
    title = meta.title or tmeta.extract_title(tree)
    author = meta.author or _byline(tree)
    page_url = meta.url or tmeta.extract_url(tree, url)
    date = find_date(
        tree,
        extensive_search=False,
        original_date=True,
        url=page_url,
        max_date=dt.date.today().isoformat(),
    )
    site = site_name(meta.sitename or tmeta.extract_sitename(tree), page_url)
    authors = [a.strip() for a in _meta_text(author).split(";") if a.strip()]
    return Hints(
        title=_meta_text(title) or None,
        site=_meta_text(site) or None,
        published=_iso_date(date),
        authors=authors,
    )


def shown_date(tree: HtmlElement) -> dt.date | None:
    """The first date shown on the page above the article's first paragraph of prose.

    Pages without a date in their markup mostly show one by the byline; a date under the
    article's start belongs to something else (a comment, a teaser, a review note).
    """
    body = tree.find("body")
    if body is None:
        return None
    for text in texts_above_prose(body):
        if dateline_rule(detection_key(text)):
            day = parse_date(text)
            if day is not None:
                return day
    return None


def _byline(tree: HtmlElement) -> str | None:
    """trafilatura's byline search (``extract_author``) without its copy of the tree.

    It deletes comments, dates, figures and the like from a copy of the page, then takes the
    first author-marked element with a plausible text. Here the same elements are skipped
    instead: an author element inside one of them is passed over, and their text is left out
    of the author element's text.
    """
    discarded = {e for expression in AUTHOR_DISCARD_XPATHS for e in expression(tree)}
    for expression in AUTHOR_XPATHS:
        for element in expression(tree):
            if element in discarded or any(a in discarded for a in element.iterancestors()):
                continue
            parts: list[str] = []
            _text_outside(element, discarded, parts)
            content = trim(" ".join(parts))
            if content and 2 < len(content) < _BYLINE_CHARS:
                return normalize_authors(None, content)
    return None


def _text_outside(element: HtmlElement, discarded: set[HtmlElement], parts: list[str]) -> None:
    """The text pieces of ``element`` in document order, less those of ``discarded`` elements
    (their tails stay: they belong to the parent)."""
    if element.text:
        parts.append(element.text)
    for child in element:
        if child not in discarded:
            _text_outside(child, discarded, parts)
        if child.tail:
            parts.append(child.tail)


def _meta_text(value: str | None) -> str:
    """A metadata string as trafilatura finishes it: entities decoded, spaces folded."""
    if not value:
        return ""
    return line_processing(unescape(value[:10_000])) or ""


def _iso_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def extract_blocks(tree: HtmlElement, url: str | None = None, whole: bool = False) -> list[Block]:
    """The main text of the page as blocks, from trafilatura's structured output.

    Only its tree is read: the ``xml`` format leaves out the plain-text rendering of it that
    the default ``python`` format adds. ``whole`` is for a page that is not an article: its
    comment sections are kept (a forum's posts). trafilatura's ``favor_recall`` is left off
    there too: on the benchmark's non-article pages it kept menus and listings around the
    content, and cost 0.02-0.11 F1 per page type (forums most).
    """
    document = trafilatura.bare_extraction(
        tree, url=url, include_comments=whole, output_format="xml"
    )
    if document is None or document.body is None:
        return []
    blocks: list[Block] = []
    _add_children(document.body, blocks)
    return blocks


def _add_children(parent: etree._Element, blocks: list[Block]) -> None:
    """Append the blocks of ``parent``'s children, and of the text between them.

    trafilatura leaves some paragraphs as loose text: the text after a heading is often the
    heading's tail, not a paragraph of its own.
    """
    _append(blocks, (parent.text or "").strip())
    for child in parent:
        _add_blocks(child, blocks)
        _append(blocks, (child.tail or "").strip())


def _add_blocks(element: etree._Element, blocks: list[Block]) -> None:
    """Append the blocks of one element of trafilatura's output tree."""
    tag = element.tag
    if tag == "head":
        _append(blocks, _text(element), heading=True)
    elif tag == "list":
        for item in element.iterchildren("item"):
            _append(blocks, _text(item, skip="list"))
            for sublist in item.iterchildren("list"):
                _add_blocks(sublist, blocks)
    elif tag == "table":
        _append_table(blocks, element)
    elif tag in _PARAGRAPH_TAGS or len(element) == 0:
        _append(blocks, _text(element))
    else:
        _add_children(element, blocks)


def _append(blocks: list[Block], text: str, heading: bool = False) -> None:
    if text:
        blocks.append(make_block(normalize_document(text), heading=heading))


def _append_table(blocks: list[Block], table: etree._Element) -> None:
    """A table is one block, a row a line, cells apart by `` | `` (one row alone reads like a
    breadcrumb or a list item to the text rules; the table as a whole does not)."""
    rows = (" | ".join(filter(None, map(_fold, row.iter("cell")))) for row in table.iter("row"))
    text = normalize_document("\n".join(filter(None, rows)))
    if text:
        blocks.append(Block(text=text, key=detection_key(text)))


def _fold(element: etree._Element) -> str:
    return fold_ws(_text(element))


def _text(element: etree._Element, skip: str | None = None) -> str:
    """The element's text; line breaks and nested blocks become spaces, ``skip`` children go."""
    parts = [element.text or ""]
    for child in element:
        if child.tag != skip:
            gap = "" if child.tag in _INLINE_TAGS else " "
            parts += (gap, _text(child), gap)
        parts.append(child.tail or "")
    return "".join(parts).strip()
