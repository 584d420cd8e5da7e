"""The HTML path: a page in, an Article out, through the same text rules as scraped dumps.

Steps, on one lxml parse of the page:

1. metadata (title, authors, date, site) from trafilatura, on the whole page, before anything
   is taken out (bylines and author boxes are evidence for metadata, not body text);
2. the pre-pass (:mod:`.html_prepass`): boilerplate elements out, each recorded as a Removal;
3. trafilatura's main-text extraction on what is left, read back as blocks: its ``<head>``
   elements become headings, its paragraphs, list items, quotes and table rows become blocks;
4. :func:`.text.clean_blocks`, the rules shared with the text path.

Bounds: pages over :data:`MAX_HTML_CHARS` and pages nested deeper than the parser allows are
rejected with :class:`RejectInput` instead of being parsed for minutes or cut silently.
"""

from __future__ import annotations

import datetime as dt

import trafilatura
from lxml import etree
from lxml.html import HtmlElement, HTMLParser, document_fromstring

from .article import Article, Block, Hints
from .decode import RejectInput, decode
from .html_prepass import prepass
from .normalize import detection_key, fold_ws
from .text import clean_blocks, make_block

#: Largest page accepted, in characters. News pages are well under 2 MB; extraction time
#: grows linearly (about 0.4 s per MB here), so this bounds one page to a few seconds.
MAX_HTML_CHARS = 8_000_000

#: trafilatura's elements that hold one paragraph of text each.
_PARAGRAPH_TAGS = frozenset({"p", "quote", "code", "div", "item", "cell"})
#: trafilatura's inline elements (formatting, links): their text runs on without a space.
_INLINE_TAGS = frozenset({"hi", "ref", "del", "span"})


def clean_html(html: str | bytes, url: str | None = None, source: str | None = None) -> Article:
    """Clean one HTML page (see DESIGN.md for the contract).

    Bytes are decoded with :func:`.decode.decode` (BOM, ``<meta charset>``, then detection).
    Raises :class:`RejectInput` for input that cannot be a page: undecodable, too large,
    or nested too deeply to parse whole.
    """
    name = source or url or "<html>"
    encoding = None
    if isinstance(html, bytes):
        decoded = decode(html, source=name, html=True)
        html, encoding = decoded.text, decoded.encoding
    tree = parse_html(html, source=name)
    hints = page_metadata(tree, url)
    removed = prepass(tree)
    article = clean_blocks(
        extract_blocks(tree, url), source=source, url=url, hints=hints, removed=removed
    )
    article.encoding = encoding
    return article


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
    try:
        tree = document_fromstring(html.encode("utf-8", "surrogatepass"), parser=parser)
    except etree.ParserError as error:
        raise RejectInput(source, f"not parseable as HTML ({error})") from error
    if any(e.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT for e in parser.error_log):
        raise RejectInput(source, "nested too deeply (over 255 levels)")
    return tree


def page_metadata(tree: HtmlElement, url: str | None) -> Hints:
    """Title, site, date and authors of the page, from trafilatura (and htmldate for dates)."""
    meta = trafilatura.extract_metadata(tree, default_url=url)
    authors = [a.strip() for a in (meta.author or "").split(";") if a.strip()]
    return Hints(
        title=meta.title or None,
        site=meta.sitename or None,
        published=_iso_date(meta.date),
        authors=authors,
    )


def _iso_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def extract_blocks(tree: HtmlElement, url: str | None = None) -> list[Block]:
    """The main text of the page as blocks, from trafilatura's structured output."""
    document = trafilatura.bare_extraction(tree, url=url, include_comments=False)
    if document is None or document.body is None:
        return []
    blocks: list[Block] = []
    for element in document.body:
        _add_blocks(element, blocks)
    return blocks


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
        for child in element:
            _add_blocks(child, blocks)


def _append(blocks: list[Block], text: str, heading: bool = False) -> None:
    if text:
        blocks.append(make_block(text, heading=heading))


def _append_table(blocks: list[Block], table: etree._Element) -> None:
    """A table is one block, a row a line, cells apart by `` | `` (one row alone reads like a
    breadcrumb or a list item to the text rules; the table as a whole does not)."""
    rows = (" | ".join(filter(None, map(_fold, row.iter("cell")))) for row in table.iter("row"))
    text = "\n".join(filter(None, rows))
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
