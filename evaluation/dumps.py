"""Text dumps of an HTML page in the styles scrapers produce, for training and evaluation.

Every style is generated from the same page, so one ground truth scores them all:

- ``markdown``: what an extractor writes (trafilatura markdown, with images, comments, tables);
- ``visible``: every visible line of the page, as BeautifulSoup's ``get_text()`` gives it;
- ``lynx``: ``lynx -dump``-style text, links numbered ``[12]``, form controls as ``(BUTTON)``
  and input fields, and a ``References`` list of the link targets at the end;
- ``page-markdown``: the whole page converted to markdown (markdownify), navigation included;
- ``front-matter``: the ``markdown`` dump under a YAML front matter block of its metadata;
- ``reader``: the ``page-markdown`` dump under a reader header (``Title:``, ``URL Source:``,
  ``Published Time:``, ``Markdown Content:``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import trafilatura
import yaml
from bs4 import BeautifulSoup, Comment, Tag
from markdownify import markdownify

#: Elements whose text a browser does not show.
_INVISIBLE = ("script", "style", "noscript", "template", "head", "svg", "iframe", "object")
#: Elements that start a new line in a text rendering.
_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "td",
        "th",
        "tr",
        "ul",
    ]
)
_BLANK_RUNS = re.compile(r"\n\s*\n\s*(?:\n\s*)+")
_SPACES = re.compile(r"[ \t\r\f\v\xa0]+")


def _soup(html: str | bytes) -> BeautifulSoup:
    soup = BeautifulSoup(html, "lxml")
    for tag in soup.find_all(_INVISIBLE):
        tag.decompose()
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for tag in soup.find_all(_hidden):
        tag.decompose()
    return soup


def _hidden(tag: Tag) -> bool:
    style = (tag.get("style") or "").replace(" ", "").lower()
    return (
        tag.has_attr("hidden")
        or "display:none" in style
        or (tag.name == "input" and (tag.get("type") or "").lower() == "hidden")
    )


def _lines(text: str) -> str:
    """One space between words, no blank-line runs, no blank edges."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip() + "\n"


def markdown_dump(html: str | bytes) -> str:
    """An extractor's markdown of the article: images, comments and tables kept."""
    dump = trafilatura.extract(
        html,
        output_format="markdown",
        include_images=True,
        include_comments=True,
        include_tables=True,
        with_metadata=False,
    )
    return dump or ""


def visible_dump(html: str | bytes) -> str:
    """Every visible line of the page, as ``get_text("\\n")`` gives it."""
    return _lines(_soup(html).get_text("\n"))


def lynx_dump(html: str | bytes) -> str:
    """Text rendered the way ``lynx -dump`` writes it."""
    soup = _soup(html)
    body = soup.body or soup
    references: list[str] = []
    for link in body.find_all("a", href=True):
        references.append(link["href"])
        link.insert(0, f"[{len(references)}]")
    for button in body.find_all("button"):
        button.replace_with(f"(BUTTON) {button.get_text(' ', strip=True)}")
    for field in body.find_all(["input", "select", "textarea"]):
        kind = (field.get("type") or "text").lower()
        if kind in ("submit", "button", "reset"):
            field.replace_with(f"(BUTTON) {field.get('value') or kind.title()}")
        elif kind in ("checkbox", "radio"):
            field.replace_with("[ ] " if kind == "checkbox" else "( ) ")
        else:
            field.replace_with("____________________")
    for image in body.find_all("img"):
        alt = (image.get("alt") or "").strip()
        image.replace_with(f"[{alt}]" if alt else "[IMG]")
    for tag in body.find_all(_BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    for item in body.find_all("li"):
        item.insert(0, "  * ")
    text = _lines(body.get_text())
    if references:
        listed = "\n".join(f"{i:4d}. {href}" for i, href in enumerate(references, start=1))
        text += f"\nReferences\n\n{listed}\n"
    return text


def page_markdown_dump(html: str | bytes) -> str:
    """The whole page, navigation and footer included, converted to markdown."""
    soup = _soup(html)
    return _lines(markdownify(str(soup.body or soup), heading_style="ATX"))


def metadata_of(html: str | bytes, url: str | None) -> dict[str, str]:
    """Title, url, site name, date and author of a page, as an extractor reads them."""
    text = html.decode("utf-8", "replace") if isinstance(html, bytes) else html
    meta = trafilatura.extract_metadata(text, default_url=url)
    found = {
        "title": meta.title,
        "url": url or meta.url,
        "sitename": meta.sitename,
        "date": meta.date,
        "author": meta.author,
    }
    return {key: value for key, value in found.items() if value}


def front_matter_dump(html: str | bytes, url: str | None = None) -> str:
    """The markdown dump under a YAML front matter block (authors as a list)."""
    meta = metadata_of(html, url)
    if "author" in meta:
        authors = [a.strip() for a in meta.pop("author").split(";") if a.strip()]
        meta["authors"] = authors  # type: ignore[assignment]
    header = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    return f"---\n{header}---\n\n{markdown_dump(html)}"


def reader_dump(html: str | bytes, url: str | None = None) -> str:
    """The page's markdown under a reader header, as reader services return it."""
    meta = metadata_of(html, url)
    lines = [f"Title: {meta.get('title', '')}", "", f"URL Source: {meta.get('url', '')}", ""]
    if "date" in meta:
        lines += [f"Published Time: {meta['date']}", ""]
    lines += ["Markdown Content:", page_markdown_dump(html)]
    return "\n".join(lines)


#: Every dump style by name: a function of the page's HTML and URL.
DUMPS: dict[str, Callable[[bytes, str | None], str]] = {
    "markdown": lambda html, url: markdown_dump(html),
    "visible": lambda html, url: visible_dump(html),
    "lynx": lambda html, url: lynx_dump(html),
    "page-markdown": lambda html, url: page_markdown_dump(html),
    "front-matter": front_matter_dump,
    "reader": reader_dump,
}


def dump(style: str, html: bytes, url: str | None = None) -> str:
    """The page in one dump style; ``KeyError`` names the unknown style."""
    try:
        make = DUMPS[style]
    except KeyError:
        raise KeyError(f"unknown dump style {style!r}; known: {', '.join(DUMPS)}") from None
    return make(html, url)


def cached_dump(style: str, html: bytes, url: str | None, cache: Path | None, key: str) -> str:
    """:func:`dump`, read from ``cache/<style>/<key>.txt`` when a run already wrote it there
    (dumping a page takes 0.1-0.3 s, so training and evaluation reuse them)."""
    if cache is None:
        return dump(style, html, url)
    path = cache / style / f"{key}.txt"
    if path.exists():
        return path.read_text(encoding="utf-8")
    text = dump(style, html, url)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return text
